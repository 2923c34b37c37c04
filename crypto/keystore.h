/*
 * keystore.h: secret keys at rest (prefix keystore_).
 *
 * A keystore file holds one identity: its name and public key in clear,
 * its 32-byte Ed25519 seed encrypted with XChaCha20-Poly1305 under a key
 * derived from a passphrase with Argon2id; every clear byte is associated
 * data.  The byte layout is in docs/FORMAT.md ("Keystore file").
 */
#ifndef DETENTE_KEYSTORE_H
#define DETENTE_KEYSTORE_H

#include <stddef.h>
#include <stdint.h>
#include "keys.h"

#define KEYSTORE_MAGIC "DTKS"
#define KEYSTORE_VERSION 1U
#define KEYSTORE_SALT_BYTES 16U
#define KEYSTORE_NONCE_BYTES 24U
/* magic 4, version 1, kdf 1, name_len 1, pad 1, ops 8, mem 8, salt 16,
 * nonce 24, pk 32, name (name_len), ciphertext 32+16 */
#define KEYSTORE_FIXED_BYTES 96U
#define KEYSTORE_MAX_BYTES (KEYSTORE_FIXED_BYTES + KEY_NAME_MAX + 48U)

/* KDF strength presets, for keystore_kdf_params(). */
typedef enum keystore_kdf {
	KEYSTORE_KDF_MIN = 0,         /* for tests only: ops 1, mem 8 KiB */
	KEYSTORE_KDF_INTERACTIVE = 1, /* libsodium INTERACTIVE */
	KEYSTORE_KDF_MODERATE = 2,    /* libsodium MODERATE (the default) */
	KEYSTORE_KDF_SENSITIVE = 3    /* libsodium SENSITIVE */
} keystore_kdf;

/* keystore_kdf_params() - ops and mem for a preset; DT_EINVAL if unknown. */
int keystore_kdf_params(uint64_t *ops, uint64_t *mem, keystore_kdf kdf);

/*
 * keystore_encode() - the bytes of a keystore file, deterministically
 * (for test vectors; keystore_create() draws seed, salt and nonce).
 * @param[out] out     KEYSTORE_MAX_BYTES bytes.
 * @param[out] outlen  bytes written.
 * @return 0, DT_EINVAL, DT_ENOMEM (Argon2id could not get its memory).
 */
int keystore_encode(unsigned char *out, size_t *outlen, const char *name,
    const unsigned char seed[KEY_SEED_BYTES], const char *pass,
    size_t passlen, uint64_t ops, uint64_t mem,
    const unsigned char salt[KEYSTORE_SALT_BYTES],
    const unsigned char nonce[KEYSTORE_NONCE_BYTES]);

/*
 * keystore_create() - make a new identity and write it to path, created
 * with O_CREAT|O_EXCL|O_NOFOLLOW, mode 0600, fsynced (file and directory).
 * @param[out] pk  the new public key.
 * @return 0, DT_EEXIST, DT_EIO, DT_EINVAL, DT_ENOMEM.
 */
int keystore_create(unsigned char pk[KEY_PK_BYTES], const char *path,
    const char *name, const char *pass, size_t passlen, keystore_kdf kdf);

/*
 * keystore_read_public() - name and public key, no passphrase needed.
 * @param[out] name  KEY_NAME_MAX + 1 bytes.
 * @return 0, DT_ENOENT, DT_EIO, DT_EFORMAT, DT_EVERSION.
 */
int keystore_read_public(char *name, unsigned char pk[KEY_PK_BYTES],
    const char *path);

/*
 * keystore_unlock() - decrypt the identity in path.
 * @param[out] out  a new identity; free with key_identity_free().
 * @return 0, DT_ENOENT, DT_EIO, DT_EFORMAT, DT_EVERSION, DT_EPASS (wrong
 *         passphrase, or a file whose bytes were changed), DT_ENOMEM.
 */
int keystore_unlock(key_identity **out, const char *path, const char *pass,
    size_t passlen);

/*
 * keystore_read_kdf() - the Argon2id limits a keystore file asks for (no
 * passphrase needed).
 * @return 0, DT_ENOENT, DT_EIO, DT_EFORMAT, DT_EVERSION.
 */
int keystore_read_kdf(uint64_t *ops, uint64_t *mem, const char *path);

/*
 * keystore_rewrite() - write id's seed to path again, encrypted under a
 * new passphrase and Argon2id limits, with a fresh salt and nonce: the
 * key, so the public key and fingerprint, stay the same.  The file at
 * path must already hold this identity (same name and public key).
 * The new bytes go to a file of its own beside it, path + ".new.XXXXXX"
 * (mkostemp(): O_CREAT|O_EXCL, mode 0600; the leftovers of an earlier
 * crash are removed first), are fsynced, renamed over path, and the
 * directory is fsynced: a crash at any point leaves either the old file
 * or the new one at path, never neither and never a mixture.  On
 * failure the old file is untouched and the new one removed.
 * @param[in] id  an identity unlocked from the file (id->sk not NULL).
 * @return 0, DT_EINVAL (limits, or no secret key), DT_ENOENT, DT_EIO,
 *         DT_ENOSPC, DT_EFORMAT (the file holds another identity),
 *         DT_ENOMEM.
 */
int keystore_rewrite(const char *path, const key_identity *id,
    const char *pass, size_t passlen, uint64_t ops, uint64_t mem);

/* keystore_kdf_ok() - 1 if a file may ask for these limits. */
int keystore_kdf_ok(uint64_t ops, uint64_t mem);

/* keystore_decode() - keystore_unlock() on bytes in memory. */
int keystore_decode(key_identity **out, const unsigned char *in,
    size_t inlen, const char *pass, size_t passlen);

#endif
