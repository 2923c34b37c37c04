/*
 * cmd_meeting.c: `detente meeting open|close|list`.
 */
#include <getopt.h>
#include <stdio.h>
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

/* meeting_open() - `meeting open [--title T] [--place P] [--date D]`. */
static int
meeting_open(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "title", required_argument, NULL, 't' },
		{ "place", required_argument, NULL, 'p' },
		{ "date", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 }
	};
	const char *title = NULL, *place = NULL, *date = NULL;
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
		case 'p':
			place = optarg;
			break;
		case 'd':
			date = optarg;
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
	if ((title != NULL && cli_field(ctx, &cmd_meeting, "--title", title,
	    PAYLOAD_TITLE_MAX) != CLI_OK) || (place != NULL &&
	    cli_field(ctx, &cmd_meeting, "--place", place,
	    PAYLOAD_PLACE_MAX) != CLI_OK))
		return CLI_USAGE;
	if (date == NULL) {
		now = time(NULL);
		gmtime_r(&now, &tm);
		strftime(today, sizeof(today), "%Y-%m-%d", &tm);
		date = today;
	}
	if ((ret = session_writer(ctx, ENTRY_K_MEETING_OPEN)) != CLI_OK ||
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
	p = json_pack("{s:i,s:I}", "v", 1, "meeting",
	    (json_int_t)(last != NULL ? last->number + 1 : 1));
	if (p == NULL || (title != NULL && json_object_set_new(p, "title",
	    json_string(title)) != 0) || (place != NULL &&
	    json_object_set_new(p, "place", json_string(place)) != 0) ||
	    json_object_set_new(p, "date", json_string(date)) != 0) {
		cli_error(ctx, _("cannot encode the entry"), "meeting-open",
		    NULL);
		ret = CLI_USAGE;
		goto out;
	}
	ret = session_append(ctx, ENTRY_K_MEETING_OPEN, p, NULL);
out:
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
	char s[FMT_SHORT_BYTES], b[640], who[128], st[256];
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
		fprintf(ctx->out, _("meeting %lld  %s  %s"),
		    (long long)m->number, st, vis_buf(b, sizeof(b), m->date,
		    0));
		if (m->title != NULL)
			fprintf(ctx->out, "  %s", vis_buf(b, sizeof(b),
			    m->title, 0));
		if (m->place != NULL)
			fprintf(ctx->out, "%s%s", m->title != NULL ? ", " :
			    "  ", vis_buf(b, sizeof(b), m->place, 0));
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
			    a->state != NULL ? vis_buf(b, sizeof(b), a->state,
			    0) : _("open"));
			vis_put(ctx->out, t, 0);
			fputc('\n', ctx->out);
		}
	}
	view_free(v);
	return CLI_OK;
}

/*
 * run() - `meeting SUBCOMMAND`: dispatch to open, close, list.
 */
static int
run(struct cli_ctx *ctx, int argc, char **argv)
{
	if (argc < 2)
		return cli_bad_usage(ctx, &cmd_meeting,
		    _("missing subcommand (open, close, list)"), NULL);
	if (strcmp(argv[1], "open") == 0)
		return meeting_open(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "close") == 0)
		return meeting_close(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "list") == 0)
		return meeting_list(ctx, argc - 1, argv + 1);
	return cli_bad_usage(ctx, &cmd_meeting, _("unknown subcommand"),
	    argv[1]);
}

const struct cli_cmd cmd_meeting = {
	"meeting",
	N_("open [--title T] [--place P] [--date YYYY-MM-DD]\n"
	   "       detente meeting close [M]\n"
	   "       detente meeting list"),
	N_("open or close a meeting, or list the meetings and their agenda"),
	N_("  open   open the next meeting (numbered 1, 2, 3, ...); the date\n"
	   "         defaults to today (UTC).  One meeting is open at a time\n"
	   "         on each side; if both sides open the next meeting before\n"
	   "         they exchange, the two openings are one meeting, listed\n"
	   "         as opened by both.  Prints the new entry's short id.\n"
	   "  close  close meeting M for your side (default: your side's open\n"
	   "         one); after that your side writes nothing more in it.\n"
	   "         Its minutes are final once every party has closed it\n"
	   "  list   every meeting, its agenda items and their status\n"
	   "         ('>' marks the current item)\n"),
	run
};
