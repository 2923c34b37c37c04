/*
 * note.c: C2SP signed notes (Ed25519) and tlog-checkpoint texts.
 *
 * Parsing follows Go's golang.org/x/mod/sumdb/note (the reference the
 * C2SP spec grew out of), but is stricter where that one is lenient: a
 * repeated signature line, or two lines for one name and key id, make the
 * note malformed instead of being skipped, and base64 must be canonical.
 * Signing reproduces Go's output byte for byte (Ed25519 is deterministic).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "err.h"
#include "keys.h"
#include "note.h"

#define ALG_ED25519 0x01U
#define KEYID_BYTES 4U
#define ED_SIG_BYTES (KEYID_BYTES + KEY_SIG_BYTES) /* 68 */
#define ED_SIG_B64_LEN 92U /* 68 bytes, one '=' */
/* U+2014 EM DASH, then a space: the start of every signature line. */
#define SIG_PREFIX "\xe2\x80\x94 "
#define SIG_PREFIX_LEN 4U

/* --- text rules --------------------------------------------------------- */

/*
 * The code point at p (at most len bytes) into *cp; its length in bytes,
 * or 0 if it is not well-formed UTF-8 (overlong, surrogate, above
 * U+10FFFF, truncated), as Go's utf8.DecodeRune reports RuneError.
 */
static size_t
utf8_next(const unsigned char *p, size_t len, uint32_t *cp)
{
	uint32_t c = p[0], min;
	size_t n, k;

	if (c < 0x80) {
		*cp = c;
		return 1;
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
	if (n > len)
		return 0;
	for (k = 1; k < n; k++) {
		if ((p[k] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (p[k] & 0x3fU);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

/* Go's unicode.IsSpace: what a C2SP key name must not contain. */
static int
is_space(uint32_t c)
{
	return (c >= 0x09 && c <= 0x0d) || c == 0x20 || c == 0x85 ||
	    c == 0xa0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
	    c == 0x2028 || c == 0x2029 || c == 0x202f || c == 0x205f ||
	    c == 0x3000;
}

/*
 * A key name: C2SP's rules (non-empty UTF-8, no space, no '+'); when
 * strict (names we write), also no control character at all.  Names we
 * read come from notes whose C0 controls were already refused.
 */
static int
name_ok(const char *name, size_t len, int strict)
{
	const unsigned char *p = (const unsigned char *)name;
	size_t i, n;
	uint32_t c;

	if (name == NULL || len == 0)
		return 0;
	for (i = 0; i < len; i += n) {
		if ((n = utf8_next(p + i, len - i, &c)) == 0)
			return 0;
		if (c == '+' || is_space(c) || c < 0x20)
			return 0;
		if (strict && (c == 0x7f || (c >= 0x80 && c <= 0x9f)))
			return 0;
	}
	return 1;
}

int
note_name_valid(const char *name, size_t len)
{
	return name_ok(name, len, 1);
}

/* Well-formed UTF-8 with no C0 control but "\n" (DEL is allowed). */
static int
chars_ok(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i, n;
	uint32_t c;

	for (i = 0; i < len; i += n) {
		if ((n = utf8_next(p + i, len - i, &c)) == 0)
			return 0;
		if (c < 0x20 && c != '\n')
			return 0;
	}
	return 1;
}

int
note_text_valid(const char *text, size_t len)
{
	return text != NULL && len > 0 && text[len - 1] == '\n' &&
	    chars_ok(text, len);
}

/* Strict padded base64 into at most maxlen bytes; the length or -1. */
static long
unbase64(unsigned char *bin, size_t maxlen, const char *b64, size_t b64len)
{
	const char *end = NULL;
	size_t len = 0;

	if (b64len == 0 || b64len % 4 != 0 ||
	    sodium_base642bin(bin, maxlen, b64, b64len, NULL, &len, &end,
		sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    end != b64 + b64len)
		return -1;
	return (long)len;
}

/* --- parsing ------------------------------------------------------------ */

/* The position of the last "\n\n" in s, or -1. */
static long
last_blank(const char *s, size_t len)
{
	size_t i;

	for (i = len; i >= 2; i--)
		if (s[i - 2] == '\n' && s[i - 1] == '\n')
			return (long)(i - 2);
	return -1;
}

/* One signature line, without its "\n", into *sig. */
static int
parse_sig_line(note_sig *sig, const char *line, size_t len, unsigned char *buf)
{
	const char *sp;
	long n;

	if (len < SIG_PREFIX_LEN ||
	    memcmp(line, SIG_PREFIX, SIG_PREFIX_LEN) != 0)
		return DT_EFORMAT;
	sig->line = line;
	sig->linelen = len + 1;
	sig->name = line + SIG_PREFIX_LEN;
	len -= SIG_PREFIX_LEN;
	if ((sp = memchr(sig->name, ' ', len)) == NULL)
		return DT_EFORMAT;
	sig->namelen = (size_t)(sp - sig->name);
	sig->b64 = sp + 1;
	sig->b64len = len - sig->namelen - 1;
	if (!name_ok(sig->name, sig->namelen, 0))
		return DT_EFORMAT;
	n = unbase64(buf, NOTE_SIG_MAX_BYTES, sig->b64, sig->b64len);
	if (n < (long)KEYID_BYTES + 1)
		return DT_EFORMAT;
	sig->keyid = ((uint32_t)buf[0] << 24) | ((uint32_t)buf[1] << 16) |
	    ((uint32_t)buf[2] << 8) | (uint32_t)buf[3];
	sig->siglen = (size_t)n - KEYID_BYTES;
	return 0;
}

static int
same_key(const note_sig *a, const note_sig *b)
{
	return a->keyid == b->keyid && a->namelen == b->namelen &&
	    memcmp(a->name, b->name, a->namelen) == 0;
}

/*
 * note_open() - nothing is allocated: text and every field of sigs point
 * into note.  The decoded signatures are checked and thrown away; verifiers
 * decode them again.
 */
int
note_open(const char **text, size_t *textlen, note_sig *sigs, size_t *nsigs,
    const char *note, size_t len)
{
	unsigned char buf[NOTE_SIG_MAX_BYTES];
	const char *p, *end, *nl;
	size_t n = 0, i;
	long split;
	int ret;

	*nsigs = 0;
	*text = NULL;
	*textlen = 0;
	if (note == NULL)
		return DT_EFORMAT;
	if (len > NOTE_MAX_BYTES)
		return DT_ERANGE;
	if (!chars_ok(note, len))
		return DT_EFORMAT;
	if ((split = last_blank(note, len)) < 0)
		return DT_EFORMAT;
	p = note + split + 2;
	end = note + len;
	if (p == end || end[-1] != '\n')
		return DT_EFORMAT;
	for (; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p)); /* found: end[-1] */
		if (n == NOTE_SIGS_MAX) {
			ret = DT_ERANGE;
			goto fail;
		}
		if ((ret = parse_sig_line(&sigs[n], p, (size_t)(nl - p),
			 buf)) != 0)
			goto fail;
		for (i = 0; i < n; i++)
			if (same_key(&sigs[i], &sigs[n])) {
				ret = DT_EFORMAT;
				goto fail;
			}
		n++;
	}
	*text = note;
	*textlen = (size_t)split + 1;
	*nsigs = n;
	return 0;
fail:
	memset(sigs, 0, NOTE_SIGS_MAX * sizeof *sigs);
	return ret;
}

/* --- signing ------------------------------------------------------------ */

/* The length of the signature line for a name of namelen bytes. */
static size_t
sig_line_len(size_t namelen)
{
	return SIG_PREFIX_LEN + namelen + 1 + ED_SIG_B64_LEN + 1;
}

/*
 * Write id's signature line for text under name at out; 0, or what
 * key_sign() returned (out then holds nothing of use).
 */
static int
write_sig_line(char *out, const char *text, size_t textlen,
    const key_identity *id, const char *name, uint32_t keyid)
{
	unsigned char raw[ED_SIG_BYTES];
	size_t namelen = strlen(name), o = 0;
	int rc;

	raw[0] = (unsigned char)(keyid >> 24);
	raw[1] = (unsigned char)(keyid >> 16);
	raw[2] = (unsigned char)(keyid >> 8);
	raw[3] = (unsigned char)keyid;
	if ((rc = key_sign(raw + KEYID_BYTES, (const unsigned char *)text,
	    textlen, id)) != 0)
		return rc;
	memcpy(out, SIG_PREFIX, SIG_PREFIX_LEN);
	o += SIG_PREFIX_LEN;
	memcpy(out + o, name, namelen);
	o += namelen;
	out[o++] = ' ';
	sodium_bin2base64(out + o, ED_SIG_B64_LEN + 1, raw, sizeof raw,
	    sodium_base64_VARIANT_ORIGINAL);
	o += ED_SIG_B64_LEN;
	out[o] = '\n';
	return 0;
}

static int
signer_ok(const key_identity *id, const char *name)
{
	size_t len;

	if (!key_identity_usable(id) || name == NULL)
		return 0;
	len = strnlen(name, NOTE_NAME_MAX + 1);
	return len <= NOTE_NAME_MAX && note_name_valid(name, len);
}

int
note_sign(char **out, size_t *outlen, const char *text, size_t textlen,
    const key_identity *id, const char *name)
{
	char *buf;
	size_t total;
	int rc;

	*out = NULL;
	*outlen = 0;
	if (!signer_ok(id, name) || !note_text_valid(text, textlen))
		return DT_EINVAL;
	if (textlen > NOTE_MAX_BYTES)
		return DT_ERANGE;
	total = textlen + 1 + sig_line_len(strlen(name));
	if (total > NOTE_MAX_BYTES)
		return DT_ERANGE;
	if ((buf = malloc(total + 1)) == NULL)
		return DT_ENOMEM;
	memcpy(buf, text, textlen);
	buf[textlen] = '\n';
	if ((rc = write_sig_line(buf + textlen + 1, text, textlen, id, name,
	    (uint32_t)key_c2sp_keyid(name, id->pk))) != 0) {
		free(buf);
		return rc;
	}
	buf[total] = '\0';
	*out = buf;
	*outlen = total;
	return 0;
}

int
note_cosign(char **out, size_t *outlen, const char *note, size_t notelen,
    const key_identity *id, const char *name)
{
	note_sig sigs[NOTE_SIGS_MAX];
	const char *text;
	size_t textlen, nsigs, namelen, total, i;
	uint32_t keyid;
	char *buf;
	int ret;

	*out = NULL;
	*outlen = 0;
	if (!signer_ok(id, name))
		return DT_EINVAL;
	if ((ret = note_open(&text, &textlen, sigs, &nsigs, note, notelen)) !=
	    0)
		return ret;
	namelen = strlen(name);
	keyid = (uint32_t)key_c2sp_keyid(name, id->pk);
	for (i = 0; i < nsigs; i++)
		if (sigs[i].keyid == keyid && sigs[i].namelen == namelen &&
		    memcmp(sigs[i].name, name, namelen) == 0)
			return DT_EEXIST;
	if (nsigs == NOTE_SIGS_MAX)
		return DT_ERANGE;
	total = notelen + sig_line_len(namelen);
	if (total > NOTE_MAX_BYTES)
		return DT_ERANGE;
	if ((buf = malloc(total + 1)) == NULL)
		return DT_ENOMEM;
	memcpy(buf, note, notelen);
	if ((ret = write_sig_line(buf + notelen, text, textlen, id, name,
	    keyid)) != 0) {
		free(buf);
		return ret;
	}
	buf[total] = '\0';
	*out = buf;
	*outlen = total;
	return 0;
}

/* --- verification -------------------------------------------------------- */

int
note_verify(const char *note, size_t len, const note_verifier *verifiers,
    size_t nverifiers, uint64_t *mask)
{
	note_sig sigs[NOTE_SIGS_MAX];
	uint32_t ids[NOTE_VERIFIERS_MAX];
	size_t nlen[NOTE_VERIFIERS_MAX];
	unsigned char raw[ED_SIG_BYTES];
	const char *text;
	size_t textlen, nsigs, i, j;
	uint64_t got = 0;
	int ret;

	if (mask != NULL)
		*mask = 0;
	if (nverifiers > NOTE_VERIFIERS_MAX)
		return DT_ERANGE;
	if (nverifiers > 0 && verifiers == NULL)
		return DT_EINVAL;
	for (i = 0; i < nverifiers; i++) {
		if (verifiers[i].name == NULL)
			return DT_EINVAL;
		nlen[i] = strlen(verifiers[i].name);
		if (!name_ok(verifiers[i].name, nlen[i], 0))
			return DT_EINVAL;
		ids[i] = (uint32_t)key_c2sp_keyid(verifiers[i].name,
		    verifiers[i].pk);
		/* a name and key id must name one key (Go: "ambiguous key") */
		for (j = 0; j < i; j++)
			if (ids[j] == ids[i] && nlen[j] == nlen[i] &&
			    memcmp(verifiers[j].name, verifiers[i].name,
				nlen[i]) == 0 &&
			    memcmp(verifiers[j].pk, verifiers[i].pk,
				KEY_PK_BYTES) != 0)
				return DT_EINVAL;
	}
	if ((ret = note_open(&text, &textlen, sigs, &nsigs, note, len)) != 0)
		return ret;
	for (i = 0; i < nsigs; i++) {
		for (j = 0; j < nverifiers; j++) {
			if (ids[j] != sigs[i].keyid ||
			    nlen[j] != sigs[i].namelen ||
			    memcmp(verifiers[j].name, sigs[i].name, nlen[j]) !=
				0)
				continue;
			/* a known key: its signature must verify */
			if (sigs[i].siglen != KEY_SIG_BYTES ||
			    unbase64(raw, sizeof raw, sigs[i].b64,
				sigs[i].b64len) != (long)ED_SIG_BYTES ||
			    crypto_sign_verify_detached(raw + KEYID_BYTES,
				(const unsigned char *)text, textlen,
				verifiers[j].pk) != 0)
				return DT_ESIG;
			got |= (uint64_t)1 << j;
		}
	}
	if (got == 0)
		return DT_ESIG;
	if (mask != NULL)
		*mask = got;
	return 0;
}

/* --- checkpoints --------------------------------------------------------- */

int
note_checkpoint_text(char *out, size_t outlen, const char *origin,
    uint64_t size, const unsigned char root[32])
{
	char digits[21];
	size_t olen, dlen, d = sizeof digits, need;

	if (origin == NULL || root == NULL || out == NULL)
		return DT_EINVAL;
	olen = strnlen(origin, NOTE_NAME_MAX + 1);
	if (olen > NOTE_NAME_MAX || !note_name_valid(origin, olen))
		return DT_EINVAL;
	do {
		digits[--d] = (char)('0' + size % 10);
		size /= 10;
	} while (size != 0);
	dlen = sizeof digits - d;
	need = olen + 1 + dlen + 1 + NOTE_ROOT_B64_LEN + 1 + 1;
	if (outlen < need)
		return DT_ERANGE;
	memcpy(out, origin, olen);
	out[olen] = '\n';
	memcpy(out + olen + 1, digits + d, dlen);
	out[olen + 1 + dlen] = '\n';
	sodium_bin2base64(out + olen + dlen + 2, NOTE_ROOT_B64_LEN + 1, root,
	    32, sodium_base64_VARIANT_ORIGINAL);
	out[need - 2] = '\n';
	out[need - 1] = '\0';
	return 0;
}

/* Decimal, no sign, no leading zero (but "0"), at most 2^64 - 1. */
static int
parse_size(uint64_t *v, const char *s, size_t len)
{
	uint64_t x = 0;
	size_t i;

	if (len == 0 || len > 20 || (len > 1 && s[0] == '0'))
		return DT_EFORMAT;
	for (i = 0; i < len; i++) {
		unsigned int dg;

		if (s[i] < '0' || s[i] > '9')
			return DT_EFORMAT;
		dg = (unsigned int)(s[i] - '0');
		if (x > (UINT64_MAX - dg) / 10)
			return DT_EFORMAT;
		x = x * 10 + dg;
	}
	*v = x;
	return 0;
}

int
note_checkpoint_parse(note_checkpoint *cp, const char *text, size_t textlen)
{
	const char *line[3], *p, *end, *nl;
	size_t llen[3], i;
	unsigned char root[32 + 2];

	memset(cp, 0, sizeof *cp);
	if (!note_text_valid(text, textlen))
		return DT_EFORMAT;
	p = text;
	end = text + textlen;
	for (i = 0; i < 3; i++) {
		if (p == end ||
		    (nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			return DT_EFORMAT;
		line[i] = p;
		llen[i] = (size_t)(nl - p);
		p = nl + 1;
	}
	if (llen[0] == 0 || parse_size(&cp->size, line[1], llen[1]) != 0 ||
	    llen[2] != NOTE_ROOT_B64_LEN ||
	    unbase64(root, sizeof root, line[2], llen[2]) != 32)
		goto bad;
	/* extension lines: each non-empty (the text ends in "\n") */
	for (nl = p; nl < end; nl++)
		if (nl[0] == '\n' && (nl == p || nl[-1] == '\n'))
			goto bad;
	cp->origin = line[0];
	cp->originlen = llen[0];
	memcpy(cp->root, root, 32);
	if (p < end) {
		cp->ext = p;
		cp->extlen = (size_t)(end - p);
	}
	return 0;
bad:
	memset(cp, 0, sizeof *cp);
	return DT_EFORMAT;
}

void
note_checkpoint_origin(char out[NOTE_ORIGIN_BYTES],
    const unsigned char dialogue[32], const unsigned char author[KEY_PK_BYTES])
{
	memcpy(out, "detente/", 8);
	sodium_bin2hex(out + 8, 65, dialogue, 32);
	out[72] = '/';
	sodium_bin2hex(out + 73, 65, author, KEY_PK_BYTES);
}
