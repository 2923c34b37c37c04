/*
 * test_minutes.c: the minutes of a meeting (storage/minutes.h): their
 * scope (the causal past of the meeting's close), determinism, structure
 * in the three formats, "agreed" only with every head's endorsement,
 * commitments carried over, corrections beside their originals,
 * languages, attendance, the identification line and trusted comments.
 * Records are built through the library with identities from fixed seeds.
 */
#include "test_util.h"

#include <jansson.h>
#include <sodium.h>

#include "../../crypto/err.h"
#include "../../crypto/keys.h"
#include "../../storage/entry.h"
#include "../../storage/lang.h"
#include "../../storage/minutes.h"
#include "../../storage/minutes_lang.h"
#include "../../storage/payload.h"
#include "../../storage/record.h"
#include "../../storage/view.h"

enum { RU_HEAD, US_HEAD, RU_EXPERT, US_EXPERT, NIDS };
static key_identity *id[NIDS];
static const char *names[NIDS] = { "ru-head", "us-head", "ru-expert",
	"us-expert" };
static const char *parties_of[NIDS] = { "RU", "US", "RU", "US" };

struct fixture {
	char *dir;
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
	payload_wipe_alloc();
	for (i = 0; i < NIDS; i++) {
		memset(seed, 0x50 + i, sizeof(seed));
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

static int
setup(void **state)
{
	static const char *const parties[] = { "RU", "US" };
	struct fixture *fx = calloc(1, sizeof(*fx));
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
	g.time_ms = 1750000000000ULL;
	assert_int_equal(record_create(&fx->r, fx->dir, id[RU_HEAD], &g, &why),
	    0);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	record_close(fx->r);
	tu_rmtree(fx->dir);
	free(fx);
	return 0;
}

/* put_rc() - append payload p (consumed) as kind by who; its code. */
static int
put_rc(record *r, int who, unsigned kind, json_t *p)
{
	unsigned char h[ENTRY_HASH_BYTES];
	char *text;
	int rc;

	assert_non_null(p);
	text = payload_dump(p);
	json_decref(p);
	assert_non_null(text);
	rc = record_append(r, id[who], kind, text, h, NULL);
	payload_free(text);
	return rc;
}

/* put() - append payload p (consumed) as kind by who; hash in out. */
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
text_en(const char *body)
{
	return payload_text("en", "authentic", body);
}

static json_t *
text2(const char *en, const char *ru)
{
	json_t *t = payload_text("en", "authentic", en);

	json_array_append_new(t,
	    json_pack("{s:s,s:s,s:s}", "lang", "ru", "role", "translation",
		"body", ru));
	return t;
}

static void
hexof(char out[2 * ENTRY_HASH_BYTES + 1], const unsigned char *h)
{
	key_hex(out, h, ENTRY_HASH_BYTES);
}

/* record_of() - a note, decision ... in meeting, under item (or none). */
static json_t *
record_of(int meeting, const unsigned char *item, json_t *text)
{
	char hex[2 * ENTRY_HASH_BYTES + 1];
	json_t *p = json_pack("{s:i,s:i,s:o}", "v", 1, "meeting", meeting,
	    "text", text);

	if (item != NULL) {
		hexof(hex, item);
		json_object_set_new(p, "item", json_string(hex));
	}
	return p;
}

static json_t *
targeted(int meeting, const unsigned char *target, const char *field,
    const char *value)
{
	char hex[2 * ENTRY_HASH_BYTES + 1];
	json_t *p;

	hexof(hex, target);
	p = json_pack("{s:i,s:i,s:s}", "v", 1, "meeting", meeting, "target",
	    hex);
	if (field != NULL)
		json_object_set_new(p, field, json_string(value));
	return p;
}

static json_t *
commitment(int meeting, const unsigned char *item, const char *party,
    const char *owner, json_t *text)
{
	json_t *p = record_of(meeting, item, text);

	json_object_set_new(p, "party", json_string(party));
	json_object_set_new(p, "owner", json_string(owner));
	json_object_set_new(p, "due", json_string("2030-01-31"));
	return p;
}

static void
open_meeting(record *r, int who, int n)
{
	put(r, who, ENTRY_K_MEETING_OPEN,
	    json_pack("{s:i,s:i,s:s,s:s,s:s}", "v", 1, "meeting", n, "title",
		"Round", "place", "Женева", "date", "2030-01-01"),
	    NULL);
}

/* close_side() - who closes meeting n for its party only. */
static void
close_side(record *r, int who, int n)
{
	put(r, who, ENTRY_K_MEETING_CLOSE,
	    json_pack("{s:i,s:i}", "v", 1, "meeting", n), NULL);
}

/*
 * close_meeting() - who closes meeting n, then the other party's head:
 * closing is per side, and the minutes are final once both have.
 */
static void
close_meeting(record *r, int who, int n)
{
	close_side(r, who, n);
	close_side(r, who == RU_HEAD || who == RU_EXPERT ? US_HEAD : RU_HEAD,
	    n);
}

/* render() - the minutes of meeting n of r, as it is now. */
static char *
render(record *r, int64_t n, minutes_format fmt, const char *lang)
{
	minutes_scope s;
	view *v = NULL;
	char *out = NULL;
	size_t len = 0;

	assert_int_equal(view_load(&v, r), 0);
	assert_int_equal(minutes_scope_get(&s, r, v, n), 0);
	assert_int_equal(minutes_render(&out, &len, v, &s, fmt, lang), 0);
	assert_int_equal(strlen(out), len);
	minutes_scope_done(&s);
	view_free(v);
	return out;
}

static json_t *
render_json(record *r, int64_t n, const char *lang)
{
	char *s = render(r, n, MINUTES_JSON, lang);
	json_error_t e;
	json_t *j = json_loads(s, JSON_REJECT_DUPLICATES, &e);

	assert_non_null(j);
	free(s);
	return j;
}

/* has() - 1 if s contains needle. */
static int
has(const char *s, const char *needle)
{
	return strstr(s, needle) != NULL;
}

/*
 * meeting1() - meeting 1: two agenda items, a note, statements, a
 * decision and a commitment (both endorsed by RU only for now).
 */
static void
meeting1(record *r, unsigned char a1[32], unsigned char dec[32],
    unsigned char com[32])
{
	unsigned char a2[32];

	open_meeting(r, RU_HEAD, 1);
	put(r, RU_HEAD, ENTRY_K_AGENDA,
	    record_of(1, NULL, text2("Dialogue", "Диалог")), a1);
	put(r, US_EXPERT, ENTRY_K_AGENDA,
	    record_of(1, NULL, text_en("Channels")), a2);
	put(r, RU_EXPERT, ENTRY_K_NOTE,
	    record_of(1, a1,
		payload_text("ru", "authentic", "Заметка эксперта")),
	    NULL);
	put(r, US_HEAD, ENTRY_K_DECISION,
	    record_of(1, a1,
		text2("Meet twice a year", "Встречаться два раза в год")),
	    dec);
	put(r, US_HEAD, ENTRY_K_COMMITMENT,
	    commitment(1, a2, "US", "US CERT", text_en("Name a CERT contact")),
	    com);
	put(r, RU_HEAD, ENTRY_K_ENDORSEMENT, targeted(1, dec, NULL, NULL),
	    NULL);
	put(r, RU_HEAD, ENTRY_K_ENDORSEMENT, targeted(1, com, NULL, NULL),
	    NULL);
}

/* --- tests ------------------------------------------------------------ */

/* The scope: the causal past of the close; a draft while open. */
static void
test_scope(void **state)
{
	struct fixture *fx = *state;
	unsigned char a1[32], dec[32], com[32];
	minutes_scope s;
	view *v = NULL;
	size_t before, i;
	uint64_t total = 0;

	meeting1(fx->r, a1, dec, com);
	assert_int_equal(view_load(&v, fx->r), 0);
	assert_int_equal(minutes_scope_get(&s, fx->r, v, 2), DT_ENOENT);
	assert_int_equal(minutes_scope_get(&s, fx->r, v, 1), 0);
	assert_true(s.draft);
	assert_null(s.close);
	assert_int_equal(s.nentries, view_nitems(v));
	minutes_scope_done(&s);
	view_free(v);

	/* US closes: a draft still, until RU closes too */
	close_side(fx->r, US_EXPERT, 1);
	assert_int_equal(view_load(&v, fx->r), 0);
	assert_int_equal(minutes_scope_get(&s, fx->r, v, 1), 0);
	assert_true(s.draft);
	assert_null(view_meeting_find(v, 1)->close);
	assert_non_null(view_meeting_closed_by(v, view_meeting_find(v, 1),
	    "US"));
	assert_null(view_meeting_closed_by(v, view_meeting_find(v, 1), "RU"));
	minutes_scope_done(&s);
	view_free(v);
	/* US writes nothing more in meeting 1 (a late entry); RU still does */
	assert_int_equal(put_rc(fx->r, US_HEAD, ENTRY_K_NOTE,
	    record_of(1, a1, text_en("US, after its close"))), DT_ESTATE);
	put(fx->r, RU_EXPERT, ENTRY_K_NOTE,
	    record_of(1, a1, text_en("RU, after the US close")), NULL);
	close_side(fx->r, RU_HEAD, 1);
	assert_int_equal(put_rc(fx->r, RU_EXPERT, ENTRY_K_NOTE,
	    record_of(1, a1, text_en("RU, after its close"))), DT_ESTATE);
	/* the next meeting's agenda, after both closes */
	put(fx->r, RU_EXPERT, ENTRY_K_AGENDA,
	    record_of(2, NULL, text_en("for meeting 2")), NULL);
	assert_int_equal(view_load(&v, fx->r), 0);
	before = view_nitems(v);
	assert_int_equal(minutes_scope_get(&s, fx->r, v, 1), 0);
	assert_false(s.draft);
	assert_non_null(s.close);
	assert_int_equal(s.close->kind, ENTRY_K_MEETING_CLOSE);
	/* everything but the agenda written after both closes: RU's note
	 * after the US close is in it */
	assert_int_equal(s.nentries, before - 1);
	assert_int_equal(s.nfeeds, 4);
	for (i = 0; i < s.nfeeds; i++) {
		total += s.feeds[i].size;
		if (i > 0)
			assert_true(memcmp(s.feeds[i - 1].author,
					s.feeds[i].author, KEY_PK_BYTES) < 0);
	}
	assert_int_equal(total, s.nentries);
	assert_true(minutes_in_scope(&s, s.close));
	assert_false(minutes_in_scope(&s, view_item_at(v, before - 1)));
	assert_true(minutes_in_scope(&s, view_item_at(v, 0)));
	minutes_scope_done(&s);
	minutes_scope_done(&s);
	view_free(v);
}

/*
 * Two renders are byte-identical, and so is a render after entries
 * written since the close, and after reopening the record.
 */
static void
test_deterministic(void **state)
{
	struct fixture *fx = *state;
	unsigned char a1[32], dec[32], com[32];
	static const minutes_format fmts[] = { MINUTES_MD, MINUTES_TXT,
		MINUTES_JSON };
	char *a[3], *b, hex[65], path[1024];
	size_t f;

	meeting1(fx->r, a1, dec, com);
	close_meeting(fx->r, RU_HEAD, 1);
	for (f = 0; f < 3; f++) {
		a[f] = render(fx->r, 1, fmts[f], "both");
		b = render(fx->r, 1, fmts[f], "both");
		assert_string_equal(a[f], b);
		free(b);
	}
	/* after the close: meeting 2, an endorsement, a note, a correction */
	assert_int_equal(put_rc(fx->r, US_HEAD, ENTRY_K_ENDORSEMENT,
	    targeted(1, dec, NULL, NULL)), DT_ESTATE);
	open_meeting(fx->r, US_HEAD, 2);
	put(fx->r, US_HEAD, ENTRY_K_ENDORSEMENT, targeted(2, dec, NULL, NULL),
	    NULL);
	put(fx->r, RU_EXPERT, ENTRY_K_NOTE, record_of(2, NULL,
	    text_en("later")), NULL);
	{
		json_t *p = targeted(2, dec, NULL, NULL);

		json_object_set_new(p, "text", text_en("later correction"));
		put(fx->r, RU_EXPERT, ENTRY_K_CORRECTION, p, NULL);
	}
	hexof(hex, record_id(fx->r));
	snprintf(path, sizeof(path), "%s/%s", fx->dir, hex);
	record_close(fx->r);
	assert_int_equal(record_open(&fx->r, path), 0);
	assert_int_equal(record_unlock(fx->r, id[US_EXPERT]), 0);
	for (f = 0; f < 3; f++) {
		b = render(fx->r, 1, fmts[f], "both");
		assert_string_equal(a[f], b);
		free(b);
		free(a[f]);
	}
}

/* Every format says what it is; the JSON carries the documented fields. */
static void
test_structure(void **state)
{
	struct fixture *fx = *state;
	unsigned char a1[32], dec[32], com[32];
	static const char *const top[] = { "format", "version", "dialogue",
		"title", "parties", "meeting", "status", "lang", "languages",
		"meeting_title", "place", "date", "opened", "closed",
		"participants", "agenda", "other_records", "commitments",
		"other_corrections", "integrity", NULL };
	char *md, *txt, dhex[65];
	json_t *j, *in, *rec;
	minutes_id mid;
	size_t i;

	meeting1(fx->r, a1, dec, com);
	put(fx->r, RU_EXPERT, ENTRY_K_PROPOSAL,
	    record_of(1, NULL, text_en("Not under an item")), NULL);
	close_meeting(fx->r, RU_HEAD, 1);
	hexof(dhex, record_id(fx->r));

	md = render(fx->r, 1, MINUTES_MD, "both");
	assert_int_equal(minutes_identify(&mid, md, strlen(md)), 0);
	assert_memory_equal(mid.dialogue, record_id(fx->r), 32);
	assert_int_equal(mid.meeting, 1);
	assert_int_equal(mid.format, MINUTES_MD);
	assert_string_equal(mid.lang, "both");
	assert_false(mid.draft);
	/* "both": the frame in English and Russian, paired */
	assert_true(has(md,
	    "# Minutes of meeting 1 / Протокол заседания № 1: Round\n"));
	assert_true(has(md, "## Participants / Участники\n"));
	assert_true(has(md, "## Agenda / Повестка дня\n"));
	assert_true(has(md, "### Item 1 / Пункт 1\n"));
	assert_true(has(md, "### Item 2"));
	assert_true(has(md, "#### Note"));
	assert_true(has(md, "#### Decision"));
	assert_true(has(md, "#### Commitment"));
	assert_true(has(md, "### Not under an agenda item"));
	assert_true(has(md, "## Commitments"));
	assert_true(has(md, "## Integrity"));
	assert_true(has(md, "| en, authentic | ru, перевод |"));
	assert_true(has(md, "Заметка эксперта"));
	assert_true(has(md,
	    "minisign -Vm minutes-1.md -x "
	    "minutes-1.md.ru-head.minisig -P RW"));
	assert_true(has(md, "detente minutes verify minutes-1.md --record"));
	/* the agenda in order */
	assert_true(strstr(md, "### Item 1") < strstr(md, "### Item 2"));
	assert_true(strstr(md, "Dialogue") < strstr(md, "Channels"));

	txt = render(fx->r, 1, MINUTES_TXT, "both");
	assert_int_equal(minutes_identify(&mid, txt, strlen(txt)), 0);
	assert_int_equal(mid.format, MINUTES_TXT);
	assert_true(has(txt, "MINUTES OF MEETING 1 / ПРОТОКОЛ ЗАСЕДАНИЯ № 1\n"));
	assert_true(has(txt, "ITEM 1"));
	assert_true(has(txt, "COMMITMENTS"));
	assert_true(has(txt, "INTEGRITY"));
	assert_true(has(txt, "en (authentic)"));

	j = render_json(fx->r, 1, "both");
	for (i = 0; top[i] != NULL; i++)
		if (json_object_get(j, top[i]) == NULL)
			fail_msg("no %s in the JSON minutes", top[i]);
	assert_string_equal(json_string_value(json_object_get(j, "format")),
	    "detente-minutes");
	assert_int_equal(json_integer_value(json_object_get(j, "version")), 1);
	assert_string_equal(json_string_value(json_object_get(j, "dialogue")),
	    dhex);
	assert_string_equal(json_string_value(json_object_get(j, "status")),
	    "final");
	assert_int_equal(json_array_size(json_object_get(j, "agenda")), 2);
	assert_int_equal(json_array_size(json_object_get(j, "other_records")),
	    1);
	rec = json_array_get(json_object_get(json_array_get(json_object_get(j,
								"agenda"),
						 0),
				 "records"),
	    1);
	assert_string_equal(json_string_value(json_object_get(rec, "kind")),
	    "decision");
	for (i = 0; i < 9; i++) {
		static const char *const f[] = { "entry", "kind", "author",
			"party", "time", "text", "endorsed_by", "agreed",
			"corrections" };

		if (json_object_get(rec, f[i]) == NULL)
			fail_msg("no %s in a record", f[i]);
	}
	in = json_object_get(j, "integrity");
	assert_int_equal(json_array_size(json_object_get(in, "feeds")), 4);
	assert_int_equal(json_array_size(json_object_get(in, "heads")), 2);
	assert_string_equal(json_string_value(json_object_get(
				json_array_get(json_object_get(in, "heads"), 0),
				"name")),
	    "ru-head");
	assert_int_equal(json_array_size(json_object_get(in, "verify")), 3);
	assert_int_equal(json_array_size(json_object_get(j, "languages")), 2);
	assert_int_equal(minutes_identify(&mid, md, 10), DT_EFORMAT);
	{
		char *js = render(fx->r, 1, MINUTES_JSON, "ru");

		assert_int_equal(minutes_identify(&mid, js, strlen(js)), 0);
		assert_int_equal(mid.format, MINUTES_JSON);
		assert_string_equal(mid.lang, "ru");
		free(js);
	}
	json_decref(j);
	free(md);
	free(txt);
}

/*
 * An internal record (minutes_render_internal()) is never taken for the
 * minutes: minutes_identify() refuses every form of it, with or without
 * internal notes in it, and minutes_internal_of() names its party; the
 * joint minutes are not one.  (tests/cli/98-minutes-internal.sh renders
 * internal notes in it, from two homes.)
 */
static void
test_internal_identify(void **state)
{
	static const minutes_format fmts[] = { MINUTES_MD, MINUTES_TXT,
		MINUTES_JSON, MINUTES_HTML };
	struct fixture *fx = *state;
	unsigned char a1[32], dec[32], com[32];
	char party[MINUTES_PARTY_BYTES], *joint, *in = NULL;
	minutes_scope sc;
	minutes_id mid;
	view *v = NULL;
	size_t i, len = 0;

	meeting1(fx->r, a1, dec, com);
	close_meeting(fx->r, RU_HEAD, 1);
	assert_int_equal(view_load(&v, fx->r), 0);
	assert_int_equal(minutes_scope_get(&sc, fx->r, v, 1), 0);
	for (i = 0; i < sizeof(fmts) / sizeof(*fmts); i++) {
		joint = render(fx->r, 1, fmts[i], "both");
		assert_int_equal(minutes_render_internal(&in, &len, v, &sc,
		    fmts[i], "both", "RU"), 0);
		assert_int_equal(strlen(in), len);
		assert_int_equal(minutes_identify(&mid, joint, strlen(joint)),
		    0);
		assert_int_equal(minutes_identify(&mid, in, len), DT_EFORMAT);
		assert_int_equal(minutes_internal_of(party, joint,
		    strlen(joint)), 0);
		assert_int_equal(minutes_internal_of(party, in, len), 1);
		assert_string_equal(party, "RU");
		assert_true(has(in, "INTERNAL RECORD OF RU: NOT THE JOINT "
		    "MINUTES."));
		assert_true(has(in, "ВНУТРЕННИЙ ОТЧЁТ ДЕЛЕГАЦИИ RU"));
		assert_false(has(joint, "INTERNAL RECORD"));
		free(joint);
		free(in);
		in = NULL;
	}
	/* a party code is A-Z and 0-9 only: it is written as it is */
	assert_int_equal(minutes_render_internal(&in, &len, v, &sc,
	    MINUTES_HTML, "both", "<b>"), DT_EINVAL);
	assert_null(in);
	assert_int_equal(minutes_render_internal(&in, &len, v, &sc,
	    MINUTES_MD, "both", ""), DT_EINVAL);
	assert_false(minutes_party_valid("ru"));
	assert_true(minutes_party_valid("US"));
	minutes_scope_done(&sc);
	view_free(v);
}

/* "Agreed" only when the head of every party endorsed, within scope. */
static void
test_agreed(void **state)
{
	struct fixture *fx = *state;
	unsigned char a1[32], dec[32], com[32], d2[32];
	json_t *j, *recs, *c;
	char *md;

	meeting1(fx->r, a1, dec, com);
	/* a delegate's endorsement is not a party's */
	put(fx->r, US_HEAD, ENTRY_K_ENDORSEMENT, targeted(1, com, NULL, NULL),
	    NULL);
	put(fx->r, RU_HEAD, ENTRY_K_DECISION,
	    record_of(1, a1, text_en("Second decision")), d2);
	put(fx->r, US_HEAD, ENTRY_K_ENDORSEMENT, targeted(1, d2, NULL, NULL),
	    NULL);
	close_meeting(fx->r, RU_HEAD, 1);
	/* after the close: refused in meeting 1, and in meeting 2 it does
	 * not count for meeting 1 */
	assert_int_equal(put_rc(fx->r, US_HEAD, ENTRY_K_ENDORSEMENT,
	    targeted(1, dec, NULL, NULL)), DT_ESTATE);
	open_meeting(fx->r, US_HEAD, 2);
	put(fx->r, US_HEAD, ENTRY_K_ENDORSEMENT, targeted(2, dec, NULL, NULL),
	    NULL);
	put(fx->r, RU_HEAD, ENTRY_K_ENDORSEMENT, targeted(2, d2, NULL, NULL),
	    NULL);

	j = render_json(fx->r, 1, "both");
	recs = json_object_get(json_array_get(json_object_get(j, "agenda"), 0),
	    "records");
	/* note, decision (RU only), second decision (US only) */
	assert_int_equal(json_array_size(recs), 3);
	assert_false(
	    json_is_true(json_object_get(json_array_get(recs, 1), "agreed")));
	assert_int_equal(json_array_size(
			     json_object_get(json_array_get(recs, 1),
				 "endorsed_by")),
	    1);
	assert_false(
	    json_is_true(json_object_get(json_array_get(recs, 2), "agreed")));
	c = json_array_get(json_object_get(j, "commitments"), 0);
	assert_true(json_is_true(json_object_get(c, "agreed")));
	assert_int_equal(json_array_size(json_object_get(c, "endorsed_by")), 2);
	json_decref(j);
	md = render(fx->r, 1, MINUTES_MD, "both");
	assert_true(has(md,
	    "**Not agreed:** endorsed by the head of RU; not "
	    "by US."));
	assert_true(has(md,
	    "**Not agreed:** endorsed by the head of US; not "
	    "by RU."));
	assert_true(has(md, "**Agreed:** endorsed by the heads of RU, US."));
	free(md);
}

/* Open commitments carry over to the next meeting's minutes; settled
 * ones do not, unless settled in that meeting. */
static void
test_carried(void **state)
{
	struct fixture *fx = *state;
	unsigned char a1[32], dec[32], com[32], done[32], later[32];
	json_t *j, *list;
	char *md;
	size_t i, carried = 0;

	meeting1(fx->r, a1, dec, com);
	put(fx->r, RU_EXPERT, ENTRY_K_COMMITMENT,
	    commitment(1, NULL, "RU", "MFA", text_en("Done at once")), done);
	put(fx->r, RU_EXPERT, ENTRY_K_COMMITMENT_STATUS,
	    targeted(1, done, "state", "fulfilled"), NULL);
	put(fx->r, RU_EXPERT, ENTRY_K_COMMITMENT,
	    commitment(1, NULL, "RU", "MFA", text_en("Settled next time")),
	    later);
	close_meeting(fx->r, RU_HEAD, 1);
	open_meeting(fx->r, US_HEAD, 2);
	put(fx->r, US_EXPERT, ENTRY_K_COMMITMENT_STATUS,
	    targeted(2, later, "state", "fulfilled"), NULL);
	put(fx->r, US_EXPERT, ENTRY_K_COMMITMENT,
	    commitment(2, NULL, "US", "DoS", text_en("New in meeting 2")),
	    NULL);
	close_meeting(fx->r, US_HEAD, 2);

	j = render_json(fx->r, 2, "both");
	list = json_object_get(j, "commitments");
	/* com (open, carried), later (fulfilled in 2), the new one */
	assert_int_equal(json_array_size(list), 3);
	for (i = 0; i < json_array_size(list); i++) {
		json_t *c = json_array_get(list, i);

		carried += json_is_true(json_object_get(c, "carried"));
		assert_false(
		    strcmp(json_string_value(
			       json_object_get(c, "text") != NULL ?
				   json_object_get(
				       json_array_get(json_object_get(c,
							  "text"),
					   0),
				       "body") :
				   NULL),
			"Done at once") == 0);
	}
	assert_int_equal(carried, 2);
	assert_string_equal(json_string_value(
				json_object_get(json_array_get(list, 1),
				    "status")),
	    "fulfilled");
	assert_int_equal(json_integer_value(
			     json_object_get(json_array_get(list, 0),
				 "meeting")),
	    1);
	json_decref(j);
	md = render(fx->r, 2, MINUTES_MD, "both");
	assert_true(has(md,
	    "meeting 1 / заседание № 1 (carried over) / (перенесено)"));
	assert_true(has(md, "Name a CERT contact"));
	free(md);
	/* meeting 1's own minutes still say "open" for it */
	j = render_json(fx->r, 1, "both");
	list = json_object_get(j, "commitments");
	assert_int_equal(json_array_size(list), 3);
	assert_string_equal(json_string_value(
				json_object_get(json_array_get(list, 2),
				    "status")),
	    "open");
	json_decref(j);
}

/* A correction is shown as a correction; the original stays. */
static void
test_corrections(void **state)
{
	struct fixture *fx = *state;
	unsigned char a1[32], n1[32], c1[32];
	json_t *j, *rec, *corr, *other;
	char *md, *txt;

	open_meeting(fx->r, RU_HEAD, 1);
	put(fx->r, RU_HEAD, ENTRY_K_AGENDA, record_of(1, NULL, text_en("Item")),
	    a1);
	put(fx->r, RU_EXPERT, ENTRY_K_NOTE,
	    record_of(1, a1, text_en("The original wording")), n1);
	{
		json_t *p = targeted(1, n1, NULL, NULL);

		json_object_set_new(p, "text",
		    text_en("The corrected "
			    "wording"));
		put(fx->r, US_EXPERT, ENTRY_K_CORRECTION, p, c1);
	}
	close_meeting(fx->r, RU_HEAD, 1);
	open_meeting(fx->r, RU_HEAD, 2);
	{
		json_t *p = targeted(2, n1, NULL, NULL);

		json_object_set_new(p, "text",
		    text_en("Corrected again, in "
			    "meeting 2"));
		put(fx->r, RU_EXPERT, ENTRY_K_CORRECTION, p, NULL);
	}
	close_meeting(fx->r, RU_HEAD, 2);

	j = render_json(fx->r, 1, "both");
	rec = json_array_get(json_object_get(json_array_get(json_object_get(j,
								"agenda"),
						 0),
				 "records"),
	    0);
	assert_string_equal(json_string_value(json_object_get(
				json_array_get(json_object_get(rec, "text"), 0),
				"body")),
	    "The original wording");
	corr = json_object_get(rec, "corrections");
	/* only the correction within meeting 1's scope */
	assert_int_equal(json_array_size(corr), 1);
	assert_string_equal(
	    json_string_value(json_object_get(
		json_array_get(json_object_get(json_array_get(corr, 0), "text"),
		    0),
		"body")),
	    "The corrected wording");
	assert_string_equal(json_string_value(
				json_object_get(json_array_get(corr, 0),
				    "kind")),
	    "correction");
	json_decref(j);
	md = render(fx->r, 1, MINUTES_MD, "both");
	assert_true(has(md, "The original wording"));
	assert_true(has(md, "##### Correction"));
	assert_true(has(md, "stays in the record as written"));
	assert_true(strstr(md, "The original wording") <
	    strstr(md, "The corrected wording"));
	free(md);
	txt = render(fx->r, 1, MINUTES_TXT, "en");
	assert_true(has(txt, "CORRECTION of the entry above"));
	free(txt);

	/* meeting 2: the correction of an entry of meeting 1 */
	j = render_json(fx->r, 2, "both");
	other = json_object_get(j, "other_corrections");
	assert_int_equal(json_array_size(other), 1);
	assert_int_equal(json_integer_value(json_object_get(
			     json_object_get(json_array_get(other, 0),
				 "corrects"),
			     "meeting")),
	    1);
	assert_string_equal(
	    json_string_value(json_object_get(
		json_array_get(
		    json_object_get(json_object_get(json_array_get(other, 0),
					"corrects"),
			"text"),
		    0),
		"body")),
	    "The original wording");
	json_decref(j);
	md = render(fx->r, 2, MINUTES_MD, "both");
	assert_true(has(md, "### Corrections of other entries"));
	assert_true(has(md, "Corrected again, in meeting 2"));
	free(md);
}

/* convs() - the printf conversions of fmt, in order ("%lld%s..."). */
static void
convs(char *out, size_t outlen, const char *fmt)
{
	size_t o = 0;
	const char *p;

	for (p = fmt; *p != '\0'; p++) {
		if (*p != '%')
			continue;
		do {
			if (o + 1 < outlen)
				out[o++] = *p;
			p++;
		} while (*p != '\0' && strchr("sdiuxXcp%", *p) == NULL);
		if (*p == '\0')
			break;
		if (o + 1 < outlen)
			out[o++] = *p;
	}
	out[o] = '\0';
}

/*
 * The frame table: every English string once, every Russian one written
 * (in Cyrillic), with the conversions of the English in the same order,
 * so that the arguments checked against the English fit the Russian.
 */
/* names_int() - the integer of name in names.txt. */
static int
names_int(const char *name)
{
	char *v = tu_vector("names.txt", name);
	int n;

	assert_non_null(v);
	n = atoi(v);
	free(v);
	return n;
}

/* names_at() - the value of "PREFIX_I_SUFFIX" (suffix may be ""). */
static char *
names_at(const char *prefix, int i, const char *suffix)
{
	char key[64], *v;

	snprintf(key, sizeof(key), "%s_%d%s%s", prefix, i,
	    *suffix != '\0' ? "_" : "", suffix);
	v = tu_vector("names.txt", key);
	assert_non_null(v);
	return v;
}

/*
 * tests/vectors/names.txt: payloads with titles and places in several
 * languages fit their kind or do not (payload_check()), the field a
 * reader of each language is shown and its mark (lang_pick()), dates as
 * people write them (lang_date()) and the parties' names (lang_party()).
 */
static void
test_names_vector(void **state)
{
	char *a, *b, *c, *d, *e, out[LANG_DATE_BYTES];
	const char *got, *tag;
	json_t *o;
	int i;

	(void)state;
	for (i = 1; i <= names_int("fits"); i++) {
		a = names_at("fit", i, "kind");
		b = names_at("fit", i, "");
		c = names_at("fit", i, "ok");
		o = payload_parse((const unsigned char *)b, strlen(b));
		assert_non_null(o);
		assert_int_equal(payload_check(entry_kind_from_name(a), o) == 0,
		    strcmp(c, "yes") == 0);
		json_decref(o);
		free(a);
		free(b);
		free(c);
	}
	for (i = 1; i <= names_int("picks"); i++) {
		a = names_at("pick", i, "payload");
		b = names_at("pick", i, "field");
		c = names_at("pick", i, "lang");
		d = names_at("pick", i, "text");
		e = names_at("pick", i, "tag");
		o = payload_parse((const unsigned char *)a, strlen(a));
		assert_non_null(o);
		got = lang_pick(o, b, strcmp(b, "title") == 0 ? "titles" :
		    "places", c, &tag);
		assert_string_equal(got != NULL ? got : "-", d);
		assert_string_equal(tag != NULL ? tag : "-", e);
		json_decref(o);
		free(a);
		free(b);
		free(c);
		free(d);
		free(e);
	}
	for (i = 1; i <= names_int("dates"); i++) {
		a = names_at("date", i, "");
		b = names_at("date", i, "en");
		c = names_at("date", i, "ru");
		assert_string_equal(lang_date(out, sizeof(out), a, "en"), b);
		assert_string_equal(lang_date(out, sizeof(out), a, "ru"), c);
		free(a);
		free(b);
		free(c);
	}
	/* not a date: as it is */
	assert_string_equal(lang_date(out, sizeof(out), "2026-02-30", "ru"),
	    "2026-02-30");
	a = tu_vector("names.txt", "party_RU_en");
	b = tu_vector("names.txt", "party_RU_ru");
	c = tu_vector("names.txt", "party_US_en");
	d = tu_vector("names.txt", "party_US_ru");
	assert_string_equal(lang_party("RU", "en"), a);
	assert_string_equal(lang_party("RU", "ru"), b);
	assert_string_equal(lang_party("US", "en"), c);
	assert_string_equal(lang_party("US", "ru"), d);
	assert_null(lang_party("FR", "en"));
	free(a);
	free(b);
	free(c);
	free(d);
}

static void
test_frame_table(void **state)
{
	size_t i, j, n = minutes_label_count();
	const char *en, *ru, *en2, *ru2;
	char a[64], b[64];

	(void)state;
	assert_true(n > 100);
	for (i = 0; i < n; i++) {
		minutes_label_at(i, &en, &ru);
		assert_non_null(en);
		assert_non_null(ru);
		assert_true(*en != '\0' && *ru != '\0');
		convs(a, sizeof(a), en);
		convs(b, sizeof(b), ru);
		if (strcmp(a, b) != 0)
			fail_msg("conversions differ: \"%s\" / \"%s\"", en, ru);
		if (strstr(ru, "\xd0") == NULL && strstr(ru, "\xd1") == NULL)
			fail_msg("not Russian: \"%s\"", ru);
		for (j = i + 1; j < n; j++) {
			minutes_label_at(j, &en2, &ru2);
			if (strcmp(en, en2) == 0)
				fail_msg("twice in the table: \"%s\"", en);
		}
		assert_ptr_equal(minutes_ru(en), ru);
	}
	assert_null(minutes_ru("not a frame string"));
	assert_int_equal(minutes_frame_of("ru"), MINUTES_FRAME_RU);
	assert_int_equal(minutes_frame_of("both"), MINUTES_FRAME_BOTH);
	assert_int_equal(minutes_frame_of("en"), MINUTES_FRAME_EN);
	assert_int_equal(minutes_frame_of("fr"), MINUTES_FRAME_EN);
}

/*
 * --lang ru: the whole frame in Russian, in every format; no English
 * word of the frame is left.  --lang en: no Russian word of it.
 */
static void
test_frame_ru(void **state)
{
	static const char *const english[] = { "Minutes of", "MINUTES OF",
		"Participants", "PARTICIPANTS", "Agenda", "AGENDA",
		"Commitment", "COMMITMENT", "Integrity", "INTEGRITY", "Agreed",
		"AGREED", "endorsed", "Decision", "Statement", "How to verify",
		"Heads of delegation", "Dialogue", "Languages", "Signature",
		"authentic", "translation", "(head)", "present:", NULL };
	static const minutes_format fmts[] = { MINUTES_MD, MINUTES_TXT,
		MINUTES_HTML };
	struct fixture *fx = *state;
	unsigned char a1[32], dec[32], com[32];
	size_t f, i;
	char *out;

	meeting1(fx->r, a1, dec, com);
	close_meeting(fx->r, RU_HEAD, 1);
	for (f = 0; f < 3; f++) {
		out = render(fx->r, 1, fmts[f], "ru");
		for (i = 0; english[i] != NULL; i++)
			if (has(out, english[i]))
				fail_msg("format %d: \"%s\" in --lang ru",
				    (int)fmts[f], english[i]);
		assert_true(has(out, "Протокол заседания № 1") ||
		    has(out, "ПРОТОКОЛ ЗАСЕДАНИЯ № 1"));
		assert_true(has(out, "Повестка дня") ||
		    has(out, "ПОВЕСТКА ДНЯ"));
		assert_true(has(out, "Решение"));
		if (!has(out, "одобрено главой делегации RU; не одобрено US."))
			fail_msg("format %d: %.200s", (int)fmts[f],
			    strstr(out, "огласовано") != NULL ?
				strstr(out, "огласовано") :
				"no endorsement line");
		free(out);
		out = render(fx->r, 1, fmts[f], "en");
		assert_false(has(out, "Протокол"));
		assert_false(has(out, "ПРОТОКОЛ"));
		assert_false(has(out, "Участники"));
		assert_false(has(out, "УЧАСТНИКИ"));
		free(out);
	}
	out = render(fx->r, 1, MINUTES_MD, "ru");
	assert_true(has(out, "\n## Участники\n"));
	assert_true(has(out, "\n## Обязательства\n"));
	assert_true(has(out, "\n### Как проверить\n"));
	assert_true(has(out, "\n**Не согласовано:** одобрено главой делегации "
			     "RU; не одобрено US.\n"));
	free(out);
	out = render(fx->r, 1, MINUTES_HTML, "ru");
	assert_true(has(out, "<html lang=\"ru\">"));
	assert_true(has(out, "<h2>Подписи</h2>"));
	free(out);
	/* both: the two languages, paired, the English first */
	out = render(fx->r, 1, MINUTES_TXT, "both");
	assert_true(has(out, "\nPARTICIPANTS / УЧАСТНИКИ\n"
			     "------------------------\n"));
	free(out);
	out = render(fx->r, 1, MINUTES_MD, "both");
	assert_true(has(out, "\n**Not agreed:** endorsed by the head of RU; "
			     "not by US. / "
			     "**Не согласовано:** одобрено главой делегации "
			     "RU; не одобрено US.\n"));
	assert_true(has(out, "| Party / Сторона | Present / Присутствуют | "
			     "Absent / Отсутствуют |\n"));
	free(out);
	out = render(fx->r, 1, MINUTES_HTML, "both");
	assert_true(has(out, "<p class=\"endorsement\"><strong>Not agreed:"
			     "</strong> endorsed by the head of RU; not by US. / "
			     "<strong>Не согласовано:</strong> одобрено главой "
			     "делегации RU; не одобрено US.</p>\n"));
	free(out);
}

/* --lang picks a language (else the authentic text); both shows all. */
static void
test_languages(void **state)
{
	struct fixture *fx = *state;
	unsigned char a1[32], dec[32], com[32];
	char *md, *txt;
	json_t *j, *t;

	meeting1(fx->r, a1, dec, com);
	close_meeting(fx->r, RU_HEAD, 1);
	md = render(fx->r, 1, MINUTES_MD, "ru");
	assert_true(has(md, "*[ru, перевод]* Встречаться два раза в год"));
	assert_false(has(md, "Meet twice a year"));
	/* no ru text: the authentic one, marked */
	assert_true(has(md, "*[en, аутентичный]* Name a CERT contact"));
	free(md);
	md = render(fx->r, 1, MINUTES_MD, "en");
	assert_true(has(md, "*[en, authentic]* Meet twice a year"));
	assert_true(has(md, "*[ru, authentic]* Заметка эксперта"));
	free(md);
	txt = render(fx->r, 1, MINUTES_TXT, "both");
	assert_true(has(txt, "en (authentic)"));
	assert_true(has(txt, "| ru (перевод)"));
	assert_true(has(txt, "Meet twice a year"));
	assert_true(has(txt, "Встречаться два раза в год"));
	free(txt);
	j = render_json(fx->r, 1, "both");
	t = json_object_get(
	    json_array_get(json_object_get(json_array_get(json_object_get(j,
							      "agenda"),
					       0),
			       "records"),
		1),
	    "text");
	assert_int_equal(json_array_size(t), 2);
	assert_string_equal(json_string_value(
				json_object_get(json_array_get(t, 0), "lang")),
	    "en");
	assert_string_equal(json_string_value(
				json_object_get(json_array_get(t, 1), "lang")),
	    "ru");
	json_decref(j);
	{
		view *v = NULL;
		minutes_scope s;
		char *out = NULL;
		size_t len;

		assert_int_equal(view_load(&v, fx->r), 0);
		assert_int_equal(minutes_scope_get(&s, fx->r, v, 1), 0);
		assert_int_equal(minutes_render(&out, &len, v, &s, MINUTES_MD,
				     "EN"),
		    DT_EINVAL);
		assert_int_equal(minutes_render(&out, &len, v, &s,
				     (minutes_format)9, "en"),
		    DT_EINVAL);
		minutes_scope_done(&s);
		view_free(v);
	}
}

/* Participants: attendance entries when there are any, else authors. */
static void
test_participants(void **state)
{
	struct fixture *fx = *state;
	unsigned char a1[32], dec[32], com[32];
	char k1[65], k2[65], *text;
	const json_t *ru, *us;
	json_t *j, *g;
	char *md, *txt;

	meeting1(fx->r, a1, dec, com);
	close_meeting(fx->r, RU_HEAD, 1);
	j = render_json(fx->r, 1, "both");
	g = json_object_get(j, "participants");
	ru = json_array_get(json_object_get(g, "parties"), 0);
	/* No attendance: nobody is called absent; who wrote is said. */
	assert_false(json_is_true(json_object_get(ru, "recorded")));
	assert_int_equal(json_array_size(json_object_get(ru, "present")), 0);
	assert_int_equal(json_array_size(json_object_get(ru, "absent")), 0);
	/* RU: ru-head and ru-expert wrote */
	assert_int_equal(json_array_size(json_object_get(ru, "wrote")), 2);
	json_decref(j);

	open_meeting(fx->r, RU_HEAD, 2);
	key_hex(k1, id[RU_EXPERT]->pk, KEY_PK_BYTES);
	key_hex(k2, id[US_EXPERT]->pk, KEY_PK_BYTES);
	/* A head lists only its own party (FORMAT.md section 7). */
	g = json_pack("{s:i,s:i,s:[s],s:[s]}", "v", 1, "meeting", 2,
	    "present", k1, "absent", k2);
	text = payload_dump(g);
	json_decref(g);
	assert_non_null(text);
	assert_int_equal(record_append(fx->r, id[RU_HEAD], ENTRY_K_ATTENDANCE,
	    text, NULL, NULL), DT_EFORMAT);
	payload_free(text);
	put(fx->r, RU_HEAD, ENTRY_K_ATTENDANCE,
	    json_pack("{s:i,s:i,s:[s]}", "v", 1, "meeting", 2, "present", k1),
	    NULL);
	close_meeting(fx->r, RU_HEAD, 2);
	j = render_json(fx->r, 2, "both");
	g = json_object_get(j, "participants");
	ru = json_array_get(json_object_get(g, "parties"), 0);
	us = json_array_get(json_object_get(g, "parties"), 1);
	/* RU present: ru-expert; ru-head is not listed, so in neither */
	assert_true(json_is_true(json_object_get(ru, "recorded")));
	assert_int_equal(json_array_size(json_object_get(ru, "present")), 1);
	assert_string_equal(json_string_value(json_object_get(
	    json_array_get(json_object_get(ru, "present"), 0), "name")),
	    "ru-expert");
	assert_int_equal(json_array_size(json_object_get(ru, "absent")), 0);
	/* US recorded nothing: not recorded, nobody absent */
	assert_false(json_is_true(json_object_get(us, "recorded")));
	assert_int_equal(json_array_size(json_object_get(us, "absent")), 0);
	json_decref(j);
	md = render(fx->r, 2, MINUTES_MD, "both");
	assert_true(has(md, "| RU | ru-expert (delegate / делегат) | "
	    "none / нет |"));
	/* us-head wrote the US close (a meeting has closes of both sides) */
	assert_true(has(md, "| US | not recorded / не записано (wrote "
	    "entries: / внесли записи: us-head (head / глава делегации)) | "
	    "not recorded / не записано |"));
	free(md);
	txt = render(fx->r, 2, MINUTES_TXT, "both");
	assert_true(has(txt, "US   attendance not recorded"));
	free(txt);
}

/* Text cannot hide or format anything: controls, bidi, markup. */
static void
test_hostile_text(void **state)
{
	struct fixture *fx = *state;
	unsigned char a1[32];
	char *md, *txt;

	open_meeting(fx->r, RU_HEAD, 1);
	put(fx->r, RU_HEAD, ENTRY_K_AGENDA,
	    record_of(1, NULL, text_en("# Heading\n- list")), a1);
	put(fx->r, RU_EXPERT, ENTRY_K_NOTE,
	    record_of(1, a1,
		text_en(
		    "<!-- hidden --> | *bold* \x1b[31mred\x1b[0m \xe2\x80\xae"
		    "evil")),
	    NULL);
	close_meeting(fx->r, RU_HEAD, 1);
	md = render(fx->r, 1, MINUTES_MD, "both");
	assert_false(has(md, "* <!-- hidden"));
	assert_true(has(md, "* \\<!-- hidden --\\>"));
	assert_true(has(md, "\\| \\*bold\\*"));
	assert_false(has(md, "\x1b"));
	assert_false(has(md, "\xe2\x80\xae"));
	assert_true(has(md, "\xef\xbf\xbd\\[31mred"));
	/* the agenda list item starts with a label, not with the text */
	assert_true(has(md, "1. *en:* # Heading<br>- list"));
	free(md);
	txt = render(fx->r, 1, MINUTES_TXT, "both");
	assert_false(has(txt, "\x1b"));
	assert_false(has(txt, "\xe2\x80\xae"));
	assert_true(has(txt, "<!-- hidden -->"));
	free(txt);
}

/*
 * Every class of character that Markdown minutes replace or escape,
 * byte for byte: a tab, DEL, a C1 control, U+061C, U+200E, U+2066, the
 * markup punctuation, a newline (cprint() writes what clean() would).
 */
static void
test_hostile_text_exact(void **state)
{
	struct fixture *fx = *state;
	char *md;

	open_meeting(fx->r, RU_HEAD, 1);
	put(fx->r, RU_EXPERT, ENTRY_K_NOTE,
	    record_of(1, NULL,
		text_en("a\tb\x7f"
			"c\xc2\x85"
			"d\xd8\x9c"
			"e\xe2\x80\x8e"
			"f\xe2\x81\xa6"
			"g\\`*_[]<>|~&$h\ni \xd0\xb4\xc2\xa0.")),
	    NULL);
	close_meeting(fx->r, RU_HEAD, 1);
	md = render(fx->r, 1, MINUTES_MD, "both");
	assert_true(has(md,
	    "*[en, authentic]* a b\xef\xbf\xbd"
	    "c\xef\xbf\xbd"
	    "d\xef\xbf\xbd"
	    "e\xef\xbf\xbd"
	    "f\xef\xbf\xbd"
	    "g\\\\\\`\\*\\_\\[\\]\\<\\>\\|\\~\\&\\$h<br>i "
	    "\xd0\xb4\xc2\xa0.\n"));
	free(md);
}

/*
 * The printable HTML form: identified by its first line, an HTML5
 * document, the same sections as Markdown, a signature block per head.
 */
static void
test_html(void **state)
{
	struct fixture *fx = *state;
	unsigned char a1[32], dec[32], com[32];
	char *html, *again;
	minutes_id mid;

	meeting1(fx->r, a1, dec, com);
	close_meeting(fx->r, RU_HEAD, 1);
	html = render(fx->r, 1, MINUTES_HTML, "both");
	assert_int_equal(minutes_identify(&mid, html, strlen(html)), 0);
	assert_int_equal(mid.format, MINUTES_HTML);
	assert_string_equal(mid.lang, "both");
	assert_false(mid.draft);
	assert_true(strncmp(html, "<!-- detente-minutes v1 dialogue=", 33) ==
	    0);
	assert_true(has(html, " meeting=1 format=html lang=both "
			      "status=final -->\n<!DOCTYPE html>\n"));
	assert_true(has(html, "<h1>Minutes of meeting 1 / Протокол заседания № 1: "
			      "Round</h1>"));
	assert_true(has(html, "<h2>Participants / Участники</h2>"));
	assert_true(has(html, "<h3>Item 1 / Пункт 1</h3>"));
	assert_true(has(html, "<h4>Decision / Решение</h4>"));
	assert_true(has(html, "<h2>Commitments / Обязательства</h2>"));
	assert_true(has(html, "<h2>Integrity / Целостность</h2>"));
	assert_true(has(html, "<th>en, authentic</th><th>ru, перевод</th>"));
	assert_true(has(html, "@page { size: A4;"));
	assert_true(has(html, "counter(page)"));
	assert_true(has(html, "head of delegation / глава делегации "
			      "<strong>ru-head</strong>"));
	assert_true(has(html, "head of delegation / глава делегации "
			      "<strong>us-head</strong>"));
	assert_true(has(html, "minisign -Vm minutes-1.html -x "
			      "minutes-1.html.ru-head.minisig -P RW"));
	assert_true(has(html, "</body>\n</html>\n"));
	assert_true(strstr(html, "<h3>Item 1 / Пункт 1</h3>") <
	    strstr(html, "<h3>Item 2 / Пункт 2</h3>"));
	/* deterministic */
	again = render(fx->r, 1, MINUTES_HTML, "both");
	assert_string_equal(html, again);
	free(again);
	/* an HTML first line on a file that is not '<' first is refused */
	assert_int_equal(minutes_identify(&mid, html + 1, strlen(html) - 1),
	    DT_EFORMAT);
	assert_int_equal(minutes_format_parse("html"), MINUTES_HTML);
	assert_string_equal(minutes_format_name(MINUTES_HTML), "html");
	free(html);
}

/*
 * Every class of character HTML minutes replace or escape, byte for
 * byte: & < > " ' as references, a tab, DEL, C1, U+061C, U+200E, U+2066
 * as in every form, a newline as <br>, Markdown's punctuation as it is.
 */
static void
test_html_hostile_exact(void **state)
{
	struct fixture *fx = *state;
	char *html;

	open_meeting(fx->r, RU_HEAD, 1);
	put(fx->r, RU_EXPERT, ENTRY_K_NOTE,
	    record_of(1, NULL,
		text_en("<script>alert('x')</script> \"q\" & a\tb\x7f"
			"c\xc2\x85"
			"d\xd8\x9c"
			"e\xe2\x80\x8e"
			"f\xe2\x81\xa6"
			"g\x1b[31m*_`|h\ni \xd0\xb4.")),
	    NULL);
	close_meeting(fx->r, RU_HEAD, 1);
	html = render(fx->r, 1, MINUTES_HTML, "both");
	assert_true(has(html,
	    "<p lang=\"en\"><span class=\"label\">[en, authentic]</span> "
	    "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &quot;q&quot; "
	    "&amp; a b\xef\xbf\xbd"
	    "c\xef\xbf\xbd"
	    "d\xef\xbf\xbd"
	    "e\xef\xbf\xbd"
	    "f\xef\xbf\xbd"
	    "g\xef\xbf\xbd[31m*_`|h<br>i \xd0\xb4.</p>\n"));
	assert_false(has(html, "<script"));
	free(html);
}

/* The trusted comment: written and read back, and nothing else read. */
static void
test_comment(void **state)
{
	minutes_claim c, d;
	char out[MINUTES_COMMENT_BYTES], bad[MINUTES_COMMENT_BYTES + 8];
	const char *text;

	(void)state;
	memset(&c, 0, sizeof(c));
	memset(c.id.dialogue, 0xab, sizeof(c.id.dialogue));
	c.id.meeting = 12;
	c.id.format = MINUTES_TXT;
	snprintf(c.id.lang, sizeof(c.id.lang), "ru");
	snprintf(c.signer, sizeof(c.signer), "us-head");
	memset(c.sha256, 0x01, sizeof(c.sha256));
	assert_int_equal(minutes_comment(out, &c), 0);
	assert_string_equal(out,
	    "detente minutes dialogue=abababababababab"
	    "abababababababababababababababababababababababab meeting=12 "
	    "format=txt lang=ru signer=us-head sha256=01010101010101010101"
	    "01010101010101010101010101010101010101010101");
	assert_int_equal(minutes_comment_parse(&d, out, strlen(out)), 0);
	assert_memory_equal(&c, &d, sizeof(c));
	/* a trailing space, a missing field, upper-case hex, a zero */
	snprintf(bad, sizeof(bad), "%s ", out);
	assert_int_equal(minutes_comment_parse(&d, bad, strlen(bad)),
	    DT_EFORMAT);
	assert_int_equal(minutes_comment_parse(&d, out, strlen(out) - 1),
	    DT_EFORMAT);
	text = "detente minutes dialogue=ABABABABABABABABABABABABABABABABABAB"
	       "ABABABABABABABABABABABABABAB meeting=1 format=md lang=en "
	       "signer=a sha256=0101010101010101010101010101010101010101010101"
	       "010101010101010101";
	assert_int_equal(minutes_comment_parse(&d, text, strlen(text)),
	    DT_EFORMAT);
	text = "detente minutes dialogue=abababababababababababababababababab"
	       "abababababababababababababab meeting=01 format=md lang=en "
	       "signer=a sha256=0101010101010101010101010101010101010101010101"
	       "010101010101010101";
	assert_int_equal(minutes_comment_parse(&d, text, strlen(text)),
	    DT_EFORMAT);
	text = "timestamp:1700000000\tfile:minutes.md";
	assert_int_equal(minutes_comment_parse(&d, text, strlen(text)),
	    DT_EFORMAT);
	c.id.format = MINUTES_HTML;
	assert_int_equal(minutes_comment(out, &c), 0);
	assert_true(has(out, " format=html lang=ru "));
	assert_int_equal(minutes_comment_parse(&d, out, strlen(out)), 0);
	assert_memory_equal(&c, &d, sizeof(c));
	c.id.draft = 1;
	assert_int_equal(minutes_comment(out, &c), DT_EINVAL);
	c.id.draft = 0;
	snprintf(c.signer, sizeof(c.signer), "a b");
	assert_int_equal(minutes_comment(out, &c), DT_EINVAL);
}

/* A meeting still open renders as a draft, and says so. */
static void
test_draft(void **state)
{
	struct fixture *fx = *state;
	unsigned char a1[32], dec[32], com[32];
	minutes_id mid;
	char *md, *txt;

	meeting1(fx->r, a1, dec, com);
	md = render(fx->r, 1, MINUTES_MD, "both");
	assert_int_equal(minutes_identify(&mid, md, strlen(md)), 0);
	assert_true(mid.draft);
	assert_true(has(md, "**DRAFT: the meeting is not closed. / ПРОЕКТ: "
			    "заседание не закрыто.**"));
	free(md);
	txt = render(fx->r, 1, MINUTES_TXT, "en");
	assert_true(has(txt, "(DRAFT: NOT CLOSED, MAY NOT BE SIGNED)"));
	free(txt);
}

/* A view without the dialogue key cannot render the minutes. */
static void
test_locked(void **state)
{
	struct fixture *fx = *state;
	unsigned char a1[32], dec[32], com[32];
	char hex[65], path[1024], *out = NULL;
	minutes_scope s;
	view *v = NULL;
	size_t len;

	meeting1(fx->r, a1, dec, com);
	close_meeting(fx->r, RU_HEAD, 1);
	hexof(hex, record_id(fx->r));
	snprintf(path, sizeof(path), "%s/%s", fx->dir, hex);
	record_close(fx->r);
	assert_int_equal(record_open(&fx->r, path), 0);
	assert_int_equal(view_load(&v, fx->r), 0);
	/* without the key, there are no meetings in the view */
	assert_int_equal(minutes_scope_get(&s, fx->r, v, 1), DT_ENOENT);
	memset(&s, 0, sizeof(s));
	s.meeting = 1;
	assert_int_equal(minutes_render(&out, &len, v, &s, MINUTES_MD, "en"),
	    DT_ENOKEY);
	view_free(v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_scope, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deterministic, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_structure, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_internal_identify, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_agreed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_carried, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrections, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_languages, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_participants, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_hostile_text_exact,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_text, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_html, setup, teardown),
		cmocka_unit_test_setup_teardown(test_html_hostile_exact,
		    setup, teardown),
		cmocka_unit_test(test_comment),
		cmocka_unit_test(test_frame_table),
		cmocka_unit_test(test_names_vector),
		cmocka_unit_test_setup_teardown(test_frame_ru, setup, teardown),
		cmocka_unit_test_setup_teardown(test_draft, setup, teardown),
		cmocka_unit_test_setup_teardown(test_locked, setup, teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
