/*
 * fmt.c: entries as lines for people and as JSON objects for programs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <sodium.h>

#include "../crypto/keys.h"
#include "../crypto/note.h"
#include "../storage/entry.h"
#include "../storage/lang.h"
#include "../storage/record.h"
#include "../storage/seal.h"
#include "../storage/view.h"
#include "../storage/vis.h"
#include "fmt.h"
#include "i18n.h"

const char *
fmt_cells(char *out, size_t outlen, const char *s, size_t width)
{
	size_t n, w;
	int bad;

	if (outlen == 0)
		return out;
	/* s, cut at a character boundary when out is too small */
	for (n = 0; s[n] != '\0';) {
		size_t u = vis_char(s + n, &bad);

		if (n + u >= outlen)
			break;
		n += u;
	}
	memmove(out, s, n);
	out[n] = '\0';
	for (w = vis_width(out); w < width && n + 1 < outlen; w++)
		out[n++] = ' ';
	out[n] = '\0';
	return out;
}

const char *
fmt_lang(void)
{
	/*
	 * TRANSLATORS: the language tag of this translation (ru for
	 * Russian).  A title or a place given in this language is shown
	 * to the reader, and dates are written in it.
	 */
	const char *t = _("en");

	return strcmp(t, "ru") == 0 ? "ru" : "en";
}

const char *
fmt_date(char *out, size_t outlen, const char *ymd)
{
	return lang_date(out, outlen, ymd, fmt_lang());
}

/* mark() - " [tag]" after the text already in out, if it fits. */
static void
mark(char *out, size_t outlen, const char *tag)
{
	size_t n = strlen(out);

	if (tag != NULL && n + strlen(tag) + 4 <= outlen)
		snprintf(out + n, outlen - n, " [%s]", tag);
}

const char *
fmt_pick(char *out, size_t outlen, const json_t *p, const char *k,
    const char *mapk)
{
	const char *tag, *s = lang_pick(p, k, mapk, fmt_lang(), &tag);

	if (s == NULL)
		return NULL;
	vis_buf(out, outlen, s, 0);
	mark(out, outlen, tag);
	return out;
}

const char *
fmt_title(char *out, size_t outlen, const record *r)
{
	const char *tag, *s = record_title_in(r, fmt_lang(), &tag);

	vis_buf(out, outlen, s, 0);
	mark(out, outlen, tag);
	return out;
}

void
fmt_short(char out[FMT_SHORT_BYTES], const unsigned char hash[ENTRY_HASH_BYTES])
{
	key_hex(out, hash, 4);
}

/* utc() - split ms into a UTC struct tm and the milliseconds left. */
static void
utc(struct tm *tm, unsigned *msec, uint64_t ms)
{
	time_t t = (time_t)(ms / 1000U);

	*msec = (unsigned)(ms % 1000U);
	if (gmtime_r(&t, tm) == NULL)
		memset(tm, 0, sizeof(*tm));
}

void
fmt_time_iso(char out[FMT_TIME_BYTES], uint64_t ms)
{
	struct tm tm;
	unsigned msec;

	utc(&tm, &msec, ms);
	snprintf(out, FMT_TIME_BYTES, "%04d-%02d-%02dT%02d:%02d:%02d.%03uZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, msec);
}

/* fmt_local: see fmt_local_time(). */
static int fmt_local;

int
fmt_local_time(int on)
{
	int was = fmt_local;

	fmt_local = on;
	return was;
}

void
fmt_time(char out[FMT_TIME_BYTES], uint64_t ms)
{
	struct tm tm;
	unsigned msec;
	time_t t = (time_t)(ms / 1000U);

	if (fmt_local && localtime_r(&t, &tm) != NULL &&
	    strftime(out, FMT_TIME_BYTES, "%Y-%m-%d %H:%M %Z", &tm) > 0)
		return;
	utc(&tm, &msec, ms);
	snprintf(out, FMT_TIME_BYTES, "%04d-%02d-%02d %02d:%02dZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min);
}

void
fmt_author(char *out, size_t outlen, const view_item *it)
{
	char hex[17];

	char name[3 * KEY_NAME_MAX + 4];

	if (it->author_name[0] != '\0') {
		/* the name as the record has it: rendered by vis.h */
		snprintf(out, outlen, "%s (%s)", vis_buf(name, sizeof(name),
		    it->author_name, 0), it->party);
		return;
	}
	key_hex(hex, it->author, 8);
	snprintf(out, outlen, "%s", hex);
}

static const char *
str(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/*
 * utf8_prefix() - the number of bytes of s to show at most max bytes of
 * it without cutting a UTF-8 sequence in two.
 */
static int
utf8_prefix(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n <= max)
		return (int)n;
	while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--;
	return (int)max;
}

/*
 * target_label() - "1a2b3c4d (agenda: first words)" for a target; the
 * kind in the reader's language where the catalogue has its word (the
 * UI's kind labels: note, agenda, statement, ...), else as FORMAT.md
 * names it.
 */
static void
target_label(char *out, size_t outlen, const view_item *it,
    const char *lang)
{
	char s[FMT_SHORT_BYTES];
	const char *hex = str(it->payload, "target");
	const char *t;

	if (it->target == NULL) {
		snprintf(out, outlen, "%.8s", hex != NULL ? hex : "?");
		return;
	}
	fmt_short(s, it->target->hash);
	t = view_text(it->target, lang);
	if (t != NULL)
		snprintf(out, outlen, "%s (%s: %.*s%s)", s,
		    _(entry_kind_name(it->target->kind)), utf8_prefix(t, 60),
		    t, strlen(t) > 60 ? "..." : "");
	else
		snprintf(out, outlen, "%s (%s)", s,
		    _(entry_kind_name(it->target->kind)));
}

char *
fmt_unreadable(const view_item *it)
{
	char hex[2 * KEY_PK_BYTES + 1];
	char *out = NULL;

	key_hex(hex, it->author, KEY_PK_BYTES);
	hex[16] = '\0';
	if (asprintf(&out, _("[unreadable entry by %s: %s]"),
	    it->author_name[0] ? it->author_name : hex,
	    it->body == VIEW_BODY_REMOVED ?
	    _("written after its author's removal") :
	    it->body == VIEW_BODY_INVALID ?
	    _("content is not a valid payload of its kind") :
	    _("content does not decrypt")) < 0)
		return NULL;
	return out;
}

const char *
fmt_state(const char *state)
{
	static const struct {
		const char *state;
		const char *label; /* N_() */
	} labels[] = {
		{ "current", N_("current") },
		{ "discussed", N_("discussed") },
		{ "deferred", N_("deferred") },
		{ "closed", N_("closed") },
		{ "accepted", N_("accepted") },
		{ "in-progress", N_("in-progress") },
		{ "fulfilled", N_("fulfilled") },
		{ "withdrawn", N_("withdrawn") }
	};
	size_t i;

	for (i = 0; state != NULL && i < sizeof(labels) / sizeof(labels[0]);
	    i++)
		if (strcmp(state, labels[i].state) == 0)
			return _(labels[i].label);
	return state;
}

char *
fmt_summary(const view *v, const view_item *it, const char *lang)
{
	const json_t *p = it->payload, *x;
	const char *text = view_text(it, lang), *tt, *pl;
	char *out = NULL, tl[200], tb[640], pb[640];
	long long m = (long long)it->meeting;
	int n = -1;

	(void)v;
	/* another party's internal note: what it is, never its text */
	if (it->body == VIEW_BODY_LOCKED && view_item_internal(it)) {
		n = asprintf(&out, _("(internal note of %s: only its members "
		    "can read it)"), it->party[0] ? it->party : "?");
		return n < 0 ? NULL : out;
	}
	if (it->body == VIEW_BODY_LOCKED)
		return strdup(_("(encrypted: no key)"));
	if (it->body != VIEW_BODY_OK)
		return fmt_unreadable(it);
	switch (it->kind) {
	case ENTRY_K_GENESIS:
		tt = fmt_pick(tb, sizeof(tb), p, "title", "titles");
		n = asprintf(&out, _("dialogue \"%s\" opened"),
		    tt != NULL ? tt : "");
		break;
	case ENTRY_K_MEMBER_ADD:
		n = asprintf(&out, _("adds %s (%s, %s)"),
		    str(p, "name") ? str(p, "name") : "?",
		    str(p, "party") ? str(p, "party") : "?",
		    str(p, "role") ? str(p, "role") : "?");
		break;
	case ENTRY_K_MEMBER_REMOVE:
		n = asprintf(&out, _("removes %.16s"),
		    str(p, "key") ? str(p, "key") : "?");
		break;
	case ENTRY_K_KEY_WRAP:
		x = json_object_get(p, "wraps");
		if (it->flags & ENTRY_FLAG_INTERNAL)
			n = asprintf(&out, ngettext("internal key of %s %s "
			    "wrapped for %zu member", "internal key of %s %s "
			    "wrapped for %zu members", json_array_size(x)),
			    it->party[0] ? it->party : "?",
			    str(p, "key_id") ? str(p, "key_id") : "?",
			    json_array_size(x));
		else
			n = asprintf(&out, ngettext("dialogue key %s wrapped "
			    "for %zu member", "dialogue key %s wrapped for %zu "
			    "members", json_array_size(x)),
			    str(p, "key_id") ? str(p, "key_id") : "?",
			    json_array_size(x));
		break;
	case ENTRY_K_CHECKPOINT:
	case ENTRY_K_SEAL:
		n = asprintf(&out, "%s", str(p, "note") ? str(p, "note") : "");
		break;
	case ENTRY_K_MINUTES_SIG:
		n = asprintf(&out, _("signed the minutes of meeting %lld"), m);
		break;
	case ENTRY_K_MEETING_OPEN:
		/* the title and the place in the reader's language; the
		 * date stays YYYY-MM-DD, as every date of log and the
		 * UI's panes (docs/GLOSSARY.md) */
		tt = fmt_pick(tb, sizeof(tb), p, "title", "titles");
		pl = fmt_pick(pb, sizeof(pb), p, "place", "places");
		n = asprintf(&out, _("meeting %lld opened%s%s%s%s%s%s"), m,
		    tt ? ": " : "", tt ? tt : "", pl ? ", " : "", pl ? pl : "",
		    str(p, "date") ? ", " : "",
		    str(p, "date") ? str(p, "date") : "");
		break;
	case ENTRY_K_MEETING_CLOSE:
		n = asprintf(&out, _("meeting %lld closed"), m);
		break;
	case ENTRY_K_ATTENDANCE:
		n = asprintf(&out, _("meeting %lld: %zu present, %zu absent"),
		    m, json_array_size(json_object_get(p, "present")),
		    json_array_size(json_object_get(p, "absent")));
		break;
	case ENTRY_K_AGENDA_STATUS:
	case ENTRY_K_COMMITMENT_STATUS:
		target_label(tl, sizeof(tl), it, lang);
		n = asprintf(&out, _("%s is now %s"), tl,
		    str(p, "state") ? fmt_state(str(p, "state")) : "?");
		break;
	case ENTRY_K_ENDORSEMENT:
		target_label(tl, sizeof(tl), it, lang);
		n = asprintf(&out, _("endorses %s"), tl);
		break;
	case ENTRY_K_CORRECTION:
		target_label(tl, sizeof(tl), it, lang);
		n = asprintf(&out, _("corrects %s: %s"), tl, text ? text : "");
		break;
	case ENTRY_K_STATEMENT:
		n = asprintf(&out, "[%s] %s", str(p, "party") ?
		    str(p, "party") : "?", text ? text : "");
		break;
	case ENTRY_K_COMMITMENT:
		n = asprintf(&out, _("%s, owner %s, due %s: %s"),
		    str(p, "party") ? str(p, "party") : "?",
		    str(p, "owner") ? str(p, "owner") : "?",
		    str(p, "due") ? str(p, "due") : "?", text ? text : "");
		break;
	default:
		n = asprintf(&out, "%s", text ? text : "");
		break;
	}
	if (n < 0)
		return NULL;
	/* why a head removed a member or started a key epoch (--reason) */
	if ((it->kind == ENTRY_K_MEMBER_REMOVE ||
	    it->kind == ENTRY_K_KEY_WRAP) && str(p, "reason") != NULL) {
		char *with = NULL;

		n = asprintf(&with, "%s: %s", out, str(p, "reason"));
		free(out);
		return n < 0 ? NULL : with;
	}
	/* an internal note its party reads: marked as only theirs */
	if (view_item_internal(it)) {
		char *own = NULL;

		n = asprintf(&own, _("[%s only] %s"), it->party[0] ?
		    it->party : "?", out);
		free(out);
		if (n < 0)
			return NULL;
		out = own;
	}
	/* written after its own side's close: kept, flagged (late.h) */
	if (it->late) {
		char *late = NULL;

		n = asprintf(&late, _("[late: written into meeting %lld after "
		    "%s's side closed it] %s"), m, it->author_name[0] ?
		    it->author_name : "?", out);
		free(out);
		return n < 0 ? NULL : late;
	}
	return out;
}

/*
 * signer_name() - the name of the member whose key a seal's signature
 * line names ("detente/<dialogue>/<key>"), as the view knows it from an
 * entry of theirs; else the key's first 8 hex digits.
 */
static void
signer_name(char *out, size_t outlen, const view *v, const note_sig *sig)
{
	unsigned char pk[KEY_PK_BYTES];
	const view_item *it;
	size_t i, hexlen = 2 * KEY_PK_BYTES;
	char hex[2 * KEY_PK_BYTES + 1];

	if (sig->namelen < hexlen) {
		snprintf(out, outlen, "?");
		return;
	}
	memcpy(hex, sig->name + sig->namelen - hexlen, hexlen);
	hex[hexlen] = '\0';
	if (key_unhex(pk, sizeof(pk), hex) == 0)
		for (i = 0; v != NULL && i < view_nitems(v); i++) {
			it = view_item_at(v, i);
			if (it->author_name[0] != '\0' &&
			    memcmp(it->author, pk, KEY_PK_BYTES) == 0) {
				snprintf(out, outlen, "%s", it->author_name);
				return;
			}
		}
	snprintf(out, outlen, "%.8s", hex);
}

/*
 * note_line() - the one line of a checkpoint's or a seal's note.  The
 * key=value words stay English, as "OK:" and "FAILED:" do: scripts read
 * them, and they name the note's own fields.
 */
static char *
note_line(const view *v, const view_item *it)
{
	note_sig sigs[NOTE_SIGS_MAX];
	note_checkpoint cp;
	const char *note = str(it->payload, "note"), *text;
	char hex[2 * 32 + 1], names[NOTE_SIGS_MAX * 24], who[KEY_NAME_MAX + 1];
	size_t textlen, nsigs, i, len;
	seal_text st;
	char *out = NULL;
	int n = -1;

	if (note == NULL || note_open(&text, &textlen, sigs, &nsigs, note,
	    strlen(note)) != 0)
		return strdup(_("(a note that does not parse)"));
	if (it->kind == ENTRY_K_CHECKPOINT) {
		if (note_checkpoint_parse(&cp, text, textlen) != 0)
			return strdup(_("(a note that does not parse)"));
		key_hex(hex, cp.root, 8);
		n = asprintf(&out, "checkpoint size=%llu root=%s",
		    (unsigned long long)cp.size, hex);
		return n < 0 ? NULL : out;
	}
	if (seal_text_parse(&st, text, textlen) != 0)
		return strdup(_("(a note that does not parse)"));
	names[0] = '\0';
	for (i = 0; i < nsigs; i++) {
		signer_name(who, sizeof(who), v, &sigs[i]);
		len = strlen(names);
		snprintf(names + len, sizeof(names) - len, "%s%s",
		    i ? "," : "", who);
	}
	if (st.has_minutes)
		key_hex(hex, st.minutes, 4);
	else
		snprintf(hex, sizeof(hex), "-");
	n = asprintf(&out, "seal meeting=%llu minutes=%s feeds=%zu "
	    "signers=%s", (unsigned long long)st.meeting, hex, st.nfeeds,
	    names[0] ? names : "-");
	seal_text_done(&st);
	return n < 0 ? NULL : out;
}

char *
fmt_line(const view *v, const view_item *it, const char *lang)
{
	if ((it->kind == ENTRY_K_CHECKPOINT || it->kind == ENTRY_K_SEAL) &&
	    it->body == VIEW_BODY_OK)
		return note_line(v, it);
	return fmt_summary(v, it, lang);
}

/*
 * put_indented() - print s as vis_clean() renders it (line breaks kept,
 * every other control U+FFFD), indenting every line after the first.
 */
static void
put_indented(FILE *f, const char *s, const char *indent)
{
	char *c = vis_clean(s, VIS_NL), *p;

	if (c == NULL) {
		fputs("?", f);
		return;
	}
	for (p = c; *p != '\0'; p++) {
		fputc(*p, f);
		if (*p == '\n')
			fputs(indent, f);
	}
	free(c);
}

void
fmt_item(FILE *f, const view *v, const view_item *it, const char *lang)
{
	char t[FMT_TIME_BYTES], who[KEY_NAME_MAX + 24], s[FMT_SHORT_BYTES];
	char *sum;
	size_t i;

	fmt_time(t, it->time_ms);
	fmt_author(who, sizeof(who), it);
	fmt_short(s, it->hash);
	fprintf(f, "%s  %s  %-17s %s\n    ", t, s, entry_kind_name(it->kind),
	    who);
	if ((sum = fmt_line(v, it, lang)) != NULL)
		put_indented(f, sum, "    ");
	free(sum);
	fputc('\n', f);
	for (i = 0; i < it->ncorrections; i++) {
		const view_item *c = it->corrections[i];
		const char *ct = view_text(c, lang);

		fmt_short(s, c->hash);
		fmt_author(who, sizeof(who), c);
		fprintf(f, _("    ^ corrected by %s (%s): "), s, who);
		put_indented(f, ct ? ct : "", "      ");
		fputc('\n', f);
	}
	if (it->nendorsements > 0) {
		fputs(_("    ^ endorsed by"), f);
		for (i = 0; i < it->nendorsed; i++)
			fprintf(f, "%s %s", i ? "," : "", it->endorsed[i]);
		if (it->nendorsed == 0)
			fputs(_(" no head of delegation"), f);
		if (it->agreed)
			fputs(_(" (agreed)"), f);
		fputc('\n', f);
	}
}

json_t *
fmt_item_json(const view *v, const view_item *it, const char *lang)
{
	char hex[2 * KEY_PK_BYTES + 1], t[FMT_TIME_BYTES];
	const char *text = view_text(it, lang);
	json_t *o, *a;
	size_t i;

	(void)v;
	key_hex(hex, it->author, KEY_PK_BYTES);
	fmt_time_iso(t, it->time_ms);
	o = json_pack("{s:s,s:s,s:s?,s:s?,s:I,s:I,s:s,s:I,s:s,s:s?,s:O?,s:s}",
	    "hash", it->hex,
	    "author", hex,
	    "author_name", it->author_name[0] ? it->author_name : NULL,
	    "party", it->party[0] ? it->party : NULL,
	    "seq", (json_int_t)it->seq,
	    "clock", (json_int_t)it->clock,
	    "time", t,
	    "time_ms", (json_int_t)it->time_ms,
	    "kind", entry_kind_name(it->kind),
	    "text", text,
	    "payload", (json_t *)it->payload,
	    "body", it->body == VIEW_BODY_OK ? "ok" :
	    it->body == VIEW_BODY_LOCKED ? "locked" :
	    it->body == VIEW_BODY_INVALID ? "invalid" :
	    it->body == VIEW_BODY_REMOVED ? "removed" : "bad");
	if (o == NULL)
		return NULL;
	if (it->meeting >= 0)
		json_object_set_new(o, "meeting", json_integer(it->meeting));
	/* an internal note, or a party key wrap: for "party" only */
	if (it->flags & ENTRY_FLAG_INTERNAL)
		json_object_set_new(o, "internal", json_true());
	if (it->target != NULL)
		json_object_set_new(o, "target", json_string(it->target->hex));
	if (it->ncorrections > 0) {
		a = json_array();
		for (i = 0; i < it->ncorrections; i++)
			json_array_append_new(a,
			    json_string(it->corrections[i]->hex));
		json_object_set_new(o, "corrections", a);
	}
	if (it->nendorsements > 0) {
		a = json_array();
		for (i = 0; i < it->nendorsements; i++)
			json_array_append_new(a,
			    json_string(it->endorsements[i]->hex));
		json_object_set_new(o, "endorsements", a);
		a = json_array();
		for (i = 0; i < it->nendorsed; i++)
			json_array_append_new(a, json_string(it->endorsed[i]));
		json_object_set_new(o, "endorsed_by", a);
		json_object_set_new(o, "agreed", json_boolean(it->agreed));
	}
	return o;
}

int
fmt_print_json(FILE *f, const json_t *j)
{
	char *s = NULL;
	size_t len = 0;
	FILE *m;
	int rc = -1;

	/* malloc'd by libc (jansson's own allocator is payload.c's) */
	if ((m = open_memstream(&s, &len)) == NULL)
		return -1;
	if (json_dumpf(j, m, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0) {
		fclose(m);
		goto out;
	}
	if (fclose(m) != 0)
		goto out;
	/* jansson escapes C0 only: C1, DEL, bidi controls too (vis.h) */
	if (vis_json(&s, &len) == 0 && fwrite(s, 1, len, f) == len &&
	    fputc('\n', f) != EOF)
		rc = 0;
out:
	if (s != NULL)
		sodium_memzero(s, len);
	free(s);
	return rc;
}
