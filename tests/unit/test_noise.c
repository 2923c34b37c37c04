/*
 * test_noise.c: Noise_XX_25519_ChaChaPoly_SHA256 (crypto/noise.c) against
 * the published vectors in tests/vectors/noise/xx.txt, byte for byte;
 * tampered messages and a wrong prologue that must fail; and the sync
 * channel (storage/link.c) between two threads over a socket pair:
 * handshake, messages of every size, refusal, garbage, truncation,
 * tampering, oversize, stall.
 */
#include "test_util.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <sodium.h>

#include "crypto/err.h"
#include "crypto/keys.h"
#include "crypto/noise.h"
#include "storage/link.h"

/* --- the vectors ------------------------------------------------------------ */

#define MAX_MSGS 16
#define MAX_HEX 4096

typedef struct xmsg {
	int from_r; /* sent by the responder */
	unsigned char p[MAX_HEX / 2], c[MAX_HEX / 2];
	size_t plen, clen;
} xmsg;

typedef struct vector {
	char name[64];
	unsigned char prologue[256];
	size_t prologue_len;
	unsigned char is[32], rs[32], ie[32], re[32], hh[32];
	int have_hh;
	xmsg m[MAX_MSGS];
	size_t nmsg;
} vector;

static size_t
unhex(unsigned char *out, size_t max, const char *hex)
{
	size_t n = strlen(hex) / 2;

	assert_true(n <= max);
	assert_int_equal(strlen(hex) % 2, 0);
	if (n > 0)
		assert_int_equal(key_unhex(out, n, hex), 0);
	return n;
}

static void
unhex32(unsigned char out[32], const char *hex)
{
	assert_int_equal(unhex(out, 32, hex), 32);
}

/* load_vectors() - every block of xx.txt; returns their count */
static size_t
load_vectors(vector *v, size_t max)
{
	FILE *f = fopen(tu_vector_path("noise/xx.txt"), "r");
	char line[2 * MAX_HEX + 64], *eq, *val, *sp;
	size_t n = 0;
	vector *cur = NULL;

	assert_non_null(f);
	while (fgets(line, sizeof line, f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		assert_non_null(eq = strchr(line, '='));
		*eq = '\0';
		val = eq + 1;
		if (strcmp(line, "source") == 0) {
			assert_true(n < max);
			cur = &v[n++];
			memset(cur, 0, sizeof *cur);
			continue;
		}
		assert_non_null(cur);
		if (strcmp(line, "name") == 0)
			snprintf(cur->name, sizeof cur->name, "%s", val);
		else if (strcmp(line, "prologue") == 0)
			cur->prologue_len = unhex(cur->prologue,
			    sizeof cur->prologue, val);
		else if (strcmp(line, "init_static") == 0)
			unhex32(cur->is, val);
		else if (strcmp(line, "resp_static") == 0)
			unhex32(cur->rs, val);
		else if (strcmp(line, "init_ephemeral") == 0)
			unhex32(cur->ie, val);
		else if (strcmp(line, "resp_ephemeral") == 0)
			unhex32(cur->re, val);
		else if (strcmp(line, "handshake_hash") == 0) {
			unhex32(cur->hh, val);
			cur->have_hh = 1;
		} else if (strcmp(line, "msg") == 0) {
			xmsg *m;

			assert_true(cur->nmsg < MAX_MSGS);
			m = &cur->m[cur->nmsg++];
			assert_true((val[0] == 'I' || val[0] == 'R') &&
			    val[1] == ' ');
			m->from_r = val[0] == 'R';
			val += 2;
			assert_non_null(sp = strchr(val, ' '));
			*sp = '\0';
			m->plen = strcmp(val, "-") == 0 ? 0 :
			    unhex(m->p, sizeof m->p, val);
			m->clen = unhex(m->c, sizeof m->c, sp + 1);
		} else
			fail_msg("unknown key %s", line);
	}
	fclose(f);
	return n;
}

/* both sides of a vector's handshake, keys fixed as it says */
static void
vector_sides(const vector *v, noise_hs **i, noise_hs **r)
{
	assert_int_equal(noise_hs_new(i, 1, v->prologue, v->prologue_len,
	    NULL), 0);
	assert_int_equal(noise_hs_new(r, 0, v->prologue, v->prologue_len,
	    NULL), 0);
	assert_int_equal(noise_hs_set_static(*i, v->is), 0);
	assert_int_equal(noise_hs_set_ephemeral(*i, v->ie), 0);
	assert_int_equal(noise_hs_set_static(*r, v->rs), 0);
	assert_int_equal(noise_hs_set_ephemeral(*r, v->re), 0);
}

static void
run_vector(const vector *v)
{
	noise_hs *hs[2];
	noise_cipher *tx[2], *rx[2];
	unsigned char buf[NOISE_MSG_MAX], out[NOISE_MSG_MAX];
	unsigned char h0[32], h1[32], xs[32];
	size_t k, n, pn;

	print_message("vector %s: %zu messages\n", v->name, v->nmsg);
	assert_true(v->nmsg > 3);
	vector_sides(v, &hs[0], &hs[1]);
	/* the handshake: messages 0, 1, 2; sender alternates from 0 */
	for (k = 0; k < 3; k++) {
		noise_hs *w = hs[k % 2], *r = hs[(k + 1) % 2];

		assert_int_equal(v->m[k].from_r, (int)(k % 2));
		assert_int_equal(noise_hs_write_turn(w), 1);
		assert_int_equal(noise_hs_write_turn(r), 0);
		assert_int_equal(noise_hs_write(w, buf, &n, sizeof buf,
		    v->m[k].p, v->m[k].plen), 0);
		assert_int_equal(n, v->m[k].clen);
		assert_memory_equal(buf, v->m[k].c, n);
		assert_int_equal(noise_hs_read(r, out, &pn, sizeof out, buf,
		    n), 0);
		assert_int_equal(pn, v->m[k].plen);
		if (pn > 0)
			assert_memory_equal(out, v->m[k].p, pn);
	}
	assert_true(noise_hs_done(hs[0]) && noise_hs_done(hs[1]));
	/* each knows the other's static key */
	crypto_scalarmult_base(xs, v->rs);
	assert_memory_equal(noise_hs_remote_static(hs[0]), xs, 32);
	crypto_scalarmult_base(xs, v->is);
	assert_memory_equal(noise_hs_remote_static(hs[1]), xs, 32);
	noise_hs_hash(hs[0], h0);
	noise_hs_hash(hs[1], h1);
	assert_memory_equal(h0, h1, 32);
	if (v->have_hh)
		assert_memory_equal(h0, v->hh, 32);
	assert_int_equal(noise_hs_split(hs[0], &tx[0], &rx[0]), 0);
	assert_int_equal(noise_hs_split(hs[1], &tx[1], &rx[1]), 0);
	/* transport messages */
	for (; k < v->nmsg; k++) {
		size_t s = (size_t)v->m[k].from_r, r = 1 - s;

		assert_int_equal(noise_cipher_encrypt(tx[s], buf, NULL, 0,
		    v->m[k].p, v->m[k].plen), 0);
		assert_int_equal(v->m[k].plen + NOISE_TAG_BYTES, v->m[k].clen);
		assert_memory_equal(buf, v->m[k].c, v->m[k].clen);
		assert_int_equal(noise_cipher_decrypt(rx[r], out, NULL, 0, buf,
		    v->m[k].clen), 0);
		if (v->m[k].plen > 0)
			assert_memory_equal(out, v->m[k].p, v->m[k].plen);
	}
	for (k = 0; k < 2; k++) {
		noise_cipher_free(tx[k]);
		noise_cipher_free(rx[k]);
		noise_hs_free(hs[k]);
	}
}

static void
test_vectors(void **state)
{
	vector *v = calloc(16, sizeof *v);
	size_t n, i, with_prologue = 0, empty_payloads = 0;

	(void)state;
	assert_non_null(v);
	n = load_vectors(v, 16);
	assert_true(n >= 7);
	for (i = 0; i < n; i++) {
		run_vector(&v[i]);
		with_prologue += v[i].prologue_len > 0;
		empty_payloads += v[i].m[0].plen == 0 && v[i].m[1].plen == 0;
	}
	/* the file covers both kinds of each */
	assert_true(with_prologue > 0 && with_prologue < n);
	assert_true(empty_payloads > 0 && empty_payloads < n);
	free(v);
}

/*
 * test_tampered() - every handshake message of the first vector with
 * one bit flipped, at every byte: the reader fails (message 1 has no
 * MAC, so its change shows in message 2, which the initiator then
 * cannot read), and a failed state stays failed.
 */
static void
test_tampered(void **state)
{
	vector *v = calloc(16, sizeof *v);
	unsigned char buf[NOISE_MSG_MAX], out[NOISE_MSG_MAX];
	size_t n, pn, k, at, msgs[3];
	noise_hs *i, *r;

	(void)state;
	assert_non_null(v);
	assert_true(load_vectors(v, 16) > 0);
	for (k = 0; k < 3; k++)
		msgs[k] = v->m[k].clen;
	for (k = 0; k < 3; k++)
		for (at = 0; at < msgs[k]; at++) {
			noise_hs *hs[2];
			size_t j;
			int rc = 0;

			vector_sides(v, &hs[0], &hs[1]);
			for (j = 0; j < 3 && rc == 0; j++) {
				assert_int_equal(noise_hs_write(hs[j % 2], buf,
				    &n, sizeof buf, v->m[j].p, v->m[j].plen),
				    0);
				if (j == k)
					buf[at] ^= 0x01;
				rc = noise_hs_read(hs[(j + 1) % 2], out, &pn,
				    sizeof out, buf, n);
				if (j == 0 && k == 0 && rc == 0) {
					/* message 1 is read; message 2 fails */
					continue;
				}
			}
			assert_int_not_equal(rc, 0);
			/* a dead state refuses to go on */
			assert_int_equal(noise_hs_write(hs[0], buf, &n,
			    sizeof buf, NULL, 0), DT_ESTATE);
			assert_int_equal(noise_hs_write(hs[1], buf, &n,
			    sizeof buf, NULL, 0), DT_ESTATE);
			noise_hs_free(hs[0]);
			noise_hs_free(hs[1]);
		}
	/* a message cut short */
	vector_sides(v, &i, &r);
	assert_int_equal(noise_hs_write(i, buf, &n, sizeof buf, NULL, 0), 0);
	assert_int_equal(noise_hs_read(r, out, &pn, sizeof out, buf, 31),
	    DT_EFORMAT);
	noise_hs_free(i);
	noise_hs_free(r);
	free(v);
}

/* a wrong prologue: message 2 does not decrypt at the initiator */
static void
test_wrong_prologue(void **state)
{
	vector *v = calloc(16, sizeof *v);
	unsigned char buf[NOISE_MSG_MAX], out[NOISE_MSG_MAX];
	size_t n, pn;
	noise_hs *i, *r;

	(void)state;
	assert_non_null(v);
	assert_true(load_vectors(v, 16) > 0);
	assert_int_equal(noise_hs_new(&i, 1, v->prologue, v->prologue_len,
	    NULL), 0);
	assert_int_equal(noise_hs_new(&r, 0, (const unsigned char *)"other",
	    5, NULL), 0);
	assert_int_equal(noise_hs_set_static(i, v->is), 0);
	assert_int_equal(noise_hs_set_static(r, v->rs), 0);
	assert_int_equal(noise_hs_write(i, buf, &n, sizeof buf, NULL, 0), 0);
	assert_int_equal(noise_hs_read(r, out, &pn, sizeof out, buf, n), 0);
	assert_int_equal(noise_hs_write(r, buf, &n, sizeof buf, NULL, 0), 0);
	assert_int_equal(noise_hs_read(i, out, &pn, sizeof out, buf, n),
	    DT_EDECRYPT);
	assert_null(noise_hs_remote_static(i));
	noise_hs_free(i);
	noise_hs_free(r);
	free(v);
}

/* out of turn, too late, limits, a low-order key, the reserved nonce */
static void
test_misuse(void **state)
{
	static const unsigned char zero[32];
	unsigned char buf[NOISE_MSG_MAX], out[64], k32[32];
	size_t n, pn;
	noise_hs *i, *r;
	noise_cipher *tx, *rx;

	(void)state;
	memset(k32, 7, sizeof k32);
	assert_int_equal(noise_hs_new(&i, 1, NULL, 0, NULL), 0);
	assert_int_equal(noise_hs_new(&r, 0, NULL, 0, NULL), 0);
	/* no static key yet */
	assert_int_equal(noise_hs_write(i, buf, &n, sizeof buf, NULL, 0),
	    DT_ESTATE);
	assert_int_equal(noise_hs_set_static(i, k32), 0);
	k32[0] = 9;
	assert_int_equal(noise_hs_set_static(r, k32), 0);
	/* the responder cannot write first, nor the initiator read */
	assert_int_equal(noise_hs_write(r, buf, &n, sizeof buf, NULL, 0),
	    DT_ESTATE);
	assert_int_equal(noise_hs_read(i, out, &pn, sizeof out, buf, 32),
	    DT_ESTATE);
	/* a message over msgmax, or over 65535 */
	assert_int_equal(noise_hs_write(i, buf, &n, 31, NULL, 0), DT_ERANGE);
	assert_int_equal(noise_hs_write(i, buf, &n, sizeof buf, buf,
	    NOISE_MSG_MAX), DT_ERANGE);
	assert_int_equal(noise_hs_write(i, buf, &n, sizeof buf, NULL, 0), 0);
	assert_int_equal(noise_hs_set_ephemeral(i, k32), DT_ESTATE);
	/* a low-order ephemeral key from the "initiator": the responder's
	 * ee is all zero, and refused */
	memcpy(buf, zero, 32);
	assert_int_equal(noise_hs_read(r, out, &pn, sizeof out, buf, 32), 0);
	assert_int_equal(noise_hs_write(r, buf, &n, sizeof buf, NULL, 0),
	    DT_EINVAL);
	assert_null(noise_hs_remote_static(r));
	assert_int_equal(noise_hs_split(r, &tx, &rx), DT_ESTATE);
	noise_hs_free(i);
	noise_hs_free(r);
	/* a payload over pmax */
	assert_int_equal(noise_hs_new(&i, 1, NULL, 0, NULL), 0);
	assert_int_equal(noise_hs_new(&r, 0, NULL, 0, NULL), 0);
	assert_int_equal(noise_hs_set_static(i, k32), 0);
	assert_int_equal(noise_hs_set_static(r, k32), 0);
	assert_int_equal(noise_hs_write(i, buf, &n, sizeof buf, k32, 32), 0);
	assert_int_equal(noise_hs_read(r, out, &pn, 31, buf, n), DT_ERANGE);
	noise_hs_free(i);
	noise_hs_free(r);
}

/* n = 2^64-1 is reserved: the last message is sent with 2^64-2 */
static void
test_nonce_limit(void **state)
{
	unsigned char k[32], buf[256], out[256];
	noise_cipher *tx, *rx;
	noise_hs *i, *r;
	size_t n, pn, j;

	(void)state;
	memset(k, 3, sizeof k);
	assert_int_equal(noise_hs_new(&i, 1, NULL, 0, NULL), 0);
	assert_int_equal(noise_hs_new(&r, 0, NULL, 0, NULL), 0);
	assert_int_equal(noise_hs_set_static(i, k), 0);
	k[0] = 4;
	assert_int_equal(noise_hs_set_static(r, k), 0);
	for (j = 0; j < 3; j++) {
		noise_hs *w = j % 2 ? r : i, *d = j % 2 ? i : r;

		assert_int_equal(noise_hs_write(w, buf, &n, sizeof buf, NULL,
		    0), 0);
		assert_int_equal(noise_hs_read(d, out, &pn, sizeof out, buf, n),
		    0);
	}
	{
		noise_cipher *itx, *irx, *rtx, *rrx, *x1, *x2;

		assert_int_equal(noise_hs_split(i, &itx, &irx), 0);
		assert_int_equal(noise_hs_split(r, &rtx, &rrx), 0);
		/* once only */
		assert_int_equal(noise_hs_split(r, &x1, &x2), DT_ESTATE);
		assert_null(x1);
		noise_cipher_free(irx);
		noise_cipher_free(rtx);
		tx = itx;
		rx = rrx;
	}
	noise_hs_free(r);
	noise_cipher_set_nonce(tx, UINT64_MAX - 1);
	noise_cipher_set_nonce(rx, UINT64_MAX - 1);
	assert_int_equal(noise_cipher_encrypt(tx, buf, NULL, 0,
	    (const unsigned char *)"x", 1), 0);
	assert_int_equal(noise_cipher_decrypt(rx, out, NULL, 0, buf, 17), 0);
	assert_true(noise_cipher_nonce(tx) == UINT64_MAX);
	assert_true(noise_cipher_nonce(rx) == UINT64_MAX);
	assert_int_equal(noise_cipher_encrypt(tx, buf, NULL, 0,
	    (const unsigned char *)"x", 1), DT_ERANGE);
	assert_int_equal(noise_cipher_decrypt(rx, out, NULL, 0, buf, 17),
	    DT_ERANGE);
	noise_cipher_free(rx);
	/* a message over 65535 bytes, a ciphertext shorter than a tag */
	noise_cipher_set_nonce(tx, 0);
	assert_int_equal(noise_cipher_encrypt(tx, buf, NULL, 0, buf,
	    NOISE_PLAIN_MAX + 1), DT_ERANGE);
	assert_int_equal(noise_cipher_decrypt(tx, out, NULL, 0, buf, 15),
	    DT_EFORMAT);
	noise_cipher_free(tx);
	noise_hs_free(i);
}

/* a whole handshake in memory between two identities (Ed25519 seeds) */
static void
handshake(noise_hs *i, noise_hs *r)
{
	unsigned char buf[NOISE_MSG_MAX], out[64];
	size_t n, pn, k;

	for (k = 0; k < 3; k++) {
		noise_hs *w = k % 2 ? r : i, *d = k % 2 ? i : r;

		assert_int_equal(noise_hs_write(w, buf, &n, sizeof buf, NULL,
		    0), 0);
		assert_int_equal(noise_hs_read(d, out, &pn, sizeof out, buf, n),
		    0);
	}
}

/*
 * test_identity_static() - s derived from an Ed25519 identity: the peer
 * sees the X25519 form of its public key; through key_ops.noise_mix (an
 * identity held elsewhere, as by the agent) the bytes are the same as
 * with the secret key itself.
 */
typedef struct holder {
	key_identity *real;
	int calls;
} holder;

static int
h_sign(void *arg, unsigned char sig[KEY_SIG_BYTES], const unsigned char *m,
    size_t mlen, const unsigned char pk[KEY_PK_BYTES])
{
	(void)pk;
	return key_sign(sig, m, mlen, ((holder *)arg)->real);
}

static int
h_open(void *arg, unsigned char *out, const unsigned char *c, size_t clen,
    const unsigned char pk[KEY_PK_BYTES])
{
	(void)pk;
	return key_seal_open(out, c, clen, ((holder *)arg)->real);
}

static int
h_mix(void *arg, unsigned char out[64], const unsigned char ck[32],
    const unsigned char remote[32], const unsigned char pk[KEY_PK_BYTES])
{
	holder *h = arg;

	(void)pk;
	h->calls++;
	return key_noise_mix(out, ck, remote, h->real);
}

static const key_ops h_ops = { h_sign, h_open, NULL, h_mix };
static const key_ops h_ops_nomix = { h_sign, h_open, NULL, NULL };

static void
test_identity_static(void **state)
{
	unsigned char seed[32], xa[32], xb[32], e1[32], e2[32];
	unsigned char h1[32], h2[32];
	key_identity *a, *b, *ra, *rn;
	noise_hs *i, *r;
	holder h;

	(void)state;
	memset(seed, 0x41, sizeof seed);
	assert_int_equal(key_identity_from_seed(&a, "alice", seed), 0);
	memset(seed, 0x42, sizeof seed);
	assert_int_equal(key_identity_from_seed(&b, "bob", seed), 0);
	assert_int_equal(crypto_sign_ed25519_pk_to_curve25519(xa, a->pk), 0);
	assert_int_equal(crypto_sign_ed25519_pk_to_curve25519(xb, b->pk), 0);
	memset(e1, 0x11, sizeof e1);
	memset(e2, 0x22, sizeof e2);

	/* with the secret keys */
	assert_int_equal(noise_hs_new(&i, 1, (const unsigned char *)"p", 1, a),
	    0);
	assert_int_equal(noise_hs_new(&r, 0, (const unsigned char *)"p", 1, b),
	    0);
	assert_memory_equal(noise_hs_local_static(i), xa, 32);
	assert_int_equal(noise_hs_set_ephemeral(i, e1), 0);
	assert_int_equal(noise_hs_set_ephemeral(r, e2), 0);
	handshake(i, r);
	assert_memory_equal(noise_hs_remote_static(i), xb, 32);
	assert_memory_equal(noise_hs_remote_static(r), xa, 32);
	noise_hs_hash(i, h1);
	noise_hs_free(i);
	noise_hs_free(r);

	/* alice held elsewhere: the same handshake, byte for byte */
	h.real = a;
	h.calls = 0;
	assert_int_equal(key_identity_remote(&ra, "alice", a->pk, &h_ops, &h),
	    0);
	assert_int_equal(noise_hs_new(&i, 1, (const unsigned char *)"p", 1,
	    ra), 0);
	assert_int_equal(noise_hs_new(&r, 0, (const unsigned char *)"p", 1, b),
	    0);
	assert_int_equal(noise_hs_set_ephemeral(i, e1), 0);
	assert_int_equal(noise_hs_set_ephemeral(r, e2), 0);
	handshake(i, r);
	noise_hs_hash(i, h2);
	assert_memory_equal(h1, h2, 32);
	assert_int_equal(h.calls, 1); /* se: the initiator's one DH with s */
	noise_hs_free(i);
	noise_hs_free(r);

	/* a holder that cannot mix cannot handshake */
	assert_int_equal(key_identity_remote(&rn, "alice", a->pk, &h_ops_nomix,
	    &h), 0);
	assert_int_equal(noise_hs_new(&i, 0, NULL, 0, rn), 0);
	assert_int_equal(noise_hs_new(&r, 1, NULL, 0, b), 0);
	{
		unsigned char buf[NOISE_MSG_MAX], out[8];
		size_t n, pn;

		assert_int_equal(noise_hs_write(r, buf, &n, sizeof buf, NULL,
		    0), 0);
		assert_int_equal(noise_hs_read(i, out, &pn, sizeof out, buf,
		    n), 0);
		assert_int_equal(noise_hs_write(i, buf, &n, sizeof buf, NULL,
		    0), DT_EINVAL);
	}
	noise_hs_free(i);
	noise_hs_free(r);
	key_identity_free(rn);
	key_identity_free(ra);
	key_identity_free(a);
	key_identity_free(b);
}

/* --- the channel ------------------------------------------------------------ */

typedef struct side {
	int fd;
	int initiator;
	unsigned char dialogue[32];
	key_identity *me;
	const key_identity *allowed; /* the one member accept() accepts */
	int timeout;
	int rc;
	link_chan *l;
} side;

static int
accept_one(void *arg, const unsigned char remote[32], link_peer *peer)
{
	const side *s = arg;
	unsigned char x[32];

	if (s->allowed == NULL ||
	    crypto_sign_ed25519_pk_to_curve25519(x, s->allowed->pk) != 0 ||
	    memcmp(x, remote, 32) != 0)
		return DT_EMEMBER;
	memcpy(peer->pk, s->allowed->pk, KEY_PK_BYTES);
	snprintf(peer->name, sizeof peer->name, "%s", s->allowed->name);
	snprintf(peer->party, sizeof peer->party, "%s", "us");
	return 0;
}

static void *
open_side(void *arg)
{
	side *s = arg;

	s->rc = link_open(&s->l, s->fd, s->fd, s->initiator, s->dialogue,
	    s->me, accept_one, s, s->timeout);
	/* what a program does when its link_open() fails: it hangs up */
	if (s->rc != 0)
		shutdown(s->fd, SHUT_RDWR);
	return NULL;
}

typedef struct pair {
	key_identity *a, *b;
	side sa, sb;
	int fds[2];
} pair;

static void
pair_init(pair *p)
{
	unsigned char seed[32];

	memset(p, 0, sizeof *p);
	memset(seed, 0x51, sizeof seed);
	assert_int_equal(key_identity_from_seed(&p->a, "alice", seed), 0);
	memset(seed, 0x52, sizeof seed);
	assert_int_equal(key_identity_from_seed(&p->b, "bob", seed), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, p->fds), 0);
	p->sa.fd = p->fds[0];
	p->sb.fd = p->fds[1];
	p->sa.initiator = 1;
	p->sb.initiator = 0;
	memset(p->sa.dialogue, 0xd1, 32);
	memset(p->sb.dialogue, 0xd1, 32);
	p->sa.me = p->a;
	p->sb.me = p->b;
	p->sa.allowed = p->b;
	p->sb.allowed = p->a;
	p->sa.timeout = p->sb.timeout = 5000;
}

/* both sides' link_open() at once */
static void
pair_open(pair *p)
{
	pthread_t t;

	assert_int_equal(pthread_create(&t, NULL, open_side, &p->sb), 0);
	open_side(&p->sa);
	assert_int_equal(pthread_join(t, NULL), 0);
}

static void
pair_done(pair *p)
{
	link_close(p->sa.l);
	link_close(p->sb.l);
	if (p->fds[0] >= 0)
		close(p->fds[0]);
	if (p->fds[1] >= 0)
		close(p->fds[1]);
	key_identity_free(p->a);
	key_identity_free(p->b);
}

typedef struct sender {
	link_chan *l;
	const unsigned char *m;
	size_t len;
	int rc;
} sender;

static void *
send_thread(void *arg)
{
	sender *s = arg;

	s->rc = link_send(s->l, s->m, s->len);
	return NULL;
}

/* a message of len bytes from a to b (a thread sends: it may be larger
 * than the socket's buffer) */
static void
roundtrip(link_chan *from, link_chan *to, size_t len)
{
	unsigned char *m = malloc(len + 1), *got;
	size_t glen;
	pthread_t t;
	sender s;

	assert_non_null(m);
	randombytes_buf(m, len);
	s.l = from;
	s.m = m;
	s.len = len;
	assert_int_equal(pthread_create(&t, NULL, send_thread, &s), 0);
	assert_int_equal(link_recv(to, &got, &glen, 10000), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(s.rc, 0);
	assert_int_equal(glen, len);
	assert_non_null(got);
	if (len > 0)
		assert_memory_equal(got, m, len);
	free(got);
	free(m);
}

static void
test_link_roundtrip(void **state)
{
	static const size_t sizes[] = { 0, 1, 100, NOISE_PLAIN_MAX - 4,
		NOISE_PLAIN_MAX - 3, NOISE_PLAIN_MAX, 2 * NOISE_PLAIN_MAX - 4,
		2 * NOISE_PLAIN_MAX - 3, 300000, LINK_MSG_MAX };
	unsigned char *m, *got;
	size_t i, glen;
	pair p;

	(void)state;
	pair_init(&p);
	pair_open(&p);
	assert_int_equal(p.sa.rc, 0);
	assert_int_equal(p.sb.rc, 0);
	assert_memory_equal(link_peer_key(p.sa.l), p.b->pk, KEY_PK_BYTES);
	assert_memory_equal(link_peer_key(p.sb.l), p.a->pk, KEY_PK_BYTES);
	assert_string_equal(link_peer_info(p.sa.l)->name, "bob");
	assert_string_equal(link_peer_info(p.sb.l)->party, "us");
	assert_memory_equal(link_handshake_hash(p.sa.l),
	    link_handshake_hash(p.sb.l), 32);
	assert_int_equal(link_fd(p.sa.l), p.fds[0]);
	for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		roundtrip(p.sa.l, p.sb.l, sizes[i]);
		roundtrip(p.sb.l, p.sa.l, sizes[i]);
	}
	/* nothing waiting: a timeout, and the link still works */
	assert_int_equal(link_recv(p.sb.l, &got, &glen, 0), DT_ETIMEOUT);
	assert_int_equal(link_recv(p.sb.l, &got, &glen, 20), DT_ETIMEOUT);
	roundtrip(p.sa.l, p.sb.l, 5);
	/* over the limit */
	m = calloc(1, LINK_MSG_MAX + 1);
	assert_non_null(m);
	assert_int_equal(link_send(p.sa.l, m, LINK_MSG_MAX + 1), DT_ERANGE);
	free(m);
	/* the peer closes: EOF */
	close(p.fds[0]);
	p.fds[0] = -1;
	assert_int_equal(link_recv(p.sb.l, &got, &glen, 1000), DT_ECLOSED);
	assert_int_equal(link_recv(p.sb.l, &got, &glen, 1000), DT_ECLOSED);
	assert_int_equal(link_send(p.sb.l, (const unsigned char *)"x", 1),
	    DT_ECLOSED);
	pair_done(&p);
}

/* a message that arrives in pieces, across timeouts, is whole at last */
static void
test_link_partial(void **state)
{
	unsigned char *got, frame[2 + 64];
	size_t glen;
	pair p;

	(void)state;
	pair_init(&p);
	pair_open(&p);
	assert_int_equal(p.sa.rc, 0);
	/* send a 10-byte message and relay it a byte at a time */
	{
		/* capture a's frame: a second link_send on a's socket, read
		 * here from b's end */
		ssize_t n;
		size_t k;

		assert_int_equal(link_send(p.sa.l,
		    (const unsigned char *)"0123456789", 10), 0);
		n = read(p.fds[1], frame, sizeof frame);
		assert_int_equal(n, 2 + 4 + 10 + 16);
		/* feed b's side byte by byte through its socket: b reads
		 * p.fds[1], so write into p.fds[0] (a's end) */
		for (k = 0; k < (size_t)n; k++) {
			assert_int_equal(write(p.fds[0], frame + k, 1), 1);
			if (k + 1 < (size_t)n)
				assert_int_equal(link_recv(p.sb.l, &got, &glen,
				    0), DT_ETIMEOUT);
		}
		assert_int_equal(link_recv(p.sb.l, &got, &glen, 1000), 0);
		assert_int_equal(glen, 10);
		assert_memory_equal(got, "0123456789", 10);
		free(got);
	}
	pair_done(&p);
}

/*
 * hostile bytes after a good handshake: b receives what a test writes on
 * a's socket directly.  capture() takes a real frame a sent.
 */
static size_t
capture(pair *p, const char *text, unsigned char *buf, size_t max)
{
	ssize_t n;

	assert_int_equal(link_send(p->sa.l, (const unsigned char *)text,
	    strlen(text)), 0);
	n = read(p->fds[1], buf, max);
	assert_true(n > 0);
	return (size_t)n;
}

static int
recv_after(const unsigned char *bytes, size_t n, int close_after)
{
	unsigned char *got = NULL;
	size_t glen;
	pair p;
	int rc, rc2;

	pair_init(&p);
	pair_open(&p);
	assert_int_equal(p.sa.rc, 0);
	assert_int_equal(p.sb.rc, 0);
	if (n > 0)
		assert_int_equal(write(p.fds[0], bytes, n), (ssize_t)n);
	if (close_after) {
		close(p.fds[0]);
		p.fds[0] = -1;
	}
	rc = link_recv(p.sb.l, &got, &glen, 2000);
	assert_null(got);
	/* the error stays */
	rc2 = link_recv(p.sb.l, &got, &glen, 0);
	if (rc != DT_ETIMEOUT)
		assert_int_equal(rc2, rc);
	pair_done(&p);
	return rc;
}

static void
test_link_hostile(void **state)
{
	unsigned char frame[256], bad[256];
	size_t n, i;
	pair p;

	(void)state;
	/* a real frame, to alter */
	pair_init(&p);
	pair_open(&p);
	n = capture(&p, "hello", frame, sizeof frame);
	pair_done(&p);
	assert_int_equal(n, 2 + 4 + 5 + 16);

	/* the same bytes on a new link (other keys): not authentic */
	assert_int_equal(recv_after(frame, n, 0), DT_EDECRYPT);
	/* garbage: a frame of zero length, a frame shorter than a tag */
	bad[0] = 0;
	bad[1] = 0;
	assert_int_equal(recv_after(bad, 2, 0), DT_EFORMAT);
	bad[1] = 5;
	memset(bad + 2, 0xaa, 5);
	assert_int_equal(recv_after(bad, 7, 0), DT_EFORMAT);
	/* truncation: EOF in a frame's header, in its body */
	assert_int_equal(recv_after(frame, 1, 1), DT_ECLOSED);
	assert_int_equal(recv_after(frame, n - 3, 1), DT_ECLOSED);
	assert_int_equal(recv_after(frame, 0, 1), DT_ECLOSED);
	/* a stall inside a frame: a timeout */
	assert_int_equal(recv_after(frame, 5, 0), DT_ETIMEOUT);
	/* random garbage of every length: never a crash, never a message */
	for (i = 1; i < sizeof bad; i += 17) {
		int rc;

		randombytes_buf(bad, i);
		rc = recv_after(bad, i, 1);
		assert_true(rc == DT_EDECRYPT || rc == DT_EFORMAT ||
		    rc == DT_ECLOSED);
	}

	/* on one link: a tampered frame (every byte position) */
	for (i = 0; i < 2 + 4 + 5 + 16; i++) {
		unsigned char *got = NULL;
		size_t glen;
		int rc;

		pair_init(&p);
		pair_open(&p);
		n = capture(&p, "hello", frame, sizeof frame);
		frame[i] ^= 0x40;
		assert_int_equal(write(p.fds[0], frame, n), (ssize_t)n);
		close(p.fds[0]);
		p.fds[0] = -1;
		rc = link_recv(p.sb.l, &got, &glen, 2000);
		/* the length bytes: a shorter frame fails to decrypt or is
		 * cut; a longer one is cut by EOF */
		assert_true(i < 2 ? rc == DT_EDECRYPT || rc == DT_ECLOSED ||
			rc == DT_EFORMAT : rc == DT_EDECRYPT);
		assert_null(got);
		pair_done(&p);
	}

	/* replay: the same frame twice; the second is not authentic */
	{
		unsigned char *got = NULL;
		size_t glen;

		pair_init(&p);
		pair_open(&p);
		n = capture(&p, "hello", frame, sizeof frame);
		assert_int_equal(write(p.fds[0], frame, n), (ssize_t)n);
		assert_int_equal(write(p.fds[0], frame, n), (ssize_t)n);
		assert_int_equal(link_recv(p.sb.l, &got, &glen, 2000), 0);
		free(got);
		got = NULL;
		assert_int_equal(link_recv(p.sb.l, &got, &glen, 2000),
		    DT_EDECRYPT);
		pair_done(&p);
	}
}

/*
 * An authentic but hostile peer: a's side done by hand (noise_hs and
 * raw frames), b's by link_open() in a thread, so that a can send what
 * an honest link never does.
 */
typedef struct raw {
	pair p;
	pthread_t t;
	noise_cipher *tx, *rx;
} raw;

static void
raw_write(int fd, const unsigned char *m, size_t n)
{
	unsigned char h[2] = { (unsigned char)(n >> 8), (unsigned char)n };

	assert_int_equal(write(fd, h, 2), 2);
	if (n > 0)
		assert_int_equal(write(fd, m, n), (ssize_t)n);
}

static void
read_exact(int fd, unsigned char *buf, size_t n)
{
	ssize_t r;

	while (n > 0) {
		r = read(fd, buf, n);
		assert_true(r > 0);
		buf += r;
		n -= (size_t)r;
	}
}

static size_t
raw_read(int fd, unsigned char *buf)
{
	unsigned char h[2];
	size_t n;

	read_exact(fd, h, 2);
	n = (size_t)h[0] << 8 | h[1];
	read_exact(fd, buf, n);
	return n;
}

/* raw_send() - plain (n bytes) as one transport frame from a */
static void
raw_send(raw *w, const unsigned char *plain, size_t n)
{
	unsigned char *buf = malloc(NOISE_MSG_MAX);

	assert_non_null(buf);
	assert_int_equal(noise_cipher_encrypt(w->tx, buf, NULL, 0, plain, n),
	    0);
	raw_write(w->p.fds[0], buf, n + NOISE_TAG_BYTES);
	free(buf);
}

/*
 * raw_open() - a as initiator by hand, with payload1 in message 1
 * (which b must refuse when it is not empty), b as the link's responder.
 * Returns b's link_open() result.
 */
static int
raw_open(raw *w, const unsigned char *payload1, size_t plen1)
{
	unsigned char pro[LINK_PROLOGUE_BYTES], *buf = malloc(NOISE_MSG_MAX);
	unsigned char out[64];
	noise_hs *hs;
	size_t n, pn;

	assert_non_null(buf);
	memset(w, 0, sizeof *w);
	pair_init(&w->p);
	assert_int_equal(pthread_create(&w->t, NULL, open_side, &w->p.sb), 0);
	link_prologue(pro, w->p.sa.dialogue);
	assert_int_equal(noise_hs_new(&hs, 1, pro, sizeof pro, w->p.a), 0);
	assert_int_equal(noise_hs_write(hs, buf, &n, NOISE_MSG_MAX, payload1,
	    plen1), 0);
	raw_write(w->p.fds[0], buf, n);
	if (plen1 == 0) {
		n = raw_read(w->p.fds[0], buf);
		assert_int_equal(noise_hs_read(hs, out, &pn, sizeof out, buf,
		    n), 0);
		assert_int_equal(noise_hs_write(hs, buf, &n, NOISE_MSG_MAX,
		    NULL, 0), 0);
		raw_write(w->p.fds[0], buf, n);
		assert_int_equal(noise_hs_split(hs, &w->tx, &w->rx), 0);
		/* b's "accepted": the empty message, length 0 */
		n = raw_read(w->p.fds[0], buf);
		assert_int_equal(n, 4 + NOISE_TAG_BYTES);
		assert_int_equal(noise_cipher_decrypt(w->rx, buf, NULL, 0, buf,
		    n), 0);
		assert_memory_equal(buf, "\0\0\0\0", 4);
	}
	assert_int_equal(pthread_join(w->t, NULL), 0);
	noise_hs_free(hs);
	free(buf);
	return w->p.sb.rc;
}

static void
raw_done(raw *w)
{
	noise_cipher_free(w->tx);
	noise_cipher_free(w->rx);
	pair_done(&w->p);
}

/* b's link_recv() after a sent these plaintexts (each a frame) */
static int
raw_case(const unsigned char *const *plains, const size_t *lens, size_t n,
    unsigned char **got, size_t *glen)
{
	raw w;
	size_t i;
	int rc;

	assert_int_equal(raw_open(&w, NULL, 0), 0);
	for (i = 0; i < n; i++)
		raw_send(&w, plains[i], lens[i]);
	shutdown(w.p.fds[0], SHUT_WR);
	rc = link_recv(w.p.sb.l, got, glen, 2000);
	raw_done(&w);
	return rc;
}

static void
test_link_authentic_hostile(void **state)
{
	static const unsigned char too_big[4] = { 0x00, 0x11, 0x00, 0x01 };
	static const unsigned char len10_11[4 + 11] = { 0, 0, 0, 10 };
	static const unsigned char len100_10[4 + 10] = { 0, 0, 0, 100 };
	static const unsigned char empty[1] = { 0 };
	static const unsigned char three[3] = { 0, 0, 0 };
	static const unsigned char len3[4] = { 0, 0, 0, 3 };
	const unsigned char *pl[8];
	size_t ln[8], glen;
	unsigned char *got = NULL;
	raw w;

	(void)state;
	assert_int_equal(LINK_MSG_MAX + 1, 0x00110001);
	/* a length over LINK_MSG_MAX: refused before any allocation */
	pl[0] = too_big;
	ln[0] = 4;
	assert_int_equal(raw_case(pl, ln, 1, &got, &glen), DT_EFORMAT);
	assert_null(got);
	/* more bytes than announced */
	pl[0] = len10_11;
	ln[0] = sizeof len10_11;
	assert_int_equal(raw_case(pl, ln, 1, &got, &glen), DT_EFORMAT);
	/* an empty continuation */
	pl[0] = len100_10;
	ln[0] = sizeof len100_10;
	pl[1] = empty;
	ln[1] = 0;
	assert_int_equal(raw_case(pl, ln, 2, &got, &glen), DT_EFORMAT);
	/* a first plaintext too short for the length */
	pl[0] = three;
	ln[0] = 3;
	assert_int_equal(raw_case(pl, ln, 1, &got, &glen), DT_EFORMAT);
	/* a message cut after its first frame: the link ends */
	pl[0] = len100_10;
	ln[0] = sizeof len100_10;
	assert_int_equal(raw_case(pl, ln, 1, &got, &glen), DT_ECLOSED);
	assert_null(got);
	/* chunks of other sizes than link_send() makes are still one
	 * message: the length alone, then 1 + 2 bytes */
	pl[0] = len3;
	ln[0] = 4;
	pl[1] = (const unsigned char *)"a";
	ln[1] = 1;
	pl[2] = (const unsigned char *)"bc";
	ln[2] = 2;
	assert_int_equal(raw_case(pl, ln, 3, &got, &glen), 0);
	assert_int_equal(glen, 3);
	assert_memory_equal(got, "abc", 3);
	free(got);
	got = NULL;
	/* a payload in handshake message 1: refused */
	assert_int_equal(raw_open(&w, (const unsigned char *)"v2", 2),
	    DT_EFORMAT);
	assert_null(w.p.sb.l);
	raw_done(&w);
}

/* the handshake: refusal on each side, another dialogue, a stall */
static void
test_link_refused(void **state)
{
	key_identity *c;
	unsigned char seed[32];
	pair p;

	(void)state;
	memset(seed, 0x53, sizeof seed);
	assert_int_equal(key_identity_from_seed(&c, "carol", seed), 0);

	/* b accepts only carol: a is refused after message 3; a learns it
	 * from the link's end, during its link_open() */
	pair_init(&p);
	p.sb.allowed = c;
	pair_open(&p);
	assert_int_equal(p.sb.rc, DT_EMEMBER);
	assert_null(p.sb.l);
	/* a waits for b's "accepted" message; b closed instead */
	assert_true(p.sa.rc == DT_ECLOSED);
	assert_null(p.sa.l);
	pair_done(&p);

	/* a accepts only carol: b is refused after message 2 */
	pair_init(&p);
	p.sa.allowed = c;
	p.sb.timeout = 2000;
	{
		pthread_t t;

		assert_int_equal(pthread_create(&t, NULL, open_side, &p.sb),
		    0);
		open_side(&p.sa);
		assert_int_equal(p.sa.rc, DT_EMEMBER);
		close(p.fds[0]);
		p.fds[0] = -1;
		assert_int_equal(pthread_join(t, NULL), 0);
	}
	assert_int_equal(p.sb.rc, DT_ECLOSED);
	pair_done(&p);

	/* another dialogue: the initiator cannot read message 2 */
	pair_init(&p);
	p.sb.dialogue[0] ^= 1;
	p.sb.timeout = 2000;
	{
		pthread_t t;

		assert_int_equal(pthread_create(&t, NULL, open_side, &p.sb),
		    0);
		open_side(&p.sa);
		assert_int_equal(p.sa.rc, DT_EDECRYPT);
		close(p.fds[0]);
		p.fds[0] = -1;
		assert_int_equal(pthread_join(t, NULL), 0);
	}
	assert_int_equal(p.sb.rc, DT_ECLOSED);
	pair_done(&p);

	/* a peer that says nothing: the handshake times out */
	pair_init(&p);
	p.sb.timeout = 200;
	open_side(&p.sb);
	assert_int_equal(p.sb.rc, DT_ETIMEOUT);
	pair_done(&p);

	/* garbage instead of message 1 (too short for a key) */
	pair_init(&p);
	assert_int_equal(write(p.fds[0], "\x00\x05hello", 7), 7);
	open_side(&p.sb);
	assert_int_equal(p.sb.rc, DT_EFORMAT);
	pair_done(&p);

	key_identity_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_tampered),
		cmocka_unit_test(test_wrong_prologue),
		cmocka_unit_test(test_misuse),
		cmocka_unit_test(test_nonce_limit),
		cmocka_unit_test(test_identity_static),
		cmocka_unit_test(test_link_roundtrip),
		cmocka_unit_test(test_link_partial),
		cmocka_unit_test(test_link_hostile),
		cmocka_unit_test(test_link_authentic_hostile),
		cmocka_unit_test(test_link_refused),
	};

	if (sodium_init() < 0)
		return 1;
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
