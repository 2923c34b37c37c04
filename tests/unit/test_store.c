/*
 * test_store.c: the LMDB store: put, get, indexes, no overwrite, scans,
 * damaged files.
 */
#include "test_util.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>
#include <lmdb.h>
#include <sodium.h>

#include "../../crypto/err.h"
#include "../../crypto/keys.h"
#include "../../storage/runs.h"
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

/* A control entry (no key needed) of id at seq with clock and prev. */
static void
make(unsigned char **b, size_t *len, entry *e, unsigned char h[32],
    const key_identity *id, uint64_t seq, uint64_t clock,
    const unsigned char *prev, const char *payload)
{
	entry_draft d;

	memset(&d, 0, sizeof d);
	d.kind = ENTRY_K_CHECKPOINT;
	d.dialogue = dialogue;
	d.seq = seq;
	d.clock = clock;
	d.prev = prev;
	d.payload = (const unsigned char *)payload;
	d.payload_len = strlen(payload);
	assert_int_equal(entry_build(b, len, &d, id), 0);
	assert_int_equal(entry_parse(e, *b, *len), 0);
	entry_hash(h, *b, *len);
}

static int
count_cb(void *ctx, const unsigned char *bytes, size_t len,
    const unsigned char hash[32])
{
	entry e;

	(void)hash;
	assert_int_equal(entry_parse(&e, bytes, len), 0);
	((uint64_t *)ctx)[((uint64_t *)ctx)[0]++ + 1] = e.clock;
	return 0;
}

static void
test_put_get_scan(void **state)
{
	char *dir = tu_tmpdir(), sub[600], hex[65];
	store *s;
	store_txn *t;
	unsigned char *b[4], h[4][32], found[32], *got;
	size_t len[4], glen, nheads;
	entry e[4];
	store_head head, *heads;
	uint64_t n, clocks[8] = { 0 };

	(void)state;
	snprintf(sub, sizeof sub, "%s/s", dir);
	assert_int_equal(store_open(&s, sub, 1), 0);
	make(&b[0], &len[0], &e[0], h[0], ids[0], 0, 2, NULL, "{\"a\":0}");
	make(&b[1], &len[1], &e[1], h[1], ids[0], 1, 4, h[0], "{\"a\":1}");
	make(&b[2], &len[2], &e[2], h[2], ids[1], 0, 3, NULL, "{\"b\":0}");
	assert_int_equal(store_txn_begin(&t, s, 1), 0);
	assert_int_equal(store_set_dialogue(t, dialogue), 0);
	assert_int_equal(store_set_dialogue(t, dialogue), DT_EEXIST);
	assert_int_equal(store_put(t, &e[0], h[0]), 0);
	assert_int_equal(store_put(t, &e[1], h[1]), 0);
	assert_int_equal(store_put(t, &e[2], h[2]), 0);
	assert_int_equal(store_txn_commit(t), 0);
	store_close(s);

	assert_int_equal(store_open(&s, sub, 0), 0);
	assert_int_equal(store_txn_begin(&t, s, 0), 0);
	assert_int_equal(store_count(&n, t), 0);
	assert_int_equal(n, 3);
	assert_int_equal(store_get(&got, &glen, t, ids[0]->pk, 1), 0);
	assert_int_equal(glen, len[1]);
	assert_memory_equal(got, b[1], glen);
	free(got);
	assert_int_equal(store_get(&got, &glen, t, ids[0]->pk, 2), DT_ENOENT);
	assert_int_equal(store_head_get(&head, t, ids[0]->pk), 0);
	assert_int_equal(head.next_seq, 2);
	assert_memory_equal(head.hash, h[1], 32);
	assert_int_equal(head.clock, 4);
	assert_int_equal(store_heads(&heads, &nheads, t), 0);
	assert_int_equal(nheads, 2);
	free(heads);
	/* merged order is by clock: a0 (2), b0 (3), a1 (4) */
	assert_int_equal(store_scan(t, NULL, 0, count_cb, clocks), 0);
	assert_int_equal(clocks[0], 3);
	assert_int_equal(clocks[1], 2);
	assert_int_equal(clocks[2], 3);
	assert_int_equal(clocks[3], 4);
	memset(clocks, 0, sizeof clocks);
	assert_int_equal(store_scan(t, NULL, 1, count_cb, clocks), 0);
	assert_int_equal(clocks[1], 4);
	assert_int_equal(clocks[3], 2);
	/* prefix lookup */
	key_hex(hex, h[2], 32);
	hex[10] = '\0';
	assert_int_equal(store_find_prefix(found, t, hex), 0);
	assert_memory_equal(found, h[2], 32);
	assert_int_equal(store_find_prefix(found, t, "zz12"), DT_EINVAL);
	assert_int_equal(store_find_prefix(found, t, "12"), DT_EINVAL);
	store_txn_abort(t);
	store_close(s);
	free(b[0]);
	free(b[1]);
	free(b[2]);
	tu_rmtree(dir);
}

/*
 * store_ref_probe(): the clock of (author, seq), and the hash its feed's
 * chain gives it (the next entry's prev, or the head row's hash for the
 * last), in read transactions (cached cursors, across feeds and back
 * and forth) and in write transactions alike; a read-only open sees the
 * same; nothing for an entry that is not there.
 */
static void
test_ref_probe(void **state)
{
	char *dir = tu_tmpdir(), sub[600];
	store *s;
	store_txn *t;
	unsigned char *b[5], h[5][32], got[32];
	size_t len[5], i;
	entry e[5];
	uint64_t clock;
	int pass, write;

	(void)state;
	snprintf(sub, sizeof sub, "%s/s", dir);
	assert_int_equal(store_open(&s, sub, 1), 0);
	make(&b[0], &len[0], &e[0], h[0], ids[0], 0, 2, NULL, "{\"a\":0}");
	make(&b[1], &len[1], &e[1], h[1], ids[0], 1, 4, h[0], "{\"a\":1}");
	make(&b[2], &len[2], &e[2], h[2], ids[0], 2, 6, h[1], "{\"a\":2}");
	make(&b[3], &len[3], &e[3], h[3], ids[1], 0, 3, NULL, "{\"b\":0}");
	make(&b[4], &len[4], &e[4], h[4], ids[1], 1, 5, h[3], "{\"b\":1}");
	assert_int_equal(store_txn_begin(&t, s, 1), 0);
	assert_int_equal(store_set_dialogue(t, dialogue), 0);
	for (i = 0; i < 5; i++)
		assert_int_equal(store_put(t, &e[i], h[i]), 0);
	assert_int_equal(store_txn_commit(t), 0);
	for (pass = 0; pass < 3; pass++) {
		write = pass == 1;
		if (pass == 2) {
			store_close(s);
			assert_int_equal(store_open(&s, sub,
			    STORE_OPEN_READONLY), 0);
		}
		assert_int_equal(store_txn_begin(&t, s, write), 0);
		/* a1, b0, a0, b1, a2: feeds in turn, seqs back and forth */
		assert_int_equal(store_ref_probe(&clock, got, t, ids[0]->pk, 1),
		    0);
		assert_int_equal(clock, 4);
		assert_memory_equal(got, h[1], 32);
		assert_int_equal(store_ref_probe(&clock, got, t, ids[1]->pk, 0),
		    0);
		assert_int_equal(clock, 3);
		assert_memory_equal(got, h[3], 32);
		assert_int_equal(store_ref_probe(&clock, got, t, ids[0]->pk, 0),
		    0);
		assert_int_equal(clock, 2);
		assert_memory_equal(got, h[0], 32);
		assert_int_equal(store_ref_probe(&clock, got, t, ids[1]->pk, 1),
		    0);
		assert_int_equal(clock, 5);
		assert_memory_equal(got, h[4], 32);  /* from the head row */
		assert_int_equal(store_ref_probe(&clock, got, t, ids[0]->pk, 2),
		    0);
		assert_int_equal(clock, 6);
		assert_memory_equal(got, h[2], 32);
		assert_int_equal(store_ref_probe(&clock, got, t, ids[0]->pk, 3),
		    DT_ENOENT);
		assert_int_equal(store_ref_probe(&clock, got, t, ids[1]->pk, 9),
		    DT_ENOENT);
		store_txn_abort(t);
	}
	store_close(s);
	for (i = 0; i < 5; i++)
		free(b[i]);
	tu_rmtree(dir);
}

static void
test_no_overwrite_fork(void **state)
{
	char *dir = tu_tmpdir(), sub[600];
	store *s;
	store_txn *t;
	unsigned char *b1, *b2, h1[32], h2[32], *got;
	size_t l1, l2, glen;
	entry e1, e2;

	(void)state;
	snprintf(sub, sizeof sub, "%s/s", dir);
	assert_int_equal(store_open(&s, sub, 1), 0);
	make(&b1, &l1, &e1, h1, ids[0], 0, 2, NULL, "{\"x\":1}");
	make(&b2, &l2, &e2, h2, ids[0], 0, 2, NULL, "{\"x\":2}");
	assert_int_equal(store_txn_begin(&t, s, 1), 0);
	assert_int_equal(store_put(t, &e1, h1), 0);
	assert_int_equal(store_put(t, &e1, h1), DT_EEXIST);
	assert_int_equal(store_put(t, &e2, h2), DT_EFORK);
	assert_int_equal(store_txn_commit(t), 0);
	assert_int_equal(store_txn_begin(&t, s, 0), 0);
	assert_int_equal(store_get(&got, &glen, t, ids[0]->pk, 0), 0);
	assert_memory_equal(got, b1, l1);
	free(got);
	store_txn_abort(t);
	store_close(s);
	free(b1);
	free(b2);
	tu_rmtree(dir);
}

/* An entry of kind by id at seq with clock and prev (content: a key). */
static void
make_kind(unsigned char **b, size_t *len, entry *e, unsigned char h[32],
    const key_identity *id, unsigned kind, uint64_t seq, uint64_t clock,
    const unsigned char *prev)
{
	static const unsigned char key[32] = { 9 };
	entry_draft d;

	memset(&d, 0, sizeof d);
	d.kind = kind;
	d.dialogue = dialogue;
	d.seq = seq;
	d.clock = clock;
	d.prev = prev;
	d.payload = (const unsigned char *)"{}";
	d.payload_len = 2;
	d.key = key;
	assert_int_equal(entry_build(b, len, &d, id), 0);
	assert_int_equal(entry_parse(e, *b, *len), 0);
	entry_hash(h, *b, *len);
}

/* raw_kinds() - drop the kinds database (del) or set its stamp to n. */
static void
raw_kinds(const char *path, int del, uint64_t n)
{
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	unsigned char zero[1] = { 0 }, v[8];
	MDB_val k = { 1, zero }, d = { 8, v };

	store_be64(v, n);
	assert_int_equal(mdb_env_create(&env), 0);
	assert_int_equal(mdb_env_set_maxdbs(env, 16), 0);
	assert_int_equal(mdb_env_set_mapsize(env, (size_t)1 << 32), 0);
	assert_int_equal(mdb_env_open(env, path, 0, 0600), 0);
	assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
	assert_int_equal(mdb_dbi_open(txn, "kinds", 0, &dbi), 0);
	if (del)
		assert_int_equal(mdb_drop(txn, dbi, 1), 0);
	else
		assert_int_equal(mdb_put(txn, dbi, &k, &d, 0), 0);
	assert_int_equal(mdb_txn_commit(txn), 0);
	mdb_env_close(env);
}

/* kinds_walk() - the clocks of the agenda rows from the order key from. */
static void
kinds_walk(store *s, const unsigned char *from, uint64_t clocks[8])
{
	store_txn *t;

	memset(clocks, 0, 8 * sizeof(*clocks));
	assert_int_equal(store_txn_begin(&t, s, 0), 0);
	assert_int_equal(store_scan_kind(t, ENTRY_K_AGENDA, from, count_cb,
	    clocks), 0);
	store_txn_abort(t);
}

/*
 * The kinds index lists the structural kinds only, in merged order per
 * kind; it is rebuilt when a store lacks it or its stamp is stale; the
 * heads check catches a head entry whose bytes changed.
 */
static void
test_kinds_index(void **state)
{
	char *dir = tu_tmpdir(), sub[600];
	store *s;
	store_txn *t;
	unsigned char *b[4], h[4][32], from[STORE_ORDER_BYTES];
	size_t len[4];
	entry e[4];
	uint64_t n, clocks[8];
	int i;

	(void)state;
	assert_true(store_kind_indexed(ENTRY_K_GENESIS));
	assert_true(store_kind_indexed(ENTRY_K_AGENDA));
	assert_true(store_kind_indexed(ENTRY_K_ENDORSEMENT));
	assert_false(store_kind_indexed(ENTRY_K_NOTE));
	assert_false(store_kind_indexed(ENTRY_K_DECISION));
	assert_false(store_kind_indexed(0x7f));
	snprintf(sub, sizeof sub, "%s/s", dir);
	assert_int_equal(store_open(&s, sub, 1), 0);
	make_kind(&b[0], &len[0], &e[0], h[0], ids[0], ENTRY_K_AGENDA, 0, 2,
	    NULL);
	make_kind(&b[1], &len[1], &e[1], h[1], ids[0], ENTRY_K_NOTE, 1, 3,
	    h[0]);
	make_kind(&b[2], &len[2], &e[2], h[2], ids[1], ENTRY_K_AGENDA, 0, 4,
	    NULL);
	make_kind(&b[3], &len[3], &e[3], h[3], ids[0], ENTRY_K_NOTE, 2, 5,
	    h[1]);
	assert_int_equal(store_txn_begin(&t, s, 1), 0);
	for (i = 0; i < 4; i++)
		assert_int_equal(store_put(t, &e[i], h[i]), 0);
	assert_int_equal(store_txn_commit(t), 0);
	for (i = 0; i < 3; i++) {
		/* 0: as written; 1: rebuilt (no index); 2: rebuilt (stale) */
		if (i > 0) {
			store_close(s);
			raw_kinds(sub, i == 1, 99);
			assert_int_equal(store_open(&s, sub, 0), 0);
		}
		assert_int_equal(store_txn_begin(&t, s, 0), 0);
		assert_int_equal(store_kind_count(&n, t), 0);
		assert_int_equal(n, 2);
		assert_true(store_check_kind(t, &e[0], h[0]));
		assert_true(store_check_kind(t, &e[2], h[2]));
		assert_false(store_check_kind(t, &e[0], h[2]));
		assert_true(store_check_kind(t, &e[1], h[1])); /* not listed */
		assert_int_equal(store_check_heads(t), 0);
		store_txn_abort(t);
		kinds_walk(s, NULL, clocks);
		assert_int_equal(clocks[0], 2);
		assert_int_equal(clocks[1], 2);
		assert_int_equal(clocks[2], 4);
		store_order_key(from, 3, ids[0]->pk);
		kinds_walk(s, from, clocks);
		assert_int_equal(clocks[0], 1);
		assert_int_equal(clocks[1], 4);
	}
	store_close(s);
	/* a head whose stored bytes changed */
	{
		MDB_env *env;
		MDB_txn *txn;
		MDB_dbi dbi;
		unsigned char fk[40];
		MDB_val k = { 40, fk }, d = { len[1], b[1] };

		memcpy(fk, ids[0]->pk, 32);
		store_be64(fk + 32, 2);
		assert_int_equal(mdb_env_create(&env), 0);
		assert_int_equal(mdb_env_set_maxdbs(env, 16), 0);
		assert_int_equal(mdb_env_set_mapsize(env, (size_t)1 << 32), 0);
		assert_int_equal(mdb_env_open(env, sub, 0, 0600), 0);
		assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
		assert_int_equal(mdb_dbi_open(txn, "entries", 0, &dbi), 0);
		assert_int_equal(mdb_put(txn, dbi, &k, &d, 0), 0);
		assert_int_equal(mdb_txn_commit(txn), 0);
		mdb_env_close(env);
	}
	assert_int_equal(store_open(&s, sub, 0), 0);
	assert_int_equal(store_txn_begin(&t, s, 0), 0);
	assert_int_equal(store_check_heads(t), DT_EHASH);
	store_txn_abort(t);
	store_close(s);
	for (i = 0; i < 4; i++)
		free(b[i]);
	tu_rmtree(dir);
}

static void
test_damaged_files(void **state)
{
	char *dir = tu_tmpdir(), sub[600], file[700];
	store *s;
	int fd;
	struct stat sb;

	(void)state;
	snprintf(sub, sizeof sub, "%s/s", dir);
	assert_int_equal(store_open(&s, sub, 1), DT_OK);
	store_close(s);
	assert_int_equal(store_open(&s, sub, 1), DT_EEXIST);
	assert_int_equal(store_open(&s, dir, 0), DT_ENOENT);
	snprintf(file, sizeof file, "%s/data.mdb", sub);
	assert_int_equal(stat(file, &sb), 0);
	/* truncated below LMDB's own page count */
	assert_int_equal(truncate(file, sb.st_size / 2), 0);
	assert_int_not_equal(store_open(&s, sub, 0), 0);
	/* garbage in the meta pages */
	fd = open(file, O_WRONLY);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 0), 0);
	{
		char junk[8192];

		memset(junk, 0x5a, sizeof junk);
		assert_int_equal(write(fd, junk, sizeof junk), sizeof junk);
	}
	close(fd);
	assert_int_equal(store_open(&s, sub, 0), DT_ECORRUPT);
	tu_rmtree(dir);
}

/*
 * A store opened while another process writes to it opens.  store.c's
 * check_size() refuses a data file shorter than its meta page says (a
 * truncated file would raise SIGBUS), and it used to refuse sound stores
 * that a commit was growing, in two ways: it read the file's size before
 * the meta page, so an opener that a commit overtook between the two saw
 * a new meta page and an old size (one `detente add` of forty in
 * tests/cli/50-concurrent.sh, now and then); and a commit that puts and
 * drops rows (an import releasing held entries) leaves its last counted
 * pages unwritten until its writer's cover_pages(), after the commit.
 * A child commits, in turn, a row of nearly a page and a row kept with
 * forty put and dropped, while the parent opens the store again and
 * again: every open must succeed (the old code refused one open in five
 * to one in twenty).  Counts, not time, bound the test.
 */
#define GROW_COMMITS 300
#define GROW_KEEP 3000  /* the row each commit keeps */
#define GROW_ROW 4000   /* room for the largest row */
#define GROW_DROPS 40

/* drop_rows() - put GROW_DROPS rows of different sizes, then drop them. */
static int
drop_rows(store_txn *t, const unsigned char *row)
{
	unsigned char h[GROW_DROPS][32];
	int rc, j;

	for (j = 0; j < GROW_DROPS; j++) {
		randombytes_buf(h[j], 32);
		if ((rc = store_held_put(t, h[j], row, 200 + 97 * j)) != 0)
			return rc;
	}
	for (j = 0; j < GROW_DROPS; j++)
		if ((rc = store_held_del(t, h[j])) != 0)
			return rc;
	return 0;
}

static void
test_open_while_growing(void **state)
{
	char *dir = tu_tmpdir(), sub[600];
	unsigned char h[32], row[GROW_ROW];
	store *s;
	store_txn *t;
	unsigned long opens = 0, bad = 0;
	int status = 0, rc, i;
	pid_t pid;

	(void)state;
	snprintf(sub, sizeof sub, "%s/s", dir);
	assert_int_equal(store_open(&s, sub, 1), 0);
	store_close(s);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		rc = store_open(&s, sub, 0);
		for (i = 0; rc == 0 && i < GROW_COMMITS; i++) {
			randombytes_buf(h, sizeof h);
			randombytes_buf(row, sizeof row);
			if ((rc = store_txn_begin(&t, s, 1)) != 0)
				break;
			if ((rc = store_held_put(t, h, row, GROW_KEEP)) != 0 ||
			    (i % 2 == 1 && (rc = drop_rows(t, row)) != 0)) {
				store_txn_abort(t);
				break;
			}
			rc = store_txn_commit(t);
		}
		if (rc == 0)
			store_close(s);
		_exit(rc == 0 ? 0 : 1);
	}
	while (waitpid(pid, &status, WNOHANG) == 0) {
		if ((rc = store_open(&s, sub, 0)) == 0)
			store_close(s);
		else
			bad++;
		opens++;
	}
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	if (bad != 0)
		print_error("%lu of %lu opens refused a growing store\n", bad,
		    opens);
	assert_int_equal(bad, 0);
	/* the store is whole: every row the child kept is there */
	assert_int_equal(store_open(&s, sub, 0), 0);
	assert_int_equal(store_txn_begin(&t, s, 0), 0);
	{
		uint64_t n = 0;

		assert_int_equal(store_held_count(&n, t), 0);
		assert_int_equal(n, GROW_COMMITS);
	}
	store_txn_abort(t);
	store_close(s);
	tu_rmtree(dir);
}

/* What the merge of runs saw: rows in order, and how many. */
struct seen_rows {
	unsigned char last[ENTRY_HASH_BYTES];
	size_t n, dups, stop_at;
	uint64_t sum;
};

static int
rows_cb(void *ctx, const unsigned char hash[ENTRY_HASH_BYTES],
    const unsigned char place[STORE_KEY_BYTES])
{
	struct seen_rows *w = ctx;
	int c = w->n > 0 ? memcmp(w->last, hash, ENTRY_HASH_BYTES) : -1;

	assert_true(c <= 0);
	if (c == 0)
		w->dups++;
	/* Each row's place says which row it is: its hash's first bytes. */
	assert_memory_equal(place, hash, 8);
	w->sum += store_get_be64(place + KEY_PK_BYTES);
	memcpy(w->last, hash, ENTRY_HASH_BYTES);
	if (++w->n == w->stop_at)
		return 77;
	return 0;
}

/*
 * Runs (storage/runs.c): rows added in random order over several runs
 * come back once each, in ascending hash order, equal hashes side by
 * side; a callback's result stops the merge; a merge happens once; and
 * the temporary file is gone from the directory at once.
 */
static void
test_runs(void **state)
{
	const size_t n = 2 * RUNS_ROWS + RUNS_ROWS / 3;
	unsigned char hash[ENTRY_HASH_BYTES], place[STORE_KEY_BYTES];
	char *dir = tu_tmpdir();
	struct seen_rows w;
	uint64_t want = 0;
	runs *r = NULL;
	size_t i;

	(void)state;
	assert_int_equal(runs_open(&r, dir), 0);
	assert_int_equal(tu_dir_entries(dir), 0);
	for (i = 0; i < n; i++) {
		randombytes_buf(hash, sizeof hash);
		if (i % 1000 == 999)
			hash[0] = hash[1] = 0; /* some low ones, late */
		if (i == n - 1)
			memcpy(hash, place, sizeof hash); /* a duplicate */
		memcpy(place, hash, KEY_PK_BYTES);
		store_be64(place + KEY_PK_BYTES, (uint64_t)i);
		want += i;
		assert_int_equal(runs_add(r, hash, place), 0);
	}
	assert_int_equal(runs_count(r), n);
	memset(&w, 0, sizeof w);
	assert_int_equal(runs_merge(r, rows_cb, &w), 0);
	assert_int_equal(w.n, n);
	assert_int_equal(w.sum, want);
	assert_int_equal(w.dups, 1);
	assert_int_equal(runs_merge(r, rows_cb, &w), DT_EINVAL);
	runs_free(r);
	/* Stopped by the callback; and an empty set merges to nothing. */
	assert_int_equal(runs_open(&r, dir), 0);
	for (i = 0; i < 100; i++) {
		randombytes_buf(hash, sizeof hash);
		memcpy(place, hash, KEY_PK_BYTES);
		store_be64(place + KEY_PK_BYTES, 0);
		assert_int_equal(runs_add(r, hash, place), 0);
	}
	memset(&w, 0, sizeof w);
	w.stop_at = 10;
	assert_int_equal(runs_merge(r, rows_cb, &w), 77);
	assert_int_equal(w.n, 10);
	runs_free(r);
	assert_int_equal(runs_open(&r, dir), 0);
	memset(&w, 0, sizeof w);
	assert_int_equal(runs_merge(r, rows_cb, &w), 0);
	assert_int_equal(w.n, 0);
	runs_free(r);
	runs_free(NULL);
	assert_int_equal(runs_open(&r, "/nonexistent/dir"), DT_EIO);
	tu_rmtree(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_put_get_scan),
		cmocka_unit_test(test_no_overwrite_fork),
		cmocka_unit_test(test_ref_probe),
		cmocka_unit_test(test_kinds_index),
		cmocka_unit_test(test_damaged_files),
		cmocka_unit_test(test_open_while_growing),
		cmocka_unit_test(test_runs),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, setup, teardown);
}
