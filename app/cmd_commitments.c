/*
 * cmd_commitments.c: `detente commitments`: every commitment, carried
 * from meeting to meeting, with its status and endorsements.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "../storage/payload.h"
#include "../storage/view.h"
#include "../storage/vis.h"
#include "cli.h"
#include "filter.h"
#include "fmt.h"
#include "i18n.h"
#include "session.h"

/* commitment_json() - one commitment as a JSON object. */
static json_t *
commitment_json(const view_commitment *c, const char *lang)
{
	char s[FMT_SHORT_BYTES];
	const char *text = view_text(c->entry, lang);
	json_t *o, *e;
	size_t i;

	fmt_short(s, c->entry->hash);
	if ((e = json_array()) == NULL)
		return NULL;
	for (i = 0; i < c->entry->nendorsed; i++)
		json_array_append_new(e, json_string(c->entry->endorsed[i]));
	o = json_pack("{s:s,s:s,s:I,s:s?,s:s?,s:s?,s:s,s:o,s:b,s:s?,s:s?}",
	    "hash", c->entry->hex, "id", s,
	    "meeting", (json_int_t)c->meeting,
	    "party", c->party, "owner", c->owner, "due", c->due,
	    "status", c->state != NULL ? c->state : "open",
	    "endorsed_by", e, "agreed", c->entry->agreed,
	    "text", text, "item", c->item != NULL ? c->item->hex : NULL);
	return o;
}

/*
 * run() - `commitments`: from the view, filtered (filter.h) and sorted by
 * due date, as text or JSON.
 */
static int
run(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "open", no_argument, NULL, 'o' },
		{ "overdue", no_argument, NULL, 'O' },
		{ "party", required_argument, NULL, 'p' },
		{ "owner", required_argument, NULL, 'w' },
		{ "json", no_argument, NULL, 'j' },
		{ "lang", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 }
	};
	const char *lang = NULL, *party = NULL;
	int c, ret, json = 0;
	struct filter_commit f;
	const view_commitment **list = NULL;
	json_t *arr = NULL, *o;
	char s[FMT_SHORT_BYTES], b[4][640];
	view *v = NULL;
	size_t i, j, n = 0;

	filter_commit_init(&f);
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			f.open = 1;
			break;
		case 'O':
			f.overdue = 1;
			break;
		case 'p':
			party = optarg;
			break;
		case 'w':
			if (filter_commit_owner(&f, optarg) != 0) {
				ret = cli_bad_usage(ctx, &cmd_commitments,
				    _("--owner wants a text to look for"),
				    optarg);
				goto out;
			}
			break;
		case 'j':
			json = 1;
			break;
		case 'l':
			lang = optarg;
			break;
		default:
			ret = cli_opt_error(ctx, &cmd_commitments, c, argv);
			goto out;
		}
	}
	if (optind < argc) {
		ret = cli_bad_usage(ctx, &cmd_commitments,
		    _("unexpected argument"), argv[optind]);
		goto out;
	}
	if ((ret = session_record_key(ctx)) != CLI_OK ||
	    (ret = session_view_structure(ctx, &v)) != CLI_OK)
		goto out;
	if (party != NULL && (f.party = filter_party(v, party)) == NULL) {
		cli_error(ctx, _("no such party in this dialogue"), party,
		    _("see `detente member list`"));
		ret = CLI_USAGE;
		goto out;
	}
	if (filter_commit_sorted(&list, &n, v, &f) != 0 ||
	    (json && (arr = json_array()) == NULL)) {
		cli_error(ctx, _("out of memory"), NULL, NULL);
		ret = CLI_USAGE;
		goto out;
	}
	for (i = 0; i < n; i++) {
		const view_commitment *cm = list[i];
		const char *text = view_text(cm->entry, lang);

		if (json) {
			if ((o = commitment_json(cm, lang)) == NULL ||
			    json_array_append_new(arr, o) != 0) {
				ret = CLI_USAGE;
				goto out;
			}
			continue;
		}
		fmt_short(s, cm->entry->hash);
		/* every field as vis.h renders it: owner, due (as people
		 * write a date), state, text */
		fprintf(ctx->out, _("%s  %s  owner: %s  due: %s  status: %s  "
		    "meeting %lld\n"), s, vis_buf(b[0], sizeof(b[0]),
		    cm->party ? cm->party : "?", 0), vis_buf(b[1],
		    sizeof(b[1]), cm->owner ? cm->owner : _("not named"), 0),
		    payload_date_valid(cm->due) ? fmt_date(b[2], sizeof(b[2]),
		    cm->due) : vis_buf(b[2], sizeof(b[2]), cm->due ? cm->due :
		    _("no date"), 0),
		    cm->state != NULL ? vis_buf(b[3], sizeof(b[3]),
		    fmt_state(cm->state), 0) : _("open"),
		    (long long)cm->meeting);
		fputs("    ", ctx->out);
		vis_put(ctx->out, text, 0);
		fputc('\n', ctx->out);
		fputs(_("    endorsed by:"), ctx->out);
		for (j = 0; j < cm->entry->nendorsed; j++)
			fprintf(ctx->out, "%s %s", j ? "," : "",
			    vis_buf(b[0], sizeof(b[0]), cm->entry->endorsed[j],
			    0));
		if (cm->entry->nendorsed == 0)
			fputs(_(" nobody yet"), ctx->out);
		if (cm->entry->agreed)
			fputs(_(" (agreed)"), ctx->out);
		fputc('\n', ctx->out);
	}
	if (json)
		ret = fmt_print_json(ctx->out, arr) == 0 ? CLI_OK : CLI_USAGE;
	else if (n == 0)
		fprintf(ctx->out, "%s\n", f.overdue ?
		    _("no overdue commitments") : f.open ?
		    _("no open commitments") : f.party != NULL ||
		    f.owner != NULL ? _("no commitments pass these filters") :
		    _("no commitments"));
out:
	free(list);
	json_decref(arr);
	view_free(v);
	filter_commit_done(&f);
	return ret;
}

const struct cli_cmd cmd_commitments = {
	"commitments", N_("[--open] [--overdue] [--party P] [--owner TEXT]\n"
	   "               [--json] [--lang L]"),
	N_("list the commitments of every meeting, with status and "
	   "endorsements"),
	N_("Sorted by due date, the earliest first (those without a date\n"
	   "last), in record order where the dates are equal.\n"
	   "  --open     only commitments neither fulfilled nor withdrawn\n"
	   "  --overdue  only open commitments due before today (local date)\n"
	   "  --party P  only commitments of party P (any case)\n"
	   "  --owner T  only commitments whose owner contains T, ignoring\n"
	   "             case (Cyrillic too)\n"
	   "  --json     a JSON array: hash, id, meeting, party, owner, due,\n"
	   "             status, endorsed_by, agreed, text, item\n"),
	run
};
