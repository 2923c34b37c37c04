/*
 * bench_minutes.c: export the minutes of a meeting of N entries (issue
 * target: a meeting of 10,000 entries in under 200 ms, in each format).
 *
 * The record is one dialogue with one meeting of N entries in all
 * (gen_meeting(): notes, statements, proposals, decisions, commitments,
 * endorsements, corrections, statuses, in Russian and English), a
 * checkpoint of every feed, and the meeting's close; the minutes cover
 * every entry of the record.
 *
 * The floor is measured in the same run, on the same store: every entry
 * read with raw LMDB and every content entry decrypted with raw libsodium
 * (XChaCha20-Poly1305), the work no export can avoid.  detente's time is
 * what `detente minutes export` does after the passphrase: record_open()
 * + record_unlock() + view_load() + minutes_scope_get() + minutes_render()
 * (app/cmd_minutes.c), from a cold process state but a warm page cache;
 * the median of a few runs.  The ratio, not the seconds, is what to
 * compare across machines; nothing here asserts a time.
 *
 *	bench_minutes [N]     (default $BENCH_N, else 10000)
 *	BENCH_MINUTES_OUT=DIR    also write DIR/minutes-1.{md,txt,json,html}
 *	BENCH_MINUTES_FORMAT=F   that format only (md, txt, json or html; for
 *	                         profiling one of them)
 *	BENCH_MINUTES_LANG=L     the language of the minutes (default both)
 *	BENCH_MINUTES_FASTBINS=1 keep glibc's fastbins, which main.c turns
 *	                         off (to see what that gains)
 *	BENCH_MINUTES_KEEP=1     keep the generated store (its path goes to
 *	                         stderr)
 *	BENCH_MINUTES_RECORD=DIR export from the store in DIR (one that
 *	                         BENCH_MINUTES_KEEP kept) instead of
 *	                         generating one: to compare the output of
 *	                         two builds byte for byte
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <lmdb.h>
#include <sodium.h>

#include "../../crypto/err.h"
#include "../../storage/entry.h"
#include "../../storage/minutes.h"
#include "../../storage/payload.h"
#include "../../storage/record.h"
#include "../../storage/view.h"
#include "gen.h"

#define RUNS 5
#define TARGET_S 0.200

/*
 * floor_run() - read every entry of the store at dir with raw LMDB and
 * decrypt the body of every content entry; the number of entries read
 * and decrypted go to *n and *ndec.  Returns the seconds, or -1.
 */
static double
floor_run(const char *dir, const unsigned char key[32], size_t *n,
    size_t *ndec)
{
	MDB_env *env = NULL;
	MDB_txn *txn = NULL;
	MDB_dbi dbi;
	MDB_cursor *cur = NULL;
	MDB_val k, d;
	unsigned char *bytes = NULL, *clear = NULL;
	unsigned long long clen;
	size_t cap = 0;
	double t0 = gen_now(), t = -1;
	entry e;
	int rc;

	*n = *ndec = 0;
	if ((rc = mdb_env_create(&env)) != 0 ||
	    (rc = mdb_env_set_maxdbs(env, 16)) != 0 ||
	    (rc = mdb_env_set_mapsize(env, (size_t)1 << 32)) != 0 ||
	    (rc = mdb_env_open(env, dir, MDB_RDONLY, 0600)) != 0 ||
	    (rc = mdb_txn_begin(env, NULL, MDB_RDONLY, &txn)) != 0 ||
	    (rc = mdb_dbi_open(txn, "entries", 0, &dbi)) != 0 ||
	    (rc = mdb_cursor_open(txn, dbi, &cur)) != 0)
		goto out;
	while ((rc = mdb_cursor_get(cur, &k, &d, *n ? MDB_NEXT :
	    MDB_FIRST)) == 0) {
		/* copied out, as detente must before the transaction ends */
		if (d.mv_size > cap) {
			cap = d.mv_size * 2;
			free(bytes);
			free(clear);
			if ((bytes = malloc(cap)) == NULL ||
			    (clear = malloc(cap)) == NULL)
				goto out;
		}
		memcpy(bytes, d.mv_data, d.mv_size);
		(*n)++;
		if (entry_parse(&e, bytes, d.mv_size) != 0)
			goto out;
		if (!(e.flags & ENTRY_FLAG_ENCRYPTED))
			continue;
		if (e.body_len < ENTRY_NONCE_BYTES + ENTRY_MAC_BYTES ||
		    crypto_aead_xchacha20poly1305_ietf_decrypt(clear, &clen,
		    NULL, e.body + ENTRY_NONCE_BYTES, e.body_len -
		    ENTRY_NONCE_BYTES, e.bytes, e.header_len, e.body,
		    key) != 0)
			goto out;
		(*ndec)++;
	}
	if (rc == MDB_NOTFOUND)
		t = gen_now() - t0;
out:
	free(bytes);
	free(clear);
	mdb_cursor_close(cur);
	mdb_txn_abort(txn);
	mdb_env_close(env);
	return t;
}

/* One export, and the time of its parts. */
struct run {
	double open, load, scope, render, total;
	size_t scope_entries, bytes;
};

/*
 * export_run() - the minutes of meeting 1 in fmt, as `detente minutes
 * export` renders them; with save, into save.  Exits on failure.
 */
static void
export_run(struct run *out, const char *path, const key_identity *id,
    minutes_format fmt, const char *save)
{
	record *r = NULL;
	view *v = NULL;
	minutes_scope s;
	char *text = NULL;
	size_t len = 0;
	double t0 = gen_now(), t1, t2, t3, t4;
	FILE *f;
	int rc;

	memset(&s, 0, sizeof s);
	if ((rc = record_open(&r, path)) != 0 ||
	    (rc = record_unlock(r, id)) != 0) {
		fprintf(stderr, "open: %s\n", dt_strerror(rc));
		exit(2);
	}
	t1 = gen_now();
	if ((rc = view_load(&v, r)) != 0) {
		fprintf(stderr, "view_load: %s\n", dt_strerror(rc));
		exit(1);
	}
	t2 = gen_now();
	if ((rc = minutes_scope_get(&s, r, v, 1)) != 0) {
		fprintf(stderr, "minutes_scope_get: %s\n", dt_strerror(rc));
		exit(1);
	}
	t3 = gen_now();
	if ((rc = minutes_render(&text, &len, v, &s, fmt,
	    getenv("BENCH_MINUTES_LANG") != NULL ?
	    getenv("BENCH_MINUTES_LANG") : "both")) != 0) {
		fprintf(stderr, "minutes_render: %s\n", dt_strerror(rc));
		exit(1);
	}
	t4 = gen_now();
	out->scope_entries = s.nentries;
	out->bytes = len;
	minutes_scope_done(&s);
	view_free(v);
	record_close(r);
	out->open = t1 - t0;
	out->load = t2 - t1;
	out->scope = t3 - t2;
	out->render = t4 - t3;
	out->total = gen_now() - t0;
	if (save != NULL) {
		if ((f = fopen(save, "w")) == NULL ||
		    fwrite(text, 1, len, f) != len || fclose(f) != 0) {
			fprintf(stderr, "cannot write %s\n", save);
			exit(2);
		}
	}
	free(text);
}

static int
cmp_total(const void *a, const void *b)
{
	const struct run *x = a, *y = b;

	return (x->total > y->total) - (x->total < y->total);
}

static int
cmp_double(const void *a, const void *b)
{
	const double *x = a, *y = b;

	return (*x > *y) - (*x < *y);
}

int
main(int argc, char **argv)
{
	static const minutes_format fmts[] = { MINUTES_MD, MINUTES_TXT,
		MINUTES_JSON, MINUTES_HTML };
	key_identity *ids[GEN_AUTHORS];
	char dir[] = "/tmp/detente-bench-XXXXXX", cmd[600], save[512];
	char *path = NULL;
	const char *env = getenv("BENCH_N"), *outdir = getenv(
	    "BENCH_MINUTES_OUT");
	uint64_t n = argc > 1 ? strtoull(argv[1], NULL, 10) :
	    env ? strtoull(env, NULL, 10) : 10000ULL;
	unsigned char key[32];
	struct run runs[RUNS], med;
	double t_gen, fl[RUNS], t_floor;
	size_t nread = 0, ndec = 0;
	record *r = NULL;
	unsigned i, fi;
	int rc;

	if (sodium_init() < 0 || mkdtemp(dir) == NULL || n < 100)
		return 2;
	/* as main.c: clear texts in jansson's memory are wiped when freed */
	payload_wipe_alloc();
	/* as main.c: no fastbins (BENCH_MINUTES_FASTBINS=1: keep them) */
#ifdef M_MXFAST
	if (getenv("BENCH_MINUTES_FASTBINS") == NULL)
		mallopt(M_MXFAST, 0);
#endif
	t_gen = gen_now();
	if (getenv("BENCH_MINUTES_RECORD") != NULL) {
		if ((rc = gen_identities(ids)) != 0 ||
		    (path = strdup(getenv("BENCH_MINUTES_RECORD"))) == NULL) {
			fprintf(stderr, "identities: %s\n", dt_strerror(rc));
			return 2;
		}
	} else if ((rc = gen_meeting(&path, ids, dir, n, isatty(2))) != 0 ||
	    (rc = gen_checkpoints(path, ids)) != 0 ||
	    (rc = gen_close(path, ids, 1)) != 0) {
		fprintf(stderr, "generate: %s\n", dt_strerror(rc));
		return 2;
	}
	t_gen = gen_now() - t_gen;
	/* record_open() verifies what is past the watermark: everything */
	if ((rc = record_open(&r, path)) != 0 ||
	    (rc = record_unlock(r, ids[0])) != 0) {
		fprintf(stderr, "open: %s\n", dt_strerror(rc));
		return 2;
	}
	if (record_last_failure(r)->code != 0) {
		fprintf(stderr, "the generated record does not verify: %s\n",
		    record_last_failure(r)->detail);
		return 1;
	}
	memcpy(key, record_key(r), sizeof key);
	record_close(r);
	for (i = 0; i < RUNS; i++)
		if ((fl[i] = floor_run(path, key, &nread, &ndec)) < 0) {
			fprintf(stderr, "floor: cannot read or decrypt\n");
			return 1;
		}
	qsort(fl, RUNS, sizeof *fl, cmp_double);
	t_floor = fl[RUNS / 2];
	sodium_memzero(key, sizeof key);
	if (getenv("BENCH_MINUTES_RECORD") != NULL)
		printf("entries:        %zu in the record %s\n", nread, path);
	else
		printf("entries:        %zu in the record, %llu in meeting 1 "
		    "(generated in %.1f s)\n", nread, (unsigned long long)n,
		    t_gen);
	printf("floor:          %.4f s  raw LMDB read of %zu entries, "
	    "XChaCha20-Poly1305 open of %zu\n", t_floor, nread, ndec);
	for (fi = 0; fi < sizeof(fmts) / sizeof(fmts[0]); fi++) {
		const char *name = minutes_format_name(fmts[fi]);
		const char *only = getenv("BENCH_MINUTES_FORMAT");

		if (only != NULL && strcmp(only, name) != 0)
			continue;
		for (i = 0; i < RUNS; i++) {
			snprintf(save, sizeof save, "%s/minutes-1.%s",
			    outdir != NULL ? outdir : ".", name);
			export_run(&runs[i], path, ids[0], fmts[fi],
			    outdir != NULL && i == 0 ? save : NULL);
		}
		qsort(runs, RUNS, sizeof *runs, cmp_total);
		med = runs[RUNS / 2];
		printf("export %-4s     %.4f s  ratio %.2f to the floor, target "
		    "%.3f s: %s  (%zu entries in scope, %zu bytes; open "
		    "%.4f, view_load %.4f, scope %.4f, render %.4f)\n", name,
		    med.total, med.total / t_floor, TARGET_S,
		    med.total < TARGET_S ? "met" : "missed",
		    med.scope_entries, med.bytes, med.open, med.load,
		    med.scope, med.render);
	}
	for (i = 0; i < GEN_AUTHORS; i++)
		key_identity_free(ids[i]);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (getenv("BENCH_MINUTES_KEEP") != NULL)
		fprintf(stderr, "kept: %s\n", path);
	else if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	free(path);
	return 0;
}
