/*
 * cmd_ui.c: `detente ui [DIALOGUE]`, the live note-taking terminal UI,
 * and the one loop that acts on what the key handlers return.
 *
 * Order of events: open the record and unlock the identity and the
 * dialogue key with the command line's session helpers (the passphrase
 * prompt comes before curses, so a wrong passphrase is one plain error
 * line); start curses (ui_crt.c); then loop: draw, read keys for up to
 * 250 ms, act on the flags, and every 250 ms look at the store's entry
 * count in a read transaction, reloading the view when another process
 * has appended.  Every write is a command of the one table, run through
 * cli_dispatch() with its output captured in memory.
 *
 * The view is bounded (view.h, "Bounded views"): the record's structure
 * through the kinds index, and only the newest UI_WINDOW notes and the
 * like.  The first load defers the endorsements, corrections and
 * attendance older than the window, and the loop completes the view
 * right after the first screen is drawn.  After that, a change in the
 * store adds only what is new (view_refresh()), scrolling up loads older
 * entries (view_extend()), and choosing an agenda item walks a window of
 * that item's entries (view_rewindow()).  Of the commitments older than
 * the window, the view holds the newest UI_CM_WINDOW with what targets
 * them (view_window.commitments), and moving up in their pane loads
 * more (view_extend_commitments()).  Memory follows the windows and the
 * meetings and agenda, not the number of entries.
 */
#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../crypto/err.h"
#include "../storage/record.h"
#include "../storage/seal.h"
#include "../storage/store.h"
#include "../storage/view.h"
#include "cli.h"
#include "fmt.h"
#include "evidence.h"
#include "i18n.h"
#include "session.h"
#include "ui.h"
#include "ui_sync.h"

extern const struct cli_cmd cmd_ui;

/* How often the loop looks for entries from other processes. */
#define POLL_MS 250
/* ... and while `:sync` runs a child that stores what peers send */
#define POLL_SYNC_MS 50

/* What the loop keeps besides the model. */
struct ui_state {
	struct cli_ctx *ctx;
	ui_model m;
	view *v;
	view_window w;           /* what v was loaded for */
	unsigned char item[ENTRY_HASH_BYTES]; /* w.item points here */
	uint64_t count;          /* store_count() at the last load */
	uint64_t ev_raw;         /* evidence_raw() at the last load */
	record_failure fail;     /* the last verification's result */
	int no_complete;         /* view_complete() failed: do not retry */
	/* the last seal_info_check(): for which seal, and what it found */
	int ck_done;
	uint64_t ck_meeting;
	size_t ck_entries;
	unsigned char ck_entry[ENTRY_HASH_BYTES];
	int ck_invalid;
	char ck_why[SEAL_WHY_BYTES];
	ui_sync sync;            /* `:sync`: the child process, if any */
};

/* now_ms() - a monotonic clock in milliseconds. */
static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/*
 * store_counts() - the number of entries and of feeds, in one read
 * transaction.  Cheap: two B-tree statistics, no entry is read.
 */
static int
store_counts(record *r, uint64_t *entries, uint64_t *feeds)
{
	store_txn *t = NULL;
	store_head *heads = NULL;
	size_t nh = 0;
	int rc;

	if ((rc = store_txn_begin(&t, record_store(r), 0)) != 0)
		return rc;
	if ((rc = store_count(entries, t)) != 0)
		goto out;
	if (feeds != NULL) {
		if ((rc = store_heads(&heads, &nh, t)) != 0)
			goto out;
		*feeds = nh;
	}
out:
	free(heads);
	store_txn_abort(t);
	return rc;
}

/*
 * install() - hand the new view nv (rc: how loading it went) to the
 * model and only then free the old one, whose items the model's lists
 * pointed into.  @return 0 if nv is now shown.
 */
static int
install(struct ui_state *s, view *nv, int rc)
{
	if (rc != 0) {
		ui_model_message(&s->m, 1, _("cannot read the dialogue: %s"),
		    _(dt_strerror(rc)));
		return rc;
	}
	if (ui_model_set_view(&s->m, nv) != 0) {
		ui_model_message(&s->m, 1, "%s", _("out of memory"));
		(void)ui_model_set_view(&s->m, s->v);
		view_free(nv);
		return DT_ENOMEM;
	}
	view_free(s->v);
	s->v = nv;
	return 0;
}

/*
 * sync_filter() - if the model chose another agenda item (or all of
 * them), walk a window of what it shows now: that item's entries, not
 * the newest entries of all items filtered down to a few.
 */
static void
sync_filter(struct ui_state *s)
{
	unsigned char was[ENTRY_HASH_BYTES];
	const unsigned char *had = s->w.item;
	view *nv = NULL;
	int rc;

	if (s->v == NULL || (s->m.has_filter == (s->w.item != NULL) &&
	    (!s->m.has_filter || memcmp(s->m.filter, s->item,
	    ENTRY_HASH_BYTES) == 0)))
		return;
	memcpy(was, s->item, sizeof(was));
	if (s->m.has_filter) {
		memcpy(s->item, s->m.filter, ENTRY_HASH_BYTES);
		s->w.item = s->item;
	} else
		s->w.item = NULL;
	rc = view_rewindow(&nv, s->v, s->ctx->rec, &s->w);
	if (install(s, nv, rc) != 0) {
		/* the view still has the old window: say so next time too */
		memcpy(s->item, was, sizeof(was));
		s->w.item = had;
	}
}

/* older() - load s->m.older entries before the oldest shown. */
static unsigned
older(struct ui_state *s)
{
	view *nv = NULL;
	int rc;

	rc = view_extend(&nv, s->v, s->ctx->rec, s->m.older);
	if (install(s, nv, rc) != 0)
		return UI_F_REDRAW;
	return ui_model_extended(&s->m) | UI_F_REDRAW;
}

/* older_cm() - load UI_CM_MORE commitments before the oldest held. */
static unsigned
older_cm(struct ui_state *s)
{
	view *nv = NULL;
	int rc;

	if (!view_commitments_older(s->v))
		return 0;
	rc = view_extend_commitments(&nv, s->v, s->ctx->rec, UI_CM_MORE);
	(void)install(s, nv, rc);
	return UI_F_REDRAW;
}

/*
 * seal_check() - seal_info_check() on si, but only once for a given
 * state of the meeting's seal entries (the check reads every listed
 * feed): the last result is kept with the meeting, the number of its
 * seal entries and the entry its note is from.
 */
static void
seal_check(struct ui_state *s, seal_info *si)
{
	if (!s->ck_done || s->ck_meeting != si->meeting ||
	    s->ck_entries != si->nentries ||
	    memcmp(s->ck_entry, si->entry, ENTRY_HASH_BYTES) != 0) {
		if (seal_info_check(si, s->ctx->rec) != 0) {
			si->invalid = 1;
			snprintf(si->why, sizeof(si->why), "%s",
			    "the seal entries cannot be checked");
		}
		s->ck_done = 1;
		s->ck_meeting = si->meeting;
		s->ck_entries = si->nentries;
		memcpy(s->ck_entry, si->entry, ENTRY_HASH_BYTES);
		s->ck_invalid = si->invalid;
		snprintf(s->ck_why, sizeof(s->ck_why), "%s", si->why);
	} else if (s->ck_invalid) {
		si->invalid = 1;
		snprintf(si->why, sizeof(si->why), "%s", s->ck_why);
	}
	if (si->invalid)
		si->complete = 0;
}

/*
 * seal_sync() - the seal of the meeting the header shows (the open one,
 * else the last), read with the library functions `detente verify` uses
 * (cli_seal_get(), storage/seal.h), into the model as plain data.  The
 * seal entries are checked one by one only when the record failed
 * verification: one that verifies has passed that check already.  A
 * seal found invalid marks the record failed, as verify would.
 */
static void
seal_sync(struct ui_state *s)
{
	const view_meeting *vm = view_current_meeting(s->v);
	ui_model *m = &s->m;
	seal_info si;
	size_t i, k;
	int rc;

	if (vm == NULL)
		vm = view_last_meeting(s->v);
	m->seal_text[0] = '\0';
	if (vm == NULL || vm->number <= 0) {
		m->seal = UI_SEAL_NONE;
		return;
	}
	rc = cli_seal_get(&si, s->ctx->rec, (uint64_t)vm->number, 0);
	if (rc == DT_ENOENT) {
		m->seal = UI_SEAL_UNPROPOSED;
		return;
	}
	if (rc != 0) {
		m->seal = UI_SEAL_NONE;
		return;
	}
	if (m->failed && !si.invalid)
		seal_check(s, &si);
	if (si.invalid) {
		m->seal = UI_SEAL_INVALID;
		snprintf(m->seal_text, sizeof(m->seal_text), "%s", si.why);
		if (!m->failed) {
			m->failed = 1;
			snprintf(m->fail_detail, sizeof(m->fail_detail),
			    _("seal of meeting %lld: %s"), (long long)vm->number,
			    si.why);
		}
	} else if (si.complete) {
		m->seal = UI_SEAL_COMPLETE;
	} else if (si.nheads > 0 && si.nsigned == si.nheads) {
		m->seal = UI_SEAL_JOIN;
	} else {
		m->seal = UI_SEAL_WAITING;
		for (i = k = 0; i < si.nheads; i++) {
			size_t used = strlen(m->seal_text);

			if (si.heads[i].state == SEAL_SIGNED)
				continue;
			snprintf(m->seal_text + used,
			    sizeof(m->seal_text) - used, "%s%s",
			    k++ ? ", " : "", si.heads[i].name);
		}
	}
	seal_info_done(&si);
}

/* Collects the member faults the store knows, for evidence_gather(). */
struct fault_acc {
	record_fault *v;
	size_t n, cap;
};

static int
fault_acc_cb(void *ctx, const record_fault *f)
{
	struct fault_acc *a = ctx;
	record_fault *v;

	if (a->n == a->cap) {
		size_t cap = a->cap ? 2 * a->cap : 8;

		if ((v = realloc(a->v, cap * sizeof(*v))) == NULL)
			return DT_ENOMEM;
		a->v = v;
		a->cap = cap;
	}
	a->v[a->n++] = *f;
	return 0;
}

static int
count_fork_cb(void *ctx, const unsigned char *first, size_t flen,
    const unsigned char *second, size_t slen)
{
	(void)first;
	(void)flen;
	(void)second;
	(void)slen;
	(*(uint64_t *)ctx)++;
	return 0;
}

/*
 * evidence_raw() - how many forks and member faults the store keeps,
 * counted without checking anything: cheap enough for every poll, so
 * that a fork an import kept (which adds no entry) shows at once.
 */
static uint64_t
evidence_raw(struct ui_state *s)
{
	store_txn *t = NULL;
	uint64_t n = 0, f = 0;

	if (store_txn_begin(&t, record_store(s->ctx->rec), 0) == 0) {
		(void)store_evidence_scan(t, count_fork_cb, &n);
		store_txn_abort(t);
	}
	if (record_fault_scan(s->ctx->rec, NULL, NULL, &f) == 0)
		n += f;
	return n;
}

/*
 * evidence_sync() - the evidence the store knows, forks and member
 * faults (found by verify or an import), as the header's phrase
 * ("fork by us-del"): evidence.h.
 */
static void
evidence_sync(struct ui_state *s)
{
	struct fault_acc acc;
	evidence_sum ev;

	memset(&acc, 0, sizeof(acc));
	s->ev_raw = evidence_raw(s);
	s->m.evidence[0] = '\0';
	s->m.faults = 0;
	if (record_fault_scan(s->ctx->rec, fault_acc_cb, &acc, NULL) != 0)
		acc.n = 0;
	if (evidence_gather(&ev, s->ctx->rec, acc.v, acc.n) == 0) {
		s->m.faults = ev.nfaults + ev.nforks;
		evidence_header(s->m.evidence, sizeof(s->m.evidence),
		    s->ctx->rec, &ev);
	}
	evidence_done(&ev);
	free(acc.v);
}

/*
 * reload() - check what is new (record_verify(), incremental: only the
 * entries past each feed's watermark), and bring the view up to date:
 * the first time, the window; later, only what was appended.
 */
static void
reload(struct ui_state *s)
{
	record_failure f;
	record_stats st;
	view *nv = NULL;
	uint64_t entries = 0, feeds = 0;
	int rc;

	if (store_counts(s->ctx->rec, &entries, &feeds) != 0)
		return;
	rc = record_verify(s->ctx->rec, RECORD_VERIFY_INCREMENTAL, &st, &f);
	if (rc != 0 && rc != DT_EBUSY && !s->m.failed) {
		s->m.failed = 1;
		snprintf(s->m.fail_detail, sizeof(s->m.fail_detail), "%s",
		    f.detail[0] != '\0' ? f.detail : _(dt_strerror(rc)));
	}
	/* a key epoch another process imported or started (epoch.h) */
	if (s->ctx->id != NULL)
		(void)record_unlock(s->ctx->rec, s->ctx->id);
	if (s->v == NULL)
		rc = view_load_window(&nv, s->ctx->rec, &s->w, NULL);
	else
		rc = view_refresh(&nv, s->v, s->ctx->rec);
	if (install(s, nv, rc) != 0)
		return;
	/* record_verify() may have read the control entries anew */
	fmt_title(s->m.title, sizeof(s->m.title), s->ctx->rec);
	s->count = entries;
	s->m.entries = entries;
	s->m.feeds = feeds;
	evidence_sync(s);
	seal_sync(s);
}

/* stream_text() - what a memory stream collected (never NULL). */
static const char *
stream_text(const char *buf)
{
	return buf != NULL ? buf : "";
}

/* sync_header() - the header's sync line, anew; UI_F_REDRAW if changed. */
static unsigned
sync_header(struct ui_state *s)
{
	char line[sizeof(s->m.sync_line)];

	ui_sync_line(&s->sync, s->ctx->rec, line, sizeof(line));
	if (strcmp(line, s->m.sync_line) == 0)
		return 0;
	memcpy(s->m.sync_line, line, sizeof(line));
	return UI_F_REDRAW;
}

/*
 * sync_command() - `:sync HOST[:PORT]...`, `:sync listen [ADDR:PORT]`,
 * `:sync stop`: a child process runs `detente sync` (ui_sync.h).
 */
static unsigned
sync_command(struct ui_state *s)
{
	ui_run *r = &s->m.run;
	char msg[400];

	if (r->argc == 2 && strcmp(r->argv[1], "stop") == 0) {
		if (s->sync.pid == 0)
			ui_model_message(&s->m, 1, "%s",
			    _("no sync runs"));
		else {
			ui_sync_stop(&s->sync);
			ui_model_message(&s->m, 0, "%s", _("sync stopped"));
		}
	} else if (ui_sync_start(&s->sync, s->ctx, r->argc, r->argv, msg,
	    sizeof(msg)) != 0)
		ui_model_message(&s->m, 1, "%s", msg);
	else
		ui_model_message(&s->m, 0, "%s", _("sync started: the header "
		    "shows its links"));
	ui_run_free(r);
	return UI_F_REDRAW | sync_header(s);
}

/*
 * run_command() - run m->run through cli_dispatch() as the command line
 * would, with its output in memory and descriptors 0-2 on /dev/null (so
 * nothing it prints or reads reaches the screen under curses), and with
 * SIGTERM/SIGINT/SIGHUP held until it returns: a kill that arrives while
 * an entry commits takes effect after the commit.
 */
static unsigned
run_command(struct ui_state *s)
{
	struct cli_ctx *ctx = s->ctx;
	char *obuf = NULL, *ebuf = NULL;
	size_t olen = 0, elen = 0;
	FILE *out = NULL, *err = NULL, *save_out = ctx->out,
	    *save_err = ctx->err;
	const char *name = s->m.run.argv[0];
	unsigned f;
	int rc;

	if (strcmp(name, "sync") == 0)
		return sync_command(s);
	if (strcmp(name, "ui") == 0 || strcmp(name, "demo") == 0 ||
	    strcmp(name, "agent") == 0 ||
	    (strcmp(name, "id") == 0 && s->m.run.argc > 1 &&
	    strcmp(s->m.run.argv[1], "new") == 0)) {
		f = ui_model_ran(&s->m, CLI_USAGE, NULL,
		    _("detente: not inside the terminal UI: run it from a "
		    "shell"));
		return f;
	}
	if ((out = open_memstream(&obuf, &olen)) == NULL ||
	    (err = open_memstream(&ebuf, &elen)) == NULL) {
		if (out != NULL)
			fclose(out);
		free(obuf);
		return ui_model_ran(&s->m, CLI_USAGE, NULL,
		    _("detente: out of memory"));
	}
	ctx->out = out;
	ctx->err = err;
	ui_crt_block();
	ui_crt_quiet();
	rc = cli_dispatch(ctx, s->m.run.argc, s->m.run.argv);
	ui_crt_loud();
	ui_crt_unblock();
	ctx->out = save_out;
	ctx->err = save_err;
	fclose(out);
	fclose(err);
	f = ui_model_ran(&s->m, rc, stream_text(obuf), stream_text(ebuf));
	/* the output may hold decrypted text: wipe it */
	if (obuf != NULL) {
		explicit_bzero(obuf, olen);
		free(obuf);
	}
	if (ebuf != NULL) {
		explicit_bzero(ebuf, elen);
		free(ebuf);
	}
	return f;
}

/* setup_model() - who I am, the record's state, the first view. */
static int
setup_model(struct ui_state *s)
{
	struct cli_ctx *ctx = s->ctx;
	const record_member *me;
	const record_failure *f;
	const char *cs, *env;

	ui_model_init(&s->m);
	cs = nl_langinfo(CODESET);
	s->m.utf8 = cs != NULL && strcmp(cs, "UTF-8") == 0;
	snprintf(s->m.me_name, sizeof(s->m.me_name), "%s", ctx->id->name);
	memcpy(s->m.me_pk, ctx->id->pk, KEY_PK_BYTES);
	if ((me = record_member_find(ctx->rec, ctx->id->pk)) != NULL) {
		snprintf(s->m.me_party, sizeof(s->m.me_party), "%s",
		    me->party);
		s->m.me_role = me->role;
	}
	s->w.count = UI_WINDOW;
	s->w.budget = UI_BUDGET;
	s->w.defer = UI_DEFER;
	s->w.commitments = UI_CM_WINDOW;
	/* smaller windows, so that a test reaches their edges quickly */
	if ((env = getenv("DETENTE_UI_WINDOW")) != NULL && atoi(env) > 0)
		s->w.count = (size_t)atoi(env);
	if ((env = getenv("DETENTE_UI_CM_WINDOW")) != NULL && atoi(env) > 0)
		s->w.commitments = (size_t)atoi(env);
	f = record_last_failure(ctx->rec);
	if (f->code != 0) {
		s->m.failed = 1;
		snprintf(s->m.fail_detail, sizeof(s->m.fail_detail), "%s",
		    f->detail[0] != '\0' ? f->detail : _(dt_strerror(f->code)));
	}
	reload(s);
	if (s->v == NULL) {
		cli_error(ctx, _("cannot read the dialogue"),
		    store_path(record_store(ctx->rec)),
		    _("run `detente verify`"));
		return CLI_FAIL;
	}
	return CLI_OK;
}

/*
 * loop() - the one loop: draw when asked, wait for keys, drain a paste
 * before drawing again, run what the model asks for, and poll the
 * store.  Returns when a handler says UI_F_QUIT.
 */
static void
loop(struct ui_state *s)
{
	unsigned flags = UI_F_REDRAW;
	uint64_t last_poll = now_ms(), t, n;
	int last_min = -1;
	ui_drawn d;
	ui_key k;
	time_t now;
	struct tm tm;

	for (;;) {
		if (flags & UI_F_REDRAW) {
			ui_draw(&s->m, s->v, &d);
			ui_model_scrolled(&s->m, d.rec_top, d.rec_rows,
			    d.ag_top, d.cm_top, d.cm_rows);
			/* grown back after keys were ignored: say so */
			if (ui_model_sized(&s->m, d.too_small) & UI_F_REDRAW)
				ui_draw(&s->m, s->v, &d);
		}
		if (!s->no_complete && view_deferred(s->v)) {
			/* the first screen is up: now the rest of it */
			view *nv = NULL;
			int rc;

			flags = UI_F_REDRAW;
			rc = view_complete(&nv, s->v, s->ctx->rec);
			if (install(s, nv, rc) == 0)
				continue;
			s->no_complete = 1; /* said so; go on without */
		}
		flags = 0;
		if (ui_key_read(&k)) {
			flags = ui_model_key(&s->m, &k);
			/* a paste arrives as a burst: take it all first */
			while (!(flags & (UI_F_RUN | UI_F_QUIT |
			    UI_F_SUSPEND)) && ui_key_pending(&k))
				flags |= ui_model_key(&s->m, &k);
		}
		/* a run may ask for the next (a new topic is made current) */
		while (flags & UI_F_RUN) {
			flags &= ~UI_F_RUN;
			flags |= run_command(s);
		}
		if (flags & UI_F_QUIT)
			break;
		sync_filter(s);
		if (flags & UI_F_OLDER)
			flags |= older(s);
		if (flags & UI_F_OLDER_CM)
			flags |= older_cm(s);
		if (flags & UI_F_REPAINT)
			ui_crt_repaint();
		if (flags & UI_F_SUSPEND) {
			ui_crt_suspend();
			flags |= UI_F_REDRAW;
		}
		t = now_ms();
		if (t - last_poll >= (s->sync.pid != 0 ? POLL_SYNC_MS :
		    POLL_MS)) {
			last_poll = t;
			(void)ui_sync_poll(&s->sync);
			flags |= sync_header(s);
			if ((store_counts(s->ctx->rec, &n, NULL) == 0 &&
			    n != s->count) || evidence_raw(s) != s->ev_raw)
				flags |= UI_F_RELOAD;
			now = time(NULL);
			localtime_r(&now, &tm);
			if (tm.tm_min != last_min) {
				last_min = tm.tm_min;
				flags |= UI_F_REDRAW;
			}
		}
		if (flags & UI_F_RELOAD) {
			reload(s);
			flags |= UI_F_REDRAW;
		}
	}
}

static int
run(struct cli_ctx *ctx, int argc, char **argv)
{
	struct ui_state s;
	const char *why = NULL;
	int ret;

	memset(&s, 0, sizeof(s));
	s.ctx = ctx;
	if (argc > 2)
		return cli_bad_usage(ctx, &cmd_ui, _("unexpected argument"),
		    argv[2]);
	if (argc == 2) {
		if (argv[1][0] == '-')
			return cli_bad_usage(ctx, &cmd_ui, _("unknown option"),
			    argv[1]);
		ctx->dialogue = argv[1];
	}
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		cli_error(ctx, _("the terminal UI needs a terminal"), NULL,
		    _("run it in a terminal, or use the other commands"));
		return CLI_USAGE;
	}
	/* before curses: the passphrase prompt and every error line;
	 * the passphrase is kept (sodium memory) for `:sync`'s child */
	ctx->keep_pass = 1;
	ui_sync_init(&s.sync);
	if ((ret = session_record_key(ctx)) != CLI_OK)
		return ret;
	if ((ret = setup_model(&s)) != CLI_OK)
		goto out;
	if (ui_crt_init(&why) != 0) {
		cli_error(ctx, _("cannot start the terminal UI"), why, NULL);
		ret = CLI_USAGE;
		goto out;
	}
	loop(&s);
	ui_crt_done();
	ret = CLI_OK;
out:
	ui_sync_stop(&s.sync);
	ui_model_done(&s.m);
	view_free(s.v);
	return ret;
}

const struct cli_cmd cmd_ui = {
	"ui",
	N_("[DIALOGUE]"),
	N_("the live note-taking terminal UI (the default in a terminal)"),
	N_("Opens the dialogue (DIALOGUE: a hex prefix of its id, as\n"
	   "--dialogue) full screen.  Typing goes to the input line and\n"
	   "Enter adds it as a note; a prefix picks another kind:\n"
	   "Topic: (agenda item), STATEMENT:, PROPOSAL:, DECISION:, and\n"
	   "ACTION: [PARTY] OWNER YYYY-MM-DD|+DAYS text (a commitment).\n"
	   "INTERNAL: (or F8) makes it an internal note, which only your\n"
	   "party can read; the prompt says [RU only] before Enter.\n"
	   "On an empty line, / searches, : runs a command (:q quits),\n"
	   "? lists every key.  Entries from other processes appear\n"
	   "within a second.  Drafts stay in memory only.\n"),
	run
};
