/*
 * checkpoint.c: feed roots, and the rule for checkpoint entries.
 *
 * A feed's root is always recomputed from the stored entry bytes, in seq
 * order, with a merkle_frontier: nothing here trusts an index or a cached
 * root.  That costs one read of the feed prefix per checkpoint checked.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "../crypto/err.h"
#include "../crypto/note.h"
#include "checkpoint.h"
#include "payload.h"

/* A private "stop the walk" result, never returned to callers. */
#define WALK_DONE 1

struct feed_walk {
	uint64_t want; /* entries to read */
	uint64_t got;
	merkle_frontier fr;
	unsigned char *leaves; /* NULL: only the frontier */
	int bad;
};

static int
feed_cb(void *ctx, const unsigned char key[STORE_KEY_BYTES],
    const unsigned char *bytes, size_t len,
    const unsigned char hash[ENTRY_HASH_BYTES])
{
	struct feed_walk *w = ctx;

	(void)bytes;
	(void)len;
	if (store_get_be64(key + KEY_PK_BYTES) != w->got) {
		w->bad = 1;
		return DT_ECORRUPT;
	}
	if (w->leaves != NULL)
		memcpy(w->leaves + w->got * MERKLE_HASH_BYTES, hash,
		    MERKLE_HASH_BYTES);
	else if (merkle_frontier_append(&w->fr, hash) != 0)
		return DT_ERANGE;
	return ++w->got == w->want ? WALK_DONE : 0;
}

/* Read the first w->want entries of author's feed into w. */
static int
feed_walk(struct feed_walk *w, store_txn *t,
    const unsigned char author[KEY_PK_BYTES])
{
	int rc;

	if (w->want == 0)
		return 0;
	rc = store_scan_entries(t, author, 0, 1, feed_cb, w);
	if (rc == WALK_DONE)
		return 0;
	if (rc != 0)
		return rc;
	return w->got < w->want ? DT_ENOENT : 0;
}

int
ckpt_feed_frontier(merkle_frontier *fr, store_txn *t,
    const unsigned char author[KEY_PK_BYTES], uint64_t size)
{
	struct feed_walk w;
	int rc;

	memset(&w, 0, sizeof w);
	merkle_frontier_init(&w.fr);
	w.want = size;
	if ((rc = feed_walk(&w, t, author)) != 0)
		return rc;
	*fr = w.fr;
	return 0;
}

int
ckpt_feed_root(unsigned char root[MERKLE_HASH_BYTES], store_txn *t,
    const unsigned char author[KEY_PK_BYTES], uint64_t size)
{
	merkle_frontier fr;
	int rc;

	if ((rc = ckpt_feed_frontier(&fr, t, author, size)) != 0)
		return rc;
	merkle_frontier_root(&fr, root);
	return 0;
}

int
ckpt_feed_leaves(unsigned char **leaves, store_txn *t,
    const unsigned char author[KEY_PK_BYTES], uint64_t size)
{
	struct feed_walk w;
	int rc;

	*leaves = NULL;
	if (size == 0)
		return 0;
	if (size > SIZE_MAX / MERKLE_HASH_BYTES)
		return DT_ERANGE;
	memset(&w, 0, sizeof w);
	w.want = size;
	if ((w.leaves = malloc((size_t)size * MERKLE_HASH_BYTES)) == NULL)
		return DT_ENOMEM;
	if ((rc = feed_walk(&w, t, author)) != 0) {
		free(w.leaves);
		return rc;
	}
	*leaves = w.leaves;
	return 0;
}

int
ckpt_sign(char **note, size_t *len, const unsigned char dialogue[32],
    uint64_t size, const unsigned char root[MERKLE_HASH_BYTES],
    const key_identity *id)
{
	char origin[NOTE_ORIGIN_BYTES];
	char text[NOTE_ORIGIN_BYTES + 24 + NOTE_ROOT_B64_LEN + 4];
	int rc;

	*note = NULL;
	*len = 0;
	if (id == NULL)
		return DT_EINVAL;
	note_checkpoint_origin(origin, dialogue, id->pk);
	if ((rc = note_checkpoint_text(text, sizeof text, origin, size,
	    root)) != 0)
		return rc;
	return note_sign(note, len, text, strlen(text), id, origin);
}

static int
why_set(char *why, size_t whylen, int rc, const char *fmt, ...)
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

int
ckpt_check_note(const char *note, size_t len,
    const unsigned char dialogue[32], const unsigned char author[KEY_PK_BYTES],
    uint64_t size, const unsigned char root[MERKLE_HASH_BYTES], char *why,
    size_t whylen)
{
	note_sig sigs[NOTE_SIGS_MAX];
	note_verifier v;
	note_checkpoint cp;
	char origin[NOTE_ORIGIN_BYTES];
	const char *text;
	size_t textlen, nsigs;
	uint64_t mask = 0;

	if (why != NULL && whylen > 0)
		why[0] = '\0';
	if (note_open(&text, &textlen, sigs, &nsigs, note, len) != 0 ||
	    note_checkpoint_parse(&cp, text, textlen) != 0)
		return why_set(why, whylen, DT_EFORMAT,
		    "the checkpoint is not a signed checkpoint note");
	note_checkpoint_origin(origin, dialogue, author);
	if (cp.originlen != strlen(origin) ||
	    memcmp(cp.origin, origin, cp.originlen) != 0)
		return why_set(why, whylen, DT_EFORMAT,
		    "the checkpoint's origin is not its author's feed");
	if (cp.size != size)
		return why_set(why, whylen, DT_EFORMAT,
		    "the checkpoint's size %llu is not its seq %llu",
		    (unsigned long long)cp.size, (unsigned long long)size);
	if (sodium_memcmp(cp.root, root, MERKLE_HASH_BYTES) != 0)
		return why_set(why, whylen, DT_EHASH,
		    "the checkpoint's root is not the root of the feed's "
		    "first %llu entries", (unsigned long long)size);
	v.name = origin;
	memcpy(v.pk, author, KEY_PK_BYTES);
	if (note_verify(note, len, &v, 1, &mask) != 0 || mask != 1)
		return why_set(why, whylen, DT_ESIG,
		    "the checkpoint's signature by its author does not verify");
	return 0;
}

int
ckpt_check_entry(record *r, store_txn *t, const entry *e,
    const unsigned char *known_root, char *why, size_t whylen)
{
	unsigned char root[MERKLE_HASH_BYTES];
	const json_t *n;
	json_t *o;
	int rc;

	if (why != NULL && whylen > 0)
		why[0] = '\0';
	if (e->kind != ENTRY_K_CHECKPOINT)
		return why_set(why, whylen, DT_EINVAL, "not a checkpoint");
	if ((o = payload_parse(e->body, e->body_len)) == NULL ||
	    !json_is_string(n = json_object_get(o, "note"))) {
		json_decref(o);
		return why_set(why, whylen, DT_EFORMAT,
		    "checkpoint payload is malformed");
	}
	if (known_root != NULL)
		memcpy(root, known_root, MERKLE_HASH_BYTES);
	else if ((rc = ckpt_feed_root(root, t, e->author, e->seq)) != 0) {
		json_decref(o);
		return why_set(why, whylen, rc == DT_ENOENT ? DT_ECHAIN : rc,
		    "cannot read the entries the checkpoint covers: %s",
		    dt_strerror(rc));
	}
	rc = ckpt_check_note(json_string_value(n), json_string_length(n),
	    record_id(r), e->author, e->seq, root, why, whylen);
	json_decref(o);
	return rc;
}

int
ckpt_append(record *r, const key_identity *id, char **note, size_t *len,
    unsigned char hash[ENTRY_HASH_BYTES])
{
	unsigned char root[MERKLE_HASH_BYTES];
	store_txn *t = NULL;
	store_head h;
	json_t *p = NULL;
	char *n = NULL, *text = NULL;
	size_t nlen = 0;
	int rc, tries;

	if (note != NULL)
		*note = NULL;
	if (len != NULL)
		*len = 0;
	for (tries = 0; tries < 3; tries++) {
		if ((rc = store_txn_begin(&t, record_store(r), 0)) != 0)
			goto out;
		rc = store_head_get(&h, t, id->pk);
		if (rc == DT_ENOENT) {
			h.next_seq = 0;
			rc = 0;
		}
		if (rc == 0)
			rc = ckpt_feed_root(root, t, id->pk, h.next_seq);
		store_txn_abort(t);
		t = NULL;
		if (rc != 0)
			goto out;
		free(n);
		json_decref(p);
		payload_free(text);
		n = text = NULL;
		p = NULL;
		if ((rc = ckpt_sign(&n, &nlen, record_id(r), h.next_seq, root,
		    id)) != 0)
			goto out;
		p = json_pack("{s:i,s:s%}", "v", PAYLOAD_VERSION, "note", n,
		    nlen);
		if (p == NULL || (text = payload_dump(p)) == NULL) {
			rc = DT_ENOMEM;
			goto out;
		}
		rc = record_append(r, id, ENTRY_K_CHECKPOINT, text, hash, NULL);
		/*
		 * A size that no longer matches (the feed grew between the
		 * read and the write) is refused by the entry's check; try
		 * again with the new size.
		 */
		if (rc == DT_EFORMAT || rc == DT_EHASH) {
			store_head h2;

			if (store_txn_begin(&t, record_store(r), 0) == 0) {
				int grew = store_head_get(&h2, t, id->pk) == 0 &&
				    h2.next_seq != h.next_seq;

				store_txn_abort(t);
				t = NULL;
				if (grew)
					continue;
			}
		}
		break;
	}
out:
	store_txn_abort(t);
	json_decref(p);
	payload_free(text);
	if (rc == 0 && note != NULL) {
		*note = n;
		if (len != NULL)
			*len = nlen;
		n = NULL;
	}
	free(n);
	return rc;
}
