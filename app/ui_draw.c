/*
 * ui_draw.c: the screen, drawn from a const model and a const view.
 *
 * Layout (from 80x24 up):
 *
 *   header: dialogue, the meeting's seal, meeting, local time (the date
 *           only from 100 columns when a seal status is shown)
 *   header: me, my party; record status (entries, feeds, head, verified,
 *   evidence against members)
 *   +- Agenda --+- Record -------------------------------------------+
 *   | items     | entries of the selected item (or all), newest last |
 *   +- Commitments ----------------------------------------------------+
 *   | party, owner, due, status, endorsements, text                   |
 *   +------------------------------------------------------------------+
 *   message line (or the keys that apply now)
 *   input line(s)
 *
 * Every width is a display width (wcwidth()): text is converted to wide
 * characters once and cut or wrapped between characters, never inside
 * a double-width one.  Meaning never rests on colour alone: parties also
 * get a tag and a glyph, the cursor is reverse video, overdue is bold
 * reverse with a "!".
 */
#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include <curses.h>

#include "../storage/entry.h"
#include "../storage/view.h"
#include "fmt.h"
#include "i18n.h"
#include "ui.h"

#define INDENT 6 /* text under an entry's header starts here */

/* SEP() - the separator between fields: a middle dot where it shows. */
#define SEP(dc) ((dc)->utf8 ? " · " : " - ")

/* What the whole draw shares. */
struct dc {
	const ui_model *m;
	const view *v;
	int utf8;
	int cols, rows;
};

/* ------------------------------------------------------------------ */
/* Putting text on the screen.                                         */

/*
 * put_w() - draw s[0..n) at (y, x) in at most maxw columns with attr;
 * hl (may be NULL) marks characters drawn as search hits.  Stops before
 * a character that would not fit, so a wide character is never split.
 * @return the columns used.
 */
static int
put_w(int y, int x, int maxw, const wchar_t *s, size_t n, attr_t attr,
    const unsigned char *hl)
{
	wchar_t buf[256];
	size_t i, b = 0;
	int col = 0, cw, cur = -1, h;

	if (maxw <= 0)
		return 0;
	move(y, x);
	for (i = 0; i < n; i++) {
		cw = wcwidth(s[i]);
		if (cw < 0)
			cw = 1;
		if (col + cw > maxw)
			break;
		if (cw == 0 && col == 0)
			continue; /* a combining mark with nothing to sit on */
		h = hl != NULL && hl[i];
		if (h != cur || b + 1 >= sizeof(buf) / sizeof(buf[0])) {
			if (b > 0)
				addnwstr(buf, (int)b);
			b = 0;
			cur = h;
			attrset(h ? (attr_t)ui_crt_attr(UI_S_HIT) : attr);
		}
		buf[b++] = s[i];
		col += cw;
	}
	if (b > 0)
		addnwstr(buf, (int)b);
	attrset(A_NORMAL);
	return col;
}

/* put_s() - draw a UTF-8 string; @return the columns used. */
static int
put_s(int y, int x, int maxw, const char *s, attr_t attr)
{
	size_t n;
	wchar_t *w = ui_wtext(s, &n);
	int used;

	if (w == NULL)
		return 0;
	used = put_w(y, x, maxw, w, n, attr, NULL);
	free(w);
	return used;
}

/*
 * put_cut() - put_s(), but a string too wide for maxw ends in an
 * ellipsis ("..." outside UTF-8) so that the cut shows.
 */
static int
put_cut(int y, int x, int maxw, const char *s, attr_t attr, int utf8)
{
	size_t n;
	wchar_t *w = ui_wtext(s, &n);
	int used, ew = utf8 ? 1 : 3;

	if (w == NULL)
		return 0;
	if (ui_wswidth(w, n) <= maxw || maxw <= ew) {
		used = put_w(y, x, maxw, w, n, attr, NULL);
	} else {
		used = put_w(y, x, maxw - ew, w, n, attr, NULL);
		used += put_w(y, x + used, ew, utf8 ? L"\x2026" : L"...",
		    (size_t)ew, attr, NULL);
	}
	free(w);
	return used;
}

/* width_s() - display width of a UTF-8 string. */
static int
width_s(const char *s)
{
	size_t n;
	wchar_t *w = ui_wtext(s, &n);
	int r;

	if (w == NULL)
		return 0;
	r = ui_wswidth(w, n);
	free(w);
	return r;
}

/* fill() - paint n columns from (y, x) with blanks in attr. */
static void
fill(int y, int x, int n, attr_t attr)
{
	if (n <= 0)
		return;
	attrset(attr);
	mvhline(y, x, ' ', n);
	attrset(A_NORMAL);
}

/* party_glyph() - the glyph of party i, which survives monochrome. */
static const char *
party_glyph(const struct dc *dc, int i)
{
	static const char *const u[] = { "●", "■", "▲", "◆", "★", "◉" };
	static const char *const a[] = { "*", "#", "+", "%", "@", "&" };

	if (i < 0)
		return "?";
	return dc->utf8 ? u[i % 6] : a[i % 6];
}

static attr_t
party_attr(int i)
{
	if (i < 0)
		return A_NORMAL;
	return (attr_t)ui_crt_attr(UI_S_PARTY0 + i % UI_NPARTY_STYLES);
}

/*
 * put_party() - "●[RU]" in the party's style, plus extra (the row's
 * reverse video, say); @return columns.
 */
static int
put_party(const struct dc *dc, int y, int x, int maxw, const char *party,
    attr_t extra)
{
	char buf[64];
	int i = ui_party_index(dc->v, party);

	snprintf(buf, sizeof(buf), "%s[%s]", party_glyph(dc, i),
	    party != NULL && *party != '\0' ? party : "?");
	/* two colour pairs cannot be or-ed: a coloured row keeps its own */
	if (extra & A_COLOR)
		return put_s(y, x, maxw, buf, extra | A_BOLD);
	return put_s(y, x, maxw, buf, party_attr(i) | extra);
}

/* put_marks() - endorsement marks "✓RU ✓US"; @return columns. */
static int
put_marks(const struct dc *dc, int y, int x, int maxw, const view_item *it)
{
	char buf[64];
	size_t i;
	int used = 0;

	for (i = 0; i < it->nendorsed && used < maxw; i++) {
		snprintf(buf, sizeof(buf), " %s%s", dc->utf8 ? "✓" : "+",
		    it->endorsed[i]);
		used += put_s(y, x + used, maxw - used, buf,
		    (attr_t)ui_crt_attr(it->agreed ? UI_S_AGREED : UI_S_OK));
	}
	if (it->agreed && used < maxw)
		used += put_s(y, x + used, maxw - used, _(" agreed"),
		    (attr_t)ui_crt_attr(UI_S_AGREED));
	return used;
}

/* hhmm() - HH:MM (UTC, as the header says once) of a time in ms. */
static void
hhmm(char out[8], uint64_t ms)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 8, "%H:%M", &tm);
}

/* ------------------------------------------------------------------ */
/* Frames.                                                             */

static void
frame_char(int y, int x, chtype c)
{
	attrset((attr_t)ui_crt_attr(UI_S_BORDER));
	mvaddch(y, x, c);
	attrset(A_NORMAL);
}

static void
frame_hline(int y, int x, int n)
{
	attrset((attr_t)ui_crt_attr(UI_S_BORDER));
	mvhline(y, x, ACS_HLINE, n);
	attrset(A_NORMAL);
}

static void
frame_vline(int y, int x, int n)
{
	attrset((attr_t)ui_crt_attr(UI_S_BORDER));
	mvvline(y, x, ACS_VLINE, n);
	attrset(A_NORMAL);
}

/* pane_title() - " Title " on a border line, reverse when focused. */
static void
pane_title(int y, int x, int maxw, const char *title, int focused)
{
	char buf[256];

	snprintf(buf, sizeof(buf), " %s%s ", focused ? "> " : "", title);
	put_s(y, x, maxw, buf, (attr_t)ui_crt_attr(focused ?
	    UI_S_TITLE_FOCUS : UI_S_TITLE));
}

/* ------------------------------------------------------------------ */
/* Header.                                                             */

/*
 * seal_status() - the seal of the meeting the header shows, in words,
 * into buf (empty when there is no meeting).  @return its style.
 */
static int
seal_status(const struct dc *dc, char *buf, size_t len)
{
	const ui_model *m = dc->m;

	buf[0] = '\0';
	switch (m->seal) {
	case UI_SEAL_UNPROPOSED:
		snprintf(buf, len, "%s", _("seal: not proposed"));
		break;
	case UI_SEAL_WAITING:
		snprintf(buf, len, _("seal proposed, waiting for %s"),
		    m->seal_text);
		break;
	case UI_SEAL_JOIN:
		snprintf(buf, len, "%s", _("seal signed apart: :seal cosign "
		    "joins it"));
		break;
	case UI_SEAL_COMPLETE:
		snprintf(buf, len, "%s", _("sealed by all heads"));
		break;
	case UI_SEAL_INVALID:
		/* the reason is the library's English, as FAILED's is */
		snprintf(buf, len, _("seal INVALID: %s"), m->seal_text);
		return UI_S_OVERDUE;
	default:
		break;
	}
	return UI_S_HEADER;
}

/*
 * sides_state() - for a meeting some parties have closed and others not,
 * the closed ones and the open ones as "RU" or "RU, US" (parties are
 * A-Z and 0-9); 0 when every party or none has closed it.
 */
static int
sides_state(const view *v, const view_meeting *vm, char *closed,
    char *open_for, size_t cap)
{
	size_t i, nc = 0, no = 0, lc = 0, lo = 0;

	closed[0] = open_for[0] = '\0';
	for (i = 0; i < view_nparties(v); i++) {
		if (vm->closes[i] != NULL && lc < cap)
			lc += (size_t)snprintf(closed + lc, cap - lc, "%s%s",
			    nc++ ? ", " : "", view_party(v, i));
		else if (vm->closes[i] == NULL && lo < cap)
			lo += (size_t)snprintf(open_for + lo, cap - lo, "%s%s",
			    no++ ? ", " : "", view_party(v, i));
	}
	return nc > 0 && no > 0;
}

/*
 * draw_header() - line 1: the dialogue, the seal, the meeting and the
 * clock; line 2: who I am and how the record stands.  The meeting is
 * the one my side writes in (view_current_meeting_for()), else the one
 * opened last, with its state per side when the sides differ:
 * "meeting 2 (closed by RU, open for US)".
 */
static void
draw_header(const struct dc *dc)
{
	const ui_model *m = dc->m;
	const view_meeting *cur = view_current_meeting(dc->v);
	const view_meeting *last = view_last_meeting(dc->v);
	const view_meeting *mine = m->me_party[0] != '\0' ?
	    view_current_meeting_for(dc->v, m->me_party) : NULL;
	const view_item *head = NULL;
	attr_t ha = (attr_t)ui_crt_attr(UI_S_HEADER);
	char left[512], right[512], when[32], seal[320];
	char closed[64], open_for[64];
	time_t now = time(NULL);
	struct tm tm;
	int rw, sw, tw, x, sst;

	sst = seal_status(dc, seal, sizeof(seal));
	/* every time the UI shows is UTC, as in `log` and the minutes */
	gmtime_r(&now, &tm);
	/* below 100 columns the seal needs the room of the date, and UTC
	 * is written Z, as `detente log` writes it */
	strftime(when, sizeof(when), dc->cols < 100 && seal[0] != '\0' ?
	    "%H:%MZ" : "%Y-%m-%d %H:%M UTC", &tm);
	/*
	 * The dialogue on the left (cut with an ellipsis if it must be);
	 * the meeting's seal after it (cut too, but the dialogue keeps at
	 * least a few columns); the meeting and the clock on the right,
	 * never cut.
	 */
	if (mine != NULL)
		cur = mine;
	if (cur != NULL && sides_state(dc->v, cur, closed, open_for,
	    sizeof(closed)))
		snprintf(right, sizeof(right), _(" meeting %lld (closed by %s, "
		    "open for %s)%s%s "), (long long)cur->number, closed,
		    open_for, SEP(dc), when);
	else if (cur != NULL)
		snprintf(right, sizeof(right), _(" meeting %lld (open)%s%s "),
		    (long long)cur->number, SEP(dc), when);
	else if (last != NULL)
		snprintf(right, sizeof(right), _(" meeting %lld (closed)%s%s "),
		    (long long)last->number, SEP(dc), when);
	else
		snprintf(right, sizeof(right), _(" no meeting yet%s%s "),
		    SEP(dc), when);
	snprintf(left, sizeof(left), " %s", m->title);
	fill(0, 0, dc->cols, ha);
	rw = width_s(right);
	sw = 0;
	if (seal[0] != '\0') {
		size_t sl = strlen(seal);

		snprintf(seal + sl, sizeof(seal) - sl, "%s",
		    dc->utf8 ? " ·" : " -");
		sw = width_s(seal) + 1;
		tw = width_s(left);
		/* the dialogue keeps at least 16 columns, or all it needs */
		if (sw > dc->cols - rw - (tw < 16 ? tw : 16))
			sw = dc->cols - rw - (tw < 16 ? tw : 16);
		if (sw < 0)
			sw = 0;
	}
	put_cut(0, 0, dc->cols - rw - sw, left, ha | A_BOLD, dc->utf8);
	if (sw > 1)
		put_cut(0, dc->cols - rw - sw + 1, sw - 1, seal,
		    sst == UI_S_HEADER ? ha : (attr_t)ui_crt_attr(sst),
		    dc->utf8);
	put_s(0, dc->cols - rw, rw, right, ha);

	/* line 2: who I am, and how the record stands */
	fill(1, 0, dc->cols, ha);
	x = put_s(1, 0, dc->cols, _(" me: "), ha);
	x += put_s(1, x, 30, m->me_name, ha | A_BOLD);
	x += put_s(1, x, 2, " ", ha);
	x += put_party(dc, 1, x, 12, m->me_party, ha);
	x += put_s(1, x, 20, m->me_role == 1 ? _(" head") :
	    m->me_role == 2 ? _(" delegate") : m->me_role == 3 ?
	    _(" observer") : "", ha);
	if (view_nitems(dc->v) > 0)
		head = view_item_at(dc->v, view_nitems(dc->v) - 1);
	{
		char ne[48], nf[48];

		snprintf(ne, sizeof(ne), ngettext("%llu entry", "%llu entries",
		    m->entries), (unsigned long long)m->entries);
		snprintf(nf, sizeof(nf), ngettext("%llu feed", "%llu feeds",
		    m->feeds), (unsigned long long)m->feeds);
		snprintf(right, sizeof(right), _("%s%s%s%shead %.8s%s"), ne,
		    SEP(dc), nf, SEP(dc), head != NULL ? head->hex : "-",
		    SEP(dc));
	}
	if (m->failed) {
		char fail[300];

		snprintf(fail, sizeof(fail), _("FAILED: %s "), m->fail_detail);
		rw = width_s(right) + width_s(fail);
		if (rw > dc->cols - x - 1)
			rw = dc->cols - x - 1;
		x = dc->cols - rw;
		x += put_s(1, x, rw, right, ha);
		put_s(1, x, dc->cols - x, fail,
		    (attr_t)ui_crt_attr(UI_S_OVERDUE));
	} else if (m->faults > 0) {
		char ev[200];

		/* A fork or a member fault is evidence against a member,
		 * not a failure of the record: say what and whose. */
		snprintf(ev, sizeof(ev), _("verified, evidence: %s "),
		    m->evidence);
		/* The evidence is what must show: the counts give way. */
		rw = width_s(right) + width_s(ev);
		if (rw > dc->cols - x - 1)
			rw = dc->cols - x - 1;
		x = dc->cols - rw;
		if (rw > width_s(ev))
			x += put_s(1, x, rw - width_s(ev), right, ha);
		put_s(1, x, dc->cols - x, ev,
		    (attr_t)ui_crt_attr(UI_S_OVERDUE));
	} else {
		strncat(right, view_locked(dc->v) ? _("verified, locked ") :
		    _("verified "), sizeof(right) - strlen(right) - 1);
		rw = width_s(right);
		if (rw > dc->cols - x - 1)
			rw = dc->cols - x - 1;
		put_s(1, dc->cols - rw, rw, right, ha);
	}
}

/* ------------------------------------------------------------------ */
/* Agenda pane.                                                        */

/* agenda_glyph() - the status mark of an agenda item. */
static const char *
agenda_glyph(const struct dc *dc, const view_agenda *a)
{
	const char *s = a->state;

	if (s == NULL)
		return " ";
	if (strcmp(s, "current") == 0)
		return dc->utf8 ? "▶" : ">";
	if (strcmp(s, "discussed") == 0)
		return dc->utf8 ? "✓" : "v";
	if (strcmp(s, "deferred") == 0)
		return dc->utf8 ? "…" : "~";
	if (strcmp(s, "closed") == 0)
		return dc->utf8 ? "×" : "x";
	return " ";
}

/* Rows an agenda line takes: titles wrap to at most two lines. */
#define AG_MAX_LINES 2

struct wrapbuf {
	size_t start[64], len[64];
	size_t n;
};

static void
wrap_collect(void *ctx, size_t start, size_t len)
{
	struct wrapbuf *wb = ctx;

	if (wb->n < 64) {
		wb->start[wb->n] = start;
		wb->len[wb->n] = len;
	}
	wb->n++;
}

static int
agenda_rows(const struct dc *dc, size_t i, int width)
{
	const view_agenda *a = dc->m->ag[i];
	const char *t;
	wchar_t *w;
	size_t n, lines;

	if (a == NULL)
		return 1;
	t = view_text(a->entry, NULL);
	if ((w = ui_wtext(t != NULL ? t : "", &n)) == NULL)
		return 1;
	lines = ui_wrap(w, n, width - 5, NULL, NULL);
	free(w);
	return lines > AG_MAX_LINES ? AG_MAX_LINES : (int)lines;
}

static void
draw_agenda(const struct dc *dc, int y0, int x0, int h, int w, size_t *top_out)
{
	const ui_model *m = dc->m;
	const view_agenda *cur = view_current_agenda(dc->v);
	size_t top = m->ag_top, i, j;
	int y = y0, rows, focused = m->focus == UI_FOCUS_AGENDA, lim;

	if (top > m->ag_sel)
		top = m->ag_sel;
	for (;;) {
		/* does the cursor fit below top? */
		rows = 0;
		for (i = top; i <= m->ag_sel && i < m->nag; i++)
			rows += agenda_rows(dc, i, w);
		if (rows <= h || top >= m->ag_sel)
			break;
		top++;
	}
	*top_out = top;
	for (i = top; i < m->nag && y < y0 + h; i++) {
		const view_agenda *a = m->ag[i];
		int sel = focused && i == m->ag_sel;
		int filt = a == NULL ? !m->has_filter : m->has_filter &&
		    memcmp(a->entry->hash, m->filter, ENTRY_HASH_BYTES) == 0;
		attr_t at = A_NORMAL;
		char num[16];
		const char *t;
		struct wrapbuf wb;
		wchar_t *wt;
		size_t n;

		if (a != NULL && cur != NULL && a == cur)
			at = (attr_t)ui_crt_attr(UI_S_CURRENT);
		if (sel)
			at = (attr_t)ui_crt_attr(UI_S_SELECT);
		if (a == NULL) {
			char all[64];

			fill(y, x0, w, at);
			snprintf(all, sizeof(all), "%s%s", filt ?
			    (dc->utf8 ? "»" : ">") : " ", _("All items"));
			put_s(y, x0, w, all, at | (filt ? A_BOLD : 0));
			y++;
			continue;
		}
		t = view_text(a->entry, NULL);
		if ((wt = ui_wtext(t != NULL ? t : "", &n)) == NULL)
			continue;
		memset(&wb, 0, sizeof(wb));
		ui_wrap(wt, n, w - 5, wrap_collect, &wb);
		lim = wb.n > AG_MAX_LINES ? AG_MAX_LINES : (int)wb.n;
		for (j = 0; j < (size_t)lim && y < y0 + h; j++, y++) {
			fill(y, x0, w, at);
			if (j == 0) {
				snprintf(num, sizeof(num), "%s%2zu",
				    filt ? (dc->utf8 ? "»" : ">") : " ",
				    a->number);
				put_s(y, x0, 3, num, at | (filt ? A_BOLD : 0));
				put_s(y, x0 + 3, 2, agenda_glyph(dc, a), at);
			}
			put_w(y, x0 + 5, w - 5, wt + wb.start[j], wb.len[j],
			    at, NULL);
		}
		free(wt);
	}
	if (m->nag <= 1 && h > 2)
		put_s(y0 + 2, x0 + 1, w - 1, _("(no agenda: type"),
		    (attr_t)ui_crt_attr(UI_S_DIM));
	if (m->nag <= 1 && h > 3)
		put_s(y0 + 3, x0 + 1, w - 1, _(" Topic: ... Enter)"),
		    (attr_t)ui_crt_attr(UI_S_DIM));
}

/* ------------------------------------------------------------------ */
/* Record pane.                                                        */

/* One entry, laid out: header, text lines, corrections. */
struct rec_draw {
	const struct dc *dc;
	int y, ymin, ymax;   /* next row; rows drawn: [ymin, ymax) */
	int x, w;            /* pane */
	int count_only;
	int rows;            /* rows counted */
	const wchar_t *text;
	const unsigned char *hl;
	attr_t attr;
	int indent;
};

static void
rec_text_line(void *ctx, size_t start, size_t len)
{
	struct rec_draw *rd = ctx;

	if (!rd->count_only && rd->y >= rd->ymin && rd->y < rd->ymax)
		put_w(rd->y, rd->x + rd->indent, rd->w - rd->indent,
		    rd->text + start, len, rd->attr,
		    rd->hl != NULL ? rd->hl + start : NULL);
	rd->y++;
	rd->rows++;
}

/* hit_mask() - 1 under every character of w that is part of a hit. */
static unsigned char *
hit_mask(const wchar_t *search, const wchar_t *w, size_t n)
{
	unsigned char *hl;
	size_t sl, j;
	long at = 0;

	if (search == NULL || (sl = wcslen(search)) == 0)
		return NULL;
	if ((hl = calloc(n + 1, 1)) == NULL)
		return NULL;
	while ((at = ui_wmatch(w, n, search, (size_t)at)) >= 0) {
		for (j = 0; j < sl; j++)
			hl[at + (long)j] = 1;
		at += (long)sl;
	}
	return hl;
}

/* rec_text() - wrap and draw (or count) one block of text. */
static void
rec_text(struct rec_draw *rd, const char *text, int indent, attr_t attr)
{
	size_t n;
	wchar_t *w = ui_wtext(text, &n);
	unsigned char *hl;

	if (w == NULL)
		return;
	hl = rd->count_only ? NULL : hit_mask(rd->dc->m->search, w, n);
	rd->text = w;
	rd->hl = hl;
	rd->attr = attr;
	rd->indent = indent;
	ui_wrap(w, n, rd->w - indent, rec_text_line, rd);
	free(hl);
	free(w);
}

/* rec_header() - "HH:MM ●[RU] name · kind · id ✓RU"; one row. */
static void
rec_header(struct rec_draw *rd, const view_item *it, int indent,
    const char *label, attr_t base)
{
	const struct dc *dc = rd->dc;
	const view_commitment *c;
	const view_agenda *a;
	char t[8], buf[128];
	int x = rd->x + indent, w = rd->w - indent, u;

	if (!rd->count_only && rd->y >= rd->ymin && rd->y < rd->ymax) {
		fill(rd->y, rd->x, rd->w, base);
		hhmm(t, it->time_ms);
		u = put_s(rd->y, x, w, label, base | A_BOLD);
		u += put_s(rd->y, x + u, w - u, t, base);
		u += put_s(rd->y, x + u, w - u, " ", base);
		u += put_party(dc, rd->y, x + u, w - u, it->party, base);
		u += put_s(rd->y, x + u, w - u, " ", base);
		u += put_s(rd->y, x + u, w - u, it->author_name[0] ?
		    it->author_name : "?", party_attr(ui_party_index(dc->v,
		    it->party)) | base);
		u += put_s(rd->y, x + u, w - u, SEP(dc), base);
		/* my party's internal note: a label in reverse video, which
		 * reads without colour; the text then says "[RU only]" */
		if (view_item_internal(it))
			u += put_s(rd->y, x + u, w - u, _("internal note"),
			    (attr_t)ui_crt_attr(UI_S_INTERNAL) | base);
		else
			u += put_s(rd->y, x + u, w - u,
			    ui_entry_kind_label(it->kind),
			    (attr_t)ui_crt_attr(UI_S_KIND) | base);
		buf[0] = '\0';
		if ((c = view_commitment_of(dc->v, it)) != NULL)
			snprintf(buf, sizeof(buf), " [%s]", c->state != NULL ?
			    fmt_state(c->state) : _("open"));
		else if ((a = view_agenda_of(dc->v, it)) != NULL &&
		    a->state != NULL)
			snprintf(buf, sizeof(buf), " [%s]",
			    fmt_state(a->state));
		if (buf[0] != '\0')
			u += put_s(rd->y, x + u, w - u, buf, base | A_BOLD);
		snprintf(buf, sizeof(buf), " %.8s", it->hex);
		u += put_s(rd->y, x + u, w - u, buf,
		    (attr_t)ui_crt_attr(UI_S_DIM) | base);
		u += put_marks(dc, rd->y, x + u, w - u, it);
	}
	rd->y++;
	rd->rows++;
}

static int
rec_entry_clip(const struct dc *dc, const view_item *it, int y, int ymin,
    int ymax, int x, int w, int count_only, int selected);

/*
 * rec_sealed() - another party's internal note, which this reader cannot
 * open: one dim row, "HH:MM ●[US] us-head · (internal note of US: only
 * its members can read it) 1a2b3c4d", so that the record shows that an
 * entry is there (the log, verify and the other side's record all say
 * so) and never anything of its text, which the view does not hold.
 */
static void
rec_sealed(struct rec_draw *rd, const view_item *it, attr_t base)
{
	const struct dc *dc = rd->dc;
	attr_t dim = (attr_t)ui_crt_attr(UI_S_DIM) | base;
	char t[8], buf[16], *sum;
	int x = rd->x, w = rd->w, u;

	if (!rd->count_only && rd->y >= rd->ymin && rd->y < rd->ymax) {
		fill(rd->y, rd->x, rd->w, base);
		hhmm(t, it->time_ms);
		u = put_s(rd->y, x, w, t, dim);
		u += put_s(rd->y, x + u, w - u, " ", dim);
		u += put_s(rd->y, x + u, w - u, it->author_name[0] ?
		    it->author_name : "?", dim);
		u += put_s(rd->y, x + u, w - u, SEP(dc), dim);
		/* fmt_summary() says what it is and whose; no text */
		if ((sum = fmt_line(dc->v, it, NULL)) != NULL) {
			u += put_s(rd->y, x + u, w - u, sum, dim);
			free(sum);
		}
		snprintf(buf, sizeof(buf), " %.8s", it->hex);
		(void)put_s(rd->y, x + u, w - u, buf, dim);
	}
	rd->y++;
	rd->rows++;
}

static int
rec_entry(const struct dc *dc, const view_item *it, int y, int ymax, int x,
    int w, int count_only, int selected)
{
	return rec_entry_clip(dc, it, y, y, ymax, x, w, count_only, selected);
}

/*
 * rec_entry_clip() - one entry with its corrections, its first row at y
 * (which may be above the pane: only rows in [ymin, ymax) are drawn);
 * with count_only nothing is drawn.  @return the rows it takes.
 */
static int
rec_entry_clip(const struct dc *dc, const view_item *it, int y, int ymin,
    int ymax, int x, int w, int count_only, int selected)
{
	struct rec_draw rd;
	attr_t base = selected ? (attr_t)ui_crt_attr(UI_S_SELECT) : A_NORMAL;
	const view_item *c;
	char *sum;
	size_t i;

	memset(&rd, 0, sizeof(rd));
	rd.dc = dc;
	rd.y = y;
	rd.ymin = ymin;
	rd.ymax = ymax;
	rd.x = x;
	rd.w = w;
	rd.count_only = count_only;
	if (view_item_internal(it) && it->body != VIEW_BODY_OK) {
		rec_sealed(&rd, it, base);
		return rd.rows;
	}
	rec_header(&rd, it, 0, "", base);
	if ((sum = fmt_line(dc->v, it, NULL)) != NULL) {
		rec_text(&rd, sum, INDENT, view_item_internal(it) ?
		    (attr_t)ui_crt_attr(UI_S_INTERNAL_TEXT) :
		    it->kind == ENTRY_K_DECISION && it->agreed ? A_BOLD :
		    A_NORMAL);
		explicit_bzero(sum, strlen(sum));
		free(sum);
	}
	for (i = 0; i < it->ncorrections; i++) {
		const char *t;

		c = it->corrections[i];
		rec_header(&rd, c, INDENT - 2, dc->utf8 ? "↳ " : "-> ",
		    A_NORMAL);
		t = view_text(c, NULL);
		rec_text(&rd, t != NULL ? t : "", INDENT + 2, A_NORMAL);
	}
	return rd.rows;
}

static void
draw_record(const struct dc *dc, int y0, int x0, int h, int w,
    size_t *top_out)
{
	const ui_model *m = dc->m;
	size_t n = m->nrec, sel, top, i;
	int rows, y, focused = m->focus == UI_FOCUS_RECORD, r;

	*top_out = 0;
	if (n == 0) {
		put_s(y0, x0 + 1, w - 1, _("(no entries yet: type a note and "
		    "press Enter)"), (attr_t)ui_crt_attr(UI_S_DIM));
		return;
	}
	sel = m->follow ? n - 1 : (m->rec_sel < n ? m->rec_sel : n - 1);
	if (m->follow) {
		/* newest at the bottom: walk back until the pane is full */
		top = n - 1;
		rows = rec_entry(dc, m->rec[top], 0, 0, x0, w, 1, 0);
		while (top > 0) {
			r = rec_entry(dc, m->rec[top - 1], 0, 0, x0, w, 1, 0);
			if (rows + r > h)
				break;
			rows += r;
			top--;
		}
	} else {
		top = m->rec_top < n ? m->rec_top : 0;
		if (top > sel)
			top = sel;
		rows = 0;
		for (i = top; i <= sel; i++)
			rows += rec_entry(dc, m->rec[i], 0, 0, x0, w, 1, 0);
		if (rows > h) {
			/* bring the cursor in at the bottom */
			top = sel;
			rows = rec_entry(dc, m->rec[top], 0, 0, x0, w, 1, 0);
			while (top > 0) {
				r = rec_entry(dc, m->rec[top - 1], 0, 0, x0, w,
				    1, 0);
				if (rows + r > h)
					break;
				rows += r;
				top--;
			}
		}
	}
	if (!m->follow) {
		/* no blank rows under the last entry while older ones wait */
		rows = 0;
		for (i = top; i < n && rows <= h; i++)
			rows += rec_entry(dc, m->rec[i], 0, 0, x0, w, 1, 0);
		while (rows < h && top > 0) {
			r = rec_entry(dc, m->rec[top - 1], 0, 0, x0, w, 1, 0);
			if (rows + r > h)
				break;
			rows += r;
			top--;
		}
	}
	*top_out = top;
	y = y0;
	if (rows < h && top > 0 && (m->follow || rows + 1 < h)) {
		/* the rows left over show the end of the entry before */
		r = rec_entry(dc, m->rec[top - 1], 0, 0, x0, w, 1, 0);
		y = y0 + (h - rows);
		(void)rec_entry_clip(dc, m->rec[top - 1], y - r, y0, y, x0, w,
		    0, focused && top - 1 == sel);
	}
	for (i = top; i < n && y < y0 + h; i++)
		y += rec_entry(dc, m->rec[i], y, y0 + h, x0, w, 0,
		    focused && i == sel);
}

/* ------------------------------------------------------------------ */
/* Commitments pane.                                                   */

static void
draw_commitments(const struct dc *dc, int y0, int x0, int h, int w,
    size_t *top_out)
{
	const ui_model *m = dc->m;
	size_t top = m->cm_top, i;
	char today[11], buf[128];
	int y, focused = m->focus == UI_FOCUS_COMMIT;

	ui_today(today);
	if (top > m->cm_sel)
		top = m->cm_sel;
	if (h > 0 && m->cm_sel >= top + (size_t)h)
		top = m->cm_sel - (size_t)h + 1;
	*top_out = top;
	if (m->ncm == 0) {
		put_s(y0, x0 + 1, w - 1, _("(none; add one with ACTION: "
		    "[PARTY] OWNER YYYY-MM-DD text)"),
		    (attr_t)ui_crt_attr(UI_S_DIM));
		return;
	}
	for (i = top, y = y0; i < m->ncm && y < y0 + h; i++, y++) {
		const view_commitment *c = m->cm[i];
		int over = ui_commitment_overdue(c, today), u = 0;
		attr_t at = A_NORMAL;
		const char *t;

		if (over)
			at = (attr_t)ui_crt_attr(UI_S_OVERDUE);
		if (focused && i == m->cm_sel)
			at = (attr_t)ui_crt_attr(UI_S_SELECT) |
			    (over ? A_BOLD : 0);
		fill(y, x0, w, at);
		u += put_s(y, x0 + u, w - u, over ? "!" : " ", at);
		u += put_party(dc, y, x0 + u, w - u, c->party,
		    at & (A_REVERSE | A_UNDERLINE));
		/* columns by display width: an owner may be 王伟 */
		put_s(y, x0 + u + 1, 12 < w - u - 1 ? 12 : w - u - 1,
		    c->owner ? c->owner : "-", at);
		u += 13;
		snprintf(buf, sizeof(buf), " %s%s", c->due == NULL ? "" :
		    over ? _("OVERDUE ") : _("due "), c->due ? c->due :
		    _("no date"));
		u += put_s(y, x0 + u, w - u, buf, at);
		put_s(y, x0 + u + 1, 11 < w - u - 1 ? 11 : w - u - 1,
		    c->state != NULL ? fmt_state(c->state) : _("open"),
		    at | A_BOLD);
		u += 12;
		u += put_marks(dc, y, x0 + u, w - u, c->entry);
		u += put_s(y, x0 + u, w - u, "  ", at);
		t = view_text(c->entry, NULL);
		put_cut(y, x0 + u, w - u, t != NULL ? t : "", at, dc->utf8);
	}
}

/* ------------------------------------------------------------------ */
/* Input line and message line.                                        */

/* The input's layout: where each visual row starts, where the cursor is. */
struct in_layout {
	size_t row_start[1024];
	size_t nrows;
	size_t cur_row;
	int cur_col;
	int promptw;
};

/* input_layout() - wrap the input by display width after the prompt. */
static void
input_layout(struct in_layout *L, const ui_line *l, int cols, int promptw)
{
	size_t i;
	int col = promptw, cw;

	L->nrows = 1;
	L->row_start[0] = 0;
	L->cur_row = 0;
	L->cur_col = promptw;
	L->promptw = promptw;
	for (i = 0; i <= l->len; i++) {
		if (i == l->cur) {
			if (col >= cols) {
				/* the cursor sits past the edge: next row */
				if (L->nrows < 1024)
					L->row_start[L->nrows++] = i;
				col = promptw;
			}
			L->cur_row = L->nrows - 1;
			L->cur_col = col;
		}
		if (i == l->len)
			break;
		if (l->buf[i] == L'\n') {
			if (L->nrows < 1024)
				L->row_start[L->nrows++] = i + 1;
			col = promptw;
			continue;
		}
		cw = wcwidth(l->buf[i]);
		if (cw < 0)
			cw = 1;
		if (col + cw > cols) {
			if (L->nrows < 1024)
				L->row_start[L->nrows++] = i;
			col = promptw;
		}
		col += cw;
	}
}

/* prompt_text() - what stands before the input. */
static void
prompt_text(const ui_model *m, char *buf, size_t len)
{
	size_t skip;
	int k;

	if (m->prompt == UI_PROMPT_SEARCH) {
		snprintf(buf, len, "/");
		return;
	}
	if (m->prompt == UI_PROMPT_COMMAND) {
		snprintf(buf, len, ":");
		return;
	}
	k = ui_prefix_kind(m->line.buf != NULL ? m->line.buf : L"",
	    m->line.len, &skip);
	if (k < 0)
		k = m->kind;
	if (ui_entry_internal(m)) {
		char tag[48];

		/* before Enter, never after: what it writes is plain */
		snprintf(tag, sizeof(tag), _("[%s only]"),
		    m->me_party[0] != '\0' ? m->me_party : "?");
		snprintf(buf, len, "%s %s> ", tag, ui_kind_name(k));
		return;
	}
	snprintf(buf, len, "%s> ", ui_kind_name(k));
}

/* commit_typing() - a commitment is being typed on the entry line. */
static int
commit_typing(const ui_model *m)
{
	size_t skip;
	int k;

	if (m->prompt != UI_PROMPT_ENTRY || m->focus != UI_FOCUS_INPUT ||
	    m->line.len == 0 || m->confirm_quit || m->confirm_run ||
	    ui_entry_internal(m))
		return 0;
	k = ui_prefix_kind(m->line.buf, m->line.len, &skip);
	return (k < 0 ? m->kind : k) == UI_KIND_COMMITMENT;
}

/*
 * internal_conflict() - the entry line would be internal (F8 or the
 * prefix) and of another kind than a note, which Enter refuses: the
 * message line says so before Enter, over any older message.
 */
static int
internal_conflict(const ui_model *m)
{
	size_t skip;
	int k;

	if (m->prompt != UI_PROMPT_ENTRY || m->focus != UI_FOCUS_INPUT ||
	    m->confirm_quit || m->confirm_run || !ui_entry_internal(m))
		return 0;
	k = ui_prefix_kind(m->line.buf != NULL ? m->line.buf : L"",
	    m->line.len, &skip);
	return (k < 0 ? m->kind : k) != UI_KIND_NOTE;
}

/* hint() - the keys that apply now, when there is no message. */
static const char *
hint(const ui_model *m)
{
	static char preview[512];
	size_t skip;
	int k;

	if (m->prompt == UI_PROMPT_SEARCH)
		return _("search: type words, Enter to find, Esc to cancel");
	if (m->prompt == UI_PROMPT_COMMAND)
		return _("command: endorse ID, mark ID STATE, meeting close, "
		    "log, q ... Enter runs, Esc cancels");
	if (m->focus == UI_FOCUS_AGENDA)
		return _("agenda: j/k move, Enter show item, c current, a all, "
		    "m mark, Esc back");
	if (m->focus == UI_FOCUS_RECORD)
		return _("record: j/k move, Enter show, e endorse, C correct, "
		    "n/N next hit, Esc back");
	if (m->focus == UI_FOCUS_COMMIT)
		return _("commitments: j/k move, f filter, e endorse, m mark, "
		    "Enter show, Esc back");
	k = ui_prefix_kind(m->line.buf != NULL ? m->line.buf : L"",
	    m->line.len, &skip);
	if (k < 0)
		k = m->kind;
	if (ui_entry_internal(m)) {
		if (k != UI_KIND_NOTE)
			return _("an internal entry can only be a note: remove "
			    "the prefix, or F8 for both sides");
		snprintf(preview, sizeof(preview), _("internal note: only %s "
		    "can read it; Enter adds it, F8 or Esc: for both sides"),
		    m->me_party[0] != '\0' ? m->me_party : "?");
		return preview;
	}
	if (k == UI_KIND_COMMITMENT)
		return ui_commit_preview(m, preview, sizeof(preview));
	if (m->line.len == 0)
		return _("? help, Enter adds a note, Topic: ACTION: "
		    "DECISION: pick the kind, / search, : command, Tab panes");
	return _("Enter adds it; Alt-Enter or Ctrl-J: new line; "
	    "Ctrl-W/Ctrl-U delete word/line");
}

/* ------------------------------------------------------------------ */
/* Overlays.                                                           */

static const char *const help_lines[] = {
	N_("Typing always goes to the input line; Enter adds the entry."),
	N_("The kind: a prefix at the start, or a key (the prefix wins)."),
	"",
	N_("  NOTE:                 note (the default)        F2"),
	N_("  Topic: / AGENDA:      agenda item               F3"),
	N_("  STATEMENT:            statement of my party     F4"),
	N_("  PROPOSAL:             proposal                  F5"),
	N_("  DECISION: / RESOLUTION:  decision               F6"),
	N_("  ACTION: [PARTY] [\"OWNER\"] [DUE] text [by DUE]  commitment  F7"),
	N_("        DUE: YYYY-MM-DD, DD.MM.YYYY, +N days, +Nw, +Nm, or"),
	N_("        by Friday / до пятницы at the end; all optional."),
	N_("        OWNER in \"\", «» or “”.  PARTY defaults to mine."),
	N_("        The message line shows what Enter will record."),
	N_("  A new Topic: becomes the current item.  Ctrl-T cycles the kind."),
	N_("  (Russian: ЗАМЕТКА: ТЕМА: ЗАЯВЛЕНИЕ: ПРЕДЛОЖЕНИЕ:"),
	N_("   РЕШЕНИЕ: ПОРУЧЕНИЕ:)"),
	"",
	N_("Editing"),
	N_("  Left/Right, Ctrl-B/F  move          Home/End, Ctrl-A/E  line"),
	N_("  Alt-B/F, Ctrl-arrows  word          Up/Down   lines of an entry,"),
	N_("                        then earlier input (memory only)"),
	N_("  Backspace, Delete, Ctrl-D           delete a character"),
	N_("  Ctrl-W, Alt-Backspace  delete word  Alt-D  delete next word"),
	N_("  Ctrl-U  delete to line start        Ctrl-K  delete to line end"),
	N_("  Alt-Enter or Ctrl-J   new line in the entry (pastes keep theirs)"),
	N_("  Esc                   back to a note; clear the message"),
	N_("  PgUp/PgDn             scroll the record (older entries load"),
	N_("                        as you reach them)"),
	"",
	N_("On an empty input line"),
	N_("  /      search the record (n/N: next/previous match)"),
	N_("  :      command: any command of `detente help`, e.g."),
	N_("         :endorse ID  :mark ID current  :meeting close  :log"),
	N_("         :attend --present NAME --absent NAME   (your party)"),
	N_("         :q quit (asks if text is unsent)  :q! quit at once"),
	N_("  ?, F1  this help         Ctrl-D  quit"),
	N_("  :endorse and :meeting close ask y/n first."),
	N_("  A window closes with q, Esc or Enter; any other key closes it"),
	N_("  and acts (: and / open their prompt, a letter is typed)."),
	"",
	N_("Panes"),
	N_("  Tab / Shift-Tab        input, agenda, record, commitments"),
	N_("  j/k, Up/Down           move    g/G, Home/End  first/last"),
	N_("  PgUp/PgDn, Ctrl-B/F    page    Esc  back to the input line"),
	N_("  Agenda: Enter  show only this item (new entries attach to it)"),
	N_("          a  all items   c  mark current   m  :mark ID ..."),
	N_("  Record: Enter  show the entry   e  endorse (asks y/n)"),
	N_("          C  :correct ID \"TEXT\" with the text, to edit"),
	N_("          n/N  next/previous search match; N past the oldest"),
	N_("               loaded searches further back"),
	N_("  Commitments: f  filter (open, mine, each party, all)"),
	N_("          e  endorse   m  :mark ID ...   Enter  show"),
	N_("  Any other letter goes back to the input line and is typed."),
	"",
	N_("Anywhere"),
	N_("  Ctrl-L  redraw   Ctrl-Z  suspend   Ctrl-C  quit (asks if text"),
	N_("          is unsent)"),
	N_("  Times are UTC, as in `detente log` and the minutes.  Below"),
	N_("  80x24 keys are ignored: nothing is typed where it cannot show."),
	"",
	N_("Internal notes (only my party can read them)"),
	N_("  INTERNAL: / ВНУТР:, F8  the next note is internal; the prompt"),
	N_("                        says [RU only] before Enter.  F8 again,"),
	N_("                        Esc or a kind's key: for both sides."),
	N_("  Only notes can be internal.  A delegate writes one once the"),
	N_("  head of the party has written the first.  The record shows"),
	N_("  another party's internal notes as one dim line, no text."),
	"",
	N_("Drafts are kept in memory only, never on disk: text not yet"),
	N_("added is lost if the terminal dies.  Added entries are on disk"),
	N_("(one durable transaction) before the input line clears."),
	NULL
};

/* overlay_lines() - the overlay's text as one malloc'd UTF-8 string. */
static char *
overlay_lines(const ui_model *m)
{
	size_t i, len = 0;
	char *s;

	if (m->overlay == UI_OVERLAY_TEXT)
		return strdup(m->overlay_text != NULL ? m->overlay_text : "");
	for (i = 0; help_lines[i] != NULL; i++)
		len += strlen(_(help_lines[i])) + 1;
	if ((s = malloc(len + 1)) == NULL)
		return NULL;
	s[0] = '\0';
	for (i = 0; help_lines[i] != NULL; i++) {
		strcat(s, help_lines[i][0] ? _(help_lines[i]) : "");
		strcat(s, "\n");
	}
	return s;
}

struct ov_draw {
	int y, y0, y1, x, w;
	size_t line, top;
	const wchar_t *text;
};

static void
ov_line(void *ctx, size_t start, size_t len)
{
	struct ov_draw *o = ctx;

	if (o->line >= o->top && o->y < o->y1) {
		put_w(o->y, o->x, o->w, o->text + start, len, A_NORMAL, NULL);
		o->y++;
	}
	o->line++;
}

static void
draw_overlay(const struct dc *dc)
{
	const ui_model *m = dc->m;
	char *text = overlay_lines(m), foot[128];
	struct ov_draw o;
	wchar_t *w;
	size_t n, total;
	int bw, bh, by, bx, i;

	if (text == NULL)
		return;
	w = ui_wtext(text, &n);
	explicit_bzero(text, strlen(text));
	free(text);
	if (w == NULL)
		return;
	/* trailing newlines make no lines of their own */
	while (n > 0 && w[n - 1] == L'\n')
		n--;
	/* as wide as the longest line, within the screen */
	{
		size_t a = 0, b;
		int lw = 0, x;

		for (b = 0; b <= n; b++)
			if (b == n || w[b] == L'\n') {
				if ((x = ui_wswidth(w + a, b - a)) > lw)
					lw = x;
				a = b + 1;
			}
		bw = lw + 4 > 78 ? lw + 4 : 78;
		if (bw > dc->cols - 4)
			bw = dc->cols - 4;
	}
	total = ui_wrap(w, n, bw - 4, NULL, NULL);
	bh = (int)total + 2 < dc->rows - 2 ? (int)total + 2 : dc->rows - 2;
	by = (dc->rows - bh) / 2;
	bx = (dc->cols - bw) / 2;
	for (i = 0; i < bh; i++)
		fill(by + i, bx, bw, A_NORMAL);
	frame_char(by, bx, ACS_ULCORNER);
	frame_hline(by, bx + 1, bw - 2);
	frame_char(by, bx + bw - 1, ACS_URCORNER);
	frame_vline(by + 1, bx, bh - 2);
	frame_vline(by + 1, bx + bw - 1, bh - 2);
	frame_char(by + bh - 1, bx, ACS_LLCORNER);
	frame_hline(by + bh - 1, bx + 1, bw - 2);
	frame_char(by + bh - 1, bx + bw - 1, ACS_LRCORNER);
	pane_title(by, bx + 2, bw - 4, m->overlay == UI_OVERLAY_HELP ?
	    _("Keys") : (m->overlay_title ? m->overlay_title : ""), 1);
	memset(&o, 0, sizeof(o));
	o.y = by + 1;
	o.y1 = by + bh - 1;
	o.x = bx + 2;
	o.w = bw - 4;
	o.text = w;
	o.top = m->overlay_top;
	if (total > (size_t)(bh - 2) && o.top > total - (size_t)(bh - 2))
		o.top = total - (size_t)(bh - 2);
	if (total <= (size_t)(bh - 2))
		o.top = 0;
	ui_wrap(w, n, bw - 4, ov_line, &o);
	snprintf(foot, sizeof(foot), total > (size_t)(bh - 2) ?
	    _(" j/k, PgUp/PgDn scroll; any other key closes ") :
	    _(" any key closes "));
	put_s(by + bh - 1, bx + 2, bw - 4, foot,
	    (attr_t)ui_crt_attr(UI_S_DIM));
	free(w);
}

/* ------------------------------------------------------------------ */

void
ui_draw(const ui_model *m, const view *v, ui_drawn *d)
{
	struct dc dc;
	struct in_layout *L;
	char prompt[64], title[256];
	const char *cf;
	int ih, maxih, aw, cr, ar, yb, yc, ym, pw, i, x, hh;
	size_t r;

	memset(d, 0, sizeof(*d));
	memset(&dc, 0, sizeof(dc));
	dc.m = m;
	dc.v = v;
	dc.utf8 = m->utf8;
	getmaxyx(stdscr, dc.rows, dc.cols);
	/* a third header line while `:sync` runs or after it ended */
	hh = m->sync_line[0] != '\0' ? 3 : 2;
	erase();
	if (dc.cols < UI_MIN_COLS || dc.rows < UI_MIN_ROWS) {
		char msg[200];

		snprintf(msg, sizeof(msg), _("terminal too small: %dx%d, "
		    "detente needs %dx%d; keys are ignored until it grows"),
		    dc.cols, dc.rows, UI_MIN_COLS, UI_MIN_ROWS);
		d->too_small = 1;
		curs_set(0);
		put_s(0, 0, dc.cols, msg, A_BOLD);
		refresh();
		return;
	}
	if ((L = calloc(1, sizeof(*L))) == NULL)
		return;

	/* the input first: its height decides the rest */
	prompt_text(m, prompt, sizeof(prompt));
	pw = width_s(prompt);
	input_layout(L, &m->line, dc.cols, pw);
	maxih = dc.rows / 4 < 8 ? dc.rows / 4 : 8;
	ih = (int)L->nrows < maxih ? (int)L->nrows : maxih;
	if (ih < 1)
		ih = 1;

	/* rows: 2 header (3 with :sync), frame top, agenda/record, frame mid,
	 * commitments, frame bottom, message, input */
	/* commitments: as many rows as there are, within a quarter */
	i = (dc.rows - 4 - hh - ih) / 4;
	if (i > 10)
		i = 10;
	cr = m->ncm < 2 ? 2 : m->ncm > (size_t)i ? i : (int)m->ncm;
	if (cr < 2)
		cr = 2;
	ar = dc.rows - 4 - hh - ih - cr;
	aw = dc.cols / 4;
	if (aw < 22)
		aw = 22;
	if (aw > 40)
		aw = 40;
	yb = hh + 1 + ar;      /* the middle frame line */
	yc = yb + 1 + cr; /* the bottom frame line */
	ym = yc + 1;      /* the message line */

	draw_header(&dc);
	if (hh == 3) {
		fill(2, 0, dc.cols, (attr_t)ui_crt_attr(UI_S_HEADER));
		put_cut(2, 0, dc.cols, m->sync_line,
		    (attr_t)ui_crt_attr(UI_S_HEADER), dc.utf8);
	}

	/* frames */
	frame_char(hh, 0, ACS_ULCORNER);
	frame_hline(hh, 1, dc.cols - 2);
	frame_char(hh, aw + 1, ACS_TTEE);
	frame_char(hh, dc.cols - 1, ACS_URCORNER);
	frame_vline(hh + 1, 0, ar);
	frame_vline(hh + 1, aw + 1, ar);
	frame_vline(hh + 1, dc.cols - 1, ar);
	frame_char(yb, 0, ACS_LTEE);
	frame_hline(yb, 1, dc.cols - 2);
	frame_char(yb, aw + 1, ACS_BTEE);
	frame_char(yb, dc.cols - 1, ACS_RTEE);
	frame_vline(yb + 1, 0, cr);
	frame_vline(yb + 1, dc.cols - 1, cr);
	frame_char(yc, 0, ACS_LLCORNER);
	frame_hline(yc, 1, dc.cols - 2);
	frame_char(yc, dc.cols - 1, ACS_LRCORNER);

	pane_title(hh, 2, aw - 2, _("Agenda"), m->focus == UI_FOCUS_AGENDA);
	if (m->has_filter) {
		const view_item *f = view_find(v, m->filter);
		const view_agenda *a = f != NULL ? view_agenda_of(v, f) : NULL;

		if (view_has_older(v))
			snprintf(title, sizeof(title),
			    _("Record: item %zu (last %zu, Up for more)"),
			    a != NULL ? a->number : 0, m->nrec);
		else
			snprintf(title, sizeof(title),
			    _("Record: item %zu (%zu)"),
			    a != NULL ? a->number : 0, m->nrec);
	} else if (view_has_older(v))
		/* a window of the record: older entries load on the way up */
		snprintf(title, sizeof(title),
		    _("Record: all (last %zu, Up for more)"), m->nrec);
	else
		snprintf(title, sizeof(title), _("Record: all (%zu)"),
		    m->nrec);
	if (m->search != NULL) {
		char *s = NULL;
		ui_line tmp;

		tmp.buf = m->search;
		tmp.len = tmp.cap = tmp.cur = wcslen(m->search);
		if ((s = ui_line_utf8(&tmp)) != NULL) {
			size_t tl = strlen(title);

			snprintf(title + tl, sizeof(title) - tl,
			    ngettext(" /%s: %zu match", " /%s: %zu matches",
			    m->nhits), s, m->nhits);
			free(s);
		}
	}
	pane_title(hh, aw + 3, dc.cols - aw - 6, title,
	    m->focus == UI_FOCUS_RECORD);
	switch (m->cfilter) {
	case UI_CF_OPEN:
		cf = _("open");
		break;
	case UI_CF_MINE:
		cf = _("mine");
		break;
	case UI_CF_PARTY:
		cf = m->cfilter_party < view_nparties(v) ?
		    view_party(v, m->cfilter_party) : "?";
		break;
	default:
		cf = _("all");
		break;
	}
	if (view_commitments_older(v))
		/* a window of them: older ones load on the way up */
		snprintf(title, sizeof(title), _("Commitments: %s (last %zu, "
		    "Up for more) [f]"), cf, m->ncm);
	else
		snprintf(title, sizeof(title), _("Commitments: %s (%zu) [f]"),
		    cf, m->ncm);
	pane_title(yb, 2, dc.cols - 6, title, m->focus == UI_FOCUS_COMMIT);

	draw_agenda(&dc, hh + 1, 1, ar, aw, &d->ag_top);
	draw_record(&dc, hh + 1, aw + 2, ar, dc.cols - aw - 3, &d->rec_top);
	d->rec_rows = (size_t)ar;
	draw_commitments(&dc, yb + 1, 1, cr, dc.cols - 2, &d->cm_top);
	d->cm_rows = (size_t)cr;

	/* message line; a commitment being typed shows what Enter records */
	if (commit_typing(m)) {
		char pv[512];

		put_s(ym, 0, dc.cols, ui_commit_preview(m, pv, sizeof(pv)),
		    (attr_t)ui_crt_attr(UI_S_PROMPT));
	} else if (internal_conflict(m))
		put_s(ym, 0, dc.cols, hint(m), (attr_t)ui_crt_attr(
		    UI_S_ERROR));
	else if (m->msg != NULL)
		put_s(ym, 0, dc.cols, m->msg, (attr_t)ui_crt_attr(
		    m->confirm_quit || m->confirm_run ? UI_S_PROMPT :
		    m->msg_error ? UI_S_ERROR : UI_S_NORMAL));
	else
		put_s(ym, 0, dc.cols, hint(m), (attr_t)ui_crt_attr(UI_S_DIM));

	/* input: the rows around the cursor */
	r = 0;
	if (L->cur_row >= (size_t)ih)
		r = L->cur_row - (size_t)ih + 1;
	for (i = 0; i < ih && r + (size_t)i < L->nrows; i++) {
		size_t s = L->row_start[r + (size_t)i];
		size_t e = r + (size_t)i + 1 < L->nrows ?
		    L->row_start[r + (size_t)i + 1] : m->line.len;

		if (e > s && m->line.buf[e - 1] == L'\n')
			e--;
		if (r + (size_t)i == 0)
			put_s(ym + 1 + i, 0, pw, prompt, (attr_t)ui_crt_attr(
			    ui_entry_internal(m) ? UI_S_INTERNAL :
			    UI_S_PROMPT));
		else
			put_s(ym + 1 + i, 0, pw, dc.utf8 ? "…" : ".",
			    (attr_t)ui_crt_attr(UI_S_DIM));
		if (e > s) /* an empty line may have no buffer at all */
			put_w(ym + 1 + i, pw, dc.cols - pw, m->line.buf + s,
			    e - s, A_NORMAL, NULL);
	}

	if (m->overlay != UI_OVERLAY_NONE)
		draw_overlay(&dc);

	if (m->focus == UI_FOCUS_INPUT && m->overlay == UI_OVERLAY_NONE &&
	    !m->confirm_quit) {
		x = L->cur_col < dc.cols ? L->cur_col : dc.cols - 1;
		curs_set(1);
		move(ym + 1 + (int)(L->cur_row - r), x);
	} else
		curs_set(0);
	free(L);
	refresh();
}
