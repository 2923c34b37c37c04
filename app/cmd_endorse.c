/*
 * cmd_endorse.c: `detente endorse ID`: a head of delegation's agreement.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "../storage/entry.h"
#include "../storage/record.h"
#include "../storage/view.h"
#include "cli.h"
#include "i18n.h"
#include "session.h"

/*
 * run() - `endorse ID`: an endorsement by a head of delegation,
 * refused for anyone else and for a second endorsement by the same head.
 */
static int
run(struct cli_ctx *ctx, int argc, char **argv)
{
	const record_member *me;
	const view_item *t;
	json_t *p = NULL;
	view *v = NULL;
	size_t i;
	int ret;

	if (argc != 2)
		return cli_bad_usage(ctx, &cmd_endorse, argc < 2 ?
		    _("expected an entry id") : _("unexpected argument"),
		    argc > 2 ? argv[2] : NULL);
	if ((ret = session_record_key(ctx)) != CLI_OK ||
	    (ret = session_view_for(ctx, argv[1], NULL, &v, &t)) != CLI_OK)
		goto out;
	me = record_member_find(ctx->rec, ctx->id->pk);
	if (me == NULL || me->role != RECORD_ROLE_HEAD) {
		cli_error(ctx, _("only a head of delegation may endorse"),
		    ctx->id->name, _("ask your head of delegation"));
		ret = CLI_FAIL;
		goto out;
	}
	if ((ret = session_not_internal(ctx, t, argv[1])) != CLI_OK)
		goto out;
	if (!entry_kind_is_content(t->kind) || t->kind == ENTRY_K_ENDORSEMENT) {
		cli_error(ctx, _("cannot endorse this kind of entry"), argv[1],
		    entry_kind_name(t->kind));
		ret = CLI_USAGE;
		goto out;
	}
	for (i = 0; i < t->nendorsements; i++)
		if (memcmp(t->endorsements[i]->author, ctx->id->pk,
		    KEY_PK_BYTES) == 0) {
			cli_error(ctx, _("already endorsed by you"), argv[1],
			    _("nothing was written"));
			ret = CLI_FAIL;
			goto out;
		}
	if ((ret = session_writer(ctx, ENTRY_K_ENDORSEMENT)) != CLI_OK)
		goto out;
	p = json_pack("{s:i,s:I,s:s}", "v", 1, "meeting",
	    (json_int_t)session_meeting_for(ctx, v, t), "target", t->hex);
	if (p == NULL) {
		ret = CLI_USAGE;
		goto out;
	}
	ret = session_append(ctx, ENTRY_K_ENDORSEMENT, p, NULL);
out:
	json_decref(p);
	view_free(v);
	return ret;
}

const struct cli_cmd cmd_endorse = {
	"endorse", N_("ID"),
	N_("endorse an entry (heads of delegation only)"),
	N_("An entry endorsed by the head of every party is agreed.\n"
	   "The endorsement goes into the meeting your side has open, as\n"
	   "with `detente add`.  Prints the new entry's short id.\n"),
	run
};
