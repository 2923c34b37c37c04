/*
 * feedmark.h: what each identity of this home last wrote, kept outside
 * the store, so that a store rolled back (an LMDB meta page flipped, a
 * backup or a disk snapshot restored) is caught before its owner writes
 * again and forks its own feed (prefix feedmark_).
 *
 * HOME/identities/NAME.marks holds one line per dialogue that NAME wrote
 * in from this home: "DIALOGUE AUTHOR SIZE HASH" LF, the dialogue id and
 * NAME's public key in hex, the number of entries of NAME's feed once
 * its last write here was committed, in decimal, and the leaf hash of
 * the last of them (docs/FORMAT.md, section 8, "Feed marks").  Nothing
 * in it is secret.
 *
 * The check is local: whoever can roll the store back can roll the
 * marks back too (docs/SECURITY.md, "What local verification cannot
 * see").  It catches a store restored or rolled back on its own.
 */
#ifndef DETENTE_FEEDMARK_H
#define DETENTE_FEEDMARK_H

#include "../storage/record.h"
#include "cli.h"

/*
 * feedmark_note() - after a write by ctx->id committed: its feed's size
 * and last hash in ctx->rec, into its marks file (written whole, mode
 * 0600, and renamed into place; under a flock on HOME/identities, with
 * the head read under it, so that concurrent writers' marks never go
 * back).
 * @return 0 or a DT_E* code (the write itself stands either way).
 */
int feedmark_note(struct cli_ctx *ctx);

/*
 * feedmark_check() - compare every mark of this dialogue, of every
 * identity of the home, with ctx->rec: the feed must hold at least the
 * marked number of entries, and its entry there must have the marked
 * hash.
 * @param[out] f  the first mark the record falls short of (code
 *                DT_ESTATE, the author, the seq, the hash the record
 *                holds there if any, the marked hash as expected).
 * @return 0, DT_ESTATE, or a DT_E* code for a store that cannot be read
 *         (f filled as well).
 */
int feedmark_check(struct cli_ctx *ctx, record_failure *f);

#endif
