/*
 * test_note.c: C2SP signed notes and tlog-checkpoint texts.
 *
 * tests/vectors/note.txt holds the outside checks: Go's sumdb/note
 * example, which note_sign() must reproduce byte for byte and note_verify()
 * accept; the examples of the C2SP signed-note and tlog-checkpoint specs,
 * which must parse (their keys are not published); and a checkpoint of
 * detente's own, computed by an independent script.  Then every kind of
 * malformed or forged note, each of which must be refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "crypto/err.h"
#include "crypto/keys.h"
#include "crypto/merkle.h"
#include "crypto/note.h"
#include "test_util.h"

#define VEC "note.txt"
#define EM "\xe2\x80\x94 " /* U+2014 and a space */

/* --- vectors ------------------------------------------------------------- */

/* A value of note.txt with "\n" unescaped; malloc'd; *len if len. */
static char *
vec(const char *name, size_t *len)
{
	char *v = tu_vector(VEC, name), *o, *i;

	if (v == NULL)
		fail_msg("%s: no %s (is DETENTE_VECTORS set?)", VEC, name);
	for (i = o = v; *i != '\0'; i++) {
		if (i[0] == '\\' && i[1] == 'n') {
			*o++ = '\n';
			i++;
		} else {
			*o++ = *i;
		}
	}
	*o = '\0';
	if (len != NULL)
		*len = (size_t)(o - v);
	return v;
}

static void
vec_hex(unsigned char *out, size_t n, const char *name)
{
	char *v = vec(name, NULL);

	assert_int_equal(key_unhex(out, n, v), 0);
	free(v);
}

static uint32_t
vec_keyid(const char *name)
{
	char *v = vec(name, NULL);
	uint32_t k = (uint32_t)strtoul(v, NULL, 16);

	free(v);
	return k;
}

/*
 * The seed of a Go signer key "PRIVATE+KEY+name+keyid+base64(0x01 ||
 * seed)", read here (detente has no use for it elsewhere), its key id
 * checked against the identity it gives.
 */
static key_identity *
go_signer(const char *skey)
{
	unsigned char raw[33];
	char name[KEY_NAME_MAX + 1];
	const char *p, *q;
	key_identity *id = NULL;
	size_t len = 0;
	unsigned int keyid;

	assert_int_equal(strncmp(skey, "PRIVATE+KEY+", 12), 0);
	p = skey + 12;
	q = strchr(p, '+');
	assert_non_null(q);
	assert_true((size_t)(q - p) <= KEY_NAME_MAX);
	memcpy(name, p, (size_t)(q - p));
	name[q - p] = '\0';
	keyid = (unsigned int)strtoul(q + 1, NULL, 16);
	q = strchr(q + 1, '+');
	assert_non_null(q);
	assert_int_equal(sodium_base642bin(raw, sizeof raw, q + 1,
	    strlen(q + 1), NULL, &len, NULL, sodium_base64_VARIANT_ORIGINAL),
	    0);
	assert_int_equal(len, 33);
	assert_int_equal(raw[0], 0x01);
	assert_int_equal(key_identity_from_seed(&id, name, raw + 1), 0);
	assert_int_equal(key_c2sp_keyid(name, id->pk), keyid);
	return id;
}

static key_identity *
seed_identity(const char *vecname, const char *name)
{
	unsigned char seed[KEY_SEED_BYTES];
	key_identity *id = NULL;

	vec_hex(seed, sizeof seed, vecname);
	assert_int_equal(key_identity_from_seed(&id, name, seed), 0);
	return id;
}

static key_identity *
random_identity(const char *name)
{
	unsigned char seed[KEY_SEED_BYTES];
	key_identity *id = NULL;

	randombytes_buf(seed, sizeof seed);
	assert_int_equal(key_identity_from_seed(&id, name, seed), 0);
	return id;
}

static int
verify_one(const char *note, size_t len, const char *name,
    const unsigned char pk[KEY_PK_BYTES])
{
	note_verifier v;
	uint64_t mask = 99;
	int ret;

	v.name = name;
	memcpy(v.pk, pk, KEY_PK_BYTES);
	ret = note_verify(note, len, &v, 1, &mask);
	assert_int_equal(mask, ret == 0 ? 1 : 0);
	return ret;
}

/* --- the published examples ---------------------------------------------- */

static void
test_go_example(void **state)
{
	note_sig sigs[NOTE_SIGS_MAX];
	unsigned char pk[KEY_PK_BYTES], want_pk[KEY_PK_BYTES];
	char *skey, *vkey, *text, *want, *line, name[KEY_NAME_MAX + 1], *out;
	const char *t;
	size_t textlen, wantlen, linelen, outlen, tl, n;
	key_identity *id;

	(void)state;
	skey = vec("go_skey", NULL);
	vkey = vec("go_vkey", NULL);
	text = vec("go_text", &textlen);
	want = vec("go_note", &wantlen);
	line = vec("go_sig_line", &linelen);

	/* the keys agree with each other and with the vector's pk */
	id = go_signer(skey);
	vec_hex(want_pk, sizeof want_pk, "go_pk");
	assert_memory_equal(id->pk, want_pk, KEY_PK_BYTES);
	assert_int_equal(key_parse_public(pk, name, vkey), 0);
	assert_string_equal(name, "PeterNeumann");
	assert_memory_equal(pk, want_pk, KEY_PK_BYTES);
	assert_int_equal(key_c2sp_keyid(name, pk), vec_keyid("go_keyid"));

	/* signing reproduces Go's note byte for byte */
	assert_int_equal(note_sign(&out, &outlen, text, textlen, id,
	    "PeterNeumann"), 0);
	assert_int_equal(outlen, wantlen);
	assert_memory_equal(out, want, wantlen);
	assert_int_equal(out[outlen], '\0');
	assert_int_equal(outlen, textlen + 1 + linelen);
	assert_memory_equal(out + textlen + 1, line, linelen);
	free(out);

	/* and Go's note opens and verifies */
	assert_int_equal(note_open(&t, &tl, sigs, &n, want, wantlen), 0);
	assert_int_equal(tl, textlen);
	assert_memory_equal(t, text, textlen);
	assert_int_equal(n, 1);
	assert_int_equal(sigs[0].namelen, 12);
	assert_memory_equal(sigs[0].name, "PeterNeumann", 12);
	assert_int_equal(sigs[0].keyid, 0xc74f20a3U);
	assert_int_equal(sigs[0].siglen, 64);
	assert_int_equal(sigs[0].linelen, linelen);
	assert_memory_equal(sigs[0].line, line, linelen);
	assert_int_equal(verify_one(want, wantlen, "PeterNeumann", pk), 0);

	key_identity_free(id);
	free(skey);
	free(vkey);
	free(text);
	free(want);
	free(line);
}

/* The doubly-signed note: unknown signatures are ignored, known ones count. */
/*
 * What Go's note.Open accepts and detente refuses (note.txt says how each
 * was checked with Go): non-canonical base64, a repeated line, a second
 * line for a known key with a bad signature.  The canonical go_note is
 * accepted (test_go_example), so only the difference is refused.
 */
static void
test_stricter_than_go(void **state)
{
	static const char *const names[] = { "go_noncanonical", "go_twice",
		"go_twice_bad" };
	unsigned char pk[KEY_PK_BYTES];
	note_sig sigs[NOTE_SIGS_MAX];
	const char *t;
	size_t i, len, tl, n;
	char *note;

	(void)state;
	vec_hex(pk, KEY_PK_BYTES, "go_pk");
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		note = vec(names[i], &len);
		if (note_open(&t, &tl, sigs, &n, note, len) != DT_EFORMAT)
			fail_msg("%s is not refused as malformed", names[i]);
		assert_int_equal(verify_one(note, len, "PeterNeumann", pk),
		    DT_EFORMAT);
		free(note);
	}
}

static void
test_go_cosigned(void **state)
{
	note_sig sigs[NOTE_SIGS_MAX];
	note_verifier v[3];
	char *note, *enoch_line, *text, *out, *out2;
	const char *t;
	size_t len, elen, textlen, tl, n, outlen, out2len;
	uint64_t mask;
	key_identity *me;

	(void)state;
	note = vec("go_cosigned", &len);
	enoch_line = vec("enoch_sig_line", &elen);
	text = vec("go_text", &textlen);
	v[0].name = "PeterNeumann";
	vec_hex(v[0].pk, KEY_PK_BYTES, "go_pk");
	v[1].name = "EnochRoot";
	vec_hex(v[1].pk, KEY_PK_BYTES, "enoch_pk");
	assert_int_equal(key_c2sp_keyid("EnochRoot", v[1].pk), 0xaf0cfe78U);

	assert_int_equal(note_open(&t, &tl, sigs, &n, note, len), 0);
	assert_int_equal(n, 2);
	assert_int_equal(sigs[1].keyid, 0xaf0cfe78U);
	assert_memory_equal(sigs[1].line, enoch_line, elen);

	assert_int_equal(note_verify(note, len, v, 2, &mask), 0);
	assert_int_equal(mask, 3);
	assert_int_equal(note_verify(note, len, v, 1, &mask), 0);
	assert_int_equal(mask, 1);
	assert_int_equal(note_verify(note, len, v + 1, 1, &mask), 0);
	assert_int_equal(mask, 1);
	assert_int_equal(note_verify(note, len, v, 0, &mask), DT_ESIG);
	assert_int_equal(mask, 0);
	/* the same key twice in the list: both bits */
	v[2] = v[1];
	assert_int_equal(note_verify(note, len, v, 3, &mask), 0);
	assert_int_equal(mask, 7);
	/* another key under a known name and another key id: ignored */
	randombytes_buf(v[2].pk, KEY_PK_BYTES);
	assert_int_equal(note_verify(note, len, v + 2, 1, &mask), DT_ESIG);
	assert_int_equal(note_verify(note, len, v, 3, &mask), 0);
	assert_int_equal(mask, 3);

	/* a third signature, after the other two */
	me = random_identity("me");
	assert_int_equal(note_cosign(&out, &outlen, note, len, me,
	    "example.org/third"), 0);
	assert_memory_equal(out, note, len);
	assert_int_equal(strncmp(out + len, EM "example.org/third ", 22), 0);
	assert_int_equal(out[outlen - 1], '\n');
	v[2].name = "example.org/third";
	memcpy(v[2].pk, me->pk, KEY_PK_BYTES);
	assert_int_equal(note_verify(out, outlen, v, 3, &mask), 0);
	assert_int_equal(mask, 7);
	/* the same signer again is refused */
	assert_int_equal(note_cosign(&out2, &out2len, out, outlen, me,
	    "example.org/third"), DT_EEXIST);
	assert_null(out2);
	/* the cosigner signed the text only */
	assert_int_equal(note_sign(&out2, &out2len, text, textlen, me,
	    "example.org/third"), 0);
	assert_memory_equal(out2 + textlen + 1, out + len, outlen - len);
	free(out2);
	free(out);
	key_identity_free(me);
	free(note);
	free(enoch_line);
	free(text);
}

/* C2SP's example: a text with a blank line of its own. */
static void
test_c2sp_example(void **state)
{
	note_sig sigs[NOTE_SIGS_MAX];
	note_verifier v;
	char *note, *text, *name, *out;
	const char *t;
	size_t len, textlen, tl, n, outlen;
	uint64_t mask;
	key_identity *id;

	(void)state;
	note = vec("c2sp_note", &len);
	text = vec("c2sp_text", &textlen);
	name = vec("c2sp_name", NULL);
	assert_int_equal(note_open(&t, &tl, sigs, &n, note, len), 0);
	assert_int_equal(tl, textlen);
	assert_memory_equal(t, text, textlen);
	assert_non_null(strstr(text, ":\n\ned"));
	assert_int_equal(n, 1);
	assert_int_equal(sigs[0].namelen, strlen(name));
	assert_memory_equal(sigs[0].name, name, strlen(name));
	assert_int_equal(sigs[0].keyid, vec_keyid("c2sp_keyid"));
	assert_int_equal(sigs[0].siglen, 64);
	/* without its key, it verifies for nobody */
	v.name = name;
	randombytes_buf(v.pk, KEY_PK_BYTES);
	assert_int_equal(note_verify(note, len, &v, 1, &mask), DT_ESIG);

	/* the same text signed by us opens to the same text */
	id = random_identity("quasimodo");
	assert_int_equal(note_sign(&out, &outlen, text, textlen, id, name), 0);
	assert_int_equal(note_open(&t, &tl, sigs, &n, out, outlen), 0);
	assert_int_equal(tl, textlen);
	assert_memory_equal(t, text, textlen);
	assert_int_equal(verify_one(out, outlen, name, id->pk), 0);
	free(out);
	key_identity_free(id);
	free(note);
	free(text);
	free(name);
}

static void
test_checkpoint_example(void **state)
{
	note_sig sigs[NOTE_SIGS_MAX];
	note_checkpoint cp;
	unsigned char root[32];
	char *note, *text, *origin, buf[256];
	const char *t;
	size_t len, textlen, tl, n;

	(void)state;
	note = vec("checkpoint_note", &len);
	text = vec("checkpoint_text", &textlen);
	origin = vec("checkpoint_origin", NULL);
	vec_hex(root, sizeof root, "checkpoint_root");

	assert_int_equal(note_open(&t, &tl, sigs, &n, note, len), 0);
	assert_int_equal(tl, textlen);
	assert_memory_equal(t, text, textlen);
	assert_int_equal(n, 1);
	assert_int_equal(sigs[0].keyid, vec_keyid("checkpoint_keyid"));
	/* the key name equals the origin */
	assert_int_equal(sigs[0].namelen, strlen(origin));
	assert_memory_equal(sigs[0].name, origin, strlen(origin));

	assert_int_equal(note_checkpoint_parse(&cp, t, tl), 0);
	assert_int_equal(cp.originlen, strlen(origin));
	assert_memory_equal(cp.origin, origin, cp.originlen);
	assert_int_equal(cp.size, 20852163);
	assert_memory_equal(cp.root, root, 32);
	assert_null(cp.ext);
	assert_int_equal(cp.extlen, 0);

	assert_int_equal(note_checkpoint_text(buf, sizeof buf, origin,
	    20852163, root), 0);
	assert_string_equal(buf, text);
	free(note);
	free(text);
	free(origin);
}

/* detente's own checkpoint, signed and cosigned, as note.txt has it. */
static void
test_detente_checkpoint(void **state)
{
	unsigned char dialogue[32], leaves[3 * 32], root[32], want[32];
	char origin[NOTE_ORIGIN_BYTES], buf[512], *s, *note, *cosigned;
	note_verifier v[2];
	note_checkpoint cp;
	key_identity *ru, *us;
	size_t len, outlen, clen;
	uint64_t mask;
	char *out, *out2;

	(void)state;
	vec_hex(dialogue, 32, "detente_dialogue");
	vec_hex(leaves, 32, "detente_leaf_0");
	vec_hex(leaves + 32, 32, "detente_leaf_1");
	vec_hex(leaves + 64, 32, "detente_leaf_2");
	vec_hex(want, 32, "detente_root");
	assert_int_equal(merkle_root(root, leaves, 3), 0);
	assert_memory_equal(root, want, 32);
	ru = seed_identity("detente_ru_seed", "ru-head");
	us = seed_identity("detente_us_seed", "us-head");
	vec_hex(want, 32, "detente_ru_pk");
	assert_memory_equal(ru->pk, want, 32);

	note_checkpoint_origin(origin, dialogue, ru->pk);
	s = vec("detente_origin_ru", NULL);
	assert_string_equal(origin, s);
	free(s);
	assert_int_equal(strlen(origin), NOTE_ORIGIN_BYTES - 1);
	assert_int_equal(key_c2sp_keyid(origin, ru->pk),
	    vec_keyid("detente_keyid_ru"));

	assert_int_equal(note_checkpoint_text(buf, sizeof buf, origin, 3,
	    root), 0);
	s = vec("detente_checkpoint_text", &len);
	assert_string_equal(buf, s);
	free(s);

	note = vec("detente_checkpoint_note", &len);
	assert_int_equal(note_sign(&out, &outlen, buf, strlen(buf), ru,
	    origin), 0);
	assert_int_equal(outlen, len);
	assert_memory_equal(out, note, len);

	note_checkpoint_origin(origin, dialogue, us->pk);
	s = vec("detente_origin_us", NULL);
	assert_string_equal(origin, s);
	free(s);
	cosigned = vec("detente_cosigned", &clen);
	assert_int_equal(note_cosign(&out2, &outlen, out, outlen, us, origin),
	    0);
	assert_int_equal(outlen, clen);
	assert_memory_equal(out2, cosigned, clen);

	v[0].name = vec("detente_origin_ru", NULL);
	memcpy(v[0].pk, ru->pk, 32);
	v[1].name = vec("detente_origin_us", NULL);
	memcpy(v[1].pk, us->pk, 32);
	assert_int_equal(note_verify(cosigned, clen, v, 2, &mask), 0);
	assert_int_equal(mask, 3);
	assert_int_equal(note_verify(note, len, v, 2, &mask), 0);
	assert_int_equal(mask, 1);
	/* a head's key under the other's name is no signature of theirs */
	memcpy(v[1].pk, ru->pk, 32);
	assert_int_equal(note_verify(cosigned, clen, v, 2, &mask), 0);
	assert_int_equal(mask, 1);

	assert_int_equal(note_checkpoint_parse(&cp, buf, strlen(buf)), 0);
	assert_int_equal(cp.size, 3);
	assert_memory_equal(cp.root, root, 32);
	assert_int_equal(cp.originlen, NOTE_ORIGIN_BYTES - 1);

	free((char *)v[0].name);
	free((char *)v[1].name);
	free(out);
	free(out2);
	free(note);
	free(cosigned);
	key_identity_free(ru);
	key_identity_free(us);
}

/* --- forgeries and malformed notes --------------------------------------- */

/* Every bit of Go's note flipped: never a verified note. */
static void
test_every_bit(void **state)
{
	unsigned char pk[KEY_PK_BYTES];
	char *note;
	size_t len, bit;
	int ret;

	(void)state;
	note = vec("go_note", &len);
	vec_hex(pk, sizeof pk, "go_pk");
	for (bit = 0; bit < len * 8; bit++) {
		note[bit / 8] ^= (char)(1U << (bit % 8));
		ret = verify_one(note, len, "PeterNeumann", pk);
		if (ret != DT_ESIG && ret != DT_EFORMAT)
			fail_msg("bit %zu: got %d", bit, ret);
		note[bit / 8] ^= (char)(1U << (bit % 8));
	}
	assert_int_equal(verify_one(note, len, "PeterNeumann", pk), 0);
	free(note);
}

/* note with `from` replaced by `to` (first occurrence); malloc'd. */
static char *
edit(const char *note, const char *from, const char *to, size_t *len)
{
	const char *at = strstr(note, from);
	size_t k, fl = strlen(from), tl = strlen(to), n = strlen(note);
	char *out;

	if (at == NULL)
		fail_msg("no \"%s\" in the note", from);
	k = (size_t)(at - note);
	out = malloc(n - fl + tl + 1);
	assert_non_null(out);
	memcpy(out, note, k);
	memcpy(out + k, to, tl);
	memcpy(out + k + tl, at + fl, n - k - fl + 1);
	*len = n - fl + tl;
	return out;
}

static void
test_malformed(void **state)
{
	/* Each an edit of go_note; the result must not open. */
	static const struct {
		const char *from, *to;
		int want;
	} edits[] = {
		/* Go's badMsgs, and more */
		{ "\n\n" EM, "\n" EM, DT_EFORMAT },         /* no blank line */
		{ "nAM=\n", "nAM=", DT_EFORMAT },           /* no final newline */
		{ "If", "\x01If", DT_EFORMAT },             /* control */
		{ "If", "\xffIf", DT_EFORMAT },             /* not UTF-8 */
		{ "nAM=\n", "nAM=\nUnexpected line.\n", DT_EFORMAT },
		{ EM "PeterNeumann", EM "Bad Name", DT_EFORMAT },
		{ "problem,\n", "problem,\r\n", DT_EFORMAT },
		{ "problem,\n", "problem,\t\n", DT_EFORMAT },
		{ "you think", "you\xc0\xa0think", DT_EFORMAT }, /* overlong */
		{ "you think", "you\xed\xa0\x80think", DT_EFORMAT }, /* surrogate */
		{ "you think", "you\xe2\x80think", DT_EFORMAT }, /* truncated */
		{ "nAM=\n", "nAM=\n\n", DT_EFORMAT },       /* blank at the end */
		{ "\n\n" EM, "\n\n\n", DT_EFORMAT },        /* no signature */
		{ EM, "-- ", DT_EFORMAT },                  /* not an em dash */
		{ EM, "\xe2\x80\x94", DT_EFORMAT },         /* no space */
		{ EM, "\xe2\x80\x93 ", DT_EFORMAT },        /* en dash */
		{ EM "PeterNeumann ", EM "PeterNeumann  ", DT_EFORMAT },
		{ EM "PeterNeumann ", EM " PeterNeumann ", DT_EFORMAT },
		{ EM "PeterNeumann ", EM "PeterNeumann", DT_EFORMAT },
		{ EM "PeterNeumann ", EM "Peter+Neumann ", DT_EFORMAT },
		{ EM "PeterNeumann ", EM "Peter\xc2\xa0Neumann ", DT_EFORMAT },
		{ EM "PeterNeumann ", EM "Peter\xe3\x80\x80Neumann ", DT_EFORMAT },
		{ "nAM=\n", "nAM\n", DT_EFORMAT },          /* no padding */
		{ "nAM=\n", "nAN=\n", DT_EFORMAT },         /* bits past the end */
		{ "nAM=\n", "nAM= \n", DT_EFORMAT },
		{ "x08go/", "x08g o/", DT_EFORMAT },
		{ "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2"
		  "pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=", "AAAA", DT_EFORMAT },
		{ "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2"
		  "pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=", "", DT_EFORMAT },
	};
	note_sig sigs[NOTE_SIGS_MAX];
	unsigned char pk[KEY_PK_BYTES];
	char *note, *bad, *text;
	const char *t;
	size_t len, blen, tl, n, i, textlen;
	int ret;

	(void)state;
	note = vec("go_note", &len);
	vec_hex(pk, sizeof pk, "go_pk");
	for (i = 0; i < sizeof edits / sizeof edits[0]; i++) {
		bad = edit(note, edits[i].from, edits[i].to, &blen);
		ret = note_open(&t, &tl, sigs, &n, bad, blen);
		if (ret != edits[i].want)
			fail_msg("edit %zu: open gave %d, want %d", i, ret,
			    edits[i].want);
		assert_null(t);
		assert_int_equal(n, 0);
		assert_int_not_equal(verify_one(bad, blen, "PeterNeumann", pk),
		    0);
		free(bad);
	}
	/* just the text, or the text and a blank line */
	text = vec("go_text", &textlen);
	assert_int_equal(note_open(&t, &tl, sigs, &n, note, textlen),
	    DT_EFORMAT);
	assert_int_equal(note_open(&t, &tl, sigs, &n, note, textlen + 1),
	    DT_EFORMAT);
	free(text);
	/* DEL is no ASCII control below U+0020: the spec allows it */
	bad = edit(note, "If", "\x7fIf", &blen);
	assert_int_equal(note_open(&t, &tl, sigs, &n, bad, blen), 0);
	free(bad);
	assert_int_equal(note_open(&t, &tl, sigs, &n, NULL, 0), DT_EFORMAT);
	assert_int_equal(note_open(&t, &tl, sigs, &n, "", 0), DT_EFORMAT);
	free(note);
}

static void
test_forged(void **state)
{
	note_verifier v[2];
	char *note, *bad, *line, *twice;
	size_t len, blen, llen;
	uint64_t mask;
	key_identity *other;
	char *out;
	size_t outlen;

	(void)state;
	note = vec("go_note", &len);
	line = vec("go_sig_line", &llen);
	v[0].name = "PeterNeumann";
	vec_hex(v[0].pk, KEY_PK_BYTES, "go_pk");

	/* altered text */
	bad = edit(note, "answer", "Answer", &blen);
	assert_int_equal(verify_one(bad, blen, v[0].name, v[0].pk), DT_ESIG);
	free(bad);
	bad = edit(note, "is.\n\n", "is!\n\n", &blen);
	assert_int_equal(verify_one(bad, blen, v[0].name, v[0].pk), DT_ESIG);
	free(bad);
	/* text extended: a line before the blank line */
	bad = edit(note, "is.\n\n", "is.\nPS.\n\n", &blen);
	assert_int_equal(verify_one(bad, blen, v[0].name, v[0].pk), DT_ESIG);
	free(bad);
	/* Go's "invalid signature": 4 base64 characters inserted */
	bad = edit(note, "pAcElZ", "pAcEABCDlZ", &blen);
	assert_int_equal(verify_one(bad, blen, v[0].name, v[0].pk), DT_ESIG);
	free(bad);
	/* altered signature (one character of its base64) */
	bad = edit(note, "pAcElZ", "pAcElY", &blen);
	assert_int_equal(verify_one(bad, blen, v[0].name, v[0].pk), DT_ESIG);
	free(bad);
	/* another key id: an unknown signer, so nobody known signed */
	bad = edit(note, "x08go/", "x08gp/", &blen);
	assert_int_equal(verify_one(bad, blen, v[0].name, v[0].pk), DT_ESIG);
	free(bad);
	/* another name: unknown too */
	bad = edit(note, EM "PeterNeumann", EM "PeterNeumanm", &blen);
	assert_int_equal(verify_one(bad, blen, v[0].name, v[0].pk), DT_ESIG);
	free(bad);

	/* unknown signers are ignored next to a good one ... */
	other = random_identity("other");
	assert_int_equal(note_cosign(&out, &outlen, note, len, other,
	    "other.example"), 0);
	bad = edit(out, "other.example ", "unknown.example ", &blen);
	assert_int_equal(verify_one(bad, blen, v[0].name, v[0].pk), 0);
	free(bad);
	/* ... but a known signer's bad signature fails the whole note */
	v[1].name = "other.example";
	memcpy(v[1].pk, other->pk, KEY_PK_BYTES);
	assert_int_equal(note_verify(out, outlen, v, 2, &mask), 0);
	assert_int_equal(mask, 3);
	bad = edit(out, "other.example ", "other.example ", &blen);
	/* flip one base64 character of the last line, past the key id */
	bad[blen - 10] = bad[blen - 10] == 'A' ? 'B' : 'A';
	assert_int_equal(note_verify(bad, blen, v, 2, &mask), DT_ESIG);
	assert_int_equal(mask, 0);
	assert_int_equal(note_verify(bad, blen, v, 1, &mask), 0);
	assert_int_equal(mask, 1);
	free(bad);
	free(out);
	key_identity_free(other);

	/* the same line twice: refused (Go skips it) */
	twice = malloc(len + llen + 1);
	assert_non_null(twice);
	memcpy(twice, note, len);
	memcpy(twice + len, line, llen + 1);
	assert_int_equal(verify_one(twice, len + llen, v[0].name, v[0].pk),
	    DT_EFORMAT);
	free(twice);
	/* two lines for one name and key id: refused */
	{
		char *l2 = edit(line, "pAcElZ", "pAcElY", &blen);

		twice = malloc(len + blen + 1);
		assert_non_null(twice);
		memcpy(twice, note, len);
		memcpy(twice + len, l2, blen + 1);
		assert_int_equal(verify_one(twice, len + blen, v[0].name,
		    v[0].pk), DT_EFORMAT);
		free(twice);
		free(l2);
	}
	free(note);
	free(line);
}

/* A note with k distinct signature lines (unknown signers). */
static char *
many_sigs(size_t k, size_t *len)
{
	unsigned char raw[68];
	char *buf, b64[93];
	size_t i, o;

	buf = malloc(64 + k * 128);
	assert_non_null(buf);
	o = (size_t)sprintf(buf, "text\n\n");
	for (i = 0; i < k; i++) {
		memset(raw, 0, sizeof raw);
		raw[0] = (unsigned char)(i >> 8);
		raw[1] = (unsigned char)i;
		sodium_bin2base64(b64, sizeof b64, raw, sizeof raw,
		    sodium_base64_VARIANT_ORIGINAL);
		o += (size_t)sprintf(buf + o, EM "signer%zu %s\n", i, b64);
	}
	*len = o;
	return buf;
}

static void
test_limits(void **state)
{
	note_sig sigs[NOTE_SIGS_MAX];
	note_verifier v[NOTE_VERIFIERS_MAX + 1];
	const char *t;
	char *note, *out, *big;
	size_t len, tl, n, outlen, i;
	uint64_t mask;
	key_identity *id;

	(void)state;
	note = many_sigs(NOTE_SIGS_MAX, &len);
	assert_int_equal(note_open(&t, &tl, sigs, &n, note, len), 0);
	assert_int_equal(n, NOTE_SIGS_MAX);
	assert_int_equal(tl, 5);
	/* no room for one more */
	id = random_identity("me");
	assert_int_equal(note_cosign(&out, &outlen, note, len, id, "me"),
	    DT_ERANGE);
	free(note);
	note = many_sigs(NOTE_SIGS_MAX - 1, &len);
	assert_int_equal(note_cosign(&out, &outlen, note, len, id, "me"), 0);
	assert_int_equal(verify_one(out, outlen, "me", id->pk), 0);
	free(out);
	free(note);
	note = many_sigs(NOTE_SIGS_MAX + 1, &len);
	assert_int_equal(note_open(&t, &tl, sigs, &n, note, len), DT_ERANGE);
	free(note);

	/* a 5-byte signature is well-formed; 4 bytes are not */
	note = strdup("t\n\n" EM "a AAAAAAA=\n");
	assert_int_equal(note_open(&t, &tl, sigs, &n, note, strlen(note)), 0);
	assert_int_equal(sigs[0].siglen, 1);
	free(note);
	note = strdup("t\n\n" EM "a AAAAAA==\n");
	assert_int_equal(note_open(&t, &tl, sigs, &n, note, strlen(note)),
	    DT_EFORMAT);
	free(note);

	/* a signature of NOTE_SIG_MAX_BYTES, and one byte more */
	big = malloc(NOTE_SIG_MAX_BYTES * 2 + 64);
	assert_non_null(big);
	for (i = 0; i < 2; i++) {
		size_t raw = NOTE_SIG_MAX_BYTES + i, o;
		unsigned char *r = calloc(1, raw);

		assert_non_null(r);
		o = (size_t)sprintf(big, "t\n\n" EM "a ");
		sodium_bin2base64(big + o, NOTE_SIG_MAX_BYTES * 2, r, raw,
		    sodium_base64_VARIANT_ORIGINAL);
		strcat(big, "\n");
		assert_int_equal(note_open(&t, &tl, sigs, &n, big,
		    strlen(big)), i == 0 ? 0 : DT_EFORMAT);
		free(r);
	}
	free(big);

	/* a note over NOTE_MAX_BYTES */
	big = malloc(NOTE_MAX_BYTES + 2);
	assert_non_null(big);
	memset(big, 'a', NOTE_MAX_BYTES + 1);
	big[NOTE_MAX_BYTES] = '\n';
	assert_int_equal(note_open(&t, &tl, sigs, &n, big,
	    NOTE_MAX_BYTES + 1), DT_ERANGE);
	assert_int_equal(note_sign(&out, &outlen, big, NOTE_MAX_BYTES + 1, id,
	    "me"), DT_ERANGE);
	/* a text that fits, whose note would not */
	big[NOTE_MAX_BYTES - 1] = '\n';
	assert_int_equal(note_sign(&out, &outlen, big, NOTE_MAX_BYTES, id,
	    "me"), DT_ERANGE);
	free(big);

	/* verifiers: at most 64, and one key per name and key id */
	for (i = 0; i <= NOTE_VERIFIERS_MAX; i++) {
		v[i].name = "me";
		memcpy(v[i].pk, id->pk, KEY_PK_BYTES);
	}
	assert_int_equal(note_sign(&out, &outlen, "hi\n", 3, id, "me"), 0);
	assert_int_equal(note_verify(out, outlen, v, NOTE_VERIFIERS_MAX,
	    &mask), 0);
	assert_int_equal(mask, UINT64_MAX);
	assert_int_equal(note_verify(out, outlen, v, NOTE_VERIFIERS_MAX + 1,
	    &mask), DT_ERANGE);
	v[1].pk[0] ^= 1;
	assert_int_equal(key_c2sp_keyid("me", v[1].pk) ==
	    key_c2sp_keyid("me", v[0].pk), 0);
	/* (a real collision of name and key id needs 2^32 tries: fake one) */
	v[1].pk[0] ^= 1;
	v[1].name = "m e";
	assert_int_equal(note_verify(out, outlen, v, 2, &mask), DT_EINVAL);
	v[1].name = NULL;
	assert_int_equal(note_verify(out, outlen, v, 2, &mask), DT_EINVAL);
	assert_int_equal(note_verify(out, outlen, NULL, 1, &mask), DT_EINVAL);
	free(out);
	key_identity_free(id);
}

static void
test_sign_errors(void **state)
{
	static const char *bad_texts[] = {
		"", "no newline", "tab\there\n", "cr\r\n", "nul\0x\n",
		"\xff\n", "\xc3\n", "esc\x1b[0m\n",
	};
	static const size_t bad_lens[] = { 0, 10, 9, 4, 6, 2, 2, 8 };
	static const char *bad_names[] = {
		"", "a b", "a+b", "a\nb", "a\x7f", "a\xc2\x85",
		"a\xc2\xa0", "\xff",
	};
	char name[NOTE_NAME_MAX + 2], *out = (char *)1;
	size_t outlen = 7, i;
	key_identity *id;

	(void)state;
	id = random_identity("me");
	for (i = 0; i < sizeof bad_texts / sizeof bad_texts[0]; i++) {
		assert_int_equal(note_sign(&out, &outlen, bad_texts[i],
		    bad_lens[i], id, "me"), DT_EINVAL);
		assert_null(out);
		assert_int_equal(outlen, 0);
	}
	for (i = 0; i < sizeof bad_names / sizeof bad_names[0]; i++)
		assert_int_equal(note_sign(&out, &outlen, "t\n", 2, id,
		    bad_names[i]), DT_EINVAL);
	memset(name, 'n', sizeof name);
	name[NOTE_NAME_MAX] = '\0';
	assert_int_equal(note_sign(&out, &outlen, "t\n", 2, id, name), 0);
	free(out);
	name[NOTE_NAME_MAX] = 'n';
	name[NOTE_NAME_MAX + 1] = '\0';
	assert_int_equal(note_sign(&out, &outlen, "t\n", 2, id, name),
	    DT_EINVAL);
	assert_int_equal(note_sign(&out, &outlen, "t\n", 2, NULL, "me"),
	    DT_EINVAL);
	assert_int_equal(note_sign(&out, &outlen, "t\n", 2, id, NULL),
	    DT_EINVAL);
	/* texts that are fine: one newline, blank lines, Cyrillic, DEL */
	assert_int_equal(note_sign(&out, &outlen, "\n", 1, id, "me"), 0);
	assert_int_equal(verify_one(out, outlen, "me", id->pk), 0);
	free(out);
	assert_int_equal(note_sign(&out, &outlen, "a\n\n\nb\n\n", 7, id,
	    "me"), 0);
	assert_int_equal(verify_one(out, outlen, "me", id->pk), 0);
	{
		note_sig sigs[NOTE_SIGS_MAX];
		const char *t;
		size_t tl, n;

		assert_int_equal(note_open(&t, &tl, sigs, &n, out, outlen), 0);
		assert_int_equal(tl, 7);
		assert_memory_equal(t, "a\n\n\nb\n\n", 7);
	}
	free(out);
	assert_int_equal(note_sign(&out, &outlen,
	    "\xd0\x94\xd0\xb8\xd0\xb0\xd0\xbb\xd0\xbe\xd0\xb3\n\x7f\n", 15, id,
	    "\xd1\x80\xd1\x83/\xd0\xb3\xd0\xbb\xd0\xb0\xd0\xb2\xd0\xb0"), 0);
	assert_int_equal(verify_one(out, outlen,
	    "\xd1\x80\xd1\x83/\xd0\xb3\xd0\xbb\xd0\xb0\xd0\xb2\xd0\xb0",
	    id->pk), 0);
	free(out);
	/* cosigning what does not parse */
	assert_int_equal(note_cosign(&out, &outlen, "t\n", 2, id, "me"),
	    DT_EFORMAT);
	assert_int_equal(note_cosign(&out, &outlen, "t\n\n" EM "a AAAAAAA=\n",
	    18, id, "a b"), DT_EINVAL);
	key_identity_free(id);
}

static void
test_names(void **state)
{
	char longname[1001];

	(void)state;
	assert_true(note_name_valid("example.com/log", 15));
	assert_true(note_name_valid("\xd0\x98\xd0\xb2\xd0\xb0\xd0\xbd", 8));
	assert_true(note_name_valid("a", 1));
	assert_false(note_name_valid("", 0));
	assert_false(note_name_valid(NULL, 0));
	assert_false(note_name_valid("a+b", 3));
	assert_false(note_name_valid("a b", 3));
	assert_false(note_name_valid("a\x7f", 2));
	assert_false(note_name_valid("a\xc2\x80", 3));   /* C1 */
	assert_false(note_name_valid("a\xe2\x80\xa8", 4)); /* U+2028 */
	assert_false(note_name_valid("a\xe2\x80\x83", 4)); /* em space */
	assert_false(note_name_valid("a\xed\xa0\x80", 4)); /* surrogate */
	assert_false(note_name_valid("ab", 3));           /* the NUL */
	memset(longname, 'x', 1000);
	longname[1000] = '\0';
	assert_true(note_name_valid(longname, 1000));

	assert_true(note_text_valid("\n", 1));
	assert_true(note_text_valid("a\x7f\n", 3));
	assert_false(note_text_valid("", 0));
	assert_false(note_text_valid("a", 1));
	assert_false(note_text_valid("a\r\n", 3));
	assert_false(note_text_valid(NULL, 1));
}

/* --- checkpoints ---------------------------------------------------------- */

#define ROOT_B64 "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I="

static void
test_checkpoint_parse(void **state)
{
	static const char *bad[] = {
		"o\n",
		"o\n1\n",
		"o\n1\n" ROOT_B64,                       /* no newline */
		"\n1\n" ROOT_B64 "\n",                   /* empty origin */
		"o\n01\n" ROOT_B64 "\n",
		"o\n00\n" ROOT_B64 "\n",
		"o\n+1\n" ROOT_B64 "\n",
		"o\n-1\n" ROOT_B64 "\n",
		"o\n1 \n" ROOT_B64 "\n",
		"o\n\n" ROOT_B64 "\n",
		"o\n0x1\n" ROOT_B64 "\n",
		"o\n18446744073709551616\n" ROOT_B64 "\n",
		"o\n99999999999999999999\n" ROOT_B64 "\n",
		"o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I\n",
		"o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2J=\n",
		"o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I==\n",
		"o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxqw==\n",
		"o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2Iq\n",
		"o\n1\nCsUYapGGPo4dkMgIAUqom_Xajj7h2fB2MPA3j2jxq2I=\n",
		"o\n1\n CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
		"o\n1\n" ROOT_B64 "\n\n",                 /* empty extension */
		"o\n1\n" ROOT_B64 "\next\n\n",
		"o\n1\n" ROOT_B64 "\n\next\n",
		"o\r\n1\n" ROOT_B64 "\n",
		"o\n1\r\n" ROOT_B64 "\n",
		"o\xff\n1\n" ROOT_B64 "\n",
	};
	note_checkpoint cp;
	const char *t;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		memset(&cp, 0x55, sizeof cp);
		if (note_checkpoint_parse(&cp, bad[i], strlen(bad[i])) !=
		    DT_EFORMAT)
			fail_msg("checkpoint %zu accepted: %s", i, bad[i]);
		assert_null(cp.origin);
		assert_int_equal(cp.size, 0);
	}
	t = "o\n0\n" ROOT_B64 "\n";
	assert_int_equal(note_checkpoint_parse(&cp, t, strlen(t)), 0);
	assert_int_equal(cp.size, 0);
	t = "o\n18446744073709551615\n" ROOT_B64 "\n";
	assert_int_equal(note_checkpoint_parse(&cp, t, strlen(t)), 0);
	assert_int_equal(cp.size, UINT64_MAX);
	/* an origin with spaces is a fine origin (just not a key name) */
	t = "a log\n7\n" ROOT_B64 "\n";
	assert_int_equal(note_checkpoint_parse(&cp, t, strlen(t)), 0);
	assert_int_equal(cp.originlen, 5);
	/* extension lines are returned as they are */
	t = "o\n7\n" ROOT_B64 "\next one\next two\n";
	assert_int_equal(note_checkpoint_parse(&cp, t, strlen(t)), 0);
	assert_int_equal(cp.size, 7);
	assert_int_equal(cp.extlen, 16);
	assert_memory_equal(cp.ext, "ext one\next two\n", 16);
}

static void
test_checkpoint_text(void **state)
{
	unsigned char root[32];
	char buf[512];
	size_t need;

	(void)state;
	memset(root, 0, sizeof root);
	assert_int_equal(note_checkpoint_text(buf, sizeof buf, "o", 0, root),
	    0);
	assert_string_equal(buf,
	    "o\n0\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n");
	assert_int_equal(note_checkpoint_text(buf, sizeof buf, "o",
	    UINT64_MAX, root), 0);
	assert_string_equal(buf, "o\n18446744073709551615\n"
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n");
	need = strlen(buf) + 1;
	assert_int_equal(note_checkpoint_text(buf, need, "o", UINT64_MAX,
	    root), 0);
	assert_int_equal(note_checkpoint_text(buf, need - 1, "o", UINT64_MAX,
	    root), DT_ERANGE);
	assert_int_equal(note_checkpoint_text(buf, sizeof buf, "a log", 1,
	    root), DT_EINVAL);
	assert_int_equal(note_checkpoint_text(buf, sizeof buf, "", 1, root),
	    DT_EINVAL);
	assert_int_equal(note_checkpoint_text(buf, sizeof buf, "a\nb", 1,
	    root), DT_EINVAL);
	assert_int_equal(note_checkpoint_text(buf, sizeof buf, "a+b", 1,
	    root), DT_EINVAL);
	/* what it writes, it reads */
	{
		note_checkpoint cp;
		unsigned int k;

		for (k = 0; k < 100; k++) {
			uint64_t size = ((uint64_t)randombytes_random() << 32) |
			    randombytes_random();

			randombytes_buf(root, sizeof root);
			size >>= randombytes_uniform(64);
			assert_int_equal(note_checkpoint_text(buf, sizeof buf,
			    "example.com/log", size, root), 0);
			assert_int_equal(note_checkpoint_parse(&cp, buf,
			    strlen(buf)), 0);
			assert_int_equal(cp.size, size);
			assert_memory_equal(cp.root, root, 32);
			assert_int_equal(cp.originlen, 15);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_go_example),
		cmocka_unit_test(test_go_cosigned),
		cmocka_unit_test(test_stricter_than_go),
		cmocka_unit_test(test_c2sp_example),
		cmocka_unit_test(test_checkpoint_example),
		cmocka_unit_test(test_detente_checkpoint),
		cmocka_unit_test(test_every_bit),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_forged),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_sign_errors),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_checkpoint_parse),
		cmocka_unit_test(test_checkpoint_text),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
