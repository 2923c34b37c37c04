/*
 * late.c: whether a meeting-close is in an entry's causal past (late.h).
 *
 * The causal past of an entry is, for each feed, a prefix of that feed:
 * late_follows() keeps, per author met, the front of that prefix (the
 * entries of seq below it are in the past) and how far the feed has been
 * read.  An entry that follows the close c has a clock above c's, and so
 * has every entry on the way from it back to c, so the walk reads only
 * entries of a clock above c's: for each feed, from the first such entry
 * (found by a binary search over clocks, which rise along a feed) up to
 * its front, raising the fronts that their references name, until no
 * front moves.  c is in the past as soon as a reference names c's feed at
 * c's seq or later, since c's feed is a chain.
 */
#include <stdlib.h>
#include <string.h>

#include "../crypto/err.h"
#include "late.h"

int
late_kind(unsigned kind)
{
	return kind >= ENTRY_K_MEETING_OPEN && kind <= ENTRY_K_CORRECTION;
}

/* One feed met by the walk. */
struct lfeed {
	unsigned char author[KEY_PK_BYTES];
	uint64_t front; /* seqs below it are in the past */
	uint64_t done;  /* seqs below it are read, or below the cut */
	int started;    /* done has been set by the binary search */
};

struct lwalk {
	store_txn *t;
	const late_close *c;
	struct lfeed *f;
	size_t n, cap;
	size_t cur;      /* the feed being read */
	uint64_t next;   /* the seq expected next in it */
	int found;
	int err;
};

/* raise_front() - the feed of author is in the past up to seq (inclusive). */
static int
raise_front(struct lwalk *w, const unsigned char *author, uint64_t seq)
{
	struct lfeed *nf;
	size_t i;

	if (memcmp(author, w->c->author, KEY_PK_BYTES) == 0 &&
	    seq >= w->c->seq) {
		w->found = 1;
		return 0;
	}
	for (i = 0; i < w->n; i++)
		if (memcmp(w->f[i].author, author, KEY_PK_BYTES) == 0) {
			if (w->f[i].front < seq + 1)
				w->f[i].front = seq + 1;
			return 0;
		}
	if (w->n == w->cap) {
		size_t cap = w->cap ? 2 * w->cap : 16;

		if ((nf = realloc(w->f, cap * sizeof(*nf))) == NULL)
			return DT_ENOMEM;
		w->f = nf;
		w->cap = cap;
	}
	memset(&w->f[w->n], 0, sizeof(w->f[w->n]));
	memcpy(w->f[w->n].author, author, KEY_PK_BYTES);
	w->f[w->n].front = seq + 1;
	w->n++;
	return 0;
}

/* refs_of() - raise the fronts that e's references name. */
static int
refs_of(struct lwalk *w, const entry *e)
{
	entry_ref ref;
	unsigned i;
	int rc;

	for (i = 0; i < e->nrefs && !w->found; i++) {
		entry_ref_get(&ref, e, i);
		if ((rc = raise_front(w, ref.author, ref.seq)) != 0)
			return rc;
	}
	return 0;
}

/* cut() - the first seq of a feed below front whose clock is above c's. */
static int
cut(uint64_t *out, struct lwalk *w, const unsigned char *author,
    uint64_t front)
{
	unsigned char h[ENTRY_HASH_BYTES];
	uint64_t lo = 0, hi = front, mid, clock;
	int rc;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((rc = store_ref_probe(&clock, h, w->t, author, mid)) != 0)
			return rc == DT_ENOENT ? DT_ECORRUPT : rc;
		if (clock > w->c->clock)
			hi = mid;
		else
			lo = mid + 1;
	}
	*out = lo;
	return 0;
}

/* feed_cb() - store_scan_feed_raw() callback: one entry of the past. */
static int
feed_cb(void *ctx, const unsigned char key[STORE_KEY_BYTES],
    const unsigned char *bytes, size_t len,
    const unsigned char hash[ENTRY_HASH_BYTES])
{
	struct lwalk *w = ctx;
	entry e;
	int rc;

	(void)key;
	(void)hash;
	if (w->next >= w->f[w->cur].front || w->found)
		return 1;
	if (entry_parse(&e, bytes, len) != 0 || e.seq != w->next)
		return w->err = DT_ECORRUPT;
	/* refs_of() may grow w->f: index it again afterwards */
	if ((rc = refs_of(w, &e)) != 0)
		return w->err = rc;
	w->next++;
	return 0;
}

int
late_follows(int *out, store_txn *t, const late_close *c, const entry *x)
{
	struct lwalk w;
	size_t i;
	int rc = 0, moved = 1;

	*out = 0;
	if (memcmp(x->author, c->author, KEY_PK_BYTES) == 0) {
		*out = x->seq > c->seq;
		return 0;
	}
	if (x->clock <= c->clock)
		return 0;
	memset(&w, 0, sizeof(w));
	w.t = t;
	w.c = c;
	if (x->seq > 0 && (rc = raise_front(&w, x->author, x->seq - 1)) != 0)
		goto out;
	if ((rc = refs_of(&w, x)) != 0)
		goto out;
	while (moved && !w.found) {
		moved = 0;
		for (i = 0; i < w.n && !w.found; i++) {
			if (!w.f[i].started) {
				if ((rc = cut(&w.f[i].done, &w, w.f[i].author,
				    w.f[i].front)) != 0)
					goto out;
				w.f[i].started = 1;
			}
			if (w.f[i].done >= w.f[i].front)
				continue;
			moved = 1;
			w.cur = i;
			w.next = w.f[i].done;
			w.err = 0;
			rc = store_scan_feed_raw(t, w.f[i].author, w.next,
			    feed_cb, &w);
			if (rc == 1)
				rc = 0;
			if (rc == 0 && w.err != 0)
				rc = w.err;
			if (rc != 0)
				goto out;
			if (!w.found && w.next < w.f[i].front) {
				rc = DT_ECORRUPT; /* the feed lacks its past */
				goto out;
			}
			w.f[i].done = w.next;
		}
	}
	*out = w.found;
out:
	free(w.f);
	return rc;
}

int
late_follows_at(int *out, store_txn *t, const late_close *c,
    const unsigned char author[KEY_PK_BYTES], uint64_t seq)
{
	unsigned char *bytes = NULL;
	size_t len = 0;
	entry e;
	int rc;

	*out = 0;
	if ((rc = store_get(&bytes, &len, t, author, seq)) != 0)
		return rc == DT_ENOENT ? DT_ECORRUPT : rc;
	if (entry_parse(&e, bytes, len) != 0)
		rc = DT_ECORRUPT;
	else
		rc = late_follows(out, t, c, &e);
	free(bytes);
	return rc;
}
