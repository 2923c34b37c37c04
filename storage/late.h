/*
 * late.h: entries written into a meeting after their author's side had
 * closed it (prefix late_).
 *
 * Closing a meeting is per side, like a seal: each party closes it with a
 * meeting-close entry by one of its members.  An entry of a meeting (a
 * content kind 0x20 to 0x2c whose payload names the meeting) is **late**
 * when a meeting-close of that meeting by a member of the author's own
 * party, other than the entry itself, is in its causal past: its author's
 * side had closed the meeting when the entry was written.  detente
 * refuses to write such an entry, so one in a record comes from modified
 * software; it is kept (its author's chain needs it), flagged as a
 * member fault (faults.h, FAULT_LATE) and left out of the minutes and
 * of the projection (docs/FORMAT.md, section 7, "Late entries").
 *
 * The causal past is read from the store: late_follows() walks back
 * from an entry over its previous entry and its references, but only
 * through entries whose clock is above the close's, since nothing of a
 * lower clock can follow the close.  The cost is the part of the record
 * written between the close and the entry, not the record's size.
 */
#ifndef DETENTE_LATE_H
#define DETENTE_LATE_H

#include <stddef.h>
#include <stdint.h>

#include "../crypto/keys.h"
#include "entry.h"
#include "store.h"

/* late_kind() - 1 for the kinds a late entry can be (0x20 to 0x2c). */
int late_kind(unsigned kind);

/* A meeting-close, as late_follows() needs it. */
typedef struct late_close {
	unsigned char author[KEY_PK_BYTES];
	uint64_t seq;
	uint64_t clock;
} late_close;

/*
 * late_follows() - whether the close c is in the causal past of the
 * entry x (x itself need not be stored: its previous entry and the
 * entries it references must be, in t).  x being c is not following.
 * @param[out] out  1 if c is in x's causal past, else 0.
 * @return 0; DT_ECORRUPT (an entry the walk needs is missing or
 *         malformed); store errors; DT_ENOMEM.
 */
int late_follows(int *out, store_txn *t, const late_close *c, const entry *x)
    __attribute__((warn_unused_result));

/*
 * late_follows_at() - late_follows() for the stored entry (author, seq).
 */
int late_follows_at(int *out, store_txn *t, const late_close *c,
    const unsigned char author[KEY_PK_BYTES], uint64_t seq)
    __attribute__((warn_unused_result));

#endif
