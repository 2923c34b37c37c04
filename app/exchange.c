/*
 * exchange.c: output files, bundle files and import reports shared by
 * the exchange commands (see exchange.h).
 */
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "../crypto/err.h"
#include "../crypto/keys.h"
#include "exchange.h"
#include "i18n.h"

/* bad_bundle() - say that the file at path is not a sound bundle. */
static int
bad_bundle(struct cli_ctx *ctx, const char *path, int rc, const char *why)
{
	char what[160];

	if (rc == DT_ENOENT || rc == DT_EIO) {
		cli_error(ctx, _("cannot read the bundle"), path,
		    why != NULL ? why : _(dt_strerror(rc)));
		return CLI_USAGE;
	}
	snprintf(what, sizeof(what), _("bad bundle file: %s"),
	    why != NULL ? _(why) : _(dt_strerror(rc)));
	cli_error(ctx, what, path, _("nothing was imported; ask the other "
	    "side for the file again"));
	return CLI_FAIL;
}

/*
 * spool() - copy in, to its end, into an anonymous file (mode 0600,
 * unlinked at once) under $TMPDIR, else /tmp, and return that at its
 * start; in is closed.  NULL with errno set.
 */
static FILE *
spool(FILE *in)
{
	const char *dir = getenv("TMPDIR");
	char path[PATH_MAX], buf[65536];
	FILE *out = NULL;
	size_t n;
	int fd, e;

	if (dir == NULL || *dir != '/')
		dir = "/tmp";
	if (snprintf(path, sizeof(path), "%s/detente-in-XXXXXX", dir) >=
	    (int)sizeof(path)) {
		errno = ENAMETOOLONG;
		goto fail;
	}
	if ((fd = mkostemp(path, O_CLOEXEC)) < 0)
		goto fail;
	unlink(path);
	if ((out = fdopen(fd, "w+b")) == NULL) {
		close(fd);
		goto fail;
	}
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			goto fail;
	if (ferror(in) || fflush(out) != 0 || fseeko(out, 0, SEEK_SET) != 0)
		goto fail;
	if (in != stdin)
		fclose(in);
	return out;
fail:
	e = errno;
	if (out != NULL)
		fclose(out);
	if (in != stdin)
		fclose(in);
	errno = e;
	return NULL;
}

FILE *
exchange_read_seekable(const char *path)
{
	struct stat sb;
	FILE *f;

	if (strcmp(path, "-") == 0)
		f = stdin;
	else if ((f = fopen(path, "rbe")) == NULL)
		return NULL;
	if (fstat(fileno(f), &sb) == 0 && S_ISREG(sb.st_mode)) {
		if (f != stdin)
			return f;
		/* Standard input redirected from a file: read it there. */
		return fdopen(dup(fileno(f)), "rb");
	}
	return spool(f);
}

int
exchange_open_bundle(struct cli_ctx *ctx, bundle_reader **b,
    const char *path)
{
	const char *why = NULL;
	FILE *f;
	int rc;

	*b = NULL;
	if ((f = exchange_read_seekable(path)) == NULL)
		return bad_bundle(ctx, strcmp(path, "-") == 0 ?
		    _("standard input") : path, errno == ENOENT ? DT_ENOENT :
		    DT_EIO, strerror(errno));
	/* The import's own pass checks the trailer: see bundle.h. */
	if ((rc = bundle_reader_open(b, f, BUNDLE_CHECK_LATE, &why)) == 0)
		return CLI_OK;
	return bad_bundle(ctx, strcmp(path, "-") == 0 ? _("standard input") :
	    path, rc, why);
}

int
exchange_damaged(struct cli_ctx *ctx, bundle_reader *b, const char *path)
{
	const char *why = NULL;
	int rc;

	if ((rc = bundle_reader_check(b, &why)) == 0)
		return CLI_OK;
	return bad_bundle(ctx, path, rc, why);
}

const char *
exchange_reason(int code)
{
	switch (code) {
	case DT_EMEMBER:
		return N_("author not a member, or not allowed to write this");
	case DT_ESIG:
		return N_("bad signature");
	case DT_ECHAIN:
		return N_("broken chain");
	case DT_ECLOCK:
		return N_("clock violation");
	case DT_EDIALOGUE:
		return N_("wrong dialogue");
	case DT_EFORMAT:
	case DT_EVERSION:
	case DT_ERANGE:
		return N_("malformed bytes");
	case DT_EREF:
		return N_("bad reference");
	case DT_EFORK:
		return N_("fork");
	case DT_EDECRYPT:
		return N_("content does not decrypt");
	default:
		return dt_strerror(code);
	}
}

void
exchange_author(char *out, size_t outlen, const record *r,
    const unsigned char pk[KEY_PK_BYTES])
{
	const record_member *m = r != NULL ? record_member_find(r, pk) : NULL;
	char hex[2 * KEY_PK_BYTES + 1];

	key_hex(hex, pk, KEY_PK_BYTES);
	if (m != NULL) {
		hex[16] = '\0';
		snprintf(out, outlen, "%s (%s)", m->name, hex);
	} else
		snprintf(out, outlen, "%s", hex);
}

int
exchange_report_import(struct cli_ctx *ctx, const record *r,
    const char *path, int rc, const record_import_stats *st,
    const record_failure *f)
{
	char who[2 * KEY_PK_BYTES + KEY_NAME_MAX + 8];
	char hash[2 * ENTRY_HASH_BYTES + 1], exp[2 * ENTRY_HASH_BYTES + 1];
	char what[512];

	if (rc == 0) {
		fprintf(ctx->out, _("%llu new, %llu already known, %llu held\n"),
		    (unsigned long long)st->added,
		    (unsigned long long)st->known,
		    (unsigned long long)st->held);
		if (st->released > 0)
			fprintf(ctx->out, ngettext("%llu entry held from "
			    "earlier imports was added\n", "%llu entries held "
			    "from earlier imports were added\n", st->released),
			    (unsigned long long)st->released);
		if (st->held > 0)
			fprintf(ctx->out, _("held entries wait for entries "
			    "this replica has not received yet; they are "
			    "added by a later import\n"));
		if (st->dropped > 0) {
			const record_failure *d = &st->dropped_first;

			key_hex(hash, d->hash, ENTRY_HASH_BYTES);
			exchange_author(who, sizeof(who), r, d->author);
			snprintf(what, sizeof(what), _("warning: %llu held "
			    "entries failed a check and were dropped; the "
			    "first: %s: author %s, seq %llu, hash %s"),
			    (unsigned long long)st->dropped,
			    _(exchange_reason(d->code)), who,
			    (unsigned long long)d->seq, hash);
			cli_error(ctx, what, d->detail,
			    _("see `detente evidence` for forks"));
		}
		return CLI_OK;
	}
	if (f->has_entry) {
		exchange_author(who, sizeof(who), r, f->author);
		key_hex(hash, f->hash, ENTRY_HASH_BYTES);
		if (f->has_expected)
			key_hex(exp, f->expected, ENTRY_HASH_BYTES);
		snprintf(what, sizeof(what), _("bundle rejected: %s: author "
		    "%s, seq %llu, hash %s%s%s: %s"),
		    _(exchange_reason(f->code)), who,
		    (unsigned long long)f->seq, hash,
		    f->has_expected ? (f->code == DT_EFORK ?
		    _(", the first is ") : _(", expected ")) : "",
		    f->has_expected ? exp : "",
		    f->detail[0] ? f->detail : _(dt_strerror(f->code)));
	} else
		snprintf(what, sizeof(what), _("bundle rejected: %s: %s"),
		    _(exchange_reason(f->code != 0 ? f->code : rc)),
		    f->detail[0] ? f->detail : _(dt_strerror(rc)));
	cli_error(ctx, what, path, rc == DT_EFORK ?
	    _("nothing was imported; both entries are kept: see "
	    "`detente evidence`") : _("nothing was imported"));
	return cli_exit_for(rc) == CLI_FAIL || rc == DT_ERANGE ||
	    rc == DT_EVERSION ? CLI_FAIL : CLI_USAGE;
}

static int
accept_join(void *c, record *r, const record_import_stats *st)
{
	(void)c;
	(void)r;
	(void)st;
	return 0;
}

int
exchange_join_temp(record **r, char *tmp, size_t tmplen, bundle_reader *b,
    record_failure *f)
{
	const char *base = getenv("TMPDIR");
	record_import_stats st;

	*r = NULL;
	snprintf(tmp, tmplen, "%s/detente-bundle-XXXXXX",
	    base != NULL && base[0] != '\0' ? base : "/tmp");
	if (mkdtemp(tmp) == NULL) {
		tmp[0] = '\0';
		f->code = DT_EIO;
		snprintf(f->detail, sizeof f->detail,
		    "cannot make a temporary directory: %s", strerror(errno));
		return DT_EIO;
	}
	return record_join(r, tmp, b, 0, accept_join, NULL, &st, f);
}

/* remove_cb() - one file or (after its contents) directory of the tree. */
static int
remove_cb(const char *path, const struct stat *sb, int flag, struct FTW *f)
{
	(void)sb;
	(void)f;
	if (flag == FTW_DP)
		return rmdir(path) != 0;
	return unlink(path) != 0;
}

void
exchange_temp_done(record *r, char *tmp)
{
	record_close(r);
	if (tmp == NULL || tmp[0] == '\0')
		return;
	(void)nftw(tmp, remove_cb, 16, FTW_DEPTH | FTW_PHYS);
	tmp[0] = '\0';
}

int
exchange_expect_dialogue(const record *r, const char *want)
{
	char hex[2 * ENTRY_HASH_BYTES + 1];
	size_t n = strlen(want);

	key_hex(hex, record_id(r), ENTRY_HASH_BYTES);
	return n >= 16 && n <= 2 * ENTRY_HASH_BYTES &&
	    strncasecmp(hex, want, n) == 0;
}

void
exchange_failure_line(FILE *out, const record *r, const record_failure *f)
{
	char hex[2 * ENTRY_HASH_BYTES + 1], who[2 * KEY_PK_BYTES + 1];
	const record_member *m;

	/* "FAILED:" stays English: scripts look for it. */
	fprintf(out, "FAILED: %s", f->detail[0] ? f->detail :
	    _(dt_strerror(f->code)));
	if (f->has_entry) {
		m = r != NULL ? record_member_find(r, f->author) : NULL;
		key_hex(who, f->author, KEY_PK_BYTES);
		key_hex(hex, f->hash, ENTRY_HASH_BYTES);
		fprintf(out, _(": author %s seq %llu hash %s"),
		    m != NULL ? m->name : who, (unsigned long long)f->seq, hex);
	}
	if (f->has_expected) {
		key_hex(hex, f->expected, ENTRY_HASH_BYTES);
		fprintf(out, _(" expected %s"), hex);
	}
	fputc('\n', out);
}
