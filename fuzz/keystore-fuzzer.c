/*
 * keystore-fuzzer.c: a keystore file (keystore_decode()) with the
 * passphrase "pass".  The KDF limits in the input are first set to the
 * minimum (the range checks themselves are a comparison each), so that
 * an input cannot make one run take seconds in Argon2id.
 */
#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "../crypto/keys.h"
#include "../crypto/keystore.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
be64(unsigned char *p, uint64_t v)
{
	int i;

	for (i = 7; i >= 0; i--) {
		p[i] = (unsigned char)v;
		v >>= 8;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	key_identity *id = NULL;
	unsigned char *b;

	if (sodium_init() < 0 || (b = malloc(size ? size : 1)) == NULL)
		return 0;
	memcpy(b, data, size);
	if (size >= 24) {
		be64(b + 8, crypto_pwhash_argon2id_OPSLIMIT_MIN);
		be64(b + 16, crypto_pwhash_argon2id_MEMLIMIT_MIN);
	}
	if (keystore_decode(&id, b, size, "pass", 4) == 0)
		key_identity_free(id);
	free(b);
	return 0;
}
