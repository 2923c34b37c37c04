/*
 * record_append.c: record_append(): a new entry's references and clock
 * (collect_refs()), built, checked by record_check_entry() and stored in
 * one write transaction; and the writer's steps record_int.h gives to
 * storage/membership.c and storage/internal.c.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "../crypto/err.h"
#include "payload.h"
#include "record_priv.h"

/*
 * The references a new entry of id carries: the head of every other
 * feed that id's previous entry did not already reference at that very
 * position.  Authors ascend because store_heads() returns them so.
 * *max_clock is the greatest clock the entry builds on: its own feed's
 * head's and its references'.  A head left out because the previous
 * entry referenced it already has a smaller clock than that entry; one
 * left out because the references are full is not built on.
 */
static int
collect_refs(entry_ref **out, unsigned *nout, uint64_t *max_clock,
    store_txn *t, const unsigned char *me, const unsigned char *last,
    size_t lastlen)
{
	store_head *heads = NULL;
	size_t n = 0, i;
	entry_ref *refs = NULL;
	entry le;
	unsigned nr = 0, j;
	int rc, have_last = 0;

	*out = NULL;
	*nout = 0;
	*max_clock = 0;
	if (last != NULL && entry_parse(&le, last, lastlen) == 0)
		have_last = 1;
	if ((rc = store_heads(&heads, &n, t)) != 0)
		return rc;
	if (n > 0 && (refs = calloc(n, sizeof *refs)) == NULL) {
		rc = DT_ENOMEM;
		goto out;
	}
	for (i = 0; i < n; i++) {
		int known = 0;

		if (memcmp(heads[i].author, me, KEY_PK_BYTES) == 0) {
			if (heads[i].next_seq > 0 &&
			    heads[i].clock > *max_clock)
				*max_clock = heads[i].clock;
			continue;
		}
		if (heads[i].next_seq == 0)
			continue;
		for (j = 0; have_last && j < le.nrefs; j++) {
			entry_ref r;

			entry_ref_get(&r, &le, j);
			if (memcmp(r.author, heads[i].author, KEY_PK_BYTES) ==
			    0 && r.seq == heads[i].next_seq - 1)
				known = 1;
		}
		if (known)
			continue;
		if (nr == ENTRY_MAX_REFS)
			break;
		memcpy(refs[nr].author, heads[i].author, KEY_PK_BYTES);
		refs[nr].seq = heads[i].next_seq - 1;
		memcpy(refs[nr].hash, heads[i].hash, ENTRY_HASH_BYTES);
		nr++;
		if (heads[i].clock > *max_clock)
			*max_clock = heads[i].clock;
	}
	*out = refs;
	*nout = nr;
	refs = NULL;
out:
	free(refs);
	free(heads);
	return rc;
}

/*
 * Build, check and store one entry of id inside the write transaction
 * t.  payload is the clear JSON text.
 */
static int
append_txn(record *r, store_txn *t, const key_identity *id, unsigned kind,
    const char *payload, int internal, unsigned char hash[ENTRY_HASH_BYTES],
    uint64_t *seq_out)
{
	unsigned char *last = NULL, *bytes = NULL, h[ENTRY_HASH_BYTES];
	size_t lastlen = 0, len = 0;
	entry_ref *refs = NULL;
	unsigned nrefs = 0;
	uint64_t max_clock = 0;
	store_head head;
	entry_draft d;
	entry e;
	json_t *o = NULL;
	const char *why = NULL;
	record_failure f;
	record_stats ast;
	size_t nfaults;
	long cur;
	int rc, have_head;

	rc = store_head_get(&head, t, id->pk);
	if (rc != 0 && rc != DT_ENOENT)
		goto out;
	have_head = rc == 0;
	if (have_head && (rc = store_get(&last, &lastlen, t, id->pk,
	    head.next_seq - 1)) != 0)
		goto out;
	if ((rc = collect_refs(&refs, &nrefs, &max_clock, t, id->pk, last,
	    lastlen)) != 0)
		goto out;
	/* Unreachable while every entry obeys the clock rule; never wrap. */
	if (max_clock == UINT64_MAX) {
		rc = DT_ECLOCK;
		goto out;
	}
	memset(&d, 0, sizeof d);
	d.kind = kind;
	d.dialogue = r->id;
	d.seq = have_head ? head.next_seq : 0;
	d.clock = max_clock + 1;
	d.time_ms = record_now_ms();
	d.prev = have_head ? head.hash : NULL;
	d.refs = refs;
	d.nrefs = nrefs;
	d.payload = (const unsigned char *)payload;
	d.payload_len = strlen(payload);
	/* The newest epoch whose key is held (epoch.h); 0 names none. */
	if (internal && entry_kind_is_content(kind)) {
		/* an internal note: the newest key of the writer's party */
		const record_member *me = record_member_find(r, id->pk);
		const epoch_info *pe = me == NULL ? NULL :
		    epoch_party_current(&r->ring, me->party);

		if (kind != ENTRY_K_NOTE) {
			rc = DT_EINVAL;
			goto out;
		}
		if (pe == NULL) {
			rc = me == NULL ? DT_EMEMBER : DT_ENOKEY;
			goto out;
		}
		d.key = epoch_key_of(&r->ring, pe->id);
		d.epoch = pe->id;
		d.internal = 1;
	} else if ((cur = epoch_current(&r->ring)) >= 0) {
		d.key = epoch_key_of(&r->ring, r->ring.v[cur].id);
		d.epoch = cur > 0 ? r->ring.v[cur].id : NULL;
	}
	if (internal && kind == ENTRY_K_KEY_WRAP)
		d.internal = 1;
	else if (internal && !entry_kind_is_content(kind)) {
		rc = DT_EINVAL;
		goto out;
	}
	/* Refuse early, with the reason, what verify would refuse later. */
	if ((rc = record_may_write(r, id->pk, kind, d.clock, &why)) != 0)
		goto out;
	if ((o = payload_parse(d.payload, d.payload_len)) == NULL ||
	    payload_check(kind, o) != 0) {
		rc = DT_EFORMAT;
		goto out;
	}
	if (!entry_kind_is_content(kind)) {
		rc = kind == ENTRY_K_GENESIS ? DT_EINVAL : 0;
		if (kind == ENTRY_K_MEMBER_ADD || kind == ENTRY_K_MEMBER_REMOVE ||
		    kind == ENTRY_K_KEY_WRAP) {
			entry fake;

			memset(&fake, 0, sizeof fake);
			fake.kind = kind;
			fake.flags = d.internal ? ENTRY_FLAG_INTERNAL : 0;
			fake.author = id->pk;
			fake.clock = d.clock;
			rc = record_control_rules(r, &fake, o, 0, &why);
		}
		if (rc != 0)
			goto out;
	}
	if ((rc = entry_build(&bytes, &len, &d, id)) != 0)
		goto out;
	if ((rc = entry_parse(&e, bytes, len)) != 0)
		goto out;
	entry_hash(h, bytes, len);
	memset(&ast, 0, sizeof ast);
	nfaults = r->faults.n;
	r->closes_valid = 0;
	if ((rc = record_check_entry(r, t, &e, h, have_head ? head.hash : NULL,
	    have_head ? head.clock : 0, record_key(r) ? RECORD_VERIFY_KEY : 0,
	    &f,
	    &ast)) != 0)
		goto out;
	/*
	 * What this build wrote must read back: never write a fault.  An
	 * entry of a meeting the writer's side has closed would be late
	 * (late.h): refused as not fitting the record's state.
	 */
	if (ast.faults != 0) {
		rc = r->faults.n > nfaults &&
		    r->faults.v[r->faults.n - 1].reason == FAULT_LATE ?
		    DT_ESTATE : DT_EFORMAT;
		r->faults.n = nfaults;
		goto out;
	}
	if ((rc = store_put(t, &e, h)) != 0)
		goto out;
	if (hash != NULL)
		memcpy(hash, h, ENTRY_HASH_BYTES);
	if (seq_out != NULL)
		*seq_out = e.seq;
out:
	json_decref(o);
	free(bytes);
	free(refs);
	free(last);
	return rc;
}

/*
 * Run fn's appends in one write transaction, after reloading the
 * membership inside it (another process may have changed it).
 */
static int
append_begin(record *r, store_txn **t)
{
	record_failure f;
	int rc;

	*t = NULL;
	if (r->fail.code != 0)
		return r->fail.code;
	if ((rc = store_txn_begin(t, r->s, 1)) != 0)
		return rc;
	if ((rc = record_load_control(r, *t, &f)) != 0) {
		r->fail = f;
		store_txn_abort(*t);
		*t = NULL;
	}
	return rc;
}

int
record_append(record *r, const key_identity *id, unsigned kind,
    const char *payload, unsigned char hash[ENTRY_HASH_BYTES], uint64_t *seq)
{
	store_txn *t = NULL;
	int rc;

	if (entry_kind_is_content(kind) && record_key(r) == NULL)
		return DT_ENOKEY;
	/* titles, places, owners: the writer's rule (payload.h) */
	if ((rc = payload_fields_check_text(kind, payload, NULL)) != 0)
		return rc;
	if ((rc = append_begin(r, &t)) != 0)
		return rc;
	if ((rc = append_txn(r, t, id, kind, payload, 0, hash, seq)) != 0) {
		store_txn_abort(t);
		return rc;
	}
	return store_txn_commit(t);
}

int
record_append_meeting_text(record *r, const key_identity *id, unsigned kind,
    uint64_t meeting, const char *key, const char *text, size_t len,
    unsigned char hash[ENTRY_HASH_BYTES])
{
	json_t *p;
	char *payload = NULL;
	int rc;

	if (meeting > (uint64_t)INT64_MAX)
		return DT_ERANGE;
	p = json_pack("{s:i,s:I,s:s%}", "v", PAYLOAD_VERSION, "meeting",
	    (json_int_t)meeting, key, text, len);
	if (p == NULL || (payload = payload_dump(p)) == NULL) {
		json_decref(p);
		return DT_ENOMEM;
	}
	rc = record_append(r, id, kind, payload, hash, NULL);
	payload_free(payload);
	json_decref(p);
	return rc;
}

/*
 * ---- For storage/membership.c (record_int.h): the writer's steps, so
 * that removal, rekeying and replacement live in a file of their own.
 */
int
record_int_begin(record *r, store_txn **t)
{
	return append_begin(r, t);
}

int
record_int_append(record *r, store_txn *t, const key_identity *id,
    unsigned kind, const char *payload, unsigned char hash[ENTRY_HASH_BYTES])
{
	return append_txn(r, t, id, kind, payload, 0, hash, NULL);
}

int
record_int_append_flags(record *r, store_txn *t, const key_identity *id,
    unsigned kind, const char *payload, int internal,
    unsigned char hash[ENTRY_HASH_BYTES], uint64_t *seq)
{
	return append_txn(r, t, id, kind, payload, internal, hash, seq);
}
