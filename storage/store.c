/*
 * store.c: the LMDB environment of one dialogue.  See store.h for the
 * databases.  No function in this file deletes or overwrites an entry:
 * every entries/hashes/order write uses MDB_NOOVERWRITE.
 *
 * The kinds index is derived data: store_open() builds it from entries
 * when a store lacks it (made before it existed) or when its stamp says
 * that entries were added without it (by an older detente).
 *
 * The side tables (held entries, evidence, faults, the `checked` rows)
 * are in store_side.c; struct store and struct store_txn, which both
 * files use, in store_priv.h.
 */
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lmdb.h>
#include <sodium.h>

#include "../crypto/err.h"
#include "store.h"
#include "store_priv.h"

/* Virtual size of the map; the file only grows as pages are used. */
#define STORE_MAPSIZE ((size_t)1 << 32)

void (*store_fatal_hook)(const char *what);

/* LMDB's assertion callback (mdb_env_set_assert()): see store.h. */
static void
store_assert(MDB_env *env, const char *what)
{
	(void)env;
	if (store_fatal_hook != NULL)
		store_fatal_hook(what);
}

static void
probes_close(store_txn *t)
{
	unsigned i;

	for (i = 0; i < t->nprobe; i++)
		mdb_cursor_close(t->probe[i]);
	t->nprobe = 0;
}

void
store_be64(unsigned char out[8], uint64_t v)
{
	int i;

	for (i = 7; i >= 0; i--) {
		out[i] = (unsigned char)(v & 0xff);
		v >>= 8;
	}
}

uint64_t
store_get_be64(const unsigned char in[8])
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = (v << 8) | in[i];
	return v;
}

int
store_map_err(int rc)
{
	switch (rc) {
	case MDB_SUCCESS:
		return 0;
	case MDB_NOTFOUND:
		return DT_ENOENT;
	case MDB_MAP_FULL:
	case ENOSPC:
	case EDQUOT:
		return DT_ENOSPC;
	case MDB_CORRUPTED:
	case MDB_PAGE_NOTFOUND:
	case MDB_INVALID:
	case MDB_BAD_TXN:
	case MDB_BAD_VALSIZE:
	case MDB_INCOMPATIBLE:
		return DT_ECORRUPT;
	case MDB_VERSION_MISMATCH:
		return DT_EVERSION;
	case ENOMEM:
		return DT_ENOMEM;
	case EAGAIN:
	case EBUSY:
		return DT_EBUSY;
	case ENOENT:
		return DT_ENOENT;
	default:
		return DT_EIO;
	}
}

/*
 * The commit lock: flock(2) on data.mdb (which LMDB itself never locks;
 * its locks are fcntl(2) locks on lock.mdb).  A writer holds it
 * exclusively from the moment its commit can make a new meta page
 * visible until cover_pages() has made the file cover the pages that
 * meta page counts (commit_top()); check_size() takes it shared before
 * it calls a file that is shorter than its meta page says truncated.
 * Without it, a store opened while another process was between its
 * commit and cover_pages() was refused as damaged (docs/ARCHITECTURE.md,
 * "Concurrency").  flock() is retried only when a signal
 * interrupted it; it waits no longer than the rest of one commit (its
 * fsync and cover_pages()).
 */
static int
commit_lock(int fd, int op)
{
	while (flock(fd, op) != 0)
		if (errno != EINTR)
			return -1;
	return 0;
}

/*
 * size_short() - does the data file end before the last page that the
 * current meta page counts?  The meta page is read first and the size
 * after: LMDB never shortens the file and writes a commit's pages before
 * its meta page, so a size read later covers every page this meta page
 * counts that its commit wrote.  (Read the other way round, as it was,
 * the size could predate commits that the meta page already showed: with
 * forty `detente add` at once, an opener descheduled between the two
 * took a sound store for a truncated one, about one round in thirty of
 * tests/cli/50-concurrent.sh with eighty writers.)
 */
static int
size_short(store *s, const char *file, int *is_short)
{
	MDB_envinfo info;
	MDB_stat st;
	struct stat sb;

	*is_short = 0;
	if (mdb_env_info(s->env, &info) != 0 || mdb_env_stat(s->env, &st) != 0)
		return DT_ECORRUPT;
	if (stat(file, &sb) != 0)
		return DT_EIO;
	*is_short = (uint64_t)sb.st_size <
	    ((uint64_t)info.me_last_pgno + 1) * (uint64_t)st.ms_psize;
	return 0;
}

/*
 * LMDB maps the data file; reading a page past the end of a truncated
 * file would raise SIGBUS.  LMDB's meta page says how many pages are in
 * use, so a file shorter than that is refused up front.  The pages a
 * commit counts but never writes (cover_pages()) are written by its
 * writer just after the commit, under the commit lock: a short file is
 * looked at again once that lock is free, and only then refused.
 */
static int
check_size(store *s)
{
	char *file;
	size_t n;
	int fd, is_short, locked, rc;

	n = strlen(s->path) + sizeof "/data.mdb";
	if ((file = malloc(n)) == NULL)
		return DT_ENOMEM;
	snprintf(file, n, "%s/data.mdb", s->path);
	if ((rc = size_short(s, file, &is_short)) != 0 || !is_short)
		goto out;
	if ((fd = open(file, O_RDONLY | O_CLOEXEC)) < 0) {
		rc = DT_EIO;
		goto out;
	}
	/* no lock to be had (a file system without flock): look again */
	locked = commit_lock(fd, LOCK_SH) == 0;
	rc = size_short(s, file, &is_short);
	if (locked)
		(void)commit_lock(fd, LOCK_UN);
	close(fd);
	if (rc == 0 && is_short)
		rc = DT_ECORRUPT;
out:
	free(file);
	return rc;
}

/*
 * LMDB trusts the flags its meta page gives its free-page database: one
 * flipped bit there (MDB_DUPSORT) fails an assertion at the next write
 * and aborts the process, with no word of a damaged store (found by
 * `make tamper`; verify writes its watermark).  Every store detente makes
 * has exactly MDB_INTEGERKEY there (LMDB's own setting; detente sets no
 * environment flag that LMDB keeps in the same field), so check_meta()
 * reads the meta page LMDB uses (the one with the larger transaction id)
 * and refuses anything else as a damaged store.  The offsets are LMDB
 * 0.9's data format (MDB_DATA_VERSION 1), which is native: a page header
 * of a pgno_t (size_t) and four uint16_t; then MDB_meta: two uint32_t, a
 * pointer, a size_t, two MDB_db (a uint32_t, two uint16_t, five size_t),
 * a pgno_t and the txnid (size_t).  Every flip of the main database's
 * flags was met by LMDB's own checks (exit 1, no abort), so they are not
 * read here.
 */
#define META_HDR (sizeof(size_t) + 4 * sizeof(uint16_t))
#define META_DB_BYTES (8 + 5 * sizeof(size_t))
#define META_FREE_FLAGS (META_HDR + 8 + 2 * sizeof(size_t) + 4)
#define META_TXNID (META_HDR + 8 + 2 * sizeof(size_t) + \
	2 * META_DB_BYTES + sizeof(size_t))

static int
check_meta(store *s)
{
	unsigned char m[2][META_TXNID + sizeof(size_t)];
	size_t txnid[2];
	uint16_t flags;
	MDB_stat st;
	char *file;
	size_t n, i;
	int fd, rc = 0;

	if (mdb_env_stat(s->env, &st) != 0)
		return DT_ECORRUPT;
	n = strlen(s->path) + sizeof "/data.mdb";
	if ((file = malloc(n)) == NULL)
		return DT_ENOMEM;
	snprintf(file, n, "%s/data.mdb", s->path);
	fd = open(file, O_RDONLY | O_CLOEXEC);
	free(file);
	if (fd < 0)
		return DT_EIO;
	for (i = 0; i < 2 && rc == 0; i++)
		if (pread(fd, m[i], sizeof m[i], (off_t)(i * st.ms_psize)) !=
		    (ssize_t)sizeof m[i])
			rc = DT_ECORRUPT;
	close(fd);
	if (rc != 0)
		return rc;
	memcpy(&txnid[0], m[0] + META_TXNID, sizeof(size_t));
	memcpy(&txnid[1], m[1] + META_TXNID, sizeof(size_t));
	memcpy(&flags, m[txnid[0] < txnid[1]] + META_FREE_FLAGS, sizeof flags);
	return flags == MDB_INTEGERKEY ? 0 : DT_ECORRUPT;
}

/*
 * LMDB sizes its lock file with ftruncate() and then writes to it through
 * a shared mapping: on a full disk (a tmpfs above all) the first write to
 * a page with no block behind it raises SIGBUS in mdb_env_open() instead
 * of returning an error (found by `make faults`, joining on a full disk).
 * lock_reserve() gives lock.mdb its blocks first, so that a full disk is
 * DT_ENOSPC here.  Any other failure is left for mdb_env_open() to meet
 * and report as before (a read-only directory, a lock file that is not
 * ours to open).  STORE_LOCK_BYTES is the lock file of LMDB's default 126
 * readers, which is what store_open() asks for.
 */
#define STORE_LOCK_BYTES 8192

static int
lock_reserve(const char *dir)
{
	char f[4096];
	int fd, rc;

	snprintf(f, sizeof f, "%s/lock.mdb", dir);
	if ((fd = open(f, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
	    0600)) < 0)
		return errno == ENOSPC || errno == EDQUOT ? DT_ENOSPC : 0;
	rc = posix_fallocate(fd, 0, STORE_LOCK_BYTES);
	close(fd);
	return rc == ENOSPC || rc == EDQUOT ? DT_ENOSPC : 0;
}

/*
 * disk_nearly_full() - whether the filesystem of dir has less than a
 * megabyte left.  LMDB reports a short write as EIO; on a full disk
 * that is what a commit meets, and "no space left" is the truth the
 * user needs.
 */
static int
disk_nearly_full(const char *dir)
{
	struct statvfs v;

	if (dir == NULL || statvfs(dir, &v) != 0)
		return 0;
	return (unsigned long long)v.f_bavail * v.f_frsize < 1024ULL * 1024;
}

/*
 * cover_pages() - make the data file cover every page the meta page
 * counts.  A page that a transaction allocates and frees again (a held
 * row put and dropped within one import, say) is counted in the meta
 * page's last page number but never written, so the file can end before
 * it; check_size() would then take the file for a truncated one and the
 * store would no longer open.  The file is extended (never shortened:
 * posix_fallocate() leaves every byte there is) and synced.
 */
static int
cover_pages(store *s)
{
	MDB_envinfo info;
	MDB_stat st;
	struct stat sb;
	mdb_filehandle_t fd;
	off_t need;

	if (mdb_env_info(s->env, &info) != 0 || mdb_env_stat(s->env,
	    &st) != 0 || mdb_env_get_fd(s->env, &fd) != 0 ||
	    fstat(fd, &sb) != 0)
		return DT_EIO;
	need = ((off_t)info.me_last_pgno + 1) * (off_t)st.ms_psize;
	if (sb.st_size >= need)
		return 0;
	if (posix_fallocate(fd, 0, need) != 0 || fdatasync(fd) != 0)
		return disk_nearly_full(s->path) ? DT_ENOSPC : DT_EIO;
	return 0;
}

/*
 * commit_top() - commit a top-level write transaction of s: under the
 * commit lock, the commit and then cover_pages(), so that no opener sees
 * the new meta page while the file is shorter than it says.  A lock that
 * cannot be had (a file system without flock) does not stop the write:
 * the lock only spares openers a false alarm, which check_size() then
 * risks as before.  @return 0 or a DT_E* code; txn is gone either way.
 */
static int
commit_top(store *s, MDB_txn *txn)
{
	mdb_filehandle_t fd;
	int locked, rc;

	locked = mdb_env_get_fd(s->env, &fd) == 0 &&
	    commit_lock(fd, LOCK_EX) == 0;
	rc = store_map_err(mdb_txn_commit(txn));
	if (rc == DT_EIO && disk_nearly_full(s->path))
		rc = DT_ENOSPC;
	if (rc == 0)
		rc = cover_pages(s);
	if (locked)
		(void)commit_lock(fd, LOCK_UN);
	return rc;
}

/*
 * The held and evidence databases came after the first stores were
 * made: open them, creating them in a write transaction of their own
 * when a store does not have them yet.
 */
static int
open_side_dbs(store *s)
{
	MDB_txn *txn = NULL;
	int rc;

	if ((rc = mdb_txn_begin(s->env, NULL, MDB_RDONLY, &txn)) != 0)
		return store_map_err(rc);
	s->have_faults = 1;
	s->have_checked = 1;
	if (mdb_dbi_open(txn, "held", 0, &s->held) == 0 &&
	    mdb_dbi_open(txn, "evidence", 0, &s->evidence) == 0 &&
	    mdb_dbi_open(txn, "faults", 0, &s->faults) == 0 &&
	    mdb_dbi_open(txn, "checked", 0, &s->checked) == 0)
		return store_map_err(mdb_txn_commit(txn));
	mdb_txn_abort(txn);
	if ((rc = mdb_txn_begin(s->env, NULL, 0, &txn)) != 0)
		return store_map_err(rc);
	if ((rc = mdb_dbi_open(txn, "held", MDB_CREATE, &s->held)) != 0 ||
	    (rc = mdb_dbi_open(txn, "evidence", MDB_CREATE,
	    &s->evidence)) != 0 ||
	    (rc = mdb_dbi_open(txn, "faults", MDB_CREATE, &s->faults)) != 0 ||
	    (rc = mdb_dbi_open(txn, "checked", MDB_CREATE,
	    &s->checked)) != 0) {
		mdb_txn_abort(txn);
		return store_map_err(rc);
	}
	return commit_top(s, txn);
}

/* The kinds index's stamp row: 00 -> u64 number of entries it covers. */
static const unsigned char kinds_stamp_key[1] = { 0 };

int
store_kind_indexed(unsigned kind)
{
	switch (kind) {
	case ENTRY_K_NOTE:
	case ENTRY_K_STATEMENT:
	case ENTRY_K_PROPOSAL:
	case ENTRY_K_DECISION:
		return 0;
	default:
		return entry_kind_known(kind);
	}
}

static void
kind_key(unsigned char out[STORE_KIND_BYTES], unsigned kind, uint64_t clock,
    const unsigned char *author)
{
	out[0] = (unsigned char)kind;
	store_order_key(out + 1, clock, author);
}

/* kinds_stamp_put() - say that the kinds index covers the entries now. */
static int
kinds_stamp_put(MDB_txn *txn, store *s)
{
	unsigned char v[8];
	MDB_val k = { sizeof kinds_stamp_key, (void *)kinds_stamp_key };
	MDB_val d = { sizeof v, v };
	MDB_stat st;
	int rc;

	if ((rc = mdb_stat(txn, s->entries, &st)) != 0)
		return store_map_err(rc);
	store_be64(v, st.ms_entries);
	return store_map_err(mdb_put(txn, s->kinds, &k, &d, 0));
}

/* kinds_current() - 1 if the kinds index's stamp matches the entries. */
static int
kinds_current(MDB_txn *txn, store *s)
{
	MDB_val k = { sizeof kinds_stamp_key, (void *)kinds_stamp_key }, d;
	MDB_stat st;

	if (mdb_get(txn, s->kinds, &k, &d) != 0 || d.mv_size != 8 ||
	    mdb_stat(txn, s->entries, &st) != 0)
		return 0;
	return store_get_be64(d.mv_data) == (uint64_t)st.ms_entries;
}

/*
 * kinds_build() - empty the kinds index and fill it again from the
 * entries database itself, in the write transaction txn.  Rows that do
 * not parse are left out: they are not the index's business, and
 * verification reports them.
 */
static int
kinds_build(MDB_txn *txn, store *s)
{
	unsigned char kk[STORE_KIND_BYTES], kval[STORE_KIND_VALUE_BYTES];
	MDB_cursor *c = NULL;
	MDB_val k, d, kv, hv;
	entry e;
	int rc;

	if ((rc = mdb_drop(txn, s->kinds, 0)) != 0)
		return store_map_err(rc);
	if ((rc = mdb_cursor_open(txn, s->entries, &c)) != 0)
		return store_map_err(rc);
	rc = mdb_cursor_get(c, &k, &d, MDB_FIRST);
	while (rc == 0) {
		if (entry_parse(&e, d.mv_data, d.mv_size) == 0 &&
		    store_kind_indexed(e.kind)) {
			entry_hash(kval, d.mv_data, d.mv_size);
			store_be64(kval + ENTRY_HASH_BYTES, e.seq);
			kind_key(kk, e.kind, e.clock, e.author);
			kv.mv_size = sizeof kk;
			kv.mv_data = kk;
			hv.mv_size = sizeof kval;
			hv.mv_data = kval;
			rc = mdb_put(txn, s->kinds, &kv, &hv, MDB_NOOVERWRITE);
			if (rc != 0 && rc != MDB_KEYEXIST)
				break;
		}
		rc = mdb_cursor_get(c, &k, &d, MDB_NEXT);
	}
	mdb_cursor_close(c);
	if (rc != MDB_NOTFOUND)
		return store_map_err(rc);
	return kinds_stamp_put(txn, s);
}

/*
 * open_kinds() - open the kinds index; when a store has none, or its
 * stamp is stale, build it in a write transaction of its own (which
 * looks again: another process may have built it meanwhile).
 */
static int
open_kinds(store *s)
{
	MDB_txn *txn = NULL;
	int rc;

	if ((rc = mdb_txn_begin(s->env, NULL, MDB_RDONLY, &txn)) != 0)
		return store_map_err(rc);
	if (mdb_dbi_open(txn, "kinds", 0, &s->kinds) == 0 &&
	    kinds_current(txn, s))
		return store_map_err(mdb_txn_commit(txn));
	mdb_txn_abort(txn);
	if ((rc = mdb_txn_begin(s->env, NULL, 0, &txn)) != 0)
		return store_map_err(rc);
	if ((rc = mdb_dbi_open(txn, "kinds", MDB_CREATE, &s->kinds)) != 0 ||
	    (!kinds_current(txn, s) && (rc = kinds_build(txn, s)) != 0)) {
		mdb_txn_abort(txn);
		return rc > 0 ? store_map_err(rc) : rc;
	}
	return commit_top(s, txn);
}

/* The side indexes of a read-only store: there, and up to date. */
static int
open_rdonly_dbs(store *s)
{
	MDB_txn *txn = NULL;
	int rc;

	if ((rc = mdb_txn_begin(s->env, NULL, MDB_RDONLY, &txn)) != 0)
		return store_map_err(rc);
	if (mdb_dbi_open(txn, "held", 0, &s->held) != 0 ||
	    mdb_dbi_open(txn, "evidence", 0, &s->evidence) != 0 ||
	    mdb_dbi_open(txn, "kinds", 0, &s->kinds) != 0 ||
	    !kinds_current(txn, s)) {
		mdb_txn_abort(txn);
		return DT_EVERSION;
	}
	/* Member faults came later still: a store without them has none. */
	s->have_faults = mdb_dbi_open(txn, "faults", 0, &s->faults) == 0;
	/* ...and so did the verified control entries. */
	s->have_checked = mdb_dbi_open(txn, "checked", 0, &s->checked) == 0;
	return store_map_err(mdb_txn_commit(txn));
}

int
store_open(store **out, const char *dir, int create)
{
	store *s = NULL;
	MDB_txn *txn = NULL;
	struct stat sb;
	int rdonly = create == STORE_OPEN_READONLY;
	unsigned int dbflags;
	int rc;

	*out = NULL;
	if (rdonly)
		create = 0;
	dbflags = create ? MDB_CREATE : 0;
	if ((s = calloc(1, sizeof *s)) == NULL ||
	    (s->path = strdup(dir)) == NULL) {
		rc = DT_ENOMEM;
		goto out;
	}
	if (create) {
		if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
			rc = errno == ENOSPC ? DT_ENOSPC : DT_EIO;
			goto out;
		}
		{
			char f[4096];

			snprintf(f, sizeof f, "%s/data.mdb", dir);
			if (stat(f, &sb) == 0) {
				rc = DT_EEXIST;
				goto out;
			}
		}
	} else if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		rc = DT_ENOENT;
		goto out;
	} else {
		char f[4096];

		snprintf(f, sizeof f, "%s/data.mdb", dir);
		if (stat(f, &sb) != 0) {
			rc = DT_ENOENT;
			goto out;
		}
	}
	if ((rc = store_map_err(mdb_env_create(&s->env))) != 0)
		goto out;
	/* Fails only where LMDB was built without assertions. */
	(void)mdb_env_set_assert(s->env, store_assert);
	if ((rc = store_map_err(mdb_env_set_maxdbs(s->env, 16))) != 0 ||
	    (rc = store_map_err(mdb_env_set_mapsize(s->env, STORE_MAPSIZE))) != 0)
		goto out;
	if (!rdonly && (rc = lock_reserve(dir)) != 0)
		goto out;
	/* MDB_NOTLS: a UI thread and a reader may share one process. */
	rc = mdb_env_open(s->env, dir, MDB_NOTLS | (rdonly ? MDB_RDONLY : 0),
	    0600);
	/* A read-only medium takes no lock file, and has no writer. */
	if (rdonly && (rc == EACCES || rc == EROFS)) {
		mdb_env_close(s->env);
		s->env = NULL;
		if ((rc = store_map_err(mdb_env_create(&s->env))) != 0)
			goto out;
		(void)mdb_env_set_assert(s->env, store_assert);
		if ((rc = store_map_err(mdb_env_set_maxdbs(s->env, 16))) != 0 ||
		    (rc = store_map_err(mdb_env_set_mapsize(s->env,
		    STORE_MAPSIZE))) != 0)
			goto out;
		rc = mdb_env_open(s->env, dir, MDB_NOTLS | MDB_RDONLY |
		    MDB_NOLOCK, 0600);
	}
	if (rc != 0) {
		rc = (rc == ENOENT && !create) ? DT_ENOENT : store_map_err(rc);
		goto out;
	}
	if (!create && ((rc = check_size(s)) != 0 ||
	    (rc = check_meta(s)) != 0))
		goto out;
	if ((rc = store_map_err(mdb_txn_begin(s->env, NULL,
	    create ? 0 : MDB_RDONLY, &txn))) != 0)
		goto out;
	if ((rc = mdb_dbi_open(txn, "entries", dbflags, &s->entries)) != 0 ||
	    (rc = mdb_dbi_open(txn, "hashes", dbflags, &s->hashes)) != 0 ||
	    (rc = mdb_dbi_open(txn, "order", dbflags, &s->order)) != 0 ||
	    (rc = mdb_dbi_open(txn, "control", dbflags, &s->control)) != 0 ||
	    (rc = mdb_dbi_open(txn, "heads", dbflags, &s->heads)) != 0 ||
	    (rc = mdb_dbi_open(txn, "meta", dbflags, &s->meta)) != 0) {
		rc = rc == MDB_NOTFOUND ? DT_ECORRUPT : store_map_err(rc);
		goto out;
	}
	if (create && ((rc = mdb_dbi_open(txn, "held", MDB_CREATE,
	    &s->held)) != 0 || (rc = mdb_dbi_open(txn, "evidence", MDB_CREATE,
	    &s->evidence)) != 0 || (rc = mdb_dbi_open(txn, "faults",
	    MDB_CREATE, &s->faults)) != 0 || (rc = mdb_dbi_open(txn, "kinds",
	    MDB_CREATE, &s->kinds)) != 0 || (rc = mdb_dbi_open(txn, "checked",
	    MDB_CREATE, &s->checked)) != 0 || (rc = kinds_stamp_put(txn,
	    s)) != 0)) {
		rc = store_map_err(rc);
		goto out;
	}
	if (create) {
		unsigned char v[4] = { 0, 0, 0, STORE_FORMAT };
		MDB_val k = { 6, (void *)"format" }, d = { 4, v };

		if ((rc = store_map_err(mdb_put(txn, s->meta, &k, &d,
		    MDB_NOOVERWRITE))) != 0)
			goto out;
		rc = commit_top(s, txn);
		txn = NULL;
		if (rc != 0)
			goto out;
		s->have_faults = 1;
		s->have_checked = 1;
	} else {
		MDB_val k = { 6, (void *)"format" }, d;
		const unsigned char *v;

		if ((rc = mdb_get(txn, s->meta, &k, &d)) != 0) {
			rc = DT_ECORRUPT;
			goto out;
		}
		v = d.mv_data;
		if (d.mv_size != 4) {
			rc = DT_ECORRUPT;
			goto out;
		}
		if (v[0] != 0 || v[1] != 0 || v[2] != 0 ||
		    v[3] != STORE_FORMAT) {
			rc = DT_EVERSION;
			goto out;
		}
		/* Commit, not abort: an aborted txn closes its new DBIs. */
		rc = store_map_err(mdb_txn_commit(txn));
		txn = NULL;
		if (rc != 0)
			goto out;
		if (rdonly) {
			s->rdonly = 1;
			rc = open_rdonly_dbs(s);
		}
		else if ((rc = open_side_dbs(s)) == 0)
			rc = open_kinds(s);
		if (rc != 0)
			goto out;
	}
	*out = s;
	s = NULL;
	rc = 0;
out:
	if (txn != NULL)
		mdb_txn_abort(txn);
	store_close(s);
	return rc;
}

void
store_close(store *s)
{
	if (s == NULL)
		return;
	if (s->env != NULL)
		mdb_env_close(s->env);
	free(s->path);
	free(s);
}

const char *
store_path(const store *s)
{
	return s->path;
}

int
store_readonly(const store *s)
{
	return s->rdonly;
}

int
store_txn_begin(store_txn **out, store *s, int write)
{
	store_txn *t;
	int rc;

	*out = NULL;
	if ((t = calloc(1, sizeof *t)) == NULL)
		return DT_ENOMEM;
	t->s = s;
	t->rdonly = !write;
	if ((rc = mdb_txn_begin(s->env, NULL, write ? 0 : MDB_RDONLY,
	    &t->txn)) != 0) {
		free(t);
		return store_map_err(rc);
	}
	*out = t;
	return 0;
}

int
store_txn_begin_nested(store_txn **out, store_txn *parent)
{
	store_txn *t;
	int rc;

	*out = NULL;
	if ((t = calloc(1, sizeof *t)) == NULL)
		return DT_ENOMEM;
	t->s = parent->s;
	t->nested = 1;
	if ((rc = mdb_txn_begin(t->s->env, parent->txn, 0, &t->txn)) != 0) {
		free(t);
		return store_map_err(rc);
	}
	*out = t;
	return 0;
}

int
store_txn_commit(store_txn *t)
{
	store *s = t->s;
	int rc, top = !t->rdonly && !t->nested;

	probes_close(t);
	/* once per transaction, not once per entry */
	if (t->stamp && (rc = kinds_stamp_put(t->txn, t->s)) != 0) {
		mdb_txn_abort(t->txn);
		free(t);
		return rc;
	}
	if (top)
		rc = commit_top(s, t->txn);
	else if ((rc = store_map_err(mdb_txn_commit(t->txn))) == DT_EIO &&
	    disk_nearly_full(s->path))
		rc = DT_ENOSPC;
	free(t);
	return rc;
}

int
store_txn_renew_unsynced(store_txn **t)
{
	store *s = (*t)->s;
	int rc, rc2;

	if ((rc = store_map_err(mdb_env_set_flags(s->env, MDB_NOSYNC, 1))) != 0) {
		store_txn_abort(*t);
		*t = NULL;
		return rc;
	}
	rc = store_txn_commit(*t);
	*t = NULL;
	rc2 = store_map_err(mdb_env_set_flags(s->env, MDB_NOSYNC, 0));
	if (rc == 0)
		rc = rc2;
	if (rc == 0)
		rc = store_txn_begin(t, s, 1);
	return rc;
}

void
store_txn_abort(store_txn *t)
{
	if (t == NULL)
		return;
	probes_close(t);
	mdb_txn_abort(t->txn);
	free(t);
}

int
store_dialogue(store_txn *t, unsigned char id[ENTRY_HASH_BYTES])
{
	MDB_val k = { 8, (void *)"dialogue" }, d;
	int rc;

	if ((rc = mdb_get(t->txn, t->s->meta, &k, &d)) != 0)
		return store_map_err(rc);
	if (d.mv_size != ENTRY_HASH_BYTES)
		return DT_ECORRUPT;
	memcpy(id, d.mv_data, ENTRY_HASH_BYTES);
	return 0;
}

int
store_set_dialogue(store_txn *t, const unsigned char id[ENTRY_HASH_BYTES])
{
	MDB_val k = { 8, (void *)"dialogue" };
	MDB_val d = { ENTRY_HASH_BYTES, (void *)id };
	int rc = mdb_put(t->txn, t->s->meta, &k, &d, MDB_NOOVERWRITE);

	return rc == MDB_KEYEXIST ? DT_EEXIST : store_map_err(rc);
}

static void
feed_key(unsigned char k[STORE_KEY_BYTES], const unsigned char *author,
    uint64_t seq)
{
	memcpy(k, author, KEY_PK_BYTES);
	store_be64(k + KEY_PK_BYTES, seq);
}

void
store_order_key(unsigned char out[STORE_ORDER_BYTES], uint64_t clock,
    const unsigned char author[KEY_PK_BYTES])
{
	store_be64(out, clock);
	memcpy(out + 8, author, KEY_PK_BYTES);
}

#define HEAD_VALUE_BYTES (8U + ENTRY_HASH_BYTES + 8U + 8U)

static void
head_decode(store_head *h, const unsigned char *author, const MDB_val *d)
{
	const unsigned char *v = d->mv_data;

	memcpy(h->author, author, KEY_PK_BYTES);
	h->next_seq = store_get_be64(v);
	memcpy(h->hash, v + 8, ENTRY_HASH_BYTES);
	h->clock = store_get_be64(v + 40);
	h->verified = store_get_be64(v + 48);
}

int
store_head_get(store_head *h, store_txn *t,
    const unsigned char author[KEY_PK_BYTES])
{
	MDB_val k = { KEY_PK_BYTES, (void *)author }, d;
	int rc;

	if ((rc = mdb_get(t->txn, t->s->heads, &k, &d)) != 0)
		return store_map_err(rc);
	if (d.mv_size != HEAD_VALUE_BYTES)
		return DT_ECORRUPT;
	head_decode(h, author, &d);
	return 0;
}

static int
head_put(store_txn *t, const store_head *h)
{
	unsigned char v[HEAD_VALUE_BYTES];
	MDB_val k = { KEY_PK_BYTES, (void *)h->author }, d = { sizeof v, v };

	store_be64(v, h->next_seq);
	memcpy(v + 8, h->hash, ENTRY_HASH_BYTES);
	store_be64(v + 40, h->clock);
	store_be64(v + 48, h->verified);
	return store_map_err(mdb_put(t->txn, t->s->heads, &k, &d, 0));
}

int
store_head_set_verified(store_txn *t,
    const unsigned char author[KEY_PK_BYTES], uint64_t verified)
{
	store_head h;
	int rc;

	if ((rc = store_head_get(&h, t, author)) != 0)
		return rc;
	if (verified > h.next_seq)
		return DT_EINVAL;
	h.verified = verified;
	return head_put(t, &h);
}

int
store_put(store_txn *t, const entry *e,
    const unsigned char hash[ENTRY_HASH_BYTES])
{
	return store_put_flags(t, e, hash, 0);
}

int
store_hashes_reset(store_txn *t)
{
	return store_map_err(mdb_drop(t->txn, t->s->hashes, 0));
}

int
store_hash_append(store_txn *t, const unsigned char hash[ENTRY_HASH_BYTES],
    const unsigned char place[STORE_KEY_BYTES])
{
	MDB_val k = { ENTRY_HASH_BYTES, (void *)hash };
	MDB_val d = { STORE_KEY_BYTES, (void *)place };
	int rc = mdb_put(t->txn, t->s->hashes, &k, &d, MDB_APPEND);

	/* Not above the last key: out of order, or the same hash twice. */
	return rc == MDB_KEYEXIST ? DT_ECORRUPT : store_map_err(rc);
}

int
store_put_flags(store_txn *t, const entry *e,
    const unsigned char hash[ENTRY_HASH_BYTES], unsigned flags)
{
	unsigned char fk[STORE_KEY_BYTES], ok[STORE_ORDER_BYTES];
	MDB_val k, d;
	store_head h;
	int rc;

	feed_key(fk, e->author, e->seq);
	k.mv_size = sizeof fk;
	k.mv_data = fk;
	d.mv_size = e->len;
	d.mv_data = (void *)e->bytes;
	rc = mdb_put(t->txn, t->s->entries, &k, &d, MDB_NOOVERWRITE);
	if (rc == MDB_KEYEXIST) {
		/* d now holds the stored bytes: the same entry, or a fork. */
		if (d.mv_size == e->len && memcmp(d.mv_data, e->bytes,
		    e->len) == 0)
			return DT_EEXIST;
		return DT_EFORK;
	}
	if (rc != 0)
		return store_map_err(rc);
	k.mv_size = ENTRY_HASH_BYTES;
	k.mv_data = (void *)hash;
	d.mv_size = sizeof fk;
	d.mv_data = fk;
	if (!(flags & STORE_PUT_NO_HASH) && (rc = mdb_put(t->txn,
	    t->s->hashes, &k, &d, MDB_NOOVERWRITE)) != 0)
		return rc == MDB_KEYEXIST ? DT_ECORRUPT : store_map_err(rc);
	store_order_key(ok, e->clock, e->author);
	k.mv_size = sizeof ok;
	k.mv_data = ok;
	d.mv_size = ENTRY_HASH_BYTES;
	d.mv_data = (void *)hash;
	if ((rc = mdb_put(t->txn, t->s->order, &k, &d, MDB_NOOVERWRITE)) != 0)
		return rc == MDB_KEYEXIST ? DT_ECLOCK : store_map_err(rc);
	if (!entry_kind_is_content(e->kind) && (rc = mdb_put(t->txn,
	    t->s->control, &k, &d, MDB_NOOVERWRITE)) != 0)
		return rc == MDB_KEYEXIST ? DT_ECLOCK : store_map_err(rc);
	if (store_kind_indexed(e->kind)) {
		unsigned char kk[STORE_KIND_BYTES];
		unsigned char kval[STORE_KIND_VALUE_BYTES];

		kind_key(kk, e->kind, e->clock, e->author);
		memcpy(kval, hash, ENTRY_HASH_BYTES);
		store_be64(kval + ENTRY_HASH_BYTES, e->seq);
		k.mv_size = sizeof kk;
		k.mv_data = kk;
		d.mv_size = sizeof kval;
		d.mv_data = kval;
		if ((rc = mdb_put(t->txn, t->s->kinds, &k, &d,
		    MDB_NOOVERWRITE)) != 0)
			return rc == MDB_KEYEXIST ? DT_ECLOCK : store_map_err(rc);
	}
	t->stamp = 1;
	rc = store_head_get(&h, t, e->author);
	if (rc == DT_ENOENT) {
		memset(&h, 0, sizeof h);
		memcpy(h.author, e->author, KEY_PK_BYTES);
	} else if (rc != 0)
		return rc;
	if (e->seq != h.next_seq)
		return DT_ECHAIN;
	h.next_seq = e->seq + 1;
	memcpy(h.hash, hash, ENTRY_HASH_BYTES);
	h.clock = e->clock;
	return head_put(t, &h);
}

int
store_get(unsigned char **bytes, size_t *len, store_txn *t,
    const unsigned char author[KEY_PK_BYTES], uint64_t seq)
{
	unsigned char fk[STORE_KEY_BYTES];
	MDB_val k = { sizeof fk, fk }, d;
	int rc;

	*bytes = NULL;
	*len = 0;
	feed_key(fk, author, seq);
	if ((rc = mdb_get(t->txn, t->s->entries, &k, &d)) != 0)
		return store_map_err(rc);
	if ((*bytes = malloc(d.mv_size ? d.mv_size : 1)) == NULL)
		return DT_ENOMEM;
	memcpy(*bytes, d.mv_data, d.mv_size);
	*len = d.mv_size;
	return 0;
}

/*
 * probe_fixed() - the fixed header fields of stored bytes can be read in
 * place (clock at 80, prev at 96: docs/FORMAT.md, "Entry"); the walk
 * parses the whole entry when it reaches it.
 */
static int
probe_fixed(const MDB_val *d)
{
	return d->mv_size >= ENTRY_FIXED_BYTES &&
	    memcmp(d->mv_data, ENTRY_MAGIC, 4) == 0;
}

int
store_ref_probe(uint64_t *clock, unsigned char hash[ENTRY_HASH_BYTES],
    store_txn *t, const unsigned char author[KEY_PK_BYTES], uint64_t seq)
{
	unsigned char fk[STORE_KEY_BYTES];
	MDB_val k = { sizeof fk, fk }, d;
	store_head h;
	int rc;

	if (seq == UINT64_MAX)
		return DT_ECORRUPT;
	feed_key(fk, author, seq);
	if (t->rdonly) {
		MDB_cursor *c = NULL;
		unsigned i;

		for (i = 0; i < t->nprobe; i++)
			if (memcmp(t->probe_author[i], author,
			    KEY_PK_BYTES) == 0) {
				c = t->probe[i];
				break;
			}
		if (c == NULL) {
			if (t->nprobe < PROBE_CURSORS)
				i = t->nprobe++;
			else {
				i = t->probe_next++ % PROBE_CURSORS;
				mdb_cursor_close(t->probe[i]);
			}
			if ((rc = mdb_cursor_open(t->txn, t->s->entries,
			    &t->probe[i])) != 0) {
				t->probe[i] = t->probe[--t->nprobe];
				return store_map_err(rc);
			}
			memcpy(t->probe_author[i], author, KEY_PK_BYTES);
			c = t->probe[i];
			t->probe_at[i] = UINT64_MAX;
		}
		/*
		 * A walk probes a feed's entries in ascending order: the
		 * cursor often sits on the very entry asked for already.
		 */
		rc = MDB_NOTFOUND;
		if (t->probe_at[i] == seq &&
		    (rc = mdb_cursor_get(c, &k, &d, MDB_GET_CURRENT)) == 0 &&
		    (k.mv_size != STORE_KEY_BYTES ||
		    memcmp(k.mv_data, fk, STORE_KEY_BYTES) != 0))
			rc = MDB_NOTFOUND;
		t->probe_at[i] = UINT64_MAX;
		if (rc != 0) {
			k.mv_size = sizeof fk;
			k.mv_data = fk;
			if ((rc = mdb_cursor_get(c, &k, &d, MDB_SET_KEY)) != 0)
				return store_map_err(rc);
		}
		if (!probe_fixed(&d))
			return DT_ECORRUPT;
		*clock = store_get_be64((const unsigned char *)d.mv_data + 80);
		rc = mdb_cursor_get(c, &k, &d, MDB_NEXT);
		if (rc == 0 && k.mv_size == STORE_KEY_BYTES &&
		    memcmp(k.mv_data, author, KEY_PK_BYTES) == 0 &&
		    store_get_be64((const unsigned char *)k.mv_data +
		    KEY_PK_BYTES) == seq + 1) {
			if (!probe_fixed(&d))
				return DT_ECORRUPT;
			memcpy(hash, (const unsigned char *)d.mv_data + 96,
			    ENTRY_HASH_BYTES);
			t->probe_at[i] = seq + 1;
			return 0;
		}
		if (rc != 0 && rc != MDB_NOTFOUND)
			return store_map_err(rc);
	} else {
		/*
		 * References mostly name the newest entry of a feed, whose
		 * hash and clock its head row holds (store_put() writes them
		 * in the same transaction): one small row, not two lookups
		 * in the largest table.
		 */
		rc = store_head_get(&h, t, author);
		if (rc == 0 && h.next_seq == seq + 1) {
			*clock = h.clock;
			memcpy(hash, h.hash, ENTRY_HASH_BYTES);
			return 0;
		}
		if (rc != 0 && rc != DT_ENOENT)
			return rc;
		if ((rc = mdb_get(t->txn, t->s->entries, &k, &d)) != 0)
			return store_map_err(rc);
		if (!probe_fixed(&d))
			return DT_ECORRUPT;
		*clock = store_get_be64((const unsigned char *)d.mv_data + 80);
		feed_key(fk, author, seq + 1);
		if ((rc = mdb_get(t->txn, t->s->entries, &k, &d)) == 0) {
			if (!probe_fixed(&d))
				return DT_ECORRUPT;
			memcpy(hash, (const unsigned char *)d.mv_data + 96,
			    ENTRY_HASH_BYTES);
			return 0;
		}
		if (rc != MDB_NOTFOUND)
			return store_map_err(rc);
	}
	/* The last entry of its feed: the head row names it. */
	if ((rc = store_head_get(&h, t, author)) != 0)
		return rc == DT_ENOENT ? DT_ECORRUPT : rc;
	if (h.next_seq != seq + 1)
		return DT_ECORRUPT;
	memcpy(hash, h.hash, ENTRY_HASH_BYTES);
	return 0;
}

int
store_locate(unsigned char author[KEY_PK_BYTES], uint64_t *seq,
    store_txn *t, const unsigned char hash[ENTRY_HASH_BYTES])
{
	MDB_val k = { ENTRY_HASH_BYTES, (void *)hash }, d;
	int rc;

	if ((rc = mdb_get(t->txn, t->s->hashes, &k, &d)) != 0)
		return store_map_err(rc);
	if (d.mv_size != STORE_KEY_BYTES)
		return DT_ECORRUPT;
	memcpy(author, d.mv_data, KEY_PK_BYTES);
	*seq = store_get_be64((const unsigned char *)d.mv_data + KEY_PK_BYTES);
	return 0;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
store_find_prefix(unsigned char hash[ENTRY_HASH_BYTES], store_txn *t,
    const char *prefix)
{
	unsigned char lo[ENTRY_HASH_BYTES] = { 0 };
	size_t n = strlen(prefix), i, found = 0;
	MDB_cursor *c = NULL;
	MDB_val k, d;
	int rc;

	if (n < 4 || n > 2 * ENTRY_HASH_BYTES)
		return DT_EINVAL;
	for (i = 0; i < n; i++) {
		int v = hexval((unsigned char)prefix[i]);

		if (v < 0)
			return DT_EINVAL;
		lo[i / 2] |= (unsigned char)(i % 2 ? v : v << 4);
	}
	if ((rc = store_map_err(mdb_cursor_open(t->txn, t->s->hashes, &c))) != 0)
		return rc;
	k.mv_size = sizeof lo;
	k.mv_data = lo;
	rc = mdb_cursor_get(c, &k, &d, MDB_SET_RANGE);
	while (rc == 0) {
		const unsigned char *h = k.mv_data;
		int match = k.mv_size == ENTRY_HASH_BYTES;

		for (i = 0; match && i < n; i++) {
			int v = (i % 2) ? (h[i / 2] & 0x0f) : (h[i / 2] >> 4);

			match = v == hexval((unsigned char)prefix[i]);
		}
		if (!match)
			break;
		if (++found > 1)
			break;
		memcpy(hash, h, ENTRY_HASH_BYTES);
		rc = mdb_cursor_get(c, &k, &d, MDB_NEXT);
	}
	mdb_cursor_close(c);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return store_map_err(rc);
	if (found == 0)
		return DT_ENOENT;
	return found > 1 ? DT_EAMBIG : 0;
}

int
store_heads(store_head **out, size_t *n, store_txn *t)
{
	MDB_cursor *c = NULL;
	MDB_val k, d;
	store_head *v = NULL, *nv;
	size_t len = 0, cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = store_map_err(mdb_cursor_open(t->txn, t->s->heads, &c))) != 0)
		return rc;
	while ((rc = mdb_cursor_get(c, &k, &d, len ? MDB_NEXT : MDB_FIRST))
	    == 0) {
		if (k.mv_size != KEY_PK_BYTES || d.mv_size != HEAD_VALUE_BYTES) {
			rc = DT_ECORRUPT;
			goto out;
		}
		if (len == cap) {
			cap = cap ? 2 * cap : 8;
			if ((nv = realloc(v, cap * sizeof *v)) == NULL) {
				rc = DT_ENOMEM;
				goto out;
			}
			v = nv;
		}
		head_decode(&v[len++], k.mv_data, &d);
	}
	if (rc != MDB_NOTFOUND) {
		rc = store_map_err(rc);
		goto out;
	}
	*out = v;
	*n = len;
	v = NULL;
	rc = 0;
out:
	mdb_cursor_close(c);
	free(v);
	return rc;
}

int
store_check_heads(store_txn *t)
{
	unsigned char fk[STORE_KEY_BYTES], h[ENTRY_HASH_BYTES];
	store_head *heads = NULL;
	MDB_val k = { sizeof fk, fk }, d;
	size_t n = 0, i;
	entry e;
	int rc;

	if ((rc = store_heads(&heads, &n, t)) != 0)
		return rc;
	for (i = 0; i < n && rc == 0; i++) {
		if (heads[i].next_seq == 0)
			continue;
		feed_key(fk, heads[i].author, heads[i].next_seq - 1);
		if ((rc = mdb_get(t->txn, t->s->entries, &k, &d)) != 0) {
			rc = rc == MDB_NOTFOUND ? DT_ECORRUPT : store_map_err(rc);
			break;
		}
		entry_hash(h, d.mv_data, d.mv_size);
		if (sodium_memcmp(h, heads[i].hash, ENTRY_HASH_BYTES) != 0)
			rc = DT_EHASH;
		else if (entry_parse(&e, d.mv_data, d.mv_size) != 0 ||
		    e.clock != heads[i].clock)
			rc = DT_ECORRUPT;
	}
	free(heads);
	return rc;
}

int
store_count(uint64_t *n, store_txn *t)
{
	MDB_stat st;
	int rc;

	if ((rc = mdb_stat(t->txn, t->s->entries, &st)) != 0)
		return store_map_err(rc);
	*n = st.ms_entries;
	return 0;
}

int
store_order_count(uint64_t *n, store_txn *t)
{
	MDB_stat st;
	int rc;

	if ((rc = mdb_stat(t->txn, t->s->order, &st)) != 0)
		return store_map_err(rc);
	*n = st.ms_entries;
	return 0;
}

int
store_kind_count(uint64_t *n, store_txn *t)
{
	MDB_stat st;
	int rc;

	if ((rc = mdb_stat(t->txn, t->s->kinds, &st)) != 0)
		return store_map_err(rc);
	*n = st.ms_entries > 0 ? st.ms_entries - 1 : 0; /* less the stamp */
	return 0;
}

int
store_check_kind(store_txn *t, const entry *e,
    const unsigned char hash[ENTRY_HASH_BYTES])
{
	unsigned char kk[STORE_KIND_BYTES];
	MDB_val k = { sizeof kk, kk }, d;

	if (!store_kind_indexed(e->kind))
		return 1;
	kind_key(kk, e->kind, e->clock, e->author);
	if (mdb_get(t->txn, t->s->kinds, &k, &d) != 0)
		return 0;
	return d.mv_size == STORE_KIND_VALUE_BYTES &&
	    memcmp(d.mv_data, hash, ENTRY_HASH_BYTES) == 0 &&
	    store_get_be64((const unsigned char *)d.mv_data +
	    ENTRY_HASH_BYTES) == e->seq;
}

int
store_check_order(store_txn *t, uint64_t clock,
    const unsigned char author[KEY_PK_BYTES],
    const unsigned char hash[ENTRY_HASH_BYTES])
{
	unsigned char ok[STORE_ORDER_BYTES];
	MDB_val k = { sizeof ok, ok }, d;

	store_order_key(ok, clock, author);
	if (mdb_get(t->txn, t->s->order, &k, &d) != 0)
		return 0;
	return d.mv_size == ENTRY_HASH_BYTES &&
	    memcmp(d.mv_data, hash, ENTRY_HASH_BYTES) == 0;
}

/*
 * Look up an entry through the hash index and hand it to cb with its
 * recomputed leaf hash; an index whose hash does not match the bytes it
 * leads to is reported as DT_EHASH rather than passed on.
 */
static int
scan_one(store_txn *t, const unsigned char *hash, int check, store_scan_cb cb,
    void *ctx)
{
	MDB_val k = { ENTRY_HASH_BYTES, (void *)hash }, d;
	unsigned char h[ENTRY_HASH_BYTES];
	int rc;

	if ((rc = mdb_get(t->txn, t->s->hashes, &k, &d)) != 0)
		return rc == MDB_NOTFOUND ? DT_ECORRUPT : store_map_err(rc);
	if (d.mv_size != STORE_KEY_BYTES)
		return DT_ECORRUPT;
	k = d;
	if ((rc = mdb_get(t->txn, t->s->entries, &k, &d)) != 0)
		return rc == MDB_NOTFOUND ? DT_ECORRUPT : store_map_err(rc);
	/* unchecked: the caller checks the hash (store_scan_unchecked()) */
	if (!check)
		return cb(ctx, d.mv_data, d.mv_size, hash);
	entry_hash(h, d.mv_data, d.mv_size);
	if (sodium_memcmp(h, hash, ENTRY_HASH_BYTES) != 0)
		return DT_EHASH;
	return cb(ctx, d.mv_data, d.mv_size, h);
}

static int
scan_index(store_txn *t, MDB_dbi dbi, const unsigned char *from, int reverse,
    int check, store_scan_cb cb, void *ctx)
{
	MDB_cursor *c = NULL;
	MDB_val k, d;
	MDB_cursor_op step = reverse ? MDB_PREV : MDB_NEXT;
	int rc;

	if ((rc = store_map_err(mdb_cursor_open(t->txn, dbi, &c))) != 0)
		return rc;
	if (from == NULL) {
		rc = mdb_cursor_get(c, &k, &d, reverse ? MDB_LAST : MDB_FIRST);
	} else {
		k.mv_size = STORE_ORDER_BYTES;
		k.mv_data = (void *)from;
		rc = mdb_cursor_get(c, &k, &d, MDB_SET_RANGE);
		if (reverse) {
			if (rc == MDB_NOTFOUND)
				rc = mdb_cursor_get(c, &k, &d, MDB_LAST);
			else if (rc == 0 && memcmp(k.mv_data, from,
			    STORE_ORDER_BYTES) > 0)
				rc = mdb_cursor_get(c, &k, &d, MDB_PREV);
		}
	}
	while (rc == 0) {
		if (d.mv_size != ENTRY_HASH_BYTES) {
			rc = DT_ECORRUPT;
			goto out;
		}
		if ((rc = scan_one(t, d.mv_data, check, cb, ctx)) != 0)
			goto out;
		rc = mdb_cursor_get(c, &k, &d, step);
	}
	rc = rc == MDB_NOTFOUND ? 0 : store_map_err(rc);
out:
	mdb_cursor_close(c);
	return rc;
}

int
store_scan(store_txn *t, const unsigned char *from, int reverse,
    store_scan_cb cb, void *ctx)
{
	return scan_index(t, t->s->order, from, reverse, 1, cb, ctx);
}

int
store_scan_unchecked(store_txn *t, store_scan_cb cb, void *ctx)
{
	return scan_index(t, t->s->order, NULL, 0, 0, cb, ctx);
}

int
store_scan_control(store_txn *t, store_scan_cb cb, void *ctx)
{
	return scan_index(t, t->s->control, NULL, 0, 1, cb, ctx);
}

/*
 * kind_one() - the entry a kinds row names, looked up directly under its
 * author (from the key) and seq (from the value), and handed to cb only
 * if the bytes hash to the leaf hash the row holds (else DT_EHASH), as
 * scan_one() does for the other indexes.
 */
static int
kind_one(store_txn *t, const unsigned char *key, const unsigned char *val,
    store_scan_cb cb, void *ctx)
{
	unsigned char fk[STORE_KEY_BYTES], h[ENTRY_HASH_BYTES];
	MDB_val k = { sizeof fk, fk }, d;
	int rc;

	feed_key(fk, key + 1 + 8, store_get_be64(val + ENTRY_HASH_BYTES));
	if ((rc = mdb_get(t->txn, t->s->entries, &k, &d)) != 0)
		return rc == MDB_NOTFOUND ? DT_ECORRUPT : store_map_err(rc);
	entry_hash(h, d.mv_data, d.mv_size);
	if (sodium_memcmp(h, val, ENTRY_HASH_BYTES) != 0)
		return DT_EHASH;
	return cb(ctx, d.mv_data, d.mv_size, h);
}

int
store_scan_kind(store_txn *t, unsigned kind, const unsigned char *from,
    store_scan_cb cb, void *ctx)
{
	unsigned char start[STORE_KIND_BYTES] = { 0 };
	MDB_cursor *c = NULL;
	MDB_val k = { sizeof start, start }, d;
	int rc;

	start[0] = (unsigned char)kind;
	if (from != NULL)
		memcpy(start + 1, from, STORE_ORDER_BYTES);
	if ((rc = store_map_err(mdb_cursor_open(t->txn, t->s->kinds, &c))) != 0)
		return rc;
	rc = mdb_cursor_get(c, &k, &d, MDB_SET_RANGE);
	while (rc == 0) {
		const unsigned char *key = k.mv_data;

		if (k.mv_size == 0 || key[0] != start[0])
			break;
		if (k.mv_size != STORE_KIND_BYTES ||
		    d.mv_size != STORE_KIND_VALUE_BYTES) {
			rc = DT_ECORRUPT;
			goto out;
		}
		if ((rc = kind_one(t, key, d.mv_data, cb, ctx)) != 0)
			goto out;
		rc = mdb_cursor_get(c, &k, &d, MDB_NEXT);
	}
	rc = (rc == 0 || rc == MDB_NOTFOUND) ? 0 : store_map_err(rc);
out:
	mdb_cursor_close(c);
	return rc;
}

int
store_kind_back(unsigned char out[STORE_ORDER_BYTES], int *more,
    store_txn *t, unsigned kind, const unsigned char *before, size_t n)
{
	unsigned char start[STORE_KIND_BYTES];
	MDB_cursor *c = NULL;
	MDB_val k, d;
	size_t got = 0;
	int rc;

	memset(out, 0, STORE_ORDER_BYTES);
	*more = 0;
	start[0] = (unsigned char)kind;
	if (before != NULL)
		memcpy(start + 1, before, STORE_ORDER_BYTES);
	else
		memset(start + 1, 0xff, STORE_ORDER_BYTES);
	k.mv_size = sizeof(start);
	k.mv_data = start;
	if ((rc = store_map_err(mdb_cursor_open(t->txn, t->s->kinds, &c))) != 0)
		return rc;
	/* the first row at or after before, then back from there */
	rc = mdb_cursor_get(c, &k, &d, MDB_SET_RANGE);
	rc = rc == MDB_NOTFOUND ? mdb_cursor_get(c, &k, &d, MDB_LAST) :
	    rc == 0 ? mdb_cursor_get(c, &k, &d, MDB_PREV) : rc;
	while (rc == 0) {
		const unsigned char *key = k.mv_data;

		if (k.mv_size != STORE_KIND_BYTES) {
			rc = DT_ECORRUPT;
			goto out;
		}
		if (key[0] != start[0] || memcmp(key, start, sizeof(start)) >= 0)
			break;
		if (got == n) {
			*more = 1;
			break;
		}
		memcpy(out, key + 1, STORE_ORDER_BYTES);
		got++;
		rc = mdb_cursor_get(c, &k, &d, MDB_PREV);
	}
	if (got < n)
		memset(out, 0, STORE_ORDER_BYTES);
	if (n == 0)
		memcpy(out, start + 1, STORE_ORDER_BYTES);
	rc = (rc == 0 || rc == MDB_NOTFOUND) ? 0 : store_map_err(rc);
out:
	mdb_cursor_close(c);
	return rc;
}

static int
scan_entries(store_txn *t, const unsigned char *author, uint64_t from,
    int one_feed, int hash, store_entry_cb cb, void *ctx)
{
	unsigned char fk[STORE_KEY_BYTES] = { 0 }, h[ENTRY_HASH_BYTES];
	MDB_cursor *c = NULL;
	MDB_val k = { sizeof fk, fk }, d;
	int rc;

	if (author != NULL)
		feed_key(fk, author, from);
	if ((rc = store_map_err(mdb_cursor_open(t->txn, t->s->entries, &c))) != 0)
		return rc;
	rc = mdb_cursor_get(c, &k, &d, MDB_SET_RANGE);
	while (rc == 0) {
		if (k.mv_size != STORE_KEY_BYTES) {
			rc = DT_ECORRUPT;
			goto out;
		}
		if (one_feed && author != NULL &&
		    memcmp(k.mv_data, author, KEY_PK_BYTES) != 0)
			break;
		if (hash)
			entry_hash(h, d.mv_data, d.mv_size);
		if ((rc = cb(ctx, k.mv_data, d.mv_data, d.mv_size,
		    hash ? h : NULL)) != 0)
			goto out;
		rc = mdb_cursor_get(c, &k, &d, MDB_NEXT);
	}
	rc = (rc == 0 || rc == MDB_NOTFOUND) ? 0 : store_map_err(rc);
out:
	mdb_cursor_close(c);
	return rc;
}

int
store_scan_entries(store_txn *t, const unsigned char *author, uint64_t from,
    int one_feed, store_entry_cb cb, void *ctx)
{
	return scan_entries(t, author, from, one_feed, 1, cb, ctx);
}

int
store_scan_raw(store_txn *t, store_entry_cb cb, void *ctx)
{
	return scan_entries(t, NULL, 0, 0, 0, cb, ctx);
}

int
store_txn_readonly(const store_txn *t)
{
	return t->rdonly;
}

int
store_scan_feed_raw(store_txn *t, const unsigned char *author, uint64_t from,
    store_entry_cb cb, void *ctx)
{
	return scan_entries(t, author, from, 1, 0, cb, ctx);
}

int
store_scan_hash(store_txn *t, const unsigned char hash[ENTRY_HASH_BYTES],
    store_scan_cb cb, void *ctx)
{
	return scan_one(t, hash, 1, cb, ctx);
}

uint64_t
store_txnid(store *s)
{
	MDB_txn *t = NULL;
	uint64_t id;

	/*
	 * The snapshot a read transaction gets, not mdb_env_info(): that
	 * reads the meta page, which a commit writes (and syncs) before it
	 * publishes the new snapshot to readers, so a watcher could learn
	 * of a commit, read the older snapshot, find nothing new, and miss
	 * the entry until the next commit.
	 */
	if (mdb_txn_begin(s->env, NULL, MDB_RDONLY, &t) != 0)
		return 0;
	id = (uint64_t)mdb_txn_id(t);
	mdb_txn_abort(t);
	return id;
}
