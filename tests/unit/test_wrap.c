/*
 * test_wrap.c: dialogue keys and sealing them to members.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include <sodium.h>

#include "crypto/err.h"
#include "crypto/keys.h"
#include "crypto/wrap.h"

typedef struct fixture {
	key_identity *alice;
	key_identity *bob;
	unsigned char dialogue[32];
	unsigned char *key;
} fixture;

static int
setup(void **state)
{
	static fixture fx;
	unsigned char seed[KEY_SEED_BYTES];

	memset(&fx, 0, sizeof fx);
	memset(seed, 0x41, sizeof seed);
	if (key_identity_from_seed(&fx.alice, "alice", seed) != 0)
		return -1;
	memset(seed, 0x42, sizeof seed);
	if (key_identity_from_seed(&fx.bob, "bob", seed) != 0)
		return -1;
	memset(fx.dialogue, 0xd1, sizeof fx.dialogue);
	if (wrap_key_new(&fx.key) != 0)
		return -1;
	*state = &fx;
	return 0;
}

static int
teardown(void **state)
{
	fixture *fx = *state;

	wrap_key_free(fx->key);
	key_identity_free(fx->alice);
	key_identity_free(fx->bob);
	return 0;
}

static void
test_roundtrip(void **state)
{
	fixture *fx = *state;
	unsigned char box[WRAP_BOX_BYTES], box2[WRAP_BOX_BYTES];
	unsigned char *k = NULL;

	assert_int_equal(WRAP_BOX_BYTES, 20 + 32 + 32 + 48);
	assert_int_equal(wrap_seal(box, fx->dialogue, fx->alice->pk, fx->key),
	    0);
	assert_int_equal(wrap_open(&k, box, fx->dialogue, fx->alice), 0);
	assert_non_null(k);
	assert_memory_equal(k, fx->key, WRAP_KEY_BYTES);
	wrap_key_free(k);

	/* sealing is randomized: two boxes differ, both open */
	assert_int_equal(wrap_seal(box2, fx->dialogue, fx->alice->pk, fx->key),
	    0);
	assert_memory_not_equal(box, box2, WRAP_BOX_BYTES);
	assert_int_equal(wrap_open(&k, box2, fx->dialogue, fx->alice), 0);
	assert_memory_equal(k, fx->key, WRAP_KEY_BYTES);
	wrap_key_free(k);
}

static void
test_wrong_identity(void **state)
{
	fixture *fx = *state;
	unsigned char box[WRAP_BOX_BYTES];
	unsigned char *k = (unsigned char *)&k;

	assert_int_equal(wrap_seal(box, fx->dialogue, fx->alice->pk, fx->key),
	    0);
	assert_int_equal(wrap_open(&k, box, fx->dialogue, fx->bob),
	    DT_EDECRYPT);
	assert_null(k);
}

static void
test_wrong_dialogue(void **state)
{
	fixture *fx = *state;
	unsigned char box[WRAP_BOX_BYTES], other[32];
	unsigned char *k = (unsigned char *)&k;

	memcpy(other, fx->dialogue, sizeof other);
	other[31] ^= 1;
	assert_int_equal(wrap_seal(box, fx->dialogue, fx->alice->pk, fx->key),
	    0);
	assert_int_equal(wrap_open(&k, box, other, fx->alice), DT_EDIALOGUE);
	assert_null(k);
}

static void
test_every_byte_flip(void **state)
{
	fixture *fx = *state;
	unsigned char box[WRAP_BOX_BYTES];
	unsigned char *k = NULL;
	size_t i;
	int rc;

	assert_int_equal(wrap_seal(box, fx->dialogue, fx->bob->pk, fx->key),
	    0);
	for (i = 0; i < WRAP_BOX_BYTES; i++) {
		box[i] ^= 0x01;
		rc = wrap_open(&k, box, fx->dialogue, fx->bob);
		box[i] ^= 0x01;
		if (rc != DT_EDECRYPT)
			fail_msg("byte %zu: rc %d", i, rc);
		assert_null(k);
	}
	assert_int_equal(wrap_open(&k, box, fx->dialogue, fx->bob), 0);
	wrap_key_free(k);
}

/*
 * A box that opens but does not start with the key-wrap context string
 * (sealed for some other purpose) is refused.
 */
static void
test_wrong_context(void **state)
{
	fixture *fx = *state;
	unsigned char plain[WRAP_PLAIN_BYTES], box[WRAP_BOX_BYTES];
	unsigned char xpk[crypto_box_PUBLICKEYBYTES];
	unsigned char *k = NULL;

	assert_int_equal(crypto_sign_ed25519_pk_to_curve25519(xpk,
	    fx->alice->pk), 0);
	memcpy(plain, "detente key wrap v2", WRAP_CTX_BYTES);
	memcpy(plain + WRAP_CTX_BYTES, fx->dialogue, 32);
	memcpy(plain + WRAP_CTX_BYTES + 32, fx->key, WRAP_KEY_BYTES);
	assert_int_equal(crypto_box_seal(box, plain, sizeof plain, xpk), 0);
	assert_int_equal(wrap_open(&k, box, fx->dialogue, fx->alice),
	    DT_EDECRYPT);
	assert_null(k);

	/* the same plaintext with the right context opens: the layout of
	 * wrap.h is what the test built */
	memcpy(plain, WRAP_CTX, WRAP_CTX_BYTES);
	assert_int_equal(crypto_box_seal(box, plain, sizeof plain, xpk), 0);
	assert_int_equal(wrap_open(&k, box, fx->dialogue, fx->alice), 0);
	assert_memory_equal(k, fx->key, WRAP_KEY_BYTES);
	wrap_key_free(k);
	sodium_memzero(plain, sizeof plain);
}

static void
test_bad_recipient(void **state)
{
	fixture *fx = *state;
	unsigned char box[WRAP_BOX_BYTES], pk[KEY_PK_BYTES];

	/* the all-zero point and the identity point have small order */
	memset(pk, 0, sizeof pk);
	assert_int_equal(wrap_seal(box, fx->dialogue, pk, fx->key), DT_EINVAL);
	pk[0] = 1;
	assert_int_equal(wrap_seal(box, fx->dialogue, pk, fx->key), DT_EINVAL);
}

static void
test_key_new_and_id(void **state)
{
	/* SHA-256("detente key id v1\0" || 00 01 .. 1f)[:8], by python3 */
	static const unsigned char want[WRAP_KEYID_BYTES] = {
		0x7d, 0xfc, 0x5e, 0x71, 0x05, 0xdc, 0x2c, 0xee
	};
	unsigned char key[WRAP_KEY_BYTES], id[WRAP_KEYID_BYTES];
	unsigned char id2[WRAP_KEYID_BYTES];
	unsigned char *a = NULL, *b = NULL;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof key; i++)
		key[i] = (unsigned char)i;
	wrap_key_id(id, key);
	assert_memory_equal(id, want, sizeof want);

	assert_int_equal(wrap_key_new(&a), 0);
	assert_int_equal(wrap_key_new(&b), 0);
	assert_memory_not_equal(a, b, WRAP_KEY_BYTES);
	wrap_key_id(id, a);
	wrap_key_id(id2, b);
	assert_memory_not_equal(id, id2, WRAP_KEYID_BYTES);
	wrap_key_free(a);
	wrap_key_free(b);
	wrap_key_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_wrong_identity),
		cmocka_unit_test(test_wrong_dialogue),
		cmocka_unit_test(test_every_byte_flip),
		cmocka_unit_test(test_wrong_context),
		cmocka_unit_test(test_bad_recipient),
		cmocka_unit_test(test_key_new_and_id),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, setup, teardown);
}
