/*
 * record_int.h: record.c's writing steps for the other files of the
 * record (storage/membership.c).  Not for app/.
 */
#ifndef DETENTE_RECORD_INT_H
#define DETENTE_RECORD_INT_H

#include "epoch.h"
#include "record.h"

/* A write transaction with the membership reloaded inside it. */
int record_int_begin(record *r, store_txn **t);

/* One entry of id appended in t, checked as record_append() checks it. */
int record_int_append(record *r, store_txn *t, const key_identity *id,
    unsigned kind, const char *payload, unsigned char hash[ENTRY_HASH_BYTES]);

/* The membership and epochs read again within t (after a control entry). */
int record_int_reload(record *r, store_txn *t);

/* The record's epochs and the keys held. */
epoch_ring *record_int_ring(record *r);

/*
 * record_int_wrap_payload() - a key-wrap payload (FORMAT.md section 6)
 * giving key to the members whose keys are pks (n of them), with the
 * key's id; reason, if not NULL, is kept in it.  The genesis's wrap and
 * every epoch's (storage/membership.c) are made by it.
 */
int record_int_wrap_payload(char **out, const unsigned char *dialogue,
    const unsigned char *key, const unsigned char (*pks)[KEY_PK_BYTES],
    size_t n, const char *reason);

#endif
