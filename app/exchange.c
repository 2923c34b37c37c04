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
#include "../storage/vis.h"
#include "../storage/held.h"
#include "../storage/store.h"
#include "exchange.h"
#include "i18n.h"

int
exchange_read_exit(int rc)
{
	switch (rc) {
	case DT_ENOENT:
	case DT_EIO:
	case DT_ENOMEM:
	case DT_EINVAL:
		return CLI_USAGE;
	default:
		return CLI_FAIL;
	}
}

int
exchange_import_exit(int rc)
{
	return cli_exit_for(rc) == CLI_FAIL || rc == DT_ERANGE ||
	    rc == DT_EVERSION || rc == DT_ENOENT ? CLI_FAIL : CLI_USAGE;
}

/* bad_bundle() - say that the file at path is not a sound bundle. */
static int
bad_bundle(struct cli_ctx *ctx, const char *path, int rc, const char *why)
{
	char what[160];

	if (exchange_read_exit(rc) == CLI_USAGE) {
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
		return _(dt_strerror(code));
	}
}

void
exchange_author(char *out, size_t outlen, const record *r,
    const unsigned char pk[KEY_PK_BYTES])
{
	const record_member *m = r != NULL ? record_member_find(r, pk) : NULL;
	char hex[2 * KEY_PK_BYTES + 1], name[3 * KEY_NAME_MAX + 4];

	key_hex(hex, pk, KEY_PK_BYTES);
	if (m != NULL) {
		hex[16] = '\0';
		snprintf(out, outlen, "%s (%s)", vis_buf(name, sizeof(name),
		    m->name, 0), hex);
	} else
		snprintf(out, outlen, "%s", hex);
}

const char *
exchange_fault_reason(int reason)
{
	switch (reason) {
	case FAULT_DECRYPT:
		return N_("content does not decrypt");
	case FAULT_PAYLOAD:
		return N_("content is not a valid payload");
	case FAULT_KIND:
		return N_("content does not fit its kind");
	case FAULT_LATE:
		return N_("written into a meeting its author's side had "
		    "closed");
	case FAULT_REMOVED:
		return N_("written after its author's removal");
	default:
		return N_("unknown fault");
	}
}

void
exchange_fault_line(FILE *out, const char *prefix, const record *r,
    const record_fault *f)
{
	char who[2 * KEY_PK_BYTES + KEY_NAME_MAX + 8];
	char hash[2 * ENTRY_HASH_BYTES + 1];

	exchange_author(who, sizeof(who), r, f->author);
	key_hex(hash, f->hash, ENTRY_HASH_BYTES);
	fprintf(out, _("%smember fault: author %s, seq %llu, %s %s: %s\n"),
	    prefix, who, (unsigned long long)f->seq,
	    entry_kind_name(f->kind), hash, _(exchange_fault_reason(f->reason)));
}

/*
 * report_refused() - entries of the bundle that wait, and were not held
 * because of a bound of held.h: how many, which bound, the first, and
 * what to do.  One line on stderr.
 */
static void
report_refused(struct cli_ctx *ctx, const record *r,
    const record_import_stats *st)
{
	char who[2 * KEY_PK_BYTES + KEY_NAME_MAX + 8];
	char hash[2 * ENTRY_HASH_BYTES + 1], why[256], what[1024];
	const record_failure *d = &st->refused_first;

	switch (st->refused_why) {
	case HELD_OVER_AUTHOR:
		snprintf(why, sizeof(why), _("its author is not a member, and "
		    "one such author may have at most %u entries or %u MiB "
		    "held"), HELD_AUTHOR_MAX_ENTRIES,
		    HELD_AUTHOR_MAX_BYTES / (1024U * 1024U));
		break;
	case HELD_OVER_OTHERS:
		snprintf(why, sizeof(why), _("authors who are not members may "
		    "have at most %u entries or %u MiB held together"),
		    HELD_OTHERS_MAX_ENTRIES,
		    HELD_OTHERS_MAX_BYTES / (1024U * 1024U));
		break;
	default:
		snprintf(why, sizeof(why), _("members' entries are held up to "
		    "%u entries or %u MiB in all"), HELD_MEMBERS_MAX_ENTRIES,
		    HELD_MEMBERS_MAX_BYTES / (1024U * 1024U));
		break;
	}
	key_hex(hash, d->hash, ENTRY_HASH_BYTES);
	exchange_author(who, sizeof(who), r, d->author);
	snprintf(what, sizeof(what), _("warning: %llu entries of the bundle "
	    "(%llu bytes) wait for entries this replica has not received and "
	    "were not held, as %s; the first: author %s, seq %llu, hash %s"),
	    (unsigned long long)st->refused,
	    (unsigned long long)st->refused_bytes, why, who,
	    (unsigned long long)d->seq, hash);
	cli_error(ctx, what, NULL, _("the record is unchanged by them; once "
	    "the entries they wait for are here, a bundle made against this "
	    "replica's `detente bundle state` carries them again"));
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
		if (st->faults > 0 && r != NULL) {
			const record_fault *fv;
			size_t i, n;

			fv = record_faults(r, &n);
			for (i = 0; i < n; i++)
				exchange_fault_line(ctx->err, _("warning: "),
				    r, &fv[i]);
			fprintf(ctx->err, _("these entries were signed by their "
			    "authors and stay in the record, never shown as "
			    "text; the record stays writable: see `detente "
			    "evidence --faults`\n"));
		}
		if (st->refused > 0)
			report_refused(ctx, r, st);
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
	return exchange_import_exit(rc);
}

static int
accept_join(void *c, record *r, const record_import_stats *st)
{
	(void)c;
	(void)r;
	(void)st;
	return 0;
}

/* A short name for an author: the member's name, else 16 hex digits. */
static void
short_author(char *out, size_t len, const record *r,
    const unsigned char pk[KEY_PK_BYTES])
{
	const record_member *m = r != NULL ? record_member_find(r, pk) : NULL;
	char hex[2 * KEY_PK_BYTES + 1];

	key_hex(hex, pk, KEY_PK_BYTES);
	if (m != NULL)
		vis_buf(out, len, m->name, 0);  /* the record's: untrusted */
	else
		snprintf(out, len, _("%.16s (not a member)"), hex);
}

void
exchange_wait_text(char *buf, size_t len, const record *r,
    const held_info *h, int full_hash)
{
	char who[KEY_NAME_MAX + 64], hex[2 * ENTRY_HASH_BYTES + 1];
	const char *where = h->wait.held ? _("not placed either") :
	    _("not in the bundle");

	key_hex(hex, h->wait.hash, ENTRY_HASH_BYTES);
	if (!full_hash)
		hex[16] = '\0';
	switch (h->wait.what) {
	case HELD_WAITS_PREV:
		if (h->wait.seq == h->wait.last)
			snprintf(buf, len, _("waits for seq %llu of its own feed "
			    "(hash %s), %s"), (unsigned long long)h->wait.last,
			    hex, where);
		else
			snprintf(buf, len, _("waits for seq %llu to %llu of its "
			    "own feed (seq %llu: hash %s), %s"),
			    (unsigned long long)h->wait.seq,
			    (unsigned long long)h->wait.last,
			    (unsigned long long)h->wait.last, hex, where);
		break;
	case HELD_WAITS_REF:
		short_author(who, sizeof(who), r, h->wait.author);
		snprintf(buf, len, _("waits for %s seq %llu (hash %s), which it "
		    "references, %s"), who, (unsigned long long)h->wait.seq,
		    hex, where);
		break;
	default:
		snprintf(buf, len, _("waits for nothing the store lacks now"));
		break;
	}
}

/*
 * unplaced_check() - account for every entry of the joined bundle:
 * placed ones are added or known (a second copy); the rest are held.
 */
static int
unplaced_check(struct exchange_unplaced *u, record *r,
    const record_import_stats *st, record_failure *f)
{
	const held_info *h;
	store_txn *t = NULL;
	char what[160];
	size_t i;
	int rc;

	u->placed = st->added + st->known;
	if (u->placed >= u->total)
		return 0;
	if ((rc = store_txn_begin(&t, record_store(r), 0)) == 0) {
		rc = held_list(&u->held, &u->nheld, t);
		store_txn_abort(t);
	}
	memset(f, 0, sizeof(*f));
	if (rc != 0 || u->nheld == 0) {
		f->code = rc != 0 ? rc : DT_ECHAIN;
		snprintf(f->detail, sizeof(f->detail), _("%llu of the %llu "
		    "entries of the bundle were not placed"),
		    (unsigned long long)(u->total - u->placed),
		    (unsigned long long)u->total);
		return f->code;
	}
	/* The first that waits for what the file lacks: a cause. */
	h = &u->held[0];
	for (i = 0; i < u->nheld; i++)
		if (!u->held[i].wait.held) {
			h = &u->held[i];
			break;
		}
	exchange_wait_text(what, sizeof(what), r, h, 0);
	f->code = h->wait.what == HELD_WAITS_REF ? DT_EREF : DT_ECHAIN;
	f->has_entry = 1;
	memcpy(f->author, h->author, KEY_PK_BYTES);
	f->seq = h->seq;
	memcpy(f->hash, h->hash, ENTRY_HASH_BYTES);
	f->has_expected = h->wait.what != HELD_WAITS_NOTHING;
	memcpy(f->expected, h->wait.hash, ENTRY_HASH_BYTES);
	snprintf(f->detail, sizeof(f->detail), _("not placed (%llu of the "
	    "%llu entries of the bundle): it %s"),
	    (unsigned long long)(u->total - u->placed),
	    (unsigned long long)u->total, what);
	return f->code;
}

void
exchange_unplaced_free(struct exchange_unplaced *u)
{
	free(u->held);
	u->held = NULL;
	u->nheld = 0;
}

void
exchange_unplaced_lines(FILE *out, const record *r,
    const struct exchange_unplaced *u, size_t max)
{
	char who[KEY_NAME_MAX + 64], hex[2 * ENTRY_HASH_BYTES + 1];
	char what[256];
	const held_info *h;
	size_t i;

	fprintf(out, _("bundle: %llu entries in the file, %llu placed, %llu "
	    "not placed\n"), (unsigned long long)u->total,
	    (unsigned long long)u->placed,
	    (unsigned long long)(u->total - u->placed));
	for (i = 0; i < u->nheld && i < max; i++) {
		h = &u->held[i];
		short_author(who, sizeof(who), r, h->author);
		key_hex(hex, h->hash, ENTRY_HASH_BYTES);
		exchange_wait_text(what, sizeof(what), r, h, 1);
		fprintf(out, _("  not placed: %s seq %llu hash %s (clock %llu, "
		    "%s): %s\n"), who, (unsigned long long)h->seq, hex,
		    (unsigned long long)h->clock, entry_kind_name(h->kind),
		    what);
	}
	if (u->nheld > max)
		fprintf(out, _("  and %zu more not placed\n"), u->nheld - max);
	/* The file may carry an entry that is not placed more than once. */
	if (u->total - u->placed > u->nheld)
		fprintf(out, ngettext("  and %llu more copy of an entry not "
		    "placed\n", "  and %llu more copies of entries not "
		    "placed\n", u->total - u->placed - u->nheld),
		    (unsigned long long)(u->total - u->placed - u->nheld));
}

int
exchange_join_temp(record **r, char *tmp, size_t tmplen, bundle_reader *b,
    struct exchange_unplaced *u, record_failure *f)
{
	const char *base = getenv("TMPDIR");
	record_import_stats st;
	int rc;

	*r = NULL;
	memset(u, 0, sizeof(*u));
	memset(&st, 0, sizeof(st));
	snprintf(tmp, tmplen, "%s/detente-bundle-XXXXXX",
	    base != NULL && base[0] != '\0' ? base : "/tmp");
	if (mkdtemp(tmp) == NULL) {
		tmp[0] = '\0';
		f->code = DT_EIO;
		snprintf(f->detail, sizeof f->detail,
		    "cannot make a temporary directory: %s", strerror(errno));
		return DT_EIO;
	}
	rc = record_join(r, tmp, b, RECORD_IMPORT_HOLD_ALL, accept_join, NULL,
	    &st, f);
	u->total = st.total;
	if (rc != 0)
		return rc;
	return unplaced_check(u, *r, &st, f);
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
	char hex[2 * ENTRY_HASH_BYTES + 1], who[3 * KEY_NAME_MAX + 2 *
	    KEY_PK_BYTES + 4];
	const record_member *m;

	/* "FAILED:" stays English: scripts look for it. */
	fputs("FAILED: ", out);
	vis_put(out, f->detail[0] ? f->detail : _(dt_strerror(f->code)), 0);
	if (f->has_entry) {
		m = r != NULL ? record_member_find(r, f->author) : NULL;
		key_hex(who, f->author, KEY_PK_BYTES);
		if (m != NULL)
			vis_buf(who, sizeof(who), m->name, 0);
		key_hex(hex, f->hash, ENTRY_HASH_BYTES);
		fprintf(out, _(": author %s seq %llu hash %s"), who,
		    (unsigned long long)f->seq, hex);
	}
	if (f->has_expected) {
		key_hex(hex, f->expected, ENTRY_HASH_BYTES);
		fprintf(out, _(" expected %s"), hex);
	}
	fputc('\n', out);
}
