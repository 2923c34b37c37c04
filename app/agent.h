/*
 * agent.h: `detente agent`, which holds unlocked identities for a
 * bounded time, and its clients (prefix agent_).
 *
 * The agent never hands a secret key out: it signs, opens key wraps and
 * does the Noise handshake's DH with the static key (as MixKey, never a
 * bare DH) for the process that asks, as ssh-agent signs for ssh.  It listens on
 * a Unix socket at a fixed path of the user's (agent_path()), answers
 * only processes of its own uid (SO_PEERCRED), keeps every key in
 * sodium_malloc() memory, and forgets a key after an idle timeout and a
 * longer lifetime.  The protocol (one request and one reply per
 * connection, length-prefixed) is in docs/ARCHITECTURE.md ("The agent").
 *
 * Functions return 0 or a negative DT_E* code (crypto/err.h) and print
 * nothing; app/cmd_agent.c speaks to the user.
 */
#ifndef DETENTE_AGENT_H
#define DETENTE_AGENT_H

#include <stddef.h>
#include <stdint.h>

#include "../crypto/keys.h"

#define AGENT_PATH_MAX 108U /* sun_path */
#define AGENT_MAX_KEYS 16U
#define AGENT_MAX_REQUEST (4U * 1024U * 1024U)
#define AGENT_TIMEOUT_DEFAULT (15U * 60U) /* seconds idle */
#define AGENT_LIFETIME_DEFAULT (8U * 3600U) /* seconds after add */
#define AGENT_SECONDS_MAX (7U * 24U * 3600U)

/* Requests (the first byte of a request's body). */
enum {
	AGENT_OP_ADD = 1,
	AGENT_OP_SIGN = 2,
	AGENT_OP_OPEN = 3,
	AGENT_OP_LIST = 4,
	AGENT_OP_LOCK = 5,
	AGENT_OP_STOP = 6,
	AGENT_OP_NOISE = 7 /* MixKey(DH(s, remote)) for a sync handshake */
};

/* Reply statuses (the first byte of a reply's body). */
enum {
	AGENT_ST_OK = 0,
	AGENT_ST_NOKEY = 1, /* the agent does not hold that key */
	AGENT_ST_BADREQ = 2, /* malformed request */
	AGENT_ST_REFUSED = 3, /* not a key wrap for that key; too many keys */
	AGENT_ST_NOMEM = 4
};

/* Why agent_path() found no usable place for the socket. */
typedef struct agent_problem {
	char path[AGENT_PATH_MAX + 64]; /* the directory (or socket) */
	int what; /* AGENT_P_* */
	unsigned mode;
} agent_problem;

enum {
	AGENT_P_NONE = 0,
	AGENT_P_MISSING, /* no directory (and not asked to create it) */
	AGENT_P_NOT_DIR, /* not a directory, or a symbolic link */
	AGENT_P_NOT_OWNER, /* belongs to another user */
	AGENT_P_OPEN, /* others may enter it (mode & 077) */
	AGENT_P_TOO_LONG, /* the path does not fit a socket address */
	AGENT_P_IO /* lstat or mkdir failed (errno kept) */
};

/*
 * agent_path() - the socket's path: $XDG_RUNTIME_DIR/detente/agent.sock,
 * or /tmp/detente-UID/agent.sock without XDG_RUNTIME_DIR.  The directory
 * must be a directory (not a link) of this uid that no one else may
 * enter, as ssh-agent checks its own; with create, it is made (0700).
 * @param[out] out   AGENT_PATH_MAX bytes.
 * @param[out] p     what was wrong, when the return is not 0.
 * @return 0, DT_ENOENT (AGENT_P_MISSING), DT_EINVAL (p says why).
 */
int agent_path(char out[AGENT_PATH_MAX], int create, agent_problem *p);

/*
 * agent_listen() - take the agent's lock (path.lock, flock), then bind
 * and listen on path, mode 0600; a socket file left there by an agent
 * that is gone is replaced.  The lock, held for the agent's life, makes
 * two agents started at once one agent and a refusal.
 * @param[out] fd      the listening socket.
 * @param[out] lockfd  the lock's descriptor: keep it open while serving.
 * @return 0, DT_EEXIST (an agent runs), DT_EIO (errno kept).
 */
int agent_listen(int *fd, int *lockfd, const char *path);

/*
 * The agent's keys and settings, apart from its socket (for agent_serve()
 * and the fuzz target).  agent_state_new(): timeout and lifetime in
 * seconds, each at least 1; 0, DT_EINVAL, DT_ENOMEM.  agent_state_free()
 * wipes every key; it accepts NULL.  agent_state_stopped(): 1 once a
 * stop request was handled.
 */
typedef struct agent_state agent_state;
int agent_state_new(agent_state **out, unsigned timeout, unsigned lifetime);
void agent_state_free(agent_state *a);
int agent_state_stopped(const agent_state *a);

/*
 * agent_handle() - one request (len >= 1 bytes: the operation, then its
 * body) into a reply (the status byte, then the answer), as the protocol
 * says; a malformed request gets status AGENT_ST_BADREQ.
 * @param[out] rep  sodium_malloc() memory, *replen bytes; sodium_free().
 * @return 0, DT_ENOMEM.
 */
int agent_handle(agent_state *a, const unsigned char *req, size_t len,
    unsigned char **rep, size_t *replen);

/*
 * agent_serve() - answer requests on fd until a stop request or a
 * SIGTERM, SIGINT or SIGHUP; then wipe every key, remove path (if it is
 * still this agent's socket) and return.
 * @param[in] timeout   seconds a key may stay unused.
 * @param[in] lifetime  seconds a key may be held at all.
 */
int agent_serve(int fd, const char *path, unsigned timeout, unsigned lifetime);

/*
 * agent_request() - one request to the agent at path (op, then body)
 * and its reply.  The reply is in sodium_malloc() memory (it may hold a
 * dialogue key): free with agent_reply_free().
 * @param[out] status  the reply's status byte.
 * @return 0, DT_ENOENT (no agent listens), DT_EINVAL (the peer is not
 *         of this uid), DT_EIO, DT_EFORMAT (a malformed reply), DT_ENOMEM.
 */
int agent_request(unsigned char **reply, size_t *replylen, int *status,
    const char *path, unsigned op, const unsigned char *body, size_t len);

/* agent_reply_free() - wipe and free a reply; accepts NULL. */
void agent_reply_free(unsigned char *reply);

/*
 * agent_add() - give the agent id's key (its seed; the one time a secret
 * crosses the socket, from the process that unlocked it).
 * @return 0, what agent_request() returns, DT_ERANGE (the agent holds
 *         AGENT_MAX_KEYS keys already), DT_EFORMAT.
 */
int agent_add(const char *path, const key_identity *id);

/* One key the agent holds, as agent_list() reports it. */
typedef struct agent_key {
	unsigned char pk[KEY_PK_BYTES];
	char name[KEY_NAME_MAX + 1];
	uint32_t idle_left; /* seconds until it is forgotten unused */
	uint32_t life_left; /* seconds until it is forgotten at all */
} agent_key;

/*
 * agent_list() - what the agent holds, and its settings.
 * @param[out] keys  AGENT_MAX_KEYS entries; *n of them filled.
 * @param[out] pid   the agent's process id.
 */
int agent_list(agent_key keys[AGENT_MAX_KEYS], size_t *n, uint32_t *timeout,
    uint32_t *lifetime, uint32_t *pid, const char *path);

/*
 * agent_list_parse() - agent_list()'s reading of a list reply (rep, the
 * status byte first); DT_EFORMAT unless it is exactly one, with names
 * that key_name_valid() accepts.
 */
int agent_list_parse(agent_key keys[AGENT_MAX_KEYS], size_t *n,
    uint32_t *timeout, uint32_t *lifetime, uint32_t *pid,
    const unsigned char *rep, size_t rlen);

/* agent_simple() - a request without body or answer (LOCK, STOP). */
int agent_simple(const char *path, unsigned op);

/*
 * agent_identity() - if an agent runs (at agent_path()) and holds pk, an
 * identity that signs, opens key wraps and mixes Noise DHs through it
 * (key_ops).
 * @return 0, DT_ENOENT (no agent, or it does not hold pk), DT_ENOMEM.
 */
int agent_identity(key_identity **out, const char *name,
    const unsigned char pk[KEY_PK_BYTES]);

#endif
