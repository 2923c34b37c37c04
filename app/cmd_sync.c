/*
 * cmd_sync.c: `detente sync`: replicate the record live with other
 * laptops over direct links (docs/FORMAT.md, "Sync protocol").
 *
 *   detente sync listen [--bind ADDR[:PORT]] [HOST[:PORT]...]
 *   detente sync HOST[:PORT]...
 *   detente sync --stdio
 *
 * One process, one loop: it accepts links (listen), keeps outgoing ones
 * (reconnecting after a cut), polls every link and the store's commit
 * counter every SYNC_TICK_MS, imports what peers send (storage/sync.h:
 * the one import path) and sends each peer what it lacks, so that a
 * local entry reaches every linked peer within a tick or two of its
 * commit, and an entry from one peer is forwarded to the others.
 *
 * Exit: 0 when stopped (SIGINT, SIGTERM: what broke meanwhile was said
 * as it broke) or, with --once, when every link ended in sync; else the
 * worst link decides: 1 when a peer was refused or refused us (not a
 * member, another dialogue, entries that fail a check, a fork); 2 for
 * usage, I/O, a link cut, a peer that stalled, or one that sent garbage.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../crypto/err.h"
#include "../crypto/keys.h"
#include "../storage/record.h"
#include "../storage/store.h"
#include "../storage/sync.h"
#include "../storage/vis.h"
#include "cli.h"
#include "exchange.h"
#include "i18n.h"
#include "session.h"
#include "sync_chan.h"

/* The port a listener takes unless told, and where it binds. */
#define SYNC_PORT "47470"
#define SYNC_BIND "127.0.0.1"
/* How often the loop looks at the links and the store. */
#define SYNC_TICK_MS 10
/* How long a handshake may take. */
#define SYNC_HANDSHAKE_MS 10000
/* An outgoing link that was cut is tried again after this long. */
#define SYNC_RETRY_MS 2000U
#define SYNC_MAX_LINKS 32

static volatile sig_atomic_t stop_sig;

static void
on_stop(int sig)
{
	stop_sig = sig;
}

struct target {
	char host[256];
	char port[16];
	uint64_t retry_at;
	int linked;        /* a link to it is open */
	int done;          /* not to be tried again */
	int bad_hs;        /* handshakes failed in a row as "another
	                    * dialogue, or altered bytes" */
};

/*
 * A handshake that fails to decrypt may be another dialogue or bytes
 * altered on the way (the two look the same to Noise): a dialler tries
 * again, and gives up only after this many in a row.
 */
#define SYNC_BAD_HANDSHAKES 5

struct link {
	sync_chan *c;
	sync_peer *p;
	char label[300];   /* where: host:port, "standard input/output" */
	char who[200];     /* "name (party, fingerprint)", rendered */
	int target;        /* index in targets, or -1 */
	uint64_t last_recv, last_send, last_note;
	uint64_t shown_recv, shown_sent;
	int said_sync;
	int closing;       /* BYE sent: waiting for the peer's, or EOF */
	int refused;       /* ended by a check that failed: not retried */
	int finished;      /* ended in sync (--once) */
};

struct syncer {
	struct cli_ctx *ctx;
	FILE *say;         /* progress lines: stdout, or stderr with --stdio */
	int status_fd;     /* --status-fd: one line per event, or -1 */
	struct target *targets;
	size_t ntargets;
	struct link links[SYNC_MAX_LINKS];
	size_t nlinks;
	int lfd;           /* the listening socket, or -1 */
	int once, stdio_mode;
	int stall_ms;
	int worst;         /* the exit status so far */
	int ended;         /* links that ended in sync */
	uint64_t txnid;
};

static uint64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000U + (uint64_t)ts.tv_nsec / 1000000U;
}

static void
worse(struct syncer *s, int status)
{
	if (status > s->worst)
		s->worst = status;
}

/*
 * split_host() - "HOST", "HOST:PORT", "[V6]:PORT" into host and port
 * (SYNC_PORT when none).  @return 0, or -1 (too long, or a bad port).
 */
static int
split_host(const char *arg, char *host, size_t hlen, char *port, size_t plen)
{
	const char *colon, *end;
	size_t n;
	char *e;
	long v;

	snprintf(port, plen, "%s", SYNC_PORT);
	if (arg[0] == '[') {
		if ((end = strchr(arg, ']')) == NULL)
			return -1;
		n = (size_t)(end - arg - 1);
		colon = end[1] == ':' ? end + 1 : NULL;
		if (end[1] != '\0' && colon == NULL)
			return -1;
		arg++;
	} else {
		colon = strrchr(arg, ':');
		if (colon != NULL && strchr(arg, ':') != colon)
			colon = NULL; /* a bare IPv6 address */
		n = colon != NULL ? (size_t)(colon - arg) : strlen(arg);
	}
	if (n >= hlen)
		return -1;
	memcpy(host, arg, n);
	host[n] = '\0';
	if (colon != NULL) {
		errno = 0;
		v = strtol(colon + 1, &e, 10);
		if (colon[1] == '\0' || *e != '\0' || errno != 0 || v < 0 ||
		    v > 65535)
			return -1;
		snprintf(port, plen, "%ld", v);
	}
	return 0;
}

/* The peer as a line names it: "name (party, fingerprint)". */
static void
name_peer(struct syncer *s, struct link *l)
{
	const record_member *m = record_member_find(s->ctx->rec,
	    chan_peer(l->c));
	char fpr[KEY_FINGERPRINT_BYTES], name[3 * KEY_NAME_MAX + 4];
	char party[64];

	key_fingerprint(fpr, chan_peer(l->c));
	if (m == NULL) {
		snprintf(l->who, sizeof l->who, "? (%s)", fpr);
		return;
	}
	snprintf(l->who, sizeof l->who, "%s (%s, %s)",
	    vis_buf(name, sizeof name, m->name, 0),
	    vis_buf(party, sizeof party, m->party, 0), fpr);
}

/* One progress line: "sync: who: text". */
static void
note(struct syncer *s, const struct link *l, const char *text)
{
	fprintf(s->say, "sync: %s: %s\n", l->who[0] != '\0' ? l->who :
	    l->label, text);
	fflush(s->say);
}

/*
 * status() - one line on --status-fd for the terminal UI (ui_sync.c):
 * "EVENT PEER [N]" where PEER is the peer's public key in hex, or "-"
 * before the handshake; listening and dialling give the address.
 */
static void
status(struct syncer *s, const char *event, const struct link *l,
    const char *arg)
{
	char hx[2 * KEY_PK_BYTES + 1], line[640];
	int n;

	if (s->status_fd < 0)
		return;
	if (l != NULL && l->who[0] != '\0')
		key_hex(hx, chan_peer(l->c), KEY_PK_BYTES);
	else
		snprintf(hx, sizeof hx, "-");
	n = snprintf(line, sizeof line, "%s %s%s%s\n", event, hx,
	    arg != NULL ? " " : "", arg != NULL ? arg : "");
	/*
	 * Non-blocking: a reader that stops reading (a UI suspended with
	 * Ctrl-Z) loses status lines, never stalls the links.
	 */
	if (n > 0 && (size_t)n < sizeof line &&
	    write(s->status_fd, line, (size_t)n) < 0)
		return;
}

/*
 * link_fail() - an error line for l (on ctx->err), what went wrong and
 * the exit status it stands for.
 */
static void
link_fail(struct syncer *s, struct link *l, const char *what,
    const char *detail, int status)
{
	char obj[600];

	snprintf(obj, sizeof obj, "%s%s%s", l->who[0] != '\0' ? l->who :
	    l->label, detail != NULL ? ": " : "", detail != NULL ? detail :
	    "");
	cli_error(s->ctx, what, obj, NULL);
	worse(s, status);
	/* a batch refused now would be refused again: do not redial */
	if (status == CLI_FAIL)
		l->refused = 1;
}

/* Send what the protocol has for l; -1 when the link failed. */
static int
flush(struct syncer *s, struct link *l)
{
	const unsigned char *m;
	size_t len;
	int rc;

	for (;;) {
		if ((rc = sync_next(l->p, &m, &len)) != 0) {
			link_fail(s, l, _("cannot read this replica"),
			    dt_strerror(rc), CLI_USAGE);
			return -1;
		}
		if (m == NULL)
			return 0;
		if (chan_send(l->c, m, len) != 0) {
			link_fail(s, l, _("link lost"), chan_why(l->c),
			    CLI_USAGE);
			return -1;
		}
		l->last_send = mono_ms();
	}
}

static void
drop(struct syncer *s, size_t i)
{
	struct link *l = &s->links[i];

	status(s, l->target >= 0 && !(s->once || l->finished ||
	    l->refused) ? "redial" : "cut", l, NULL);
	if (l->target >= 0) {
		s->targets[l->target].linked = 0;
		s->targets[l->target].retry_at = mono_ms() + SYNC_RETRY_MS;
		if (s->once || l->finished || l->refused)
			s->targets[l->target].done = 1;
	}
	chan_close(l->c);
	sync_peer_free(l->p);
	s->links[i] = s->links[--s->nlinks];
}

/*
 * add_link() - the handshake over fd (rfd, wfd), then the protocol.
 * @return 0, or -1 (refused or failed: said why).
 */
static int
add_link(struct syncer *s, int rfd, int wfd, int initiator,
    const char *label, int target)
{
	struct link *l;
	char why[200];
	int rc;

	if (s->nlinks == SYNC_MAX_LINKS) {
		cli_error(s->ctx, _("too many links"), label, NULL);
		if (rfd != wfd)
			close(wfd);
		close(rfd);
		return -1;
	}
	l = &s->links[s->nlinks];
	memset(l, 0, sizeof *l);
	l->target = target;
	snprintf(l->label, sizeof l->label, "%s", label);
	rc = chan_open(&l->c, rfd, wfd, initiator, s->ctx->rec, s->ctx->id,
	    s->stall_ms < SYNC_HANDSHAKE_MS ? s->stall_ms : SYNC_HANDSHAKE_MS,
	    s->stall_ms, why, sizeof why);
	if (rc != 0) {
		char obj[600];
		int refused = rc == DT_EMEMBER || rc == DT_EDIALOGUE ||
		    rc == DT_ECLOSED;

		snprintf(obj, sizeof obj, "%s: %s", label, why);
		cli_error(s->ctx, rc == DT_EMEMBER ? _("peer refused: not a "
		    "current member of the dialogue") : rc == DT_EDIALOGUE ?
		    _("peer refused: another dialogue, or altered bytes") :
		    rc == DT_ECLOSED ? _("the peer refused the link") :
		    _("handshake failed"), obj, NULL);
		worse(s, refused ? CLI_FAIL : CLI_USAGE);
		/*
		 * A peer that closes during the handshake may have refused
		 * us, or the link was cut: that one is tried again.
		 */
		if (target >= 0 && rc == DT_EDIALOGUE && !s->once &&
		    ++s->targets[target].bad_hs < SYNC_BAD_HANDSHAKES)
			refused = 0;
		if (target >= 0 && (s->once || (refused && rc != DT_ECLOSED)))
			s->targets[target].done = 1;
		return -1;
	}
	if ((rc = sync_peer_new(&l->p, s->ctx->rec, 0)) != 0) {
		cli_error_rc(s->ctx, _("cannot read this replica"), rc,
		    label, NULL);
		chan_close(l->c);
		worse(s, CLI_USAGE);
		return -1;
	}
	name_peer(s, l);
	l->last_recv = l->last_send = l->last_note = mono_ms();
	{
		char text[400];

		snprintf(text, sizeof text, _("linked via %s"), label);
		note(s, l, text);
	}
	status(s, "linked", l, NULL);
	if (target >= 0) {
		s->targets[target].linked = 1;
		s->targets[target].bad_hs = 0;
	}
	s->nlinks++;
	return flush(s, l) == 0 ? 0 : (drop(s, s->nlinks - 1), -1);
}

/* Connect to a target (blocking up to the handshake's time). */
static void
dial(struct syncer *s, size_t i)
{
	struct target *t = &s->targets[i];
	struct addrinfo hints, *res = NULL, *a;
	char label[300];
	int fd = -1, rc;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	snprintf(label, sizeof label, strchr(t->host, ':') != NULL ?
	    "[%s]:%s" : "%s:%s", t->host, t->port);
	if (t->retry_at == 0)
		status(s, "dialling", NULL, label);
	if ((rc = getaddrinfo(t->host, t->port, &hints, &res)) != 0) {
		cli_error(s->ctx, _("cannot resolve"), label,
		    gai_strerror(rc));
		worse(s, CLI_USAGE);
		t->retry_at = mono_ms() + SYNC_RETRY_MS;
		if (s->once)
			t->done = 1;
		return;
	}
	for (a = res; a != NULL; a = a->ai_next) {
		if ((fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC,
		    a->ai_protocol)) < 0)
			continue;
		if (connect(fd, a->ai_addr, a->ai_addrlen) == 0)
			break;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		int e = errno;

		if (s->once || t->retry_at == 0) {
			cli_error(s->ctx, _("cannot connect"), label,
			    strerror(e));
			worse(s, CLI_USAGE);
		}
		t->retry_at = mono_ms() + SYNC_RETRY_MS;
		if (s->once)
			t->done = 1;
		return;
	}
	t->retry_at = mono_ms() + SYNC_RETRY_MS;
	(void)add_link(s, fd, fd, 1, label, (int)i);
}

/* Accept one connection on the listening socket. */
static void
take(struct syncer *s)
{
	struct sockaddr_storage sa;
	socklen_t sl = sizeof sa;
	char host[NI_MAXHOST], serv[NI_MAXSERV], label[300];
	int fd;

	if ((fd = accept4(s->lfd, (struct sockaddr *)&sa, &sl,
	    SOCK_CLOEXEC)) < 0)
		return;
	if (getnameinfo((struct sockaddr *)&sa, sl, host, sizeof host, serv,
	    sizeof serv, NI_NUMERICHOST | NI_NUMERICSERV) != 0)
		snprintf(label, sizeof label, "?");
	else
		snprintf(label, sizeof label, sa.ss_family == AF_INET6 ?
		    "[%s]:%s" : "%s:%s", host, serv);
	(void)add_link(s, fd, fd, 0, label, -1);
}

/* What a peer's ERROR code says, in words. */
static const char *
peer_error_what(int code)
{
	switch (code) {
	case SYNC_ERR_DIALOGUE:
		return N_("the peer refused: another dialogue");
	case SYNC_ERR_REJECTED:
		return N_("the peer rejected a batch; nothing of it was stored");
	case SYNC_ERR_FORK:
		return N_("the peer found a fork in a batch and kept it as "
		    "evidence");
	case SYNC_ERR_LOCAL:
		return N_("the peer could not store a batch");
	case SYNC_ERR_TIMEOUT:
		return N_("the peer gave up waiting for us");
	default:
		return N_("the peer says the link broke the protocol");
	}
}

static void check_idle(struct syncer *s, struct link *l);

/*
 * receive() - handle one message from l.  @return 0 to go on, -1 when
 * the link is over (said why), 1 when it ended in order.
 */
static int
receive(struct syncer *s, struct link *l, const unsigned char *m, size_t len)
{
	const sync_progress *pr;
	sync_event ev;
	char text[400], peer[SYNC_ERROR_TEXT * 3 + 4];
	int rc;

	l->last_recv = mono_ms();
	rc = sync_receive(l->p, m, len, &ev);
	pr = sync_peer_progress(l->p);
	if (rc == DT_ESTATE && ev.type == SYNC_ERROR) {
		link_fail(s, l, _(peer_error_what(ev.peer_code)),
		    vis_buf(peer, sizeof peer, ev.peer_text, 0),
		    ev.peer_code == SYNC_ERR_PROTOCOL ||
		    ev.peer_code == SYNC_ERR_LOCAL ||
		    ev.peer_code == SYNC_ERR_TIMEOUT ? CLI_USAGE : CLI_FAIL);
		return -1;
	}
	if (rc != 0) {
		int status = CLI_FAIL;
		const char *what;

		if (ev.type == SYNC_BATCH && rc == DT_EFORK)
			what = _("batch refused: a fork, kept as evidence "
			    "(see `detente evidence`); nothing of the batch "
			    "was stored");
		else if (rc == DT_EDIALOGUE && ev.type == SYNC_HELLO)
			what = _("peer refused: another dialogue");
		else if (ev.type == SYNC_BATCH && rc != DT_EFORMAT &&
		    rc != DT_ERANGE) {
			what = _("batch rejected; nothing of it was stored");
			if (rc == DT_EIO || rc == DT_ENOSPC || rc == DT_ENOMEM ||
			    rc == DT_EBUSY)
				status = CLI_USAGE;
		} else {
			what = _("the peer broke the protocol");
			status = CLI_USAGE;
		}
		(void)flush(s, l);
		if (ev.f.has_entry) {
			char au[200], hx[2 * ENTRY_HASH_BYTES + 1];
			char d[sizeof ev.f.detail + 400];

			/* where, as `bundle import` says it */
			exchange_author(au, sizeof au, s->ctx->rec,
			    ev.f.author);
			key_hex(hx, ev.f.hash, ENTRY_HASH_BYTES);
			snprintf(d, sizeof d, _("%s: author %s, seq %llu, "
			    "hash %s"), ev.f.detail, au,
			    (unsigned long long)ev.f.seq, hx);
			link_fail(s, l, what, d, status);
		} else
			link_fail(s, l, what, ev.f.detail, status);
		return -1;
	}
	if (ev.type == SYNC_BYE) {
		check_idle(s, l);
		if (!l->closing) {
			(void)sync_queue(l->p, SYNC_BYE);
			(void)flush(s, l);
		}
		note(s, l, _("link closed by the peer"));
		if (pr->idle_sent && pr->idle_recv)
			l->finished = 1;
		return 1;
	}
	if (ev.type == SYNC_BATCH && (ev.st.added + ev.st.released > 0 ||
	    ev.st.held_new > 0)) {
		snprintf(text, sizeof text, _("received %lu entries (%lu new, "
		    "%lu held)"), (unsigned long)ev.entries,
		    (unsigned long)(ev.st.added + ev.st.released),
		    (unsigned long)ev.st.held_new);
		note(s, l, text);
		snprintf(text, sizeof text, "%lu",
		    (unsigned long)(ev.st.added + ev.st.released));
		status(s, "received", l, text);
		l->said_sync = 0;
	}
	return 0;
}

/* Say "in sync" once both sides are idle; with --once, end the link. */
static void
check_idle(struct syncer *s, struct link *l)
{
	const sync_progress *pr = sync_peer_progress(l->p);
	char text[300];

	if (!(pr->idle_sent && pr->idle_recv && pr->unacked == 0))
		return;
	if (!l->said_sync) {
		l->said_sync = 1;
		snprintf(text, sizeof text, _("in sync (sent %lu entries, "
		    "received %lu)"), (unsigned long)pr->sent,
		    (unsigned long)pr->received);
		note(s, l, text);
		status(s, "insync", l, NULL);
		l->shown_sent = pr->sent;
	} else if (pr->sent != l->shown_sent) {
		/* what we sent is acknowledged: in sync again (--status-fd) */
		l->shown_sent = pr->sent;
		status(s, "insync", l, NULL);
	}
	if (s->once && !l->closing) {
		l->closing = 1;
		l->finished = 1;
		(void)sync_queue(l->p, SYNC_BYE);
	}
}

/* Service link i: read what came, send what is due.  0: keep it. */
static int
service(struct syncer *s, size_t i, int readable, uint64_t now)
{
	struct link *l = &s->links[i];
	const unsigned char *m;
	size_t len;
	int rc, n = 0, r;

	/* the channel reads no byte past a message: poll() tells all */
	while (readable) {
		rc = chan_recv(l->c, &m, &len, 0);
		if (rc == 1)
			break;
		if (rc != 0) {
			if (l->closing && sync_peer_progress(l->p)->bye == 0 &&
			    l->finished) {
				note(s, l, _("link closed"));
				return -1;
			}
			link_fail(s, l, rc == DT_EFORMAT ? _("the peer sent "
			    "garbage") : _("link lost"), chan_why(l->c),
			    CLI_USAGE);
			return -1;
		}
		if ((r = receive(s, l, m, len)) != 0)
			return -1;
		if (flush(s, l) != 0)
			return -1;
		/* let the other links and the store have their turn */
		if (++n == 8)
			break;
	}
	/* the reads above may have moved last_recv past now */
	now = mono_ms();
	if (now - l->last_recv > (uint64_t)s->stall_ms) {
		(void)sync_queue_error(l->p, SYNC_ERR_TIMEOUT,
		    "no message for too long");
		(void)flush(s, l);
		link_fail(s, l, _("the peer stalled"), NULL, CLI_USAGE);
		return -1;
	}
	if (now - l->last_send > (uint64_t)s->stall_ms / 3U)
		(void)sync_queue(l->p, SYNC_PING);
	check_idle(s, l);
	if (flush(s, l) != 0)
		return -1;
	return 0;
}

static int
listen_on(struct syncer *s, const char *bind_arg)
{
	struct addrinfo hints, *res = NULL, *a;
	struct sockaddr_storage sa;
	socklen_t sl = sizeof sa;
	char host[256], port[16], h[NI_MAXHOST], p[NI_MAXSERV];
	int fd = -1, one = 1, rc;

	if (split_host(bind_arg != NULL ? bind_arg : SYNC_BIND, host,
	    sizeof host, port, sizeof port) != 0) {
		cli_error(s->ctx, _("not an address to listen on"), bind_arg,
		    _("give ADDR[:PORT], e.g. 192.168.1.10:47470"));
		return CLI_USAGE;
	}
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((rc = getaddrinfo(host[0] != '\0' ? host : SYNC_BIND, port,
	    &hints, &res)) != 0) {
		cli_error(s->ctx, _("cannot resolve"), bind_arg,
		    gai_strerror(rc));
		return CLI_USAGE;
	}
	for (a = res; a != NULL; a = a->ai_next) {
		if ((fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC,
		    a->ai_protocol)) < 0)
			continue;
		(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
		    sizeof one);
		if (bind(fd, a->ai_addr, a->ai_addrlen) == 0 &&
		    listen(fd, 8) == 0)
			break;
		rc = errno;
		close(fd);
		fd = -1;
		errno = rc;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		cli_error(s->ctx, _("cannot listen"), bind_arg != NULL ?
		    bind_arg : SYNC_BIND ":" SYNC_PORT, strerror(errno));
		return CLI_USAGE;
	}
	s->lfd = fd;
	if (getsockname(fd, (struct sockaddr *)&sa, &sl) == 0 &&
	    getnameinfo((struct sockaddr *)&sa, sl, h, sizeof h, p, sizeof p,
	    NI_NUMERICHOST | NI_NUMERICSERV) == 0) {
		fprintf(s->say, sa.ss_family == AF_INET6 ?
		    _("sync: listening on [%s]:%s\n") :
		    _("sync: listening on %s:%s\n"), h, p);
		fflush(s->say);
		snprintf(host, sizeof host, sa.ss_family == AF_INET6 ?
		    "[%s]:%s" : "%s:%s", h, p);
		status(s, "listening", NULL, host);
	}
	return CLI_OK;
}

/* Is there anything left to do with --once? */
static int
once_done(const struct syncer *s)
{
	size_t i;

	if (s->nlinks > 0)
		return 0;
	for (i = 0; i < s->ntargets; i++)
		if (!s->targets[i].done)
			return 0;
	/* a listener with --once serves one link to its end */
	return s->lfd < 0 || s->ended > 0 || s->worst != CLI_OK;
}

static void
loop(struct syncer *s)
{
	struct pollfd pf[SYNC_MAX_LINKS + 1];
	size_t i, np;
	uint64_t now, id;
	int r;

	while (!stop_sig) {
		now = mono_ms();
		for (i = 0; i < s->ntargets; i++)
			if (!s->targets[i].linked && !s->targets[i].done &&
			    now >= s->targets[i].retry_at)
				dial(s, i);
		if (s->once && once_done(s))
			break;
		if (!s->once && s->lfd < 0 && s->nlinks == 0 && !s->stdio_mode) {
			for (i = 0; i < s->ntargets; i++)
				if (!s->targets[i].done)
					break;
			if (i == s->ntargets)
				break;
		}
		if (s->stdio_mode && s->nlinks == 0)
			break;
		np = 0;
		for (i = 0; i < s->nlinks; i++) {
			pf[np].fd = chan_fd(s->links[i].c);
			pf[np].events = POLLIN;
			pf[np].revents = 0;
			np++;
		}
		if (s->lfd >= 0) {
			pf[np].fd = s->lfd;
			pf[np].events = POLLIN;
			pf[np].revents = 0;
			np++;
		}
		r = poll(pf, (nfds_t)np, SYNC_TICK_MS);
		if (r < 0 && errno != EINTR)
			break;
		if (stop_sig)
			break;
		now = mono_ms();
		id = store_txnid(record_store(s->ctx->rec));
		if (id != s->txnid) {
			s->txnid = id;
			for (i = 0; i < s->nlinks; i++)
				sync_changed(s->links[i].p);
		}
		for (i = s->nlinks; i-- > 0;) {
			int rd = r > 0 && (pf[i].revents & (POLLIN | POLLHUP |
			    POLLERR));

			if (service(s, i, rd, now) != 0) {
				if (s->links[i].finished)
					s->ended++;
				drop(s, i);
			}
		}
		if (s->lfd >= 0 && r > 0 && (pf[np - 1].revents & POLLIN))
			take(s);
	}
	if (stop_sig)
		fprintf(s->say, "%s\n", _("sync: stopping"));
	for (i = s->nlinks; i-- > 0;) {
		(void)sync_queue(s->links[i].p, SYNC_BYE);
		(void)flush(s, &s->links[i]);
		drop(s, i);
	}
}

static int
run(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "bind", required_argument, NULL, 'b' },
		{ "stdio", no_argument, NULL, 's' },
		{ "once", no_argument, NULL, 'o' },
		{ "timeout", required_argument, NULL, 't' },
		{ "initiate", no_argument, NULL, 'i' },
		/* internal, for the terminal UI's `:sync` (ui_sync.c) */
		{ "status-fd", required_argument, NULL, 'F' },
		{ NULL, 0, NULL, 0 }
	};
	struct sigaction sa, old_int, old_term, old_pipe;
	struct syncer s;
	const char *bind_arg = NULL;
	long long secs = 30, fdn = 0;
	int c, ret, listening = 0, i, initiate = 0;

	memset(&s, 0, sizeof s);
	s.ctx = ctx;
	s.lfd = -1;
	s.status_fd = -1;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'b':
			bind_arg = optarg;
			break;
		case 's':
			s.stdio_mode = 1;
			break;
		case 'o':
			s.once = 1;
			break;
		case 'i':
			initiate = 1;
			break;
		case 'F':
			if (cli_parse_count(optarg, &fdn) != 0 || fdn < 3 ||
			    fdn > 1023 || fcntl((int)fdn, F_SETFL,
			    O_NONBLOCK) != 0)
				return cli_bad_usage(ctx, &cmd_sync,
				    _("--status-fd takes an open descriptor"),
				    optarg);
			s.status_fd = (int)fdn;
			break;
		case 't':
			if (cli_parse_count(optarg, &secs) != 0 || secs > 3600)
				return cli_bad_usage(ctx, &cmd_sync,
				    _("--timeout takes seconds, 1 to 3600"),
				    optarg);
			break;
		default:
			return cli_opt_error(ctx, &cmd_sync, c, argv);
		}
	}
	/*
	 * The terminal UI owns the terminal (it set cli_fatal_hook): a
	 * loop that runs until stopped would freeze it.  The UI's `:sync`
	 * runs this command as a child process instead (app/ui_sync.c),
	 * so this refusal is only a guard.
	 */
	if (cli_fatal_hook != NULL) {
		cli_error(ctx, _("`sync` runs until stopped: run it in a "
		    "terminal of its own"), NULL, _("the UI shows what it "
		    "brings as it arrives"));
		return CLI_USAGE;
	}
	s.stall_ms = (int)secs * 1000;
	if (optind < argc && strcmp(argv[optind], "listen") == 0) {
		listening = 1;
		optind++;
	}
	if (s.stdio_mode && (listening || optind < argc || bind_arg != NULL))
		return cli_bad_usage(ctx, &cmd_sync, _("--stdio takes no "
		    "host, no listen and no --bind"), NULL);
	if (initiate && !s.stdio_mode)
		return cli_bad_usage(ctx, &cmd_sync, _("--initiate is for "
		    "--stdio"), NULL);
	if (bind_arg != NULL && !listening)
		return cli_bad_usage(ctx, &cmd_sync, _("--bind is for `sync "
		    "listen`"), bind_arg);
	if (!s.stdio_mode && !listening && optind == argc)
		return cli_bad_usage(ctx, &cmd_sync, _("missing HOST, "
		    "`listen` or --stdio"), NULL);
	s.say = s.stdio_mode ? ctx->err : ctx->out;
	if (argc - optind > 0) {
		s.ntargets = (size_t)(argc - optind);
		if ((s.targets = calloc(s.ntargets, sizeof *s.targets)) ==
		    NULL) {
			cli_error(ctx, _("out of memory"), NULL, NULL);
			return CLI_USAGE;
		}
		for (i = optind; i < argc; i++)
			if (split_host(argv[i], s.targets[i - optind].host,
			    sizeof s.targets[0].host,
			    s.targets[i - optind].port,
			    sizeof s.targets[0].port) != 0 ||
			    s.targets[i - optind].host[0] == '\0') {
				free(s.targets);
				return cli_bad_usage(ctx, &cmd_sync,
				    _("not a HOST[:PORT]"), argv[i]);
			}
	}
	if ((ret = session_record(ctx, 0)) != CLI_OK ||
	    (ret = session_writable(ctx)) != CLI_OK)
		goto out;
	if (record_last_failure(ctx->rec)->code != 0) {
		cli_error(ctx, _("refusing to sync a record that failed "
		    "verification"), store_path(record_store(ctx->rec)),
		    _("run `detente verify`"));
		ret = CLI_FAIL;
		goto out;
	}
	if ((ret = session_unlock(ctx)) != CLI_OK)
		goto out;
	{
		const record_member *me = record_member_find(ctx->rec,
		    ctx->id->pk);

		/* the peers decide; a warning says what they will say */
		if (me == NULL || me->removed_clock != 0)
			cli_error(ctx, _("warning: this identity is no current "
			    "member of the dialogue; peers will refuse the "
			    "link"), ctx->id->name, _("choose one with --as"));
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, &old_pipe);
	stop_sig = 0;
	s.txnid = store_txnid(record_store(ctx->rec));
	if (listening && (ret = listen_on(&s, bind_arg)) != CLI_OK)
		goto restore;
	if (s.stdio_mode) {
		int in = dup(0), outfd = dup(1);

		if (in < 0 || outfd < 0) {
			cli_error(ctx, _("cannot use standard input and "
			    "output"), NULL, strerror(errno));
			ret = CLI_USAGE;
			goto restore;
		}
		/* nothing else may write on the link */
		(void)dup2(2, 1);
		(void)add_link(&s, in, outfd, initiate,
		    _("standard input/output"),
		    -1);
	}
	loop(&s);
	/*
	 * Stopped on purpose, a long-running sync exits 0: the links it
	 * lost meanwhile were said as they broke.  With --once, or when
	 * nothing was left to do, the worst link decides.
	 */
	ret = stop_sig && !s.once ? CLI_OK : s.worst;
restore:
	if (s.lfd >= 0)
		close(s.lfd);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGPIPE, &old_pipe, NULL);
out:
	free(s.targets);
	return ret;
}

const struct cli_cmd cmd_sync = {
	"sync",
	N_("listen [--bind ADDR[:PORT]] [--once] [--timeout S] [HOST[:PORT]...]\n"
	   "       detente sync [--once] [--timeout S] HOST[:PORT]...\n"
	   "       detente sync --stdio [--initiate] [--once] [--timeout S]"),
	N_("replicate the record live with other laptops over direct links"),
	N_("  listen   accept links on ADDR:PORT (default 127.0.0.1:47470:\n"
	   "           only this machine; give the room network's address,\n"
	   "           e.g. --bind 192.168.1.10, to let other laptops in;\n"
	   "           port 0 picks a free one); HOSTs given as well are\n"
	   "           linked too.\n"
	   "  HOST     link to a laptop running `detente sync listen`\n"
	   "           (port 47470 unless given); a cut link is tried again\n"
	   "           every 2 seconds.\n"
	   "  --stdio  speak the protocol on standard input and output, for\n"
	   "           ssh or any pipe.  One end of a link starts the\n"
	   "           handshake: --initiate (a laptop that dials, or the\n"
	   "           local end of ssh); the other answers.\n"
	   "Each link is a Noise channel between two current members of the\n"
	   "dialogue, as --as (the identity's passphrase is asked once).\n"
	   "Both sides send what the other lacks; every entry received is\n"
	   "checked as `bundle import` checks it, in batches stored whole or\n"
	   "not at all, and entries written here, or received from another\n"
	   "link, are sent on within a few milliseconds.  Progress lines go\n"
	   "to standard output (standard error with --stdio).\n"
	   "  --once     end each link once both sides are in sync.\n"
	   "  --timeout  seconds without a message before a link is cut as\n"
	   "             stalled (default 30).\n"
	   "Runs until SIGINT or SIGTERM.  Exit 0 stopped (a link that broke\n"
	   "meanwhile was said as it broke), or every link in sync (--once);\n"
	   "else the worst link: 1 a peer refused or was refused (not a\n"
	   "member, another dialogue, entries that fail a check, a fork);\n"
	   "2 usage, I/O, a link cut, a stall or garbage.\n"),
	run
};
