/*
 * minutes_priv.h: the state of the minutes' model (struct mb) and the
 * helpers the files of the minutes share (storage/minutes*.c).  Not for
 * app/, which uses minutes.h, nor for the printers, which read the model
 * through minutes_print.h.
 *
 * The minutes are split along their steps:
 *   minutes.c        the names of the formats and languages, the entry
 *                    points minutes_render() and minutes_render_internal()
 *   minutes_scope.c  the scope: which entries the minutes cover
 *   minutes_model.c  the model: the minutes as one JSON object (agenda,
 *                    records, commitments, participants, integrity)
 *   minutes_units.c  the pieces the printers render, on two threads
 *   minutes_json.c   the JSON form: the model dumped
 *   minutes_id.c     a minutes file's identification, trusted comments
 * and the printers of the other formats: minutes_md.c, minutes_txt.c,
 * minutes_html.c (sharing minutes_print.c), with minutes_lang.c and
 * minutes_internal.c.
 */
#ifndef DETENTE_MINUTES_PRIV_H
#define DETENTE_MINUTES_PRIV_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "minutes.h"
#include "minutes_print.h"
#include "view.h"

#define MAX_LANGS 32U
/* Pieces of the agenda (records, mostly): fewer are not worth a thread. */
#define TWO_MIN 512U

/* What building the model needs, over one view and one scope. */
struct mb {
	const view *v;
	const minutes_scope *s;
	const view_meeting *m;
	const char *lang;
	int both;
	const char *party; /* an internal record of this party; NULL: joint */
	size_t n; /* items in the view */
	unsigned char *in; /* per item: in scope */
	unsigned char *own; /* per item: an internal note of party shown */
	unsigned char *shown; /* per item: rendered somewhere */
	const view_item **status; /* per item: latest status of it */
	long *agenda_pos; /* per item: its place in the agenda */
	struct person *people;
	size_t npeople;
	const view_item *genesis;
	char langs[MAX_LANGS][MINUTES_LANG_BYTES]; /* in the order met */
	size_t nlangs;
	int two; /* a second core: the bulk on two threads */
	struct place *placed; /* the records, in merged order */
	size_t nplaced;
	size_t half; /* of them, made (and freed) by the first half */
	/*
	 * Values the model repeats for every record, made before it and
	 * shared (a reference each): the model is read only once built.
	 * Each of records_json()'s halves has copies of its own.
	 */
	json_t *empty; /* [] */
	json_t *kinds[256]; /* entry_kind_name(), by kind */
	struct author_strs *authors; /* name and party, by author */
	size_t nauthors;
	int err;
};

/* Where in the model a record is. */
struct place {
	json_t *list;
	size_t at;
};

/* A growing buffer, malloc'd (not jansson's allocator). */
struct obuf {
	char *p;
	size_t len, cap;
	int err;                     /* a put failed: out of memory */
};

/* minutes_model() - the whole minutes as one JSON object (documented
 * fields), in minutes_model.c. */
json_t *minutes_model(struct mb *mb, minutes_format fmt);

/* minutes_shared_free() - let go of mb's references to its shared
 * values (minutes_model.c). */
void minutes_shared_free(struct mb *mb);

/*
 * minutes_units_of() - the pieces of the model m, in the order rendered
 * (minutes_units.c).
 * @return 0 or DT_ENOMEM.
 */
int minutes_units_of(struct minutes_unit **out, size_t *n, json_t *m);

/* minutes_memstream() - open_memstream(), for this thread alone
 * (minutes_units.c). */
FILE *minutes_memstream(char **buf, size_t *len);

/*
 * minutes_dump_json() - the JSON minutes of m into ob (a NUL after them,
 * not counted); with two, on two threads (minutes_json.c).  0 or
 * DT_ENOMEM.
 */
int minutes_dump_json(struct obuf *ob, json_t *m,
    const struct minutes_unit *u, size_t n, int two);

#endif
