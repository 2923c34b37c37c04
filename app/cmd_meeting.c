/*
 * cmd_meeting.c: `detente meeting open|close|list`.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "../storage/entry.h"
#include "../storage/payload.h"
#include "../storage/record.h"
#include "../storage/view.h"
#include "../storage/vis.h"
#include "cli.h"
#include "fmt.h"
#include "i18n.h"
#include "session.h"
#include "textin.h"

/* An agenda read from a file: items borrowed from buf. */
struct agenda_file {
	char *buf;              /* the file, NUL-terminated, cut into items */
	char **item;
	size_t n;
};

static void
agenda_file_done(struct agenda_file *a)
{
	free(a->item);
	free(a->buf);
	memset(a, 0, sizeof(*a));
}

/*
 * agenda_item() - the item of one line, cut in place: blanks around it
 * and a list marker ("1. ", "1) ", "- ", "* ", "+ ") taken off.  NULL
 * for a blank line or a comment ('#' first).
 */
static char *
agenda_item(char *line)
{
	char *p = line, *e, *q;

	while (*p == ' ' || *p == '\t')
		p++;
	e = p + strlen(p);
	while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	if (*p == '\0' || *p == '#')
		return NULL;
	q = p;
	while (*q >= '0' && *q <= '9')
		q++;
	if (q > p && q - p <= 9 && (*q == '.' || *q == ')') &&
	    (q[1] == ' ' || q[1] == '\t'))
		p = q + 1;
	else if ((*p == '-' || *p == '*' || *p == '+') &&
	    (p[1] == ' ' || p[1] == '\t'))
		p++;
	while (*p == ' ' || *p == '\t')
		p++;
	return *p != '\0' ? p : NULL;
}

/*
 * agenda_file_read() - the agenda items of path: one a line, or a
 * Markdown list as the minutes write one; blank lines and '#' comments
 * left out.  Every item is checked (UTF-8, no control character) before
 * anything is written.  @return CLI_OK, or an exit code after one line.
 */
static int
agenda_file_read(struct cli_ctx *ctx, const char *path, struct agenda_file *a)
{
	FILE *f = NULL;
	char *line, *next, *it, where[64];
	size_t len = 0, cap = 0, lineno = 0, u;
	const unsigned char *c;
	int ret = CLI_USAGE, bad;

	memset(a, 0, sizeof(*a));
	if ((f = fopen(path, "re")) == NULL) {
		cli_error(ctx, _("cannot read the agenda file"), path,
		    strerror(errno));
		return CLI_USAGE;
	}
	cap = 4096;
	if ((a->buf = malloc(cap)) == NULL)
		goto nomem;
	while ((u = fread(a->buf + len, 1, cap - len - 1, f)) > 0) {
		len += u;
		if (len > TEXTIN_MAX) {
			cli_error(ctx, _("the agenda file is too long"), path,
			    _("give at most 256 KiB"));
			goto out;
		}
		if (cap - len - 1 == 0) {
			if ((line = realloc(a->buf, cap * 2)) == NULL)
				goto nomem;
			a->buf = line;
			cap *= 2;
		}
	}
	if (ferror(f)) {
		cli_error(ctx, _("cannot read the agenda file"), path, NULL);
		goto out;
	}
	a->buf[len] = '\0';
	if (memchr(a->buf, '\0', len) != NULL ||
	    !textin_utf8_valid(a->buf, len)) {
		cli_error(ctx, _("the agenda file is not UTF-8 text"), path,
		    NULL);
		goto out;
	}
	if ((a->item = calloc(len / 2 + 2, sizeof(*a->item))) == NULL)
		goto nomem;
	for (line = a->buf; line != NULL; line = next) {
		lineno++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if ((it = agenda_item(line)) == NULL)
			continue;
		/* vis.h's one rule: no control or bidirectional character */
		for (c = (const unsigned char *)it; *c != '\0'; c += u)
			if ((u = vis_char((const char *)c, &bad)), bad) {
				snprintf(where, sizeof(where), _("%s, line %zu"),
				    path, lineno);
				cli_error(ctx, _("an agenda item holds a "
				    "control character"), where,
				    _("take it out of the file"));
				goto out;
			}
		a->item[a->n++] = it;
	}
	if (a->n == 0) {
		cli_error(ctx, _("the agenda file has no item"), path,
		    _("one item a line; blank lines and # comments are "
		    "left out"));
		goto out;
	}
	ret = CLI_OK;
	goto out;
nomem:
	cli_error(ctx, _("out of memory"), path, NULL);
out:
	fclose(f);
	if (ret != CLI_OK)
		agenda_file_done(a);
	return ret;
}

/*
 * agenda_add() - append the items of a to meeting, in order, one entry
 * each, and say what was added.  @return CLI_OK, or the exit code of the
 * first append that failed (the items before it stay written: they are
 * named).
 */
static int
agenda_add(struct cli_ctx *ctx, const struct agenda_file *a, long long meeting)
{
	unsigned char hash[ENTRY_HASH_BYTES];
	char s[FMT_SHORT_BYTES];
	json_t *p, *text;
	const char *bad;
	size_t i;
	int ret = CLI_OK;

	for (i = 0; i < a->n && ret == CLI_OK; i++) {
		p = NULL;
		if ((text = textin_list(a->item[i], NULL, NULL, 0, &bad)) ==
		    NULL || (p = json_pack("{s:i,s:I,s:O}", "v", 1, "meeting",
		    (json_int_t)meeting, "text", text)) == NULL) {
			cli_error(ctx, _("cannot encode the entry"), "agenda",
			    NULL);
			ret = CLI_USAGE;
		} else if ((ret = session_append(ctx, ENTRY_K_AGENDA, p,
		    hash)) == CLI_OK) {
			fmt_short(s, hash);
			fprintf(ctx->err, _("  agenda item %zu: %s  %s\n"),
			    i + 1, s, a->item[i]);
		}
		json_decref(text);
		json_decref(p);
	}
	if (ret != CLI_OK)
		fprintf(ctx->err, _("detente: %zu of %zu agenda items were "
		    "added to meeting %lld; add the rest with `detente add "
		    "agenda`\n"), i - 1, a->n, meeting);
	else
		fprintf(ctx->err, ngettext("meeting %lld opened with %zu "
		    "agenda item, in the order of the file\n", "meeting %lld "
		    "opened with %zu agenda items, in the order of the file\n",
		    a->n), meeting, a->n);
	return ret;
}

/* my_party() - the party of the identity in use, or NULL. */
static const char *
my_party(struct cli_ctx *ctx)
{
	const record_member *me = record_member_find(ctx->rec, ctx->id->pk);

	return me != NULL ? me->party : NULL;
}

/*
 * parties_of() - "RU", "RU and US", "RU, US and XX": the parties of the
 * authors of the entries of list, each once, in the genesis' order, into
 * b.  Parties are A-Z and 0-9 (FORMAT.md, section 5): printed as they are.
 */
static const char *
parties_of(char *b, size_t cap, const view *v, const view_item *const *list,
    size_t n)
{
	size_t i, j, k = 0, m = 0, len = 0;

	b[0] = '\0';
	for (i = 0; i < view_nparties(v); i++)
		for (j = 0; j < n; j++)
			if (strcmp(list[j]->party, view_party(v, i)) == 0) {
				m++;
				break;
			}
	for (i = 0; i < view_nparties(v) && len < cap; i++)
		for (j = 0; j < n; j++)
			if (strcmp(list[j]->party, view_party(v, i)) == 0) {
				len += (size_t)snprintf(b + len, cap - len,
				    "%s%s", k == 0 ? "" : k + 1 == m ?
				    _(" and ") : ", ", view_party(v, i));
				k++;
				break;
			}
	return b;
}

/*
 * set_map() - p's mapk ("titles", "places") as {"en": en, "ru": ru},
 * each only when given; nothing when neither is.  @return 0 or -1.
 */
static int
set_map(json_t *p, const char *mapk, const char *en, const char *ru)
{
	json_t *m;

	if (en == NULL && ru == NULL)
		return 0;
	if ((m = json_object()) == NULL ||
	    (en != NULL && json_object_set_new(m, "en", json_string(en))) ||
	    (ru != NULL && json_object_set_new(m, "ru", json_string(ru)))) {
		json_decref(m);
		return -1;
	}
	return json_object_set_new(p, mapk, m);
}

/* meeting_open() - `meeting open [--title T] [--place P] [--date D]`. */
static int
meeting_open(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "title", required_argument, NULL, 't' },
		{ "title-en", required_argument, NULL, 'T' },
		{ "title-ru", required_argument, NULL, 'U' },
		{ "place", required_argument, NULL, 'p' },
		{ "place-en", required_argument, NULL, 'P' },
		{ "place-ru", required_argument, NULL, 'Q' },
		{ "date", required_argument, NULL, 'd' },
		{ "agenda", required_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 }
	};
	const char *title = NULL, *place = NULL, *date = NULL, *afile = NULL;
	const char *title_en = NULL, *title_ru = NULL, *place_en = NULL;
	const char *place_ru = NULL;
	struct agenda_file agenda;
	long long number;
	const view_meeting *cur, *last;
	char today[16], what[128];
	json_t *p = NULL;
	view *v = NULL;
	time_t now;
	struct tm tm;
	int c, ret;

	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			title = optarg;
			break;
		case 'T':
			title_en = optarg;
			break;
		case 'U':
			title_ru = optarg;
			break;
		case 'p':
			place = optarg;
			break;
		case 'P':
			place_en = optarg;
			break;
		case 'Q':
			place_ru = optarg;
			break;
		case 'd':
			date = optarg;
			break;
		case 'a':
			afile = optarg;
			break;
		default:
			return cli_opt_error(ctx, &cmd_meeting, c, argv);
		}
	}
	if (optind < argc)
		return cli_bad_usage(ctx, &cmd_meeting,
		    _("unexpected argument"), argv[optind]);
	if (date != NULL && !payload_date_valid(date))
		return cli_bad_usage(ctx, &cmd_meeting,
		    _("not a date (YYYY-MM-DD)"), date);
	/* each language's own first, so that an error names its option */
	if ((title_en != NULL && cli_field(ctx, &cmd_meeting, "--title-en",
	    title_en, PAYLOAD_TITLE_MAX) != CLI_OK) || (title_ru != NULL &&
	    cli_field(ctx, &cmd_meeting, "--title-ru", title_ru,
	    PAYLOAD_TITLE_MAX) != CLI_OK) || (place_en != NULL &&
	    cli_field(ctx, &cmd_meeting, "--place-en", place_en,
	    PAYLOAD_PLACE_MAX) != CLI_OK) || (place_ru != NULL &&
	    cli_field(ctx, &cmd_meeting, "--place-ru", place_ru,
	    PAYLOAD_PLACE_MAX) != CLI_OK))
		return CLI_USAGE;
	/* as typed: --title, else the English, else the Russian */
	if (title == NULL)
		title = title_en != NULL ? title_en : title_ru;
	if (place == NULL)
		place = place_en != NULL ? place_en : place_ru;
	if ((title != NULL && cli_field(ctx, &cmd_meeting, "--title", title,
	    PAYLOAD_TITLE_MAX) != CLI_OK) || (place != NULL &&
	    cli_field(ctx, &cmd_meeting, "--place", place,
	    PAYLOAD_PLACE_MAX) != CLI_OK))
		return CLI_USAGE;
	memset(&agenda, 0, sizeof(agenda));
	if (afile != NULL &&
	    (ret = agenda_file_read(ctx, afile, &agenda)) != CLI_OK)
		return ret;
	if (date == NULL) {
		now = time(NULL);
		gmtime_r(&now, &tm);
		strftime(today, sizeof(today), "%Y-%m-%d", &tm);
		date = today;
	}
	if ((ret = session_writer(ctx, ENTRY_K_MEETING_OPEN)) != CLI_OK ||
	    (afile != NULL &&
	    (ret = session_writer(ctx, ENTRY_K_AGENDA)) != CLI_OK) ||
	    (ret = session_view_structure(ctx, &v)) != CLI_OK)
		goto out;
	/*
	 * A meeting your side has not closed is the one your side writes
	 * in, whoever opened it: the other side's opening of the next
	 * meeting is joined, not opened again.
	 */
	if ((cur = view_current_meeting_for(v, my_party(ctx))) != NULL) {
		snprintf(what, sizeof(what), _("meeting %lld is still open"),
		    (long long)cur->number);
		cli_error(ctx, what, NULL,
		    _("write in it, or close it first with `detente meeting "
		    "close`"));
		ret = CLI_FAIL;
		goto out;
	}
	last = view_last_meeting(v);
	number = last != NULL ? last->number + 1 : 1;
	p = json_pack("{s:i,s:I}", "v", 1, "meeting", (json_int_t)number);
	if (p == NULL || (title != NULL && json_object_set_new(p, "title",
	    json_string(title)) != 0) || (place != NULL &&
	    json_object_set_new(p, "place", json_string(place)) != 0) ||
	    json_object_set_new(p, "date", json_string(date)) != 0 ||
	    set_map(p, "titles", title_en, title_ru) != 0 ||
	    set_map(p, "places", place_en, place_ru) != 0) {
		cli_error(ctx, _("cannot encode the entry"), "meeting-open",
		    NULL);
		ret = CLI_USAGE;
		goto out;
	}
	if ((ret = session_append(ctx, ENTRY_K_MEETING_OPEN, p, NULL)) ==
	    CLI_OK && afile != NULL)
		ret = agenda_add(ctx, &agenda, number);
out:
	agenda_file_done(&agenda);
	json_decref(p);
	view_free(v);
	return ret;
}

/* meeting_close() - `meeting close [M]`: M defaults to the open one. */
static int
meeting_close(struct cli_ctx *ctx, int argc, char **argv)
{
	const view_meeting *m;
	long long n = 0;
	char what[128];
	json_t *p = NULL;
	view *v = NULL;
	int ret;

	if (argc > 2)
		return cli_bad_usage(ctx, &cmd_meeting,
		    _("unexpected argument"), argv[2]);
	if (argc == 2 && cli_parse_count(argv[1], &n) != 0)
		return cli_bad_usage(ctx, &cmd_meeting,
		    _("not a meeting number"), argv[1]);
	if ((ret = session_writer(ctx, ENTRY_K_MEETING_CLOSE)) != CLI_OK ||
	    (ret = session_view_structure(ctx, &v)) != CLI_OK)
		goto out;
	if (argc == 2) {
		if ((m = view_meeting_find(v, n)) == NULL) {
			cli_error(ctx, _("no such meeting"), argv[1],
			    _("see `detente meeting list`"));
			ret = CLI_USAGE;
			goto out;
		}
		if (view_meeting_closed_by(v, m, my_party(ctx)) != NULL) {
			snprintf(what, sizeof(what),
			    _("meeting %lld is already closed by your side "
			    "(%s)"), n, my_party(ctx));
			cli_error(ctx, what, NULL, _("nothing was written"));
			ret = CLI_FAIL;
			goto out;
		}
	} else if ((m = view_current_meeting_for(v, my_party(ctx))) == NULL) {
		cli_error(ctx, _("no meeting is open"), NULL,
		    _("open one with `detente meeting open`"));
		ret = CLI_FAIL;
		goto out;
	}
	if ((p = json_pack("{s:i,s:I}", "v", 1, "meeting",
	    (json_int_t)m->number)) == NULL) {
		ret = CLI_USAGE;
		goto out;
	}
	ret = session_append(ctx, ENTRY_K_MEETING_CLOSE, p, NULL);
out:
	json_decref(p);
	view_free(v);
	return ret;
}

/* meeting_list() - `meeting list`: every meeting and its agenda. */
static int
meeting_list(struct cli_ctx *ctx, int argc, char **argv)
{
	const view_meeting *m;
	const view_agenda *cur;
	const view_item *byp[16];
	char s[FMT_SHORT_BYTES], b[640], pb[640], who[128], st[256];
	const json_t *pl;
	view *v = NULL;
	size_t i, j, k, np;
	int ret;

	if (argc > 1)
		return cli_bad_usage(ctx, &cmd_meeting,
		    _("unexpected argument"), argv[1]);
	if ((ret = session_record_key(ctx)) != CLI_OK ||
	    (ret = session_view_structure(ctx, &v)) != CLI_OK)
		return ret;
	cur = view_current_agenda(v);
	for (i = 0; i < view_nmeetings(v); i++) {
		m = view_meeting_at(v, i);
		/* title, place, date and agenda as vis.h renders them */
		/* closed, open, or closed by some parties only */
		np = view_nparties(v) < 16 ? view_nparties(v) : 16;
		for (j = k = 0; j < np; j++)
			if (m->closes[j] != NULL)
				byp[k++] = m->closes[j];
		if (m->close != NULL || k == 0)
			snprintf(st, sizeof(st), "%s", m->close != NULL ?
			    _("closed") : _("open"));
		else
			snprintf(st, sizeof(st), _("open (closed by %s)"),
			    parties_of(who, sizeof(who), v, byp, k));
		/* the date as people write it; the title and the place in
		 * the reader's language (fmt_pick() marks another) */
		fprintf(ctx->out, _("meeting %lld  %s  %s"),
		    (long long)m->number, st, payload_date_valid(m->date) ?
		    fmt_date(b, sizeof(b), m->date) : vis_buf(b, sizeof(b),
		    m->date, 0));
		pl = m->open != NULL ? m->open->payload : NULL;
		if (fmt_pick(b, sizeof(b), pl, "title", "titles") != NULL)
			fprintf(ctx->out, "  %s", b);
		if (fmt_pick(pb, sizeof(pb), pl, "place", "places") != NULL)
			fprintf(ctx->out, "%s%s", fmt_pick(b, sizeof(b), pl,
			    "title", "titles") != NULL ? ", " : "  ", pb);
		/* openings by both sides are one meeting: say so */
		if (m->nopens > 1)
			fprintf(ctx->out, _("  (opened by %s)"),
			    parties_of(who, sizeof(who), v, m->opens,
			    m->nopens));
		fputc('\n', ctx->out);
		for (j = 0; j < m->nagenda; j++) {
			const view_agenda *a = m->agenda[j];
			const char *t = view_text(a->entry, NULL);

			fmt_short(s, a->entry->hash);
			fprintf(ctx->out, "  %c %zu. %s  [%s]  ",
			    a == cur ? '>' : ' ', a->number, s,
			    a->state != NULL ? vis_buf(b, sizeof(b),
			    fmt_state(a->state), 0) : _("open"));
			vis_put(ctx->out, t, 0);
			fputc('\n', ctx->out);
		}
	}
	view_free(v);
	return CLI_OK;
}

/* The most names --present and --absent take in one entry. */
#define ATTEND_MAX 256

/*
 * attend_who() - the member a --present/--absent argument names (a name,
 * or 64 hex digits of a key), who must be of my party; prints its own
 * error line.  @return the member, or NULL.
 */
static const record_member *
attend_who(struct cli_ctx *ctx, const char *arg, const record_member *me)
{
	unsigned char pk[KEY_PK_BYTES];
	const record_member *m = NULL, *c;
	char what[160];
	size_t i;

	if (strlen(arg) == 2 * KEY_PK_BYTES &&
	    key_unhex(pk, KEY_PK_BYTES, arg) == 0)
		m = record_member_find(ctx->rec, pk);
	for (i = 0; m == NULL && i < record_nmembers(ctx->rec); i++)
		if (strcmp((c = record_member_at(ctx->rec, i))->name, arg) ==
		    0)
			m = c;
	if (m == NULL) {
		cli_error(ctx, _("not a member of the dialogue"), arg,
		    _("see `detente member list`"));
		return NULL;
	}
	if (strcmp(m->party, me->party) != 0) {
		snprintf(what, sizeof(what), _("%s is of the party %s, not "
		    "yours (%s)"), m->name, m->party, me->party);
		cli_error(ctx, what, NULL, _("each side records the attendance "
		    "of its own party"));
		return NULL;
	}
	if (m->removed_clock != 0) {
		cli_error(ctx, _("no longer a member of the dialogue"),
		    m->name, NULL);
		return NULL;
	}
	return m;
}

/*
 * attend_show() - the attendance each party recorded for meeting n, as
 * the record holds it now: the last mention of each member, by the
 * entries of a member of that member's party.
 */
static void
attend_show(struct cli_ctx *ctx, const view *v, long long n)
{
	static const char *const lists[2] = { "present", "absent" };
	char b[3 * KEY_NAME_MAX + 4];
	const record_member *a, *m;
	size_t i, j, p, np = record_nparties(ctx->rec), nm;
	int *state, any;
	const json_t *k;

	nm = record_nmembers(ctx->rec);
	if ((state = calloc(nm + 1, sizeof(*state))) == NULL)
		return;
	for (i = 0; i < view_nitems(v); i++) {
		const view_item *it = view_item_at(v, i);
		unsigned char pk[KEY_PK_BYTES];

		if (it->kind != ENTRY_K_ATTENDANCE || it->meeting != n ||
		    it->payload == NULL ||
		    (a = record_member_find(ctx->rec, it->author)) == NULL)
			continue;
		for (p = 0; p < 2; p++)
			json_array_foreach (json_object_get(it->payload,
			    lists[p]), j, k) {
				size_t x;

				if (key_unhex(pk, KEY_PK_BYTES,
				    json_string_value(k)) != 0)
					continue;
				for (x = 0; x < nm; x++) {
					m = record_member_at(ctx->rec, x);
					/* another party's list is not counted */
					if (memcmp(m->pk, pk, KEY_PK_BYTES) ==
					    0 && strcmp(m->party,
					    a->party) == 0)
						state[x] = (int)p + 1;
				}
			}
	}
	for (p = 0; p < np; p++) {
		const char *party = record_party(ctx->rec, p);

		fprintf(ctx->out, _("meeting %lld, %s:"), n, party);
		for (i = 0, any = 0; i < nm; i++)
			any |= state[i] != 0 && strcmp(record_member_at(
			    ctx->rec, i)->party, party) == 0;
		if (!any) {
			fprintf(ctx->out, " %s\n", _("no attendance recorded"));
			continue;
		}
		for (j = 1; j <= 2; j++) {
			int first = 1;

			fprintf(ctx->out, " %s", j == 1 ? _("present:") :
			    _("absent:"));
			for (i = 0; i < nm; i++) {
				m = record_member_at(ctx->rec, i);
				if (state[i] != (int)j ||
				    strcmp(m->party, party) != 0)
					continue;
				/* a member's name: vis.h renders it */
				fprintf(ctx->out, "%s%s", first ? " " : ", ",
				    vis_buf(b, sizeof(b), m->name, 0));
				first = 0;
			}
			if (first)
				fputs(" -", ctx->out);
			if (j == 1)
				fputc(';', ctx->out);
		}
		fputc('\n', ctx->out);
	}
	free(state);
}

/*
 * meeting_attend() - `meeting attend [--meeting M] [--present WHO]...
 * [--absent WHO]...` (also `attend ...`): a head or delegate records who
 * of its own party attends meeting M (default: the open one); with no
 * --present or --absent, prints the attendance recorded so far.
 */
static int
meeting_attend(struct cli_ctx *ctx, const struct cli_cmd *cmd, int argc,
    char **argv)
{
	static const struct option opts[] = {
		{ "meeting", required_argument, NULL, 'm' },
		{ "present", required_argument, NULL, 'p' },
		{ "absent", required_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 }
	};
	const char *who[ATTEND_MAX];
	int state[ATTEND_MAX];
	const record_member *me, *m, *seen[ATTEND_MAX];
	char party[sizeof(me->party)];
	const view_meeting *vm;
	char hex[2 * KEY_PK_BYTES + 1], what[160];
	json_t *p = NULL, *present = NULL, *absent = NULL;
	long long n = 0;
	size_t nwho = 0, i, j;
	view *v = NULL;
	int c, ret;

	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			if (cli_parse_count(optarg, &n) != 0)
				return cli_bad_usage(ctx, cmd,
				    _("not a meeting number"), optarg);
			break;
		case 'p':
		case 'a':
			if (nwho == ATTEND_MAX)
				return cli_bad_usage(ctx, cmd,
				    _("too many names for one entry"), optarg);
			who[nwho] = optarg;
			state[nwho++] = c == 'p' ? 1 : 2;
			break;
		default:
			return cli_opt_error(ctx, cmd, c, argv);
		}
	}
	if (optind < argc)
		return cli_bad_usage(ctx, cmd, _("unexpected argument (give "
		    "--present NAME or --absent NAME)"), argv[optind]);
	if ((ret = nwho > 0 ? session_writer(ctx, ENTRY_K_ATTENDANCE) :
	    session_record_key(ctx)) != CLI_OK ||
	    (ret = session_view_structure(ctx, &v)) != CLI_OK)
		goto out;
	if (n != 0 && (vm = view_meeting_find(v, n)) == NULL) {
		snprintf(what, sizeof(what), "%lld", n);
		cli_error(ctx, _("no such meeting"), what,
		    _("see `detente meeting list`"));
		ret = CLI_USAGE;
		goto out;
	}
	if (n == 0) {
		if ((vm = view_current_meeting(v)) == NULL) {
			cli_error(ctx, _("no meeting is open"), NULL,
			    _("give --meeting M"));
			ret = CLI_FAIL;
			goto out;
		}
		n = (long long)vm->number;
	}
	if (nwho == 0) {
		attend_show(ctx, v, n);
		ret = CLI_OK;
		goto out;
	}
	if ((me = record_member_find(ctx->rec, ctx->id->pk)) == NULL) {
		ret = CLI_FAIL;
		goto out;
	}
	present = json_array();
	absent = json_array();
	for (i = 0; i < nwho; i++) {
		if ((m = attend_who(ctx, who[i], me)) == NULL) {
			ret = CLI_FAIL;
			goto out;
		}
		for (j = 0; j < i; j++)
			if (seen[j] == m) {
				cli_error(ctx, _("named twice"), m->name,
				    _("give each member once, present or "
				      "absent"));
				ret = CLI_USAGE;
				goto out;
			}
		seen[i] = m;
		key_hex(hex, m->pk, KEY_PK_BYTES);
		if (present == NULL || absent == NULL ||
		    json_array_append_new(state[i] == 1 ? present : absent,
		    json_string(hex)) != 0) {
			ret = CLI_USAGE;
			goto out;
		}
	}
	p = json_pack("{s:i,s:I,s:O,s:O}", "v", 1, "meeting", (json_int_t)n,
	    "present", present, "absent", absent);
	if (p == NULL) {
		cli_error(ctx, _("cannot encode the entry"), "attendance",
		    NULL);
		ret = CLI_USAGE;
		goto out;
	}
	/* a copy: the append reloads the members, and me with them */
	snprintf(party, sizeof(party), "%s", me->party);
	if ((ret = session_append(ctx, ENTRY_K_ATTENDANCE, p, NULL)) ==
	    CLI_OK)
		fprintf(ctx->err, ngettext("recorded the attendance of %zu "
		    "member of %s at meeting %lld\n", "recorded the attendance "
		    "of %zu members of %s at meeting %lld\n", nwho), nwho,
		    party, n);
out:
	json_decref(p);
	json_decref(present);
	json_decref(absent);
	view_free(v);
	return ret;
}

/*
 * run() - `meeting SUBCOMMAND`: dispatch to open, close, list.
 */
static int
run(struct cli_ctx *ctx, int argc, char **argv)
{
	if (argc < 2)
		return cli_bad_usage(ctx, &cmd_meeting,
		    _("missing subcommand (open, close, list, attend)"), NULL);
	if (strcmp(argv[1], "open") == 0)
		return meeting_open(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "close") == 0)
		return meeting_close(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "list") == 0)
		return meeting_list(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "attend") == 0)
		return meeting_attend(ctx, &cmd_meeting, argc - 1, argv + 1);
	return cli_bad_usage(ctx, &cmd_meeting, _("unknown subcommand"),
	    argv[1]);
}

const struct cli_cmd cmd_meeting = {
	"meeting",
	N_("open [--title T] [--title-en T] [--title-ru T] [--place PLACE]\n"
	   "           [--place-en PLACE] [--place-ru PLACE] [--date YYYY-MM-DD]"
	   " [--agenda FILE]\n"
	   "       detente meeting close [M]\n"
	   "       detente meeting list\n"
	   "       detente meeting attend [--meeting M] [--present WHO]... "
	   "[--absent WHO]..."),
	N_("open or close a meeting, or list the meetings and their agenda"),
	N_("  open   open the next meeting (numbered 1, 2, 3, ...); the date\n"
	   "         defaults to today (UTC).  One meeting is open at a time\n"
	   "         on each side; if both sides open the next meeting before\n"
	   "         they exchange, the two openings are one meeting, listed\n"
	   "         as opened by both.  Prints the new entry's short id.\n"
	   "         --agenda FILE adds the items of FILE to the new meeting,\n"
	   "         in order, one agenda entry each (their ids follow):\n"
	   "         one item a line, or a Markdown list (\"1. Title\",\n"
	   "         \"- Title\"); blank lines and lines starting with # are\n"
	   "         left out.  Every item is checked (UTF-8, no control\n"
	   "         character) before anything is written.\n"
	   "         --title-en, --title-ru, --place-en and --place-ru give\n"
	   "         the title and the place in English and in Russian too:\n"
	   "         each reader sees the one of their language (another,\n"
	   "         marked [en] or [ru], when theirs is not given), and the\n"
	   "         minutes the one of theirs.\n"
	   "  close  close meeting M for your side (default: your side's open\n"
	   "         one); after that your side writes nothing more in it.\n"
	   "         Its minutes are final once every party has closed it.\n"
	   "  list   every meeting, its agenda items and their status\n"
	   "         ('>' marks the current item)\n"
	   "  attend record who of your own party is present or absent at\n"
	   "         meeting M (default: the open one); WHO is a member's\n"
	   "         name or key.  Each side records its own party; the\n"
	   "         last mention of a member counts.  Without --present or\n"
	   "         --absent, prints the attendance recorded so far.  Also\n"
	   "         `detente attend`, and `:attend` in the terminal UI.\n"),
	run
};

/* run_attend() - `attend ...`, the short form of `meeting attend`. */
static int
run_attend(struct cli_ctx *ctx, int argc, char **argv)
{
	return meeting_attend(ctx, &cmd_attend, argc, argv);
}

const struct cli_cmd cmd_attend = {
	"attend",
	N_("[--meeting M] [--present WHO]... [--absent WHO]..."),
	N_("record who of your party attends a meeting"),
	N_("The same as `detente meeting attend`: a head or delegate records\n"
	   "who of its own party is present or absent at meeting M (default:\n"
	   "the open one); WHO is a member's name or key.  Without --present\n"
	   "or --absent, prints the attendance each party recorded.  The\n"
	   "minutes list attendance as recorded, and say so for a party that\n"
	   "recorded none.\n"
	   "Exit 0 done; 1 refused (not of your party, no meeting open); 2\n"
	   "usage.\n"),
	run_attend
};
