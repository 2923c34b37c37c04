/*
 * minisig-fuzzer.c: a minisign signature file, as `minutes verify` reads
 * it (minisig_parse(), then minisig_verify() against the vectors' signer
 * and message), and the same bytes as a minisign public key
 * (minisig_pubkey_parse()).
 */
#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "../crypto/minisig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* alice of tests/vectors/keys.txt, and the message of minisig.txt. */
static const unsigned char alice_pk[KEY_PK_BYTES] = {
	0x03, 0xa1, 0x07, 0xbf, 0xf3, 0xce, 0x10, 0xbe, 0x1d, 0x70, 0xdd,
	0x18, 0xe7, 0x4b, 0xc0, 0x99, 0x67, 0xe4, 0xd6, 0x30, 0x9b, 0xa5,
	0x0d, 0x5f, 0x1d, 0xdc, 0x86, 0x64, 0x12, 0x55, 0x31, 0xb8
};
static const char message[] = "Minutes of meeting 1: both sides agree to "
    "restore the expert dialogue. Протокол согласован.";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char hash[MINISIG_HASH_BYTES], keyid[MINISIG_KEYID_BYTES];
	unsigned char pk[KEY_PK_BYTES];
	const char *why = NULL;
	const char *text = (const char *)data;
	minisig m;
	int parsed;

	if (sodium_init() < 0)
		return 0;
	minisig_hash(hash, (const unsigned char *)message,
	    sizeof message - 1);
	parsed = minisig_parse(&m, text, size) == 0;
	/* A file that verifies must parse: verify is parse and more. */
	if (minisig_verify(text, size, hash, alice_pk, NULL, &why) == 0 &&
	    !parsed)
		abort();
	if (parsed && minisig_verify(text, size, hash, alice_pk, m.keyid,
	    &why) == 0 && !m.prehashed)
		abort(); /* a legacy "Ed" signature is never accepted */
	(void)minisig_pubkey_parse(keyid, pk, text, size);
	return 0;
}
