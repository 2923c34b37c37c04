/*
 * lang.h: what a person reads differently in each language (prefix
 * lang_): a title or a place given in several languages, a party's
 * name, a date.  Used by the minutes' frame (chosen by --lang) and by
 * app/ (chosen by the reader's locale); the record keeps the codes and
 * the ISO dates, which never change with the language.
 *
 * A genesis' and a meeting-open's "title", and a meeting-open's
 * "place", are strings as typed; the optional members "titles" and
 * "places" (docs/FORMAT.md, section 5) are objects from a language tag
 * to the same field in that language: {"en": "...", "ru": "..."}.
 */
#ifndef DETENTE_LANG_H
#define DETENTE_LANG_H

#include <stddef.h>

#include <jansson.h>

/* Long enough for any date lang_date() writes, with its NUL. */
#define LANG_DATE_BYTES 48U

/* lang_tag_valid() - 1 for a language tag: 2 to 8 letters a-z. */
int lang_tag_valid(const char *tag);

/*
 * lang_map_valid() - 1 if v is absent (NULL) or an object whose every
 * key is a language tag and every value a string (the reader's rule
 * for "titles" and "places").
 */
int lang_map_valid(const json_t *v);

/*
 * lang_map_check() - the writer's rule (vis_field_check() with max) on
 * every value of the map v (absent: 0); an empty object is refused.
 * @return 0, DT_ERANGE or DT_EFORMAT.
 */
int lang_map_check(const json_t *v, size_t max);

/*
 * lang_pick() - the field k of payload p ("title", "place") for a
 * reader of language lang: the map's ("titles", "places": mapk) text in
 * lang if it has one; else the text as typed (k); else the map's first
 * text (its keys sorted).  *tag (may be NULL) is set to NULL when the
 * text is in lang or its language is not known (as typed, with no
 * map), else to the tag of the language it is in: the caller marks it.
 * @return a string of p (valid while p is), or NULL when there is none.
 */
const char *lang_pick(const json_t *p, const char *k, const char *mapk,
    const char *lang, const char **tag);

/*
 * lang_party() - the name of party code in lang: "Russian Federation",
 * «Российская Федерация» for "ru"; NULL when the table has none (then
 * the code is shown).  The record keeps the code.
 */
const char *lang_party(const char *code, const char *lang);

/*
 * lang_date() - the date ymd (YYYY-MM-DD) as a person of lang writes
 * it, into out (outlen bytes): "7 декабря 2026 г." for "ru", "7 December
 * 2026" for any other.  A string that is not a date is copied as is.
 * @return out.
 */
const char *lang_date(char *out, size_t outlen, const char *ymd,
    const char *lang);

#endif
