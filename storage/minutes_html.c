/*
 * minutes_html.c: the printable HTML form of the minutes (see
 * minutes_print.h).
 *
 * One self-contained file: no script, no external style sheet, font or
 * image, so that it prints the same anywhere and can be signed like the
 * other forms.  A4 pages numbered by CSS @page counters, texts of several
 * languages side by side with --lang both, and a block per head of
 * delegation for a handwritten signature.  Like the Markdown printer it
 * reads only the model, in one pass, and writes nothing that depends on
 * the clock, the locale or the process.
 *
 * Every text of the model goes through hputs(): &, <, >, " and ' become
 * character references, controls and bidirectional controls U+FFFD (as
 * in every form), a tab a space and a line feed <br>.  Numbers are
 * printed with %lld; hashes, keys and party names are model strings and
 * go through hputs() too, though they cannot hold markup.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "minutes_internal.h"
#include "minutes_lang.h"
#include "minutes_print.h"
#include "vis.h"

static long long
gi(const json_t *o, const char *k)
{
	return (long long)json_integer_value(json_object_get(o, k));
}

/*
 * hputs() - s as HTML text (also safe in a quoted attribute value); a
 * line feed as <br>, or with title (the title element, which holds no
 * element) as a space.
 */
static void
hputs(FILE *f, const char *s, int title)
{
	const unsigned char *p = (const unsigned char *)(s != NULL ? s : "");
	const unsigned char *run = p;
	const char *rep;
	size_t u;
	int bad;

	while (*p != '\0') {
		u = 1;
		switch (*p) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = "&quot;";
			break;
		case '\'':
			rep = "&#39;";
			break;
		case '\n':
			rep = title ? " " : "<br>";
			break;
		case '\t':
			rep = " ";
			break;
		default:
			/* vis.h's one rule: unsafe characters become U+FFFD */
			if ((u = vis_char((const char *)p, &bad)), !bad) {
				p += u;
				continue;
			}
			rep = "\xef\xbf\xbd";
		}
		if (p > run)
			fwrite(run, 1, (size_t)(p - run), f);
		fputs(rep, f);
		p += u;
		run = p;
	}
	if (p > run)
		fwrite(run, 1, (size_t)(p - run), f);
}

static void
hput(FILE *f, const char *s)
{
	hputs(f, s, 0);
}

/* The style sheet: A4, page numbers, tables, the signature blocks. */
static const char style[] =
    "@page { size: A4; margin: 20mm 18mm 22mm 18mm;\n"
    "  @bottom-center { content: \"Page \" counter(page) \" of \" "
    "counter(pages); font-size: 9pt; } }\n"
    "body { font-family: \"DejaVu Serif\", \"Times New Roman\", serif; "
    "font-size: 11pt; line-height: 1.35; margin: 0 auto; max-width: "
    "170mm; }\n"
    "h1 { font-size: 17pt; } h2 { font-size: 14pt; margin-top: 1.4em; }\n"
    "h3 { font-size: 12pt; } h4, h5, h6 { font-size: 11pt; }\n"
    "table { border-collapse: collapse; width: 100%; margin: 0.5em 0; }\n"
    "th, td { border: 1px solid #777; padding: 3pt 5pt; "
    "vertical-align: top; text-align: left; }\n"
    "table.langs td { width: 50%; }\n"
    ".label, .meta { color: #333; font-size: 9.5pt; }\n"
    ".draft { border: 2px solid #000; padding: 6pt; font-weight: bold; }\n"
    "code, pre, .hash { font-family: \"DejaVu Sans Mono\", monospace; "
    "font-size: 8.5pt; overflow-wrap: anywhere; }\n"
    "pre { white-space: pre-wrap; }\n"
    ".record, .sig, tr { break-inside: avoid; page-break-inside: avoid; }\n"
    ".sigs { break-before: page; page-break-before: always; }\n"
    ".sig { border: 1px solid #777; padding: 8pt; margin: 10pt 0; }\n"
    ".line { border-bottom: 1px solid #000; height: 14mm; "
    "margin-bottom: 3pt; }\n"
    "@media print { a { color: inherit; text-decoration: none; } }\n";

/* th() - a row of the head's table up to its cell: "<tr><th>Label</th><td>". */
static void
th(FILE *f, int fr, const char *label)
{
	fputs("<tr><th>", f);
	minutes_lput(f, fr, label);
	fputs("</th><td>", f);
}

/* hrow() - a table's header row of n labels, each in the frame. */
static void
hrow(FILE *f, int fr, size_t n, const char *const *labels)
{
	size_t i;

	fputs("<tr>", f);
	for (i = 0; i < n; i++) {
		fputs("<th>", f);
		minutes_lput(f, fr, labels[i]);
		fputs("</th>", f);
	}
	fputs("</tr>\n", f);
}

/* byline() - "by NAME (PARTY), YYYY-MM-DD HH:MMZ, entry 1a2b3c4d". */
static void
byline(FILE *f, int fr, const json_t *r)
{
	char t[48];

	minutes_short_time(t, gs(r, "time"));
	minutes_l(f, fr, "by");
	fputc(' ', f);
	hput(f, gs(r, "author"));
	if (gsn(r, "party") != NULL) {
		fputs(" (", f);
		hput(f, gs(r, "party"));
		fputc(')', f);
	}
	fputs(", ", f);
	hput(f, t);
	fputs(", ", f);
	minutes_l(f, fr, "entry");
	fputs(" <code>", f);
	fprintf(f, "%.8s", gs(r, "entry"));
	fputs("</code>", f);
}

/* list() - the strings of an array, comma separated ("none" if empty). */
static void
list(FILE *f, int fr, const json_t *a)
{
	const json_t *x;
	size_t i;

	json_array_foreach (a, i, x) {
		if (i)
			fputs(", ", f);
		hput(f, json_string_value(x));
	}
	if (json_array_size(a) == 0)
		minutes_l(f, fr, "none");
}

/*
 * sentence() - the endorsement sentence of endorsement(), in one frame
 * (English or Russian): who endorsed, whether it is agreed.
 */
static void
sentence(FILE *f, int fr, const json_t *r, const json_t *parties)
{
	const json_t *e = json_object_get(r, "endorsed_by"), *p, *q;
	size_t i, j, k = 0;
	int any = json_array_size(e) > 0, found;

	fputs("<strong>", f);
	if (json_is_true(json_object_get(r, "agreed"))) {
		minutes_l(f, fr, "Agreed:");
		fputs("</strong> ", f);
		minutes_l(f, fr, "endorsed by the heads of");
		fputc(' ', f);
		list(f, fr, e);
		fputc('.', f);
		return;
	}
	minutes_l(f, fr, "Not agreed:");
	fputs("</strong> ", f);
	if (any) {
		minutes_l(f, fr, "endorsed by the head of");
		fputc(' ', f);
		list(f, fr, e);
		fputs("; ", f);
	}
	minutes_l(f, fr, any ? "not by" : "not endorsed by");
	fputc(' ', f);
	json_array_foreach (parties, j, q) {
		found = 0;
		json_array_foreach (e, i, p)
			found |= json_equal(p, q);
		if (!found) {
			if (k++)
				fputs(", ", f);
			hput(f, json_string_value(q));
		}
	}
	fputc('.', f);
}

/*
 * endorsement() - who endorsed, and whether it is agreed; in the "both"
 * frame the whole sentence in English, " / ", then in Russian, as in
 * Markdown and plain text.
 */
static void
endorsement(FILE *f, int fr, const json_t *r, const json_t *parties, int always)
{
	if (json_array_size(json_object_get(r, "endorsed_by")) == 0 && !always)
		return;
	fputs("<p class=\"endorsement\">", f);
	if (fr == MINUTES_FRAME_BOTH) {
		sentence(f, MINUTES_FRAME_EN, r, parties);
		fputs(MINUTES_PAIR, f);
		fr = MINUTES_FRAME_RU;
	}
	sentence(f, fr, r, parties);
	fputs("</p>\n", f);
}

/* label() - "en, authentic". */
static void
label(FILE *f, int fr, const json_t *t)
{
	hput(f, gs(t, "lang"));
	fputs(", ", f);
	minutes_value(f, minutes_text_frame(fr, gs(t, "lang")), gs(t, "role"));
}

/* text() - one text: a labelled paragraph, or its versions side by side. */
static void
text(FILE *f, int fr, const json_t *txt)
{
	const json_t *t;
	size_t i, n = json_array_size(txt);

	if (n == 0) {
		fputs("<p><em>(", f);
		minutes_l(f, fr, "no text");
		fputs(")</em></p>\n", f);
		return;
	}
	if (n == 1) {
		t = json_array_get(txt, 0);
		fputs("<p lang=\"", f);
		hput(f, gs(t, "lang"));
		fputs("\"><span class=\"label\">[", f);
		label(f, fr, t);
		fputs("]</span> ", f);
		hput(f, gs(t, "body"));
		fputs("</p>\n", f);
		return;
	}
	fputs("<table class=\"langs\">\n<tr>", f);
	json_array_foreach (txt, i, t) {
		fputs("<th>", f);
		label(f, fr, t);
		fputs("</th>", f);
	}
	fputs("</tr>\n<tr>", f);
	json_array_foreach (txt, i, t) {
		fputs("<td lang=\"", f);
		hput(f, gs(t, "lang"));
		fputs("\">", f);
		hput(f, gs(t, "body"));
		fputs("</td>", f);
	}
	fputs("</tr>\n</table>\n", f);
}

/* inline_text() - every version, labelled, in one cell or line. */
static void
inline_text(FILE *f, int fr, const json_t *txt)
{
	const json_t *t;
	size_t i;

	json_array_foreach (txt, i, t) {
		fputs(i ? "<br><em>" : "<em>", f);
		hput(f, gs(t, "lang"));
		fputs(":</em> ", f);
		hput(f, gs(t, "body"));
	}
	if (json_array_size(txt) == 0) {
		fputs("<em>(", f);
		minutes_l(f, fr, "no text");
		fputs(")</em>", f);
	}
}

static void record(FILE *f, int fr, const json_t *r, const json_t *parties,
    int level);

static void
corrections(FILE *f, int fr, const json_t *r, const json_t *parties, int level)
{
	const json_t *c;
	size_t i;

	json_array_foreach (json_object_get(r, "corrections"), i, c)
		record(f, fr, c, parties, level);
}

/* record() - a record or a correction, with its own corrections. */
static void
record(FILE *f, int fr, const json_t *r, const json_t *parties, int level)
{
	char de[MINUTES_DATE_BYTES], dr[MINUTES_DATE_BYTES];
	int half, hf;
	const json_t *c = json_object_get(r, "commitment");
	const char *k = gs(r, "kind");
	char lab[160];
	int h = level < 6 ? level : 6;

	minutes_kind_label(lab, sizeof(lab), fr, r);
	fputs("<div class=\"record\">\n", f);
	fprintf(f, "<h%d>", h);
	hput(f, lab);
	fprintf(f, "</h%d>\n<p class=\"meta\">", h);
	if (strcmp(k, "correction") == 0) {
		minutes_l(f, fr,
		    "Corrects the entry above (which stays in the record as "
		    "written)");
		fputs(", ", f);
	}
	byline(f, fr, r);
	fputs(".</p>\n", f);
	/* in "both", one whole paragraph in each language (FORMAT.md) */
	if (c != NULL) {
		minutes_due(c, de, dr);
		for (half = 0; half < 2; half++) {
			if ((hf = minutes_half(fr, half)) < 0)
				continue;
			fputs("<p>", f);
			minutes_l(f, hf, "Party %s, owner", gs(c, "party"));
			fputc(' ', f);
			if (gsn(c, "owner") != NULL)
				hput(f, gs(c, "owner"));
			else
				minutes_lput(f, hf, "not named");
			minutes_l(f, hf, ", due %s, status", half ? dr : de);
			fputc(' ', f);
			minutes_value(f, hf, gs(c, "status"));
			fputs(".</p>\n", f);
		}
	}
	text(f, fr, json_object_get(r, "text"));
	if (strcmp(k, "decision") == 0 || strcmp(k, "commitment") == 0)
		endorsement(f, fr, r, parties, 1);
	else
		endorsement(f, fr, r, parties, 0);
	fputs("</div>\n", f);
	corrections(f, fr, r, parties, level + 1);
}

static void
people(FILE *f, int fr, const json_t *a)
{
	const json_t *p;
	size_t i;

	if (json_array_size(a) == 0) {
		minutes_l(f, fr, "none");
		return;
	}
	json_array_foreach (a, i, p) {
		if (i)
			fputs(", ", f);
		if (*gs(p, "name") != '\0')
			hput(f, gs(p, "name"));
		else
			fprintf(f, "<code>%.16s</code>", gs(p, "key"));
		if (*gs(p, "role") != '\0') {
			fputs(" (", f);
			minutes_value(f, fr, gs(p, "role"));
			fputc(')', f);
		}
	}
}

static void
head(FILE *f, const json_t *m)
{
	const json_t *o, *l;
	int fr = minutes_frame_of(gs(m, "lang"));
	char d[MINUTES_DATE_BYTES], *t;
	size_t i;

	fputs("<h1>", f);
	minutes_l(f, fr, "Minutes of meeting %lld", gi(m, "meeting"));
	if ((t = minutes_named(m, fr, "meeting_title", "meeting_titles")) !=
	    NULL) {
		fputs(": ", f);
		hput(f, t);
		free(t);
	}
	fputs("</h1>\n", f);
	if (strcmp(gs(m, "status"), "draft") == 0) {
		fputs("<p class=\"draft\">", f);
		minutes_l(f, fr, "DRAFT: the meeting is not closed.");
		fputc(' ', f);
		minutes_lsep(f, fr, "<br>\n",
		    "These minutes show the entries this replica holds now, "
		    "and may not be signed.");
		fputs("</p>\n", f);
	}
	fputs("<table class=\"head\">\n", f);
	th(f, fr, "Dialogue");
	if ((t = minutes_named(m, fr, "title", "titles")) != NULL)
		hput(f, t);
	free(t);
	fputs("</td></tr>\n<tr><th>", f);
	minutes_lput(f, fr, "Dialogue id");
	fputs("</th><td class=\"hash\">", f);
	hput(f, gs(m, "dialogue"));
	fputs("</td></tr>\n", f);
	th(f, fr, "Parties");
	json_array_foreach (json_object_get(m, "parties"), i, l) {
		fputs(i ? ", " : "", f);
		minutes_party(f, fr, json_string_value(l));
	}
	fputs("</td></tr>\n", f);
	if (gsn(m, "date") != NULL) {
		th(f, fr, "Date");
		hput(f, minutes_date(d, sizeof(d), fr, gs(m, "date")));
		fputs("</td></tr>\n", f);
	}
	if ((t = minutes_named(m, fr, "place", "places")) != NULL) {
		th(f, fr, "Place");
		hput(f, t);
		fputs("</td></tr>\n", f);
		free(t);
	}
	if (json_is_object(o = json_object_get(m, "opened"))) {
		th(f, fr, "Opened");
		byline(f, fr, o);
		fputs("</td></tr>\n", f);
	}
	if (json_is_object(o = json_object_get(m, "closed"))) {
		th(f, fr, "Closed");
		byline(f, fr, o);
		fputs("</td></tr>\n", f);
	}
	th(f, fr, "Languages");
	list(f, fr, json_object_get(m, "languages"));
	fputs(" (", f);
	if (strcmp(gs(m, "lang"), "both") == 0)
		minutes_l(f, fr, "every language shown, side by side");
	else
		minutes_l(f, fr, "shown: %s, else the authentic text",
		    gs(m, "lang"));
	fputc(')', f);
	fputs("</td></tr>\n</table>\n", f);
}

static void
participants(FILE *f, const json_t *m)
{
	const json_t *pa = json_object_get(m, "participants"), *g;
	size_t i;
	int fr = minutes_frame_of(gs(m, "lang"));

	fputs("<h2>", f);
	minutes_l(f, fr, "Participants");
	fputs("</h2>\n<p>", f);
	minutes_lsep(f, fr, "</p>\n<p>",
	    "Attendance as each party recorded it; where a party recorded "
	    "none, the minutes say so and name who of it wrote entries in "
	    "this meeting.");
	fputs("</p>\n<table>\n", f);
	hrow(f, fr, 3, (const char *[]){ "Party", "Present", "Absent" });
	json_array_foreach (json_object_get(pa, "parties"), i, g) {
		fputs("<tr><td>", f);
		hput(f, gs(g, "party"));
		fputs("</td><td>", f);
		if (json_is_true(json_object_get(g, "recorded"))) {
			people(f, fr, json_object_get(g, "present"));
			fputs("</td><td>", f);
			people(f, fr, json_object_get(g, "absent"));
		} else {
			minutes_l(f, fr, "not recorded");
			fputs(" (", f);
			minutes_l(f, fr, "wrote entries:");
			fputc(' ', f);
			people(f, fr, json_object_get(g, "wrote"));
			fputs(")</td><td>", f);
			minutes_l(f, fr, "not recorded");
		}
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
}

static void
status_of(FILE *f, int fr, const json_t *a, const char *none)
{
	if (gsn(a, "status") != NULL)
		minutes_value(f, fr, gs(a, "status"));
	else
		minutes_lput(f, fr, none);
}

static void
agenda(FILE *f, const json_t *m)
{
	const json_t *ag = json_object_get(m, "agenda"), *a, *r, *t;
	const json_t *parties = json_object_get(m, "parties");
	const json_t *other = json_object_get(m, "other_records");
	size_t i, j;
	int fr = minutes_frame_of(gs(m, "lang"));

	fputs("<h2>", f);
	minutes_l(f, fr, "Agenda");
	fputs("</h2>\n", f);
	if (json_array_size(ag) == 0) {
		fputs("<p>", f);
		minutes_lsep(f, fr, "</p>\n<p>",
		    "No agenda item was recorded.");
		fputs("</p>\n", f);
	} else
		fputs("<ol>\n", f);
	json_array_foreach (ag, i, a) {
		fprintf(f, "<li value=\"%lld\">", gi(a, "number"));
		inline_text(f, fr, json_object_get(a, "text"));
		fputs(" (", f);
		status_of(f, fr, a, "no status recorded");
		fputs(")</li>\n", f);
	}
	if (json_array_size(ag) > 0)
		fputs("</ol>\n", f);
	json_array_foreach (ag, i, a) {
		fputs("<h3>", f);
		minutes_l(f, fr, "Item %lld", gi(a, "number"));
		fputs("</h3>\n<p class=\"meta\">", f);
		minutes_l(f, fr, "Agenda item");
		fputc(' ', f);
		byline(f, fr, a);
		fputs("; ", f);
		minutes_l(f, fr, "status:");
		fputc(' ', f);
		status_of(f, fr, a, "none recorded");
		fputs(".</p>\n", f);
		text(f, fr, json_object_get(a, "text"));
		corrections(f, fr, a, parties, 4);
		json_array_foreach (json_object_get(a, "records"), j, r)
			record(f, fr, r, parties, 4);
	}
	if (json_array_size(other) > 0) {
		fputs("<h3>", f);
		minutes_l(f, fr, "Not under an agenda item");
		fputs("</h3>\n", f);
		json_array_foreach (other, j, r)
			record(f, fr, r, parties, 4);
	}
	if (json_array_size(json_object_get(m, "other_corrections")) == 0)
		return;
	fputs("<h3>", f);
	minutes_l(f, fr, "Corrections of other entries");
	fputs("</h3>\n", f);
	json_array_foreach (json_object_get(m, "other_corrections"), j, r) {
		t = json_object_get(r, "corrects");
		fputs("<h4>", f);
		minutes_l(f, fr, "Correction of entry <code>%.8s</code>",
		    gs(t, "entry"));
		if (json_is_integer(json_object_get(t, "meeting"))) {
			fputs(" (", f);
			minutes_value(f, fr, gs(t, "kind"));
			fputs(", ", f);
			minutes_l(f, fr, "meeting %lld", gi(t, "meeting"));
			fputc(')', f);
		}
		fputs("</h4>\n", f);
		if (json_is_array(json_object_get(t, "text"))) {
			fputs("<p>", f);
			minutes_l(f, fr,
			    "The original, which stays in the record as "
			    "written:");
			fputs("</p>\n", f);
			text(f, fr, json_object_get(t, "text"));
		}
		record(f, fr, r, parties, 5);
	}
}

static void
commitments(FILE *f, const json_t *m)
{
	const json_t *cl = json_object_get(m, "commitments"), *c, *x;
	char d[MINUTES_DATE_BYTES];
	size_t i, j;
	int fr = minutes_frame_of(gs(m, "lang"));

	fputs("<h2>", f);
	minutes_l(f, fr, "Commitments");
	fputs("</h2>\n<p>", f);
	if (json_array_size(cl) == 0) {
		minutes_lsep(f, fr, "</p>\n<p>",
		    "No commitment was made or carried over.");
		fputs("</p>\n", f);
		return;
	}
	minutes_lsep(f, fr, "</p>\n<p>",
	    "Made in this meeting, and carried over from earlier meetings "
	    "while open.");
	fputs("</p>\n<table>\n", f);
	hrow(f, fr, 10,
	    (const char *[]){ "Entry", "Party", "Owner", "Text", "Due",
		"Status", "Endorsed by", "Agreed", "Made in", "Corrected by" });
	json_array_foreach (cl, i, c) {
		fprintf(f, "<tr><td><code>%.8s</code></td><td>",
		    gs(c, "entry"));
		hput(f, gs(c, "party"));
		fputs("</td><td>", f);
		hput(f, gs_or(c, "owner", "not named"));
		fputs("</td><td>", f);
		inline_text(f, fr, json_object_get(c, "text"));
		fputs("</td><td>", f);
		if (gsn(c, "due") != NULL)
			hput(f, minutes_date(d, sizeof(d), fr, gs(c, "due")));
		else
			minutes_lput(f, fr, "no date");
		fputs("</td><td>", f);
		minutes_value(f, fr, gs(c, "status"));
		fputs("</td><td>", f);
		list(f, fr, json_object_get(c, "endorsed_by"));
		fputs("</td><td>", f);
		minutes_l(f, fr,
		    json_is_true(json_object_get(c, "agreed")) ? "yes" : "no");
		fputs("</td><td>", f);
		minutes_l(f, fr, "meeting %lld", gi(c, "meeting"));
		if (json_is_true(json_object_get(c, "carried"))) {
			fputc(' ', f);
			minutes_l(f, fr, "(carried over)");
		}
		fputs("</td><td>", f);
		json_array_foreach (json_object_get(c, "corrections"), j, x)
			fprintf(f, "%s<code>%.8s</code>", j ? ", " : "",
			    gs(x, "entry"));
		if (json_array_size(json_object_get(c, "corrections")) == 0)
			minutes_l(f, fr, "none");
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
	json_array_foreach (cl, i, c)
		if (json_array_size(json_object_get(c, "corrections")) > 0) {
			fputs("<h3>", f);
			minutes_l(f, fr,
			    "Corrections of commitment <code>%.8s</code>",
			    gs(c, "entry"));
			fputs("</h3>\n", f);
			corrections(f, fr, c, json_object_get(m, "parties"), 4);
		}
}

/* pre() - s as preformatted text (a note: kept line for line). */
static void
pre(FILE *f, const char *s)
{
	const char *nl;
	char *line;

	fputs("<pre>", f);
	for (; s != NULL && *s != '\0'; s = nl + 1) {
		nl = strchr(s, '\n');
		if ((line = strndup(s,
			 nl != NULL ? (size_t)(nl - s) : strlen(s))) == NULL)
			break;
		hput(f, line);
		free(line);
		if (nl == NULL)
			break;
		fputc('\n', f);
	}
	fputs("</pre>\n", f);
}

static void
integrity(FILE *f, const json_t *m)
{
	const json_t *in = json_object_get(m, "integrity"), *x;
	const json_t *sc = json_object_get(in, "scope");
	long long meeting = gi(m, "meeting");
	size_t i;
	int fr = minutes_frame_of(gs(m, "lang"));

	fputs("<h2>", f);
	minutes_l(f, fr, "Integrity");
	fputs("</h2>\n<p>", f);
	if (gsn(sc, "close") != NULL)
		/* the closing entry is hex, checked when the model is built */
		minutes_lsep(f, fr, "</p>\n<p>",
		    "These minutes are rendered from the entries of the "
		    "record up to the close of meeting %lld: the closing entry "
		    "<code>%s</code> and every entry it follows causally (the "
		    "earlier entries of its feed, the entries it references, "
		    "theirs, and so on), %lld entries in all. Every replica "
		    "that holds the closing entry renders the same bytes.",
		    meeting, gs(sc, "close"), gi(sc, "entries"));
	else
		minutes_lsep(f, fr, "</p>\n<p>",
		    "The meeting is not closed: this draft is rendered from "
		    "the %lld entries this replica holds.",
		    gi(sc, "entries"));
	fputs("</p>\n", f);
	if (gi(sc, "unreadable") > 0) {
		fputs("<p><strong>", f);
		minutes_l(f, fr, "Warning:");
		fputs("</strong> ", f);
		minutes_lsep(f, fr, "<br>\n",
		    "%lld entries of this part "
		    "of the record could not be read (they did not decrypt or "
		    "are not valid payloads), and these minutes cannot show "
		    "them; run <code>detente verify</code>.",
		    gi(sc, "unreadable"));
		fputs("</p>\n", f);
	}
	fputs("<h3>", f);
	minutes_l(f, fr, "Feeds");
	fputs("</h3>\n<table>\n", f);
	hrow(f, fr, 6,
	    (const char *[]){ "Author", "Party", "Key", "Size", "Last entry",
		"Merkle root (RFC 6962)" });
	json_array_foreach (json_object_get(in, "feeds"), i, x) {
		fputs("<tr><td>", f);
		hput(f, gs(x, "name"));
		fputs("</td><td>", f);
		hput(f, gsn(x, "party") != NULL ? gs(x, "party") : "-");
		fputs("</td><td class=\"hash\">", f);
		hput(f, gs(x, "author"));
		fprintf(f, "</td><td>%lld</td><td class=\"hash\">",
		    gi(x, "size"));
		hput(f, gs(x, "head"));
		fputs("</td><td class=\"hash\">", f);
		hput(f, gs(x, "root"));
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n<h3>", f);
	minutes_l(f, fr, "Checkpoints and seals");
	fputs("</h3>\n", f);
	if (json_array_size(json_object_get(in, "notes")) == 0) {
		fputs("<p>", f);
		minutes_l(f, fr, "None in this part of the record.");
		fputs("</p>\n", f);
	}
	json_array_foreach (json_object_get(in, "notes"), i, x) {
		int seal = strcmp(gs(x, "kind"), "seal") == 0;

		fputs("<p>", f);
		if (json_is_integer(json_object_get(x, "meeting")))
			minutes_l(f, fr,
			    seal ? "Seal of meeting %lld" :
				   "Checkpoint of meeting %lld",
			    gi(x, "meeting"));
		else
			minutes_l(f, fr, seal ? "Seal" : "Checkpoint");
		fputc(' ', f);
		byline(f, fr, x);
		fputs(":</p>\n", f);
		pre(f, gs(x, "note"));
	}
	fputs("<h3>", f);
	minutes_l(f, fr, "Heads of delegation");
	fputs("</h3>\n<table>\n", f);
	hrow(f, fr, 4,
	    (const char *[]){ "Party", "Head", "Key", "minisign public key" });
	json_array_foreach (json_object_get(in, "heads"), i, x) {
		fputs("<tr><td>", f);
		hput(f, gs(x, "party"));
		fputs("</td><td>", f);
		hput(f, gs(x, "name"));
		fputs("</td><td class=\"hash\">", f);
		hput(f, gs(x, "key"));
		fputs("</td><td class=\"hash\">", f);
		hput(f, gs(x, "minisign"));
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
	/* an internal record: not signed, so nothing to verify */
	if (minutes_model_party(m) != NULL) {
		minutes_internal_tail(f, m, MINUTES_IN_HTML);
		return;
	}
	fputs("<h3>", f);
	minutes_l(f, fr, "How to verify");
	fputs("</h3>\n<p>", f);
	minutes_lsep(f, fr, "</p>\n<p>",
	    "Save these minutes as "
	    "<code>%s%lld.html</code>, and each head's signature beside them "
	    "as <code>%s%lld.html.NAME.minisig</code>. With detente and a "
	    "replica of the record (which renders the minutes again and "
	    "compares them byte for byte):",
	    FILE_STEM, meeting, FILE_STEM, meeting);
	fputs("</p>\n", f);
	x = json_object_get(in, "verify");
	pre(f, json_string_value(json_array_get(x, 0)));
	fputs("<p>", f);
	minutes_l(f, fr, "With minisign alone, one command per head:");
	fputs("</p>\n<pre>", f);
	for (i = 1; i < json_array_size(x); i++) {
		hput(f, json_string_value(json_array_get(x, i)));
		fputc('\n', f);
	}
	fputs("</pre>\n<p>", f);
	minutes_lsep(f, fr, "</p>\n<p>",
	    "Each signature's trusted comment names the dialogue, "
	    "the meeting, the format, the language, the signer and the "
	    "SHA-256 of this file; the seal of the meeting (<code>detente "
	    "seal show --meeting %lld</code>) carries the same SHA-256.",
	    meeting);
	fputs("</p>\n", f);
}

/* signatures() - a block per head, for the signature on paper. */
static void
signatures(FILE *f, const json_t *m)
{
	const json_t *x;
	size_t i;
	int fr = minutes_frame_of(gs(m, "lang"));

	fputs("<section class=\"sigs\">\n<h2>", f);
	minutes_l(f, fr, "Signatures");
	fputs("</h2>\n", f);
	if (strcmp(gs(m, "status"), "draft") == 0) {
		fputs("<p class=\"draft\">", f);
		minutes_l(f, fr, "A draft is not signed.");
		fputs("</p>\n", f);
	}
	json_array_foreach (json_object_get(json_object_get(m, "integrity"),
				"heads"),
	    i, x) {
		fputs("<div class=\"sig\">\n<p>", f);
		minutes_l(f, fr, "For the delegation of");
		fputs(" <strong>", f);
		hput(f, gs(x, "party"));
		fputs("</strong>, ", f);
		minutes_l(f, fr, "head of delegation");
		fputs(" <strong>", f);
		hput(f, gs(x, "name"));
		fputs("</strong></p>\n<p class=\"meta\">", f);
		minutes_l(f, fr, "minisign key id");
		fputs(" <code>", f);
		hput(f, gs(x, "minisign_keyid"));
		fputs("</code>, ", f);
		minutes_l(f, fr, "key");
		fputs(" <code>", f);
		hput(f, gs(x, "key"));
		fputs("</code></p>\n<div class=\"line\"></div>\n"
		      "<p class=\"meta\">",
		    f);
		minutes_l(f, fr, "Signature");
		fputs("</p>\n<div class=\"line\"></div>\n<p class=\"meta\">",
		    f);
		minutes_l(f, fr, "Date and place");
		fputs("</p>\n</div>\n", f);
	}
	fputs("</section>\n", f);
}

int
minutes_print_html(FILE *f, const json_t *m)
{
	int fr = minutes_frame_of(gs(m, "lang"));
	char *t;

	if (!json_is_object(m) || gsn(m, "dialogue") == NULL)
		return -1;
	/* the identification line first, as in Markdown (FORMAT.md) */
	fprintf(f,
	    "<!-- %s v%d dialogue=%s meeting=%lld format=html lang=%s "
	    "status=%s",
	    MINUTES_MAGIC, MINUTES_VERSION, gs(m, "dialogue"), gi(m, "meeting"),
	    gs(m, "lang"), gs(m, "status"));
	minutes_id_scope(f, m);
	fputs(" -->\n", f);
	fprintf(f,
	    "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<title>",
	    fr == MINUTES_FRAME_RU ? "ru" : "en");
	if (minutes_model_party(m) != NULL) {
		minutes_l(f, fr, "INTERNAL RECORD OF %s: NOT THE JOINT MINUTES.",
		    minutes_model_party(m));
		fputc(' ', f);
	}
	minutes_l(f, fr, "Minutes of meeting %lld", gi(m, "meeting"));
	if ((t = minutes_named(m, fr, "meeting_title", "meeting_titles")) !=
	    NULL) {
		fputs(": ", f);
		hputs(f, t, 1);
		free(t);
	}
	fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", style);
	minutes_internal_banner(f, m, MINUTES_IN_HTML);
	head(f, m);
	participants(f, m);
	agenda(f, m);
	commitments(f, m);
	integrity(f, m);
	/* an internal record has no place for signatures */
	if (minutes_model_party(m) == NULL)
		signatures(f, m);
	fputs("</body>\n</html>\n", f);
	return 0;
}
