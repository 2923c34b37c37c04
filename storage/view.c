/*
 * view.c: the record's projection (see view.h).
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
#include "payload.h"
#include "record.h"
#include "store.h"
#include "view.h"

struct view {
	view_item *items;
	size_t nitems;
	size_t cap;
	view_item **byhash;          /* items sorted by hash, for view_find */

	view_agenda *agenda;
	size_t nagenda;
	view_meeting *meetings;
	size_t nmeetings;
	view_commitment *commitments;
	size_t ncommitments;

	char (*parties)[VIEW_PARTY_BYTES];
	unsigned char (*heads)[KEY_PK_BYTES]; /* per party; zero if none */
	int *has_head;
	size_t nparties;

	long *agenda_of;             /* per item: index in agenda, or -1 */
	long *commit_of;             /* per item: index in commitments */

	const view_meeting *current;
	const view_meeting *last;
	const view_agenda *current_agenda;
	int locked;

	/* A bounded view (windowed = 1): see view_load_window(). */
	int windowed;
	view_window w;               /* w.item points at item below */
	unsigned char item[ENTRY_HASH_BYTES];
	unsigned char before[STORE_ORDER_BYTES]; /* the span's oldest key */
	int has_older;               /* older rows not examined */
	int deferred;                /* w.defer kinds only within the span */
	size_t span;                 /* index of the span's first item */
	size_t nwindow;              /* items of unindexed kinds */
	store_head *feeds;           /* the feeds' heads as loaded */
	size_t nfeeds;
};

/* What store_scan() needs to fill the item list. */
struct collect {
	view *v;
	record *r;
	const unsigned char *key;
	unsigned char *scratch;      /* VIEW_SCRATCH_BYTES, sodium_malloc */
	int err;

	/* bounded loads only */
	const view *reuse;           /* items to copy instead of decrypting */
	const view *base;            /* items already in v: skip them */
	const unsigned char *item;   /* keep only entries attached to it */
	size_t want;                 /* unindexed entries still wanted */
	size_t budget;               /* merged-order rows still to examine */
	int started;                 /* a row was examined */
	unsigned char last[STORE_ORDER_BYTES]; /* last row examined */
	const unsigned char *stop;   /* order key: skip rows at or past it */

	/* full loads: bodies opened after the walk, on every core */
	int later;                   /* 0: open each body in the walk */
	struct body_job *jobs;       /* with later: the bodies to open */
	size_t njobs, capjobs;
};

/*
 * One body to open: the entry's bytes (in the read transaction's map,
 * valid until it ends), and what opening it gave.
 */
struct body_job {
	size_t index;                /* of the item in the view */
	unsigned char hash[ENTRY_HASH_BYTES]; /* as the order index says */
	const unsigned char *bytes;  /* not yet checked against hash */
	size_t len;
	json_t *payload;             /* out: new reference, or NULL */
	int body;                    /* out: VIEW_BODY_* */
	int hash_bad;                /* out: bytes do not hash to hash */
};

/* Room for the largest body: decrypted text is never longer. */
#define VIEW_SCRATCH_BYTES (ENTRY_MAX_BODY + 1U)

/*
 * grow() - make room for one more element in *arr (of *cap elements of
 * size sz).  The array may move: callers keep indexes, not pointers,
 * until the array is final.
 */
static int
grow(void *arr, size_t *cap, size_t n, size_t sz)
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
 * body_payload() - the parsed payload of e, or NULL, and its fate in
 * *state.  The clear text lives in the walk's sodium_malloc scratch
 * buffer (plain) only while it is parsed, and is wiped after; the json_t returned is a new reference owned by the caller.
 */
static json_t *
body_payload(const entry *e, const unsigned char *key, unsigned char *plain,
    int *state)
{
	size_t plen = 0;
	json_t *obj;

	if (entry_kind_is_content(e->kind) && key == NULL) {
		*state = VIEW_BODY_LOCKED;
		return NULL;
	}
	if (entry_open_into(plain, VIEW_SCRATCH_BYTES, &plen, e, key) != 0) {
		*state = VIEW_BODY_BAD;
		return NULL;
	}
	obj = payload_parse(plain, plen);
	sodium_memzero(plain, plen);
	*state = obj != NULL ? VIEW_BODY_OK : VIEW_BODY_BAD;
	return obj;
}

/*
 * copy_item() - append a copy of src (an item of another view) to v,
 * taking a reference to its payload and none of its links, which
 * link_items() resolves again within v.
 */
static int
copy_item(view *v, const view_item *src)
{
	view_item *it;
	int rc;

	if ((rc = grow(&v->items, &v->cap, v->nitems, sizeof(*v->items))) != 0)
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
	if (it->body == VIEW_BODY_LOCKED)
		v->locked = 1;
	return 0;
}

/*
 * collect_cb() - store_scan() callback: append one item (a copy of the
 * same entry in c->reuse, if that view holds it with its body, else
 * parsed and decrypted here).
 */
static int
collect_cb(void *ctx, const unsigned char *bytes, size_t len,
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
		if ((rc = copy_item(v, old)) != 0)
			return c->err = rc;
		return 0;
	}
	if ((rc = grow(&v->items, &v->cap, v->nitems, sizeof(*v->items))) != 0)
		return c->err = rc;
	it = &v->items[v->nitems];
	memset(it, 0, sizeof(*it));
	it->index = v->nitems;
	memcpy(it->hash, hash, ENTRY_HASH_BYTES);
	key_hex(it->hex, hash, ENTRY_HASH_BYTES);
	it->len = len;
	it->meeting = -1;
	v->nitems++;
	if (c->later) {
		/* hashed, checked and opened by open_bodies() */
		struct body_job *j;

		if ((rc = grow(&c->jobs, &c->capjobs, c->njobs,
		    sizeof(*c->jobs))) != 0)
			return c->err = rc;
		j = &c->jobs[c->njobs++];
		memset(j, 0, sizeof(*j));
		j->index = it->index;
		memcpy(j->hash, hash, ENTRY_HASH_BYTES);
		j->bytes = bytes;
		j->len = len;
	}
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
	it->payload = body_payload(&e, c->key, c->scratch, &it->body);
	if (it->body == VIEW_BODY_LOCKED)
		v->locked = 1;
	mt = json_object_get(it->payload, "meeting");
	if (json_is_integer(mt) && json_integer_value(mt) >= 0)
		it->meeting = json_integer_value(mt);
	return 0;
}

static int
cmp_byhash(const void *a, const void *b)
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
 * link_items() - resolve targets and agenda items, and give every entry its
 * corrections, endorsements and endorsing parties.  Runs once the item
 * array is final, so the pointers it stores stay valid.
 */
static int
link_items(view *v)
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
	for (i = 0; i < v->nitems; i++) {
		view_item *it = &v->items[i], *t;

		if (it->payload == NULL)
			continue;
		t = find_field(v, it, "item");
		if (t != NULL && t->kind == ENTRY_K_AGENDA)
			it->item = t;
		if ((t = find_field(v, it, "target")) == NULL ||
		    t->index >= it->index)
			continue;   /* unknown, or not before it: ignored */
		it->target = t;
		if (it->kind == ENTRY_K_CORRECTION)
			ncorr[t->index]++;
		else if (it->kind == ENTRY_K_ENDORSEMENT)
			nend[t->index]++;
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
				if (party_of_head(v, it->endorsements[j]->author)
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

/*
 * project() - meetings, agenda items and commitments, each with the
 * latest status in merged order, and the current meeting and item.
 */
static int
project(view *v)
{
	size_t cap_m = 0, cap_a = 0, cap_c = 0, i, j, k;
	long *agenda_of = NULL, *commit_of = NULL, last_open = -1, mi;
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

		if (it->payload == NULL)
			continue;
		switch (it->kind) {
		case ENTRY_K_MEETING_OPEN:
			if (it->meeting < 0)
				break;
			last_open = (long)i;
			if (meeting_index(v, it->meeting) >= 0)
				break;  /* a second open: the first counts */
			if ((rc = grow(&v->meetings, &cap_m, v->nmeetings,
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
			if ((mi = meeting_index(v, it->meeting)) >= 0 &&
			    v->meetings[mi].close == NULL)
				v->meetings[mi].close = it;
			break;
		case ENTRY_K_AGENDA:
			if ((rc = grow(&v->agenda, &cap_a, v->nagenda,
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
			v->agenda[agenda_of[it->target->index]].state = state;
			v->agenda[agenda_of[it->target->index]].status = it;
			break;
		case ENTRY_K_COMMITMENT:
			if ((rc = grow(&v->commitments, &cap_c,
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
	/* Kept for view_agenda_of() and view_commitment_of(). */
	v->agenda_of = agenda_of;
	v->commit_of = commit_of;
	return rc;
}

/* copy_parties() - copy the parties and their heads out of r. */
static int
copy_parties(view *v, const record *r)
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

/* finish() - the hash index, the links and the projection of v. */
static int
finish(view *v)
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
		qsort(v->byhash, v->nitems, sizeof(*v->byhash), cmp_byhash);
	}
	if ((rc = link_items(v)) != 0 || (rc = project(v)) != 0)
		return rc;
	return 0;
}

/* jobs_free() - free c's jobs and any payload not given to an item. */
static void
jobs_free(struct collect *c)
{
	size_t k;

	for (k = 0; k < c->njobs; k++)
		json_decref(c->jobs[k].payload);
	free(c->jobs);
	c->jobs = NULL;
	c->njobs = c->capjobs = 0;
}

/* The workers of open_bodies(): jobs are handed out in runs. */
struct body_pool {
	struct body_job *jobs;
	size_t n;
	size_t next;                 /* the next job not handed out */
	const unsigned char *key;
	pthread_mutex_t mu;
};

#define BODY_RUN 64U             /* jobs a worker takes at a time */
#define BODY_MIN_PARALLEL 512U   /* fewer: not worth a thread */
#define BODY_MAX_THREADS 16U

/*
 * body_worker() - open the bodies of runs of jobs until none is left,
 * each into this thread's own sodium_malloc scratch, wiped after
 * (body_payload()).  Each job is written by one thread only.  A worker
 * without scratch memory takes no job.
 */
static void *
body_worker(void *arg)
{
	struct body_pool *p = arg;
	unsigned char *scratch = sodium_malloc(VIEW_SCRATCH_BYTES);
	unsigned char h[ENTRY_HASH_BYTES];
	size_t i, from, to;
	entry e;

	for (;;) {
		pthread_mutex_lock(&p->mu);
		from = p->next;
		to = scratch == NULL ? from :
		    from + BODY_RUN < p->n ? from + BODY_RUN : p->n;
		p->next = to;
		pthread_mutex_unlock(&p->mu);
		if (from >= to)
			break;
		for (i = from; i < to; i++) {
			struct body_job *j = &p->jobs[i];

			/* what scan_one() checks in store_scan() */
			entry_hash(h, j->bytes, j->len);
			if (sodium_memcmp(h, j->hash, ENTRY_HASH_BYTES) != 0) {
				j->hash_bad = 1;
				j->body = VIEW_BODY_BAD;
				continue;
			}
			if (entry_parse(&e, j->bytes, j->len) != 0) {
				j->body = VIEW_BODY_BAD;
				continue;
			}
			j->payload = body_payload(&e, p->key, scratch,
			    &j->body);
		}
	}
	sodium_free(scratch);
	return NULL;
}

/*
 * open_bodies() - check the leaf hash of each entry c->jobs name against
 * the order index (as store_scan() does), and decrypt and parse its
 * body, on every online core (the calling thread and up to
 * BODY_MAX_THREADS - 1 more); then give each item its payload.  Must
 * run inside the read transaction that the jobs' bytes point into.
 * Each entry is checked and opened exactly as store_scan() and
 * collect_cb() do in a bounded load; only where and when differ.
 * @return 0; DT_EHASH (an entry's bytes do not hash to what the index
 *         says: the load fails, as store_scan() fails); DT_ENOMEM.
 */
static int
open_bodies(struct collect *c)
{
	struct body_pool p;
	pthread_t th[BODY_MAX_THREADS];
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned nth = 0, want, i;
	size_t k;

	memset(&p, 0, sizeof(p));
	p.jobs = c->jobs;
	p.n = c->njobs;
	p.key = c->key;
	if (pthread_mutex_init(&p.mu, NULL) != 0)
		return DT_ENOMEM;
	want = ncpu > 1 && p.n >= BODY_MIN_PARALLEL ?
	    (ncpu < (long)BODY_MAX_THREADS ? (unsigned)ncpu :
	    BODY_MAX_THREADS) : 1;
	/* A thread that does not start leaves its share to the others. */
	for (i = 1; i < want; i++)
		if (pthread_create(&th[nth], NULL, body_worker, &p) == 0)
			nth++;
	body_worker(&p);
	for (i = 0; i < nth; i++)
		pthread_join(th[i], NULL);
	pthread_mutex_destroy(&p.mu);
	/* every job was taken, unless a worker lacked memory */
	if (p.next < p.n)
		return DT_ENOMEM;
	for (k = 0; k < p.n; k++)
		if (c->jobs[k].hash_bad)
			return DT_EHASH;
	for (k = 0; k < p.n; k++) {
		view_item *it = &c->v->items[c->jobs[k].index];
		const json_t *mt;

		it->payload = c->jobs[k].payload;
		it->body = c->jobs[k].body;
		c->jobs[k].payload = NULL;
		if (it->body == VIEW_BODY_LOCKED)
			c->v->locked = 1;
		mt = json_object_get(it->payload, "meeting");
		if (json_is_integer(mt) && json_integer_value(mt) >= 0)
			it->meeting = json_integer_value(mt);
	}
	return 0;
}

int
view_load(view **out, record *r)
{
	struct collect c;
	store_txn *t = NULL;
	view *v;
	int rc;

	*out = NULL;
	memset(&c, 0, sizeof(c));
	if ((v = calloc(1, sizeof(*v))) == NULL)
		return DT_ENOMEM;
	if ((rc = copy_parties(v, r)) != 0)
		goto out;
	c.v = v;
	c.r = r;
	c.key = record_key(r);
	/* the walk collects the bodies; open_bodies() opens them */
	c.later = 1;
	if ((rc = store_txn_begin(&t, record_store(r), 0)) != 0)
		goto out;
	rc = store_scan_unchecked(t, collect_cb, &c);
	if (rc == 0)
		rc = c.err;
	if (rc == 0)
		rc = open_bodies(&c);
	store_txn_abort(t);
	if (rc != 0 || (rc = finish(v)) != 0)
		goto out;
	*out = v;
	v = NULL;
out:
	jobs_free(&c);
	view_free(v);
	return rc;
}

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

	if ((rc = collect_cb(c, bytes, len, hash)) != 0)
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

/* kinds_cb() - store_scan_kind() callback: collect, unless known. */
static int
kinds_cb(void *ctx, const unsigned char *bytes, size_t len,
    const unsigned char hash[ENTRY_HASH_BYTES])
{
	struct collect *c = ctx;

	if (have(c, hash))
		return 0;
	return collect_cb(c, bytes, len, hash);
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
	if ((rc = copy_parties(v, r)) != 0) {
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
		if ((rc = copy_item(v, &base->items[i])) != 0)
			return rc;
	v->nwindow = base->nwindow;
	memcpy(v->before, base->before, sizeof(v->before));
	v->has_older = base->has_older;
	v->deferred = base->deferred;
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
	KW_SPAN = 1,     /* only the deferred kinds, within the span */
	KW_DEFERRED = 2  /* only the deferred kinds, in full */
};

/*
 * kinds_walk() - the indexed kinds through the kinds index, as mode
 * says; rows already in c->base are skipped.  Sets v->deferred.
 */
static int
kinds_walk(view *v, struct collect *c, store_txn *t, int mode)
{
	unsigned k;
	int rc, late;

	v->deferred = 0;
	for (k = 1; k < 64; k++) {
		if (!store_kind_indexed(k))
			continue;
		late = (v->w.defer & VIEW_KIND(k)) != 0;
		if (mode != KW_ALL && !late)
			continue;
		if (late && mode != KW_DEFERRED && v->has_older)
			v->deferred = 1;
		rc = store_scan_kind(t, k, late && mode != KW_DEFERRED ?
		    v->before : NULL, kinds_cb, c);
		if (c->err != 0)
			return c->err;
		if (rc != 0)
			return rc;
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
		    collect_cb(c, bytes, len, got);
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

/*
 * window_load() - the work of the bounded loads: a new view with base's
 * items (if any), the window walked back for w->count more entries, and
 * the indexed kinds: all of them (no base), the deferred ones in full
 * (complete), or none (extend: base has them).
 */
static int
window_load(view **out, record *r, const view_window *w, const view *reuse,
    const view *base, int complete)
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
	c.key = record_key(r);
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
	if ((rc = store_txn_begin(&t, record_store(r), 0)) != 0)
		goto out;
	if (base == NULL && (rc = store_heads(&v->feeds, &v->nfeeds, t)) != 0)
		goto out;
	if ((rc = window_walk(v, &c, t, base)) != 0)
		goto out;
	if (base == NULL) {
		if ((rc = kinds_walk(v, &c, t, KW_ALL)) == 0 && w->also != NULL)
			rc = also_load(&c, t, w->also, 0);
	} else if (complete)
		rc = kinds_walk(v, &c, t, KW_DEFERRED);
	else if (base->deferred)
		/* extend: the deferred kinds' rows down to the new span */
		rc = kinds_walk(v, &c, t, KW_SPAN);
	if (rc != 0)
		goto out;
	sort_items(v);
	if ((rc = finish(v)) != 0)
		goto out;
	*out = v;
	v = NULL;
out:
	store_txn_abort(t);
	if (c.scratch != NULL)
		sodium_free(c.scratch);
	view_free(v);
	return rc;
}

int
view_load_window(view **out, record *r, const view_window *w,
    const view *reuse)
{
	return window_load(out, r, w, reuse, NULL, 0);
}

int
view_extend(view **out, const view *v, record *r, size_t more)
{
	view_window w = v->w;

	w.count = more;
	return window_load(out, r, &w, NULL, v, 0);
}

int
view_complete(view **out, const view *v, record *r)
{
	view_window w = v->w;

	w.count = 0;
	return window_load(out, r, &w, NULL, v, 1);
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
	c.key = record_key(r);
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
		    (rc = copy_item(nv, &v->items[i])) != 0)
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
	if ((rc = store_txn_begin(&t, record_store(r), 0)) != 0 ||
	    (rc = window_walk(nv, &c, t, NULL)) != 0)
		goto out;
	sort_items(nv);
	if ((rc = finish(nv)) != 0)
		goto out;
	*out = nv;
	nv = NULL;
out:
	store_txn_abort(t);
	if (c.scratch != NULL)
		sodium_free(c.scratch);
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
		return collect_cb(c, bytes, len, hash);
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
		rc = window_load(out, r, &w, v, NULL, 0);
		goto out;
	}
	if ((rc = new_window_view(&nv, r, &w)) != 0)
		goto out;
	c.v = nv;
	c.r = r;
	c.key = record_key(r);
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
	if ((rc = finish(nv)) != 0)
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
	for (i = 0; i < v->nmeetings; i++)
		free((void *)v->meetings[i].agenda);
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
