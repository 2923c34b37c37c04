/*
 * record.c: a dialogue's record and the rules it obeys.
 *
 * How an entry travels: record_append() takes the author's payload text,
 * fills in the feed position, references and clock from the store inside
 * an LMDB write transaction, has entry_build() encrypt and sign it, runs
 * check_entry() on the result (the very function verify runs), and hands
 * it to store_put().  record_verify() walks the entries database itself,
 * feed by feed, and runs check_entry() on every entry again.
 */
#include <sys/stat.h>
#include <sys/time.h>
#include <pthread.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "../crypto/err.h"
#include "../crypto/wrap.h"
#include "checkpoint.h"
#include "epoch.h"
#include "faults.h"
#include "lang.h"
#include "late.h"
#include "held.h"
#include "msig.h"
#include "payload.h"
#include "record.h"
#include "record_int.h"
#include "roots.h"
#include "runs.h"
#include "sigpool.h"
#include "seal.h"

/* Room for the largest body: decrypted text is never longer. */
#define SCRATCH_BYTES (ENTRY_MAX_BODY + 1U)

struct record {
	store *s;
	unsigned char id[ENTRY_HASH_BYTES];
	int have_id;
	char *title;
	json_t *titles;  /* {"title", "titles"} of the genesis, for lang_pick() */
	char **parties;
	size_t nparties;
	record_member *members;
	size_t nmembers;
	/*
	 * The key epochs and the keys held (epoch.h); record_key() is one
	 * of them, NULL while locked.
	 */
	epoch_ring ring;
	store_txn *ctl_txn; /* set by load_control() around its walk */
	unsigned char *scratch; /* SCRATCH_BYTES, sodium_malloc, for bodies */
	/*
	 * The leaf hash of an entry whose signature a sigpool worker has
	 * already checked, or NULL: set around one check_entry() call.
	 */
	const unsigned char *presig;
	/*
	 * Set around one check_entry() call by a full walk with
	 * RECORD_VERIFY_CHECKPOINTS: the entry is covered by a checkpoint
	 * of its feed whose root the walk checks (its signature is not
	 * checked one by one); the root of the entries of the feed before
	 * it, when the walk has hashed them all (else NULL).
	 */
	int sig_covered;
	const unsigned char *walk_root;
	/* Per feed, the size its latest checkpoint covers (control walk). */
	struct ckpt_cover *cover;
	size_t ncover, capcover;
	/* Feeds' roots at any size, for checkpoints and seals (roots.h). */
	roots *roots;
	int chain_checked;    /* ROOTS_CHAIN_CHECKED holds (a walk, an import) */
	/*
	 * In a verify walk a seal's listed roots are checked after the
	 * walk (verify_seals()), when the walk has offered every feed's
	 * tree to the roots cache: the seals met, by place and hash.
	 */
	int seals_later;
	struct seal_later *later;
	size_t nlater, caplater;
	record_failure fail;
	/* Member faults the last walk or import met (faults.h). */
	fault_list faults;
	/*
	 * The meeting-closes of the store, for late entries (late.h):
	 * read once per walk, import or append (closes_valid 0: read them
	 * again), and again after a check accepts a meeting-close.
	 */
	struct rclose *closes;
	size_t ncloses, capcloses;
	int closes_valid;
	/*
	 * A record with no store (record_mem_new(), the streaming audit):
	 * its seal entries, kept in the order applied, for the seal scans
	 * (record_control_scan()).
	 */
	struct mem_control *mem;
	size_t nmem, capmem;
	int mem_genesis;
	/*
	 * The control pass (load_control()): ctl_trust, set by an
	 * incremental verification (an opening), lets it take a control
	 * entry below its feed's watermark that a `checked` row vouches for
	 * without checking its signature again (store.h); the entries whose
	 * signatures it did check are kept in fresh, for mark_verified() to
	 * write their rows once the whole verification has passed.
	 */
	int ctl_trust;
	struct ctl_fresh *fresh;
	size_t nfresh, capfresh;
	uint64_t ctl_n, ctl_checked, ctl_cached, ctl_read;
	/*
	 * What the control pass saw, for the summary row (ctl_summary()):
	 * the rows, the last of them, the membership entries in order, and
	 * whether it differs from the summary the pass started from.
	 */
	uint64_t sum_n;
	unsigned char sum_key[STORE_ORDER_BYTES];
	unsigned char sum_hash[ENTRY_HASH_BYTES];
	unsigned char *memh;
	size_t nmemh, capmemh;
	int sum_dirty;
	/* What the verification of the last record_open() did. */
	record_stats open_st;
};

/* A control entry whose signature the control pass checked itself. */
struct ctl_fresh {
	unsigned char hash[ENTRY_HASH_BYTES];
	unsigned char author[KEY_PK_BYTES];
	uint64_t seq;
	unsigned kind;
};

struct mem_control {
	unsigned char *bytes;
	size_t len;
	unsigned char hash[ENTRY_HASH_BYTES];
};

/* A meeting-close: where it is, its meeting and its author's party. */
struct rclose {
	late_close c;
	int64_t meeting;
	char party[16];
};

struct seal_later {
	unsigned char author[KEY_PK_BYTES];
	uint64_t seq;
	unsigned char hash[ENTRY_HASH_BYTES];
};

struct ckpt_cover {
	unsigned char author[KEY_PK_BYTES];
	uint64_t size;
};


static uint64_t
now_ms(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (uint64_t)tv.tv_sec * 1000U + (uint64_t)tv.tv_usec / 1000U;
}

/* Fill f for a failure at entry e (which may be NULL). */
static int
fail_at(record_failure *f, int code, const unsigned char *author,
    uint64_t seq, const unsigned char *hash, const unsigned char *expected,
    const char *fmt, ...)
{
	va_list ap;

	memset(f, 0, sizeof *f);
	f->code = code;
	if (author != NULL) {
		f->has_entry = 1;
		memcpy(f->author, author, KEY_PK_BYTES);
		f->seq = seq;
		if (hash != NULL)
			memcpy(f->hash, hash, ENTRY_HASH_BYTES);
	}
	if (expected != NULL) {
		f->has_expected = 1;
		memcpy(f->expected, expected, ENTRY_HASH_BYTES);
	}
	va_start(ap, fmt);
	vsnprintf(f->detail, sizeof f->detail, fmt, ap);
	va_end(ap);
	return code;
}

static void
members_reset(record *r)
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

/* cover_get() - how many entries of author's feed a checkpoint covers. */
static uint64_t
cover_get(const record *r, const unsigned char author[KEY_PK_BYTES])
{
	size_t i;

	for (i = 0; i < r->ncover; i++)
		if (memcmp(r->cover[i].author, author, KEY_PK_BYTES) == 0)
			return r->cover[i].size;
	return 0;
}

/* cover_note() - a checkpoint entry at seq covers entries 0 .. seq - 1. */
static int
cover_note(record *r, const unsigned char author[KEY_PK_BYTES], uint64_t seq)
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

static const char *
role_name(int role)
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
static int
genesis_apply(record *r, const entry *e, const json_t *o,
    const char **why)
{
	const json_t *list, *v;
	record_member m;
	size_t i, j, n;
	int rc, author_head = 0;

	members_reset(r);
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
 * Only the control walk of load_control() can tell (it has the store).
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
static int
control_rules(record *r, const entry *e, const json_t *o, int apply,
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

/*
 * sig_ok() - 1 if e's signature verifies: checked here, or checked by a
 * sigpool worker on the very bytes whose leaf hash is hash.
 */
static int
sig_ok(const record *r, const entry *e,
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
 * note_fault() - the content entry e is its author's fault (reason, an
 * enum fault_reason): list it in r->faults and, in a write transaction
 * (an import), keep its row in the store with the entry.
 */
static int
note_fault(record *r, store_txn *t, const entry *e,
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
		return fail_at(f, rc, NULL, 0, NULL, NULL,
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
 * late_check() - whether the content entry e, of meeting, is late: a
 * meeting-close of that meeting by a member of its author's party, other
 * than e, is in its causal past (late.h).  r->scratch must be free.
 */
static int
late_check(int *late, record *r, store_txn *t, const entry *e,
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
			return fail_at(f, DT_EFORMAT, e->author, e->seq, hash,
			    NULL, "is an internal note under key %s, which no "
			    "party key wrap of its author's party starts", hex);
	} else if ((ep = epoch_find(&r->ring, e->epoch)) == NULL)
		return fail_at(f, DT_EFORMAT, e->author, e->seq, hash, NULL,
		    "names key epoch %s, which no key wrap of the record "
		    "starts", hex);
	if (ep != &r->ring.v[0] &&
	    !epoch_seen_ok(&r->ring, e->author, e->seq, e->epoch) &&
	    !epoch_feed_has(t, e)) {
		memcpy(c.author, ep->author, KEY_PK_BYTES);
		c.seq = ep->seq;
		c.clock = ep->clock;
		if ((rc = late_follows(&y, t, &c, e)) != 0)
			return fail_at(f, rc, e->author, e->seq, hash, NULL,
			    "cannot read the causal past: %s",
			    dt_strerror(rc));
		if (!y)
			return fail_at(f, DT_EFORMAT, e->author, e->seq, hash,
			    NULL, "names key epoch %s, whose key wrap is not "
			    "in its causal past", hex);
	}
	if (epoch_seen_note(&r->ring, e->author, e->seq, e->epoch) != 0)
		return fail_at(f, DT_ENOMEM, NULL, 0, NULL, NULL,
		    "out of memory");
	return 0;
}

/*
 * The checks one entry must pass, given the previous entry of its feed
 * (prev_hash NULL at seq 0).  Used unchanged by append and verify.
 * Control entries' membership effects are applied by load_control(),
 * not here; here they are checked against the membership as loaded.
 */
static int
check_entry(record *r, store_txn *t, const entry *e,
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
			return fail_at(f, DT_EDIALOGUE, a, e->seq, hash,
			    r->have_id ? r->id : NULL,
			    "a genesis entry other than this dialogue's");
	} else if (!r->have_id || memcmp(e->dialogue, r->id,
	    ENTRY_HASH_BYTES) != 0)
		return fail_at(f, DT_EDIALOGUE, a, e->seq, hash, NULL,
		    "entry belongs to another dialogue");
	if (e->seq == 0 ? prev_hash != NULL : (prev_hash == NULL ||
	    memcmp(e->prev, prev_hash, ENTRY_HASH_BYTES) != 0))
		return fail_at(f, DT_ECHAIN, a, e->seq, hash, prev_hash,
		    "hash chain broken: prev does not name the previous entry");
	if (!sig_ok(r, e, hash))
		return fail_at(f, DT_ESIG, a, e->seq, hash, NULL,
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
			return fail_at(f, DT_EREF, a, e->seq, hash, ref.hash,
			    "reference %u names an entry not in the record", i);
		if (rc != 0)
			return fail_at(f, rc, a, e->seq, hash, ref.hash,
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
		return fail_at(f, DT_ECLOCK, a, e->seq, hash, NULL,
		    "clock %llu: what it builds on has the largest clock, "
		    "no clock can follow it",
		    (unsigned long long)e->clock);
	if (e->clock != built_on + 1)
		return fail_at(f, DT_ECLOCK, a, e->seq, hash, NULL,
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
			return fail_at(f, DT_EMEMBER, a, e->seq, hash, NULL,
			    "%s", why);
		removed = 1;
	}
	/* The key epoch a content entry names (FORMAT.md section 6). */
	if (e->epoch != NULL && (rc = epoch_check(r, t, e, hash, f)) != 0)
		return rc;
	if (!entry_kind_is_content(e->kind)) {
		if ((o = payload_parse(e->body, e->body_len)) == NULL ||
		    payload_check(e->kind, o) != 0) {
			json_decref(o);
			return fail_at(f, DT_EFORMAT, a, e->seq, hash, NULL,
			    "%s payload is malformed", entry_kind_name(e->kind));
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
				return fail_at(f, rc, a, e->seq, hash, NULL,
				    "%s", cwhy);
		}
		/* What a minutes signature claims (msig.c). */
		if (e->kind == ENTRY_K_MINUTES_SIG) {
			char mwhy[sizeof f->detail];

			if ((rc = msig_check_entry(r, e, mwhy,
			    sizeof mwhy)) != 0)
				return fail_at(f, rc, a, e->seq, hash, NULL,
				    "%s", mwhy);
		}
		return removed ? note_fault(r, t, e, hash, FAULT_REMOVED, f,
		    st) : 0;
	}
	if (st != NULL)
		st->content++;
	/* Never opened: decided on its header, with or without the key. */
	if (removed)
		return note_fault(r, t, e, hash, FAULT_REMOVED, f, st);
	if (!(flags & RECORD_VERIFY_KEY))
		return 0;
	if (record_key(r) == NULL)
		return fail_at(f, DT_ENOKEY, NULL, 0, NULL, NULL,
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
		return fail_at(f, DT_ENOMEM, NULL, 0, NULL, NULL,
		    "out of memory");
	/*
	 * Content the author signed that does not decrypt, or is not a
	 * payload of its kind, is the author's fault, not a failure of the
	 * record: noted, and the entry stands (faults.h).
	 */
	if ((rc = fault_classify_meeting(e, epoch_key_for(&r->ring, e),
	    r->scratch, SCRATCH_BYTES, &meeting)) < 0)
		return fail_at(f, rc, a, e->seq, hash, NULL,
		    "cannot decrypt: %s", dt_strerror(rc));
	if (rc > 0)
		return note_fault(r, t, e, hash, rc, f, st);
	/*
	 * Written into a meeting its author's side had closed: only
	 * modified software writes it, and it is its author's fault too.
	 */
	if (late_kind(e->kind) && meeting >= 0) {
		if ((rc = late_check(&late, r, t, e, meeting)) != 0)
			return fail_at(f, rc, a, e->seq, hash, NULL,
			    "cannot read the meeting closes: %s",
			    dt_strerror(rc));
		if (e->kind == ENTRY_K_MEETING_CLOSE)
			r->closes_valid = 0; /* the next check reads it too */
		if (late)
			return note_fault(r, t, e, hash, FAULT_LATE, f, st);
	}
	/* Attendance lists its author's party only (FORMAT.md section 7). */
	if (e->kind == ENTRY_K_ATTENDANCE &&
	    (rc = attendance_own_party(r, e)) != 0) {
		if (rc < 0)
			return fail_at(f, rc, a, e->seq, hash, NULL,
			    "cannot read the attendance: %s", dt_strerror(rc));
		return note_fault(r, t, e, hash, FAULT_KIND, f, st);
	}
	if (st != NULL)
		st->decrypted++;
	return 0;
}

/* Feeds whose watermarks an opening's control pass keeps at hand. */
#define CTL_WM_FEEDS 16U

struct control_walk {
	record *r;
	int seen_genesis;
	record_failure *f;
	store_txn *t;
	/* the watermarks of the feeds looked up so far (ctl_trust) */
	struct ctl_wm {
		unsigned char author[KEY_PK_BYTES];
		uint64_t wm;
	} wm[CTL_WM_FEEDS];
	size_t nwm;
};

/* ctl_quiet() - a control kind that changes no membership. */
static int
ctl_quiet(unsigned kind)
{
	return kind == ENTRY_K_CHECKPOINT || kind == ENTRY_K_SEAL ||
	    kind == ENTRY_K_MINUTES_SIG;
}

/* ctl_watermark() - the verified watermark of author's feed. */
static uint64_t
ctl_watermark(struct control_walk *w, const unsigned char *author)
{
	store_head h;
	uint64_t wm;
	size_t i;

	for (i = 0; i < w->nwm; i++)
		if (memcmp(w->wm[i].author, author, KEY_PK_BYTES) == 0)
			return w->wm[i].wm;
	wm = store_head_get(&h, w->t, author) == 0 ? h.verified : 0;
	if (w->nwm < CTL_WM_FEEDS) {
		memcpy(w->wm[w->nwm].author, author, KEY_PK_BYTES);
		w->wm[w->nwm++].wm = wm;
	}
	return wm;
}

/*
 * ctl_vouched() - 1 if an opening may take control entry e (leaf hash
 * hash, recomputed from its bytes by the scan) as checked: it is below
 * its feed's verified watermark and a `checked` row names it.
 */
static int
ctl_vouched(struct control_walk *w, const entry *e,
    const unsigned char hash[ENTRY_HASH_BYTES])
{
	unsigned char a[KEY_PK_BYTES];
	uint64_t seq;
	unsigned kind;

	return w->r->ctl_trust && e->seq < ctl_watermark(w, e->author) &&
	    store_checked_get(w->t, hash, a, &seq, &kind) == 0 &&
	    memcmp(a, e->author, KEY_PK_BYTES) == 0 && seq == e->seq &&
	    kind == e->kind;
}

/* memh_push() - note a membership entry's hash for the summary. */
static int
memh_push(record *r, const unsigned char hash[ENTRY_HASH_BYTES])
{
	unsigned char *n;

	if (r->nmemh == r->capmemh) {
		size_t cap = r->capmemh ? 2 * r->capmemh : 8;

		if ((n = realloc(r->memh, cap * ENTRY_HASH_BYTES)) == NULL)
			return DT_ENOMEM;
		r->memh = n;
		r->capmemh = cap;
	}
	memcpy(r->memh + r->nmemh++ * ENTRY_HASH_BYTES, hash,
	    ENTRY_HASH_BYTES);
	return 0;
}

/* ctl_note() - keep control entry e as checked here (struct record). */
static int
ctl_note(record *r, const entry *e, const unsigned char hash[ENTRY_HASH_BYTES])
{
	struct ctl_fresh *n;

	if (r->nfresh == r->capfresh) {
		size_t cap = r->capfresh ? 2 * r->capfresh : 16;

		if ((n = realloc(r->fresh, cap * sizeof *n)) == NULL)
			return DT_ENOMEM;
		r->fresh = n;
		r->capfresh = cap;
	}
	n = &r->fresh[r->nfresh++];
	memcpy(n->hash, hash, ENTRY_HASH_BYTES);
	memcpy(n->author, e->author, KEY_PK_BYTES);
	n->seq = e->seq;
	n->kind = e->kind;
	return 0;
}

static int control_apply(record *r, const entry *ep,
    const unsigned char *hash, int *seen_genesis, record_failure *f);

/*
 * One control entry, in merged order: framing, signature, then its
 * effect on membership.  Everything else about it (chain, references)
 * is checked by the feed walk of record_verify().
 */
static int
control_cb(void *ctx, const unsigned char *bytes, size_t len,
    const unsigned char hash[ENTRY_HASH_BYTES])
{
	struct control_walk *w = ctx;
	record *r = w->r;
	entry e;
	int rc;

	if ((rc = entry_parse(&e, bytes, len)) != 0)
		return fail_at(w->f, rc, NULL, 0, hash, NULL,
		    "a control entry is malformed");
	if (entry_kind_is_content(e.kind))
		return fail_at(w->f, DT_ECORRUPT, e.author, e.seq, hash, NULL,
		    "the control index lists a content entry");
	r->ctl_n++;
	r->ctl_read++;
	store_order_key(r->sum_key, e.clock, e.author);
	memcpy(r->sum_hash, hash, ENTRY_HASH_BYTES);
	if (!ctl_quiet(e.kind) && (rc = memh_push(r, hash)) != 0)
		return fail_at(w->f, rc, NULL, 0, NULL, NULL, "out of memory");
	if (ctl_vouched(w, &e, hash)) {
		r->ctl_cached++;
		/*
		 * A checkpoint, a seal or a minutes signature changes no
		 * membership: one a verification passed whole (its payload,
		 * its author's right to write it) needs no second reading.
		 */
		if (w->seen_genesis && ctl_quiet(e.kind) &&
		    !record_removed_writer(r, e.author, e.kind, e.clock)) {
			if (memcmp(e.dialogue, r->id, ENTRY_HASH_BYTES) != 0)
				return fail_at(w->f, DT_EDIALOGUE, e.author,
				    e.seq, hash, r->id,
				    "entry belongs to another dialogue");
			if (e.kind == ENTRY_K_CHECKPOINT &&
			    cover_note(r, e.author, e.seq) != 0)
				return fail_at(w->f, DT_ENOMEM, NULL, 0, NULL,
				    NULL, "out of memory");
			return 0;
		}
	} else {
		if (entry_verify_sig(&e) != 0)
			return fail_at(w->f, DT_ESIG, e.author, e.seq, hash,
			    NULL, "bad signature");
		r->ctl_checked++;
		if (ctl_note(r, &e, hash) != 0)
			return fail_at(w->f, DT_ENOMEM, NULL, 0, NULL, NULL,
			    "out of memory");
	}
	return control_apply(w->r, &e, hash, &w->seen_genesis, w->f);
}

/*
 * control_apply() - pass 1 (FORMAT.md section 7) for one control entry
 * e, framed and signed, in merged order: the genesis first, then its
 * effect on membership.
 */
static int
control_apply(record *r, const entry *ep, const unsigned char *hash,
    int *seen_genesis, record_failure *f)
{
	const char *why = NULL;
	json_t *o = NULL;
	entry e = *ep;
	int rc = 0;

	if ((o = payload_parse(e.body, e.body_len)) == NULL) {
		rc = fail_at(f, DT_EFORMAT, e.author, e.seq, hash, NULL,
		    "%s payload is not valid JSON", entry_kind_name(e.kind));
		goto out;
	}
	if (!*seen_genesis) {
		if (e.kind != ENTRY_K_GENESIS || sodium_memcmp(hash, r->id,
		    ENTRY_HASH_BYTES) != 0) {
			rc = fail_at(f, DT_EDIALOGUE, e.author, e.seq, hash,
			    r->id, "the first control entry is not the genesis");
			goto out;
		}
		if ((rc = genesis_apply(r, &e, o, &why)) != 0) {
			rc = fail_at(f, rc, e.author, e.seq, hash, NULL,
			    "%s", why);
			goto out;
		}
		*seen_genesis = 1;
		goto out;
	}
	if (e.kind == ENTRY_K_GENESIS) {
		rc = fail_at(f, DT_EDIALOGUE, e.author, e.seq, hash, r->id,
		    "a second genesis entry");
		goto out;
	}
	if (memcmp(e.dialogue, r->id, ENTRY_HASH_BYTES) != 0) {
		rc = fail_at(f, DT_EDIALOGUE, e.author, e.seq, hash, r->id,
		    "entry belongs to another dialogue");
		goto out;
	}
	/*
	 * A removed member's control entry (a checkpoint: its role allows
	 * no other) is its fault, noted by the feed walk, and counts
	 * toward nothing.
	 */
	if ((rc = record_may_write(r, e.author, e.kind, e.clock, &why)) != 0 &&
	    record_removed_writer(r, e.author, e.kind, e.clock))
		rc = 0;
	else if (rc != 0 || (rc = control_rules(r, &e, o, 1, &why)) != 0)
		rc = fail_at(f, rc, e.author, e.seq, hash, NULL, "%s", why);
	else if (e.kind == ENTRY_K_CHECKPOINT &&
	    (rc = cover_note(r, e.author, e.seq)) != 0)
		rc = fail_at(f, rc, NULL, 0, NULL, NULL, "out of memory");
out:
	json_decref(o);
	return rc;
}

/*
 * control_row_cb() - an opening's control pass, one row of the control
 * index: a checkpoint, seal or minutes signature that a `checked` row
 * vouches for (the same author as the index row, below its feed's
 * watermark) is taken without reading the entry, which a verification
 * read, checked and passed whole (its signature, its payload, its
 * author's right to write it); what it contributes to the record as
 * loaded, a checkpoint's coverage, is in the row.  Any other entry is
 * read and checked (control_cb()).
 */
static int
control_row_cb(void *ctx, const unsigned char *key, const unsigned char *hash)
{
	struct control_walk *w = ctx;
	record *r = w->r;
	unsigned char a[KEY_PK_BYTES];
	uint64_t seq;
	unsigned kind;

	if (w->seen_genesis &&
	    store_checked_get(w->t, hash, a, &seq, &kind) == 0 &&
	    ctl_quiet(kind) && memcmp(a, key + 8, KEY_PK_BYTES) == 0 &&
	    seq < ctl_watermark(w, a)) {
		r->ctl_n++;
		r->ctl_cached++;
		memcpy(r->sum_key, key, STORE_ORDER_BYTES);
		memcpy(r->sum_hash, hash, ENTRY_HASH_BYTES);
		if (kind == ENTRY_K_CHECKPOINT && cover_note(r, a, seq) != 0)
			return fail_at(w->f, DT_ENOMEM, NULL, 0, NULL, NULL,
			    "out of memory");
		return 0;
	}
	return store_scan_hash(w->t, hash, control_cb, w);
}

static int
count_row(void *ctx, const unsigned char *key, const unsigned char *hash)
{
	(void)key;
	(void)hash;
	(*(uint64_t *)ctx)++;
	return 0;
}

/*
 * ctl_summary() - an opening's control pass from the summary row of
 * `checked` (FORMAT.md section 8), which a verification that passed
 * wrote: the first n rows of the control index, ending at a row it
 * names, were all checked then; of them only the membership entries
 * (listed, in order) are read again, the checkpoints' coverage is in
 * the summary, and the rows after it are taken as control_row_cb()
 * takes any row.  The summary stands only if the row it ends at is
 * there and the index has exactly n rows up to it (a row imported with
 * a smaller clock, put before it, makes the count differ).
 * @return 0 (done), 1 (no summary that stands: nothing done), or the
 *         failure of a row after it.
 */
static int
ctl_summary(struct control_walk *w)
{
	record *r = w->r;
	unsigned char *v = NULL, digest[ENTRY_HASH_BYTES];
	const unsigned char *key, *hash, *p;
	uint64_t n, total, after = 0;
	size_t len, ncov, nmem, i;
	int rc = 1;

	if (store_ctl_summary_get(w->t, &v, &len) != 0)
		return 1;
	if (len < 8 + STORE_ORDER_BYTES + 2 * ENTRY_HASH_BYTES + 4)
		goto out;
	n = store_get_be64(v);
	key = v + 8;
	hash = key + STORE_ORDER_BYTES;
	p = hash + 2 * ENTRY_HASH_BYTES;
	ncov = (size_t)p[0] << 24 | (size_t)p[1] << 16 | (size_t)p[2] << 8 |
	    p[3];
	p += 4;
	if (ncov > (len - (size_t)(p - v)) / (KEY_PK_BYTES + 8) ||
	    len - (size_t)(p - v) - ncov * (KEY_PK_BYTES + 8) < 4)
		goto out;
	p += ncov * (KEY_PK_BYTES + 8);
	nmem = (size_t)p[0] << 24 | (size_t)p[1] << 16 | (size_t)p[2] << 8 |
	    p[3];
	p += 4;
	if (nmem == 0 || nmem > n || (len - (size_t)(p - v)) !=
	    nmem * ENTRY_HASH_BYTES)
		goto out;
	/*
	 * The first n rows must be those the summary was made from: a row
	 * changed or put among them (an entry imported with a smaller
	 * clock) changes their digest, and the pass starts from scratch.
	 */
	if (store_control_prefix(w->t, n, digest) != 0 ||
	    sodium_memcmp(digest, hash + ENTRY_HASH_BYTES,
	    ENTRY_HASH_BYTES) != 0 ||
	    store_control_count(w->t, &total) != 0 ||
	    store_scan_control_after(w->t, key, hash, count_row, &after) != 0 ||
	    n + after != total)
		goto out;
	/* The membership entries, read and checked as in any pass. */
	for (i = 0; i < nmem; i++)
		if (store_scan_hash(w->t, p + i * ENTRY_HASH_BYTES, control_cb,
		    w) != 0 || !w->seen_genesis)
			goto out;
	p = hash + 2 * ENTRY_HASH_BYTES + 4;
	for (i = 0; i < ncov; i++, p += KEY_PK_BYTES + 8)
		if ((rc = cover_note(r, p, store_get_be64(p + KEY_PK_BYTES))) !=
		    0) {
			rc = fail_at(w->f, rc, NULL, 0, NULL, NULL,
			    "out of memory");
			goto out;
		}
	r->ctl_n += n - nmem;
	r->ctl_cached += n - nmem;
	memcpy(r->sum_key, key, STORE_ORDER_BYTES);
	memcpy(r->sum_hash, hash, ENTRY_HASH_BYTES);
	rc = store_scan_control_after(w->t, key, hash, control_row_cb, w);
	r->sum_dirty = after > 0;
out:
	free(v);
	return rc;
}

/* ctl_summary_put() - write the summary of the last control pass, in t. */
static int
ctl_summary_put(record *r, store_txn *t)
{
	unsigned char *v, *p;
	size_t len, i;
	int rc;

	len = 8 + STORE_ORDER_BYTES + 2 * ENTRY_HASH_BYTES + 4 +
	    r->ncover * (KEY_PK_BYTES + 8) + 4 + r->nmemh * ENTRY_HASH_BYTES;
	if ((v = malloc(len)) == NULL)
		return DT_ENOMEM;
	store_be64(v, r->sum_n);
	memcpy(v + 8, r->sum_key, STORE_ORDER_BYTES);
	memcpy(v + 8 + STORE_ORDER_BYTES, r->sum_hash, ENTRY_HASH_BYTES);
	/* the digest of the rows read, in this transaction's snapshot */
	if ((rc = store_control_prefix(t, r->sum_n, v + 8 + STORE_ORDER_BYTES +
	    ENTRY_HASH_BYTES)) != 0) {
		free(v);
		return rc;
	}
	p = v + 8 + STORE_ORDER_BYTES + 2 * ENTRY_HASH_BYTES;
	p[0] = (unsigned char)(r->ncover >> 24);
	p[1] = (unsigned char)(r->ncover >> 16);
	p[2] = (unsigned char)(r->ncover >> 8);
	p[3] = (unsigned char)r->ncover;
	p += 4;
	for (i = 0; i < r->ncover; i++, p += KEY_PK_BYTES + 8) {
		memcpy(p, r->cover[i].author, KEY_PK_BYTES);
		store_be64(p + KEY_PK_BYTES, r->cover[i].size);
	}
	p[0] = (unsigned char)(r->nmemh >> 24);
	p[1] = (unsigned char)(r->nmemh >> 16);
	p[2] = (unsigned char)(r->nmemh >> 8);
	p[3] = (unsigned char)r->nmemh;
	p += 4;
	if (r->nmemh > 0)
		memcpy(p, r->memh, r->nmemh * ENTRY_HASH_BYTES);
	rc = store_ctl_summary_put(t, v, len);
	free(v);
	return rc;
}

/* Rebuild r's membership from the control entries, within t. */
static int
load_control(record *r, store_txn *t, record_failure *f)
{
	struct control_walk w;
	int rc;

	memset(&w, 0, sizeof w);
	w.r = r;
	w.f = f;
	w.t = t;
	r->nfresh = 0;
	r->ctl_n = r->ctl_checked = r->ctl_cached = r->ctl_read = 0;
	r->nmemh = 0;
	r->sum_n = 0;
	r->sum_dirty = 1;
	memset(f, 0, sizeof *f);
	members_reset(r);
	rc = store_dialogue(t, r->id);
	if (rc == DT_ENOENT)
		return fail_at(f, DT_ECORRUPT, NULL, 0, NULL, NULL,
		    "the store names no dialogue");
	if (rc != 0)
		return fail_at(f, rc, NULL, 0, NULL, NULL,
		    "cannot read the dialogue id");
	r->have_id = 1;
	r->ctl_txn = t;
	if (r->ctl_trust && (rc = ctl_summary(&w)) != 1) {
		if (rc != 0)
			goto failed;
		goto loaded;
	}
	if (r->ctl_trust) {
		/* No summary that stands: the whole index, from scratch. */
		members_reset(r);
		memset(&w, 0, sizeof w);
		w.r = r;
		w.f = f;
		w.t = t;
		memset(f, 0, sizeof *f);
		r->nfresh = r->nmemh = 0;
		r->ctl_n = r->ctl_checked = r->ctl_cached = r->ctl_read = 0;
		r->sum_dirty = 1;
	}
	rc = r->ctl_trust ? store_scan_control_rows(t, control_row_cb, &w) :
	    store_scan_control(t, control_cb, &w);
failed:
	r->ctl_txn = NULL;
	if (rc != 0) {
		if (f->code == 0)
			fail_at(f, rc, NULL, 0, NULL, NULL,
			    "cannot read the control entries: %s",
			    dt_strerror(rc));
		return f->code;
	}
loaded:
	r->ctl_txn = NULL;
	if (!w.seen_genesis)
		return fail_at(f, DT_ECORRUPT, NULL, 0, NULL, r->id,
		    "the genesis entry is missing");
	r->sum_n = r->ctl_n;
	return 0;
}

/* State of the feed walk of record_verify(). */
struct feed_walk {
	record *r;
	store_txn *t;
	unsigned flags;
	int incremental;
	int have_feed;
	unsigned char author[KEY_PK_BYTES];
	uint64_t next_seq;
	unsigned char prev_hash[ENTRY_HASH_BYTES];
	uint64_t prev_clock;
	record_failure *f;
	record_stats *st;
	/* A walk from seq 0 hashes the feed into its tree as it goes. */
	merkle_frontier fr;
	int fr_ok;
	/*
	 * Or the pooled walk's tree stage did (tree_run()), ahead of the
	 * walk: for the entry at hand, the feed's root before it (given
	 * when it is a checkpoint) and after it (given when it is the last
	 * of its feed in its chunk); root is the latter, kept.
	 */
	int pretree;
	const unsigned char *pre_before, *pre_after;
	int pre_too_long;
	unsigned char root[MERKLE_HASH_BYTES];
	uint64_t covered;     /* entries of the feed a checkpoint covers */
	const record_walk_hooks *hooks;
	uint64_t done;        /* entries walked, for progress */
	uint64_t total;       /* entries the walk is to check */
};

/* The feed just walked must end where its head row says it does. */
static int
feed_finish(struct feed_walk *w)
{
	store_head h;
	int rc;

	if (!w->have_feed)
		return 0;
	if ((rc = store_head_get(&h, w->t, w->author)) != 0)
		return fail_at(w->f, DT_ECORRUPT, w->author, w->next_seq - 1,
		    w->prev_hash, NULL, "the feed has no head row");
	if (h.next_seq != w->next_seq || memcmp(h.hash, w->prev_hash,
	    ENTRY_HASH_BYTES) != 0 || h.clock != w->prev_clock)
		return fail_at(w->f, DT_ECORRUPT, w->author, w->next_seq - 1,
		    w->prev_hash, h.hash,
		    "the feed's head row says %llu entries, the feed has %llu",
		    (unsigned long long)h.next_seq,
		    (unsigned long long)w->next_seq);
	w->st->feeds++;
	if (w->fr_ok && !w->pretree)
		(void)roots_offer(&w->r->roots, w->author, &w->fr);
	if (w->covered > w->next_seq)
		return fail_at(w->f, DT_ECORRUPT, w->author, w->next_seq - 1,
		    w->prev_hash, NULL, "a checkpoint of this feed covers %llu "
		    "entries; the feed has %llu", (unsigned long long)w->covered,
		    (unsigned long long)w->next_seq);
	if (w->hooks != NULL && w->hooks->progress != NULL)
		w->hooks->progress(w->hooks->ctx, w->done, w->total);
	if (w->hooks != NULL && w->hooks->feed != NULL) {
		record_feed_info fi;

		memset(&fi, 0, sizeof fi);
		memcpy(fi.author, w->author, KEY_PK_BYTES);
		fi.size = w->next_seq;
		fi.has_root = w->fr_ok;
		if (w->fr_ok && w->pretree)
			memcpy(fi.root, w->root, sizeof fi.root);
		else if (w->fr_ok)
			merkle_frontier_root(&w->fr, fi.root);
		fi.covered = w->covered;
		if ((rc = w->hooks->feed(w->hooks->ctx, &fi)) != 0)
			return fail_at(w->f, rc, NULL, 0, NULL, NULL, "%s",
			    dt_strerror(rc));
	}
	return 0;
}

/* Start walking a feed at seq from: find the entry before it, if any. */
static int
feed_start(struct feed_walk *w, const unsigned char *author, uint64_t from)
{
	unsigned char *b = NULL;
	size_t len;
	entry e;
	int rc;

	w->have_feed = 1;
	memcpy(w->author, author, KEY_PK_BYTES);
	w->next_seq = from;
	w->prev_clock = 0;
	memset(w->prev_hash, 0, sizeof w->prev_hash);
	merkle_frontier_init(&w->fr);
	w->fr_ok = from == 0;
	w->covered = from == 0 && (w->flags & RECORD_VERIFY_CHECKPOINTS) ?
	    cover_get(w->r, author) : 0;
	if (from == 0)
		return 0;
	if ((rc = store_get(&b, &len, w->t, author, from - 1)) != 0)
		return fail_at(w->f, rc == DT_ENOENT ? DT_ECHAIN : rc, author,
		    from - 1, NULL, NULL, "verified entry missing");
	if ((rc = entry_parse(&e, b, len)) != 0) {
		free(b);
		return fail_at(w->f, rc, author, from - 1, NULL, NULL,
		    "verified entry is malformed");
	}
	entry_hash(w->prev_hash, b, len);
	w->prev_clock = e.clock;
	free(b);
	return 0;
}

static int
feed_cb(void *ctx, const unsigned char key[STORE_KEY_BYTES],
    const unsigned char *bytes, size_t len,
    const unsigned char hash[ENTRY_HASH_BYTES])
{
	struct feed_walk *w = ctx;
	unsigned char la[KEY_PK_BYTES], root[MERKLE_HASH_BYTES];
	uint64_t kseq = store_get_be64(key + KEY_PK_BYTES), lseq;
	entry e;
	int rc;

	if (!w->have_feed || memcmp(key, w->author, KEY_PK_BYTES) != 0) {
		if ((rc = feed_finish(w)) != 0)
			return rc;
		if ((rc = feed_start(w, key, w->incremental ? kseq : 0)) != 0)
			return rc;
	}
	if ((rc = entry_parse(&e, bytes, len)) != 0)
		return fail_at(w->f, rc, key, kseq, hash, NULL,
		    "entry is malformed (%s)", dt_strerror(rc));
	if (memcmp(e.author, key, KEY_PK_BYTES) != 0 || e.seq != kseq)
		return fail_at(w->f, DT_ECORRUPT, key, kseq, hash, NULL,
		    "entry is stored under another author or sequence");
	if (kseq != w->next_seq)
		return fail_at(w->f, DT_ECHAIN, key, w->next_seq, NULL, NULL,
		    "entry missing from the feed (next stored is seq %llu)",
		    (unsigned long long)kseq);
	/*
	 * The fast path: an entry below the feed's latest checkpoint is
	 * authenticated by that checkpoint's signed root, which the walk
	 * checks against the root of these very bytes when it reaches the
	 * checkpoint entry (which must be there: feed_finish()).
	 */
	if (w->covered > 0 && kseq == w->covered &&
	    e.kind != ENTRY_K_CHECKPOINT)
		return fail_at(w->f, DT_ECORRUPT, key, kseq, hash, NULL,
		    "the control index names a checkpoint the feed does not "
		    "hold here");
	w->r->sig_covered = kseq < w->covered;
	if (w->fr_ok && e.kind == ENTRY_K_CHECKPOINT) {
		if (!w->pretree)
			merkle_frontier_root(&w->fr, root);
		else if (w->pre_before != NULL)
			memcpy(root, w->pre_before, sizeof root);
		else
			return fail_at(w->f, DT_ECORRUPT, key, kseq, hash,
			    NULL, "the feed's tree was not computed here");
		w->r->walk_root = root;
	}
	rc = check_entry(w->r, w->t, &e, hash, kseq ? w->prev_hash : NULL,
	    w->prev_clock, w->flags, w->f, w->st);
	w->r->sig_covered = 0;
	w->r->walk_root = NULL;
	if (rc != 0)
		return rc;
	if (kseq < w->covered)
		w->st->root_checked++;
	else
		w->st->sig_checked++;
	if (w->fr_ok && (w->pretree ? w->pre_too_long :
	    merkle_frontier_append(&w->fr, hash) != 0))
		return fail_at(w->f, DT_ERANGE, key, kseq, hash, NULL,
		    "the feed is too long for its tree");
	/* The walk on one core feeds the roots cache itself (tree_run()). */
	if (w->fr_ok && !w->pretree && w->fr.size % ROOTS_SNAP == 0)
		(void)roots_offer(&w->r->roots, key, &w->fr);
	if (w->fr_ok && w->pretree && w->pre_after != NULL)
		memcpy(w->root, w->pre_after, sizeof w->root);
	if (w->flags & RECORD_VERIFY_NO_INDEXES)
		goto indexed;
	if (store_locate(la, &lseq, w->t, hash) != 0 ||
	    memcmp(la, key, KEY_PK_BYTES) != 0 || lseq != kseq)
		return fail_at(w->f, DT_ECORRUPT, key, kseq, hash, NULL,
		    "the hash index does not lead to this entry");
	if (!store_check_order(w->t, e.clock, key, hash))
		return fail_at(w->f, DT_ECORRUPT, key, kseq, hash, NULL,
		    "the merged-order index does not list this entry");
	if (!store_check_kind(w->t, &e, hash))
		return fail_at(w->f, DT_ECORRUPT, key, kseq, hash, NULL,
		    "the kinds index does not list this entry");
indexed:
	memcpy(w->prev_hash, hash, ENTRY_HASH_BYTES);
	w->prev_clock = e.clock;
	w->next_seq = kseq + 1;
	w->st->entries++;
	if (w->hooks != NULL && w->hooks->progress != NULL &&
	    ++w->done % 1024 == 0)
		w->hooks->progress(w->hooks->ctx, w->done, w->total);
	return 0;
}

/*
 * The full walk on every core: the entries of the store are taken in
 * chunks (pointers into the map in a read-only transaction, else
 * copies); while a sigpool hashes the next chunk and checks its
 * signatures (only the hashes of the entries a checkpoint covers), this
 * thread checks the chunk before it in order (feed_cb()).  The chunk's
 * leaf hashes are appended to the feeds' trees (tree_run()) by this
 * thread, while the pool works on the next chunk, when the walk checks
 * signatures (verify: the pool, where the time goes, then never waits
 * on a tree); by a stage thread after the pool, beside this thread's
 * checks, on the fast path of an audit (where the pool only hashes and
 * this thread's checks take the time).  Two chunks in memory at most,
 * whatever the record's size.
 */
#define WALK_CHUNK 4096U
#define WALK_CHUNK_BYTES (16U * 1024U * 1024U)

struct walk_chunk {
	sigpool_job jobs[WALK_CHUNK];
	unsigned char keys[WALK_CHUNK][STORE_KEY_BYTES];
	size_t off[WALK_CHUNK];
	size_t n, used, cap;
	unsigned char *buf;
	/* from tree_run(): see struct feed_walk's pre_before, pre_after */
	unsigned char before[WALK_CHUNK][MERKLE_HASH_BYTES];
	unsigned char after[WALK_CHUNK][MERKLE_HASH_BYTES];
	unsigned char has_before[WALK_CHUNK], has_after[WALK_CHUNK];
	unsigned char too_long[WALK_CHUNK];
};

/* The trees' state (tree_run()): the feed it is in and that feed's tree. */
struct walk_tree {
	record *r;        /* its roots cache */
	int have;
	int ok;           /* 0 after a gap: the walk fails there anyway */
	unsigned char author[KEY_PK_BYTES];
	uint64_t next_seq;
	merkle_frontier fr;
};

struct walk_pool {
	struct walk_chunk c[2];
	int cur;          /* the chunk being filled */
	int pending;      /* the pool works on the other one */
	int in_map;       /* read-only: jobs point into the map, no copies */
	sigpool *pool;
	struct walk_tree tree;
	/*
	 * tree_here: the pool checks signatures, where the time goes, and
	 * this thread grows the trees while the pool works on the next
	 * chunk, so that the pool never waits on a tree.  Else (the fast
	 * path of an audit, where the pool only hashes and this thread's
	 * checks are what take time) a stage thread has the pool hash a
	 * chunk and then grows the trees, beside this thread's checks.
	 */
	int tree_here;
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int have_th, quit;
	struct walk_chunk *job;  /* the stage's chunk (NULL: idle) */
	struct feed_walk *w;
	/* the last feed looked up in the checkpoint coverage */
	unsigned char cover_author[KEY_PK_BYTES];
	uint64_t cover_size;
	int cover_known;
};

/*
 * tree_run() - append the leaf hashes of chunk c (hashed) to the trees of
 * their feeds, in key order as feed_cb() meets them, and note the roots
 * feed_cb() needs: before each checkpoint, and after the last entry of
 * each feed in the chunk.  What the tree is fed is checked by the walk
 * (author and sequence of every entry) before it uses a root.
 */
static void
tree_run(struct walk_tree *t, struct walk_chunk *c)
{
	uint64_t seq;
	size_t i;

	for (i = 0; i < c->n; i++) {
		const sigpool_job *j = &c->jobs[i];

		c->has_before[i] = c->has_after[i] = c->too_long[i] = 0;
		if (!t->have || memcmp(t->author, c->keys[i],
		    KEY_PK_BYTES) != 0) {
			t->have = 1;
			t->ok = 1;
			t->next_seq = 0;
			memcpy(t->author, c->keys[i], KEY_PK_BYTES);
			merkle_frontier_init(&t->fr);
		}
		seq = store_get_be64(c->keys[i] + KEY_PK_BYTES);
		if (seq != t->next_seq)
			t->ok = 0;
		t->next_seq = seq + 1;
		if (!t->ok)
			continue;
		/* the kind byte, if these are an entry's bytes at all */
		if (j->len > 4 && j->bytes[4] == ENTRY_K_CHECKPOINT) {
			merkle_frontier_root(&t->fr, c->before[i]);
			c->has_before[i] = 1;
		}
		if (merkle_frontier_append(&t->fr, j->hash) != 0) {
			c->too_long[i] = 1;
			t->ok = 0;
			continue;
		}
		/* For seals, checked after the walk (verify_seals()). */
		if (t->fr.size % ROOTS_SNAP == 0)
			(void)roots_offer(&t->r->roots, t->author, &t->fr);
		if (i + 1 == c->n || memcmp(c->keys[i + 1], t->author,
		    KEY_PK_BYTES) != 0) {
			merkle_frontier_root(&t->fr, c->after[i]);
			c->has_after[i] = 1;
			(void)roots_offer(&t->r->roots, t->author, &t->fr);
		}
	}
}

/* stage_run() - hash and check chunk c on the pool, then grow the trees. */
static void
stage_run(struct walk_pool *p, struct walk_chunk *c)
{
	sigpool_start(p->pool, c->jobs, c->n);
	sigpool_wait(p->pool);
	tree_run(&p->tree, c);
}

static void *
stage_thread(void *arg)
{
	struct walk_pool *p = arg;
	struct walk_chunk *c;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (p->job == NULL && !p->quit)
			pthread_cond_wait(&p->cv, &p->mu);
		if (p->job == NULL)
			break;
		c = p->job;
		pthread_mutex_unlock(&p->mu);
		stage_run(p, c);
		pthread_mutex_lock(&p->mu);
		p->job = NULL;
		pthread_cond_broadcast(&p->cv);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/* stage_give() - have the stage work on c; inline without the thread. */
static void
stage_give(struct walk_pool *p, struct walk_chunk *c)
{
	if (!p->have_th) {
		stage_run(p, c);
		return;
	}
	pthread_mutex_lock(&p->mu);
	p->job = c;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

/* stage_wait() - wait until the stage is done with the chunk it has. */
static void
stage_wait(struct walk_pool *p)
{
	if (!p->have_th)
		return;
	pthread_mutex_lock(&p->mu);
	while (p->job != NULL)
		pthread_cond_wait(&p->cv, &p->mu);
	pthread_mutex_unlock(&p->mu);
}

/* Check the entries of chunk c, in order, as feed_cb() would have. */
static int
walk_chunk_check(struct walk_pool *p, struct walk_chunk *c)
{
	struct feed_walk *w = p->w;
	size_t i;
	int rc = 0;

	w->pretree = 1;
	for (i = 0; i < c->n && rc == 0; i++) {
		sigpool_job *j = &c->jobs[i];

		w->pre_before = c->has_before[i] ? c->before[i] : NULL;
		w->pre_after = c->has_after[i] ? c->after[i] : NULL;
		w->pre_too_long = c->too_long[i];
		w->r->presig = j->sig_ok ? j->hash : NULL;
		rc = feed_cb(w, c->keys[i], j->bytes, j->len, j->hash);
		w->r->presig = NULL;
	}
	w->pre_before = w->pre_after = NULL;
	c->n = 0;
	c->used = 0;
	return rc;
}

/*
 * Hand the chunk being filled to the pool, and, while the pool works on
 * it, grow the trees with the other one and check it.  The pool is idle
 * only from the end of one chunk to the start of the next (its workers
 * take jobs a few at a time, so they end a chunk together).
 */
static int
walk_flush(struct walk_pool *p)
{
	struct walk_chunk *fill = &p->c[p->cur], *other = &p->c[!p->cur];
	size_t i;

	if (p->pending)
		p->tree_here ? sigpool_wait(p->pool) : stage_wait(p);
	for (i = 0; !p->in_map && i < fill->n; i++)
		fill->jobs[i].bytes = fill->buf + fill->off[i];
	if (fill->n > 0)
		p->tree_here ? sigpool_start(p->pool, fill->jobs, fill->n) :
		    stage_give(p, fill);
	if (p->pending && p->tree_here)
		tree_run(&p->tree, other);
	p->pending = fill->n > 0;
	p->cur = !p->cur;
	return walk_chunk_check(p, other);
}

static int
walk_raw_cb(void *ctx, const unsigned char key[STORE_KEY_BYTES],
    const unsigned char *bytes, size_t len,
    const unsigned char *hash)
{
	struct walk_pool *p = ctx;
	struct walk_chunk *c = &p->c[p->cur];
	unsigned char *nb;
	int rc;

	(void)hash;
	if (c->n == WALK_CHUNK || (c->n > 0 && c->used + len >
	    WALK_CHUNK_BYTES)) {
		if ((rc = walk_flush(p)) != 0)
			return rc;
		c = &p->c[p->cur];
	}
	if (!p->in_map && c->used + len > c->cap) {
		size_t cap = c->cap ? c->cap : 65536;

		while (cap < c->used + len)
			cap *= 2;
		if ((nb = realloc(c->buf, cap)) == NULL)
			return fail_at(p->w->f, DT_ENOMEM, NULL, 0, NULL, NULL,
			    "out of memory");
		c->buf = nb;
		c->cap = cap;
	}
	if (!p->cover_known || memcmp(p->cover_author, key,
	    KEY_PK_BYTES) != 0) {
		memcpy(p->cover_author, key, KEY_PK_BYTES);
		p->cover_size = (p->w->flags & RECORD_VERIFY_CHECKPOINTS) ?
		    cover_get(p->w->r, key) : 0;
		p->cover_known = 1;
	}
	if (p->in_map)
		c->jobs[c->n].bytes = bytes;
	else
		memcpy(c->buf + c->used, bytes, len);
	memcpy(c->keys[c->n], key, STORE_KEY_BYTES);
	c->off[c->n] = c->used;
	c->jobs[c->n].len = len;
	c->jobs[c->n].sig_ok = 0;
	/* Covered entries: the checkpoint's root stands for their signatures. */
	c->jobs[c->n].hash_only =
	    store_get_be64(key + KEY_PK_BYTES) < p->cover_size;
	c->used += len;
	c->n++;
	return 0;
}

/* walk_pooled()'s private result: no pool to be had, nothing done. */
#define WALK_NO_POOL 1

/*
 * walk_pooled() - store_scan_entries(t, NULL, 0, 0, feed_cb, w) on every
 * core; or, given heads, the entries of each feed from its watermark
 * (an incremental walk); WALK_NO_POOL when no pool can be had (the
 * caller then walks on one core).
 */
static int
walk_pooled(struct feed_walk *w, store_txn *t, const store_head *heads,
    size_t nheads)
{
	size_t i;
	struct walk_pool *p;
	int rc;

	if ((p = calloc(1, sizeof *p)) == NULL)
		return WALK_NO_POOL;
	if (sigpool_new(&p->pool, 0) != 0) {
		free(p);
		return WALK_NO_POOL;
	}
	p->w = w;
	p->tree.r = w->r;
	p->in_map = store_txn_readonly(t);
	p->tree_here = !(w->flags & RECORD_VERIFY_CHECKPOINTS);
	if (!p->tree_here && pthread_mutex_init(&p->mu, NULL) == 0) {
		if (pthread_cond_init(&p->cv, NULL) == 0) {
			p->have_th = pthread_create(&p->th, NULL, stage_thread,
			    p) == 0;
			if (!p->have_th)
				pthread_cond_destroy(&p->cv);
		}
		if (!p->have_th)
			pthread_mutex_destroy(&p->mu);
	}
	if (heads == NULL)
		rc = store_scan_raw(t, walk_raw_cb, p);
	for (i = 0, rc = heads == NULL ? rc : 0; rc == 0 && i < nheads; i++)
		if (heads[i].verified < heads[i].next_seq)
			rc = store_scan_feed_raw(t, heads[i].author,
			    heads[i].verified, walk_raw_cb, p);
	if (rc == 0)
		rc = walk_flush(p);     /* the last chunk to the pool */
	if (rc == 0)
		rc = walk_flush(p);     /* and checked */
	if (p->pending)         /* a failure: the pool still has a chunk */
		p->tree_here ? sigpool_wait(p->pool) : stage_wait(p);
	if (p->have_th) {
		pthread_mutex_lock(&p->mu);
		p->quit = 1;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
		pthread_join(p->th, NULL);
		pthread_cond_destroy(&p->cv);
		pthread_mutex_destroy(&p->mu);
	}
	sigpool_free(p->pool);
	free(p->c[0].buf);
	free(p->c[1].buf);
	free(p);
	return rc;
}

/*
 * verify_seals() - after a walk that passed, the listed roots of the
 * seals it met (seal_defer()), from the roots cache the walk fed: each
 * a snapshot and at most ROOTS_SNAP - 1 entries' prev fields per feed,
 * the chains having been checked.
 */
static int
verify_seals(record *r, store_txn *t, record_failure *f)
{
	char why[sizeof f->detail];
	unsigned char *b = NULL;
	size_t i, len;
	entry e;
	int rc = 0;

	r->chain_checked = 1;
	for (i = 0; rc == 0 && i < r->nlater; i++) {
		const struct seal_later *l = &r->later[i];

		if ((rc = store_get(&b, &len, t, l->author, l->seq)) != 0 ||
		    (rc = entry_parse(&e, b, len)) != 0)
			rc = fail_at(f, rc, l->author, l->seq, l->hash, NULL,
			    "cannot read the seal entry again: %s",
			    dt_strerror(rc));
		else if ((rc = seal_check_roots(r, t, &e, why,
		    sizeof why)) != 0)
			rc = fail_at(f, rc, l->author, l->seq, l->hash, NULL,
			    "%s", why);
		free(b);
		b = NULL;
	}
	r->chain_checked = 0;
	return rc;
}

/* Walk entries and check each; see record_verify(). */
static int
verify_txn(record *r, store_txn *t, unsigned flags,
    const record_walk_hooks *hooks, record_stats *st, record_failure *f)
{
	struct feed_walk w;
	store_head *heads = NULL;
	size_t nheads = 0, i;
	uint64_t n_order;
	int rc;

	memset(&w, 0, sizeof w);
	w.r = r;
	w.t = t;
	w.flags = flags;
	w.f = f;
	w.st = st;
	w.hooks = hooks;
	fault_list_reset(&r->faults);
	r->closes_valid = 0;
	/* Only an opening trusts the `checked` rows; verify checks all. */
	r->ctl_trust = (flags & RECORD_VERIFY_INCREMENTAL) != 0;
	rc = load_control(r, t, f);
	r->ctl_trust = 0;
	st->ctl_entries = r->ctl_n;
	st->ctl_sig_checked = r->ctl_checked;
	st->ctl_cached = r->ctl_cached;
	st->ctl_read = r->ctl_read;
	if (rc != 0)
		goto out;
	r->seals_later = 1;
	r->nlater = 0;
	if ((rc = store_count(&st->total, t)) != 0 ||
	    (rc = store_order_count(&n_order, t)) != 0 ||
	    (rc = store_heads(&heads, &nheads, t)) != 0) {
		rc = fail_at(f, rc, NULL, 0, NULL, NULL,
		    "cannot read the store: %s", dt_strerror(rc));
		goto out;
	}
	if (n_order != st->total) {
		rc = fail_at(f, DT_ECORRUPT, NULL, 0, NULL, NULL,
		    "the merged-order index has %llu rows for %llu entries",
		    (unsigned long long)n_order,
		    (unsigned long long)st->total);
		goto out;
	}
	w.total = st->total;
	if (flags & RECORD_VERIFY_INCREMENTAL) {
		w.incremental = 1;
		for (w.total = 0, i = 0; i < nheads; i++)
			if (heads[i].verified < heads[i].next_seq)
				w.total += heads[i].next_seq - heads[i].verified;
		/*
		 * A record that lags by more than a chunk (a bundle imported
		 * by another program, a first opening) is checked on every
		 * core, feed by feed from its watermark.
		 */
		if (w.total >= WALK_CHUNK) {
			for (i = 0; i < nheads; i++)
				if (heads[i].verified >= heads[i].next_seq)
					st->feeds++;
			rc = walk_pooled(&w, t, heads, nheads);
			if (rc != WALK_NO_POOL) {
				if (rc != 0 || (rc = feed_finish(&w)) != 0)
					goto out;
				goto walked;
			}
			st->feeds = 0;
			w.have_feed = 0;
		}
		for (i = 0; i < nheads; i++) {
			if (heads[i].verified >= heads[i].next_seq) {
				st->feeds++;
				continue;
			}
			w.have_feed = 0;
			if ((rc = feed_start(&w, heads[i].author,
			    heads[i].verified)) != 0 ||
			    (rc = store_scan_entries(t, heads[i].author,
			    heads[i].verified, 1, feed_cb, &w)) != 0 ||
			    (rc = feed_finish(&w)) != 0)
				goto out;
			w.have_feed = 0;
		}
	} else {
		rc = walk_pooled(&w, t, NULL, 0);
		if (rc == WALK_NO_POOL) /* the same walk on one core */
			rc = store_scan_entries(t, NULL, 0, 0, feed_cb, &w);
		if (rc != 0 || (rc = feed_finish(&w)) != 0)
			goto out;
		if (st->feeds != nheads) {
			rc = fail_at(f, DT_ECORRUPT, NULL, 0, NULL, NULL,
			    "%zu head rows for %llu feeds", nheads,
			    (unsigned long long)st->feeds);
			goto out;
		}
	}
walked:
	rc = verify_seals(r, t, f);
out:
	r->seals_later = 0;
	r->nlater = 0;
	if (rc != 0 && f->code == 0)
		fail_at(f, rc, NULL, 0, NULL, NULL, "%s", dt_strerror(rc));
	free(heads);
	return rc;
}

/* Move every feed's watermark to its head, in its own transaction. */
static int
mark_verified(record *r)
{
	store_txn *t = NULL;
	store_head *heads = NULL;
	size_t n = 0, i;
	int rc, changed = 0;

	if ((rc = store_txn_begin(&t, r->s, 1)) != 0)
		return rc;
	if ((rc = store_heads(&heads, &n, t)) != 0)
		goto out;
	for (i = 0; i < n; i++)
		if (heads[i].verified != heads[i].next_seq) {
			if ((rc = store_head_set_verified(t, heads[i].author,
			    heads[i].next_seq)) != 0)
				goto out;
			changed = 1;
		}
	/*
	 * The control entries whose signatures this verification checked,
	 * in the transaction that moves the watermarks past them (a store
	 * made before `checked` existed, opened read-only, has none).
	 */
	for (i = 0; i < r->nfresh; i++) {
		if ((rc = store_checked_put(t, r->fresh[i].hash,
		    r->fresh[i].author, r->fresh[i].seq,
		    r->fresh[i].kind)) == DT_EVERSION)
			break;
		if (rc != 0)
			goto out;
		changed = 1;
	}
	rc = 0;
	r->nfresh = 0;
	/* ...and what the control pass needs next time, if it changed. */
	if (r->sum_dirty && r->sum_n > 0 && r->nmemh > 0) {
		if ((rc = ctl_summary_put(r, t)) == 0)
			changed = 1;
		else if (rc != DT_EVERSION)
			goto out;
		rc = 0;
	}
	free(heads);
	heads = NULL;
	if (!changed)
		goto out;
	rc = store_txn_commit(t);
	t = NULL;
out:
	free(heads);
	store_txn_abort(t);
	return rc;
}

/* Keep the rows of the member faults the walk met, in a transaction. */
static int
keep_faults(record *r)
{
	store_txn *t = NULL;
	size_t i;
	int rc;

	if (r->faults.n == 0)
		return 0;
	if ((rc = store_txn_begin(&t, r->s, 1)) != 0)
		return rc;
	for (i = 0; i < r->faults.n; i++)
		if ((rc = store_fault_put(t, &r->faults.v[i])) != 0)
			goto out;
	rc = store_txn_commit(t);
	t = NULL;
out:
	store_txn_abort(t);
	return rc;
}

/* record_verify(), reporting progress through hooks (may be NULL). */
static int
verify_marked(record *r, unsigned flags, const record_walk_hooks *hooks,
    record_stats *st, record_failure *f)
{
	record_stats dummy;
	store_txn *t = NULL;
	int rc;

	if (st == NULL)
		st = &dummy;
	memset(st, 0, sizeof *st);
	memset(f, 0, sizeof *f);
	if ((flags & RECORD_VERIFY_KEY) && record_key(r) == NULL)
		return fail_at(f, DT_ENOKEY, NULL, 0, NULL, NULL,
		    "the dialogue key is not unlocked");
	/*
	 * One read transaction is one consistent snapshot: entries
	 * appended meanwhile by other processes are neither half-seen nor
	 * reported as missing.
	 */
	if ((rc = store_txn_begin(&t, r->s, 0)) != 0)
		return fail_at(f, rc, NULL, 0, NULL, NULL,
		    "cannot read the store: %s", dt_strerror(rc));
	rc = verify_txn(r, t, flags & ~(RECORD_VERIFY_CHECKPOINTS |
	    RECORD_VERIFY_NO_INDEXES), hooks, st, f);
	store_txn_abort(t);
	if (rc == 0) {
		/* A read-only store simply keeps its old watermark. */
		(void)mark_verified(r);
		/* ...and the faults it knew: the walk has listed them. */
		(void)keep_faults(r);
	}
	return rc;
}

int
record_verify(record *r, unsigned flags, record_stats *st,
    record_failure *f)
{
	return verify_marked(r, flags, NULL, st, f);
}

int
record_audit_walk(record *r, unsigned flags, const record_walk_hooks *h,
    record_stats *st, record_failure *f)
{
	record_stats dummy;
	store_txn *t = NULL;
	int rc;

	if (st == NULL)
		st = &dummy;
	memset(st, 0, sizeof *st);
	memset(f, 0, sizeof *f);
	flags &= ~RECORD_VERIFY_INCREMENTAL;
	if ((flags & RECORD_VERIFY_KEY) && record_key(r) == NULL)
		return fail_at(f, DT_ENOKEY, NULL, 0, NULL, NULL,
		    "the dialogue key is not unlocked");
	if ((rc = store_txn_begin(&t, r->s, 0)) != 0)
		return fail_at(f, rc, NULL, 0, NULL, NULL,
		    "cannot read the store: %s", dt_strerror(rc));
	rc = verify_txn(r, t, flags, h, st, f);
	if (rc != 0 && f->code != 0 && (flags & RECORD_VERIFY_CHECKPOINTS) &&
	    rc != DT_ENOMEM && rc != DT_EIO) {
		record_failure f1 = *f;

		if (h != NULL && h->restart != NULL)
			h->restart(h->ctx);
		memset(st, 0, sizeof *st);
		memset(f, 0, sizeof *f);
		rc = verify_txn(r, t, flags & ~RECORD_VERIFY_CHECKPOINTS, h, st,
		    f);
		st->fallback = 1;
		/* Every signature good: the fast path's failure stands. */
		if (rc == 0) {
			*f = f1;
			rc = f1.code;
		}
	}
	store_txn_abort(t);
	return rc;
}

int
record_open_snapshot(record **out, const char *dir)
{
	record *r = NULL;
	store_txn *t = NULL;
	int rc;

	*out = NULL;
	if ((r = calloc(1, sizeof *r)) == NULL)
		return DT_ENOMEM;
	if ((rc = store_open(&r->s, dir, STORE_OPEN_READONLY)) != 0)
		goto out;
	if ((rc = store_txn_begin(&t, r->s, 0)) != 0)
		goto out;
	rc = load_control(r, t, &r->fail);
	store_txn_abort(t);
	if (rc == DT_ENOMEM || rc == DT_EIO || rc == DT_EBUSY)
		goto out;
	*out = r;
	r = NULL;
	rc = 0;
out:
	record_close(r);
	return rc;
}

/*
 * unwritable() - 1 if the store in dir cannot be written by this process
 * (a read-only mount, or its directory or files without write
 * permission), so that record_open() reads it read-only.
 */
static int
unwritable(const char *dir)
{
	static const char *const files[] = { "data.mdb", "lock.mdb" };
	char f[4096];
	size_t i;

	if (access(dir, W_OK) != 0 && (errno == EROFS || errno == EACCES))
		return 1;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(f, sizeof(f), "%s/%s", dir, files[i]);
		if (access(f, W_OK) != 0 && (errno == EROFS ||
		    errno == EACCES))
			return 1;
	}
	return 0;
}

int
record_open(record **out, const char *dir)
{
	return record_open_progress(out, dir, NULL);
}

int
record_open_progress(record **out, const char *dir,
    const record_walk_hooks *hooks)
{
	record *r = NULL;
	int rc;

	*out = NULL;
	if ((r = calloc(1, sizeof *r)) == NULL)
		return DT_ENOMEM;
	/* A store that cannot be written to is read as it is. */
	if ((rc = store_open(&r->s, dir, 0)) != 0 && (!unwritable(dir) ||
	    (rc = store_open(&r->s, dir, STORE_OPEN_READONLY)) != 0))
		goto out;
	rc = verify_marked(r, RECORD_VERIFY_INCREMENTAL, hooks, &r->open_st,
	    &r->fail);
	if (rc == DT_ENOMEM || rc == DT_EIO || rc == DT_EBUSY)
		goto out;
	*out = r;
	r = NULL;
	rc = 0;
out:
	record_close(r);
	return rc;
}

void
record_close(record *r)
{
	size_t i;

	if (r == NULL)
		return;
	epoch_ring_free(&r->ring);
	fault_list_done(&r->faults);
	free(r->closes);
	if (r->scratch != NULL)
		sodium_free(r->scratch);
	members_reset(r);
	free(r->cover);
	free(r->later);
	free(r->fresh);
	free(r->memh);
	roots_free(r->roots);
	store_close(r->s);
	for (i = 0; i < r->nmem; i++)
		free(r->mem[i].bytes);
	free(r->mem);
	free(r);
}

int
record_mem_new(record **out, const unsigned char id[ENTRY_HASH_BYTES])
{
	record *r;

	*out = NULL;
	if ((r = calloc(1, sizeof *r)) == NULL)
		return DT_ENOMEM;
	memcpy(r->id, id, ENTRY_HASH_BYTES);
	r->have_id = 1;
	*out = r;
	return 0;
}

int
record_mem_control(record *r, const entry *e,
    const unsigned char hash[ENTRY_HASH_BYTES], record_failure *f)
{
	struct mem_control *nm;
	int rc;

	memset(f, 0, sizeof *f);
	if (r->s != NULL || entry_kind_is_content(e->kind))
		return fail_at(f, DT_EINVAL, e->author, e->seq, hash, NULL,
		    "not a control entry of a record without a store");
	if ((rc = control_apply(r, e, hash, &r->mem_genesis, f)) != 0)
		return rc;
	if (e->kind != ENTRY_K_SEAL)
		return 0; /* only the seals are read again (seal.c) */
	if (r->nmem == r->capmem) {
		size_t cap = r->capmem ? 2 * r->capmem : 16;

		if ((nm = realloc(r->mem, cap * sizeof *nm)) == NULL)
			return fail_at(f, DT_ENOMEM, NULL, 0, NULL, NULL,
			    "out of memory");
		r->mem = nm;
		r->capmem = cap;
	}
	if ((r->mem[r->nmem].bytes = malloc(e->len)) == NULL)
		return fail_at(f, DT_ENOMEM, NULL, 0, NULL, NULL,
		    "out of memory");
	memcpy(r->mem[r->nmem].bytes, e->bytes, e->len);
	r->mem[r->nmem].len = e->len;
	memcpy(r->mem[r->nmem].hash, hash, ENTRY_HASH_BYTES);
	r->nmem++;
	return 0;
}

int
record_control_scan(record *r, store_txn *t, store_scan_cb cb, void *ctx)
{
	size_t i;
	int rc;

	if (r->s != NULL)
		return store_scan_control(t, cb, ctx);
	for (i = 0; i < r->nmem; i++)
		if ((rc = cb(ctx, r->mem[i].bytes, r->mem[i].len,
		    r->mem[i].hash)) != 0)
			return rc;
	return 0;
}

int
record_feed_root(record *r, store_txn *t,
    const unsigned char author[KEY_PK_BYTES], uint64_t size,
    unsigned char root[MERKLE_HASH_BYTES])
{
	return roots_at(&r->roots, t, author, size, r->chain_checked ?
	    ROOTS_CHAIN_CHECKED : 0, root);
}

const record_stats *
record_open_stats(const record *r)
{
	return &r->open_st;
}

store *
record_store(record *r)
{
	return r->s;
}

const unsigned char *
record_id(const record *r)
{
	return r->id;
}

const char *
record_title(const record *r)
{
	return r->title != NULL ? r->title : "";
}

const char *
record_title_in(const record *r, const char *lang, const char **tag)
{
	const char *s = lang_pick(r->titles, "title", "titles", lang, tag);

	return s != NULL ? s : "";
}

size_t
record_nparties(const record *r)
{
	return r->nparties;
}

const char *
record_party(const record *r, size_t i)
{
	return i < r->nparties ? r->parties[i] : NULL;
}

size_t
record_nmembers(const record *r)
{
	return r->nmembers;
}

const record_member *
record_member_at(const record *r, size_t i)
{
	return i < r->nmembers ? &r->members[i] : NULL;
}

const record_fault *
record_faults(const record *r, size_t *n)
{
	*n = r->faults.n;
	return r->faults.v;
}

int
record_fault_scan(record *r, store_fault_cb cb, void *ctx, uint64_t *n)
{
	store_txn *t = NULL;
	int rc;

	if ((rc = store_txn_begin(&t, r->s, 0)) != 0)
		return rc;
	if (n != NULL && (rc = store_fault_count(n, t)) != 0)
		goto out;
	if (cb != NULL)
		rc = store_fault_scan(t, cb, ctx);
out:
	store_txn_abort(t);
	return rc;
}

const unsigned char *
record_key(const record *r)
{
	return epoch_any_key(&r->ring);
}

const record_failure *
record_last_failure(const record *r)
{
	return &r->fail;
}

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
	d.time_ms = now_ms();
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
			rc = control_rules(r, &fake, o, 0, &why);
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
	if ((rc = check_entry(r, t, &e, h, have_head ? head.hash : NULL,
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
	if ((rc = load_control(r, *t, &f)) != 0) {
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

/* The genesis payload for g; checks the rules record_create() needs. */
static int
genesis_payload(char **out, const record_genesis *g,
    const key_identity *creator, const char **why)
{
	json_t *o = NULL, *parties, *members;
	char hex[2 * KEY_PK_BYTES + 1];
	size_t i;
	int rc = DT_ENOMEM;

	*out = NULL;
	if ((parties = json_array()) == NULL || (members = json_array()) ==
	    NULL) {
		json_decref(parties);
		return DT_ENOMEM;
	}
	if ((o = json_pack("{s:i,s:s,s:o,s:o}", "v", PAYLOAD_VERSION, "title",
	    g->title, "parties", parties, "members", members)) == NULL)
		goto out;
	if (g->titles != NULL && json_object_set_new(o, "titles",
	    json_deep_copy(g->titles)) != 0)
		goto out;
	for (i = 0; i < g->nparties; i++)
		if (json_array_append_new(parties, json_string(g->parties[i])))
			goto out;
	for (i = 0; i < g->nmembers; i++) {
		key_hex(hex, g->members[i].pk, KEY_PK_BYTES);
		if (json_array_append_new(members, json_pack(
		    "{s:s,s:s,s:s,s:s}", "key", hex, "name",
		    g->members[i].name, "party", g->members[i].party, "role",
		    role_name(g->members[i].role))) != 0)
			goto out;
	}
	rc = DT_EINVAL;
	if (payload_check(ENTRY_K_GENESIS, o) != 0) {
		*why = "parties, members or title are malformed";
		goto out;
	}
	if (payload_fields_check(ENTRY_K_GENESIS, o, NULL) != 0) {
		*why = "a title or a name is empty, too long, or has control "
		    "or bidirectional characters";
		goto out;
	}
	{
		/* The same rules verify applies, run on a scratch record. */
		record scratch;
		entry fake;

		memset(&scratch, 0, sizeof scratch);
		memset(&fake, 0, sizeof fake);
		fake.author = creator->pk;
		rc = genesis_apply(&scratch, &fake, o, why);
		members_reset(&scratch);
		if (rc != 0) {
			rc = DT_EINVAL;
			goto out;
		}
	}
	rc = (*out = payload_dump(o)) != NULL ? 0 : DT_ENOMEM;
out:
	json_decref(o);
	return rc;
}

static int
fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc = 0;

	if (fd < 0)
		return DT_EIO;
	if (fsync(fd) != 0)
		rc = DT_EIO;
	close(fd);
	return rc;
}

int
record_create(record **out, const char *parent, const key_identity *creator,
    const record_genesis *g, const char **why)
{
	char *tmp = NULL, *final = NULL, *gp = NULL, *wp = NULL;
	char hex[2 * ENTRY_HASH_BYTES + 1];
	const char *dummy;
	unsigned char *key = NULL, *gb = NULL, *wb = NULL;
	unsigned char id[ENTRY_HASH_BYTES], wh[ENTRY_HASH_BYTES];
	unsigned char (*pks)[KEY_PK_BYTES] = NULL;
	size_t glen, wlen, n, i;
	store *s = NULL;
	store_txn *t = NULL;
	entry_draft d;
	entry ge, we;
	uint64_t ts = g->time_ms ? g->time_ms : now_ms();
	int rc;

	*out = NULL;
	if (why == NULL)
		why = &dummy;
	*why = NULL;
	if ((rc = genesis_payload(&gp, g, creator, why)) != 0)
		goto out;
	memset(&d, 0, sizeof d);
	d.kind = ENTRY_K_GENESIS;
	d.clock = 1;
	d.time_ms = ts;
	d.payload = (const unsigned char *)gp;
	d.payload_len = strlen(gp);
	if ((rc = entry_build(&gb, &glen, &d, creator)) != 0 ||
	    (rc = entry_parse(&ge, gb, glen)) != 0)
		goto out;
	entry_hash(id, gb, glen);
	if ((pks = malloc((g->nmembers ? g->nmembers : 1) * sizeof *pks)) ==
	    NULL) {
		rc = DT_ENOMEM;
		goto out;
	}
	for (i = 0; i < g->nmembers; i++)
		memcpy(pks[i], g->members[i].pk, KEY_PK_BYTES);
	if ((rc = wrap_key_new(&key)) != 0 ||
	    (rc = record_int_wrap_payload(&wp, id, key,
	    (const unsigned char (*)[KEY_PK_BYTES])pks, g->nmembers,
	    NULL)) != 0)
		goto out;
	memset(&d, 0, sizeof d);
	d.kind = ENTRY_K_KEY_WRAP;
	d.dialogue = id;
	d.seq = 1;
	d.clock = 2;
	d.time_ms = ts;
	d.prev = id;
	d.payload = (const unsigned char *)wp;
	d.payload_len = strlen(wp);
	if ((rc = entry_build(&wb, &wlen, &d, creator)) != 0 ||
	    (rc = entry_parse(&we, wb, wlen)) != 0)
		goto out;
	entry_hash(wh, wb, wlen);
	key_hex(hex, id, sizeof id);
	n = strlen(parent) + 2 * ENTRY_HASH_BYTES + 16;
	rc = DT_ENOMEM;
	if ((tmp = malloc(n)) == NULL || (final = malloc(n)) == NULL)
		goto out;
	snprintf(tmp, n, "%s/.new-XXXXXX", parent);
	snprintf(final, n, "%s/%s", parent, hex);
	if (access(final, F_OK) == 0) {
		rc = DT_EEXIST;
		goto out;
	}
	if (mkdtemp(tmp) == NULL) {
		rc = errno == ENOSPC ? DT_ENOSPC : DT_EIO;
		free(tmp);
		tmp = NULL;
		goto out;
	}
	if ((rc = store_open(&s, tmp, 1)) != 0 ||
	    (rc = store_txn_begin(&t, s, 1)) != 0 ||
	    (rc = store_set_dialogue(t, id)) != 0 ||
	    (rc = store_put(t, &ge, id)) != 0 ||
	    (rc = store_put(t, &we, wh)) != 0)
		goto out;
	rc = store_txn_commit(t);
	t = NULL;
	if (rc != 0)
		goto out;
	store_close(s);
	s = NULL;
	if (rename(tmp, final) != 0) {
		rc = errno == EEXIST || errno == ENOTEMPTY ? DT_EEXIST : DT_EIO;
		goto out;
	}
	free(tmp);
	tmp = NULL;
	if ((rc = fsync_dir(parent)) != 0)
		goto out;
	if ((rc = record_open(out, final)) != 0)
		goto out;
	if ((*out)->fail.code != 0) {
		*why = (*out)->fail.detail;
		rc = (*out)->fail.code;
		record_close(*out);
		*out = NULL;
		goto out;
	}
	{
		unsigned char kid[WRAP_KEYID_BYTES];

		wrap_key_id(kid, key);
		rc = epoch_hold(&(*out)->ring, kid, key);
		key = NULL;
		if (rc != 0) {
			record_close(*out);
			*out = NULL;
			goto out;
		}
	}
out:
	store_txn_abort(t);
	store_close(s);
	if (tmp != NULL) {
		/* Only our own fresh temporary directory is ever removed. */
		char f[4096];

		snprintf(f, sizeof f, "%s/data.mdb", tmp);
		unlink(f);
		snprintf(f, sizeof f, "%s/lock.mdb", tmp);
		unlink(f);
		rmdir(tmp);
	}
	wrap_key_free(key);
	free(pks);
	free(wb);
	free(gb);
	payload_free(wp);
	payload_free(gp);
	free(final);
	free(tmp);
	return rc;
}

int
record_find(record *r, const char *prefix,
    unsigned char hash[ENTRY_HASH_BYTES])
{
	store_txn *t = NULL;
	int rc;

	if ((rc = store_txn_begin(&t, r->s, 0)) != 0)
		return rc;
	rc = store_find_prefix(hash, t, prefix);
	store_txn_abort(t);
	return rc;
}

int
record_get(record *r, const unsigned char hash[ENTRY_HASH_BYTES],
    unsigned char **bytes, size_t *len)
{
	unsigned char author[KEY_PK_BYTES];
	store_txn *t = NULL;
	uint64_t seq;
	int rc;

	*bytes = NULL;
	*len = 0;
	if ((rc = store_txn_begin(&t, r->s, 0)) != 0)
		return rc;
	if ((rc = store_locate(author, &seq, t, hash)) == 0)
		rc = store_get(bytes, len, t, author, seq);
	store_txn_abort(t);
	return rc;
}

/*
 * Import: bundles into the record.
 *
 * record_import() runs in one write transaction.  It walks the bundle in
 * its order (merged order, as bundle_export() writes it), adding every
 * entry whose prerequisites are there: its feed's previous entry and
 * every entry it references, in the record or accepted earlier in this
 * import.  The others wait in memory; then the waiting entries (and the
 * entries held by earlier imports) are tried again, in merged order,
 * until a pass adds nothing.  What still waits is held.  So memory grows
 * with the entries that wait, not with the bundle.
 */

enum { IMPORT_ADDED = 1, IMPORT_KNOWN, IMPORT_WAIT };

/* An entry that waits for another pass. */
struct import_pend {
	unsigned char *bytes;
	size_t len;
	unsigned char hash[ENTRY_HASH_BYTES];
	uint32_t index;   /* its place in the bundle, from 1; 0: held before */
	int done;
	int bad;          /* a damaged held row (done; hash is its key) */
	/*
	 * A row held before: only its header is in bytes (len bytes), the
	 * whole entry (size bytes) stays in the held database until it no
	 * longer waits (pend_load()), so that an import reads a page per
	 * held entry, not every held byte.
	 */
	int lazy;
	size_t size;
};

/* Up to this many entries, or bytes, of a bundle are checked at once. */
#define IMPORT_CHUNK 4096U
#define IMPORT_CHUNK_BYTES (16U * 1024U * 1024U)

/* A chunk of a bundle: copies of its entries, and their pool jobs. */
struct import_chunk {
	sigpool_job jobs[IMPORT_CHUNK];
	uint32_t index[IMPORT_CHUNK]; /* 1-based place in the bundle */
	size_t off[IMPORT_CHUNK];
	size_t n;
	unsigned char *buf;           /* the entries' bytes, back to back */
	size_t used, cap;
};

struct import_state {
	const char *what;             /* "bundle", "batch": for messages */
	/* Two chunks: one checked in order while the pool hashes the other. */
	struct import_chunk *chunk;   /* two, on the heap: 600 KB */
	int cur;
	int pending;                  /* the pool is working on a chunk */
	sigpool *pool;                /* NULL: signatures checked in order */
	record *r;
	store_txn *t;
	unsigned flags;
	record_import_stats *st;
	record_failure *f;
	struct import_pend *pend;
	size_t npend, cap;
	/* A fork found in the bundle: the first entry and the second. */
	unsigned char *fork_first, *fork_second;
	size_t fork_flen, fork_slen;
	/* Where the entries held before this import sit, by place. */
	struct held_place *held;
	size_t nheld;
	int hold_all;                 /* RECORD_IMPORT_HOLD_ALL: no bounds */
	/*
	 * A join's hash index rows, written in one sorted pass at the end
	 * of its loop (import_index()); NULL otherwise, and after that.
	 */
	runs *runs;
};

/*
 * import_tree() - the root of the first e->seq entries of e's feed, for
 * the checkpoint e, from the record's roots cache: the feed is read the
 * first time (its entries before this import, or before its first
 * checkpoint) and grown by import_grow() from then on, so that a
 * checkpoint costs no walk of its feed.  NULL if it cannot be had
 * (check_entry() then walks the feed and says why).
 */
static const unsigned char *
import_tree(struct import_state *x, const entry *e,
    unsigned char root[MERKLE_HASH_BYTES])
{
	return roots_at(&x->r->roots, x->t, e->author, e->seq,
	    ROOTS_CHAIN_CHECKED, root) == 0 ? root : NULL;
}

/* import_grow() - the entry e (leaf hash h) was added to its feed. */
static void
import_grow(struct import_state *x, const entry *e,
    const unsigned char h[ENTRY_HASH_BYTES])
{
	roots_grow(x->r->roots, e->author, e->seq, h);
}

/* The place of a held entry: author, seq, and which entry it is. */
struct held_place {
	unsigned char author[KEY_PK_BYTES];
	uint64_t seq;
	unsigned char hash[ENTRY_HASH_BYTES];
	int bad;      /* its bytes do not hash to its key: proves nothing */
};

static int
held_place_cmp(const void *a, const void *b)
{
	const struct held_place *p = a, *q = b;
	int c;

	if ((c = memcmp(p->author, q->author, KEY_PK_BYTES)) != 0)
		return c;
	if (p->seq != q->seq)
		return p->seq < q->seq ? -1 : 1;
	return 0;
}

/* held_find() - the first held place at e's (author, seq), or NULL. */
static struct held_place *
held_find(struct import_state *x, const entry *e)
{
	struct held_place key;
	size_t lo = 0, hi = x->nheld, mid;

	if (x->nheld == 0) /* x->held is NULL: no pointer arithmetic on it */
		return NULL;
	memcpy(key.author, e->author, KEY_PK_BYTES);
	key.seq = e->seq;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (held_place_cmp(&x->held[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < x->nheld && held_place_cmp(&x->held[lo], &key) == 0 ?
	    &x->held[lo] : NULL;
}

/*
 * A held entry came first: an entry of the bundle for the same place
 * with other bytes is a fork, even though the place is still empty.
 * The held entry is read whole into x->fork_first (*out: its place); a
 * held row whose bytes are not an entry under its own hash (a damaged
 * store) proves nothing, and is passed over (its retry drops it), as is
 * one this import has dropped already.
 * @return 1 (a fork), 0 (none), or a negative DT_E* code.
 */
static int
held_conflict(const struct held_place **out, struct import_state *x,
    const entry *e, const unsigned char hash[ENTRY_HASH_BYTES])
{
	unsigned char h[ENTRY_HASH_BYTES];
	struct held_place *p;
	entry he;
	int rc;

	*out = NULL;
	for (p = held_find(x, e); p != NULL && p < x->held + x->nheld &&
	    memcmp(p->author, e->author, KEY_PK_BYTES) == 0 &&
	    p->seq == e->seq; p++) {
		if (p->bad || memcmp(p->hash, hash, ENTRY_HASH_BYTES) == 0)
			continue;
		free(x->fork_first);
		x->fork_first = NULL;
		rc = store_held_get(&x->fork_first, &x->fork_flen, x->t,
		    p->hash);
		if (rc == DT_ENOENT) {
			/* Dropped by a retry of this import: no longer held. */
			p->bad = 1;
			continue;
		}
		if (rc != 0)
			return rc;
		entry_hash(h, x->fork_first, x->fork_flen);
		if (memcmp(h, p->hash, ENTRY_HASH_BYTES) == 0 &&
		    entry_parse(&he, x->fork_first, x->fork_flen) == 0) {
			*out = p;
			return 1;
		}
		p->bad = 1;
	}
	free(x->fork_first);
	x->fork_first = NULL;
	return 0;
}


/* Say where the failing entry sits: in the bundle, or held before. */
static void
import_where(const struct import_state *x, record_failure *f,
    uint32_t index)
{
	char where[64];
	size_t n = strnlen(f->detail, sizeof f->detail - 1), w;

	if (index > 0)
		snprintf(where, sizeof where, " (entry %lu of the %s)",
		    (unsigned long)index, x->what != NULL ? x->what : "bundle");
	else
		snprintf(where, sizeof where, " (held from an earlier import)");
	w = strlen(where);
	/* Keep the place whole; shorten the detail if it must. */
	if (n + w >= sizeof f->detail)
		n = sizeof f->detail - 1 - w;
	memcpy(f->detail + n, where, w + 1);
}

/* Kinds whose acceptance changes the membership or the key id. */
static int
changes_membership(unsigned kind)
{
	return kind == ENTRY_K_GENESIS || kind == ENTRY_K_MEMBER_ADD ||
	    kind == ENTRY_K_MEMBER_REMOVE || kind == ENTRY_K_KEY_WRAP;
}

/* late_row_cb() - store_fault_scan() callback: list the late rows. */
static int
late_row_cb(void *ctx, const record_fault *f)
{
	return f->reason == FAULT_LATE ? fault_list_add(ctx, f) : 0;
}

/*
 * late_recheck() - a meeting-close written after its author's removal
 * has just become a member fault, so it closes nothing: an entry this
 * store found late because of it alone (imported before the removal,
 * with the key) is late no more, as on a replica that had the removal
 * first.  Its row goes.  An entry of an epoch this reader cannot open
 * keeps its row (no verdict without the key).
 */
static int
late_recheck(record *r, store_txn *t)
{
	fault_list l = { NULL, 0, 0 };
	unsigned char *b = NULL;
	int64_t meeting;
	size_t len = 0, i;
	entry e;
	int rc, late;

	if ((rc = store_fault_scan(t, late_row_cb, &l)) != 0 || l.n == 0)
		goto out;
	if (r->scratch == NULL &&
	    (r->scratch = sodium_malloc(SCRATCH_BYTES)) == NULL) {
		rc = DT_ENOMEM;
		goto out;
	}
	for (i = 0; i < l.n && rc == 0; i++) {
		if ((rc = store_get(&b, &len, t, l.v[i].author,
		    l.v[i].seq)) != 0)
			break;
		late = 1;
		if (entry_parse(&e, b, len) != 0)
			rc = DT_ECORRUPT;
		else if (epoch_key_for(&r->ring, &e) != NULL &&
		    (rc = fault_classify_meeting(&e, epoch_key_for(&r->ring,
		    &e), r->scratch, SCRATCH_BYTES, &meeting)) == 0 &&
		    meeting >= 0)
			rc = late_check(&late, r, t, &e, meeting);
		if (rc > 0)
			rc = 0; /* another fault: not for this check */
		if (rc == 0 && !late) {
			rc = store_fault_del(t, l.v[i].hash);
			fault_list_drop(&r->faults, l.v[i].hash);
		}
		free(b);
		b = NULL;
	}
out:
	fault_list_done(&l);
	return rc;
}

/*
 * import_removed() - the member-remove e (clock c) was added and the
 * membership reloaded: the removed member's entries already in the
 * record with a clock above c, written before this replica heard of the
 * removal, become member faults (FAULT_REMOVED) now, as they are on a
 * replica that had the removal first.  Clocks rise along a feed, so
 * they are its last entries: a binary search finds the first.
 */
static int
import_removed(struct import_state *x, const entry *e,
    const unsigned char hash[ENTRY_HASH_BYTES])
{
	unsigned char pk[KEY_PK_BYTES], h[ENTRY_HASH_BYTES];
	unsigned char *b = NULL;
	uint64_t lo = 0, hi, mid, clock;
	size_t len = 0;
	store_head th;
	entry d;
	json_t *o;
	int rc, closes = 0;

	if ((o = payload_parse(e->body, e->body_len)) == NULL)
		return fail_at(x->f, DT_EFORMAT, e->author, e->seq, hash, NULL,
		    "member-remove payload is malformed");
	rc = key_unhex(pk, KEY_PK_BYTES, json_string_value(json_object_get(o,
	    "key")));
	json_decref(o);
	if (rc != 0)
		return fail_at(x->f, DT_EFORMAT, e->author, e->seq, hash, NULL,
		    "member-remove payload is malformed");
	x->r->closes_valid = 0; /* a close of its may count no more */
	if ((rc = store_head_get(&th, x->t, pk)) == DT_ENOENT ||
	    (rc == 0 && th.clock <= e->clock))
		return 0; /* nothing of its feed is above the removal */
	if (rc != 0)
		goto fail;
	for (hi = th.next_seq; lo < hi;) {
		mid = lo + (hi - lo) / 2;
		if ((rc = store_ref_probe(&clock, h, x->t, pk, mid)) != 0)
			goto fail;
		if (clock > e->clock)
			hi = mid;
		else
			lo = mid + 1;
	}
	for (; lo < th.next_seq; lo++) {
		if ((rc = store_get(&b, &len, x->t, pk, lo)) != 0)
			goto fail;
		entry_hash(h, b, len);
		rc = entry_parse(&d, b, len) != 0 ? DT_ECORRUPT :
		    !record_removed_writer(x->r, pk, d.kind, d.clock) ? 0 :
		    note_fault(x->r, x->t, &d, h, FAULT_REMOVED, x->f, NULL);
		if (rc == 0 && d.kind == ENTRY_K_MEETING_CLOSE)
			closes = 1;
		free(b);
		b = NULL;
		if (rc != 0)
			return x->f->code != 0 ? rc : fail_at(x->f, rc, pk,
			    lo, NULL, NULL, "the removed member's feed is "
			    "damaged");
	}
	if (closes && record_key(x->r) != NULL &&
	    (rc = late_recheck(x->r, x->t)) != 0)
		return fail_at(x->f, rc, NULL, 0, NULL, NULL, "cannot check "
		    "the late entries again: %s", dt_strerror(rc));
	return 0;
fail:
	return fail_at(x->f, rc == DT_ENOENT ? DT_ECORRUPT : rc, pk, lo, NULL,
	    NULL, "cannot read the removed member's feed: %s",
	    dt_strerror(rc));
}

/*
 * What a waiting entry must be to be held rather than rejected: framed
 * (the caller parsed it), bound to this dialogue and signed.  These are
 * the first checks of check_entry(), which still runs, in full, before
 * the entry is ever added.
 */
static int
import_hold_gate(struct import_state *x, const entry *e,
    const unsigned char hash[ENTRY_HASH_BYTES])
{
	record *r = x->r;

	if (e->kind == ENTRY_K_GENESIS ? sodium_memcmp(hash, r->id,
	    ENTRY_HASH_BYTES) != 0 : memcmp(e->dialogue, r->id,
	    ENTRY_HASH_BYTES) != 0)
		return fail_at(x->f, DT_EDIALOGUE, e->author, e->seq, hash,
		    NULL, "entry belongs to another dialogue");
	if (!sig_ok(r, e, hash))
		return fail_at(x->f, DT_ESIG, e->author, e->seq, hash, NULL,
		    "bad signature");
	return 0;
}

/*
 * import_put() - store e.  In a join, its hash index row goes to x->runs
 * instead (import_index() writes them all at the end), except a control
 * entry's, which load_control() finds by hash before then.
 */
static int
import_put(struct import_state *x, const entry *e,
    const unsigned char h[ENTRY_HASH_BYTES])
{
	unsigned char place[STORE_KEY_BYTES];
	int rc;

	if (x->runs == NULL)
		return store_put(x->t, e, h);
	if ((rc = store_put_flags(x->t, e, h, entry_kind_is_content(e->kind) ?
	    STORE_PUT_NO_HASH : 0)) != 0)
		return rc;
	memcpy(place, e->author, KEY_PK_BYTES);
	store_be64(place + KEY_PK_BYTES, e->seq);
	return runs_add(x->runs, h, place);
}

/* Rows of the hash index written per unsynced step of a join. */
#define INDEX_STEP 65536U

struct index_fill {
	struct import_state *x;
	size_t n;
};

static int
index_cb(void *ctx, const unsigned char hash[ENTRY_HASH_BYTES],
    const unsigned char place[STORE_KEY_BYTES])
{
	struct index_fill *w = ctx;
	int rc;

	if (w->n > 0 && w->n % INDEX_STEP == 0 &&
	    (rc = store_txn_renew_unsynced(&w->x->t)) != 0)
		return rc;
	w->n++;
	return store_hash_append(w->x->t, hash, place);
}

/*
 * import_index() - a join's hash index, written in ascending order from
 * its runs, over the rows of control entries put along the way; in
 * unsynced steps, as the join's loop was.  After it, entries are put
 * with their row again (held entries retried, say).
 */
static int
import_index(struct import_state *x)
{
	struct index_fill w = { x, 0 };
	int rc;

	if ((rc = store_hashes_reset(x->t)) == 0)
		rc = runs_merge(x->runs, index_cb, &w);
	runs_free(x->runs);
	x->runs = NULL;
	if (rc == DT_ECORRUPT)
		return fail_at(x->f, rc, NULL, 0, NULL, NULL,
		    "two entries of the bundle have the same hash");
	if (rc != 0)
		return fail_at(x->f, rc, NULL, 0, NULL, NULL,
		    "cannot write the hash index: %s", dt_strerror(rc));
	return 0;
}

/*
 * import_one() - try to add one entry inside x->t.  *outcome is
 * IMPORT_ADDED, IMPORT_KNOWN (stored already, the same bytes) or
 * IMPORT_WAIT (a prerequisite is missing).  Any other result fails with
 * x->f filled; a fork also leaves both entries in x->fork_*.
 * known_hash, when not NULL, is the leaf hash of these very bytes,
 * computed by a pool worker (it saves hashing them twice).
 */
static int
import_one(struct import_state *x, const unsigned char *bytes, size_t len,
    const unsigned char *known_hash, int from_bundle, int *outcome)
{
	record *r = x->r;
	unsigned char h[ENTRY_HASH_BYTES], oh[ENTRY_HASH_BYTES];
	unsigned char root[MERKLE_HASH_BYTES];
	unsigned char *old = NULL;
	size_t oldlen = 0;
	store_head head;
	record_failure f2;
	const struct held_place *hp = NULL;
	entry e;
	int rc, wait, have_head;

	*outcome = 0;
	/* A pool worker hashed these very bytes already. */
	if (known_hash != NULL)
		memcpy(h, known_hash, ENTRY_HASH_BYTES);
	else
		entry_hash(h, bytes, len);
	if ((rc = entry_parse(&e, bytes, len)) != 0) {
		/* Name what the bytes claim, where there are enough. */
		if (len >= ENTRY_FIXED_BYTES)
			return fail_at(x->f, rc, bytes + 40,
			    store_get_be64(bytes + 72), h, NULL,
			    "malformed entry: %s", dt_strerror(rc));
		return fail_at(x->f, rc, NULL, 0, NULL, NULL,
		    "malformed entry: %s", dt_strerror(rc));
	}
	/*
	 * A feed holds exactly the sequence numbers below its head's
	 * next_seq (store_put() appends at next_seq only): above them there
	 * is nothing to read.
	 */
	rc = store_head_get(&head, x->t, e.author);
	if (rc != 0 && rc != DT_ENOENT)
		return fail_at(x->f, rc, e.author, e.seq, h, NULL,
		    "cannot read the store: %s", dt_strerror(rc));
	have_head = rc == 0;
	rc = have_head && e.seq < head.next_seq ?
	    store_get(&old, &oldlen, x->t, e.author, e.seq) : DT_ENOENT;
	if (rc == 0) {
		if (oldlen == len && memcmp(old, bytes, len) == 0) {
			free(old);
			*outcome = IMPORT_KNOWN;
			return 0;
		}
		/* Only a signed entry of this dialogue proves a fork. */
		if ((rc = import_hold_gate(x, &e, h)) != 0) {
			free(old);
			return rc;
		}
		entry_hash(oh, old, oldlen);
		free(x->fork_first);
		free(x->fork_second);
		x->fork_first = old;
		x->fork_flen = oldlen;
		x->fork_slen = len;
		if ((x->fork_second = malloc(len)) == NULL) {
			x->fork_slen = 0;
			return fail_at(x->f, DT_ENOMEM, NULL, 0, NULL, NULL,
			    "out of memory");
		}
		memcpy(x->fork_second, bytes, len);
		return fail_at(x->f, DT_EFORK, e.author, e.seq, h, oh,
		    "fork: a second, different entry for this author and "
		    "sequence number, both signed");
	}
	if (rc != DT_ENOENT)
		return fail_at(x->f, rc, e.author, e.seq, h, NULL,
		    "cannot read the store: %s", dt_strerror(rc));
	if (from_bundle && (rc = held_conflict(&hp, x, &e, h)) != 0) {
		if (rc < 0)
			return fail_at(x->f, rc, NULL, 0, NULL, NULL,
			    "cannot read a held entry: %s", dt_strerror(rc));
		if ((rc = import_hold_gate(x, &e, h)) != 0)
			return rc;
		free(x->fork_second);
		if ((x->fork_second = malloc(len)) == NULL)
			return fail_at(x->f, DT_ENOMEM, NULL, 0, NULL, NULL,
			    "out of memory");
		memcpy(x->fork_second, bytes, len);
		x->fork_slen = len;
		return fail_at(x->f, DT_EFORK, e.author, e.seq, h, hp->hash,
		    "fork: a second, different entry for this author and "
		    "sequence number, both signed; the first is held, "
		    "waiting for an earlier entry");
	}
	if ((wait = held_waits(NULL, x->t, &e)) < 0)
		return fail_at(x->f, wait, e.author, e.seq, h, NULL,
		    "cannot read the store: %s", dt_strerror(wait));
	if (wait) {
		if ((rc = import_hold_gate(x, &e, h)) != 0)
			return rc;
		*outcome = IMPORT_WAIT;
		return 0;
	}
	if (e.kind == ENTRY_K_CHECKPOINT)
		r->walk_root = import_tree(x, &e, root);
	rc = check_entry(r, x->t, &e, h, have_head ? head.hash : NULL,
	    have_head ? head.clock : 0, x->flags, x->f, NULL);
	r->walk_root = NULL;
	if (rc != 0)
		return rc;
	if ((rc = import_put(x, &e, h)) != 0)
		return fail_at(x->f, rc, e.author, e.seq, h, NULL,
		    "cannot store the entry: %s", dt_strerror(rc));
	import_grow(x, &e, h);
	if (changes_membership(e.kind) &&
	    (rc = load_control(r, x->t, &f2)) != 0) {
		*x->f = f2;
		if (!f2.has_entry) {
			/* Say which entry made the control walk fail. */
			fail_at(x->f, rc, e.author, e.seq, h, NULL, "%s",
			    f2.detail);
		}
		return rc;
	}
	if (e.kind == ENTRY_K_MEMBER_REMOVE &&
	    (rc = import_removed(x, &e, h)) != 0)
		return rc;
	*outcome = IMPORT_ADDED;
	return 0;
}

static int
import_pend_push(struct import_state *x, const unsigned char *bytes,
    size_t len, uint32_t index)
{
	struct import_pend *np, *p;

	if (x->npend == x->cap) {
		size_t cap = x->cap ? 2 * x->cap : 16;

		if ((np = realloc(x->pend, cap * sizeof *np)) == NULL)
			return DT_ENOMEM;
		x->pend = np;
		x->cap = cap;
	}
	p = &x->pend[x->npend];
	memset(p, 0, sizeof *p);
	if ((p->bytes = malloc(len ? len : 1)) == NULL)
		return DT_ENOMEM;
	memcpy(p->bytes, bytes, len);
	p->len = len;
	p->size = len;
	p->index = index;
	if (index > 0)
		entry_hash(p->hash, bytes, len);
	x->npend++;
	return 0;
}

/*
 * held_cb() - a row held before this import: its header only (the row
 * is hashed and parsed whole once it no longer waits, in pend_load()).
 */
static int
held_cb(void *ctx, const unsigned char *bytes, size_t len,
    const unsigned char hash[ENTRY_HASH_BYTES])
{
	struct import_state *x = ctx;
	struct import_pend *p;
	size_t head = held_head_bytes(bytes, len);
	int rc;

	if (head == 0 || head > len)
		head = len < ENTRY_FIXED_BYTES ? len : ENTRY_FIXED_BYTES;
	if ((rc = import_pend_push(x, bytes, head, 0)) != 0)
		return rc;
	p = &x->pend[x->npend - 1];
	memcpy(p->hash, hash, ENTRY_HASH_BYTES);
	p->size = len;
	p->lazy = 1;
	if (held_head_bytes(bytes, len) == 0 ||
	    held_head_bytes(bytes, len) > len) {
		p->bad = 1;
		p->done = 1;
	}
	return 0;
}

/*
 * pend_load() - the whole of a row held before, once it is needed.  A
 * row that is not a well-formed entry under its own hash (the store was
 * tampered with) is marked bad: the caller drops it.
 */
static int
pend_load(struct import_state *x, struct import_pend *p)
{
	unsigned char *b = NULL, h[ENTRY_HASH_BYTES];
	size_t len = 0;
	entry e;
	int rc;

	if (!p->lazy)
		return 0;
	if ((rc = store_held_get(&b, &len, x->t, p->hash)) != 0)
		return fail_at(x->f, rc, NULL, 0, p->hash, NULL,
		    "cannot read a held entry: %s", dt_strerror(rc));
	entry_hash(h, b, len);
	if (entry_parse(&e, b, len) != 0 ||
	    memcmp(h, p->hash, ENTRY_HASH_BYTES) != 0)
		p->bad = 1;
	free(p->bytes);
	p->bytes = b;
	p->len = p->size = len;
	p->lazy = 0;
	return 0;
}

/* Merged order of two waiting entries (framed: the caller parsed them). */
static int
pend_cmp_merged(const void *a, const void *b)
{
	const struct import_pend *p = a, *q = b;
	uint64_t pc, qc;

	if (p->bad || q->bad)
		return q->bad - p->bad; /* damaged rows first; never read */
	pc = store_get_be64(p->bytes + 80);
	qc = store_get_be64(q->bytes + 80);
	if (pc != qc)
		return pc < qc ? -1 : 1;
	return memcmp(p->bytes + 40, q->bytes + 40, KEY_PK_BYTES);
}

/* By place (author, seq), then hash: forks among the waiting sit side by side. */
static int
pend_cmp_place(const void *a, const void *b)
{
	const struct import_pend *p = a, *q = b;
	uint64_t ps, qs;
	int c;

	if (p->bad || q->bad)
		return q->bad - p->bad;
	if ((c = memcmp(p->bytes + 40, q->bytes + 40, KEY_PK_BYTES)) != 0)
		return c;
	ps = store_get_be64(p->bytes + 72);
	qs = store_get_be64(q->bytes + 72);
	if (ps != qs)
		return ps < qs ? -1 : 1;
	return memcmp(p->hash, q->hash, ENTRY_HASH_BYTES);
}

/*
 * Try a waiting entry.  An entry of the bundle that fails fails the
 * import.  An entry held by an earlier import is not the bundle's fault:
 * it is tried in a nested transaction, and if it fails it is dropped
 * from the holding area (a fork is kept as evidence) and the import
 * goes on.
 */
static int
import_retry(struct import_state *x, struct import_pend *p, int *outcome)
{
	record_failure keep;
	store_txn *outer = x->t, *inner = NULL;
	int rc, rc2;

	if (p->index > 0) {
		rc = import_one(x, p->bytes, p->len, NULL, 1, outcome);
		if (rc != 0)
			import_where(x, x->f, p->index);
		return rc;
	}
	/*
	 * A row held before that still waits is left where it is, unread
	 * (its header says so); one that no longer waits is read whole.
	 */
	if (p->lazy) {
		entry he;
		int waits = 0;

		if (held_parse_head(&he, p->bytes, p->len) != 0)
			p->bad = 1;
		else if ((waits = held_waits(NULL, x->t, &he)) < 0)
			return fail_at(x->f, waits, NULL, 0, p->hash, NULL,
			    "cannot read the store: %s", dt_strerror(waits));
		if (waits) {
			*outcome = IMPORT_WAIT;
			return 0;
		}
		if (!p->bad && (rc = pend_load(x, p)) != 0)
			return rc;
	}
	if (p->bad) {
		*outcome = IMPORT_KNOWN; /* settled: the caller drops it */
		return 0;
	}
	keep = *x->f;
	if ((rc = store_txn_begin_nested(&inner, outer)) != 0)
		return fail_at(x->f, rc, NULL, 0, NULL, NULL,
		    "cannot begin a transaction: %s", dt_strerror(rc));
	x->t = inner;
	rc = import_one(x, p->bytes, p->len, NULL, 0, outcome);
	x->t = outer;
	if (rc == 0)
		return store_txn_commit(inner) == 0 ? 0 : fail_at(x->f,
		    DT_EIO, NULL, 0, NULL, NULL, "cannot commit");
	store_txn_abort(inner);
	/* What the child added to a feed's tree is undone with it. */
	roots_free(x->r->roots);
	x->r->roots = NULL;
	if (rc == DT_ENOMEM || rc == DT_EIO || rc == DT_ENOSPC ||
	    rc == DT_EBUSY || rc == DT_ECORRUPT)
		return rc;
	import_where(x, x->f, 0);
	if (x->st->dropped++ == 0)
		x->st->dropped_first = *x->f;
	*x->f = keep;
	if (rc == DT_EFORK && (rc2 = store_evidence_put(outer, x->fork_first,
	    x->fork_flen, x->fork_second, x->fork_slen)) != 0)
		return fail_at(x->f, rc2, NULL, 0, NULL, NULL,
		    "cannot keep the fork evidence: %s", dt_strerror(rc2));
	/* The membership may have changed inside the aborted child. */
	if ((rc2 = load_control(x->r, outer, x->f)) != 0)
		return rc2;
	*outcome = IMPORT_KNOWN; /* settled: no longer waits */
	return store_held_del(outer, p->hash);
}

/*
 * import_refuse() - an entry of the bundle that waits is not held: the
 * bound why (HELD_OVER_*) would be passed.  It is counted, and the first
 * is named; the import goes on (it is not part of the record, and the
 * other side's next export to this replica carries it again).
 */
static void
import_refuse(struct import_state *x, const struct import_pend *p,
    const unsigned char author[KEY_PK_BYTES], uint64_t seq, int why)
{
	if (x->st->refused++ == 0) {
		fail_at(&x->st->refused_first, DT_ERANGE, author, seq, p->hash,
		    NULL, "not held: %s", why == HELD_OVER_AUTHOR ?
		    "its author, not a member, has as many entries held as "
		    "one such author may" : why == HELD_OVER_OTHERS ?
		    "authors who are not members have as many entries held "
		    "as they may together" : "members' entries are held as "
		    "many as a replica keeps");
		import_where(x, &x->st->refused_first, p->index);
		x->st->refused_why = why;
	}
	x->st->refused_bytes += p->size;
}

/*
 * pend_tally() - what stays held, from before this import, by the
 * author of x->pend[i] and those after it (sorted by place).
 */
static held_tally
pend_tally(const struct import_state *x, size_t i)
{
	const unsigned char *author = x->pend[i].bytes + 40;
	held_tally t = { 0, 0 };
	size_t j;

	for (j = i; j < x->npend && memcmp(x->pend[j].bytes + 40, author,
	    KEY_PK_BYTES) == 0; j++)
		if (!x->pend[j].done && x->pend[j].index == 0) {
			t.entries++;
			t.bytes += x->pend[j].size;
		}
	return t;
}

/*
 * After the last pass: what still waits is held.  Every waiting entry
 * has passed import_hold_gate() (framed, bound to this dialogue, signed);
 * nothing else can be checked before what it waits for arrives, not even
 * its author's membership, since the member-add may be what it waits
 * for.  Two waiting entries for one place are a fork.  What is held is
 * bounded (held_admit()): what was held before stays, and an entry of
 * the bundle beyond a bound is not held (import_refuse()); in the order
 * of place, so that a feed keeps the entries nearest to its gap.
 */
static int
import_hold(struct import_state *x)
{
	struct import_pend *p, *q;
	unsigned char author[KEY_PK_BYTES], group[KEY_PK_BYTES];
	/* The pools (by author: pool[0] not members, pool[1] members). */
	held_tally pool[2] = { { 0, 0 }, { 0, 0 } }, mine = { 0, 0 };
	held_tally *total = &pool[0];
	uint64_t seq;
	size_t i, j;
	entry e;
	int rc, why, have_group = 0, member = 0;

	if (x->npend > 0)
		qsort(x->pend, x->npend, sizeof *x->pend, pend_cmp_place);
	for (i = 0; i < x->npend; i++)
		if (!x->pend[i].done && x->pend[i].index == 0) {
			total = &pool[record_member_find(x->r,
			    x->pend[i].bytes + 40) != NULL];
			total->entries++;
			total->bytes += x->pend[i].size;
		}
	for (i = 0; i < x->npend; i++) {
		p = &x->pend[i];
		if (p->done)
			continue;
		if (held_parse_head(&e, p->bytes, p->len) != 0)
			return fail_at(x->f, DT_EFORMAT, NULL, 0, p->hash,
			    NULL, "malformed held entry");
		/* p->bytes may be read whole below: keep the place apart. */
		memcpy(author, e.author, KEY_PK_BYTES);
		seq = e.seq;
		if (!have_group || memcmp(group, author, KEY_PK_BYTES) != 0) {
			memcpy(group, author, KEY_PK_BYTES);
			have_group = 1;
			mine = pend_tally(x, i);
			member = record_member_find(x->r, author) != NULL;
			total = &pool[member];
		}
		for (j = i + 1; j < x->npend; j++) {
			q = &x->pend[j];
			if (q->done)
				continue;
			if (memcmp(q->bytes + 40, author, KEY_PK_BYTES) != 0 ||
			    store_get_be64(q->bytes + 72) != seq)
				break;
			if (memcmp(q->hash, p->hash, ENTRY_HASH_BYTES) == 0) {
				q->done = 1;
				continue; /* the same entry twice */
			}
			/* Evidence is whole entries: read held rows whole. */
			if ((rc = pend_load(x, p)) != 0 ||
			    (rc = pend_load(x, q)) != 0)
				return rc;
			if (p->bad || q->bad) {
				/* A damaged row proves nothing: drop it. */
				struct import_pend *d = p->bad ? p : q;

				d->done = 1;
				if ((rc = store_held_del(x->t, d->hash)) != 0)
					return fail_at(x->f, rc, NULL, 0, NULL,
					    NULL, "cannot drop a damaged held "
					    "entry");
				total->entries--;
				total->bytes -= d->size;
				mine.entries--;
				mine.bytes -= d->size;
				if (d == p)
					break;
				continue;
			}
			q->done = 1;
			if (p->index == 0 && q->index == 0) {
				/* Both held before: not this bundle's doing. */
				if ((rc = store_evidence_put(x->t, p->bytes,
				    p->len, q->bytes, q->len)) != 0 ||
				    (rc = store_held_del(x->t, q->hash)) != 0)
					return fail_at(x->f, rc, NULL, 0, NULL,
					    NULL, "cannot keep fork evidence");
				total->entries--;
				total->bytes -= q->size;
				mine.entries--;
				mine.bytes -= q->size;
				fail_at(x->f, DT_EFORK, author, seq,
				    q->hash, p->hash, "fork: two different "
				    "held entries for this author and "
				    "sequence number");
				import_where(x, x->f, 0);
				if (x->st->dropped++ == 0)
					x->st->dropped_first = *x->f;
				memset(x->f, 0, sizeof *x->f);
				continue;
			}
			free(x->fork_first);
			free(x->fork_second);
			x->fork_first = x->fork_second = NULL;
			if ((x->fork_first = malloc(p->len)) == NULL ||
			    (x->fork_second = malloc(q->len)) == NULL)
				return DT_ENOMEM;
			memcpy(x->fork_first, p->bytes, p->len);
			memcpy(x->fork_second, q->bytes, q->len);
			x->fork_flen = p->len;
			x->fork_slen = q->len;
			rc = fail_at(x->f, DT_EFORK, author, seq, q->hash,
			    p->hash, "fork: two different entries for this "
			    "author and sequence number, both signed");
			import_where(x, x->f, q->index ? q->index : p->index);
			return rc;
		}
		if (p->done || p->index == 0)
			continue; /* dropped, or held already */
		if (!x->hold_all && (why = held_admit(total, &mine, p->size,
		    member)) != HELD_ADMIT) {
			import_refuse(x, p, author, seq, why);
			continue;
		}
		if ((rc = store_held_put(x->t, p->hash, p->bytes, p->len)) != 0)
			return fail_at(x->f, rc, author, seq, p->hash, NULL,
			    "cannot hold the entry: %s", dt_strerror(rc));
		total->entries++;
		total->bytes += p->size;
		mine.entries++;
		mine.bytes += p->size;
		x->st->held_new++;
	}
	return store_held_count(&x->st->held, x->t);
}

/*
 * The entries this import added were checked by check_entry(), as the
 * verify walk would check them: a feed verified up to its head before
 * the import is verified up to its new head after it.
 */
static int
import_mark_verified(store_txn *t, const store_head *old, size_t nold)
{
	store_head *now = NULL;
	size_t n = 0, i, j = 0;
	int rc;

	if ((rc = store_heads(&now, &n, t)) != 0)
		return rc;
	for (i = 0; i < n; i++) {
		int c = 1;

		while (j < nold && (c = memcmp(old[j].author, now[i].author,
		    KEY_PK_BYTES)) < 0)
			j++;
		if (c == 0 && (old[j].verified < old[j].next_seq ||
		    old[j].next_seq == now[i].next_seq))
			continue;
		if (now[i].verified != now[i].next_seq && (rc =
		    store_head_set_verified(t, now[i].author,
		    now[i].next_seq)) != 0)
			break;
	}
	free(now);
	return rc;
}

/*
 * chunk_fill() - copy the next entries of b into c (the reader reuses
 * its buffer), up to IMPORT_CHUNK entries or IMPORT_CHUNK_BYTES bytes;
 * c->n is 0 at the end of the bundle.  *index counts entries read.
 */
static int
chunk_fill(struct import_state *x, struct import_chunk *c,
    const record_source *src, uint32_t *index)
{
	const unsigned char *bytes;
	unsigned char *nb;
	size_t len, i;
	int rc;

	c->n = 0;
	c->used = 0;
	while (c->n < IMPORT_CHUNK && c->used < IMPORT_CHUNK_BYTES) {
		const char *why = NULL;

		if ((rc = src->next(src->ctx, &bytes, &len, &why)) != 0)
			return fail_at(x->f, rc, NULL, 0, NULL, NULL,
			    "cannot read entry %lu of the %s: %s",
			    (unsigned long)*index + 1, src->what,
			    why != NULL ? why : dt_strerror(rc));
		if (bytes == NULL)
			break;
		if (c->used + len > c->cap) {
			size_t cap = c->cap ? c->cap : 65536;

			while (cap < c->used + len)
				cap *= 2;
			if ((nb = realloc(c->buf, cap)) == NULL)
				return fail_at(x->f, DT_ENOMEM, NULL, 0, NULL,
				    NULL, "out of memory");
			c->buf = nb;
			c->cap = cap;
		}
		memcpy(c->buf + c->used, bytes, len);
		c->off[c->n] = c->used;
		c->jobs[c->n].len = len;
		c->jobs[c->n].hash_only = 0;
		c->jobs[c->n].sig_ok = 0;
		c->index[c->n] = ++*index;
		c->used += len;
		c->n++;
	}
	for (i = 0; i < c->n; i++)
		c->jobs[i].bytes = c->buf + c->off[i];
	return 0;
}

/* A join commits (unsynced) after this many entries: see import_txn(). */
#define JOIN_STEP 8192U

/*
 * import_txn() - the import proper, inside the write transaction t (see
 * record_import()).  fresh: the store is new (record_join()) and has no
 * genesis yet, so there is no membership to load; it is committed in
 * steps of JOIN_STEP entries, unsynced (the caller's commit syncs).
 */
static int
import_txn(struct import_state *x, const record_source *src, int fresh)
{
	const unsigned char *bytes;
	store_head *old = NULL;
	size_t len, nold = 0, i, since = 0;
	uint32_t index = 0;
	int rc, outcome, progress;

	/* Every chain in the store was checked as it was stored. */
	x->r->chain_checked = 1;
	if (!fresh && (rc = load_control(x->r, x->t, x->f)) != 0)
		goto out;
	if (x->chunk == NULL &&
	    (x->chunk = calloc(2, sizeof(*x->chunk))) == NULL) {
		rc = fail_at(x->f, DT_ENOMEM, NULL, 0, NULL, NULL,
		    "out of memory");
		goto out;
	}
	/* Without threads, signatures are simply checked in order. */
	if (x->pool == NULL && sigpool_new(&x->pool, 0) != 0)
		x->pool = NULL;
	if ((rc = store_heads(&old, &nold, x->t)) != 0 ||
	    (rc = store_held_scan(x->t, held_cb, x)) != 0) {
		fail_at(x->f, rc, NULL, 0, NULL, NULL,
		    "cannot read the store: %s", dt_strerror(rc));
		goto out;
	}
	/*
	 * The held entries' places, from their headers.  A held row that
	 * does not start with an entry's header (the store was tampered
	 * with) is dropped; one that is not a well-formed entry under its
	 * own hash is dropped when it is read whole (pend_load()).
	 */
	for (i = 0; i < x->npend; i++)
		if (x->pend[i].bad && ((rc = store_held_del(x->t,
		    x->pend[i].hash)) != 0)) {
			fail_at(x->f, rc, NULL, 0, NULL, NULL,
			    "cannot drop a damaged held entry");
			goto out;
		}
	if (x->npend > 0 && (x->held = calloc(x->npend,
	    sizeof *x->held)) == NULL) {
		rc = fail_at(x->f, DT_ENOMEM, NULL, 0, NULL, NULL,
		    "out of memory");
		goto out;
	}
	for (i = 0; i < x->npend; i++) {
		struct held_place *hp = &x->held[x->nheld];
		entry he;

		if (x->pend[i].bad || held_parse_head(&he, x->pend[i].bytes,
		    x->pend[i].len) != 0)
			continue;
		memcpy(hp->author, he.author, KEY_PK_BYTES);
		hp->seq = he.seq;
		memcpy(hp->hash, x->pend[i].hash, ENTRY_HASH_BYTES);
		x->nheld++;
	}
	if (x->nheld > 0)
		qsort(x->held, x->nheld, sizeof *x->held, held_place_cmp);
	/*
	 * Entries come in chunks: while this thread checks one chunk in
	 * order, the pool checks the next chunk's signatures on every core.
	 * Two chunks in memory at most, whatever the bundle's size.
	 */
	for (;;) {
		struct import_chunk *cur = &x->chunk[x->cur];
		struct import_chunk *nxt = &x->chunk[!x->cur];

		/*
		 * nxt is free (this thread checked it last time round): it
		 * is read, and the file hashed, while the pool still works
		 * on cur, so that the pool does not wait for the read.
		 */
		if ((rc = chunk_fill(x, nxt, src, &index)) != 0)
			goto out;
		if (x->pool != NULL && x->pending)
			sigpool_wait(x->pool);
		x->pending = 0;
		if (x->pool != NULL && nxt->n > 0) {
			sigpool_start(x->pool, nxt->jobs, nxt->n);
			x->pending = 1;
		}
		for (i = 0; i < cur->n; i++) {
			bytes = cur->jobs[i].bytes;
			len = cur->jobs[i].len;
			x->r->presig = cur->jobs[i].sig_ok ?
			    cur->jobs[i].hash : NULL;
			rc = import_one(x, bytes, len, x->pool != NULL ?
			    cur->jobs[i].hash : NULL, 1, &outcome);
			x->r->presig = NULL;
			if (rc != 0) {
				import_where(x, x->f, cur->index[i]);
				goto out;
			}
			if (outcome == IMPORT_ADDED)
				x->st->added++;
			else if (outcome == IMPORT_KNOWN)
				x->st->known++;
			else if ((rc = import_pend_push(x, bytes, len,
			    cur->index[i])) != 0) {
				fail_at(x->f, rc, NULL, 0, NULL, NULL,
				    "out of memory");
				goto out;
			}
		}
		/*
		 * A join's store is its own until it is moved into place:
		 * it may be committed in steps, unsynced, and the last
		 * commit makes it all durable at once.
		 */
		since += cur->n;
		if (fresh && since >= JOIN_STEP && nxt->n > 0) {
			since = 0;
			if ((rc = store_txn_renew_unsynced(&x->t)) != 0) {
				fail_at(x->f, rc, NULL, 0, NULL, NULL,
				    "cannot write the store: %s",
				    dt_strerror(rc));
				goto out;
			}
		}
		cur->n = 0;
		if (nxt->n == 0)
			break;
		if (x->pool == NULL)
			for (i = 0; i < nxt->n; i++)
				nxt->jobs[i].sig_ok = 0;
		x->cur = !x->cur;
	}
	if (x->runs != NULL && (rc = import_index(x)) != 0)
		goto out;
	if (x->npend > 1)
		qsort(x->pend, x->npend, sizeof *x->pend, pend_cmp_merged);
	do {
		progress = 0;
		for (i = 0; i < x->npend; i++) {
			struct import_pend *p = &x->pend[i];

			if (p->done)
				continue;
			if ((rc = import_retry(x, p, &outcome)) != 0)
				goto out;
			if (outcome == IMPORT_WAIT)
				continue;
			p->done = 1;
			if (outcome == IMPORT_ADDED) {
				progress = 1;
				if (p->index > 0)
					x->st->added++;
				else
					x->st->released++;
			} else if (p->index > 0)
				x->st->known++;
			if (p->index == 0 &&
			    (rc = store_held_del(x->t, p->hash)) != 0)
				goto out;
		}
	} while (progress);
	if ((rc = import_hold(x)) != 0)
		goto out;
	if ((rc = import_mark_verified(x->t, old, nold)) != 0)
		fail_at(x->f, rc, NULL, 0, NULL, NULL,
		    "cannot update the verified watermark: %s",
		    dt_strerror(rc));
out:
	x->r->chain_checked = 0;
	free(old);
	return rc;
}

static void
import_done(struct import_state *x)
{
	size_t i;

	if (x->pool != NULL && x->pending)
		sigpool_wait(x->pool);
	sigpool_free(x->pool);
	if (x->chunk != NULL) {
		free(x->chunk[0].buf);
		free(x->chunk[1].buf);
		free(x->chunk);
	}
	for (i = 0; i < x->npend; i++)
		free(x->pend[i].bytes);
	free(x->pend);
	free(x->held);
	runs_free(x->runs);
	free(x->fork_first);
	free(x->fork_second);
}

/* Keep a fork found in a rejected bundle, in a transaction of its own. */
static int
import_keep_fork(store *s, struct import_state *x)
{
	store_txn *t = NULL;
	int rc;

	if (x->fork_first == NULL || x->fork_second == NULL)
		return 0;
	if ((rc = store_txn_begin(&t, s, 1)) != 0)
		return rc;
	if ((rc = store_evidence_put(t, x->fork_first, x->fork_flen,
	    x->fork_second, x->fork_slen)) != 0) {
		store_txn_abort(t);
		return rc;
	}
	return store_txn_commit(t);
}

/* Reload r's membership from what is committed, after an abort. */
static void
import_reload(record *r)
{
	record_failure f;
	store_txn *t = NULL;

	if (store_txn_begin(&t, r->s, 0) != 0)
		return;
	(void)load_control(r, t, &f);
	store_txn_abort(t);
}

/* The bundle reader as a source of entries (record_source). */
static int
bundle_source_next(void *ctx, const unsigned char **bytes, size_t *len,
    const char **why)
{
	int rc;

	if ((rc = bundle_reader_next(ctx, bytes, len)) != 0)
		*why = bundle_reader_why(ctx);
	return rc;
}

static int
bundle_source_rewind(void *ctx)
{
	return bundle_reader_rewind(ctx);
}

static void
bundle_source(record_source *src, bundle_reader *b)
{
	src->dialogue = bundle_reader_dialogue(b);
	src->count = bundle_reader_count(b);
	src->what = "bundle";
	src->next = bundle_source_next;
	src->rewind = bundle_source_rewind;
	src->ctx = b;
}

int
record_import(record *r, bundle_reader *b, unsigned flags,
    record_import_stats *st, record_failure *f)
{
	record_source src;

	bundle_source(&src, b);
	return record_import_source(r, &src, flags, st, f);
}

int
record_import_source(record *r, const record_source *src, unsigned flags,
    record_import_stats *st, record_failure *f)
{
	struct import_state x;
	record_import_stats dummy;
	int rc;

	if (st == NULL)
		st = &dummy;
	memset(st, 0, sizeof *st);
	memset(f, 0, sizeof *f);
	memset(&x, 0, sizeof x);
	if (r->fail.code != 0)
		return fail_at(f, DT_ESTATE, NULL, 0, NULL, NULL,
		    "the record failed verification: %s", r->fail.detail);
	if ((flags & RECORD_VERIFY_KEY) && record_key(r) == NULL)
		return fail_at(f, DT_ENOKEY, NULL, 0, NULL, NULL,
		    "the dialogue key is not unlocked");
	if (sodium_memcmp(src->dialogue, r->id, ENTRY_HASH_BYTES) != 0)
		return fail_at(f, DT_EDIALOGUE, NULL, 0, NULL, r->id,
		    "the %s is for another dialogue", src->what);
	if (src->rewind != NULL && (rc = src->rewind(src->ctx)) != 0)
		return fail_at(f, rc, NULL, 0, NULL, NULL,
		    "cannot read the %s: %s", src->what, dt_strerror(rc));
	st->total = src->count;
	fault_list_reset(&r->faults);
	r->closes_valid = 0;
	x.r = r;
	x.what = src->what;
	x.flags = flags & RECORD_VERIFY_KEY;
	x.hold_all = (flags & RECORD_IMPORT_HOLD_ALL) != 0;
	x.st = st;
	x.f = f;
	if ((rc = store_txn_begin(&x.t, r->s, 1)) != 0) {
		fail_at(f, rc, NULL, 0, NULL, NULL,
		    "cannot begin a transaction: %s", dt_strerror(rc));
		goto out;
	}
	if ((rc = import_txn(&x, src, 0)) != 0) {
		store_txn_abort(x.t);
		x.t = NULL;
		import_reload(r);
		if (rc == DT_EFORK)
			(void)import_keep_fork(r->s, &x);
		goto out;
	}
	rc = store_txn_commit(x.t);
	x.t = NULL;
	if (rc != 0) {
		fail_at(f, rc, NULL, 0, NULL, NULL, "cannot commit: %s",
		    dt_strerror(rc));
		import_reload(r);
	}
out:
	if (rc != 0) {
		uint64_t total = st->total;

		/* Roots the cache took from entries the abort took back. */
		roots_free(r->roots);
		r->roots = NULL;
		/* Nothing was added, held or dropped: say so in the counts. */
		memset(st, 0, sizeof *st);
		st->total = total;
		fault_list_reset(&r->faults);
	}
	st->faults = r->faults.n;
	import_done(&x);
	return rc;
}

/* Remove a temporary store directory this process made. */
static void
remove_tmp_store(const char *tmp)
{
	char f[4096];

	snprintf(f, sizeof f, "%s/data.mdb", tmp);
	unlink(f);
	snprintf(f, sizeof f, "%s/lock.mdb", tmp);
	unlink(f);
	rmdir(tmp);
}

/* A replica can only be founded on its genesis: is it in the bundle? */
static int
join_has_genesis(bundle_reader *b, const unsigned char id[ENTRY_HASH_BYTES])
{
	const unsigned char *bytes;
	unsigned char h[ENTRY_HASH_BYTES];
	size_t len;
	int rc, found = 0;

	if ((rc = bundle_reader_rewind(b)) != 0)
		return rc;
	/* An export puts the genesis first (clock 0): usually one read. */
	while (!found && (rc = bundle_reader_next(b, &bytes, &len)) == 0 &&
	    bytes != NULL) {
		entry_hash(h, bytes, len);
		if (sodium_memcmp(h, id, ENTRY_HASH_BYTES) == 0)
			found = 1;
	}
	if (rc != 0)
		return rc;
	return found ? 0 : DT_ENOENT;
}

int
record_join(record **out, const char *parent, bundle_reader *b,
    unsigned flags, record_confirm_fn confirm, void *ctx,
    record_import_stats *st, record_failure *f)
{
	struct import_state x;
	record_import_stats dummy;
	record_source src;
	char hex[2 * ENTRY_HASH_BYTES + 1], *tmp = NULL, *final = NULL;
	unsigned char ga[KEY_PK_BYTES];
	uint64_t gseq;
	record *r = NULL;
	size_t n;
	int rc;

	*out = NULL;
	if (st == NULL)
		st = &dummy;
	memset(st, 0, sizeof *st);
	memset(f, 0, sizeof *f);
	memset(&x, 0, sizeof x);
	key_hex(hex, bundle_reader_dialogue(b), ENTRY_HASH_BYTES);
	n = strlen(parent) + 2 * ENTRY_HASH_BYTES + 16;
	if ((tmp = malloc(n)) == NULL || (final = malloc(n)) == NULL ||
	    (r = calloc(1, sizeof *r)) == NULL) {
		rc = fail_at(f, DT_ENOMEM, NULL, 0, NULL, NULL,
		    "out of memory");
		goto out;
	}
	snprintf(tmp, n, "%s/.join-XXXXXX", parent);
	snprintf(final, n, "%s/%s", parent, hex);
	if (access(final, F_OK) == 0) {
		rc = fail_at(f, DT_EEXIST, NULL, 0, NULL, NULL,
		    "this dialogue is here already");
		goto out;
	}
	if (mkdtemp(tmp) == NULL) {
		int e = errno;

		/* the cause in words: a read-only medium, permissions, ... */
		rc = fail_at(f, e == ENOSPC ? DT_ENOSPC : DT_EIO, NULL, 0,
		    NULL, NULL, "cannot make a directory in %s (%s)", parent,
		    strerror(e));
		free(tmp);
		tmp = NULL;
		goto out;
	}
	memcpy(r->id, bundle_reader_dialogue(b), ENTRY_HASH_BYTES);
	r->have_id = 1;
	if ((rc = join_has_genesis(b, r->id)) != 0) {
		fail_at(f, rc, NULL, 0, NULL, r->id, rc == DT_ENOENT ?
		    "the bundle does not carry the dialogue's genesis entry" :
		    "cannot read the bundle: %s", dt_strerror(rc));
		goto out;
	}
	if ((rc = store_open(&r->s, tmp, 1)) != 0 ||
	    (rc = bundle_reader_rewind(b)) != 0) {
		fail_at(f, rc, NULL, 0, NULL, NULL, "%s", dt_strerror(rc));
		goto out;
	}
	st->total = bundle_reader_count(b);
	x.r = r;
	x.flags = 0; /* locked: nobody has unlocked the new record yet */
	x.hold_all = (flags & RECORD_IMPORT_HOLD_ALL) != 0;
	x.st = st;
	x.f = f;
	if ((rc = store_txn_begin(&x.t, r->s, 1)) != 0 ||
	    (rc = store_set_dialogue(x.t, r->id)) != 0 ||
	    (rc = runs_open(&x.runs, tmp)) != 0) {
		fail_at(f, rc, NULL, 0, NULL, NULL, "%s", dt_strerror(rc));
		goto out;
	}
	bundle_source(&src, b);
	if ((rc = import_txn(&x, &src, 1)) != 0)
		goto out;
	if (store_locate(ga, &gseq, x.t, r->id) != 0) {
		rc = fail_at(f, DT_ENOENT, NULL, 0, NULL, r->id,
		    "the bundle does not carry the dialogue's genesis entry");
		goto out;
	}
	/*
	 * Synced, and with it the steps import_txn() committed unsynced:
	 * this transaction is never empty, as the last chunk and the
	 * verified watermarks are written in it.
	 */
	rc = store_txn_commit(x.t);
	x.t = NULL;
	if (rc != 0) {
		fail_at(f, rc, NULL, 0, NULL, NULL, "cannot commit: %s",
		    dt_strerror(rc));
		goto out;
	}
	if (confirm != NULL && (rc = confirm(ctx, r, st)) != 0)
		goto out;
	store_close(r->s);
	r->s = NULL;
	if (rename(tmp, final) != 0) {
		rc = fail_at(f, errno == EEXIST || errno == ENOTEMPTY ?
		    DT_EEXIST : DT_EIO, NULL, 0, NULL, NULL,
		    "cannot move the new dialogue into place");
		goto out;
	}
	free(tmp);
	tmp = NULL;
	if ((rc = fsync_dir(parent)) != 0 ||
	    (rc = record_open(out, final)) != 0) {
		fail_at(f, rc, NULL, 0, NULL, NULL, "%s", dt_strerror(rc));
		goto out;
	}
	if ((*out)->fail.code != 0) {
		*f = (*out)->fail;
		rc = f->code;
		record_close(*out);
		*out = NULL;
	}
out:
	store_txn_abort(x.t);
	import_done(&x);
	record_close(r);
	if (tmp != NULL)
		remove_tmp_store(tmp);
	free(tmp);
	free(final);
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

int
record_int_reload(record *r, store_txn *t)
{
	record_failure f;

	return load_control(r, t, &f);
}

epoch_ring *
record_int_ring(record *r)
{
	return &r->ring;
}
