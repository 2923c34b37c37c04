/*
 * cli.c: the one command table, dispatch, usage and error lines.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "../crypto/err.h"
#include "../crypto/keys.h"
#include "../storage/record.h"
#include "../storage/vis.h"
#include "cli.h"
#include "i18n.h"
#include "passphrase.h"

extern const struct cli_cmd cmd_ui, cmd_complete;

const struct cli_cmd *const cli_cmds[] = {
	&cmd_id,
	&cmd_dialogue,
	&cmd_meeting,
	&cmd_attend,
	&cmd_add,
	&cmd_mark,
	&cmd_endorse,
	&cmd_correct,
	&cmd_log,
	&cmd_show,
	&cmd_commitments,
	&cmd_verify,
	&cmd_member,
	&cmd_bundle,
	&cmd_evidence,
	&cmd_sync,
	&cmd_checkpoint,
	&cmd_proof,
	&cmd_seal,
	&cmd_minutes,
	&cmd_audit,
	&cmd_agent,
	&cmd_demo,
	&cmd_ui,
	&cmd_help,
	&cmd_complete,
	NULL
};

const char *cli_progname = "detente";

void
cli_ctx_init(struct cli_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->out = stdout;
	ctx->err = stderr;
}

void
cli_ctx_done(struct cli_ctx *ctx)
{
	record_close(ctx->rec);
	ctx->rec = NULL;
	key_identity_free(ctx->id);
	ctx->id = NULL;
	passphrase_free(ctx->pass);
	ctx->pass = NULL;
	ctx->passlen = 0;
	free(ctx->home);
	ctx->home = NULL;
}

const struct cli_cmd *
cli_find(const char *name)
{
	size_t i;

	for (i = 0; name != NULL && cli_cmds[i] != NULL; i++)
		if (strcmp(cli_cmds[i]->name, name) == 0)
			return cli_cmds[i];
	return NULL;
}

void
cli_usage(FILE *f, const struct cli_cmd *cmd)
{
	/* An empty usage (no arguments) is not looked up: see i18n.h. */
	if (cmd->usage == NULL || cmd->usage[0] == '\0')
		fprintf(f, _("usage: detente [global options] %s\n"),
		    cmd->name);
	else
		fprintf(f, _("usage: detente [global options] %s %s\n"),
		    cmd->name, _(cmd->usage));
	if (cmd->help != NULL)
		fprintf(f, "%s\n", _(cmd->help));
	if (cmd->details != NULL)
		fprintf(f, "\n%s", _(cmd->details));
}

void
cli_list(FILE *f)
{
	size_t i;

	for (i = 0; cli_cmds[i] != NULL; i++)
		if (cli_cmds[i]->help != NULL)
			fprintf(f, "  %-12s %s\n", cli_cmds[i]->name,
			    _(cli_cmds[i]->help));
}

/*
 * edit_distance() - Levenshtein distance between a and b (insertions,
 * deletions, substitutions and, as in git's help.c, swaps of two
 * neighbours count one each), capped at 9 for long strings.
 */
static size_t
edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, v;
	size_t d[33][33];

	if (la > 32 || lb > 32)
		return 9;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++)
		for (j = 1; j <= lb; j++) {
			v = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			if (d[i - 1][j] + 1 < v)
				v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	return d[la][lb];
}

const struct cli_cmd *
cli_suggest(const char *name)
{
	const struct cli_cmd *best = NULL;
	size_t i, d, bestd = 3, len = strlen(name);

	/* a prefix of one command only ("commit" for commitments) */
	for (i = 0; len >= 3 && cli_cmds[i] != NULL; i++)
		if (cli_cmds[i]->help != NULL &&
		    strncmp(cli_cmds[i]->name, name, len) == 0) {
			if (best != NULL)
				return NULL;
			best = cli_cmds[i];
		}
	if (best != NULL)
		return best;
	/* else the nearest name, within 2 edits (1 for short names) */
	if (len <= 3)
		bestd = 2;
	for (i = 0; cli_cmds[i] != NULL; i++) {
		if (cli_cmds[i]->help == NULL)
			continue;
		d = edit_distance(name, cli_cmds[i]->name);
		if (d < bestd) {
			bestd = d;
			best = cli_cmds[i];
		} else if (d == bestd)
			best = NULL;
	}
	return best;
}

int
cli_dispatch(struct cli_ctx *ctx, int argc, char **argv)
{
	const struct cli_cmd *cmd;
	int i;

	if (argc < 1 || argv[0] == NULL || argv[0][0] == '\0') {
		cli_error(ctx, _("no command given"), NULL,
		    _("run `detente help` for the list"));
		return CLI_USAGE;
	}
	if ((cmd = cli_find(argv[0])) == NULL) {
		const struct cli_cmd *near = cli_suggest(argv[0]);
		char hint[96];

		if (near != NULL) {
			snprintf(hint, sizeof(hint),
			    _("did you mean `detente %s`?"), near->name);
			cli_error(ctx, _("unknown command"), argv[0], hint);
		} else
			cli_error(ctx, _("unknown command"), argv[0],
			    _("run `detente help` for the list"));
		return CLI_USAGE;
	}
	/* hidden commands (no help line) take their arguments as they are */
	for (i = 1; cmd->help != NULL && i < argc &&
	    strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0) {
			cli_usage(ctx->out, cmd);
			return CLI_OK;
		}
	/* Every handler starts getopt afresh (GNU: optind 0 = reinit). */
	optind = 0;
	opterr = 0;
	return cmd->run(ctx, argc, argv);
}

void
cli_error(struct cli_ctx *ctx, const char *what, const char *object,
    const char *hint)
{
	/* what and object may quote the record or a file name: vis.h */
	fputs("detente: ", ctx->err);
	vis_put(ctx->err, what, 0);
	if (object != NULL) {
		fputs(": ", ctx->err);
		vis_put(ctx->err, object, 0);
	}
	if (hint != NULL) {
		fputs(": ", ctx->err);
		vis_put(ctx->err, hint, 0);
	}
	fputc('\n', ctx->err);
	fflush(ctx->err);
}

int
cli_bad_usage(struct cli_ctx *ctx, const struct cli_cmd *cmd,
    const char *what, const char *object)
{
	char hint[128];

	snprintf(hint, sizeof(hint), _("run `detente %s --help`"),
	    cmd->name);
	cli_error(ctx, what, object, hint);
	return CLI_USAGE;
}

int
cli_field(struct cli_ctx *ctx, const struct cli_cmd *cmd, const char *option,
    const char *value, size_t max)
{
	char what[256];

	if (vis_field_check(value, max) == 0)
		return CLI_OK;
	snprintf(what, sizeof(what), _("%s must be one line of 1 to %zu "
	    "bytes of UTF-8, without control or bidirectional characters"),
	    option, max);
	return cli_bad_usage(ctx, cmd, what, value);
}

int
cli_exit_for(int err)
{
	switch (err) {
	case DT_EFORMAT:
	case DT_ESIG:
	case DT_EDECRYPT:
	case DT_ECHAIN:
	case DT_ECLOCK:
	case DT_EREF:
	case DT_EMEMBER:
	case DT_EDIALOGUE:
	case DT_ECORRUPT:
	case DT_EFORK:
	case DT_ENOKEY:
	case DT_EHASH:
	case DT_ESTATE:
		return CLI_FAIL;
	default:
		return CLI_USAGE;
	}
}

int
cli_opt_error(struct cli_ctx *ctx, const struct cli_cmd *cmd, int c,
    char **argv)
{
	const char *arg = optind > 0 ? argv[optind - 1] : "";

	if (c == ':')
		return cli_bad_usage(ctx, cmd, _("option needs a value"), arg);
	return cli_bad_usage(ctx, cmd, _("unknown option"), arg);
}

void
cli_error_rc(struct cli_ctx *ctx, const char *what, int rc,
    const char *object, const char *hint)
{
	char buf[256];

	snprintf(buf, sizeof(buf), "%s (%s)", what, _(dt_strerror(rc)));
	cli_error(ctx, buf, object, hint);
}

int
cli_parse_count(const char *s, long long *out)
{
	long long v = 0;
	const char *p;

	if (s == NULL || *s == '\0' || strlen(s) > 9)
		return -1;
	for (p = s; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (*p - '0');
	}
	if (v < 1)
		return -1;
	*out = v;
	return 0;
}
