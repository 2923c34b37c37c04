/*
 * cmd_mark.c: `detente mark ID STATE`: the status of an agenda item or a
 * commitment.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "../storage/entry.h"
#include "../storage/payload.h"
#include "../storage/view.h"
#include "cli.h"
#include "i18n.h"
#include "session.h"

/*
 * run() - `mark ID STATE`: an agenda-status or commitment-status
 * entry, the kind chosen by the target's kind.
 */
static int
run(struct cli_ctx *ctx, int argc, char **argv)
{
	const char *const *states;
	const view_item *t;
	unsigned kind;
	json_t *p = NULL;
	view *v = NULL;
	int ret;

	if (argc != 3)
		return cli_bad_usage(ctx, &cmd_mark, argc < 3 ?
		    _("expected an entry id and a state") :
		    _("unexpected argument"), argc > 3 ? argv[3] : NULL);
	if ((ret = session_record_key(ctx)) != CLI_OK ||
	    (ret = session_view_for(ctx, argv[1], NULL, &v, &t)) != CLI_OK)
		goto out;
	if (t->kind == ENTRY_K_AGENDA) {
		kind = ENTRY_K_AGENDA_STATUS;
		states = payload_agenda_states;
	} else if (t->kind == ENTRY_K_COMMITMENT) {
		kind = ENTRY_K_COMMITMENT_STATUS;
		states = payload_commitment_states;
	} else {
		cli_error(ctx, _("only agenda items and commitments have a "
		    "state"), argv[1], entry_kind_name(t->kind));
		ret = CLI_USAGE;
		goto out;
	}
	if (!payload_state_valid(states, argv[2])) {
		cli_error(ctx, kind == ENTRY_K_AGENDA_STATUS ?
		    _("not an agenda state") : _("not a commitment state"),
		    argv[2], kind == ENTRY_K_AGENDA_STATUS ?
		    _("use current, discussed, deferred or closed") :
		    _("use accepted, in-progress, fulfilled or withdrawn"));
		ret = CLI_USAGE;
		goto out;
	}
	if ((ret = session_writer(ctx, kind)) != CLI_OK)
		goto out;
	p = json_pack("{s:i,s:I,s:s,s:s}", "v", 1, "meeting",
	    (json_int_t)session_meeting_for(ctx, v, t), "target", t->hex,
	    "state", argv[2]);
	if (p == NULL) {
		ret = CLI_USAGE;
		goto out;
	}
	ret = session_append(ctx, kind, p, NULL);
out:
	json_decref(p);
	view_free(v);
	return ret;
}

const struct cli_cmd cmd_mark = {
	"mark", N_("ID STATE"),
	N_("set the state of an agenda item or a commitment"),
	N_("Agenda states: current, discussed, deferred, closed.\n"
	   "Commitment states: accepted, in-progress, fulfilled, withdrawn.\n"
	   "The latest mark wins.  Marking an agenda item current makes it\n"
	   "the default item of new notes, statements and decisions.\n"
	   "The mark goes into the meeting your side has open, as with\n"
	   "`detente add`.  Prints the new entry's short id.\n"),
	run
};
