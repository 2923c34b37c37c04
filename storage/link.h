/*
 * link.h: the sync channel between two replicas (prefix link_): a Noise
 * handshake (crypto/noise.h, Noise_XX_25519_ChaChaPoly_SHA256) over a
 * pair of file descriptors, then application messages of up to
 * LINK_MSG_MAX bytes in Noise transport messages.  docs/FORMAT.md ("Sync
 * channel") specifies the bytes; in short:
 *
 *   prologue    "detente sync v1\0" (16 bytes) || dialogue id (32 bytes)
 *   static key  the X25519 form of the member's Ed25519 identity
 *               (crypto_sign_ed25519_sk_to_curve25519), as key wraps use
 *   frame       u16 big-endian length (1..65535), then that many bytes: a
 *               Noise handshake message or a transport message
 *   payloads    the three handshake payloads are empty
 *   accepted    the responder's first transport message, once it has
 *               accepted the initiator, is the empty link message; the
 *               initiator's link_open() returns only after it, so that
 *               both sides know the handshake was accepted
 *   message     an application message of len bytes (0..LINK_MSG_MAX) is
 *               one or more transport messages whose plaintexts,
 *               concatenated, are u32 big-endian len || the message; the
 *               first carries the length and the receiver knows the end
 *               by it (each plaintext is 1..65519 bytes, the first at
 *               least 4; a plaintext that would run past the end is
 *               garbage)
 *
 * A link is one peer; nothing is global.  One thread may send while
 * another receives on the same link (they share no state but the peer's
 * identity, which does not change after link_open()); two sends or two
 * receives at once are not allowed.
 *
 * Writing to a pipe whose reader is gone raises SIGPIPE: a program that
 * links over pipes (stdin/stdout) ignores SIGPIPE, and then sees
 * DT_ECLOSED.  Sockets are written with MSG_NOSIGNAL.  The library never
 * changes a descriptor's flags and never closes rfd or wfd.
 *
 * Functions return 0 or a negative DT_E* code (crypto/err.h) and print
 * nothing.
 */
#ifndef DETENTE_LINK_H
#define DETENTE_LINK_H

#include <stddef.h>

#include "../crypto/keys.h"

/* the most an application message holds: 1 MiB and 64 KiB */
#define LINK_MSG_MAX (1024U * 1024U + 64U * 1024U)
#define LINK_PROLOGUE_CTX "detente sync v1"
#define LINK_PROLOGUE_CTX_BYTES 16U /* including the NUL */
#define LINK_PROLOGUE_BYTES (LINK_PROLOGUE_CTX_BYTES + 32U)
#define LINK_X25519_BYTES 32U
#define LINK_PARTY_BYTES 16U

/* Who is at the other end, as accept() said. */
typedef struct link_peer {
	unsigned char pk[KEY_PK_BYTES]; /* Ed25519 */
	char name[KEY_NAME_MAX + 1];
	char party[LINK_PARTY_BYTES];
} link_peer;

/*
 * link_accept_fn - called by link_open() once the peer's static key is
 * known and authenticated (after message 2 for the initiator, message 3
 * for the responder).  It returns 0 and fills peer when remote (an X25519
 * key) is the X25519 form of a current member's Ed25519 key of the
 * dialogue, or a DT_E* code (DT_EMEMBER) that link_open() returns.
 * link_open() checks that peer->pk's X25519 form is remote.
 */
typedef int (*link_accept_fn)(void *arg,
    const unsigned char remote[LINK_X25519_BYTES], link_peer *peer);

typedef struct link_chan link_chan;

/*
 * link_prologue() - the prologue for a dialogue:
 * "detente sync v1\0" || dialogue.
 */
void link_prologue(unsigned char out[LINK_PROLOGUE_BYTES],
    const unsigned char dialogue[32]);

/*
 * link_open() - run the XX handshake over rfd (read) and wfd (write),
 * which may be one socket, or stdin and stdout.
 * @param[out] out        the link; free with link_close().
 * @param[in]  initiator  1 for the side that speaks first (the one that
 *                        connected), 0 for the one that listens.
 * @param[in]  me         our identity: its secret key, or its agent
 *                        (key_ops.noise_mix); it must outlive link_open()
 *                        only, not the link.
 * @param[in]  accept     decides on the peer (see link_accept_fn).
 * @param[in]  timeout_ms bounds the whole handshake; -1 for none.
 * @return 0;
 *         DT_EMEMBER or what accept returned: we refused the peer;
 *         DT_EDECRYPT: a handshake message is not authentic: the peer is
 *           of another dialogue (another prologue), speaks another
 *           version, or the bytes were altered;
 *         DT_ECLOSED: the peer ended the link during the handshake: it
 *           did not accept us (we are not a current member as it sees
 *           the record, or it is of another dialogue), or it stopped;
 *         DT_ETIMEOUT: the peer stalled; DT_EFORMAT: not a handshake
 *         message (garbage, a frame too short); DT_EIO (errno kept);
 *         DT_EINVAL: me cannot act (no key, an agent without noise_mix),
 *         or a low-order key from the peer; DT_ENOMEM; DT_EAGENT.
 */
int link_open(link_chan **out, int rfd, int wfd, int initiator,
    const unsigned char dialogue[32], const key_identity *me,
    link_accept_fn accept, void *arg, int timeout_ms)
    __attribute__((warn_unused_result));

/*
 * link_send() - one application message (len <= LINK_MSG_MAX bytes; 0
 * is allowed), in as many transport messages as it needs.  Each frame's
 * write waits for the peer at most the link's send timeout (link_open()'s
 * timeout_ms, or link_set_send_timeout()).  After an error other than
 * DT_ERANGE the link cannot send again (a frame may be half written).
 * @return 0, DT_ERANGE (len), DT_ETIMEOUT, DT_ECLOSED (the reader is
 *         gone), DT_EIO (errno kept), DT_ESTATE (a previous send failed).
 */
int link_send(link_chan *l, const unsigned char *msg, size_t len)
    __attribute__((warn_unused_result));

/*
 * link_recv() - the next application message, in malloc() memory that
 * the caller owns (free()); *len its length (0..LINK_MSG_MAX; *msg is
 * not NULL even for 0 bytes).  Reads only what the message needs (no
 * byte past its last frame), so poll() on link_fd() says exactly whether
 * more is coming.
 * @param[in] timeout_ms  the most to wait for the whole message; -1 for
 *                        no limit, 0 to take only what is already there.
 *                        A timeout keeps what was read: the next call
 *                        continues the same message.
 * @return 0;
 *         DT_ETIMEOUT: no whole message in time (the link stays usable);
 *         DT_ECLOSED: the peer closed the link (or it was cut; a cut
 *           inside a message drops the part that came);
 *         DT_EFORMAT: garbage: a frame shorter than a tag, a length over
 *           LINK_MSG_MAX, a plaintext past the message's end;
 *         DT_EDECRYPT: a frame that is not authentic (tampered,
 *           reordered, replayed, cut and spliced);
 *         DT_EIO (errno kept); DT_ENOMEM.
 *         Every error but DT_ETIMEOUT ends the link for receiving: later
 *         calls return the same code.
 */
int link_recv(link_chan *l, unsigned char **msg, size_t *len, int timeout_ms)
    __attribute__((warn_unused_result));

/* link_set_send_timeout() - how long a send waits for the peer to read
 * (-1: no limit). */
void link_set_send_timeout(link_chan *l, int timeout_ms);

/* link_fd() - the descriptor to poll() for readability (rfd). */
int link_fd(const link_chan *l);

/* link_peer_key() - the peer's Ed25519 key, as accept() gave it. */
const unsigned char *link_peer_key(const link_chan *l);

/* link_peer_info() - the peer's key, name and party, as accept() gave. */
const link_peer *link_peer_info(const link_chan *l);

/*
 * link_handshake_hash() - the Noise handshake hash h (32 bytes), equal
 * on both ends: a channel binding.
 */
const unsigned char *link_handshake_hash(const link_chan *l);

/* link_close() - wipe and free the link; the descriptors stay open (the
 * caller closes them, which the peer sees as DT_ECLOSED).  Accepts NULL. */
void link_close(link_chan *l);

#endif
