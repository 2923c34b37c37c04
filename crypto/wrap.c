/*
 * wrap.c: the dialogue key, and sealing it to members.
 *
 * The plaintext of a box holds the key, so it is built and opened only in
 * sodium_malloc() memory; so is the Curve25519 form of our secret key.
 */
#include <string.h>

#include <sodium.h>

#include "err.h"
#include "keys.h"
#include "wrap.h"

#define KEYID_CTX "detente key id v1"
#define KEYID_CTX_BYTES 18U /* including the NUL */
#define DIALOGUE_BYTES 32U

int
wrap_key_new(unsigned char **key)
{
	if ((*key = sodium_malloc(WRAP_KEY_BYTES)) == NULL)
		return DT_ENOMEM;
	randombytes_buf(*key, WRAP_KEY_BYTES);
	return 0;
}

void
wrap_key_free(unsigned char *key)
{
	sodium_free(key); /* wipes; accepts NULL */
}

void
wrap_key_id(unsigned char out[WRAP_KEYID_BYTES], const unsigned char *key)
{
	crypto_hash_sha256_state st;
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)KEYID_CTX,
	    KEYID_CTX_BYTES);
	crypto_hash_sha256_update(&st, key, WRAP_KEY_BYTES);
	crypto_hash_sha256_final(&st, h);
	memcpy(out, h, WRAP_KEYID_BYTES);
}

/*
 * wrap_seal() - may also return DT_ENOMEM, when sodium_malloc() fails
 * for the plaintext.
 */
int
wrap_seal(unsigned char box[WRAP_BOX_BYTES],
    const unsigned char dialogue[32], const unsigned char to[KEY_PK_BYTES],
    const unsigned char *key)
{
	return wrap_seal_as(box, dialogue, to, key, WRAP_FOR_DIALOGUE);
}

int
wrap_open(unsigned char **key, const unsigned char box[WRAP_BOX_BYTES],
    const unsigned char dialogue[32], const key_identity *id)
{
	return wrap_open_as(key, box, dialogue, id, WRAP_FOR_DIALOGUE);
}

/* The context string of a box of this kind (wrap.h). */
static const char *
wrap_ctx(int kind)
{
	return kind == WRAP_FOR_PARTY ? WRAP_PARTY_CTX : WRAP_CTX;
}

int
wrap_seal_as(unsigned char box[WRAP_BOX_BYTES],
    const unsigned char dialogue[32], const unsigned char to[KEY_PK_BYTES],
    const unsigned char *key, int kind)
{
	unsigned char xpk[crypto_box_PUBLICKEYBYTES];
	unsigned char *plain = NULL;
	int ret;

	if (crypto_sign_ed25519_pk_to_curve25519(xpk, to) != 0) {
		ret = DT_EINVAL;
		goto out;
	}
	if ((plain = sodium_malloc(WRAP_PLAIN_BYTES)) == NULL) {
		ret = DT_ENOMEM;
		goto out;
	}
	memcpy(plain, wrap_ctx(kind), WRAP_CTX_BYTES);
	memcpy(plain + WRAP_CTX_BYTES, dialogue, DIALOGUE_BYTES);
	memcpy(plain + WRAP_CTX_BYTES + DIALOGUE_BYTES, key, WRAP_KEY_BYTES);
	if (crypto_box_seal(box, plain, WRAP_PLAIN_BYTES, xpk) != 0) {
		ret = DT_EINVAL;
		goto out;
	}
	ret = 0;
out:
	sodium_free(plain);
	return ret;
}

/*
 * wrap_open() - a box that does not open, or opens to something that is
 * not a detente key wrap (wrong context string), is DT_EDECRYPT; a key
 * wrap for another dialogue is DT_EDIALOGUE.  An identity whose own key
 * has no Curve25519 form is DT_EINVAL.
 */
int
wrap_open_as(unsigned char **key, const unsigned char box[WRAP_BOX_BYTES],
    const unsigned char dialogue[32], const key_identity *id, int kind)
{
	unsigned char *plain = NULL, *k = NULL;
	int ret;

	*key = NULL;
	if ((plain = sodium_malloc(WRAP_PLAIN_BYTES)) == NULL) {
		ret = DT_ENOMEM;
		goto out;
	}
	/* with id's secret key, or through the agent that holds it */
	if ((ret = key_seal_open(plain, box, WRAP_BOX_BYTES, id)) != 0)
		goto out;
	if (sodium_memcmp(plain, wrap_ctx(kind), WRAP_CTX_BYTES) != 0) {
		ret = DT_EDECRYPT;
		goto out;
	}
	if (sodium_memcmp(plain + WRAP_CTX_BYTES, dialogue,
	    DIALOGUE_BYTES) != 0) {
		ret = DT_EDIALOGUE;
		goto out;
	}
	if ((k = sodium_malloc(WRAP_KEY_BYTES)) == NULL) {
		ret = DT_ENOMEM;
		goto out;
	}
	memcpy(k, plain + WRAP_CTX_BYTES + DIALOGUE_BYTES, WRAP_KEY_BYTES);
	*key = k;
	ret = 0;
out:
	sodium_free(plain);
	return ret;
}
