/*
 * commit_parse.c: the one grammar of commitments (commit_parse.h).
 *
 * Everything here reads UTF-8 bytes and folds case itself (ASCII and
 * Cyrillic), so that the result does not depend on the locale the
 * command or the UI runs in.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../storage/payload.h"
#include "commit_parse.h"
#include "i18n.h"

const char cparse_due_forms[] = N_("a due date is YYYY-MM-DD, DD.MM.YYYY, "
    "+N (days), +Nw (weeks), +Nm (months), tomorrow, or a weekday "
    "(Friday, пятница)");

/* utf8_next() - the code point at *p (before end), advancing *p; an
 * invalid byte is returned as itself and counts one. */
static unsigned long
utf8_next(const char **p, const char *end)
{
	const unsigned char *s = (const unsigned char *)*p;
	unsigned long c = s[0];
	size_t n = 1, i;

	if (c >= 0xc0 && c < 0xe0)
		n = 2, c &= 0x1f;
	else if (c >= 0xe0 && c < 0xf0)
		n = 3, c &= 0x0f;
	else if (c >= 0xf0 && c < 0xf8)
		n = 4, c &= 0x07;
	if (n > 1 && (size_t)(end - *p) < n)
		n = 1, c = s[0];
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			n = 1;
			c = s[0];
			break;
		}
		c = (c << 6) | (s[i] & 0x3f);
	}
	*p += n;
	return c;
}

/* fold() - lower case for ASCII and Cyrillic (А-Я, Ё), else c. */
static unsigned long
fold(unsigned long c)
{
	if (c >= 'A' && c <= 'Z')
		return c + 32;
	if (c >= 0x410 && c <= 0x42f)
		return c + 0x20;
	if (c == 0x401)
		return 0x451;
	return c;
}

/* same() - s[0..n) equals word (lower case UTF-8), any case. */
static int
same(const char *s, size_t n, const char *word)
{
	const char *e = s + n, *w = word, *we = word + strlen(word);

	while (s < e && w < we)
		if (fold(utf8_next(&s, e)) != utf8_next(&w, we))
			return 0;
	return s == e && w == we;
}

/*
 * The names a person types for a party, in either language, by its code
 * (lower case; compared by same(), any case).  A name counts only where
 * the dialogue has a party of that code; the record keeps the code.
 * docs/GLOSSARY.md lists them.
 */
static const struct {
	const char *code;
	const char *name;
} party_names[] = {
	{ "RU", "рф" },
	{ "RU", "россия" },
	{ "RU", "российская федерация" },
	{ "RU", "rf" },
	{ "RU", "russia" },
	{ "RU", "russian federation" },
	{ "US", "сша" },
	{ "US", "соединённые штаты" },
	{ "US", "соединенные штаты" },
	{ "US", "соединённые штаты америки" },
	{ "US", "соединенные штаты америки" },
	{ "US", "usa" },
	{ "US", "united states" },
	{ "US", "united states of america" },
};

const char *
cparse_party(const char **out, const char *name, size_t n,
    const char *const *parties, size_t np)
{
	size_t i, j;

	*out = NULL;
	for (i = 0; i < np; i++) {
		if (strlen(parties[i]) != n)
			continue;
		for (j = 0; j < n; j++)
			if (fold((unsigned char)name[j]) !=
			    fold((unsigned char)parties[i][j]))
				break;
		if (j == n) {
			*out = parties[i];
			return NULL;
		}
	}
	for (j = 0; j < sizeof(party_names) / sizeof(party_names[0]); j++) {
		if (!same(name, n, party_names[j].name))
			continue;
		for (i = 0; i < np; i++)
			if (strcmp(parties[i], party_names[j].code) == 0) {
				*out = parties[i];
				return NULL;
			}
	}
	return N_("not a party of this dialogue");
}

/* The words for days: weekday (0 Sunday .. 6) or -1 for tomorrow. */
static const struct {
	const char *word;
	int wday;
} days[] = {
	{ "sunday", 0 }, { "monday", 1 }, { "tuesday", 2 },
	{ "wednesday", 3 }, { "thursday", 4 }, { "friday", 5 },
	{ "saturday", 6 }, { "tomorrow", -1 },
	{ "воскресенье", 0 }, { "воскресенья", 0 },
	{ "понедельник", 1 }, { "понедельника", 1 },
	{ "вторник", 2 }, { "вторника", 2 },
	{ "среда", 3 }, { "среду", 3 }, { "среды", 3 },
	{ "четверг", 4 }, { "четверга", 4 },
	{ "пятница", 5 }, { "пятницу", 5 }, { "пятницы", 5 },
	{ "суббота", 6 }, { "субботу", 6 }, { "субботы", 6 },
	{ "завтра", -1 },
	{ NULL, 0 }
};

/* ymd() - out = the date y-m-d after normalising (days may overflow). */
static int
ymd(char out[11], int y, int m, int d)
{
	struct tm tm;
	time_t t;
	char b[40];

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = 12;
	if ((t = timegm(&tm)) == (time_t)-1)
		return 0;
	gmtime_r(&t, &tm);
	if (tm.tm_year + 1900 > 9999 || tm.tm_year + 1900 < 1900)
		return 0;
	snprintf(b, sizeof(b), "%04d-%02d-%02d", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday);
	memcpy(out, b, 11);
	out[10] = '\0';
	return 1;
}

/* mdays() - the days of month m (1..12) of year y. */
static int
mdays(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
		31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return d[m - 1];
}

/* digits() - n decimal digits at s as an int, or -1. */
static int
digits(const char *s, size_t n)
{
	int v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

const char *
cparse_due(char out[11], const char *s, size_t n, const struct tm *today)
{
	int y = today->tm_year + 1900, m = today->tm_mon + 1,
	    d = today->tm_mday, yy, mm, dd, i, wd;
	long k;
	char unit;
	size_t j;
	struct tm tm;
	char b[40];

	out[0] = '\0';
	if (n == 10 && s[4] == '-' && s[7] == '-') {
		yy = digits(s, 4), mm = digits(s + 5, 2), dd = digits(s + 8, 2);
		goto check;
	}
	if (n == 10 && s[2] == '.' && s[5] == '.') {
		dd = digits(s, 2), mm = digits(s + 3, 2), yy = digits(s + 6, 4);
		goto check;
	}
	if (n >= 2 && s[0] == '+') {
		unit = s[n - 1];
		j = unit >= '0' && unit <= '9' ? n : n - 1;
		if (j < 2 || j > 5 || (unit != 'd' && unit != 'w' &&
		    unit != 'm' && j != n) || (k = digits(s + 1, j - 1)) < 0)
			return cparse_due_forms;
		if (unit == 'w')
			d += (int)k * 7;
		else if (unit == 'm') {
			m += (int)k;
			y += (m - 1) / 12;
			m = (m - 1) % 12 + 1;
			if (d > mdays(y, m))
				d = mdays(y, m);
		} else
			d += (int)k;
		return ymd(out, y, m, d) ? NULL : cparse_due_forms;
	}
	for (i = 0; days[i].word != NULL; i++) {
		if (!same(s, n, days[i].word))
			continue;
		if (days[i].wday < 0)
			return ymd(out, y, m, d + 1) ? NULL : cparse_due_forms;
		memset(&tm, 0, sizeof(tm));
		tm.tm_year = y - 1900;
		tm.tm_mon = m - 1;
		tm.tm_mday = d;
		tm.tm_hour = 12;
		if (timegm(&tm) == (time_t)-1)
			return cparse_due_forms;
		wd = (days[i].wday - tm.tm_wday + 7) % 7;
		return ymd(out, y, m, d + (wd == 0 ? 7 : wd)) ? NULL :
		    cparse_due_forms;
	}
	return cparse_due_forms;
check:
	if (yy < 1900 || mm < 1 || mm > 12 || dd < 1 || dd > mdays(yy, mm))
		return N_("not a date in the calendar (YYYY-MM-DD or "
		    "DD.MM.YYYY)");
	snprintf(b, sizeof(b), "%04d-%02d-%02d", yy, mm, dd);
	memcpy(out, b, 11);
	out[10] = '\0';
	return payload_date_valid(out) ? NULL : cparse_due_forms;
}

/* blank() - a blank between words. */
static int
blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

/* word() - the next word of [*p, end): its start in *w and length. */
static int
word(const char **p, const char *end, const char **w, size_t *n)
{
	const char *s = *p;

	while (s < end && blank(*s))
		s++;
	*w = s;
	while (s < end && !blank(*s))
		s++;
	*n = (size_t)(s - *w);
	*p = s;
	return *n > 0;
}

/* dateish() - a word meant as a date: "+..." or digits with . - or /. */
static int
dateish(const char *w, size_t n)
{
	size_t i;
	int sep = 0;

	if (n == 0)
		return 0;
	if (w[0] == '+')
		return n > 1 && w[1] >= '0' && w[1] <= '9';
	if (w[0] < '0' || w[0] > '9')
		return 0;
	for (i = 0; i < n; i++) {
		if (w[i] == '.' || w[i] == '-' || w[i] == '/')
			sep = 1;
		else if (w[i] < '0' || w[i] > '9')
			return 0;
	}
	return sep;
}

/* The opening quotes of an owner and their closing ones. */
static const struct {
	const char *open, *close;
} quotes[] = {
	{ "\"", "\"" },
	{ "\xc2\xab", "\xc2\xbb" },         /* « » */
	{ "\xe2\x80\x9c", "\xe2\x80\x9d" }, /* “ ” */
	{ NULL, NULL }
};

/*
 * quoted() - an owner in quotes at *p: copied into owner, *p past the
 * closing quote.  @return 1 if there was one, 0 if *p holds no opening
 * quote, or -1 with *why set.
 */
static int
quoted(char *owner, size_t cap, const char **p, const char *end,
    const char **why)
{
	const char *s = *p, *t, *c;
	size_t i, ol, cl;

	while (s < end && blank(*s))
		s++;
	for (i = 0; quotes[i].open != NULL; i++) {
		ol = strlen(quotes[i].open);
		cl = strlen(quotes[i].close);
		if ((size_t)(end - s) < ol || memcmp(s, quotes[i].open, ol))
			continue;
		t = s + ol;
		for (c = t; c + cl <= end; c++)
			if (memcmp(c, quotes[i].close, cl) == 0)
				break;
		if (c + cl > end) {
			*why = N_("the owner's quote is not closed");
			return -1;
		}
		if (c == t) {
			*why = N_("the owner in quotes is empty");
			return -1;
		}
		if ((size_t)(c - t) >= cap) {
			*why = N_("the owner's name is too long");
			return -1;
		}
		memcpy(owner, t, (size_t)(c - t));
		owner[c - t] = '\0';
		*p = c + cl;
		return 1;
	}
	return 0;
}

/*
 * trailing_due() - "by DATE" or "до DATE" (any case) as the last two
 * words of [s, *end): the date into due, *end cut before "by".
 * @return NULL (with due "" when there is none), or a reason.
 */
static const char *
trailing_due(char due[11], const char *s, const char **end,
    const struct tm *today)
{
	const char *w[3] = { NULL, NULL, NULL }, *p = s, *t;
	size_t n[3] = { 0, 0, 0 }, tn, wn;
	const char *why;

	due[0] = '\0';
	/* the last three words */
	while (word(&p, *end, &t, &tn)) {
		w[0] = w[1], n[0] = n[1];
		w[1] = w[2], n[1] = n[2];
		w[2] = t, n[2] = tn;
	}
	if (w[1] != NULL && (same(w[1], n[1], "by") ||
	    same(w[1], n[1], "до"))) {
		wn = n[2];
		if (wn > 1 && (w[2][wn - 1] == '.' || w[2][wn - 1] == ','))
			wn--;
		if ((why = cparse_due(due, w[2], wn, today)) == NULL) {
			*end = w[1];
			return NULL;
		}
		due[0] = '\0';
		if (dateish(w[2], wn))
			return why;
	}
	/* "by 15 December": a date in words is not read; say so */
	if (w[0] != NULL && (same(w[0], n[0], "by") ||
	    same(w[0], n[0], "до")) && n[1] > 0 && w[1][0] >= '0' &&
	    w[1][0] <= '9')
		return cparse_due_forms;
	return NULL;
}

const char *
cparse_line(cparse_commitment *c, const char *s, const char *const *parties,
    size_t np, const char *my_party, const struct tm *today)
{
	const char *end = s + strlen(s), *p = s, *q, *w, *w2, *party = NULL;
	const char *why = NULL;
	char due2[11];
	size_t n, n2;
	int r;

	memset(c, 0, sizeof(*c));
	/* PARTY: the first word, if it names one */
	if (word(&p, end, &w, &n) && cparse_party(&party, w, n, parties,
	    np) == NULL)
		snprintf(c->party, sizeof(c->party), "%s", party);
	else
		p = s;
	if (c->party[0] == '\0') {
		if (my_party == NULL || my_party[0] == '\0')
			return N_("a commitment needs a party: ACTION: PARTY "
			    "text");
		snprintf(c->party, sizeof(c->party), "%s", my_party);
	}
	/* OWNER: quoted, or one word with a DUE right after it */
	if ((r = quoted(c->owner, sizeof(c->owner), &p, end, &why)) < 0)
		return why;
	q = p;
	if (r == 0 && word(&q, end, &w, &n) && !dateish(w, n) &&
	    word(&q, end, &w2, &n2) && dateish(w2, n2)) {
		if ((why = cparse_due(c->due, w2, n2, today)) != NULL)
			return why;
		if (n >= sizeof(c->owner))
			return N_("the owner's name is too long");
		memcpy(c->owner, w, n);
		c->owner[n] = '\0';
		p = q;
	} else if ((q = p) != NULL && word(&q, end, &w, &n)) {
		/* DUE (in figures) right after the party or the owner */
		if (dateish(w, n)) {
			if ((why = cparse_due(c->due, w, n, today)) != NULL)
				return why;
			p = q;
		}
	}
	/* TEXT [by DUE] */
	while (p < end && blank(*p))
		p++;
	if ((why = trailing_due(due2, p, &end, today)) != NULL)
		return why;
	if (due2[0] != '\0') {
		if (c->due[0] != '\0')
			return N_("two due dates: give one");
		memcpy(c->due, due2, sizeof(c->due));
	}
	while (end > p && blank(end[-1]))
		end--;
	if (end == p)
		return N_("nothing to add: the commitment has no text");
	c->text = p;
	c->text_len = (size_t)(end - p);
	return NULL;
}
