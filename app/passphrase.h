/*
 * passphrase.h: reading passphrases (prefix passphrase_).
 *
 * A passphrase comes from, in this order: the file given with
 * --passphrase-file (its first line, without the newline), the file
 * descriptor named by DETENTE_PASSPHRASE_FD (its first line), or the
 * terminal (/dev/tty, without echo: echo is turned off before the prompt
 * is written, and what was typed ahead is kept).  It is never taken from
 * the command line.  It lives in sodium_malloc() memory, NUL-terminated, and is wiped
 * by passphrase_free().
 */
#ifndef DETENTE_PASSPHRASE_H
#define DETENTE_PASSPHRASE_H

#include <stddef.h>
#include <stdio.h>

#define PASSPHRASE_MAX 1024U
/* The fewest characters (not bytes) a new passphrase may have. */
#define PASSPHRASE_MIN_CHARS 8U
/* How often a terminal asks again after a wrong passphrase, in all. */
#define PASSPHRASE_TRIES 3

/*
 * passphrase_read() - read a passphrase.
 * @param[out] out      sodium_malloc'd, NUL-terminated; passphrase_free().
 * @param[out] outlen   its length in bytes.
 * @param[in]  file     --passphrase-file, or NULL.
 * @param[in]  prompt   what the terminal prompt says.
 * @param[in]  confirm  on a terminal, ask twice and compare.
 * @param[in]  err      where to print the one error line on failure.
 * @return 0; DT_ENOENT, DT_EIO (nothing to read from), DT_EINVAL (the
 *         two entries differ, or too long), DT_ENOMEM.  The error line is
 *         already printed.
 */
int passphrase_read(char **out, size_t *outlen, const char *file,
    const char *prompt, int confirm, FILE *err);

/* passphrase_from_fd() - 1 if DETENTE_PASSPHRASE_FD is set. */
int passphrase_from_fd(void);

/*
 * passphrase_chars() - how many characters the len bytes of p hold, as
 * UTF-8 (a Cyrillic letter is one character, two bytes).
 */
size_t passphrase_chars(const char *p, size_t len);

/*
 * passphrase_is_tty() - 1 if passphrase_read() with file would ask on
 * the terminal (no file, no DETENTE_PASSPHRASE_FD): only there is asking
 * again after a wrong passphrase of use.
 */
int passphrase_is_tty(const char *file);

/* passphrase_free() - wipe and free; accepts NULL. */
void passphrase_free(char *p);

#endif
