/*
 * minutes.c: the minutes of a meeting (see minutes.h): the names of the
 * formats and languages, and the entry points, minutes_render() and
 * minutes_render_internal().
 *
 * Three steps: the scope (which entries the minutes cover, read from the
 * store's references: minutes_scope.c), the model (a JSON object built
 * from the view's entries in scope, in merged order: minutes_model.c),
 * and the printing of that model: its dump as JSON in minutes_json.c,
 * Markdown in minutes_md.c, plain text in minutes_txt.c, HTML in
 * minutes_html.c (what they share: minutes_print.c and minutes_print.h;
 * the pieces rendered on two threads: minutes_units.c).  Everything the
 * minutes say is in the model, so the formats cannot disagree.  What
 * these files share is in minutes_priv.h; a minutes file's
 * identification and the trusted comments are in minutes_id.c.
 *
 * Determinism: the model reads the entries' payloads, hashes, authors,
 * clocks and claimed times, and nothing else; times are formatted with
 * integer arithmetic (no gmtime, no locale); JSON is dumped with sorted
 * keys; no text depends on the process's locale, clock or paths.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "../crypto/err.h"
#include "halves.h"
#include "minutes.h"
#include "minutes_internal.h"
#include "minutes_print.h"
#include "minutes_priv.h"
#include "view.h"
#include "vis.h"

/* --- small helpers ---------------------------------------------------- */

const char *
minutes_format_name(minutes_format fmt)
{
	switch (fmt) {
	case MINUTES_MD:
		return "md";
	case MINUTES_TXT:
		return "txt";
	case MINUTES_JSON:
		return "json";
	case MINUTES_HTML:
		return "html";
	}
	return NULL;
}

minutes_format
minutes_format_parse(const char *name)
{
	if (name == NULL)
		return (minutes_format)0;
	if (strcmp(name, "md") == 0)
		return MINUTES_MD;
	if (strcmp(name, "txt") == 0)
		return MINUTES_TXT;
	if (strcmp(name, "json") == 0)
		return MINUTES_JSON;
	if (strcmp(name, "html") == 0)
		return MINUTES_HTML;
	return (minutes_format)0;
}

int
minutes_lang_valid(const char *lang)
{
	size_t n, i;

	if (lang == NULL)
		return 0;
	if (strcmp(lang, "both") == 0)
		return 1;
	n = strlen(lang);
	if (n < 2 || n > 8)
		return 0;
	for (i = 0; i < n; i++)
		if (lang[i] < 'a' || lang[i] > 'z')
			return 0;
	return 1;
}

/* minutes_short_time(): see minutes_print.h. */
void
minutes_short_time(char out[48], const char *iso)
{
	const char *t = iso != NULL ? strchr(iso, 'T') : NULL;

	if (t == NULL || strlen(t) < 6) {
		snprintf(out, 48, "%s", iso != NULL ? iso : "");
		return;
	}
	snprintf(out, 48, "%.*s %.5sZ", (int)(t - iso), iso, t + 1);
}

/* --- minutes_render --------------------------------------------------- */

/* What one thread frees: records, by their places. */
struct span {
	const struct place *p;
	size_t n;
};

/*
 * free_records() - let go of the records at the span's places, each
 * thread of those made on the same thread (see shared_copy()).
 */
static void *
free_records(void *arg)
{
	const struct span *sp = arg;
	size_t i;

	for (i = 0; i < sp->n; i++)
		json_array_set_new(sp->p[i].list, sp->p[i].at, json_null());
	return NULL;
}

/*
 * render() - minutes_render(), or with party the internal record of that
 * party (minutes_render_internal()).
 */
static int
render(char **out, size_t *len, const view *v, const minutes_scope *s,
    minutes_format fmt, const char *lang, const char *party)
{
	struct mb mb;
	struct obuf ob;
	struct minutes_unit *u = NULL;
	struct span halves[2];
	size_t nu = 0;
	json_t *m = NULL;
	char *buf = NULL;
	size_t blen = 0;
	FILE *f = NULL;
	int rc = DT_ENOMEM;

	*out = NULL;
	*len = 0;
	if (minutes_format_name(fmt) == NULL || !minutes_lang_valid(lang))
		return DT_EINVAL;
	if (view_locked(v))
		return DT_ENOKEY;
	memset(&mb, 0, sizeof(mb));
	mb.v = v;
	mb.s = s;
	mb.lang = lang;
	mb.both = strcmp(lang, "both") == 0;
	mb.party = party;
	mb.n = view_nitems(v);
	mb.two = halves_two();
	if ((mb.m = view_meeting_find(v, s->meeting)) == NULL)
		return DT_ENOENT;
	if ((mb.in = calloc(mb.n + 1, 1)) == NULL ||
	    (mb.shown = calloc(mb.n + 1, 1)) == NULL ||
	    (mb.own = calloc(mb.n + 1, 1)) == NULL ||
	    (mb.status = calloc(mb.n + 1, sizeof(*mb.status))) == NULL ||
	    (mb.agenda_pos = calloc(mb.n + 1, sizeof(*mb.agenda_pos))) == NULL)
		goto out;
	m = minutes_model(&mb, fmt);
	if (m == NULL || mb.err != 0) {
		rc = mb.err != 0 ? mb.err : DT_ENOMEM;
		goto out;
	}
	if ((rc = minutes_units_of(&u, &nu, m)) != 0)
		goto out;
	rc = DT_ENOMEM;
	if (fmt == MINUTES_JSON) {
		if ((rc = minutes_dump_json(&ob, m, u, nu, mb.two)) != 0)
			goto out;
		/* C1, DEL and bidirectional controls as \uXXXX (vis.h) */
		*len = ob.len - 1;
		if ((rc = vis_json(&ob.p, len)) != 0) {
			free(ob.p);
			goto out;
		}
		*out = ob.p;
		goto out;
	}
	if ((f = minutes_memstream(&buf, &blen)) == NULL)
		goto out;
	if ((fmt == MINUTES_MD ? minutes_print_md(f, m, u, nu, mb.two) :
	    fmt == MINUTES_HTML ? minutes_print_html(f, m) :
	    minutes_print_txt(f, m, u, nu, mb.two)) != 0 || ferror(f) != 0 ||
	    mb.err != 0) {
		fclose(f);
		goto out;
	}
	if (fclose(f) != 0)
		goto out;
	*out = buf;
	*len = blen;
	buf = NULL;
	rc = 0;
out:
	free(buf);
	/* the records as they were made, in two halves; then the rest */
	if (mb.err == 0) {
		halves[0].p = mb.placed;
		halves[0].n = mb.half;
		halves[1].p = mb.placed + mb.half;
		halves[1].n = mb.nplaced - mb.half;
		halves_run(free_records, &halves[0], &halves[1],
		    mb.two && mb.nplaced >= TWO_MIN);
	}
	free(u);
	json_decref(m);
	minutes_shared_free(&mb);
	free(mb.placed);
	free(mb.in);
	free(mb.shown);
	free(mb.own);
	free(mb.status);
	free(mb.agenda_pos);
	free(mb.people);
	return rc;
}

int
minutes_render(char **out, size_t *len, const view *v, const minutes_scope *s,
    minutes_format fmt, const char *lang)
{
	return render(out, len, v, s, fmt, lang, NULL);
}

int
minutes_render_internal(char **out, size_t *len, const view *v,
    const minutes_scope *s, minutes_format fmt, const char *lang,
    const char *party)
{
	*out = NULL;
	*len = 0;
	if (!minutes_party_valid(party))
		return DT_EINVAL;
	return render(out, len, v, s, fmt, lang, party);
}


/* The printers name the formats as minutes.h does (minutes_internal.h). */
_Static_assert(MINUTES_IN_MD == MINUTES_MD && MINUTES_IN_TXT == MINUTES_TXT &&
    MINUTES_IN_HTML == MINUTES_HTML, "minutes_internal.h's formats");
