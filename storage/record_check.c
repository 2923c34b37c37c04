/*
 * record_check.c: record_check_entry(), the checks one entry must pass,
 * run unchanged by append, import and verify: dialogue binding, chain,
 * signature, references, clock, membership and role, payload schema,
 * seals, decryption under its key epoch; the member faults it notes
 * (record_note_fault()) and the late entries it finds (record_late_check(),
 * over the record's meeting-closes).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "../crypto/err.h"
#include "../crypto/wrap.h"
#include "checkpoint.h"
#include "msig.h"
#include "payload.h"
#include "record_priv.h"
#include "seal.h"

/*
 * record_sig_ok() - 1 if e's signature verifies: checked here, or checked by a
 * sigpool worker on the very bytes whose leaf hash is hash.
 */
int
record_sig_ok(const record *r, const entry *e,
    const unsigned char hash[ENTRY_HASH_BYTES])
{
	if (r->presig != NULL && memcmp(r->presig, hash, ENTRY_HASH_BYTES) == 0)
		return 1;
	if (r->sig_covered)
		return 1;
	return entry_verify_sig(e) == 0;
}

/*
 * seal_defer() - in a verify walk, a seal entry's checks but its listed
 * roots, and the entry noted for verify_seals() after the walk.
 */
static int
seal_defer(record *r, store_txn *t, const entry *e,
    const unsigned char hash[ENTRY_HASH_BYTES], char *why, size_t whylen)
{
	struct seal_later *nl;
	int rc;

	if ((rc = seal_check_entry_flags(r, t, e, SEAL_CHECK_NO_ROOTS, why,
	    whylen)) != 0)
		return rc;
	if (r->nlater == r->caplater) {
		size_t cap = r->caplater ? 2 * r->caplater : 16;

		if ((nl = realloc(r->later, cap * sizeof *nl)) == NULL) {
			snprintf(why, whylen, "out of memory");
			return DT_ENOMEM;
		}
		r->later = nl;
		r->caplater = cap;
	}
	memcpy(r->later[r->nlater].author, e->author, KEY_PK_BYTES);
	r->later[r->nlater].seq = e->seq;
	memcpy(r->later[r->nlater].hash, hash, ENTRY_HASH_BYTES);
	r->nlater++;
	return 0;
}

/*
 * attendance_own_party() - 0 if every key the attendance entry e lists
 * (present, absent) is a member of its author's party at e's clock, 1 if
 * one is not, or a negative error.  e has decrypted to a payload of its
 * kind already (fault_classify()); this opens it again into r->scratch.
 */
static int
attendance_own_party(record *r, const entry *e)
{
	static const char *const lists[2] = { "present", "absent" };
	unsigned char pk[KEY_PK_BYTES];
	const record_member *a, *m;
	const json_t *k;
	size_t plen = 0, i, j;
	json_t *o;
	int rc = 0;

	if ((a = record_member_find(r, e->author)) == NULL)
		return 1;
	if ((rc = entry_open_into(r->scratch, SCRATCH_BYTES, &plen, e,
	    epoch_key_for(&r->ring, e))) != 0)
		return rc;
	o = payload_parse(r->scratch, plen);
	sodium_memzero(r->scratch, plen);
	if (o == NULL)
		return DT_EFORMAT;
	for (i = 0; i < 2 && rc == 0; i++)
		json_array_foreach (json_object_get(o, lists[i]), j, k) {
			if (key_unhex(pk, KEY_PK_BYTES, json_string_value(k)) !=
			    0 || (m = record_member_find(r, pk)) == NULL ||
			    strcmp(m->party, a->party) != 0 ||
			    m->added_clock >= e->clock) {
				rc = 1;
				break;
			}
		}
	json_decref(o);
	return rc;
}

/*
 * record_note_fault() - the content entry e is its author's fault (reason, an
 * enum fault_reason): list it in r->faults and, in a write transaction
 * (an import), keep its row in the store with the entry.
 */
int
record_note_fault(record *r, store_txn *t, const entry *e,
    const unsigned char hash[ENTRY_HASH_BYTES], int reason,
    record_failure *f, record_stats *st)
{
	record_fault rf;
	int rc;

	memset(&rf, 0, sizeof rf);
	memcpy(rf.hash, hash, ENTRY_HASH_BYTES);
	memcpy(rf.author, e->author, KEY_PK_BYTES);
	rf.seq = e->seq;
	rf.kind = e->kind;
	rf.reason = reason;
	if ((rc = fault_list_add(&r->faults, &rf)) != 0 ||
	    (!store_txn_readonly(t) && (rc = store_fault_put(t, &rf)) != 0))
		return record_fail_at(f, rc, NULL, 0, NULL, NULL,
		    "cannot keep a member fault: %s", dt_strerror(rc));
	if (st != NULL)
		st->faults++;
	return 0;
}

/* closes_cb() - store_scan_kind() callback: one meeting-close. */
static int
closes_cb(void *ctx, const unsigned char *bytes, size_t len,
    const unsigned char hash[ENTRY_HASH_BYTES])
{
	record *r = ctx;
	const record_member *m;
	struct rclose *nc;
	int64_t meeting = -1;
	entry e;
	int rc;

	(void)hash;
	if (entry_parse(&e, bytes, len) != 0)
		return DT_ECORRUPT;
	/* a close of an epoch whose key is not held is not read */
	if (epoch_key_for(&r->ring, &e) == NULL)
		return 0;
	/* nor one written after its author's removal: it counts for nothing */
	if (record_removed_writer(r, e.author, e.kind, e.clock))
		return 0;
	/* a close that is its author's fault closes nothing */
	if ((rc = fault_classify_meeting(&e, epoch_key_for(&r->ring, &e),
	    r->scratch,
	    SCRATCH_BYTES, &meeting)) < 0)
		return rc;
	if (rc > 0 || meeting < 0 ||
	    (m = record_member_find(r, e.author)) == NULL)
		return 0;
	if (r->ncloses == r->capcloses) {
		size_t cap = r->capcloses ? 2 * r->capcloses : 8;

		if ((nc = realloc(r->closes, cap * sizeof(*nc))) == NULL)
			return DT_ENOMEM;
		r->closes = nc;
		r->capcloses = cap;
	}
	nc = &r->closes[r->ncloses++];
	memset(nc, 0, sizeof(*nc));
	memcpy(nc->c.author, e.author, KEY_PK_BYTES);
	nc->c.seq = e.seq;
	nc->c.clock = e.clock;
	nc->meeting = meeting;
	snprintf(nc->party, sizeof(nc->party), "%s", m->party);
	return 0;
}

/* cmp_rclose() - closes by meeting, ascending. */
static int
cmp_rclose(const void *a, const void *b)
{
	const struct rclose *x = a, *y = b;

	return (x->meeting > y->meeting) - (x->meeting < y->meeting);
}

/*
 * record_late_check() - whether the content entry e, of meeting, is late: a
 * meeting-close of that meeting by a member of its author's party, other
 * than e, is in its causal past (late.h).  r->scratch must be free.
 */
int
record_late_check(int *late, record *r, store_txn *t, const entry *e,
    int64_t meeting)
{
	const record_member *m = record_member_find(r, e->author);
	size_t i, lo, hi;
	int rc, y;

	*late = 0;
	if (m == NULL)
		return 0;
	if (!r->closes_valid) {
		r->ncloses = 0;
		if ((rc = store_scan_kind(t, ENTRY_K_MEETING_CLOSE, NULL,
		    closes_cb, r)) != 0)
			return rc;
		if (r->ncloses > 1)
			qsort(r->closes, r->ncloses, sizeof(*r->closes),
			    cmp_rclose);
		r->closes_valid = 1;
	}
	/* the first close of the meeting, by binary search */
	for (lo = 0, hi = r->ncloses; lo < hi;) {
		size_t mid = lo + (hi - lo) / 2;

		if (r->closes[mid].meeting < meeting)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = lo; i < r->ncloses && r->closes[i].meeting == meeting; i++) {
		const struct rclose *c = &r->closes[i];

		if (c->c.clock >= e->clock || strcmp(c->party, m->party) != 0)
			continue;
		if ((rc = late_follows(&y, t, &c->c, e)) != 0)
			return rc;
		if (y) {
			*late = 1;
			return 0;
		}
	}
	return 0;
}

/* How far back along its own feed epoch_feed_has() looks. */
#define EPOCH_FEED_LOOK 64U

/*
 * epoch_feed_has() - 1 if one of the last EPOCH_FEED_LOOK entries of e's
 * own feed before it, the latest content entry among them (internal if
 * e is an internal note, else not), names e's
 * epoch: that entry passed this check when it was stored (or earlier in
 * this walk), and its causal past is in e's, so e needs no walk.  This
 * keeps an incremental verify that starts in the middle of a feed from
 * walking back to an epoch's key wrap, however old.
 */
static int
epoch_feed_has(store_txn *t, const entry *e)
{
	unsigned char *b = NULL;
	uint64_t s;
	size_t len = 0;
	entry p;
	int found = 0, stop = 0;

	for (s = e->seq; s > 0 && e->seq - s < EPOCH_FEED_LOOK && !stop; s--) {
		if (store_get(&b, &len, t, e->author, s - 1) != 0)
			break;
		/* the latest of its class: internal notes name party keys */
		if (entry_parse(&p, b, len) == 0 &&
		    entry_kind_is_content(p.kind) &&
		    entry_is_internal(&p) == entry_is_internal(e)) {
			found = p.epoch != NULL && memcmp(p.epoch, e->epoch,
			    ENTRY_EPOCH_BYTES) == 0;
			stop = 1;
		}
		free(b);
		b = NULL;
	}
	return found;
}

/*
 * epoch_check() - the key epoch the content entry e names must be one of
 * the record's, started by a key wrap in e's causal past (epoch 0, the
 * dialogue's first, is in every entry's).  Read on clear, signed bytes,
 * so it needs no key.  A feed's entries usually name the epoch of their
 * previous entry, which was checked already: only a change walks back.
 */
static int
epoch_check(record *r, store_txn *t, const entry *e,
    const unsigned char hash[ENTRY_HASH_BYTES], record_failure *f)
{
	const epoch_info *ep;
	const record_member *a;
	char hex[2 * WRAP_KEYID_BYTES + 1];
	late_close c;
	int y = 0, rc;

	key_hex(hex, e->epoch, WRAP_KEYID_BYTES);
	if (entry_is_internal(e)) {
		/* an internal note: a party epoch of its author's party */
		ep = epoch_party_find(&r->ring, e->epoch);
		a = record_member_find(r, e->author);
		if (ep == NULL || a == NULL || strcmp(ep->party, a->party) != 0)
			return record_fail_at(f, DT_EFORMAT, e->author, e->seq,
			    hash, NULL,
			    "is an internal note under key %s, which no "
			    "party key wrap of its author's party starts", hex);
	} else if ((ep = epoch_find(&r->ring, e->epoch)) == NULL)
		return record_fail_at(f, DT_EFORMAT, e->author, e->seq, hash,
		    NULL, "names key epoch %s, which no key wrap of the record "
		    "starts", hex);
	if (ep != &r->ring.v[0] &&
	    !epoch_seen_ok(&r->ring, e->author, e->seq, e->epoch) &&
	    !epoch_feed_has(t, e)) {
		memcpy(c.author, ep->author, KEY_PK_BYTES);
		c.seq = ep->seq;
		c.clock = ep->clock;
		if ((rc = late_follows(&y, t, &c, e)) != 0)
			return record_fail_at(f, rc, e->author, e->seq, hash,
			    NULL, "cannot read the causal past: %s",
			    dt_strerror(rc));
		if (!y)
			return record_fail_at(f, DT_EFORMAT, e->author, e->seq,
			    hash, NULL,
			    "names key epoch %s, whose key wrap is not "
			    "in its causal past", hex);
	}
	if (epoch_seen_note(&r->ring, e->author, e->seq, e->epoch) != 0)
		return record_fail_at(f, DT_ENOMEM, NULL, 0, NULL, NULL,
		    "out of memory");
	return 0;
}

/*
 * The checks one entry must pass, given the previous entry of its feed
 * (prev_hash NULL at seq 0).  Used unchanged by append and verify.
 * Control entries' membership effects are applied by record_load_control(),
 * not here; here they are checked against the membership as loaded.
 */
int
record_check_entry(record *r, store_txn *t, const entry *e,
    const unsigned char hash[ENTRY_HASH_BYTES],
    const unsigned char *prev_hash, uint64_t prev_clock, unsigned flags,
    record_failure *f, record_stats *st)
{
	const unsigned char *a = e->author;
	const char *why = NULL;
	json_t *o = NULL;
	uint64_t built_on;
	int64_t meeting = -1;
	unsigned i;
	int rc, late = 0, removed = 0;

	if (e->kind == ENTRY_K_GENESIS) {
		if (!r->have_id || memcmp(hash, r->id,
		    ENTRY_HASH_BYTES) != 0)
			return record_fail_at(f, DT_EDIALOGUE, a, e->seq, hash,
			    r->have_id ? r->id : NULL,
			    "a genesis entry other than this dialogue's");
	} else if (!r->have_id || memcmp(e->dialogue, r->id,
	    ENTRY_HASH_BYTES) != 0)
		return record_fail_at(f, DT_EDIALOGUE, a, e->seq, hash, NULL,
		    "entry belongs to another dialogue");
	if (e->seq == 0 ? prev_hash != NULL : (prev_hash == NULL ||
	    memcmp(e->prev, prev_hash, ENTRY_HASH_BYTES) != 0))
		return record_fail_at(f, DT_ECHAIN, a, e->seq, hash, prev_hash,
		    "hash chain broken: prev does not name the previous entry");
	if (!record_sig_ok(r, e, hash))
		return record_fail_at(f, DT_ESIG, a, e->seq, hash, NULL,
		    "bad signature");
	/*
	 * A reference names (author, seq, hash): the entry there must have
	 * that leaf hash, which its successor's prev (or its feed's head
	 * row) states without hashing it again.  The greatest clock this
	 * entry builds on, its previous entry's and its references', is
	 * kept for the clock rule below.
	 */
	built_on = e->seq > 0 ? prev_clock : 0;
	for (i = 0; i < e->nrefs; i++) {
		unsigned char want[ENTRY_HASH_BYTES];
		uint64_t rclock;
		entry_ref ref;

		entry_ref_get(&ref, e, i);
		rc = store_ref_probe(&rclock, want, t, ref.author, ref.seq);
		if (rc == DT_ENOENT || (rc == 0 && memcmp(want,
		    ref.hash, ENTRY_HASH_BYTES) != 0))
			return record_fail_at(f, DT_EREF, a, e->seq,
			    hash, ref.hash,
			    "reference %u names an entry not in the record", i);
		if (rc != 0)
			return record_fail_at(f, rc, a, e->seq, hash, ref.hash,
			    "reference %u unreadable", i);
		if (rclock > built_on)
			built_on = rclock;
	}
	/*
	 * The clock rule (FORMAT.md section 7): exactly one more than the
	 * greatest clock it builds on, so a clock grows by one per entry
	 * and no signed entry can push the record's clock out of reach.
	 * The genesis (seq 0, no references) has clock 1 by the same rule.
	 */
	if (built_on == UINT64_MAX)
		return record_fail_at(f, DT_ECLOCK, a, e->seq, hash, NULL,
		    "clock %llu: what it builds on has the largest clock, "
		    "no clock can follow it",
		    (unsigned long long)e->clock);
	if (e->clock != built_on + 1)
		return record_fail_at(f, DT_ECLOCK, a, e->seq, hash, NULL,
		    "clock %llu, expected %llu (one more than the greatest "
		    "clock of its previous entry and its references)",
		    (unsigned long long)e->clock,
		    (unsigned long long)(built_on + 1));
	/*
	 * A member removed at a lower clock that writes what its role let
	 * it write (it had not seen its removal, or runs modified software)
	 * signs evidence, not corruption: the entry passes every other
	 * header rule and is its fault (FAULT_REMOVED), noted below.
	 */
	if (e->kind != ENTRY_K_GENESIS &&
	    record_may_write(r, a, e->kind, e->clock, &why) != 0) {
		if (!record_removed_writer(r, a, e->kind, e->clock))
			return record_fail_at(f, DT_EMEMBER, a, e->seq, hash,
			    NULL, "%s", why);
		removed = 1;
	}
	/* The key epoch a content entry names (FORMAT.md section 6). */
	if (e->epoch != NULL && (rc = epoch_check(r, t, e, hash, f)) != 0)
		return rc;
	if (!entry_kind_is_content(e->kind)) {
		if ((o = payload_parse(e->body, e->body_len)) == NULL ||
		    payload_check(e->kind, o) != 0) {
			json_decref(o);
			return record_fail_at(f, DT_EFORMAT, a, e->seq, hash,
			    NULL, "%s payload is malformed",
			    entry_kind_name(e->kind));
		}
		json_decref(o);
		/* What a checkpoint or seal note claims (checkpoint.c, seal.c). */
		if (e->kind == ENTRY_K_CHECKPOINT || e->kind == ENTRY_K_SEAL) {
			char cwhy[sizeof f->detail];

			rc = e->kind == ENTRY_K_CHECKPOINT ?
			    ckpt_check_entry(r, t, e, r->walk_root, cwhy,
			    sizeof cwhy) : r->seals_later ?
			    seal_defer(r, t, e, hash, cwhy, sizeof cwhy) :
			    seal_check_entry(r, t, e, cwhy, sizeof cwhy);
			if (rc != 0)
				return record_fail_at(f, rc, a, e->seq, hash,
				    NULL, "%s", cwhy);
		}
		/* What a minutes signature claims (msig.c). */
		if (e->kind == ENTRY_K_MINUTES_SIG) {
			char mwhy[sizeof f->detail];

			if ((rc = msig_check_entry(r, e, mwhy,
			    sizeof mwhy)) != 0)
				return record_fail_at(f, rc, a, e->seq, hash,
				    NULL, "%s", mwhy);
		}
		return removed ? record_note_fault(r, t, e, hash, FAULT_REMOVED,
		    f, st) : 0;
	}
	if (st != NULL)
		st->content++;
	/* Never opened: decided on its header, with or without the key. */
	if (removed)
		return record_note_fault(r, t, e, hash, FAULT_REMOVED, f, st);
	if (!(flags & RECORD_VERIFY_KEY))
		return 0;
	if (record_key(r) == NULL)
		return record_fail_at(f, DT_ENOKEY, NULL, 0, NULL, NULL,
		    "the dialogue key is not unlocked");
	/*
	 * An entry of an epoch whose key this reader does not hold (it was
	 * added later and not given it, or the epoch is newer than its
	 * unlock) is checked as without the key (epoch.h).
	 */
	if (epoch_key_for(&r->ring, e) == NULL) {
		if (entry_is_internal(e) && st != NULL)
			st->internal_other++;
		return 0;
	}
	/*
	 * Decrypt into the record's guarded scratch buffer: one mapping
	 * for a whole walk instead of one per entry.
	 */
	if (r->scratch == NULL &&
	    (r->scratch = sodium_malloc(SCRATCH_BYTES)) == NULL)
		return record_fail_at(f, DT_ENOMEM, NULL, 0, NULL, NULL,
		    "out of memory");
	/*
	 * Content the author signed that does not decrypt, or is not a
	 * payload of its kind, is the author's fault, not a failure of the
	 * record: noted, and the entry stands (faults.h).
	 */
	if ((rc = fault_classify_meeting(e, epoch_key_for(&r->ring, e),
	    r->scratch, SCRATCH_BYTES, &meeting)) < 0)
		return record_fail_at(f, rc, a, e->seq, hash, NULL,
		    "cannot decrypt: %s", dt_strerror(rc));
	if (rc > 0)
		return record_note_fault(r, t, e, hash, rc, f, st);
	/*
	 * Written into a meeting its author's side had closed: only
	 * modified software writes it, and it is its author's fault too.
	 */
	if (late_kind(e->kind) && meeting >= 0) {
		if ((rc = record_late_check(&late, r, t, e, meeting)) != 0)
			return record_fail_at(f, rc, a, e->seq, hash, NULL,
			    "cannot read the meeting closes: %s",
			    dt_strerror(rc));
		if (e->kind == ENTRY_K_MEETING_CLOSE)
			r->closes_valid = 0; /* the next check reads it too */
		if (late)
			return record_note_fault(r, t, e, hash, FAULT_LATE, f,
			    st);
	}
	/* Attendance lists its author's party only (FORMAT.md section 7). */
	if (e->kind == ENTRY_K_ATTENDANCE &&
	    (rc = attendance_own_party(r, e)) != 0) {
		if (rc < 0)
			return record_fail_at(f, rc, a, e->seq, hash, NULL,
			    "cannot read the attendance: %s", dt_strerror(rc));
		return record_note_fault(r, t, e, hash, FAULT_KIND, f, st);
	}
	if (st != NULL)
		st->decrypted++;
	return 0;
}
