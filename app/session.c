/*
 * session.c: the home, the identity, the dialogue and its view, opened on
 * demand for a command, each failure told in one line.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "../crypto/err.h"
#include "../crypto/keys.h"
#include "../crypto/keystore.h"
#include "../storage/entry.h"
#include "../storage/payload.h"
#include "../storage/record.h"
#include "../storage/store.h"
#include "../storage/view.h"
#include "../storage/vis.h"
#include "agent.h"
#include "cli.h"
#include "feedmark.h"
#include "fmt.h"
#include "home.h"
#include "i18n.h"
#include "passphrase.h"
#include "session.h"

/*
 * unsafe_line() - the one line for what home_check_dirs() or
 * home_check_key() found; warn: as a warning (the file is used anyway).
 */
static void
unsafe_line(struct cli_ctx *ctx, const home_problem *p, int warn)
{
	char what[256], hint[PATH_MAX + 64];

	hint[0] = '\0';
	switch (p->what) {
	case HOME_WRITABLE:
		snprintf(what, sizeof(what), _("others can write to this "
		    "directory (mode %04o)"), p->mode);
		snprintf(hint, sizeof(hint), _("run `chmod go-w %s`"),
		    p->path);
		break;
	case HOME_NOT_OWNER:
		snprintf(what, sizeof(what), "%s", _("this belongs to another "
		    "user"));
		snprintf(hint, sizeof(hint), "%s", _("keep identities and "
		    "dialogues in a home of your own (--home DIR)"));
		break;
	case HOME_SYMLINK:
		snprintf(what, sizeof(what), "%s", _("this is a symbolic link"));
		snprintf(hint, sizeof(hint), "%s", _("keep identities and key "
		    "files in the home itself, or give the directory that "
		    "holds them with --home"));
		break;
	case HOME_NOT_DIR:
		snprintf(what, sizeof(what), "%s", _("not a directory"));
		break;
	case HOME_KEY_OPEN:
		snprintf(what, sizeof(what), _("others can access this key file "
		    "(mode %04o)"), p->mode);
		snprintf(hint, sizeof(hint), _("run `chmod 600 %s`"),
		    p->path);
		break;
	case HOME_NOT_FILE:
	default:
		snprintf(what, sizeof(what), "%s", _("the key file is not a "
		    "regular file"));
		break;
	}
	if (warn) {
		char line[sizeof(what) + 16];

		snprintf(line, sizeof(line), _("warning: %s"), what);
		cli_error(ctx, line, p->path, hint[0] ? hint : NULL);
	} else
		cli_error(ctx, what, p->path, hint[0] ? hint : NULL);
}

int
session_home(struct cli_ctx *ctx, int create)
{
	home_problem p;
	int rc;

	if (ctx->home == NULL &&
	    (rc = home_resolve(&ctx->home, ctx->home_opt)) != 0) {
		cli_error_rc(ctx, _("cannot find the home directory"), rc,
		    ctx->home_opt, _("use --home DIR or set DETENTE_HOME"));
		return CLI_USAGE;
	}
	if (create && (rc = home_ensure(ctx->home)) != 0) {
		cli_error(ctx, _("cannot create the home directory"),
		    ctx->home, strerror(errno));
		return CLI_USAGE;
	}
	/* A home others can write to can have its keys or records swapped. */
	if (home_check_dirs(ctx->home, &p) != HOME_SAFE) {
		unsafe_line(ctx, &p, 0);
		return CLI_USAGE;
	}
	return CLI_OK;
}

int
session_pick_identity(struct cli_ctx *ctx, char name[KEY_NAME_MAX + 1],
    unsigned char pk[KEY_PK_BYTES])
{
	char path[PATH_MAX], kname[KEY_NAME_MAX + 1];
	unsigned char kpk[KEY_PK_BYTES];
	int rc;

	if ((rc = session_home(ctx, 0)) != CLI_OK)
		return rc;
	rc = home_choose_identity(name, ctx->home, ctx->as);
	switch (rc) {
	case 0:
		break;
	case DT_EINVAL:
		cli_error(ctx, _("not an identity name"), ctx->as,
		    _("names are 1 to 63 bytes without spaces or '+'"));
		return CLI_USAGE;
	case DT_ENOENT:
		if (ctx->as != NULL)
			cli_error(ctx, _("no such identity"), ctx->as,
			    _("see `detente id list`"));
		else
			cli_error(ctx, _("no identity in this home"),
			    ctx->home,
			    _("create one with `detente id new --name NAME`"));
		return CLI_USAGE;
	case DT_EAMBIG:
		cli_error(ctx, _("several identities and no default"),
		    ctx->home, _("choose one with --as NAME"));
		return CLI_USAGE;
	default:
		cli_error_rc(ctx, _("cannot list identities"), rc, ctx->home,
		    _("check the home directory"));
		return CLI_USAGE;
	}
	if (pk == NULL)
		return CLI_OK;
	home_identity_path(path, sizeof(path), ctx->home, name);
	if ((rc = keystore_read_public(kname, kpk, path)) != 0) {
		cli_error_rc(ctx, _("cannot read the identity"), rc, path,
		    rc == DT_EFORMAT || rc == DT_EVERSION ?
		    _("the keystore file is damaged; restore it from a backup") :
		    _("check the file"));
		return rc == DT_EFORMAT ? CLI_FAIL : CLI_USAGE;
	}
	memcpy(pk, kpk, KEY_PK_BYTES);
	return CLI_OK;
}

int
session_read_passphrase(struct cli_ctx *ctx, char **pass, size_t *len,
    const char *prompt, int confirm)
{
	char *p;

	*pass = NULL;
	*len = 0;
	if (ctx->passfile == NULL && passphrase_from_fd()) {
		if (ctx->pass == NULL && passphrase_read(&ctx->pass,
		    &ctx->passlen, NULL, prompt, 0, ctx->err) != 0)
			return CLI_USAGE;
		if ((p = sodium_malloc(ctx->passlen + 1)) == NULL) {
			cli_error(ctx, _("out of memory"), NULL, NULL);
			return CLI_USAGE;
		}
		memcpy(p, ctx->pass, ctx->passlen + 1);
		*pass = p;
		*len = ctx->passlen;
		return CLI_OK;
	}
	if (passphrase_read(pass, len, ctx->passfile, prompt, confirm,
	    ctx->err) != 0)
		return CLI_USAGE;
	if (ctx->keep_pass) {
		passphrase_free(ctx->pass);
		ctx->passlen = 0;
		if ((ctx->pass = sodium_malloc(*len + 1)) != NULL) {
			memcpy(ctx->pass, *pass, *len + 1);
			ctx->passlen = *len;
		}
	}
	return CLI_OK;
}

/*
 * unlock_tries() - read a passphrase and unlock the keystore at path
 * into *id; on a terminal, a wrong passphrase is asked for again, up to
 * PASSPHRASE_TRIES times in all (a file or a descriptor gives one line:
 * asking it again would give the same).  @param[out] rc  what the last
 * keystore_unlock() returned.  @return CLI_OK (look at *rc), or the
 * passphrase could not be read (the line is printed).
 */
static int
unlock_tries(struct cli_ctx *ctx, key_identity **id, const char *path,
    const char *prompt, int *rc)
{
	int tries = passphrase_is_tty(ctx->passfile) ? PASSPHRASE_TRIES : 1;
	char *pass = NULL;
	size_t plen = 0;
	int ret;

	for (;;) {
		if ((ret = session_read_passphrase(ctx, &pass, &plen, prompt,
		    0)) != CLI_OK)
			return ret;
		*rc = keystore_unlock(id, path, pass, plen);
		passphrase_free(pass);
		if (*rc != DT_EPASS || --tries == 0)
			return CLI_OK;
		fprintf(ctx->err, "%s\n", _("Wrong passphrase; try again."));
		fflush(ctx->err);
	}
}

int
session_unlock(struct cli_ctx *ctx)
{
	char name[KEY_NAME_MAX + 1], path[PATH_MAX];
	unsigned char pk[KEY_PK_BYTES];
	home_problem p;
	int rc, ret;

	if (ctx->id != NULL)
		return CLI_OK;
	if ((ret = session_pick_identity(ctx, name, NULL)) != CLI_OK)
		return ret;
	home_identity_path(path, sizeof(path), ctx->home, name);
	/* the same rule with or without an agent: a private key file */
	if (home_check_key(path, &p) != HOME_SAFE) {
		unsafe_line(ctx, &p, 0);
		return CLI_USAGE;
	}
	/* An agent that holds the identity signs for it: no passphrase. */
	if ((ret = session_pick_identity(ctx, name, pk)) != CLI_OK)
		return ret;
	if ((rc = agent_identity(&ctx->id, name, pk)) == 0)
		return CLI_OK;
	ctx->id = NULL;
	return session_unlock_passphrase(ctx);
}

int
session_unlock_passphrase(struct cli_ctx *ctx)
{
	char name[KEY_NAME_MAX + 1], path[PATH_MAX], prompt[256];
	char vname[3 * KEY_NAME_MAX + 4];
	unsigned char pk[KEY_PK_BYTES];
	home_problem p;
	int rc, ret;

	if (ctx->id != NULL && ctx->id->sk != NULL)
		return CLI_OK;
	key_identity_free(ctx->id);
	ctx->id = NULL;
	if ((ret = session_pick_identity(ctx, name, NULL)) != CLI_OK)
		return ret;
	home_identity_path(path, sizeof(path), ctx->home, name);
	/* As ssh refuses a private key others can read; before reading it. */
	if (home_check_key(path, &p) != HOME_SAFE) {
		unsafe_line(ctx, &p, 0);
		return CLI_USAGE;
	}
	if ((ret = session_pick_identity(ctx, name, pk)) != CLI_OK)
		return ret;
	/* the name may be a file's: vis.h renders it on the terminal */
	snprintf(prompt, sizeof(prompt), _("Passphrase for %s: "),
	    vis_buf(vname, sizeof(vname), name, 0));
	if ((ret = unlock_tries(ctx, &ctx->id, path, prompt, &rc)) != CLI_OK)
		return ret;
	switch (rc) {
	case 0:
		return CLI_OK;
	case DT_EPASS:
		cli_error(ctx, _("wrong passphrase"), name,
		    _("try again (or the keystore file was altered)"));
		return CLI_USAGE;
	case DT_EFORMAT:
	case DT_EVERSION:
		cli_error_rc(ctx, _("corrupted keystore"), rc, path,
		    _("restore the file from a backup"));
		return CLI_FAIL;
	default:
		cli_error_rc(ctx, _("cannot unlock the identity"), rc, path,
		    _("check the file"));
		return CLI_USAGE;
	}
}

int
session_unlock_file(struct cli_ctx *ctx, record *r, const char *keyfile)
{
	char kname[KEY_NAME_MAX + 1];
	unsigned char kpk[KEY_PK_BYTES];
	key_identity *id = NULL;
	home_problem p;
	int rc, ret;

	/*
	 * A key file named on the command line is used, with a warning:
	 * it may sit on a stick (FAT) whose files cannot be made private.
	 */
	if (home_check_key(keyfile, &p) != HOME_SAFE)
		unsafe_line(ctx, &p, 1);

	/* an agent that holds this identity opens the key wrap for it */
	if (keystore_read_public(kname, kpk, keyfile) == 0 &&
	    agent_identity(&id, kname, kpk) == 0)
		rc = 0;
	else if ((ret = unlock_tries(ctx, &id, keyfile,
	    _("Passphrase for the key file: "), &rc)) != CLI_OK)
		return ret;
	if (rc != 0) {
		cli_error_rc(ctx, _("cannot unlock the key file"), rc, keyfile,
		    rc == DT_EPASS ? _("check the passphrase") :
		    _("give an identity file written by `detente id new`"));
		return CLI_USAGE;
	}
	rc = record_unlock(r, id);
	key_identity_free(id);
	if (rc != 0) {
		cli_error_rc(ctx, _("the key file opens no key of this "
		    "dialogue"), rc, keyfile, _("give the identity file of a "
		    "member of this dialogue"));
		return CLI_USAGE;
	}
	return CLI_OK;
}

/* report_failure() - one line for a record that failed a check. */
static void
report_failure(struct cli_ctx *ctx, const char *what)
{
	const record_failure *f = record_last_failure(ctx->rec);
	char obj[256], hex[17];

	if (f->has_entry) {
		key_hex(hex, f->hash, 8);
		snprintf(obj, sizeof(obj), "%s (entry %s, seq %llu)",
		    f->detail[0] ? f->detail : _(dt_strerror(f->code)), hex,
		    (unsigned long long)f->seq);
	} else
		snprintf(obj, sizeof(obj), "%s", f->detail[0] ? f->detail :
		    _(dt_strerror(f->code)));
	cli_error(ctx, what, obj, _("run `detente verify` for details"));
}

void
session_no_dialogue(struct cli_ctx *ctx)
{
	const char *env = getenv("DETENTE_HOME"), *demo, *base;
	char dir[PATH_MAX], hint[PATH_MAX + 200];
	char **ids = NULL;
	size_t n = 0;

	demo = getenv("DETENTE_DEMO_HOME");
	base = getenv("HOME");
	dir[0] = '\0';
	if (demo != NULL && *demo != '\0')
		snprintf(dir, sizeof(dir), "%s", demo);
	else if (base != NULL && *base != '\0')
		snprintf(dir, sizeof(dir), "%s/.local/share/detente-demo",
		    base);
	if (ctx->home_opt == NULL && (env == NULL || *env == '\0') &&
	    dir[0] != '\0' && strcmp(dir, ctx->home) != 0 &&
	    home_dialogues(&ids, &n, dir) == 0 && n > 0) {
		snprintf(hint, sizeof(hint), _("the demo of `./dev demo` is "
		    "in another home: give --home %s (or set DETENTE_HOME)"),
		    dir);
		cli_error(ctx, _("no dialogue in this home"), ctx->home, hint);
	} else
		cli_error(ctx, _("no dialogue in this home"), ctx->home,
		    _("create one with `detente dialogue new` or `detente "
		    "demo`, or choose another home with --home DIR or "
		    "DETENTE_HOME"));
	home_names_free(ids, n);
}

int
session_dialogue_path(struct cli_ctx *ctx, char *path, size_t pathlen)
{
	char hexid[HOME_ID_HEX + 1];
	int rc;

	if ((rc = session_home(ctx, 0)) != CLI_OK)
		return rc;
	rc = home_choose_dialogue(hexid, ctx->home, ctx->dialogue);
	switch (rc) {
	case 0:
		break;
	case DT_EINVAL:
		cli_error(ctx, _("not a dialogue id"), ctx->dialogue,
		    _("give 4 to 64 hex digits of an id from `detente dialogue list`"));
		return CLI_USAGE;
	case DT_ENOENT:
		if (ctx->dialogue != NULL)
			cli_error(ctx, _("no such dialogue"), ctx->dialogue,
			    _("see `detente dialogue list`"));
		else
			session_no_dialogue(ctx);
		return CLI_USAGE;
	case DT_EAMBIG:
		if (ctx->dialogue != NULL)
			cli_error(ctx, _("several dialogues match"),
			    ctx->dialogue, _("give more digits of the id"));
		else
			cli_error(ctx, _("several dialogues in this home"),
			    ctx->home,
			    _("choose one with --dialogue ID (see `detente dialogue list`)"));
		return CLI_USAGE;
	default:
		cli_error_rc(ctx, _("cannot list dialogues"), rc, ctx->home,
		    _("check the home directory"));
		return CLI_USAGE;
	}
	home_dialogue_path(path, pathlen, ctx->home, hexid);
	return CLI_OK;
}

/* An opening's progress bar on stderr (open_progress()). */
struct open_bar {
	double started;
	int on, drawn;
};

static double
bar_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * open_progress() - record_open_progress()'s hook: a bar on a terminal,
 * once the check of what is new has taken half a second.
 */
static void
open_progress(void *c, uint64_t done, uint64_t total)
{
	struct open_bar *b = c;
	char bar[31];
	unsigned fill, i;

	if (!b->on || total == 0 || bar_now() - b->started < 0.5)
		return;
	if (done > total)
		done = total;
	fill = (unsigned)(done * 30U / total);
	for (i = 0; i < 30; i++)
		bar[i] = i < fill ? '#' : ' ';
	bar[30] = '\0';
	fprintf(stderr, _("\rchecking new entries: [%s] %3u%% %llu of %llu"),
	    bar, (unsigned)(done * 100U / total), (unsigned long long)done,
	    (unsigned long long)total);
	fflush(stderr);
	b->drawn = 1;
}

int
session_open(record **out, const char *path)
{
	struct open_bar b = { 0.0, 0, 0 };
	record_walk_hooks h;
	const record_stats *st;
	int rc;

	memset(&h, 0, sizeof(h));
	h.progress = open_progress;
	h.ctx = &b;
	b.started = bar_now();
	b.on = isatty(2);
	rc = record_open_progress(out, path, &h);
	if (b.drawn)
		fputs("\r\033[K", stderr);
	/* For tests and benchmarks: what the opening checked (not prose). */
	if (rc == 0 && getenv("DETENTE_DEBUG_OPEN") != NULL) {
		st = record_open_stats(*out);
		fprintf(stderr, "debug-open: control %llu sig %llu cached %llu "
		    "read %llu entries %llu ms %.3f\n",
		    (unsigned long long)st->ctl_entries,
		    (unsigned long long)st->ctl_sig_checked,
		    (unsigned long long)st->ctl_cached,
		    (unsigned long long)st->ctl_read,
		    (unsigned long long)st->entries,
		    (bar_now() - b.started) * 1000.0);
	}
	return rc;
}

int
session_record(struct cli_ctx *ctx, int quiet)
{
	char path[PATH_MAX];
	int rc;

	if (ctx->rec != NULL)
		return CLI_OK;
	if ((rc = session_dialogue_path(ctx, path, sizeof(path))) != CLI_OK)
		return rc;
	if ((rc = session_open(&ctx->rec, path)) != 0) {
		ctx->rec = NULL;
		cli_error_rc(ctx, _("cannot open the dialogue"), rc, path,
		    cli_exit_for(rc) == CLI_FAIL ?
		    _("the record is damaged; run `detente verify`") :
		    _("check the directory"));
		return cli_exit_for(rc);
	}
	if (!quiet && record_last_failure(ctx->rec)->code != 0)
		report_failure(ctx, _("warning: this record failed verification"));
	return CLI_OK;
}

int
session_record_key(struct cli_ctx *ctx)
{
	int ret, rc;

	if ((ret = session_record(ctx, 0)) != CLI_OK)
		return ret;
	if (record_key(ctx->rec) != NULL)
		return CLI_OK;
	if ((ret = session_unlock(ctx)) != CLI_OK)
		return ret;
	rc = record_unlock(ctx->rec, ctx->id);
	if (rc == DT_ENOKEY) {
		cli_error(ctx, _("not a member of this dialogue"), ctx->id->name,
		    _("ask a head of delegation to add you"));
		return CLI_FAIL;
	}
	if (rc != 0) {
		cli_error_rc(ctx, _("cannot unlock the dialogue key"), rc,
		    ctx->id->name, _("run `detente verify`"));
		return cli_exit_for(rc);
	}
	return CLI_OK;
}

/*
 * check_heads() - do the feeds' last entries, which a new entry builds
 * on (prev, references), still hash to what the head rows say?  The
 * verified watermark spares older entries from being read again at
 * every open; these few are read at every write.
 */
static int
check_heads(record *r)
{
	store_txn *t = NULL;
	int rc;

	if ((rc = store_txn_begin(&t, record_store(r), 0)) != 0)
		return rc;
	rc = store_check_heads(t);
	store_txn_abort(t);
	return rc;
}

int
session_writable(struct cli_ctx *ctx)
{
	if (!store_readonly(record_store(ctx->rec)))
		return CLI_OK;
	cli_error(ctx, _("the dialogue can only be read here (a read-only "
	    "file system, or no write permission)"),
	    store_path(record_store(ctx->rec)), _("nothing was written; "
	    "write from a copy you may change"));
	return CLI_USAGE;
}

int
session_writer(struct cli_ctx *ctx, unsigned kind)
{
	record_failure f;
	const char *why = NULL;
	char what[320];
	int ret, rc;

	if ((ret = session_record(ctx, 1)) != CLI_OK)
		return ret;
	if ((ret = session_writable(ctx)) != CLI_OK)
		return ret;
	if (record_last_failure(ctx->rec)->code != 0) {
		report_failure(ctx,
		    _("refusing to write to a record that failed verification"));
		return CLI_FAIL;
	}
	if ((rc = check_heads(ctx->rec)) != 0) {
		cli_error_rc(ctx, _("refusing to write to a record that "
		    "failed verification"), rc,
		    store_path(record_store(ctx->rec)),
		    _("run `detente verify`"));
		return CLI_FAIL;
	}
	if (feedmark_check(ctx, &f) != 0) {
		snprintf(what, sizeof(what), _("refusing to write: %s"),
		    f.detail);
		cli_error(ctx, what, store_path(record_store(ctx->rec)),
		    _("import the lost entries from the other side (`detente "
		    "bundle import`) first: writing now would fork the feed"));
		return CLI_FAIL;
	}
	if ((ret = session_record_key(ctx)) != CLI_OK)
		return ret;
	if (record_may_write(ctx->rec, ctx->id->pk, kind, UINT64_MAX,
	    &why) != 0) {
		snprintf(what, sizeof(what), _("%s may not write %s entries"),
		    ctx->id->name, entry_kind_name(kind));
		cli_error(ctx, what, why != NULL ? _(why) :
		    _("not allowed by the dialogue's rules"),
		    _("ask a head of delegation"));
		return CLI_FAIL;
	}
	return CLI_OK;
}

int
session_view(struct cli_ctx *ctx, view **out)
{
	return session_view_of(ctx, ctx->rec, out);
}

int
session_view_of(struct cli_ctx *ctx, record *r, view **out)
{
	int rc;

	if ((rc = view_load(out, r)) != 0) {
		cli_error_rc(ctx, _("cannot read the dialogue"), rc,
		    store_path(record_store(r)), _("run `detente verify`"));
		return cli_exit_for(rc);
	}
	return CLI_OK;
}

int
session_view_window(struct cli_ctx *ctx, const view_window *w, view **out)
{
	int rc;

	if ((rc = view_load_window(out, ctx->rec, w, NULL)) != 0) {
		cli_error_rc(ctx, _("cannot read the dialogue"), rc,
		    store_path(record_store(ctx->rec)),
		    _("run `detente verify`"));
		return cli_exit_for(rc);
	}
	return CLI_OK;
}

int
session_view_structure(struct cli_ctx *ctx, view **out)
{
	view_window w;

	memset(&w, 0, sizeof(w));
	return session_view_window(ctx, &w, out);
}

/* find_error() - the error line for an id that did not resolve. */
static int
find_error(struct cli_ctx *ctx, int rc, const char *id)
{
	switch (rc) {
	case 0:
		return CLI_OK;
	case DT_EINVAL:
		cli_error(ctx, _("not an entry id"), id,
		    _("give 4 or more hex digits, as `detente log` shows them"));
		break;
	case DT_EAMBIG:
		cli_error(ctx, _("several entries match"), id,
		    _("give more digits of the id"));
		break;
	default:
		cli_error(ctx, _("no such entry"), id,
		    _("see `detente log` for entry ids"));
		break;
	}
	return CLI_USAGE;
}

int
session_find(struct cli_ctx *ctx, const view *v, const char *id,
    const view_item **out)
{
	int rc = view_find_prefix(out, v, id);

	if (rc == 0)
		return CLI_OK;
	return find_error(ctx, rc, id);
}

int
session_view_for(struct cli_ctx *ctx, const char *id, const view_window *bw,
    view **out, const view_item **it)
{
	unsigned char h[ENTRY_HASH_BYTES];
	view_window w;
	size_t i, n = strlen(id);
	int rc, ret;

	*out = NULL;
	*it = NULL;
	/* view_find_prefix()'s rule: 4 to 64 hex digits */
	for (i = 0; i < n; i++)
		if (!isxdigit((unsigned char)id[i]))
			break;
	if (n < 4 || n > 2 * ENTRY_HASH_BYTES || i < n)
		return find_error(ctx, DT_EINVAL, id);
	if ((rc = record_find(ctx->rec, id, h)) != 0) {
		if (rc != DT_ENOENT && rc != DT_EAMBIG) {
			cli_error_rc(ctx, _("cannot read the dialogue"), rc,
			    store_path(record_store(ctx->rec)),
			    _("run `detente verify`"));
			return cli_exit_for(rc);
		}
		return find_error(ctx, rc, id);
	}
	if (bw != NULL)
		w = *bw;
	else
		memset(&w, 0, sizeof(w));
	w.also = h;
	if ((ret = session_view_window(ctx, &w, out)) != CLI_OK)
		return ret;
	if ((*it = view_find(*out, h)) == NULL) {
		view_free(*out);
		*out = NULL;
		return find_error(ctx, DT_ENOENT, id);
	}
	return CLI_OK;
}

int
session_not_internal(struct cli_ctx *ctx, const view_item *t, const char *id)
{
	if (!view_item_internal(t))
		return CLI_OK;
	cli_error(ctx, _("an internal note cannot be the target of an entry "
	    "of the joint record"), id, _("nothing was written; to add to "
	    "it, write another internal note (`detente add note "
	    "--internal`)"));
	return CLI_USAGE;
}

int
session_append(struct cli_ctx *ctx, unsigned kind, const json_t *payload,
    unsigned char hash[ENTRY_HASH_BYTES])
{
	return session_append_as(ctx, kind, payload, 0, hash);
}

/*
 * internal_nokey() - why id cannot write an internal note: its party
 * has no party key yet (only its head starts one), or it was not given
 * the newest.
 */
static void
internal_nokey(struct cli_ctx *ctx)
{
	const record_member *me = record_member_find(ctx->rec, ctx->id->pk);
	const record_member *head = me != NULL ?
	    record_head_of(ctx->rec, me->party) : NULL;
	char what[160], hint[256];

	if (me == NULL)
		return;
	if (record_party_epochs(ctx->rec, me->party) == 0) {
		snprintf(what, sizeof(what), _("%s has no internal key yet"),
		    me->party);
		snprintf(hint, sizeof(hint), _("nothing was written; the head "
		    "of %s (%s) starts it by writing the first internal note "
		    "or with `detente dialogue rekey --internal`"), me->party,
		    head != NULL ? head->name : "?");
	} else {
		snprintf(what, sizeof(what), _("you do not hold the newest "
		    "internal key of %s"), me->party);
		snprintf(hint, sizeof(hint), _("nothing was written; import "
		    "the latest bundle from your delegation, or ask the head "
		    "of %s (%s) to give it to you"), me->party,
		    head != NULL ? head->name : "?");
	}
	cli_error(ctx, what, ctx->id->name, hint);
}

int
session_append_as(struct cli_ctx *ctx, unsigned kind, const json_t *payload,
    int internal, unsigned char hash[ENTRY_HASH_BYTES])
{
	unsigned char h[ENTRY_HASH_BYTES];
	char what[160], shortid[FMT_SHORT_BYTES];
	char *text;
	int rc, created = 0;

	if ((text = payload_dump(payload)) == NULL) {
		cli_error(ctx, _("cannot encode the entry"), entry_kind_name(kind),
		    _("check that the text is valid UTF-8"));
		return CLI_USAGE;
	}
	rc = internal ? record_append_internal(ctx->rec, ctx->id, text, h, NULL,
	    &created) : record_append(ctx->rec, ctx->id, kind, text, h, NULL);
	payload_free(text);
	if (internal && rc == DT_ENOKEY && record_key(ctx->rec) != NULL) {
		internal_nokey(ctx);
		return CLI_FAIL;
	}
	if (rc == DT_ESTATE && entry_kind_is_content(kind) &&
	    json_is_integer(json_object_get(payload, "meeting"))) {
		const record_member *me = record_member_find(ctx->rec,
		    ctx->id->pk);

		/* the record's rule (late.h): said in the user's terms */
		snprintf(what, sizeof(what),
		    _("meeting %lld is closed by your side (%s)"),
		    (long long)json_integer_value(json_object_get(payload,
		    "meeting")), me != NULL ? me->party : "?");
		cli_error(ctx, what, entry_kind_name(kind),
		    _("nothing was written; write in an open meeting, or "
		    "open the next one with `detente meeting open`"));
		return CLI_FAIL;
	}
	if (rc != 0) {
		snprintf(what, sizeof(what), _("cannot append a %s entry"),
		    entry_kind_name(kind));
		cli_error_rc(ctx, what, rc, ctx->id->name,
		    rc == DT_EMEMBER ?
		    _("the dialogue's rules do not allow it") :
		    cli_exit_for(rc) == CLI_FAIL ?
		    _("run `detente verify`") : _("nothing was written"));
		return cli_exit_for(rc);
	}
	if (hash != NULL)
		memcpy(hash, h, ENTRY_HASH_BYTES);
	if (created) {
		const record_member *me = record_member_find(ctx->rec,
		    ctx->id->pk);

		/* on stderr: stdout stays the entry's id, for scripts */
		fprintf(ctx->err, _("detente: started the internal key of %s: "
		    "only its members can read its internal notes\n"),
		    me != NULL ? me->party : "?");
	}
	/* Written; a mark that cannot be kept only weakens a later check. */
	(void)feedmark_note(ctx);
	fmt_short(shortid, h);
	fprintf(ctx->out, "%s\n", shortid);
	return CLI_OK;
}

const char *
session_closes_missing(char *b, size_t cap, const view *v,
    const view_meeting *m)
{
	size_t i, k = 0, n = 0, len = 0;

	for (i = 0; i < view_nparties(v); i++)
		if (m->closes[i] == NULL)
			n++;
	b[0] = '\0';
	for (i = 0; i < view_nparties(v) && len < cap; i++) {
		if (m->closes[i] != NULL)
			continue;
		len += (size_t)snprintf(b + len, cap - len, "%s%s",
		    k == 0 ? "" : k + 1 == n ? _(" and ") : ", ",
		    view_party(v, i));
		k++;
	}
	return b;
}

long long
session_meeting_for(struct cli_ctx *ctx, const view *v,
    const view_item *target)
{
	const record_member *me = ctx->id != NULL ?
	    record_member_find(ctx->rec, ctx->id->pk) : NULL;
	const view_meeting *m;

	/* add's rule: the meeting the writer's own side has open */
	if (me != NULL && (m = view_current_meeting_for(v, me->party)) != NULL)
		return m->number;
	/* none: the last, which session_append() refuses by name */
	if ((m = view_last_meeting(v)) != NULL)
		return m->number;
	return target != NULL && target->meeting >= 0 ? target->meeting : 0;
}
