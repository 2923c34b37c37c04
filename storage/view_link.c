/*
 * view_link.c: the links between a view's items, resolved once the item
 * array no longer moves (view_link_items()), and view_find().
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

int
view_cmp_byhash(const void *a, const void *b)
{
	const view_item *const *x = a, *const *y = b;

	return memcmp((*x)->hash, (*y)->hash, ENTRY_HASH_BYTES);
}

static int
cmp_key(const void *k, const void *b)
{
	const view_item *const *y = b;

	return memcmp(k, (*y)->hash, ENTRY_HASH_BYTES);
}

const view_item *
view_find(const view *v, const unsigned char hash[ENTRY_HASH_BYTES])
{
	view_item **p;

	if (v == NULL || v->nitems == 0)
		return NULL;
	p = bsearch(hash, v->byhash, v->nitems, sizeof(*v->byhash), cmp_key);
	return p != NULL ? *p : NULL;
}

/* find_field() - the item whose hex hash is payload[field], or NULL. */
static view_item *
find_field(view *v, const view_item *it, const char *field)
{
	const char *hex = json_string_value(json_object_get(it->payload,
	    field));
	unsigned char h[ENTRY_HASH_BYTES];

	if (hex == NULL || !payload_hex_valid(hex, 2 * ENTRY_HASH_BYTES) ||
	    key_unhex(h, sizeof(h), hex) != 0)
		return NULL;
	return (view_item *)view_find(v, h);
}

/* Half of the items, for in_halves(). */
struct span {
	view *v;
	size_t from, to;
	void (*fn)(view *, size_t, size_t);
};

static void *
span_run(void *arg)
{
	struct span *s = arg;

	s->fn(s->v, s->from, s->to);
	return NULL;
}

/*
 * in_halves() - fn over the items [0, n): with a second core and enough
 * items, the second half on a thread of its own, at once.  fn must touch
 * only its own items, and read the others.
 */
static void
in_halves(view *v, size_t n, void (*fn)(view *, size_t, size_t))
{
	struct span s[2] = { { v, 0, n / 2, fn }, { v, n / 2, n, fn } };

	halves_run(span_run, &s[0], &s[1], n >= HALVES_MIN && halves_two());
}

/*
 * resolve() - the agenda entry named by "item" and the earlier entry
 * named by "target", of each of the items [from, to).
 */
static void
resolve(view *v, size_t from, size_t to)
{
	size_t i;

	for (i = from; i < to; i++) {
		view_item *it = &v->items[i], *t;

		if (it->payload == NULL)
			continue;
		t = find_field(v, it, "item");
		if (t != NULL && t->kind == ENTRY_K_AGENDA)
			it->item = t;
		/*
		 * unknown, or not before: ignored; an internal note is no
		 * target for anything (internal.c), so that a reader with
		 * its party's key links exactly what one without it links
		 */
		if ((t = find_field(v, it, "target")) != NULL &&
		    t->index < it->index && !view_item_internal(t))
			it->target = t;
	}
}

int
view_item_internal(const view_item *it)
{
	return it->kind == ENTRY_K_NOTE && it->flags == ENTRY_FLAGS_INTERNAL_NOTE;
}

/* party_of_head() - the party whose head has key pk, or -1. */
static long
party_of_head(const view *v, const unsigned char pk[KEY_PK_BYTES])
{
	size_t i;

	for (i = 0; i < v->nparties; i++)
		if (v->has_head[i] && memcmp(v->heads[i], pk,
		    KEY_PK_BYTES) == 0)
			return (long)i;
	return -1;
}

/*
 * view_link_items() - resolve targets and agenda items, and give every
 * entry its corrections, endorsements and endorsing parties.  Runs once
 * the item array is final, so the pointers it stores stay valid.
 */
int
view_link_items(view *v)
{
	size_t *ncorr = NULL, *nend = NULL, i, j;
	const view_item ***corr = NULL, ***endo = NULL;
	int rc = DT_ENOMEM;

	if (v->nitems == 0)
		return 0;
	if ((ncorr = calloc(v->nitems, sizeof(*ncorr))) == NULL ||
	    (nend = calloc(v->nitems, sizeof(*nend))) == NULL ||
	    (corr = calloc(v->nitems, sizeof(*corr))) == NULL ||
	    (endo = calloc(v->nitems, sizeof(*endo))) == NULL)
		goto out;

	/* Targets, items, and how many links each entry receives. */
	in_halves(v, v->nitems, resolve);
	for (i = 0; i < v->nitems; i++) {
		const view_item *it = &v->items[i];

		if (it->target == NULL)
			continue;
		if (it->kind == ENTRY_K_CORRECTION)
			ncorr[it->target->index]++;
		else if (it->kind == ENTRY_K_ENDORSEMENT)
			nend[it->target->index]++;
	}
	for (i = 0; i < v->nitems; i++) {
		if (ncorr[i] != 0 &&
		    (corr[i] = calloc(ncorr[i], sizeof(**corr))) == NULL)
			goto out;
		if (nend[i] != 0 &&
		    (endo[i] = calloc(nend[i], sizeof(**endo))) == NULL)
			goto out;
	}
	for (i = 0; i < v->nitems; i++) {
		view_item *it = &v->items[i];
		size_t ti;

		if (it->target == NULL)
			continue;
		ti = it->target->index;
		if (it->kind == ENTRY_K_CORRECTION)
			corr[ti][v->items[ti].ncorrections++] = it;
		else if (it->kind == ENTRY_K_ENDORSEMENT)
			endo[ti][v->items[ti].nendorsements++] = it;
	}
	for (i = 0; i < v->nitems; i++) {
		view_item *it = &v->items[i];
		char (*parties)[VIEW_PARTY_BYTES];
		size_t p;

		it->corrections = corr[i];
		it->endorsements = endo[i];
		corr[i] = NULL;
		endo[i] = NULL;
		if (it->nendorsements == 0 || v->nparties == 0)
			continue;
		if ((parties = calloc(v->nparties, sizeof(*parties))) == NULL)
			goto out;
		/* Only the head of a party endorses for it. */
		for (p = 0; p < v->nparties; p++)
			for (j = 0; j < it->nendorsements; j++)
				if (!it->endorsements[j]->late &&
				    party_of_head(v, it->endorsements[j]->author)
				    == (long)p) {
					memcpy(parties[it->nendorsed++],
					    v->parties[p], VIEW_PARTY_BYTES);
					break;
				}
		it->endorsed = (const char (*)[VIEW_PARTY_BYTES])parties;
		it->agreed = it->nendorsed == v->nparties;
	}
	rc = 0;
out:
	if (corr != NULL)
		for (i = 0; i < v->nitems; i++)
			free(corr[i]);
	if (endo != NULL)
		for (i = 0; i < v->nitems; i++)
			free(endo[i]);
	free(corr);
	free(endo);
	free(ncorr);
	free(nend);
	return rc;
}
