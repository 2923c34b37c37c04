/*
 * test_minisig.c: minisign signature files (crypto/minisig.h).
 *
 * tests/vectors/minisig.txt was written with PyNaCl from the format
 * alone; the library must reproduce it byte for byte and verify it.  The
 * outside checks run the minisign program itself, when it is installed:
 * it must verify what the library signs, and the library must verify
 * what minisign signs with a key minisign generated (its key id random).
 * Forgeries (one byte changed in the file, the signature, the trusted
 * comment, the key id) must fail.
 */
#include "test_util.h"

#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "../../crypto/err.h"
#include "../../crypto/keys.h"
#include "../../crypto/minisig.h"

/* The vector file's values, loaded once. */
static char *v_message, *v_untrusted, *v_trusted, *v_sig_line;
static char *v_global_line, *v_pub, *v_hash_hex, *v_keyid_hex;
static key_identity *alice;

static char *
need(const char *name)
{
	char *s = tu_vector("minisig.txt", name);

	if (s == NULL)
		fail_msg("minisig.txt: no %s (set DETENTE_VECTORS)", name);
	return s;
}

static int
group_setup(void **state)
{
	unsigned char seed[KEY_SEED_BYTES];
	char *hex;

	(void)state;
	if (sodium_init() < 0)
		return -1;
	v_message = need("message");
	v_untrusted = need("untrusted");
	v_trusted = need("trusted");
	v_sig_line = need("sig_line");
	v_global_line = need("global_line");
	v_pub = need("minisign_pub_key");
	v_hash_hex = need("message_blake2b512");
	v_keyid_hex = need("keyid");
	hex = need("seed");
	if (key_unhex(seed, sizeof(seed), hex) != 0)
		return -1;
	free(hex);
	return key_identity_from_seed(&alice, "alice", seed) == 0 ? 0 : -1;
}

static int
group_teardown(void **state)
{
	(void)state;
	free(v_message);
	free(v_untrusted);
	free(v_trusted);
	free(v_sig_line);
	free(v_global_line);
	free(v_pub);
	free(v_hash_hex);
	free(v_keyid_hex);
	key_identity_free(alice);
	return 0;
}

/* vector_file() - the signature file of the vectors, malloc'd. */
static char *
vector_file(size_t *len)
{
	char *s = NULL;
	int n = asprintf(&s,
	    "untrusted comment: %s\n%s\ntrusted comment: "
	    "%s\n%s\n",
	    v_untrusted, v_sig_line, v_trusted, v_global_line);

	assert_true(n > 0);
	*len = (size_t)n;
	return s;
}

static void
message_hash(unsigned char h[MINISIG_HASH_BYTES])
{
	minisig_hash(h, (const unsigned char *)v_message, strlen(v_message));
}

/* The library's hash and signature are the vector's, byte for byte. */
static void
test_vector_sign(void **state)
{
	unsigned char h[MINISIG_HASH_BYTES], want[MINISIG_HASH_BYTES];
	char *sig = NULL, *file;
	size_t len = 0, flen;

	(void)state;
	message_hash(h);
	assert_int_equal(key_unhex(want, sizeof(want), v_hash_hex), 0);
	assert_memory_equal(h, want, sizeof(h));
	assert_int_equal(minisig_sign(&sig, &len, h, v_trusted, v_untrusted,
			     alice),
	    0);
	file = vector_file(&flen);
	assert_int_equal(len, flen);
	assert_string_equal(sig, file);
	free(sig);
	free(file);
}

/* The vector parses into its parts and verifies with alice's key. */
static void
test_vector_verify(void **state)
{
	unsigned char h[MINISIG_HASH_BYTES], kid[MINISIG_KEYID_BYTES];
	unsigned char pk[KEY_PK_BYTES], want[MINISIG_KEYID_BYTES];
	char *file;
	size_t flen;
	minisig s;

	(void)state;
	file = vector_file(&flen);
	assert_int_equal(minisig_parse(&s, file, flen), 0);
	assert_int_equal(s.prehashed, 1);
	assert_int_equal(key_unhex(want, sizeof(want), v_keyid_hex), 0);
	assert_memory_equal(s.keyid, want, sizeof(want));
	assert_int_equal(s.trusted_len, strlen(v_trusted));
	assert_memory_equal(s.trusted, v_trusted, s.trusted_len);
	assert_int_equal(s.untrusted_len, strlen(v_untrusted));
	assert_memory_equal(s.untrusted, v_untrusted, s.untrusted_len);

	assert_int_equal(minisig_pubkey_parse(kid, pk, v_pub, strlen(v_pub)),
	    0);
	assert_memory_equal(pk, alice->pk, KEY_PK_BYTES);
	assert_memory_equal(kid, want, sizeof(want));
	message_hash(h);
	assert_int_equal(minisig_verify(file, flen, h, pk, kid, NULL), 0);
	/* without a key id, too (key_parse_public() gives none) */
	assert_int_equal(minisig_verify(file, flen, h, pk, NULL, NULL), 0);
	free(file);
}

/* One changed byte anywhere that is signed makes verification fail. */
static void
test_forgeries(void **state)
{
	unsigned char h[MINISIG_HASH_BYTES], kid[MINISIG_KEYID_BYTES];
	unsigned char pk[KEY_PK_BYTES];
	const char *why;
	char *file, *t;
	size_t flen, i, l2, l3;
	int rc;

	(void)state;
	file = vector_file(&flen);
	assert_int_equal(minisig_pubkey_parse(kid, pk, v_pub, strlen(v_pub)),
	    0);
	/* the file: one byte of the message changed */
	t = strdup(v_message);
	t[0] ^= 0x01;
	minisig_hash(h, (const unsigned char *)t, strlen(t));
	why = NULL;
	assert_int_equal(minisig_verify(file, flen, h, pk, kid, &why), DT_ESIG);
	assert_non_null(why);
	free(t);
	message_hash(h);

	/* every character of the signature line, changed */
	l2 = strchr(file, '\n') - file + 1;
	l3 = l2 + strlen(v_sig_line) + 1;
	for (i = l2; i < l3 - 1; i++) {
		t = strdup(file);
		t[i] = t[i] == 'A' ? 'B' : 'A';
		rc = minisig_verify(t, flen, h, pk, kid, NULL);
		assert_true(rc == DT_ESIG || rc == DT_EFORMAT);
		free(t);
	}
	/* one character of the trusted comment */
	t = strdup(file);
	i = l3 + strlen("trusted comment: ") + 10;
	t[i] = t[i] == '0' ? '1' : '0';
	why = NULL;
	assert_int_equal(minisig_verify(t, flen, h, pk, kid, &why), DT_ESIG);
	assert_string_equal(why,
	    "the signature of the trusted comment does not verify");
	free(t);
	/* every character of the global signature line */
	for (i = flen - 1 - strlen(v_global_line); i < flen - 1; i++) {
		t = strdup(file);
		t[i] = t[i] == 'A' ? 'B' : 'A';
		rc = minisig_verify(t, flen, h, pk, kid, NULL);
		assert_true(rc == DT_ESIG || rc == DT_EFORMAT);
		free(t);
	}
	/* the untrusted comment is not signed: changing it is allowed */
	t = strdup(file);
	t[strlen("untrusted comment: ")] = 'S';
	assert_int_equal(minisig_verify(t, flen, h, pk, kid, NULL), 0);
	free(t);
	/* another key id, another key */
	kid[0] ^= 1;
	assert_int_equal(minisig_verify(file, flen, h, pk, kid, NULL), DT_ESIG);
	pk[1] ^= 1;
	assert_int_equal(minisig_verify(file, flen, h, pk, NULL, NULL),
	    DT_ESIG);
	free(file);
}

/* Layouts minisig_parse() refuses. */
static void
test_parse_rejects(void **state)
{
	char *file, *t;
	size_t flen;
	minisig s;

	(void)state;
	file = vector_file(&flen);
	/* truncated anywhere */
	for (size_t n = 0; n < flen; n++)
		assert_int_equal(minisig_parse(&s, file, n), DT_EFORMAT);
	/* a byte after the last line */
	t = malloc(flen + 2);
	memcpy(t, file, flen);
	t[flen] = '\n';
	assert_int_equal(minisig_parse(&s, t, flen + 1), DT_EFORMAT);
	free(t);
	/* CR LF line ends */
	assert_int_equal(asprintf(&t,
			     "untrusted comment: x\r\n%s\r\ntrusted "
			     "comment: y\r\n%s\r\n",
			     v_sig_line, v_global_line) > 0,
	    1);
	assert_int_equal(minisig_parse(&s, t, strlen(t)), DT_EFORMAT);
	free(t);
	/* base64 without its padding */
	assert_int_equal(asprintf(&t,
			     "untrusted comment: x\n%.*s\ntrusted "
			     "comment: y\n%s\n",
			     (int)strlen(v_sig_line) - 1, v_sig_line,
			     v_global_line) > 0,
	    1);
	assert_int_equal(minisig_parse(&s, t, strlen(t)), DT_EFORMAT);
	free(t);
	/* a wrong prefix */
	assert_int_equal(asprintf(&t,
			     "untrusted comment x\n%s\ntrusted "
			     "comment: y\n%s\n",
			     v_sig_line, v_global_line) > 0,
	    1);
	assert_int_equal(minisig_parse(&s, t, strlen(t)), DT_EFORMAT);
	free(t);
	/* an unknown algorithm: "EX" in place of "ED" */
	{
		unsigned char raw[74];
		char line[101];
		size_t got = 0;

		assert_int_equal(sodium_base642bin(raw, sizeof(raw), v_sig_line,
				     strlen(v_sig_line), NULL, &got, NULL,
				     sodium_base64_VARIANT_ORIGINAL),
		    0);
		assert_int_equal(got, sizeof(raw));
		raw[1] = 'X';
		sodium_bin2base64(line, sizeof(line), raw, sizeof(raw),
		    sodium_base64_VARIANT_ORIGINAL);
		assert_int_equal(asprintf(&t,
				     "untrusted comment: x\n%s\n"
				     "trusted comment: y\n%s\n",
				     line, v_global_line) > 0,
		    1);
		assert_int_equal(minisig_parse(&s, t, strlen(t)), DT_EFORMAT);
		free(t);
		/* legacy "Ed" parses, but is not verified here */
		raw[1] = 'd';
		sodium_bin2base64(line, sizeof(line), raw, sizeof(raw),
		    sodium_base64_VARIANT_ORIGINAL);
		assert_int_equal(asprintf(&t,
				     "untrusted comment: x\n%s\n"
				     "trusted comment: y\n%s\n",
				     line, v_global_line) > 0,
		    1);
		assert_int_equal(minisig_parse(&s, t, strlen(t)), 0);
		assert_int_equal(s.prehashed, 0);
		assert_int_equal(minisig_verify(t, strlen(t), raw, alice->pk,
				     NULL, NULL),
		    DT_EFORMAT);
		free(t);
	}
	free(file);
}

/* Comments with line breaks or over minisign's limits are refused. */
static void
test_sign_limits(void **state)
{
	unsigned char h[MINISIG_HASH_BYTES];
	char *sig = NULL, *big;
	size_t len;
	minisig s;

	(void)state;
	message_hash(h);
	assert_int_equal(minisig_sign(&sig, &len, h, "a\nb", "u", alice),
	    DT_EINVAL);
	assert_int_equal(minisig_sign(&sig, &len, h, "t", "a\rb", alice),
	    DT_EINVAL);
	big = malloc(MINISIG_TRUSTED_MAX + 2);
	memset(big, 'x', MINISIG_TRUSTED_MAX + 1);
	big[MINISIG_TRUSTED_MAX + 1] = '\0';
	assert_int_equal(minisig_sign(&sig, &len, h, big, "u", alice),
	    DT_EINVAL);
	big[MINISIG_TRUSTED_MAX] = '\0';
	assert_int_equal(minisig_sign(&sig, &len, h, big, "u", alice), 0);
	assert_int_equal(minisig_parse(&s, sig, len), 0);
	assert_int_equal(s.trusted_len, MINISIG_TRUSTED_MAX);
	assert_int_equal(minisig_verify(sig, len, h, alice->pk, NULL, NULL), 0);
	free(sig);
	big[MINISIG_UNTRUSTED_MAX + 1] = '\0';
	assert_int_equal(minisig_sign(&sig, &len, h, "t", big, alice),
	    DT_EINVAL);
	big[MINISIG_UNTRUSTED_MAX] = '\0';
	assert_int_equal(minisig_sign(&sig, &len, h, "t", big, alice), 0);
	free(sig);
	free(big);
}

/* minisig_hash_file() reads a file as minisig_hash() hashes bytes. */
static void
test_hash_file(void **state)
{
	unsigned char a[MINISIG_HASH_BYTES], b[MINISIG_HASH_BYTES];
	char *dir = tu_tmpdir(), path[512];
	unsigned char *big = malloc(200000);
	FILE *f;
	size_t i;

	(void)state;
	for (i = 0; i < 200000; i++)
		big[i] = (unsigned char)(i * 7);
	snprintf(path, sizeof(path), "%s/f", dir);
	assert_non_null(f = fopen(path, "wb"));
	assert_int_equal(fwrite(big, 1, 200000, f), 200000);
	fclose(f);
	assert_int_equal(minisig_hash_file(a, path), 0);
	minisig_hash(b, big, 200000);
	assert_memory_equal(a, b, sizeof(a));
	snprintf(path, sizeof(path), "%s/none", dir);
	assert_int_equal(minisig_hash_file(a, path), DT_ENOENT);
	free(big);
	tu_rmtree(dir);
}

/* --- the minisign program ------------------------------------------- */

static int
have_minisign(void)
{
	return system("minisign -v >/dev/null 2>&1") == 0;
}

/* write_text() - a file's contents. */
static void
write_text(const char *path, const char *s, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(s, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static char *
read_text(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = calloc(1, 65536);

	assert_non_null(f);
	*len = fread(buf, 1, 65535, f);
	fclose(f);
	return buf;
}

static int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* run() - a shell command, formatted. */
static int
run(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

/* minisign verifies what the library signs, and refuses a forgery. */
static void
test_minisign_verifies_ours(void **state)
{
	unsigned char h[MINISIG_HASH_BYTES];
	char *dir, m[512], x[512], *sig = NULL;
	size_t len;

	(void)state;
	if (!have_minisign())
		skip();
	dir = tu_tmpdir();
	snprintf(m, sizeof(m), "%s/m", dir);
	snprintf(x, sizeof(x), "%s/m.minisig", dir);
	write_text(m, v_message, strlen(v_message));
	message_hash(h);
	assert_int_equal(minisig_sign(&sig, &len, h, v_trusted, v_untrusted,
			     alice),
	    0);
	write_text(x, sig, len);
	assert_int_equal(run("minisign -Vm '%s' -x '%s' -P %s >/dev/null", m, x,
			     v_pub),
	    0);
	/* one byte of the file changed */
	write_text(m, "X", 1);
	assert_int_not_equal(run("minisign -Vm '%s' -x '%s' -P %s >/dev/null "
				 "2>&1",
				 m, x, v_pub),
	    0);
	/* the trusted comment changed */
	write_text(m, v_message, strlen(v_message));
	sig[strchr(sig, '\n') - sig + 1 + 100 + 1 + 17 + 3] ^= 1;
	write_text(x, sig, len);
	assert_int_not_equal(run("minisign -Vm '%s' -x '%s' -P %s >/dev/null "
				 "2>&1",
				 m, x, v_pub),
	    0);
	free(sig);
	tu_rmtree(dir);
}

/*
 * The library verifies what minisign signs with a key minisign made
 * (read with key_parse_public(), as a user would give it), and refuses
 * it once the file changes.
 */
static void
test_we_verify_minisign(void **state)
{
	unsigned char h[MINISIG_HASH_BYTES], pk[KEY_PK_BYTES];
	unsigned char kid[MINISIG_KEYID_BYTES];
	char *dir, m[512], pub[512], sec[512], x[512], *text, *ptext;
	size_t len, plen;
	minisig s;

	(void)state;
	if (!have_minisign())
		skip();
	dir = tu_tmpdir();
	snprintf(m, sizeof(m), "%s/m", dir);
	snprintf(pub, sizeof(pub), "%s/pub", dir);
	snprintf(sec, sizeof(sec), "%s/sec", dir);
	snprintf(x, sizeof(x), "%s/m.minisig", dir);
	write_text(m, v_message, strlen(v_message));
	assert_int_equal(run("minisign -G -W -p '%s' -s '%s' >/dev/null", pub,
			     sec),
	    0);
	assert_int_equal(run("minisign -Sm '%s' -s '%s' -t 'trusted "
			     "%s' >/dev/null",
			     m, sec, "by minisign"),
	    0);
	ptext = read_text(pub, &plen);
	assert_int_equal(key_parse_public(pk, NULL, ptext), 0);
	assert_int_equal(minisig_pubkey_parse(kid, pk, ptext, plen), 0);
	text = read_text(x, &len);
	assert_int_equal(minisig_parse(&s, text, len), 0);
	assert_int_equal(s.prehashed, 1);
	assert_memory_equal(s.keyid, kid, sizeof(kid));
	assert_int_equal(s.trusted_len, strlen("trusted by minisign"));
	assert_memory_equal(s.trusted, "trusted by minisign", s.trusted_len);
	assert_int_equal(minisig_hash_file(h, m), 0);
	assert_int_equal(minisig_verify(text, len, h, pk, kid, NULL), 0);
	assert_int_equal(minisig_verify(text, len, h, pk, NULL, NULL), 0);
	/* the file changed by one byte */
	write_text(m, "Minutes", 7);
	assert_int_equal(minisig_hash_file(h, m), 0);
	assert_int_equal(minisig_verify(text, len, h, pk, kid, NULL), DT_ESIG);
	/* alice's key is not minisign's */
	assert_int_equal(minisig_hash_file(h, m), 0);
	write_text(m, v_message, strlen(v_message));
	assert_int_equal(minisig_hash_file(h, m), 0);
	assert_int_equal(minisig_verify(text, len, h, alice->pk, NULL, NULL),
	    DT_ESIG);
	free(text);
	free(ptext);
	tu_rmtree(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vector_sign),
		cmocka_unit_test(test_vector_verify),
		cmocka_unit_test(test_forgeries),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_sign_limits),
		cmocka_unit_test(test_hash_file),
		cmocka_unit_test(test_minisign_verifies_ours),
		cmocka_unit_test(test_we_verify_minisign),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
