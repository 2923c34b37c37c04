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

#endif
