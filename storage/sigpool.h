/*
 * sigpool.h: check entries' signatures on every core (prefix sigpool_).
 *
 * Signature checks are most of the cost of an import or a verify, and
 * they are independent of one another; everything else about an entry
 * must be checked in order.  A pool runs the signature checks (and leaf
 * hashes) of one batch on worker threads while the caller checks the
 * previous batch in order; the caller then trusts a job's result only
 * for the exact bytes the job hashed.
 */
#ifndef DETENTE_SIGPOOL_H
#define DETENTE_SIGPOOL_H

#include <stddef.h>
#include "entry.h"

typedef struct sigpool_job {
	const unsigned char *bytes; /* borrowed: valid until the job is used */
	size_t len;
	int hash_only;                        /* in: do not check the signature */
	unsigned char hash[ENTRY_HASH_BYTES]; /* out: leaf hash of bytes */
	int sig_ok;                           /* out: parses and signature good
	                                         (always 0 with hash_only) */
} sigpool_job;

typedef struct sigpool sigpool;

/*
 * sigpool_new() - a pool of nthreads workers (0: one per online CPU).
 * @return 0, DT_ENOMEM, or DT_EIO when no thread could be started.
 */
int sigpool_new(sigpool **out, unsigned nthreads);

/* sigpool_free() - stop the workers and free; accepts NULL. */
void sigpool_free(sigpool *p);

/*
 * sigpool_start() - hand the workers n jobs; returns at once.  The jobs
 * (and the bytes they point to) must stay untouched until
 * sigpool_wait().  One batch at a time.
 */
void sigpool_start(sigpool *p, sigpool_job *jobs, size_t n);

/* sigpool_wait() - wait until every job of the batch is done. */
void sigpool_wait(sigpool *p);

/* sigpool_threads() - how many workers the pool has. */
unsigned sigpool_threads(const sigpool *p);

#endif
