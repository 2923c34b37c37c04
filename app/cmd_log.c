/*
 * cmd_log.c: `detente log`: the merged view, decrypted.
 */
#include <getopt.h>
#include <stdio.h>

#include <jansson.h>

#include "../storage/view.h"
#include "cli.h"
#include "fmt.h"
#include "i18n.h"
#include "session.h"

/*
 * run() - `log`: every entry in merged order, as text or JSON.
 */
static int
run(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "meeting", required_argument, NULL, 'm' },
		{ "json", no_argument, NULL, 'j' },
		{ "lang", required_argument, NULL, 'l' },
		{ "no-key", no_argument, NULL, 'k' },
		{ "hashes", no_argument, NULL, 'H' },
		{ NULL, 0, NULL, 0 }
	};
	const char *lang = NULL;
	long long meeting = 0;
	int c, ret, json = 0, no_key = 0, hashes = 0;
	json_t *arr = NULL, *o;
	view *v = NULL;
	size_t i;

	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			if (cli_parse_count(optarg, &meeting) != 0)
				return cli_bad_usage(ctx, &cmd_log,
				    _("not a meeting number"), optarg);
			break;
		case 'j':
			json = 1;
			break;
		case 'l':
			lang = optarg;
			break;
		case 'k':
			no_key = 1;
			break;
		case 'H':
			hashes = 1;
			break;
		default:
			return cli_opt_error(ctx, &cmd_log, c, argv);
		}
	}
	if (optind < argc)
		return cli_bad_usage(ctx, &cmd_log, _("unexpected argument"),
		    argv[optind]);
	if (hashes && (json || meeting != 0 || lang != NULL))
		return cli_bad_usage(ctx, &cmd_log, _("--hashes takes no other "
		    "option"), NULL);
	if ((ret = no_key || hashes ? session_record(ctx, 0) :
	    session_record_key(ctx)) != CLI_OK ||
	    (ret = session_view(ctx, &v)) != CLI_OK)
		goto out;
	if (meeting != 0 && view_meeting_find(v, meeting) == NULL &&
	    !view_locked(v)) {
		char num[32];

		snprintf(num, sizeof(num), "%lld", meeting);
		cli_error(ctx, _("no such meeting"), num,
		    _("see `detente meeting list`"));
		ret = CLI_USAGE;
		goto out;
	}
	if (json && (arr = json_array()) == NULL) {
		ret = CLI_USAGE;
		goto out;
	}
	for (i = 0; i < view_nitems(v); i++) {
		const view_item *it = view_item_at(v, i);

		if (hashes) {
			fprintf(ctx->out, "%s\n", it->hex);
			continue;
		}
		if (meeting != 0 && it->meeting != meeting)
			continue;
		if (!json) {
			fmt_item(ctx->out, v, it, lang);
			continue;
		}
		if ((o = fmt_item_json(v, it, lang)) == NULL ||
		    json_array_append_new(arr, o) != 0) {
			cli_error(ctx, _("cannot encode the log as JSON"), NULL,
			    NULL);
			ret = CLI_USAGE;
			goto out;
		}
	}
	if (json && fmt_print_json(ctx->out, arr) != 0)
		ret = CLI_USAGE;
out:
	json_decref(arr);
	view_free(v);
	return ret;
}

const struct cli_cmd cmd_log = {
	"log", N_("[--meeting M] [--json] [--lang L] [--no-key] | --hashes"),
	N_("print the record in merged order, decrypted"),
	N_("Every entry with its time (UTC), short id, kind, author and\n"
	   "text; corrections and endorsements under the entry they concern.\n"
	   "A checkpoint or a seal shows as one line (checkpoint size=N\n"
	   "root=HEX, seal meeting=M minutes=HEX feeds=K signers=...); its\n"
	   "whole signed note is in --json and `detente show ID`.\n"
	   "  --meeting M  only the entries of meeting M (default: all)\n"
	   "  --json       a JSON array: hash, author, author_name, party,\n"
	   "               seq, clock, time, kind, text, payload, ...\n"
	   "  --lang L     show the text in language L where there is one\n"
	   "  --no-key     do not unlock: structure only, no passphrase\n"
	   "  --hashes     only every entry's hash, one per line, in merged\n"
	   "               order (no passphrase): two replicas that hold the\n"
	   "               same entries print the same lines\n"),
	run
};
