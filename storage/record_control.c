/*
 * record_control.c: the control pass (record_load_control(), FORMAT.md
 * section 7): the membership and the key epochs rebuilt from the control
 * entries in merged order.  An opening's pass trusts the `checked` rows
 * below each feed's watermark and starts from the summary row
 * (ctl_summary()); it notes the entries it checked itself for
 * mark_verified() (record_verify.c) and writes the summary row again
 * (record_ctl_summary_put()).
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "../crypto/err.h"
#include "payload.h"
#include "record_priv.h"

/* Feeds whose watermarks an opening's control pass keeps at hand. */
#define CTL_WM_FEEDS 16U

struct control_walk {
	record *r;
	int seen_genesis;
	record_failure *f;
	store_txn *t;
	/* the watermarks of the feeds looked up so far (ctl_trust) */
	struct ctl_wm {
		unsigned char author[KEY_PK_BYTES];
		uint64_t wm;
	} wm[CTL_WM_FEEDS];
	size_t nwm;
};

/* ctl_quiet() - a control kind that changes no membership. */
static int
ctl_quiet(unsigned kind)
{
	return kind == ENTRY_K_CHECKPOINT || kind == ENTRY_K_SEAL ||
	    kind == ENTRY_K_MINUTES_SIG;
}

/* ctl_watermark() - the verified watermark of author's feed. */
static uint64_t
ctl_watermark(struct control_walk *w, const unsigned char *author)
{
	store_head h;
	uint64_t wm;
	size_t i;

	for (i = 0; i < w->nwm; i++)
		if (memcmp(w->wm[i].author, author, KEY_PK_BYTES) == 0)
			return w->wm[i].wm;
	wm = store_head_get(&h, w->t, author) == 0 ? h.verified : 0;
	if (w->nwm < CTL_WM_FEEDS) {
		memcpy(w->wm[w->nwm].author, author, KEY_PK_BYTES);
		w->wm[w->nwm++].wm = wm;
	}
	return wm;
}

/*
 * ctl_vouched() - 1 if an opening may take control entry e (leaf hash
 * hash, recomputed from its bytes by the scan) as checked: it is below
 * its feed's verified watermark and a `checked` row names it.
 */
static int
ctl_vouched(struct control_walk *w, const entry *e,
    const unsigned char hash[ENTRY_HASH_BYTES])
{
	unsigned char a[KEY_PK_BYTES];
	uint64_t seq;
	unsigned kind;

	return w->r->ctl_trust && e->seq < ctl_watermark(w, e->author) &&
	    store_checked_get(w->t, hash, a, &seq, &kind) == 0 &&
	    memcmp(a, e->author, KEY_PK_BYTES) == 0 && seq == e->seq &&
	    kind == e->kind;
}

/* memh_push() - note a membership entry's hash for the summary. */
static int
memh_push(record *r, const unsigned char hash[ENTRY_HASH_BYTES])
{
	unsigned char *n;

	if (r->nmemh == r->capmemh) {
		size_t cap = r->capmemh ? 2 * r->capmemh : 8;

		if ((n = realloc(r->memh, cap * ENTRY_HASH_BYTES)) == NULL)
			return DT_ENOMEM;
		r->memh = n;
		r->capmemh = cap;
	}
	memcpy(r->memh + r->nmemh++ * ENTRY_HASH_BYTES, hash,
	    ENTRY_HASH_BYTES);
	return 0;
}

/* ctl_note() - keep control entry e as checked here (struct record). */
static int
ctl_note(record *r, const entry *e, const unsigned char hash[ENTRY_HASH_BYTES])
{
	struct ctl_fresh *n;

	if (r->nfresh == r->capfresh) {
		size_t cap = r->capfresh ? 2 * r->capfresh : 16;

		if ((n = realloc(r->fresh, cap * sizeof *n)) == NULL)
			return DT_ENOMEM;
		r->fresh = n;
		r->capfresh = cap;
	}
	n = &r->fresh[r->nfresh++];
	memcpy(n->hash, hash, ENTRY_HASH_BYTES);
	memcpy(n->author, e->author, KEY_PK_BYTES);
	n->seq = e->seq;
	n->kind = e->kind;
	return 0;
}

/*
 * One control entry, in merged order: framing, signature, then its
 * effect on membership.  Everything else about it (chain, references)
 * is checked by the feed walk of record_verify().
 */
static int
control_cb(void *ctx, const unsigned char *bytes, size_t len,
    const unsigned char hash[ENTRY_HASH_BYTES])
{
	struct control_walk *w = ctx;
	record *r = w->r;
	entry e;
	int rc;

	if ((rc = entry_parse(&e, bytes, len)) != 0)
		return record_fail_at(w->f, rc, NULL, 0, hash, NULL,
		    "a control entry is malformed");
	if (entry_kind_is_content(e.kind))
		return record_fail_at(w->f, DT_ECORRUPT, e.author, e.seq, hash,
		    NULL, "the control index lists a content entry");
	r->ctl_n++;
	r->ctl_read++;
	store_order_key(r->sum_key, e.clock, e.author);
	memcpy(r->sum_hash, hash, ENTRY_HASH_BYTES);
	if (!ctl_quiet(e.kind) && (rc = memh_push(r, hash)) != 0)
		return record_fail_at(w->f, rc, NULL, 0, NULL, NULL,
		    "out of memory");
	if (ctl_vouched(w, &e, hash)) {
		r->ctl_cached++;
		/*
		 * A checkpoint, a seal or a minutes signature changes no
		 * membership: one a verification passed whole (its payload,
		 * its author's right to write it) needs no second reading.
		 */
		if (w->seen_genesis && ctl_quiet(e.kind) &&
		    !record_removed_writer(r, e.author, e.kind, e.clock)) {
			if (memcmp(e.dialogue, r->id, ENTRY_HASH_BYTES) != 0)
				return record_fail_at(w->f, DT_EDIALOGUE,
				    e.author, e.seq, hash, r->id,
				    "entry belongs to another dialogue");
			if (e.kind == ENTRY_K_CHECKPOINT &&
			    record_cover_note(r, e.author, e.seq) != 0)
				return record_fail_at(w->f, DT_ENOMEM, NULL, 0,
				    NULL, NULL, "out of memory");
			return 0;
		}
	} else {
		if (entry_verify_sig(&e) != 0)
			return record_fail_at(w->f, DT_ESIG, e.author, e.seq,
			    hash, NULL, "bad signature");
		r->ctl_checked++;
		if (ctl_note(r, &e, hash) != 0)
			return record_fail_at(w->f, DT_ENOMEM, NULL, 0, NULL,
			    NULL, "out of memory");
	}
	return record_control_apply(w->r, &e, hash, &w->seen_genesis, w->f);
}

/*
 * record_control_apply() - pass 1 (FORMAT.md section 7) for one control entry
 * e, framed and signed, in merged order: the genesis first, then its
 * effect on membership.
 */
int
record_control_apply(record *r, const entry *ep, const unsigned char *hash,
    int *seen_genesis, record_failure *f)
{
	const char *why = NULL;
	json_t *o = NULL;
	entry e = *ep;
	int rc = 0;

	if ((o = payload_parse(e.body, e.body_len)) == NULL) {
		rc = record_fail_at(f, DT_EFORMAT, e.author, e.seq, hash, NULL,
		    "%s payload is not valid JSON", entry_kind_name(e.kind));
		goto out;
	}
	if (!*seen_genesis) {
		if (e.kind != ENTRY_K_GENESIS || sodium_memcmp(hash, r->id,
		    ENTRY_HASH_BYTES) != 0) {
			rc = record_fail_at(f, DT_EDIALOGUE, e.author, e.seq,
			    hash, r->id,
			    "the first control entry is not the genesis");
			goto out;
		}
		if ((rc = record_genesis_apply(r, &e, o, &why)) != 0) {
			rc = record_fail_at(f, rc, e.author, e.seq, hash, NULL,
			    "%s", why);
			goto out;
		}
		*seen_genesis = 1;
		goto out;
	}
	if (e.kind == ENTRY_K_GENESIS) {
		rc = record_fail_at(f, DT_EDIALOGUE, e.author, e.seq, hash,
		    r->id, "a second genesis entry");
		goto out;
	}
	if (memcmp(e.dialogue, r->id, ENTRY_HASH_BYTES) != 0) {
		rc = record_fail_at(f, DT_EDIALOGUE, e.author, e.seq, hash,
		    r->id, "entry belongs to another dialogue");
		goto out;
	}
	/*
	 * A removed member's control entry (a checkpoint: its role allows
	 * no other) is its fault, noted by the feed walk, and counts
	 * toward nothing.
	 */
	if ((rc = record_may_write(r, e.author, e.kind, e.clock, &why)) != 0 &&
	    record_removed_writer(r, e.author, e.kind, e.clock))
		rc = 0;
	else if (rc != 0 || (rc = record_control_rules(r, &e, o, 1, &why)) != 0)
		rc = record_fail_at(f, rc, e.author, e.seq, hash, NULL, "%s",
		    why);
	else if (e.kind == ENTRY_K_CHECKPOINT &&
	    (rc = record_cover_note(r, e.author, e.seq)) != 0)
		rc = record_fail_at(f, rc, NULL, 0, NULL, NULL,
		    "out of memory");
out:
	json_decref(o);
	return rc;
}

/*
 * control_row_cb() - an opening's control pass, one row of the control
 * index: a checkpoint, seal or minutes signature that a `checked` row
 * vouches for (the same author as the index row, below its feed's
 * watermark) is taken without reading the entry, which a verification
 * read, checked and passed whole (its signature, its payload, its
 * author's right to write it); what it contributes to the record as
 * loaded, a checkpoint's coverage, is in the row.  Any other entry is
 * read and checked (control_cb()).
 */
static int
control_row_cb(void *ctx, const unsigned char *key, const unsigned char *hash)
{
	struct control_walk *w = ctx;
	record *r = w->r;
	unsigned char a[KEY_PK_BYTES];
	uint64_t seq;
	unsigned kind;

	if (w->seen_genesis &&
	    store_checked_get(w->t, hash, a, &seq, &kind) == 0 &&
	    ctl_quiet(kind) && memcmp(a, key + 8, KEY_PK_BYTES) == 0 &&
	    seq < ctl_watermark(w, a)) {
		r->ctl_n++;
		r->ctl_cached++;
		memcpy(r->sum_key, key, STORE_ORDER_BYTES);
		memcpy(r->sum_hash, hash, ENTRY_HASH_BYTES);
		if (kind == ENTRY_K_CHECKPOINT &&
		    record_cover_note(r, a, seq) != 0)
			return record_fail_at(w->f, DT_ENOMEM, NULL, 0, NULL,
			    NULL, "out of memory");
		return 0;
	}
	return store_scan_hash(w->t, hash, control_cb, w);
}

static int
count_row(void *ctx, const unsigned char *key, const unsigned char *hash)
{
	(void)key;
	(void)hash;
	(*(uint64_t *)ctx)++;
	return 0;
}

/*
 * ctl_summary() - an opening's control pass from the summary row of
 * `checked` (FORMAT.md section 8), which a verification that passed
 * wrote: the first n rows of the control index, ending at a row it
 * names, were all checked then; of them only the membership entries
 * (listed, in order) are read again, the checkpoints' coverage is in
 * the summary, and the rows after it are taken as control_row_cb()
 * takes any row.  The summary stands only if the row it ends at is
 * there and the index has exactly n rows up to it (a row imported with
 * a smaller clock, put before it, makes the count differ).
 * @return 0 (done), 1 (no summary that stands: nothing done), or the
 *         failure of a row after it.
 */
static int
ctl_summary(struct control_walk *w)
{
	record *r = w->r;
	unsigned char *v = NULL, digest[ENTRY_HASH_BYTES];
	const unsigned char *key, *hash, *p;
	uint64_t n, total, after = 0;
	size_t len, ncov, nmem, i;
	int rc = 1;

	if (store_ctl_summary_get(w->t, &v, &len) != 0)
		return 1;
	if (len < 8 + STORE_ORDER_BYTES + 2 * ENTRY_HASH_BYTES + 4)
		goto out;
	n = store_get_be64(v);
	key = v + 8;
	hash = key + STORE_ORDER_BYTES;
	p = hash + 2 * ENTRY_HASH_BYTES;
	ncov = (size_t)p[0] << 24 | (size_t)p[1] << 16 | (size_t)p[2] << 8 |
	    p[3];
	p += 4;
	if (ncov > (len - (size_t)(p - v)) / (KEY_PK_BYTES + 8) ||
	    len - (size_t)(p - v) - ncov * (KEY_PK_BYTES + 8) < 4)
		goto out;
	p += ncov * (KEY_PK_BYTES + 8);
	nmem = (size_t)p[0] << 24 | (size_t)p[1] << 16 | (size_t)p[2] << 8 |
	    p[3];
	p += 4;
	if (nmem == 0 || nmem > n || (len - (size_t)(p - v)) !=
	    nmem * ENTRY_HASH_BYTES)
		goto out;
	/*
	 * The first n rows must be those the summary was made from: a row
	 * changed or put among them (an entry imported with a smaller
	 * clock) changes their digest, and the pass starts from scratch.
	 */
	if (store_control_prefix(w->t, n, digest) != 0 ||
	    sodium_memcmp(digest, hash + ENTRY_HASH_BYTES,
	    ENTRY_HASH_BYTES) != 0 ||
	    store_control_count(w->t, &total) != 0 ||
	    store_scan_control_after(w->t, key, hash, count_row, &after) != 0 ||
	    n + after != total)
		goto out;
	/* The membership entries, read and checked as in any pass. */
	for (i = 0; i < nmem; i++)
		if (store_scan_hash(w->t, p + i * ENTRY_HASH_BYTES, control_cb,
		    w) != 0 || !w->seen_genesis)
			goto out;
	p = hash + 2 * ENTRY_HASH_BYTES + 4;
	for (i = 0; i < ncov; i++, p += KEY_PK_BYTES + 8)
		if ((rc = record_cover_note(r, p,
		    store_get_be64(p + KEY_PK_BYTES))) != 0) {
			rc = record_fail_at(w->f, rc, NULL, 0, NULL, NULL,
			    "out of memory");
			goto out;
		}
	r->ctl_n += n - nmem;
	r->ctl_cached += n - nmem;
	memcpy(r->sum_key, key, STORE_ORDER_BYTES);
	memcpy(r->sum_hash, hash, ENTRY_HASH_BYTES);
	rc = store_scan_control_after(w->t, key, hash, control_row_cb, w);
	r->sum_dirty = after > 0;
out:
	free(v);
	return rc;
}

/*
 * record_ctl_summary_put() - write the summary of the last control pass,
 * in t.
 */
int
record_ctl_summary_put(record *r, store_txn *t)
{
	unsigned char *v, *p;
	size_t len, i;
	int rc;

	len = 8 + STORE_ORDER_BYTES + 2 * ENTRY_HASH_BYTES + 4 +
	    r->ncover * (KEY_PK_BYTES + 8) + 4 + r->nmemh * ENTRY_HASH_BYTES;
	if ((v = malloc(len)) == NULL)
		return DT_ENOMEM;
	store_be64(v, r->sum_n);
	memcpy(v + 8, r->sum_key, STORE_ORDER_BYTES);
	memcpy(v + 8 + STORE_ORDER_BYTES, r->sum_hash, ENTRY_HASH_BYTES);
	/* the digest of the rows read, in this transaction's snapshot */
	if ((rc = store_control_prefix(t, r->sum_n, v + 8 + STORE_ORDER_BYTES +
	    ENTRY_HASH_BYTES)) != 0) {
		free(v);
		return rc;
	}
	p = v + 8 + STORE_ORDER_BYTES + 2 * ENTRY_HASH_BYTES;
	p[0] = (unsigned char)(r->ncover >> 24);
	p[1] = (unsigned char)(r->ncover >> 16);
	p[2] = (unsigned char)(r->ncover >> 8);
	p[3] = (unsigned char)r->ncover;
	p += 4;
	for (i = 0; i < r->ncover; i++, p += KEY_PK_BYTES + 8) {
		memcpy(p, r->cover[i].author, KEY_PK_BYTES);
		store_be64(p + KEY_PK_BYTES, r->cover[i].size);
	}
	p[0] = (unsigned char)(r->nmemh >> 24);
	p[1] = (unsigned char)(r->nmemh >> 16);
	p[2] = (unsigned char)(r->nmemh >> 8);
	p[3] = (unsigned char)r->nmemh;
	p += 4;
	if (r->nmemh > 0)
		memcpy(p, r->memh, r->nmemh * ENTRY_HASH_BYTES);
	rc = store_ctl_summary_put(t, v, len);
	free(v);
	return rc;
}

/* Rebuild r's membership from the control entries, within t. */
int
record_load_control(record *r, store_txn *t, record_failure *f)
{
	struct control_walk w;
	int rc;

	memset(&w, 0, sizeof w);
	w.r = r;
	w.f = f;
	w.t = t;
	r->nfresh = 0;
	r->ctl_n = r->ctl_checked = r->ctl_cached = r->ctl_read = 0;
	r->nmemh = 0;
	r->sum_n = 0;
	r->sum_dirty = 1;
	memset(f, 0, sizeof *f);
	record_members_reset(r);
	rc = store_dialogue(t, r->id);
	if (rc == DT_ENOENT)
		return record_fail_at(f, DT_ECORRUPT, NULL, 0, NULL, NULL,
		    "the store names no dialogue");
	if (rc != 0)
		return record_fail_at(f, rc, NULL, 0, NULL, NULL,
		    "cannot read the dialogue id");
	r->have_id = 1;
	r->ctl_txn = t;
	if (r->ctl_trust && (rc = ctl_summary(&w)) != 1) {
		if (rc != 0)
			goto failed;
		goto loaded;
	}
	if (r->ctl_trust) {
		/* No summary that stands: the whole index, from scratch. */
		record_members_reset(r);
		memset(&w, 0, sizeof w);
		w.r = r;
		w.f = f;
		w.t = t;
		memset(f, 0, sizeof *f);
		r->nfresh = r->nmemh = 0;
		r->ctl_n = r->ctl_checked = r->ctl_cached = r->ctl_read = 0;
		r->sum_dirty = 1;
	}
	rc = r->ctl_trust ? store_scan_control_rows(t, control_row_cb, &w) :
	    store_scan_control(t, control_cb, &w);
failed:
	r->ctl_txn = NULL;
	if (rc != 0) {
		if (f->code == 0)
			record_fail_at(f, rc, NULL, 0, NULL, NULL,
			    "cannot read the control entries: %s",
			    dt_strerror(rc));
		return f->code;
	}
loaded:
	r->ctl_txn = NULL;
	if (!w.seen_genesis)
		return record_fail_at(f, DT_ECORRUPT, NULL, 0, NULL, r->id,
		    "the genesis entry is missing");
	r->sum_n = r->ctl_n;
	return 0;
}

/* For storage/membership.c and storage/internal.c (record_int.h). */
int
record_int_reload(record *r, store_txn *t)
{
	record_failure f;

	return record_load_control(r, t, &f);
}
