/*
 * sync_chan.c: the transport of one live link (sync_chan.h): the secure
 * channel, and the pump that writes for it.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "../crypto/err.h"
#include "../storage/sync.h"
#include "sync_chan.h"

struct pump {
	int in;                  /* our end of the socket pair */
	int out;                 /* the real descriptor toward the peer */
	int stall_ms;
	unsigned char *buf;      /* bytes read from in, not yet written */
	size_t off, len;
	int stalled;             /* the peer read nothing for stall_ms */
	int failed;              /* writing to out failed */
	pthread_t th;
	int running;
};

struct sync_chan {
	int rfd;
	int wfd;                 /* the channel writes here: the pump's pair */
	struct pump pump;
	unsigned char peer[KEY_PK_BYTES];
	unsigned char *rbuf;
	size_t rcap;
	char why[200];
};

static uint64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000U + (uint64_t)ts.tv_nsec / 1000000U;
}

static void
set_why(sync_chan *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->why, sizeof c->why, fmt, ap);
	va_end(ap);
}

/*
 * pump_main() - move bytes from the pair to the peer until the channel
 * closes its end and everything is written, or the peer stalls.
 */
static void *
pump_main(void *arg)
{
	struct pump *p = arg;
	struct pollfd pf[2];
	uint64_t last = mono_ms();
	int in_open = 1;
	ssize_t n;

	for (;;) {
		size_t room = CHAN_PUMP_MAX - p->len;
		int nf = 0, ii = -1, oi = -1, r;

		if (!in_open && p->len == 0)
			break;
		if (in_open && room > 0) {
			pf[nf].fd = p->in;
			pf[nf].events = POLLIN;
			ii = nf++;
		}
		if (p->len > 0) {
			pf[nf].fd = p->out;
			pf[nf].events = POLLOUT;
			oi = nf++;
		} else
			last = mono_ms();
		r = poll(pf, (nfds_t)nf, 200);
		if (r < 0 && errno != EINTR) {
			p->failed = 1;
			break;
		}
		if (p->len > 0 && mono_ms() - last > (uint64_t)p->stall_ms) {
			p->stalled = 1;
			break;
		}
		if (r <= 0)
			continue;
		if (ii >= 0 && (pf[ii].revents & (POLLIN | POLLHUP | POLLERR))) {
			if (p->off > 0 && p->off + p->len + 65536 >
			    CHAN_PUMP_MAX) {
				memmove(p->buf, p->buf + p->off, p->len);
				p->off = 0;
			}
			room = CHAN_PUMP_MAX - p->off - p->len;
			if (room > 65536)
				room = 65536;
			n = room > 0 ? read(p->in, p->buf + p->off + p->len,
			    room) : 0;
			if (n > 0)
				p->len += (size_t)n;
			else if (room > 0 && (n == 0 || (errno != EAGAIN &&
			    errno != EINTR)))
				in_open = 0;
		}
		if (oi >= 0 && (pf[oi].revents & (POLLOUT | POLLHUP |
		    POLLERR))) {
			n = write(p->out, p->buf + p->off, p->len);
			if (n > 0) {
				p->off += (size_t)n;
				p->len -= (size_t)n;
				if (p->len == 0)
					p->off = 0;
				last = mono_ms();
			} else if (n < 0 && errno != EAGAIN && errno != EINTR) {
				p->failed = 1;
				break;
			}
		}
	}
	/* The channel's next send fails: nobody reads this end any more. */
	shutdown(p->in, SHUT_RDWR);
	return NULL;
}

static int
pump_start(struct pump *p, int out, int stall_ms, int *chan_end)
{
	int sp[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp) != 0)
		return DT_EIO;
	if ((p->buf = malloc(CHAN_PUMP_MAX)) == NULL) {
		close(sp[0]);
		close(sp[1]);
		return DT_ENOMEM;
	}
	p->in = sp[1];
	p->out = out;
	p->stall_ms = stall_ms;
	(void)fcntl(p->in, F_SETFL, fcntl(p->in, F_GETFL) | O_NONBLOCK);
	(void)fcntl(out, F_SETFL, fcntl(out, F_GETFL) | O_NONBLOCK);
	if (pthread_create(&p->th, NULL, pump_main, p) != 0) {
		close(sp[0]);
		close(sp[1]);
		free(p->buf);
		p->buf = NULL;
		return DT_ENOMEM;
	}
	p->running = 1;
	*chan_end = sp[0];
	return 0;
}

static void
pump_stop(struct pump *p)
{
	if (!p->running)
		return;
	pthread_join(p->th, NULL);
	p->running = 0;
	close(p->in);
	free(p->buf);
	p->buf = NULL;
}

/* write_all() - the n bytes at b to the pump's pair (blocking). */
static int
write_all(int fd, const unsigned char *b, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = send(fd, b, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return DT_EIO;
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * read_full() - n bytes from fd before deadline (monotonic ms).
 * @return 0, 1 (nothing at all came and may_idle), DT_EIO (cut: *eof
 *         1 for an orderly end, or a timeout mid-message).
 */
static int
read_full(int fd, unsigned char *b, size_t n, uint64_t deadline,
    int may_idle, int *eof, int *timeout)
{
	struct pollfd pf;
	size_t got = 0;
	ssize_t r;
	uint64_t now;

	*eof = 0;
	*timeout = 0;
	while (got < n) {
		int pr;

		now = mono_ms();
		pf.fd = fd;
		pf.events = POLLIN;
		pr = poll(&pf, 1, now < deadline ? (int)(deadline - now) : 0);
		if (pr <= 0) {
			if (pr < 0 && errno == EINTR)
				continue;
			if (mono_ms() < deadline)
				continue;
			if (got == 0 && may_idle)
				return 1;
			*timeout = 1;
			return DT_EIO;
		}
		r = read(fd, b + got, n - got);
		if (r == 0) {
			*eof = 1;
			return DT_EIO;
		}
		if (r < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return DT_EIO;
		}
		got += (size_t)r;
		/* once a message has begun, it must all come */
		may_idle = 0;
	}
	return 0;
}

/*
 * Until the Noise channel is merged: a plain framing (u32 length ||
 * message) and a handshake that only names the dialogue and the key.
 * Not secure; replaced by crypto/noise.h's channel.
 */
#define STUB_MAGIC "DTSTUB01"

static int
stub_handshake(sync_chan *c, record *r, const key_identity *id,
    int timeout_ms)
{
	unsigned char hello[8 + ENTRY_HASH_BYTES + KEY_PK_BYTES], got[sizeof hello];
	const record_member *m;
	int eof, to, rc;

	memcpy(hello, STUB_MAGIC, 8);
	memcpy(hello + 8, record_id(r), ENTRY_HASH_BYTES);
	memcpy(hello + 8 + ENTRY_HASH_BYTES, id->pk, KEY_PK_BYTES);
	if (write_all(c->wfd, hello, sizeof hello) != 0) {
		set_why(c, "the link was cut during the handshake");
		return DT_EIO;
	}
	if ((rc = read_full(c->rfd, got, sizeof got, mono_ms() +
	    (uint64_t)timeout_ms, 0, &eof, &to)) != 0) {
		set_why(c, to ? "no handshake from the peer within %d s" :
		    "the link was cut during the handshake",
		    timeout_ms / 1000);
		return DT_EIO;
	}
	if (memcmp(got, STUB_MAGIC, 8) != 0) {
		set_why(c, "the peer does not speak the sync protocol");
		return DT_EFORMAT;
	}
	if (sodium_memcmp(got + 8, record_id(r), ENTRY_HASH_BYTES) != 0) {
		set_why(c, "the peer's replica is of another dialogue");
		return DT_EDIALOGUE;
	}
	memcpy(c->peer, got + 8 + ENTRY_HASH_BYTES, KEY_PK_BYTES);
	if ((m = record_member_find(r, c->peer)) == NULL ||
	    m->removed_clock != 0) {
		set_why(c, "the peer's key is no current member of the "
		    "dialogue");
		return DT_EMEMBER;
	}
	return 0;
}

int
chan_open(sync_chan **out, int rfd, int wfd, int initiator, record *r,
    const key_identity *id, int timeout_ms, int stall_ms, char *why,
    size_t whylen)
{
	sync_chan *c;
	int rc, end = -1;

	(void)initiator;
	*out = NULL;
	if ((c = calloc(1, sizeof *c)) == NULL) {
		snprintf(why, whylen, "out of memory");
		if (rfd != wfd)
			close(wfd);
		close(rfd);
		return DT_ENOMEM;
	}
	c->rfd = rfd;
	c->wfd = -1;
	if ((rc = pump_start(&c->pump, wfd, stall_ms, &end)) != 0) {
		snprintf(why, whylen, "cannot start the link: %s",
		    dt_strerror(rc));
		if (rfd != wfd)
			close(wfd);
		close(rfd);
		free(c);
		return rc;
	}
	c->wfd = end;
	if ((rc = stub_handshake(c, r, id, timeout_ms)) != 0) {
		snprintf(why, whylen, "%s", c->why);
		chan_close(c);
		return rc;
	}
	*out = c;
	return 0;
}

int
chan_send(sync_chan *c, const unsigned char *msg, size_t len)
{
	unsigned char h[4];

	h[0] = (unsigned char)(len >> 24);
	h[1] = (unsigned char)(len >> 16);
	h[2] = (unsigned char)(len >> 8);
	h[3] = (unsigned char)len;
	if (write_all(c->wfd, h, 4) != 0 || write_all(c->wfd, msg, len) != 0) {
		set_why(c, c->pump.stalled ? "the peer stopped reading" :
		    "the link was cut");
		return DT_EIO;
	}
	return 0;
}

int
chan_recv(sync_chan *c, const unsigned char **msg, size_t *len,
    int timeout_ms)
{
	unsigned char h[4];
	uint64_t deadline = mono_ms() + (uint64_t)timeout_ms;
	size_t n;
	int eof, to, rc;

	*msg = NULL;
	*len = 0;
	rc = read_full(c->rfd, h, 4, deadline, 1, &eof, &to);
	if (rc == 1)
		return 1;
	if (rc != 0)
		goto cut;
	n = (size_t)h[0] << 24 | (size_t)h[1] << 16 | (size_t)h[2] << 8 | h[3];
	if (n == 0 || n > SYNC_MSG_MAX) {
		set_why(c, "a message of %lu bytes (at most %u)",
		    (unsigned long)n, SYNC_MSG_MAX);
		return DT_EFORMAT;
	}
	if (n > c->rcap) {
		unsigned char *nb = realloc(c->rbuf, n);

		if (nb == NULL)
			return DT_ENOMEM;
		c->rbuf = nb;
		c->rcap = n;
	}
	/* The rest of a message that has begun: the stall timeout. */
	deadline = mono_ms() + (uint64_t)c->pump.stall_ms;
	if ((rc = read_full(c->rfd, c->rbuf, n, deadline, 0, &eof, &to)) != 0)
		goto cut;
	*msg = c->rbuf;
	*len = n;
	return 0;
cut:
	set_why(c, to ? "the peer stalled in the middle of a message" :
	    eof ? "the link was closed" : "the link was cut");
	return DT_EIO;
}

int
chan_pending(sync_chan *c)
{
	(void)c;
	return 0;
}

int
chan_fd(const sync_chan *c)
{
	return c->rfd;
}

const unsigned char *
chan_peer(const sync_chan *c)
{
	return c->peer;
}

const char *
chan_why(const sync_chan *c)
{
	return c->why;
}

void
chan_close(sync_chan *c)
{
	if (c == NULL)
		return;
	if (c->wfd >= 0)
		close(c->wfd);
	pump_stop(&c->pump);
	if (c->pump.out >= 0 && c->pump.out != c->rfd)
		close(c->pump.out);
	else if (c->pump.out == c->rfd)
		shutdown(c->rfd, SHUT_WR);
	close(c->rfd);
	free(c->rbuf);
	free(c);
}
