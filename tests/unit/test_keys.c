/*
 * test_keys.c: identities, names, fingerprints, C2SP and minisign
 * encodings, hex; identities held elsewhere (key_ops: the agent's);
 * and dt_strerror().
 *
 * tests/vectors/keys.txt holds the expected encodings of a fixed key; the
 * Go sumdb/note example key is the outside check of the C2SP encoding.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "crypto/err.h"
#include "crypto/keys.h"

/* golang.org/x/mod/sumdb/note, package documentation and tests. */
#define GO_VKEY "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
#define GO_SKEY_B64 "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
#define GO_TEXT "If you think cryptography is the answer to your problem,\n" \
	"then you don't know what your problem is.\n"
#define GO_SIG_B64 "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2" \
	"pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM="

/* --- a reader for tests/vectors/ "name = value" files ------------------ */

#define VEC_MAX 32
#define VEC_LINE 1024

typedef struct vec {
	int n;
	char key[VEC_MAX][64];
	char val[VEC_MAX][VEC_LINE];
} vec;

static void
vec_load(vec *v, const char *file)
{
	const char *dir = getenv("DETENTE_VECTORS");
	char path[1024], line[VEC_LINE + 64];
	FILE *f;

	if (dir == NULL || *dir == '\0')
		dir = "tests/vectors";
	snprintf(path, sizeof path, "%s/%s", dir, file);
	if ((f = fopen(path, "r")) == NULL)
		fail_msg("cannot open %s (set DETENTE_VECTORS)", path);
	v->n = 0;
	while (fgets(line, sizeof line, f) != NULL) {
		char *eq, *end = line + strlen(line);

		while (end > line && (end[-1] == '\n' || end[-1] == '\r'))
			*--end = '\0';
		if (line[0] == '\0' || line[0] == '#')
			continue;
		if ((eq = strstr(line, " = ")) == NULL || v->n == VEC_MAX)
			fail_msg("%s: bad line: %s", path, line);
		*eq = '\0';
		snprintf(v->key[v->n], sizeof v->key[0], "%.63s", line);
		snprintf(v->val[v->n], sizeof v->val[0], "%s", eq + 3);
		v->n++;
	}
	fclose(f);
}

static const char *
vec_get(const vec *v, const char *key)
{
	int i;

	for (i = 0; i < v->n; i++)
		if (strcmp(v->key[i], key) == 0)
			return v->val[i];
	fail_msg("vector %s missing", key);
	return NULL;
}

static void
vec_bin(unsigned char *out, size_t n, const vec *v, const char *key)
{
	assert_int_equal(key_unhex(out, n, vec_get(v, key)), 0);
}

/* ------------------------------------------------------------------------ */

static void
test_vectors(void **state)
{
	static vec v;
	unsigned char seed[KEY_SEED_BYTES], pk[KEY_PK_BYTES], mk[8];
	unsigned char got[KEY_PK_BYTES];
	char buf[256], want[256], name[KEY_NAME_MAX + 1], hex[65];
	key_identity *id = NULL;
	const char *nm;

	(void)state;
	vec_load(&v, "keys.txt");
	nm = vec_get(&v, "name");
	vec_bin(seed, sizeof seed, &v, "seed");
	vec_bin(pk, sizeof pk, &v, "pk");
	vec_bin(mk, sizeof mk, &v, "minisign_keyid");

	assert_int_equal(key_identity_from_seed(&id, nm, seed), 0);
	assert_memory_equal(id->pk, pk, KEY_PK_BYTES);
	assert_string_equal(id->name, nm);
	/* libsodium's secret key is seed || pk */
	assert_memory_equal(id->sk, seed, KEY_SEED_BYTES);
	assert_memory_equal(id->sk + KEY_SEED_BYTES, pk, KEY_PK_BYTES);

	key_fingerprint(buf, pk);
	assert_string_equal(buf, vec_get(&v, "fingerprint"));

	snprintf(buf, sizeof buf, "%08x", key_c2sp_keyid(nm, pk));
	assert_string_equal(buf, vec_get(&v, "c2sp_keyid"));
	assert_int_equal(key_c2sp_vkey(buf, sizeof buf, nm, pk), 0);
	assert_string_equal(buf, vec_get(&v, "c2sp_vkey"));

	key_minisign_keyid(got, pk);
	assert_memory_equal(got, mk, 8);
	assert_int_equal(key_minisign_pub(buf, sizeof buf, pk), 0);
	snprintf(want, sizeof want, "%s\n%s\n",
	    vec_get(&v, "minisign_pub_comment"), vec_get(&v, "minisign_pub_key"));
	assert_string_equal(buf, want);

	/* every public form parses back to the key */
	assert_int_equal(key_parse_public(got, name, vec_get(&v, "c2sp_vkey")),
	    0);
	assert_memory_equal(got, pk, KEY_PK_BYTES);
	assert_string_equal(name, nm);
	memset(got, 0, sizeof got);
	assert_int_equal(key_parse_public(got, name,
	    vec_get(&v, "minisign_pub_key")), 0);
	assert_memory_equal(got, pk, KEY_PK_BYTES);
	assert_string_equal(name, "");
	memset(got, 0, sizeof got);
	assert_int_equal(key_parse_public(got, NULL, want), 0);
	assert_memory_equal(got, pk, KEY_PK_BYTES);
	memset(got, 0, sizeof got);
	assert_int_equal(key_parse_public(got, name, vec_get(&v, "pk")), 0);
	assert_memory_equal(got, pk, KEY_PK_BYTES);
	key_hex(hex, pk, sizeof pk);
	assert_string_equal(hex, vec_get(&v, "pk"));

	key_identity_free(id);
}

/*
 * The Go sumdb/note example: its verifier key parses, and re-encodes to
 * the same string; its signer key's seed gives the same public key and,
 * Ed25519 being deterministic, the very signature of the Go example.
 */
static void
test_go_note_example(void **state)
{
	unsigned char pk[KEY_PK_BYTES], raw[33], sig[4 + KEY_SIG_BYTES];
	unsigned char mysig[KEY_SIG_BYTES];
	char name[KEY_NAME_MAX + 1], buf[256];
	key_identity *id = NULL;
	size_t len;

	(void)state;
	assert_int_equal(key_parse_public(pk, name, GO_VKEY), 0);
	assert_string_equal(name, "PeterNeumann");
	assert_int_equal(key_c2sp_keyid(name, pk), 0xc74f20a3U);
	assert_int_equal(key_c2sp_vkey(buf, sizeof buf, name, pk), 0);
	assert_string_equal(buf, GO_VKEY);

	/* surrounding white space is tolerated */
	memset(pk, 0, sizeof pk);
	assert_int_equal(key_parse_public(pk, name, "  " GO_VKEY "\r\n"), 0);
	assert_string_equal(name, "PeterNeumann");

	assert_int_equal(sodium_base642bin(raw, sizeof raw, GO_SKEY_B64,
	    strlen(GO_SKEY_B64), NULL, &len, NULL,
	    sodium_base64_VARIANT_ORIGINAL), 0);
	assert_int_equal(len, 33);
	assert_int_equal(raw[0], 0x01);
	assert_int_equal(key_identity_from_seed(&id, "PeterNeumann", raw + 1),
	    0);
	assert_memory_equal(id->pk, pk, KEY_PK_BYTES);

	assert_int_equal(sodium_base642bin(sig, sizeof sig, GO_SIG_B64,
	    strlen(GO_SIG_B64), NULL, &len, NULL,
	    sodium_base64_VARIANT_ORIGINAL), 0);
	assert_int_equal(len, sizeof sig);
	assert_int_equal(((unsigned int)sig[0] << 24 | (unsigned int)sig[1] << 16 |
	    (unsigned int)sig[2] << 8 | sig[3]), key_c2sp_keyid(name, pk));
	crypto_sign_detached(mysig, NULL, (const unsigned char *)GO_TEXT,
	    strlen(GO_TEXT), id->sk);
	assert_memory_equal(mysig, sig + 4, KEY_SIG_BYTES);
	key_identity_free(id);
}

static void
test_name_valid(void **state)
{
	static const char *good[] = {
		"a", "alice", "example.com/log", "ru-delegation_1",
		"\xd0\x98\xd0\xb2\xd0\xb0\xd0\xbd",         /* Ivan, Cyrillic */
		"\xe4\xb8\xad", "\xf0\x9f\x94\x91",         /* 3 and 4 bytes */
		"PeterNeumann",
	};
	static const char *bad[] = {
		"", "a b", "a\tb", "a\nb", "a\rb", "a+b", "+", "\x01", "a\x7f",
		"\xff", "\xc0\xaf",                   /* overlong '/' */
		"\xe0\x80\xaf",                       /* overlong */
		"\xed\xa0\x80",                       /* surrogate */
		"\xf4\x90\x80\x80",                   /* above U+10FFFF */
		"\xd0",                               /* truncated */
		"\xd0\x41",                           /* bad continuation */
		"\xc2\x85",                           /* NEL, C1 control */
		"\xc2\xa0",                           /* no-break space */
		"a\xe2\x80\x83z",                     /* em space */
		"\xe3\x80\x80",                       /* ideographic space */
	};
	char max[KEY_NAME_MAX + 2];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof good / sizeof good[0]; i++)
		assert_true(key_name_valid(good[i]));
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (key_name_valid(bad[i]))
			fail_msg("name %zu accepted", i);
	assert_false(key_name_valid(NULL));
	memset(max, 'x', sizeof max - 1);
	max[KEY_NAME_MAX] = '\0';
	assert_true(key_name_valid(max));
	max[KEY_NAME_MAX] = 'x';
	max[KEY_NAME_MAX + 1] = '\0';
	assert_false(key_name_valid(max));
}

static void
test_identity_errors(void **state)
{
	unsigned char seed[KEY_SEED_BYTES] = { 0 };
	key_identity *id = (key_identity *)&id;

	(void)state;
	assert_int_equal(key_identity_from_seed(&id, "a b", seed), DT_EINVAL);
	assert_null(id);
	id = (key_identity *)&id;
	assert_int_equal(key_identity_from_seed(&id, "", seed), DT_EINVAL);
	assert_null(id);
	key_identity_free(NULL);
}

static void
test_fingerprint_format(void **state)
{
	unsigned char pk[KEY_PK_BYTES];
	char f[KEY_FINGERPRINT_BYTES];
	size_t i;
	int round;

	(void)state;
	for (round = 0; round < 64; round++) {
		randombytes_buf(pk, sizeof pk);
		memset(f, 'z', sizeof f);
		key_fingerprint(f, pk);
		assert_int_equal(strlen(f), KEY_FINGERPRINT_BYTES - 1);
		for (i = 0; i < KEY_FINGERPRINT_BYTES - 1; i++) {
			if (i % 5 == 4)
				assert_int_equal(f[i], ' ');
			else
				assert_non_null(strchr("0123456789ABCDEF",
				    f[i]));
		}
	}
}

static void
test_buffer_sizes(void **state)
{
	unsigned char pk[KEY_PK_BYTES];
	char buf[256];
	size_t need;

	(void)state;
	randombytes_buf(pk, sizeof pk);
	assert_int_equal(key_c2sp_vkey(buf, sizeof buf, "alice", pk), 0);
	need = strlen(buf) + 1;
	assert_int_equal(need, 5 + 1 + 8 + 1 + 44 + 1);
	assert_int_equal(key_c2sp_vkey(buf, need, "alice", pk), 0);
	assert_int_equal(key_c2sp_vkey(buf, need - 1, "alice", pk), DT_ERANGE);
	assert_int_equal(key_c2sp_vkey(buf, sizeof buf, "al+ice", pk),
	    DT_EINVAL);
	assert_int_equal(key_c2sp_vkey(buf, sizeof buf, "", pk), DT_EINVAL);

	assert_int_equal(key_minisign_pub(buf, sizeof buf, pk), 0);
	need = strlen(buf) + 1;
	assert_int_equal(need, 39 + 16 + 1 + 56 + 1 + 1);
	assert_int_equal(key_minisign_pub(buf, need, pk), 0);
	assert_int_equal(key_minisign_pub(buf, need - 1, pk), DT_ERANGE);
}

/* The minisign comment shows the key id bytes reversed, upper case. */
static void
test_minisign_pub_layout(void **state)
{
	unsigned char pk[KEY_PK_BYTES], mk[8], raw[42];
	char buf[256], hex[17], *nl;
	size_t len, i;

	(void)state;
	randombytes_buf(pk, sizeof pk);
	key_minisign_keyid(mk, pk);
	assert_int_equal(key_minisign_pub(buf, sizeof buf, pk), 0);
	for (i = 0; i < 8; i++)
		snprintf(hex + 2 * i, 3, "%02X", mk[7 - i]);
	assert_int_equal(strncmp(buf, "untrusted comment: minisign public key ",
	    39), 0);
	assert_memory_equal(buf + 39, hex, 16);
	assert_int_equal(buf[55], '\n');
	nl = buf + 56;
	assert_int_equal(strlen(nl), 57);
	assert_int_equal(nl[56], '\n');
	assert_int_equal(sodium_base642bin(raw, sizeof raw, nl, 56, NULL, &len,
	    NULL, sodium_base64_VARIANT_ORIGINAL), 0);
	assert_int_equal(len, 42);
	assert_memory_equal(raw, "Ed", 2);
	assert_memory_equal(raw + 2, mk, 8);
	assert_memory_equal(raw + 10, pk, KEY_PK_BYTES);
}

static void
test_parse_public_rejects(void **state)
{
	static const char *bad[] = {
		"", "   \n", "zz",
		/* 63 and 65 hex digits, and a non-hex digit */
		"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1",
		"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f0",
		"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1g",
		"00010203 0405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
		/* Go example: key id off by one digit */
		"PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
		/* another name, same key id */
		"PeterNeumanm+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
		/* type byte 0x02 instead of 0x01 */
		"PeterNeumann+c74f20a3+Ahpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
		/* one key bit changed */
		"PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TX",
		/* truncated, short key id, missing parts, spaces in the name */
		"PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T",
		"PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
		"PeterNeumann+c74f20a3", "+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
		"Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
		"PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW+",
		/* minisign line: "ED" is a signature algorithm, not a key */
		"RUSlqpAPQ49guwOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4",
		"RWSlqpAPQ49guwOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG",
		"untrusted comment: no key follows",
	};
	unsigned char pk[KEY_PK_BYTES], before[KEY_PK_BYTES];
	char name[KEY_NAME_MAX + 1] = "unchanged";
	size_t i;

	(void)state;
	randombytes_buf(pk, sizeof pk);
	memcpy(before, pk, sizeof pk);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (key_parse_public(pk, name, bad[i]) != DT_EFORMAT)
			fail_msg("accepted bad key %zu: %s", i, bad[i]);
	assert_int_equal(key_parse_public(pk, name, NULL), DT_EFORMAT);
	/* nothing written on failure */
	assert_memory_equal(pk, before, sizeof pk);
	assert_string_equal(name, "unchanged");
}

static void
test_hex(void **state)
{
	unsigned char in[40], out[40];
	char hex[81];

	(void)state;
	randombytes_buf(in, sizeof in);
	key_hex(hex, in, sizeof in);
	assert_int_equal(strlen(hex), 80);
	assert_int_equal(key_unhex(out, sizeof out, hex), 0);
	assert_memory_equal(in, out, sizeof in);
	key_hex(hex, (const unsigned char *)"\x01\xab\xff", 3);
	assert_string_equal(hex, "01abff");
	assert_int_equal(key_unhex(out, 3, "01ABFF"), 0);
	assert_memory_equal(out, "\x01\xab\xff", 3);
	assert_int_equal(key_unhex(out, 3, "01abf"), DT_EFORMAT);
	assert_int_equal(key_unhex(out, 3, "01abff00"), DT_EFORMAT);
	assert_int_equal(key_unhex(out, 3, "01abfg"), DT_EFORMAT);
	assert_int_equal(key_unhex(out, 3, "01 bff"), DT_EFORMAT);
	assert_int_equal(key_unhex(out, 3, NULL), DT_EFORMAT);
	assert_int_equal(key_unhex(out, 0, ""), 0);
}

static void
test_strerror(void **state)
{
	int e, f;

	(void)state;
	assert_string_equal(dt_strerror(0), "success");
	for (e = DT_ENOMEM; e > DT_ERR_MIN_; e--) {
		assert_non_null(dt_strerror(e));
		assert_string_not_equal(dt_strerror(e), "unknown error");
		for (f = e - 1; f > DT_ERR_MIN_; f--)
			assert_string_not_equal(dt_strerror(e), dt_strerror(f));
	}
	assert_string_equal(dt_strerror(DT_ERR_MIN_), "unknown error");
	assert_string_equal(dt_strerror(1), "unknown error");
}

/* --- an identity held elsewhere (the agent's key_ops) ------------------- */

struct fake_holder {
	key_identity *real;  /* the key the holder signs with */
	int lie;             /* 1: flip a bit of every signature */
	int *freed_flag;
};

static int
fake_sign(void *arg, unsigned char sig[KEY_SIG_BYTES], const unsigned char *m,
    size_t mlen, const unsigned char pk[KEY_PK_BYTES])
{
	struct fake_holder *h = arg;

	if (memcmp(pk, h->real->pk, KEY_PK_BYTES) != 0)
		return DT_EAGENT;
	crypto_sign_detached(sig, NULL, m, mlen, h->real->sk);
	if (h->lie)
		sig[0] ^= 1;
	return 0;
}

static int
fake_open(void *arg, unsigned char *out, const unsigned char *c, size_t clen,
    const unsigned char pk[KEY_PK_BYTES])
{
	struct fake_holder *h = arg;

	(void)pk;
	return key_seal_open(out, c, clen, h->real);
}

static void
fake_free(void *arg)
{
	struct fake_holder *h = arg;

	*h->freed_flag = 1;
}

static const key_ops fake_ops = { fake_sign, fake_open, fake_free, NULL };

static void
test_remote_identity(void **state)
{
	unsigned char seed[KEY_SEED_BYTES], sig[KEY_SIG_BYTES], xpk[32];
	unsigned char box[crypto_box_SEALBYTES + 5], plain[5];
	const unsigned char msg[] = "detente test message";
	struct fake_holder h;
	key_identity *real = NULL, *remote = NULL;
	int freed = 0;

	(void)state;
	memset(seed, 7, sizeof(seed));
	assert_int_equal(key_identity_from_seed(&real, "alice", seed), 0);
	memset(&h, 0, sizeof(h));
	h.real = real;
	h.freed_flag = &freed;
	assert_int_equal(key_identity_remote(&remote, "alice", real->pk,
	    &fake_ops, &h), 0);
	assert_null(remote->sk);
	assert_int_equal(key_identity_usable(remote), 1);

	/* an honest holder: the signature verifies under the public key */
	assert_int_equal(key_sign(sig, msg, sizeof(msg), remote), 0);
	assert_int_equal(crypto_sign_verify_detached(sig, msg, sizeof(msg),
	    real->pk), 0);
	/* a holder that lies is caught by key_sign() itself */
	h.lie = 1;
	assert_int_equal(key_sign(sig, msg, sizeof(msg), remote), DT_ESIG);
	h.lie = 0;

	/* a sealed box opens through the holder as with the key itself */
	assert_int_equal(crypto_sign_ed25519_pk_to_curve25519(xpk, real->pk),
	    0);
	assert_int_equal(crypto_box_seal(box, (const unsigned char *)"hello",
	    5, xpk), 0);
	assert_int_equal(key_seal_open(plain, box, sizeof(box), real), 0);
	assert_memory_equal(plain, "hello", 5);
	memset(plain, 0, sizeof(plain));
	assert_int_equal(key_seal_open(plain, box, sizeof(box), remote), 0);
	assert_memory_equal(plain, "hello", 5);
	box[crypto_box_SEALBYTES] ^= 1;
	assert_int_equal(key_seal_open(plain, box, sizeof(box), real),
	    DT_EDECRYPT);

	/* freeing the identity releases the holder's argument */
	key_identity_free(remote);
	assert_int_equal(freed, 1);
	/* a bad name: the argument is released all the same */
	freed = 0;
	assert_int_equal(key_identity_remote(&remote, "a b", real->pk,
	    &fake_ops, &h), DT_EINVAL);
	assert_null(remote);
	assert_int_equal(freed, 1);
	assert_int_equal(key_identity_usable(NULL), 0);
	key_identity_free(real);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_go_note_example),
		cmocka_unit_test(test_name_valid),
		cmocka_unit_test(test_identity_errors),
		cmocka_unit_test(test_fingerprint_format),
		cmocka_unit_test(test_buffer_sizes),
		cmocka_unit_test(test_minisign_pub_layout),
		cmocka_unit_test(test_parse_public_rejects),
		cmocka_unit_test(test_hex),
		cmocka_unit_test(test_strerror),
		cmocka_unit_test(test_remote_identity),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
