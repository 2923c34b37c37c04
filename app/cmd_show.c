/*
 * cmd_show.c: `detente show ID`: one entry, every header field, its
 * signature and decryption status, and its text.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "../crypto/err.h"
#include "../crypto/keys.h"
#include "../storage/entry.h"
#include "../storage/epoch.h"
#include "../storage/record.h"
#include "../storage/view.h"
#include "../storage/vis.h"
#include "cli.h"
#include "fmt.h"
#include "i18n.h"
#include "session.h"

/* who() - "name (PARTY)" for a key, or its hex. */
static void
who(char *out, size_t outlen, struct cli_ctx *ctx,
    const unsigned char pk[KEY_PK_BYTES])
{
	const record_member *m = record_member_find(ctx->rec, pk);
	char hex[2 * KEY_PK_BYTES + 1], name[3 * KEY_NAME_MAX + 4];

	key_hex(hex, pk, KEY_PK_BYTES);
	if (m != NULL)
		snprintf(out, outlen, "%s  %s (%s)", hex, vis_buf(name,
		    sizeof(name), m->name, 0), m->party);
	else
		snprintf(out, outlen, "%s", hex);
}

/*
 * decrypt_status() - "decrypted", "clear (control entry)", ...: in
 * English, as --json writes it; the text output translates it.
 */
static const char *
decrypt_status(struct cli_ctx *ctx, const entry *e, const view_item *it)
{
	unsigned char *plain = NULL;
	size_t plen = 0;

	if (it->body == VIEW_BODY_REMOVED)
		return N_("not decrypted: a member fault (written after its "
		    "author's removal)");
	if (!entry_kind_is_content(e->kind))
		return N_("clear (control entry)");
	if (record_key(ctx->rec) == NULL)
		return N_("not decrypted (no key)");
	if (epoch_key_for(record_epoch_keys(ctx->rec), e) == NULL &&
	    entry_is_internal(e))
		return N_("not decrypted (an internal note of another party: "
		    "for its members only)");
	if (epoch_key_for(record_epoch_keys(ctx->rec), e) == NULL)
		return N_("not decrypted (its key epoch was not given to you)");
	if (entry_open(&plain, &plen, e,
	    epoch_key_for(record_epoch_keys(ctx->rec), e)) != 0)
		return N_("FAILED: a member fault (its author signed content "
		    "that does not decrypt)");
	entry_plain_free(plain, plen);
	if (it->body == VIEW_BODY_INVALID)
		return N_("decrypted, but not a valid payload of its kind: a "
		    "member fault (its author signed it)");
	return N_("decrypted");
}

/*
 * run() - `show ID`: one entry, re-read from the store and its
 * signature checked again, whatever the view says.
 */
static int
run(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "no-key", no_argument, NULL, 'k' },
		{ "lang", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 }
	};
	char hex[2 * ENTRY_HASH_BYTES + 1], w[3 * KEY_NAME_MAX + 100];
	char t[FMT_TIME_BYTES];
	const char *lang = NULL, *sig, *dec;
	unsigned char *bytes = NULL;
	const view_item *it;
	json_t *o = NULL;
	size_t len = 0, i;
	view *v = NULL;
	entry_ref ref;
	entry e;
	char *sum = NULL;
	int c, rc, ret, json = 0, no_key = 0, sig_ok;

	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = 1;
			break;
		case 'k':
			no_key = 1;
			break;
		case 'l':
			lang = optarg;
			break;
		default:
			return cli_opt_error(ctx, &cmd_show, c, argv);
		}
	}
	if (argc - optind != 1)
		return cli_bad_usage(ctx, &cmd_show, argc - optind < 1 ?
		    _("expected an entry id") : _("unexpected argument"),
		    argc - optind > 1 ? argv[optind + 1] : NULL);
	if ((ret = no_key ? session_record(ctx, 0) :
	    session_record_key(ctx)) != CLI_OK ||
	    (ret = session_view_for(ctx, argv[optind], NULL, &v, &it)) !=
	    CLI_OK)
		goto out;
	if ((rc = record_get(ctx->rec, it->hash, &bytes, &len)) != 0 ||
	    (rc = entry_parse(&e, bytes, len)) != 0) {
		cli_error_rc(ctx, _("cannot read the entry"), rc, argv[optind],
		    _("run `detente verify`"));
		ret = cli_exit_for(rc);
		goto out;
	}
	sig_ok = entry_verify_sig(&e) == 0;
	sig = sig_ok ? "good" : "BAD";
	dec = decrypt_status(ctx, &e, it);
	if (json) {
		if ((o = fmt_item_json(v, it, lang)) == NULL) {
			ret = CLI_USAGE;
			goto out;
		}
		json_object_set_new(o, "signature", json_string(sig));
		json_object_set_new(o, "decryption", json_string(dec));
		json_object_set_new(o, "bytes", json_integer((json_int_t)len));
		key_hex(hex, e.prev, ENTRY_HASH_BYTES);
		json_object_set_new(o, "prev", json_string(hex));
		fmt_print_json(ctx->out, o);
		ret = sig_ok ? CLI_OK : CLI_FAIL;
		goto out;
	}
	fprintf(ctx->out, _("entry:       %s\n"), it->hex);
	fprintf(ctx->out, _("kind:        %s (0x%02x)%s%s\n"),
	    entry_kind_name(e.kind), e.kind,
	    e.flags & ENTRY_FLAG_ENCRYPTED ? _(", encrypted") : "",
	    e.flags & ENTRY_FLAG_INTERNAL ? (entry_kind_is_content(e.kind) ?
	    _(", internal to its author's party") : _(", a party key")) : "");
	key_hex(hex, e.dialogue, ENTRY_HASH_BYTES);
	fprintf(ctx->out, _("dialogue:    %s\n"), hex);
	who(w, sizeof(w), ctx, e.author);
	fprintf(ctx->out, _("author:      %s\n"), w);
	fprintf(ctx->out, _("seq:         %llu\n"), (unsigned long long)e.seq);
	fprintf(ctx->out, _("clock:       %llu\n"),
	    (unsigned long long)e.clock);
	fmt_time_iso(t, e.time_ms);
	fprintf(ctx->out, _("time:        %s (%llu ms, the author's claim)\n"),
	    t, (unsigned long long)e.time_ms);
	key_hex(hex, e.prev, ENTRY_HASH_BYTES);
	fprintf(ctx->out, _("prev:        %s\n"), hex);
	fprintf(ctx->out, _("refs:        %u\n"), e.nrefs);
	for (i = 0; i < e.nrefs; i++) {
		entry_ref_get(&ref, &e, (unsigned)i);
		who(w, sizeof(w), ctx, ref.author);
		key_hex(hex, ref.hash, ENTRY_HASH_BYTES);
		fprintf(ctx->out, _("  %s seq %llu\n    %s\n"), w,
		    (unsigned long long)ref.seq, hex);
	}
	fprintf(ctx->out, _("size:        %zu bytes (body %zu)\n"), len,
	    e.body_len);
	fprintf(ctx->out, _("signature:   %s\n"),
	    sig_ok ? _("good") : _("BAD"));
	fprintf(ctx->out, _("decryption:  %s\n"), _(dec));
	if (it->meeting >= 0)
		fprintf(ctx->out, _("meeting:     %lld\n"),
		    (long long)it->meeting);
	if ((sum = fmt_summary(v, it, lang)) != NULL) {
		fputs(_("text:        "), ctx->out);
		vis_put(ctx->out, sum, VIS_NL);
		fputc('\n', ctx->out);
	}
	if (it->payload != NULL) {
		fputs(_("payload:\n"), ctx->out);
		fmt_print_json(ctx->out, it->payload);
	}
	for (i = 0; i < it->ncorrections; i++) {
		const char *ct = view_text(it->corrections[i], lang);

		fprintf(ctx->out, _("corrected by %.8s: "),
		    it->corrections[i]->hex);
		vis_put(ctx->out, ct, VIS_NL);
		fputc('\n', ctx->out);
	}
	for (i = 0; i < it->nendorsements; i++)
		fprintf(ctx->out, _("endorsed by %s (%s) in %.8s\n"),
		    vis_buf(w, sizeof(w), it->endorsements[i]->author_name, 0),
		    it->endorsements[i]->party, it->endorsements[i]->hex);
	if (it->agreed)
		fputs(_("agreed: endorsed by every party\n"), ctx->out);
	ret = sig_ok ? CLI_OK : CLI_FAIL;
out:
	free(sum);
	json_decref(o);
	free(bytes);
	view_free(v);
	return ret;
}

const struct cli_cmd cmd_show = {
	"show", N_("[--json] [--no-key] [--lang L] ID"),
	N_("show one entry: header, signature and decryption status, text"),
	N_("ID is 4 or more hex digits of the entry's hash.  Exit 1 if the\n"
	   "signature does not verify.\n"),
	run
};
