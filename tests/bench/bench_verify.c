/*
 * bench_verify.c: `detente verify` on a record of N entries against the
 * all-core Ed25519 verify floor (issue 18's target: at least 0.9 of the
 * floor in every run).
 *
 * The floor is measured in the same run, on the same store: every core
 * runs crypto_sign_verify_detached() over the signatures of every entry
 * of the store, each on the very message the entry signs (its context
 * string, header and body), read in place from the LMDB map.  detente's
 * time is record_open() (the watermark already at the heads) and the
 * full record_verify() as `detente verify --no-key` runs them, and, with
 * BENCH_VERIFY_KEY=1, as `detente verify` with the key (which also
 * decrypts every content entry: not in the floor).  Each run prints the
 * floor, the time and the ratio floor / time (1.0: at the floor); the
 * ratio, not the seconds, is what to compare across machines.  Nothing
 * here asserts a time.
 *
 * The record has a checkpoint by each member and a seal by both heads
 * every 10,000 entries (BENCH_CKPT_EVERY=K to change it), as bench_open.
 *
 *	bench_verify [N]       (default $BENCH_N, else 1000000)
 *	BENCH_RUNS=R           runs (default 3)
 *	BENCH_RECORD_DIR=DIR   keep the record under DIR and use it again
 */
#include <sys/resource.h>
#include <sys/stat.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lmdb.h>
#include <sodium.h>

#include "../../crypto/err.h"
#include "../../storage/entry.h"
#include "../../storage/record.h"
#include "gen.h"

/* Every entry of the store, in place in the map of a read transaction. */
struct sigs {
	const unsigned char **bytes;
	size_t *len;
	size_t n;
	size_t next;        /* work sharing, in blocks */
	pthread_mutex_t mu;
	int bad;
};

#define FLOOR_BLOCK 256U

/* cpu_s() - the CPU seconds of this process (every thread) so far. */
static double
cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static void *
floor_worker(void *arg)
{
	struct sigs *s = arg;
	unsigned char *msg = malloc(ENTRY_SIG_CTX_BYTES + ENTRY_MAX_BODY +
	    131072U);
	size_t i, lo, hi;
	int bad = 0;
	entry e;

	if (msg == NULL)
		return NULL;
	memcpy(msg, ENTRY_SIG_CTX, ENTRY_SIG_CTX_BYTES);
	for (;;) {
		pthread_mutex_lock(&s->mu);
		lo = s->next;
		s->next += FLOOR_BLOCK;
		pthread_mutex_unlock(&s->mu);
		if (lo >= s->n)
			break;
		hi = lo + FLOOR_BLOCK < s->n ? lo + FLOOR_BLOCK : s->n;
		for (i = lo; i < hi; i++) {
			size_t hb;

			if (entry_parse(&e, s->bytes[i], s->len[i]) != 0) {
				bad = 1;
				continue;
			}
			hb = e.header_len + e.body_len;
			memcpy(msg + ENTRY_SIG_CTX_BYTES, s->bytes[i], hb);
			bad |= crypto_sign_verify_detached(e.sig, msg,
			    ENTRY_SIG_CTX_BYTES + hb, e.author) != 0;
		}
	}
	free(msg);
	pthread_mutex_lock(&s->mu);
	s->bad |= bad;
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

/* floor() - seconds for every core to verify every entry's signature. */
static double
floor_run(const char *dir, unsigned nth, size_t *count, int *bad,
    double *cpu)
{
	MDB_env *env = NULL;
	MDB_txn *txn = NULL;
	MDB_dbi dbi;
	MDB_cursor *cur = NULL;
	MDB_val k, d;
	struct sigs s;
	pthread_t th[64];
	size_t cap = 0;
	double t0, t = -1.0;
	unsigned i;

	*cpu = 0.0;
	memset(&s, 0, sizeof s);
	pthread_mutex_init(&s.mu, NULL);
	if (mdb_env_create(&env) != 0 || mdb_env_set_maxdbs(env, 16) != 0 ||
	    mdb_env_set_mapsize(env, (size_t)1 << 32) != 0 ||
	    mdb_env_open(env, dir, MDB_RDONLY | MDB_NOTLS, 0600) != 0 ||
	    mdb_txn_begin(env, NULL, MDB_RDONLY, &txn) != 0 ||
	    mdb_dbi_open(txn, "entries", 0, &dbi) != 0 ||
	    mdb_cursor_open(txn, dbi, &cur) != 0)
		goto out;
	/* The index of the entries is not timed: the walk's reading is. */
	while (mdb_cursor_get(cur, &k, &d, s.n ? MDB_NEXT : MDB_FIRST) == 0) {
		if (s.n == cap) {
			cap = cap ? 2 * cap : 65536;
			s.bytes = realloc(s.bytes, cap * sizeof *s.bytes);
			s.len = realloc(s.len, cap * sizeof *s.len);
			if (s.bytes == NULL || s.len == NULL)
				goto out;
		}
		s.bytes[s.n] = d.mv_data;
		s.len[s.n] = d.mv_size;
		s.n++;
	}
	if (nth > 64)
		nth = 64;
	*cpu = cpu_s();
	t0 = gen_now();
	for (i = 0; i < nth; i++)
		pthread_create(&th[i], NULL, floor_worker, &s);
	for (i = 0; i < nth; i++)
		pthread_join(th[i], NULL);
	t = gen_now() - t0;
	*cpu = cpu_s() - *cpu;
	*count = s.n;
	*bad = s.bad;
out:
	mdb_cursor_close(cur);
	mdb_txn_abort(txn);
	mdb_env_close(env);
	free(s.bytes);
	free(s.len);
	pthread_mutex_destroy(&s.mu);
	return t;
}

/* verify_run() - record_open() and the full record_verify(); seconds. */
static double
verify_run(const char *dir, int with_key, record_stats *st, double *cpu)
{
	key_identity *ids[GEN_AUTHORS];
	record_failure f;
	record *r = NULL;
	double t0, t = -1.0;
	int i, rc;

	*cpu = 0.0;
	if (with_key && gen_identities(ids) != 0)
		return -1.0;
	/* The unlock is not timed: its KDF is the keystore's, not verify's. */
	if ((rc = record_open(&r, dir)) != 0 ||
	    (with_key && (rc = record_unlock(r, ids[0])) != 0)) {
		fprintf(stderr, "open: %s\n", dt_strerror(rc));
		goto out;
	}
	record_close(r);
	r = NULL;
	*cpu = cpu_s();
	t0 = gen_now();
	if ((rc = record_open(&r, dir)) != 0 ||
	    (with_key && (rc = record_unlock(r, ids[0])) != 0)) {
		fprintf(stderr, "open: %s\n", dt_strerror(rc));
		goto out;
	}
	if ((rc = record_verify(r, with_key ? RECORD_VERIFY_KEY : 0, st,
	    &f)) != 0) {
		fprintf(stderr, "verify: %s: %s\n", dt_strerror(rc), f.detail);
		goto out;
	}
	t = gen_now() - t0;
	*cpu = cpu_s() - *cpu;
out:
	record_close(r);
	if (with_key)
		for (i = 0; i < GEN_AUTHORS; i++)
			key_identity_free(ids[i]);
	return t;
}

/* the_store() - the one store directory under parent, or NULL. */
static char *
the_store(const char *parent)
{
	char cmd[4200], line[4096];
	FILE *f;
	size_t n;

	snprintf(cmd, sizeof cmd, "ls -d '%s'/*/ 2>/dev/null | head -n 1",
	    parent);
	if ((f = popen(cmd, "r")) == NULL)
		return NULL;
	if (fgets(line, sizeof line, f) == NULL) {
		pclose(f);
		return NULL;
	}
	pclose(f);
	n = strlen(line);
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '/'))
		line[--n] = '\0';
	return n > 0 ? strdup(line) : NULL;
}

int
main(int argc, char **argv)
{
	const char *env = getenv("BENCH_N"), *keep = getenv("BENCH_RECORD_DIR");
	uint64_t n = 1000000, every = 10000;
	unsigned nth = (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
	int runs = getenv("BENCH_RUNS") ? atoi(getenv("BENCH_RUNS")) : 3;
	int with_key = getenv("BENCH_VERIFY_KEY") != NULL &&
	    strcmp(getenv("BENCH_VERIFY_KEY"), "1") == 0;
	char parent[4096], tmpl[] = "/tmp/bench_verify.XXXXXX", *path = NULL;
	key_identity *ids[GEN_AUTHORS];
	record_stats st;
	record *r = NULL;
	double worst = 1e9;
	int run, rc, i, made = 0;

	if (argc > 1)
		n = strtoull(argv[1], NULL, 10);
	else if (env != NULL)
		n = strtoull(env, NULL, 10);
	if (getenv("BENCH_CKPT_EVERY") != NULL)
		every = strtoull(getenv("BENCH_CKPT_EVERY"), NULL, 10);
	if (runs < 1)
		runs = 1;
	if (nth < 1)
		nth = 1;
	if (keep != NULL && keep[0] == '\0')
		keep = NULL;
	if (sodium_init() < 0)
		return 2;
	if (keep != NULL) {
		snprintf(parent, sizeof parent, "%s/rec-%llu-%llu", keep,
		    (unsigned long long)n, (unsigned long long)every);
		(void)mkdir(keep, 0700);
		(void)mkdir(parent, 0700);
		path = the_store(parent);
	} else if (mkdtemp(tmpl) != NULL) {
		snprintf(parent, sizeof parent, "%s", tmpl);
	} else {
		return 2;
	}
	if (path == NULL) {
		double t0 = gen_now();

		fprintf(stderr, "generating %llu entries...\n",
		    (unsigned long long)n);
		if ((rc = gen_record_ckpt(&path, ids, parent, n, every,
		    isatty(2))) != 0) {
			fprintf(stderr, "generate: %s\n", dt_strerror(rc));
			return 1;
		}
		for (i = 0; i < GEN_AUTHORS; i++)
			key_identity_free(ids[i]);
		made = 1;
		fprintf(stderr, "generated in %.1f s\n", gen_now() - t0);
	}
	/* The first opening checks every entry and sets the watermark. */
	if ((rc = record_open(&r, path)) != 0 ||
	    record_last_failure(r)->code != 0) {
		fprintf(stderr, "open: %s\n", rc ? dt_strerror(rc) :
		    record_last_failure(r)->detail);
		return 1;
	}
	record_close(r);
	printf("entries:         %llu (a checkpoint by each of 4 members and a "
	    "seal by 2 heads every %llu)\n", (unsigned long long)n,
	    (unsigned long long)every);
	printf("cores:           %u\n", nth);
	for (run = 1; run <= runs; run++) {
		size_t count = 0;
		int bad = 0;
		double cf, cv, tf = floor_run(path, nth, &count, &bad, &cf), tv;

		if (tf < 0 || bad) {
			fprintf(stderr, "floor: %s\n", bad ?
			    "a signature did not verify" : "cannot read");
			return 1;
		}
		memset(&st, 0, sizeof st);
		if ((tv = verify_run(path, 0, &st, &cv)) < 0)
			return 1;
		printf("run %d: floor:    %.3f s  Ed25519 verify of %zu "
		    "signatures on %u cores (%.3f s of CPU)\n", run, tf, count,
		    nth, cf);
		printf("run %d: verify:   %.3f s  %llu entries, %llu "
		    "signatures (--no-key) (%.3f s of CPU)\n", run, tv,
		    (unsigned long long)st.entries,
		    (unsigned long long)st.sig_checked, cv);
		/*
		 * On a loaded machine the wall-clock ratio moves with the
		 * load; the CPU ratio (the work done) does not.
		 */
		printf("run %d: ratio:    %.3f of the floor (target >= 0.90); "
		    "CPU %.3f\n", run, tf / tv, cf / cv);
		if (tf / tv < worst)
			worst = tf / tv;
		if (with_key) {
			memset(&st, 0, sizeof st);
			if ((tv = verify_run(path, 1, &st, &cv)) < 0)
				return 1;
			printf("run %d: with key: %.3f s  %llu decrypted; ratio "
			    "%.3f of the floor\n", run, tv,
			    (unsigned long long)st.decrypted, tf / tv);
		}
		fflush(stdout);
	}
	printf("worst ratio:     %.3f of the floor in %d runs (target >= "
	    "0.90)\n", worst, runs);
	if (made && keep == NULL) {
		char cmd[4200];

		snprintf(cmd, sizeof cmd, "rm -rf '%s'", parent);
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", parent);
	}
	free(path);
	return 0;
}
