/*
 * bundle.h: the exchange files that carry entries between replicas
 * (prefix bundle_).  docs/FORMAT.md ("Bundles", "State files") is
 * normative; all integers are big-endian.
 *
 * Bundle file:
 *   off  size  field
 *   0    4     magic "DTB" 0x01 (format version 1)
 *   4    32    dialogue id
 *   36   4     count: number of entries
 *   40   ..    count x (u32 length L || L bytes: one entry, as stored)
 *   ..   32    trailer: SHA-256 of every byte before it
 *
 * State file (what a replica holds, so that the other side can export
 * only what is new):
 *   0    4     magic "DTS" 0x01
 *   4    32    dialogue id
 *   36   4     nfeeds
 *   40   72*n  n x (author 32 || next seq u64 || head hash 32), authors
 *              strictly ascending
 *
 * The trailer only detects a truncated or damaged file; what makes an
 * entry trustworthy is its own signature and the record's rules, which
 * the importer (record_import()) checks entry by entry.
 *
 * A reader streams: bundle_reader_open() checks the whole file's framing
 * and trailer in one pass (or, with BUNDLE_CHECK_LATE, the first pass of
 * bundle_reader_next() does), then bundle_reader_next() hands out one
 * entry at a time from a buffer it reuses, so memory does not grow with
 * the bundle.  Later passes do not hash the file again: they read the trailer
 * again and refuse the file if it is no longer the file that was checked
 * (another inode or size, or written to since: its change time moved).
 */
#ifndef DETENTE_BUNDLE_H
#define DETENTE_BUNDLE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "entry.h"
#include "store.h"

#define BUNDLE_MAGIC "DTB\x01"
#define BUNDLE_STATE_MAGIC "DTS\x01"
#define BUNDLE_HEADER_BYTES 40U
#define BUNDLE_TRAILER_BYTES 32U
#define BUNDLE_STATE_FEED_BYTES 72U
/* The smallest and largest entry framing allows (FORMAT.md "Entry"). */
#define BUNDLE_ENTRY_MIN (ENTRY_FIXED_BYTES + 4U + KEY_SIG_BYTES)
#define BUNDLE_ENTRY_MAX (ENTRY_FIXED_BYTES + ENTRY_REF_BYTES * \
    ENTRY_MAX_REFS + 4U + ENTRY_MAX_BODY + KEY_SIG_BYTES)

typedef struct bundle_reader bundle_reader;
typedef struct bundle_writer bundle_writer;

/*
 * Flags of bundle_reader_open().  BUNDLE_CHECK_LATE: check only the
 * header, the count against the size and read the trailer at once; the
 * first pass of bundle_reader_next() from the start checks each length,
 * the exact end and the trailer as it reads (an import reads every byte
 * anyway: the file is not hashed in a pass of its own first).  A caller
 * whose pass fails calls bundle_reader_check() to tell a damaged file
 * from what its pass found wrong.
 */
#define BUNDLE_CHECK_LATE 0x1U

/*
 * bundle_reader_open() - take f (positioned at the start of a bundle;
 * it must be seekable), check the magic, the version, the count against
 * the file's size, every entry's length, that the entries end exactly at
 * the trailer, and the trailer (the last three later, with
 * BUNDLE_CHECK_LATE); then rewind to the first entry.  The reader owns f
 * from then on, and fcloses it in bundle_reader_close(), also when the
 * open fails.
 * @param[out] why  a static English reason on failure (may be NULL).
 * @return 0; DT_EFORMAT (not a bundle, truncated, trailing bytes);
 *         DT_EVERSION; DT_ERANGE (a count or length over its limit);
 *         DT_EHASH (the trailer does not match); DT_EIO; DT_ENOMEM.
 */
int bundle_reader_open(bundle_reader **out, FILE *f, unsigned flags,
    const char **why) __attribute__((warn_unused_result));

/* bundle_reader_open_path() - bundle_reader_open() on the file at path. */
int bundle_reader_open_path(bundle_reader **out, const char *path,
    unsigned flags, const char **why) __attribute__((warn_unused_result));

/*
 * bundle_reader_check() - the whole-file check of bundle_reader_open(),
 * now, unless a pass has made it already (0 at once); then rewind.
 * @return as bundle_reader_open(), with *why.
 */
int bundle_reader_check(bundle_reader *b, const char **why)
    __attribute__((warn_unused_result));

/*
 * bundle_reader_why() - a static English reason for the last failure of
 * bundle_reader_next() or bundle_reader_rewind(), or NULL.
 */
const char *bundle_reader_why(const bundle_reader *b);

/* bundle_reader_close() - close; accepts NULL. */
void bundle_reader_close(bundle_reader *b);

/* bundle_reader_dialogue() - the dialogue id in the header. */
const unsigned char *bundle_reader_dialogue(const bundle_reader *b);

/* bundle_reader_count() - the number of entries. */
uint32_t bundle_reader_count(const bundle_reader *b);

/*
 * bundle_reader_next() - the next entry's bytes, valid until the next
 * call (the reader reuses its buffer); *bytes is NULL after the last
 * one, and the trailer has then been checked: a second time (the file
 * may have changed since bundle_reader_open()), or, on the first pass
 * of a BUNDLE_CHECK_LATE reader, against the SHA-256 of the whole file.
 * @return 0, DT_EFORMAT, DT_ERANGE, DT_EHASH, DT_EIO, DT_ENOMEM.
 */
int bundle_reader_next(bundle_reader *b, const unsigned char **bytes,
    size_t *len) __attribute__((warn_unused_result));

/* bundle_reader_rewind() - start handing out entries again. */
int bundle_reader_rewind(bundle_reader *b);

/*
 * bundle_writer_begin() - start writing a bundle of exactly count
 * entries of dialogue to f (borrowed: the caller closes it).
 */
int bundle_writer_begin(bundle_writer **out, FILE *f,
    const unsigned char dialogue[ENTRY_HASH_BYTES], uint32_t count);

/* bundle_writer_add() - append one entry; DT_ERANGE past count. */
int bundle_writer_add(bundle_writer *w, const unsigned char *bytes,
    size_t len);

/*
 * bundle_writer_end() - write the trailer and flush; DT_EINVAL if fewer
 * entries than announced were added.  Frees w in every case.
 */
int bundle_writer_end(bundle_writer *w) __attribute__((warn_unused_result));

/* bundle_writer_abort() - free without finishing; accepts NULL. */
void bundle_writer_abort(bundle_writer *w);

/* One feed as a state file lists it. */
typedef struct bundle_feed {
	unsigned char author[KEY_PK_BYTES];
	uint64_t next_seq;                    /* entries held: 0..next_seq-1 */
	unsigned char head[ENTRY_HASH_BYTES]; /* hash of entry next_seq-1 */
} bundle_feed;

/* A state file, decoded; release with bundle_state_done(). */
typedef struct bundle_state {
	unsigned char dialogue[ENTRY_HASH_BYTES];
	bundle_feed *feeds;                   /* authors strictly ascending */
	size_t nfeeds;
} bundle_state;

/*
 * bundle_state_read() - the state of the store t reads: its dialogue id
 * and every feed's head.  @return 0, DT_ENOENT (no dialogue), DT_ENOMEM,
 * or a store error.
 */
int bundle_state_read(bundle_state *s, store_txn *t);

/*
 * bundle_state_encode() - s as a state file.
 * @param[out] out  malloc'd bytes, caller frees.
 */
int bundle_state_encode(unsigned char **out, size_t *len,
    const bundle_state *s);

/*
 * bundle_state_decode() - a state file into s (copied: buf may go).
 * @return 0, DT_EFORMAT (bad magic, wrong length, authors not ascending,
 *         a feed with no entries), DT_EVERSION, DT_ENOMEM.
 */
int bundle_state_decode(bundle_state *s, const unsigned char *buf,
    size_t len, const char **why) __attribute__((warn_unused_result));

/* bundle_state_find() - the feed of author in s, or NULL. */
const bundle_feed *bundle_state_find(const bundle_state *s,
    const unsigned char author[KEY_PK_BYTES]);

/* bundle_state_done() - free what s holds; accepts a zeroed s. */
void bundle_state_done(bundle_state *s);

/* What bundle_export() did. */
typedef struct bundle_export_info {
	uint32_t entries;        /* entries written */
	uint32_t feeds;          /* feeds they came from */
	/*
	 * Feeds whose head hash in the other side's state disagrees with
	 * our entry at that position: the other side holds a fork, or
	 * another history.  malloc'd, ndiverged entries; the caller frees.
	 */
	bundle_feed *diverged;
	size_t ndiverged;
} bundle_export_info;

/*
 * bundle_export() - write to f a bundle of the entries of s that the
 * other side lacks: with since (its state file, decoded) the entries of
 * each feed from the other side's next seq on (from the entry before it
 * when the other side's head is not our entry there: info->diverged),
 * and every entry of a feed it does not list; without since, every
 * entry.  Entries go in merged
 * order, (clock, author), so that an entry usually follows what it
 * references.  Everything is read in one read transaction.
 * @return 0, DT_EDIALOGUE (since names another dialogue), DT_ERANGE
 *         (more than 2^32-1 entries), DT_EIO, DT_ENOMEM, a store error.
 */
int bundle_export(FILE *f, store *s, const bundle_state *since,
    bundle_export_info *info);

#endif
