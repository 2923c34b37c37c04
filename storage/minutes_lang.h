/*
 * minutes_lang.h: the words of the minutes' frame in each language
 * (prefix minutes_), inside storage/ only.
 *
 * The frame of the minutes (headings, labels, the sentences around the
 * record's texts) is part of the rendering that both sides must agree
 * on byte for byte, so it is chosen by the minutes' --lang, never by the
 * reader's locale: it does not go through gettext.  One table in
 * minutes_lang.c gives, for each English frame string (its id), the
 * Russian one.  "ru" renders the Russian frame, "both" the English and
 * the Russian side by side ("Minutes / Протокол"), any other language
 * the English frame.  docs/FORMAT.md (section 13) lists the table.
 */
#ifndef DETENTE_MINUTES_LANG_H
#define DETENTE_MINUTES_LANG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

/* The frame of a rendering. */
#define MINUTES_FRAME_EN 0
#define MINUTES_FRAME_RU 1
#define MINUTES_FRAME_BOTH 2

/* Between the two languages of a label in the "both" frame. */
#define MINUTES_PAIR " / "

/* minutes_frame_of() - the frame of the minutes in lang ("ru", "both"). */
int minutes_frame_of(const char *lang);

/*
 * minutes_text_frame() - the frame of the label of a text in lang: in
 * the "both" frame, Russian for a Russian text and English for any
 * other; else fr.
 */
int minutes_text_frame(int fr, const char *lang);

/*
 * minutes_ru() - the Russian of the English frame string en, or NULL
 * when the table has none (en is then shown in every frame).
 */
const char *minutes_ru(const char *en);

/*
 * minutes_lsep() - the frame string en, a printf format, with its
 * arguments into f: English, Russian (the same arguments in the same
 * order), or in the "both" frame the English, sep, then the Russian.
 * minutes_l() is minutes_lsep() with sep MINUTES_PAIR (a label);
 * minutes_lsn() writes into out (outlen bytes) instead.
 */
void minutes_lsep(FILE *f, int fr, const char *sep, const char *en, ...)
    __attribute__((format(printf, 4, 5)));
void minutes_l(FILE *f, int fr, const char *en, ...)
    __attribute__((format(printf, 3, 4)));
void minutes_lsn(char *out, size_t outlen, int fr, const char *en, ...)
    __attribute__((format(printf, 4, 5)));

/* minutes_lput() - the frame string en (no format) as minutes_l(). */
void minutes_lput(FILE *f, int fr, const char *en);

/* minutes_lstr() - the frame string en (no format) into out. */
void minutes_lstr(char *out, size_t outlen, int fr, const char *en);

/* minutes_value() - a value of the model (a status, a role) in the
 * frame: the table's word for it, or the value itself. */
void minutes_value(FILE *f, int fr, const char *v);

/*
 * minutes_named() - the model m's field k ("title", "meeting_title",
 * "place") in the frame, from k as typed and the map mapk ("titles",
 * "meeting_titles", "places"; lang_pick()): the English one, the
 * Russian one, or in the "both" frame the English, MINUTES_PAIR, then
 * the Russian, or only one of them when they are the same text.
 * Not rendered: the caller prints it as untrusted text.
 * @return a malloc'd string, or NULL when m has no such field.
 */
char *minutes_named(const json_t *m, int fr, const char *k,
    const char *mapk);

/*
 * minutes_date() - a date YYYY-MM-DD in the frame (lang_date()):
 * "7 December 2026", "7 декабря 2026 г.", or both with MINUTES_PAIR,
 * into out (outlen bytes, MINUTES_DATE_BYTES is enough).  @return out.
 */
#define MINUTES_DATE_BYTES 112U
const char *minutes_date(char *out, size_t outlen, int fr,
    const char *ymd);

/*
 * minutes_half() - the frame of half h (0 English, 1 Russian) of the
 * frame fr, or -1 when fr has no such half: a line that is written
 * whole in each language ("both") is written once per half.
 */
int minutes_half(int fr, int h);

/*
 * minutes_l1() - the frame string en, a printf format with one %s, as
 * minutes_l(), but with the argument a_en in the English half and a_ru
 * in the Russian (a date, "no date"), so that each half is all in one
 * language.
 */
void minutes_l1(FILE *f, int fr, const char *en, const char *a_en,
    const char *a_ru);

/*
 * minutes_due() - the due date of commitment c (its "due", or "no
 * date") in English into en and in Russian into ru, each
 * MINUTES_DATE_BYTES long, for minutes_l1().
 */
void minutes_due(const json_t *c, char *en, char *ru);

/*
 * minutes_party() - a party of the model as "NAME (CODE)" in the frame
 * ("Russian Federation / Российская Федерация (RU)" in "both"), or the
 * code alone when lang.c has no name for it.  Codes are checked by
 * payload_check() (A-Z, 0-9), so they are printed as they are.
 */
void minutes_party(FILE *f, int fr, const char *code);

/* minutes_label_count(), minutes_label_at() - the table, for tests. */
size_t minutes_label_count(void);
void minutes_label_at(size_t i, const char **en, const char **ru);

#endif
