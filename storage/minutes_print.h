/*
 * minutes_print.h: what the printers of the minutes share (prefix
 * minutes_), inside storage/ only.
 *
 * storage/minutes.c builds the minutes of a meeting as one JSON model
 * (the fields docs/FORMAT.md lists for the JSON form) and prints it in
 * the format asked for; each printer reads the model alone, so that no
 * format can say what the others do not.  minutes_html.c prints the
 * printable HTML form.  Nothing here allocates what it does not free.
 */
#ifndef DETENTE_MINUTES_PRINT_H
#define DETENTE_MINUTES_PRINT_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#define MINUTES_MAGIC "detente-minutes"
#define MINUTES_VERSION 1
/* The name a minutes file is given in the verification commands. */
#define FILE_STEM "minutes-"

/* minutes_short_time() - "YYYY-MM-DD HH:MMZ" from a model's ISO time. */
void minutes_short_time(char out[48], const char *iso);

/*
 * minutes_unsafe_len() - at p (not "\n" or "\t"), the length of a
 * character no printer writes as it is (C0 or C1 control, DEL, a Unicode
 * bidirectional control): every printer shows it as U+FFFD.  0 for any
 * other character.  p is NUL-terminated.
 */
size_t minutes_unsafe_len(const unsigned char *p);

/* minutes_kind_label() - "Note", "Statement of RU", ... of a record. */
void minutes_kind_label(char *out, size_t outlen, const json_t *r);

/*
 * minutes_print_html() - the model m as one self-contained HTML document
 * for print (docs/FORMAT.md, "Printable HTML").  @return 0, or -1 when
 * the model lacks a member every model has.
 */
int minutes_print_html(FILE *f, const json_t *m);

#endif
