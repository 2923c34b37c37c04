/*
 * sync.c: the sync protocol's state for one link (sync.h).
 *
 * The peer's feeds: what we know it holds, per author, sorted: from its
 * HELLO, then raised by every entry we send it and every entry it sends
 * us.  A batch is built by walking the merged order from the lowest
 * clock among the entries it lacks, so that an entry follows what it
 * references, as in a bundle.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "../crypto/err.h"
#include "bundle.h"
#include "entry.h"
#include "sync.h"

struct sync_feed {
	unsigned char author[KEY_PK_BYTES];
	uint64_t next;           /* the peer holds 0..next-1 */
};

struct sync_qmsg {
	unsigned char *b;
	size_t len;
};

struct sync_peer {
	record *r;
	unsigned flags;
	struct sync_feed *feeds; /* authors ascending */
	size_t nfeeds, capfeeds;
	struct sync_qmsg *q;     /* replies waiting to be sent, in order */
	size_t qn, qcap;
	unsigned char *out;      /* the message handed out last */
	unsigned char *batch;    /* the batch being built */
	size_t blen, bcap;
	uint32_t bcount;
	uint32_t sent_no;        /* number of the last batch sent */
	uint32_t acked_no;       /* number of the last batch acknowledged */
	uint32_t inflight[SYNC_WINDOW]; /* entries per unacked batch */
	uint32_t recv_no;        /* number of the last batch received */
	int exhausted;           /* nothing to send until the store changes */
	int dead;                /* an ERROR is queued: send nothing else */
	sync_progress pr;
};

/* The peer's feed for author, inserted (next 0) when add, else NULL. */
static struct sync_feed *
feed_find(sync_peer *p, const unsigned char *author, int add)
{
	size_t lo = 0, hi = p->nfeeds, mid;
	struct sync_feed *nf;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = memcmp(p->feeds[mid].author, author, KEY_PK_BYTES);
		if (c == 0)
			return &p->feeds[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!add)
		return NULL;
	if (p->nfeeds == p->capfeeds) {
		size_t cap = p->capfeeds ? 2 * p->capfeeds : 16;

		if ((nf = realloc(p->feeds, cap * sizeof *nf)) == NULL)
			return NULL;
		p->feeds = nf;
		p->capfeeds = cap;
	}
	memmove(&p->feeds[lo + 1], &p->feeds[lo],
	    (p->nfeeds - lo) * sizeof *p->feeds);
	memcpy(p->feeds[lo].author, author, KEY_PK_BYTES);
	p->feeds[lo].next = 0;
	p->nfeeds++;
	return &p->feeds[lo];
}

static void
put32(unsigned char *o, uint32_t v)
{
	o[0] = (unsigned char)(v >> 24);
	o[1] = (unsigned char)(v >> 16);
	o[2] = (unsigned char)(v >> 8);
	o[3] = (unsigned char)v;
}

static uint32_t
get32(const unsigned char *i)
{
	return (uint32_t)i[0] << 24 | (uint32_t)i[1] << 16 |
	    (uint32_t)i[2] << 8 | (uint32_t)i[3];
}

/* Queue a copy of the len bytes at b (the first is the type). */
static int
queue(sync_peer *p, const unsigned char *b, size_t len)
{
	struct sync_qmsg *nq;
	unsigned char *c;

	if (p->qn == p->qcap) {
		size_t cap = p->qcap ? 2 * p->qcap : 8;

		if ((nq = realloc(p->q, cap * sizeof *nq)) == NULL)
			return DT_ENOMEM;
		p->q = nq;
		p->qcap = cap;
	}
	if ((c = malloc(len)) == NULL)
		return DT_ENOMEM;
	memcpy(c, b, len);
	p->q[p->qn].b = c;
	p->q[p->qn].len = len;
	p->qn++;
	return 0;
}

int
sync_queue(sync_peer *p, int type)
{
	unsigned char b = (unsigned char)type;

	return queue(p, &b, 1);
}

int
sync_queue_error(sync_peer *p, int code, const char *text)
{
	unsigned char b[4 + SYNC_ERROR_TEXT];
	size_t n = strlen(text), i;

	if (n > SYNC_ERROR_TEXT)
		n = SYNC_ERROR_TEXT;
	b[0] = SYNC_ERROR;
	b[1] = (unsigned char)code;
	b[2] = (unsigned char)(n >> 8);
	b[3] = (unsigned char)n;
	for (i = 0; i < n; i++)
		b[4 + i] = text[i] >= 0x20 && text[i] < 0x7f ?
		    (unsigned char)text[i] : '?';
	p->dead = 1;
	return queue(p, b, 4 + n);
}

/* Our HELLO: type 01 and the state file of what this replica holds. */
static int
queue_hello(sync_peer *p)
{
	bundle_state st;
	store_txn *t = NULL;
	unsigned char *enc = NULL, *b = NULL;
	size_t len = 0;
	int rc;

	memset(&st, 0, sizeof st);
	if ((rc = store_txn_begin(&t, record_store(p->r), 0)) != 0)
		return rc;
	rc = bundle_state_read(&st, t);
	store_txn_abort(t);
	if (rc != 0)
		goto out;
	if ((rc = bundle_state_encode(&enc, &len, &st)) != 0)
		goto out;
	if ((b = malloc(len + 1)) == NULL) {
		rc = DT_ENOMEM;
		goto out;
	}
	b[0] = SYNC_HELLO;
	memcpy(b + 1, enc, len);
	rc = queue(p, b, len + 1);
out:
	free(b);
	free(enc);
	bundle_state_done(&st);
	return rc;
}

int
sync_peer_new(sync_peer **out, record *r, unsigned flags)
{
	sync_peer *p;
	int rc;

	*out = NULL;
	if ((p = calloc(1, sizeof *p)) == NULL)
		return DT_ENOMEM;
	p->r = r;
	p->flags = flags & RECORD_VERIFY_KEY;
	if ((rc = queue_hello(p)) != 0) {
		sync_peer_free(p);
		return rc;
	}
	*out = p;
	return 0;
}

void
sync_peer_free(sync_peer *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->qn; i++)
		free(p->q[i].b);
	free(p->q);
	free(p->out);
	free(p->batch);
	free(p->feeds);
	free(p);
}

const sync_progress *
sync_peer_progress(const sync_peer *p)
{
	return &p->pr;
}

void
sync_changed(sync_peer *p)
{
	p->exhausted = 0;
}

const char *
sync_type_name(int type)
{
	static const char *const names[] = { "?", "HELLO", "BATCH", "ACK",
	    "IDLE", "BYE", "ERROR", "PING" };

	return type >= 1 && type <= SYNC_PING ? names[type] : "?";
}

/* Fill f with our own refusal, queue the ERROR for the peer. */
static int
refuse(sync_peer *p, sync_event *ev, int rc, int code, const char *fmt, ...)
{
	va_list ap;

	memset(&ev->f, 0, sizeof ev->f);
	ev->f.code = rc;
	va_start(ap, fmt);
	vsnprintf(ev->f.detail, sizeof ev->f.detail, fmt, ap);
	va_end(ap);
	(void)sync_queue_error(p, code, ev->f.detail);
	return rc;
}

/*
 * on_hello() - the peer's heads.  Where its head is not our entry at
 * that place (it holds a fork, or another history), our entry there is
 * sent too, as bundle_export() does, so that its import keeps the fork
 * as evidence.
 */
static int
on_hello(sync_peer *p, const unsigned char *msg, size_t len, sync_event *ev)
{
	bundle_state st;
	const char *why = NULL;
	unsigned char *b = NULL, h[ENTRY_HASH_BYTES];
	store_txn *t = NULL;
	store_head hd;
	size_t i, blen;
	int rc;

	memset(&st, 0, sizeof st);
	if (p->pr.hello)
		return refuse(p, ev, DT_EFORMAT, SYNC_ERR_PROTOCOL,
		    "a second HELLO");
	if (len > 1 + BUNDLE_HEADER_BYTES + (size_t)SYNC_MAX_FEEDS *
	    BUNDLE_STATE_FEED_BYTES)
		return refuse(p, ev, DT_ERANGE, SYNC_ERR_PROTOCOL,
		    "a HELLO listing more than %u feeds", SYNC_MAX_FEEDS);
	if ((rc = bundle_state_decode(&st, msg + 1, len - 1, &why)) != 0)
		return refuse(p, ev, DT_EFORMAT, SYNC_ERR_PROTOCOL,
		    "a malformed HELLO: %s", why != NULL ? why :
		    dt_strerror(rc));
	if (sodium_memcmp(st.dialogue, record_id(p->r), ENTRY_HASH_BYTES) !=
	    0) {
		bundle_state_done(&st);
		return refuse(p, ev, DT_EDIALOGUE, SYNC_ERR_DIALOGUE,
		    "the peer's replica is of another dialogue");
	}
	if ((rc = store_txn_begin(&t, record_store(p->r), 0)) != 0)
		goto out;
	for (i = 0; i < st.nfeeds; i++) {
		struct sync_feed *f = feed_find(p, st.feeds[i].author, 1);

		if (f == NULL) {
			rc = DT_ENOMEM;
			goto out;
		}
		f->next = st.feeds[i].next_seq;
		if (store_head_get(&hd, t, f->author) != 0 ||
		    f->next > hd.next_seq)
			continue;
		if ((rc = store_get(&b, &blen, t, f->author, f->next - 1)) !=
		    0)
			goto out;
		entry_hash(h, b, blen);
		free(b);
		b = NULL;
		if (sodium_memcmp(h, st.feeds[i].head, sizeof h) != 0)
			f->next--;
	}
	p->pr.hello = 1;
	for (i = 0; i < p->nfeeds; i++)
		if (store_head_get(&hd, t, p->feeds[i].author) == 0 &&
		    hd.next_seq > p->feeds[i].next)
			p->pr.lacks += hd.next_seq - p->feeds[i].next;
	{
		store_head *heads = NULL;
		size_t n = 0;

		if ((rc = store_heads(&heads, &n, t)) != 0)
			goto out;
		for (i = 0; i < n; i++)
			if (feed_find(p, heads[i].author, 0) == NULL)
				p->pr.lacks += heads[i].next_seq;
		free(heads);
	}
out:
	store_txn_abort(t);
	bundle_state_done(&st);
	return rc;
}

/* A batch received, handed to record_import_source() entry by entry. */
struct batch_src {
	const unsigned char *msg;
	size_t len, off;
	uint32_t count, done;
};

static int
batch_next(void *ctx, const unsigned char **bytes, size_t *len,
    const char **why)
{
	struct batch_src *b = ctx;
	uint32_t n;

	(void)why;
	if (b->done == b->count) {
		*bytes = NULL;
		*len = 0;
		return 0;
	}
	/* checked whole by on_batch() before the import */
	n = get32(b->msg + b->off);
	*bytes = b->msg + b->off + 4;
	*len = n;
	b->off += 4 + (size_t)n;
	b->done++;
	return 0;
}

static int
batch_rewind(void *ctx)
{
	struct batch_src *b = ctx;

	b->off = 9;
	b->done = 0;
	return 0;
}

/* The ERROR code that an import's failure is told to the peer with. */
static int
import_error_code(int rc)
{
	switch (rc) {
	case DT_EFORK:
		return SYNC_ERR_FORK;
	case DT_EIO:
	case DT_ENOSPC:
	case DT_EBUSY:
	case DT_ENOMEM:
	case DT_ESTATE:
	case DT_ENOKEY:
		return SYNC_ERR_LOCAL;
	default:
		return SYNC_ERR_REJECTED;
	}
}

static int
on_batch(sync_peer *p, const unsigned char *msg, size_t len, sync_event *ev)
{
	struct batch_src bs;
	record_source src;
	struct sync_feed *f;
	unsigned char ack[17];
	uint32_t no, count, i, n;
	size_t off, total = 0;
	entry e;
	int rc;

	if (!p->pr.hello)
		return refuse(p, ev, DT_EFORMAT, SYNC_ERR_PROTOCOL,
		    "a BATCH before the HELLO");
	if (len < 9)
		return refuse(p, ev, DT_EFORMAT, SYNC_ERR_PROTOCOL,
		    "a truncated BATCH");
	no = get32(msg + 1);
	count = get32(msg + 5);
	if (no != p->recv_no + 1)
		return refuse(p, ev, DT_EFORMAT, SYNC_ERR_PROTOCOL,
		    "BATCH %lu where %lu was due", (unsigned long)no,
		    (unsigned long)p->recv_no + 1);
	if (count == 0 || count > SYNC_BATCH_ENTRIES)
		return refuse(p, ev, DT_ERANGE, SYNC_ERR_PROTOCOL,
		    "a BATCH of %lu entries (1 to %u)", (unsigned long)count,
		    SYNC_BATCH_ENTRIES);
	for (off = 9, i = 0; i < count; i++) {
		if (len - off < 4)
			return refuse(p, ev, DT_EFORMAT, SYNC_ERR_PROTOCOL,
			    "a truncated BATCH (entry %lu)",
			    (unsigned long)i + 1);
		n = get32(msg + off);
		if (n < BUNDLE_ENTRY_MIN || n > BUNDLE_ENTRY_MAX ||
		    n > len - off - 4)
			return refuse(p, ev, DT_EFORMAT, SYNC_ERR_PROTOCOL,
			    "a BATCH whose entry %lu has a bad length (%lu)",
			    (unsigned long)i + 1, (unsigned long)n);
		off += 4 + (size_t)n;
		total += n;
	}
	if (off != len)
		return refuse(p, ev, DT_EFORMAT, SYNC_ERR_PROTOCOL,
		    "bytes after the last entry of a BATCH");
	if (count > 1 && total > SYNC_BATCH_BYTES)
		return refuse(p, ev, DT_ERANGE, SYNC_ERR_PROTOCOL,
		    "a BATCH of %lu bytes of entries (at most %u)",
		    (unsigned long)total, SYNC_BATCH_BYTES);
	memset(&bs, 0, sizeof bs);
	bs.msg = msg;
	bs.len = len;
	bs.off = 9;
	bs.count = count;
	src.dialogue = record_id(p->r);
	src.count = count;
	src.what = "batch";
	src.next = batch_next;
	src.rewind = batch_rewind;
	src.ctx = &bs;
	rc = record_import_source(p->r, &src, p->flags, &ev->st, &ev->f);
	if (rc != 0) {
		char text[512], ah[2 * KEY_PK_BYTES + 1];
		char hh[2 * ENTRY_HASH_BYTES + 1];

		/*
		 * the entry first: the detail is what the cut at
		 * SYNC_ERROR_TEXT (sync_queue_error()) may shorten
		 */
		if (ev->f.has_entry) {
			key_hex(ah, ev->f.author, KEY_PK_BYTES);
			key_hex(hh, ev->f.hash, ENTRY_HASH_BYTES);
			snprintf(text, sizeof text, "author %.16s, seq %llu, "
			    "hash %s: %s", ah, (unsigned long long)ev->f.seq,
			    hh, ev->f.detail);
		} else
			snprintf(text, sizeof text, "%s", ev->f.detail);
		(void)sync_queue_error(p, import_error_code(rc), text);
		return rc;
	}
	/* The peer holds what it sent us: never send it back. */
	for (off = 9, i = 0; i < count; i++) {
		n = get32(msg + off);
		if (entry_parse(&e, msg + off + 4, n) == 0) {
			if ((f = feed_find(p, e.author, 1)) == NULL)
				return DT_ENOMEM;
			if (f->next < e.seq + 1)
				f->next = e.seq + 1;
		}
		off += 4 + (size_t)n;
	}
	p->recv_no = no;
	ev->entries = count;
	p->pr.received += count;
	p->pr.added += ev->st.added + ev->st.released;
	p->pr.idle_recv = 0;
	ack[0] = SYNC_ACK;
	put32(ack + 1, no);
	put32(ack + 5, (uint32_t)(ev->st.added + ev->st.released));
	put32(ack + 9, (uint32_t)ev->st.known);
	put32(ack + 13, (uint32_t)ev->st.held_new);
	return queue(p, ack, sizeof ack);
}

int
sync_receive(sync_peer *p, const unsigned char *msg, size_t len,
    sync_event *ev)
{
	size_t n;

	memset(ev, 0, sizeof *ev);
	if (len == 0)
		return refuse(p, ev, DT_EFORMAT, SYNC_ERR_PROTOCOL,
		    "an empty message");
	ev->type = msg[0];
	switch (msg[0]) {
	case SYNC_HELLO:
		return on_hello(p, msg, len, ev);
	case SYNC_BATCH:
		return on_batch(p, msg, len, ev);
	case SYNC_ACK:
		if (len != 17 || p->pr.unacked == 0 ||
		    get32(msg + 1) != p->acked_no + 1)
			return refuse(p, ev, DT_EFORMAT, SYNC_ERR_PROTOCOL,
			    "an ACK of no batch sent");
		p->pr.sent += p->inflight[p->acked_no % SYNC_WINDOW];
		p->acked_no++;
		p->pr.unacked--;
		return 0;
	case SYNC_IDLE:
	case SYNC_BYE:
	case SYNC_PING:
		if (len != 1)
			return refuse(p, ev, DT_EFORMAT, SYNC_ERR_PROTOCOL,
			    "a %s with a body", sync_type_name(msg[0]));
		if (msg[0] == SYNC_IDLE) {
			if (!p->pr.hello)
				return refuse(p, ev, DT_EFORMAT,
				    SYNC_ERR_PROTOCOL, "IDLE before HELLO");
			p->pr.idle_recv = 1;
		} else if (msg[0] == SYNC_BYE)
			p->pr.bye = 1;
		return 0;
	case SYNC_ERROR:
		if (len < 4 || (n = (size_t)msg[2] << 8 | msg[3]) !=
		    len - 4 || n > SYNC_ERROR_TEXT)
			return refuse(p, ev, DT_EFORMAT, SYNC_ERR_PROTOCOL,
			    "a malformed ERROR");
		ev->peer_code = msg[1];
		memcpy(ev->peer_text, msg + 4, n);
		ev->peer_text[n] = '\0';
		p->dead = 1;
		return DT_ESTATE;
	default:
		return refuse(p, ev, DT_EFORMAT, SYNC_ERR_PROTOCOL,
		    "a message of unknown type %u", (unsigned)msg[0]);
	}
}

/* The batch walk: entries the peer lacks, in merged order. */
struct build {
	sync_peer *p;
	int rc;
};

static int
build_cb(void *ctx, const unsigned char *bytes, size_t len,
    const unsigned char hash[ENTRY_HASH_BYTES])
{
	struct build *x = ctx;
	sync_peer *p = x->p;
	struct sync_feed *f;
	unsigned char *nb;
	entry e;

	(void)hash;
	if (entry_parse(&e, bytes, len) != 0) {
		x->rc = DT_ECORRUPT;
		return 1;
	}
	if ((f = feed_find(p, e.author, 0)) == NULL || e.seq != f->next)
		return 0;
	/* one entry, alone in a batch, must fit a message (FORMAT.md 16) */
	if (len > SYNC_MSG_MAX - 13U) {
		x->rc = DT_ERANGE;
		return 1;
	}
	if (p->bcount > 0 && (p->bcount == SYNC_BATCH_ENTRIES ||
	    p->blen - 9 + len > SYNC_BATCH_BYTES))
		return 1;
	if (p->blen + 4 + len > p->bcap) {
		size_t cap = p->bcap ? p->bcap : 65536;

		while (cap < p->blen + 4 + len)
			cap *= 2;
		if ((nb = realloc(p->batch, cap)) == NULL) {
			x->rc = DT_ENOMEM;
			return 1;
		}
		p->batch = nb;
		p->bcap = cap;
	}
	put32(p->batch + p->blen, (uint32_t)len);
	memcpy(p->batch + p->blen + 4, bytes, len);
	p->blen += 4 + len;
	p->bcount++;
	f->next++;
	return 0;
}

/*
 * build_batch() - the next batch of what the peer lacks into p->batch
 * (p->bcount 0: nothing).  Every feed the peer does not list is lacked
 * whole.
 */
static int
build_batch(sync_peer *p)
{
	unsigned char from[STORE_ORDER_BYTES], zero[KEY_PK_BYTES] = { 0 };
	unsigned char *b = NULL;
	store_head *heads = NULL;
	store_txn *t = NULL;
	uint64_t minclock = UINT64_MAX;
	struct sync_feed *f;
	struct build x;
	size_t n = 0, i, len;
	entry e;
	int rc;

	p->blen = 9;
	p->bcount = 0;
	if (p->bcap < 9) {
		if ((p->batch = malloc(65536)) == NULL)
			return DT_ENOMEM;
		p->bcap = 65536;
	}
	if ((rc = store_txn_begin(&t, record_store(p->r), 0)) != 0)
		return rc;
	if ((rc = store_heads(&heads, &n, t)) != 0)
		goto out;
	for (i = 0; i < n; i++) {
		if ((f = feed_find(p, heads[i].author, 1)) == NULL) {
			rc = DT_ENOMEM;
			goto out;
		}
		if (f->next >= heads[i].next_seq)
			continue;
		if ((rc = store_get(&b, &len, t, f->author, f->next)) != 0)
			goto out;
		if (entry_parse(&e, b, len) != 0) {
			rc = DT_ECORRUPT;
			goto out;
		}
		if (e.clock < minclock)
			minclock = e.clock;
		free(b);
		b = NULL;
	}
	if (minclock == UINT64_MAX)
		goto out;
	store_order_key(from, minclock, zero);
	x.p = p;
	x.rc = 0;
	rc = store_scan(t, from, 0, build_cb, &x);
	if (rc == 1)
		rc = 0;
	if (rc == 0)
		rc = x.rc;
out:
	free(b);
	free(heads);
	store_txn_abort(t);
	return rc;
}

int
sync_next(sync_peer *p, const unsigned char **msg, size_t *len)
{
	unsigned char idle = SYNC_IDLE;
	int rc;

	*msg = NULL;
	*len = 0;
	free(p->out);
	p->out = NULL;
	if (p->qn > 0) {
		p->out = p->q[0].b;
		*msg = p->out;
		*len = p->q[0].len;
		memmove(&p->q[0], &p->q[1], (p->qn - 1) * sizeof *p->q);
		p->qn--;
		return 0;
	}
	if (p->dead || !p->pr.hello || p->pr.bye)
		return 0;
	if (!p->exhausted && p->pr.unacked < (int)SYNC_WINDOW) {
		if ((rc = build_batch(p)) != 0)
			return rc;
		if (p->bcount > 0) {
			p->sent_no++;
			p->batch[0] = SYNC_BATCH;
			put32(p->batch + 1, p->sent_no);
			put32(p->batch + 5, p->bcount);
			p->inflight[(p->sent_no - 1) % SYNC_WINDOW] = p->bcount;
			p->pr.unacked++;
			p->pr.idle_sent = 0;
			*msg = p->batch;
			*len = p->blen;
			return 0;
		}
		p->exhausted = 1;
	}
	if (p->exhausted && p->pr.unacked == 0 && !p->pr.idle_sent) {
		p->pr.idle_sent = 1;
		if ((rc = queue(p, &idle, 1)) != 0)
			return rc;
		return sync_next(p, msg, len);
	}
	return 0;
}
