/*
 * entry.c: encode, parse, sign, verify, encrypt and decrypt entries.
 * The layout is in entry.h and docs/FORMAT.md.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "../crypto/err.h"
#include "entry.h"
#include "store.h"

static const struct {
	unsigned kind;
	const char *name;
} kinds[] = {
	{ ENTRY_K_GENESIS, "genesis" },
	{ ENTRY_K_MEMBER_ADD, "member-add" },
	{ ENTRY_K_MEMBER_REMOVE, "member-remove" },
	{ ENTRY_K_KEY_WRAP, "key-wrap" },
	{ ENTRY_K_CHECKPOINT, "checkpoint" },
	{ ENTRY_K_SEAL, "seal" },
	{ ENTRY_K_MINUTES_SIG, "minutes-signature" },
	{ ENTRY_K_MEETING_OPEN, "meeting-open" },
	{ ENTRY_K_MEETING_CLOSE, "meeting-close" },
	{ ENTRY_K_ATTENDANCE, "attendance" },
	{ ENTRY_K_AGENDA, "agenda" },
	{ ENTRY_K_AGENDA_STATUS, "agenda-status" },
	{ ENTRY_K_NOTE, "note" },
	{ ENTRY_K_STATEMENT, "statement" },
	{ ENTRY_K_PROPOSAL, "proposal" },
	{ ENTRY_K_DECISION, "decision" },
	{ ENTRY_K_COMMITMENT, "commitment" },
	{ ENTRY_K_COMMITMENT_STATUS, "commitment-status" },
	{ ENTRY_K_ENDORSEMENT, "endorsement" },
	{ ENTRY_K_CORRECTION, "correction" },
};

int
entry_kind_known(unsigned kind)
{
	size_t i;

	for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (kinds[i].kind == kind)
			return 1;
	return 0;
}

int
entry_kind_is_content(unsigned kind)
{
	return kind >= 0x20U && kind < 0x40U;
}

const char *
entry_kind_name(unsigned kind)
{
	size_t i;

	for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (kinds[i].kind == kind)
			return kinds[i].name;
	return "unknown";
}

unsigned
entry_kind_from_name(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (strcmp(kinds[i].name, name) == 0)
			return kinds[i].kind;
	return 0;
}

static uint64_t
be16(const unsigned char *p)
{
	return ((uint64_t)p[0] << 8) | p[1];
}

static uint64_t
be32(const unsigned char *p)
{
	return ((uint64_t)p[0] << 24) | ((uint64_t)p[1] << 16) |
	    ((uint64_t)p[2] << 8) | p[3];
}

int
entry_parse(entry *e, const unsigned char *b, size_t len)
{
	size_t off, need;
	unsigned i;
	static const unsigned char zero[ENTRY_HASH_BYTES];

	memset(e, 0, sizeof *e);
	if (len < ENTRY_FIXED_BYTES + 4 + KEY_SIG_BYTES)
		return DT_EFORMAT;
	if (memcmp(b, "DTE", 3) != 0)
		return DT_EFORMAT;
	if (b[3] != 0x01)
		return DT_EVERSION;
	e->bytes = b;
	e->len = len;
	e->kind = b[4];
	e->flags = b[5];
	e->nrefs = (unsigned)be16(b + 6);
	if (!entry_kind_known(e->kind))
		return DT_EFORMAT;
	if (entry_kind_is_content(e->kind) ? (e->flags != ENTRY_FLAG_ENCRYPTED &&
	    e->flags != (ENTRY_FLAG_ENCRYPTED | ENTRY_FLAG_EPOCH) &&
	    (e->flags != ENTRY_FLAGS_INTERNAL_NOTE ||
	    e->kind != ENTRY_K_NOTE)) :
	    (e->flags != 0U && (e->flags != ENTRY_FLAG_INTERNAL ||
	    e->kind != ENTRY_K_KEY_WRAP)))
		return DT_EFORMAT;
	if (e->nrefs > ENTRY_MAX_REFS)
		return DT_ERANGE;
	e->dialogue = b + 8;
	e->author = b + 40;
	e->seq = store_get_be64(b + 72);
	e->clock = store_get_be64(b + 80);
	e->time_ms = store_get_be64(b + 88);
	e->prev = b + 96;
	e->refs = b + ENTRY_FIXED_BYTES;
	off = ENTRY_FIXED_BYTES + (size_t)e->nrefs * ENTRY_REF_BYTES;
	if (len < off + 4 + KEY_SIG_BYTES)
		return DT_EFORMAT;
	e->body_len = (size_t)be32(b + off);
	off += 4;
	e->header_len = off;
	if (e->body_len > ENTRY_MAX_BODY)
		return DT_ERANGE;
	need = off + e->body_len + KEY_SIG_BYTES;
	if (need != len)
		return DT_EFORMAT;
	e->body = b + off;
	e->sig = b + off + e->body_len;
	if (entry_kind_is_content(e->kind)) {
		size_t pre = (e->flags & ENTRY_FLAG_EPOCH) ?
		    ENTRY_EPOCH_BYTES : 0;

		if (e->body_len < pre + ENTRY_NONCE_BYTES + ENTRY_MAC_BYTES)
			return DT_EFORMAT;
		/* an internal note's plaintext is whole blocks, at least one */
		if (e->flags == ENTRY_FLAGS_INTERNAL_NOTE &&
		    ((e->body_len - pre - ENTRY_NONCE_BYTES - ENTRY_MAC_BYTES) %
		    ENTRY_PAD_BLOCK != 0 || e->body_len - pre -
		    ENTRY_NONCE_BYTES - ENTRY_MAC_BYTES == 0))
			return DT_EFORMAT;
		e->epoch = pre ? e->body : NULL;
		e->sealed = e->body + pre;
		e->sealed_len = e->body_len - pre;
	}
	/* Structural rules that need no other entry. */
	if (e->kind == ENTRY_K_GENESIS) {
		if (e->seq != 0 || e->nrefs != 0 ||
		    memcmp(e->dialogue, zero, sizeof zero) != 0)
			return DT_EFORMAT;
	} else if (memcmp(e->dialogue, zero, sizeof zero) == 0)
		return DT_EFORMAT;
	if ((e->seq == 0) != (memcmp(e->prev, zero, sizeof zero) == 0))
		return DT_EFORMAT;
	/*
	 * The genesis has clock 1 and every other entry a greater one, so
	 * the genesis comes first in the merged view whatever the keys.
	 */
	if (e->kind == ENTRY_K_GENESIS ? e->clock != 1 : e->clock < 2)
		return DT_ECLOCK;
	for (i = 0; i < e->nrefs; i++) {
		const unsigned char *r = e->refs + (size_t)i * ENTRY_REF_BYTES;

		if (memcmp(r, e->author, KEY_PK_BYTES) == 0)
			return DT_EFORMAT;
		if (i > 0 && memcmp(r - ENTRY_REF_BYTES, r, KEY_PK_BYTES) >= 0)
			return DT_EFORMAT;
	}
	return 0;
}

void
entry_ref_get(entry_ref *r, const entry *e, unsigned i)
{
	const unsigned char *p = e->refs + (size_t)i * ENTRY_REF_BYTES;

	memcpy(r->author, p, KEY_PK_BYTES);
	r->seq = store_get_be64(p + 32);
	memcpy(r->hash, p + 40, ENTRY_HASH_BYTES);
}

void
entry_hash(unsigned char out[ENTRY_HASH_BYTES], const unsigned char *bytes,
    size_t len)
{
	crypto_hash_sha256_state st;
	static const unsigned char leaf = 0x00;

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, &leaf, 1);
	crypto_hash_sha256_update(&st, bytes, len);
	crypto_hash_sha256_final(&st, out);
}

/*
 * The signed message is the context string followed by header || body.
 * It is assembled in one buffer because crypto_sign_verify_detached()
 * takes one message; the entry bytes themselves are never re-encoded.
 */
static int
signed_message(unsigned char **msg, size_t *msglen, const unsigned char *b,
    size_t hb_len)
{
	*msglen = ENTRY_SIG_CTX_BYTES + hb_len;
	if ((*msg = malloc(*msglen)) == NULL)
		return DT_ENOMEM;
	memcpy(*msg, ENTRY_SIG_CTX, ENTRY_SIG_CTX_BYTES);
	memcpy(*msg + ENTRY_SIG_CTX_BYTES, b, hb_len);
	return 0;
}

int
entry_verify_sig(const entry *e)
{
	unsigned char *msg = NULL;
	size_t msglen;
	int rc;

	if ((rc = signed_message(&msg, &msglen, e->bytes,
	    e->header_len + e->body_len)) != 0)
		return rc;
	rc = crypto_sign_verify_detached(e->sig, msg, msglen, e->author) == 0 ?
	    0 : DT_ESIG;
	free(msg);
	return rc;
}

int
entry_build(unsigned char **out, size_t *outlen, const entry_draft *d,
    const key_identity *id)
{
	unsigned char *b = NULL, *msg = NULL, *pad = NULL;
	size_t hlen, blen, len, msglen, off, plen;
	unsigned i;
	int content, rc = DT_EINVAL;
	unsigned long long clen;

	*out = NULL;
	*outlen = 0;
	content = entry_kind_is_content(d->kind);
	if (!entry_kind_known(d->kind) ||
	    (d->kind == ENTRY_K_GENESIS ? d->clock != 1 : d->clock < 2) ||
	    (d->kind == ENTRY_K_GENESIS) != (d->dialogue == NULL) ||
	    (d->seq == 0) != (d->prev == NULL))
		goto out;
	if (d->nrefs > ENTRY_MAX_REFS) {
		rc = DT_ERANGE;
		goto out;
	}
	if (content && d->key == NULL) {
		rc = DT_ENOKEY;
		goto out;
	}
	for (i = 0; i < d->nrefs; i++)
		if (memcmp(d->refs[i].author, id->pk, KEY_PK_BYTES) == 0 ||
		    (i > 0 && memcmp(d->refs[i - 1].author, d->refs[i].author,
		    KEY_PK_BYTES) >= 0))
			goto out;
	if (d->internal && (content ? d->kind != ENTRY_K_NOTE ||
	    d->epoch == NULL : d->kind != ENTRY_K_KEY_WRAP))
		goto out;
	/* an internal note's plaintext: the payload padded (FORMAT.md 4) */
	plen = d->payload_len;
	if (content && d->internal) {
		size_t padded;

		rc = DT_ENOMEM;
		if ((pad = sodium_malloc(d->payload_len + ENTRY_PAD_BLOCK)) ==
		    NULL)
			goto out;
		memcpy(pad, d->payload, d->payload_len);
		if (sodium_pad(&padded, pad, d->payload_len, ENTRY_PAD_BLOCK,
		    d->payload_len + ENTRY_PAD_BLOCK) != 0) {
			rc = DT_EINVAL;
			goto out;
		}
		plen = padded;
	}
	hlen = ENTRY_FIXED_BYTES + (size_t)d->nrefs * ENTRY_REF_BYTES + 4;
	blen = plen + (content ?
	    ENTRY_NONCE_BYTES + ENTRY_MAC_BYTES : 0) +
	    (content && d->epoch != NULL ? ENTRY_EPOCH_BYTES : 0);
	if (blen > ENTRY_MAX_BODY) {
		rc = DT_ERANGE;
		goto out;
	}
	len = hlen + blen + KEY_SIG_BYTES;
	rc = DT_ENOMEM;
	if ((b = calloc(1, len)) == NULL)
		goto out;
	memcpy(b, ENTRY_MAGIC, 4);
	b[4] = (unsigned char)d->kind;
	b[5] = content ? ENTRY_FLAG_ENCRYPTED : 0;
	if (content && d->epoch != NULL)
		b[5] |= ENTRY_FLAG_EPOCH;
	if (d->internal)
		b[5] |= ENTRY_FLAG_INTERNAL;
	b[6] = (unsigned char)(d->nrefs >> 8);
	b[7] = (unsigned char)d->nrefs;
	if (d->dialogue != NULL)
		memcpy(b + 8, d->dialogue, ENTRY_HASH_BYTES);
	memcpy(b + 40, id->pk, KEY_PK_BYTES);
	store_be64(b + 72, d->seq);
	store_be64(b + 80, d->clock);
	store_be64(b + 88, d->time_ms);
	if (d->prev != NULL)
		memcpy(b + 96, d->prev, ENTRY_HASH_BYTES);
	off = ENTRY_FIXED_BYTES;
	for (i = 0; i < d->nrefs; i++, off += ENTRY_REF_BYTES) {
		memcpy(b + off, d->refs[i].author, KEY_PK_BYTES);
		store_be64(b + off + 32, d->refs[i].seq);
		memcpy(b + off + 40, d->refs[i].hash, ENTRY_HASH_BYTES);
	}
	b[off] = (unsigned char)(blen >> 24);
	b[off + 1] = (unsigned char)(blen >> 16);
	b[off + 2] = (unsigned char)(blen >> 8);
	b[off + 3] = (unsigned char)blen;
	off += 4;
	if (content) {
		unsigned char *nonce = b + off;

		if (d->epoch != NULL) {
			memcpy(nonce, d->epoch, ENTRY_EPOCH_BYTES);
			nonce += ENTRY_EPOCH_BYTES;
		}
		if (d->nonce != NULL)
			memcpy(nonce, d->nonce, ENTRY_NONCE_BYTES);
		else
			randombytes_buf(nonce, ENTRY_NONCE_BYTES);
		crypto_aead_xchacha20poly1305_ietf_encrypt(
		    nonce + ENTRY_NONCE_BYTES, &clen, pad != NULL ? pad :
		    d->payload, plen, b, hlen, NULL, nonce, d->key);
	} else
		memcpy(b + off, d->payload, d->payload_len);
	if ((rc = signed_message(&msg, &msglen, b, hlen + blen)) != 0)
		goto out;
	/* with id's secret key, or through the agent that holds it */
	if ((rc = key_sign(b + hlen + blen, msg, msglen, id)) != 0)
		goto out;
	*out = b;
	*outlen = len;
	b = NULL;
	rc = 0;
out:
	if (pad != NULL)
		sodium_free(pad);
	free(msg);
	free(b);
	return rc;
}

int
entry_is_internal(const entry *e)
{
	return e->flags == ENTRY_FLAGS_INTERNAL_NOTE;
}

/*
 * unpad() - an internal note's plaintext of *len bytes in p without its
 * padding (FORMAT.md section 4, "Body"): 0, or DT_EDECRYPT if it has none.
 */
static int
unpad(const entry *e, unsigned char *p, size_t *len)
{
	size_t n;

	if (!entry_is_internal(e))
		return 0;
	if (sodium_unpad(&n, p, *len, ENTRY_PAD_BLOCK) != 0)
		return DT_EDECRYPT;
	sodium_memzero(p + n, *len - n);
	*len = n;
	p[n] = '\0';
	return 0;
}

int
entry_open(unsigned char **out, size_t *outlen, const entry *e,
    const unsigned char *key)
{
	unsigned char *p;
	size_t n;
	unsigned long long plen;

	*out = NULL;
	*outlen = 0;
	if (!entry_kind_is_content(e->kind)) {
		if ((p = sodium_malloc(e->body_len + 1)) == NULL)
			return DT_ENOMEM;
		memcpy(p, e->body, e->body_len);
		p[e->body_len] = '\0';
		*out = p;
		*outlen = e->body_len;
		return 0;
	}
	if (key == NULL)
		return DT_ENOKEY;
	n = e->sealed_len - ENTRY_NONCE_BYTES - ENTRY_MAC_BYTES;
	if ((p = sodium_malloc(n + 1)) == NULL)
		return DT_ENOMEM;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(p, &plen, NULL,
	    e->sealed + ENTRY_NONCE_BYTES, e->sealed_len - ENTRY_NONCE_BYTES,
	    e->bytes, e->header_len, e->sealed, key) != 0) {
		sodium_free(p);
		return DT_EDECRYPT;
	}
	p[plen] = '\0';
	n = (size_t)plen;
	if (unpad(e, p, &n) != 0) {
		sodium_free(p);
		return DT_EDECRYPT;
	}
	*out = p;
	*outlen = n;
	return 0;
}

int
entry_open_into(unsigned char *out, size_t cap, size_t *outlen,
    const entry *e, const unsigned char *key)
{
	unsigned long long plen;

	*outlen = 0;
	if (!entry_kind_is_content(e->kind)) {
		if (cap < e->body_len + 1)
			return DT_ERANGE;
		memcpy(out, e->body, e->body_len);
		out[e->body_len] = '\0';
		*outlen = e->body_len;
		return 0;
	}
	if (key == NULL)
		return DT_ENOKEY;
	if (cap < e->sealed_len - ENTRY_NONCE_BYTES - ENTRY_MAC_BYTES + 1)
		return DT_ERANGE;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(out, &plen, NULL,
	    e->sealed + ENTRY_NONCE_BYTES, e->sealed_len - ENTRY_NONCE_BYTES,
	    e->bytes, e->header_len, e->sealed, key) != 0)
		return DT_EDECRYPT;
	out[plen] = '\0';
	*outlen = (size_t)plen;
	if (unpad(e, out, outlen) != 0) {
		sodium_memzero(out, (size_t)plen);
		*outlen = 0;
		return DT_EDECRYPT;
	}
	return 0;
}

void
entry_plain_free(unsigned char *p, size_t len)
{
	(void)len; /* sodium_free() wipes the whole allocation */
	sodium_free(p);
}
