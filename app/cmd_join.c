/*
 * cmd_join.c: `detente dialogue join [--yes] FILE`: the side that did
 * not create a dialogue makes its replica from a bundle that carries the
 * genesis, after comparing the heads' fingerprints aloud with the other
 * side.  Dispatched from cmd_dialogue.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../crypto/err.h"
#include "../crypto/keys.h"
#include "../crypto/keystore.h"
#include "../storage/bundle.h"
#include "../storage/payload.h"
#include "../storage/record.h"
#include "../storage/vis.h"
#include "cli.h"
#include "exchange.h"
#include "fmt.h"
#include "home.h"
#include "i18n.h"
#include "session.h"

/* Codes confirm() returns to decline; record_join() passes them on. */
#define JOIN_DECLINED DT_ESTATE
#define JOIN_NO_TTY DT_EINVAL

struct join_ask {
	struct cli_ctx *ctx;
	int yes;
};

static const char *
role_label(int role)
{
	switch (role) {
	case RECORD_ROLE_HEAD:
		return _("head");
	case RECORD_ROLE_DELEGATE:
		return _("delegate");
	default:
		return _("observer");
	}
}

/*
 * The longest a field from the record may be on the join screen, in
 * bytes as vis_buf() renders it: enough for a title of 120 Cyrillic
 * letters, short enough that nothing pushes the fingerprints away.
 */
#define JOIN_FIELD_BYTES 256U

/*
 * show() - what the joiner compares with the other side.  Everything
 * taken from the record (title, parties, names) comes first, each field
 * on its own line, rendered by vis_buf(): no control character, no line
 * break, no bidirectional override, bounded length.  Then detente draws
 * the fingerprints in a frame of its own, from the heads' keys, with
 * only the party codes (A-Z and 0-9 by the genesis rules, rendered all
 * the same) beside them, so that no text of the record can be drawn
 * between, over or in place of them.
 */
static void
show(FILE *out, record *r, const record_import_stats *st)
{
	char hex[2 * ENTRY_HASH_BYTES + 1], fp[KEY_FINGERPRINT_BYTES];
	char b[JOIN_FIELD_BYTES], p[PAYLOAD_PARTY_MAX * 3 + 4];
	char c[2][JOIN_FIELD_BYTES + 64];
	const record_member *m, *h;
	size_t i;

	key_hex(hex, record_id(r), ENTRY_HASH_BYTES);
	fprintf(out, _("Dialogue: %s\n"), fmt_title(b, sizeof(b), r));
	fprintf(out, _("Id:       %s\n"), hex);
	fprintf(out, _("Parties:  "));
	for (i = 0; i < record_nparties(r); i++)
		fprintf(out, "%s%s", i ? ", " : "", vis_buf(p, sizeof(p),
		    record_party(r, i), 0));
	fputc('\n', out);
	fprintf(out, _("Members:\n"));
	for (i = 0; i < record_nmembers(r); i++) {
		m = record_member_at(r, i);
		key_fingerprint(fp, m->pk);
		/* columns in display cells (fmt_cells()), whatever script */
		fprintf(out, "  %-6s %-24s %s  %s%s\n",
		    fmt_cells(c[0], sizeof(c[0]),
			vis_buf(p, sizeof(p), m->party, 0), 6),
		    fmt_cells(c[1], sizeof(c[1]),
			vis_buf(b, sizeof(b), m->name, 0), 24),
		    fp,
		    role_label(m->role), m->removed_clock ? _(" (removed)") :
		    "");
	}
	fprintf(out, ngettext("The bundle carries %llu entry (%llu held).\n",
	    "The bundle carries %llu entries (%llu held).\n",
	    st->added + st->known),
	    (unsigned long long)(st->added + st->known),
	    (unsigned long long)st->held);
	fputs("\n+--------------------------------------------------+\n",
	    out);
	fprintf(out, "| %-48s |\n",
	    fmt_cells(c[0], sizeof(c[0]), _("Heads of delegation: read these"),
		48));
	fprintf(out, "| %-48s |\n",
	    fmt_cells(c[0], sizeof(c[0]),
		_("fingerprints aloud with the other side"), 48));
	fputs("|                                                  |\n", out);
	for (i = 0; i < record_nparties(r); i++) {
		if ((h = record_head_of(r, record_party(r, i))) == NULL)
			continue;
		key_fingerprint(fp, h->pk);
		fprintf(out, "|   %-15s %-24s       |\n",
		    fmt_cells(c[0], sizeof(c[0]),
			vis_buf(p, sizeof(p), h->party, 0), 15),
		    fp);
	}
	fputs("+--------------------------------------------------+\n", out);
	fflush(out);
}

/* ask_tty() - the question, on the terminal; 1 for yes. */
static int
ask_tty(struct cli_ctx *ctx)
{
	static const char q[] = N_("Do the fingerprints match what the other "
	    "side read to you? [y/N] ");
	char line[64];
	FILE *tty;
	int yes = 0;

	if ((tty = fopen("/dev/tty", "r+")) == NULL)
		return -1;
	fputs(_(q), tty);
	fflush(tty);
	if (fgets(line, sizeof(line), tty) != NULL)
		yes = (line[0] == 'y' || line[0] == 'Y') &&
		    (line[1] == '\n' || line[1] == '\0' ||
		    strncmp(line + 1, "es", 2) == 0 ||
		    strncmp(line + 1, "ES", 2) == 0);
	fclose(tty);
	(void)ctx;
	return yes;
}

static int
confirm(void *arg, record *r, const record_import_stats *st)
{
	struct join_ask *a = arg;
	int yes;

	show(a->ctx->out, r, st);
	if (a->yes)
		return 0;
	yes = ask_tty(a->ctx);
	if (yes < 0)
		return JOIN_NO_TTY;
	return yes ? 0 : JOIN_DECLINED;
}

/* tell_members() - which identities of this home are members. */
static void
tell_members(struct cli_ctx *ctx, record *r)
{
	char path[PATH_MAX], name[KEY_NAME_MAX + 1], what[256];
	unsigned char pk[KEY_PK_BYTES];
	const record_member *m;
	char **names = NULL;
	size_t n = 0, i, found = 0;

	if (home_identities(&names, &n, ctx->home) != 0)
		return;
	for (i = 0; i < n; i++) {
		home_identity_path(path, sizeof(path), ctx->home, names[i]);
		if (keystore_read_public(name, pk, path) != 0 ||
		    (m = record_member_find(r, pk)) == NULL)
			continue;
		fprintf(ctx->out, _("%s is a member: %s, %s%s\n"), names[i],
		    m->party, role_label(m->role), m->removed_clock ?
		    _(" (removed)") : "");
		found++;
	}
	home_names_free(names, n);
	if (found == 0) {
		snprintf(what, sizeof(what), _("note: no identity of this "
		    "home is a member of the dialogue yet"));
		cli_error(ctx, what, ctx->home, _("a head of delegation adds "
		    "members with `detente member add`; then import the "
		    "bundle that carries the addition"));
	}
}

int
dialogue_join(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "yes", no_argument, NULL, 'y' },
		{ NULL, 0, NULL, 0 }
	};
	char dir[PATH_MAX], hex[2 * ENTRY_HASH_BYTES + 1];
	struct join_ask a;
	record_import_stats st;
	record_failure f;
	bundle_reader *b = NULL;
	record *r = NULL;
	int c, rc, ret;

	memset(&a, 0, sizeof(a));
	a.ctx = ctx;
	while ((c = getopt_long(argc, argv, ":y", opts, NULL)) != -1) {
		switch (c) {
		case 'y':
			a.yes = 1;
			break;
		default:
			return cli_opt_error(ctx, &cmd_dialogue, c, argv);
		}
	}
	if (optind + 1 != argc)
		return cli_bad_usage(ctx, &cmd_dialogue, optind < argc ?
		    _("unexpected argument") : _("missing FILE (a bundle "
		    "with the genesis)"), optind < argc ? argv[optind + 1] :
		    NULL);
	if ((ret = session_home(ctx, 1)) != CLI_OK)
		return ret;
	if ((ret = exchange_open_bundle(ctx, &b, argv[optind])) != CLI_OK)
		return ret;
	home_dialogues_dir(dir, sizeof(dir), ctx->home);
	rc = record_join(&r, dir, b, 0, confirm, &a, &st, &f);
	key_hex(hex, bundle_reader_dialogue(b), ENTRY_HASH_BYTES);
	/* A damaged file is said to be one, not what its pass tripped on. */
	if (rc != 0 && rc != JOIN_NO_TTY && rc != JOIN_DECLINED &&
	    rc != DT_EEXIST && (ret = exchange_damaged(ctx, b,
	    argv[optind])) != CLI_OK)
		goto out;
	switch (rc) {
	case 0:
		break;
	case JOIN_NO_TTY:
		cli_error(ctx, _("cannot ask on a terminal whether the "
		    "fingerprints match"), NULL, _("compare them with the "
		    "other side, then run again with --yes; nothing was "
		    "written"));
		ret = CLI_USAGE;
		goto out;
	case JOIN_DECLINED:
		cli_error(ctx, _("not joined: the fingerprints were not "
		    "confirmed"), hex, _("nothing was written; check with the "
		    "other side which file they sent"));
		ret = CLI_FAIL;
		goto out;
	case DT_EEXIST:
		cli_error(ctx, _("this home has the dialogue already"), hex,
		    _("bring it up to date with `detente bundle import FILE`"));
		ret = CLI_USAGE;
		goto out;
	case DT_ENOENT:
		cli_error(ctx, _("the bundle does not carry the dialogue's "
		    "genesis"), argv[optind], _("ask the other side for a "
		    "full bundle (`detente bundle export -o FILE` without "
		    "--since)"));
		ret = CLI_FAIL;
		goto out;
	default:
		ret = exchange_report_import(ctx, NULL, argv[optind], rc, &st,
		    &f);
		goto out;
	}
	fprintf(ctx->out, _("joined dialogue %s\n"), hex);
	ret = exchange_report_import(ctx, r, argv[optind], 0, &st, &f);
	tell_members(ctx, r);
	record_close(ctx->rec);
	ctx->rec = r;
	r = NULL;
out:
	record_close(r);
	bundle_reader_close(b);
	return ret;
}
