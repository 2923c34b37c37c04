/*
 * cmd_commitments.c: `detente commitments`: every commitment, carried
 * from meeting to meeting, with its status and endorsements.
 */
#include <getopt.h>
#include <stdio.h>

#include <jansson.h>

#include "../storage/view.h"
#include "../storage/vis.h"
#include "cli.h"
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
 * run() - `commitments`: from the view, as text or JSON.
 */
static int
run(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "open", no_argument, NULL, 'o' },
		{ "json", no_argument, NULL, 'j' },
		{ "lang", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 }
	};
	const char *lang = NULL;
	int c, ret, json = 0, only_open = 0;
	json_t *arr = NULL, *o;
	char s[FMT_SHORT_BYTES], b[4][640];
	view *v = NULL;
	size_t i, j, shown = 0;

	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			only_open = 1;
			break;
		case 'j':
			json = 1;
			break;
		case 'l':
			lang = optarg;
			break;
		default:
			return cli_opt_error(ctx, &cmd_commitments, c, argv);
		}
	}
	if (optind < argc)
		return cli_bad_usage(ctx, &cmd_commitments,
		    _("unexpected argument"), argv[optind]);
	if ((ret = session_record_key(ctx)) != CLI_OK ||
	    (ret = session_view_structure(ctx, &v)) != CLI_OK)
		goto out;
	if (json && (arr = json_array()) == NULL) {
		ret = CLI_USAGE;
		goto out;
	}
	for (i = 0; i < view_ncommitments(v); i++) {
		const view_commitment *cm = view_commitment_at(v, i);
		const char *text = view_text(cm->entry, lang);

		if (only_open && !view_commitment_open(cm))
			continue;
		shown++;
		if (json) {
			if ((o = commitment_json(cm, lang)) == NULL ||
			    json_array_append_new(arr, o) != 0) {
				ret = CLI_USAGE;
				goto out;
			}
			continue;
		}
		fmt_short(s, cm->entry->hash);
		/* every field as vis.h renders it: owner, due, state, text */
		fprintf(ctx->out, _("%s  %s  owner: %s  due: %s  status: %s  "
		    "meeting %lld\n"), s, vis_buf(b[0], sizeof(b[0]),
		    cm->party ? cm->party : "?", 0), vis_buf(b[1],
		    sizeof(b[1]), cm->owner ? cm->owner : _("not named"), 0),
		    vis_buf(b[2], sizeof(b[2]), cm->due ? cm->due : _("no date"),
		    0),
		    cm->state != NULL ? vis_buf(b[3], sizeof(b[3]), cm->state,
		    0) : _("open"), (long long)cm->meeting);
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
	else if (shown == 0)
		fprintf(ctx->out, "%s\n", only_open ?
		    _("no open commitments") : _("no commitments"));
out:
	json_decref(arr);
	view_free(v);
	return ret;
}

const struct cli_cmd cmd_commitments = {
	"commitments", N_("[--open] [--json] [--lang L]"),
	N_("list the commitments of every meeting, with status and "
	   "endorsements"),
	N_("  --open   only commitments neither fulfilled nor withdrawn\n"
	   "  --json   a JSON array: hash, id, meeting, party, owner, due,\n"
	   "           status, endorsed_by, agreed, text, item\n"),
	run
};
