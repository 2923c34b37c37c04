/*
 * ui_input.c: keys and the line editor.
 *
 * ui_key_read() turns what get_wch() returns into curses-free ui_key
 * values, so that the model never sees a curses constant.  The line
 * editor edits a wchar_t buffer: one element per character, so the
 * cursor never lands inside a multibyte sequence, and widths are
 * measured with wcwidth() by whoever draws it.
 */
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

#include <curses.h>

#include "../crypto/err.h"
#include "ui.h"

/* Inside a bracketed paste (between the PS and PE markers). */
static int in_paste;

/*
 * key_from_code() - translate a curses key code (KEY_CODE_YES) into k.
 * @return 1 if it is a key the UI knows, else 0 (ignored).
 */
static int
key_from_code(ui_key *k, int c)
{
	const char *name;

	switch (c) {
	case KEY_LEFT: k->code = UI_K_LEFT; return 1;
	case KEY_RIGHT: k->code = UI_K_RIGHT; return 1;
	case KEY_UP: k->code = UI_K_UP; return 1;
	case KEY_DOWN: k->code = UI_K_DOWN; return 1;
	case KEY_HOME: case KEY_A1: k->code = UI_K_HOME; return 1;
	case KEY_END: case KEY_C1: k->code = UI_K_END; return 1;
	case KEY_PPAGE: case KEY_A3: k->code = UI_K_PGUP; return 1;
	case KEY_NPAGE: case KEY_C3: k->code = UI_K_PGDN; return 1;
	case KEY_BACKSPACE: k->code = UI_K_BACKSPACE; return 1;
	case KEY_DC: k->code = UI_K_DELETE; return 1;
	case KEY_BTAB: k->code = UI_K_BTAB; return 1;
	case KEY_SLEFT: k->code = UI_K_WORD_LEFT; return 1;
	case KEY_SRIGHT: k->code = UI_K_WORD_RIGHT; return 1;
	case KEY_ENTER: k->code = in_paste ? UI_K_NEWLINE : UI_K_ENTER;
		return 1;
	case KEY_RESIZE: k->code = UI_K_RESIZE; return 1;
	default:
		break;
	}
	if (c >= KEY_F(1) && c <= KEY_F(12)) {
		k->code = UI_K_FN;
		k->ch = (wchar_t)(c - KEY_F(0));
		return 1;
	}
	/* xterm's Ctrl-arrows and Alt-arrows arrive as extended names. */
	if ((name = keyname(c)) != NULL) {
		if (strcmp(name, "kLFT5") == 0 || strcmp(name, "kLFT3") == 0) {
			k->code = UI_K_WORD_LEFT;
			return 1;
		}
		if (strcmp(name, "kRIT5") == 0 || strcmp(name, "kRIT3") == 0) {
			k->code = UI_K_WORD_RIGHT;
			return 1;
		}
	}
	return 0;
}

/*
 * key_from_char() - translate a character (OK from get_wch) into k.
 * Control characters become UI_K_CTRL or their named keys.
 */
static void
key_from_char(ui_key *k, wint_t c)
{
	switch (c) {
	case L'\r':
		k->code = in_paste ? UI_K_NEWLINE : UI_K_ENTER;
		return;
	case L'\n':
		k->code = UI_K_NEWLINE;
		return;
	case L'\t':
		if (in_paste) {
			k->code = UI_K_CHAR;
			k->ch = L' ';
		} else
			k->code = UI_K_TAB;
		return;
	case 0x7f:
	case 0x08:
		k->code = UI_K_BACKSPACE;
		return;
	case 0x1b:
		k->code = UI_K_ESC;
		return;
	default:
		break;
	}
	if (c < 0x20) {
		if (c >= 1 && c <= 26) {
			k->code = UI_K_CTRL;
			k->ch = (wchar_t)(L'a' + c - 1);
		} else
			k->code = UI_K_NONE;
		return;
	}
	k->code = UI_K_CHAR;
	k->ch = (wchar_t)c;
}

/*
 * key_get() - one get_wch() with the current timeout, translated; ESC
 * followed at once by another key is that key with Alt (so ESC CR is
 * Alt-Enter, a newline).  Paste markers switch in_paste and are read
 * past.  @return 1 with a key, 0 on timeout.
 */
static int
key_get(ui_key *k)
{
	wint_t c, c2;
	int r, r2;

	for (;;) {
		memset(k, 0, sizeof(*k));
		r = get_wch(&c);
		if (r == ERR)
			return 0;
		if (r == KEY_CODE_YES) {
			if (c == UI_CODE_PASTE_BEGIN) {
				in_paste = 1;
				continue;
			}
			if (c == UI_CODE_PASTE_END) {
				in_paste = 0;
				continue;
			}
			if (!key_from_code(k, (int)c))
				continue;
			k->paste = in_paste;
			return 1;
		}
		key_from_char(k, c);
		if (k->code == UI_K_NONE)
			continue;
		k->paste = in_paste;
		if (k->code != UI_K_ESC)
			return 1;
		/*
		 * ESC: an Alt prefix if one of the keys bound with Alt is
		 * already waiting; anything else is pushed back, so that Esc
		 * followed at once by ":" is Esc, then ":".
		 */
		timeout(0);
		r2 = get_wch(&c2);
		timeout(250);
		if (r2 == ERR)
			return 1;
		if (r2 == KEY_CODE_YES) {
			if (c2 == KEY_BACKSPACE || c2 == KEY_LEFT ||
			    c2 == KEY_RIGHT) {
				key_from_code(k, (int)c2);
				if (c2 == KEY_LEFT)
					k->code = UI_K_WORD_LEFT;
				else if (c2 == KEY_RIGHT)
					k->code = UI_K_WORD_RIGHT;
				k->alt = 1;
			} else
				(void)ungetch((int)c2);
			return 1;
		}
		switch (c2) {
		case L'\r':
		case L'\n':
			k->code = UI_K_NEWLINE;
			break;
		case L'b':
			k->code = UI_K_WORD_LEFT;
			break;
		case L'f':
			k->code = UI_K_WORD_RIGHT;
			break;
		case L'd':
			k->code = UI_K_CHAR;
			k->ch = L'd';
			break;
		case 0x7f:
		case 0x08:
			k->code = UI_K_BACKSPACE;
			break;
		default:
			(void)unget_wch((wchar_t)c2);
			return 1;
		}
		k->alt = 1;
		return 1;
	}
}

int
ui_key_read(ui_key *k)
{
	return key_get(k);
}

int
ui_key_pending(ui_key *k)
{
	int r;

	timeout(0);
	r = key_get(k);
	timeout(250);
	return r;
}

/* ------------------------------------------------------------------ */

void
ui_line_init(ui_line *l)
{
	memset(l, 0, sizeof(*l));
}

void
ui_line_done(ui_line *l)
{
	if (l->buf != NULL) {
		explicit_bzero(l->buf, l->cap * sizeof(wchar_t));
		free(l->buf);
	}
	memset(l, 0, sizeof(*l));
}

void
ui_line_clear(ui_line *l)
{
	if (l->buf != NULL) {
		explicit_bzero(l->buf, l->cap * sizeof(wchar_t));
		l->buf[0] = L'\0';
	}
	l->len = l->cur = 0;
}

/*
 * line_reserve() - room for n more characters and the NUL.  Grows by
 * doubling into a fresh buffer and wipes the old one, so that a long
 * paste leaves no copies of the draft in freed memory.
 */
static int
line_reserve(ui_line *l, size_t n)
{
	size_t ncap;
	wchar_t *nb;

	if (l->len + n + 1 <= l->cap)
		return 0;
	ncap = l->cap == 0 ? 128 : l->cap;
	while (ncap < l->len + n + 1)
		ncap *= 2;
	if ((nb = calloc(ncap, sizeof(*nb))) == NULL)
		return DT_ENOMEM;
	if (l->buf != NULL) {
		memcpy(nb, l->buf, (l->len + 1) * sizeof(*nb));
		explicit_bzero(l->buf, l->cap * sizeof(wchar_t));
		free(l->buf);
	}
	l->buf = nb;
	l->cap = ncap;
	return 0;
}

int
ui_line_insert(ui_line *l, wchar_t c)
{
	if (line_reserve(l, 1) != 0)
		return DT_ENOMEM;
	memmove(l->buf + l->cur + 1, l->buf + l->cur,
	    (l->len - l->cur + 1) * sizeof(wchar_t));
	l->buf[l->cur++] = c;
	l->len++;
	return 0;
}

/* line_delete() - remove [from, to) and put the cursor at from. */
static void
line_delete(ui_line *l, size_t from, size_t to)
{
	if (from >= to || to > l->len)
		return;
	memmove(l->buf + from, l->buf + to,
	    (l->len - to + 1) * sizeof(wchar_t));
	l->len -= to - from;
	explicit_bzero(l->buf + l->len + 1,
	    (to - from) * sizeof(wchar_t));
	l->cur = from;
}

/* line_bol(), line_eol() - start and end of the cursor's line. */
static size_t
line_bol(const ui_line *l, size_t at)
{
	while (at > 0 && l->buf[at - 1] != L'\n')
		at--;
	return at;
}

static size_t
line_eol(const ui_line *l, size_t at)
{
	while (at < l->len && l->buf[at] != L'\n')
		at++;
	return at;
}

/* word_left(), word_right() - where a word motion from at lands. */
static size_t
word_left(const ui_line *l, size_t at)
{
	while (at > 0 && iswspace((wint_t)l->buf[at - 1]))
		at--;
	while (at > 0 && !iswspace((wint_t)l->buf[at - 1]))
		at--;
	return at;
}

static size_t
word_right(const ui_line *l, size_t at)
{
	while (at < l->len && iswspace((wint_t)l->buf[at]))
		at++;
	while (at < l->len && !iswspace((wint_t)l->buf[at]))
		at++;
	return at;
}

/* line_vertical() - move the cursor one line up (-1) or down (+1),
 * keeping its column in characters.  @return 1 if it moved. */
static int
line_vertical(ui_line *l, int dir)
{
	size_t bol = line_bol(l, l->cur), col = l->cur - bol, nb, ne;

	if (dir < 0) {
		if (bol == 0)
			return 0;
		nb = line_bol(l, bol - 1);
		ne = bol - 1;
	} else {
		ne = line_eol(l, l->cur);
		if (ne >= l->len)
			return 0;
		nb = ne + 1;
		ne = line_eol(l, nb);
	}
	l->cur = nb + col < ne ? nb + col : ne;
	return 1;
}

int
ui_line_key(ui_line *l, const ui_key *k)
{
	switch (k->code) {
	case UI_K_CHAR:
		if (k->alt) {
			if (k->ch == L'd') {
				line_delete(l, l->cur, word_right(l, l->cur));
				return 1;
			}
			return 0;
		}
		(void)ui_line_insert(l, k->ch);
		return 1;
	case UI_K_NEWLINE:
		(void)ui_line_insert(l, L'\n');
		return 1;
	case UI_K_LEFT:
		if (l->cur > 0)
			l->cur--;
		return 1;
	case UI_K_RIGHT:
		if (l->cur < l->len)
			l->cur++;
		return 1;
	case UI_K_WORD_LEFT:
		l->cur = word_left(l, l->cur);
		return 1;
	case UI_K_WORD_RIGHT:
		l->cur = word_right(l, l->cur);
		return 1;
	case UI_K_HOME:
		l->cur = line_bol(l, l->cur);
		return 1;
	case UI_K_END:
		l->cur = line_eol(l, l->cur);
		return 1;
	case UI_K_UP:
		return line_vertical(l, -1);
	case UI_K_DOWN:
		return line_vertical(l, 1);
	case UI_K_BACKSPACE:
		if (k->alt)
			line_delete(l, word_left(l, l->cur), l->cur);
		else if (l->cur > 0)
			line_delete(l, l->cur - 1, l->cur);
		return 1;
	case UI_K_DELETE:
		if (l->cur < l->len)
			line_delete(l, l->cur, l->cur + 1);
		return 1;
	case UI_K_CTRL:
		switch (k->ch) {
		case L'a':
			l->cur = line_bol(l, l->cur);
			return 1;
		case L'e':
			l->cur = line_eol(l, l->cur);
			return 1;
		case L'b':
			if (l->cur > 0)
				l->cur--;
			return 1;
		case L'f':
			if (l->cur < l->len)
				l->cur++;
			return 1;
		case L'd':
			if (l->cur < l->len)
				line_delete(l, l->cur, l->cur + 1);
			return 1;
		case L'k':
			line_delete(l, l->cur, line_eol(l, l->cur) == l->cur &&
			    l->cur < l->len ? l->cur + 1 :
			    line_eol(l, l->cur));
			return 1;
		case L'u':
			line_delete(l, line_bol(l, l->cur) == l->cur &&
			    l->cur > 0 ? l->cur - 1 : line_bol(l, l->cur),
			    l->cur);
			return 1;
		case L'w':
			line_delete(l, word_left(l, l->cur), l->cur);
			return 1;
		default:
			return 0;
		}
	default:
		return 0;
	}
}

char *
ui_line_utf8(const ui_line *l)
{
	mbstate_t st;
	const wchar_t *p;
	size_t n;
	char *s;

	if (l->len == 0 || l->buf == NULL)
		return strdup("");
	memset(&st, 0, sizeof(st));
	p = l->buf;
	if ((n = wcsrtombs(NULL, &p, 0, &st)) == (size_t)-1)
		return NULL;
	if ((s = malloc(n + 1)) == NULL)
		return NULL;
	memset(&st, 0, sizeof(st));
	p = l->buf;
	(void)wcsrtombs(s, &p, n + 1, &st);
	s[n] = '\0';
	return s;
}

int
ui_line_set(ui_line *l, const char *s)
{
	size_t n;
	wchar_t *w;
	int rc = 0;

	ui_line_clear(l);
	if ((w = ui_wtext(s, &n)) == NULL)
		return DT_ENOMEM;
	if ((rc = line_reserve(l, n)) != 0)
		goto out;
	memcpy(l->buf, w, (n + 1) * sizeof(wchar_t));
	l->len = l->cur = n;
out:
	explicit_bzero(w, (n + 1) * sizeof(wchar_t));
	free(w);
	return rc;
}
