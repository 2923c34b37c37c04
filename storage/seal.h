/*
 * seal.h: the joint seal that closes a meeting (prefix seal_).
 *
 * A seal is a C2SP signed note whose text says which meeting it closes,
 * the SHA-256 of its minutes, and the checkpoint (origin, size, root) of
 * every feed the proposer held; each head of delegation signs that same
 * text, one signature line each.  docs/FORMAT.md ("Seals") is normative.
 * The text, every line ending in "\n":
 *
 *   detente seal v1
 *   dialogue <hex of the dialogue id>
 *   meeting <decimal>
 *   minutes <hex of the minutes' SHA-256, or "-">
 *   feed <origin> <decimal size, at least 1> <base64 root>   (one or more,
 *                                          origins strictly ascending)
 *
 * A head signs under the key name "detente/<hex dialogue>/<hex key>", the
 * origin of its own feed's checkpoints (seal_key_name()).
 *
 * Seal entries (kind ENTRY_K_SEAL, heads only) carry the note:
 * {"meeting": n, "note": NOTE, "v": 1}.  The proposer's entry carries its
 * own signature; each cosigner appends a new entry with the note it
 * received plus its own line.  A meeting's seal is complete when one seal
 * entry's note carries a valid signature by the head of every party.
 */
#ifndef DETENTE_SEAL_H
#define DETENTE_SEAL_H

#include <stddef.h>
#include <stdint.h>

#include "../crypto/keys.h"
#include "../crypto/merkle.h"
#include "../crypto/note.h"
#include "entry.h"
#include "record.h"
#include "store.h"

#define SEAL_HEADER "detente seal v1"
#define SEAL_WHY_BYTES 200U
/* The most heads (parties) a seal can name: note_verify()'s mask. */
#define SEAL_HEADS_MAX NOTE_VERIFIERS_MAX

/* One "feed" line: the checkpoint of one feed. */
typedef struct seal_feed {
	unsigned char author[KEY_PK_BYTES];
	uint64_t size;
	unsigned char root[MERKLE_HASH_BYTES];
} seal_feed;

/* A seal's text, taken apart.  Embedded: seal_text_done() frees feeds. */
typedef struct seal_text {
	unsigned char dialogue[32];
	uint64_t meeting;
	int has_minutes; /* 0: "minutes -" */
	unsigned char minutes[32];
	seal_feed *feeds; /* malloc'd, origins (authors) ascending */
	size_t nfeeds;
} seal_text;

/* seal_text_done() - free s->feeds; accepts a zeroed s. */
void seal_text_done(seal_text *s);

/*
 * seal_text_format() - write the text of s.  The feeds must be sorted by
 * author, each author once, each size at least 1.
 * @param[out] out  malloc'd, NUL-terminated (*len does not count it).
 * @return 0, DT_EINVAL (no feed, unsorted, size 0), DT_ENOMEM.
 */
int seal_text_format(char **out, size_t *len, const seal_text *s);

/*
 * seal_text_parse() - take a seal's text apart, strictly: the exact lines
 * above, lower-case hex, decimals without sign or leading zero, canonical
 * base64 of 32 bytes, every origin naming the dialogue of the "dialogue"
 * line, origins strictly ascending, nothing else.
 * @param[out] s  filled on success (seal_text_done() it); zeroed else.
 * @return 0, DT_EFORMAT, DT_ENOMEM.
 */
int seal_text_parse(seal_text *s, const char *text, size_t len)
    __attribute__((warn_unused_result));

/*
 * seal_key_name() - the key name a head signs seals with:
 * note_checkpoint_origin(dialogue, pk).
 */
void seal_key_name(char out[NOTE_ORIGIN_BYTES],
    const unsigned char dialogue[32], const unsigned char pk[KEY_PK_BYTES]);

/*
 * seal_vkey() - the C2SP verifier key of a head for seals:
 * seal_key_name() "+" key id "+" base64(0x01 || pk).  out needs
 * NOTE_ORIGIN_BYTES + 54 bytes.
 */
#define SEAL_VKEY_BYTES (NOTE_ORIGIN_BYTES + 54U)
void seal_vkey(char out[SEAL_VKEY_BYTES], const unsigned char dialogue[32],
    const unsigned char pk[KEY_PK_BYTES]);

/*
 * seal_propose() - a new seal for meeting, signed by id: the text lists
 * every feed of r as it is now (each feed's size and root, read in one
 * read transaction), and minutes (NULL: "minutes -").
 * @param[out] note  malloc'd, NUL-terminated; free() it.
 * @return 0, DT_EMEMBER (id is not a head of r), store errors, DT_ENOMEM.
 */
int seal_propose(char **note, size_t *len, record *r, const key_identity *id,
    uint64_t meeting, const unsigned char *minutes);

/*
 * seal_check_replica() - check a seal note against r's own replica, as a
 * head does before it cosigns: the note parses, names r's dialogue, and
 * for every feed it lists r holds at least size entries whose root is
 * the listed one.  why gets an English reason naming the feed.
 * @return 0; DT_EFORMAT; DT_EDIALOGUE; DT_ESTATE (r holds fewer entries
 *         of a listed feed: import the other side's bundle first);
 *         DT_EHASH (a listed root is not r's); store errors.
 */
int seal_check_replica(record *r, const char *note, size_t len, char *why,
    size_t whylen) __attribute__((warn_unused_result));

/* How a head stands with a meeting's seal. */
enum { SEAL_MISSING = 0, SEAL_SIGNED = 1, SEAL_BAD = 2 };

typedef struct seal_head {
	char party[16];
	unsigned char pk[KEY_PK_BYTES];
	char name[KEY_NAME_MAX + 1];
	int state; /* SEAL_* */
} seal_head;

/*
 * What the record holds about one meeting's seal.  Embedded:
 * seal_info_done() frees it.
 *
 * When some seal entry of the meeting carries a valid signature by every
 * head, complete is 1 and note is the last such entry's note.  Else note
 * is the note of the meeting's last seal entry (merged order), and each
 * head's state says whether a valid signature of that very text is in any
 * seal entry of the meeting (SEAL_SIGNED), only an invalid one is
 * (SEAL_BAD: the record fails verification), or none (SEAL_MISSING).
 * merged is that text followed by the first valid signature line of each
 * head found, in the order found: what seal_cosign() starts from.
 * A head left with only a bad signature (SEAL_BAD) makes the seal
 * invalid (invalid set, why filled); seal_info_check() looks further.
 */
typedef struct seal_info {
	uint64_t meeting;
	int complete;
	size_t nentries; /* seal entries of this meeting */
	unsigned char entry[ENTRY_HASH_BYTES]; /* the entry note is from */
	unsigned char author[KEY_PK_BYTES];    /* its author */
	char *note;
	size_t notelen;
	char *merged;
	size_t mergedlen;
	size_t nsigned; /* heads with SEAL_SIGNED */
	size_t note_signed; /* heads whose valid line is in note itself */
	seal_head heads[SEAL_HEADS_MAX]; /* in the genesis' party order */
	size_t nheads;
	int invalid; /* a seal entry of the meeting breaks the rule: why */
	char why[SEAL_WHY_BYTES]; /* English, one line; "" unless invalid */
} seal_info;

/* A meeting's seal in one word (seal_info_state()). */
enum {
	SEAL_STATE_INCOMPLETE = 0,
	SEAL_STATE_COMPLETE = 1,
	SEAL_STATE_INVALID = 2
};

/*
 * seal_info_get() - the seal of meeting, as r holds it now.
 * @return 0; DT_ENOENT (no seal entry for that meeting); DT_ERANGE (more
 *         parties than SEAL_HEADS_MAX); store errors; DT_ENOMEM.
 */
int seal_info_get(seal_info *out, record *r, uint64_t meeting);

/* seal_info_done() - free what seal_info_get() allocated; zeroed ok. */
void seal_info_done(seal_info *si);

/*
 * seal_info_check() - check every seal entry of si->meeting again, as
 * verify checks it: the entry's own signature, then the rule
 * (seal_check_entry()), in one read transaction of r.  At the first
 * entry that fails, si->invalid is set, si->complete cleared, and si->why
 * names the entry (its first 8 hex digits) and the reason.
 *
 * A record that has passed record_verify() has passed this for every
 * seal entry already (the rule is part of it, and what it reads never
 * changes: feeds only grow, heads are fixed by the genesis).  This is for
 * a record that failed verification, to say which seals still hold.  It
 * reads each listed feed's first size entries once per seal entry.
 * A store whose control index or bytes are damaged (DT_EHASH,
 * DT_ECORRUPT) makes the seal invalid too.
 * @return 0 (si->invalid says the result); store errors; DT_ENOMEM.
 */
int seal_info_check(seal_info *si, record *r);

/*
 * seal_info_state() - SEAL_STATE_INVALID if si->invalid, else
 * SEAL_STATE_COMPLETE if si->complete, else SEAL_STATE_INCOMPLETE.
 */
int seal_info_state(const seal_info *si);

/* seal_state_name() - "incomplete", "complete", "invalid" (not translated). */
const char *seal_state_name(int state);

/*
 * seal_meetings() - the meetings that have seal entries, ascending, and
 * (if last is not NULL) the meeting of the last seal entry in merged
 * order.
 * @param[out] out  malloc'd (NULL when *n is 0); the caller frees.
 * @return 0 (n may be 0), store errors, DT_ENOMEM.
 */
int seal_meetings(uint64_t **out, size_t *n, uint64_t *last, record *r);

/*
 * seal_cosign() - the note id should append to cosign meeting's seal:
 * the merged note of seal_info_get() (every head's valid signature of
 * the last proposed text), checked against r's replica
 * (seal_check_replica()), plus id's own signature line.  If id has
 * signed already but the merged note carries more signatures than the
 * last seal entry, the merged note alone (joining signatures written
 * in separate entries).
 * @param[out] note  malloc'd; free() it.
 * @return 0; DT_ENOENT (no seal for meeting); DT_EMEMBER (id is not a
 *         head); DT_EEXIST (complete already, or id has signed and there
 *         is nothing to join); and seal_check_replica()'s codes, with why.
 */
int seal_cosign(char **note, size_t *len, record *r, const key_identity *id,
    uint64_t meeting, char *why, size_t whylen);

/*
 * seal_append() - append a seal entry with note for meeting to id's feed
 * (record_append()).  The entry's own check refuses a note that breaks
 * the rules (seal_check_entry()).
 */
int seal_append(record *r, const key_identity *id, uint64_t meeting,
    const char *note, size_t len, unsigned char hash[ENTRY_HASH_BYTES]);

/*
 * seal_check_entry() - the rule for a seal entry e of r, run by the
 * record's check of every entry (append, import, verify) once the common
 * checks have passed (so its author is a head): the payload has a "note"
 * string and a "meeting"; the note parses and its text is a seal text
 * (seal_text_parse()) for r's dialogue and that meeting; every signature
 * line by a head's key verifies, and one of them is by e's author; the
 * author's own feed is listed at a size of at most e->seq, and every
 * other feed at a size of at most what the author had seen (one more
 * than the highest seq of that feed referenced by e or by an earlier
 * entry of e's feed), so that the listed entries are always in t; and
 * every listed feed has the listed root.
 * @return 0 or a DT_E* code (DT_EFORMAT, DT_EDIALOGUE, DT_ESIG, DT_EREF,
 *         DT_EHASH), with why filled.
 */
int seal_check_entry(record *r, store_txn *t, const entry *e, char *why,
    size_t whylen) __attribute__((warn_unused_result));

/*
 * seal_check_entry_flags() - seal_check_entry(); with SEAL_CHECK_NO_ROOTS
 * all of it but the listed roots, which the caller checks later with
 * seal_check_roots() (the verify walk does, once it has every feed's
 * tree: record_verify.c, verify_seals()).
 */
#define SEAL_CHECK_NO_ROOTS 0x1U
#define SEAL_CHECK_ONLY_ROOTS 0x2U /* seal_check_roots() */
int seal_check_entry_flags(record *r, store_txn *t, const entry *e,
    unsigned flags, char *why, size_t whylen)
    __attribute__((warn_unused_result));

/*
 * What a streaming reader (audit_stream.h), which has no store, gives
 * seal_check_entry_stream(): seen() returns how many entries of the feed
 * of author the seal entry's author had seen before it (one more than the
 * highest seq of that feed its earlier entries referenced; 0: none);
 * claim() takes each listed feed, whose root the reader checks once it
 * has the feed's first size entries (non-zero stops, and is returned).
 */
typedef struct seal_stream {
	uint64_t (*seen)(void *ctx, const unsigned char author[KEY_PK_BYTES]);
	int (*claim)(void *ctx, const seal_feed *fd);
	void *ctx;
} seal_stream;

/*
 * seal_check_entry_stream() - seal_check_entry_flags() with
 * SEAL_CHECK_NO_ROOTS and no store: r may be a record_mem_new() record.
 */
int seal_check_entry_stream(record *r, const entry *e, const seal_stream *ss,
    char *why, size_t whylen) __attribute__((warn_unused_result));

/*
 * seal_check_roots() - of seal_check_entry(), only that every listed feed
 * has the listed root in t (the note parsed again first).
 * @return 0, DT_EFORMAT, DT_ESTATE (a feed shorter than listed), DT_EHASH
 *         (another root), with why filled.
 */
int seal_check_roots(record *r, store_txn *t, const entry *e, char *why,
    size_t whylen) __attribute__((warn_unused_result));

#endif
