#!/bin/sh
# 12-input.sh: what the input line records, and when.
#
# Issue 13: a terminal too small to show the input line still took
# keys and Enter; C opened ":correct ID" without the text; there was no
# history; the ACTION: line refused every natural form.  Here: keys
# typed while the terminal is too small are ignored (and said so when
# it grows back), C pre-fills the text being corrected, Up/Down recall
# earlier entries and commands, and ACTION: lines in natural forms show
# what Enter will record before they are recorded.
. "$(dirname "$0")/../tap.sh"
. "$(dirname "$0")/tmux.lib"
ui_need_tmux
ui_demo

D() { "$DETENTE" --home "$H" --passphrase-file "$P" "$@"; }
# pday: a date as the UI shows it to people ("7 December 2026"; C.UTF-8's
# month names are the English ones)
pday() { date -u -d "$1" '+%-d %B %Y'; }
day() { date -u -d "$1" +%Y-%m-%d; }
fri=$(for i in 1 2 3 4 5 6 7; do
	[ "$(date -u -d "+$i days" +%u)" = 5 ] && day "+$i days" && break
done)
pfri=$(pday "$fri")

ui_start i "$DETENTE" --home "$H" --passphrase-file "$P" ui
ui_wait i '^note>' "the UI is up"
like "$(ui_screen i)" '[0-9]{2}:[0-9]{2} UTC' "the header says the times are UTC"

# --- a terminal too small: nothing is typed or written ---------------------
before=$(entries_count)
tm resize-window -t t:i -x 60 -y 20
ui_wait i 'terminal too small: 60x20' "60x20 is too small"
ui_type i 'written blind'
ui_key i Enter
sleep 0.5
tm resize-window -t t:i -x 100 -y 30
ui_wait i '^14 keys were ignored while the terminal was too small' \
    "grown back: the keys typed meanwhile were ignored, and it says so"
ui_wait i '^note> *$' "the input line is empty"
is "$(entries_count)" "$before" "nothing was written while it was too small"

# --- history ----------------------------------------------------------------
ui_type i 'alpha one'
ui_key i Enter
ui_wait i '^added note' "a first note"
ui_type i ':meeting list'
ui_key i Enter
ui_wait i 'detente meeting' ":meeting list"
ui_key i q
ui_type i 'beta two'
ui_key i Enter
ui_wait i '^added note' "a second note"
ui_type i 'draft'
ui_key i Up
ui_wait i '^note> beta two$' "Up recalls the last entry"
ui_key i Up
ui_wait i '^note> alpha one$' "Up again: the one before (commands are not entries)"
ui_key i Down
ui_wait i '^note> beta two$' "Down goes forward"
ui_key i Down
ui_wait i '^note> draft$' "Down past the newest brings the draft back"
ui_key i C-u
ui_key i :
ui_key i Up
ui_wait i '^:meeting list$' "Up at the : prompt recalls the command"
ui_key i Escape

# --- C pre-fills the text being corrected ------------------------------------
ui_key i Tab Tab
ui_wait i '> Record' "the record pane has the focus"
ui_key i End
ui_key i C
ui_wait i '^:correct [0-9a-f]{8} "beta two"$' "C pre-fills the entry's text"
ui_type i ' (amended)'
ui_wait i '^:correct [0-9a-f]{8} "beta two \(amended\)"$' "the cursor is in the text"
ui_key i Enter
ui_wait i '^correct [0-9a-f]{8} → [0-9a-f]{8}' "the correction is written"

# --- ACTION: in natural forms ------------------------------------------------
ui_key i Escape
ui_type i 'ACTION: US to share CERT contacts by Friday'
ui_wait i "^Enter records: party US, owner not named, due $pfri$" \
    "the prompt shows party, owner and due before Enter"
ui_key i Enter
ui_wait i '^added commitment [0-9a-f]{8}' "no owner, due by a weekday"
ui_type i 'ACTION: ru «МИД России» 15.12.2030 Передать список'
ui_wait i '^Enter records: party RU, owner МИД России, due 15 December 2030$' \
    "«» quotes an owner; DD.MM.YYYY; party in lower case"
ui_key i Enter
ui_wait i '^added commitment' "added"
ui_type i 'ACTION: “J. Smith” +1m Review the draft'
ui_wait i "^Enter records: party RU, owner J. Smith, due $(pday '+1 month')$" \
    "“” quotes an owner; +1m"
ui_key i Enter
ui_wait i '^added commitment' "added"
ui_type i 'ACTION: Keep the channel open'
ui_wait i '^Enter records: party RU, owner not named, due no date$' \
    "no owner and no due date"
ui_key i Enter
ui_wait i '^added commitment' "an open-ended commitment is added"
ui_type i 'ACTION: RU Ivanov 31.02.2030 Send figures'
ui_wait i '^commitment: not a date in the calendar' "a date not in the calendar is refused as typed"
mid=$(entries_count)
ui_key i Enter
ui_wait i 'not a date in the calendar' "Enter refuses it"
is "$(entries_count)" "$mid" "nothing was written"
ui_key i C-u
ui_key i : q Enter
is "$(ui_rc_wait i)" 0 "the UI quits"

D log --json >"$TEST_TMP/log"
unlike "$(cat "$TEST_TMP/log")" 'written blind|"draft"' "no text typed blind or left as a draft was written"
ok 'grep -qF "\"body\": \"beta two (amended)\"" "$TEST_TMP/log"' "the correction holds the edited text"
python3 - "$TEST_TMP/log" "$fri" >"$TEST_TMP/c" <<'PY'
import json, sys
for e in json.load(open(sys.argv[1])):
    if e["kind"] == "commitment":
        p = e["payload"]
        t = p["text"] if isinstance(p["text"], str) else p["text"][0]["body"]
        print("%s|%s|%s|%s" % (p["party"], p.get("owner", "-"),
                               p.get("due", "-"), t))
PY
like "$(cat "$TEST_TMP/c")" "^US\\|-\\|$fri\\|to share CERT contacts$" "stored: US, no owner, Friday"
like "$(cat "$TEST_TMP/c")" '^RU\|МИД России\|2030-12-15\|Передать список$' "stored: МИД России"
like "$(cat "$TEST_TMP/c")" '^RU\|J\. Smith\|[0-9-]{10}\|Review the draft$' "stored: J. Smith"
like "$(cat "$TEST_TMP/c")" '^RU\|-\|-\|Keep the channel open$' "stored: open-ended"
run_ok "the record verifies" D verify
done_testing
