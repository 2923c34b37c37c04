/*
 * sigpool.c: a fixed pool of threads that check entries' signatures.
 * Workers take jobs from the current batch by an index under the pool's
 * mutex, a few at a time; the last worker to finish signals the waiter.
 */
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "../crypto/err.h"
#include "sigpool.h"

#define SIGPOOL_MAX_THREADS 64U
#define SIGPOOL_GRAIN 16U /* jobs taken at once */

struct sigpool {
	pthread_mutex_t mu;
	pthread_cond_t work;  /* a batch was started, or stop */
	pthread_cond_t done;  /* the batch is finished */
	pthread_t th[SIGPOOL_MAX_THREADS];
	unsigned nthreads;
	sigpool_job *jobs;
	size_t n;
	size_t next;          /* next job to hand out */
	size_t finished;      /* jobs done */
	unsigned long batch;  /* batch number, so workers see a new one */
	int stop;
};

static void
run_job(sigpool_job *j)
{
	entry e;

	entry_hash(j->hash, j->bytes, j->len);
	j->sig_ok = !j->hash_only && entry_parse(&e, j->bytes, j->len) == 0 &&
	    entry_verify_sig(&e) == 0;
}

static void *
worker(void *arg)
{
	sigpool *p = arg;
	unsigned long seen = 0;
	size_t from, to, i;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (!p->stop && (p->batch == seen || p->next >= p->n))
			pthread_cond_wait(&p->work, &p->mu);
		if (p->stop)
			break;
		from = p->next;
		to = from + SIGPOOL_GRAIN < p->n ? from + SIGPOOL_GRAIN : p->n;
		p->next = to;
		if (p->next >= p->n)
			seen = p->batch;
		pthread_mutex_unlock(&p->mu);
		for (i = from; i < to; i++)
			run_job(&p->jobs[i]);
		pthread_mutex_lock(&p->mu);
		p->finished += to - from;
		if (p->finished == p->n)
			pthread_cond_broadcast(&p->done);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

int
sigpool_new(sigpool **out, unsigned nthreads)
{
	sigpool *p;
	long ncpu;
	unsigned i;

	*out = NULL;
	if (nthreads == 0) {
		ncpu = sysconf(_SC_NPROCESSORS_ONLN);
		nthreads = ncpu > 0 ? (unsigned)ncpu : 1U;
	}
	if (nthreads > SIGPOOL_MAX_THREADS)
		nthreads = SIGPOOL_MAX_THREADS;
	if ((p = calloc(1, sizeof *p)) == NULL)
		return DT_ENOMEM;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->done, NULL);
	for (i = 0; i < nthreads; i++) {
		if (pthread_create(&p->th[i], NULL, worker, p) != 0)
			break;
		p->nthreads++;
	}
	if (p->nthreads == 0) {
		sigpool_free(p);
		return DT_EIO;
	}
	*out = p;
	return 0;
}

void
sigpool_free(sigpool *p)
{
	unsigned i;

	if (p == NULL)
		return;
	pthread_mutex_lock(&p->mu);
	p->stop = 1;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->mu);
	for (i = 0; i < p->nthreads; i++)
		pthread_join(p->th[i], NULL);
	pthread_cond_destroy(&p->done);
	pthread_cond_destroy(&p->work);
	pthread_mutex_destroy(&p->mu);
	free(p);
}

void
sigpool_start(sigpool *p, sigpool_job *jobs, size_t n)
{
	pthread_mutex_lock(&p->mu);
	p->jobs = jobs;
	p->n = n;
	p->next = 0;
	p->finished = 0;
	p->batch++;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->mu);
}

void
sigpool_wait(sigpool *p)
{
	pthread_mutex_lock(&p->mu);
	while (p->finished < p->n)
		pthread_cond_wait(&p->done, &p->mu);
	pthread_mutex_unlock(&p->mu);
}

unsigned
sigpool_threads(const sigpool *p)
{
	return p->nthreads;
}
