/*
 * internal.c: delegation-internal notes and the party keys they are
 * written under (record.h, "Internal notes"; docs/FORMAT.md section 6,
 * "Party keys and internal notes").
 *
 * A party key is wrapped by the party's head to the current members of
 * its party only, in a key-wrap entry with flags ENTRY_FLAG_INTERNAL
 * (a party key wrap).  The head starts a party epoch with the party's
 * first internal note, on `dialogue rekey`, and on removing or replacing
 * a member of its party once the party has one, so that what the party
 * writes internally after a removal is not readable with the removed
 * member's keys.  A party has one head, so its key wraps are one feed's,
 * in one order, and no race needs settling.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "../crypto/err.h"
#include "../crypto/wrap.h"
#include "entry.h"
#include "epoch.h"
#include "payload.h"
#include "record_int.h"

/* The party of pk, or NULL. */
static const char *
party_of(const record *r, const unsigned char pk[KEY_PK_BYTES])
{
	const record_member *m = record_member_find(r, pk);

	return m == NULL ? NULL : m->party;
}

/* wrap_party() - the party key wrap of key to the n keys pks. */
static int
wrap_party(record *r, store_txn *t, const key_identity *head,
    const unsigned char *key, const unsigned char (*pks)[KEY_PK_BYTES],
    size_t n, const char *reason)
{
	char *p = NULL;
	int rc;

	if ((rc = record_int_wrap_payload_as(&p, record_id(r), key, pks, n,
	    reason, WRAP_FOR_PARTY)) != 0)
		return rc;
	rc = record_int_append_flags(r, t, head, ENTRY_K_KEY_WRAP, p, 1, NULL,
	    NULL);
	payload_free(p);
	return rc;
}

int
record_int_party_epoch(record *r, store_txn *t, const key_identity *head,
    const char *reason, unsigned char id[8])
{
	unsigned char (*pks)[KEY_PK_BYTES] = NULL, kid[WRAP_KEYID_BYTES];
	unsigned char *key = NULL;
	const record_member *m;
	const char *party = party_of(r, head->pk);
	size_t i, n = 0;
	int rc;

	if (party == NULL)
		return DT_EMEMBER;
	if ((pks = calloc(record_nmembers(r) + 1, sizeof(*pks))) == NULL)
		return DT_ENOMEM;
	for (i = 0; i < record_nmembers(r); i++) {
		m = record_member_at(r, i);
		if (m->removed_clock == 0 && strcmp(m->party, party) == 0)
			memcpy(pks[n++], m->pk, KEY_PK_BYTES);
	}
	if ((rc = wrap_key_new(&key)) != 0 ||
	    (rc = wrap_party(r, t, head, key, pks, n, reason)) != 0 ||
	    (rc = record_int_reload(r, t)) != 0) {
		wrap_key_free(key);
		free(pks);
		return rc;
	}
	free(pks);
	wrap_key_id(kid, key);
	if (id != NULL)
		memcpy(id, kid, sizeof kid);
	/*
	 * Held now, so that an internal note can follow in this
	 * transaction; if it aborts, the key names no epoch of the record
	 * and is never used (epoch_party_current() looks at epochs only).
	 */
	return epoch_hold(record_int_ring(r), kid, key);
}

int
record_int_party_rotate(record *r, store_txn *t, const key_identity *head,
    const char *reason)
{
	const char *party = party_of(r, head->pk);

	if (party == NULL || !epoch_party_any(record_int_ring(r), party))
		return 0;
	return record_int_party_epoch(r, t, head, reason, NULL);
}

int
record_int_give_party(record *r, store_txn *t, const key_identity *head,
    const unsigned char pk[KEY_PK_BYTES], int mode)
{
	epoch_ring *g = record_int_ring(r);
	const char *party = party_of(r, head->pk), *mp = party_of(r, pk);
	const epoch_info *cur;
	unsigned char one[1][KEY_PK_BYTES];
	const unsigned char *key;
	size_t i;
	int rc;

	/* only a member of the head's own party gets its keys */
	if (party == NULL || mp == NULL || strcmp(party, mp) != 0)
		return 0;
	cur = epoch_party_current(g, party);
	memcpy(one[0], pk, KEY_PK_BYTES);
	for (i = 0; i < g->npv; i++) {
		if (strcmp(g->pv[i].party, party) != 0 ||
		    (mode == RECORD_EPOCHS_CURRENT && &g->pv[i] != cur))
			continue;
		if ((key = epoch_key_of(g, g->pv[i].id)) == NULL)
			continue;
		if ((rc = wrap_party(r, t, head, key, (const unsigned char
		    (*)[KEY_PK_BYTES])one, 1, NULL)) != 0)
			return rc;
	}
	return 0;
}

int
record_append_internal(record *r, const key_identity *id,
    const char *payload, unsigned char hash[ENTRY_HASH_BYTES], uint64_t *seq,
    int *created)
{
	const record_member *me;
	store_txn *t = NULL;
	int rc;

	if (created != NULL)
		*created = 0;
	if (record_key(r) == NULL)
		return DT_ENOKEY;
	if ((rc = payload_fields_check_text(ENTRY_K_NOTE, payload, NULL)) != 0)
		return rc;
	if ((rc = record_int_begin(r, &t)) != 0)
		return rc;
	if ((me = record_member_find(r, id->pk)) == NULL) {
		rc = DT_EMEMBER;
		goto out;
	}
	/* a head starts its party's first party epoch with the note */
	if (me->role == RECORD_ROLE_HEAD &&
	    !epoch_party_any(record_int_ring(r), me->party)) {
		if ((rc = record_int_party_epoch(r, t, id, NULL, NULL)) != 0)
			goto out;
		if (created != NULL)
			*created = 1;
	}
	if ((rc = record_int_append_flags(r, t, id, ENTRY_K_NOTE, payload, 1,
	    hash, seq)) != 0)
		goto out;
	rc = store_txn_commit(t);
	t = NULL;
out:
	store_txn_abort(t);
	return rc;
}

int
record_rekey_internal(record *r, const key_identity *head, const char *reason,
    unsigned char epoch_id[8])
{
	store_txn *t = NULL;
	const char *why;
	int rc;

	if (record_key(r) == NULL)
		return DT_ENOKEY;
	if ((rc = record_int_begin(r, &t)) != 0)
		return rc;
	if ((rc = record_may_write(r, head->pk, ENTRY_K_KEY_WRAP, UINT64_MAX,
	    &why)) != 0 ||
	    (rc = record_int_party_epoch(r, t, head, reason, epoch_id)) != 0) {
		store_txn_abort(t);
		return rc;
	}
	return store_txn_commit(t);
}

size_t
record_party_epochs(const record *r, const char *party)
{
	const epoch_ring *g = record_int_ring((record *)r);
	size_t i, n = 0;

	for (i = 0; i < g->npv; i++)
		if (strcmp(g->pv[i].party, party) == 0)
			n++;
	return n;
}

int
record_party_epoch_at(const record *r, const char *party, size_t i,
    unsigned char id[8], uint64_t *clock, int *held)
{
	const epoch_ring *g = record_int_ring((record *)r);
	size_t j, n = 0;

	for (j = 0; j < g->npv; j++) {
		if (strcmp(g->pv[j].party, party) != 0)
			continue;
		if (n++ == i) {
			memcpy(id, g->pv[j].id, WRAP_KEYID_BYTES);
			*clock = g->pv[j].clock;
			*held = epoch_key_of(g, g->pv[j].id) != NULL;
			return 0;
		}
	}
	return DT_ERANGE;
}
