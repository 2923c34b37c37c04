/*
 * minutes.h: the minutes of a meeting, rendered from the record's view
 * (prefix minutes_).
 *
 * The minutes of meeting M cover a fixed part of the record, its scope:
 * the entries that closed M, one per party, and every entry they follow
 * causally (their own feeds before them, the entries they reference,
 * theirs, and so on).
 * Every replica that holds the closing entry holds exactly that scope,
 * since an entry is only ever stored after everything it follows, so two
 * sides render byte-identical minutes from their own replicas however
 * much else each has received since.  A meeting not yet closed has no
 * such scope: its minutes are a draft of every entry the replica holds.
 *
 * Rendering is a function of the scope's entries only: no clock, no
 * locale, no path; times are the entries' own, in UTC.  The four formats
 * (Markdown, plain text, JSON, printable HTML) carry the same content,
 * built once as a JSON model; each is printed by one printer.  docs/FORMAT.md ("Minutes and minisign signatures") is
 * normative for the identification line, the JSON fields and the trusted
 * comment of a signature.
 *
 * Nothing here prints or writes files; the texts returned are malloc'd
 * and owned by the caller.
 */
#ifndef DETENTE_MINUTES_H
#define DETENTE_MINUTES_H

#include <stddef.h>
#include <stdint.h>

#include "../crypto/keys.h"
#include "entry.h"
#include "record.h"
#include "view.h"

typedef enum minutes_format {
	MINUTES_MD = 1,
	MINUTES_TXT = 2,
	MINUTES_JSON = 3,
	MINUTES_HTML = 4
} minutes_format;

/* "both", or a language tag (2 to 8 letters a-z), and a NUL. */
#define MINUTES_LANG_BYTES 9U
/* The trusted comment of a signature, at its longest, and a NUL. */
#define MINUTES_COMMENT_BYTES 320U

/* One feed of a scope: its first size entries are in scope. */
typedef struct minutes_feed {
	unsigned char author[KEY_PK_BYTES];
	uint64_t size;
} minutes_feed;

/*
 * The part of a view that the minutes of a meeting cover.  Embedded:
 * minutes_scope_done() frees it.  close points into the view it was made
 * from, which must outlive the scope.
 */
typedef struct minutes_scope {
	int64_t meeting;
	int draft; /* 1: not closed; every entry of the view */
	const view_item *close; /* the closing entry; NULL for a draft */
	minutes_feed *feeds; /* malloc'd, authors ascending (memcmp) */
	size_t nfeeds;
	size_t nentries; /* entries in scope */
} minutes_scope;

/*
 * minutes_scope_get() - the scope of meeting in v, once every party has
 * closed it (view_meeting.close): the causal past of every close of the
 * meeting that is not late, together (two closes by one party, from
 * two laptops that had not exchanged, both count), read from r's store (the references of each entry in scope); or, when
 * some party has not closed it, every entry of v, marked draft.  Late
 * entries (view_item.late) are in the scope but not in the minutes.  v
 * must be a view of r.
 * @return 0; DT_ENOENT (no such meeting); DT_ECORRUPT (an entry in scope
 *         is missing from v or from the store); store errors; DT_ENOMEM.
 */
int minutes_scope_get(minutes_scope *out, record *r, const view *v,
    int64_t meeting);

/* minutes_scope_done() - free what minutes_scope_get() allocated. */
void minutes_scope_done(minutes_scope *s);

/* minutes_in_scope() - 1 if it is one of the scope's entries. */
int minutes_in_scope(const minutes_scope *s, const view_item *it);

/*
 * minutes_render() - the minutes of s->meeting in format fmt, with texts
 * in lang ("both": every language, side by side; a tag: that language,
 * else the authentic text, marked).  Reads only the entries of s.
 * @param[out] out  malloc'd, NUL-terminated (*len does not count it).
 * @return 0, DT_EINVAL (bad format or lang), DT_ENOKEY (v is locked),
 *         DT_ENOENT (no such meeting in v), DT_ENOMEM.
 */
int minutes_render(char **out, size_t *len, const view *v,
    const minutes_scope *s, minutes_format fmt, const char *lang);

/*
 * An internal record (docs/FORMAT.md section 13, "Internal records"):
 * the minutes of a meeting as minutes_render() renders them, and with
 * them the internal notes of one party that the view reads, each marked
 * as that party's alone.  It is identified as no minutes are
 * ("scope=internal-RU"), so that minutes_identify() refuses it, and with
 * it `minutes sign`, `minutes verify` and `seal`.
 */

/* A party code (1 to 15 of A-Z, 0-9) and a NUL. */
#define MINUTES_PARTY_BYTES 16U

/*
 * minutes_render_internal() - the internal record of party for the
 * meeting of s: minutes_render()'s minutes, and the internal notes of
 * party in s that v reads (decrypted and valid, written by a member of
 * party, "meeting" s->meeting, not late), each placed as a note is.
 * @return as minutes_render(); DT_EINVAL also for a bad party code.
 */
int minutes_render_internal(char **out, size_t *len, const view *v,
    const minutes_scope *s, minutes_format fmt, const char *lang,
    const char *party);

/*
 * minutes_internal_of() - whether text (of len bytes) says it is an
 * internal record: its identification line (Markdown, plain text, HTML)
 * carries "scope=internal-P", or its JSON a top-level "scope"; P, when
 * there is one, into party ("" if not).  For the error a command gives:
 * minutes_identify() refuses such a text in any case.
 * @return 1 or 0.
 */
int minutes_internal_of(char party[MINUTES_PARTY_BYTES], const char *text,
    size_t len);

/* minutes_party_valid() - 1 for a party code: 1 to 15 of A-Z, 0-9. */
int minutes_party_valid(const char *party);

/* minutes_format_name() - "md", "txt", "json", "html"; NULL if unknown. */
const char *minutes_format_name(minutes_format fmt);

/* minutes_format_parse() - the format named "md", "txt", "json" or
 * "html"; else 0. */
minutes_format minutes_format_parse(const char *name);

/* minutes_lang_valid() - 1 for "both" or a tag of 2 to 8 letters a-z. */
int minutes_lang_valid(const char *lang);

/* What a minutes file says it is (its identification). */
typedef struct minutes_id {
	unsigned char dialogue[ENTRY_HASH_BYTES];
	int64_t meeting;
	minutes_format format;
	char lang[MINUTES_LANG_BYTES];
	int draft;
} minutes_id;

/*
 * minutes_identify() - read the identification of a minutes file: the
 * first line of Markdown and plain text, the top-level members of JSON.
 * It is a claim, to be checked by rendering again.
 * @return 0 or DT_EFORMAT.
 */
int minutes_identify(minutes_id *out, const char *text, size_t len)
    __attribute__((warn_unused_result));

/* What a signer says, in the trusted comment of a minutes signature. */
typedef struct minutes_claim {
	minutes_id id; /* draft is always 0 */
	char signer[KEY_NAME_MAX + 1];
	unsigned char sha256[32]; /* of the minutes file */
} minutes_claim;

/*
 * minutes_comment() - the trusted comment
 * "detente minutes dialogue=HEX meeting=N format=F lang=L signer=NAME
 * sha256=HEX" (one line, single spaces).
 * @return 0 or DT_EINVAL (a draft, a bad name, format or lang).
 */
int minutes_comment(char out[MINUTES_COMMENT_BYTES], const minutes_claim *c);

/*
 * minutes_comment_parse() - take a trusted comment apart, strictly (what
 * minutes_comment() writes, and nothing else).
 * @return 0 or DT_EFORMAT.
 */
int minutes_comment_parse(minutes_claim *out, const char *text, size_t len)
    __attribute__((warn_unused_result));

#endif
