/*
 * test_walk.c: work split over threads or steps, on records too large
 * for the other tests.
 *
 * The pooled walk of verify and audit (storage/record_verify.c) on
 * a record of several chunks, with checkpoints in the middle of feeds.
 * The walk's trees are grown by a stage thread ahead of the checks
 * (tree_run()); here the fast path must check by root exactly the
 * entries a checkpoint covers, report every feed's root as
 * checkpoint.c computes it from the stored leaves, and still name a
 * tampered entry.
 *
 * A join of more entries than one of its unsynced steps (JOIN_STEP,
 * 8,192) is tested here too: it lands whole, and a bad entry after the
 * first step leaves nothing behind.
 *
 * Opening a record that lags by more than a chunk checks it with the
 * same pool, feed by feed from the watermark; the next opening checks no
 * signature of a control entry again (the `checked` rows).
 *
 * The minutes of a meeting of thousands of records are made and written
 * in two halves (storage/minutes_model.c, minutes_json.c): the JSON
 * minutes must be exactly what jansson writes for them, every record in
 * its place.
 */
#include "test_util.h"

#include <unistd.h>

#include <sodium.h>

#include "../../crypto/err.h"
#include "../../crypto/keys.h"
#include "../../storage/bundle.h"
#include "../../storage/checkpoint.h"
#include "../../storage/minutes.h"
#include "../../storage/payload.h"
#include "../../storage/view.h"
#include "../../storage/record.h"
#include "../../storage/roots.h"
#include "../../storage/store.h"
#include "../bench/gen.h"

/* More than two of the walk's chunks (WALK_CHUNK, 4096 entries each). */
#define N_ENTRIES 12000U
/* More than one of a join's steps. */
#define N_JOIN 10000U
/* Records enough for the minutes' two halves (TWO_MIN, 512). */
#define N_MINUTES 3000U

static const char note[] = "{\"meeting\":1,\"text\":[{\"body\":\"Привет\","
    "\"lang\":\"ru\",\"role\":\"authentic\"}],\"v\":1}";

static key_identity *ids[GEN_AUTHORS];
static char *dir, *path;

/* Each author appends k notes to its feed. */
static void
append_notes(unsigned k)
{
	record *r = NULL;
	unsigned a, i;

	assert_int_equal(record_open(&r, path), 0);
	assert_int_equal(record_unlock(r, ids[0]), 0);
	for (a = 0; a < GEN_AUTHORS; a++)
		for (i = 0; i < k; i++)
			assert_int_equal(record_append(r, ids[a], ENTRY_K_NOTE,
			    note, NULL, NULL), 0);
	record_close(r);
}

/*
 * Every feed: gen_record()'s entries, a checkpoint, 7 notes, a second
 * checkpoint (the one that counts), 3 notes it does not cover.
 */
static int
setup(void **state)
{
	(void)state;
	dir = tu_tmpdir();
	if (gen_record(&path, ids, dir, N_ENTRIES, 0) != 0 ||
	    gen_checkpoints(path, ids) != 0)
		return -1;
	append_notes(7);
	if (gen_checkpoints(path, ids) != 0)
		return -1;
	append_notes(3);
	return 0;
}

static int
teardown(void **state)
{
	unsigned a;

	(void)state;
	for (a = 0; a < GEN_AUTHORS; a++)
		key_identity_free(ids[a]);
	free(path);
	tu_rmtree(dir);
	return 0;
}

struct feeds {
	record_feed_info fi[GEN_AUTHORS + 1];
	size_t n;
};

static int
feed_cb(void *ctx, const record_feed_info *fi)
{
	struct feeds *fs = ctx;

	assert_true(fs->n < GEN_AUTHORS + 1);
	fs->fi[fs->n++] = *fi;
	return 0;
}

/* The walk's roots against ckpt_feed_root() over the stored leaves. */
static void
check_roots(const struct feeds *fs, uint64_t *covered)
{
	store *s = NULL;
	store_txn *t = NULL;
	unsigned char root[32];
	size_t i;

	*covered = 0;
	assert_int_equal(store_open(&s, path, 0), 0);
	assert_int_equal(store_txn_begin(&t, s, 0), 0);
	for (i = 0; i < fs->n; i++) {
		assert_true(fs->fi[i].has_root);
		assert_true(fs->fi[i].size > N_ENTRIES / GEN_AUTHORS / 2);
		assert_int_equal(ckpt_feed_root(root, t, fs->fi[i].author,
		    fs->fi[i].size), 0);
		assert_memory_equal(root, fs->fi[i].root, 32);
		*covered += fs->fi[i].covered;
	}
	store_txn_abort(t);
	store_close(s);
}

static void
test_fast_path(void **state)
{
	record_walk_hooks h;
	record_failure f;
	record_stats st;
	struct feeds fs;
	record *r = NULL;
	uint64_t covered;
	size_t i;

	(void)state;
	memset(&h, 0, sizeof h);
	memset(&fs, 0, sizeof fs);
	h.feed = feed_cb;
	h.ctx = &fs;
	assert_int_equal(record_open_snapshot(&r, path), 0);
	assert_int_equal(record_audit_walk(r, RECORD_VERIFY_CHECKPOINTS |
	    RECORD_VERIFY_NO_INDEXES, &h, &st, &f), 0);
	assert_int_equal(f.code, 0);
	assert_int_equal(st.fallback, 0);
	/* the genesis creator's feed, and one per author */
	assert_true(fs.n >= GEN_AUTHORS);
	check_roots(&fs, &covered);
	for (i = 0; i < fs.n; i++)
		/* the second checkpoint covers all but the last 4 entries */
		assert_int_equal(fs.fi[i].covered + 4, fs.fi[i].size);
	assert_int_equal(st.root_checked, covered);
	assert_int_equal(st.root_checked + st.sig_checked, st.entries);
	assert_int_equal(st.entries, st.total);

	/* every signature: the same roots, no entry by root */
	memset(&fs, 0, sizeof fs);
	assert_int_equal(record_audit_walk(r, RECORD_VERIFY_NO_INDEXES, &h,
	    &st, &f), 0);
	assert_int_equal(st.root_checked, 0);
	assert_int_equal(st.sig_checked, st.total);
	check_roots(&fs, &covered);
	record_close(r);

	/* and verify, with the indexes, over the same walk */
	assert_int_equal(record_open(&r, path), 0);
	assert_int_equal(record_verify(r, 0, &st, &f), 0);
	assert_int_equal(st.entries, st.total);
	record_close(r);
}

/*
 * One byte of an entry the checkpoint covers, in the walk's second
 * chunk: the fast path finds the root wrong, falls back to every
 * signature, and names the entry.
 */
static void
test_fast_path_tamper(void **state)
{
	unsigned char key[STORE_KEY_BYTES], *bytes = NULL;
	const uint64_t seq = 1500;
	record_failure f;
	record_stats st;
	record *r = NULL;
	store *s = NULL;
	store_txn *t = NULL;
	size_t len;
	unsigned a, first = 0, second = 1;

	(void)state;
	/*
	 * The feed second in key order: its seq 1500 comes after the
	 * first feed's 3000 entries, in the walk's second chunk.
	 */
	if (memcmp(ids[second]->pk, ids[first]->pk, KEY_PK_BYTES) < 0) {
		first = 1;
		second = 0;
	}
	for (a = 2; a < GEN_AUTHORS; a++)
		if (memcmp(ids[a]->pk, ids[first]->pk, KEY_PK_BYTES) < 0) {
			second = first;
			first = a;
		} else if (memcmp(ids[a]->pk, ids[second]->pk,
		    KEY_PK_BYTES) < 0)
			second = a;
	assert_int_equal(store_open(&s, path, 0), 0);
	assert_int_equal(store_txn_begin(&t, s, 0), 0);
	assert_int_equal(store_get(&bytes, &len, t, ids[second]->pk, seq), 0);
	store_txn_abort(t);
	store_close(s);
	bytes[len - 64 - 5] ^= 0x01; /* the body, not the framing */
	memcpy(key, ids[second]->pk, KEY_PK_BYTES);
	store_be64(key + KEY_PK_BYTES, seq);
	tu_raw_write(path, "entries", key, sizeof key, bytes, len);
	free(bytes);

	assert_int_equal(record_open_snapshot(&r, path), 0);
	assert_int_equal(record_audit_walk(r, RECORD_VERIFY_CHECKPOINTS |
	    RECORD_VERIFY_NO_INDEXES, NULL, &st, &f), DT_ESIG);
	assert_int_equal(f.code, DT_ESIG);
	assert_true(st.fallback);
	assert_true(f.has_entry);
	assert_memory_equal(f.author, ids[second]->pk, KEY_PK_BYTES);
	assert_int_equal(f.seq, seq);
	record_close(r);
}

/*
 * The bundle of every entry of the store at path into file; with bad,
 * the bundle's entry number bad gets one signature byte changed.
 */
static uint64_t
write_bundle(const char *file, long bad)
{
	store *s = NULL;
	store_txn *t = NULL;
	bundle_export_info info;
	bundle_reader *br = NULL;
	bundle_writer *bw = NULL;
	const unsigned char *bytes;
	unsigned char dialogue[32], *copy;
	const char *why = NULL;
	char tmp[600];
	FILE *f;
	size_t len;
	long i = 0;
	uint64_t n;

	snprintf(tmp, sizeof tmp, "%s.good", file);
	assert_int_equal(store_open(&s, path, 0), 0);
	assert_non_null(f = fopen(bad < 0 ? file : tmp, "wb"));
	memset(&info, 0, sizeof info);
	assert_int_equal(bundle_export(f, s, NULL, &info), 0);
	free(info.diverged);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(store_txn_begin(&t, s, 0), 0);
	assert_int_equal(store_dialogue(t, dialogue), 0);
	assert_int_equal(store_count(&n, t), 0);
	store_txn_abort(t);
	store_close(s);
	if (bad < 0)
		return n;
	assert_int_equal(bundle_reader_open_path(&br, tmp, 0, &why), 0);
	assert_non_null(f = fopen(file, "wb"));
	assert_int_equal(bundle_writer_begin(&bw, f, dialogue, (uint32_t)n),
	    0);
	while (bundle_reader_next(br, &bytes, &len) == 0 && bytes != NULL) {
		assert_non_null(copy = malloc(len));
		memcpy(copy, bytes, len);
		if (i++ == bad)
			copy[len - 1] ^= 0x01;
		assert_int_equal(bundle_writer_add(bw, copy, len), 0);
		free(copy);
	}
	assert_int_equal(bundle_writer_end(bw), 0);
	assert_int_equal(fclose(f), 0);
	bundle_reader_close(br);
	unlink(tmp);
	return n;
}

static int
accept(void *ctx, record *r, const record_import_stats *st)
{
	(void)ctx;
	(void)r;
	(void)st;
	return 0;
}

static int
setup_join(void **state)
{
	(void)state;
	dir = tu_tmpdir();
	return gen_record_ckpt(&path, ids, dir, N_JOIN, 1000, 0);
}

/*
 * A join of more than one step lands whole, and verifies.  Every member
 * signs a checkpoint every 1000 entries: the join checks each against
 * its feed's tree as the join grows it (import_tree()).
 */
static void
test_join_steps(void **state)
{
	char file[600], *parent = tu_tmpdir();
	record_import_stats st;
	record_failure f;
	record_stats vs;
	bundle_reader *br = NULL;
	record *r = NULL;
	const char *why = NULL;
	uint64_t n;

	(void)state;
	snprintf(file, sizeof file, "%s/all.dtb", dir);
	n = write_bundle(file, -1);
	assert_true(n > 8192);
	assert_int_equal(bundle_reader_open_path(&br, file, 0, &why), 0);
	memset(&st, 0, sizeof st);
	assert_int_equal(record_join(&r, parent, br, 0, accept, NULL, &st,
	    &f), 0);
	bundle_reader_close(br);
	assert_int_equal(st.added, n);
	assert_int_equal(st.held, 0);
	assert_int_equal(record_verify(r, 0, &vs, &f), 0);
	assert_int_equal(vs.entries, n);
	assert_int_equal(vs.total, n);
	record_close(r);
	assert_int_equal(tu_dir_entries(parent), 1); /* the dialogue, no leftovers */
	unlink(file);
	tu_rmtree(parent);
}

/*
 * A bad signature past the first step: the join fails naming it, and
 * the parent directory holds nothing, though a step had been committed.
 */
static void
test_join_steps_bad(void **state)
{
	char file[600], *parent = tu_tmpdir();
	record_import_stats st;
	record_failure f;
	bundle_reader *br = NULL;
	record *r = NULL;
	const char *why = NULL;
	const long bad = 9000;

	(void)state;
	snprintf(file, sizeof file, "%s/bad.dtb", dir);
	(void)write_bundle(file, bad);
	assert_int_equal(bundle_reader_open_path(&br, file, 0, &why), 0);
	memset(&st, 0, sizeof st);
	assert_int_equal(record_join(&r, parent, br, 0, accept, NULL, &st,
	    &f), DT_ESIG);
	bundle_reader_close(br);
	assert_null(r);
	assert_int_equal(f.code, DT_ESIG);
	assert_true(f.has_entry);
	assert_non_null(strstr(f.detail, "9001"));
	assert_int_equal(tu_dir_entries(parent), 0);
	unlink(file);
	tu_rmtree(parent);
}

/*
 * The roots cache (roots.c) gives what ckpt_feed_root() computes from
 * the stored leaves, at every size asked, in any order: beyond what it
 * has read, below it (from a snapshot), at snapshot boundaries, at 0 and
 * at the feed's length; past the length it fails and stays right; and a
 * feed it has read up to seq takes the leaf of seq from roots_grow().
 */
static void
test_roots(void **state)
{
	static const uint64_t sizes[] = { 1500, 2500, 0, 1, 1023, 1024, 1025,
	    2047, 2048, 2049, 700, 1999, 2, 2499 };
	unsigned char want[32], got[32], leaf[32], *bytes;
	store *s = NULL;
	store_txn *t = NULL;
	store_head h;
	merkle_frontier fr;
	roots *c = NULL;
	size_t i, len;
	unsigned a, flags, pass;

	(void)state;
	assert_int_equal(store_open(&s, path, 0), 0);
	assert_int_equal(store_txn_begin(&t, s, 0), 0);
	/*
	 * By hashing; then below the cache by the chain's prev fields; then
	 * from an empty cache by the prev fields.
	 */
	for (pass = 0; pass < 3; pass++)
	for (a = 0; a < GEN_AUTHORS; a++) {
		flags = pass ? ROOTS_CHAIN_CHECKED : 0;
		if (pass == 2 && a == 0) {
			roots_free(c);
			c = NULL;
		}
		assert_int_equal(store_head_get(&h, t, ids[a]->pk), 0);
		assert_true(h.next_seq > 2 * ROOTS_SNAP);
		for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
			uint64_t n = sizes[i] < h.next_seq ? sizes[i] :
			    h.next_seq;

			assert_int_equal(ckpt_feed_root(want, t, ids[a]->pk,
			    n), 0);
			assert_int_equal(roots_at(&c, t, ids[a]->pk, n, flags,
			    got),
			    0);
			assert_memory_equal(got, want, 32);
		}
		assert_int_equal(roots_at(&c, t, ids[a]->pk, h.next_seq + 1,
		    flags, got), DT_ENOENT);
		assert_int_equal(ckpt_feed_root(want, t, ids[a]->pk,
		    h.next_seq - 1), 0);
		assert_int_equal(roots_at(&c, t, ids[a]->pk, h.next_seq - 1,
		    flags, got), 0);
		assert_memory_equal(got, want, 32);
	}
	roots_free(c);
	c = NULL;
	flags = 0;
	/* Grown: read up to 1000, then the leaf of entry 1000 given. */
	assert_int_equal(roots_at(&c, t, ids[1]->pk, 1000, flags, got), 0);
	assert_int_equal(store_get(&bytes, &len, t, ids[1]->pk, 1000), 0);
	entry_hash(leaf, bytes, len);
	free(bytes);
	roots_grow(c, ids[1]->pk, 999, leaf);     /* not its next: ignored */
	roots_grow(c, ids[2]->pk, 1000, leaf);    /* not read: ignored */
	roots_grow(c, ids[1]->pk, 1000, leaf);
	assert_int_equal(ckpt_feed_root(want, t, ids[1]->pk, 1001), 0);
	assert_int_equal(roots_at(&c, t, ids[1]->pk, 1001, flags, got), 0);
	assert_memory_equal(got, want, 32);
	/* What it was given, it does not read again: a wrong leaf shows. */
	leaf[0] ^= 1;
	roots_grow(c, ids[1]->pk, 1001, leaf);
	assert_int_equal(ckpt_feed_root(want, t, ids[1]->pk, 1002), 0);
	assert_int_equal(roots_at(&c, t, ids[1]->pk, 1002, flags, got), 0);
	assert_memory_not_equal(got, want, 32);
	roots_free(c);
	c = NULL;
	/*
	 * Offered by a walk: taken in order only; a gap (the second
	 * snapshot's size before the first's) is ignored; what was taken
	 * answers without reading (a frontier offered for a wrong feed
	 * shows).
	 */
	for (i = 1; i <= 2; i++) {
		assert_int_equal(ckpt_feed_frontier(&fr, t, ids[2]->pk,
		    (3 - i) * ROOTS_SNAP), 0);
		assert_int_equal(roots_offer(&c, ids[2]->pk, &fr), 0);
	}
	assert_int_equal(ckpt_feed_frontier(&fr, t, ids[2]->pk,
	    ROOTS_SNAP + ROOTS_SNAP / 2), 0);
	assert_int_equal(roots_offer(&c, ids[2]->pk, &fr), 0);
	assert_int_equal(ckpt_feed_frontier(&fr, t, ids[2]->pk,
	    ROOTS_SNAP + 3), 0);
	assert_int_equal(roots_offer(&c, ids[2]->pk, &fr), 0); /* older */
	assert_int_equal(store_head_get(&h, t, ids[2]->pk), 0);
	for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		uint64_t n = sizes[i] < h.next_seq ? sizes[i] : h.next_seq;

		assert_int_equal(ckpt_feed_root(want, t, ids[2]->pk, n), 0);
		assert_int_equal(roots_at(&c, t, ids[2]->pk, n,
		    ROOTS_CHAIN_CHECKED, got), 0);
		assert_memory_equal(got, want, 32);
	}
	roots_free(c);
	c = NULL;
	/* Taken: the first snapshot, then a size within the next block. */
	assert_int_equal(ckpt_feed_frontier(&fr, t, ids[3]->pk, ROOTS_SNAP),
	    0);
	assert_int_equal(roots_offer(&c, ids[2]->pk, &fr), 0);
	assert_int_equal(ckpt_feed_root(want, t, ids[2]->pk, ROOTS_SNAP), 0);
	assert_int_equal(roots_at(&c, t, ids[2]->pk, ROOTS_SNAP, 0, got), 0);
	assert_memory_not_equal(got, want, 32);
	assert_int_equal(ckpt_feed_frontier(&fr, t, ids[3]->pk,
	    ROOTS_SNAP + 7), 0);
	assert_int_equal(roots_offer(&c, ids[2]->pk, &fr), 0);
	assert_int_equal(ckpt_feed_root(want, t, ids[2]->pk, ROOTS_SNAP + 7),
	    0);
	assert_int_equal(roots_at(&c, t, ids[2]->pk, ROOTS_SNAP + 7, 0, got),
	    0);
	assert_memory_not_equal(got, want, 32);
	roots_free(c);
	roots_free(NULL);
	store_txn_abort(t);
	store_close(s);
}

static int
setup_minutes(void **state)
{
	(void)state;
	dir = tu_tmpdir();
	return gen_meeting(&path, ids, dir, N_MINUTES, 0);
}

/* The records of a list, in order: each after the one before, once. */
static void
check_records(const json_t *records, json_t *seen, size_t *n)
{
	const char *prev = "", *t, *h;
	size_t i;

	assert_true(json_is_array(records));
	for (i = 0; i < json_array_size(records); i++) {
		const json_t *r = json_array_get(records, i);

		assert_non_null(t = json_string_value(json_object_get(r,
		    "time")));
		assert_non_null(h = json_string_value(json_object_get(r,
		    "entry")));
		assert_true(strcmp(prev, t) <= 0);
		assert_null(json_object_get(seen, h));
		assert_int_equal(json_object_set_new(seen, h, json_true()), 0);
		prev = t;
		(*n)++;
	}
}

static void
test_minutes_halves(void **state)
{
	record *r = NULL;
	view *v = NULL;
	minutes_scope sc;
	char *text = NULL, *again;
	size_t len = 0, n = 0, i;
	json_t *m, *seen = json_object();
	json_error_t err;

	(void)state;
	memset(&sc, 0, sizeof sc);
	assert_int_equal(record_open(&r, path), 0);
	assert_int_equal(record_unlock(r, ids[0]), 0);
	assert_int_equal(view_load(&v, r), 0);
	assert_int_equal(minutes_scope_get(&sc, r, v, 1), 0);
	assert_int_equal(minutes_render(&text, &len, v, &sc, MINUTES_JSON,
	    "both"), 0);
	/* exactly what jansson writes for what it reads back */
	assert_non_null(m = json_loadb(text, len, 0, &err));
	assert_non_null(again = json_dumps(m, JSON_INDENT(2) |
	    JSON_SORT_KEYS));
	assert_int_equal(strlen(again) + 1, len);
	assert_memory_equal(again, text, len - 1);
	assert_int_equal(text[len - 1], '\n');
	payload_free(again);
	/* every record once, each agenda item's in time order */
	for (i = 0; i < json_array_size(json_object_get(m, "agenda")); i++)
		check_records(json_object_get(json_array_get(json_object_get(m,
		    "agenda"), i), "records"), seen, &n);
	check_records(json_object_get(m, "other_records"), seen, &n);
	assert_true(n > 2 * 512);
	json_decref(m);
	json_decref(seen);
	free(text);
	minutes_scope_done(&sc);
	view_free(v);
	record_close(r);
}

/*
 * An opening of a record that lags by more than a chunk (every entry
 * past the watermark) checks it with the pooled walk, feed by feed from
 * the watermark: it names a tampered entry in the second chunk, checks
 * every entry once the entry is put back, and the next opening checks
 * none, nor any control entry's signature, and reads only the
 * membership entries (the `checked` rows and their summary).
 */
static void
test_open_lagging(void **state)
{
	key_identity *lids[GEN_AUTHORS];
	unsigned char key[STORE_KEY_BYTES], *bytes = NULL, *bad;
	char *ldir = tu_tmpdir(), *lpath = NULL;
	const record_stats *st;
	const uint64_t seq = 1200;
	record *r = NULL;
	store *s = NULL;
	store_txn *t = NULL;
	uint64_t total;
	size_t len;
	unsigned a;

	(void)state;
	assert_int_equal(gen_record_ckpt(&lpath, lids, ldir, 6000, 1500, 0),
	    0);
	assert_int_equal(store_open(&s, lpath, 0), 0);
	assert_int_equal(store_txn_begin(&t, s, 0), 0);
	assert_int_equal(store_count(&total, t), 0);
	assert_int_equal(store_get(&bytes, &len, t, lids[2]->pk, seq), 0);
	store_txn_abort(t);
	store_close(s);
	assert_non_null(bad = malloc(len));
	memcpy(bad, bytes, len);
	bad[len - 64 - 5] ^= 0x01; /* the body, not the framing */
	memcpy(key, lids[2]->pk, KEY_PK_BYTES);
	store_be64(key + KEY_PK_BYTES, seq);
	tu_raw_write(lpath, "entries", key, sizeof key, bad, len);

	assert_int_equal(record_open(&r, lpath), 0);
	assert_int_equal(record_last_failure(r)->code, DT_ESIG);
	assert_true(record_last_failure(r)->has_entry);
	assert_memory_equal(record_last_failure(r)->author, lids[2]->pk,
	    KEY_PK_BYTES);
	assert_int_equal(record_last_failure(r)->seq, seq);
	record_close(r);

	tu_raw_write(lpath, "entries", key, sizeof key, bytes, len);
	assert_int_equal(record_open(&r, lpath), 0);
	assert_int_equal(record_last_failure(r)->code, 0);
	st = record_open_stats(r);
	assert_true(st->entries > 4096);
	assert_int_equal(st->entries + 2, total); /* genesis, key wrap */
	assert_true(st->ctl_sig_checked > 0);
	record_close(r);

	assert_int_equal(record_open(&r, lpath), 0);
	assert_int_equal(record_last_failure(r)->code, 0);
	st = record_open_stats(r);
	assert_int_equal(st->entries, 0);
	assert_int_equal(st->ctl_sig_checked, 0);
	assert_true(st->ctl_entries > 10);
	assert_int_equal(st->ctl_cached, st->ctl_entries);
	assert_true(st->ctl_read <= 2);
	record_close(r);

	free(bytes);
	free(bad);
	for (a = 0; a < GEN_AUTHORS; a++)
		key_identity_free(lids[a]);
	free(lpath);
	tu_rmtree(ldir);
}

int
main(void)
{
	const struct CMUnitTest walk[] = {
		cmocka_unit_test(test_fast_path),
		cmocka_unit_test(test_fast_path_tamper),
	};
	const struct CMUnitTest join[] = {
		cmocka_unit_test(test_join_steps),
		cmocka_unit_test(test_join_steps_bad),
		cmocka_unit_test(test_roots),
	};
	const struct CMUnitTest minutes[] = {
		cmocka_unit_test(test_minutes_halves),
	};
	const struct CMUnitTest lagging[] = {
		cmocka_unit_test(test_open_lagging),
	};
	int rc;

	if (sodium_init() < 0)
		return 1;
	rc = cmocka_run_group_tests_name("walk", walk, setup, teardown);
	rc |= cmocka_run_group_tests_name("join", join, setup_join, teardown);
	rc |= cmocka_run_group_tests_name("minutes", minutes,
	    setup_minutes, teardown);
	return rc | cmocka_run_group_tests_name("lagging", lagging, NULL,
	    NULL);
}
