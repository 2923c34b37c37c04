/*
 * minutes_model.c: the model of the minutes, minutes_model(): one JSON
 * object (the fields docs/FORMAT.md lists for the JSON form) built from
 * the view's entries in scope, in merged order: the meeting, its
 * participants, its agenda with the records under each item (on two
 * threads when there is a second core), the commitments, the other
 * corrections and the integrity section (feeds, heads, how to verify).
 * The printers read the model alone.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "../crypto/err.h"
#include "../crypto/keys.h"
#include "../crypto/merkle.h"
#include "entry.h"
#include "halves.h"
#include "lang.h"
#include "minutes.h"
#include "minutes_internal.h"
#include "minutes_lang.h"
#include "minutes_print.h"
#include "minutes_priv.h"
#include "payload.h"
#include "record.h"
#include "view.h"
#include "vis.h"

/* Corrections of corrections are followed this deep, no deeper. */
#define CORR_DEPTH 16

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

/* --- the model -------------------------------------------------------- */

/* A member, as the control entries in scope name it. */
struct person {
	char key[2 * KEY_PK_BYTES + 1];
	const char *name;
	const char *party;
	const char *role;
	int state; /* 0 unknown, 1 present, 2 absent */
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
 * MAX_LANGS languages met, in the order met (minutes_model() sorts them), so
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

/* minutes_shared_free() - let go of mb's references to its shared values. */
void
minutes_shared_free(struct mb *mb)
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
	/* an internal record's own notes say whose they are */
	if (mb->own[it->index])
		put(mb, o, "internal", json_string(mb->party));
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
		mb->own[i] = (unsigned char)(mb->party != NULL &&
		    minutes_in_scope(mb->s, it) && !it->late &&
		    minutes_internal_own(it, mb->party));
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
	return (mb->in[it->index] || mb->own[it->index]) &&
	    it->payload != NULL && it->meeting == mb->s->meeting &&
	    is_record_kind(it->kind);
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
		minutes_shared_free(&h[i].mb);
	}
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
	/* an internal record is verified by nothing: no commands */
	put(mb, o, "verify", mb->party != NULL ? json_array() :
	    verify_json(mb, heads, fmt));
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

/*
 * minutes_model() - the whole minutes as one JSON object (documented
 * fields).
 */
json_t *
minutes_model(struct mb *mb, minutes_format fmt)
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
	if (mb->party != NULL) {
		char sc[MINUTES_PARTY_BYTES + 16];

		snprintf(sc, sizeof(sc), "%s%s", MINUTES_SCOPE_INTERNAL,
		    mb->party);
		put(mb, o, "scope", json_string(sc));
		put(mb, o, "_internal", minutes_internal_notice(
		    minutes_frame_of(mb->lang), mb->party, mb->s->meeting));
	}
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
