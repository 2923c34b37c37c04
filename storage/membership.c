/*
 * membership.c: membership over time: adding a member with the epochs'
 * keys, removing one, rekeying, and replacing a lost key (record.h).
 *
 * Each is one write transaction of control entries (record_int.h), so a
 * replica never holds half of one.  A removal, a replacement and a rekey
 * end with a key wrap of a new key id: a new key epoch (epoch.h), wrapped
 * to every member current at its clock and to no one else, so a removed
 * key never receives it.  docs/FORMAT.md section 6 has the rules.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "../crypto/err.h"
#include "../crypto/wrap.h"
#include "entry.h"
#include "epoch.h"
#include "payload.h"
#include "record_int.h"

/* record_int_wrap_payload() - record_int.h; the genesis's wrap too. */
int
record_int_wrap_payload(char **out, const unsigned char *dialogue,
    const unsigned char *key, const unsigned char (*pks)[KEY_PK_BYTES],
    size_t n, const char *reason)
{
	return record_int_wrap_payload_as(out, dialogue, key, pks, n, reason,
	    WRAP_FOR_DIALOGUE);
}

int
record_int_wrap_payload_as(char **out, const unsigned char *dialogue,
    const unsigned char *key, const unsigned char (*pks)[KEY_PK_BYTES],
    size_t n, const char *reason, int kind)
{
	unsigned char box[WRAP_BOX_BYTES], kid[WRAP_KEYID_BYTES];
	char hex[2 * KEY_PK_BYTES + 1], kidhex[2 * WRAP_KEYID_BYTES + 1];
	char b64[sodium_base64_ENCODED_LEN(WRAP_BOX_BYTES,
	    sodium_base64_VARIANT_ORIGINAL)];
	json_t *o = NULL, *wraps;
	size_t i;
	int rc = DT_ENOMEM;

	*out = NULL;
	wrap_key_id(kid, key);
	key_hex(kidhex, kid, sizeof(kid));
	if ((wraps = json_array()) == NULL)
		goto out;
	if ((o = json_pack("{s:i,s:s,s:o}", "v", PAYLOAD_VERSION, "key_id",
	    kidhex, "wraps", wraps)) == NULL)
		goto out;
	if (reason != NULL && json_object_set_new(o, "reason",
	    json_string(reason)) != 0)
		goto out;
	for (i = 0; i < n; i++) {
		if ((rc = wrap_seal_as(box, dialogue, pks[i], key, kind)) != 0)
			goto out;
		key_hex(hex, pks[i], KEY_PK_BYTES);
		sodium_bin2base64(b64, sizeof(b64), box, sizeof(box),
		    sodium_base64_VARIANT_ORIGINAL);
		if (json_array_append_new(wraps, json_pack("{s:s,s:s}", "to",
		    hex, "box", b64)) != 0) {
			rc = DT_ENOMEM;
			goto out;
		}
	}
	rc = (*out = payload_dump(o)) != NULL ? 0 : DT_ENOMEM;
out:
	json_decref(o);
	return rc;
}

/* append_payload() - append kind with the JSON o (not consumed). */
static int
append_json(record *r, store_txn *t, const key_identity *id, unsigned kind,
    json_t *o, unsigned char hash[ENTRY_HASH_BYTES])
{
	char *p;
	int rc;

	if (o == NULL || (p = payload_dump(o)) == NULL)
		return DT_ENOMEM;
	rc = record_int_append(r, t, id, kind, p, hash);
	payload_free(p);
	if (rc == 0 && kind != ENTRY_K_KEY_WRAP)
		rc = record_int_reload(r, t);
	return rc;
}

/* give_epochs() - wrap the epochs mode names to the member pk. */
static int
give_epochs(record *r, store_txn *t, const key_identity *head,
    const unsigned char pk[KEY_PK_BYTES], int mode, size_t *given)
{
	epoch_ring *g = record_int_ring(r);
	unsigned char one[1][KEY_PK_BYTES];
	long cur = epoch_current(g);
	const unsigned char *key;
	char *p = NULL;
	size_t i;
	int rc;

	memcpy(one[0], pk, KEY_PK_BYTES);
	for (i = 0; i < g->n; i++) {
		if (mode == RECORD_EPOCHS_CURRENT && (long)i != cur)
			continue;
		if ((key = epoch_key_of(g, g->v[i].id)) == NULL)
			continue;
		if ((rc = record_int_wrap_payload(&p, record_id(r), key, one, 1,
		    NULL)) != 0)
			return rc;
		rc = record_int_append(r, t, head, ENTRY_K_KEY_WRAP, p, NULL);
		payload_free(p);
		if (rc != 0)
			return rc;
		if (given != NULL)
			(*given)++;
	}
	return 0;
}

/*
 * new_epoch() - a fresh key wrapped to every current member; *key gets
 * it (the caller holds it once the transaction commits).
 */
static int
new_epoch(record *r, store_txn *t, const key_identity *head,
    const char *reason, unsigned char **key,
    unsigned char hash[ENTRY_HASH_BYTES])
{
	unsigned char (*pks)[KEY_PK_BYTES] = NULL;
	const record_member *m;
	char *p = NULL;
	size_t i, n = 0;
	int rc;

	*key = NULL;
	if ((pks = calloc(record_nmembers(r) + 1, sizeof(*pks))) == NULL)
		return DT_ENOMEM;
	for (i = 0; i < record_nmembers(r); i++) {
		m = record_member_at(r, i);
		if (m->removed_clock == 0)
			memcpy(pks[n++], m->pk, KEY_PK_BYTES);
	}
	if ((rc = wrap_key_new(key)) != 0 ||
	    (rc = record_int_wrap_payload(&p, record_id(r), *key, pks, n,
	    reason)) != 0 ||
	    (rc = record_int_append(r, t, head, ENTRY_K_KEY_WRAP, p,
	    hash)) != 0 || (rc = record_int_reload(r, t)) != 0) {
		wrap_key_free(*key);
		*key = NULL;
	}
	payload_free(p);
	free(pks);
	return rc;
}

/* finish() - commit t, then hold the new epoch's key (may be NULL). */
static int
finish(record *r, store_txn *t, unsigned char *key,
    unsigned char epoch_id[WRAP_KEYID_BYTES])
{
	unsigned char kid[WRAP_KEYID_BYTES];
	int rc;

	if ((rc = store_txn_commit(t)) != 0) {
		wrap_key_free(key);
		return rc;
	}
	if (key == NULL)
		return 0;
	wrap_key_id(kid, key);
	if (epoch_id != NULL)
		memcpy(epoch_id, kid, sizeof(kid));
	return epoch_hold(record_int_ring(r), kid, key);
}

static json_t *
add_json(const record_member *m)
{
	char hex[2 * KEY_PK_BYTES + 1];
	const char *role = m->role == RECORD_ROLE_OBSERVER ? "observer" :
	    "delegate";

	key_hex(hex, m->pk, KEY_PK_BYTES);
	return json_pack("{s:i,s:s,s:s,s:s,s:s}", "v", PAYLOAD_VERSION,
	    "key", hex, "name", m->name, "party", m->party, "role", role);
}

static json_t *
remove_json(const unsigned char pk[KEY_PK_BYTES], const char *reason)
{
	char hex[2 * KEY_PK_BYTES + 1];
	json_t *o;

	key_hex(hex, pk, KEY_PK_BYTES);
	o = json_pack("{s:i,s:s}", "v", PAYLOAD_VERSION, "key", hex);
	if (o != NULL && reason != NULL &&
	    json_object_set_new(o, "reason", json_string(reason)) != 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

int
record_add_member(record *r, const key_identity *head,
    const record_member *m, unsigned char hash[ENTRY_HASH_BYTES])
{
	return record_add_member_epochs(r, head, m, RECORD_EPOCHS_ALL, hash,
	    NULL);
}

int
record_add_member_epochs(record *r, const key_identity *head,
    const record_member *m, int mode, unsigned char hash[ENTRY_HASH_BYTES],
    size_t *given)
{
	store_txn *t = NULL;
	json_t *o;
	int rc;

	if (given != NULL)
		*given = 0;
	if (record_key(r) == NULL)
		return DT_ENOKEY;
	if ((o = add_json(m)) == NULL)
		return DT_ENOMEM;
	if ((rc = payload_fields_check(ENTRY_K_MEMBER_ADD, o, NULL)) != 0 ||
	    (rc = record_int_begin(r, &t)) != 0)
		goto out;
	if ((rc = append_json(r, t, head, ENTRY_K_MEMBER_ADD, o, hash)) != 0 ||
	    (rc = give_epochs(r, t, head, m->pk, mode, given)) != 0 ||
	    (rc = record_int_give_party(r, t, head, m->pk, mode)) != 0)
		goto out;
	rc = finish(r, t, NULL, NULL);
	t = NULL;
out:
	store_txn_abort(t);
	json_decref(o);
	return rc;
}

int
record_remove_member(record *r, const key_identity *head,
    const unsigned char pk[KEY_PK_BYTES], const char *reason,
    unsigned char hash[ENTRY_HASH_BYTES], unsigned char epoch_id[8])
{
	unsigned char *key = NULL;
	store_txn *t = NULL;
	json_t *o;
	int rc;

	if (record_key(r) == NULL)
		return DT_ENOKEY;
	if ((o = remove_json(pk, reason)) == NULL)
		return DT_ENOMEM;
	if ((rc = record_int_begin(r, &t)) != 0)
		goto out;
	if ((rc = append_json(r, t, head, ENTRY_K_MEMBER_REMOVE, o,
	    hash)) != 0 ||
	    (rc = new_epoch(r, t, head, reason, &key, NULL)) != 0 ||
	    (rc = record_int_party_rotate(r, t, head, reason)) != 0)
		goto out;
	rc = finish(r, t, key, epoch_id);
	t = NULL;
	key = NULL;
out:
	wrap_key_free(key);
	store_txn_abort(t);
	json_decref(o);
	return rc;
}

int
record_rekey(record *r, const key_identity *head, const char *reason,
    unsigned char hash[ENTRY_HASH_BYTES], unsigned char epoch_id[8])
{
	unsigned char *key = NULL;
	store_txn *t = NULL;
	const char *why;
	int rc;

	if (record_key(r) == NULL)
		return DT_ENOKEY;
	if ((rc = record_int_begin(r, &t)) != 0)
		return rc;
	/* new_epoch()'s append checks the rest; say early who may not */
	if ((rc = record_may_write(r, head->pk, ENTRY_K_KEY_WRAP, UINT64_MAX,
	    &why)) != 0 ||
	    (rc = new_epoch(r, t, head, reason, &key, hash)) != 0 ||
	    (rc = record_int_party_rotate(r, t, head, reason)) != 0) {
		wrap_key_free(key);
		store_txn_abort(t);
		return rc;
	}
	return finish(r, t, key, epoch_id);
}

int
record_replace_member(record *r, const key_identity *head,
    const unsigned char old[KEY_PK_BYTES], const record_member *m, int mode,
    const char *reason, unsigned char hash[ENTRY_HASH_BYTES],
    unsigned char epoch_id[8], size_t *given)
{
	unsigned char *key = NULL;
	store_txn *t = NULL;
	json_t *ro, *ao = NULL;
	int rc;

	if (given != NULL)
		*given = 0;
	if (record_key(r) == NULL)
		return DT_ENOKEY;
	if ((ro = remove_json(old, reason)) == NULL ||
	    (ao = add_json(m)) == NULL) {
		rc = DT_ENOMEM;
		goto out;
	}
	if ((rc = payload_fields_check(ENTRY_K_MEMBER_ADD, ao, NULL)) != 0 ||
	    (rc = record_int_begin(r, &t)) != 0)
		goto out;
	/*
	 * Remove, add, then the earlier epochs to the new key and last the
	 * new epoch to every current member: the new epoch is the newest.
	 */
	if ((rc = append_json(r, t, head, ENTRY_K_MEMBER_REMOVE, ro,
	    NULL)) != 0 ||
	    (rc = append_json(r, t, head, ENTRY_K_MEMBER_ADD, ao, hash)) != 0 ||
	    (rc = give_epochs(r, t, head, m->pk, mode, given)) != 0 ||
	    (rc = record_int_give_party(r, t, head, m->pk, mode)) != 0 ||
	    (rc = new_epoch(r, t, head, reason, &key, NULL)) != 0 ||
	    (rc = record_int_party_rotate(r, t, head, reason)) != 0)
		goto out;
	if (given != NULL)
		(*given)++;
	rc = finish(r, t, key, epoch_id);
	t = NULL;
	key = NULL;
out:
	wrap_key_free(key);
	store_txn_abort(t);
	json_decref(ro);
	json_decref(ao);
	return rc;
}

size_t
record_epochs(const record *r)
{
	return record_int_ring((record *)r)->n;
}

int
record_epoch_at(const record *r, size_t i, unsigned char id[8],
    uint64_t *clock, int *held)
{
	const epoch_ring *g = record_int_ring((record *)r);

	if (i >= g->n)
		return DT_ERANGE;
	memcpy(id, g->v[i].id, WRAP_KEYID_BYTES);
	*clock = g->v[i].clock;
	*held = epoch_key_of(g, g->v[i].id) != NULL;
	return 0;
}

long
record_epoch_current(const record *r)
{
	return epoch_current(record_int_ring((record *)r));
}

const struct epoch_ring *
record_epoch_keys(const record *r)
{
	return record_int_ring((record *)r);
}

int
record_removed_writer(const record *r, const unsigned char pk[KEY_PK_BYTES],
    unsigned kind, uint64_t clock)
{
	const record_member *m = record_member_find(r, pk);

	if (m == NULL || m->removed_clock == 0 || m->removed_clock >= clock ||
	    kind == ENTRY_K_GENESIS)
		return 0;
	/* as the member it was, at the last clock it was one */
	return record_may_write(r, pk, kind, m->removed_clock, NULL) == 0;
}
