/*
 * held.h: entries kept beside the record while they wait (prefix held_).
 *
 * An imported entry whose previous entry in its feed, or an entry it
 * references, has not arrived is held: kept in the store's "held"
 * database (store.h), outside the record, and tried again by later
 * imports (record_import()).  This module says what such an entry waits
 * for, from its header alone (held_parse_head(), held_waits()), lists
 * what a store holds (held_list(): an audit names every entry of a
 * bundle it could not place), and bounds what may be held
 * (held_admit()), so that keys nobody added cannot grow a replica
 * without limit.  docs/SECURITY.md ("Held entries") gives the bounds
 * and the reasons for them.
 */
#ifndef DETENTE_HELD_H
#define DETENTE_HELD_H

#include <stddef.h>
#include <stdint.h>

#include "entry.h"
#include "store.h"

/*
 * The bounds, in two pools, so that keys nobody added can never crowd
 * out members' entries, not even in a store they filled before these
 * bounds existed.  Entries of authors who are not members of the record
 * (as far as this replica knows at the end of the import): at most
 * HELD_AUTHOR_MAX_ENTRIES entries and HELD_AUTHOR_MAX_BYTES bytes per
 * author, and HELD_OTHERS_MAX_* together.  Members' entries: at most
 * HELD_MEMBERS_MAX_* together.
 */
#define HELD_AUTHOR_MAX_ENTRIES 64U
#define HELD_AUTHOR_MAX_BYTES (4U * 1024U * 1024U)
#define HELD_OTHERS_MAX_ENTRIES 8192U
#define HELD_OTHERS_MAX_BYTES (32U * 1024U * 1024U)
#define HELD_MEMBERS_MAX_ENTRIES 16384U
#define HELD_MEMBERS_MAX_BYTES (64U * 1024U * 1024U)

/* What held_admit() says. */
enum {
	HELD_ADMIT = 0,
	HELD_OVER_AUTHOR, /* one author's bound (not a member) */
	HELD_OVER_OTHERS, /* the bound of all authors who are not members */
	HELD_OVER_MEMBERS /* the bound of members' entries */
};

/* A count of held entries and their bytes. */
typedef struct held_tally {
	uint64_t entries;
	uint64_t bytes;
} held_tally;

/*
 * held_admit() - may one more entry of len bytes be held, given what is
 * held in its pool (pool: members' entries if member, else the entries
 * of every author who is not a member) and by its author (author)?
 * @return HELD_ADMIT, or the bound it would pass (HELD_OVER_*).
 */
int held_admit(const held_tally *pool, const held_tally *author, size_t len,
    int member);

/*
 * held_parse_head() - fill e from the first avail bytes of an entry,
 * which need hold only its header (magic, fixed fields, references and
 * the body length): e->author, seq, clock, kind, prev, nrefs and refs
 * point into bytes; e->body and e->sig are NULL.  Nothing else is
 * checked: record_check_entry() checks the whole entry before it is
 * added.
 * @return 0, DT_EFORMAT (not the start of an entry, or too short).
 */
int held_parse_head(entry *e, const unsigned char *bytes, size_t avail)
    __attribute__((warn_unused_result));

/* held_head_bytes() - how many bytes a header needs (0: not a header). */
size_t held_head_bytes(const unsigned char *bytes, size_t avail);

/* What an entry waits for (held_waits()). */
enum {
	HELD_WAITS_NOTHING = 0,
	HELD_WAITS_PREV, /* an earlier entry of its own feed */
	HELD_WAITS_REF /* an entry it references */
};

typedef struct held_wait {
	int what; /* HELD_WAITS_* */
	unsigned char author[KEY_PK_BYTES]; /* whose entry */
	uint64_t seq; /* PREV: the first seq its feed lacks; REF: the seq */
	uint64_t last; /* PREV: the last seq it lacks (the entry's seq - 1) */
	unsigned char hash[ENTRY_HASH_BYTES]; /* PREV: of seq last; REF */
	int held; /* that entry (by hash) is held itself */
} held_wait;

/*
 * held_waits() - does the entry e (parsed, or from held_parse_head())
 * wait, in the store as t sees it?  It waits while its feed holds fewer
 * than e->seq entries, or while a reference names a place its feed has
 * not filled and a hash the store does not hold: the test
 * record_import() applies.  w (may be NULL) says for what: the feed's
 * gap first, else the first missing reference.
 * @return 1 (it waits), 0 (it does not), or a negative DT_E* code.
 */
int held_waits(held_wait *w, store_txn *t, const entry *e);

/* One held entry, and what it waits for (held_list()). */
typedef struct held_info {
	unsigned char author[KEY_PK_BYTES];
	uint64_t seq;
	uint64_t clock;
	unsigned kind;
	unsigned char hash[ENTRY_HASH_BYTES];
	size_t len;
	held_wait wait;
} held_info;

/*
 * held_list() - every held entry of the store, in merged order (clock,
 * author, then hash), each with what it waits for.
 * @param[out] out  malloc'd array (NULL when none); the caller frees it.
 * @return 0, DT_ECORRUPT (a held row is not an entry), DT_ENOMEM,
 *         DT_EIO.
 */
int held_list(held_info **out, size_t *n, store_txn *t);

#endif
