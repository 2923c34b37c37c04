/*
 * agent.c: the agent's socket, its one-request-per-connection loop, and
 * the client side that commands use (see agent.h; the protocol is in
 * docs/ARCHITECTURE.md, "The agent").
 *
 * Every buffer that may hold a secret (an ADD request carries a seed, an
 * OPEN reply a dialogue key) is sodium_malloc() memory on both sides, so
 * that it is locked, kept out of core files and wiped when freed; the
 * agent simply allocates every request and reply that way.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "../crypto/err.h"
#include "../crypto/keys.h"
#include "../crypto/wrap.h"
#include "agent.h"

#define AGENT_DIR_NAME "detente"
#define AGENT_SOCK_NAME "agent.sock"
/* How long one side waits for the other within one request. */
#define AGENT_IO_SECONDS 10
/* An OPEN request carries a key wrap box: small. */
#define AGENT_BOX_MAX 4096U

/* --- the socket's place ---------------------------------------------------- */

/* check_dir() - a directory of ours, not a link, that others cannot enter. */
static int
check_dir(const char *dir, int create, agent_problem *p)
{
	struct stat st;

	snprintf(p->path, sizeof(p->path), "%s", dir);
	p->mode = 0;
	if (lstat(dir, &st) != 0) {
		if (errno != ENOENT) {
			p->what = AGENT_P_IO;
			return DT_EINVAL;
		}
		if (!create) {
			p->what = AGENT_P_MISSING;
			return DT_ENOENT;
		}
		if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
			p->what = AGENT_P_IO;
			return DT_EINVAL;
		}
		if (lstat(dir, &st) != 0) {
			p->what = AGENT_P_IO;
			return DT_EINVAL;
		}
	}
	p->mode = (unsigned)(st.st_mode & 07777);
	if (!S_ISDIR(st.st_mode)) {
		p->what = AGENT_P_NOT_DIR;
		return DT_EINVAL;
	}
	if (st.st_uid != geteuid()) {
		p->what = AGENT_P_NOT_OWNER;
		return DT_EINVAL;
	}
	if ((st.st_mode & 077) != 0) {
		p->what = AGENT_P_OPEN;
		return DT_EINVAL;
	}
	p->what = AGENT_P_NONE;
	return 0;
}

int
agent_path(char out[AGENT_PATH_MAX], int create, agent_problem *p)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	char dir[AGENT_PATH_MAX];
	int n, rc;

	out[0] = '\0';
	memset(p, 0, sizeof(*p));
	/* as the XDG spec says: a relative path is ignored */
	if (xdg != NULL && xdg[0] == '/')
		n = snprintf(dir, sizeof(dir), "%s/%s", xdg, AGENT_DIR_NAME);
	else
		n = snprintf(dir, sizeof(dir), "/tmp/%s-%lu", AGENT_DIR_NAME,
		    (unsigned long)geteuid());
	if (n < 0 || (size_t)n >= sizeof(dir) ||
	    (size_t)n + 1 + sizeof(AGENT_SOCK_NAME) > AGENT_PATH_MAX) {
		snprintf(p->path, sizeof(p->path), "%s", n > 0 ? dir : "");
		p->what = AGENT_P_TOO_LONG;
		return DT_EINVAL;
	}
	if ((rc = check_dir(dir, create, p)) != 0)
		return rc;
	memcpy(out, dir, (size_t)n);
	out[n] = '/';
	memcpy(out + n + 1, AGENT_SOCK_NAME, sizeof(AGENT_SOCK_NAME));
	return 0;
}

/* --- reading and writing whole buffers ------------------------------------- */

static int
io_timeouts(int fd)
{
	struct timeval tv = { AGENT_IO_SECONDS, 0 };

	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) != 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) != 0)
		return -1;
	return 0;
}

static int
read_full(int fd, unsigned char *b, size_t n)
{
	ssize_t r;

	while (n > 0) {
		if ((r = recv(fd, b, n, 0)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0)
			return -1;
		b += r;
		n -= (size_t)r;
	}
	return 0;
}

static int
write_full(int fd, const unsigned char *b, size_t n)
{
	ssize_t r;

	while (n > 0) {
		if ((r = send(fd, b, n, MSG_NOSIGNAL)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		b += r;
		n -= (size_t)r;
	}
	return 0;
}

static void
put32(unsigned char *b, uint32_t v)
{
	b[0] = (unsigned char)(v >> 24);
	b[1] = (unsigned char)(v >> 16);
	b[2] = (unsigned char)(v >> 8);
	b[3] = (unsigned char)v;
}

static uint32_t
get32(const unsigned char *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	    (uint32_t)b[2] << 8 | (uint32_t)b[3];
}

/* peer_uid_ok() - 1 if the process at the other end runs as our uid. */
static int
peer_uid_ok(int fd)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) != 0 ||
	    len != sizeof(cr))
		return 0;
	return cr.uid == geteuid();
}

/* --- the agent -------------------------------------------------------------- */

struct held {
	key_identity *id; /* the secret key in sodium_malloc() memory */
	uint64_t used; /* ms, CLOCK_BOOTTIME: counts suspend too */
	uint64_t added;
};

struct agent_state {
	struct held keys[AGENT_MAX_KEYS];
	size_t n;
	uint64_t timeout_ms, lifetime_ms;
	unsigned timeout, lifetime;
	int stop;
};

static volatile sig_atomic_t agent_signalled;

static void
on_signal(int sig)
{
	(void)sig;
	agent_signalled = 1;
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_BOOTTIME, &ts) != 0)
		clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000U + (uint64_t)ts.tv_nsec / 1000000U;
}

static void
drop(agent_state *a, size_t i)
{
	key_identity_free(a->keys[i].id); /* wipes the secret key */
	a->keys[i] = a->keys[--a->n];
	memset(&a->keys[a->n], 0, sizeof(a->keys[a->n]));
}

static void
drop_all(agent_state *a)
{
	while (a->n > 0)
		drop(a, a->n - 1);
}

static uint64_t
deadline(const agent_state *a, size_t i)
{
	uint64_t idle = a->keys[i].used + a->timeout_ms;
	uint64_t life = a->keys[i].added + a->lifetime_ms;

	return idle < life ? idle : life;
}

/* expire() - forget keys past their time; the ms to the next deadline. */
static int
expire(agent_state *a, uint64_t now)
{
	uint64_t next = UINT64_MAX, d;
	size_t i = 0;

	while (i < a->n) {
		if ((d = deadline(a, i)) <= now) {
			drop(a, i);
			continue;
		}
		if (d < next)
			next = d;
		i++;
	}
	if (next == UINT64_MAX)
		return -1;
	return next - now > INT_MAX ? INT_MAX : (int)(next - now);
}

static struct held *
find(agent_state *a, const unsigned char pk[KEY_PK_BYTES])
{
	size_t i;

	for (i = 0; i < a->n; i++)
		if (sodium_memcmp(a->keys[i].id->pk, pk, KEY_PK_BYTES) == 0)
			return &a->keys[i];
	return NULL;
}

int
agent_handle(agent_state *a, const unsigned char *req, size_t len,
    unsigned char **rep, size_t *replen)
{
	const unsigned char *body = req + 1;
	size_t blen = len > 0 ? len - 1 : 0, need, i, o;
	unsigned char *r = NULL;
	key_identity *id = NULL;
	struct held *h;
	char name[KEY_NAME_MAX + 1];
	uint64_t now = now_ms();
	int rc;

	*rep = NULL;
	*replen = 0;
	if (len < 1)
		goto bad;
	expire(a, now);
	switch (req[0]) {
	case AGENT_OP_ADD:
		if (blen < 1 || body[0] == 0 || body[0] > KEY_NAME_MAX ||
		    blen != 1U + body[0] + KEY_SEED_BYTES)
			goto bad;
		memcpy(name, body + 1, body[0]);
		name[body[0]] = '\0';
		if (key_identity_from_seed(&id, name, body + 1 + body[0]) != 0)
			goto bad;
		if ((h = find(a, id->pk)) != NULL) {
			key_identity_free(h->id);
		} else if (a->n == AGENT_MAX_KEYS) {
			key_identity_free(id);
			goto refuse;
		} else
			h = &a->keys[a->n++];
		h->id = id;
		h->used = h->added = now;
		if ((r = sodium_malloc(1 + KEY_PK_BYTES)) == NULL)
			return DT_ENOMEM;
		r[0] = AGENT_ST_OK;
		memcpy(r + 1, id->pk, KEY_PK_BYTES);
		*replen = 1 + KEY_PK_BYTES;
		break;
	case AGENT_OP_SIGN:
		if (blen < KEY_PK_BYTES)
			goto bad;
		if ((h = find(a, body)) == NULL)
			goto nokey;
		if ((r = sodium_malloc(1 + KEY_SIG_BYTES)) == NULL)
			return DT_ENOMEM;
		if ((rc = key_sign(r + 1, body + KEY_PK_BYTES,
			 blen - KEY_PK_BYTES, h->id)) != 0) {
			sodium_free(r);
			return rc;
		}
		h->used = now;
		r[0] = AGENT_ST_OK;
		*replen = 1 + KEY_SIG_BYTES;
		break;
	case AGENT_OP_OPEN:
		if (blen <= KEY_PK_BYTES + crypto_box_SEALBYTES ||
		    blen > KEY_PK_BYTES + AGENT_BOX_MAX)
			goto bad;
		if ((h = find(a, body)) == NULL)
			goto nokey;
		need = blen - KEY_PK_BYTES - crypto_box_SEALBYTES;
		if ((r = sodium_malloc(1 + need)) == NULL)
			return DT_ENOMEM;
		/* Only key wraps: the agent is no general decryption oracle. */
		if (key_seal_open(r + 1, body + KEY_PK_BYTES,
			blen - KEY_PK_BYTES, h->id) != 0 ||
		    need < WRAP_CTX_BYTES ||
		    sodium_memcmp(r + 1, WRAP_CTX, WRAP_CTX_BYTES) != 0) {
			sodium_free(r);
			r = NULL;
			goto refuse;
		}
		h->used = now;
		r[0] = AGENT_ST_OK;
		*replen = 1 + need;
		break;
	case AGENT_OP_NOISE:
		/* pk, ck, the peer's X25519 key: only HKDF(ck, DH) goes back,
		 * never the DH itself, which would open any sealed box */
		if (blen != KEY_PK_BYTES + 2 * 32)
			goto bad;
		if ((h = find(a, body)) == NULL)
			goto nokey;
		if ((r = sodium_malloc(1 + 64)) == NULL)
			return DT_ENOMEM;
		if (key_noise_mix(r + 1, body + KEY_PK_BYTES,
			body + KEY_PK_BYTES + 32, h->id) != 0) {
			sodium_free(r);
			r = NULL;
			goto refuse;
		}
		h->used = now;
		r[0] = AGENT_ST_OK;
		*replen = 1 + 64;
		break;
	case AGENT_OP_LIST:
		if (blen != 0)
			goto bad;
		need = 1 + 4 * 3 + 1;
		for (i = 0; i < a->n; i++)
			need +=
			    KEY_PK_BYTES + 8 + 1 + strlen(a->keys[i].id->name);
		if ((r = sodium_malloc(need)) == NULL)
			return DT_ENOMEM;
		r[0] = AGENT_ST_OK;
		put32(r + 1, a->timeout);
		put32(r + 5, a->lifetime);
		put32(r + 9, (uint32_t)getpid());
		r[13] = (unsigned char)a->n;
		o = 14;
		for (i = 0; i < a->n; i++) {
			const struct held *k = &a->keys[i];
			size_t nl = strlen(k->id->name);

			memcpy(r + o, k->id->pk, KEY_PK_BYTES);
			o += KEY_PK_BYTES;
			put32(r + o,
			    (uint32_t)((k->used + a->timeout_ms - now + 999) /
				1000));
			put32(r + o + 4,
			    (uint32_t)((k->added + a->lifetime_ms - now + 999) /
				1000));
			o += 8;
			r[o++] = (unsigned char)nl;
			memcpy(r + o, k->id->name, nl);
			o += nl;
		}
		*replen = o;
		break;
	case AGENT_OP_LOCK:
	case AGENT_OP_STOP:
		if (blen != 0)
			goto bad;
		drop_all(a);
		if (req[0] == AGENT_OP_STOP)
			a->stop = 1;
		if ((r = sodium_malloc(1)) == NULL)
			return DT_ENOMEM;
		r[0] = AGENT_ST_OK;
		*replen = 1;
		break;
	default:
		goto bad;
	}
	*rep = r;
	return 0;
bad:
	if ((r = sodium_malloc(1)) == NULL)
		return DT_ENOMEM;
	r[0] = AGENT_ST_BADREQ;
	goto one;
nokey:
	if ((r = sodium_malloc(1)) == NULL)
		return DT_ENOMEM;
	r[0] = AGENT_ST_NOKEY;
	goto one;
refuse:
	if ((r = sodium_malloc(1)) == NULL)
		return DT_ENOMEM;
	r[0] = AGENT_ST_REFUSED;
one:
	*rep = r;
	*replen = 1;
	return 0;
}

/* serve_one() - one connection: check its uid, one request, one reply. */
static void
serve_one(agent_state *a, int fd)
{
	unsigned char hdr[4], *req = NULL, *rep = NULL, nomem[5];
	size_t replen = 0;
	uint32_t len;

	/* Another uid gets nothing, not even an error byte. */
	if (!peer_uid_ok(fd) || io_timeouts(fd) != 0)
		return;
	if (read_full(fd, hdr, 4) != 0)
		return;
	len = get32(hdr);
	if (len < 1 || len > AGENT_MAX_REQUEST)
		return;
	if ((req = sodium_malloc(len)) == NULL)
		goto nomem;
	if (read_full(fd, req, len) != 0)
		goto out;
	if (agent_handle(a, req, len, &rep, &replen) != 0)
		goto nomem;
	put32(hdr, (uint32_t)replen);
	if (write_full(fd, hdr, 4) == 0)
		(void)write_full(fd, rep, replen);
	goto out;
nomem:
	put32(nomem, 1);
	nomem[4] = AGENT_ST_NOMEM;
	(void)write_full(fd, nomem, sizeof(nomem));
out:
	sodium_free(rep);
	sodium_free(req);
}

int
agent_listen(int *fd, int *lockfd, const char *path)
{
	struct sockaddr_un sa;
	char lpath[AGENT_PATH_MAX + 8];
	mode_t old;
	int s = -1, l = -1, rc, e;

	*fd = -1;
	*lockfd = -1;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa.sun_path))
		return DT_EINVAL;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	snprintf(lpath, sizeof(lpath), "%s.lock", path);
	if ((l = open(lpath, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
		 0600)) < 0)
		return DT_EIO;
	if (flock(l, LOCK_EX | LOCK_NB) != 0) {
		e = errno;
		close(l);
		errno = e;
		return e == EWOULDBLOCK ? DT_EEXIST : DT_EIO;
	}
	/* the lock is ours: a socket file there is a dead agent's */
	(void)unlink(path);
	if ((s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
		close(l);
		return DT_EIO;
	}
	old = umask(0177); /* the socket is born 0600 */
	rc = bind(s, (struct sockaddr *)&sa, sizeof(sa));
	e = errno;
	umask(old);
	if (rc != 0 || chmod(path, 0600) != 0 || listen(s, 16) != 0) {
		if (rc != 0)
			errno = e;
		else
			(void)unlink(path);
		e = errno;
		close(s);
		close(l);
		errno = e;
		return DT_EIO;
	}
	*fd = s;
	*lockfd = l;
	return 0;
}

/*
 * still_ours() - 1 if path is still the socket file it was at start
 * (same device and inode): another agent may have replaced it since.
 */
static int
still_ours(const struct stat *at_start, const char *path)
{
	struct stat b;

	return lstat(path, &b) == 0 && S_ISSOCK(b.st_mode) &&
	    b.st_dev == at_start->st_dev && b.st_ino == at_start->st_ino;
}

int
agent_state_new(agent_state **out, unsigned timeout, unsigned lifetime)
{
	agent_state *a;

	*out = NULL;
	if (timeout == 0 || lifetime == 0)
		return DT_EINVAL;
	if ((a = calloc(1, sizeof(*a))) == NULL)
		return DT_ENOMEM;
	a->timeout = timeout;
	a->lifetime = lifetime;
	a->timeout_ms = (uint64_t)timeout * 1000U;
	a->lifetime_ms = (uint64_t)lifetime * 1000U;
	*out = a;
	return 0;
}

int
agent_state_stopped(const agent_state *a)
{
	return a->stop;
}

void
agent_state_free(agent_state *a)
{
	if (a == NULL)
		return;
	drop_all(a);
	free(a);
}

int
agent_serve(int fd, const char *path, unsigned timeout, unsigned lifetime)
{
	struct sigaction sa;
	struct stat st;
	agent_state *a;
	struct pollfd pfd;
	int wait, cfd, have_st, rc;

	have_st = lstat(path, &st) == 0;
	if ((rc = agent_state_new(&a, timeout, lifetime)) != 0)
		return rc;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal; /* no SA_RESTART: poll() returns EINTR */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	while (!a->stop && !agent_signalled) {
		wait = expire(a, now_ms());
		pfd.fd = fd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		if (poll(&pfd, 1, wait) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (!(pfd.revents & POLLIN))
			continue;
		if ((cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC)) < 0)
			continue;
		serve_one(a, cfd);
		close(cfd);
	}
	agent_state_free(a);
	if (have_st && still_ours(&st, path))
		(void)unlink(path);
	close(fd);
	return 0;
}

/* --- the client ------------------------------------------------------------- */

int
agent_request(unsigned char **reply, size_t *replylen, int *status,
    const char *path, unsigned op, const unsigned char *body, size_t len)
{
	struct sockaddr_un sa;
	unsigned char hdr[5], *r = NULL;
	uint32_t rlen;
	int s = -1, rc;

	*reply = NULL;
	*replylen = 0;
	*status = -1;
	if (len + 1 > AGENT_MAX_REQUEST)
		return DT_ERANGE;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa.sun_path))
		return DT_EINVAL;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if ((s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return DT_EIO;
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		rc = errno == ENOENT || errno == ECONNREFUSED ? DT_ENOENT :
								DT_EIO;
		goto out;
	}
	/* whoever listens there must be us, too */
	if (!peer_uid_ok(s)) {
		rc = DT_EINVAL;
		goto out;
	}
	rc = DT_EIO;
	if (io_timeouts(s) != 0)
		goto out;
	put32(hdr, (uint32_t)(len + 1));
	hdr[4] = (unsigned char)op;
	if (write_full(s, hdr, 5) != 0 ||
	    (len > 0 && write_full(s, body, len) != 0))
		goto out;
	if (read_full(s, hdr, 4) != 0)
		goto out;
	rlen = get32(hdr);
	if (rlen < 1 || rlen > AGENT_MAX_REQUEST) {
		rc = DT_EFORMAT;
		goto out;
	}
	if ((r = sodium_malloc(rlen)) == NULL) {
		rc = DT_ENOMEM;
		goto out;
	}
	if (read_full(s, r, rlen) != 0)
		goto out;
	*status = r[0];
	*reply = r;
	*replylen = rlen;
	r = NULL;
	rc = 0;
out:
	sodium_free(r);
	close(s);
	return rc;
}

void
agent_reply_free(unsigned char *reply)
{
	sodium_free(reply);
}

int
agent_add(const char *path, const key_identity *id)
{
	unsigned char *req = NULL, *rep = NULL;
	size_t nl = strlen(id->name), rlen = 0;
	int st, rc;

	if (id->sk == NULL || nl == 0 || nl > KEY_NAME_MAX)
		return DT_EINVAL;
	if ((req = sodium_malloc(1 + nl + KEY_SEED_BYTES)) == NULL)
		return DT_ENOMEM;
	req[0] = (unsigned char)nl;
	memcpy(req + 1, id->name, nl);
	crypto_sign_ed25519_sk_to_seed(req + 1 + nl, id->sk);
	rc = agent_request(&rep, &rlen, &st, path, AGENT_OP_ADD, req,
	    1 + nl + KEY_SEED_BYTES);
	sodium_free(req);
	if (rc != 0)
		return rc;
	if (st == AGENT_ST_REFUSED)
		rc = DT_ERANGE;
	else if (st != AGENT_ST_OK || rlen != 1 + KEY_PK_BYTES ||
	    memcmp(rep + 1, id->pk, KEY_PK_BYTES) != 0)
		rc = DT_EFORMAT;
	agent_reply_free(rep);
	return rc;
}

int
agent_list_parse(agent_key keys[AGENT_MAX_KEYS], size_t *n,
    uint32_t *timeout, uint32_t *lifetime, uint32_t *pid,
    const unsigned char *rep, size_t rlen)
{
	size_t o, i, cnt;

	*n = 0;
	if (rlen < 14 || rep[0] != AGENT_ST_OK || rep[13] > AGENT_MAX_KEYS)
		return DT_EFORMAT;
	*timeout = get32(rep + 1);
	*lifetime = get32(rep + 5);
	*pid = get32(rep + 9);
	cnt = rep[13];
	for (o = 14, i = 0; i < cnt; i++) {
		size_t nl;

		if (rlen - o < KEY_PK_BYTES + 9)
			return DT_EFORMAT;
		memcpy(keys[i].pk, rep + o, KEY_PK_BYTES);
		keys[i].idle_left = get32(rep + o + KEY_PK_BYTES);
		keys[i].life_left = get32(rep + o + KEY_PK_BYTES + 4);
		o += KEY_PK_BYTES + 8;
		nl = rep[o++];
		if (nl > KEY_NAME_MAX || rlen - o < nl)
			return DT_EFORMAT;
		memcpy(keys[i].name, rep + o, nl);
		keys[i].name[nl] = '\0';
		/* printed on a terminal by `agent --status`: names only */
		if (!key_name_valid(keys[i].name))
			return DT_EFORMAT;
		o += nl;
	}
	if (o != rlen)
		return DT_EFORMAT;
	*n = cnt;
	return 0;
}

int
agent_list(agent_key keys[AGENT_MAX_KEYS], size_t *n, uint32_t *timeout,
    uint32_t *lifetime, uint32_t *pid, const char *path)
{
	unsigned char *rep = NULL;
	size_t rlen = 0;
	int st, rc;

	*n = 0;
	if ((rc = agent_request(&rep, &rlen, &st, path, AGENT_OP_LIST, NULL,
		 0)) != 0)
		return rc;
	rc = agent_list_parse(keys, n, timeout, lifetime, pid, rep, rlen);
	agent_reply_free(rep);
	return rc;
}

int
agent_simple(const char *path, unsigned op)
{
	unsigned char *rep = NULL;
	size_t rlen = 0;
	int st, rc;

	if ((rc = agent_request(&rep, &rlen, &st, path, op, NULL, 0)) != 0)
		return rc;
	rc = st == AGENT_ST_OK && rlen == 1 ? 0 : DT_EFORMAT;
	agent_reply_free(rep);
	return rc;
}

/* --- an identity held by the agent (key_ops) -------------------------------- */

/*
 * remote_call() - pk || data as a request; the answer (without status)
 * copied to out, which must be exactly outlen bytes long.
 */
static int
remote_call(const char *path, unsigned op, const unsigned char *pk,
    const unsigned char *data, size_t len, unsigned char *out, size_t outlen)
{
	unsigned char *req, *rep = NULL;
	size_t rlen = 0;
	int st, rc;

	if (len > AGENT_MAX_REQUEST - 1 - KEY_PK_BYTES)
		return DT_ERANGE;
	if ((req = sodium_malloc(KEY_PK_BYTES + len)) == NULL)
		return DT_ENOMEM;
	memcpy(req, pk, KEY_PK_BYTES);
	if (len > 0)
		memcpy(req + KEY_PK_BYTES, data, len);
	rc = agent_request(&rep, &rlen, &st, path, op, req, KEY_PK_BYTES + len);
	sodium_free(req);
	if (rc != 0)
		return rc == DT_ENOMEM ? rc : DT_EAGENT;
	if (st == AGENT_ST_OK && rlen == 1 + outlen) {
		memcpy(out, rep + 1, outlen);
		rc = 0;
	} else if (st == AGENT_ST_REFUSED)
		rc = DT_EDECRYPT;
	else
		rc = DT_EAGENT;
	agent_reply_free(rep);
	return rc;
}

static int
remote_sign(void *arg, unsigned char sig[KEY_SIG_BYTES], const unsigned char *m,
    size_t mlen, const unsigned char pk[KEY_PK_BYTES])
{
	return remote_call(arg, AGENT_OP_SIGN, pk, m, mlen, sig, KEY_SIG_BYTES);
}

static int
remote_open(void *arg, unsigned char *out, const unsigned char *c, size_t clen,
    const unsigned char pk[KEY_PK_BYTES])
{
	return remote_call(arg, AGENT_OP_OPEN, pk, c, clen, out,
	    clen - crypto_box_SEALBYTES);
}

static int
remote_noise_mix(void *arg, unsigned char out[64], const unsigned char ck[32],
    const unsigned char remote[32], const unsigned char pk[KEY_PK_BYTES])
{
	unsigned char *in;
	int rc;

	/* ck is a handshake secret: it crosses in sodium_malloc() memory */
	if ((in = sodium_malloc(64)) == NULL)
		return DT_ENOMEM;
	memcpy(in, ck, 32);
	memcpy(in + 32, remote, 32);
	rc = remote_call(arg, AGENT_OP_NOISE, pk, in, 64, out, 64);
	sodium_free(in);
	/* status 3 here: a low-order key, not a key wrap */
	return rc == DT_EDECRYPT ? DT_EINVAL : rc;
}

static const key_ops remote_ops = { remote_sign, remote_open, free,
	remote_noise_mix };

int
agent_identity(key_identity **out, const char *name,
    const unsigned char pk[KEY_PK_BYTES])
{
	agent_key *keys;
	agent_problem p;
	char path[AGENT_PATH_MAX], *arg;
	uint32_t timeout, lifetime, pid;
	size_t n = 0, i;
	int rc;

	*out = NULL;
	if (agent_path(path, 0, &p) != 0)
		return DT_ENOENT;
	if ((keys = calloc(AGENT_MAX_KEYS, sizeof(*keys))) == NULL)
		return DT_ENOMEM;
	rc = agent_list(keys, &n, &timeout, &lifetime, &pid, path);
	for (i = 0; rc == 0 && i < n; i++)
		if (memcmp(keys[i].pk, pk, KEY_PK_BYTES) == 0)
			break;
	free(keys);
	if (rc == DT_ENOMEM)
		return rc;
	if (rc != 0 || i == n)
		return DT_ENOENT;
	if ((arg = strdup(path)) == NULL)
		return DT_ENOMEM;
	return key_identity_remote(out, name, pk, &remote_ops, arg);
}
