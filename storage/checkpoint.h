/*
 * checkpoint.h: a feed's Merkle root, and the checkpoint entries in which
 * a member signs its own feed's root (prefix ckpt_).
 *
 * A feed's entries, in seq order, are the leaves of an RFC 6962 tree
 * (crypto/merkle.h).  A checkpoint entry (kind ENTRY_K_CHECKPOINT, payload
 * {"note": NOTE, "v": 1}) carries a C2SP signed note whose text is the
 * tlog-checkpoint of its author's feed just before it:
 *   origin  "detente/" hex(dialogue) "/" hex(author)  (note_checkpoint_origin)
 *   size    the checkpoint entry's own seq: it covers entries 0 .. seq - 1
 *   root    the root of those entries' leaf hashes
 * signed by the author under the key name origin.  docs/FORMAT.md
 * ("Checkpoint entries") is normative.
 *
 * Functions that take a store_txn read the feed through it and copy what
 * they keep; nothing points into the store after they return.
 */
#ifndef DETENTE_CHECKPOINT_H
#define DETENTE_CHECKPOINT_H

#include <stddef.h>
#include <stdint.h>

#include "../crypto/keys.h"
#include "../crypto/merkle.h"
#include "entry.h"
#include "record.h"
#include "store.h"

/* Room for a one-line English reason (record_failure.detail's size). */
#define CKPT_WHY_BYTES 200U

/*
 * ckpt_feed_root() - the root of the first size entries of author's feed,
 * read through t, computed from the stored bytes (not from any index).
 * Reads size entries and allocates nothing.
 * @param[out] root  SHA-256("") when size is 0.
 * @return 0; DT_ENOENT if the feed holds fewer than size entries;
 *         DT_ECORRUPT if an entry is stored under another seq; store
 *         errors.
 */
int ckpt_feed_root(unsigned char root[MERKLE_HASH_BYTES], store_txn *t,
    const unsigned char author[KEY_PK_BYTES], uint64_t size);

/*
 * ckpt_feed_frontier() - ckpt_feed_root()'s walk, kept as a frontier, so
 * that the caller can go on appending the feed's next leaves.
 * @return as ckpt_feed_root().
 */
int ckpt_feed_frontier(merkle_frontier *fr, store_txn *t,
    const unsigned char author[KEY_PK_BYTES], uint64_t size);

/*
 * ckpt_feed_leaves() - the leaf hashes of the first size entries of
 * author's feed, for proofs.
 * @param[out] leaves  malloc'd size * 32 bytes (NULL when size is 0); the
 *                     caller frees.
 * @return as ckpt_feed_root(), and DT_ENOMEM, DT_ERANGE (too many to hold
 *         in memory).
 */
int ckpt_feed_leaves(unsigned char **leaves, store_txn *t,
    const unsigned char author[KEY_PK_BYTES], uint64_t size);

/*
 * ckpt_sign() - the signed checkpoint note of the feed of id in the
 * dialogue, at size with root: note_checkpoint_text() signed by id under
 * the key name origin.
 * @param[out] note  malloc'd, NUL-terminated (*len does not count it).
 * @return 0, DT_EINVAL, DT_ENOMEM.
 */
int ckpt_sign(char **note, size_t *len, const unsigned char dialogue[32],
    uint64_t size, const unsigned char root[MERKLE_HASH_BYTES],
    const key_identity *id);

/*
 * ckpt_check_note() - check a checkpoint note against what the record
 * says, without a store: the note parses (note_open(), then
 * note_checkpoint_parse(); extension lines are allowed and ignored), its
 * origin is the feed's (dialogue, author), its size is size, its root is
 * root, and it carries a valid signature by author under the key name
 * origin (other signature lines are ignored, as the signed-note spec
 * says).  why (whylen bytes, may be NULL) gets an English reason.
 * @return 0; DT_EFORMAT (malformed; another origin or size); DT_EHASH
 *         (another root); DT_ESIG (no valid signature by the author).
 */
int ckpt_check_note(const char *note, size_t len,
    const unsigned char dialogue[32], const unsigned char author[KEY_PK_BYTES],
    uint64_t size, const unsigned char root[MERKLE_HASH_BYTES], char *why,
    size_t whylen) __attribute__((warn_unused_result));

/*
 * ckpt_check_entry() - the rule for a checkpoint entry e of r, run by
 * the record's check of every entry (append, import, verify) once the
 * common checks have passed: e's payload has a "note" string that
 * ckpt_check_note() accepts for e's author, size e->seq, and the root of
 * the entries 0 .. e->seq - 1 of e's feed as t holds them.  A caller
 * that has just hashed those very entries (a full walk of the feed)
 * passes their root as known_root; NULL reads them again through t.
 * @return 0 or a DT_E* code, with why filled.
 */
int ckpt_check_entry(record *r, store_txn *t, const entry *e,
    const unsigned char *known_root, char *why, size_t whylen)
    __attribute__((warn_unused_result));

/*
 * ckpt_append() - write a checkpoint of id's own feed into it: the note
 * for the feed as it is, in a checkpoint entry appended with
 * record_append().  Retries (a few times) when id's feed grew in between.
 * @param[out] note  the note written, malloc'd (may be NULL: not wanted).
 * @param[out] hash  the new entry's leaf hash (may be NULL).
 * @return 0, or what record_append() returns.
 */
int ckpt_append(record *r, const key_identity *id, char **note, size_t *len,
    unsigned char hash[ENTRY_HASH_BYTES]);

#endif
