/*
 * ui.h: the live note-taking terminal UI (prefix ui_).
 *
 * The UI is split as htop and tmux split theirs:
 *   ui_crt.c    the only file that sets up and restores the terminal:
 *               curses init, colours, signals, suspend, the fatal path;
 *   ui_input.c  reads keys (get_wch) into curses-free ui_key values, and
 *               the line editor that edits a wide-character buffer;
 *   ui_model.c  the UI's state (focus, selections, input, search, filters)
 *               and the key handlers; it never includes curses, and its
 *               handlers return UI_F_* flags that one loop acts on;
 *   ui_draw.c   draws a const model and a const view;
 *   cmd_ui.c    the `ui` command and that one loop: it unlocks the
 *               identity before curses starts, reloads the view when the
 *               store grows, and runs every write through cli_dispatch().
 *
 * The UI holds no record logic.  What it writes, it writes by running a
 * command of the one command table (cli.h) -- `add`, `endorse`, `mark`,
 * `show`, ... -- exactly as the command line would, so an entry typed in
 * the UI is stored by the same code path as `detente add`.
 *
 * Nothing here is a secret key, but drafts are confidential: the input
 * buffer lives only in memory, is wiped when freed, and is never written
 * to disk.  A draft is lost if the UI is killed before Enter.
 */
#ifndef DETENTE_UI_H
#define DETENTE_UI_H

#include <stddef.h>
#include <stdint.h>
#include <wchar.h>

#include "../crypto/keys.h"
#include "../storage/entry.h"
#include "../storage/view.h"

/* ------------------------------------------------------------------ */
/* Keys, as the model sees them (no curses constants).                 */

typedef enum ui_keycode {
	UI_K_NONE = 0,     /* nothing: a timeout */
	UI_K_CHAR,         /* a printable character in ch */
	UI_K_CTRL,         /* Ctrl + the letter in ch ('a'..'z') */
	UI_K_ENTER,        /* Enter (CR) */
	UI_K_NEWLINE,      /* Alt-Enter or Ctrl-J: a newline in the entry */
	UI_K_TAB,
	UI_K_BTAB,         /* Shift-Tab */
	UI_K_ESC,
	UI_K_BACKSPACE,
	UI_K_DELETE,
	UI_K_LEFT,
	UI_K_RIGHT,
	UI_K_UP,
	UI_K_DOWN,
	UI_K_HOME,
	UI_K_END,
	UI_K_PGUP,
	UI_K_PGDN,
	UI_K_FN,           /* function key n in ch (1..12) */
	UI_K_RESIZE,
	UI_K_WORD_LEFT,    /* Alt-b, Ctrl-Left */
	UI_K_WORD_RIGHT    /* Alt-f, Ctrl-Right */
} ui_keycode;

/* Key codes ui_crt.c binds to the bracketed-paste markers (define_key). */
#define UI_CODE_PASTE_BEGIN 0x2f00
#define UI_CODE_PASTE_END 0x2f01

typedef struct ui_key {
	int code;          /* ui_keycode */
	wchar_t ch;        /* UI_K_CHAR, UI_K_CTRL, UI_K_FN */
	int alt;           /* the key came with Alt (ESC prefix) */
	int paste;         /* inside a bracketed paste */
} ui_key;

/*
 * ui_key_read() - wait up to the curses timeout for one key and translate
 * it.  Alt-Enter (ESC CR) becomes UI_K_NEWLINE; a lone ESC is returned
 * after ESCDELAY (25 ms); keys inside a bracketed paste have paste set,
 * and an Enter in a paste is a newline, never a submit.
 * @return 1 with a key in *k, 0 on timeout (k->code = UI_K_NONE).
 */
int ui_key_read(ui_key *k);

/*
 * ui_key_pending() - like ui_key_read() but does not wait: lets the loop
 * drain a paste before it redraws.
 */
int ui_key_pending(ui_key *k);

/* ------------------------------------------------------------------ */
/* The line editor: a wide-character buffer with a cursor.             */

typedef struct ui_line {
	wchar_t *buf;      /* len characters, NUL-terminated */
	size_t len;
	size_t cap;
	size_t cur;        /* 0..len */
} ui_line;

/* ui_line_init(), ui_line_done() - an empty line; wipe and free it. */
void ui_line_init(ui_line *l);
void ui_line_done(ui_line *l);

/* ui_line_clear() - wipe the contents, keep the buffer. */
void ui_line_clear(ui_line *l);

/* ui_line_insert() - insert c at the cursor.  @return 0 or DT_ENOMEM. */
int ui_line_insert(ui_line *l, wchar_t c);

/*
 * ui_line_key() - apply an editing key (cursor moves, Backspace, Delete,
 * Ctrl-A/E/B/F/K/U/W, Alt-b/f, printable characters, newline).
 * @return 1 if the key was an editing key (handled), 0 otherwise.
 */
int ui_line_key(ui_line *l, const ui_key *k);

/*
 * ui_line_utf8() - the contents as a malloc'd UTF-8 (locale) string,
 * or NULL on memory or conversion failure.  The caller frees it (and
 * should wipe it: it is a draft).
 */
char *ui_line_utf8(const ui_line *l);

/* ui_line_set() - replace the contents with s (locale multibyte). */
int ui_line_set(ui_line *l, const char *s);

/* ------------------------------------------------------------------ */
/* The model.                                                          */

/* What the key handlers ask the loop to do (or-ed). */
#define UI_F_REDRAW 0x01U  /* the screen changed */
#define UI_F_RELOAD 0x02U  /* load the view again */
#define UI_F_QUIT 0x04U    /* leave the UI */
#define UI_F_RUN 0x08U     /* run m->run (a command of the table) */
#define UI_F_SUSPEND 0x10U /* Ctrl-Z: stop like a shell job */
#define UI_F_REPAINT 0x20U /* Ctrl-L: repaint every cell */
#define UI_F_OLDER 0x40U   /* load m->older more entries before the oldest */
#define UI_F_OLDER_CM 0x80U /* load UI_CM_MORE older commitments */

/* Input history: the last UI_HIST lines entered, in memory only. */
#define UI_HIST 100U

/*
 * The record pane shows a window of the record, not all of it (view.h,
 * "Bounded views"): the loop loads UI_WINDOW entries at first, and the
 * model asks for more (UI_F_OLDER) when the cursor comes within a page
 * of the oldest one loaded, or when a search steps back past its oldest
 * match.  UI_BUDGET bounds the rows one load may examine, so a filter
 * on a rare item cannot stall the screen.
 */
#define UI_WINDOW 200U
#define UI_WINDOW_MORE 200U
#define UI_SEARCH_MORE 2000U
#define UI_BUDGET 4000U

/*
 * The commitments pane holds a window too: of the commitments older than
 * the record pane's window, the newest UI_CM_WINDOW (with their
 * statuses, endorsements and corrections; view_window.commitments), and
 * UI_CM_MORE more each time the cursor comes within a page of the
 * oldest one loaded.  So the UI's memory follows its windows, not the
 * record (issue 18).
 */
#define UI_CM_WINDOW 64U
#define UI_CM_MORE 64U

/*
 * The kinds the first load takes only within the window (the loop then
 * completes the view right after the first screen): of a long record's
 * structure, the bulk is endorsements, and the first screen needs only
 * the commitments, meetings and agenda.
 */
#define UI_DEFER (VIEW_KIND(ENTRY_K_ENDORSEMENT) | \
	VIEW_KIND(ENTRY_K_CORRECTION) | VIEW_KIND(ENTRY_K_ATTENDANCE))

typedef enum ui_focus {
	UI_FOCUS_INPUT = 0,
	UI_FOCUS_AGENDA,
	UI_FOCUS_RECORD,
	UI_FOCUS_COMMIT
} ui_focus;

/* What the input line is for. */
typedef enum ui_prompt {
	UI_PROMPT_ENTRY = 0, /* an entry of the record */
	UI_PROMPT_SEARCH,    /* "/" */
	UI_PROMPT_COMMAND    /* ":" */
} ui_prompt;

typedef enum ui_overlay {
	UI_OVERLAY_NONE = 0,
	UI_OVERLAY_HELP,
	UI_OVERLAY_TEXT      /* the output of a command */
} ui_overlay;

/* The kinds a scribe writes from the input line. */
typedef enum ui_kind {
	UI_KIND_NOTE = 0,
	UI_KIND_AGENDA,
	UI_KIND_STATEMENT,
	UI_KIND_PROPOSAL,
	UI_KIND_DECISION,
	UI_KIND_COMMITMENT,
	UI_KIND_COUNT
} ui_kind;

/* Commitment filters, cycled with `f`. */
typedef enum ui_cfilter {
	UI_CF_OPEN = 0,
	UI_CF_MINE,
	UI_CF_PARTY,         /* the party cfilter_party */
	UI_CF_ALL
} ui_cfilter;

/*
 * The seal of the meeting the header shows (storage/seal.h), as the loop
 * found it: plain data, so that drawing needs no record.
 */
typedef enum ui_seal {
	UI_SEAL_NONE = 0,      /* no meeting yet: nothing to say */
	UI_SEAL_UNPROPOSED,    /* the meeting has no seal entry */
	UI_SEAL_WAITING,       /* proposed; seal_text: who has not signed */
	UI_SEAL_JOIN,          /* every head signed, in separate entries */
	UI_SEAL_COMPLETE,      /* signed by the head of every party */
	UI_SEAL_INVALID        /* a seal entry breaks the rule: seal_text */
} ui_seal;

/* A command for the loop to run through cli_dispatch(). */
typedef struct ui_run {
	int argc;
	char *argv[16];      /* malloc'd strings; argv[argc] = NULL */
	int is_entry;        /* written from the input line: clear on success */
	int quiet;           /* making a new topic current: argv[1] is its id */
} ui_run;

/*
 * The UI's state.  The pointers into the view (v, ag, rec, cm and what
 * they hold) are valid until the next ui_model_set_view(); the model owns
 * its arrays, strings and lines and frees them in ui_model_done().
 */
typedef struct ui_model {
	/* from the loop: who I am and how the record stands */
	const view *v;
	char me_name[KEY_NAME_MAX + 1];
	unsigned char me_pk[KEY_PK_BYTES];
	char me_party[VIEW_PARTY_BYTES];
	int me_role;
	char title[256];     /* the dialogue's title (a copy) */
	uint64_t entries;
	uint64_t feeds;
	int failed;          /* verification failed: see fail_detail */
	char fail_detail[200];
	uint64_t faults;     /* forks and member faults the store knows */
	char evidence[200];  /* what they are and whose (evidence.h) */
	int seal;            /* ui_seal, of the meeting the header shows */
	char seal_text[200]; /* WAITING: head names, ", " between; INVALID:
	                        the reason (English, from the library) */
	int utf8;            /* the locale is UTF-8 */
	char sync_line[600]; /* `:sync`'s header line (rendered), or "" */

	/* focus and input */
	int focus;           /* ui_focus */
	int prompt;          /* ui_prompt */
	int kind;            /* ui_kind chosen by a key (prefix wins) */
	int internal;        /* F8: the next note is delegation-internal
	                        (only my party reads it); cleared when it is
	                        added, on Esc and when a key picks another
	                        kind.  Shown in the prompt: "[RU only] note>" */
	ui_line line;        /* what is being typed */
	ui_line draft;       /* the entry put aside while ":" or "/" is open */
	int confirm_quit;    /* asking "quit and lose the draft?" */
	int confirm_run;     /* asking "y/n" before running m->run (an
	                        endorsement, a meeting close) */
	int too_small;       /* the last draw could not show the input line:
	                        keys that edit or write are ignored */
	char **hist;         /* earlier input lines (UTF-8, memory only),
	                        oldest first; Up/Down recall them */
	size_t nhist;
	size_t hist_at;      /* nhist: not recalling */
	char *hist_save;     /* the line as it was before recalling */
	size_t ignored;      /* keys ignored while too_small */
	int overlay;         /* ui_overlay */
	char *overlay_title;
	char *overlay_text;  /* UTF-8, lines separated by '\n' */
	size_t overlay_top;  /* first line shown */

	/* the message line */
	char *msg;
	int msg_error;

	/* agenda pane: ag[0] is "all items" (NULL), then the items */
	const view_agenda **ag;
	size_t nag;
	size_t ag_sel;       /* cursor */
	size_t ag_top;
	unsigned char filter[ENTRY_HASH_BYTES]; /* selected item, if any */
	int has_filter;

	/* record pane: the items shown, in merged order */
	const view_item **rec;
	size_t nrec;
	size_t rec_sel;      /* cursor (valid when follow == 0) */
	int follow;          /* stick to the newest entry */
	size_t rec_top;      /* first entry drawn last time */
	size_t rec_rows;     /* rows of the pane last time */

	/* commitments pane */
	const view_commitment **cm;
	size_t ncm;
	size_t cm_sel;
	size_t cm_top;
	size_t cm_rows;
	int cfilter;         /* ui_cfilter */
	size_t cfilter_party;

	/* search */
	wchar_t *search;     /* NULL: none */
	size_t *hits;        /* indexes into rec[] */
	size_t nhits;
	size_t hit;          /* the current hit */
	int search_back;     /* UI_F_OLDER was for a search: see _extended() */
	unsigned char back_from[ENTRY_HASH_BYTES]; /* ... from this entry */
	int has_back_from;

	/* older entries the loop should load (UI_F_OLDER) */
	size_t older;

	/* what the loop must run next (UI_F_RUN) */
	ui_run run;
} ui_model;

/* ui_model_init(), ui_model_done() - a model; free it (accepts NULL). */
void ui_model_init(ui_model *m);
void ui_model_done(ui_model *m);

/*
 * ui_model_set_view() - show v (which the loop owns and keeps alive until
 * the next call): rebuild the agenda, record and commitment lists and the
 * search hits, keeping the cursors on the same entries where they remain.
 */
int ui_model_set_view(ui_model *m, const view *v);

/*
 * ui_model_extended() - the loop loaded older entries (UI_F_OLDER) and
 * called ui_model_set_view(): finish what asked for them (a search
 * stepping back goes to the next older match, or says there is none).
 * @return UI_F_* flags.
 */
unsigned ui_model_extended(ui_model *m);

/* ui_model_key() - handle one key.  @return UI_F_* flags. */
unsigned ui_model_key(ui_model *m, const ui_key *k);

/*
 * ui_model_ran() - the loop ran m->run: rc is its exit code, out and err
 * what it printed (may be NULL).  Clears the input after a successful
 * entry, shows the output in the message line or an overlay, and frees
 * m->run.  @return UI_F_* flags.
 */
unsigned ui_model_ran(ui_model *m, int rc, const char *out, const char *err);

/*
 * ui_model_sized() - the loop's last draw could (0) or could not (1)
 * show the input line.  While it cannot, keys that type or write are
 * ignored; when it can again, the message says how many were.
 * @return UI_F_REDRAW if the message changed, else 0.
 */
unsigned ui_model_sized(ui_model *m, int too_small);

/* ui_model_message() - set the message line (copied). */
void ui_model_message(ui_model *m, int error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ui_model_scrolled() - what the last draw showed, for paging. */
void ui_model_scrolled(ui_model *m, size_t rec_top, size_t rec_rows,
    size_t ag_top, size_t cm_top, size_t cm_rows);

/* ui_run_free() - free the strings of a run and zero it. */
void ui_run_free(ui_run *r);

/*
 * ui_parse_entry() - how the input line's text becomes an `add` command:
 * a prefix such as "ACTION:", "Topic:" or "DECISION:" (any case) picks
 * the kind, else kind (from F2..F7) does.  A commitment's text is read
 * by the one grammar of commitments (commit_parse.h): "[PARTY] [OWNER]
 * [DUE] text [by DUE]".  Fills r (argv for cli_dispatch) from my party
 * and the agenda item hex (may be NULL).
 *
 * An internal note ("add note --internal", storage/internal.c) is
 * written when internal is set (F8) or the text starts with the prefix
 * "INTERNAL:" / "ВНУТР:"; that is only ever a note: a line that would be
 * internal and of another kind (F8 on, then "ACTION: ...") is refused,
 * never written as a joint entry, and a line that is not internal never
 * gets --internal.
 * @return 0, or a static English reason (translate it with _()).
 */
const char *ui_parse_entry(ui_run *r, const char *text, int kind,
    int internal, const ui_model *m, const char *item_hex);

/*
 * ui_entry_internal() - 1 if Enter on the entry line now would write a
 * delegation-internal note: F8 is on, or the line starts with an
 * internal prefix.  What the prompt and the hint show, before Enter.
 */
int ui_entry_internal(const ui_model *m);

/* ui_run_internal() - 1 if r is an `add note --internal` command. */
int ui_run_internal(const ui_run *r);

/*
 * ui_commit_preview() - what Enter will record for the commitment being
 * typed (party, owner, due), or why it would be refused, in buf.
 * @return buf.
 */
const char *ui_commit_preview(const ui_model *m, char *buf, size_t len);

/*
 * ui_prefix_kind() - the kind named by a prefix "WORD:" at the start of
 * s[0..n) (any case; English and Russian words), with in *skip the
 * characters the prefix and the blanks after it take.
 * @return the kind (ui_kind), or -1 when s starts with no known prefix.
 */
int ui_prefix_kind(const wchar_t *s, size_t n, size_t *skip);

/*
 * ui_prefix_internal() - 1 if s[0..n) starts with the prefix of a
 * delegation-internal note ("INTERNAL:", "ВНУТР:", "ВНУТРЕННЯЯ:", any
 * case), for which ui_prefix_kind() says UI_KIND_NOTE.
 */
int ui_prefix_internal(const wchar_t *s, size_t n);

/* ui_kind_name() - the kind's translated label ("note", ...). */
const char *ui_kind_name(int kind);

/* ui_kind_label() - the translated label of an entry kind (ENTRY_K_*). */
const char *ui_entry_kind_label(unsigned kind);

/*
 * ui_split_command() - split a ":" command line into r->argv: words
 * separated by blanks, with '...' and "..." quoting and backslash
 * escapes.  @return 0, or a static English reason.
 */
const char *ui_split_command(ui_run *r, const char *line);

/*
 * ui_wmatch() - does hay contain needle, ignoring case (towlower())?
 * @return the index of the first match at or after from, or -1.
 */
long ui_wmatch(const wchar_t *hay, size_t n, const wchar_t *needle,
    size_t from);

/* ui_today() - today's date (UTC, as the UI's times) as YYYY-MM-DD. */
void ui_today(char out[11]);

/* ui_commitment_overdue() - due before today and still open. */
int ui_commitment_overdue(const view_commitment *c, const char *today);

/* ui_party_index() - the party's position in the genesis, or -1. */
int ui_party_index(const view *v, const char *party);

/* ------------------------------------------------------------------ */
/* The terminal (ui_crt.c).                                            */

/* Colour pairs / attributes the drawing code asks for. */
typedef enum ui_style {
	UI_S_NORMAL = 0,
	UI_S_HEADER,
	UI_S_TITLE,          /* a pane's title */
	UI_S_TITLE_FOCUS,    /* the focused pane's title */
	UI_S_BORDER,
	UI_S_SELECT,         /* the cursor in a focused pane */
	UI_S_SELECT_DIM,     /* the cursor in a pane without focus */
	UI_S_CURRENT,        /* the current agenda item */
	UI_S_KIND,
	UI_S_DIM,
	UI_S_HIT,            /* a search hit */
	UI_S_OVERDUE,
	UI_S_OK,
	UI_S_ERROR,
	UI_S_PROMPT,
	UI_S_AGREED,
	UI_S_INTERNAL,       /* my party's internal note: its label, the
	                        prompt while Enter writes one (reverse) */
	UI_S_INTERNAL_TEXT,  /* ... and its text (a colour; the tag
	                        "[RU only]" carries it in monochrome) */
	UI_S_PARTY0,         /* + party index, 0..UI_NPARTY_STYLES-1 */
	UI_S_COUNT_ = UI_S_PARTY0 + 6
} ui_style;
#define UI_NPARTY_STYLES 6

/*
 * ui_crt_init() - start curses on the terminal: locale-aware wide input,
 * cbreak-like raw mode, no echo, keypad, ESCDELAY 25 ms, colours unless
 * NO_COLOR is set or the terminal has none, bracketed paste where the
 * terminfo entry knows it.  Installs handlers for SIGTERM, SIGINT and
 * SIGHUP and an atexit() hook that restore the terminal.
 * @return 0, or -1 with a reason in *why (the terminal is then untouched).
 */
int ui_crt_init(const char **why);

/* ui_crt_done() - restore the terminal (idempotent). */
void ui_crt_done(void);

/* ui_crt_attr() - the curses attributes for a style (an attr_t). */
unsigned long ui_crt_attr(int style);

/* ui_crt_colors() - 1 if colours are in use. */
int ui_crt_colors(void);

/* ui_crt_repaint() - the next draw repaints the whole terminal. */
void ui_crt_repaint(void);

/* ui_crt_suspend() - leave curses, stop (SIGTSTP), come back. */
void ui_crt_suspend(void);

/*
 * ui_crt_fatal() - restore the terminal first, then print one error line
 * and exit(2).  For what cannot be carried back to the loop.
 */
void ui_crt_fatal(const char *what) __attribute__((noreturn));

/* ui_crt_block(), ui_crt_unblock() - hold SIGTERM/SIGINT/SIGHUP while an
 * append commits, so that a kill lands after the commit, not inside it. */
void ui_crt_block(void);
void ui_crt_unblock(void);

/* ui_crt_quiet(), ui_crt_loud() - point fds 0, 1, 2 at /dev/null while a
 * command runs, so that nothing it prints or reads can reach the screen
 * under curses (curses has its own descriptors); restore them after. */
void ui_crt_quiet(void);
void ui_crt_loud(void);

/* ------------------------------------------------------------------ */
/* Drawing (ui_draw.c) and the width-aware text helpers it shares with  */
/* the model's search (ui_model.c, no curses).                          */

/* What a draw showed, so the model can page. */
typedef struct ui_drawn {
	int too_small;     /* below UI_MIN_COLS x UI_MIN_ROWS: nothing drawn */
	size_t rec_top, rec_rows;
	size_t ag_top;
	size_t cm_top, cm_rows;
} ui_drawn;

#define UI_MIN_COLS 80
#define UI_MIN_ROWS 24

/* ui_draw() - draw the whole screen from m and v and refresh it. */
void ui_draw(const ui_model *m, const view *v, ui_drawn *d);

/*
 * ui_wtext() - text (UTF-8) as a malloc'd wide string with control and
 * unprintable characters made safe (tabs to a space, others to '?' or
 * U+FFFD).  Invalid UTF-8 bytes become '?'.  @param[out] n  its length.
 */
wchar_t *ui_wtext(const char *text, size_t *n);

/*
 * ui_wrap() - split s[0..n) into lines of at most width display columns:
 * at '\n', else after the last blank that fits, else before the first
 * character that does not fit (a wide character is never split).  Calls
 * cb(ctx, start, len) per line.  @return the number of lines.
 */
size_t ui_wrap(const wchar_t *s, size_t n, int width,
    void (*cb)(void *ctx, size_t start, size_t len), void *ctx);

/* ui_wswidth() - display width of s[0..n) (unprintable counts 1). */
int ui_wswidth(const wchar_t *s, size_t n);

#endif
