/*
 * store_side.c: the store's side tables, beside the record's entries
 * and indexes (store.h): held entries, fork evidence, member faults, the
 * `checked` rows and summary of the open cache, and the walks of the
 * control index that the open cache uses.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <lmdb.h>

#include "../crypto/err.h"
#include "store.h"
#include "store_priv.h"

int
store_held_put(store_txn *t, const unsigned char hash[ENTRY_HASH_BYTES],
    const unsigned char *bytes, size_t len)
{
	MDB_val k = { ENTRY_HASH_BYTES, (void *)hash }, d = { len,
	    (void *)bytes };
	int rc = mdb_put(t->txn, t->s->held, &k, &d, MDB_NOOVERWRITE);

	/* The key is the bytes' hash: an existing row holds these bytes. */
	return rc == MDB_KEYEXIST ? 0 : store_map_err(rc);
}

int
store_held_del(store_txn *t, const unsigned char hash[ENTRY_HASH_BYTES])
{
	MDB_val k = { ENTRY_HASH_BYTES, (void *)hash };
	int rc = mdb_del(t->txn, t->s->held, &k, NULL);

	return rc == MDB_NOTFOUND ? 0 : store_map_err(rc);
}

int
store_held_get(unsigned char **bytes, size_t *len, store_txn *t,
    const unsigned char hash[ENTRY_HASH_BYTES])
{
	MDB_val k = { ENTRY_HASH_BYTES, (void *)hash }, d;
	int rc;

	*bytes = NULL;
	*len = 0;
	if ((rc = mdb_get(t->txn, t->s->held, &k, &d)) != 0)
		return store_map_err(rc);
	if ((*bytes = malloc(d.mv_size ? d.mv_size : 1)) == NULL)
		return DT_ENOMEM;
	memcpy(*bytes, d.mv_data, d.mv_size);
	*len = d.mv_size;
	return 0;
}

int
store_held_has(store_txn *t, const unsigned char hash[ENTRY_HASH_BYTES])
{
	MDB_val k = { ENTRY_HASH_BYTES, (void *)hash }, d;

	return mdb_get(t->txn, t->s->held, &k, &d) == 0;
}

static int
scan_side(store_txn *t, MDB_dbi dbi, store_scan_cb cb, void *ctx)
{
	MDB_cursor *c = NULL;
	MDB_val k, d;
	int rc;

	if ((rc = store_map_err(mdb_cursor_open(t->txn, dbi, &c))) != 0)
		return rc;
	rc = mdb_cursor_get(c, &k, &d, MDB_FIRST);
	while (rc == 0) {
		if (k.mv_size != ENTRY_HASH_BYTES) {
			rc = DT_ECORRUPT;
			goto out;
		}
		if ((rc = cb(ctx, d.mv_data, d.mv_size, k.mv_data)) != 0)
			goto out;
		rc = mdb_cursor_get(c, &k, &d, MDB_NEXT);
	}
	rc = rc == MDB_NOTFOUND ? 0 : store_map_err(rc);
out:
	mdb_cursor_close(c);
	return rc;
}

int
store_held_scan(store_txn *t, store_scan_cb cb, void *ctx)
{
	return scan_side(t, t->s->held, cb, ctx);
}

int
store_held_count(uint64_t *n, store_txn *t)
{
	MDB_stat st;
	int rc;

	if ((rc = mdb_stat(t->txn, t->s->held, &st)) != 0)
		return store_map_err(rc);
	*n = st.ms_entries;
	return 0;
}

int
store_evidence_put(store_txn *t, const unsigned char *first, size_t flen,
    const unsigned char *second, size_t slen)
{
	unsigned char hash[ENTRY_HASH_BYTES], *v;
	MDB_val k = { sizeof hash, hash }, d;
	int rc;

	if (flen > UINT32_MAX)
		return DT_EINVAL;
	entry_hash(hash, second, slen);
	if ((v = malloc(4 + flen + slen)) == NULL)
		return DT_ENOMEM;
	v[0] = (unsigned char)(flen >> 24);
	v[1] = (unsigned char)(flen >> 16);
	v[2] = (unsigned char)(flen >> 8);
	v[3] = (unsigned char)flen;
	memcpy(v + 4, first, flen);
	memcpy(v + 4 + flen, second, slen);
	d.mv_size = 4 + flen + slen;
	d.mv_data = v;
	rc = mdb_put(t->txn, t->s->evidence, &k, &d, MDB_NOOVERWRITE);
	free(v);
	return rc == MDB_KEYEXIST ? 0 : store_map_err(rc);
}

struct evidence_walk {
	store_evidence_cb cb;
	void *ctx;
};

static int
evidence_cb(void *ctx, const unsigned char *v, size_t len,
    const unsigned char hash[ENTRY_HASH_BYTES])
{
	struct evidence_walk *w = ctx;
	size_t flen;

	(void)hash;
	if (len < 4)
		return DT_ECORRUPT;
	flen = (size_t)v[0] << 24 | (size_t)v[1] << 16 | (size_t)v[2] << 8 |
	    (size_t)v[3];
	if (flen > len - 4)
		return DT_ECORRUPT;
	return w->cb(w->ctx, v + 4, flen, v + 4 + flen, len - 4 - flen);
}

int
store_evidence_scan(store_txn *t, store_evidence_cb cb, void *ctx)
{
	struct evidence_walk w = { cb, ctx };

	return scan_side(t, t->s->evidence, evidence_cb, &w);
}

int
store_fault_put(store_txn *t, const record_fault *f)
{
	unsigned char v[FAULT_ROW_BYTES];
	MDB_val k = { ENTRY_HASH_BYTES, (void *)f->hash }, d = { sizeof v, v };
	int rc;

	if (!t->s->have_faults)
		return DT_EVERSION;
	fault_encode(v, f);
	/*
	 * The key is the entry's hash: a row there names this entry.  A
	 * removal that arrives after the entry makes it a fault of reason
	 * FAULT_REMOVED, which a verifier finds first (a header rule): that
	 * row replaces one an earlier import kept, so that replicas agree.
	 */
	rc = mdb_put(t->txn, t->s->faults, &k, &d,
	    f->reason == FAULT_REMOVED ? 0 : MDB_NOOVERWRITE);
	return rc == MDB_KEYEXIST ? 0 : store_map_err(rc);
}

struct fault_walk {
	store_fault_cb cb;
	void *ctx;
};

static int
fault_row_cb(void *ctx, const unsigned char *v, size_t len,
    const unsigned char hash[ENTRY_HASH_BYTES])
{
	struct fault_walk *w = ctx;
	record_fault f;
	int rc;

	if ((rc = fault_decode(&f, hash, v, len)) != 0)
		return rc;
	return w->cb(w->ctx, &f);
}

int
store_fault_scan(store_txn *t, store_fault_cb cb, void *ctx)
{
	struct fault_walk w = { cb, ctx };

	if (!t->s->have_faults)
		return 0;
	return scan_side(t, t->s->faults, fault_row_cb, &w);
}

int
store_fault_del(store_txn *t, const unsigned char hash[ENTRY_HASH_BYTES])
{
	MDB_val k = { ENTRY_HASH_BYTES, (void *)hash };
	int rc;

	if (!t->s->have_faults)
		return 0;
	rc = mdb_del(t->txn, t->s->faults, &k, NULL);
	return rc == MDB_NOTFOUND ? 0 : store_map_err(rc);
}

int
store_fault_count(uint64_t *n, store_txn *t)
{
	MDB_stat st;
	int rc;

	*n = 0;
	if (!t->s->have_faults)
		return 0;
	if ((rc = mdb_stat(t->txn, t->s->faults, &st)) != 0)
		return store_map_err(rc);
	*n = st.ms_entries;
	return 0;
}

/* A row of `checked`: author (32) || seq (u64) || kind (1), by leaf hash. */
#define CHECKED_ROW_BYTES (KEY_PK_BYTES + 8 + 1)

int
store_checked_get(store_txn *t, const unsigned char hash[ENTRY_HASH_BYTES],
    unsigned char author[KEY_PK_BYTES], uint64_t *seq, unsigned *kind)
{
	MDB_val k = { ENTRY_HASH_BYTES, (void *)hash }, d;
	const unsigned char *v;

	if (!t->s->have_checked ||
	    mdb_get(t->txn, t->s->checked, &k, &d) != 0 ||
	    d.mv_size != CHECKED_ROW_BYTES)
		return DT_ENOENT;
	v = d.mv_data;
	memcpy(author, v, KEY_PK_BYTES);
	*seq = store_get_be64(v + KEY_PK_BYTES);
	*kind = v[KEY_PK_BYTES + 8];
	return 0;
}

int
store_checked_put(store_txn *t, const unsigned char hash[ENTRY_HASH_BYTES],
    const unsigned char author[KEY_PK_BYTES], uint64_t seq, unsigned kind)
{
	unsigned char v[CHECKED_ROW_BYTES];
	MDB_val k = { ENTRY_HASH_BYTES, (void *)hash }, d = { sizeof v, v };

	if (!t->s->have_checked)
		return DT_EVERSION;
	memcpy(v, author, KEY_PK_BYTES);
	store_be64(v + KEY_PK_BYTES, seq);
	v[KEY_PK_BYTES + 8] = (unsigned char)kind;
	/* The same entry checked again: the same row, written again. */
	return store_map_err(mdb_put(t->txn, t->s->checked, &k, &d, 0));
}

int
store_scan_control_rows(store_txn *t, store_row_cb cb, void *ctx)
{
	MDB_cursor *c = NULL;
	MDB_val k, d;
	int rc;

	if ((rc = store_map_err(mdb_cursor_open(t->txn, t->s->control, &c))) != 0)
		return rc;
	for (rc = mdb_cursor_get(c, &k, &d, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(c, &k, &d, MDB_NEXT)) {
		if (k.mv_size != STORE_ORDER_BYTES ||
		    d.mv_size != ENTRY_HASH_BYTES) {
			rc = DT_ECORRUPT;
			goto out;
		}
		if ((rc = cb(ctx, k.mv_data, d.mv_data)) != 0)
			goto out;
	}
	rc = rc == MDB_NOTFOUND ? 0 : store_map_err(rc);
out:
	mdb_cursor_close(c);
	return rc;
}

/* The summary row of `checked`: its key is one zero byte (FORMAT.md). */
static const unsigned char summary_key[1] = { 0 };

int
store_ctl_summary_get(store_txn *t, unsigned char **val, size_t *len)
{
	MDB_val k = { sizeof summary_key, (void *)summary_key }, d;

	*val = NULL;
	*len = 0;
	if (!t->s->have_checked || mdb_get(t->txn, t->s->checked, &k, &d) != 0)
		return DT_ENOENT;
	if ((*val = malloc(d.mv_size ? d.mv_size : 1)) == NULL)
		return DT_ENOMEM;
	memcpy(*val, d.mv_data, d.mv_size);
	*len = d.mv_size;
	return 0;
}

int
store_ctl_summary_put(store_txn *t, const unsigned char *val, size_t len)
{
	MDB_val k = { sizeof summary_key, (void *)summary_key },
	    d = { len, (void *)val };

	if (!t->s->have_checked)
		return DT_EVERSION;
	return store_map_err(mdb_put(t->txn, t->s->checked, &k, &d, 0));
}

int
store_control_count(store_txn *t, uint64_t *n)
{
	MDB_stat st;
	int rc;

	if ((rc = store_map_err(mdb_stat(t->txn, t->s->control, &st))) != 0)
		return rc;
	*n = st.ms_entries;
	return 0;
}

int
store_scan_control_after(store_txn *t, const unsigned char key[STORE_ORDER_BYTES],
    const unsigned char hash[ENTRY_HASH_BYTES], store_row_cb cb, void *ctx)
{
	MDB_cursor *c = NULL;
	MDB_val k = { STORE_ORDER_BYTES, (void *)key }, d;
	int rc;

	if ((rc = store_map_err(mdb_cursor_open(t->txn, t->s->control, &c))) != 0)
		return rc;
	rc = mdb_cursor_get(c, &k, &d, MDB_SET_KEY);
	if (rc != 0 || d.mv_size != ENTRY_HASH_BYTES ||
	    memcmp(d.mv_data, hash, ENTRY_HASH_BYTES) != 0) {
		rc = rc == 0 || rc == MDB_NOTFOUND ? DT_ENOENT : store_map_err(rc);
		goto out;
	}
	while ((rc = mdb_cursor_get(c, &k, &d, MDB_NEXT)) == 0) {
		if (k.mv_size != STORE_ORDER_BYTES ||
		    d.mv_size != ENTRY_HASH_BYTES) {
			rc = DT_ECORRUPT;
			goto out;
		}
		if ((rc = cb(ctx, k.mv_data, d.mv_data)) != 0)
			goto out;
	}
	rc = rc == MDB_NOTFOUND ? 0 : store_map_err(rc);
out:
	mdb_cursor_close(c);
	return rc;
}

int
store_control_prefix(store_txn *t, uint64_t n,
    unsigned char digest[ENTRY_HASH_BYTES])
{
	static const char ctx[] = "detente control rows v1";
	crypto_generichash_state st;
	MDB_cursor *c = NULL;
	MDB_val k, d;
	uint64_t i;
	int rc;

	if ((rc = store_map_err(mdb_cursor_open(t->txn, t->s->control, &c))) != 0)
		return rc;
	crypto_generichash_init(&st, NULL, 0, ENTRY_HASH_BYTES);
	crypto_generichash_update(&st, (const unsigned char *)ctx,
	    sizeof ctx);
	for (i = 0, rc = mdb_cursor_get(c, &k, &d, MDB_FIRST); rc == 0 &&
	    i < n; i++, rc = i < n ? mdb_cursor_get(c, &k, &d, MDB_NEXT) : 0) {
		if (k.mv_size != STORE_ORDER_BYTES ||
		    d.mv_size != ENTRY_HASH_BYTES) {
			rc = DT_ECORRUPT;
			break;
		}
		/* the leaf hash names the entry, and so its clock and author */
		crypto_generichash_update(&st, d.mv_data, d.mv_size);
	}
	mdb_cursor_close(c);
	if (rc == MDB_NOTFOUND || (rc == 0 && i < n))
		return DT_ENOENT;
	if (rc != 0)
		return rc == DT_ECORRUPT ? rc : store_map_err(rc);
	crypto_generichash_final(&st, digest, ENTRY_HASH_BYTES);
	return 0;
}
