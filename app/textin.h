/*
 * textin.h: the text of a new entry, from the command line, standard
 * input or an editor (prefix textin_).
 */
#ifndef DETENTE_TEXTIN_H
#define DETENTE_TEXTIN_H

#include <jansson.h>

#include "cli.h"

#define TEXTIN_MAX (256U * 1024U)

/*
 * textin_get() - the text for an entry.  With words in argv, they are
 * the text (joined by spaces), except that a lone "-" means standard
 * input.  Without words: standard input if it is not a terminal, else
 * $VISUAL or $EDITOR (default vi) on a file in a private directory on a
 * tmpfs, which is overwritten with zeros, fsynced and removed on every
 * path, also when SIGINT, SIGTERM or SIGHUP arrives while the editor
 * runs.  Trailing white space is dropped; the text must be non-empty,
 * valid UTF-8 and free of NUL bytes.
 * @param[out] out  malloc'd; the caller frees (after wiping it).
 * @return CLI_OK or an exit code after one error line.
 */
int textin_get(struct cli_ctx *ctx, int argc, char **argv, char **out);

/* textin_lang() - "ru" if text contains Cyrillic letters, else "en". */
const char *textin_lang(const char *text);

/* textin_lang_valid() - 1 for 2 to 8 lower-case ASCII letters. */
int textin_lang_valid(const char *lang);

/* textin_utf8_valid() - 1 if s is valid UTF-8 (no overlongs, no NUL). */
int textin_utf8_valid(const char *s, size_t len);

/*
 * textin_list() - a text list: body as the authentic text in lang (NULL:
 * guessed by textin_lang()), then each "LANG=TEXT" of tr as a
 * translation.  @return a new reference, or NULL if a translation is not
 * of the form LANG=TEXT (*bad names it).
 */
json_t *textin_list(const char *body, const char *lang, char *const *tr,
    size_t ntr, const char **bad);

#endif
