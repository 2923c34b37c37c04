/*
 * roots.c: feeds' Merkle roots at any size, from a frontier per feed and
 * snapshots of it every ROOTS_SNAP entries (see roots.h).
 */
#include <stdlib.h>
#include <string.h>

#include "../crypto/err.h"
#include "entry.h"
#include "roots.h"

/* A private "stop the walk" result, never returned to callers. */
#define WALK_DONE 1

/* One feed: its frontier so far, and the snapshots below it. */
struct feed {
	unsigned char author[KEY_PK_BYTES];
	merkle_frontier fr;   /* the feed's first fr.size leaves */
	/*
	 * Snapshot k is the frontier at size k * ROOTS_SNAP: its
	 * popcount(k) hashes start at hash number off[k] of snap.
	 */
	unsigned char *snap;
	size_t *off;
	size_t nsnap;         /* snapshots 0 .. nsnap - 1 */
	size_t used, cap;     /* hashes in snap, and room */
	size_t offcap;        /* room in off */
};

struct roots {
	struct feed *f;       /* by author */
	size_t n, cap;
};

/*
 * room() - room for one more snapshot of fd, which will hold count
 * hashes.  0 or DT_ENOMEM (fd unchanged).
 */
static int
room(struct feed *fd, unsigned count)
{
	unsigned char *ns;
	size_t *no, cap;

	if (fd->nsnap == fd->offcap) {
		cap = fd->offcap ? 2 * fd->offcap : 16;
		if ((no = realloc(fd->off, cap * sizeof *no)) == NULL)
			return DT_ENOMEM;
		fd->off = no;
		fd->offcap = cap;
	}
	if (fd->used + count > fd->cap) {
		cap = fd->cap ? 2 * fd->cap : 64;
		while (cap < fd->used + count)
			cap *= 2;
		if ((ns = realloc(fd->snap, cap * MERKLE_HASH_BYTES)) == NULL)
			return DT_ENOMEM;
		fd->snap = ns;
		fd->cap = cap;
	}
	return 0;
}

/* snap_add() - fr (at a multiple of ROOTS_SNAP) as fd's next snapshot. */
static int
snap_add(struct feed *fd, const merkle_frontier *fr)
{
	int rc;

	if ((rc = room(fd, fr->count)) != 0)
		return rc;
	fd->off[fd->nsnap++] = fd->used;
	memcpy(fd->snap + fd->used * MERKLE_HASH_BYTES, fr->hash,
	    (size_t)fr->count * MERKLE_HASH_BYTES);
	fd->used += fr->count;
	return 0;
}

/*
 * append() - add the next leaf to fd's frontier, and a snapshot when it
 * reaches a multiple of ROOTS_SNAP.  On DT_ENOMEM nothing is added.
 */
static int
append(struct feed *fd, const unsigned char leaf[MERKLE_HASH_BYTES])
{
	merkle_frontier next = fd->fr;
	int rc;

	if ((rc = merkle_frontier_append(&next, leaf)) != 0)
		return rc;
	if (next.size % ROOTS_SNAP == 0 && (rc = snap_add(fd, &next)) != 0)
		return rc;
	fd->fr = next;
	return 0;
}

/* find() - author's feed, or NULL; with add, made (empty) if need be. */
static struct feed *
find(roots *c, const unsigned char author[KEY_PK_BYTES], int add)
{
	struct feed *nf;
	size_t lo = 0, hi = c->n, mid;
	int cmp;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((cmp = memcmp(c->f[mid].author, author,
		    KEY_PK_BYTES)) == 0)
			return &c->f[mid];
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!add)
		return NULL;
	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 8;

		if ((nf = realloc(c->f, cap * sizeof *nf)) == NULL)
			return NULL;
		c->f = nf;
		c->cap = cap;
	}
	memmove(&c->f[lo + 1], &c->f[lo], (c->n - lo) * sizeof *c->f);
	c->n++;
	nf = &c->f[lo];
	memset(nf, 0, sizeof *nf);
	memcpy(nf->author, author, KEY_PK_BYTES);
	merkle_frontier_init(&nf->fr);
	/* Snapshot 0: the empty tree, no hashes. */
	if (room(nf, 0) != 0) {
		memmove(&c->f[lo], &c->f[lo + 1], (c->n - lo - 1) *
		    sizeof *c->f);
		c->n--;
		return NULL;
	}
	nf->off[nf->nsnap++] = 0;
	return nf;
}

/* What a walk reads into: fd's own frontier, or a scratch one. */
struct walk {
	struct feed *fd;      /* grow fd (snapshots too), or */
	merkle_frontier *fr;  /* only this */
	uint64_t want;
	int by_prev;          /* leaf j from entry j + 1's prev field */
};

static int
walk_cb(void *ctx, const unsigned char key[STORE_KEY_BYTES],
    const unsigned char *bytes, size_t len,
    const unsigned char hash[ENTRY_HASH_BYTES])
{
	struct walk *w = ctx;
	merkle_frontier *fr = w->fd != NULL ? &w->fd->fr : w->fr;
	int rc;

	if (w->by_prev) {
		entry e;

		/* Entry fr->size + 1 names the leaf hash of fr->size. */
		if (store_get_be64(key + KEY_PK_BYTES) != fr->size + 1)
			return DT_ECORRUPT;
		if (entry_parse(&e, bytes, len) != 0 || e.prev == NULL)
			return DT_ECORRUPT;
		hash = e.prev;
	} else if (store_get_be64(key + KEY_PK_BYTES) != fr->size)
		return DT_ECORRUPT;
	if ((rc = w->fd != NULL ? append(w->fd, hash) :
	    merkle_frontier_append(fr, hash)) != 0)
		return rc;
	return fr->size == w->want ? WALK_DONE : 0;
}

/* scan() - one scan of author's feed into w, from fr's size to w->want. */
static int
scan(struct walk *w, store_txn *t, const unsigned char author[KEY_PK_BYTES],
    merkle_frontier *fr)
{
	int rc;

	rc = w->by_prev ? store_scan_feed_raw(t, author, fr->size + 1,
	    walk_cb, w) : store_scan_entries(t, author, fr->size, 1, walk_cb,
	    w);
	if (rc == WALK_DONE)
		return 0;
	if (rc != 0)
		return rc;
	return fr->size < w->want ? DT_ENOENT : 0;
}

/*
 * walk() - read author's entries from fr's size up to w->want.  With
 * w->by_prev, the leaves but the last come from the next entries' prev
 * fields (no hashing), and the last, whose successor may not be stored,
 * from hashing its entry.
 */
static int
walk(struct walk *w, store_txn *t, const unsigned char author[KEY_PK_BYTES])
{
	merkle_frontier *fr = w->fd != NULL ? &w->fd->fr : w->fr;
	uint64_t want = w->want;
	int rc, by_prev = w->by_prev;

	if (fr->size >= want)
		return 0;
	if (by_prev && want - fr->size > 1) {
		w->want = want - 1;
		rc = scan(w, t, author, fr);
		w->want = want;
		if (rc != 0)
			return rc;
	}
	w->by_prev = 0;
	rc = scan(w, t, author, fr);
	w->by_prev = by_prev;
	return rc;
}

int
roots_at(roots **c, store_txn *t, const unsigned char author[KEY_PK_BYTES],
    uint64_t size, unsigned flags, unsigned char root[MERKLE_HASH_BYTES])
{
	struct feed *fd;
	struct walk w;
	merkle_frontier fr;
	uint64_t k;
	int rc;

	if (*c == NULL && (*c = calloc(1, sizeof **c)) == NULL)
		return DT_ENOMEM;
	if ((fd = find(*c, author, 1)) == NULL)
		return DT_ENOMEM;
	memset(&w, 0, sizeof w);
	w.want = size;
	w.by_prev = (flags & ROOTS_CHAIN_CHECKED) != 0;
	if (size >= fd->fr.size) {
		/* Beyond what is cached: read on, and keep it. */
		w.fd = fd;
		if ((rc = walk(&w, t, author)) != 0)
			return rc;
		merkle_frontier_root(&fd->fr, root);
		return 0;
	}
	/* Below: from the snapshot under size, at most ROOTS_SNAP - 1 reads. */
	k = size / ROOTS_SNAP;
	/* Snapshot 0, the empty tree, has no hashes: snap may be NULL. */
	if ((rc = merkle_frontier_set(&fr, k * ROOTS_SNAP, fd->snap == NULL ?
	    NULL : fd->snap + fd->off[k] * MERKLE_HASH_BYTES,
	    (unsigned)(k == fd->nsnap - 1 ? fd->used : fd->off[k + 1]) -
	    (unsigned)fd->off[k])) != 0)
		return DT_ECORRUPT;
	w.fr = &fr;
	if ((rc = walk(&w, t, author)) != 0)
		return rc;
	merkle_frontier_root(&fr, root);
	return 0;
}

int
roots_offer(roots **c, const unsigned char author[KEY_PK_BYTES],
    const merkle_frontier *fr)
{
	struct feed *fd;
	uint64_t k = fr->size / ROOTS_SNAP;
	int rc;

	if (*c == NULL && (*c = calloc(1, sizeof **c)) == NULL)
		return DT_ENOMEM;
	if ((fd = find(*c, author, 1)) == NULL)
		return DT_ENOMEM;
	if (fr->size <= fd->fr.size)
		return 0;
	if (fr->size % ROOTS_SNAP == 0) {
		if (k != fd->nsnap)
			return 0; /* a snapshot below was never offered */
		if ((rc = snap_add(fd, fr)) != 0)
			return rc;
	} else if (k + 1 != fd->nsnap)
		return 0;
	fd->fr = *fr;
	return 0;
}

void
roots_grow(roots *c, const unsigned char author[KEY_PK_BYTES], uint64_t seq,
    const unsigned char leaf[MERKLE_HASH_BYTES])
{
	struct feed *fd;

	if (c == NULL || c->n == 0 || (fd = find(c, author, 0)) == NULL ||
	    fd->fr.size != seq)
		return;
	/* Out of memory: not taken; roots_at() reads it later. */
	(void)append(fd, leaf);
}

void
roots_free(roots *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n; i++) {
		free(c->f[i].snap);
		free(c->f[i].off);
	}
	free(c->f);
	free(c);
}
