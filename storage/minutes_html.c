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

/* byline() - "by NAME (PARTY), YYYY-MM-DD HH:MMZ, entry 1a2b3c4d". */
static void
byline(FILE *f, const json_t *r)
{
	char t[48];

	minutes_short_time(t, gs(r, "time"));
	fputs("by ", f);
	hput(f, gs(r, "author"));
	if (gsn(r, "party") != NULL) {
		fputs(" (", f);
		hput(f, gs(r, "party"));
		fputc(')', f);
	}
	fputs(", ", f);
	hput(f, t);
	fputs(", entry <code>", f);
	fprintf(f, "%.8s", gs(r, "entry"));
	fputs("</code>", f);
}

/* list() - the strings of an array, comma separated ("none" if empty). */
static void
list(FILE *f, const json_t *a)
{
	const json_t *x;
	size_t i;

	json_array_foreach (a, i, x) {
		if (i)
			fputs(", ", f);
		hput(f, json_string_value(x));
	}
	if (json_array_size(a) == 0)
		fputs("none", f);
}

/* endorsement() - who endorsed, and whether it is agreed. */
static void
endorsement(FILE *f, const json_t *r, const json_t *parties, int always)
{
	const json_t *e = json_object_get(r, "endorsed_by"), *p, *q;
	size_t i, j, k = 0;
	int any = json_array_size(e) > 0, agreed, found;

	agreed = json_is_true(json_object_get(r, "agreed"));
	if (!any && !always)
		return;
	fputs("<p class=\"endorsement\">", f);
	if (agreed) {
		fputs("<strong>Agreed:</strong> endorsed by the heads of ", f);
		list(f, e);
		fputs(".</p>\n", f);
		return;
	}
	fputs("<strong>Not agreed:</strong> ", f);
	if (any) {
		fputs("endorsed by the head of ", f);
		list(f, e);
	}
	fputs(any ? "; not by " : "not endorsed by ", f);
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
	fputs(".</p>\n", f);
}

/* label() - "en, authentic". */
static void
label(FILE *f, const json_t *t)
{
	hput(f, gs(t, "lang"));
	fputs(", ", f);
	hput(f, gs(t, "role"));
}

/* text() - one text: a labelled paragraph, or its versions side by side. */
static void
text(FILE *f, const json_t *txt)
{
	const json_t *t;
	size_t i, n = json_array_size(txt);

	if (n == 0) {
		fputs("<p><em>(no text)</em></p>\n", f);
		return;
	}
	if (n == 1) {
		t = json_array_get(txt, 0);
		fputs("<p lang=\"", f);
		hput(f, gs(t, "lang"));
		fputs("\"><span class=\"label\">[", f);
		label(f, t);
		fputs("]</span> ", f);
		hput(f, gs(t, "body"));
		fputs("</p>\n", f);
		return;
	}
	fputs("<table class=\"langs\">\n<tr>", f);
	json_array_foreach (txt, i, t) {
		fputs("<th>", f);
		label(f, t);
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
inline_text(FILE *f, const json_t *txt)
{
	const json_t *t;
	size_t i;

	json_array_foreach (txt, i, t) {
		fputs(i ? "<br><em>" : "<em>", f);
		hput(f, gs(t, "lang"));
		fputs(":</em> ", f);
		hput(f, gs(t, "body"));
	}
	if (json_array_size(txt) == 0)
		fputs("<em>(no text)</em>", f);
}

static void record(FILE *f, const json_t *r, const json_t *parties, int level);

static void
corrections(FILE *f, const json_t *r, const json_t *parties, int level)
{
	const json_t *c;
	size_t i;

	json_array_foreach (json_object_get(r, "corrections"), i, c)
		record(f, c, parties, level);
}

/* record() - a record or a correction, with its own corrections. */
static void
record(FILE *f, const json_t *r, const json_t *parties, int level)
{
	const json_t *c = json_object_get(r, "commitment");
	const char *k = gs(r, "kind");
	char lab[64];
	int h = level < 6 ? level : 6;

	minutes_kind_label(lab, sizeof(lab), r);
	fputs("<div class=\"record\">\n", f);
	fprintf(f, "<h%d>", h);
	hput(f, lab);
	fprintf(f, "</h%d>\n<p class=\"meta\">", h);
	if (strcmp(k, "correction") == 0)
		fputs("Corrects the entry above (which stays in the record as "
		      "written), ",
		    f);
	byline(f, r);
	fputs(".</p>\n", f);
	if (c != NULL) {
		fputs("<p>Party ", f);
		hput(f, gs(c, "party"));
		fputs(", owner ", f);
		hput(f, gs_or(c, "owner", "not named"));
		fputs(", due ", f);
		hput(f, gs_or(c, "due", "no date"));
		fputs(", status ", f);
		hput(f, gs(c, "status"));
		fputs(".</p>\n", f);
	}
	text(f, json_object_get(r, "text"));
	if (strcmp(k, "decision") == 0 || strcmp(k, "commitment") == 0)
		endorsement(f, r, parties, 1);
	else
		endorsement(f, r, parties, 0);
	fputs("</div>\n", f);
	corrections(f, r, parties, level + 1);
}

static void
people(FILE *f, const json_t *a)
{
	const json_t *p;
	size_t i;

	if (json_array_size(a) == 0) {
		fputs("none", f);
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
			hput(f, gs(p, "role"));
			fputc(')', f);
		}
	}
}

static void
head(FILE *f, const json_t *m)
{
	const json_t *o;

	fprintf(f, "<h1>Minutes of meeting %lld", gi(m, "meeting"));
	if (gsn(m, "meeting_title") != NULL) {
		fputs(": ", f);
		hput(f, gs(m, "meeting_title"));
	}
	fputs("</h1>\n", f);
	if (strcmp(gs(m, "status"), "draft") == 0)
		fputs("<p class=\"draft\">DRAFT: the meeting is not closed. "
		      "These minutes show the entries this replica holds now, "
		      "and may not be signed.</p>\n",
		    f);
	fputs("<table class=\"head\">\n<tr><th>Dialogue</th><td>", f);
	hput(f, gs(m, "title"));
	fputs("</td></tr>\n<tr><th>Dialogue id</th><td class=\"hash\">", f);
	hput(f, gs(m, "dialogue"));
	fputs("</td></tr>\n<tr><th>Parties</th><td>", f);
	list(f, json_object_get(m, "parties"));
	fputs("</td></tr>\n", f);
	if (gsn(m, "date") != NULL) {
		fputs("<tr><th>Date</th><td>", f);
		hput(f, gs(m, "date"));
		fputs("</td></tr>\n", f);
	}
	if (gsn(m, "place") != NULL) {
		fputs("<tr><th>Place</th><td>", f);
		hput(f, gs(m, "place"));
		fputs("</td></tr>\n", f);
	}
	if (json_is_object(o = json_object_get(m, "opened"))) {
		fputs("<tr><th>Opened</th><td>", f);
		byline(f, o);
		fputs("</td></tr>\n", f);
	}
	if (json_is_object(o = json_object_get(m, "closed"))) {
		fputs("<tr><th>Closed</th><td>", f);
		byline(f, o);
		fputs("</td></tr>\n", f);
	}
	fputs("<tr><th>Languages</th><td>", f);
	list(f, json_object_get(m, "languages"));
	if (strcmp(gs(m, "lang"), "both") == 0)
		fputs(" (every language shown, side by side)", f);
	else {
		fputs(" (shown: ", f);
		hput(f, gs(m, "lang"));
		fputs(", else the authentic text)", f);
	}
	fputs("</td></tr>\n</table>\n", f);
}

static void
participants(FILE *f, const json_t *m)
{
	const json_t *pa = json_object_get(m, "participants"), *g;
	size_t i;

	fputs("<h2>Participants</h2>\n<p>", f);
	fputs("Attendance as each party recorded it; where a party recorded "
	      "none, the minutes say so and name who of it wrote entries in "
	      "this meeting.", f);
	fputs("</p>\n<table>\n<tr><th>Party</th><th>Present</th>"
	      "<th>Absent</th></tr>\n",
	    f);
	json_array_foreach (json_object_get(pa, "parties"), i, g) {
		fputs("<tr><td>", f);
		hput(f, gs(g, "party"));
		fputs("</td><td>", f);
		if (json_is_true(json_object_get(g, "recorded"))) {
			people(f, json_object_get(g, "present"));
			fputs("</td><td>", f);
			people(f, json_object_get(g, "absent"));
		} else {
			fputs("not recorded (wrote entries: ", f);
			people(f, json_object_get(g, "wrote"));
			fputs(")</td><td>not recorded", f);
		}
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
}

static void
status_of(FILE *f, const json_t *a, const char *none)
{
	hput(f, gsn(a, "status") != NULL ? gs(a, "status") : none);
}

static void
agenda(FILE *f, const json_t *m)
{
	const json_t *ag = json_object_get(m, "agenda"), *a, *r, *t;
	const json_t *parties = json_object_get(m, "parties");
	const json_t *other = json_object_get(m, "other_records");
	size_t i, j;

	fputs("<h2>Agenda</h2>\n", f);
	if (json_array_size(ag) == 0)
		fputs("<p>No agenda item was recorded.</p>\n", f);
	else
		fputs("<ol>\n", f);
	json_array_foreach (ag, i, a) {
		fprintf(f, "<li value=\"%lld\">", gi(a, "number"));
		inline_text(f, json_object_get(a, "text"));
		fputs(" (", f);
		status_of(f, a, "no status recorded");
		fputs(")</li>\n", f);
	}
	if (json_array_size(ag) > 0)
		fputs("</ol>\n", f);
	json_array_foreach (ag, i, a) {
		fprintf(f, "<h3>Item %lld</h3>\n<p class=\"meta\">Agenda item ",
		    gi(a, "number"));
		byline(f, a);
		fputs("; status: ", f);
		status_of(f, a, "none recorded");
		fputs(".</p>\n", f);
		text(f, json_object_get(a, "text"));
		corrections(f, a, parties, 4);
		json_array_foreach (json_object_get(a, "records"), j, r)
			record(f, r, parties, 4);
	}
	if (json_array_size(other) > 0) {
		fputs("<h3>Not under an agenda item</h3>\n", f);
		json_array_foreach (other, j, r)
			record(f, r, parties, 4);
	}
	if (json_array_size(json_object_get(m, "other_corrections")) == 0)
		return;
	fputs("<h3>Corrections of other entries</h3>\n", f);
	json_array_foreach (json_object_get(m, "other_corrections"), j, r) {
		t = json_object_get(r, "corrects");
		fprintf(f, "<h4>Correction of entry <code>%.8s</code>",
		    gs(t, "entry"));
		if (json_is_integer(json_object_get(t, "meeting"))) {
			fputs(" (", f);
			hput(f, gs(t, "kind"));
			fprintf(f, ", meeting %lld)", gi(t, "meeting"));
		}
		fputs("</h4>\n", f);
		if (json_is_array(json_object_get(t, "text"))) {
			fputs("<p>The original, which stays in the record as "
			      "written:</p>\n",
			    f);
			text(f, json_object_get(t, "text"));
		}
		record(f, r, parties, 5);
	}
}

static void
commitments(FILE *f, const json_t *m)
{
	const json_t *cl = json_object_get(m, "commitments"), *c, *x;
	size_t i, j;

	fputs("<h2>Commitments</h2>\n", f);
	if (json_array_size(cl) == 0) {
		fputs("<p>No commitment was made or carried over.</p>\n", f);
		return;
	}
	fputs("<p>Made in this meeting, and carried over from earlier "
	      "meetings while open.</p>\n<table>\n<tr><th>Entry</th>"
	      "<th>Party</th><th>Owner</th><th>Text</th><th>Due</th>"
	      "<th>Status</th><th>Endorsed by</th><th>Agreed</th>"
	      "<th>Made in</th><th>Corrected by</th></tr>\n",
	    f);
	json_array_foreach (cl, i, c) {
		fprintf(f, "<tr><td><code>%.8s</code></td><td>",
		    gs(c, "entry"));
		hput(f, gs(c, "party"));
		fputs("</td><td>", f);
		hput(f, gs_or(c, "owner", "not named"));
		fputs("</td><td>", f);
		inline_text(f, json_object_get(c, "text"));
		fputs("</td><td>", f);
		hput(f, gs_or(c, "due", "no date"));
		fputs("</td><td>", f);
		hput(f, gs(c, "status"));
		fputs("</td><td>", f);
		list(f, json_object_get(c, "endorsed_by"));
		fprintf(f, "</td><td>%s</td><td>meeting %lld%s</td><td>",
		    json_is_true(json_object_get(c, "agreed")) ? "yes" : "no",
		    gi(c, "meeting"),
		    json_is_true(json_object_get(c, "carried")) ?
			" (carried over)" :
			"");
		json_array_foreach (json_object_get(c, "corrections"), j, x)
			fprintf(f, "%s<code>%.8s</code>", j ? ", " : "",
			    gs(x, "entry"));
		if (json_array_size(json_object_get(c, "corrections")) == 0)
			fputs("none", f);
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
	json_array_foreach (cl, i, c)
		if (json_array_size(json_object_get(c, "corrections")) > 0) {
			fprintf(f,
			    "<h3>Corrections of commitment "
			    "<code>%.8s</code></h3>\n",
			    gs(c, "entry"));
			corrections(f, c, json_object_get(m, "parties"), 4);
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

	fputs("<h2>Integrity</h2>\n<p>", f);
	if (gsn(sc, "close") != NULL) {
		fprintf(f,
		    "These minutes are rendered from the entries of the "
		    "record up to the close of meeting %lld: the closing entry "
		    "<code>",
		    meeting);
		hput(f, gs(sc, "close"));
		fprintf(f,
		    "</code> and every entry it follows causally (the earlier "
		    "entries of its feed, the entries it references, theirs, "
		    "and so on), %lld entries in all. Every replica that holds "
		    "the closing entry renders the same bytes.",
		    gi(sc, "entries"));
	} else
		fprintf(f,
		    "The meeting is not closed: this draft is rendered from "
		    "the %lld entries this replica holds.",
		    gi(sc, "entries"));
	fputs("</p>\n", f);
	if (gi(sc, "unreadable") > 0)
		fprintf(f,
		    "<p><strong>Warning:</strong> %lld entries of this part "
		    "of the record could not be read (they did not decrypt or "
		    "are not valid payloads), and these minutes cannot show "
		    "them; run <code>detente verify</code>.</p>\n",
		    gi(sc, "unreadable"));
	fputs("<h3>Feeds</h3>\n<table>\n<tr><th>Author</th><th>Party</th>"
	      "<th>Key</th><th>Size</th><th>Last entry</th><th>Merkle root "
	      "(RFC 6962)</th></tr>\n",
	    f);
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
	fputs("</table>\n<h3>Checkpoints and seals</h3>\n", f);
	if (json_array_size(json_object_get(in, "notes")) == 0)
		fputs("<p>None in this part of the record.</p>\n", f);
	json_array_foreach (json_object_get(in, "notes"), i, x) {
		fprintf(f, "<p>%s ",
		    strcmp(gs(x, "kind"), "seal") == 0 ? "Seal" : "Checkpoint");
		if (json_is_integer(json_object_get(x, "meeting")))
			fprintf(f, "of meeting %lld ", gi(x, "meeting"));
		byline(f, x);
		fputs(":</p>\n", f);
		pre(f, gs(x, "note"));
	}
	fputs("<h3>Heads of delegation</h3>\n<table>\n<tr><th>Party</th>"
	      "<th>Head</th><th>Key</th><th>minisign public key</th></tr>\n",
	    f);
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
	fprintf(f,
	    "</table>\n<h3>How to verify</h3>\n<p>Save these minutes as "
	    "<code>%s%lld.html</code>, and each head's signature beside them "
	    "as <code>%s%lld.html.NAME.minisig</code>. With detente and a "
	    "replica of the record (which renders the minutes again and "
	    "compares them byte for byte):</p>\n",
	    FILE_STEM, meeting, FILE_STEM, meeting);
	x = json_object_get(in, "verify");
	pre(f, json_string_value(json_array_get(x, 0)));
	fputs("<p>With minisign alone, one command per head:</p>\n<pre>", f);
	for (i = 1; i < json_array_size(x); i++) {
		hput(f, json_string_value(json_array_get(x, i)));
		fputc('\n', f);
	}
	fprintf(f,
	    "</pre>\n<p>Each signature's trusted comment names the dialogue, "
	    "the meeting, the format, the language, the signer and the "
	    "SHA-256 of this file; the seal of the meeting (<code>detente "
	    "seal show --meeting %lld</code>) carries the same SHA-256.</p>\n",
	    meeting);
}

/* signatures() - a block per head, for the signature on paper. */
static void
signatures(FILE *f, const json_t *m)
{
	const json_t *x;
	size_t i;

	fputs("<section class=\"sigs\">\n<h2>Signatures</h2>\n", f);
	if (strcmp(gs(m, "status"), "draft") == 0)
		fputs("<p class=\"draft\">A draft is not signed.</p>\n", f);
	json_array_foreach (json_object_get(json_object_get(m, "integrity"),
				"heads"),
	    i, x) {
		fputs("<div class=\"sig\">\n<p>For the delegation of <strong>",
		    f);
		hput(f, gs(x, "party"));
		fputs("</strong>, head of delegation <strong>", f);
		hput(f, gs(x, "name"));
		fputs("</strong></p>\n<p class=\"meta\">minisign key id <code>",
		    f);
		hput(f, gs(x, "minisign_keyid"));
		fputs("</code>, key <code>", f);
		hput(f, gs(x, "key"));
		fputs("</code></p>\n<div class=\"line\"></div>\n"
		      "<p class=\"meta\">Signature</p>\n"
		      "<div class=\"line\"></div>\n<p class=\"meta\">Date and "
		      "place</p>\n</div>\n",
		    f);
	}
	fputs("</section>\n", f);
}

int
minutes_print_html(FILE *f, const json_t *m)
{
	if (!json_is_object(m) || gsn(m, "dialogue") == NULL)
		return -1;
	/* the identification line first, as in Markdown (FORMAT.md) */
	fprintf(f,
	    "<!-- %s v%d dialogue=%s meeting=%lld format=html lang=%s "
	    "status=%s -->\n",
	    MINUTES_MAGIC, MINUTES_VERSION, gs(m, "dialogue"), gi(m, "meeting"),
	    gs(m, "lang"), gs(m, "status"));
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	      "<meta charset=\"utf-8\">\n<title>",
	    f);
	fprintf(f, "Minutes of meeting %lld", gi(m, "meeting"));
	if (gsn(m, "meeting_title") != NULL) {
		fputs(": ", f);
		hputs(f, gs(m, "meeting_title"), 1);
	}
	fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", style);
	head(f, m);
	participants(f, m);
	agenda(f, m);
	commitments(f, m);
	integrity(f, m);
	signatures(f, m);
	fputs("</body>\n</html>\n", f);
	return 0;
}
