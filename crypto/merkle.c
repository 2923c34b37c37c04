/*
 * merkle.c: RFC 6962 Merkle tree hashes, inclusion and consistency proofs,
 * and the frontier that keeps a growing tree's root.
 *
 * Proof generation follows the recursive definitions of RFC 6962 section
 * 2.1 (written as loops: a tree of 2^64 - 1 leaves is 64 levels deep);
 * verification follows the algorithms of RFC 9162 sections 2.1.3.2 and
 * 2.1.4.2, which need neither recursion nor the leaves.  Everything is
 * public data, so plain memcmp() is used.
 */
#include <stdint.h>
#include <string.h>

#include <sodium.h>

#include "err.h"
#include "merkle.h"

#define HB MERKLE_HASH_BYTES

void
merkle_leaf_hash(unsigned char out[HB], const unsigned char *data, size_t len)
{
	crypto_hash_sha256_state st;
	const unsigned char prefix = 0x00;

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, &prefix, 1);
	if (len > 0)
		crypto_hash_sha256_update(&st, data, len);
	crypto_hash_sha256_final(&st, out);
}

void
merkle_node_hash(unsigned char out[HB], const unsigned char left[HB],
    const unsigned char right[HB])
{
	unsigned char buf[1 + 2 * HB];

	/* copy first: out may be left or right */
	buf[0] = 0x01;
	memcpy(buf + 1, left, HB);
	memcpy(buf + 1 + HB, right, HB);
	crypto_hash_sha256(out, buf, sizeof buf);
}

void
merkle_empty_root(unsigned char out[HB])
{
	crypto_hash_sha256(out, (const unsigned char *)"", 0);
}

/* --- frontier --------------------------------------------------------- */

void
merkle_frontier_init(merkle_frontier *f)
{
	memset(f, 0, sizeof *f);
}

static unsigned int
popcount64(uint64_t v)
{
	unsigned int c = 0;

	for (; v != 0; v &= v - 1)
		c++;
	return c;
}

int
merkle_frontier_set(merkle_frontier *f, uint64_t size,
    const unsigned char *hashes, unsigned int count)
{
	if (count != popcount64(size) || (count > 0 && hashes == NULL))
		return DT_EINVAL;
	merkle_frontier_init(f);
	f->size = size;
	f->count = count;
	if (count > 0)
		memcpy(f->hash, hashes, (size_t)count * HB);
	return 0;
}

/*
 * merkle_frontier_append() - the new leaf is a subtree of size 1; while the
 * subtree to its left has the same size (the low bits of size are 1), the
 * two merge into one of twice the size.
 */
int
merkle_frontier_append(merkle_frontier *f, const unsigned char leaf[HB])
{
	unsigned char h[HB];
	uint64_t s;

	if (f->size == UINT64_MAX)
		return DT_ERANGE;
	memcpy(h, leaf, HB);
	for (s = f->size; s & 1; s >>= 1)
		merkle_node_hash(h, f->hash[--f->count], h);
	memcpy(f->hash[f->count++], h, HB);
	f->size++;
	return 0;
}

/*
 * merkle_frontier_root() - MTH splits at the largest power of two below n,
 * which is the leftmost perfect subtree; so the root is the right fold of
 * the frontier.
 */
void
merkle_frontier_root(const merkle_frontier *f, unsigned char out[HB])
{
	unsigned char h[HB];
	unsigned int i;

	if (f->count == 0) {
		merkle_empty_root(out);
		return;
	}
	memcpy(h, f->hash[f->count - 1], HB);
	for (i = f->count - 1; i > 0; i--)
		merkle_node_hash(h, f->hash[i - 1], h);
	memcpy(out, h, HB);
}

/* --- tree hash and proofs --------------------------------------------- */

/* MTH of n leaves (n * HB bytes at leaves), in O(n) with no recursion. */
static void
subtree_hash(unsigned char out[HB], const unsigned char *leaves, uint64_t n)
{
	merkle_frontier f;
	uint64_t i;

	merkle_frontier_init(&f);
	for (i = 0; i < n; i++)
		(void)merkle_frontier_append(&f, leaves + i * HB);
	merkle_frontier_root(&f, out);
}

/* The largest power of two strictly less than n (n >= 2). */
static uint64_t
split_point(uint64_t n)
{
	uint64_t k = 1;

	while (k < n - k)
		k <<= 1;
	return k;
}

/* Can n leaf hashes be addressed in memory at all? */
static int
leaves_fit(const unsigned char *leaves, uint64_t n)
{
	return n == 0 || (leaves != NULL && n <= SIZE_MAX / HB);
}

int
merkle_root(unsigned char out[HB], const unsigned char *leaves, uint64_t n)
{
	if (!leaves_fit(leaves, n))
		return DT_EINVAL;
	subtree_hash(out, leaves, n);
	return 0;
}

/*
 * merkle_inclusion_proof() - RFC 6962 2.1.1, top down: at each level the
 * hash of the subtree the leaf is not in is the last element still to
 * come, so the siblings are collected top down and written out reversed.
 */
int
merkle_inclusion_proof(unsigned char *proof, size_t *len,
    const unsigned char *leaves, uint64_t n, uint64_t index)
{
	unsigned char sib[MERKLE_FRONTIER_MAX][HB];
	uint64_t lo = 0, k, m = index;
	size_t c = 0, i;

	if (proof == NULL || len == NULL || !leaves_fit(leaves, n) ||
	    index >= n)
		return DT_EINVAL;
	while (n > 1) {
		k = split_point(n);
		if (m < k) {
			subtree_hash(sib[c++], leaves + (lo + k) * HB, n - k);
			n = k;
		} else {
			subtree_hash(sib[c++], leaves + lo * HB, k);
			lo += k;
			m -= k;
			n -= k;
		}
	}
	for (i = 0; i < c; i++)
		memcpy(proof + i * HB, sib[c - 1 - i], HB);
	*len = c;
	return 0;
}

/*
 * merkle_consistency_proof() - RFC 6962 2.1.2's SUBPROOF(m, D[n], b), top
 * down: it ends at a subtree whose first m leaves are the whole of it; that
 * subtree's hash is part of the proof unless it is the old tree itself
 * (b still true), which the verifier already knows.
 */
int
merkle_consistency_proof(unsigned char *proof, size_t *len,
    const unsigned char *leaves, uint64_t old_size, uint64_t new_size)
{
	unsigned char sib[MERKLE_FRONTIER_MAX][HB];
	uint64_t lo = 0, n = new_size, m = old_size, k;
	size_t c = 0, o = 0, i;
	int whole = 1;

	if (proof == NULL || len == NULL || !leaves_fit(leaves, new_size) ||
	    old_size > new_size || (old_size == 0 && new_size > 0))
		return DT_EINVAL;
	while (m != n) {
		k = split_point(n);
		if (m <= k) {
			subtree_hash(sib[c++], leaves + (lo + k) * HB, n - k);
			n = k;
		} else {
			subtree_hash(sib[c++], leaves + lo * HB, k);
			lo += k;
			m -= k;
			n -= k;
			whole = 0;
		}
	}
	if (!whole)
		subtree_hash(proof + HB * o++, leaves + lo * HB, m);
	for (i = 0; i < c; i++)
		memcpy(proof + HB * o++, sib[c - 1 - i], HB);
	*len = o;
	return 0;
}

/* --- verification (RFC 9162) ------------------------------------------ */

int
merkle_inclusion_verify(const unsigned char leaf[HB], uint64_t index,
    uint64_t size, const unsigned char *proof, size_t len,
    const unsigned char root[HB])
{
	unsigned char r[HB];
	uint64_t fn, sn;
	size_t i;

	if (leaf == NULL || root == NULL || (len > 0 && proof == NULL))
		return DT_EINVAL;
	if (index >= size)
		return DT_EINVAL;
	if (len > MERKLE_PROOF_MAX)
		return DT_EHASH;
	fn = index;
	sn = size - 1;
	memcpy(r, leaf, HB);
	for (i = 0; i < len; i++) {
		const unsigned char *p = proof + i * HB;

		if (sn == 0)
			return DT_EHASH;
		if ((fn & 1) || fn == sn) {
			merkle_node_hash(r, p, r);
			if (!(fn & 1))
				while (fn != 0 && !(fn & 1)) {
					fn >>= 1;
					sn >>= 1;
				}
		} else {
			merkle_node_hash(r, r, p);
		}
		fn >>= 1;
		sn >>= 1;
	}
	if (sn != 0 || memcmp(r, root, HB) != 0)
		return DT_EHASH;
	return 0;
}

/*
 * merkle_consistency_verify() - RFC 9162 2.1.4.2.  When old_size is a power
 * of two the old root is itself a node of the new tree, and the algorithm
 * puts it in front of the proof; element() does that without a copy.
 */
static const unsigned char *
element(const unsigned char *proof, const unsigned char *old_root, int prepend,
    size_t i)
{
	if (prepend)
		return i == 0 ? old_root : proof + (i - 1) * HB;
	return proof + i * HB;
}

int
merkle_consistency_verify(uint64_t old_size, uint64_t new_size,
    const unsigned char old_root[HB], const unsigned char new_root[HB],
    const unsigned char *proof, size_t len)
{
	unsigned char fr[HB], sr[HB];
	uint64_t fn, sn;
	size_t i, total;
	int prepend;

	if (old_root == NULL || new_root == NULL || (len > 0 && proof == NULL))
		return DT_EINVAL;
	if (old_size > new_size)
		return DT_EINVAL;
	if (old_size == new_size) {
		if (len != 0 || memcmp(old_root, new_root, HB) != 0)
			return DT_EHASH;
		return 0;
	}
	if (old_size == 0)
		return DT_EINVAL;
	if (len == 0 || len > MERKLE_PROOF_MAX)
		return DT_EHASH;

	prepend = (old_size & (old_size - 1)) == 0;
	total = len + (size_t)prepend;
	fn = old_size - 1;
	sn = new_size - 1;
	while (fn & 1) {
		fn >>= 1;
		sn >>= 1;
	}
	memcpy(fr, element(proof, old_root, prepend, 0), HB);
	memcpy(sr, fr, HB);
	for (i = 1; i < total; i++) {
		const unsigned char *c = element(proof, old_root, prepend, i);

		if (sn == 0)
			return DT_EHASH;
		if ((fn & 1) || fn == sn) {
			merkle_node_hash(fr, c, fr);
			merkle_node_hash(sr, c, sr);
			if (!(fn & 1))
				while (fn != 0 && !(fn & 1)) {
					fn >>= 1;
					sn >>= 1;
				}
		} else {
			merkle_node_hash(sr, sr, c);
		}
		fn >>= 1;
		sn >>= 1;
	}
	if (sn != 0 || memcmp(fr, old_root, HB) != 0 ||
	    memcmp(sr, new_root, HB) != 0)
		return DT_EHASH;
	return 0;
}

/* --- printed proofs ---------------------------------------------------- */

#define INCL_HEADER "detente inclusion proof v1"
#define CONS_HEADER "detente consistency proof v1"

/* An origin: 1 to MERKLE_ORIGIN_MAX bytes, no space, control or DEL. */
static int
origin_valid(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > MERKLE_ORIGIN_MAX)
		return 0;
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] <= 0x20 || s[i] == 0x7f)
			return 0;
	return 1;
}

/* A small appender that remembers running out of room. */
typedef struct outbuf {
	char *p;
	size_t cap, len;
	int full;
} outbuf;

static void
put(outbuf *o, const char *s, size_t n)
{
	if (o->full || n >= o->cap - o->len) {
		o->full = 1;
		return;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
	o->p[o->len] = '\0';
}

static void
put_str(outbuf *o, const char *s)
{
	put(o, s, strlen(s));
}

static void
put_u64(outbuf *o, const char *key, uint64_t v)
{
	char d[21];
	size_t i = sizeof d;

	do {
		d[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	put_str(o, key);
	put(o, d + i, sizeof d - i);
	put(o, "\n", 1);
}

static void
put_hash(outbuf *o, const char *key, const unsigned char h[HB])
{
	char hex[2 * HB + 1];

	sodium_bin2hex(hex, sizeof hex, h, HB);
	put_str(o, key);
	put(o, hex, 2 * HB);
	put(o, "\n", 1);
}

int
merkle_proof_format(char *out, size_t outlen, const merkle_proof *p)
{
	outbuf o = { out, outlen, 0, 0 };
	size_t i, olen;

	if (p == NULL || out == NULL)
		return DT_EINVAL;
	olen = strnlen(p->origin, sizeof p->origin);
	if ((p->kind != MERKLE_INCLUSION && p->kind != MERKLE_CONSISTENCY) ||
	    !origin_valid(p->origin, olen) || p->len > MERKLE_PROOF_MAX)
		return DT_EINVAL;
	if (outlen == 0)
		return DT_ERANGE;
	out[0] = '\0';
	if (p->kind == MERKLE_INCLUSION) {
		put_str(&o, INCL_HEADER "\norigin ");
		put(&o, p->origin, olen);
		put(&o, "\n", 1);
		put_u64(&o, "index ", p->index);
		put_u64(&o, "size ", p->size);
		put_hash(&o, "leaf ", p->leaf);
		put_hash(&o, "root ", p->root);
	} else {
		put_str(&o, CONS_HEADER "\norigin ");
		put(&o, p->origin, olen);
		put(&o, "\n", 1);
		put_u64(&o, "old_size ", p->old_size);
		put_u64(&o, "size ", p->size);
		put_hash(&o, "old_root ", p->old_root);
		put_hash(&o, "root ", p->root);
	}
	for (i = 0; i < p->len; i++)
		put_hash(&o, "", p->path + i * HB);
	if (o.full) {
		out[0] = '\0';
		return DT_ERANGE;
	}
	return 0;
}

/* A reader of '\n'-terminated lines. */
typedef struct lines {
	const char *p, *end;
} lines;

/* The next line, without its '\n'; 0 at the end or for an unterminated one. */
static int
next_line(lines *r, const char **line, size_t *len)
{
	const char *nl;

	if (r->p == r->end ||
	    (nl = memchr(r->p, '\n', (size_t)(r->end - r->p))) == NULL)
		return 0;
	*line = r->p;
	*len = (size_t)(nl - r->p);
	r->p = nl + 1;
	return 1;
}

/* Decimal, no sign, no leading zero (but "0"), no overflow. */
static int
parse_u64(uint64_t *v, const char *s, size_t len)
{
	uint64_t x = 0;
	size_t i;

	if (len == 0 || len > 20 || (len > 1 && s[0] == '0'))
		return DT_EFORMAT;
	for (i = 0; i < len; i++) {
		unsigned int d;

		if (s[i] < '0' || s[i] > '9')
			return DT_EFORMAT;
		d = (unsigned int)(s[i] - '0');
		if (x > (UINT64_MAX - d) / 10)
			return DT_EFORMAT;
		x = x * 10 + d;
	}
	*v = x;
	return 0;
}

/* Exactly 64 lower-case hex digits. */
static int
parse_hash(unsigned char h[HB], const char *s, size_t len)
{
	size_t i;

	if (len != 2 * HB)
		return DT_EFORMAT;
	for (i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
			(s[i] >= 'a' && s[i] <= 'f')))
			return DT_EFORMAT;
	if (sodium_hex2bin(h, HB, s, len, NULL, NULL, NULL) != 0)
		return DT_EFORMAT;
	return 0;
}

/* "key value": the value of a line that starts with key and a space. */
static int
field(const char **val, size_t *vlen, const char *line, size_t len,
    const char *key)
{
	size_t k = strlen(key);

	if (len <= k || memcmp(line, key, k) != 0 || line[k] != ' ')
		return DT_EFORMAT;
	*val = line + k + 1;
	*vlen = len - k - 1;
	return 0;
}

static int
line_u64(lines *r, const char *key, uint64_t *v)
{
	const char *l, *val;
	size_t len, vlen;

	if (!next_line(r, &l, &len) || field(&val, &vlen, l, len, key) != 0)
		return DT_EFORMAT;
	return parse_u64(v, val, vlen);
}

static int
line_hash(lines *r, const char *key, unsigned char h[HB])
{
	const char *l, *val;
	size_t len, vlen;

	if (!next_line(r, &l, &len) || field(&val, &vlen, l, len, key) != 0)
		return DT_EFORMAT;
	return parse_hash(h, val, vlen);
}

int
merkle_proof_parse(merkle_proof *p, const char *text, size_t len)
{
	lines r;
	const char *l, *val;
	size_t llen, vlen;
	int ret = DT_EFORMAT;

	if (p == NULL || text == NULL)
		return DT_EFORMAT;
	memset(p, 0, sizeof *p);
	r.p = text;
	r.end = text + len;
	if (!next_line(&r, &l, &llen))
		goto out;
	if (llen == sizeof INCL_HEADER - 1 && memcmp(l, INCL_HEADER, llen) == 0)
		p->kind = MERKLE_INCLUSION;
	else if (llen == sizeof CONS_HEADER - 1 &&
	    memcmp(l, CONS_HEADER, llen) == 0)
		p->kind = MERKLE_CONSISTENCY;
	else
		goto out;
	if (!next_line(&r, &l, &llen) ||
	    field(&val, &vlen, l, llen, "origin") != 0 ||
	    !origin_valid(val, vlen))
		goto out;
	memcpy(p->origin, val, vlen);
	p->origin[vlen] = '\0';
	if (p->kind == MERKLE_INCLUSION) {
		if (line_u64(&r, "index", &p->index) != 0 ||
		    line_u64(&r, "size", &p->size) != 0 ||
		    line_hash(&r, "leaf", p->leaf) != 0 ||
		    line_hash(&r, "root", p->root) != 0)
			goto out;
	} else {
		if (line_u64(&r, "old_size", &p->old_size) != 0 ||
		    line_u64(&r, "size", &p->size) != 0 ||
		    line_hash(&r, "old_root", p->old_root) != 0 ||
		    line_hash(&r, "root", p->root) != 0)
			goto out;
	}
	while (next_line(&r, &l, &llen)) {
		if (p->len == MERKLE_PROOF_MAX ||
		    parse_hash(p->path + p->len * HB, l, llen) != 0)
			goto out;
		p->len++;
	}
	if (r.p != r.end) /* an unterminated last line */
		goto out;
	ret = 0;
out:
	if (ret != 0)
		memset(p, 0, sizeof *p);
	return ret;
}

int
merkle_proof_check(const merkle_proof *p)
{
	if (p == NULL || p->len > MERKLE_PROOF_MAX)
		return DT_EINVAL;
	if (p->kind == MERKLE_INCLUSION)
		return merkle_inclusion_verify(p->leaf, p->index, p->size,
		    p->path, p->len, p->root);
	if (p->kind == MERKLE_CONSISTENCY)
		return merkle_consistency_verify(p->old_size, p->size,
		    p->old_root, p->root, p->path, p->len);
	return DT_EINVAL;
}
