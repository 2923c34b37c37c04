/*
 * keys.c: Ed25519 identities and their public encodings.
 *
 * Every encoding here is specified byte by byte in docs/FORMAT.md; the
 * C2SP ones (key id, verifier key) follow the C2SP signed-note spec, and
 * the minisign one is what minisign itself writes, so that tools nobody
 * here wrote can read our keys.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* strnlen */
#endif
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "err.h"
#include "keys.h"
#include "noise.h"

#define FPR_CTX "detente fingerprint v1"
#define FPR_CTX_BYTES 23U /* including the NUL */
#define FPR_HASH_BYTES 10U
#define MSIGN_CTX "detente minisign keyid v1"
#define MSIGN_CTX_BYTES 26U /* including the NUL */
#define MSIGN_KEYID_BYTES 8U
#define MSIGN_COMMENT "untrusted comment: minisign public key "
#define MSIGN_RAW_BYTES (2U + MSIGN_KEYID_BYTES + KEY_PK_BYTES) /* 42 */
#define MSIGN_B64_LEN 56U /* 42 bytes, no padding */
#define C2SP_ALG_ED25519 0x01U
#define C2SP_RAW_BYTES (1U + KEY_PK_BYTES) /* 33 */
#define C2SP_B64_LEN 44U /* 33 bytes, no padding */
/* Longest text key_parse_public() looks at, after trimming. */
#define PARSE_MAX 256U

/*
 * key_identity_from_seed() - the struct itself is plain malloc() memory:
 * it holds only the public key and the name.  The 64-byte secret key
 * (seed || pk, as libsodium lays it out) is in sodium_malloc() memory.
 */
int
key_identity_from_seed(key_identity **out, const char *name,
    const unsigned char seed[KEY_SEED_BYTES])
{
	key_identity *id = NULL;
	int ret;

	*out = NULL;
	if (!key_name_valid(name) || seed == NULL) {
		ret = DT_EINVAL;
		goto out;
	}
	if ((id = calloc(1, sizeof *id)) == NULL) {
		ret = DT_ENOMEM;
		goto out;
	}
	if ((id->sk = sodium_malloc(KEY_SK_BYTES)) == NULL) {
		ret = DT_ENOMEM;
		goto out;
	}
	if (crypto_sign_seed_keypair(id->pk, id->sk, seed) != 0) {
		ret = DT_EINVAL;
		goto out;
	}
	memcpy(id->name, name, strlen(name) + 1);
	*out = id;
	id = NULL;
	ret = 0;
out:
	key_identity_free(id);
	return ret;
}

void
key_identity_free(key_identity *id)
{
	if (id == NULL)
		return;
	sodium_free(id->sk); /* wipes; accepts NULL */
	if (id->ops != NULL && id->ops->free != NULL)
		id->ops->free(id->ops_arg);
	sodium_memzero(id, sizeof *id);
	free(id);
}

int
key_identity_remote(key_identity **out, const char *name,
    const unsigned char pk[KEY_PK_BYTES], const key_ops *ops, void *arg)
{
	key_identity *id;

	*out = NULL;
	if (!key_name_valid(name) || pk == NULL || ops == NULL ||
	    ops->sign == NULL || ops->seal_open == NULL) {
		if (ops != NULL && ops->free != NULL)
			ops->free(arg);
		return DT_EINVAL;
	}
	if ((id = calloc(1, sizeof *id)) == NULL) {
		if (ops->free != NULL)
			ops->free(arg);
		return DT_ENOMEM;
	}
	memcpy(id->pk, pk, KEY_PK_BYTES);
	memcpy(id->name, name, strlen(name) + 1);
	id->ops = ops;
	id->ops_arg = arg;
	*out = id;
	return 0;
}

int
key_identity_usable(const key_identity *id)
{
	return id != NULL && (id->sk != NULL || id->ops != NULL);
}

int
key_sign(unsigned char sig[KEY_SIG_BYTES], const unsigned char *m,
    size_t mlen, const key_identity *id)
{
	int rc;

	if (id == NULL)
		return DT_EINVAL;
	if (id->sk != NULL) {
		crypto_sign_detached(sig, NULL, m, mlen, id->sk);
		return 0;
	}
	if (id->ops == NULL)
		return DT_EINVAL;
	if ((rc = id->ops->sign(id->ops_arg, sig, m, mlen, id->pk)) != 0)
		return rc;
	if (crypto_sign_verify_detached(sig, m, mlen, id->pk) != 0) {
		sodium_memzero(sig, KEY_SIG_BYTES);
		return DT_ESIG;
	}
	return 0;
}

int
key_seal_open(unsigned char *out, const unsigned char *c, size_t clen,
    const key_identity *id)
{
	unsigned char xpk[crypto_box_PUBLICKEYBYTES];
	unsigned char *xsk = NULL;
	int ret;

	if (id == NULL || clen < crypto_box_SEALBYTES)
		return DT_EINVAL;
	if (id->sk == NULL) {
		if (id->ops == NULL)
			return DT_EINVAL;
		return id->ops->seal_open(id->ops_arg, out, c, clen, id->pk);
	}
	if ((xsk = sodium_malloc(crypto_box_SECRETKEYBYTES)) == NULL)
		return DT_ENOMEM;
	if (crypto_sign_ed25519_pk_to_curve25519(xpk, id->pk) != 0 ||
	    crypto_sign_ed25519_sk_to_curve25519(xsk, id->sk) != 0) {
		ret = DT_EINVAL;
		goto out;
	}
	ret = crypto_box_seal_open(out, c, clen, xpk, xsk) != 0 ?
	    DT_EDECRYPT : 0;
out:
	sodium_free(xsk);
	return ret;
}

int
key_noise_mix(unsigned char out[64], const unsigned char ck[32],
    const unsigned char remote[32], const key_identity *id)
{
	unsigned char *xsk = NULL;
	int ret;

	if (id == NULL)
		return DT_EINVAL;
	if (id->sk == NULL) {
		if (id->ops == NULL || id->ops->noise_mix == NULL)
			return DT_EINVAL;
		return id->ops->noise_mix(id->ops_arg, out, ck, remote, id->pk);
	}
	if ((xsk = sodium_malloc(crypto_scalarmult_SCALARBYTES)) == NULL)
		return DT_ENOMEM;
	if (crypto_sign_ed25519_sk_to_curve25519(xsk, id->sk) != 0)
		ret = DT_EINVAL;
	else
		ret = noise_dh_mix(out, ck, xsk, remote);
	sodium_free(xsk);
	return ret;
}

/* Unicode white space (Go's unicode.IsSpace) that is not a control. */
static int
is_unicode_space(uint32_t c)
{
	return c == 0x00a0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
	    c == 0x2028 || c == 0x2029 || c == 0x202f || c == 0x205f ||
	    c == 0x3000;
}

/*
 * key_name_valid() - the C2SP signed-note rules (non-empty well-formed
 * UTF-8, no Unicode space, no '+'), plus: at most KEY_NAME_MAX bytes and
 * no control characters (C0, DEL, C1), since names end up in text files.
 */
int
key_name_valid(const char *name)
{
	const unsigned char *p = (const unsigned char *)name;
	size_t len, i, n, k;
	uint32_t c, min;

	if (name == NULL)
		return 0;
	len = strnlen(name, KEY_NAME_MAX + 1);
	if (len == 0 || len > KEY_NAME_MAX)
		return 0;
	for (i = 0; i < len; i += n) {
		c = p[i];
		if (c < 0x80) {
			n = 1;
			min = 0;
		} else if (c >= 0xc2 && c <= 0xdf) {
			n = 2;
			c &= 0x1f;
			min = 0x80;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 3;
			c &= 0x0f;
			min = 0x800;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 4;
			c &= 0x07;
			min = 0x10000;
		} else {
			return 0;
		}
		if (n > len - i)
			return 0;
		for (k = 1; k < n; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return 0;
			c = (c << 6) | (p[i + k] & 0x3fU);
		}
		if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
			return 0;
		if (c <= 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) ||
		    c == '+' || is_unicode_space(c))
			return 0;
	}
	return 1;
}

void
key_fingerprint(char out[KEY_FINGERPRINT_BYTES],
    const unsigned char pk[KEY_PK_BYTES])
{
	static const char digits[] = "0123456789ABCDEF";
	crypto_hash_sha256_state st;
	unsigned char h[crypto_hash_sha256_BYTES];
	size_t i, o = 0;

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)FPR_CTX,
	    FPR_CTX_BYTES);
	crypto_hash_sha256_update(&st, pk, KEY_PK_BYTES);
	crypto_hash_sha256_final(&st, h);
	for (i = 0; i < FPR_HASH_BYTES; i++) {
		if (i > 0 && i % 2 == 0)
			out[o++] = ' ';
		out[o++] = digits[h[i] >> 4];
		out[o++] = digits[h[i] & 0x0f];
	}
	out[o] = '\0';
}

unsigned int
key_c2sp_keyid(const char *name, const unsigned char pk[KEY_PK_BYTES])
{
	crypto_hash_sha256_state st;
	unsigned char h[crypto_hash_sha256_BYTES];
	const unsigned char sep[2] = { '\n', C2SP_ALG_ED25519 };

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)name,
	    strlen(name));
	crypto_hash_sha256_update(&st, sep, sizeof sep);
	crypto_hash_sha256_update(&st, pk, KEY_PK_BYTES);
	crypto_hash_sha256_final(&st, h);
	return ((unsigned int)h[0] << 24) | ((unsigned int)h[1] << 16) |
	    ((unsigned int)h[2] << 8) | (unsigned int)h[3];
}

static void
hex8(char out[9], unsigned int v)
{
	static const char digits[] = "0123456789abcdef";
	int i;

	for (i = 7; i >= 0; i--) {
		out[i] = digits[v & 0x0f];
		v >>= 4;
	}
	out[8] = '\0';
}

int
key_c2sp_vkey(char *out, size_t outlen, const char *name,
    const unsigned char pk[KEY_PK_BYTES])
{
	unsigned char raw[C2SP_RAW_BYTES];
	size_t namelen;

	if (!key_name_valid(name))
		return DT_EINVAL;
	namelen = strlen(name);
	/* name '+' 8 hex '+' base64 NUL */
	if (outlen < namelen + 1 + 8 + 1 + C2SP_B64_LEN + 1)
		return DT_ERANGE;
	memcpy(out, name, namelen);
	out[namelen] = '+';
	hex8(out + namelen + 1, key_c2sp_keyid(name, pk));
	out[namelen + 9] = '+';
	raw[0] = C2SP_ALG_ED25519;
	memcpy(raw + 1, pk, KEY_PK_BYTES);
	sodium_bin2base64(out + namelen + 10, C2SP_B64_LEN + 1, raw,
	    sizeof raw, sodium_base64_VARIANT_ORIGINAL);
	return 0;
}

void
key_minisign_keyid(unsigned char out[8], const unsigned char pk[KEY_PK_BYTES])
{
	crypto_hash_sha256_state st;
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)MSIGN_CTX,
	    MSIGN_CTX_BYTES);
	crypto_hash_sha256_update(&st, pk, KEY_PK_BYTES);
	crypto_hash_sha256_final(&st, h);
	memcpy(out, h, MSIGN_KEYID_BYTES);
}

/*
 * key_minisign_pub() - minisign prints its key id as the 64-bit
 * little-endian integer it stores, so the hex shows the bytes reversed.
 */
int
key_minisign_pub(char *out, size_t outlen,
    const unsigned char pk[KEY_PK_BYTES])
{
	static const char digits[] = "0123456789ABCDEF";
	unsigned char raw[MSIGN_RAW_BYTES];
	size_t clen = sizeof MSIGN_COMMENT - 1, o, i;

	/* comment, 16 hex, '\n', base64, '\n', NUL */
	if (outlen < clen + 16 + 1 + MSIGN_B64_LEN + 1 + 1)
		return DT_ERANGE;
	raw[0] = 'E';
	raw[1] = 'd';
	key_minisign_keyid(raw + 2, pk);
	memcpy(raw + 2 + MSIGN_KEYID_BYTES, pk, KEY_PK_BYTES);

	memcpy(out, MSIGN_COMMENT, clen);
	o = clen;
	for (i = MSIGN_KEYID_BYTES; i > 0; i--) {
		out[o++] = digits[raw[1 + i] >> 4];
		out[o++] = digits[raw[1 + i] & 0x0f];
	}
	out[o++] = '\n';
	sodium_bin2base64(out + o, MSIGN_B64_LEN + 1, raw, sizeof raw,
	    sodium_base64_VARIANT_ORIGINAL);
	o += MSIGN_B64_LEN;
	out[o++] = '\n';
	out[o] = '\0';
	return 0;
}

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	    c == '\v' || c == '\f';
}

static int
is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F');
}

/* Strict standard base64 (with padding) of exactly binlen bytes. */
static int
unbase64(unsigned char *bin, size_t binlen, const char *b64, size_t b64len)
{
	unsigned char tmp[64];
	const char *end = NULL;
	size_t len = 0;

	if (binlen > sizeof tmp ||
	    sodium_base642bin(tmp, sizeof tmp, b64, b64len, NULL, &len, &end,
	    sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    end != b64 + b64len || len != binlen)
		return DT_EFORMAT;
	memcpy(bin, tmp, binlen);
	return 0;
}

/* "name+xxxxxxxx+base64(0x01 || pk)", key id checked against name, pk. */
static int
parse_vkey(unsigned char pk[KEY_PK_BYTES], char name[KEY_NAME_MAX + 1],
    const char *s, size_t len)
{
	unsigned char raw[C2SP_RAW_BYTES];
	const char *p1, *p2;
	unsigned int id = 0;
	size_t namelen, i;

	if ((p1 = memchr(s, '+', len)) == NULL)
		return DT_EFORMAT;
	namelen = (size_t)(p1 - s);
	if (namelen == 0 || namelen > KEY_NAME_MAX)
		return DT_EFORMAT;
	memcpy(name, s, namelen);
	name[namelen] = '\0';
	if (!key_name_valid(name))
		return DT_EFORMAT;
	p2 = p1 + 1;
	if ((size_t)(s + len - p2) < 9 || p2[8] != '+')
		return DT_EFORMAT;
	for (i = 0; i < 8; i++) {
		if (!is_hex(p2[i]))
			return DT_EFORMAT;
		id = (id << 4) | (unsigned int)(p2[i] <= '9' ? p2[i] - '0' :
		    (p2[i] | 0x20) - 'a' + 10);
	}
	p2 += 9;
	if (unbase64(raw, sizeof raw, p2, (size_t)(s + len - p2)) != 0 ||
	    raw[0] != C2SP_ALG_ED25519)
		return DT_EFORMAT;
	if (key_c2sp_keyid(name, raw + 1) != id)
		return DT_EFORMAT;
	memcpy(pk, raw + 1, KEY_PK_BYTES);
	return 0;
}

/*
 * key_parse_public() - the text is trimmed of surrounding white space; a
 * whole minisign public key file (comment line first) is accepted too.
 * Nothing is written to pk or name unless the text parses.
 */
int
key_parse_public(unsigned char pk[KEY_PK_BYTES], char *name,
    const char *text)
{
	unsigned char raw[MSIGN_RAW_BYTES];
	char vname[KEY_NAME_MAX + 1];
	const char *s, *e, *nl;
	size_t len;

	if (text == NULL)
		return DT_EFORMAT;
	s = text;
	while (is_space(*s))
		s++;
	if (strncmp(s, "untrusted comment:", 18) == 0) {
		if ((nl = strchr(s, '\n')) == NULL)
			return DT_EFORMAT;
		s = nl + 1;
		while (is_space(*s))
			s++;
	}
	len = strnlen(s, PARSE_MAX + 1);
	if (len > PARSE_MAX)
		return DT_EFORMAT;
	e = s + len;
	while (e > s && is_space(e[-1]))
		e--;
	len = (size_t)(e - s);
	if (len == 0)
		return DT_EFORMAT;

	if (memchr(s, '+', len) != NULL &&
	    parse_vkey(raw, vname, s, len) == 0) {
		memcpy(pk, raw, KEY_PK_BYTES);
		if (name != NULL)
			memcpy(name, vname, strlen(vname) + 1);
		return 0;
	}
	if (len == 2 * KEY_PK_BYTES) {
		char hex[2 * KEY_PK_BYTES + 1];

		memcpy(hex, s, len);
		hex[len] = '\0';
		if (key_unhex(raw, KEY_PK_BYTES, hex) == 0)
			goto found;
	}
	if (len == MSIGN_B64_LEN &&
	    unbase64(raw, MSIGN_RAW_BYTES, s, len) == 0 &&
	    raw[0] == 'E' && raw[1] == 'd') {
		memmove(raw, raw + 2 + MSIGN_KEYID_BYTES, KEY_PK_BYTES);
		goto found;
	}
	return DT_EFORMAT;
found:
	memcpy(pk, raw, KEY_PK_BYTES);
	if (name != NULL)
		name[0] = '\0';
	return 0;
}

void
key_hex(char *out, const unsigned char *in, size_t n)
{
	sodium_bin2hex(out, 2 * n + 1, in, n);
}

int
key_unhex(unsigned char *out, size_t n, const char *hex)
{
	const char *end = NULL;
	size_t len = 0, i;

	if (hex == NULL || strnlen(hex, 2 * n + 1) != 2 * n)
		return DT_EFORMAT;
	for (i = 0; i < 2 * n; i++)
		if (!is_hex(hex[i]))
			return DT_EFORMAT;
	if (sodium_hex2bin(out, n, hex, 2 * n, NULL, &len, &end) != 0 ||
	    len != n || end != hex + 2 * n)
		return DT_EFORMAT;
	return 0;
}
