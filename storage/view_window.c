/*
 * view_window.c: bounded views: view_load_window(), the functions that
 * derive one view from another (extend, rewindow, complete), and
 * view_refresh().
 */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "../crypto/err.h"
#include "../crypto/keys.h"
#include "entry.h"
#include "epoch.h"
#include "halves.h"
#include "late.h"
#include "payload.h"
#include "record.h"
#include "store.h"
#include "view.h"

#include "view_priv.h"

/* ------------------------------------------------------------------ */
/* Bounded views.                                                       */

/* A callback's "enough": positive, so never taken for a DT_E* code. */
#define VIEW_STOP 1

/* item_key() - the merged-order key (clock || author) of an item. */
static void
item_key(unsigned char out[STORE_ORDER_BYTES], const view_item *it)
{
	store_order_key(out, it->clock, it->author);
}

static int
cmp_order(const void *a, const void *b)
{
	const view_item *x = a, *y = b;

	if (x->clock != y->clock)
		return x->clock < y->clock ? -1 : 1;
	return memcmp(x->author, y->author, KEY_PK_BYTES);
}

/* have() - 1 if the entry with hash is already in the base view. */
static int
have(const struct collect *c, const unsigned char hash[ENTRY_HASH_BYTES])
{
	return c->base != NULL && view_find(c->base, hash) != NULL;
}

/*
 * attached() - 1 if it belongs to the filter's agenda item, hex: its
 * payload's "item" names it.
 */
static int
attached(const view_item *it, const char *hex)
{
	const char *s = json_string_value(json_object_get(it->payload,
	    "item"));

	return s != NULL && strcmp(s, hex) == 0;
}

/* drop_last() - take back the item just collected. */
static void
drop_last(view *v)
{
	v->nitems--;
	json_decref((json_t *)v->items[v->nitems].payload);
}

/*
 * add_window() - collect one entry of an unindexed kind, if it passes
 * the item filter.  @return 1 if kept, 0 if not, or a DT_E* code.
 */
static int
add_window(struct collect *c, const unsigned char *bytes, size_t len,
    const unsigned char hash[ENTRY_HASH_BYTES], const char *hex)
{
	int rc;

	if ((rc = view_collect_cb(c, bytes, len, hash)) != 0)
		return rc;
	if (hex != NULL && !attached(&c->v->items[c->v->nitems - 1], hex)) {
		drop_last(c->v);
		return 0;
	}
	c->v->nwindow++;
	return 1;
}

/*
 * window_cb() - store_scan() callback for the backward walk of the
 * merged order: skip the indexed kinds (the kinds index brings them),
 * keep the newest entries of the others until c->want are kept or
 * c->budget rows are examined.
 */
static int
window_cb(void *ctx, const unsigned char *bytes, size_t len,
    const unsigned char hash[ENTRY_HASH_BYTES])
{
	struct collect *c = ctx;
	unsigned char ok[STORE_ORDER_BYTES];
	char hex[2 * ENTRY_HASH_BYTES + 1];
	entry e;
	int rc;

	if (entry_parse(&e, bytes, len) != 0)
		return 0; /* no key, no place: verification reports it */
	store_order_key(ok, e.clock, e.author);
	if (c->stop != NULL && memcmp(ok, c->stop, STORE_ORDER_BYTES) >= 0)
		return 0; /* in the base view's span already */
	if (c->budget == 0)
		return VIEW_STOP;
	c->budget--;
	c->started = 1;
	memcpy(c->last, ok, STORE_ORDER_BYTES);
	if (store_kind_indexed(e.kind) || have(c, hash))
		return 0;
	if (c->item != NULL)
		key_hex(hex, c->item, ENTRY_HASH_BYTES);
	if ((rc = add_window(c, bytes, len, hash, c->item != NULL ? hex :
	    NULL)) < 0)
		return rc;
	if (rc == 1 && --c->want == 0)
		return VIEW_STOP;
	return 0;
}

/* The indexed kinds view_window.commitments bounds before the span. */
#define VIEW_BOUNDED (VIEW_KIND(ENTRY_K_COMMITMENT) | \
	VIEW_KIND(ENTRY_K_COMMITMENT_STATUS) | \
	VIEW_KIND(ENTRY_K_ENDORSEMENT) | VIEW_KIND(ENTRY_K_CORRECTION))

static int
cmp_hash(const void *a, const void *b)
{
	return memcmp(a, b, ENTRY_HASH_BYTES);
}

/* kept_make() - c->kept: the hashes of the items collected so far. */
static int
kept_make(struct collect *c)
{
	const view *v = c->v;
	void *p;
	size_t i;

	c->nkept = 0;
	if (v->nitems == 0)
		return 0;
	if ((p = realloc(c->kept, v->nitems * sizeof(*c->kept))) == NULL)
		return DT_ENOMEM;
	c->kept = p;
	for (i = 0; i < v->nitems; i++)
		memcpy(c->kept[i], v->items[i].hash, ENTRY_HASH_BYTES);
	c->nkept = v->nitems;
	qsort(c->kept, c->nkept, sizeof(*c->kept), cmp_hash);
	return 0;
}

/*
 * target_kept() - 1 if it's "target" is an item of the view, or if it
 * names none that can be read (such an entry is kept, as it would be
 * in a whole view: what it shows is its own fault).
 */
static int
target_kept(const struct collect *c, const view_item *it)
{
	const char *hex = json_string_value(json_object_get(it->payload,
	    "target"));
	unsigned char h[ENTRY_HASH_BYTES];

	if (it->body != VIEW_BODY_OK || hex == NULL ||
	    !payload_hex_valid(hex, 2 * ENTRY_HASH_BYTES) ||
	    key_unhex(h, sizeof(h), hex) != 0)
		return 1;
	return c->nkept > 0 && bsearch(h, c->kept, c->nkept,
	    sizeof(*c->kept), cmp_hash) != NULL;
}

/*
 * cm_trim() - keep the newest keep of the commitments this walk
 * collected before the span (items cm_from.. of v, contiguous: the
 * kinds index walks one kind in merged order, and those in the span
 * come after them); drop the older ones.
 */
static void
cm_trim(struct collect *c, size_t keep)
{
	view *v = c->v;
	size_t drop, i;

	if (c->cm_old <= keep)
		return;
	drop = c->cm_old - keep;
	for (i = c->cm_from; i < c->cm_from + drop; i++)
		json_decref((json_t *)v->items[i].payload);
	memmove(&v->items[c->cm_from], &v->items[c->cm_from + drop],
	    (v->nitems - c->cm_from - drop) * sizeof(*v->items));
	v->nitems -= drop;
	c->cm_old = keep;
	v->cm_older = 1;
}

/*
 * cm_from() - where the walk of the commitments starts: at the newest
 * c->cm_keep before the span that the view does not hold yet, found in
 * the kinds index alone, so that older ones are not even read.  Sets
 * v->cm_older.
 */
static int
cm_from(struct collect *c, store_txn *t, unsigned char out[STORE_ORDER_BYTES])
{
	view *v = c->v;
	unsigned char ok[STORE_ORDER_BYTES];
	size_t held = 0, i;
	int more, rc;

	for (i = 0; i < v->nitems; i++) {
		if (v->items[i].kind != ENTRY_K_COMMITMENT)
			continue;
		item_key(ok, &v->items[i]);
		if (memcmp(ok, v->before, STORE_ORDER_BYTES) < 0)
			held++;
	}
	if ((rc = store_kind_back(out, &more, t, ENTRY_K_COMMITMENT,
	    v->before, held + c->cm_keep)) != 0)
		return rc;
	v->cm_older = more;
	return 0;
}

/*
 * kinds_cb() - store_scan_kind() callback: collect, unless known; with
 * w.commitments, before the span, bound what is kept (struct collect).
 */
static int
kinds_cb(void *ctx, const unsigned char *bytes, size_t len,
    const unsigned char hash[ENTRY_HASH_BYTES])
{
	struct collect *c = ctx;
	unsigned char ok[STORE_ORDER_BYTES];
	const view_item *it;
	int rc;

	if (have(c, hash))
		return 0;
	if ((rc = view_collect_cb(c, bytes, len, hash)) != 0 || !c->filtered)
		return rc;
	it = &c->v->items[c->v->nitems - 1];
	if (!(VIEW_KIND(it->kind) & VIEW_BOUNDED))
		return 0;
	item_key(ok, it);
	if (memcmp(ok, c->v->before, STORE_ORDER_BYTES) >= 0)
		return 0; /* in the span: everything */
	if (it->kind == ENTRY_K_COMMITMENT) {
		/* trimmed in steps, so that the walk holds at most 2 keep */
		if (++c->cm_old >= 2 * c->cm_keep + 1)
			cm_trim(c, c->cm_keep);
	} else if (!target_kept(c, it))
		drop_last(c->v);
	return 0;
}

/*
 * sort_items() - put what was collected into merged order and number
 * it, and find where the span starts.  Runs before anything points into
 * the array.
 */
static void
sort_items(view *v)
{
	unsigned char k[STORE_ORDER_BYTES];
	size_t i;

	if (v->nitems > 1)
		qsort(v->items, v->nitems, sizeof(*v->items), cmp_order);
	v->span = v->nitems;
	for (i = 0; i < v->nitems; i++) {
		v->items[i].index = i;
		item_key(k, &v->items[i]);
		if (v->span == v->nitems &&
		    memcmp(k, v->before, STORE_ORDER_BYTES) >= 0)
			v->span = i;
	}
}

/* new_window_view() - an empty bounded view of r for w. */
static int
new_window_view(view **out, record *r, const view_window *w)
{
	view *v;
	int rc;

	*out = NULL;
	if ((v = calloc(1, sizeof(*v))) == NULL)
		return DT_ENOMEM;
	if ((rc = view_copy_parties(v, r)) != 0) {
		view_free(v);
		return rc;
	}
	v->windowed = 1;
	v->w = *w;
	v->w.also = NULL;
	if (w->item != NULL) {
		memcpy(v->item, w->item, ENTRY_HASH_BYTES);
		v->w.item = v->item;
	}
	memset(v->before, 0xff, sizeof(v->before));
	v->has_older = 1;
	*out = v;
	return 0;
}

/* copy_base() - every item of base into v, and where base's span began. */
static int
copy_base(view *v, const view *base)
{
	size_t i;
	int rc;

	for (i = 0; i < base->nitems; i++)
		if ((rc = view_copy_item(v, &base->items[i])) != 0)
			return rc;
	v->nwindow = base->nwindow;
	memcpy(v->before, base->before, sizeof(v->before));
	v->has_older = base->has_older;
	v->deferred = base->deferred;
	v->cm_older = base->cm_older;
	if (base->nfeeds > 0) {
		if ((v->feeds = malloc(base->nfeeds * sizeof(*v->feeds))) ==
		    NULL)
			return DT_ENOMEM;
		memcpy(v->feeds, base->feeds, base->nfeeds *
		    sizeof(*v->feeds));
		v->nfeeds = base->nfeeds;
	}
	return 0;
}

/*
 * window_walk() - walk the merged order back from the end (or from
 * base's span) for c->want entries; set v's span and has_older.
 */
static int
window_walk(view *v, struct collect *c, store_txn *t, const view *base)
{
	int rc;

	if (c->want == 0 || (base != NULL && !base->has_older))
		return 0;
	c->stop = base != NULL ? base->before : NULL;
	rc = store_scan(t, c->stop, 1, window_cb, c);
	if (c->err != 0)
		return c->err;
	if (rc < 0)
		return rc;
	v->has_older = rc == VIEW_STOP;
	if (c->started)
		memcpy(v->before, c->last, sizeof(v->before));
	if (!v->has_older)
		memset(v->before, 0, sizeof(v->before)); /* all of it */
	return 0;
}

/* What kinds_walk() walks. */
enum {
	KW_ALL = 0,      /* every indexed kind; deferred ones within the span */
	KW_SPAN = 1,     /* only the deferred kinds, within the span (and the
	                  * bounded ones, if bounded: the span grew) */
	KW_DEFERRED = 2, /* only the deferred kinds, in full */
	KW_COMMIT = 3    /* only the bounded kinds, in full (more of them) */
};

/*
 * kinds_walk() - the indexed kinds through the kinds index, as mode
 * says; rows already in c->base are skipped.  Sets v->deferred (keeps
 * it for KW_COMMIT).
 */
static int
kinds_walk(view *v, struct collect *c, store_txn *t, int mode)
{
	unsigned char cm[STORE_ORDER_BYTES];
	const unsigned char *from;
	unsigned k;
	int rc, late, bounded, walk, was = v->deferred;

	c->filtered = v->w.commitments > 0;
	if (c->cm_keep == 0)
		c->cm_keep = v->w.commitments;
	if (mode != KW_COMMIT)
		v->deferred = 0;
	for (k = 1; k < 64; k++) {
		if (!store_kind_indexed(k))
			continue;
		late = (v->w.defer & VIEW_KIND(k)) != 0;
		bounded = c->filtered && (VIEW_KIND(k) & VIEW_BOUNDED);
		from = NULL;
		switch (mode) {
		case KW_ALL:
			walk = 1;
			if (late) {
				from = v->before;
				v->deferred |= v->has_older;
			}
			break;
		case KW_SPAN:
			/* the span grew back: what it lacks of these kinds */
			walk = (late && was) || bounded;
			from = v->before;
			if (late && was)
				v->deferred |= v->has_older;
			break;
		case KW_DEFERRED:
			walk = late;
			break;
		default: /* KW_COMMIT: what is deferred waits for complete */
			walk = bounded && !(late && was);
			break;
		}
		if (!walk)
			continue;
		if (bounded && k != ENTRY_K_COMMITMENT &&
		    (rc = kept_make(c)) != 0)
			return rc;
		if (bounded && k == ENTRY_K_COMMITMENT && mode != KW_SPAN &&
		    (rc = cm_from(c, t, cm)) != 0)
			return rc;
		c->cm_from = v->nitems;
		c->cm_old = 0;
		rc = store_scan_kind(t, k, bounded && k == ENTRY_K_COMMITMENT &&
		    mode != KW_SPAN ? cm : from, kinds_cb, c);
		if (c->err != 0)
			return c->err;
		if (rc != 0)
			return rc;
		if (k == ENTRY_K_COMMITMENT && c->filtered)
			cm_trim(c, c->cm_keep);
	}
	return 0;
}

/* collected() - the item collected so far with hash h, or NULL. */
static const view_item *
collected(const view *v, const unsigned char h[ENTRY_HASH_BYTES])
{
	size_t i;

	for (i = 0; i < v->nitems; i++)
		if (memcmp(v->items[i].hash, h, ENTRY_HASH_BYTES) == 0)
			return &v->items[i];
	return NULL;
}

/*
 * also_load() - collect the entry with hash h if it is not in yet, and
 * then the entry its payload's "target" names (one step, no further).
 * The bytes must hash to h, as in every index walk.
 */
static int
also_load(struct collect *c, store_txn *t, const unsigned char *h, int depth)
{
	unsigned char author[KEY_PK_BYTES], got[ENTRY_HASH_BYTES], th[32];
	const view_item *it;
	const char *hex;
	unsigned char *bytes = NULL;
	size_t len;
	uint64_t seq;
	int rc;

	if ((it = collected(c->v, h)) == NULL) {
		if ((rc = store_locate(author, &seq, t, h)) != 0 ||
		    (rc = store_get(&bytes, &len, t, author, seq)) != 0)
			return rc;
		entry_hash(got, bytes, len);
		rc = sodium_memcmp(got, h, ENTRY_HASH_BYTES) != 0 ? DT_EHASH :
		    view_collect_cb(c, bytes, len, got);
		free(bytes);
		if (rc != 0)
			return rc;
		it = &c->v->items[c->v->nitems - 1];
	}
	hex = json_string_value(json_object_get(it->payload, "target"));
	if (depth > 0 || hex == NULL ||
	    !payload_hex_valid(hex, 2 * ENTRY_HASH_BYTES) ||
	    key_unhex(th, sizeof(th), hex) != 0)
		return 0;
	rc = also_load(c, t, th, depth + 1);
	return rc == DT_ENOENT ? 0 : rc; /* an unknown target stays unknown */
}

/* What window_load() adds to its base. */
enum {
	WL_EXTEND = 0,   /* older entries of the window */
	WL_COMPLETE = 1, /* the deferred kinds */
	WL_COMMIT = 2    /* older commitments (view_window.commitments) */
};

/*
 * window_load() - the work of the bounded loads: a new view with base's
 * items (if any), the window walked back for w->count more entries, and
 * the indexed kinds: all of them (no base), the deferred ones in full
 * (WL_COMPLETE), cm_more older commitments and what goes with them
 * (WL_COMMIT), or (WL_EXTEND) those the span now reaches that base
 * deferred or bounded.
 */
static int
window_load(view **out, record *r, const view_window *w, const view *reuse,
    const view *base, int mode, size_t cm_more)
{
	struct collect c;
	store_txn *t = NULL;
	view *v = NULL;
	int rc;

	*out = NULL;
	memset(&c, 0, sizeof(c));
	if ((rc = new_window_view(&v, r, w)) != 0)
		return rc;
	c.v = v;
	c.r = r;
	c.key = record_key(r) != NULL ? record_epoch_keys(r) : NULL;
	c.reuse = reuse;
	c.base = base;
	c.item = v->w.item;
	c.want = w->count;
	c.budget = w->budget > 0 ? w->budget : SIZE_MAX;
	if ((c.scratch = sodium_malloc(VIEW_SCRATCH_BYTES)) == NULL) {
		rc = DT_ENOMEM;
		goto out;
	}
	if (base != NULL && (rc = copy_base(v, base)) != 0)
		goto out;
	if (mode == WL_COMMIT) {
		c.cm_keep = cm_more;
		v->cm_older = 0; /* unless some are still left out */
	}
	if ((rc = store_txn_begin(&t, record_store(r), 0)) != 0)
		goto out;
	if (base == NULL && (rc = store_heads(&v->feeds, &v->nfeeds, t)) != 0)
		goto out;
	if ((rc = window_walk(v, &c, t, base)) != 0)
		goto out;
	if (base == NULL) {
		if ((rc = kinds_walk(v, &c, t, KW_ALL)) == 0 && w->also != NULL)
			rc = also_load(&c, t, w->also, 0);
	} else if (mode == WL_COMPLETE)
		rc = kinds_walk(v, &c, t, KW_DEFERRED);
	else if (mode == WL_COMMIT)
		rc = kinds_walk(v, &c, t, KW_COMMIT);
	else if (base->deferred || base->w.commitments > 0)
		/* extend: those kinds' rows down to the new span */
		rc = kinds_walk(v, &c, t, KW_SPAN);
	if (rc != 0)
		goto out;
	sort_items(v);
	if ((rc = view_finish(v, r)) != 0)
		goto out;
	*out = v;
	v = NULL;
out:
	store_txn_abort(t);
	if (c.scratch != NULL)
		sodium_free(c.scratch);
	free(c.kept);
	view_free(v);
	return rc;
}

int
view_load_window(view **out, record *r, const view_window *w,
    const view *reuse)
{
	return window_load(out, r, w, reuse, NULL, WL_EXTEND, 0);
}

int
view_extend(view **out, const view *v, record *r, size_t more)
{
	view_window w = v->w;

	w.count = more;
	return window_load(out, r, &w, NULL, v, WL_EXTEND, 0);
}

int
view_extend_commitments(view **out, const view *v, record *r, size_t more)
{
	view_window w = v->w;

	w.count = 0;
	if (!v->windowed || w.commitments == 0 || more == 0)
		return DT_EINVAL;
	return window_load(out, r, &w, NULL, v, WL_COMMIT, more);
}

int
view_commitments_older(const view *v)
{
	return v->windowed && v->cm_older;
}

int
view_complete(view **out, const view *v, record *r)
{
	view_window w = v->w;

	w.count = 0;
	return window_load(out, r, &w, NULL, v, WL_COMPLETE, 0);
}

int
view_rewindow(view **out, const view *v, record *r, const view_window *w)
{
	struct collect c;
	store_txn *t = NULL;
	view *nv = NULL;
	size_t i;
	int rc;

	*out = NULL;
	if (!v->windowed || v->deferred)
		return view_load_window(out, r, w, v);
	memset(&c, 0, sizeof(c));
	if ((rc = new_window_view(&nv, r, w)) != 0)
		return rc;
	c.v = nv;
	c.r = r;
	c.key = record_key(r) != NULL ? record_epoch_keys(r) : NULL;
	c.reuse = v;
	c.item = nv->w.item;
	c.want = w->count;
	c.budget = w->budget > 0 ? w->budget : SIZE_MAX;
	if ((c.scratch = sodium_malloc(VIEW_SCRATCH_BYTES)) == NULL) {
		rc = DT_ENOMEM;
		goto out;
	}
	for (i = 0; i < v->nitems; i++)
		if (store_kind_indexed(v->items[i].kind) &&
		    (rc = view_copy_item(nv, &v->items[i])) != 0)
			goto out;
	if (v->nfeeds > 0) {
		if ((nv->feeds = malloc(v->nfeeds * sizeof(*nv->feeds))) ==
		    NULL) {
			rc = DT_ENOMEM;
			goto out;
		}
		memcpy(nv->feeds, v->feeds, v->nfeeds * sizeof(*nv->feeds));
		nv->nfeeds = v->nfeeds;
	}
	nv->cm_older = v->cm_older;
	if ((rc = store_txn_begin(&t, record_store(r), 0)) != 0 ||
	    (rc = window_walk(nv, &c, t, NULL)) != 0)
		goto out;
	if (nv->w.commitments > 0) {
		/* the new span may reach back past v's: what v bounded there */
		c.base = v;
		if ((rc = kinds_walk(nv, &c, t, KW_SPAN)) != 0)
			goto out;
	}
	sort_items(nv);
	if ((rc = view_finish(nv, r)) != 0)
		goto out;
	*out = nv;
	nv = NULL;
out:
	store_txn_abort(t);
	if (c.scratch != NULL)
		sodium_free(c.scratch);
	free(c.kept);
	view_free(nv);
	return rc;
}

/* What view_refresh()'s walk over new entries needs. */
struct refresh {
	struct collect *c;
	const char *hex;     /* the item filter in hex, or NULL */
};

/*
 * refresh_cb() - store_scan_entries() callback over a feed's new
 * entries: indexed kinds join (deferred ones only within the span), the
 * other kinds join if they fall within the span and pass the filter.
 */
static int
refresh_cb(void *ctx, const unsigned char key[STORE_KEY_BYTES],
    const unsigned char *bytes, size_t len,
    const unsigned char hash[ENTRY_HASH_BYTES])
{
	struct refresh *x = ctx;
	struct collect *c = x->c;
	unsigned char ok[STORE_ORDER_BYTES];
	int in_span, rc;
	entry e;

	(void)key;
	if (entry_parse(&e, bytes, len) != 0 || have(c, hash))
		return 0;
	store_order_key(ok, e.clock, e.author);
	in_span = memcmp(ok, c->v->before, STORE_ORDER_BYTES) >= 0;
	if (store_kind_indexed(e.kind)) {
		if (!in_span && (c->v->w.defer & VIEW_KIND(e.kind)) &&
		    c->v->deferred)
			return 0;
		return view_collect_cb(c, bytes, len, hash);
	}
	if (!in_span)
		return 0;
	rc = add_window(c, bytes, len, hash, x->hex);
	return rc < 0 ? rc : 0;
}

/* How many new entries view_refresh() takes one by one. */
#define VIEW_REFRESH_MAX 2000U

int
view_refresh(view **out, const view *v, record *r)
{
	struct collect c;
	struct refresh x;
	store_txn *t = NULL;
	store_head *heads = NULL;
	view *nv = NULL;
	size_t nheads = 0, i, j;
	uint64_t fresh = 0, from;
	char hex[2 * ENTRY_HASH_BYTES + 1];
	view_window w = v->w;
	int rc;

	*out = NULL;
	if (!v->windowed)
		return view_load(out, r);
	memset(&c, 0, sizeof(c));
	if ((rc = store_txn_begin(&t, record_store(r), 0)) != 0 ||
	    (rc = store_heads(&heads, &nheads, t)) != 0)
		goto out;
	for (i = 0; i < nheads; i++) {
		from = 0;
		for (j = 0; j < v->nfeeds; j++)
			if (memcmp(v->feeds[j].author, heads[i].author,
			    KEY_PK_BYTES) == 0)
				from = v->feeds[j].next_seq;
		if (heads[i].next_seq > from)
			fresh += heads[i].next_seq - from;
	}
	if (fresh > VIEW_REFRESH_MAX) {
		/* much is new: the window afresh, reusing what v decrypted */
		store_txn_abort(t);
		t = NULL;
		if (v->nwindow > w.count)
			w.count = v->nwindow;
		rc = window_load(out, r, &w, v, NULL, WL_EXTEND, 0);
		goto out;
	}
	if ((rc = new_window_view(&nv, r, &w)) != 0)
		goto out;
	c.v = nv;
	c.r = r;
	c.key = record_key(r) != NULL ? record_epoch_keys(r) : NULL;
	c.base = v;
	if ((c.scratch = sodium_malloc(VIEW_SCRATCH_BYTES)) == NULL) {
		rc = DT_ENOMEM;
		goto out;
	}
	if ((rc = copy_base(nv, v)) != 0)
		goto out;
	x.c = &c;
	x.hex = NULL;
	if (nv->w.item != NULL) {
		key_hex(hex, nv->w.item, ENTRY_HASH_BYTES);
		x.hex = hex;
	}
	for (i = 0; i < nheads; i++) {
		from = 0;
		for (j = 0; j < v->nfeeds; j++)
			if (memcmp(v->feeds[j].author, heads[i].author,
			    KEY_PK_BYTES) == 0)
				from = v->feeds[j].next_seq;
		if (heads[i].next_seq <= from)
			continue;
		if ((rc = store_scan_entries(t, heads[i].author, from, 1,
		    refresh_cb, &x)) != 0 || (rc = c.err) != 0)
			goto out;
	}
	free(nv->feeds);
	nv->feeds = heads;
	nv->nfeeds = nheads;
	heads = NULL;
	sort_items(nv);
	if ((rc = view_finish(nv, r)) != 0)
		goto out;
	*out = nv;
	nv = NULL;
out:
	store_txn_abort(t);
	if (c.scratch != NULL)
		sodium_free(c.scratch);
	free(heads);
	view_free(nv);
	return rc;
}

int
view_windowed(const view *v)
{
	return v->windowed;
}

size_t
view_span(const view *v)
{
	return v->windowed ? v->span : 0;
}

int
view_has_older(const view *v)
{
	return v->windowed && v->has_older;
}

int
view_deferred(const view *v)
{
	return v->windowed && v->deferred;
}

size_t
view_window_items(const view *v)
{
	return v->windowed ? v->nwindow : v->nitems;
}
