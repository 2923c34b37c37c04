#!/bin/sh
# 33-commit-grammar.sh: `add commitment` reads parties and due dates by
# the one grammar of commitments (app/commit_parse.h) that the UI's
# "ACTION:" line uses: --party in any case and only a party of the
# dialogue; --due as YYYY-MM-DD, DD.MM.YYYY, +N, +Nw, +Nm or a weekday;
# --owner and --due optional, and the minutes then say "not named" and
# "no date".  Issue 13.
. "$(dirname "$0")/../tap.sh"
. "$_tap_lib_dir/cli/common.inc"

new_dialogue || bail_out "cannot make a dialogue"
run_ok "meeting open" dt --as ru-head meeting open --title "First"

# due_of ID: the due date of commitment ID in `log --json`, or "none".
due_of()
{
	dt --as ru-del log --json >"$TEST_TMP/log.json"
	python3 - "$TEST_TMP/log.json" "$1" <<'PY'
import json, sys
for e in json.load(open(sys.argv[1])):
    if e["hash"].startswith(sys.argv[2]):
        p = e["payload"]
        print(p.get("due", "none"), p.get("owner", "none"), p.get("party"))
PY
}
day() { date -u -d "$1" +%Y-%m-%d; }

run_ok "--party us (lower case) is US" dt --as us-del add commitment \
    --party us --owner CISA --due +14 "Designate a CERT contact"
C1=$(cat "$OUT")
is "$(due_of "$C1")" "$(day '+14 days') CISA US" "party US, due in 14 days"
run_fails 2 "--party XX is refused" dt --as us-del add commitment \
    --party XX "x"
like "$(cat "$ERR")" 'not a party of this dialogue: XX: give one of: RU, US' \
    "the refusal names the parties"
# A party by its name in either language (GLOSSARY): РФ, США, Russia ...
run_ok "--party США is US" dt --as ru-del add commitment --party США "Ответить"
is "$(due_of "$(cat "$OUT")")" "none none US" "США is stored as the code US"
run_ok "--party рф (lower case) is RU" dt --as us-del add commitment \
    --party рф "Reply"
is "$(due_of "$(cat "$OUT")")" "none none RU" "рф is stored as RU"
run_ok "commitments --party Russia" dt --as ru-del commitments --party Russia
like "$(cat "$OUT")" "Reply" "lists RU's commitments"
unlike "$(cat "$OUT")" "Ответить" "and not US's"
run_fails 2 "--party Франция is refused" dt --as us-del add commitment \
    --party Франция "x"

run_ok "no --party: the author's" dt --as ru-del add commitment \
    --due 15.12.2030 "Назначить контактное лицо"
C2=$(cat "$OUT")
is "$(due_of "$C2")" "2030-12-15 none RU" "DD.MM.YYYY, no owner, party RU"
run_ok "--due +1m" dt --as ru-del add commitment --due +1m "Monthly"
is "$(due_of "$(cat "$OUT")")" "$(day '+1 month') none RU" "+1m is a month on"
run_ok "--due +2w" dt --as ru-del add commitment --due +2w "Fortnight"
is "$(due_of "$(cat "$OUT")")" "$(day '+14 days') none RU" "+2w is two weeks on"
run_ok "--due friday" dt --as ru-del add commitment --due Friday "Weekday"
fri=$(for i in 1 2 3 4 5 6 7; do
	[ "$(date -u -d "+$i days" +%u)" = 5 ] && day "+$i days" && break
done)
is "$(due_of "$(cat "$OUT")")" "$fri none RU" "Friday is the next Friday"
run_ok "no --due: open-ended" dt --as us-del add commitment \
    --party US --owner "J. Smith" "Keep the channel open"
C3=$(cat "$OUT")
is "$(due_of "$C3")" "none J. Smith US" "no due date is stored"
for bad in 31.02.2030 2030-13-01 +14x 15.12.30 soon; do
	run_fails 2 "--due $bad is refused" dt --as ru-del add commitment \
	    --due "$bad" "x"
done
like "$(cat "$ERR")" 'YYYY-MM-DD, DD.MM.YYYY, \+N' "the refusal lists the forms"

run_ok "commitments lists them" dt --as ru-del commitments
like "$(cat "$OUT")" "$C2  RU  owner: not named  due: 15 December 2030" "no owner: not named"
like "$(cat "$OUT")" "$C3  US  owner: J. Smith  due: no date" "no due: no date"
run_ok "minutes export" dt --as ru-del minutes export --draft --format txt --lang en
like "$(cat "$OUT")" 'party US, owner J\. Smith, due no date' "the minutes say no date"
like "$(cat "$OUT")" 'party RU, owner not named, due 15 December 2030' "and not named"
run_ok "verify" dt --as ru-del verify

# The independent verifier, from FORMAT.md: owner and due are optional.
run_ok "bundle export" dt --as ru-del bundle export -o "$TEST_TMP/all.dtb"
# (the script is a file: run_ok gives the command /dev/null as stdin)
cat >"$TEST_TMP/iv.py" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
import bundle_tool as bt
import indep_verify as iv
did, entries = bt.read_bundle(sys.argv[2])
seed = bt.seed_of(sys.argv[3], sys.argv[4])
faults = []
_, _, n = iv.verify_record(entries, bytes.fromhex(sys.argv[5]),
                           key=bt.dialogue_key(did, entries, seed),
                           faults=faults)
assert n > 0 and faults == [], (n, faults)
PY
run_ok "indep_verify.py accepts commitments without owner or due" \
    /usr/bin/python3 "$TEST_TMP/iv.py" "$_tap_lib_dir/tools" \
    "$TEST_TMP/all.dtb" "$H/identities/ru-del.key" "$PASS" "$DID"
done_testing
