/*
 * view.c: the record's projection (see view.h): the helpers the view's
 * files share (growing an array, opening a body), view_free() and the
 * accessors, lookup by hash prefix.
 *
 * view_load() runs in three steps: copy every entry's header and payload
 * out of one read transaction (collect), resolve the links between
 * entries once the item array no longer moves (link), then derive the
 * meetings, agenda and commitments from the linked items (project).
 *
 * A bounded view (view_load_window() and the functions that derive one
 * view from another) collects differently -- the indexed kinds through
 * the store's kinds index, and the newest entries of the other kinds
 * walking the merged order backwards -- then sorts what it collected
 * into merged order, and links and projects exactly as view_load() does.
 *
 * The view is split along those steps, its files sharing struct view
 * through view_priv.h (not for app/):
 *   view.c          shared helpers, view_free(), the accessors
 *   view_pool.c     full loads: the bodies opened on every core
 *   view_load.c     collect (view_copy_item(), view_collect_cb()) and
 *                   view_load()
 *   view_link.c     link: view_find(), the links between items
 *   view_project.c  project: meetings, agenda, commitments
 *   view_window.c   bounded views: view_load_window() and what derives
 *                   one view from another, view_refresh()
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
 * view_grow() - make room for one more element in *arr (of *cap elements of
 * size sz).  The array may move: callers keep indexes, not pointers,
 * until the array is final.
 */
int
view_grow(void *arr, size_t *cap, size_t n, size_t sz)
{
	void **p = arr;
	size_t ncap;
	void *q;

	if (n < *cap)
		return 0;
	ncap = *cap == 0 ? 64 : *cap * 2;
	if ((q = realloc(*p, ncap * sz)) == NULL)
		return DT_ENOMEM;
	*p = q;
	*cap = ncap;
	return 0;
}

/*
 * view_body_payload() - the parsed payload of e, or NULL, and its fate in
 * *state.  The clear text lives in the walk's sodium_malloc scratch
 * buffer (plain) only while it is parsed, and is wiped after; the json_t returned is a new reference owned by the caller.
 */
json_t *
view_body_payload(const entry *e, const epoch_ring *key, unsigned char *plain,
    int *state)
{
	size_t plen = 0;
	json_t *obj;

	/* locked, or of an epoch whose key this reader was not given */
	if (entry_kind_is_content(e->kind) && epoch_key_for(key, e) == NULL) {
		*state = VIEW_BODY_LOCKED;
		return NULL;
	}
	if (entry_open_into(plain, VIEW_SCRATCH_BYTES, &plen, e,
	    epoch_key_for(key, e)) != 0) {
		*state = VIEW_BODY_BAD;
		return NULL;
	}
	obj = payload_parse(plain, plen);
	sodium_memzero(plain, plen);
	/*
	 * Content that is no payload of its kind is its author's fault
	 * (faults.h): shown as such, never in part.
	 */
	if (obj != NULL && entry_kind_is_content(e->kind) &&
	    payload_check(e->kind, obj) != 0) {
		json_decref(obj);
		obj = NULL;
	}
	*state = obj != NULL ? VIEW_BODY_OK : VIEW_BODY_INVALID;
	return obj;
}

void
view_free(view *v)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < v->nitems; i++) {
		json_decref((json_t *)v->items[i].payload);
		free((void *)v->items[i].corrections);
		free((void *)v->items[i].endorsements);
		free((void *)v->items[i].endorsed);
	}
	for (i = 0; i < v->nmeetings; i++) {
		free((void *)v->meetings[i].agenda);
		free((void *)v->meetings[i].opens);
		free((void *)v->meetings[i].closes);
	}
	free(v->items);
	free(v->byhash);
	free(v->agenda);
	free(v->meetings);
	free(v->commitments);
	free(v->parties);
	free(v->heads);
	free(v->has_head);
	free(v->agenda_of);
	free(v->commit_of);
	free(v->feeds);
	free(v);
}

size_t
view_nitems(const view *v)
{
	return v->nitems;
}

const view_item *
view_item_at(const view *v, size_t i)
{
	return i < v->nitems ? &v->items[i] : NULL;
}

int
view_find_prefix(const view_item **out, const view *v, const char *prefix)
{
	char low[2 * ENTRY_HASH_BYTES + 1];
	const view_item *found = NULL;
	size_t n, i;

	*out = NULL;
	if (prefix == NULL || (n = strlen(prefix)) < 4 ||
	    n > 2 * ENTRY_HASH_BYTES)
		return DT_EINVAL;
	for (i = 0; i < n; i++) {
		if (!isxdigit((unsigned char)prefix[i]))
			return DT_EINVAL;
		low[i] = (char)tolower((unsigned char)prefix[i]);
	}
	low[n] = '\0';
	for (i = 0; i < v->nitems; i++) {
		if (strncmp(v->items[i].hex, low, n) != 0)
			continue;
		if (found != NULL)
			return DT_EAMBIG;
		found = &v->items[i];
	}
	if (found == NULL)
		return DT_ENOENT;
	*out = found;
	return 0;
}

size_t
view_nmeetings(const view *v)
{
	return v->nmeetings;
}

const view_meeting *
view_meeting_at(const view *v, size_t i)
{
	return i < v->nmeetings ? &v->meetings[i] : NULL;
}

const view_meeting *
view_meeting_find(const view *v, int64_t n)
{
	size_t i;

	for (i = 0; i < v->nmeetings; i++)
		if (v->meetings[i].number == n)
			return &v->meetings[i];
	return NULL;
}

const view_meeting *
view_current_meeting_for(const view *v, const char *party)
{
	const view_meeting *best = NULL;
	long p = view_party_index(v, party);
	size_t i;

	/* by number ascending: a side goes through its meetings in order */
	for (i = 0; i < v->nmeetings && best == NULL; i++) {
		const view_meeting *m = &v->meetings[i];

		if (m->nopens > 0 && m->close == NULL &&
		    (p < 0 || m->closes[p] == NULL))
			best = m;
	}
	return best;
}

const view_item *
view_meeting_closed_by(const view *v, const view_meeting *m,
    const char *party)
{
	long p = view_party_index(v, party);

	return m != NULL && p >= 0 ? m->closes[p] : NULL;
}

const view_meeting *
view_current_meeting(const view *v)
{
	return v->current;
}

const view_meeting *
view_last_meeting(const view *v)
{
	return v->last;
}

const view_agenda *
view_current_agenda(const view *v)
{
	return v->current_agenda;
}

size_t
view_nagenda(const view *v)
{
	return v->nagenda;
}

const view_agenda *
view_agenda_at(const view *v, size_t i)
{
	return i < v->nagenda ? &v->agenda[i] : NULL;
}

const view_agenda *
view_agenda_of(const view *v, const view_item *it)
{
	if (it == NULL || v->agenda_of == NULL || it->index >= v->nitems ||
	    &v->items[it->index] != it || v->agenda_of[it->index] < 0)
		return NULL;
	return &v->agenda[v->agenda_of[it->index]];
}

size_t
view_ncommitments(const view *v)
{
	return v->ncommitments;
}

const view_commitment *
view_commitment_at(const view *v, size_t i)
{
	return i < v->ncommitments ? &v->commitments[i] : NULL;
}

const view_commitment *
view_commitment_of(const view *v, const view_item *it)
{
	if (it == NULL || v->commit_of == NULL || it->index >= v->nitems ||
	    &v->items[it->index] != it || v->commit_of[it->index] < 0)
		return NULL;
	return &v->commitments[v->commit_of[it->index]];
}

int
view_commitment_open(const view_commitment *c)
{
	return c->state == NULL || (strcmp(c->state, "fulfilled") != 0 &&
	    strcmp(c->state, "withdrawn") != 0);
}

size_t
view_nparties(const view *v)
{
	return v->nparties;
}

const char *
view_party(const view *v, size_t i)
{
	return i < v->nparties ? v->parties[i] : NULL;
}

const char *
view_text(const view_item *it, const char *lang)
{
	if (it == NULL || it->payload == NULL)
		return NULL;
	return payload_text_pick(it->payload, "text", lang);
}

int
view_locked(const view *v)
{
	return v->locked;
}
