/*
 * noise.c: Noise_XX_25519_ChaChaPoly_SHA256 (Noise revision 34) on
 * libsodium: CipherState, SymmetricState, HandshakeState.
 *
 * The names follow the spec's sections 5.1-5.3, so that the code can be
 * read beside it.  Each state is one sodium_malloc() block, wiped when
 * freed; a DH result or HKDF temporary on the stack is wiped before the
 * function returns.
 */
#include <string.h>

#include <sodium.h>

#include "err.h"
#include "keys.h"
#include "noise.h"

#define NOISE_NAME_BYTES 32U /* strlen(NOISE_PROTOCOL_NAME): equals HASHLEN */

/* 2^64-1: the spec reserves it (section 5.1), so a CipherState stops there */
#define NONCE_MAX UINT64_MAX

struct noise_cipher {
	unsigned char k[NOISE_KEY_BYTES];
	int has_k;
	uint64_t n;
};

/* XX's three messages, in the order they are sent. */
enum { MSG1 = 0, MSG2 = 1, MSG3 = 2, DONE = 3, SPLIT = 4 };

struct noise_hs {
	/* SymmetricState */
	noise_cipher cs;
	unsigned char ck[NOISE_HASH_BYTES];
	unsigned char h[NOISE_HASH_BYTES];
	/* HandshakeState */
	unsigned char s[NOISE_DH_BYTES];     /* our static private key */
	unsigned char s_pub[NOISE_DH_BYTES];
	int have_s;                          /* else: id's ops act for s */
	const key_identity *id;
	unsigned char e[NOISE_DH_BYTES];     /* our ephemeral private key */
	unsigned char e_pub[NOISE_DH_BYTES];
	int have_e;                          /* fixed by set_ephemeral() */
	unsigned char re[NOISE_DH_BYTES];
	unsigned char rs[NOISE_DH_BYTES];
	int have_rs;
	int initiator;
	int step;                            /* MSG1..DONE */
	int dead;                            /* an error ended it */
};

/* --- HASH, HMAC, HKDF ----------------------------------------------------- */

static void
hmac(unsigned char out[NOISE_HASH_BYTES], const unsigned char *key,
    size_t keylen, const unsigned char *a, size_t alen,
    const unsigned char *b, size_t blen)
{
	crypto_auth_hmacsha256_state st;

	crypto_auth_hmacsha256_init(&st, key, keylen);
	crypto_auth_hmacsha256_update(&st, a, alen);
	if (blen > 0)
		crypto_auth_hmacsha256_update(&st, b, blen);
	crypto_auth_hmacsha256_final(&st, out);
	sodium_memzero(&st, sizeof st);
}

void
noise_hkdf(unsigned char out1[NOISE_HASH_BYTES],
    unsigned char out2[NOISE_HASH_BYTES],
    const unsigned char ck[NOISE_HASH_BYTES], const unsigned char *ikm,
    size_t ikmlen)
{
	static const unsigned char one = 0x01, two = 0x02;
	unsigned char temp[NOISE_HASH_BYTES];

	hmac(temp, ck, NOISE_HASH_BYTES, ikm, ikmlen, NULL, 0);
	hmac(out1, temp, sizeof temp, &one, 1, NULL, 0);
	if (out2 != NULL)
		hmac(out2, temp, sizeof temp, out1, NOISE_HASH_BYTES, &two, 1);
	sodium_memzero(temp, sizeof temp);
}

int
noise_dh_mix(unsigned char out[2 * NOISE_HASH_BYTES],
    const unsigned char ck[NOISE_HASH_BYTES],
    const unsigned char priv[NOISE_DH_BYTES],
    const unsigned char pub[NOISE_DH_BYTES])
{
	unsigned char dh[NOISE_DH_BYTES];
	int ret = 0;

	/* crypto_scalarmult() fails on an all-zero result (a low-order pub) */
	if (crypto_scalarmult(dh, priv, pub) != 0)
		ret = DT_EINVAL;
	else
		noise_hkdf(out, out + NOISE_HASH_BYTES, ck, dh, sizeof dh);
	sodium_memzero(dh, sizeof dh);
	return ret;
}

/* --- CipherState (section 5.1) --------------------------------------------- */

static void
nonce12(unsigned char out[crypto_aead_chacha20poly1305_ietf_NPUBBYTES],
    uint64_t n)
{
	size_t i;

	memset(out, 0, 4);
	for (i = 0; i < 8; i++)
		out[4 + i] = (unsigned char)(n >> (8 * i));
}

static void
cipher_init(noise_cipher *c, const unsigned char k[NOISE_KEY_BYTES])
{
	memcpy(c->k, k, NOISE_KEY_BYTES);
	c->has_k = 1;
	c->n = 0;
}

int
noise_cipher_encrypt(noise_cipher *c, unsigned char *out,
    const unsigned char *ad, size_t adlen, const unsigned char *p,
    size_t plen)
{
	unsigned char npub[crypto_aead_chacha20poly1305_ietf_NPUBBYTES];

	if (c == NULL || !c->has_k)
		return DT_ESTATE;
	if (plen > NOISE_PLAIN_MAX || c->n == NONCE_MAX)
		return DT_ERANGE;
	nonce12(npub, c->n);
	crypto_aead_chacha20poly1305_ietf_encrypt(out, NULL, p, plen, ad,
	    adlen, NULL, npub, c->k);
	c->n++;
	return 0;
}

int
noise_cipher_decrypt(noise_cipher *c, unsigned char *out,
    const unsigned char *ad, size_t adlen, const unsigned char *ct,
    size_t clen)
{
	unsigned char npub[crypto_aead_chacha20poly1305_ietf_NPUBBYTES];

	if (c == NULL || !c->has_k)
		return DT_ESTATE;
	if (clen < NOISE_TAG_BYTES)
		return DT_EFORMAT;
	if (clen > NOISE_MSG_MAX || c->n == NONCE_MAX)
		return DT_ERANGE;
	nonce12(npub, c->n);
	if (crypto_aead_chacha20poly1305_ietf_decrypt(out, NULL, NULL, ct,
		clen, ad, adlen, npub, c->k) != 0)
		return DT_EDECRYPT;
	c->n++;
	return 0;
}

uint64_t
noise_cipher_nonce(const noise_cipher *c)
{
	return c != NULL ? c->n : 0;
}

void
noise_cipher_set_nonce(noise_cipher *c, uint64_t n)
{
	c->n = n;
}

void
noise_cipher_free(noise_cipher *c)
{
	sodium_free(c); /* wipes; accepts NULL */
}

/* --- SymmetricState (section 5.2) ------------------------------------------ */

static void
mix_hash(noise_hs *hs, const unsigned char *data, size_t len)
{
	crypto_hash_sha256_state st;

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, hs->h, NOISE_HASH_BYTES);
	crypto_hash_sha256_update(&st, data, len);
	crypto_hash_sha256_final(&st, hs->h);
}

/* MixKey() given HKDF's two outputs: ck' || temp_k */
static void
mix_key_out(noise_hs *hs, const unsigned char out[2 * NOISE_HASH_BYTES])
{
	memcpy(hs->ck, out, NOISE_HASH_BYTES);
	cipher_init(&hs->cs, out + NOISE_HASH_BYTES);
}

/*
 * mix_dh() - MixKey(DH(priv, pub)); priv NULL means our static key as
 * id holds it (key_noise_mix(): with its secret, or through its holder).
 */
static int
mix_dh(noise_hs *hs, const unsigned char *priv, const unsigned char *pub)
{
	unsigned char out[2 * NOISE_HASH_BYTES];
	int rc;

	if (priv != NULL)
		rc = noise_dh_mix(out, hs->ck, priv, pub);
	else
		rc = key_noise_mix(out, hs->ck, pub, hs->id);
	if (rc == 0)
		mix_key_out(hs, out);
	sodium_memzero(out, sizeof out);
	return rc;
}

/* EncryptAndHash(): out gets len (+ tag once there is a key) bytes */
static int
encrypt_and_hash(noise_hs *hs, unsigned char *out, size_t *outlen,
    const unsigned char *p, size_t len)
{
	int rc;

	if (!hs->cs.has_k) {
		if (len > 0)
			memmove(out, p, len);
		*outlen = len;
	} else {
		if ((rc = noise_cipher_encrypt(&hs->cs, out, hs->h,
			 NOISE_HASH_BYTES, p, len)) != 0)
			return rc;
		*outlen = len + NOISE_TAG_BYTES;
	}
	mix_hash(hs, out, *outlen);
	return 0;
}

/* DecryptAndHash(): c is clen bytes; out gets the plaintext */
static int
decrypt_and_hash(noise_hs *hs, unsigned char *out, const unsigned char *c,
    size_t clen)
{
	unsigned char hprev[NOISE_HASH_BYTES];
	int rc;

	if (!hs->cs.has_k) {
		if (clen > 0)
			memmove(out, c, clen);
	} else {
		/* h is the associated data; MixHash(c) comes after */
		memcpy(hprev, hs->h, sizeof hprev);
		if ((rc = noise_cipher_decrypt(&hs->cs, out, hprev,
			 sizeof hprev, c, clen)) != 0)
			return rc;
	}
	mix_hash(hs, c, clen);
	return 0;
}

/* --- HandshakeState (section 5.3) ------------------------------------------ */

int
noise_hs_new(noise_hs **out, int initiator, const unsigned char *prologue,
    size_t prologue_len, const key_identity *id)
{
	noise_hs *hs;

	*out = NULL;
	if ((hs = sodium_malloc(sizeof *hs)) == NULL)
		return DT_ENOMEM;
	memset(hs, 0, sizeof *hs);
	hs->initiator = initiator != 0;
	hs->id = id;
	if (id != NULL) {
		if (!key_identity_usable(id) ||
		    crypto_sign_ed25519_pk_to_curve25519(hs->s_pub, id->pk) !=
			0)
			goto inval;
		if (id->sk != NULL) {
			if (crypto_sign_ed25519_sk_to_curve25519(hs->s,
				id->sk) != 0)
				goto inval;
			hs->have_s = 1;
		}
	}
	/* InitializeSymmetric(): the name is exactly HASHLEN bytes, so h is
	 * the name itself (section 5.2), and ck = h */
	memcpy(hs->h, NOISE_PROTOCOL_NAME, NOISE_NAME_BYTES);
	memcpy(hs->ck, hs->h, NOISE_HASH_BYTES);
	mix_hash(hs, prologue != NULL ? prologue : (const unsigned char *)"",
	    prologue_len);
	/* XX has no pre-messages */
	hs->step = MSG1;
	*out = hs;
	return 0;
inval:
	sodium_free(hs);
	return DT_EINVAL;
}

int
noise_hs_set_static(noise_hs *hs, const unsigned char priv[NOISE_DH_BYTES])
{
	if (hs == NULL || hs->dead || hs->step != MSG1)
		return DT_ESTATE;
	memcpy(hs->s, priv, NOISE_DH_BYTES);
	crypto_scalarmult_base(hs->s_pub, hs->s);
	hs->have_s = 1;
	hs->id = NULL;
	return 0;
}

int
noise_hs_set_ephemeral(noise_hs *hs, const unsigned char priv[NOISE_DH_BYTES])
{
	if (hs == NULL || hs->dead || hs->step != MSG1)
		return DT_ESTATE;
	memcpy(hs->e, priv, NOISE_DH_BYTES);
	crypto_scalarmult_base(hs->e_pub, hs->e);
	hs->have_e = 1;
	return 0;
}

/* the "e" token's key pair: fixed by a test, or fresh */
static void
make_e(noise_hs *hs)
{
	if (!hs->have_e) {
		randombytes_buf(hs->e, NOISE_DH_BYTES);
		crypto_scalarmult_base(hs->e_pub, hs->e);
		hs->have_e = 1;
	}
}

/* our static key as mix_dh() takes it */
static const unsigned char *
s_priv(const noise_hs *hs)
{
	return hs->have_s ? hs->s : NULL;
}

int
noise_hs_write_turn(const noise_hs *hs)
{
	if (hs == NULL || hs->dead || hs->step >= DONE)
		return 0;
	/* the initiator writes messages 1 and 3, the responder message 2 */
	return (hs->step == MSG2) != hs->initiator;
}

int
noise_hs_done(const noise_hs *hs)
{
	return hs != NULL && !hs->dead && hs->step == DONE;
}

int
noise_hs_write(noise_hs *hs, unsigned char *msg, size_t *msglen,
    size_t msgmax, const unsigned char *payload, size_t plen)
{
	size_t need, o = 0, n;
	int rc;

	*msglen = 0;
	if (hs == NULL || !noise_hs_write_turn(hs))
		return DT_ESTATE;
	if (!hs->have_s && hs->id == NULL)
		return DT_ESTATE;
	switch (hs->step) {
	case MSG1:
		need = NOISE_DH_BYTES + plen;
		break;
	case MSG2:
		need = 2 * NOISE_DH_BYTES + 2 * NOISE_TAG_BYTES + plen;
		break;
	default:
		need = NOISE_DH_BYTES + 2 * NOISE_TAG_BYTES + plen;
		break;
	}
	if (plen > NOISE_MSG_MAX || need > NOISE_MSG_MAX || need > msgmax)
		return DT_ERANGE;
	switch (hs->step) {
	case MSG1: /* -> e */
		make_e(hs);
		memcpy(msg, hs->e_pub, NOISE_DH_BYTES);
		mix_hash(hs, hs->e_pub, NOISE_DH_BYTES);
		o = NOISE_DH_BYTES;
		break;
	case MSG2: /* <- e, ee, s, es */
		make_e(hs);
		memcpy(msg, hs->e_pub, NOISE_DH_BYTES);
		mix_hash(hs, hs->e_pub, NOISE_DH_BYTES);
		o = NOISE_DH_BYTES;
		if ((rc = mix_dh(hs, hs->e, hs->re)) != 0)
			goto fail;
		if ((rc = encrypt_and_hash(hs, msg + o, &n, hs->s_pub,
			 NOISE_DH_BYTES)) != 0)
			goto fail;
		o += n;
		if ((rc = mix_dh(hs, s_priv(hs), hs->re)) != 0) /* es */
			goto fail;
		break;
	default: /* MSG3: -> s, se */
		if ((rc = encrypt_and_hash(hs, msg, &n, hs->s_pub,
			 NOISE_DH_BYTES)) != 0)
			goto fail;
		o = n;
		if ((rc = mix_dh(hs, s_priv(hs), hs->re)) != 0) /* se */
			goto fail;
		break;
	}
	if ((rc = encrypt_and_hash(hs, msg + o, &n, payload, plen)) != 0)
		goto fail;
	*msglen = o + n;
	hs->step++;
	return 0;
fail:
	hs->dead = 1;
	return rc;
}

int
noise_hs_read(noise_hs *hs, unsigned char *payload, size_t *plen,
    size_t pmax, const unsigned char *msg, size_t msglen)
{
	size_t o = 0, min, skey;
	int rc;

	*plen = 0;
	if (hs == NULL || hs->dead || hs->step >= DONE ||
	    noise_hs_write_turn(hs))
		return DT_ESTATE;
	if (!hs->have_s && hs->id == NULL)
		return DT_ESTATE;
	if (msglen > NOISE_MSG_MAX) {
		rc = DT_EFORMAT;
		goto fail;
	}
	/* the fixed part (keys, tags) before the payload */
	skey = NOISE_DH_BYTES + NOISE_TAG_BYTES;
	min = hs->step == MSG1 ? NOISE_DH_BYTES :
	    hs->step == MSG2     ? NOISE_DH_BYTES + skey + NOISE_TAG_BYTES :
				   skey + NOISE_TAG_BYTES;
	if (msglen < min) {
		rc = DT_EFORMAT;
		goto fail;
	}
	if (msglen - min > pmax) {
		rc = DT_ERANGE;
		goto fail;
	}
	switch (hs->step) {
	case MSG1: /* -> e */
		memcpy(hs->re, msg, NOISE_DH_BYTES);
		mix_hash(hs, hs->re, NOISE_DH_BYTES);
		o = NOISE_DH_BYTES;
		break;
	case MSG2: /* <- e, ee, s, es */
		memcpy(hs->re, msg, NOISE_DH_BYTES);
		mix_hash(hs, hs->re, NOISE_DH_BYTES);
		o = NOISE_DH_BYTES;
		if ((rc = mix_dh(hs, hs->e, hs->re)) != 0) /* ee */
			goto fail;
		if ((rc = decrypt_and_hash(hs, hs->rs, msg + o, skey)) != 0)
			goto fail;
		o += skey;
		if ((rc = mix_dh(hs, hs->e, hs->rs)) != 0) /* es */
			goto fail;
		break;
	default: /* MSG3: -> s, se */
		if ((rc = decrypt_and_hash(hs, hs->rs, msg, skey)) != 0)
			goto fail;
		o = skey;
		if ((rc = mix_dh(hs, hs->e, hs->rs)) != 0) /* se */
			goto fail;
		break;
	}
	/* the payload: in the clear in message 1 (no key yet) */
	if ((rc = decrypt_and_hash(hs, payload, msg + o, msglen - o)) != 0)
		goto fail;
	*plen = hs->cs.has_k ? msglen - o - NOISE_TAG_BYTES : msglen - o;
	if (hs->step != MSG1)
		hs->have_rs = 1;
	hs->step++;
	return 0;
fail:
	/* a half-read rs is no one's key */
	sodium_memzero(hs->rs, sizeof hs->rs);
	hs->dead = 1;
	return rc;
}

const unsigned char *
noise_hs_remote_static(const noise_hs *hs)
{
	return hs != NULL && hs->have_rs && !hs->dead ? hs->rs : NULL;
}

const unsigned char *
noise_hs_local_static(const noise_hs *hs)
{
	return hs->s_pub;
}

void
noise_hs_hash(const noise_hs *hs, unsigned char h[NOISE_HASH_BYTES])
{
	memcpy(h, hs->h, NOISE_HASH_BYTES);
}

int
noise_hs_split(noise_hs *hs, noise_cipher **send, noise_cipher **recv)
{
	unsigned char k1[NOISE_HASH_BYTES], k2[NOISE_HASH_BYTES];
	noise_cipher *c1 = NULL, *c2 = NULL;
	int ret;

	*send = *recv = NULL;
	if (!noise_hs_done(hs))
		return DT_ESTATE;
	if ((c1 = sodium_malloc(sizeof *c1)) == NULL ||
	    (c2 = sodium_malloc(sizeof *c2)) == NULL) {
		ret = DT_ENOMEM;
		goto out;
	}
	noise_hkdf(k1, k2, hs->ck, NULL, 0);
	cipher_init(c1, k1);
	cipher_init(c2, k2);
	*send = hs->initiator ? c1 : c2;
	*recv = hs->initiator ? c2 : c1;
	c1 = c2 = NULL;
	/* what the handshake knew is of no further use */
	sodium_memzero(hs->ck, sizeof hs->ck);
	sodium_memzero(&hs->cs, sizeof hs->cs);
	sodium_memzero(hs->s, sizeof hs->s);
	sodium_memzero(hs->e, sizeof hs->e);
	hs->step = SPLIT;
	ret = 0;
out:
	sodium_memzero(k1, sizeof k1);
	sodium_memzero(k2, sizeof k2);
	sodium_free(c1);
	sodium_free(c2);
	return ret;
}

void
noise_hs_free(noise_hs *hs)
{
	sodium_free(hs); /* wipes; accepts NULL */
}
