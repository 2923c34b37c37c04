/*
 * test_entry.c: entry encoding, parsing, signatures and encryption.
 */
#include "test_util.h"

#include <sodium.h>

#include "../../crypto/err.h"
#include "../../crypto/keys.h"
#include "../../storage/entry.h"

static key_identity *alice;
static unsigned char dkey[32], dialogue[32];

static const char payload[] =
    "{\"meeting\":1,\"text\":[{\"body\":\"Инциденты в информационном "
    "пространстве\",\"lang\":\"ru\",\"role\":\"authentic\"}],\"v\":1}";

static int
setup(void **state)
{
	unsigned char seed[32];

	(void)state;
	memset(seed, 0xa1, sizeof seed);
	memset(dkey, 0x42, sizeof dkey);
	memset(dialogue, 0x17, sizeof dialogue);
	return key_identity_from_seed(&alice, "alice", seed);
}

static int
teardown(void **state)
{
	(void)state;
	key_identity_free(alice);
	return 0;
}

static void
build_note(unsigned char **b, size_t *len, unsigned nrefs)
{
	entry_draft d;
	entry_ref refs[3];
	unsigned char prev[32];
	unsigned i;

	memset(&d, 0, sizeof d);
	memset(prev, 0x33, sizeof prev);
	for (i = 0; i < 3; i++) {
		memset(refs[i].author, (int)(0x10 * (i + 1)), 32);
		refs[i].seq = i;
		memset(refs[i].hash, (int)i, 32);
	}
	d.kind = ENTRY_K_NOTE;
	d.dialogue = dialogue;
	d.seq = 5;
	d.clock = 9;
	d.time_ms = 1760000000000ULL;
	d.prev = prev;
	d.refs = refs;
	d.nrefs = nrefs;
	d.payload = (const unsigned char *)payload;
	d.payload_len = strlen(payload);
	d.key = dkey;
	assert_int_equal(entry_build(b, len, &d, alice), 0);
}

static void
test_roundtrip(void **state)
{
	unsigned char *b, *plain;
	size_t len, plen;
	entry e;
	entry_ref r;

	(void)state;
	build_note(&b, &len, 2);
	assert_int_equal(entry_parse(&e, b, len), 0);
	assert_int_equal(e.kind, ENTRY_K_NOTE);
	assert_int_equal(e.flags, ENTRY_FLAG_ENCRYPTED);
	assert_int_equal(e.seq, 5);
	assert_int_equal(e.clock, 9);
	assert_int_equal(e.nrefs, 2);
	assert_memory_equal(e.author, alice->pk, 32);
	assert_int_equal(e.header_len, 128 + 2 * 72 + 4);
	assert_int_equal(e.body_len, 24 + strlen(payload) + 16);
	entry_ref_get(&r, &e, 1);
	assert_int_equal(r.seq, 1);
	assert_int_equal(r.author[0], 0x20);
	assert_int_equal(entry_verify_sig(&e), 0);
	assert_int_equal(entry_open(&plain, &plen, &e, dkey), 0);
	assert_int_equal(plen, strlen(payload));
	assert_memory_equal(plain, payload, plen);
	/* No plaintext in the stored bytes. */
	assert_null(memmem(b, len, "Инциденты", strlen("Инциденты")));
	entry_plain_free(plain, plen);
	free(b);
}

static void
test_every_flip_detected(void **state)
{
	unsigned char *b, *plain;
	size_t len, plen, i;
	int bit;
	entry e;

	(void)state;
	build_note(&b, &len, 1);
	for (i = 0; i < len; i++) {
		for (bit = 0; bit < 8; bit += 3) {
			int parsed, ok;

			b[i] ^= (unsigned char)(1U << bit);
			parsed = entry_parse(&e, b, len) == 0;
			ok = parsed && entry_verify_sig(&e) == 0;
			if (ok && entry_open(&plain, &plen, &e, dkey) == 0)
				entry_plain_free(plain, plen);
			assert_false(ok);
			b[i] ^= (unsigned char)(1U << bit);
		}
	}
	free(b);
}

static void
test_truncated(void **state)
{
	unsigned char *b;
	size_t len, i;
	entry e;

	(void)state;
	build_note(&b, &len, 3);
	for (i = 0; i < len; i++)
		assert_int_not_equal(entry_parse(&e, b, i), 0);
	free(b);
}

static void
test_wrong_key(void **state)
{
	unsigned char *b, *plain, other[32];
	size_t len, plen;
	entry e;

	(void)state;
	build_note(&b, &len, 0);
	memset(other, 0x43, sizeof other);
	assert_int_equal(entry_parse(&e, b, len), 0);
	assert_int_equal(entry_open(&plain, &plen, &e, other), DT_EDECRYPT);
	assert_int_equal(entry_open(&plain, &plen, &e, NULL), DT_ENOKEY);
	free(b);
}

/*
 * A header field changed and the entry re-signed by its author still
 * does not decrypt: the header is the AEAD's associated data.
 */
static void
test_header_bound_to_ciphertext(void **state)
{
	unsigned char *b, *plain, *msg;
	size_t len, plen, hb;
	entry e;

	(void)state;
	build_note(&b, &len, 0);
	assert_int_equal(entry_parse(&e, b, len), 0);
	b[87] ^= 1; /* clock */
	hb = e.header_len + e.body_len;
	msg = malloc(ENTRY_SIG_CTX_BYTES + hb);
	memcpy(msg, ENTRY_SIG_CTX, ENTRY_SIG_CTX_BYTES);
	memcpy(msg + ENTRY_SIG_CTX_BYTES, b, hb);
	crypto_sign_detached(b + hb, NULL, msg, ENTRY_SIG_CTX_BYTES + hb,
	    alice->sk);
	free(msg);
	assert_int_equal(entry_parse(&e, b, len), 0);
	assert_int_equal(entry_verify_sig(&e), 0);
	assert_int_equal(entry_open(&plain, &plen, &e, dkey), DT_EDECRYPT);
	free(b);
}

/* A signature made without the context string does not verify. */
static void
test_signature_domain(void **state)
{
	unsigned char *b;
	size_t len, hb;
	entry e;

	(void)state;
	build_note(&b, &len, 0);
	assert_int_equal(entry_parse(&e, b, len), 0);
	hb = e.header_len + e.body_len;
	crypto_sign_detached(b + hb, NULL, b, hb, alice->sk);
	assert_int_equal(entry_parse(&e, b, len), 0);
	assert_int_equal(entry_verify_sig(&e), DT_ESIG);
	free(b);
}

static void
test_draft_rules(void **state)
{
	entry_draft d;
	entry_ref refs[2];
	unsigned char *b = NULL, prev[32];
	size_t len;

	(void)state;
	memset(&d, 0, sizeof d);
	memset(prev, 1, sizeof prev);
	d.kind = ENTRY_K_NOTE;
	d.dialogue = dialogue;
	d.seq = 1;
	d.clock = 2;
	d.prev = prev;
	d.payload = (const unsigned char *)"{}";
	d.payload_len = 2;
	/* content without a key */
	assert_int_equal(entry_build(&b, &len, &d, alice), DT_ENOKEY);
	d.key = dkey;
	/* clock 0 */
	d.clock = 0;
	assert_int_equal(entry_build(&b, &len, &d, alice), DT_EINVAL);
	d.clock = 2;
	/* seq 1 without prev */
	d.prev = NULL;
	assert_int_equal(entry_build(&b, &len, &d, alice), DT_EINVAL);
	d.prev = prev;
	/* refs out of order, and a ref to oneself */
	memset(refs, 0, sizeof refs);
	memset(refs[0].author, 9, 32);
	memset(refs[1].author, 8, 32);
	d.refs = refs;
	d.nrefs = 2;
	assert_int_equal(entry_build(&b, &len, &d, alice), DT_EINVAL);
	memcpy(refs[1].author, alice->pk, 32);
	d.nrefs = 1;
	d.refs = refs + 1;
	assert_int_equal(entry_build(&b, &len, &d, alice), DT_EINVAL);
	/* genesis with a dialogue id */
	d.refs = NULL;
	d.nrefs = 0;
	d.kind = ENTRY_K_GENESIS;
	assert_int_equal(entry_build(&b, &len, &d, alice), DT_EINVAL);
	assert_null(b);
}

static void
test_kind_names(void **state)
{
	unsigned k;

	(void)state;
	for (k = 0; k < 256; k++) {
		if (!entry_kind_known(k)) {
			assert_string_equal(entry_kind_name(k), "unknown");
			continue;
		}
		assert_int_equal(entry_kind_from_name(entry_kind_name(k)), k);
	}
	assert_int_equal(entry_kind_from_name("nonsense"), 0);
	assert_true(entry_kind_is_content(ENTRY_K_NOTE));
	assert_false(entry_kind_is_content(ENTRY_K_KEY_WRAP));
}

static void
test_leaf_hash(void **state)
{
	unsigned char h[32], e[32];

	(void)state;
	/* RFC 6962 leaf hash of the empty string: SHA-256(0x00). */
	entry_hash(h, (const unsigned char *)"", 0);
	assert_int_equal(sodium_hex2bin(e, 32,
	    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
	    64, NULL, NULL, NULL), 0);
	assert_memory_equal(h, e, 32);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_every_flip_detected),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_wrong_key),
		cmocka_unit_test(test_header_bound_to_ciphertext),
		cmocka_unit_test(test_signature_domain),
		cmocka_unit_test(test_draft_rules),
		cmocka_unit_test(test_kind_names),
		cmocka_unit_test(test_leaf_hash),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, setup, teardown);
}
