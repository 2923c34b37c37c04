/*
 * minutes_txt.c: the plain-text form of the minutes, printed from the
 * model (see minutes_print.h).  Moved out of minutes.c as it was.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "minutes_internal.h"
#include "minutes_lang.h"
#include "minutes_print.h"

/* Width of a plain-text page, and of the narrowest side-by-side column. */
#define TXT_WIDTH 78U
#define TXT_COL_MIN 20U

/* cps() - the number of code points in the first n bytes of s. */
static size_t
cps(const char *s, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		k += ((unsigned char)s[i] & 0xc0) != 0x80;
	return k;
}

/* A line of a wrapped text: len bytes at s, within the text. */
struct line {
	const char *s;
	size_t len;
};

/*
 * wrap() - the lines of s (already minutes_clean()ed), each paragraph
 * wrapped at width code points, at spaces when it can.  *lines (malloc'd) point
 * into s.  @return 0 or -1.
 */
static int
wrap(const char *s, size_t width, struct line **lines, size_t *n)
{
	const char *p = s, *e, *brk, *q;
	struct line *l = NULL, *nl;
	size_t k, cap = 0;

	*lines = NULL;
	*n = 0;
	for (;;) {
		e = strchr(p, '\n');
		if (e == NULL)
			e = p + strlen(p);
		do {
			/* the longest prefix of [p, e) of width code points */
			q = p;
			brk = NULL;
			for (k = 0; q < e && k < width; k++) {
				q++;
				while (
				    q < e && ((unsigned char)*q & 0xc0) == 0x80)
					q++;
				if (q < e && *q == ' ')
					brk = q;
			}
			if (q < e && *q != ' ' && brk != NULL)
				q = brk;
			if (*n == cap) {
				cap = cap != 0 ? 2 * cap : 16;
				if ((nl = realloc(l, cap * sizeof(*l))) == NULL)
					goto fail;
				l = nl;
			}
			l[*n].s = p;
			l[(*n)++].len = (size_t)(q - p);
			p = q;
			while (p < e && *p == ' ')
				p++;
		} while (p < e);
		if (*e == '\0')
			break;
		p = e + 1;
	}
	*lines = l;
	return 0;
fail:
	free(l);
	*n = 0;
	return -1;
}

/* pad() - n spaces. */
static void
pad(FILE *f, size_t n)
{
	while (n-- > 0)
		fputc(' ', f);
}

/*
 * txt_lines() - s at indent: its first line after lead (already printed),
 * the next ones indented.
 */
static void
txt_lines(FILE *f, const char *s, size_t indent)
{
	char *c = minutes_clean(s, 0), *p, *nl;

	if (c == NULL)
		return;
	for (p = c;; p = nl + 1) {
		if ((nl = strchr(p, '\n')) == NULL) {
			fprintf(f, "%s\n", p);
			break;
		}
		fprintf(f, "%.*s\n", (int)(nl - p), p);
		pad(f, indent);
	}
	free(c);
}

/*
 * txt_text() - one text at indent: "[en, authentic] ..." for one
 * version; with several, columns side by side when they fit, else one
 * labelled paragraph each.
 */
static void
txt_text(FILE *f, int fr, const json_t *text, size_t indent)
{
	size_t n = json_array_size(text), w, i, r, rows = 0, *nls;
	struct line **cols;
	char **texts;
	const json_t *t;

	if (n == 0) {
		pad(f, indent);
		fputc('(', f);
		minutes_l(f, fr, "no text");
		fputs(")\n", f);
		return;
	}
	w = indent + 3 * (n - 1) < TXT_WIDTH ?
	    (TXT_WIDTH - indent - 3 * (n - 1)) / n :
	    0;
	if (n == 1 || w < TXT_COL_MIN) {
		json_array_foreach (text, i, t) {
			pad(f, indent);
			fputc('[', f);
			minutes_version_label(f, fr, t);
			fputs("] ", f);
			txt_lines(f, gs(t, "body"), indent);
		}
		return;
	}
	cols = calloc(n, sizeof(*cols));
	texts = calloc(n, sizeof(*texts));
	nls = calloc(n, sizeof(*nls));
	if (cols == NULL || texts == NULL || nls == NULL)
		goto out;
	json_array_foreach (text, i, t) {
		if ((texts[i] = minutes_clean(gs(t, "body"), 0)) == NULL ||
		    wrap(texts[i], w, &cols[i], &nls[i]) != 0)
			goto out;
		if (nls[i] > rows)
			rows = nls[i];
	}
	/* header: "en (authentic)", a rule, then the rows */
	pad(f, indent);
	json_array_foreach (text, i, t) {
		char h[64], role[48];

		minutes_lstr(role, sizeof(role),
		    minutes_text_frame(fr, gs(t, "lang")), gs(t, "role"));
		snprintf(h, sizeof(h), "%s (%s)", gs(t, "lang"), role);
		fputs(h, f);
		if (i + 1 < n) {
			pad(f,
			    w > cps(h, strlen(h)) ? w - cps(h, strlen(h)) : 0);
			fputs(" | ", f);
		}
	}
	fputc('\n', f);
	pad(f, indent);
	for (i = 0; i < n; i++) {
		for (r = 0; r < w; r++)
			fputc('-', f);
		if (i + 1 < n)
			fputs("-+-", f);
	}
	fputc('\n', f);
	for (r = 0; r < rows; r++) {
		pad(f, indent);
		for (i = 0; i < n; i++) {
			const struct line *l = r < nls[i] ? &cols[i][r] : NULL;
			size_t k = l != NULL ? cps(l->s, l->len) : 0;

			if (l != NULL)
				fwrite(l->s, 1, l->len, f);
			if (i + 1 < n) {
				pad(f, w > k ? w - k : 0);
				fputs(" | ", f);
			}
		}
		fputc('\n', f);
	}
out:
	for (i = 0; cols != NULL && texts != NULL && i < n; i++) {
		free(cols[i]);
		free(texts[i]);
	}
	free(cols);
	free(texts);
	free(nls);
}

static void txt_record(FILE *f, int fr, const json_t *r, const json_t *parties,
    size_t indent);

static void
txt_corrections(FILE *f, int fr, const json_t *r, const json_t *parties,
    size_t indent)
{
	const json_t *c;
	size_t i;

	json_array_foreach (json_object_get(r, "corrections"), i, c)
		txt_record(f, fr, c, parties, indent);
}

static void
txt_record(FILE *f, int fr, const json_t *r, const json_t *parties,
    size_t indent)
{
	char de[MINUTES_DATE_BYTES], dr[MINUTES_DATE_BYTES];
	int h, hf;
	const json_t *c = json_object_get(r, "commitment");
	const char *k = gs(r, "kind");
	char label[160];

	minutes_kind_label(label, sizeof(label), fr, r);
	pad(f, indent);
	if (strcmp(k, "correction") == 0)
		minutes_l(f, fr,
		    "CORRECTION of the entry above (which stays in the "
		    "record as written)");
	else
		fputs(label, f);
	fputc(' ', f);
	minutes_byline(f, fr, r, 0);
	fputc('\n', f);
	/* in "both", one whole line in each language (FORMAT.md) */
	if (c != NULL) {
		minutes_due(c, de, dr);
		for (h = 0; h < 2; h++) {
			if ((hf = minutes_half(fr, h)) < 0)
				continue;
			pad(f, indent + 2);
			minutes_l(f, hf, "party %s, owner", gs(c, "party"));
			fputc(' ', f);
			if (gsn(c, "owner") != NULL)
				minutes_cprint(f, gs(c, "owner"), 0);
			else
				minutes_lput(f, hf, "not named");
			minutes_l(f, hf, ", due %s, status", h ? dr : de);
			fputc(' ', f);
			minutes_value(f, hf, gs(c, "status"));
			fputc('\n', f);
		}
	}
	txt_text(f, fr, json_object_get(r, "text"), indent + 2);
	if (strcmp(k, "decision") == 0 || strcmp(k, "commitment") == 0) {
		pad(f, indent + 2);
		minutes_endorsement_line(f, fr, r, parties, 0, 1);
	} else if (json_array_size(json_object_get(r, "endorsed_by")) > 0) {
		pad(f, indent + 2);
		minutes_endorsement_line(f, fr, r, parties, 0, 0);
	}
	fputc('\n', f);
	txt_corrections(f, fr, r, parties, indent + 4);
}

/* txt_heading() - a heading underlined with c, one per character. */
static void
txt_heading(FILE *f, const char *h, char c)
{
	size_t i, n = cps(h, strlen(h));

	fprintf(f, "%s\n", h);
	for (i = 0; i < n; i++)
		fputc(c, f);
	fputs("\n\n", f);
}

static void
txt_people(FILE *f, int fr, const json_t *list)
{
	const json_t *p;
	size_t i;

	if (json_array_size(list) == 0) {
		minutes_l(f, fr, "none");
		return;
	}
	json_array_foreach (list, i, p) {
		if (i)
			fputs(", ", f);
		if (*gs(p, "name") != '\0')
			minutes_cprint(f, gs(p, "name"), 0);
		else
			fprintf(f, "%.16s", gs(p, "key"));
		if (*gs(p, "role") != '\0') {
			fputs(" (", f);
			minutes_value(f, fr, gs(p, "role"));
			fputc(')', f);
		}
	}
}

/*
 * txt_label() - the label name in the frame, padded to 13 characters
 * (at least one space after it).  @return the column reached.
 */
static size_t
txt_label(FILE *f, int fr, const char *name)
{
	char b[160];
	size_t w;

	minutes_lstr(b, sizeof(b), fr, name);
	fputs(b, f);
	w = cps(b, strlen(b));
	pad(f, w < 13 ? 13 - w : 1);
	return w < 13 ? 13 : w + 1;
}

static void
txt_field(FILE *f, int fr, const char *name, const char *value)
{
	txt_lines(f, value, txt_label(f, fr, name));
}

/* txt_unit() - one piece of the agenda's part. */
static void
txt_unit(FILE *f, const struct minutes_unit *u, const json_t *parties)
{
	const json_t *a = u->item;
	int fr = u->frame;

	if (u->records != NULL) {
		txt_record(f, fr, json_array_get(u->records, u->at), parties,
		    4);
		return;
	}
	if (a == NULL) {
		minutes_l(f, fr, "NOT UNDER AN AGENDA ITEM");
		fputs("\n\n", f);
		return;
	}
	minutes_l(f, fr, "ITEM %lld",
	    (long long)json_integer_value(json_object_get(a, "number")));
	fputs(" (", f);
	if (gsn(a, "status") != NULL)
		minutes_value(f, fr, gs(a, "status"));
	else
		minutes_l(f, fr, "no status recorded");
	fputs(")\n", f);
	pad(f, 2);
	minutes_l(f, fr, "Agenda item");
	fputc(' ', f);
	minutes_byline(f, fr, a, 0);
	fputc('\n', f);
	txt_text(f, fr, json_object_get(a, "text"), 2);
	fputc('\n', f);
	txt_corrections(f, fr, a, parties, 4);
}

/* minutes_print_txt() - the minutes in plain text (minutes_print.h). */
int
minutes_print_txt(FILE *f, const json_t *m, const struct minutes_unit *u,
    size_t n, int two)
{
	char de[MINUTES_DATE_BYTES], dr[MINUTES_DATE_BYTES], *t;
	const json_t *parties = json_object_get(m, "parties"), *o, *l, *r;
	const json_t *in = json_object_get(m, "integrity"), *x, *c;
	long long meeting =
	    (long long)json_integer_value(json_object_get(m, "meeting"));
	int fr = minutes_frame_of(gs(m, "lang"));
	char h[400], a[160];
	size_t i, j;

	fprintf(f,
	    "%s v%d dialogue=%s meeting=%lld format=txt lang=%s "
	    "status=%s",
	    MINUTES_MAGIC, MINUTES_VERSION, gs(m, "dialogue"), meeting,
	    gs(m, "lang"), gs(m, "status"));
	minutes_id_scope(f, m);
	fputs("\n\n", f);
	minutes_internal_banner(f, m, MINUTES_IN_TXT);
	minutes_lsn(h, sizeof(h), fr,
	    strcmp(gs(m, "status"), "draft") == 0 ?
		"MINUTES OF MEETING %lld (DRAFT: NOT CLOSED, MAY NOT BE "
		"SIGNED)" :
		"MINUTES OF MEETING %lld",
	    meeting);
	txt_heading(f, h, '=');
	if ((t = minutes_named(m, fr, "meeting_title", "meeting_titles")) !=
	    NULL)
		txt_field(f, fr, "Meeting:", t);
	free(t);
	t = minutes_named(m, fr, "title", "titles");
	txt_field(f, fr, "Dialogue:", t != NULL ? t : "");
	free(t);
	txt_field(f, fr, "Dialogue id:", gs(m, "dialogue"));
	txt_label(f, fr, "Parties:");
	json_array_foreach (parties, i, l) {
		fputs(i ? ", " : "", f);
		minutes_party(f, fr, json_string_value(l));
	}
	fputc('\n', f);
	if (gsn(m, "date") != NULL)
		txt_field(f, fr, "Date:", minutes_date(de, sizeof(de), fr,
		    gs(m, "date")));
	if ((t = minutes_named(m, fr, "place", "places")) != NULL)
		txt_field(f, fr, "Place:", t);
	free(t);
	if (json_is_object(o = json_object_get(m, "opened"))) {
		txt_label(f, fr, "Opened");
		minutes_byline(f, fr, o, 0);
		fputc('\n', f);
	}
	if (json_is_object(o = json_object_get(m, "closed"))) {
		txt_label(f, fr, "Closed");
		minutes_byline(f, fr, o, 0);
		fputc('\n', f);
	}
	txt_label(f, fr, "Languages:");
	json_array_foreach (json_object_get(m, "languages"), i, l)
		fprintf(f, "%s%s", i ? ", " : "", json_string_value(l));
	fputs(" (", f);
	if (strcmp(gs(m, "lang"), "both") == 0)
		minutes_l(f, fr, "every language shown, side by side");
	else
		minutes_l(f, fr, "shown: %s, else the authentic text",
		    gs(m, "lang"));
	fputs(")\n\n\n", f);

	minutes_lstr(a, sizeof(a), fr, "PARTICIPANTS");
	txt_heading(f, a, '-');
	o = json_object_get(m, "participants");
	minutes_lsep(f, fr, "\n\n",
	    "Attendance as each party recorded it; where a party recorded "
	    "none, the\nminutes say so and name who of it wrote entries in "
	    "this meeting.");
	fputc('\n', f);
	json_array_foreach (json_object_get(o, "parties"), i, l) {
		const char *pt = gs(l, "party");
		size_t w = cps(pt, strlen(pt));

		fputs(pt, f);
		pad(f, w < 4 ? 5 - w : 1);
		if (json_is_true(json_object_get(l, "recorded"))) {
			minutes_l(f, fr, "present:");
			fputc(' ', f);
			txt_people(f, fr, json_object_get(l, "present"));
			fputs("\n     ", f);
			minutes_l(f, fr, "absent: ");
			fputc(' ', f);
			txt_people(f, fr, json_object_get(l, "absent"));
		} else {
			minutes_l(f, fr, "attendance not recorded");
			fputs("\n     ", f);
			minutes_l(f, fr, "wrote entries:");
			fputc(' ', f);
			txt_people(f, fr, json_object_get(l, "wrote"));
		}
		fputc('\n', f);
	}
	fputs("\n\n", f);

	minutes_lstr(a, sizeof(a), fr, "AGENDA");
	txt_heading(f, a, '-');
	if (json_array_size(json_object_get(m, "agenda")) == 0) {
		minutes_lsep(f, fr, "\n", "No agenda item was recorded.");
		fputs("\n\n", f);
	}
	if (minutes_render_units(f, u, n, parties, txt_unit, two) != 0)
		return -1;
	if (json_array_size(json_object_get(m, "other_corrections")) > 0) {
		minutes_l(f, fr, "CORRECTIONS OF OTHER ENTRIES");
		fputs("\n\n", f);
		json_array_foreach (json_object_get(m, "other_corrections"), j,
		    r) {
			const json_t *tg = json_object_get(r, "corrects");

			fputs("  ", f);
			minutes_l(f, fr, "Of entry %.8s", gs(tg, "entry"));
			if (json_is_integer(json_object_get(tg, "meeting"))) {
				fputs(" (", f);
				minutes_value(f, fr, gs(tg, "kind"));
				fputs(", ", f);
				minutes_l(f, fr, "meeting %lld",
				    (long long)json_integer_value(
					json_object_get(tg, "meeting")));
				fputc(')', f);
			}
			fputs(":\n", f);
			if (json_is_array(json_object_get(tg, "text")))
				txt_text(f, fr, json_object_get(tg, "text"), 4);
			fputc('\n', f);
			txt_record(f, fr, r, parties, 4);
		}
	}
	fputc('\n', f);

	minutes_lstr(a, sizeof(a), fr, "COMMITMENTS");
	txt_heading(f, a, '-');
	if (json_array_size(json_object_get(m, "commitments")) == 0) {
		minutes_lsep(f, fr, "\n",
		    "No commitment was made or carried over.");
		fputs("\n\n", f);
	}
	json_array_foreach (json_object_get(m, "commitments"), i, c) {
		fprintf(f, "%.8s  %s  ", gs(c, "entry"), gs(c, "party"));
		minutes_l(f, fr, "owner:");
		fputc(' ', f);
		if (gsn(c, "owner") != NULL)
			minutes_cprint(f, gs(c, "owner"), 0);
		else
			minutes_lput(f, fr, "not named");
		fputs("  ", f);
		minutes_due(c, de, dr);
		minutes_l1(f, fr, "due: %s", de, dr);
		fputs("  ", f);
		minutes_l(f, fr, "status:");
		fputc(' ', f);
		minutes_value(f, fr, gs(c, "status"));
		fputs("  ", f);
		minutes_l(f, fr, "made in meeting %lld",
		    (long long)json_integer_value(
			json_object_get(c, "meeting")));
		if (json_is_true(json_object_get(c, "carried"))) {
			fputc(' ', f);
			minutes_l(f, fr, "(carried over)");
		}
		fputc('\n', f);
		pad(f, 2);
		minutes_endorsement_line(f, fr, c, parties, 0, 1);
		txt_text(f, fr, json_object_get(c, "text"), 2);
		fputc('\n', f);
		txt_corrections(f, fr, c, parties, 4);
	}
	fputc('\n', f);

	minutes_lstr(a, sizeof(a), fr, "INTEGRITY");
	txt_heading(f, a, '-');
	o = json_object_get(in, "scope");
	if (gsn(o, "close") != NULL)
		minutes_lsep(f, fr, "\n\n",
		    "Rendered from the entries of the record up to the "
		    "close of meeting %lld:\nthe closing entry %s\nand every "
		    "entry it follows causally, %lld entries in all.\nEvery "
		    "replica that holds the closing entry renders the same "
		    "bytes.",
		    meeting, gs(o, "close"),
		    (long long)json_integer_value(
			json_object_get(o, "entries")));
	else
		minutes_lsep(f, fr, "\n\n",
		    "The meeting is not closed: this draft is rendered "
		    "from the %lld entries\nthis replica holds.",
		    (long long)json_integer_value(
			json_object_get(o, "entries")));
	fputs("\n\n", f);
	if (json_integer_value(json_object_get(o, "unreadable")) > 0) {
		minutes_lsep(f, fr, "\n\n",
		    "WARNING: %lld entries of this part of the record could "
		    "not be read, and these\nminutes cannot show them; run "
		    "`detente verify`.",
		    (long long)json_integer_value(
			json_object_get(o, "unreadable")));
		fputs("\n\n", f);
	}
	minutes_lsep(f, fr, "\n",
	    "Feeds (author, party, size; key, last entry, RFC 6962 Merkle "
	    "root):");
	fputc('\n', f);
	json_array_foreach (json_object_get(in, "feeds"), i, x) {
		fputs("  ", f);
		minutes_cprint(f, gs(x, "name"), 0);
		fprintf(f, " (%s), ",
		    gsn(x, "party") != NULL ? gs(x, "party") : "-");
		minutes_l(f, fr, "%lld entries",
		    (long long)json_integer_value(json_object_get(x, "size")));
		fprintf(f, "\n    key   %s\n    last  %s\n    root  %s\n",
		    gs(x, "author"), gs(x, "head"), gs(x, "root"));
	}
	fputc('\n', f);
	minutes_l(f, fr, "Checkpoints and seals:");
	fputc('\n', f);
	if (json_array_size(json_object_get(in, "notes")) == 0) {
		fputs("  ", f);
		minutes_l(f, fr, "none in this part of the record");
		fputc('\n', f);
	}
	json_array_foreach (json_object_get(in, "notes"), i, x) {
		int seal = strcmp(gs(x, "kind"), "seal") == 0;

		fputs("  ", f);
		if (json_is_integer(json_object_get(x, "meeting")))
			minutes_l(f, fr,
			    seal ? "Seal of meeting %lld" :
				   "Checkpoint of meeting %lld",
			    (long long)json_integer_value(
				json_object_get(x, "meeting")));
		else
			minutes_l(f, fr, seal ? "Seal" : "Checkpoint");
		fputc(' ', f);
		minutes_byline(f, fr, x, 0);
		fputs(":\n    ", f);
		txt_lines(f, gs(x, "note"), 4);
	}
	fputc('\n', f);
	minutes_lsep(f, fr, "\n",
	    "Heads of delegation (party, name, key, minisign public key):");
	fputc('\n', f);
	json_array_foreach (json_object_get(in, "heads"), i, x) {
		fprintf(f, "  %s  ", gs(x, "party"));
		minutes_cprint(f, gs(x, "name"), 0);
		fprintf(f, "\n    key       %s\n    minisign  %s\n",
		    gs(x, "key"), gs(x, "minisign"));
	}
	fputc('\n', f);
	/* an internal record: not signed, so nothing to verify */
	if (minutes_model_party(m) != NULL) {
		minutes_internal_tail(f, m, MINUTES_IN_TXT);
		return 0;
	}
	minutes_lsep(f, fr, "\n\n",
	    "How to verify: save these minutes as %s%lld.txt, and "
	    "each head's signature\nbeside them as %s%lld.txt.NAME.minisig. "
	    "With detente and a replica of the\nrecord (which renders the "
	    "minutes again and compares them byte for byte):",
	    FILE_STEM, meeting, FILE_STEM, meeting);
	x = json_object_get(in, "verify");
	fprintf(f, "\n\n    %s\n\n", json_string_value(json_array_get(x, 0)));
	minutes_l(f, fr, "With minisign alone, one command per head:");
	fputs("\n\n", f);
	for (i = 1; i < json_array_size(x); i++)
		fprintf(f, "    %s\n", json_string_value(json_array_get(x, i)));
	fputc('\n', f);
	minutes_lsep(f, fr, "\n\n",
	    "Each signature's trusted comment names the dialogue, the "
	    "meeting, the format,\nthe language, the signer and the SHA-256 "
	    "of this file; the seal of the meeting\n(`detente seal show "
	    "--meeting %lld`) carries the same SHA-256.",
	    meeting);
	fputc('\n', f);
	return 0;
}
