/*
 * test_record.c: dialogue creation, membership rules, append, and verify
 * against a record tampered with through LMDB directly (as an attacker
 * with the file would).
 */
#include "test_util.h"

#include <sodium.h>

#include "../../crypto/err.h"
#include "../../crypto/keys.h"
#include "../../storage/epoch.h"
#include "../../storage/payload.h"
#include "../../storage/record.h"
#include "../../storage/view.h"

enum { RU_HEAD, US_HEAD, US_EXPERT, RU_OBSERVER, OUTSIDER, NIDS };
static key_identity *id[NIDS];
static const char *names[NIDS] = { "ru-head", "us-head", "us-expert",
	"ru-observer", "outsider" };

static const char note[] = "{\"meeting\":1,\"text\":[{\"body\":\"Привет, "
    "мир\",\"lang\":\"ru\",\"role\":\"authentic\"}],\"v\":1}";

static int
setup(void **state)
{
	unsigned char seed[32];
	int i;

	(void)state;
	for (i = 0; i < NIDS; i++) {
		memset(seed, i + 1, sizeof seed);
		if (key_identity_from_seed(&id[i], names[i], seed) != 0)
			return -1;
	}
	return 0;
}

static int
teardown(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < NIDS; i++)
		key_identity_free(id[i]);
	return 0;
}

static void
member(record_member *m, int who, const char *party, int role)
{
	memset(m, 0, sizeof *m);
	memcpy(m->pk, id[who]->pk, 32);
	snprintf(m->name, sizeof m->name, "%s", names[who]);
	snprintf(m->party, sizeof m->party, "%s", party);
	m->role = role;
}

/* A dialogue RU/US with both heads and a RU observer; returns its dir. */
static record *
make_dialogue(char **dir, char **path)
{
	static const char *const parties[] = { "RU", "US" };
	record_member m[3];
	record_genesis g;
	record *r = NULL;
	const char *why = NULL;

	*dir = tu_tmpdir();
	member(&m[0], RU_HEAD, "RU", RECORD_ROLE_HEAD);
	member(&m[1], US_HEAD, "US", RECORD_ROLE_HEAD);
	member(&m[2], RU_OBSERVER, "RU", RECORD_ROLE_OBSERVER);
	memset(&g, 0, sizeof g);
	g.title = "Диалог по МИБ";
	g.parties = parties;
	g.nparties = 2;
	g.members = m;
	g.nmembers = 3;
	assert_int_equal(record_create(&r, *dir, id[RU_HEAD], &g, &why), 0);
	*path = strdup(store_path(record_store(r)));
	return r;
}

static void
test_create_rules(void **state)
{
	static const char *const parties[] = { "RU", "US" };
	record_member m[3];
	record_genesis g;
	record *r = NULL;
	const char *why = NULL;
	char *dir = tu_tmpdir();

	(void)state;
	memset(&g, 0, sizeof g);
	g.title = "t";
	g.parties = parties;
	g.nparties = 2;
	g.members = m;
	/* no head for US */
	member(&m[0], RU_HEAD, "RU", RECORD_ROLE_HEAD);
	member(&m[1], US_EXPERT, "US", RECORD_ROLE_DELEGATE);
	g.nmembers = 2;
	assert_int_equal(record_create(&r, dir, id[RU_HEAD], &g, &why),
	    DT_EINVAL);
	assert_non_null(why);
	/* creator not a head */
	member(&m[1], US_HEAD, "US", RECORD_ROLE_HEAD);
	assert_int_equal(record_create(&r, dir, id[US_EXPERT], &g, &why),
	    DT_EINVAL);
	/* two heads for RU */
	member(&m[2], RU_OBSERVER, "RU", RECORD_ROLE_HEAD);
	g.nmembers = 3;
	assert_int_equal(record_create(&r, dir, id[RU_HEAD], &g, &why),
	    DT_EINVAL);
	/* unknown party */
	member(&m[2], RU_OBSERVER, "FR", RECORD_ROLE_DELEGATE);
	assert_int_equal(record_create(&r, dir, id[RU_HEAD], &g, &why),
	    DT_EINVAL);
	/* a key twice */
	member(&m[2], US_HEAD, "US", RECORD_ROLE_DELEGATE);
	assert_int_equal(record_create(&r, dir, id[RU_HEAD], &g, &why),
	    DT_EINVAL);
	assert_null(r);
	tu_rmtree(dir);
}

static void
test_append_rules(void **state)
{
	char *dir, *path;
	record *r = make_dialogue(&dir, &path), *r2;
	record_member m;
	unsigned char h[32];
	uint64_t seq;
	record_stats st;
	record_failure f;
	char endorse[200], hex[65];

	(void)state;
	assert_string_equal(record_title(r), "Диалог по МИБ");
	assert_int_equal(record_nparties(r), 2);
	assert_int_equal(record_nmembers(r), 3);
	assert_int_equal(record_append(r, id[RU_HEAD], ENTRY_K_NOTE, note, h,
	    &seq), 0);
	assert_int_equal(seq, 2);
	/* malformed payload for the kind */
	assert_int_equal(record_append(r, id[RU_HEAD], ENTRY_K_NOTE,
	    "{\"v\":1}", h, NULL), DT_EFORMAT);
	assert_int_equal(record_append(r, id[RU_HEAD], ENTRY_K_NOTE,
	    "not json", h, NULL), DT_EFORMAT);
	/* outsider and observer may not write */
	assert_int_equal(record_append(r, id[OUTSIDER], ENTRY_K_NOTE, note, h,
	    NULL), DT_EMEMBER);
	assert_int_equal(record_append(r, id[RU_OBSERVER], ENTRY_K_NOTE, note,
	    h, NULL), DT_EMEMBER);
	/* RU head may not add a US member; US head may */
	member(&m, US_EXPERT, "US", RECORD_ROLE_DELEGATE);
	assert_int_equal(record_add_member(r, id[RU_HEAD], &m, h), DT_EMEMBER);
	assert_int_equal(record_add_member(r, id[US_HEAD], &m, h), 0);
	assert_int_equal(record_add_member(r, id[US_HEAD], &m, h), DT_EMEMBER);
	record_close(r);

	/* the new member unlocks the key through its own wrap */
	assert_int_equal(record_open(&r2, path), 0);
	assert_int_equal(record_last_failure(r2)->code, 0);
	assert_int_equal(record_unlock(r2, id[OUTSIDER]), DT_ENOKEY);
	assert_int_equal(record_unlock(r2, id[US_EXPERT]), 0);
	assert_int_equal(record_append(r2, id[US_EXPERT], ENTRY_K_NOTE, note,
	    h, &seq), 0);
	assert_int_equal(seq, 0);
	/* a delegate cannot endorse; a head can */
	key_hex(hex, h, 32);
	snprintf(endorse, sizeof endorse,
	    "{\"meeting\":1,\"target\":\"%s\",\"v\":1}", hex);
	assert_int_equal(record_append(r2, id[US_EXPERT], ENTRY_K_ENDORSEMENT,
	    endorse, NULL, NULL), DT_EMEMBER);
	record_close(r2);
	assert_int_equal(record_open(&r2, path), 0);
	assert_int_equal(record_unlock(r2, id[US_HEAD]), 0);
	assert_int_equal(record_append(r2, id[US_HEAD], ENTRY_K_ENDORSEMENT,
	    endorse, NULL, NULL), 0);
	assert_int_equal(record_verify(r2, RECORD_VERIFY_KEY, &st, &f), 0);
	assert_int_equal(f.code, 0);
	assert_int_equal(st.feeds, 3);
	assert_int_equal(st.entries, 7);
	assert_int_equal(st.decrypted, 3);
	record_close(r2);
	free(path);
	tu_rmtree(dir);
}

/*
 * Build a record of a few entries, tamper with one thing, and check that
 * a full verify fails naming the right place.
 */
static void
tamper_case(int which)
{
	char *dir, *path;
	record *r = make_dialogue(&dir, &path);
	unsigned char h[32], key[40], *bytes;
	size_t len;
	uint64_t seq;
	record_failure f;
	record_stats st;
	int rc, i;

	for (i = 0; i < 3; i++)
		assert_int_equal(record_append(r, id[RU_HEAD], ENTRY_K_NOTE,
		    note, h, &seq), 0);
	assert_int_equal(record_verify(r, RECORD_VERIFY_KEY, &st, &f), 0);
	assert_int_equal(record_get(r, h, &bytes, &len), 0);
	record_close(r);
	memcpy(key, id[RU_HEAD]->pk, 32);
	store_be64(key + 32, seq);
	switch (which) {
	case 0: /* flip a ciphertext byte, keep the framing */
		bytes[len - 64 - 5] ^= 0x01;
		tu_raw_write(path, "entries", key, 40, bytes, len);
		break;
	case 1: /* flip the clock */
		bytes[87] ^= 0x01;
		tu_raw_write(path, "entries", key, 40, bytes, len);
		break;
	case 2: /* drop the last entry: the head row and counts disagree */
		tu_raw_write(path, "entries", key, 40, NULL, 0);
		break;
	case 3: /* a bad signature byte */
		bytes[len - 1] ^= 0x80;
		tu_raw_write(path, "entries", key, 40, bytes, len);
		break;
	case 4: /* the hash index points elsewhere */
		store_be64(key + 32, seq - 1);
		tu_raw_write(path, "hashes", h, 32, key, 40);
		break;
	}
	free(bytes);
	assert_int_equal(record_open(&r, path), 0);
	assert_int_equal(record_unlock(r, id[US_HEAD]), 0);
	rc = record_verify(r, RECORD_VERIFY_KEY, &st, &f);
	assert_int_not_equal(rc, 0);
	assert_int_equal(rc, f.code);
	assert_true(f.detail[0] != '\0');
	if (which != 2) {
		assert_true(f.has_entry);
		assert_memory_equal(f.author, id[RU_HEAD]->pk, 32);
		assert_int_equal(f.seq, seq);
	}
	if (which == 0 || which == 3)
		assert_int_equal(rc, DT_ESIG);
	if (which == 4)
		assert_int_equal(rc, DT_ECORRUPT);
	/* a tampered record refuses new writes once it is known bad */
	record_close(r);
	free(path);
	tu_rmtree(dir);
}

static void test_tamper_ciphertext(void **s) { (void)s; tamper_case(0); }
static void test_tamper_clock(void **s) { (void)s; tamper_case(1); }
static void test_tamper_drop(void **s) { (void)s; tamper_case(2); }
static void test_tamper_sig(void **s) { (void)s; tamper_case(3); }
static void test_tamper_index(void **s) { (void)s; tamper_case(4); }

/*
 * A full view hashes every entry on worker threads (view_load()) and
 * must refuse, as store_scan() does, an entry whose bytes no longer hash
 * to what the indexes say, whether it is read on the calling thread (a
 * few entries) or on several (n at least view_priv.h's BODY_MIN_PARALLEL).
 */
static void
view_tamper_case(int n, int extra_row)
{
	char *dir, *path;
	record *r = make_dialogue(&dir, &path);
	unsigned char h[32], hm[32], key[40], *bytes;
	view *v = NULL;
	size_t len;
	uint64_t seq, mid = 0;
	int i;

	for (i = 0; i < n; i++) {
		assert_int_equal(record_append(r, id[RU_HEAD], ENTRY_K_NOTE,
		    note, h, &seq), 0);
		if (i == n / 2) {
			mid = seq;
			memcpy(hm, h, sizeof hm);
		}
	}
	assert_int_equal(view_load(&v, r), 0);
	assert_int_equal(view_nitems(v), (size_t)n + 2); /* genesis, wrap */
	view_free(v);
	v = NULL;
	memcpy(key, id[RU_HEAD]->pk, 32);
	store_be64(key + 32, mid);
	assert_int_equal(record_get(r, hm, &bytes, &len), 0);
	record_close(r);
	/* flip a ciphertext byte, keeping the framing */
	bytes[len - 64 - 5] ^= 0x01;
	tu_raw_write(path, "entries", key, 40, bytes, len);
	free(bytes);
	if (extra_row) {
		unsigned char ok[STORE_ORDER_BYTES];

		/*
		 * One more row in the merged order than there are entries,
		 * last, naming the tampered entry: view_load() checks it on
		 * the walk's own thread, past the jobs it sized.
		 */
		store_order_key(ok, UINT64_MAX, id[RU_HEAD]->pk);
		tu_raw_write(path, "order", ok, sizeof ok, hm, 32);
	}
	assert_int_equal(record_open(&r, path), 0);
	assert_int_equal(record_unlock(r, id[US_HEAD]), 0);
	assert_int_equal(view_load(&v, r), DT_EHASH);
	assert_null(v);
	record_close(r);
	free(path);
	tu_rmtree(dir);
}

static void test_view_tamper_few(void **s) { (void)s; view_tamper_case(5, 0); }
static void test_view_tamper_many(void **s) { (void)s; view_tamper_case(600, 0); }
static void test_view_tamper_row(void **s) { (void)s; view_tamper_case(600, 1); }

/*
 * The kinds index is derived, but verify checks it: a structural entry
 * missing from it fails a full verify, naming the entry; a store whose
 * kinds index is gone gets it rebuilt on open, and verifies.
 */
static void
test_tamper_kinds(void **state)
{
	char *dir, *path;
	record *r = make_dialogue(&dir, &path);
	unsigned char h[32], key[41], *bytes;
	size_t len;
	uint64_t seq;
	record_failure f;
	record_stats st;
	entry e;
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;

	(void)state;
	assert_int_equal(record_unlock(r, id[RU_HEAD]), 0);
	assert_int_equal(record_append(r, id[RU_HEAD], ENTRY_K_MEETING_OPEN,
	    "{\"meeting\":1,\"v\":1}", h, &seq), 0);
	assert_int_equal(record_verify(r, RECORD_VERIFY_KEY, &st, &f), 0);
	assert_int_equal(record_get(r, h, &bytes, &len), 0);
	assert_int_equal(entry_parse(&e, bytes, len), 0);
	key[0] = (unsigned char)e.kind;
	store_order_key(key + 1, e.clock, e.author);
	free(bytes);
	record_close(r);
	tu_raw_write(path, "kinds", key, sizeof key, NULL, 0);
	assert_int_equal(record_open(&r, path), 0);
	assert_int_equal(record_verify(r, 0, &st, &f), DT_ECORRUPT);
	assert_true(f.has_entry);
	assert_memory_equal(f.hash, h, 32);
	assert_non_null(strstr(f.detail, "kinds index"));
	record_close(r);

	/* drop the whole index, as a store made before it: rebuilt */
	assert_int_equal(mdb_env_create(&env), 0);
	assert_int_equal(mdb_env_set_maxdbs(env, 16), 0);
	assert_int_equal(mdb_env_set_mapsize(env, (size_t)1 << 32), 0);
	assert_int_equal(mdb_env_open(env, path, 0, 0600), 0);
	assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
	assert_int_equal(mdb_dbi_open(txn, "kinds", 0, &dbi), 0);
	assert_int_equal(mdb_drop(txn, dbi, 1), 0);
	assert_int_equal(mdb_txn_commit(txn), 0);
	mdb_env_close(env);
	assert_int_equal(record_open(&r, path), 0);
	assert_int_equal(record_verify(r, 0, &st, &f), 0);
	record_close(r);
	free(path);
	tu_rmtree(dir);
}

/* An unverified tampered entry is caught on open, and writes refused. */
static void
test_open_checks_new_entries(void **state)
{
	char *dir, *path;
	record *r = make_dialogue(&dir, &path);
	unsigned char h[32], key[40], *bytes;
	size_t len;
	uint64_t seq;

	(void)state;
	record_close(r);
	assert_int_equal(record_open(&r, path), 0); /* watermark moves */
	assert_int_equal(record_unlock(r, id[RU_HEAD]), 0);
	assert_int_equal(record_append(r, id[RU_HEAD], ENTRY_K_NOTE, note, h,
	    &seq), 0);
	assert_int_equal(record_get(r, h, &bytes, &len), 0);
	record_close(r);
	bytes[len - 2] ^= 0x10;
	memcpy(key, id[RU_HEAD]->pk, 32);
	store_be64(key + 32, seq);
	tu_raw_write(path, "entries", key, 40, bytes, len);
	free(bytes);
	assert_int_equal(record_open(&r, path), 0);
	assert_int_equal(record_last_failure(r)->code, DT_ESIG);
	assert_int_equal(record_last_failure(r)->seq, seq);
	assert_int_equal(record_unlock(r, id[RU_HEAD]), 0);
	assert_int_equal(record_append(r, id[RU_HEAD], ENTRY_K_NOTE, note, h,
	    NULL), DT_ESIG);
	record_close(r);
	free(path);
	tu_rmtree(dir);
}

/* Key wraps: only to members, only whole boxes, only the one key. */
static void
test_wrap_rules(void **state)
{
	char *dir, *path, hex[65], p[1024];
	char b64[sodium_base64_ENCODED_LEN(132, sodium_base64_VARIANT_ORIGINAL)];
	record *r = make_dialogue(&dir, &path);
	unsigned char box[132];

	(void)state;
	memset(box, 0, sizeof box);
	sodium_bin2base64(b64, sizeof b64, box, sizeof box,
	    sodium_base64_VARIANT_ORIGINAL);
	key_hex(hex, id[OUTSIDER]->pk, 32);
	snprintf(p, sizeof p, "{\"key_id\":\"0000000000000000\",\"v\":1,"
	    "\"wraps\":[{\"box\":\"%s\",\"to\":\"%s\"}]}", b64, hex);
	assert_int_equal(record_append(r, id[RU_HEAD], ENTRY_K_KEY_WRAP, p,
	    NULL, NULL), DT_EMEMBER);
	key_hex(hex, id[US_HEAD]->pk, 32);
	snprintf(p, sizeof p, "{\"key_id\":\"0000000000000000\",\"v\":1,"
	    "\"wraps\":[{\"box\":\"%s\",\"to\":\"%s\"}]}", b64, hex);
	/* another key id starts a key epoch (FORMAT.md section 6) ... */
	assert_int_equal(record_append(r, id[RU_HEAD], ENTRY_K_KEY_WRAP, p,
	    NULL, NULL), 0);
	/* ... whose key (in a box that does not open) no one holds: the
	 * writer stays in the newest epoch it holds, and it reads back */
	assert_int_equal(record_append(r, id[RU_HEAD], ENTRY_K_NOTE, note,
	    NULL, NULL), 0);
	assert_int_equal(record_epochs(r), 2);
	assert_int_equal(record_epoch_current(r), 0);
	snprintf(p, sizeof p, "{\"key_id\":\"0000000000000000\",\"v\":1,"
	    "\"wraps\":[{\"box\":\"AAAA\",\"to\":\"%s\"}]}", hex);
	assert_int_equal(record_append(r, id[RU_HEAD], ENTRY_K_KEY_WRAP, p,
	    NULL, NULL), DT_EFORMAT); /* not a whole box */
	record_close(r);
	free(path);
	tu_rmtree(dir);
}

/*
 * Membership over time (membership.c): removing RU's observer starts epoch
 * 1, which the observer's key cannot open; a note after it is of epoch 1;
 * a member added with RECORD_EPOCHS_CURRENT holds only epoch 2 after a
 * rekey; a head cannot be removed; a replacement gives every epoch.
 */
static void
test_epochs(void **state)
{
	char *dir, *path;
	record *r = make_dialogue(&dir, &path), *o = NULL;
	unsigned char h[32], eid[8], id0[8], id1[8];
	unsigned char *bytes = NULL;
	record_member m;
	uint64_t clock;
	size_t len, given = 0;
	entry e;
	int held;

	(void)state;
	assert_int_equal(record_epochs(r), 1);
	assert_int_equal(record_remove_member(r, id[RU_HEAD],
	    id[RU_OBSERVER]->pk, "left", h, eid), 0);
	assert_int_equal(record_epochs(r), 2);
	assert_int_equal(record_epoch_current(r), 1);
	assert_int_equal(record_epoch_at(r, 1, id1, &clock, &held), 0);
	assert_memory_equal(id1, eid, 8);
	assert_true(held);
	assert_int_equal(record_append(r, id[RU_HEAD], ENTRY_K_NOTE, note, h,
	    NULL), 0);
	assert_int_equal(record_get(r, h, &bytes, &len), 0);
	assert_int_equal(entry_parse(&e, bytes, len), 0);
	assert_int_equal(e.flags, ENTRY_FLAG_ENCRYPTED | ENTRY_FLAG_EPOCH);
	assert_memory_equal(e.epoch, eid, 8);
	/* the removed key: epoch 0 only, and the note does not open */
	assert_int_equal(record_open(&o, path), 0);
	assert_int_equal(record_unlock(o, id[RU_OBSERVER]), 0);
	assert_int_equal(record_epoch_at(o, 0, id0, &clock, &held), 0);
	assert_true(held);
	assert_int_equal(record_epoch_at(o, 1, id1, &clock, &held), 0);
	assert_false(held);
	assert_null(epoch_key_for(record_epoch_keys(o), &e));
	record_close(o);
	free(bytes);
	/* heads are not removed; the removed are not removed twice */
	assert_int_equal(record_remove_member(r, id[RU_HEAD], id[US_HEAD]->pk,
	    NULL, NULL, NULL), DT_EMEMBER);
	assert_int_equal(record_remove_member(r, id[RU_HEAD],
	    id[RU_OBSERVER]->pk, NULL, NULL, NULL), DT_EMEMBER);
	/* a rekey, then a member given the current epoch only */
	assert_int_equal(record_rekey(r, id[US_HEAD], "suspected", NULL, eid),
	    0);
	assert_int_equal(record_epochs(r), 3);
	memset(&m, 0, sizeof m);
	memcpy(m.pk, id[OUTSIDER]->pk, 32);
	snprintf(m.name, sizeof m.name, "late");
	snprintf(m.party, sizeof m.party, "RU");
	m.role = RECORD_ROLE_DELEGATE;
	assert_int_equal(record_add_member_epochs(r, id[RU_HEAD], &m,
	    RECORD_EPOCHS_CURRENT, NULL, &given), 0);
	assert_int_equal(given, 1);
	assert_int_equal(record_open(&o, path), 0);
	assert_int_equal(record_unlock(o, id[OUTSIDER]), 0);
	assert_int_equal(record_epoch_at(o, 0, id0, &clock, &held), 0);
	assert_false(held);
	assert_int_equal(record_epoch_at(o, 2, id1, &clock, &held), 0);
	assert_true(held);
	assert_int_equal(record_epoch_current(o), 2);
	record_close(o);
	record_close(r);
	free(path);
	tu_rmtree(dir);
}

static void
test_find(void **state)
{
	char *dir, *path, hex[65];
	record *r = make_dialogue(&dir, &path);
	unsigned char h[32], got[32];

	(void)state;
	assert_int_equal(record_append(r, id[RU_HEAD], ENTRY_K_NOTE, note, h,
	    NULL), 0);
	key_hex(hex, h, 32);
	hex[8] = '\0';
	assert_int_equal(record_find(r, hex, got), 0);
	assert_memory_equal(got, h, 32);
	assert_int_equal(record_find(r, "ffffffffffff", got), DT_ENOENT);
	assert_int_equal(record_find(r, "abc", got), DT_EINVAL);
	record_close(r);
	free(path);
	tu_rmtree(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_rules),
		cmocka_unit_test(test_append_rules),
		cmocka_unit_test(test_tamper_ciphertext),
		cmocka_unit_test(test_tamper_clock),
		cmocka_unit_test(test_tamper_drop),
		cmocka_unit_test(test_tamper_sig),
		cmocka_unit_test(test_tamper_index),
		cmocka_unit_test(test_view_tamper_few),
		cmocka_unit_test(test_view_tamper_many),
		cmocka_unit_test(test_view_tamper_row),
		cmocka_unit_test(test_tamper_kinds),
		cmocka_unit_test(test_open_checks_new_entries),
		cmocka_unit_test(test_wrap_rules),
		cmocka_unit_test(test_epochs),
		cmocka_unit_test(test_find),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, setup, teardown);
}
