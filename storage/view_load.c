/*
 * view_load.c: collecting the entries into a view (view_copy_item(),
 * view_collect_cb()), the parties, the marks of removed writers, and the
 * full load, view_load().
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

/*
 * view_copy_item() - append a copy of src (an item of another view) to v,
 * taking a reference to its payload and none of its links, which
 * view_link_items() resolves again within v.
 */
int
view_copy_item(view *v, const view_item *src)
{
	view_item *it;
	int rc;

	if ((rc = view_grow(&v->items, &v->cap, v->nitems,
	    sizeof(*v->items))) != 0)
		return rc;
	it = &v->items[v->nitems];
	*it = *src;
	it->index = v->nitems++;
	it->target = NULL;
	it->item = NULL;
	it->corrections = NULL;
	it->ncorrections = 0;
	it->endorsements = NULL;
	it->nendorsements = 0;
	it->endorsed = NULL;
	it->nendorsed = 0;
	it->agreed = 0;
	json_incref((json_t *)it->payload);
	/* another party's internal note locks nothing (view_item_internal) */
	if (it->body == VIEW_BODY_LOCKED && !view_item_internal(it))
		v->locked = 1;
	return 0;
}

/*
 * view_collect_cb() - store_scan() callback: append one item (a copy of the
 * same entry in c->reuse, if that view holds it with its body, else
 * parsed and decrypted here).
 */
int
view_collect_cb(void *ctx, const unsigned char *bytes, size_t len,
    const unsigned char hash[ENTRY_HASH_BYTES])
{
	struct collect *c = ctx;
	view *v = c->v;
	const record_member *m;
	const view_item *old;
	const json_t *mt;
	view_item *it;
	entry e;
	int rc;

	if (c->reuse != NULL && (old = view_find(c->reuse, hash)) != NULL &&
	    (old->body != VIEW_BODY_LOCKED || c->key == NULL)) {
		if ((rc = view_copy_item(v, old)) != 0)
			return c->err = rc;
		return 0;
	}
	if ((rc = view_grow(&v->items, &v->cap, v->nitems,
	    sizeof(*v->items))) != 0)
		return c->err = rc;
	it = &v->items[v->nitems];
	memset(it, 0, sizeof(*it));
	it->index = v->nitems;
	memcpy(it->hash, hash, ENTRY_HASH_BYTES);
	key_hex(it->hex, hash, ENTRY_HASH_BYTES);
	it->len = len;
	it->meeting = -1;
	v->nitems++;
	if (c->later &&
	    (rc = view_body_later(c, it->index, hash, bytes, len)) != 0)
		return c->err = rc;
	if (entry_parse(&e, bytes, len) != 0) {
		/* The store holds bytes it should not: keep a trace. */
		it->body = VIEW_BODY_BAD;
		return 0;
	}
	memcpy(it->author, e.author, KEY_PK_BYTES);
	it->seq = e.seq;
	it->clock = e.clock;
	it->time_ms = e.time_ms;
	it->kind = e.kind;
	it->flags = e.flags;
	it->nrefs = e.nrefs;
	if ((m = record_member_find(c->r, e.author)) != NULL) {
		snprintf(it->author_name, sizeof(it->author_name), "%s",
		    m->name);
		snprintf(it->party, sizeof(it->party), "%s", m->party);
		it->role = m->role;
	}
	if (c->later)
		return 0;
	it->payload = view_body_payload(&e, c->key, c->scratch, &it->body);
	/* another party's internal note locks nothing (view_item_internal) */
	if (it->body == VIEW_BODY_LOCKED && !view_item_internal(it))
		v->locked = 1;
	mt = json_object_get(it->payload, "meeting");
	if (json_is_integer(mt) && json_integer_value(mt) >= 0)
		it->meeting = json_integer_value(mt);
	return 0;
}

/* view_copy_parties() - copy the parties and their heads out of r. */
int
view_copy_parties(view *v, const record *r)
{
	size_t n = record_nparties(r), i;

	if (n == 0)
		return 0;
	if ((v->parties = calloc(n, sizeof(*v->parties))) == NULL ||
	    (v->heads = calloc(n, sizeof(*v->heads))) == NULL ||
	    (v->has_head = calloc(n, sizeof(*v->has_head))) == NULL)
		return DT_ENOMEM;
	for (i = 0; i < n; i++) {
		const char *p = record_party(r, i);
		const record_member *h;

		snprintf(v->parties[i], VIEW_PARTY_BYTES, "%s", p ? p : "");
		if (p != NULL && (h = record_head_of(r, p)) != NULL) {
			memcpy(v->heads[i], h->pk, KEY_PK_BYTES);
			v->has_head[i] = 1;
		}
	}
	v->nparties = n;
	return 0;
}

/*
 * mark_removed() - an entry written at a clock above its author's
 * member-remove is a member fault (FAULT_REMOVED): its body is dropped,
 * so that it counts for nothing (meetings, agenda, minutes) and is shown
 * as a fault, with or without the key.  Read on the membership r holds
 * now, so a removal that arrives later marks what was shown before.
 */
static void
mark_removed(view *v, record *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < v->nitems; i++) {
		view_item *x = &v->items[i];

		if (x->kind == ENTRY_K_GENESIS ||
		    !record_removed_writer(r, x->author, x->kind, x->clock))
			continue;
		json_decref((json_t *)x->payload);
		x->payload = NULL;
		x->meeting = -1;
		x->body = VIEW_BODY_REMOVED;
	}
}

/*
 * view_finish() - the hash index, the late entries (read from r's store, or
 * none when r is NULL), the links and the projection of v.
 */
int
view_finish(view *v, record *r)
{
	view_item *shrunk;
	size_t i;
	int rc;

	/* nothing points into the array yet: give back what growth left */
	if (v->nitems > 0 && v->nitems < v->cap && (shrunk = realloc(v->items,
	    v->nitems * sizeof(*v->items))) != NULL) {
		v->items = shrunk;
		v->cap = v->nitems;
	}
	if (v->nitems > 0) {
		if ((v->byhash = malloc(v->nitems * sizeof(*v->byhash))) ==
		    NULL)
			return DT_ENOMEM;
		for (i = 0; i < v->nitems; i++)
			v->byhash[i] = &v->items[i];
		qsort(v->byhash, v->nitems, sizeof(*v->byhash),
		    view_cmp_byhash);
	}
	mark_removed(v, r);
	if ((rc = view_mark_late(v, r)) != 0 ||
	    (rc = view_link_items(v)) != 0 || (rc = view_project(v)) != 0)
		return rc;
	return 0;
}

int
view_load(view **out, record *r)
{
	struct collect c;
	struct body_pool pool;
	store_txn *t = NULL;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	uint64_t count = 0;
	size_t k;
	view *v;
	int rc, prc;

	*out = NULL;
	memset(&c, 0, sizeof(c));
	if ((v = calloc(1, sizeof(*v))) == NULL)
		return DT_ENOMEM;
	if ((rc = view_copy_parties(v, r)) != 0)
		goto out;
	c.v = v;
	c.r = r;
	c.key = record_key(r) != NULL ? record_epoch_keys(r) : NULL;
	if ((rc = store_txn_begin(&t, record_store(r), 0)) != 0 ||
	    (rc = store_count(&count, t)) != 0)
		goto out;
	/* one job per entry; the walk runs any beyond (a bad index) itself */
	c.later = 1;
	c.capjobs = (size_t)count;
	if (c.capjobs > 0 &&
	    (c.jobs = calloc(c.capjobs, sizeof(*c.jobs))) == NULL) {
		rc = DT_ENOMEM;
		goto out;
	}
	if ((rc = view_pool_start(&pool, c.jobs, c.key, ncpu > 1 &&
	    count >= BODY_MIN_PARALLEL ? (unsigned)(ncpu - 1) : 0)) != 0)
		goto out;
	c.pool = &pool;
	rc = store_scan_unchecked(t, view_collect_cb, &c);
	if (rc == 0)
		rc = c.err;
	/* the workers read the map: join them before the transaction ends */
	if ((prc = view_pool_finish(&pool, c.njobs)) != 0 && rc == 0)
		rc = prc;
	for (k = 0; rc == 0 && k < c.njobs; k++)
		if (c.jobs[k].hash_bad)
			rc = DT_EHASH;
	for (k = 0; rc == 0 && k < c.njobs; k++)
		view_job_apply(v, &c.jobs[k]);
	store_txn_abort(t);
	t = NULL;
	if (rc != 0 || (rc = view_finish(v, r)) != 0)
		goto out;
	*out = v;
	v = NULL;
out:
	store_txn_abort(t);
	for (k = 0; k < c.njobs; k++)
		json_decref(c.jobs[k].payload);
	free(c.jobs);
	sodium_free(c.scratch);
	view_free(v);
	return rc;
}
