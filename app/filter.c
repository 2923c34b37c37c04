/*
 * filter.c: the filters of `log` and `commitments` (see filter.h).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <wchar.h>

#include "../crypto/keys.h"
#include "../storage/entry.h"
#include "../storage/payload.h"
#include "../storage/record.h"
#include "../storage/view.h"
#include "filter.h"
#include "commit_parse.h"
#include "search.h"
#include "ui.h"

void
filter_log_init(struct filter_log *f)
{
	memset(f, 0, sizeof(*f));
}

void
filter_log_done(struct filter_log *f)
{
	if (f == NULL)
		return;
	free(f->grep);
	memset(f, 0, sizeof(*f));
}

int
filter_log_active(const struct filter_log *f)
{
	return f->meeting != 0 || f->author != NULL || f->party != NULL ||
	    f->kinds != 0 || f->has_since || f->has_until || f->grep != NULL ||
	    f->last != 0;
}

int
filter_kinds(uint64_t *bits, const char *list)
{
	uint64_t add = 0;
	const char *p = list, *e;
	char name[32];
	unsigned k;

	for (;;) {
		e = strchr(p, ',');
		if (e == NULL)
			e = p + strlen(p);
		if (e == p || (size_t)(e - p) >= sizeof(name))
			return -1;
		memcpy(name, p, (size_t)(e - p));
		name[e - p] = '\0';
		if ((k = entry_kind_from_name(name)) == 0)
			return -1;
		add |= VIEW_KIND(k);
		if (*e == '\0')
			break;
		p = e + 1;
	}
	*bits |= add;
	return 0;
}

/* digits() - n decimal digits at s into *v.  @return 0 or -1. */
static int
digits(const char *s, size_t n, int *v)
{
	size_t i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

int
filter_time(uint64_t *ms, const char *s, int until)
{
	struct tm tm, back;
	int y, mo, d, h = 0, mi = 0, sec = 0, msec = 0;
	uint64_t unit = 86400000U;
	size_t n = strlen(s);
	time_t t;

	if (n > 0 && s[n - 1] == 'Z' && n > 10)
		n--;
	if (n < 10 || s[4] != '-' || s[7] != '-' || digits(s, 4, &y) != 0 ||
	    digits(s + 5, 2, &mo) != 0 || digits(s + 8, 2, &d) != 0)
		return -1;
	if (n > 10) {
		if ((s[10] != 'T' && s[10] != ' ') || n < 16 || s[13] != ':' ||
		    digits(s + 11, 2, &h) != 0 || digits(s + 14, 2, &mi) != 0)
			return -1;
		unit = 60000U;
		if (n > 16) {
			if (n < 19 || s[16] != ':' ||
			    digits(s + 17, 2, &sec) != 0)
				return -1;
			unit = 1000U;
		}
		if (n > 19) {
			if (n != 23 || s[19] != '.' ||
			    digits(s + 20, 3, &msec) != 0)
				return -1;
			unit = 1U;
		}
	}
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 ||
	    mi > 59 || sec > 59)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	if ((t = timegm(&tm)) == (time_t)-1 || t < 0 ||
	    gmtime_r(&t, &back) == NULL || back.tm_mday != d ||
	    back.tm_mon != mo - 1)
		return -1; /* 2026-02-30 */
	*ms = (uint64_t)t * 1000U + (uint64_t)msec + (until ? unit - 1 : 0);
	return 0;
}

/* wtext() - ui_wtext() of text (not empty) as UTF-8, whatever LC_CTYPE. */
static wchar_t *
wtext(const char *text, size_t *n)
{
	void *loc;
	wchar_t *w;

	*n = 0;
	if (text == NULL || *text == '\0')
		return NULL;
	loc = search_locale_begin();
	w = ui_wtext(text, n);
	search_locale_end(loc);
	return w;
}

int
filter_log_grep(struct filter_log *f, const char *text)
{
	size_t n;
	wchar_t *w;

	if ((w = wtext(text, &n)) == NULL)
		return -1;
	if (n == 0) {
		free(w);
		return -1;
	}
	free(f->grep);
	f->grep = w;
	return 0;
}

const char *
filter_party(const view *v, const char *p)
{
	const char *list[16], *found = NULL;
	size_t i, n = view_nparties(v);

	if (p == NULL)
		return NULL;
	if (n > sizeof(list) / sizeof(list[0]))
		n = sizeof(list) / sizeof(list[0]);
	for (i = 0; i < n; i++)
		list[i] = view_party(v, i);
	/* the code in any case, or a name of it in either language */
	return cparse_party(&found, p, strlen(p), list, n) == NULL ?
	    found : NULL;
}

/* hex_prefix() - 1 if a is 4 to 64 hex digits. */
static int
hex_prefix(const char *a)
{
	size_t n = strlen(a), i;

	if (n < 4 || n > 2 * KEY_PK_BYTES)
		return 0;
	for (i = 0; i < n; i++)
		if (!isxdigit((unsigned char)a[i]))
			return 0;
	return 1;
}

/* author_match() - it's author is called a, or its key starts with a. */
static int
author_match(const view_item *it, const char *a)
{
	char hex[2 * KEY_PK_BYTES + 1];

	if (it->author_name[0] != '\0' && strcmp(it->author_name, a) == 0)
		return 1;
	if (!hex_prefix(a))
		return 0;
	key_hex(hex, it->author, KEY_PK_BYTES);
	return strncasecmp(hex, a, strlen(a)) == 0;
}

int
filter_author_known(const record *r, const char *a)
{
	size_t i;

	if (hex_prefix(a))
		return 1;
	for (i = 0; i < record_nmembers(r); i++)
		if (strcmp(record_member_at(r, i)->name, a) == 0)
			return 1;
	return 0;
}

int
filter_log_match(const struct filter_log *f, const view *v, const view_item *it)
{
	if (f->meeting != 0 && it->meeting != f->meeting)
		return 0;
	if (f->kinds != 0 &&
	    (it->kind > 63 || (f->kinds & VIEW_KIND(it->kind)) == 0))
		return 0;
	if (f->party != NULL && strcmp(it->party, f->party) != 0)
		return 0;
	if (f->author != NULL && !author_match(it, f->author))
		return 0;
	if (f->has_since && it->time_ms < f->since_ms)
		return 0;
	if (f->has_until && it->time_ms > f->until_ms)
		return 0;
	if (f->grep != NULL && !search_item(v, it, f->grep))
		return 0;
	return 1;
}

void
filter_commit_init(struct filter_commit *f)
{
	memset(f, 0, sizeof(*f));
	ui_today(f->today);
}

void
filter_commit_done(struct filter_commit *f)
{
	if (f == NULL)
		return;
	free(f->owner);
	f->owner = NULL;
}

int
filter_commit_owner(struct filter_commit *f, const char *text)
{
	size_t n;
	wchar_t *w;

	if ((w = wtext(text, &n)) == NULL)
		return -1;
	free(f->owner);
	f->owner = w;
	return 0;
}

int
filter_commit_match(const struct filter_commit *f, const view_commitment *c)
{
	size_t n;
	wchar_t *w;
	void *loc;
	int hit;

	if (f->open && !view_commitment_open(c))
		return 0;
	if (f->overdue && !ui_commitment_overdue(c, f->today))
		return 0;
	if (f->party != NULL &&
	    (c->party == NULL || strcmp(c->party, f->party) != 0))
		return 0;
	if (f->owner == NULL)
		return 1;
	if ((w = wtext(c->owner, &n)) == NULL)
		return 0;
	loc = search_locale_begin();
	hit = ui_wmatch(w, n, f->owner, 0) >= 0;
	search_locale_end(loc);
	free(w);
	return hit;
}

static int
cmp_due(const void *a, const void *b)
{
	const view_commitment *x = *(const view_commitment *const *)a;
	const view_commitment *y = *(const view_commitment *const *)b;
	int dx = payload_date_valid(x->due), dy = payload_date_valid(y->due);
	int c;

	if (dx != dy)
		return dx ? -1 : 1;
	if (dx && (c = strcmp(x->due, y->due)) != 0)
		return c;
	return x->entry->index < y->entry->index ?
	    -1 :
	    x->entry->index > y->entry->index;
}

int
filter_commit_sorted(const view_commitment ***out, size_t *n, const view *v,
    const struct filter_commit *f)
{
	const view_commitment **arr;
	size_t i, k = 0, total = view_ncommitments(v);

	*out = NULL;
	*n = 0;
	if (total == 0)
		return 0;
	if ((arr = calloc(total, sizeof(*arr))) == NULL)
		return -1;
	for (i = 0; i < total; i++)
		if (filter_commit_match(f, view_commitment_at(v, i)))
			arr[k++] = view_commitment_at(v, i);
	if (k == 0) {
		free(arr);
		return 0;
	}
	qsort(arr, k, sizeof(*arr), cmp_due);
	*out = arr;
	*n = k;
	return 0;
}
