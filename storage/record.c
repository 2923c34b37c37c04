/*
 * record.c: a dialogue's record: opening (record_open(), with the
 * incremental verification of record_verify.c; the read-only snapshot),
 * closing, the record without a store (record_mem_new(), the streaming
 * audit), the accessors and the lookups by hash.  The rules the record
 * obeys and its walks live beside it (record_priv.h lists the files).
 *
 * How an entry travels: record_append() takes the author's payload text,
 * fills in the feed position, references and clock from the store inside
 * an LMDB write transaction, has entry_build() encrypt and sign it, runs
 * record_check_entry() on the result (the very function verify runs), and
 * hands it to store_put().  record_verify() walks the entries database
 * itself, feed by feed, and runs record_check_entry() on every entry
 * again.
 */
#include <sys/time.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "../crypto/err.h"
#include "lang.h"
#include "record_priv.h"

uint64_t
record_now_ms(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (uint64_t)tv.tv_sec * 1000U + (uint64_t)tv.tv_usec / 1000U;
}

/* Fill f for a failure at entry e (which may be NULL). */
int
record_fail_at(record_failure *f, int code, const unsigned char *author,
    uint64_t seq, const unsigned char *hash, const unsigned char *expected,
    const char *fmt, ...)
{
	va_list ap;

	memset(f, 0, sizeof *f);
	f->code = code;
	if (author != NULL) {
		f->has_entry = 1;
		memcpy(f->author, author, KEY_PK_BYTES);
		f->seq = seq;
		if (hash != NULL)
			memcpy(f->hash, hash, ENTRY_HASH_BYTES);
	}
	if (expected != NULL) {
		f->has_expected = 1;
		memcpy(f->expected, expected, ENTRY_HASH_BYTES);
	}
	va_start(ap, fmt);
	vsnprintf(f->detail, sizeof f->detail, fmt, ap);
	va_end(ap);
	return code;
}

int
record_open_snapshot(record **out, const char *dir)
{
	record *r = NULL;
	store_txn *t = NULL;
	int rc;

	*out = NULL;
	if ((r = calloc(1, sizeof *r)) == NULL)
		return DT_ENOMEM;
	if ((rc = store_open(&r->s, dir, STORE_OPEN_READONLY)) != 0)
		goto out;
	if ((rc = store_txn_begin(&t, r->s, 0)) != 0)
		goto out;
	rc = record_load_control(r, t, &r->fail);
	store_txn_abort(t);
	if (rc == DT_ENOMEM || rc == DT_EIO || rc == DT_EBUSY)
		goto out;
	*out = r;
	r = NULL;
	rc = 0;
out:
	record_close(r);
	return rc;
}

/*
 * unwritable() - 1 if the store in dir cannot be written by this process
 * (a read-only mount, or its directory or files without write
 * permission), so that record_open() reads it read-only.
 */
static int
unwritable(const char *dir)
{
	static const char *const files[] = { "data.mdb", "lock.mdb" };
	char f[4096];
	size_t i;

	if (access(dir, W_OK) != 0 && (errno == EROFS || errno == EACCES))
		return 1;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(f, sizeof(f), "%s/%s", dir, files[i]);
		if (access(f, W_OK) != 0 && (errno == EROFS ||
		    errno == EACCES))
			return 1;
	}
	return 0;
}

int
record_open(record **out, const char *dir)
{
	return record_open_progress(out, dir, NULL);
}

int
record_open_progress(record **out, const char *dir,
    const record_walk_hooks *hooks)
{
	record *r = NULL;
	int rc;

	*out = NULL;
	if ((r = calloc(1, sizeof *r)) == NULL)
		return DT_ENOMEM;
	/* A store that cannot be written to is read as it is. */
	if ((rc = store_open(&r->s, dir, 0)) != 0 && (!unwritable(dir) ||
	    (rc = store_open(&r->s, dir, STORE_OPEN_READONLY)) != 0))
		goto out;
	rc = record_verify_marked(r, RECORD_VERIFY_INCREMENTAL, hooks,
	    &r->open_st, &r->fail);
	if (rc == DT_ENOMEM || rc == DT_EIO || rc == DT_EBUSY)
		goto out;
	*out = r;
	r = NULL;
	rc = 0;
out:
	record_close(r);
	return rc;
}

void
record_close(record *r)
{
	size_t i;

	if (r == NULL)
		return;
	epoch_ring_free(&r->ring);
	fault_list_done(&r->faults);
	free(r->closes);
	if (r->scratch != NULL)
		sodium_free(r->scratch);
	record_members_reset(r);
	free(r->cover);
	free(r->later);
	free(r->fresh);
	free(r->memh);
	roots_free(r->roots);
	store_close(r->s);
	for (i = 0; i < r->nmem; i++)
		free(r->mem[i].bytes);
	free(r->mem);
	free(r);
}

int
record_mem_new(record **out, const unsigned char id[ENTRY_HASH_BYTES])
{
	record *r;

	*out = NULL;
	if ((r = calloc(1, sizeof *r)) == NULL)
		return DT_ENOMEM;
	memcpy(r->id, id, ENTRY_HASH_BYTES);
	r->have_id = 1;
	*out = r;
	return 0;
}

int
record_mem_control(record *r, const entry *e,
    const unsigned char hash[ENTRY_HASH_BYTES], record_failure *f)
{
	struct mem_control *nm;
	int rc;

	memset(f, 0, sizeof *f);
	if (r->s != NULL || entry_kind_is_content(e->kind))
		return record_fail_at(f, DT_EINVAL, e->author, e->seq, hash,
		    NULL, "not a control entry of a record without a store");
	if ((rc = record_control_apply(r, e, hash, &r->mem_genesis, f)) != 0)
		return rc;
	if (e->kind != ENTRY_K_SEAL)
		return 0; /* only the seals are read again (seal.c) */
	if (r->nmem == r->capmem) {
		size_t cap = r->capmem ? 2 * r->capmem : 16;

		if ((nm = realloc(r->mem, cap * sizeof *nm)) == NULL)
			return record_fail_at(f, DT_ENOMEM, NULL, 0, NULL, NULL,
			    "out of memory");
		r->mem = nm;
		r->capmem = cap;
	}
	if ((r->mem[r->nmem].bytes = malloc(e->len)) == NULL)
		return record_fail_at(f, DT_ENOMEM, NULL, 0, NULL, NULL,
		    "out of memory");
	memcpy(r->mem[r->nmem].bytes, e->bytes, e->len);
	r->mem[r->nmem].len = e->len;
	memcpy(r->mem[r->nmem].hash, hash, ENTRY_HASH_BYTES);
	r->nmem++;
	return 0;
}

int
record_control_scan(record *r, store_txn *t, store_scan_cb cb, void *ctx)
{
	size_t i;
	int rc;

	if (r->s != NULL)
		return store_scan_control(t, cb, ctx);
	for (i = 0; i < r->nmem; i++)
		if ((rc = cb(ctx, r->mem[i].bytes, r->mem[i].len,
		    r->mem[i].hash)) != 0)
			return rc;
	return 0;
}

int
record_feed_root(record *r, store_txn *t,
    const unsigned char author[KEY_PK_BYTES], uint64_t size,
    unsigned char root[MERKLE_HASH_BYTES])
{
	return roots_at(&r->roots, t, author, size, r->chain_checked ?
	    ROOTS_CHAIN_CHECKED : 0, root);
}

const record_stats *
record_open_stats(const record *r)
{
	return &r->open_st;
}

store *
record_store(record *r)
{
	return r->s;
}

const unsigned char *
record_id(const record *r)
{
	return r->id;
}

const char *
record_title(const record *r)
{
	return r->title != NULL ? r->title : "";
}

const char *
record_title_in(const record *r, const char *lang, const char **tag)
{
	const char *s = lang_pick(r->titles, "title", "titles", lang, tag);

	return s != NULL ? s : "";
}

size_t
record_nparties(const record *r)
{
	return r->nparties;
}

const char *
record_party(const record *r, size_t i)
{
	return i < r->nparties ? r->parties[i] : NULL;
}

size_t
record_nmembers(const record *r)
{
	return r->nmembers;
}

const record_member *
record_member_at(const record *r, size_t i)
{
	return i < r->nmembers ? &r->members[i] : NULL;
}

const record_fault *
record_faults(const record *r, size_t *n)
{
	*n = r->faults.n;
	return r->faults.v;
}

int
record_fault_scan(record *r, store_fault_cb cb, void *ctx, uint64_t *n)
{
	store_txn *t = NULL;
	int rc;

	if ((rc = store_txn_begin(&t, r->s, 0)) != 0)
		return rc;
	if (n != NULL && (rc = store_fault_count(n, t)) != 0)
		goto out;
	if (cb != NULL)
		rc = store_fault_scan(t, cb, ctx);
out:
	store_txn_abort(t);
	return rc;
}

const unsigned char *
record_key(const record *r)
{
	return epoch_any_key(&r->ring);
}

const record_failure *
record_last_failure(const record *r)
{
	return &r->fail;
}

int
record_find(record *r, const char *prefix,
    unsigned char hash[ENTRY_HASH_BYTES])
{
	store_txn *t = NULL;
	int rc;

	if ((rc = store_txn_begin(&t, r->s, 0)) != 0)
		return rc;
	rc = store_find_prefix(hash, t, prefix);
	store_txn_abort(t);
	return rc;
}

int
record_get(record *r, const unsigned char hash[ENTRY_HASH_BYTES],
    unsigned char **bytes, size_t *len)
{
	unsigned char author[KEY_PK_BYTES];
	store_txn *t = NULL;
	uint64_t seq;
	int rc;

	*bytes = NULL;
	*len = 0;
	if ((rc = store_txn_begin(&t, r->s, 0)) != 0)
		return rc;
	if ((rc = store_locate(author, &seq, t, hash)) == 0)
		rc = store_get(bytes, len, t, author, seq);
	store_txn_abort(t);
	return rc;
}

/* For storage/membership.c and storage/internal.c (record_int.h). */
epoch_ring *
record_int_ring(record *r)
{
	return &r->ring;
}
