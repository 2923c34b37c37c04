#!/bin/sh
# 36-filters.sh: `log` filters (--meeting, --author, --party, --kind,
# --since/--until, -n, --grep, --local-time, --json) against a record built
# here, with the exact lines expected (times aside, which are the clock's);
# the pager on a terminal; `commitments --overdue/--party/--owner` and the
# sort by due date; `meeting open --agenda FILE`.
. "$(dirname "$0")/../tap.sh"
. "$_tap_lib_dir/cli/common.inc"

new_dialogue || bail_out "cannot make a dialogue"

# --- an agenda from a file -------------------------------------------------
AG=$TEST_TMP/agenda.md
printf '%s\n' '# agenda of the first round (comments and blank lines are left out)' \
    '' '1. Regular dialogue' '2) Каналы связи' '- Incidents <b>at</b> "sea" & more' \
    '   Non-interference   ' '' >"$AG"
printf 'Good item\nBad \033[31mred\033[0m item\n' >"$TEST_TMP/bad.txt"
run_fails 2 "an agenda item with a control character is refused" \
    dt --as ru-head meeting open --agenda "$TEST_TMP/bad.txt"
like "$(cat "$ERR")" "^detente: an agenda item holds a control character: .*bad\\.txt, line 2: " \
    "names the file and the line"
run_ok "and nothing was written" dt --as ru-head meeting list
is "$(cat "$OUT")" "" "no meeting was opened"
printf '# nothing\n\n' >"$TEST_TMP/empty.txt"
run_fails 2 "an agenda file without items is refused" \
    dt --as ru-head meeting open --agenda "$TEST_TMP/empty.txt"
run_fails 2 "a missing agenda file is refused" \
    dt --as ru-head meeting open --agenda "$TEST_TMP/nonexistent"
run_ok "meeting open --agenda FILE" dt --as ru-head meeting open \
    --title "First" --date 2025-06-01 --agenda "$AG"
is "$(wc -l <"$OUT")" 5 "prints the meeting's id and each item's, one a line"
M1=$(sed -n 1p "$OUT")
I1=$(sed -n 2p "$OUT")
I2=$(sed -n 3p "$OUT")
I3=$(sed -n 4p "$OUT")
I4=$(sed -n 5p "$OUT")
like "$(cat "$ERR")" "^  agenda item 3: $I3  Incidents <b>at</b> \"sea\" & more\$" \
    "reports each item with its id"
like "$(cat "$ERR")" '^meeting 1 opened with 4 agenda items, in the order of the file$' \
    "and how many were added"
run_ok "meeting list" dt --as ru-head meeting list
is "$(cat "$OUT")" "meeting 1  open  1 June 2025  First
    1. $I1  [open]  Regular dialogue
    2. $I2  [open]  Каналы связи
    3. $I3  [open]  Incidents <b>at</b> \"sea\" & more
    4. $I4  [open]  Non-interference" "the items in the file's order, markers and blanks taken off"
run_fails 1 "--agenda while a meeting is open: refused" \
    dt --as ru-head meeting open --agenda "$AG"
run_ok "and no item was added" dt --as ru-head meeting list
is "$(grep -c '^    [0-9]' "$OUT")" 4 "still four items"

# --- entries to filter ---------------------------------------------------------
dt --as ru-del mark "$I1" current >/dev/null || bail_out "mark"
N1=$(dt --as ru-del add note "Российская сторона предлагает встречи в Женеве.") ||
    bail_out "note"
S1=$(dt --as us-head add statement "The United States is ready.") ||
    bail_out "statement"
N2=$(dt --as us-del add note "Meet in GENEVA twice a year.") || bail_out "note"
C1=$(dt --as us-del add commitment --party US --owner "US CERT" \
    --due 2030-03-01 "Share the CERT contact.") || bail_out "commitment"
C2=$(dt --as ru-del add commitment --party RU --owner "МИД России" \
    --due 2020-01-15 "Письмо о каналах связи.") || bail_out "commitment"
C3=$(dt --as ru-head add commitment --party RU --owner "NRRC" \
    --due 2020-01-01 "Test the line.") || bail_out "commitment"
C4=$(dt --as us-head add commitment --party US --owner "State Dept" \
    --due 2025-07-01 "Draft the agreement.") || bail_out "commitment"
dt --as ru-head mark "$C3" fulfilled >/dev/null || bail_out "mark"
dt --as ru-head meeting close >/dev/null || bail_out "close"
dt --as us-head meeting close >/dev/null || bail_out "close (US)"
M2=$(dt --as us-head meeting open --title "Second" --date 2025-07-01) ||
    bail_out "open 2"
N3=$(dt --as ru-del add note "Вторая встреча: Женева снова.") || bail_out "note"

# strip_time: the log's lines with the time column (the clock's) taken off.
strip_time()
{
	sed -E 's/^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}Z  //'
}

run_ok "log --kind note" dt --as ru-head log --kind note
is "$(strip_time <"$OUT")" "$N1  note              ru-del (RU)
    Российская сторона предлагает встречи в Женеве.
$N2  note              us-del (US)
    Meet in GENEVA twice a year.
$N3  note              ru-del (RU)
    Вторая встреча: Женева снова." "only the notes, in merged order"
run_ok "log --kind note,statement --meeting 1" dt --as ru-head log \
    --kind note,statement --meeting 1
is "$(strip_time <"$OUT" | grep -v '^    ')" "$N1  note              ru-del (RU)
$S1  statement         us-head (US)
$N2  note              us-del (US)" "a comma list of kinds, one meeting"
run_ok "--kind repeated is the same as a list" dt --as ru-head log \
    --kind note --kind statement --meeting 1
is "$(strip_time <"$OUT" | grep -v '^    ')" "$N1  note              ru-del (RU)
$S1  statement         us-head (US)
$N2  note              us-del (US)" "the same lines"
run_ok "log --party us (any case) --kind commitment" dt --as ru-head log \
    --party us --kind commitment
is "$(strip_time <"$OUT" | grep -v '^    ')" "$C1  commitment        us-del (US)
$C4  commitment        us-head (US)" "only the US side's commitments"
run_fails 2 "a party the dialogue does not have" dt --as ru-head log --party FR
like "$(cat "$ERR")" '^detente: no such party in this dialogue: FR: ' "says so"
run_ok "log --author ru-del" dt --as ru-head log --author ru-del
is "$(strip_time <"$OUT" | grep -v '^    ')" \
    "$(dt log | strip_time | grep -E '^[0-9a-f]{8}  [a-z-]+ +ru-del \(RU\)$')" \
    "every entry of ru-del and no other"
KEY=$(dt id show us-del | sed -n 's/^public key: *//p' | cut -c1-12)
run_ok "log --author KEYPREFIX" dt --as ru-head log --author "$KEY" --kind note
is "$(strip_time <"$OUT" | grep -v '^    ')" "$N2  note              us-del (US)" \
    "a key's hex prefix picks its author"
run_fails 2 "--author neither a member's name nor a key's prefix" \
    dt --as ru-head log --author nobody
like "$(cat "$ERR")" '^detente: no member has this name, and it is not a key.s hex prefix: nobody: ' \
    "says so"
run_ok "log --grep in Cyrillic, other case" dt --as ru-head log --grep "ЖЕНЕВ"
is "$(strip_time <"$OUT" | grep -v '^    ')" "$N1  note              ru-del (RU)
$N3  note              ru-del (RU)" "finds both Cyrillic notes, ignoring case"
run_ok "log --grep Latin, other case" dt --as ru-head log --grep geneva
is "$(strip_time <"$OUT" | grep -v '^    ')" "$N2  note              us-del (US)" \
    "finds GENEVA"
run_ok "--grep matches the author's name too, as the UI's search" \
    dt --as ru-head log --grep US-HEAD --kind statement
is "$(strip_time <"$OUT" | grep -v '^    ')" "$S1  statement         us-head (US)" \
    "the statement by us-head"
run_ok "log --grep under LC_ALL=C still folds Cyrillic" \
    env LC_ALL=C "$DETENTE" --home "$H" --passphrase-file "$PASS" log \
    --grep "ВСТРЕЧА"
is "$(strip_time <"$OUT" | grep -v '^    ')" "$N3  note              ru-del (RU)" \
    "the second meeting's note"
run_ok "log -n 2" dt --as ru-head log -n 2
is "$(strip_time <"$OUT" | grep -v '^    ')" "$M2  meeting-open      us-head (US)
$N3  note              ru-del (RU)" "the last two entries"
run_ok "log -n 1 --kind commitment --party ru" dt --as ru-head log -n 1 \
    --kind commitment --party ru
is "$(strip_time <"$OUT" | grep -v '^    ')" "$C3  commitment        ru-head (RU)" \
    "-n applies after the other filters"

# --since/--until: the notes' own times, from --json
T2=$(dt log --json | python3 -c 'import json,sys
print([e["time"] for e in json.load(sys.stdin) if e["hash"].startswith(sys.argv[1])][0])' "$N2")
run_ok "log --since the time of N2 (ISO, ms)" dt --as ru-head log --kind note \
    --since "$T2"
is "$(strip_time <"$OUT" | grep -v '^    ')" "$N2  note              us-del (US)
$N3  note              ru-del (RU)" "N2 and what came after"
run_ok "log --until the time of N2" dt --as ru-head log --kind note --until "$T2"
is "$(strip_time <"$OUT" | grep -v '^    ')" "$N1  note              ru-del (RU)
$N2  note              us-del (US)" "N2 and what came before"
TODAY=$(date -u +%F)
run_ok "log --since today (a date: the whole day, UTC)" dt --as ru-head log \
    --since "$TODAY" --kind note
is "$(grep -c '  note  ' "$OUT")" 3 "every note"
run_ok "log --until 2000-01-01" dt --as ru-head log --until 2000-01-01
is "$(cat "$OUT")" "" "nothing"
like "$(cat "$ERR")" '^detente: no entry passes these filters$' "and says so on stderr"
for bad in 2025-02-30 2025-1-01 "2025-01-01T25:00" yesterday 2025-01-01T10:00:00.5; do
	run_fails 2 "--since $bad is refused" dt log --since "$bad"
done
run_fails 2 "an unknown kind is refused" dt log --kind note,memo
like "$(cat "$ERR")" '^detente: unknown entry kind: note,memo' "names it"
run_fails 2 "-n 0 is refused" dt log -n 0
run_fails 2 "--hashes takes no filter" dt log --hashes --kind note

run_ok "--json respects the filters" dt --as ru-head log --json --grep женев
is "$(python3 -c 'import json,sys
print(" ".join(e["hash"][:8] for e in json.load(open(sys.argv[1]))))' "$OUT")" \
    "$N1 $N3" "the same two notes"

# --local-time: a POSIX zone three hours east of UTC, named XST
ISO=$(dt log --json --kind note -n 1 | python3 -c 'import json,sys
print(json.load(sys.stdin)[0]["time"])')
WANT=$(TZ=XST-3 date -d "$ISO" '+%Y-%m-%d %H:%M XST')
run_ok "log --local-time" env TZ=XST-3 "$DETENTE" --home "$H" \
    --passphrase-file "$PASS" log --kind note -n 1 --local-time
like "$(head -n 1 "$OUT")" "^$WANT  $N3  note " "local time, with the zone's name"
run_ok "without it, UTC" env TZ=XST-3 "$DETENTE" --home "$H" \
    --passphrase-file "$PASS" log --kind note -n 1
like "$(head -n 1 "$OUT")" "^$(date -u -d "$ISO" '+%Y-%m-%d %H:%M')Z  $N3 " "UTC, marked Z"

# --- the pager ---------------------------------------------------------------
run_ok "not a terminal: no pager, even with PAGER set" env PAGER=false \
    "$DETENTE" --home "$H" --passphrase-file "$PASS" log --kind note
is "$(grep -c '  note  ' "$OUT")" 3 "printed directly"
if command -v script >/dev/null 2>&1; then
	printf '#!/bin/sh\nsed "s/^/PAGED: /"\n' >"$TEST_TMP/pager"
	chmod +x "$TEST_TMP/pager"
	run_ok "a terminal: through \$PAGER" env PAGER="$TEST_TMP/pager" \
	    script -qec "'$DETENTE' --home '$H' --passphrase-file '$PASS' log --kind note -n 1" /dev/null
	like "$(tr -d '\r' <"$OUT")" "^PAGED: .*  $N3  note " "the lines went through the pager"
	run_ok "a terminal, PAGER=cat: printed directly" env PAGER=cat \
	    script -qec "'$DETENTE' --home '$H' --passphrase-file '$PASS' log --kind note -n 1" /dev/null
	unlike "$(cat "$OUT")" 'PAGED' "no pager"
	like "$(tr -d '\r' <"$OUT")" "  $N3  note " "the line is there"
	run_ok "a terminal, a PAGER that cannot run: printed directly" \
	    env PAGER="$TEST_TMP/no-such-pager" \
	    script -qec "'$DETENTE' --home '$H' --passphrase-file '$PASS' log --kind note -n 1" /dev/null
	like "$(tr -d '\r' <"$OUT")" 'detente: the pager could not be run: PAGER: printing directly' \
	    "says so"
	like "$(tr -d '\r' <"$OUT")" "  $N3  note " "and the line is there"
	# PAGER unset: less -F -X from the PATH (a stand-in that shows its
	# arguments); no -R, so less would show a stray control as ^X
	mkdir -p "$TEST_TMP/bin"
	printf '#!/bin/sh\necho "less args: $*"\ncat\n' >"$TEST_TMP/bin/less"
	chmod +x "$TEST_TMP/bin/less"
	run_ok "a terminal, PAGER unset: less from the PATH" env -u PAGER \
	    PATH="$TEST_TMP/bin:$PATH" \
	    script -qec "'$DETENTE' --home '$H' --passphrase-file '$PASS' log --kind note -n 1" /dev/null
	like "$(tr -d '\r' <"$OUT")" '^less args: -F -X$' "less -F -X, without -R"
	like "$(tr -d '\r' <"$OUT")" "  $N3  note " "and the line went through it"
else
	skip "no script(1)" 11
fi

# --- commitments -----------------------------------------------------------------
strip_c()
{
	grep -v '^    '
}
run_ok "commitments: sorted by due date" dt --as ru-head commitments
is "$(strip_c <"$OUT")" "$C3  RU  owner: NRRC  due: 1 January 2020  status: fulfilled  meeting 1
$C2  RU  owner: МИД России  due: 15 January 2020  status: open  meeting 1
$C4  US  owner: State Dept  due: 1 July 2025  status: open  meeting 1
$C1  US  owner: US CERT  due: 1 March 2030  status: open  meeting 1" "earliest due first"
run_ok "commitments --overdue" dt --as ru-head commitments --overdue
is "$(strip_c <"$OUT")" "$C2  RU  owner: МИД России  due: 15 January 2020  status: open  meeting 1
$C4  US  owner: State Dept  due: 1 July 2025  status: open  meeting 1" \
    "open and due before today (the fulfilled one is not overdue)"
run_ok "commitments --party us" dt --as ru-head commitments --party us
is "$(strip_c <"$OUT")" "$C4  US  owner: State Dept  due: 1 July 2025  status: open  meeting 1
$C1  US  owner: US CERT  due: 1 March 2030  status: open  meeting 1" "the US side's"
run_ok "commitments --owner in Cyrillic, other case" dt --as ru-head \
    commitments --owner "мид"
is "$(strip_c <"$OUT")" "$C2  RU  owner: МИД России  due: 15 January 2020  status: open  meeting 1" \
    "the owner contains it"
run_ok "commitments --overdue --party ru --json" dt --as ru-head commitments \
    --overdue --party ru --json
is "$(python3 -c 'import json,sys
print(" ".join(c["id"] for c in json.load(open(sys.argv[1]))))' "$OUT")" "$C2" \
    "--json respects the filters"
run_ok "commitments --owner nobody" dt --as ru-head commitments --owner nobody
is "$(cat "$OUT")" "no commitments pass these filters" "says so"
run_fails 2 "commitments --party FR" dt --as ru-head commitments --party FR

done_testing
