/*
 * cmd_audit.c: `detente audit <store|bundle>`: the offline audit of a
 * whole record, for someone who holds a copy and nothing else.
 *
 * A store directory is opened read-only and checked in one read
 * transaction: one frozen snapshot, whatever is appended meanwhile.  A
 * bundle, without the key, is read once without a store
 * (audit_stream_run(): a valid bundle in merged order).  When that pass
 * gives up, and with the key, the bundle is joined into a temporary store
 * (every signature checked on every core, all or nothing), audited
 * there, and the temporary store removed; every entry of the file must
 * be placed there, and each one that is not is named
 * (exchange_join_temp()).  Nothing is written to the home, or to the
 * store audited.
 *
 * The report names the dialogue and the heads' fingerprints it trusted
 * (--expect-dialogue pins the dialogue), the parties, the members and
 * their roles over time (in Lamport clock), every feed with its size and
 * Merkle root, checkpoints and seals and who signed them, fork evidence,
 * and, with the key, the commitments still open; then what was checked
 * and how, and "OK: ..." or "FAILED: ..." as `verify` prints them.
 *
 * Exit 0 valid; 1 verification failed (a tampered record or bundle, a
 * different dialogue than expected, an incomplete seal is not a failure
 * but is reported); 2 usage, or a file that cannot be read.
 */
#include <sys/stat.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "../crypto/err.h"
#include "../crypto/keys.h"
#include "../storage/audit_stream.h"
#include "../storage/bundle.h"
#include "../storage/entry.h"
#include "../storage/record.h"
#include "../storage/store.h"
#include "../storage/view.h"
#include "../storage/vis.h"
#include "cli.h"
#include "evidence.h"
#include "exchange.h"
#include "fmt.h"
#include "i18n.h"
#include "session.h"

/*
 * The bar appears once the audit has taken this long (seconds), so that
 * a quick audit prints none; DETENTE_PROGRESS_AFTER overrides it (the
 * tests set 0).
 */
#define PROGRESS_AFTER 0.3

struct feed_row {
	record_feed_info fi;
	uint64_t checkpoints;     /* checkpoint entries in the feed */
	uint64_t last_checkpoint; /* the size the latest one covers */
};

struct audit {
	struct cli_ctx *ctx;
	record *r;
	int json;
	int every_sig;
	int bundle;
	const char *source;
	/* a bundle: its count, and the entries the join could not place */
	struct exchange_unplaced u;
	/*
	 * A bundle audited in one pass (audit_stream.h): a.r has no store;
	 * else why the pass gave up and the bundle was joined instead.
	 */
	int streamed;
	char stream_why[200];
	/* feeds, as the walk finished them */
	struct feed_row *feeds;
	size_t nfeeds, capfeeds;
	/* progress on a terminal */
	int progress;
	double started;
	double after;
	int drawn;
};

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* progress_cb() - a bar on stderr, once the audit has taken a moment. */
static void
progress_cb(void *c, uint64_t done, uint64_t total)
{
	struct audit *a = c;
	char bar[31];
	unsigned fill, i;

	if (!a->progress || total == 0 || now_s() - a->started < a->after)
		return;
	if (done > total)
		done = total;
	fill = (unsigned)(done * 30U / total);
	for (i = 0; i < 30; i++)
		bar[i] = i < fill ? '#' : ' ';
	bar[30] = '\0';
	fprintf(stderr, _("\raudit: [%s] %3u%% %llu of %llu entries"), bar,
	    (unsigned)(done * 100U / total), (unsigned long long)done,
	    (unsigned long long)total);
	fflush(stderr);
	a->drawn = 1;
}

static void
progress_end(struct audit *a)
{
	if (a->drawn)
		fputs("\r\033[K", stderr);
	a->drawn = 0;
}

static int
feed_cb(void *c, const record_feed_info *fi)
{
	struct audit *a = c;
	struct feed_row *n;

	if (a->nfeeds == a->capfeeds) {
		size_t cap = a->capfeeds ? 2 * a->capfeeds : 8;

		if ((n = realloc(a->feeds, cap * sizeof *n)) == NULL)
			return DT_ENOMEM;
		a->feeds = n;
		a->capfeeds = cap;
	}
	memset(&a->feeds[a->nfeeds], 0, sizeof *a->feeds);
	a->feeds[a->nfeeds].fi = *fi;
	a->nfeeds++;
	return 0;
}

static void
restart_cb(void *c)
{
	struct audit *a = c;

	a->nfeeds = 0;
}

/* The checkpoint entries, counted per feed (the kinds index). */
struct ckpt_walk {
	struct audit *a;
	store_txn *t;
};

static int
ckpt_cb(void *c, const unsigned char *bytes, size_t len,
    const unsigned char hash[ENTRY_HASH_BYTES])
{
	struct ckpt_walk *w = c;
	entry e;
	size_t i;

	(void)hash;
	if (entry_parse(&e, bytes, len) != 0)
		return 0; /* the walk has reported it */
	/* written after its author's removal: a member fault, not counted */
	if (record_removed_writer(w->a->r, e.author, e.kind, e.clock))
		return 0;
	for (i = 0; i < w->a->nfeeds; i++)
		if (memcmp(w->a->feeds[i].fi.author, e.author,
		    KEY_PK_BYTES) == 0) {
			w->a->feeds[i].checkpoints++;
			if (e.seq > w->a->feeds[i].last_checkpoint)
				w->a->feeds[i].last_checkpoint = e.seq;
		}
	return 0;
}

/* The evidence of forks, as JSON objects or text lines. */
struct ev_walk {
	struct audit *a;
	json_t *arr;
	size_t n;
};

static int
ev_cb(void *c, const unsigned char *first, size_t flen,
    const unsigned char *second, size_t slen)
{
	struct ev_walk *w = c;
	char who[2 * KEY_PK_BYTES + 1], h1[2 * ENTRY_HASH_BYTES + 1];
	char h2[2 * ENTRY_HASH_BYTES + 1], nb[3 * KEY_NAME_MAX + 4];
	unsigned char d1[ENTRY_HASH_BYTES], d2[ENTRY_HASH_BYTES];
	const record_member *m;
	entry e;

	w->n++;
	entry_hash(d1, first, flen);
	entry_hash(d2, second, slen);
	key_hex(h1, d1, ENTRY_HASH_BYTES);
	key_hex(h2, d2, ENTRY_HASH_BYTES);
	if (entry_parse(&e, first, flen) != 0) {
		memset(&e, 0, sizeof e);
		who[0] = '\0';
	} else
		key_hex(who, e.author, KEY_PK_BYTES);
	m = who[0] ? record_member_find(w->a->r, e.author) : NULL;
	if (w->arr != NULL)
		json_array_append_new(w->arr, json_pack("{s:s,s:s,s:I,s:s,s:s}",
		    "author", who, "author_name", m ? m->name : "",
		    "seq", (json_int_t)e.seq, "first", h1, "second", h2));
	else
		fprintf(w->a->ctx->out, _("  fork: %s seq %llu: %s and %s\n"),
		    m ? vis_buf(nb, sizeof(nb), m->name, 0) : who,
		    (unsigned long long)e.seq, h1, h2);
	return 0;
}

static const char *
role_label(int role)
{
	switch (role) {
	case RECORD_ROLE_HEAD:
		return "head";
	case RECORD_ROLE_DELEGATE:
		return "delegate";
	default:
		return "observer";
	}
}

static const char *
member_name(const record *r, const unsigned char pk[KEY_PK_BYTES])
{
	const record_member *m = record_member_find(r, pk);

	return m != NULL ? m->name : "?";
}

/* failure_json() - the first failure, as verify says it. */
static json_t *
failure_json(const record *r, const record_failure *f)
{
	char hex[2 * ENTRY_HASH_BYTES + 1];
	json_t *o = json_pack("{s:i,s:s,s:s}", "code", f->code, "error",
	    _(dt_strerror(f->code)), "detail", f->detail[0] ? f->detail :
	    _(dt_strerror(f->code)));

	if (f->has_entry) {
		key_hex(hex, f->author, KEY_PK_BYTES);
		json_object_set_new(o, "author", json_string(hex));
		json_object_set_new(o, "author_name", json_string(r != NULL ?
		    member_name(r, f->author) : "?"));
		json_object_set_new(o, "seq", json_integer((json_int_t)f->seq));
		key_hex(hex, f->hash, ENTRY_HASH_BYTES);
		json_object_set_new(o, "hash", json_string(hex));
	}
	if (f->has_expected) {
		key_hex(hex, f->expected, ENTRY_HASH_BYTES);
		json_object_set_new(o, "expected", json_string(hex));
	}
	return o;
}

/* The members and their roles over time, and the heads trusted. */
static void
report_members(struct audit *a, json_t *o)
{
	const record *r = a->r;
	char fp[KEY_FINGERPRINT_BYTES], hex[2 * KEY_PK_BYTES + 1];
	char nb[3 * KEY_NAME_MAX + 4], c[4][3 * KEY_NAME_MAX + 32];
	json_t *heads = json_array(), *mem = json_array(), *parties = json_array();
	const record_member *m;
	size_t i;

	for (i = 0; i < record_nparties(r); i++) {
		json_array_append_new(parties, json_string(record_party(r, i)));
		if ((m = record_head_of(r, record_party(r, i))) == NULL)
			continue;
		key_fingerprint(fp, m->pk);
		key_hex(hex, m->pk, KEY_PK_BYTES);
		json_array_append_new(heads, json_pack("{s:s,s:s,s:s,s:s}",
		    "party", m->party, "name", m->name, "key", hex,
		    "fingerprint", fp));
		if (!a->json)
			fprintf(a->ctx->out, _("  head of %-4s %-20s %s\n"),
			    fmt_cells(c[0], sizeof(c[0]),
				vis_buf(c[1], sizeof(c[1]), m->party, 0), 4),
			    fmt_cells(c[2], sizeof(c[2]),
				vis_buf(nb, sizeof(nb), m->name, 0), 20),
			    fp);
	}
	if (!a->json)
		fprintf(a->ctx->out, _("members (clock: Lamport clock of the "
		    "entry that added or removed them):\n"));
	for (i = 0; i < record_nmembers(r); i++) {
		m = record_member_at(r, i);
		key_fingerprint(fp, m->pk);
		key_hex(hex, m->pk, KEY_PK_BYTES);
		json_array_append_new(mem, json_pack(
		    "{s:s,s:s,s:s,s:s,s:s,s:I,s:o}", "name", m->name,
		    "party", m->party, "role", role_label(m->role), "key", hex,
		    "fingerprint", fp, "added_clock",
		    (json_int_t)m->added_clock, "removed_clock",
		    m->removed_clock ? json_integer((json_int_t)
		    m->removed_clock) : json_null()));
		if (a->json)
			continue;
		/* columns in display cells (fmt_cells()), whatever script */
		fprintf(a->ctx->out, "  %-4s %-9s %-20s %s  ",
		    fmt_cells(c[0], sizeof(c[0]),
			vis_buf(c[1], sizeof(c[1]), m->party, 0), 4),
		    fmt_cells(c[3], sizeof(c[3]), _(role_label(m->role)), 9),
		    fmt_cells(c[2], sizeof(c[2]),
			vis_buf(nb, sizeof(nb), m->name, 0), 20),
		    fp);
		if (m->added_clock == 0)
			fputs(_("since the genesis"), a->ctx->out);
		else
			fprintf(a->ctx->out, _("added at clock %llu"),
			    (unsigned long long)m->added_clock);
		if (m->removed_clock != 0)
			fprintf(a->ctx->out, _(", removed at clock %llu"),
			    (unsigned long long)m->removed_clock);
		fputc('\n', a->ctx->out);
	}
	json_object_set_new(o, "parties", parties);
	json_object_set_new(o, "trusted_heads", heads);
	json_object_set_new(o, "members", mem);
}

static void
report_feeds(struct audit *a, json_t *o)
{
	char hex[2 * KEY_PK_BYTES + 1], root[2 * ENTRY_HASH_BYTES + 1];
	char nb[3 * KEY_NAME_MAX + 4], cb[3 * KEY_NAME_MAX + 32];
	json_t *arr = json_array();
	struct feed_row *f;
	size_t i;

	if (!a->json)
		fprintf(a->ctx->out, _("feeds: %zu\n"), a->nfeeds);
	for (i = 0; i < a->nfeeds; i++) {
		f = &a->feeds[i];
		key_hex(hex, f->fi.author, KEY_PK_BYTES);
		key_hex(root, f->fi.root, ENTRY_HASH_BYTES);
		json_array_append_new(arr, json_pack(
		    "{s:s,s:s,s:I,s:s,s:I,s:I,s:I}", "author", hex,
		    "name", member_name(a->r, f->fi.author),
		    "size", (json_int_t)f->fi.size, "root", root,
		    "checkpoints", (json_int_t)f->checkpoints,
		    "last_checkpoint_size", (json_int_t)f->last_checkpoint,
		    "covered_by_checkpoint", (json_int_t)f->fi.covered));
		if (a->json)
			continue;
		fprintf(a->ctx->out, _("  %-20s size %-8llu root %.16s...  "),
		    fmt_cells(cb, sizeof(cb),
			vis_buf(nb, sizeof(nb),
			    member_name(a->r, f->fi.author), 0),
			20),
		    (unsigned long long)f->fi.size, root);
		if (f->checkpoints == 0)
			fputs(_("no checkpoint"), a->ctx->out);
		else
			fprintf(a->ctx->out, ngettext("%llu checkpoint "
			    "signed by its author, at size %llu", "%llu "
			    "checkpoints signed by its author, the latest at "
			    "size %llu", f->checkpoints),
			    (unsigned long long)f->checkpoints,
			    (unsigned long long)f->last_checkpoint);
		fputc('\n', a->ctx->out);
	}
	json_object_set_new(o, "feeds", arr);
}

/*
 * report_seals() - each meeting's seal, as `verify` reports it (the walk
 * has just checked every seal entry, so no second check is needed).
 */
static void
report_seals(struct audit *a, json_t *o)
{
	json_t *arr = NULL;

	if (cli_seal_json(&arr, a->r, 0) != 0 && arr == NULL)
		arr = json_array();
	if (!a->json) {
		fprintf(a->ctx->out, _("seals: %zu\n"), json_array_size(arr));
		cli_seal_lines(a->ctx, a->r, 0);
	}
	json_object_set_new(o, "seals", arr);
}

/* The commitments still open, from a structural view (needs the key). */
static void
report_commitments(struct audit *a, json_t *o)
{
	view_window w;
	view *v = NULL;
	const view_commitment *c;
	json_t *arr;
	size_t i, open = 0;
	char b[3][640], cb[700];

	if (record_key(a->r) == NULL) {
		json_object_set_new(o, "open_commitments", json_null());
		if (!a->json)
			fputs(_("open commitments: not shown (content not "
			    "checked: no key)\n"), a->ctx->out);
		return;
	}
	memset(&w, 0, sizeof w);
	if (view_load_window(&v, a->r, &w, NULL) != 0) {
		json_object_set_new(o, "open_commitments", json_null());
		return;
	}
	arr = json_array();
	for (i = 0; i < view_ncommitments(v); i++)
		if (view_commitment_open(view_commitment_at(v, i)))
			open++;
	if (!a->json)
		fprintf(a->ctx->out, _("open commitments: %zu\n"), open);
	for (i = 0; i < view_ncommitments(v); i++) {
		char hex[2 * ENTRY_HASH_BYTES + 1];
		const char *text;

		c = view_commitment_at(v, i);
		if (!view_commitment_open(c))
			continue;
		text = view_text(c->entry, NULL);
		key_hex(hex, c->entry->hash, ENTRY_HASH_BYTES);
		json_array_append_new(arr, json_pack(
		    "{s:s,s:s,s:s,s:s,s:s,s:s,s:I}", "id", hex,
		    "party", c->party ? c->party : "",
		    "owner", c->owner ? c->owner : "",
		    "due", c->due ? c->due : "",
		    "state", c->state ? c->state : "open",
		    "text", text ? text : "",
		    "meeting", (json_int_t)c->meeting));
		if (!a->json) {
			/* fields and text as vis.h renders them */
			fprintf(a->ctx->out, "  %.8s %-4s %s, %s %s: ", hex,
			    fmt_cells(cb, sizeof(cb),
				vis_buf(b[0], sizeof(b[0]), c->party, 0), 4),
			    vis_buf(b[1], sizeof(b[1]), c->owner ? c->owner :
			    _("not named"), 0), _("due"),
			    vis_buf(b[2], sizeof(b[2]), c->due ? c->due : "-",
			    0));
			vis_put(a->ctx->out, text, 0);
			fputc('\n', a->ctx->out);
		}
	}
	json_object_set_new(o, "open_commitments", arr);
	view_free(v);
}

/* wait_json() - what a held entry waits for, as a JSON object. */
static json_t *
wait_json(const struct audit *a, const held_wait *w)
{
	char who[2 * KEY_PK_BYTES + 1], hex[2 * ENTRY_HASH_BYTES + 1];

	key_hex(who, w->author, KEY_PK_BYTES);
	key_hex(hex, w->hash, ENTRY_HASH_BYTES);
	return json_pack("{s:s,s:s,s:s,s:I,s:I,s:s,s:b}", "what",
	    w->what == HELD_WAITS_PREV ? "previous" :
	    w->what == HELD_WAITS_REF ? "reference" : "nothing",
	    "author", who, "author_name", member_name(a->r, w->author),
	    "seq", (json_int_t)w->seq, "last_seq", (json_int_t)w->last,
	    "hash", hex, "also_not_placed", w->held != 0);
}

/*
 * report_file() - a bundle's entries: how many the file has, how many
 * were placed, and each one that was not, with what it waits for.
 */
static void
report_file(struct audit *a, json_t *o)
{
	char hex[2 * ENTRY_HASH_BYTES + 1], who[2 * KEY_PK_BYTES + 1];
	char what[256];
	const struct exchange_unplaced *u = &a->u;
	const held_info *h;
	json_t *arr = json_array();
	size_t i;

	for (i = 0; i < u->nheld; i++) {
		h = &u->held[i];
		key_hex(who, h->author, KEY_PK_BYTES);
		key_hex(hex, h->hash, ENTRY_HASH_BYTES);
		exchange_wait_text(what, sizeof what, a->r, h, 1);
		json_array_append_new(arr, json_pack(
		    "{s:s,s:s,s:I,s:s,s:I,s:s,s:o,s:s}", "author", who,
		    "author_name", member_name(a->r, h->author),
		    "seq", (json_int_t)h->seq, "hash", hex,
		    "clock", (json_int_t)h->clock, "kind",
		    entry_kind_name(h->kind), "waits_for", wait_json(a, &h->wait),
		    "detail", what));
	}
	json_object_set_new(o, "file", json_pack("{s:I,s:I,s:I,s:o}",
	    "entries", (json_int_t)u->total, "placed", (json_int_t)u->placed,
	    "not_placed", (json_int_t)(u->total - u->placed),
	    "not_placed_entries", arr));
	if (!a->json)
		exchange_unplaced_lines(a->ctx->out, a->r, u,
		    EXCHANGE_UNPLACED_SHOWN);
}

/*
 * open_bundle() - join the bundle into a temporary store under tmp
 * (exchange_join_temp()); the reader is closed before it returns.  An
 * entry of the file that is not placed fails, with a->r open and a->u
 * naming every such entry.
 */
static int
open_bundle(struct audit *a, char *tmp, size_t tmplen, record_failure *f)
{
	bundle_reader *br = NULL;
	const char *why = NULL;
	int rc;

	if ((rc = bundle_reader_open_path(&br, a->source, 0, &why)) != 0) {
		snprintf(f->detail, sizeof f->detail, "%s",
		    why != NULL ? why : _(dt_strerror(rc)));
		f->code = rc;
		/*
		 * A file stat() found a moment ago that cannot be opened is
		 * an I/O error: DT_ENOENT from the join means no genesis.
		 */
		return rc == DT_ENOENT ? DT_EIO : rc;
	}
	rc = exchange_join_temp(&a->r, tmp, tmplen, br, &a->u, f);
	bundle_reader_close(br);
	return rc;
}

/*
 * report_faults() - the member faults the walk met (with a key), each
 * with its author; nothing of their content.
 */
static void
report_faults(struct audit *a, json_t *o)
{
	char hex[2 * KEY_PK_BYTES + 1], hash[2 * ENTRY_HASH_BYTES + 1];
	const record_fault *fv;
	json_t *arr;
	size_t i, n;

	fv = record_faults(a->r, &n);
	/* without a key, only faults read on headers (FAULT_REMOVED) */
	if (record_key(a->r) == NULL && n == 0)
		return;
	arr = a->json ? json_array() : NULL;
	if (!a->json)
		fputs(_("member faults (content its author signed that does "
		    "not decrypt or is not a payload of its kind):\n"),
		    a->ctx->out);
	for (i = 0; i < n; i++) {
		if (!a->json) {
			exchange_fault_line(a->ctx->out, "  ", a->r, &fv[i]);
			continue;
		}
		key_hex(hex, fv[i].author, KEY_PK_BYTES);
		key_hex(hash, fv[i].hash, ENTRY_HASH_BYTES);
		json_array_append_new(arr, json_pack("{s:s,s:I,s:s,s:s,s:s}",
		    "author", hex, "seq", (json_int_t)fv[i].seq, "kind",
		    entry_kind_name(fv[i].kind), "hash", hash, "reason",
		    exchange_fault_reason(fv[i].reason)));
	}
	if (!a->json && n == 0)
		fputs(_("  none\n"), a->ctx->out);
	if (arr != NULL)
		json_object_set_new(o, "member_faults", arr);
}

/*
 * report_evidence() - whom the forks and member faults are against:
 * one line per member, with party and fingerprint (evidence.h); the
 * sum stays in ev for the exit status.
 */
static void
report_evidence(struct audit *a, json_t *o, evidence_sum *ev)
{
	const record_fault *fv;
	size_t n = 0;

	fv = record_key(a->r) != NULL ? record_faults(a->r, &n) : NULL;
	if (evidence_gather(ev, a->r, fv, n) != 0) {
		evidence_done(ev);
		return;
	}
	if (a->json) {
		json_object_set_new(o, "evidence_against",
		    evidence_members_json(a->r, ev));
		return;
	}
	fputs(_("evidence against members:\n"), a->ctx->out);
	if (!evidence_any(ev))
		fputs(_("  none\n"), a->ctx->out);
	evidence_print_members(a->ctx->out, "  ", a->r, ev);
}

/*
 * stream_bundle() - the bundle in one pass (audit_stream_run()); on
 * success a->r is its record (no store), a->feeds its feeds and st what
 * was checked how; else a->stream_why says why not, and nothing is set.
 */
static void
stream_bundle(struct audit *a, record_stats *st)
{
	audit_stream_result res;
	record_feed_info fi;
	size_t i;

	if (audit_stream_run(&res, a->source, a->every_sig ?
	    AUDIT_STREAM_EVERY_SIG : 0, progress_cb, a) != 0) {
		snprintf(a->stream_why, sizeof a->stream_why, "%s",
		    res.why[0] ? res.why : "gave up");
		audit_stream_done(&res);
		progress_end(a);
		return;
	}
	for (i = 0; i < res.nfeeds; i++) {
		memset(&fi, 0, sizeof fi);
		memcpy(fi.author, res.feeds[i].author, KEY_PK_BYTES);
		fi.size = res.feeds[i].size;
		fi.has_root = 1;
		memcpy(fi.root, res.feeds[i].root, ENTRY_HASH_BYTES);
		fi.covered = res.feeds[i].covered;
		if (feed_cb(a, &fi) != 0) {
			snprintf(a->stream_why, sizeof a->stream_why,
			    "out of memory");
			a->nfeeds = 0;
			audit_stream_done(&res);
			progress_end(a);
			return;
		}
		a->feeds[a->nfeeds - 1].checkpoints = res.feeds[i].checkpoints;
		a->feeds[a->nfeeds - 1].last_checkpoint =
		    res.feeds[i].checkpoints ? res.feeds[i].covered : 0;
	}
	a->r = res.r;
	res.r = NULL;
	*st = res.st;
	a->u.total = a->u.placed = res.count;
	a->streamed = 1;
	audit_stream_done(&res);
	progress_end(a);
}

static int
run(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "key-file", required_argument, NULL, 'K' },
		{ "no-key", no_argument, NULL, 'k' },
		{ "json", no_argument, NULL, 'j' },
		{ "expect-dialogue", required_argument, NULL, 'e' },
		{ "every-signature", no_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 }
	};
	struct audit a;
	record_walk_hooks hooks;
	record_failure f;
	record_stats st;
	evidence_sum ev;
	struct stat sb;
	char tmp[PATH_MAX] = "", hex[2 * ENTRY_HASH_BYTES + 1], tb[640];
	const char *keyfile = NULL, *expect = NULL;
	json_t *o = NULL, *checks;
	unsigned flags;
	int c, rc, ret = CLI_OK, no_key = 0;

	memset(&a, 0, sizeof a);
	memset(&f, 0, sizeof f);
	memset(&st, 0, sizeof st);
	memset(&ev, 0, sizeof ev);
	a.ctx = ctx;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'K':
			keyfile = optarg;
			break;
		case 'k':
			no_key = 1;
			break;
		case 'j':
			a.json = 1;
			break;
		case 'e':
			expect = optarg;
			break;
		case 's':
			a.every_sig = 1;
			break;
		default:
			return cli_opt_error(ctx, &cmd_audit, c, argv);
		}
	}
	if (optind + 1 != argc)
		return cli_bad_usage(ctx, &cmd_audit, optind >= argc ?
		    _("name a store directory or a bundle file") :
		    _("unexpected argument"), optind >= argc ? NULL :
		    argv[optind + 1]);
	if (keyfile != NULL && no_key)
		return cli_bad_usage(ctx, &cmd_audit,
		    _("--key-file and --no-key exclude each other"), NULL);
	a.source = argv[optind];
	if (stat(a.source, &sb) != 0) {
		cli_error(ctx, _("cannot read"), a.source,
		    _("name a store directory or a bundle file"));
		return CLI_USAGE;
	}
	a.bundle = !S_ISDIR(sb.st_mode);
	a.progress = isatty(2);
	a.started = now_s();
	a.after = getenv("DETENTE_PROGRESS_AFTER") != NULL ?
	    atof(getenv("DETENTE_PROGRESS_AFTER")) : PROGRESS_AFTER;
	/*
	 * A bundle without the key: one pass, no store, when the pass can
	 * decide (a valid bundle); else, and for any failure, the join into
	 * a temporary store, which names what is wrong as it always has.
	 */
	if (a.bundle && keyfile == NULL && getenv("DETENTE_AUDIT_JOIN") == NULL)
		stream_bundle(&a, &st);
	if (a.streamed)
		rc = 0;
	else if (a.bundle)
		rc = open_bundle(&a, tmp, sizeof tmp, &f);
	else {
		char data[PATH_MAX];

		snprintf(data, sizeof data, "%s/data.mdb", a.source);
		if (stat(data, &sb) != 0) {
			cli_error(ctx, _("not a dialogue store (no data.mdb)"),
			    a.source, _("name the directory of one dialogue, "
			    "or a bundle file"));
			return CLI_USAGE;
		}
		rc = record_open_snapshot(&a.r, a.source);
		if (rc != 0) {
			f.code = rc;
			snprintf(f.detail, sizeof f.detail,
			    "the store does not open: %s", _(dt_strerror(rc)));
		} else if (record_last_failure(a.r)->code != 0) {
			f = *record_last_failure(a.r);
			rc = f.code;
		}
	}
	if (rc != 0) {
		/* A damaged or malformed bundle fails, as for every command. */
		if (a.bundle ? exchange_import_exit(rc) != CLI_FAIL :
		    cli_exit_for(rc) != CLI_FAIL && rc != DT_ENOENT) {
			cli_error_rc(ctx, a.bundle ? _("cannot read the bundle") :
			    _("cannot read the store"), rc, a.source,
			    f.detail[0] ? f.detail : NULL);
			ret = CLI_USAGE;
			goto out;
		}
		goto report;
	}
	if (expect != NULL && !exchange_expect_dialogue(a.r, expect)) {
		key_hex(hex, record_id(a.r), ENTRY_HASH_BYTES);
		f.code = DT_EDIALOGUE;
		snprintf(f.detail, sizeof f.detail,
		    "the dialogue is %s, not the expected %s", hex, expect);
		goto report;
	}
	if (keyfile != NULL && (ret = session_unlock_file(ctx, a.r,
	    keyfile)) != CLI_OK)
		goto out;
	flags = RECORD_VERIFY_NO_INDEXES |
	    (a.every_sig ? 0U : RECORD_VERIFY_CHECKPOINTS) |
	    (record_key(a.r) != NULL ? RECORD_VERIFY_KEY : 0U);
	memset(&hooks, 0, sizeof hooks);
	hooks.progress = progress_cb;
	hooks.feed = feed_cb;
	hooks.restart = restart_cb;
	hooks.ctx = &a;
	rc = a.streamed ? 0 : record_audit_walk(a.r, flags, &hooks, &st, &f);
	progress_end(&a);
	if (rc != 0 && f.code == 0) {
		cli_error_rc(ctx, _("cannot audit"), rc, a.source, NULL);
		ret = CLI_USAGE;
		goto out;
	}
report:
	o = json_object();
	json_object_set_new(o, "source", json_pack("{s:s,s:s}", "type",
	    a.bundle ? "bundle" : "store", "path", a.source));
	if (a.r != NULL) {
		key_hex(hex, record_id(a.r), ENTRY_HASH_BYTES);
		json_object_set_new(o, "dialogue", json_pack("{s:s,s:s}",
		    "id", hex, "title", record_title(a.r) ?
		    record_title(a.r) : ""));
		if (!a.json) {
			fprintf(ctx->out, _("audit of %s %s\n"), a.bundle ?
			    _("bundle") : _("store"), vis_buf(tb, sizeof(tb),
			    a.source, 0));
			fprintf(ctx->out, _("dialogue %s \"%s\"\n"), hex,
			    vis_buf(tb, sizeof(tb), record_title(a.r), 0));
			fprintf(ctx->out, _("trusted, from the genesis%s:\n"),
			    expect != NULL && f.code != DT_EDIALOGUE ?
			    _(" (the dialogue pinned by --expect-dialogue)") :
			    "");
		}
		report_members(&a, o);
		if (f.code == 0 && a.streamed) {
			/* one pass, no store: no fork in it (it would fail) */
			report_feeds(&a, o);
			report_seals(&a, o);
			if (!a.json) {
				fputs(_("fork evidence:\n"), ctx->out);
				fputs(_("  none\n"), ctx->out);
			} else
				json_object_set_new(o, "evidence", json_array());
			report_faults(&a, o);
			report_evidence(&a, o, &ev);
			report_commitments(&a, o);
		} else if (f.code == 0) {
			store_txn *t = NULL;

			if (store_txn_begin(&t, record_store(a.r), 0) == 0) {
				struct ckpt_walk cw = { &a, t };
				struct ev_walk ew = { &a, NULL, 0 };

				(void)store_scan_kind(t, ENTRY_K_CHECKPOINT,
				    NULL, ckpt_cb, &cw);
				report_feeds(&a, o);
				report_seals(&a, o);
				ew.arr = a.json ? json_array() : NULL;
				if (!a.json)
					fputs(_("fork evidence:\n"), ctx->out);
				(void)store_evidence_scan(t, ev_cb, &ew);
				if (!a.json && ew.n == 0)
					fputs(_("  none\n"), ctx->out);
				if (ew.arr != NULL)
					json_object_set_new(o, "evidence",
					    ew.arr);
				store_txn_abort(t);
			}
			report_faults(&a, o);
			report_evidence(&a, o, &ev);
			report_commitments(&a, o);
		}
	}
	checks = json_pack("{s:s,s:I,s:I,s:b,s:b,s:I,s:b}", "signatures",
	    a.bundle && !a.streamed ? "every (bundle import)" :
	    a.every_sig ? "every" : "checkpoint", "checked_by_signature", (json_int_t)st.sig_checked,
	    "checked_by_checkpoint_root", (json_int_t)st.root_checked,
	    "fallback", st.fallback != 0, "content_checked",
	    a.r != NULL && record_key(a.r) != NULL,
	    "decrypted", (json_int_t)st.decrypted, "indexes_checked", 0);
	if (a.bundle)
		json_object_set_new(checks, "bundle_pass", json_pack("{s:s,s:s?}",
		    "how", a.streamed ? "one pass" : "temporary store",
		    "gave_up", a.stream_why[0] ? a.stream_why : NULL));
	json_object_set_new(o, "checks", checks);
	json_object_set_new(o, "entries", json_integer((json_int_t)
	    st.entries));
	json_object_set_new(o, "feeds_count", json_integer((json_int_t)
	    st.feeds));
	json_object_set_new(o, "ok", json_boolean(f.code == 0));
	if (f.code != 0)
		json_object_set_new(o, "failure", failure_json(a.r, &f));
	if (a.bundle && a.r != NULL)
		report_file(&a, o);
	if (a.json)
		fmt_print_json(ctx->out, o);
	else {
		if (a.r != NULL && f.code == 0) {
			fputs(_("checks:\n"), ctx->out);
			if (a.streamed)
				fputs(_("  bundle: read once, in merged order, "
				    "without a store\n"), ctx->out);
			else if (a.bundle)
				fputs(_("  signatures: every entry's, when the "
				    "bundle was read\n"), ctx->out);
			fprintf(ctx->out, ngettext("  %llu entry by its own "
			    "signature, %llu by their feed's signed "
			    "checkpoint (Merkle root recomputed)%s\n",
			    "  %llu entries by their own "
			    "signature, %llu by their feed's signed "
			    "checkpoint (Merkle root recomputed)%s\n",
			    st.sig_checked),
			    (unsigned long long)st.sig_checked,
			    (unsigned long long)st.root_checked,
			    a.every_sig || (a.bundle && !a.streamed) ? "" :
			    _("; --every-signature checks each"));
			if (record_key(a.r) != NULL)
				fprintf(ctx->out, ngettext("  content: %llu "
				    "entry decrypted and checked\n",
				    "  content: %llu entries decrypted and "
				    "checked\n", st.decrypted),
				    (unsigned long long)st.decrypted);
			else
				fputs(_("  content: not checked (no key; "
				    "give --key-file)\n"), ctx->out);
			fputs(_("  this replica's own indexes: not checked "
			    "(`detente verify` does)\n"), ctx->out);
		}
		if (f.code == 0) {
			fputs("OK: ", ctx->out);
			fprintf(ctx->out, ngettext("%llu entry",
			    "%llu entries", (unsigned long)st.entries),
			    (unsigned long long)st.entries);
			fprintf(ctx->out, ngettext(" in %llu feed",
			    " in %llu feeds", (unsigned long)st.feeds),
			    (unsigned long long)st.feeds);
			fprintf(ctx->out, "%s\n", record_key(a.r) == NULL ?
			    _(" (content not checked: no key)") : "");
		} else
			exchange_failure_line(ctx->out, a.r, &f);
	}
	ret = f.code != 0 ? CLI_FAIL : a.r != NULL && (st.faults > 0 ||
	    evidence_any(&ev)) ? CLI_EVIDENCE : CLI_OK;
out:
	evidence_done(&ev);
	json_decref(o);
	exchange_temp_done(a.r, tmp);
	exchange_unplaced_free(&a.u);
	free(a.feeds);
	return ret;
}

const struct cli_cmd cmd_audit = {
	"audit", N_("<store|bundle> [--key-file K | --no-key] [--json] "
	    "[--expect-dialogue ID] [--every-signature]"),
	N_("check a whole record offline, from a store or a bundle"),
	N_("Opens a dialogue's store directory read-only (one frozen\n"
	   "snapshot), or reads a bundle once, without a store (joining it\n"
	   "into a temporary store when that pass cannot accept it, or with\n"
	   "--key-file), and checks every entry.  Every entry of a bundle\n"
	   "must be placed: one that waits for an entry the file does not\n"
	   "carry is named, with what it waits for, and fails the audit.\n"
	   "Entries covered by their feed's signed checkpoint\n"
	   "are checked by recomputing the Merkle root; --every-signature\n"
	   "checks each entry's own signature too.  --key-file K (an\n"
	   "identity file of a member) also decrypts and checks every\n"
	   "content entry; without it content is not checked, and the\n"
	   "report says so.  --expect-dialogue ID (16 or more hex digits)\n"
	   "fails unless the record is that dialogue.\n"
	   "A content entry whose author signed content that does not\n"
	   "decrypt, or is not a payload of its kind, is a member fault:\n"
	   "listed under \"member faults\" with its author (with a key).\n"
	   "So is an entry written after its author's removal (without\n"
	   "a key too).\n"
	   "Forks the store keeps are listed under \"fork evidence\"; then\n"
	   "\"evidence against members\" names each member concerned, with\n"
	   "party and fingerprint.\n"
	   "Exit 0 valid, 1 verification failed, 2 usage or unreadable,\n"
	   "3 valid, with evidence against members (forks or member\n"
	   "faults).\n"),
	run
};
