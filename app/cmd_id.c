/*
 * cmd_id.c: `detente id new|show|list|export|passwd`: identities in the
 * home.
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
#include "../crypto/keystore.h"
#include "../storage/vis.h"
#include "agent.h"
#include "cli.h"
#include "fmt.h"
#include "home.h"
#include "i18n.h"
#include "passphrase.h"
#include "session.h"

#define VKEY_BYTES 160U
#define MINISIGN_BYTES 256U

/* kdf_from_name() - a KDF preset by name; -1 if unknown. */
static int
kdf_from_name(const char *s)
{
	if (strcmp(s, "min") == 0)
		return KEYSTORE_KDF_MIN;
	if (strcmp(s, "interactive") == 0)
		return KEYSTORE_KDF_INTERACTIVE;
	if (strcmp(s, "moderate") == 0)
		return KEYSTORE_KDF_MODERATE;
	if (strcmp(s, "sensitive") == 0)
		return KEYSTORE_KDF_SENSITIVE;
	return -1;
}

/*
 * read_public() - name and key of identity name (or of the identity the
 * command acts as, when name is NULL); prints its own error line.
 */
static int
read_public(struct cli_ctx *ctx, const char *name,
    char kname[KEY_NAME_MAX + 1], unsigned char pk[KEY_PK_BYTES])
{
	char path[PATH_MAX];
	int rc;

	if (name == NULL)
		return session_pick_identity(ctx, kname, pk);
	if ((rc = session_home(ctx, 0)) != CLI_OK)
		return rc;
	if (home_identity_path(path, sizeof(path), ctx->home, name) != 0) {
		cli_error(ctx, _("not an identity name"), name,
		    _("names are 1 to 63 bytes without spaces or '+'"));
		return CLI_USAGE;
	}
	if ((rc = keystore_read_public(kname, pk, path)) != 0) {
		if (rc == DT_ENOENT)
			cli_error(ctx, _("no such identity"), name,
			    _("see `detente id list`"));
		else
			cli_error_rc(ctx, _("cannot read the identity"), rc,
			    path, _("the keystore file is damaged; restore "
			    "it from a backup"));
		return rc == DT_EFORMAT ? CLI_FAIL : CLI_USAGE;
	}
	return CLI_OK;
}

/* id_new() - `id new --name N [--kdf K]`. */
static int
id_new(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "kdf", required_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 }
	};
	char path[PATH_MAX], vkey[VKEY_BYTES], fpr[KEY_FINGERPRINT_BYTES];
	char def[KEY_NAME_MAX + 1], prompt[160];
	unsigned char pk[KEY_PK_BYTES];
	const char *name = NULL;
	char *pass = NULL;
	size_t plen = 0;
	int c, rc, ret, kdf = KEYSTORE_KDF_MODERATE;

	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			name = optarg;
			break;
		case 'k':
			if ((kdf = kdf_from_name(optarg)) < 0)
				return cli_bad_usage(ctx, &cmd_id,
				    _("unknown --kdf (min, interactive, "
				    "moderate, sensitive)"), optarg);
			break;
		default:
			return cli_opt_error(ctx, &cmd_id, c, argv);
		}
	}
	if (optind < argc)
		return cli_bad_usage(ctx, &cmd_id, _("unexpected argument"),
		    argv[optind]);
	if (name == NULL)
		return cli_bad_usage(ctx, &cmd_id, _("missing --name"), NULL);
	if (!key_name_valid(name) || vis_field_check(name, KEY_NAME_MAX))
		return cli_bad_usage(ctx, &cmd_id, _("not an identity name "
		    "(1 to 63 bytes, no spaces, no '+', no control or "
		    "bidirectional characters)"), name);
	if ((ret = session_home(ctx, 1)) != CLI_OK)
		return ret;
	home_identity_path(path, sizeof(path), ctx->home, name);
	if (access(path, F_OK) == 0) {
		cli_error(ctx, _("identity exists"), path,
		    _("choose another name"));
		return CLI_USAGE;
	}
	snprintf(prompt, sizeof(prompt), _("New passphrase for %s: "), name);
	if ((ret = session_read_passphrase(ctx, &pass, &plen, prompt, 1)) !=
	    CLI_OK)
		return ret;
	if (plen == 0) {
		passphrase_free(pass);
		cli_error(ctx, _("empty passphrase"), name,
		    _("choose a passphrase"));
		return CLI_USAGE;
	}
	/* Characters, not bytes: 8 Cyrillic letters are enough. */
	if (passphrase_chars(pass, plen) < PASSPHRASE_MIN_CHARS) {
		char hint[128];

		passphrase_free(pass);
		snprintf(hint, sizeof(hint), _("choose one of at least %u "
		    "characters; nothing was written"), PASSPHRASE_MIN_CHARS);
		cli_error(ctx, _("the passphrase is too short"), name, hint);
		return CLI_USAGE;
	}
	rc = keystore_create(pk, path, name, pass, plen, (keystore_kdf)kdf);
	passphrase_free(pass);
	if (rc != 0) {
		cli_error_rc(ctx, _("cannot create the identity"), rc, path,
		    rc == DT_EEXIST ? _("choose another name") :
		    _("check the home directory"));
		return CLI_USAGE;
	}
	if (home_default_get(def, ctx->home) == DT_ENOENT &&
	    home_default_set(ctx->home, name) != 0)
		cli_error(ctx, _("warning: cannot record the default identity"),
		    ctx->home, _("use --as NAME"));
	key_c2sp_vkey(vkey, sizeof(vkey), name, pk);
	key_fingerprint(fpr, pk);
	fputs(_("created identity "), ctx->out);
	vis_put(ctx->out, name, 0);
	fputs(_(" in "), ctx->out);
	vis_put(ctx->out, path, 0);
	fputs(_("\nverifier key: "), ctx->out);
	vis_put(ctx->out, vkey, 0);
	fputc('\n', ctx->out);
	fprintf(ctx->out, _("fingerprint:  %s\n"), fpr);
	return CLI_OK;
}

/* id_show() - `id show [NAME]`: the public forms of a key. */
static int
id_show(struct cli_ctx *ctx, int argc, char **argv)
{
	char name[KEY_NAME_MAX + 1], vkey[VKEY_BYTES], hex[65];
	char fpr[KEY_FINGERPRINT_BYTES], ms[MINISIGN_BYTES];
	unsigned char pk[KEY_PK_BYTES];
	int ret;

	if (argc > 2)
		return cli_bad_usage(ctx, &cmd_id, _("unexpected argument"),
		    argv[2]);
	if ((ret = read_public(ctx, argc == 2 ? argv[1] : NULL, name, pk)) !=
	    CLI_OK)
		return ret;
	key_c2sp_vkey(vkey, sizeof(vkey), name, pk);
	key_hex(hex, pk, KEY_PK_BYTES);
	key_fingerprint(fpr, pk);
	key_minisign_pub(ms, sizeof(ms), pk);
	/* the name is the key file's: rendered by vis.h */
	fputs(_("identity:     "), ctx->out);
	vis_put(ctx->out, name, 0);
	fprintf(ctx->out, _("\npublic key:   %s\n"), hex);
	fputs(_("verifier key: "), ctx->out);
	vis_put(ctx->out, vkey, 0);
	fputc('\n', ctx->out);
	fprintf(ctx->out, _("fingerprint:  %s\n"), fpr);
	fprintf(ctx->out, _("minisign public key:\n%s"), ms);
	return CLI_OK;
}

/* id_list() - `id list`: every identity, the default marked with '*'. */
static int
id_list(struct cli_ctx *ctx, int argc, char **argv)
{
	char def[KEY_NAME_MAX + 1], name[KEY_NAME_MAX + 1], path[PATH_MAX];
	char fpr[KEY_FINGERPRINT_BYTES], b[3 * KEY_NAME_MAX + 4];
	char c[3 * KEY_NAME_MAX + 32];
	unsigned char pk[KEY_PK_BYTES];
	char **names = NULL;
	size_t n = 0, i;
	int rc, ret;

	if (argc > 1)
		return cli_bad_usage(ctx, &cmd_id, _("unexpected argument"),
		    argv[1]);
	if ((ret = session_home(ctx, 0)) != CLI_OK)
		return ret;
	if ((rc = home_identities(&names, &n, ctx->home)) != 0) {
		cli_error_rc(ctx, _("cannot list identities"), rc, ctx->home,
		    _("check the home directory"));
		return CLI_USAGE;
	}
	if (home_default_get(def, ctx->home) != 0)
		def[0] = '\0';
	for (i = 0; i < n; i++) {
		home_identity_path(path, sizeof(path), ctx->home, names[i]);
		if (keystore_read_public(name, pk, path) != 0)
			snprintf(fpr, sizeof(fpr), "%s", _("(unreadable)"));
		else
			key_fingerprint(fpr, pk);
		/* a file name: anything a directory can hold; the column in
		 * display cells (fmt_cells()), so Cyrillic names line up */
		fprintf(ctx->out, "%c %-24s %s\n",
		    strcmp(names[i], def) == 0 ? '*' : ' ',
		    fmt_cells(c, sizeof(c), vis_buf(b, sizeof(b), names[i], 0),
			24),
		    fpr);
	}
	if (n == 0)
		cli_error(ctx, _("no identity in this home"), ctx->home,
		    _("create one with `detente id new --name NAME`"));
	home_names_free(names, n);
	return CLI_OK;
}

/* id_export() - `id export [--minisign|--vkey|--hex] [NAME]`. */
static int
id_export(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "minisign", no_argument, NULL, 'm' },
		{ "vkey", no_argument, NULL, 'v' },
		{ "hex", no_argument, NULL, 'x' },
		{ NULL, 0, NULL, 0 }
	};
	char name[KEY_NAME_MAX + 1], buf[MINISIGN_BYTES];
	unsigned char pk[KEY_PK_BYTES];
	int c, ret, form = 'm';

	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
		case 'v':
		case 'x':
			form = c;
			break;
		default:
			return cli_opt_error(ctx, &cmd_id, c, argv);
		}
	}
	if (argc - optind > 1)
		return cli_bad_usage(ctx, &cmd_id, _("unexpected argument"),
		    argv[optind + 1]);
	if ((ret = read_public(ctx, optind < argc ? argv[optind] : NULL,
	    name, pk)) != CLI_OK)
		return ret;
	if (form == 'm')
		key_minisign_pub(buf, sizeof(buf), pk);
	else if (form == 'v') {
		key_c2sp_vkey(buf, sizeof(buf), name, pk);
		strcat(buf, "\n");
	} else {
		key_hex(buf, pk, KEY_PK_BYTES);
		strcat(buf, "\n");
	}
	vis_put(ctx->out, buf, VIS_NL);
	return CLI_OK;
}

/*
 * kdf_from_text() - `--kdf` of `id passwd`: a preset name, or "OPS,MEM"
 * with MEM in bytes or with a K, M or G suffix (KiB, MiB, GiB).  The
 * limits are checked against what a reader accepts (FORMAT.md, section
 * 3, "Limits").  @return 0, or -1 for text that is neither.
 */
static int
kdf_from_text(uint64_t *ops, uint64_t *mem, const char *s)
{
	unsigned long long o, m;
	char *end;
	int k;

	if ((k = kdf_from_name(s)) >= 0)
		return keystore_kdf_params(ops, mem, (keystore_kdf)k) == 0 ?
		    0 : -1;
	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	o = strtoull(s, &end, 10);
	if (errno != 0 || *end != ',' || end[1] < '0' || end[1] > '9')
		return -1;
	m = strtoull(end + 1, &end, 10);
	if (errno != 0)
		return -1;
	switch (*end) {
	case 'K':
		m = m > (ULLONG_MAX >> 10) ? ULLONG_MAX : m << 10;
		end++;
		break;
	case 'M':
		m = m > (ULLONG_MAX >> 20) ? ULLONG_MAX : m << 20;
		end++;
		break;
	case 'G':
		m = m > (ULLONG_MAX >> 30) ? ULLONG_MAX : m << 30;
		end++;
		break;
	default:
		break;
	}
	if (*end != '\0' || !keystore_kdf_ok(o, m))
		return -1;
	*ops = o;
	*mem = m;
	return 0;
}

/*
 * new_passphrase() - the new passphrase of `id passwd`: from newfile,
 * else the next line of DETENTE_PASSPHRASE_FD (the old one was the
 * first), else asked twice on the terminal; at least
 * PASSPHRASE_MIN_CHARS characters.  Prints its own error line.
 */
static int
new_passphrase(struct cli_ctx *ctx, char **pass, size_t *plen,
    const char *newfile, const char *name)
{
	char prompt[256], vname[3 * KEY_NAME_MAX + 4], hint[128];
	int rc;

	snprintf(prompt, sizeof(prompt), _("New passphrase for %s: "),
	    vis_buf(vname, sizeof(vname), name, 0));
	if ((rc = passphrase_read(pass, plen, newfile, prompt, 1,
	    ctx->err)) != 0) {
		/* no terminal: the old one came from a file, say where the
		 * new one can come from */
		if (rc == DT_EIO && passphrase_is_tty(newfile))
			cli_error(ctx, _("no new passphrase"), name,
			    _("give it with --new-passphrase-file F"));
		return CLI_USAGE;
	}
	if (passphrase_chars(*pass, *plen) < PASSPHRASE_MIN_CHARS) {
		passphrase_free(*pass);
		*pass = NULL;
		snprintf(hint, sizeof(hint), _("choose one of at least %u "
		    "characters; nothing was written"), PASSPHRASE_MIN_CHARS);
		cli_error(ctx, _("the new passphrase is too short"), name,
		    hint);
		return CLI_USAGE;
	}
	return CLI_OK;
}

/*
 * id_passwd() - `id passwd [NAME] [--kdf K] [--new-passphrase-file F]`:
 * unlock with the old passphrase (never through the agent: knowing it
 * is what allows the change), then keystore_rewrite() under the new one.
 * A wrong old passphrase stops before anything is written.  An agent
 * that holds the identity keeps it: it holds the unlocked key, which
 * this does not change; the output says so.
 */
static int
id_passwd(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "kdf", required_argument, NULL, 'k' },
		{ "new-passphrase-file", required_argument, NULL, 'N' },
		{ NULL, 0, NULL, 0 }
	};
	char name[KEY_NAME_MAX + 1], path[PATH_MAX], vname[3 * KEY_NAME_MAX + 4];
	char fpr[KEY_FINGERPRINT_BYTES];
	unsigned char pk[KEY_PK_BYTES];
	const char *newfile = NULL, *saved_as = ctx->as;
	key_identity *held = NULL;
	uint64_t ops = 0, mem = 0;
	char *pass = NULL;
	size_t plen = 0;
	int c, rc, ret, set_kdf = 0;

	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			if (kdf_from_text(&ops, &mem, optarg) != 0)
				return cli_bad_usage(ctx, &cmd_id,
				    _("unknown --kdf (interactive, moderate, "
				    "sensitive, or OPS,MEM within the limits "
				    "of docs/FORMAT.md section 3)"), optarg);
			set_kdf = 1;
			break;
		case 'N':
			newfile = optarg;
			break;
		default:
			return cli_opt_error(ctx, &cmd_id, c, argv);
		}
	}
	if (argc - optind > 1)
		return cli_bad_usage(ctx, &cmd_id, _("unexpected argument"),
		    argv[optind + 1]);
	if (optind < argc)
		ctx->as = argv[optind];
	ret = session_pick_identity(ctx, name, pk);
	if (ret == CLI_OK)
		ret = session_unlock_passphrase(ctx);
	ctx->as = saved_as;
	if (ret != CLI_OK)
		return ret;
	home_identity_path(path, sizeof(path), ctx->home, name);
	if (!set_kdf && (rc = keystore_read_kdf(&ops, &mem, path)) != 0) {
		cli_error_rc(ctx, _("cannot read the identity"), rc, path,
		    _("check the file"));
		return CLI_USAGE;
	}
	if ((ret = new_passphrase(ctx, &pass, &plen, newfile, name)) !=
	    CLI_OK)
		return ret;
	rc = keystore_rewrite(path, ctx->id, pass, plen, ops, mem);
	passphrase_free(pass);
	if (rc != 0) {
		cli_error_rc(ctx, _("cannot change the passphrase"), rc, path,
		    _("the old keystore file is unchanged; check the "
		    "directory"));
		return CLI_USAGE;
	}
	key_fingerprint(fpr, pk);
	fputs(_("changed the passphrase of "), ctx->out);
	vis_put(ctx->out, name, 0);
	fprintf(ctx->out, _("; the key is the same (fingerprint %s)\n"), fpr);
	fprintf(ctx->out, _("Argon2id: %llu passes, %llu KiB\n"),
	    (unsigned long long)ops, (unsigned long long)(mem / 1024U));
	if (agent_identity(&held, name, pk) == 0)
		fprintf(ctx->out, _("note: the agent holds %s unlocked and keeps "
		    "signing for it without a passphrase until `detente agent "
		    "--lock`, its timeout or its lifetime\n"),
		    vis_buf(vname, sizeof(vname), name, 0));
	key_identity_free(held);
	return CLI_OK;
}

/*
 * run() - `id SUBCOMMAND`: dispatch to new, show, list, export, passwd.
 */
static int
run(struct cli_ctx *ctx, int argc, char **argv)
{
	if (argc < 2)
		return cli_bad_usage(ctx, &cmd_id, _("missing subcommand "
		    "(new, show, list, export, passwd)"), NULL);
	if (strcmp(argv[1], "new") == 0)
		return id_new(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "show") == 0)
		return id_show(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "list") == 0)
		return id_list(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "export") == 0)
		return id_export(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "passwd") == 0)
		return id_passwd(ctx, argc - 1, argv + 1);
	return cli_bad_usage(ctx, &cmd_id, _("unknown subcommand"), argv[1]);
}

const struct cli_cmd cmd_id = {
	"id",
	N_("new --name NAME [--kdf min|interactive|moderate|sensitive]\n"
	   "       detente id show [NAME]\n"
	   "       detente id list\n"
	   "       detente id export [--minisign|--vkey|--hex] [NAME]\n"
	   "       detente id passwd "
	   "[--kdf interactive|moderate|sensitive|OPS,MEM]\n"
	   "                         [--new-passphrase-file F] [NAME]"),
	N_("create, show, list, export identities (Ed25519 keys) and change their passphrases"),
	N_("  new      create an identity; asks twice for a passphrase (or\n"
	   "           reads --passphrase-file / DETENTE_PASSPHRASE_FD) of\n"
	   "           at least 8 characters, and\n"
	   "           stores the secret key encrypted with Argon2id, mode\n"
	   "           0600; --kdf sets the Argon2id strength (default\n"
	   "           moderate; min is for tests only).  The first identity\n"
	   "           of a home becomes its default.\n"
	   "  show     the public key as a C2SP verifier key, a minisign\n"
	   "           public key and a fingerprint to read aloud (no\n"
	   "           passphrase needed)\n"
	   "  list     the identities of this home; * marks the default\n"
	   "  export   print only the public key: minisign public key file\n"
	   "           (default), C2SP verifier key, or hex\n"
	   "  passwd   change the passphrase of NAME (or --as, or the\n"
	   "           default): asks the old one, then the new one twice\n"
	   "           (or reads the old from --passphrase-file and the new\n"
	   "           from --new-passphrase-file; from DETENTE_PASSPHRASE_FD\n"
	   "           the old is the first line, the new the second).  The\n"
	   "           key stays the same, so does its fingerprint; the old\n"
	   "           passphrase stops working.  --kdf sets a new Argon2id\n"
	   "           strength: interactive, moderate, sensitive, or\n"
	   "           OPS,MEM (passes, memory in bytes or with K, M, G);\n"
	   "           without it the file's is kept.  The file is replaced\n"
	   "           atomically (written beside, fsynced, renamed).  An\n"
	   "           agent holding the identity keeps it unlocked.\n"),
	run
};
