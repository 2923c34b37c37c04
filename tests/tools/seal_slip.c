/*
 * seal_slip.c: slip a seal entry into a dialogue's store past the rules,
 * as a damaged or hostile store would hold it, for the tests of what
 * `detente verify` and the terminal UI say about an invalid seal.
 *
 *   seal_slip STORE_DIR KEYSTORE PASSFILE MEETING NOTE_FILE
 *
 * Builds a seal entry {"meeting": MEETING, "note": <NOTE_FILE's bytes>,
 * "v": 1} as the keystore's identity (first line of PASSFILE is the
 * passphrase), at the next seq of its feed, referring to every other
 * feed's head as a writer's entry does, with a clock one more than the
 * greatest of all heads' (so that it obeys the clock rule), signs it, and
 * stores it with store_put(): every index agrees with it, the entry's
 * own signature holds, and nothing but the seal rule (a bad signature
 * line, a wrong root, ...) is wrong with it.  The feed's verified watermark is left
 * where it was, as it would be after a write by another program.
 * Prints the entry's hash.  Exit 0, or 2 with a message.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <sodium.h>

#include "../../crypto/err.h"
#include "../../crypto/keys.h"
#include "../../crypto/keystore.h"
#include "../../storage/entry.h"
#include "../../storage/payload.h"
#include "../../storage/store.h"

/* slurp() - a whole file, NUL-terminated; malloc'd, or NULL. */
static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL, *nb;
	size_t n = 0, cap = 0, got;

	if (f == NULL)
		return NULL;
	for (;;) {
		if (cap - n < 4096) {
			cap = cap ? 2 * cap : 8192;
			if ((nb = realloc(buf, cap + 1)) == NULL) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		if ((got = fread(buf + n, 1, cap - n, f)) == 0)
			break;
		n += got;
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

static int
die(const char *what, int rc)
{
	fprintf(stderr, "seal_slip: %s: %s\n", what, rc ? dt_strerror(rc) : "");
	return 2;
}

int
main(int argc, char **argv)
{
	unsigned char dialogue[ENTRY_HASH_BYTES], hash[ENTRY_HASH_BYTES];
	unsigned char *bytes = NULL;
	char *pass = NULL, *note = NULL, *payload = NULL, *nl;
	char hex[2 * ENTRY_HASH_BYTES + 1];
	key_identity *id = NULL;
	store_head *heads = NULL, me;
	entry_ref *refs = NULL;
	size_t passlen = 0, notelen = 0, nheads = 0, nrefs = 0, blen, i;
	store *s = NULL;
	store_txn *t = NULL;
	entry_draft d;
	json_t *p = NULL;
	uint64_t clock = 0;
	entry e;
	int rc, ret = 2;

	if (argc != 6) {
		fprintf(stderr, "usage: seal_slip STORE_DIR KEYSTORE PASSFILE "
		    "MEETING NOTE_FILE\n");
		return 2;
	}
	if (sodium_init() < 0)
		return die("sodium_init", 0);
	if ((pass = slurp(argv[3], &passlen)) == NULL)
		return die("cannot read the passphrase file", 0);
	if ((nl = strchr(pass, '\n')) != NULL)
		*nl = '\0';
	rc = keystore_unlock(&id, argv[2], pass, strlen(pass));
	sodium_memzero(pass, passlen);
	free(pass);
	if (rc != 0)
		return die("cannot unlock the keystore", rc);
	if ((note = slurp(argv[5], &notelen)) == NULL) {
		ret = die("cannot read the note file", 0);
		goto out;
	}
	p = json_pack("{s:i,s:I,s:s%}", "v", 1, "meeting",
	    (json_int_t)strtoull(argv[4], NULL, 10), "note", note, notelen);
	if (p == NULL || (payload = payload_dump(p)) == NULL) {
		ret = die("cannot build the payload", DT_ENOMEM);
		goto out;
	}
	if ((rc = store_open(&s, argv[1], 0)) != 0 ||
	    (rc = store_txn_begin(&t, s, 1)) != 0 ||
	    (rc = store_dialogue(t, dialogue)) != 0 ||
	    (rc = store_heads(&heads, &nheads, t)) != 0) {
		ret = die("cannot open the store", rc);
		goto out;
	}
	if (nheads > 0 && (refs = calloc(nheads, sizeof(*refs))) == NULL) {
		ret = die("out of memory", DT_ENOMEM);
		goto out;
	}
	/* store_heads() returns the authors ascending, as references go. */
	for (i = 0; i < nheads; i++) {
		if (heads[i].clock > clock)
			clock = heads[i].clock;
		if (heads[i].next_seq == 0 ||
		    memcmp(heads[i].author, id->pk, KEY_PK_BYTES) == 0)
			continue;
		memcpy(refs[nrefs].author, heads[i].author, KEY_PK_BYTES);
		refs[nrefs].seq = heads[i].next_seq - 1;
		memcpy(refs[nrefs].hash, heads[i].hash, ENTRY_HASH_BYTES);
		nrefs++;
	}
	memset(&me, 0, sizeof(me));
	if ((rc = store_head_get(&me, t, id->pk)) != 0 && rc != DT_ENOENT) {
		ret = die("cannot read the feed's head", rc);
		goto out;
	}
	memset(&d, 0, sizeof(d));
	d.kind = ENTRY_K_SEAL;
	d.dialogue = dialogue;
	d.seq = me.next_seq;
	d.clock = clock + 1;
	d.time_ms = (uint64_t)time(NULL) * 1000;
	d.prev = me.next_seq > 0 ? me.hash : NULL;
	d.refs = refs;
	d.nrefs = (unsigned)nrefs;
	d.payload = (const unsigned char *)payload;
	d.payload_len = strlen(payload);
	if ((rc = entry_build(&bytes, &blen, &d, id)) != 0 ||
	    (rc = entry_parse(&e, bytes, blen)) != 0) {
		ret = die("cannot build the entry", rc);
		goto out;
	}
	entry_hash(hash, bytes, blen);
	if ((rc = store_put(t, &e, hash)) != 0) {
		ret = die("cannot store the entry", rc);
		goto out;
	}
	rc = store_txn_commit(t);
	t = NULL;
	if (rc != 0) {
		ret = die("cannot commit the entry", rc);
		goto out;
	}
	sodium_bin2hex(hex, sizeof(hex), hash, sizeof(hash));
	printf("%s\n", hex);
	ret = 0;
out:
	store_txn_abort(t);
	store_close(s);
	free(refs);
	free(heads);
	free(bytes);
	payload_free(payload);
	json_decref(p);
	free(note);
	key_identity_free(id);
	return ret;
}
