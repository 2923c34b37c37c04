/*
 * minisig.c: minisign signature files, prehashed ("ED").
 *
 * Byte for byte what jedisct1/minisign writes and checks (src/minisign.c:
 * sign(), sig_load(), verify()): the file's BLAKE2b-512 (crypto_generichash
 * with a 64-byte output and no key) signed with Ed25519, and a second
 * Ed25519 signature over that signature followed by the trusted comment,
 * which binds the comment to the file.  Parsing is stricter than
 * minisign's (which trims "\r" and tolerates non-canonical base64).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "err.h"
#include "keys.h"
#include "minisig.h"

#define ALG_HASHED "ED"
#define ALG_LEGACY "Ed"
#define UNTRUSTED_PREFIX "untrusted comment: "
#define UNTRUSTED_PREFIX_LEN 19U
#define TRUSTED_PREFIX "trusted comment: "
#define TRUSTED_PREFIX_LEN 17U
/* "ED" || keyid || signature */
#define SIG_RAW_BYTES (2U + MINISIG_KEYID_BYTES + KEY_SIG_BYTES) /* 74 */
#define SIG_B64_LEN 100U /* 74 bytes, one '=' */
#define GLOBAL_B64_LEN 88U /* 64 bytes, two '=' */
/* "Ed" || keyid || pk */
#define PUB_RAW_BYTES (2U + MINISIG_KEYID_BYTES + KEY_PK_BYTES) /* 42 */
#define PUB_B64_LEN 56U

void
minisig_hash(unsigned char out[MINISIG_HASH_BYTES], const unsigned char *msg,
    size_t len)
{
	crypto_generichash(out, MINISIG_HASH_BYTES, msg, len, NULL, 0);
}

int
minisig_hash_file(unsigned char out[MINISIG_HASH_BYTES], const char *path)
{
	crypto_generichash_state st;
	unsigned char buf[65536];
	FILE *f;
	size_t n;
	int rc = 0;

	if ((f = fopen(path, "rb")) == NULL)
		return errno == ENOENT ? DT_ENOENT : DT_EIO;
	crypto_generichash_init(&st, NULL, 0, MINISIG_HASH_BYTES);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		crypto_generichash_update(&st, buf, n);
	if (ferror(f))
		rc = DT_EIO;
	if (fclose(f) != 0 && rc == 0)
		rc = DT_EIO;
	if (rc == 0)
		crypto_generichash_final(&st, out, MINISIG_HASH_BYTES);
	return rc;
}

int
minisig_comment_valid(const char *text, size_t len, size_t max)
{
	return text != NULL && len <= max && memchr(text, '\n', len) == NULL &&
	    memchr(text, '\r', len) == NULL && memchr(text, '\0', len) == NULL;
}

/*
 * global_input() - sig || trusted comment, the bytes of the second
 * signature, in a new malloc'd buffer (NULL when out of memory).
 */
static unsigned char *
global_input(const unsigned char sig[KEY_SIG_BYTES], const char *trusted,
    size_t tlen)
{
	unsigned char *m = malloc(KEY_SIG_BYTES + tlen + 1);

	if (m == NULL)
		return NULL;
	memcpy(m, sig, KEY_SIG_BYTES);
	memcpy(m + KEY_SIG_BYTES, trusted, tlen);
	return m;
}

/*
 * minisig_sign() - writes the four lines into one buffer sized for them;
 * the secret key is only used through key_sign().
 */
int
minisig_sign(char **out, size_t *outlen,
    const unsigned char hash[MINISIG_HASH_BYTES], const char *trusted,
    const char *untrusted, const key_identity *id)
{
	unsigned char raw[SIG_RAW_BYTES], global[KEY_SIG_BYTES];
	unsigned char *m = NULL;
	size_t tlen, ulen, cap, o = 0;
	char *buf = NULL;
	int rc = DT_ENOMEM;

	*out = NULL;
	*outlen = 0;
	if (trusted == NULL || untrusted == NULL || !key_identity_usable(id))
		return DT_EINVAL;
	tlen = strlen(trusted);
	ulen = strlen(untrusted);
	if (!minisig_comment_valid(trusted, tlen, MINISIG_TRUSTED_MAX) ||
	    !minisig_comment_valid(untrusted, ulen, MINISIG_UNTRUSTED_MAX))
		return DT_EINVAL;
	memcpy(raw, ALG_HASHED, 2);
	key_minisign_keyid(raw + 2, id->pk);
	if ((rc = key_sign(raw + 2 + MINISIG_KEYID_BYTES, hash,
	    MINISIG_HASH_BYTES, id)) != 0)
		goto out;
	rc = DT_ENOMEM;
	if ((m = global_input(raw + 2 + MINISIG_KEYID_BYTES, trusted, tlen)) ==
	    NULL)
		goto out;
	if ((rc = key_sign(global, m, KEY_SIG_BYTES + tlen, id)) != 0)
		goto out;
	rc = DT_ENOMEM;

	cap = UNTRUSTED_PREFIX_LEN + ulen + 1 + SIG_B64_LEN + 1 +
	    TRUSTED_PREFIX_LEN + tlen + 1 + GLOBAL_B64_LEN + 1 + 1;
	if ((buf = malloc(cap)) == NULL)
		goto out;
	memcpy(buf + o, UNTRUSTED_PREFIX, UNTRUSTED_PREFIX_LEN);
	o += UNTRUSTED_PREFIX_LEN;
	memcpy(buf + o, untrusted, ulen);
	o += ulen;
	buf[o++] = '\n';
	sodium_bin2base64(buf + o, SIG_B64_LEN + 1, raw, sizeof(raw),
	    sodium_base64_VARIANT_ORIGINAL);
	o += SIG_B64_LEN;
	buf[o++] = '\n';
	memcpy(buf + o, TRUSTED_PREFIX, TRUSTED_PREFIX_LEN);
	o += TRUSTED_PREFIX_LEN;
	memcpy(buf + o, trusted, tlen);
	o += tlen;
	buf[o++] = '\n';
	sodium_bin2base64(buf + o, GLOBAL_B64_LEN + 1, global, sizeof(global),
	    sodium_base64_VARIANT_ORIGINAL);
	o += GLOBAL_B64_LEN;
	buf[o++] = '\n';
	buf[o] = '\0';
	*out = buf;
	*outlen = o;
	buf = NULL;
	rc = 0;
out:
	free(m);
	free(buf);
	return rc;
}

/*
 * b64_exact() - decode exactly n bytes from len characters of canonical
 * padded base64 (what sodium_bin2base64 writes for those bytes, and
 * nothing else).  @return 0 or -1.
 */
static int
b64_exact(unsigned char *out, size_t n, const char *s, size_t len)
{
	char again[GLOBAL_B64_LEN + SIG_B64_LEN + 1];
	const char *end = NULL;
	size_t got = 0;

	if (len !=
		sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL) -
		    1 ||
	    len >= sizeof(again))
		return -1;
	if (sodium_base642bin(out, n, s, len, NULL, &got, &end,
		sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    got != n || end != s + len)
		return -1;
	sodium_bin2base64(again, sizeof(again), out, n,
	    sodium_base64_VARIANT_ORIGINAL);
	return memcmp(again, s, len) == 0 ? 0 : -1;
}

/*
 * next_line() - the line at *p (before end), without its "\n"; moves *p
 * past the "\n".  @return the line's length, or -1 if there is no "\n".
 */
static long
next_line(const char **line, const char **p, const char *end)
{
	const char *nl = memchr(*p, '\n', (size_t)(end - *p));
	long n;

	if (nl == NULL)
		return -1;
	*line = *p;
	n = (long)(nl - *p);
	*p = nl + 1;
	return n;
}

int
minisig_parse(minisig *out, const char *text, size_t len)
{
	unsigned char raw[SIG_RAW_BYTES];
	const char *p = text, *end = text + len, *l;
	long n;

	memset(out, 0, sizeof(*out));
	if (text == NULL || len > MINISIG_FILE_MAX ||
	    memchr(text, '\0', len) != NULL || memchr(text, '\r', len) != NULL)
		return DT_EFORMAT;
	/* 1: untrusted comment */
	if ((n = next_line(&l, &p, end)) < (long)UNTRUSTED_PREFIX_LEN ||
	    memcmp(l, UNTRUSTED_PREFIX, UNTRUSTED_PREFIX_LEN) != 0 ||
	    (size_t)n - UNTRUSTED_PREFIX_LEN > MINISIG_UNTRUSTED_MAX)
		goto bad;
	out->untrusted = l + UNTRUSTED_PREFIX_LEN;
	out->untrusted_len = (size_t)n - UNTRUSTED_PREFIX_LEN;
	/* 2: algorithm, key id, signature of the hash */
	if ((n = next_line(&l, &p, end)) < 0 ||
	    b64_exact(raw, sizeof(raw), l, (size_t)n) != 0)
		goto bad;
	if (memcmp(raw, ALG_HASHED, 2) == 0)
		out->prehashed = 1;
	else if (memcmp(raw, ALG_LEGACY, 2) != 0)
		goto bad;
	memcpy(out->keyid, raw + 2, MINISIG_KEYID_BYTES);
	memcpy(out->sig, raw + 2 + MINISIG_KEYID_BYTES, KEY_SIG_BYTES);
	/* 3: trusted comment */
	if ((n = next_line(&l, &p, end)) < (long)TRUSTED_PREFIX_LEN ||
	    memcmp(l, TRUSTED_PREFIX, TRUSTED_PREFIX_LEN) != 0 ||
	    (size_t)n - TRUSTED_PREFIX_LEN > MINISIG_TRUSTED_MAX)
		goto bad;
	out->trusted = l + TRUSTED_PREFIX_LEN;
	out->trusted_len = (size_t)n - TRUSTED_PREFIX_LEN;
	/* 4: signature of the trusted comment, and nothing after it */
	if ((n = next_line(&l, &p, end)) < 0 ||
	    b64_exact(out->global_sig, KEY_SIG_BYTES, l, (size_t)n) != 0 ||
	    p != end)
		goto bad;
	return 0;
bad:
	memset(out, 0, sizeof(*out));
	return DT_EFORMAT;
}

int
minisig_verify(const char *text, size_t len,
    const unsigned char hash[MINISIG_HASH_BYTES],
    const unsigned char pk[KEY_PK_BYTES], const unsigned char *keyid,
    const char **why)
{
	unsigned char *m;
	const char *dummy;
	minisig s;
	int rc;

	if (why == NULL)
		why = &dummy;
	*why = NULL;
	if (minisig_parse(&s, text, len) != 0) {
		*why = "not a minisign signature file";
		return DT_EFORMAT;
	}
	if (!s.prehashed) {
		*why = "a legacy (not prehashed) minisign signature";
		return DT_EFORMAT;
	}
	if (keyid != NULL && memcmp(keyid, s.keyid, MINISIG_KEYID_BYTES) != 0) {
		*why = "signed with another key (the key ids differ)";
		return DT_ESIG;
	}
	if (crypto_sign_verify_detached(s.sig, hash, MINISIG_HASH_BYTES, pk) !=
	    0) {
		*why = "the signature of the file does not verify";
		return DT_ESIG;
	}
	if ((m = global_input(s.sig, s.trusted, s.trusted_len)) == NULL)
		return DT_ENOMEM;
	rc = crypto_sign_verify_detached(s.global_sig, m,
		 KEY_SIG_BYTES + s.trusted_len, pk) == 0 ?
	    0 :
	    DT_ESIG;
	free(m);
	if (rc != 0)
		*why = "the signature of the trusted comment does not verify";
	return rc;
}

int
minisig_verify_comment(const minisig *s, const unsigned char pk[KEY_PK_BYTES])
{
	unsigned char *m;
	int rc;

	if ((m = global_input(s->sig, s->trusted, s->trusted_len)) == NULL)
		return DT_ENOMEM;
	rc = crypto_sign_verify_detached(s->global_sig, m,
		 KEY_SIG_BYTES + s->trusted_len, pk) == 0 ?
	    0 :
	    DT_ESIG;
	free(m);
	return rc;
}

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	    c == '\f';
}

int
minisig_pubkey_parse(unsigned char keyid[MINISIG_KEYID_BYTES],
    unsigned char pk[KEY_PK_BYTES], const char *text, size_t len)
{
	unsigned char raw[PUB_RAW_BYTES];
	const char *s = text, *e = text + len, *nl;

	if (text == NULL || len > 4096 || memchr(text, '\0', len) != NULL)
		return DT_EFORMAT;
	while (s < e && is_space(*s))
		s++;
	if ((size_t)(e - s) >= 18 && memcmp(s, "untrusted comment:", 18) == 0) {
		if ((nl = memchr(s, '\n', (size_t)(e - s))) == NULL)
			return DT_EFORMAT;
		s = nl + 1;
	}
	while (s < e && is_space(*s))
		s++;
	while (e > s && is_space(e[-1]))
		e--;
	if ((size_t)(e - s) != PUB_B64_LEN ||
	    b64_exact(raw, sizeof(raw), s, PUB_B64_LEN) != 0 ||
	    memcmp(raw, ALG_LEGACY, 2) != 0)
		return DT_EFORMAT;
	memcpy(keyid, raw + 2, MINISIG_KEYID_BYTES);
	memcpy(pk, raw + 2 + MINISIG_KEYID_BYTES, KEY_PK_BYTES);
	return 0;
}
