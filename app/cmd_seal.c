/*
 * cmd_seal.c: `detente seal propose|cosign|show`: the joint seal of a
 * meeting, a signed note with one signature line per head of delegation
 * (storage/seal.h).  Also the seal lines that `detente verify` prints.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "../crypto/err.h"
#include "../crypto/keys.h"
#include "../storage/entry.h"
#include "../storage/minutes.h"
#include "../storage/record.h"
#include "../storage/seal.h"
#include "../storage/view.h"
#include "../storage/vis.h"
#include "cli.h"
#include "fmt.h"
#include "i18n.h"
#include "session.h"

/*
 * status_line() - "meeting N: seal complete (RU, US)", "meeting N: seal
 * incomplete (missing US)" (with bad signatures and signatures waiting
 * to be joined said too), or "meeting N: seal invalid (why)".
 */
static void
status_line(FILE *f, const seal_info *si)
{
	size_t i, k;

	fprintf(f, _("meeting %llu: "), (unsigned long long)si->meeting);
	if (si->invalid) {
		/* si->why is English, from the library, as f->detail is */
		fputs(_("seal invalid ("), f);
		vis_put(f, si->why, 0);
		fputs(")\n", f);
		return;
	}
	if (si->complete) {
		fputs(_("seal complete ("), f);
		for (i = 0; i < si->nheads; i++)
			fprintf(f, "%s%s", i ? ", " : "", si->heads[i].party);
		fputs(")\n", f);
		return;
	}
	fputs(_("seal incomplete ("), f);
	if (si->nsigned == si->nheads) {
		fputs(_("every head has signed, in separate entries: run "
		    "`detente seal cosign` to join them)\n"), f);
		return;
	}
	fputs(_("missing"), f);
	for (i = k = 0; i < si->nheads; i++)
		if (si->heads[i].state != SEAL_SIGNED)
			fprintf(f, "%s%s", k++ ? ", " : " ", si->heads[i].party);
	for (i = k = 0; i < si->nheads; i++)
		if (si->heads[i].state == SEAL_BAD)
			fprintf(f, "%s%s", k++ ? ", " : _("; bad signature by "),
			    si->heads[i].party);
	fputs(")\n", f);
}

int
cli_seal_get(seal_info *si, record *r, uint64_t meeting, int check)
{
	int rc;

	rc = seal_info_get(si, r, meeting);
	if (rc == DT_ENOENT || rc == DT_ENOMEM)
		return rc;
	if (rc != 0) {
		/* Seal entries that cannot be read do not seal anything. */
		memset(si, 0, sizeof(*si));
		si->meeting = meeting;
		si->invalid = 1;
		snprintf(si->why, sizeof(si->why), "the seal entries cannot "
		    "be read: %s", _(dt_strerror(rc)));
		return 0;
	}
	if (check && !si->invalid && (rc = seal_info_check(si, r)) != 0) {
		si->invalid = 1;
		si->complete = 0;
		snprintf(si->why, sizeof(si->why), "the seal entries cannot "
		    "be checked: %s", _(dt_strerror(rc)));
	}
	return 0;
}

void
cli_seal_lines(struct cli_ctx *ctx, record *r, int check)
{
	uint64_t *m = NULL, last;
	size_t n = 0, i;
	seal_info si;
	int rc;

	if ((rc = seal_meetings(&m, &n, &last, r)) != 0) {
		fprintf(ctx->out, _("seals: cannot be read (%s)\n"),
		    _(dt_strerror(rc)));
		return;
	}
	for (i = 0; i < n; i++)
		if (cli_seal_get(&si, r, m[i], check) == 0) {
			status_line(ctx->out, &si);
			seal_info_done(&si);
		}
	free(m);
}

/* head_json() - {"party", "name", "key"} of a head, or NULL. */
static json_t *
head_json(const seal_head *h)
{
	char hex[2 * KEY_PK_BYTES + 1];

	key_hex(hex, h->pk, KEY_PK_BYTES);
	return json_pack("{s:s,s:s,s:s}", "party", h->party, "name", h->name,
	    "key", hex);
}

/* seal_json() - one meeting's seal as verify --json reports it. */
static json_t *
seal_json(const seal_info *si)
{
	char hex[2 * ENTRY_HASH_BYTES + 1];
	json_t *o, *signers, *missing, *h;
	const char *reason = NULL;
	size_t i;
	int bad = 0;

	signers = json_array();
	missing = json_array();
	for (i = 0; signers != NULL && missing != NULL && i < si->nheads;
	    i++) {
		if ((h = head_json(&si->heads[i])) == NULL)
			bad = 1;
		else if (si->heads[i].state == SEAL_SIGNED)
			bad |= json_array_append_new(signers, h) != 0;
		else {
			bad |= json_object_set_new(h, "bad_signature",
			    json_boolean(si->heads[i].state == SEAL_BAD)) != 0;
			bad |= json_array_append_new(missing, h) != 0;
		}
	}
	if (si->invalid)
		reason = si->why;
	else if (!si->complete && si->nheads > 0 &&
	    si->nsigned == si->nheads)
		reason = "every head has signed, in separate entries: run "
		    "`detente seal cosign` to join them";
	if (si->nentries > 0)
		key_hex(hex, si->entry, ENTRY_HASH_BYTES);
	o = json_pack("{s:I,s:s,s:o,s:o,s:s?,s:I,s:s?}",
	    "meeting", (json_int_t)si->meeting,
	    "state", seal_state_name(seal_info_state(si)),
	    "signers", signers, "missing", missing,
	    "entry", si->nentries > 0 ? hex : NULL,
	    "entries", (json_int_t)si->nentries,
	    "reason", reason);
	if (o == NULL || bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

int
cli_seal_json(json_t **out, record *r, int check)
{
	uint64_t *m = NULL, last;
	size_t n = 0, i;
	seal_info si;
	json_t *a, *o;
	int rc = 0;

	*out = NULL;
	if ((a = json_array()) == NULL)
		return DT_ENOMEM;
	if ((rc = seal_meetings(&m, &n, &last, r)) != 0) {
		*out = a;
		return rc;
	}
	for (i = 0; i < n && rc == 0; i++) {
		if ((rc = cli_seal_get(&si, r, m[i], check)) == DT_ENOENT) {
			rc = 0;
			continue;
		}
		if (rc != 0)
			break;
		if ((o = seal_json(&si)) == NULL ||
		    json_array_append_new(a, o) != 0)
			rc = DT_ENOMEM;
		seal_info_done(&si);
	}
	free(m);
	if (rc == DT_ENOMEM) {
		json_decref(a);
		return rc;
	}
	*out = a;
	return rc;
}

/* meeting_arg() - --meeting M. */
static int
meeting_arg(struct cli_ctx *ctx, const char *s, uint64_t *m)
{
	long long v;

	if (cli_parse_count(s, &v) != 0)
		return cli_bad_usage(ctx, &cmd_seal, _("not a meeting number"),
		    s);
	*m = (uint64_t)v;
	return CLI_OK;
}

/* last_sealed() - the meeting of the record's last seal entry. */
static int
last_sealed(struct cli_ctx *ctx, uint64_t *meeting)
{
	uint64_t *m = NULL;
	size_t n = 0;
	int rc;

	if ((rc = seal_meetings(&m, &n, meeting, ctx->rec)) != 0) {
		cli_error_rc(ctx, _("cannot read the seals"), rc, NULL,
		    _("run `detente verify`"));
		return cli_exit_for(rc);
	}
	free(m);
	if (n == 0) {
		cli_error(ctx, _("no seal has been proposed"), NULL,
		    _("a head proposes one with `detente seal propose`"));
		return CLI_FAIL;
	}
	return CLI_OK;
}

/* after() - the meeting's status on stderr, after a write. */
static void
after(struct cli_ctx *ctx, uint64_t meeting)
{
	seal_info si;

	if (seal_info_get(&si, ctx->rec, meeting) == 0) {
		status_line(ctx->err, &si);
		seal_info_done(&si);
	}
}

/* `seal propose [--meeting M] (--minutes FILE | --minutes-sha256 HEX)` */
static int
propose(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "meeting", required_argument, NULL, 'm' },
		{ "minutes-sha256", required_argument, NULL, 's' },
		{ "minutes", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 }
	};
	unsigned char minutes[32], hash[ENTRY_HASH_BYTES];
	char *note = NULL, shortid[FMT_SHORT_BYTES];
	const char *file = NULL;
	const view_meeting *vm;
	uint64_t meeting = 0;
	int64_t fmeeting;
	size_t len = 0;
	seal_info si;
	view *v = NULL;
	int c, rc, ret, have_sha = 0;

	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			if ((ret = meeting_arg(ctx, optarg, &meeting)) != CLI_OK)
				return ret;
			break;
		case 's':
			if (strlen(optarg) != 64 ||
			    key_unhex(minutes, 32, optarg) != 0)
				return cli_bad_usage(ctx, &cmd_seal,
				    _("--minutes-sha256 needs 64 hex digits"),
				    optarg);
			have_sha = 1;
			break;
		case 'f':
			file = optarg;
			break;
		default:
			return cli_opt_error(ctx, &cmd_seal, c, argv);
		}
	}
	if (optind < argc)
		return cli_bad_usage(ctx, &cmd_seal, _("unexpected argument"),
		    argv[optind]);
	/* A seal names the minutes it seals (FORMAT.md section 10). */
	if (file == NULL && !have_sha)
		return cli_bad_usage(ctx, &cmd_seal,
		    _("a seal names the minutes it seals: give --minutes FILE "
		      "(from `detente minutes export`)"), NULL);
	if (file != NULL && have_sha)
		return cli_bad_usage(ctx, &cmd_seal,
		    _("--minutes and --minutes-sha256 exclude each other"),
		    NULL);
	if ((ret = session_writer(ctx, ENTRY_K_SEAL)) != CLI_OK)
		return ret;
	if (file != NULL) {
		/* Seal only the minutes this replica renders now. */
		fmeeting = (int64_t)meeting;
		if ((ret = cli_minutes_current(ctx, file, minutes,
		    &fmeeting)) != CLI_OK)
			return ret;
		meeting = (uint64_t)fmeeting;
	}
	if (meeting == 0) {
		if ((ret = session_view(ctx, &v)) != CLI_OK)
			return ret;
		if ((vm = view_current_meeting(v)) == NULL)
			vm = view_last_meeting(v);
		if (vm != NULL && vm->number > 0)
			meeting = (uint64_t)vm->number;
		view_free(v);
		if (meeting == 0) {
			cli_error(ctx, _("no meeting to seal"), NULL,
			    _("give --meeting M"));
			return CLI_USAGE;
		}
	}
	if (seal_info_get(&si, ctx->rec, meeting) == 0) {
		int complete = si.complete;

		seal_info_done(&si);
		if (complete) {
			fprintf(ctx->err, _("meeting %llu is sealed already\n"),
			    (unsigned long long)meeting);
			return CLI_FAIL;
		}
	}
	if ((rc = seal_propose(&note, &len, ctx->rec, ctx->id, meeting,
	    minutes)) != 0 ||
	    (rc = seal_append(ctx->rec, ctx->id, meeting, note, len,
	    hash)) != 0) {
		cli_error_rc(ctx, _("cannot propose a seal"), rc, ctx->id->name,
		    rc == DT_EMEMBER ? _("only a head of delegation proposes "
		    "a seal") : _("nothing was written"));
		free(note);
		return cli_exit_for(rc);
	}
	fmt_short(shortid, hash);
	fprintf(ctx->err, _("seal %s proposed; the other heads run `detente "
	    "seal cosign --meeting %llu`\n"), shortid,
	    (unsigned long long)meeting);
	after(ctx, meeting);
	fwrite(note, 1, len, ctx->out);
	free(note);
	return CLI_OK;
}

/* `seal cosign [--meeting M]` */
static int
cosign(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "meeting", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 }
	};
	unsigned char hash[ENTRY_HASH_BYTES];
	char *note = NULL, shortid[FMT_SHORT_BYTES], why[SEAL_WHY_BYTES];
	char what[160];
	uint64_t meeting = 0;
	size_t len = 0;
	int c, rc, ret;

	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			if ((ret = meeting_arg(ctx, optarg, &meeting)) != CLI_OK)
				return ret;
			break;
		default:
			return cli_opt_error(ctx, &cmd_seal, c, argv);
		}
	}
	if (optind < argc)
		return cli_bad_usage(ctx, &cmd_seal, _("unexpected argument"),
		    argv[optind]);
	if ((ret = session_writer(ctx, ENTRY_K_SEAL)) != CLI_OK)
		return ret;
	if (meeting == 0 && (ret = last_sealed(ctx, &meeting)) != CLI_OK)
		return ret;
	snprintf(what, sizeof(what), _("cannot cosign the seal of meeting %llu"),
	    (unsigned long long)meeting);
	rc = seal_cosign(&note, &len, ctx->rec, ctx->id, meeting, why,
	    sizeof(why));
	if (rc != 0) {
		cli_error(ctx, what, why[0] ? why : _(dt_strerror(rc)),
		    rc == DT_ESTATE ? _("import the other side's bundle first") :
		    rc == DT_EHASH ? _("your replica and the seal disagree: "
		    "compare with the other side before signing") :
		    _("nothing was written"));
		return rc == DT_ENOMEM || rc == DT_EIO ? CLI_USAGE : CLI_FAIL;
	}
	if ((rc = seal_append(ctx->rec, ctx->id, meeting, note, len,
	    hash)) != 0) {
		cli_error_rc(ctx, what, rc, ctx->id->name,
		    _("nothing was written"));
		free(note);
		return cli_exit_for(rc);
	}
	fmt_short(shortid, hash);
	fprintf(ctx->err, _("seal %s cosigned\n"), shortid);
	after(ctx, meeting);
	fwrite(note, 1, len, ctx->out);
	free(note);
	return CLI_OK;
}

/* show_one() - status, entry and note (or only the note, or the keys). */
static int
show_one(struct cli_ctx *ctx, uint64_t meeting, int only_note, int keys)
{
	char shortid[FMT_SHORT_BYTES], vk[SEAL_VKEY_BYTES];
	seal_info si;
	size_t i;
	int rc;

	/* A record that failed verification: check its seal entries too. */
	if ((rc = cli_seal_get(&si, ctx->rec, meeting,
	    record_last_failure(ctx->rec)->code != 0)) != 0) {
		if (rc == DT_ENOENT) {
			fprintf(ctx->err, _("meeting %llu has no seal\n"),
			    (unsigned long long)meeting);
			return CLI_FAIL;
		}
		cli_error_rc(ctx, _("cannot read the seals"), rc, NULL,
		    _("run `detente verify`"));
		return cli_exit_for(rc);
	}
	if (keys) {
		for (i = 0; i < si.nheads; i++) {
			seal_vkey(vk, record_id(ctx->rec), si.heads[i].pk);
			fprintf(ctx->out, "%s\n", vk);
		}
	} else if (only_note) {
		if (si.note != NULL)
			vis_nput(ctx->out, si.note, si.notelen, VIS_NL);
	} else {
		status_line(ctx->out, &si);
		if (si.note != NULL) {
			fmt_short(shortid, si.entry);
			fprintf(ctx->out, ngettext("entry %s, %zu seal entry "
			    "for this meeting\n\n", "entry %s, %zu seal "
			    "entries for this meeting\n\n", si.nentries),
			    shortid, si.nentries);
			/* a note from the record: vis.h renders it */
			vis_nput(ctx->out, si.note, si.notelen, VIS_NL);
		}
	}
	seal_info_done(&si);
	return CLI_OK;
}

/* `seal show [--meeting M] [--note | --keys]` */
static int
show(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "meeting", required_argument, NULL, 'm' },
		{ "note", no_argument, NULL, 'n' },
		{ "keys", no_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 }
	};
	uint64_t meeting = 0, *m = NULL, last = 0;
	size_t n = 0, i;
	int c, rc, ret, only_note = 0, keys = 0;

	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			if ((ret = meeting_arg(ctx, optarg, &meeting)) != CLI_OK)
				return ret;
			break;
		case 'n':
			only_note = 1;
			break;
		case 'k':
			keys = 1;
			break;
		default:
			return cli_opt_error(ctx, &cmd_seal, c, argv);
		}
	}
	if (optind < argc)
		return cli_bad_usage(ctx, &cmd_seal, _("unexpected argument"),
		    argv[optind]);
	if (only_note && keys)
		return cli_bad_usage(ctx, &cmd_seal,
		    _("--note and --keys exclude each other"), NULL);
	if ((ret = session_record(ctx, 0)) != CLI_OK)
		return ret;
	if (meeting != 0)
		return show_one(ctx, meeting, only_note, keys);
	if ((rc = seal_meetings(&m, &n, &last, ctx->rec)) != 0) {
		cli_error_rc(ctx, _("cannot read the seals"), rc, NULL,
		    _("run `detente verify`"));
		return cli_exit_for(rc);
	}
	if (n == 0) {
		free(m);
		fprintf(ctx->err, _("no seal has been proposed\n"));
		return CLI_FAIL;
	}
	if (only_note || keys) {
		free(m);
		return show_one(ctx, last, only_note, keys);
	}
	for (i = 0, ret = CLI_OK; i < n && ret == CLI_OK; i++) {
		if (i > 0)
			fputc('\n', ctx->out);
		ret = show_one(ctx, m[i], 0, 0);
	}
	free(m);
	return ret;
}

/* run() - `seal SUBCOMMAND ...` */
static int
run(struct cli_ctx *ctx, int argc, char **argv)
{
	if (argc < 2)
		return cli_bad_usage(ctx, &cmd_seal,
		    _("expected propose, cosign or show"), NULL);
	if (strcmp(argv[1], "propose") == 0)
		return propose(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "cosign") == 0)
		return cosign(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "show") == 0)
		return show(ctx, argc - 1, argv + 1);
	return cli_bad_usage(ctx, &cmd_seal, _("unknown subcommand"), argv[1]);
}

const struct cli_cmd cmd_seal = {
	"seal",
	N_("propose [--meeting M] (--minutes FILE | --minutes-sha256 HEX) | "
	   "cosign [--meeting M] | show [--meeting M] [--note | --keys]"),
	N_("the heads' joint seal of a meeting (a signed note)"),
	N_("propose: a head writes the seal of meeting M (default: the\n"
	   "meeting of the minutes FILE names): the minutes' SHA-256 and\n"
	   "every feed's size and root, signed by that head.  A seal names\n"
	   "its minutes: FILE must be what this replica renders now\n"
	   "(`detente minutes export`), or give the SHA-256 that `detente\n"
	   "minutes sign` printed.  cosign: another head checks every\n"
	   "listed feed against its own replica and adds its signature\n"
	   "(default: the meeting of the last seal).  show: each meeting's\n"
	   "seal and whether it is complete (signed by the head of every\n"
	   "party), incomplete, or invalid (a seal entry breaks the rules);\n"
	   "--note prints only the note, --keys the heads' C2SP verifier\n"
	   "keys, for any signed-note verifier.\n"
	   "Exit 0 done; 1 refused (not a head, sealed already, nothing to\n"
	   "cosign, the replica disagrees) or no seal to show; 2 usage.\n"),
	run
};
