/*
 * view.h: the record's projection into meetings, agenda and commitments
 * (prefix view_).
 *
 * view_load() walks a record once, in merged order, decrypts what it can
 * and builds a read-only model: the list of entries with their decrypted
 * payloads, the meetings, each meeting's agenda with its current status,
 * the commitments with their status and endorsements (carried across
 * meetings), and every entry's corrections and endorsements.  The command
 * line and the terminal UI both read this one model; nothing here prints,
 * draws or writes.
 *
 * Ownership: a view owns everything it hands out.  Every pointer reached
 * through a view (items, meetings, agenda, commitments, strings, json_t
 * payloads) stays valid until view_free(), and is const: callers must not
 * change or json_decref() anything.  A view does not keep the record: it
 * may outlive it, and it does not see entries appended after view_load()
 * (load a new view for that, or view_refresh() a bounded one).
 */
#ifndef DETENTE_VIEW_H
#define DETENTE_VIEW_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "../crypto/keys.h"
#include "entry.h"
#include "record.h"

#define VIEW_PARTY_BYTES 16U

typedef struct view view;

/* What became of an entry's body. */
typedef enum view_body {
	VIEW_BODY_OK = 0,     /* clear (control) or decrypted, parsed */
	VIEW_BODY_LOCKED = 1, /* content, and the record is locked */
	VIEW_BODY_BAD = 2,    /* did not decrypt (or the bytes are bad) */
	VIEW_BODY_INVALID = 3, /* decrypted, but no payload of its kind */
	VIEW_BODY_REMOVED = 4  /* written after its author's removal: a
	                        * member fault, never opened (faults.h) */
} view_body;

typedef struct view_item view_item;

/*
 * view_item_internal() - 1 for an internal note (flags 0x07: FORMAT.md
 * section 6, "Party keys and internal notes"), whether this reader can
 * read it or not.  No entry's target resolves to one, and the joint
 * minutes leave them out.
 */
int view_item_internal(const view_item *it);

/* One entry of the record, in merged order. */
struct view_item {
	size_t index;                          /* position in merged order */
	unsigned char hash[ENTRY_HASH_BYTES];
	char hex[2 * ENTRY_HASH_BYTES + 1];    /* lower-case hex of hash */
	unsigned char author[KEY_PK_BYTES];
	char author_name[KEY_NAME_MAX + 1];    /* "" for a non-member */
	char party[VIEW_PARTY_BYTES];          /* "" for a non-member */
	int role;                              /* record_role, 0 if none */
	uint64_t seq;
	uint64_t clock;
	uint64_t time_ms;
	unsigned kind;                         /* ENTRY_K_* */
	unsigned flags;
	size_t nrefs;
	size_t len;                            /* bytes of the entry */
	int body;                              /* view_body */
	const json_t *payload;                 /* NULL unless VIEW_BODY_OK */
	int64_t meeting;                       /* payload "meeting", or -1 */

	/* Links, resolved within the view (NULL when absent or unknown). */
	const view_item *target;  /* status, endorsement, correction: target */
	const view_item *item;    /* the agenda entry named by "item" */
	const view_item *const *corrections; /* entries correcting this one */
	size_t ncorrections;
	const view_item *const *endorsements; /* endorsement entries of it */
	size_t nendorsements;
	/* Parties whose head endorsed this entry, in genesis order. */
	const char (*endorsed)[VIEW_PARTY_BYTES];
	size_t nendorsed;
	int agreed;               /* endorsed by the head of every party */
	/*
	 * Late: written into its meeting after its author's own side had
	 * closed it (late.h).  Kept in the list, left out of the meetings,
	 * agenda, commitments and endorsements, and out of the minutes.
	 */
	int late;
};

/* An agenda entry and its status. */
typedef struct view_agenda {
	const view_item *entry;
	int64_t meeting;
	size_t number;            /* 1, 2, ... within its meeting */
	const char *state;        /* latest agenda-status state, or NULL;
	                             a meeting has at most one "current":
	                             a later one sends this back to its
	                             state before it (one_current() in
	                             view_project.c) */
	const view_item *status;  /* that agenda-status entry, or NULL */
} view_agenda;

/*
 * A meeting: its number is its identity.  Every meeting-open of that
 * number opens it (the two sides may open "the next meeting" at once:
 * one meeting, opened by both); each party closes it for its side, and
 * it is closed when every party has (docs/ARCHITECTURE.md, "Meetings
 * across replicas").  Late entries (view_item.late) count for nothing.
 */
typedef struct view_meeting {
	int64_t number;
	const view_item *open;    /* the first meeting-open of this number */
	const view_item *const *opens; /* every meeting-open, merged order */
	size_t nopens;
	/* Per party (view_party() order): its first close, or NULL. */
	const view_item *const *closes;
	/*
	 * When every party has closed it: the latest (merged order) of the
	 * parties' first closes; else NULL.  The minutes are final then.
	 */
	const view_item *close;
	const char *title;        /* from the open payload, or NULL */
	const char *place;
	const char *date;
	const view_agenda *const *agenda; /* this meeting's agenda, in order */
	size_t nagenda;
} view_meeting;

/* A commitment, carried from meeting to meeting until settled. */
typedef struct view_commitment {
	const view_item *entry;   /* endorsements: entry->endorsed */
	const view_item *item;    /* its agenda entry, or NULL */
	int64_t meeting;          /* where it was made */
	const char *party;
	const char *owner;
	const char *due;
	const char *state;        /* latest commitment-status, or NULL */
	const view_item *status;  /* that commitment-status entry, or NULL */
} view_commitment;

/*
 * view_load() - build the projection of r as it is now.
 * Reads every entry in merged order in one read transaction of
 * record_store(r); decrypts content entries with record_key(r), or marks
 * them VIEW_BODY_LOCKED when r is locked.  Author names and parties are
 * copied from r's members, so the view does not depend on r afterwards.
 * @param[out] out  a new view; free with view_free().
 * @return 0, DT_ENOMEM, or an error of the store (DT_ECORRUPT, DT_EIO).
 */
int view_load(view **out, record *r);

/*
 * Bounded views.
 *
 * A record of a million entries cannot be projected whole in the time of
 * one screen.  A bounded view loads two things:
 *  - the entries of the indexed kinds (store_kind_indexed(): control
 *    entries, meetings, attendance, agenda and its status, commitments
 *    and their status, endorsements, corrections), through the store's
 *    kinds index: the structure the panes show and the links point into;
 *  - of the other kinds (notes, statements, proposals, decisions: the
 *    bulk), only the newest count, walking the merged order backwards
 *    from its end, optionally only those attached to one agenda item.
 * Everything at or after the oldest row that walk examined -- the span --
 * is complete: every entry there of an indexed kind, and every entry of
 * the other kinds that passes the filter, is in the view.  Items before
 * the span are indexed kinds only (with view_window.commitments, only a
 * bounded part of the commitments and of what targets entries: a view
 * whose size does not follow the record's).  Items stay in merged order,
 * and every function above works on a bounded view as on a full one
 * (links to entries outside the view are NULL, as for unknown targets).
 */

/* VIEW_KIND() - the bit of an entry kind in view_window.defer. */
#define VIEW_KIND(k) ((uint64_t)1 << ((k) & 63U))

/* What a bounded view loads. */
typedef struct view_window {
	size_t count;        /* at most this many entries of the other kinds */
	const unsigned char *item; /* NULL, or an agenda entry's hash: only
	                            * entries whose "item" is that entry */
	size_t budget;       /* merged-order rows examined at most (0: no
	                      * limit); a walk that runs out stops early */
	uint64_t defer;      /* VIEW_KIND() bits of indexed kinds to load
	                      * only within the span (view_complete() loads
	                      * the rest later); 0: none.  With count 0 the
	                      * span is empty: deferred kinds are left out */
	const unsigned char *also; /* NULL, or an entry's hash: load it, and
	                            * the entry its "target" names, whatever
	                            * their kinds (view_load_window() only) */
	size_t commitments;  /* 0: the structure whole.  Else, before the
	                      * span, only the newest this many commitments,
	                      * and of the commitment statuses, endorsements
	                      * and corrections only those whose target the
	                      * view holds (view_extend_commitments() loads
	                      * older ones): memory bounded by the window,
	                      * not by the record */
} view_window;

/*
 * view_load_window() - a bounded view of r as it is now, in one read
 * transaction.  Entries that reuse (another view of r, or NULL) holds
 * with their bodies are copied from it instead of being decrypted again.
 * @param[out] out  a new view; free with view_free().
 * @return as view_load().
 */
int view_load_window(view **out, record *r, const view_window *w,
    const view *reuse);

/*
 * view_extend() - a new view holding everything v holds and up to more
 * older entries of the other kinds (v's filter and budget), walking back
 * from the start of v's span: what the UI loads when the user scrolls
 * above the oldest entry it has.  v is not changed; the caller frees it
 * once nothing points into it.
 */
int view_extend(view **out, const view *v, record *r, size_t more);

/*
 * view_extend_commitments() - a new view holding everything v holds and
 * up to more commitments older than the oldest v holds (when v was
 * loaded with view_window.commitments), with their statuses,
 * endorsements and corrections.  v is not changed.
 */
int view_extend_commitments(view **out, const view *v, record *r,
    size_t more);

/*
 * view_commitments_older() - 1 if commitments older than those v holds
 * were left out (view_window.commitments).
 */
int view_commitments_older(const view *v);

/*
 * view_complete() - a new view holding everything v holds and the
 * entries of the kinds v deferred (view_window.defer) before its span.
 */
int view_complete(view **out, const view *v, record *r);

/*
 * view_rewindow() - a new view with v's indexed kinds and a window
 * walked afresh for w (another filter, say): nothing v decrypted is
 * decrypted again.  Falls back to view_load_window() (v reused) when v
 * is full or deferred.
 */
int view_rewindow(view **out, const view *v, record *r,
    const view_window *w);

/*
 * view_refresh() - a new view of v's window with what was appended to r
 * since v was loaded (looked up feed by feed from v's heads, so the cost
 * follows what is new, not the record's size).  When much is new, the
 * window is loaded afresh (view_load_window() with v to reuse).
 */
int view_refresh(view **out, const view *v, record *r);

/* view_windowed() - 1 for a bounded view, 0 for view_load()'s. */
int view_windowed(const view *v);

/* view_span() - the index of the span's first item (0 in a full view). */
size_t view_span(const view *v);

/* view_has_older() - 1 if entries older than the span were not looked at. */
int view_has_older(const view *v);

/* view_deferred() - 1 if deferred kinds are missing before the span. */
int view_deferred(const view *v);

/* view_window_items() - items of the unindexed kinds (all, if full). */
size_t view_window_items(const view *v);

/* view_free() - free a view and everything it handed out; accepts NULL. */
void view_free(view *v);

/* view_nitems(), view_item_at() - every entry, in merged order. */
size_t view_nitems(const view *v);
const view_item *view_item_at(const view *v, size_t i);

/* view_find() - the entry with a leaf hash, or NULL. */
const view_item *view_find(const view *v,
    const unsigned char hash[ENTRY_HASH_BYTES]);

/*
 * view_find_prefix() - the one entry whose hash in hex starts with prefix
 * (4 to 64 hex digits, either case).
 * @return 0, DT_EINVAL (not such a prefix), DT_ENOENT, DT_EAMBIG.
 */
int view_find_prefix(const view_item **out, const view *v,
    const char *prefix);

/* view_nmeetings(), view_meeting_at() - meetings, by number ascending. */
size_t view_nmeetings(const view *v);
const view_meeting *view_meeting_at(const view *v, size_t i);

/* view_meeting_find() - the meeting numbered n, or NULL. */
const view_meeting *view_meeting_find(const view *v, int64_t n);

/*
 * view_current_meeting() - the meeting opened last (in merged order), if
 * it is not closed; else NULL.
 */
const view_meeting *view_current_meeting(const view *v);

/*
 * view_current_meeting_for() - the lowest-numbered meeting that party has
 * not closed (whoever opened it); NULL if party has closed every meeting.
 * The meeting party's members write in: a side goes through the meetings
 * in order, and closes one before it writes in, or opens, the next.
 */
const view_meeting *view_current_meeting_for(const view *v,
    const char *party);

/*
 * view_meeting_closed_by() - party's first close of m, or NULL (also for
 * a party the dialogue does not have).
 */
const view_item *view_meeting_closed_by(const view *v, const view_meeting *m,
    const char *party);

/* view_last_meeting() - the highest-numbered meeting, or NULL. */
const view_meeting *view_last_meeting(const view *v);

/*
 * view_current_agenda() - in the current meeting, the agenda item most
 * recently marked "current" that is still "current"; else NULL.
 */
const view_agenda *view_current_agenda(const view *v);

/* view_nagenda(), view_agenda_at() - every agenda item, merged order. */
size_t view_nagenda(const view *v);
const view_agenda *view_agenda_at(const view *v, size_t i);

/* view_agenda_of() - the agenda record of an agenda entry, or NULL. */
const view_agenda *view_agenda_of(const view *v, const view_item *it);

/* view_ncommitments(), view_commitment_at() - every commitment. */
size_t view_ncommitments(const view *v);
const view_commitment *view_commitment_at(const view *v, size_t i);

/* view_commitment_of() - the commitment record of an entry, or NULL. */
const view_commitment *view_commitment_of(const view *v,
    const view_item *it);

/* view_commitment_open() - 1 unless fulfilled or withdrawn. */
int view_commitment_open(const view_commitment *c);

/* view_nparties(), view_party() - the parties, in genesis order. */
size_t view_nparties(const view *v);
const char *view_party(const view *v, size_t i);

/*
 * view_text() - the body of it's "text" in lang (NULL: the authentic
 * one); borrowed from the payload, or NULL for entries without text.
 */
const char *view_text(const view_item *it, const char *lang);

/* view_locked() - 1 if content entries could not be decrypted (no key). */
int view_locked(const view *v);

#endif
