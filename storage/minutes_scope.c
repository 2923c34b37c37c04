/*
 * minutes_scope.c: the scope of the minutes (see minutes.h): which
 * entries they cover, the causal past of every party's close of the
 * meeting, read from the store's references (minutes_scope_get()), and
 * the test of one entry against it (minutes_in_scope()).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../crypto/err.h"
#include "../crypto/keys.h"
#include "entry.h"
#include "minutes.h"
#include "record.h"
#include "store.h"
#include "view.h"

/* --- scope ------------------------------------------------------------ */

/* What the walk over a feed's entries needs. */
struct cut {
	unsigned char (*authors)[KEY_PK_BYTES]; /* distinct, ascending */
	size_t n;
	uint64_t *front; /* per author: entries in scope so far */
	uint64_t *done; /* per author: entries whose refs are read */
	size_t cur; /* the author being walked */
	uint64_t next; /* the seq expected next */
	int err;
};

static int
cmp_pk(const void *a, const void *b)
{
	return memcmp(a, b, KEY_PK_BYTES);
}

static long
author_index(const struct cut *c, const unsigned char *pk)
{
	const unsigned char(*p)[KEY_PK_BYTES] =
	    bsearch(pk, c->authors, c->n, KEY_PK_BYTES, cmp_pk);

	return p != NULL ? (long)(p - c->authors) : -1;
}

/* cut_cb() - store_scan_feed_raw() callback: one entry's references. */
static int
cut_cb(void *ctx, const unsigned char key[STORE_KEY_BYTES],
    const unsigned char *bytes, size_t len,
    const unsigned char hash[ENTRY_HASH_BYTES])
{
	struct cut *c = ctx;
	entry_ref ref;
	entry e;
	unsigned i;
	long b;

	(void)key;
	(void)hash;
	if (c->next >= c->front[c->cur])
		return 1; /* past the scope of this feed: stop */
	if (entry_parse(&e, bytes, len) != 0 || e.seq != c->next ||
	    memcmp(e.author, c->authors[c->cur], KEY_PK_BYTES) != 0)
		return c->err = DT_ECORRUPT;
	for (i = 0; i < e.nrefs; i++) {
		entry_ref_get(&ref, &e, i);
		if ((b = author_index(c, ref.author)) < 0)
			return c->err = DT_ECORRUPT;
		if (c->front[b] < ref.seq + 1)
			c->front[b] = ref.seq + 1;
	}
	c->next++;
	return 0;
}

/* cut_authors() - the distinct authors of v's entries, ascending. */
static int
cut_authors(struct cut *c, const view *v)
{
	size_t n = view_nitems(v), i, k = 0;

	if (n == 0)
		return 0;
	if ((c->authors = malloc(n * KEY_PK_BYTES)) == NULL)
		return DT_ENOMEM;
	for (i = 0; i < n; i++)
		memcpy(c->authors[i], view_item_at(v, i)->author, KEY_PK_BYTES);
	qsort(c->authors, n, KEY_PK_BYTES, cmp_pk);
	for (i = 0; i < n; i++)
		if (k == 0 ||
		    memcmp(c->authors[k - 1], c->authors[i], KEY_PK_BYTES) != 0)
			memmove(c->authors[k++], c->authors[i], KEY_PK_BYTES);
	c->n = k;
	if ((c->front = calloc(k, sizeof(*c->front))) == NULL ||
	    (c->done = calloc(k, sizeof(*c->done))) == NULL)
		return DT_ENOMEM;
	return 0;
}

/*
 * causal_past() - fill c->front with the causal past of the entry
 * (author, seq): walk each feed from where the last walk stopped to its
 * front, raising the fronts its references name, until no front moves.
 * Each entry is read once, in one read transaction.
 */
static int
causal_past(struct cut *c, record *r, const unsigned char *author, uint64_t seq)
{
	store_txn *t = NULL;
	long a = author_index(c, author);
	size_t i;
	int rc, moved = 1;

	if (a < 0)
		return DT_ECORRUPT;
	/* a second call adds its entry's past to what is there */
	if (c->front[a] < seq + 1)
		c->front[a] = seq + 1;
	if ((rc = store_txn_begin(&t, record_store(r), 0)) != 0)
		return rc;
	while (moved && rc == 0) {
		moved = 0;
		for (i = 0; i < c->n && rc == 0; i++) {
			if (c->done[i] >= c->front[i])
				continue;
			moved = 1;
			c->cur = i;
			c->next = c->done[i];
			c->err = 0;
			/* references only: no need to hash the entries */
			rc = store_scan_feed_raw(t, c->authors[i], c->done[i],
			    cut_cb, c);
			if (rc == 1)
				rc = 0;
			if (rc == 0 && c->err != 0)
				rc = c->err;
			/* The feed must hold every entry up to its front. */
			if (rc == 0 && c->next < c->front[i])
				rc = DT_ECORRUPT;
			c->done[i] = c->next;
		}
	}
	store_txn_abort(t);
	return rc;
}

int
minutes_scope_get(minutes_scope *out, record *r, const view *v, int64_t meeting)
{
	const view_meeting *m;
	struct cut c;
	size_t i, k;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&c, 0, sizeof(c));
	if ((m = view_meeting_find(v, meeting)) == NULL)
		return DT_ENOENT;
	out->meeting = meeting;
	if ((rc = cut_authors(&c, v)) != 0)
		goto out;
	if (m->close == NULL) {
		out->draft = 1;
		for (i = 0; i < view_nitems(v); i++) {
			const view_item *it = view_item_at(v, i);
			long a = author_index(&c, it->author);

			if (a >= 0 && c.front[a] < it->seq + 1)
				c.front[a] = it->seq + 1;
		}
	} else {
		/*
		 * Closed by every party: the union of the pasts of every
		 * close of the meeting, not only of each party's first.  Two
		 * laptops of one side may close at once (neither close is in
		 * the other's past, so neither is late); what each wrote
		 * before its own close belongs to the minutes, whichever
		 * close comes first in merged order.  A close that is late
		 * (written after its side's close) counts for nothing.
		 */
		out->close = m->close;
		for (i = 0; i < view_nitems(v); i++) {
			const view_item *it = view_item_at(v, i);

			if (it->kind != ENTRY_K_MEETING_CLOSE ||
			    it->payload == NULL || it->late ||
			    it->meeting != meeting)
				continue;
			if ((rc = causal_past(&c, r, it->author, it->seq)) != 0)
				goto out;
		}
	}
	if (c.n > 0 &&
	    (out->feeds = calloc(c.n, sizeof(*out->feeds))) == NULL) {
		rc = DT_ENOMEM;
		goto out;
	}
	for (i = k = 0; i < c.n; i++) {
		if (c.front[i] == 0)
			continue;
		memcpy(out->feeds[k].author, c.authors[i], KEY_PK_BYTES);
		out->feeds[k++].size = c.front[i];
	}
	out->nfeeds = k;
	/* Every entry in scope must be in the view. */
	for (i = 0; i < view_nitems(v); i++)
		if (minutes_in_scope(out, view_item_at(v, i)))
			out->nentries++;
	for (i = 0, k = 0; i < out->nfeeds; i++)
		k += (size_t)out->feeds[i].size;
	if (k != out->nentries)
		rc = DT_ECORRUPT;
out:
	free(c.authors);
	free(c.front);
	free(c.done);
	if (rc != 0)
		minutes_scope_done(out);
	return rc;
}

void
minutes_scope_done(minutes_scope *s)
{
	if (s == NULL)
		return;
	free(s->feeds);
	memset(s, 0, sizeof(*s));
}

static int
cmp_feed(const void *k, const void *b)
{
	const minutes_feed *f = b;

	return memcmp(k, f->author, KEY_PK_BYTES);
}

int
minutes_in_scope(const minutes_scope *s, const view_item *it)
{
	const minutes_feed *f;

	if (s == NULL || it == NULL || s->nfeeds == 0)
		return 0;
	f = bsearch(it->author, s->feeds, s->nfeeds, sizeof(*s->feeds),
	    cmp_feed);
	return f != NULL && it->seq < f->size;
}
