/*
 * msig.c: minutes-signature entries (msig.h; FORMAT.md section 13).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "../crypto/err.h"
#include "../crypto/minisig.h"
#include "minutes.h"
#include "msig.h"
#include "payload.h"
#include "store.h"

static int why_set(char *why, size_t whylen, int rc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
why_set(char *why, size_t whylen, int rc, const char *fmt, ...)
{
	va_list ap;

	if (why != NULL && whylen > 0) {
		va_start(ap, fmt);
		vsnprintf(why, whylen, fmt, ap);
		va_end(ap);
	}
	return rc;
}

/* The meeting and signature file of a payload; 0 or -1. */
static int
msig_payload(json_t **o, uint64_t *meeting, const char **sig, size_t *len,
    const entry *e)
{
	const json_t *m, *s;

	*o = payload_parse(e->body, e->body_len);
	if (*o == NULL || payload_check(ENTRY_K_MINUTES_SIG, *o) != 0 ||
	    !json_is_integer(m = json_object_get(*o, "meeting")) ||
	    !json_is_string(s = json_object_get(*o, "minisig"))) {
		json_decref(*o);
		*o = NULL;
		return -1;
	}
	*meeting = (uint64_t)json_integer_value(m);
	*sig = json_string_value(s);
	*len = json_string_length(s);
	return 0;
}

int
msig_check_entry(const record *r, const entry *e, char *why, size_t whylen)
{
	unsigned char kid[MINISIG_KEYID_BYTES];
	const record_member *me;
	minutes_claim claim;
	const char *sig;
	uint64_t meeting;
	size_t len;
	minisig s;
	json_t *o = NULL;
	int rc;

	if (msig_payload(&o, &meeting, &sig, &len, e) != 0)
		return why_set(why, whylen, DT_EFORMAT,
		    "the minutes signature's payload is malformed");
	if (minisig_parse(&s, sig, len) != 0 || !s.prehashed) {
		rc = why_set(why, whylen, DT_EFORMAT,
		    "the minutes signature "
		    "is not a prehashed minisign signature file");
		goto out;
	}
	key_minisign_keyid(kid, e->author);
	if (memcmp(kid, s.keyid, sizeof kid) != 0) {
		rc = why_set(why, whylen, DT_ESIG,
		    "the minutes signature "
		    "names another key than its author's");
		goto out;
	}
	if ((rc = minisig_verify_comment(&s, e->author)) == DT_ESIG) {
		rc = why_set(why, whylen, rc,
		    "the signature of the minutes "
		    "signature's trusted comment does not verify");
		goto out;
	}
	if (rc != 0) {
		rc = why_set(why, whylen, rc,
		    "cannot check the minutes "
		    "signature: %s",
		    dt_strerror(rc));
		goto out;
	}
	if (minutes_comment_parse(&claim, s.trusted, s.trusted_len) != 0) {
		rc = why_set(why, whylen, DT_EFORMAT,
		    "the minutes "
		    "signature's trusted comment is not a detente minutes "
		    "comment");
		goto out;
	}
	if (memcmp(claim.id.dialogue, record_id(r), ENTRY_HASH_BYTES) != 0) {
		rc = why_set(why, whylen, DT_EDIALOGUE,
		    "the minutes "
		    "signature names another dialogue");
		goto out;
	}
	if (claim.id.meeting < 0 || (uint64_t)claim.id.meeting != meeting) {
		rc = why_set(why, whylen, DT_EFORMAT,
		    "the minutes signature "
		    "names meeting %lld, its payload meeting %llu",
		    (long long)claim.id.meeting, (unsigned long long)meeting);
		goto out;
	}
	me = record_member_find(r, e->author);
	if (me == NULL || strcmp(me->name, claim.signer) != 0) {
		rc = why_set(why, whylen, DT_EFORMAT,
		    "the minutes signature "
		    "names another signer than its author");
		goto out;
	}
	rc = 0;
out:
	json_decref(o);
	return rc;
}

int
msig_append(record *r, const key_identity *id, uint64_t meeting,
    const char *sig, size_t len, unsigned char *hash)
{
	return record_append_meeting_text(r, id, ENTRY_K_MINUTES_SIG, meeting,
	    "minisig", sig, len, hash);
}

struct list {
	uint64_t meeting;
	msig_item *v;
	size_t n, cap;
};

static int
list_cb(void *ctx, const unsigned char *bytes, size_t len,
    const unsigned char hash[ENTRY_HASH_BYTES])
{
	struct list *l = ctx;
	msig_item *it, *nv;
	const char *sig;
	uint64_t meeting;
	size_t slen;
	json_t *o;
	entry e;
	int rc = 0;

	if (entry_parse(&e, bytes, len) != 0 || e.kind != ENTRY_K_MINUTES_SIG ||
	    msig_payload(&o, &meeting, &sig, &slen, &e) != 0)
		return 0;
	if (meeting != l->meeting)
		goto out;
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 4;
		if ((nv = realloc(l->v, l->cap * sizeof *nv)) == NULL) {
			rc = DT_ENOMEM;
			goto out;
		}
		l->v = nv;
	}
	it = &l->v[l->n];
	memset(it, 0, sizeof *it);
	if ((it->sig = malloc(slen + 1)) == NULL) {
		rc = DT_ENOMEM;
		goto out;
	}
	memcpy(it->sig, sig, slen);
	it->sig[slen] = '\0';
	it->len = slen;
	it->meeting = meeting;
	memcpy(it->author, e.author, KEY_PK_BYTES);
	memcpy(it->hash, hash, ENTRY_HASH_BYTES);
	l->n++;
out:
	json_decref(o);
	return rc;
}

int
msig_list(msig_item **out, size_t *n, record *r, uint64_t meeting)
{
	struct list l;
	store_txn *t = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	memset(&l, 0, sizeof l);
	l.meeting = meeting;
	if ((rc = store_txn_begin(&t, record_store(r), 0)) != 0)
		return rc;
	rc = store_scan_kind(t, ENTRY_K_MINUTES_SIG, NULL, list_cb, &l);
	store_txn_abort(t);
	if (rc != 0) {
		msig_list_free(l.v, l.n);
		return rc;
	}
	*out = l.v;
	*n = l.n;
	return 0;
}

void
msig_list_free(msig_item *v, size_t n)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		free(v[i].sig);
	free(v);
}
