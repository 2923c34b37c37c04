/*
 * test_view.c: the record's projection (storage/view.h): meetings,
 * agenda status, commitments with status and endorsements, corrections,
 * lookups, and a locked record.  Records are built through the library
 * with identities from fixed seeds (no keystore).
 */
#include "test_util.h"

#include <ctype.h>

#include <jansson.h>
#include <sodium.h>

#include "../../crypto/err.h"
#include "../../crypto/keys.h"
#include "../../storage/entry.h"
#include "../../storage/payload.h"
#include "../../storage/record.h"
#include "../../storage/view.h"

enum { RU_HEAD, US_HEAD, RU_EXPERT, US_EXPERT, NIDS };
static key_identity *id[NIDS];
static const char *names[NIDS] = { "ru-head", "us-head", "ru-expert",
	"us-expert" };
static const char *parties_of[NIDS] = { "RU", "US", "RU", "US" };

/* Each test's record and where it lives. */
struct fixture {
	char *dir;
	char *path;  /* the store directory, for reopening */
	record *r;
};

static int
group_setup(void **state)
{
	unsigned char seed[KEY_SEED_BYTES];
	int i;

	(void)state;
	if (sodium_init() < 0)
		return -1;
	for (i = 0; i < NIDS; i++) {
		memset(seed, 0x40 + i, sizeof(seed));
		if (key_identity_from_seed(&id[i], names[i], seed) != 0)
			return -1;
	}
	return 0;
}

static int
group_teardown(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < NIDS; i++)
		key_identity_free(id[i]);
	return 0;
}

/* setup() - a RU/US dialogue: both heads and one expert per side. */
static int
setup(void **state)
{
	static const char *const parties[] = { "RU", "US" };
	struct fixture *fx = calloc(1, sizeof(*fx));
	char hex[2 * ENTRY_HASH_BYTES + 1];
	record_member m[NIDS];
	record_genesis g;
	const char *why = NULL;
	int i;

	assert_non_null(fx);
	fx->dir = tu_tmpdir();
	memset(m, 0, sizeof(m));
	for (i = 0; i < NIDS; i++) {
		memcpy(m[i].pk, id[i]->pk, KEY_PK_BYTES);
		snprintf(m[i].name, sizeof(m[i].name), "%s", names[i]);
		snprintf(m[i].party, sizeof(m[i].party), "%s", parties_of[i]);
		m[i].role = i < 2 ? RECORD_ROLE_HEAD : RECORD_ROLE_DELEGATE;
	}
	memset(&g, 0, sizeof(g));
	g.title = "Тестовый диалог";
	g.parties = parties;
	g.nparties = 2;
	g.members = m;
	g.nmembers = NIDS;
	assert_int_equal(record_create(&fx->r, fx->dir, id[RU_HEAD], &g,
	    &why), 0);
	key_hex(hex, record_id(fx->r), ENTRY_HASH_BYTES);
	assert_true(asprintf(&fx->path, "%s/%s", fx->dir, hex) > 0);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	record_close(fx->r);
	free(fx->path);
	tu_rmtree(fx->dir);
	free(fx);
	return 0;
}

/*
 * put() - append payload p (consumed: a json_pack() result) as kind by
 * who; the new entry's hash in out (may be NULL).
 */
static void
put(record *r, int who, unsigned kind, json_t *p,
    unsigned char out[ENTRY_HASH_BYTES])
{
	unsigned char h[ENTRY_HASH_BYTES];
	char *text;

	assert_non_null(p);
	text = payload_dump(p);
	json_decref(p);
	assert_non_null(text);
	assert_int_equal(record_append(r, id[who], kind, text, h, NULL), 0);
	payload_free(text);
	if (out != NULL)
		memcpy(out, h, ENTRY_HASH_BYTES);
}

static json_t *
text(const char *body)
{
	return payload_text("en", "authentic", body);
}

/* status() - an agenda-status or commitment-status payload. */
static json_t *
status(int meeting, const unsigned char target[ENTRY_HASH_BYTES],
    const char *state)
{
	char hex[2 * ENTRY_HASH_BYTES + 1];

	key_hex(hex, target, ENTRY_HASH_BYTES);
	return json_pack("{s:i,s:i,s:s,s:s}", "v", 1, "meeting", meeting,
	    "target", hex, "state", state);
}

static json_t *
targeted(int meeting, const unsigned char target[ENTRY_HASH_BYTES],
    json_t *t)
{
	char hex[2 * ENTRY_HASH_BYTES + 1];
	json_t *p;

	key_hex(hex, target, ENTRY_HASH_BYTES);
	p = json_pack("{s:i,s:i,s:s}", "v", 1, "meeting", meeting, "target",
	    hex);
	if (t != NULL)
		json_object_set_new(p, "text", t);
	return p;
}

static void
test_free_null(void **state)
{
	(void)state;
	view_free(NULL);
}

/* A new dialogue: its genesis and key wrap, no meeting. */
static void
test_empty(void **state)
{
	struct fixture *fx = *state;
	const view_item *it;
	view *v = NULL;

	assert_int_equal(view_load(&v, fx->r), 0);
	assert_int_equal(view_nitems(v), 2);
	it = view_item_at(v, 0);
	assert_int_equal(it->kind, ENTRY_K_GENESIS);
	assert_int_equal(it->body, VIEW_BODY_OK);
	assert_string_equal(it->author_name, "ru-head");
	assert_string_equal(it->party, "RU");
	assert_int_equal(it->role, RECORD_ROLE_HEAD);
	assert_int_equal(it->seq, 0);
	assert_memory_equal(it->hash, record_id(fx->r), ENTRY_HASH_BYTES);
	assert_int_equal(view_item_at(v, 1)->kind, ENTRY_K_KEY_WRAP);
	assert_null(view_item_at(v, 2));
	assert_int_equal(view_nmeetings(v), 0);
	assert_null(view_current_meeting(v));
	assert_null(view_last_meeting(v));
	assert_null(view_current_agenda(v));
	assert_int_equal(view_ncommitments(v), 0);
	assert_int_equal(view_nparties(v), 2);
	assert_string_equal(view_party(v, 0), "RU");
	assert_string_equal(view_party(v, 1), "US");
	assert_false(view_locked(v));
	view_free(v);
}

/* Meetings open and close; agenda items get numbers and statuses. */
static void
test_meetings_agenda(void **state)
{
	struct fixture *fx = *state;
	unsigned char a1[32], a2[32], a3[32], n1[32];
	const view_meeting *m;
	const view_agenda *ag;
	const view_item *it;
	view *v = NULL;

	put(fx->r, RU_HEAD, ENTRY_K_MEETING_OPEN, json_pack(
	    "{s:i,s:i,s:s,s:s,s:s}", "v", 1, "meeting", 1, "title", "First",
	    "place", "Женева", "date", "2025-06-01"), NULL);
	put(fx->r, RU_HEAD, ENTRY_K_AGENDA, json_pack("{s:i,s:i,s:o}", "v", 1,
	    "meeting", 1, "text", text("Dialogue")), a1);
	put(fx->r, US_EXPERT, ENTRY_K_AGENDA, json_pack("{s:i,s:i,s:o}", "v",
	    1, "meeting", 1, "text", text("Channels")), a2);
	put(fx->r, RU_EXPERT, ENTRY_K_AGENDA_STATUS, status(1, a1, "current"),
	    NULL);

	assert_int_equal(view_load(&v, fx->r), 0);
	assert_int_equal(view_nmeetings(v), 1);
	m = view_meeting_at(v, 0);
	assert_int_equal(m->number, 1);
	assert_non_null(m->open);
	assert_null(m->close);
	assert_string_equal(m->title, "First");
	assert_string_equal(m->place, "Женева");
	assert_string_equal(m->date, "2025-06-01");
	assert_ptr_equal(view_current_meeting(v), m);
	assert_ptr_equal(view_last_meeting(v), m);
	assert_ptr_equal(view_meeting_find(v, 1), m);
	assert_null(view_meeting_find(v, 2));
	assert_int_equal(m->nagenda, 2);
	assert_memory_equal(m->agenda[0]->entry->hash, a1, 32);
	assert_int_equal(m->agenda[0]->number, 1);
	assert_int_equal(m->agenda[1]->number, 2);
	assert_string_equal(m->agenda[0]->state, "current");
	assert_null(m->agenda[1]->state);
	ag = view_current_agenda(v);
	assert_non_null(ag);
	assert_memory_equal(ag->entry->hash, a1, 32);
	assert_string_equal(view_text(ag->entry, NULL), "Dialogue");
	assert_ptr_equal(view_agenda_of(v, ag->entry), ag);
	assert_int_equal(view_nagenda(v), 2);
	view_free(v);

	/* Item 1 discussed, item 2 current; a note on item 2. */
	put(fx->r, RU_HEAD, ENTRY_K_AGENDA_STATUS, status(1, a1, "discussed"),
	    NULL);
	assert_int_equal(view_load(&v, fx->r), 0);
	assert_null(view_current_agenda(v));
	view_free(v);
	put(fx->r, US_HEAD, ENTRY_K_AGENDA_STATUS, status(1, a2, "current"),
	    NULL);
	{
		char hex[65];

		key_hex(hex, a2, 32);
		put(fx->r, RU_EXPERT, ENTRY_K_NOTE, json_pack(
		    "{s:i,s:i,s:s,s:o}", "v", 1, "meeting", 1, "item", hex,
		    "text", text("On channels")), n1);
	}
	assert_int_equal(view_load(&v, fx->r), 0);
	ag = view_current_agenda(v);
	assert_non_null(ag);
	assert_memory_equal(ag->entry->hash, a2, 32);
	assert_string_equal(view_meeting_at(v, 0)->agenda[0]->state,
	    "discussed");
	it = view_find(v, n1);
	assert_non_null(it);
	assert_non_null(it->item);
	assert_memory_equal(it->item->hash, a2, 32);
	assert_int_equal(it->meeting, 1);
	view_free(v);

	/*
	 * Close meeting 1, one side at a time: open until both have; agenda
	 * for meeting 2 before it opens; open it.
	 */
	put(fx->r, US_HEAD, ENTRY_K_MEETING_CLOSE, json_pack("{s:i,s:i}", "v",
	    1, "meeting", 1), NULL);
	assert_int_equal(view_load(&v, fx->r), 0);
	m = view_meeting_find(v, 1);
	assert_null(m->close);
	assert_non_null(view_meeting_closed_by(v, m, "US"));
	assert_null(view_meeting_closed_by(v, m, "RU"));
	assert_ptr_equal(view_current_meeting(v), m);
	assert_ptr_equal(view_current_meeting_for(v, "RU"), m);
	assert_null(view_current_meeting_for(v, "US"));
	view_free(v);
	put(fx->r, RU_HEAD, ENTRY_K_MEETING_CLOSE, json_pack("{s:i,s:i}", "v",
	    1, "meeting", 1), NULL);
	put(fx->r, US_HEAD, ENTRY_K_AGENDA, json_pack("{s:i,s:i,s:o}", "v", 1,
	    "meeting", 2, "text", text("Incidents")), a3);
	assert_int_equal(view_load(&v, fx->r), 0);
	assert_null(view_current_meeting(v));
	assert_null(view_current_agenda(v));
	m = view_last_meeting(v);
	assert_int_equal(m->number, 1);
	assert_non_null(m->close);
	assert_int_equal(view_nagenda(v), 3);
	assert_int_equal(view_agenda_at(v, 2)->meeting, 2);
	assert_int_equal(view_agenda_at(v, 2)->number, 1);
	view_free(v);
	put(fx->r, RU_HEAD, ENTRY_K_MEETING_OPEN, json_pack("{s:i,s:i}", "v",
	    1, "meeting", 2), NULL);
	assert_int_equal(view_load(&v, fx->r), 0);
	assert_int_equal(view_nmeetings(v), 2);
	m = view_current_meeting(v);
	assert_non_null(m);
	assert_int_equal(m->number, 2);
	assert_null(m->title);
	assert_int_equal(m->nagenda, 1);
	assert_memory_equal(m->agenda[0]->entry->hash, a3, 32);
	/* Item 2 was current in meeting 1: not the current item of 2. */
	assert_null(view_current_agenda(v));
	view_free(v);
}

/*
 * One current agenda item per meeting (issue 13): making an item current
 * sends the meeting's item current until then back to its state before;
 * another meeting's current item is left alone.
 */
static void
test_one_current(void **state)
{
	struct fixture *fx = *state;
	unsigned char a1[32], a2[32], a3[32], b1[32];
	const view_meeting *m;
	view *v = NULL;

	put(fx->r, RU_HEAD, ENTRY_K_MEETING_OPEN, json_pack("{s:i,s:i}", "v",
	    1, "meeting", 1), NULL);
	put(fx->r, RU_HEAD, ENTRY_K_AGENDA, json_pack("{s:i,s:i,s:o}", "v", 1,
	    "meeting", 1, "text", text("One")), a1);
	put(fx->r, RU_HEAD, ENTRY_K_AGENDA, json_pack("{s:i,s:i,s:o}", "v", 1,
	    "meeting", 1, "text", text("Two")), a2);
	put(fx->r, RU_HEAD, ENTRY_K_AGENDA, json_pack("{s:i,s:i,s:o}", "v", 1,
	    "meeting", 1, "text", text("Three")), a3);
	put(fx->r, US_HEAD, ENTRY_K_AGENDA, json_pack("{s:i,s:i,s:o}", "v", 1,
	    "meeting", 2, "text", text("Next time")), b1);
	put(fx->r, RU_HEAD, ENTRY_K_AGENDA_STATUS, status(2, b1, "current"),
	    NULL);
	put(fx->r, RU_EXPERT, ENTRY_K_AGENDA_STATUS, status(1, a1, "current"),
	    NULL);
	put(fx->r, RU_EXPERT, ENTRY_K_AGENDA_STATUS, status(1, a2,
	    "deferred"), NULL);
	put(fx->r, US_EXPERT, ENTRY_K_AGENDA_STATUS, status(1, a2, "current"),
	    NULL);
	put(fx->r, US_EXPERT, ENTRY_K_AGENDA_STATUS, status(1, a3, "current"),
	    NULL);

	/* a3 is the one current item; a2 is deferred again, a1 open */
	assert_int_equal(view_load(&v, fx->r), 0);
	m = view_meeting_find(v, 1);
	assert_non_null(m);
	assert_int_equal(m->nagenda, 3);
	assert_null(m->agenda[0]->state);
	assert_null(m->agenda[0]->status);
	assert_string_equal(m->agenda[1]->state, "deferred");
	assert_string_equal(m->agenda[2]->state, "current");
	assert_memory_equal(view_current_agenda(v)->entry->hash, a3, 32);
	/* meeting 2's item is its own meeting's current one */
	assert_string_equal(view_agenda_at(v, 3)->state, "current");
	view_free(v);

	/* a2 current again: a3 back to open, a2's "before" stays deferred */
	put(fx->r, RU_HEAD, ENTRY_K_AGENDA_STATUS, status(1, a2, "current"),
	    NULL);
	put(fx->r, RU_HEAD, ENTRY_K_AGENDA_STATUS, status(1, a1, "current"),
	    NULL);
	assert_int_equal(view_load(&v, fx->r), 0);
	m = view_meeting_find(v, 1);
	assert_string_equal(m->agenda[0]->state, "current");
	assert_string_equal(m->agenda[1]->state, "deferred");
	assert_null(m->agenda[2]->state);
	assert_memory_equal(view_current_agenda(v)->entry->hash, a1, 32);
	view_free(v);
}

/* Commitments: status by merged order, endorsements by heads, carried. */
static void
test_commitments(void **state)
{
	struct fixture *fx = *state;
	unsigned char c1[32], c2[32];
	const view_commitment *c;
	const view_item *it;
	view *v = NULL;

	put(fx->r, RU_HEAD, ENTRY_K_MEETING_OPEN, json_pack("{s:i,s:i}", "v",
	    1, "meeting", 1), NULL);
	put(fx->r, US_EXPERT, ENTRY_K_COMMITMENT, json_pack(
	    "{s:i,s:i,s:s,s:s,s:s,s:o}", "v", 1, "meeting", 1, "party", "US",
	    "owner", "CISA", "due", "2025-07-01", "text",
	    text("Designate a CERT contact")), c1);
	put(fx->r, RU_EXPERT, ENTRY_K_COMMITMENT, json_pack(
	    "{s:i,s:i,s:s,s:s,s:s,s:o}", "v", 1, "meeting", 1, "party", "RU",
	    "owner", "НКЦКИ", "due", "2025-08-01", "text",
	    payload_text("ru", "authentic", "Назначить контакт")), c2);

	assert_int_equal(view_load(&v, fx->r), 0);
	assert_int_equal(view_ncommitments(v), 2);
	c = view_commitment_at(v, 0);
	assert_memory_equal(c->entry->hash, c1, 32);
	assert_string_equal(c->party, "US");
	assert_string_equal(c->owner, "CISA");
	assert_string_equal(c->due, "2025-07-01");
	assert_int_equal(c->meeting, 1);
	assert_null(c->state);
	assert_null(c->item);
	assert_true(view_commitment_open(c));
	assert_int_equal(c->entry->nendorsed, 0);
	assert_false(c->entry->agreed);
	assert_string_equal(view_text(view_commitment_at(v, 1)->entry, NULL),
	    "Назначить контакт");
	view_free(v);

	put(fx->r, US_EXPERT, ENTRY_K_COMMITMENT_STATUS, status(1, c1,
	    "in-progress"), NULL);
	put(fx->r, US_HEAD, ENTRY_K_ENDORSEMENT, targeted(1, c1, NULL), NULL);
	assert_int_equal(view_load(&v, fx->r), 0);
	c = view_commitment_of(v, view_find(v, c1));
	assert_non_null(c);
	assert_string_equal(c->state, "in-progress");
	assert_true(view_commitment_open(c));
	assert_int_equal(c->entry->nendorsements, 1);
	assert_int_equal(c->entry->nendorsed, 1);
	assert_string_equal(c->entry->endorsed[0], "US");
	assert_false(c->entry->agreed);
	view_free(v);

	/* Carried into meeting 2; endorsed by RU; fulfilled there. */
	put(fx->r, RU_HEAD, ENTRY_K_MEETING_CLOSE, json_pack("{s:i,s:i}", "v",
	    1, "meeting", 1), NULL);
	put(fx->r, RU_HEAD, ENTRY_K_MEETING_OPEN, json_pack("{s:i,s:i}", "v",
	    1, "meeting", 2), NULL);
	put(fx->r, RU_HEAD, ENTRY_K_ENDORSEMENT, targeted(2, c1, NULL), NULL);
	put(fx->r, US_HEAD, ENTRY_K_COMMITMENT_STATUS, status(2, c1,
	    "fulfilled"), NULL);
	put(fx->r, RU_EXPERT, ENTRY_K_COMMITMENT_STATUS, status(2, c2,
	    "withdrawn"), NULL);
	assert_int_equal(view_load(&v, fx->r), 0);
	c = view_commitment_at(v, 0);
	assert_string_equal(c->state, "fulfilled");
	assert_int_equal(c->status->meeting, 2);
	assert_int_equal(c->meeting, 1);
	assert_false(view_commitment_open(c));
	assert_int_equal(c->entry->nendorsed, 2);
	/* In genesis order, whatever the order of the endorsements. */
	assert_string_equal(c->entry->endorsed[0], "RU");
	assert_string_equal(c->entry->endorsed[1], "US");
	assert_true(c->entry->agreed);
	it = c->entry->endorsements[1];
	assert_int_equal(it->kind, ENTRY_K_ENDORSEMENT);
	assert_ptr_equal(it->target, c->entry);
	assert_false(view_commitment_open(view_commitment_at(v, 1)));
	view_free(v);
}

/* A correction is linked to the entry it corrects; both stay. */
static void
test_corrections(void **state)
{
	struct fixture *fx = *state;
	unsigned char n1[32], k1[32], k2[32];
	const view_item *it;
	view *v = NULL;

	put(fx->r, RU_HEAD, ENTRY_K_MEETING_OPEN, json_pack("{s:i,s:i}", "v",
	    1, "meeting", 1), NULL);
	put(fx->r, RU_EXPERT, ENTRY_K_NOTE, json_pack("{s:i,s:i,s:o}", "v", 1,
	    "meeting", 1, "text", payload_text("ru", "authentic",
	    "Встречи дважды в год")), n1);
	put(fx->r, RU_EXPERT, ENTRY_K_CORRECTION, targeted(1, n1,
	    payload_text("ru", "authentic", "Встречи трижды в год")), k1);
	put(fx->r, US_EXPERT, ENTRY_K_CORRECTION, targeted(1, n1,
	    text("Three times a year")), k2);
	assert_int_equal(view_load(&v, fx->r), 0);
	it = view_find(v, n1);
	assert_non_null(it);
	assert_string_equal(view_text(it, NULL), "Встречи дважды в год");
	assert_int_equal(it->ncorrections, 2);
	assert_memory_equal(it->corrections[0]->hash, k1, 32);
	assert_memory_equal(it->corrections[1]->hash, k2, 32);
	assert_ptr_equal(it->corrections[0]->target, it);
	assert_string_equal(view_text(it->corrections[0], NULL),
	    "Встречи трижды в год");
	assert_string_equal(it->corrections[1]->author_name, "us-expert");
	assert_int_equal(view_find(v, k1)->ncorrections, 0);
	/* merged order: the correction comes after the note */
	assert_true(view_find(v, k1)->index > it->index);
	view_free(v);
}

/* Lookup by hash and by hex prefix. */
static void
test_find(void **state)
{
	struct fixture *fx = *state;
	const view_item *it, *g;
	char pre[16];
	view *v = NULL;
	size_t i;

	assert_int_equal(view_load(&v, fx->r), 0);
	g = view_item_at(v, 0);
	assert_ptr_equal(view_find(v, g->hash), g);
	memcpy(pre, g->hex, 8);
	pre[8] = '\0';
	assert_int_equal(view_find_prefix(&it, v, pre), 0);
	assert_ptr_equal(it, g);
	for (i = 0; i < 8; i++)
		pre[i] = (char)toupper((unsigned char)pre[i]);
	assert_int_equal(view_find_prefix(&it, v, pre), 0);
	assert_ptr_equal(it, g);
	assert_int_equal(view_find_prefix(&it, v, g->hex), 0);
	assert_int_equal(view_find_prefix(&it, v, "abc"), DT_EINVAL);
	assert_int_equal(view_find_prefix(&it, v, "xyzw"), DT_EINVAL);
	assert_null(it);
	/* a prefix that differs from both entries in its first digit */
	snprintf(pre, sizeof(pre), "%c000", g->hex[0] == '0' ? '1' : '0');
	if (view_item_at(v, 1)->hex[0] != pre[0])
		assert_int_equal(view_find_prefix(&it, v, pre), DT_ENOENT);
	{
		unsigned char zero[32] = { 0 };

		assert_null(view_find(v, zero));
	}
	view_free(v);
}

/* Without the key: structure only, content marked locked. */
static void
test_locked(void **state)
{
	struct fixture *fx = *state;
	const view_item *it;
	record *r = NULL;
	view *v = NULL;
	size_t i, locked = 0;

	put(fx->r, RU_HEAD, ENTRY_K_MEETING_OPEN, json_pack("{s:i,s:i}", "v",
	    1, "meeting", 1), NULL);
	put(fx->r, US_EXPERT, ENTRY_K_NOTE, json_pack("{s:i,s:i,s:o}", "v", 1,
	    "meeting", 1, "text", text("secret")), NULL);
	record_close(fx->r);
	fx->r = NULL;
	assert_int_equal(record_open(&r, fx->path), 0);
	assert_null(record_key(r));
	assert_int_equal(view_load(&v, r), 0);
	assert_int_equal(view_nitems(v), 4);
	for (i = 0; i < view_nitems(v); i++) {
		it = view_item_at(v, i);
		if (entry_kind_is_content(it->kind)) {
			assert_int_equal(it->body, VIEW_BODY_LOCKED);
			assert_null(it->payload);
			assert_null(view_text(it, NULL));
			locked++;
		} else
			assert_int_equal(it->body, VIEW_BODY_OK);
	}
	assert_int_equal(locked, 2);
	assert_true(view_locked(v));
	assert_int_equal(view_nmeetings(v), 0);
	assert_string_equal(view_item_at(v, 3)->author_name, "us-expert");
	/* The view outlives the record. */
	record_close(r);
	assert_int_equal(view_item_at(v, 3)->seq, 0);
	view_free(v);
	/* Unlocked by a member, the same record shows everything. */
	assert_int_equal(record_open(&fx->r, fx->path), 0);
	assert_int_equal(record_unlock(fx->r, id[US_EXPERT]), 0);
	assert_int_equal(view_load(&v, fx->r), 0);
	assert_false(view_locked(v));
	assert_string_equal(view_text(view_item_at(v, 3), NULL), "secret");
	assert_int_equal(view_nmeetings(v), 1);
	view_free(v);
}

/* item_note() - a note on agenda item a (NULL: none) saying body. */
static json_t *
item_note(const unsigned char *a, const char *body)
{
	char hex[2 * ENTRY_HASH_BYTES + 1];
	json_t *p = json_pack("{s:i,s:i,s:o}", "v", 1, "meeting", 1, "text",
	    text(body));

	if (a != NULL) {
		key_hex(hex, a, ENTRY_HASH_BYTES);
		json_object_set_new(p, "item", json_string(hex));
	}
	return p;
}

/* same_tail() - b from bfrom on holds exactly full's items from from on. */
static void
same_tail(const view *full, size_t from, const view *b, size_t bfrom)
{
	size_t i;

	assert_int_equal(view_nitems(full) - from, view_nitems(b) - bfrom);
	for (i = 0; from + i < view_nitems(full); i++) {
		const view_item *x = view_item_at(full, from + i);
		const view_item *y = view_item_at(b, bfrom + i);

		assert_memory_equal(x->hash, y->hash, 32);
		assert_int_equal(y->index, bfrom + i);
		assert_int_equal(x->nendorsed, y->nendorsed);
		assert_int_equal(x->ncorrections, y->ncorrections);
		assert_int_equal(x->item != NULL, y->item != NULL);
	}
}

/*
 * Bounded views: the structure through the kinds index, a window of the
 * newest notes, in merged order; deferred kinds completed later; older
 * notes added by extending; new entries by refreshing; another filter by
 * re-windowing; one old entry (and its target) on request.  Wherever a
 * bounded view has all of something, it agrees with the full view.
 */
static void
test_window(void **state)
{
	struct fixture *fx = *state;
	unsigned char a1[32], a2[32], c1[32], n[40][32], corr[32];
	view *full = NULL, *v = NULL, *v2 = NULL;
	const view_item *it;
	view_window w;
	size_t i, span;
	int k;

	put(fx->r, RU_HEAD, ENTRY_K_MEETING_OPEN, json_pack("{s:i,s:i}", "v",
	    1, "meeting", 1), NULL);
	put(fx->r, RU_HEAD, ENTRY_K_AGENDA, json_pack("{s:i,s:i,s:o}", "v", 1,
	    "meeting", 1, "text", text("One")), a1);
	put(fx->r, RU_HEAD, ENTRY_K_AGENDA, json_pack("{s:i,s:i,s:o}", "v", 1,
	    "meeting", 1, "text", text("Two")), a2);
	put(fx->r, US_HEAD, ENTRY_K_COMMITMENT, json_pack(
	    "{s:i,s:i,s:s,s:s,s:s,s:o}", "v", 1, "meeting", 1, "party", "US",
	    "owner", "CERT", "due", "2030-01-01", "text", text("Do it")), c1);
	put(fx->r, RU_HEAD, ENTRY_K_ENDORSEMENT, targeted(1, c1, NULL), NULL);
	put(fx->r, US_HEAD, ENTRY_K_ENDORSEMENT, targeted(1, c1, NULL), NULL);
	for (k = 0; k < 30; k++)
		put(fx->r, k % 2 ? RU_EXPERT : US_EXPERT, ENTRY_K_NOTE,
		    item_note(k % 3 ? a1 : a2, "note"), n[k]);
	put(fx->r, RU_EXPERT, ENTRY_K_CORRECTION, targeted(1, n[2],
	    text("fixed")), corr);
	for (; k < 34; k++)
		put(fx->r, US_EXPERT, ENTRY_K_NOTE, item_note(a1, "late"),
		    n[k]);
	assert_int_equal(view_load(&full, fx->r), 0);
	assert_false(view_windowed(full));
	assert_int_equal(view_span(full), 0);

	/* the newest 5 notes, the whole structure */
	memset(&w, 0, sizeof(w));
	w.count = 5;
	assert_int_equal(view_load_window(&v, fx->r, &w, NULL), 0);
	assert_true(view_windowed(v));
	assert_true(view_has_older(v));
	assert_false(view_deferred(v));
	assert_int_equal(view_window_items(v), 5);
	span = view_span(v);
	same_tail(full, view_nitems(full) - 6, v, span); /* and corr */
	for (i = 1; i < view_nitems(v); i++)
		assert_true(view_item_at(v, i - 1)->clock <
		    view_item_at(v, i)->clock);
	assert_int_equal(view_ncommitments(v), 1);
	assert_int_equal(view_commitment_at(v, 0)->entry->nendorsed, 2);
	assert_true(view_commitment_at(v, 0)->entry->agreed);
	assert_int_equal(view_nagenda(v), 2);
	assert_non_null(view_current_meeting(v));
	assert_non_null(view_find(v, corr));  /* a correction: indexed */
	assert_null(view_find(v, n[2]));      /* its target: not loaded */
	assert_null(view_find(v, corr)->target);

	/* older: 5 more, then all the rest; then it agrees with the full */
	assert_int_equal(view_extend(&v2, v, fx->r, 5), 0);
	view_free(v);
	v = v2;
	assert_int_equal(view_window_items(v), 10);
	same_tail(full, view_nitems(full) - 11, v, view_span(v)); /* + corr */
	assert_int_equal(view_extend(&v2, v, fx->r, 1000), 0);
	view_free(v);
	v = v2;
	assert_false(view_has_older(v));
	assert_int_equal(view_span(v), 0);
	same_tail(full, 0, v, 0);
	assert_ptr_equal(view_find(v, corr)->target, view_find(v, n[2]));
	view_free(v);

	/* deferred endorsements: missing before the span until completed */
	w.count = 3;
	w.defer = VIEW_KIND(ENTRY_K_ENDORSEMENT);
	assert_int_equal(view_load_window(&v, fx->r, &w, NULL), 0);
	assert_true(view_deferred(v));
	assert_int_equal(view_commitment_at(v, 0)->entry->nendorsed, 0);
	assert_int_equal(view_complete(&v2, v, fx->r), 0);
	view_free(v);
	v = v2;
	assert_false(view_deferred(v));
	assert_int_equal(view_commitment_at(v, 0)->entry->nendorsed, 2);
	same_tail(full, view_nitems(full) - 3, v, view_span(v));

	/* refresh: what was appended since, and nothing twice */
	put(fx->r, RU_EXPERT, ENTRY_K_NOTE, item_note(a1, "newer"), n[34]);
	put(fx->r, RU_HEAD, ENTRY_K_AGENDA_STATUS, status(1, a2, "current"),
	    NULL);
	assert_int_equal(view_refresh(&v2, v, fx->r), 0);
	view_free(v);
	v = v2;
	assert_int_equal(view_window_items(v), 4);
	assert_memory_equal(view_item_at(v, view_nitems(v) - 2)->hash, n[34],
	    32);
	assert_non_null(view_current_agenda(v));
	assert_memory_equal(view_current_agenda(v)->entry->hash, a2, 32);
	view_free(full);
	assert_int_equal(view_load(&full, fx->r), 0);
	same_tail(full, view_nitems(full) - 5, v, view_span(v));

	/* another filter: only item two's notes, without decrypting again */
	w.item = a2;
	assert_int_equal(view_rewindow(&v2, v, fx->r, &w), 0);
	view_free(v);
	v = v2;
	assert_int_equal(view_window_items(v), 3);
	for (i = view_span(v); i < view_nitems(v); i++) {
		it = view_item_at(v, i);
		if (it->kind == ENTRY_K_NOTE)
			assert_memory_equal(it->item->hash, a2, 32);
	}
	/* a budget stops a walk early, and says there is more */
	view_free(v);
	w.count = 100;
	w.budget = 4;
	assert_int_equal(view_load_window(&v, fx->r, &w, NULL), 0);
	assert_true(view_has_older(v));
	assert_true(view_window_items(v) <= 4);
	view_free(v);

	/* no window, one old entry and what it targets */
	memset(&w, 0, sizeof(w));
	w.also = corr;
	assert_int_equal(view_load_window(&v, fx->r, &w, NULL), 0);
	assert_int_equal(view_window_items(v), 0);
	assert_non_null(view_find(v, n[2]));
	assert_ptr_equal(view_find(v, corr)->target, view_find(v, n[2]));
	assert_int_equal(view_find(v, n[2])->ncorrections, 1);
	view_free(v);
	view_free(full);
}

/* same_commitments() - b's commitments are full's last ones, linked alike. */
static void
same_commitments(const view *full, const view *b)
{
	size_t nf = view_ncommitments(full), nb = view_ncommitments(b), i;

	assert_true(nb <= nf);
	for (i = 0; i < nb; i++) {
		const view_commitment *x = view_commitment_at(full, nf - nb + i);
		const view_commitment *y = view_commitment_at(b, i);

		assert_memory_equal(x->entry->hash, y->entry->hash, 32);
		assert_int_equal(x->state != NULL, y->state != NULL);
		if (x->state != NULL)
			assert_string_equal(x->state, y->state);
		assert_int_equal(x->entry->nendorsed, y->entry->nendorsed);
		assert_int_equal(x->entry->agreed, y->entry->agreed);
		assert_int_equal(x->entry->ncorrections,
		    y->entry->ncorrections);
	}
}

/*
 * Bounded commitments (view_window.commitments, issue 18): before the
 * span, only the newest few commitments and what targets what the view
 * holds, so that the UI's memory does not grow with the record; older
 * ones on request, linked as in the full view; and the span stays
 * complete when it grows back (extend, re-window).
 */
static void
test_window_commitments(void **state)
{
	struct fixture *fx = *state;
	unsigned char a1[32], c[12][32], e[12][32], corr[32], st[32];
	view *full = NULL, *v = NULL, *v2 = NULL;
	view_window w;
	size_t i;
	int k;

	put(fx->r, RU_HEAD, ENTRY_K_MEETING_OPEN, json_pack("{s:i,s:i}", "v",
	    1, "meeting", 1), NULL);
	put(fx->r, RU_HEAD, ENTRY_K_AGENDA, json_pack("{s:i,s:i,s:o}", "v", 1,
	    "meeting", 1, "text", text("One")), a1);
	for (k = 0; k < 12; k++) {
		put(fx->r, US_HEAD, ENTRY_K_COMMITMENT, json_pack(
		    "{s:i,s:i,s:s,s:s,s:s,s:o}", "v", 1, "meeting", 1,
		    "party", "US", "owner", "CERT", "due", "2030-01-01",
		    "text", text("Do it")), c[k]);
		put(fx->r, RU_HEAD, ENTRY_K_ENDORSEMENT, targeted(1, c[k],
		    NULL), e[k]);
		if (k % 3 == 0)
			put(fx->r, US_HEAD, ENTRY_K_ENDORSEMENT, targeted(1,
			    c[k], NULL), NULL);
		put(fx->r, k % 2 ? RU_EXPERT : US_EXPERT, ENTRY_K_NOTE,
		    item_note(a1, "between"), NULL);
	}
	put(fx->r, US_HEAD, ENTRY_K_COMMITMENT_STATUS, status(1, c[1],
	    "fulfilled"), st);
	put(fx->r, US_HEAD, ENTRY_K_COMMITMENT_STATUS, status(1, c[9],
	    "withdrawn"), NULL);
	put(fx->r, US_HEAD, ENTRY_K_CORRECTION, targeted(1, c[2],
	    text("Do it twice")), corr);
	for (k = 0; k < 6; k++)
		put(fx->r, US_EXPERT, ENTRY_K_NOTE, item_note(a1, "late"),
		    NULL);
	assert_int_equal(view_load(&full, fx->r), 0);
	assert_int_equal(view_ncommitments(full), 12);

	/* the newest 4 commitments before a window of 3 notes */
	memset(&w, 0, sizeof(w));
	w.count = 3;
	w.commitments = 4;
	w.defer = VIEW_KIND(ENTRY_K_ENDORSEMENT) |
	    VIEW_KIND(ENTRY_K_CORRECTION);
	assert_int_equal(view_load_window(&v, fx->r, &w, NULL), 0);
	assert_true(view_commitments_older(v));
	assert_int_equal(view_ncommitments(v), 4);
	assert_int_equal(view_complete(&v2, v, fx->r), 0);
	view_free(v);
	v = v2;
	assert_true(view_commitments_older(v));
	same_commitments(full, v);
	assert_string_equal(view_commitment_at(v, 1)->state, "withdrawn");
	assert_null(view_find(v, c[0]));
	assert_null(view_find(v, e[0]));  /* its endorsement: left out */
	assert_non_null(view_find(v, e[11]));
	assert_null(view_find(v, st));    /* c[1]'s status: left out */
	assert_null(view_find(v, corr));  /* c[2]'s correction: left out */
	assert_true(view_nitems(v) < view_nitems(full));
	same_tail(full, view_nitems(full) - 3, v, view_span(v));

	/* 4 more, then the rest: then every commitment, as in the full */
	assert_int_equal(view_extend_commitments(&v2, v, fx->r, 4), 0);
	view_free(v);
	v = v2;
	assert_int_equal(view_ncommitments(v), 8);
	assert_true(view_commitments_older(v));
	same_commitments(full, v);
	assert_int_equal(view_extend_commitments(&v2, v, fx->r, 100), 0);
	view_free(v);
	v = v2;
	assert_false(view_commitments_older(v));
	assert_int_equal(view_ncommitments(v), 12);
	same_commitments(full, v);
	assert_string_equal(view_commitment_at(v, 1)->state, "fulfilled");
	assert_int_equal(view_find(v, c[2])->ncorrections, 1);
	same_tail(full, view_nitems(full) - 3, v, view_span(v));
	view_free(v);

	/* the span grows back over what was left out: it is complete */
	assert_int_equal(view_load_window(&v, fx->r, &w, NULL), 0);
	assert_int_equal(view_complete(&v2, v, fx->r), 0);
	view_free(v);
	v = v2;
	assert_int_equal(view_extend(&v2, v, fx->r, 10), 0);
	view_free(v);
	v = v2;
	same_tail(full, view_nitems(full) - (view_nitems(v) - view_span(v)),
	    v, view_span(v));
	assert_int_equal(view_extend(&v2, v, fx->r, 1000), 0);
	view_free(v);
	v = v2;
	assert_int_equal(view_span(v), 0);
	same_tail(full, 0, v, 0);
	assert_false(view_has_older(v));
	view_free(v);

	/* without deferring, and re-windowed to the whole record */
	w.defer = 0;
	assert_int_equal(view_load_window(&v, fx->r, &w, NULL), 0);
	same_commitments(full, v);
	w.count = 1000;
	assert_int_equal(view_rewindow(&v2, v, fx->r, &w), 0);
	view_free(v);
	v = v2;
	assert_int_equal(view_span(v), 0);
	same_tail(full, 0, v, 0);
	for (i = 0; i < view_ncommitments(v); i++)
		assert_non_null(view_commitment_at(v, i)->entry);
	view_free(v);
	view_free(full);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_free_null),
		cmocka_unit_test_setup_teardown(test_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_meetings_agenda, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_one_current, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_commitments, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_corrections, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_find, setup, teardown),
		cmocka_unit_test_setup_teardown(test_locked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_window, setup, teardown),
		cmocka_unit_test_setup_teardown(test_window_commitments, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
