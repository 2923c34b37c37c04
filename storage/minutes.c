/*
 * minutes.c: the minutes of a meeting (see minutes.h).
 *
 * Three steps: the scope (which entries the minutes cover, read from the
 * store's references), the model (a JSON object built from the view's
 * entries in scope, in merged order), and the printing of that model:
 * its dump as JSON here, Markdown in minutes_md.c, plain text in
 * minutes_txt.c, HTML in minutes_html.c (what they share: minutes_print.c
 * and minutes_print.h).  Everything the minutes say is in the model, so
 * the formats cannot disagree.
 *
 * Determinism: the model reads the entries' payloads, hashes, authors,
 * clocks and claimed times, and nothing else; times are formatted here
 * with integer arithmetic (no gmtime, no locale); JSON is dumped with
 * sorted keys; no text depends on the process's locale, clock or paths.
 */
#include <stdint.h>
#include <stdio.h>
#ifdef __GLIBC__
#include <stdio_ext.h>
#endif
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "../crypto/err.h"
#include "../crypto/keys.h"
#include "../crypto/merkle.h"
#include "entry.h"
#include "halves.h"
#include "lang.h"
#include "minutes.h"
#include "minutes_lang.h"
#include "minutes_print.h"
#include "payload.h"
#include "record.h"
#include "store.h"
#include "view.h"
#include "vis.h"

#define COMMENT_MAGIC "detente minutes"
/* Corrections of corrections are followed this deep, no deeper. */
#define CORR_DEPTH 16
#define MAX_LANGS 32U
/* Pieces of the agenda (records, mostly): fewer are not worth a thread. */
#define TWO_MIN 512U

/* --- small helpers ---------------------------------------------------- */

const char *
minutes_format_name(minutes_format fmt)
{
	switch (fmt) {
	case MINUTES_MD:
		return "md";
	case MINUTES_TXT:
		return "txt";
	case MINUTES_JSON:
		return "json";
	case MINUTES_HTML:
		return "html";
	}
	return NULL;
}

minutes_format
minutes_format_parse(const char *name)
{
	if (name == NULL)
		return (minutes_format)0;
	if (strcmp(name, "md") == 0)
		return MINUTES_MD;
	if (strcmp(name, "txt") == 0)
		return MINUTES_TXT;
	if (strcmp(name, "json") == 0)
		return MINUTES_JSON;
	if (strcmp(name, "html") == 0)
		return MINUTES_HTML;
	return (minutes_format)0;
}

int
minutes_lang_valid(const char *lang)
{
	size_t n, i;

	if (lang == NULL)
		return 0;
	if (strcmp(lang, "both") == 0)
		return 1;
	n = strlen(lang);
	if (n < 2 || n > 8)
		return 0;
	for (i = 0; i < n; i++)
		if (lang[i] < 'a' || lang[i] > 'z')
			return 0;
	return 1;
}

/*
 * civil() - the proleptic Gregorian date of a count of days since
 * 1970-01-01 (H. Hinnant's days_from_civil, inverted), with integer
 * arithmetic only, so that every platform prints the same date.
 */
static void
civil(long long days, long long *y, unsigned *m, unsigned *d)
{
	long long z = days + 719468, era, yy;
	unsigned long long doe, yoe, doy, mp;

	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned long long)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	yy = (long long)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y = yy + (*m <= 2);
}

/* iso_time() - "YYYY-MM-DDTHH:MM:SS.mmmZ" of a Unix time in ms (UTC). */
static void
iso_time(char out[48], uint64_t ms)
{
	unsigned long long s = ms / 1000U, sod = s % 86400U;
	long long y;
	unsigned m, d;

	civil((long long)(s / 86400U), &y, &m, &d);
	snprintf(out, 48, "%04lld-%02u-%02uT%02llu:%02llu:%02llu.%03uZ", y, m,
	    d, sod / 3600U, sod / 60U % 60U, sod % 60U, (unsigned)(ms % 1000U));
}

/* minutes_short_time(): see minutes_print.h. */
void
minutes_short_time(char out[48], const char *iso)
{
	const char *t = iso != NULL ? strchr(iso, 'T') : NULL;

	if (t == NULL || strlen(t) < 6) {
		snprintf(out, 48, "%s", iso != NULL ? iso : "");
		return;
	}
	snprintf(out, 48, "%.*s %.5sZ", (int)(t - iso), iso, t + 1);
}

/* --- scope ------------------------------------------------------------ */

/* What the walk over a feed's entries needs. */
struct cut {
	unsigned char (*authors)[KEY_PK_BYTES]; /* distinct, ascending */
	size_t n;
	uint64_t *front; /* per author: entries in scope so far */
	uint64_t *done; /* per author: entries whose refs are read */
	size_t cur; /* the author being walked */
	uint64_t next; /* the seq expected next */
	int err;
};

static int
cmp_pk(const void *a, const void *b)
{
	return memcmp(a, b, KEY_PK_BYTES);
}

static long
author_index(const struct cut *c, const unsigned char *pk)
{
	const unsigned char(*p)[KEY_PK_BYTES] =
	    bsearch(pk, c->authors, c->n, KEY_PK_BYTES, cmp_pk);

	return p != NULL ? (long)(p - c->authors) : -1;
}

/* cut_cb() - store_scan_feed_raw() callback: one entry's references. */
static int
cut_cb(void *ctx, const unsigned char key[STORE_KEY_BYTES],
    const unsigned char *bytes, size_t len,
    const unsigned char hash[ENTRY_HASH_BYTES])
{
	struct cut *c = ctx;
	entry_ref ref;
	entry e;
	unsigned i;
	long b;

	(void)key;
	(void)hash;
	if (c->next >= c->front[c->cur])
		return 1; /* past the scope of this feed: stop */
	if (entry_parse(&e, bytes, len) != 0 || e.seq != c->next ||
	    memcmp(e.author, c->authors[c->cur], KEY_PK_BYTES) != 0)
		return c->err = DT_ECORRUPT;
	for (i = 0; i < e.nrefs; i++) {
		entry_ref_get(&ref, &e, i);
		if ((b = author_index(c, ref.author)) < 0)
			return c->err = DT_ECORRUPT;
		if (c->front[b] < ref.seq + 1)
			c->front[b] = ref.seq + 1;
	}
	c->next++;
	return 0;
}

/* cut_authors() - the distinct authors of v's entries, ascending. */
static int
cut_authors(struct cut *c, const view *v)
{
	size_t n = view_nitems(v), i, k = 0;

	if (n == 0)
		return 0;
	if ((c->authors = malloc(n * KEY_PK_BYTES)) == NULL)
		return DT_ENOMEM;
	for (i = 0; i < n; i++)
		memcpy(c->authors[i], view_item_at(v, i)->author, KEY_PK_BYTES);
	qsort(c->authors, n, KEY_PK_BYTES, cmp_pk);
	for (i = 0; i < n; i++)
		if (k == 0 ||
		    memcmp(c->authors[k - 1], c->authors[i], KEY_PK_BYTES) != 0)
			memmove(c->authors[k++], c->authors[i], KEY_PK_BYTES);
	c->n = k;
	if ((c->front = calloc(k, sizeof(*c->front))) == NULL ||
	    (c->done = calloc(k, sizeof(*c->done))) == NULL)
		return DT_ENOMEM;
	return 0;
}

/*
 * causal_past() - fill c->front with the causal past of the entry
 * (author, seq): walk each feed from where the last walk stopped to its
 * front, raising the fronts its references name, until no front moves.
 * Each entry is read once, in one read transaction.
 */
static int
causal_past(struct cut *c, record *r, const unsigned char *author, uint64_t seq)
{
	store_txn *t = NULL;
	long a = author_index(c, author);
	size_t i;
	int rc, moved = 1;

	if (a < 0)
		return DT_ECORRUPT;
	/* a second call adds its entry's past to what is there */
	if (c->front[a] < seq + 1)
		c->front[a] = seq + 1;
	if ((rc = store_txn_begin(&t, record_store(r), 0)) != 0)
		return rc;
	while (moved && rc == 0) {
		moved = 0;
		for (i = 0; i < c->n && rc == 0; i++) {
			if (c->done[i] >= c->front[i])
				continue;
			moved = 1;
			c->cur = i;
			c->next = c->done[i];
			c->err = 0;
			/* references only: no need to hash the entries */
			rc = store_scan_feed_raw(t, c->authors[i], c->done[i],
			    cut_cb, c);
			if (rc == 1)
				rc = 0;
			if (rc == 0 && c->err != 0)
				rc = c->err;
			/* The feed must hold every entry up to its front. */
			if (rc == 0 && c->next < c->front[i])
				rc = DT_ECORRUPT;
			c->done[i] = c->next;
		}
	}
	store_txn_abort(t);
	return rc;
}

int
minutes_scope_get(minutes_scope *out, record *r, const view *v, int64_t meeting)
{
	const view_meeting *m;
	struct cut c;
	size_t i, k;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&c, 0, sizeof(c));
	if ((m = view_meeting_find(v, meeting)) == NULL)
		return DT_ENOENT;
	out->meeting = meeting;
	if ((rc = cut_authors(&c, v)) != 0)
		goto out;
	if (m->close == NULL) {
		out->draft = 1;
		for (i = 0; i < view_nitems(v); i++) {
			const view_item *it = view_item_at(v, i);
			long a = author_index(&c, it->author);

			if (a >= 0 && c.front[a] < it->seq + 1)
				c.front[a] = it->seq + 1;
		}
	} else {
		/*
		 * Closed by every party: the union of the pasts of every
		 * close of the meeting, not only of each party's first.  Two
		 * laptops of one side may close at once (neither close is in
		 * the other's past, so neither is late); what each wrote
		 * before its own close belongs to the minutes, whichever
		 * close comes first in merged order.  A close that is late
		 * (written after its side's close) counts for nothing.
		 */
		out->close = m->close;
		for (i = 0; i < view_nitems(v); i++) {
			const view_item *it = view_item_at(v, i);

			if (it->kind != ENTRY_K_MEETING_CLOSE ||
			    it->payload == NULL || it->late ||
			    it->meeting != meeting)
				continue;
			if ((rc = causal_past(&c, r, it->author, it->seq)) != 0)
				goto out;
		}
	}
	if (c.n > 0 &&
	    (out->feeds = calloc(c.n, sizeof(*out->feeds))) == NULL) {
		rc = DT_ENOMEM;
		goto out;
	}
	for (i = k = 0; i < c.n; i++) {
		if (c.front[i] == 0)
			continue;
		memcpy(out->feeds[k].author, c.authors[i], KEY_PK_BYTES);
		out->feeds[k++].size = c.front[i];
	}
	out->nfeeds = k;
	/* Every entry in scope must be in the view. */
	for (i = 0; i < view_nitems(v); i++)
		if (minutes_in_scope(out, view_item_at(v, i)))
			out->nentries++;
	for (i = 0, k = 0; i < out->nfeeds; i++)
		k += (size_t)out->feeds[i].size;
	if (k != out->nentries)
		rc = DT_ECORRUPT;
out:
	free(c.authors);
	free(c.front);
	free(c.done);
	if (rc != 0)
		minutes_scope_done(out);
	return rc;
}

void
minutes_scope_done(minutes_scope *s)
{
	if (s == NULL)
		return;
	free(s->feeds);
	memset(s, 0, sizeof(*s));
}

static int
cmp_feed(const void *k, const void *b)
{
	const minutes_feed *f = b;

	return memcmp(k, f->author, KEY_PK_BYTES);
}

int
minutes_in_scope(const minutes_scope *s, const view_item *it)
{
	const minutes_feed *f;

	if (s == NULL || it == NULL || s->nfeeds == 0)
		return 0;
	f = bsearch(it->author, s->feeds, s->nfeeds, sizeof(*s->feeds),
	    cmp_feed);
	return f != NULL && it->seq < f->size;
}

/* --- the model -------------------------------------------------------- */

/* A member, as the control entries in scope name it. */
struct person {
	char key[2 * KEY_PK_BYTES + 1];
	const char *name;
	const char *party;
	const char *role;
	int state; /* 0 unknown, 1 present, 2 absent */
};

/* What building the model needs, over one view and one scope. */
struct mb {
	const view *v;
	const minutes_scope *s;
	const view_meeting *m;
	const char *lang;
	int both;
	size_t n; /* items in the view */
	unsigned char *in; /* per item: in scope */
	unsigned char *shown; /* per item: rendered somewhere */
	const view_item **status; /* per item: latest status of it */
	long *agenda_pos; /* per item: its place in the agenda */
	struct person *people;
	size_t npeople;
	const view_item *genesis;
	char langs[MAX_LANGS][MINUTES_LANG_BYTES]; /* in the order met */
	size_t nlangs;
	int two; /* a second core: the bulk on two threads */
	struct place *placed; /* the records, in merged order */
	size_t nplaced;
	size_t half; /* of them, made (and freed) by the first half */
	/*
	 * Values the model repeats for every record, made before it and
	 * shared (a reference each): the model is read only once built.
	 * Each of records_json()'s halves has copies of its own.
	 */
	json_t *empty; /* [] */
	json_t *kinds[256]; /* entry_kind_name(), by kind */
	struct author_strs *authors; /* name and party, by author */
	size_t nauthors;
	int err;
};

/* Where in the model a record is. */
struct place {
	json_t *list;
	size_t at;
};

/* The JSON strings of one author's name and party. */
struct author_strs {
	unsigned char pk[KEY_PK_BYTES];
	json_t *name;
	json_t *party; /* a string, or null */
};

/* put() - obj[key] = val (stolen); a NULL val or failure sets mb->err. */
static void
put(struct mb *mb, json_t *obj, const char *key, json_t *val)
{
	if (val == NULL || obj == NULL ||
	    json_object_set_new(obj, key, val) != 0)
		mb->err = DT_ENOMEM;
}

static void
push(struct mb *mb, json_t *arr, json_t *val)
{
	if (val == NULL || arr == NULL || json_array_append_new(arr, val) != 0)
		mb->err = DT_ENOMEM;
}

/* jstr() - a JSON string, or null for NULL. */
static json_t *
jstr(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

/*
 * jmap() - a copy of it's map field ("titles", "places": lang.h) with
 * only its well-formed members, or null when it has none.
 */
static json_t *
jmap(const view_item *it, const char *field)
{
	const json_t *m = it != NULL ? json_object_get(it->payload, field) :
				       NULL;
	json_t *o, *v;
	const char *k;

	if (!json_is_object(m) || (o = json_object()) == NULL)
		return json_null();
	json_object_foreach((json_t *)m, k, v)
		if (lang_tag_valid(k) && json_is_string(v))
			json_object_set_new(o, k, json_string(
			    json_string_value(v)));
	if (json_object_size(o) == 0) {
		json_decref(o);
		return json_null();
	}
	return o;
}

static const char *
pstr(const view_item *it, const char *field)
{
	return it != NULL ?
	    json_string_value(json_object_get(it->payload, field)) :
	    NULL;
}

static int
in_scope(const struct mb *mb, const view_item *it)
{
	return it != NULL && it->index < mb->n && mb->in[it->index];
}

/*
 * note_lang() - remember that lang is present in the minutes: the first
 * MAX_LANGS languages met, in the order met (model() sorts them), so
 * that two halves of the records met on two threads can be told again
 * in order, first the one half's, then the other's.
 */
static void
note_lang(struct mb *mb, const char *lang)
{
	size_t i;

	if (!minutes_lang_valid(lang) || strcmp(lang, "both") == 0)
		return;
	for (i = 0; i < mb->nlangs; i++)
		if (strcmp(mb->langs[i], lang) == 0)
			return;
	if (mb->nlangs == MAX_LANGS)
		return;
	snprintf(mb->langs[mb->nlangs++], MINUTES_LANG_BYTES, "%s", lang);
}

static int
cmp_lang(const void *a, const void *b)
{
	return strcmp(a, b);
}

/*
 * text_json() - the versions of it's "text" that the minutes show: with
 * "both", every version, sorted by language tag (stable); with a tag, the
 * version in that language, else the authentic one, else the first.
 * Each as {"body", "lang", "role"}.  NULL-free: an entry without text
 * gives an empty array.  The versions are it's own, shared (a reference
 * taken, not a copy): the model is read only and freed before the view.
 */
static json_t *
text_json(struct mb *mb, const view_item *it)
{
	const json_t *list = json_object_get(it->payload, "text"), *t;
	const json_t *pick = NULL, *auth = NULL, *first = NULL;
	json_t *out = json_array(), *o;
	size_t i, j, k;

	if (out == NULL) {
		mb->err = DT_ENOMEM;
		return NULL;
	}
	if (!json_is_array(list))
		return out;
	json_array_foreach (list, i, t) {
		const char *l = json_string_value(json_object_get(t, "lang"));
		const char *r = json_string_value(json_object_get(t, "role"));

		if (l == NULL ||
		    json_string_value(json_object_get(t, "body")) == NULL)
			continue;
		note_lang(mb, l);
		if (first == NULL)
			first = t;
		if (auth == NULL && r != NULL && strcmp(r, "authentic") == 0)
			auth = t;
		if (pick == NULL && !mb->both && strcmp(l, mb->lang) == 0)
			pick = t;
	}
	if (!mb->both) {
		if (pick == NULL)
			pick = auth != NULL ? auth : first;
		if (pick != NULL)
			push(mb, out, json_incref((json_t *)pick));
		return out;
	}
	json_array_foreach (list, i, t) {
		const char *l = json_string_value(json_object_get(t, "lang"));

		if (l == NULL ||
		    json_string_value(json_object_get(t, "body")) == NULL)
			continue;
		/* insertion: after every version whose tag is <= l */
		k = json_array_size(out);
		for (j = 0; j < json_array_size(out); j++) {
			const char *x = json_string_value(
			    json_object_get(json_array_get(out, j), "lang"));

			if (strcmp(x, l) > 0) {
				k = j;
				break;
			}
		}
		if ((o = json_incref((json_t *)t)) == NULL ||
		    json_array_insert_new(out, k, o) != 0)
			mb->err = DT_ENOMEM;
	}
	return out;
}

/* author_name() - the author's name, or 16 hex digits of a non-member. */
static void
author_name(char out[KEY_NAME_MAX + 1], const view_item *it)
{
	if (it->author_name[0] != '\0')
		snprintf(out, KEY_NAME_MAX + 1, "%s", it->author_name);
	else
		key_hex(out, it->author, 8);
}

/*
 * author_strs() - the shared name and party strings of it's author (the
 * view gives every entry of one author the same), or NULL when there
 * are none: index_scope() makes them for every author of the view.
 */
static const struct author_strs *
author_strs(const struct mb *mb, const view_item *it)
{
	size_t i;

	for (i = 0; i < mb->nauthors; i++)
		if (memcmp(mb->authors[i].pk, it->author, KEY_PK_BYTES) == 0)
			return &mb->authors[i];
	return NULL;
}

/* author_add() - make the shared strings of it's author, once. */
static void
author_add(struct mb *mb, const view_item *it)
{
	char name[KEY_NAME_MAX + 1];
	struct author_strs *a;

	if (author_strs(mb, it) != NULL)
		return;
	a = realloc(mb->authors, (mb->nauthors + 1) * sizeof(*a));
	if (a == NULL) {
		mb->err = DT_ENOMEM;
		return;
	}
	mb->authors = a;
	a = &mb->authors[mb->nauthors];
	author_name(name, it);
	memcpy(a->pk, it->author, KEY_PK_BYTES);
	a->name = json_string(name);
	a->party = jstr(it->party[0] != '\0' ? it->party : NULL);
	if (a->name == NULL || a->party == NULL) {
		json_decref(a->name);
		json_decref(a->party);
		mb->err = DT_ENOMEM;
		return;
	}
	mb->nauthors++;
}

/* shared() - a new reference to v, or NULL. */
static json_t *
shared(json_t *v)
{
	return v != NULL ? json_incref(v) : NULL;
}

/* kind_json() - the kind's name, shared (index_scope() made it). */
static json_t *
kind_json(const struct mb *mb, unsigned kind)
{
	return shared(mb->kinds[kind & 0xffU]);
}

/* empty_json() - an empty array, shared: never appended to. */
static json_t *
empty_json(const struct mb *mb)
{
	return shared(mb->empty);
}

/*
 * shared_copy() - give to a copy of src shared values of its own, for a
 * thread of its own: two threads must not count the references of one
 * value at once (jansson counts atomically, but reads the count first
 * to tell its immortal values).
 */
static void
shared_copy(struct mb *dst, const struct mb *src)
{
	const struct author_strs *a;
	size_t i;

	dst->empty = json_array();
	for (i = 0; i < 256; i++)
		dst->kinds[i] = src->kinds[i] != NULL ?
		    json_string(json_string_value(src->kinds[i])) : NULL;
	dst->nauthors = 0;
	if ((dst->authors = calloc(src->nauthors + 1,
	    sizeof(*dst->authors))) == NULL) {
		dst->err = DT_ENOMEM;
		return;
	}
	for (i = 0; i < src->nauthors; i++) {
		a = &src->authors[i];
		memcpy(dst->authors[i].pk, a->pk, KEY_PK_BYTES);
		dst->authors[i].name = json_string(json_string_value(a->name));
		dst->authors[i].party = jstr(json_string_value(a->party));
		dst->nauthors++;
		if (dst->authors[i].name == NULL ||
		    dst->authors[i].party == NULL)
			dst->err = DT_ENOMEM;
	}
	if (dst->empty == NULL)
		dst->err = DT_ENOMEM;
	for (i = 0; i < 256; i++)
		if (src->kinds[i] != NULL && dst->kinds[i] == NULL)
			dst->err = DT_ENOMEM;
}

/* shared_free() - let go of mb's references to its shared values. */
static void
shared_free(struct mb *mb)
{
	size_t i;

	json_decref(mb->empty);
	for (i = 0; i < 256; i++)
		json_decref(mb->kinds[i]);
	for (i = 0; i < mb->nauthors; i++) {
		json_decref(mb->authors[i].name);
		json_decref(mb->authors[i].party);
	}
	free(mb->authors);
}

/* ref_fields() - "entry", "author", "party", "time" of it, into o. */
static void
ref_fields(struct mb *mb, json_t *o, const view_item *it)
{
	const struct author_strs *a = author_strs(mb, it);
	char t[48];

	iso_time(t, it->time_ms);
	put(mb, o, "entry", json_string(it->hex));
	put(mb, o, "author", a != NULL ? shared(a->name) : NULL);
	put(mb, o, "party", a != NULL ? shared(a->party) : NULL);
	put(mb, o, "time", json_string(t));
}

/*
 * endorsed_json() - the parties whose head endorsed it within the scope,
 * in genesis order, and whether that is every party.
 */
static json_t *
endorsed_json(struct mb *mb, const view_item *it, int *agreed)
{
	json_t *arr;
	size_t p, j, np = view_nparties(mb->v);

	*agreed = 0;
	if (it->nendorsements == 0)
		return empty_json(mb);
	if ((arr = json_array()) == NULL) {
		mb->err = DT_ENOMEM;
		return NULL;
	}
	for (p = 0; p < np; p++) {
		const char *party = view_party(mb->v, p);

		for (j = 0; j < it->nendorsements; j++) {
			const view_item *e = it->endorsements[j];

			if (in_scope(mb, e) && e->role == RECORD_ROLE_HEAD &&
			    strcmp(e->party, party) == 0) {
				push(mb, arr, json_string(party));
				break;
			}
		}
	}
	*agreed = np > 0 && json_array_size(arr) == np;
	return arr;
}

static json_t *corrections_json(struct mb *mb, const view_item *it, int depth);

/* correction_json() - one correction, its endorsements and corrections. */
static json_t *
correction_json(struct mb *mb, const view_item *c, int depth)
{
	json_t *o = json_object();
	int agreed;

	mb->shown[c->index] = 1;
	ref_fields(mb, o, c);
	put(mb, o, "kind", json_string("correction"));
	put(mb, o, "text", text_json(mb, c));
	put(mb, o, "endorsed_by", endorsed_json(mb, c, &agreed));
	put(mb, o, "agreed", json_boolean(agreed));
	put(mb, o, "corrections", corrections_json(mb, c, depth + 1));
	return o;
}

/* corrections_json() - the corrections of it in scope, merged order. */
static json_t *
corrections_json(struct mb *mb, const view_item *it, int depth)
{
	json_t *arr;
	size_t j;

	if (it->ncorrections == 0 || depth > CORR_DEPTH)
		return empty_json(mb);
	if ((arr = json_array()) == NULL) {
		mb->err = DT_ENOMEM;
		return NULL;
	}
	for (j = 0; j < it->ncorrections; j++)
		if (in_scope(mb, it->corrections[j]))
			push(mb, arr,
			    correction_json(mb, it->corrections[j], depth));
	return arr;
}

/* state_of() - the latest status in scope of a commitment, or "open". */
static const char *
state_of(const struct mb *mb, const view_item *it)
{
	const char *s = pstr(mb->status[it->index], "state");

	return s != NULL ? s : "open";
}

/* record_json() - a note, statement, proposal, decision or commitment. */
static json_t *
record_json(struct mb *mb, const view_item *it)
{
	json_t *o = json_object(), *c;
	int agreed;

	mb->shown[it->index] = 1;
	ref_fields(mb, o, it);
	put(mb, o, "kind", kind_json(mb, it->kind));
	put(mb, o, "text", text_json(mb, it));
	if (it->kind == ENTRY_K_STATEMENT)
		put(mb, o, "position_of", jstr(pstr(it, "party")));
	if (it->kind == ENTRY_K_COMMITMENT) {
		c = json_object();
		put(mb, c, "party", jstr(pstr(it, "party")));
		put(mb, c, "owner", jstr(pstr(it, "owner")));
		put(mb, c, "due", jstr(pstr(it, "due")));
		put(mb, c, "status", json_string(state_of(mb, it)));
		put(mb, o, "commitment", c);
	}
	put(mb, o, "endorsed_by", endorsed_json(mb, it, &agreed));
	put(mb, o, "agreed", json_boolean(agreed));
	put(mb, o, "corrections", corrections_json(mb, it, 0));
	return o;
}

static int
is_record_kind(unsigned kind)
{
	return kind == ENTRY_K_NOTE || kind == ENTRY_K_STATEMENT ||
	    kind == ENTRY_K_PROPOSAL || kind == ENTRY_K_DECISION ||
	    kind == ENTRY_K_COMMITMENT;
}

/*
 * index_scope() - which entries are in scope, the genesis, and the latest
 * status in scope of every agenda item and commitment; and the values
 * the records share (every author's, the kinds' names, []).
 */
static void
index_scope(struct mb *mb)
{
	static const unsigned named[] = { ENTRY_K_NOTE, ENTRY_K_STATEMENT,
		ENTRY_K_PROPOSAL, ENTRY_K_DECISION, ENTRY_K_COMMITMENT,
		ENTRY_K_CHECKPOINT, ENTRY_K_SEAL };
	size_t i;

	if ((mb->empty = json_array()) == NULL)
		mb->err = DT_ENOMEM;
	for (i = 0; i < sizeof(named) / sizeof(*named); i++)
		if ((mb->kinds[named[i]] = json_string(entry_kind_name(
		    named[i]))) == NULL)
			mb->err = DT_ENOMEM;
	for (i = 0; i < mb->n; i++) {
		const view_item *it = view_item_at(mb->v, i);

		author_add(mb, it);
		/*
		 * a late entry is kept in the record, not in the minutes; an
		 * internal note is in no joint minutes, read or not
		 */
		mb->in[i] = (unsigned char)(minutes_in_scope(mb->s, it) &&
		    !it->late && !view_item_internal(it));
		mb->agenda_pos[i] = -1;
		/* The genesis names the dialogue, in scope or not. */
		if (it->kind == ENTRY_K_GENESIS && it->payload != NULL &&
		    mb->genesis == NULL)
			mb->genesis = it;
		if (!mb->in[i] || it->payload == NULL)
			continue;
		/* statuses in merged order: the last one in scope wins */
		if ((it->kind == ENTRY_K_AGENDA_STATUS && it->target != NULL &&
			it->target->kind == ENTRY_K_AGENDA) ||
		    (it->kind == ENTRY_K_COMMITMENT_STATUS &&
			it->target != NULL &&
			it->target->kind == ENTRY_K_COMMITMENT))
			mb->status[it->target->index] = it;
	}
}

/* --- participants ----------------------------------------------------- */

static struct person *
person_find(struct mb *mb, const char *key)
{
	size_t i;

	for (i = 0; key != NULL && i < mb->npeople; i++)
		if (strcmp(mb->people[i].key, key) == 0)
			return &mb->people[i];
	return NULL;
}

static void
person_add(struct mb *mb, const char *key, const char *name, const char *party,
    const char *role)
{
	struct person *p;

	if (key == NULL || strlen(key) != 2 * KEY_PK_BYTES ||
	    person_find(mb, key) != NULL)
		return;
	p = realloc(mb->people, (mb->npeople + 1) * sizeof(*p));
	if (p == NULL) {
		mb->err = DT_ENOMEM;
		return;
	}
	mb->people = p;
	p = &mb->people[mb->npeople++];
	memset(p, 0, sizeof(*p));
	memcpy(p->key, key, 2 * KEY_PK_BYTES + 1);
	p->name = name != NULL ? name : "";
	p->party = party != NULL ? party : "";
	p->role = role != NULL ? role : "";
}

/*
 * members() - the members as the control entries in scope leave them:
 * the genesis members, then every member-add, in merged order, leaving
 * out those removed before the meeting opened.
 */
static void
members(struct mb *mb)
{
	const json_t *list, *m;
	uint64_t opened = mb->m->open != NULL ? mb->m->open->clock : 0;
	size_t i, j, k;

	if (mb->genesis != NULL) {
		list = json_object_get(mb->genesis->payload, "members");
		json_array_foreach (list, j, m)
			person_add(mb,
			    json_string_value(json_object_get(m, "key")),
			    json_string_value(json_object_get(m, "name")),
			    json_string_value(json_object_get(m, "party")),
			    json_string_value(json_object_get(m, "role")));
	}
	for (i = 0; i < mb->n; i++) {
		const view_item *it = view_item_at(mb->v, i);

		if (mb->in[i] && it->payload != NULL &&
		    it->kind == ENTRY_K_MEMBER_ADD)
			person_add(mb, pstr(it, "key"), pstr(it, "name"),
			    pstr(it, "party"), pstr(it, "role"));
	}
	for (i = 0; i < mb->n; i++) {
		const view_item *it = view_item_at(mb->v, i);
		struct person *p;

		if (!mb->in[i] || it->payload == NULL ||
		    it->kind != ENTRY_K_MEMBER_REMOVE || it->clock >= opened ||
		    (p = person_find(mb, pstr(it, "key"))) == NULL)
			continue;
		k = (size_t)(p - mb->people);
		memmove(p, p + 1, (mb->npeople - k - 1) * sizeof(*p));
		mb->npeople--;
	}
}

static json_t *
person_json(struct mb *mb, const struct person *p)
{
	json_t *o = json_object();

	put(mb, o, "key", json_string(p->key));
	put(mb, o, "name", json_string(p->name));
	put(mb, o, "role", json_string(p->role));
	return o;
}

/*
 * participants_json() - attendance by party, in genesis order, as the
 * meeting's attendance entries in scope record it (FORMAT.md section 13):
 * a party has recorded attendance when a member of that party wrote an
 * attendance entry of the meeting; each member of the party is present
 * or absent as the last such entry that lists it says, and members it
 * never lists are in neither list.  Only an entry's own party counts
 * (listing another party's member breaks a rule of section 7, and is
 * ignored here).  For every party, "wrote" names the members who wrote
 * entries of the meeting, which is what the record shows without
 * attendance, and calls no one absent.
 */
static json_t *
participants_json(struct mb *mb)
{
	json_t *o = json_object(), *parties = json_array(), *g;
	const json_t *list, *k;
	char hex[2 * KEY_PK_BYTES + 1];
	size_t i, j, p, np = view_nparties(mb->v);
	unsigned char *wrote = NULL;
	int *recorded = NULL;

	members(mb);
	if ((recorded = calloc(np + 1, sizeof(*recorded))) == NULL ||
	    (wrote = calloc(mb->npeople + 1, 1)) == NULL) {
		mb->err = DT_ENOMEM;
		goto out;
	}
	for (i = 0; i < mb->n; i++) {
		const view_item *it = view_item_at(mb->v, i);
		struct person *au, *pp;
		int st;

		if (!mb->in[i] || it->meeting != mb->s->meeting)
			continue;
		key_hex(hex, it->author, KEY_PK_BYTES);
		if ((au = person_find(mb, hex)) == NULL)
			continue;
		wrote[au - mb->people] = 1;
		if (it->payload == NULL || it->kind != ENTRY_K_ATTENDANCE)
			continue;
		for (p = 0; p < np; p++)
			if (strcmp(au->party, view_party(mb->v, p)) == 0)
				recorded[p] = 1;
		for (st = 1; st <= 2; st++) {
			list = json_object_get(it->payload,
			    st == 1 ? "present" : "absent");
			json_array_foreach (list, j, k) {
				pp = person_find(mb, json_string_value(k));
				if (pp != NULL &&
				    strcmp(pp->party, au->party) == 0)
					pp->state = st;
			}
		}
	}
	for (p = 0; p < np; p++) {
		const char *party = view_party(mb->v, p);
		json_t *present = json_array(), *absent = json_array();
		json_t *w = json_array();

		for (i = 0; i < mb->npeople; i++) {
			const struct person *pp = &mb->people[i];

			if (strcmp(pp->party, party) != 0)
				continue;
			if (pp->state == 1)
				push(mb, present, person_json(mb, pp));
			else if (pp->state == 2)
				push(mb, absent, person_json(mb, pp));
			if (wrote[i])
				push(mb, w, person_json(mb, pp));
		}
		g = json_object();
		put(mb, g, "party", jstr(party));
		put(mb, g, "recorded", json_boolean(recorded[p]));
		put(mb, g, "present", present);
		put(mb, g, "absent", absent);
		put(mb, g, "wrote", w);
		push(mb, parties, g);
	}
out:
	free(recorded);
	free(wrote);
	put(mb, o, "parties", parties);
	return o;
}

/* --- two threads ------------------------------------------------------ */

/*
 * The bulk of the minutes of a long meeting is its records: agenda_json()
 * makes them, minutes_render() renders (or dumps) them and frees them,
 * each in two halves at once when there is a second core.  What the
 * halves share is read only while they run (the view, the model), or
 * written in places of their own (a record's "shown", its slot in its
 * list); the values records share are each half's own (shared_copy()).
 */

/* --- agenda, records, commitments ----------------------------------- */

/* is_record() - whether it is one of the meeting's records, in scope. */
static int
is_record(const struct mb *mb, const view_item *it)
{
	return mb->in[it->index] && it->payload != NULL &&
	    it->meeting == mb->s->meeting && is_record_kind(it->kind);
}

/*
 * Half of the records, made on a thread of its own: with a copy of the
 * model's state, for errors and languages of its own.
 */
struct half {
	struct mb mb;
	size_t from, to;             /* items */
	json_t **made;               /* per item: its record, or NULL */
};

static void *
records_half(void *arg)
{
	struct half *h = arg;
	size_t i;

	for (i = h->from; i < h->to && h->mb.err == 0; i++)
		if (is_record(&h->mb, view_item_at(h->mb.v, i)))
			h->made[i] = record_json(&h->mb,
			    view_item_at(h->mb.v, i));
	return NULL;
}

/*
 * records_json() - the meeting's records in scope, each in made[] at its
 * item's index, in two halves of as many records each.
 */
static void
records_json(struct mb *mb, json_t **made)
{
	struct half h[2];
	size_t i, j, n = 0, k = 0;

	for (i = 0; i < mb->n; i++)
		n += is_record(mb, view_item_at(mb->v, i));
	for (i = 0; i < 2; i++) {
		h[i].mb = *mb;
		h[i].mb.nlangs = 0;
		h[i].made = made;
		shared_copy(&h[i].mb, mb);
	}
	for (i = 0; i < mb->n && k < n / 2; i++)
		k += is_record(mb, view_item_at(mb->v, i));
	h[0].from = 0;
	h[0].to = h[1].from = i;
	h[1].to = mb->n;
	mb->half = k;
	halves_run(records_half, &h[0], &h[1], mb->two && n >= TWO_MIN);
	/* the languages as met in merged order: this half's, then that's */
	for (i = 0; i < 2; i++) {
		if (h[i].mb.err != 0)
			mb->err = h[i].mb.err;
		for (j = 0; j < h[i].mb.nlangs; j++)
			note_lang(mb, h[i].mb.langs[j]);
		shared_free(&h[i].mb);
	}
}

/* What one thread frees: records, by their places. */
struct span {
	const struct place *p;
	size_t n;
};

/*
 * free_records() - let go of the records at the span's places, each
 * thread of those made on the same thread (see shared_copy()).
 */
static void *
free_records(void *arg)
{
	const struct span *sp = arg;
	size_t i;

	for (i = 0; i < sp->n; i++)
		json_array_set_new(sp->p[i].list, sp->p[i].at, json_null());
	return NULL;
}

/* agenda_json() - the meeting's agenda in scope, each with its records. */
static json_t *
agenda_json(struct mb *mb, json_t **other)
{
	json_t *arr = json_array(), *a, **recs = NULL, **made = NULL, *list;
	size_t i, n = 0;
	long pos;

	*other = json_array();
	for (i = 0; i < mb->n; i++) {
		const view_item *it = view_item_at(mb->v, i);
		json_t **nr;

		if (!mb->in[i] || it->payload == NULL ||
		    it->kind != ENTRY_K_AGENDA || it->meeting != mb->s->meeting)
			continue;
		if ((nr = realloc(recs, (n + 1) * sizeof(*recs))) == NULL) {
			mb->err = DT_ENOMEM;
			break;
		}
		recs = nr;
		recs[n] = json_array();
		mb->agenda_pos[i] = (long)n++;
		mb->shown[i] = 1;
	}
	if (mb->err == 0 &&
	    ((made = calloc(mb->n + 1, sizeof(*made))) == NULL ||
	    (mb->placed = calloc(mb->n + 1, sizeof(*mb->placed))) == NULL))
		mb->err = DT_ENOMEM;
	if (mb->err == 0)
		records_json(mb, made);
	for (i = 0; i < mb->n && mb->err == 0; i++) {
		const view_item *it = view_item_at(mb->v, i);

		if (!is_record(mb, it))
			continue;
		pos = it->item != NULL && in_scope(mb, it->item) ?
		    mb->agenda_pos[it->item->index] :
		    -1;
		list = pos >= 0 ? recs[pos] : *other;
		push(mb, list, made[i]);
		made[i] = NULL;
		mb->placed[mb->nplaced].list = list;
		mb->placed[mb->nplaced++].at = json_array_size(list) - 1;
	}
	for (i = 0; mb->err != 0 && made != NULL && i < mb->n; i++)
		json_decref(made[i]);
	free(made);
	for (i = 0, pos = 0; i < mb->n && pos < (long)n; i++) {
		const view_item *it = view_item_at(mb->v, i);

		if (mb->agenda_pos[i] < 0)
			continue;
		a = json_object();
		put(mb, a, "number", json_integer((json_int_t)(pos + 1)));
		ref_fields(mb, a, it);
		put(mb, a, "text", text_json(mb, it));
		put(mb, a, "status", jstr(pstr(mb->status[i], "state")));
		put(mb, a, "corrections", corrections_json(mb, it, 0));
		put(mb, a, "records", recs[pos]);
		recs[pos++] = NULL;
		push(mb, arr, a);
	}
	for (i = 0; i < n; i++)
		json_decref(recs[i]);
	free(recs);
	return arr;
}

/*
 * commitments_json() - the commitments made in this meeting, and those
 * made earlier that are still open at the scope's end or whose status
 * changed in this meeting, in merged order.
 */
static json_t *
commitments_json(struct mb *mb)
{
	json_t *arr = json_array(), *o;
	size_t i;
	int agreed;

	for (i = 0; i < mb->n; i++) {
		const view_item *it = view_item_at(mb->v, i);
		const view_item *st = mb->status[i];
		const char *state;
		int carried;

		if (!mb->in[i] || it->payload == NULL ||
		    it->kind != ENTRY_K_COMMITMENT || it->meeting < 0 ||
		    it->meeting > mb->s->meeting)
			continue;
		state = state_of(mb, it);
		carried = it->meeting < mb->s->meeting;
		if (carried &&
		    (strcmp(state, "fulfilled") == 0 ||
			strcmp(state, "withdrawn") == 0) &&
		    (st == NULL || st->meeting != mb->s->meeting))
			continue;
		o = json_object();
		ref_fields(mb, o, it);
		put(mb, o, "meeting", json_integer((json_int_t)it->meeting));
		put(mb, o, "carried", json_boolean(carried));
		put(mb, o, "party", jstr(pstr(it, "party")));
		put(mb, o, "owner", jstr(pstr(it, "owner")));
		put(mb, o, "due", jstr(pstr(it, "due")));
		put(mb, o, "text", text_json(mb, it));
		put(mb, o, "status", json_string(state));
		put(mb, o, "status_entry", jstr(st != NULL ? st->hex : NULL));
		put(mb, o, "endorsed_by", endorsed_json(mb, it, &agreed));
		put(mb, o, "agreed", json_boolean(agreed));
		put(mb, o, "corrections", corrections_json(mb, it, 0));
		push(mb, arr, o);
	}
	return arr;
}

/*
 * other_corrections_json() - corrections written in this meeting that
 * the minutes show nowhere else (of entries of earlier meetings, of the
 * meeting's opening, ...), each with what it corrects.
 */
static json_t *
other_corrections_json(struct mb *mb)
{
	json_t *arr = json_array(), *o, *t;
	size_t i;

	for (i = 0; i < mb->n; i++) {
		const view_item *it = view_item_at(mb->v, i);
		const view_item *tg = it->target;

		if (!mb->in[i] || it->payload == NULL || mb->shown[i] ||
		    it->kind != ENTRY_K_CORRECTION ||
		    it->meeting != mb->s->meeting)
			continue;
		o = correction_json(mb, it, 0);
		t = json_object();
		if (tg != NULL && in_scope(mb, tg)) {
			ref_fields(mb, t, tg);
			put(mb, t, "kind",
			    json_string(entry_kind_name(tg->kind)));
			put(mb, t, "meeting",
			    tg->meeting >= 0 ?
				json_integer((json_int_t)tg->meeting) :
				json_null());
			put(mb, t, "text", text_json(mb, tg));
		} else {
			put(mb, t, "entry", jstr(pstr(it, "target")));
		}
		put(mb, o, "corrects", t);
		push(mb, arr, o);
	}
	return arr;
}

/* --- integrity -------------------------------------------------------- */

/* feed_json() - one feed of the scope: size, last entry, Merkle root. */
static json_t *
feed_json(struct mb *mb, const minutes_feed *f)
{
	unsigned char *leaves = NULL, root[MERKLE_HASH_BYTES];
	char hex[2 * KEY_PK_BYTES + 1], name[KEY_NAME_MAX + 1];
	const view_item *last = NULL;
	json_t *o = json_object();
	size_t i;
	uint64_t k = 0;

	if (f->size > mb->n ||
	    (leaves = malloc((size_t)f->size * MERKLE_HASH_BYTES)) == NULL) {
		mb->err = DT_ENOMEM;
		return o;
	}
	/* within one feed, merged order is seq order */
	for (i = 0; i < mb->n && k < f->size; i++) {
		const view_item *it = view_item_at(mb->v, i);

		if (memcmp(it->author, f->author, KEY_PK_BYTES) != 0 ||
		    it->seq >= f->size)
			continue;
		memcpy(leaves + k++ * MERKLE_HASH_BYTES, it->hash,
		    MERKLE_HASH_BYTES);
		last = it;
	}
	if (k != f->size || last == NULL ||
	    merkle_root(root, leaves, f->size) != 0) {
		mb->err = DT_ECORRUPT;
		free(leaves);
		return o;
	}
	free(leaves);
	key_hex(hex, f->author, KEY_PK_BYTES);
	put(mb, o, "author", json_string(hex));
	author_name(name, last);
	put(mb, o, "name", json_string(name));
	put(mb, o, "party", jstr(last->party[0] != '\0' ? last->party : NULL));
	put(mb, o, "size", json_integer((json_int_t)f->size));
	put(mb, o, "head", json_string(last->hex));
	key_hex(hex, root, MERKLE_HASH_BYTES);
	put(mb, o, "root", json_string(hex));
	return o;
}

/* heads_json() - each party's head (genesis), with its minisign key. */
static json_t *
heads_json(struct mb *mb)
{
	json_t *arr = json_array(), *o;
	unsigned char pk[KEY_PK_BYTES];
	char ms[256], *nl;
	size_t i, p, np = view_nparties(mb->v);

	for (p = 0; p < np; p++)
		for (i = 0; i < mb->npeople; i++) {
			const struct person *pp = &mb->people[i];

			if (strcmp(pp->role, "head") != 0 ||
			    strcmp(pp->party, view_party(mb->v, p)) != 0 ||
			    key_unhex(pk, KEY_PK_BYTES, pp->key) != 0 ||
			    key_minisign_pub(ms, sizeof(ms), pk) != 0 ||
			    (nl = strchr(ms, '\n')) == NULL)
				continue;
			o = json_object();
			put(mb, o, "party", json_string(pp->party));
			put(mb, o, "name", json_string(pp->name));
			put(mb, o, "key", json_string(pp->key));
			/* "... public key XXXXXXXXXXXXXXXX\nRW...\n" */
			*nl = '\0';
			put(mb, o, "minisign_keyid", json_string(nl - 16));
			nl[1 + 56] = '\0';
			put(mb, o, "minisign", json_string(nl + 1));
			push(mb, arr, o);
			break;
		}
	return arr;
}

/*
 * shell_word() - s as one shell word: as is when it is made of letters,
 * digits and . _ - / only, else in single quotes.
 */
static void
shell_word(char *out, size_t outlen, const char *s)
{
	size_t o = 0, i;
	int plain = *s != '\0';

	for (i = 0; s[i] != '\0'; i++)
		plain &= (s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '.' ||
		    s[i] == '_' || s[i] == '-' || s[i] == '/';
	if (plain) {
		snprintf(out, outlen, "%s", s);
		return;
	}
	if (outlen < 3)
		return;
	out[o++] = '\'';
	for (i = 0; s[i] != '\0' && o + 6 < outlen; i++) {
		if (s[i] == '\'') {
			memcpy(out + o, "'\\''", 4);
			o += 4;
		} else
			out[o++] = s[i];
	}
	out[o++] = '\'';
	out[o] = '\0';
}

/* verify_json() - the commands that verify these minutes. */
static json_t *
verify_json(struct mb *mb, const json_t *heads, minutes_format fmt)
{
	json_t *arr = json_array(), *h;
	char file[64], sig[160], word[512], cmd[1024];
	size_t i;

	snprintf(file, sizeof(file), FILE_STEM "%lld.%s",
	    (long long)mb->s->meeting, minutes_format_name(fmt));
	snprintf(cmd, sizeof(cmd), "detente minutes verify %s --record", file);
	push(mb, arr, json_string(cmd));
	json_array_foreach (heads, i, h) {
		snprintf(sig, sizeof(sig), "%s.%s.minisig", file,
		    json_string_value(json_object_get(h, "name")));
		shell_word(word, sizeof(word), sig);
		snprintf(cmd, sizeof(cmd), "minisign -Vm %s -x %s -P %s", file,
		    word, json_string_value(json_object_get(h, "minisign")));
		push(mb, arr, json_string(cmd));
	}
	return arr;
}

static json_t *
integrity_json(struct mb *mb, minutes_format fmt)
{
	json_t *o = json_object(), *scope = json_object(), *feeds, *notes;
	json_t *heads, *n;
	size_t i, unreadable = 0;

	put(mb, scope, "close",
	    jstr(mb->s->close != NULL ? mb->s->close->hex : NULL));
	put(mb, scope, "entries", json_integer((json_int_t)mb->s->nentries));
	for (i = 0; i < mb->n; i++)
		unreadable +=
		    mb->in[i] && view_item_at(mb->v, i)->body != VIEW_BODY_OK;
	put(mb, scope, "unreadable", json_integer((json_int_t)unreadable));
	put(mb, o, "scope", scope);
	feeds = json_array();
	for (i = 0; i < mb->s->nfeeds; i++)
		push(mb, feeds, feed_json(mb, &mb->s->feeds[i]));
	put(mb, o, "feeds", feeds);
	notes = json_array();
	for (i = 0; i < mb->n; i++) {
		const view_item *it = view_item_at(mb->v, i);
		const json_t *mt;

		if (!mb->in[i] || it->payload == NULL ||
		    (it->kind != ENTRY_K_CHECKPOINT &&
			it->kind != ENTRY_K_SEAL))
			continue;
		n = json_object();
		ref_fields(mb, n, it);
		put(mb, n, "kind", kind_json(mb, it->kind));
		mt = json_object_get(it->payload, "meeting");
		put(mb, n, "meeting",
		    json_is_integer(mt) ? json_integer(json_integer_value(mt)) :
					  json_null());
		put(mb, n, "note", jstr(pstr(it, "note")));
		push(mb, notes, n);
	}
	put(mb, o, "notes", notes);
	heads = heads_json(mb);
	put(mb, o, "heads", heads);
	put(mb, o, "verify", verify_json(mb, heads, fmt));
	return o;
}

/*
 * openings_json() - every meeting-open of the meeting in scope, merged
 * order: both sides may open the next meeting at once (one meeting).
 */
static json_t *
openings_json(struct mb *mb)
{
	json_t *arr = json_array(), *r;
	size_t i;

	for (i = 0; i < mb->m->nopens; i++) {
		if (!in_scope(mb, mb->m->opens[i]))
			continue;
		r = json_object();
		ref_fields(mb, r, mb->m->opens[i]);
		push(mb, arr, r);
	}
	return arr;
}

/*
 * closes_json() - per party, in the genesis' order, its close of the
 * meeting in scope (closing is per side), or null: a draft says whose
 * close is missing.
 */
static json_t *
closes_json(struct mb *mb)
{
	json_t *arr = json_array(), *r, *c;
	size_t p;

	for (p = 0; p < view_nparties(mb->v); p++) {
		const view_item *it = mb->m->closes[p];

		r = json_object();
		put(mb, r, "party", json_string(view_party(mb->v, p)));
		c = json_null();
		if (it != NULL && in_scope(mb, it)) {
			c = json_object();
			ref_fields(mb, c, it);
		}
		put(mb, r, "close", c);
		push(mb, arr, r);
	}
	return arr;
}

/* model() - the whole minutes as one JSON object (documented fields). */
static json_t *
model(struct mb *mb, minutes_format fmt)
{
	json_t *o = json_object(), *other = NULL, *langs, *parties;
	char hex[2 * ENTRY_HASH_BYTES + 1];
	const view_meeting *m = mb->m;
	json_t *opened = json_null(), *closed = json_null();
	size_t i;

	index_scope(mb);
	put(mb, o, "format", json_string(MINUTES_MAGIC));
	put(mb, o, "version", json_integer(MINUTES_VERSION));
	memset(hex, '0', sizeof(hex) - 1);
	hex[sizeof(hex) - 1] = '\0';
	if (mb->genesis != NULL)
		memcpy(hex, mb->genesis->hex, sizeof(hex));
	put(mb, o, "dialogue", json_string(hex));
	put(mb, o, "title", jstr(pstr(mb->genesis, "title")));
	put(mb, o, "titles", jmap(mb->genesis, "titles"));
	parties = json_array();
	for (i = 0; i < view_nparties(mb->v); i++)
		push(mb, parties, json_string(view_party(mb->v, i)));
	put(mb, o, "parties", parties);
	put(mb, o, "meeting", json_integer((json_int_t)mb->s->meeting));
	put(mb, o, "status", json_string(mb->s->draft ? "draft" : "final"));
	put(mb, o, "lang", json_string(mb->lang));
	put(mb, o, "meeting_title",
	    jstr(in_scope(mb, m->open) ? m->title : NULL));
	put(mb, o, "meeting_titles",
	    in_scope(mb, m->open) ? jmap(m->open, "titles") : json_null());
	put(mb, o, "place", jstr(in_scope(mb, m->open) ? m->place : NULL));
	put(mb, o, "places",
	    in_scope(mb, m->open) ? jmap(m->open, "places") : json_null());
	put(mb, o, "date", jstr(in_scope(mb, m->open) ? m->date : NULL));
	if (in_scope(mb, m->open)) {
		opened = json_object();
		ref_fields(mb, opened, m->open);
		mb->shown[m->open->index] = 1;
	}
	if (mb->s->close != NULL) {
		closed = json_object();
		ref_fields(mb, closed, mb->s->close);
	}
	put(mb, o, "opened", opened);
	put(mb, o, "closed", closed);
	put(mb, o, "openings", openings_json(mb));
	put(mb, o, "closes", closes_json(mb));
	put(mb, o, "participants", participants_json(mb));
	put(mb, o, "agenda", agenda_json(mb, &other));
	put(mb, o, "other_records", other);
	put(mb, o, "commitments", commitments_json(mb));
	put(mb, o, "other_corrections", other_corrections_json(mb));
	put(mb, o, "integrity", integrity_json(mb, fmt));
	langs = json_array();
	qsort(mb->langs, mb->nlangs, sizeof(*mb->langs), cmp_lang);
	for (i = 0; i < mb->nlangs; i++)
		push(mb, langs, json_string(mb->langs[i]));
	put(mb, o, "languages", langs);
	return o;
}

/* What one thread does with the pieces [from, to). */
struct part {
	const struct minutes_unit *u;
	size_t from, to;
	const json_t *parties;
	minutes_unit_fn *fn;
	FILE *f;                     /* NULL: a stream of its own, buf */
	char *buf;
	size_t len;
	int err;
};

/* units_add() - the pieces of one item (NULL: of the records under none). */
static void
units_add(struct minutes_unit *u, size_t *n, const json_t *item,
    json_t *records)
{
	size_t i;

	u[*n].item = item;
	u[(*n)++].records = NULL;
	for (i = 0; i < json_array_size(records); i++) {
		u[*n].item = item;
		u[*n].records = records;
		u[(*n)++].at = i;
	}
}

/*
 * units_of() - the pieces of the model m, in the order rendered.
 * @return 0 or DT_ENOMEM.
 */
static int
units_of(struct minutes_unit **out, size_t *n, json_t *m)
{
	json_t *agenda = json_object_get(m, "agenda"), *a;
	json_t *other = json_object_get(m, "other_records");
	size_t i, k = json_array_size(other) > 0 ?
	    1 + json_array_size(other) : 0;

	*n = 0;
	json_array_foreach (agenda, i, a)
		k += 1 + json_array_size(json_object_get(a, "records"));
	if ((*out = calloc(k + 1, sizeof(**out))) == NULL)
		return DT_ENOMEM;
	json_array_foreach (agenda, i, a)
		units_add(*out, n, a, json_object_get(a, "records"));
	if (json_array_size(other) > 0)
		units_add(*out, n, NULL, other);
	for (i = 0; i < *n; i++)
		(*out)[i].frame = minutes_frame_of(
		    json_string_value(json_object_get(m, "lang")));
	return 0;
}

/*
 * memstream() - open_memstream(), for this thread alone: each stream is
 * written by one thread, and the minutes are hundreds of thousands of
 * small writes, each of which would otherwise take the stream's lock
 * (once view_load() has started threads, glibc takes it every time).
 */
static FILE *
memstream(char **buf, size_t *len)
{
	FILE *f = open_memstream(buf, len);

#ifdef __GLIBC__
	if (f != NULL)
		__fsetlocking(f, FSETLOCKING_BYCALLER);
#endif
	return f;
}

/* render_part() - the pieces [from, to), into p->f or a stream of p's. */
static void *
render_part(void *arg)
{
	struct part *p = arg;
	FILE *f = p->f;
	size_t i;

	if (p->from == p->to)
		return NULL;
	if (f == NULL && (f = memstream(&p->buf, &p->len)) == NULL) {
		p->err = 1;
		return NULL;
	}
	for (i = p->from; i < p->to; i++) {
		p->fn(f, &p->u[i], p->parties);
	}
	if (f != p->f && (ferror(f) != 0) + (fclose(f) != 0) != 0)
		p->err = 1;
	return NULL;
}

/* minutes_render_units(): see minutes_print.h. */
int
minutes_render_units(FILE *f, const struct minutes_unit *u, size_t n,
    const json_t *parties, minutes_unit_fn *fn, int two)
{
	struct part p[2];
	int rc = 0;

	memset(p, 0, sizeof(p));
	two = two && n >= TWO_MIN;
	p[0].u = p[1].u = u;
	p[0].parties = p[1].parties = parties;
	p[0].fn = p[1].fn = fn;
	p[0].f = f;
	p[0].to = p[1].from = two ? n / 2 : n;
	p[1].to = n;
	halves_run(render_part, &p[0], &p[1], two);
	if (p[1].err ||
	    (p[1].len > 0 && fwrite(p[1].buf, 1, p[1].len, f) != p[1].len))
		rc = -1;
	free(p[1].buf);
	return rc;
}

/* A growing buffer, malloc'd (not jansson's allocator). */
struct obuf {
	char *p;
	size_t len, cap;
	int err;                     /* a put failed: out of memory */
};

/* obuf_put() - append size bytes (after a failure, nothing). */
static void
obuf_put(struct obuf *ob, const void *buf, size_t size)
{
	size_t cap;
	char *p;

	if (ob->err)
		return;
	if (size > ob->cap - ob->len) {
		cap = ob->cap != 0 ? ob->cap : 65536;
		while (cap - ob->len < size) {
			if (cap > SIZE_MAX / 2) {
				ob->err = 1;
				return;
			}
			cap *= 2;
		}
		if ((p = realloc(ob->p, cap)) == NULL) {
			ob->err = 1;
			return;
		}
		ob->p = p;
		ob->cap = cap;
	}
	memcpy(ob->p + ob->len, buf, size);
	ob->len += size;
}

/* --- rendering: JSON -------------------------------------------------- */

/*
 * The JSON minutes are the model as jansson writes it with
 * JSON_INDENT(2) | JSON_SORT_KEYS.  On two cores the records of the
 * second half of the pieces of units_of() are written by jansson on a
 * second thread, each on its own, while this thread writes the rest of
 * the model with a marker string in each of their places; the markers
 * are then replaced by what the second thread wrote.  A record written
 * on its own at depth 0 differs from the same record written in place
 * at depth d only by 2 * d more spaces after each line break (JSON
 * strings hold no raw line break), which reindent() adds.
 */

#define JSON_FLAGS (JSON_INDENT(2) | JSON_SORT_KEYS)

/* dump_cb() - json_dump_callback() callback: append to an obuf. */
static int
dump_cb(const char *buf, size_t size, void *data)
{
	struct obuf *ob = data;

	obuf_put(ob, buf, size);
	return ob->err ? -1 : 0;
}

/* A record written on its own, to go in at depth (in levels). */
struct indented {
	struct obuf *ob;
	size_t depth;
};

/* reindent() - dump_cb(), with 2 * depth spaces after each line break. */
static int
reindent(const char *buf, size_t size, void *data)
{
	static const char spaces[] = "                ";
	struct indented *in = data;
	const char *nl, *end = buf + size;

	while ((nl = memchr(buf, '\n', (size_t)(end - buf))) != NULL) {
		obuf_put(in->ob, buf, (size_t)(nl - buf) + 1);
		obuf_put(in->ob, spaces, 2 * in->depth);
		buf = nl + 1;
	}
	obuf_put(in->ob, buf, (size_t)(end - buf));
	return in->ob->err ? -1 : 0;
}

/* The records written ahead on the second thread. */
struct ahead {
	const struct minutes_unit *u;
	size_t from, n;              /* the pieces [from, n) */
	json_t **rec;                /* per piece: the record taken out */
	size_t *off, *len;           /* per piece: where in buf */
	struct obuf buf;
};

static void *
dump_ahead(void *arg)
{
	struct ahead *a = arg;
	struct indented in;
	size_t i;

	in.ob = &a->buf;
	for (i = a->from; i < a->n && !a->buf.err; i++) {
		if (a->rec[i] == NULL)
			continue;
		/* 4: {"agenda": [{"records": [ here; 2: {"other_records": [ */
		in.depth = a->u[i].item != NULL ? 4 : 2;
		a->off[i] = a->buf.len;
		if (json_dump_callback(a->rec[i], reindent, &in,
		    JSON_FLAGS) != 0)
			a->buf.err = 1;
		a->len[i] = a->buf.len - a->off[i];
	}
	return NULL;
}

/*
 * dump_json() - the JSON minutes of m into ob (a NUL after them, not
 * counted); with two, on two threads (see above).  0 or DT_ENOMEM.
 */
static int
dump_json(struct obuf *ob, json_t *m, const struct minutes_unit *u, size_t n,
    int two)
{
	unsigned char nonce[16];
	char mark[2 * sizeof(nonce) + 32], hex[2 * sizeof(nonce) + 1];
	struct ahead a;
	struct obuf out;
	pthread_t th;
	const char *p, *end, *hit;
	size_t i, mlen;
	int running = 0, rc = DT_ENOMEM;

	memset(ob, 0, sizeof(*ob));
	memset(&a, 0, sizeof(a));
	memset(&out, 0, sizeof(out));
	a.u = u;
	a.n = a.from = n;
	if (two && n >= TWO_MIN &&
	    (a.rec = calloc(n, sizeof(*a.rec))) != NULL &&
	    (a.off = calloc(n, sizeof(*a.off))) != NULL &&
	    (a.len = calloc(n, sizeof(*a.len))) != NULL)
		a.from = n / 2;
	/*
	 * Take the records out, a marker in each place: a string that no
	 * text can be, for it carries a fresh random nonce.
	 */
	randombytes_buf(nonce, sizeof(nonce));
	sodium_bin2hex(hex, sizeof(hex), nonce, sizeof(nonce));
	for (i = a.from; i < a.n; i++) {
		if (u[i].records == NULL)
			continue;
		a.rec[i] = json_array_get(u[i].records, u[i].at);
		snprintf(mark, sizeof(mark), "\x01%s-%zu", hex, i);
		if (a.rec[i] == NULL || json_incref(a.rec[i]) == NULL ||
		    json_array_set_new(u[i].records, u[i].at,
		    json_string(mark)) != 0) {
			json_decref(a.rec[i]);
			a.rec[i] = NULL;
			a.n = i; /* put back what was taken, below */
			break;
		}
	}
	if (a.from < a.n)
		running = pthread_create(&th, NULL, dump_ahead, &a) == 0;
	if (!running)
		dump_ahead(&a);
	if (json_dump_callback(m, dump_cb, ob, JSON_FLAGS) != 0)
		ob->err = 1;
	if (running)
		pthread_join(th, NULL);
	/* The markers, in document order, replaced by the records. */
	p = ob->p;
	end = ob->p + ob->len;
	for (i = a.from; i < a.n && !ob->err && !a.buf.err; i++) {
		if (a.rec[i] == NULL)
			continue;
		mlen = (size_t)snprintf(mark, sizeof(mark),
		    "\"\\u0001%s-%zu\"", hex, i);
		if ((hit = memmem(p, (size_t)(end - p), mark, mlen)) == NULL) {
			out.err = 1;
			break;
		}
		obuf_put(&out, p, (size_t)(hit - p));
		obuf_put(&out, a.buf.p + a.off[i], a.len[i]);
		p = hit + mlen;
	}
	if (a.from < a.n && !ob->err) {
		obuf_put(&out, p, (size_t)(end - p));
		free(ob->p);
		*ob = out;
		memset(&out, 0, sizeof(out));
	}
	obuf_put(ob, "\n", 2);
	if (!ob->err && !a.buf.err)
		rc = 0;
	/* the model as it was */
	for (i = a.from; i < a.n; i++)
		if (a.rec[i] != NULL) {
			if (json_array_set(u[i].records, u[i].at,
			    a.rec[i]) != 0)
				rc = DT_ENOMEM;
			json_decref(a.rec[i]);
		}
	free(out.p);
	free(a.buf.p);
	free(a.rec);
	free(a.off);
	free(a.len);
	if (rc != 0) {
		free(ob->p);
		memset(ob, 0, sizeof(*ob));
	}
	return rc;
}

/* --- minutes_render --------------------------------------------------- */

int
minutes_render(char **out, size_t *len, const view *v, const minutes_scope *s,
    minutes_format fmt, const char *lang)
{
	struct mb mb;
	struct obuf ob;
	struct minutes_unit *u = NULL;
	struct span halves[2];
	size_t nu = 0;
	json_t *m = NULL;
	char *buf = NULL;
	size_t blen = 0;
	FILE *f = NULL;
	int rc = DT_ENOMEM;

	*out = NULL;
	*len = 0;
	if (minutes_format_name(fmt) == NULL || !minutes_lang_valid(lang))
		return DT_EINVAL;
	if (view_locked(v))
		return DT_ENOKEY;
	memset(&mb, 0, sizeof(mb));
	mb.v = v;
	mb.s = s;
	mb.lang = lang;
	mb.both = strcmp(lang, "both") == 0;
	mb.n = view_nitems(v);
	mb.two = halves_two();
	if ((mb.m = view_meeting_find(v, s->meeting)) == NULL)
		return DT_ENOENT;
	if ((mb.in = calloc(mb.n + 1, 1)) == NULL ||
	    (mb.shown = calloc(mb.n + 1, 1)) == NULL ||
	    (mb.status = calloc(mb.n + 1, sizeof(*mb.status))) == NULL ||
	    (mb.agenda_pos = calloc(mb.n + 1, sizeof(*mb.agenda_pos))) == NULL)
		goto out;
	m = model(&mb, fmt);
	if (m == NULL || mb.err != 0) {
		rc = mb.err != 0 ? mb.err : DT_ENOMEM;
		goto out;
	}
	if ((rc = units_of(&u, &nu, m)) != 0)
		goto out;
	rc = DT_ENOMEM;
	if (fmt == MINUTES_JSON) {
		if ((rc = dump_json(&ob, m, u, nu, mb.two)) != 0)
			goto out;
		/* C1, DEL and bidirectional controls as \uXXXX (vis.h) */
		*len = ob.len - 1;
		if ((rc = vis_json(&ob.p, len)) != 0) {
			free(ob.p);
			goto out;
		}
		*out = ob.p;
		goto out;
	}
	if ((f = memstream(&buf, &blen)) == NULL)
		goto out;
	if ((fmt == MINUTES_MD ? minutes_print_md(f, m, u, nu, mb.two) :
	    fmt == MINUTES_HTML ? minutes_print_html(f, m) :
	    minutes_print_txt(f, m, u, nu, mb.two)) != 0 || ferror(f) != 0 ||
	    mb.err != 0) {
		fclose(f);
		goto out;
	}
	if (fclose(f) != 0)
		goto out;
	*out = buf;
	*len = blen;
	buf = NULL;
	rc = 0;
out:
	free(buf);
	/* the records as they were made, in two halves; then the rest */
	if (mb.err == 0) {
		halves[0].p = mb.placed;
		halves[0].n = mb.half;
		halves[1].p = mb.placed + mb.half;
		halves[1].n = mb.nplaced - mb.half;
		halves_run(free_records, &halves[0], &halves[1],
		    mb.two && mb.nplaced >= TWO_MIN);
	}
	free(u);
	json_decref(m);
	shared_free(&mb);
	free(mb.placed);
	free(mb.in);
	free(mb.shown);
	free(mb.status);
	free(mb.agenda_pos);
	free(mb.people);
	return rc;
}

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
	const char *p = text, *end = text + len;
	char v[2 * 32 + 1];
	size_t k = strlen(COMMENT_MAGIC);

	memset(out, 0, sizeof(*out));
	if (text == NULL || len < k + 1 || memcmp(p, COMMENT_MAGIC, k) != 0 ||
	    p[k] != ' ' || memchr(text, '\0', len) != NULL)
		return DT_EFORMAT;
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
