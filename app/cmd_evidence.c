/*
 * cmd_evidence.c: `detente evidence [--hex] [-o FILE]`: the forks an
 * import found, two signed entries for one author and sequence number,
 * kept so that anyone can check both signatures.
 *
 * Exit 1 when there is evidence (like a failed verification), 0 when
 * there is none, 2 for usage and I/O errors.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../crypto/err.h"
#include "../crypto/keys.h"
#include "../storage/bundle.h"
#include "../storage/entry.h"
#include "../storage/record.h"
#include "../storage/store.h"
#include "../storage/vis.h"
#include "cli.h"
#include "exchange.h"
#include "i18n.h"
#include "outfile.h"
#include "session.h"

struct evidence_walk {
	struct cli_ctx *ctx;
	store_txn *t;
	int hex;
	uint32_t n;
	bundle_writer *w;   /* pass 2 of -o: both entries of every fork */
};

static void
print_hex(FILE *f, const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		fprintf(f, "%02x", p[i]);
	fputc('\n', f);
}

static int
count_cb(void *ctx, const unsigned char *first, size_t flen,
    const unsigned char *second, size_t slen)
{
	struct evidence_walk *w = ctx;

	(void)first;
	(void)flen;
	(void)second;
	(void)slen;
	w->n++;
	return 0;
}

static int
write_cb(void *ctx, const unsigned char *first, size_t flen,
    const unsigned char *second, size_t slen)
{
	struct evidence_walk *w = ctx;
	int rc;

	if ((rc = bundle_writer_add(w->w, first, flen)) != 0)
		return rc;
	return bundle_writer_add(w->w, second, slen);
}

static int
print_cb(void *ctx, const unsigned char *first, size_t flen,
    const unsigned char *second, size_t slen)
{
	struct evidence_walk *w = ctx;
	FILE *out = w->ctx->out;
	char who[2 * KEY_PK_BYTES + KEY_NAME_MAX + 8];
	char h1[2 * ENTRY_HASH_BYTES + 1], h2[2 * ENTRY_HASH_BYTES + 1];
	unsigned char d1[ENTRY_HASH_BYTES], d2[ENTRY_HASH_BYTES], *cur = NULL;
	size_t clen = 0;
	entry a, b;
	int ok1, ok2, in_record;

	w->n++;
	entry_hash(d1, first, flen);
	entry_hash(d2, second, slen);
	key_hex(h1, d1, sizeof(d1));
	key_hex(h2, d2, sizeof(d2));
	if (entry_parse(&a, first, flen) != 0 ||
	    entry_parse(&b, second, slen) != 0) {
		fprintf(out, _("damaged evidence: %s / %s\n"), h1, h2);
		return 0;
	}
	ok1 = entry_verify_sig(&a) == 0;
	ok2 = entry_verify_sig(&b) == 0;
	in_record = store_get(&cur, &clen, w->t, a.author, a.seq) == 0 &&
	    clen == flen && memcmp(cur, first, flen) == 0;
	free(cur);
	exchange_author(who, sizeof(who), w->ctx->rec, a.author);
	fprintf(out, _("fork: author %s, seq %llu\n"), who,
	    (unsigned long long)a.seq);
	fprintf(out, _("  first:  %s%s\n"), h1,
	    in_record ? _("  (in the record)") : "");
	fprintf(out, _("  second: %s\n"), h2);
	fprintf(out, _("  signatures: %s\n"), ok1 && ok2 ?
	    _("both valid: the author signed two different entries") :
	    _("NOT both valid (this evidence proves nothing)"));
	if (w->hex) {
		fputs(_("  first bytes:  "), out);
		print_hex(out, first, flen);
		fputs(_("  second bytes: "), out);
		print_hex(out, second, slen);
	}
	return 0;
}

/* One member fault: the entry the record holds, listed or written. */
struct fault_walk {
	struct cli_ctx *ctx;
	int hex;
	bundle_writer *w;
	int rc;
};

static int
fault_cb(void *ctx, const record_fault *f)
{
	struct fault_walk *w = ctx;
	unsigned char *bytes = NULL;
	size_t len = 0;
	int rc;

	if ((rc = record_get(w->ctx->rec, f->hash, &bytes, &len)) != 0)
		return rc;
	if (w->w != NULL)
		rc = bundle_writer_add(w->w, bytes, len);
	else {
		exchange_fault_line(w->ctx->out, "", w->ctx->rec, f);
		if (w->hex) {
			fputs(_("  bytes: "), w->ctx->out);
			print_hex(w->ctx->out, bytes, len);
		}
	}
	free(bytes);
	return rc;
}

/*
 * faults_run() - `evidence --faults`: the member faults the store keeps,
 * listed, or written as a bundle of the entries (-o).
 */
static int
faults_run(struct cli_ctx *ctx, int hex, const char *outp, unsigned oflags)
{
	struct fault_walk w;
	struct outfile o;
	char pb[640];
	uint64_t n = 0;
	int rc, ret = CLI_OK;

	memset(&w, 0, sizeof(w));
	w.ctx = ctx;
	w.hex = hex;
	if ((rc = record_fault_scan(ctx->rec, NULL, NULL, &n)) != 0)
		goto err;
	if (outp == NULL) {
		if ((rc = record_fault_scan(ctx->rec, fault_cb, &w, NULL)) != 0)
			goto err;
	} else if ((ret = outfile_open(ctx, &o, outp, oflags, 0600)) ==
	    CLI_OK) {
		if (n > UINT32_MAX)
			rc = DT_ERANGE;
		else if ((rc = bundle_writer_begin(&w.w, o.f,
		    record_id(ctx->rec), (uint32_t)n)) == 0 &&
		    (rc = record_fault_scan(ctx->rec, fault_cb, &w,
		    NULL)) == 0) {
			rc = bundle_writer_end(w.w);
			w.w = NULL;
		}
		bundle_writer_abort(w.w);
		ret = outfile_close(ctx, &o, rc == 0);
		if (rc != 0)
			goto err;
	}
	if (ret != CLI_OK)
		return ret;
	if (n == 0) {
		if (outp == NULL || !outfile_is_stdout(outp))
			fprintf(ctx->out, _("no member faults known (found by "
			    "`detente verify` or `bundle import --key`)\n"));
		return CLI_OK;
	}
	if (outp != NULL && !outfile_is_stdout(outp))
		fprintf(ctx->out, _("%llu member faults written to %s (a "
		    "bundle of the faulty entries)\n"), (unsigned long long)n,
		    vis_buf(pb, sizeof(pb), outp, 0));
	return CLI_FAIL;
err:
	cli_error_rc(ctx, _("cannot read the member faults"), rc, outp, NULL);
	return CLI_USAGE;
}

static int
run(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "hex", no_argument, NULL, 'x' },
		{ "faults", no_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'F' },
		{ NULL, 0, NULL, 0 }
	};
	struct evidence_walk w;
	struct outfile o;
	unsigned oflags = 0;
	const char *outp = NULL;
	char pb[640];
	uint64_t nfaults = 0;
	int c, rc, ret, faults = 0;

	memset(&w, 0, sizeof(w));
	w.ctx = ctx;
	while ((c = getopt_long(argc, argv, ":o:", opts, NULL)) != -1) {
		switch (c) {
		case 'x':
			w.hex = 1;
			break;
		case 'f':
			faults = 1;
			break;
		case 'o':
			outp = optarg;
			break;
		case 'F':
			oflags |= OUTFILE_FORCE;
			break;
		default:
			return cli_opt_error(ctx, &cmd_evidence, c, argv);
		}
	}
	if (optind < argc)
		return cli_bad_usage(ctx, &cmd_evidence,
		    _("unexpected argument"), argv[optind]);
	if ((ret = session_record(ctx, 1)) != CLI_OK)
		return ret;
	if (faults)
		return faults_run(ctx, w.hex, outp, oflags);
	if ((rc = store_txn_begin(&w.t, record_store(ctx->rec), 0)) != 0) {
		cli_error_rc(ctx, _("cannot read the dialogue"), rc,
		    store_path(record_store(ctx->rec)), NULL);
		return CLI_USAGE;
	}
	if (outp == NULL) {
		rc = store_evidence_scan(w.t, print_cb, &w);
		ret = CLI_OK;
	} else if ((rc = store_evidence_scan(w.t, count_cb, &w)) == 0 &&
	    (ret = outfile_open(ctx, &o, outp, oflags, 0600)) == CLI_OK) {
		if ((rc = bundle_writer_begin(&w.w, o.f, record_id(ctx->rec),
		    2 * w.n)) == 0 &&
		    (rc = store_evidence_scan(w.t, write_cb, &w)) == 0) {
			rc = bundle_writer_end(w.w);
			w.w = NULL;
		}
		ret = outfile_close(ctx, &o, rc == 0);
	}
	bundle_writer_abort(w.w);
	store_txn_abort(w.t);
	if (rc != 0) {
		cli_error_rc(ctx, _("cannot read the fork evidence"), rc,
		    outp, NULL);
		return CLI_USAGE;
	}
	if (ret != CLI_OK)
		return ret;
	if (outp == NULL && record_fault_scan(ctx->rec, NULL, NULL,
	    &nfaults) == 0 && nfaults > 0)
		fprintf(ctx->out, ngettext("%llu member fault is known as well: "
		    "see `detente evidence --faults`\n", "%llu member faults "
		    "are known as well: see `detente evidence --faults`\n",
		    nfaults), (unsigned long long)nfaults);
	if (w.n == 0) {
		if (outp == NULL || !outfile_is_stdout(outp))
			fprintf(ctx->out, _("no fork evidence\n"));
		return CLI_OK;
	}
	if (outp != NULL && !outfile_is_stdout(outp))
		fprintf(ctx->out, ngettext("%lu fork written to %s (a bundle: "
		    "each fork's two entries, one after the other)\n",
		    "%lu forks written to %s (a bundle: each fork's two "
		    "entries, one after the other)\n", w.n),
		    (unsigned long)w.n, vis_buf(pb, sizeof(pb), outp, 0));
	return CLI_FAIL;
}

const struct cli_cmd cmd_evidence = {
	"evidence", N_("[--faults] [--hex] [-o FILE [--force]]"),
	N_("list or export evidence: forks, or member faults"),
	N_("Imports refuse a fork (a second, different entry for an author\n"
	   "and sequence number already taken) and keep both entries here.\n"
	   "For each: author, seq, both hashes, and whether both signatures\n"
	   "verify.  --hex adds both entries' bytes; -o FILE writes every\n"
	   "pair, first then second, as a bundle file (docs/FORMAT.md), so\n"
	   "that a third party can check both signatures (- is standard\n"
	   "output; an existing file is replaced only with --force).\n"
	   "--faults lists the member faults instead: content entries\n"
	   "that their author signed but that do not decrypt, or are not\n"
	   "a payload of their kind (found by `detente verify` and by\n"
	   "`bundle import --key`); -o FILE then writes those entries as\n"
	   "a bundle, for anyone with the dialogue key to check.\n"
	   "Exit 0 no evidence, 1 evidence found, 2 usage or I/O error.\n"),
	run
};
