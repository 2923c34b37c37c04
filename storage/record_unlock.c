/*
 * record_unlock.c: record_unlock(): every key-wrap box addressed to an
 * identity opened, one key per epoch, into the record's ring (epoch.h).
 */
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "../crypto/err.h"
#include "../crypto/wrap.h"
#include "payload.h"
#include "record_priv.h"

struct unlock_walk {
	record *r;
	const key_identity *id;
	char to[2 * KEY_PK_BYTES + 1];
	int found;
	int opened;
	int rc;
};

static int
unlock_cb(void *ctx, const unsigned char *bytes, size_t len,
    const unsigned char hash[ENTRY_HASH_BYTES])
{
	struct unlock_walk *w = ctx;
	unsigned char box[WRAP_BOX_BYTES], *key = NULL;
	unsigned char held[WRAP_KEYID_BYTES];
	const json_t *v;
	json_t *o;
	size_t i, blen;
	entry e;

	(void)hash;
	if (entry_parse(&e, bytes, len) != 0 || e.kind != ENTRY_K_KEY_WRAP ||
	    (o = payload_parse(e.body, e.body_len)) == NULL)
		return 0;
	/* an epoch whose key is held already needs no box opened */
	if (key_unhex(held, sizeof held, json_string_value(json_object_get(o,
	    "key_id"))) == 0 && epoch_key_of(&w->r->ring, held) != NULL) {
		json_decref(o);
		return 0;
	}
	json_array_foreach(json_object_get(o, "wraps"), i, v) {
		const char *to = json_string_value(json_object_get(v, "to"));
		const char *b64 = json_string_value(json_object_get(v, "box"));

		if (to == NULL || b64 == NULL || strcmp(to, w->to) != 0)
			continue;
		w->found = 1;
		if (sodium_base642bin(box, sizeof box, b64, strlen(b64), NULL,
		    &blen, NULL, sodium_base64_VARIANT_ORIGINAL) != 0 ||
		    blen != sizeof box) {
			w->rc = DT_EFORMAT;
			continue;
		}
		/* a party key wrap's boxes have their own context string */
		if ((w->rc = wrap_open_as(&key, box, w->r->id, w->id,
		    (e.flags & ENTRY_FLAG_INTERNAL) ? WRAP_FOR_PARTY :
		    WRAP_FOR_DIALOGUE)) == 0) {
			unsigned char kid[WRAP_KEYID_BYTES];
			char kidhex[2 * WRAP_KEYID_BYTES + 1];

			/* The box must hold the key its entry names. */
			wrap_key_id(kid, key);
			key_hex(kidhex, kid, sizeof kid);
			if (strcmp(kidhex, json_string_value(json_object_get(o,
			    "key_id"))) != 0) {
				wrap_key_free(key);
				w->rc = DT_EDECRYPT;
				continue;
			}
			/* every epoch's key addressed to id (epoch.h) */
			if ((w->rc = epoch_hold(&w->r->ring, kid, key)) != 0)
				break;
			w->opened++;
			break;
		}
	}
	json_decref(o);
	return 0;
}

int
record_unlock(record *r, const key_identity *id)
{
	struct unlock_walk w;
	store_txn *t = NULL;
	int rc;

	/* Read again each time: an import may bring a new epoch's key. */
	memset(&w, 0, sizeof w);
	w.r = r;
	w.id = id;
	w.rc = DT_ENOKEY;
	key_hex(w.to, id->pk, KEY_PK_BYTES);
	if ((rc = store_txn_begin(&t, r->s, 0)) != 0)
		return rc;
	rc = store_scan_control(t, unlock_cb, &w);
	store_txn_abort(t);
	if (rc != 0)
		return rc;
	if (w.rc == DT_ENOMEM)
		return w.rc;
	if (w.opened > 0 || record_key(r) != NULL)
		return 0;
	return w.found ? w.rc : DT_ENOKEY;
}
