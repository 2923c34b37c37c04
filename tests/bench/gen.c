/*
 * gen.c: build a large dialogue record quickly, for benchmarks.
 */
#include <sys/resource.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <sodium.h>

#include "../../crypto/err.h"
#include "../../crypto/note.h"
#include "../../storage/checkpoint.h"
#include "../../storage/entry.h"
#include "../../storage/payload.h"
#include "../../storage/record.h"
#include "../../storage/seal.h"
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

double
gen_cpu(int who)
{
	struct rusage ru;

	if (getrusage(who, &ru) != 0)
		return 0;
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* The state of one feed while generating. */
struct feed {
	uint64_t next_seq;
	unsigned char hash[ENTRY_HASH_BYTES];
	uint64_t clock;
	merkle_frontier fr;   /* from seq 0, if fr_ok */
	int fr_ok;
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
	if (f[a].fr_ok && merkle_frontier_append(&f[a].fr, h) != 0)
		f[a].fr_ok = 0;
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
gen_identities(key_identity *ids[GEN_AUTHORS])
{
	static const char *const names[GEN_AUTHORS] = { "ru-head", "us-head",
		"ru-expert", "us-expert" };
	unsigned char seed[32];
	unsigned a;
	int rc;

	for (a = 0; a < GEN_AUTHORS; a++) {
		memset(seed, (int)a + 1, sizeof seed);
		if ((rc = key_identity_from_seed(&ids[a], names[a], seed)) != 0)
			return rc;
	}
	return 0;
}

/*
 * create() - the dialogue of gen.h under parent: four identities (seeds
 * 1..4), two heads and two delegates.  Fills ids, *path (malloc'd), the
 * dialogue id and key, and the state of ru-head's feed (genesis and key
 * wrap); f[] is zeroed first.
 */
static int
create(char **path, key_identity *ids[GEN_AUTHORS], const char *parent,
    uint64_t ts, unsigned char dialogue[ENTRY_HASH_BYTES],
    unsigned char key[32], struct feed f[GEN_AUTHORS])
{
	static const char *const names[GEN_AUTHORS] = { "ru-head", "us-head",
		"ru-expert", "us-expert" };
	static const char *const parties[GEN_AUTHORS] = { "RU", "US", "RU",
		"US" };
	static const char *const plist[] = { "RU", "US" };
	record_member m[GEN_AUTHORS];
	record_genesis g;
	record *r = NULL;
	store_txn *t = NULL;
	store_head h;
	const char *why = NULL;
	unsigned a;
	int rc;

	*path = NULL;
	memset(f, 0, GEN_AUTHORS * sizeof(*f));
	for (a = 0; a < GEN_AUTHORS; a++) {
		merkle_frontier_init(&f[a].fr);
		f[a].fr_ok = a != 0; /* ru-head's first entries: see below */
	}
	if ((rc = gen_identities(ids)) != 0)
		return rc;
	for (a = 0; a < GEN_AUTHORS; a++) {
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
	memcpy(dialogue, record_id(r), ENTRY_HASH_BYTES);
	memcpy(key, record_key(r), 32);
	if ((*path = strdup(store_path(record_store(r)))) == NULL) {
		rc = DT_ENOMEM;
		goto out;
	}
	if ((rc = store_txn_begin(&t, record_store(r), 0)) != 0 ||
	    (rc = store_head_get(&h, t, ids[0]->pk)) != 0)
		goto out;
	f[0].next_seq = h.next_seq;
	memcpy(f[0].hash, h.hash, ENTRY_HASH_BYTES);
	f[0].clock = h.clock;
	f[0].fr_ok = ckpt_feed_frontier(&f[0].fr, t, ids[0]->pk,
	    h.next_seq) == 0;
out:
	store_txn_abort(t);
	record_close(r);
	return rc;
}

/*
 * checkpoint() - member a signs its feed's checkpoint (the root of the
 * frontier put() keeps), in t, as the member's next entry.
 */
static int
checkpoint(store_txn *t, const unsigned char *dialogue,
    key_identity *const ids[GEN_AUTHORS], struct feed f[GEN_AUTHORS],
    unsigned a, uint64_t time_ms)
{
	unsigned char root[MERKLE_HASH_BYTES];
	char *note = NULL, *p;
	size_t nlen;
	int rc;

	if (!f[a].fr_ok)
		return DT_ESTATE;
	merkle_frontier_root(&f[a].fr, root);
	if ((rc = ckpt_sign(&note, &nlen, dialogue, f[a].next_seq, root,
	    ids[a])) != 0)
		return rc;
	p = dump(json_pack("{s:i,s:s%}", "v", 1, "note", note, nlen));
	free(note);
	if (p == NULL)
		return DT_ENOMEM;
	rc = put(t, dialogue, NULL, ids, f, a, ENTRY_K_CHECKPOINT, p, time_ms,
	    NULL);
	payload_free(p);
	return rc;
}

static int
feed_cmp(const void *a, const void *b)
{
	return memcmp(((const seal_feed *)a)->author,
	    ((const seal_feed *)b)->author, KEY_PK_BYTES);
}

/*
 * seal() - the two heads seal meeting 1 as it stands: every feed's size
 * and root (from the frontiers put() keeps), signed by ru-head and
 * cosigned by us-head, stored by ru-head as its next entry.
 */
static int
seal(store_txn *t, const unsigned char *dialogue,
    key_identity *const ids[GEN_AUTHORS], struct feed f[GEN_AUTHORS],
    uint64_t time_ms)
{
	seal_feed feeds[GEN_AUTHORS];
	seal_text s;
	char name[NOTE_ORIGIN_BYTES], *text = NULL, *one = NULL, *two = NULL;
	char *p = NULL;
	size_t tlen, olen, wlen;
	unsigned a;
	int rc;

	memset(&s, 0, sizeof s);
	memcpy(s.dialogue, dialogue, 32);
	s.meeting = 1;
	for (a = 0; a < GEN_AUTHORS; a++) {
		if (f[a].next_seq == 0)
			continue;
		if (!f[a].fr_ok)
			return DT_ESTATE;
		memcpy(feeds[s.nfeeds].author, ids[a]->pk, KEY_PK_BYTES);
		feeds[s.nfeeds].size = f[a].next_seq;
		merkle_frontier_root(&f[a].fr, feeds[s.nfeeds].root);
		s.nfeeds++;
	}
	qsort(feeds, s.nfeeds, sizeof feeds[0], feed_cmp);
	s.feeds = feeds;
	if ((rc = seal_text_format(&text, &tlen, &s)) != 0)
		return rc;
	seal_key_name(name, dialogue, ids[0]->pk);
	if ((rc = note_sign(&one, &olen, text, tlen, ids[0], name)) != 0)
		goto out;
	seal_key_name(name, dialogue, ids[1]->pk);
	if ((rc = note_cosign(&two, &wlen, one, olen, ids[1], name)) != 0)
		goto out;
	if ((p = dump(json_pack("{s:i,s:i,s:s%}", "v", 1, "meeting", 1,
	    "note", two, wlen))) == NULL) {
		rc = DT_ENOMEM;
		goto out;
	}
	rc = put(t, dialogue, NULL, ids, f, 0, ENTRY_K_SEAL, p, time_ms, NULL);
out:
	payload_free(p);
	free(two);
	free(one);
	free(text);
	return rc;
}

int
gen_record(char **path, key_identity *ids[GEN_AUTHORS], const char *parent,
    uint64_t n, int progress)
{
	return gen_record_ckpt(path, ids, parent, n, 0, progress);
}

int
gen_record_ckpt(char **path, key_identity *ids[GEN_AUTHORS],
    const char *parent, uint64_t n, uint64_t every, int progress)
{
	store *s = NULL;
	store_txn *t = NULL;
	struct feed f[GEN_AUTHORS];
	unsigned char dialogue[ENTRY_HASH_BYTES], key[32];
	unsigned char item[4][ENTRY_HASH_BYTES], commit[ENTRY_HASH_BYTES];
	char hex[2 * ENTRY_HASH_BYTES + 1], *p = NULL, text[200];
	uint64_t i, done = 0, ts = 1767225600000ULL;
	unsigned a;
	int rc;

	if ((rc = create(path, ids, parent, ts, dialogue, key, f)) != 0)
		goto out;
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
			/*
			 * Every `every` entries each member checkpoints its
			 * feed, then the heads seal the meeting so far.
			 */
			if (every > 0 && done >= 7 && done % every <
			    GEN_AUTHORS) {
				if ((rc = checkpoint(t, dialogue, ids, f,
				    (unsigned)(done % every), ts)) != 0)
					goto out;
				continue;
			}
			if (every > 0 && done >= 7 && done % every ==
			    GEN_AUTHORS) {
				if ((rc = seal(t, dialogue, ids, f, ts)) != 0)
					goto out;
				continue;
			}
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

/*
 * text() - a text list: the authentic version in lang, and with tr a
 * translation into the other of Russian and English.
 */
static json_t *
text(const char *lang, int tr, const char *ru, const char *en)
{
	json_t *l = payload_text(lang, "authentic",
	    strcmp(lang, "ru") == 0 ? ru : en);

	if (l != NULL && tr &&
	    json_array_append_new(l, json_pack("{s:s,s:s,s:s}", "lang",
	    strcmp(lang, "ru") == 0 ? "en" : "ru", "role", "translation",
	    "body", strcmp(lang, "ru") == 0 ? en : ru)) != 0) {
		json_decref(l);
		return NULL;
	}
	return l;
}

int
gen_meeting(char **path, key_identity *ids[GEN_AUTHORS], const char *parent,
    uint64_t n, int progress)
{
	static const char *const party[GEN_AUTHORS] = { "RU", "US", "RU",
		"US" };
	store *s = NULL;
	store_txn *t = NULL;
	struct feed f[GEN_AUTHORS];
	unsigned char dialogue[ENTRY_HASH_BYTES], key[32];
	unsigned char item[GEN_ITEMS][ENTRY_HASH_BYTES];
	unsigned char rec[ENTRY_HASH_BYTES], note[ENTRY_HASH_BYTES];
	unsigned char commit[ENTRY_HASH_BYTES], h[ENTRY_HASH_BYTES];
	char hex[2 * ENTRY_HASH_BYTES + 1], keys[GEN_AUTHORS][65];
	char *p = NULL, ru[300], en[300];
	uint64_t i, k = 0, done = 2, ts = 1767225600000ULL;
	unsigned a, kind;
	json_t *o;
	int rc, have_commit = 0;

	if ((rc = create(path, ids, parent, ts, dialogue, key, f)) != 0 ||
	    (rc = store_open(&s, *path, 0)) != 0)
		goto out;
	for (a = 0; a < GEN_AUTHORS; a++)
		key_hex(keys[a], ids[a]->pk, KEY_PK_BYTES);
	memset(rec, 0, sizeof rec);
	memset(note, 0, sizeof note);
	memset(commit, 0, sizeof commit);
	while (done < n) {
		if ((rc = store_txn_begin(&t, s, 1)) != 0)
			goto out;
		for (i = 0; i < GEN_BATCH && done < n; i++, k++, done++) {
			/* k numbers the meeting's entries from 0 */
			uint64_t j = k < 2 + GEN_ITEMS ? 0 : k - 2 - GEN_ITEMS;
			int tr = j % 7 == 3;

			a = (unsigned)(j % GEN_AUTHORS);
			kind = ENTRY_K_NOTE;
			ts += 1000;
			snprintf(ru, sizeof ru, "Запись %llu: стороны обсудили "
			    "каналы связи между группами реагирования.",
			    (unsigned long long)j);
			snprintf(en, sizeof en, "Entry %llu: the parties "
			    "discussed the channels between response teams.",
			    (unsigned long long)j);
			if (k == 0) {
				a = 0;
				kind = ENTRY_K_MEETING_OPEN;
				p = dump(json_pack("{s:i,s:i,s:s,s:s,s:s}", "v",
				    1, "meeting", 1, "title", "Round one",
				    "place", "Geneva", "date", "2026-01-01"));
			} else if (k == 1) {
				a = 0;
				kind = ENTRY_K_ATTENDANCE;
				p = dump(json_pack("{s:i,s:i,s:[s,s,s,s],s:[]}",
				    "v", 1, "meeting", 1, "present", keys[0],
				    keys[1], keys[2], keys[3], "absent"));
			} else if (k < 2 + GEN_ITEMS) {
				a = (unsigned)(k % 2);
				kind = ENTRY_K_AGENDA;
				snprintf(ru, sizeof ru, "Пункт повестки %llu",
				    (unsigned long long)k - 1);
				snprintf(en, sizeof en, "Agenda item %llu",
				    (unsigned long long)k - 1);
				p = dump(json_pack("{s:i,s:i,s:o}", "v", 1,
				    "meeting", 1, "text", text(party[a][0] ==
				    'R' ? "ru" : "en", 1, ru, en)));
			} else if (j % 500 == 250 || j % 500 == 251 ||
			    j % 500 == 252) {
				/* a commitment, endorsed by both heads */
				a = (unsigned)(j % 500 - 250);
				a = a == 0 ? 1 : a - 1;
				kind = j % 500 == 250 ? ENTRY_K_COMMITMENT :
				    ENTRY_K_ENDORSEMENT;
				key_hex(hex, j % 500 == 250 ? item[j % GEN_ITEMS] :
				    commit, ENTRY_HASH_BYTES);
				p = kind == ENTRY_K_ENDORSEMENT ?
				    dump(json_pack("{s:i,s:i,s:s}", "v", 1,
				    "meeting", 1, "target", hex)) :
				    dump(json_pack("{s:i,s:i,s:s,s:s,s:s,s:s,"
				    "s:o}", "v", 1, "meeting", 1, "item", hex,
				    "party", party[a], "owner", "CERT", "due",
				    "2027-01-15", "text", text("en", tr, ru,
				    en)));
			} else if (j % 2000 == 1700 && have_commit) {
				kind = ENTRY_K_COMMITMENT_STATUS;
				key_hex(hex, commit, ENTRY_HASH_BYTES);
				p = dump(json_pack("{s:i,s:i,s:s,s:s}", "v", 1,
				    "meeting", 1, "target", hex, "state",
				    "in-progress"));
			} else if (j % 2500 == 1000) {
				kind = ENTRY_K_AGENDA_STATUS;
				key_hex(hex, item[j / 2500 % GEN_ITEMS],
				    ENTRY_HASH_BYTES);
				p = dump(json_pack("{s:i,s:i,s:s,s:s}", "v", 1,
				    "meeting", 1, "target", hex, "state",
				    "discussed"));
			} else if (j % 1000 == 400 && j > 0) {
				/* a correction of a note */
				kind = ENTRY_K_CORRECTION;
				key_hex(hex, note, ENTRY_HASH_BYTES);
				p = dump(json_pack("{s:i,s:i,s:s,s:o}", "v", 1,
				    "meeting", 1, "target", hex, "text",
				    text(a % 2 ? "en" : "ru", 0, ru, en)));
			} else if (j % 50 == 31 || j % 50 == 32) {
				/* both heads endorse the last decision */
				a = (unsigned)(j % 50 - 31);
				kind = ENTRY_K_ENDORSEMENT;
				key_hex(hex, rec, ENTRY_HASH_BYTES);
				p = dump(json_pack("{s:i,s:i,s:s}", "v", 1,
				    "meeting", 1, "target", hex));
			} else {
				kind = j % 50 == 10 ? ENTRY_K_STATEMENT :
				    j % 50 == 20 ? ENTRY_K_PROPOSAL :
				    j % 50 == 30 ? ENTRY_K_DECISION :
				    ENTRY_K_NOTE;
				key_hex(hex, item[j % GEN_ITEMS],
				    ENTRY_HASH_BYTES);
				/* one in ten belongs to no agenda item */
				o = json_pack("{s:i,s:i,s:o,s:s*}", "v", 1,
				    "meeting", 1, "text", text(a % 2 ? "en" :
				    "ru", tr, ru, en), "item", j % 10 == 9 ?
				    NULL : hex);
				if (o != NULL && kind == ENTRY_K_STATEMENT &&
				    json_object_set_new(o, "party",
				    json_string(party[a])) != 0) {
					json_decref(o);
					o = NULL;
				}
				p = o != NULL ? dump(o) : NULL;
			}
			if (p == NULL) {
				rc = DT_ENOMEM;
				goto out;
			}
			rc = put(t, dialogue, key, ids, f, a, kind, p, ts, h);
			payload_free(p);
			p = NULL;
			if (rc != 0)
				goto out;
			if (kind == ENTRY_K_AGENDA)
				memcpy(item[k - 2], h, sizeof h);
			else if (kind == ENTRY_K_DECISION)
				memcpy(rec, h, sizeof h);
			else if (kind == ENTRY_K_NOTE)
				memcpy(note, h, sizeof h);
			else if (kind == ENTRY_K_COMMITMENT) {
				memcpy(commit, h, sizeof h);
				have_commit = 1;
			}
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
	return rc;
}

int
gen_close(const char *path, key_identity *const ids[GEN_AUTHORS],
    int64_t meeting)
{
	store *s = NULL;
	store_txn *t = NULL;
	struct feed f[GEN_AUTHORS];
	store_head h;
	unsigned char dialogue[ENTRY_HASH_BYTES], key[32];
	record *r = NULL;
	char *p = NULL;
	unsigned a;
	int rc;

	/* the close is encrypted: the key, as ru-head unwraps it */
	if ((rc = record_open(&r, path)) != 0 ||
	    (rc = record_unlock(r, ids[0])) != 0)
		goto out;
	memcpy(key, record_key(r), sizeof key);
	record_close(r);
	r = NULL;
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
	if ((p = dump(json_pack("{s:i,s:I}", "v", 1, "meeting",
	    (json_int_t)meeting))) == NULL) {
		rc = DT_ENOMEM;
		goto out;
	}
	/* closing is per side: each party's head closes it (ru, then us) */
	if ((rc = put(t, dialogue, key, ids, f, 0, ENTRY_K_MEETING_CLOSE, p,
	    1767225600000ULL + 1000001000ULL, NULL)) != 0 ||
	    (rc = put(t, dialogue, key, ids, f, 1, ENTRY_K_MEETING_CLOSE, p,
	    1767225600000ULL + 1000002000ULL, NULL)) != 0)
		goto out;
	rc = store_txn_commit(t);
	t = NULL;
out:
	sodium_memzero(key, sizeof key);
	payload_free(p);
	store_txn_abort(t);
	store_close(s);
	record_close(r);
	return rc;
}
