/*
 * runs.c: sorted runs of hash index rows in an unlinked temporary file,
 * merged in one pass (see runs.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../crypto/err.h"
#include "runs.h"

/* A run in the file: where it starts, and how many rows it has. */
struct run {
	off_t at;
	size_t n;
};

struct runs {
	int fd;
	unsigned char *buf;   /* RUNS_ROWS rows, not yet written */
	size_t nbuf;
	struct run *run;
	size_t nrun, caprun;
	off_t end;            /* of the file */
	size_t total;
	int merged;
};

/* A run being merged: its next rows, read RUNS_READ at a time. */
struct cursor {
	const struct run *run;
	size_t done;          /* rows of the run taken */
	unsigned char *rows;
	size_t nrows, next;   /* rows in the buffer, the next one */
};

static int
io_err(void)
{
	return errno == ENOSPC || errno == EDQUOT ? DT_ENOSPC : DT_EIO;
}

static int
row_cmp(const void *a, const void *b)
{
	return memcmp(a, b, ENTRY_HASH_BYTES);
}

int
runs_open(runs **out, const char *dir)
{
	char path[4096];
	runs *r;

	*out = NULL;
	if ((size_t)snprintf(path, sizeof path, "%s/.runs-XXXXXX", dir) >=
	    sizeof path)
		return DT_EINVAL;
	if ((r = calloc(1, sizeof *r)) == NULL ||
	    (r->buf = malloc((size_t)RUNS_ROWS * RUNS_ROW_BYTES)) == NULL) {
		free(r);
		return DT_ENOMEM;
	}
	if ((r->fd = mkstemp(path)) < 0) {
		int rc = io_err();

		free(r->buf);
		free(r);
		return rc;
	}
	(void)unlink(path);
	*out = r;
	return 0;
}

/* flush() - sort the buffer and write it as a run. */
static int
flush(runs *r)
{
	size_t len = r->nbuf * RUNS_ROW_BYTES, off = 0;
	struct run *nr;
	ssize_t w;

	if (r->nbuf == 0)
		return 0;
	if (r->nrun == r->caprun) {
		size_t cap = r->caprun ? 2 * r->caprun : 64;

		if ((nr = realloc(r->run, cap * sizeof *nr)) == NULL)
			return DT_ENOMEM;
		r->run = nr;
		r->caprun = cap;
	}
	qsort(r->buf, r->nbuf, RUNS_ROW_BYTES, row_cmp);
	while (off < len) {
		if ((w = pwrite(r->fd, r->buf + off, len - off,
		    r->end + (off_t)off)) < 0) {
			if (errno == EINTR)
				continue;
			return io_err();
		}
		off += (size_t)w;
	}
	r->run[r->nrun].at = r->end;
	r->run[r->nrun].n = r->nbuf;
	r->nrun++;
	r->end += (off_t)len;
	r->nbuf = 0;
	return 0;
}

int
runs_add(runs *r, const unsigned char hash[ENTRY_HASH_BYTES],
    const unsigned char place[STORE_KEY_BYTES])
{
	unsigned char *row;
	int rc;

	if (r->nbuf == RUNS_ROWS && (rc = flush(r)) != 0)
		return rc;
	row = r->buf + r->nbuf * RUNS_ROW_BYTES;
	memcpy(row, hash, ENTRY_HASH_BYTES);
	memcpy(row + ENTRY_HASH_BYTES, place, STORE_KEY_BYTES);
	r->nbuf++;
	r->total++;
	return 0;
}

size_t
runs_count(const runs *r)
{
	return r->total;
}

/* fill() - the next rows of c's run; 0 with c->nrows 0 at its end. */
static int
fill(const runs *r, struct cursor *c)
{
	size_t want = c->run->n - c->done, len, off = 0;
	ssize_t got;

	if (want > RUNS_READ)
		want = RUNS_READ;
	len = want * RUNS_ROW_BYTES;
	while (off < len) {
		if ((got = pread(r->fd, c->rows + off, len - off, c->run->at +
		    (off_t)(c->done * RUNS_ROW_BYTES + off))) < 0) {
			if (errno == EINTR)
				continue;
			return DT_EIO;
		}
		if (got == 0)
			return DT_EIO; /* the file is shorter than written */
		off += (size_t)got;
	}
	c->done += want;
	c->nrows = want;
	c->next = 0;
	return 0;
}

static const unsigned char *
head(const struct cursor *c)
{
	return c->rows + c->next * RUNS_ROW_BYTES;
}

/* sift() - restore the heap h[0..n) (smallest head first) from i down. */
static void
sift(struct cursor **h, size_t n, size_t i)
{
	struct cursor *tmp;
	size_t l, m;

	for (;;) {
		l = 2 * i + 1;
		if (l >= n)
			return;
		m = l + 1 < n && row_cmp(head(h[l + 1]), head(h[l])) < 0 ?
		    l + 1 : l;
		if (row_cmp(head(h[m]), head(h[i])) >= 0)
			return;
		tmp = h[i];
		h[i] = h[m];
		h[m] = tmp;
		i = m;
	}
}

int
runs_merge(runs *r, int (*cb)(void *ctx,
    const unsigned char hash[ENTRY_HASH_BYTES],
    const unsigned char place[STORE_KEY_BYTES]), void *ctx)
{
	struct cursor *cur = NULL, **h = NULL;
	unsigned char *rows = NULL;
	size_t i, n = 0;
	int rc;

	if (r->merged)
		return DT_EINVAL;
	r->merged = 1;
	if ((rc = flush(r)) != 0)
		return rc;
	if (r->nrun == 0)
		return 0;
	if ((cur = calloc(r->nrun, sizeof *cur)) == NULL ||
	    (h = calloc(r->nrun, sizeof *h)) == NULL ||
	    (rows = malloc(r->nrun * RUNS_READ * RUNS_ROW_BYTES)) == NULL) {
		rc = DT_ENOMEM;
		goto out;
	}
	for (i = 0; i < r->nrun; i++) {
		cur[i].run = &r->run[i];
		cur[i].rows = rows + i * RUNS_READ * RUNS_ROW_BYTES;
		if ((rc = fill(r, &cur[i])) != 0)
			goto out;
		if (cur[i].nrows > 0)
			h[n++] = &cur[i];
	}
	for (i = n; i-- > 0;)
		sift(h, n, i);
	while (n > 0) {
		struct cursor *c = h[0];
		const unsigned char *row = head(c);

		if ((rc = cb(ctx, row, row + ENTRY_HASH_BYTES)) != 0)
			goto out;
		if (++c->next == c->nrows) {
			if ((rc = fill(r, c)) != 0)
				goto out;
			if (c->nrows == 0) {
				h[0] = h[--n];
				if (n == 0)
					break;
			}
		}
		sift(h, n, 0);
	}
	rc = 0;
out:
	free(rows);
	free(h);
	free(cur);
	return rc;
}

void
runs_free(runs *r)
{
	if (r == NULL)
		return;
	if (r->fd >= 0)
		close(r->fd);
	free(r->buf);
	free(r->run);
	free(r);
}
