/*
 * view_project.c: the projection of the linked items into meetings,
 * agenda and commitments (view_project()), late entries marked.
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

static int
cmp_meeting(const void *a, const void *b)
{
	const view_meeting *x = a, *y = b;

	return (x->number > y->number) - (x->number < y->number);
}

/* meeting_index() - index of meeting n in the (unsorted) array, or -1. */
static long
meeting_index(const view *v, int64_t n)
{
	size_t i;

	for (i = 0; i < v->nmeetings; i++)
		if (v->meetings[i].number == n)
			return (long)i;
	return -1;
}

/* str_field() - a string field of a payload, borrowed, or NULL. */
static const char *
str_field(const view_item *it, const char *field)
{
	return json_string_value(json_object_get(it->payload, field));
}

/* view_party_index() - the index of party among v's parties, or -1. */
long
view_party_index(const view *v, const char *party)
{
	size_t i;

	for (i = 0; party != NULL && i < v->nparties; i++)
		if (strcmp(v->parties[i], party) == 0)
			return (long)i;
	return -1;
}

/*
 * meeting_acts() - each meeting's openings (every meeting-open of its
 * number, merged order), each party's first close, and its close once
 * every party has closed it.  Late entries count for nothing.
 */
static int
meeting_acts(view *v)
{
	size_t i, j, n;
	long mi, p;

	for (i = 0; i < v->nmeetings; i++) {
		view_meeting *m = &v->meetings[i];
		const view_item **opens, **closes;

		for (n = 0, j = 0; j < v->nitems; j++)
			if (v->items[j].kind == ENTRY_K_MEETING_OPEN &&
			    v->items[j].payload != NULL && !v->items[j].late &&
			    v->items[j].meeting == m->number)
				n++;
		if ((opens = calloc(n ? n : 1, sizeof(*opens))) == NULL)
			return DT_ENOMEM;
		m->opens = opens;
		if ((closes = calloc(v->nparties ? v->nparties : 1,
		    sizeof(*closes))) == NULL)
			return DT_ENOMEM;
		m->closes = closes;
	}
	for (j = 0; j < v->nitems; j++) {
		const view_item *it = &v->items[j];
		view_meeting *m;

		if (it->payload == NULL || it->late || it->meeting < 0 ||
		    (mi = meeting_index(v, it->meeting)) < 0)
			continue;
		m = &v->meetings[mi];
		if (it->kind == ENTRY_K_MEETING_OPEN)
			((const view_item **)m->opens)[m->nopens++] = it;
		else if (it->kind == ENTRY_K_MEETING_CLOSE &&
		    (p = view_party_index(v, it->party)) >= 0 &&
		    m->closes[p] == NULL)
			((const view_item **)m->closes)[p] = it;
	}
	for (i = 0; i < v->nmeetings; i++) {
		view_meeting *m = &v->meetings[i];
		const view_item *last = NULL;

		for (p = 0; p < (long)v->nparties; p++) {
			if (m->closes[p] == NULL) {
				last = NULL;
				break;
			}
			if (last == NULL || m->closes[p]->index > last->index)
				last = m->closes[p];
		}
		m->close = last;
	}
	return 0;
}

/* A meeting-close of the view: its meeting, and where it is. */
struct close_at {
	int64_t meeting;
	size_t index;
};

/* cmp_close_at() - by meeting, then merged order. */
static int
cmp_close_at(const void *a, const void *b)
{
	const struct close_at *x = a, *y = b;

	if (x->meeting != y->meeting)
		return (x->meeting > y->meeting) - (x->meeting < y->meeting);
	return (x->index > y->index) - (x->index < y->index);
}

/*
 * view_mark_late() - set view_item.late: an entry of a meeting (late_kind())
 * that has a meeting-close of its meeting by its author's party, other
 * than itself, in its causal past, read from r's store (late.h).
 */
int
view_mark_late(view *v, record *r)
{
	struct close_at *closes = NULL;
	size_t nc = 0, i, j;
	store_txn *t = NULL;
	int rc = 0, y;

	for (i = 0; i < v->nitems; i++)
		v->items[i].late = 0;
	if (r == NULL || v->nitems == 0)
		return 0;
	for (i = 0; i < v->nitems; i++)
		if (v->items[i].kind == ENTRY_K_MEETING_CLOSE &&
		    v->items[i].payload != NULL && v->items[i].meeting >= 0 &&
		    v->items[i].party[0] != '\0')
			nc++;
	if (nc == 0)
		return 0;
	if ((closes = malloc(nc * sizeof(*closes))) == NULL)
		return DT_ENOMEM;
	for (nc = 0, i = 0; i < v->nitems; i++)
		if (v->items[i].kind == ENTRY_K_MEETING_CLOSE &&
		    v->items[i].payload != NULL && v->items[i].meeting >= 0 &&
		    v->items[i].party[0] != '\0') {
			closes[nc].meeting = v->items[i].meeting;
			closes[nc++].index = i;
		}
	/* by meeting, so that each entry looks at its meeting's only */
	qsort(closes, nc, sizeof(*closes), cmp_close_at);
	for (i = 0; i < v->nitems && rc == 0; i++) {
		view_item *x = &v->items[i];
		size_t lo = 0, hi = nc;

		if (!late_kind(x->kind) || x->payload == NULL ||
		    x->meeting < 0 || x->party[0] == '\0')
			continue;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (closes[mid].meeting < x->meeting)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (j = lo; j < nc && !x->late &&
		    closes[j].meeting == x->meeting; j++) {
			const view_item *c = &v->items[closes[j].index];
			late_close lc;

			if (c == x || c->clock >= x->clock ||
			    strcmp(c->party, x->party) != 0)
				continue;
			if (t == NULL && (rc = store_txn_begin(&t,
			    record_store(r), 0)) != 0)
				break;
			memcpy(lc.author, c->author, KEY_PK_BYTES);
			lc.seq = c->seq;
			lc.clock = c->clock;
			if ((rc = late_follows_at(&y, t, &lc, x->author,
			    x->seq)) != 0)
				break;
			x->late = y;
		}
	}
	store_txn_abort(t);
	free(closes);
	return rc;
}

/*
 * one_current() - agenda item a is being made current: in merged order,
 * the item of its meeting that was current until now stops being so and
 * goes back to the state it had before it was made current (NULL: open),
 * so that a meeting has at most one current item on every replica.
 * (*before)[i] keeps item i's state from before it became current; it
 * grows with v->agenda.  @return 0 or DT_ENOMEM.
 */
static int
one_current(view *v, long a, view_agenda **before, size_t *cap)
{
	size_t j, had = *cap;
	int rc;

	while (*cap < v->nagenda)
		if ((rc = view_grow(before, cap, *cap, sizeof(**before))) != 0)
			return rc;
	if (*cap > had)
		memset(*before + had, 0, (*cap - had) * sizeof(**before));
	for (j = 0; j < v->nagenda; j++) {
		view_agenda *o = &v->agenda[j];

		if ((long)j == a || o->meeting != v->agenda[a].meeting ||
		    o->state == NULL || strcmp(o->state, "current") != 0)
			continue;
		o->state = (*before)[j].state;
		o->status = (*before)[j].status;
	}
	if (v->agenda[a].state == NULL ||
	    strcmp(v->agenda[a].state, "current") != 0) {
		(*before)[a].state = v->agenda[a].state;
		(*before)[a].status = v->agenda[a].status;
	}
	return 0;
}

/*
 * view_project() - meetings, agenda items and commitments, each with the
 * latest status in merged order (a meeting's current item is the last
 * made current: one_current()), and the current meeting and item.
 */
int
view_project(view *v)
{
	size_t cap_m = 0, cap_a = 0, cap_c = 0, cap_b = 0, i, j, k;
	long *agenda_of = NULL, *commit_of = NULL, last_open = -1;
	view_agenda *before = NULL;
	int rc = DT_ENOMEM;

	if (v->nitems == 0)
		return 0;
	if ((agenda_of = malloc(v->nitems * sizeof(*agenda_of))) == NULL ||
	    (commit_of = malloc(v->nitems * sizeof(*commit_of))) == NULL)
		goto out;
	for (i = 0; i < v->nitems; i++)
		agenda_of[i] = commit_of[i] = -1;

	for (i = 0; i < v->nitems; i++) {
		const view_item *it = &v->items[i];
		const char *state;

		if (it->payload == NULL || it->late)
			continue;
		switch (it->kind) {
		case ENTRY_K_MEETING_OPEN:
			if (it->meeting < 0)
				break;
			last_open = (long)i;
			if (meeting_index(v, it->meeting) >= 0)
				break;  /* a second open: the first counts */
			if ((rc = view_grow(&v->meetings, &cap_m, v->nmeetings,
			    sizeof(*v->meetings))) != 0)
				goto out;
			memset(&v->meetings[v->nmeetings], 0,
			    sizeof(*v->meetings));
			v->meetings[v->nmeetings].number = it->meeting;
			v->meetings[v->nmeetings].open = it;
			v->meetings[v->nmeetings].title = str_field(it, "title");
			v->meetings[v->nmeetings].place = str_field(it, "place");
			v->meetings[v->nmeetings].date = str_field(it, "date");
			v->nmeetings++;
			break;
		case ENTRY_K_MEETING_CLOSE:
			break;  /* per party, below */
		case ENTRY_K_AGENDA:
			if ((rc = view_grow(&v->agenda, &cap_a, v->nagenda,
			    sizeof(*v->agenda))) != 0)
				goto out;
			memset(&v->agenda[v->nagenda], 0, sizeof(*v->agenda));
			v->agenda[v->nagenda].entry = it;
			v->agenda[v->nagenda].meeting = it->meeting;
			for (k = 0, j = 0; j < v->nagenda; j++)
				if (v->agenda[j].meeting == it->meeting)
					k++;
			v->agenda[v->nagenda].number = k + 1;
			agenda_of[i] = (long)v->nagenda++;
			break;
		case ENTRY_K_AGENDA_STATUS:
			state = str_field(it, "state");
			if (it->target == NULL || state == NULL ||
			    agenda_of[it->target->index] < 0)
				break;
			if (strcmp(state, "current") == 0 &&
			    (rc = one_current(v, agenda_of[it->target->index],
			    &before, &cap_b)) != 0)
				goto out;
			v->agenda[agenda_of[it->target->index]].state = state;
			v->agenda[agenda_of[it->target->index]].status = it;
			break;
		case ENTRY_K_COMMITMENT:
			if ((rc = view_grow(&v->commitments, &cap_c,
			    v->ncommitments, sizeof(*v->commitments))) != 0)
				goto out;
			memset(&v->commitments[v->ncommitments], 0,
			    sizeof(*v->commitments));
			v->commitments[v->ncommitments].entry = it;
			v->commitments[v->ncommitments].item = it->item;
			v->commitments[v->ncommitments].meeting = it->meeting;
			v->commitments[v->ncommitments].party =
			    str_field(it, "party");
			v->commitments[v->ncommitments].owner =
			    str_field(it, "owner");
			v->commitments[v->ncommitments].due =
			    str_field(it, "due");
			commit_of[i] = (long)v->ncommitments++;
			break;
		case ENTRY_K_COMMITMENT_STATUS:
			state = str_field(it, "state");
			if (it->target == NULL || state == NULL ||
			    commit_of[it->target->index] < 0)
				break;
			v->commitments[commit_of[it->target->index]].state =
			    state;
			v->commitments[commit_of[it->target->index]].status =
			    it;
			break;
		default:
			break;
		}
	}

	/* Final arrays from here on: pointers into them are safe. */
	if (v->nmeetings > 0)
		qsort(v->meetings, v->nmeetings, sizeof(*v->meetings),
		    cmp_meeting);
	if ((rc = meeting_acts(v)) != 0)
		goto out;
	for (i = 0; i < v->nmeetings; i++) {
		view_meeting *m = &v->meetings[i];
		const view_agenda **list;

		for (k = 0, j = 0; j < v->nagenda; j++)
			if (v->agenda[j].meeting == m->number)
				k++;
		if (k == 0)
			continue;
		if ((list = calloc(k, sizeof(*list))) == NULL)
			goto out;
		for (j = 0; j < v->nagenda; j++)
			if (v->agenda[j].meeting == m->number)
				list[m->nagenda++] = &v->agenda[j];
		m->agenda = list;
	}
	if (v->nmeetings > 0)
		v->last = &v->meetings[v->nmeetings - 1];
	if (last_open >= 0) {
		const view_meeting *m = view_meeting_find(v,
		    v->items[last_open].meeting);

		if (m != NULL && m->close == NULL)
			v->current = m;
	}
	/* The item most recently made current, if it still is. */
	for (i = v->nitems; v->current != NULL && i-- > 0;) {
		const view_item *it = &v->items[i];
		const char *state;
		long a;

		if (it->kind != ENTRY_K_AGENDA_STATUS || it->target == NULL ||
		    it->meeting != v->current->number)
			continue;
		state = str_field(it, "state");
		a = agenda_of[it->target->index];
		if (state == NULL || strcmp(state, "current") != 0 || a < 0)
			continue;
		if (v->agenda[a].state != NULL &&
		    strcmp(v->agenda[a].state, "current") == 0) {
			v->current_agenda = &v->agenda[a];
			break;
		}
	}
	rc = 0;
out:
	free(before);
	/* Kept for view_agenda_of() and view_commitment_of(). */
	v->agenda_of = agenda_of;
	v->commit_of = commit_of;
	return rc;
}
