/*
 * noise.h: the Noise Protocol Framework (revision 34), exactly
 * Noise_XX_25519_ChaChaPoly_SHA256, on libsodium (prefix noise_).
 *
 *   XX:
 *     -> e
 *     <- e, ee, s, es
 *     -> s, se
 *
 * The spec's objects are here as it names them: a CipherState
 * (noise_cipher: k, n; EncryptWithAd, DecryptWithAd), a SymmetricState
 * (inside noise_hs: ck, h and a CipherState; MixKey, MixHash,
 * EncryptAndHash, DecryptAndHash, Split) and a HandshakeState (noise_hs:
 * s, e, rs, re, initiator; WriteMessage, ReadMessage).  DH is X25519
 * (crypto_scalarmult; an all-zero result, from a low-order public key,
 * is refused), the cipher crypto_aead_chacha20poly1305_ietf with the
 * nonce 4 zero bytes || n as 64-bit little-endian, HASH SHA-256 and HKDF
 * HMAC-SHA256 as the spec's section 4.3 defines it.
 *
 * Every secret (s, e, ck, k, and h, which is not secret but lives beside
 * them) is in sodium_malloc() memory and wiped when freed.  Nothing is
 * global: each object is used by one thread at a time.
 *
 * Functions return 0 or a negative DT_E* code (crypto/err.h).  After an
 * error, a noise_hs is dead: every later call fails with DT_ESTATE, as
 * the spec asks (a failed handshake is abandoned, never retried).
 */
#ifndef DETENTE_NOISE_H
#define DETENTE_NOISE_H

#include <stddef.h>
#include <stdint.h>

#include "keys.h"

#define NOISE_PROTOCOL_NAME "Noise_XX_25519_ChaChaPoly_SHA256"
#define NOISE_DH_BYTES 32U    /* DHLEN: X25519 keys and outputs */
#define NOISE_HASH_BYTES 32U  /* HASHLEN: SHA-256 */
#define NOISE_KEY_BYTES 32U   /* a CipherState's k */
#define NOISE_TAG_BYTES 16U   /* Poly1305 */
#define NOISE_MSG_MAX 65535U  /* any Noise message, handshake or transport */
/* the most plaintext one transport message carries */
#define NOISE_PLAIN_MAX (NOISE_MSG_MAX - NOISE_TAG_BYTES)

/*
 * noise_hkdf() - the spec's HKDF(chaining_key, input_key_material, 2)
 * with HMAC-SHA256: out1 and out2 (each 32 bytes; they may not overlap
 * ck or ikm).  out2 may be NULL when only the first is wanted.
 */
void noise_hkdf(unsigned char out1[NOISE_HASH_BYTES],
    unsigned char out2[NOISE_HASH_BYTES],
    const unsigned char ck[NOISE_HASH_BYTES], const unsigned char *ikm,
    size_t ikmlen);

/*
 * noise_dh_mix() - what MixKey(DH(priv, pub)) computes, for a key's
 * holder (key_noise_mix(), the agent): out = ck' || k' =
 * HKDF(ck, X25519(priv, pub), 2).  The DH result itself never leaves
 * this function.
 * @return 0, DT_EINVAL (pub is of low order: an all-zero DH).
 */
int noise_dh_mix(unsigned char out[2 * NOISE_HASH_BYTES],
    const unsigned char ck[NOISE_HASH_BYTES],
    const unsigned char priv[NOISE_DH_BYTES],
    const unsigned char pub[NOISE_DH_BYTES])
    __attribute__((warn_unused_result));

/* --- CipherState -------------------------------------------------------- */

typedef struct noise_cipher noise_cipher;

/*
 * noise_cipher_encrypt() - EncryptWithAd(ad, p) into out (plen +
 * NOISE_TAG_BYTES bytes; out may be p itself), then n++.
 * @return 0, DT_ERANGE (the message would be over NOISE_MSG_MAX, or n
 *         has reached 2^64-1, which the spec reserves), DT_ESTATE (no
 *         key).
 */
int noise_cipher_encrypt(noise_cipher *c, unsigned char *out,
    const unsigned char *ad, size_t adlen, const unsigned char *p,
    size_t plen) __attribute__((warn_unused_result));

/*
 * noise_cipher_decrypt() - DecryptWithAd(ad, c) into out (clen -
 * NOISE_TAG_BYTES bytes; out may be c itself); n++ only on success.
 * @return 0, DT_EDECRYPT (not authentic: tampered, reordered, another
 *         key), DT_EFORMAT (shorter than a tag), DT_ERANGE, DT_ESTATE.
 */
int noise_cipher_decrypt(noise_cipher *c, unsigned char *out,
    const unsigned char *ad, size_t adlen, const unsigned char *ct,
    size_t clen) __attribute__((warn_unused_result));

/* noise_cipher_nonce() - n, the number of messages this state has done. */
/* noise_cipher_set_nonce() - the spec's SetNonce(n) (tests use it to
 * reach the reserved 2^64-1). */
void noise_cipher_set_nonce(noise_cipher *c, uint64_t n);

uint64_t noise_cipher_nonce(const noise_cipher *c);

/* noise_cipher_free() - wipe and free; accepts NULL. */
void noise_cipher_free(noise_cipher *c);

/* --- HandshakeState (XX) -------------------------------------------------- */

typedef struct noise_hs noise_hs;

/*
 * noise_hs_new() - Initialize(): InitializeSymmetric(protocol name),
 * MixHash(prologue).  The static key s is the X25519 form of id's
 * Ed25519 key (crypto_sign_ed25519_sk_to_curve25519); when id holds no
 * secret (an agent's identity) every DH with s goes through
 * key_noise_mix(), so id must outlive the handshake.  id may be NULL
 * when noise_hs_set_static() follows.
 * @param[in] initiator  1 for the side that writes the first message.
 * @return 0, DT_EINVAL (id cannot act, or its key has no X25519 form),
 *         DT_ENOMEM.
 */
int noise_hs_new(noise_hs **out, int initiator,
    const unsigned char *prologue, size_t prologue_len,
    const key_identity *id);

/*
 * noise_hs_set_static() - use the X25519 private key priv as s (instead
 * of id's); noise_hs_set_ephemeral() - use priv as e instead of a fresh
 * random key pair when the "e" token comes.  Both are for test vectors
 * and tests only (nothing in the program calls them; a fixed ephemeral
 * key destroys forward secrecy), and only before the first message.
 * @return 0, DT_ESTATE (too late).
 */
int noise_hs_set_static(noise_hs *hs, const unsigned char priv[NOISE_DH_BYTES]);
int noise_hs_set_ephemeral(noise_hs *hs,
    const unsigned char priv[NOISE_DH_BYTES]);

/*
 * noise_hs_write() - WriteMessage(payload): the next handshake message
 * into msg (room for msgmax bytes), *msglen its length.  The payload is
 * encrypted in the second and third messages, in the clear in the first.
 * @return 0, DT_ESTATE (not our turn, or done, or dead), DT_ERANGE (the
 *         message would not fit msgmax or NOISE_MSG_MAX), DT_EINVAL (a
 *         low-order key), what key_noise_mix() returns.
 */
int noise_hs_write(noise_hs *hs, unsigned char *msg, size_t *msglen,
    size_t msgmax, const unsigned char *payload, size_t plen)
    __attribute__((warn_unused_result));

/*
 * noise_hs_read() - ReadMessage(msg): the peer's next handshake message;
 * its payload into payload (room for pmax bytes), *plen its length.
 * @return 0, DT_EFORMAT (too short for its tokens, or over
 *         NOISE_MSG_MAX), DT_EDECRYPT (not authentic: tampered, another
 *         prologue, a key that does not match), DT_ERANGE (payload over
 *         pmax), DT_EINVAL (a low-order key), DT_ESTATE.
 */
int noise_hs_read(noise_hs *hs, unsigned char *payload, size_t *plen,
    size_t pmax, const unsigned char *msg, size_t msglen)
    __attribute__((warn_unused_result));

/* noise_hs_write_turn() - 1 if the next step is ours to write. */
int noise_hs_write_turn(const noise_hs *hs);

/* noise_hs_done() - 1 once all three messages are written or read. */
int noise_hs_done(const noise_hs *hs);

/*
 * noise_hs_remote_static() - rs, the peer's X25519 static key, once its
 * "s" token was read and authenticated (the initiator after message 2,
 * the responder after message 3); NULL before.
 */
const unsigned char *noise_hs_remote_static(const noise_hs *hs);

/* noise_hs_local_static() - our s's public key. */
const unsigned char *noise_hs_local_static(const noise_hs *hs);

/*
 * noise_hs_hash() - h, the handshake hash (a channel binding: equal on
 * both sides once done).
 */
void noise_hs_hash(const noise_hs *hs, unsigned char h[NOISE_HASH_BYTES]);

/*
 * noise_hs_split() - Split() once done: the CipherState we send with
 * and the one we receive with (the spec's c1 is the initiator's sending
 * one).  The handshake's secrets are wiped; free hs afterwards.
 * @return 0, DT_ESTATE (not done), DT_ENOMEM.
 */
int noise_hs_split(noise_hs *hs, noise_cipher **send, noise_cipher **recv);

/* noise_hs_free() - wipe and free; accepts NULL. */
void noise_hs_free(noise_hs *hs);

#endif
