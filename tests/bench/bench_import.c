/*
 * bench_import.c: import a bundle of N entries (issue 4's target: at
 * most 1.3x the time to verify those entries' signatures on all cores,
 * and memory that does not grow with the bundle).
 *
 * The floor is measured in the same run on the same bytes: a plain
 * pthread loop over crypto_sign_verify_detached() on every core, before
 * the import and after it (the ratio is against their mean).  The
 * ratio, not the seconds, is what to compare across machines.
 *
 *	bench_import [N]      (default $BENCH_N, else 1000000)
 *
 * With $BENCH_BUNDLE set, the bundle is kept at that path, and a later
 * run reads it from there instead of generating the record again (its
 * count, not N, is then the count of entries).
 */
#include <sys/resource.h>
#include <sys/stat.h>
#include <pthread.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "../../crypto/err.h"
#include "../../storage/bundle.h"
#include "../../storage/entry.h"
#include "../../storage/record.h"
#include "gen.h"

/*
 * Every member signs a checkpoint of its feed every this many entries of
 * the record, and the two heads seal the meeting (every feed's size and
 * root), as a delegation does when a session closes: an import checks
 * each against the feeds' Merkle roots at those sizes.
 */
#define CKPT_EVERY 10000U

/* The signed messages of every entry, for the floor. */
struct msgs {
	unsigned char **msg;
	size_t *len;
	const unsigned char **pk, **sig;
	size_t n;
	size_t next;
	pthread_mutex_t mu;
	int bad;
};

static void *
floor_worker(void *arg)
{
	struct msgs *m = arg;
	size_t i, from, to;
	int bad = 0;

	for (;;) {
		pthread_mutex_lock(&m->mu);
		from = m->next;
		to = from + 64 < m->n ? from + 64 : m->n;
		m->next = to;
		pthread_mutex_unlock(&m->mu);
		if (from >= m->n)
			break;
		for (i = from; i < to; i++)
			bad |= crypto_sign_verify_detached(m->sig[i], m->msg[i],
			    m->len[i], m->pk[i]) != 0;
	}
	pthread_mutex_lock(&m->mu);
	m->bad |= bad;
	pthread_mutex_unlock(&m->mu);
	return NULL;
}

static long
maxrss_kb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* anon_kb() - this process's anonymous resident memory (RssAnon), KiB. */
static long
anon_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL)
		if (sscanf(line, "RssAnon: %ld", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/*
 * The peak of anon_kb() while the import runs, sampled every 20 ms: the
 * memory the import itself takes.  ru_maxrss also counts the store's
 * pages mapped from the page cache, which are shared and reclaimable.
 */
struct sampler {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int stop;
	long peak;
};

static void *
sampler_run(void *arg)
{
	struct sampler *s = arg;
	struct timespec ts;
	long kb;

	pthread_mutex_lock(&s->mu);
	while (!s->stop) {
		if ((kb = anon_kb()) > s->peak)
			s->peak = kb;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 20 * 1000 * 1000;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&s->cv, &s->mu, &ts);
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

static int
accept_all(void *ctx, record *r, const record_import_stats *st)
{
	(void)ctx;
	(void)r;
	(void)st;
	return 0;
}

/*
 * floor_run() - the floor: every signature of the bundle at file, on
 * nth threads, from copies made first (not timed).  *t and *c receive
 * its wall and CPU seconds.  0, or 1 if a signature did not verify.
 */
static int
floor_run(const char *file, uint64_t n, unsigned nth, double *t_out,
    double *c_out)
{
	struct msgs m;
	bundle_reader *br = NULL;
	const unsigned char *bytes;
	const char *why = NULL;
	pthread_t th[64];
	size_t len, i;
	double t0, c0;
	unsigned t;

	memset(&m, 0, sizeof m);
	pthread_mutex_init(&m.mu, NULL);
	m.msg = calloc(n, sizeof *m.msg);
	m.len = calloc(n, sizeof *m.len);
	m.pk = calloc(n, sizeof *m.pk);
	m.sig = calloc(n, sizeof *m.sig);
	if (m.msg == NULL || m.len == NULL || m.pk == NULL || m.sig == NULL ||
	    bundle_reader_open_path(&br, file, 0, &why) != 0)
		return 2;
	while (bundle_reader_next(br, &bytes, &len) == 0 && bytes != NULL &&
	    m.n < n) {
		entry e;
		unsigned char *c;

		if ((c = malloc(ENTRY_SIG_CTX_BYTES + len)) == NULL)
			return 2;
		memcpy(c, ENTRY_SIG_CTX, ENTRY_SIG_CTX_BYTES);
		memcpy(c + ENTRY_SIG_CTX_BYTES, bytes, len);
		if (entry_parse(&e, c + ENTRY_SIG_CTX_BYTES, len) != 0)
			return 2;
		m.msg[m.n] = c;
		m.len[m.n] = ENTRY_SIG_CTX_BYTES + e.header_len + e.body_len;
		m.pk[m.n] = e.author;
		m.sig[m.n] = e.sig;
		m.n++;
	}
	bundle_reader_close(br);
	t0 = gen_now();
	c0 = gen_cpu(RUSAGE_SELF);
	for (t = 0; t < nth; t++)
		pthread_create(&th[t], NULL, floor_worker, &m);
	for (t = 0; t < nth; t++)
		pthread_join(th[t], NULL);
	*t_out = gen_now() - t0;
	*c_out = gen_cpu(RUSAGE_SELF) - c0;
	for (i = 0; i < m.n; i++)
		free(m.msg[i]);
	free(m.msg);
	free(m.len);
	free(m.pk);
	free(m.sig);
	pthread_mutex_destroy(&m.mu);
#ifdef __GLIBC__
	malloc_trim(0); /* the copies, given back */
#endif
	return m.bad ? 1 : 0;
}

int
main(int argc, char **argv)
{
	key_identity *ids[GEN_AUTHORS];
	char dir[] = "/tmp/detente-bench-XXXXXX", a[600], b[600], file[600];
	char *path = NULL, cmd[700];
	const char *env = getenv("BENCH_N"), *why = NULL;
	const char *keep = getenv("BENCH_BUNDLE");
	uint64_t n = argc > 1 ? strtoull(argv[1], NULL, 10) :
	    env ? strtoull(env, NULL, 10) : 1000000ULL;
	store *s = NULL;
	FILE *f;
	bundle_reader *br = NULL;
	record *r = NULL;
	record_import_stats ist;
	bundle_export_info info;
	record_failure fail;
	size_t i;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN), rss0, rss1, anon0;
	struct sampler smp;
	pthread_t smp_th;
	unsigned nth;
	double t0, t_gen, t_floor, t_floor1, t_floor2, t_import;
	double c0, c1, c_floor, c_floor1, c_floor2, c_import, c_main;
	int rc;

	if (sodium_init() < 0 || mkdtemp(dir) == NULL)
		return 2;
	nth = ncpu > 0 && ncpu < 64 ? (unsigned)ncpu : 1;
	snprintf(a, sizeof a, "%s/a", dir);
	snprintf(b, sizeof b, "%s/b", dir);
	snprintf(file, sizeof file, "%s/all.dtb", dir);
	if (mkdir(a, 0700) != 0 || mkdir(b, 0700) != 0)
		return 2;
	memset(ids, 0, sizeof ids);
	t_gen = 0;
	if (keep != NULL && *keep != '\0' && access(keep, R_OK) == 0) {
		if (bundle_reader_open_path(&br, keep, 0, &why) != 0) {
			fprintf(stderr, "%s: %s\n", keep, why);
			return 2;
		}
		n = bundle_reader_count(br);
		bundle_reader_close(br);
		br = NULL;
		snprintf(file, sizeof file, "%s", keep);
		goto floor;
	}
	if (keep != NULL && *keep != '\0')
		snprintf(file, sizeof file, "%s", keep);
	t0 = gen_now();
	if ((rc = gen_record_ckpt(&path, ids, a, n, CKPT_EVERY,
	    isatty(2))) != 0) {
		fprintf(stderr, "generate: %s\n", dt_strerror(rc));
		return 2;
	}
	t_gen = gen_now() - t0;
	if ((rc = store_open(&s, path, 0)) != 0 ||
	    (f = fopen(file, "wb")) == NULL) {
		fprintf(stderr, "export: %s\n", dt_strerror(rc));
		return 2;
	}
	memset(&info, 0, sizeof info);
	rc = bundle_export(f, s, NULL, &info);
	free(info.diverged);
	if (fclose(f) != 0 || rc != 0) {
		fprintf(stderr, "export: %s\n", dt_strerror(rc));
		return 2;
	}
	store_close(s);

floor:
	/*
	 * The floor: every signature of the bundle, on every core, before
	 * the import and again after it; the ratio is against the mean of
	 * the two, so that a machine that speeds up or slows down during
	 * the run (a shared host) moves the floor with the import.
	 */
	if ((rc = floor_run(file, n, nth, &t_floor1, &c_floor1)) != 0) {
		fprintf(stderr, "floor: %s\n", rc == 1 ?
		    "a signature did not verify" : "cannot read the bundle");
		return 1;
	}

	/* detente: join a fresh replica from the bundle. */
	rss0 = maxrss_kb();
	anon0 = anon_kb();
	memset(&smp, 0, sizeof smp);
	pthread_mutex_init(&smp.mu, NULL);
	pthread_cond_init(&smp.cv, NULL);
	smp.peak = anon0;
	pthread_create(&smp_th, NULL, sampler_run, &smp);
	/* Opening the bundle checks its trailer: part of an import. */
	t0 = gen_now();
	c0 = gen_cpu(RUSAGE_SELF);
	c1 = gen_cpu(RUSAGE_THREAD);
	if (bundle_reader_open_path(&br, file, BUNDLE_CHECK_LATE, &why) != 0)
		return 2;
	rc = record_join(&r, b, br, 0, accept_all, NULL, &ist, &fail);
	t_import = gen_now() - t0;
	c_import = gen_cpu(RUSAGE_SELF) - c0;
	c_main = gen_cpu(RUSAGE_THREAD) - c1;
	rss1 = maxrss_kb();
	pthread_mutex_lock(&smp.mu);
	smp.stop = 1;
	pthread_cond_signal(&smp.cv);
	pthread_mutex_unlock(&smp.mu);
	pthread_join(smp_th, NULL);
	bundle_reader_close(br);
	if (rc != 0) {
		fprintf(stderr, "import: %s: %s\n", dt_strerror(rc), fail.detail);
		return 1;
	}
	record_close(r);
	if ((rc = floor_run(file, n, nth, &t_floor2, &c_floor2)) != 0) {
		fprintf(stderr, "floor: %s\n", rc == 1 ?
		    "a signature did not verify" : "cannot read the bundle");
		return 1;
	}
	t_floor = (t_floor1 + t_floor2) / 2;
	c_floor = (c_floor1 + c_floor2) / 2;
	if (path != NULL)
		printf("entries:        %llu (generated in %.1f s)\n",
		    (unsigned long long)ist.added, t_gen);
	else
		printf("entries:        %llu (bundle %s)\n",
		    (unsigned long long)ist.added, file);
	printf("floor:          %.3f s  Ed25519 verify of every entry on %u "
	    "cores (%.1f us/entry): the mean of %.3f s before the import and "
	    "%.3f s after it\n", t_floor, nth, t_floor / (double)n * 1e6,
	    t_floor1, t_floor2);
	printf("import:         %.3f s  (%.1f us/entry)\n", t_import,
	    t_import / (double)n * 1e6);
	printf("ratio:          %.2f  (target <= 1.30)\n", t_import / t_floor);
	printf("cpu:            floor %.3f s, import %.3f s in all threads "
	    "(%.2f of the floor's), %.3f s in the importing thread\n", c_floor,
	    c_import, c_import / c_floor, c_main);
	printf("peak RSS:       %ld KiB before the import, %ld KiB after "
	    "(growth %ld KiB; the store's mapped pages count)\n", rss0, rss1,
	    rss1 - rss0);
	printf("anon memory:    %ld KiB before the import, peak %ld KiB "
	    "during it (growth %ld KiB)\n", anon0, smp.peak,
	    smp.peak - anon0);
	for (i = 0; i < GEN_AUTHORS; i++)
		key_identity_free(ids[i]);
	free(path);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : 2;
}
