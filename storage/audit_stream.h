/*
 * audit_stream.h: the audit of a bundle in one streaming pass (prefix
 * audit_stream_), without a store.
 *
 * `detente audit B.dtb` used to join the bundle into a temporary store,
 * checking every entry's signature, and then walk it.  This reads the
 * file once instead, in the order it was written (FORMAT.md section 11:
 * merged order), and checks every rule of FORMAT.md section 7 that needs
 * no dialogue key, as a store audit does (record_audit_walk()):
 *
 *  - the trailer, as the file is read (BUNDLE_CHECK_LATE);
 *  - framing, dialogue, the hash chain, references, the clock rule,
 *    membership and roles, every control entry's payload and pass 1
 *    (record_mem_control(), on a record without a store);
 *  - every control entry's signature; each checkpoint's root against the
 *    feed's tree as the pass grows it, and its note's signature; seals
 *    (seal_check_entry_stream()), their listed roots at the end;
 *  - the signature of each content entry that no later checkpoint of its
 *    feed covers, after the pass (all of them, in the pass, with
 *    AUDIT_STREAM_EVERY_SIG).
 *
 * It decides only what it can decide alone: a bundle whose entries are
 * all valid, each placed (after its previous entry and after every entry
 * it references, in strictly ascending merged order), no fork.  On
 * anything else, a failing check, an entry out of order, a reference to
 * an entry the pass no longer remembers, it gives up with a non-zero
 * return, and the caller audits the bundle the slow way (a temporary
 * store), which reports the failure exactly as before.  So the streaming
 * pass changes the time of a valid bundle's audit, never a verdict: it
 * accepts a subset of what the store walk accepts.
 *
 * Memory: per feed its Merkle frontier, its last AUDIT_STREAM_RING
 * entries' hashes and clocks (for references), and what its author has
 * seen of each other feed; two chunks of entries; the membership; the
 * seal entries (the report reads them again) and their listed roots.  Not the bundle: what the pass must come back to
 * goes to an unlinked temporary file in $TMPDIR, SPILL_BYTES (49) per
 * entry (its feed, place in the file, length and leaf hash), read once
 * after the pass, when it is known which entries no checkpoint covers:
 * their bytes are read again from the bundle (and hashed again, so that
 * a file changed meanwhile fails) for their signatures, and the seals'
 * listed roots are checked at the sizes they list.
 */
#ifndef DETENTE_AUDIT_STREAM_H
#define DETENTE_AUDIT_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include "entry.h"
#include "record.h"

/* References further back in a feed than this send the audit the slow way. */
#define AUDIT_STREAM_RING 256U

/* Check every entry's own signature, once (--every-signature). */
#define AUDIT_STREAM_EVERY_SIG 0x1U

/* One feed, as the pass finished it. */
typedef struct audit_stream_feed {
	unsigned char author[KEY_PK_BYTES];
	uint64_t size;
	unsigned char root[ENTRY_HASH_BYTES]; /* RFC 6962 root of them all */
	uint64_t covered;     /* entries its latest checkpoint covers */
	uint64_t checkpoints; /* checkpoint entries in the feed */
} audit_stream_feed;

typedef struct audit_stream_result {
	record *r;                /* no store: membership, seal entries */
	audit_stream_feed *feeds; /* author ascending */
	size_t nfeeds;
	record_stats st;
	uint64_t count;           /* entries in the file */
	char why[200];            /* why it gave up (English), or "" */
} audit_stream_result;

/*
 * audit_stream_run() - audit the bundle at path in one pass.
 * progress (may be NULL) is called every few thousand entries.
 * @param[out] res  on 0, the record and feeds (audit_stream_done() it,
 *                  also after a failure).
 * @return 0: the bundle is valid, every entry placed; otherwise the code
 *         of what it could not decide (res->why says what), and the
 *         caller audits the bundle through a temporary store.
 */
int audit_stream_run(audit_stream_result *res, const char *path,
    unsigned flags, void (*progress)(void *ctx, uint64_t done,
    uint64_t total), void *ctx) __attribute__((warn_unused_result));

/* audit_stream_done() - free what res holds; accepts a zeroed res. */
void audit_stream_done(audit_stream_result *res);

#endif
