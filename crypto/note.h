/*
 * note.h: C2SP signed notes with Ed25519 signatures, and C2SP
 * tlog-checkpoint texts (prefix note_).
 *
 * A signed note (https://c2sp.org/signed-note) is
 *   text || "\n" || one or more signature lines
 * where the text is non-empty UTF-8 ending in "\n", with no control
 * character but "\n", and each signature line is
 *   U+2014 (em dash) " " name " " base64(key id (4, big-endian) || sig) "\n".
 * An Ed25519 (type 0x01) signature signs the text bytes alone; the key id is
 * key_c2sp_keyid(name, pk).  detente's checkpoints and seals are such notes.
 *
 * Notes are byte strings with explicit lengths; nothing here needs them to
 * be NUL-terminated, and every note the functions below allocate is
 * NUL-terminated for convenience (the NUL is not counted).
 */
#ifndef DETENTE_NOTE_H
#define DETENTE_NOTE_H

#include <stddef.h>
#include <stdint.h>

#include "keys.h"

/* At most this many signature lines (Go's sumdb/note has the same cap). */
#define NOTE_SIGS_MAX 100U
/* At most this many bytes in a whole note (text and signatures). */
#define NOTE_MAX_BYTES (1024U * 1024U)
/* At most this many bytes of decoded signature (4-byte key id included). */
#define NOTE_SIG_MAX_BYTES 8192U
/* Longest key name note_sign() writes (names it reads may be longer). */
#define NOTE_NAME_MAX 255U
/* At most this many verifiers in one note_verify() call (a 64-bit mask). */
#define NOTE_VERIFIERS_MAX 64U
/* Root line: base64 of 32 bytes. */
#define NOTE_ROOT_B64_LEN 44U
/* "detente/" 64 hex "/" 64 hex, plus NUL. */
#define NOTE_ORIGIN_BYTES (8U + 64U + 1U + 64U + 1U)

/*
 * One signature line of a parsed note.  name and b64 point into the note
 * that note_open() was given and are valid as long as it is; they are not
 * NUL-terminated.
 */
typedef struct note_sig {
	const char *line; /* the whole line, from the em dash ... */
	size_t linelen; /* ... to its "\n", included */
	const char *name;
	size_t namelen;
	uint32_t keyid; /* first 4 bytes of the signature, big-endian */
	const char *b64; /* base64(keyid || signature) */
	size_t b64len;
	size_t siglen; /* decoded length, key id excluded (64: Ed25519) */
} note_sig;

/* A key a note may be signed with: a name and an Ed25519 public key. */
typedef struct note_verifier {
	const char *name; /* NUL-terminated */
	unsigned char pk[KEY_PK_BYTES];
} note_verifier;

/*
 * note_name_valid() - 1 if name (len bytes) can be a key name: non-empty
 * well-formed UTF-8 with no Unicode white space, no '+', and no control
 * character (C0, DEL, C1); else 0.  (C2SP requires the first three; the
 * last is detente's, as for identity names.)  No length limit here.
 */
int note_name_valid(const char *name, size_t len);

/*
 * note_text_valid() - 1 if text (len bytes) can be a note's text:
 * non-empty, ends in "\n", well-formed UTF-8, no control character below
 * U+0020 other than "\n"; else 0.
 */
int note_text_valid(const char *text, size_t len);

/*
 * note_sign() - a new note: text followed by one signature by id under
 * the key name `name` (which need not be id->name: a checkpoint's key name
 * is its origin).
 * @param[out] out     a new malloc'd note, NUL-terminated; free() it.
 * @param[out] outlen  its length, the NUL not counted.
 * @return 0, DT_EINVAL (text not valid, bad name, NULL), DT_ERANGE (over
 *         NOTE_MAX_BYTES), DT_ENOMEM.
 */
int note_sign(char **out, size_t *outlen, const char *text, size_t textlen,
    const key_identity *id, const char *name);

/*
 * note_cosign() - add a signature by id under `name` to an existing note,
 * as a new last line; the existing lines are kept byte for byte.
 * The note must parse (note_open()); its signatures are not verified here.
 * @return 0, DT_EFORMAT/DT_ERANGE (from note_open()), DT_EEXIST (the note
 *         already has a line for this name and key id), DT_EINVAL,
 *         DT_ENOMEM.
 */
int note_cosign(char **out, size_t *outlen, const char *note, size_t notelen,
    const key_identity *id, const char *name);

/*
 * note_open() - split a note into its text and signature lines, strictly:
 * the whole note is valid UTF-8 with no control character but "\n"; the
 * text ends at the last blank line; every line after it is a well-formed
 * signature line (valid key name, strict padded base64 of 5 to
 * NOTE_SIG_MAX_BYTES bytes); no two lines are equal or share name and key
 * id; at most NOTE_SIGS_MAX lines.  Nothing is verified.
 * @param[out] text     points into note; textlen bytes, "\n" included.
 * @param[out] sigs     room for NOTE_SIGS_MAX; *nsigs are filled in order.
 * @return 0, DT_EFORMAT (malformed), DT_ERANGE (too many signatures, or
 *         note over NOTE_MAX_BYTES).
 */
int note_open(const char **text, size_t *textlen, note_sig *sigs, size_t *nsigs,
    const char *note, size_t len) __attribute__((warn_unused_result));

/*
 * note_verify() - open the note and check it against known keys.
 * A signature line whose name and key id match no verifier is ignored, as
 * the spec requires.  One whose name and key id match a verifier must be a
 * valid Ed25519 signature of the text by that key, else the whole note is
 * rejected.
 * @param[out] mask  bit i set if verifiers[i] signed the note (may be NULL).
 * @return 0 if at least one verifier signed and every known signature is
 *         valid; DT_ESIG if a known signature is bad or none is present;
 *         DT_EFORMAT, DT_ERANGE (from note_open(), or more than
 *         NOTE_VERIFIERS_MAX verifiers); DT_EINVAL (two verifiers with the
 *         same name and key id but different keys, a bad verifier name).
 *         *mask is 0 unless 0 is returned.
 */
int note_verify(const char *note, size_t len, const note_verifier *verifiers,
    size_t nverifiers, uint64_t *mask) __attribute__((warn_unused_result));

/*
 * A checkpoint's note text (https://c2sp.org/tlog-checkpoint):
 *   origin "\n" decimal size "\n" base64(root) "\n" [extension lines]
 */
typedef struct note_checkpoint {
	const char *origin; /* points into the text; not NUL-terminated */
	size_t originlen;
	uint64_t size;
	unsigned char root[32];
	const char *ext; /* extension lines, each ending "\n", or NULL */
	size_t extlen; /* 0 if none */
} note_checkpoint;

/*
 * note_checkpoint_text() - write "origin\nsize\nbase64(root)\n" (no
 * extension lines) into out, NUL-terminated.
 * @param[in] origin  a valid key name (note_name_valid()), since the key
 *                    name of a checkpoint's signature equals its origin.
 * @return 0, DT_EINVAL (bad origin), DT_ERANGE (outlen too small).
 */
int note_checkpoint_text(char *out, size_t outlen, const char *origin,
    uint64_t size, const unsigned char root[32]);

/*
 * note_checkpoint_parse() - read a checkpoint text, strictly: at least
 * three lines; a non-empty origin; the size in decimal with no sign and no
 * leading zero ("0" for the empty tree), at most 2^64 - 1; the root as 44
 * characters of padded base64 of exactly 32 bytes; then any number of
 * non-empty extension lines, returned in cp->ext.  The text must be
 * note_text_valid().
 * @return 0 or DT_EFORMAT.
 */
int note_checkpoint_parse(note_checkpoint *cp, const char *text, size_t textlen)
    __attribute__((warn_unused_result));

/*
 * note_checkpoint_origin() - detente's origin (and key name) for a feed:
 * "detente/" hex(dialogue id) "/" hex(author public key).
 */
void note_checkpoint_origin(char out[NOTE_ORIGIN_BYTES],
    const unsigned char dialogue[32], const unsigned char author[KEY_PK_BYTES]);

#endif
