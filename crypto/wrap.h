/*
 * wrap.h: the dialogue key and how it reaches members (prefix wrap_).
 *
 * The dialogue key is 32 random bytes in sodium_malloc() memory.  It is
 * given to a member by crypto_box_seal() to the Curve25519 form of the
 * member's Ed25519 key.  The sealed plaintext is
 *   "detente key wrap v1\0" (20 bytes) || dialogue id (32) || key (32).
 */
#ifndef DETENTE_WRAP_H
#define DETENTE_WRAP_H

#include <sodium.h>
#include "keys.h"

#define WRAP_KEY_BYTES 32U
#define WRAP_CTX "detente key wrap v1"
#define WRAP_CTX_BYTES 20U /* including the NUL */
#define WRAP_PLAIN_BYTES (WRAP_CTX_BYTES + 32U + WRAP_KEY_BYTES)
#define WRAP_BOX_BYTES (WRAP_PLAIN_BYTES + crypto_box_SEALBYTES)
#define WRAP_KEYID_BYTES 8U
/*
 * A party key (FORMAT.md section 6, "Party keys and internal notes") is
 * wrapped the same way with another context string, of the same length,
 * so that a box made for one can never be read as the other.
 */
#define WRAP_PARTY_CTX "detente partykey v1"
#define WRAP_FOR_DIALOGUE 0
#define WRAP_FOR_PARTY 1

/* wrap_key_new() - a fresh random dialogue key in sodium_malloc memory. */
int wrap_key_new(unsigned char **key);

/* wrap_key_free() - wipe and free a dialogue key; accepts NULL. */
void wrap_key_free(unsigned char *key);

/*
 * wrap_key_id() - the first 8 bytes of
 * SHA-256("detente key id v1\0" || key): names a key without revealing it.
 */
void wrap_key_id(unsigned char out[WRAP_KEYID_BYTES],
    const unsigned char *key);

/*
 * wrap_seal() - seal key for the holder of Ed25519 public key to.
 * @param[out] box  WRAP_BOX_BYTES.
 * @return 0, DT_EINVAL (to is not a valid Ed25519 point), DT_ENOMEM.
 */
int wrap_seal(unsigned char box[WRAP_BOX_BYTES],
    const unsigned char dialogue[32], const unsigned char to[KEY_PK_BYTES],
    const unsigned char *key);

/*
 * wrap_open() - open a box sealed to id; checks context and dialogue id.
 * @param[out] key  a new key in sodium_malloc memory (wrap_key_free()).
 * @return 0, DT_EDECRYPT (not for us, altered, or not a key wrap),
 *         DT_EDIALOGUE, DT_ENOMEM, DT_EINVAL (id's key has no X25519 form);
 *         for an identity held by an agent, also what its ops return
 *         (DT_EAGENT).
 */
int wrap_open(unsigned char **key, const unsigned char box[WRAP_BOX_BYTES],
    const unsigned char dialogue[32], const key_identity *id)
    __attribute__((warn_unused_result));

/*
 * wrap_seal_as(), wrap_open_as() - wrap_seal() and wrap_open() of a
 * dialogue key (WRAP_FOR_DIALOGUE, the context WRAP_CTX) or of a party
 * key (WRAP_FOR_PARTY, WRAP_PARTY_CTX).  A box opened as the other kind
 * is DT_EDECRYPT.
 */
int wrap_seal_as(unsigned char box[WRAP_BOX_BYTES],
    const unsigned char dialogue[32], const unsigned char to[KEY_PK_BYTES],
    const unsigned char *key, int kind);
int wrap_open_as(unsigned char **key, const unsigned char box[WRAP_BOX_BYTES],
    const unsigned char dialogue[32], const key_identity *id, int kind)
    __attribute__((warn_unused_result));

#endif
