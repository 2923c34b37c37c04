/*
 * audit_stream.c: a bundle audited in one pass, without a store (see
 * audit_stream.h for what it checks and when it gives up).
 *
 * The pass reads the file in chunks.  While the sigpool's workers hash
 * one chunk's entries (and check the signatures wanted: every control
 * entry's, every entry's with AUDIT_STREAM_EVERY_SIG), the main thread
 * reads the next chunk, which hashes the file for its trailer; then it
 * checks the hashed chunk's entries in order, against per-feed state.
 *
 * Nothing here reports a failure to anyone: whatever does not pass is a
 * reason to give up (the caller's store walk names it), so each check
 * only has to be at least as strict as record_check.c's.
 */
#include <sys/types.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "../crypto/err.h"
#include "../crypto/merkle.h"
#include "audit_stream.h"
#include "bundle.h"
#include "checkpoint.h"
#include "msig.h"
#include "payload.h"
#include "seal.h"
#include "sigpool.h"

#define CHUNK_ENTRIES 1024U
#define CHUNK_BYTES (4U * 1024U * 1024U)
#define PROGRESS_EVERY 4096U

/* One recent entry of a feed: for the references that name it. */
struct slot {
	uint64_t seq;
	uint64_t clock;
	unsigned char hash[ENTRY_HASH_BYTES];
	int used;
};

struct sfeed {
	unsigned char author[KEY_PK_BYTES];
	uint32_t idx;
	uint64_t size;
	unsigned char last[ENTRY_HASH_BYTES];
	uint64_t last_clock;
	merkle_frontier fr;
	struct slot ring[AUDIT_STREAM_RING];
	uint64_t covered, checkpoints;
	/* seen[i]: entries of feed i this feed's author has referenced */
	uint64_t *seen;
	size_t nseen;
};

/*
 * What the pass writes to its temporary file for every entry, in the
 * file's order (SPILL_BYTES, big-endian): the feed's index (4), 1 for a
 * content entry whose signature is not checked yet (1), where its bytes
 * start in the bundle (8) and how many (4), its leaf hash (32).
 */
#define SPILL_BYTES (4 + 1 + 8 + 4 + ENTRY_HASH_BYTES)

/* A seal's listed root, to check at the end (the feed has grown since). */
struct claim {
	uint32_t feed;
	uint64_t size;
	unsigned char root[ENTRY_HASH_BYTES];
};

struct chunk {
	unsigned char *buf;
	size_t used, cap;
	size_t off[CHUNK_ENTRIES];
	uint64_t at[CHUNK_ENTRIES]; /* where each entry starts in the file */
	sigpool_job jobs[CHUNK_ENTRIES];
	size_t n;
};

struct stream {
	audit_stream_result *res;
	unsigned flags;
	record *r;
	sigpool *pool;
	bundle_reader *br;
	struct sfeed **feeds;
	size_t nfeeds, capfeeds;
	/* open addressing: slot -> feed index + 1 */
	uint32_t *tab;
	size_t tabcap;
	struct claim *claims;
	size_t nclaims, capclaims;
	FILE *spill;    /* SPILL_BYTES for every entry, in order */
	uint64_t at;    /* where the next entry's length field is */
	const char *path;
	uint64_t done;
	int have_prev;
	uint64_t prev_clock;
	unsigned char prev_author[KEY_PK_BYTES];
	struct sfeed *cur; /* the feed whose entry is being checked */
};

/* giveup() - say why, and return the code (never 0). */
static int
giveup(struct stream *s, int code, const char *why)
{
	snprintf(s->res->why, sizeof s->res->why, "%s", why != NULL ? why :
	    dt_strerror(code));
	return code != 0 ? code : DT_ESTATE;
}

static void
put_be64(unsigned char *p, uint64_t v)
{
	int i;

	for (i = 7; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)v;
}

static uint64_t
get_be(const unsigned char *p, int n)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

static size_t
tab_slot(const unsigned char author[KEY_PK_BYTES], size_t cap)
{
	uint64_t h;

	memcpy(&h, author, sizeof h);
	return (size_t)(h * 0x9e3779b97f4a7c15ULL >> 7) & (cap - 1);
}

static struct sfeed *
feed_find(const struct stream *s, const unsigned char author[KEY_PK_BYTES])
{
	size_t i;

	if (s->tabcap == 0)
		return NULL;
	for (i = tab_slot(author, s->tabcap); s->tab[i] != 0;
	    i = (i + 1) & (s->tabcap - 1))
		if (memcmp(s->feeds[s->tab[i] - 1]->author, author,
		    KEY_PK_BYTES) == 0)
			return s->feeds[s->tab[i] - 1];
	return NULL;
}

static int
tab_grow(struct stream *s)
{
	size_t cap = s->tabcap ? 2 * s->tabcap : 64, i, j;
	uint32_t *t;

	if ((t = calloc(cap, sizeof *t)) == NULL)
		return DT_ENOMEM;
	for (i = 0; i < s->nfeeds; i++) {
		for (j = tab_slot(s->feeds[i]->author, cap); t[j] != 0;
		    j = (j + 1) & (cap - 1))
			;
		t[j] = (uint32_t)i + 1;
	}
	free(s->tab);
	s->tab = t;
	s->tabcap = cap;
	return 0;
}

static int
feed_new(struct sfeed **out, struct stream *s,
    const unsigned char author[KEY_PK_BYTES])
{
	struct sfeed *f, **nf;
	size_t j;
	int rc;

	if (s->nfeeds >= UINT32_MAX - 1)
		return DT_ERANGE;
	if (2 * (s->nfeeds + 1) > s->tabcap && (rc = tab_grow(s)) != 0)
		return rc;
	if (s->nfeeds == s->capfeeds) {
		size_t cap = s->capfeeds ? 2 * s->capfeeds : 8;

		if ((nf = realloc(s->feeds, cap * sizeof *nf)) == NULL)
			return DT_ENOMEM;
		s->feeds = nf;
		s->capfeeds = cap;
	}
	if ((f = calloc(1, sizeof *f)) == NULL)
		return DT_ENOMEM;
	memcpy(f->author, author, KEY_PK_BYTES);
	f->idx = (uint32_t)s->nfeeds;
	merkle_frontier_init(&f->fr);
	s->feeds[s->nfeeds++] = f;
	for (j = tab_slot(author, s->tabcap); s->tab[j] != 0;
	    j = (j + 1) & (s->tabcap - 1))
		;
	s->tab[j] = f->idx + 1;
	*out = f;
	return 0;
}

static void
feed_free(struct sfeed *f)
{
	if (f == NULL)
		return;
	free(f->seen);
	free(f);
}

/* seen_cb() - how many entries of feed author the current author saw. */
static uint64_t
seen_cb(void *ctx, const unsigned char author[KEY_PK_BYTES])
{
	struct stream *s = ctx;
	struct sfeed *o = feed_find(s, author);

	if (o == NULL || s->cur == NULL || o->idx >= s->cur->nseen)
		return 0;
	return s->cur->seen[o->idx];
}

/*
 * claim_cb() - a listed root: checked now when the feed has exactly the
 * listed size, else kept for the end (the feed has grown since).
 */
static int
claim_cb(void *ctx, const seal_feed *fd)
{
	struct stream *s = ctx;
	struct sfeed *f = feed_find(s, fd->author);
	unsigned char root[MERKLE_HASH_BYTES];
	struct claim *nc;

	if (f == NULL || fd->size > f->size)
		return DT_EREF;
	if (fd->size == f->size) {
		merkle_frontier_root(&f->fr, root);
		return memcmp(root, fd->root, MERKLE_HASH_BYTES) == 0 ? 0 :
		    DT_EHASH;
	}
	if (s->nclaims == s->capclaims) {
		size_t cap = s->capclaims ? 2 * s->capclaims : 32;

		if ((nc = realloc(s->claims, cap * sizeof *nc)) == NULL)
			return DT_ENOMEM;
		s->claims = nc;
		s->capclaims = cap;
	}
	s->claims[s->nclaims].feed = f->idx;
	s->claims[s->nclaims].size = fd->size;
	memcpy(s->claims[s->nclaims].root, fd->root, MERKLE_HASH_BYTES);
	s->nclaims++;
	return 0;
}

/* control() - a control entry's pass 1 and its kind's own rules. */
static int
control(struct stream *s, struct sfeed *f, const entry *e,
    const unsigned char hash[ENTRY_HASH_BYTES])
{
	unsigned char root[MERKLE_HASH_BYTES];
	seal_stream ss = { seen_cb, claim_cb, s };
	record_failure rf;
	char why[SEAL_WHY_BYTES];
	json_t *o;
	int rc;

	if ((rc = record_mem_control(s->r, e, hash, &rf)) != 0)
		return giveup(s, rc, rf.detail);
	if ((o = payload_parse(e->body, e->body_len)) == NULL ||
	    payload_check(e->kind, o) != 0) {
		json_decref(o);
		return giveup(s, DT_EFORMAT, "a payload is malformed");
	}
	json_decref(o);
	switch (e->kind) {
	case ENTRY_K_CHECKPOINT:
		/* the feed holds entries 0 .. seq - 1: its tree is theirs */
		merkle_frontier_root(&f->fr, root);
		if ((rc = ckpt_check_entry(s->r, NULL, e, root, why,
		    sizeof why)) != 0)
			return giveup(s, rc, why);
		f->covered = e->seq; /* its root covers entries 0 .. seq - 1 */
		f->checkpoints++;
		break;
	case ENTRY_K_SEAL:
		s->cur = f;
		rc = seal_check_entry_stream(s->r, e, &ss, why, sizeof why);
		s->cur = NULL;
		if (rc != 0)
			return giveup(s, rc, why);
		break;
	case ENTRY_K_MINUTES_SIG:
		if ((rc = msig_check_entry(s->r, e, why, sizeof why)) != 0)
			return giveup(s, rc, why);
		break;
	default:
		break;
	}
	return 0;
}

/*
 * one() - the checks of FORMAT.md section 7 for the next entry of the
 * file, as record_check_entry() makes them without the key.
 */
static int
one(struct stream *s, const sigpool_job *job, uint64_t at)
{
	const unsigned char *hash = job->hash, *id = record_id(s->r);
	unsigned char rec[SPILL_BYTES];
	struct sfeed *f, *rf;
	uint64_t built_on;
	entry_ref ref;
	struct slot *sl;
	const char *why = NULL;
	entry e;
	unsigned i;
	int rc, ctl;

	if ((rc = entry_parse(&e, job->bytes, job->len)) != 0)
		return giveup(s, rc, "an entry is malformed");
	/* merged order, strictly: what an entry builds on came before */
	if (s->have_prev && (e.clock < s->prev_clock ||
	    (e.clock == s->prev_clock && memcmp(e.author, s->prev_author,
	    KEY_PK_BYTES) <= 0)))
		return giveup(s, DT_ESTATE, "the file is not in merged "
		    "order");
	s->have_prev = 1;
	s->prev_clock = e.clock;
	memcpy(s->prev_author, e.author, KEY_PK_BYTES);
	if (e.kind == ENTRY_K_GENESIS ? memcmp(hash, id, ENTRY_HASH_BYTES) != 0 :
	    memcmp(e.dialogue, id, ENTRY_HASH_BYTES) != 0)
		return giveup(s, DT_EDIALOGUE, "another dialogue");
	if ((f = feed_find(s, e.author)) == NULL) {
		if (e.seq != 0)
			return giveup(s, DT_ECHAIN, "a feed starts after "
			    "seq 0");
		if ((rc = feed_new(&f, s, e.author)) != 0)
			return giveup(s, rc, "out of memory");
	}
	if (e.seq != f->size)
		return giveup(s, DT_ECHAIN, "an entry out of its feed's "
		    "order");
	if (e.seq > 0 && memcmp(e.prev, f->last, ENTRY_HASH_BYTES) != 0)
		return giveup(s, DT_ECHAIN, "hash chain broken");
	/*
	 * Key epochs and removals (FORMAT.md section 7, check 7b and the
	 * removal rules) are checked by the join, which has the store the
	 * causal-past lookups need: a bundle that uses them takes that path.
	 */
	if (e.flags & (ENTRY_FLAG_EPOCH | ENTRY_FLAG_INTERNAL))
		return giveup(s, DT_ESTATE, "an entry names a key epoch or "
		    "a party key");
	if (e.kind == ENTRY_K_MEMBER_REMOVE)
		return giveup(s, DT_ESTATE, "a member was removed");
	ctl = !entry_kind_is_content(e.kind);
	if ((ctl || (s->flags & AUDIT_STREAM_EVERY_SIG)) && !job->sig_ok)
		return giveup(s, DT_ESIG, "bad signature");
	built_on = e.seq > 0 ? f->last_clock : 0;
	for (i = 0; i < e.nrefs; i++) {
		entry_ref_get(&ref, &e, i);
		if ((rf = feed_find(s, ref.author)) == NULL ||
		    ref.seq >= rf->size)
			return giveup(s, DT_EREF, "a reference to an entry "
			    "not before it");
		sl = &rf->ring[ref.seq % AUDIT_STREAM_RING];
		if (!sl->used || sl->seq != ref.seq)
			return giveup(s, DT_EREF, "a reference further back "
			    "than the pass remembers");
		if (memcmp(sl->hash, ref.hash, ENTRY_HASH_BYTES) != 0)
			return giveup(s, DT_EREF, "a reference names another "
			    "entry");
		if (sl->clock > built_on)
			built_on = sl->clock;
	}
	if (built_on == UINT64_MAX || e.clock != built_on + 1)
		return giveup(s, DT_ECLOCK, "clock rule");
	if (e.kind != ENTRY_K_GENESIS &&
	    record_may_write(s->r, e.author, e.kind, e.clock, &why) != 0)
		return giveup(s, DT_EMEMBER, why);
	if (ctl) {
		if ((rc = control(s, f, &e, hash)) != 0)
			return rc;
	} else
		s->res->st.content++;
	/* what this author has seen of each other feed (seals, rule 7) */
	for (i = 0; i < e.nrefs; i++) {
		entry_ref_get(&ref, &e, i);
		rf = feed_find(s, ref.author);
		if (rf->idx >= f->nseen) {
			size_t n = s->nfeeds;
			uint64_t *ns = realloc(f->seen, n * sizeof *ns);

			if (ns == NULL)
				return giveup(s, DT_ENOMEM, "out of memory");
			memset(ns + f->nseen, 0, (n - f->nseen) * sizeof *ns);
			f->seen = ns;
			f->nseen = n;
		}
		if (ref.seq + 1 > f->seen[rf->idx])
			f->seen[rf->idx] = ref.seq + 1;
	}
	sl = &f->ring[e.seq % AUDIT_STREAM_RING];
	sl->used = 1;
	sl->seq = e.seq;
	sl->clock = e.clock;
	memcpy(sl->hash, hash, ENTRY_HASH_BYTES);
	memcpy(f->last, hash, ENTRY_HASH_BYTES);
	f->last_clock = e.clock;
	f->size++;
	if ((rc = merkle_frontier_append(&f->fr, hash)) != 0)
		return giveup(s, rc, "a feed too long");
	rec[0] = (unsigned char)(f->idx >> 24);
	rec[1] = (unsigned char)(f->idx >> 16);
	rec[2] = (unsigned char)(f->idx >> 8);
	rec[3] = (unsigned char)f->idx;
	rec[4] = !ctl && !(s->flags & AUDIT_STREAM_EVERY_SIG);
	put_be64(rec + 5, at);
	rec[13] = (unsigned char)(job->len >> 24);
	rec[14] = (unsigned char)(job->len >> 16);
	rec[15] = (unsigned char)(job->len >> 8);
	rec[16] = (unsigned char)job->len;
	memcpy(rec + 17, hash, ENTRY_HASH_BYTES);
	if (fwrite(rec, SPILL_BYTES, 1, s->spill) != 1)
		return giveup(s, DT_EIO, "cannot write the temporary file");
	return 0;
}

/* chunk_fill() - the next entries of the file (hashing it as it goes). */
static int
chunk_fill(struct stream *s, struct chunk *c, int *end)
{
	const unsigned char *bytes;
	unsigned char *nb;
	size_t len, i;
	int rc;

	c->n = 0;
	c->used = 0;
	while (!*end && c->n < CHUNK_ENTRIES && c->used < CHUNK_BYTES) {
		if ((rc = bundle_reader_next(s->br, &bytes, &len)) != 0)
			return giveup(s, rc, bundle_reader_why(s->br));
		if (bytes == NULL) {
			*end = 1; /* and the trailer matched */
			break;
		}
		if (c->used + len > c->cap) {
			size_t cap = c->cap ? c->cap : 65536;

			while (cap < c->used + len)
				cap *= 2;
			if ((nb = realloc(c->buf, cap)) == NULL)
				return giveup(s, DT_ENOMEM, "out of memory");
			c->buf = nb;
			c->cap = cap;
		}
		memcpy(c->buf + c->used, bytes, len);
		c->off[c->n] = c->used;
		c->at[c->n] = s->at + 4;
		s->at += 4 + len;
		c->jobs[c->n].len = len;
		/* signatures: control entries always, others on request */
		c->jobs[c->n].hash_only = !(s->flags &
		    AUDIT_STREAM_EVERY_SIG) && len > 4 &&
		    bytes[4] >= 0x20 && bytes[4] <= 0x3f;
		c->jobs[c->n].sig_ok = 0;
		c->used += len;
		c->n++;
	}
	for (i = 0; i < c->n; i++)
		c->jobs[i].bytes = c->buf + c->off[i];
	return 0;
}

static int
cmp_claim(const void *a, const void *b)
{
	const struct claim *x = a, *y = b;

	if (x->feed != y->feed)
		return x->feed < y->feed ? -1 : 1;
	return x->size < y->size ? -1 : x->size > y->size;
}

/* The entries read again for their signatures, a batch at a time. */
struct look {
	struct stream *s;
	FILE *bf;                 /* the bundle, opened again */
	struct chunk *c;
	unsigned char want[CHUNK_ENTRIES][ENTRY_HASH_BYTES];
};

/*
 * look_flush() - check the batch's signatures on the pool, and that each
 * entry read again is the one the pass hashed (its leaf hash).
 */
static int
look_flush(struct look *l)
{
	size_t i;

	if (l->c->n == 0)
		return 0;
	for (i = 0; i < l->c->n; i++)
		l->c->jobs[i].bytes = l->c->buf + l->c->off[i];
	sigpool_start(l->s->pool, l->c->jobs, l->c->n);
	sigpool_wait(l->s->pool);
	for (i = 0; i < l->c->n; i++) {
		if (memcmp(l->c->jobs[i].hash, l->want[i],
		    ENTRY_HASH_BYTES) != 0)
			return giveup(l->s, DT_EHASH, "the file changed "
			    "during the audit");
		if (!l->c->jobs[i].sig_ok)
			return giveup(l->s, DT_ESIG, "an entry's signature "
			    "does not verify");
	}
	l->c->n = 0;
	l->c->used = 0;
	return 0;
}

/* look_add() - read the entry at (at, len) again, into the batch. */
static int
look_add(struct look *l, uint64_t at, size_t len,
    const unsigned char hash[ENTRY_HASH_BYTES])
{
	struct chunk *c = l->c;
	unsigned char *nb;
	int rc;

	if ((c->n == CHUNK_ENTRIES || c->used + len > CHUNK_BYTES) &&
	    (rc = look_flush(l)) != 0)
		return rc;
	if (c->used + len > c->cap) {
		size_t cap = c->cap ? c->cap : 65536;

		while (cap < c->used + len)
			cap *= 2;
		if ((nb = realloc(c->buf, cap)) == NULL)
			return giveup(l->s, DT_ENOMEM, "out of memory");
		c->buf = nb;
		c->cap = cap;
	}
	if (at > (uint64_t)INT64_MAX || fseeko(l->bf, (off_t)at, SEEK_SET) != 0 ||
	    fread(c->buf + c->used, 1, len, l->bf) != len)
		return giveup(l->s, DT_EIO, "cannot read the bundle again");
	c->off[c->n] = c->used;
	c->jobs[c->n].len = len;
	c->jobs[c->n].hash_only = 0;
	c->jobs[c->n].sig_ok = 0;
	memcpy(l->want[c->n], hash, ENTRY_HASH_BYTES);
	c->used += len;
	c->n++;
	return 0;
}

/*
 * second_look() - after the pass, one read of the temporary file: the
 * signature of each content entry that no checkpoint of its feed covers
 * (its bytes read again from the bundle, and hashed again: they must be
 * the bytes the pass hashed), and the seals' listed roots at the sizes
 * they list (each feed's tree grown again from the leaf hashes).
 */
static int
second_look(struct stream *s)
{
	merkle_frontier *fr = NULL;
	size_t *next = NULL, i;
	uint64_t *seq = NULL;
	unsigned char rec[SPILL_BYTES], root[MERKLE_HASH_BYTES];
	struct look l;
	uint32_t idx;
	int rc = 0;

	memset(&l, 0, sizeof l);
	l.s = s;
	if (s->nclaims > 0)
		qsort(s->claims, s->nclaims, sizeof *s->claims, cmp_claim);
	if ((fr = calloc(s->nfeeds, sizeof *fr)) == NULL ||
	    (next = calloc(s->nfeeds, sizeof *next)) == NULL ||
	    (seq = calloc(s->nfeeds, sizeof *seq)) == NULL ||
	    (l.c = calloc(1, sizeof *l.c)) == NULL) {
		rc = giveup(s, DT_ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < s->nfeeds; i++) {
		merkle_frontier_init(&fr[i]);
		next[i] = SIZE_MAX;
	}
	for (i = s->nclaims; i-- > 0;)
		next[s->claims[i].feed] = i;
	if ((l.bf = fopen(s->path, "rb")) == NULL ||
	    fflush(s->spill) != 0 || fseek(s->spill, 0, SEEK_SET) != 0) {
		rc = giveup(s, DT_EIO, "cannot read the temporary file");
		goto out;
	}
	while (fread(rec, SPILL_BYTES, 1, s->spill) == 1) {
		idx = (uint32_t)get_be(rec, 4);
		if (idx >= s->nfeeds) {
			rc = giveup(s, DT_EIO, "the temporary file is damaged");
			goto out;
		}
		if (rec[4] && seq[idx] >= s->feeds[idx]->covered &&
		    (rc = look_add(&l, get_be(rec + 5, 8),
		    (size_t)get_be(rec + 13, 4), rec + 17)) != 0)
			goto out;
		seq[idx]++;
		if (next[idx] == SIZE_MAX)
			continue;
		(void)merkle_frontier_append(&fr[idx], rec + 17);
		for (i = next[idx]; i < s->nclaims &&
		    s->claims[i].feed == idx &&
		    s->claims[i].size == fr[idx].size; i++) {
			merkle_frontier_root(&fr[idx], root);
			if (memcmp(root, s->claims[i].root,
			    MERKLE_HASH_BYTES) != 0) {
				rc = giveup(s, DT_EHASH, "a seal's listed "
				    "root");
				goto out;
			}
		}
		next[idx] = i < s->nclaims && s->claims[i].feed == idx ? i :
		    SIZE_MAX;
	}
	if ((rc = look_flush(&l)) != 0)
		goto out;
	for (i = 0; i < s->nfeeds; i++)
		if (next[i] != SIZE_MAX || seq[i] != s->feeds[i]->size) {
			rc = giveup(s, DT_EIO, "the temporary file is short");
			goto out;
		}
out:
	if (l.bf != NULL)
		fclose(l.bf);
	if (l.c != NULL)
		free(l.c->buf);
	free(l.c);
	free(fr);
	free(next);
	free(seq);
	return rc;
}

static int
cmp_feed(const void *a, const void *b)
{
	return memcmp(((const audit_stream_feed *)a)->author,
	    ((const audit_stream_feed *)b)->author, KEY_PK_BYTES);
}

/* finish() - the feeds for the report, and what was checked how. */
static int
finish(struct stream *s)
{
	audit_stream_result *res = s->res;
	size_t i;

	if (s->nfeeds > 0 && (res->feeds = calloc(s->nfeeds,
	    sizeof *res->feeds)) == NULL)
		return giveup(s, DT_ENOMEM, "out of memory");
	for (i = 0; i < s->nfeeds; i++) {
		audit_stream_feed *o = &res->feeds[i];
		const struct sfeed *f = s->feeds[i];

		memcpy(o->author, f->author, KEY_PK_BYTES);
		o->size = f->size;
		merkle_frontier_root(&f->fr, o->root);
		o->covered = f->covered;
		o->checkpoints = f->checkpoints;
		if (s->flags & AUDIT_STREAM_EVERY_SIG)
			res->st.sig_checked += f->size;
		else {
			res->st.root_checked += f->covered;
			res->st.sig_checked += f->size - f->covered;
		}
	}
	res->nfeeds = s->nfeeds;
	qsort(res->feeds, res->nfeeds, sizeof *res->feeds, cmp_feed);
	res->st.entries = res->st.total = res->count;
	res->st.feeds = s->nfeeds;
	return 0;
}

/*
 * spill_open() - an unlinked temporary file in $TMPDIR (else /tmp), where
 * the other temporary files of an audit go.
 */
static FILE *
spill_open(void)
{
	const char *base = getenv("TMPDIR");
	char path[4096];
	FILE *f;
	int fd;

	snprintf(path, sizeof path, "%s/detente-audit-XXXXXX",
	    base != NULL && base[0] != '\0' ? base : "/tmp");
	if ((fd = mkstemp(path)) < 0)
		return NULL;
	(void)unlink(path);
	if ((f = fdopen(fd, "w+b")) == NULL)
		close(fd);
	return f;
}

int
audit_stream_run(audit_stream_result *res, const char *path, unsigned flags,
    void (*progress)(void *ctx, uint64_t done, uint64_t total), void *ctx)
{
	struct stream s;
	struct chunk *c[2] = { NULL, NULL }, *t;
	const char *why = NULL;
	size_t i;
	int rc, end = 0;

	memset(res, 0, sizeof *res);
	memset(&s, 0, sizeof s);
	s.res = res;
	s.flags = flags;
	s.path = path;
	s.at = 40; /* the first entry's length field */
	if ((rc = bundle_reader_open_path(&s.br, path, BUNDLE_CHECK_LATE,
	    &why)) != 0) {
		rc = giveup(&s, rc, why);
		goto out;
	}
	res->count = bundle_reader_count(s.br);
	if ((rc = record_mem_new(&s.r, bundle_reader_dialogue(s.br))) != 0 ||
	    (rc = sigpool_new(&s.pool, 0)) != 0 ||
	    (c[0] = calloc(1, sizeof *c[0])) == NULL ||
	    (c[1] = calloc(1, sizeof *c[1])) == NULL) {
		rc = giveup(&s, rc != 0 ? rc : DT_ENOMEM, "cannot start");
		goto out;
	}
	if ((s.spill = spill_open()) == NULL) {
		rc = giveup(&s, DT_EIO, "cannot make a temporary file");
		goto out;
	}
	/*
	 * The pipeline: the workers hash chunk c[0] while this thread
	 * reads c[1]; then c[0] is checked in order, and they swap.
	 */
	if ((rc = chunk_fill(&s, c[0], &end)) != 0)
		goto out;
	sigpool_start(s.pool, c[0]->jobs, c[0]->n);
	while (c[0]->n > 0) {
		rc = chunk_fill(&s, c[1], &end);
		sigpool_wait(s.pool);
		if (rc != 0)
			goto out;
		for (i = 0; i < c[0]->n; i++) {
			if ((rc = one(&s, &c[0]->jobs[i], c[0]->at[i])) != 0)
				goto out;
			if (++s.done % PROGRESS_EVERY == 0 && progress != NULL)
				progress(ctx, s.done, res->count);
		}
		t = c[0];
		c[0] = c[1];
		c[1] = t;
		if (c[0]->n > 0)
			sigpool_start(s.pool, c[0]->jobs, c[0]->n);
	}
	if (!end || s.done != res->count) {
		rc = giveup(&s, DT_EFORMAT, "the file ends early");
		goto out;
	}
	if (s.nfeeds == 0 || record_nparties(s.r) == 0) {
		rc = giveup(&s, DT_ENOENT, "no genesis");
		goto out;
	}
	if ((rc = second_look(&s)) != 0 || (rc = finish(&s)) != 0)
		goto out;
	if (progress != NULL)
		progress(ctx, res->count, res->count);
	res->r = s.r;
	s.r = NULL;
out:
	if (s.spill != NULL)
		fclose(s.spill);
	for (i = 0; i < s.nfeeds; i++)
		feed_free(s.feeds[i]);
	free(s.feeds);
	free(s.tab);
	free(s.claims);
	for (i = 0; i < 2; i++)
		if (c[i] != NULL) {
			free(c[i]->buf);
			free(c[i]);
		}
	sigpool_free(s.pool);
	bundle_reader_close(s.br);
	record_close(s.r);
	return rc;
}

void
audit_stream_done(audit_stream_result *res)
{
	if (res == NULL)
		return;
	record_close(res->r);
	free(res->feeds);
	memset(res, 0, sizeof *res);
}
