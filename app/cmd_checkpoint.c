/*
 * cmd_checkpoint.c: `detente checkpoint`: sign one's own feed's Merkle
 * root as a checkpoint entry (a C2SP signed note) in that feed.
 */
#include <stdio.h>
#include <stdlib.h>

#include "../crypto/err.h"
#include "../storage/checkpoint.h"
#include "../storage/entry.h"
#include "../storage/record.h"
#include "cli.h"
#include "fmt.h"
#include "i18n.h"
#include "session.h"

/*
 * run() - `checkpoint`: the note for --as's feed as it is now (size = the
 * seq the checkpoint entry gets), appended, then printed.
 */
static int
run(struct cli_ctx *ctx, int argc, char **argv)
{
	unsigned char hash[ENTRY_HASH_BYTES];
	char *note = NULL, shortid[FMT_SHORT_BYTES];
	size_t len = 0;
	int ret, rc;

	if (argc != 1)
		return cli_bad_usage(ctx, &cmd_checkpoint,
		    _("unexpected argument"), argv[1]);
	if ((ret = session_writer(ctx, ENTRY_K_CHECKPOINT)) != CLI_OK)
		return ret;
	if ((rc = ckpt_append(ctx->rec, ctx->id, &note, &len, hash)) != 0) {
		cli_error_rc(ctx, _("cannot append a checkpoint entry"), rc,
		    ctx->id->name, cli_exit_for(rc) == CLI_FAIL ?
		    _("run `detente verify`") : _("nothing was written"));
		return cli_exit_for(rc);
	}
	fmt_short(shortid, hash);
	fprintf(ctx->err, _("checkpoint %s written\n"), shortid);
	fwrite(note, 1, len, ctx->out);
	free(note);
	return CLI_OK;
}

const struct cli_cmd cmd_checkpoint = {
	"checkpoint", "",
	N_("sign your feed's Merkle root as a checkpoint entry"),
	N_("Appends a checkpoint entry to your own feed (--as) and prints\n"
	   "its note: the C2SP tlog-checkpoint of the feed before it (origin\n"
	   "detente/DIALOGUE/KEY, size, root), signed by you under the key\n"
	   "name of the origin.  Any signed-note verifier with your key checks\n"
	   "it; `detente proof` proves entries against it.\n"),
	run
};
