/*
 * exchange.h: what the exchange commands (bundle, dialogue join,
 * evidence) share: output files written whole or not at all, bundle
 * files opened with one clear error line, and import results told the
 * same way everywhere (prefix exchange_).
 */
#ifndef DETENTE_EXCHANGE_H
#define DETENTE_EXCHANGE_H

#include <stdio.h>

#include "../storage/bundle.h"
#include "../storage/record.h"
#include "cli.h"

/*
 * An output file: written to a temporary file beside path (mode 0600)
 * and renamed over path only when complete, so that a reader never sees
 * half a bundle.  path "-" is standard output.
 */
struct exchange_out {
	FILE *f;
	char *path;    /* borrowed */
	char *tmp;     /* malloc'd, NULL for standard output */
};

/* exchange_out_open() - CLI_OK, or an error line and CLI_USAGE. */
int exchange_out_open(struct cli_ctx *ctx, struct exchange_out *o,
    const char *path);

/*
 * exchange_out_close() - with ok, flush, fsync and rename into place
 * (an error line and CLI_USAGE if that fails); without, remove the
 * temporary file.  Returns CLI_OK when ok and all went well.
 */
int exchange_out_close(struct cli_ctx *ctx, struct exchange_out *o, int ok);

/*
 * exchange_open_bundle() - open a bundle file, or say why not.  Only its
 * header is checked here; the import's pass checks the rest
 * (BUNDLE_CHECK_LATE), and a failed import calls exchange_damaged().
 */
int exchange_open_bundle(struct cli_ctx *ctx, bundle_reader **b,
    const char *path);

/*
 * exchange_damaged() - after a failed import: CLI_OK if the bundle file
 * is sound (the failure stands), else say that the file is damaged, as
 * exchange_open_bundle() would have, and return its exit code.
 */
int exchange_damaged(struct cli_ctx *ctx, bundle_reader *b,
    const char *path);

/*
 * exchange_read_exit() - the exit code for a bundle file that the reader
 * refused with rc (bundle_reader_open(), bundle_reader_check()): CLI_USAGE
 * when it could not be read at all (missing, unreadable, out of memory),
 * else CLI_FAIL: bytes that are not a sound bundle (not a bundle, an
 * unknown version, truncated, a bad length or count, bytes after the
 * trailer, a trailer that does not match) fail verification, for every
 * command that reads a bundle (docs/FORMAT.md, "Reading a bundle").
 */
int exchange_read_exit(int rc);

/*
 * exchange_import_exit() - the exit code for a bundle whose import or join
 * (record_import(), record_join(), exchange_join_temp()) failed with rc:
 * CLI_FAIL for what the file holds (an entry that fails a check or is
 * malformed, a fork, no genesis where one is needed), CLI_USAGE for what
 * failed around it (I/O, memory, a temporary directory).
 */
int exchange_import_exit(int rc);

/* exchange_reason() - the rejection reason a code stands for, English. */
const char *exchange_reason(int code);

/*
 * exchange_author() - "name (first 16 hex digits)" for a member of r
 * (r may be NULL), else the key's 64 hex digits.
 */
void exchange_author(char *out, size_t outlen, const record *r,
    const unsigned char pk[KEY_PK_BYTES]);

/*
 * exchange_report_import() - the outcome of record_import() or
 * record_join(): the counts on ctx->out ("N new, K already known, H
 * held"), or the rejection on ctx->err with its reason and the first
 * failing entry (author, seq, hash).  r names authors (may be NULL).
 * @return the exit code: CLI_OK, CLI_FAIL (rejected), CLI_USAGE.
 */
int exchange_report_import(struct cli_ctx *ctx, const record *r,
    const char *path, int rc, const record_import_stats *st,
    const record_failure *f);

/*
 * exchange_join_temp() - join the bundle b into a new store in a fresh
 * temporary directory under $TMPDIR (else /tmp), every entry checked as
 * record_join() checks it: what a command that only reads a bundle
 * (`audit`, `minutes verify --bundle`) works on.  Nothing is written
 * outside that directory.
 * @param[out] r    the joined record, locked (record_unlock() it); NULL
 *                  on failure.
 * @param[out] tmp  the temporary directory (tmplen bytes, PATH_MAX), ""
 *                  when none was made; exchange_temp_done() removes it,
 *                  on every path, a failure included.
 * @param[out] f    on failure: the code, a one-line English detail and,
 *                  when an entry was refused, the entry.
 * @return 0; DT_EIO (no temporary directory); as record_join().
 */
int exchange_join_temp(record **r, char *tmp, size_t tmplen,
    bundle_reader *b, record_failure *f);

/*
 * exchange_temp_done() - close r, then remove the directory tmp with
 * everything in it and set tmp to ""; r may be NULL and tmp "" (then
 * only r is closed).
 */
void exchange_temp_done(record *r, char *tmp);

/*
 * exchange_expect_dialogue() - 1 if want (--expect-dialogue: 16 to 64
 * hex digits, any case) is a prefix of r's dialogue id, else 0.
 */
int exchange_expect_dialogue(const record *r, const char *want);

/*
 * exchange_failure_line() - "FAILED: detail: author NAME seq N hash H
 * expected E" on out, the line an audit ends with; the author is named
 * through r (may be NULL: the key in hex).
 */
void exchange_failure_line(FILE *out, const record *r,
    const record_failure *f);

/* dialogue_join() - `dialogue join [--yes] F` (app/cmd_join.c). */
int dialogue_join(struct cli_ctx *ctx, int argc, char **argv);

#endif
