/*
 * minutes_md.c: the Markdown form of the minutes, printed from the model
 * (see minutes_print.h).  Moved out of minutes.c as it was.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "minutes_internal.h"
#include "minutes_lang.h"
#include "minutes_print.h"

/* md_text() - one text: a labelled paragraph, or a table side by side. */
static void
md_text(FILE *f, int fr, const json_t *text)
{
	const json_t *t;
	size_t i, n = json_array_size(text);

	if (n == 0) {
		fputs("*(", f);
		minutes_l(f, fr, "no text");
		fputs(")*\n\n", f);
		return;
	}
	if (n == 1) {
		t = json_array_get(text, 0);
		fputs("*[", f);
		minutes_version_label(f, fr, t);
		fputs("]* ", f);
		minutes_cprint(f, gs(t, "body"), 1);
		fputs("\n\n", f);
		return;
	}
	json_array_foreach (text, i, t) {
		fputs(i ? " | " : "| ", f);
		minutes_version_label(f, fr, t);
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
md_inline_text(FILE *f, int fr, const json_t *text)
{
	const json_t *t;
	size_t i;

	/* always labelled, so that the text never starts a list item */
	json_array_foreach (text, i, t) {
		fputs(i ? "<br>*" : "*", f);
		fprintf(f, "%s:* ", gs(t, "lang"));
		minutes_cprint(f, gs(t, "body"), 1);
	}
	if (json_array_size(text) == 0) {
		fputs("*(", f);
		minutes_l(f, fr, "no text");
		fputs(")*", f);
	}
}

static void md_record(FILE *f, int fr, const json_t *r, const json_t *parties,
    int level);

static void
md_corrections(FILE *f, int fr, const json_t *r, const json_t *parties,
    int level)
{
	const json_t *c;
	size_t i;

	json_array_foreach (json_object_get(r, "corrections"), i, c)
		md_record(f, fr, c, parties, level);
}

static void
md_record(FILE *f, int fr, const json_t *r, const json_t *parties, int level)
{
	char de[MINUTES_DATE_BYTES], dr[MINUTES_DATE_BYTES];
	int h, hf;
	const json_t *c = json_object_get(r, "commitment");
	const char *k = gs(r, "kind");
	char label[160];
	int i;

	minutes_kind_label(label, sizeof(label), fr, r);
	for (i = 0; i < level && i < 6; i++)
		fputc('#', f);
	fprintf(f, " %s\n\n", label);
	if (strcmp(k, "correction") == 0)
		minutes_l(f, fr,
		    "Corrects the entry above (which stays in the record as "
		    "written)");
	minutes_byline(f, fr, r, 1);
	fputs(".\n\n", f);
	/* in "both", one whole line in each language (FORMAT.md) */
	if (c != NULL) {
		minutes_due(c, de, dr);
		for (h = 0; h < 2; h++) {
			if ((hf = minutes_half(fr, h)) < 0)
				continue;
			minutes_l(f, hf, "Party %s, owner", gs(c, "party"));
			fputc(' ', f);
			if (gsn(c, "owner") != NULL)
				minutes_cprint(f, gs(c, "owner"), 1);
			else
				minutes_lput(f, hf, "not named");
			minutes_l(f, hf, ", due %s, status", h ? dr : de);
			fputc(' ', f);
			minutes_value(f, hf, gs(c, "status"));
			fputs(".\n", f);
		}
		fputc('\n', f);
	}
	md_text(f, fr, json_object_get(r, "text"));
	if (strcmp(k, "decision") == 0 || strcmp(k, "commitment") == 0) {
		minutes_endorsement_line(f, fr, r, parties, 1, 1);
		fputc('\n', f);
	} else if (json_array_size(json_object_get(r, "endorsed_by")) > 0) {
		minutes_endorsement_line(f, fr, r, parties, 1, 0);
		fputc('\n', f);
	}
	md_corrections(f, fr, r, parties, level + 1);
}

static void
md_people(FILE *f, int fr, const json_t *list)
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
			minutes_cprint(f, gs(p, "name"), 1);
		else
			fprintf(f, "`%.16s`", gs(p, "key"));
		if (*gs(p, "role") != '\0') {
			fputs(" (", f);
			minutes_value(f, fr, gs(p, "role"));
			fputc(')', f);
		}
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

/* md_field() - "- **Label:** " of the head, in the frame. */
static void
md_field(FILE *f, int fr, const char *label)
{
	fputs("- **", f);
	minutes_lput(f, fr, label);
	fputs("** ", f);
}

/*
 * md_row() - a table's header row of n labels and its rule; in the
 * "both" frame each cell holds the two languages, "Party / Сторона".
 */
static void
md_row(FILE *f, int fr, size_t n, const char *const *labels)
{
	size_t i;

	for (i = 0; i < n; i++) {
		fputs(i ? " | " : "| ", f);
		minutes_lput(f, fr, labels[i]);
	}
	fputs(" |\n", f);
	for (i = 0; i < n; i++)
		fputs(i ? " | ---" : "| ---", f);
	fputs(" |\n", f);
}

static void
md_head(FILE *f, const json_t *m)
{
	const json_t *o, *l;
	const char *lang = gs(m, "lang");
	int fr = minutes_frame_of(lang);
	char d[MINUTES_DATE_BYTES], *t;
	size_t i;

	fputs("# ", f);
	minutes_l(f, fr, "Minutes of meeting %lld",
	    (long long)json_integer_value(json_object_get(m, "meeting")));
	if ((t = minutes_named(m, fr, "meeting_title", "meeting_titles")) !=
	    NULL) {
		fputs(": ", f);
		minutes_cprint(f, t, 1);
		free(t);
	}
	fputs("\n\n", f);
	if (strcmp(gs(m, "status"), "draft") == 0) {
		fputs("**", f);
		minutes_l(f, fr, "DRAFT: the meeting is not closed.");
		fputs("** ", f);
		minutes_lsep(f, fr, "\n",
		    "These minutes show the entries this replica holds now, "
		    "and may not be signed.");
		fputs("\n\n", f);
	}
	md_field(f, fr, "Dialogue:");
	if ((t = minutes_named(m, fr, "title", "titles")) != NULL)
		minutes_cprint(f, t, 1);
	free(t);
	fputc('\n', f);
	md_field(f, fr, "Dialogue id:");
	fprintf(f, "`%s`\n", gs(m, "dialogue"));
	md_field(f, fr, "Parties:");
	json_array_foreach (json_object_get(m, "parties"), i, l) {
		fputs(i ? ", " : "", f);
		minutes_party(f, fr, json_string_value(l));
	}
	fputc('\n', f);
	if (gsn(m, "date") != NULL) {
		md_field(f, fr, "Date:");
		fprintf(f, "%s\n", minutes_date(d, sizeof(d), fr,
		    gs(m, "date")));
	}
	if ((t = minutes_named(m, fr, "place", "places")) != NULL) {
		md_field(f, fr, "Place:");
		minutes_cprint(f, t, 1);
		fputc('\n', f);
		free(t);
	}
	if (json_is_object(o = json_object_get(m, "opened"))) {
		fputs("- **", f);
		minutes_l(f, fr, "Opened");
		fputs("** ", f);
		minutes_byline(f, fr, o, 1);
		fputc('\n', f);
	}
	if (json_is_object(o = json_object_get(m, "closed"))) {
		fputs("- **", f);
		minutes_l(f, fr, "Closed");
		fputs("** ", f);
		minutes_byline(f, fr, o, 1);
		fputc('\n', f);
	}
	md_field(f, fr, "Languages:");
	json_array_foreach (json_object_get(m, "languages"), i, l)
		fprintf(f, "%s%s", i ? ", " : "", json_string_value(l));
	fputs(" (", f);
	if (strcmp(lang, "both") == 0)
		minutes_l(f, fr, "every language shown, side by side");
	else
		minutes_l(f, fr, "shown: %s, else the authentic text", lang);
	fputs(")\n\n", f);
}

static void
md_participants(FILE *f, const json_t *m)
{
	const json_t *pa = json_object_get(m, "participants"), *g;
	int fr = minutes_frame_of(gs(m, "lang"));
	size_t i;

	fputs("## ", f);
	minutes_l(f, fr, "Participants");
	fputs("\n\n", f);
	minutes_lsep(f, fr, "\n",
	    "Attendance as each party recorded it; where a party recorded "
	    "none, the minutes say so and name who of it wrote entries in "
	    "this meeting.");
	fputs("\n\n", f);
	md_row(f, fr, 3, (const char *[]){ "Party", "Present", "Absent" });
	json_array_foreach (json_object_get(pa, "parties"), i, g) {
		fprintf(f, "| %s | ", gs(g, "party"));
		if (json_is_true(json_object_get(g, "recorded"))) {
			md_people(f, fr, json_object_get(g, "present"));
			fputs(" | ", f);
			md_people(f, fr, json_object_get(g, "absent"));
		} else {
			minutes_l(f, fr, "not recorded");
			fputs(" (", f);
			minutes_l(f, fr, "wrote entries:");
			fputc(' ', f);
			md_people(f, fr, json_object_get(g, "wrote"));
			fputs(") | ", f);
			minutes_l(f, fr, "not recorded");
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
	int fr = u->frame;

	if (u->records != NULL) {
		md_record(f, fr, json_array_get(u->records, u->at), parties, 4);
		return;
	}
	if (a == NULL) {
		fputs("### ", f);
		minutes_l(f, fr, "Not under an agenda item");
		fputs("\n\n", f);
		return;
	}
	fputs("### ", f);
	minutes_l(f, fr, "Item %lld",
	    (long long)json_integer_value(json_object_get(a, "number")));
	fputs("\n\n", f);
	minutes_l(f, fr, "Agenda item");
	fputc(' ', f);
	minutes_byline(f, fr, a, 1);
	fputs("; ", f);
	minutes_l(f, fr, "status:");
	fputc(' ', f);
	if (gsn(a, "status") != NULL)
		minutes_value(f, fr, gs(a, "status"));
	else
		minutes_l(f, fr, "none recorded");
	fputs(".\n\n", f);
	md_text(f, fr, json_object_get(a, "text"));
	md_corrections(f, fr, a, parties, 4);
}

/* md_agenda() - the agenda, its pieces u[0..n).  @return 0 or -1. */
static int
md_agenda(FILE *f, const json_t *m, const struct minutes_unit *u, size_t n,
    int two)
{
	const json_t *agenda = json_object_get(m, "agenda"), *a, *r;
	const json_t *parties = json_object_get(m, "parties");
	int fr = minutes_frame_of(gs(m, "lang"));
	size_t i, j;

	fputs("## ", f);
	minutes_l(f, fr, "Agenda");
	fputs("\n\n", f);
	if (json_array_size(agenda) == 0) {
		minutes_lsep(f, fr, "\n", "No agenda item was recorded.");
		fputs("\n\n", f);
	}
	json_array_foreach (agenda, i, a) {
		fprintf(f, "%lld. ",
		    (long long)json_integer_value(
			json_object_get(a, "number")));
		md_inline_text(f, fr, json_object_get(a, "text"));
		fputs(" (", f);
		if (gsn(a, "status") != NULL)
			minutes_value(f, fr, gs(a, "status"));
		else
			minutes_l(f, fr, "no status recorded");
		fputs(")\n", f);
	}
	if (json_array_size(agenda) > 0)
		fputc('\n', f);
	if (minutes_render_units(f, u, n, parties, md_unit, two) != 0)
		return -1;
	if (json_array_size(json_object_get(m, "other_corrections")) > 0) {
		fputs("### ", f);
		minutes_l(f, fr, "Corrections of other entries");
		fputs("\n\n", f);
		json_array_foreach (json_object_get(m, "other_corrections"), j,
		    r) {
			const json_t *t = json_object_get(r, "corrects");

			fputs("#### ", f);
			minutes_l(f, fr, "Correction of entry `%.8s`",
			    gs(t, "entry"));
			if (json_is_integer(json_object_get(t, "meeting"))) {
				fputs(" (", f);
				minutes_value(f, fr, gs(t, "kind"));
				fputs(", ", f);
				minutes_l(f, fr, "meeting %lld",
				    (long long)json_integer_value(
					json_object_get(t, "meeting")));
				fputc(')', f);
			}
			fputs("\n\n", f);
			if (json_is_array(json_object_get(t, "text"))) {
				minutes_l(f, fr,
				    "The original, which stays in the record "
				    "as written:");
				fputs("\n\n", f);
				md_text(f, fr, json_object_get(t, "text"));
			}
			md_record(f, fr, r, parties, 5);
		}
	}
	return 0;
}

static void
md_commitments(FILE *f, const json_t *m)
{
	char nd[64], de[MINUTES_DATE_BYTES];	/* "no date", a date in the frame */
	static const char *const head[] = { "Entry", "Party", "Owner", "Text",
		"Due", "Status", "Endorsed by", "Agreed", "Made in",
		"Corrected by" };
	const json_t *list = json_object_get(m, "commitments"), *c, *x;
	int fr = minutes_frame_of(gs(m, "lang"));
	size_t i, j;

	fputs("## ", f);
	minutes_l(f, fr, "Commitments");
	fputs("\n\n", f);
	if (json_array_size(list) == 0) {
		minutes_lsep(f, fr, "\n",
		    "No commitment was made or carried over.");
		fputs("\n\n", f);
		return;
	}
	minutes_lsep(f, fr, "\n",
	    "Made in this meeting, and carried over from earlier meetings "
	    "while open.");
	fputs("\n\n", f);
	md_row(f, fr, 10, head);
	json_array_foreach (list, i, c) {
		fprintf(f, "| `%.8s` | %s | ", gs(c, "entry"), gs(c, "party"));
		minutes_cprint(f, gs_or(c, "owner", "not named"), 1);
		fputs(" | ", f);
		md_inline_text(f, fr, json_object_get(c, "text"));
		minutes_lstr(nd, sizeof(nd), fr, "no date");
		fprintf(f, " | %s | ", gsn(c, "due") != NULL ?
		    minutes_date(de, sizeof(de), fr, gs(c, "due")) : nd);
		minutes_value(f, fr, gs(c, "status"));
		fputs(" | ", f);
		json_array_foreach (json_object_get(c, "endorsed_by"), j, x)
			fprintf(f, "%s%s", j ? ", " : "", json_string_value(x));
		if (json_array_size(json_object_get(c, "endorsed_by")) == 0)
			minutes_l(f, fr, "none");
		fputs(" | ", f);
		minutes_l(f, fr,
		    json_is_true(json_object_get(c, "agreed")) ? "yes" : "no");
		fputs(" | ", f);
		minutes_l(f, fr, "meeting %lld",
		    (long long)json_integer_value(
			json_object_get(c, "meeting")));
		if (json_is_true(json_object_get(c, "carried"))) {
			fputc(' ', f);
			minutes_l(f, fr, "(carried over)");
		}
		fputs(" | ", f);
		json_array_foreach (json_object_get(c, "corrections"), j, x)
			fprintf(f, "%s`%.8s`", j ? ", " : "", gs(x, "entry"));
		if (json_array_size(json_object_get(c, "corrections")) == 0)
			minutes_l(f, fr, "none");
		fputs(" |\n", f);
	}
	fputc('\n', f);
	json_array_foreach (list, i, c)
		if (json_array_size(json_object_get(c, "corrections")) > 0) {
			fputs("### ", f);
			minutes_l(f, fr, "Corrections of commitment `%.8s`",
			    gs(c, "entry"));
			fputs("\n\n", f);
			md_corrections(f, fr, c, json_object_get(m, "parties"),
			    4);
		}
}

static void
md_integrity(FILE *f, const json_t *m)
{
	static const char *const feeds[] = { "Author", "Party", "Key", "Size",
		"Last entry", "Merkle root (RFC 6962)" };
	static const char *const heads[] = { "Party", "Head", "Key",
		"minisign public key" };
	const json_t *in = json_object_get(m, "integrity"), *x;
	const json_t *sc = json_object_get(in, "scope");
	int fr = minutes_frame_of(gs(m, "lang"));
	long long meeting =
	    (long long)json_integer_value(json_object_get(m, "meeting"));
	size_t i;

	fputs("## ", f);
	minutes_l(f, fr, "Integrity");
	fputs("\n\n", f);
	if (gsn(sc, "close") != NULL)
		minutes_lsep(f, fr, "\n\n",
		    "These minutes are rendered from the entries of the "
		    "record up to the close of meeting %lld: the closing entry "
		    "`%s` and every entry it follows causally (the earlier "
		    "entries of its feed, the entries it references, theirs, "
		    "and so on), %lld entries in all.\n"
		    "Every replica that holds the closing entry renders the "
		    "same bytes.",
		    meeting, gs(sc, "close"),
		    (long long)json_integer_value(
			json_object_get(sc, "entries")));
	else
		minutes_lsep(f, fr, "\n",
		    "The meeting is not closed: this draft is rendered "
		    "from the %lld entries this replica holds.",
		    (long long)json_integer_value(
			json_object_get(sc, "entries")));
	fputs("\n\n", f);
	if (json_integer_value(json_object_get(sc, "unreadable")) > 0) {
		fputs("**", f);
		minutes_l(f, fr, "Warning:");
		fputs("** ", f);
		minutes_lsep(f, fr, "\n",
		    "%lld entries of this part of the record "
		    "could not be read (they did not decrypt or are not valid "
		    "payloads), and these minutes cannot show them; run "
		    "`detente verify`.",
		    (long long)json_integer_value(
			json_object_get(sc, "unreadable")));
		fputs("\n\n", f);
	}
	fputs("### ", f);
	minutes_l(f, fr, "Feeds");
	fputs("\n\n", f);
	md_row(f, fr, 6, feeds);
	json_array_foreach (json_object_get(in, "feeds"), i, x) {
		fputs("| ", f);
		minutes_cprint(f, gs(x, "name"), 1);
		fprintf(f, " | %s | `%s` | %lld | `%s` | `%s` |\n",
		    gsn(x, "party") != NULL ? gs(x, "party") : "-",
		    gs(x, "author"),
		    (long long)json_integer_value(json_object_get(x, "size")),
		    gs(x, "head"), gs(x, "root"));
	}
	fputs("\n### ", f);
	minutes_l(f, fr, "Checkpoints and seals");
	fputs("\n\n", f);
	if (json_array_size(json_object_get(in, "notes")) == 0) {
		minutes_l(f, fr, "None in this part of the record.");
		fputs("\n\n", f);
	}
	json_array_foreach (json_object_get(in, "notes"), i, x) {
		int seal = strcmp(gs(x, "kind"), "seal") == 0;

		if (json_is_integer(json_object_get(x, "meeting")))
			minutes_l(f, fr,
			    seal ? "Seal of meeting %lld" :
				   "Checkpoint of meeting %lld",
			    (long long)json_integer_value(
				json_object_get(x, "meeting")));
		else
			minutes_l(f, fr, seal ? "Seal" : "Checkpoint");
		fputc(' ', f);
		minutes_byline(f, fr, x, 1);
		fputs(":\n\n", f);
		md_code(f, gs(x, "note"));
	}
	fputs("### ", f);
	minutes_l(f, fr, "Heads of delegation");
	fputs("\n\n", f);
	md_row(f, fr, 4, heads);
	json_array_foreach (json_object_get(in, "heads"), i, x) {
		fprintf(f, "| %s | ", gs(x, "party"));
		minutes_cprint(f, gs(x, "name"), 1);
		fprintf(f, " | `%s` | `%s` |\n", gs(x, "key"),
		    gs(x, "minisign"));
	}
	fputc('\n', f);
	/* an internal record: not signed, so nothing to verify */
	if (minutes_model_party(m) != NULL) {
		minutes_internal_tail(f, m, MINUTES_IN_MD);
		return;
	}
	fputs("### ", f);
	minutes_l(f, fr, "How to verify");
	fputs("\n\n", f);
	minutes_lsep(f, fr, "\n\n",
	    "Save these minutes as `%s%lld.md`, and each head's signature "
	    "beside them as `%s%lld.md.NAME.minisig`.\n"
	    "With detente and a replica of the record (which renders the "
	    "minutes again and compares them byte for byte):",
	    FILE_STEM, meeting, FILE_STEM, meeting);
	fputs("\n\n", f);
	x = json_object_get(in, "verify");
	md_code(f, json_string_value(json_array_get(x, 0)));
	minutes_l(f, fr, "With minisign alone, one command per head:");
	fputs("\n\n", f);
	for (i = 1; i < json_array_size(x); i++)
		fprintf(f, "    %s\n", json_string_value(json_array_get(x, i)));
	fputc('\n', f);
	minutes_lsep(f, fr, "\n",
	    "Each signature's trusted comment names the dialogue, "
	    "the meeting, the format, the language, the signer and the "
	    "SHA-256 of this file; the seal of the meeting (`detente seal "
	    "show --meeting %lld`) carries the same SHA-256.",
	    meeting);
	fputc('\n', f);
}

/* minutes_print_md() - the minutes in Markdown (minutes_print.h). */
int
minutes_print_md(FILE *f, const json_t *m, const struct minutes_unit *u,
    size_t n, int two)
{
	fprintf(f,
	    "<!-- %s v%d dialogue=%s meeting=%lld format=md lang=%s "
	    "status=%s",
	    MINUTES_MAGIC, MINUTES_VERSION, gs(m, "dialogue"),
	    (long long)json_integer_value(json_object_get(m, "meeting")),
	    gs(m, "lang"), gs(m, "status"));
	minutes_id_scope(f, m);
	fputs(" -->\n\n", f);
	minutes_internal_banner(f, m, MINUTES_IN_MD);
	md_head(f, m);
	md_participants(f, m);
	if (md_agenda(f, m, u, n, two) != 0)
		return -1;
	md_commitments(f, m);
	md_integrity(f, m);
	return 0;
}
