/*
 * record_verify.c: the verify walk (record_verify(), record_audit_walk()):
 * every feed walked in order and each entry given to record_check_entry(),
 * on one core or on every core (a sigpool hashing and checking signatures
 * chunk by chunk, the feeds' trees built beside it); the seals' listed
 * roots checked after the walk; and what a walk that passed leaves: the
 * feeds' watermarks, the `checked` rows and the member faults' rows.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../crypto/err.h"
#include "record_priv.h"
#include "sigpool.h"
#include "seal.h"

/* State of the feed walk of record_verify(). */
struct feed_walk {
	record *r;
	store_txn *t;
	unsigned flags;
	int incremental;
	int have_feed;
	unsigned char author[KEY_PK_BYTES];
	uint64_t next_seq;
	unsigned char prev_hash[ENTRY_HASH_BYTES];
	uint64_t prev_clock;
	record_failure *f;
	record_stats *st;
	/* A walk from seq 0 hashes the feed into its tree as it goes. */
	merkle_frontier fr;
	int fr_ok;
	/*
	 * Or the pooled walk's tree stage did (tree_run()), ahead of the
	 * walk: for the entry at hand, the feed's root before it (given
	 * when it is a checkpoint) and after it (given when it is the last
	 * of its feed in its chunk); root is the latter, kept.
	 */
	int pretree;
	const unsigned char *pre_before, *pre_after;
	int pre_too_long;
	unsigned char root[MERKLE_HASH_BYTES];
	uint64_t covered;     /* entries of the feed a checkpoint covers */
	const record_walk_hooks *hooks;
	uint64_t done;        /* entries walked, for progress */
	uint64_t total;       /* entries the walk is to check */
};

/* The feed just walked must end where its head row says it does. */
static int
feed_finish(struct feed_walk *w)
{
	store_head h;
	int rc;

	if (!w->have_feed)
		return 0;
	if ((rc = store_head_get(&h, w->t, w->author)) != 0)
		return record_fail_at(w->f, DT_ECORRUPT, w->author,
		    w->next_seq - 1, w->prev_hash, NULL,
		    "the feed has no head row");
	if (h.next_seq != w->next_seq || memcmp(h.hash, w->prev_hash,
	    ENTRY_HASH_BYTES) != 0 || h.clock != w->prev_clock)
		return record_fail_at(w->f, DT_ECORRUPT, w->author,
		    w->next_seq - 1, w->prev_hash, h.hash,
		    "the feed's head row says %llu entries, the feed has %llu",
		    (unsigned long long)h.next_seq,
		    (unsigned long long)w->next_seq);
	w->st->feeds++;
	if (w->fr_ok && !w->pretree)
		(void)roots_offer(&w->r->roots, w->author, &w->fr);
	if (w->covered > w->next_seq)
		return record_fail_at(w->f, DT_ECORRUPT, w->author,
		    w->next_seq - 1, w->prev_hash, NULL,
		    "a checkpoint of this feed covers %llu "
		    "entries; the feed has %llu",
		    (unsigned long long)w->covered,
		    (unsigned long long)w->next_seq);
	if (w->hooks != NULL && w->hooks->progress != NULL)
		w->hooks->progress(w->hooks->ctx, w->done, w->total);
	if (w->hooks != NULL && w->hooks->feed != NULL) {
		record_feed_info fi;

		memset(&fi, 0, sizeof fi);
		memcpy(fi.author, w->author, KEY_PK_BYTES);
		fi.size = w->next_seq;
		fi.has_root = w->fr_ok;
		if (w->fr_ok && w->pretree)
			memcpy(fi.root, w->root, sizeof fi.root);
		else if (w->fr_ok)
			merkle_frontier_root(&w->fr, fi.root);
		fi.covered = w->covered;
		if ((rc = w->hooks->feed(w->hooks->ctx, &fi)) != 0)
			return record_fail_at(w->f, rc, NULL, 0, NULL, NULL,
			    "%s", dt_strerror(rc));
	}
	return 0;
}

/* Start walking a feed at seq from: find the entry before it, if any. */
static int
feed_start(struct feed_walk *w, const unsigned char *author, uint64_t from)
{
	unsigned char *b = NULL;
	size_t len;
	entry e;
	int rc;

	w->have_feed = 1;
	memcpy(w->author, author, KEY_PK_BYTES);
	w->next_seq = from;
	w->prev_clock = 0;
	memset(w->prev_hash, 0, sizeof w->prev_hash);
	merkle_frontier_init(&w->fr);
	w->fr_ok = from == 0;
	w->covered = from == 0 && (w->flags & RECORD_VERIFY_CHECKPOINTS) ?
	    record_cover_get(w->r, author) : 0;
	if (from == 0)
		return 0;
	if ((rc = store_get(&b, &len, w->t, author, from - 1)) != 0)
		return record_fail_at(w->f, rc == DT_ENOENT ? DT_ECHAIN : rc,
		    author, from - 1, NULL, NULL, "verified entry missing");
	if ((rc = entry_parse(&e, b, len)) != 0) {
		free(b);
		return record_fail_at(w->f, rc, author, from - 1, NULL, NULL,
		    "verified entry is malformed");
	}
	entry_hash(w->prev_hash, b, len);
	w->prev_clock = e.clock;
	free(b);
	return 0;
}

static int
feed_cb(void *ctx, const unsigned char key[STORE_KEY_BYTES],
    const unsigned char *bytes, size_t len,
    const unsigned char hash[ENTRY_HASH_BYTES])
{
	struct feed_walk *w = ctx;
	unsigned char la[KEY_PK_BYTES], root[MERKLE_HASH_BYTES];
	uint64_t kseq = store_get_be64(key + KEY_PK_BYTES), lseq;
	entry e;
	int rc;

	if (!w->have_feed || memcmp(key, w->author, KEY_PK_BYTES) != 0) {
		if ((rc = feed_finish(w)) != 0)
			return rc;
		if ((rc = feed_start(w, key, w->incremental ? kseq : 0)) != 0)
			return rc;
	}
	if ((rc = entry_parse(&e, bytes, len)) != 0)
		return record_fail_at(w->f, rc, key, kseq, hash, NULL,
		    "entry is malformed (%s)", dt_strerror(rc));
	if (memcmp(e.author, key, KEY_PK_BYTES) != 0 || e.seq != kseq)
		return record_fail_at(w->f, DT_ECORRUPT, key, kseq, hash, NULL,
		    "entry is stored under another author or sequence");
	if (kseq != w->next_seq)
		return record_fail_at(w->f, DT_ECHAIN, key, w->next_seq,
		    NULL, NULL,
		    "entry missing from the feed (next stored is seq %llu)",
		    (unsigned long long)kseq);
	/*
	 * The fast path: an entry below the feed's latest checkpoint is
	 * authenticated by that checkpoint's signed root, which the walk
	 * checks against the root of these very bytes when it reaches the
	 * checkpoint entry (which must be there: feed_finish()).
	 */
	if (w->covered > 0 && kseq == w->covered &&
	    e.kind != ENTRY_K_CHECKPOINT)
		return record_fail_at(w->f, DT_ECORRUPT, key, kseq, hash, NULL,
		    "the control index names a checkpoint the feed does not "
		    "hold here");
	w->r->sig_covered = kseq < w->covered;
	if (w->fr_ok && e.kind == ENTRY_K_CHECKPOINT) {
		if (!w->pretree)
			merkle_frontier_root(&w->fr, root);
		else if (w->pre_before != NULL)
			memcpy(root, w->pre_before, sizeof root);
		else
			return record_fail_at(w->f, DT_ECORRUPT, key, kseq,
			    hash, NULL,
			    "the feed's tree was not computed here");
		w->r->walk_root = root;
	}
	rc = record_check_entry(w->r, w->t, &e, hash,
	    kseq ? w->prev_hash : NULL, w->prev_clock, w->flags, w->f, w->st);
	w->r->sig_covered = 0;
	w->r->walk_root = NULL;
	if (rc != 0)
		return rc;
	if (kseq < w->covered)
		w->st->root_checked++;
	else
		w->st->sig_checked++;
	if (w->fr_ok && (w->pretree ? w->pre_too_long :
	    merkle_frontier_append(&w->fr, hash) != 0))
		return record_fail_at(w->f, DT_ERANGE, key, kseq, hash, NULL,
		    "the feed is too long for its tree");
	/* The walk on one core feeds the roots cache itself (tree_run()). */
	if (w->fr_ok && !w->pretree && w->fr.size % ROOTS_SNAP == 0)
		(void)roots_offer(&w->r->roots, key, &w->fr);
	if (w->fr_ok && w->pretree && w->pre_after != NULL)
		memcpy(w->root, w->pre_after, sizeof w->root);
	if (w->flags & RECORD_VERIFY_NO_INDEXES)
		goto indexed;
	if (store_locate(la, &lseq, w->t, hash) != 0 ||
	    memcmp(la, key, KEY_PK_BYTES) != 0 || lseq != kseq)
		return record_fail_at(w->f, DT_ECORRUPT, key, kseq, hash, NULL,
		    "the hash index does not lead to this entry");
	if (!store_check_order(w->t, e.clock, key, hash))
		return record_fail_at(w->f, DT_ECORRUPT, key, kseq, hash, NULL,
		    "the merged-order index does not list this entry");
	if (!store_check_kind(w->t, &e, hash))
		return record_fail_at(w->f, DT_ECORRUPT, key, kseq, hash, NULL,
		    "the kinds index does not list this entry");
indexed:
	memcpy(w->prev_hash, hash, ENTRY_HASH_BYTES);
	w->prev_clock = e.clock;
	w->next_seq = kseq + 1;
	w->st->entries++;
	if (w->hooks != NULL && w->hooks->progress != NULL &&
	    ++w->done % 1024 == 0)
		w->hooks->progress(w->hooks->ctx, w->done, w->total);
	return 0;
}

/*
 * The full walk on every core: the entries of the store are taken in
 * chunks (pointers into the map in a read-only transaction, else
 * copies); while a sigpool hashes the next chunk and checks its
 * signatures (only the hashes of the entries a checkpoint covers), this
 * thread checks the chunk before it in order (feed_cb()).  The chunk's
 * leaf hashes are appended to the feeds' trees (tree_run()) by this
 * thread, while the pool works on the next chunk, when the walk checks
 * signatures (verify: the pool, where the time goes, then never waits
 * on a tree); by a stage thread after the pool, beside this thread's
 * checks, on the fast path of an audit (where the pool only hashes and
 * this thread's checks take the time).  Two chunks in memory at most,
 * whatever the record's size.
 */
#define WALK_CHUNK 4096U
#define WALK_CHUNK_BYTES (16U * 1024U * 1024U)

struct walk_chunk {
	sigpool_job jobs[WALK_CHUNK];
	unsigned char keys[WALK_CHUNK][STORE_KEY_BYTES];
	size_t off[WALK_CHUNK];
	size_t n, used, cap;
	unsigned char *buf;
	/* from tree_run(): see struct feed_walk's pre_before, pre_after */
	unsigned char before[WALK_CHUNK][MERKLE_HASH_BYTES];
	unsigned char after[WALK_CHUNK][MERKLE_HASH_BYTES];
	unsigned char has_before[WALK_CHUNK], has_after[WALK_CHUNK];
	unsigned char too_long[WALK_CHUNK];
};

/* The trees' state (tree_run()): the feed it is in and that feed's tree. */
struct walk_tree {
	record *r;        /* its roots cache */
	int have;
	int ok;           /* 0 after a gap: the walk fails there anyway */
	unsigned char author[KEY_PK_BYTES];
	uint64_t next_seq;
	merkle_frontier fr;
};

struct walk_pool {
	struct walk_chunk c[2];
	int cur;          /* the chunk being filled */
	int pending;      /* the pool works on the other one */
	int in_map;       /* read-only: jobs point into the map, no copies */
	sigpool *pool;
	struct walk_tree tree;
	/*
	 * tree_here: the pool checks signatures, where the time goes, and
	 * this thread grows the trees while the pool works on the next
	 * chunk, so that the pool never waits on a tree.  Else (the fast
	 * path of an audit, where the pool only hashes and this thread's
	 * checks are what take time) a stage thread has the pool hash a
	 * chunk and then grows the trees, beside this thread's checks.
	 */
	int tree_here;
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int have_th, quit;
	struct walk_chunk *job;  /* the stage's chunk (NULL: idle) */
	struct feed_walk *w;
	/* the last feed looked up in the checkpoint coverage */
	unsigned char cover_author[KEY_PK_BYTES];
	uint64_t cover_size;
	int cover_known;
};

/*
 * tree_run() - append the leaf hashes of chunk c (hashed) to the trees of
 * their feeds, in key order as feed_cb() meets them, and note the roots
 * feed_cb() needs: before each checkpoint, and after the last entry of
 * each feed in the chunk.  What the tree is fed is checked by the walk
 * (author and sequence of every entry) before it uses a root.
 */
static void
tree_run(struct walk_tree *t, struct walk_chunk *c)
{
	uint64_t seq;
	size_t i;

	for (i = 0; i < c->n; i++) {
		const sigpool_job *j = &c->jobs[i];

		c->has_before[i] = c->has_after[i] = c->too_long[i] = 0;
		if (!t->have || memcmp(t->author, c->keys[i],
		    KEY_PK_BYTES) != 0) {
			t->have = 1;
			t->ok = 1;
			t->next_seq = 0;
			memcpy(t->author, c->keys[i], KEY_PK_BYTES);
			merkle_frontier_init(&t->fr);
		}
		seq = store_get_be64(c->keys[i] + KEY_PK_BYTES);
		if (seq != t->next_seq)
			t->ok = 0;
		t->next_seq = seq + 1;
		if (!t->ok)
			continue;
		/* the kind byte, if these are an entry's bytes at all */
		if (j->len > 4 && j->bytes[4] == ENTRY_K_CHECKPOINT) {
			merkle_frontier_root(&t->fr, c->before[i]);
			c->has_before[i] = 1;
		}
		if (merkle_frontier_append(&t->fr, j->hash) != 0) {
			c->too_long[i] = 1;
			t->ok = 0;
			continue;
		}
		/* For seals, checked after the walk (verify_seals()). */
		if (t->fr.size % ROOTS_SNAP == 0)
			(void)roots_offer(&t->r->roots, t->author, &t->fr);
		if (i + 1 == c->n || memcmp(c->keys[i + 1], t->author,
		    KEY_PK_BYTES) != 0) {
			merkle_frontier_root(&t->fr, c->after[i]);
			c->has_after[i] = 1;
			(void)roots_offer(&t->r->roots, t->author, &t->fr);
		}
	}
}

/* stage_run() - hash and check chunk c on the pool, then grow the trees. */
static void
stage_run(struct walk_pool *p, struct walk_chunk *c)
{
	sigpool_start(p->pool, c->jobs, c->n);
	sigpool_wait(p->pool);
	tree_run(&p->tree, c);
}

static void *
stage_thread(void *arg)
{
	struct walk_pool *p = arg;
	struct walk_chunk *c;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (p->job == NULL && !p->quit)
			pthread_cond_wait(&p->cv, &p->mu);
		if (p->job == NULL)
			break;
		c = p->job;
		pthread_mutex_unlock(&p->mu);
		stage_run(p, c);
		pthread_mutex_lock(&p->mu);
		p->job = NULL;
		pthread_cond_broadcast(&p->cv);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/* stage_give() - have the stage work on c; inline without the thread. */
static void
stage_give(struct walk_pool *p, struct walk_chunk *c)
{
	if (!p->have_th) {
		stage_run(p, c);
		return;
	}
	pthread_mutex_lock(&p->mu);
	p->job = c;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

/* stage_wait() - wait until the stage is done with the chunk it has. */
static void
stage_wait(struct walk_pool *p)
{
	if (!p->have_th)
		return;
	pthread_mutex_lock(&p->mu);
	while (p->job != NULL)
		pthread_cond_wait(&p->cv, &p->mu);
	pthread_mutex_unlock(&p->mu);
}

/* Check the entries of chunk c, in order, as feed_cb() would have. */
static int
walk_chunk_check(struct walk_pool *p, struct walk_chunk *c)
{
	struct feed_walk *w = p->w;
	size_t i;
	int rc = 0;

	w->pretree = 1;
	for (i = 0; i < c->n && rc == 0; i++) {
		sigpool_job *j = &c->jobs[i];

		w->pre_before = c->has_before[i] ? c->before[i] : NULL;
		w->pre_after = c->has_after[i] ? c->after[i] : NULL;
		w->pre_too_long = c->too_long[i];
		w->r->presig = j->sig_ok ? j->hash : NULL;
		rc = feed_cb(w, c->keys[i], j->bytes, j->len, j->hash);
		w->r->presig = NULL;
	}
	w->pre_before = w->pre_after = NULL;
	c->n = 0;
	c->used = 0;
	return rc;
}

/*
 * Hand the chunk being filled to the pool, and, while the pool works on
 * it, grow the trees with the other one and check it.  The pool is idle
 * only from the end of one chunk to the start of the next (its workers
 * take jobs a few at a time, so they end a chunk together).
 */
static int
walk_flush(struct walk_pool *p)
{
	struct walk_chunk *fill = &p->c[p->cur], *other = &p->c[!p->cur];
	size_t i;

	if (p->pending)
		p->tree_here ? sigpool_wait(p->pool) : stage_wait(p);
	for (i = 0; !p->in_map && i < fill->n; i++)
		fill->jobs[i].bytes = fill->buf + fill->off[i];
	if (fill->n > 0)
		p->tree_here ? sigpool_start(p->pool, fill->jobs, fill->n) :
		    stage_give(p, fill);
	if (p->pending && p->tree_here)
		tree_run(&p->tree, other);
	p->pending = fill->n > 0;
	p->cur = !p->cur;
	return walk_chunk_check(p, other);
}

static int
walk_raw_cb(void *ctx, const unsigned char key[STORE_KEY_BYTES],
    const unsigned char *bytes, size_t len,
    const unsigned char *hash)
{
	struct walk_pool *p = ctx;
	struct walk_chunk *c = &p->c[p->cur];
	unsigned char *nb;
	int rc;

	(void)hash;
	if (c->n == WALK_CHUNK || (c->n > 0 && c->used + len >
	    WALK_CHUNK_BYTES)) {
		if ((rc = walk_flush(p)) != 0)
			return rc;
		c = &p->c[p->cur];
	}
	if (!p->in_map && c->used + len > c->cap) {
		size_t cap = c->cap ? c->cap : 65536;

		while (cap < c->used + len)
			cap *= 2;
		if ((nb = realloc(c->buf, cap)) == NULL)
			return record_fail_at(p->w->f, DT_ENOMEM, NULL, 0, NULL,
			    NULL, "out of memory");
		c->buf = nb;
		c->cap = cap;
	}
	if (!p->cover_known || memcmp(p->cover_author, key,
	    KEY_PK_BYTES) != 0) {
		memcpy(p->cover_author, key, KEY_PK_BYTES);
		p->cover_size = (p->w->flags & RECORD_VERIFY_CHECKPOINTS) ?
		    record_cover_get(p->w->r, key) : 0;
		p->cover_known = 1;
	}
	if (p->in_map)
		c->jobs[c->n].bytes = bytes;
	else
		memcpy(c->buf + c->used, bytes, len);
	memcpy(c->keys[c->n], key, STORE_KEY_BYTES);
	c->off[c->n] = c->used;
	c->jobs[c->n].len = len;
	c->jobs[c->n].sig_ok = 0;
	/* Covered entries: the checkpoint's root stands for their signatures. */
	c->jobs[c->n].hash_only =
	    store_get_be64(key + KEY_PK_BYTES) < p->cover_size;
	c->used += len;
	c->n++;
	return 0;
}

/* walk_pooled()'s private result: no pool to be had, nothing done. */
#define WALK_NO_POOL 1

/*
 * walk_pooled() - store_scan_entries(t, NULL, 0, 0, feed_cb, w) on every
 * core; or, given heads, the entries of each feed from its watermark
 * (an incremental walk); WALK_NO_POOL when no pool can be had (the
 * caller then walks on one core).
 */
static int
walk_pooled(struct feed_walk *w, store_txn *t, const store_head *heads,
    size_t nheads)
{
	size_t i;
	struct walk_pool *p;
	int rc;

	if ((p = calloc(1, sizeof *p)) == NULL)
		return WALK_NO_POOL;
	if (sigpool_new(&p->pool, 0) != 0) {
		free(p);
		return WALK_NO_POOL;
	}
	p->w = w;
	p->tree.r = w->r;
	p->in_map = store_txn_readonly(t);
	p->tree_here = !(w->flags & RECORD_VERIFY_CHECKPOINTS);
	if (!p->tree_here && pthread_mutex_init(&p->mu, NULL) == 0) {
		if (pthread_cond_init(&p->cv, NULL) == 0) {
			p->have_th = pthread_create(&p->th, NULL, stage_thread,
			    p) == 0;
			if (!p->have_th)
				pthread_cond_destroy(&p->cv);
		}
		if (!p->have_th)
			pthread_mutex_destroy(&p->mu);
	}
	if (heads == NULL)
		rc = store_scan_raw(t, walk_raw_cb, p);
	for (i = 0, rc = heads == NULL ? rc : 0; rc == 0 && i < nheads; i++)
		if (heads[i].verified < heads[i].next_seq)
			rc = store_scan_feed_raw(t, heads[i].author,
			    heads[i].verified, walk_raw_cb, p);
	if (rc == 0)
		rc = walk_flush(p);     /* the last chunk to the pool */
	if (rc == 0)
		rc = walk_flush(p);     /* and checked */
	if (p->pending)         /* a failure: the pool still has a chunk */
		p->tree_here ? sigpool_wait(p->pool) : stage_wait(p);
	if (p->have_th) {
		pthread_mutex_lock(&p->mu);
		p->quit = 1;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
		pthread_join(p->th, NULL);
		pthread_cond_destroy(&p->cv);
		pthread_mutex_destroy(&p->mu);
	}
	sigpool_free(p->pool);
	free(p->c[0].buf);
	free(p->c[1].buf);
	free(p);
	return rc;
}

/*
 * verify_seals() - after a walk that passed, the listed roots of the
 * seals it met (seal_defer()), from the roots cache the walk fed: each
 * a snapshot and at most ROOTS_SNAP - 1 entries' prev fields per feed,
 * the chains having been checked.
 */
static int
verify_seals(record *r, store_txn *t, record_failure *f)
{
	char why[sizeof f->detail];
	unsigned char *b = NULL;
	size_t i, len;
	entry e;
	int rc = 0;

	r->chain_checked = 1;
	for (i = 0; rc == 0 && i < r->nlater; i++) {
		const struct seal_later *l = &r->later[i];

		if ((rc = store_get(&b, &len, t, l->author, l->seq)) != 0 ||
		    (rc = entry_parse(&e, b, len)) != 0)
			rc = record_fail_at(f, rc, l->author, l->seq, l->hash,
			    NULL, "cannot read the seal entry again: %s",
			    dt_strerror(rc));
		else if ((rc = seal_check_roots(r, t, &e, why,
		    sizeof why)) != 0)
			rc = record_fail_at(f, rc, l->author, l->seq, l->hash,
			    NULL, "%s", why);
		free(b);
		b = NULL;
	}
	r->chain_checked = 0;
	return rc;
}

/* Walk entries and check each; see record_verify(). */
static int
verify_txn(record *r, store_txn *t, unsigned flags,
    const record_walk_hooks *hooks, record_stats *st, record_failure *f)
{
	struct feed_walk w;
	store_head *heads = NULL;
	size_t nheads = 0, i;
	uint64_t n_order;
	int rc;

	memset(&w, 0, sizeof w);
	w.r = r;
	w.t = t;
	w.flags = flags;
	w.f = f;
	w.st = st;
	w.hooks = hooks;
	fault_list_reset(&r->faults);
	r->closes_valid = 0;
	/* Only an opening trusts the `checked` rows; verify checks all. */
	r->ctl_trust = (flags & RECORD_VERIFY_INCREMENTAL) != 0;
	rc = record_load_control(r, t, f);
	r->ctl_trust = 0;
	st->ctl_entries = r->ctl_n;
	st->ctl_sig_checked = r->ctl_checked;
	st->ctl_cached = r->ctl_cached;
	st->ctl_read = r->ctl_read;
	if (rc != 0)
		goto out;
	r->seals_later = 1;
	r->nlater = 0;
	if ((rc = store_count(&st->total, t)) != 0 ||
	    (rc = store_order_count(&n_order, t)) != 0 ||
	    (rc = store_heads(&heads, &nheads, t)) != 0) {
		rc = record_fail_at(f, rc, NULL, 0, NULL, NULL,
		    "cannot read the store: %s", dt_strerror(rc));
		goto out;
	}
	if (n_order != st->total) {
		rc = record_fail_at(f, DT_ECORRUPT, NULL, 0, NULL, NULL,
		    "the merged-order index has %llu rows for %llu entries",
		    (unsigned long long)n_order,
		    (unsigned long long)st->total);
		goto out;
	}
	w.total = st->total;
	if (flags & RECORD_VERIFY_INCREMENTAL) {
		w.incremental = 1;
		for (w.total = 0, i = 0; i < nheads; i++)
			if (heads[i].verified < heads[i].next_seq)
				w.total += heads[i].next_seq - heads[i].verified;
		/*
		 * A record that lags by more than a chunk (a bundle imported
		 * by another program, a first opening) is checked on every
		 * core, feed by feed from its watermark.
		 */
		if (w.total >= WALK_CHUNK) {
			for (i = 0; i < nheads; i++)
				if (heads[i].verified >= heads[i].next_seq)
					st->feeds++;
			rc = walk_pooled(&w, t, heads, nheads);
			if (rc != WALK_NO_POOL) {
				if (rc != 0 || (rc = feed_finish(&w)) != 0)
					goto out;
				goto walked;
			}
			st->feeds = 0;
			w.have_feed = 0;
		}
		for (i = 0; i < nheads; i++) {
			if (heads[i].verified >= heads[i].next_seq) {
				st->feeds++;
				continue;
			}
			w.have_feed = 0;
			if ((rc = feed_start(&w, heads[i].author,
			    heads[i].verified)) != 0 ||
			    (rc = store_scan_entries(t, heads[i].author,
			    heads[i].verified, 1, feed_cb, &w)) != 0 ||
			    (rc = feed_finish(&w)) != 0)
				goto out;
			w.have_feed = 0;
		}
	} else {
		rc = walk_pooled(&w, t, NULL, 0);
		if (rc == WALK_NO_POOL) /* the same walk on one core */
			rc = store_scan_entries(t, NULL, 0, 0, feed_cb, &w);
		if (rc != 0 || (rc = feed_finish(&w)) != 0)
			goto out;
		if (st->feeds != nheads) {
			rc = record_fail_at(f, DT_ECORRUPT, NULL, 0, NULL, NULL,
			    "%zu head rows for %llu feeds", nheads,
			    (unsigned long long)st->feeds);
			goto out;
		}
	}
walked:
	rc = verify_seals(r, t, f);
out:
	r->seals_later = 0;
	r->nlater = 0;
	if (rc != 0 && f->code == 0)
		record_fail_at(f, rc, NULL, 0, NULL, NULL, "%s",
		    dt_strerror(rc));
	free(heads);
	return rc;
}

/* Move every feed's watermark to its head, in its own transaction. */
static int
mark_verified(record *r)
{
	store_txn *t = NULL;
	store_head *heads = NULL;
	size_t n = 0, i;
	int rc, changed = 0;

	if ((rc = store_txn_begin(&t, r->s, 1)) != 0)
		return rc;
	if ((rc = store_heads(&heads, &n, t)) != 0)
		goto out;
	for (i = 0; i < n; i++)
		if (heads[i].verified != heads[i].next_seq) {
			if ((rc = store_head_set_verified(t, heads[i].author,
			    heads[i].next_seq)) != 0)
				goto out;
			changed = 1;
		}
	/*
	 * The control entries whose signatures this verification checked,
	 * in the transaction that moves the watermarks past them (a store
	 * made before `checked` existed, opened read-only, has none).
	 */
	for (i = 0; i < r->nfresh; i++) {
		if ((rc = store_checked_put(t, r->fresh[i].hash,
		    r->fresh[i].author, r->fresh[i].seq,
		    r->fresh[i].kind)) == DT_EVERSION)
			break;
		if (rc != 0)
			goto out;
		changed = 1;
	}
	rc = 0;
	r->nfresh = 0;
	/* ...and what the control pass needs next time, if it changed. */
	if (r->sum_dirty && r->sum_n > 0 && r->nmemh > 0) {
		if ((rc = record_ctl_summary_put(r, t)) == 0)
			changed = 1;
		else if (rc != DT_EVERSION)
			goto out;
		rc = 0;
	}
	free(heads);
	heads = NULL;
	if (!changed)
		goto out;
	rc = store_txn_commit(t);
	t = NULL;
out:
	free(heads);
	store_txn_abort(t);
	return rc;
}

/* Keep the rows of the member faults the walk met, in a transaction. */
static int
keep_faults(record *r)
{
	store_txn *t = NULL;
	size_t i;
	int rc;

	if (r->faults.n == 0)
		return 0;
	if ((rc = store_txn_begin(&t, r->s, 1)) != 0)
		return rc;
	for (i = 0; i < r->faults.n; i++)
		if ((rc = store_fault_put(t, &r->faults.v[i])) != 0)
			goto out;
	rc = store_txn_commit(t);
	t = NULL;
out:
	store_txn_abort(t);
	return rc;
}

/* record_verify(), reporting progress through hooks (may be NULL). */
int
record_verify_marked(record *r, unsigned flags, const record_walk_hooks *hooks,
    record_stats *st, record_failure *f)
{
	record_stats dummy;
	store_txn *t = NULL;
	int rc;

	if (st == NULL)
		st = &dummy;
	memset(st, 0, sizeof *st);
	memset(f, 0, sizeof *f);
	if ((flags & RECORD_VERIFY_KEY) && record_key(r) == NULL)
		return record_fail_at(f, DT_ENOKEY, NULL, 0, NULL, NULL,
		    "the dialogue key is not unlocked");
	/*
	 * One read transaction is one consistent snapshot: entries
	 * appended meanwhile by other processes are neither half-seen nor
	 * reported as missing.
	 */
	if ((rc = store_txn_begin(&t, r->s, 0)) != 0)
		return record_fail_at(f, rc, NULL, 0, NULL, NULL,
		    "cannot read the store: %s", dt_strerror(rc));
	rc = verify_txn(r, t, flags & ~(RECORD_VERIFY_CHECKPOINTS |
	    RECORD_VERIFY_NO_INDEXES), hooks, st, f);
	store_txn_abort(t);
	if (rc == 0) {
		/* A read-only store simply keeps its old watermark. */
		(void)mark_verified(r);
		/* ...and the faults it knew: the walk has listed them. */
		(void)keep_faults(r);
	}
	return rc;
}

int
record_verify(record *r, unsigned flags, record_stats *st,
    record_failure *f)
{
	return record_verify_marked(r, flags, NULL, st, f);
}

int
record_audit_walk(record *r, unsigned flags, const record_walk_hooks *h,
    record_stats *st, record_failure *f)
{
	record_stats dummy;
	store_txn *t = NULL;
	int rc;

	if (st == NULL)
		st = &dummy;
	memset(st, 0, sizeof *st);
	memset(f, 0, sizeof *f);
	flags &= ~RECORD_VERIFY_INCREMENTAL;
	if ((flags & RECORD_VERIFY_KEY) && record_key(r) == NULL)
		return record_fail_at(f, DT_ENOKEY, NULL, 0, NULL, NULL,
		    "the dialogue key is not unlocked");
	if ((rc = store_txn_begin(&t, r->s, 0)) != 0)
		return record_fail_at(f, rc, NULL, 0, NULL, NULL,
		    "cannot read the store: %s", dt_strerror(rc));
	rc = verify_txn(r, t, flags, h, st, f);
	if (rc != 0 && f->code != 0 && (flags & RECORD_VERIFY_CHECKPOINTS) &&
	    rc != DT_ENOMEM && rc != DT_EIO) {
		record_failure f1 = *f;

		if (h != NULL && h->restart != NULL)
			h->restart(h->ctx);
		memset(st, 0, sizeof *st);
		memset(f, 0, sizeof *f);
		rc = verify_txn(r, t, flags & ~RECORD_VERIFY_CHECKPOINTS, h, st,
		    f);
		st->fallback = 1;
		/* Every signature good: the fast path's failure stands. */
		if (rc == 0) {
			*f = f1;
			rc = f1.code;
		}
	}
	store_txn_abort(t);
	return rc;
}
