/*
 * cmd_verify.c: `detente verify`: check the whole record.
 *
 * Exit 0 when valid; 1 when verification fails, including a store whose
 * bytes are so damaged that it does not open; 2 for usage errors and
 * files that cannot be read at all; 3 when valid and holding evidence
 * against members: a fork this store keeps, or a member fault.
 */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "../crypto/err.h"
#include "../crypto/keys.h"
#include "../storage/entry.h"
#include "../storage/record.h"
#include "../storage/vis.h"
#include "cli.h"
#include "evidence.h"
#include "exchange.h"
#include "feedmark.h"
#include "fmt.h"
#include "i18n.h"
#include "session.h"

/* author_label() - a failure's author: member name, or hex. */
static void
author_label(char *out, size_t outlen, const record *r,
    const record_failure *f)
{
	const record_member *m = r != NULL ?
	    record_member_find(r, f->author) : NULL;
	char hex[2 * KEY_PK_BYTES + 1];

	if (m != NULL) {
		vis_buf(out, outlen, m->name, 0);
		return;
	}
	key_hex(hex, f->author, KEY_PK_BYTES);
	snprintf(out, outlen, "%s", hex);
}

/*
 * faults_json() - the member faults the walk met, as an array of
 * {author, author_name, seq, kind, hash, reason}; nothing of their
 * content.
 */
static json_t *
faults_json(const record *r)
{
	char hex[2 * KEY_PK_BYTES + 1], hash[2 * ENTRY_HASH_BYTES + 1];
	const record_member *m;
	const record_fault *fv;
	json_t *a = json_array();
	size_t i, n;

	fv = record_faults(r, &n);
	for (i = 0; i < n; i++) {
		m = record_member_find(r, fv[i].author);
		key_hex(hex, fv[i].author, KEY_PK_BYTES);
		key_hex(hash, fv[i].hash, ENTRY_HASH_BYTES);
		json_array_append_new(a, json_pack("{s:s,s:s?,s:I,s:s,s:s,s:s}",
		    "author", hex, "author_name", m != NULL ? m->name : NULL,
		    "seq", (json_int_t)fv[i].seq,
		    "kind", entry_kind_name(fv[i].kind), "hash", hash,
		    "reason", exchange_fault_reason(fv[i].reason)));
	}
	return a;
}

/*
 * print_faults() - after "OK:", one line per member fault the walk met,
 * and what it means.
 */
static void
print_faults(struct cli_ctx *ctx, const record *r, const evidence_sum *ev)
{
	const record_fault *fv;
	size_t i, n;

	fv = record_faults(r, &n);
	for (i = 0; i < n; i++)
		exchange_fault_line(ctx->out, "", r, &fv[i]);
	if (n > 0)
		fprintf(ctx->out, ngettext("EVIDENCE: %zu entry is its "
		    "author's fault: signed by its author, kept in the record, "
		    "never shown as text (see `detente evidence --faults`)\n",
		    "EVIDENCE: %zu entries are their authors' faults: signed "
		    "by their authors, kept in the record, never shown as text "
		    "(see `detente evidence --faults`)\n", n), n);
	if (ev == NULL || ev->nforks == 0)
		return;
	evidence_print_forks(ctx->out, "", r, ev);
	fprintf(ctx->out, ngettext("EVIDENCE: %zu fork: its author signed "
	    "two different entries for one place; the record keeps the "
	    "first, this store keeps both (see `detente evidence`)\n",
	    "EVIDENCE: %zu forks: their authors signed two different "
	    "entries for one place; the record keeps the first, this store "
	    "keeps both (see `detente evidence`)\n", ev->nforks), ev->nforks);
}

/*
 * report() - print the verdict, as text or JSON, and the seal of every
 * meeting that has seal entries (r NULL: the store did not open, no
 * seals).  After a failure the seals are checked again entry by entry
 * (seal_info_check()), so that a seal the failure touches says invalid.
 */
static void
report(struct cli_ctx *ctx, int json, record *r, int no_key,
    const record_stats *st, const record_failure *f, const evidence_sum *ev)
{
	char who[2 * KEY_PK_BYTES + 1], hash[2 * ENTRY_HASH_BYTES + 1];
	char exp[2 * ENTRY_HASH_BYTES + 1];
	json_t *o, *fo, *seals = NULL;
	int rc;

	if (f->has_entry) {
		author_label(who, sizeof(who), r, f);
		key_hex(hash, f->hash, ENTRY_HASH_BYTES);
	}
	if (f->has_expected)
		key_hex(exp, f->expected, ENTRY_HASH_BYTES);
	if (json) {
		o = json_pack("{s:b,s:I,s:I,s:b}", "ok", f->code == 0,
		    "entries", (json_int_t)st->entries,
		    "feeds", (json_int_t)st->feeds,
		    "content_checked", !no_key);
		if (f->code != 0) {
			fo = json_pack("{s:i,s:s,s:s}", "code", f->code,
			    "error", _(dt_strerror(f->code)), "detail",
			    f->detail[0] ? f->detail : _(dt_strerror(f->code)));
			if (f->has_entry) {
				key_hex(exp, f->author, KEY_PK_BYTES);
				json_object_set_new(fo, "author",
				    json_string(exp));
				json_object_set_new(fo, "author_name",
				    json_string(who));
				json_object_set_new(fo, "seq",
				    json_integer((json_int_t)f->seq));
				json_object_set_new(fo, "hash",
				    json_string(hash));
			}
			if (f->has_expected) {
				key_hex(exp, f->expected, ENTRY_HASH_BYTES);
				json_object_set_new(fo, "expected",
				    json_string(exp));
			}
			json_object_set_new(o, "failure", fo);
		}
		if (r != NULL && f->code == 0 && st->faults > 0)
			json_object_set_new(o, "member_faults",
			    faults_json(r));
		if (r != NULL && f->code == 0 && ev != NULL &&
		    evidence_any(ev)) {
			json_object_set_new(o, "forks",
			    evidence_forks_json(r, ev));
			json_object_set_new(o, "evidence_against",
			    evidence_members_json(r, ev));
		}
		if (r != NULL) {
			rc = cli_seal_json(&seals, r, f->code != 0);
			if (seals != NULL)
				json_object_set_new(o, "seals", seals);
			if (rc != 0)
				json_object_set_new(o, "seals_error",
				    json_string(_(dt_strerror(rc))));
		} else
			json_object_set_new(o, "seals", json_array());
		fmt_print_json(ctx->out, o);
		json_decref(o);
		return;
	}
	/* "OK:" and "FAILED:" stay English: scripts look for them. */
	if (f->code == 0) {
		fputs("OK: ", ctx->out);
		/* two counts, two plurals: "1 запись в 2 лентах" */
		fprintf(ctx->out, ngettext("%llu entry", "%llu entries",
		    (unsigned long)st->entries),
		    (unsigned long long)st->entries);
		fprintf(ctx->out, ngettext(" in %llu feed", " in %llu feeds",
		    (unsigned long)st->feeds), (unsigned long long)st->feeds);
		if (!no_key && st->content > st->decrypted + st->faults +
		    st->internal_other)
			/* entries of key epochs this identity was not given */
			fprintf(ctx->out, ngettext(" (content of %llu entry not "
			    "checked: its key epoch was not given to you)",
			    " (content of %llu entries not checked: their key "
			    "epochs were not given to you)", (unsigned long)(
			    st->content - st->decrypted - st->faults -
			    st->internal_other)),
			    (unsigned long long)(st->content - st->decrypted -
			    st->faults - st->internal_other));
		if (!no_key && st->internal_other > 0)
			/* another party's: by design, not a missing key */
			fprintf(ctx->out, ngettext(" (%llu internal note of "
			    "another party: its content is for that party "
			    "only)", " (%llu internal notes of another party: "
			    "their content is for that party only)",
			    (unsigned long)st->internal_other),
			    (unsigned long long)st->internal_other);
		fprintf(ctx->out, "%s\n",
		    no_key ? _(" (content not checked: no key)") : "");
		if (r != NULL)
			print_faults(ctx, r, ev);
		if (r != NULL && ev != NULL)
			evidence_print_members(ctx->out, "", r, ev);
		if (r != NULL)
			cli_seal_lines(ctx, r, 0);
		return;
	}
	exchange_failure_line(ctx->out, r, f);
	if (r != NULL)
		cli_seal_lines(ctx, r, 1);
}

/*
 * run() - `verify`: open the record (a store that does not open
 * because its bytes are bad is a failed verification), unlock unless
 * --no-key, and run the full record_verify().
 */
static int
run(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "no-key", no_argument, NULL, 'k' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	char path[PATH_MAX];
	const record_fault *fv;
	evidence_sum ev;
	record_failure f;
	record_stats st;
	size_t nfv;
	int c, rc, ret, json = 0, no_key = 0;

	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			no_key = 1;
			break;
		case 'j':
			json = 1;
			break;
		default:
			return cli_opt_error(ctx, &cmd_verify, c, argv);
		}
	}
	if (optind < argc)
		return cli_bad_usage(ctx, &cmd_verify, _("unexpected argument"),
		    argv[optind]);
	memset(&f, 0, sizeof(f));
	memset(&st, 0, sizeof(st));
	if (ctx->rec == NULL) {
		if ((ret = session_dialogue_path(ctx, path, sizeof(path))) !=
		    CLI_OK)
			return ret;
		if ((rc = session_open(&ctx->rec, path)) != 0) {
			ctx->rec = NULL;
			if (cli_exit_for(rc) != CLI_FAIL) {
				cli_error_rc(ctx, _("cannot open the dialogue"),
				    rc, path, _("check the directory"));
				return CLI_USAGE;
			}
			/* Bytes that do not even open: a failed check. */
			f.code = rc;
			snprintf(f.detail, sizeof(f.detail),
			    _("the store does not open: %s"),
			    _(dt_strerror(rc)));
			report(ctx, json, NULL, no_key, &st, &f, NULL);
			return CLI_FAIL;
		}
	}
	/* A record found bad on open is a failed verification, key or not. */
	if (record_last_failure(ctx->rec)->code != 0) {
		f = *record_last_failure(ctx->rec);
		report(ctx, json, ctx->rec, no_key, &st, &f, NULL);
		return CLI_FAIL;
	}
	if (!no_key && (ret = session_record_key(ctx)) != CLI_OK) {
		/*
		 * The key wrap may be what is damaged: check the rest
		 * without the key, and report a failure found there.
		 */
		if (record_verify(ctx->rec, 0, &st, &f) != 0 && f.code != 0) {
			report(ctx, json, ctx->rec, no_key, &st, &f, NULL);
			return CLI_FAIL;
		}
		if (ret == CLI_FAIL)
			cli_error(ctx, _("cannot check the content"), NULL,
			    _("use `detente verify --no-key`"));
		return CLI_USAGE;
	}
	rc = record_verify(ctx->rec, no_key ? 0 : RECORD_VERIFY_KEY, &st, &f);
	if (rc != 0 && f.code == 0) {
		cli_error_rc(ctx, _("cannot verify the dialogue"), rc,
		    store_path(record_store(ctx->rec)), _("check the store"));
		return CLI_USAGE;
	}
	/*
	 * A store rolled back whole is a valid record: what this home's
	 * identities wrote, kept outside it, is what can tell (feedmark.h).
	 */
	if (f.code == 0)
		(void)feedmark_check(ctx, &f);
	if (f.code != 0) {
		report(ctx, json, ctx->rec, no_key, &st, &f, NULL);
		return CLI_FAIL;
	}
	fv = record_faults(ctx->rec, &nfv);
	if ((rc = evidence_gather(&ev, ctx->rec, fv, nfv)) != 0) {
		evidence_done(&ev);
		cli_error_rc(ctx, _("cannot read the fork evidence"), rc,
		    store_path(record_store(ctx->rec)), _("check the store"));
		return CLI_USAGE;
	}
	report(ctx, json, ctx->rec, no_key, &st, &f, &ev);
	ret = evidence_any(&ev) ? CLI_EVIDENCE : CLI_OK;
	evidence_done(&ev);
	return ret;
}

const struct cli_cmd cmd_verify = {
	"verify", N_("[--no-key] [--json]"),
	N_("check every hash chain, signature, clock, reference and "
	   "membership rule"),
	N_("Prints \"OK: N entries in K feeds\" or the first failure with\n"
	   "its author, sequence number and hashes.  With the key (the\n"
	   "default) it also checks that every content entry decrypts;\n"
	   "--no-key checks everything else and needs no passphrase.\n"
	   "Then one line per meeting that has seal entries: \"meeting N:\n"
	   "seal complete (RU, US)\", \"seal incomplete (missing US)\" or\n"
	   "\"seal invalid (why)\".  --json prints one object: ok, entries,\n"
	   "feeds, content_checked, failure (when not ok), and seals (per\n"
	   "meeting: meeting, state, signers, missing, entry, entries,\n"
	   "reason).\n"
	   "A content entry that its author signed but that does not\n"
	   "decrypt, or is not a payload of its kind, is a member fault:\n"
	   "evidence against its author, not damage.  verify names each\n"
	   "(\"member fault: author ..., seq N, KIND HASH: reason\"; in\n"
	   "--json, member_faults) and exits 3.  So is an entry written\n"
	   "after its author's removal (a rule on clocks: found with\n"
	   "--no-key too).  So it does for a fork this store keeps (two\n"
	   "signed entries for one author and seq, refused by an\n"
	   "import: `detente evidence`): \"fork: author ..., seq N,\n"
	   "...\"; in --json, forks.  Then one line per member the\n"
	   "evidence is against: \"EVIDENCE against NAME (party P,\n"
	   "fingerprint F): N forks, M member faults\" (in --json,\n"
	   "evidence_against).\n"
	   "It also fails when the store holds less of a feed than an\n"
	   "identity of this home wrote (HOME/identities/NAME.marks): a\n"
	   "store rolled back or restored from a backup.\n"
	   "Exit 0 valid, 1 verification failed, 2 usage or unreadable,\n"
	   "3 valid, with evidence against members (forks or member\n"
	   "faults).\n"),
	run
};
