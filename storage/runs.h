/*
 * runs.h: rows of (leaf hash, place) gathered in any order and handed
 * back in ascending hash order, in bounded memory (prefix runs_).
 *
 * A join adds a million entries to a new store.  Their hash index rows
 * are keyed by leaf hash, which is random: put one by one, every step of
 * the join rewrote thousands of the index's pages, most of the join's
 * own (non-signature) work.  Instead the join gathers the rows here:
 * RUNS_ROWS at a time are sorted and written to a temporary file (a
 * run), and at the end the runs are merged and the index is written in
 * one ascending pass (store_hash_append()).
 *
 * The file is made in the directory given, and unlinked at once: it
 * goes away with the process, whatever happens.  Memory: one buffer of
 * RUNS_ROWS rows (1.2 MB), and at the merge RUNS_READ rows per run.
 */
#ifndef DETENTE_RUNS_H
#define DETENTE_RUNS_H

#include <stddef.h>

#include "entry.h"
#include "store.h"

#define RUNS_ROWS 16384U
#define RUNS_READ 256U
#define RUNS_ROW_BYTES (ENTRY_HASH_BYTES + STORE_KEY_BYTES)

typedef struct runs runs;

/*
 * runs_open() - an empty set of runs, its file in dir.
 * @return 0, DT_ENOMEM, DT_ENOSPC, DT_EIO.
 */
int runs_open(runs **out, const char *dir) __attribute__((warn_unused_result));

/*
 * runs_add() - add the row hash -> place; a full buffer is sorted and
 * written out.  @return 0, DT_ENOSPC, DT_EIO.
 */
int runs_add(runs *r, const unsigned char hash[ENTRY_HASH_BYTES],
    const unsigned char place[STORE_KEY_BYTES])
    __attribute__((warn_unused_result));

/* runs_count() - rows added so far. */
size_t runs_count(const runs *r);

/*
 * runs_merge() - every row added, in ascending hash order (rows with
 * equal hashes next to each other), to cb; a non-zero result from cb
 * stops the merge and is returned.  Once only.
 * @return 0, cb's result, DT_ENOMEM, DT_EIO, DT_ENOSPC.
 */
int runs_merge(runs *r, int (*cb)(void *ctx,
    const unsigned char hash[ENTRY_HASH_BYTES],
    const unsigned char place[STORE_KEY_BYTES]), void *ctx)
    __attribute__((warn_unused_result));

/* runs_free() - close and free; accepts NULL. */
void runs_free(runs *r);

#endif
