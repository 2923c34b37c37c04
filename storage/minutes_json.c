/*
 * minutes_json.c: the JSON form of the minutes, the model as jansson
 * dumps it (minutes_dump_json()), its records on a second thread when
 * there is a second core.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>

#include <jansson.h>
#include <sodium.h>

#include "../crypto/err.h"
#include "minutes_print.h"
#include "minutes_priv.h"

/* obuf_put() - append size bytes (after a failure, nothing). */
static void
obuf_put(struct obuf *ob, const void *buf, size_t size)
{
	size_t cap;
	char *p;

	if (ob->err)
		return;
	if (size > ob->cap - ob->len) {
		cap = ob->cap != 0 ? ob->cap : 65536;
		while (cap - ob->len < size) {
			if (cap > SIZE_MAX / 2) {
				ob->err = 1;
				return;
			}
			cap *= 2;
		}
		if ((p = realloc(ob->p, cap)) == NULL) {
			ob->err = 1;
			return;
		}
		ob->p = p;
		ob->cap = cap;
	}
	memcpy(ob->p + ob->len, buf, size);
	ob->len += size;
}

/* --- rendering: JSON -------------------------------------------------- */

/*
 * The JSON minutes are the model as jansson writes it with
 * JSON_INDENT(2) | JSON_SORT_KEYS.  On two cores the records of the
 * second half of the pieces of minutes_units_of() are written by jansson on a
 * second thread, each on its own, while this thread writes the rest of
 * the model with a marker string in each of their places; the markers
 * are then replaced by what the second thread wrote.  A record written
 * on its own at depth 0 differs from the same record written in place
 * at depth d only by 2 * d more spaces after each line break (JSON
 * strings hold no raw line break), which reindent() adds.
 */

#define JSON_FLAGS (JSON_INDENT(2) | JSON_SORT_KEYS)

/* dump_cb() - json_dump_callback() callback: append to an obuf. */
static int
dump_cb(const char *buf, size_t size, void *data)
{
	struct obuf *ob = data;

	obuf_put(ob, buf, size);
	return ob->err ? -1 : 0;
}

/* A record written on its own, to go in at depth (in levels). */
struct indented {
	struct obuf *ob;
	size_t depth;
};

/* reindent() - dump_cb(), with 2 * depth spaces after each line break. */
static int
reindent(const char *buf, size_t size, void *data)
{
	static const char spaces[] = "                ";
	struct indented *in = data;
	const char *nl, *end = buf + size;

	while ((nl = memchr(buf, '\n', (size_t)(end - buf))) != NULL) {
		obuf_put(in->ob, buf, (size_t)(nl - buf) + 1);
		obuf_put(in->ob, spaces, 2 * in->depth);
		buf = nl + 1;
	}
	obuf_put(in->ob, buf, (size_t)(end - buf));
	return in->ob->err ? -1 : 0;
}

/* The records written ahead on the second thread. */
struct ahead {
	const struct minutes_unit *u;
	size_t from, n;              /* the pieces [from, n) */
	json_t **rec;                /* per piece: the record taken out */
	size_t *off, *len;           /* per piece: where in buf */
	struct obuf buf;
};

static void *
dump_ahead(void *arg)
{
	struct ahead *a = arg;
	struct indented in;
	size_t i;

	in.ob = &a->buf;
	for (i = a->from; i < a->n && !a->buf.err; i++) {
		if (a->rec[i] == NULL)
			continue;
		/* 4: {"agenda": [{"records": [ here; 2: {"other_records": [ */
		in.depth = a->u[i].item != NULL ? 4 : 2;
		a->off[i] = a->buf.len;
		if (json_dump_callback(a->rec[i], reindent, &in,
		    JSON_FLAGS) != 0)
			a->buf.err = 1;
		a->len[i] = a->buf.len - a->off[i];
	}
	return NULL;
}

/*
 * minutes_dump_json() - the JSON minutes of m into ob (a NUL after them, not
 * counted); with two, on two threads (see above).  0 or DT_ENOMEM.
 */
int
minutes_dump_json(struct obuf *ob, json_t *m, const struct minutes_unit *u,
    size_t n, int two)
{
	unsigned char nonce[16];
	char mark[2 * sizeof(nonce) + 32], hex[2 * sizeof(nonce) + 1];
	struct ahead a;
	struct obuf out;
	pthread_t th;
	const char *p, *end, *hit;
	size_t i, mlen;
	int running = 0, rc = DT_ENOMEM;

	memset(ob, 0, sizeof(*ob));
	memset(&a, 0, sizeof(a));
	memset(&out, 0, sizeof(out));
	a.u = u;
	a.n = a.from = n;
	if (two && n >= TWO_MIN &&
	    (a.rec = calloc(n, sizeof(*a.rec))) != NULL &&
	    (a.off = calloc(n, sizeof(*a.off))) != NULL &&
	    (a.len = calloc(n, sizeof(*a.len))) != NULL)
		a.from = n / 2;
	/*
	 * Take the records out, a marker in each place: a string that no
	 * text can be, for it carries a fresh random nonce.
	 */
	randombytes_buf(nonce, sizeof(nonce));
	sodium_bin2hex(hex, sizeof(hex), nonce, sizeof(nonce));
	for (i = a.from; i < a.n; i++) {
		if (u[i].records == NULL)
			continue;
		a.rec[i] = json_array_get(u[i].records, u[i].at);
		snprintf(mark, sizeof(mark), "\x01%s-%zu", hex, i);
		if (a.rec[i] == NULL || json_incref(a.rec[i]) == NULL ||
		    json_array_set_new(u[i].records, u[i].at,
		    json_string(mark)) != 0) {
			json_decref(a.rec[i]);
			a.rec[i] = NULL;
			a.n = i; /* put back what was taken, below */
			break;
		}
	}
	if (a.from < a.n)
		running = pthread_create(&th, NULL, dump_ahead, &a) == 0;
	if (!running)
		dump_ahead(&a);
	if (json_dump_callback(m, dump_cb, ob, JSON_FLAGS) != 0)
		ob->err = 1;
	if (running)
		pthread_join(th, NULL);
	/* The markers, in document order, replaced by the records. */
	p = ob->p;
	end = ob->p + ob->len;
	for (i = a.from; i < a.n && !ob->err && !a.buf.err; i++) {
		if (a.rec[i] == NULL)
			continue;
		mlen = (size_t)snprintf(mark, sizeof(mark),
		    "\"\\u0001%s-%zu\"", hex, i);
		if ((hit = memmem(p, (size_t)(end - p), mark, mlen)) == NULL) {
			out.err = 1;
			break;
		}
		obuf_put(&out, p, (size_t)(hit - p));
		obuf_put(&out, a.buf.p + a.off[i], a.len[i]);
		p = hit + mlen;
	}
	if (a.from < a.n && !ob->err) {
		obuf_put(&out, p, (size_t)(end - p));
		free(ob->p);
		*ob = out;
		memset(&out, 0, sizeof(out));
	}
	obuf_put(ob, "\n", 2);
	if (!ob->err && !a.buf.err)
		rc = 0;
	/* the model as it was */
	for (i = a.from; i < a.n; i++)
		if (a.rec[i] != NULL) {
			if (json_array_set(u[i].records, u[i].at,
			    a.rec[i]) != 0)
				rc = DT_ENOMEM;
			json_decref(a.rec[i]);
		}
	free(out.p);
	free(a.buf.p);
	free(a.rec);
	free(a.off);
	free(a.len);
	if (rc != 0) {
		free(ob->p);
		memset(ob, 0, sizeof(*ob));
	}
	return rc;
}
