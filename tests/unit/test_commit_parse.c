/*
 * test_commit_parse.c: the one grammar of commitments (app/commit_parse.h),
 * shared by `detente add commitment` and the UI's "ACTION:" line.
 *
 * One table of lines as scribes type them, each with the party, owner,
 * due date and text it must give, or the refusal it must meet; then
 * parties in any case, and every due-date form against a fixed today
 * (Monday 2026-12-07), month ends and leap years included.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app/commit_parse.h"

static const char *const parties[] = { "RU", "US" };

/* day() - a struct tm for y-m-d (only these fields are read). */
static struct tm
day(int y, int m, int d)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	return tm;
}

static const struct {
	const char *line;
	int ok;
	const char *party, *owner, *due, *text;
} lines[] = {
	{ "US to share CERT contacts by Friday", 1,
	  "US", "", "2026-12-11", "to share CERT contacts" },
	{ "us \xc2\xab\xd0\x9c\xd0\x98\xd0\x94 \xd0\xa0\xd0\xbe\xd1\x81\xd1\x81"
	  "\xd0\xb8\xd0\xb8\xc2\xbb 15.12.2026 Send the list", 1,
	  "US", "\xd0\x9c\xd0\x98\xd0\x94 \xd0\xa0\xd0\xbe\xd1\x81\xd1\x81"
	  "\xd0\xb8\xd0\xb8", "2026-12-15", "Send the list" },
	{ "RU \xe2\x80\x9cJ. Smith\xe2\x80\x9d +1m Review the draft", 1,
	  "RU", "J. Smith", "2027-01-07", "Review the draft" },
	{ "Review the hotline protocol", 1,
	  "RU", "", "", "Review the hotline protocol" },
	{ "RU Ivanov +14 Send figures", 1,
	  "RU", "Ivanov", "2026-12-21", "Send figures" },
	{ "US Smith 2026-12-20 Send figures", 1,
	  "US", "Smith", "2026-12-20", "Send figures" },
	{ "+2w Exchange lists", 1, "RU", "", "2026-12-21", "Exchange lists" },
	/* РФ +14 Send figures: the party by its Russian name */
	{ "\xd0\xa0\xd0\xa4 +14 Send figures", 1,
	  "RU", "", "2026-12-21", "Send figures" },
	{ "+3d Exchange lists", 1, "RU", "", "2026-12-10", "Exchange lists" },
	{ "\"J. Smith\" Report back by tomorrow", 1,
	  "RU", "J. Smith", "2026-12-08", "Report back" },
	/* до пятницы, ДО 15.12.2026 */
	{ "Send figures \xd0\xb4\xd0\xbe \xd0\xbf\xd1\x8f\xd1\x82\xd0\xbd\xd0\xb8"
	  "\xd1\x86\xd1\x8b", 1, "RU", "", "2026-12-11", "Send figures" },
	{ "Send figures \xd0\x94\xd0\x9e 15.12.2026", 1,
	  "RU", "", "2026-12-15", "Send figures" },
	{ "Send figures BY monday.", 1, "RU", "", "2026-12-14", "Send figures" },
	{ "Send the text by email", 1,
	  "RU", "", "", "Send the text by email" },
	{ "US deliver tomorrow the report", 1,
	  "US", "", "", "deliver tomorrow the report" },
	{ "NATO liaison to be named", 1,
	  "RU", "", "", "NATO liaison to be named" },
	/* refused, never read as text */
	{ "RU Ivanov 31.02.2026 Send figures", 0, NULL, NULL, NULL, NULL },
	{ "Send figures by 31.02.2026", 0, NULL, NULL, NULL, NULL },
	{ "Send figures by 15 December", 0, NULL, NULL, NULL, NULL },
	{ "+14x Send figures", 0, NULL, NULL, NULL, NULL },
	{ "2026-13-01 Send figures", 0, NULL, NULL, NULL, NULL },
	{ "\"J. Smith Send figures", 0, NULL, NULL, NULL, NULL },
	{ "\"\" Send figures", 0, NULL, NULL, NULL, NULL },
	{ "+3 Send figures by Friday", 0, NULL, NULL, NULL, NULL },
	{ "US", 0, NULL, NULL, NULL, NULL },
	{ "US +3", 0, NULL, NULL, NULL, NULL },
	{ "", 0, NULL, NULL, NULL, NULL },
};

static void
test_lines(void **state)
{
	struct tm today = day(2026, 12, 7);
	cparse_commitment c;
	const char *why;
	char text[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		why = cparse_line(&c, lines[i].line, parties, 2, "RU", &today);
		if (!lines[i].ok) {
			if (why == NULL)
				fail_msg("accepted: \"%s\"", lines[i].line);
			continue;
		}
		if (why != NULL)
			fail_msg("refused: \"%s\": %s", lines[i].line, why);
		snprintf(text, sizeof(text), "%.*s", (int)c.text_len, c.text);
		if (strcmp(c.party, lines[i].party) != 0 ||
		    strcmp(c.owner, lines[i].owner) != 0 ||
		    strcmp(c.due, lines[i].due) != 0 ||
		    strcmp(text, lines[i].text) != 0)
			fail_msg("\"%s\": party %s owner \"%s\" due \"%s\" "
			    "text \"%s\"", lines[i].line, c.party, c.owner,
			    c.due, text);
	}
}

static void
test_party(void **state)
{
	const char *p;

	(void)state;
	assert_null(cparse_party(&p, "us", 2, parties, 2));
	assert_string_equal(p, "US");
	assert_null(cparse_party(&p, "Ru", 2, parties, 2));
	assert_string_equal(p, "RU");
	assert_non_null(cparse_party(&p, "XX", 2, parties, 2));
	assert_null(p);
	/* a name of the party in either language (GLOSSARY) */
	assert_null(cparse_party(&p, "USA", 3, parties, 2));
	assert_string_equal(p, "US");
	assert_null(cparse_party(&p, "\xd0\xa1\xd0\xa8\xd0\x90", 6, parties, 2));
	assert_string_equal(p, "US");                     /* США */
	assert_null(cparse_party(&p, "\xd1\x80\xd1\x84", 4, parties, 2));
	assert_string_equal(p, "RU");                     /* рф */
	assert_null(cparse_party(&p, "Russian Federation", 18, parties, 2));
	assert_string_equal(p, "RU");
	/* a name counts only where the dialogue has that party */
	assert_non_null(cparse_party(&p, "USA", 3, parties, 1));
	assert_null(p);
	assert_non_null(cparse_party(&p, "USAX", 4, parties, 2));
	assert_non_null(cparse_party(&p, "", 0, parties, 2));
}

static const struct {
	int y, m, d;      /* today */
	const char *in;
	const char *out;  /* NULL: refused */
} dues[] = {
	{ 2026, 12, 7, "2026-12-31", "2026-12-31" },
	{ 2026, 12, 7, "31.12.2026", "2026-12-31" },
	{ 2026, 12, 7, "+0", "2026-12-07" },
	{ 2026, 12, 7, "+30", "2027-01-06" },
	{ 2026, 12, 7, "+30d", "2027-01-06" },
	{ 2026, 12, 7, "+1w", "2026-12-14" },
	{ 2026, 12, 7, "+1m", "2027-01-07" },
	{ 2026, 12, 7, "+13m", "2028-01-07" },
	{ 2027, 1, 31, "+1m", "2027-02-28" },
	{ 2028, 1, 31, "+1m", "2028-02-29" },
	{ 2026, 12, 7, "monday", "2026-12-14" },   /* today is a Monday */
	{ 2026, 12, 7, "Sunday", "2026-12-13" },
	{ 2026, 12, 31, "FRIDAY", "2027-01-01" },
	{ 2026, 12, 31, "tomorrow", "2027-01-01" },
	{ 2026, 12, 7, "\xd0\xb7\xd0\xb0\xd0\xb2\xd1\x82\xd1\x80\xd0\xb0",
	  "2026-12-08" },                          /* завтра */
	{ 2026, 12, 7, "\xd0\xa1\xd0\xa0\xd0\x95\xd0\x94\xd0\xa3",
	  "2026-12-09" },                          /* СРЕДУ */
	{ 2028, 2, 1, "29.02.2028", "2028-02-29" },
	{ 2026, 12, 7, "29.02.2027", NULL },
	{ 2026, 12, 7, "2027-02-29", NULL },
	{ 2026, 12, 7, "2026-12-1", NULL },
	{ 2026, 12, 7, "15.12.26", NULL },
	{ 2026, 12, 7, "+", NULL },
	{ 2026, 12, 7, "+1y", NULL },
	{ 2026, 12, 7, "+-1", NULL },
	{ 2026, 12, 7, "+100000", NULL },
	{ 2026, 12, 7, "Fri", NULL },
	{ 2026, 12, 7, "1899-12-31", NULL },
};

static void
test_due(void **state)
{
	struct tm today;
	const char *why;
	char out[11];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(dues) / sizeof(dues[0]); i++) {
		today = day(dues[i].y, dues[i].m, dues[i].d);
		why = cparse_due(out, dues[i].in, strlen(dues[i].in), &today);
		if (dues[i].out == NULL && why == NULL)
			fail_msg("accepted \"%s\" as %s", dues[i].in, out);
		if (dues[i].out != NULL && (why != NULL ||
		    strcmp(out, dues[i].out) != 0))
			fail_msg("\"%s\": %s, not %s", dues[i].in,
			    why != NULL ? why : out, dues[i].out);
	}
}

/*
 * test_random() - lines built at random from the grammar's own pieces
 * (quotes, cut UTF-8, dates, "by", "до", blanks): never a crash, and what
 * is accepted always holds a text inside the line, a party of the
 * dialogue and a due date that is one.
 */
static void
test_random(void **state)
{
	static const char *const pieces[] = {
		"US", "ru", "XX", "\"", "\xc2\xab", "\xc2\xbb", "\xe2\x80\x9c",
		"\xe2\x80\x9d", "\xd0", "\xe2\x80", "by", "\xd0\xb4\xd0\xbe",
		"+1", "+2w", "+3m", "+99999", "31.12.2026", "2026-02-29", "15.",
		"friday", "tomorrow", "Ivanov", "text", ".", ",", " ", " ", " ",
		"\t", "\n", "0", "-", "\xff",
	};
	struct tm today = day(2026, 12, 7);
	cparse_commitment c;
	char line[256];
	size_t i, j, np = sizeof(pieces) / sizeof(pieces[0]), len;
	unsigned long r = 12345;

	(void)state;
	for (i = 0; i < 50000; i++) {
		line[0] = '\0';
		len = 0;
		for (j = 0; j < 1 + i % 9; j++) {
			r = r * 6364136223846793005UL + 1442695040888963407UL;
			const char *pc = pieces[(r >> 33) % np];
			if (len + strlen(pc) + 1 >= sizeof(line))
				break;
			strcat(line, pc);
			len += strlen(pc);
		}
		if (cparse_line(&c, line, parties, 2, "RU", &today) != NULL)
			continue;
		assert_true(c.text >= line && c.text_len > 0 &&
		    c.text + c.text_len <= line + len);
		assert_true(strcmp(c.party, "RU") == 0 ||
		    strcmp(c.party, "US") == 0);
		assert_true(c.due[0] == '\0' || payload_date_valid(c.due));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_party),
		cmocka_unit_test(test_due),
		cmocka_unit_test(test_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
