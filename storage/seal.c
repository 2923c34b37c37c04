/*
 * seal.c: seal texts, proposing and cosigning a seal, a meeting's seal
 * status, and the rule for seal entries.
 *
 * Signatures are always checked with note_verify() (crypto/note.c), one
 * signature line at a time where it matters which head signed: the line
 * is put back under the text, so that the one signed-note verifier is the
 * only code that decides whether a signature is good.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "../crypto/err.h"
#include "checkpoint.h"
#include "payload.h"
#include "seal.h"

#define ORIGIN_LEN (NOTE_ORIGIN_BYTES - 1U) /* 137 */
#define ORIGIN_PREFIX "detente/"

static int
why_set(char *why, size_t whylen, int rc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
why_set(char *why, size_t whylen, int rc, const char *fmt, ...)
{
	va_list ap;

	if (why != NULL && whylen > 0) {
		va_start(ap, fmt);
		vsnprintf(why, whylen, fmt, ap);
		va_end(ap);
	}
	return rc;
}

/* A feed's author for messages: the member's name, or 16 hex digits. */
static void
feed_label(char out[KEY_NAME_MAX + 1], const record *r,
    const unsigned char pk[KEY_PK_BYTES])
{
	const record_member *m = r != NULL ? record_member_find(r, pk) : NULL;

	if (m != NULL)
		snprintf(out, KEY_NAME_MAX + 1, "%s", m->name);
	else
		sodium_bin2hex(out, 17, pk, 8);
}

/* --- the text ------------------------------------------------------------ */

void
seal_text_done(seal_text *s)
{
	if (s == NULL)
		return;
	free(s->feeds);
	memset(s, 0, sizeof *s);
}

/* Decimal into buf (21 bytes); returns the digits' start. */
static const char *
dec(char buf[21], uint64_t v)
{
	size_t d = 20;

	buf[20] = '\0';
	do {
		buf[--d] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	return buf + d;
}

int
seal_text_format(char **out, size_t *len, const seal_text *s)
{
	char hex[65], origin[NOTE_ORIGIN_BYTES], b64[NOTE_ROOT_B64_LEN + 1];
	char d1[21], d2[21];
	size_t cap, i;
	char *buf;
	FILE *f;

	*out = NULL;
	*len = 0;
	if (s == NULL || s->nfeeds == 0)
		return DT_EINVAL;
	for (i = 0; i < s->nfeeds; i++)
		if (s->feeds[i].size == 0 || (i > 0 &&
		    memcmp(s->feeds[i - 1].author, s->feeds[i].author,
		    KEY_PK_BYTES) >= 0))
			return DT_EINVAL;
	if ((f = open_memstream(&buf, &cap)) == NULL)
		return DT_ENOMEM;
	sodium_bin2hex(hex, sizeof hex, s->dialogue, 32);
	fprintf(f, "%s\ndialogue %s\nmeeting %s\n", SEAL_HEADER, hex,
	    dec(d1, s->meeting));
	if (s->has_minutes) {
		sodium_bin2hex(hex, sizeof hex, s->minutes, 32);
		fprintf(f, "minutes %s\n", hex);
	} else {
		fputs("minutes -\n", f);
	}
	for (i = 0; i < s->nfeeds; i++) {
		note_checkpoint_origin(origin, s->dialogue, s->feeds[i].author);
		sodium_bin2base64(b64, sizeof b64, s->feeds[i].root,
		    MERKLE_HASH_BYTES, sodium_base64_VARIANT_ORIGINAL);
		fprintf(f, "feed %s %s %s\n", origin, dec(d2,
		    s->feeds[i].size), b64);
	}
	if (fclose(f) != 0 || buf == NULL) {
		free(buf);
		return DT_ENOMEM;
	}
	*out = buf;
	*len = cap;
	return 0;
}

/* Exactly 2n lower-case hex digits at s into out (n bytes). */
static int
lowhex(unsigned char *out, size_t n, const char *s, size_t len)
{
	size_t i;

	if (len != 2 * n)
		return -1;
	for (i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f')))
			return -1;
	return sodium_hex2bin(out, n, s, len, NULL, NULL, NULL) == 0 ? 0 : -1;
}

/* Decimal: no sign, no leading zero (but "0"), below 2^64. */
static int
decimal(uint64_t *v, const char *s, size_t len)
{
	uint64_t x = 0;
	size_t i;

	if (len == 0 || len > 20 || (len > 1 && s[0] == '0'))
		return -1;
	for (i = 0; i < len; i++) {
		unsigned d;

		if (s[i] < '0' || s[i] > '9')
			return -1;
		d = (unsigned)(s[i] - '0');
		if (x > (UINT64_MAX - d) / 10)
			return -1;
		x = x * 10 + d;
	}
	*v = x;
	return 0;
}

/* Canonical padded base64 of exactly 32 bytes. */
static int
root_b64(unsigned char out[32], const char *s, size_t len)
{
	char again[NOTE_ROOT_B64_LEN + 1];
	size_t got = 0;

	if (len != NOTE_ROOT_B64_LEN ||
	    sodium_base642bin(out, 32, s, len, NULL, &got, NULL,
	    sodium_base64_VARIANT_ORIGINAL) != 0 || got != 32)
		return -1;
	sodium_bin2base64(again, sizeof again, out, 32,
	    sodium_base64_VARIANT_ORIGINAL);
	return memcmp(again, s, len) == 0 ? 0 : -1;
}

/* "field " at the start of a line of len bytes: the value after it. */
static const char *
field(const char *line, size_t len, const char *name, size_t *vlen)
{
	size_t n = strlen(name);

	if (len <= n || memcmp(line, name, n) != 0 || line[n] != ' ')
		return NULL;
	*vlen = len - n - 1;
	return line + n + 1;
}

/* One "feed ORIGIN SIZE ROOT" line (without "feed "). */
static int
feed_line(seal_feed *fd, const char *v, size_t vlen,
    const unsigned char dialogue[32])
{
	unsigned char d[32];
	const char *sp;
	size_t rest;

	if (vlen < ORIGIN_LEN + 1 || memcmp(v, ORIGIN_PREFIX, 8) != 0 ||
	    lowhex(d, 32, v + 8, 64) != 0 || memcmp(d, dialogue, 32) != 0 ||
	    v[72] != '/' || lowhex(fd->author, KEY_PK_BYTES, v + 73, 64) != 0 ||
	    v[ORIGIN_LEN] != ' ')
		return -1;
	v += ORIGIN_LEN + 1;
	rest = vlen - ORIGIN_LEN - 1;
	if ((sp = memchr(v, ' ', rest)) == NULL ||
	    decimal(&fd->size, v, (size_t)(sp - v)) != 0 || fd->size == 0)
		return -1;
	rest -= (size_t)(sp - v) + 1;
	return root_b64(fd->root, sp + 1, rest);
}

int
seal_text_parse(seal_text *s, const char *text, size_t len)
{
	const char *p = text, *end = text + len, *nl, *v;
	size_t llen, vlen, cap = 0, line = 0;
	seal_feed *nf;
	int rc = DT_EFORMAT;

	memset(s, 0, sizeof *s);
	if (text == NULL || len == 0 || text[len - 1] != '\n')
		return DT_EFORMAT;
	for (; p < end; p = nl + 1, line++) {
		nl = memchr(p, '\n', (size_t)(end - p));
		llen = (size_t)(nl - p);
		switch (line) {
		case 0:
			if (llen != strlen(SEAL_HEADER) ||
			    memcmp(p, SEAL_HEADER, llen) != 0)
				goto bad;
			break;
		case 1:
			if ((v = field(p, llen, "dialogue", &vlen)) == NULL ||
			    lowhex(s->dialogue, 32, v, vlen) != 0)
				goto bad;
			break;
		case 2:
			if ((v = field(p, llen, "meeting", &vlen)) == NULL ||
			    decimal(&s->meeting, v, vlen) != 0)
				goto bad;
			break;
		case 3:
			if ((v = field(p, llen, "minutes", &vlen)) == NULL)
				goto bad;
			if (vlen == 1 && v[0] == '-')
				break;
			if (lowhex(s->minutes, 32, v, vlen) != 0)
				goto bad;
			s->has_minutes = 1;
			break;
		default:
			if ((v = field(p, llen, "feed", &vlen)) == NULL)
				goto bad;
			if (s->nfeeds == cap) {
				cap = cap ? 2 * cap : 8;
				nf = realloc(s->feeds, cap * sizeof *nf);
				if (nf == NULL) {
					rc = DT_ENOMEM;
					goto bad;
				}
				s->feeds = nf;
			}
			nf = &s->feeds[s->nfeeds];
			if (feed_line(nf, v, vlen, s->dialogue) != 0)
				goto bad;
			if (s->nfeeds > 0 && memcmp(nf[-1].author, nf->author,
			    KEY_PK_BYTES) >= 0)
				goto bad;
			s->nfeeds++;
			break;
		}
	}
	if (s->nfeeds == 0)
		goto bad;
	return 0;
bad:
	seal_text_done(s);
	return rc;
}

/* --- keys ------------------------------------------------------------------ */

void
seal_key_name(char out[NOTE_ORIGIN_BYTES], const unsigned char dialogue[32],
    const unsigned char pk[KEY_PK_BYTES])
{
	note_checkpoint_origin(out, dialogue, pk);
}

void
seal_vkey(char out[SEAL_VKEY_BYTES], const unsigned char dialogue[32],
    const unsigned char pk[KEY_PK_BYTES])
{
	unsigned char raw[1 + KEY_PK_BYTES];
	char name[NOTE_ORIGIN_BYTES];

	seal_key_name(name, dialogue, pk);
	raw[0] = 0x01;
	memcpy(raw + 1, pk, KEY_PK_BYTES);
	snprintf(out, SEAL_VKEY_BYTES, "%s+%08x+", name,
	    key_c2sp_keyid(name, pk));
	sodium_bin2base64(out + strlen(out), SEAL_VKEY_BYTES - strlen(out),
	    raw, sizeof raw, sodium_base64_VARIANT_ORIGINAL);
}

/* The heads of r, one per party, with their seal key names. */
struct heads {
	size_t n;
	seal_head h[SEAL_HEADS_MAX];
	char name[SEAL_HEADS_MAX][NOTE_ORIGIN_BYTES];
	note_verifier v[SEAL_HEADS_MAX];
};

static int
heads_load(struct heads *hs, const record *r)
{
	const record_member *m;
	size_t i;

	memset(hs, 0, sizeof *hs);
	if (record_nparties(r) > SEAL_HEADS_MAX)
		return DT_ERANGE;
	for (i = 0; i < record_nparties(r); i++) {
		if ((m = record_head_of(r, record_party(r, i))) == NULL)
			continue;
		snprintf(hs->h[hs->n].party, sizeof hs->h[hs->n].party, "%s",
		    m->party);
		snprintf(hs->h[hs->n].name, sizeof hs->h[hs->n].name, "%s",
		    m->name);
		memcpy(hs->h[hs->n].pk, m->pk, KEY_PK_BYTES);
		seal_key_name(hs->name[hs->n], record_id(r), m->pk);
		hs->v[hs->n].name = hs->name[hs->n];
		memcpy(hs->v[hs->n].pk, m->pk, KEY_PK_BYTES);
		hs->n++;
	}
	return 0;
}

/* The head whose key name and key id a signature line carries, or -1. */
static int
line_head(const struct heads *hs, const note_sig *sig)
{
	size_t i;

	for (i = 0; i < hs->n; i++)
		if (sig->namelen == ORIGIN_LEN &&
		    memcmp(sig->name, hs->name[i], ORIGIN_LEN) == 0 &&
		    sig->keyid == (uint32_t)key_c2sp_keyid(hs->name[i],
		    hs->v[i].pk))
			return (int)i;
	return -1;
}

/*
 * 1 if the signature line sig is head h's valid signature of text: the
 * line alone under the text, checked by note_verify().
 */
static int
line_valid(const struct heads *hs, size_t h, const char *text, size_t textlen,
    const note_sig *sig)
{
	uint64_t mask = 0;
	size_t len = textlen + 1 + sig->linelen;
	char *buf;
	int ok;

	if ((buf = malloc(len)) == NULL)
		return 0;
	memcpy(buf, text, textlen);
	buf[textlen] = '\n';
	memcpy(buf + textlen + 1, sig->line, sig->linelen);
	ok = note_verify(buf, len, &hs->v[h], 1, &mask) == 0 && mask == 1;
	free(buf);
	return ok;
}

/*
 * Check the listed feeds against t: each has the listed root at the
 * listed size; a feed t holds fewer entries of is DT_ESTATE.
 */
static int
feeds_check(record *r, store_txn *t, const seal_text *s, char *why,
    size_t whylen)
{
	unsigned char root[MERKLE_HASH_BYTES];
	char who[KEY_NAME_MAX + 1];
	size_t i;
	int rc;

	for (i = 0; i < s->nfeeds; i++) {
		const seal_feed *fd = &s->feeds[i];

		rc = record_feed_root(r, t, fd->author, fd->size, root);
		feed_label(who, r, fd->author);
		if (rc == DT_ENOENT)
			return why_set(why, whylen, DT_ESTATE,
			    "the seal lists %llu entries of %s's feed, and this "
			    "replica holds fewer", (unsigned long long)fd->size,
			    who);
		if (rc != 0)
			return why_set(why, whylen, rc,
			    "cannot read %s's feed: %s", who, dt_strerror(rc));
		if (sodium_memcmp(root, fd->root, MERKLE_HASH_BYTES) != 0)
			return why_set(why, whylen, DT_EHASH,
			    "the seal lists %s's feed at size %llu with a root "
			    "that is not this record's", who,
			    (unsigned long long)fd->size);
	}
	return 0;
}

/* --- proposing --------------------------------------------------------------- */

static const record_member *
head_member(const record *r, const unsigned char pk[KEY_PK_BYTES])
{
	const record_member *m = record_member_find(r, pk);

	return m != NULL && m->role == RECORD_ROLE_HEAD ? m : NULL;
}

int
seal_propose(char **note, size_t *len, record *r, const key_identity *id,
    uint64_t meeting, const unsigned char *minutes)
{
	char name[NOTE_ORIGIN_BYTES], *text = NULL;
	store_head *heads = NULL;
	store_txn *t = NULL;
	seal_text s;
	size_t nheads = 0, textlen, i;
	int rc;

	*note = NULL;
	*len = 0;
	memset(&s, 0, sizeof s);
	if (head_member(r, id->pk) == NULL)
		return DT_EMEMBER;
	if ((rc = store_txn_begin(&t, record_store(r), 0)) != 0)
		return rc;
	if ((rc = store_heads(&heads, &nheads, t)) != 0)
		goto out;
	if (nheads == 0) {
		rc = DT_ESTATE;
		goto out;
	}
	if ((s.feeds = calloc(nheads, sizeof *s.feeds)) == NULL) {
		rc = DT_ENOMEM;
		goto out;
	}
	memcpy(s.dialogue, record_id(r), 32);
	s.meeting = meeting;
	if (minutes != NULL) {
		s.has_minutes = 1;
		memcpy(s.minutes, minutes, 32);
	}
	for (i = 0; i < nheads; i++) {
		if (heads[i].next_seq == 0)
			continue;
		memcpy(s.feeds[s.nfeeds].author, heads[i].author, KEY_PK_BYTES);
		s.feeds[s.nfeeds].size = heads[i].next_seq;
		if ((rc = record_feed_root(r, t, heads[i].author,
		    heads[i].next_seq, s.feeds[s.nfeeds].root)) != 0)
			goto out;
		s.nfeeds++;
	}
	store_txn_abort(t);
	t = NULL;
	if ((rc = seal_text_format(&text, &textlen, &s)) != 0)
		goto out;
	seal_key_name(name, record_id(r), id->pk);
	rc = note_sign(note, len, text, textlen, id, name);
out:
	store_txn_abort(t);
	free(text);
	free(heads);
	seal_text_done(&s);
	return rc;
}

/* Open note and parse its text for r: DT_EFORMAT or DT_EDIALOGUE. */
static int
open_seal(seal_text *s, const char **text, size_t *textlen, note_sig *sigs,
    size_t *nsigs, const record *r, const char *note, size_t len, char *why,
    size_t whylen)
{
	int rc;

	memset(s, 0, sizeof *s);
	if (note_open(text, textlen, sigs, nsigs, note, len) != 0)
		return why_set(why, whylen, DT_EFORMAT,
		    "the seal is not a signed note");
	if ((rc = seal_text_parse(s, *text, *textlen)) != 0)
		return why_set(why, whylen, rc, "the seal's text is malformed");
	if (memcmp(s->dialogue, record_id(r), 32) != 0) {
		seal_text_done(s);
		return why_set(why, whylen, DT_EDIALOGUE,
		    "the seal is for another dialogue");
	}
	return 0;
}

int
seal_check_replica(record *r, const char *note, size_t len, char *why,
    size_t whylen)
{
	note_sig sigs[NOTE_SIGS_MAX];
	store_txn *t = NULL;
	const char *text;
	size_t textlen, nsigs;
	seal_text s;
	int rc;

	if (why != NULL && whylen > 0)
		why[0] = '\0';
	if ((rc = open_seal(&s, &text, &textlen, sigs, &nsigs, r, note, len,
	    why, whylen)) != 0)
		return rc;
	if ((rc = store_txn_begin(&t, record_store(r), 0)) != 0) {
		seal_text_done(&s);
		return why_set(why, whylen, rc, "cannot read the store");
	}
	rc = feeds_check(r, t, &s, why, whylen);
	store_txn_abort(t);
	seal_text_done(&s);
	return rc;
}

/* --- what the record holds ------------------------------------------------------ */

/* One seal entry of the meeting looked for. */
struct sentry {
	unsigned char hash[ENTRY_HASH_BYTES];
	unsigned char author[KEY_PK_BYTES];
	char *note;
	size_t notelen;
	const char *text; /* into note */
	size_t textlen;
};

struct scan {
	record *r;
	int all; /* every meeting (seal_meetings()) */
	uint64_t meeting;
	struct sentry *e;
	size_t n, cap;
	uint64_t *meetings;
	size_t nmeetings, mcap;
	uint64_t last;
	int have_last;
};

/* The meeting and note of a seal entry's payload; 0 or -1. */
static int
seal_payload(json_t **o, uint64_t *meeting, const char **note, size_t *len,
    const entry *e)
{
	const json_t *m, *n;

	*o = payload_parse(e->body, e->body_len);
	if (*o == NULL || !json_is_integer(m = json_object_get(*o, "meeting")) ||
	    json_integer_value(m) < 0 ||
	    !json_is_string(n = json_object_get(*o, "note"))) {
		json_decref(*o);
		*o = NULL;
		return -1;
	}
	*meeting = (uint64_t)json_integer_value(m);
	*note = json_string_value(n);
	*len = json_string_length(n);
	return 0;
}

static int
scan_cb(void *ctx, const unsigned char *bytes, size_t len,
    const unsigned char hash[ENTRY_HASH_BYTES])
{
	note_sig sigs[NOTE_SIGS_MAX];
	struct scan *sc = ctx;
	struct sentry *se;
	const char *note;
	size_t nlen, nsigs;
	uint64_t meeting, *nm;
	seal_text s;
	json_t *o;
	entry e;
	int rc = 0;

	if (entry_parse(&e, bytes, len) != 0 || e.kind != ENTRY_K_SEAL ||
	    seal_payload(&o, &meeting, &note, &nlen, &e) != 0)
		return 0;
	if (sc->all) {
		size_t i;

		sc->last = meeting;
		sc->have_last = 1;
		for (i = 0; i < sc->nmeetings; i++)
			if (sc->meetings[i] == meeting)
				goto out;
		if (sc->nmeetings == sc->mcap) {
			sc->mcap = sc->mcap ? 2 * sc->mcap : 8;
			if ((nm = realloc(sc->meetings, sc->mcap *
			    sizeof *nm)) == NULL) {
				rc = DT_ENOMEM;
				goto out;
			}
			sc->meetings = nm;
		}
		sc->meetings[sc->nmeetings++] = meeting;
		goto out;
	}
	if (meeting != sc->meeting)
		goto out;
	if (sc->n == sc->cap) {
		sc->cap = sc->cap ? 2 * sc->cap : 4;
		if ((se = realloc(sc->e, sc->cap * sizeof *se)) == NULL) {
			rc = DT_ENOMEM;
			goto out;
		}
		sc->e = se;
	}
	se = &sc->e[sc->n];
	memset(se, 0, sizeof *se);
	if ((se->note = malloc(nlen + 1)) == NULL) {
		rc = DT_ENOMEM;
		goto out;
	}
	memcpy(se->note, note, nlen);
	se->note[nlen] = '\0';
	se->notelen = nlen;
	/* A note that is not a seal of this meeting is not counted. */
	if (open_seal(&s, &se->text, &se->textlen, sigs, &nsigs, sc->r,
	    se->note, nlen, NULL, 0) != 0) {
		free(se->note);
		goto out;
	}
	rc = s.meeting == meeting ? 0 : -1;
	seal_text_done(&s);
	if (rc != 0) {
		free(se->note);
		rc = 0;
		goto out;
	}
	memcpy(se->hash, hash, ENTRY_HASH_BYTES);
	memcpy(se->author, e.author, KEY_PK_BYTES);
	sc->n++;
out:
	json_decref(o);
	return rc;
}

static void
scan_done(struct scan *sc)
{
	size_t i;

	for (i = 0; i < sc->n; i++)
		free(sc->e[i].note);
	free(sc->e);
	free(sc->meetings);
}

static int
scan_run(struct scan *sc, record *r)
{
	store_txn *t = NULL;
	int rc;

	sc->r = r;
	if (record_store(r) == NULL) /* a record without a store */
		return record_control_scan(r, NULL, scan_cb, sc);
	if ((rc = store_txn_begin(&t, record_store(r), 0)) != 0)
		return rc;
	rc = store_scan_control(t, scan_cb, sc);
	store_txn_abort(t);
	return rc;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int
seal_meetings(uint64_t **out, size_t *n, uint64_t *last, record *r)
{
	struct scan sc;
	int rc;

	*out = NULL;
	*n = 0;
	memset(&sc, 0, sizeof sc);
	sc.all = 1;
	if ((rc = scan_run(&sc, r)) != 0) {
		scan_done(&sc);
		return rc;
	}
	if (sc.nmeetings > 1)
		qsort(sc.meetings, sc.nmeetings, sizeof *sc.meetings, cmp_u64);
	if (last != NULL)
		*last = sc.last;
	*out = sc.meetings;
	*n = sc.nmeetings;
	sc.meetings = NULL;
	scan_done(&sc);
	return 0;
}

void
seal_info_done(seal_info *si)
{
	if (si == NULL)
		return;
	free(si->note);
	free(si->merged);
	memset(si, 0, sizeof *si);
}

/* Which heads' lines in a stored note are valid, and which are bad. */
static void
note_masks(uint64_t *valid, uint64_t *bad, const struct heads *hs,
    const struct sentry *se)
{
	note_sig sigs[NOTE_SIGS_MAX];
	const char *text;
	size_t textlen, nsigs, i;
	int h;

	*valid = *bad = 0;
	if (note_open(&text, &textlen, sigs, &nsigs, se->note,
	    se->notelen) != 0)
		return;
	for (i = 0; i < nsigs; i++) {
		if ((h = line_head(hs, &sigs[i])) < 0)
			continue;
		if (line_valid(hs, (size_t)h, text, textlen, &sigs[i]))
			*valid |= (uint64_t)1 << h;
		else
			*bad |= (uint64_t)1 << h;
	}
}

static char *
dup_bytes(const char *p, size_t len)
{
	char *s = malloc(len + 1);

	if (s != NULL) {
		memcpy(s, p, len);
		s[len] = '\0';
	}
	return s;
}

/*
 * Append to merged (text and the lines so far) every valid line of se by
 * a head not yet in *have.
 */
static int
merge_lines(char **merged, size_t *mlen, uint64_t *have, uint64_t *bad,
    const struct heads *hs, const struct sentry *se)
{
	note_sig sigs[NOTE_SIGS_MAX];
	const char *text;
	size_t textlen, nsigs, i;
	char *m;
	int h;

	if (note_open(&text, &textlen, sigs, &nsigs, se->note,
	    se->notelen) != 0)
		return 0;
	for (i = 0; i < nsigs; i++) {
		if ((h = line_head(hs, &sigs[i])) < 0 ||
		    (*have & ((uint64_t)1 << h)))
			continue;
		if (!line_valid(hs, (size_t)h, text, textlen, &sigs[i])) {
			*bad |= (uint64_t)1 << h;
			continue;
		}
		if ((m = realloc(*merged, *mlen + sigs[i].linelen + 1)) ==
		    NULL)
			return DT_ENOMEM;
		memcpy(m + *mlen, sigs[i].line, sigs[i].linelen);
		*mlen += sigs[i].linelen;
		m[*mlen] = '\0';
		*merged = m;
		*have |= (uint64_t)1 << h;
	}
	return 0;
}

static size_t
popcount64(uint64_t v)
{
	size_t n = 0;

	for (; v != 0; v &= v - 1)
		n++;
	return n;
}

int
seal_info_get(seal_info *out, record *r, uint64_t meeting)
{
	struct heads *hs = NULL;
	struct scan sc;
	const struct sentry *last;
	uint64_t all, valid, bad, have = 0, badu = 0;
	size_t i, pick;
	int rc, found = 0;

	memset(out, 0, sizeof *out);
	memset(&sc, 0, sizeof sc);
	out->meeting = meeting;
	if ((hs = malloc(sizeof *hs)) == NULL)
		return DT_ENOMEM;
	if ((rc = heads_load(hs, r)) != 0)
		goto out;
	sc.meeting = meeting;
	if ((rc = scan_run(&sc, r)) != 0)
		goto out;
	if (sc.n == 0) {
		rc = DT_ENOENT;
		goto out;
	}
	out->nentries = sc.n;
	out->nheads = hs->n;
	for (i = 0; i < hs->n; i++)
		out->heads[i] = hs->h[i];
	all = hs->n == 64 ? UINT64_MAX : (((uint64_t)1 << hs->n) - 1);
	/* The last entry whose own note is signed by every head. */
	for (i = sc.n, pick = sc.n; i-- > 0;) {
		note_masks(&valid, &bad, hs, &sc.e[i]);
		if (hs->n > 0 && valid == all) {
			pick = i;
			found = 1;
			break;
		}
	}
	last = found ? &sc.e[pick] : &sc.e[sc.n - 1];
	out->complete = found;
	memcpy(out->entry, last->hash, ENTRY_HASH_BYTES);
	memcpy(out->author, last->author, KEY_PK_BYTES);
	if ((out->note = dup_bytes(last->note, last->notelen)) == NULL) {
		rc = DT_ENOMEM;
		goto out;
	}
	out->notelen = last->notelen;
	note_masks(&valid, &bad, hs, last);
	out->note_signed = popcount64(valid);
	/* The text of last, followed by every head's first valid line. */
	out->mergedlen = last->textlen + 1;
	if ((out->merged = malloc(out->mergedlen + 1)) == NULL) {
		rc = DT_ENOMEM;
		goto out;
	}
	memcpy(out->merged, last->text, last->textlen);
	out->merged[last->textlen] = '\n';
	out->merged[out->mergedlen] = '\0';
	for (i = 0; i < sc.n; i++)
		if (sc.e[i].textlen == last->textlen &&
		    memcmp(sc.e[i].text, last->text, last->textlen) == 0 &&
		    (rc = merge_lines(&out->merged, &out->mergedlen, &have,
		    &badu, hs, &sc.e[i])) != 0)
			goto out;
	for (i = 0; i < hs->n; i++) {
		out->heads[i].state = (have >> i) & 1 ? SEAL_SIGNED :
		    (badu >> i) & 1 ? SEAL_BAD : SEAL_MISSING;
		if (out->heads[i].state == SEAL_BAD && !out->invalid) {
			out->invalid = 1;
			out->complete = 0;
			why_set(out->why, sizeof out->why, 0, "a seal entry "
			    "carries a bad signature by the head of %s",
			    out->heads[i].party);
		}
	}
	out->nsigned = popcount64(have);
	rc = 0;
out:
	if (rc != 0)
		seal_info_done(out);
	scan_done(&sc);
	free(hs);
	return rc;
}

/* What seal_info_check() walks with. */
struct recheck {
	record *r;
	store_txn *t;
	seal_info *si;
};

static int
recheck_cb(void *ctx, const unsigned char *bytes, size_t len,
    const unsigned char hash[ENTRY_HASH_BYTES])
{
	struct recheck *rc = ctx;
	char why[SEAL_WHY_BYTES], hex[2 * ENTRY_HASH_BYTES + 1];
	const char *note;
	uint64_t meeting;
	size_t nlen;
	json_t *o = NULL;
	entry e;
	int err;

	if (entry_parse(&e, bytes, len) != 0 || e.kind != ENTRY_K_SEAL)
		return 0;
	/* Only the entries of this meeting; verify reports the others. */
	if (seal_payload(&o, &meeting, &note, &nlen, &e) != 0 ||
	    meeting != rc->si->meeting) {
		json_decref(o);
		return 0;
	}
	json_decref(o);
	why[0] = '\0';
	if (entry_verify_sig(&e) != 0) {
		err = DT_ESIG;
		snprintf(why, sizeof why, "the entry's signature does not "
		    "verify");
	} else {
		err = seal_check_entry(rc->r, rc->t, &e, why, sizeof why);
	}
	if (err == 0)
		return 0;
	if (err == DT_ENOMEM || err == DT_EIO)
		return err;
	sodium_bin2hex(hex, sizeof hex, hash, ENTRY_HASH_BYTES);
	rc->si->invalid = 1;
	rc->si->complete = 0;
	why_set(rc->si->why, sizeof rc->si->why, 0, "seal entry %.8s: %s",
	    hex, why[0] != '\0' ? why : dt_strerror(err));
	return 1; /* the first failure is enough */
}

int
seal_info_check(seal_info *si, record *r)
{
	struct recheck rc;
	int err;

	memset(&rc, 0, sizeof rc);
	rc.r = r;
	rc.si = si;
	if ((err = store_txn_begin(&rc.t, record_store(r), 0)) != 0)
		return err;
	err = store_scan_control(rc.t, recheck_cb, &rc);
	store_txn_abort(rc.t);
	if (err == DT_EHASH || err == DT_ECORRUPT) {
		/* The store's own bytes are damaged: no seal holds on them. */
		si->invalid = 1;
		si->complete = 0;
		why_set(si->why, sizeof si->why, 0, "the seal entries cannot "
		    "be read intact: %s", dt_strerror(err));
		err = 0;
	}
	return err == 1 ? 0 : err;
}

int
seal_info_state(const seal_info *si)
{
	return si->invalid ? SEAL_STATE_INVALID : si->complete ?
	    SEAL_STATE_COMPLETE : SEAL_STATE_INCOMPLETE;
}

const char *
seal_state_name(int state)
{
	return state == SEAL_STATE_INVALID ? "invalid" :
	    state == SEAL_STATE_COMPLETE ? "complete" : "incomplete";
}

/* --- cosigning and appending ------------------------------------------------------ */

int
seal_cosign(char **note, size_t *len, record *r, const key_identity *id,
    uint64_t meeting, char *why, size_t whylen)
{
	note_sig sigs[NOTE_SIGS_MAX];
	char name[NOTE_ORIGIN_BYTES];
	store_txn *t = NULL;
	const char *text;
	size_t textlen, nsigs, i;
	seal_info si;
	seal_text s;
	int rc, me = -1;

	*note = NULL;
	*len = 0;
	memset(&s, 0, sizeof s);
	if (why != NULL && whylen > 0)
		why[0] = '\0';
	if ((rc = seal_info_get(&si, r, meeting)) != 0)
		return why_set(why, whylen, rc, rc == DT_ENOENT ?
		    "no seal has been proposed for this meeting" :
		    "cannot read the seals");
	for (i = 0; i < si.nheads; i++)
		if (memcmp(si.heads[i].pk, id->pk, KEY_PK_BYTES) == 0)
			me = (int)i;
	if (me < 0) {
		rc = why_set(why, whylen, DT_EMEMBER,
		    "only a head of delegation cosigns a seal");
		goto out;
	}
	if (si.complete) {
		rc = why_set(why, whylen, DT_EEXIST,
		    "the meeting's seal is complete already");
		goto out;
	}
	/* The merged note may have no line yet: open the last note. */
	if ((rc = open_seal(&s, &text, &textlen, sigs, &nsigs, r, si.note,
	    si.notelen, why, whylen)) != 0)
		goto out;
	if ((rc = store_txn_begin(&t, record_store(r), 0)) != 0) {
		rc = why_set(why, whylen, rc, "cannot read the store");
		goto out;
	}
	rc = feeds_check(r, t, &s, why, whylen);
	store_txn_abort(t);
	if (rc != 0)
		goto out;
	seal_key_name(name, record_id(r), id->pk);
	if (si.heads[me].state == SEAL_SIGNED) {
		if (si.nsigned <= si.note_signed) {
			rc = why_set(why, whylen, DT_EEXIST,
			    "you have signed this seal already");
			goto out;
		}
		/* Join signatures written in separate entries. */
		if ((*note = dup_bytes(si.merged, si.mergedlen)) == NULL) {
			rc = DT_ENOMEM;
			goto out;
		}
		*len = si.mergedlen;
		rc = 0;
		goto out;
	}
	if (si.nsigned == 0)
		rc = note_sign(note, len, text, textlen, id, name);
	else
		rc = note_cosign(note, len, si.merged, si.mergedlen, id, name);
	if (rc != 0)
		why_set(why, whylen, rc, "cannot sign the seal");
out:
	seal_text_done(&s);
	seal_info_done(&si);
	return rc;
}

int
seal_append(record *r, const key_identity *id, uint64_t meeting,
    const char *note, size_t len, unsigned char hash[ENTRY_HASH_BYTES])
{
	return record_append_meeting_text(r, id, ENTRY_K_SEAL, meeting, "note",
	    note, len, hash);
}

/* --- the rule --------------------------------------------------------------------- */

/* What the author of a seal entry had seen of each listed feed. */
struct seen {
	const seal_text *s;
	uint64_t *known; /* per listed feed: entries seen */
	uint64_t upto;   /* walk the author's entries below this seq */
	int bad;
};

static void
seen_refs(struct seen *w, const entry *e)
{
	entry_ref ref;
	size_t lo, hi, mid;
	unsigned i;
	int c;

	for (i = 0; i < e->nrefs; i++) {
		entry_ref_get(&ref, e, i);
		lo = 0;
		hi = w->s->nfeeds;
		while (lo < hi) {
			mid = lo + (hi - lo) / 2;
			c = memcmp(w->s->feeds[mid].author, ref.author,
			    KEY_PK_BYTES);
			if (c == 0) {
				if (ref.seq + 1 > w->known[mid])
					w->known[mid] = ref.seq + 1;
				break;
			}
			if (c < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
	}
}

static int
seen_cb(void *ctx, const unsigned char key[STORE_KEY_BYTES],
    const unsigned char *bytes, size_t len,
    const unsigned char hash[ENTRY_HASH_BYTES])
{
	struct seen *w = ctx;
	entry e;

	(void)hash;
	if (store_get_be64(key + KEY_PK_BYTES) >= w->upto)
		return 1; /* done */
	if (entry_parse(&e, bytes, len) != 0) {
		w->bad = 1;
		return DT_ECORRUPT;
	}
	seen_refs(w, &e);
	return 0;
}

/* seen_all() - every listed feed but e's own is within w->known. */
static int
seen_all(const struct seen *w, const entry *e)
{
	size_t i;

	for (i = 0; i < w->s->nfeeds; i++)
		if (memcmp(w->s->feeds[i].author, e->author,
		    KEY_PK_BYTES) != 0 && w->s->feeds[i].size > w->known[i])
			return 0;
	return 1;
}

/*
 * Every feed a seal lists must be within what its author had seen when
 * writing it: its own feed up to the seal itself, every other feed up to
 * the latest entry of it that the seal entry or an earlier entry of its
 * feed references.  So the listed entries are all in the record whenever
 * the seal entry is, and every listed root is always checked.
 */
static int
seen_check(record *r, store_txn *t, const entry *e, const seal_text *s,
    const seal_stream *ss, char *why, size_t whylen)
{
	char who[KEY_NAME_MAX + 1];
	struct seen w;
	size_t i;
	int rc;

	memset(&w, 0, sizeof w);
	w.s = s;
	w.upto = e->seq;
	if ((w.known = calloc(s->nfeeds, sizeof *w.known)) == NULL)
		return DT_ENOMEM;
	seen_refs(&w, e);
	/*
	 * The seal entry's own references usually cover every listed feed
	 * (it names each feed's newest entry its author had): then there
	 * is nothing to read.  Else the author's earlier entries, unhashed
	 * (only their references are wanted; verify checks the bytes).
	 */
	if (ss != NULL && e->seq > 0 && !seen_all(&w, e)) {
		/* a streaming reader keeps what each author has seen */
		for (i = 0; i < s->nfeeds; i++) {
			uint64_t k = ss->seen(ss->ctx, s->feeds[i].author);

			if (k > w.known[i])
				w.known[i] = k;
		}
		rc = 0;
	} else
		rc = e->seq == 0 || seen_all(&w, e) ? 0 :
		    store_scan_feed_raw(t, e->author, 0, seen_cb, &w);
	if (rc == 1)
		rc = 0;
	if (rc != 0) {
		rc = why_set(why, whylen, rc, "cannot read the seal author's "
		    "feed: %s", dt_strerror(rc));
		goto out;
	}
	for (i = 0; i < s->nfeeds; i++) {
		const seal_feed *fd = &s->feeds[i];

		feed_label(who, r, fd->author);
		if (memcmp(fd->author, e->author, KEY_PK_BYTES) == 0) {
			if (fd->size > e->seq) {
				rc = why_set(why, whylen, DT_EFORMAT,
				    "the seal lists its own author's feed at "
				    "size %llu, beyond the seal itself (seq "
				    "%llu)", (unsigned long long)fd->size,
				    (unsigned long long)e->seq);
				goto out;
			}
		} else if (fd->size > w.known[i]) {
			rc = why_set(why, whylen, DT_EREF,
			    "the seal lists %s's feed at size %llu, beyond "
			    "the %llu entries its author had seen",
			    who, (unsigned long long)fd->size,
			    (unsigned long long)w.known[i]);
			goto out;
		}
	}
out:
	free(w.known);
	return rc;
}

static int check_flags(record *r, store_txn *t, const entry *e,
    unsigned flags, const seal_stream *ss, char *why, size_t whylen);

int
seal_check_entry(record *r, store_txn *t, const entry *e, char *why,
    size_t whylen)
{
	return seal_check_entry_flags(r, t, e, 0, why, whylen);
}

int
seal_check_roots(record *r, store_txn *t, const entry *e, char *why,
    size_t whylen)
{
	return seal_check_entry_flags(r, t, e, SEAL_CHECK_ONLY_ROOTS, why,
	    whylen);
}

int
seal_check_entry_flags(record *r, store_txn *t, const entry *e,
    unsigned flags, char *why, size_t whylen)
{
	return check_flags(r, t, e, flags, NULL, why, whylen);
}

int
seal_check_entry_stream(record *r, const entry *e, const seal_stream *ss,
    char *why, size_t whylen)
{
	return check_flags(r, NULL, e, SEAL_CHECK_NO_ROOTS, ss, why, whylen);
}

/*
 * check_flags() - seal_check_entry_flags(); with ss (a streaming reader,
 * t NULL, SEAL_CHECK_NO_ROOTS), what the author had seen comes from
 * ss->seen, and each listed feed goes to ss->claim instead.
 */
static int
check_flags(record *r, store_txn *t, const entry *e, unsigned flags,
    const seal_stream *ss, char *why, size_t whylen)
{
	note_sig sigs[NOTE_SIGS_MAX];
	struct heads *hs = NULL;
	const char *note, *text;
	size_t nlen, textlen, nsigs, i;
	uint64_t meeting;
	seal_text s;
	json_t *o = NULL;
	int rc, h, by_author = 0;

	memset(&s, 0, sizeof s);
	if (why != NULL && whylen > 0)
		why[0] = '\0';
	if (e->kind != ENTRY_K_SEAL)
		return why_set(why, whylen, DT_EINVAL, "not a seal");
	if (seal_payload(&o, &meeting, &note, &nlen, e) != 0)
		return why_set(why, whylen, DT_EFORMAT,
		    "seal payload is malformed");
	if ((rc = open_seal(&s, &text, &textlen, sigs, &nsigs, r, note, nlen,
	    why, whylen)) != 0)
		goto out;
	if (flags & SEAL_CHECK_ONLY_ROOTS)
		goto roots;
	if (s.meeting != meeting) {
		rc = why_set(why, whylen, DT_EFORMAT,
		    "the seal's text is for meeting %llu, its entry for %llu",
		    (unsigned long long)s.meeting,
		    (unsigned long long)meeting);
		goto out;
	}
	if ((hs = malloc(sizeof *hs)) == NULL) {
		rc = DT_ENOMEM;
		goto out;
	}
	if ((rc = heads_load(hs, r)) != 0) {
		why_set(why, whylen, rc, "too many parties");
		goto out;
	}
	for (i = 0; i < nsigs; i++) {
		if ((h = line_head(hs, &sigs[i])) < 0)
			continue;
		if (!line_valid(hs, (size_t)h, text, textlen, &sigs[i])) {
			rc = why_set(why, whylen, DT_ESIG,
			    "the seal's signature by the head of %s does not "
			    "verify", hs->h[h].party);
			goto out;
		}
		if (memcmp(hs->h[h].pk, e->author, KEY_PK_BYTES) == 0)
			by_author = 1;
	}
	if (!by_author) {
		rc = why_set(why, whylen, DT_ESIG,
		    "the seal entry's author has not signed its note");
		goto out;
	}
	if ((rc = seen_check(r, t, e, &s, ss, why, whylen)) != 0)
		goto out;
	for (i = 0; ss != NULL && i < s.nfeeds; i++)
		if ((rc = ss->claim(ss->ctx, &s.feeds[i])) != 0) {
			why_set(why, whylen, rc, "cannot keep a listed root");
			goto out;
		}
roots:
	if (!(flags & SEAL_CHECK_NO_ROOTS))
		rc = feeds_check(r, t, &s, why, whylen);
out:
	free(hs);
	seal_text_done(&s);
	json_decref(o);
	return rc;
}
