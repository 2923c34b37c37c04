/*
 * roots.h: the Merkle root of a feed at any size, without walking the
 * feed from its start each time (prefix roots_).
 *
 * A seal lists every feed's size and root; checking it (on import, on
 * verify, on cosign) needs each listed feed's root at the listed size,
 * and a checkpoint its own feed's root at its seq.  ckpt_feed_root()
 * reads the feed from entry 0 for each: one walk of the whole record per
 * seal, so a record with a seal per meeting cost time quadratic in its
 * length.  A roots cache walks each feed at most once, keeping the
 * feed's frontier and a snapshot of it every ROOTS_SNAP entries; a root
 * at an older size starts from the snapshot below it and reads at most
 * ROOTS_SNAP - 1 entries.  An import grows the frontiers with the leaf
 * hashes it has anyway (roots_grow()).
 *
 * Feeds are append-only: a root at a size the store held when it was
 * cached never changes.  Entries a write transaction added and then lost
 * (an abort) are the one way a cache can go stale: the owner frees it
 * then (record_import.c does, on every failed import).
 *
 * Memory: the frontier (2 KB) and about 10 hashes per snapshot, per
 * feed: about 1.2 MB for a feed of a million entries.
 */
#ifndef DETENTE_ROOTS_H
#define DETENTE_ROOTS_H

#include <stdint.h>

#include "../crypto/keys.h"
#include "../crypto/merkle.h"
#include "store.h"

#define ROOTS_SNAP 256U

typedef struct roots roots;

/*
 * roots_at() - the root of the first size entries of author's feed, read
 * through t (entries hashed from their stored bytes, as ckpt_feed_root()
 * does, but see ROOTS_CHAIN_CHECKED); *c is made on first use.
 * @return 0; DT_ENOENT if the feed holds fewer than size entries;
 *         DT_ECORRUPT if an entry is stored under another seq; DT_ENOMEM;
 *         store errors.
 */
int roots_at(roots **c, store_txn *t, const unsigned char author[KEY_PK_BYTES],
    uint64_t size, unsigned flags, unsigned char root[MERKLE_HASH_BYTES])
    __attribute__((warn_unused_result));

/*
 * Flag of roots_at(): every feed's hash chain has been checked (by the
 * verify walk, or entry by entry when it was stored, for an import), so
 * that roots_at() may take entry j's leaf hash from entry j + 1's prev
 * field instead of hashing entry j's bytes again (all but the last leaf
 * it needs, whose successor may not be stored yet).
 */
#define ROOTS_CHAIN_CHECKED 0x1U

/*
 * roots_offer() - fr is the frontier of the first fr->size entries of
 * author's feed, computed by someone who read them (the verify walk, as
 * it goes): taken if it extends what *c holds without a gap (every
 * multiple of ROOTS_SNAP below fr->size offered before), ignored else.
 * *c is made on first use.  @return 0 or DT_ENOMEM, which leaves the
 * cache as it was (roots_at() then reads what it lacks): callers that
 * only offer may ignore it.
 */
int roots_offer(roots **c, const unsigned char author[KEY_PK_BYTES],
    const merkle_frontier *fr);

/*
 * roots_grow() - entry seq of author's feed, with leaf hash leaf, was
 * just added: a feed cached up to exactly seq takes it (no read).
 * Anything else is left to roots_at(), which reads what it lacks.
 * Accepts c == NULL.
 */
void roots_grow(roots *c, const unsigned char author[KEY_PK_BYTES],
    uint64_t seq, const unsigned char leaf[MERKLE_HASH_BYTES]);

/* roots_free() - free the cache; accepts NULL. */
void roots_free(roots *c);

#endif
