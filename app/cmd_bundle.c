/*
 * cmd_bundle.c: `detente bundle export|state|import`: entries between
 * replicas as files (a USB stick, e-mail).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../crypto/err.h"
#include "../crypto/keys.h"
#include "../storage/bundle.h"
#include "../storage/record.h"
#include "../storage/store.h"
#include "../storage/vis.h"
#include "cli.h"
#include "exchange.h"
#include "home.h"
#include "i18n.h"
#include "outfile.h"
#include "session.h"

/*
 * read_state() - a state file, decoded, or an error line.  A missing or
 * empty file is no state at all (*absent set, s untouched): the first
 * round of an exchange has none, and the bundle then carries everything.
 */
static int
read_state(struct cli_ctx *ctx, bundle_state *s, const char *path,
    int *absent)
{
	unsigned char *buf = NULL, *nb;
	size_t len = 0, cap = 0, n;
	const char *why = NULL;
	char what[160];
	FILE *f;
	int rc;

	*absent = 0;
	if ((f = fopen(path, "rb")) == NULL && errno == ENOENT) {
		*absent = 1;
		return CLI_OK;
	}
	if (f == NULL) {
		cli_error(ctx, _("cannot read the state file"), path,
		    strerror(errno));
		return CLI_USAGE;
	}
	do {
		if (len == cap) {
			cap = cap ? 2 * cap : 4096;
			/* A state file lists feeds: far below this. */
			if (cap > (64U << 20) || (nb = realloc(buf, cap)) ==
			    NULL) {
				fclose(f);
				free(buf);
				cli_error(ctx, _("the state file is too large"),
				    path, NULL);
				return CLI_USAGE;
			}
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	if (ferror(f)) {
		fclose(f);
		free(buf);
		cli_error(ctx, _("cannot read the state file"), path,
		    strerror(errno));
		return CLI_USAGE;
	}
	fclose(f);
	if (len == 0) {
		free(buf);
		*absent = 1;
		return CLI_OK;
	}
	rc = bundle_state_decode(s, buf, len, &why);
	free(buf);
	if (rc != 0) {
		snprintf(what, sizeof(what), _("bad state file: %s"),
		    why != NULL ? _(why) : _(dt_strerror(rc)));
		cli_error(ctx, what, path, _("ask the other side for a new "
		    "one (`detente bundle state -o FILE`)"));
		return CLI_USAGE;
	}
	return CLI_OK;
}

/* bundle_export_cmd() - `bundle export [--since STATE] -o FILE`. */
static int
bundle_export_cmd(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "since", required_argument, NULL, 's' },
		{ "output", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'F' },
		{ NULL, 0, NULL, 0 }
	};
	const char *since = NULL, *outp = NULL;
	char who[2 * KEY_PK_BYTES + KEY_NAME_MAX + 8], what[512], pb[640];
	bundle_export_info info;
	bundle_state st;
	struct outfile o;
	unsigned oflags = 0;
	size_t i;
	int c, rc, ret, absent = 0;

	memset(&st, 0, sizeof(st));
	memset(&info, 0, sizeof(info));
	while ((c = getopt_long(argc, argv, ":o:", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			since = optarg;
			break;
		case 'o':
			outp = optarg;
			break;
		case 'F':
			oflags |= OUTFILE_FORCE;
			break;
		default:
			return cli_opt_error(ctx, &cmd_bundle, c, argv);
		}
	}
	if (optind < argc)
		return cli_bad_usage(ctx, &cmd_bundle, _("unexpected argument"),
		    argv[optind]);
	if (outp == NULL)
		return cli_bad_usage(ctx, &cmd_bundle, _("missing -o FILE"),
		    NULL);
	if ((ret = session_record(ctx, 0)) != CLI_OK)
		return ret;
	if (since != NULL &&
	    (ret = read_state(ctx, &st, since, &absent)) != CLI_OK)
		return ret;
	if (absent) {
		cli_error(ctx, _("note: no state in this file (missing or "
		    "empty)"), since, _("the bundle carries every entry"));
		since = NULL;
	}
	if ((ret = outfile_open(ctx, &o, outp, oflags, 0600)) != CLI_OK)
		goto out;
	rc = bundle_export(o.f, record_store(ctx->rec), since ? &st : NULL,
	    &info);
	if (rc == DT_EDIALOGUE) {
		(void)outfile_close(ctx, &o, 0);
		cli_error(ctx, _("the state file is for another dialogue"),
		    since, _("use --dialogue ID, or ask for the right file"));
		ret = CLI_USAGE;
		goto out;
	}
	if (rc != 0) {
		(void)outfile_close(ctx, &o, 0);
		cli_error_rc(ctx, _("cannot write the bundle"), rc, outp,
		    _("nothing was written"));
		ret = cli_exit_for(rc);
		goto out;
	}
	if ((ret = outfile_close(ctx, &o, 1)) != CLI_OK)
		goto out;
	for (i = 0; i < info.ndiverged; i++) {
		exchange_author(who, sizeof(who), ctx->rec,
		    info.diverged[i].author);
		snprintf(what, sizeof(what), _("warning: the other side's "
		    "state disagrees with this record about %s at seq %llu"),
		    who, (unsigned long long)(info.diverged[i].next_seq - 1));
		cli_error(ctx, what, since, _("it holds a fork or another "
		    "history; the bundle carries this record's entry there "
		    "and after it, and its import there keeps the fork as "
		    "evidence"));
	}
	if (!outfile_is_stdout(outp)) {
		char ne[48], nf[48];

		snprintf(ne, sizeof(ne), ngettext("%lu entry", "%lu entries",
		    info.entries), (unsigned long)info.entries);
		snprintf(nf, sizeof(nf), ngettext("%lu feed", "%lu feeds",
		    info.feeds), (unsigned long)info.feeds);
		fprintf(ctx->out, _("bundle written to %s (%s, %s)\n"),
		    vis_buf(pb, sizeof(pb), outp, 0),
		    ne, nf);
	}
out:
	free(info.diverged);
	bundle_state_done(&st);
	return ret;
}

/* bundle_state_cmd() - `bundle state -o FILE`. */
static int
bundle_state_cmd(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'F' },
		{ NULL, 0, NULL, 0 }
	};
	const char *outp = NULL;
	char pb[640];
	unsigned char *buf = NULL;
	struct outfile o;
	store_txn *t = NULL;
	bundle_state st;
	unsigned oflags = 0;
	size_t len = 0;
	int c, rc, ret;

	memset(&st, 0, sizeof(st));
	while ((c = getopt_long(argc, argv, ":o:", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			outp = optarg;
			break;
		case 'F':
			oflags |= OUTFILE_FORCE;
			break;
		default:
			return cli_opt_error(ctx, &cmd_bundle, c, argv);
		}
	}
	if (optind < argc)
		return cli_bad_usage(ctx, &cmd_bundle, _("unexpected argument"),
		    argv[optind]);
	if (outp == NULL)
		return cli_bad_usage(ctx, &cmd_bundle, _("missing -o FILE"),
		    NULL);
	if ((ret = session_record(ctx, 0)) != CLI_OK)
		return ret;
	if ((rc = store_txn_begin(&t, record_store(ctx->rec), 0)) == 0) {
		rc = bundle_state_read(&st, t);
		store_txn_abort(t);
	}
	if (rc == 0)
		rc = bundle_state_encode(&buf, &len, &st);
	if (rc != 0) {
		cli_error_rc(ctx, _("cannot read the record's state"), rc,
		    store_path(record_store(ctx->rec)), _("run `detente verify`"));
		ret = cli_exit_for(rc);
		goto out;
	}
	if ((ret = outfile_open(ctx, &o, outp, oflags, 0600)) != CLI_OK)
		goto out;
	if (fwrite(buf, 1, len, o.f) != len) {
		(void)outfile_close(ctx, &o, 0);
		cli_error(ctx, _("cannot write the file"), outp,
		    strerror(errno));
		ret = CLI_USAGE;
		goto out;
	}
	if ((ret = outfile_close(ctx, &o, 1)) != CLI_OK)
		goto out;
	if (!outfile_is_stdout(outp))
		fprintf(ctx->out, ngettext("state written to %s (%lu feed)\n",
		    "state written to %s (%lu feeds)\n", st.nfeeds),
		    vis_buf(pb, sizeof(pb), outp, 0), (unsigned long)st.nfeeds);
out:
	free(buf);
	bundle_state_done(&st);
	return ret;
}

/*
 * import_record() - the record a bundle goes into: --dialogue (or one
 * already open), which must be the bundle's; else this home's replica of
 * the bundle's dialogue.
 */
static int
import_record(struct cli_ctx *ctx, const bundle_reader *b, const char *path)
{
	char hex[2 * ENTRY_HASH_BYTES + 1], dir[PATH_MAX];
	int rc, ret;

	key_hex(hex, bundle_reader_dialogue(b), ENTRY_HASH_BYTES);
	if (ctx->rec == NULL && ctx->dialogue == NULL) {
		if ((ret = session_home(ctx, 0)) != CLI_OK)
			return ret;
		home_dialogue_path(dir, sizeof(dir), ctx->home, hex);
		if (access(dir, F_OK) != 0) {
			cli_error(ctx, _("this home has no replica of the "
			    "bundle's dialogue"), hex, _("join it with "
			    "`detente dialogue join FILE`"));
			return CLI_USAGE;
		}
		if ((rc = record_open(&ctx->rec, dir)) != 0) {
			ctx->rec = NULL;
			cli_error_rc(ctx, _("cannot open the dialogue"), rc,
			    dir, _("run `detente verify`"));
			return cli_exit_for(rc);
		}
	} else if ((ret = session_record(ctx, 1)) != CLI_OK)
		return ret;
	if (memcmp(record_id(ctx->rec), bundle_reader_dialogue(b),
	    ENTRY_HASH_BYTES) != 0) {
		char what[256];

		snprintf(what, sizeof(what), _("bundle rejected: %s: the "
		    "bundle is for dialogue %s"), _(exchange_reason(
		    DT_EDIALOGUE)), hex);
		cli_error(ctx, what, path, _("nothing was imported"));
		return CLI_FAIL;
	}
	return CLI_OK;
}

/* bundle_import_cmd() - `bundle import [--key] FILE`. */
static int
bundle_import_cmd(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "key", no_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 }
	};
	record_import_stats st;
	record_failure f;
	bundle_reader *b = NULL;
	int c, rc, ret, key = 0;

	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			key = 1;
			break;
		default:
			return cli_opt_error(ctx, &cmd_bundle, c, argv);
		}
	}
	if (optind + 1 != argc)
		return cli_bad_usage(ctx, &cmd_bundle, optind < argc ?
		    _("unexpected argument") : _("missing FILE"),
		    optind < argc ? argv[optind + 1] : NULL);
	if ((ret = exchange_open_bundle(ctx, &b, argv[optind])) != CLI_OK)
		return ret;
	if ((ret = import_record(ctx, b, argv[optind])) != CLI_OK ||
	    (ret = session_writable(ctx)) != CLI_OK)
		goto out;
	if (record_last_failure(ctx->rec)->code != 0) {
		cli_error(ctx, _("refusing to import into a record that "
		    "failed verification"), store_path(record_store(ctx->rec)),
		    _("run `detente verify`"));
		ret = CLI_FAIL;
		goto out;
	}
	if (key && (ret = session_record_key(ctx)) != CLI_OK)
		goto out;
	rc = record_import(ctx->rec, b, key ? RECORD_VERIFY_KEY : 0, &st, &f);
	/* A damaged file is said to be one, not what its pass tripped on. */
	if (rc != 0 && (ret = exchange_damaged(ctx, b,
	    argv[optind])) != CLI_OK)
		goto out;
	ret = exchange_report_import(ctx, ctx->rec, argv[optind], rc, &st,
	    &f);
out:
	bundle_reader_close(b);
	return ret;
}

/* run() - `bundle SUBCOMMAND`. */
static int
run(struct cli_ctx *ctx, int argc, char **argv)
{
	if (argc < 2)
		return cli_bad_usage(ctx, &cmd_bundle,
		    _("missing subcommand (export, state, import)"), NULL);
	if (strcmp(argv[1], "export") == 0)
		return bundle_export_cmd(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "state") == 0)
		return bundle_state_cmd(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "import") == 0)
		return bundle_import_cmd(ctx, argc - 1, argv + 1);
	return cli_bad_usage(ctx, &cmd_bundle, _("unknown subcommand"),
	    argv[1]);
}

const struct cli_cmd cmd_bundle = {
	"bundle",
	N_("export [--since STATE] -o FILE [--force]\n"
	   "       detente bundle state -o FILE [--force]\n"
	   "       detente bundle import [--key] FILE"),
	N_("carry entries to and from the other side's replica as a file"),
	N_("  export  write the entries the other side lacks, encrypted and\n"
	   "          signed exactly as stored.  --since STATE (the other\n"
	   "          side's state file) writes only what is new to it;\n"
	   "          without it, every entry, genesis included.\n"
	   "  state   write what this replica holds (each feed's length and\n"
	   "          head), for the other side's `bundle export --since`.\n"
	   "  import  check every entry of a bundle (signature, chain,\n"
	   "          clock, references, membership) and add them all, or\n"
	   "          nothing.  Entries already here count as known; an\n"
	   "          entry that needs one not yet received is held until it\n"
	   "          arrives, within bounds (64 entries or 4 MiB per author\n"
	   "          who is not a member; 64 MiB of members'): beyond them it is\n"
	   "          not held, and a warning says so.\n"
	   "          A fork (two signed entries for one place) is\n"
	   "          refused and kept: see `detente evidence`.  --key also\n"
	   "          checks that every content entry decrypts.\n"
	   "FILE may be - for standard output (export, state) or standard\n"
	   "input (import).  An existing file is replaced only with --force;\n"
	   "a device, FIFO or socket (/dev/null, a pipe) is written in place,\n"
	   "and a symbolic link is followed, never replaced.\n"
	   "Exit 0 done, 1 bundle rejected, 2 usage or I/O error.\n"),
	run
};
