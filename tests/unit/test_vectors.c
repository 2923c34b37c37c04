/*
 * test_vectors.c: tests/vectors/entries.txt, computed by the library,
 * and tests/vectors/payloads.txt, what payload_parse() accepts.
 *
 *   test_vectors --print   print entries.txt as the library computes it
 *   test_vectors           check that the library reproduces, byte for
 *                          byte, every value in entries.txt, and that the
 *                          entries parse, verify, decrypt and obey the
 *                          record's rules; of the clock rule's four
 *                          candidates, only clock_exact does
 *
 * The inputs are fixed (two heads' seeds, a time, the dialogue key and
 * the nonces), so every value is deterministic except the two sealed
 * boxes of the key wrap: crypto_box_seal() draws an ephemeral key.  So
 * the boxes are read from the existing entries.txt (in $DETENTE_VECTORS),
 * and --print keeps them when they still open; only when they do not (the
 * genesis, and so the dialogue id, changed) are new ones sealed.  Since
 * --print reads the old file, write to a temporary file and move it:
 *   DETENTE_VECTORS=tests/vectors tests/unit/test_vectors --print \
 *       >/tmp/entries.txt && mv /tmp/entries.txt tests/vectors/entries.txt
 * docs/FORMAT.md ("Test vectors") describes the file.
 */
#include "test_util.h"

#include <jansson.h>
#include <sodium.h>

#include "../../crypto/err.h"
#include "../../crypto/keys.h"
#include "../../crypto/wrap.h"
#include "../../storage/entry.h"
#include "../../storage/msig.h"
#include "../../storage/payload.h"
#include "../../storage/record.h"
#include "../../storage/store.h"

#define VEC_FILE "entries.txt"
#define TIME_MS 1767225600000ULL
#define TITLE "Российско-американский экспертный диалог по МИБ"
#define NOTE_RU_RU "Стороны обсудили восстановление каналов связи между " \
	"центрами по уменьшению ядерной опасности."
#define NOTE_RU_EN "The sides discussed restoring the communication " \
	"channels between the Nuclear Risk Reduction Centers."
#define NOTE_US_EN "The U.S. side will table a draft agreement on " \
	"preventing incidents in the information space."
#define NOTE_US_RU "Американская сторона внесёт проект соглашения о " \
	"предотвращении инцидентов в информационном пространстве."
#define CLOCK_EN "The clock of this note is one more than the greatest " \
	"clock it builds on."
#define CLOCK_RU "Часы этой записи на единицу больше наибольших часов " \
	"записей, на которые она опирается."
#define BOX_B64_LEN \
	sodium_base64_ENCODED_LEN(WRAP_BOX_BYTES, \
	    sodium_base64_VARIANT_ORIGINAL)

enum { RU, US, NHEADS };
static const char *const head_name[NHEADS] = { "ru-head", "us-head" };
static const char *const head_party[NHEADS] = { "RU", "US" };
static const char *const head_tag[NHEADS] = { "ru_head", "us_head" };

/*
 * The clock rule's vectors: candidates for ru-head's seq 3, a note after
 * note_ru (clock 3) that refers to note_us (clock 4), so its clock must
 * be exactly 5.  Each is checked together with the four entries.
 */
enum { CLK_EXACT, CLK_LOW, CLK_HIGH, CLK_MAX, NCLK };
static const char *const clk_tag[NCLK] = { "clock_exact", "clock_low",
	"clock_high", "clock_max" };
static const uint64_t clk_value[NCLK] = { 5, 4, 6, UINT64_MAX };
static const char *const clk_what[NCLK] = {
	"exactly one more than note_us's 4: passes",
	"4, equal to note_us's: fails (DT_ECLOCK, expected 5)",
	"6, one too high: fails (DT_ECLOCK, expected 5)",
	"18446744073709551615 (2^64 - 1): fails (DT_ECLOCK, expected 5)",
};

/* --- the computed vector file: comments and "name = value" lines ------- */

#define VS_MAX 160

typedef struct vline {
	char *name; /* NULL: a comment line (value is its text) */
	char *value;
} vline;

typedef struct vset {
	size_t n;
	vline v[VS_MAX];
} vset;

static void
vs_add(vset *vs, const char *name, char *value)
{
	if (vs->n == VS_MAX || value == NULL) {
		fprintf(stderr, "test_vectors: out of room or memory\n");
		abort();
	}
	vs->v[vs->n].name = name != NULL ? strdup(name) : NULL;
	vs->v[vs->n].value = value;
	vs->n++;
}

static void
vs_comment(vset *vs, const char *text)
{
	vs_add(vs, NULL, strdup(text));
}

static void
vs_str(vset *vs, const char *name, const char *value)
{
	vs_add(vs, name, strdup(value));
}

static void
vs_hex(vset *vs, const char *name, const unsigned char *b, size_t n)
{
	char *h = malloc(2 * n + 1);

	if (h != NULL)
		key_hex(h, b, n);
	vs_add(vs, name, h);
}

static void
vs_u64(vset *vs, const char *name, uint64_t v)
{
	char buf[32];

	snprintf(buf, sizeof buf, "%llu", (unsigned long long)v);
	vs_str(vs, name, buf);
}

static void
vs_free(vset *vs)
{
	size_t i;

	for (i = 0; i < vs->n; i++) {
		free(vs->v[i].name);
		free(vs->v[i].value);
	}
	vs->n = 0;
}

/* --- what the library writes ------------------------------------------- */

/* The fixed inputs, and what compute() derives from them. */
typedef struct world {
	key_identity *head[NHEADS];
	unsigned char dkey[WRAP_KEY_BYTES];
	unsigned char id[ENTRY_HASH_BYTES];
	unsigned char *genesis, *wrap, *note_ru, *note_us;
	size_t genesis_len, wrap_len, note_ru_len, note_us_len;
	unsigned char *clk[NCLK];
	size_t clk_len[NCLK];
	unsigned char clk_hash[NCLK][ENTRY_HASH_BYTES];
	unsigned char box[NHEADS][WRAP_BOX_BYTES];
} world;

static void
world_free(world *w)
{
	int i;

	for (i = 0; i < NHEADS; i++)
		key_identity_free(w->head[i]);
	free(w->genesis);
	free(w->wrap);
	free(w->note_ru);
	free(w->note_us);
	for (i = 0; i < NCLK; i++)
		free(w->clk[i]);
	memset(w, 0, sizeof *w);
}

static int
die(const char *what)
{
	fprintf(stderr, "test_vectors: %s\n", what);
	return -1;
}

/*
 * The genesis payload exactly as record_create.c's genesis_payload()
 * builds it.
 */
static char *
genesis_payload(world *w)
{
	json_t *o, *parties, *members;
	char hex[2 * KEY_PK_BYTES + 1], *s = NULL;
	int i;

	parties = json_array();
	members = json_array();
	o = json_pack("{s:i,s:s,s:o,s:o}", "v", PAYLOAD_VERSION, "title",
	    TITLE, "parties", parties, "members", members);
	if (o == NULL)
		return NULL;
	for (i = 0; i < NHEADS; i++) {
		key_hex(hex, w->head[i]->pk, KEY_PK_BYTES);
		json_array_append_new(parties, json_string(head_party[i]));
		json_array_append_new(members, json_pack("{s:s,s:s,s:s,s:s}",
		    "key", hex, "name", head_name[i], "party", head_party[i],
		    "role", "head"));
	}
	if (payload_check(ENTRY_K_GENESIS, o) == 0)
		s = payload_dump(o);
	json_decref(o);
	return s;
}

/* The key-wrap payload as membership.c's record_int_wrap_payload() does. */
static char *
wrap_payload(const world *w)
{
	unsigned char kid[WRAP_KEYID_BYTES];
	char hex[2 * KEY_PK_BYTES + 1], kidhex[2 * WRAP_KEYID_BYTES + 1];
	char b64[BOX_B64_LEN];
	json_t *o, *wraps = json_array();
	char *s = NULL;
	int i;

	wrap_key_id(kid, w->dkey);
	key_hex(kidhex, kid, sizeof kid);
	o = json_pack("{s:i,s:s,s:o}", "v", PAYLOAD_VERSION, "key_id", kidhex,
	    "wraps", wraps);
	if (o == NULL)
		return NULL;
	for (i = 0; i < NHEADS; i++) {
		key_hex(hex, w->head[i]->pk, KEY_PK_BYTES);
		sodium_bin2base64(b64, sizeof b64, w->box[i], WRAP_BOX_BYTES,
		    sodium_base64_VARIANT_ORIGINAL);
		json_array_append_new(wraps, json_pack("{s:s,s:s}", "to", hex,
		    "box", b64));
	}
	if (payload_check(ENTRY_K_KEY_WRAP, o) == 0)
		s = payload_dump(o);
	json_decref(o);
	return s;
}

/* A note in two languages: the first authentic, the second a translation. */
static char *
note_payload(const char *lang1, const char *body1, const char *lang2,
    const char *body2)
{
	json_t *o;
	char *s = NULL;

	o = json_pack("{s:i,s:i,s:[{s:s,s:s,s:s},{s:s,s:s,s:s}]}",
	    "v", PAYLOAD_VERSION, "meeting", 1, "text",
	    "lang", lang1, "role", "authentic", "body", body1,
	    "lang", lang2, "role", "translation", "body", body2);
	if (o == NULL)
		return NULL;
	if (payload_check(ENTRY_K_NOTE, o) == 0)
		s = payload_dump(o);
	json_decref(o);
	return s;
}

/* A box read from the old vector file, if it still opens for head i. */
static int
old_box(world *w, int i)
{
	char name[32], *b64;
	unsigned char *key = NULL;
	size_t len = 0;
	int ok = 0;

	snprintf(name, sizeof name, "box_%s", head_tag[i]);
	if ((b64 = tu_vector(VEC_FILE, name)) == NULL)
		return 0;
	if (sodium_base642bin(w->box[i], WRAP_BOX_BYTES, b64, strlen(b64),
	    NULL, &len, NULL, sodium_base64_VARIANT_ORIGINAL) == 0 &&
	    len == WRAP_BOX_BYTES &&
	    wrap_open(&key, w->box[i], w->id, w->head[i]) == 0 &&
	    sodium_memcmp(key, w->dkey, WRAP_KEY_BYTES) == 0)
		ok = 1;
	wrap_key_free(key);
	free(b64);
	return ok;
}

/* Build one entry; the hash goes to hash, the bytes to *out. */
static int
build(unsigned char **out, size_t *len, unsigned char hash[ENTRY_HASH_BYTES],
    const entry_draft *d, const key_identity *id)
{
	if (entry_build(out, len, d, id) != 0)
		return die("entry_build failed");
	entry_hash(hash, *out, *len);
	return 0;
}

/* The parts of an entry a step-by-step implementation wants to see. */
static void
vs_entry(vset *vs, const char *tag, const unsigned char *b, size_t len,
    const unsigned char hash[ENTRY_HASH_BYTES])
{
	char name[64];
	entry e;

	if (entry_parse(&e, b, len) != 0) {
		fprintf(stderr, "test_vectors: %s does not parse\n", tag);
		abort();
	}
	if (entry_kind_is_content(e.kind)) {
		snprintf(name, sizeof name, "%s_ad", tag);
		vs_hex(vs, name, b, e.header_len);
	}
	vs_hex(vs, tag, b, len);
	snprintf(name, sizeof name, "%s_sig", tag);
	vs_hex(vs, name, e.sig, KEY_SIG_BYTES);
	snprintf(name, sizeof name, "%s_hash", tag);
	vs_hex(vs, name, hash, ENTRY_HASH_BYTES);
}

/*
 * compute() - every value of entries.txt, in file order.  The boxes come
 * from the old file when they open, else from wrap_seal() (fresh ones
 * only with allow_new: in check mode a missing box is a failure).
 */
static int
compute(vset *vs, world *w, int allow_new)
{
	unsigned char seed[KEY_SEED_BYTES], x[32], xsk[64];
	unsigned char nonce_ru[ENTRY_NONCE_BYTES], nonce_us[ENTRY_NONCE_BYTES];
	unsigned char nonce_clk[ENTRY_NONCE_BYTES];
	unsigned char h_wrap[ENTRY_HASH_BYTES], h_ru[ENTRY_HASH_BYTES];
	unsigned char h_us[ENTRY_HASH_BYTES], kid[WRAP_KEYID_BYTES];
	unsigned char plain[WRAP_PLAIN_BYTES];
	char name[64], b64[BOX_B64_LEN];
	char *gp = NULL, *wp = NULL, *np_ru = NULL, *np_us = NULL;
	char *np_clk = NULL;
	entry_draft d;
	entry_ref ref;
	int i, rc = -1;

	memset(w, 0, sizeof *w);
	vs_comment(vs, "# detente entries (docs/FORMAT.md, \"Test vectors\"), "
	    "checked by tests/unit/test_vectors.c");
	vs_comment(vs, "# and by the independent verifier "
	    "tests/tools/indep_verify.py.");
	vs_comment(vs, "# Generated by `test_vectors --print` (see its header "
	    "comment); do not edit by hand.");
	vs_comment(vs, "# Binary values are lower-case hex; base64 is the "
	    "standard alphabet with padding;");
	vs_comment(vs, "# text values (JSON payloads, UTF-8) run to the end "
	    "of the line.");
	vs_comment(vs, "# The boxes are random (crypto_box_seal), so they are "
	    "kept, not recomputed.");
	vs_comment(vs, "");
	vs_comment(vs, "# --- inputs: the two heads of delegation, the time, "
	    "the dialogue key");
	for (i = 0; i < NHEADS; i++) {
		size_t k;

		for (k = 0; k < KEY_SEED_BYTES; k++)
			seed[k] = (unsigned char)(0x20 * i + k);
		if (key_identity_from_seed(&w->head[i], head_name[i],
		    seed) != 0)
			goto out;
		snprintf(name, sizeof name, "name_%s", head_tag[i]);
		vs_str(vs, name, head_name[i]);
		snprintf(name, sizeof name, "party_%s", head_tag[i]);
		vs_str(vs, name, head_party[i]);
		snprintf(name, sizeof name, "seed_%s", head_tag[i]);
		vs_hex(vs, name, seed, sizeof seed);
		snprintf(name, sizeof name, "pk_%s", head_tag[i]);
		vs_hex(vs, name, w->head[i]->pk, KEY_PK_BYTES);
		if (crypto_sign_ed25519_pk_to_curve25519(x,
		    w->head[i]->pk) != 0 ||
		    crypto_sign_ed25519_sk_to_curve25519(xsk,
		    w->head[i]->sk) != 0)
			goto out;
		snprintf(name, sizeof name, "x25519_pk_%s", head_tag[i]);
		vs_hex(vs, name, x, sizeof x);
		snprintf(name, sizeof name, "x25519_sk_%s", head_tag[i]);
		vs_hex(vs, name, xsk, 32);
		sodium_memzero(xsk, sizeof xsk);
	}
	vs_u64(vs, "time_ms", TIME_MS);
	memset(w->dkey, 0x42, sizeof w->dkey);
	vs_hex(vs, "dialogue_key", w->dkey, sizeof w->dkey);
	wrap_key_id(kid, w->dkey);
	vs_hex(vs, "key_id", kid, sizeof kid);

	/* Genesis: ru-head's seq 0, clock 1 (as record_create() writes it). */
	vs_comment(vs, "");
	vs_comment(vs, "# --- genesis: kind 0x01, by ru-head, seq 0, clock 1, "
	    "time time_ms; its hash is the dialogue id");
	if ((gp = genesis_payload(w)) == NULL) {
		rc = die("genesis payload");
		goto out;
	}
	vs_str(vs, "genesis_payload", gp);
	memset(&d, 0, sizeof d);
	d.kind = ENTRY_K_GENESIS;
	d.clock = 1;
	d.time_ms = TIME_MS;
	d.payload = (const unsigned char *)gp;
	d.payload_len = strlen(gp);
	if (build(&w->genesis, &w->genesis_len, w->id, &d, w->head[RU]) != 0)
		goto out;
	vs_entry(vs, "genesis", w->genesis, w->genesis_len, w->id);
	vs_hex(vs, "dialogue_id", w->id, sizeof w->id);

	/* Key wrap: ru-head's seq 1, clock 2, a box for each head. */
	vs_comment(vs, "");
	vs_comment(vs, "# --- key wrap: kind 0x04, by ru-head, seq 1, clock 2, "
	    "time time_ms, no references");
	memcpy(plain, WRAP_CTX, WRAP_CTX_BYTES);
	memcpy(plain + WRAP_CTX_BYTES, w->id, sizeof w->id);
	memcpy(plain + WRAP_CTX_BYTES + sizeof w->id, w->dkey, WRAP_KEY_BYTES);
	vs_hex(vs, "wrap_plain", plain, sizeof plain);
	sodium_memzero(plain, sizeof plain);
	for (i = 0; i < NHEADS; i++) {
		if (!old_box(w, i)) {
			if (!allow_new) {
				rc = die("a box in entries.txt does not open");
				goto out;
			}
			if (wrap_seal(w->box[i], w->id, w->head[i]->pk,
			    w->dkey) != 0)
				goto out;
		}
		snprintf(name, sizeof name, "box_%s", head_tag[i]);
		sodium_bin2base64(b64, sizeof b64, w->box[i], WRAP_BOX_BYTES,
		    sodium_base64_VARIANT_ORIGINAL);
		vs_str(vs, name, b64);
	}
	if ((wp = wrap_payload(w)) == NULL) {
		rc = die("key wrap payload");
		goto out;
	}
	vs_str(vs, "wrap_payload", wp);
	memset(&d, 0, sizeof d);
	d.kind = ENTRY_K_KEY_WRAP;
	d.dialogue = w->id;
	d.seq = 1;
	d.clock = 2;
	d.time_ms = TIME_MS;
	d.prev = w->id;
	d.payload = (const unsigned char *)wp;
	d.payload_len = strlen(wp);
	if (build(&w->wrap, &w->wrap_len, h_wrap, &d, w->head[RU]) != 0)
		goto out;
	vs_entry(vs, "wrap", w->wrap, w->wrap_len, h_wrap);

	/* A note by ru-head: seq 2, clock 3; us-head has no feed yet. */
	vs_comment(vs, "");
	vs_comment(vs, "# --- note: kind 0x25, by ru-head, seq 2, clock 3, "
	    "no references");
	memset(nonce_ru, 0x24, sizeof nonce_ru);
	if ((np_ru = note_payload("ru", NOTE_RU_RU, "en", NOTE_RU_EN)) ==
	    NULL) {
		rc = die("note payload");
		goto out;
	}
	vs_u64(vs, "note_ru_time_ms", TIME_MS + 60000);
	vs_hex(vs, "note_ru_nonce", nonce_ru, sizeof nonce_ru);
	vs_str(vs, "note_ru_payload", np_ru);
	memset(&d, 0, sizeof d);
	d.kind = ENTRY_K_NOTE;
	d.dialogue = w->id;
	d.seq = 2;
	d.clock = 3;
	d.time_ms = TIME_MS + 60000;
	d.prev = h_wrap;
	d.payload = (const unsigned char *)np_ru;
	d.payload_len = strlen(np_ru);
	d.key = w->dkey;
	d.nonce = nonce_ru;
	if (build(&w->note_ru, &w->note_ru_len, h_ru, &d, w->head[RU]) != 0)
		goto out;
	vs_entry(vs, "note_ru", w->note_ru, w->note_ru_len, h_ru);

	/* A note by us-head: its seq 0, clock 4, referring to ru-head's 2. */
	vs_comment(vs, "");
	vs_comment(vs, "# --- note: kind 0x25, by us-head, seq 0, clock 4, "
	    "one reference: (ru-head, 2, note_ru_hash)");
	memset(nonce_us, 0x25, sizeof nonce_us);
	if ((np_us = note_payload("en", NOTE_US_EN, "ru", NOTE_US_RU)) ==
	    NULL) {
		rc = die("note payload");
		goto out;
	}
	vs_u64(vs, "note_us_time_ms", TIME_MS + 120000);
	vs_hex(vs, "note_us_nonce", nonce_us, sizeof nonce_us);
	vs_str(vs, "note_us_payload", np_us);
	memcpy(ref.author, w->head[RU]->pk, KEY_PK_BYTES);
	ref.seq = 2;
	memcpy(ref.hash, h_ru, ENTRY_HASH_BYTES);
	memset(&d, 0, sizeof d);
	d.kind = ENTRY_K_NOTE;
	d.dialogue = w->id;
	d.seq = 0;
	d.clock = 4;
	d.time_ms = TIME_MS + 120000;
	d.refs = &ref;
	d.nrefs = 1;
	d.payload = (const unsigned char *)np_us;
	d.payload_len = strlen(np_us);
	d.key = w->dkey;
	d.nonce = nonce_us;
	if (build(&w->note_us, &w->note_us_len, h_us, &d, w->head[US]) != 0)
		goto out;
	vs_entry(vs, "note_us", w->note_us, w->note_us_len, h_us);

	/* The clock rule: ru-head's seq 3 with four clocks (clk_tag). */
	vs_comment(vs, "");
	vs_comment(vs, "# --- the clock rule (docs/FORMAT.md section 7): "
	    "candidates for ru-head's seq 3, a note,");
	vs_comment(vs, "# prev note_ru (clock 3), one reference: (us-head, 0, "
	    "note_us_hash) (clock 4); the same");
	vs_comment(vs, "# payload, nonce and time, so they differ only in the "
	    "clock.  Each is checked together");
	vs_comment(vs, "# with the four entries above: its clock must be "
	    "exactly 5.");
	memset(nonce_clk, 0x26, sizeof nonce_clk);
	if ((np_clk = note_payload("en", CLOCK_EN, "ru", CLOCK_RU)) == NULL) {
		rc = die("note payload");
		goto out;
	}
	vs_u64(vs, "clock_time_ms", TIME_MS + 180000);
	vs_hex(vs, "clock_nonce", nonce_clk, sizeof nonce_clk);
	vs_str(vs, "clock_payload", np_clk);
	memcpy(ref.author, w->head[US]->pk, KEY_PK_BYTES);
	ref.seq = 0;
	memcpy(ref.hash, h_us, ENTRY_HASH_BYTES);
	for (i = 0; i < NCLK; i++) {
		char what[128];

		snprintf(what, sizeof what, "# %s: clock %s", clk_tag[i],
		    clk_what[i]);
		vs_comment(vs, what);
		memset(&d, 0, sizeof d);
		d.kind = ENTRY_K_NOTE;
		d.dialogue = w->id;
		d.seq = 3;
		d.clock = clk_value[i];
		d.time_ms = TIME_MS + 180000;
		d.prev = h_ru;
		d.refs = &ref;
		d.nrefs = 1;
		d.payload = (const unsigned char *)np_clk;
		d.payload_len = strlen(np_clk);
		d.key = w->dkey;
		d.nonce = nonce_clk;
		if (build(&w->clk[i], &w->clk_len[i], w->clk_hash[i], &d,
		    w->head[RU]) != 0)
			goto out;
		snprintf(name, sizeof name, "%s_clock", clk_tag[i]);
		vs_u64(vs, name, clk_value[i]);
		vs_entry(vs, clk_tag[i], w->clk[i], w->clk_len[i],
		    w->clk_hash[i]);
	}
	rc = 0;
out:
	payload_free(np_clk);
	payload_free(gp);
	payload_free(wp);
	payload_free(np_ru);
	payload_free(np_us);
	return rc;
}

static int
print_vectors(void)
{
	vset vs;
	world w;
	size_t i;
	int rc;

	memset(&vs, 0, sizeof vs);
	if ((rc = compute(&vs, &w, 1)) == 0)
		for (i = 0; i < vs.n; i++) {
			if (vs.v[i].name == NULL)
				printf("%s\n", vs.v[i].value);
			else
				printf("%s = %s\n", vs.v[i].name,
				    vs.v[i].value);
		}
	world_free(&w);
	vs_free(&vs);
	return rc == 0 && fflush(stdout) == 0 ? 0 : 1;
}

/* --- checks ------------------------------------------------------------- */

static vset computed;
static world W;

static int
setup(void **state)
{
	(void)state;
	memset(&computed, 0, sizeof computed);
	return compute(&computed, &W, 0);
}

static int
teardown(void **state)
{
	(void)state;
	world_free(&W);
	vs_free(&computed);
	return 0;
}

/* Every name = value the library computes is in the file, byte for byte. */
static void
test_values(void **state)
{
	size_t i, n = 0;
	char *want;

	(void)state;
	for (i = 0; i < computed.n; i++) {
		if (computed.v[i].name == NULL)
			continue;
		want = tu_vector(VEC_FILE, computed.v[i].name);
		if (want == NULL)
			fail_msg("%s: %s is missing", VEC_FILE,
			    computed.v[i].name);
		if (strcmp(want, computed.v[i].value) != 0)
			fail_msg("%s: %s differs:\n  file: %s\n  library: %s",
			    VEC_FILE, computed.v[i].name, want,
			    computed.v[i].value);
		free(want);
		n++;
	}
	assert_true(n > 40);
}

/* The vector bytes from the file itself (not the recomputed ones). */
static unsigned char *
vec_bytes(const char *file, const char *name, size_t *len)
{
	char *hex = tu_vector(file, name);
	unsigned char *b;

	assert_non_null(hex);
	*len = strlen(hex) / 2;
	b = malloc(*len ? *len : 1);
	assert_non_null(b);
	assert_int_equal(key_unhex(b, *len, hex), 0);
	free(hex);
	return b;
}

static unsigned char *
file_bytes(const char *name, size_t *len)
{
	return vec_bytes(VEC_FILE, name, len);
}

/* Parse, verify and open one entry of the file; compare the payload. */
static void
check_entry_bytes(const char *tag, const char *ptag, unsigned kind,
    const key_identity *author, uint64_t seq, uint64_t clock)
{
	char name[64], *want;
	unsigned char *b, *plain = NULL;
	size_t len, plen = 0, i;
	json_t *o;
	entry e;

	b = file_bytes(tag, &len);
	assert_int_equal(entry_parse(&e, b, len), 0);
	assert_int_equal(e.kind, kind);
	assert_memory_equal(e.author, author->pk, KEY_PK_BYTES);
	assert_int_equal(e.seq, seq);
	assert_int_equal(e.clock, clock);
	assert_int_equal(entry_verify_sig(&e), 0);
	assert_int_equal(entry_open(&plain, &plen, &e,
	    entry_kind_is_content(kind) ? W.dkey : NULL), 0);
	snprintf(name, sizeof name, "%s_payload", ptag);
	assert_non_null(want = tu_vector(VEC_FILE, name));
	assert_int_equal(plen, strlen(want));
	assert_memory_equal(plain, want, plen);
	assert_non_null(o = payload_parse(plain, plen));
	assert_int_equal(payload_check(kind, o), 0);
	json_decref(o);
	entry_plain_free(plain, plen);
	free(want);

	/* Every single flipped byte breaks the framing or the signature. */
	for (i = 0; i < len; i++) {
		entry f;

		b[i] ^= 0x01;
		assert_true(entry_parse(&f, b, len) != 0 ||
		    entry_verify_sig(&f) != 0);
		b[i] ^= 0x01;
	}
	free(b);
}

static void
test_entries(void **state)
{
	(void)state;
	check_entry_bytes("genesis", "genesis", ENTRY_K_GENESIS, W.head[RU],
	    0, 1);
	check_entry_bytes("wrap", "wrap", ENTRY_K_KEY_WRAP, W.head[RU], 1, 2);
	check_entry_bytes("note_ru", "note_ru", ENTRY_K_NOTE, W.head[RU], 2,
	    3);
	check_entry_bytes("note_us", "note_us", ENTRY_K_NOTE, W.head[US], 0,
	    4);
	check_entry_bytes("clock_exact", "clock", ENTRY_K_NOTE, W.head[RU], 3,
	    5);
	check_entry_bytes("clock_low", "clock", ENTRY_K_NOTE, W.head[RU], 3,
	    4);
	check_entry_bytes("clock_high", "clock", ENTRY_K_NOTE, W.head[RU], 3,
	    6);
	check_entry_bytes("clock_max", "clock", ENTRY_K_NOTE, W.head[RU], 3,
	    UINT64_MAX);
}

/* Each head's box in the file opens, with its seed, to the dialogue key. */
static void
test_boxes(void **state)
{
	unsigned char box[WRAP_BOX_BYTES], *key = NULL;
	char name[32], *b64;
	size_t len = 0;
	int i;

	(void)state;
	for (i = 0; i < NHEADS; i++) {
		snprintf(name, sizeof name, "box_%s", head_tag[i]);
		assert_non_null(b64 = tu_vector(VEC_FILE, name));
		assert_int_equal(sodium_base642bin(box, sizeof box, b64,
		    strlen(b64), NULL, &len, NULL,
		    sodium_base64_VARIANT_ORIGINAL), 0);
		assert_int_equal(len, WRAP_BOX_BYTES);
		assert_int_equal(wrap_open(&key, box, W.id, W.head[i]), 0);
		assert_memory_equal(key, W.dkey, WRAP_KEY_BYTES);
		wrap_key_free(key);
		key = NULL;
		/* the other head cannot open it */
		assert_int_equal(wrap_open(&key, box, W.id, W.head[1 - i]),
		    DT_EDECRYPT);
		free(b64);
	}
}

struct order_walk {
	int n;
	unsigned char hash[4][ENTRY_HASH_BYTES];
};

static int
order_cb(void *ctx, const unsigned char *bytes, size_t len,
    const unsigned char hash[ENTRY_HASH_BYTES])
{
	struct order_walk *ow = ctx;

	(void)bytes;
	(void)len;
	if (ow->n == 4)
		return -1;
	memcpy(ow->hash[ow->n++], hash, ENTRY_HASH_BYTES);
	return 0;
}

/*
 * The four entries, stored as they are, make a record that verifies
 * under every rule of the record, with and without the key; either head
 * unlocks it; the merged order is genesis, wrap, note_ru, note_us.
 */
static void
test_record(void **state)
{
	static const char *const tags[4] = { "genesis", "wrap", "note_ru",
		"note_us" };
	unsigned char *b[4];
	size_t len[4];
	unsigned char h[ENTRY_HASH_BYTES];
	char *dir = tu_tmpdir(), *want;
	struct order_walk ow;
	record_stats st;
	record_failure f;
	store *s = NULL;
	store_txn *t = NULL;
	record *r = NULL;
	entry e;
	int i;

	(void)state;
	assert_int_equal(store_open(&s, dir, 1), 0);
	assert_int_equal(store_txn_begin(&t, s, 1), 0);
	assert_int_equal(store_set_dialogue(t, W.id), 0);
	for (i = 0; i < 4; i++) {
		char name[32];

		b[i] = file_bytes(tags[i], &len[i]);
		assert_int_equal(entry_parse(&e, b[i], len[i]), 0);
		entry_hash(h, b[i], len[i]);
		snprintf(name, sizeof name, "%s_hash", tags[i]);
		assert_non_null(want = tu_vector(VEC_FILE, name));
		{
			char hex[2 * ENTRY_HASH_BYTES + 1];

			key_hex(hex, h, sizeof h);
			assert_string_equal(hex, want);
		}
		free(want);
		assert_int_equal(store_put(t, &e, h), 0);
	}
	assert_int_equal(store_txn_commit(t), 0);
	store_close(s);

	for (i = 0; i < NHEADS; i++) {
		assert_int_equal(record_open(&r, dir), 0);
		assert_int_equal(record_last_failure(r)->code, 0);
		assert_string_equal(record_title(r), TITLE);
		assert_int_equal(record_nmembers(r), 2);
		assert_memory_equal(record_id(r), W.id, ENTRY_HASH_BYTES);
		assert_int_equal(record_verify(r, 0, &st, &f), 0);
		assert_int_equal(st.entries, 4);
		assert_int_equal(record_unlock(r, W.head[i]), 0);
		assert_memory_equal(record_key(r), W.dkey, WRAP_KEY_BYTES);
		assert_int_equal(record_verify(r, RECORD_VERIFY_KEY, &st, &f),
		    0);
		assert_int_equal(st.entries, 4);
		assert_int_equal(st.feeds, 2);
		assert_int_equal(st.content, 2);
		assert_int_equal(st.decrypted, 2);
		record_close(r);
		r = NULL;
	}

	assert_int_equal(store_open(&s, dir, 0), 0);
	assert_int_equal(store_txn_begin(&t, s, 0), 0);
	memset(&ow, 0, sizeof ow);
	assert_int_equal(store_scan(t, NULL, 0, order_cb, &ow), 0);
	assert_int_equal(ow.n, 4);
	for (i = 0; i < 4; i++) {
		entry_hash(h, b[i], len[i]);
		assert_memory_equal(ow.hash[i], h, ENTRY_HASH_BYTES);
		free(b[i]);
	}
	store_txn_abort(t);
	store_close(s);
	tu_rmtree(dir);
}

/*
 * The clock rule's vectors: each candidate for ru-head's seq 3, stored
 * past the rules beside the four entries, makes a record that verifies
 * (clock_exact) or fails at that very entry with DT_ECLOCK, saying the
 * clock it must have (the others); the failure is found on opening too.
 */
static void
test_clock_rule(void **state)
{
	static const char *const tags[4] = { "genesis", "wrap", "note_ru",
		"note_us" };
	unsigned char h[ENTRY_HASH_BYTES];
	record_stats st;
	record_failure f;
	int i, k;

	(void)state;
	for (k = 0; k < NCLK; k++) {
		char *dir = tu_tmpdir();
		store *s = NULL;
		store_txn *t = NULL;
		record *r = NULL;
		unsigned char *b;
		size_t len;
		entry e;

		assert_int_equal(store_open(&s, dir, 1), 0);
		assert_int_equal(store_txn_begin(&t, s, 1), 0);
		assert_int_equal(store_set_dialogue(t, W.id), 0);
		for (i = 0; i < 5; i++) {
			b = file_bytes(i < 4 ? tags[i] : clk_tag[k], &len);
			assert_int_equal(entry_parse(&e, b, len), 0);
			entry_hash(h, b, len);
			assert_int_equal(store_put(t, &e, h), 0);
			free(b);
		}
		assert_memory_equal(h, W.clk_hash[k], ENTRY_HASH_BYTES);
		assert_int_equal(store_txn_commit(t), 0);
		store_close(s);

		assert_int_equal(record_open(&r, dir), 0);
		assert_int_equal(record_last_failure(r)->code,
		    k == CLK_EXACT ? 0 : DT_ECLOCK);
		assert_int_equal(record_unlock(r, W.head[US]), 0);
		memset(&f, 0, sizeof f);
		if (k == CLK_EXACT) {
			assert_int_equal(record_verify(r, RECORD_VERIFY_KEY,
			    &st, &f), 0);
			assert_int_equal(st.entries, 5);
			assert_int_equal(st.decrypted, 3);
		} else {
			assert_int_equal(record_verify(r, RECORD_VERIFY_KEY,
			    &st, &f), DT_ECLOCK);
			assert_int_equal(f.has_entry, 1);
			assert_memory_equal(f.author, W.head[RU]->pk,
			    KEY_PK_BYTES);
			assert_int_equal(f.seq, 3);
			assert_memory_equal(f.hash, W.clk_hash[k],
			    ENTRY_HASH_BYTES);
			assert_non_null(strstr(f.detail, "expected 5"));
		}
		record_close(r);
		tu_rmtree(dir);
	}

}

/*
 * faults.txt: the four entries of entries.txt and us-head's three member
 * faults make a record that verifies, with the key and without; with
 * the key the walk names the three, by hash, author, seq and reason,
 * and keeps their rows in the store.
 */
static void
test_faults(void **state)
{
	static const char *const tags[7] = { "genesis", "wrap", "note_ru",
		"note_us", "fault_decrypt", "fault_payload", "fault_kind" };
	unsigned char *b, h[ENTRY_HASH_BYTES];
	const record_fault *fv;
	char *dir = tu_tmpdir(), *want, name[40];
	record_stats st;
	record_failure f;
	store *s = NULL;
	store_txn *t = NULL;
	record *r = NULL;
	uint64_t nrows = 0;
	size_t len, n, i;
	entry e;

	(void)state;
	assert_int_equal(store_open(&s, dir, 1), 0);
	assert_int_equal(store_txn_begin(&t, s, 1), 0);
	assert_int_equal(store_set_dialogue(t, W.id), 0);
	for (i = 0; i < 7; i++) {
		b = vec_bytes(i < 4 ? VEC_FILE : "faults.txt", tags[i], &len);
		assert_int_equal(entry_parse(&e, b, len), 0);
		entry_hash(h, b, len);
		assert_int_equal(store_put(t, &e, h), 0);
		free(b);
	}
	assert_int_equal(store_txn_commit(t), 0);
	store_close(s);

	assert_int_equal(record_open(&r, dir), 0);
	assert_int_equal(record_last_failure(r)->code, 0);
	assert_int_equal(record_verify(r, 0, &st, &f), 0);
	assert_int_equal(st.entries, 7);
	assert_int_equal(st.faults, 0);
	assert_int_equal(record_unlock(r, W.head[US]), 0);
	assert_int_equal(record_verify(r, RECORD_VERIFY_KEY, &st, &f), 0);
	assert_int_equal(f.code, 0);
	assert_int_equal(st.entries, 7);
	assert_int_equal(st.decrypted, 2);
	assert_int_equal(st.faults, 3);
	fv = record_faults(r, &n);
	assert_int_equal(n, 3);
	for (i = 0; i < n; i++) {
		char hex[2 * ENTRY_HASH_BYTES + 1];

		snprintf(name, sizeof name, "%s_hash", tags[4 + i]);
		assert_non_null(want = tu_vector("faults.txt", name));
		key_hex(hex, fv[i].hash, ENTRY_HASH_BYTES);
		assert_string_equal(hex, want);
		free(want);
		snprintf(name, sizeof name, "%s_reason", tags[4 + i]);
		assert_non_null(want = tu_vector("faults.txt", name));
		assert_int_equal(fv[i].reason, atoi(want));
		free(want);
		assert_memory_equal(fv[i].author, W.head[US]->pk, KEY_PK_BYTES);
		assert_int_equal(fv[i].seq, i + 1);
		assert_int_equal(fv[i].kind, ENTRY_K_NOTE);
	}
	/* The walk kept their rows, for `evidence --faults` and the UI. */
	assert_int_equal(record_fault_scan(r, NULL, NULL, &nrows), 0);
	assert_int_equal(nrows, 3);
	record_close(r);
	tu_rmtree(dir);
}

/*
 * payloads.txt: payload_parse() accepts every accept_* value and refuses
 * every reject_* value (docs/FORMAT.md, "What a reader accepts"), among
 * them the nesting limit's edges.
 */
static void
test_payloads(void **state)
{
	FILE *f = fopen(tu_vector_path("payloads.txt"), "r");
	char *line = NULL, *eq;
	size_t cap = 0, nacc = 0, nrej = 0;
	ssize_t len;
	json_t *o;

	(void)state;
	assert_non_null(f);
	while ((len = getline(&line, &cap, f)) > 0) {
		if (line[len - 1] == '\n')
			line[--len] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		assert_non_null(eq = strstr(line, " = "));
		*eq = '\0';
		o = payload_parse((const unsigned char *)eq + 3,
		    strlen(eq + 3));
		if (strncmp(line, "accept_", 7) == 0) {
			if (o == NULL)
				fail_msg("payloads.txt: %s is refused", line);
			nacc++;
		} else if (strncmp(line, "reject_", 7) == 0) {
			if (o != NULL)
				fail_msg("payloads.txt: %s is accepted", line);
			nrej++;
		} else
			fail_msg("payloads.txt: %s: neither accept_ nor "
			    "reject_", line);
		json_decref(o);
	}
	free(line);
	fclose(f);
	assert_true(nacc >= 4 && nrej >= 4);
	assert_int_equal(PAYLOAD_DEPTH_MAX, 2048);
}

/*
 * late.txt: after the four entries of entries.txt, us-head closes meeting
 * 1 and writes a note of meeting 1 after its close (late), ru-head writes
 * a note of meeting 1 that follows us-head's close (not late: RU had not
 * closed it) and closes it.  With the key the walk names exactly the one
 * late entry, as a member fault of reason FAULT_LATE; without, none.
 */
static void
test_late(void **state)
{
	static const char *const tags[8] = { "genesis", "wrap", "note_ru",
		"note_us", "close_us", "late_us", "note_ru2", "close_ru" };
	unsigned char *b, h[ENTRY_HASH_BYTES];
	char *dir = tu_tmpdir(), *want, hex[2 * ENTRY_HASH_BYTES + 1];
	const record_fault *fv;
	record_stats st;
	record_failure f;
	store *s = NULL;
	store_txn *t = NULL;
	record *r = NULL;
	size_t len, n, i;
	entry e;

	(void)state;
	assert_int_equal(store_open(&s, dir, 1), 0);
	assert_int_equal(store_txn_begin(&t, s, 1), 0);
	assert_int_equal(store_set_dialogue(t, W.id), 0);
	for (i = 0; i < 8; i++) {
		b = vec_bytes(i < 4 ? VEC_FILE : "late.txt", tags[i], &len);
		assert_int_equal(entry_parse(&e, b, len), 0);
		entry_hash(h, b, len);
		assert_int_equal(store_put(t, &e, h), 0);
		free(b);
	}
	assert_int_equal(store_txn_commit(t), 0);
	store_close(s);

	assert_int_equal(record_open(&r, dir), 0);
	assert_int_equal(record_verify(r, 0, &st, &f), 0);
	assert_int_equal(st.faults, 0);
	assert_int_equal(record_unlock(r, W.head[US]), 0);
	assert_int_equal(record_verify(r, RECORD_VERIFY_KEY, &st, &f), 0);
	assert_int_equal(f.code, 0);
	assert_int_equal(st.entries, 8);
	assert_int_equal(st.faults, 1);
	fv = record_faults(r, &n);
	assert_int_equal(n, 1);
	assert_non_null(want = tu_vector("late.txt", "late_us_hash"));
	key_hex(hex, fv[0].hash, ENTRY_HASH_BYTES);
	assert_string_equal(hex, want);
	free(want);
	assert_int_equal(fv[0].reason, FAULT_LATE);
	assert_memory_equal(fv[0].author, W.head[US]->pk, KEY_PK_BYTES);
	assert_int_equal(fv[0].seq, 2);
	assert_int_equal(fv[0].kind, ENTRY_K_NOTE);
	record_close(r);
	tu_rmtree(dir);
}

/*
 * removed.txt: after the four entries of entries.txt, ru-head adds ru-del,
 * ru-del writes a note at the clock of its removal (not a fault), ru-head
 * removes it, and ru-del writes a note above that clock without the
 * removal in its past: the walk names that one entry, as a member fault
 * of reason FAULT_REMOVED, with the key and without it.
 */
static void
test_removed(void **state)
{
	static const char *const tags[8] = { "genesis", "wrap", "note_ru",
		"note_us", "add_del", "note_del", "remove_del", "note_del2" };
	unsigned char *b, h[ENTRY_HASH_BYTES], pk[KEY_PK_BYTES];
	char *dir = tu_tmpdir(), *want, hex[2 * ENTRY_HASH_BYTES + 1];
	const record_fault *fv;
	record_stats st;
	record_failure f;
	store *s = NULL;
	store_txn *t = NULL;
	record *r = NULL;
	size_t len, n, i, k;
	entry e;

	(void)state;
	assert_int_equal(store_open(&s, dir, 1), 0);
	assert_int_equal(store_txn_begin(&t, s, 1), 0);
	assert_int_equal(store_set_dialogue(t, W.id), 0);
	for (i = 0; i < 8; i++) {
		b = vec_bytes(i < 4 ? VEC_FILE : "removed.txt", tags[i], &len);
		assert_int_equal(entry_parse(&e, b, len), 0);
		entry_hash(h, b, len);
		assert_int_equal(store_put(t, &e, h), 0);
		free(b);
	}
	assert_int_equal(store_txn_commit(t), 0);
	store_close(s);

	assert_non_null(want = tu_vector("removed.txt", "del_pk"));
	assert_int_equal(key_unhex(pk, KEY_PK_BYTES, want), 0);
	free(want);
	assert_int_equal(record_open(&r, dir), 0);
	for (k = 0; k < 2; k++) {
		if (k == 1)
			assert_int_equal(record_unlock(r, W.head[US]), 0);
		assert_int_equal(record_verify(r, k ? RECORD_VERIFY_KEY : 0,
		    &st, &f), 0);
		assert_int_equal(f.code, 0);
		assert_int_equal(st.entries, 8);
		assert_int_equal(st.faults, 1);
		/* note_del (at the removal's clock) is read; note_del2 never */
		assert_int_equal(st.decrypted, k ? 3 : 0);
		fv = record_faults(r, &n);
		assert_int_equal(n, 1);
		assert_non_null(want = tu_vector("removed.txt",
		    "note_del2_hash"));
		key_hex(hex, fv[0].hash, ENTRY_HASH_BYTES);
		assert_string_equal(hex, want);
		free(want);
		assert_int_equal(fv[0].reason, FAULT_REMOVED);
		assert_memory_equal(fv[0].author, pk, KEY_PK_BYTES);
		assert_int_equal(fv[0].seq, 1);
		assert_int_equal(fv[0].kind, ENTRY_K_NOTE);
	}
	record_close(r);
	tu_rmtree(dir);
}

/*
 * vec_store() - a store of entries.txt's four entries (the first four
 * tags, which must name them) and the tags after them, from file.
 */
static char *
vec_store(const char *file, const char *const *tags, size_t n)
{
	unsigned char *b, h[ENTRY_HASH_BYTES];
	char *dir = tu_tmpdir();
	store *s = NULL;
	store_txn *t = NULL;
	size_t len, i;
	entry e;

	assert_int_equal(store_open(&s, dir, 1), 0);
	assert_int_equal(store_txn_begin(&t, s, 1), 0);
	assert_int_equal(store_set_dialogue(t, W.id), 0);
	for (i = 0; i < n; i++) {
		b = vec_bytes(i < 4 ? VEC_FILE : file, tags[i], &len);
		assert_int_equal(entry_parse(&e, b, len), 0);
		entry_hash(h, b, len);
		assert_int_equal(store_put(t, &e, h), 0);
		free(b);
	}
	assert_int_equal(store_txn_commit(t), 0);
	store_close(s);
	return dir;
}

/*
 * epochs.txt: ru-head starts key epoch 1 and us-head writes a note under
 * it: the record verifies, us-head holds both epochs' keys and reads all
 * three notes, the writer's epoch is 1.  A note naming epoch 1 whose key
 * wrap is not in its causal past fails (FORMAT.md section 6).
 */
static void
test_epochs(void **state)
{
	static const char *const good[6] = { "genesis", "wrap", "note_ru",
		"note_us", "rekey_ru", "note_us2" };
	static const char *const bad[6] = { "genesis", "wrap", "note_ru",
		"note_us", "rekey_ru", "note_us_bad" };
	unsigned char id[8], *b;
	char hex[17], *want, *dir;
	record_stats st;
	record_failure f;
	record *r = NULL;
	uint64_t clock;
	size_t len;
	entry e;
	int held;

	(void)state;
	b = vec_bytes("epochs.txt", "note_us2", &len);
	assert_int_equal(entry_parse(&e, b, len), 0);
	assert_int_equal(e.flags, ENTRY_FLAG_ENCRYPTED | ENTRY_FLAG_EPOCH);
	assert_non_null(e.epoch);
	free(b);

	dir = vec_store("epochs.txt", good, 6);
	assert_int_equal(record_open(&r, dir), 0);
	assert_int_equal(record_last_failure(r)->code, 0);
	assert_int_equal(record_epochs(r), 2);
	assert_int_equal(record_epoch_at(r, 1, id, &clock, &held), 0);
	key_hex(hex, id, sizeof(id));
	assert_non_null(want = tu_vector("epochs.txt", "epoch_key_id"));
	assert_string_equal(hex, want);
	free(want);
	assert_int_equal(clock, 5);
	assert_int_equal(record_unlock(r, W.head[US]), 0);
	assert_int_equal(record_epoch_current(r), 1);
	assert_int_equal(record_verify(r, RECORD_VERIFY_KEY, &st, &f), 0);
	assert_int_equal(st.content, 3);
	assert_int_equal(st.decrypted, 3);
	assert_int_equal(st.faults, 0);
	record_close(r);
	tu_rmtree(dir);

	dir = vec_store("epochs.txt", bad, 6);
	assert_int_equal(record_open(&r, dir), 0);
	assert_int_equal(record_last_failure(r)->code, DT_EFORMAT);
	assert_int_equal(record_last_failure(r)->seq, 1);
	assert_memory_equal(record_last_failure(r)->author, W.head[US]->pk,
	    KEY_PK_BYTES);
	assert_non_null(strstr(record_last_failure(r)->detail,
	    "not in its causal past"));
	record_close(r);
	tu_rmtree(dir);
}

/*
 * internal_box() - the box of the key wrap in internal.txt's tag (its
 * first), decoded.
 */
static void
internal_box(const char *tag, unsigned char box[WRAP_BOX_BYTES],
    const char *to_hex)
{
	unsigned char *b;
	const char *s;
	size_t len, blen = 0;
	json_t *o, *w;
	entry e;

	b = vec_bytes("internal.txt", tag, &len);
	assert_int_equal(entry_parse(&e, b, len), 0);
	assert_non_null(o = payload_parse(e.body, e.body_len));
	assert_int_equal(payload_check(ENTRY_K_KEY_WRAP, o), 0);
	assert_int_equal(json_array_size(json_object_get(o, "wraps")), 1);
	w = json_array_get(json_object_get(o, "wraps"), 0);
	assert_string_equal(json_string_value(json_object_get(w, "to")),
	    to_hex);
	assert_non_null(s = json_string_value(json_object_get(w, "box")));
	assert_int_equal(sodium_base642bin(box, WRAP_BOX_BYTES, s, strlen(s),
	    NULL, &blen, NULL, sodium_base64_VARIANT_ORIGINAL), 0);
	assert_int_equal(blen, WRAP_BOX_BYTES);
	json_decref(o);
	free(b);
}

/*
 * check_internal_bad() - the record of a failing case of internal.txt
 * (its _record line) fails with the code its _code line names at the
 * entry its _fails line names, which is the case itself.
 */
static void
check_internal_bad(const char *tag)
{
	char name[64], *rec, *at, *tok, *save = NULL, *dir, *cname;
	char hex[2 * ENTRY_HASH_BYTES + 1], *want;
	int code = 0;
	const char *tags[16];
	const key_identity *who;
	record_stats st;
	record_failure f;
	record *r = NULL;
	size_t n = 0, i;
	unsigned long long seq;
	char feed[16];

	snprintf(name, sizeof name, "%s_record", tag);
	assert_non_null(rec = tu_vector("internal.txt", name));
	for (tok = strtok_r(rec, " ", &save); tok != NULL;
	    tok = strtok_r(NULL, " ", &save)) {
		assert_true(n < 16);
		tags[n++] = tok;
	}
	assert_true(n > 4);
	assert_string_equal(tags[0], "genesis");
	assert_string_equal(tags[3], "note_us");
	for (i = 0; i < n && strcmp(tags[i], tag) != 0; i++)
		;
	assert_true(i < n);
	snprintf(name, sizeof name, "%s_fails", tag);
	assert_non_null(at = tu_vector("internal.txt", name));
	assert_int_equal(sscanf(at, "%15s %llu", feed, &seq), 2);
	who = strcmp(feed, "ru_head") == 0 ? W.head[RU] : W.head[US];
	assert_true(strcmp(feed, "ru_head") == 0 ||
	    strcmp(feed, "us_head") == 0);
	snprintf(name, sizeof name, "%s_hash", tag);
	assert_non_null(want = tu_vector("internal.txt", name));
	snprintf(name, sizeof name, "%s_code", tag);
	assert_non_null(cname = tu_vector("internal.txt", name));
	if (strcmp(cname, "DT_EFORMAT") == 0)
		code = DT_EFORMAT;
	else if (strcmp(cname, "DT_EMEMBER") == 0)
		code = DT_EMEMBER;
	else
		fail_msg("internal.txt: %s: unknown code %s", name, cname);

	dir = vec_store("internal.txt", tags, n);
	assert_int_equal(record_open(&r, dir), 0);
	if (record_last_failure(r)->code != code)
		fail_msg("internal.txt: the record of %s opens with code %d, "
		    "not %s (%s)", tag, record_last_failure(r)->code, cname,
		    record_last_failure(r)->detail);
	memset(&f, 0, sizeof f);
	assert_int_equal(record_verify(r, 0, &st, &f), code);
	assert_int_equal(f.has_entry, 1);
	if (f.seq != seq || memcmp(f.author, who->pk, KEY_PK_BYTES) != 0)
		fail_msg("internal.txt: %s fails at seq %llu of another feed "
		    "or seq, not %s's seq %llu (%s)", tag,
		    (unsigned long long)f.seq, feed, seq, f.detail);
	key_hex(hex, f.hash, ENTRY_HASH_BYTES);
	assert_string_equal(hex, want);
	record_close(r);
	tu_rmtree(dir);
	free(cname);
	free(want);
	free(at);
	free(rec);
}

/*
 * internal.txt: ru-head's party key wrap (flags 0x04) and internal note
 * (flags 0x07, padded) after the four entries verify; ru-head's identity
 * opens the party key wrap's box, and the party key the note, to its
 * payload; us-head's keys do not open it.  Each failing case fails with
 * the code at the entry the file names (FORMAT.md section 6, "Party keys
 * and internal notes").
 */
static void
test_internal(void **state)
{
	static const char *const six[6] = { "genesis", "wrap", "note_ru",
		"note_us", "pkw_ru", "inote_ru" };
	static const char *const bad[] = { "inote_ru_bad", "inote_us_bad",
		"pkw_ru_us", "pkw_ru_epoch0", "wrap_ru_party", "pkw_us",
		"note_ru_party", "inote_ru_early" };
	static const char *const padbad[6] = { "genesis", "wrap", "note_ru",
		"note_us", "pkw_ru", "inote_ru_pad" };
	const record_fault *fv;
	char hex[2 * ENTRY_HASH_BYTES + 1];
	unsigned char box[WRAP_BOX_BYTES], pkey[WRAP_KEY_BYTES];
	unsigned char kid[WRAP_KEYID_BYTES], *key = NULL, *b, *plain = NULL;
	char pk_hex[2 * KEY_PK_BYTES + 1], *want, *dir;
	record_stats st;
	record_failure f;
	record *r = NULL;
	size_t len, plen = 0, i, k;
	entry e;

	(void)state;
	assert_non_null(want = tu_vector("internal.txt", "party_key"));
	assert_int_equal(key_unhex(pkey, sizeof pkey, want), 0);
	free(want);
	assert_non_null(want = tu_vector("internal.txt", "party_key_id"));
	assert_int_equal(key_unhex(kid, sizeof kid, want), 0);
	free(want);

	/* the party key wrap: flags 0x04, its box ru-head's alone */
	b = vec_bytes("internal.txt", "pkw_ru", &len);
	assert_int_equal(entry_parse(&e, b, len), 0);
	assert_int_equal(e.kind, ENTRY_K_KEY_WRAP);
	assert_int_equal(e.flags, ENTRY_FLAG_INTERNAL);
	assert_int_equal(entry_verify_sig(&e), 0);
	free(b);
	key_hex(pk_hex, W.head[RU]->pk, KEY_PK_BYTES);
	internal_box("pkw_ru", box, pk_hex);
	assert_int_equal(wrap_open_as(&key, box, W.id, W.head[RU],
	    WRAP_FOR_PARTY), 0);
	assert_memory_equal(key, pkey, WRAP_KEY_BYTES);
	wrap_key_free(key);
	key = NULL;
	/* not as a dialogue key's box, and not by us-head */
	assert_int_equal(wrap_open(&key, box, W.id, W.head[RU]), DT_EDECRYPT);
	assert_int_equal(wrap_open_as(&key, box, W.id, W.head[US],
	    WRAP_FOR_PARTY), DT_EDECRYPT);
	/* pkw_ru_joint's box is a dialogue key's, not a party key's */
	internal_box("pkw_ru_joint", box, pk_hex);
	assert_int_equal(wrap_open_as(&key, box, W.id, W.head[RU],
	    WRAP_FOR_PARTY), DT_EDECRYPT);
	assert_int_equal(wrap_open(&key, box, W.id, W.head[RU]), 0);
	assert_memory_equal(key, pkey, WRAP_KEY_BYTES);
	wrap_key_free(key);
	key = NULL;

	/* the internal note: flags 0x07, names the party key, opens with it
	 * to its payload (the padding removed), not with the dialogue key */
	b = vec_bytes("internal.txt", "inote_ru", &len);
	assert_int_equal(entry_parse(&e, b, len), 0);
	assert_int_equal(e.kind, ENTRY_K_NOTE);
	assert_int_equal(e.flags, ENTRY_FLAGS_INTERNAL_NOTE);
	assert_true(entry_is_internal(&e));
	assert_non_null(e.epoch);
	assert_memory_equal(e.epoch, kid, WRAP_KEYID_BYTES);
	assert_int_equal(entry_verify_sig(&e), 0);
	assert_int_equal(entry_open(&plain, &plen, &e, pkey), 0);
	assert_non_null(want = tu_vector("internal.txt", "inote_ru_payload"));
	assert_int_equal(plen, strlen(want));
	assert_memory_equal(plain, want, plen);
	free(want);
	entry_plain_free(plain, plen);
	plain = NULL;
	assert_int_equal(entry_open(&plain, &plen, &e, W.dkey), DT_EDECRYPT);
	/* every single flipped byte breaks the framing or the signature */
	for (i = 0; i < len; i++) {
		entry g;

		b[i] ^= 0x01;
		assert_true(entry_parse(&g, b, len) != 0 ||
		    entry_verify_sig(&g) != 0);
		b[i] ^= 0x01;
	}
	free(b);

	/* the six entries verify; ru-head reads the three notes, us-head
	 * two: the internal note is content without the key, no fault */
	dir = vec_store("internal.txt", six, 6);
	for (k = 0; k < 2; k++) {
		assert_int_equal(record_open(&r, dir), 0);
		if (record_last_failure(r)->code != 0)
			fail_msg("internal.txt: the six entries fail: %s",
			    record_last_failure(r)->detail);
		assert_int_equal(record_verify(r, 0, &st, &f), 0);
		assert_int_equal(st.entries, 6);
		assert_int_equal(st.content, 3);
		assert_int_equal(record_unlock(r, W.head[k ? US : RU]), 0);
		memset(&f, 0, sizeof f);
		if (record_verify(r, RECORD_VERIFY_KEY, &st, &f) != 0)
			fail_msg("internal.txt: with %s's keys: %s",
			    head_name[k ? US : RU], f.detail);
		assert_int_equal(st.decrypted, k ? 2 : 3);
		assert_int_equal(st.faults, 0);
		/* the writer's key epoch is still the dialogue's first */
		assert_int_equal(record_epochs(r), 1);
		record_close(r);
		r = NULL;
	}
	tu_rmtree(dir);

	for (k = 0; k < sizeof bad / sizeof bad[0]; k++)
		check_internal_bad(bad[k]);

	/*
	 * inote_ru_pad has no valid padding: with ru-head's keys it is a
	 * member fault (does not decrypt), with us-head's it is no fault.
	 */
	assert_non_null(want = tu_vector("internal.txt", "inote_ru_pad_record"));
	assert_string_equal(want, "genesis wrap note_ru note_us pkw_ru "
	    "inote_ru_pad");
	free(want);
	dir = vec_store("internal.txt", padbad, 6);
	for (k = 0; k < 2; k++) {
		assert_int_equal(record_open(&r, dir), 0);
		assert_int_equal(record_last_failure(r)->code, 0);
		assert_int_equal(record_unlock(r, W.head[k ? US : RU]), 0);
		assert_int_equal(record_verify(r, RECORD_VERIFY_KEY, &st, &f),
		    0);
		assert_int_equal(st.faults, k ? 0 : 1);
		fv = record_faults(r, &len);
		assert_int_equal(len, k ? 0 : 1);
		if (k == 0) {
			assert_non_null(want = tu_vector("internal.txt",
			    "inote_ru_pad_hash"));
			key_hex(hex, fv[0].hash, ENTRY_HASH_BYTES);
			assert_string_equal(hex, want);
			free(want);
			assert_memory_equal(fv[0].author, W.head[RU]->pk,
			    KEY_PK_BYTES);
			assert_int_equal(fv[0].seq, 4);
			assert_int_equal(fv[0].reason, FAULT_DECRYPT);
			assert_non_null(want = tu_vector("internal.txt",
			    "inote_ru_pad_reason"));
			assert_int_equal(atoi(want), FAULT_DECRYPT);
			free(want);
		}
		record_close(r);
		r = NULL;
	}
	tu_rmtree(dir);
}

/*
 * attendance.txt: us-head's attendance of its own party verifies; its
 * attendance listing ru-head is a member fault (reason 3), seen only
 * with the key (FORMAT.md section 7, "Attendance").
 */
static void
test_attendance(void **state)
{
	static const char *const tags[6] = { "genesis", "wrap", "note_ru",
		"note_us", "attend_own", "attend_other" };
	unsigned char *b, h[ENTRY_HASH_BYTES];
	char *dir = tu_tmpdir(), *want, hex[2 * ENTRY_HASH_BYTES + 1];
	const record_fault *fv;
	record_stats st;
	record_failure f;
	store *s = NULL;
	store_txn *t = NULL;
	record *r = NULL;
	size_t len, n, i;
	entry e;

	(void)state;
	assert_int_equal(store_open(&s, dir, 1), 0);
	assert_int_equal(store_txn_begin(&t, s, 1), 0);
	assert_int_equal(store_set_dialogue(t, W.id), 0);
	for (i = 0; i < 6; i++) {
		b = vec_bytes(i < 4 ? VEC_FILE : "attendance.txt", tags[i],
		    &len);
		assert_int_equal(entry_parse(&e, b, len), 0);
		entry_hash(h, b, len);
		assert_int_equal(store_put(t, &e, h), 0);
		free(b);
	}
	assert_int_equal(store_txn_commit(t), 0);
	store_close(s);

	assert_int_equal(record_open(&r, dir), 0);
	assert_int_equal(record_verify(r, 0, &st, &f), 0);
	assert_int_equal(st.faults, 0);
	assert_int_equal(record_unlock(r, W.head[US]), 0);
	assert_int_equal(record_verify(r, RECORD_VERIFY_KEY, &st, &f), 0);
	assert_int_equal(st.entries, 6);
	assert_int_equal(st.faults, 1);
	fv = record_faults(r, &n);
	assert_int_equal(n, 1);
	assert_non_null(want = tu_vector("attendance.txt", "attend_other_hash"));
	key_hex(hex, fv[0].hash, ENTRY_HASH_BYTES);
	assert_string_equal(hex, want);
	free(want);
	assert_int_equal(fv[0].reason, 3);
	assert_int_equal(fv[0].seq, 2);
	assert_int_equal(fv[0].kind, ENTRY_K_ATTENDANCE);
	record_close(r);
	tu_rmtree(dir);
}

/*
 * msig.txt: each minutes-signature candidate for ru-head's seq 3, stored
 * beside the four entries, makes a record that verifies (msig_good) or
 * fails at that very entry with the code of the rule it breaks
 * (FORMAT.md section 13, "Signatures in the record"); and the library
 * lists the good one as the meeting's signature, byte for byte.
 */
static void
test_msig(void **state)
{
	static const char *const tags[4] = { "genesis", "wrap", "note_ru",
		"note_us" };
	static const struct {
		const char *tag;
		int code;
	} cands[] = {
		{ "msig_good", 0 },
		{ "msig_other_meeting", DT_EFORMAT },
		{ "msig_other_signer", DT_EFORMAT },
		{ "msig_other_key", DT_ESIG },
		{ "msig_comment_changed", DT_ESIG },
	};
	unsigned char h[ENTRY_HASH_BYTES];
	record_stats st;
	record_failure f;
	size_t i, k;

	(void)state;
	for (k = 0; k < sizeof cands / sizeof cands[0]; k++) {
		char *dir = tu_tmpdir(), hex[2 * ENTRY_HASH_BYTES + 1], *want;
		store *s = NULL;
		store_txn *t = NULL;
		record *r = NULL;
		msig_item *v = NULL;
		unsigned char *b;
		size_t len, n = 0;
		entry e;

		assert_int_equal(store_open(&s, dir, 1), 0);
		assert_int_equal(store_txn_begin(&t, s, 1), 0);
		assert_int_equal(store_set_dialogue(t, W.id), 0);
		for (i = 0; i < 5; i++) {
			b = vec_bytes(i < 4 ? VEC_FILE : "msig.txt",
			    i < 4 ? tags[i] : cands[k].tag, &len);
			assert_int_equal(entry_parse(&e, b, len), 0);
			entry_hash(h, b, len);
			assert_int_equal(store_put(t, &e, h), 0);
			free(b);
		}
		assert_int_equal(store_txn_commit(t), 0);
		store_close(s);
		snprintf(hex, sizeof hex, "%s_hash", cands[k].tag);
		assert_non_null(want = tu_vector("msig.txt", hex));
		key_hex(hex, h, ENTRY_HASH_BYTES);
		assert_string_equal(hex, want);
		free(want);

		assert_int_equal(record_open(&r, dir), 0);
		memset(&f, 0, sizeof f);
		assert_int_equal(record_verify(r, 0, &st, &f), cands[k].code);
		if (cands[k].code != 0) {
			assert_int_equal(f.has_entry, 1);
			assert_memory_equal(f.author, W.head[RU]->pk,
			    KEY_PK_BYTES);
			assert_int_equal(f.seq, 3);
		} else {
			assert_int_equal(st.entries, 5);
			assert_int_equal(msig_list(&v, &n, r, 1), 0);
			assert_int_equal(n, 1);
			assert_memory_equal(v[0].author, W.head[RU]->pk,
			    KEY_PK_BYTES);
			assert_memory_equal(v[0].hash, h, ENTRY_HASH_BYTES);
			assert_non_null(strstr(v[0].sig, "trusted comment: "
			    "detente minutes dialogue="));
			msig_list_free(v, n);
		}
		record_close(r);
		tu_rmtree(dir);
	}
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_entries),
		cmocka_unit_test(test_boxes),
		cmocka_unit_test(test_record),
		cmocka_unit_test(test_clock_rule),
		cmocka_unit_test(test_faults),
		cmocka_unit_test(test_payloads),
		cmocka_unit_test(test_late),
		cmocka_unit_test(test_removed),
		cmocka_unit_test(test_epochs),
		cmocka_unit_test(test_internal),
		cmocka_unit_test(test_attendance),
		cmocka_unit_test(test_msig),
	};

	if (sodium_init() < 0)
		return 1;
	if (argc > 1 && strcmp(argv[1], "--print") == 0)
		return print_vectors();
	if (argc > 1) {
		fprintf(stderr, "usage: test_vectors [--print]\n");
		return 2;
	}
	return cmocka_run_group_tests(tests, setup, teardown);
}
