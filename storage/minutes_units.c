/*
 * minutes_units.c: the pieces of the minutes (minutes_units_of(): each agenda
 * item, each record under it, in the order rendered) and their rendering
 * on two threads, each into a memory stream of its own
 * (minutes_render_units(), for the Markdown and text printers).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __GLIBC__
#include <stdio_ext.h>
#endif

#include <jansson.h>

#include "../crypto/err.h"
#include "halves.h"
#include "minutes_lang.h"
#include "minutes_print.h"
#include "minutes_priv.h"

/* What one thread does with the pieces [from, to). */
struct part {
	const struct minutes_unit *u;
	size_t from, to;
	const json_t *parties;
	minutes_unit_fn *fn;
	FILE *f;                     /* NULL: a stream of its own, buf */
	char *buf;
	size_t len;
	int err;
};

/* units_add() - the pieces of one item (NULL: of the records under none). */
static void
units_add(struct minutes_unit *u, size_t *n, const json_t *item,
    json_t *records)
{
	size_t i;

	u[*n].item = item;
	u[(*n)++].records = NULL;
	for (i = 0; i < json_array_size(records); i++) {
		u[*n].item = item;
		u[*n].records = records;
		u[(*n)++].at = i;
	}
}

/*
 * minutes_units_of() - the pieces of the model m, in the order rendered.
 * @return 0 or DT_ENOMEM.
 */
int
minutes_units_of(struct minutes_unit **out, size_t *n, json_t *m)
{
	json_t *agenda = json_object_get(m, "agenda"), *a;
	json_t *other = json_object_get(m, "other_records");
	size_t i, k = json_array_size(other) > 0 ?
	    1 + json_array_size(other) : 0;

	*n = 0;
	json_array_foreach (agenda, i, a)
		k += 1 + json_array_size(json_object_get(a, "records"));
	if ((*out = calloc(k + 1, sizeof(**out))) == NULL)
		return DT_ENOMEM;
	json_array_foreach (agenda, i, a)
		units_add(*out, n, a, json_object_get(a, "records"));
	if (json_array_size(other) > 0)
		units_add(*out, n, NULL, other);
	for (i = 0; i < *n; i++)
		(*out)[i].frame = minutes_frame_of(
		    json_string_value(json_object_get(m, "lang")));
	return 0;
}

/*
 * minutes_memstream() - open_memstream(), for this thread alone: each stream is
 * written by one thread, and the minutes are hundreds of thousands of
 * small writes, each of which would otherwise take the stream's lock
 * (once view_load() has started threads, glibc takes it every time).
 */
FILE *
minutes_memstream(char **buf, size_t *len)
{
	FILE *f = open_memstream(buf, len);

#ifdef __GLIBC__
	if (f != NULL)
		__fsetlocking(f, FSETLOCKING_BYCALLER);
#endif
	return f;
}

/* render_part() - the pieces [from, to), into p->f or a stream of p's. */
static void *
render_part(void *arg)
{
	struct part *p = arg;
	FILE *f = p->f;
	size_t i;

	if (p->from == p->to)
		return NULL;
	if (f == NULL && (f = minutes_memstream(&p->buf, &p->len)) == NULL) {
		p->err = 1;
		return NULL;
	}
	for (i = p->from; i < p->to; i++) {
		p->fn(f, &p->u[i], p->parties);
	}
	if (f != p->f && (ferror(f) != 0) + (fclose(f) != 0) != 0)
		p->err = 1;
	return NULL;
}

/* minutes_render_units(): see minutes_print.h. */
int
minutes_render_units(FILE *f, const struct minutes_unit *u, size_t n,
    const json_t *parties, minutes_unit_fn *fn, int two)
{
	struct part p[2];
	int rc = 0;

	memset(p, 0, sizeof(p));
	two = two && n >= TWO_MIN;
	p[0].u = p[1].u = u;
	p[0].parties = p[1].parties = parties;
	p[0].fn = p[1].fn = fn;
	p[0].f = f;
	p[0].to = p[1].from = two ? n / 2 : n;
	p[1].to = n;
	halves_run(render_part, &p[0], &p[1], two);
	if (p[1].err ||
	    (p[1].len > 0 && fwrite(p[1].buf, 1, p[1].len, f) != p[1].len))
		rc = -1;
	free(p[1].buf);
	return rc;
}
