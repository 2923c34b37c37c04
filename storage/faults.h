/*
 * faults.h: a member's faulty content entries (prefix fault_).
 *
 * A member fault is a content entry that passes every check a verifier
 * makes without the dialogue key (framing, dialogue, chain, clock,
 * signature, references, membership and role) and whose body, with the
 * key, does not decrypt, or decrypts to something that is not a payload
 * of its kind (docs/FORMAT.md, section 7, "Member faults").  Its author
 * signed it, so it is the author's doing, not damage: it stays in the
 * record (dropping it would break the author's chain), it is never shown
 * as text, and it neither fails a verification nor stops anyone writing.
 * Verification and an import with the key find such entries and name
 * them; the store keeps a list of them (the "faults" database, beside
 * the record, like fork evidence) for `detente evidence` and the UI.
 */
#ifndef DETENTE_FAULTS_H
#define DETENTE_FAULTS_H

#include <stddef.h>
#include <stdint.h>

#include "../crypto/keys.h"
#include "entry.h"

/* Why a content entry is its author's fault. */
enum fault_reason {
	FAULT_DECRYPT = 1, /* the body does not decrypt with the key */
	FAULT_PAYLOAD = 2, /* the plaintext is not an accepted payload */
	FAULT_KIND = 3,    /* an accepted payload that does not fit its kind */
	FAULT_LATE = 4,    /* written into a meeting its author's side had
	                    * closed (late.h) */
	FAULT_REMOVED = 5  /* written at a clock above its author's
	                    * member-remove: a header rule, no key needed
	                    * (record_removed_writer()) */
};

/* One faulty entry: where it is, and why. */
typedef struct record_fault {
	unsigned char hash[ENTRY_HASH_BYTES];
	unsigned char author[KEY_PK_BYTES];
	uint64_t seq;
	unsigned kind;   /* ENTRY_K_*, a content kind */
	int reason;      /* enum fault_reason */
} record_fault;

/* The faults one walk or one import met, in the order it met them. */
typedef struct fault_list {
	record_fault *v;
	size_t n, cap;
} fault_list;

/* fault_reason_name() - a short English reason ("content does not
 * decrypt"), or "unknown fault" for another value. */
const char *fault_reason_name(int reason);

/*
 * fault_classify() - 0 if the content entry e decrypts under key to an
 * accepted payload that fits its kind; else the enum fault_reason.  The
 * plaintext is decrypted into scratch (cap bytes, the caller's guarded
 * memory) and wiped there before the function returns.
 */
int fault_classify(const entry *e, const unsigned char *key,
    unsigned char *scratch, size_t cap);

/*
 * fault_classify_meeting() - fault_classify(), and the payload's
 * "meeting" (an integer of at least 0) in *meeting when it fits its kind
 * and has one, else -1.
 */
int fault_classify_meeting(const entry *e, const unsigned char *key,
    unsigned char *scratch, size_t cap, int64_t *meeting);

/* fault_list_reset() - forget every fault (keeps the memory). */
void fault_list_reset(fault_list *l);

/* fault_list_done() - free the list's memory; l may be NULL. */
void fault_list_done(fault_list *l);

/*
 * fault_list_add() - add f unless an entry of the same hash is listed.
 * @return 0, DT_ENOMEM.
 */
int fault_list_add(fault_list *l, const record_fault *f);

/* fault_list_drop() - forget the fault of the entry hash, if listed. */
void fault_list_drop(fault_list *l, const unsigned char hash[ENTRY_HASH_BYTES]);

/*
 * fault_encode() / fault_decode() - a store row's value: author (32) ||
 * seq (u64) || kind (u8) || reason (u8), FAULT_ROW_BYTES; the key is the
 * entry's leaf hash.  fault_decode() returns 0 or DT_ECORRUPT.
 */
#define FAULT_ROW_BYTES (KEY_PK_BYTES + 8U + 2U)
void fault_encode(unsigned char out[FAULT_ROW_BYTES], const record_fault *f);
int fault_decode(record_fault *f, const unsigned char hash[ENTRY_HASH_BYTES],
    const unsigned char *v, size_t len);

#endif
