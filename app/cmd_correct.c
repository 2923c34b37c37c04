/*
 * cmd_correct.c: `detente correct ID [TEXT|-]`: a new entry that corrects
 * an old one; both stay in the record.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "../storage/entry.h"
#include "../storage/view.h"
#include "cli.h"
#include "i18n.h"
#include "session.h"
#include "textin.h"

#define MAX_TR 8

/*
 * run() - `correct ID [TEXT|-]`: a correction entry naming ID.
 */
static int
run(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "lang", required_argument, NULL, 'l' },
		{ "tr", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 }
	};
	const char *lang = NULL, *bad;
	char *tr[MAX_TR], *body = NULL;
	size_t ntr = 0;
	const view_item *t;
	json_t *p = NULL, *text = NULL;
	view *v = NULL;
	int c, ret;

	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			if (!textin_lang_valid(optarg))
				return cli_bad_usage(ctx, &cmd_correct,
				    _("not a language tag"), optarg);
			lang = optarg;
			break;
		case 't':
			if (ntr == MAX_TR)
				return cli_bad_usage(ctx, &cmd_correct,
				    _("too many translations"), optarg);
			tr[ntr++] = optarg;
			break;
		default:
			return cli_opt_error(ctx, &cmd_correct, c, argv);
		}
	}
	if (optind >= argc)
		return cli_bad_usage(ctx, &cmd_correct,
		    _("expected an entry id"), NULL);
	if ((ret = session_writer(ctx, ENTRY_K_CORRECTION)) != CLI_OK ||
	    (ret = session_view_for(ctx, argv[optind], NULL, &v, &t)) !=
	    CLI_OK)
		goto out;
	if ((ret = session_not_internal(ctx, t, argv[optind])) != CLI_OK)
		goto out;
	if (!entry_kind_is_content(t->kind)) {
		cli_error(ctx, _("only content entries can be corrected"),
		    argv[optind], entry_kind_name(t->kind));
		ret = CLI_USAGE;
		goto out;
	}
	if ((ret = textin_get(ctx, argc - optind - 1, argv + optind + 1,
	    &body)) != CLI_OK)
		goto out;
	if ((text = textin_list(body, lang, tr, ntr, &bad)) == NULL) {
		ret = cli_bad_usage(ctx, &cmd_correct, bad != NULL ?
		    _("expected --tr LANG=TEXT") :
		    _("the text is not valid UTF-8"), bad);
		goto out;
	}
	p = json_pack("{s:i,s:I,s:s,s:O}", "v", 1, "meeting",
	    (json_int_t)session_meeting_for(ctx, v, t), "target", t->hex,
	    "text", text);
	if (p == NULL) {
		ret = CLI_USAGE;
		goto out;
	}
	ret = session_append(ctx, ENTRY_K_CORRECTION, p, NULL);
out:
	json_decref(p);
	json_decref(text);
	if (body != NULL) {
		sodium_memzero(body, strlen(body));
		free(body);
	}
	view_free(v);
	return ret;
}

const struct cli_cmd cmd_correct = {
	"correct", N_("[--lang L] [--tr LANG=TEXT ...] ID [TEXT...|-]"),
	N_("correct an entry (the original stays in the record)"),
	N_("The corrected text comes from TEXT, standard input or $EDITOR,\n"
	   "as for `detente add`.  `detente log` shows a correction with the\n"
	   "entry it corrects.  The correction goes into the meeting your\n"
	   "side has open, as with `detente add`.  Prints the new entry's\n"
	   "short id.\n"),
	run
};
