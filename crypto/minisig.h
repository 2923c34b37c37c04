/*
 * minisig.h: minisign signature files, prehashed ("ED") (prefix minisig_).
 *
 * A minisign signature file is four lines, each ending with "\n":
 *
 *   "untrusted comment: " TEXT
 *   base64("ED" || keyid (8) || Ed25519 signature (64) of BLAKE2b-512(file))
 *   "trusted comment: " TEXT
 *   base64(Ed25519 signature (64) of signature (64) || trusted comment)
 *
 * exactly as jedisct1/minisign writes it (src/minisign.c, sign() with
 * hashing), so that `minisign -Vm FILE -P KEY` verifies what detente signs
 * and detente verifies what minisign signs.  The key id is the one of the
 * minisign public key: key_minisign_keyid() for detente's own keys, a
 * random one for keys minisign made.  docs/FORMAT.md ("Minutes and
 * minisign signatures") is normative.
 *
 * Only the prehashed algorithm "ED" is signed and verified; a legacy
 * "Ed" signature (over the file itself) parses but does not verify here.
 */
#ifndef DETENTE_MINISIG_H
#define DETENTE_MINISIG_H

#include <stddef.h>

#include "keys.h"

#define MINISIG_HASH_BYTES 64U /* BLAKE2b-512 of the signed file */
#define MINISIG_KEYID_BYTES 8U
/*
 * The longest comments minisign reads back whole: it reads the untrusted
 * line into 1024 bytes and the trusted one into 8192, prefix, "\n" and
 * NUL included.
 */
#define MINISIG_UNTRUSTED_MAX 1003U
#define MINISIG_TRUSTED_MAX 8173U
/* The longest signature file: both comments at their longest. */
#define MINISIG_FILE_MAX                                                       \
	(19U + MINISIG_UNTRUSTED_MAX + 1U + 100U + 1U + 17U +                  \
	    MINISIG_TRUSTED_MAX + 1U + 88U + 1U)

/*
 * A parsed signature file.  untrusted and trusted point into the text it
 * was parsed from (not NUL-terminated): valid only as long as that text.
 */
typedef struct minisig {
	int prehashed; /* 1: "ED"; 0: legacy "Ed" */
	unsigned char keyid[MINISIG_KEYID_BYTES];
	unsigned char sig[KEY_SIG_BYTES]; /* of the file's hash */
	unsigned char global_sig[KEY_SIG_BYTES]; /* of sig || trusted */
	const char *untrusted;
	size_t untrusted_len;
	const char *trusted;
	size_t trusted_len;
} minisig;

/* minisig_hash() - BLAKE2b-512 of len bytes, unkeyed. */
void minisig_hash(unsigned char out[MINISIG_HASH_BYTES],
    const unsigned char *msg, size_t len);

/*
 * minisig_hash_file() - BLAKE2b-512 of a file's bytes, read in chunks, as
 * minisign hashes the file it signs or verifies.
 * @return 0, DT_ENOENT, DT_EIO (errno kept).
 */
int minisig_hash_file(unsigned char out[MINISIG_HASH_BYTES], const char *path);

/*
 * minisig_comment_valid() - 1 if text (len bytes) can be a comment of at
 * most max bytes: no "\n", "\r" or NUL (minisign cuts a line there).
 */
int minisig_comment_valid(const char *text, size_t len, size_t max);

/*
 * minisig_sign() - the signature file of a file whose BLAKE2b-512 is
 * hash, by id, with the key id key_minisign_keyid(id->pk).
 * @param[out] out        malloc'd, NUL-terminated (*outlen does not count
 *                        the NUL); the caller frees.
 * @param[in]  trusted    the trusted comment (signed), NUL-terminated.
 * @param[in]  untrusted  the untrusted comment (not signed).
 * @return 0, DT_EINVAL (a comment too long or with a line break),
 *         DT_ENOMEM.
 */
int minisig_sign(char **out, size_t *outlen,
    const unsigned char hash[MINISIG_HASH_BYTES], const char *trusted,
    const char *untrusted, const key_identity *id);

/*
 * minisig_parse() - take a signature file apart, strictly: the four lines
 * above, each ending with "\n", nothing after the fourth, no "\r", the
 * comments within their limits, canonical padded base64 of exactly 74
 * and 64 bytes, and the algorithm "ED" or "Ed".
 * @return 0 or DT_EFORMAT (*out is then zeroed).
 */
int minisig_parse(minisig *out, const char *text, size_t len)
    __attribute__((warn_unused_result));

/*
 * minisig_verify() - check a signature file against a file's BLAKE2b-512
 * and a public key, as `minisign -V` does: the key id (when keyid is not
 * NULL), the signature of the hash, and the signature of the trusted
 * comment.
 * @param[in]  keyid  the key id the public key carries, or NULL to accept
 *                    any (key_parse_public() does not return it).
 * @param[out] why    if not NULL, a static English reason on failure.
 * @return 0; DT_EFORMAT (malformed, or a legacy "Ed" signature); DT_ESIG
 *         (another key id, or a signature does not verify).
 */
int minisig_verify(const char *text, size_t len,
    const unsigned char hash[MINISIG_HASH_BYTES],
    const unsigned char pk[KEY_PK_BYTES], const unsigned char *keyid,
    const char **why) __attribute__((warn_unused_result));

/*
 * minisig_verify_comment() - check only the second signature of a parsed
 * signature file, global_sig over sig || trusted comment, by pk: what can
 * be checked without the signed file (a minutes-signature entry, FORMAT.md
 * section 13).  It binds the trusted comment to the first signature; the
 * first signature itself needs the file's hash (minisig_verify()).
 * @return 0; DT_ESIG; DT_ENOMEM.
 */
int minisig_verify_comment(const minisig *s,
    const unsigned char pk[KEY_PK_BYTES]) __attribute__((warn_unused_result));

/*
 * minisig_pubkey_parse() - the key id and key of a minisign public key:
 * its base64 line (56 characters of base64("Ed" || keyid || pk)), alone
 * or after an "untrusted comment:" line, with white space around.
 * @return 0 or DT_EFORMAT.
 */
int minisig_pubkey_parse(unsigned char keyid[MINISIG_KEYID_BYTES],
    unsigned char pk[KEY_PK_BYTES], const char *text, size_t len);

#endif
