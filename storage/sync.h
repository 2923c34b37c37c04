/*
 * sync.h: the sync protocol, one live link's state (prefix sync_).
 * docs/FORMAT.md ("Sync protocol") is normative; all integers are
 * big-endian.
 *
 * This module does no I/O: it turns messages received from a peer into
 * imports and replies, and says what to send next.  The caller (app/,
 * over a secure channel) moves the bytes, one channel message per sync
 * message, and tells it when the store changed.
 *
 *   HELLO  01 || a state file (FORMAT.md "State files"): our heads
 *   BATCH  02 || number u32 || count u32 || count x (u32 len || entry)
 *   ACK    03 || number u32 || added u32 || known u32 || held u32
 *   IDLE   04                 everything we had is sent and acknowledged
 *   BYE    05                 closing, on purpose
 *   ERROR  06 || code u8 || len u16 || len bytes of printable ASCII
 *   PING   07                 nothing to say; the link is alive
 *
 * Every batch received goes through record_import_source(), the one
 * path a bundle's entries take: stored whole or not at all.  Which
 * entries the peer lacks is known from its HELLO and, after it, from
 * what each side sent the other, so nothing stored is sent twice on one
 * link, and a new link (after a cut) starts from fresh heads.
 */
#ifndef DETENTE_SYNC_H
#define DETENTE_SYNC_H

#include <stddef.h>
#include <stdint.h>

#include "record.h"

#define SYNC_VERSION 1U
/* The largest message either side sends or accepts. */
#define SYNC_MSG_MAX (1024U * 1024U + 64U * 1024U)
/* A batch holds at most this many entries, and this many entry bytes
 * (one entry alone may be larger, up to BUNDLE_ENTRY_MAX). */
#define SYNC_BATCH_ENTRIES 1024U
#define SYNC_BATCH_BYTES (1024U * 1024U)
/* Batches a side may send before the first of them is acknowledged. */
#define SYNC_WINDOW 2U
/* The most feeds a HELLO may list. */
#define SYNC_MAX_FEEDS 4096U
/* The longest text of an ERROR. */
#define SYNC_ERROR_TEXT 200U

enum sync_type {
	SYNC_HELLO = 1,
	SYNC_BATCH = 2,
	SYNC_ACK = 3,
	SYNC_IDLE = 4,
	SYNC_BYE = 5,
	SYNC_ERROR = 6,
	SYNC_PING = 7
};

/* ERROR codes (the u8 on the wire). */
enum sync_error {
	SYNC_ERR_PROTOCOL = 1,  /* a message out of order or malformed */
	SYNC_ERR_DIALOGUE = 2,  /* the HELLO names another dialogue */
	SYNC_ERR_REJECTED = 3,  /* a batch failed a check: nothing stored */
	SYNC_ERR_FORK = 4,      /* a batch forks a feed: kept as evidence */
	SYNC_ERR_LOCAL = 5,     /* the receiver could not store (disk, ...) */
	SYNC_ERR_TIMEOUT = 6    /* the peer stalled */
};

typedef struct sync_peer sync_peer;

/* What one received message did (sync_receive()). */
typedef struct sync_event {
	int type;                  /* the message's sync_type */
	/* a batch stored: its entries and what became of them */
	uint32_t entries;
	record_import_stats st;
	/* an ERROR from the peer: its code and text (untrusted: vis.h) */
	int peer_code;
	char peer_text[SYNC_ERROR_TEXT + 1];
	/* our own failure: what was wrong (an ERROR is queued for the
	 * peer, and the link must close once it is sent) */
	record_failure f;
} sync_event;

/*
 * sync_peer_new() - the state of one link to a peer, over the record r
 * (borrowed; it must outlive the peer).  Queues our HELLO.
 * flags: RECORD_VERIFY_KEY (batches are imported with the key).
 * @return 0, DT_ENOMEM, a store error.
 */
int sync_peer_new(sync_peer **out, record *r, unsigned flags);

/* sync_peer_free() - free; accepts NULL. */
void sync_peer_free(sync_peer *p);

/*
 * sync_receive() - handle one message from the peer: check it, import a
 * batch (record_import_source()), queue the reply.
 * @return 0; SYNC_BYE's arrival is ev->type == SYNC_BYE; an ERROR from
 *         the peer returns DT_ESTATE with ev->peer_*; our own refusal
 *         returns its DT_E* code with ev->f (DT_EFORMAT for a malformed
 *         message, DT_EDIALOGUE, an import's code), and an ERROR is
 *         queued: send it (sync_next()), then close.
 */
int sync_receive(sync_peer *p, const unsigned char *msg, size_t len,
    sync_event *ev) __attribute__((warn_unused_result));

/*
 * sync_next() - the next message to send, or *msg NULL when there is
 * none now: a queued reply first, then a batch of what the peer lacks
 * (while fewer than SYNC_WINDOW are unacknowledged and the peer's HELLO
 * has come), then IDLE once everything is sent and acknowledged.
 * *msg stays owned by p, valid until the next call.
 * @return 0, DT_ENOMEM, a store error.
 */
int sync_next(sync_peer *p, const unsigned char **msg, size_t *len)
    __attribute__((warn_unused_result));

/* sync_changed() - the store changed: look again for what to send. */
void sync_changed(sync_peer *p);

/* sync_queue() - queue a message with no body (PING, BYE). */
int sync_queue(sync_peer *p, int type);

/*
 * sync_queue_error() - queue an ERROR (code, text: printable ASCII is
 * kept, anything else becomes '?'; cut at SYNC_ERROR_TEXT).
 */
int sync_queue_error(sync_peer *p, int code, const char *text);

/* What a link has done so far. */
typedef struct sync_progress {
	int hello;          /* the peer's HELLO has come */
	uint64_t sent;      /* entries sent, in batches acknowledged */
	uint64_t received;  /* entries received in batches stored */
	uint64_t added;     /* of them, new to this replica */
	uint64_t lacks;     /* entries the peer lacked at the HELLO */
	int unacked;        /* batches sent, not yet acknowledged */
	int idle_sent;      /* we said IDLE, and sent nothing since */
	int idle_recv;      /* the peer said IDLE, and sent nothing since */
	int bye;            /* the peer said BYE */
} sync_progress;

/* sync_peer_progress() - what the link has done. */
const sync_progress *sync_peer_progress(const sync_peer *p);

/* sync_type_name() - "HELLO", "BATCH", ... or "?". */
const char *sync_type_name(int type);

#endif
