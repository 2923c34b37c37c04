/*
 * gen.c: build a large dialogue record quickly, for benchmarks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <sodium.h>

#include "../../crypto/err.h"
#include "../../storage/checkpoint.h"
#include "../../storage/entry.h"
#include "../../storage/payload.h"
#include "../../storage/record.h"
#include "../../storage/store.h"
#include "gen.h"

#define GEN_BATCH 20000

double
gen_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The state of one feed while generating. */
struct feed {
	uint64_t next_seq;
	unsigned char hash[ENTRY_HASH_BYTES];
	uint64_t clock;
};

/*
 * Append one entry of author a: it references the head of every other
 * feed, and its clock is one more than the highest clock of all.
 */
static int
put(store_txn *t, const unsigned char *dialogue, const unsigned char *key,
    key_identity *const ids[GEN_AUTHORS], struct feed f[GEN_AUTHORS],
    unsigned a, unsigned kind, const char *payload, uint64_t time_ms,
    unsigned char out[ENTRY_HASH_BYTES])
{
	entry_ref refs[GEN_AUTHORS], tmp;
	unsigned nrefs = 0, i, j;
	uint64_t max = 0;
	unsigned char *b = NULL, h[ENTRY_HASH_BYTES];
	size_t len;
	entry_draft d;
	entry e;
	int rc;

	for (i = 0; i < GEN_AUTHORS; i++) {
		if (f[i].clock > max)
			max = f[i].clock;
		if (i == a || f[i].next_seq == 0)
			continue;
		memcpy(refs[nrefs].author, ids[i]->pk, KEY_PK_BYTES);
		refs[nrefs].seq = f[i].next_seq - 1;
		memcpy(refs[nrefs].hash, f[i].hash, ENTRY_HASH_BYTES);
		nrefs++;
	}
	/* references ascend by author */
	for (i = 1; i < nrefs; i++)
		for (j = i; j > 0 && memcmp(refs[j - 1].author, refs[j].author,
		    KEY_PK_BYTES) > 0; j--) {
			tmp = refs[j];
			refs[j] = refs[j - 1];
			refs[j - 1] = tmp;
		}
	memset(&d, 0, sizeof d);
	d.kind = kind;
	d.dialogue = dialogue;
	d.seq = f[a].next_seq;
	d.clock = max + 1;
	d.time_ms = time_ms;
	d.prev = f[a].next_seq ? f[a].hash : NULL;
	d.refs = refs;
	d.nrefs = nrefs;
	d.payload = (const unsigned char *)payload;
	d.payload_len = strlen(payload);
	d.key = key;
	if ((rc = entry_build(&b, &len, &d, ids[a])) != 0)
		return rc;
	if ((rc = entry_parse(&e, b, len)) != 0)
		goto out;
	entry_hash(h, b, len);
	if ((rc = store_put(t, &e, h)) != 0)
		goto out;
	f[a].next_seq++;
	memcpy(f[a].hash, h, ENTRY_HASH_BYTES);
	f[a].clock = d.clock;
	if (out != NULL)
		memcpy(out, h, ENTRY_HASH_BYTES);
out:
	free(b);
	return rc;
}

static char *
dump(json_t *o)
{
	char *s = payload_dump(o);

	json_decref(o);
	return s;
}

int
gen_record(char **path, key_identity *ids[GEN_AUTHORS], const char *parent,
    uint64_t n, int progress)
{
	static const char *const names[GEN_AUTHORS] = { "ru-head", "us-head",
		"ru-expert", "us-expert" };
	static const char *const parties[GEN_AUTHORS] = { "RU", "US", "RU",
		"US" };
	static const char *const plist[] = { "RU", "US" };
	record_member m[GEN_AUTHORS];
	record_genesis g;
	record *r = NULL;
	store *s = NULL;
	store_txn *t = NULL;
	struct feed f[GEN_AUTHORS];
	unsigned char dialogue[ENTRY_HASH_BYTES], key[32], seed[32];
	unsigned char item[4][ENTRY_HASH_BYTES], commit[ENTRY_HASH_BYTES];
	char hex[2 * ENTRY_HASH_BYTES + 1], *p = NULL, text[200];
	const char *why = NULL;
	uint64_t i, done = 0, ts = 1767225600000ULL;
	unsigned a;
	int rc;

	*path = NULL;
	memset(f, 0, sizeof f);
	for (a = 0; a < GEN_AUTHORS; a++) {
		memset(seed, (int)a + 1, sizeof seed);
		if ((rc = key_identity_from_seed(&ids[a], names[a], seed)) != 0)
			return rc;
		memset(&m[a], 0, sizeof m[a]);
		memcpy(m[a].pk, ids[a]->pk, KEY_PK_BYTES);
		snprintf(m[a].name, sizeof m[a].name, "%s", names[a]);
		snprintf(m[a].party, sizeof m[a].party, "%s", parties[a]);
		m[a].role = a < 2 ? RECORD_ROLE_HEAD : RECORD_ROLE_DELEGATE;
	}
	memset(&g, 0, sizeof g);
	g.title = "Benchmark dialogue";
	g.parties = plist;
	g.nparties = 2;
	g.members = m;
	g.nmembers = GEN_AUTHORS;
	g.time_ms = ts;
	if ((rc = record_create(&r, parent, ids[0], &g, &why)) != 0)
		return rc;
	memcpy(dialogue, record_id(r), sizeof dialogue);
	memcpy(key, record_key(r), sizeof key);
	if ((*path = strdup(store_path(record_store(r)))) == NULL) {
		rc = DT_ENOMEM;
		goto out;
	}
	{
		store_head h;

		if ((rc = store_txn_begin(&t, record_store(r), 0)) != 0 ||
		    (rc = store_head_get(&h, t, ids[0]->pk)) != 0)
			goto out;
		f[0].next_seq = h.next_seq;
		memcpy(f[0].hash, h.hash, ENTRY_HASH_BYTES);
		f[0].clock = h.clock;
		store_txn_abort(t);
		t = NULL;
	}
	record_close(r);
	r = NULL;
	if ((rc = store_open(&s, *path, 0)) != 0)
		goto out;
	done = 2;
	while (done < n) {
		if ((rc = store_txn_begin(&t, s, 1)) != 0)
			goto out;
		for (i = 0; i < GEN_BATCH && done < n; i++, done++) {
			unsigned kind = ENTRY_K_NOTE;

			a = (unsigned)(done % GEN_AUTHORS);
			ts += 1000;
			if (done == 2) {
				a = 0;
				kind = ENTRY_K_MEETING_OPEN;
				p = dump(json_pack("{s:i,s:i,s:s,s:s}", "v", 1,
				    "meeting", 1, "title", "Round one", "place",
				    "Geneva"));
			} else if (done >= 3 && done < 7) {
				a = 0;
				kind = ENTRY_K_AGENDA;
				snprintf(text, sizeof text, "Agenda item %u",
				    (unsigned)(done - 2));
				p = dump(json_pack("{s:i,s:i,s:o}", "v", 1,
				    "meeting", 1, "text", payload_text("en",
				    "authentic", text)));
			} else if (done % 1000 == 500) {
				a = 1;
				kind = ENTRY_K_COMMITMENT;
				snprintf(text, sizeof text, "Commitment number "
				    "%llu", (unsigned long long)done);
				key_hex(hex, item[done / 1000 % 4], 32);
				p = dump(json_pack("{s:i,s:i,s:s,s:s,s:s,s:s,"
				    "s:o}", "v", 1, "meeting", 1, "item", hex,
				    "party", "US", "owner", "US CERT", "due",
				    "2027-01-15", "text", payload_text("en",
				    "authentic", text)));
			} else if (done % 1000 == 501 || done % 1000 == 502) {
				a = done % 1000 == 501 ? 0 : 1;
				kind = ENTRY_K_ENDORSEMENT;
				key_hex(hex, commit, 32);
				p = dump(json_pack("{s:i,s:i,s:s}", "v", 1,
				    "meeting", 1, "target", hex));
			} else {
				snprintf(text, sizeof text, "Note %llu: "
				    "Стороны обсудили каналы связи между CERT.",
				    (unsigned long long)done);
				key_hex(hex, item[done % 4], 32);
				p = dump(json_pack("{s:i,s:i,s:s,s:o}", "v", 1,
				    "meeting", 1, "item", hex, "text",
				    payload_text("ru", "authentic", text)));
			}
			if (p == NULL) {
				rc = DT_ENOMEM;
				goto out;
			}
			rc = put(t, dialogue, key, ids, f, a, kind, p, ts,
			    kind == ENTRY_K_AGENDA ? item[done - 3] :
			    kind == ENTRY_K_COMMITMENT ? commit : NULL);
			payload_free(p);
			p = NULL;
			if (rc != 0)
				goto out;
		}
		rc = store_txn_commit(t);
		t = NULL;
		if (rc != 0)
			goto out;
		if (progress)
			fprintf(stderr, "\rgenerating: %llu of %llu entries",
			    (unsigned long long)done, (unsigned long long)n);
	}
	if (progress)
		fputc('\n', stderr);
out:
	store_txn_abort(t);
	store_close(s);
	record_close(r);
	return rc;
}

int
gen_checkpoints(const char *path, key_identity *const ids[GEN_AUTHORS])
{
	store *s = NULL;
	store_txn *t = NULL;
	struct feed f[GEN_AUTHORS];
	store_head h;
	unsigned char dialogue[ENTRY_HASH_BYTES], root[32];
	char *note = NULL, *p = NULL;
	size_t nlen;
	unsigned a;
	int rc;

	if ((rc = store_open(&s, path, 0)) != 0 ||
	    (rc = store_txn_begin(&t, s, 1)) != 0 ||
	    (rc = store_dialogue(t, dialogue)) != 0)
		goto out;
	memset(f, 0, sizeof f);
	for (a = 0; a < GEN_AUTHORS; a++) {
		if ((rc = store_head_get(&h, t, ids[a]->pk)) != 0)
			goto out;
		f[a].next_seq = h.next_seq;
		memcpy(f[a].hash, h.hash, ENTRY_HASH_BYTES);
		f[a].clock = h.clock;
	}
	for (a = 0; a < GEN_AUTHORS; a++) {
		if ((rc = ckpt_feed_root(root, t, ids[a]->pk,
		    f[a].next_seq)) != 0 ||
		    (rc = ckpt_sign(&note, &nlen, dialogue, f[a].next_seq, root,
		    ids[a])) != 0)
			goto out;
		p = dump(json_pack("{s:i,s:s%}", "v", 1, "note", note, nlen));
		free(note);
		note = NULL;
		if (p == NULL) {
			rc = DT_ENOMEM;
			goto out;
		}
		rc = put(t, dialogue, NULL, ids, f, a, ENTRY_K_CHECKPOINT, p,
		    1767225600000ULL + 1000000000ULL, NULL);
		payload_free(p);
		p = NULL;
		if (rc != 0)
			goto out;
	}
	rc = store_txn_commit(t);
	t = NULL;
out:
	store_txn_abort(t);
	store_close(s);
	return rc;
}
