/*
 * epoch.h: key epochs of a dialogue (prefix epoch_).
 *
 * A dialogue's content is encrypted under one key at a time, an epoch's
 * key.  An epoch starts with the first key-wrap entry, in merged order
 * (clock, author), that names its key id: epoch 0 is the key wrapped
 * after the genesis, and every later one is started by a head, on a
 * removal (`member remove`, `member replace`) or on demand (`dialogue
 * rekey`).  A content entry names its epoch by the 8-byte key id at the
 * start of its body (flags bit 1, ENTRY_FLAG_EPOCH; entry.h), or names
 * none and is of epoch 0, as every entry written before epochs is.
 *
 * The ring holds two lists: the epochs of the record (public: key id and
 * the key wrap that started each, rebuilt with the membership by every
 * control walk) and the keys this reader holds (opened from the key
 * wraps addressed to its identity; kept until the record is closed).
 * docs/FORMAT.md section 6, "Key epochs", has the rules.
 */
#ifndef DETENTE_EPOCH_H
#define DETENTE_EPOCH_H

#include <stddef.h>
#include <stdint.h>
#include "../crypto/keys.h"
#include "../crypto/wrap.h"
#include "entry.h"

/* An epoch of the record: its key id and the key wrap that started it. */
typedef struct epoch_info {
	unsigned char id[WRAP_KEYID_BYTES];
	unsigned char author[KEY_PK_BYTES];
	uint64_t seq;
	uint64_t clock;
	/*
	 * A key wrap of this epoch went to a member whose removal it did
	 * not know of (written concurrently with it): that key holds it, so
	 * a writer does not use the epoch (epoch_current()).
	 */
	int tainted;
	/* a party epoch's party (FORMAT.md section 6); "" for the dialogue's */
	char party[16];
} epoch_info;

/* A member-remove: the key removed and where the removal is. */
typedef struct epoch_removal {
	unsigned char pk[KEY_PK_BYTES];
	unsigned char author[KEY_PK_BYTES];
	uint64_t seq;
	uint64_t clock;
} epoch_removal;

/* A key held: its id and the key (WRAP_KEY_BYTES, sodium_malloc). */
typedef struct epoch_key {
	unsigned char id[WRAP_KEYID_BYTES];
	unsigned char *key;
} epoch_key;

/* The last entry of a feed whose epoch was checked (epoch_past_*). */
typedef struct epoch_seen {
	unsigned char author[KEY_PK_BYTES];
	uint64_t seq;
	unsigned char id[WRAP_KEYID_BYTES];
} epoch_seen;

typedef struct epoch_ring {
	epoch_info *v;     /* in merged order of their first key wrap */
	size_t n, cap;
	epoch_key *k;      /* the keys held, in the order they were opened */
	size_t nk, capk;
	epoch_seen *seen;  /* one per feed */
	size_t nseen, capseen;
	epoch_removal *rm; /* the record's removals, in merged order */
	size_t nrm, caprm;
	/*
	 * Party epochs (internal notes' keys: FORMAT.md section 6, "Party
	 * keys and internal notes"), every party's, in merged order of their
	 * first party key wrap; their keys are held in k with the others.
	 */
	epoch_info *pv;
	size_t npv, cappv;
} epoch_ring;

/* epoch_ring_clear() - forget the record's epochs (not the keys held). */
void epoch_ring_clear(epoch_ring *g);

/* epoch_ring_free() - wipe every key and free it all; g stays usable. */
void epoch_ring_free(epoch_ring *g);

/*
 * epoch_note() - a key wrap of key id, at (author, seq, clock), met in
 * merged order: a new epoch if the id is new.
 * @return 1 if it started an epoch, 0 if the epoch was known, DT_ENOMEM.
 */
int epoch_note(epoch_ring *g, const unsigned char id[WRAP_KEYID_BYTES],
    const unsigned char author[KEY_PK_BYTES], uint64_t seq, uint64_t clock);

/* epoch_find() - the epoch of key id, or NULL. */
const epoch_info *epoch_find(const epoch_ring *g,
    const unsigned char id[WRAP_KEYID_BYTES]);

/* epoch_index() - the epoch's number (0 first), or -1 if not known. */
long epoch_index(const epoch_ring *g, const unsigned char id[WRAP_KEYID_BYTES]);

/*
 * epoch_hold() - keep key (WRAP_KEY_BYTES, sodium_malloc; the ring takes
 * it, or frees it when the id is held already) as the key of id.
 * @return 0 or DT_ENOMEM (key freed).
 */
int epoch_hold(epoch_ring *g, const unsigned char id[WRAP_KEYID_BYTES],
    unsigned char *key);

/* epoch_key_of() - the key of id if held, else NULL. */
const unsigned char *epoch_key_of(const epoch_ring *g,
    const unsigned char id[WRAP_KEYID_BYTES]);

/*
 * epoch_key_for() - the key a content entry is encrypted under, if held:
 * that of the epoch it names, or of epoch 0 when it names none.  NULL
 * also for g NULL.
 */
const unsigned char *epoch_key_for(const epoch_ring *g, const entry *e);

/*
 * epoch_current() - the epoch a writer uses: the newest (in merged
 * order) whose key is held and that is not tainted, or -1 when none is.
 */
long epoch_current(const epoch_ring *g);

/* epoch_any_key() - epoch 0's key if held, else the newest held, or NULL. */
const unsigned char *epoch_any_key(const epoch_ring *g);

/*
 * epoch_party_note() - a party key wrap of key id by a head of party, at
 * (author, seq, clock), met in merged order: a new party epoch if new.
 * @return 1 if it started one, 0 if it was known, DT_ENOMEM.
 */
int epoch_party_note(epoch_ring *g, const char *party,
    const unsigned char id[WRAP_KEYID_BYTES],
    const unsigned char author[KEY_PK_BYTES], uint64_t seq, uint64_t clock);

/* epoch_party_find() - the party epoch of key id, or NULL. */
const epoch_info *epoch_party_find(const epoch_ring *g,
    const unsigned char id[WRAP_KEYID_BYTES]);

/*
 * epoch_party_current() - the party epoch a member of party writes its
 * internal notes under: the newest of that party whose key is held, or
 * NULL when none is.
 */
const epoch_info *epoch_party_current(const epoch_ring *g, const char *party);

/* epoch_party_any() - 1 if party has a party epoch in the record. */
int epoch_party_any(const epoch_ring *g, const char *party);

/* epoch_removal_note() - pk removed by the entry (author, seq, clock). */
int epoch_removal_note(epoch_ring *g, const unsigned char pk[KEY_PK_BYTES],
    const unsigned char author[KEY_PK_BYTES], uint64_t seq, uint64_t clock);

/* epoch_removal_of() - the removal of pk, or NULL. */
const epoch_removal *epoch_removal_of(const epoch_ring *g,
    const unsigned char pk[KEY_PK_BYTES]);

/* epoch_taint() - mark the epoch of id tainted (see epoch_info). */
void epoch_taint(epoch_ring *g, const unsigned char id[WRAP_KEYID_BYTES]);

/*
 * epoch_seen_ok() - 1 if the entry (author, seq - 1) was checked to have
 * the epoch id in its causal past, so that (author, seq) has it too.
 */
int epoch_seen_ok(const epoch_ring *g, const unsigned char author[KEY_PK_BYTES],
    uint64_t seq, const unsigned char id[WRAP_KEYID_BYTES]);

/* epoch_seen_note() - (author, seq) has epoch id in its causal past. */
int epoch_seen_note(epoch_ring *g, const unsigned char author[KEY_PK_BYTES],
    uint64_t seq, const unsigned char id[WRAP_KEYID_BYTES]);

#endif
