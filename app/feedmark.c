/*
 * feedmark.c: each identity's last write, kept outside the store, and
 * the check that the store has not gone back behind it (feedmark.h).
 */
#include <sys/file.h>
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../crypto/err.h"
#include "../crypto/keys.h"
#include "../storage/entry.h"
#include "../storage/store.h"
#include "feedmark.h"
#include "home.h"
#include "i18n.h"

/* One line of a marks file. */
struct mark {
	unsigned char dialogue[ENTRY_HASH_BYTES];
	unsigned char author[KEY_PK_BYTES];
	uint64_t size;
	unsigned char hash[ENTRY_HASH_BYTES];
	size_t owner;   /* feedmark_check(): whose file, in its name list */
};

#define MARK_LINE_MAX (3 * 64 + 20 + 8)
#define MARKS_MAX 4096U /* dialogues per identity: more is not a marks file */

static int
marks_path(char *out, size_t outlen, const char *home, const char *name)
{
	int n;

	if (!key_name_valid(name))
		return DT_EINVAL;
	n = snprintf(out, outlen, "%s/identities/%s.marks", home, name);
	return n < 0 || (size_t)n >= outlen ? DT_ERANGE : 0;
}

/* nibble() - the value of a lower-case hex digit, or -1. */
static int
nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static int
unhex(unsigned char *out, const char *s, size_t n)
{
	size_t i;
	int hi, lo;

	for (i = 0; i < n; i++) {
		if ((hi = nibble(s[2 * i])) < 0 ||
		    (lo = nibble(s[2 * i + 1])) < 0)
			return -1;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

/* parse_line() - 0 for a well-formed line (no LF), else -1. */
static int
parse_line(struct mark *m, const char *s)
{
	char *end;

	if (strlen(s) < 64 + 1 + 64 + 1 + 1 + 1 + 64 || s[64] != ' ' ||
	    s[129] != ' ' || unhex(m->dialogue, s, ENTRY_HASH_BYTES) != 0 ||
	    unhex(m->author, s + 65, KEY_PK_BYTES) != 0 ||
	    s[130] < '0' || s[130] > '9' || (s[130] == '0' && s[131] != ' '))
		return -1;
	errno = 0;
	m->size = strtoull(s + 130, &end, 10);
	if (errno != 0 || *end != ' ' || strlen(end + 1) != 64 ||
	    unhex(m->hash, end + 1, ENTRY_HASH_BYTES) != 0 || m->size == 0)
		return -1;
	return 0;
}

/*
 * marks_read() - the lines of a marks file that parse, malloc'd (*out
 * NULL and *n 0 for a missing file).  A line that does not parse is
 * skipped: the marks only ever make a check stricter.
 */
static int
marks_read(struct mark **out, size_t *n, const char *path)
{
	char line[MARK_LINE_MAX + 2];
	struct mark *v = NULL, *nv, m;
	size_t len;
	FILE *f;
	int rc = 0;

	*out = NULL;
	*n = 0;
	if ((f = fopen(path, "re")) == NULL)
		return errno == ENOENT ? 0 : DT_EIO;
	while (fgets(line, sizeof(line), f) != NULL) {
		len = strcspn(line, "\n");
		if (line[len] != '\n') {
			/* too long: skip to the end of the line */
			int c;

			while ((c = fgetc(f)) != EOF && c != '\n')
				;
			continue;
		}
		line[len] = '\0';
		if (parse_line(&m, line) != 0)
			continue;
		if (*n >= MARKS_MAX) {
			rc = DT_ERANGE;
			break;
		}
		if ((nv = realloc(v, (*n + 1) * sizeof(*v))) == NULL) {
			rc = DT_ENOMEM;
			break;
		}
		v = nv;
		v[(*n)++] = m;
	}
	if (ferror(f) && rc == 0)
		rc = DT_EIO;
	fclose(f);
	if (rc != 0) {
		free(v);
		*n = 0;
		return rc;
	}
	*out = v;
	return 0;
}

static void
put_hex(FILE *f, const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		fprintf(f, "%02x", p[i]);
}

/* marks_write() - the lines, to a temporary file renamed over path. */
static int
marks_write(const char *path, const struct mark *v, size_t n)
{
	char tmp[PATH_MAX];
	FILE *f = NULL;
	size_t i;
	int fd, rc = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid()) >=
	    (int)sizeof(tmp))
		return DT_ERANGE;
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) < 0)
		return errno == ENOSPC ? DT_ENOSPC : DT_EIO;
	if ((f = fdopen(fd, "w")) == NULL) {
		close(fd);
		rc = DT_EIO;
		goto out;
	}
	for (i = 0; i < n; i++) {
		put_hex(f, v[i].dialogue, ENTRY_HASH_BYTES);
		fputc(' ', f);
		put_hex(f, v[i].author, KEY_PK_BYTES);
		fprintf(f, " %llu ", (unsigned long long)v[i].size);
		put_hex(f, v[i].hash, ENTRY_HASH_BYTES);
		fputc('\n', f);
	}
	if (fflush(f) != 0 || fsync(fileno(f)) != 0)
		rc = errno == ENOSPC ? DT_ENOSPC : DT_EIO;
	if (fclose(f) != 0 && rc == 0)
		rc = DT_EIO;
	f = NULL;
	if (rc == 0 && rename(tmp, path) != 0)
		rc = DT_EIO;
out:
	if (rc != 0)
		unlink(tmp);
	return rc;
}

/*
 * marks_lock() - an exclusive flock(2) on HOME/identities, the directory
 * of the marks files, for one read-and-rewrite of a marks file: a file
 * replaced by rename() cannot carry the lock itself.  Two processes of
 * the same identity that noted at once could each read the old file and
 * the later rename could put back the smaller size (a lost update: a
 * mark behind the feed, so that a rollback of the entries after it
 * would go unseen).  @return the descriptor for marks_unlock(), or -1
 * (no lock to be had: the note goes on unlocked, as it did before).
 */
static int
marks_lock(const char *home)
{
	char dir[PATH_MAX];
	int fd;

	if (snprintf(dir, sizeof(dir), "%s/identities", home) >=
	    (int)sizeof(dir) || (fd = open(dir, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) < 0)
		return -1;
	while (flock(fd, LOCK_EX) != 0)
		if (errno != EINTR) {
			close(fd);
			return -1;
		}
	return fd;
}

static void
marks_unlock(int fd)
{
	if (fd >= 0)
		close(fd);      /* releases the flock */
}

/*
 * note_locked() - feedmark_note()'s work, under marks_lock(): the head is
 * read under the lock, so that of two notes the later one writes the
 * larger size and marks never go back.
 */
static int
note_locked(struct cli_ctx *ctx, const char *path)
{
	struct mark *v = NULL, *nv, m;
	store_txn *t = NULL;
	store_head h;
	size_t n = 0, i;
	int rc;

	if ((rc = store_txn_begin(&t, record_store(ctx->rec), 0)) != 0)
		return rc;
	rc = store_head_get(&h, t, ctx->id->pk);
	store_txn_abort(t);
	if (rc != 0)
		return rc;
	memset(&m, 0, sizeof(m));
	memcpy(m.dialogue, record_id(ctx->rec), ENTRY_HASH_BYTES);
	memcpy(m.author, ctx->id->pk, KEY_PK_BYTES);
	m.size = h.next_seq;
	memcpy(m.hash, h.hash, ENTRY_HASH_BYTES);
	if ((rc = marks_read(&v, &n, path)) != 0)
		return rc;
	for (i = 0; i < n; i++)
		if (memcmp(v[i].dialogue, m.dialogue, ENTRY_HASH_BYTES) == 0 &&
		    memcmp(v[i].author, m.author, KEY_PK_BYTES) == 0)
			break;
	if (i == n) {
		if ((nv = realloc(v, (n + 1) * sizeof(*v))) == NULL) {
			free(v);
			return DT_ENOMEM;
		}
		v = nv;
		n++;
	}
	v[i] = m;
	rc = marks_write(path, v, n);
	free(v);
	return rc;
}

int
feedmark_note(struct cli_ctx *ctx)
{
	char path[PATH_MAX];
	int fd, rc;

	if (ctx->id == NULL || ctx->rec == NULL || ctx->home == NULL)
		return DT_EINVAL;
	if ((rc = marks_path(path, sizeof(path), ctx->home,
	    ctx->id->name)) != 0)
		return rc;
	fd = marks_lock(ctx->home);
	rc = note_locked(ctx, path);
	marks_unlock(fd);
	return rc;
}

/* check_mark() - one mark of this dialogue against the record's feed. */
static int
check_mark(store_txn *t, const struct mark *m, const char *name,
    record_failure *f)
{
	unsigned char *b = NULL, h[ENTRY_HASH_BYTES];
	store_head hd;
	size_t len;
	int rc;

	rc = store_head_get(&hd, t, m->author);
	if (rc != 0 && rc != DT_ENOENT)
		return rc;
	if (rc == DT_ENOENT)
		hd.next_seq = 0;
	memset(f, 0, sizeof(*f));
	f->has_entry = 1;
	memcpy(f->author, m->author, KEY_PK_BYTES);
	f->seq = m->size - 1;
	f->has_expected = 1;
	memcpy(f->expected, m->hash, ENTRY_HASH_BYTES);
	if (hd.next_seq < m->size) {
		f->code = DT_ESTATE;
		snprintf(f->detail, sizeof(f->detail), _("this replica holds "
		    "%llu entries of %s's feed, but %s wrote %llu from this "
		    "home: the store was rolled back or restored"),
		    (unsigned long long)hd.next_seq, name, name,
		    (unsigned long long)m->size);
		return DT_ESTATE;
	}
	if ((rc = store_get(&b, &len, t, m->author, m->size - 1)) != 0)
		return rc;
	entry_hash(h, b, len);
	free(b);
	if (memcmp(h, m->hash, ENTRY_HASH_BYTES) != 0) {
		f->code = DT_ESTATE;
		memcpy(f->hash, h, ENTRY_HASH_BYTES);
		snprintf(f->detail, sizeof(f->detail), _("%s's entry at this "
		    "place is not the one %s wrote from this home: the store "
		    "was rolled back and written again"), name, name);
		return DT_ESTATE;
	}
	memset(f, 0, sizeof(*f));
	return 0;
}

int
feedmark_check(struct cli_ctx *ctx, record_failure *f)
{
	char path[PATH_MAX], **names = NULL;
	struct mark *v = NULL, *mine = NULL, *nm;
	store_txn *t = NULL;
	size_t nn = 0, n = 0, nmine = 0, i, j;
	int rc;

	memset(f, 0, sizeof(*f));
	if (ctx->home == NULL || ctx->rec == NULL)
		return 0;
	if ((rc = home_identities(&names, &nn, ctx->home)) != 0)
		return rc == DT_ENOENT ? 0 : rc;
	/*
	 * The marks first, the snapshot after: a mark is written only once
	 * its write has committed, so a snapshot begun later holds it.
	 */
	for (i = 0; rc == 0 && i < nn; i++) {
		if (marks_path(path, sizeof(path), ctx->home, names[i]) != 0 ||
		    (rc = marks_read(&v, &n, path)) != 0)
			continue;
		for (j = 0; rc == 0 && j < n; j++) {
			if (memcmp(v[j].dialogue, record_id(ctx->rec),
			    ENTRY_HASH_BYTES) != 0)
				continue;
			if ((nm = realloc(mine, (nmine + 1) *
			    sizeof(*mine))) == NULL) {
				rc = DT_ENOMEM;
				break;
			}
			mine = nm;
			mine[nmine] = v[j];
			mine[nmine++].owner = i;
		}
		free(v);
		v = NULL;
	}
	if (rc == 0 && nmine > 0 &&
	    (rc = store_txn_begin(&t, record_store(ctx->rec), 0)) == 0)
		for (i = 0; rc == 0 && i < nmine; i++)
			rc = check_mark(t, &mine[i], names[mine[i].owner], f);
	if (rc != 0 && f->code == 0) {
		f->code = rc;
		snprintf(f->detail, sizeof(f->detail), _("cannot check the "
		    "feed marks: %s"), _(dt_strerror(rc)));
	}
	store_txn_abort(t);
	free(mine);
	home_names_free(names, nn);
	return rc;
}
