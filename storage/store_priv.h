/*
 * store_priv.h: what the files of the store share (storage/store.c, the
 * environment, transactions, entries and their indexes; store_side.c,
 * the side tables).  Inside storage/store*.c only; not for other files.
 */
#ifndef DETENTE_STORE_PRIV_H
#define DETENTE_STORE_PRIV_H

#include <stdint.h>

#include <lmdb.h>

#include "store.h"

struct store {
	MDB_env *env;
	MDB_dbi entries, hashes, order, control, heads, meta;
	MDB_dbi held, evidence; /* not the record: see store.h */
	MDB_dbi kinds;          /* derived from entries: see store.h */
	MDB_dbi faults;         /* member faults found: see store.h */
	int have_faults;        /* 0: a read-only store made without it */
	MDB_dbi checked;        /* control entries verified: see store.h */
	int have_checked;       /* 0: a read-only store made without it */
	char *path;
	int rdonly;             /* opened with STORE_OPEN_READONLY */
};

/*
 * Reference probes (store_ref_probe()) in a read transaction keep a
 * cursor per feed they look into: successive references into one feed
 * land on the same leaf page, which a positioned cursor finds without a
 * descent from the root.  Write transactions do not cache cursors.
 */
#define PROBE_CURSORS 8

struct store_txn {
	store *s;
	MDB_txn *txn;
	int rdonly;
	MDB_cursor *probe[PROBE_CURSORS];
	unsigned char probe_author[PROBE_CURSORS][KEY_PK_BYTES];
	uint64_t probe_at[PROBE_CURSORS]; /* the seq it sits on; UINT64_MAX */
	unsigned nprobe, probe_next;
	int stamp;       /* entries were put: stamp the kinds index */
	int nested;      /* a child of another write transaction */
};

/* store_map_err() - the DT_E* code of an LMDB or errno code. */
int store_map_err(int rc);

#endif
