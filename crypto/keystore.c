/*
 * keystore.c: secret keys at rest.
 *
 * Layout (integers big-endian; docs/FORMAT.md, "Keystore file"):
 *   0  magic "DTKS"          4
 *   4  version = 1           1
 *   5  kdf = 1 (Argon2id13)  1
 *   6  name_len              1
 *   7  reserved = 0          1
 *   8  opslimit              8
 *  16  memlimit              8
 *  24  salt                 16
 *  40  nonce                24
 *  64  pk                   32
 *  96  name           name_len
 *      XChaCha20-Poly1305(seed) 48, associated data = every byte above
 *
 * The derived key and the seed only ever live in sodium_malloc() memory.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* strdup, O_NOFOLLOW, O_CLOEXEC, O_DIRECTORY */
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "err.h"
#include "keys.h"
#include "keystore.h"

#define KS_KDF_ARGON2ID13 1U
#define KS_KEY_BYTES crypto_aead_xchacha20poly1305_ietf_KEYBYTES
#define KS_CT_BYTES (KEY_SEED_BYTES + crypto_aead_xchacha20poly1305_ietf_ABYTES)
#define OFF_VERSION 4
#define OFF_KDF 5
#define OFF_NAMELEN 6
#define OFF_RESERVED 7
#define OFF_OPS 8
#define OFF_MEM 16
#define OFF_SALT 24
#define OFF_NONCE 40
#define OFF_PK 64
#define OFF_NAME 96

/*
 * The most work a keystore may ask of us: the SENSITIVE preset's memory,
 * four times its passes.  libsodium would accept up to 2^32-1 passes and
 * terabytes of memory, so without a cap a damaged or hostile file could
 * make an unlock run for days or exhaust memory before the tag is ever
 * checked.  keystore_encode() refuses what keystore_decode() would.
 */
#define KS_OPS_MAX (4ULL * crypto_pwhash_argon2id_OPSLIMIT_SENSITIVE)
#define KS_MEM_MAX ((unsigned long long)crypto_pwhash_argon2id_MEMLIMIT_SENSITIVE)

typedef struct ks_clear {
	uint64_t ops;
	uint64_t mem;
	const unsigned char *salt;
	const unsigned char *nonce;
	const unsigned char *pk;
	char name[KEY_NAME_MAX + 1];
	size_t adlen; /* bytes before the ciphertext */
} ks_clear;

static void
store64_be(unsigned char *p, uint64_t v)
{
	int i;

	for (i = 7; i >= 0; i--) {
		p[i] = (unsigned char)(v & 0xff);
		v >>= 8;
	}
}

static uint64_t
load64_be(const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = (v << 8) | p[i];
	return v;
}

static int
kdf_params_ok(uint64_t ops, uint64_t mem)
{
	return ops >= crypto_pwhash_argon2id_OPSLIMIT_MIN &&
	    ops <= crypto_pwhash_argon2id_OPSLIMIT_MAX && ops <= KS_OPS_MAX &&
	    mem >= crypto_pwhash_argon2id_MEMLIMIT_MIN &&
	    mem <= crypto_pwhash_argon2id_MEMLIMIT_MAX && mem <= KS_MEM_MAX;
}

int
keystore_kdf_params(uint64_t *ops, uint64_t *mem, keystore_kdf kdf)
{
	switch (kdf) {
	case KEYSTORE_KDF_MIN:
		*ops = crypto_pwhash_argon2id_OPSLIMIT_MIN;
		*mem = crypto_pwhash_argon2id_MEMLIMIT_MIN;
		return 0;
	case KEYSTORE_KDF_INTERACTIVE:
		*ops = crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE;
		*mem = crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE;
		return 0;
	case KEYSTORE_KDF_MODERATE:
		*ops = crypto_pwhash_argon2id_OPSLIMIT_MODERATE;
		*mem = crypto_pwhash_argon2id_MEMLIMIT_MODERATE;
		return 0;
	case KEYSTORE_KDF_SENSITIVE:
		*ops = crypto_pwhash_argon2id_OPSLIMIT_SENSITIVE;
		*mem = crypto_pwhash_argon2id_MEMLIMIT_SENSITIVE;
		return 0;
	}
	return DT_EINVAL;
}

/*
 * derive_key() - Argon2id into a new sodium_malloc() buffer of
 * KS_KEY_BYTES, which the caller frees with sodium_free().
 */
static int
derive_key(unsigned char **key, const char *pass, size_t passlen,
    const unsigned char *salt, uint64_t ops, uint64_t mem)
{
	unsigned char *k = NULL;
	int ret;

	*key = NULL;
	if ((k = sodium_malloc(KS_KEY_BYTES)) == NULL) {
		ret = DT_ENOMEM;
		goto out;
	}
	/* crypto_pwhash() fails only for bad limits (checked) or memory. */
	if (crypto_pwhash(k, KS_KEY_BYTES, pass, passlen, salt,
	    (unsigned long long)ops, (size_t)mem,
	    crypto_pwhash_ALG_ARGON2ID13) != 0) {
		ret = DT_ENOMEM;
		goto out;
	}
	*key = k;
	k = NULL;
	ret = 0;
out:
	sodium_free(k);
	return ret;
}

int
keystore_encode(unsigned char *out, size_t *outlen, const char *name,
    const unsigned char seed[KEY_SEED_BYTES], const char *pass,
    size_t passlen, uint64_t ops, uint64_t mem,
    const unsigned char salt[KEYSTORE_SALT_BYTES],
    const unsigned char nonce[KEYSTORE_NONCE_BYTES])
{
	key_identity *id = NULL;
	unsigned char *key = NULL;
	size_t namelen, adlen;
	int ret;

	*outlen = 0;
	if ((pass == NULL && passlen > 0) ||
	    passlen > crypto_pwhash_PASSWD_MAX || !kdf_params_ok(ops, mem)) {
		ret = DT_EINVAL;
		goto out;
	}
	if (pass == NULL)
		pass = "";
	if ((ret = key_identity_from_seed(&id, name, seed)) != 0)
		goto out;
	namelen = strlen(name);
	adlen = KEYSTORE_FIXED_BYTES + namelen;

	memcpy(out, KEYSTORE_MAGIC, 4);
	out[OFF_VERSION] = KEYSTORE_VERSION;
	out[OFF_KDF] = KS_KDF_ARGON2ID13;
	out[OFF_NAMELEN] = (unsigned char)namelen;
	out[OFF_RESERVED] = 0;
	store64_be(out + OFF_OPS, ops);
	store64_be(out + OFF_MEM, mem);
	memcpy(out + OFF_SALT, salt, KEYSTORE_SALT_BYTES);
	memcpy(out + OFF_NONCE, nonce, KEYSTORE_NONCE_BYTES);
	memcpy(out + OFF_PK, id->pk, KEY_PK_BYTES);
	memcpy(out + OFF_NAME, name, namelen);

	if ((ret = derive_key(&key, pass, passlen, salt, ops, mem)) != 0)
		goto out;
	crypto_aead_xchacha20poly1305_ietf_encrypt(out + adlen, NULL, seed,
	    KEY_SEED_BYTES, out, adlen, NULL, nonce, key);
	*outlen = adlen + KS_CT_BYTES;
	ret = 0;
out:
	sodium_free(key);
	key_identity_free(id);
	return ret;
}

/*
 * parse_clear() - check every clear byte of a keystore file and point
 * into it; c->salt, c->nonce and c->pk are valid as long as in is.
 */
static int
parse_clear(ks_clear *c, const unsigned char *in, size_t inlen)
{
	size_t namelen;

	if (inlen < OFF_VERSION + 1 || memcmp(in, KEYSTORE_MAGIC, 4) != 0)
		return DT_EFORMAT;
	if (in[OFF_VERSION] != KEYSTORE_VERSION)
		return DT_EVERSION;
	if (inlen < KEYSTORE_FIXED_BYTES || in[OFF_KDF] != KS_KDF_ARGON2ID13 ||
	    in[OFF_RESERVED] != 0)
		return DT_EFORMAT;
	namelen = in[OFF_NAMELEN];
	if (namelen == 0 || namelen > KEY_NAME_MAX ||
	    inlen != KEYSTORE_FIXED_BYTES + namelen + KS_CT_BYTES)
		return DT_EFORMAT;
	c->ops = load64_be(in + OFF_OPS);
	c->mem = load64_be(in + OFF_MEM);
	if (!kdf_params_ok(c->ops, c->mem))
		return DT_EFORMAT;
	c->salt = in + OFF_SALT;
	c->nonce = in + OFF_NONCE;
	c->pk = in + OFF_PK;
	memcpy(c->name, in + OFF_NAME, namelen);
	c->name[namelen] = '\0';
	/* An embedded NUL makes strlen() disagree with name_len. */
	if (strlen(c->name) != namelen || !key_name_valid(c->name))
		return DT_EFORMAT;
	c->adlen = KEYSTORE_FIXED_BYTES + namelen;
	return 0;
}

int
keystore_decode(key_identity **out, const unsigned char *in, size_t inlen,
    const char *pass, size_t passlen)
{
	ks_clear c;
	key_identity *id = NULL;
	unsigned char *key = NULL, *seed = NULL;
	int ret;

	*out = NULL;
	if (pass == NULL && passlen > 0) {
		ret = DT_EINVAL;
		goto out;
	}
	if (pass == NULL)
		pass = "";
	if ((ret = parse_clear(&c, in, inlen)) != 0)
		goto out;
	if ((seed = sodium_malloc(KEY_SEED_BYTES)) == NULL) {
		ret = DT_ENOMEM;
		goto out;
	}
	if ((ret = derive_key(&key, pass, passlen, c.salt, c.ops, c.mem)) != 0)
		goto out;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(seed, NULL, NULL,
	    in + c.adlen, KS_CT_BYTES, in, c.adlen, c.nonce, key) != 0) {
		ret = DT_EPASS;
		goto out;
	}
	if ((ret = key_identity_from_seed(&id, c.name, seed)) != 0)
		goto out;
	/* The tag covers the pk, so only a forger who knew the passphrase
	 * could get here with a pk that is not the seed's. */
	if (sodium_memcmp(id->pk, c.pk, KEY_PK_BYTES) != 0) {
		ret = DT_EFORMAT;
		goto out;
	}
	*out = id;
	id = NULL;
	ret = 0;
out:
	key_identity_free(id);
	sodium_free(key);
	sodium_free(seed);
	return ret;
}

static int
errno_to_dt(int e)
{
	switch (e) {
	case EEXIST:
		return DT_EEXIST;
	case ENOSPC:
#ifdef EDQUOT
	case EDQUOT:
#endif
		return DT_ENOSPC;
	default:
		return DT_EIO;
	}
}

static int
write_all(int fd, const unsigned char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, buf, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0) {
			errno = EIO;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * fsync_dir() - make the new directory entry for path durable.  A
 * filesystem that cannot fsync a directory says EINVAL; that is not an
 * error of ours.
 */
static int
fsync_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = NULL;
	size_t len;
	int fd = -1, ret = -1;

	if (slash == NULL) {
		dir = strdup(".");
	} else {
		len = slash == path ? 1 : (size_t)(slash - path);
		if ((dir = malloc(len + 1)) != NULL) {
			memcpy(dir, path, len);
			dir[len] = '\0';
		}
	}
	if (dir == NULL) {
		errno = ENOMEM;
		goto out;
	}
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		goto out;
	if (fsync(fd) != 0 && errno != EINVAL)
		goto out;
	ret = 0;
out:
	if (fd >= 0) {
		int e = errno;

		close(fd);
		errno = e;
	}
	free(dir);
	return ret;
}

/*
 * keystore_create() - draw a seed, salt and nonce, encode, and write a
 * new file.  The file never replaces anything (O_EXCL), never follows a
 * symbolic link, and is removed again if any step after open() fails, so
 * that a failed call leaves no half-written keystore behind.  errno is
 * kept from the failing call.
 */
int
keystore_create(unsigned char pk[KEY_PK_BYTES], const char *path,
    const char *name, const char *pass, size_t passlen, keystore_kdf kdf)
{
	unsigned char buf[KEYSTORE_MAX_BYTES];
	unsigned char salt[KEYSTORE_SALT_BYTES], nonce[KEYSTORE_NONCE_BYTES];
	unsigned char *seed = NULL;
	uint64_t ops, mem;
	size_t len = 0;
	int fd = -1, created = 0, ret, e;

	if (path == NULL || keystore_kdf_params(&ops, &mem, kdf) != 0) {
		ret = DT_EINVAL;
		goto out;
	}
	if ((seed = sodium_malloc(KEY_SEED_BYTES)) == NULL) {
		ret = DT_ENOMEM;
		goto out;
	}
	randombytes_buf(seed, KEY_SEED_BYTES);
	randombytes_buf(salt, sizeof salt);
	randombytes_buf(nonce, sizeof nonce);
	if ((ret = keystore_encode(buf, &len, name, seed, pass, passlen, ops,
	    mem, salt, nonce)) != 0)
		goto out;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd < 0) {
		ret = errno_to_dt(errno);
		goto out;
	}
	created = 1;
	if (write_all(fd, buf, len) != 0 || fsync(fd) != 0) {
		ret = errno_to_dt(errno);
		goto out;
	}
	e = close(fd);
	fd = -1;
	if (e != 0 || fsync_dir(path) != 0) {
		ret = errno_to_dt(errno);
		goto out;
	}
	memcpy(pk, buf + OFF_PK, KEY_PK_BYTES);
	ret = 0;
out:
	e = errno;
	if (fd >= 0)
		close(fd);
	if (ret != 0 && created)
		unlink(path);
	errno = e;
	sodium_free(seed);
	return ret;
}

/*
 * read_file() - the bytes of a keystore file into buf (KEYSTORE_MAX_BYTES
 * + 1, so that a longer file shows as too long).
 */
static int
read_file(unsigned char *buf, size_t *len, const char *path)
{
	const size_t cap = KEYSTORE_MAX_BYTES + 1;
	ssize_t n;
	int fd, ret, e;

	*len = 0;
	if (path == NULL)
		return DT_EINVAL;
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return errno == ENOENT ? DT_ENOENT : DT_EIO;
	for (;;) {
		if (*len == cap) {
			ret = DT_EFORMAT;
			break;
		}
		n = read(fd, buf + *len, cap - *len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			ret = DT_EIO;
			break;
		}
		if (n == 0) {
			ret = 0;
			break;
		}
		*len += (size_t)n;
	}
	e = errno;
	close(fd);
	errno = e;
	return ret;
}

int
keystore_read_public(char *name, unsigned char pk[KEY_PK_BYTES],
    const char *path)
{
	unsigned char buf[KEYSTORE_MAX_BYTES + 1];
	ks_clear c;
	size_t len;
	int ret;

	if ((ret = read_file(buf, &len, path)) != 0)
		return ret;
	if ((ret = parse_clear(&c, buf, len)) != 0)
		return ret;
	memcpy(name, c.name, strlen(c.name) + 1);
	memcpy(pk, c.pk, KEY_PK_BYTES);
	return 0;
}

int
keystore_unlock(key_identity **out, const char *path, const char *pass,
    size_t passlen)
{
	unsigned char buf[KEYSTORE_MAX_BYTES + 1];
	size_t len;
	int ret;

	*out = NULL;
	if ((ret = read_file(buf, &len, path)) != 0)
		return ret;
	return keystore_decode(out, buf, len, pass, passlen);
}

int
keystore_kdf_ok(uint64_t ops, uint64_t mem)
{
	return kdf_params_ok(ops, mem);
}

int
keystore_read_kdf(uint64_t *ops, uint64_t *mem, const char *path)
{
	unsigned char buf[KEYSTORE_MAX_BYTES + 1];
	ks_clear c;
	size_t len;
	int ret;

	if ((ret = read_file(buf, &len, path)) != 0)
		return ret;
	if ((ret = parse_clear(&c, buf, len)) != 0)
		return ret;
	*ops = c.ops;
	*mem = c.mem;
	return 0;
}

/*
 * drop_leftovers() - remove every "BASE.new.XXXXXX" beside path (BASE
 * its last component): what a keystore_rewrite() that crashed left.
 * One that another keystore_rewrite() is writing right now goes too;
 * its rename then fails (ENOENT) and it reports a failure, leaving the
 * keystore whole: a leftover is never renamed by anyone else.
 */
static void
drop_leftovers(const char *path)
{
	const char *slash = strrchr(path, '/'), *base;
	char *dir = NULL, *full = NULL;
	struct dirent *d;
	size_t blen, dlen;
	DIR *dp = NULL;

	base = slash != NULL ? slash + 1 : path;
	dlen = slash != NULL ? (size_t)(slash - path) : 1;
	if ((dir = malloc(dlen + 1)) == NULL)
		return;
	if (slash != NULL)
		memcpy(dir, path, dlen);
	else
		dir[0] = '.';
	if (slash == path)
		dlen = 1;
	dir[dlen] = '\0';
	blen = strlen(base);
	if ((dp = opendir(dir)) == NULL)
		goto out;
	while ((d = readdir(dp)) != NULL) {
		if (strncmp(d->d_name, base, blen) != 0 ||
		    strncmp(d->d_name + blen, ".new.", 5) != 0 ||
		    strlen(d->d_name + blen + 5) != 6)
			continue;
		free(full);
		if ((full = malloc(dlen + strlen(d->d_name) + 2)) == NULL)
			break;
		memcpy(full, dir, dlen);
		full[dlen] = '/';
		strcpy(full + dlen + 1, d->d_name);
		(void)unlink(full);
	}
out:
	if (dp != NULL)
		closedir(dp);
	free(full);
	free(dir);
}

/*
 * keystore_rewrite() - encode id's seed anew, then the write-beside,
 * fsync, rename, fsync-the-directory sequence: rename(2) replaces the
 * directory entry in one step, so the name points at the old inode or
 * the new one, and the new one is complete (fsynced) before the rename.
 * The seed is copied out of id->sk (libsodium's secret key is the seed
 * followed by the public key) into guarded memory and wiped.
 */
int
keystore_rewrite(const char *path, const key_identity *id, const char *pass,
    size_t passlen, uint64_t ops, uint64_t mem)
{
	unsigned char buf[KEYSTORE_MAX_BYTES];
	unsigned char salt[KEYSTORE_SALT_BYTES], nonce[KEYSTORE_NONCE_BYTES];
	unsigned char pk[KEY_PK_BYTES];
	char name[KEY_NAME_MAX + 1], *tmp = NULL;
	unsigned char *seed = NULL;
	size_t len = 0, plen;
	int fd = -1, created = 0, ret, e;

	if (path == NULL || id == NULL || id->sk == NULL ||
	    !kdf_params_ok(ops, mem)) {
		ret = DT_EINVAL;
		goto out;
	}
	/* The file must hold this very identity: never replace another. */
	if ((ret = keystore_read_public(name, pk, path)) != 0)
		goto out;
	if (strcmp(name, id->name) != 0 ||
	    sodium_memcmp(pk, id->pk, KEY_PK_BYTES) != 0) {
		ret = DT_EFORMAT;
		goto out;
	}
	if ((seed = sodium_malloc(KEY_SEED_BYTES)) == NULL) {
		ret = DT_ENOMEM;
		goto out;
	}
	crypto_sign_ed25519_sk_to_seed(seed, id->sk);
	randombytes_buf(salt, sizeof salt);
	randombytes_buf(nonce, sizeof nonce);
	if ((ret = keystore_encode(buf, &len, id->name, seed, pass, passlen,
	    ops, mem, salt, nonce)) != 0)
		goto out;
	if (memcmp(buf + OFF_PK, id->pk, KEY_PK_BYTES) != 0) {
		ret = DT_EINVAL; /* an sk whose seed is not pk's */
		goto out;
	}

	plen = strlen(path);
	if ((tmp = malloc(plen + sizeof(".new.XXXXXX"))) == NULL) {
		ret = DT_ENOMEM;
		goto out;
	}
	memcpy(tmp, path, plen);
	memcpy(tmp + plen, ".new.XXXXXX", sizeof(".new.XXXXXX"));
	/* What a crash left never replaced anything: drop it. */
	drop_leftovers(path);
	/*
	 * A name of its own (mkostemp: O_CREAT|O_EXCL, mode 0600), so that
	 * two rewrites at once never rename each other's half-written file:
	 * the last rename wins, and each renames a complete file.
	 */
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		ret = errno_to_dt(errno);
		goto out;
	}
	created = 1;
	if (write_all(fd, buf, len) != 0 || fsync(fd) != 0) {
		ret = errno_to_dt(errno);
		goto out;
	}
	e = close(fd);
	fd = -1;
	if (e != 0 || rename(tmp, path) != 0) {
		ret = errno_to_dt(errno);
		goto out;
	}
	created = 0;
	/* The rename is done: the new file is the keystore from here on,
	 * and a failed directory fsync cannot undo it. */
	if (fsync_dir(path) != 0) {
		ret = errno_to_dt(errno);
		goto out;
	}
	ret = 0;
out:
	e = errno;
	if (fd >= 0)
		close(fd);
	if (created)
		unlink(tmp);
	errno = e;
	sodium_memzero(buf, sizeof buf);
	free(tmp);
	sodium_free(seed);
	return ret;
}
