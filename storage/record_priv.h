/*
 * record_priv.h: the record's own state (struct record) and the helpers
 * its files share (storage/record*.c).  Not for app/, nor for the other
 * files of storage/: they use record.h, and record_int.h for the
 * writer's steps.
 *
 * The record is split along its responsibilities:
 *   record.c          opening (record_open(), the snapshot), closing, the
 *                     record without a store, accessors, lookups
 *   record_rules.c    the membership: the genesis, member-add, -remove
 *                     and key-wrap rules, record_may_write()
 *   record_check.c    record_check_entry(), the checks of one entry, with
 *                     faults noting, late entries and epochs
 *   record_control.c  the control pass (record_load_control()), the
 *                     `checked` rows and the summary row it uses
 *   record_verify.c   the verify walk (one core or pooled), seals,
 *                     watermarks and faults kept after it
 *   record_unlock.c   record_unlock(): the epochs' keys opened
 *   record_append.c   record_append() and the writer's steps
 *   record_create.c   record_create(): a new dialogue's genesis
 *   record_import.c   record_import(), the sync source, record_join()
 */
#ifndef DETENTE_RECORD_PRIV_H
#define DETENTE_RECORD_PRIV_H

#include <stdint.h>

#include <jansson.h>

#include "epoch.h"
#include "faults.h"
#include "late.h"
#include "record.h"
#include "record_int.h"
#include "roots.h"
#include "store.h"

/* Room for the largest body: decrypted text is never longer. */
#define SCRATCH_BYTES (ENTRY_MAX_BODY + 1U)

struct record {
	store *s;
	unsigned char id[ENTRY_HASH_BYTES];
	int have_id;
	char *title;
	json_t *titles;  /* {"title", "titles"} of the genesis, for lang_pick() */
	char **parties;
	size_t nparties;
	record_member *members;
	size_t nmembers;
	/*
	 * The key epochs and the keys held (epoch.h); record_key() is one
	 * of them, NULL while locked.
	 */
	epoch_ring ring;
	store_txn *ctl_txn; /* set by record_load_control() around its walk */
	unsigned char *scratch; /* SCRATCH_BYTES, sodium_malloc, for bodies */
	/*
	 * The leaf hash of an entry whose signature a sigpool worker has
	 * already checked, or NULL: set around one record_check_entry() call.
	 */
	const unsigned char *presig;
	/*
	 * Set around one record_check_entry() call by a full walk with
	 * RECORD_VERIFY_CHECKPOINTS: the entry is covered by a checkpoint
	 * of its feed whose root the walk checks (its signature is not
	 * checked one by one); the root of the entries of the feed before
	 * it, when the walk has hashed them all (else NULL).
	 */
	int sig_covered;
	const unsigned char *walk_root;
	/* Per feed, the size its latest checkpoint covers (control walk). */
	struct ckpt_cover *cover;
	size_t ncover, capcover;
	/* Feeds' roots at any size, for checkpoints and seals (roots.h). */
	roots *roots;
	int chain_checked;    /* ROOTS_CHAIN_CHECKED holds (a walk, an import) */
	/*
	 * In a verify walk a seal's listed roots are checked after the
	 * walk (verify_seals()), when the walk has offered every feed's
	 * tree to the roots cache: the seals met, by place and hash.
	 */
	int seals_later;
	struct seal_later *later;
	size_t nlater, caplater;
	record_failure fail;
	/* Member faults the last walk or import met (faults.h). */
	fault_list faults;
	/*
	 * The meeting-closes of the store, for late entries (late.h):
	 * read once per walk, import or append (closes_valid 0: read them
	 * again), and again after a check accepts a meeting-close.
	 */
	struct rclose *closes;
	size_t ncloses, capcloses;
	int closes_valid;
	/*
	 * A record with no store (record_mem_new(), the streaming audit):
	 * its seal entries, kept in the order applied, for the seal scans
	 * (record_control_scan()).
	 */
	struct mem_control *mem;
	size_t nmem, capmem;
	int mem_genesis;
	/*
	 * The control pass (record_load_control()): ctl_trust, set by an
	 * incremental verification (an opening), lets it take a control
	 * entry below its feed's watermark that a `checked` row vouches for
	 * without checking its signature again (store.h); the entries whose
	 * signatures it did check are kept in fresh, for mark_verified() to
	 * write their rows once the whole verification has passed.
	 */
	int ctl_trust;
	struct ctl_fresh *fresh;
	size_t nfresh, capfresh;
	uint64_t ctl_n, ctl_checked, ctl_cached, ctl_read;
	/*
	 * What the control pass saw, for the summary row (ctl_summary()):
	 * the rows, the last of them, the membership entries in order, and
	 * whether it differs from the summary the pass started from.
	 */
	uint64_t sum_n;
	unsigned char sum_key[STORE_ORDER_BYTES];
	unsigned char sum_hash[ENTRY_HASH_BYTES];
	unsigned char *memh;
	size_t nmemh, capmemh;
	int sum_dirty;
	/* What the verification of the last record_open() did. */
	record_stats open_st;
};

/* A control entry whose signature the control pass checked itself. */
struct ctl_fresh {
	unsigned char hash[ENTRY_HASH_BYTES];
	unsigned char author[KEY_PK_BYTES];
	uint64_t seq;
	unsigned kind;
};

struct mem_control {
	unsigned char *bytes;
	size_t len;
	unsigned char hash[ENTRY_HASH_BYTES];
};

/* A meeting-close: where it is, its meeting and its author's party. */
struct rclose {
	late_close c;
	int64_t meeting;
	char party[16];
};

struct seal_later {
	unsigned char author[KEY_PK_BYTES];
	uint64_t seq;
	unsigned char hash[ENTRY_HASH_BYTES];
};

struct ckpt_cover {
	unsigned char author[KEY_PK_BYTES];
	uint64_t size;
};

/* ---- record.c */

/* The time now, in milliseconds since the epoch. */
uint64_t record_now_ms(void);

/*
 * record_fail_at() - fill f for a failure at the entry of author at seq
 * (author may be NULL), with hash and the expected hash if not NULL, and
 * a detail formatted from fmt; returns code.
 */
int record_fail_at(record_failure *f, int code, const unsigned char *author,
    uint64_t seq, const unsigned char *hash, const unsigned char *expected,
    const char *fmt, ...);

/* ---- record_rules.c */

/* Forget r's title, parties, members, epochs and checkpoint covers. */
void record_members_reset(record *r);

/* How many entries of author's feed a checkpoint covers. */
uint64_t record_cover_get(const record *r,
    const unsigned char author[KEY_PK_BYTES]);

/* A checkpoint entry at seq covers entries 0 .. seq - 1. */
int record_cover_note(record *r, const unsigned char author[KEY_PK_BYTES],
    uint64_t seq);

/* The genesis' name of a RECORD_ROLE_*. */
const char *record_role_name(int role);

/*
 * record_genesis_apply() - the genesis payload o of e checked (title,
 * parties, one head per party, distinct keys, an author who is a head);
 * with apply, it becomes r's membership.
 */
int record_genesis_apply(record *r, const entry *e, const json_t *o,
    const char **why);

/*
 * record_control_rules() - the rules of member-add, member-remove and
 * key-wrap entries beyond record_may_write(); with apply, the change is
 * made to r's membership.
 */
int record_control_rules(record *r, const entry *e, const json_t *o,
    int apply, const char **why);

/* ---- record_check.c */

/* 1 if e's signature verifies (checked here, or by a sigpool worker). */
int record_sig_ok(const record *r, const entry *e,
    const unsigned char hash[ENTRY_HASH_BYTES]);

/* The content entry e is its author's fault (reason): noted, kept in t. */
int record_note_fault(record *r, store_txn *t, const entry *e,
    const unsigned char hash[ENTRY_HASH_BYTES], int reason,
    record_failure *f, record_stats *st);

/* Whether the content entry e, of meeting, is late (late.h). */
int record_late_check(int *late, record *r, store_txn *t, const entry *e,
    int64_t meeting);

/*
 * record_check_entry() - the checks one entry must pass, given the
 * previous entry of its feed (prev_hash NULL at seq 0): the very
 * function append, import and verify run.
 */
int record_check_entry(record *r, store_txn *t, const entry *e,
    const unsigned char hash[ENTRY_HASH_BYTES],
    const unsigned char *prev_hash, uint64_t prev_clock, unsigned flags,
    record_failure *f, record_stats *st);

/* ---- record_control.c */

/* Pass 1 (FORMAT.md section 7) for one control entry, in merged order. */
int record_control_apply(record *r, const entry *ep,
    const unsigned char *hash, int *seen_genesis, record_failure *f);

/* Write the summary of the last control pass, in t. */
int record_ctl_summary_put(record *r, store_txn *t);

/* Rebuild r's membership from the control entries, within t. */
int record_load_control(record *r, store_txn *t, record_failure *f);

/* ---- record_verify.c */

/* record_verify(), reporting progress through hooks (may be NULL). */
int record_verify_marked(record *r, unsigned flags,
    const record_walk_hooks *hooks, record_stats *st, record_failure *f);

/* ---- record_create.c */

/* fsync() the directory dir (a new store's name made durable). */
int record_fsync_dir(const char *dir);

#endif
