/*
 * fmt.h: how entries look on the command line and in JSON (prefix fmt_).
 *
 * Pure formatting over a const view (storage/view.h); the printing
 * functions write to a FILE the caller gives, so the terminal UI can
 * reuse them with a memory stream.
 */
#ifndef DETENTE_FMT_H
#define DETENTE_FMT_H

#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "../storage/entry.h"
#include "../storage/record.h"
#include "../storage/view.h"

#define FMT_SHORT_BYTES 9U  /* 8 hex digits and a NUL */
#define FMT_TIME_BYTES 96U

/*
 * fmt_cells() - s (text already safe to show: vis_buf()) followed by
 * spaces up to width display cells (vis_width()), into out (outlen
 * bytes; cut at a character boundary when it does not fit), so that a
 * column of names in Cyrillic or any script lines up on a terminal
 * where printf's "%-24s" would count bytes.  Nothing is added to s when
 * it is as wide or wider.  @return out.
 */
const char *fmt_cells(char *out, size_t outlen, const char *s, size_t width);

/*
 * fmt_lang() - the language tag of the messages the reader gets: "ru"
 * under a Russian catalogue (LANG=ru_RU.UTF-8, or LANGUAGE=ru), else
 * "en".  Titles, places, party names and dates shown to people follow
 * it; machine output (--json) never does.
 */
const char *fmt_lang(void);

/*
 * fmt_date() - a date YYYY-MM-DD as the reader writes it ("7 December
 * 2026", "7 декабря 2026 г.": lang_date() in fmt_lang()), into out.
 * Not a date (NULL, or any other string): copied as is (NULL: "").
 * The text is not rendered: pass it through vis_buf() if ymd came from
 * the record and may not be a date.  @return out.
 */
const char *fmt_date(char *out, size_t outlen, const char *ymd);

/*
 * fmt_pick() - the field k ("title", "place") of payload p in the
 * reader's language (lang_pick() with mapk "titles" or "places"),
 * rendered on one line by vis_buf() into out, with " [TAG]" after it
 * when it is in another language than the reader's (a fallback).
 * @return out, or NULL when p has no such field.
 */
const char *fmt_pick(char *out, size_t outlen, const json_t *p,
    const char *k, const char *mapk);

/*
 * fmt_title() - the dialogue's title (record_title_in()) for the
 * reader, with the same mark, rendered into out.  @return out.
 */
const char *fmt_title(char *out, size_t outlen, const record *r);

/* fmt_short() - the short id of an entry: its hash's first 8 hex digits. */
void fmt_short(char out[FMT_SHORT_BYTES],
    const unsigned char hash[ENTRY_HASH_BYTES]);

/* fmt_time_iso() - "2025-06-01T10:02:03.456Z" (UTC). */
void fmt_time_iso(char out[FMT_TIME_BYTES], uint64_t ms);

/*
 * fmt_time() - "2025-06-01 10:02Z" (UTC), for people; after
 * fmt_local_time(1), the local time and its zone, "2025-06-01 13:02 MSK".
 */
void fmt_time(char out[FMT_TIME_BYTES], uint64_t ms);

/*
 * fmt_local_time() - 1: fmt_time() shows local time (`log --local-time`);
 * 0: UTC, the default.  @return the setting before.
 */
int fmt_local_time(int on);

/*
 * fmt_author() - "name (PARTY)", or the first 16 hex digits of the key
 * for an author who is not a member.
 */
void fmt_author(char *out, size_t outlen, const view_item *it);

/*
 * fmt_unreadable() - the placeholder for an entry whose body does not
 * decrypt or is no payload of its kind (a member fault, faults.h):
 * "[unreadable entry by NAME: reason]", malloc'd, or NULL.  Nothing of
 * the body is shown.
 */
char *fmt_unreadable(const view_item *it);

/*
 * fmt_state() - an agenda or commitment state as people read it, in
 * their language ("accepted": «принято»); any other string comes back as
 * it is, for the caller to render as untrusted text.  The record, --json
 * and what a user types (`detente mark ID accepted`) keep the English
 * word.  Static storage; never NULL for a non-NULL state.
 */
const char *fmt_state(const char *state);

/*
 * fmt_summary() - the one-paragraph text of an entry in lang (NULL: the
 * authentic text): its text, or what a structural entry says ("meeting 2
 * opened", "endorses 1a2b3c4d", ...).  malloc'd; the caller frees.
 */
char *fmt_summary(const view *v, const view_item *it, const char *lang);

/*
 * fmt_line() - what the log and the terminal UI's record pane show of an
 * entry: fmt_summary(), except for a checkpoint or a seal, whose signed
 * note is several lines long: one line of what the note says,
 * "checkpoint size=N root=HEX" (the root's first 16 hex digits) or
 * "seal meeting=M minutes=HEX feeds=K signers=NAME,NAME" (the minutes'
 * first 8 hex digits or "-"; the signers as their lines name them, not
 * checked: `detente verify` checks them).  The whole note stays in
 * fmt_summary() (`show`) and in the payload (`log --json`).
 * malloc'd; the caller frees.
 */
char *fmt_line(const view *v, const view_item *it, const char *lang);

/*
 * fmt_item() - print one entry as log lines: time, author, kind, short
 * id; fmt_line() indented on the next line; then its corrections and
 * endorsements, indented.
 */
void fmt_item(FILE *f, const view *v, const view_item *it, const char *lang);

/*
 * fmt_item_json() - an entry as a JSON object: hash, author (hex),
 * author_name, party, seq, clock, time (ISO 8601 UTC), kind, meeting,
 * text (the picked body, or null), payload (the decrypted payload, or
 * null), body ("ok", "locked", "bad"), corrections and endorsements
 * (hashes), endorsed_by (parties).  A new reference, or NULL.
 */
json_t *fmt_item_json(const view *v, const view_item *it, const char *lang);

/*
 * fmt_print_json() - dump a JSON value, indented, with UTF-8 kept as is,
 * and a newline.  @return 0 or -1.
 */
int fmt_print_json(FILE *f, const json_t *j);

#endif
