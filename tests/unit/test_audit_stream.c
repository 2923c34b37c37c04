/*
 * test_audit_stream.c: the one-pass audit of a bundle (storage/
 * audit_stream.c) against the store walk of the same record.
 *
 * The record: gen_record_ckpt()'s dialogue of 3,000 entries with a
 * checkpoint by every member and a seal by both heads every 1,000, the
 * last checkpoints, and then one note by each member that no checkpoint
 * covers.  Exported as one bundle, it must pass the pass with the store
 * walk's feeds (sizes, roots, coverage) and counts (entries by root, by
 * signature), with and without --every-signature; and the pass must
 * give up on a changed byte (in an entry no checkpoint covers: found
 * when its signature is checked after the pass; in a covered one: by
 * the chain), a file whose trailer fails, and entries swapped.
 */
#include "test_util.h"

#include <stdio.h>
#include <unistd.h>

#include <sodium.h>

#include "../../crypto/err.h"
#include "../../crypto/keys.h"
#include "../../storage/audit_stream.h"
#include "../../storage/bundle.h"
#include "../../storage/record.h"
#include "../../storage/store.h"
#include "../bench/gen.h"

#define N_ENTRIES 3000U
#define EVERY 1000U

static const char note[] = "{\"meeting\":1,\"text\":[{\"body\":\"Привет\","
    "\"lang\":\"ru\",\"role\":\"authentic\"}],\"v\":1}";

static key_identity *ids[GEN_AUTHORS];
static char *dir, *path;
static char file[4096], other[4096];
static unsigned char *good;
static size_t goodlen;

static record_feed_info walk_feeds[GEN_AUTHORS];
static size_t nwalk;
static record_stats walk_st, walk_all;

static int
feed_cb(void *ctx, const record_feed_info *fi)
{
	(void)ctx;
	if (nwalk < GEN_AUTHORS)
		walk_feeds[nwalk++] = *fi;
	return 0;
}

static unsigned char *
slurp(const char *p, size_t *len)
{
	FILE *f = fopen(p, "rb");
	unsigned char *b;
	long n;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0 || (b = malloc((size_t)n)) == NULL ||
	    fread(b, 1, (size_t)n, f) != (size_t)n)
		abort();
	fclose(f);
	*len = (size_t)n;
	return b;
}

static void
spit(const char *p, const unsigned char *b, size_t len)
{
	FILE *f = fopen(p, "wb");

	if (f == NULL || fwrite(b, 1, len, f) != len || fclose(f) != 0)
		abort();
}

/* The trailer of b recomputed, as anyone handling the file can. */
static void
reseal(unsigned char *b, size_t len)
{
	crypto_hash_sha256(b + len - 32, b, len - 32);
}

/* The offset of entry i (from 0) of the bundle b: its length field. */
static size_t
entry_at(const unsigned char *b, uint32_t i)
{
	size_t at = 40;

	while (i-- > 0)
		at += 4 + ((size_t)b[at] << 24 | (size_t)b[at + 1] << 16 |
		    (size_t)b[at + 2] << 8 | b[at + 3]);
	return at;
}

static int
setup(void **state)
{
	record_walk_hooks h;
	record_failure f;
	record *r = NULL;
	bundle_export_info info;
	store *s = NULL;
	FILE *out;
	unsigned a;

	(void)state;
	dir = tu_tmpdir();
	if (gen_record_ckpt(&path, ids, dir, N_ENTRIES, EVERY, 0) != 0 ||
	    gen_checkpoints(path, ids) != 0 ||
	    record_open(&r, path) != 0 || record_unlock(r, ids[0]) != 0)
		return -1;
	for (a = 0; a < GEN_AUTHORS; a++)
		if (record_append(r, ids[a], ENTRY_K_NOTE, note, NULL,
		    NULL) != 0)
			return -1;
	record_close(r);
	r = NULL;
	/* the store walk, as `audit STORE` runs it */
	memset(&h, 0, sizeof h);
	h.feed = feed_cb;
	if (record_open_snapshot(&r, path) != 0 ||
	    record_audit_walk(r, RECORD_VERIFY_CHECKPOINTS |
	    RECORD_VERIFY_NO_INDEXES, &h, &walk_st, &f) != 0)
		return -1;
	if (record_audit_walk(r, RECORD_VERIFY_NO_INDEXES, NULL, &walk_all,
	    &f) != 0)
		return -1;
	record_close(r);
	snprintf(file, sizeof file, "%s/all.dtb", dir);
	snprintf(other, sizeof other, "%s/other.dtb", dir);
	memset(&info, 0, sizeof info);
	if (store_open(&s, path, 0) != 0 || (out = fopen(file, "wb")) == NULL ||
	    bundle_export(out, s, NULL, &info) != 0 || fclose(out) != 0)
		return -1;
	free(info.diverged);
	store_close(s);
	good = slurp(file, &goodlen);
	return 0;
}

static int
teardown(void **state)
{
	unsigned a;

	(void)state;
	for (a = 0; a < GEN_AUTHORS; a++)
		key_identity_free(ids[a]);
	free(good);
	free(path);
	tu_rmtree(dir);
	return 0;
}

/* The pass's feeds and counts are the store walk's. */
static void
same_as_walk(const audit_stream_result *res, const record_stats *st)
{
	size_t i;

	assert_int_equal(res->nfeeds, nwalk);
	for (i = 0; i < nwalk; i++) {
		assert_memory_equal(res->feeds[i].author, walk_feeds[i].author,
		    KEY_PK_BYTES);
		assert_int_equal(res->feeds[i].size, walk_feeds[i].size);
		assert_memory_equal(res->feeds[i].root, walk_feeds[i].root,
		    ENTRY_HASH_BYTES);
		assert_int_equal(res->feeds[i].covered, walk_feeds[i].covered);
		assert_true(res->feeds[i].checkpoints >= 3);
	}
	assert_int_equal(res->st.entries, st->entries);
	assert_int_equal(res->st.sig_checked, st->sig_checked);
	assert_int_equal(res->st.root_checked, st->root_checked);
	assert_string_equal(record_title(res->r), "Benchmark dialogue");
}

static void
test_valid(void **state)
{
	audit_stream_result res;

	(void)state;
	assert_int_equal(audit_stream_run(&res, file, 0, NULL, NULL) == 0 ?
	    0 : (fprintf(stderr, "%s\n", res.why), 1), 0);
	assert_string_equal(res.why, "");
	same_as_walk(&res, &walk_st);
	/* the notes after the last checkpoints, and the checkpoints */
	assert_true(res.st.sig_checked >= GEN_AUTHORS);
	assert_true(res.st.root_checked > N_ENTRIES / 2);
	audit_stream_done(&res);
}

static void
test_every_signature(void **state)
{
	audit_stream_result res;

	(void)state;
	assert_int_equal(audit_stream_run(&res, file, AUDIT_STREAM_EVERY_SIG,
	    NULL, NULL), 0);
	same_as_walk(&res, &walk_all);
	assert_int_equal(res.st.root_checked, 0);
	audit_stream_done(&res);
}

/* run_on() - the pass over b (written to other); its return. */
static int
run_on(const unsigned char *b, size_t len, unsigned flags, char *why,
    size_t whylen)
{
	audit_stream_result res;
	int rc;

	spit(other, b, len);
	rc = audit_stream_run(&res, other, flags, NULL, NULL);
	snprintf(why, whylen, "%s", res.why);
	audit_stream_done(&res);
	return rc;
}

/*
 * A flipped byte in the last entry's signature (a note no checkpoint
 * covers: found by the check at the end) and in an early entry covered
 * by a checkpoint (found by its successor's chain), each with the
 * trailer recomputed; one without (found by the trailer); with and
 * without --every-signature.
 */
static void
test_flips(void **state)
{
	unsigned char *b = malloc(goodlen);
	char why[200];
	uint32_t n = (uint32_t)good[36] << 24 | (uint32_t)good[37] << 16 |
	    (uint32_t)good[38] << 8 | good[39];
	size_t last_end = goodlen - 32, at;
	unsigned fl;

	(void)state;
	assert_non_null(b);
	for (fl = 0; fl <= AUDIT_STREAM_EVERY_SIG;
	    fl += AUDIT_STREAM_EVERY_SIG) {
		memcpy(b, good, goodlen);
		b[last_end - 1] ^= 0x01; /* the last entry's signature */
		reseal(b, goodlen);
		assert_int_equal(run_on(b, goodlen, fl, why, sizeof why),
		    DT_ESIG);
		memcpy(b, good, goodlen);
		at = entry_at(good, 10);
		b[at + 4 + 100] ^= 0x40; /* in the header or body of entry 10 */
		reseal(b, goodlen);
		assert_int_not_equal(run_on(b, goodlen, fl, why, sizeof why),
		    0);
		memcpy(b, good, goodlen);
		b[entry_at(good, n / 2) + 20] ^= 0x01;
		assert_int_not_equal(run_on(b, goodlen, fl, why, sizeof why),
		    0);
	}
	free(b);
}

/* Two neighbours of different feeds swapped: not in merged order. */
static void
test_swapped(void **state)
{
	unsigned char *b = malloc(goodlen);
	char why[200];
	size_t a, c, e, la, lc;
	uint32_t i;

	(void)state;
	assert_non_null(b);
	memcpy(b, good, goodlen);
	/* the first two neighbours of different authors */
	for (i = 1;; i++) {
		a = entry_at(good, i);
		c = entry_at(good, i + 1);
		if (memcmp(good + a + 4 + 40, good + c + 4 + 40, 32) != 0)
			break;
	}
	e = entry_at(good, i + 2);
	la = c - a;
	lc = e - c;
	assert_memory_not_equal(good + a + 4 + 40, good + c + 4 + 40, 32);
	memcpy(b + a, good + c, lc);
	memcpy(b + a + lc, good + a, la);
	reseal(b, goodlen);
	assert_int_not_equal(run_on(b, goodlen, 0, why, sizeof why), 0);
	assert_true(strstr(why, "merged order") != NULL ||
	    strstr(why, "not before it") != NULL);
	free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_every_signature),
		cmocka_unit_test(test_flips),
		cmocka_unit_test(test_swapped),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, setup, teardown);
}
