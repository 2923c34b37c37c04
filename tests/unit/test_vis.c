/*
 * test_vis.c: the one renderer of untrusted text (storage/vis.h).
 *
 * Every class of unsafe character, byte for byte: what a terminal gets
 * (U+FFFD, a tab as a space, "\n" kept only when asked), what JSON gets
 * (the \uXXXX escape, which jansson reads back as the same string), the
 * bounded form of a field (cut at a character boundary), and the
 * writer's check of a field; and tests/vectors/text.txt, which
 * tests/tools/indep_verify.py computes from docs/FORMAT.md alone.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <locale.h>

#include <jansson.h>
#include <sodium.h>

#include "crypto/err.h"
#include "crypto/keys.h"
#include "storage/entry.h"
#include "storage/payload.h"
#include "storage/record.h"
#include "storage/vis.h"
#include "test_util.h"

#define R VIS_REPLACEMENT

/* dumps() - json_dumps(), but malloc'd (vis_json() frees with free()). */
static char *
dumps(const json_t *j, size_t flags)
{
	size_t n = json_dumpb(j, NULL, 0, flags);
	char *s = malloc(n + 1);

	assert_non_null(s);
	assert_int_equal(json_dumpb(j, s, n, flags), n);
	s[n] = '\0';
	return s;
}

/* clean() - vis_clean(), checked against want, freed. */
static void
clean_is(const char *in, unsigned flags, const char *want)
{
	char *out = vis_clean(in, flags);

	assert_non_null(out);
	assert_string_equal(out, want);
	free(out);
}

/* Each unsafe class becomes one U+FFFD; Cyrillic and the rest stay. */
static void
test_clean(void **state)
{
	(void)state;
	clean_is("plain text", 0, "plain text");
	clean_is("Диалог по МИБ", 0, "Диалог по МИБ");
	clean_is("a\x1b]0;title\x07z", 0, "a" R "]0;title" R "z");
	clean_is("\x1b[2J\x1b[8m", 0, R "[2J" R "[8m");
	clean_is("cr\roverwrite", 0, "cr" R "overwrite");
	clean_is("del\x7f", 0, "del" R);
	clean_is("c1 \xc2\x9b"
		 "31m",
	    0, "c1 " R "31m");
	clean_is("c1 \xc2\x85 nel", 0, "c1 " R " nel");
	clean_is("rlo \xe2\x80\xae"
		 "evil",
	    0, "rlo " R "evil");
	clean_is("lri \xe2\x81\xa6"
		 "x\xe2\x81\xa9",
	    0, "lri " R "x" R);
	clean_is("marks \xe2\x80\x8e\xe2\x80\x8f\xd8\x9c", 0, "marks " R R R);
	clean_is("ls \xe2\x80\xa8 ps \xe2\x80\xa9", 0, "ls " R " ps " R);
	clean_is("tab\there", 0, "tab here");
	clean_is("two\nlines", 0, "two" R "lines");
	clean_is("two\nlines", VIS_NL, "two\nlines");
	clean_is(NULL, 0, "");
	/* U+2010 and U+2030 sit beside the bidi range and are kept */
	clean_is("\xe2\x80\x90\xe2\x80\xb0", 0, "\xe2\x80\x90\xe2\x80\xb0");
}

/* Bad UTF-8: one U+FFFD per byte that begins no character. */
static void
test_bad_utf8(void **state)
{
	(void)state;
	clean_is("\xff", 0, R);
	clean_is("a\x80"
		 "b",
	    0, "a" R "b");
	clean_is("\xc0\xaf", 0, R R); /* overlong "/" */
	clean_is("\xe0\x80\xaf", 0, R R R); /* overlong, 3 bytes */
	clean_is("\xed\xa0\x80", 0, R R R); /* a surrogate */
	clean_is("\xf4\x90\x80\x80", 0, R R R R); /* above U+10FFFF */
	clean_is("cut \xd0", 0, "cut " R); /* truncated */
	clean_is("cut \xe2\x80", 0, "cut " R R);
	clean_is("\xf0\x9f\x98\x80", 0, "\xf0\x9f\x98\x80"); /* U+1F600 */
}

/* The stream form writes exactly what vis_clean() returns. */
static void
test_put(void **state)
{
	static const char in[] = "x\x1b[31m\xd0\x96\tq\n\xe2\x80\xae\xff";
	char *buf = NULL, *want;
	size_t len = 0;
	FILE *f;

	(void)state;
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	vis_put(f, in, VIS_NL);
	vis_nput(f, in, 4, 0);
	fclose(f);
	want = vis_clean(in, VIS_NL);
	assert_non_null(want);
	assert_int_equal(len, strlen(want) + strlen("x" R "[3"));
	assert_memory_equal(buf, want, strlen(want));
	assert_string_equal(buf + strlen(want), "x" R "[3");
	free(want);
	free(buf);
}

/* A bounded field: cut at a character boundary, "..." after it. */
static void
test_buf(void **state)
{
	char out[12];

	(void)state;
	assert_string_equal(vis_buf(out, sizeof(out), "short", 0), "short");
	assert_string_equal(vis_buf(out, sizeof(out), "exactly 11b", 0),
	    "exactly 11b");
	assert_string_equal(vis_buf(out, sizeof(out), "exactly 12by", 0),
	    "exactly ...");
	/* Cyrillic, two bytes each: never half a letter */
	assert_string_equal(vis_buf(out, sizeof(out), "Диалог по МИБ", 0),
	    "Диал...");
	assert_string_equal(vis_buf(out, sizeof(out), "\x1b\x1b\x1b\x1b", 0),
	    R R "...");
	assert_string_equal(vis_nbuf(out, sizeof(out), "ab\x07zzz", 3), "ab" R);
	assert_string_equal(vis_buf(out, sizeof(out), NULL, 0), "");
}

/* JSON: escaped, still valid, and read back as the same string. */
static void
test_json(void **state)
{
	static const char *const hostile[] = {
		"\x1b]0;x\x07",
		"\xc2\x9b"
		"2J",
		"del\x7f",
		"\xe2\x80\xae"
		"rlo",
		"\xe2\x81\xa6"
		"lri\xe2\x81\xa9",
		"ls\xe2\x80\xa8ps\xe2\x80\xa9",
		"\xd8\x9c\xe2\x80\x8e\xe2\x80\x8f",
		"Диалог \"q\" \\ /",
	};
	json_t *o, *back;
	json_error_t err;
	char *s;
	size_t i, len, k;

	(void)state;
	for (i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		o = json_pack("{s:s,s:[s]}", "text", hostile[i], "list",
		    hostile[i]);
		assert_non_null(o);
		s = dumps(o, JSON_INDENT(2));
		len = strlen(s);
		assert_int_equal(vis_json(&s, &len), 0);
		assert_int_equal(strlen(s), len);
		for (k = 0; k < len; k++) {
			unsigned char c = (unsigned char)s[k];

			assert_true(c >= 0x20 || c == '\n');
			assert_true(c != 0x7f);
		}
		assert_null(strstr(s, "\xc2\x9b"));
		assert_null(strstr(s, "\xe2\x80\xae"));
		assert_null(strstr(s, "\xe2\x80\xa8"));
		assert_null(strstr(s, "\xe2\x81\xa6"));
		back = json_loads(s, 0, &err);
		assert_non_null(back);
		assert_true(json_equal(o, back));
		json_decref(back);
		json_decref(o);
		free(s);
	}
	/* nothing to change: the same buffer */
	s = strdup("{\"a\": \"Диалог\"}");
	assert_non_null(s);
	len = strlen(s);
	{
		char *before = s;

		assert_int_equal(vis_json(&s, &len), 0);
		assert_ptr_equal(s, before);
	}
	free(s);
}

/* The writer's rule for titles, places, owners, names. */
static void
test_field_check(void **state)
{
	char long_title[502];

	(void)state;
	assert_int_equal(vis_field_check("Диалог по МИБ", 500), 0);
	assert_int_equal(vis_field_check("Geneva, Palais des Nations", 200), 0);
	assert_int_equal(vis_field_check("", 200), DT_ERANGE);
	memset(long_title, 'a', 501);
	long_title[501] = '\0';
	assert_int_equal(vis_field_check(long_title, 500), DT_ERANGE);
	long_title[500] = '\0';
	assert_int_equal(vis_field_check(long_title, 500), 0);
	assert_int_equal(vis_field_check("a\nb", 200), DT_EFORMAT);
	assert_int_equal(vis_field_check("a\rb", 200), DT_EFORMAT);
	assert_int_equal(vis_field_check("a\tb", 200), DT_EFORMAT);
	assert_int_equal(vis_field_check("\x1b[8m", 200), DT_EFORMAT);
	assert_int_equal(vis_field_check("\xc2\x9b", 200), DT_EFORMAT);
	assert_int_equal(vis_field_check("\xe2\x80\xae"
					 "x",
			     200),
	    DT_EFORMAT);
	assert_int_equal(vis_field_check("\xe2\x80\xa8", 200), DT_EFORMAT);
	assert_int_equal(vis_field_check("\xd0", 200), DT_EFORMAT);
	assert_int_equal(vis_field_check("\xc0\xaf", 200), DT_EFORMAT);
}

/* The code point rule the terminal UI applies to wide characters. */
static void
test_cp(void **state)
{
	static const uint32_t bad[] = { 0x00, 0x07, 0x0a, 0x1b, 0x1f, 0x7f,
		0x80, 0x9b, 0x9f, 0x061c, 0x200e, 0x200f, 0x2028, 0x2029,
		0x202a, 0x202e, 0x2066, 0x2069 };
	static const uint32_t good[] = { 0x20, 0x7e, 0xa0, 0x0416, 0x200d,
		0x2010, 0x2030, 0x2065, 0x206a, 0xfffd, 0x1f600 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_true(vis_cp_unsafe(bad[i]));
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_false(vis_cp_unsafe(good[i]));
}

/* hexof() - bytes as lower-case hex; malloc'd. */
static char *
hexof(const char *b, size_t n)
{
	char *h = malloc(2 * n + 1);

	assert_non_null(h);
	sodium_bin2hex(h, 2 * n + 1, (const unsigned char *)b, n);
	return h;
}

/* vtext() - the vector's value name_i, unhexed into a NUL-terminated copy. */
static char *
vtext(const char *name, int i)
{
	char key[32], *v, *out;
	size_t n;

	snprintf(key, sizeof(key), "%s_%d", name, i);
	v = tu_vector("text.txt", key);
	assert_non_null(v);
	out = calloc(strlen(v) / 2 + 1, 1);
	assert_non_null(out);
	assert_int_equal(sodium_hex2bin((unsigned char *)out, strlen(v) / 2 + 1,
			     v, strlen(v), NULL, &n, NULL),
	    0);
	free(v);
	return out;
}

/* vstr() - the vector's value name_i as it is, or NULL. */
static char *
vstr(const char *name, int i)
{
	char key[32];

	snprintf(key, sizeof(key), "%s_%d", name, i);
	return tu_vector("text.txt", key);
}

/* Every case of tests/vectors/text.txt, byte for byte. */
static void
test_vectors(void **state)
{
	static const char *const verdict[] = { "ok", "range", "format" };
	char *cases = tu_vector("text.txt", "cases");
	char *fmax = tu_vector("text.txt", "field_max");
	char *in, *got, *h, *want, *js;
	json_t *j;
	size_t len;
	int i, n, rc;

	(void)state;
	assert_non_null(cases);
	assert_non_null(fmax);
	n = atoi(cases);
	assert_true(n >= 10);
	for (i = 1; i <= n; i++) {
		in = vtext("in", i);
		got = vis_clean(in, 0);
		h = hexof(got, strlen(got));
		want = vstr("line", i);
		assert_string_equal(h, want);
		free(want);
		free(h);
		free(got);
		got = vis_clean(in, VIS_NL);
		h = hexof(got, strlen(got));
		want = vstr("lines", i);
		assert_string_equal(h, want);
		free(want);
		free(h);
		free(got);
		if ((want = vstr("json", i)) != NULL) {
			j = json_string(in);
			assert_non_null(j);
			js = dumps(j, JSON_ENCODE_ANY);
			len = strlen(js);
			assert_int_equal(vis_json(&js, &len), 0);
			h = hexof(js, len);
			assert_string_equal(h, want);
			free(h);
			free(js);
			json_decref(j);
			free(want);
		}
		rc = vis_field_check(in, (size_t)atoi(fmax));
		want = vstr("field", i);
		assert_string_equal(verdict[rc == 0	    ? 0 :
					    rc == DT_ERANGE ? 1 :
							      2],
		    want);
		free(want);
		free(in);
	}
	free(cases);
	free(fmax);
}

/* append() - record_append() of kind with payload o (consumed). */
static int
append(record *r, const key_identity *who, unsigned kind, json_t *o)
{
	unsigned char h[ENTRY_HASH_BYTES];
	char *text;
	int rc;

	assert_non_null(o);
	text = payload_dump(o);
	json_decref(o);
	assert_non_null(text);
	rc = record_append(r, who, kind, text, h, NULL);
	payload_free(text);
	return rc;
}

/*
 * The library refuses to write what the command line refuses: a
 * genesis title, a meeting's title or place, a commitment's owner, a
 * member's name with a control or bidi character, or too long.
 */
static void
test_library_refuses(void **state)
{
	static const char *const parties[] = { "RU", "US" };
	unsigned char seed[KEY_SEED_BYTES], h[ENTRY_HASH_BYTES];
	key_identity *ru = NULL, *us = NULL, *x = NULL;
	record_member m[2], add;
	record_genesis g;
	record *r = NULL;
	const char *why = NULL;
	char *dir = tu_tmpdir(), owner[202];

	(void)state;
	memset(seed, 0x61, sizeof(seed));
	assert_int_equal(key_identity_from_seed(&ru, "ru-head", seed), 0);
	memset(seed, 0x62, sizeof(seed));
	assert_int_equal(key_identity_from_seed(&us, "us-head", seed), 0);
	memset(seed, 0x63, sizeof(seed));
	assert_int_equal(key_identity_from_seed(&x, "ru-x", seed), 0);
	memset(m, 0, sizeof(m));
	memcpy(m[0].pk, ru->pk, KEY_PK_BYTES);
	strcpy(m[0].name, "ru-head");
	strcpy(m[0].party, "RU");
	m[0].role = RECORD_ROLE_HEAD;
	memcpy(m[1].pk, us->pk, KEY_PK_BYTES);
	strcpy(m[1].name, "us-head");
	strcpy(m[1].party, "US");
	m[1].role = RECORD_ROLE_HEAD;
	memset(&g, 0, sizeof(g));
	g.parties = parties;
	g.nparties = 2;
	g.members = m;
	g.nmembers = 2;
	g.time_ms = 1750000000000ULL;
	g.title = "Диалог\r\n\x1b[8mRU AAAA BBBB";
	assert_int_not_equal(record_create(&r, dir, ru, &g, &why), 0);
	assert_null(r);
	assert_non_null(why);
	strcpy(m[1].name, "us\xe2\x80\xaehead");
	g.title = "Диалог по МИБ";
	assert_int_not_equal(record_create(&r, dir, ru, &g, &why), 0);
	strcpy(m[1].name, "us-head");
	assert_int_equal(record_create(&r, dir, ru, &g, &why), 0);

	assert_int_equal(append(r, ru, ENTRY_K_MEETING_OPEN,
			     json_pack("{s:i,s:i,s:s}", "v", 1, "meeting", 1,
				 "title", "a\x1b]0;x\x07")),
	    DT_EFORMAT);
	assert_int_equal(append(r, ru, ENTRY_K_MEETING_OPEN,
			     json_pack("{s:i,s:i,s:s}", "v", 1, "meeting", 1,
				 "place", "\xe2\x81\xa6Geneva\xe2\x81\xa9")),
	    DT_EFORMAT);
	assert_int_equal(append(r, ru, ENTRY_K_MEETING_OPEN,
			     json_pack("{s:i,s:i,s:s,s:s}", "v", 1, "meeting",
				 1, "title", "Встреча", "place", "Женева")),
	    0);
	memset(owner, 'o', 201);
	owner[201] = '\0';
	assert_int_equal(append(r, ru, ENTRY_K_COMMITMENT,
			     json_pack("{s:i,s:i,s:o,s:s,s:s,s:s}", "v", 1,
				 "meeting", 1, "text",
				 payload_text("en", "authentic",
				     "a text\nof two lines"),
				 "party", "RU", "owner", owner, "due",
				 "2027-01-01")),
	    DT_ERANGE);
	owner[200] = '\0';
	assert_int_equal(append(r, ru, ENTRY_K_COMMITMENT,
			     json_pack("{s:i,s:i,s:o,s:s,s:s,s:s}", "v", 1,
				 "meeting", 1, "text",
				 payload_text("en", "authentic",
				     "a text\nof two lines"),
				 "party", "RU", "owner", owner, "due",
				 "2027-01-01")),
	    0);
	/* bodies are free text: rendered, not refused */
	assert_int_equal(append(r, ru, ENTRY_K_NOTE,
			     json_pack("{s:i,s:i,s:o}", "v", 1, "meeting", 1,
				 "text",
				 payload_text("en", "authentic",
				     "\x1b[2J a body"))),
	    0);

	memset(&add, 0, sizeof(add));
	memcpy(add.pk, x->pk, KEY_PK_BYTES);
	strcpy(add.name, "ru\xe2\x80\xaex");
	strcpy(add.party, "RU");
	add.role = RECORD_ROLE_DELEGATE;
	assert_int_equal(record_add_member(r, ru, &add, h), DT_EFORMAT);
	strcpy(add.name, "ru-x");
	assert_int_equal(record_add_member(r, ru, &add, h), 0);

	record_close(r);
	tu_rmtree(dir);
	key_identity_free(ru);
	key_identity_free(us);
	key_identity_free(x);
}

/*
 * vis_width(): display cells, not bytes: a Cyrillic letter (two bytes)
 * one cell, a wide CJK character two, a combining accent none, a bad
 * byte one (it is shown as U+FFFD).
 */
static void
test_width(void **state)
{
	(void)state;
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
		skip();
	assert_int_equal(vis_width(NULL), 0);
	assert_int_equal(vis_width(""), 0);
	assert_int_equal(vis_width("ru-head"), 7);
	assert_int_equal(vis_width("глава-рф"), 8);
	assert_int_equal(vis_width("\xe4\xb8\xad\xe6\x96\x87"), 4);
	assert_int_equal(vis_width("e\xcc\x81"), 1);
	assert_int_equal(vis_width("a\xff" "b"), 3);
	setlocale(LC_CTYPE, "C");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean),
		cmocka_unit_test(test_width),
		cmocka_unit_test(test_bad_utf8),
		cmocka_unit_test(test_put),
		cmocka_unit_test(test_buf),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_field_check),
		cmocka_unit_test(test_cp),
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_library_refuses),
	};

	if (sodium_init() < 0)
		return 1;
	payload_wipe_alloc();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
