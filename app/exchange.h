/*
 * exchange.h: what the exchange commands (bundle, dialogue join,
 * evidence) share: bundle files opened with one clear error line, and
 * import results told the same way everywhere (prefix exchange_).
 * Output files follow app/outfile.h.
 */
#ifndef DETENTE_EXCHANGE_H
#define DETENTE_EXCHANGE_H

#include <stdio.h>

#include "../storage/bundle.h"
#include "../storage/held.h"
#include "../storage/record.h"
#include "cli.h"

/*
 * exchange_read_seekable() - the file at path for reading from its start
 * as often as needed: a regular file as it is; "-" (standard input) or
 * anything else (a pipe, a FIFO, `<(...)`) copied whole into an
 * anonymous temporary file (mode 0600, removed at once) under $TMPDIR,
 * else /tmp.  @return a stream the caller fcloses, or NULL with errno.
 */
FILE *exchange_read_seekable(const char *path);

/*
 * exchange_open_bundle() - open a bundle file ("-": standard input, by
 * exchange_read_seekable()), or say why not.  Only its
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

/* exchange_fault_reason() - a member fault's reason (faults.h), N_(). */
const char *exchange_fault_reason(int reason);

/*
 * exchange_fault_line() - one line on out: prefix (translated already,
 * may be ""), "member fault: author NAME (HEX), seq N, KIND HASH:
 * REASON".  Nothing of the entry's content is printed.
 */
void exchange_fault_line(FILE *out, const char *prefix, const record *r,
    const record_fault *f);

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
 * What became of a bundle's entries in a temporary join: every entry of
 * the file is placed (in the record: added, or a second copy of one
 * added) or not placed (held: it waits for an entry the file does not
 * carry, or for one that is not placed itself).
 */
struct exchange_unplaced {
	uint64_t total;   /* entries in the file */
	uint64_t placed;
	held_info *held;  /* the entries not placed, in merged order */
	size_t nheld;
};

/*
 * exchange_join_temp() - join the bundle b into a new store in a fresh
 * temporary directory under $TMPDIR (else /tmp), every entry checked as
 * record_join() checks it: what a command that only reads a bundle
 * (`audit`, `minutes verify --bundle`) works on.  Nothing is written
 * outside that directory.  Every entry of the file must be placed: an
 * entry that waits (held, without bound: RECORD_IMPORT_HOLD_ALL) fails
 * the join, with u listing every such entry and *r still open.
 * @param[out] r    the joined record, locked (record_unlock() it); NULL
 *                  when the join itself failed.
 * @param[out] tmp  the temporary directory (tmplen bytes, PATH_MAX), ""
 *                  when none was made; exchange_temp_done() removes it,
 *                  on every path, a failure included.
 * @param[out] u    the file's count, and the entries not placed;
 *                  exchange_unplaced_free() it on every path.
 * @param[out] f    on failure: the code, a one-line English detail and,
 *                  when an entry was refused, the entry.
 * @return 0; DT_EIO (no temporary directory); as record_join();
 *         DT_ECHAIN or DT_EREF (entries not placed: f names the first,
 *         which waits for an earlier entry of its feed, or for an
 *         entry it references).
 */
int exchange_join_temp(record **r, char *tmp, size_t tmplen,
    bundle_reader *b, struct exchange_unplaced *u, record_failure *f);

/* How many entries not placed a text report names, one a line. */
#define EXCHANGE_UNPLACED_SHOWN 50U

/* exchange_unplaced_free() - free what u holds; u may be all zero. */
void exchange_unplaced_free(struct exchange_unplaced *u);

/*
 * exchange_unplaced_lines() - "bundle: N entries in the file, P placed,
 * U not placed", then one indented line per entry not placed (at most
 * max; then how many more): author, seq, hash, and what it waits for.
 */
void exchange_unplaced_lines(FILE *out, const record *r,
    const struct exchange_unplaced *u, size_t max);

/*
 * exchange_wait_text() - what the entry h waits for, in words, into
 * buf: "seq 2 of its own feed (hash ...), not in the bundle", say.
 */
void exchange_wait_text(char *buf, size_t len, const record *r,
    const held_info *h, int full_hash);

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
