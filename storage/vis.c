/*
 * vis.c: untrusted text made safe to show.  See vis.h for the rule.
 */
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <sodium.h>

#include "../crypto/err.h"
#include "vis.h"

int
vis_cp_unsafe(uint32_t c)
{
	return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x061c ||
	    c == 0x200e || c == 0x200f || (c >= 0x2028 && c <= 0x202e) ||
	    (c >= 0x2066 && c <= 0x2069);
}

/*
 * utf8_next() - the well-formed UTF-8 character at p (avail bytes, at
 * least 1): its length, and its code point in *c; 0 if p does not
 * begin one.
 */
static size_t
utf8_next(const unsigned char *p, size_t avail, uint32_t *c)
{
	size_t n, i;
	uint32_t v;

	if (p[0] < 0x80) {
		*c = p[0];
		return 1;
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		n = 2;
		v = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		n = 3;
		v = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 4;
		v = p[0] & 0x07;
	} else
		return 0;
	if (n > avail)
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (p[i] & 0x3f);
	}
	if ((n == 3 && v < 0x800) ||
	    (n == 4 && (v < 0x10000 || v > 0x10ffff)) ||
	    (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*c = v;
	return n;
}

/*
 * step() - the length of the character at p (avail bytes, at least 1;
 * a bad byte: 1), and in *bad whether it is unsafe.
 */
static size_t
step(const char *p, size_t avail, int *bad)
{
	uint32_t c;
	size_t n = utf8_next((const unsigned char *)p, avail, &c);

	if (n == 0) {
		*bad = 1;
		return 1;
	}
	*bad = vis_cp_unsafe(c);
	return n;
}

size_t
vis_char(const char *p, int *unsafe)
{
	return step(p, strnlen(p, 4), unsafe);
}

/*
 * put() - the one walk: the n bytes at s (NULL: none) with unsafe
 * characters replaced, as runs of bytes handed to emit(ctx, bytes, len).
 * Every byte that is kept goes out in a run; a run never ends inside a
 * character.
 */
static void
put(const char *s, size_t n, unsigned flags,
    void (*emit)(void *ctx, const char *b, size_t n), void *ctx)
{
	const char *p = s != NULL ? s : "", *run = p, *end = p + n;
	size_t u;
	int bad;

	while (p < end) {
		u = step(p, (size_t)(end - p), &bad);
		if (!bad || (*p == '\n' && (flags & VIS_NL))) {
			/* a safe character: its bytes join the run */
			p += u;
			continue;
		}
		if (p > run)
			emit(ctx, run, (size_t)(p - run));
		if (*p == '\t')
			emit(ctx, " ", 1);
		else
			emit(ctx, VIS_REPLACEMENT, 3);
		p += u;
		run = p;
	}
	if (p > run)
		emit(ctx, run, (size_t)(p - run));
}

static void
emit_file(void *ctx, const char *b, size_t n)
{
	fwrite(b, 1, n, ctx);
}

void
vis_put(FILE *f, const char *s, unsigned flags)
{
	put(s, s != NULL ? strlen(s) : 0, flags, emit_file, f);
}

void
vis_nput(FILE *f, const char *s, size_t n, unsigned flags)
{
	put(s, s != NULL ? n : 0, flags, emit_file, f);
}

/* Where vis_clean() and vis_buf() write; full: what did not fit. */
struct vbuf {
	char *p;
	size_t len, cap;
	int full;
};

static void
emit_buf(void *ctx, const char *b, size_t n)
{
	struct vbuf *v = ctx;
	size_t i, k;

	if (v->full)
		return;
	if (v->len + n < v->cap) {
		memcpy(v->p + v->len, b, n);
		v->len += n;
		return;
	}
	/* what fits, up to a character boundary */
	for (i = 0; i < n && v->len + i < v->cap; i = k) {
		for (k = i + 1; k < n && ((unsigned char)b[k] & 0xc0) == 0x80;
		     k++)
			;
		if (v->len + k >= v->cap)
			break;
	}
	memcpy(v->p + v->len, b, i);
	v->len += i;
	v->full = 1;
}

char *
vis_clean(const char *s, unsigned flags)
{
	struct vbuf v;
	size_t n;

	/* each byte becomes at most 3 (a bad byte: U+FFFD) */
	memset(&v, 0, sizeof(v));
	n = s != NULL ? strlen(s) : 0;
	v.cap = 3 * n + 1;
	if ((v.p = malloc(v.cap)) == NULL)
		return NULL;
	put(s, n, flags, emit_buf, &v);
	v.p[v.len] = '\0';
	return v.p;
}

/* nbuf() - vis_buf() of the n bytes at s. */
static const char *
nbuf(char *out, size_t outlen, const char *s, size_t n, unsigned flags)
{
	struct vbuf v;
	size_t cut;

	if (outlen < 4) {
		if (outlen > 0)
			out[0] = '\0';
		return out;
	}
	memset(&v, 0, sizeof(v));
	v.p = out;
	v.cap = outlen;
	put(s, n, flags, emit_buf, &v);
	if (v.full) {
		/* room for "...": back to a character boundary */
		cut = v.len < outlen - 4 ? v.len : outlen - 4;
		while (cut > 0 && cut < v.len &&
		    ((unsigned char)out[cut] & 0xc0) == 0x80)
			cut--;
		memcpy(out + cut, "...", 3);
		v.len = cut + 3;
	}
	out[v.len] = '\0';
	return out;
}

const char *
vis_buf(char *out, size_t outlen, const char *s, unsigned flags)
{
	return nbuf(out, outlen, s, s != NULL ? strlen(s) : 0, flags);
}

const char *
vis_nbuf(char *out, size_t outlen, const char *s, size_t n)
{
	return nbuf(out, outlen, s, s != NULL ? strnlen(s, n) : 0, 0);
}

int
vis_json(char **buf, size_t *len)
{
	static const char hexd[] = "0123456789abcdef";
	const char *s = *buf, *end = *buf + *len, *p;
	char *out, *o;
	uint32_t c;
	size_t n, extra = 0;

	/* how much longer: at most 6 bytes for each unsafe byte */
	for (p = s; p < end; p += n) {
		if ((unsigned char)*p < 0x80 && *p != 0x7f) {
			n = 1;
			continue;
		}
		if ((n = utf8_next((const unsigned char *)p, (size_t)(end - p),
			 &c)) == 0) {
			n = 1;
			extra += 6;
		} else if (vis_cp_unsafe(c))
			extra += 6;
	}
	if (extra == 0)
		return 0;
	if ((out = malloc(*len + extra + 1)) == NULL)
		return DT_ENOMEM;
	for (p = s, o = out; p < end; p += n) {
		if ((unsigned char)*p < 0x80 && *p != 0x7f) {
			*o++ = *p;
			n = 1;
			continue;
		}
		if ((n = utf8_next((const unsigned char *)p, (size_t)(end - p),
			 &c)) == 0) {
			n = 1;
			c = 0xfffd;
		} else if (!vis_cp_unsafe(c)) {
			memcpy(o, p, n);
			o += n;
			continue;
		}
		*o++ = '\\';
		*o++ = 'u';
		*o++ = hexd[(c >> 12) & 0xf];
		*o++ = hexd[(c >> 8) & 0xf];
		*o++ = hexd[(c >> 4) & 0xf];
		*o++ = hexd[c & 0xf];
	}
	*o = '\0';
	/* the old text may be decrypted content */
	sodium_memzero(*buf, *len);
	free(*buf);
	*buf = out;
	*len = (size_t)(o - out);
	return 0;
}

int
vis_field_check(const char *s, size_t max)
{
	const char *end = s + strlen(s);
	int bad;

	if (end == s || (size_t)(end - s) > max)
		return DT_ERANGE;
	while (s < end) {
		s += step(s, (size_t)(end - s), &bad);
		if (bad)
			return DT_EFORMAT;
	}
	return 0;
}

size_t
vis_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)(s != NULL ? s : "");
	size_t w = 0, n, avail = strlen((const char *)p);
	uint32_t c;
	int cw;

	while (avail > 0) {
		if ((n = utf8_next(p, avail, &c)) == 0) {
			n = 1;
			cw = 1;
		} else if ((cw = wcwidth((wchar_t)c)) < 0)
			cw = 1;
		w += (size_t)cw;
		p += n;
		avail -= n;
	}
	return w;
}
