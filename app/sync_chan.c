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
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "../crypto/err.h"
#include "../storage/link.h"
#include "../storage/sync.h"
#include "i18n.h"
#include "sync_chan.h"

struct pump {
	int in;                  /* our end of the socket pair */
	int out;                 /* the real descriptor toward the peer */
	int stall_ms;
	int sock;                /* out is a socket: send(MSG_DONTWAIT) */
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
	link_chan *l;
	unsigned char *rbuf;     /* the message received last */
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
			n = p->sock ? send(p->out, p->buf + p->off, p->len,
			    MSG_DONTWAIT | MSG_NOSIGNAL) :
			    write(p->out, p->buf + p->off, p->len);
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
	/*
	 * A socket is written with MSG_DONTWAIT, leaving its flags alone
	 * (the channel reads the same socket); a pipe's write end is its
	 * own and may be made non-blocking.
	 */
	{
		struct stat st;

		p->sock = fstat(out, &st) == 0 && S_ISSOCK(st.st_mode);
		if (!p->sock)
			(void)fcntl(out, F_SETFL, fcntl(out, F_GETFL) |
			    O_NONBLOCK);
	}
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

/*
 * accept_member() - link_open()'s decision: remote must be the X25519
 * form of a current member's key (record r).
 */
static int
accept_member(void *arg, const unsigned char remote[LINK_X25519_BYTES],
    link_peer *peer)
{
	record *r = arg;
	unsigned char x[LINK_X25519_BYTES];
	const record_member *m;
	size_t i;

	for (i = 0; i < record_nmembers(r); i++) {
		m = record_member_at(r, i);
		if (m->removed_clock != 0 ||
		    crypto_sign_ed25519_pk_to_curve25519(x, m->pk) != 0 ||
		    sodium_memcmp(x, remote, sizeof x) != 0)
			continue;
		memcpy(peer->pk, m->pk, KEY_PK_BYTES);
		snprintf(peer->name, sizeof peer->name, "%s", m->name);
		snprintf(peer->party, sizeof peer->party, "%s", m->party);
		return 0;
	}
	return DT_EMEMBER;
}

/* The handshake's failure, in words. */
static const char *
open_why(int rc, int timeout_ms, char *buf, size_t len)
{
	switch (rc) {
	case DT_EMEMBER:
		return _("the peer's key is no current member of the dialogue");
	case DT_EDECRYPT:
		return _("the handshake does not authenticate: the peer is of "
		    "another dialogue, or the bytes were altered");
	case DT_ECLOSED:
		return _("the peer closed the link during the handshake: it "
		    "does not take us as a current member of its dialogue, "
		    "or it stopped");
	case DT_ETIMEOUT:
		snprintf(buf, len, _("no handshake from the peer within %d s"),
		    timeout_ms / 1000);
		return buf;
	case DT_EFORMAT:
		return _("the peer does not speak the sync protocol (garbage)");
	default:
		snprintf(buf, len, "%s", dt_strerror(rc));
		return buf;
	}
}

int
chan_open(sync_chan **out, int rfd, int wfd, int initiator, record *r,
    const key_identity *id, int timeout_ms, int stall_ms, char *why,
    size_t whylen)
{
	sync_chan *c;
	char buf[200];
	int rc, end = -1;

	*out = NULL;
	if ((c = calloc(1, sizeof *c)) == NULL) {
		snprintf(why, whylen, "%s", _("out of memory"));
		if (rfd != wfd)
			close(wfd);
		close(rfd);
		return DT_ENOMEM;
	}
	c->rfd = rfd;
	c->wfd = -1;
	if ((rc = pump_start(&c->pump, wfd, stall_ms, &end)) != 0) {
		snprintf(why, whylen, _("cannot start the link: %s"),
		    dt_strerror(rc));
		if (rfd != wfd)
			close(wfd);
		close(rfd);
		free(c);
		return rc;
	}
	c->wfd = end;
	rc = link_open(&c->l, rfd, end, initiator, record_id(r), id,
	    accept_member, r, timeout_ms);
	if (rc != 0) {
		snprintf(why, whylen, "%s", open_why(rc, timeout_ms, buf,
		    sizeof buf));
		c->l = NULL;
		chan_close(c);
		/* the codes a caller tells apart */
		if (rc == DT_EDECRYPT)
			return DT_EDIALOGUE;
		return rc == DT_EMEMBER || rc == DT_EFORMAT ||
		    rc == DT_ECLOSED || rc == DT_ENOMEM ? rc : DT_EIO;
	}
	link_set_send_timeout(c->l, stall_ms);
	*out = c;
	return 0;
}

int
chan_send(sync_chan *c, const unsigned char *msg, size_t len)
{
	int rc;

	if ((rc = link_send(c->l, msg, len)) != 0) {
		set_why(c, c->pump.stalled || rc == DT_ETIMEOUT ?
		    _("the peer stopped reading") : _("the link was cut"));
		return DT_EIO;
	}
	return 0;
}

int
chan_recv(sync_chan *c, const unsigned char **msg, size_t *len,
    int timeout_ms)
{
	int rc;

	*msg = NULL;
	*len = 0;
	free(c->rbuf);
	c->rbuf = NULL;
	rc = link_recv(c->l, &c->rbuf, len, timeout_ms);
	switch (rc) {
	case 0:
		*msg = c->rbuf;
		return 0;
	case DT_ETIMEOUT:
		return 1;
	case DT_ECLOSED:
		set_why(c, _("the link was closed"));
		return DT_EIO;
	case DT_EFORMAT:
		set_why(c, _("a frame that is not the channel's"));
		return DT_EFORMAT;
	case DT_EDECRYPT:
		set_why(c, _("a frame that is not authentic (altered, "
		    "reordered or replayed on the way)"));
		return DT_EFORMAT;
	default:
		set_why(c, "%s", dt_strerror(rc));
		return rc == DT_ENOMEM ? rc : DT_EIO;
	}
}

int
chan_fd(const sync_chan *c)
{
	return c->rfd;
}

const unsigned char *
chan_peer(const sync_chan *c)
{
	return link_peer_key(c->l);
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
	link_close(c->l);
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
