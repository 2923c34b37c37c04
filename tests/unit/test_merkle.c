/*
 * test_merkle.c: RFC 6962 tree hashes, inclusion and consistency proofs,
 * the frontier, and printed proofs.
 *
 * The outside checks are the published RFC 6962 vectors, copied as data
 * into tests/vectors/merkle/ (rfc6962.txt: transparency-dev/merkle's
 * proof/verify_test.go; testdata.txt: its testdata/ JSON files).  Every
 * proof there is generated, verified, and then broken in every way
 * transparency-dev/merkle's cmd/proofgen breaks it, and in more: each bit
 * of each hash flipped, each hash dropped.  A randomized cross-check
 * compares the library with the recursive definitions of RFC 6962 section
 * 2.1, written out again here, for every tree up to 200 leaves.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "crypto/err.h"
#include "crypto/merkle.h"
#include "test_util.h"

#define HB MERKLE_HASH_BYTES
#define RFC "merkle/rfc6962.txt"
#define TD "merkle/testdata.txt"

/* --- reading the vectors -------------------------------------------------- */

static char *
need(const char *file, const char *name)
{
	char *v = tu_vector(file, name);

	if (v == NULL)
		fail_msg("%s: no %s (is DETENTE_VECTORS set?)", file, name);
	return v;
}

static void
hex32(unsigned char out[HB], const char *hex)
{
	if (hex == NULL || strlen(hex) != 2 * HB ||
	    sodium_hex2bin(out, HB, hex, 2 * HB, NULL, NULL, NULL) != 0)
		fail_msg("bad hex hash: %s", hex ? hex : "(none)");
}

static void
b64_32(unsigned char out[HB], const char *b64)
{
	size_t len = 0;

	if (b64 == NULL || sodium_base642bin(out, HB, b64, strlen(b64), NULL,
	    &len, NULL, sodium_base64_VARIANT_ORIGINAL) != 0 || len != HB)
		fail_msg("bad base64 hash: %s", b64 ? b64 : "(none)");
}

static uint64_t
num(const char *s)
{
	if (s == NULL)
		fail_msg("missing number");
	return strtoull(s, NULL, 10);
}

/* The 8 leaf hashes of rfc6962.txt. */
static void
load_leaves(unsigned char leaves[8][HB])
{
	unsigned char data[64];
	char name[24], *v;
	size_t len;
	int i;

	for (i = 0; i < 8; i++) {
		snprintf(name, sizeof name, "leaf_%d", i);
		v = need(RFC, name);
		len = 0;
		if (strcmp(v, "-") != 0 &&
		    sodium_hex2bin(data, sizeof data, v, strlen(v), NULL, &len,
		    NULL) != 0)
			fail_msg("bad %s", name);
		merkle_leaf_hash(leaves[i], data, len);
		free(v);
	}
}

/* A proof case: sizes, hashes, and the proof. */
typedef struct pcase {
	int want_ok;
	uint64_t a, b; /* inclusion: index, size; consistency: m, n */
	unsigned char h1[HB], h2[HB]; /* see the loaders */
	size_t len;
	unsigned char proof[MERKLE_PROOF_BYTES];
} pcase;

/* "A B hex..." from rfc6962.txt. */
static void
load_rfc_case(pcase *c, const char *name)
{
	char *v = need(RFC, name), *save = NULL, *t;

	memset(c, 0, sizeof *c);
	c->want_ok = 1;
	c->a = num(strtok_r(v, " ", &save));
	c->b = num(strtok_r(NULL, " ", &save));
	while ((t = strtok_r(NULL, " ", &save)) != NULL)
		hex32(c->proof + HB * c->len++, t);
	free(v);
}

/* "WANT A B h1 h2 base64..." from testdata.txt. */
static void
load_td_case(pcase *c, const char *name)
{
	char *v = need(TD, name), *save = NULL, *t;

	memset(c, 0, sizeof *c);
	t = strtok_r(v, " ", &save);
	assert_non_null(t);
	c->want_ok = strcmp(t, "ok") == 0;
	c->a = num(strtok_r(NULL, " ", &save));
	c->b = num(strtok_r(NULL, " ", &save));
	b64_32(c->h1, strtok_r(NULL, " ", &save));
	b64_32(c->h2, strtok_r(NULL, " ", &save));
	while ((t = strtok_r(NULL, " ", &save)) != NULL)
		b64_32(c->proof + HB * c->len++, t);
	free(v);
}

/* --- the definitions of RFC 6962 section 2.1, recursively ------------------ */

static uint64_t
ref_k(uint64_t n)
{
	uint64_t k = 1;

	while (2 * k < n)
		k *= 2;
	return k;
}

static void
ref_mth(unsigned char out[HB], const unsigned char *d, uint64_t n)
{
	unsigned char l[HB], r[HB], buf[1 + 2 * HB];
	uint64_t k;

	if (n == 0) {
		crypto_hash_sha256(out, (const unsigned char *)"", 0);
		return;
	}
	if (n == 1) {
		memcpy(out, d, HB);
		return;
	}
	k = ref_k(n);
	ref_mth(l, d, k);
	ref_mth(r, d + k * HB, n - k);
	buf[0] = 1;
	memcpy(buf + 1, l, HB);
	memcpy(buf + 1 + HB, r, HB);
	crypto_hash_sha256(out, buf, sizeof buf);
}

/* PATH(m, D[n]) appended at out + *len. */
static void
ref_path(unsigned char *out, size_t *len, uint64_t m, const unsigned char *d,
    uint64_t n)
{
	uint64_t k;

	if (n <= 1)
		return;
	k = ref_k(n);
	if (m < k) {
		ref_path(out, len, m, d, k);
		ref_mth(out + HB * (*len)++, d + k * HB, n - k);
	} else {
		ref_path(out, len, m - k, d + k * HB, n - k);
		ref_mth(out + HB * (*len)++, d, k);
	}
}

/* SUBPROOF(m, D[n], b) appended at out + *len. */
static void
ref_subproof(unsigned char *out, size_t *len, uint64_t m,
    const unsigned char *d, uint64_t n, int b)
{
	uint64_t k;

	if (m == n) {
		if (!b)
			ref_mth(out + HB * (*len)++, d, n);
		return;
	}
	k = ref_k(n);
	if (m <= k) {
		ref_subproof(out, len, m, d, k, b);
		ref_mth(out + HB * (*len)++, d + k * HB, n - k);
	} else {
		ref_subproof(out, len, m - k, d + k * HB, n - k, 0);
		ref_mth(out + HB * (*len)++, d, k);
	}
}

/* --- breaking proofs ------------------------------------------------------- */

static const unsigned char SOME_HASH[HB] = { /* proofgen's sha256SomeHash */
	0xab, 0xac, 0xab, 0xa0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0x60, 0x06, 0x1e, 0x00, 0x12, 0x34, 0x56,
};

/* proof with hash h inserted at position at (len + 1 hashes result). */
static void
insert_at(unsigned char *out, const unsigned char *proof, size_t len,
    size_t at, const unsigned char *h)
{
	memcpy(out, proof, at * HB);
	memcpy(out + at * HB, h, HB);
	memcpy(out + (at + 1) * HB, proof + at * HB, (len - at) * HB);
}

/* proof without the hash at position at. */
static void
drop_at(unsigned char *out, const unsigned char *proof, size_t len,
    size_t at)
{
	memcpy(out, proof, at * HB);
	memcpy(out + at * HB, proof + (at + 1) * HB, (len - at - 1) * HB);
}

static int
incl(const unsigned char *leaf, uint64_t i, uint64_t n,
    const unsigned char *p, size_t len, const unsigned char *root)
{
	return merkle_inclusion_verify(leaf, i, n, p, len, root);
}

static int
cons(uint64_t m, uint64_t n, const unsigned char *r1,
    const unsigned char *r2, const unsigned char *p, size_t len)
{
	return merkle_consistency_verify(m, n, r1, r2, p, len);
}

/*
 * Every way cmd/proofgen's invalidInclusionProof breaks a good proof (that
 * is representable with 32-byte hashes), plus every single bit of the
 * proof, the leaf and the root flipped, each hash dropped, and a hash
 * inserted at each position.  Each must fail.
 */
static void
break_inclusion(const unsigned char leaf[HB], uint64_t i, uint64_t n,
    const unsigned char *proof, size_t len, const unsigned char root[HB])
{
	unsigned char p[(MERKLE_PROOF_MAX + 1) * HB], l[HB], r[HB], empty[HB];
	size_t at, bit;

	merkle_empty_root(empty);
	assert_int_equal(incl(leaf, i, n, proof, len, root), 0);
	/* wrong index */
	assert_int_not_equal(incl(leaf, i - 1, n, proof, len, root), 0);
	assert_int_not_equal(incl(leaf, i + 1, n, proof, len, root), 0);
	assert_int_not_equal(incl(leaf, i ^ 2, n, proof, len, root), 0);
	/* wrong tree height */
	assert_int_not_equal(incl(leaf, i, n * 2, proof, len, root), 0);
	assert_int_not_equal(incl(leaf, i, n / 2, proof, len, root), 0);
	/* wrong leaf or root */
	assert_int_not_equal(incl(leaf, i, n, proof, len, empty), 0);
	assert_int_not_equal(incl(leaf, i, n, proof, len, SOME_HASH), 0);
	assert_int_not_equal(incl(SOME_HASH, i, n, proof, len, root), 0);
	/* trailing and preceding root */
	memcpy(p, proof, len * HB);
	memcpy(p + len * HB, root, HB);
	assert_int_equal(incl(leaf, i, n, p, len + 1, root), DT_EHASH);
	insert_at(p, proof, len, 0, root);
	assert_int_equal(incl(leaf, i, n, p, len + 1, root), DT_EHASH);
	/* a hash inserted anywhere; proofgen: after proof[0] */
	for (at = 0; at <= len; at++) {
		insert_at(p, proof, len, at, SOME_HASH);
		assert_int_equal(incl(leaf, i, n, p, len + 1, root), DT_EHASH);
	}
	/* each hash dropped; proofgen: the last */
	for (at = 0; at < len; at++) {
		drop_at(p, proof, len, at);
		assert_int_equal(incl(leaf, i, n, p, len - 1, root), DT_EHASH);
	}
	/* every bit of the proof, the leaf and the root */
	memcpy(p, proof, len * HB);
	for (bit = 0; bit < len * HB * 8; bit++) {
		p[bit / 8] ^= (unsigned char)(1U << (bit % 8));
		assert_int_equal(incl(leaf, i, n, p, len, root), DT_EHASH);
		p[bit / 8] ^= (unsigned char)(1U << (bit % 8));
	}
	memcpy(l, leaf, HB);
	memcpy(r, root, HB);
	for (bit = 0; bit < HB * 8; bit++) {
		l[bit / 8] ^= (unsigned char)(1U << (bit % 8));
		r[bit / 8] ^= (unsigned char)(1U << (bit % 8));
		assert_int_equal(incl(l, i, n, proof, len, root), DT_EHASH);
		assert_int_equal(incl(leaf, i, n, proof, len, r), DT_EHASH);
		l[bit / 8] ^= (unsigned char)(1U << (bit % 8));
		r[bit / 8] ^= (unsigned char)(1U << (bit % 8));
	}
}

/* The same for consistency proofs (invalidConsistencyProof and more). */
static void
break_consistency(uint64_t m, uint64_t n, const unsigned char r1[HB],
    const unsigned char r2[HB], const unsigned char *proof, size_t len)
{
	unsigned char p[(MERKLE_PROOF_MAX + 1) * HB], a[HB], b[HB];
	size_t at, bit;

	assert_int_equal(cons(m, n, r1, r2, proof, len), 0);
	if (len == 0)
		return; /* as proofgen: only non-trivial proofs */
	/* wrong sizes */
	assert_int_not_equal(cons(m - 1, n, r1, r2, proof, len), 0);
	assert_int_not_equal(cons(m + 1, n, r1, r2, proof, len), 0);
	assert_int_not_equal(cons(m ^ 2, n, r1, r2, proof, len), 0);
	assert_int_not_equal(cons(m, n * 2, r1, r2, proof, len), 0);
	assert_int_not_equal(cons(m, n / 2, r1, r2, proof, len), 0);
	/* wrong or swapped roots */
	assert_int_not_equal(cons(m, n, SOME_HASH, r2, proof, len), 0);
	assert_int_not_equal(cons(m, n, r1, SOME_HASH, proof, len), 0);
	assert_int_not_equal(cons(m, n, r2, r1, proof, len), 0);
	/* empty proof */
	assert_int_equal(cons(m, n, r1, r2, proof, 0), DT_EHASH);
	/* trailing and preceding roots, preceding proof[0] */
	memcpy(p, proof, len * HB);
	memcpy(p + len * HB, r1, HB);
	assert_int_equal(cons(m, n, r1, r2, p, len + 1), DT_EHASH);
	memcpy(p + len * HB, r2, HB);
	assert_int_equal(cons(m, n, r1, r2, p, len + 1), DT_EHASH);
	insert_at(p, proof, len, 0, r1);
	assert_int_equal(cons(m, n, r1, r2, p, len + 1), DT_EHASH);
	insert_at(p, proof, len, 0, r2);
	assert_int_equal(cons(m, n, r1, r2, p, len + 1), DT_EHASH);
	insert_at(p, proof, len, 0, proof);
	assert_int_equal(cons(m, n, r1, r2, p, len + 1), DT_EHASH);
	for (at = 0; at <= len; at++) {
		insert_at(p, proof, len, at, SOME_HASH);
		assert_int_equal(cons(m, n, r1, r2, p, len + 1), DT_EHASH);
	}
	/* each hash dropped (proofgen: "truncated proof", the last) */
	for (at = 0; at < len; at++) {
		drop_at(p, proof, len, at);
		assert_int_equal(cons(m, n, r1, r2, p, len - 1), DT_EHASH);
	}
	/* every bit of the proof and of both roots */
	memcpy(p, proof, len * HB);
	for (bit = 0; bit < len * HB * 8; bit++) {
		p[bit / 8] ^= (unsigned char)(1U << (bit % 8));
		assert_int_equal(cons(m, n, r1, r2, p, len), DT_EHASH);
		p[bit / 8] ^= (unsigned char)(1U << (bit % 8));
	}
	memcpy(a, r1, HB);
	memcpy(b, r2, HB);
	for (bit = 0; bit < HB * 8; bit++) {
		a[bit / 8] ^= (unsigned char)(1U << (bit % 8));
		b[bit / 8] ^= (unsigned char)(1U << (bit % 8));
		assert_int_equal(cons(m, n, a, r2, proof, len), DT_EHASH);
		assert_int_equal(cons(m, n, r1, b, proof, len), DT_EHASH);
		a[bit / 8] ^= (unsigned char)(1U << (bit % 8));
		b[bit / 8] ^= (unsigned char)(1U << (bit % 8));
	}
}

/* --- tests ----------------------------------------------------------------- */

static void
test_hasher(void **state)
{
	unsigned char got[HB], want[HB], data[16];
	char *v;
	size_t len = 0;

	(void)state;
	merkle_empty_root(got);
	v = need(RFC, "empty_root");
	hex32(want, v);
	free(v);
	assert_memory_equal(got, want, HB);
	assert_int_equal(merkle_root(got, NULL, 0), 0);
	assert_memory_equal(got, want, HB);

	merkle_leaf_hash(got, NULL, 0);
	v = need(RFC, "empty_leaf_hash");
	hex32(want, v);
	free(v);
	assert_memory_equal(got, want, HB);

	v = need(RFC, "leaf_data_L123456");
	assert_int_equal(sodium_hex2bin(data, sizeof data, v, strlen(v), NULL,
	    &len, NULL), 0);
	free(v);
	assert_int_equal(len, 7);
	assert_memory_equal(data, "L123456", 7);
	merkle_leaf_hash(got, data, len);
	v = need(RFC, "leaf_hash_L123456");
	hex32(want, v);
	free(v);
	assert_memory_equal(got, want, HB);

	/* a node hash is SHA-256(0x01 || l || r), and may overwrite l */
	{
		unsigned char buf[1 + 2 * HB], l[HB], r[HB];

		randombytes_buf(l, HB);
		randombytes_buf(r, HB);
		buf[0] = 1;
		memcpy(buf + 1, l, HB);
		memcpy(buf + 1 + HB, r, HB);
		crypto_hash_sha256(want, buf, sizeof buf);
		merkle_node_hash(l, l, r);
		assert_memory_equal(l, want, HB);
	}
	assert_int_equal(merkle_root(got, NULL, 1), DT_EINVAL);
}

static void
test_roots(void **state)
{
	unsigned char leaves[8][HB], got[HB], want[HB];
	merkle_frontier f;
	char name[24], *v;
	uint64_t n;

	(void)state;
	load_leaves(leaves);
	merkle_frontier_init(&f);
	for (n = 1; n <= 8; n++) {
		snprintf(name, sizeof name, "root_%u", (unsigned int)n);
		v = need(RFC, name);
		hex32(want, v);
		free(v);
		assert_int_equal(merkle_root(got, leaves[0], n), 0);
		assert_memory_equal(got, want, HB);
		assert_int_equal(merkle_frontier_append(&f, leaves[n - 1]), 0);
		merkle_frontier_root(&f, got);
		assert_memory_equal(got, want, HB);
	}
}

static void
test_inclusion_vectors(void **state)
{
	unsigned char leaves[8][HB], root[HB], proof[MERKLE_PROOF_BYTES];
	char name[32];
	pcase c;
	size_t len;
	int k;

	(void)state;
	load_leaves(leaves);
	for (k = 0; k < 5; k++) {
		snprintf(name, sizeof name, "inclusion_%d", k);
		load_rfc_case(&c, name);
		assert_int_equal(merkle_root(root, leaves[0], c.b), 0);
		assert_int_equal(merkle_inclusion_proof(proof, &len, leaves[0],
		    c.b, c.a), 0);
		assert_int_equal(len, c.len);
		if (len > 0)
			assert_memory_equal(proof, c.proof, len * HB);
		break_inclusion(leaves[c.a], c.a, c.b, c.proof, c.len, root);
	}
}

static void
test_consistency_vectors(void **state)
{
	unsigned char leaves[8][HB], r1[HB], r2[HB];
	unsigned char proof[MERKLE_PROOF_BYTES];
	char name[32];
	pcase c;
	size_t len;
	int k;

	(void)state;
	load_leaves(leaves);
	for (k = 0; k < 5; k++) {
		snprintf(name, sizeof name, "consistency_%d", k);
		load_rfc_case(&c, name);
		assert_int_equal(merkle_root(r1, leaves[0], c.a), 0);
		assert_int_equal(merkle_root(r2, leaves[0], c.b), 0);
		assert_int_equal(merkle_consistency_proof(proof, &len,
		    leaves[0], c.a, c.b), 0);
		assert_int_equal(len, c.len);
		if (len > 0)
			assert_memory_equal(proof, c.proof, len * HB);
		break_consistency(c.a, c.b, r1, r2, c.proof, c.len);
	}
}

/* testdata.txt: the JSON cases, with their own roots and leaf hashes. */
static void
test_published_testdata(void **state)
{
	unsigned char leaves[8][HB], proof[MERKLE_PROOF_BYTES], h[HB];
	char name[32];
	pcase c;
	size_t len;
	int k, ok;

	(void)state;
	load_leaves(leaves);
	for (k = 0; k < 7; k++) {
		snprintf(name, sizeof name, "inclusion_%d", k);
		load_td_case(&c, name);
		/* h1 = root, h2 = leaf hash */
		ok = merkle_inclusion_verify(c.h2, c.a, c.b, c.proof, c.len,
		    c.h1) == 0;
		if (ok != c.want_ok)
			fail_msg("testdata %s: got %d, want %d", name, ok,
			    c.want_ok);
		if (!c.want_ok || c.b > 8 || k == 5)
			continue;
		/* the happy paths are trees of the 8 leaves: rebuild them */
		assert_memory_equal(c.h2, leaves[c.a], HB);
		assert_int_equal(merkle_root(h, leaves[0], c.b), 0);
		assert_memory_equal(h, c.h1, HB);
		assert_int_equal(merkle_inclusion_proof(proof, &len, leaves[0],
		    c.b, c.a), 0);
		assert_int_equal(len, c.len);
		if (len > 0)
			assert_memory_equal(proof, c.proof, len * HB);
		break_inclusion(c.h2, c.a, c.b, c.proof, c.len, c.h1);
	}
	/* single-entry: the leaf hash of "data" is its own root */
	merkle_leaf_hash(h, (const unsigned char *)"data", 4);
	load_td_case(&c, "inclusion_5");
	assert_memory_equal(h, c.h2, HB);

	for (k = 0; k < 6; k++) {
		snprintf(name, sizeof name, "consistency_%d", k);
		load_td_case(&c, name);
		/* h1 = root1, h2 = root2 */
		ok = merkle_consistency_verify(c.a, c.b, c.h1, c.h2, c.proof,
		    c.len) == 0;
		if (ok != c.want_ok)
			fail_msg("testdata %s: got %d, want %d", name, ok,
			    c.want_ok);
		if (!c.want_ok)
			continue;
		assert_int_equal(merkle_root(h, leaves[0], c.a), 0);
		assert_memory_equal(h, c.h1, HB);
		assert_int_equal(merkle_root(h, leaves[0], c.b), 0);
		assert_memory_equal(h, c.h2, HB);
		assert_int_equal(merkle_consistency_proof(proof, &len,
		    leaves[0], c.a, c.b), 0);
		assert_int_equal(len, c.len);
		if (len > 0)
			assert_memory_equal(proof, c.proof, len * HB);
		break_consistency(c.a, c.b, c.h1, c.h2, c.proof, c.len);
	}
}

/*
 * The edge cases of verify_test.go's TestVerifyInclusion and
 * TestVerifyConsistency and of proofgen's "additional" and "single-entry"
 * files, with 32-byte stand-ins where those use other lengths.
 */
static void
test_edge_cases(void **state)
{
	unsigned char r1[HB], r2[HB], empty[HB], leaf[HB], proof[HB];
	size_t len = 99;
	static const uint64_t bad[4][2] = { { 0, 0 }, { 0, 1 }, { 1, 0 },
		{ 2, 1 } };
	int i;

	(void)state;
	memset(r1, 0x11, HB);
	memset(r2, 0x22, HB);
	merkle_empty_root(empty);
	memcpy(proof, empty, HB);

	/* inclusion: {index, size} probes with an empty proof all fail */
	for (i = 0; i < 4; i++) {
		assert_int_not_equal(merkle_inclusion_verify(SOME_HASH,
		    bad[i][0], bad[i][1], NULL, 0, r1), 0);
		assert_int_not_equal(merkle_inclusion_verify(r1, bad[i][0],
		    bad[i][1], NULL, 0, empty), 0);
		assert_int_not_equal(merkle_inclusion_verify(SOME_HASH,
		    bad[i][0], bad[i][1], NULL, 0, empty), 0);
	}
	/* a 1-leaf tree: the leaf is the root */
	merkle_leaf_hash(leaf, (const unsigned char *)"data", 4);
	assert_int_equal(merkle_inclusion_verify(leaf, 0, 1, NULL, 0, leaf),
	    0);
	assert_int_equal(merkle_inclusion_verify(leaf, 0, 1, NULL, 0, r1),
	    DT_EHASH);
	assert_int_equal(merkle_inclusion_verify(leaf, 1, 1, NULL, 0, leaf),
	    DT_EINVAL);

	/* consistency */
	assert_int_equal(cons(0, 0, r1, r2, NULL, 0), DT_EHASH);
	assert_int_equal(cons(1, 1, r1, r2, NULL, 0), DT_EHASH);
	assert_int_equal(cons(0, 0, r1, r1, NULL, 0), 0);
	assert_int_equal(cons(1, 1, r2, r2, NULL, 0), 0);
	assert_int_equal(cons(0, 1, r1, r2, NULL, 0), DT_EINVAL);
	assert_int_equal(cons(0, 1, empty, r2, NULL, 0), DT_EINVAL);
	assert_int_equal(cons(0, 1, empty, empty, proof, 1), DT_EINVAL);
	assert_int_equal(cons(1, 0, r1, r2, NULL, 0), DT_EINVAL);
	assert_int_equal(cons(2, 1, r1, r2, NULL, 0), DT_EINVAL);
	assert_int_equal(cons(1, 2, r1, r2, NULL, 0), DT_EHASH);
	assert_int_equal(cons(0, 0, empty, r2, NULL, 0), DT_EHASH);
	assert_int_equal(cons(1, 1, empty, r2, NULL, 0), DT_EHASH);
	assert_int_equal(cons(0, 0, empty, empty, proof, 1), DT_EHASH);
	assert_int_equal(cons(1, 1, empty, empty, proof, 1), DT_EHASH);

	/* generation refuses what has no proof */
	assert_int_equal(merkle_inclusion_proof(proof, &len, r1, 1, 1),
	    DT_EINVAL);
	assert_int_equal(merkle_inclusion_proof(proof, &len, NULL, 1, 0),
	    DT_EINVAL);
	assert_int_equal(merkle_consistency_proof(proof, &len, r1, 0, 1),
	    DT_EINVAL);
	assert_int_equal(merkle_consistency_proof(proof, &len, r1, 2, 1),
	    DT_EINVAL);
	assert_int_equal(merkle_consistency_proof(proof, &len, NULL, 0, 0), 0);
	assert_int_equal(len, 0);
	assert_int_equal(merkle_consistency_proof(proof, &len, r1, 1, 1), 0);
	assert_int_equal(len, 0);

	/* more hashes than any proof has */
	{
		unsigned char big[(MERKLE_PROOF_MAX + 1) * HB];

		memset(big, 0, sizeof big);
		assert_int_equal(merkle_inclusion_verify(leaf, 0, UINT64_MAX,
		    big, MERKLE_PROOF_MAX + 1, r1), DT_EHASH);
		assert_int_equal(cons(3, UINT64_MAX, r1, r2, big,
		    MERKLE_PROOF_MAX + 1), DT_EHASH);
		assert_int_equal(cons(3, UINT64_MAX, r1, r2, big,
		    MERKLE_PROOF_MAX), DT_EHASH);
	}
}

/*
 * Trees too big to build: a proof made by hand along the left and the
 * right edge of a tree of 2^63 leaves, and a leaf in a tree of 2^64 - 1.
 */
static void
test_huge_trees(void **state)
{
	unsigned char proof[64 * HB], leaf[HB], root[HB];
	uint64_t n = (uint64_t)1 << 63;
	size_t i;

	(void)state;
	randombytes_buf(proof, sizeof proof);
	randombytes_buf(leaf, HB);
	memcpy(root, leaf, HB);
	for (i = 0; i < 63; i++)
		merkle_node_hash(root, root, proof + i * HB);
	assert_int_equal(merkle_inclusion_verify(leaf, 0, n, proof, 63, root),
	    0);
	assert_int_equal(merkle_inclusion_verify(leaf, 1, n, proof, 63, root),
	    DT_EHASH);
	assert_int_equal(merkle_inclusion_verify(leaf, 0, n + 1, proof, 63,
	    root), DT_EHASH);

	memcpy(root, leaf, HB);
	for (i = 0; i < 63; i++)
		merkle_node_hash(root, proof + i * HB, root);
	assert_int_equal(merkle_inclusion_verify(leaf, n - 1, n, proof, 63,
	    root), 0);

	/*
	 * The last leaf of 2^64 - 1: every level but the lowest has a left
	 * sibling, so the path is the 63 left subtrees, smallest first.
	 */
	memcpy(root, leaf, HB);
	for (i = 0; i < 63; i++)
		merkle_node_hash(root, proof + i * HB, root);
	assert_int_equal(merkle_inclusion_verify(leaf, UINT64_MAX - 1,
	    UINT64_MAX, proof, 63, root), 0);
	/* and the first leaf of it: 64 right siblings */
	memcpy(root, leaf, HB);
	for (i = 0; i < 64; i++)
		merkle_node_hash(root, root, proof + i * HB);
	assert_int_equal(merkle_inclusion_verify(leaf, 0, UINT64_MAX, proof,
	    64, root), 0);
	assert_int_equal(merkle_inclusion_verify(leaf, 0, UINT64_MAX, proof,
	    63, root), DT_EHASH);
}

/*
 * Every tree up to 200 random leaves: the root and the frontier against
 * the recursive definition, and every inclusion proof verifies (and fails
 * with one random bit flipped); up to 64 leaves, every inclusion proof and
 * every consistency proof (all m <= n) is also the one the recursive
 * definitions give.
 */
static void
test_random_crosscheck(void **state)
{
	enum { N = 200, C = 64 };
	unsigned char *leaves;
	unsigned char want[HB], got[HB], r1[HB], r2[HB];
	unsigned char proof[MERKLE_PROOF_BYTES], ref[MERKLE_PROOF_BYTES];
	merkle_frontier f;
	uint64_t n, i, m;
	size_t len, rlen;
	uint32_t bit;

	(void)state;
	leaves = malloc((size_t)N * HB);
	assert_non_null(leaves);
	randombytes_buf(leaves, (size_t)N * HB);
	merkle_frontier_init(&f);
	for (n = 0; n <= N; n++) {
		ref_mth(want, leaves, n);
		assert_int_equal(merkle_root(got, leaves, n), 0);
		assert_memory_equal(got, want, HB);
		merkle_frontier_root(&f, got);
		assert_memory_equal(got, want, HB);
		for (i = 0; i < n; i++) {
			assert_int_equal(merkle_inclusion_proof(proof, &len,
			    leaves, n, i), 0);
			if (n <= C) {
				rlen = 0;
				ref_path(ref, &rlen, i, leaves, n);
				assert_int_equal(len, rlen);
				if (len > 0)
					assert_memory_equal(proof, ref,
					    len * HB);
			}
			assert_int_equal(merkle_inclusion_verify(leaves +
			    i * HB, i, n, proof, len, want), 0);
			if (len == 0)
				continue;
			bit = randombytes_uniform((uint32_t)(len * HB * 8));
			proof[bit / 8] ^= (unsigned char)(1U << (bit % 8));
			assert_int_equal(merkle_inclusion_verify(leaves +
			    i * HB, i, n, proof, len, want), DT_EHASH);
		}
		if (n < N)
			assert_int_equal(merkle_frontier_append(&f,
			    leaves + n * HB), 0);
	}
	for (n = 1; n <= C; n++) {
		ref_mth(r2, leaves, n);
		for (m = 1; m <= n; m++) {
			ref_mth(r1, leaves, m);
			assert_int_equal(merkle_consistency_proof(proof, &len,
			    leaves, m, n), 0);
			rlen = 0;
			ref_subproof(ref, &rlen, m, leaves, n, 1);
			assert_int_equal(len, rlen);
			if (len > 0)
				assert_memory_equal(proof, ref, len * HB);
			assert_int_equal(cons(m, n, r1, r2, proof, len), 0);
			if (len == 0) {
				assert_int_equal(m, n);
				continue;
			}
			assert_int_not_equal(cons(m, n, r2, r1, proof, len),
			    0);
			assert_int_not_equal(cons(m - 1, n, r1, r2, proof,
			    len), 0);
			/*
			 * (Not n + 1: a proof from m to n can also be a
			 * good proof from m to a larger size, for the root
			 * that size would have if its last subtree's hash
			 * were what the proof says; e.g. [leaf 2] proves
			 * 2 -> 3, and 2 -> 4 for the root node(r1, leaf 2).)
			 */
			bit = randombytes_uniform((uint32_t)(len * HB * 8));
			proof[bit / 8] ^= (unsigned char)(1U << (bit % 8));
			assert_int_equal(cons(m, n, r1, r2, proof, len),
			    DT_EHASH);
		}
	}
	free(leaves);
}

static void
test_frontier(void **state)
{
	unsigned char leaf[HB], a[HB], b[HB], h[MERKLE_FRONTIER_MAX * HB];
	merkle_frontier f, g;
	unsigned int i;

	(void)state;
	merkle_frontier_init(&f);
	merkle_frontier_root(&f, a);
	merkle_empty_root(b);
	assert_memory_equal(a, b, HB);
	for (i = 0; i < 300; i++) {
		randombytes_buf(leaf, HB);
		assert_int_equal(merkle_frontier_append(&f, leaf), 0);
		assert_int_equal(f.size, i + 1);
		assert_int_equal(f.count, __builtin_popcountll(f.size));
		/* saved and restored, it goes on the same */
		memcpy(h, f.hash, (size_t)f.count * HB);
		assert_int_equal(merkle_frontier_set(&g, f.size, h, f.count),
		    0);
		merkle_frontier_root(&f, a);
		merkle_frontier_root(&g, b);
		assert_memory_equal(a, b, HB);
		assert_int_equal(merkle_frontier_append(&g, leaf), 0);
		assert_int_equal(g.size, f.size + 1);
	}
	assert_int_equal(merkle_frontier_set(&g, 5, h, 1), DT_EINVAL);
	assert_int_equal(merkle_frontier_set(&g, 5, h, 3), DT_EINVAL);
	assert_int_equal(merkle_frontier_set(&g, 5, NULL, 2), DT_EINVAL);
	assert_int_equal(merkle_frontier_set(&g, 0, NULL, 0), 0);
	/* the largest tree takes no more leaves */
	memset(h, 7, sizeof h);
	assert_int_equal(merkle_frontier_set(&g, UINT64_MAX, h, 64), 0);
	assert_int_equal(merkle_frontier_append(&g, leaf), DT_ERANGE);
	assert_int_equal(merkle_frontier_set(&g, UINT64_MAX - 1, h, 63), 0);
	assert_int_equal(merkle_frontier_append(&g, leaf), 0);
	assert_int_equal(g.count, 64);
}

/* --- printed proofs -------------------------------------------------------- */

/* inclusion_2 of rfc6962.txt, printed (docs/FORMAT.md has it too). */
static const char PRINTED_INCL[] =
    "detente inclusion proof v1\n"
    "origin example.com/log\n"
    "index 5\n"
    "size 8\n"
    "leaf 4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658\n"
    "root 5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328\n"
    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b\n"
    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0\n"
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7\n";

/* consistency_3 of rfc6962.txt, printed. */
static const char PRINTED_CONS[] =
    "detente consistency proof v1\n"
    "origin example.com/log\n"
    "old_size 2\n"
    "size 5\n"
    "old_root fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125\n"
    "root 4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4\n"
    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e\n"
    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b\n";

static void
test_printed_proofs(void **state)
{
	unsigned char leaves[8][HB];
	char out[MERKLE_PROOF_TEXT_MAX];
	merkle_proof p, q;
	size_t len;

	(void)state;
	load_leaves(leaves);

	memset(&p, 0, sizeof p);
	p.kind = MERKLE_INCLUSION;
	strcpy(p.origin, "example.com/log");
	p.index = 5;
	p.size = 8;
	memcpy(p.leaf, leaves[5], HB);
	assert_int_equal(merkle_root(p.root, leaves[0], 8), 0);
	assert_int_equal(merkle_inclusion_proof(p.path, &p.len, leaves[0], 8,
	    5), 0);
	assert_int_equal(merkle_proof_format(out, sizeof out, &p), 0);
	assert_string_equal(out, PRINTED_INCL);
	assert_int_equal(merkle_proof_parse(&q, out, strlen(out)), 0);
	assert_int_equal(memcmp(&p, &q, sizeof p), 0);
	assert_int_equal(merkle_proof_check(&q), 0);
	q.path[7] ^= 1;
	assert_int_equal(merkle_proof_check(&q), DT_EHASH);
	/* exactly the room it needs */
	len = strlen(PRINTED_INCL);
	assert_int_equal(merkle_proof_format(out, len + 1, &p), 0);
	assert_int_equal(merkle_proof_format(out, len, &p), DT_ERANGE);
	assert_string_equal(out, "");

	memset(&p, 0, sizeof p);
	p.kind = MERKLE_CONSISTENCY;
	strcpy(p.origin, "example.com/log");
	p.old_size = 2;
	p.size = 5;
	assert_int_equal(merkle_root(p.old_root, leaves[0], 2), 0);
	assert_int_equal(merkle_root(p.root, leaves[0], 5), 0);
	assert_int_equal(merkle_consistency_proof(p.path, &p.len, leaves[0],
	    2, 5), 0);
	assert_int_equal(merkle_proof_format(out, sizeof out, &p), 0);
	assert_string_equal(out, PRINTED_CONS);
	assert_int_equal(merkle_proof_parse(&q, out, strlen(out)), 0);
	assert_int_equal(memcmp(&p, &q, sizeof p), 0);
	assert_int_equal(merkle_proof_check(&q), 0);
	q.old_size = 3;
	assert_int_equal(merkle_proof_check(&q), DT_EHASH);

	/* the longest proof fits MERKLE_PROOF_TEXT_MAX */
	memset(p.origin, 'o', MERKLE_ORIGIN_MAX);
	p.origin[MERKLE_ORIGIN_MAX] = '\0';
	p.old_size = UINT64_MAX - 1;
	p.size = UINT64_MAX;
	p.len = MERKLE_PROOF_MAX;
	assert_int_equal(merkle_proof_format(out, sizeof out, &p), 0);
	assert_int_equal(merkle_proof_parse(&q, out, strlen(out)), 0);
	assert_int_equal(memcmp(&p, &q, sizeof p), 0);
	p.len = MERKLE_PROOF_MAX + 1;
	assert_int_equal(merkle_proof_format(out, sizeof out, &p), DT_EINVAL);
	p.len = 0;
	p.origin[3] = ' ';
	assert_int_equal(merkle_proof_format(out, sizeof out, &p), DT_EINVAL);
	p.origin[0] = '\0';
	assert_int_equal(merkle_proof_format(out, sizeof out, &p), DT_EINVAL);
	p.kind = 3;
	strcpy(p.origin, "o");
	assert_int_equal(merkle_proof_format(out, sizeof out, &p), DT_EINVAL);
}

/* Each a small change of PRINTED_INCL or PRINTED_CONS: each must fail. */
static void
test_printed_rejects(void **state)
{
	static const struct {
		const char *from, *to;
	} edits[] = {
		{ "detente inclusion proof v1", "detente inclusion proof v2" },
		{ "detente inclusion proof v1\n", "Detente inclusion proof v1\n" },
		{ "origin example.com/log", "origin example.com log" },
		{ "origin example.com/log", "origin " },
		{ "origin example.com/log", "origin  example.com/log" },
		{ "origin example.com/log", "origin\texample.com/log" },
		{ "index 5", "index 05" },
		{ "index 5", "index +5" },
		{ "index 5", "index 5 " },
		{ "index 5", "index" },
		{ "size 8", "size 18446744073709551616" },
		{ "size 8", "size 0x8" },
		{ "size 8\n", "size 8\r\n" },
		{ "index 5\nsize 8", "size 8\nindex 5" },
		{ "leaf 4271", "leaf 4A71" },
		{ "leaf 4271", "leaf 271" },
		{ "leaf 4271", "Leaf 4271" },
		{ "root 5dc9", "root  5dc9" },
		{ "bc1a0643", "bc1a064" },
		{ "bc1a0643", "bc1a0643 " },
		{ "bc1a0643", "\nbc1a0643" },
		{ "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7\n",
		  "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7" },
		{ "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7\n",
		  "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7\n\n" },
		{ "old_size 2", "old_size 2\nold_size 2" },
		{ "old_root fac5", "root fac5" },
		{ "detente consistency proof v1\n", "detente inclusion proof v1\n" },
	};
	char buf[MERKLE_PROOF_TEXT_MAX];
	const char *at;
	merkle_proof p;
	size_t i, k, len, root_end;

	(void)state;
	assert_int_equal(merkle_proof_parse(&p, PRINTED_INCL,
	    strlen(PRINTED_INCL)), 0);
	assert_int_equal(merkle_proof_parse(&p, PRINTED_CONS,
	    strlen(PRINTED_CONS)), 0);
	for (i = 0; i < sizeof edits / sizeof edits[0]; i++) {
		const char *src = strstr(PRINTED_INCL, edits[i].from) ?
		    PRINTED_INCL : PRINTED_CONS;
		size_t fl = strlen(edits[i].from);

		at = strstr(src, edits[i].from);
		assert_non_null(at);
		k = (size_t)(at - src);
		snprintf(buf, sizeof buf, "%.*s%s%s", (int)k, src,
		    edits[i].to, at + fl);
		if (merkle_proof_parse(&p, buf, strlen(buf)) != DT_EFORMAT)
			fail_msg("edit %zu accepted:\n%s", i, buf);
		assert_int_equal(p.kind, 0);
	}
	/*
	 * Truncated anywhere: only a cut right after a line from the root
	 * line on still has the form of a proof (with fewer hashes).
	 */
	len = strlen(PRINTED_INCL);
	at = strstr(PRINTED_INCL, "\nroot ") + 1;
	root_end = (size_t)(strchr(at, '\n') + 1 - PRINTED_INCL);
	for (k = 0; k < len; k++) {
		int want = k >= root_end && PRINTED_INCL[k - 1] == '\n';

		assert_int_equal(merkle_proof_parse(&p, PRINTED_INCL, k),
		    want ? 0 : DT_EFORMAT);
	}
	/* an embedded NUL */
	memcpy(buf, PRINTED_INCL, sizeof PRINTED_INCL);
	buf[30] = '\0';
	assert_int_equal(merkle_proof_parse(&p, buf, strlen(PRINTED_INCL)),
	    DT_EFORMAT);
	/* 65 hashes, then 66 */
	strcpy(buf, PRINTED_CONS);
	for (k = 2; k < MERKLE_PROOF_MAX; k++)
		strcat(buf, "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e\n");
	assert_int_equal(merkle_proof_parse(&p, buf, strlen(buf)), 0);
	assert_int_equal(p.len, MERKLE_PROOF_MAX);
	strcat(buf, "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e\n");
	assert_int_equal(merkle_proof_parse(&p, buf, strlen(buf)), DT_EFORMAT);
	assert_int_equal(merkle_proof_parse(&p, NULL, 0), DT_EFORMAT);
	assert_int_equal(merkle_proof_parse(&p, "", 0), DT_EFORMAT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hasher),
		cmocka_unit_test(test_roots),
		cmocka_unit_test(test_inclusion_vectors),
		cmocka_unit_test(test_consistency_vectors),
		cmocka_unit_test(test_published_testdata),
		cmocka_unit_test(test_edge_cases),
		cmocka_unit_test(test_huge_trees),
		cmocka_unit_test(test_random_crosscheck),
		cmocka_unit_test(test_frontier),
		cmocka_unit_test(test_printed_proofs),
		cmocka_unit_test(test_printed_rejects),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
