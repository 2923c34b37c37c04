/*
 * store.h: one dialogue's entries in one LMDB environment (prefix store_).
 *
 * Databases (all keys and integers big-endian):
 *   entries  author(32) || seq(8)   -> the entry's exact bytes
 *   hashes   leaf hash(32)          -> author(32) || seq(8)
 *   order    clock(8) || author(32) -> leaf hash(32)     (merged view)
 *   heads    author(32)             -> next seq(8) || last hash(32) ||
 *                                      last clock(8) || verified(8)
 *   control  clock(8) || author(32) -> leaf hash(32)  (control kinds only)
 *   kinds    kind(1) || clock(8) || author(32) -> leaf hash(32) ||
 *            seq(8), for the structural kinds (store_kind_indexed());
 *            and one row 00 -> u64 number of entries it covers.
 *            Derived data: rebuilt from entries when missing or stale.
 *   meta     "dialogue"             -> dialogue id(32)
 *            "format"               -> u32 store format version (1)
 *
 * Beside the record, not part of it (verify and the views never read
 * them; rows here may be deleted):
 *   held     leaf hash(32)          -> an imported entry's exact bytes,
 *                                      waiting for an entry it needs
 *   evidence leaf hash(32) of the second entry -> u32 length of the
 *            first || first entry || second entry: a fork, two signed
 *            entries for one (author, seq)
 *   faults   leaf hash(32) of a content entry -> author(32) || seq(8) ||
 *            kind(1) || reason(1): a member fault that a verification or
 *            an import with the dialogue key found (faults.h)
 *
 * Entries are only ever added, with MDB_NOOVERWRITE; no function here
 * deletes or replaces an entry, a hash or an order row.  The one mutable
 * row per feed is its head (and its verified watermark).
 *
 * Every value a function hands out is a copy: nothing points into the
 * LMDB map after the call returns, except inside store_scan() callbacks,
 * whose arguments are valid only during the callback.
 */
#ifndef DETENTE_STORE_H
#define DETENTE_STORE_H

#include <stddef.h>
#include <stdint.h>
#include "entry.h"
#include "faults.h"

#define STORE_FORMAT 1U
#define STORE_KEY_BYTES 40U   /* author || seq */
#define STORE_ORDER_BYTES 40U /* clock || author */
#define STORE_KIND_BYTES 41U  /* kind || clock || author */
#define STORE_KIND_VALUE_BYTES 40U /* leaf hash || seq */

typedef struct store store;
typedef struct store_txn store_txn;

typedef struct store_head {
	unsigned char author[KEY_PK_BYTES];
	uint64_t next_seq;                  /* = number of entries */
	unsigned char hash[ENTRY_HASH_BYTES]; /* of entry next_seq-1 */
	uint64_t clock;                     /* of entry next_seq-1 */
	uint64_t verified;                  /* entries 0..verified-1 checked */
} store_head;

/* store_open()'s third argument: open for reading only. */
#define STORE_OPEN_READONLY 2

/*
 * store_open() - open (or with create 1, make) the environment in dir;
 * with STORE_OPEN_READONLY, open it read-only and write nothing (no
 * lock file either when dir is read-only: nobody can be writing there),
 * failing with DT_EVERSION when a side index is missing or out of date
 * (a store last written by an older build).
 * Checks that the data file is not shorter than LMDB's own meta says,
 * so that a truncated file is reported rather than faulting later.
 * @return 0, DT_ENOENT, DT_EEXIST (create on an existing store),
 *         DT_ECORRUPT, DT_EVERSION, DT_EIO, DT_ENOMEM.
 */
int store_open(store **out, const char *dir, int create);

/* store_close() - close; accepts NULL. */
void store_close(store *s);

/*
 * store_fatal_hook - called when LMDB finds its own file inconsistent: a
 * failed LMDB assertion (what: LMDB's message), which a damaged page can
 * cause and which LMDB follows with abort().  app/ sets it to say that
 * the store may be damaged and exit, as it does on SIGSEGV and SIGBUS;
 * left NULL (tests, benchmarks), LMDB aborts.  It must not return to
 * LMDB's caller: if it returns, LMDB aborts all the same.
 */
extern void (*store_fatal_hook)(const char *what);

/* store_path() - the directory this store was opened from. */
const char *store_path(const store *s);

/*
 * store_txnid() - the id of the last committed write transaction that
 * readers see (a read transaction begun and ended): it moves whenever
 * any process commits to the store, so a watcher (a live link, the UI)
 * polls it to learn that something was written.
 */
uint64_t store_txnid(store *s);

/* store_readonly() - 1 if opened with STORE_OPEN_READONLY: no writes. */
int store_readonly(const store *s);

/*
 * store_txn_begin() - start a read (write = 0) or write transaction.
 * Write transactions are serialized across processes by LMDB: a writer
 * that reads the heads inside its own transaction cannot fork a feed.
 */
int store_txn_begin(store_txn **out, store *s, int write);

/*
 * store_txn_begin_nested() - a write transaction inside the write
 * transaction parent: committing it folds its changes into parent,
 * aborting it undoes them and leaves parent as it was.
 */
int store_txn_begin_nested(store_txn **out, store_txn *parent);

/* store_txn_commit() - commit durably (fsync); frees t in every case. */
int store_txn_commit(store_txn *t) __attribute__((warn_unused_result));

/*
 * store_txn_renew_unsynced() - commit the write transaction *t without
 * syncing and begin the next one in *t: only for a store that nobody
 * else sees until a later store_txn_commit() makes everything durable
 * (a join, built in a directory of its own).  It keeps one very large
 * import from growing one LMDB transaction without bound, which makes
 * LMDB spill pages and search ever longer dirty lists.  On failure *t
 * is NULL and the store is to be thrown away.
 */
int store_txn_renew_unsynced(store_txn **t)
    __attribute__((warn_unused_result));

/* store_txn_abort() - abandon and free; accepts NULL. */
void store_txn_abort(store_txn *t);

/* store_dialogue() - read the dialogue id; DT_ENOENT before genesis. */
int store_dialogue(store_txn *t, unsigned char id[ENTRY_HASH_BYTES]);

/* store_set_dialogue() - record the dialogue id once (DT_EEXIST after). */
int store_set_dialogue(store_txn *t, const unsigned char id[ENTRY_HASH_BYTES]);

/*
 * store_put() - add one entry, already parsed (e) with its leaf hash, to
 * every index, and advance its author's head.  The caller has checked
 * that e->seq is the author's next seq and e->prev its head hash.
 * @return 0; DT_EFORK if (author, seq) holds different bytes; DT_EEXIST
 *         if these very bytes are stored; DT_ENOSPC; DT_ECORRUPT.
 */
int store_put(store_txn *t, const entry *e,
    const unsigned char hash[ENTRY_HASH_BYTES]);

/*
 * store_put_flags() - store_put(), and with STORE_PUT_NO_HASH without the
 * hash index row: the caller adds it later, as a join does in one sorted
 * pass (store_hashes_reset(), store_hash_append()).  Until then
 * store_locate() does not find the entry.
 */
#define STORE_PUT_NO_HASH 0x1U
int store_put_flags(store_txn *t, const entry *e,
    const unsigned char hash[ENTRY_HASH_BYTES], unsigned flags)
    __attribute__((warn_unused_result));

/* store_hashes_reset() - empty the hash index, in t. */
int store_hashes_reset(store_txn *t) __attribute__((warn_unused_result));

/*
 * store_hash_append() - add the hash index row hash -> place (author ||
 * seq, big-endian, as a feed key), after every row there is: hashes must
 * come strictly ascending.  @return 0; DT_ECORRUPT if hash is not above
 * the last; DT_ENOSPC; store errors.
 */
int store_hash_append(store_txn *t, const unsigned char hash[ENTRY_HASH_BYTES],
    const unsigned char place[STORE_KEY_BYTES])
    __attribute__((warn_unused_result));

/*
 * store_get() - copy out the entry (author, seq).
 * @param[out] bytes  malloc'd copy, caller frees.
 * @return 0, DT_ENOENT, DT_ENOMEM, DT_ECORRUPT.
 */
int store_get(unsigned char **bytes, size_t *len, store_txn *t,
    const unsigned char author[KEY_PK_BYTES], uint64_t seq);

/* store_locate() - (author, seq) of the entry with a leaf hash. */
int store_locate(unsigned char author[KEY_PK_BYTES], uint64_t *seq,
    store_txn *t, const unsigned char hash[ENTRY_HASH_BYTES]);

/*
 * store_find_prefix() - the one hash whose lower-case hex starts with
 * prefix (at least 4 hex digits).
 * @return 0, DT_ENOENT, DT_EAMBIG, DT_EINVAL.
 */
int store_find_prefix(unsigned char hash[ENTRY_HASH_BYTES], store_txn *t,
    const char *prefix);

/* store_head_get() - the head of one feed; DT_ENOENT if it has none. */
int store_head_get(store_head *h, store_txn *t,
    const unsigned char author[KEY_PK_BYTES]);

/* store_head_set_verified() - move a feed's verified watermark. */
int store_head_set_verified(store_txn *t,
    const unsigned char author[KEY_PK_BYTES], uint64_t verified);

/*
 * store_heads() - every feed's head, authors ascending.
 * @param[out] out  malloc'd array, caller frees; *n its length.
 */
int store_heads(store_head **out, size_t *n, store_txn *t);

/*
 * store_check_heads() - check that every feed's head row agrees with the
 * feed's last stored entry: it exists, hashes to the head's hash and has
 * its clock.  Cheap (one entry per feed): what a writer checks before it
 * builds on the heads, since the verified watermark spares older entries
 * from being read again.
 * @return 0, DT_EHASH, DT_ECORRUPT, or a store error.
 */
int store_check_heads(store_txn *t);

/* store_count() - number of entries (rows of entries). */
int store_count(uint64_t *n, store_txn *t);

/*
 * store_scan() - walk entries in merged order, (clock, author) ascending
 * (or descending with reverse), starting at the first row >= from (or
 * <= from with reverse; from NULL = the very start or end).  cb gets the
 * entry's bytes and hash, valid only during the call; a non-zero return
 * stops the walk and is returned.
 */
typedef int (*store_scan_cb)(void *ctx, const unsigned char *bytes,
    size_t len, const unsigned char hash[ENTRY_HASH_BYTES]);
int store_scan(store_txn *t, const unsigned char *from, int reverse,
    store_scan_cb cb, void *ctx);

/*
 * store_scan_unchecked() - store_scan(t, NULL, 0, cb, ctx), except that
 * the entries are not hashed here: cb gets the hash the order index
 * names, and the bytes the hash index leads to, which the caller must
 * hash and compare (sodium_memcmp) before it trusts them, and report as
 * DT_EHASH if they differ.  For a caller that hashes on other threads
 * (view_load()); the bytes stay valid until the transaction ends.
 */
int store_scan_unchecked(store_txn *t, store_scan_cb cb, void *ctx);

/*
 * store_scan_control() - store_scan() over control entries only
 * (genesis, members, key wraps, checkpoints, seals), ascending.
 */
int store_scan_control(store_txn *t, store_scan_cb cb, void *ctx);

/*
 * store_scan_entries() - walk the entries database itself in key order
 * (author, then seq), starting at author || from (author NULL: from the
 * first row of all; one_feed: stop at the end of that author's feed).
 * cb also gets the row's key (author || seq), so a caller can check that
 * the bytes agree with where they are stored.  A tampered hash or order
 * index cannot hide an entry from this walk.
 */
typedef int (*store_entry_cb)(void *ctx,
    const unsigned char key[STORE_KEY_BYTES], const unsigned char *bytes,
    size_t len, const unsigned char hash[ENTRY_HASH_BYTES]);
int store_scan_entries(store_txn *t, const unsigned char *author,
    uint64_t from, int one_feed, store_entry_cb cb, void *ctx);

/*
 * store_ref_probe() - what checking a reference to (author, seq) needs,
 * read in place, without hashing and without the hash index: the clock
 * of that entry, and the leaf hash it has if its feed's chain holds: the
 * prev field of (author, seq + 1), or the head row's hash when it is the
 * last of its feed.  (A walk that checks every chain, as verify does,
 * catches a chain that does not hold.)
 * @return 0; DT_ENOENT (no such entry); DT_ECORRUPT (malformed, or a
 *         head row that disagrees); store errors.
 */
int store_ref_probe(uint64_t *clock, unsigned char hash[ENTRY_HASH_BYTES],
    store_txn *t, const unsigned char author[KEY_PK_BYTES], uint64_t seq);

/*
 * store_scan_raw() - every entry, in (author, seq) order, as
 * store_scan_entries() but without hashing them: cb gets hash NULL (for
 * a caller that hashes on other threads).  In a read-only transaction
 * the bytes cb gets stay valid until the transaction ends (they are the
 * map's own pages), so such a caller need not copy them.
 */
int store_scan_raw(store_txn *t, store_entry_cb cb, void *ctx);

/* store_txn_readonly() - whether t is a read-only transaction. */
int store_txn_readonly(const store_txn *t);

/*
 * store_scan_feed_raw() - store_scan_entries(t, author, from, 1, cb, ctx)
 * without hashing: cb gets hash NULL (for a caller that reads the
 * entries' fields and has no use for their hash, like the scope of
 * minutes, which reads references).
 */
int store_scan_feed_raw(store_txn *t, const unsigned char *author,
    uint64_t from, store_entry_cb cb, void *ctx);

/*
 * store_kind_indexed() - 1 if entries of kind are listed in the kinds
 * index: every control kind, and the content kinds that give a record
 * its structure (meeting open and close, attendance, agenda and its
 * status, commitment and its status, endorsement, correction).  Notes,
 * statements, proposals and decisions, the bulk of a record, are not.
 */
int store_kind_indexed(unsigned kind);

/*
 * store_scan_kind() - store_scan() over the entries of one indexed kind,
 * in merged order, (clock, author) ascending, through the kinds index,
 * from the first at or after the order key from (NULL: from the start).
 * The row leads straight to the entry (author || seq), and the entry's
 * bytes must hash to the row's leaf hash (else DT_EHASH).
 */
int store_scan_kind(store_txn *t, unsigned kind, const unsigned char *from,
    store_scan_cb cb, void *ctx);

/*
 * store_kind_back() - the order key of the n-th row of kind counting
 * back from the order key before (NULL: from the end; the row at before
 * does not count), for store_scan_kind()'s from: a walk of the newest n
 * rows before it, which reads only those.  *more is 1 if kind has rows
 * before that one.  Fewer than n rows: out is all zero (from the start)
 * and *more 0.  Reads the index only (cursor steps), not the entries.
 */
int store_kind_back(unsigned char out[STORE_ORDER_BYTES], int *more,
    store_txn *t, unsigned kind, const unsigned char *before, size_t n);

/* store_kind_count() - rows of the kinds index (entries of indexed kinds). */
int store_kind_count(uint64_t *n, store_txn *t);

/*
 * store_check_kind() - 1 if the kinds index lists e, with its leaf hash
 * and seq, or if e's kind is not indexed; else 0.
 */
int store_check_kind(store_txn *t, const entry *e,
    const unsigned char hash[ENTRY_HASH_BYTES]);

/* store_order_key() - the order key of an entry (clock || author). */
void store_order_key(unsigned char out[STORE_ORDER_BYTES], uint64_t clock,
    const unsigned char author[KEY_PK_BYTES]);

/* store_check_order() - 1 if the order row (clock, author) -> hash exists. */
int store_check_order(store_txn *t, uint64_t clock,
    const unsigned char author[KEY_PK_BYTES],
    const unsigned char hash[ENTRY_HASH_BYTES]);

/* store_order_count() - number of order rows. */
int store_order_count(uint64_t *n, store_txn *t);

/*
 * store_held_put(), store_held_del() - keep an imported entry that waits
 * for a predecessor or a reference (key: its leaf hash), or drop it once
 * it is in the record.  Held entries are not in the record.
 */
int store_held_put(store_txn *t, const unsigned char hash[ENTRY_HASH_BYTES],
    const unsigned char *bytes, size_t len);
int store_held_del(store_txn *t, const unsigned char hash[ENTRY_HASH_BYTES]);

/*
 * store_held_get() - copy out the held entry with this leaf hash.
 * @param[out] bytes  malloc'd, caller frees.
 * @return 0, DT_ENOENT, DT_ENOMEM, DT_EIO.
 */
int store_held_get(unsigned char **bytes, size_t *len, store_txn *t,
    const unsigned char hash[ENTRY_HASH_BYTES]);

/* store_held_has() - 1 if an entry with this leaf hash is held, else 0. */
int store_held_has(store_txn *t, const unsigned char hash[ENTRY_HASH_BYTES]);

/*
 * store_held_scan() - every held entry, by hash; cb as for store_scan().
 * The bytes point into the map, valid only during the call: a callback
 * that reads only an entry's header touches only its first page.
 */
int store_held_scan(store_txn *t, store_scan_cb cb, void *ctx);

/* store_held_count() - the number of held entries. */
int store_held_count(uint64_t *n, store_txn *t);

/*
 * store_evidence_put() - keep a fork: first (the entry the record holds,
 * or the one that came first) and second (the conflicting one), keyed
 * by second's leaf hash.  Keeping the same evidence twice is a no-op.
 */
int store_evidence_put(store_txn *t, const unsigned char *first, size_t flen,
    const unsigned char *second, size_t slen);

/* store_evidence_scan() - every fork kept; the arguments live as long
 * as the callback.  A non-zero return stops the walk and is returned. */
typedef int (*store_evidence_cb)(void *ctx, const unsigned char *first,
    size_t flen, const unsigned char *second, size_t slen);
int store_evidence_scan(store_txn *t, store_evidence_cb cb, void *ctx);

/*
 * The `checked` database (FORMAT.md section 8): the control entries a
 * verification has checked (framing, dialogue, signature) and then
 * passed whole, each row keyed by the entry's leaf hash and naming its
 * author and seq; like the verified watermark, a convenience of the
 * local store, trusted as the store itself is, and only by an opening
 * (record_open()), never by `detente verify`.
 * store_checked_get() - the row for hash: the entry's author, seq and
 * kind.  @return 0, or DT_ENOENT (also when the store has no `checked`).
 * store_checked_put() - write that row, in a write transaction.
 * @return 0, DT_EVERSION (a read-only store made without it), DT_ENOSPC,
 *         DT_EIO.
 */
int store_checked_get(store_txn *t, const unsigned char hash[ENTRY_HASH_BYTES],
    unsigned char author[KEY_PK_BYTES], uint64_t *seq, unsigned *kind);
int store_checked_put(store_txn *t, const unsigned char hash[ENTRY_HASH_BYTES],
    const unsigned char author[KEY_PK_BYTES], uint64_t seq, unsigned kind);

/*
 * store_scan_control_rows() - the rows of the control index in order,
 * without reading the entries they name: cb gets the key (clock ||
 * author) and the leaf hash the row holds.  A non-zero return stops.
 * store_scan_hash() - the entry with leaf hash hash, through the hash
 * index, to cb with its hash recomputed (DT_EHASH if it differs), as
 * store_scan_control() hands each.
 */
typedef int (*store_row_cb)(void *ctx, const unsigned char *key,
    const unsigned char *hash);
int store_scan_control_rows(store_txn *t, store_row_cb cb, void *ctx);

/*
 * The summary row of `checked` (FORMAT.md section 8): what the control
 * pass of an opening needs from the first rows of the control index.
 * store_ctl_summary_get() - a malloc'd copy of its value; DT_ENOENT.
 * store_ctl_summary_put() - write it, in a write transaction.
 * store_control_prefix() - BLAKE2b-256("detente control rows v1\0" ||
 * the leaf hash of each of the first n rows of the control index): what
 * the summary says those rows were; DT_ENOENT when there are fewer.
 * store_control_count() - the number of rows of the control index.
 * store_scan_control_after() - the rows after the row (key, hash), as
 * store_scan_control_rows(); DT_ENOENT when no such row is there.
 */
int store_ctl_summary_get(store_txn *t, unsigned char **val, size_t *len);
int store_ctl_summary_put(store_txn *t, const unsigned char *val,
    size_t len);
int store_control_count(store_txn *t, uint64_t *n);
int store_control_prefix(store_txn *t, uint64_t n,
    unsigned char digest[ENTRY_HASH_BYTES]);
int store_scan_control_after(store_txn *t,
    const unsigned char key[STORE_ORDER_BYTES],
    const unsigned char hash[ENTRY_HASH_BYTES], store_row_cb cb, void *ctx);
int store_scan_hash(store_txn *t, const unsigned char hash[ENTRY_HASH_BYTES],
    store_scan_cb cb, void *ctx);

/*
 * store_fault_put() - keep the row of a member fault (faults.h), in a
 * write transaction; keeping it twice is a no-op.
 * @return 0, DT_EVERSION (a read-only store made without the database),
 *         DT_ENOSPC, DT_EIO.
 */
int store_fault_put(store_txn *t, const record_fault *f);

/* store_fault_scan() - every member fault kept, by entry hash.  A
 * non-zero return of cb stops the walk and is returned. */
typedef int (*store_fault_cb)(void *ctx, const record_fault *f);
int store_fault_scan(store_txn *t, store_fault_cb cb, void *ctx);

/*
 * store_fault_del() - forget the member fault row of the entry hash (a
 * late entry whose close no longer counts); 0 when there is none.
 */
int store_fault_del(store_txn *t, const unsigned char hash[ENTRY_HASH_BYTES]);

/* store_fault_count() - the number of member faults kept. */
int store_fault_count(uint64_t *n, store_txn *t);

/* Big-endian helpers shared by storage/. */
void store_be64(unsigned char out[8], uint64_t v);
uint64_t store_get_be64(const unsigned char in[8]);

#endif
