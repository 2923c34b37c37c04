/*
 * keys.h: Ed25519 identities and their public encodings (prefix key_).
 *
 * An identity's secret key lives only in sodium_malloc() memory, reached
 * through key_identity.sk, and is wiped by key_identity_free().
 */
#ifndef DETENTE_KEYS_H
#define DETENTE_KEYS_H

#include <stddef.h>
#include <sodium.h>

#define KEY_PK_BYTES 32U
#define KEY_SK_BYTES 64U
#define KEY_SEED_BYTES 32U
#define KEY_SIG_BYTES 64U
#define KEY_NAME_MAX 63U
/* "XXXX XXXX XXXX XXXX XXXX": 20 hex digits in 5 groups, plus NUL */
#define KEY_FINGERPRINT_BYTES 25U

/*
 * What an identity held elsewhere does instead of using sk (each returns
 * 0 or a DT_E* code; arg is key_identity.ops_arg):
 * sign       an Ed25519 detached signature of m by the key pk.
 * seal_open  crypto_box_seal_open() of c (clen bytes) with the Curve25519
 *            form of the key pk, into out (clen - crypto_box_SEALBYTES).
 * free       release arg (called by key_identity_free(); may be NULL).
 * noise_mix  Noise's MixKey(DH(s, remote)) with s the X25519 form of the
 *            key pk: out = ck' || k' = HKDF(ck, X25519(s, remote), 2)
 *            (crypto/noise.h); the DH result itself stays with the
 *            holder, so that it opens no crypto_box_seal() for anyone.
 *            May be NULL (the identity then cannot open a sync link).
 */
typedef struct key_ops {
	int (*sign)(void *arg, unsigned char sig[KEY_SIG_BYTES],
	    const unsigned char *m, size_t mlen,
	    const unsigned char pk[KEY_PK_BYTES]);
	int (*seal_open)(void *arg, unsigned char *out, const unsigned char *c,
	    size_t clen, const unsigned char pk[KEY_PK_BYTES]);
	void (*free)(void *arg);
	int (*noise_mix)(void *arg, unsigned char out[64],
	    const unsigned char ck[32], const unsigned char remote[32],
	    const unsigned char pk[KEY_PK_BYTES]);
} key_ops;

typedef struct key_identity {
	unsigned char pk[KEY_PK_BYTES];
	unsigned char *sk;             /* KEY_SK_BYTES, sodium_malloc; or NULL */
	char name[KEY_NAME_MAX + 1];
	const key_ops *ops;            /* when sk is NULL: who holds the key */
	void *ops_arg;
} key_identity;

/*
 * key_identity_from_seed() - derive an identity from a 32-byte seed.
 * @param[out] out   receives a new identity; free with key_identity_free().
 * @param[in]  name  1..63 bytes, no whitespace, no '+' (C2SP key name rules).
 * @param[in]  seed  KEY_SEED_BYTES.
 * @return 0, DT_EINVAL for a bad name, DT_ENOMEM.
 */
int key_identity_from_seed(key_identity **out, const char *name,
    const unsigned char seed[KEY_SEED_BYTES]);

/*
 * key_identity_remote() - an identity whose secret key is held elsewhere
 * (sk NULL): ops->sign and ops->seal_open act for it with arg, which the
 * identity owns from then on (ops->free releases it, also on failure).
 * @return 0, DT_EINVAL for a bad name, DT_ENOMEM.
 */
int key_identity_remote(key_identity **out, const char *name,
    const unsigned char pk[KEY_PK_BYTES], const key_ops *ops, void *arg);

/* key_identity_usable() - 1 if id can sign (a secret key, or ops). */
int key_identity_usable(const key_identity *id);

/*
 * key_sign() - an Ed25519 detached signature of m by id, with sk or
 * through ops; a signature from ops is checked against id->pk before it
 * is returned, so that a holder that lies is caught here.
 * @return 0, DT_EINVAL (id cannot sign), DT_ESIG (ops returned a bad
 *         signature), or what ops->sign returned.
 */
int key_sign(unsigned char sig[KEY_SIG_BYTES], const unsigned char *m,
    size_t mlen, const key_identity *id)
    __attribute__((warn_unused_result));

/*
 * key_seal_open() - crypto_box_seal_open() of c with the Curve25519 form
 * of id's key, into out (clen - crypto_box_SEALBYTES bytes).
 * @return 0, DT_EDECRYPT (not sealed to this key, or altered), DT_EINVAL,
 *         or what ops->seal_open returned.
 */
int key_seal_open(unsigned char *out, const unsigned char *c, size_t clen,
    const key_identity *id) __attribute__((warn_unused_result));

/*
 * key_noise_mix() - Noise's MixKey(DH(s, remote)) for the static key s
 * that is the X25519 form of id's key (crypto_sign_ed25519_sk_to_
 * curve25519): out = ck' || k' = HKDF(ck, X25519(s, remote), 2), with
 * id's secret key or through ops->noise_mix.
 * @return 0, DT_EINVAL (id cannot, or remote is of low order), DT_ENOMEM,
 *         or what ops->noise_mix returned.
 */
int key_noise_mix(unsigned char out[64], const unsigned char ck[32],
    const unsigned char remote[32], const key_identity *id)
    __attribute__((warn_unused_result));

/* key_identity_free() - wipe and free; accepts NULL. */
void key_identity_free(key_identity *id);

/* key_name_valid() - 1 if name is a valid identity/key name, else 0. */
int key_name_valid(const char *name);

/*
 * key_fingerprint() - a fingerprint short enough to read aloud:
 * the first 10 bytes of SHA-256("detente fingerprint v1\0" || pk), as
 * upper-case hex in five groups of four separated by spaces.
 */
void key_fingerprint(char out[KEY_FINGERPRINT_BYTES],
    const unsigned char pk[KEY_PK_BYTES]);

/*
 * key_c2sp_keyid() - C2SP signed-note key id for an Ed25519 key:
 * the first 4 bytes of SHA-256(name || 0x0A || 0x01 || pk), big-endian.
 */
unsigned int key_c2sp_keyid(const char *name,
    const unsigned char pk[KEY_PK_BYTES]);

/*
 * key_c2sp_vkey() - C2SP verifier key "name+xxxxxxxx+base64(0x01||pk)".
 * @param[out] out     buffer of outlen bytes, NUL-terminated on success.
 * @return 0, DT_ERANGE if outlen is too small, DT_EINVAL for a bad name.
 */
int key_c2sp_vkey(char *out, size_t outlen, const char *name,
    const unsigned char pk[KEY_PK_BYTES]);

/*
 * key_minisign_keyid() - the 8-byte minisign key id detente uses for pk:
 * the first 8 bytes of SHA-256("detente minisign keyid v1\0" || pk).
 */
void key_minisign_keyid(unsigned char out[8],
    const unsigned char pk[KEY_PK_BYTES]);

/*
 * key_minisign_pub() - a minisign public key file, two lines:
 * "untrusted comment: minisign public key XXXXXXXXXXXXXXXX\n" (key id as
 * minisign prints it: little-endian hex, upper case) and
 * base64("Ed" || keyid[8] || pk) "\n".
 * @return 0 or DT_ERANGE.
 */
int key_minisign_pub(char *out, size_t outlen,
    const unsigned char pk[KEY_PK_BYTES]);

/*
 * key_parse_public() - read a public key written as 64 hex digits, as a
 * C2SP verifier key (name+keyid+base64, key id checked), or as the base64
 * line of a minisign public key.
 * @param[out] pk    the key.
 * @param[out] name  if not NULL, receives the name of a verifier key, or
 *                   "" for the other forms (KEY_NAME_MAX + 1 bytes).
 * @return 0 or DT_EFORMAT.
 */
int key_parse_public(unsigned char pk[KEY_PK_BYTES], char *name,
    const char *text);

/* key_hex() - lower-case hex of n bytes into out (2n+1 bytes). */
void key_hex(char *out, const unsigned char *in, size_t n);

/* key_unhex() - exactly 2n hex digits into n bytes; 0 or DT_EFORMAT. */
int key_unhex(unsigned char *out, size_t n, const char *hex);

#endif
