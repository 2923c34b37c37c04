/*
 * test_checkpoint.c: feed roots, checkpoint notes, and the rule for
 * checkpoint entries (storage/checkpoint.c): written by append, checked
 * on append, import and verify; a checkpoint with a wrong root, size,
 * origin or signature is refused, and one slipped into the store past
 * append is found by verify, naming the entry.
 */
#include "test_util.h"

#include <sodium.h>

#include "../../crypto/err.h"
#include "../../crypto/keys.h"
#include "../../crypto/merkle.h"
#include "../../crypto/note.h"
#include "../../storage/checkpoint.h"
#include "../../storage/payload.h"
#include "../../storage/record.h"

enum { RU_HEAD, US_HEAD, RU_DEL, NIDS };
static key_identity *id[NIDS];
static const char *names[NIDS] = { "ru-head", "us-head", "ru-del" };

static const char note[] = "{\"meeting\":1,\"text\":[{\"body\":\"Привет\","
    "\"lang\":\"ru\",\"role\":\"authentic\"}],\"v\":1}";

static int
setup(void **state)
{
	unsigned char seed[32];
	int i;

	(void)state;
	for (i = 0; i < NIDS; i++) {
		memset(seed, 0x40 + i, sizeof seed);
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

static record *
make_dialogue(char **dir)
{
	static const char *const parties[] = { "RU", "US" };
	record_member m[3];
	record_genesis g;
	record *r = NULL;
	const char *why = NULL;

	*dir = tu_tmpdir();
	member(&m[0], RU_HEAD, "RU", RECORD_ROLE_HEAD);
	member(&m[1], US_HEAD, "US", RECORD_ROLE_HEAD);
	member(&m[2], RU_DEL, "RU", RECORD_ROLE_DELEGATE);
	memset(&g, 0, sizeof g);
	g.title = "t";
	g.parties = parties;
	g.nparties = 2;
	g.members = m;
	g.nmembers = 3;
	assert_int_equal(record_create(&r, *dir, id[RU_HEAD], &g, &why), 0);
	return r;
}

/* The leaf hashes of a feed, straight from store_get(). */
static unsigned char *
leaves_of(record *r, const unsigned char *author, uint64_t n)
{
	unsigned char *l = malloc(n * 32 + 1), *b;
	store_txn *t;
	size_t len;
	uint64_t i;

	assert_non_null(l);
	assert_int_equal(store_txn_begin(&t, record_store(r), 0), 0);
	for (i = 0; i < n; i++) {
		assert_int_equal(store_get(&b, &len, t, author, i), 0);
		entry_hash(l + i * 32, b, len);
		free(b);
	}
	store_txn_abort(t);
	return l;
}

static void
test_feed_root(void **state)
{
	char *dir;
	record *r = make_dialogue(&dir);
	unsigned char root[32], want[32], *l, *got;
	store_txn *t;
	uint64_t n;
	int i;

	(void)state;
	for (i = 0; i < 5; i++)
		assert_int_equal(record_append(r, id[RU_HEAD], ENTRY_K_NOTE,
		    note, NULL, NULL), 0);
	l = leaves_of(r, id[RU_HEAD]->pk, 7);
	assert_int_equal(store_txn_begin(&t, record_store(r), 0), 0);
	for (n = 0; n <= 7; n++) {
		assert_int_equal(ckpt_feed_root(root, t, id[RU_HEAD]->pk, n), 0);
		assert_int_equal(merkle_root(want, l, n), 0);
		assert_memory_equal(root, want, 32);
	}
	assert_int_equal(ckpt_feed_root(root, t, id[RU_HEAD]->pk, 8),
	    DT_ENOENT);
	assert_int_equal(ckpt_feed_root(root, t, id[US_HEAD]->pk, 1),
	    DT_ENOENT);
	assert_int_equal(ckpt_feed_root(root, t, id[US_HEAD]->pk, 0), 0);
	merkle_empty_root(want);
	assert_memory_equal(root, want, 32);
	assert_int_equal(ckpt_feed_leaves(&got, t, id[RU_HEAD]->pk, 7), 0);
	assert_memory_equal(got, l, 7 * 32);
	free(got);
	assert_int_equal(ckpt_feed_leaves(&got, t, id[RU_HEAD]->pk, 8),
	    DT_ENOENT);
	assert_null(got);
	store_txn_abort(t);
	free(l);
	record_close(r);
	tu_rmtree(dir);
}

static void
test_note_check(void **state)
{
	unsigned char d[32], root[32], other[32];
	char *n = NULL, *n2 = NULL, origin[NOTE_ORIGIN_BYTES], why[200];
	size_t len, len2;
	note_verifier v;
	uint64_t mask = 0;

	(void)state;
	memset(d, 0x11, sizeof d);
	memset(root, 0x22, sizeof root);
	memset(other, 0x23, sizeof other);
	assert_int_equal(ckpt_sign(&n, &len, d, 5, root, id[RU_DEL]), 0);
	assert_int_equal(strlen(n), len);
	/* The text is the tlog-checkpoint: origin, size, base64 root. */
	note_checkpoint_origin(origin, d, id[RU_DEL]->pk);
	assert_int_equal(strncmp(n, origin, strlen(origin)), 0);
	assert_int_equal(strncmp(n + strlen(origin), "\n5\n", 3), 0);
	/* Any signed-note verifier with the key checks it. */
	v.name = origin;
	memcpy(v.pk, id[RU_DEL]->pk, 32);
	assert_int_equal(note_verify(n, len, &v, 1, &mask), 0);
	assert_int_equal(mask, 1);

	assert_int_equal(ckpt_check_note(n, len, d, id[RU_DEL]->pk, 5, root,
	    why, sizeof why), 0);
	assert_int_equal(ckpt_check_note(n, len, d, id[RU_DEL]->pk, 6, root,
	    why, sizeof why), DT_EFORMAT);
	assert_non_null(strstr(why, "size"));
	assert_int_equal(ckpt_check_note(n, len, d, id[RU_DEL]->pk, 5, other,
	    why, sizeof why), DT_EHASH);
	assert_non_null(strstr(why, "root"));
	/* another author's feed: the origin does not match */
	assert_int_equal(ckpt_check_note(n, len, d, id[RU_HEAD]->pk, 5, root,
	    why, sizeof why), DT_EFORMAT);
	assert_int_equal(ckpt_check_note(n, len, other, id[RU_DEL]->pk, 5,
	    root, why, sizeof why), DT_EFORMAT);
	/* a damaged signature */
	n[len - 3] = n[len - 3] == 'A' ? 'B' : 'A';
	assert_int_not_equal(ckpt_check_note(n, len, d, id[RU_DEL]->pk, 5,
	    root, why, sizeof why), 0);
	free(n);
	/* signed by someone else under the author's origin */
	assert_int_equal(ckpt_sign(&n, &len, d, 5, root, id[RU_HEAD]), 0);
	note_checkpoint_origin(origin, d, id[RU_DEL]->pk);
	free(n);
	{
		char text[400];

		assert_int_equal(note_checkpoint_text(text, sizeof text, origin,
		    5, root), 0);
		assert_int_equal(note_sign(&n, &len, text, strlen(text),
		    id[RU_HEAD], origin), 0);
		assert_int_equal(ckpt_check_note(n, len, d, id[RU_DEL]->pk, 5,
		    root, why, sizeof why), DT_ESIG);
		/* a cosignature by another key does not hurt */
		free(n);
		assert_int_equal(note_sign(&n, &len, text, strlen(text),
		    id[RU_DEL], origin), 0);
		assert_int_equal(note_cosign(&n2, &len2, n, len, id[US_HEAD],
		    "witness"), 0);
		assert_int_equal(ckpt_check_note(n2, len2, d, id[RU_DEL]->pk, 5,
		    root, why, sizeof why), 0);
	}
	assert_int_equal(ckpt_check_note("nonsense\n", 9, d, id[RU_DEL]->pk,
	    5, root, why, sizeof why), DT_EFORMAT);
	free(n);
	free(n2);
}

/* A checkpoint payload with note n. */
static char *
payload_for(const char *n, size_t len)
{
	json_t *p = json_pack("{s:i,s:s%}", "v", 1, "note", n, len);
	char *s = payload_dump(p);

	json_decref(p);
	assert_non_null(s);
	return s;
}

static void
test_append_and_verify(void **state)
{
	char *dir, *n = NULL, *text;
	record *r = make_dialogue(&dir);
	unsigned char h[32], root[32], bad[32];
	record_failure f;
	record_stats st;
	size_t len;
	uint64_t seq;

	(void)state;
	assert_int_equal(record_append(r, id[RU_DEL], ENTRY_K_NOTE, note, NULL,
	    NULL), 0);
	assert_int_equal(ckpt_append(r, id[RU_DEL], &n, &len, h), 0);
	assert_non_null(strstr(n, "\n1\n"));
	free(n);
	assert_int_equal(record_append(r, id[RU_DEL], ENTRY_K_NOTE, note, NULL,
	    NULL), 0);
	assert_int_equal(ckpt_append(r, id[RU_HEAD], NULL, NULL, h), 0);
	assert_int_equal(record_verify(r, RECORD_VERIFY_KEY, &st, &f), 0);

	/* A note for the right size, with a wrong root: refused. */
	memset(bad, 0x5a, sizeof bad);
	assert_int_equal(ckpt_sign(&n, &len, record_id(r), 3, bad, id[RU_DEL]),
	    0);
	text = payload_for(n, len);
	assert_int_equal(record_append(r, id[RU_DEL], ENTRY_K_CHECKPOINT, text,
	    NULL, NULL), DT_EHASH);
	payload_free(text);
	free(n);
	/* The right root for another size: refused. */
	{
		store_txn *t;

		assert_int_equal(store_txn_begin(&t, record_store(r), 0), 0);
		assert_int_equal(ckpt_feed_root(root, t, id[RU_DEL]->pk, 2), 0);
		store_txn_abort(t);
	}
	assert_int_equal(ckpt_sign(&n, &len, record_id(r), 2, root,
	    id[RU_DEL]), 0);
	text = payload_for(n, len);
	assert_int_equal(record_append(r, id[RU_DEL], ENTRY_K_CHECKPOINT, text,
	    NULL, NULL), DT_EFORMAT);
	payload_free(text);
	free(n);
	/* Signed by another member: refused. */
	{
		char origin[NOTE_ORIGIN_BYTES], ctext[400];
		store_txn *t;

		assert_int_equal(store_txn_begin(&t, record_store(r), 0), 0);
		assert_int_equal(ckpt_feed_root(root, t, id[RU_DEL]->pk, 3), 0);
		store_txn_abort(t);
		note_checkpoint_origin(origin, record_id(r), id[RU_DEL]->pk);
		assert_int_equal(note_checkpoint_text(ctext, sizeof ctext,
		    origin, 3, root), 0);
		assert_int_equal(note_sign(&n, &len, ctext, strlen(ctext),
		    id[RU_HEAD], origin), 0);
		text = payload_for(n, len);
		assert_int_equal(record_append(r, id[RU_DEL],
		    ENTRY_K_CHECKPOINT, text, NULL, NULL), DT_ESIG);
		payload_free(text);
		free(n);
	}
	/* Nothing was written by the refusals. */
	assert_int_equal(record_verify(r, RECORD_VERIFY_KEY, &st, &f), 0);
	assert_int_equal(st.entries, 6);

	/*
	 * Slip a checkpoint with a wrong root into the store past append
	 * (as a damaged or hostile store would hold it): verify names it.
	 */
	{
		store_head hd;
		store_txn *t;
		entry_draft d;
		entry e;
		unsigned char *b, eh[32];
		size_t blen;

		assert_int_equal(store_txn_begin(&t, record_store(r), 1), 0);
		assert_int_equal(store_head_get(&hd, t, id[RU_DEL]->pk), 0);
		assert_int_equal(ckpt_sign(&n, &len, record_id(r), hd.next_seq,
		    bad, id[RU_DEL]), 0);
		text = payload_for(n, len);
		memset(&d, 0, sizeof d);
		d.kind = ENTRY_K_CHECKPOINT;
		d.dialogue = record_id(r);
		d.seq = hd.next_seq;
		d.clock = hd.clock + 1; /* the clock rule holds */
		d.time_ms = 1;
		d.prev = hd.hash;
		d.payload = (const unsigned char *)text;
		d.payload_len = strlen(text);
		assert_int_equal(entry_build(&b, &blen, &d, id[RU_DEL]), 0);
		assert_int_equal(entry_parse(&e, b, blen), 0);
		entry_hash(eh, b, blen);
		assert_int_equal(store_put(t, &e, eh), 0);
		assert_int_equal(store_txn_commit(t), 0);
		seq = e.seq;
		assert_int_equal(record_verify(r, 0, &st, &f), DT_EHASH);
		assert_int_equal(f.has_entry, 1);
		assert_memory_equal(f.author, id[RU_DEL]->pk, 32);
		assert_int_equal(f.seq, seq);
		assert_memory_equal(f.hash, eh, 32);
		assert_non_null(strstr(f.detail, "root"));
		free(b);
		payload_free(text);
		free(n);
	}
	record_close(r);
	tu_rmtree(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_feed_root),
		cmocka_unit_test(test_note_check),
		cmocka_unit_test(test_append_and_verify),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, setup, teardown);
}
