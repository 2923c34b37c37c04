/*
 * test_held.c: held entries: the bounds (held_admit()), a header read
 * without its body (held_parse_head()), what an entry waits for
 * (held_waits()) and the list of what a store holds (held_list()).
 */
#include "test_util.h"

#include <sodium.h>

#include "../../crypto/err.h"
#include "../../crypto/keys.h"
#include "../../storage/held.h"
#include "../../storage/store.h"

static key_identity *ids[2];
static unsigned char dialogue[32];

static int
setup(void **state)
{
	unsigned char seed[32];

	(void)state;
	memset(dialogue, 7, sizeof dialogue);
	memset(seed, 1, sizeof seed);
	if (key_identity_from_seed(&ids[0], "a", seed) != 0)
		return -1;
	memset(seed, 2, sizeof seed);
	return key_identity_from_seed(&ids[1], "b", seed);
}

static int
teardown(void **state)
{
	(void)state;
	key_identity_free(ids[0]);
	key_identity_free(ids[1]);
	return 0;
}

/* A checkpoint-kind entry of id at seq, clock, prev, with refs. */
static void
make(unsigned char **b, size_t *len, unsigned char h[32],
    const key_identity *id, uint64_t seq, uint64_t clock,
    const unsigned char *prev, const entry_ref *refs, unsigned nrefs)
{
	static const char payload[] = "{\"note\":\"held\",\"v\":1}";
	entry_draft d;

	memset(&d, 0, sizeof d);
	d.kind = ENTRY_K_CHECKPOINT;
	d.dialogue = dialogue;
	d.seq = seq;
	d.clock = clock;
	d.prev = prev;
	d.refs = refs;
	d.nrefs = nrefs;
	d.payload = (const unsigned char *)payload;
	d.payload_len = sizeof payload - 1;
	assert_int_equal(entry_build(b, len, &d, id), 0);
	entry_hash(h, *b, *len);
}

static void
test_admit(void **state)
{
	held_tally pool = { 0, 0 }, mine = { 0, 0 };

	(void)state;
	assert_int_equal(held_admit(&pool, &mine, 1000, 0), HELD_ADMIT);
	/* One author who is not a member: entries, then bytes. */
	mine.entries = HELD_AUTHOR_MAX_ENTRIES - 1;
	assert_int_equal(held_admit(&pool, &mine, 1000, 0), HELD_ADMIT);
	mine.entries = HELD_AUTHOR_MAX_ENTRIES;
	assert_int_equal(held_admit(&pool, &mine, 1000, 0), HELD_OVER_AUTHOR);
	assert_int_equal(held_admit(&pool, &mine, 1000, 1), HELD_ADMIT);
	mine.entries = 1;
	mine.bytes = HELD_AUTHOR_MAX_BYTES - 1000;
	assert_int_equal(held_admit(&pool, &mine, 1000, 0), HELD_ADMIT);
	assert_int_equal(held_admit(&pool, &mine, 1001, 0), HELD_OVER_AUTHOR);
	/* All authors who are not members, together. */
	mine.bytes = 0;
	pool.entries = HELD_OTHERS_MAX_ENTRIES;
	assert_int_equal(held_admit(&pool, &mine, 1, 0), HELD_OVER_OTHERS);
	pool.entries = 0;
	pool.bytes = HELD_OTHERS_MAX_BYTES;
	assert_int_equal(held_admit(&pool, &mine, 1, 0), HELD_OVER_OTHERS);
	/* Members: their own pool, larger; the author's tally is not asked. */
	mine.entries = HELD_AUTHOR_MAX_ENTRIES * 10;
	assert_int_equal(held_admit(&pool, &mine, 1, 1), HELD_ADMIT);
	pool.bytes = HELD_MEMBERS_MAX_BYTES - 10;
	assert_int_equal(held_admit(&pool, &mine, 10, 1), HELD_ADMIT);
	assert_int_equal(held_admit(&pool, &mine, 11, 1), HELD_OVER_MEMBERS);
	pool.bytes = 0;
	pool.entries = HELD_MEMBERS_MAX_ENTRIES - 1;
	assert_int_equal(held_admit(&pool, &mine, 1, 1), HELD_ADMIT);
	pool.entries = HELD_MEMBERS_MAX_ENTRIES;
	assert_int_equal(held_admit(&pool, &mine, 1, 1), HELD_OVER_MEMBERS);
}

static void
test_parse_head(void **state)
{
	unsigned char *b, h[32], h0[32];
	entry_ref ref[1];
	size_t len, need;
	entry full, head;

	(void)state;
	memset(h0, 9, sizeof h0);
	memcpy(ref[0].author, ids[1]->pk, KEY_PK_BYTES);
	ref[0].seq = 6;
	memset(ref[0].hash, 4, 32);
	make(&b, &len, h, ids[0], 3, 9, h0, ref, 1);
	assert_int_equal(entry_parse(&full, b, len), 0);
	need = held_head_bytes(b, len);
	assert_int_equal(need, full.header_len);
	assert_int_equal(need, ENTRY_FIXED_BYTES + ENTRY_REF_BYTES + 4);
	/* The header alone is enough, and says what the whole entry says. */
	assert_int_equal(held_parse_head(&head, b, need), 0);
	assert_memory_equal(head.author, full.author, KEY_PK_BYTES);
	assert_int_equal(head.seq, 3);
	assert_int_equal(head.clock, 9);
	assert_int_equal(head.kind, ENTRY_K_CHECKPOINT);
	assert_int_equal(head.nrefs, 1);
	assert_memory_equal(head.prev, h0, 32);
	assert_memory_equal(head.refs, full.refs, ENTRY_REF_BYTES);
	assert_null(head.body);
	/* One byte short of the header, or not an entry at all. */
	assert_int_equal(held_parse_head(&head, b, need - 1), DT_EFORMAT);
	assert_int_equal(held_parse_head(&head, b, 100), DT_EFORMAT);
	b[0] = 'X';
	assert_int_equal(held_head_bytes(b, len), 0);
	assert_int_equal(held_parse_head(&head, b, len), DT_EFORMAT);
	b[0] = 'D';
	b[6] = 0xff; /* 65,280 references: over ENTRY_MAX_REFS */
	assert_int_equal(held_head_bytes(b, len), 0);
	free(b);
}

static void
test_waits_and_list(void **state)
{
	char *dir = tu_tmpdir(), sub[600];
	unsigned char *b[4], h[4][32];
	size_t len[4], n;
	entry e[4];
	entry_ref ref;
	held_wait w;
	held_info *list;
	store *s;
	store_txn *t;

	(void)state;
	snprintf(sub, sizeof sub, "%s/s", dir);
	assert_int_equal(store_open(&s, sub, 1), 0);
	/* a0, a1, a2 by ids[0]; b0 by ids[1] references a2. */
	make(&b[0], &len[0], h[0], ids[0], 0, 2, NULL, NULL, 0);
	make(&b[1], &len[1], h[1], ids[0], 1, 3, h[0], NULL, 0);
	make(&b[2], &len[2], h[2], ids[0], 2, 4, h[1], NULL, 0);
	memcpy(ref.author, ids[0]->pk, KEY_PK_BYTES);
	ref.seq = 2;
	memcpy(ref.hash, h[2], 32);
	make(&b[3], &len[3], h[3], ids[1], 0, 5, NULL, &ref, 1);
	for (n = 0; n < 4; n++)
		assert_int_equal(entry_parse(&e[n], b[n], len[n]), 0);
	assert_int_equal(store_txn_begin(&t, s, 1), 0);
	assert_int_equal(store_set_dialogue(t, dialogue), 0);
	assert_int_equal(store_put(t, &e[0], h[0]), 0);
	/* a2 waits for a1, the gap; a1 waits for nothing. */
	assert_int_equal(held_waits(&w, t, &e[2]), 1);
	assert_int_equal(w.what, HELD_WAITS_PREV);
	assert_int_equal(w.seq, 1);
	assert_int_equal(w.last, 1);
	assert_memory_equal(w.hash, h[1], 32);
	assert_int_equal(w.held, 0);
	assert_int_equal(held_waits(&w, t, &e[1]), 0);
	assert_int_equal(w.what, HELD_WAITS_NOTHING);
	/* b0 waits for a2, which it references; held, it says so. */
	assert_int_equal(held_waits(&w, t, &e[3]), 1);
	assert_int_equal(w.what, HELD_WAITS_REF);
	assert_memory_equal(w.author, ids[0]->pk, KEY_PK_BYTES);
	assert_int_equal(w.seq, 2);
	assert_memory_equal(w.hash, h[2], 32);
	assert_int_equal(w.held, 0);
	assert_int_equal(store_held_put(t, h[2], b[2], len[2]), 0);
	assert_int_equal(store_held_put(t, h[3], b[3], len[3]), 0);
	assert_int_equal(held_waits(&w, t, &e[3]), 1);
	assert_int_equal(w.held, 1);
	/* The list: merged order, each with what it waits for. */
	assert_int_equal(held_list(&list, &n, t), 0);
	assert_int_equal(n, 2);
	assert_memory_equal(list[0].hash, h[2], 32);
	assert_int_equal(list[0].clock, 4);
	assert_int_equal(list[0].len, len[2]);
	assert_int_equal(list[0].wait.what, HELD_WAITS_PREV);
	assert_memory_equal(list[1].hash, h[3], 32);
	assert_int_equal(list[1].wait.what, HELD_WAITS_REF);
	assert_int_equal(list[1].wait.held, 1);
	free(list);
	/* Once a1 is in, a2 no longer waits; b0 still does, for a2. */
	assert_int_equal(store_put(t, &e[1], h[1]), 0);
	assert_int_equal(held_waits(&w, t, &e[2]), 0);
	assert_int_equal(held_waits(&w, t, &e[3]), 1);
	/* A held row that is no entry: the list refuses it. */
	assert_int_equal(store_held_put(t, h[0], (const unsigned char *)"junk",
			     4),
	    0);
	assert_int_equal(held_list(&list, &n, t), DT_ECORRUPT);
	assert_null(list);
	store_txn_abort(t);
	store_close(s);
	for (n = 0; n < 4; n++)
		free(b[n]);
	tu_rmtree(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_admit),
		cmocka_unit_test(test_parse_head),
		cmocka_unit_test(test_waits_and_list),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, setup, teardown);
}
