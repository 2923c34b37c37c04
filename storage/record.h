/*
 * record.h: one dialogue's record, the rules it obeys, and its checks
 * (prefix record_).
 *
 * A record is a store (store.h) plus what the control entries say:
 * title, parties, members and their roles, and, once a member unlocks
 * it, the dialogue key.  Every write goes through record_append*(),
 * which checks the new entry with the very function verify uses
 * (record_check_entry()), inside the LMDB write transaction that stores
 * it: one append is one durable transaction, and two writers cannot fork
 * a feed.
 *
 * Membership rules (docs/FORMAT.md, "Rules"):
 *  - the genesis names the parties, one head per party, and the initial
 *    members; its author is one of the heads;
 *  - only a head adds or removes members, and only of its own party;
 *    heads are fixed by the genesis;
 *  - an author may write an entry of clock c if it was added by an entry
 *    of clock < c (the genesis counts as clock 0) and not removed by an
 *    entry of clock < c;
 *  - observers write nothing; delegates write content entries and
 *    checkpoints; heads write everything, and only heads write member
 *    entries, key wraps, endorsements and seals.
 */
#ifndef DETENTE_RECORD_H
#define DETENTE_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "../crypto/keys.h"
#include "../crypto/merkle.h"
#include "bundle.h"
#include "entry.h"
#include "store.h"

typedef enum record_role {
	RECORD_ROLE_HEAD = 1,
	RECORD_ROLE_DELEGATE = 2,
	RECORD_ROLE_OBSERVER = 3
} record_role;

typedef struct record_member {
	unsigned char pk[KEY_PK_BYTES];
	char name[KEY_NAME_MAX + 1];
	char party[16];
	int role;                /* record_role */
	uint64_t added_clock;    /* 0 for genesis members */
	uint64_t removed_clock;  /* 0 while a member */
} record_member;

typedef struct record record;

/* What `dialogue new` decides. */
typedef struct record_genesis {
	const char *title;            /* as typed */
	const json_t *titles;         /* in each language, or NULL (lang.h) */
	const char *const *parties;
	size_t nparties;
	const record_member *members; /* heads (one per party) and others */
	size_t nmembers;
	uint64_t time_ms;             /* 0: now */
} record_genesis;

/*
 * record_create() - write a new dialogue: its genesis (seq 0 of the
 * creator's feed) and a key wrap of a fresh dialogue key to every member
 * (seq 1), in one transaction, in a new store under parent/<id in hex>.
 * The store is built in a temporary directory and renamed into place, so
 * a crash leaves no half-made dialogue.  The creator must be a head.
 * @param[out] out  the open record, unlocked for the creator.
 * @return 0, DT_EINVAL (rules broken: message in *why if not NULL),
 *         DT_EEXIST, DT_EIO, DT_ENOSPC, DT_ENOMEM.
 */
int record_create(record **out, const char *parent, const key_identity *creator,
    const record_genesis *g, const char **why);

/*
 * record_open() - open the store in dir, read its control entries, and
 * verify (without the key) every entry past each feed's watermark.
 * Control entries a verification has checked (the store's `checked`
 * rows, below the watermark: docs/FORMAT.md section 8) are not checked
 * again, and checkpoints and seals among them are not read; a
 * verification that passes writes the rows of those it checked, in the
 * transaction that moves the watermarks.  record_verify() without
 * RECORD_VERIFY_INCREMENTAL ignores the rows.
 * A store that cannot be read at all fails (DT_ENOENT, DT_ECORRUPT,
 * DT_EVERSION, DT_EIO, ...).  A readable store whose entries fail a
 * check still opens, so that it can be examined, but it is marked:
 * record_last_failure() says where, record_append*() refuses to write,
 * and callers that show the record must say it failed.
 * A store this process cannot write to (a read-only mount; no write
 * permission on its directory or files) is opened read-only
 * (store_readonly()): it is verified as usual, its watermarks stay, and
 * every write fails.
 */
int record_open(record **out, const char *dir);

/* record_close() - close, wiping the dialogue key; accepts NULL. */
void record_close(record *r);

/* record_store() - the underlying store (owned by r). */
store *record_store(record *r);

/*
 * record_feed_root() - the Merkle root of the first size entries of
 * author's feed, read through t: ckpt_feed_root(), from r's cache of
 * feeds' frontiers (roots.h), so that it reads each feed once, not once
 * per call.  @return as ckpt_feed_root(), and DT_ENOMEM.
 */
int record_feed_root(record *r, store_txn *t,
    const unsigned char author[KEY_PK_BYTES], uint64_t size,
    unsigned char root[MERKLE_HASH_BYTES]) __attribute__((warn_unused_result));

/* record_id() - the dialogue id (leaf hash of the genesis). */
const unsigned char *record_id(const record *r);

/* record_title() - the title from the genesis, as typed. */
const char *record_title(const record *r);

/*
 * record_title_in() - the title for a reader of language lang, and in
 * *tag (may be NULL) the language it falls back to, if another
 * (lang_pick() of the genesis' "title" and "titles").
 */
const char *record_title_in(const record *r, const char *lang,
    const char **tag);

/* record_nparties(), record_party() - the parties, in genesis order. */
size_t record_nparties(const record *r);
const char *record_party(const record *r, size_t i);

/* record_nmembers(), record_member_at() - every member ever added. */
size_t record_nmembers(const record *r);
const record_member *record_member_at(const record *r, size_t i);

/* record_member_find() - the member with key pk, or NULL. */
const record_member *record_member_find(const record *r,
    const unsigned char pk[KEY_PK_BYTES]);

/* record_head_of() - the head of party, or NULL. */
const record_member *record_head_of(const record *r, const char *party);

/*
 * record_unlock() - find a key wrap addressed to id and open it.
 * @return 0, DT_ENOKEY (no wrap for id: not a member, or not yet given
 *         the key), DT_EDECRYPT, DT_ENOMEM.
 */
int record_unlock(record *r, const key_identity *id);

/* record_key() - the dialogue key, or NULL while locked. */
const unsigned char *record_key(const record *r);

/*
 * record_append() - append one entry to id's own feed: sequence, prev
 * hash, causal references to every other feed's head not yet referenced
 * by id's previous entry, and the Lamport clock are filled in inside the
 * write transaction; content kinds are encrypted with the dialogue key.
 * @param[out] hash  the new entry's leaf hash (may be NULL).
 * @param[out] seq   its sequence number (may be NULL).
 * @return 0, DT_EMEMBER (id may not write this kind), DT_ENOKEY,
 *         DT_EFORMAT (payload does not fit the kind), DT_ENOSPC, DT_EBUSY,
 *         DT_EIO, DT_ENOMEM.
 */
int record_append(record *r, const key_identity *id, unsigned kind,
    const char *payload, unsigned char hash[ENTRY_HASH_BYTES], uint64_t *seq);

/*
 * record_append_meeting_text() - record_append() of the payload
 * {"v": 1, "meeting": meeting, key: the len bytes of text}: the form of
 * a seal (key "note") and of a minutes signature (key "minisig").
 * @return as record_append(), or DT_ERANGE for a meeting past INT64_MAX.
 */
int record_append_meeting_text(record *r, const key_identity *id,
    unsigned kind, uint64_t meeting, const char *key, const char *text,
    size_t len, unsigned char hash[ENTRY_HASH_BYTES]);

/*
 * record_add_member() - a head adds m to its own party: a member-add
 * entry and a key wrap for m, in one transaction.
 */
int record_add_member(record *r, const key_identity *head,
    const record_member *m, unsigned char hash[ENTRY_HASH_BYTES]);

/*
 * Membership over time (storage/membership.c): which earlier epochs'
 * keys a member added later is given.
 */
#define RECORD_EPOCHS_ALL 0      /* every epoch the head holds */
#define RECORD_EPOCHS_CURRENT 1  /* only the epoch a writer uses now */

/*
 * record_add_member_epochs() - record_add_member(), giving the new member
 * the keys of the epochs mode names (*given: how many; may be NULL).
 */
int record_add_member_epochs(record *r, const key_identity *head,
    const record_member *m, int mode, unsigned char hash[ENTRY_HASH_BYTES],
    size_t *given);

/*
 * record_remove_member() - head removes the member pk of its own party
 * (never a head), and starts a new key epoch wrapped to every remaining
 * member, in one transaction: a member-remove entry, then a key wrap.
 * reason (may be NULL) goes into both payloads.  hash gets the
 * member-remove's; epoch_id the new epoch's key id (may be NULL).
 * @return 0, DT_ENOKEY, DT_EMEMBER, store errors.
 */
int record_remove_member(record *r, const key_identity *head,
    const unsigned char pk[KEY_PK_BYTES], const char *reason,
    unsigned char hash[ENTRY_HASH_BYTES], unsigned char epoch_id[8]);

/*
 * record_rekey() - head starts a new key epoch, wrapped to every current
 * member (a key-wrap entry of a new key id).  hash gets the entry's.
 */
int record_rekey(record *r, const key_identity *head, const char *reason,
    unsigned char hash[ENTRY_HASH_BYTES], unsigned char epoch_id[8]);

/*
 * record_replace_member() - a lost key: head removes old and adds m (the
 * same person's new key), then starts a new epoch wrapped to every
 * current member, m included, and gives m the earlier epochs mode names,
 * all in one transaction.  hash gets the member-add's.
 */
int record_replace_member(record *r, const key_identity *head,
    const unsigned char old[KEY_PK_BYTES], const record_member *m, int mode,
    const char *reason, unsigned char hash[ENTRY_HASH_BYTES],
    unsigned char epoch_id[8], size_t *given);

/*
 * record_epochs() - how many key epochs the record has; record_epoch_at()
 * the i-th (0 first): its key id, the clock of the key wrap that started
 * it, and whether this reader holds its key.  record_epoch_current() the
 * one a writer uses now (-1: none held).
 */
size_t record_epochs(const record *r);
int record_epoch_at(const record *r, size_t i, unsigned char id[8],
    uint64_t *clock, int *held);
long record_epoch_current(const record *r);

/* record_epoch_keys() - the epochs and keys held (epoch.h: epoch_key_for()). */
struct epoch_ring;
const struct epoch_ring *record_epoch_keys(const record *r);

/*
 * Internal notes (storage/internal.c; FORMAT.md section 6, "Party keys
 * and internal notes"): notes only the members of the author's party can
 * read, under a party key its head wraps to them.  On member remove,
 * member replace and rekey, a head whose party has a party key starts a
 * new one too; member add gives the new member the party keys its mode
 * names (RECORD_EPOCHS_*), in the same transaction.
 */

/*
 * record_append_internal() - append the note payload as an internal note
 * of id's party.  A head whose party has no party key yet starts one
 * first (a party key wrap), in the same transaction (*created 1; may be
 * NULL).
 * @return as record_append(); DT_ENOKEY also when id's party has no party
 *         key id holds (a delegate before its head started one).
 */
int record_append_internal(record *r, const key_identity *id,
    const char *payload, unsigned char hash[ENTRY_HASH_BYTES], uint64_t *seq,
    int *created);

/*
 * record_rekey_internal() - head starts a new party key of its party,
 * wrapped to its party's current members (`dialogue rekey --internal`).
 */
int record_rekey_internal(record *r, const key_identity *head,
    const char *reason, unsigned char epoch_id[8]);

/*
 * record_party_epochs() - how many party epochs party has;
 * record_party_epoch_at() its i-th (0 first): key id, the clock of the
 * party key wrap that started it, and whether this reader holds its key.
 */
size_t record_party_epochs(const record *r, const char *party);
int record_party_epoch_at(const record *r, const char *party, size_t i,
    unsigned char id[8], uint64_t *clock, int *held);

/* What verification found wrong, and where. */
typedef struct record_failure {
	int code;                              /* DT_E* */
	int has_entry;                         /* author/seq/hash are set */
	unsigned char author[KEY_PK_BYTES];
	uint64_t seq;
	unsigned char hash[ENTRY_HASH_BYTES];  /* of the stored bytes */
	int has_expected;
	unsigned char expected[ENTRY_HASH_BYTES]; /* what was expected */
	char detail[200];                      /* English, one line */
} record_failure;

typedef struct record_stats {
	uint64_t entries;   /* entries checked */
	uint64_t feeds;
	uint64_t total;     /* entries in the store */
	uint64_t decrypted; /* content entries decrypted (with the key) */
	uint64_t content;   /* content entries */
	uint64_t sig_checked;  /* entries whose own signature was checked */
	uint64_t root_checked; /* entries checked by a checkpoint's root */
	int fallback;       /* the fast path failed; every signature rechecked */
	uint64_t faults;    /* member faults met (record_faults()) */
	/* internal notes whose party key this reader does not hold */
	uint64_t internal_other;
	/*
	 * the control pass: entries, signatures checked, taken as checked,
	 * and entries read from the store
	 */
	uint64_t ctl_entries, ctl_sig_checked, ctl_cached, ctl_read;
} record_stats;

#define RECORD_VERIFY_KEY 0x01U         /* decrypt and check every body */
#define RECORD_VERIFY_INCREMENTAL 0x02U /* only past the watermark */
/*
 * record_audit_walk() only: an entry below its feed's latest checkpoint
 * is checked by recomputing the feed's Merkle root up to the checkpoint
 * (which is signed by the feed's author) instead of by its own signature.
 */
#define RECORD_VERIFY_CHECKPOINTS 0x04U
/*
 * record_audit_walk() only: skip the checks of this replica's own
 * indexes (hash, merged order, kinds), which are derived from the
 * entries and are not part of the record; `verify` checks them.
 */
#define RECORD_VERIFY_NO_INDEXES 0x08U

/*
 * record_verify() - check the record: per feed, framing, key/bytes
 * agreement, the hash chain, signatures, clocks (greater than the
 * previous entry's and every referenced entry's), references, both
 * indexes, the head row; membership and roles; with RECORD_VERIFY_KEY,
 * that every content entry decrypts to a payload that fits its kind.
 * Incremental runs start each feed at its verified watermark and move the
 * watermark on success.  Fails closed: the first failure stops the walk.
 * @param[out] f   the first failure (code 0 when none).
 * @return 0 if valid; the failure's code; or an I/O or memory error.
 */
int record_verify(record *r, unsigned flags, record_stats *st,
    record_failure *f);

/* What a full walk found about one feed, when it finished the feed. */
typedef struct record_feed_info {
	unsigned char author[KEY_PK_BYTES];
	uint64_t size;                        /* entries */
	int has_root;
	unsigned char root[ENTRY_HASH_BYTES]; /* RFC 6962 root of them all */
	uint64_t covered;                     /* entries a checkpoint covers */
} record_feed_info;

/* Callbacks of record_audit_walk(); any may be NULL. */
typedef struct record_walk_hooks {
	/* every thousand entries and at the end of each feed: done of total */
	void (*progress)(void *ctx, uint64_t done, uint64_t total);
	/* each feed, in author order, once checked; non-zero stops */
	int (*feed)(void *ctx, const record_feed_info *fi);
	/* the walk starts again from the first feed (the fallback) */
	void (*restart)(void *ctx);
	void *ctx;
} record_walk_hooks;

/*
 * record_open_progress() - record_open(), calling hooks->progress (hooks
 * may be NULL; the other hooks are not called) while it checks the
 * entries past the watermark: a record that lags by thousands of entries
 * is checked on every core, and may take a while.
 */
int record_open_progress(record **out, const char *dir,
    const record_walk_hooks *hooks);

/*
 * record_open_stats() - what the verification of record_open() did: the
 * entries past the watermark it checked (entries), and in the control
 * pass the control entries (ctl_entries), the signatures it checked
 * (ctl_sig_checked), the entries it took as checked from the store's
 * `checked` rows (ctl_cached) and the entries it read (ctl_read: those a
 * summary row does not stand for).  All zero for a record not opened by
 * record_open().
 */
const record_stats *record_open_stats(const record *r);

/*
 * record_open_snapshot() - open the store in dir for reading only (the
 * environment read-only, without a lock file when the directory cannot
 * take one), load the control entries, and verify nothing: for
 * record_audit_walk().  Nothing is written to dir.
 * @return as record_open(); a store whose control entries fail a check
 *         opens, with the failure in record_last_failure().
 */
int record_open_snapshot(record **out, const char *dir);

/*
 * record_audit_walk() - the full walk of record_verify(), in one read
 * transaction (one consistent snapshot, whatever is appended meanwhile),
 * without moving any watermark, reporting through hooks.  flags as
 * record_verify(), plus RECORD_VERIFY_CHECKPOINTS and
 * RECORD_VERIFY_NO_INDEXES (not RECORD_VERIFY_INCREMENTAL).  When the
 * fast path (RECORD_VERIFY_CHECKPOINTS) fails, the walk is run again
 * checking every signature, so that the failure names the entry that is
 * wrong rather than the checkpoint that no longer matches; st->fallback
 * says so.
 * @return as record_verify().
 */
int record_audit_walk(record *r, unsigned flags, const record_walk_hooks *h,
    record_stats *st, record_failure *f);

/*
 * record_faults() - the member faults (faults.h) that the last
 * record_verify(), record_audit_walk() or record_import() of r met, in
 * the order met; valid until the next of these calls or record_close().
 * A walk or an import without RECORD_VERIFY_KEY meets none.
 */
const record_fault *record_faults(const record *r, size_t *n);

/*
 * record_fault_scan() - the member faults the store keeps (every fault
 * a verification or an import with the dialogue key has met), by entry
 * hash, in one read transaction; *n (may be NULL) gets their number
 * first, and cb (may be NULL) is called for each.
 * @return 0, cb's non-zero return, or a store error.
 */
int record_fault_scan(record *r, store_fault_cb cb, void *ctx, uint64_t *n);

/*
 * record_mem_new() - a record with no store, for the streaming audit of
 * a bundle (audit_stream.h): the dialogue id, and the membership that
 * record_mem_control() builds.  Only what reads the membership and the
 * control entries works on it (record_member_find(), record_may_write(),
 * the checks of checkpoint, seal and minutes-signature notes, the seal
 * scans); record_close() it.
 */
int record_mem_new(record **out, const unsigned char id[ENTRY_HASH_BYTES]);

/*
 * record_mem_control() - pass 1 of FORMAT.md section 7 for one control
 * entry e (framed; its signature checked by the caller), in merged
 * order: the first must be the genesis of r's id; then dialogue, author
 * and role, and its effect on membership.  A seal entry's bytes are kept
 * for record_control_scan() (the seal scans of seal.c read no other).
 * @return 0, or the failure's code with f filled.
 */
int record_mem_control(record *r, const entry *e,
    const unsigned char hash[ENTRY_HASH_BYTES], record_failure *f);

/*
 * record_control_scan() - the control entries in merged order: through t
 * (store_scan_control()) for a record with a store, else the seal
 * entries record_mem_control() applied (t unused, may be NULL).
 */
int record_control_scan(record *r, store_txn *t, store_scan_cb cb,
    void *ctx);

/* record_last_failure() - the failure record_open() found (code 0: none). */
const record_failure *record_last_failure(const record *r);

/*
 * record_may_write() - 0 if pk may write an entry of kind at clock,
 * else DT_EMEMBER; why gets a static English reason.
 */
int record_may_write(const record *r, const unsigned char pk[KEY_PK_BYTES],
    unsigned kind, uint64_t clock, const char **why);

/*
 * record_removed_writer() - 1 if pk was a member whose member-remove has
 * a clock below clock, and its role let it write kind while it was a
 * member: an entry it signed at clock is then a member fault
 * (FAULT_REMOVED, docs/FORMAT.md section 7, "Written after removal"),
 * kept as evidence, not a failure.  0 otherwise (a key that was never a
 * member, or a kind its role never allowed, fails as before).
 */
int record_removed_writer(const record *r,
    const unsigned char pk[KEY_PK_BYTES], unsigned kind, uint64_t clock);

/*
 * record_find() - resolve a hex prefix (at least 4 digits) of an entry
 * hash.  @return 0, DT_ENOENT, DT_EAMBIG, DT_EINVAL.
 */
int record_find(record *r, const char *prefix,
    unsigned char hash[ENTRY_HASH_BYTES]);

/*
 * record_get() - copy out the entry with a leaf hash.
 * @param[out] bytes  malloc'd, caller frees.
 */
int record_get(record *r, const unsigned char hash[ENTRY_HASH_BYTES],
    unsigned char **bytes, size_t *len);

/* What record_import() did. */
typedef struct record_import_stats {
	uint64_t total;     /* entries in the bundle */
	uint64_t added;     /* entries of the bundle new to the record */
	uint64_t known;     /* entries of the bundle the record already held */
	uint64_t released;  /* entries held by an earlier import, now added */
	uint64_t held_new;  /* entries of the bundle put on hold */
	uint64_t held;      /* entries on hold after the import, in all */
	uint64_t dropped;   /* held entries that failed a check, dropped */
	record_failure dropped_first; /* why the first of them was dropped */
	uint64_t faults;    /* member faults met, with RECORD_VERIFY_KEY */
	uint64_t refused;   /* entries of the bundle that wait, not held */
	uint64_t refused_bytes;       /* their bytes */
	record_failure refused_first; /* the first of them (DT_ERANGE) */
	int refused_why;              /* the bound it met (HELD_OVER_*) */
} record_import_stats;

/*
 * record_import() and record_join() flag: hold every entry that waits,
 * whatever the bounds of held.h (a temporary store that an audit reads
 * and removes; never a replica).
 */
#define RECORD_IMPORT_HOLD_ALL 0x100U

/*
 * record_import() - add the entries of a bundle to r, all or nothing,
 * in one write transaction.
 *
 * Every entry goes through the same check as append and verify
 * (framing, dialogue, chain, clock, signature, references, membership
 * and role, payload; with RECORD_VERIFY_KEY also decryption), with the
 * membership as the control entries accepted so far leave it, so that a
 * member added in a bundle may write later in the same bundle.  An entry
 * stored byte for byte already is counted as known.  An entry whose
 * predecessor in its feed, or an entry it references, is neither in the
 * record nor in the bundle is held (the "held" database, not the
 * record) if it is framed, bound to this dialogue and signed (nothing
 * else can be checked yet: even its author's member-add may be what it
 * waits for); held entries are tried again by every later import, and
 * added once what they need arrives.  What is held is bounded (held.h:
 * per author who is not a member, and in all): an entry of the bundle
 * beyond a bound is not held, counted in st->refused, and the import
 * goes on, since the record does not change for it.
 * A held entry that then fails a check is dropped from the holding
 * area and counted in st->dropped, without failing the import.
 *
 * flags: RECORD_VERIFY_KEY, RECORD_IMPORT_HOLD_ALL.
 * Any other failure rejects the whole bundle: nothing is written, and f
 * names the first failing entry (author, seq, hash; its place in the
 * bundle is in f->detail).  A fork, a second signed entry for an
 * occupied (author, seq), is never stored over the first: the import
 * fails with DT_EFORK and both entries are kept in the "evidence"
 * database (store_evidence_scan()), in a write transaction of their own.
 *
 * @return 0, DT_EDIALOGUE (the bundle is for another dialogue, or an
 *         entry is), DT_EFORMAT, DT_ESIG, DT_ECHAIN, DT_ECLOCK, DT_EREF,
 *         DT_EMEMBER, DT_EDECRYPT, DT_EFORK, DT_ENOKEY, DT_ESTATE (r
 *         failed verification), DT_ENOSPC, DT_EBUSY, DT_EIO, DT_ENOMEM.
 */
int record_import(record *r, bundle_reader *b, unsigned flags,
    record_import_stats *st, record_failure *f)
    __attribute__((warn_unused_result));

/*
 * Where record_import_source() reads entries from: a bundle file
 * (record_import() wraps its reader in one) or a batch a peer sent over
 * a live link (storage/sync.h).  next() hands out one entry at a time,
 * valid until its next call, and *bytes NULL after the last; on failure
 * it returns a DT_E* code and may set *why (a static English reason).
 * rewind (may be NULL) starts again from the first entry.
 */
typedef struct record_source {
	const unsigned char *dialogue; /* the dialogue the source is for */
	uint64_t count;                /* entries it holds */
	const char *what;              /* "bundle", "batch": for messages */
	int (*next)(void *ctx, const unsigned char **bytes, size_t *len,
	    const char **why);
	int (*rewind)(void *ctx);
	void *ctx;
} record_source;

/*
 * record_import_source() - record_import() of the entries src hands
 * out: the one import path, with every check, all or nothing in one
 * write transaction, forks kept as evidence.  @return as record_import().
 */
int record_import_source(record *r, const record_source *src,
    unsigned flags, record_import_stats *st, record_failure *f)
    __attribute__((warn_unused_result));

/*
 * What record_join() asks before it keeps a joined dialogue: r is the
 * new record, imported but not yet in place.  A non-zero return (a DT_E*
 * code) declines, and record_join() returns it.
 */
typedef int (*record_confirm_fn)(void *ctx, record *r,
    const record_import_stats *st);

/*
 * record_join() - make a replica of the dialogue a bundle carries: a new
 * store in a temporary directory under parent, the bundle imported into
 * it (record_import(); the bundle must carry the genesis), confirm()
 * asked, and only then the store renamed to parent/<id in hex>.  A
 * failure or a refusal leaves nothing behind.
 * @param[in]  flags  RECORD_IMPORT_HOLD_ALL or 0.
 * @param[out] out  the open record, locked (record_unlock() it).
 * @return as record_import(), and DT_EEXIST (the dialogue is here
 *         already), DT_ENOENT (no genesis in the bundle), or confirm's.
 */
int record_join(record **out, const char *parent, bundle_reader *b,
    unsigned flags, record_confirm_fn confirm, void *ctx,
    record_import_stats *st, record_failure *f)
    __attribute__((warn_unused_result));

#endif
