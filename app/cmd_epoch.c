/*
 * cmd_epoch.c: membership over time: a head removes a member of its own
 * party or replaces a lost key, each with a new key epoch; `dialogue
 * rekey` starts a new epoch on demand (a suspected compromise), and
 * `dialogue epochs` lists them (storage/membership.c does the writing).
 */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../crypto/err.h"
#include "../crypto/keys.h"
#include "../crypto/keystore.h"
#include "../crypto/wrap.h"
#include "../storage/entry.h"
#include "../storage/record.h"
#include "../storage/vis.h"
#include "cli.h"
#include "cmd_epoch.h"
#include "feedmark.h"
#include "fmt.h"
#include "home.h"
#include "i18n.h"
#include "session.h"

/* The longest reason kept in a member-remove or key-wrap payload. */
#define REASON_MAX 500

int
epoch_mode(const char *s)
{
	if (strcmp(s, "all") == 0)
		return RECORD_EPOCHS_ALL;
	if (strcmp(s, "current") == 0)
		return RECORD_EPOCHS_CURRENT;
	return -1;
}

void
epoch_given_line(struct cli_ctx *ctx, size_t given, int mode)
{
	fprintf(ctx->out, mode == RECORD_EPOCHS_ALL ?
	    _("gave the keys of %zu key epoch(s): every epoch this head "
	    "holds, so earlier content is readable\n") :
	    _("gave the key of %zu key epoch(s): the current one only, so "
	    "content written before it is not readable\n"), given);
}

/*
 * current_member() - WHO as a current member of the record: a public key
 * (any form key_parse_public() reads) or the name of a current member.
 */
static const record_member *
current_member(struct cli_ctx *ctx, const struct cli_cmd *cmd,
    const char *who)
{
	unsigned char pk[KEY_PK_BYTES];
	char name[KEY_NAME_MAX + 1];
	const record_member *m, *found = NULL;
	size_t i, n = 0;

	if (key_parse_public(pk, name, who) == 0) {
		if ((m = record_member_find(ctx->rec, pk)) == NULL ||
		    m->removed_clock != 0) {
			cli_error(ctx, m == NULL ? _("this key is not a member") :
			    _("this member was removed already"), who,
			    _("see `detente member list`"));
			return NULL;
		}
		return m;
	}
	for (i = 0; i < record_nmembers(ctx->rec); i++) {
		m = record_member_at(ctx->rec, i);
		if (m->removed_clock == 0 && strcmp(m->name, who) == 0) {
			found = m;
			n++;
		}
	}
	if (n == 1)
		return found;
	cli_error(ctx, n == 0 ? _("no current member of that name") :
	    _("several current members have that name: give the key"), who,
	    _("see `detente member list`"));
	(void)cmd;
	return NULL;
}

/* may_remove() - CLI_OK if the head may remove m (own party, no head). */
static int
may_remove(struct cli_ctx *ctx, const record_member *m)
{
	const record_member *me = record_member_find(ctx->rec, ctx->id->pk);
	char b[3 * KEY_NAME_MAX + 4];

	vis_buf(b, sizeof(b), m->name, 0);
	if (m->role == RECORD_ROLE_HEAD) {
		cli_error(ctx, _("a head of delegation cannot be removed "
		    "(heads are fixed by the genesis)"), b, NULL);
		return CLI_FAIL;
	}
	if (me == NULL || strcmp(me->party, m->party) != 0) {
		cli_error(ctx, _("a head removes members of its own party "
		    "only"), b, _("ask that party's head of delegation"));
		return CLI_FAIL;
	}
	return CLI_OK;
}

static void
epoch_line(struct cli_ctx *ctx, const unsigned char id[WRAP_KEYID_BYTES])
{
	char hex[2 * WRAP_KEYID_BYTES + 1];
	long cur = record_epoch_current(ctx->rec);

	key_hex(hex, id, WRAP_KEYID_BYTES);
	fprintf(ctx->out, _("new key epoch %ld (key id %s), wrapped to every "
	    "current member; content is written under it from now on\n"),
	    cur, hex);
}

/* party_line() - what a new party key of the writer's party says. */
static void
party_line(struct cli_ctx *ctx, const unsigned char id[WRAP_KEYID_BYTES])
{
	const record_member *me = record_member_find(ctx->rec, ctx->id->pk);
	char hex[2 * WRAP_KEYID_BYTES + 1];

	key_hex(hex, id, WRAP_KEYID_BYTES);
	fprintf(ctx->out, _("new internal key of %s (key id %s), wrapped to "
	    "its current members; its internal notes are written under it "
	    "from now on\n"), me != NULL ? me->party : "?", hex);
}

/* party_count() - how many internal keys the writer's party has. */
static size_t
party_count(struct cli_ctx *ctx)
{
	const record_member *me = record_member_find(ctx->rec, ctx->id->pk);

	return me != NULL ? record_party_epochs(ctx->rec, me->party) : 0;
}

/*
 * party_after() - after a removal, replacement or rekey: the line of the
 * writer's party's new internal key, if the change started one (the
 * party had before of them, at least one).
 */
static void
party_after(struct cli_ctx *ctx, size_t before)
{
	const record_member *me = record_member_find(ctx->rec, ctx->id->pk);
	unsigned char id[WRAP_KEYID_BYTES];
	uint64_t clock;
	size_t n;
	int held;

	if (me == NULL || before == 0 ||
	    (n = record_party_epochs(ctx->rec, me->party)) <= before ||
	    record_party_epoch_at(ctx->rec, me->party, n - 1, id, &clock,
	    &held) != 0)
		return;
	party_line(ctx, id);
}

static const struct option reason_opts[] = {
	{ "reason", required_argument, NULL, 'r' },
	{ NULL, 0, NULL, 0 }
};

/* `member remove [--reason TEXT] NAME|KEY` */
int
epoch_member_remove(struct cli_ctx *ctx, int argc, char **argv)
{
	const char *reason = NULL;
	unsigned char hash[ENTRY_HASH_BYTES], eid[WRAP_KEYID_BYTES];
	char shortid[FMT_SHORT_BYTES], b[3 * KEY_NAME_MAX + 4];
	size_t before;
	const record_member *m;
	record_member copy;
	int c, rc, ret;

	while ((c = getopt_long(argc, argv, ":", reason_opts, NULL)) != -1) {
		if (c != 'r')
			return cli_opt_error(ctx, &cmd_member, c, argv);
		if ((ret = cli_field(ctx, &cmd_member, "--reason", optarg,
		    REASON_MAX)) != CLI_OK)
			return ret;
		reason = optarg;
	}
	if (optind + 1 != argc)
		return cli_bad_usage(ctx, &cmd_member, optind < argc ?
		    _("unexpected argument") : _("missing NAME or KEY"),
		    optind < argc ? argv[optind + 1] : NULL);
	if ((ret = session_writer(ctx, ENTRY_K_MEMBER_REMOVE)) != CLI_OK)
		return ret;
	if ((m = current_member(ctx, &cmd_member, argv[optind])) == NULL)
		return CLI_FAIL;
	if ((ret = may_remove(ctx, m)) != CLI_OK)
		return ret;
	copy = *m;
	before = party_count(ctx);
	if ((rc = record_remove_member(ctx->rec, ctx->id, copy.pk, reason,
	    hash, eid)) != 0) {
		cli_error_rc(ctx, _("cannot remove the member"), rc,
		    vis_buf(b, sizeof(b), copy.name, 0),
		    rc == DT_EMEMBER ? _("the dialogue's rules do not allow "
		    "it") : _("nothing was written"));
		return cli_exit_for(rc);
	}
	(void)feedmark_note(ctx);
	fmt_short(shortid, hash);
	fprintf(ctx->out, _("%s  %s removed from %s: writes nothing from "
	    "now on\n"), shortid, vis_buf(b, sizeof(b), copy.name, 0),
	    copy.party);
	epoch_line(ctx, eid);
	party_after(ctx, before);
	return CLI_OK;
}

/* `member replace [--name N] [--epochs all|current] [--reason T] OLD NEW` */
int
epoch_member_replace(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "reason", required_argument, NULL, 'r' },
		{ "name", required_argument, NULL, 'n' },
		{ "epochs", required_argument, NULL, 'e' },
		{ NULL, 0, NULL, 0 }
	};
	const char *reason = NULL, *name = NULL;
	unsigned char hash[ENTRY_HASH_BYTES], eid[WRAP_KEYID_BYTES];
	char shortid[FMT_SHORT_BYTES], b[3 * KEY_NAME_MAX + 4];
	size_t before;
	char kname[KEY_NAME_MAX + 1], fp[KEY_FINGERPRINT_BYTES];
	char nb[3 * KEY_NAME_MAX + 4];
	char path[PATH_MAX];
	const record_member *old;
	record_member oldc, m;
	size_t given = 0;
	int c, rc, ret, mode = RECORD_EPOCHS_ALL;

	memset(&m, 0, sizeof(m));
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			if ((ret = cli_field(ctx, &cmd_member, "--reason",
			    optarg, REASON_MAX)) != CLI_OK)
				return ret;
			reason = optarg;
			break;
		case 'n':
			if (!key_name_valid(optarg))
				return cli_bad_usage(ctx, &cmd_member,
				    _("not a member name (1 to 63 bytes, no "
				    "spaces, no '+')"), optarg);
			name = optarg;
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
	if (optind + 2 != argc)
		return cli_bad_usage(ctx, &cmd_member, optind + 2 < argc ?
		    _("unexpected argument") : _("missing OLD or NEW"),
		    optind + 2 < argc ? argv[optind + 2] : NULL);
	kname[0] = '\0';
	if (key_parse_public(m.pk, kname, argv[optind + 1]) != 0) {
		if (!key_name_valid(argv[optind + 1]) ||
		    session_home(ctx, 0) != CLI_OK)
			return cli_bad_usage(ctx, &cmd_member, _("not a public "
			    "key (hex, C2SP verifier key, minisign) nor an "
			    "identity of this home"), argv[optind + 1]);
		home_identity_path(path, sizeof(path), ctx->home,
		    argv[optind + 1]);
		if (keystore_read_public(kname, m.pk, path) != 0)
			return cli_bad_usage(ctx, &cmd_member, _("not a public "
			    "key (hex, C2SP verifier key, minisign) nor an "
			    "identity of this home"), argv[optind + 1]);
	}
	if ((ret = session_writer(ctx, ENTRY_K_MEMBER_REMOVE)) != CLI_OK)
		return ret;
	if ((old = current_member(ctx, &cmd_member, argv[optind])) == NULL)
		return CLI_FAIL;
	if ((ret = may_remove(ctx, old)) != CLI_OK)
		return ret;
	oldc = *old;
	if (record_member_find(ctx->rec, m.pk) != NULL) {
		cli_error(ctx, _("the new key is or was a member already: a "
		    "replacement needs a key never used in this dialogue"),
		    argv[optind + 1], _("see `detente member list`"));
		return CLI_FAIL;
	}
	/*
	 * The name: --name, else the new key's own (its verifier key's or
	 * identity's: a person who makes a new identity on a new laptop
	 * under the same name keeps it), else the old member's.
	 */
	snprintf(m.name, sizeof(m.name), "%s", name != NULL ? name :
	    kname[0] != '\0' ? kname : oldc.name);
	if (vis_field_check(m.name, KEY_NAME_MAX) != 0)
		return cli_bad_usage(ctx, &cmd_member, _("not a member name "
		    "(no control or bidirectional characters): give --name "
		    "NAME"), m.name);
	snprintf(m.party, sizeof(m.party), "%s", oldc.party);
	m.role = oldc.role;
	before = party_count(ctx);
	if ((rc = record_replace_member(ctx->rec, ctx->id, oldc.pk, &m, mode,
	    reason, hash, eid, &given)) != 0) {
		cli_error_rc(ctx, _("cannot replace the member"), rc,
		    vis_buf(b, sizeof(b), oldc.name, 0),
		    rc == DT_EMEMBER ? _("the dialogue's rules do not allow "
		    "it") : _("nothing was written"));
		return cli_exit_for(rc);
	}
	(void)feedmark_note(ctx);
	fmt_short(shortid, hash);
	key_fingerprint(fp, m.pk);
	fprintf(ctx->out, _("%s  the old key of %s is removed; the new key "
	    "(fingerprint %s) is a member of %s as %s, named %s\n"), shortid,
	    vis_buf(b, sizeof(b), oldc.name, 0), fp, m.party,
	    m.role == RECORD_ROLE_OBSERVER ? _("observer") : _("delegate"),
	    vis_buf(nb, sizeof(nb), m.name, 0));
	epoch_given_line(ctx, given, mode);
	epoch_line(ctx, eid);
	party_after(ctx, before);
	return CLI_OK;
}

/* `dialogue rekey --internal`: a new party key only. */
static int
rekey_internal(struct cli_ctx *ctx, const char *reason)
{
	unsigned char eid[WRAP_KEYID_BYTES];
	int rc, ret;

	if ((ret = session_writer(ctx, ENTRY_K_KEY_WRAP)) != CLI_OK)
		return ret;
	if ((rc = record_rekey_internal(ctx->rec, ctx->id, reason, eid)) != 0) {
		cli_error_rc(ctx, _("cannot start a new internal key"), rc,
		    NULL, rc == DT_EMEMBER ? _("only a head of delegation "
		    "may") : _("nothing was written"));
		return cli_exit_for(rc);
	}
	(void)feedmark_note(ctx);
	party_line(ctx, eid);
	return CLI_OK;
}

/* `dialogue rekey [--internal] [--reason TEXT]` */
int
epoch_dialogue_rekey(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "reason", required_argument, NULL, 'r' },
		{ "internal", no_argument, NULL, 'I' },
		{ NULL, 0, NULL, 0 }
	};
	const char *reason = NULL;
	unsigned char hash[ENTRY_HASH_BYTES], eid[WRAP_KEYID_BYTES];
	char shortid[FMT_SHORT_BYTES];
	int c, rc, ret, internal = 0;
	size_t before;

	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c == 'I') {
			internal = 1;
			continue;
		}
		if (c != 'r')
			return cli_opt_error(ctx, &cmd_dialogue, c, argv);
		if ((ret = cli_field(ctx, &cmd_dialogue, "--reason", optarg,
		    REASON_MAX)) != CLI_OK)
			return ret;
		reason = optarg;
	}
	if (optind != argc)
		return cli_bad_usage(ctx, &cmd_dialogue,
		    _("unexpected argument"), argv[optind]);
	if (internal)
		return rekey_internal(ctx, reason);
	if ((ret = session_writer(ctx, ENTRY_K_KEY_WRAP)) != CLI_OK)
		return ret;
	before = party_count(ctx);
	if ((rc = record_rekey(ctx->rec, ctx->id, reason, hash, eid)) != 0) {
		cli_error_rc(ctx, _("cannot start a new key epoch"), rc,
		    NULL, rc == DT_EMEMBER ? _("only a head of delegation "
		    "may") : _("nothing was written"));
		return cli_exit_for(rc);
	}
	(void)feedmark_note(ctx);
	fmt_short(shortid, hash);
	fprintf(ctx->out, "%s  ", shortid);
	epoch_line(ctx, eid);
	/* the party's internal key changes with it, once it has one */
	party_after(ctx, before);
	return CLI_OK;
}

/* `dialogue epochs`: every key epoch, and whether this identity holds it. */
int
epoch_dialogue_epochs(struct cli_ctx *ctx, int argc, char **argv)
{
	unsigned char id[WRAP_KEYID_BYTES];
	char hex[2 * WRAP_KEYID_BYTES + 1];
	uint64_t clock;
	long cur;
	size_t i, p;
	int held, ret;

	if (argc > 1)
		return cli_bad_usage(ctx, &cmd_dialogue,
		    _("unexpected argument"), argv[1]);
	if ((ret = session_record_key(ctx)) != CLI_OK)
		return ret;
	cur = record_epoch_current(ctx->rec);
	for (i = 0; i < record_epochs(ctx->rec); i++) {
		if (record_epoch_at(ctx->rec, i, id, &clock, &held) != 0)
			break;
		key_hex(hex, id, sizeof(id));
		fprintf(ctx->out, _("epoch %zu  key id %s  started at clock "
		    "%llu  %s%s\n"), i, hex, (unsigned long long)clock,
		    held ? _("key held") : _("key not held"),
		    (long)i == cur ? _(" (current)") : "");
	}
	/* each party's internal keys (FORMAT.md section 6) */
	for (p = 0; p < record_nparties(ctx->rec); p++) {
		const char *party = record_party(ctx->rec, p);
		size_t n = record_party_epochs(ctx->rec, party);

		for (i = 0; i < n; i++) {
			if (record_party_epoch_at(ctx->rec, party, i, id,
			    &clock, &held) != 0)
				break;
			key_hex(hex, id, sizeof(id));
			fprintf(ctx->out, _("internal key %zu of %s  key id %s  "
			    "started at clock %llu  %s%s\n"), i, party, hex,
			    (unsigned long long)clock,
			    held ? _("key held") : _("key not held"),
			    held && i + 1 == n ? _(" (current)") : "");
		}
	}
	return CLI_OK;
}
