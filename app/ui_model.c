/*
 * ui_model.c: the terminal UI's state and its key handlers.
 *
 * No curses here (style rule 6): the model knows the view it shows, the
 * lists each pane draws, the cursors, the input line and the search, and
 * its handlers return UI_F_* flags for the one loop in cmd_ui.c.  When a
 * key means "write something" the model fills m->run with the argv of a
 * command from the one command table and returns UI_F_RUN; it never
 * writes to the record itself.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>
#include <wctype.h>

#include "../crypto/err.h"
#include "../storage/entry.h"
#include "../storage/lang.h"
#include "../storage/payload.h"
#include "../storage/view.h"
#include "../storage/vis.h"
#include "commit_parse.h"
#include "fmt.h"
#include "i18n.h"
#include "search.h"
#include "ui.h"

static unsigned ask_run(ui_model *m, const char *question);

/* wipe_free() - wipe and free a draft string (accepts NULL). */
static void
wipe_free(char *s)
{
	if (s != NULL) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}


/* ------------------------------------------------------------------ */
/* Kinds and their prefixes.                                           */

static const struct {
	const char *label;   /* N_() */
	const char *add;     /* `detente add` kind */
	unsigned entry_kind;
} kinds[UI_KIND_COUNT] = {
	{ N_("note"), "note", ENTRY_K_NOTE },
	{ N_("agenda"), "agenda", ENTRY_K_AGENDA },
	{ N_("statement"), "statement", ENTRY_K_STATEMENT },
	{ N_("proposal"), "proposal", ENTRY_K_PROPOSAL },
	{ N_("decision"), "decision", ENTRY_K_DECISION },
	{ N_("commitment"), "commitment", ENTRY_K_COMMITMENT }
};

/*
 * The prefixes scribes type, as minutes are written: compared without
 * regard to case, and only at the very start of the entry.  Russian
 * equivalents are listed too, so a Russian scribe need not switch
 * keyboards.
 */
static const struct {
	const wchar_t *word;
	int kind;
	int internal;        /* a delegation-internal note (only notes) */
} prefixes[] = {
	{ L"NOTE", UI_KIND_NOTE, 0 },
	{ L"TOPIC", UI_KIND_AGENDA, 0 },
	{ L"AGENDA", UI_KIND_AGENDA, 0 },
	{ L"ITEM", UI_KIND_AGENDA, 0 },
	{ L"STATEMENT", UI_KIND_STATEMENT, 0 },
	{ L"POSITION", UI_KIND_STATEMENT, 0 },
	{ L"PROPOSAL", UI_KIND_PROPOSAL, 0 },
	{ L"DECISION", UI_KIND_DECISION, 0 },
	{ L"RESOLUTION", UI_KIND_DECISION, 0 },
	{ L"AGREED", UI_KIND_DECISION, 0 },
	{ L"ACTION", UI_KIND_COMMITMENT, 0 },
	{ L"COMMITMENT", UI_KIND_COMMITMENT, 0 },
	{ L"\x0417\x0410\x041c\x0415\x0422\x041a\x0410", UI_KIND_NOTE, 0 },       /* ЗАМЕТКА */
	{ L"\x0422\x0415\x041c\x0410", UI_KIND_AGENDA, 0 },                       /* ТЕМА */
	{ L"\x0417\x0410\x042f\x0412\x041b\x0415\x041d\x0418\x0415", UI_KIND_STATEMENT, 0 }, /* ЗАЯВЛЕНИЕ */
	{ L"\x041f\x0420\x0415\x0414\x041b\x041e\x0416\x0415\x041d\x0418\x0415", UI_KIND_PROPOSAL, 0 }, /* ПРЕДЛОЖЕНИЕ */
	{ L"\x0420\x0415\x0428\x0415\x041d\x0418\x0415", UI_KIND_DECISION, 0 },   /* РЕШЕНИЕ */
	{ L"\x041f\x041e\x0420\x0423\x0427\x0415\x041d\x0418\x0415", UI_KIND_COMMITMENT, 0 }, /* ПОРУЧЕНИЕ */
	/* a note only my party reads (F8 does the same) */
	{ L"INTERNAL", UI_KIND_NOTE, 1 },
	{ L"\x0412\x041d\x0423\x0422\x0420", UI_KIND_NOTE, 1 },           /* ВНУТР */
	{ L"\x0412\x041d\x0423\x0422\x0420\x0415\x041d\x041d\x042f\x042f", UI_KIND_NOTE, 1 }, /* ВНУТРЕННЯЯ */
	{ NULL, 0, 0 }
};

const char *
ui_kind_name(int kind)
{
	if (kind < 0 || kind >= UI_KIND_COUNT)
		return "?";
	return _(kinds[kind].label);
}

const char *
ui_entry_kind_label(unsigned kind)
{
	switch (kind) {
	case ENTRY_K_GENESIS: return _("genesis");
	case ENTRY_K_MEMBER_ADD: return _("member");
	case ENTRY_K_MEMBER_REMOVE: return _("member");
	case ENTRY_K_KEY_WRAP: return _("key");
	case ENTRY_K_CHECKPOINT: return _("checkpoint");
	case ENTRY_K_SEAL: return _("seal");
	case ENTRY_K_MINUTES_SIG: return _("signature");
	case ENTRY_K_MEETING_OPEN: return _("meeting");
	case ENTRY_K_MEETING_CLOSE: return _("meeting");
	case ENTRY_K_ATTENDANCE: return _("attendance");
	case ENTRY_K_AGENDA: return _("agenda");
	case ENTRY_K_AGENDA_STATUS: return _("status");
	case ENTRY_K_NOTE: return _("note");
	case ENTRY_K_STATEMENT: return _("statement");
	case ENTRY_K_PROPOSAL: return _("proposal");
	case ENTRY_K_DECISION: return _("decision");
	case ENTRY_K_COMMITMENT: return _("commitment");
	case ENTRY_K_COMMITMENT_STATUS: return _("status");
	case ENTRY_K_ENDORSEMENT: return _("endorsement");
	case ENTRY_K_CORRECTION: return _("correction");
	default: return _("unknown");
	}
}

/*
 * prefix_find() - the entry of prefixes[] that s[0..n) starts with
 * ("WORD:", any case), and in *skip how many characters the prefix and
 * the blanks after it take.  @return its index, or -1.
 */
static int
prefix_find(const wchar_t *s, size_t n, size_t *skip)
{
	size_t i, j, k, wl;

	*skip = 0;
	for (i = 0; i < n && i < 16 && s[i] != L':'; i++)
		if (!iswalpha((wint_t)s[i]))
			return -1;
	if (i == 0 || i >= n || s[i] != L':')
		return -1;
	for (j = 0; prefixes[j].word != NULL; j++) {
		wl = wcslen(prefixes[j].word);
		if (wl != i)
			continue;
		for (k = 0; k < i; k++)
			if (towupper((wint_t)s[k]) !=
			    (wint_t)prefixes[j].word[k])
				break;
		if (k < i)
			continue;
		i++;
		while (i < n && (s[i] == L' ' || s[i] == L'\t'))
			i++;
		*skip = i;
		return (int)j;
	}
	return -1;
}

/*
 * ui_prefix_kind() - the kind named by a prefix "WORD:" at the start of
 * s[0..n), and in *skip how many characters the prefix and the blanks
 * after it take.  @return the kind, or -1 when s has no known prefix.
 */
int
ui_prefix_kind(const wchar_t *s, size_t n, size_t *skip)
{
	int j = prefix_find(s, n, skip);

	return j < 0 ? -1 : prefixes[j].kind;
}

int
ui_prefix_internal(const wchar_t *s, size_t n)
{
	size_t skip;
	int j = prefix_find(s, n, &skip);

	return j >= 0 && prefixes[j].internal;
}

int
ui_entry_internal(const ui_model *m)
{
	if (m->prompt != UI_PROMPT_ENTRY)
		return 0;
	return m->internal || ui_prefix_internal(m->line.buf != NULL ?
	    m->line.buf : L"", m->line.len);
}

int
ui_run_internal(const ui_run *r)
{
	int i;

	if (r->argc < 3 || strcmp(r->argv[0], "add") != 0)
		return 0;
	/* the options stand before "--": the text may say "--internal" */
	for (i = 2; i < r->argc && strcmp(r->argv[i], "--") != 0; i++)
		if (strcmp(r->argv[i], "--internal") == 0)
			return 1;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Wide text helpers (shared with ui_draw.c; no curses).               */

wchar_t *
ui_wtext(const char *text, size_t *n)
{
	size_t len = text != NULL ? strlen(text) : 0, i = 0, o = 0;
	mbstate_t st;
	wchar_t *w, c;
	size_t r;

	if ((w = calloc(len + 1, sizeof(*w))) == NULL) {
		*n = 0;
		return NULL;
	}
	memset(&st, 0, sizeof(st));
	while (i < len) {
		r = mbrtowc(&c, text + i, len - i, &st);
		if (r == (size_t)-1 || r == (size_t)-2 || r == 0) {
			/* not valid in this locale: one '?' per byte */
			memset(&st, 0, sizeof(st));
			w[o++] = L'?';
			i++;
			continue;
		}
		i += r;
		if (c == L'\t')
			c = L' ';
		else if (c != L'\n' && vis_cp_unsafe((uint32_t)c))
			/* storage/vis.h's rule: never to the tty */
			c = L'?';
		else if (c != L'\n' && wcwidth(c) < 0)
			c = L'?';
		w[o++] = c;
	}
	w[o] = L'\0';
	*n = o;
	return w;
}

int
ui_wswidth(const wchar_t *s, size_t n)
{
	int w = 0, cw;
	size_t i;

	for (i = 0; i < n; i++) {
		cw = wcwidth(s[i]);
		w += cw < 0 ? 1 : cw;
	}
	return w;
}

size_t
ui_wrap(const wchar_t *s, size_t n, int width,
    void (*cb)(void *ctx, size_t start, size_t len), void *ctx)
{
	size_t start = 0, i, brk, lines = 0;
	int col, cw;

	if (width < 1)
		width = 1;
	while (start < n || lines == 0) {
		col = 0;
		brk = (size_t)-1;
		for (i = start; i < n && s[i] != L'\n'; i++) {
			cw = wcwidth(s[i]);
			if (cw < 0)
				cw = 1;
			if (col + cw > width)
				break;
			col += cw;
			if (s[i] == L' ')
				brk = i;
		}
		if (i >= n || s[i] == L'\n') {
			if (cb != NULL)
				cb(ctx, start, i - start);
			lines++;
			start = i + 1;
			if (i >= n)
				break;
			if (start >= n) {
				/* a trailing newline: one empty line */
				if (cb != NULL)
					cb(ctx, start, 0);
				lines++;
				break;
			}
			continue;
		}
		/* does not fit: break after the last blank, else here */
		if (brk != (size_t)-1 && brk > start) {
			if (cb != NULL)
				cb(ctx, start, brk - start);
			start = brk + 1;
		} else {
			if (i == start)
				i++; /* a character wider than the line */
			if (cb != NULL)
				cb(ctx, start, i - start);
			start = i;
		}
		lines++;
	}
	return lines;
}

long
ui_wmatch(const wchar_t *hay, size_t n, const wchar_t *needle, size_t from)
{
	size_t nl = wcslen(needle), i, j;

	if (nl == 0 || n < nl)
		return -1;
	for (i = from; i + nl <= n; i++) {
		for (j = 0; j < nl; j++)
			if (towlower((wint_t)hay[i + j]) !=
			    towlower((wint_t)needle[j]))
				break;
		if (j == nl)
			return (long)i;
	}
	return -1;
}

void
ui_today(char out[11])
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm); /* UTC, as every time the UI shows */
	strftime(out, 11, "%Y-%m-%d", &tm);
}

int
ui_commitment_overdue(const view_commitment *c, const char *today)
{
	return c->due != NULL && view_commitment_open(c) &&
	    strcmp(c->due, today) < 0;
}

int
ui_party_index(const view *v, const char *party)
{
	size_t i;

	for (i = 0; v != NULL && party != NULL && i < view_nparties(v); i++)
		if (strcmp(view_party(v, i), party) == 0)
			return (int)i;
	return -1;
}

/* ------------------------------------------------------------------ */
/* Runs: the argv of a command for the loop.                           */

void
ui_run_free(ui_run *r)
{
	int i;

	for (i = 0; i < r->argc; i++) {
		if (r->argv[i] != NULL) {
			explicit_bzero(r->argv[i], strlen(r->argv[i]));
			free(r->argv[i]);
		}
	}
	memset(r, 0, sizeof(*r));
}

/* run_add() - append a copy of s (n bytes) to r's argv. */
static int
run_addn(ui_run *r, const char *s, size_t n)
{
	char *c;

	if (r->argc + 1 >= (int)(sizeof(r->argv) / sizeof(r->argv[0])))
		return DT_ERANGE;
	if ((c = strndup(s, n)) == NULL)
		return DT_ENOMEM;
	r->argv[r->argc++] = c;
	r->argv[r->argc] = NULL;
	return 0;
}

static int
run_add(ui_run *r, const char *s)
{
	return run_addn(r, s, strlen(s));
}

const char *
ui_split_command(ui_run *r, const char *line)
{
	const char *p = line;
	char *word = NULL;
	size_t n;
	char q;
	int rc = 0;

	ui_run_free(r);
	if ((word = malloc(strlen(line) + 1)) == NULL)
		return N_("out of memory");
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (*p == '\0')
			break;
		n = 0;
		q = 0;
		while (*p != '\0') {
			if (q == 0 && (*p == ' ' || *p == '\t' || *p == '\n'))
				break;
			if (q == 0 && (*p == '\'' || *p == '"')) {
				q = *p++;
				continue;
			}
			if (q != 0 && *p == q) {
				q = 0;
				p++;
				continue;
			}
			if (*p == '\\' && q != '\'' && p[1] != '\0') {
				p++;
				word[n++] = *p++;
				continue;
			}
			word[n++] = *p++;
		}
		if (q != 0) {
			free(word);
			ui_run_free(r);
			return N_("a quote is not closed");
		}
		if ((rc = run_addn(r, word, n)) != 0)
			break;
	}
	free(word);
	if (rc != 0) {
		ui_run_free(r);
		return N_("too many words");
	}
	return NULL;
}

/*
 * commit_line() - a commitment's line (after the prefix) read by the one
 * grammar (commit_parse.h) with the dialogue's parties, my party and
 * today (UTC, as the log and the minutes count days).
 */
static const char *
commit_line(cparse_commitment *c, const char *body, const ui_model *m)
{
	const char *list[16];
	size_t n = m->v != NULL ? view_nparties(m->v) : 0, i;
	time_t now = time(NULL);
	struct tm today;

	if (n > sizeof(list) / sizeof(list[0]))
		n = sizeof(list) / sizeof(list[0]);
	for (i = 0; i < n; i++)
		list[i] = view_party(m->v, i);
	gmtime_r(&now, &today);
	return cparse_line(c, body, list, n, m->me_party, &today);
}

const char *
ui_commit_preview(const ui_model *m, char *buf, size_t len)
{
	cparse_commitment c;
	char *s = ui_line_utf8(&m->line), db[LANG_DATE_BYTES];
	const char *body, *why;
	wchar_t *w = NULL;
	size_t wn = 0, skip = 0, i;
	mbstate_t st;

	if (s == NULL) {
		snprintf(buf, len, "%s", _("the text cannot be encoded in "
		    "this locale"));
		return buf;
	}
	body = s;
	if ((w = ui_wtext(s, &wn)) != NULL &&
	    ui_prefix_kind(w, wn, &skip) >= 0) {
		memset(&st, 0, sizeof(st));
		for (i = 0; i < skip && *body != '\0'; i++) {
			size_t b = mbrlen(body, strlen(body), &st);

			body += b == (size_t)-1 || b == (size_t)-2 || b == 0 ?
			    1 : b;
		}
	}
	free(w);
	if ((why = commit_line(&c, body, m)) != NULL)
		snprintf(buf, len, _("commitment: %s; ACTION: [PARTY] "
		    "[\"OWNER\"] [DUE] text [by DUE]"), _(why));
	else    /* the due date as the reader writes it: "by Friday" seen */
		snprintf(buf, len, _("Enter records: party %s, owner %s, "
		    "due %s"), c.party, c.owner[0] != '\0' ? c.owner :
		    _("not named"), c.due[0] != '\0' ? fmt_date(db, sizeof(db),
		    c.due) : _("no date"));
	explicit_bzero(s, strlen(s));
	free(s);
	return buf;
}

const char *
ui_parse_entry(ui_run *r, const char *text, int kind, int internal,
    const ui_model *m, const char *item_hex)
{
	wchar_t *w = NULL;
	size_t wn = 0, skip = 0, n;
	const char *body = text, *why = NULL;
	cparse_commitment c;
	mbstate_t st;
	int pk, rc = 0;

	ui_run_free(r);
	/* the prefix, measured in characters, skipped in bytes */
	if ((w = ui_wtext(text, &wn)) == NULL)
		return N_("out of memory");
	if ((pk = ui_prefix_kind(w, wn, &skip)) >= 0) {
		kind = pk;
		if (ui_prefix_internal(w, wn))
			internal = 1;
		memset(&st, 0, sizeof(st));
		for (n = 0; n < skip; n++) {
			size_t b = mbrlen(body, strlen(body), &st);
			if (b == (size_t)-1 || b == (size_t)-2 || b == 0)
				b = 1;
			body += b;
		}
	}
	free(w);
	while (*body == ' ' || *body == '\t' || *body == '\n')
		body++;
	if (kind < 0 || kind >= UI_KIND_COUNT)
		kind = UI_KIND_NOTE;
	/* internal is for notes: never a joint entry in its place */
	if (internal && kind != UI_KIND_NOTE) {
		why = N_("an internal entry can only be a note: nothing was "
		    "written; remove the prefix, or press F8 to write it for "
		    "both sides");
		goto out;
	}

	rc |= run_add(r, "add");
	rc |= run_add(r, kinds[kind].add);
	if (kind != UI_KIND_AGENDA && item_hex != NULL) {
		rc |= run_add(r, "--item");
		rc |= run_add(r, item_hex);
	}
	if (kind == UI_KIND_COMMITMENT) {
		if ((why = commit_line(&c, body, m)) != NULL)
			goto out;
		rc |= run_add(r, "--party");
		rc |= run_add(r, c.party);
		if (c.owner[0] != '\0') {
			rc |= run_add(r, "--owner");
			rc |= run_add(r, c.owner);
		}
		if (c.due[0] != '\0') {
			rc |= run_add(r, "--due");
			rc |= run_add(r, c.due);
		}
		rc |= run_add(r, "--");
		rc |= run_addn(r, c.text, c.text_len);
		if (rc != 0)
			why = N_("out of memory");
		r->is_entry = 1;
		goto out;
	}
	if (*body == '\0') {
		why = N_("nothing to add: the text is empty");
		goto out;
	}
	if (internal)
		rc |= run_add(r, "--internal");
	rc |= run_add(r, "--");
	rc |= run_add(r, body);
	if (rc != 0)
		why = N_("out of memory");
	r->is_entry = 1;
out:
	if (why != NULL)
		ui_run_free(r);
	return why;
}

/* ------------------------------------------------------------------ */
/* The model.                                                          */

void
ui_model_init(ui_model *m)
{
	memset(m, 0, sizeof(*m));
	ui_line_init(&m->line);
	ui_line_init(&m->draft);
	m->follow = 1;
	m->cfilter = UI_CF_OPEN;
}

void
ui_model_done(ui_model *m)
{
	size_t i;

	if (m == NULL)
		return;
	ui_line_done(&m->line);
	ui_line_done(&m->draft);
	free(m->ag);
	free(m->rec);
	free(m->cm);
	free(m->hits);
	free(m->search);
	free(m->msg);
	free(m->overlay_title);
	if (m->overlay_text != NULL) {
		explicit_bzero(m->overlay_text, strlen(m->overlay_text));
		free(m->overlay_text);
	}
	ui_run_free(&m->run);
	for (i = 0; i < m->nhist; i++)
		wipe_free(m->hist[i]);
	free(m->hist);
	wipe_free(m->hist_save);
	memset(m, 0, sizeof(*m));
}

void
ui_model_message(ui_model *m, int error, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;

	free(m->msg);
	m->msg = NULL;
	m->msg_error = error;
	if (fmt == NULL)
		return;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	m->msg = s;
}

/* overlay_set() - show text (copied) in an overlay with a title. */
static void
overlay_set(ui_model *m, int kind, const char *title, const char *text)
{
	free(m->overlay_title);
	if (m->overlay_text != NULL) {
		explicit_bzero(m->overlay_text, strlen(m->overlay_text));
		free(m->overlay_text);
	}
	m->overlay_title = title != NULL ? strdup(title) : NULL;
	m->overlay_text = text != NULL ? strdup(text) : NULL;
	m->overlay_top = 0;
	m->overlay = kind;
}

void
ui_model_scrolled(ui_model *m, size_t rec_top, size_t rec_rows,
    size_t ag_top, size_t cm_top, size_t cm_rows)
{
	m->rec_top = rec_top;
	m->rec_rows = rec_rows;
	m->ag_top = ag_top;
	m->cm_top = cm_top;
	m->cm_rows = cm_rows;
}

/* shown_kind() - 1 if entries of kind get a place of their own in the
 * record pane (endorsements and corrections show under their target). */
static int
shown_kind(const view_item *it)
{
	switch (it->kind) {
	case ENTRY_K_KEY_WRAP:
	case ENTRY_K_CHECKPOINT:
		return 0;
	case ENTRY_K_ENDORSEMENT:
	case ENTRY_K_CORRECTION:
		return it->target == NULL;
	default:
		return 1;
	}
}

/* in_filter() - 1 if it belongs to the agenda item f (or f is NULL). */
static int
in_filter(const view_item *it, const view_item *f)
{
	if (f == NULL)
		return 1;
	if (it == f || it->item == f)
		return 1;
	if (it->target != NULL && (it->target == f || it->target->item == f))
		return 1;
	return 0;
}

/* agenda_meeting() - the meeting whose agenda the pane shows: the open
 * one, else the highest number any meeting or agenda item has. */
static int64_t
agenda_meeting(const view *v)
{
	const view_meeting *cur = view_current_meeting(v), *last;
	int64_t n = -1;
	size_t i;

	if (cur != NULL)
		return cur->number;
	if ((last = view_last_meeting(v)) != NULL)
		n = last->number;
	for (i = 0; i < view_nagenda(v); i++)
		if (view_agenda_at(v, i)->meeting > n)
			n = view_agenda_at(v, i)->meeting;
	return n;
}

/* cm_wanted() - does commitment c pass the filter? */
static int
cm_wanted(const ui_model *m, const view_commitment *c)
{
	switch (m->cfilter) {
	case UI_CF_OPEN:
		return view_commitment_open(c);
	case UI_CF_MINE:
		return (c->owner != NULL && strcmp(c->owner, m->me_name) == 0) ||
		    memcmp(c->entry->author, m->me_pk, KEY_PK_BYTES) == 0;
	case UI_CF_PARTY:
		return m->v != NULL && c->party != NULL &&
		    m->cfilter_party < view_nparties(m->v) &&
		    strcmp(c->party, view_party(m->v, m->cfilter_party)) == 0;
	default:
		return 1;
	}
}

/* search_update() - recompute the hits of m->search in m->rec. */
static void
search_update(ui_model *m)
{
	size_t i;

	free(m->hits);
	m->hits = NULL;
	m->nhits = 0;
	m->hit = 0;
	if (m->search == NULL || m->nrec == 0)
		return;
	if ((m->hits = calloc(m->nrec, sizeof(*m->hits))) == NULL)
		return;
	for (i = 0; i < m->nrec; i++)
		if (search_item(m->v, m->rec[i], m->search))
			m->hits[m->nhits++] = i;
}

/* find_rec() - the index of the entry with hash h in m->rec, or -1. */
static long
find_rec(const ui_model *m, const unsigned char *h)
{
	size_t i;

	for (i = 0; i < m->nrec; i++)
		if (memcmp(m->rec[i]->hash, h, ENTRY_HASH_BYTES) == 0)
			return (long)i;
	return -1;
}

/* rebuild_rec() - the record list for the current filter. */
static int
rebuild_rec(ui_model *m)
{
	const view *v = m->v;
	const view_item *f = NULL, *it;
	unsigned char keep[ENTRY_HASH_BYTES];
	int had = 0;
	size_t i, n;
	long at;

	if (!m->follow && m->rec_sel < m->nrec) {
		memcpy(keep, m->rec[m->rec_sel]->hash, sizeof(keep));
		had = 1;
	}
	free(m->rec);
	m->rec = NULL;
	m->nrec = 0;
	if (v == NULL)
		return 0;
	if (m->has_filter && (f = view_find(v, m->filter)) == NULL)
		m->has_filter = 0;
	n = view_nitems(v);
	if (n > 0 && (m->rec = calloc(n, sizeof(*m->rec))) == NULL)
		return DT_ENOMEM;
	/* a bounded view: only its span, where no entry is missing */
	for (i = view_span(v); i < n; i++) {
		it = view_item_at(v, i);
		if (shown_kind(it) && in_filter(it, f))
			m->rec[m->nrec++] = it;
	}
	if (had && (at = find_rec(m, keep)) >= 0)
		m->rec_sel = (size_t)at;
	else if (!m->follow)
		m->rec_sel = m->nrec > 0 ? m->nrec - 1 : 0;
	if (m->rec_sel >= m->nrec)
		m->rec_sel = m->nrec > 0 ? m->nrec - 1 : 0;
	search_update(m);
	return 0;
}

/* rebuild_cm() - the commitment list for the current filter. */
static int
rebuild_cm(ui_model *m)
{
	const view *v = m->v;
	unsigned char keep[ENTRY_HASH_BYTES];
	int had = 0;
	size_t i, n;

	if (m->cm_sel < m->ncm) {
		memcpy(keep, m->cm[m->cm_sel]->entry->hash, sizeof(keep));
		had = 1;
	}
	free(m->cm);
	m->cm = NULL;
	m->ncm = 0;
	m->cm_sel = 0;
	if (v == NULL)
		return 0;
	n = view_ncommitments(v);
	if (n > 0 && (m->cm = calloc(n, sizeof(*m->cm))) == NULL)
		return DT_ENOMEM;
	for (i = 0; i < n; i++)
		if (cm_wanted(m, view_commitment_at(v, i)))
			m->cm[m->ncm++] = view_commitment_at(v, i);
	for (i = 0; had && i < m->ncm; i++)
		if (memcmp(m->cm[i]->entry->hash, keep, sizeof(keep)) == 0)
			m->cm_sel = i;
	return 0;
}

int
ui_model_set_view(ui_model *m, const view *v)
{
	unsigned char keep[ENTRY_HASH_BYTES];
	int had = 0, rc;
	int64_t mt;
	size_t i, n;

	if (m->ag_sel > 0 && m->ag_sel < m->nag && m->ag[m->ag_sel] != NULL) {
		memcpy(keep, m->ag[m->ag_sel]->entry->hash, sizeof(keep));
		had = 1;
	}
	m->v = v;
	free(m->ag);
	m->ag = NULL;
	m->nag = 0;
	n = v != NULL ? view_nagenda(v) : 0;
	if ((m->ag = calloc(n + 1, sizeof(*m->ag))) == NULL)
		return DT_ENOMEM;
	m->ag[m->nag++] = NULL; /* "all items" */
	mt = v != NULL ? agenda_meeting(v) : -1;
	for (i = 0; i < n; i++)
		if (view_agenda_at(v, i)->meeting == mt)
			m->ag[m->nag++] = view_agenda_at(v, i);
	m->ag_sel = 0;
	for (i = 1; had && i < m->nag; i++)
		if (memcmp(m->ag[i]->entry->hash, keep, sizeof(keep)) == 0)
			m->ag_sel = i;
	/*
	 * The record and commitment lists hold pointers into the old view:
	 * rebuild_*() copy the selected hash out before freeing them, and
	 * the old view is freed by the loop only after this returns.
	 */
	if ((rc = rebuild_rec(m)) != 0 || (rc = rebuild_cm(m)) != 0)
		return rc;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Key handling.                                                       */

/* text_pending() - 1 if a draft would be lost by quitting. */
static int
text_pending(const ui_model *m)
{
	return (m->prompt == UI_PROMPT_ENTRY && m->line.len > 0) ||
	    m->draft.len > 0;
}

/* quit_request() - quit now, or ask first when a draft is pending. */
static unsigned
quit_request(ui_model *m)
{
	if (!text_pending(m))
		return UI_F_QUIT;
	m->confirm_quit = 1;
	ui_model_message(m, 0, "%s",
	    _("Unsent text will be lost. Quit anyway? (y/n)"));
	return UI_F_REDRAW;
}

/* hist_reset() - stop recalling: the next Up starts from the newest. */
static void
hist_reset(ui_model *m)
{
	wipe_free(m->hist_save);
	m->hist_save = NULL;
	m->hist_at = m->nhist;
}

/* prompt_tag() - the history tag of the prompt: entries, ":" or "/". */
static char
prompt_tag(int prompt)
{
	return prompt == UI_PROMPT_COMMAND ? ':' : prompt ==
	    UI_PROMPT_SEARCH ? '/' : 'e';
}

/*
 * hist_push() - remember s (a line entered at the prompt) for Up/Down;
 * the oldest of UI_HIST goes.  Memory only: wiped when dropped.
 */
static void
hist_push(ui_model *m, int prompt, const char *s)
{
	char *c, **nh;

	if (s == NULL || *s == '\0')
		return;
	if (m->nhist > 0 && m->hist[m->nhist - 1][0] == prompt_tag(prompt) &&
	    strcmp(m->hist[m->nhist - 1] + 1, s) == 0) {
		hist_reset(m);
		return;
	}
	if ((c = malloc(strlen(s) + 2)) == NULL)
		return;
	c[0] = prompt_tag(prompt);
	strcpy(c + 1, s);
	if (m->nhist == UI_HIST) {
		wipe_free(m->hist[0]);
		memmove(m->hist, m->hist + 1, (m->nhist - 1) * sizeof(*nh));
		m->nhist--;
	} else if ((nh = realloc(m->hist, (m->nhist + 1) *
	    sizeof(*nh))) == NULL) {
		wipe_free(c);
		return;
	} else
		m->hist = nh;
	m->hist[m->nhist++] = c;
	hist_reset(m);
}

/*
 * hist_step() - Up (dir -1) or Down (+1) on the first or last line of
 * the input: the previous or next line entered at this prompt; Down past
 * the newest brings back what was being typed.  @return UI_F_* flags.
 */
static unsigned
hist_step(ui_model *m, int dir)
{
	char tag = prompt_tag(m->prompt);
	size_t i = m->hist_at;

	for (;;) {
		if (dir < 0 && i == 0)
			return 0;
		if (dir > 0 && i >= m->nhist)
			return 0;
		i = dir < 0 ? i - 1 : i + 1;
		if (i == m->nhist || m->hist[i][0] == tag)
			break;
	}
	if (m->hist_at == m->nhist && m->hist_save == NULL &&
	    (m->hist_save = ui_line_utf8(&m->line)) == NULL)
		return 0;
	m->hist_at = i;
	(void)ui_line_set(&m->line, i == m->nhist ?
	    (m->hist_save != NULL ? m->hist_save : "") : m->hist[i] + 1);
	if (i == m->nhist)
		hist_reset(m);
	return UI_F_REDRAW;
}

/* open_prompt() - start a "/" or ":" prompt, putting the draft aside. */
static unsigned
open_prompt(ui_model *m, int prompt, const char *init)
{
	ui_line tmp;

	if (m->prompt == UI_PROMPT_ENTRY) {
		tmp = m->draft;
		m->draft = m->line;
		m->line = tmp;
	}
	ui_line_clear(&m->line);
	if (init != NULL)
		(void)ui_line_set(&m->line, init);
	m->prompt = prompt;
	hist_reset(m);
	m->focus = UI_FOCUS_INPUT;
	ui_model_message(m, 0, NULL);
	return UI_F_REDRAW;
}

/* close_prompt() - back to the entry, with the draft restored. */
static void
close_prompt(ui_model *m)
{
	ui_line tmp;

	if (m->prompt == UI_PROMPT_ENTRY)
		return;
	ui_line_clear(&m->line);
	tmp = m->line;
	m->line = m->draft;
	m->draft = tmp;
	m->prompt = UI_PROMPT_ENTRY;
	hist_reset(m);
}

/* hit_goto() - put the record cursor on hit h and say where it is. */
static void
hit_goto(ui_model *m, size_t h)
{
	if (m->nhits == 0)
		return;
	m->hit = h % m->nhits;
	m->rec_sel = m->hits[m->hit];
	m->follow = 0;
	ui_model_message(m, 0, _("match %zu of %zu (n: next, N: previous, "
	    "Esc: back to typing)"), m->hit + 1, m->nhits);
}

/* do_search() - search for the prompt's text. */
static unsigned
do_search(ui_model *m)
{
	size_t i;

	char *h = ui_line_utf8(&m->line);

	hist_push(m, UI_PROMPT_SEARCH, h);
	wipe_free(h);
	free(m->search);
	m->search = NULL;
	if (m->line.len > 0) {
		if ((m->search = calloc(m->line.len + 1,
		    sizeof(wchar_t))) == NULL)
			return UI_F_REDRAW;
		wmemcpy(m->search, m->line.buf, m->line.len);
	}
	close_prompt(m);
	search_update(m);
	if (m->search == NULL) {
		ui_model_message(m, 0, "%s", _("search cleared"));
		return UI_F_REDRAW;
	}
	if (m->nhits == 0 && m->v != NULL && view_has_older(m->v)) {
		/* N (in the record pane) looks further back */
		m->focus = UI_FOCUS_RECORD;
		ui_model_message(m, 1, ngettext("no match in the last %zu "
		    "entry (N: search further back)", "no match in the last "
		    "%zu entries (N: search further back)", m->nrec), m->nrec);
		return UI_F_REDRAW;
	}
	if (m->nhits == 0) {
		ui_model_message(m, 1, "%s", _("no match"));
		return UI_F_REDRAW;
	}
	m->focus = UI_FOCUS_RECORD;
	/* the first hit at or after the cursor, as less(1) does */
	for (i = 0; i < m->nhits; i++)
		if (!m->follow && m->hits[i] >= m->rec_sel)
			break;
	hit_goto(m, i < m->nhits ? i : 0);
	return UI_F_REDRAW;
}

/* do_command() - a ":" line: quit, or a command of the table. */
static unsigned
do_command(ui_model *m)
{
	char *s = ui_line_utf8(&m->line);
	const char *why;
	unsigned f = UI_F_REDRAW;

	hist_push(m, UI_PROMPT_COMMAND, s);
	close_prompt(m);
	if (s == NULL) {
		ui_model_message(m, 1, "%s", _("cannot read the command"));
		return f;
	}
	why = ui_split_command(&m->run, s);
	free(s);
	if (why != NULL) {
		ui_model_message(m, 1, "%s", _(why));
		return f;
	}
	if (m->run.argc == 0)
		return f;
	if (strcmp(m->run.argv[0], "q") == 0 ||
	    strcmp(m->run.argv[0], "quit") == 0 ||
	    strcmp(m->run.argv[0], "exit") == 0) {
		ui_run_free(&m->run);
		return f | quit_request(m);
	}
	if (strcmp(m->run.argv[0], "q!") == 0) {
		ui_run_free(&m->run);
		return UI_F_QUIT;
	}
	if (strcmp(m->run.argv[0], "keys") == 0) {
		ui_run_free(&m->run);
		m->overlay = UI_OVERLAY_HELP;
		m->overlay_top = 0;
		return f;
	}
	if (strcmp(m->run.argv[0], "endorse") == 0 && m->run.argc == 2) {
		char q[200];

		snprintf(q, sizeof(q), _("Endorse %.8s? An endorsement is "
		    "signed and cannot be withdrawn. (y/n)"), m->run.argv[1]);
		return ask_run(m, q);
	}
	if (strcmp(m->run.argv[0], "meeting") == 0 && m->run.argc >= 2 &&
	    strcmp(m->run.argv[1], "close") == 0)
		return ask_run(m, _("Close the meeting? Nobody can write "
		    "into it afterwards. (y/n)"));
	return f | UI_F_RUN;
}

/*
 * toggle_internal() - F8: the next note is delegation-internal (only my
 * party reads it), or, pressed again, for both sides.  Internal is only
 * for notes, so turning it on makes the kind a note; the prompt then
 * reads "[RU only] note>" until the note is added (ui_model_ran() turns
 * it off), Esc, or a key that picks a kind.
 */
static unsigned
toggle_internal(ui_model *m)
{
	const char *party = m->me_party[0] != '\0' ? m->me_party : "?";

	m->focus = UI_FOCUS_INPUT;
	m->internal = !m->internal;
	if (m->internal) {
		m->kind = UI_KIND_NOTE;
		ui_model_message(m, 0, _("the next note is internal: only %s "
		    "can read it (F8 again: for both sides)"), party);
	} else
		ui_model_message(m, 0, "%s", _("the next note is for both "
		    "sides"));
	return UI_F_REDRAW;
}

/* selected_item_hex() - the agenda item new entries attach to: the one
 * chosen as filter, else none (the add command takes the current one). */
static const char *
selected_item_hex(const ui_model *m)
{
	const view_item *it;

	if (!m->has_filter || m->v == NULL)
		return NULL;
	it = view_find(m->v, m->filter);
	return it != NULL ? it->hex : NULL;
}

/* do_submit() - Enter on the entry line: an `add` command. */
static unsigned
do_submit(ui_model *m)
{
	char *s;
	const char *why;

	if (m->line.len == 0)
		return 0;
	if ((s = ui_line_utf8(&m->line)) == NULL) {
		ui_model_message(m, 1, "%s",
		    _("the text cannot be encoded in this locale"));
		return UI_F_REDRAW;
	}
	hist_push(m, UI_PROMPT_ENTRY, s);
	why = ui_parse_entry(&m->run, s, m->kind, m->internal, m,
	    selected_item_hex(m));
	explicit_bzero(s, strlen(s));
	free(s);
	if (why != NULL) {
		ui_model_message(m, 1, "%s", _(why));
		return UI_F_REDRAW;
	}
	return UI_F_RUN | UI_F_REDRAW;
}

/* run_on() - prepare "cmd hex [extra]" for the loop. */
static unsigned
run_on(ui_model *m, const char *cmd, const view_item *it, const char *extra)
{
	ui_run_free(&m->run);
	if (it == NULL)
		return 0;
	if (run_add(&m->run, cmd) != 0 || run_add(&m->run, it->hex) != 0 ||
	    (extra != NULL && run_add(&m->run, extra) != 0)) {
		ui_run_free(&m->run);
		return 0;
	}
	return UI_F_RUN | UI_F_REDRAW;
}

/* prompt_on() - open ":" with "cmd SHORTID " typed in. */
static unsigned
prompt_on(ui_model *m, const char *cmd, const view_item *it)
{
	char buf[96];

	if (it == NULL)
		return 0;
	snprintf(buf, sizeof(buf), "%s %.8s ", cmd, it->hex);
	return open_prompt(m, UI_PROMPT_COMMAND, buf);
}

/*
 * correct_on() - open ":" with "correct SHORTID "TEXT"" typed in, TEXT
 * being what the entry says now (its latest correction, else itself),
 * quoted for ui_split_command(), so that a correction is an edit.
 */
static unsigned
correct_on(ui_model *m, const view_item *it)
{
	const char *t;
	char *buf, *o;
	size_t n;
	unsigned f;

	if (it == NULL)
		return 0;
	t = it->ncorrections > 0 ?
	    view_text(it->corrections[it->ncorrections - 1], NULL) :
	    view_text(it, NULL);
	if (t == NULL)
		return prompt_on(m, "correct", it);
	n = strlen(t);
	if ((buf = malloc(2 * n + 32)) == NULL)
		return prompt_on(m, "correct", it);
	o = buf + snprintf(buf, 32, "correct %.8s \"", it->hex);
	for (; *t != '\0'; t++) {
		if (*t == '"' || *t == '\\')
			*o++ = '\\';
		*o++ = *t;
	}
	*o++ = '"';
	*o = '\0';
	f = open_prompt(m, UI_PROMPT_COMMAND, buf);
	/* the cursor before the closing quote: typing edits the text */
	if (m->line.cur > 0)
		m->line.cur--;
	explicit_bzero(buf, strlen(buf));
	free(buf);
	return f;
}

/* move() - move a cursor by d within [0, n). */
static void
move(size_t *sel, size_t n, long d)
{
	long s = (long)*sel + d;

	if (n == 0) {
		*sel = 0;
		return;
	}
	if (s < 0)
		s = 0;
	if (s >= (long)n)
		s = (long)n - 1;
	*sel = (size_t)s;
}

/* nav_delta() - how far a navigation key moves in a pane of rows. */
static int
nav_delta(const ui_key *k, size_t rows, long *d)
{
	long page = rows > 2 ? (long)rows - 1 : 1;

	if (k->code == UI_K_DOWN || (k->code == UI_K_CHAR && k->ch == L'j'))
		*d = 1;
	else if (k->code == UI_K_UP || (k->code == UI_K_CHAR && k->ch == L'k'))
		*d = -1;
	else if (k->code == UI_K_PGDN || (k->code == UI_K_CTRL && k->ch == L'f'))
		*d = page;
	else if (k->code == UI_K_PGUP || (k->code == UI_K_CTRL && k->ch == L'b'))
		*d = -page;
	else if (k->code == UI_K_HOME || (k->code == UI_K_CHAR && k->ch == L'g'))
		*d = -(long)1e9;
	else if (k->code == UI_K_END || (k->code == UI_K_CHAR && k->ch == L'G'))
		*d = (long)1e9;
	else
		return 0;
	return 1;
}

/* cycle_cfilter() - open, mine, each party, all, open, ... */
static void
cycle_cfilter(ui_model *m)
{
	size_t np = m->v != NULL ? view_nparties(m->v) : 0;

	if (m->cfilter == UI_CF_OPEN)
		m->cfilter = UI_CF_MINE;
	else if (m->cfilter == UI_CF_MINE) {
		m->cfilter = np > 0 ? UI_CF_PARTY : UI_CF_ALL;
		m->cfilter_party = 0;
	} else if (m->cfilter == UI_CF_PARTY && m->cfilter_party + 1 < np)
		m->cfilter_party++;
	else if (m->cfilter == UI_CF_PARTY)
		m->cfilter = UI_CF_ALL;
	else
		m->cfilter = UI_CF_OPEN;
	m->cm_sel = m->ncm; /* nothing to keep */
	(void)rebuild_cm(m);
	m->cm_sel = 0;
}

/*
 * want_older() - ask the loop for n older entries (UI_F_OLDER), if the
 * view has any it did not look at.
 */
static unsigned
want_older(ui_model *m, size_t n)
{
	if (m->v == NULL || !view_has_older(m->v))
		return 0;
	m->older = n;
	return UI_F_OLDER;
}

/*
 * record_move() - move the record cursor; leaving the end unfollows.
 * Coming within a page of the oldest entry loaded asks for older ones,
 * so that scrolling up never meets the edge of the window.
 */
static unsigned
record_move(ui_model *m, long d)
{
	size_t page = m->rec_rows > 4 ? m->rec_rows : 20;

	if (m->nrec == 0)
		return d < 0 ? want_older(m, UI_WINDOW_MORE) : 0;
	if (m->follow)
		m->rec_sel = m->nrec - 1;
	move(&m->rec_sel, m->nrec, d);
	m->follow = m->rec_sel + 1 == m->nrec && d > 0;
	if (d < 0 && m->rec_sel < page)
		return want_older(m, UI_WINDOW_MORE);
	return 0;
}

/*
 * cm_move() - move the commitments cursor; coming within a page of the
 * oldest commitment loaded asks for older ones (UI_F_OLDER_CM), as the
 * record pane does for entries.
 */
static unsigned
cm_move(ui_model *m, long d)
{
	size_t page = m->cm_rows > 2 ? m->cm_rows : 8;

	move(&m->cm_sel, m->ncm, d);
	if (d < 0 && m->cm_sel < page && m->v != NULL &&
	    view_commitments_older(m->v))
		return UI_F_OLDER_CM;
	return 0;
}

/*
 * search_back() - N on the oldest match (or with none): load older
 * entries, then ui_model_extended() goes on from the current match.
 */
static unsigned
search_back(ui_model *m)
{
	const view_item *from = NULL;

	if (m->nhits > 0)
		from = m->rec[m->hits[m->hit]];
	else if (m->nrec > 0)
		from = m->rec[0];
	m->has_back_from = from != NULL;
	if (from != NULL)
		memcpy(m->back_from, from->hash, ENTRY_HASH_BYTES);
	m->search_back = 1;
	m->focus = UI_FOCUS_RECORD;
	ui_model_message(m, 0, "%s", _("searching further back..."));
	return want_older(m, UI_SEARCH_MORE) | UI_F_REDRAW;
}

unsigned
ui_model_extended(ui_model *m)
{
	size_t at = m->nrec, h;
	long f;

	if (!m->search_back)
		return 0;
	m->search_back = 0;
	if (m->has_back_from && (f = find_rec(m, m->back_from)) >= 0)
		at = (size_t)f;
	/* the newest match older than where the search stood */
	for (h = m->nhits; h-- > 0;)
		if (m->hits[h] < at) {
			hit_goto(m, h);
			return UI_F_REDRAW;
		}
	if (m->v != NULL && view_has_older(m->v))
		ui_model_message(m, 1, ngettext("no match in the last %zu "
		    "entry (N: search further back)", "no match in the last "
		    "%zu entries (N: search further back)", m->nrec), m->nrec);
	else
		ui_model_message(m, 1, "%s", _("no earlier match"));
	return UI_F_REDRAW;
}

/* key_pane() - a key while a pane has the focus. */
static unsigned
key_pane(ui_model *m, const ui_key *k)
{
	const view_item *it = NULL;
	const view_commitment *c = NULL;
	long d;

	if (m->focus == UI_FOCUS_RECORD && m->nrec > 0)
		it = m->rec[m->follow ? m->nrec - 1 : m->rec_sel];
	if (m->focus == UI_FOCUS_COMMIT && m->cm_sel < m->ncm)
		c = m->cm[m->cm_sel];
	if (m->focus == UI_FOCUS_AGENDA && m->ag_sel < m->nag &&
	    m->ag[m->ag_sel] != NULL)
		it = m->ag[m->ag_sel]->entry;
	if (c != NULL)
		it = c->entry;

	if (nav_delta(k, m->focus == UI_FOCUS_RECORD ? m->rec_rows / 2 :
	    m->focus == UI_FOCUS_COMMIT ? m->cm_rows : 8, &d)) {
		if (m->focus == UI_FOCUS_AGENDA)
			move(&m->ag_sel, m->nag, d);
		else if (m->focus == UI_FOCUS_RECORD)
			return record_move(m, d) | UI_F_REDRAW;
		else
			return cm_move(m, d) | UI_F_REDRAW;
		return UI_F_REDRAW;
	}
	if (k->code == UI_K_ENTER) {
		if (m->focus == UI_FOCUS_AGENDA) {
			if (it == NULL) {
				m->has_filter = 0;
				ui_model_message(m, 0, "%s",
				    _("showing all agenda items"));
			} else {
				memcpy(m->filter, it->hash, ENTRY_HASH_BYTES);
				m->has_filter = 1;
				ui_model_message(m, 0, "%s", _("showing this "
				    "item; new entries attach to it"));
			}
			m->follow = 1;
			(void)rebuild_rec(m);
			return UI_F_REDRAW;
		}
		return run_on(m, "show", it, NULL);
	}
	if (k->code != UI_K_CHAR || k->alt)
		return 0;
	/*
	 * No entry may target an internal note (the command would refuse
	 * it, session_not_internal()); say so at once, before C would put
	 * its text on a command line meant for an entry both sides read.
	 */
	if ((k->ch == L'e' || k->ch == L'C' || k->ch == L'm') &&
	    m->focus == UI_FOCUS_RECORD && it != NULL &&
	    view_item_internal(it)) {
		ui_model_message(m, 1, "%s", _("an internal note cannot be "
		    "endorsed, corrected or marked: those entries are for both "
		    "sides; to add to it, write another internal note (F8)"));
		return UI_F_REDRAW;
	}
	switch (k->ch) {
	case L'c':
		if (m->focus == UI_FOCUS_AGENDA)
			return run_on(m, "mark", it, "current");
		break;
	case L'a':
		if (m->focus == UI_FOCUS_AGENDA) {
			m->ag_sel = 0;
			m->has_filter = 0;
			m->follow = 1;
			(void)rebuild_rec(m);
			return UI_F_REDRAW;
		}
		break;
	case L'e':
		if (m->focus != UI_FOCUS_AGENDA && it != NULL &&
		    run_on(m, "endorse", it, NULL) != 0) {
			char q[200];

			snprintf(q, sizeof(q), _("Endorse %s %.8s? An "
			    "endorsement is signed and cannot be withdrawn. "
			    "(y/n)"), ui_entry_kind_label(it->kind), it->hex);
			return ask_run(m, q);
		}
		break;
	case L'm':
		return prompt_on(m, "mark", it);
	case L'C':
		return correct_on(m, it);
	case L'f':
		cycle_cfilter(m);
		return UI_F_REDRAW;
	case L'n':
		if (m->nhits > 0) {
			m->focus = UI_FOCUS_RECORD;
			hit_goto(m, m->hit + 1);
			return UI_F_REDRAW;
		}
		break;
	case L'N':
		if (m->search != NULL && m->v != NULL &&
		    view_has_older(m->v) && (m->nhits == 0 || m->hit == 0))
			return search_back(m);
		if (m->nhits > 0) {
			m->focus = UI_FOCUS_RECORD;
			hit_goto(m, m->hit + m->nhits - 1);
			return UI_F_REDRAW;
		}
		break;
	case L'/':
		return open_prompt(m, UI_PROMPT_SEARCH, NULL);
	case L':':
		return open_prompt(m, UI_PROMPT_COMMAND, NULL);
	case L'?':
		m->overlay = UI_OVERLAY_HELP;
		m->overlay_top = 0;
		return UI_F_REDRAW;
	default:
		break;
	}
	return 0;
}

/* key_overlay() - keys while the help or a command's output is shown. */
static unsigned
key_overlay(ui_model *m, const ui_key *k)
{
	long d = 0;
	int nav = nav_delta(k, 10, &d);

	if (!nav && k->code == UI_K_CHAR && k->ch == L' ') {
		nav = 1; /* space pages on, as in less(1) */
		d = 10;
	}
	if (nav) {
		if (d < 0 && (size_t)-d > m->overlay_top)
			m->overlay_top = 0;
		else if (d > 100000)
			m->overlay_top = 100000;
		else
			m->overlay_top = (size_t)((long)m->overlay_top + d);
		return UI_F_REDRAW;
	}
	m->overlay = UI_OVERLAY_NONE;
	/*
	 * q, Esc, Enter and Backspace only close it.  Any other key closes
	 * it and does what it does without one, so that ":" or "/" typed
	 * over a pop-up opens the prompt: swallowed, it would leave the
	 * rest of a command to be typed, and recorded, as a note.
	 */
	if ((k->code == UI_K_CHAR && k->ch == L'q' && !k->alt) ||
	    k->code == UI_K_ESC || k->code == UI_K_ENTER ||
	    k->code == UI_K_BACKSPACE)
		return UI_F_REDRAW;
	return UI_F_REDRAW | ui_model_key(m, k);
}

/* answer_only() - a key that answers "no" to a y/n question and does
 * nothing else; any other key says no and then does what it does. */
static int
answer_only(const ui_key *k)
{
	return (k->code == UI_K_CHAR && !k->alt && (k->ch == L'n' ||
	    k->ch == L'N')) || k->code == UI_K_ESC || k->code == UI_K_ENTER;
}

/*
 * key_too_small() - a key while the terminal cannot show the input
 * line: nothing is typed or written where nobody can see it.  Quitting,
 * redrawing and suspending still work; every other key is counted and
 * said once the screen is big enough again (ui_model_sized()).
 */
static unsigned
key_too_small(ui_model *m, const ui_key *k)
{
	if (k->code == UI_K_CTRL && k->ch == L'c')
		return quit_request(m);
	if (k->code == UI_K_CTRL && k->ch == L'z')
		return UI_F_SUSPEND | UI_F_REDRAW;
	if (k->code == UI_K_CTRL && k->ch == L'l')
		return UI_F_REDRAW | UI_F_RELOAD | UI_F_REPAINT;
	m->ignored++;
	return UI_F_REDRAW;
}

unsigned
ui_model_sized(ui_model *m, int too_small)
{
	int was = m->too_small;

	m->too_small = too_small;
	if (!was || too_small || m->ignored == 0)
		return 0;
	ui_model_message(m, 1, ngettext("%zu key was ignored while the "
	    "terminal was too small: nothing was typed or written",
	    "%zu keys were ignored while the terminal was too small: "
	    "nothing was typed or written", m->ignored), m->ignored);
	m->ignored = 0;
	return UI_F_REDRAW;
}

/*
 * ask_run() - m->run is ready: ask "y/n" with question before the loop
 * runs it (an endorsement is signed for good; a close ends a meeting).
 */
static unsigned
ask_run(ui_model *m, const char *question)
{
	m->confirm_run = 1;
	ui_model_message(m, 0, "%s", question);
	return UI_F_REDRAW;
}

/* focus_next() - Tab: input, agenda, record, commitments, input. */
static void
focus_next(ui_model *m, int dir)
{
	m->focus = (m->focus + 4 + dir) % 4;
}

unsigned
ui_model_key(ui_model *m, const ui_key *k)
{
	unsigned f;

	if (k->code == UI_K_NONE)
		return 0;
	if (k->code == UI_K_RESIZE)
		return UI_F_REDRAW;
	if (m->too_small)
		return key_too_small(m, k);
	if (m->confirm_quit) {
		m->confirm_quit = 0;
		if (k->code == UI_K_CHAR && (k->ch == L'y' || k->ch == L'Y'))
			return UI_F_QUIT;
		ui_model_message(m, 0, "%s", _("not quitting"));
		return UI_F_REDRAW | (answer_only(k) ? 0 : ui_model_key(m, k));
	}
	if (m->confirm_run) {
		m->confirm_run = 0;
		/* a "y" inside a paste is text, never an answer */
		if (k->code == UI_K_CHAR && !k->paste && (k->ch == L'y' ||
		    k->ch == L'Y')) {
			ui_model_message(m, 0, NULL);
			return UI_F_RUN | UI_F_REDRAW;
		}
		ui_run_free(&m->run);
		ui_model_message(m, 0, "%s", _("cancelled: nothing was "
		    "written"));
		return UI_F_REDRAW | (answer_only(k) ? 0 : ui_model_key(m, k));
	}
	if (m->overlay != UI_OVERLAY_NONE)
		return key_overlay(m, k);
	if (k->code == UI_K_FN && k->ch == 1) {
		m->overlay = UI_OVERLAY_HELP;
		m->overlay_top = 0;
		return UI_F_REDRAW;
	}
	if (k->code == UI_K_CTRL && k->ch == L'c')
		return quit_request(m);
	if (k->code == UI_K_CTRL && k->ch == L'z')
		return UI_F_SUSPEND | UI_F_REDRAW;
	if (k->code == UI_K_CTRL && k->ch == L'l')
		return UI_F_REDRAW | UI_F_RELOAD | UI_F_REPAINT;
	if (k->code == UI_K_FN && k->ch >= 2 && k->ch <= 7 &&
	    m->prompt == UI_PROMPT_ENTRY) {
		m->kind = (int)k->ch - 2;
		m->internal = 0;   /* a kind chosen by key: for both sides */
		m->focus = UI_FOCUS_INPUT;
		ui_model_message(m, 0, _("new entries are: %s"),
		    ui_kind_name(m->kind));
		return UI_F_REDRAW;
	}
	if (k->code == UI_K_FN && k->ch == 8 && m->prompt == UI_PROMPT_ENTRY)
		return toggle_internal(m);

	if (m->focus != UI_FOCUS_INPUT) {
		if (k->code == UI_K_ESC) {
			m->focus = UI_FOCUS_INPUT;
			ui_model_message(m, 0, NULL);
			return UI_F_REDRAW;
		}
		if (k->code == UI_K_TAB || k->code == UI_K_BTAB) {
			focus_next(m, k->code == UI_K_TAB ? 1 : -1);
			return UI_F_REDRAW;
		}
		if ((f = key_pane(m, k)) != 0)
			return f;
		/* typing always goes to the input line */
		if (k->code == UI_K_CHAR && !k->alt) {
			m->focus = UI_FOCUS_INPUT;
			(void)ui_line_insert(&m->line, k->ch);
			return UI_F_REDRAW;
		}
		return 0;
	}

	/* the input line has the focus */
	if (m->prompt != UI_PROMPT_ENTRY) {
		if (k->code == UI_K_ESC || (k->code == UI_K_CTRL &&
		    k->ch == L'g') || (k->code == UI_K_BACKSPACE &&
		    m->line.len == 0)) {
			close_prompt(m);
			return UI_F_REDRAW;
		}
		if (k->code == UI_K_ENTER)
			return m->prompt == UI_PROMPT_SEARCH ? do_search(m) :
			    do_command(m);
		if (k->code == UI_K_NEWLINE)
			return 0;
		if (ui_line_key(&m->line, k))
			return UI_F_REDRAW;
		if (k->code == UI_K_UP || k->code == UI_K_DOWN)
			return hist_step(m, k->code == UI_K_UP ? -1 : 1);
		return 0;
	}
	if (m->line.len == 0 && !k->paste && k->code == UI_K_CHAR &&
	    !k->alt) {
		if (k->ch == L'/')
			return open_prompt(m, UI_PROMPT_SEARCH, NULL);
		if (k->ch == L':')
			return open_prompt(m, UI_PROMPT_COMMAND, NULL);
		if (k->ch == L'?') {
			m->overlay = UI_OVERLAY_HELP;
			m->overlay_top = 0;
			return UI_F_REDRAW;
		}
	}
	switch (k->code) {
	case UI_K_ENTER:
		return do_submit(m);
	case UI_K_TAB:
	case UI_K_BTAB:
		focus_next(m, k->code == UI_K_TAB ? 1 : -1);
		return UI_F_REDRAW;
	case UI_K_ESC:
		if (m->kind != UI_KIND_NOTE)
			m->kind = UI_KIND_NOTE;
		m->internal = 0;
		ui_model_message(m, 0, NULL);
		return UI_F_REDRAW;
	case UI_K_PGUP:
	case UI_K_PGDN:
		return record_move(m, (k->code == UI_K_PGUP ? -1 : 1) *
		    (long)(m->rec_rows > 4 ? m->rec_rows / 2 : 1)) |
		    UI_F_REDRAW;
	case UI_K_CTRL:
		if (k->ch == L'd' && m->line.len == 0)
			return UI_F_QUIT;
		if (k->ch == L't') {
			m->kind = (m->kind + 1) % UI_KIND_COUNT;
			m->internal = 0;
			ui_model_message(m, 0, _("new entries are: %s"),
			    ui_kind_name(m->kind));
			return UI_F_REDRAW;
		}
		break;
	default:
		break;
	}
	if (ui_line_key(&m->line, k))
		return UI_F_REDRAW;
	if (k->code == UI_K_UP || k->code == UI_K_DOWN)
		return hist_step(m, k->code == UI_K_UP ? -1 : 1);
	return 0;
}

/* first_line() - the first line of s, without a "detente: " prefix. */
static char *
first_line(const char *s)
{
	size_t n;

	if (s == NULL)
		return NULL;
	while (*s == '\n')
		s++;
	if (strncmp(s, "detente: ", 9) == 0)
		s += 9;
	n = strcspn(s, "\n");
	return n > 0 ? strndup(s, n) : NULL;
}

unsigned
ui_model_ran(ui_model *m, int rc, const char *out, const char *err)
{
	char *line, *started, title[96];
	const char *kindname;
	size_t lines = 0;
	const char *p;
	int k;

	kindname = m->run.argc > 1 ? m->run.argv[1] : "";
	if (m->run.quiet) {
		/* the mark that makes a new topic current */
		line = first_line(err != NULL && *err != '\0' ? err : out);
		if (rc != 0)
			ui_model_message(m, 1, _("added agenda %s, but it "
			    "could not be made current: %s"), kindname,
			    line != NULL ? line : _("the command failed"));
		else
			ui_model_message(m, 0, _("added agenda %s, now the "
			    "current item"), kindname);
		free(line);
		goto out;
	}
	if (rc != 0) {
		line = first_line(err != NULL && *err != '\0' ? err : out);
		ui_model_message(m, 1, "%s", line != NULL ? line :
		    _("the command failed"));
		free(line);
		goto out;
	}
	if (m->run.is_entry && ui_run_internal(&m->run)) {
		/* stdout is the id; stderr may say the party key started */
		line = first_line(out);
		started = first_line(err);
		ui_line_clear(&m->line);
		m->kind = UI_KIND_NOTE;
		m->internal = 0;
		m->follow = 1;
		if (started != NULL)
			ui_model_message(m, 0, _("added internal note %s; %s"),
			    line != NULL ? line : "", started);
		else
			ui_model_message(m, 0, _("added internal note %s: only "
			    "%s can read it"), line != NULL ? line : "",
			    m->me_party[0] != '\0' ? m->me_party : "?");
		free(started);
		free(line);
		goto out;
	}
	if (m->run.is_entry) {
		line = first_line(out);
		ui_line_clear(&m->line);
		m->kind = UI_KIND_NOTE;
		m->internal = 0;
		m->follow = 1;
		/* the kind as the user's language names it, not `add`'s word */
		for (k = 0; k < UI_KIND_COUNT; k++)
			if (strcmp(kindname, kinds[k].add) == 0)
				kindname = _(kinds[k].label);
		ui_model_message(m, 0, _("added %s %s"), kindname,
		    line != NULL ? line : "");
		/*
		 * A topic typed in an open meeting is the one being discussed:
		 * make it current (`mark ID current`), which makes the one
		 * before it no longer current (storage/view_project.c).
		 */
		if (strcmp(kindname, "agenda") == 0 && line != NULL &&
		    m->v != NULL && view_current_meeting(m->v) != NULL) {
			ui_run_free(&m->run);
			if (run_add(&m->run, "mark") == 0 &&
			    run_add(&m->run, line) == 0 &&
			    run_add(&m->run, "current") == 0) {
				m->run.quiet = 1;
				free(line);
				return UI_F_REDRAW | UI_F_RELOAD | UI_F_RUN;
			}
		}
		free(line);
		goto out;
	}
	for (p = out != NULL ? out : ""; *p != '\0'; p++)
		if (*p == '\n')
			lines++;
	if (lines > 1 || (m->run.argc > 0 &&
	    strcmp(m->run.argv[0], "show") == 0)) {
		snprintf(title, sizeof(title), "detente %s", m->run.argv[0]);
		overlay_set(m, UI_OVERLAY_TEXT, title, out);
		ui_model_message(m, 0, NULL);
	} else {
		line = first_line(out);
		ui_model_message(m, 0, "%s%s%s %s %s", m->run.argv[0],
		    m->run.argc > 1 ? " " : "", m->run.argc > 1 ?
		    m->run.argv[1] : "", m->utf8 ? "→" : "->",
		    line != NULL ? line : _("done"));
		free(line);
	}
out:
	ui_run_free(&m->run);
	return UI_F_REDRAW | UI_F_RELOAD;
}
