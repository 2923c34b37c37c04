/*
 * bench_sync.c: live sync (issue 16's targets): replicating N entries
 * over a loopback TCP link within 1.3x of `bundle import` of the same
 * entries (record_import() into a replica that holds the genesis), and
 * the time from an entry's commit on one replica to its commit on the
 * linked one, p50 and p99 over M entries (targets 100 ms and 300 ms).
 *
 *	bench_sync [N [M]]    (default $BENCH_N, else 100000; M 1000)
 *
 * Both sides run in this process, one thread each, with the very code
 * `detente sync` runs: the Noise channel and its write pump
 * (app/sync_chan.c) and the protocol (storage/sync.c), each side
 * polling its link and its store's commit counter every 10 ms, as the
 * command does.  The ratio, not the seconds, is what to compare across
 * machines; the baseline is measured in the same run.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "../../app/sync_chan.h"
#include "../../crypto/err.h"
#include "../../storage/bundle.h"
#include "../../storage/entry.h"
#include "../../storage/record.h"
#include "../../storage/store.h"
#include "../../storage/sync.h"
#include "gen.h"

static const char note[] = "{\"meeting\":1,\"text\":[{\"body\":\"typed\","
    "\"lang\":\"en\",\"role\":\"authentic\"}],\"v\":1}";

struct side {
	record *r;
	key_identity *id;
	int fd;
	int initiator;
	int latency;             /* A: append one entry at a time */
	uint64_t expect;         /* B: entries to receive in the first phase */
	uint64_t m;              /* entries of the latency phase */
	double *t_commit, *t_shown;
	int rc;
};

static atomic_int stop_all;
static atomic_uint_fast64_t received, appended, arrived;
static atomic_int phase;         /* 0 bulk, 1 latency */
static double t_bulk_done;

static int
accept_all(void *ctx, record *r, const record_import_stats *st)
{
	(void)ctx;
	(void)r;
	(void)st;
	return 0;
}

static void *
side_run(void *arg)
{
	struct side *s = arg;
	sync_chan *c = NULL;
	sync_peer *p = NULL;
	const unsigned char *m;
	sync_event ev;
	struct pollfd pf;
	char why[200];
	uint64_t txn;
	size_t len;
	int rc;

	if ((rc = chan_open(&c, s->fd, s->fd, s->initiator, s->r, s->id,
	    10000, 30000, why, sizeof why)) != 0) {
		fprintf(stderr, "handshake: %s\n", why);
		s->rc = rc;
		return NULL;
	}
	if ((rc = sync_peer_new(&p, s->r, 0)) != 0)
		goto out;
	txn = store_txnid(record_store(s->r));
	while (!atomic_load(&stop_all)) {
		if (s->latency && atomic_load(&phase) == 1 &&
		    atomic_load(&appended) == atomic_load(&arrived) &&
		    atomic_load(&appended) < s->m) {
			if ((rc = record_append(s->r, s->id, ENTRY_K_NOTE, note,
			    NULL, NULL)) != 0)
				goto out;
			s->t_commit[atomic_load(&appended)] = gen_now();
			atomic_fetch_add(&appended, 1);
		}
		for (;;) {
			if ((rc = sync_next(p, &m, &len)) != 0)
				goto out;
			if (m == NULL)
				break;
			if ((rc = chan_send(c, m, len)) != 0)
				goto out;
		}
		pf.fd = chan_fd(c);
		pf.events = POLLIN;
		if (poll(&pf, 1, 10) > 0) {
			while ((rc = chan_recv(c, &m, &len, 0)) == 0) {
				if ((rc = sync_receive(p, m, len, &ev)) != 0) {
					fprintf(stderr, "sync: %s\n",
					    ev.f.detail);
					goto out;
				}
				if (ev.type != SYNC_BATCH)
					continue;
				if (atomic_load(&phase) == 0) {
					if (atomic_fetch_add(&received,
					    ev.entries) + ev.entries >=
					    s->expect)
						t_bulk_done = gen_now();
				} else {
					uint64_t k = atomic_load(&arrived);

					if (k < s->m)
						s->t_shown[k] = gen_now();
					atomic_fetch_add(&arrived,
					    ev.entries);
				}
			}
			if (rc != 1)
				goto out;
			rc = 0;
		}
		if (store_txnid(record_store(s->r)) != txn) {
			txn = store_txnid(record_store(s->r));
			sync_changed(p);
		}
	}
out:
	if (rc != 0 && !atomic_load(&stop_all)) {
		fprintf(stderr, "side %s: %s (%s)\n", s->initiator ? "A" : "B",
		    dt_strerror(rc), chan_why(c));
		s->rc = rc;
		atomic_store(&stop_all, 1);
	}
	sync_peer_free(p);
	chan_close(c);
	return NULL;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* A bundle of ru-head's genesis and key wrap: what a join starts from. */
static int
genesis_bundle(const char *path, const char *file, const key_identity *head,
    const unsigned char *dialogue)
{
	store *s = NULL;
	store_txn *t = NULL;
	bundle_writer *w = NULL;
	unsigned char *b = NULL;
	size_t len;
	uint64_t q;
	FILE *f;
	int rc;

	if ((f = fopen(file, "wb")) == NULL)
		return DT_EIO;
	if ((rc = store_open(&s, path, 0)) != 0 ||
	    (rc = store_txn_begin(&t, s, 0)) != 0 ||
	    (rc = bundle_writer_begin(&w, f, dialogue, 2)) != 0)
		goto out;
	for (q = 0; q < 2; q++) {
		if ((rc = store_get(&b, &len, t, head->pk, q)) != 0 ||
		    (rc = bundle_writer_add(w, b, len)) != 0)
			goto out;
		free(b);
		b = NULL;
	}
	rc = bundle_writer_end(w);
	w = NULL;
out:
	free(b);
	bundle_writer_abort(w);
	store_txn_abort(t);
	store_close(s);
	if (fclose(f) != 0 && rc == 0)
		rc = DT_EIO;
	return rc;
}

static int
join(record **r, const char *parent, const char *file)
{
	bundle_reader *br = NULL;
	record_import_stats st;
	record_failure f;
	const char *why = NULL;
	int rc;

	if ((rc = bundle_reader_open_path(&br, file, 0, &why)) != 0)
		return rc;
	rc = record_join(r, parent, br, 0, accept_all, NULL, &st, &f);
	bundle_reader_close(br);
	return rc;
}

int
main(int argc, char **argv)
{
	key_identity *ids[GEN_AUTHORS];
	char dir[] = "/tmp/detente-bench-sync-XXXXXX", a[600], b1[600];
	char b2[600], all[600], gen[600], cmd[700], *path = NULL;
	const char *env = getenv("BENCH_N");
	uint64_t n = argc > 1 ? strtoull(argv[1], NULL, 10) :
	    env ? strtoull(env, NULL, 10) : 100000ULL;
	uint64_t m = argc > 2 ? strtoull(argv[2], NULL, 10) : 1000ULL;
	record *ra = NULL, *rb1 = NULL, *rb2 = NULL;
	bundle_reader *br = NULL;
	bundle_export_info info;
	record_import_stats ist;
	record_failure fail;
	struct side sa, sb;
	struct sockaddr_in sin;
	socklen_t sl = sizeof sin;
	pthread_t ta, tb;
	double t0, t_import, t_sync, *lat = NULL;
	const char *why = NULL;
	store *s = NULL;
	uint64_t i, total = 0;
	int ls, fa, fb, one = 1, rc;
	FILE *f;

	if (sodium_init() < 0 || mkdtemp(dir) == NULL || n < 10)
		return 2;
	snprintf(a, sizeof a, "%s/a", dir);
	snprintf(b1, sizeof b1, "%s/b1", dir);
	snprintf(b2, sizeof b2, "%s/b2", dir);
	snprintf(all, sizeof all, "%s/all.dtb", dir);
	snprintf(gen, sizeof gen, "%s/genesis.dtb", dir);
	if (mkdir(a, 0700) != 0 || mkdir(b1, 0700) != 0 ||
	    mkdir(b2, 0700) != 0)
		return 2;
	memset(ids, 0, sizeof ids);
	if ((rc = gen_record(&path, ids, a, n, isatty(2))) != 0) {
		fprintf(stderr, "generate: %s\n", dt_strerror(rc));
		return 2;
	}
	if ((rc = store_open(&s, path, 0)) != 0 ||
	    (f = fopen(all, "wb")) == NULL)
		return 2;
	memset(&info, 0, sizeof info);
	rc = bundle_export(f, s, NULL, &info);
	free(info.diverged);
	store_close(s);
	if (fclose(f) != 0 || rc != 0)
		return 2;
	total = info.entries;
	if ((rc = record_open(&ra, path)) != 0 ||
	    (rc = genesis_bundle(path, gen, ids[0], record_id(ra))) != 0 ||
	    (rc = join(&rb1, b1, gen)) != 0 || (rc = join(&rb2, b2, gen)) != 0) {
		fprintf(stderr, "setup: %s\n", dt_strerror(rc));
		return 2;
	}

	/* The baseline: `bundle import` of every entry into B1. */
	t0 = gen_now();
	if (bundle_reader_open_path(&br, all, BUNDLE_CHECK_LATE, &why) != 0)
		return 2;
	rc = record_import(rb1, br, 0, &ist, &fail);
	t_import = gen_now() - t0;
	bundle_reader_close(br);
	if (rc != 0) {
		fprintf(stderr, "import: %s\n", fail.detail);
		return 1;
	}
	record_close(rb1);

	/* A and B2 linked over loopback TCP. */
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((ls = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
	    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
	    bind(ls, (struct sockaddr *)&sin, sizeof sin) != 0 ||
	    listen(ls, 1) != 0 ||
	    getsockname(ls, (struct sockaddr *)&sin, &sl) != 0 ||
	    (fa = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
	    connect(fa, (struct sockaddr *)&sin, sizeof sin) != 0 ||
	    (fb = accept(ls, NULL, NULL)) < 0)
		return 2;
	close(ls);
	if (m == 0 || (lat = calloc(2 * m, sizeof *lat)) == NULL ||
	    record_unlock(ra, ids[0]) != 0)
		return 2;
	memset(&sa, 0, sizeof sa);
	memset(&sb, 0, sizeof sb);
	sa.r = ra;
	sa.id = ids[0];
	sa.fd = fa;
	sa.initiator = 1;
	sa.latency = 1;
	sa.m = m;
	sa.t_commit = lat;
	sb.r = rb2;
	sb.id = ids[2];
	sb.fd = fb;
	sb.expect = total - 2;
	sb.m = m;
	sb.t_shown = lat + m;
	t0 = gen_now();
	pthread_create(&ta, NULL, side_run, &sa);
	pthread_create(&tb, NULL, side_run, &sb);
	while (!atomic_load(&stop_all) && atomic_load(&received) < total - 2)
		usleep(1000);
	t_sync = t_bulk_done - t0;
	atomic_store(&phase, 1);
	while (!atomic_load(&stop_all) && atomic_load(&arrived) < m)
		usleep(1000);
	atomic_store(&stop_all, 1);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	if (sa.rc != 0 || sb.rc != 0)
		return 1;
	for (i = 0; i < m; i++)
		lat[i] = (lat[m + i] - lat[i]) * 1000.0;
	qsort(lat, m, sizeof *lat, cmp_double);
	printf("entries:       %llu replicated over loopback TCP (Noise)\n",
	    (unsigned long long)(total - 2));
	printf("bundle import: %.3f s (the floor)\n", t_import);
	printf("sync:          %.3f s\n", t_sync);
	printf("ratio:         %.2f to bundle import (target 1.30)\n",
	    t_sync / t_import);
	printf("commit to commit on the linked replica, over %llu entries: "
	    "p50 %.1f ms, p99 %.1f ms (targets 100 and 300)\n",
	    (unsigned long long)m, lat[m / 2], lat[(m * 99) / 100]);
	record_close(ra);
	record_close(rb2);
	for (i = 0; i < GEN_AUTHORS; i++)
		key_identity_free(ids[i]);
	free(lat);
	free(path);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : 2;
}
