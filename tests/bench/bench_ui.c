/*
 * bench_ui.c: the terminal UI on a record of N entries (issue 3's
 * targets: first screen under 50 ms, keystroke to redraw under 5 ms,
 * memory bounded by the screen, not by the record).
 *
 * Every time is printed next to a floor measured in the same run on the
 * same store, and the ratio; the ratio, not the milliseconds, is what
 * to compare across machines.  Nothing here asserts a time.
 *
 *   first screen  detente: record_open() + record_unlock() (the KDF is
 *                 left out: identities come from seeds) + the UI's
 *                 bounded view (view_load_window() as cmd_ui.c loads it)
 *                 + the model + ui_draw() into an offscreen ncurses
 *                 screen of 200x60 whose output goes to /dev/null.
 *                 floor: raw LMDB and libsodium: open the environment,
 *                 walk the last 200 rows of the merged-order index
 *                 backwards, look each entry up and decrypt its body.
 *   keystroke     detente: one typed character through the model and a
 *                 full redraw.  floor: one LMDB read transaction and
 *                 wcwidth() over a screen of text.
 *   memory        peak RSS and the bytes malloc'd for the view, in a
 *                 fresh process, at N and (for N >= 100000) at N/10.
 *
 * Each figure is the median of several runs: in this process (warm: the
 * pages of the map already touched), and in fresh processes (the store
 * in the page cache, the process cold), which is what a user who starts
 * `detente` sees.
 *
 *	bench_ui [N]      (default $BENCH_N, else 1000000)
 *
 * BENCH_UI_KEEP=DIR keeps the generated records in DIR (DIR/n, DIR/s),
 * and a later run with the same DIR uses them instead of generating
 * them again (to compare two builds on the same bytes).  BENCH_UI_CM=K
 * loads K commitments before the window instead of the UI's 64 (0: all
 * of them, as the UI did before issue 18).
 */
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <errno.h>
#include <locale.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include <curses.h>
#include <jansson.h>
#include <lmdb.h>
#include <sodium.h>

#include "../../app/ui.h"
#include "../../crypto/err.h"
#include "../../crypto/keys.h"
#include "../../storage/entry.h"
#include "../../storage/payload.h"
#include "../../storage/record.h"
#include "../../storage/store.h"
#include "../../storage/view.h"
#include "gen.h"

#define RUNS_WARM 9
#define RUNS_FRESH 5
#define FLOOR_ROWS 200
#define SCREEN_COLS "200"
#define SCREEN_ROWS "60"

/* ------------------------------------------------------------------ */
/* The terminal: ui_draw() needs ui_crt_attr() from ui_crt.c, which    */
/* also owns the real terminal; the benchmark draws offscreen instead. */

unsigned long
ui_crt_attr(int style)
{
	switch (style) {
	case UI_S_HEADER:
	case UI_S_SELECT:
	case UI_S_HIT:
		return A_REVERSE;
	case UI_S_TITLE:
	case UI_S_TITLE_FOCUS:
	case UI_S_CURRENT:
	case UI_S_OVERDUE:
		return A_BOLD;
	case UI_S_DIM:
		return A_DIM;
	default:
		return style >= UI_S_PARTY0 ? (unsigned long)COLOR_PAIR(1 +
		    (style - UI_S_PARTY0) % 6) : A_NORMAL;
	}
}

/* offscreen() - curses on /dev/null, 200x60, as a terminal would be. */
static int
offscreen(void)
{
	static const char *const terms[] = { "xterm-256color", "xterm",
		"vt100", NULL };
	FILE *o = fopen("/dev/null", "w"), *i = fopen("/dev/null", "r");
	SCREEN *sc = NULL;
	int k;

	if (o == NULL || i == NULL)
		return -1;
	setenv("LINES", SCREEN_ROWS, 1);
	setenv("COLUMNS", SCREEN_COLS, 1);
	for (k = 0; terms[k] != NULL && sc == NULL; k++)
		sc = newterm(terms[k], o, i);
	if (sc == NULL)
		return -1;
	set_term(sc);
	if (has_colors()) {
		start_color();
		for (k = 1; k <= 6; k++)
			init_pair((short)k, (short)(k % 8), -1);
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Small helpers.                                                      */

static double
now_ms(void)
{
	return gen_now() * 1e3;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double
median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static long
maxrss_kb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/*
 * status_kb() - a "Name:  N kB" line of /proc/self/status (Linux), or -1.
 * RssAnon is the process's own memory; RssFile counts the pages of the
 * store's map this process touched (the kernel maps up to 16 pages
 * around each fault), which are the page cache, shared and reclaimable.
 */
static long
status_kb(const char *name)
{
	char line[256];
	size_t n = strlen(name);
	long v = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, name, n) == 0 && line[n] == ':') {
			v = strtol(line + n + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

/*
 * private_kb() - Private_Dirty of /proc/self/smaps_rollup (Linux 4.14):
 * the pages only this process has written, whatever maps them; or -1.
 */
static long
private_kb(void)
{
	char line[256];
	long v = -1;
	FILE *f = fopen("/proc/self/smaps_rollup", "r");

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "Private_Dirty:", 14) == 0) {
			v = strtol(line + 14, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

static size_t
heap_bytes(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd; /* the heap, and large blocks */
}

/* ru_head() - the identity that opens the record (gen.c's seed 1). */
static key_identity *
ru_head(void)
{
	unsigned char seed[KEY_SEED_BYTES];
	key_identity *id = NULL;

	memset(seed, 1, sizeof(seed));
	if (key_identity_from_seed(&id, "ru-head", seed) != 0)
		return NULL;
	return id;
}

/* ------------------------------------------------------------------ */
/* The floors.                                                         */

/*
 * floor_first() - raw LMDB and libsodium: what any program must do to
 * show the newest FLOOR_ROWS entries of the store in dir.  @return ms.
 */
static double
floor_first(const char *dir, const unsigned char *key, int *bad)
{
	MDB_env *env = NULL;
	MDB_txn *txn = NULL;
	MDB_dbi order, hashes, entries;
	MDB_cursor *c = NULL;
	MDB_val k, d, k2, d2;
	unsigned char *plain = NULL;
	unsigned long long plen;
	double t0 = now_ms(), t;
	int rc, rows = 0;

	*bad = 1;
	if (mdb_env_create(&env) != 0 || mdb_env_set_maxdbs(env, 16) != 0 ||
	    mdb_env_set_mapsize(env, (size_t)1 << 32) != 0 ||
	    mdb_env_open(env, dir, MDB_NOTLS | MDB_RDONLY, 0600) != 0 ||
	    mdb_txn_begin(env, NULL, MDB_RDONLY, &txn) != 0 ||
	    mdb_dbi_open(txn, "order", 0, &order) != 0 ||
	    mdb_dbi_open(txn, "hashes", 0, &hashes) != 0 ||
	    mdb_dbi_open(txn, "entries", 0, &entries) != 0 ||
	    mdb_cursor_open(txn, order, &c) != 0 ||
	    (plain = malloc(ENTRY_MAX_BODY)) == NULL)
		goto out;
	rc = mdb_cursor_get(c, &k, &d, MDB_LAST);
	while (rc == 0 && rows < FLOOR_ROWS) {
		const unsigned char *b;
		size_t hl, bl;

		k2 = d;
		if (mdb_get(txn, hashes, &k2, &d2) != 0)
			goto out;
		k2 = d2;
		if (mdb_get(txn, entries, &k2, &d2) != 0)
			goto out;
		b = d2.mv_data;
		if (b[5] & ENTRY_FLAG_ENCRYPTED) {
			hl = ENTRY_FIXED_BYTES + ((size_t)b[6] << 8 | b[7]) *
			    ENTRY_REF_BYTES;
			bl = (size_t)b[hl] << 24 | (size_t)b[hl + 1] << 16 |
			    (size_t)b[hl + 2] << 8 | b[hl + 3];
			hl += 4;
			if (crypto_aead_xchacha20poly1305_ietf_decrypt(plain,
			    &plen, NULL, b + hl + ENTRY_NONCE_BYTES,
			    bl - ENTRY_NONCE_BYTES, b, hl, b + hl, key) != 0)
				goto out;
		}
		rows++;
		rc = mdb_cursor_get(c, &k, &d, MDB_PREV);
	}
	*bad = 0;
out:
	t = now_ms() - t0;
	if (plain != NULL) {
		sodium_memzero(plain, ENTRY_MAX_BODY);
		free(plain);
	}
	mdb_cursor_close(c);
	mdb_txn_abort(txn);
	mdb_env_close(env);
	return t;
}

/* floor_key() - one read transaction and the widths of a screen. */
static double
floor_key(const char *dir, const wchar_t *screen, size_t n)
{
	static MDB_env *env;
	MDB_txn *txn;
	volatile int w = 0;
	double t0;
	size_t i;

	if (env == NULL && (mdb_env_create(&env) != 0 ||
	    mdb_env_set_maxdbs(env, 16) != 0 ||
	    mdb_env_set_mapsize(env, (size_t)1 << 32) != 0 ||
	    mdb_env_open(env, dir, MDB_NOTLS | MDB_RDONLY, 0600) != 0))
		return -1;
	t0 = now_ms();
	if (mdb_txn_begin(env, NULL, MDB_RDONLY, &txn) == 0)
		mdb_txn_abort(txn);
	for (i = 0; i < n; i++)
		w += wcwidth(screen[i]);
	(void)w;
	return now_ms() - t0;
}

/* ------------------------------------------------------------------ */
/* detente.                                                            */

/* What one first screen took, in ms, and what it left in memory. */
struct first {
	double open, load, model, draw, total; /* the first screen */
	double complete;                       /* then the deferred rest */
	size_t items, heap;
	long rss_kb, anon_kb, file_kb, dirty_kb;
};

/* setup_model() - the model as cmd_ui.c sets it up. */
static void
setup_model(ui_model *m, record *r, const key_identity *id)
{
	const record_member *me = record_member_find(r, id->pk);

	ui_model_init(m);
	m->utf8 = 1;
	snprintf(m->me_name, sizeof(m->me_name), "%s", id->name);
	memcpy(m->me_pk, id->pk, KEY_PK_BYTES);
	if (me != NULL) {
		snprintf(m->me_party, sizeof(m->me_party), "%s", me->party);
		m->me_role = me->role;
	}
	snprintf(m->title, sizeof(m->title), "%s", record_title(r));
}

/* ui_window() - the window cmd_ui.c loads first. */
static void
ui_window(view_window *w)
{
	memset(w, 0, sizeof(*w));
	w->count = UI_WINDOW;
	w->budget = UI_BUDGET;
	w->defer = UI_DEFER;
	w->commitments = UI_CM_WINDOW;
	/* BENCH_UI_CM=0: the structure whole, as before issue 18 */
	if (getenv("BENCH_UI_CM") != NULL)
		w->commitments = (size_t)atoi(getenv("BENCH_UI_CM"));
}

static void
draw(ui_model *m, const view *v)
{
	ui_drawn d;

	ui_draw(m, v, &d);
	ui_model_scrolled(m, d.rec_top, d.rec_rows, d.ag_top, d.cm_top,
	    d.cm_rows);
}

/*
 * first_screen() - open dir as the UI does and draw the first screen;
 * keep the record, model and view in *r, m, *v (for the key tests) or
 * close them (keep 0).  @return 0 or a DT_E* code.
 */
static int
first_screen(struct first *f, const char *dir, const key_identity *id,
    int keep, record **rp, ui_model *m, view **vp)
{
	record *r = NULL;
	view *v = NULL, *nv = NULL;
	view_window w;
	size_t heap0;
	double t0 = now_ms(), t;
	int rc;

	memset(f, 0, sizeof(*f));
	if ((rc = record_open(&r, dir)) != 0 ||
	    (rc = record_unlock(r, id)) != 0)
		goto out;
	t = now_ms();
	f->open = t - t0;
	heap0 = heap_bytes(); /* what the view and the model take from here */
	ui_window(&w);
	if ((rc = view_load_window(&v, r, &w, NULL)) != 0)
		goto out;
	f->load = now_ms() - t;
	t = now_ms();
	setup_model(m, r, id);
	m->entries = view_nitems(v); /* cmd_ui.c: store_count() */
	if ((rc = ui_model_set_view(m, v)) != 0)
		goto out;
	f->model = now_ms() - t;
	t = now_ms();
	draw(m, v);
	f->draw = now_ms() - t;
	f->total = now_ms() - t0;
	/* what the loop does next: the deferred rest, and a redraw */
	t = now_ms();
	if ((rc = view_complete(&nv, v, r)) != 0 ||
	    (rc = ui_model_set_view(m, nv)) != 0)
		goto out;
	view_free(v);
	v = nv;
	nv = NULL;
	draw(m, v);
	f->complete = now_ms() - t;
	f->items = view_nitems(v);
	f->heap = heap_bytes() - heap0;
	f->rss_kb = maxrss_kb();
	f->anon_kb = status_kb("RssAnon");
	f->file_kb = status_kb("RssFile");
	f->dirty_kb = private_kb();
out:
	view_free(nv);
	if (keep && rc == 0) {
		*rp = r;
		*vp = v;
		return 0;
	}
	ui_model_done(m);
	view_free(v);
	record_close(r);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Fresh processes.                                                    */

static const char *self_path;

/*
 * child() - run this program as "--child WHAT DIR [KEYHEX]" and read its
 * one line of figures into out[0..n).  @return the number read.
 */
static int
child(const char *what, const char *dir, const char *keyhex, double *out,
    int n)
{
	char cmd[2048], line[1024], *p, *end;
	FILE *f;
	int k = 0;

	snprintf(cmd, sizeof(cmd), "'%s' --child %s '%s' %s", self_path, what,
	    dir, keyhex != NULL ? keyhex : "");
	if ((f = popen(cmd, "r")) == NULL)
		return 0;
	if (fgets(line, sizeof(line), f) != NULL)
		for (p = line; k < n; p = end) {
			out[k] = strtod(p, &end);
			if (end == p)
				break;
			k++;
		}
	pclose(f);
	return k;
}

/* run_child() - what "--child" does: one run, one line of figures. */
static int
run_child(int argc, char **argv)
{
	unsigned char key[32];
	struct first f;
	key_identity *id;
	ui_model m;
	record *r = NULL;
	view *v = NULL;
	double t0, t_term;
	int bad = 0;

	if (argc < 4)
		return 2;
	if (strcmp(argv[2], "floor") == 0) {
		if (argc < 5 || key_unhex(key, sizeof(key), argv[4]) != 0)
			return 2;
		t0 = floor_first(argv[3], key, &bad);
		printf("%.3f %ld %ld %ld\n", t0, maxrss_kb(),
		    status_kb("RssAnon"), private_kb());
		return bad;
	}
	if ((id = ru_head()) == NULL)
		return 2;
	t0 = now_ms();
	if (offscreen() != 0)
		return 2;
	t_term = now_ms() - t0;
	if (first_screen(&f, argv[3], id, 0, &r, &m, &v) != 0)
		return 1;
	endwin();
	printf("%.3f %.3f %.3f %.3f %.3f %.3f %.3f %ld %zu %zu %ld %ld %ld\n",
	    f.total, f.open, f.load, f.model, f.draw, f.complete, t_term,
	    f.rss_kb, f.heap, f.items, f.anon_kb, f.file_kb, f.dirty_kb);
	key_identity_free(id);
	return 0;
}

/* Medians of RUNS_FRESH fresh first screens. */
struct fresh {
	double total, open, load, model, draw, complete, term;
	double rss_kb, heap, items, anon_kb, file_kb, dirty_kb;
	double floor, floor_rss_kb, floor_anon_kb, floor_dirty_kb;
	int ok;
};

static void
fresh_runs(struct fresh *x, const char *dir, const char *keyhex)
{
	double v[RUNS_FRESH][13], col[RUNS_FRESH], fl[RUNS_FRESH][4];
	int i, j, n = 0, nf = 0;

	memset(x, 0, sizeof(*x));
	for (i = 0; i < RUNS_FRESH; i++) {
		if (child("floor", dir, keyhex, fl[nf], 4) == 4)
			nf++;
		if (child("first", dir, NULL, v[n], 13) == 13)
			n++;
	}
	if (n == 0 || nf == 0)
		return;
	for (j = 0; j < 13; j++) {
		double *dst[] = { &x->total, &x->open, &x->load, &x->model,
			&x->draw, &x->complete, &x->term, &x->rss_kb,
			&x->heap, &x->items, &x->anon_kb, &x->file_kb,
			&x->dirty_kb };

		for (i = 0; i < n; i++)
			col[i] = v[i][j];
		*dst[j] = median(col, n);
	}
	for (i = 0; i < nf; i++)
		col[i] = fl[i][0];
	x->floor = median(col, nf);
	for (i = 0; i < nf; i++)
		col[i] = fl[i][1];
	x->floor_rss_kb = median(col, nf);
	for (i = 0; i < nf; i++)
		col[i] = fl[i][2];
	x->floor_anon_kb = median(col, nf);
	for (i = 0; i < nf; i++)
		col[i] = fl[i][3];
	x->floor_dirty_kb = median(col, nf);
	x->ok = 1;
}

/* ------------------------------------------------------------------ */

/*
 * kept_record() - the store a run with $BENCH_UI_KEEP left under parent
 * (its one subdirectory), malloc'd, or NULL.
 */
static char *
kept_record(const char *parent)
{
	char cmd[700], line[600];
	FILE *f;
	char *path = NULL;

	snprintf(cmd, sizeof(cmd), "ls -d '%s'/*/ 2>/dev/null", parent);
	if ((f = popen(cmd, "r")) == NULL)
		return NULL;
	if (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] != '\0' && line[strlen(line) - 1] == '/')
			line[strlen(line) - 1] = '\0';
		path = strdup(line);
	}
	pclose(f);
	return path;
}

/* make_record() - generate n entries under parent; verify once. */
static char *
make_record(const char *parent, uint64_t n, unsigned char key[32])
{
	key_identity *ids[GEN_AUTHORS], *id;
	char *path = NULL;
	record *r = NULL;
	double t0 = gen_now(), t1;
	int rc, i;

	if ((path = kept_record(parent)) != NULL) {
		fprintf(stderr, "using the record kept in %s\n", path);
		t1 = gen_now();
		goto open;
	}
	fprintf(stderr, "generating %llu entries...\n", (unsigned long long)n);
	if ((rc = gen_record(&path, ids, parent, n, isatty(2))) != 0) {
		fprintf(stderr, "generate: %s\n", dt_strerror(rc));
		return NULL;
	}
	for (i = 0; i < GEN_AUTHORS; i++)
		key_identity_free(ids[i]);
	t1 = gen_now();
	fprintf(stderr, "generated in %.1f s; verifying once (as the first "
	    "open does, which sets the watermark)...\n", t1 - t0);
open:
	/* record_open() verifies every entry past the watermark: all */
	if ((rc = record_open(&r, path)) != 0 ||
	    record_last_failure(r)->code != 0 || (id = ru_head()) == NULL ||
	    (rc = record_unlock(r, id)) != 0) {
		fprintf(stderr, "open: %s\n", dt_strerror(rc));
		free(path);
		record_close(r);
		return NULL;
	}
	memcpy(key, record_key(r), 32);
	key_identity_free(id);
	record_close(r);
	fprintf(stderr, "verified in %.1f s\n", gen_now() - t1);
	return path;
}

static void
ratio_line(const char *what, double t, double floor, const char *target)
{
	printf("%-26s %8.2f ms  (floor %7.2f ms, ratio %5.1f)  target: %s\n",
	    what, t, floor, floor > 0 ? t / floor : 0.0, target);
}

int
main(int argc, char **argv)
{
	char dir[512] = "/tmp/detente-bench-ui-XXXXXX", big[600], small[600];
	const char *keep = getenv("BENCH_UI_KEEP");
	char *path = NULL, *spath = NULL, keyhex[65], skeyhex[65], cmd[700];
	const char *env = getenv("BENCH_N");
	unsigned char key[32], skey[32];
	uint64_t n;
	double a[RUNS_WARM], b[RUNS_WARM], c[RUNS_WARM], t0;
	wchar_t screen[200 * 60];
	struct first f;
	struct fresh fb, fs;
	key_identity *id;
	ui_model m;
	ui_key k;
	record *r = NULL;
	view *v = NULL, *nv = NULL;
	int i, bad = 0, ret = 1;

	if (argc > 1 && strcmp(argv[1], "--child") == 0) {
		if (sodium_init() < 0)
			return 2;
		payload_wipe_alloc();
		setlocale(LC_ALL, "C.UTF-8");
		return run_child(argc, argv);
	}
	n = argc > 1 ? strtoull(argv[1], NULL, 10) : env ?
	    strtoull(env, NULL, 10) : 1000000ULL;
	if (n < 10)
		n = 10;
	self_path = "/proc/self/exe";
	if (access(self_path, X_OK) != 0)
		self_path = argv[0];
	{
		static char real[4096];
		ssize_t len = readlink("/proc/self/exe", real,
		    sizeof(real) - 1);

		if (len > 0) {
			real[len] = '\0';
			self_path = real;
		}
	}
	if (sodium_init() < 0)
		return 2;
	if (keep != NULL && *keep != '\0') {
		/* BENCH_UI_KEEP=DIR: records made once, kept for later runs */
		snprintf(dir, sizeof(dir), "%s", keep);
		if (mkdir(dir, 0700) != 0 && access(dir, W_OK) != 0)
			return 2;
	} else if (mkdtemp(dir) == NULL)
		return 2;
	/* as detente does: JSON from decrypted text in wiped memory */
	payload_wipe_alloc();
	if (setlocale(LC_ALL, "C.UTF-8") == NULL)
		setlocale(LC_ALL, "");
	snprintf(big, sizeof(big), "%s/n", dir);
	snprintf(small, sizeof(small), "%s/s", dir);
	if ((mkdir(big, 0700) != 0 && errno != EEXIST) ||
	    (mkdir(small, 0700) != 0 && errno != EEXIST))
		goto out;
	if ((path = make_record(big, n, key)) == NULL)
		goto out;
	key_hex(keyhex, key, 32);
	if (n >= 1000 && (spath = make_record(small, n / 10, skey)) == NULL)
		goto out;
	key_hex(skeyhex, skey, 32);

	if ((id = ru_head()) == NULL || offscreen() != 0) {
		fprintf(stderr, "cannot start curses offscreen\n");
		goto out;
	}

	/* (a), (b): the first screen, in this process */
	for (i = 0; i < RUNS_WARM; i++) {
		a[i] = floor_first(path, key, &bad);
		if (bad)
			goto out;
		if (first_screen(&f, path, id, 0, &r, &m, &v) != 0)
			goto out;
		b[i] = f.total;
		c[i] = f.complete;
	}
	/* (c): a keystroke, with the UI on the screen */
	if (first_screen(&f, path, id, 1, &r, &m, &v) != 0)
		goto out;
	for (i = 0; i < (int)(sizeof(screen) / sizeof(screen[0])); i++)
		screen[i] = i % 3 ? L'\x0436' : L'a'; /* Cyrillic and Latin */
	{
		double ka[RUNS_WARM], kb[RUNS_WARM], kc[RUNS_WARM];
		double ra[RUNS_WARM];

		for (i = 0; i < RUNS_WARM; i++) {
			ka[i] = floor_key(path, screen,
			    sizeof(screen) / sizeof(screen[0]));
			memset(&k, 0, sizeof(k));
			k.code = UI_K_CHAR;
			k.ch = i % 2 ? L'\x0434' : L'a';
			t0 = now_ms();
			(void)ui_model_key(&m, &k);
			draw(&m, v);
			kb[i] = now_ms() - t0;
			/* PgUp: scroll the record pane */
			memset(&k, 0, sizeof(k));
			k.code = UI_K_PGUP;
			t0 = now_ms();
			(void)ui_model_key(&m, &k);
			draw(&m, v);
			kc[i] = now_ms() - t0;
		}
		/*
		 * After Enter: the entry is appended (a durable commit: not
		 * the UI's time) and the loop refreshes the view with what
		 * is new and redraws.
		 */
		for (i = 0; i < RUNS_WARM; i++) {
			json_t *o = json_pack("{s:i,s:i,s:o}", "v", 1,
			    "meeting", 1, "text", payload_text("ru",
			    "authentic", "Заметка после Enter"));
			char *note = o != NULL ? payload_dump(o) : NULL;
			int rc;

			json_decref(o);
			if (note == NULL)
				goto out;
			rc = record_append(r, id, ENTRY_K_NOTE, note, NULL,
			    NULL);
			payload_free(note);
			if (rc != 0)
				goto out;
			t0 = now_ms();
			if (view_refresh(&nv, v, r) != 0 ||
			    ui_model_set_view(&m, nv) != 0)
				goto out;
			view_free(v);
			v = nv;
			nv = NULL;
			draw(&m, v);
			ra[i] = now_ms() - t0;
		}
		endwin();

		printf("entries:                   %llu (%zu in the view: the "
		    "structure and a window of %u)\n", (unsigned long long)n,
		    f.items, UI_WINDOW);
		printf("-- in this process (median of %d)\n", RUNS_WARM);
		ratio_line("first screen:", median(b, RUNS_WARM),
		    median(a, RUNS_WARM), "< 50 ms");
		printf("%-26s %8.2f ms  (deferred endorsements and "
		    "corrections, after the first draw)\n", "  then the rest:",
		    median(c, RUNS_WARM));
		ratio_line("keystroke to redraw:", median(kb, RUNS_WARM),
		    median(ka, RUNS_WARM), "< 5 ms");
		ratio_line("PgUp to redraw:", median(kc, RUNS_WARM),
		    median(ka, RUNS_WARM), "< 5 ms");
		printf("%-26s %8.2f ms  (view_refresh() + redraw; the "
		    "append itself not counted)\n", "after an append:",
		    median(ra, RUNS_WARM));
	}
	ui_model_done(&m);
	view_free(v);
	v = NULL;
	record_close(r);
	r = NULL;

	/* (b) again, and (d): fresh processes */
	fresh_runs(&fb, path, keyhex);
	if (!fb.ok) {
		fprintf(stderr, "fresh runs failed\n");
		goto out;
	}
	printf("-- fresh process (median of %d; store in the page cache)\n",
	    RUNS_FRESH);
	ratio_line("first screen:", fb.total, fb.floor, "< 50 ms");
	printf("%-26s open %.2f, view %.2f, model %.2f, draw %.2f ms; "
	    "curses setup %.2f ms (not counted)\n", "  of which:", fb.open,
	    fb.load, fb.model, fb.draw, fb.term);
	printf("%-26s %8.2f ms\n", "  then the rest:", fb.complete);
	printf("%-26s %8.0f KiB anonymous (floor process %.0f KiB); view "
	    "and model %.0f KiB malloc'd for %.0f items\n", "memory:",
	    fb.anon_kb,
	    fb.floor_anon_kb, fb.heap / 1024, fb.items);
	printf("%-26s %8.0f KiB private dirty (floor process %.0f KiB)\n", "",
	    fb.dirty_kb, fb.floor_dirty_kb);
	printf("%-26s %8.0f KiB peak RSS (floor process %.0f KiB), of which "
	    "%.0f KiB the store's mapped pages\n", "", fb.rss_kb,
	    fb.floor_rss_kb, fb.file_kb);
	if (spath != NULL) {
		fresh_runs(&fs, spath, skeyhex);
		if (fs.ok) {
			char vr[32] = "n/a"; /* mallinfo2() says 0 under ASan */

			printf("-- the same at N/10 = %llu entries (fresh "
			    "process)\n", (unsigned long long)(n / 10));
			printf("%-26s %8.2f ms\n", "first screen:", fs.total);
			printf("%-26s %8.0f KiB anonymous; view %.0f KiB "
			    "malloc'd for %.0f items; peak RSS %.0f KiB\n",
			    "memory:", fs.anon_kb, fs.heap / 1024, fs.items,
			    fs.rss_kb);
			printf("%-26s %8.0f KiB private dirty\n", "",
			    fs.dirty_kb);
			/* the floor here is the same UI on a tenth of it */
			if (fs.heap > 0)
				snprintf(vr, sizeof(vr), "x%.2f",
				    fb.heap / fs.heap);
			printf("%-26s anonymous x%.2f, private dirty x%.2f, "
			    "view %s (floor: N/10; target: within 1.2)\n",
			    "growth N/10 -> N:", fb.anon_kb / fs.anon_kb,
			    fb.dirty_kb / fs.dirty_kb, vr);
			printf("%-26s peak RSS x%.2f (the store's pages "
			    "touched, which are the shared page cache)\n", "",
			    fb.rss_kb / fs.rss_kb);
			ratio_line("first screen N vs N/10:", fb.total,
			    fs.total, "flat");
		}
	}
	key_identity_free(id);
	ret = 0;
out:
	if (ret != 0)
		fprintf(stderr, "bench_ui: failed\n");
	free(path);
	free(spath);
	if (keep == NULL || *keep == '\0') {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			ret = 2;
	}
	return ret;
}
