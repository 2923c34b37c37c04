/*
 * test_keystore.c: keystore encoding, decoding, files; tamper cases.
 *
 * tests/vectors/keystore.txt holds a keystore file made from fixed
 * inputs; the encoder must reproduce it byte for byte and the decoder
 * must open it.  Every test uses KEYSTORE_KDF_MIN so that Argon2id is
 * fast, except where a preset itself is checked.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* mkdtemp, symlink, lstat */
#endif
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "crypto/err.h"
#include "crypto/keys.h"
#include "crypto/keystore.h"

#define PASS "correct horse"
#define PASSLEN (sizeof PASS - 1)
#define OFF_OPS 8
#define OFF_MEM 16
#define OFF_PK 64
#define OFF_NAME 96

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

/* A keystore for "alice" under PASS with the MIN preset, fixed inputs. */
static size_t
make_ks(unsigned char ks[KEYSTORE_MAX_BYTES], unsigned char seed[KEY_SEED_BYTES])
{
	unsigned char salt[KEYSTORE_SALT_BYTES], nonce[KEYSTORE_NONCE_BYTES];
	uint64_t ops, mem;
	size_t len = 0, i;

	for (i = 0; i < KEY_SEED_BYTES; i++)
		seed[i] = (unsigned char)(0xa0 + i);
	memset(salt, 0x5a, sizeof salt);
	memset(nonce, 0xc3, sizeof nonce);
	assert_int_equal(keystore_kdf_params(&ops, &mem, KEYSTORE_KDF_MIN), 0);
	assert_int_equal(keystore_encode(ks, &len, "alice", seed, PASS,
	    PASSLEN, ops, mem, salt, nonce), 0);
	assert_int_equal(len, KEYSTORE_FIXED_BYTES + 5 + 48);
	return len;
}

static void
store64(unsigned char *p, uint64_t v)
{
	int i;

	for (i = 7; i >= 0; i--) {
		p[i] = (unsigned char)v;
		v >>= 8;
	}
}

static void
test_vectors(void **state)
{
	static vec v;
	unsigned char seed[KEY_SEED_BYTES], salt[KEYSTORE_SALT_BYTES];
	unsigned char nonce[KEYSTORE_NONCE_BYTES], pk[KEY_PK_BYTES];
	unsigned char want[KEYSTORE_MAX_BYTES], got[KEYSTORE_MAX_BYTES];
	const char *hex, *pass, *name;
	unsigned long long ops, mem;
	uint64_t pops, pmem;
	key_identity *id = NULL;
	size_t wantlen, len = 0;

	(void)state;
	vec_load(&v, "keystore.txt");
	name = vec_get(&v, "name");
	pass = vec_get(&v, "passphrase");
	vec_bin(seed, sizeof seed, &v, "seed");
	vec_bin(salt, sizeof salt, &v, "salt");
	vec_bin(nonce, sizeof nonce, &v, "nonce");
	vec_bin(pk, sizeof pk, &v, "pk");
	ops = strtoull(vec_get(&v, "opslimit"), NULL, 10);
	mem = strtoull(vec_get(&v, "memlimit"), NULL, 10);
	hex = vec_get(&v, "keystore");
	wantlen = strlen(hex) / 2;
	assert_true(wantlen <= sizeof want);
	assert_int_equal(key_unhex(want, wantlen, hex), 0);

	/* the vectors use the MIN preset */
	assert_int_equal(keystore_kdf_params(&pops, &pmem, KEYSTORE_KDF_MIN), 0);
	assert_int_equal(pops, ops);
	assert_int_equal(pmem, mem);

	assert_int_equal(keystore_encode(got, &len, name, seed, pass,
	    strlen(pass), ops, mem, salt, nonce), 0);
	assert_int_equal(len, wantlen);
	assert_memory_equal(got, want, wantlen);

	assert_int_equal(keystore_decode(&id, want, wantlen, pass,
	    strlen(pass)), 0);
	assert_string_equal(id->name, name);
	assert_memory_equal(id->pk, pk, KEY_PK_BYTES);
	assert_memory_equal(id->sk, seed, KEY_SEED_BYTES);
	key_identity_free(id);
}

static void
test_roundtrip(void **state)
{
	unsigned char seed[KEY_SEED_BYTES], salt[KEYSTORE_SALT_BYTES];
	unsigned char nonce[KEYSTORE_NONCE_BYTES], ks[KEYSTORE_MAX_BYTES];
	char name[KEY_NAME_MAX + 1];
	key_identity *id = NULL, *ref = NULL;
	uint64_t ops, mem;
	size_t len;

	(void)state;
	randombytes_buf(seed, sizeof seed);
	randombytes_buf(salt, sizeof salt);
	randombytes_buf(nonce, sizeof nonce);
	assert_int_equal(keystore_kdf_params(&ops, &mem, KEYSTORE_KDF_MIN), 0);
	/* the longest name, and a Cyrillic one */
	memset(name, 'n', KEY_NAME_MAX);
	name[KEY_NAME_MAX] = '\0';
	assert_int_equal(keystore_encode(ks, &len, name, seed, PASS, PASSLEN,
	    ops, mem, salt, nonce), 0);
	assert_int_equal(len, KEYSTORE_MAX_BYTES);
	assert_int_equal(keystore_decode(&id, ks, len, PASS, PASSLEN), 0);
	assert_int_equal(key_identity_from_seed(&ref, name, seed), 0);
	assert_memory_equal(id->pk, ref->pk, KEY_PK_BYTES);
	assert_memory_equal(id->sk, ref->sk, KEY_SK_BYTES);
	assert_string_equal(id->name, name);
	key_identity_free(id);
	key_identity_free(ref);

	assert_int_equal(keystore_encode(ks, &len,
	    "\xd0\xa0\xd0\xa4-1", seed, PASS, PASSLEN, ops, mem, salt,
	    nonce), 0);
	assert_int_equal(keystore_decode(&id, ks, len, PASS, PASSLEN), 0);
	assert_string_equal(id->name, "\xd0\xa0\xd0\xa4-1");
	key_identity_free(id);

	/* an empty passphrase is allowed, as NULL or "" */
	assert_int_equal(keystore_encode(ks, &len, "e", seed, NULL, 0, ops,
	    mem, salt, nonce), 0);
	assert_int_equal(keystore_decode(&id, ks, len, "", 0), 0);
	key_identity_free(id);
	assert_int_equal(keystore_decode(&id, ks, len, PASS, PASSLEN),
	    DT_EPASS);
	assert_null(id);
}

static void
test_wrong_passphrase(void **state)
{
	unsigned char ks[KEYSTORE_MAX_BYTES], seed[KEY_SEED_BYTES];
	key_identity *id = (key_identity *)&id;
	size_t len = make_ks(ks, seed);

	(void)state;
	assert_int_equal(keystore_decode(&id, ks, len, "correct horsf",
	    PASSLEN), DT_EPASS);
	assert_null(id);
	assert_int_equal(keystore_decode(&id, ks, len, PASS, PASSLEN - 1),
	    DT_EPASS);
	assert_int_equal(keystore_decode(&id, ks, len, "", 0), DT_EPASS);
	assert_int_equal(keystore_decode(&id, ks, len, NULL, 1), DT_EINVAL);
	assert_int_equal(keystore_decode(&id, ks, len, PASS, PASSLEN), 0);
	key_identity_free(id);
}

/*
 * Every byte of a keystore is covered by the AEAD tag or checked in
 * clear, so changing any one byte, in any way tried here, must fail;
 * the clear header's checks come first, so most of those fail without
 * running Argon2id at all.
 */
static void
test_every_byte_flip(void **state)
{
	static const unsigned char masks[] = { 0x01, 0x80, 0xff };
	unsigned char ks[KEYSTORE_MAX_BYTES], seed[KEY_SEED_BYTES];
	key_identity *id = NULL;
	size_t len = make_ks(ks, seed), i, m;
	int rc;

	(void)state;
	for (i = 0; i < len; i++) {
		for (m = 0; m < sizeof masks; m++) {
			ks[i] ^= masks[m];
			rc = keystore_decode(&id, ks, len, PASS, PASSLEN);
			ks[i] ^= masks[m];
			if (rc != DT_EFORMAT && rc != DT_EVERSION &&
			    rc != DT_EPASS)
				fail_msg("byte %zu ^ 0x%02x: rc %d", i,
				    masks[m], rc);
			assert_null(id);
		}
	}
	assert_int_equal(keystore_decode(&id, ks, len, PASS, PASSLEN), 0);
	key_identity_free(id);
}

static void
test_truncated_and_long(void **state)
{
	unsigned char ks[KEYSTORE_MAX_BYTES + 1], seed[KEY_SEED_BYTES];
	key_identity *id = NULL;
	size_t len = make_ks(ks, seed), i;

	(void)state;
	for (i = 0; i < len; i++)
		if (keystore_decode(&id, ks, i, PASS, PASSLEN) != DT_EFORMAT)
			fail_msg("length %zu accepted", i);
	ks[len] = 0;
	assert_int_equal(keystore_decode(&id, ks, len + 1, PASS, PASSLEN),
	    DT_EFORMAT);
	assert_null(id);
}

static void
test_bad_header(void **state)
{
	unsigned char ks[KEYSTORE_MAX_BYTES], seed[KEY_SEED_BYTES];
	unsigned char copy[KEYSTORE_MAX_BYTES];
	key_identity *id = NULL;
	size_t len = make_ks(ks, seed);

	(void)state;
#define TRY(off, val, want) do { \
	memcpy(copy, ks, len); \
	copy[off] = (val); \
	assert_int_equal(keystore_decode(&id, copy, len, PASS, PASSLEN), \
	    (want)); \
	assert_null(id); \
} while (0)
	TRY(0, 'd', DT_EFORMAT);       /* magic */
	TRY(4, 0, DT_EVERSION);        /* version */
	TRY(4, 2, DT_EVERSION);
	TRY(5, 0, DT_EFORMAT);         /* kdf */
	TRY(5, 2, DT_EFORMAT);
	TRY(6, 4, DT_EFORMAT);         /* name_len disagrees with length */
	TRY(6, 0, DT_EFORMAT);
	TRY(7, 1, DT_EFORMAT);         /* reserved */
	TRY(OFF_NAME + 1, ' ', DT_EFORMAT);  /* invalid name */
	TRY(OFF_NAME + 1, '+', DT_EFORMAT);
	TRY(OFF_NAME + 1, '\0', DT_EFORMAT); /* embedded NUL */
	TRY(OFF_NAME + 1, 0xd0, DT_EFORMAT); /* broken UTF-8 */
	TRY(OFF_NAME + 1, 'L', DT_EPASS);    /* valid name, tag fails */
#undef TRY
	/* version is checked before length, so a short new-version file
	 * still says "unknown version" */
	memcpy(copy, ks, len);
	copy[4] = 2;
	assert_int_equal(keystore_decode(&id, copy, 10, PASS, PASSLEN),
	    DT_EVERSION);
}

static void
test_kdf_limits(void **state)
{
	unsigned char ks[KEYSTORE_MAX_BYTES], seed[KEY_SEED_BYTES];
	unsigned char copy[KEYSTORE_MAX_BYTES], salt[16] = { 0 };
	unsigned char nonce[24] = { 0 };
	key_identity *id = NULL;
	size_t len = make_ks(ks, seed), outlen;
	static const uint64_t bad_ops[] = { 0, 17, 0xffffffffULL,
	    0x100000000ULL, UINT64_MAX };
	static const uint64_t bad_mem[] = { 0, 8191, (1ULL << 30) + 1,
	    1ULL << 40, UINT64_MAX };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad_ops / sizeof bad_ops[0]; i++) {
		memcpy(copy, ks, len);
		store64(copy + OFF_OPS, bad_ops[i]);
		assert_int_equal(keystore_decode(&id, copy, len, PASS,
		    PASSLEN), DT_EFORMAT);
		assert_int_equal(keystore_encode(copy, &outlen, "alice", seed,
		    PASS, PASSLEN, bad_ops[i], 8192, salt, nonce), DT_EINVAL);
	}
	for (i = 0; i < sizeof bad_mem / sizeof bad_mem[0]; i++) {
		memcpy(copy, ks, len);
		store64(copy + OFF_MEM, bad_mem[i]);
		assert_int_equal(keystore_decode(&id, copy, len, PASS,
		    PASSLEN), DT_EFORMAT);
		assert_int_equal(keystore_encode(copy, &outlen, "alice", seed,
		    PASS, PASSLEN, 1, bad_mem[i], salt, nonce), DT_EINVAL);
	}
	/* in range but different from what was used: the tag fails */
	memcpy(copy, ks, len);
	store64(copy + OFF_OPS, 2);
	assert_int_equal(keystore_decode(&id, copy, len, PASS, PASSLEN),
	    DT_EPASS);
	memcpy(copy, ks, len);
	store64(copy + OFF_MEM, 16384);
	assert_int_equal(keystore_decode(&id, copy, len, PASS, PASSLEN),
	    DT_EPASS);
}

/*
 * A file whose tag is good but whose clear pk is not the seed's: only
 * someone with the passphrase could make it, and it must still fail.
 */
static void
test_pk_mismatch(void **state)
{
	unsigned char ks[KEYSTORE_MAX_BYTES], seed[KEY_SEED_BYTES];
	unsigned char key[32];
	key_identity *id = NULL;
	size_t len = make_ks(ks, seed), adlen = len - 48;

	(void)state;
	ks[OFF_PK] ^= 1;
	assert_int_equal(crypto_pwhash(key, sizeof key, PASS, PASSLEN,
	    ks + 24, 1, 8192, crypto_pwhash_ALG_ARGON2ID13), 0);
	crypto_aead_xchacha20poly1305_ietf_encrypt(ks + adlen, NULL, seed,
	    KEY_SEED_BYTES, ks, adlen, NULL, ks + 40, key);
	assert_int_equal(keystore_decode(&id, ks, len, PASS, PASSLEN),
	    DT_EFORMAT);
	assert_null(id);
	ks[OFF_PK] ^= 1; /* the right pk, same tag: the AD changed */
	assert_int_equal(keystore_decode(&id, ks, len, PASS, PASSLEN),
	    DT_EPASS);
}

static void
test_encode_errors(void **state)
{
	unsigned char ks[KEYSTORE_MAX_BYTES], seed[32] = { 0 };
	unsigned char salt[16] = { 0 }, nonce[24] = { 0 };
	size_t len = 99;

	(void)state;
	assert_int_equal(keystore_encode(ks, &len, "a b", seed, PASS, PASSLEN,
	    1, 8192, salt, nonce), DT_EINVAL);
	assert_int_equal(len, 0);
	assert_int_equal(keystore_encode(ks, &len, "", seed, PASS, PASSLEN,
	    1, 8192, salt, nonce), DT_EINVAL);
	assert_int_equal(keystore_encode(ks, &len, "a", seed, NULL, 3,
	    1, 8192, salt, nonce), DT_EINVAL);
}

static void
test_kdf_presets(void **state)
{
	uint64_t ops, mem;

	(void)state;
	assert_int_equal(keystore_kdf_params(&ops, &mem, KEYSTORE_KDF_MIN), 0);
	assert_int_equal(ops, crypto_pwhash_argon2id_OPSLIMIT_MIN);
	assert_int_equal(mem, crypto_pwhash_argon2id_MEMLIMIT_MIN);
	assert_int_equal(keystore_kdf_params(&ops, &mem,
	    KEYSTORE_KDF_INTERACTIVE), 0);
	assert_int_equal(ops, crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE);
	assert_int_equal(mem, crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE);
	assert_int_equal(keystore_kdf_params(&ops, &mem,
	    KEYSTORE_KDF_MODERATE), 0);
	assert_int_equal(ops, crypto_pwhash_argon2id_OPSLIMIT_MODERATE);
	assert_int_equal(mem, crypto_pwhash_argon2id_MEMLIMIT_MODERATE);
	assert_int_equal(keystore_kdf_params(&ops, &mem,
	    KEYSTORE_KDF_SENSITIVE), 0);
	assert_int_equal(ops, crypto_pwhash_argon2id_OPSLIMIT_SENSITIVE);
	assert_int_equal(mem, crypto_pwhash_argon2id_MEMLIMIT_SENSITIVE);
	assert_int_equal(keystore_kdf_params(&ops, &mem, (keystore_kdf)4),
	    DT_EINVAL);
}

/* --- files ---------------------------------------------------------------- */

static int
setup_dir(void **state)
{
	char *dir = strdup("/tmp/detente-test-keystore-XXXXXX");

	if (dir == NULL || mkdtemp(dir) == NULL) {
		free(dir);
		return -1;
	}
	*state = dir;
	return 0;
}

static int
teardown_dir(void **state)
{
	static const char *files[] = {
		"alice.key", "link.key", "other.key", "rel.key", "bob.key",
		"alice.key.newer", "alice.key.new.AB", "alice.key.new"
	};
	char path[512];
	size_t i;
	int rc;

	for (i = 0; i < sizeof files / sizeof files[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", (char *)*state, files[i]);
		unlink(path);
	}
	rc = rmdir(*state);
	free(*state);
	return rc;
}

static void
test_files(void **state)
{
	const char *dir = *state;
	char path[512], link[512], other[512], nodir[512];
	char name[KEY_NAME_MAX + 1];
	unsigned char pk[KEY_PK_BYTES], pk2[KEY_PK_BYTES];
	unsigned char buf[KEYSTORE_MAX_BYTES + 8];
	key_identity *id = NULL;
	struct stat st;
	ssize_t n;
	FILE *f;
	int fd;

	snprintf(path, sizeof path, "%s/alice.key", dir);
	snprintf(link, sizeof link, "%s/link.key", dir);
	snprintf(other, sizeof other, "%s/other.key", dir);

	assert_int_equal(keystore_create(pk, path, "alice", PASS, PASSLEN,
	    KEYSTORE_KDF_MIN), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(st.st_size, KEYSTORE_FIXED_BYTES + 5 + 48);

	assert_int_equal(keystore_read_public(name, pk2, path), 0);
	assert_string_equal(name, "alice");
	assert_memory_equal(pk, pk2, KEY_PK_BYTES);
	assert_int_equal(keystore_unlock(&id, path, PASS, PASSLEN), 0);
	assert_memory_equal(id->pk, pk, KEY_PK_BYTES);
	assert_string_equal(id->name, "alice");
	key_identity_free(id);
	assert_int_equal(keystore_unlock(&id, path, "x", 1), DT_EPASS);
	assert_null(id);

	/* never replaced */
	assert_int_equal(keystore_create(pk2, path, "bob", PASS, PASSLEN,
	    KEYSTORE_KDF_MIN), DT_EEXIST);
	assert_int_equal(keystore_read_public(name, pk2, path), 0);
	assert_string_equal(name, "alice");

	/* symbolic links are neither followed nor written through */
	assert_int_equal(symlink(path, link), 0);
	assert_int_equal(keystore_unlock(&id, link, PASS, PASSLEN), DT_EIO);
	assert_int_equal(keystore_read_public(name, pk2, link), DT_EIO);
	assert_int_equal(unlink(link), 0);
	assert_int_equal(symlink(other, link), 0); /* dangling */
	assert_int_equal(keystore_create(pk2, link, "bob", PASS, PASSLEN,
	    KEYSTORE_KDF_MIN), DT_EEXIST);
	assert_int_equal(lstat(other, &st), -1);
	assert_int_equal(errno, ENOENT);

	/* missing things */
	assert_int_equal(keystore_read_public(name, pk2, other), DT_ENOENT);
	assert_int_equal(keystore_unlock(&id, other, PASS, PASSLEN),
	    DT_ENOENT);
	snprintf(nodir, sizeof nodir, "%s/no/such/dir.key", dir);
	assert_int_equal(keystore_create(pk2, nodir, "bob", PASS,
	    PASSLEN, KEYSTORE_KDF_MIN), DT_EIO);

	/* bad arguments leave no file behind */
	assert_int_equal(keystore_create(pk2, other, "b o b", PASS, PASSLEN,
	    KEYSTORE_KDF_MIN), DT_EINVAL);
	assert_int_equal(keystore_create(pk2, other, "bob", PASS, PASSLEN,
	    (keystore_kdf)9), DT_EINVAL);
	assert_int_equal(lstat(other, &st), -1);

	/* a file cut short, and one too long */
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	n = read(fd, buf, sizeof buf);
	close(fd);
	assert_int_equal(n, KEYSTORE_FIXED_BYTES + 5 + 48);
	f = fopen(other, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, (size_t)n - 1, f), (size_t)n - 1);
	fclose(f);
	assert_int_equal(keystore_unlock(&id, other, PASS, PASSLEN),
	    DT_EFORMAT);
	assert_int_equal(keystore_read_public(name, pk2, other), DT_EFORMAT);
	unlink(other);
	f = fopen(other, "wb");
	assert_non_null(f);
	memset(buf + n, 0, sizeof buf - (size_t)n);
	assert_int_equal(fwrite(buf, 1, KEYSTORE_MAX_BYTES + 1, f),
	    KEYSTORE_MAX_BYTES + 1);
	fclose(f);
	assert_int_equal(keystore_read_public(name, pk2, other), DT_EFORMAT);
	assert_int_equal(keystore_unlock(&id, other, PASS, PASSLEN),
	    DT_EFORMAT);
	unlink(other);
}

/* count_entries() - the directory entries of dir, "." and ".." aside. */
static int
count_entries(const char *dir)
{
	struct dirent *d;
	DIR *dp = opendir(dir);
	int n = 0;

	assert_non_null(dp);
	while ((d = readdir(dp)) != NULL)
		if (strcmp(d->d_name, ".") != 0 && strcmp(d->d_name, "..") != 0)
			n++;
	closedir(dp);
	return n;
}

/*
 * keystore_rewrite(): the same key under a new passphrase and limits,
 * the old passphrase refused, a fresh salt; never over another
 * identity's file; leftovers of a crash ("NAME.key.new.XXXXXX") removed,
 * other names beside it kept.
 */
static void
test_rewrite(void **state)
{
	const char *dir = *state;
	char path[512], bob[512], left[512], keep[3][512];
	unsigned char pk[KEY_PK_BYTES], pk2[KEY_PK_BYTES];
	unsigned char before[KEYSTORE_MAX_BYTES], after[KEYSTORE_MAX_BYTES];
	key_identity *id = NULL, *id2 = NULL, nosk;
	uint64_t ops, mem;
	struct stat st;
	size_t i;
	FILE *f;
	int fd;

	snprintf(path, sizeof path, "%s/alice.key", dir);
	snprintf(bob, sizeof bob, "%s/bob.key", dir);
	assert_int_equal(keystore_create(pk, path, "alice", PASS, PASSLEN,
	    KEYSTORE_KDF_MIN), 0);
	assert_int_equal(keystore_create(pk2, bob, "bob", PASS, PASSLEN,
	    KEYSTORE_KDF_MIN), 0);
	assert_int_equal(keystore_unlock(&id, path, PASS, PASSLEN), 0);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_true(read(fd, before, sizeof before) > 0);
	close(fd);

	/* a crash's leftover, and names that are not one */
	snprintf(left, sizeof left, "%s/alice.key.new.Xy12Zq", dir);
	snprintf(keep[0], sizeof keep[0], "%s/alice.key.newer", dir);
	snprintf(keep[1], sizeof keep[1], "%s/alice.key.new.AB", dir);
	snprintf(keep[2], sizeof keep[2], "%s/alice.key.new", dir);
	for (i = 0; i < 4; i++) {
		f = fopen(i == 0 ? left : keep[i - 1], "wb");
		assert_non_null(f);
		fclose(f);
	}
	assert_int_equal(count_entries(dir), 6);

	assert_int_equal(keystore_rewrite(path, id, "new pass", 8, 2, 16384), 0);
	assert_int_equal(count_entries(dir), 5); /* the leftover is gone */
	assert_int_equal(lstat(left, &st), -1);
	for (i = 0; i < 3; i++)
		assert_int_equal(lstat(keep[i], &st), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(keystore_read_kdf(&ops, &mem, path), 0);
	assert_int_equal(ops, 2);
	assert_int_equal(mem, 16384);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_true(read(fd, after, sizeof after) > 0);
	close(fd);
	/* same name and key; another salt */
	assert_memory_equal(after + OFF_PK, before + OFF_PK, KEY_PK_BYTES);
	assert_memory_not_equal(after + 24, before + 24, KEYSTORE_SALT_BYTES);
	assert_int_equal(keystore_unlock(&id2, path, PASS, PASSLEN), DT_EPASS);
	assert_int_equal(keystore_unlock(&id2, path, "new pass", 8), 0);
	assert_memory_equal(id2->pk, pk, KEY_PK_BYTES);
	assert_memory_equal(id2->sk, id->sk, KEY_SK_BYTES);
	key_identity_free(id2);
	id2 = NULL;

	/* never over another identity's file; bad limits; no secret key */
	assert_int_equal(keystore_rewrite(bob, id, PASS, PASSLEN, 1, 8192),
	    DT_EFORMAT);
	assert_int_equal(keystore_unlock(&id2, bob, PASS, PASSLEN), 0);
	assert_memory_equal(id2->pk, pk2, KEY_PK_BYTES);
	key_identity_free(id2);
	assert_int_equal(keystore_rewrite(path, id, PASS, PASSLEN, 0, 8192),
	    DT_EINVAL);
	assert_int_equal(keystore_rewrite(path, id, PASS, PASSLEN, 1, 4096),
	    DT_EINVAL);
	memcpy(&nosk, id, sizeof nosk);
	nosk.sk = NULL;
	assert_int_equal(keystore_rewrite(path, &nosk, PASS, PASSLEN, 1, 8192),
	    DT_EINVAL);
	assert_int_equal(keystore_unlock(&id2, path, "new pass", 8), 0);
	key_identity_free(id2);
	assert_int_equal(count_entries(dir), 5);
	key_identity_free(id);
}

/* a file in the current directory (no '/' in the path) */
static void
test_file_relative(void **state)
{
	const char *dir = *state;
	unsigned char pk[KEY_PK_BYTES], pk2[KEY_PK_BYTES];
	char cwd[1024], name[KEY_NAME_MAX + 1];
	key_identity *id = NULL;

	assert_non_null(getcwd(cwd, sizeof cwd));
	assert_int_equal(chdir(dir), 0);
	assert_int_equal(keystore_create(pk, "rel.key", "rel", PASS, PASSLEN,
	    KEYSTORE_KDF_MIN), 0);
	assert_int_equal(keystore_read_public(name, pk2, "rel.key"), 0);
	assert_memory_equal(pk, pk2, KEY_PK_BYTES);
	/* rewritten in place, the leftovers looked for in "." */
	assert_int_equal(keystore_unlock(&id, "rel.key", PASS, PASSLEN), 0);
	assert_int_equal(keystore_rewrite("rel.key", id, "other pass", 10, 1,
	    8192), 0);
	key_identity_free(id);
	id = NULL;
	assert_int_equal(keystore_unlock(&id, "rel.key", "other pass", 10), 0);
	assert_memory_equal(id->pk, pk, KEY_PK_BYTES);
	key_identity_free(id);
	assert_int_equal(chdir(cwd), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_wrong_passphrase),
		cmocka_unit_test(test_every_byte_flip),
		cmocka_unit_test(test_truncated_and_long),
		cmocka_unit_test(test_bad_header),
		cmocka_unit_test(test_kdf_limits),
		cmocka_unit_test(test_pk_mismatch),
		cmocka_unit_test(test_encode_errors),
		cmocka_unit_test(test_kdf_presets),
		cmocka_unit_test_setup_teardown(test_files, setup_dir,
		    teardown_dir),
		cmocka_unit_test_setup_teardown(test_rewrite, setup_dir,
		    teardown_dir),
		cmocka_unit_test_setup_teardown(test_file_relative, setup_dir,
		    teardown_dir),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
