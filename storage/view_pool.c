/*
 * view_pool.c: a full load's bodies opened by a pool of threads, one per
 * core, while the walk reads the headers of the rest (view_pool_start(),
 * view_body_later(), view_pool_finish()).
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
/*
 * job_run() - what scan_one() and view_collect_cb() do with an entry's bytes
 * in a bounded load: the leaf hash checked against the index's, then the
 * body opened into scratch (wiped after, by view_body_payload()), and its
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
	j->payload = view_body_payload(&e, key, scratch, &j->body);
	mt = json_object_get(j->payload, "meeting");
	if (json_is_integer(mt) && json_integer_value(mt) >= 0)
		j->meeting = json_integer_value(mt);
}

/* view_job_apply() - give the job's payload (the reference) to its item. */
void
view_job_apply(view *v, struct body_job *j)
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
 * after view_pool_finish() has joined them all.  A worker without scratch
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
 * view_pool_start() - a pool over jobs, with up to extra threads besides the
 * caller's (a thread that does not start leaves its share to the others).
 * @return 0 or DT_ENOMEM.
 */
int
view_pool_start(struct body_pool *p, struct body_job *jobs,
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
 * view_pool_finish() - close the pool at n jobs, work on them on this thread
 * too, and join the workers.
 * @return 0, or DT_ENOMEM if a job was left (no scratch anywhere).
 */
int
view_pool_finish(struct body_pool *p, size_t n)
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
 * view_body_later() - in a full load's walk: the job of the item at index,
 * published to the workers in runs; beyond the jobs array, run here.
 * @return 0, DT_EHASH (run here, and the bytes do not hash to the
 *         index's hash), DT_ENOMEM.
 */
int
view_body_later(struct collect *c, size_t index,
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
	view_job_apply(c->v, j);
	return 0;
}
