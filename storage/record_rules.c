/*
 * record_rules.c: the membership of a record and the rules it obeys: the
 * genesis (parties, heads, members), who may write what
 * (record_may_write()), and the rules of member-add, member-remove and
 * key-wrap entries, applied to the membership by the control pass
 * (record_control.c); the checkpoint covers it keeps per feed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "../crypto/err.h"
#include "../crypto/wrap.h"
#include "payload.h"
#include "record_priv.h"

void
record_members_reset(record *r)
{
	size_t i;

	free(r->title);
	r->title = NULL;
	json_decref(r->titles);
	r->titles = NULL;
	for (i = 0; i < r->nparties; i++)
		free(r->parties[i]);
	free(r->parties);
	r->parties = NULL;
	r->nparties = 0;
	free(r->members);
	r->members = NULL;
	r->nmembers = 0;
	epoch_ring_clear(&r->ring);
	r->ncover = 0;
}

/*
 * record_cover_get() - how many entries of author's feed a checkpoint
 * covers.
 */
uint64_t
record_cover_get(const record *r, const unsigned char author[KEY_PK_BYTES])
{
	size_t i;

	for (i = 0; i < r->ncover; i++)
		if (memcmp(r->cover[i].author, author, KEY_PK_BYTES) == 0)
			return r->cover[i].size;
	return 0;
}

/*
 * record_cover_note() - a checkpoint entry at seq covers entries
 * 0 .. seq - 1.
 */
int
record_cover_note(record *r, const unsigned char author[KEY_PK_BYTES],
    uint64_t seq)
{
	struct ckpt_cover *nc;
	size_t i;

	for (i = 0; i < r->ncover; i++)
		if (memcmp(r->cover[i].author, author, KEY_PK_BYTES) == 0) {
			if (seq > r->cover[i].size)
				r->cover[i].size = seq;
			return 0;
		}
	if (r->ncover == r->capcover) {
		size_t cap = r->capcover ? 2 * r->capcover : 8;

		if ((nc = realloc(r->cover, cap * sizeof *nc)) == NULL)
			return DT_ENOMEM;
		r->cover = nc;
		r->capcover = cap;
	}
	memcpy(r->cover[r->ncover].author, author, KEY_PK_BYTES);
	r->cover[r->ncover].size = seq;
	r->ncover++;
	return 0;
}

static int
role_from_name(const char *s)
{
	if (s == NULL)
		return 0;
	if (strcmp(s, "head") == 0)
		return RECORD_ROLE_HEAD;
	if (strcmp(s, "delegate") == 0)
		return RECORD_ROLE_DELEGATE;
	if (strcmp(s, "observer") == 0)
		return RECORD_ROLE_OBSERVER;
	return 0;
}

const char *
record_role_name(int role)
{
	switch (role) {
	case RECORD_ROLE_HEAD:
		return "head";
	case RECORD_ROLE_DELEGATE:
		return "delegate";
	default:
		return "observer";
	}
}

const record_member *
record_member_find(const record *r, const unsigned char pk[KEY_PK_BYTES])
{
	size_t i;

	for (i = 0; i < r->nmembers; i++)
		if (memcmp(r->members[i].pk, pk, KEY_PK_BYTES) == 0)
			return &r->members[i];
	return NULL;
}

const record_member *
record_head_of(const record *r, const char *party)
{
	size_t i;

	for (i = 0; i < r->nmembers; i++)
		if (r->members[i].role == RECORD_ROLE_HEAD &&
		    strcmp(r->members[i].party, party) == 0)
			return &r->members[i];
	return NULL;
}

static int
party_known(const record *r, const char *party)
{
	size_t i;

	for (i = 0; i < r->nparties; i++)
		if (strcmp(r->parties[i], party) == 0)
			return 1;
	return 0;
}

static int
member_push(record *r, const record_member *m)
{
	record_member *nm;

	nm = realloc(r->members, (r->nmembers + 1) * sizeof *nm);
	if (nm == NULL)
		return DT_ENOMEM;
	r->members = nm;
	r->members[r->nmembers++] = *m;
	return 0;
}

/* A member object of a genesis or member-add payload, into m. */
static int
member_from_json(record_member *m, const json_t *o)
{
	const char *name = json_string_value(json_object_get(o, "name"));
	const char *party = json_string_value(json_object_get(o, "party"));

	memset(m, 0, sizeof *m);
	if (key_unhex(m->pk, KEY_PK_BYTES, json_string_value(
	    json_object_get(o, "key"))) != 0 || name == NULL ||
	    !key_name_valid(name) || party == NULL ||
	    strlen(party) >= sizeof m->party)
		return DT_EFORMAT;
	snprintf(m->name, sizeof m->name, "%s", name);
	snprintf(m->party, sizeof m->party, "%s", party);
	m->role = role_from_name(json_string_value(json_object_get(o, "role")));
	return m->role ? 0 : DT_EFORMAT;
}

int
record_may_write(const record *r, const unsigned char pk[KEY_PK_BYTES],
    unsigned kind, uint64_t clock, const char **why)
{
	const record_member *m = record_member_find(r, pk);
	const char *dummy;

	if (why == NULL)
		why = &dummy;
	*why = NULL;
	if (m == NULL) {
		*why = "the author is not a member of the dialogue";
		return DT_EMEMBER;
	}
	if (m->added_clock >= clock) {
		*why = "the author was not yet a member at this clock";
		return DT_EMEMBER;
	}
	if (m->removed_clock != 0 && m->removed_clock < clock) {
		*why = "the author had been removed from the dialogue";
		return DT_EMEMBER;
	}
	if (m->role == RECORD_ROLE_OBSERVER) {
		*why = "observers do not write to the record";
		return DT_EMEMBER;
	}
	switch (kind) {
	case ENTRY_K_GENESIS:
		*why = "a dialogue has one genesis";
		return DT_EMEMBER;
	case ENTRY_K_MEMBER_ADD:
	case ENTRY_K_MEMBER_REMOVE:
	case ENTRY_K_KEY_WRAP:
	case ENTRY_K_ENDORSEMENT:
	case ENTRY_K_SEAL:
	case ENTRY_K_MINUTES_SIG:
		if (m->role != RECORD_ROLE_HEAD) {
			*why = "only a head of delegation may write this";
			return DT_EMEMBER;
		}
		break;
	default:
		break;
	}
	return 0;
}

/*
 * The genesis payload: title, parties, one head per party, members with
 * distinct keys, and an author who is one of the heads.  With apply, it
 * becomes r's membership.
 */
int
record_genesis_apply(record *r, const entry *e, const json_t *o,
    const char **why)
{
	const json_t *list, *v;
	record_member m;
	size_t i, j, n;
	int rc, author_head = 0;

	record_members_reset(r);
	*why = "the genesis payload is malformed";
	if (payload_check(ENTRY_K_GENESIS, o) != 0)
		return DT_EFORMAT;
	if ((r->title = strdup(json_string_value(json_object_get(o,
	    "title")))) == NULL)
		return DT_ENOMEM;
	if ((r->titles = json_pack("{s:s}", "title", r->title)) == NULL ||
	    (json_is_object(json_object_get(o, "titles")) &&
	    json_object_set_new(r->titles, "titles", json_deep_copy(
	    json_object_get(o, "titles"))) != 0))
		return DT_ENOMEM;
	list = json_object_get(o, "parties");
	n = json_array_size(list);
	if ((r->parties = calloc(n, sizeof *r->parties)) == NULL)
		return DT_ENOMEM;
	json_array_foreach(list, i, v) {
		if (party_known(r, json_string_value(v))) {
			*why = "the genesis names a party twice";
			return DT_EFORMAT;
		}
		if ((r->parties[i] = strdup(json_string_value(v))) == NULL)
			return DT_ENOMEM;
		r->nparties++;
	}
	json_array_foreach(json_object_get(o, "members"), i, v) {
		if ((rc = member_from_json(&m, v)) != 0) {
			*why = "a genesis member is malformed";
			return rc;
		}
		if (!party_known(r, m.party)) {
			*why = "a genesis member belongs to no listed party";
			return DT_EFORMAT;
		}
		if (record_member_find(r, m.pk) != NULL) {
			*why = "the genesis lists one key twice";
			return DT_EFORMAT;
		}
		if (m.role == RECORD_ROLE_HEAD && record_head_of(r, m.party)) {
			*why = "the genesis names two heads for one party";
			return DT_EFORMAT;
		}
		if (m.role == RECORD_ROLE_HEAD &&
		    memcmp(m.pk, e->author, KEY_PK_BYTES) == 0)
			author_head = 1;
		if ((rc = member_push(r, &m)) != 0)
			return rc;
	}
	for (j = 0; j < r->nparties; j++)
		if (record_head_of(r, r->parties[j]) == NULL) {
			*why = "a party has no head of delegation";
			return DT_EFORMAT;
		}
	if (!author_head) {
		*why = "the genesis was not written by a head of delegation";
		return DT_EMEMBER;
	}
	*why = NULL;
	return 0;
}

/*
 * wrap_concurrent() - 1 if the key wrap e, addressed to pk, which a
 * member-remove of a lower clock removed, was written without knowing of
 * the removal (it is not in e's causal past), 0 if not, or an error.
 * Only the control walk of record_load_control() can tell (it has the store).
 */
static int
wrap_concurrent(record *r, const entry *e, const unsigned char *pk)
{
	const epoch_removal *rm = epoch_removal_of(&r->ring, pk);
	late_close c;
	int y = 1, rc;

	if (rm == NULL || r->ctl_txn == NULL || e->refs == NULL)
		return 0;
	memcpy(c.author, rm->author, KEY_PK_BYTES);
	c.seq = rm->seq;
	c.clock = rm->clock;
	if ((rc = late_follows(&y, r->ctl_txn, &c, e)) != 0)
		return rc;
	return !y;
}

/*
 * A key wrap gives an epoch's key (epoch.h) to current members: every box
 * must be a whole sealed box addressed to a member at the entry's clock,
 * so a removed member never receives a later epoch's key.  One exception
 * is the race FORMAT.md section 6 states: a box to a member whose removal
 * has a lower clock but is not in the wrap's causal past (a head rekeyed
 * before it heard of the removal) is valid, and taints its epoch, which
 * writers then leave.  With apply, the first key wrap of a key id, in
 * merged order, starts its epoch.
 */
static int
wrap_rules(record *r, const entry *e, const json_t *o, int apply,
    const char **why)
{
	const char *kid = json_string_value(json_object_get(o, "key_id"));
	unsigned char pk[KEY_PK_BYTES], box[WRAP_BOX_BYTES];
	unsigned char id[WRAP_KEYID_BYTES];
	const record_member *m, *author = record_member_find(r, e->author);
	const epoch_info *pe;
	const json_t *w;
	size_t i, blen;
	int rc, taint = 0, party = (e->flags & ENTRY_FLAG_INTERNAL) != 0;

	json_array_foreach(json_object_get(o, "wraps"), i, w) {
		const char *b64 = json_string_value(json_object_get(w, "box"));

		if (key_unhex(pk, KEY_PK_BYTES, json_string_value(
		    json_object_get(w, "to"))) != 0 ||
		    sodium_base642bin(box, sizeof box, b64, strlen(b64), NULL,
		    &blen, NULL, sodium_base64_VARIANT_ORIGINAL) != 0 ||
		    blen != sizeof box) {
			*why = "a key wrap box is not a sealed box";
			return DT_EFORMAT;
		}
		m = record_member_find(r, pk);
		/* a party key goes to the author's party only, no exception */
		if (party && (m == NULL || author == NULL ||
		    strcmp(m->party, author->party) != 0 ||
		    m->added_clock >= e->clock || (m->removed_clock != 0 &&
		    m->removed_clock < e->clock))) {
			*why = "a party key wrap is addressed to someone who is "
			    "not a member of the author's party";
			return DT_EMEMBER;
		}
		if (apply && m != NULL && m->removed_clock != 0 &&
		    m->removed_clock < e->clock && m->added_clock < e->clock) {
			if ((rc = wrap_concurrent(r, e, pk)) < 0)
				return rc;
			if (rc == 1) {
				taint = 1;
				continue;
			}
		}
		if (m == NULL || m->added_clock >= e->clock ||
		    (m->removed_clock != 0 && m->removed_clock < e->clock)) {
			*why = "a key wrap is addressed to a non-member";
			return DT_EMEMBER;
		}
	}
	if (key_unhex(id, sizeof id, kid) != 0) {
		*why = "a key wrap's key_id is malformed";
		return DT_EFORMAT;
	}
	/* a key is the dialogue's or one party's, never both (FORMAT.md 6) */
	pe = epoch_party_find(&r->ring, id);
	if (party ? epoch_find(&r->ring, id) != NULL || (pe != NULL &&
	    (author == NULL || strcmp(pe->party, author->party) != 0)) :
	    pe != NULL) {
		*why = party ? "a party key wrap names a key of the dialogue "
		    "or of another party" : "a key wrap names a party's key";
		return DT_EFORMAT;
	}
	if (party) {
		if (apply && epoch_party_note(&r->ring, author->party, id,
		    e->author, e->seq, e->clock) < 0)
			return DT_ENOMEM;
		return 0;
	}
	if (apply && epoch_note(&r->ring, id, e->author, e->seq,
	    e->clock) < 0)
		return DT_ENOMEM;
	if (apply && taint)
		epoch_taint(&r->ring, id);
	return 0;
}

/*
 * The rules of member-add, member-remove and key-wrap entries beyond
 * record_may_write(); with apply, the change is made to r's membership.
 */
int
record_control_rules(record *r, const entry *e, const json_t *o, int apply,
    const char **why)
{
	const record_member *author = record_member_find(r, e->author);
	record_member m, *target;
	unsigned char pk[KEY_PK_BYTES];
	int rc;

	*why = "the payload does not fit its kind";
	if (payload_check(e->kind, o) != 0)
		return DT_EFORMAT;
	switch (e->kind) {
	case ENTRY_K_MEMBER_ADD:
		if (member_from_json(&m, o) != 0)
			return DT_EFORMAT;
		if (strcmp(m.party, author->party) != 0) {
			*why = "a head may add members of its own party only";
			return DT_EMEMBER;
		}
		target = (record_member *)record_member_find(r, m.pk);
		if (target != NULL && target->removed_clock == 0) {
			*why = "the key is already a member";
			return DT_EMEMBER;
		}
		if (target != NULL) {
			*why = "a removed key cannot be added again";
			return DT_EMEMBER;
		}
		if (apply) {
			m.added_clock = e->clock;
			return member_push(r, &m);
		}
		break;
	case ENTRY_K_MEMBER_REMOVE:
		if (key_unhex(pk, KEY_PK_BYTES, json_string_value(
		    json_object_get(o, "key"))) != 0)
			return DT_EFORMAT;
		target = (record_member *)record_member_find(r, pk);
		if (target == NULL || target->removed_clock != 0) {
			*why = "the key to remove is not a member";
			return DT_EMEMBER;
		}
		if (strcmp(target->party, author->party) != 0 ||
		    target->role == RECORD_ROLE_HEAD) {
			*why = "a head may remove members of its own party only";
			return DT_EMEMBER;
		}
		if (apply) {
			target->removed_clock = e->clock;
			if (epoch_removal_note(&r->ring, pk, e->author, e->seq,
			    e->clock) != 0)
				return DT_ENOMEM;
		}
		break;
	case ENTRY_K_KEY_WRAP:
		if ((rc = wrap_rules(r, e, o, apply, why)) != 0)
			return rc;
		break;
	default:
		break;
	}
	*why = NULL;
	return 0;
}
