/*
 * record_int.h: the record's writing steps (storage/record_append.c,
 * record_control.c, record.c) for the other files of the record
 * (storage/membership.c, storage/internal.c).  Not for app/.
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

/*
 * record_int_append_flags() - record_int_append() with internal set: an
 * internal note (kind note, under the newest party key of the writer's
 * party: DT_ENOKEY if it holds none) or a party key wrap (kind key-wrap).
 */
int record_int_append_flags(record *r, store_txn *t, const key_identity *id,
    unsigned kind, const char *payload, int internal,
    unsigned char hash[ENTRY_HASH_BYTES], uint64_t *seq);

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

/* record_int_wrap_payload() of a party key (WRAP_FOR_PARTY boxes). */
int record_int_wrap_payload_as(char **out, const unsigned char *dialogue,
    const unsigned char *key, const unsigned char (*pks)[KEY_PK_BYTES],
    size_t n, const char *reason, int kind);

/*
 * Party keys (storage/internal.c), inside a write transaction t of a
 * head of the party:
 * record_int_party_epoch() - a fresh party key wrapped to every current
 * member of head's party (a party key wrap), held at once; its id in id
 * (may be NULL).
 * record_int_give_party() - the party keys mode names (RECORD_EPOCHS_*)
 * wrapped to the new member pk.
 * record_int_party_rotate() - record_int_party_epoch() if head's party
 * has a party epoch already, else nothing.
 */
int record_int_party_epoch(record *r, store_txn *t, const key_identity *head,
    const char *reason, unsigned char id[8]);
int record_int_give_party(record *r, store_txn *t, const key_identity *head,
    const unsigned char pk[KEY_PK_BYTES], int mode);
int record_int_party_rotate(record *r, store_txn *t,
    const key_identity *head, const char *reason);

#endif
