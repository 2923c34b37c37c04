/*
 * minutes_internal.h: what an internal record adds to the minutes
 * (prefix minutes_), inside storage/ only.
 *
 * An internal record (minutes_render_internal(), docs/FORMAT.md section
 * 13, "Internal records") is the model of the minutes with the reader's
 * party's internal notes among its records, a top-level "scope"
 * ("internal-RU") and "_internal" (the notice), and no verify commands.
 * The printers ask minutes_model_party() whether a model is one and then
 * write, from here, the scope field of the identification line, the
 * notice at the top and the section that replaces "How to verify".
 */
#ifndef DETENTE_MINUTES_INTERNAL_H
#define DETENTE_MINUTES_INTERNAL_H

#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

/* included by printers that name a function "record": no record.h */
struct view_item;

/* The formats, as minutes_format numbers them (minutes.h). */
#define MINUTES_IN_MD 1
#define MINUTES_IN_TXT 2
#define MINUTES_IN_HTML 4

/* The value of "scope" is this, then the party code. */
#define MINUTES_SCOPE_INTERNAL "internal-"

/*
 * minutes_internal_own() - 1 if it is an internal note of party that the
 * view reads (decrypted, a valid note payload).
 */
int minutes_internal_own(const struct view_item *it, const char *party);

/*
 * minutes_internal_notice() - the notice of an internal record of party
 * for meeting, in the frame fr (minutes_lang.h), as a JSON string: each
 * half of the frame a line.  NULL when out of memory.
 */
json_t *minutes_internal_notice(int fr, const char *party, int64_t meeting);

/* minutes_model_party() - the party of an internal record's model m, or
 * NULL for the joint minutes. */
const char *minutes_model_party(const json_t *m);

/* minutes_id_scope() - " scope=internal-P" for an internal record's
 * identification line; nothing for the joint minutes. */
void minutes_id_scope(FILE *f, const json_t *m);

/*
 * minutes_internal_banner() - the notice at the top of an internal record
 * in format fmt (MINUTES_IN_MD, MINUTES_IN_TXT, MINUTES_IN_HTML); nothing for the
 * joint minutes.
 */
void minutes_internal_banner(FILE *f, const json_t *m, int fmt);

/*
 * minutes_internal_tail() - what an internal record says instead of how
 * to verify it: that it is not signed, sealed or verified.
 */
void minutes_internal_tail(FILE *f, const json_t *m, int fmt);

#endif
