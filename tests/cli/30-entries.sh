#!/bin/sh
# 30-entries.sh: meetings and entries: meeting open/close/list, add (every
# kind; text from arguments, stdin and $EDITOR), mark, endorse, correct,
# log, show and commitments, with their bad input.
. "$(dirname "$0")/../tap.sh"
. "$_tap_lib_dir/cli/common.inc"

new_dialogue || bail_out "cannot make a dialogue"

# --- before any meeting ----------------------------------------------------
run_fails 1 "a note needs an open meeting" dt --as ru-del add note "too early"
like "$(cat "$ERR")" '^detente: no meeting is open: ' "says to open a meeting"
run_ok "agenda before the meeting goes to meeting 1" dt --as ru-head add agenda \
    "Regular dialogue" --tr "ru=Регулярный диалог"
A1=$(cat "$OUT")
like "$A1" '^[0-9a-f]{8}$' "add prints a short id"
run_fails 1 "closing with no open meeting" dt --as ru-head meeting close

# --- meetings ----------------------------------------------------------------
run_fails 2 "bad meeting date" dt --as ru-head meeting open --date 2025-02-30
run_fails 2 "garbage meeting date" dt --as ru-head meeting open --date soon
run_ok "meeting open" dt --as ru-head meeting open --title "First" \
    --place "Женева" --date 2025-06-01
run_fails 1 "second meeting open while one is open" dt --as us-head meeting open
like "$(cat "$ERR")" 'meeting 1 is still open' "names the open meeting"
run_ok "meeting list" dt --as ru-head meeting list
like "$(cat "$OUT")" '^meeting 1  open  1 June 2025  First, Женева$' "meeting 1 listed"
like "$(cat "$OUT")" "^    1\\. $A1  \\[open\\]  Regular dialogue\$" "agenda item 1 in meeting 1"

# --- add -----------------------------------------------------------------------
run_ok "second agenda item" dt --as us-del add agenda "Communication channels"
A2=$(cat "$OUT")
run_ok "mark item 1 current" dt --as ru-del mark "$A1" current
run_ok "meeting list shows the current item" dt --as ru-head meeting list
like "$(cat "$OUT")" "^  > 1\\. $A1  \\[current\\]" "item 1 is current"

CYR='Предлагаем встречаться дважды в год: «Москва — Вашингтон».'
run_ok "Cyrillic note" dt --as ru-del add note "$CYR"
N1=$(cat "$OUT")
run_ok "log --json" dt --as ru-del log --json
ok 'command -v python3 >/dev/null' "python3 present to read JSON" || true
if command -v python3 >/dev/null 2>&1; then
	got=$(python3 -c '
import json, sys
for e in json.load(open(sys.argv[1])):
    if e["hash"].startswith(sys.argv[2]):
        print(e["text"]); print(e["payload"]["text"][0]["lang"])
        print(e["payload"].get("item", "")[:8]); print(e["author_name"])
        print(e["party"]); print(e["kind"]); print(e["seq"] >= 0)
        print(e["time"])
' "$OUT" "$N1")
	is "$(echo "$got" | sed -n 1p)" "$CYR" "Cyrillic text round trip is exact"
	is "$(echo "$got" | sed -n 2p)" ru "Cyrillic text is tagged ru"
	is "$(echo "$got" | sed -n 3p)" "$A1" "note attached to the current item"
	is "$(echo "$got" | sed -n 4p)" ru-del "author_name"
	is "$(echo "$got" | sed -n 5p)" RU "party"
	is "$(echo "$got" | sed -n 6p)" note "kind"
	like "$(echo "$got" | sed -n 8p)" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z$' "ISO 8601 UTC time"
else
	skip "no python3" 7
fi

printf 'From standard input\nsecond line\n' >"$TEST_TMP/text"
STDIN=$TEST_TMP/text run_ok "text from stdin (no TEXT)" dt --as us-del add proposal
P1=$(cat "$OUT")
STDIN=$TEST_TMP/text run_ok "text from stdin with -" dt --as us-del add decision -
STDIN=
run_ok "log shows the stdin text" dt --as us-del log
like "$(cat "$OUT")" '^    From standard input$' "first line"
like "$(cat "$OUT")" '^    second line$' "second line, indented"
run_ok "English text" dt --as us-del add note "plain English" --no-item
run_ok "log --json for languages" dt --as us-del log --json
like "$(tr -d '\n ' <"$OUT")" '"lang":"en","role":"authentic"' "English text tagged en"
run_ok "explicit --lang" dt --as us-del add note --lang fr "bonjour"
run_fails 2 "bad --lang" dt --as us-del add note --lang French "bonjour"
run_fails 2 "bad --tr" dt --as us-del add note --tr "ru" "text"
run_fails 2 "bad --tr language" dt --as us-del add note --tr "RU=текст" "text"
run_fails 2 "empty text" dt --as us-del add note ""
like "$(cat "$ERR")" '^detente: empty text' "empty text error"
printf '   \n\n' >"$TEST_TMP/blank"
STDIN=$TEST_TMP/blank run_fails 2 "blank stdin" dt --as us-del add note
STDIN=
printf 'bad \377 utf8' >"$TEST_TMP/bad"
STDIN=$TEST_TMP/bad run_fails 2 "invalid UTF-8 refused" dt --as us-del add note
like "$(cat "$ERR")" 'not valid UTF-8' "says UTF-8"
STDIN=
run_fails 2 "add without a kind" dt --as us-del add
run_fails 2 "add with an unknown kind" dt --as us-del add memo "text"
run_fails 2 "add with an unknown option" dt --as us-del add note --frob "text"
run_fails 2 "--meeting 0" dt --as us-del add note --meeting 0 "text"
run_fails 2 "--meeting x" dt --as us-del add note --meeting x "text"
run_fails 2 "--meeting of a meeting never opened" dt --as us-del add note \
    --meeting 7 "text"
run_fails 2 "--item that is not an agenda item" dt --as us-del add note \
    --item "$N1" "text"
like "$(cat "$ERR")" "not an agenda item: $N1" "names the entry"
run_fails 2 "--item unknown" dt --as us-del add note --item ffffffff "text"
like "$(cat "$ERR")" '^detente: no such entry: ffffffff' "unknown entry error"
run_fails 2 "agenda with --item" dt --as us-del add agenda --item "$A1" "x"
run_ok "note with --item" dt --as us-del add note --item "$A2" "on item 2"

# statements and commitments
run_ok "statement (party defaults to the author's)" dt --as us-head add \
    statement "The US position"
S1=$(cat "$OUT")
run_ok "statement with --party" dt --as ru-head add statement --party RU "Позиция РФ"
run_fails 2 "statement with a --party not of the dialogue" dt --as ru-head \
    add statement --party XX "x"
run_fails 2 "commitment with a --party not of the dialogue" dt --as us-del \
    add commitment --party XX --due 2025-07-01 "Designate a CERT contact"
run_fails 2 "commitment with a bad --due" dt --as us-del add commitment \
    --party US --owner CISA --due 2025-13-01 "Designate a CERT contact"
run_fails 2 "--owner on a note" dt --as us-del add note --owner X "text"
run_ok "commitment" dt --as us-del add commitment --party US --owner CISA \
    --due 2025-07-01 --item "$A2" "Designate a CERT point of contact"
C1=$(cat "$OUT")
run_ok "second commitment" dt --as ru-del add commitment --party RU \
    --owner "НКЦКИ" --due 2025-08-01 "Назначить контактное лицо"
C2=$(cat "$OUT")

# --- mark, endorse, correct -------------------------------------------------
run_fails 2 "mark with a commitment state on an agenda item" dt --as ru-del \
    mark "$A1" fulfilled
like "$(cat "$ERR")" 'not an agenda state: fulfilled' "agenda state error"
run_fails 2 "mark with an agenda state on a commitment" dt --as ru-del \
    mark "$C1" discussed
run_fails 2 "mark a note" dt --as ru-del mark "$N1" current
run_fails 2 "mark an unknown entry" dt --as ru-del mark 0000aaaa current
run_fails 2 "mark with a short id" dt --as ru-del mark abc current
like "$(cat "$ERR")" '^detente: not an entry id: abc' "short id error"
run_fails 2 "mark without a state" dt --as ru-del mark "$C1"
run_ok "mark commitment in-progress" dt --as us-del mark "$C1" in-progress
run_ok "mark second commitment fulfilled" dt --as ru-del mark "$C2" fulfilled
run_ok "mark item 1 discussed" dt --as ru-head mark "$A1" discussed

run_fails 1 "a delegate may not endorse" dt --as us-del endorse "$C1"
like "$(cat "$ERR")" '^detente: only a head of delegation may endorse: us-del' "endorse refused"
run_ok "US head endorses" dt --as us-head endorse "$C1"
run_fails 1 "endorsing twice" dt --as us-head endorse "$C1"
run_ok "commitments before the RU endorsement" dt --as ru-head commitments
like "$(cat "$OUT")" '^    endorsed by: US$' "endorsed by US only"
run_ok "RU head endorses" dt --as ru-head endorse "$C1"
run_fails 2 "endorse an unknown entry" dt --as ru-head endorse 12345678

run_fails 2 "correct without an id" dt --as ru-del correct
run_ok "correct the Cyrillic note" dt --as ru-del correct "$N1" \
    "Предлагаем встречаться трижды в год."
K1=$(cat "$OUT")
run_fails 2 "correct an unknown entry" dt --as ru-del correct deadbeef "x"
printf 'corrected from stdin\n' >"$TEST_TMP/corr"
STDIN=$TEST_TMP/corr run_ok "correct from stdin" dt --as us-del correct "$P1" -
STDIN=

# --- log, show, commitments ----------------------------------------------------
run_ok "log" dt --as ru-head log
like "$(cat "$OUT")" "^    \\^ corrected by $K1 \\(ru-del \\(RU\\)\\): Предлагаем встречаться трижды в год\\.\$" \
    "correction shown with the corrected entry"
like "$(cat "$OUT")" '^    \^ endorsed by RU, US \(agreed\)$' "endorsements shown"
like "$(cat "$OUT")" "  $S1  statement  " "statement listed"
run_ok "log --meeting 1" dt --as ru-head log --meeting 1
unlike "$(cat "$OUT")" 'genesis' "meeting filter drops control entries"
run_fails 2 "log --meeting 5" dt --as ru-head log --meeting 5
run_fails 2 "log with an argument" dt --as ru-head log extra
run_ok "log --no-key needs no passphrase" "$DETENTE" --home "$H" --as ru-head log --no-key
like "$(cat "$OUT")" 'encrypted: no key' "content is not shown without the key"

run_ok "show" dt --as ru-head show "$C1"
like "$(cat "$OUT")" '^signature: +good$' "signature good"
like "$(cat "$OUT")" '^decryption: +decrypted$' "decrypted"
like "$(cat "$OUT")" '^seq: +[0-9]+$' "seq"
like "$(cat "$OUT")" '^clock: +[0-9]+$' "clock"
like "$(cat "$OUT")" '^prev: +[0-9a-f]{64}$' "prev"
like "$(cat "$OUT")" '^author: +[0-9a-f]{64}  us-del \(US\)$' "author"
like "$(cat "$OUT")" '^agreed: endorsed by every party$' "agreed"
run_ok "show --json" dt --as ru-head show --json "$C1"
like "$(cat "$OUT")" '"signature": "good"' "JSON signature"
run_ok "show --no-key" "$DETENTE" --home "$H" show --no-key "$C1"
like "$(cat "$OUT")" '^decryption: +not decrypted \(no key\)$' "not decrypted without key"
run_fails 2 "show unknown" dt --as ru-head show ffff0000
run_fails 2 "show without an id" dt --as ru-head show

run_ok "commitments" dt --as ru-head commitments
like "$(cat "$OUT")" "^$C1  US  owner: CISA  due: 1 July 2025  status: in-progress  meeting 1\$" "commitment line"
like "$(cat "$OUT")" "^$C2  RU  owner: НКЦКИ  due: 1 August 2025  status: fulfilled  meeting 1\$" "second commitment"
like "$(cat "$OUT")" '^    endorsed by: RU, US \(agreed\)$' "endorsed by both"
run_ok "commitments --open" dt --as ru-head commitments --open
like "$(cat "$OUT")" "^$C1 " "open commitment shown"
unlike "$(cat "$OUT")" "^$C2 " "fulfilled commitment hidden"
run_ok "commitments --json" dt --as ru-head commitments --json
like "$(tr -d '\n ' <"$OUT")" '"endorsed_by":\["RU","US"\]' "JSON endorsements"
like "$(tr -d '\n ' <"$OUT")" '"status":"in-progress"' "JSON status"

# --- carried across meetings -------------------------------------------------
run_ok "meeting close" dt --as ru-head meeting close
run_fails 1 "closing again" dt --as ru-head meeting close 1
run_fails 2 "closing an unknown meeting" dt --as ru-head meeting close 9
run_ok "meeting list after RU's close" dt --as us-head meeting list
like "$(cat "$OUT")" '^meeting 1  open \(closed by RU\)' "closed by RU only"
run_fails 1 "US cannot open meeting 2 before its side closes 1" \
    dt --as us-head meeting open --title Second
like "$(cat "$ERR")" 'meeting 1 is still open' "says which"
run_fails 1 "RU writes nothing more in meeting 1" \
    dt --as ru-del add note --meeting 1 "After the close."
like "$(cat "$ERR")" 'meeting 1 is closed by your side \(RU\)' "says why"
run_ok "US closes meeting 1 for its side" dt --as us-del meeting close
run_ok "meeting 2 opens" dt --as us-head meeting open --title Second
run_ok "meeting list shows meeting 2" dt --as us-head meeting list
like "$(cat "$OUT")" '^meeting 1  closed' "meeting 1 closed"
like "$(cat "$OUT")" '^meeting 2  open' "meeting 2 open"
run_ok "commitments carry over" dt --as us-head commitments --open
like "$(cat "$OUT")" "^$C1 .*meeting 1\$" "meeting 1 commitment still listed"
run_ok "fulfil it in meeting 2" dt --as us-del mark "$C1" fulfilled
run_ok "commitments --open is empty" dt --as us-head commitments --open
like "$(cat "$OUT")" '^no open commitments$' "nothing open"
run_ok "log --meeting 2 --json" dt --as us-head log --meeting 2 --json
like "$(tr -d '\n ' <"$OUT")" '"state":"fulfilled"' "status entry is in meeting 2"
run_ok "meeting close 2" dt --as us-head meeting close 2
run_ok "meeting list: meeting 2 closed by US only" dt --as ru-head meeting list
like "$(cat "$OUT")" '^meeting 2  open \(closed by US\)' "RU has not closed it"
run_ok "RU closes meeting 2 for its side" dt --as ru-head meeting close 2

# --- $EDITOR -------------------------------------------------------------------
run_ok "meeting 3" dt --as ru-head meeting open
cat >"$TEST_TMP/editor" <<'EOS'
#!/bin/sh
# a scripted editor: write the text, remember where the file was
printf 'Written in the editor: тест\n' >"$1"
printf '%s\n' "$1" >"$EDITOR_LOG"
EOS
chmod +x "$TEST_TMP/editor"
EDITOR_LOG=$TEST_TMP/editor.log
export EDITOR_LOG
if command -v script >/dev/null 2>&1 && [ -d /dev/shm ]; then
	# stdin must be a terminal for the editor path: script(1) gives one.
	VISUAL= EDITOR=$TEST_TMP/editor script -qec \
	    "'$DETENTE' --home '$H' --passphrase-file '$PASS' --as ru-del add note" \
	    /dev/null >"$OUT" 2>"$ERR" </dev/null
	is "$?" 0 "add note through \$EDITOR"
	f=$(cat "$EDITOR_LOG")
	like "$f" '^/dev/shm/detente-' "editor file on a tmpfs"
	ok '[ ! -e "$f" ] && [ ! -e "$(dirname "$f")" ]' "editor file and directory removed"
	run_ok "log shows the edited text" dt --as ru-del log --meeting 3
	like "$(cat "$OUT")" 'Written in the editor: тест' "edited text stored"
	cat >"$TEST_TMP/editor-fail" <<'EOS'
#!/bin/sh
printf 'secret draft\n' >"$1"
printf '%s\n' "$1" >"$EDITOR_LOG"
exit 3
EOS
	chmod +x "$TEST_TMP/editor-fail"
	VISUAL= EDITOR=$TEST_TMP/editor-fail script -qec \
	    "'$DETENTE' --home '$H' --passphrase-file '$PASS' --as ru-del add note" \
	    /dev/null >"$OUT" 2>"$ERR" </dev/null
	isnt "$?" 0 "a failing editor writes nothing"
	f=$(cat "$EDITOR_LOG")
	ok '[ ! -e "$f" ] && [ ! -e "$(dirname "$f")" ]' "failed editor's file removed"
	cat >"$TEST_TMP/editor-kill" <<'EOS'
#!/bin/sh
printf 'secret draft\n' >"$1"
printf '%s\n' "$1" >"$EDITOR_LOG"
kill -TERM "$PPID"
sleep 5
EOS
	chmod +x "$TEST_TMP/editor-kill"
	VISUAL= EDITOR=$TEST_TMP/editor-kill script -qec \
	    "'$DETENTE' --home '$H' --passphrase-file '$PASS' --as ru-del add note" \
	    /dev/null >"$OUT" 2>"$ERR" </dev/null
	isnt "$?" 0 "SIGTERM while editing ends detente"
	f=$(cat "$EDITOR_LOG")
	ok '[ ! -e "$f" ] && [ ! -e "$(dirname "$f")" ]' "file wiped and removed on SIGTERM"
	run_ok "log after the failed edits" dt --as ru-del log --meeting 3
	unlike "$(cat "$OUT")" 'secret draft' "no draft stored"
else
	skip "no script(1) or /dev/shm" 10
fi
run_ok "verify at the end" dt --as ru-head verify
like "$(cat "$OUT")" '^OK: [0-9]+ entries in 4 feeds$' "verify OK"
done_testing
