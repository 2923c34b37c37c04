/*
 * minutes_id.c: what identifies a minutes file (minutes_identify(): its
 * first line, or the JSON form's fields) and the trusted comment of a
 * signature of one (minutes_comment(), minutes_comment_parse()).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "../crypto/err.h"
#include "../crypto/keys.h"
#include "entry.h"
#include "minutes.h"
#include "minutes_print.h"

#define COMMENT_MAGIC "detente minutes"

/* --- identification and trusted comments ------------------------------ */

/*
 * take() - if *p starts with "key=", the value up to the next space (or
 * the end), into val; moves *p past it and one space.
 */
static int
take(const char **p, const char *end, const char *key, char *val, size_t vlen)
{
	size_t k = strlen(key), n;
	const char *e;

	if ((size_t)(end - *p) < k + 1 || memcmp(*p, key, k) != 0 ||
	    (*p)[k] != '=')
		return -1;
	*p += k + 1;
	for (e = *p; e < end && *e != ' '; e++)
		;
	n = (size_t)(e - *p);
	if (n == 0 || n >= vlen)
		return -1;
	memcpy(val, *p, n);
	val[n] = '\0';
	*p = e;
	if (e < end) {
		/* one space, and another field after it */
		if (e + 1 >= end)
			return -1;
		*p = e + 1;
	}
	return 0;
}

/* decimal() - a meeting number: 1 to 18 digits, no leading zero. */
static int
decimal(const char *s, int64_t *out)
{
	int64_t v = 0;
	size_t i, n = strlen(s);

	if (n == 0 || n > 18 || (s[0] == '0'))
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

static int
lowhex(const char *s, unsigned char *out, size_t n)
{
	size_t i;

	if (strlen(s) != 2 * n)
		return -1;
	for (i = 0; i < 2 * n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
			(s[i] >= 'a' && s[i] <= 'f')))
			return -1;
	return key_unhex(out, n, s) == 0 ? 0 : -1;
}

/* id_fields() - "dialogue=... meeting=... format=... lang=..." */
static int
id_fields(minutes_id *id, const char **p, const char *end)
{
	char v[2 * ENTRY_HASH_BYTES + 1];

	if (take(p, end, "dialogue", v, sizeof(v)) != 0 ||
	    lowhex(v, id->dialogue, ENTRY_HASH_BYTES) != 0 ||
	    take(p, end, "meeting", v, sizeof(v)) != 0 ||
	    decimal(v, &id->meeting) != 0 ||
	    take(p, end, "format", v, sizeof(v)) != 0 ||
	    (id->format = minutes_format_parse(v)) == 0 ||
	    take(p, end, "lang", id->lang, sizeof(id->lang)) != 0 ||
	    !minutes_lang_valid(id->lang))
		return -1;
	return 0;
}

int
minutes_identify(minutes_id *out, const char *text, size_t len)
{
	char head[32], v[16];
	const char *p = text, *end, *nl;
	json_t *j = NULL;
	const char *s;
	json_error_t e;
	int rc = DT_EFORMAT;

	memset(out, 0, sizeof(*out));
	if (text == NULL)
		return DT_EFORMAT;
	if (len > 0 && text[0] == '{') {
		if ((j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &e)) ==
		    NULL)
			return DT_EFORMAT;
		s = json_string_value(json_object_get(j, "format"));
		if (s == NULL || strcmp(s, MINUTES_MAGIC) != 0)
			goto out;
		s = json_string_value(json_object_get(j, "dialogue"));
		if (json_integer_value(json_object_get(j, "version")) !=
			MINUTES_VERSION ||
		    s == NULL ||
		    lowhex(s, out->dialogue, ENTRY_HASH_BYTES) != 0 ||
		    !json_is_integer(json_object_get(j, "meeting")) ||
		    (out->meeting = json_integer_value(
			 json_object_get(j, "meeting"))) < 1 ||
		    (s = json_string_value(json_object_get(j, "lang"))) ==
			NULL ||
		    !minutes_lang_valid(s) || strlen(s) >= sizeof(out->lang) ||
		    /* an internal record is no minutes (minutes.h) */
		    json_object_get(j, "scope") != NULL ||
		    (s = json_string_value(json_object_get(j, "status"))) ==
			NULL ||
		    (strcmp(s, "final") != 0 && strcmp(s, "draft") != 0))
			goto out;
		snprintf(out->lang, sizeof(out->lang), "%s",
		    json_string_value(json_object_get(j, "lang")));
		out->draft = strcmp(s, "draft") == 0;
		out->format = MINUTES_JSON;
		rc = 0;
		goto out;
	}
	if ((nl = memchr(text, '\n', len)) == NULL)
		return DT_EFORMAT;
	end = nl;
	if (end - p >= 5 && memcmp(p, "<!-- ", 5) == 0) {
		if (end - p < 9 || memcmp(end - 4, " -->", 4) != 0)
			return DT_EFORMAT;
		p += 5;
		end -= 4;
	}
	snprintf(head, sizeof(head), "%s v%d ", MINUTES_MAGIC, MINUTES_VERSION);
	if ((size_t)(end - p) < strlen(head) ||
	    memcmp(p, head, strlen(head)) != 0)
		return DT_EFORMAT;
	p += strlen(head);
	if (id_fields(out, &p, end) != 0 ||
	    take(&p, end, "status", v, sizeof(v)) != 0 || p != end ||
	    (strcmp(v, "final") != 0 && strcmp(v, "draft") != 0) ||
	    (out->format == MINUTES_JSON) ||
	    ((out->format == MINUTES_MD || out->format == MINUTES_HTML) !=
		(text[0] == '<'))) {
		memset(out, 0, sizeof(*out));
		return DT_EFORMAT;
	}
	out->draft = strcmp(v, "draft") == 0;
	return 0;
out:
	json_decref(j);
	if (rc != 0)
		memset(out, 0, sizeof(*out));
	return rc;
}

int
minutes_comment(char out[MINUTES_COMMENT_BYTES], const minutes_claim *c)
{
	char dhex[2 * ENTRY_HASH_BYTES + 1], shex[65];
	int n;

	out[0] = '\0';
	if (c->id.draft || c->id.meeting < 1 ||
	    minutes_format_name(c->id.format) == NULL ||
	    !minutes_lang_valid(c->id.lang) || !key_name_valid(c->signer))
		return DT_EINVAL;
	key_hex(dhex, c->id.dialogue, ENTRY_HASH_BYTES);
	key_hex(shex, c->sha256, 32);
	n = snprintf(out, MINUTES_COMMENT_BYTES,
	    "%s dialogue=%s meeting=%lld "
	    "format=%s lang=%s signer=%s sha256=%s",
	    COMMENT_MAGIC, dhex, (long long)c->id.meeting,
	    minutes_format_name(c->id.format), c->id.lang, c->signer, shex);
	if (n < 0 || (size_t)n >= MINUTES_COMMENT_BYTES) {
		out[0] = '\0';
		return DT_EINVAL;
	}
	return 0;
}

int
minutes_comment_parse(minutes_claim *out, const char *text, size_t len)
{
	const char *p = text, *end;
	char v[2 * 32 + 1];
	size_t k = strlen(COMMENT_MAGIC);

	memset(out, 0, sizeof(*out));
	if (text == NULL || len < k + 1 || memcmp(p, COMMENT_MAGIC, k) != 0 ||
	    p[k] != ' ' || memchr(text, '\0', len) != NULL)
		return DT_EFORMAT;
	/* not before the test: no arithmetic on a NULL text */
	end = text + len;
	p += k + 1;
	if (id_fields(&out->id, &p, end) != 0 ||
	    take(&p, end, "signer", out->signer, sizeof(out->signer)) != 0 ||
	    !key_name_valid(out->signer) ||
	    take(&p, end, "sha256", v, sizeof(v)) != 0 ||
	    lowhex(v, out->sha256, 32) != 0 || p != end) {
		memset(out, 0, sizeof(*out));
		return DT_EFORMAT;
	}
	return 0;
}
