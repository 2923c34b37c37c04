/*
 * cli.h: the command table and what every command handler gets
 * (prefix cli_).
 *
 * Each command lives in its own file app/cmd_<name>.c and exports one
 * `const struct cli_cmd cmd_<name>`; cli.c collects them in the one table
 * that both the command line and the terminal UI's `:` prompt dispatch
 * through.  A handler takes argc/argv (argv[0] is the command's name) and
 * the context, prints through ctx->out and ctx->err, and returns an exit
 * code; it never calls exit().
 */
#ifndef DETENTE_CLI_H
#define DETENTE_CLI_H

#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "../crypto/keys.h"
#include "../storage/record.h"

/* Exit codes (after minisign). */
#define CLI_OK 0      /* success */
#define CLI_FAIL 1    /* verification failed, or the record refused */
#define CLI_USAGE 2   /* usage, I/O, wrong passphrase, unknown id */
/*
 * verify, audit: the record is intact, and holds evidence of a member's
 * misbehaviour (member faults: docs/FORMAT.md, section 7).
 */
#define CLI_EVIDENCE 3

/*
 * What a command runs in.  The options are borrowed from argv; the rest
 * is opened on demand by the session helpers (session.h), kept across
 * commands (so that the terminal UI unlocks once) and released by
 * cli_ctx_done().
 */
struct cli_ctx {
	/* global options, borrowed (NULL when not given) */
	const char *home_opt;
	const char *passfile;
	const char *as;
	const char *dialogue;

	FILE *out;               /* normal output (stdout) */
	FILE *err;               /* error lines (stderr) */

	/* opened on demand, owned by the context */
	char *home;              /* the resolved home directory */
	key_identity *id;        /* the unlocked identity (--as) */
	record *rec;             /* the open dialogue */
	char *pass;              /* a passphrase read from a one-shot fd */
	size_t passlen;
	int keep_pass;           /* keep in pass any passphrase read (the
	                            terminal UI hands it to its `:sync`) */
};

struct cli_cmd {
	const char *name;
	const char *usage;       /* arguments after the name, N_() */
	const char *help;        /* one line, N_(); NULL: hidden (not
	                            listed, no --help: `complete`) */
	const char *details;     /* more lines for --help, N_(), or NULL */
	int (*run)(struct cli_ctx *ctx, int argc, char **argv);
};

/* The commands, one per app/cmd_<name>.c. */
extern const struct cli_cmd cmd_help, cmd_id, cmd_dialogue, cmd_meeting,
    cmd_attend,
    cmd_add, cmd_mark, cmd_endorse, cmd_correct, cmd_log, cmd_show,
    cmd_commitments, cmd_verify, cmd_demo;
extern const struct cli_cmd cmd_bundle, cmd_member, cmd_evidence, cmd_sync;
extern const struct cli_cmd cmd_checkpoint, cmd_proof, cmd_seal;
extern const struct cli_cmd cmd_minutes, cmd_audit;
extern const struct cli_cmd cmd_agent;

/*
 * Seal status, as `detente verify` and the terminal UI report it
 * (app/cmd_seal.c, over storage/seal.h).
 *
 * cli_seal_get() - meeting's seal: seal_info_get(), then, with check,
 * seal_info_check() (for a record that failed verification; one that
 * passed has passed that check already).  Seal entries that cannot be
 * read make the seal invalid, with the reason in si->why.
 * @return 0 (si filled: seal_info_done() it), DT_ENOENT (no seal entry
 *         for the meeting), DT_ENOMEM.
 *
 * cli_seal_lines() - one line per meeting that has a seal entry:
 * "meeting N: seal complete (RU, US)", "... seal incomplete (missing
 * US)" or "... seal invalid (why)".
 *
 * cli_seal_json() - the same as a JSON array of objects: meeting, state
 * ("complete", "incomplete", "invalid"), signers and missing (heads:
 * party, name, key; missing ones with bad_signature), entry, entries,
 * reason (or null).  @param[out] out  a new array (empty when the seals
 * cannot be read).  @return 0; the error of reading the seals, with
 * *out set; DT_ENOMEM, with *out NULL.
 */
struct seal_info;
int cli_seal_get(struct seal_info *si, record *r, uint64_t meeting,
    int check);
void cli_seal_lines(struct cli_ctx *ctx, record *r, int check);
int cli_seal_json(json_t **out, record *r, int check);

/*
 * cli_minutes_current() - read the minutes file at path and check that it
 * is what ctx->rec (opened with its key) renders now for the meeting the
 * file names, byte for byte: final minutes of this dialogue, of *meeting
 * when it is not 0.  Prints its own error lines.
 * @param[out] sha      the SHA-256 of the file's bytes
 * @param[in,out] meeting  0 or the meeting expected; set to the file's
 * @return CLI_OK, CLI_FAIL (not these minutes), CLI_USAGE (I/O).
 */
int cli_minutes_current(struct cli_ctx *ctx, const char *path,
    unsigned char sha[32], int64_t *meeting);

/*
 * cli_fatal_hook - called first on a fatal signal (SIGSEGV, SIGBUS), so
 * that whoever owns the terminal can restore it before the one-line
 * message; NULL when nothing needs restoring.  Set by the terminal UI.
 */
extern void (*cli_fatal_hook)(void);

/*
 * cli_progname - how the user ran detente, for the commands it suggests:
 * argv[0] when it is a relative path ("./detente", which is not on
 * PATH), else "detente".  Set by main().
 */
extern const char *cli_progname;

/* The table, NULL-terminated, in the order `detente help` lists it. */
extern const struct cli_cmd *const cli_cmds[];

/* cli_ctx_init(), cli_ctx_done() - a fresh context; release it. */
void cli_ctx_init(struct cli_ctx *ctx);
void cli_ctx_done(struct cli_ctx *ctx);

/* cli_find() - the command called name, or NULL. */
const struct cli_cmd *cli_find(const char *name);

/*
 * cli_suggest() - for a mistyped command: the one command that name is
 * a prefix of (3 characters or more), else the one command within 2
 * edits (1 for a name of 3 characters or fewer), else NULL (none, or a
 * tie).
 */
const struct cli_cmd *cli_suggest(const char *name);

/*
 * cli_dispatch() - run argv[0] with its arguments.  "--help" or "-h"
 * among the arguments (before a lone "--") prints the command's usage.
 * @return the command's exit code; CLI_USAGE for an unknown command.
 */
int cli_dispatch(struct cli_ctx *ctx, int argc, char **argv);

/* cli_usage() - print "usage: detente NAME USAGE", the help and details. */
void cli_usage(FILE *f, const struct cli_cmd *cmd);

/* cli_list() - every command with its one-line help. */
void cli_list(FILE *f);

/*
 * cli_error() - print one line "detente: what: object: hint" on ctx->err
 * (object and hint may be NULL and are then left out).  Callers
 * translate what and hint with _(); every part goes through vis_put()
 * (storage/vis.h), so a name or a file name quoted in it can carry no
 * control character to the terminal, not even a line break.
 */
void cli_error(struct cli_ctx *ctx, const char *what, const char *object,
    const char *hint);

/*
 * cli_error_rc() - cli_error() with dt_strerror(rc) after what:
 * "detente: what (reason): object: hint".
 */
void cli_error_rc(struct cli_ctx *ctx, const char *what, int rc,
    const char *object, const char *hint);

/*
 * cli_field() - CLI_OK if value can be the field that option sets (a
 * title, a place, an owner, a name): one line of 1 to max bytes of
 * UTF-8 without control or bidirectional characters (vis_field_check(),
 * storage/vis.h); else a usage error for cmd, naming option and the
 * limit.
 */
int cli_field(struct cli_ctx *ctx, const struct cli_cmd *cmd,
    const char *option, const char *value, size_t max);

/*
 * cli_bad_usage() - a usage error for cmd: one error line, then a hint.
 * @return CLI_USAGE.
 */
int cli_bad_usage(struct cli_ctx *ctx, const struct cli_cmd *cmd,
    const char *what, const char *object);

/*
 * cli_opt_error() - report what getopt_long() returned as c ('?' for an
 * unknown option, ':' for a missing value; the option string must start
 * with ':').  @return CLI_USAGE.
 */
int cli_opt_error(struct cli_ctx *ctx, const struct cli_cmd *cmd, int c,
    char **argv);

/*
 * cli_parse_count() - a number 1..999999999 written in decimal digits
 * only (a meeting number).  @return 0 or -1.
 */
int cli_parse_count(const char *s, long long *out);

/*
 * cli_exit_for() - the exit code for a library error: CLI_FAIL for a
 * record that is tampered, malformed, or refuses the write; CLI_USAGE
 * for everything else (I/O, wrong passphrase, unknown ids).
 */
int cli_exit_for(int err);

#endif
