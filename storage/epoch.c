/*
 * epoch.c: the record's key epochs and the keys a reader holds (epoch.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "../crypto/err.h"
#include "epoch.h"

void
epoch_ring_clear(epoch_ring *g)
{
	g->n = 0;
	g->nseen = 0;
	g->nrm = 0;
	g->npv = 0;
}

void
epoch_ring_free(epoch_ring *g)
{
	size_t i;

	for (i = 0; i < g->nk; i++)
		wrap_key_free(g->k[i].key);
	free(g->k);
	free(g->v);
	free(g->seen);
	free(g->rm);
	free(g->pv);
	memset(g, 0, sizeof(*g));
}

int
epoch_note(epoch_ring *g, const unsigned char id[WRAP_KEYID_BYTES],
    const unsigned char author[KEY_PK_BYTES], uint64_t seq, uint64_t clock)
{
	epoch_info *nv;

	if (epoch_find(g, id) != NULL)
		return 0;
	if (g->n == g->cap) {
		size_t cap = g->cap ? 2 * g->cap : 4;

		if ((nv = realloc(g->v, cap * sizeof(*nv))) == NULL)
			return DT_ENOMEM;
		g->v = nv;
		g->cap = cap;
	}
	memcpy(g->v[g->n].id, id, WRAP_KEYID_BYTES);
	memcpy(g->v[g->n].author, author, KEY_PK_BYTES);
	g->v[g->n].seq = seq;
	g->v[g->n].clock = clock;
	g->v[g->n].tainted = 0;
	g->v[g->n].party[0] = '\0';
	g->n++;
	return 1;
}

int
epoch_party_note(epoch_ring *g, const char *party,
    const unsigned char id[WRAP_KEYID_BYTES],
    const unsigned char author[KEY_PK_BYTES], uint64_t seq, uint64_t clock)
{
	epoch_info *nv, *p;

	if (epoch_party_find(g, id) != NULL)
		return 0;
	if (g->npv == g->cappv) {
		size_t cap = g->cappv ? 2 * g->cappv : 4;

		if ((nv = realloc(g->pv, cap * sizeof(*nv))) == NULL)
			return DT_ENOMEM;
		g->pv = nv;
		g->cappv = cap;
	}
	p = &g->pv[g->npv++];
	memset(p, 0, sizeof *p);
	memcpy(p->id, id, WRAP_KEYID_BYTES);
	memcpy(p->author, author, KEY_PK_BYTES);
	p->seq = seq;
	p->clock = clock;
	snprintf(p->party, sizeof p->party, "%s", party);
	return 1;
}

const epoch_info *
epoch_party_find(const epoch_ring *g, const unsigned char id[WRAP_KEYID_BYTES])
{
	size_t i;

	for (i = 0; i < g->npv; i++)
		if (memcmp(g->pv[i].id, id, WRAP_KEYID_BYTES) == 0)
			return &g->pv[i];
	return NULL;
}

const epoch_info *
epoch_party_current(const epoch_ring *g, const char *party)
{
	size_t i;

	for (i = g->npv; i > 0; i--)
		if (strcmp(g->pv[i - 1].party, party) == 0 &&
		    epoch_key_of(g, g->pv[i - 1].id) != NULL)
			return &g->pv[i - 1];
	return NULL;
}

int
epoch_party_any(const epoch_ring *g, const char *party)
{
	size_t i;

	for (i = 0; i < g->npv; i++)
		if (strcmp(g->pv[i].party, party) == 0)
			return 1;
	return 0;
}

long
epoch_index(const epoch_ring *g, const unsigned char id[WRAP_KEYID_BYTES])
{
	size_t i;

	for (i = 0; i < g->n; i++)
		if (memcmp(g->v[i].id, id, WRAP_KEYID_BYTES) == 0)
			return (long)i;
	return -1;
}

const epoch_info *
epoch_find(const epoch_ring *g, const unsigned char id[WRAP_KEYID_BYTES])
{
	long i = epoch_index(g, id);

	return i < 0 ? NULL : &g->v[i];
}

const unsigned char *
epoch_key_of(const epoch_ring *g, const unsigned char id[WRAP_KEYID_BYTES])
{
	size_t i;

	for (i = 0; i < g->nk; i++)
		if (memcmp(g->k[i].id, id, WRAP_KEYID_BYTES) == 0)
			return g->k[i].key;
	return NULL;
}

int
epoch_hold(epoch_ring *g, const unsigned char id[WRAP_KEYID_BYTES],
    unsigned char *key)
{
	epoch_key *nk;

	if (epoch_key_of(g, id) != NULL) {
		wrap_key_free(key);
		return 0;
	}
	if (g->nk == g->capk) {
		size_t cap = g->capk ? 2 * g->capk : 4;

		if ((nk = realloc(g->k, cap * sizeof(*nk))) == NULL) {
			wrap_key_free(key);
			return DT_ENOMEM;
		}
		g->k = nk;
		g->capk = cap;
	}
	memcpy(g->k[g->nk].id, id, WRAP_KEYID_BYTES);
	g->k[g->nk].key = key;
	g->nk++;
	return 0;
}

const unsigned char *
epoch_key_for(const epoch_ring *g, const entry *e)
{
	if (g == NULL)
		return NULL;
	if (e->epoch != NULL)
		return epoch_key_of(g, e->epoch);
	return g->n > 0 ? epoch_key_of(g, g->v[0].id) : NULL;
}

long
epoch_current(const epoch_ring *g)
{
	size_t i;

	for (i = g->n; i > 0; i--)
		if (!g->v[i - 1].tainted &&
		    epoch_key_of(g, g->v[i - 1].id) != NULL)
			return (long)(i - 1);
	return -1;
}

const unsigned char *
epoch_any_key(const epoch_ring *g)
{
	long c;

	if (g->n > 0 && epoch_key_of(g, g->v[0].id) != NULL)
		return epoch_key_of(g, g->v[0].id);
	if ((c = epoch_current(g)) >= 0)
		return epoch_key_of(g, g->v[c].id);
	/* keys held before the epochs are loaded (a fresh unlock) */
	return g->nk > 0 ? g->k[0].key : NULL;
}

static epoch_seen *
seen_slot(const epoch_ring *g, const unsigned char author[KEY_PK_BYTES])
{
	size_t i;

	for (i = 0; i < g->nseen; i++)
		if (memcmp(g->seen[i].author, author, KEY_PK_BYTES) == 0)
			return &g->seen[i];
	return NULL;
}

int
epoch_seen_ok(const epoch_ring *g, const unsigned char author[KEY_PK_BYTES],
    uint64_t seq, const unsigned char id[WRAP_KEYID_BYTES])
{
	const epoch_seen *s = seen_slot(g, author);

	return s != NULL && seq > 0 && s->seq == seq - 1 &&
	    memcmp(s->id, id, WRAP_KEYID_BYTES) == 0;
}

int
epoch_seen_note(epoch_ring *g, const unsigned char author[KEY_PK_BYTES],
    uint64_t seq, const unsigned char id[WRAP_KEYID_BYTES])
{
	epoch_seen *s = seen_slot(g, author), *ns;

	if (s == NULL) {
		if (g->nseen == g->capseen) {
			size_t cap = g->capseen ? 2 * g->capseen : 8;

			if ((ns = realloc(g->seen, cap * sizeof(*ns))) == NULL)
				return DT_ENOMEM;
			g->seen = ns;
			g->capseen = cap;
		}
		s = &g->seen[g->nseen++];
		memcpy(s->author, author, KEY_PK_BYTES);
	}
	s->seq = seq;
	memcpy(s->id, id, WRAP_KEYID_BYTES);
	return 0;
}

int
epoch_removal_note(epoch_ring *g, const unsigned char pk[KEY_PK_BYTES],
    const unsigned char author[KEY_PK_BYTES], uint64_t seq, uint64_t clock)
{
	epoch_removal *nr;

	if (g->nrm == g->caprm) {
		size_t cap = g->caprm ? 2 * g->caprm : 4;

		if ((nr = realloc(g->rm, cap * sizeof(*nr))) == NULL)
			return DT_ENOMEM;
		g->rm = nr;
		g->caprm = cap;
	}
	memcpy(g->rm[g->nrm].pk, pk, KEY_PK_BYTES);
	memcpy(g->rm[g->nrm].author, author, KEY_PK_BYTES);
	g->rm[g->nrm].seq = seq;
	g->rm[g->nrm].clock = clock;
	g->nrm++;
	return 0;
}

const epoch_removal *
epoch_removal_of(const epoch_ring *g, const unsigned char pk[KEY_PK_BYTES])
{
	size_t i;

	for (i = 0; i < g->nrm; i++)
		if (memcmp(g->rm[i].pk, pk, KEY_PK_BYTES) == 0)
			return &g->rm[i];
	return NULL;
}

void
epoch_taint(epoch_ring *g, const unsigned char id[WRAP_KEYID_BYTES])
{
	long i = epoch_index(g, id);

	if (i >= 0)
		g->v[i].tainted = 1;
}
