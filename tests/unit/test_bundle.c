/*
 * test_bundle.c: bundle and state files (framing, truncation, trailer,
 * magic, count limits) and the import logic (all or nothing, known,
 * held and released, forks kept as evidence, members added within one
 * bundle, joining, export --since).
 */
#include "test_util.h"

#include <time.h>

#include <sodium.h>

#include "../../crypto/err.h"
#include "../../crypto/keys.h"
#include "../../storage/bundle.h"
#include "../../storage/entry.h"
#include "../../storage/record.h"
#include "../../storage/store.h"

enum { RU_HEAD, US_HEAD, US_EXPERT, OUTSIDER, NIDS };
static key_identity *id[NIDS];
static const char *names[NIDS] = { "ru-head", "us-head", "us-expert",
	"outsider" };

static const char note[] = "{\"meeting\":1,\"text\":[{\"body\":\"Привет\","
    "\"lang\":\"ru\",\"role\":\"authentic\"}],\"v\":1}";
static const char note2[] = "{\"meeting\":1,\"text\":[{\"body\":\"другой\","
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

/* --- the container ---------------------------------------------------- */

/* A bundle of n fake entries (the container does not parse them). */
static unsigned char *
fake_bundle(size_t *len, uint32_t n, size_t each)
{
	unsigned char id32[32], *e, *buf = NULL;
	size_t blen = 0;
	bundle_writer *w = NULL;
	FILE *f = open_memstream((char **)&buf, &blen);
	uint32_t i;

	assert_non_null(f);
	memset(id32, 0xab, sizeof id32);
	assert_int_equal(bundle_writer_begin(&w, f, id32, n), 0);
	e = malloc(each);
	for (i = 0; i < n; i++) {
		memset(e, (int)i, each);
		assert_int_equal(bundle_writer_add(w, e, each), 0);
	}
	free(e);
	assert_int_equal(bundle_writer_end(w), 0);
	fclose(f);
	*len = blen;
	return buf;
}

/* Recompute the trailer after editing a bundle's bytes. */
static void
fix_trailer(unsigned char *p, size_t len)
{
	crypto_hash_sha256(p + len - 32, p, len - 32);
}

/* Open len bytes as a bundle (through a real file), with flags. */
static int
open_bytes_f(bundle_reader **b, const unsigned char *p, size_t len,
    unsigned flags, const char **why)
{
	FILE *f = tmpfile();

	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, len, f), len);
	rewind(f);
	return bundle_reader_open(b, f, flags, why);
}

/* Open len bytes as a bundle, the whole file checked at once. */
static int
open_bytes(bundle_reader **b, const unsigned char *p, size_t len,
    const char **why)
{
	return open_bytes_f(b, p, len, 0, why);
}

/*
 * late_agrees() - open p late (BUNDLE_CHECK_LATE) and read every entry:
 * that pass must fail exactly when the whole-file check fails, say why
 * when it does, and bundle_reader_check() must then fail too; a pass
 * that succeeds has checked the file (bundle_reader_check() is 0 at
 * once, and a second pass reads the same entries).
 */
static void
late_agrees(const unsigned char *p, size_t len)
{
	bundle_reader *b = NULL;
	const unsigned char *e;
	const char *why = NULL;
	size_t elen, n = 0, n2 = 0;
	int full, late;

	if ((full = open_bytes(&b, p, len, &why)) == 0)
		bundle_reader_close(b);
	b = NULL;
	late = open_bytes_f(&b, p, len, BUNDLE_CHECK_LATE, &why);
	if (late != 0) {
		assert_null(b);
		assert_non_null(why);
		assert_int_not_equal(full, 0);
		return;
	}
	while ((late = bundle_reader_next(b, &e, &elen)) == 0 && e != NULL)
		n++;
	if (late != 0) {
		assert_int_not_equal(full, 0);
		assert_non_null(bundle_reader_why(b));
		why = NULL;
		assert_int_not_equal(bundle_reader_check(b, &why), 0);
		assert_non_null(why);
	} else {
		assert_int_equal(full, 0);
		assert_int_equal(n, bundle_reader_count(b));
		assert_int_equal(bundle_reader_check(b, &why), 0);
		assert_int_equal(bundle_reader_rewind(b), 0);
		while (bundle_reader_next(b, &e, &elen) == 0 && e != NULL)
			n2++;
		assert_int_equal(n2, n);
	}
	bundle_reader_close(b);
}

/*
 * BUNDLE_CHECK_LATE accepts exactly what the whole-file check accepts:
 * every truncation, every flipped byte, a count off by one either way,
 * a trailing byte; and a pass cut short by a rewind does not count as
 * a check (the next pass from the start checks).
 */
static void
test_late_check(void **state)
{
	size_t len, i;
	unsigned char *p = fake_bundle(&len, 3, 220);
	bundle_reader *b = NULL;
	const unsigned char *e;
	const char *why = NULL;
	size_t elen;
	int rc;

	(void)state;
	late_agrees(p, len);
	for (i = 0; i < len; i++)
		late_agrees(p, i);
	for (i = 0; i < len; i++) {
		p[i] ^= 0x01;
		late_agrees(p, len);
		p[i] ^= 0x80;
		late_agrees(p, len);
		p[i] ^= 0x81;
	}
	p[39] = 4;
	fix_trailer(p, len);
	late_agrees(p, len);
	p[39] = 2;
	fix_trailer(p, len);
	late_agrees(p, len);
	p[39] = 3;
	fix_trailer(p, len);
	p = realloc(p, len + 1);
	p[len] = 0;
	late_agrees(p, len + 1);
	/* A damaged last entry: a pass cut short first, then a full one. */
	p[len - 40] ^= 0x01;
	assert_int_equal(open_bytes_f(&b, p, len, BUNDLE_CHECK_LATE, &why), 0);
	assert_int_equal(bundle_reader_next(b, &e, &elen), 0);
	assert_int_equal(bundle_reader_rewind(b), 0);
	while ((rc = bundle_reader_next(b, &e, &elen)) == 0 && e != NULL)
		;
	assert_int_equal(rc, DT_EHASH);
	assert_string_equal(bundle_reader_why(b), "the trailer does not "
	    "match the file's SHA-256: the file is damaged");
	bundle_reader_close(b);
	free(p);
}


/*
 * A file written to after it was checked is refused by the next pass:
 * at the end of the entries, and by a rewind.  Later passes do not hash
 * the file again; they rely on its change time having moved.
 */
static void
test_changed_after_check(void **state)
{
	size_t len, elen;
	unsigned char *p = fake_bundle(&len, 3, 300);
	const unsigned char *e;
	bundle_reader *b = NULL;
	FILE *f = tmpfile(), *g;
	char path[64];
	struct timespec pause = { 0, 20 * 1000 * 1000 };
	uint32_t i;

	(void)state;
	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, len, f), len);
	fflush(f);
	rewind(f);
	assert_int_equal(bundle_reader_open(&b, f, 0, NULL), 0);
	/* Another writer changes one byte of entry 2, in place. */
	nanosleep(&pause, NULL);
	snprintf(path, sizeof path, "/proc/self/fd/%d", fileno(f));
	g = fopen(path, "r+b");
	assert_non_null(g);
	assert_int_equal(fseek(g, 40 + 4 + 304 + 10, SEEK_SET), 0);
	assert_int_equal(fputc(0x5a, g), 0x5a);
	assert_int_equal(fclose(g), 0);
	for (i = 0; i < 3; i++)
		assert_int_equal(bundle_reader_next(b, &e, &elen), 0);
	assert_int_equal(bundle_reader_next(b, &e, &elen), DT_EHASH);
	assert_int_equal(bundle_reader_rewind(b), DT_EHASH);
	bundle_reader_close(b);
	free(p);
}

static void
test_roundtrip(void **state)
{
	size_t len, elen;
	unsigned char *p = fake_bundle(&len, 3, 300);
	const unsigned char *e;
	bundle_reader *b = NULL;
	unsigned char want[32];
	uint32_t i;

	(void)state;
	assert_int_equal(len, 40 + 3 * (4 + 300) + 32);
	assert_memory_equal(p, "DTB\x01", 4);
	assert_int_equal(open_bytes(&b, p, len, NULL), 0);
	memset(want, 0xab, sizeof want);
	assert_memory_equal(bundle_reader_dialogue(b), want, 32);
	assert_int_equal(bundle_reader_count(b), 3);
	for (i = 0; i < 3; i++) {
		assert_int_equal(bundle_reader_next(b, &e, &elen), 0);
		assert_non_null(e);
		assert_int_equal(elen, 300);
		assert_int_equal(e[0], i);
	}
	assert_int_equal(bundle_reader_next(b, &e, &elen), 0);
	assert_null(e);
	/* Rewind and read again. */
	assert_int_equal(bundle_reader_rewind(b), 0);
	assert_int_equal(bundle_reader_next(b, &e, &elen), 0);
	assert_int_equal(e[0], 0);
	bundle_reader_close(b);
	/* An empty bundle is a bundle. */
	free(p);
	p = fake_bundle(&len, 0, 300);
	assert_int_equal(len, 72);
	assert_int_equal(open_bytes(&b, p, len, NULL), 0);
	assert_int_equal(bundle_reader_next(b, &e, &elen), 0);
	assert_null(e);
	bundle_reader_close(b);
	free(p);
}

static void
test_truncation(void **state)
{
	size_t len, n;
	unsigned char *p = fake_bundle(&len, 3, 200);
	bundle_reader *b = NULL;
	const char *why;
	int rc;

	(void)state;
	for (n = 0; n < len; n++) {
		rc = open_bytes(&b, p, n, &why);
		assert_true(rc == DT_EFORMAT || rc == DT_EHASH ||
		    rc == DT_ERANGE);
		assert_null(b);
		assert_non_null(why);
	}
	/* One byte more is trailing garbage. */
	p = realloc(p, len + 1);
	p[len] = 0;
	assert_int_equal(open_bytes(&b, p, len + 1, &why), DT_EFORMAT);
	free(p);
}

static void
test_trailer_and_magic(void **state)
{
	size_t len, i;
	unsigned char *p = fake_bundle(&len, 2, 250);
	bundle_reader *b = NULL;
	const char *why;

	(void)state;
	/* Any flipped byte after the magic: the trailer catches it. */
	for (i = 4; i < len; i++) {
		int rc;

		p[i] ^= 0x01;
		rc = open_bytes(&b, p, len, &why);
		assert_true(rc == DT_EHASH || rc == DT_ERANGE ||
		    rc == DT_EFORMAT);
		assert_null(b);
		p[i] ^= 0x01;
	}
	assert_int_equal(open_bytes(&b, p, len, NULL), 0);
	bundle_reader_close(b);
	p[0] = 'X';
	assert_int_equal(open_bytes(&b, p, len, &why), DT_EFORMAT);
	p[0] = 'D';
	p[3] = 2;
	fix_trailer(p, len);
	assert_int_equal(open_bytes(&b, p, len, &why), DT_EVERSION);
	p[3] = 1;
	/* Not a bundle at all: a state file. */
	memcpy(p, "DTS\x01", 4);
	assert_int_equal(open_bytes(&b, p, len, &why), DT_EFORMAT);
	free(p);
}

static void
test_counts_and_lengths(void **state)
{
	size_t len;
	unsigned char *p = fake_bundle(&len, 2, 400);
	bundle_reader *b = NULL;
	const char *why;

	(void)state;
	/* A count the file cannot hold, refused before reading on. */
	p[36] = p[37] = p[38] = p[39] = 0xff;
	fix_trailer(p, len);
	assert_int_equal(open_bytes(&b, p, len, &why), DT_ERANGE);
	/*
	 * One more than there are: the trailer is read as an entry's
	 * length (out of limits), or the file ends inside that entry.
	 */
	p[36] = p[37] = p[38] = 0;
	p[39] = 3;
	fix_trailer(p, len);
	{
		int rc = open_bytes(&b, p, len, &why);

		assert_true(rc == DT_EFORMAT || rc == DT_ERANGE);
	}
	/* One fewer: bytes follow where the trailer should be. */
	p[39] = 1;
	fix_trailer(p, len);
	assert_true(open_bytes(&b, p, len, &why) != 0);
	p[39] = 2;
	/* An entry length under the minimum, and one over the maximum. */
	p[40] = p[41] = p[42] = 0;
	p[43] = 10;
	fix_trailer(p, len);
	assert_int_equal(open_bytes(&b, p, len, &why), DT_ERANGE);
	p[40] = 0x7f;
	fix_trailer(p, len);
	assert_int_equal(open_bytes(&b, p, len, &why), DT_ERANGE);
	free(p);
}

static void
test_writer_limits(void **state)
{
	unsigned char id32[32] = { 1 }, e[200] = { 0 };
	bundle_writer *w = NULL;
	char *buf = NULL;
	size_t blen = 0;
	FILE *f = open_memstream(&buf, &blen);

	(void)state;
	assert_int_equal(bundle_writer_begin(&w, f, id32, 1), 0);
	assert_int_equal(bundle_writer_add(w, e, 10), DT_EINVAL);
	assert_int_equal(bundle_writer_add(w, e, sizeof e), 0);
	assert_int_equal(bundle_writer_add(w, e, sizeof e), DT_ERANGE);
	assert_int_equal(bundle_writer_end(w), 0);
	assert_int_equal(bundle_writer_begin(&w, f, id32, 2), 0);
	assert_int_equal(bundle_writer_add(w, e, sizeof e), 0);
	assert_int_equal(bundle_writer_end(w), DT_EINVAL);
	fclose(f);
	free(buf);
}

static void
test_state_file(void **state)
{
	bundle_state s, d;
	bundle_feed feeds[2];
	unsigned char *p = NULL;
	size_t len;
	const char *why;

	(void)state;
	memset(&s, 0, sizeof s);
	memset(feeds, 0, sizeof feeds);
	memset(s.dialogue, 0x11, 32);
	memset(feeds[0].author, 0x01, 32);
	feeds[0].next_seq = 3;
	memset(feeds[0].head, 0xaa, 32);
	memset(feeds[1].author, 0x02, 32);
	feeds[1].next_seq = 1;
	memset(feeds[1].head, 0xbb, 32);
	s.feeds = feeds;
	s.nfeeds = 2;
	assert_int_equal(bundle_state_encode(&p, &len, &s), 0);
	assert_int_equal(len, 40 + 2 * 72);
	assert_memory_equal(p, "DTS\x01", 4);
	assert_int_equal(p[39], 2);
	assert_int_equal(p[40 + 39], 3); /* next_seq, big-endian */
	assert_int_equal(bundle_state_decode(&d, p, len, &why), 0);
	assert_int_equal(d.nfeeds, 2);
	assert_non_null(bundle_state_find(&d, feeds[1].author));
	assert_int_equal(bundle_state_find(&d, feeds[0].author)->next_seq, 3);
	assert_null(bundle_state_find(&d, s.dialogue));
	bundle_state_done(&d);
	/* Truncated, bad magic, version, order, an empty feed. */
	assert_int_equal(bundle_state_decode(&d, p, len - 1, &why),
	    DT_EFORMAT);
	assert_int_equal(bundle_state_decode(&d, p, 20, &why), DT_EFORMAT);
	p[3] = 9;
	assert_int_equal(bundle_state_decode(&d, p, len, &why), DT_EVERSION);
	p[3] = 1;
	p[0] = 'X';
	assert_int_equal(bundle_state_decode(&d, p, len, &why), DT_EFORMAT);
	p[0] = 'D';
	memset(p + 40 + 72, 0x01, 32);
	assert_int_equal(bundle_state_decode(&d, p, len, &why), DT_EFORMAT);
	memset(p + 40 + 72, 0x02, 32);
	memset(p + 40 + 32, 0, 8);
	assert_int_equal(bundle_state_decode(&d, p, len, &why), DT_EFORMAT);
	free(p);
}

/* --- the import --------------------------------------------------------- */

/* RU/US with both heads and a US expert; dialogue in a new dir. */
static record *
make_dialogue(char **dir)
{
	static const char *const parties[] = { "RU", "US" };
	record_member m[3];
	record_genesis g;
	record *r = NULL;
	const char *why = NULL;
	int i, who[3] = { RU_HEAD, US_HEAD, US_EXPERT };
	const char *party[3] = { "RU", "US", "US" };
	int role[3] = { RECORD_ROLE_HEAD, RECORD_ROLE_HEAD,
		RECORD_ROLE_DELEGATE };

	*dir = tu_tmpdir();
	for (i = 0; i < 3; i++) {
		memset(&m[i], 0, sizeof m[i]);
		memcpy(m[i].pk, id[who[i]]->pk, 32);
		snprintf(m[i].name, sizeof m[i].name, "%s", names[who[i]]);
		snprintf(m[i].party, sizeof m[i].party, "%s", party[i]);
		m[i].role = role[i];
	}
	memset(&g, 0, sizeof g);
	g.title = "Диалог";
	g.parties = parties;
	g.nparties = 2;
	g.members = m;
	g.nmembers = 3;
	assert_int_equal(record_create(&r, *dir, id[RU_HEAD], &g, &why), 0);
	return r;
}

/* An export of r (since may be NULL), opened for reading. */
static bundle_reader *
export_of(record *r, const bundle_state *since)
{
	bundle_export_info info;
	bundle_reader *b = NULL;
	FILE *f = tmpfile();

	assert_non_null(f);
	assert_int_equal(bundle_export(f, record_store(r), since, &info), 0);
	free(info.diverged);
	rewind(f);
	assert_int_equal(bundle_reader_open(&b, f, 0, NULL), 0);
	return b;
}

/* A bundle of the given entries, opened for reading. */
static bundle_reader *
bundle_of(const unsigned char *dialogue, unsigned char **e, size_t *len,
    size_t n)
{
	bundle_writer *w = NULL;
	bundle_reader *b = NULL;
	FILE *f = tmpfile();
	size_t i;

	assert_non_null(f);
	assert_int_equal(bundle_writer_begin(&w, f, dialogue, (uint32_t)n), 0);
	for (i = 0; i < n; i++)
		assert_int_equal(bundle_writer_add(w, e[i], len[i]), 0);
	assert_int_equal(bundle_writer_end(w), 0);
	rewind(f);
	assert_int_equal(bundle_reader_open(&b, f, 0, NULL), 0);
	return b;
}

/* The entry (author, seq) of r, copied. */
static unsigned char *
get_entry(record *r, const unsigned char *author, uint64_t seq, size_t *len)
{
	store_txn *t = NULL;
	unsigned char *b = NULL;

	assert_int_equal(store_txn_begin(&t, record_store(r), 0), 0);
	assert_int_equal(store_get(&b, len, t, author, seq), 0);
	store_txn_abort(t);
	return b;
}

static uint64_t
count_of(record *r)
{
	store_txn *t = NULL;
	uint64_t n = 0;

	assert_int_equal(store_txn_begin(&t, record_store(r), 0), 0);
	assert_int_equal(store_count(&n, t), 0);
	store_txn_abort(t);
	return n;
}

/* Merged order of both records is the same list of hashes. */
struct hashes {
	unsigned char h[64][32];
	size_t n;
};

static int
hash_cb(void *ctx, const unsigned char *bytes, size_t len,
    const unsigned char hash[ENTRY_HASH_BYTES])
{
	struct hashes *hs = ctx;

	(void)bytes;
	(void)len;
	assert_true(hs->n < 64);
	memcpy(hs->h[hs->n++], hash, 32);
	return 0;
}

static void
assert_same_order(record *a, record *b)
{
	struct hashes ha, hb;
	store_txn *t = NULL;

	memset(&ha, 0, sizeof ha);
	memset(&hb, 0, sizeof hb);
	assert_int_equal(store_txn_begin(&t, record_store(a), 0), 0);
	assert_int_equal(store_scan(t, NULL, 0, hash_cb, &ha), 0);
	store_txn_abort(t);
	assert_int_equal(store_txn_begin(&t, record_store(b), 0), 0);
	assert_int_equal(store_scan(t, NULL, 0, hash_cb, &hb), 0);
	store_txn_abort(t);
	assert_int_equal(ha.n, hb.n);
	assert_memory_equal(ha.h, hb.h, ha.n * 32);
}

static void
assert_verifies(record *r)
{
	record_failure f;
	record_stats st;

	assert_int_equal(record_verify(r, 0, &st, &f), 0);
	assert_int_equal(f.code, 0);
}

/* A dialogue on A, joined on B; both open. */
static void
two_replicas(record **a, record **b, char **da, char **db)
{
	record_import_stats st;
	record_failure f;
	bundle_reader *br;

	*a = make_dialogue(da);
	assert_int_equal(record_append(*a, id[RU_HEAD], ENTRY_K_NOTE, note,
	    NULL, NULL), 0);
	br = export_of(*a, NULL);
	*db = tu_tmpdir();
	assert_int_equal(record_join(b, *db, br, 0, NULL, NULL, &st, &f), 0);
	assert_int_equal(st.added, 3);
	assert_int_equal(st.known, 0);
	assert_int_equal(st.held, 0);
	bundle_reader_close(br);
	assert_same_order(*a, *b);
	assert_verifies(*b);
}

static void
test_join_and_idempotent(void **state)
{
	record *a, *b;
	char *da, *db;
	record_import_stats st;
	record_failure f;
	bundle_reader *br;

	(void)state;
	two_replicas(&a, &b, &da, &db);
	/* Importing the same bundle again changes nothing. */
	br = export_of(a, NULL);
	assert_int_equal(record_import(b, br, 0, &st, &f), 0);
	assert_int_equal(st.added, 0);
	assert_int_equal(st.known, 3);
	assert_int_equal(count_of(b), 3);
	/* Joining twice is refused. */
	{
		record *c = NULL;

		assert_int_equal(record_join(&c, db, br, 0, NULL, NULL, &st,
		    &f), DT_EEXIST);
		assert_null(c);
	}
	bundle_reader_close(br);
	/* B writes; A imports B's export since A's state. */
	assert_int_equal(record_unlock(b, id[US_HEAD]), 0);
	assert_int_equal(record_append(b, id[US_HEAD], ENTRY_K_NOTE, note,
	    NULL, NULL), 0);
	{
		bundle_state s;
		store_txn *t = NULL;

		assert_int_equal(store_txn_begin(&t, record_store(a), 0), 0);
		assert_int_equal(bundle_state_read(&s, t), 0);
		store_txn_abort(t);
		br = export_of(b, &s);
		assert_int_equal(bundle_reader_count(br), 1);
		bundle_state_done(&s);
	}
	assert_int_equal(record_import(a, br, 0, &st, &f), 0);
	assert_int_equal(st.added, 1);
	bundle_reader_close(br);
	assert_same_order(a, b);
	assert_verifies(a);
	record_close(a);
	record_close(b);
	tu_rmtree(da);
	tu_rmtree(db);
}

static void
test_all_or_nothing(void **state)
{
	record *a, *b;
	char *da, *db;
	record_import_stats st;
	record_failure f;
	bundle_reader *br;
	unsigned char *e[2];
	size_t len[2];

	(void)state;
	two_replicas(&a, &b, &da, &db);
	assert_int_equal(record_append(a, id[RU_HEAD], ENTRY_K_NOTE, note,
	    NULL, NULL), 0);
	assert_int_equal(record_append(a, id[RU_HEAD], ENTRY_K_NOTE, note,
	    NULL, NULL), 0);
	e[0] = get_entry(a, id[RU_HEAD]->pk, 3, &len[0]);
	e[1] = get_entry(a, id[RU_HEAD]->pk, 4, &len[1]);
	/* A good entry, then one with a bad signature: nothing lands. */
	e[1][len[1] - 1] ^= 0x01;
	br = bundle_of(record_id(a), e, len, 2);
	assert_int_equal(record_import(b, br, 0, &st, &f), DT_ESIG);
	assert_int_equal(f.code, DT_ESIG);
	assert_true(f.has_entry);
	assert_int_equal(f.seq, 4);
	assert_memory_equal(f.author, id[RU_HEAD]->pk, 32);
	assert_non_null(strstr(f.detail, "entry 2 of the bundle"));
	assert_int_equal(st.added, 0);
	assert_int_equal(count_of(b), 3);
	bundle_reader_close(br);
	/* A bundle for another dialogue. */
	{
		unsigned char other[32];

		memset(other, 7, sizeof other);
		br = bundle_of(other, e, len, 1);
		assert_int_equal(record_import(b, br, 0, &st, &f),
		    DT_EDIALOGUE);
		bundle_reader_close(br);
	}
	/* Malformed bytes. */
	e[1][len[1] - 1] ^= 0x01;
	e[1][4] = 0x7f;
	br = bundle_of(record_id(a), e, len, 2);
	assert_int_equal(record_import(b, br, 0, &st, &f), DT_EFORMAT);
	assert_int_equal(count_of(b), 3);
	bundle_reader_close(br);
	free(e[0]);
	free(e[1]);
	assert_verifies(b);
	record_close(a);
	record_close(b);
	tu_rmtree(da);
	tu_rmtree(db);
}

static void
test_held_and_released(void **state)
{
	record *a, *b;
	char *da, *db;
	record_import_stats st;
	record_failure f;
	bundle_reader *br;
	unsigned char *e[2];
	size_t len[2];

	(void)state;
	two_replicas(&a, &b, &da, &db);
	assert_int_equal(record_append(a, id[RU_HEAD], ENTRY_K_NOTE, note,
	    NULL, NULL), 0);
	assert_int_equal(record_append(a, id[RU_HEAD], ENTRY_K_NOTE, note,
	    NULL, NULL), 0);
	e[0] = get_entry(a, id[RU_HEAD]->pk, 3, &len[0]);
	e[1] = get_entry(a, id[RU_HEAD]->pk, 4, &len[1]);
	/* seq 4 without seq 3: held, not rejected, not in the record. */
	br = bundle_of(record_id(a), &e[1], &len[1], 1);
	assert_int_equal(record_import(b, br, 0, &st, &f), 0);
	assert_int_equal(st.added, 0);
	assert_int_equal(st.held_new, 1);
	assert_int_equal(st.held, 1);
	assert_int_equal(count_of(b), 3);
	assert_verifies(b);
	/* Again: still held, once. */
	assert_int_equal(record_import(b, br, 0, &st, &f), 0);
	assert_int_equal(st.held, 1);
	bundle_reader_close(br);
	/* seq 3 arrives: both land. */
	br = bundle_of(record_id(a), &e[0], &len[0], 1);
	assert_int_equal(record_import(b, br, 0, &st, &f), 0);
	assert_int_equal(st.added, 1);
	assert_int_equal(st.released, 1);
	assert_int_equal(st.held, 0);
	bundle_reader_close(br);
	assert_same_order(a, b);
	assert_verifies(b);
	free(e[0]);
	free(e[1]);
	record_close(a);
	record_close(b);
	tu_rmtree(da);
	tu_rmtree(db);
}

/*
 * A held row changed in the store (its bytes no longer hash to its key,
 * the header still reads) is read whole only once it no longer waits:
 * then it is dropped, never added, and the import goes on.
 */
static void
test_held_row_damaged(void **state)
{
	record *a, *b;
	char *da, *db;
	record_import_stats st;
	record_failure f;
	bundle_reader *br;
	store_txn *t;
	unsigned char *e[2], h[32];
	size_t len[2];

	(void)state;
	two_replicas(&a, &b, &da, &db);
	assert_int_equal(record_append(a, id[RU_HEAD], ENTRY_K_NOTE, note,
	    NULL, NULL), 0);
	assert_int_equal(record_append(a, id[RU_HEAD], ENTRY_K_NOTE, note,
	    NULL, NULL), 0);
	e[0] = get_entry(a, id[RU_HEAD]->pk, 3, &len[0]);
	e[1] = get_entry(a, id[RU_HEAD]->pk, 4, &len[1]);
	br = bundle_of(record_id(a), &e[1], &len[1], 1);
	assert_int_equal(record_import(b, br, 0, &st, &f), 0);
	assert_int_equal(st.held, 1);
	bundle_reader_close(br);
	/* One byte of its signature changed, under the same key. */
	entry_hash(h, e[1], len[1]);
	e[1][len[1] - 1] ^= 0x01;
	assert_int_equal(store_txn_begin(&t, record_store(b), 1), 0);
	assert_int_equal(store_held_del(t, h), 0);
	assert_int_equal(store_held_put(t, h, e[1], len[1]), 0);
	assert_int_equal(store_txn_commit(t), 0);
	/* Another import while it waits: it stays, unread. */
	br = bundle_of(record_id(a), &e[1], &len[1], 0);
	assert_int_equal(record_import(b, br, 0, &st, &f), 0);
	assert_int_equal(st.held, 1);
	bundle_reader_close(br);
	/* seq 3 arrives: the damaged row is dropped, not added. */
	br = bundle_of(record_id(a), &e[0], &len[0], 1);
	assert_int_equal(record_import(b, br, 0, &st, &f), 0);
	assert_int_equal(st.added, 1);
	assert_int_equal(st.released, 0);
	assert_int_equal(st.held, 0);
	bundle_reader_close(br);
	assert_int_equal(count_of(b), 4);
	assert_verifies(b);
	free(e[0]);
	free(e[1]);
	record_close(a);
	record_close(b);
	tu_rmtree(da);
	tu_rmtree(db);
}

static int
evidence_count_cb(void *ctx, const unsigned char *first, size_t flen,
    const unsigned char *second, size_t slen)
{
	entry a, b;

	assert_int_equal(entry_parse(&a, first, flen), 0);
	assert_int_equal(entry_parse(&b, second, slen), 0);
	assert_memory_equal(a.author, b.author, 32);
	assert_int_equal(a.seq, b.seq);
	assert_int_equal(entry_verify_sig(&a), 0);
	assert_int_equal(entry_verify_sig(&b), 0);
	(*(int *)ctx)++;
	return 0;
}

static void
test_fork_evidence(void **state)
{
	record *a, *b;
	char *da, *db;
	record_import_stats st;
	record_failure f;
	bundle_reader *br;
	unsigned char *prev, *stored, ph[32], *fork = NULL;
	size_t plen, slen, flen;
	entry pe, se;
	entry_draft d;
	store_txn *t = NULL;
	int n = 0;

	(void)state;
	two_replicas(&a, &b, &da, &db);
	assert_int_equal(record_unlock(a, id[RU_HEAD]), 0);
	/* A second seq 2 of ru-head, signed by ru-head. */
	prev = get_entry(a, id[RU_HEAD]->pk, 1, &plen);
	stored = get_entry(a, id[RU_HEAD]->pk, 2, &slen);
	assert_int_equal(entry_parse(&pe, prev, plen), 0);
	assert_int_equal(entry_parse(&se, stored, slen), 0);
	entry_hash(ph, prev, plen);
	memset(&d, 0, sizeof d);
	d.kind = ENTRY_K_NOTE;
	d.dialogue = record_id(a);
	d.seq = 2;
	d.clock = se.clock;
	d.time_ms = se.time_ms;
	d.prev = ph;
	d.payload = (const unsigned char *)note2;
	d.payload_len = strlen(note2);
	d.key = record_key(a);
	assert_int_equal(entry_build(&fork, &flen, &d, id[RU_HEAD]), 0);
	br = bundle_of(record_id(a), &fork, &flen, 1);
	assert_int_equal(record_import(b, br, 0, &st, &f), DT_EFORK);
	assert_true(f.has_expected);
	assert_int_equal(f.seq, 2);
	bundle_reader_close(br);
	/* The first stays; both are kept as evidence. */
	{
		size_t l;
		unsigned char *still = get_entry(b, id[RU_HEAD]->pk, 2, &l);

		assert_int_equal(l, slen);
		assert_memory_equal(still, stored, slen);
		free(still);
	}
	assert_int_equal(store_txn_begin(&t, record_store(b), 0), 0);
	assert_int_equal(store_evidence_scan(t, evidence_count_cb, &n), 0);
	store_txn_abort(t);
	assert_int_equal(n, 1);
	assert_verifies(b);
	free(fork);
	free(prev);
	free(stored);
	record_close(a);
	record_close(b);
	tu_rmtree(da);
	tu_rmtree(db);
}

static void
test_member_in_same_bundle(void **state)
{
	record *a, *b;
	char *da, *db;
	record_import_stats st;
	record_failure f;
	bundle_reader *br;
	record_member m;

	(void)state;
	two_replicas(&a, &b, &da, &db);
	/* On B: us-head adds the outsider, who writes at once. */
	assert_int_equal(record_unlock(b, id[US_HEAD]), 0);
	memset(&m, 0, sizeof m);
	memcpy(m.pk, id[OUTSIDER]->pk, 32);
	snprintf(m.name, sizeof m.name, "us-new");
	snprintf(m.party, sizeof m.party, "US");
	m.role = RECORD_ROLE_DELEGATE;
	assert_int_equal(record_add_member(b, id[US_HEAD], &m, NULL), 0);
	record_close(b);
	{
		char path[4096];
		char hex[65];

		key_hex(hex, record_id(a), 32);
		snprintf(path, sizeof path, "%s/%s", db, hex);
		assert_int_equal(record_open(&b, path), 0);
	}
	assert_int_equal(record_unlock(b, id[OUTSIDER]), 0);
	assert_int_equal(record_append(b, id[OUTSIDER], ENTRY_K_NOTE, note,
	    NULL, NULL), 0);
	/* One bundle: the add, the wrap and the new member's note. */
	br = export_of(b, NULL);
	assert_int_equal(record_import(a, br, 0, &st, &f), 0);
	assert_int_equal(st.added, 3);
	assert_int_equal(st.known, 3);
	bundle_reader_close(br);
	assert_non_null(record_member_find(a, id[OUTSIDER]->pk));
	assert_same_order(a, b);
	assert_verifies(a);
	/*
	 * Out of order: the new member's note before its member-add.
	 * Held (the add may be what it waits for), then added with it.
	 */
	{
		record *c = NULL;
		char *dc = tu_tmpdir();
		unsigned char *e[3];
		size_t len[3], k;
		uint64_t hseq;
		store_head hh;
		store_txn *t = NULL;

		br = export_of(a, NULL);
		bundle_reader_close(br);
		assert_int_equal(store_txn_begin(&t, record_store(b), 0), 0);
		assert_int_equal(store_head_get(&hh, t, id[US_HEAD]->pk), 0);
		store_txn_abort(t);
		hseq = hh.next_seq;
		/* c: a replica of a as it was before the member came. */
		{
			unsigned char *g[3];
			size_t gl[3];

			g[0] = get_entry(a, id[RU_HEAD]->pk, 0, &gl[0]);
			g[1] = get_entry(a, id[RU_HEAD]->pk, 1, &gl[1]);
			g[2] = get_entry(a, id[RU_HEAD]->pk, 2, &gl[2]);
			br = bundle_of(record_id(a), g, gl, 3);
			assert_int_equal(record_join(&c, dc, br, 0, NULL, NULL,
			    &st, &f), 0);
			bundle_reader_close(br);
			for (k = 0; k < 3; k++)
				free(g[k]);
		}
		e[0] = get_entry(b, id[US_HEAD]->pk, hseq - 2, &len[0]);
		e[1] = get_entry(b, id[US_HEAD]->pk, hseq - 1, &len[1]);
		e[2] = get_entry(b, id[OUTSIDER]->pk, 0, &len[2]);
		br = bundle_of(record_id(a), &e[2], &len[2], 1);
		assert_int_equal(record_import(c, br, 0, &st, &f), 0);
		assert_int_equal(st.held_new, 1);
		bundle_reader_close(br);
		br = bundle_of(record_id(a), e, len, 2);
		assert_int_equal(record_import(c, br, 0, &st, &f), 0);
		assert_int_equal(st.added, 2);
		assert_int_equal(st.released, 1);
		assert_int_equal(st.held, 0);
		bundle_reader_close(br);
		assert_verifies(c);
		assert_same_order(a, c);
		for (k = 0; k < 3; k++)
			free(e[k]);
		record_close(c);
		tu_rmtree(dc);
	}
	/*
	 * An outsider's entry that is not a member: rejected.  It builds
	 * on the genesis (clock 1), so its clock 2 obeys the clock rule
	 * and only membership is wrong with it.
	 */
	{
		entry_draft d;
		entry_ref gref;
		unsigned char *x = NULL;
		size_t xl;

		memcpy(gref.author, id[RU_HEAD]->pk, KEY_PK_BYTES);
		gref.seq = 0;
		memcpy(gref.hash, record_id(a), ENTRY_HASH_BYTES);
		memset(&d, 0, sizeof d);
		d.kind = ENTRY_K_NOTE;
		d.dialogue = record_id(a);
		d.clock = 2;
		d.refs = &gref;
		d.nrefs = 1;
		d.payload = (const unsigned char *)note;
		d.payload_len = strlen(note);
		d.key = record_key(b);
		assert_int_equal(entry_build(&x, &xl, &d, id[US_EXPERT]), 0);
		/* us-expert is a member: make it someone else's. */
		free(x);
		{
			key_identity *stranger = NULL;
			unsigned char seed[32];

			memset(seed, 0x99, sizeof seed);
			assert_int_equal(key_identity_from_seed(&stranger,
			    "stranger", seed), 0);
			assert_int_equal(entry_build(&x, &xl, &d, stranger),
			    0);
			key_identity_free(stranger);
		}
		br = bundle_of(record_id(a), &x, &xl, 1);
		assert_int_equal(record_import(a, br, 0, &st, &f),
		    DT_EMEMBER);
		bundle_reader_close(br);
		free(x);
	}
	record_close(a);
	record_close(b);
	tu_rmtree(da);
	tu_rmtree(db);
}

/*
 * A held entry came first: a bundle that brings another entry for its
 * place is a fork, though the place is empty; the held one stays held.
 */
static void
test_held_fork(void **state)
{
	record *a, *b;
	char *da, *db;
	record_import_stats st;
	record_failure f;
	bundle_reader *br;
	unsigned char *e[2], *other = NULL, ph[32];
	size_t len[2], olen;
	entry pe, se;
	entry_draft d;
	store_txn *t = NULL;
	int n = 0;

	(void)state;
	two_replicas(&a, &b, &da, &db);
	assert_int_equal(record_unlock(a, id[RU_HEAD]), 0);
	assert_int_equal(record_append(a, id[RU_HEAD], ENTRY_K_NOTE, note,
	    NULL, NULL), 0);
	assert_int_equal(record_append(a, id[RU_HEAD], ENTRY_K_NOTE, note,
	    NULL, NULL), 0);
	e[0] = get_entry(a, id[RU_HEAD]->pk, 3, &len[0]);
	e[1] = get_entry(a, id[RU_HEAD]->pk, 4, &len[1]);
	/* B holds seq 4. */
	br = bundle_of(record_id(a), &e[1], &len[1], 1);
	assert_int_equal(record_import(b, br, 0, &st, &f), 0);
	assert_int_equal(st.held, 1);
	bundle_reader_close(br);
	/* Another seq 4, signed by ru-head, with seq 3. */
	assert_int_equal(entry_parse(&pe, e[0], len[0]), 0);
	assert_int_equal(entry_parse(&se, e[1], len[1]), 0);
	entry_hash(ph, e[0], len[0]);
	memset(&d, 0, sizeof d);
	d.kind = ENTRY_K_NOTE;
	d.dialogue = record_id(a);
	d.seq = 4;
	d.clock = se.clock;
	d.time_ms = se.time_ms + 1;
	d.prev = ph;
	d.payload = (const unsigned char *)note2;
	d.payload_len = strlen(note2);
	d.key = record_key(a);
	assert_int_equal(entry_build(&other, &olen, &d, id[RU_HEAD]), 0);
	free(e[1]);
	e[1] = other;
	len[1] = olen;
	br = bundle_of(record_id(a), e, len, 2);
	assert_int_equal(record_import(b, br, 0, &st, &f), DT_EFORK);
	assert_int_equal(f.seq, 4);
	assert_non_null(strstr(f.detail, "held"));
	bundle_reader_close(br);
	assert_int_equal(count_of(b), 3);
	assert_int_equal(store_txn_begin(&t, record_store(b), 0), 0);
	assert_int_equal(store_evidence_scan(t, evidence_count_cb, &n), 0);
	store_txn_abort(t);
	assert_int_equal(n, 1);
	/* seq 3 alone: the held seq 4 comes in with it. */
	br = bundle_of(record_id(a), e, len, 1);
	assert_int_equal(record_import(b, br, 0, &st, &f), 0);
	assert_int_equal(st.added, 1);
	assert_int_equal(st.released, 1);
	bundle_reader_close(br);
	assert_same_order(a, b);
	assert_verifies(b);
	free(e[0]);
	free(e[1]);
	record_close(a);
	record_close(b);
	tu_rmtree(da);
	tu_rmtree(db);
}

/*
 * A member-remove that another replica wrote before it saw the removed
 * member's later entries cannot come in after them: verify would fail.
 */
static void
test_remove_after_entries(void **state)
{
	record *a, *b, *b2 = NULL;
	char *da, *db, *db2 = tu_tmpdir(), hex[65], rm[160];
	record_import_stats st;
	record_failure f;
	bundle_reader *br;
	record_member m;

	(void)state;
	two_replicas(&a, &b, &da, &db);
	assert_int_equal(record_unlock(b, id[US_HEAD]), 0);
	memset(&m, 0, sizeof m);
	memcpy(m.pk, id[OUTSIDER]->pk, 32);
	snprintf(m.name, sizeof m.name, "us-new");
	snprintf(m.party, sizeof m.party, "US");
	m.role = RECORD_ROLE_DELEGATE;
	assert_int_equal(record_add_member(b, id[US_HEAD], &m, NULL), 0);
	/* B2: a second US replica, as B is now. */
	br = export_of(b, NULL);
	assert_int_equal(record_join(&b2, db2, br, 0, NULL, NULL, &st, &f), 0);
	bundle_reader_close(br);
	/* On B the new member writes twice; on B2 the head removes it. */
	assert_int_equal(record_append(b, id[OUTSIDER], ENTRY_K_NOTE, note,
	    NULL, NULL), 0);
	assert_int_equal(record_append(b, id[OUTSIDER], ENTRY_K_NOTE, note,
	    NULL, NULL), 0);
	key_hex(hex, id[OUTSIDER]->pk, 32);
	snprintf(rm, sizeof rm, "{\"key\":\"%s\",\"v\":1}", hex);
	assert_int_equal(record_unlock(b2, id[US_HEAD]), 0);
	assert_int_equal(record_append(b2, id[US_HEAD], ENTRY_K_MEMBER_REMOVE,
	    rm, NULL, NULL), 0);
	br = export_of(b2, NULL);
	/*
	 * The removal is taken: the note of a clock above it, written
	 * before B heard of it, becomes a member fault on B now.
	 */
	assert_int_equal(record_import(b, br, 0, &st, &f), 0);
	assert_int_equal(st.faults, 1);
	bundle_reader_close(br);
	assert_non_null(record_member_find(b, id[OUTSIDER]->pk));
	assert_true(record_member_find(b, id[OUTSIDER]->pk)->removed_clock !=
	    0);
	/* B2, which had the removal first, takes the notes the same way. */
	br = export_of(b, NULL);
	assert_int_equal(record_import(b2, br, 0, &st, &f), 0);
	assert_int_equal(st.faults, 1);
	bundle_reader_close(br);
	/* Both verify, without the key too, naming that one entry. */
	{
		record *both[2] = { b, b2 };
		const record_fault *fv;
		record_stats vs;
		uint64_t ents[2];
		size_t n, k;

		for (k = 0; k < 2; k++) {
			assert_int_equal(record_verify(both[k], 0, &vs, &f), 0);
			assert_int_equal(vs.faults, 1);
			fv = record_faults(both[k], &n);
			assert_int_equal(n, 1);
			assert_int_equal(fv[0].reason, FAULT_REMOVED);
			assert_memory_equal(fv[0].author, id[OUTSIDER]->pk, 32);
			assert_int_equal(fv[0].seq, 1);
			ents[k] = vs.entries;
		}
		assert_int_equal(ents[0], ents[1]);
	}
	/* The removed member's next entry is refused by B's writer. */
	assert_int_not_equal(record_append(b, id[OUTSIDER], ENTRY_K_NOTE,
	    note, NULL, NULL), 0);
	record_close(b2);
	tu_rmtree(db2);
	record_close(a);
	record_close(b);
	tu_rmtree(da);
	tu_rmtree(db);
}

/* A hex vector as bytes (malloc'd). */
static unsigned char *
vec_bytes(const char *file, const char *name, size_t *len)
{
	char *hex = tu_vector(file, name);
	unsigned char *b;

	assert_non_null(hex);
	*len = strlen(hex) / 2;
	b = malloc(*len);
	assert_int_equal(key_unhex(b, *len, hex), 0);
	free(hex);
	return b;
}

/*
 * tests/vectors/bundle.txt: the four entries of entries.txt make a
 * record when joined from the vector bundle; exporting that record
 * gives the vector bundle byte for byte, and its state the vector state.
 */
static void
test_vectors(void **state)
{
	static const char *const vnames[] = { "genesis", "wrap", "note_ru",
		"note_us" };
	unsigned char *e[4], *want, *got = NULL, *st = NULL, did[32];
	size_t len[4], wlen, glen = 0, slen = 0, i;
	record_import_stats ist;
	record_failure f;
	bundle_export_info info;
	bundle_state bs;
	bundle_reader *b;
	store_txn *t = NULL;
	record *r = NULL;
	char *dir = tu_tmpdir();
	FILE *mf;

	(void)state;
	for (i = 0; i < 4; i++)
		e[i] = vec_bytes("entries.txt", vnames[i], &len[i]);
	{
		unsigned char *d = vec_bytes("entries.txt", "dialogue_id",
		    &wlen);

		memcpy(did, d, 32);
		free(d);
	}
	want = vec_bytes("bundle.txt", "bundle", &wlen);
	/* The writer reproduces the vector. */
	b = bundle_of(did, e, len, 4);
	bundle_reader_close(b);
	mf = open_memstream((char **)&got, &glen);
	{
		bundle_writer *w = NULL;

		assert_int_equal(bundle_writer_begin(&w, mf, did, 4), 0);
		for (i = 0; i < 4; i++)
			assert_int_equal(bundle_writer_add(w, e[i], len[i]), 0);
		assert_int_equal(bundle_writer_end(w), 0);
	}
	fclose(mf);
	assert_int_equal(glen, wlen);
	assert_memory_equal(got, want, wlen);
	free(got);
	got = NULL;
	/* Joining from it makes a record that verifies... */
	assert_int_equal(open_bytes(&b, want, wlen, NULL), 0);
	assert_int_equal(record_join(&r, dir, b, 0, NULL, NULL, &ist, &f), 0);
	assert_int_equal(ist.added, 4);
	bundle_reader_close(b);
	assert_verifies(r);
	/* ...whose export is the vector again, and whose state is too. */
	mf = open_memstream((char **)&got, &glen);
	assert_int_equal(bundle_export(mf, record_store(r), NULL, &info), 0);
	fclose(mf);
	free(info.diverged);
	assert_int_equal(glen, wlen);
	assert_memory_equal(got, want, wlen);
	free(got);
	assert_int_equal(store_txn_begin(&t, record_store(r), 0), 0);
	assert_int_equal(bundle_state_read(&bs, t), 0);
	store_txn_abort(t);
	assert_int_equal(bundle_state_encode(&got, &glen, &bs), 0);
	bundle_state_done(&bs);
	st = vec_bytes("bundle.txt", "state", &slen);
	assert_int_equal(glen, slen);
	assert_memory_equal(got, st, slen);
	free(got);
	free(st);
	free(want);
	for (i = 0; i < 4; i++)
		free(e[i]);
	record_close(r);
	tu_rmtree(dir);
}

/*
 * The clock rule on import (FORMAT.md section 7): ru-head's next note
 * with clock 2^64 - 1, or one more than the rule allows, signed and
 * encrypted as a member can, is refused at that entry, and B writes on.
 * Held first (the entry before it missing), it is dropped when that
 * arrives, the import goes on, and B writes on.  Before the rule, the
 * 2^64 - 1 note was added and B's next clock wrapped to 0.
 */
static void
test_clock_import(void **state)
{
	record *a, *b;
	char *da, *db, want[64];
	record_import_stats st;
	record_failure f;
	bundle_reader *br;
	unsigned char h3[ENTRY_HASH_BYTES], xh[ENTRY_HASH_BYTES];
	unsigned char *e[2];
	size_t len[2];
	uint64_t seq3, n, clocks[2];
	entry e3;
	int k;

	(void)state;
	two_replicas(&a, &b, &da, &db);
	assert_int_equal(record_unlock(b, id[US_HEAD]), 0);
	assert_int_equal(record_append(a, id[RU_HEAD], ENTRY_K_NOTE, note,
	    h3, &seq3), 0);
	e[0] = get_entry(a, id[RU_HEAD]->pk, seq3, &len[0]);
	assert_int_equal(entry_parse(&e3, e[0], len[0]), 0);
	clocks[0] = UINT64_MAX;
	clocks[1] = e3.clock + 2;
	snprintf(want, sizeof want, "expected %llu ",
	    (unsigned long long)e3.clock + 1);
	for (k = 0; k < 2; k++) {
		entry_draft d;

		/* ru-head's feed is the only one: the note builds on e3. */
		memset(&d, 0, sizeof d);
		d.kind = ENTRY_K_NOTE;
		d.dialogue = record_id(a);
		d.seq = seq3 + 1;
		d.clock = clocks[k];
		d.time_ms = 1;
		d.prev = h3;
		d.payload = (const unsigned char *)note;
		d.payload_len = strlen(note);
		d.key = record_key(a);
		assert_int_equal(entry_build(&e[1], &len[1], &d, id[RU_HEAD]),
		    0);
		entry_hash(xh, e[1], len[1]);
		n = count_of(b);
		br = bundle_of(record_id(a), e, len, 2);
		assert_int_equal(record_import(b, br, RECORD_VERIFY_KEY, &st,
		    &f), DT_ECLOCK);
		bundle_reader_close(br);
		assert_int_equal(f.has_entry, 1);
		assert_memory_equal(f.author, id[RU_HEAD]->pk, KEY_PK_BYTES);
		assert_int_equal(f.seq, seq3 + 1);
		assert_memory_equal(f.hash, xh, ENTRY_HASH_BYTES);
		assert_non_null(strstr(f.detail, want));
		assert_int_equal(count_of(b), n);
		assert_int_equal(record_append(b, id[US_HEAD], ENTRY_K_NOTE,
		    note, NULL, NULL), 0);
		assert_verifies(b);
		if (k == 1) {
			free(e[1]);
			break;
		}
		/* The 2^64 - 1 note alone waits for e3; e3 drops it. */
		br = bundle_of(record_id(a), &e[1], &len[1], 1);
		assert_int_equal(record_import(b, br, 0, &st, &f), 0);
		bundle_reader_close(br);
		assert_int_equal(st.held_new, 1);
		br = bundle_of(record_id(a), e, len, 1);
		assert_int_equal(record_import(b, br, 0, &st, &f), 0);
		bundle_reader_close(br);
		assert_int_equal(st.added, 1);
		assert_int_equal(st.dropped, 1);
		assert_int_equal(st.held, 0);
		assert_int_equal(st.dropped_first.code, DT_ECLOCK);
		assert_int_equal(st.dropped_first.seq, seq3 + 1);
		assert_memory_equal(st.dropped_first.hash, xh,
		    ENTRY_HASH_BYTES);
		assert_int_equal(record_append(b, id[US_HEAD], ENTRY_K_NOTE,
		    note, NULL, NULL), 0);
		assert_verifies(b);
		free(e[1]);
	}
	free(e[0]);
	record_close(a);
	record_close(b);
	tu_rmtree(da);
	tu_rmtree(db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_changed_after_check),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_trailer_and_magic),
		cmocka_unit_test(test_late_check),
		cmocka_unit_test(test_counts_and_lengths),
		cmocka_unit_test(test_writer_limits),
		cmocka_unit_test(test_state_file),
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_join_and_idempotent),
		cmocka_unit_test(test_all_or_nothing),
		cmocka_unit_test(test_held_and_released),
		cmocka_unit_test(test_held_row_damaged),
		cmocka_unit_test(test_fork_evidence),
		cmocka_unit_test(test_member_in_same_bundle),
		cmocka_unit_test(test_held_fork),
		cmocka_unit_test(test_remove_after_entries),
		cmocka_unit_test(test_clock_import),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, setup, teardown);
}
