/*
 * minutes_print.c: what the printers of the minutes share (see
 * minutes_print.h): making a text safe to show, and the lines every
 * format words alike (who wrote an entry and when, who endorsed it).
 * Moved out of minutes.c as it was.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "minutes_lang.h"
#include "minutes_print.h"
#include "vis.h"

/*
 * Inline markup only: a text never starts a line of Markdown.  The ASCII
 * punctuation escaped, \`*_[]<>|~&$, as a table: every byte of every
 * text is looked up in it.
 */
static const unsigned char md_punct[128] = { ['\\'] = 1,
	['`'] = 1,
	['*'] = 1,
	['_'] = 1,
	['['] = 1,
	[']'] = 1,
	['<'] = 1,
	['>'] = 1,
	['|'] = 1,
	['~'] = 1,
	['&'] = 1,
	['$'] = 1 };

/*
 * minutes_clean() - s made safe to show by the one rule of vis.h: every
 * character vis_char() finds unsafe (C0 and C1 controls but "\n", DEL,
 * the Unicode bidirectional controls, which can make a text read
 * otherwise than its bytes say, U+2028, U+2029, bad UTF-8) becomes
 * U+FFFD; a tab becomes a space (without md: vis_clean(s, VIS_NL)).
 * For Markdown (md), ASCII punctuation that could start markup is
 * backslash-escaped and "\n" becomes "<br>", so that a text can neither
 * hide nor format anything.  malloc'd, or NULL when out of memory.
 * minutes_cprint() writes the same bytes to a stream.
 */
char *
minutes_clean(const char *s, int md)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), o = 0, u;
	char *out = malloc(n * 4 + 1);
	int bad;

	if (out == NULL)
		return NULL;
	while (*p != '\0') {
		if (*p == '\n') {
			if (md) {
				memcpy(out + o, "<br>", 4);
				o += 4;
			} else
				out[o++] = '\n';
			p++;
		} else if (*p == '\t') {
			out[o++] = ' ';
			p++;
		} else if ((u = vis_char((const char *)p, &bad)), bad) {
			memcpy(out + o, "\xef\xbf\xbd", 3);
			o += 3;
			p += u;
		} else {
			if (md && *p < 0x80 && md_punct[*p])
				out[o++] = '\\';
			memcpy(out + o, p, u);
			o += u;
			p += u;
		}
	}
	out[o] = '\0';
	return out;
}

/*
 * minutes_cprint() - fputs(minutes_clean(s, md)), without the copy: the
 * runs of bytes minutes_clean() keeps are written as they are, the
 * others replaced on the way.
 */
void
minutes_cprint(FILE *f, const char *s, int md)
{
	const unsigned char *p = (const unsigned char *)(s != NULL ? s : "");
	const unsigned char *run = p;
	size_t u;
	int bad;

	while (*p != '\0') {
		u = 0;
		bad = 0;
		if (*p == '\n' && !md) {
			p++;
			continue;
		}
		if (*p != '\n' && *p != '\t' &&
		    (u = vis_char((const char *)p, &bad), !bad) &&
		    !(md && *p < 0x80 && md_punct[*p])) {
			p += u;
			continue;
		}
		if (p > run)
			fwrite(run, 1, (size_t)(p - run), f);
		if (*p == '\n') {
			fputs("<br>", f);
			p++;
		} else if (*p == '\t') {
			fputc(' ', f);
			p++;
		} else if (bad) {
			fputs("\xef\xbf\xbd", f);
			p += u;
		} else {
			/* escaped; the character itself starts the next run */
			fputc('\\', f);
			run = p++;
			continue;
		}
		run = p;
	}
	if (p > run)
		fwrite(run, 1, (size_t)(p - run), f);
}

/* minutes_kind_label() - "Note", "Statement of RU", ... in the frame fr. */
void
minutes_kind_label(char *out, size_t outlen, int fr, const json_t *r)
{
	const char *k = gs(r, "kind");
	const char *pos = gsn(r, "position_of");

	if (strcmp(k, "statement") == 0 && pos != NULL)
		minutes_lsn(out, outlen, fr, "Statement of %s", pos);
	else if (strcmp(k, "note") == 0 && gsn(r, "internal") != NULL)
		/* an internal record's own note: its party's alone */
		minutes_lsn(out, outlen, fr, "Note [%s only]",
		    gs(r, "internal"));
	else if (strcmp(k, "note") == 0)
		minutes_lsn(out, outlen, fr, "Note");
	else if (strcmp(k, "statement") == 0)
		minutes_lsn(out, outlen, fr, "Statement");
	else if (strcmp(k, "proposal") == 0)
		minutes_lsn(out, outlen, fr, "Proposal");
	else if (strcmp(k, "decision") == 0)
		minutes_lsn(out, outlen, fr, "Decision");
	else if (strcmp(k, "commitment") == 0)
		minutes_lsn(out, outlen, fr, "Commitment");
	else if (strcmp(k, "correction") == 0)
		minutes_lsn(out, outlen, fr, "Correction");
	else
		snprintf(out, outlen, "%s", k);
}

/* minutes_byline() - "by NAME (PARTY), YYYY-MM-DD HH:MMZ, entry 1a2b3c4d". */
void
minutes_byline(FILE *f, int fr, const json_t *r, int md)
{
	char t[48];
	const char *party = gsn(r, "party");

	minutes_short_time(t, gs(r, "time"));
	minutes_l(f, fr, "by");
	fputc(' ', f);
	minutes_cprint(f, gs(r, "author"), md);
	if (party != NULL)
		fprintf(f, " (%s)", party);
	fprintf(f, ", %s, ", t);
	minutes_l(f, fr, "entry");
	fprintf(f, md ? " `%.8s`" : " %.8s", gs(r, "entry"));
}

static void endorsement(FILE *f, int fr, const json_t *r, const json_t *parties,
    int md);

/*
 * minutes_endorsement_line() - who endorsed, and whether it is agreed;
 * in the "both" frame the whole sentence in English, then in Russian.
 */
void
minutes_endorsement_line(FILE *f, int fr, const json_t *r,
    const json_t *parties, int md, int always)
{
	if (json_array_size(json_object_get(r, "endorsed_by")) == 0 && !always)
		return;
	if (fr == MINUTES_FRAME_BOTH) {
		endorsement(f, MINUTES_FRAME_EN, r, parties, md);
		fputs(MINUTES_PAIR, f);
		fr = MINUTES_FRAME_RU;
	}
	endorsement(f, fr, r, parties, md);
	fputc('\n', f);
}

/* endorsement() - the sentence of minutes_endorsement_line(), one frame. */
static void
endorsement(FILE *f, int fr, const json_t *r, const json_t *parties, int md)
{
	const json_t *e = json_object_get(r, "endorsed_by"), *p, *q;
	size_t i, j, k = 0;
	int any = json_array_size(e) > 0, agreed;

	agreed = json_is_true(json_object_get(r, "agreed"));
	if (md)
		fputs("**", f);
	minutes_l(f, fr,
	    agreed ? (md ? "Agreed:" : "AGREED:") :
		     (md ? "Not agreed:" : "NOT AGREED:"));
	fputs(md ? "** " : " ", f);
	if (agreed || any) {
		minutes_l(f, fr,
		    agreed ? "endorsed by the heads of" :
			     "endorsed by the head of");
		fputc(' ', f);
		json_array_foreach (e, i, p)
			fprintf(f, "%s%s", i ? ", " : "", json_string_value(p));
	}
	if (!agreed) {
		if (any)
			fputs("; ", f);
		minutes_l(f, fr, any ? "not by" : "not endorsed by");
		fputc(' ', f);
		json_array_foreach (parties, j, q) {
			int found = 0;

			json_array_foreach (e, i, p)
				found |= json_equal(p, q);
			if (!found)
				fprintf(f, "%s%s", k++ ? ", " : "",
				    json_string_value(q));
		}
	}
	fputc('.', f);
}

/*
 * minutes_version_label() - "en, authentic"; in the "both" frame each
 * version is labelled in its own language ("ru, перевод"), English for
 * any language but Russian.
 */
void
minutes_version_label(FILE *f, int fr, const json_t *t)
{
	fputs(gs(t, "lang"), f);
	fputs(", ", f);
	minutes_value(f, minutes_text_frame(fr, gs(t, "lang")), gs(t, "role"));
}
