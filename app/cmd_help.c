/*
 * cmd_help.c: `detente help [COMMAND]`.
 */
#include <stdio.h>

#include "cli.h"
#include "i18n.h"

/*
 * run() - `help [COMMAND]`: the command list, or one usage.
 */
static int
run(struct cli_ctx *ctx, int argc, char **argv)
{
	const struct cli_cmd *cmd;

	if (argc > 2)
		return cli_bad_usage(ctx, &cmd_help, _("too many arguments"),
		    argv[2]);
	if (argc == 2) {
		if ((cmd = cli_find(argv[1])) == NULL) {
			const struct cli_cmd *near = cli_suggest(argv[1]);
			char hint[96];

			if (near != NULL) {
				snprintf(hint, sizeof(hint),
				    _("did you mean `detente help %s`?"),
				    near->name);
				cli_error(ctx, _("unknown command"), argv[1],
				    hint);
			} else
				cli_error(ctx, _("unknown command"), argv[1],
				    _("run `detente help` for the list"));
			return CLI_USAGE;
		}
		cli_usage(ctx->out, cmd);
		return CLI_OK;
	}
	fprintf(ctx->out, "%s", _("usage: detente [--home DIR] "
	    "[--passphrase-file F] [--as NAME] [--dialogue ID] COMMAND "
	    "[ARGS]\n\nCommands:\n"));
	cli_list(ctx->out);
	fprintf(ctx->out, "%s", _("\nRun `detente COMMAND --help` for a "
	    "command's options, `detente --help` for the global options.\n"));
	return CLI_OK;
}

const struct cli_cmd cmd_help = {
	"help", N_("[COMMAND]"),
	N_("list the commands, or show one command's usage"),
	NULL, run
};
