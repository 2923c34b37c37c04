/*
 * cmd_dialogue.c: `detente dialogue new|list|join` (join: cmd_join.c).
 */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../crypto/err.h"
#include "../crypto/keys.h"
#include "../crypto/keystore.h"
#include "../storage/payload.h"
#include "../storage/record.h"
#include "../storage/store.h"
#include "../storage/vis.h"
#include "cli.h"
#include "cmd_epoch.h"
#include "exchange.h"
#include "home.h"
#include "fmt.h"
#include "i18n.h"
#include "session.h"

#define MAX_PARTIES 16
#define MAX_MEMBERS 256

/*
 * local_identity() - find an identity of this home by name (name given)
 * or by key (name[0] == '\0', filled in on success).  0 if found.
 */
static int
local_identity(struct cli_ctx *ctx, char name[KEY_NAME_MAX + 1],
    unsigned char pk[KEY_PK_BYTES], int by_name)
{
	char path[PATH_MAX], kname[KEY_NAME_MAX + 1];
	unsigned char kpk[KEY_PK_BYTES];
	char **names = NULL;
	size_t n = 0, i;
	int found = -1;

	if (home_identities(&names, &n, ctx->home) != 0)
		return -1;
	for (i = 0; i < n && found != 0; i++) {
		home_identity_path(path, sizeof(path), ctx->home, names[i]);
		if (keystore_read_public(kname, kpk, path) != 0)
			continue;
		if (by_name && strcmp(names[i], name) == 0) {
			memcpy(pk, kpk, KEY_PK_BYTES);
			found = 0;
		} else if (!by_name && memcmp(kpk, pk, KEY_PK_BYTES) == 0) {
			snprintf(name, KEY_NAME_MAX + 1, "%s", names[i]);
			found = 0;
		}
	}
	home_names_free(names, n);
	return found;
}

/*
 * parse_member() - PARTY=[NAME:]KEY[:ROLE] into m.  KEY is anything
 * key_parse_public() reads, or the name of an identity in this home.
 * The name comes from NAME, else from a C2SP verifier key, else from a
 * local identity with that key.
 */
static int
parse_member(struct cli_ctx *ctx, const char *opt, const char *spec,
    int head, record_member *m)
{
	char buf[1024], vname[KEY_NAME_MAX + 1];
	char *f[3], *eq, *p;
	const char *name = NULL, *key, *role = NULL;
	size_t nf = 0;

	memset(m, 0, sizeof(*m));
	m->role = head ? RECORD_ROLE_HEAD : RECORD_ROLE_DELEGATE;
	if (snprintf(buf, sizeof(buf), "%s", spec) >= (int)sizeof(buf) ||
	    (eq = strchr(buf, '=')) == NULL)
		goto bad;
	*eq = '\0';
	if (!payload_party_valid(buf))
		return cli_bad_usage(ctx, &cmd_dialogue, _("not a party "
		    "name (1 to 15 upper-case letters or digits)"), buf);
	memcpy(m->party, buf, strlen(buf) + 1);
	for (p = eq + 1; nf < 3; nf++) {
		f[nf] = p;
		if ((p = strchr(p, ':')) == NULL) {
			nf++;
			break;
		}
		*p++ = '\0';
	}
	if (p != NULL)
		goto bad;
	if (nf == 3) {
		name = f[0];
		key = f[1];
		role = f[2];
	} else if (nf == 2 && (strcmp(f[1], "observer") == 0 ||
	    strcmp(f[1], "delegate") == 0 || strcmp(f[1], "head") == 0)) {
		key = f[0];
		role = f[1];
	} else if (nf == 2) {
		name = f[0];
		key = f[1];
	} else
		key = f[0];
	if (role != NULL) {
		if (head && strcmp(role, "head") != 0)
			goto bad;
		if (!head && strcmp(role, "observer") == 0)
			m->role = RECORD_ROLE_OBSERVER;
		else if (!head && strcmp(role, "delegate") != 0)
			return cli_bad_usage(ctx, &cmd_dialogue, _("a member's "
			    "role is delegate or observer"), spec);
	}
	vname[0] = '\0';
	if (key_parse_public(m->pk, vname, key) != 0) {
		snprintf(vname, sizeof(vname), "%s", key);
		if (!key_name_valid(key) ||
		    local_identity(ctx, vname, m->pk, 1) != 0)
			return cli_bad_usage(ctx, &cmd_dialogue, _("not a "
			    "public key (hex, C2SP verifier key, minisign) "
			    "nor an identity of this home"), key);
	}
	if (name == NULL && vname[0] != '\0')
		name = vname;
	if (name == NULL && local_identity(ctx, vname, m->pk, 0) == 0)
		name = vname;
	if (name == NULL)
		return cli_bad_usage(ctx, &cmd_dialogue, _("no name for this "
		    "key: write it as PARTY=NAME:KEY"), spec);
	if (!key_name_valid(name))
		return cli_bad_usage(ctx, &cmd_dialogue, _("not a member name "
		    "(1 to 63 bytes, no spaces, no '+')"), name);
	snprintf(m->name, sizeof(m->name), "%s", name);
	return CLI_OK;
bad:
	return cli_bad_usage(ctx, &cmd_dialogue, opt, spec);
}

/* dialogue_new() - `dialogue new`: genesis and key wraps. */
static int
dialogue_new(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "title", required_argument, NULL, 't' },
		{ "title-en", required_argument, NULL, 'E' },
		{ "title-ru", required_argument, NULL, 'R' },
		{ "party", required_argument, NULL, 'p' },
		{ "head", required_argument, NULL, 'H' },
		{ "member", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 }
	};
	const char *parties[MAX_PARTIES], *title = NULL, *why = NULL;
	const char *title_en = NULL, *title_ru = NULL;
	json_t *titles = NULL;
	record_member members[MAX_MEMBERS];
	char me[KEY_NAME_MAX + 1], dir[PATH_MAX];
	char hex[2 * ENTRY_HASH_BYTES + 1];
	unsigned char mepk[KEY_PK_BYTES];
	size_t np = 0, nm = 0, i, j, heads;
	record_genesis g;
	record *r = NULL;
	int c, rc, ret, creator_is_head = 0;

	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			title = optarg;
			break;
		case 'E':
			title_en = optarg;
			break;
		case 'R':
			title_ru = optarg;
			break;
		case 'p':
			if (np == MAX_PARTIES)
				return cli_bad_usage(ctx, &cmd_dialogue,
				    _("too many parties"), optarg);
			if (!payload_party_valid(optarg))
				return cli_bad_usage(ctx, &cmd_dialogue,
				    _("not a party name (1 to 15 upper-case "
				    "letters or digits)"), optarg);
			parties[np++] = optarg;
			break;
		case 'H':
		case 'm':
			if (nm == MAX_MEMBERS)
				return cli_bad_usage(ctx, &cmd_dialogue,
				    _("too many members"), optarg);
			if ((ret = session_home(ctx, 0)) != CLI_OK)
				return ret;
			if ((ret = parse_member(ctx, c == 'H' ?
			    _("expected --head PARTY=[NAME:]KEY") :
			    _("expected --member PARTY=[NAME:]KEY[:observer]"),
			    optarg, c == 'H', &members[nm])) != CLI_OK)
				return ret;
			nm++;
			break;
		default:
			return cli_opt_error(ctx, &cmd_dialogue, c, argv);
		}
	}
	if (optind < argc)
		return cli_bad_usage(ctx, &cmd_dialogue,
		    _("unexpected argument"), argv[optind]);
	/* each language's own first, so that an error names its option */
	if ((title_en != NULL && cli_field(ctx, &cmd_dialogue, "--title-en",
	    title_en, PAYLOAD_TITLE_MAX) != CLI_OK) || (title_ru != NULL &&
	    cli_field(ctx, &cmd_dialogue, "--title-ru", title_ru,
	    PAYLOAD_TITLE_MAX) != CLI_OK))
		return CLI_USAGE;
	/* as typed: --title, else the English, else the Russian */
	if (title == NULL)
		title = title_en != NULL ? title_en : title_ru;
	if (title == NULL || *title == '\0')
		return cli_bad_usage(ctx, &cmd_dialogue, _("missing --title"),
		    NULL);
	if (cli_field(ctx, &cmd_dialogue, "--title", title,
	    PAYLOAD_TITLE_MAX) != CLI_OK)
		return CLI_USAGE;
	if (np < 2)
		return cli_bad_usage(ctx, &cmd_dialogue,
		    _("a dialogue needs at least two --party"), NULL);
	for (i = 0; i < np; i++)
		for (j = i + 1; j < np; j++)
			if (strcmp(parties[i], parties[j]) == 0)
				return cli_bad_usage(ctx, &cmd_dialogue,
				    _("party given twice"), parties[i]);
	for (i = 0; i < np; i++) {
		for (heads = 0, j = 0; j < nm; j++)
			if (members[j].role == RECORD_ROLE_HEAD &&
			    strcmp(members[j].party, parties[i]) == 0)
				heads++;
		if (heads != 1)
			return cli_bad_usage(ctx, &cmd_dialogue,
			    _("each party needs exactly one --head"),
			    parties[i]);
	}
	for (i = 0; i < nm; i++) {
		for (j = 0; j < np && strcmp(members[i].party, parties[j]) != 0;
		    j++)
			;
		if (j == np)
			return cli_bad_usage(ctx, &cmd_dialogue,
			    _("member of a party not given with --party"),
			    members[i].party);
		for (j = i + 1; j < nm; j++)
			if (memcmp(members[i].pk, members[j].pk,
			    KEY_PK_BYTES) == 0)
				return cli_bad_usage(ctx, &cmd_dialogue,
				    _("the same key is given twice"),
				    members[j].name);
	}
	if ((ret = session_pick_identity(ctx, me, mepk)) != CLI_OK)
		return ret;
	for (i = 0; i < nm; i++)
		if (members[i].role == RECORD_ROLE_HEAD &&
		    memcmp(members[i].pk, mepk, KEY_PK_BYTES) == 0)
			creator_is_head = 1;
	if (!creator_is_head) {
		cli_error(ctx, _("the creator of a dialogue must be one of its "
		    "heads"), me, _("give your own key with --head, or use "
		    "--as NAME"));
		return CLI_USAGE;
	}
	if ((ret = session_home(ctx, 1)) != CLI_OK ||
	    (ret = session_unlock(ctx)) != CLI_OK)
		return ret;
	home_dialogues_dir(dir, sizeof(dir), ctx->home);
	memset(&g, 0, sizeof(g));
	g.title = title;
	if ((title_en != NULL || title_ru != NULL) &&
	    ((titles = json_object()) == NULL ||
	    (title_en != NULL && json_object_set_new(titles, "en",
	    json_string(title_en)) != 0) || (title_ru != NULL &&
	    json_object_set_new(titles, "ru", json_string(title_ru)) != 0))) {
		json_decref(titles);
		cli_error_rc(ctx, _("cannot create the dialogue"), DT_ENOMEM,
		    title, _("nothing was written"));
		return cli_exit_for(DT_ENOMEM);
	}
	g.titles = titles;
	g.parties = parties;
	g.nparties = np;
	g.members = members;
	g.nmembers = nm;
	rc = record_create(&r, dir, ctx->id, &g, &why);
	json_decref(titles);
	if (rc != 0) {
		cli_error_rc(ctx, _("cannot create the dialogue"), rc,
		    why != NULL ? why : title, _("nothing was written"));
		return rc == DT_EINVAL ? CLI_USAGE : cli_exit_for(rc);
	}
	key_hex(hex, record_id(r), ENTRY_HASH_BYTES);
	fprintf(ctx->out, "%s\n", hex);
	record_close(ctx->rec);
	ctx->rec = r;
	return CLI_OK;
}

/* dialogue_list() - `dialogue list`: id, parties, entries, title. */
static int
dialogue_list(struct cli_ctx *ctx, int argc, char **argv)
{
	char path[PATH_MAX], b[640];
	char **ids = NULL;
	size_t n = 0, i, p;
	store_txn *t;
	uint64_t count;
	record *r;
	int rc, ret;

	if (argc > 1)
		return cli_bad_usage(ctx, &cmd_dialogue,
		    _("unexpected argument"), argv[1]);
	if ((ret = session_home(ctx, 0)) != CLI_OK)
		return ret;
	if ((rc = home_dialogues(&ids, &n, ctx->home)) != 0) {
		cli_error_rc(ctx, _("cannot list dialogues"), rc, ctx->home,
		    _("check the home directory"));
		return CLI_USAGE;
	}
	for (i = 0; i < n; i++) {
		home_dialogue_path(path, sizeof(path), ctx->home, ids[i]);
		if ((rc = record_open(&r, path)) != 0) {
			fprintf(ctx->out, _("%s  (cannot open: %s)\n"),
			    vis_buf(b, sizeof(b), ids[i], 0),
			    _(dt_strerror(rc)));
			continue;
		}
		count = 0;
		if (store_txn_begin(&t, record_store(r), 0) == 0) {
			(void)store_count(&count, t);
			store_txn_abort(t);
		}
		fprintf(ctx->out, "%s  ", vis_buf(b, sizeof(b), ids[i], 0));
		for (p = 0; p < record_nparties(r); p++)
			fprintf(ctx->out, "%s%s", p ? "," : "",
			    vis_buf(b, sizeof(b), record_party(r, p), 0));
		/* the genesis title: one line, bounded, as vis.h renders it */
		fprintf(ctx->out, ngettext("  %llu entry  %s%s\n",
		    "  %llu entries  %s%s\n", count),
		    (unsigned long long)count, fmt_title(b, sizeof(b), r),
		    record_last_failure(r)->code != 0 ?
		    _("  (FAILED verification)") : "");
		record_close(r);
	}
	if (n == 0)
		session_no_dialogue(ctx);
	home_names_free(ids, n);
	return CLI_OK;
}

/*
 * run() - `dialogue SUBCOMMAND`: dispatch to new or list.
 */
static int
run(struct cli_ctx *ctx, int argc, char **argv)
{
	if (argc < 2)
		return cli_bad_usage(ctx, &cmd_dialogue,
		    _("missing subcommand (new, list, join, rekey, epochs)"),
		    NULL);
	if (strcmp(argv[1], "new") == 0)
		return dialogue_new(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "list") == 0)
		return dialogue_list(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "join") == 0)
		return dialogue_join(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "rekey") == 0)
		return epoch_dialogue_rekey(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "epochs") == 0)
		return epoch_dialogue_epochs(ctx, argc - 1, argv + 1);
	return cli_bad_usage(ctx, &cmd_dialogue, _("unknown subcommand"),
	    argv[1]);
}

const struct cli_cmd cmd_dialogue = {
	"dialogue",
	N_("new --title T [--title-en T] [--title-ru T] --party P --party Q\n"
	   "           --head P=KEY --head Q=KEY [--member P=KEY[:observer] ...]\n"
	   "       detente dialogue list\n"
	   "       detente dialogue join [--yes] FILE\n"
	   "       detente dialogue rekey [--internal] [--reason TEXT]\n"
	   "       detente dialogue epochs"),
	N_("create, list, join or rekey a dialogue"),
	N_("  new    write the genesis entry and wrap a fresh dialogue key to\n"
	   "         every member; prints the dialogue's id.  KEY is a C2SP\n"
	   "         verifier key, a minisign public key, 64 hex digits, or\n"
	   "         the name of an identity in this home.  A member's name\n"
	   "         comes from the verifier key or the local identity; for\n"
	   "         other keys write PARTY=NAME:KEY.  Members are delegates\n"
	   "         unless marked :observer.  The creator (--as) must be one\n"
	   "         of the heads.  --title-en and --title-ru give the title\n"
	   "         in English and in Russian too: each reader sees the one\n"
	   "         of their language, and the minutes the one of theirs;\n"
	   "         --title (as typed) may then be left out.\n"
	   "  list   every dialogue: id, parties, entries, title\n"
	   "  join   make this home's replica of a dialogue the other side\n"
	   "         created, from a bundle that carries its genesis: shows\n"
	   "         the title, parties and every head's fingerprint, asks\n"
	   "         whether they match what the other side read aloud, and\n"
	   "         imports the bundle.  --yes: the fingerprints have been\n"
	   "         compared already (for scripts).\n"
	   "  rekey  a head starts a new key epoch (a suspected compromise):\n"
	   "         a fresh key wrapped to every current member; content\n"
	   "         is written under it from then on.  --reason TEXT is\n"
	   "         kept in the record.  Your party's internal key, once it\n"
	   "         has one, changes with it; --internal changes only that\n"
	   "         (a fresh key wrapped to your party's current members,\n"
	   "         for internal notes: `add note --internal`).\n"
	   "  epochs  every key epoch: key id, the clock it started at, and\n"
	   "         whether your identity holds its key; then every\n"
	   "         party's internal keys\n"),
	run
};
