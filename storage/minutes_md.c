/*
 * minutes_md.c: the Markdown form of the minutes, printed from the model
 * (see minutes_print.h).  Moved out of minutes.c as it was.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "minutes_print.h"

/* md_text() - one text: a labelled paragraph, or a table side by side. */
static void
md_text(FILE *f, const json_t *text)
{
	const json_t *t;
	size_t i, n = json_array_size(text);

	if (n == 0) {
		fputs("*(no text)*\n\n", f);
		return;
	}
	if (n == 1) {
		t = json_array_get(text, 0);
		fputs("*[", f);
		minutes_version_label(f, t);
		fputs("]* ", f);
		minutes_cprint(f, gs(t, "body"), 1);
		fputs("\n\n", f);
		return;
	}
	json_array_foreach (text, i, t) {
		fputs(i ? " | " : "| ", f);
		minutes_version_label(f, t);
	}
	fputs(" |\n", f);
	for (i = 0; i < n; i++)
		fputs(i ? " | ---" : "| ---", f);
	fputs(" |\n", f);
	json_array_foreach (text, i, t) {
		fputs(i ? " | " : "| ", f);
		minutes_cprint(f, gs(t, "body"), 1);
	}
	fputs(" |\n\n", f);
}

/* md_inline_text() - every version on one line (tables, the agenda). */
static void
md_inline_text(FILE *f, const json_t *text)
{
	const json_t *t;
	size_t i;

	/* always labelled, so that the text never starts a list item */
	json_array_foreach (text, i, t) {
		fputs(i ? "<br>*" : "*", f);
		fprintf(f, "%s:* ", gs(t, "lang"));
		minutes_cprint(f, gs(t, "body"), 1);
	}
	if (json_array_size(text) == 0)
		fputs("*(no text)*", f);
}

static void md_record(FILE *f, const json_t *r, const json_t *parties,
    int level);

static void
md_corrections(FILE *f, const json_t *r, const json_t *parties, int level)
{
	const json_t *c;
	size_t i;

	json_array_foreach (json_object_get(r, "corrections"), i, c)
		md_record(f, c, parties, level);
}

static void
md_record(FILE *f, const json_t *r, const json_t *parties, int level)
{
	const json_t *c = json_object_get(r, "commitment");
	const char *k = gs(r, "kind");
	char label[64];
	int i;

	minutes_kind_label(label, sizeof(label), r);
	for (i = 0; i < level && i < 6; i++)
		fputc('#', f);
	fprintf(f, " %s\n\n", label);
	if (strcmp(k, "correction") == 0)
		fputs("Corrects the entry above (which stays in the record as "
		      "written), ",
		    f);
	minutes_byline(f, r, 1);
	fputs(".\n\n", f);
	if (c != NULL) {
		fprintf(f, "Party %s, owner ", gs(c, "party"));
		minutes_cprint(f, gs_or(c, "owner", "not named"), 1);
		fprintf(f, ", due %s, status %s.\n\n", gs_or(c, "due", "no date"),
		    gs(c, "status"));
	}
	md_text(f, json_object_get(r, "text"));
	if (strcmp(k, "decision") == 0 || strcmp(k, "commitment") == 0) {
		minutes_endorsement_line(f, r, parties, 1, 1);
		fputc('\n', f);
	} else if (json_array_size(json_object_get(r, "endorsed_by")) > 0) {
		minutes_endorsement_line(f, r, parties, 1, 0);
		fputc('\n', f);
	}
	md_corrections(f, r, parties, level + 1);
}

static void
md_people(FILE *f, const json_t *list)
{
	const json_t *p;
	size_t i;

	if (json_array_size(list) == 0) {
		fputs("none", f);
		return;
	}
	json_array_foreach (list, i, p) {
		if (i)
			fputs(", ", f);
		if (*gs(p, "name") != '\0')
			minutes_cprint(f, gs(p, "name"), 1);
		else
			fprintf(f, "`%.16s`", gs(p, "key"));
		if (*gs(p, "role") != '\0')
			fprintf(f, " (%s)", gs(p, "role"));
	}
}

/* md_code() - s as an indented code block (nothing in it is markup). */
static void
md_code(FILE *f, const char *s)
{
	char *c = minutes_clean(s, 0), *p, *nl;

	if (c == NULL)
		return;
	for (p = c; *p != '\0'; p = nl + 1) {
		if ((nl = strchr(p, '\n')) == NULL) {
			fprintf(f, "    %s\n", p);
			break;
		}
		fprintf(f, "    %.*s\n", (int)(nl - p), p);
	}
	fputc('\n', f);
	free(c);
}

static void
md_head(FILE *f, const json_t *m)
{
	const json_t *o, *l;
	const char *lang = gs(m, "lang");
	size_t i;

	fprintf(f, "# Minutes of meeting %lld",
	    (long long)json_integer_value(json_object_get(m, "meeting")));
	if (gsn(m, "meeting_title") != NULL) {
		fputs(": ", f);
		minutes_cprint(f, gs(m, "meeting_title"), 1);
	}
	fputs("\n\n", f);
	if (strcmp(gs(m, "status"), "draft") == 0)
		fputs("**DRAFT: the meeting is not closed.** These minutes "
		      "show the entries this replica holds now, and may not be "
		      "signed.\n\n",
		    f);
	fputs("- **Dialogue:** ", f);
	minutes_cprint(f, gs(m, "title"), 1);
	fprintf(f, "\n- **Dialogue id:** `%s`\n", gs(m, "dialogue"));
	fputs("- **Parties:** ", f);
	json_array_foreach (json_object_get(m, "parties"), i, l)
		fprintf(f, "%s%s", i ? ", " : "", json_string_value(l));
	fputc('\n', f);
	if (gsn(m, "date") != NULL)
		fprintf(f, "- **Date:** %s\n", gs(m, "date"));
	if (gsn(m, "place") != NULL) {
		fputs("- **Place:** ", f);
		minutes_cprint(f, gs(m, "place"), 1);
		fputc('\n', f);
	}
	if (json_is_object(o = json_object_get(m, "opened"))) {
		fputs("- **Opened** ", f);
		minutes_byline(f, o, 1);
		fputc('\n', f);
	}
	if (json_is_object(o = json_object_get(m, "closed"))) {
		fputs("- **Closed** ", f);
		minutes_byline(f, o, 1);
		fputc('\n', f);
	}
	fputs("- **Languages:** ", f);
	json_array_foreach (json_object_get(m, "languages"), i, l)
		fprintf(f, "%s%s", i ? ", " : "", json_string_value(l));
	if (strcmp(lang, "both") == 0)
		fputs(" (every language shown, side by side)\n\n", f);
	else
		fprintf(f, " (shown: %s, else the authentic text)\n\n", lang);
}

static void
md_participants(FILE *f, const json_t *m)
{
	const json_t *pa = json_object_get(m, "participants"), *g;
	size_t i;

	fputs("## Participants\n\n", f);
	fputs("Attendance as each party recorded it; where a party recorded "
	      "none, the minutes say so and name who of it wrote entries in "
	      "this meeting.\n\n", f);
	fputs("| Party | Present | Absent |\n| --- | --- | --- |\n", f);
	json_array_foreach (json_object_get(pa, "parties"), i, g) {
		fprintf(f, "| %s | ", gs(g, "party"));
		if (json_is_true(json_object_get(g, "recorded"))) {
			md_people(f, json_object_get(g, "present"));
			fputs(" | ", f);
			md_people(f, json_object_get(g, "absent"));
		} else {
			fputs("not recorded (wrote entries: ", f);
			md_people(f, json_object_get(g, "wrote"));
			fputs(") | not recorded", f);
		}
		fputs(" |\n", f);
	}
	fputc('\n', f);
}

/* md_unit() - one piece of the agenda's part. */
static void
md_unit(FILE *f, const struct minutes_unit *u, const json_t *parties)
{
	const json_t *a = u->item;

	if (u->records != NULL) {
		md_record(f, json_array_get(u->records, u->at), parties, 4);
		return;
	}
	if (a == NULL) {
		fputs("### Not under an agenda item\n\n", f);
		return;
	}
	fprintf(f, "### Item %lld\n\n",
	    (long long)json_integer_value(json_object_get(a, "number")));
	fputs("Agenda item ", f);
	minutes_byline(f, a, 1);
	fprintf(f, "; status: %s.\n\n",
	    gsn(a, "status") != NULL ? gs(a, "status") : "none recorded");
	md_text(f, json_object_get(a, "text"));
	md_corrections(f, a, parties, 4);
}

/* md_agenda() - the agenda, its pieces u[0..n).  @return 0 or -1. */
static int
md_agenda(FILE *f, const json_t *m, const struct minutes_unit *u, size_t n,
    int two)
{
	const json_t *agenda = json_object_get(m, "agenda"), *a, *r;
	const json_t *parties = json_object_get(m, "parties");
	size_t i, j;

	fputs("## Agenda\n\n", f);
	if (json_array_size(agenda) == 0)
		fputs("No agenda item was recorded.\n\n", f);
	json_array_foreach (agenda, i, a) {
		fprintf(f, "%lld. ",
		    (long long)json_integer_value(
			json_object_get(a, "number")));
		md_inline_text(f, json_object_get(a, "text"));
		fprintf(f, " (%s)\n",
		    gsn(a, "status") != NULL ? gs(a, "status") :
					       "no status recorded");
	}
	if (json_array_size(agenda) > 0)
		fputc('\n', f);
	if (minutes_render_units(f, u, n, parties, md_unit, two) != 0)
		return -1;
	if (json_array_size(json_object_get(m, "other_corrections")) > 0) {
		fputs("### Corrections of other entries\n\n", f);
		json_array_foreach (json_object_get(m, "other_corrections"), j,
		    r) {
			const json_t *t = json_object_get(r, "corrects");

			fprintf(f, "#### Correction of entry `%.8s`",
			    gs(t, "entry"));
			if (json_is_integer(json_object_get(t, "meeting")))
				fprintf(f, " (%s, meeting %lld)", gs(t, "kind"),
				    (long long)json_integer_value(
					json_object_get(t, "meeting")));
			fputs("\n\n", f);
			if (json_is_array(json_object_get(t, "text"))) {
				fputs("The original, which stays in the record "
				      "as written:\n\n",
				    f);
				md_text(f, json_object_get(t, "text"));
			}
			md_record(f, r, parties, 5);
		}
	}
	return 0;
}

static void
md_commitments(FILE *f, const json_t *m)
{
	const json_t *list = json_object_get(m, "commitments"), *c, *x;
	size_t i, j;

	fputs("## Commitments\n\n", f);
	if (json_array_size(list) == 0) {
		fputs("No commitment was made or carried over.\n\n", f);
		return;
	}
	fputs("Made in this meeting, and carried over from earlier meetings "
	      "while open.\n\n",
	    f);
	fputs("| Entry | Party | Owner | Text | Due | Status | Endorsed by | "
	      "Agreed | Made in | Corrected by |\n",
	    f);
	fputs("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- "
	      "|\n",
	    f);
	json_array_foreach (list, i, c) {
		fprintf(f, "| `%.8s` | %s | ", gs(c, "entry"), gs(c, "party"));
		minutes_cprint(f, gs_or(c, "owner", "not named"), 1);
		fputs(" | ", f);
		md_inline_text(f, json_object_get(c, "text"));
		fprintf(f, " | %s | %s | ", gs_or(c, "due", "no date"), gs(c, "status"));
		json_array_foreach (json_object_get(c, "endorsed_by"), j, x)
			fprintf(f, "%s%s", j ? ", " : "", json_string_value(x));
		if (json_array_size(json_object_get(c, "endorsed_by")) == 0)
			fputs("none", f);
		fprintf(f, " | %s | meeting %lld%s | ",
		    json_is_true(json_object_get(c, "agreed")) ? "yes" : "no",
		    (long long)json_integer_value(
			json_object_get(c, "meeting")),
		    json_is_true(json_object_get(c, "carried")) ?
			" (carried over)" :
			"");
		json_array_foreach (json_object_get(c, "corrections"), j, x)
			fprintf(f, "%s`%.8s`", j ? ", " : "", gs(x, "entry"));
		if (json_array_size(json_object_get(c, "corrections")) == 0)
			fputs("none", f);
		fputs(" |\n", f);
	}
	fputc('\n', f);
	json_array_foreach (list, i, c)
		if (json_array_size(json_object_get(c, "corrections")) > 0) {
			fprintf(f, "### Corrections of commitment `%.8s`\n\n",
			    gs(c, "entry"));
			md_corrections(f, c, json_object_get(m, "parties"), 4);
		}
}

static void
md_integrity(FILE *f, const json_t *m)
{
	const json_t *in = json_object_get(m, "integrity"), *x;
	const json_t *sc = json_object_get(in, "scope");
	size_t i;

	fputs("## Integrity\n\n", f);
	if (gsn(sc, "close") != NULL)
		fprintf(f,
		    "These minutes are rendered from the entries of the "
		    "record up to the close of meeting %lld: the closing entry "
		    "`%s` and every entry it follows causally (the earlier "
		    "entries of its feed, the entries it references, theirs, "
		    "and so on), %lld entries in all.\n"
		    "Every replica that holds the closing entry renders the "
		    "same bytes.\n\n",
		    (long long)json_integer_value(
			json_object_get(m, "meeting")),
		    gs(sc, "close"),
		    (long long)json_integer_value(
			json_object_get(sc, "entries")));
	else
		fprintf(f,
		    "The meeting is not closed: this draft is rendered "
		    "from the %lld entries this replica holds.\n\n",
		    (long long)json_integer_value(
			json_object_get(sc, "entries")));
	if (json_integer_value(json_object_get(sc, "unreadable")) > 0)
		fprintf(f,
		    "**Warning:** %lld entries of this part of the record "
		    "could not be read (they did not decrypt or are not valid "
		    "payloads), and these minutes cannot show them; run "
		    "`detente "
		    "verify`.\n\n",
		    (long long)json_integer_value(
			json_object_get(sc, "unreadable")));
	fputs("### Feeds\n\n", f);
	fputs("| Author | Party | Key | Size | Last entry | Merkle root "
	      "(RFC 6962) |\n| --- | --- | --- | --- | --- | --- |\n",
	    f);
	json_array_foreach (json_object_get(in, "feeds"), i, x) {
		fputs("| ", f);
		minutes_cprint(f, gs(x, "name"), 1);
		fprintf(f, " | %s | `%s` | %lld | `%s` | `%s` |\n",
		    gsn(x, "party") != NULL ? gs(x, "party") : "-",
		    gs(x, "author"),
		    (long long)json_integer_value(json_object_get(x, "size")),
		    gs(x, "head"), gs(x, "root"));
	}
	fputs("\n### Checkpoints and seals\n\n", f);
	if (json_array_size(json_object_get(in, "notes")) == 0)
		fputs("None in this part of the record.\n\n", f);
	json_array_foreach (json_object_get(in, "notes"), i, x) {
		fprintf(f, "%s ",
		    strcmp(gs(x, "kind"), "seal") == 0 ? "Seal" : "Checkpoint");
		if (json_is_integer(json_object_get(x, "meeting")))
			fprintf(f, "of meeting %lld ",
			    (long long)json_integer_value(
				json_object_get(x, "meeting")));
		minutes_byline(f, x, 1);
		fputs(":\n\n", f);
		md_code(f, gs(x, "note"));
	}
	fputs("### Heads of delegation\n\n", f);
	fputs("| Party | Head | Key | minisign public key |\n"
	      "| --- | --- | --- | --- |\n",
	    f);
	json_array_foreach (json_object_get(in, "heads"), i, x) {
		fprintf(f, "| %s | ", gs(x, "party"));
		minutes_cprint(f, gs(x, "name"), 1);
		fprintf(f, " | `%s` | `%s` |\n", gs(x, "key"),
		    gs(x, "minisign"));
	}
	fprintf(f,
	    "\n### How to verify\n\n"
	    "Save these minutes as `%s%lld.md`, and each head's signature "
	    "beside them as `%s%lld.md.NAME.minisig`.\n"
	    "With detente and a replica of the record (which renders the "
	    "minutes again and compares them byte for byte):\n\n",
	    FILE_STEM,
	    (long long)json_integer_value(json_object_get(m, "meeting")),
	    FILE_STEM,
	    (long long)json_integer_value(json_object_get(m, "meeting")));
	x = json_object_get(in, "verify");
	md_code(f, json_string_value(json_array_get(x, 0)));
	fputs("With minisign alone, one command per head:\n\n", f);
	for (i = 1; i < json_array_size(x); i++)
		fprintf(f, "    %s\n", json_string_value(json_array_get(x, i)));
	fprintf(f,
	    "\nEach signature's trusted comment names the dialogue, "
	    "the meeting, the format, the language, the signer and the "
	    "SHA-256 of this file; the seal of the meeting (`detente seal "
	    "show --meeting %lld`) carries the same SHA-256.\n",
	    (long long)json_integer_value(json_object_get(m, "meeting")));
}

/* minutes_print_md() - the minutes in Markdown (minutes_print.h). */
int
minutes_print_md(FILE *f, const json_t *m, const struct minutes_unit *u,
    size_t n, int two)
{
	fprintf(f,
	    "<!-- %s v%d dialogue=%s meeting=%lld format=md lang=%s "
	    "status=%s -->\n\n",
	    MINUTES_MAGIC, MINUTES_VERSION, gs(m, "dialogue"),
	    (long long)json_integer_value(json_object_get(m, "meeting")),
	    gs(m, "lang"), gs(m, "status"));
	md_head(f, m);
	md_participants(f, m);
	if (md_agenda(f, m, u, n, two) != 0)
		return -1;
	md_commitments(f, m);
	md_integrity(f, m);
	return 0;
}
