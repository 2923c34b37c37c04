/*
 * cmd_add.c: `detente add agenda|note|statement|proposal|decision|commitment`.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <sodium.h>

#include "../storage/entry.h"
#include "../storage/payload.h"
#include "../storage/record.h"
#include "../storage/view.h"
#include "../storage/vis.h"
#include "cli.h"
#include "commit_parse.h"
#include "i18n.h"
#include "session.h"
#include "textin.h"

#define MAX_TR 8

static const struct {
	const char *name;
	unsigned kind;
} kinds[] = {
	{ "agenda", ENTRY_K_AGENDA },
	{ "note", ENTRY_K_NOTE },
	{ "statement", ENTRY_K_STATEMENT },
	{ "proposal", ENTRY_K_PROPOSAL },
	{ "decision", ENTRY_K_DECISION },
	{ "commitment", ENTRY_K_COMMITMENT },
	{ NULL, 0 }
};

/* What the options said. */
struct add_opts {
	unsigned kind;
	long long meeting;         /* 0: default */
	const char *item;
	int no_item;
	const char *lang;
	char *tr[MAX_TR];
	size_t ntr;
	const char *party;
	const char *owner;
	const char *due;
	int internal;              /* --internal: a note for the own party */
	char due_buf[11];          /* --due as YYYY-MM-DD (commit_parse.h) */
};

/* parse() - options after the kind; *first is the first text word. */
static int
parse(struct cli_ctx *ctx, struct add_opts *o, int argc, char **argv,
    int *first)
{
	static const struct option opts[] = {
		{ "meeting", required_argument, NULL, 'm' },
		{ "item", required_argument, NULL, 'i' },
		{ "no-item", no_argument, NULL, 'n' },
		{ "lang", required_argument, NULL, 'l' },
		{ "tr", required_argument, NULL, 't' },
		{ "party", required_argument, NULL, 'p' },
		{ "owner", required_argument, NULL, 'o' },
		{ "due", required_argument, NULL, 'd' },
		{ "internal", no_argument, NULL, 'I' },
		{ NULL, 0, NULL, 0 }
	};
	const char *bad;
	struct tm today;
	time_t now;
	int c;

	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			if (cli_parse_count(optarg, &o->meeting) != 0)
				return cli_bad_usage(ctx, &cmd_add,
				    _("not a meeting number"), optarg);
			break;
		case 'i':
			o->item = optarg;
			break;
		case 'n':
			o->no_item = 1;
			break;
		case 'l':
			if (!textin_lang_valid(optarg))
				return cli_bad_usage(ctx, &cmd_add,
				    _("not a language tag (2 to 8 lower-case "
				    "letters, e.g. en, ru)"), optarg);
			o->lang = optarg;
			break;
		case 't':
			if (o->ntr == MAX_TR)
				return cli_bad_usage(ctx, &cmd_add,
				    _("too many translations"), optarg);
			o->tr[o->ntr++] = optarg;
			break;
		case 'p':
			/* any case; checked against the parties in run() */
			o->party = optarg;
			break;
		case 'o':
			if (cli_field(ctx, &cmd_add, "--owner", optarg,
			    PAYLOAD_OWNER_MAX) != CLI_OK)
				return CLI_USAGE;
			o->owner = optarg;
			break;
		case 'd':
			now = time(NULL);
			gmtime_r(&now, &today);
			if ((bad = cparse_due(o->due_buf, optarg,
			    strlen(optarg), &today)) != NULL)
				return cli_bad_usage(ctx, &cmd_add, _(bad),
				    optarg);
			o->due = o->due_buf;
			break;
		case 'I':
			o->internal = 1;
			break;
		default:
			return cli_opt_error(ctx, &cmd_add, c, argv);
		}
	}
	if (o->kind == ENTRY_K_AGENDA && (o->item != NULL || o->no_item))
		return cli_bad_usage(ctx, &cmd_add,
		    _("an agenda item takes no --item"), NULL);
	if (o->item != NULL && o->no_item)
		return cli_bad_usage(ctx, &cmd_add,
		    _("--item and --no-item exclude each other"), NULL);
	if (o->party != NULL && o->kind != ENTRY_K_STATEMENT &&
	    o->kind != ENTRY_K_COMMITMENT)
		return cli_bad_usage(ctx, &cmd_add,
		    _("--party is for statements and commitments"), NULL);
	if ((o->owner != NULL || o->due != NULL) &&
	    o->kind != ENTRY_K_COMMITMENT)
		return cli_bad_usage(ctx, &cmd_add,
		    _("--owner and --due are for commitments"), NULL);
	if (o->internal && o->kind != ENTRY_K_NOTE)
		return cli_bad_usage(ctx, &cmd_add,
		    _("--internal is for notes"), NULL);
	*first = optind;
	return CLI_OK;
}

/* me_party() - the writer's party, or NULL. */
static const char *
me_party(struct cli_ctx *ctx)
{
	const record_member *me = record_member_find(ctx->rec, ctx->id->pk);

	return me != NULL ? me->party : NULL;
}

/*
 * pick_meeting() - the meeting an entry goes to: --meeting M (an opened
 * meeting; for agenda also the next one), else the open meeting, else
 * (agenda only) the next meeting.
 */
static int
pick_meeting(struct cli_ctx *ctx, const view *v, const struct add_opts *o,
    long long *out)
{
	const char *party = me_party(ctx);
	const view_meeting *cur = view_current_meeting_for(v, party);
	const view_meeting *last = view_last_meeting(v), *m;
	long long next = last != NULL ? last->number + 1 : 1;
	char num[32], what[128];

	if (o->meeting != 0) {
		if ((m = view_meeting_find(v, o->meeting)) != NULL &&
		    view_meeting_closed_by(v, m, party) != NULL) {
			/* the record would refuse it as late (late.h) */
			snprintf(what, sizeof(what),
			    _("meeting %lld is closed by your side (%s)"),
			    o->meeting, party);
			cli_error(ctx, what, NULL,
			    _("nothing was written; write in an open meeting, "
			    "or open the next one with `detente meeting "
			    "open`"));
			return CLI_FAIL;
		}
		if (m != NULL ||
		    (o->kind == ENTRY_K_AGENDA && o->meeting == next)) {
			*out = o->meeting;
			return CLI_OK;
		}
		snprintf(num, sizeof(num), "%lld", o->meeting);
		cli_error(ctx, _("no such meeting"), num,
		    o->kind == ENTRY_K_AGENDA ?
		    _("give an opened meeting or the next one") :
		    _("see `detente meeting list`"));
		return CLI_USAGE;
	}
	if (cur != NULL)
		*out = cur->number;
	else if (o->kind == ENTRY_K_AGENDA)
		*out = next;
	else {
		cli_error(ctx, _("no meeting is open"), NULL,
		    _("open one with `detente meeting open`, or give "
		    "--meeting M"));
		return CLI_FAIL;
	}
	return CLI_OK;
}

/*
 * add_view() - what add needs from the record: its meetings and agenda
 * (with statuses), read through the kinds index so that the cost does
 * not grow with the notes, and the --item entry if one was given.
 */
static int
add_view(struct cli_ctx *ctx, const struct add_opts *o, view **v,
    const view_item **item)
{
	static const unsigned keep[] = { ENTRY_K_MEETING_OPEN,
		ENTRY_K_MEETING_CLOSE, ENTRY_K_AGENDA, ENTRY_K_AGENDA_STATUS };
	view_window w;
	size_t i;

	memset(&w, 0, sizeof(w));
	/* no window: the deferred kinds are left out altogether */
	w.defer = ~(uint64_t)0;
	for (i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
		w.defer &= ~VIEW_KIND(keep[i]);
	if (o->item != NULL)
		return session_view_for(ctx, o->item, &w, v, item);
	return session_view_window(ctx, &w, v);
}

/*
 * resolve_party() - o->party as the genesis spells it (any case is
 * accepted: commit_parse.h), or a usage error naming the parties.
 */
static int
resolve_party(struct cli_ctx *ctx, struct add_opts *o)
{
	const char *list[16], *found = NULL;
	char names[16 * (PAYLOAD_PARTY_MAX + 2)] = "", hint[sizeof(names) + 64];
	size_t n = record_nparties(ctx->rec), i;

	if (n > sizeof(list) / sizeof(list[0]))
		n = sizeof(list) / sizeof(list[0]);
	for (i = 0; i < n; i++) {
		list[i] = record_party(ctx->rec, i);
		if (i > 0)
			strcat(names, ", ");
		strncat(names, list[i], PAYLOAD_PARTY_MAX);
	}
	if (cparse_party(&found, o->party, strlen(o->party), list, n) !=
	    NULL) {
		snprintf(hint, sizeof(hint), _("give one of: %s"), names);
		cli_error(ctx, _("not a party of this dialogue"), o->party,
		    hint);
		return CLI_USAGE;
	}
	o->party = found;
	return CLI_OK;
}

/*
 * run() - `add KIND ...`: check the options, pick the meeting and
 * agenda item, read the text, and append one content entry.
 */
static int
run(struct cli_ctx *ctx, int argc, char **argv)
{
	struct add_opts o;
	const view_meeting *cur;
	const view_agenda *ca;
	const view_item *item = NULL;
	const record_member *me;
	const char *party = NULL, *bad;
	long long meeting = 0;
	json_t *p = NULL, *text = NULL;
	char *body = NULL;
	view *v = NULL;
	int ret, first = 0, i;

	memset(&o, 0, sizeof(o));
	if (argc < 2 || argv[1][0] == '-')
		return cli_bad_usage(ctx, &cmd_add, _("missing kind (agenda, "
		    "note, statement, proposal, decision, commitment)"), NULL);
	for (i = 0; kinds[i].name != NULL; i++)
		if (strcmp(kinds[i].name, argv[1]) == 0)
			o.kind = kinds[i].kind;
	if (o.kind == 0)
		return cli_bad_usage(ctx, &cmd_add, _("unknown kind"), argv[1]);
	if ((ret = parse(ctx, &o, argc - 1, argv + 1, &first)) != CLI_OK)
		return ret;
	if ((ret = session_writer(ctx, o.kind)) != CLI_OK ||
	    (ret = add_view(ctx, &o, &v, &item)) != CLI_OK ||
	    (ret = pick_meeting(ctx, v, &o, &meeting)) != CLI_OK)
		goto out;
	if (o.item != NULL) {
		if (item->kind != ENTRY_K_AGENDA) {
			cli_error(ctx, _("not an agenda item"), o.item,
			    _("give the id of an agenda entry"));
			ret = CLI_USAGE;
			goto out;
		}
	} else if (!o.no_item && o.kind != ENTRY_K_AGENDA &&
	    (cur = view_current_meeting_for(v, me_party(ctx))) != NULL &&
	    cur->number == meeting && (ca = view_current_agenda(v)) != NULL &&
	    ca->meeting == meeting)
		item = ca->entry;
	if (o.party != NULL && (ret = resolve_party(ctx, &o)) != CLI_OK)
		goto out;
	party = o.party;
	if (party == NULL && (o.kind == ENTRY_K_STATEMENT ||
	    o.kind == ENTRY_K_COMMITMENT)) {
		me = record_member_find(ctx->rec, ctx->id->pk);
		party = me != NULL ? me->party : NULL;
	}
	if ((ret = textin_get(ctx, argc - 1 - first, argv + 1 + first,
	    &body)) != CLI_OK)
		goto out;
	if ((text = textin_list(body, o.lang, o.tr, o.ntr, &bad)) == NULL) {
		ret = cli_bad_usage(ctx, &cmd_add, bad != NULL ?
		    _("expected --tr LANG=TEXT (LANG: 2 to 8 lower-case "
		    "letters)") : _("the text is not valid UTF-8"), bad);
		goto out;
	}
	p = json_pack("{s:i,s:I,s:O}", "v", 1, "meeting", (json_int_t)meeting,
	    "text", text);
	if (p == NULL || (item != NULL && json_object_set_new(p, "item",
	    json_string(item->hex)) != 0) || (party != NULL &&
	    json_object_set_new(p, "party", json_string(party)) != 0) ||
	    (o.owner != NULL && json_object_set_new(p, "owner",
	    json_string(o.owner)) != 0) || (o.due != NULL &&
	    json_object_set_new(p, "due", json_string(o.due)) != 0)) {
		cli_error(ctx, _("cannot encode the entry"), argv[1], NULL);
		ret = CLI_USAGE;
		goto out;
	}
	ret = session_append_as(ctx, o.kind, p, o.internal, NULL);
out:
	json_decref(p);
	json_decref(text);
	if (body != NULL) {
		sodium_memzero(body, strlen(body));
		free(body);
	}
	view_free(v);
	return ret;
}

const struct cli_cmd cmd_add = {
	"add",
	N_("agenda|note|statement|proposal|decision|commitment\n"
	   "           [--meeting M] [--item ID|--no-item] [--lang L]\n"
	   "           [--tr LANG=TEXT ...] [--party P] [--owner O]\n"
	   "           [--due DATE] [--internal] [TEXT...|-]"),
	N_("add an agenda item, note, statement, proposal, decision or "
	   "commitment"),
	N_("The text is TEXT (words joined by spaces), standard input with\n"
	   "'-' or when standard input is not a terminal, else $VISUAL or\n"
	   "$EDITOR (default vi) on a file kept in memory (tmpfs) and wiped.\n"
	   "Its language is --lang, else \"ru\" if it contains Cyrillic, else\n"
	   "\"en\"; --tr LANG=TEXT adds a translation (repeatable).\n"
	   "\n"
	   "Meetings: every entry belongs to a meeting.  Agenda items go to\n"
	   "the open meeting, or, when none is open, to the next one (so the\n"
	   "agenda can be set before the meeting opens).  Every other kind\n"
	   "needs an open meeting, or --meeting M naming an opened one.\n"
	   "Notes, statements, proposals, decisions and commitments attach\n"
	   "to the current agenda item (see `detente mark ID current`)\n"
	   "unless --item ID or --no-item says otherwise.\n"
	   "\n"
	   "statement: --party P (default: the author's party).\n"
	   "commitment: --party P (default: the author's party; any case,\n"
	   "one of the dialogue's parties), --owner O and --due DATE are\n"
	   "optional (the minutes say \"not named\", \"no date\").  DATE is\n"
	   "YYYY-MM-DD, DD.MM.YYYY, +N (days from today, UTC), +Nw, +Nm,\n"
	   "tomorrow or a weekday (friday, пятница: the next one); the UI's\n"
	   "ACTION: line reads the same forms (detente(1), COMMITMENTS).\n"
	   "\n"
	   "note --internal: a delegation-internal note, encrypted under your\n"
	   "party's internal key, which only your party's members hold.  It\n"
	   "is never in the joint minutes; the other side holds its bytes\n"
	   "and sees that it exists, its author, time and size (in steps of\n"
	   "256 bytes), not its text (detente(1), INTERNAL NOTES).  A head's\n"
	   "first internal note starts the party's key.\n"
	   "Prints the new entry's short id.\n"),
	run
};
