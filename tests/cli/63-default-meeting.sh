#!/bin/sh
# 63-default-meeting.sh: `endorse`, `mark` and `correct` write into the
# meeting the writer's own side has open, the rule `add` follows
# (docs/ARCHITECTURE.md, "Meetings across replicas"), not the meeting
# opened last by anyone: after RU closed meeting 1 and opened meeting 2,
# the US side, which has not closed meeting 1, still writes its acts
# there, and RU writes into meeting 2.  A side that has closed every
# meeting is refused, with the meeting named.
. "$(dirname "$0")/../tap.sh"
. "$_tap_lib_dir/cli/common.inc"
. "$_tap_lib_dir/cli/two-homes.inc"

two_homes || bail_out "cannot make a dialogue"
join_b || bail_out "cannot join"

# meeting_of H ID: the meeting of entry ID in home H's replica.
meeting_of()
{
	"$DETENTE" --home "$1" --passphrase-file "$PASS" --as \
	    "$([ "$1" = "$HA" ] && echo ru-head || echo us-head)" \
	    show --json "$2" | sed -n 's/^  "meeting": \([0-9-]*\),$/\1/p'
}

A --as ru-head meeting open --title "Round one" >/dev/null ||
    bail_out "cannot open"
sync_both || bail_out "sync"
NOTE=$(B --as us-del add note "US note in meeting 1.") || bail_out "note"
ITEM=$(B --as us-head add agenda "Hotline test") || bail_out "agenda"
COM=$(B --as us-del add commitment --party US "Share the CERT contact.") ||
    bail_out "commitment"
sync_both || bail_out "sync"
# RU closes meeting 1 for its side and opens meeting 2; US has not closed.
A --as ru-head meeting close >/dev/null || bail_out "RU close"
A --as ru-head meeting open --title "Round two" >/dev/null ||
    bail_out "RU opens 2"
sync_both || bail_out "sync"
run_ok "meeting list on B" B meeting list
like "$(cat "$OUT")" '^meeting 1  open \(closed by RU\)' "1: closed by RU only"
like "$(cat "$OUT")" '^meeting 2 ' "2: opened by RU"

run_ok "US endorses" B --as us-head endorse "$COM"
E=$(cat "$OUT")
is "$(meeting_of "$HB" "$E")" 1 "the endorsement is in meeting 1, US's open one"
run_ok "US marks the agenda item" B --as us-head mark "$ITEM" discussed
is "$(meeting_of "$HB" "$(cat "$OUT")")" 1 "the mark is in meeting 1"
run_ok "US marks the commitment" B --as us-del mark "$COM" in-progress
is "$(meeting_of "$HB" "$(cat "$OUT")")" 1 "so is the commitment's"
run_ok "US corrects its note" B --as us-del correct "$NOTE" \
    "US note in meeting 1, corrected."
is "$(meeting_of "$HB" "$(cat "$OUT")")" 1 "the correction is in meeting 1"
run_ok "RU endorses" A --as ru-head endorse "$COM"
is "$(meeting_of "$HA" "$(cat "$OUT")")" 2 "RU's endorsement is in meeting 2, RU's open one"
run_ok "RU corrects" A --as ru-head correct "$NOTE" "A RU wording."
is "$(meeting_of "$HA" "$(cat "$OUT")")" 2 "RU's correction is in meeting 2"
sync_both || bail_out "sync"
run_ok "B verifies" B --as us-head verify
like "$(cat "$OUT")" '^OK: ' "no late entry"
unlike "$(cat "$OUT")" 'member fault' "no member fault"
run_ok "the US acts are in the minutes of meeting 1 once US closes" \
    B --as us-head meeting close 1
run_ok "minutes of meeting 1" B minutes export --meeting 1 -o -
like "$(cat "$OUT")" 'Endorsed by|endorsed by|agreed|Agreed' \
    "the endorsement counts in meeting 1"

# Now US has closed 1 and has not opened 2 (RU did): US writes in 2.
run_ok "US endorses after its close of 1" B --as us-head endorse "$NOTE"
is "$(meeting_of "$HB" "$(cat "$OUT")")" 2 "into meeting 2, open for US"
# Both close 2; an endorsement then is refused, naming the meeting.
B --as us-head meeting close 2 >/dev/null || bail_out "US close 2"
run_fails 1 "US endorses with every meeting closed by its side" \
    B --as us-head mark "$ITEM" deferred
like "$(cat "$ERR")" 'meeting 2 is closed by your side \(US\)' "says which"
done_testing
