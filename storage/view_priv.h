/*
 * view_priv.h: the view's own state (struct view), what its loads
 * collect into (struct collect, struct body_job) and the helpers the
 * files of the view share (storage/view*.c).  Not for app/, nor for the
 * other files of storage/: they use view.h.  view.c's header comment
 * says which file holds what.
 */
#ifndef DETENTE_VIEW_PRIV_H
#define DETENTE_VIEW_PRIV_H
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

/* The pool of threads of a full load (view_pool.c). */
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

/* view_grow() - room for one more element in *arr (view.c). */
int view_grow(void *arr, size_t *cap, size_t n, size_t sz);

/* view_body_payload() - an entry's body opened (view.c). */
json_t *view_body_payload(const entry *e, const epoch_ring *key,
    unsigned char *plain, int *state);

/* view_body_later() - a body for the pool to open (view_pool.c). */
int view_body_later(struct collect *c, size_t index,
    const unsigned char hash[ENTRY_HASH_BYTES], const unsigned char *bytes,
    size_t len);

/* view_job_apply() - a job's payload given to its item (view_pool.c). */
void view_job_apply(view *v, struct body_job *j);

/* view_pool_start(), view_pool_finish() - the pool's workers (view_pool.c). */
int view_pool_start(struct body_pool *p, struct body_job *jobs,
    const epoch_ring *key, unsigned extra);
int view_pool_finish(struct body_pool *p, size_t n);

/* view_collect_cb() - store_scan() callback: one item (view_load.c). */
int view_collect_cb(void *ctx, const unsigned char *bytes, size_t len,
    const unsigned char hash[ENTRY_HASH_BYTES]);

/* view_copy_item() - a copy of another view's item (view_load.c). */
int view_copy_item(view *v, const view_item *src);

/* view_copy_parties() - the parties and their heads (view_load.c). */
int view_copy_parties(view *v, const record *r);

/* view_finish() - a collected view linked and projected (view_load.c). */
int view_finish(view *v, record *r);

/* view_link_items(), view_cmp_byhash() - the links (view_link.c). */
int view_link_items(view *v);
int view_cmp_byhash(const void *a, const void *b);

/* view_project(), view_mark_late(), view_party_index() - the
 * projection (view_project.c). */
int view_project(view *v);
int view_mark_late(view *v, record *r);
long view_party_index(const view *v, const char *party);

#endif
