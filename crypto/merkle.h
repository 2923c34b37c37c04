/*
 * merkle.h: RFC 6962 Merkle trees over leaf hashes (prefix merkle_).
 *
 * A feed's entries, in seq order, are the leaves of an RFC 6962 (RFC 9162
 * section 2.1) Merkle tree with SHA-256:
 *   leaf hash  = SHA-256(0x00 || entry)
 *   node hash  = SHA-256(0x01 || left || right)
 *   empty tree = SHA-256("")
 * An entry's hash is its leaf hash, so every function here works on an
 * array of leaf hashes that the caller already has: n leaves are n * 32
 * contiguous bytes.  A proof is likewise len * 32 contiguous bytes, in the
 * order of RFC 6962 section 2.1.1 and 2.1.2 (from the leaf's level up).
 *
 * Sizes and indices are uint64_t, as feed sequence numbers are.  Nothing
 * here allocates.
 */
#ifndef DETENTE_MERKLE_H
#define DETENTE_MERKLE_H

#include <stddef.h>
#include <stdint.h>

#define MERKLE_HASH_BYTES 32U
/*
 * The most hashes any proof of a tree of at most 2^64 - 1 leaves has: 64
 * for an inclusion proof, 65 for a consistency proof (a subtree root plus
 * an inclusion path).  A proof buffer of MERKLE_PROOF_MAX hashes is
 * always enough.
 */
#define MERKLE_PROOF_MAX 65U
#define MERKLE_PROOF_BYTES (MERKLE_PROOF_MAX * MERKLE_HASH_BYTES)
/* The frontier of a tree of size n holds popcount(n) <= 64 hashes. */
#define MERKLE_FRONTIER_MAX 64U

/* merkle_leaf_hash() - SHA-256(0x00 || data). */
void merkle_leaf_hash(unsigned char out[MERKLE_HASH_BYTES],
    const unsigned char *data, size_t len);

/* merkle_node_hash() - SHA-256(0x01 || left || right); out may alias. */
void merkle_node_hash(unsigned char out[MERKLE_HASH_BYTES],
    const unsigned char left[MERKLE_HASH_BYTES],
    const unsigned char right[MERKLE_HASH_BYTES]);

/* merkle_empty_root() - SHA-256(""), the root of the empty tree. */
void merkle_empty_root(unsigned char out[MERKLE_HASH_BYTES]);

/*
 * merkle_root() - the Merkle tree hash MTH of n leaf hashes.
 * @param[out] out     the root; SHA-256("") when n is 0.
 * @param[in]  leaves  n * MERKLE_HASH_BYTES bytes (may be NULL if n is 0).
 * @return 0, or DT_EINVAL if leaves is NULL and n > 0.
 */
int merkle_root(unsigned char out[MERKLE_HASH_BYTES],
    const unsigned char *leaves, uint64_t n);

/*
 * merkle_inclusion_proof() - the audit path PATH(index, D[0:n]) of RFC
 * 6962 section 2.1.1: the sibling hashes from the leaf's level up.
 * @param[out] proof   MERKLE_PROOF_BYTES; receives *len hashes.
 * @param[out] len     the number of hashes, 0 to 64.
 * @param[in]  leaves  n leaf hashes.
 * @return 0, DT_EINVAL (index >= n, NULL pointers).
 */
int merkle_inclusion_proof(unsigned char *proof, size_t *len,
    const unsigned char *leaves, uint64_t n, uint64_t index);

/*
 * merkle_inclusion_verify() - check an inclusion proof with the algorithm
 * of RFC 9162 section 2.1.3.2.
 * @return 0 if leaf is the index-th leaf of the tree of the given size and
 *         root; DT_EINVAL if index >= size; DT_EHASH if the proof does not
 *         verify (wrong length, or it leads to another root).
 */
int merkle_inclusion_verify(const unsigned char leaf[MERKLE_HASH_BYTES],
    uint64_t index, uint64_t size, const unsigned char *proof, size_t len,
    const unsigned char root[MERKLE_HASH_BYTES])
    __attribute__((warn_unused_result));

/*
 * merkle_consistency_proof() - PROOF(old_size, D[0:new_size]) of RFC 6962
 * section 2.1.2.  Empty when old_size == new_size.
 * @param[out] proof   MERKLE_PROOF_BYTES; receives *len hashes.
 * @param[in]  leaves  new_size leaf hashes.
 * @return 0, DT_EINVAL (old_size > new_size; old_size == 0 < new_size,
 *         for which no proof exists; NULL pointers).
 */
int merkle_consistency_proof(unsigned char *proof, size_t *len,
    const unsigned char *leaves, uint64_t old_size, uint64_t new_size);

/*
 * merkle_consistency_verify() - check that the tree (new_size, new_root)
 * extends the tree (old_size, old_root), with the algorithm of RFC 9162
 * section 2.1.4.2.  Equal sizes need an empty proof and equal roots.
 * @return 0 if consistent; DT_EINVAL if old_size > new_size or old_size is
 *         0 < new_size (the empty tree is a prefix of every tree: there is
 *         nothing to prove, and the caller decides what that means);
 *         DT_EHASH if the proof does not verify.
 */
int merkle_consistency_verify(uint64_t old_size, uint64_t new_size,
    const unsigned char old_root[MERKLE_HASH_BYTES],
    const unsigned char new_root[MERKLE_HASH_BYTES], const unsigned char *proof,
    size_t len) __attribute__((warn_unused_result));

/*
 * merkle_frontier: the right edge of a tree, so that a feed's root can be
 * kept up to date in O(log n) per append without reading old leaves.
 * hash[0..count-1] are the roots of the perfect subtrees the tree of size
 * `size` splits into, largest (leftmost) first: one per 1-bit of size, so
 * count == popcount(size).  An embedded struct: merkle_frontier_init() it;
 * it owns no memory, so there is nothing to free.
 */
typedef struct merkle_frontier {
	uint64_t size;
	unsigned int count;
	unsigned char hash[MERKLE_FRONTIER_MAX][MERKLE_HASH_BYTES];
} merkle_frontier;

/* merkle_frontier_init() - the frontier of the empty tree. */
void merkle_frontier_init(merkle_frontier *f);

/*
 * merkle_frontier_set() - restore a frontier that was saved as its size and
 * its count hashes (count * 32 bytes, largest subtree first).
 * @return 0, or DT_EINVAL if count != popcount(size).
 */
int merkle_frontier_set(merkle_frontier *f, uint64_t size,
    const unsigned char *hashes, unsigned int count);

/*
 * merkle_frontier_append() - add the next leaf hash.
 * @return 0, or DT_ERANGE if the tree already has 2^64 - 1 leaves.
 */
int merkle_frontier_append(merkle_frontier *f,
    const unsigned char leaf[MERKLE_HASH_BYTES]);

/* merkle_frontier_root() - the root of the tree so far (MTH). */
void merkle_frontier_root(const merkle_frontier *f,
    unsigned char out[MERKLE_HASH_BYTES]);

/*
 * Printed proofs, as `detente proof` writes and reads them (docs/FORMAT.md,
 * "Merkle trees and proofs"): a header line, the origin of the feed's
 * checkpoints, the sizes, the hashes the proof is about, then the proof's
 * hashes, one per line, all hex.
 */
enum { MERKLE_INCLUSION = 1, MERKLE_CONSISTENCY = 2 };
#define MERKLE_ORIGIN_MAX 255U
/* The longest printed proof: header, fields, 65 hash lines, NUL. */
#define MERKLE_PROOF_TEXT_MAX 5120U

typedef struct merkle_proof {
	int kind; /* MERKLE_INCLUSION or MERKLE_CONSISTENCY */
	char origin[MERKLE_ORIGIN_MAX + 1];
	uint64_t index; /* inclusion: the leaf's index (seq) */
	uint64_t old_size; /* consistency: the older tree's size */
	uint64_t size; /* the tree's size (consistency: the newer) */
	unsigned char leaf[MERKLE_HASH_BYTES]; /* inclusion */
	unsigned char old_root[MERKLE_HASH_BYTES]; /* consistency */
	unsigned char root[MERKLE_HASH_BYTES];
	size_t len; /* number of hashes in path */
	unsigned char path[MERKLE_PROOF_BYTES];
} merkle_proof;

/*
 * merkle_proof_format() - print p into out (outlen bytes, NUL-terminated).
 * Fields that the kind does not use are ignored.
 * @return 0, DT_EINVAL (unknown kind, bad origin, len over
 *         MERKLE_PROOF_MAX), DT_ERANGE (out too small; MERKLE_PROOF_TEXT_MAX
 *         is always enough).
 */
int merkle_proof_format(char *out, size_t outlen, const merkle_proof *p);

/*
 * merkle_proof_parse() - read a printed proof, strictly: the exact line
 * layout, decimal numbers without leading zeros, lower-case hex, a final
 * newline, nothing after it.  Checks the form only: merkle_proof_check()
 * checks the hashes.
 * @return 0 or DT_EFORMAT.
 */
int merkle_proof_parse(merkle_proof *p, const char *text, size_t len)
    __attribute__((warn_unused_result));

/*
 * merkle_proof_check() - merkle_inclusion_verify() or
 * merkle_consistency_verify() on the proof's own fields.  The roots still
 * have to be compared with a signed checkpoint of the origin for the proof
 * to mean anything.
 */
int merkle_proof_check(const merkle_proof *p)
    __attribute__((warn_unused_result));

#endif
