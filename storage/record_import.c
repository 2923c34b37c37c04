/*
 * record_import.c: bundles into the record: record_import() and
 * record_import_source() (the sync source: any stream of entries),
 * entries that wait held and retried, removals' consequences for what
 * was held, and record_join() (a new replica made from a bundle).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "../crypto/err.h"
#include "held.h"
#include "payload.h"
#include "record_priv.h"
#include "runs.h"
#include "sigpool.h"

/*
 * Import: bundles into the record.
 *
 * record_import() runs in one write transaction.  It walks the bundle in
 * its order (merged order, as bundle_export() writes it), adding every
 * entry whose prerequisites are there: its feed's previous entry and
 * every entry it references, in the record or accepted earlier in this
 * import.  The others wait in memory; then the waiting entries (and the
 * entries held by earlier imports) are tried again, in merged order,
 * until a pass adds nothing.  What still waits is held.  So memory grows
 * with the entries that wait, not with the bundle.
 */

enum { IMPORT_ADDED = 1, IMPORT_KNOWN, IMPORT_WAIT };

/* An entry that waits for another pass. */
struct import_pend {
	unsigned char *bytes;
	size_t len;
	unsigned char hash[ENTRY_HASH_BYTES];
	uint32_t index;   /* its place in the bundle, from 1; 0: held before */
	int done;
	int bad;          /* a damaged held row (done; hash is its key) */
	/*
	 * A row held before: only its header is in bytes (len bytes), the
	 * whole entry (size bytes) stays in the held database until it no
	 * longer waits (pend_load()), so that an import reads a page per
	 * held entry, not every held byte.
	 */
	int lazy;
	size_t size;
};

/* Up to this many entries, or bytes, of a bundle are checked at once. */
#define IMPORT_CHUNK 4096U
#define IMPORT_CHUNK_BYTES (16U * 1024U * 1024U)

/* A chunk of a bundle: copies of its entries, and their pool jobs. */
struct import_chunk {
	sigpool_job jobs[IMPORT_CHUNK];
	uint32_t index[IMPORT_CHUNK]; /* 1-based place in the bundle */
	size_t off[IMPORT_CHUNK];
	size_t n;
	unsigned char *buf;           /* the entries' bytes, back to back */
	size_t used, cap;
};

struct import_state {
	const char *what;             /* "bundle", "batch": for messages */
	/* Two chunks: one checked in order while the pool hashes the other. */
	struct import_chunk *chunk;   /* two, on the heap: 600 KB */
	int cur;
	int pending;                  /* the pool is working on a chunk */
	sigpool *pool;                /* NULL: signatures checked in order */
	record *r;
	store_txn *t;
	unsigned flags;
	record_import_stats *st;
	record_failure *f;
	struct import_pend *pend;
	size_t npend, cap;
	/* A fork found in the bundle: the first entry and the second. */
	unsigned char *fork_first, *fork_second;
	size_t fork_flen, fork_slen;
	/* Where the entries held before this import sit, by place. */
	struct held_place *held;
	size_t nheld;
	int hold_all;                 /* RECORD_IMPORT_HOLD_ALL: no bounds */
	/*
	 * A join's hash index rows, written in one sorted pass at the end
	 * of its loop (import_index()); NULL otherwise, and after that.
	 */
	runs *runs;
};

/*
 * import_tree() - the root of the first e->seq entries of e's feed, for
 * the checkpoint e, from the record's roots cache: the feed is read the
 * first time (its entries before this import, or before its first
 * checkpoint) and grown by import_grow() from then on, so that a
 * checkpoint costs no walk of its feed.  NULL if it cannot be had
 * (record_check_entry() then walks the feed and says why).
 */
static const unsigned char *
import_tree(struct import_state *x, const entry *e,
    unsigned char root[MERKLE_HASH_BYTES])
{
	return roots_at(&x->r->roots, x->t, e->author, e->seq,
	    ROOTS_CHAIN_CHECKED, root) == 0 ? root : NULL;
}

/* import_grow() - the entry e (leaf hash h) was added to its feed. */
static void
import_grow(struct import_state *x, const entry *e,
    const unsigned char h[ENTRY_HASH_BYTES])
{
	roots_grow(x->r->roots, e->author, e->seq, h);
}

/* The place of a held entry: author, seq, and which entry it is. */
struct held_place {
	unsigned char author[KEY_PK_BYTES];
	uint64_t seq;
	unsigned char hash[ENTRY_HASH_BYTES];
	int bad;      /* its bytes do not hash to its key: proves nothing */
};

static int
held_place_cmp(const void *a, const void *b)
{
	const struct held_place *p = a, *q = b;
	int c;

	if ((c = memcmp(p->author, q->author, KEY_PK_BYTES)) != 0)
		return c;
	if (p->seq != q->seq)
		return p->seq < q->seq ? -1 : 1;
	return 0;
}

/* held_find() - the first held place at e's (author, seq), or NULL. */
static struct held_place *
held_find(struct import_state *x, const entry *e)
{
	struct held_place key;
	size_t lo = 0, hi = x->nheld, mid;

	if (x->nheld == 0) /* x->held is NULL: no pointer arithmetic on it */
		return NULL;
	memcpy(key.author, e->author, KEY_PK_BYTES);
	key.seq = e->seq;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (held_place_cmp(&x->held[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < x->nheld && held_place_cmp(&x->held[lo], &key) == 0 ?
	    &x->held[lo] : NULL;
}

/*
 * A held entry came first: an entry of the bundle for the same place
 * with other bytes is a fork, even though the place is still empty.
 * The held entry is read whole into x->fork_first (*out: its place); a
 * held row whose bytes are not an entry under its own hash (a damaged
 * store) proves nothing, and is passed over (its retry drops it), as is
 * one this import has dropped already.
 * @return 1 (a fork), 0 (none), or a negative DT_E* code.
 */
static int
held_conflict(const struct held_place **out, struct import_state *x,
    const entry *e, const unsigned char hash[ENTRY_HASH_BYTES])
{
	unsigned char h[ENTRY_HASH_BYTES];
	struct held_place *p;
	entry he;
	int rc;

	*out = NULL;
	for (p = held_find(x, e); p != NULL && p < x->held + x->nheld &&
	    memcmp(p->author, e->author, KEY_PK_BYTES) == 0 &&
	    p->seq == e->seq; p++) {
		if (p->bad || memcmp(p->hash, hash, ENTRY_HASH_BYTES) == 0)
			continue;
		free(x->fork_first);
		x->fork_first = NULL;
		rc = store_held_get(&x->fork_first, &x->fork_flen, x->t,
		    p->hash);
		if (rc == DT_ENOENT) {
			/* Dropped by a retry of this import: no longer held. */
			p->bad = 1;
			continue;
		}
		if (rc != 0)
			return rc;
		entry_hash(h, x->fork_first, x->fork_flen);
		if (memcmp(h, p->hash, ENTRY_HASH_BYTES) == 0 &&
		    entry_parse(&he, x->fork_first, x->fork_flen) == 0) {
			*out = p;
			return 1;
		}
		p->bad = 1;
	}
	free(x->fork_first);
	x->fork_first = NULL;
	return 0;
}


/* Say where the failing entry sits: in the bundle, or held before. */
static void
import_where(const struct import_state *x, record_failure *f,
    uint32_t index)
{
	char where[64];
	size_t n = strnlen(f->detail, sizeof f->detail - 1), w;

	if (index > 0)
		snprintf(where, sizeof where, " (entry %lu of the %s)",
		    (unsigned long)index, x->what != NULL ? x->what : "bundle");
	else
		snprintf(where, sizeof where, " (held from an earlier import)");
	w = strlen(where);
	/* Keep the place whole; shorten the detail if it must. */
	if (n + w >= sizeof f->detail)
		n = sizeof f->detail - 1 - w;
	memcpy(f->detail + n, where, w + 1);
}

/* Kinds whose acceptance changes the membership or the key id. */
static int
changes_membership(unsigned kind)
{
	return kind == ENTRY_K_GENESIS || kind == ENTRY_K_MEMBER_ADD ||
	    kind == ENTRY_K_MEMBER_REMOVE || kind == ENTRY_K_KEY_WRAP;
}

/* late_row_cb() - store_fault_scan() callback: list the late rows. */
static int
late_row_cb(void *ctx, const record_fault *f)
{
	return f->reason == FAULT_LATE ? fault_list_add(ctx, f) : 0;
}

/*
 * late_recheck() - a meeting-close written after its author's removal
 * has just become a member fault, so it closes nothing: an entry this
 * store found late because of it alone (imported before the removal,
 * with the key) is late no more, as on a replica that had the removal
 * first.  Its row goes.  An entry of an epoch this reader cannot open
 * keeps its row (no verdict without the key).
 */
static int
late_recheck(record *r, store_txn *t)
{
	fault_list l = { NULL, 0, 0 };
	unsigned char *b = NULL;
	int64_t meeting;
	size_t len = 0, i;
	entry e;
	int rc, late;

	if ((rc = store_fault_scan(t, late_row_cb, &l)) != 0 || l.n == 0)
		goto out;
	if (r->scratch == NULL &&
	    (r->scratch = sodium_malloc(SCRATCH_BYTES)) == NULL) {
		rc = DT_ENOMEM;
		goto out;
	}
	for (i = 0; i < l.n && rc == 0; i++) {
		if ((rc = store_get(&b, &len, t, l.v[i].author,
		    l.v[i].seq)) != 0)
			break;
		late = 1;
		if (entry_parse(&e, b, len) != 0)
			rc = DT_ECORRUPT;
		else if (epoch_key_for(&r->ring, &e) != NULL &&
		    (rc = fault_classify_meeting(&e, epoch_key_for(&r->ring,
		    &e), r->scratch, SCRATCH_BYTES, &meeting)) == 0 &&
		    meeting >= 0)
			rc = record_late_check(&late, r, t, &e, meeting);
		if (rc > 0)
			rc = 0; /* another fault: not for this check */
		if (rc == 0 && !late) {
			rc = store_fault_del(t, l.v[i].hash);
			fault_list_drop(&r->faults, l.v[i].hash);
		}
		free(b);
		b = NULL;
	}
out:
	fault_list_done(&l);
	return rc;
}

/*
 * import_removed() - the member-remove e (clock c) was added and the
 * membership reloaded: the removed member's entries already in the
 * record with a clock above c, written before this replica heard of the
 * removal, become member faults (FAULT_REMOVED) now, as they are on a
 * replica that had the removal first.  Clocks rise along a feed, so
 * they are its last entries: a binary search finds the first.
 */
static int
import_removed(struct import_state *x, const entry *e,
    const unsigned char hash[ENTRY_HASH_BYTES])
{
	unsigned char pk[KEY_PK_BYTES], h[ENTRY_HASH_BYTES];
	unsigned char *b = NULL;
	uint64_t lo = 0, hi, mid, clock;
	size_t len = 0;
	store_head th;
	entry d;
	json_t *o;
	int rc, closes = 0;

	if ((o = payload_parse(e->body, e->body_len)) == NULL)
		return record_fail_at(x->f, DT_EFORMAT, e->author, e->seq, hash,
		    NULL, "member-remove payload is malformed");
	rc = key_unhex(pk, KEY_PK_BYTES, json_string_value(json_object_get(o,
	    "key")));
	json_decref(o);
	if (rc != 0)
		return record_fail_at(x->f, DT_EFORMAT, e->author, e->seq, hash,
		    NULL, "member-remove payload is malformed");
	x->r->closes_valid = 0; /* a close of its may count no more */
	if ((rc = store_head_get(&th, x->t, pk)) == DT_ENOENT ||
	    (rc == 0 && th.clock <= e->clock))
		return 0; /* nothing of its feed is above the removal */
	if (rc != 0)
		goto fail;
	for (hi = th.next_seq; lo < hi;) {
		mid = lo + (hi - lo) / 2;
		if ((rc = store_ref_probe(&clock, h, x->t, pk, mid)) != 0)
			goto fail;
		if (clock > e->clock)
			hi = mid;
		else
			lo = mid + 1;
	}
	for (; lo < th.next_seq; lo++) {
		if ((rc = store_get(&b, &len, x->t, pk, lo)) != 0)
			goto fail;
		entry_hash(h, b, len);
		rc = entry_parse(&d, b, len) != 0 ? DT_ECORRUPT :
		    !record_removed_writer(x->r, pk, d.kind, d.clock) ? 0 :
		    record_note_fault(x->r, x->t, &d, h, FAULT_REMOVED,
		    x->f, NULL);
		if (rc == 0 && d.kind == ENTRY_K_MEETING_CLOSE)
			closes = 1;
		free(b);
		b = NULL;
		if (rc != 0)
			return x->f->code != 0 ? rc : record_fail_at(x->f, rc,
			    pk, lo, NULL, NULL, "the removed member's feed is "
			    "damaged");
	}
	if (closes && record_key(x->r) != NULL &&
	    (rc = late_recheck(x->r, x->t)) != 0)
		return record_fail_at(x->f, rc, NULL, 0, NULL, NULL,
		    "cannot check the late entries again: %s",
		    dt_strerror(rc));
	return 0;
fail:
	return record_fail_at(x->f, rc == DT_ENOENT ? DT_ECORRUPT : rc, pk, lo,
	    NULL, NULL, "cannot read the removed member's feed: %s",
	    dt_strerror(rc));
}

/*
 * What a waiting entry must be to be held rather than rejected: framed
 * (the caller parsed it), bound to this dialogue and signed.  These are
 * the first checks of record_check_entry(), which still runs, in full, before
 * the entry is ever added.
 */
static int
import_hold_gate(struct import_state *x, const entry *e,
    const unsigned char hash[ENTRY_HASH_BYTES])
{
	record *r = x->r;

	if (e->kind == ENTRY_K_GENESIS ? sodium_memcmp(hash, r->id,
	    ENTRY_HASH_BYTES) != 0 : memcmp(e->dialogue, r->id,
	    ENTRY_HASH_BYTES) != 0)
		return record_fail_at(x->f, DT_EDIALOGUE, e->author, e->seq,
		    hash, NULL, "entry belongs to another dialogue");
	if (!record_sig_ok(r, e, hash))
		return record_fail_at(x->f, DT_ESIG, e->author, e->seq, hash,
		    NULL, "bad signature");
	return 0;
}

/*
 * import_put() - store e.  In a join, its hash index row goes to x->runs
 * instead (import_index() writes them all at the end), except a control
 * entry's, which record_load_control() finds by hash before then.
 */
static int
import_put(struct import_state *x, const entry *e,
    const unsigned char h[ENTRY_HASH_BYTES])
{
	unsigned char place[STORE_KEY_BYTES];
	int rc;

	if (x->runs == NULL)
		return store_put(x->t, e, h);
	if ((rc = store_put_flags(x->t, e, h, entry_kind_is_content(e->kind) ?
	    STORE_PUT_NO_HASH : 0)) != 0)
		return rc;
	memcpy(place, e->author, KEY_PK_BYTES);
	store_be64(place + KEY_PK_BYTES, e->seq);
	return runs_add(x->runs, h, place);
}

/* Rows of the hash index written per unsynced step of a join. */
#define INDEX_STEP 65536U

struct index_fill {
	struct import_state *x;
	size_t n;
};

static int
index_cb(void *ctx, const unsigned char hash[ENTRY_HASH_BYTES],
    const unsigned char place[STORE_KEY_BYTES])
{
	struct index_fill *w = ctx;
	int rc;

	if (w->n > 0 && w->n % INDEX_STEP == 0 &&
	    (rc = store_txn_renew_unsynced(&w->x->t)) != 0)
		return rc;
	w->n++;
	return store_hash_append(w->x->t, hash, place);
}

/*
 * import_index() - a join's hash index, written in ascending order from
 * its runs, over the rows of control entries put along the way; in
 * unsynced steps, as the join's loop was.  After it, entries are put
 * with their row again (held entries retried, say).
 */
static int
import_index(struct import_state *x)
{
	struct index_fill w = { x, 0 };
	int rc;

	if ((rc = store_hashes_reset(x->t)) == 0)
		rc = runs_merge(x->runs, index_cb, &w);
	runs_free(x->runs);
	x->runs = NULL;
	if (rc == DT_ECORRUPT)
		return record_fail_at(x->f, rc, NULL, 0, NULL, NULL,
		    "two entries of the bundle have the same hash");
	if (rc != 0)
		return record_fail_at(x->f, rc, NULL, 0, NULL, NULL,
		    "cannot write the hash index: %s", dt_strerror(rc));
	return 0;
}

/*
 * import_one() - try to add one entry inside x->t.  *outcome is
 * IMPORT_ADDED, IMPORT_KNOWN (stored already, the same bytes) or
 * IMPORT_WAIT (a prerequisite is missing).  Any other result fails with
 * x->f filled; a fork also leaves both entries in x->fork_*.
 * known_hash, when not NULL, is the leaf hash of these very bytes,
 * computed by a pool worker (it saves hashing them twice).
 */
static int
import_one(struct import_state *x, const unsigned char *bytes, size_t len,
    const unsigned char *known_hash, int from_bundle, int *outcome)
{
	record *r = x->r;
	unsigned char h[ENTRY_HASH_BYTES], oh[ENTRY_HASH_BYTES];
	unsigned char root[MERKLE_HASH_BYTES];
	unsigned char *old = NULL;
	size_t oldlen = 0;
	store_head head;
	record_failure f2;
	const struct held_place *hp = NULL;
	entry e;
	int rc, wait, have_head;

	*outcome = 0;
	/* A pool worker hashed these very bytes already. */
	if (known_hash != NULL)
		memcpy(h, known_hash, ENTRY_HASH_BYTES);
	else
		entry_hash(h, bytes, len);
	if ((rc = entry_parse(&e, bytes, len)) != 0) {
		/* Name what the bytes claim, where there are enough. */
		if (len >= ENTRY_FIXED_BYTES)
			return record_fail_at(x->f, rc, bytes + 40,
			    store_get_be64(bytes + 72), h, NULL,
			    "malformed entry: %s", dt_strerror(rc));
		return record_fail_at(x->f, rc, NULL, 0, NULL, NULL,
		    "malformed entry: %s", dt_strerror(rc));
	}
	/*
	 * A feed holds exactly the sequence numbers below its head's
	 * next_seq (store_put() appends at next_seq only): above them there
	 * is nothing to read.
	 */
	rc = store_head_get(&head, x->t, e.author);
	if (rc != 0 && rc != DT_ENOENT)
		return record_fail_at(x->f, rc, e.author, e.seq, h, NULL,
		    "cannot read the store: %s", dt_strerror(rc));
	have_head = rc == 0;
	rc = have_head && e.seq < head.next_seq ?
	    store_get(&old, &oldlen, x->t, e.author, e.seq) : DT_ENOENT;
	if (rc == 0) {
		if (oldlen == len && memcmp(old, bytes, len) == 0) {
			free(old);
			*outcome = IMPORT_KNOWN;
			return 0;
		}
		/* Only a signed entry of this dialogue proves a fork. */
		if ((rc = import_hold_gate(x, &e, h)) != 0) {
			free(old);
			return rc;
		}
		entry_hash(oh, old, oldlen);
		free(x->fork_first);
		free(x->fork_second);
		x->fork_first = old;
		x->fork_flen = oldlen;
		x->fork_slen = len;
		if ((x->fork_second = malloc(len)) == NULL) {
			x->fork_slen = 0;
			return record_fail_at(x->f, DT_ENOMEM, NULL, 0, NULL,
			    NULL, "out of memory");
		}
		memcpy(x->fork_second, bytes, len);
		return record_fail_at(x->f, DT_EFORK, e.author, e.seq, h, oh,
		    "fork: a second, different entry for this author and "
		    "sequence number, both signed");
	}
	if (rc != DT_ENOENT)
		return record_fail_at(x->f, rc, e.author, e.seq, h, NULL,
		    "cannot read the store: %s", dt_strerror(rc));
	if (from_bundle && (rc = held_conflict(&hp, x, &e, h)) != 0) {
		if (rc < 0)
			return record_fail_at(x->f, rc, NULL, 0, NULL, NULL,
			    "cannot read a held entry: %s", dt_strerror(rc));
		if ((rc = import_hold_gate(x, &e, h)) != 0)
			return rc;
		free(x->fork_second);
		if ((x->fork_second = malloc(len)) == NULL)
			return record_fail_at(x->f, DT_ENOMEM, NULL, 0, NULL,
			    NULL, "out of memory");
		memcpy(x->fork_second, bytes, len);
		x->fork_slen = len;
		return record_fail_at(x->f, DT_EFORK, e.author, e.seq,
		    h, hp->hash,
		    "fork: a second, different entry for this author and "
		    "sequence number, both signed; the first is held, "
		    "waiting for an earlier entry");
	}
	if ((wait = held_waits(NULL, x->t, &e)) < 0)
		return record_fail_at(x->f, wait, e.author, e.seq, h, NULL,
		    "cannot read the store: %s", dt_strerror(wait));
	if (wait) {
		if ((rc = import_hold_gate(x, &e, h)) != 0)
			return rc;
		*outcome = IMPORT_WAIT;
		return 0;
	}
	if (e.kind == ENTRY_K_CHECKPOINT)
		r->walk_root = import_tree(x, &e, root);
	rc = record_check_entry(r, x->t, &e, h, have_head ? head.hash : NULL,
	    have_head ? head.clock : 0, x->flags, x->f, NULL);
	r->walk_root = NULL;
	if (rc != 0)
		return rc;
	if ((rc = import_put(x, &e, h)) != 0)
		return record_fail_at(x->f, rc, e.author, e.seq, h, NULL,
		    "cannot store the entry: %s", dt_strerror(rc));
	import_grow(x, &e, h);
	if (changes_membership(e.kind) &&
	    (rc = record_load_control(r, x->t, &f2)) != 0) {
		*x->f = f2;
		if (!f2.has_entry) {
			/* Say which entry made the control walk fail. */
			record_fail_at(x->f, rc, e.author, e.seq, h, NULL, "%s",
			    f2.detail);
		}
		return rc;
	}
	if (e.kind == ENTRY_K_MEMBER_REMOVE &&
	    (rc = import_removed(x, &e, h)) != 0)
		return rc;
	*outcome = IMPORT_ADDED;
	return 0;
}

static int
import_pend_push(struct import_state *x, const unsigned char *bytes,
    size_t len, uint32_t index)
{
	struct import_pend *np, *p;

	if (x->npend == x->cap) {
		size_t cap = x->cap ? 2 * x->cap : 16;

		if ((np = realloc(x->pend, cap * sizeof *np)) == NULL)
			return DT_ENOMEM;
		x->pend = np;
		x->cap = cap;
	}
	p = &x->pend[x->npend];
	memset(p, 0, sizeof *p);
	if ((p->bytes = malloc(len ? len : 1)) == NULL)
		return DT_ENOMEM;
	memcpy(p->bytes, bytes, len);
	p->len = len;
	p->size = len;
	p->index = index;
	if (index > 0)
		entry_hash(p->hash, bytes, len);
	x->npend++;
	return 0;
}

/*
 * held_cb() - a row held before this import: its header only (the row
 * is hashed and parsed whole once it no longer waits, in pend_load()).
 */
static int
held_cb(void *ctx, const unsigned char *bytes, size_t len,
    const unsigned char hash[ENTRY_HASH_BYTES])
{
	struct import_state *x = ctx;
	struct import_pend *p;
	size_t head = held_head_bytes(bytes, len);
	int rc;

	if (head == 0 || head > len)
		head = len < ENTRY_FIXED_BYTES ? len : ENTRY_FIXED_BYTES;
	if ((rc = import_pend_push(x, bytes, head, 0)) != 0)
		return rc;
	p = &x->pend[x->npend - 1];
	memcpy(p->hash, hash, ENTRY_HASH_BYTES);
	p->size = len;
	p->lazy = 1;
	if (held_head_bytes(bytes, len) == 0 ||
	    held_head_bytes(bytes, len) > len) {
		p->bad = 1;
		p->done = 1;
	}
	return 0;
}

/*
 * pend_load() - the whole of a row held before, once it is needed.  A
 * row that is not a well-formed entry under its own hash (the store was
 * tampered with) is marked bad: the caller drops it.
 */
static int
pend_load(struct import_state *x, struct import_pend *p)
{
	unsigned char *b = NULL, h[ENTRY_HASH_BYTES];
	size_t len = 0;
	entry e;
	int rc;

	if (!p->lazy)
		return 0;
	if ((rc = store_held_get(&b, &len, x->t, p->hash)) != 0)
		return record_fail_at(x->f, rc, NULL, 0, p->hash, NULL,
		    "cannot read a held entry: %s", dt_strerror(rc));
	entry_hash(h, b, len);
	if (entry_parse(&e, b, len) != 0 ||
	    memcmp(h, p->hash, ENTRY_HASH_BYTES) != 0)
		p->bad = 1;
	free(p->bytes);
	p->bytes = b;
	p->len = p->size = len;
	p->lazy = 0;
	return 0;
}

/* Merged order of two waiting entries (framed: the caller parsed them). */
static int
pend_cmp_merged(const void *a, const void *b)
{
	const struct import_pend *p = a, *q = b;
	uint64_t pc, qc;

	if (p->bad || q->bad)
		return q->bad - p->bad; /* damaged rows first; never read */
	pc = store_get_be64(p->bytes + 80);
	qc = store_get_be64(q->bytes + 80);
	if (pc != qc)
		return pc < qc ? -1 : 1;
	return memcmp(p->bytes + 40, q->bytes + 40, KEY_PK_BYTES);
}

/* By place (author, seq), then hash: forks among the waiting sit side by side. */
static int
pend_cmp_place(const void *a, const void *b)
{
	const struct import_pend *p = a, *q = b;
	uint64_t ps, qs;
	int c;

	if (p->bad || q->bad)
		return q->bad - p->bad;
	if ((c = memcmp(p->bytes + 40, q->bytes + 40, KEY_PK_BYTES)) != 0)
		return c;
	ps = store_get_be64(p->bytes + 72);
	qs = store_get_be64(q->bytes + 72);
	if (ps != qs)
		return ps < qs ? -1 : 1;
	return memcmp(p->hash, q->hash, ENTRY_HASH_BYTES);
}

/*
 * Try a waiting entry.  An entry of the bundle that fails fails the
 * import.  An entry held by an earlier import is not the bundle's fault:
 * it is tried in a nested transaction, and if it fails it is dropped
 * from the holding area (a fork is kept as evidence) and the import
 * goes on.
 */
static int
import_retry(struct import_state *x, struct import_pend *p, int *outcome)
{
	record_failure keep;
	store_txn *outer = x->t, *inner = NULL;
	int rc, rc2;

	if (p->index > 0) {
		rc = import_one(x, p->bytes, p->len, NULL, 1, outcome);
		if (rc != 0)
			import_where(x, x->f, p->index);
		return rc;
	}
	/*
	 * A row held before that still waits is left where it is, unread
	 * (its header says so); one that no longer waits is read whole.
	 */
	if (p->lazy) {
		entry he;
		int waits = 0;

		if (held_parse_head(&he, p->bytes, p->len) != 0)
			p->bad = 1;
		else if ((waits = held_waits(NULL, x->t, &he)) < 0)
			return record_fail_at(x->f, waits, NULL, 0, p->hash,
			    NULL, "cannot read the store: %s",
			    dt_strerror(waits));
		if (waits) {
			*outcome = IMPORT_WAIT;
			return 0;
		}
		if (!p->bad && (rc = pend_load(x, p)) != 0)
			return rc;
	}
	if (p->bad) {
		*outcome = IMPORT_KNOWN; /* settled: the caller drops it */
		return 0;
	}
	keep = *x->f;
	if ((rc = store_txn_begin_nested(&inner, outer)) != 0)
		return record_fail_at(x->f, rc, NULL, 0, NULL, NULL,
		    "cannot begin a transaction: %s", dt_strerror(rc));
	x->t = inner;
	rc = import_one(x, p->bytes, p->len, NULL, 0, outcome);
	x->t = outer;
	if (rc == 0)
		return store_txn_commit(inner) == 0 ? 0 : record_fail_at(x->f,
		    DT_EIO, NULL, 0, NULL, NULL, "cannot commit");
	store_txn_abort(inner);
	/* What the child added to a feed's tree is undone with it. */
	roots_free(x->r->roots);
	x->r->roots = NULL;
	if (rc == DT_ENOMEM || rc == DT_EIO || rc == DT_ENOSPC ||
	    rc == DT_EBUSY || rc == DT_ECORRUPT)
		return rc;
	import_where(x, x->f, 0);
	if (x->st->dropped++ == 0)
		x->st->dropped_first = *x->f;
	*x->f = keep;
	if (rc == DT_EFORK && (rc2 = store_evidence_put(outer, x->fork_first,
	    x->fork_flen, x->fork_second, x->fork_slen)) != 0)
		return record_fail_at(x->f, rc2, NULL, 0, NULL, NULL,
		    "cannot keep the fork evidence: %s", dt_strerror(rc2));
	/* The membership may have changed inside the aborted child. */
	if ((rc2 = record_load_control(x->r, outer, x->f)) != 0)
		return rc2;
	*outcome = IMPORT_KNOWN; /* settled: no longer waits */
	return store_held_del(outer, p->hash);
}

/*
 * import_refuse() - an entry of the bundle that waits is not held: the
 * bound why (HELD_OVER_*) would be passed.  It is counted, and the first
 * is named; the import goes on (it is not part of the record, and the
 * other side's next export to this replica carries it again).
 */
static void
import_refuse(struct import_state *x, const struct import_pend *p,
    const unsigned char author[KEY_PK_BYTES], uint64_t seq, int why)
{
	if (x->st->refused++ == 0) {
		record_fail_at(&x->st->refused_first, DT_ERANGE, author, seq,
		    p->hash, NULL, "not held: %s", why == HELD_OVER_AUTHOR ?
		    "its author, not a member, has as many entries held as "
		    "one such author may" : why == HELD_OVER_OTHERS ?
		    "authors who are not members have as many entries held "
		    "as they may together" : "members' entries are held as "
		    "many as a replica keeps");
		import_where(x, &x->st->refused_first, p->index);
		x->st->refused_why = why;
	}
	x->st->refused_bytes += p->size;
}

/*
 * pend_tally() - what stays held, from before this import, by the
 * author of x->pend[i] and those after it (sorted by place).
 */
static held_tally
pend_tally(const struct import_state *x, size_t i)
{
	const unsigned char *author = x->pend[i].bytes + 40;
	held_tally t = { 0, 0 };
	size_t j;

	for (j = i; j < x->npend && memcmp(x->pend[j].bytes + 40, author,
	    KEY_PK_BYTES) == 0; j++)
		if (!x->pend[j].done && x->pend[j].index == 0) {
			t.entries++;
			t.bytes += x->pend[j].size;
		}
	return t;
}

/*
 * After the last pass: what still waits is held.  Every waiting entry
 * has passed import_hold_gate() (framed, bound to this dialogue, signed);
 * nothing else can be checked before what it waits for arrives, not even
 * its author's membership, since the member-add may be what it waits
 * for.  Two waiting entries for one place are a fork.  What is held is
 * bounded (held_admit()): what was held before stays, and an entry of
 * the bundle beyond a bound is not held (import_refuse()); in the order
 * of place, so that a feed keeps the entries nearest to its gap.
 */
static int
import_hold(struct import_state *x)
{
	struct import_pend *p, *q;
	unsigned char author[KEY_PK_BYTES], group[KEY_PK_BYTES];
	/* The pools (by author: pool[0] not members, pool[1] members). */
	held_tally pool[2] = { { 0, 0 }, { 0, 0 } }, mine = { 0, 0 };
	held_tally *total = &pool[0];
	uint64_t seq;
	size_t i, j;
	entry e;
	int rc, why, have_group = 0, member = 0;

	if (x->npend > 0)
		qsort(x->pend, x->npend, sizeof *x->pend, pend_cmp_place);
	for (i = 0; i < x->npend; i++)
		if (!x->pend[i].done && x->pend[i].index == 0) {
			total = &pool[record_member_find(x->r,
			    x->pend[i].bytes + 40) != NULL];
			total->entries++;
			total->bytes += x->pend[i].size;
		}
	for (i = 0; i < x->npend; i++) {
		p = &x->pend[i];
		if (p->done)
			continue;
		if (held_parse_head(&e, p->bytes, p->len) != 0)
			return record_fail_at(x->f, DT_EFORMAT, NULL, 0,
			    p->hash, NULL, "malformed held entry");
		/* p->bytes may be read whole below: keep the place apart. */
		memcpy(author, e.author, KEY_PK_BYTES);
		seq = e.seq;
		if (!have_group || memcmp(group, author, KEY_PK_BYTES) != 0) {
			memcpy(group, author, KEY_PK_BYTES);
			have_group = 1;
			mine = pend_tally(x, i);
			member = record_member_find(x->r, author) != NULL;
			total = &pool[member];
		}
		for (j = i + 1; j < x->npend; j++) {
			q = &x->pend[j];
			if (q->done)
				continue;
			if (memcmp(q->bytes + 40, author, KEY_PK_BYTES) != 0 ||
			    store_get_be64(q->bytes + 72) != seq)
				break;
			if (memcmp(q->hash, p->hash, ENTRY_HASH_BYTES) == 0) {
				q->done = 1;
				continue; /* the same entry twice */
			}
			/* Evidence is whole entries: read held rows whole. */
			if ((rc = pend_load(x, p)) != 0 ||
			    (rc = pend_load(x, q)) != 0)
				return rc;
			if (p->bad || q->bad) {
				/* A damaged row proves nothing: drop it. */
				struct import_pend *d = p->bad ? p : q;

				d->done = 1;
				if ((rc = store_held_del(x->t, d->hash)) != 0)
					return record_fail_at(x->f, rc, NULL, 0,
					    NULL, NULL,
					    "cannot drop a damaged held "
					    "entry");
				total->entries--;
				total->bytes -= d->size;
				mine.entries--;
				mine.bytes -= d->size;
				if (d == p)
					break;
				continue;
			}
			q->done = 1;
			if (p->index == 0 && q->index == 0) {
				/* Both held before: not this bundle's doing. */
				if ((rc = store_evidence_put(x->t, p->bytes,
				    p->len, q->bytes, q->len)) != 0 ||
				    (rc = store_held_del(x->t, q->hash)) != 0)
					return record_fail_at(x->f, rc, NULL, 0,
					    NULL, NULL,
					    "cannot keep fork evidence");
				total->entries--;
				total->bytes -= q->size;
				mine.entries--;
				mine.bytes -= q->size;
				record_fail_at(x->f, DT_EFORK, author, seq,
				    q->hash, p->hash, "fork: two different "
				    "held entries for this author and "
				    "sequence number");
				import_where(x, x->f, 0);
				if (x->st->dropped++ == 0)
					x->st->dropped_first = *x->f;
				memset(x->f, 0, sizeof *x->f);
				continue;
			}
			free(x->fork_first);
			free(x->fork_second);
			x->fork_first = x->fork_second = NULL;
			if ((x->fork_first = malloc(p->len)) == NULL ||
			    (x->fork_second = malloc(q->len)) == NULL)
				return DT_ENOMEM;
			memcpy(x->fork_first, p->bytes, p->len);
			memcpy(x->fork_second, q->bytes, q->len);
			x->fork_flen = p->len;
			x->fork_slen = q->len;
			rc = record_fail_at(x->f, DT_EFORK, author, seq,
			    q->hash, p->hash,
			    "fork: two different entries for this "
			    "author and sequence number, both signed");
			import_where(x, x->f, q->index ? q->index : p->index);
			return rc;
		}
		if (p->done || p->index == 0)
			continue; /* dropped, or held already */
		if (!x->hold_all && (why = held_admit(total, &mine, p->size,
		    member)) != HELD_ADMIT) {
			import_refuse(x, p, author, seq, why);
			continue;
		}
		if ((rc = store_held_put(x->t, p->hash, p->bytes, p->len)) != 0)
			return record_fail_at(x->f, rc, author, seq, p->hash,
			    NULL, "cannot hold the entry: %s", dt_strerror(rc));
		total->entries++;
		total->bytes += p->size;
		mine.entries++;
		mine.bytes += p->size;
		x->st->held_new++;
	}
	return store_held_count(&x->st->held, x->t);
}

/*
 * The entries this import added were checked by record_check_entry(), as the
 * verify walk would check them: a feed verified up to its head before
 * the import is verified up to its new head after it.
 */
static int
import_mark_verified(store_txn *t, const store_head *old, size_t nold)
{
	store_head *now = NULL;
	size_t n = 0, i, j = 0;
	int rc;

	if ((rc = store_heads(&now, &n, t)) != 0)
		return rc;
	for (i = 0; i < n; i++) {
		int c = 1;

		while (j < nold && (c = memcmp(old[j].author, now[i].author,
		    KEY_PK_BYTES)) < 0)
			j++;
		if (c == 0 && (old[j].verified < old[j].next_seq ||
		    old[j].next_seq == now[i].next_seq))
			continue;
		if (now[i].verified != now[i].next_seq && (rc =
		    store_head_set_verified(t, now[i].author,
		    now[i].next_seq)) != 0)
			break;
	}
	free(now);
	return rc;
}

/*
 * chunk_fill() - copy the next entries of b into c (the reader reuses
 * its buffer), up to IMPORT_CHUNK entries or IMPORT_CHUNK_BYTES bytes;
 * c->n is 0 at the end of the bundle.  *index counts entries read.
 */
static int
chunk_fill(struct import_state *x, struct import_chunk *c,
    const record_source *src, uint32_t *index)
{
	const unsigned char *bytes;
	unsigned char *nb;
	size_t len, i;
	int rc;

	c->n = 0;
	c->used = 0;
	while (c->n < IMPORT_CHUNK && c->used < IMPORT_CHUNK_BYTES) {
		const char *why = NULL;

		if ((rc = src->next(src->ctx, &bytes, &len, &why)) != 0)
			return record_fail_at(x->f, rc, NULL, 0, NULL, NULL,
			    "cannot read entry %lu of the %s: %s",
			    (unsigned long)*index + 1, src->what,
			    why != NULL ? why : dt_strerror(rc));
		if (bytes == NULL)
			break;
		if (c->used + len > c->cap) {
			size_t cap = c->cap ? c->cap : 65536;

			while (cap < c->used + len)
				cap *= 2;
			if ((nb = realloc(c->buf, cap)) == NULL)
				return record_fail_at(x->f, DT_ENOMEM, NULL, 0,
				    NULL, NULL, "out of memory");
			c->buf = nb;
			c->cap = cap;
		}
		memcpy(c->buf + c->used, bytes, len);
		c->off[c->n] = c->used;
		c->jobs[c->n].len = len;
		c->jobs[c->n].hash_only = 0;
		c->jobs[c->n].sig_ok = 0;
		c->index[c->n] = ++*index;
		c->used += len;
		c->n++;
	}
	for (i = 0; i < c->n; i++)
		c->jobs[i].bytes = c->buf + c->off[i];
	return 0;
}

/* A join commits (unsynced) after this many entries: see import_txn(). */
#define JOIN_STEP 8192U

/*
 * import_txn() - the import proper, inside the write transaction t (see
 * record_import()).  fresh: the store is new (record_join()) and has no
 * genesis yet, so there is no membership to load; it is committed in
 * steps of JOIN_STEP entries, unsynced (the caller's commit syncs).
 */
static int
import_txn(struct import_state *x, const record_source *src, int fresh)
{
	const unsigned char *bytes;
	store_head *old = NULL;
	size_t len, nold = 0, i, since = 0;
	uint32_t index = 0;
	int rc, outcome, progress;

	/* Every chain in the store was checked as it was stored. */
	x->r->chain_checked = 1;
	if (!fresh && (rc = record_load_control(x->r, x->t, x->f)) != 0)
		goto out;
	if (x->chunk == NULL &&
	    (x->chunk = calloc(2, sizeof(*x->chunk))) == NULL) {
		rc = record_fail_at(x->f, DT_ENOMEM, NULL, 0, NULL, NULL,
		    "out of memory");
		goto out;
	}
	/* Without threads, signatures are simply checked in order. */
	if (x->pool == NULL && sigpool_new(&x->pool, 0) != 0)
		x->pool = NULL;
	if ((rc = store_heads(&old, &nold, x->t)) != 0 ||
	    (rc = store_held_scan(x->t, held_cb, x)) != 0) {
		record_fail_at(x->f, rc, NULL, 0, NULL, NULL,
		    "cannot read the store: %s", dt_strerror(rc));
		goto out;
	}
	/*
	 * The held entries' places, from their headers.  A held row that
	 * does not start with an entry's header (the store was tampered
	 * with) is dropped; one that is not a well-formed entry under its
	 * own hash is dropped when it is read whole (pend_load()).
	 */
	for (i = 0; i < x->npend; i++)
		if (x->pend[i].bad && ((rc = store_held_del(x->t,
		    x->pend[i].hash)) != 0)) {
			record_fail_at(x->f, rc, NULL, 0, NULL, NULL,
			    "cannot drop a damaged held entry");
			goto out;
		}
	if (x->npend > 0 && (x->held = calloc(x->npend,
	    sizeof *x->held)) == NULL) {
		rc = record_fail_at(x->f, DT_ENOMEM, NULL, 0, NULL, NULL,
		    "out of memory");
		goto out;
	}
	for (i = 0; i < x->npend; i++) {
		struct held_place *hp = &x->held[x->nheld];
		entry he;

		if (x->pend[i].bad || held_parse_head(&he, x->pend[i].bytes,
		    x->pend[i].len) != 0)
			continue;
		memcpy(hp->author, he.author, KEY_PK_BYTES);
		hp->seq = he.seq;
		memcpy(hp->hash, x->pend[i].hash, ENTRY_HASH_BYTES);
		x->nheld++;
	}
	if (x->nheld > 0)
		qsort(x->held, x->nheld, sizeof *x->held, held_place_cmp);
	/*
	 * Entries come in chunks: while this thread checks one chunk in
	 * order, the pool checks the next chunk's signatures on every core.
	 * Two chunks in memory at most, whatever the bundle's size.
	 */
	for (;;) {
		struct import_chunk *cur = &x->chunk[x->cur];
		struct import_chunk *nxt = &x->chunk[!x->cur];

		/*
		 * nxt is free (this thread checked it last time round): it
		 * is read, and the file hashed, while the pool still works
		 * on cur, so that the pool does not wait for the read.
		 */
		if ((rc = chunk_fill(x, nxt, src, &index)) != 0)
			goto out;
		if (x->pool != NULL && x->pending)
			sigpool_wait(x->pool);
		x->pending = 0;
		if (x->pool != NULL && nxt->n > 0) {
			sigpool_start(x->pool, nxt->jobs, nxt->n);
			x->pending = 1;
		}
		for (i = 0; i < cur->n; i++) {
			bytes = cur->jobs[i].bytes;
			len = cur->jobs[i].len;
			x->r->presig = cur->jobs[i].sig_ok ?
			    cur->jobs[i].hash : NULL;
			rc = import_one(x, bytes, len, x->pool != NULL ?
			    cur->jobs[i].hash : NULL, 1, &outcome);
			x->r->presig = NULL;
			if (rc != 0) {
				import_where(x, x->f, cur->index[i]);
				goto out;
			}
			if (outcome == IMPORT_ADDED)
				x->st->added++;
			else if (outcome == IMPORT_KNOWN)
				x->st->known++;
			else if ((rc = import_pend_push(x, bytes, len,
			    cur->index[i])) != 0) {
				record_fail_at(x->f, rc, NULL, 0, NULL, NULL,
				    "out of memory");
				goto out;
			}
		}
		/*
		 * A join's store is its own until it is moved into place:
		 * it may be committed in steps, unsynced, and the last
		 * commit makes it all durable at once.
		 */
		since += cur->n;
		if (fresh && since >= JOIN_STEP && nxt->n > 0) {
			since = 0;
			if ((rc = store_txn_renew_unsynced(&x->t)) != 0) {
				record_fail_at(x->f, rc, NULL, 0, NULL, NULL,
				    "cannot write the store: %s",
				    dt_strerror(rc));
				goto out;
			}
		}
		cur->n = 0;
		if (nxt->n == 0)
			break;
		if (x->pool == NULL)
			for (i = 0; i < nxt->n; i++)
				nxt->jobs[i].sig_ok = 0;
		x->cur = !x->cur;
	}
	if (x->runs != NULL && (rc = import_index(x)) != 0)
		goto out;
	if (x->npend > 1)
		qsort(x->pend, x->npend, sizeof *x->pend, pend_cmp_merged);
	do {
		progress = 0;
		for (i = 0; i < x->npend; i++) {
			struct import_pend *p = &x->pend[i];

			if (p->done)
				continue;
			if ((rc = import_retry(x, p, &outcome)) != 0)
				goto out;
			if (outcome == IMPORT_WAIT)
				continue;
			p->done = 1;
			if (outcome == IMPORT_ADDED) {
				progress = 1;
				if (p->index > 0)
					x->st->added++;
				else
					x->st->released++;
			} else if (p->index > 0)
				x->st->known++;
			if (p->index == 0 &&
			    (rc = store_held_del(x->t, p->hash)) != 0)
				goto out;
		}
	} while (progress);
	if ((rc = import_hold(x)) != 0)
		goto out;
	if ((rc = import_mark_verified(x->t, old, nold)) != 0)
		record_fail_at(x->f, rc, NULL, 0, NULL, NULL,
		    "cannot update the verified watermark: %s",
		    dt_strerror(rc));
out:
	x->r->chain_checked = 0;
	free(old);
	return rc;
}

static void
import_done(struct import_state *x)
{
	size_t i;

	if (x->pool != NULL && x->pending)
		sigpool_wait(x->pool);
	sigpool_free(x->pool);
	if (x->chunk != NULL) {
		free(x->chunk[0].buf);
		free(x->chunk[1].buf);
		free(x->chunk);
	}
	for (i = 0; i < x->npend; i++)
		free(x->pend[i].bytes);
	free(x->pend);
	free(x->held);
	runs_free(x->runs);
	free(x->fork_first);
	free(x->fork_second);
}

/* Keep a fork found in a rejected bundle, in a transaction of its own. */
static int
import_keep_fork(store *s, struct import_state *x)
{
	store_txn *t = NULL;
	int rc;

	if (x->fork_first == NULL || x->fork_second == NULL)
		return 0;
	if ((rc = store_txn_begin(&t, s, 1)) != 0)
		return rc;
	if ((rc = store_evidence_put(t, x->fork_first, x->fork_flen,
	    x->fork_second, x->fork_slen)) != 0) {
		store_txn_abort(t);
		return rc;
	}
	return store_txn_commit(t);
}

/* Reload r's membership from what is committed, after an abort. */
static void
import_reload(record *r)
{
	record_failure f;
	store_txn *t = NULL;

	if (store_txn_begin(&t, r->s, 0) != 0)
		return;
	(void)record_load_control(r, t, &f);
	store_txn_abort(t);
}

/* The bundle reader as a source of entries (record_source). */
static int
bundle_source_next(void *ctx, const unsigned char **bytes, size_t *len,
    const char **why)
{
	int rc;

	if ((rc = bundle_reader_next(ctx, bytes, len)) != 0)
		*why = bundle_reader_why(ctx);
	return rc;
}

static int
bundle_source_rewind(void *ctx)
{
	return bundle_reader_rewind(ctx);
}

static void
bundle_source(record_source *src, bundle_reader *b)
{
	src->dialogue = bundle_reader_dialogue(b);
	src->count = bundle_reader_count(b);
	src->what = "bundle";
	src->next = bundle_source_next;
	src->rewind = bundle_source_rewind;
	src->ctx = b;
}

int
record_import(record *r, bundle_reader *b, unsigned flags,
    record_import_stats *st, record_failure *f)
{
	record_source src;

	bundle_source(&src, b);
	return record_import_source(r, &src, flags, st, f);
}

int
record_import_source(record *r, const record_source *src, unsigned flags,
    record_import_stats *st, record_failure *f)
{
	struct import_state x;
	record_import_stats dummy;
	int rc;

	if (st == NULL)
		st = &dummy;
	memset(st, 0, sizeof *st);
	memset(f, 0, sizeof *f);
	memset(&x, 0, sizeof x);
	if (r->fail.code != 0)
		return record_fail_at(f, DT_ESTATE, NULL, 0, NULL, NULL,
		    "the record failed verification: %s", r->fail.detail);
	if ((flags & RECORD_VERIFY_KEY) && record_key(r) == NULL)
		return record_fail_at(f, DT_ENOKEY, NULL, 0, NULL, NULL,
		    "the dialogue key is not unlocked");
	if (sodium_memcmp(src->dialogue, r->id, ENTRY_HASH_BYTES) != 0)
		return record_fail_at(f, DT_EDIALOGUE, NULL, 0, NULL, r->id,
		    "the %s is for another dialogue", src->what);
	if (src->rewind != NULL && (rc = src->rewind(src->ctx)) != 0)
		return record_fail_at(f, rc, NULL, 0, NULL, NULL,
		    "cannot read the %s: %s", src->what, dt_strerror(rc));
	st->total = src->count;
	fault_list_reset(&r->faults);
	r->closes_valid = 0;
	x.r = r;
	x.what = src->what;
	x.flags = flags & RECORD_VERIFY_KEY;
	x.hold_all = (flags & RECORD_IMPORT_HOLD_ALL) != 0;
	x.st = st;
	x.f = f;
	if ((rc = store_txn_begin(&x.t, r->s, 1)) != 0) {
		record_fail_at(f, rc, NULL, 0, NULL, NULL,
		    "cannot begin a transaction: %s", dt_strerror(rc));
		goto out;
	}
	if ((rc = import_txn(&x, src, 0)) != 0) {
		store_txn_abort(x.t);
		x.t = NULL;
		import_reload(r);
		if (rc == DT_EFORK)
			(void)import_keep_fork(r->s, &x);
		goto out;
	}
	rc = store_txn_commit(x.t);
	x.t = NULL;
	if (rc != 0) {
		record_fail_at(f, rc, NULL, 0, NULL, NULL, "cannot commit: %s",
		    dt_strerror(rc));
		import_reload(r);
	}
out:
	if (rc != 0) {
		uint64_t total = st->total;

		/* Roots the cache took from entries the abort took back. */
		roots_free(r->roots);
		r->roots = NULL;
		/* Nothing was added, held or dropped: say so in the counts. */
		memset(st, 0, sizeof *st);
		st->total = total;
		fault_list_reset(&r->faults);
	}
	st->faults = r->faults.n;
	import_done(&x);
	return rc;
}

/* Remove a temporary store directory this process made. */
static void
remove_tmp_store(const char *tmp)
{
	char f[4096];

	snprintf(f, sizeof f, "%s/data.mdb", tmp);
	unlink(f);
	snprintf(f, sizeof f, "%s/lock.mdb", tmp);
	unlink(f);
	rmdir(tmp);
}

/* A replica can only be founded on its genesis: is it in the bundle? */
static int
join_has_genesis(bundle_reader *b, const unsigned char id[ENTRY_HASH_BYTES])
{
	const unsigned char *bytes;
	unsigned char h[ENTRY_HASH_BYTES];
	size_t len;
	int rc, found = 0;

	if ((rc = bundle_reader_rewind(b)) != 0)
		return rc;
	/* An export puts the genesis first (clock 0): usually one read. */
	while (!found && (rc = bundle_reader_next(b, &bytes, &len)) == 0 &&
	    bytes != NULL) {
		entry_hash(h, bytes, len);
		if (sodium_memcmp(h, id, ENTRY_HASH_BYTES) == 0)
			found = 1;
	}
	if (rc != 0)
		return rc;
	return found ? 0 : DT_ENOENT;
}

int
record_join(record **out, const char *parent, bundle_reader *b,
    unsigned flags, record_confirm_fn confirm, void *ctx,
    record_import_stats *st, record_failure *f)
{
	struct import_state x;
	record_import_stats dummy;
	record_source src;
	char hex[2 * ENTRY_HASH_BYTES + 1], *tmp = NULL, *final = NULL;
	unsigned char ga[KEY_PK_BYTES];
	uint64_t gseq;
	record *r = NULL;
	size_t n;
	int rc;

	*out = NULL;
	if (st == NULL)
		st = &dummy;
	memset(st, 0, sizeof *st);
	memset(f, 0, sizeof *f);
	memset(&x, 0, sizeof x);
	key_hex(hex, bundle_reader_dialogue(b), ENTRY_HASH_BYTES);
	n = strlen(parent) + 2 * ENTRY_HASH_BYTES + 16;
	if ((tmp = malloc(n)) == NULL || (final = malloc(n)) == NULL ||
	    (r = calloc(1, sizeof *r)) == NULL) {
		rc = record_fail_at(f, DT_ENOMEM, NULL, 0, NULL, NULL,
		    "out of memory");
		goto out;
	}
	snprintf(tmp, n, "%s/.join-XXXXXX", parent);
	snprintf(final, n, "%s/%s", parent, hex);
	if (access(final, F_OK) == 0) {
		rc = record_fail_at(f, DT_EEXIST, NULL, 0, NULL, NULL,
		    "this dialogue is here already");
		goto out;
	}
	if (mkdtemp(tmp) == NULL) {
		int e = errno;

		/* the cause in words: a read-only medium, permissions, ... */
		rc = record_fail_at(f, e == ENOSPC ? DT_ENOSPC : DT_EIO, NULL,
		    0, NULL, NULL, "cannot make a directory in %s (%s)", parent,
		    strerror(e));
		free(tmp);
		tmp = NULL;
		goto out;
	}
	memcpy(r->id, bundle_reader_dialogue(b), ENTRY_HASH_BYTES);
	r->have_id = 1;
	if ((rc = join_has_genesis(b, r->id)) != 0) {
		record_fail_at(f, rc, NULL, 0, NULL, r->id, rc == DT_ENOENT ?
		    "the bundle does not carry the dialogue's genesis entry" :
		    "cannot read the bundle: %s", dt_strerror(rc));
		goto out;
	}
	if ((rc = store_open(&r->s, tmp, 1)) != 0 ||
	    (rc = bundle_reader_rewind(b)) != 0) {
		record_fail_at(f, rc, NULL, 0, NULL, NULL, "%s",
		    dt_strerror(rc));
		goto out;
	}
	st->total = bundle_reader_count(b);
	x.r = r;
	x.flags = 0; /* locked: nobody has unlocked the new record yet */
	x.hold_all = (flags & RECORD_IMPORT_HOLD_ALL) != 0;
	x.st = st;
	x.f = f;
	if ((rc = store_txn_begin(&x.t, r->s, 1)) != 0 ||
	    (rc = store_set_dialogue(x.t, r->id)) != 0 ||
	    (rc = runs_open(&x.runs, tmp)) != 0) {
		record_fail_at(f, rc, NULL, 0, NULL, NULL, "%s",
		    dt_strerror(rc));
		goto out;
	}
	bundle_source(&src, b);
	if ((rc = import_txn(&x, &src, 1)) != 0)
		goto out;
	if (store_locate(ga, &gseq, x.t, r->id) != 0) {
		rc = record_fail_at(f, DT_ENOENT, NULL, 0, NULL, r->id,
		    "the bundle does not carry the dialogue's genesis entry");
		goto out;
	}
	/*
	 * Synced, and with it the steps import_txn() committed unsynced:
	 * this transaction is never empty, as the last chunk and the
	 * verified watermarks are written in it.
	 */
	rc = store_txn_commit(x.t);
	x.t = NULL;
	if (rc != 0) {
		record_fail_at(f, rc, NULL, 0, NULL, NULL, "cannot commit: %s",
		    dt_strerror(rc));
		goto out;
	}
	if (confirm != NULL && (rc = confirm(ctx, r, st)) != 0)
		goto out;
	store_close(r->s);
	r->s = NULL;
	if (rename(tmp, final) != 0) {
		rc = record_fail_at(f, errno == EEXIST || errno == ENOTEMPTY ?
		    DT_EEXIST : DT_EIO, NULL, 0, NULL, NULL,
		    "cannot move the new dialogue into place");
		goto out;
	}
	free(tmp);
	tmp = NULL;
	if ((rc = record_fsync_dir(parent)) != 0 ||
	    (rc = record_open(out, final)) != 0) {
		record_fail_at(f, rc, NULL, 0, NULL, NULL, "%s",
		    dt_strerror(rc));
		goto out;
	}
	if ((*out)->fail.code != 0) {
		*f = (*out)->fail;
		rc = f->code;
		record_close(*out);
		*out = NULL;
	}
out:
	store_txn_abort(x.t);
	import_done(&x);
	record_close(r);
	if (tmp != NULL)
		remove_tmp_store(tmp);
	free(tmp);
	free(final);
	return rc;
}
