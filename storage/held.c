/*
 * held.c: what a held entry waits for, the list of held entries, and
 * the bounds on what may be held (see held.h).
 */
#include <stdlib.h>
#include <string.h>

#include "../crypto/err.h"
#include "held.h"

int
held_admit(const held_tally *pool, const held_tally *author, size_t len,
    int member)
{
	if (member)
		return pool->entries + 1 > HELD_MEMBERS_MAX_ENTRIES ||
			pool->bytes + len > HELD_MEMBERS_MAX_BYTES ?
		    HELD_OVER_MEMBERS :
		    HELD_ADMIT;
	if (author->entries + 1 > HELD_AUTHOR_MAX_ENTRIES ||
	    author->bytes + len > HELD_AUTHOR_MAX_BYTES)
		return HELD_OVER_AUTHOR;
	if (pool->entries + 1 > HELD_OTHERS_MAX_ENTRIES ||
	    pool->bytes + len > HELD_OTHERS_MAX_BYTES)
		return HELD_OVER_OTHERS;
	return HELD_ADMIT;
}

size_t
held_head_bytes(const unsigned char *b, size_t avail)
{
	size_t nrefs;

	if (avail < ENTRY_FIXED_BYTES || memcmp(b, ENTRY_MAGIC, 4) != 0)
		return 0;
	nrefs = (size_t)b[6] << 8 | b[7];
	if (nrefs > ENTRY_MAX_REFS)
		return 0;
	return ENTRY_FIXED_BYTES + nrefs * ENTRY_REF_BYTES + 4;
}

int
held_parse_head(entry *e, const unsigned char *b, size_t avail)
{
	size_t need = held_head_bytes(b, avail);

	memset(e, 0, sizeof *e);
	if (need == 0 || avail < need)
		return DT_EFORMAT;
	e->bytes = b;
	e->len = avail;
	e->kind = b[4];
	e->flags = b[5];
	e->nrefs = (unsigned)((unsigned)b[6] << 8 | b[7]);
	e->dialogue = b + 8;
	e->author = b + 40;
	e->seq = store_get_be64(b + 72);
	e->clock = store_get_be64(b + 80);
	e->time_ms = store_get_be64(b + 88);
	e->prev = b + 96;
	e->refs = b + ENTRY_FIXED_BYTES;
	e->header_len = need;
	return 0;
}

int
held_waits(held_wait *w, store_txn *t, const entry *e)
{
	held_wait dummy;
	store_head head;
	entry_ref ref;
	unsigned char ra[KEY_PK_BYTES];
	uint64_t next = 0, rseq;
	unsigned i;
	int rc;

	if (w == NULL)
		w = &dummy;
	memset(w, 0, sizeof *w);
	rc = store_head_get(&head, t, e->author);
	if (rc != 0 && rc != DT_ENOENT)
		return rc;
	if (rc == 0)
		next = head.next_seq;
	/*
	 * A feed holds exactly the sequence numbers below its head's
	 * next_seq: above them there is a gap to wait for.
	 */
	if (e->seq > next) {
		w->what = HELD_WAITS_PREV;
		memcpy(w->author, e->author, KEY_PK_BYTES);
		w->seq = next;
		w->last = e->seq - 1;
		memcpy(w->hash, e->prev, ENTRY_HASH_BYTES);
		w->held = store_held_has(t, e->prev);
		return 1;
	}
	for (i = 0; i < e->nrefs; i++) {
		entry_ref_get(&ref, e, i);
		/*
		 * The referenced place is filled (with that entry or another:
		 * record_check_entry() reports a wrong reference), or the
		 * hash is known elsewhere (it reports that too): nothing
		 * to wait for.  The feed's head first: one small row, where
		 * the hash index is a random read in a table as large as the
		 * record.
		 */
		rc = store_head_get(&head, t, ref.author);
		if (rc != 0 && rc != DT_ENOENT)
			return rc;
		if (rc == 0 && head.next_seq > ref.seq)
			continue;
		if (store_locate(ra, &rseq, t, ref.hash) == 0)
			continue;
		w->what = HELD_WAITS_REF;
		memcpy(w->author, ref.author, KEY_PK_BYTES);
		w->seq = ref.seq;
		w->last = ref.seq;
		memcpy(w->hash, ref.hash, ENTRY_HASH_BYTES);
		w->held = store_held_has(t, ref.hash);
		return 1;
	}
	return 0;
}

struct list_fill {
	store_txn *t;
	held_info *v;
	size_t n, cap;
};

static int
list_cb(void *ctx, const unsigned char *bytes, size_t len,
    const unsigned char hash[ENTRY_HASH_BYTES])
{
	struct list_fill *l = ctx;
	held_info *nv, *h;
	entry e;
	int rc;

	if (held_parse_head(&e, bytes, len) != 0)
		return DT_ECORRUPT;
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;

		if ((nv = realloc(l->v, cap * sizeof *nv)) == NULL)
			return DT_ENOMEM;
		l->v = nv;
		l->cap = cap;
	}
	h = &l->v[l->n++];
	memset(h, 0, sizeof *h);
	memcpy(h->author, e.author, KEY_PK_BYTES);
	h->seq = e.seq;
	h->clock = e.clock;
	h->kind = e.kind;
	memcpy(h->hash, hash, ENTRY_HASH_BYTES);
	h->len = len;
	/* Reading other tables does not disturb the scan's cursor. */
	rc = held_waits(&h->wait, l->t, &e);
	return rc < 0 ? rc : 0;
}

static int
info_cmp(const void *a, const void *b)
{
	const held_info *p = a, *q = b;
	int c;

	if (p->clock != q->clock)
		return p->clock < q->clock ? -1 : 1;
	if ((c = memcmp(p->author, q->author, KEY_PK_BYTES)) != 0)
		return c;
	return memcmp(p->hash, q->hash, ENTRY_HASH_BYTES);
}

int
held_list(held_info **out, size_t *n, store_txn *t)
{
	struct list_fill l;
	int rc;

	*out = NULL;
	*n = 0;
	memset(&l, 0, sizeof l);
	l.t = t;
	if ((rc = store_held_scan(t, list_cb, &l)) != 0) {
		free(l.v);
		return rc;
	}
	if (l.n > 0)
		qsort(l.v, l.n, sizeof *l.v, info_cmp);
	*out = l.v;
	*n = l.n;
	return 0;
}
