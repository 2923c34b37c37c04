#!/bin/sh
# 31-text-fields.sh: the fields that name things (a dialogue's and a
# meeting's title, a place, a commitment's owner, an identity's or a
# member's name) are one line of UTF-8 without control or bidirectional
# characters and within their limits (docs/FORMAT.md, section 5, "Text
# fields"); the command line refuses the others with exit 2, and its
# error line shows the refused value without a raw control character.
# Bodies stay free text.
. "$(dirname "$0")/../tap.sh"
. "$_tap_lib_dir/cli/common.inc"

ESC=$(printf '\033')
RLO=$(printf '\342\200\256')
CSI=$(printf '\302\233')
NL='
'
# no_raw: stderr carries no C0 control but its line feed, no DEL, no C1
no_raw()
{
	is "$(LC_ALL=C tr -d '\n\040-\176\200-\377' <"$ERR" | wc -c | tr -d ' ')$(grep -c "$CSI\|$RLO" "$ERR")" 00 "$1"
}

new_dialogue || bail_out "cannot make a dialogue"
mkid ru-x

run_fails 2 "dialogue new: a title with ESC [8m" dt --as ru-head dialogue new \
    --title "Title${ESC}[8m hidden" --party RU --party US \
    --head "RU=$(vkey ru-head)" --head "US=$(vkey us-head)"
like "$(cat "$ERR")" "^detente: --title must be one line of 1 to 500 bytes" "says what a title is"
no_raw "the refused title is shown harmlessly"
run_fails 2 "dialogue new: a title of two lines" dt --as ru-head dialogue new \
    --title "Title${NL}second" --party RU --party US \
    --head "RU=$(vkey ru-head)" --head "US=$(vkey us-head)"
run_fails 2 "dialogue new: a title of 501 bytes" dt --as ru-head dialogue new \
    --title "$(printf '%0501d' 0)" --party RU --party US \
    --head "RU=$(vkey ru-head)" --head "US=$(vkey us-head)"
run_ok "dialogue new: a title of 500 bytes" dt --as ru-head dialogue new \
    --title "$(printf '%0500d' 0)" --party RU --party US \
    --head "RU=$(vkey ru-head)" --head "US=$(vkey us-head)"

# From here on, the first dialogue (the home holds two).
run_fails 2 "meeting open: a title with a C1 CSI" dt --dialogue "$DID" --as ru-head meeting open \
    --title "a${CSI}2J"
no_raw "the refused title is shown harmlessly"
run_fails 2 "meeting open: a place with a bidi override" dt --dialogue "$DID" --as ru-head \
    meeting open --title "Meeting" --place "${RLO}avenéG"
like "$(cat "$ERR")" "^detente: --place must be one line of 1 to 200 bytes" "names --place"
no_raw "the refused place is shown harmlessly"
run_ok "meeting open: a Cyrillic title and place" dt --dialogue "$DID" --as ru-head meeting open \
    --title "Встреча экспертов" --place "Женева"

run_fails 2 "add commitment: an owner with CR" dt --dialogue "$DID" --as ru-del add commitment \
    --party RU --owner "$(printf 'real\rfake')" --due 2027-01-01 text
run_fails 2 "add commitment: an owner of 201 bytes" dt --dialogue "$DID" --as ru-del add \
    commitment --party RU --owner "$(printf '%0201d' 0)" --due 2027-01-01 text
run_ok "add commitment: an owner of 200 bytes" dt --dialogue "$DID" --as ru-del add commitment \
    --party RU --owner "$(printf '%0200d' 0)" --due 2027-01-01 text
run_ok "add note: a body with an escape is free text" dt --dialogue "$DID" --as ru-del add note \
    "body ${ESC}[2J"
run_ok "log" dt --dialogue "$DID" --as ru-head log
is "$(LC_ALL=C tr -d '\n\040-\176\200-\377' <"$OUT" | wc -c | tr -d ' ')" 0 \
    "log shows the body without the escape"

run_fails 2 "id new: a name with a bidi override" dt --dialogue "$DID" id new --name "ru${RLO}x" \
    --kdf min
run_fails 2 "member add: a name with a bidi override" dt --dialogue "$DID" --as ru-head member \
    add --name "ru${RLO}x" "$(vkey ru-x)"
no_raw "the refused name is shown harmlessly"
run_ok "member add: a plain name" dt --dialogue "$DID" --as ru-head member add --name ru-x \
    "$(vkey ru-x)"
done_testing
