/*
 * cmd_log.c: `detente log`: the merged view, decrypted.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "../storage/view.h"
#include "cli.h"
#include "filter.h"
#include "fmt.h"
#include "i18n.h"
#include "pager.h"
#include "search.h"
#include "session.h"

/*
 * log_options() - the options of `log` into f and the flags.
 * @return CLI_OK, or CLI_USAGE (reported).
 */
static int
log_options(struct cli_ctx *ctx, int argc, char **argv,
    struct filter_log *f, const char **lang, int *json, int *no_key,
    int *hashes, int *local)
{
	static const struct option opts[] = {
		{ "meeting", required_argument, NULL, 'm' },
		{ "author", required_argument, NULL, 'a' },
		{ "party", required_argument, NULL, 'p' },
		{ "kind", required_argument, NULL, 'K' },
		{ "since", required_argument, NULL, 's' },
		{ "until", required_argument, NULL, 'u' },
		{ "grep", required_argument, NULL, 'g' },
		{ "local-time", no_argument, NULL, 'L' },
		{ "json", no_argument, NULL, 'j' },
		{ "lang", required_argument, NULL, 'l' },
		{ "no-key", no_argument, NULL, 'k' },
		{ "hashes", no_argument, NULL, 'H' },
		{ NULL, 0, NULL, 0 }
	};
	long long n;
	int c;

	while ((c = getopt_long(argc, argv, ":n:", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			if (cli_parse_count(optarg, &n) != 0)
				return cli_bad_usage(ctx, &cmd_log,
				    _("not a meeting number"), optarg);
			f->meeting = n;
			break;
		case 'n':
			if (cli_parse_count(optarg, &n) != 0)
				return cli_bad_usage(ctx, &cmd_log,
				    _("-n wants a count of entries (1 or "
				      "more)"), optarg);
			f->last = (size_t)n;
			break;
		case 'a':
			f->author = optarg;
			break;
		case 'p':
			f->party = optarg;
			break;
		case 'K':
			if (filter_kinds(&f->kinds, optarg) != 0)
				return cli_bad_usage(ctx, &cmd_log,
				    _("unknown entry kind"), optarg);
			break;
		case 's':
		case 'u':
			if (filter_time(c == 's' ? &f->since_ms : &f->until_ms,
			    optarg, c == 'u') != 0)
				return cli_bad_usage(ctx, &cmd_log,
				    _("not a date (YYYY-MM-DD) or a UTC time "
				      "(YYYY-MM-DDTHH:MM[:SS])"), optarg);
			*(c == 's' ? &f->has_since : &f->has_until) = 1;
			break;
		case 'g':
			if (filter_log_grep(f, optarg) != 0)
				return cli_bad_usage(ctx, &cmd_log,
				    _("--grep wants a text to look for"),
				    optarg);
			break;
		case 'L':
			*local = 1;
			break;
		case 'j':
			*json = 1;
			break;
		case 'l':
			*lang = optarg;
			break;
		case 'k':
			*no_key = 1;
			break;
		case 'H':
			*hashes = 1;
			break;
		default:
			return cli_opt_error(ctx, &cmd_log, c, argv);
		}
	}
	if (optind < argc)
		return cli_bad_usage(ctx, &cmd_log, _("unexpected argument"),
		    argv[optind]);
	if (*hashes && (*json || filter_log_active(f) || *lang != NULL ||
	    *local))
		return cli_bad_usage(ctx, &cmd_log, _("--hashes takes no other "
		    "option"), NULL);
	return CLI_OK;
}

/*
 * log_pick() - the indexes of v's items that pass f, the last f->last of
 * them if set.  @param[out] out  malloc'd (NULL when none); *n of them.
 * @return 0 or -1 (out of memory).
 */
static int
log_pick(size_t **out, size_t *n, const view *v, const struct filter_log *f)
{
	size_t i, k = 0, total = view_nitems(v), *idx;
	void *loc;

	*out = NULL;
	*n = 0;
	if (total == 0)
		return 0;
	if ((idx = calloc(total, sizeof(*idx))) == NULL)
		return -1;
	loc = f->grep != NULL ? search_locale_begin() : NULL;
	for (i = 0; i < total; i++)
		if (filter_log_match(f, v, view_item_at(v, i)))
			idx[k++] = i;
	search_locale_end(loc);
	if (f->last != 0 && k > f->last) {
		memmove(idx, idx + (k - f->last), f->last * sizeof(*idx));
		k = f->last;
	}
	*out = idx;
	*n = k;
	return 0;
}

/*
 * run() - `log`: the entries that pass the filters, in merged order, as
 * text (through the pager on a terminal) or JSON.
 */
static int
run(struct cli_ctx *ctx, int argc, char **argv)
{
	const char *lang = NULL, *party;
	int ret, json = 0, no_key = 0, hashes = 0, local = 0, was_local;
	struct filter_log f;
	struct pager pg;
	json_t *arr = NULL, *o;
	size_t *pick = NULL, npick = 0, i;
	view *v = NULL;

	filter_log_init(&f);
	memset(&pg, 0, sizeof(pg));
	was_local = fmt_local_time(0);
	if ((ret = log_options(ctx, argc, argv, &f, &lang, &json, &no_key,
	    &hashes, &local)) != CLI_OK)
		goto out;
	if ((ret = no_key || hashes ? session_record(ctx, 0) :
	    session_record_key(ctx)) != CLI_OK ||
	    (ret = session_view(ctx, &v)) != CLI_OK)
		goto out;
	if (f.meeting != 0 && view_meeting_find(v, f.meeting) == NULL &&
	    !view_locked(v)) {
		char num[32];

		snprintf(num, sizeof(num), "%lld", (long long)f.meeting);
		cli_error(ctx, _("no such meeting"), num,
		    _("see `detente meeting list`"));
		ret = CLI_USAGE;
		goto out;
	}
	if (f.author != NULL && !filter_author_known(ctx->rec, f.author)) {
		cli_error(ctx, _("no member has this name, and it is not a "
		    "key's hex prefix"), f.author,
		    _("see `detente member list`"));
		ret = CLI_USAGE;
		goto out;
	}
	if (f.party != NULL) {
		if ((party = filter_party(v, f.party)) == NULL) {
			cli_error(ctx, _("no such party in this dialogue"),
			    f.party, _("see `detente member list`"));
			ret = CLI_USAGE;
			goto out;
		}
		f.party = party;
	}
	if (hashes) {
		for (i = 0; i < view_nitems(v); i++)
			fprintf(ctx->out, "%s\n", view_item_at(v, i)->hex);
		goto out;
	}
	if (log_pick(&pick, &npick, v, &f) != 0 ||
	    (json && (arr = json_array()) == NULL)) {
		cli_error(ctx, _("out of memory"), NULL, NULL);
		ret = CLI_USAGE;
		goto out;
	}
	if (json) {
		for (i = 0; i < npick; i++) {
			const view_item *it = view_item_at(v, pick[i]);

			if ((o = fmt_item_json(v, it, lang)) == NULL ||
			    json_array_append_new(arr, o) != 0) {
				cli_error(ctx, _("cannot encode the log as "
				    "JSON"), NULL, NULL);
				ret = CLI_USAGE;
				goto out;
			}
		}
		if (fmt_print_json(ctx->out, arr) != 0)
			ret = CLI_USAGE;
		goto out;
	}
	fmt_local_time(local);
	pager_start(&pg, ctx);
	for (i = 0; i < npick; i++)
		fmt_item(ctx->out, v, view_item_at(v, pick[i]), lang);
	if (pager_end(&pg, ctx)) {
		cli_error(ctx, _("the pager could not be run"), "PAGER",
		    _("printing directly"));
		for (i = 0; i < npick; i++)
			fmt_item(ctx->out, v, view_item_at(v, pick[i]), lang);
	}
	if (npick == 0 && filter_log_active(&f))
		cli_error(ctx, _("no entry passes these filters"), NULL,
		    NULL);
out:
	fmt_local_time(was_local);
	free(pick);
	json_decref(arr);
	view_free(v);
	filter_log_done(&f);
	return ret;
}

const struct cli_cmd cmd_log = {
	"log", N_("[--meeting M] [--author NAME|KEY] [--party P] [--kind K]\n"
	   "               [--since T] [--until T] [-n N] [--grep TEXT]\n"
	   "               [--local-time] [--json] [--lang L] [--no-key]\n"
	   "       detente log --hashes"),
	N_("print the record in merged order, decrypted"),
	N_("Every entry with its time (UTC), short id, kind, author and\n"
	   "text; corrections and endorsements under the entry they concern.\n"
	   "A checkpoint or a seal shows as one line (checkpoint size=N\n"
	   "root=HEX, seal meeting=M minutes=HEX feeds=K signers=...); its\n"
	   "whole signed note is in --json and `detente show ID`.\n"
	   "On a terminal the text goes through $PAGER (default: less -F -X).\n"
	   "The filters combine (an entry must pass each one given):\n"
	   "  --meeting M  only the entries of meeting M (default: all)\n"
	   "  --author A   entries written by the member named A, or by the\n"
	   "               key whose hex starts with A (4 digits or more)\n"
	   "  --party P    entries written by members of party P (any case)\n"
	   "  --kind K     entries of kind K (note, statement, proposal,\n"
	   "               decision, commitment, agenda, agenda-status,\n"
	   "               endorsement, correction, meeting-open, ...);\n"
	   "               repeat it or give a comma list: --kind note,decision\n"
	   "  --since T    entries written at or after T, --until T at or\n"
	   "               before T: a date YYYY-MM-DD (the whole day) or a\n"
	   "               time YYYY-MM-DDTHH:MM[:SS], in UTC\n"
	   "  -n N         only the last N entries that pass the filters\n"
	   "  --grep TEXT  entries whose text, author or corrections contain\n"
	   "               TEXT, ignoring case (Cyrillic too), as the UI's /\n"
	   "  --local-time times in the local time zone, named (default: UTC;\n"
	   "               --json always writes UTC)\n"
	   "  --json       a JSON array: hash, author, author_name, party,\n"
	   "               seq, clock, time, kind, text, payload, ...\n"
	   "  --lang L     show the text in language L where there is one\n"
	   "  --no-key     do not unlock: structure only, no passphrase\n"
	   "  --hashes     only every entry's hash, one per line, in merged\n"
	   "               order (no passphrase): two replicas that hold the\n"
	   "               same entries print the same lines\n"),
	run
};
