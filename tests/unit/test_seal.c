/*
 * test_seal.c: seal texts (byte for byte, and every malformed form
 * refused), proposing and cosigning with two and with three parties, a
 * meeting's seal status, joining signatures written in separate entries,
 * and the rule for seal entries: a wrong root, a feed listed beyond what
 * its author had seen, a bad or missing signature are refused.  A
 * complete seal verifies with the plain signed-note verifier given the
 * heads' keys.  A seal entry stored past the rules with a bad signature
 * makes the meeting's seal invalid (seal_info_get(), seal_info_check()).
 */
#include "test_util.h"

#include <sodium.h>

#include "../../crypto/err.h"
#include "../../crypto/keys.h"
#include "../../crypto/merkle.h"
#include "../../crypto/note.h"
#include "../../storage/checkpoint.h"
#include "../../storage/payload.h"
#include "../../storage/record.h"
#include "../../storage/seal.h"
#include "../../storage/store.h"

enum { RU_HEAD, US_HEAD, CN_HEAD, RU_DEL, NIDS };
static key_identity *id[NIDS];
static const char *names[NIDS] = { "ru-head", "us-head", "cn-head",
	"ru-del" };

static const char note[] = "{\"meeting\":1,\"text\":[{\"body\":\"Привет\","
    "\"lang\":\"ru\",\"role\":\"authentic\"}],\"v\":1}";

static int
setup(void **state)
{
	unsigned char seed[32];
	int i;

	(void)state;
	for (i = 0; i < NIDS; i++) {
		memset(seed, 0x50 + i, sizeof seed);
		if (key_identity_from_seed(&id[i], names[i], seed) != 0)
			return -1;
	}
	return 0;
}

static int
teardown(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < NIDS; i++)
		key_identity_free(id[i]);
	return 0;
}

static void
member(record_member *m, int who, const char *party, int role)
{
	memset(m, 0, sizeof *m);
	memcpy(m->pk, id[who]->pk, 32);
	snprintf(m->name, sizeof m->name, "%s", names[who]);
	snprintf(m->party, sizeof m->party, "%s", party);
	m->role = role;
}

/* RU and US (and CN when three), with a RU delegate. */
static record *
make_dialogue(char **dir, int three)
{
	static const char *const parties[] = { "RU", "US", "CN" };
	record_member m[4];
	record_genesis g;
	record *r = NULL;
	const char *why = NULL;
	size_t n = 0;

	*dir = tu_tmpdir();
	member(&m[n++], RU_HEAD, "RU", RECORD_ROLE_HEAD);
	member(&m[n++], US_HEAD, "US", RECORD_ROLE_HEAD);
	if (three)
		member(&m[n++], CN_HEAD, "CN", RECORD_ROLE_HEAD);
	member(&m[n++], RU_DEL, "RU", RECORD_ROLE_DELEGATE);
	memset(&g, 0, sizeof g);
	g.title = "Диалог";
	g.parties = parties;
	g.nparties = three ? 3 : 2;
	g.members = m;
	g.nmembers = n;
	assert_int_equal(record_create(&r, *dir, id[RU_HEAD], &g, &why), 0);
	return r;
}

/* --- the text ---------------------------------------------------------- */

static void
test_text(void **state)
{
	seal_text s, p;
	seal_feed f[2];
	char *t = NULL, *x;
	size_t len, i;
	char want[1024];
	/* Each must be refused: a change to the good text below. */
	static const char *const bad[][2] = {
		{ "detente seal v1\n", "detente seal v2\n" },
		{ "dialogue 1111", "dialogue 1111 " },
		{ "dialogue 11", "dialogue 1A" },
		{ "meeting 7\n", "meeting 07\n" },
		{ "meeting 7\n", "meeting +7\n" },
		{ "meeting 7\n", "meeting\n" },
		{ "minutes -\n", "minutes \n" },
		{ "minutes -\n", "minutes --\n" },
		{ "minutes -\n", "" },
		{ " 3 ", " 03 " },
		{ " 3 ", " 0 " },
		{ " 3 ", "  3 " },
		{ "detente/1111", "detente/2111" },
		{ "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB=" },
		{ "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" },
	};

	(void)state;
	memset(&s, 0, sizeof s);
	memset(s.dialogue, 0x11, 32);
	s.meeting = 7;
	memset(f, 0, sizeof f);
	memset(f[0].author, 0x22, 32);
	f[0].size = 3;
	memset(f[1].author, 0x33, 32);
	f[1].size = 12;
	memset(f[1].root, 0xff, 32);
	s.feeds = f;
	s.nfeeds = 2;
	assert_int_equal(seal_text_format(&t, &len, &s), 0);
	snprintf(want, sizeof want,
	    "detente seal v1\n"
	    "dialogue %s\n"
	    "meeting 7\n"
	    "minutes -\n"
	    "feed detente/%s/%s 3 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"
	    "feed detente/%s/%s 12 //////////////////////////////////////////8=\n",
	    "1111111111111111111111111111111111111111111111111111111111111111",
	    "1111111111111111111111111111111111111111111111111111111111111111",
	    "2222222222222222222222222222222222222222222222222222222222222222",
	    "1111111111111111111111111111111111111111111111111111111111111111",
	    "3333333333333333333333333333333333333333333333333333333333333333");
	assert_string_equal(t, want);
	assert_int_equal(len, strlen(want));
	assert_int_equal(seal_text_parse(&p, t, len), 0);
	assert_memory_equal(p.dialogue, s.dialogue, 32);
	assert_int_equal(p.meeting, 7);
	assert_int_equal(p.has_minutes, 0);
	assert_int_equal(p.nfeeds, 2);
	assert_memory_equal(p.feeds, f, sizeof f);
	seal_text_done(&p);

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *at = strstr(t, bad[i][0]), buf[1100];

		assert_non_null(at);
		snprintf(buf, sizeof buf, "%.*s%s%s", (int)(at - t), t,
		    bad[i][1], at + strlen(bad[i][0]));
		if (seal_text_parse(&p, buf, strlen(buf)) == 0)
			fail_msg("accepted bad text %zu:\n%s", i, buf);
	}
	/* feeds out of order, twice, or none; a trailing line; no "\n" */
	{
		char *f1 = strstr(t, "feed "), *f2 = strstr(f1 + 1, "feed ");
		char buf[1100];

		snprintf(buf, sizeof buf, "%.*s%s%.*s", (int)(f1 - t), t, f2,
		    (int)(f2 - f1), f1);
		assert_int_equal(seal_text_parse(&p, buf, strlen(buf)),
		    DT_EFORMAT);
		snprintf(buf, sizeof buf, "%.*s%s%s", (int)(f2 - t), t, f2, f2);
		assert_int_equal(seal_text_parse(&p, buf, strlen(buf)),
		    DT_EFORMAT);
		assert_int_equal(seal_text_parse(&p, t, (size_t)(f1 - t)),
		    DT_EFORMAT);
		snprintf(buf, sizeof buf, "%sextra\n", t);
		assert_int_equal(seal_text_parse(&p, buf, strlen(buf)),
		    DT_EFORMAT);
		assert_int_equal(seal_text_parse(&p, t, len - 1), DT_EFORMAT);
	}
	/* with minutes */
	s.has_minutes = 1;
	memset(s.minutes, 0xab, 32);
	free(t);
	assert_int_equal(seal_text_format(&t, &len, &s), 0);
	assert_non_null(x = strstr(t, "minutes abababab"));
	assert_int_equal(seal_text_parse(&p, t, len), 0);
	assert_int_equal(p.has_minutes, 1);
	assert_memory_equal(p.minutes, s.minutes, 32);
	seal_text_done(&p);
	free(t);
	/* the writer refuses what the reader would */
	f[1].size = 0;
	assert_int_equal(seal_text_format(&t, &len, &s), DT_EINVAL);
	f[1].size = 1;
	memset(f[1].author, 0x22, 32);
	assert_int_equal(seal_text_format(&t, &len, &s), DT_EINVAL);
	s.nfeeds = 0;
	assert_int_equal(seal_text_format(&t, &len, &s), DT_EINVAL);
}

/* --- proposing, cosigning, status ---------------------------------------- */

/* The heads' verifiers, as any signed-note verifier would be given. */
static size_t
verifiers(note_verifier *v, char names_[][NOTE_ORIGIN_BYTES], record *r,
    const int *who, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		seal_key_name(names_[i], record_id(r), id[who[i]]->pk);
		v[i].name = names_[i];
		memcpy(v[i].pk, id[who[i]]->pk, 32);
	}
	return n;
}

/* propose, then append; returns the note. */
static char *
propose(record *r, int who, uint64_t meeting, size_t *len)
{
	char *n = NULL;

	assert_int_equal(seal_propose(&n, len, r, id[who], meeting, NULL), 0);
	assert_int_equal(seal_append(r, id[who], meeting, n, *len, NULL), 0);
	return n;
}

static void
cosign(record *r, int who, uint64_t meeting)
{
	char *n = NULL, why[200];
	size_t len;

	assert_int_equal(seal_cosign(&n, &len, r, id[who], meeting, why,
	    sizeof why), 0);
	assert_int_equal(seal_append(r, id[who], meeting, n, len, NULL), 0);
	free(n);
}

static void
test_two_parties(void **state)
{
	char *dir, *n, why[200], vn[2][NOTE_ORIGIN_BYTES];
	record *r = make_dialogue(&dir, 0);
	static const int heads[] = { RU_HEAD, US_HEAD };
	note_verifier v[2];
	record_failure f;
	record_stats st;
	seal_info si;
	seal_text s;
	const char *text;
	note_sig sigs[NOTE_SIGS_MAX];
	size_t len, textlen, nsigs;
	uint64_t mask, *ms, last;
	size_t nm;

	(void)state;
	assert_int_equal(record_append(r, id[RU_DEL], ENTRY_K_NOTE, note, NULL,
	    NULL), 0);
	assert_int_equal(record_append(r, id[US_HEAD], ENTRY_K_NOTE, note,
	    NULL, NULL), 0);
	assert_int_equal(seal_info_get(&si, r, 1), DT_ENOENT);
	/* a delegate proposes nothing */
	assert_int_equal(seal_propose(&n, &len, r, id[RU_DEL], 1, NULL),
	    DT_EMEMBER);
	n = propose(r, RU_HEAD, 1, &len);
	/* the text lists the three feeds, as the record held them */
	assert_int_equal(note_open(&text, &textlen, sigs, &nsigs, n, len), 0);
	assert_int_equal(nsigs, 1);
	assert_int_equal(seal_text_parse(&s, text, textlen), 0);
	assert_int_equal(s.nfeeds, 3);
	assert_int_equal(s.meeting, 1);
	seal_text_done(&s);
	/* a delegate cannot store a seal even with a head's note */
	assert_int_equal(seal_append(r, id[RU_DEL], 1, n, len, NULL),
	    DT_EMEMBER);
	free(n);
	n = NULL;

	assert_int_equal(seal_info_get(&si, r, 1), 0);
	assert_int_equal(si.complete, 0);
	assert_int_equal(si.nheads, 2);
	assert_string_equal(si.heads[0].party, "RU");
	assert_int_equal(si.heads[0].state, SEAL_SIGNED);
	assert_int_equal(si.heads[1].state, SEAL_MISSING);
	assert_int_equal(si.nentries, 1);
	seal_info_done(&si);
	/* the proposer cannot cosign its own seal */
	assert_int_equal(seal_cosign(&n, &len, r, id[RU_HEAD], 1, why,
	    sizeof why), DT_EEXIST);
	assert_null(n);
	assert_int_equal(seal_cosign(&n, &len, r, id[RU_DEL], 1, why,
	    sizeof why), DT_EMEMBER);
	assert_int_equal(seal_cosign(&n, &len, r, id[US_HEAD], 2, why,
	    sizeof why), DT_ENOENT);

	cosign(r, US_HEAD, 1);
	assert_int_equal(seal_info_get(&si, r, 1), 0);
	assert_int_equal(si.complete, 1);
	assert_int_equal(si.nsigned, 2);
	assert_int_equal(si.heads[1].state, SEAL_SIGNED);
	assert_int_equal(si.nentries, 2);
	/* the plain signed-note verifier, given the heads' keys, agrees */
	verifiers(v, vn, r, heads, 2);
	assert_int_equal(note_verify(si.note, si.notelen, v, 2, &mask), 0);
	assert_int_equal(mask, 3);
	seal_info_done(&si);
	assert_int_equal(seal_cosign(&n, &len, r, id[US_HEAD], 1, why,
	    sizeof why), DT_EEXIST);
	assert_int_equal(record_verify(r, RECORD_VERIFY_KEY, &st, &f), 0);
	assert_int_equal(seal_meetings(&ms, &nm, &last, r), 0);
	assert_int_equal(nm, 1);
	assert_int_equal(ms[0], 1);
	assert_int_equal(last, 1);
	free(ms);
	record_close(r);
	tu_rmtree(dir);
}

static void
test_three_parties(void **state)
{
	char *dir, *n, vn[3][NOTE_ORIGIN_BYTES];
	record *r = make_dialogue(&dir, 1);
	static const int heads[] = { RU_HEAD, US_HEAD, CN_HEAD };
	note_verifier v[3];
	record_failure f;
	record_stats st;
	seal_info si;
	size_t len;
	uint64_t mask;

	(void)state;
	assert_int_equal(record_append(r, id[CN_HEAD], ENTRY_K_NOTE, note,
	    NULL, NULL), 0);
	n = propose(r, US_HEAD, 4, &len);
	free(n);
	cosign(r, RU_HEAD, 4);
	assert_int_equal(seal_info_get(&si, r, 4), 0);
	assert_int_equal(si.complete, 0);
	assert_int_equal(si.nsigned, 2);
	assert_int_equal(si.heads[2].state, SEAL_MISSING);
	assert_string_equal(si.heads[2].party, "CN");
	verifiers(v, vn, r, heads, 3);
	/* two of three signatures: a verifier sees two bits, not three */
	assert_int_equal(note_verify(si.note, si.notelen, v, 3, &mask), 0);
	assert_int_equal(mask, 3);
	seal_info_done(&si);
	cosign(r, CN_HEAD, 4);
	assert_int_equal(seal_info_get(&si, r, 4), 0);
	assert_int_equal(si.complete, 1);
	assert_int_equal(note_verify(si.note, si.notelen, v, 3, &mask), 0);
	assert_int_equal(mask, 7);
	seal_info_done(&si);
	assert_int_equal(record_verify(r, RECORD_VERIFY_KEY, &st, &f), 0);
	record_close(r);
	tu_rmtree(dir);
}

/*
 * US and CN each cosign the proposal on their own (as on two laptops):
 * every head has signed, in two entries; a cosign by any head joins them.
 */
static void
test_join(void **state)
{
	char *dir, *n, *c1 = NULL, *c2 = NULL, why[200];
	record *r = make_dialogue(&dir, 1);
	record_failure f;
	record_stats st;
	seal_info si;
	size_t len, l1, l2;
	char name[NOTE_ORIGIN_BYTES];

	(void)state;
	n = propose(r, RU_HEAD, 2, &len);
	seal_key_name(name, record_id(r), id[US_HEAD]->pk);
	assert_int_equal(note_cosign(&c1, &l1, n, len, id[US_HEAD], name), 0);
	seal_key_name(name, record_id(r), id[CN_HEAD]->pk);
	assert_int_equal(note_cosign(&c2, &l2, n, len, id[CN_HEAD], name), 0);
	assert_int_equal(seal_append(r, id[US_HEAD], 2, c1, l1, NULL), 0);
	assert_int_equal(seal_append(r, id[CN_HEAD], 2, c2, l2, NULL), 0);
	assert_int_equal(seal_info_get(&si, r, 2), 0);
	assert_int_equal(si.complete, 0);
	assert_int_equal(si.nsigned, 3);
	assert_int_equal(si.note_signed, 2);
	seal_info_done(&si);
	free(n);
	n = NULL;
	assert_int_equal(seal_cosign(&n, &len, r, id[US_HEAD], 2, why,
	    sizeof why), 0);
	assert_int_equal(seal_append(r, id[US_HEAD], 2, n, len, NULL), 0);
	free(n);
	assert_int_equal(seal_info_get(&si, r, 2), 0);
	assert_int_equal(si.complete, 1);
	seal_info_done(&si);
	assert_int_equal(record_verify(r, 0, &st, &f), 0);
	free(c1);
	free(c2);
	record_close(r);
	tu_rmtree(dir);
}

/* A seal note with feed i's root or size changed, signed by who. */
static char *
crafted(record *r, int who, int feed, uint64_t size, int flip, size_t *len)
{
	char *n = NULL, *t = NULL, name[NOTE_ORIGIN_BYTES];
	note_sig sigs[NOTE_SIGS_MAX];
	const char *text;
	size_t textlen, nsigs, tlen;
	seal_text s;

	assert_int_equal(seal_propose(&n, len, r, id[who], 1, NULL), 0);
	assert_int_equal(note_open(&text, &textlen, sigs, &nsigs, n, *len), 0);
	assert_int_equal(seal_text_parse(&s, text, textlen), 0);
	assert_true((size_t)feed < s.nfeeds);
	if (size != 0)
		s.feeds[feed].size = size;
	if (flip)
		s.feeds[feed].root[0] ^= 0x01;
	assert_int_equal(seal_text_format(&t, &tlen, &s), 0);
	seal_text_done(&s);
	free(n);
	seal_key_name(name, record_id(r), id[who]->pk);
	assert_int_equal(note_sign(&n, len, t, tlen, id[who], name), 0);
	free(t);
	return n;
}

static void
test_refused(void **state)
{
	char *dir, *n, *c = NULL, why[200], name[NOTE_ORIGIN_BYTES];
	record *r = make_dialogue(&dir, 0);
	record_failure f;
	record_stats st;
	size_t len, clen;

	(void)state;
	assert_int_equal(record_append(r, id[RU_DEL], ENTRY_K_NOTE, note, NULL,
	    NULL), 0);
	assert_int_equal(record_append(r, id[RU_DEL], ENTRY_K_NOTE, note, NULL,
	    NULL), 0);
	/* feeds sorted by key: find ru-del's place */
	{
		int del = memcmp(id[RU_DEL]->pk, id[RU_HEAD]->pk, 32) < 0 ? 0 : 1;

		/* a wrong root: the cosigner refuses, so does the record */
		n = crafted(r, RU_HEAD, del, 0, 1, &len);
		assert_int_equal(seal_check_replica(r, n, len, why, sizeof why),
		    DT_EHASH);
		assert_non_null(strstr(why, "ru-del"));
		assert_int_equal(seal_append(r, id[RU_HEAD], 1, n, len, NULL),
		    DT_EHASH);
		free(n);
		/* listed beyond what this replica holds */
		n = crafted(r, RU_HEAD, del, 5, 0, &len);
		assert_int_equal(seal_check_replica(r, n, len, why, sizeof why),
		    DT_ESTATE);
		assert_non_null(strstr(why, "ru-del"));
		assert_int_equal(seal_append(r, id[RU_HEAD], 1, n, len, NULL),
		    DT_EREF);
		free(n);
		/* a smaller size, with the whole feed's root: refused */
		n = crafted(r, RU_HEAD, del, 1, 0, &len);
		assert_int_equal(seal_check_replica(r, n, len, why, sizeof why),
		    DT_EHASH);
		free(n);
	}
	/* the author's own signature must be on its seal entry */
	n = propose(r, RU_HEAD, 1, &len);
	assert_int_equal(seal_append(r, id[US_HEAD], 1, n, len, NULL), DT_ESIG);
	/* a head's bad signature line */
	seal_key_name(name, record_id(r), id[US_HEAD]->pk);
	assert_int_equal(note_cosign(&c, &clen, n, len, id[US_HEAD], name), 0);
	c[clen - 10] = c[clen - 10] == 'A' ? 'B' : 'A';
	assert_int_equal(seal_append(r, id[US_HEAD], 1, c, clen, NULL),
	    DT_ESIG);
	free(c);
	/* another meeting in the payload than in the text */
	assert_int_equal(note_cosign(&c, &clen, n, len, id[US_HEAD], name), 0);
	assert_int_equal(seal_append(r, id[US_HEAD], 2, c, clen, NULL),
	    DT_EFORMAT);
	assert_int_equal(seal_append(r, id[US_HEAD], 1, c, clen, NULL), 0);
	free(c);
	free(n);
	/* a seal for another dialogue */
	{
		seal_text s;
		seal_feed fd;
		char *t;
		size_t tlen;

		memset(&s, 0, sizeof s);
		memset(&fd, 0, sizeof fd);
		memset(s.dialogue, 0x77, 32);
		s.meeting = 1;
		memcpy(fd.author, id[RU_HEAD]->pk, 32);
		fd.size = 1;
		s.feeds = &fd;
		s.nfeeds = 1;
		assert_int_equal(seal_text_format(&t, &tlen, &s), 0);
		seal_key_name(name, record_id(r), id[RU_HEAD]->pk);
		assert_int_equal(note_sign(&n, &len, t, tlen, id[RU_HEAD],
		    name), 0);
		assert_int_equal(seal_check_replica(r, n, len, why,
		    sizeof why), DT_EDIALOGUE);
		assert_int_equal(seal_append(r, id[RU_HEAD], 1, n, len, NULL),
		    DT_EDIALOGUE);
		free(n);
		free(t);
	}
	assert_int_equal(seal_append(r, id[RU_HEAD], 1, "junk", 4, NULL),
	    DT_EFORMAT);
	assert_int_equal(record_verify(r, RECORD_VERIFY_KEY, &st, &f), 0);
	record_close(r);
	tu_rmtree(dir);
}

/* --- invalid seals ---------------------------------------------------------- */

/*
 * slip() - store a seal entry by who for meeting with note, past every
 * rule (as a damaged or hostile store would hold it), with its indexes;
 * the entry's own signature holds, and it references every other feed's
 * newest entry, as a writer's entry does.  hash gets its leaf hash.
 */
static void
slip(record *r, int who, uint64_t meeting, const char *n, size_t len,
    unsigned char hash[32])
{
	store_head hd, *heads = NULL;
	store_txn *t;
	entry_draft d;
	entry_ref refs[NIDS];
	entry e;
	json_t *p;
	char *text;
	unsigned char *b;
	size_t blen, nh, i;
	unsigned nrefs = 0;
	uint64_t clock = 0;

	p = json_pack("{s:i,s:I,s:s%}", "v", 1, "meeting",
	    (json_int_t)meeting, "note", n, len);
	assert_non_null(p);
	text = payload_dump(p);
	assert_non_null(text);
	assert_int_equal(store_txn_begin(&t, record_store(r), 1), 0);
	assert_int_equal(store_heads(&heads, &nh, t), 0);
	assert_true(nh <= NIDS);
	for (i = 0; i < nh; i++) {
		if (heads[i].clock > clock)
			clock = heads[i].clock;
		if (memcmp(heads[i].author, id[who]->pk, 32) == 0)
			continue;
		memcpy(refs[nrefs].author, heads[i].author, 32);
		refs[nrefs].seq = heads[i].next_seq - 1;
		memcpy(refs[nrefs].hash, heads[i].hash, 32);
		nrefs++;
	}
	free(heads);
	memset(&hd, 0, sizeof hd);
	(void)store_head_get(&hd, t, id[who]->pk);
	memset(&d, 0, sizeof d);
	d.kind = ENTRY_K_SEAL;
	d.dialogue = record_id(r);
	d.seq = hd.next_seq;
	d.clock = clock + 1;
	d.time_ms = 1;
	d.prev = hd.next_seq > 0 ? hd.hash : NULL;
	d.refs = refs;
	d.nrefs = nrefs;
	d.payload = (const unsigned char *)text;
	d.payload_len = strlen(text);
	assert_int_equal(entry_build(&b, &blen, &d, id[who]), 0);
	assert_int_equal(entry_parse(&e, b, blen), 0);
	entry_hash(hash, b, blen);
	assert_int_equal(store_put(t, &e, hash), 0);
	assert_int_equal(store_txn_commit(t), 0);
	free(b);
	payload_free(text);
	json_decref(p);
}

/* flip() - change one base64 character of who's signature line in n. */
static void
flip(record *r, char *n, int who)
{
	char name[NOTE_ORIGIN_BYTES], *at;

	seal_key_name(name, record_id(r), id[who]->pk);
	at = strstr(n, name);
	assert_non_null(at);
	at += strlen(name) + 1 + 20; /* into the signature, past the key id */
	*at = *at == 'A' ? 'B' : 'A';
}

/*
 * A seal entry with a bad signature line: on its own (a head left with
 * only a bad signature), seal_info_get() says invalid; beside a complete
 * seal, only seal_info_check() finds it, and the seal is then invalid,
 * not complete.  A sound seal passes seal_info_check().
 */
static void
test_invalid(void **state)
{
	char *dir, *n, *c = NULL, hex[65], name[NOTE_ORIGIN_BYTES];
	record *r = make_dialogue(&dir, 0);
	unsigned char h[32];
	record_failure f;
	record_stats st;
	seal_info si;
	size_t len, clen;

	(void)state;
	assert_int_equal(record_append(r, id[RU_DEL], ENTRY_K_NOTE, note, NULL,
	    NULL), 0);
	n = propose(r, RU_HEAD, 1, &len);
	assert_int_equal(seal_info_get(&si, r, 1), 0);
	assert_int_equal(seal_info_check(&si, r), 0);
	assert_int_equal(si.invalid, 0);
	assert_int_equal(seal_info_state(&si), SEAL_STATE_INCOMPLETE);
	assert_string_equal(seal_state_name(seal_info_state(&si)),
	    "incomplete");
	seal_info_done(&si);

	/* us-head's cosignature, with its own line bad */
	seal_key_name(name, record_id(r), id[US_HEAD]->pk);
	assert_int_equal(note_cosign(&c, &clen, n, len, id[US_HEAD], name), 0);
	flip(r, c, US_HEAD);
	slip(r, US_HEAD, 1, c, clen, h);
	assert_int_equal(record_verify(r, 0, &st, &f), DT_ESIG);
	assert_int_equal(seal_info_get(&si, r, 1), 0);
	assert_int_equal(si.heads[1].state, SEAL_BAD);
	assert_int_equal(si.invalid, 1);
	assert_int_equal(si.complete, 0);
	assert_int_equal(seal_info_state(&si), SEAL_STATE_INVALID);
	assert_non_null(strstr(si.why, "US"));
	assert_int_equal(seal_info_check(&si, r), 0);
	assert_int_equal(si.invalid, 1);
	seal_info_done(&si);
	free(c);
	free(n);
	record_close(r);
	tu_rmtree(dir);

	/* a complete seal, then an entry with ru-head's line bad */
	r = make_dialogue(&dir, 0);
	assert_int_equal(record_append(r, id[RU_DEL], ENTRY_K_NOTE, note, NULL,
	    NULL), 0);
	n = propose(r, RU_HEAD, 1, &len);
	free(n);
	cosign(r, US_HEAD, 1);
	assert_int_equal(seal_info_get(&si, r, 1), 0);
	assert_int_equal(si.complete, 1);
	assert_int_equal(seal_info_check(&si, r), 0);
	assert_int_equal(si.invalid, 0);
	assert_int_equal(si.complete, 1);
	assert_int_equal(seal_info_state(&si), SEAL_STATE_COMPLETE);
	c = strdup(si.note);
	clen = si.notelen;
	seal_info_done(&si);
	assert_non_null(c);
	flip(r, c, RU_HEAD);
	slip(r, US_HEAD, 1, c, clen, h);
	free(c);
	assert_int_equal(record_verify(r, 0, &st, &f), DT_ESIG);
	assert_memory_equal(f.hash, h, 32);
	assert_int_equal(seal_info_get(&si, r, 1), 0);
	/* the complete entry alone still reads complete ... */
	assert_int_equal(si.complete, 1);
	assert_int_equal(si.invalid, 0);
	/* ... until every seal entry of the meeting is checked */
	assert_int_equal(seal_info_check(&si, r), 0);
	assert_int_equal(si.invalid, 1);
	assert_int_equal(si.complete, 0);
	assert_int_equal(seal_info_state(&si), SEAL_STATE_INVALID);
	key_hex(hex, h, 32);
	hex[8] = '\0';
	assert_non_null(strstr(si.why, hex));
	assert_non_null(strstr(si.why, "head of RU does not verify"));
	seal_info_done(&si);
	/* another meeting's seal entries are not this one's */
	assert_int_equal(seal_info_get(&si, r, 2), DT_ENOENT);
	record_close(r);
	tu_rmtree(dir);
}

/* --- the vector ------------------------------------------------------------ */

/* A value of a vector file, "\\n" unescaped; malloc'd. */
static char *
vec(const char *file, const char *name, size_t *len)
{
	char *v = tu_vector(file, name), *o, *i;

	if (v == NULL)
		fail_msg("%s: no %s (is DETENTE_VECTORS set?)", file, name);
	for (i = o = v; *i != '\0'; i++) {
		if (i[0] == '\\' && i[1] == 'n') {
			*o++ = '\n';
			i++;
		} else {
			*o++ = *i;
		}
	}
	*o = '\0';
	if (len != NULL)
		*len = (size_t)(o - v);
	return v;
}

static void
vec_hex(unsigned char *out, size_t n, const char *file, const char *name)
{
	char *v = vec(file, name, NULL);

	assert_int_equal(key_unhex(out, n, v), 0);
	free(v);
}

/*
 * tests/vectors/seal.txt, written by an independent script: the library
 * builds the same text from entries.txt, signs and cosigns it to the same
 * bytes, writes the same verifier keys, and reads it back.
 */
static void
test_vector(void **state)
{
	static const char *const hn[2] = { "ru_head", "us_head" };
	unsigned char seed[32], leaves[3 * 32], pk[2][32];
	char *want, *n1 = NULL, *n2 = NULL, *t = NULL, name[NOTE_ORIGIN_BYTES];
	char vk[SEAL_VKEY_BYTES], vn[2][NOTE_ORIGIN_BYTES], field[64];
	key_identity *h[2] = { NULL, NULL };
	note_verifier v[2];
	seal_feed f[2];
	seal_text s, p;
	size_t len, l1, l2, wl;
	uint64_t mask;
	int i, a;

	(void)state;
	memset(&s, 0, sizeof s);
	vec_hex(s.dialogue, 32, "seal.txt", "dialogue_id");
	vec_hex(leaves, 32, "entries.txt", "dialogue_id");
	assert_memory_equal(leaves, s.dialogue, 32);
	s.meeting = 1;
	s.has_minutes = 1;
	crypto_hash_sha256(s.minutes, (const unsigned char *)
	    "minutes of meeting 1\n", 21);
	vec_hex(leaves, 32, "seal.txt", "minutes_sha256");
	assert_memory_equal(leaves, s.minutes, 32);
	for (i = 0; i < 2; i++) {
		snprintf(field, sizeof field, "seed_%s", hn[i]);
		vec_hex(seed, 32, "entries.txt", field);
		assert_int_equal(key_identity_from_seed(&h[i], "x", seed), 0);
		memcpy(pk[i], h[i]->pk, 32);
	}
	/* ru-head: genesis, wrap, note_ru; us-head: note_us */
	vec_hex(leaves, 32, "entries.txt", "genesis_hash");
	vec_hex(leaves + 32, 32, "entries.txt", "wrap_hash");
	vec_hex(leaves + 64, 32, "entries.txt", "note_ru_hash");
	memset(f, 0, sizeof f);
	a = memcmp(pk[0], pk[1], 32) < 0 ? 0 : 1;
	memcpy(f[a].author, pk[0], 32);
	f[a].size = 3;
	assert_int_equal(merkle_root(f[a].root, leaves, 3), 0);
	memcpy(f[1 - a].author, pk[1], 32);
	f[1 - a].size = 1;
	vec_hex(f[1 - a].root, 32, "entries.txt", "note_us_hash");
	vec_hex(leaves, 32, "seal.txt", "feed_root_ru_head");
	assert_memory_equal(leaves, f[a].root, 32);
	s.feeds = f;
	s.nfeeds = 2;

	assert_int_equal(seal_text_format(&t, &len, &s), 0);
	want = vec("seal.txt", "seal_text", &wl);
	assert_int_equal(len, wl);
	assert_memory_equal(t, want, wl);
	free(want);
	assert_int_equal(seal_text_parse(&p, t, len), 0);
	assert_int_equal(p.nfeeds, 2);
	assert_memory_equal(p.feeds, f, sizeof f);
	seal_text_done(&p);

	seal_key_name(name, s.dialogue, pk[0]);
	assert_int_equal(note_sign(&n1, &l1, t, len, h[0], name), 0);
	want = vec("seal.txt", "seal_note_ru", &wl);
	assert_int_equal(l1, wl);
	assert_memory_equal(n1, want, wl);
	free(want);
	seal_key_name(name, s.dialogue, pk[1]);
	assert_int_equal(note_cosign(&n2, &l2, n1, l1, h[1], name), 0);
	want = vec("seal.txt", "seal_note", &wl);
	assert_int_equal(l2, wl);
	assert_memory_equal(n2, want, wl);
	free(want);
	for (i = 0; i < 2; i++) {
		snprintf(field, sizeof field, "keyname_%s", hn[i]);
		want = vec("seal.txt", field, NULL);
		seal_key_name(vn[i], s.dialogue, pk[i]);
		assert_string_equal(vn[i], want);
		free(want);
		snprintf(field, sizeof field, "vkey_%s", hn[i]);
		want = vec("seal.txt", field, NULL);
		seal_vkey(vk, s.dialogue, pk[i]);
		assert_string_equal(vk, want);
		free(want);
		v[i].name = vn[i];
		memcpy(v[i].pk, pk[i], 32);
	}
	assert_int_equal(note_verify(n2, l2, v, 2, &mask), 0);
	assert_int_equal(mask, 3);
	assert_int_equal(note_verify(n1, l1, v, 2, &mask), 0);
	assert_int_equal(mask, 1);
	for (i = 0; i < 2; i++)
		key_identity_free(h[i]);
	free(t);
	free(n1);
	free(n2);
}

/*
 * A seal entry whose listed root is not the record's, signed by its
 * author and stored past the rules with its indexes (as a damaged or
 * hostile store would hold it): verify, which checks seals' roots after
 * its walk from the roots cache the walk fed, fails naming that entry.
 */
static void
test_verify_wrong_root(void **state)
{
	char *dir, *n;
	record *r = make_dialogue(&dir, 0);
	record_failure f;
	record_stats st;
	store_head hd;
	store_txn *t = NULL;
	unsigned char eh[32];
	size_t len, i;
	int del;

	(void)state;
	for (i = 0; i < 3; i++)
		assert_int_equal(record_append(r, id[RU_DEL], ENTRY_K_NOTE,
		    note, NULL, NULL), 0);
	assert_int_equal(record_verify(r, 0, &st, &f), 0);
	del = memcmp(id[RU_DEL]->pk, id[RU_HEAD]->pk, 32) < 0 ? 0 : 1;
	n = crafted(r, RU_HEAD, del, 0, 1, &len);
	assert_int_equal(store_txn_begin(&t, record_store(r), 0), 0);
	assert_int_equal(store_head_get(&hd, t, id[RU_HEAD]->pk), 0);
	store_txn_abort(t);
	slip(r, RU_HEAD, 1, n, len, eh);
	assert_int_equal(record_verify(r, 0, &st, &f), DT_EHASH);
	assert_int_equal(f.has_entry, 1);
	assert_memory_equal(f.author, id[RU_HEAD]->pk, 32);
	assert_int_equal(f.seq, hd.next_seq);
	assert_memory_equal(f.hash, eh, 32);
	assert_non_null(strstr(f.detail, "with a root that is not this "
	    "record's"));
	free(n);
	record_close(r);
	tu_rmtree(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_two_parties),
		cmocka_unit_test(test_three_parties),
		cmocka_unit_test(test_join),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_verify_wrong_root),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_vector),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, setup, teardown);
}
