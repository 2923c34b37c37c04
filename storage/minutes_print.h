/*
 * minutes_print.h: what the printers of the minutes share (prefix
 * minutes_), inside storage/ only.
 *
 * storage/minutes_model.c builds the minutes of a meeting as one JSON
 * model (the fields docs/FORMAT.md lists for the JSON form) and
 * minutes.c prints it in the format asked for; each printer reads the
 * model alone, so that no format can say what the others do not: JSON in
 * minutes_json.c (the model as jansson dumps it), Markdown in
 * minutes_md.c, plain text in minutes_txt.c, printable HTML in
 * minutes_html.c, and what they share in minutes_print.c.  Nothing here
 * allocates what it does not free.
 */
#ifndef DETENTE_MINUTES_PRINT_H
#define DETENTE_MINUTES_PRINT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#define MINUTES_MAGIC "detente-minutes"
#define MINUTES_VERSION 1
/* The name a minutes file is given in the verification commands. */
#define FILE_STEM "minutes-"

/* gs(), gsn() - the string o[k] of the model: "" or NULL if none. */
static inline const char *
gs(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s != NULL ? s : "";
}

static inline const char *
gsn(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* gs_or() - o's string k, or none (what the minutes write) if absent:
 * a commitment may have no owner and no due date (FORMAT.md). */
static inline const char *
gs_or(const json_t *o, const char *k, const char *none)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s != NULL ? s : none;
}

/*
 * A piece of the agenda's part of the minutes: an agenda item's head
 * (its text and corrections), one of its records, the heading of the
 * records under no item, or one of those.  The pieces are rendered in
 * two halves (halves_run()); in JSON, the records of the second half are
 * written on a second thread (dump_json()).
 */
struct minutes_unit {
	const json_t *item; /* the agenda item; NULL: none */
	json_t *records; /* NULL: the head; else the list */
	size_t at; /* the record's place in records */
	int frame; /* MINUTES_FRAME_* of minutes_lang.h */
};

/* What a printer writes for one piece. */
typedef void minutes_unit_fn(FILE *f, const struct minutes_unit *u,
    const json_t *parties);

/*
 * minutes_render_units() - the pieces u[0..n) into f, each by fn: with
 * two (and enough pieces), the second half on a second thread, into a
 * stream of its own, copied in after the first (minutes_units.c).
 * @return 0 or -1 (out of memory).
 */
int minutes_render_units(FILE *f, const struct minutes_unit *u, size_t n,
    const json_t *parties, minutes_unit_fn *fn, int two);

/*
 * minutes_print_md(), minutes_print_txt() - the model m as Markdown
 * (minutes_md.c) or plain text (minutes_txt.c); u[0..n) are its pieces
 * (minutes_units_of() in minutes_units.c), two as for
 * minutes_render_units().
 * @return 0 or -1 (out of memory).
 */
int minutes_print_md(FILE *f, const json_t *m, const struct minutes_unit *u,
    size_t n, int two);
int minutes_print_txt(FILE *f, const json_t *m, const struct minutes_unit *u,
    size_t n, int two);

/* minutes_short_time() - "YYYY-MM-DD HH:MMZ" from a model's ISO time. */
void minutes_short_time(char out[48], const char *iso);


/* minutes_kind_label() - "Note", "Statement of RU", ... of a record. */
void minutes_kind_label(char *out, size_t outlen, int fr, const json_t *r);

/*
 * minutes_clean() - s made safe to show: C0 and C1 controls (but "\n"),
 * DEL and the bidirectional controls as U+FFFD, a tab as a space; for
 * Markdown (md), markup punctuation escaped and "\n" as "<br>".
 * malloc'd, or NULL.  minutes_cprint() writes the same bytes to f.
 */
char *minutes_clean(const char *s, int md);
void minutes_cprint(FILE *f, const char *s, int md);

/* minutes_byline() - "by NAME (PARTY), YYYY-MM-DD HH:MMZ, entry 1a2b3c4d". */
void minutes_byline(FILE *f, int fr, const json_t *r, int md);

/*
 * minutes_endorsement_line() - who endorsed r and whether it is agreed;
 * nothing when nobody did, unless always.
 */
void minutes_endorsement_line(FILE *f, int fr, const json_t *r,
    const json_t *parties, int md, int always);

/* minutes_version_label() - "en, authentic". */
void minutes_version_label(FILE *f, int fr, const json_t *t);

/*
 * minutes_print_html() - the model m as one self-contained HTML document
 * for print (docs/FORMAT.md, "Printable HTML").  @return 0, or -1 when
 * the model lacks a member every model has.
 */
int minutes_print_html(FILE *f, const json_t *m);

#endif
