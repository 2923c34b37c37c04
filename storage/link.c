/*
 * link.c: the sync channel: Noise XX over two descriptors, frames and
 * application messages (link.h and docs/FORMAT.md, "Sync channel").
 *
 * Reading is a small state machine kept in the link (a frame's length,
 * its bytes, the message so far), so that a timeout leaves the link
 * usable and the next link_recv() continues where the last one stopped.
 * Every read asks for no more than the current frame still needs, and
 * every allocation has a size checked against a limit first: a frame
 * buffer of NOISE_MSG_MAX bytes, and a message of at most LINK_MSG_MAX
 * bytes once an authentic first frame has announced it.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "../crypto/err.h"
#include "../crypto/keys.h"
#include "../crypto/noise.h"
#include "link.h"

#define FRAME_HDR 2U
#define LEN_HDR 4U     /* an application message's u32 length */
#define NO_DEADLINE (-1)
/* a pipe takes PIPE_BUF bytes without blocking once poll() says so */
#define PIPE_CHUNK 4096U

struct link_chan {
	int rfd, wfd;
	noise_cipher *tx, *rx;
	link_peer peer;
	unsigned char hh[NOISE_HASH_BYTES];
	int send_timeout;
	int wsock;                     /* 1 socket, 0 not, -1 not known yet */
	int tx_dead;
	int rx_err;                    /* the error that ended receiving */
	/* receiving */
	unsigned char hdr[FRAME_HDR];
	size_t hdr_have;
	unsigned char *frame;          /* NOISE_MSG_MAX bytes */
	size_t frame_len, frame_have;
	unsigned char *msg;            /* the message being assembled */
	size_t msg_len, msg_have;
	int in_msg;
	/* sending: a frame's header and ciphertext */
	unsigned char *txbuf;          /* FRAME_HDR + NOISE_MSG_MAX bytes */
};

/* --- time ------------------------------------------------------------------- */

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* a deadline from a timeout: NO_DEADLINE for -1 (or any negative) */
static int64_t
deadline_of(int timeout_ms)
{
	return timeout_ms < 0 ? NO_DEADLINE : now_ms() + timeout_ms;
}

/* what is left until deadline, as poll() takes it */
static int
left_ms(int64_t deadline)
{
	int64_t left;

	if (deadline == NO_DEADLINE)
		return -1;
	left = deadline - now_ms();
	if (left < 0)
		return 0;
	return left > INT_MAX ? INT_MAX : (int)left;
}

/* poll fd for events until deadline: 0, DT_ETIMEOUT, DT_EIO */
static int
wait_fd(int fd, short events, int64_t deadline)
{
	struct pollfd p;
	int n;

	for (;;) {
		p.fd = fd;
		p.events = events;
		p.revents = 0;
		n = poll(&p, 1, left_ms(deadline));
		if (n > 0)
			return 0; /* readable, writable, or an error/hangup that
				   * the read or write will report */
		if (n == 0)
			return DT_ETIMEOUT;
		if (errno != EINTR)
			return DT_EIO;
	}
}

/* --- bytes in and out ------------------------------------------------------- */

/* read_some() - at least 1 and at most n bytes: their count, or an error */
static ssize_t
read_some(int fd, unsigned char *buf, size_t n, int64_t deadline)
{
	ssize_t r;
	int rc;

	for (;;) {
		if ((rc = wait_fd(fd, POLLIN, deadline)) != 0)
			return rc;
		r = read(fd, buf, n);
		if (r > 0)
			return r;
		if (r == 0)
			return DT_ECLOSED;
		if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
			continue;
		return errno == ECONNRESET ? DT_ECLOSED : DT_EIO;
	}
}

/*
 * write_all() - all n bytes, none of the writes blocking past deadline:
 * a socket is written with MSG_DONTWAIT (and MSG_NOSIGNAL), anything else
 * (a pipe) PIPE_CHUNK bytes at a time after poll() says it is writable.
 */
static int
write_all(link_chan *l, const unsigned char *buf, size_t n, int64_t deadline)
{
	ssize_t w;
	size_t want;
	int rc;

	while (n > 0) {
		if ((rc = wait_fd(l->wfd, POLLOUT, deadline)) != 0)
			return rc;
		w = -1;
		if (l->wsock != 0) {
			w = send(l->wfd, buf, n, MSG_DONTWAIT | MSG_NOSIGNAL);
			if (w < 0 && errno == ENOTSOCK)
				l->wsock = 0;
			else
				l->wsock = 1;
		}
		if (l->wsock == 0) {
			want = n < PIPE_CHUNK ? n : PIPE_CHUNK;
			w = write(l->wfd, buf, want);
		}
		if (w > 0) {
			buf += w;
			n -= (size_t)w;
			continue;
		}
		if (w < 0 && (errno == EINTR || errno == EAGAIN ||
			errno == EWOULDBLOCK))
			continue;
		if (w < 0 && (errno == EPIPE || errno == ECONNRESET))
			return DT_ECLOSED;
		return DT_EIO;
	}
	return 0;
}

/*
 * read_frame() - complete the current frame (continuing a partial one):
 * 0 with l->frame holding l->frame_len bytes, or an error.  The caller
 * takes the frame and calls frame_done().
 */
static int
read_frame(link_chan *l, int64_t deadline)
{
	ssize_t r;

	while (l->hdr_have < FRAME_HDR) {
		r = read_some(l->rfd, l->hdr + l->hdr_have,
		    FRAME_HDR - l->hdr_have, deadline);
		if (r < 0)
			return (int)r;
		l->hdr_have += (size_t)r;
		if (l->hdr_have == FRAME_HDR) {
			l->frame_len = (size_t)l->hdr[0] << 8 | l->hdr[1];
			l->frame_have = 0;
			if (l->frame_len == 0)
				return DT_EFORMAT;
		}
	}
	while (l->frame_have < l->frame_len) {
		r = read_some(l->rfd, l->frame + l->frame_have,
		    l->frame_len - l->frame_have, deadline);
		if (r < 0)
			return (int)r;
		l->frame_have += (size_t)r;
	}
	return 0;
}

static void
frame_done(link_chan *l)
{
	l->hdr_have = 0;
	l->frame_len = l->frame_have = 0;
}

/* write_frame() - l->txbuf's frame of len bytes (after its header) */
static int
write_frame(link_chan *l, size_t len, int64_t deadline)
{
	l->txbuf[0] = (unsigned char)(len >> 8);
	l->txbuf[1] = (unsigned char)len;
	return write_all(l, l->txbuf, FRAME_HDR + len, deadline);
}

/* --- application messages --------------------------------------------------- */

static int
send_msg(link_chan *l, const unsigned char *msg, size_t len, int64_t deadline)
{
	unsigned char *plain = l->txbuf + FRAME_HDR;
	size_t off = 0, take, hdr = LEN_HDR;
	int rc;

	if (len > LINK_MSG_MAX)
		return DT_ERANGE;
	if (l->tx_dead)
		return DT_ESTATE;
	/* the first plaintext: u32 length, then as much as fits */
	plain[0] = (unsigned char)(len >> 24);
	plain[1] = (unsigned char)(len >> 16);
	plain[2] = (unsigned char)(len >> 8);
	plain[3] = (unsigned char)len;
	do {
		take = len - off;
		if (take > NOISE_PLAIN_MAX - hdr)
			take = NOISE_PLAIN_MAX - hdr;
		if (take > 0)
			memcpy(plain + hdr, msg + off, take);
		if ((rc = noise_cipher_encrypt(l->tx, plain, NULL, 0, plain,
			 hdr + take)) != 0 ||
		    (rc = write_frame(l, hdr + take + NOISE_TAG_BYTES,
			 deadline)) != 0) {
			l->tx_dead = 1;
			return rc;
		}
		off += take;
		hdr = 0;
	} while (off < len);
	return 0;
}

static void
msg_reset(link_chan *l)
{
	free(l->msg);
	l->msg = NULL;
	l->msg_len = l->msg_have = 0;
	l->in_msg = 0;
}

/*
 * recv_msg() - the next message; every error but DT_ETIMEOUT is kept in
 * l->rx_err and the part of a message already read is dropped.
 */
static int
recv_msg(link_chan *l, unsigned char **msg, size_t *len, int64_t deadline)
{
	unsigned char *plain, *data;
	size_t plen, dlen;
	int rc;

	*msg = NULL;
	*len = 0;
	if (l->rx_err != 0)
		return l->rx_err;
	for (;;) {
		if ((rc = read_frame(l, deadline)) != 0)
			goto fail;
		if (l->frame_len < NOISE_TAG_BYTES) {
			rc = DT_EFORMAT;
			goto fail;
		}
		if ((rc = noise_cipher_decrypt(l->rx, l->frame, NULL, 0,
			 l->frame, l->frame_len)) != 0)
			goto fail;
		plain = l->frame;
		plen = l->frame_len - NOISE_TAG_BYTES;
		frame_done(l);
		if (!l->in_msg) {
			if (plen < LEN_HDR) {
				rc = DT_EFORMAT;
				goto fail;
			}
			l->msg_len = (size_t)plain[0] << 24 |
			    (size_t)plain[1] << 16 | (size_t)plain[2] << 8 |
			    plain[3];
			if (l->msg_len > LINK_MSG_MAX) {
				rc = DT_EFORMAT;
				goto fail;
			}
			/* checked against LINK_MSG_MAX just above */
			if ((l->msg = malloc(l->msg_len > 0 ? l->msg_len : 1)) ==
			    NULL) {
				rc = DT_ENOMEM;
				goto fail;
			}
			l->msg_have = 0;
			l->in_msg = 1;
			data = plain + LEN_HDR;
			dlen = plen - LEN_HDR;
		} else {
			data = plain;
			dlen = plen;
			if (dlen == 0) {
				rc = DT_EFORMAT;
				goto fail;
			}
		}
		if (dlen > l->msg_len - l->msg_have) {
			rc = DT_EFORMAT;
			goto fail;
		}
		if (dlen > 0)
			memcpy(l->msg + l->msg_have, data, dlen);
		l->msg_have += dlen;
		if (l->msg_have == l->msg_len) {
			*msg = l->msg;
			*len = l->msg_len;
			l->msg = NULL;
			msg_reset(l);
			return 0;
		}
	}
fail:
	if (rc != DT_ETIMEOUT) {
		l->rx_err = rc;
		msg_reset(l);
		frame_done(l);
	}
	return rc;
}

int
link_send(link_chan *l, const unsigned char *msg, size_t len)
{
	if (l == NULL || (msg == NULL && len > 0))
		return DT_EINVAL;
	return send_msg(l, msg, len, deadline_of(l->send_timeout));
}

int
link_recv(link_chan *l, unsigned char **msg, size_t *len, int timeout_ms)
{
	*msg = NULL;
	*len = 0;
	if (l == NULL)
		return DT_EINVAL;
	return recv_msg(l, msg, len, deadline_of(timeout_ms));
}

/* --- the handshake ---------------------------------------------------------- */

void
link_prologue(unsigned char out[LINK_PROLOGUE_BYTES],
    const unsigned char dialogue[32])
{
	memcpy(out, LINK_PROLOGUE_CTX, LINK_PROLOGUE_CTX_BYTES);
	memcpy(out + LINK_PROLOGUE_CTX_BYTES, dialogue, 32);
}

/* hs_write() - our next handshake message (an empty payload), framed */
static int
hs_write(link_chan *l, noise_hs *hs, int64_t deadline)
{
	size_t n;
	int rc;

	if ((rc = noise_hs_write(hs, l->txbuf + FRAME_HDR, &n, NOISE_MSG_MAX,
		 NULL, 0)) != 0)
		return rc;
	return write_frame(l, n, deadline);
}

/* hs_read() - the peer's next handshake message; its payload must be
 * empty */
static int
hs_read(link_chan *l, noise_hs *hs, int64_t deadline)
{
	unsigned char none[1];
	size_t n;
	int rc;

	if ((rc = read_frame(l, deadline)) != 0)
		return rc;
	rc = noise_hs_read(hs, none, &n, 0, l->frame, l->frame_len);
	frame_done(l);
	return rc == DT_ERANGE ? DT_EFORMAT : rc;
}

/* check_peer() - accept()'s word on the peer's static key */
static int
check_peer(link_chan *l, noise_hs *hs, link_accept_fn accept, void *arg)
{
	const unsigned char *rs = noise_hs_remote_static(hs);
	unsigned char x[LINK_X25519_BYTES];
	int rc;

	if (rs == NULL)
		return DT_ESTATE;
	memset(&l->peer, 0, sizeof l->peer);
	if ((rc = accept(arg, rs, &l->peer)) != 0)
		return rc < 0 ? rc : DT_EMEMBER;
	/* accept() named the key it was given, not another */
	if (crypto_sign_ed25519_pk_to_curve25519(x, l->peer.pk) != 0 ||
	    sodium_memcmp(x, rs, sizeof x) != 0)
		return DT_EMEMBER;
	l->peer.name[KEY_NAME_MAX] = '\0';
	l->peer.party[LINK_PARTY_BYTES - 1] = '\0';
	return 0;
}

int
link_open(link_chan **out, int rfd, int wfd, int initiator,
    const unsigned char dialogue[32], const key_identity *me,
    link_accept_fn accept, void *arg, int timeout_ms)
{
	unsigned char prologue[LINK_PROLOGUE_BYTES], *ok = NULL;
	noise_hs *hs = NULL;
	link_chan *l = NULL;
	int64_t deadline = deadline_of(timeout_ms);
	size_t oklen;
	int rc;

	*out = NULL;
	if (dialogue == NULL || me == NULL || accept == NULL || rfd < 0 ||
	    wfd < 0)
		return DT_EINVAL;
	if ((l = calloc(1, sizeof *l)) == NULL)
		return DT_ENOMEM;
	l->rfd = rfd;
	l->wfd = wfd;
	l->wsock = -1;
	l->send_timeout = timeout_ms;
	if ((l->frame = malloc(NOISE_MSG_MAX)) == NULL ||
	    (l->txbuf = malloc(FRAME_HDR + NOISE_MSG_MAX)) == NULL) {
		rc = DT_ENOMEM;
		goto out;
	}
	link_prologue(prologue, dialogue);
	if ((rc = noise_hs_new(&hs, initiator, prologue, sizeof prologue,
		 me)) != 0)
		goto out;
	if (initiator) {
		/* -> e;  <- e, ee, s, es;  (accept);  -> s, se */
		if ((rc = hs_write(l, hs, deadline)) != 0 ||
		    (rc = hs_read(l, hs, deadline)) != 0 ||
		    (rc = check_peer(l, hs, accept, arg)) != 0 ||
		    (rc = hs_write(l, hs, deadline)) != 0)
			goto out;
	} else {
		if ((rc = hs_read(l, hs, deadline)) != 0 ||
		    (rc = hs_write(l, hs, deadline)) != 0 ||
		    (rc = hs_read(l, hs, deadline)) != 0 ||
		    (rc = check_peer(l, hs, accept, arg)) != 0)
			goto out;
	}
	noise_hs_hash(hs, l->hh);
	if ((rc = noise_hs_split(hs, &l->tx, &l->rx)) != 0)
		goto out;
	/* the responder says it accepted us: its first message, empty */
	if (initiator) {
		if ((rc = recv_msg(l, &ok, &oklen, deadline)) != 0)
			goto out;
		if (oklen != 0) {
			rc = DT_EFORMAT;
			goto out;
		}
	} else if ((rc = send_msg(l, NULL, 0, deadline)) != 0)
		goto out;
	*out = l;
	l = NULL;
	rc = 0;
out:
	free(ok);
	noise_hs_free(hs);
	link_close(l);
	return rc;
}

/* --- accessors -------------------------------------------------------------- */

void
link_set_send_timeout(link_chan *l, int timeout_ms)
{
	l->send_timeout = timeout_ms;
}

int
link_fd(const link_chan *l)
{
	return l->rfd;
}

const unsigned char *
link_peer_key(const link_chan *l)
{
	return l->peer.pk;
}

const link_peer *
link_peer_info(const link_chan *l)
{
	return &l->peer;
}

const unsigned char *
link_handshake_hash(const link_chan *l)
{
	return l->hh;
}

void
link_close(link_chan *l)
{
	if (l == NULL)
		return;
	noise_cipher_free(l->tx);
	noise_cipher_free(l->rx);
	free(l->msg);
	if (l->frame != NULL)
		sodium_memzero(l->frame, NOISE_MSG_MAX);
	if (l->txbuf != NULL)
		sodium_memzero(l->txbuf, FRAME_HDR + NOISE_MSG_MAX);
	free(l->frame);
	free(l->txbuf);
	sodium_memzero(l, sizeof *l);
	free(l);
}
