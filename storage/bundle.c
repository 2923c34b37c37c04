/*
 * bundle.c: bundle and state files (see bundle.h and docs/FORMAT.md).
 *
 * Nothing here judges an entry: a bundle is only a container, and the
 * importer (record_import() in record_import.c) checks every entry it
 * carries with the record's one per-entry check.  This file checks the
 * container's framing and trailer, and picks which stored entries to
 * export.
 */
#include <sys/stat.h>
#include <sys/types.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "../crypto/err.h"
#include "bundle.h"

#define CHUNK 65536U

struct bundle_reader {
	FILE *f;
	unsigned char dialogue[ENTRY_HASH_BYTES];
	uint32_t count;
	uint32_t next;                     /* index of the next entry */
	unsigned char trailer[BUNDLE_TRAILER_BYTES];
	struct stat st;                    /* the file when it was checked */
	unsigned char *buf;                /* the current entry */
	size_t cap;
	/*
	 * BUNDLE_CHECK_LATE: the first pass from the start hashes what it
	 * reads and checks the framing and the trailer as it goes.
	 */
	uint64_t size;                     /* of the file, when opened */
	uint64_t pos;                      /* of the next read */
	int checked;                       /* the whole file was checked */
	int hashing;                       /* this pass hashes the file */
	crypto_hash_sha256_state h;
	const char *why;                   /* why next() or rewind() failed */
};

struct bundle_writer {
	FILE *f;
	uint32_t count;
	uint32_t added;
	crypto_hash_sha256_state h;
};

static void
be32(unsigned char out[4], uint32_t v)
{
	out[0] = (unsigned char)(v >> 24);
	out[1] = (unsigned char)(v >> 16);
	out[2] = (unsigned char)(v >> 8);
	out[3] = (unsigned char)v;
}

static uint32_t
get_be32(const unsigned char in[4])
{
	return (uint32_t)in[0] << 24 | (uint32_t)in[1] << 16 |
	    (uint32_t)in[2] << 8 | (uint32_t)in[3];
}

/* Read exactly n bytes; DT_EFORMAT at a premature end, DT_EIO on error. */
static int
read_full(FILE *f, unsigned char *p, size_t n)
{
	if (n == 0 || fread(p, 1, n, f) == n)
		return 0;
	return ferror(f) ? DT_EIO : DT_EFORMAT;
}

static int
set_why(const char **why, const char *text, int rc)
{
	if (why != NULL)
		*why = text;
	return rc;
}

/*
 * changed() - whether b's file is no longer the file check_file() hashed:
 * another file, another size, or written to since (a write moves the
 * change time, which no caller can set back).  Later passes over the
 * file then need not hash it again: the entries they hand out are
 * verified one by one anyway, and the trailer only detects damage.
 */
static int
changed(const bundle_reader *b)
{
	struct stat now;

	if (fstat(fileno(b->f), &now) != 0)
		return 1;
	return now.st_dev != b->st.st_dev || now.st_ino != b->st.st_ino ||
	    now.st_size != b->st.st_size ||
	    now.st_mtim.tv_sec != b->st.st_mtim.tv_sec ||
	    now.st_mtim.tv_nsec != b->st.st_mtim.tv_nsec ||
	    now.st_ctim.tv_sec != b->st.st_ctim.tv_sec ||
	    now.st_ctim.tv_nsec != b->st.st_ctim.tv_nsec;
}

/*
 * read_head() - the header, from the start of the file of that size: the
 * magic, the version, the size of a header and a trailer, and a count
 * the file can hold; fills b's dialogue and count.
 */
static int
read_head(bundle_reader *b, uint64_t size,
    unsigned char head[BUNDLE_HEADER_BYTES], const char **why)
{
	int rc;

	if (size < 4)
		return set_why(why, "not a bundle file (too short)",
		    DT_EFORMAT);
	if ((rc = read_full(b->f, head, 4)) != 0)
		return set_why(why, "cannot read the bundle header", rc);
	if (memcmp(head, BUNDLE_MAGIC, 3) != 0)
		return set_why(why, "not a bundle file (bad magic)",
		    DT_EFORMAT);
	if (head[3] != (unsigned char)BUNDLE_MAGIC[3])
		return set_why(why, "a bundle format version this build does "
		    "not know", DT_EVERSION);
	if (size < BUNDLE_HEADER_BYTES + BUNDLE_TRAILER_BYTES ||
	    (rc = read_full(b->f, head + 4, BUNDLE_HEADER_BYTES - 4)) != 0)
		return set_why(why, "the file is truncated (shorter than a "
		    "bundle's header and trailer)", DT_EFORMAT);
	memcpy(b->dialogue, head + 4, ENTRY_HASH_BYTES);
	b->count = get_be32(head + 36);
	/* Every entry takes at least 4 + 196 bytes of the file. */
	if ((uint64_t)b->count > (size - BUNDLE_HEADER_BYTES -
	    BUNDLE_TRAILER_BYTES) / (4U + BUNDLE_ENTRY_MIN))
		return set_why(why, "the entry count is larger than the file "
		    "can hold", DT_ERANGE);
	return 0;
}

/*
 * check_file() - the whole-file pass of bundle_reader_open(): framing
 * of every length, exact end, trailer.  Leaves f anywhere.
 */
static int
check_file(bundle_reader *b, uint64_t size, const char **why)
{
	unsigned char head[BUNDLE_HEADER_BYTES], lb[4], md[32], *chunk = NULL;
	crypto_hash_sha256_state h;
	uint32_t i, len;
	size_t n;
	int rc;

	if ((rc = read_head(b, size, head, why)) != 0)
		return rc;
	if ((chunk = malloc(CHUNK)) == NULL)
		return DT_ENOMEM;
	crypto_hash_sha256_init(&h);
	crypto_hash_sha256_update(&h, head, sizeof head);
	for (i = 0; i < b->count; i++) {
		if ((rc = read_full(b->f, lb, 4)) != 0) {
			set_why(why, "the file is truncated (it ends inside "
			    "an entry)", rc);
			goto out;
		}
		len = get_be32(lb);
		if (len < BUNDLE_ENTRY_MIN || len > BUNDLE_ENTRY_MAX) {
			rc = set_why(why, "an entry length is outside the "
			    "limits of the entry format", DT_ERANGE);
			goto out;
		}
		crypto_hash_sha256_update(&h, lb, 4);
		while (len > 0) {
			n = len < CHUNK ? len : CHUNK;
			if ((rc = read_full(b->f, chunk, n)) != 0) {
				set_why(why, "the file is truncated (it ends "
				    "inside an entry)", rc);
				goto out;
			}
			crypto_hash_sha256_update(&h, chunk, n);
			len -= (uint32_t)n;
		}
	}
	if ((rc = read_full(b->f, b->trailer, sizeof b->trailer)) != 0) {
		set_why(why, "the file is truncated (the trailer is missing)",
		    rc);
		goto out;
	}
	if (fgetc(b->f) != EOF) {
		rc = set_why(why, "bytes follow the trailer", DT_EFORMAT);
		goto out;
	}
	crypto_hash_sha256_final(&h, md);
	if (sodium_memcmp(md, b->trailer, sizeof md) != 0) {
		rc = set_why(why, "the trailer does not match the file's "
		    "SHA-256: the file is damaged", DT_EHASH);
		goto out;
	}
	rc = 0;
out:
	free(chunk);
	return rc;
}

/*
 * check_head() - what BUNDLE_CHECK_LATE checks at once: read_head(); and
 * it reads the trailer (the file's last 32 bytes) that the first pass
 * must match.
 */
static int
check_head(bundle_reader *b, uint64_t size, const char **why)
{
	unsigned char head[BUNDLE_HEADER_BYTES];
	int rc;

	if ((rc = read_head(b, size, head, why)) != 0)
		return rc;
	if (fseeko(b->f, (off_t)(size - BUNDLE_TRAILER_BYTES), SEEK_SET) != 0)
		return set_why(why, "cannot read the bundle file", DT_EIO);
	if ((rc = read_full(b->f, b->trailer, sizeof b->trailer)) != 0)
		return set_why(why, "cannot read the bundle's trailer", rc);
	return 0;
}

int
bundle_reader_open(bundle_reader **out, FILE *f, unsigned flags,
    const char **why)
{
	bundle_reader *b = NULL;
	off_t size;
	int rc;

	*out = NULL;
	if (why != NULL)
		*why = NULL;
	if ((b = calloc(1, sizeof *b)) == NULL) {
		if (f != NULL)
			fclose(f);
		return DT_ENOMEM;
	}
	b->f = f;
	if (f == NULL) {
		rc = DT_EINVAL;
		goto out;
	}
	if (fseeko(f, 0, SEEK_END) != 0 || (size = ftello(f)) < 0 ||
	    fseeko(f, 0, SEEK_SET) != 0) {
		rc = set_why(why, "the bundle file cannot be read from the "
		    "start again (not a regular file?)", DT_EIO);
		goto out;
	}
	if (fstat(fileno(f), &b->st) != 0) {
		rc = set_why(why, "cannot read the bundle file", DT_EIO);
		goto out;
	}
	b->size = (uint64_t)size;
	if (flags & BUNDLE_CHECK_LATE)
		rc = check_head(b, b->size, why);
	else if ((rc = check_file(b, b->size, why)) == 0)
		b->checked = 1;
	if (rc != 0)
		goto out;
	/* Written to while it was checked: refuse it. */
	if (changed(b)) {
		rc = set_why(why, "the bundle file changed while it was "
		    "read", DT_EHASH);
		goto out;
	}
	if ((rc = bundle_reader_rewind(b)) != 0) {
		set_why(why, b->why, rc);
		goto out;
	}
	*out = b;
	b = NULL;
out:
	bundle_reader_close(b);
	return rc;
}

int
bundle_reader_check(bundle_reader *b, const char **why)
{
	int rc;

	if (why != NULL)
		*why = NULL;
	if (b->checked)
		return 0;
	if (changed(b))
		return set_why(why, "the bundle file changed while it was "
		    "read", DT_EHASH);
	if (fseeko(b->f, 0, SEEK_SET) != 0)
		return set_why(why, "cannot read the bundle file", DT_EIO);
	if ((rc = check_file(b, b->size, why)) != 0)
		return rc;
	if (changed(b))
		return set_why(why, "the bundle file changed while it was "
		    "read", DT_EHASH);
	b->checked = 1;
	if ((rc = bundle_reader_rewind(b)) != 0)
		return set_why(why, b->why, rc);
	return 0;
}

const char *
bundle_reader_why(const bundle_reader *b)
{
	return b->why;
}

int
bundle_reader_open_path(bundle_reader **out, const char *path,
    unsigned flags, const char **why)
{
	FILE *f;

	*out = NULL;
	if ((f = fopen(path, "rb")) == NULL) {
		if (why != NULL)
			*why = strerror(errno);
		return errno == ENOENT ? DT_ENOENT : DT_EIO;
	}
	return bundle_reader_open(out, f, flags, why);
}

void
bundle_reader_close(bundle_reader *b)
{
	if (b == NULL)
		return;
	if (b->f != NULL)
		fclose(b->f);
	free(b->buf);
	free(b);
}

const unsigned char *
bundle_reader_dialogue(const bundle_reader *b)
{
	return b->dialogue;
}

uint32_t
bundle_reader_count(const bundle_reader *b)
{
	return b->count;
}

/* fail() - note why b failed, for bundle_reader_why(); returns rc. */
static int
fail(bundle_reader *b, const char *why, int rc)
{
	b->why = why;
	return rc;
}

int
bundle_reader_rewind(bundle_reader *b)
{
	unsigned char head[BUNDLE_HEADER_BYTES];
	int rc;

	b->why = NULL;
	if (changed(b))
		return fail(b, "the bundle file changed while it was read",
		    DT_EHASH);
	if (fseeko(b->f, 0, SEEK_SET) != 0)
		return fail(b, "cannot read the bundle file", DT_EIO);
	if ((rc = read_full(b->f, head, sizeof head)) != 0)
		return fail(b, "cannot read the bundle header", rc);
	/* The file changed under us since the check: refuse it. */
	if (memcmp(head + 4, b->dialogue, ENTRY_HASH_BYTES) != 0 ||
	    get_be32(head + 36) != b->count)
		return fail(b, "the bundle file changed while it was read",
		    DT_EHASH);
	b->next = 0;
	b->pos = sizeof head;
	/* Not checked yet: this pass checks, if it reads to the end. */
	b->hashing = !b->checked;
	if (b->hashing) {
		crypto_hash_sha256_init(&b->h);
		crypto_hash_sha256_update(&b->h, head, sizeof head);
	}
	return 0;
}

/*
 * next_end() - past the last entry: the trailer, where it must be.  On
 * a checking pass, the entries must end exactly at the trailer, and the
 * trailer must be the SHA-256 of everything before it.
 */
static int
next_end(bundle_reader *b)
{
	unsigned char tr[BUNDLE_TRAILER_BYTES], md[32];
	int rc;

	if (b->hashing && b->pos != b->size - BUNDLE_TRAILER_BYTES)
		return fail(b, "bytes follow the trailer", DT_EFORMAT);
	if ((rc = read_full(b->f, tr, sizeof tr)) != 0)
		return fail(b, "the file is truncated (the trailer is missing)",
		    rc);
	if (memcmp(tr, b->trailer, sizeof tr) != 0 || changed(b))
		return fail(b, "the bundle file changed while it was read",
		    DT_EHASH);
	if (b->hashing) {
		crypto_hash_sha256_final(&b->h, md);
		b->hashing = 0;
		if (sodium_memcmp(md, b->trailer, sizeof md) != 0)
			return fail(b, "the trailer does not match the "
			    "file's SHA-256: the file is damaged", DT_EHASH);
		b->checked = 1;
	}
	return 0;
}

int
bundle_reader_next(bundle_reader *b, const unsigned char **bytes,
    size_t *len)
{
	unsigned char lb[4];
	unsigned char *nb;
	uint32_t n;
	int rc;

	*bytes = NULL;
	*len = 0;
	b->why = NULL;
	if (b->next == b->count) {
		/*
		 * Checked when it was opened, or by this pass: either way the
		 * trailer is read again and the file must be the one checked.
		 */
		if ((rc = next_end(b)) != 0)
			return rc;
		b->next++; /* only once */
		return 0;
	}
	if (b->next > b->count)
		return 0;
	if ((rc = read_full(b->f, lb, 4)) != 0)
		return fail(b, "the file is truncated (it ends inside an "
		    "entry)", rc);
	n = get_be32(lb);
	if (n < BUNDLE_ENTRY_MIN || n > BUNDLE_ENTRY_MAX)
		return fail(b, "an entry length is outside the limits of the "
		    "entry format", b->checked ? DT_EFORMAT : DT_ERANGE);
	/* Unchecked: the entry must end before the trailer starts. */
	if (b->hashing && b->pos + 4 + n > b->size - BUNDLE_TRAILER_BYTES)
		return fail(b, "the file is truncated (it ends inside an "
		    "entry)", DT_EFORMAT);
	if (n > b->cap) {
		if ((nb = realloc(b->buf, n)) == NULL)
			return fail(b, "out of memory", DT_ENOMEM);
		b->buf = nb;
		b->cap = n;
	}
	if ((rc = read_full(b->f, b->buf, n)) != 0)
		return fail(b, "the file is truncated (it ends inside an "
		    "entry)", rc);
	if (b->hashing) {
		crypto_hash_sha256_update(&b->h, lb, 4);
		crypto_hash_sha256_update(&b->h, b->buf, n);
	}
	b->pos += 4 + n;
	b->next++;
	*bytes = b->buf;
	*len = n;
	return 0;
}

/* write_hashed() - write n bytes to w's file and into its hash. */
static int
write_hashed(bundle_writer *w, const unsigned char *p, size_t n)
{
	if (n > 0 && fwrite(p, 1, n, w->f) != n)
		return errno == ENOSPC ? DT_ENOSPC : DT_EIO;
	crypto_hash_sha256_update(&w->h, p, n);
	return 0;
}

int
bundle_writer_begin(bundle_writer **out, FILE *f,
    const unsigned char dialogue[ENTRY_HASH_BYTES], uint32_t count)
{
	unsigned char head[BUNDLE_HEADER_BYTES];
	bundle_writer *w;
	int rc;

	*out = NULL;
	if ((w = calloc(1, sizeof *w)) == NULL)
		return DT_ENOMEM;
	w->f = f;
	w->count = count;
	crypto_hash_sha256_init(&w->h);
	memcpy(head, BUNDLE_MAGIC, 4);
	memcpy(head + 4, dialogue, ENTRY_HASH_BYTES);
	be32(head + 36, count);
	if ((rc = write_hashed(w, head, sizeof head)) != 0) {
		free(w);
		return rc;
	}
	*out = w;
	return 0;
}

int
bundle_writer_add(bundle_writer *w, const unsigned char *bytes, size_t len)
{
	unsigned char lb[4];
	int rc;

	if (w->added == w->count)
		return DT_ERANGE;
	if (len < BUNDLE_ENTRY_MIN || len > BUNDLE_ENTRY_MAX)
		return DT_EINVAL;
	be32(lb, (uint32_t)len);
	if ((rc = write_hashed(w, lb, 4)) != 0 ||
	    (rc = write_hashed(w, bytes, len)) != 0)
		return rc;
	w->added++;
	return 0;
}

int
bundle_writer_end(bundle_writer *w)
{
	unsigned char md[32];
	int rc = 0;

	if (w->added != w->count) {
		rc = DT_EINVAL;
		goto out;
	}
	crypto_hash_sha256_final(&w->h, md);
	if (fwrite(md, 1, sizeof md, w->f) != sizeof md || fflush(w->f) != 0)
		rc = errno == ENOSPC ? DT_ENOSPC : DT_EIO;
out:
	free(w);
	return rc;
}

void
bundle_writer_abort(bundle_writer *w)
{
	free(w);
}

int
bundle_state_read(bundle_state *s, store_txn *t)
{
	store_head *heads = NULL;
	size_t n = 0, i;
	int rc;

	memset(s, 0, sizeof *s);
	if ((rc = store_dialogue(t, s->dialogue)) != 0)
		return rc;
	if ((rc = store_heads(&heads, &n, t)) != 0)
		return rc;
	if (n > 0 && (s->feeds = calloc(n, sizeof *s->feeds)) == NULL) {
		free(heads);
		return DT_ENOMEM;
	}
	for (i = 0; i < n; i++) {
		if (heads[i].next_seq == 0)
			continue;
		memcpy(s->feeds[s->nfeeds].author, heads[i].author,
		    KEY_PK_BYTES);
		s->feeds[s->nfeeds].next_seq = heads[i].next_seq;
		memcpy(s->feeds[s->nfeeds].head, heads[i].hash,
		    ENTRY_HASH_BYTES);
		s->nfeeds++;
	}
	free(heads);
	return 0;
}

int
bundle_state_encode(unsigned char **out, size_t *len, const bundle_state *s)
{
	unsigned char *p;
	size_t n, i;

	*out = NULL;
	*len = 0;
	if (s->nfeeds > UINT32_MAX)
		return DT_ERANGE;
	n = BUNDLE_HEADER_BYTES + s->nfeeds * BUNDLE_STATE_FEED_BYTES;
	if ((p = malloc(n)) == NULL)
		return DT_ENOMEM;
	memcpy(p, BUNDLE_STATE_MAGIC, 4);
	memcpy(p + 4, s->dialogue, ENTRY_HASH_BYTES);
	be32(p + 36, (uint32_t)s->nfeeds);
	for (i = 0; i < s->nfeeds; i++) {
		unsigned char *q = p + BUNDLE_HEADER_BYTES +
		    i * BUNDLE_STATE_FEED_BYTES;

		memcpy(q, s->feeds[i].author, KEY_PK_BYTES);
		store_be64(q + 32, s->feeds[i].next_seq);
		memcpy(q + 40, s->feeds[i].head, ENTRY_HASH_BYTES);
	}
	*out = p;
	*len = n;
	return 0;
}

int
bundle_state_decode(bundle_state *s, const unsigned char *buf, size_t len,
    const char **why)
{
	size_t n, i;
	int rc;

	memset(s, 0, sizeof *s);
	if (why != NULL)
		*why = NULL;
	if (len < 4 || memcmp(buf, BUNDLE_STATE_MAGIC, 3) != 0)
		return set_why(why, "not a state file (bad magic)",
		    DT_EFORMAT);
	if (buf[3] != (unsigned char)BUNDLE_STATE_MAGIC[3])
		return set_why(why, "a state file version this build does "
		    "not know", DT_EVERSION);
	if (len < BUNDLE_HEADER_BYTES)
		return set_why(why, "the state file is truncated", DT_EFORMAT);
	n = get_be32(buf + 36);
	if ((len - BUNDLE_HEADER_BYTES) % BUNDLE_STATE_FEED_BYTES != 0 ||
	    (len - BUNDLE_HEADER_BYTES) / BUNDLE_STATE_FEED_BYTES != n)
		return set_why(why, "the state file's length does not match "
		    "its feed count (truncated or damaged)", DT_EFORMAT);
	memcpy(s->dialogue, buf + 4, ENTRY_HASH_BYTES);
	if (n > 0 && (s->feeds = calloc(n, sizeof *s->feeds)) == NULL)
		return DT_ENOMEM;
	for (i = 0; i < n; i++) {
		const unsigned char *q = buf + BUNDLE_HEADER_BYTES +
		    i * BUNDLE_STATE_FEED_BYTES;

		memcpy(s->feeds[i].author, q, KEY_PK_BYTES);
		s->feeds[i].next_seq = store_get_be64(q + 32);
		memcpy(s->feeds[i].head, q + 40, ENTRY_HASH_BYTES);
		if (i > 0 && memcmp(s->feeds[i - 1].author, q,
		    KEY_PK_BYTES) >= 0) {
			rc = set_why(why, "the state file's feeds are not in "
			    "ascending order of author", DT_EFORMAT);
			goto bad;
		}
		if (s->feeds[i].next_seq == 0) {
			rc = set_why(why, "the state file lists a feed with no "
			    "entries", DT_EFORMAT);
			goto bad;
		}
	}
	s->nfeeds = n;
	return 0;
bad:
	bundle_state_done(s);
	return rc;
}

const bundle_feed *
bundle_state_find(const bundle_state *s,
    const unsigned char author[KEY_PK_BYTES])
{
	size_t lo = 0, hi = s->nfeeds, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = memcmp(s->feeds[mid].author, author, KEY_PK_BYTES);
		if (c == 0)
			return &s->feeds[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

void
bundle_state_done(bundle_state *s)
{
	if (s == NULL)
		return;
	free(s->feeds);
	s->feeds = NULL;
	s->nfeeds = 0;
}

/* The export walk: which seq each feed starts at, and the writer. */
struct export_walk {
	store_head *heads;   /* authors ascending */
	uint64_t *from;      /* per head: first seq to send */
	size_t nheads;
	bundle_writer *w;
	uint32_t written;
};

static const uint64_t *
export_from(const struct export_walk *x, const unsigned char *author)
{
	size_t lo = 0, hi = x->nheads, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = memcmp(x->heads[mid].author, author, KEY_PK_BYTES);
		if (c == 0)
			return &x->from[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int
export_cb(void *ctx, const unsigned char *bytes, size_t len,
    const unsigned char hash[ENTRY_HASH_BYTES])
{
	struct export_walk *x = ctx;
	const uint64_t *from;
	entry e;
	int rc;

	(void)hash;
	if ((rc = entry_parse(&e, bytes, len)) != 0)
		return DT_ECORRUPT;
	if ((from = export_from(x, e.author)) == NULL || e.seq < *from)
		return 0;
	if ((rc = bundle_writer_add(x->w, bytes, len)) != 0)
		return rc;
	x->written++;
	return 0;
}

/*
 * export_plan() - for every feed, the first seq to send, the number of
 * entries to send, the lowest clock among them (where the merged-order
 * walk can start), and the feeds whose head in since disagrees with us.
 */
static int
export_plan(struct export_walk *x, store_txn *t, const bundle_state *since,
    uint64_t *total, uint64_t *minclock, bundle_export_info *info)
{
	unsigned char *b = NULL, h[ENTRY_HASH_BYTES];
	const bundle_feed *bf;
	bundle_feed *nd;
	size_t i, len;
	entry e;
	int rc = 0;

	*total = 0;
	*minclock = UINT64_MAX;
	for (i = 0; i < x->nheads; i++) {
		const store_head *hd = &x->heads[i];

		bf = since != NULL ? bundle_state_find(since, hd->author) :
		    NULL;
		x->from[i] = bf != NULL ? bf->next_seq : 0;
		if (bf != NULL && bf->next_seq <= hd->next_seq) {
			/* Compare their head with our entry there. */
			if ((rc = store_get(&b, &len, t, hd->author,
			    bf->next_seq - 1)) != 0)
				goto out;
			entry_hash(h, b, len);
			free(b);
			b = NULL;
			if (sodium_memcmp(h, bf->head, sizeof h) != 0) {
				nd = realloc(info->diverged,
				    (info->ndiverged + 1) * sizeof *nd);
				if (nd == NULL) {
					rc = DT_ENOMEM;
					goto out;
				}
				info->diverged = nd;
				nd[info->ndiverged++] = *bf;
				/*
				 * Send our entry at that place too: their
				 * import meets two signed entries for one
				 * place, a fork kept as evidence, where our
				 * entries after it alone would only wait.
				 * So a feed rolled back and written again
				 * shows at the next exchange.
				 */
				x->from[i] = bf->next_seq - 1;
			}
		}
		if (x->from[i] >= hd->next_seq)
			continue;
		*total += hd->next_seq - x->from[i];
		info->feeds++;
		if ((rc = store_get(&b, &len, t, hd->author, x->from[i])) != 0)
			goto out;
		if ((rc = entry_parse(&e, b, len)) != 0) {
			rc = DT_ECORRUPT;
			goto out;
		}
		if (e.clock < *minclock)
			*minclock = e.clock;
		free(b);
		b = NULL;
	}
out:
	free(b);
	return rc;
}

int
bundle_export(FILE *f, store *s, const bundle_state *since,
    bundle_export_info *info)
{
	unsigned char id[ENTRY_HASH_BYTES], from[STORE_ORDER_BYTES];
	unsigned char zero[KEY_PK_BYTES] = { 0 };
	struct export_walk x;
	store_txn *t = NULL;
	uint64_t total = 0, minclock = 0;
	int rc;

	memset(&x, 0, sizeof x);
	memset(info, 0, sizeof *info);
	/* One snapshot: the count and the entries written agree. */
	if ((rc = store_txn_begin(&t, s, 0)) != 0)
		return rc;
	if ((rc = store_dialogue(t, id)) != 0)
		goto out;
	if (since != NULL && sodium_memcmp(since->dialogue, id, sizeof id) !=
	    0) {
		rc = DT_EDIALOGUE;
		goto out;
	}
	if ((rc = store_heads(&x.heads, &x.nheads, t)) != 0)
		goto out;
	if (x.nheads > 0 && (x.from = calloc(x.nheads, sizeof *x.from)) ==
	    NULL) {
		rc = DT_ENOMEM;
		goto out;
	}
	if ((rc = export_plan(&x, t, since, &total, &minclock, info)) != 0)
		goto out;
	if (total > UINT32_MAX) {
		rc = DT_ERANGE;
		goto out;
	}
	if ((rc = bundle_writer_begin(&x.w, f, id, (uint32_t)total)) != 0)
		goto out;
	if (total > 0) {
		store_order_key(from, minclock, zero);
		if ((rc = store_scan(t, from, 0, export_cb, &x)) != 0)
			goto out;
	}
	rc = bundle_writer_end(x.w);
	x.w = NULL;
	if (rc == 0)
		info->entries = x.written;
out:
	bundle_writer_abort(x.w);
	store_txn_abort(t);
	free(x.from);
	free(x.heads);
	if (rc != 0) {
		free(info->diverged);
		info->diverged = NULL;
		info->ndiverged = 0;
	}
	return rc;
}
