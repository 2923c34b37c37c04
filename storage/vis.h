/*
 * vis.h: untrusted text made safe to show (prefix vis_), after OpenBSD's
 * vis(3).
 *
 * Every string from an entry, a bundle or a file reaches a terminal, a
 * text file or JSON only through this module.  One rule decides which
 * characters are unsafe (vis_cp_unsafe()); the terminal UI, the minutes
 * and every command use it.
 *
 * Unsafe: C0 controls (U+0000 to U+001F; a caller may keep "\n"), DEL
 * and the C1 controls (U+007F to U+009F), the bidirectional marks,
 * embeddings, overrides and isolates (U+061C, U+200E, U+200F, U+202A to
 * U+202E, U+2066 to U+2069), the line and paragraph separators (U+2028,
 * U+2029), and every byte that does not begin a well-formed UTF-8
 * character (stray continuation bytes, overlong forms, surrogates,
 * anything above U+10FFFF, a truncated sequence).
 *
 * For a terminal or a text file, each unsafe character (each bad byte)
 * becomes U+FFFD and a tab becomes a space: lossy, but visible, and no
 * byte of it can move the cursor, change the terminal's state or
 * reorder what is shown.  In JSON nothing is lost: an unsafe character
 * becomes its \uXXXX escape, so the document stays valid and a reader
 * gets back the same string.
 */
#ifndef DETENTE_VIS_H
#define DETENTE_VIS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Flags of vis_clean(), vis_put() and vis_buf(). */
#define VIS_NL 0x1U /* keep "\n" (a text of several lines) */

/* The replacement character, U+FFFD, in UTF-8. */
#define VIS_REPLACEMENT "\xef\xbf\xbd"

/* vis_cp_unsafe() - 1 if code point c is unsafe to show (see above). */
int vis_cp_unsafe(uint32_t c);

/*
 * vis_char() - at p (NUL-terminated, *p != '\0'), the length in bytes
 * of the character there (1 for a byte that does not begin a
 * well-formed UTF-8 character), and in *unsafe whether it is unsafe
 * ("\n" and "\t" are).  For walks that render text their own way.
 */
size_t vis_char(const char *p, int *unsafe);

/*
 * vis_clean() - s made safe to show: every unsafe character U+FFFD, a
 * tab a space, "\n" kept with VIS_NL (else U+FFFD).  NULL s is "".
 * @return malloc'd (the caller frees), or NULL when out of memory.
 */
char *vis_clean(const char *s, unsigned flags);

/* vis_put() - fputs(vis_clean(s, flags), f), without the copy. */
void vis_put(FILE *f, const char *s, unsigned flags);

/* vis_nput() - vis_put() of the n bytes at s (a NUL among them: bad). */
void vis_nput(FILE *f, const char *s, size_t n, unsigned flags);

/*
 * vis_buf() - vis_clean(s, flags) into out (outlen bytes, at least 4),
 * cut at a character boundary with "..." when it does not fit, so that
 * a field has a bounded length wherever it is shown.  @return out.
 */
const char *vis_buf(char *out, size_t outlen, const char *s, unsigned flags);

/* vis_nbuf() - vis_buf() of the first n bytes of s (up to a NUL). */
const char *vis_nbuf(char *out, size_t outlen, const char *s, size_t n);

/*
 * vis_json() - a JSON text with each unsafe character that is not
 * already escaped (DEL, C1, bidirectional controls, U+2028, U+2029)
 * written as its \uXXXX escape, and each byte that does not begin a
 * well-formed UTF-8 character as \ufffd.  Outside strings JSON is ASCII
 * without controls, so only strings change, and only in form.
 * *buf is malloc'd text of *len bytes (a NUL after them); it is
 * replaced (the old one freed) only when something changes.
 * @return 0, or DT_ENOMEM (*buf left as it was).
 */
int vis_json(char **buf, size_t *len);

/*
 * vis_width() - the display width of s in terminal cells, for text made
 * safe by this module (vis_buf()): wcwidth() of each character under
 * the current locale, a character it does not know (or any, in a locale
 * that is not UTF-8) one cell, a byte that does not begin a well-formed
 * character one cell (U+FFFD replaces it when shown).  NULL s is 0.
 */
size_t vis_width(const char *s);

/*
 * vis_field_check() - 0 if s can be a one-line field that names
 * something (a title, a place, an owner): 1 to max bytes of well-formed
 * UTF-8 with no unsafe character, no "\n" and no tab; DT_ERANGE when
 * empty or longer than max, DT_EFORMAT otherwise.
 */
int vis_field_check(const char *s, size_t max);

#endif
