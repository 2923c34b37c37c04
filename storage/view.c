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
#include "epoch.h"
#include "halves.h"
#include "late.h"
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
	int cm_older;                /* commitments before the span left
	                              * out (w.commitments) */
	store_head *feeds;           /* the feeds' heads as loaded */
	size_t nfeeds;
};

struct body_pool;

/* What store_scan() needs to fill the item list. */
struct collect {
	view *v;
	record *r;
	const epoch_ring *key;       /* NULL: locked */
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

	/*
	 * w.commitments: before the span, the newest cm_keep commitments
	 * this walk collects (those in the view already do not count), and
	 * only the statuses, endorsements and corrections of what the view
	 * holds (kept: the hashes of v's items, sorted, made before each
	 * of those kinds is walked).
	 */
	int filtered;
	size_t cm_keep;
	size_t cm_from;              /* this walk's first commitment item */
	size_t cm_old;               /* of them, before the span */
	unsigned char (*kept)[ENTRY_HASH_BYTES];
	size_t nkept;

	/* full loads: bodies opened by a pool of threads, on every core */
	int later;                   /* 0: open each body in the walk */
	struct body_job *jobs;       /* with later: the bodies to open */
	size_t njobs, capjobs;       /* capjobs: fixed before the walk */
	struct body_pool *pool;      /* with later: its workers */
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
	int64_t meeting;             /* out: payload "meeting", or -1 */
	int body;                    /* out: VIEW_BODY_* */
	int hash_bad;                /* out: bytes do not hash to hash */
};

/* Room for the largest body: decrypted text is never longer. */
#define VIEW_SCRATCH_BYTES (ENTRY_MAX_BODY + 1U)

#define BODY_RUN 64U             /* jobs a worker takes at a time */
#define BODY_MIN_PARALLEL 512U   /* fewer entries: not worth a thread */
#define BODY_MAX_THREADS 16U
#define HALVES_MIN 2048U         /* items: fewer, not worth in_halves() */

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
body_payload(const entry *e, const epoch_ring *key, unsigned char *plain,
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

/* --- full loads: the bodies on every core ------------------------- */

/*
 * A full view_load() walks the merged order on the calling thread, which
 * looks each entry up and reads its header; the work on each entry's
 * bytes (its leaf hash, checked against the index, and its body,
 * decrypted and parsed) is a job for a pool of threads, which start on
 * the first jobs while the walk goes on.  The jobs array is sized before
 * the walk (store_count()) and never moves while the workers run; a job
 * beyond it is run on the walk's thread at once.
 */
struct body_pool {
	struct body_job *jobs;
	size_t published;            /* jobs[0..published) may be taken */
	size_t next;                 /* the next job not taken */
	int closed;                  /* the walk is over */
	const epoch_ring *key;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t th[BODY_MAX_THREADS];
	unsigned nth;
};

/*
 * job_run() - what scan_one() and collect_cb() do with an entry's bytes
 * in a bounded load: the leaf hash checked against the index's, then the
 * body opened into scratch (wiped after, by body_payload()), and its
 * meeting read.
 */
static void
job_run(struct body_job *j, const epoch_ring *key, unsigned char *scratch)
{
	unsigned char h[ENTRY_HASH_BYTES];
	const json_t *mt;
	entry e;

	j->meeting = -1;
	entry_hash(h, j->bytes, j->len);
	if (sodium_memcmp(h, j->hash, ENTRY_HASH_BYTES) != 0) {
		j->hash_bad = 1;
		j->body = VIEW_BODY_BAD;
		return;
	}
	if (entry_parse(&e, j->bytes, j->len) != 0) {
		j->body = VIEW_BODY_BAD;
		return;
	}
	j->payload = body_payload(&e, key, scratch, &j->body);
	mt = json_object_get(j->payload, "meeting");
	if (json_is_integer(mt) && json_integer_value(mt) >= 0)
		j->meeting = json_integer_value(mt);
}

/* job_apply() - give the job's payload (the reference) to its item. */
static void
job_apply(view *v, struct body_job *j)
{
	view_item *it = &v->items[j->index];

	it->payload = j->payload;
	it->body = j->body;
	it->meeting = j->meeting;
	j->payload = NULL;
	/* another party's internal note locks nothing (view_item_internal) */
	if (it->body == VIEW_BODY_LOCKED && !view_item_internal(it))
		v->locked = 1;
}

/*
 * body_worker() - take runs of published jobs until the walk is over and
 * none is left, each opened into this thread's own sodium_malloc scratch.
 * Each job is written by one thread only, and read by the walk's thread
 * after pool_finish() has joined them all.  A worker without scratch
 * memory takes no job.
 */
static void *
body_worker(void *arg)
{
	struct body_pool *p = arg;
	unsigned char *scratch = sodium_malloc(VIEW_SCRATCH_BYTES);
	size_t i, from, to;

	while (scratch != NULL) {
		pthread_mutex_lock(&p->mu);
		while (p->next >= p->published && !p->closed)
			pthread_cond_wait(&p->cv, &p->mu);
		from = p->next;
		to = from + BODY_RUN < p->published ? from + BODY_RUN :
		    p->published;
		p->next = to;
		pthread_mutex_unlock(&p->mu);
		if (from >= to)
			break; /* closed, and nothing left */
		for (i = from; i < to; i++)
			job_run(&p->jobs[i], p->key, scratch);
	}
	sodium_free(scratch);
	return NULL;
}

/* pool_publish() - let the workers take jobs[0..n); close: no more. */
static void
pool_publish(struct body_pool *p, size_t n, int close)
{
	pthread_mutex_lock(&p->mu);
	p->published = n;
	p->closed |= close;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

/*
 * pool_start() - a pool over jobs, with up to extra threads besides the
 * caller's (a thread that does not start leaves its share to the others).
 * @return 0 or DT_ENOMEM.
 */
static int
pool_start(struct body_pool *p, struct body_job *jobs,
    const epoch_ring *key, unsigned extra)
{
	memset(p, 0, sizeof(*p));
	p->jobs = jobs;
	p->key = key;
	if (pthread_mutex_init(&p->mu, NULL) != 0)
		return DT_ENOMEM;
	if (pthread_cond_init(&p->cv, NULL) != 0) {
		pthread_mutex_destroy(&p->mu);
		return DT_ENOMEM;
	}
	while (p->nth < extra && p->nth < BODY_MAX_THREADS &&
	    pthread_create(&p->th[p->nth], NULL, body_worker, p) == 0)
		p->nth++;
	return 0;
}

/*
 * pool_finish() - close the pool at n jobs, work on them on this thread
 * too, and join the workers.
 * @return 0, or DT_ENOMEM if a job was left (no scratch anywhere).
 */
static int
pool_finish(struct body_pool *p, size_t n)
{
	unsigned i;
	int rc;

	pool_publish(p, n, 1);
	body_worker(p);
	for (i = 0; i < p->nth; i++)
		pthread_join(p->th[i], NULL);
	rc = p->next < p->published ? DT_ENOMEM : 0;
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
	return rc;
}

/*
 * body_later() - in a full load's walk: the job of the item at index,
 * published to the workers in runs; beyond the jobs array, run here.
 * @return 0, DT_EHASH (run here, and the bytes do not hash to the
 *         index's hash), DT_ENOMEM.
 */
static int
body_later(struct collect *c, size_t index,
    const unsigned char hash[ENTRY_HASH_BYTES], const unsigned char *bytes,
    size_t len)
{
	struct body_job one, *j = c->njobs < c->capjobs ?
	    &c->jobs[c->njobs] : &one;

	memset(j, 0, sizeof(*j));
	j->index = index;
	memcpy(j->hash, hash, ENTRY_HASH_BYTES);
	j->bytes = bytes;
	j->len = len;
	if (j != &one) {
		if (++c->njobs % BODY_RUN == 0)
			pool_publish(c->pool, c->njobs, 0);
		return 0;
	}
	if (c->scratch == NULL &&
	    (c->scratch = sodium_malloc(VIEW_SCRATCH_BYTES)) == NULL)
		return DT_ENOMEM;
	job_run(j, c->key, c->scratch);
	if (j->hash_bad)
		return DT_EHASH;
	job_apply(c->v, j);
	return 0;
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
	/* another party's internal note locks nothing (view_item_internal) */
	if (it->body == VIEW_BODY_LOCKED && !view_item_internal(it))
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
	if (c->later && (rc = body_later(c, it->index, hash, bytes, len)) != 0)
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
	it->payload = body_payload(&e, c->key, c->scratch, &it->body);
	/* another party's internal note locks nothing (view_item_internal) */
	if (it->body == VIEW_BODY_LOCKED && !view_item_internal(it))
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

/* party_index() - the index of party among v's parties, or -1. */
static long
party_index(const view *v, const char *party)
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
		    (p = party_index(v, it->party)) >= 0 &&
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
 * mark_late() - set view_item.late: an entry of a meeting (late_kind())
 * that has a meeting-close of its meeting by its author's party, other
 * than itself, in its causal past, read from r's store (late.h).
 */
static int
mark_late(view *v, record *r)
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
		if ((rc = grow(before, cap, *cap, sizeof(**before))) != 0)
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
 * project() - meetings, agenda items and commitments, each with the
 * latest status in merged order (a meeting's current item is the last
 * made current: one_current()), and the current meeting and item.
 */
static int
project(view *v)
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
			break;  /* per party, below */
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
			if (strcmp(state, "current") == 0 &&
			    (rc = one_current(v, agenda_of[it->target->index],
			    &before, &cap_b)) != 0)
				goto out;
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
 * finish() - the hash index, the late entries (read from r's store, or
 * none when r is NULL), the links and the projection of v.
 */
static int
finish(view *v, record *r)
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
	mark_removed(v, r);
	if ((rc = mark_late(v, r)) != 0 || (rc = link_items(v)) != 0 ||
	    (rc = project(v)) != 0)
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
	if ((rc = copy_parties(v, r)) != 0)
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
	if ((rc = pool_start(&pool, c.jobs, c.key, ncpu > 1 &&
	    count >= BODY_MIN_PARALLEL ? (unsigned)(ncpu - 1) : 0)) != 0)
		goto out;
	c.pool = &pool;
	rc = store_scan_unchecked(t, collect_cb, &c);
	if (rc == 0)
		rc = c.err;
	/* the workers read the map: join them before the transaction ends */
	if ((prc = pool_finish(&pool, c.njobs)) != 0 && rc == 0)
		rc = prc;
	for (k = 0; rc == 0 && k < c.njobs; k++)
		if (c.jobs[k].hash_bad)
			rc = DT_EHASH;
	for (k = 0; rc == 0 && k < c.njobs; k++)
		job_apply(v, &c.jobs[k]);
	store_txn_abort(t);
	t = NULL;
	if (rc != 0 || (rc = finish(v, r)) != 0)
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
	if ((rc = collect_cb(c, bytes, len, hash)) != 0 || !c->filtered)
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
	if ((rc = finish(v, r)) != 0)
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
	if ((rc = finish(nv, r)) != 0)
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
	if ((rc = finish(nv, r)) != 0)
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
	long p = party_index(v, party);
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
	long p = party_index(v, party);

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
