/*
 * payload.c: the JSON bodies of entries.  The schema is in
 * docs/FORMAT.md ("Payloads"); payload_check() is its executable form.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "../crypto/err.h"
#include "entry.h"
#include "lang.h"
#include "payload.h"
#include "vis.h"

const char *const payload_agenda_states[] = {
	"current", "discussed", "deferred", "closed", NULL
};
const char *const payload_commitment_states[] = {
	"accepted", "in-progress", "fulfilled", "withdrawn", NULL
};
static const char *const roles[] = { "head", "delegate", "observer", NULL };
static const char *const text_roles[] = { "authentic", "translation", NULL };

/*
 * Each block carries its size in a header of max_align_t's size, so
 * that wipe_free() knows how much to zero.
 */
typedef union wipe_hdr {
	size_t size;
	max_align_t align;
} wipe_hdr;

static void *
wipe_malloc(size_t n)
{
	wipe_hdr *h;

	if (n > SIZE_MAX - sizeof *h || (h = malloc(sizeof *h + n)) == NULL)
		return NULL;
	h->size = n;
	return h + 1;
}

static void
wipe_free(void *p)
{
	wipe_hdr *h;

	if (p == NULL)
		return;
	h = (wipe_hdr *)p - 1;
	sodium_memzero(p, h->size);
	free(h);
}

void
payload_wipe_alloc(void)
{
	json_set_alloc_funcs(wipe_malloc, wipe_free);
}

char *
payload_dump(const json_t *obj)
{
	return json_dumps(obj, JSON_COMPACT | JSON_SORT_KEYS);
}

void
payload_free(char *text)
{
	json_malloc_t m;
	json_free_t f;

	if (text == NULL)
		return;
	sodium_memzero(text, strlen(text));
	json_get_alloc_funcs(&m, &f);
	f(text);
}

/*
 * depth_ok() - 1 if no array or object of text[0..len) lies deeper than
 * PAYLOAD_DEPTH_MAX, counting brackets outside strings.  On text that is
 * not JSON the answer does not matter: jansson refuses it.
 */
static int
depth_ok(const unsigned char *text, size_t len)
{
	size_t i, depth = 0;
	int in_str = 0;

	for (i = 0; i < len; i++) {
		if (in_str) {
			if (text[i] == '\\')
				i++;
			else if (text[i] == '"')
				in_str = 0;
		} else if (text[i] == '"')
			in_str = 1;
		else if (text[i] == '[' || text[i] == '{') {
			if (++depth > PAYLOAD_DEPTH_MAX)
				return 0;
		} else if ((text[i] == ']' || text[i] == '}') && depth > 0)
			depth--;
	}
	return 1;
}

json_t *
payload_parse(const unsigned char *text, size_t len)
{
	json_t *o, *v;
	json_error_t err;

	if (memchr(text, '\0', len) != NULL || !depth_ok(text, len))
		return NULL;
	o = json_loadb((const char *)text, len, JSON_REJECT_DUPLICATES, &err);
	if (o == NULL)
		return NULL;
	v = json_object_get(o, "v");
	if (!json_is_object(o) || !json_is_integer(v) ||
	    json_integer_value(v) != PAYLOAD_VERSION) {
		json_decref(o);
		return NULL;
	}
	return o;
}

int
payload_state_valid(const char *const *list, const char *s)
{
	for (; s != NULL && *list != NULL; list++)
		if (strcmp(*list, s) == 0)
			return 1;
	return 0;
}

int
payload_party_valid(const char *p)
{
	size_t n = strlen(p), i;

	if (n == 0 || n > PAYLOAD_PARTY_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!((p[i] >= 'A' && p[i] <= 'Z') || (p[i] >= '0' && p[i] <= '9')))
			return 0;
	return 1;
}

int
payload_hex_valid(const char *s, size_t n)
{
	size_t i;

	if (s == NULL || strlen(s) != n)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

int
payload_date_valid(const char *d)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
		30, 31 };
	int y, m, day, i;

	if (d == NULL || strlen(d) != 10 || d[4] != '-' || d[7] != '-')
		return 0;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (d[i] < '0' || d[i] > '9'))
			return 0;
	y = atoi(d);
	m = atoi(d + 5);
	day = atoi(d + 8);
	if (y < 1900 || m < 1 || m > 12 || day < 1 || day > mdays[m - 1])
		return 0;
	if (m == 2 && day == 29 && !((y % 4 == 0 && y % 100 != 0) ||
	    y % 400 == 0))
		return 0;
	return 1;
}

json_t *
payload_text(const char *lang, const char *role, const char *body)
{
	return json_pack("[{s:s,s:s,s:s}]", "lang", lang, "role", role,
	    "body", body);
}

const char *
payload_text_pick(const json_t *obj, const char *field, const char *lang)
{
	const json_t *list = json_object_get(obj, field), *t;
	const char *first = NULL, *auth = NULL;
	size_t i;

	if (!json_is_array(list))
		return NULL;
	json_array_foreach(list, i, t) {
		const char *l = json_string_value(json_object_get(t, "lang"));
		const char *r = json_string_value(json_object_get(t, "role"));
		const char *b = json_string_value(json_object_get(t, "body"));

		if (b == NULL)
			continue;
		if (lang != NULL && l != NULL && strcmp(l, lang) == 0)
			return b;
		if (first == NULL)
			first = b;
		if (auth == NULL && r != NULL && strcmp(r, "authentic") == 0)
			auth = b;
	}
	return auth != NULL ? auth : first;
}

static int
has_str(const json_t *o, const char *k)
{
	return json_is_string(json_object_get(o, k));
}

static int
opt_str(const json_t *o, const char *k)
{
	const json_t *v = json_object_get(o, k);

	return v == NULL || json_is_string(v);
}

static int
hex_field(const json_t *o, const char *k, size_t n)
{
	return payload_hex_valid(json_string_value(json_object_get(o, k)), n);
}

static int
text_valid(const json_t *o, const char *k)
{
	const json_t *list = json_object_get(o, k), *t;
	size_t i;

	if (!json_is_array(list) || json_array_size(list) == 0)
		return 0;
	json_array_foreach(list, i, t) {
		if (!json_is_object(t) || !lang_tag_valid(json_string_value(
		    json_object_get(t, "lang"))) ||
		    !payload_state_valid(text_roles, json_string_value(
		    json_object_get(t, "role"))) || !has_str(t, "body"))
			return 0;
	}
	return 1;
}

static int
meeting_valid(const json_t *o)
{
	const json_t *m = json_object_get(o, "meeting");

	return json_is_integer(m) && json_integer_value(m) >= 0;
}

static int
member_valid(const json_t *m, int head_allowed)
{
	const char *role = json_string_value(json_object_get(m, "role"));
	const char *party = json_string_value(json_object_get(m, "party"));

	return json_is_object(m) && hex_field(m, "key", 64) &&
	    has_str(m, "name") && party != NULL && payload_party_valid(party) &&
	    payload_state_valid(roles, role) &&
	    (head_allowed || strcmp(role, "head") != 0);
}

static int
keylist_valid(const json_t *o, const char *k)
{
	const json_t *list = json_object_get(o, k), *v;
	size_t i;

	if (list == NULL)
		return 1;
	if (!json_is_array(list))
		return 0;
	json_array_foreach(list, i, v)
		if (!payload_hex_valid(json_string_value(v), 64))
			return 0;
	return 1;
}

int
payload_check(unsigned kind, const json_t *o)
{
	const json_t *list, *v;
	size_t i;
	int ok = 0;

	if (!json_is_object(o))
		return DT_EFORMAT;
	switch (kind) {
	case ENTRY_K_GENESIS:
		ok = has_str(o, "title") &&
		    lang_map_valid(json_object_get(o, "titles")) &&
		    json_is_array(list = json_object_get(o, "parties")) &&
		    json_array_size(list) >= 2;
		if (ok)
			json_array_foreach(list, i, v)
				ok = ok && json_is_string(v) &&
				    payload_party_valid(json_string_value(v));
		ok = ok && json_is_array(list = json_object_get(o, "members")) &&
		    json_array_size(list) >= 2;
		if (ok)
			json_array_foreach(list, i, v)
				ok = ok && member_valid(v, 1);
		break;
	case ENTRY_K_MEMBER_ADD:
		ok = member_valid(o, 0);
		break;
	case ENTRY_K_MEMBER_REMOVE:
		ok = hex_field(o, "key", 64);
		break;
	case ENTRY_K_KEY_WRAP:
		ok = hex_field(o, "key_id", 16) &&
		    json_is_array(list = json_object_get(o, "wraps")) &&
		    json_array_size(list) >= 1;
		if (ok)
			json_array_foreach(list, i, v)
				ok = ok && json_is_object(v) &&
				    hex_field(v, "to", 64) && has_str(v, "box");
		break;
	case ENTRY_K_CHECKPOINT:
		ok = has_str(o, "note");
		break;
	case ENTRY_K_SEAL:
		ok = has_str(o, "note") && meeting_valid(o);
		break;
	case ENTRY_K_MINUTES_SIG:
		ok = has_str(o, "minisig") && meeting_valid(o);
		break;
	case ENTRY_K_MEETING_OPEN:
		ok = meeting_valid(o) && opt_str(o, "title") &&
		    opt_str(o, "place") &&
		    lang_map_valid(json_object_get(o, "titles")) &&
		    lang_map_valid(json_object_get(o, "places")) &&
		    (json_object_get(o, "date") == NULL ||
		    payload_date_valid(json_string_value(json_object_get(o,
		    "date"))));
		break;
	case ENTRY_K_MEETING_CLOSE:
		ok = meeting_valid(o);
		break;
	case ENTRY_K_ATTENDANCE:
		ok = meeting_valid(o) && keylist_valid(o, "present") &&
		    keylist_valid(o, "absent");
		break;
	case ENTRY_K_AGENDA:
		ok = meeting_valid(o) && text_valid(o, "text");
		break;
	case ENTRY_K_AGENDA_STATUS:
		ok = meeting_valid(o) && hex_field(o, "target", 64) &&
		    payload_state_valid(payload_agenda_states,
		    json_string_value(json_object_get(o, "state")));
		break;
	case ENTRY_K_NOTE:
	case ENTRY_K_PROPOSAL:
	case ENTRY_K_DECISION:
	case ENTRY_K_STATEMENT:
		ok = meeting_valid(o) && text_valid(o, "text") &&
		    (json_object_get(o, "item") == NULL ||
		    hex_field(o, "item", 64));
		if (kind == ENTRY_K_STATEMENT)
			ok = ok && has_str(o, "party") && payload_party_valid(
			    json_string_value(json_object_get(o, "party")));
		break;
	case ENTRY_K_COMMITMENT:
		ok = meeting_valid(o) && text_valid(o, "text") &&
		    (json_object_get(o, "item") == NULL ||
		    hex_field(o, "item", 64)) && has_str(o, "party") &&
		    payload_party_valid(json_string_value(json_object_get(o,
		    "party"))) && opt_str(o, "owner") &&
		    (json_object_get(o, "due") == NULL ||
		    payload_date_valid(json_string_value(json_object_get(o,
		    "due"))));
		break;
	case ENTRY_K_COMMITMENT_STATUS:
		ok = meeting_valid(o) && hex_field(o, "target", 64) &&
		    payload_state_valid(payload_commitment_states,
		    json_string_value(json_object_get(o, "state")));
		break;
	case ENTRY_K_ENDORSEMENT:
		ok = meeting_valid(o) && hex_field(o, "target", 64);
		break;
	case ENTRY_K_CORRECTION:
		ok = meeting_valid(o) && hex_field(o, "target", 64) &&
		    text_valid(o, "text");
		break;
	default:
		ok = 0;
	}
	return ok ? 0 : DT_EFORMAT;
}

/* field_check() - vis_field_check() of obj's k, if present; 0 if absent. */
static int
field_check(const json_t *obj, const char *k, size_t max,
    const char **field)
{
	const json_t *v = json_object_get(obj, k);
	int rc;

	if (v == NULL)
		return 0;
	if (!json_is_string(v))
		rc = DT_EFORMAT;
	else
		rc = vis_field_check(json_string_value(v), max);
	if (rc != 0 && field != NULL)
		*field = k;
	return rc;
}

/* map_check() - lang_map_check() of obj's k, if present; 0 if absent. */
static int
map_check(const json_t *obj, const char *k, size_t max, const char **field)
{
	int rc = lang_map_check(json_object_get(obj, k), max);

	if (rc != 0 && field != NULL)
		*field = k;
	return rc;
}

int
payload_fields_check(unsigned kind, const json_t *obj, const char **field)
{
	const json_t *m;
	size_t i;
	int rc = 0;

	switch (kind) {
	case ENTRY_K_GENESIS:
		if ((rc = field_check(obj, "title", PAYLOAD_TITLE_MAX,
		    field)) != 0 || (rc = map_check(obj, "titles",
		    PAYLOAD_TITLE_MAX, field)) != 0)
			return rc;
		json_array_foreach(json_object_get(obj, "members"), i, m)
			if ((rc = field_check(m, "name", PAYLOAD_NAME_MAX,
			    field)) != 0)
				return rc;
		break;
	case ENTRY_K_MEMBER_ADD:
		rc = field_check(obj, "name", PAYLOAD_NAME_MAX, field);
		break;
	case ENTRY_K_MEETING_OPEN:
		if ((rc = field_check(obj, "title", PAYLOAD_TITLE_MAX,
		    field)) == 0 && (rc = field_check(obj, "place",
		    PAYLOAD_PLACE_MAX, field)) == 0 && (rc = map_check(obj,
		    "titles", PAYLOAD_TITLE_MAX, field)) == 0)
			rc = map_check(obj, "places", PAYLOAD_PLACE_MAX,
			    field);
		break;
	case ENTRY_K_COMMITMENT:
		rc = field_check(obj, "owner", PAYLOAD_OWNER_MAX, field);
		break;
	default:
		break;
	}
	return rc;
}

int
payload_fields_check_text(unsigned kind, const char *payload,
    const char **field)
{
	json_t *o;
	int rc;

	if (kind != ENTRY_K_GENESIS && kind != ENTRY_K_MEMBER_ADD &&
	    kind != ENTRY_K_MEETING_OPEN && kind != ENTRY_K_COMMITMENT)
		return 0;
	if ((o = payload_parse((const unsigned char *)payload,
	    strlen(payload))) == NULL)
		return DT_EFORMAT;
	rc = payload_fields_check(kind, o, field);
	json_decref(o);
	return rc;
}
