/*
 * faults.c: a member's faulty content entries: what makes one
 * (fault_classify()), the list a walk or an import gathers, and the row
 * the store keeps for each.  The contract is in docs/FORMAT.md, section
 * 7 ("Member faults"), and docs/SECURITY.md.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "../crypto/err.h"
#include "faults.h"
#include "payload.h"
#include "store.h"

const char *
fault_reason_name(int reason)
{
	switch (reason) {
	case FAULT_DECRYPT:
		return "content does not decrypt";
	case FAULT_PAYLOAD:
		return "content is not a valid payload";
	case FAULT_KIND:
		return "content does not fit its kind";
	case FAULT_LATE:
		return "written into a meeting its author's side had closed";
	case FAULT_REMOVED:
		return "written after its author's removal";
	default:
		return "unknown fault";
	}
}

int
fault_classify(const entry *e, const unsigned char *key,
    unsigned char *scratch, size_t cap)
{
	return fault_classify_meeting(e, key, scratch, cap, NULL);
}

int
fault_classify_meeting(const entry *e, const unsigned char *key,
    unsigned char *scratch, size_t cap, int64_t *meeting)
{
	size_t plen = 0;
	json_t *o, *m;
	int rc;

	if (meeting != NULL)
		*meeting = -1;
	if ((rc = entry_open_into(scratch, cap, &plen, e, key)) != 0)
		return rc == DT_EDECRYPT ? FAULT_DECRYPT : rc;
	o = payload_parse(scratch, plen);
	sodium_memzero(scratch, plen);
	if (o == NULL)
		return FAULT_PAYLOAD;
	rc = payload_check(e->kind, o) == 0 ? 0 : FAULT_KIND;
	m = json_object_get(o, "meeting");
	if (rc == 0 && meeting != NULL && json_is_integer(m) &&
	    json_integer_value(m) >= 0)
		*meeting = json_integer_value(m);
	json_decref(o);
	return rc;
}

void
fault_list_reset(fault_list *l)
{
	l->n = 0;
}

void
fault_list_done(fault_list *l)
{
	if (l == NULL)
		return;
	free(l->v);
	memset(l, 0, sizeof *l);
}

int
fault_list_add(fault_list *l, const record_fault *f)
{
	record_fault *v;
	size_t i, cap;

	for (i = 0; i < l->n; i++)
		if (memcmp(l->v[i].hash, f->hash, ENTRY_HASH_BYTES) == 0)
			return 0;
	if (l->n == l->cap) {
		cap = l->cap ? 2 * l->cap : 8;
		if ((v = realloc(l->v, cap * sizeof *v)) == NULL)
			return DT_ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = *f;
	return 0;
}

void
fault_list_drop(fault_list *l, const unsigned char hash[ENTRY_HASH_BYTES])
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (memcmp(l->v[i].hash, hash, ENTRY_HASH_BYTES) == 0) {
			memmove(&l->v[i], &l->v[i + 1],
			    (l->n - i - 1) * sizeof(*l->v));
			l->n--;
			return;
		}
}

void
fault_encode(unsigned char out[FAULT_ROW_BYTES], const record_fault *f)
{
	memcpy(out, f->author, KEY_PK_BYTES);
	store_be64(out + KEY_PK_BYTES, f->seq);
	out[KEY_PK_BYTES + 8] = (unsigned char)f->kind;
	out[KEY_PK_BYTES + 9] = (unsigned char)f->reason;
}

int
fault_decode(record_fault *f, const unsigned char hash[ENTRY_HASH_BYTES],
    const unsigned char *v, size_t len)
{
	if (len != FAULT_ROW_BYTES)
		return DT_ECORRUPT;
	memset(f, 0, sizeof *f);
	memcpy(f->hash, hash, ENTRY_HASH_BYTES);
	memcpy(f->author, v, KEY_PK_BYTES);
	f->seq = store_get_be64(v + KEY_PK_BYTES);
	f->kind = v[KEY_PK_BYTES + 8];
	f->reason = v[KEY_PK_BYTES + 9];
	return 0;
}
