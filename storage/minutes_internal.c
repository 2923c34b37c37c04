/*
 * minutes_internal.c: an internal record of a meeting, the parts that
 * are not the joint minutes' (see minutes_internal.h and minutes.h).
 *
 * Its words are frame strings (minutes_lang.c), so that an internal
 * record in --lang ru says it is one in Russian; the party code is
 * checked (minutes_party_valid()) before any model carries it, so it is
 * written as it is, in HTML too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "entry.h"
#include "minutes.h"
#include "minutes_internal.h"
#include "minutes_lang.h"
#include "minutes_print.h"
#include "view.h"

/* The notice: a heading, then a sentence (FORMAT.md section 13). */
#define NOTICE_HEAD "INTERNAL RECORD OF %s: NOT THE JOINT MINUTES."
#define NOTICE_TEXT \
	"It holds the joint minutes of meeting %lld and, with " \
	"them, the internal notes of %s, each marked [%s only]; " \
	"it is for the delegation of %s alone: not for the other " \
	"side, and never to be signed or sealed."
#define TAIL_HEAD "Not signable"
#define TAIL_TEXT                                                       \
	"This internal record is not the joint minutes: it is never "      \
	"signed or sealed, and detente refuses to sign, verify or seal "   \
	"it. The heads sign the joint minutes, which are exported "        \
	"without --internal and show none of these internal notes."

int
minutes_party_valid(const char *party)
{
	size_t i;

	if (party == NULL || party[0] == '\0' ||
	    strlen(party) >= MINUTES_PARTY_BYTES)
		return 0;
	for (i = 0; party[i] != '\0'; i++)
		if (!((party[i] >= 'A' && party[i] <= 'Z') ||
			(party[i] >= '0' && party[i] <= '9')))
			return 0;
	return 1;
}

int
minutes_internal_own(const struct view_item *it, const char *party)
{
	return it != NULL && view_item_internal(it) &&
	    it->kind == ENTRY_K_NOTE && it->body == VIEW_BODY_OK &&
	    it->payload != NULL && strcmp(it->party, party) == 0;
}

json_t *
minutes_internal_notice(int fr, const char *party, int64_t meeting)
{
	char head[256], text[1024], all[2 * (256 + 1024) + 4];
	size_t n = 0;
	int h, hf;

	all[0] = '\0';
	for (h = 0; h < 2; h++) {
		if ((hf = minutes_half(fr, h)) < 0)
			continue;
		minutes_lsn(head, sizeof(head), hf, NOTICE_HEAD, party);
		minutes_lsn(text, sizeof(text), hf, NOTICE_TEXT,
		    (long long)meeting, party, party, party);
		n += (size_t)snprintf(all + n, sizeof(all) - n, "%s%s %s",
		    n > 0 ? "\n" : "", head, text);
		if (n >= sizeof(all))
			return NULL;
	}
	return json_string(all);
}

const char *
minutes_model_party(const json_t *m)
{
	const char *s = gsn(m, "scope");
	size_t k = strlen(MINUTES_SCOPE_INTERNAL);

	if (s == NULL || strncmp(s, MINUTES_SCOPE_INTERNAL, k) != 0)
		return NULL;
	return s + k;
}

void
minutes_id_scope(FILE *f, const json_t *m)
{
	const char *p = minutes_model_party(m);

	if (p != NULL)
		fprintf(f, " scope=%s%s", MINUTES_SCOPE_INTERNAL, p);
}

void
minutes_internal_banner(FILE *f, const json_t *m, int fmt)
{
	const char *p = minutes_model_party(m);
	long long meeting =
	    (long long)json_integer_value(json_object_get(m, "meeting"));
	int fr = minutes_frame_of(gs(m, "lang")), h, hf;

	if (p == NULL)
		return;
	/* each half of the frame whole: the heading, then the sentence */
	for (h = 0; h < 2; h++) {
		if ((hf = minutes_half(fr, h)) < 0)
			continue;
		fputs(fmt == MINUTES_IN_MD ? "**" :
		    fmt == MINUTES_IN_HTML ? "<p class=\"draft\">" : "*** ", f);
		minutes_l(f, hf, NOTICE_HEAD, p);
		fputs(fmt == MINUTES_IN_MD ? "** " :
		    fmt == MINUTES_IN_HTML ? "<br>\n" : " ***\n", f);
		minutes_l(f, hf, NOTICE_TEXT, meeting, p, p, p);
		fputs(fmt == MINUTES_IN_HTML ? "</p>\n" : "\n\n", f);
	}
}

void
minutes_internal_tail(FILE *f, const json_t *m, int fmt)
{
	int fr = minutes_frame_of(gs(m, "lang"));

	if (minutes_model_party(m) == NULL)
		return;
	if (fmt == MINUTES_IN_HTML) {
		fputs("<h3>", f);
		minutes_l(f, fr, TAIL_HEAD);
		fputs("</h3>\n<p>", f);
		minutes_lsep(f, fr, "</p>\n<p>", TAIL_TEXT);
		fputs("</p>\n", f);
		return;
	}
	if (fmt == MINUTES_IN_MD) {
		fputs("### ", f);
		minutes_l(f, fr, TAIL_HEAD);
		fputs("\n\n", f);
	}
	minutes_lsep(f, fr, "\n\n", TAIL_TEXT);
	fputc('\n', f);
}

/* first_line() - the first line of text (without its line feed). */
static size_t
first_line(const char *text, size_t len)
{
	const char *nl = memchr(text, '\n', len);

	return nl != NULL ? (size_t)(nl - text) : len;
}

int
minutes_internal_of(char party[MINUTES_PARTY_BYTES], const char *text,
    size_t len)
{
	static const char field[] = " scope=" MINUTES_SCOPE_INTERNAL;
	const char *s, *at;
	size_t n, i, k = strlen(MINUTES_SCOPE_INTERNAL);
	json_error_t e;
	json_t *j;
	int found = 0;

	party[0] = '\0';
	if (text == NULL || len == 0)
		return 0;
	if (text[0] == '{') {
		if ((j = json_loadb(text, len, 0, &e)) == NULL)
			return 0;
		if (json_object_get(j, "scope") != NULL) {
			found = 1;
			s = json_string_value(json_object_get(j, "scope"));
			if (s != NULL && strncmp(s, MINUTES_SCOPE_INTERNAL,
			    k) == 0 && minutes_party_valid(s + k))
				snprintf(party, MINUTES_PARTY_BYTES, "%s",
				    s + k);
		}
		json_decref(j);
		return found;
	}
	n = first_line(text, len);
	if (memmem(text, n, MINUTES_MAGIC " ", strlen(MINUTES_MAGIC) + 1) ==
	    NULL || memmem(text, n, " scope=", 7) == NULL)
		return 0;
	if ((at = memmem(text, n, field, strlen(field))) != NULL) {
		at += strlen(field);
		for (i = 0; at + i < text + n && i + 1 < MINUTES_PARTY_BYTES &&
		    ((at[i] >= 'A' && at[i] <= 'Z') ||
			(at[i] >= '0' && at[i] <= '9')); i++)
			party[i] = at[i];
		party[i] = '\0';
	}
	return 1;
}
