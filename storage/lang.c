/*
 * lang.c: titles and places in several languages, party names and
 * dates for people (see lang.h).  The tables are here, not in the
 * system's locale data: a date in Russian needs the genitive of the
 * month, and the machines that render the minutes (and the tests) may
 * have no ru_RU locale at all.  Both sides must render the same bytes,
 * so nothing here depends on the environment.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "../crypto/err.h"
#include "lang.h"
#include "minutes_lang.h"
#include "payload.h"
#include "vis.h"

int
lang_tag_valid(const char *l)
{
	size_t n, i;

	if (l == NULL || (n = strlen(l)) < 2 || n > 8)
		return 0;
	for (i = 0; i < n; i++)
		if (l[i] < 'a' || l[i] > 'z')
			return 0;
	return 1;
}

int
lang_map_valid(const json_t *v)
{
	const char *k;
	json_t *s;

	if (v == NULL)
		return 1;
	if (!json_is_object(v))
		return 0;
	json_object_foreach((json_t *)v, k, s)
		if (!lang_tag_valid(k) || !json_is_string(s))
			return 0;
	return 1;
}

int
lang_map_check(const json_t *v, size_t max)
{
	const char *k;
	json_t *s;
	int rc;

	if (v == NULL)
		return 0;
	if (!lang_map_valid(v) || json_object_size(v) == 0)
		return DT_EFORMAT;
	json_object_foreach((json_t *)v, k, s)
		if ((rc = vis_field_check(json_string_value(s), max)) != 0)
			return rc;
	return 0;
}

/* first_key() - the smallest key of the object o (bytes), or NULL. */
static const char *
first_key(const json_t *o)
{
	const char *k, *best = NULL;
	json_t *s;

	json_object_foreach((json_t *)o, k, s)
		if (json_is_string(s) && lang_tag_valid(k) &&
		    (best == NULL || strcmp(k, best) < 0))
			best = k;
	return best;
}

const char *
lang_pick(const json_t *p, const char *k, const char *mapk,
    const char *lang, const char **tag)
{
	const json_t *map = json_object_get(p, mapk);
	const char *typed = json_string_value(json_object_get(p, k));
	const char *s, *key;
	json_t *v;

	if (tag != NULL)
		*tag = NULL;
	if (!json_is_object(map) || json_object_size(map) == 0)
		return typed;
	if (lang != NULL &&
	    (s = json_string_value(json_object_get(map, lang))) != NULL)
		return s;
	if (typed != NULL) {
		/* as typed: its language, if the map names it (the first
		 * such tag in byte order, whatever the object's order) */
		json_object_foreach((json_t *)map, key, v)
			if (lang_tag_valid(key) && json_is_string(v) &&
			    strcmp(json_string_value(v), typed) == 0 &&
			    tag != NULL && (*tag == NULL ||
			    strcmp(key, *tag) < 0))
				*tag = key;
		return typed;
	}
	if ((key = first_key(map)) == NULL)
		return NULL;
	if (tag != NULL)
		*tag = key;
	return json_string_value(json_object_get(map, key));
}

/*
 * The parties' names in English, by their codes: the codes of the
 * dialogue detente was made for; another dialogue's codes have no name
 * and are shown as they are.  The Russian of each name, and of each
 * month (in the genitive, as in a date: «7 декабря»), is the pair in
 * the minutes' frame table (minutes_lang.c; docs/FORMAT.md section 13
 * lists it), so that one table holds every Russian word the minutes
 * write.
 */
static const struct party_name {
	const char *code, *en;
} parties[] = {
	{ "RU", "Russian Federation" },
	{ "US", "United States of America" },
};

static const char *const months[12] = { "January", "February", "March",
	"April", "May", "June", "July", "August", "September", "October",
	"November", "December" };

/* in() - en, or its Russian from the frame table for lang "ru". */
static const char *
in(const char *en, const char *lang)
{
	const char *ru;

	if (lang == NULL || strcmp(lang, "ru") != 0 ||
	    (ru = minutes_ru(en)) == NULL)
		return en;
	return ru;
}

const char *
lang_party(const char *code, const char *lang)
{
	size_t i;

	if (code == NULL)
		return NULL;
	for (i = 0; i < sizeof(parties) / sizeof(parties[0]); i++)
		if (strcmp(parties[i].code, code) == 0)
			return in(parties[i].en, lang);
	return NULL;
}

const char *
lang_date(char *out, size_t outlen, const char *ymd, const char *lang)
{
	int y, m, d;

	if (outlen == 0)
		return out;
	if (ymd == NULL || !payload_date_valid(ymd) ||
	    sscanf(ymd, "%4d-%2d-%2d", &y, &m, &d) != 3) {
		snprintf(out, outlen, "%s", ymd != NULL ? ymd : "");
		return out;
	}
	if (lang != NULL && strcmp(lang, "ru") == 0)
		snprintf(out, outlen, "%d %s %d г.", d, in(months[m - 1], lang),
		    y);
	else
		snprintf(out, outlen, "%d %s %d", d, months[m - 1], y);
	return out;
}
