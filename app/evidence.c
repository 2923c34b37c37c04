/*
 * evidence.c: forks and member faults, per member, for verify, audit
 * and the UI.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "../crypto/err.h"
#include "../storage/store.h"
#include "../storage/vis.h"
#include "evidence.h"
#include "exchange.h"
#include "i18n.h"

struct gather {
	evidence_sum *s;
	size_t cap;
	int rc;
};

/* member_slot() - the row of pk in s->who, added if new; NULL on ENOMEM. */
static evidence_member *
member_slot(evidence_sum *s, const unsigned char pk[KEY_PK_BYTES])
{
	evidence_member *w;
	size_t i;

	for (i = 0; i < s->nwho; i++)
		if (memcmp(s->who[i].pk, pk, KEY_PK_BYTES) == 0)
			return &s->who[i];
	if ((w = realloc(s->who, (s->nwho + 1) * sizeof(*w))) == NULL)
		return NULL;
	s->who = w;
	w = &s->who[s->nwho++];
	memset(w, 0, sizeof(*w));
	memcpy(w->pk, pk, KEY_PK_BYTES);
	return w;
}

/* fork_cb() - keep one fork whose two entries are both signed. */
static int
fork_cb(void *ctx, const unsigned char *first, size_t flen,
    const unsigned char *second, size_t slen)
{
	struct gather *g = ctx;
	evidence_sum *s = g->s;
	evidence_fork *f;
	entry a, b;

	if (entry_parse(&a, first, flen) != 0 ||
	    entry_parse(&b, second, slen) != 0 ||
	    entry_verify_sig(&a) != 0 || entry_verify_sig(&b) != 0 ||
	    memcmp(a.author, b.author, KEY_PK_BYTES) != 0 || a.seq != b.seq)
		return 0;
	if (s->nforks == g->cap) {
		size_t cap = g->cap ? 2 * g->cap : 8;

		if ((f = realloc(s->forks, cap * sizeof(*f))) == NULL)
			return DT_ENOMEM;
		s->forks = f;
		g->cap = cap;
	}
	f = &s->forks[s->nforks++];
	memcpy(f->author, a.author, KEY_PK_BYTES);
	f->seq = a.seq;
	entry_hash(f->first, first, flen);
	entry_hash(f->second, second, slen);
	return 0;
}

int
evidence_gather(evidence_sum *s, record *r, const record_fault *faults,
    size_t nfaults)
{
	struct gather g;
	evidence_member *w;
	store_txn *t = NULL;
	size_t i;
	int rc;

	memset(s, 0, sizeof(*s));
	memset(&g, 0, sizeof(g));
	g.s = s;
	s->faults = faults;
	s->nfaults = nfaults;
	/*
	 * A record without a store (a bundle audited in one pass) keeps no
	 * fork evidence: the pass gives a bundle with a fork up to the join.
	 */
	if (record_store(r) != NULL) {
		if ((rc = store_txn_begin(&t, record_store(r), 0)) != 0)
			return rc;
		rc = store_evidence_scan(t, fork_cb, &g);
		store_txn_abort(t);
		if (rc != 0)
			return rc;
	}
	for (i = 0; i < s->nforks; i++) {
		if ((w = member_slot(s, s->forks[i].author)) == NULL)
			return DT_ENOMEM;
		w->forks++;
	}
	for (i = 0; i < nfaults; i++) {
		if ((w = member_slot(s, faults[i].author)) == NULL)
			return DT_ENOMEM;
		w->faults++;
	}
	return 0;
}

void
evidence_done(evidence_sum *s)
{
	if (s == NULL)
		return;
	free(s->forks);
	free(s->who);
	memset(s, 0, sizeof(*s));
}

int
evidence_any(const evidence_sum *s)
{
	return s->nforks > 0 || s->nfaults > 0;
}

void
evidence_print_forks(FILE *out, const char *prefix, const record *r,
    const evidence_sum *s)
{
	char who[2 * KEY_PK_BYTES + KEY_NAME_MAX + 8];
	char h1[2 * ENTRY_HASH_BYTES + 1], h2[2 * ENTRY_HASH_BYTES + 1];
	size_t i;

	for (i = 0; i < s->nforks; i++) {
		exchange_author(who, sizeof(who), r, s->forks[i].author);
		key_hex(h1, s->forks[i].first, ENTRY_HASH_BYTES);
		key_hex(h2, s->forks[i].second, ENTRY_HASH_BYTES);
		fprintf(out, _("%sfork: author %s, seq %llu, two signed "
		    "entries %s and %s\n"), prefix, who,
		    (unsigned long long)s->forks[i].seq, h1, h2);
	}
}

/*
 * member_label() - "NAME (party P, fingerprint F)", or the key in hex
 * for a key that is no member of r.
 */
static void
member_label(char *out, size_t outlen, const record *r,
    const unsigned char pk[KEY_PK_BYTES])
{
	const record_member *m = record_member_find(r, pk);
	char fpr[KEY_FINGERPRINT_BYTES], name[3 * KEY_NAME_MAX + 4];
	char party[64], hex[2 * KEY_PK_BYTES + 1];

	key_fingerprint(fpr, pk);
	if (m == NULL) {
		key_hex(hex, pk, KEY_PK_BYTES);
		snprintf(out, outlen, _("%s (no member, fingerprint %s)"), hex,
		    fpr);
		return;
	}
	snprintf(out, outlen, _("%s (party %s, fingerprint %s)"),
	    vis_buf(name, sizeof(name), m->name, 0),
	    vis_buf(party, sizeof(party), m->party, 0), fpr);
}

void
evidence_print_members(FILE *out, const char *prefix, const record *r,
    const evidence_sum *s)
{
	char who[2 * KEY_PK_BYTES + 3 * KEY_NAME_MAX + 96], nf[64], nm[64];
	size_t i;

	for (i = 0; i < s->nwho; i++) {
		member_label(who, sizeof(who), r, s->who[i].pk);
		snprintf(nf, sizeof(nf), ngettext("%zu fork", "%zu forks",
		    s->who[i].forks), s->who[i].forks);
		snprintf(nm, sizeof(nm), ngettext("%zu member fault",
		    "%zu member faults", s->who[i].faults), s->who[i].faults);
		fprintf(out, _("%sEVIDENCE against %s: %s, %s\n"), prefix,
		    who, nf, nm);
	}
}

json_t *
evidence_forks_json(const record *r, const evidence_sum *s)
{
	char hex[2 * KEY_PK_BYTES + 1], fpr[KEY_FINGERPRINT_BYTES];
	char h1[2 * ENTRY_HASH_BYTES + 1], h2[2 * ENTRY_HASH_BYTES + 1];
	const record_member *m;
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < s->nforks; i++) {
		m = record_member_find(r, s->forks[i].author);
		key_hex(hex, s->forks[i].author, KEY_PK_BYTES);
		key_fingerprint(fpr, s->forks[i].author);
		key_hex(h1, s->forks[i].first, ENTRY_HASH_BYTES);
		key_hex(h2, s->forks[i].second, ENTRY_HASH_BYTES);
		json_array_append_new(a, json_pack(
		    "{s:s,s:s?,s:s?,s:s,s:I,s:s,s:s}", "author", hex,
		    "author_name", m != NULL ? m->name : NULL,
		    "party", m != NULL ? m->party : NULL, "fingerprint", fpr,
		    "seq", (json_int_t)s->forks[i].seq, "first", h1,
		    "second", h2));
	}
	return a;
}

json_t *
evidence_members_json(const record *r, const evidence_sum *s)
{
	char hex[2 * KEY_PK_BYTES + 1], fpr[KEY_FINGERPRINT_BYTES];
	const record_member *m;
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < s->nwho; i++) {
		m = record_member_find(r, s->who[i].pk);
		key_hex(hex, s->who[i].pk, KEY_PK_BYTES);
		key_fingerprint(fpr, s->who[i].pk);
		json_array_append_new(a, json_pack("{s:s,s:s?,s:s?,s:s,s:I,s:I}",
		    "author", hex, "name", m != NULL ? m->name : NULL,
		    "party", m != NULL ? m->party : NULL, "fingerprint", fpr,
		    "forks", (json_int_t)s->who[i].forks,
		    "member_faults", (json_int_t)s->who[i].faults));
	}
	return a;
}

/* short_name() - a member's name (vis.h), or the key's first 16 hex. */
static void
short_name(char *out, size_t outlen, const record *r,
    const unsigned char pk[KEY_PK_BYTES])
{
	const record_member *m = record_member_find(r, pk);
	char hex[2 * KEY_PK_BYTES + 1];

	if (m != NULL) {
		vis_buf(out, outlen, m->name, 0);
		return;
	}
	key_hex(hex, pk, KEY_PK_BYTES);
	hex[16] = '\0';
	snprintf(out, outlen, "%s", hex);
}

/*
 * by_whom() - "by NAME" when every item of one sort (forks, or faults)
 * is one member's, else "by N members".
 */
static void
by_whom(char *out, size_t outlen, const record *r, const evidence_sum *s,
    int forks)
{
	char name[3 * KEY_NAME_MAX + 4];
	const unsigned char *one = NULL;
	size_t i, n = 0;

	for (i = 0; i < s->nwho; i++) {
		if ((forks ? s->who[i].forks : s->who[i].faults) == 0)
			continue;
		n++;
		one = s->who[i].pk;
	}
	if (n == 1) {
		short_name(name, sizeof(name), r, one);
		snprintf(out, outlen, _("by %s"), name);
	} else
		snprintf(out, outlen, ngettext("by %zu member", "by %zu members",
		    n), n);
}

void
evidence_header(char *out, size_t outlen, const record *r,
    const evidence_sum *s)
{
	char by[3 * KEY_NAME_MAX + 32], a[256], b[256];

	out[0] = a[0] = b[0] = '\0';
	if (s->nforks > 0) {
		by_whom(by, sizeof(by), r, s, 1);
		if (s->nforks == 1)
			snprintf(a, sizeof(a), _("fork %s"), by);
		else
			snprintf(a, sizeof(a), ngettext("%zu fork %s",
			    "%zu forks %s", s->nforks), s->nforks, by);
	}
	if (s->nfaults > 0) {
		by_whom(by, sizeof(by), r, s, 0);
		if (s->nfaults == 1)
			snprintf(b, sizeof(b), _("member fault %s"), by);
		else
			snprintf(b, sizeof(b), ngettext("%zu member fault %s",
			    "%zu member faults %s", s->nfaults), s->nfaults,
			    by);
	}
	snprintf(out, outlen, "%s%s%s", a, a[0] && b[0] ? ", " : "", b);
}
