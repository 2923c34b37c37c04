/*
 * cmd_minutes.c: `detente minutes export|sign|verify`: the minutes of a
 * meeting (storage/minutes.h) and the heads' minisign signatures of them
 * (crypto/minisig.h).
 *
 * A head signs minutes only after rendering them again from its own
 * replica and finding the very same bytes; each signature goes into its
 * own file F.NAME.minisig, which `minisign -Vm F -x F.NAME.minisig -P
 * KEY` verifies.  verify checks every such file against the heads' keys
 * and, with --record, renders the minutes again and compares; with
 * --bundle B it does the same for an auditor who holds only the bundle:
 * B is joined into a temporary store (exchange_join_temp(), every
 * signature checked), which gives the heads' keys and, with a member's
 * key, the minutes rendered again, and is removed afterwards.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "../crypto/err.h"
#include "../crypto/keys.h"
#include "../crypto/minisig.h"
#include "../crypto/note.h"
#include "../storage/bundle.h"
#include "../storage/minutes.h"
#include "../storage/msig.h"
#include "../storage/record.h"
#include "../storage/seal.h"
#include "../storage/view.h"
#include "../storage/vis.h"
#include "cli.h"
#include "exchange.h"
#include "fmt.h"
#include "home.h"
#include "i18n.h"
#include "outfile.h"
#include "session.h"

/* The largest minutes file sign and verify read. */
#define MINUTES_FILE_MAX (256UL * 1024 * 1024)
/* The largest public key file --key reads. */
#define KEYFILE_MAX 4096U
/* The longest line of a difference shown. */
#define DIFF_SHOW 300

/* --- files ------------------------------------------------------------ */

/*
 * read_all() - the whole file at path (at most max bytes), malloc'd and
 * NUL-terminated; prints its own error line.
 */
static int
read_all(struct cli_ctx *ctx, const char *path, size_t max, char **out,
    size_t *len)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 65536, n = 0, k;
	char *buf = NULL, *nb;

	*out = NULL;
	*len = 0;
	if (f == NULL) {
		cli_error(ctx, _("cannot read the file"), path,
		    strerror(errno));
		return CLI_USAGE;
	}
	for (;;) {
		if ((nb = realloc(buf, cap + 1)) == NULL)
			goto nomem;
		buf = nb;
		k = fread(buf + n, 1, cap - n, f);
		n += k;
		if (n < cap)
			break;
		if (cap > max)
			break;
		cap *= 2;
	}
	if (ferror(f)) {
		cli_error(ctx, _("cannot read the file"), path,
		    strerror(errno));
		goto fail;
	}
	if (n > max) {
		cli_error(ctx, _("file too large"), path, NULL);
		goto fail;
	}
	fclose(f);
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return CLI_OK;
nomem:
	cli_error(ctx, _("out of memory"), path, NULL);
fail:
	fclose(f);
	free(buf);
	return CLI_USAGE;
}

/*
 * write_out() - len bytes into path by the rules of app/outfile.h;
 * prints its own error line.  @return CLI_OK or CLI_USAGE.
 */
static int
write_out(struct cli_ctx *ctx, const char *path, const char *data,
    size_t len, unsigned flags, mode_t mode)
{
	struct outfile o;
	int ret;

	if ((ret = outfile_open(ctx, &o, path, flags, mode)) != CLI_OK)
		return ret;
	if (fwrite(data, 1, len, o.f) != len) {
		cli_error(ctx, _("cannot write the file"), path,
		    strerror(errno));
		(void)outfile_close(ctx, &o, 0);
		return CLI_USAGE;
	}
	return outfile_close(ctx, &o, 1);
}

/* --- comparing ---------------------------------------------------------- */

/* line_at() - the line starting at *p (without "\n"); moves *p on. */
static const char *
line_at(const char **p, const char *end, size_t *n)
{
	const char *s = *p, *nl;

	if (s >= end)
		return NULL;
	nl = memchr(s, '\n', (size_t)(end - s));
	*n = nl != NULL ? (size_t)(nl - s) : (size_t)(end - s);
	*p = nl != NULL ? nl + 1 : end;
	return s;
}

static void
show_line(FILE *f, const char *label, const char *s, size_t n)
{
	char b[3 * DIFF_SHOW + 4];

	if (s == NULL) {
		fprintf(f, "  %s %s\n", label, _("(end of file)"));
		return;
	}
	/* a line of a file: vis.h renders it */
	fprintf(f, "  %s %s%s\n", label, vis_nbuf(b, sizeof(b), s,
	    n > DIFF_SHOW ? DIFF_SHOW : n), n > DIFF_SHOW ? "..." : "");
}

/*
 * compare() - 0 if a and b are the same bytes; else print, on ctx->err,
 * the first line where they differ (both versions) and how many lines
 * differ, line by line, and return 1.
 */
static int
compare(struct cli_ctx *ctx, const char *fname, const char *a, size_t alen,
    const char *b, size_t blen)
{
	const char *pa = a, *pb = b, *la, *lb, *fa = NULL, *fb = NULL;
	size_t na = 0, nb = 0, fna = 0, fnb = 0, line = 0, first = 0, last = 0;
	size_t ndiff = 0;

	if (alen == blen && memcmp(a, b, alen) == 0)
		return 0;
	for (;;) {
		la = line_at(&pa, a + alen, &na);
		lb = line_at(&pb, b + blen, &nb);
		if (la == NULL && lb == NULL)
			break;
		line++;
		if (la != NULL && lb != NULL && na == nb &&
		    memcmp(la, lb, na) == 0)
			continue;
		if (ndiff++ == 0) {
			first = line;
			fa = la;
			fna = na;
			fb = lb;
			fnb = nb;
		}
		last = line;
	}
	if (ndiff == 0) {
		/* only a final newline differs */
		first = last = line;
		ndiff = 1;
	}
	fprintf(ctx->err,
	    ngettext("%s differs from what the record renders: %zu "
	      "line differs, the first at line %zu, the last at line %zu\n",
	      "%s differs from what the record renders: %zu "
	      "lines differ, the first at line %zu, the last at line %zu\n",
	      ndiff), fname, ndiff, first, last);
	fprintf(ctx->err, _("first difference, line %zu:\n"), first);
	show_line(ctx->err, _("file:  "), fa, fna);
	show_line(ctx->err, _("record:"), fb, fnb);
	return 1;
}

/* --- the minutes of a record ------------------------------------------- */

/*
 * refuse_internal() - if text is an internal record (`minutes export
 * --internal`), say that it is never signed, sealed or verified.
 * @return 1 when it is one (the error printed), else 0.
 */
static int
refuse_internal(struct cli_ctx *ctx, const char *path, const char *text,
    size_t len)
{
	char party[MINUTES_PARTY_BYTES], what[200];

	if (!minutes_internal_of(party, text, len))
		return 0;
	snprintf(what, sizeof(what), _("this is the internal record of %s, "
	    "not the joint minutes: it is never signed, sealed or verified"),
	    party[0] != '\0' ? party : "?");
	cli_error(ctx, what, path, _("sign, seal and verify the joint "
	    "minutes, exported without --internal"));
	return 1;
}

/*
 * render() - the minutes of meeting as the record r (ctx->rec, or the
 * temporary store of a bundle) renders them, or with party the internal
 * record of that party; prints its own error lines.  A meeting not
 * closed is refused unless draft.
 */
static int
render(struct cli_ctx *ctx, record *r, int64_t meeting, minutes_format fmt,
    const char *lang, int draft, const char *party, char **out, size_t *len)
{
	minutes_scope s;
	char what[160];
	view *v = NULL;
	int rc, ret;

	memset(&s, 0, sizeof(s));
	if ((ret = session_view_of(ctx, r, &v)) != CLI_OK)
		return ret;
	if ((rc = minutes_scope_get(&s, r, v, meeting)) != 0) {
		snprintf(what, sizeof(what), "%lld", (long long)meeting);
		if (rc == DT_ENOENT)
			cli_error(ctx, _("no such meeting"), what,
			    _("see `detente meeting list`"));
		else
			cli_error_rc(ctx,
			    _("cannot find what the minutes "
			      "cover"),
			    rc, what, _("run `detente verify`"));
		ret = rc == DT_ENOENT ? CLI_USAGE : cli_exit_for(rc);
		goto out;
	}
	/* final only once every party has closed it: say who has not */
	if (s.draft) {
		char who[128];

		snprintf(what, sizeof(what),
		    _("meeting %lld is not closed by every party (no close "
		    "from %s yet)"), (long long)meeting,
		    session_closes_missing(who, sizeof(who), v,
		    view_meeting_find(v, meeting)));
		if (!draft) {
			cli_error(ctx, what, NULL,
			    _("each side closes it with `detente meeting "
			    "close`, then exchange bundles; or export a draft "
			    "with --draft"));
			ret = CLI_FAIL;
			goto out;
		}
		fprintf(ctx->err, _("detente: warning: %s: the minutes "
		    "are a draft, which cannot be signed or sealed\n"), what);
	}
	if ((rc = party != NULL ?
	    minutes_render_internal(out, len, v, &s, fmt, lang, party) :
	    minutes_render(out, len, v, &s, fmt, lang)) != 0) {
		cli_error_rc(ctx, _("cannot render the minutes"), rc, NULL,
		    rc == DT_ENOKEY ? _("the dialogue key is needed") :
				      _("run `detente verify`"));
		ret = cli_exit_for(rc);
		goto out;
	}
	ret = CLI_OK;
out:
	minutes_scope_done(&s);
	view_free(v);
	return ret;
}

/*
 * cli_minutes_current() - read the minutes file at path and check that it
 * is what ctx->rec renders now for its meeting, byte for byte (cli.h).
 */
int
cli_minutes_current(struct cli_ctx *ctx, const char *path,
    unsigned char sha[32], int64_t *meeting)
{
	char *text = NULL, *again = NULL;
	size_t len = 0, alen = 0;
	minutes_id id;
	int ret;

	if ((ret = read_all(ctx, path, MINUTES_FILE_MAX, &text, &len)) !=
	    CLI_OK)
		return ret;
	if (refuse_internal(ctx, path, text, len)) {
		ret = CLI_FAIL;
		goto out;
	}
	if (minutes_identify(&id, text, len) != 0) {
		cli_error(ctx, _("not detente minutes"), path,
		    _("export them with `detente minutes export`"));
		ret = CLI_FAIL;
		goto out;
	}
	if (memcmp(record_id(ctx->rec), id.dialogue, ENTRY_HASH_BYTES) != 0) {
		cli_error(ctx, _("these minutes are of another dialogue"), path,
		    _("choose it with --dialogue ID"));
		ret = CLI_FAIL;
		goto out;
	}
	if (id.draft) {
		cli_error(ctx, _("these minutes are a draft"), path,
		    _("close the meeting and export them again"));
		ret = CLI_FAIL;
		goto out;
	}
	if (*meeting != 0 && id.meeting != *meeting) {
		char what[160];

		snprintf(what, sizeof(what),
		    _("these minutes are of meeting %lld, not %lld"),
		    (long long)id.meeting, (long long)*meeting);
		cli_error(ctx, what, path,
		    _("export the minutes of that meeting"));
		ret = CLI_FAIL;
		goto out;
	}
	if ((ret = render(ctx, ctx->rec, id.meeting, id.format, id.lang, 0,
	    NULL, &again, &alen)) != CLI_OK)
		goto out;
	if (compare(ctx, path, text, len, again, alen) != 0) {
		cli_error(ctx, _("these minutes are not what this replica "
				 "renders now"),
		    path, _("export them again with `detente minutes export`"));
		ret = CLI_FAIL;
		goto out;
	}
	crypto_hash_sha256(sha, (const unsigned char *)text, len);
	*meeting = id.meeting;
	ret = CLI_OK;
out:
	free(text);
	free(again);
	return ret;
}

/*
 * format_of_path() - the format a file name's extension names: md, txt,
 * json, html (any format minutes_format_parse() knows, without regard
 * to case); MINUTES_MD for a name without an extension; 0 for another
 * extension, which the caller refuses.
 */
static minutes_format
format_of_path(const char *path)
{
	const char *slash = strrchr(path, '/'), *base, *dot;
	char ext[16];
	size_t i;

	base = slash != NULL ? slash + 1 : path;
	if ((dot = strrchr(base, '.')) == NULL || dot == base)
		return MINUTES_MD;
	if (strlen(dot + 1) >= sizeof(ext))
		return (minutes_format)0;
	for (i = 0; dot[1 + i] != '\0'; i++)
		ext[i] = (char)(dot[1 + i] >= 'A' && dot[1 + i] <= 'Z' ?
		    dot[1 + i] - 'A' + 'a' : dot[1 + i]);
	ext[i] = '\0';
	return minutes_format_parse(ext);
}

/* --- signature files ---------------------------------------------------- */

/*
 * sig_path() - "F.NAME.minisig"; a name that cannot be part of a file
 * name ("/", ".", "..") is replaced with the key's minisign key id.
 */
static int
sig_path(char *out, size_t outlen, const char *file, const char *name,
    const unsigned char pk[KEY_PK_BYTES])
{
	unsigned char kid[MINISIG_KEYID_BYTES];
	char hex[2 * MINISIG_KEYID_BYTES + 1];

	if (strchr(name, '/') != NULL || strcmp(name, ".") == 0 ||
	    strcmp(name, "..") == 0) {
		key_minisign_keyid(kid, pk);
		key_hex(hex, kid, sizeof(kid));
		name = hex;
	}
	return snprintf(out, outlen, "%s.%s.minisig", file, name) <
		(int)outlen ?
	    0 :
	    -1;
}

/* same_file() - 1 if the file at path holds exactly len bytes data. */
static int
same_file(const char *path, const char *data, size_t len)
{
	char buf[4096];
	FILE *f = fopen(path, "rb");
	size_t n, at = 0;
	int same = 1;

	if (f == NULL)
		return 0;
	while (same && (n = fread(buf, 1, sizeof(buf), f)) > 0) {
		same = at + n <= len && memcmp(buf, data + at, n) == 0;
		at += n;
	}
	same = same && !ferror(f) && at == len;
	fclose(f);
	return same;
}

/*
 * msig_in_record() - 1 if r holds a minutes-signature entry of meeting by
 * pk with exactly these signature bytes, 0 if not, or a negative error.
 */
static int
msig_in_record(record *r, const unsigned char pk[KEY_PK_BYTES],
    int64_t meeting, const char *sig, size_t len)
{
	msig_item *v = NULL;
	size_t n = 0, i;
	int rc, found = 0;

	if ((rc = msig_list(&v, &n, r, (uint64_t)meeting)) != 0)
		return rc;
	for (i = 0; i < n && !found; i++)
		found = memcmp(v[i].author, pk, KEY_PK_BYTES) == 0 &&
		    v[i].len == len && memcmp(v[i].sig, sig, len) == 0;
	msig_list_free(v, n);
	return found;
}

/*
 * sig_fits() - 1 if the signature file text claims to sign the minutes
 * of SHA-256 sha (its trusted comment is a minutes comment naming sha):
 * the record's signatures of other minutes (another format or language)
 * are none of these minutes' business.
 */
static int
sig_fits(const char *text, size_t len, const unsigned char sha[32])
{
	minutes_claim claim;
	minisig s;

	return minisig_parse(&s, text, len) == 0 &&
	    minutes_comment_parse(&claim, s.trusted, s.trusted_len) == 0 &&
	    memcmp(claim.sha256, sha, 32) == 0;
}

/* --- export ------------------------------------------------------------- */

/*
 * export_sigs() - beside the minutes just written to path (SHA-256 sha),
 * write each head's signature of them that the record carries, as
 * F.NAME.minisig: the very bytes the head signed, which minisign
 * verifies.  A signature file with the same bytes is left as it is;
 * another one is replaced only with --force.
 */
static int
export_sigs(struct cli_ctx *ctx, const char *path, long long meeting,
    const unsigned char sha[32], unsigned oflags)
{
	char spath[PATH_MAX], kid[2 * MINISIG_KEYID_BYTES + 1];
	unsigned char keyid[MINISIG_KEYID_BYTES];
	const record_member *m;
	msig_item *v = NULL;
	size_t n = 0, i, fit = 0;
	int rc, ret = CLI_OK;

	if ((rc = msig_list(&v, &n, ctx->rec, (uint64_t)meeting)) != 0) {
		cli_error_rc(ctx, _("cannot read the minutes signatures of the "
				    "record"), rc, NULL, _("run `detente verify`"));
		return cli_exit_for(rc);
	}
	for (i = 0; i < n && ret == CLI_OK; i++) {
		if (!sig_fits(v[i].sig, v[i].len, sha))
			continue;
		fit++;
		m = record_member_find(ctx->rec, v[i].author);
		key_minisign_keyid(keyid, v[i].author);
		key_hex(kid, keyid, sizeof(keyid));
		if (sig_path(spath, sizeof(spath), path,
		    m != NULL ? m->name : kid, v[i].author) != 0) {
			cli_error(ctx, _("file name too long"), path, NULL);
			ret = CLI_USAGE;
			break;
		}
		if (same_file(spath, v[i].sig, v[i].len))
			continue;
		if ((ret = write_out(ctx, spath, v[i].sig, v[i].len, oflags,
		    0644)) != CLI_OK)
			break;
		fputs(_("wrote the signature "), ctx->err);
		vis_put(ctx->err, spath, 0);
		fputc('\n', ctx->err);
	}
	if (ret == CLI_OK && fit > 0)
		fprintf(ctx->err, ngettext("%zu signature of these minutes is "
		    "in the record\n", "%zu signatures of these minutes are in "
		    "the record\n", fit), fit);
	msig_list_free(v, n);
	return ret;
}

static int
minutes_export(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = { { "meeting", required_argument,
						  NULL, 'm' },
		{ "format", required_argument, NULL, 'f' },
		{ "lang", required_argument, NULL, 'l' },
		{ "output", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'F' },
		{ "draft", no_argument, NULL, 'd' },
		{ "internal", no_argument, NULL, 'i' }, { NULL, 0, NULL, 0 } };
	unsigned char sha[crypto_hash_sha256_BYTES];
	char shex[2 * crypto_hash_sha256_BYTES + 1];
	const char *lang = "both", *outpath = NULL;
	minutes_format fmt = (minutes_format)0;
	const view_meeting *last;
	long long meeting = 0;
	char *text = NULL;
	size_t len = 0;
	view *v = NULL;
	unsigned oflags = 0;
	const record_member *me;
	char party[MINUTES_PARTY_BYTES] = "";
	int c, ret, draft = 0, internal = 0;

	while ((c = getopt_long(argc, argv, ":o:", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			if (cli_parse_count(optarg, &meeting) != 0)
				return cli_bad_usage(ctx, &cmd_minutes,
				    _("not a meeting number"), optarg);
			break;
		case 'f':
			if ((fmt = minutes_format_parse(optarg)) == 0)
				return cli_bad_usage(ctx, &cmd_minutes,
				    _("unknown --format (md, txt, json, html)"),
				    optarg);
			break;
		case 'l':
			if (!minutes_lang_valid(optarg))
				return cli_bad_usage(ctx, &cmd_minutes,
				    _("not a language (en, ru, ... or both)"),
				    optarg);
			lang = optarg;
			break;
		case 'o':
			outpath = optarg;
			break;
		case 'd':
			draft = 1;
			break;
		case 'i':
			internal = 1;
			break;
		case 'F':
			oflags |= OUTFILE_FORCE;
			break;
		default:
			return cli_opt_error(ctx, &cmd_minutes, c, argv);
		}
	}
	if (optind < argc)
		return cli_bad_usage(ctx, &cmd_minutes,
		    _("unexpected argument"), argv[optind]);
	/* -o m.pdf must not write Markdown into a .pdf: --format decides */
	if (fmt == 0 && outpath != NULL && !outfile_is_stdout(outpath) &&
	    (fmt = format_of_path(outpath)) == 0)
		return cli_bad_usage(ctx, &cmd_minutes,
		    _("cannot write minutes in the format of this file name's "
		      "extension: name the file .md, .txt, .json or .html, or give "
		      "--format"), outpath);
	if (fmt == 0)
		fmt = MINUTES_MD;
	if ((ret = session_record_key(ctx)) != CLI_OK)
		return ret;
	/* an internal record is the reader's own party's */
	if (internal) {
		me = ctx->id != NULL ?
		    record_member_find(ctx->rec, ctx->id->pk) : NULL;
		if (me == NULL || !minutes_party_valid(me->party)) {
			cli_error(ctx, _("an internal record is its reader's "
			    "party's, and this identity is no member's"),
			    ctx->id != NULL ? ctx->id->name : NULL,
			    _("choose a member's identity with --as NAME"));
			return CLI_FAIL;
		}
		snprintf(party, sizeof(party), "%s", me->party);
	}
	if (meeting == 0) {
		if ((ret = session_view(ctx, &v)) != CLI_OK)
			return ret;
		last = view_last_meeting(v);
		meeting = last != NULL ? (long long)last->number : 0;
		view_free(v);
		if (meeting == 0) {
			cli_error(ctx, _("no meeting to write minutes of"),
			    NULL, _("open one with `detente meeting open`"));
			return CLI_USAGE;
		}
	}
	if ((ret = render(ctx, ctx->rec, meeting, fmt, lang, draft,
	    internal ? party : NULL, &text, &len)) != CLI_OK)
		return ret;
	if (outpath == NULL || outfile_is_stdout(outpath)) {
		if (fwrite(text, 1, len, ctx->out) != len ||
		    fflush(ctx->out) != 0) {
			cli_error(ctx, _("cannot write the minutes"),
			    _("standard output"), strerror(errno));
			ret = CLI_USAGE;
		}
		goto out;
	}
	/* The minutes are the dialogue's content in clear: mode 0600. */
	if ((ret = write_out(ctx, outpath, text, len, oflags, 0600)) !=
	    CLI_OK)
		goto out;
	crypto_hash_sha256(sha, (const unsigned char *)text, len);
	key_hex(shex, sha, sizeof(sha));
	/* an internal record is never signed: no signatures beside it */
	if (internal) {
		fprintf(ctx->err,
		    _("wrote the internal record of %s for meeting %lld to %s "
		      "(%zu bytes): not the joint minutes, not for the other "
		      "side, never signed\n"),
		    party, meeting, outpath, len);
		goto out;
	}
	fprintf(ctx->err,
	    _("wrote the minutes of meeting %lld to %s (%zu "
	      "bytes, SHA-256 %s)\n"),
	    meeting, outpath, len, shex);
	ret = export_sigs(ctx, outpath, meeting, sha, oflags);
out:
	free(text);
	return ret;
}

/* --- sign --------------------------------------------------------------- */

static int
minutes_sign(struct cli_ctx *ctx, int argc, char **argv)
{
	unsigned char hash[MINISIG_HASH_BYTES];
	char comment[MINUTES_COMMENT_BYTES], untrusted[160], what[200];
	char spath[PATH_MAX], shex[65], shortid[FMT_SHORT_BYTES];
	unsigned char ehash[ENTRY_HASH_BYTES];
	char *text = NULL, *again = NULL, *sig = NULL;
	size_t len = 0, alen = 0, slen = 0;
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'F' },
		{ NULL, 0, NULL, 0 }
	};
	const record_member *me;
	char party[sizeof(me->party)];
	minutes_claim claim;
	const char *file;
	unsigned oflags = 0;
	int c, ret, rc, same;

	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c != 'F')
			return cli_opt_error(ctx, &cmd_minutes, c, argv);
		oflags |= OUTFILE_FORCE;
	}
	if (optind + 1 != argc)
		return cli_bad_usage(ctx, &cmd_minutes,
		    optind >= argc ? _("missing the minutes file") :
				     _("unexpected argument"),
		    optind >= argc ? NULL : argv[optind + 1]);
	file = argv[optind];
	memset(&claim, 0, sizeof(claim));
	if ((ret = read_all(ctx, file, MINUTES_FILE_MAX, &text, &len)) !=
	    CLI_OK)
		return ret;
	if (refuse_internal(ctx, file, text, len)) {
		ret = CLI_FAIL;
		goto out;
	}
	if (minutes_identify(&claim.id, text, len) != 0) {
		cli_error(ctx, _("not detente minutes"), file,
		    _("export them with `detente minutes export`"));
		ret = CLI_FAIL;
		goto out;
	}
	if (claim.id.draft) {
		cli_error(ctx, _("these minutes are a draft"), file,
		    _("close the meeting and export them again"));
		ret = CLI_FAIL;
		goto out;
	}
	if ((ret = session_writer(ctx, ENTRY_K_MINUTES_SIG)) != CLI_OK)
		goto out;
	if (memcmp(record_id(ctx->rec), claim.id.dialogue, ENTRY_HASH_BYTES) !=
	    0) {
		cli_error(ctx, _("these minutes are of another dialogue"), file,
		    _("choose it with --dialogue ID"));
		ret = CLI_FAIL;
		goto out;
	}
	me = record_member_find(ctx->rec, ctx->id->pk);
	if (me == NULL || me->role != RECORD_ROLE_HEAD) {
		cli_error(ctx, _("only a head of delegation signs the minutes"),
		    ctx->id->name, _("ask your head of delegation"));
		ret = CLI_FAIL;
		goto out;
	}
	/* a copy: appending the signature entry reloads the members */
	snprintf(party, sizeof(party), "%s", me->party);
	me = NULL;
	/* Sign only what this replica renders, byte for byte. */
	if ((ret = render(ctx, ctx->rec, claim.id.meeting, claim.id.format,
		 claim.id.lang, 0, NULL, &again, &alen)) != CLI_OK)
		goto out;
	if (compare(ctx, file, text, len, again, alen) != 0) {
		cli_error(ctx,
		    _("refusing to sign minutes this replica does "
		      "not render"),
		    file,
		    _("export them again, or import the "
		      "other side's bundle first"));
		ret = CLI_FAIL;
		goto out;
	}
	minisig_hash(hash, (const unsigned char *)text, len);
	crypto_hash_sha256(claim.sha256, (const unsigned char *)text, len);
	snprintf(claim.signer, sizeof(claim.signer), "%s", ctx->id->name);
	if (minutes_comment(comment, &claim) != 0) {
		cli_error(ctx, _("cannot sign with this identity's name"),
		    ctx->id->name, NULL);
		ret = CLI_USAGE;
		goto out;
	}
	snprintf(untrusted, sizeof(untrusted),
	    "detente minutes signature by %s (%s)", ctx->id->name, party);
	if ((rc = minisig_sign(&sig, &slen, hash, comment, untrusted,
		 ctx->id)) != 0) {
		cli_error_rc(ctx, _("cannot sign the minutes"), rc, file, NULL);
		ret = CLI_USAGE;
		goto out;
	}
	if (sig_path(spath, sizeof(spath), file, ctx->id->name, ctx->id->pk) !=
	    0) {
		cli_error(ctx, _("file name too long"), file, NULL);
		ret = CLI_USAGE;
		goto out;
	}
	/*
	 * An existing signature file: this head has signed already (the
	 * same bytes: minisign's signatures are deterministic), else it is
	 * replaced only with --force; refused before anything is written.
	 */
	if ((same = same_file(spath, sig, slen)) == 0 &&
	    !(oflags & OUTFILE_FORCE) && access(spath, F_OK) == 0) {
		cli_error(ctx, _("a signature file is there already"), spath,
		    _("give --force to replace it"));
		ret = CLI_USAGE;
		goto out;
	}
	/* The signature travels in the record (FORMAT.md section 13). */
	if ((rc = msig_in_record(ctx->rec, ctx->id->pk, claim.id.meeting, sig,
	    slen)) < 0 || (rc == 0 && (rc = msig_append(ctx->rec, ctx->id,
	    (uint64_t)claim.id.meeting, sig, slen, ehash)) != 0)) {
		cli_error_rc(ctx, _("cannot write the signature into the "
				    "record"), rc, file, _("nothing was written"));
		ret = cli_exit_for(rc);
		goto out;
	}
	if (rc == 0) {
		fmt_short(shortid, ehash);
		fprintf(ctx->err, _("the signature is entry %s of the record: "
				    "it reaches the other side with the next "
				    "bundle\n"), shortid);
	} else
		fputs(_("the record holds this signature already\n"),
		    ctx->err);
	if (!same && (ret = write_out(ctx, spath, sig, slen,
	    oflags | OUTFILE_FORCE, 0644)) != CLI_OK)
		goto out;
	key_hex(shex, claim.sha256, sizeof(claim.sha256));
	snprintf(what, sizeof(what), "%lld", (long long)claim.id.meeting);
	fprintf(ctx->err, same ? _("%s (%s) had signed %s already: ") :
	    _("%s (%s) signed %s: wrote "), ctx->id->name, party,
	    vis_buf(untrusted, sizeof(untrusted), file, 0));
	vis_put(ctx->err, spath, 0);
	fputc('\n', ctx->err);
	fprintf(ctx->err,
	    _("the minutes' SHA-256 goes into the seal: "
	      "detente seal propose --meeting %s --minutes-sha256 %s\n"),
	    what, shex);
	fprintf(ctx->out, "%s\n", shex);
	ret = CLI_OK;
out:
	free(text);
	free(again);
	free(sig);
	return ret;
}

/* --- verify ------------------------------------------------------------- */

/* A key verify checks signatures against. */
struct vkey {
	unsigned char pk[KEY_PK_BYTES];
	unsigned char keyid[MINISIG_KEYID_BYTES];
	int has_keyid;
	char name[KEY_NAME_MAX + 1];
	char party[16];
	int signed_ok;
	int bad;
};

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * sig_files() - the signature files of file: F.minisig and F.*.minisig
 * in F's directory, sorted by name.
 * @param[out] out  malloc'd paths; free each and the array.
 */
static int
sig_files(struct cli_ctx *ctx, const char *file, char ***out, size_t *n)
{
	char dir[PATH_MAX], path[PATH_MAX], **list = NULL, **nl;
	const char *slash = strrchr(file, '/'), *base;
	size_t blen, dlen;
	struct dirent *d;
	DIR *dp;

	*out = NULL;
	*n = 0;
	if (slash != NULL) {
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - file + 1),
		    file);
		base = slash + 1;
	} else {
		snprintf(dir, sizeof(dir), "./");
		base = file;
	}
	blen = strlen(base);
	if ((dp = opendir(dir)) == NULL) {
		cli_error(ctx, _("cannot list the directory"), dir,
		    strerror(errno));
		return CLI_USAGE;
	}
	while ((d = readdir(dp)) != NULL) {
		dlen = strlen(d->d_name);
		/* F.minisig, or F.X.minisig with X not empty */
		if (dlen < blen + 8 || strncmp(d->d_name, base, blen) != 0 ||
		    strcmp(d->d_name + dlen - 8, ".minisig") != 0 ||
		    (dlen != blen + 8 &&
			(d->d_name[blen] != '.' || dlen < blen + 10)))
			continue;
		if (snprintf(path, sizeof(path), "%s%s",
			slash != NULL ? dir : "",
			d->d_name) >= (int)sizeof(path))
			continue;
		if ((nl = realloc(list, (*n + 1) * sizeof(*list))) == NULL)
			goto nomem;
		list = nl;
		if ((list[*n] = strdup(path)) == NULL)
			goto nomem;
		(*n)++;
	}
	closedir(dp);
	if (*n > 0)
		qsort(list, *n, sizeof(*list), cmp_str);
	*out = list;
	return CLI_OK;
nomem:
	closedir(dp);
	*out = list;
	cli_error(ctx, _("out of memory"), NULL, NULL);
	return CLI_USAGE;
}

/* record_keys() - the head of every party, from the record r. */
static int
record_keys(struct cli_ctx *ctx, const record *r, struct vkey **keys, size_t *n)
{
	size_t np = record_nparties(r), i;
	const record_member *h;
	struct vkey *k;

	*n = 0;
	if ((k = calloc(np + 1, sizeof(*k))) == NULL) {
		cli_error(ctx, _("out of memory"), NULL, NULL);
		return CLI_USAGE;
	}
	for (i = 0; i < np; i++) {
		if ((h = record_head_of(r, record_party(r, i))) == NULL)
			continue;
		memcpy(k[*n].pk, h->pk, KEY_PK_BYTES);
		key_minisign_keyid(k[*n].keyid, h->pk);
		k[*n].has_keyid = 1;
		snprintf(k[*n].name, sizeof(k[*n].name), "%s", h->name);
		snprintf(k[*n].party, sizeof(k[*n].party), "%s", h->party);
		(*n)++;
	}
	*keys = k;
	return CLI_OK;
}

/* file_key() - the one key of --key FILE. */
static int
file_key(struct cli_ctx *ctx, const char *path, struct vkey **keys, size_t *n)
{
	struct vkey *k;
	char *text = NULL;
	size_t len = 0;
	int ret;

	*n = 0;
	if ((ret = read_all(ctx, path, KEYFILE_MAX, &text, &len)) != CLI_OK)
		return ret;
	if ((k = calloc(1, sizeof(*k))) == NULL) {
		free(text);
		cli_error(ctx, _("out of memory"), NULL, NULL);
		return CLI_USAGE;
	}
	if (minisig_pubkey_parse(k->keyid, k->pk, text, len) == 0)
		k->has_keyid = 1;
	else if (key_parse_public(k->pk, NULL, text) != 0) {
		free(text);
		free(k);
		cli_error(ctx, _("not a public key"), path,
		    _("give a minisign "
		      "public key file, a C2SP verifier key or 64 hex digits"));
		return CLI_USAGE;
	}
	free(text);
	snprintf(k->name, sizeof(k->name), "%s", path);
	*keys = k;
	*n = 1;
	return CLI_OK;
}

/* What the signature files say, all together. */
struct vstate {
	int failed; /* a bad signature or claim */
	int have_claim; /* claim holds the first good claim */
	minutes_claim claim;
};

/*
 * check_sig() - one signature file: which key, whether it verifies, and
 * what its trusted comment claims.  Prints one line.
 */
static void
check_sig(struct cli_ctx *ctx, const char *spath, const char *text,
    size_t len, struct vkey *keys, size_t nkeys,
    const unsigned char hash[MINISIG_HASH_BYTES],
    const unsigned char sha[32], const unsigned char *dialogue,
    struct vstate *st)
{
	char kid[2 * MINISIG_KEYID_BYTES + 1];
	char sp[640], kn[3 * KEY_NAME_MAX + 4], tc[640];
	const char *why = NULL;
	struct vkey *k = NULL;
	minutes_claim claim;
	size_t i;
	minisig s;
	int rc;

	/* the file's name, and below its comment and key name: vis.h */
	vis_buf(sp, sizeof(sp), spath, 0);
	if (minisig_parse(&s, text, len) != 0) {
		fprintf(ctx->out,
		    _("BAD      %s: not a minisign signature "
		      "file\n"),
		    spath);
		st->failed = 1;
		goto out;
	}
	for (i = 0; i < nkeys && k == NULL; i++)
		if (!keys[i].has_keyid ||
		    memcmp(keys[i].keyid, s.keyid, MINISIG_KEYID_BYTES) == 0)
			k = &keys[i];
	if (k == NULL) {
		key_hex(kid, s.keyid, sizeof(s.keyid));
		fprintf(ctx->out,
		    _("unknown  %s: key id %s is none of the "
		      "keys checked\n"),
		    spath, kid);
		goto out;
	}
	if ((rc = minisig_verify(text, len, hash, k->pk,
		 k->has_keyid ? k->keyid : NULL, &why)) != 0) {
		fprintf(ctx->out, _("BAD      %s: %s (key of %s%s%s%s)\n"),
		    sp, why != NULL ? _(why) : _(dt_strerror(rc)),
		    vis_buf(kn, sizeof(kn), k->name, 0),
		    k->party[0] ? " (" : "", k->party, k->party[0] ? ")" : "");
		k->bad = 1;
		st->failed = 1;
		goto out;
	}
	vis_buf(kn, sizeof(kn), k->name, 0);
	vis_nbuf(tc, sizeof(tc), s.trusted, s.trusted_len);
	if (minutes_comment_parse(&claim, s.trusted, s.trusted_len) != 0) {
		if (dialogue != NULL) {
			fprintf(ctx->out,
			    _("BAD      %s: signed by %s, but its "
			      "trusted comment is not a detente minutes "
			      "comment: %.*s\n"),
			    spath, k->name, (int)sizeof(tc), tc);
			k->bad = 1;
			st->failed = 1;
		} else {
			fprintf(ctx->out,
			    _("good     %s: signed by %s; trusted "
			      "comment: %.*s\n"),
			    spath, k->name, (int)sizeof(tc), tc);
			k->signed_ok = 1;
		}
		goto out;
	}
	if (memcmp(claim.sha256, sha, 32) != 0 ||
	    (dialogue != NULL &&
		memcmp(claim.id.dialogue, dialogue, ENTRY_HASH_BYTES) != 0) ||
	    (dialogue != NULL && strcmp(claim.signer, k->name) != 0) ||
	    (st->have_claim &&
		(claim.id.meeting != st->claim.id.meeting ||
		    claim.id.format != st->claim.id.format ||
		    strcmp(claim.id.lang, st->claim.id.lang) != 0))) {
		fprintf(ctx->out,
		    _("BAD      %s: signed by %s, but its trusted "
		      "comment does not fit (another file, dialogue, signer or "
		      "meeting): %.*s\n"),
		    spath, k->name, (int)sizeof(tc), tc);
		k->bad = 1;
		st->failed = 1;
		goto out;
	}
	fprintf(ctx->out, _("good     %s: signed by %s%s%s%s, meeting %lld\n"),
	    sp, kn, k->party[0] ? " (" : "", k->party,
	    k->party[0] ? ")" : "", (long long)claim.id.meeting);
	k->signed_ok = 1;
	if (!st->have_claim) {
		st->claim = claim;
		st->have_claim = 1;
	}
out:
	return;
}

/* check_sig_file() - check_sig() on the signature file at spath. */
static void
check_sig_file(struct cli_ctx *ctx, const char *spath, struct vkey *keys,
    size_t nkeys, const unsigned char hash[MINISIG_HASH_BYTES],
    const unsigned char sha[32], const unsigned char *dialogue,
    struct vstate *st)
{
	char *text = NULL;
	size_t len = 0;

	if (read_all(ctx, spath, MINISIG_FILE_MAX, &text, &len) != CLI_OK) {
		st->failed = 1;
		return;
	}
	check_sig(ctx, spath, text, len, keys, nkeys, hash, sha, dialogue, st);
	free(text);
}

/*
 * check_record_sigs() - check_sig() on every minutes-signature entry of
 * the meeting the minutes text names (FORMAT.md section 13) that claims
 * to sign these very minutes (sig_fits()), but for one whose bytes are
 * those of the signature file beside file, checked already.
 * @param[out] n  how many were checked.
 */
static int
check_record_sigs(struct cli_ctx *ctx, record *r, const char *file,
    const char *text, size_t len, struct vkey *keys, size_t nkeys,
    const unsigned char hash[MINISIG_HASH_BYTES],
    const unsigned char sha[32], struct vstate *st, size_t *n)
{
	char label[64], shortid[FMT_SHORT_BYTES];
	msig_item *v = NULL;
	size_t nv = 0, i;
	minutes_id id;
	int rc;

	*n = 0;
	if (minutes_identify(&id, text, len) != 0 || id.meeting < 0)
		return CLI_OK; /* not minutes: the checks that follow say so */
	if ((rc = msig_list(&v, &nv, r, (uint64_t)id.meeting)) != 0) {
		cli_error_rc(ctx, _("cannot read the minutes signatures of the "
				    "record"), rc, NULL, _("run `detente verify`"));
		st->failed = 1;
		return cli_exit_for(rc);
	}
	for (i = 0; i < nv; i++) {
		const record_member *m;
		char spath[PATH_MAX];

		if (!sig_fits(v[i].sig, v[i].len, sha))
			continue;
		(*n)++;
		/* the same bytes as a file beside F, checked above */
		m = record_member_find(r, v[i].author);
		if (m != NULL && sig_path(spath, sizeof(spath), file, m->name,
		    v[i].author) == 0 && same_file(spath, v[i].sig, v[i].len))
			continue;
		fmt_short(shortid, v[i].hash);
		snprintf(label, sizeof(label), _("record entry %s"), shortid);
		check_sig(ctx, label, v[i].sig, v[i].len, keys, nkeys, hash,
		    sha, record_id(r), st);
	}
	msig_list_free(v, nv);
	return CLI_OK;
}

/*
 * bundle_open() - --bundle: join the bundle at path into a temporary
 * store (*r, in tmp: the caller calls exchange_temp_done() on every
 * path), pinned to the dialogue expect when given, and say on ctx->out
 * which dialogue it is and which heads' keys its genesis gives.  A file
 * that cannot be read at all: one error line, CLI_USAGE.  A bundle
 * without the genesis: one error line, CLI_FAIL.  A file that is not a
 * sound bundle (damaged, truncated, not a bundle), an entry that fails a
 * check, another dialogue than expected: one error line, the FAILED line
 * (naming the entry as `audit` prints it), CLI_FAIL; exit codes as
 * `audit` and `bundle import` give them (exchange_read_exit(),
 * exchange_import_exit()).
 */
static int
bundle_open(struct cli_ctx *ctx, const char *path, const char *expect,
    record **r, char *tmp, size_t tmplen)
{
	char hex[2 * ENTRY_HASH_BYTES + 1], fp[KEY_FINGERPRINT_BYTES];
	char pb[640], tb[640], cb[2][700];
	bundle_reader *br = NULL;
	const record_member *h;
	const char *why = NULL;
	struct exchange_unplaced u;
	record_failure f;
	size_t i;
	int rc;

	memset(&f, 0, sizeof(f));
	memset(&u, 0, sizeof(u));
	if ((rc = bundle_reader_open_path(&br, path, 0, &why)) != 0) {
		if (exchange_read_exit(rc) == CLI_USAGE) {
			cli_error_rc(ctx, _("cannot read the bundle"), rc, path,
			    why != NULL ? _(why) :
					  _("give a file written by "
					    "`detente bundle export`"));
			return CLI_USAGE;
		}
		f.code = rc;
		snprintf(f.detail, sizeof(f.detail), "%s",
		    why != NULL ? why : _(dt_strerror(rc)));
		goto failed;
	}
	rc = exchange_join_temp(r, tmp, tmplen, br, &u, &f);
	bundle_reader_close(br);
	if (rc == DT_ENOENT) {
		cli_error(ctx, _("the bundle does not carry the genesis"), path,
		    _("give a whole bundle (`detente bundle export` without "
		      "--since)"));
		exchange_unplaced_free(&u);
		return CLI_FAIL;
	}
	if (rc != 0 && tmp[0] == '\0') {
		cli_error(ctx, _("cannot make a temporary directory"), f.detail,
		    _("set TMPDIR to a writable directory"));
		exchange_unplaced_free(&u);
		return CLI_USAGE;
	}
	if (rc != 0 && exchange_import_exit(rc) != CLI_FAIL) {
		cli_error_rc(ctx, _("cannot read the bundle"), rc, path,
		    f.detail[0] ? f.detail : NULL);
		exchange_unplaced_free(&u);
		return CLI_USAGE;
	}
	if (rc != 0)
		goto failed;
	key_hex(hex, record_id(*r), ENTRY_HASH_BYTES);
	if (expect != NULL && !exchange_expect_dialogue(*r, expect)) {
		f.code = DT_EDIALOGUE;
		snprintf(f.detail, sizeof(f.detail),
		    "the dialogue is %s, not the expected %s", hex, expect);
		goto failed;
	}
	fprintf(ctx->out,
	    _("bundle %s: dialogue %s \"%s\", every entry's "
	      "signature checked\n"),
	    vis_buf(pb, sizeof(pb), path, 0), hex, vis_buf(tb, sizeof(tb),
	    record_title(*r), 0));
	fprintf(ctx->out, _("trusted, from its genesis%s:\n"),
	    expect != NULL ? _(" (the dialogue pinned by --expect-dialogue)") :
			     "");
	for (i = 0; i < record_nparties(*r); i++) {
		if ((h = record_head_of(*r, record_party(*r, i))) == NULL)
			continue;
		key_fingerprint(fp, h->pk);
		/* columns in display cells (fmt_cells()), whatever script */
		fprintf(ctx->out, _("  head of %-4s %-20s %s\n"),
		    fmt_cells(cb[0], sizeof(cb[0]),
			vis_buf(pb, sizeof(pb), h->party, 0), 4),
		    fmt_cells(cb[1], sizeof(cb[1]),
			vis_buf(tb, sizeof(tb), h->name, 0), 20),
		    fp);
	}
	/* Every entry of the file is placed (exchange_join_temp()). */
	exchange_unplaced_lines(ctx->out, *r, &u, 0);
	exchange_unplaced_free(&u);
	return CLI_OK;
failed:
	cli_error(ctx, _("the bundle does not verify"), path,
	    _("the minutes were not checked"));
	if (u.placed < u.total && *r != NULL)
		exchange_unplaced_lines(ctx->out, *r, &u, EXCHANGE_UNPLACED_SHOWN);
	exchange_failure_line(ctx->out, *r, &f);
	exchange_unplaced_free(&u);
	return CLI_FAIL;
}

/*
 * bundle_unlock() - the dialogue key of the bundle's record r: from
 * --key-file keyfile, else from the identity in the home (--as, the
 * only one or the default) when it is a member of r's dialogue.  No
 * identity, or one that is not a member (without --as) or has not been
 * given the key, leaves r locked: CLI_OK, and the caller says so.
 */
static int
bundle_unlock(struct cli_ctx *ctx, record *r, const char *keyfile)
{
	char name[KEY_NAME_MAX + 1];
	unsigned char pk[KEY_PK_BYTES];
	int ret, rc;

	if (keyfile != NULL)
		return session_unlock_file(ctx, r, keyfile);
	if (ctx->as == NULL) {
		/* An auditor's home has no identity: quietly no key. */
		if ((ret = session_home(ctx, 0)) != CLI_OK)
			return ret;
		if (home_choose_identity(name, ctx->home, NULL) != 0)
			return CLI_OK;
	}
	if ((ret = session_pick_identity(ctx, name, pk)) != CLI_OK)
		return ret;
	if (record_member_find(r, pk) == NULL) {
		if (ctx->as == NULL)
			return CLI_OK;
		cli_error(ctx, _("not a member of the bundle's dialogue"), name,
		    _("give --key-file K, the identity file of a member"));
		return CLI_FAIL;
	}
	if ((ret = session_unlock(ctx)) != CLI_OK)
		return ret;
	if ((rc = record_unlock(r, ctx->id)) != 0 && rc != DT_ENOKEY) {
		cli_error_rc(ctx, _("cannot unlock the dialogue key"), rc,
		    ctx->id->name, NULL);
		return cli_exit_for(rc);
	}
	return CLI_OK;
}

/*
 * claimed_id() - what the minutes text claims to be: the first good
 * signature's claim, else its own first line.
 * @return 0, or non-zero when text is not detente minutes.
 */
static int
claimed_id(minutes_id *id, const struct vstate *st, const char *text,
    size_t len)
{
	if (st->have_claim) {
		*id = st->claim.id;
		return 0;
	}
	return minutes_identify(id, text, len);
}

/*
 * rerender() - render the minutes text claims to be (the first good
 * signature's claim, else its first line) from r and compare them byte
 * for byte; from names where r came from (a bundle) or is NULL (this
 * replica).  Sets st->failed when they differ or cannot be rendered.
 * @return CLI_OK, or CLI_USAGE when rendering failed for a reason other
 *         than the record (the caller stops).
 */
static int
rerender(struct cli_ctx *ctx, record *r, const char *from, const char *file,
    const char *text, size_t len, struct vstate *st)
{
	char *again = NULL;
	size_t alen = 0;
	minutes_id id;
	int ret = CLI_OK;

	if (claimed_id(&id, st, text, len) != 0) {
		cli_error(ctx, _("not detente minutes"), file, NULL);
		st->failed = 1;
		goto out;
	}
	if (memcmp(id.dialogue, record_id(r), ENTRY_HASH_BYTES) != 0) {
		cli_error(ctx, _("these minutes are of another dialogue"), file,
		    from != NULL ? _("give the bundle of their dialogue") :
				   _("choose it with --dialogue ID"));
		st->failed = 1;
		goto out;
	}
	if ((ret = render(ctx, r, id.meeting, id.format, id.lang, 0, NULL,
	    &again,
		 &alen)) != CLI_OK) {
		st->failed = 1;
		ret = ret == CLI_USAGE ? CLI_USAGE : CLI_OK;
		goto out;
	}
	if (compare(ctx, file, text, len, again, alen) != 0)
		st->failed = 1;
	else if (from != NULL)
		fprintf(ctx->out,
		    _("identical to the minutes of meeting %lld that "
		      "the bundle %s renders (%s, lang %s, %zu bytes)\n"),
		    (long long)id.meeting, from, minutes_format_name(id.format),
		    id.lang, len);
	else
		fprintf(ctx->out,
		    _("identical to the minutes of meeting %lld that "
		      "this replica renders (%s, lang %s, %zu bytes)\n"),
		    (long long)id.meeting, minutes_format_name(id.format),
		    id.lang, len);
out:
	free(again);
	return ret;
}

/*
 * check_seal() - what the record r says of these minutes (SHA-256 sha):
 * the seal of their meeting names them, names other minutes (a
 * failure), names none, or there is no seal yet.  One line.
 */
static void
check_seal(struct cli_ctx *ctx, record *r, const char *file, const char *text,
    size_t len, const unsigned char sha[32], struct vstate *st)
{
	char have[2 * 32 + 1], want[2 * 32 + 1];
	const char *stext;
	note_sig sigs[NOTE_SIGS_MAX];
	size_t stlen, nsigs;
	seal_text sx;
	seal_info si;
	minutes_id id;
	int rc, state;

	if (claimed_id(&id, st, text, len) != 0)
		return; /* said already by rerender(), or nothing to check */
	if (memcmp(id.dialogue, record_id(r), ENTRY_HASH_BYTES) != 0)
		return;
	memset(&sx, 0, sizeof(sx));
	rc = cli_seal_get(&si, r, id.meeting, 1);
	if (rc == DT_ENOENT) {
		fprintf(ctx->out, _("meeting %llu has no seal yet: nothing in "
				    "the record names these minutes\n"),
		    (unsigned long long)id.meeting);
		return;
	}
	if (rc != 0) {
		cli_error_rc(ctx, _("cannot read the seal"), rc, file, NULL);
		st->failed = 1;
		return;
	}
	key_hex(have, sha, 32);
	state = seal_info_state(&si);
	if (state == SEAL_STATE_INVALID) {
		fprintf(ctx->out, _("the seal of meeting %llu is INVALID: "),
		    (unsigned long long)id.meeting);
		vis_put(ctx->out, si.why, 0);
		fputc('\n', ctx->out);
		st->failed = 1;
	} else if (si.merged == NULL || note_open(&stext, &stlen, sigs,
	    &nsigs, si.merged, si.mergedlen) != 0 ||
	    seal_text_parse(&sx, stext, stlen) != 0) {
		fprintf(ctx->out, _("the seal of meeting %llu cannot be "
				    "read\n"), (unsigned long long)id.meeting);
		st->failed = 1;
	} else if (!sx.has_minutes) {
		fprintf(ctx->out, _("the seal of meeting %llu names no "
				    "minutes (\"minutes -\")\n"),
		    (unsigned long long)id.meeting);
	} else if (memcmp(sx.minutes, sha, 32) != 0) {
		key_hex(want, sx.minutes, 32);
		fprintf(ctx->out, _("the seal of meeting %llu names OTHER "
				    "minutes: SHA-256 %s, these are %s\n"),
		    (unsigned long long)id.meeting, want, have);
		st->failed = 1;
	} else
		fprintf(ctx->out, _("the seal of meeting %llu names these "
				    "minutes (SHA-256 %s); the seal is %s\n"),
		    (unsigned long long)id.meeting, have,
		    state == SEAL_STATE_COMPLETE ? _("complete") :
						   _("not complete"));
	seal_text_done(&sx);
	seal_info_done(&si);
}

static int
minutes_verify(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = { { "record", no_argument, NULL,
						  'r' },
		{ "key", required_argument, NULL, 'k' },
		{ "bundle", required_argument, NULL, 'b' },
		{ "key-file", required_argument, NULL, 'K' },
		{ "expect-dialogue", required_argument, NULL, 'e' },
		{ NULL, 0, NULL, 0 } };
	unsigned char hash[MINISIG_HASH_BYTES], sha[32];
	const char *file, *keyfile = NULL, *bundle = NULL, *idfile = NULL;
	const char *expect = NULL;
	char **sigs = NULL, *text = NULL, tmp[PATH_MAX] = "", kb[640];
	size_t nsigs = 0, len = 0, nkeys = 0, i, missing = 0, nrec = 0;
	struct vkey *keys = NULL;
	record *brec = NULL, *r = NULL;
	struct vstate st;
	int c, ret, with_record = 0;

	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			with_record = 1;
			break;
		case 'k':
			keyfile = optarg;
			break;
		case 'b':
			bundle = optarg;
			break;
		case 'K':
			idfile = optarg;
			break;
		case 'e':
			expect = optarg;
			break;
		default:
			return cli_opt_error(ctx, &cmd_minutes, c, argv);
		}
	}
	if (argc - optind != 1)
		return cli_bad_usage(ctx, &cmd_minutes,
		    optind >= argc ? _("missing the minutes file") :
				     _("unexpected argument"),
		    optind >= argc ? NULL : argv[optind + 1]);
	if (with_record && keyfile != NULL)
		return cli_bad_usage(ctx, &cmd_minutes,
		    _("--record and --key exclude each other"), NULL);
	if (bundle != NULL && (with_record || keyfile != NULL))
		return cli_bad_usage(ctx, &cmd_minutes,
		    _("--bundle excludes --record and --key"), NULL);
	if (bundle == NULL && (idfile != NULL || expect != NULL))
		return cli_bad_usage(ctx, &cmd_minutes,
		    _("--key-file and --expect-dialogue go with --bundle"),
		    NULL);
	file = argv[optind];
	memset(&st, 0, sizeof(st));
	if ((ret = read_all(ctx, file, MINUTES_FILE_MAX, &text, &len)) !=
	    CLI_OK)
		return ret;
	if (refuse_internal(ctx, file, text, len)) {
		ret = CLI_FAIL;
		goto out;
	}
	minisig_hash(hash, (const unsigned char *)text, len);
	crypto_hash_sha256(sha, (const unsigned char *)text, len);
	if ((ret = sig_files(ctx, file, &sigs, &nsigs)) != CLI_OK)
		goto out;
	if (bundle != NULL) {
		if ((ret = bundle_open(ctx, bundle, expect, &brec, tmp,
			 sizeof(tmp))) != CLI_OK ||
		    (ret = bundle_unlock(ctx, brec, idfile)) != CLI_OK)
			goto out;
		r = brec;
	} else if (keyfile == NULL) {
		if ((ret = with_record ? session_record_key(ctx) :
					 session_record(ctx, 0)) != CLI_OK)
			goto out;
		r = ctx->rec;
	}
	if (r != NULL)
		ret = record_keys(ctx, r, &keys, &nkeys);
	else
		ret = file_key(ctx, keyfile, &keys, &nkeys);
	if (ret != CLI_OK)
		goto out;
	for (i = 0; i < nsigs; i++)
		check_sig_file(ctx, sigs[i], keys, nkeys, hash, sha,
		    r != NULL ? record_id(r) : NULL, &st);
	/* The heads' signatures the record carries (minutes sign). */
	if (r != NULL && (ret = check_record_sigs(ctx, r, file, text, len, keys,
	    nkeys, hash, sha, &st, &nrec)) != CLI_OK)
		goto out;
	if (nsigs == 0 && nrec == 0) {
		cli_error(ctx, _("no signature"), file,
		    r != NULL ? _("the record holds no signature of these "
				  "minutes, and there is no F.NAME.minisig "
				  "beside them") :
				_("expected F.NAME.minisig (or F.minisig) "
				  "beside it"));
		ret = CLI_FAIL;
		goto out;
	}
	for (i = 0; i < nkeys; i++)
		missing += !keys[i].signed_ok;
	if (keyfile != NULL) {
		if (!keys[0].signed_ok)
			fprintf(ctx->out, _("not signed by the key in %s\n"),
			    vis_buf(kb, sizeof(kb), keyfile, 0));
	} else if (missing == 0) {
		fputs(_("signed by every head:"), ctx->out);
		for (i = 0; i < nkeys; i++)
			fprintf(ctx->out, "%s %s (%s)", i ? "," : "",
			    keys[i].party, vis_buf(kb, sizeof(kb), keys[i].name,
			    0));
		fputc('\n', ctx->out);
	} else {
		fputs(_("NOT signed by:"), ctx->out);
		for (i = 0, c = 0; i < nkeys; i++)
			if (!keys[i].signed_ok)
				fprintf(ctx->out, "%s %s (%s)", c++ ? "," : "",
				    keys[i].party, vis_buf(kb, sizeof(kb),
				    keys[i].name, 0));
		fputc('\n', ctx->out);
	}
	if (bundle != NULL && record_key(r) == NULL)
		fputs(_("content not rendered again: no dialogue key was given "
			"(give --key-file K, or --as NAME of a member)\n"),
		    ctx->out);
	else if ((with_record || bundle != NULL) &&
	    (ret = rerender(ctx, r, bundle, file, text, len, &st)) != CLI_OK)
		goto out;
	if (r != NULL)
		check_seal(ctx, r, file, text, len, sha, &st);
	ret =
	    st.failed || (keyfile != NULL ? !keys[0].signed_ok : missing != 0) ?
	    CLI_FAIL :
	    CLI_OK;
	fprintf(ctx->out, "%s\n", ret == CLI_OK ? _("OK") : _("FAILED"));
out:
	for (i = 0; i < nsigs; i++)
		free(sigs[i]);
	free(sigs);
	free(keys);
	free(text);
	exchange_temp_done(brec, tmp);
	return ret;
}

/* run() - `minutes SUBCOMMAND ...` */
static int
run(struct cli_ctx *ctx, int argc, char **argv)
{
	if (argc < 2)
		return cli_bad_usage(ctx, &cmd_minutes,
		    _("expected export, sign or verify"), NULL);
	if (strcmp(argv[1], "export") == 0)
		return minutes_export(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "sign") == 0)
		return minutes_sign(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "verify") == 0)
		return minutes_verify(ctx, argc - 1, argv + 1);
	return cli_bad_usage(ctx, &cmd_minutes, _("unknown subcommand"),
	    argv[1]);
}

const struct cli_cmd cmd_minutes = { "minutes",
	N_("export [--meeting M] [--format md|txt|json|html]\n"
	   "               [--lang L|both] [-o FILE [--force]] [--draft]\n"
	   "               [--internal]\n"
	   "       detente minutes sign [--force] FILE\n"
	   "       detente minutes verify FILE [--record | --key PUBKEY | "
	   "--bundle B\n"
	   "               [--key-file K] [--expect-dialogue ID]]"),
	N_("the minutes of a meeting, and the heads' minisign signatures"),
	N_("export  the minutes of meeting M (default: the last one) as\n"
	   "        Markdown (default), plain text, JSON or printable HTML\n"
	   "        (A4, page numbers, a signature block per head; one file,\n"
	   "        signed and verified like the others); --lang picks one\n"
	   "        language (else the authentic text), both (default) shows\n"
	   "        every language side by side.  They cover the meeting's\n"
	   "        closing entry and every entry it follows causally, so "
	   "both\n"
	   "        sides render the same bytes; a meeting not closed is\n"
	   "        refused unless --draft.  -o writes FILE (mode 0600) "
	   "through\n"
	   "        a temporary file; its extension may give the format.\n"
	   "        An existing FILE is replaced only with --force; - is\n"
	   "        standard output; a device or FIFO is written in place.\n"
	   "        --internal renders your party's own internal record\n"
	   "        instead: the same minutes with the internal notes of\n"
	   "        your party (`add note --internal`) you can read, each\n"
	   "        marked [RU only]; it says at its top that it is not the\n"
	   "        joint minutes, and sign, verify and seal refuse it.\n"
	   "sign    a head signs FILE after rendering it again from its own\n"
	   "        replica: writes FILE.NAME.minisig (minisign, prehashed),\n"
	   "        whose trusted comment names the dialogue, meeting, "
	   "format,\n"
	   "        language, signer and SHA-256; prints the SHA-256, for\n"
	   "        `detente seal propose --minutes-sha256`.  A signature\n"
	   "        file that exists (this head signed) is replaced only\n"
	   "        with --force.\n"
	   "verify  checks FILE.minisig and every FILE.*.minisig against the\n"
	   "        heads' keys from the record (or the one --key PUBKEY "
	   "file),\n"
	   "        says which heads signed, and with --record renders the\n"
	   "        minutes again and compares them byte for byte.\n"
	   "        --bundle B does the same with only a bundle (`detente\n"
	   "        bundle export`), for an auditor: B is joined into a\n"
	   "        temporary store, every signature checked, and removed\n"
	   "        afterwards; the heads' keys come from its genesis\n"
	   "        (--expect-dialogue ID pins it: 16 or more hex digits).\n"
	   "        With the dialogue key, from --key-file K (a member's\n"
	   "        identity file) or a member's identity in the home, the\n"
	   "        minutes are rendered again from B and compared; without\n"
	   "        it only the signatures are checked, and it says so.\n"
	   "        With a record or a bundle, the seal of the minutes'\n"
	   "        meeting must name their SHA-256 (if there is a seal).\n"
	   "        Exit 0: every head signed, all good; 1: verification\n"
	   "        failed (a changed file or signature, a tampered,\n"
	   "        damaged or partial bundle, a file that is not one);\n"
	   "        2: usage, or a file that cannot be read.\n"
	   "        minisign checks one signature: minisign -Vm FILE -x\n"
	   "        FILE.NAME.minisig -P KEY (`detente id export "
	   "--minisign`).\n"),
	run };
