/*
 * ui_crt.c: the one file that sets up and restores the terminal.
 *
 * As in htop's CRT.c, everything that changes the terminal's state lives
 * here: curses start and end, raw input, ESCDELAY, colours (honouring
 * NO_COLOR), bracketed paste, signals and suspend.  Every way out --
 * ui_crt_done(), exit() (an atexit() hook), SIGTERM, SIGINT, SIGHUP and
 * ui_crt_fatal() -- puts the terminal back before the process goes on or
 * dies.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curses.h>
#include <term.h>

#include "cli.h"
#include "i18n.h"
#include "ui.h"

static int crt_active;        /* curses is running */
static int crt_atexit_set;
static int crt_colors;
static SCREEN *crt_screen;
static FILE *crt_in, *crt_out; /* curses' own descriptors */
static const char *crt_paste_on, *crt_paste_off;
static attr_t crt_attrs[UI_S_COUNT_];
static struct sigaction crt_old_term, crt_old_int, crt_old_hup;
static int crt_saved_fd[3] = { -1, -1, -1 };

/*
 * crt_write() - send a control string straight to the terminal's
 * descriptor: write(2) is safe in a signal handler, and it does not
 * wait for curses to flush its own buffer.
 */
static void
crt_write(const char *s)
{
	size_t n = strlen(s);
	ssize_t w;

	if (crt_out == NULL)
		return;
	while (n > 0) {
		w = write(fileno(crt_out), s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

/*
 * crt_restore() - leave curses and switch bracketed paste off.  Safe to
 * call more than once and from a signal handler of a dying process
 * (endwin() is not async-signal-safe, but htop and tmux take the same
 * risk: the alternative is a terminal left raw and silent).
 */
static void
crt_restore(void)
{
	if (!crt_active)
		return;
	crt_active = 0;
	if (crt_paste_off != NULL)
		crt_write(crt_paste_off);
	curs_set(1);
	endwin();
	if (crt_out != NULL)
		fflush(crt_out);
}

/* crt_on_signal() - restore the terminal, then die of the signal. */
static void
crt_on_signal(int sig)
{
	crt_restore();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* crt_atexit() - the exit() path: whatever ran exit(), restore first. */
static void
crt_atexit(void)
{
	crt_restore();
}

/*
 * crt_styles() - fill crt_attrs[] for every style: colour pairs when
 * colours are on, and in every case an attribute (bold, reverse,
 * underline) that carries the meaning on a monochrome terminal.
 */
static void
crt_styles(void)
{
	static const short party_fg[UI_NPARTY_STYLES] = {
		COLOR_RED, COLOR_CYAN, COLOR_GREEN, COLOR_MAGENTA,
		COLOR_YELLOW, COLOR_BLUE
	};
	short pair = 1;
	int i;

	memset(crt_attrs, 0, sizeof(crt_attrs));
	crt_attrs[UI_S_HEADER] = A_REVERSE;
	crt_attrs[UI_S_TITLE] = A_BOLD;
	crt_attrs[UI_S_TITLE_FOCUS] = A_BOLD | A_REVERSE;
	crt_attrs[UI_S_SELECT] = A_REVERSE;
	crt_attrs[UI_S_SELECT_DIM] = A_UNDERLINE;
	crt_attrs[UI_S_CURRENT] = A_BOLD;
	crt_attrs[UI_S_KIND] = A_BOLD;
	crt_attrs[UI_S_DIM] = A_DIM;
	crt_attrs[UI_S_HIT] = A_REVERSE | A_UNDERLINE;
	crt_attrs[UI_S_OVERDUE] = A_BOLD | A_REVERSE;
	crt_attrs[UI_S_ERROR] = A_BOLD;
	crt_attrs[UI_S_PROMPT] = A_BOLD;
	crt_attrs[UI_S_AGREED] = A_BOLD;
	/* reverse video: an internal note's label and prompt read as such
	 * on a monochrome terminal too */
	crt_attrs[UI_S_INTERNAL] = A_BOLD | A_REVERSE;
	crt_attrs[UI_S_INTERNAL_TEXT] = A_NORMAL;
	for (i = 0; i < UI_NPARTY_STYLES; i++)
		crt_attrs[UI_S_PARTY0 + i] = A_BOLD;
	if (!crt_colors)
		return;

#define PAIR(style, fg, bg, extra)                                       \
	do {                                                             \
		init_pair(pair, (fg), (bg));                             \
		crt_attrs[(style)] = COLOR_PAIR(pair) | (extra);         \
		pair++;                                                  \
	} while (0)
	PAIR(UI_S_HEADER, COLOR_WHITE, COLOR_BLUE, A_BOLD);
	PAIR(UI_S_TITLE_FOCUS, COLOR_BLACK, COLOR_CYAN, A_BOLD);
	PAIR(UI_S_BORDER, COLOR_BLUE, -1, 0);
	PAIR(UI_S_HIT, COLOR_BLACK, COLOR_YELLOW, A_BOLD);
	PAIR(UI_S_OVERDUE, COLOR_WHITE, COLOR_RED, A_BOLD);
	PAIR(UI_S_OK, COLOR_GREEN, -1, A_BOLD);
	PAIR(UI_S_ERROR, COLOR_RED, -1, A_BOLD);
	PAIR(UI_S_PROMPT, COLOR_YELLOW, -1, A_BOLD);
	PAIR(UI_S_AGREED, COLOR_GREEN, -1, A_BOLD);
	PAIR(UI_S_CURRENT, COLOR_YELLOW, -1, A_BOLD);
	PAIR(UI_S_INTERNAL, COLOR_WHITE, COLOR_MAGENTA, A_BOLD);
	PAIR(UI_S_INTERNAL_TEXT, COLOR_MAGENTA, -1, 0);
	for (i = 0; i < UI_NPARTY_STYLES; i++)
		PAIR(UI_S_PARTY0 + i, party_fg[i], -1, A_BOLD);
#undef PAIR
}

/*
 * crt_paste_caps() - the bracketed-paste strings: from the terminfo
 * entry's extended capabilities BE/BD (xterm and its kin), else nothing
 * (vt100 and the linux console do not speak it).  The markers PS/PE are
 * bound to key codes in ui_input.c.
 */
static void
crt_paste_caps(void)
{
	char *on = tigetstr("BE"), *off = tigetstr("BD");
	char *ps = tigetstr("PS"), *pe = tigetstr("PE");

	crt_paste_on = crt_paste_off = NULL;
	if (on == NULL || on == (char *)-1 || off == NULL ||
	    off == (char *)-1)
		return;
	if (ps == NULL || ps == (char *)-1)
		ps = "\033[200~";
	if (pe == NULL || pe == (char *)-1)
		pe = "\033[201~";
	if (define_key(ps, UI_CODE_PASTE_BEGIN) != OK ||
	    define_key(pe, UI_CODE_PASTE_END) != OK)
		return;
	crt_paste_on = on;
	crt_paste_off = off;
}

/*
 * crt_keys() - bind the Home, End and Delete sequences that terminals
 * send whatever their terminfo entry says (xterm's and the linux
 * console's, or screen's inside tmux when TERM names another terminal),
 * where the entry does not bind them already.
 */
static void
crt_keys(void)
{
	static const struct {
		const char *seq;
		int code;
	} keys[] = {
		{ "\033[1~", KEY_HOME }, { "\033[7~", KEY_HOME },
		{ "\033[H", KEY_HOME }, { "\033OH", KEY_HOME },
		{ "\033[4~", KEY_END }, { "\033[8~", KEY_END },
		{ "\033[F", KEY_END }, { "\033OF", KEY_END },
		{ "\033[3~", KEY_DC },
		{ "\033[1;5D", KEY_SLEFT }, { "\033[1;5C", KEY_SRIGHT },
		{ NULL, 0 }
	};
	int i;

	for (i = 0; keys[i].seq != NULL; i++)
		if (key_defined(keys[i].seq) == 0)
			(void)define_key(keys[i].seq, keys[i].code);
}

int
ui_crt_init(const char **why)
{
	struct sigaction sa;
	const char *nc;
	int fd_in = -1, fd_out = -1;

	*why = NULL;
	if (crt_active)
		return 0;
	/*
	 * Curses gets descriptors of its own, so that ui_crt_quiet() can
	 * point 0, 1 and 2 elsewhere while a command runs.
	 */
	if ((fd_in = dup(STDIN_FILENO)) < 0 ||
	    (fd_out = dup(STDOUT_FILENO)) < 0)
		goto fail;
	(void)fcntl(fd_in, F_SETFD, FD_CLOEXEC);
	(void)fcntl(fd_out, F_SETFD, FD_CLOEXEC);
	if ((crt_in = fdopen(fd_in, "r")) == NULL)
		goto fail;
	fd_in = -1;
	if ((crt_out = fdopen(fd_out, "w")) == NULL)
		goto fail;
	fd_out = -1;
	if ((crt_screen = newterm(NULL, crt_out, crt_in)) == NULL) {
		*why = _("cannot start the terminal: is TERM set right?");
		goto fail_quiet;
	}
	set_term(crt_screen);
	crt_active = 1;
	/* A fault while reading a damaged store restores first (main.c). */
	cli_fatal_hook = crt_restore;
	if (!crt_atexit_set) {
		atexit(crt_atexit);
		crt_atexit_set = 1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = crt_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, &crt_old_term);
	sigaction(SIGINT, &sa, &crt_old_int);
	sigaction(SIGHUP, &sa, &crt_old_hup);

	/* raw(): Ctrl-C, Ctrl-Z, Ctrl-S and Ctrl-Q arrive as keys. */
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	meta(stdscr, TRUE);
	set_escdelay(25);
	timeout(250);
	nc = getenv("NO_COLOR");
	crt_colors = 0;
	if ((nc == NULL || *nc == '\0') && has_colors() &&
	    start_color() == OK) {
		crt_colors = 1;
		if (use_default_colors() != OK)
			assume_default_colors(COLOR_WHITE, COLOR_BLACK);
	}
	crt_styles();
	crt_keys();
	crt_paste_caps();
	if (crt_paste_on != NULL) {
		refresh(); /* curses' own start-up output first */
		crt_write(crt_paste_on);
	}
	return 0;

fail:
	*why = strerror(errno);
fail_quiet:
	if (fd_in >= 0)
		close(fd_in);
	if (fd_out >= 0)
		close(fd_out);
	if (crt_in != NULL)
		fclose(crt_in);
	if (crt_out != NULL)
		fclose(crt_out);
	crt_in = crt_out = NULL;
	return -1;
}

void
ui_crt_done(void)
{
	int was = crt_active;

	crt_restore();
	if (!was)
		return;
	sigaction(SIGTERM, &crt_old_term, NULL);
	sigaction(SIGINT, &crt_old_int, NULL);
	sigaction(SIGHUP, &crt_old_hup, NULL);
	if (crt_screen != NULL) {
		delscreen(crt_screen);
		crt_screen = NULL;
	}
	if (crt_in != NULL)
		fclose(crt_in);
	if (crt_out != NULL)
		fclose(crt_out);
	crt_in = crt_out = NULL;
}

unsigned long
ui_crt_attr(int style)
{
	if (style < 0 || style >= UI_S_COUNT_)
		return A_NORMAL;
	return crt_attrs[style];
}

int
ui_crt_colors(void)
{
	return crt_colors;
}

void
ui_crt_repaint(void)
{
	if (crt_active)
		clearok(curscr, TRUE);
}

void
ui_crt_suspend(void)
{
	if (crt_paste_off != NULL)
		crt_write(crt_paste_off);
	def_prog_mode();
	endwin();
	fflush(crt_out);
	raise(SIGTSTP);
	/* continued */
	reset_prog_mode();
	if (crt_paste_on != NULL)
		crt_write(crt_paste_on);
	clearok(curscr, TRUE);
	refresh();
}

void
ui_crt_fatal(const char *what)
{
	crt_restore();
	fprintf(stderr, "detente: %s\n", what);
	fflush(stderr);
	exit(2);
}

void
ui_crt_block(void)
{
	sigset_t s;

	sigemptyset(&s);
	sigaddset(&s, SIGTERM);
	sigaddset(&s, SIGINT);
	sigaddset(&s, SIGHUP);
	sigprocmask(SIG_BLOCK, &s, NULL);
}

void
ui_crt_unblock(void)
{
	sigset_t s;

	sigemptyset(&s);
	sigaddset(&s, SIGTERM);
	sigaddset(&s, SIGINT);
	sigaddset(&s, SIGHUP);
	sigprocmask(SIG_UNBLOCK, &s, NULL);
}

void
ui_crt_quiet(void)
{
	int fd, i;

	if ((fd = open("/dev/null", O_RDWR | O_CLOEXEC)) < 0)
		return;
	fflush(stdout);
	fflush(stderr);
	for (i = 0; i < 3; i++) {
		crt_saved_fd[i] = dup(i);
		if (crt_saved_fd[i] >= 0)
			(void)dup2(fd, i);
	}
	close(fd);
}

void
ui_crt_loud(void)
{
	int i;

	fflush(stdout);
	fflush(stderr);
	for (i = 0; i < 3; i++) {
		if (crt_saved_fd[i] < 0)
			continue;
		(void)dup2(crt_saved_fd[i], i);
		close(crt_saved_fd[i]);
		crt_saved_fd[i] = -1;
	}
}
