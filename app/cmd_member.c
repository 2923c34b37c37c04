/*
 * cmd_member.c: `detente member add|list`: a head adds members of its
 * own party (a member-add entry and a key wrap giving them the dialogue
 * key); anyone lists the members.
 */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../crypto/err.h"
#include "../crypto/keys.h"
#include "../crypto/keystore.h"
#include "../storage/entry.h"
#include "../storage/payload.h"
#include "../storage/record.h"
#include "../storage/vis.h"
#include "cli.h"
#include "cmd_epoch.h"
#include "feedmark.h"
#include "fmt.h"
#include "home.h"
#include "i18n.h"
#include "session.h"

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
 * member_key() - KEY as a public key (hex, C2SP verifier key, minisign)
 * or as the name of an identity of this home.  name gets the verifier
 * key's or the identity's name ("" if none).  CLI_OK or an error line.
 */
static int
member_key(struct cli_ctx *ctx, unsigned char pk[KEY_PK_BYTES],
    char name[KEY_NAME_MAX + 1], const char *key)
{
	char path[PATH_MAX];

	name[0] = '\0';
	if (key_parse_public(pk, name, key) == 0)
		return CLI_OK;
	if (key_name_valid(key) && session_home(ctx, 0) == CLI_OK) {
		home_identity_path(path, sizeof(path), ctx->home, key);
		if (keystore_read_public(name, pk, path) == 0)
			return CLI_OK;
	}
	return cli_bad_usage(ctx, &cmd_member, _("not a public key (hex, C2SP "
	    "verifier key, minisign) nor an identity of this home"), key);
}

/* member_add() - `member add [--party P] [--name N] [--role R] KEY`. */
static int
member_add(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "party", required_argument, NULL, 'p' },
		{ "name", required_argument, NULL, 'n' },
		{ "role", required_argument, NULL, 'r' },
		{ "epochs", required_argument, NULL, 'e' },
		{ NULL, 0, NULL, 0 }
	};
	const char *party = NULL, *name = NULL;
	char kname[KEY_NAME_MAX + 1], shortid[FMT_SHORT_BYTES];
	char fp[KEY_FINGERPRINT_BYTES];
	unsigned char hash[ENTRY_HASH_BYTES];
	const record_member *me, *old;
	record_member m;
	size_t given = 0;
	int c, rc, ret, role = RECORD_ROLE_DELEGATE, mode = RECORD_EPOCHS_ALL;

	memset(&m, 0, sizeof(m));
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (!payload_party_valid(optarg))
				return cli_bad_usage(ctx, &cmd_member,
				    _("not a party name (1 to 15 upper-case "
				    "letters or digits)"), optarg);
			party = optarg;
			break;
		case 'n':
			if (!key_name_valid(optarg))
				return cli_bad_usage(ctx, &cmd_member,
				    _("not a member name (1 to 63 bytes, no "
				    "spaces, no '+')"), optarg);
			name = optarg;
			break;
		case 'r':
			if (strcmp(optarg, "delegate") == 0)
				role = RECORD_ROLE_DELEGATE;
			else if (strcmp(optarg, "observer") == 0)
				role = RECORD_ROLE_OBSERVER;
			else
				return cli_bad_usage(ctx, &cmd_member,
				    _("a member's role is delegate or "
				    "observer (heads are fixed by the "
				    "genesis)"), optarg);
			break;
		case 'e':
			if ((mode = epoch_mode(optarg)) < 0)
				return cli_bad_usage(ctx, &cmd_member,
				    _("--epochs is all or current"), optarg);
			break;
		default:
			return cli_opt_error(ctx, &cmd_member, c, argv);
		}
	}
	if (optind + 1 != argc)
		return cli_bad_usage(ctx, &cmd_member, optind < argc ?
		    _("unexpected argument") : _("missing KEY"),
		    optind < argc ? argv[optind + 1] : NULL);
	if ((ret = member_key(ctx, m.pk, kname, argv[optind])) != CLI_OK)
		return ret;
	if (name == NULL && kname[0] != '\0')
		name = kname;
	if (name == NULL)
		return cli_bad_usage(ctx, &cmd_member, _("no name for this key: "
		    "give --name NAME"), argv[optind]);
	if (vis_field_check(name, KEY_NAME_MAX) != 0)
		return cli_bad_usage(ctx, &cmd_member, _("not a member name "
		    "(no control or bidirectional characters): give --name "
		    "NAME"), name);
	if ((ret = session_writer(ctx, ENTRY_K_MEMBER_ADD)) != CLI_OK)
		return ret;
	me = record_member_find(ctx->rec, ctx->id->pk);
	if (party == NULL)
		party = me->party;
	if (strcmp(party, me->party) != 0) {
		cli_error(ctx, _("a head adds members of its own party only"),
		    party, _("ask that party's head of delegation"));
		return CLI_FAIL;
	}
	if ((old = record_member_find(ctx->rec, m.pk)) != NULL) {
		cli_error(ctx, old->removed_clock ? _("a removed key cannot "
		    "be added again") : _("this key is a member already"),
		    old->name, _("see `detente member list`"));
		return CLI_FAIL;
	}
	snprintf(m.name, sizeof(m.name), "%s", name);
	snprintf(m.party, sizeof(m.party), "%s", party);
	m.role = role;
	if ((rc = record_add_member_epochs(ctx->rec, ctx->id, &m, mode, hash,
	    &given)) != 0) {
		cli_error_rc(ctx, _("cannot add the member"), rc, name,
		    rc == DT_EMEMBER ? _("the dialogue's rules do not allow "
		    "it") : _("nothing was written"));
		return cli_exit_for(rc);
	}
	(void)feedmark_note(ctx);
	fmt_short(shortid, hash);
	key_fingerprint(fp, m.pk);
	fprintf(ctx->out, _("%s  %s added to %s as %s (fingerprint %s)\n"),
	    shortid, vis_buf(kname, sizeof(kname), m.name, 0), m.party,
	    role_label(role), fp);
	epoch_given_line(ctx, given, mode);
	return CLI_OK;
}

/* member_list() - `member list`: everyone ever added. */
static int
member_list(struct cli_ctx *ctx, int argc, char **argv)
{
	char fp[KEY_FINGERPRINT_BYTES], status[64], b[3 * KEY_NAME_MAX + 4];
	char c[5][3 * KEY_NAME_MAX + 32];
	const record_member *m;
	size_t i;
	int ret;

	if (argc > 1)
		return cli_bad_usage(ctx, &cmd_member, _("unexpected argument"),
		    argv[1]);
	if ((ret = session_record(ctx, 0)) != CLI_OK)
		return ret;
	/* every column in display cells (fmt_cells()), whatever script */
	fprintf(ctx->out, "%-24s %-6s %-9s %-25s %s\n",
	    fmt_cells(c[0], sizeof(c[0]), _("NAME"), 24),
	    fmt_cells(c[1], sizeof(c[1]), _("PARTY"), 6),
	    fmt_cells(c[2], sizeof(c[2]), _("ROLE"), 9),
	    fmt_cells(c[3], sizeof(c[3]), _("FINGERPRINT"), 25), _("STATUS"));
	for (i = 0; i < record_nmembers(ctx->rec); i++) {
		m = record_member_at(ctx->rec, i);
		key_fingerprint(fp, m->pk);
		if (m->removed_clock != 0)
			snprintf(status, sizeof(status), _("removed at clock "
			    "%llu"), (unsigned long long)m->removed_clock);
		else if (m->added_clock == 0)
			snprintf(status, sizeof(status), _("genesis"));
		else
			snprintf(status, sizeof(status), _("added at clock "
			    "%llu"), (unsigned long long)m->added_clock);
		/* a name as the record has it: rendered by vis.h */
		fprintf(ctx->out, "%-24s %-6s %-9s %-25s %s\n",
		    fmt_cells(c[0], sizeof(c[0]),
			vis_buf(b, sizeof(b), m->name, 0), 24),
		    fmt_cells(c[1], sizeof(c[1]),
			vis_buf(c[4], sizeof(c[4]), m->party, 0), 6),
		    fmt_cells(c[2], sizeof(c[2]), role_label(m->role), 9), fp,
		    status);
	}
	return CLI_OK;
}

static int
run(struct cli_ctx *ctx, int argc, char **argv)
{
	if (argc < 2)
		return cli_bad_usage(ctx, &cmd_member,
		    _("missing subcommand (add, list, remove, replace)"), NULL);
	if (strcmp(argv[1], "add") == 0)
		return member_add(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "list") == 0)
		return member_list(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "remove") == 0)
		return epoch_member_remove(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "replace") == 0)
		return epoch_member_replace(ctx, argc - 1, argv + 1);
	return cli_bad_usage(ctx, &cmd_member, _("unknown subcommand"),
	    argv[1]);
}

const struct cli_cmd cmd_member = {
	"member",
	N_("add [--party P] [--name N] [--role delegate|observer]\n"
	   "           [--epochs all|current] KEY\n"
	   "       detente member remove [--reason TEXT] NAME|KEY\n"
	   "       detente member replace [--name N] [--epochs all|current]\n"
	   "           [--reason TEXT] OLD NEW\n"
	   "       detente member list"),
	N_("add, remove or replace a member of your own party (heads), or "
	   "list the members"),
	N_("  add   a head of delegation adds a member of its own party: a\n"
	   "        member-add entry and a key wrap giving the new member the\n"
	   "        dialogue key.  KEY is a C2SP verifier key, a minisign\n"
	   "        public key, 64 hex digits, or the name of an identity in\n"
	   "        this home; the name comes from --name, the verifier key\n"
	   "        or the identity.  --party defaults to the head's own;\n"
	   "        --role to delegate.  The other side learns of the new\n"
	   "        member from the next bundle.  --epochs: the keys of\n"
	   "        every key epoch the head holds (all, the default: the\n"
	   "        new member reads everything written so far) or of the\n"
	   "        current one only (current: nothing written before it).\n"
	   "  remove  a head removes a current member of its own party (not\n"
	   "        a head), by name or key: the member writes nothing after\n"
	   "        the removal, and a new key epoch, wrapped to every other\n"
	   "        member, keeps what is written from now on from that key.\n"
	   "  replace  a lost or compromised key: removes OLD and adds NEW\n"
	   "        (the same person's new key; its name is --name, else\n"
	   "        NEW's own, else OLD's), gives NEW the epochs --epochs\n"
	   "        names (all), and starts a new key epoch, all in one\n"
	   "        step.  --reason TEXT is kept in the record with the\n"
	   "        removal and the epoch.\n"
	   "  list  every member ever added: name, party, role, fingerprint,\n"
	   "        and when added or removed (Lamport clock)\n"),
	run
};
