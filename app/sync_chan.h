/*
 * sync_chan.h: one live link's byte transport for `detente sync`
 * (prefix chan_): the secure channel (crypto/, Noise) over a pair of
 * file descriptors, and a pump thread that writes for it.
 *
 * Why a pump: both sides of a link send batches while they receive
 * them, and a channel's send blocks once the pipe or socket toward the
 * peer is full.  If both sides block in a send, neither reads, and the
 * link deadlocks (a pipe holds 64 KiB; a batch is up to 1 MiB).  So the
 * channel writes into a local socket pair, and the pump moves the bytes
 * to the real descriptor, holding up to CHAN_PUMP_MAX bytes in memory
 * meanwhile; the sync protocol's window (storage/sync.h, SYNC_WINDOW)
 * keeps what is in flight below that.  A peer that reads nothing for
 * the stall timeout is cut: the pump closes its end, and the next send
 * fails.
 */
#ifndef DETENTE_SYNC_CHAN_H
#define DETENTE_SYNC_CHAN_H

#include <stddef.h>

#include "../crypto/keys.h"
#include "../storage/record.h"

/* What the pump may hold for a peer that reads slowly. */
#define CHAN_PUMP_MAX (8U * 1024U * 1024U)

typedef struct sync_chan sync_chan;

/*
 * chan_open() - run the handshake over rfd (read) and wfd (write) as
 * the initiator or the responder, as id, for r's dialogue, accepting
 * only a peer whose key is a current member of r.  rfd and wfd are
 * owned by the channel from then on (closed by chan_close(), or here on
 * failure); they may be the same descriptor (a socket).
 * @param[out] why  on failure, one English line (whylen bytes).
 * @return 0, DT_EMEMBER (the peer is no current member), DT_EDIALOGUE
 *         (the handshake does not authenticate: another dialogue, or
 *         altered bytes), DT_ECLOSED (the peer ended the handshake: it
 *         refused us), DT_EFORMAT (garbage), DT_EIO (cut, timeout),
 *         DT_ENOMEM.
 */
int chan_open(sync_chan **out, int rfd, int wfd, int initiator,
    record *r, const key_identity *id, int timeout_ms, int stall_ms,
    char *why, size_t whylen);

/* chan_send() - send one message.  @return 0, DT_EIO (cut or stalled). */
int chan_send(sync_chan *c, const unsigned char *msg, size_t len);

/*
 * chan_recv() - the next message, waiting up to timeout_ms; *msg is
 * valid until the next call.  @return 0, 1 (no whole message within
 * timeout_ms; what came is kept for the next call), DT_EIO (cut:
 * chan_why() says how), DT_EFORMAT (garbage: a frame that does not
 * decrypt or is too long), DT_ENOMEM.
 */
int chan_recv(sync_chan *c, const unsigned char **msg, size_t *len,
    int timeout_ms);

/* chan_fd() - the descriptor to poll for reading. */
int chan_fd(const sync_chan *c);

/* chan_peer() - the peer's member key (Ed25519). */
const unsigned char *chan_peer(const sync_chan *c);

/* chan_why() - what the last failure was, English, or "". */
const char *chan_why(const sync_chan *c);

/* chan_close() - close, flushing what the pump holds; accepts NULL. */
void chan_close(sync_chan *c);

#endif
