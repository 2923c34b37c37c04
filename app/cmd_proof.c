/*
 * cmd_proof.c: `detente proof inclusion|consistency|check`: RFC 6962
 * proofs over a feed's Merkle tree, printed as docs/FORMAT.md ("Printed
 * proofs") says, and checked against the record or a given root.
 *
 * `proof check` exits like verify: 0 the proof holds, 1 it does not (or
 * is malformed, or does not match the record), 2 usage or I/O errors.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "../crypto/err.h"
#include "../crypto/keys.h"
#include "../crypto/merkle.h"
#include "../crypto/note.h"
#include "../storage/checkpoint.h"
#include "../storage/record.h"
#include "../storage/store.h"
#include "../storage/vis.h"
#include "cli.h"
#include "i18n.h"
#include "session.h"

/* A feed's label for messages: the member's name, or 16 hex digits. */
static void
feed_label(char out[KEY_NAME_MAX + 1], const record *r,
    const unsigned char pk[KEY_PK_BYTES])
{
	const record_member *m = record_member_find(r, pk);

	if (m != NULL)
		snprintf(out, KEY_NAME_MAX + 1, "%s", m->name);
	else
		sodium_bin2hex(out, 17, pk, 8);
}

/*
 * find_feed() - FEED as a member's name (unique among the feeds) or as
 * a prefix of 4 to 64 hex digits of the author's key; h gets its head.
 */
static int
find_feed(struct cli_ctx *ctx, store_txn *t, const char *feed, store_head *h)
{
	store_head *heads = NULL;
	const record_member *m;
	char hex[2 * KEY_PK_BYTES + 1];
	size_t n = 0, i, plen = strlen(feed), hits = 0, pick = 0;
	int rc, byname = 0;

	if ((rc = store_heads(&heads, &n, t)) != 0) {
		cli_error_rc(ctx, _("cannot read the feeds"), rc, NULL, NULL);
		return cli_exit_for(rc);
	}
	for (i = 0; i < n; i++) {
		m = record_member_find(ctx->rec, heads[i].author);
		if (m != NULL && strcmp(m->name, feed) == 0) {
			if (!byname)
				hits = 0;
			byname = 1;
			hits++;
			pick = i;
			continue;
		}
		if (byname || plen < 4 || plen > 64)
			continue;
		key_hex(hex, heads[i].author, KEY_PK_BYTES);
		if (strncasecmp(hex, feed, plen) == 0 &&
		    strspn(feed, "0123456789abcdefABCDEF") == plen) {
			hits++;
			pick = i;
		}
	}
	if (hits == 1)
		*h = heads[pick];
	free(heads);
	if (hits == 0) {
		cli_error(ctx, _("no such feed"), feed,
		    _("give a member's name or 4 to 64 hex digits of its key"));
		return CLI_USAGE;
	}
	if (hits > 1) {
		cli_error(ctx, _("more than one feed matches"), feed,
		    _("give more hex digits of the author's key"));
		return CLI_USAGE;
	}
	return CLI_OK;
}

/* A size argument: 1 to 999999999. */
static int
parse_size(struct cli_ctx *ctx, const char *s, uint64_t *v)
{
	long long n;

	if (cli_parse_count(s, &n) != 0) {
		cli_bad_usage(ctx, &cmd_proof, _("not a tree size"), s);
		return CLI_USAGE;
	}
	*v = (uint64_t)n;
	return CLI_OK;
}

/* print() - format and print p. */
static int
print(struct cli_ctx *ctx, const merkle_proof *p)
{
	char text[MERKLE_PROOF_TEXT_MAX];
	int rc;

	if ((rc = merkle_proof_format(text, sizeof(text), p)) != 0) {
		cli_error_rc(ctx, _("cannot print the proof"), rc, NULL, NULL);
		return CLI_USAGE;
	}
	vis_put(ctx->out, text, VIS_NL);
	return CLI_OK;
}

/* `proof inclusion [--size N] ID` */
static int
inclusion(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "size", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 }
	};
	unsigned char hash[ENTRY_HASH_BYTES], author[KEY_PK_BYTES];
	unsigned char *leaves = NULL;
	store_txn *t = NULL;
	store_head h;
	merkle_proof *p = NULL;
	uint64_t seq, size = 0;
	int c, rc, ret;

	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			if ((ret = parse_size(ctx, optarg, &size)) != CLI_OK)
				return ret;
			break;
		default:
			return cli_opt_error(ctx, &cmd_proof, c, argv);
		}
	}
	if (argc - optind != 1)
		return cli_bad_usage(ctx, &cmd_proof, argc - optind < 1 ?
		    _("expected an entry id") : _("unexpected argument"),
		    argc - optind > 1 ? argv[optind + 1] : NULL);
	if ((ret = session_record(ctx, 0)) != CLI_OK)
		return ret;
	if ((rc = record_find(ctx->rec, argv[optind], hash)) != 0) {
		cli_error_rc(ctx, _("no such entry"), rc, argv[optind],
		    _("give 4 or more hex digits of an entry id"));
		return CLI_USAGE;
	}
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return CLI_USAGE;
	if ((rc = store_txn_begin(&t, record_store(ctx->rec), 0)) != 0 ||
	    (rc = store_locate(author, &seq, t, hash)) != 0 ||
	    (rc = store_head_get(&h, t, author)) != 0)
		goto fail;
	if (size == 0)
		size = h.next_seq;
	if (size <= seq || size > h.next_seq) {
		char what[160];

		snprintf(what, sizeof(what),
		    ngettext("size must be above the entry's seq %llu and at "
		    "most the feed's %llu entry", "size must be above the "
		    "entry's seq %llu and at most the feed's %llu entries",
		    h.next_seq), (unsigned long long)seq,
		    (unsigned long long)h.next_seq);
		ret = cli_bad_usage(ctx, &cmd_proof, what, NULL);
		goto out;
	}
	if ((rc = ckpt_feed_leaves(&leaves, t, author, size)) != 0)
		goto fail;
	p->kind = MERKLE_INCLUSION;
	note_checkpoint_origin(p->origin, record_id(ctx->rec), author);
	p->index = seq;
	p->size = size;
	memcpy(p->leaf, hash, MERKLE_HASH_BYTES);
	if ((rc = merkle_root(p->root, leaves, size)) != 0 ||
	    (rc = merkle_inclusion_proof(p->path, &p->len, leaves, size,
	    seq)) != 0)
		goto fail;
	ret = print(ctx, p);
	goto out;
fail:
	cli_error_rc(ctx, _("cannot make the proof"), rc, argv[optind],
	    _("run `detente verify`"));
	ret = cli_exit_for(rc);
out:
	store_txn_abort(t);
	free(leaves);
	free(p);
	return ret;
}

/* `proof consistency FEED OLD-SIZE [NEW-SIZE]` */
static int
consistency(struct cli_ctx *ctx, int argc, char **argv)
{
	unsigned char *leaves = NULL;
	store_txn *t = NULL;
	store_head h;
	merkle_proof *p = NULL;
	uint64_t old_size, size = 0;
	int rc = 0, ret;

	if (argc < 3 || argc > 4)
		return cli_bad_usage(ctx, &cmd_proof, argc < 3 ?
		    _("expected a feed and an old size") :
		    _("unexpected argument"), argc > 4 ? argv[4] : NULL);
	if ((ret = parse_size(ctx, argv[2], &old_size)) != CLI_OK ||
	    (argc == 4 && (ret = parse_size(ctx, argv[3], &size)) != CLI_OK))
		return ret;
	if ((ret = session_record(ctx, 0)) != CLI_OK)
		return ret;
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return CLI_USAGE;
	if ((rc = store_txn_begin(&t, record_store(ctx->rec), 0)) != 0)
		goto fail;
	if ((ret = find_feed(ctx, t, argv[1], &h)) != CLI_OK)
		goto out;
	if (size == 0)
		size = h.next_seq;
	if (old_size > size || size > h.next_seq) {
		char what[160];

		snprintf(what, sizeof(what),
		    ngettext("need old size <= new size <= the feed's %llu "
		    "entry", "need old size <= new size <= the feed's %llu "
		    "entries", h.next_seq),
		    (unsigned long long)h.next_seq);
		ret = cli_bad_usage(ctx, &cmd_proof, what, NULL);
		goto out;
	}
	if ((rc = ckpt_feed_leaves(&leaves, t, h.author, size)) != 0)
		goto fail;
	p->kind = MERKLE_CONSISTENCY;
	note_checkpoint_origin(p->origin, record_id(ctx->rec), h.author);
	p->old_size = old_size;
	p->size = size;
	if ((rc = merkle_root(p->old_root, leaves, old_size)) != 0 ||
	    (rc = merkle_root(p->root, leaves, size)) != 0 ||
	    (rc = merkle_consistency_proof(p->path, &p->len, leaves, old_size,
	    size)) != 0)
		goto fail;
	ret = print(ctx, p);
	goto out;
fail:
	cli_error_rc(ctx, _("cannot make the proof"), rc, argv[1],
	    _("run `detente verify`"));
	ret = cli_exit_for(rc);
out:
	store_txn_abort(t);
	free(leaves);
	free(p);
	return ret;
}

/* read_all() - FILE or "-" (stdin), at most max bytes; CLI_OK or 2. */
static int
read_all(struct cli_ctx *ctx, const char *path, char *buf, size_t max,
    size_t *len)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	size_t n;

	if (f == NULL) {
		cli_error(ctx, _("cannot read the proof"), path, strerror(errno));
		return CLI_USAGE;
	}
	n = fread(buf, 1, max, f);
	if (ferror(f)) {
		cli_error(ctx, _("cannot read the proof"), path, strerror(errno));
		if (f != stdin)
			fclose(f);
		return CLI_USAGE;
	}
	if (f != stdin)
		fclose(f);
	*len = n;
	return CLI_OK;
}

/* fail_line() - "FAILED: why" on stdout; CLI_FAIL. */
static int
fail_line(struct cli_ctx *ctx, const char *why)
{
	fputs("FAILED: ", ctx->out);
	vis_put(ctx->out, why, 0);
	fputc('\n', ctx->out);
	return CLI_FAIL;
}

/* `proof check [--root HEX] FILE|-` */
static int
check(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	unsigned char want[MERKLE_HASH_BYTES], got[MERKLE_HASH_BYTES];
	unsigned char d[32], author[KEY_PK_BYTES];
	char who[KEY_NAME_MAX + 1], why[256], hex[65], ob[3 * KEY_NAME_MAX + 4];
	const char *root_opt = NULL;
	char *buf = NULL;
	merkle_proof *p = NULL;
	store_txn *t = NULL;
	size_t len = 0;
	int c, rc, ret;

	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			root_opt = optarg;
			break;
		default:
			return cli_opt_error(ctx, &cmd_proof, c, argv);
		}
	}
	if (argc - optind != 1)
		return cli_bad_usage(ctx, &cmd_proof, argc - optind < 1 ?
		    _("expected a proof file (or - for standard input)") :
		    _("unexpected argument"),
		    argc - optind > 1 ? argv[optind + 1] : NULL);
	if (root_opt != NULL && (strlen(root_opt) != 64 ||
	    key_unhex(want, sizeof(want), root_opt) != 0))
		return cli_bad_usage(ctx, &cmd_proof,
		    _("--root needs 64 hex digits"), root_opt);
	if ((buf = malloc(MERKLE_PROOF_TEXT_MAX + 1)) == NULL ||
	    (p = calloc(1, sizeof(*p))) == NULL) {
		ret = CLI_USAGE;
		goto out;
	}
	if ((ret = read_all(ctx, argv[optind], buf, MERKLE_PROOF_TEXT_MAX + 1,
	    &len)) != CLI_OK)
		goto out;
	if (len > MERKLE_PROOF_TEXT_MAX || merkle_proof_parse(p, buf, len) != 0) {
		ret = fail_line(ctx, _("not a well-formed printed proof"));
		goto out;
	}
	if (merkle_proof_check(p) != 0) {
		ret = fail_line(ctx, p->kind == MERKLE_INCLUSION ?
		    _("the inclusion proof does not lead to its root") :
		    _("the consistency proof does not join its two roots"));
		goto out;
	}
	if (root_opt != NULL) {
		if (sodium_memcmp(want, p->root, MERKLE_HASH_BYTES) != 0) {
			ret = fail_line(ctx, _("the proof's root is not the "
			    "root given with --root"));
			goto out;
		}
		key_hex(hex, p->root, MERKLE_HASH_BYTES);
		fprintf(ctx->out, _("OK: %s proof for %s, size %llu, root %s "
		    "(as given)\n"), p->kind == MERKLE_INCLUSION ?
		    _("inclusion") : _("consistency"), vis_buf(ob, sizeof(ob),
		    p->origin, 0),
		    (unsigned long long)p->size, hex);
		ret = CLI_OK;
		goto out;
	}
	if ((ret = session_record(ctx, 0)) != CLI_OK)
		goto out;
	/* "detente/" hex(dialogue) "/" hex(author), this dialogue's. */
	if (strlen(p->origin) != NOTE_ORIGIN_BYTES - 1 ||
	    strncmp(p->origin, "detente/", 8) != 0 || p->origin[72] != '/' ||
	    strspn(p->origin + 8, "0123456789abcdef") != 64 ||
	    strspn(p->origin + 73, "0123456789abcdef") != 64 ||
	    sodium_hex2bin(d, 32, p->origin + 8, 64, NULL, NULL, NULL) != 0 ||
	    sodium_hex2bin(author, 32, p->origin + 73, 64, NULL, NULL,
	    NULL) != 0 || memcmp(d, record_id(ctx->rec), 32) != 0) {
		ret = fail_line(ctx, _("the proof's origin is not a feed of "
		    "this dialogue (use --root to check it alone)"));
		goto out;
	}
	feed_label(who, ctx->rec, author);
	if ((rc = store_txn_begin(&t, record_store(ctx->rec), 0)) != 0) {
		cli_error_rc(ctx, _("cannot read the dialogue"), rc, NULL, NULL);
		ret = CLI_USAGE;
		goto out;
	}
	rc = ckpt_feed_root(got, t, author, p->size);
	if (rc == 0 && sodium_memcmp(got, p->root, MERKLE_HASH_BYTES) != 0)
		rc = DT_EHASH;
	if (rc == 0 && p->kind == MERKLE_CONSISTENCY) {
		rc = ckpt_feed_root(got, t, author, p->old_size);
		if (rc == 0 && sodium_memcmp(got, p->old_root,
		    MERKLE_HASH_BYTES) != 0)
			rc = DT_EHASH;
	}
	if (rc == DT_ENOENT) {
		snprintf(why, sizeof(why), ngettext("this record holds fewer "
		    "than %llu entry of %s's feed", "this record holds fewer "
		    "than %llu entries of %s's feed", p->size),
		    (unsigned long long)p->size, who);
		ret = fail_line(ctx, why);
		goto out;
	}
	if (rc == DT_EHASH) {
		snprintf(why, sizeof(why), _("the proof's roots are not the "
		    "roots of %s's feed in this record"), who);
		ret = fail_line(ctx, why);
		goto out;
	}
	if (rc != 0) {
		cli_error_rc(ctx, _("cannot read the feed"), rc, who,
		    _("run `detente verify`"));
		ret = cli_exit_for(rc);
		goto out;
	}
	key_hex(hex, p->root, MERKLE_HASH_BYTES);
	if (p->kind == MERKLE_INCLUSION)
		fprintf(ctx->out, _("OK: entry seq %llu is in %s's feed of "
		    "size %llu, root %s\n"), (unsigned long long)p->index,
		    vis_buf(ob, sizeof(ob), who, 0),
		    (unsigned long long)p->size, hex);
	else
		fprintf(ctx->out, ngettext("OK: %s's feed of size %llu "
		    "extends its first %llu entry, root %s\n", "OK: %s's feed "
		    "of size %llu extends its first %llu entries, root %s\n",
		    p->old_size), vis_buf(ob, sizeof(ob), who, 0),
		    (unsigned long long)p->size,
		    (unsigned long long)p->old_size, hex);
	ret = CLI_OK;
out:
	store_txn_abort(t);
	free(p);
	free(buf);
	return ret;
}

/* run() - `proof SUBCOMMAND ...` */
static int
run(struct cli_ctx *ctx, int argc, char **argv)
{
	if (argc < 2)
		return cli_bad_usage(ctx, &cmd_proof,
		    _("expected inclusion, consistency or check"), NULL);
	if (strcmp(argv[1], "inclusion") == 0)
		return inclusion(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "consistency") == 0)
		return consistency(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "check") == 0)
		return check(ctx, argc - 1, argv + 1);
	return cli_bad_usage(ctx, &cmd_proof, _("unknown subcommand"), argv[1]);
}

const struct cli_cmd cmd_proof = {
	"proof",
	N_("inclusion [--size N] ID | consistency FEED OLD-SIZE [NEW-SIZE] | "
	   "check [--root HEX] FILE|-"),
	N_("print or check RFC 6962 proofs over a feed's Merkle tree"),
	N_("inclusion: the proof that entry ID is in its author's feed (at\n"
	   "the feed's size now, or --size N).  consistency: the proof that\n"
	   "the feed (a member's name or hex digits of its key) of NEW-SIZE\n"
	   "entries (default: all) extends its first OLD-SIZE.  check: verify\n"
	   "a printed proof, and that its roots are this record's roots of\n"
	   "that feed, or with --root HEX that its root is HEX.\n"
	   "check exits 0 valid, 1 invalid, 2 usage or unreadable.\n"),
	run
};
