/*
 * filter.h: which entries `log` prints and which commitments
 * `commitments` lists (prefix filter_).
 *
 * The filters are parsed from the command line into a struct here and
 * applied to the items of a const view; the commands print what passes
 * with their own printers, so that what is shown and how it is shown stay
 * in separate places.  Text filters (--grep, --owner) compare as the
 * terminal UI's search does (search.h): ignoring case, Cyrillic
 * included.  Times are UTC.
 */
#ifndef DETENTE_FILTER_H
#define DETENTE_FILTER_H

#include <stddef.h>
#include <stdint.h>
#include <wchar.h>

#include "../storage/record.h"
#include "../storage/view.h"

/* What `log` shows: every field 0 or NULL lets everything through. */
struct filter_log {
	int64_t meeting; /* only this meeting's entries; 0: any */
	const char *author; /* a member's name, or a key's hex prefix */
	const char *party; /* a party of the dialogue (any case) */
	uint64_t kinds; /* VIEW_KIND() bits; 0: every kind */
	int has_since, has_until;
	uint64_t since_ms; /* at or after (UTC, ms) */
	uint64_t until_ms; /* at or before */
	wchar_t *grep; /* malloc'd by filter_log_grep(); NULL: none */
	size_t last; /* only the last N that pass; 0: all */
};

/* filter_log_init(), filter_log_done() - empty; free what it holds. */
void filter_log_init(struct filter_log *f);
void filter_log_done(struct filter_log *f);

/* filter_log_active() - 1 if any filter is set. */
int filter_log_active(const struct filter_log *f);

/*
 * filter_kinds() - add to *bits the kinds of list, names as the log
 * prints them ("note", "agenda-status", ...) separated by commas.
 * @return 0, or -1 for an empty or unknown name (*bits unchanged).
 */
int filter_kinds(uint64_t *bits, const char *list);

/*
 * filter_time() - a time bound from "YYYY-MM-DD" or an ISO 8601 time
 * "YYYY-MM-DDTHH:MM[:SS[.mmm]][Z]" (a space may stand for the T), UTC.
 * A bound covers its whole precision: with until, the last millisecond
 * of the day, minute or second it names; else the first.
 * @return 0 or -1 (not such a time).
 */
int filter_time(uint64_t *ms, const char *s, int until);

/*
 * filter_log_grep() - search for text (UTF-8, not empty) as the UI does.
 * @return 0, or -1 (empty, or out of memory).
 */
int filter_log_grep(struct filter_log *f, const char *text);

/*
 * filter_party() - the dialogue's spelling of party p, compared ignoring
 * ASCII case, or NULL when the dialogue has no such party.
 */
const char *filter_party(const view *v, const char *p);

/*
 * filter_author_known() - 1 if a names a member of r, or is a hex prefix
 * of a key (4 digits or more), which --author accepts; 0 if not.
 */
int filter_author_known(const record *r, const char *a);

/*
 * filter_log_match() - 1 if it passes every filter of f but last (which
 * the caller applies to what passes).  f->party must be filter_party()'s.
 */
int filter_log_match(const struct filter_log *f, const view *v,
    const view_item *it);

/* What `commitments` lists: every field 0 or NULL lets everything by. */
struct filter_commit {
	int open; /* neither fulfilled nor withdrawn */
	int overdue; /* due before today (local) and open */
	const char *party; /* filter_party()'s spelling */
	wchar_t *owner; /* malloc'd: owner contains it, any case */
	char today[11]; /* YYYY-MM-DD, for overdue */
};

/* filter_commit_init(), filter_commit_done() - as for filter_log. */
void filter_commit_init(struct filter_commit *f);
void filter_commit_done(struct filter_commit *f);

/* filter_commit_owner() - set owner (not empty).  @return 0 or -1. */
int filter_commit_owner(struct filter_commit *f, const char *text);

/* filter_commit_match() - 1 if c passes f. */
int filter_commit_match(const struct filter_commit *f,
    const view_commitment *c);

/*
 * filter_commit_sorted() - the commitments of v that pass f, by due date
 * (earliest first; any without a valid date last, which the payload
 * rules do not let a record hold, so only defensively), in merged order
 * where the dates are equal.  @param[out] out  a malloc'd array
 * of *n borrowed pointers (NULL when none pass); the caller frees it.
 * @return 0 or -1 (out of memory).
 */
int filter_commit_sorted(const view_commitment ***out, size_t *n, const view *v,
    const struct filter_commit *f);

#endif
