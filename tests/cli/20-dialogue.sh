#!/bin/sh
# 20-dialogue.sh: dialogue new and list, choosing a dialogue, and bad
# input to both.
. "$(dirname "$0")/../tap.sh"
. "$_tap_lib_dir/cli/common.inc"

for n in ru-head us-head ru-del us-del; do
	mkid "$n"
done
RU=$(vkey ru-head)
US=$(vkey us-head)
USHEX=$(dt id export --hex us-head)
USMS=$(dt id export --minisign us-del | sed -n 2p)

run_fails 2 "no dialogue yet" dt --as ru-head log
like "$(cat "$ERR")" '^detente: no dialogue in this home: .*dialogue new' "says how to make one"

run_fails 2 "dialogue without --title" dt --as ru-head dialogue new \
    --party RU --party US --head "RU=$RU" --head "US=$US"
run_fails 2 "dialogue with one party" dt --as ru-head dialogue new \
    --title T --party RU --head "RU=$RU"
run_fails 2 "dialogue with a lower-case party" dt --as ru-head dialogue new \
    --title T --party ru --party US --head "ru=$RU" --head "US=$US"
run_fails 2 "dialogue without a head for US" dt --as ru-head dialogue new \
    --title T --party RU --party US --head "RU=$RU"
like "$(cat "$ERR")" 'exactly one --head: US' "names the party without a head"
run_fails 2 "dialogue with a garbage key" dt --as ru-head dialogue new \
    --title T --party RU --party US --head "RU=$RU" --head "US=garbage!"
like "$(cat "$ERR")" 'not a public key' "garbage key error"
run_fails 2 "dialogue with an empty --head" dt --as ru-head dialogue new \
    --title T --party RU --party US --head "RU=$RU" --head ""
run_fails 2 "head of a party not listed" dt --as ru-head dialogue new \
    --title T --party RU --party US --head "RU=$RU" --head "US=$US" \
    --head "FR=$(vkey ru-del)"
run_fails 2 "hex key without a name and unknown here" dt --as ru-head \
    dialogue new --title T --party RU --party US --head "RU=$RU" \
    --head "US=$(printf '%064d' 0 | tr 0 a)"
run_fails 2 "same key twice" dt --as ru-head dialogue new --title T \
    --party RU --party US --head "RU=$RU" --head "US=$US" \
    --member "US=$US"
run_fails 2 "creator who is not a head" dt --as ru-del dialogue new \
    --title T --party RU --party US --head "RU=$RU" --head "US=$US"
like "$(cat "$ERR")" 'must be one of its heads' "creator must be a head"
ok '[ -z "$(ls "$H/dialogues" 2>/dev/null)" ]' "no dialogue written by failed attempts"

run_ok "dialogue new (hex and minisign keys named by local identities)" \
    dt --as ru-head dialogue new --title "Первый диалог" --party RU \
    --party US --head "RU=$RU" --head "US=$USHEX" \
    --member "RU=$(vkey ru-del)" --member "US=us-del:$USMS:observer"
D1=$(cat "$OUT")
like "$D1" '^[0-9a-f]{64}$' "prints the dialogue id"
ok '[ -d "$H/dialogues/$D1" ]' "store directory named by the id"
run_ok "log the new dialogue" dt --as us-head log --json
is "$(grep -c '"kind": "genesis"' "$OUT")" 1 "one genesis"
is "$(grep -c '"kind": "key-wrap"' "$OUT")" 1 "one key wrap"
like "$(cat "$OUT")" '"name": "us-del"' "us-del named PARTY=NAME:KEY"
like "$(cat "$OUT")" '"role": "observer"' "observer role recorded"

run_ok "dialogue list" dt dialogue list
like "$(cat "$OUT")" "^$D1  RU,US  2 entries  Первый диалог\$" "list shows id, parties, count, title"

run_ok "second dialogue" dt --as ru-head dialogue new --title Second \
    --party RU --party US --head "RU=$RU" --head "US=$US"
D2=$(cat "$OUT")
run_fails 2 "two dialogues need --dialogue" dt --as ru-head log
like "$(cat "$ERR")" 'several dialogues in this home: .*--dialogue ID' "says to use --dialogue"
run_ok "--dialogue with a prefix" dt --as ru-head --dialogue "$(echo "$D2" | cut -c1-8)" log
like "$(cat "$OUT")" 'dialogue "Second" opened' "picked the second dialogue"
run_fails 2 "--dialogue with 3 digits" dt --as ru-head --dialogue abc log
like "$(cat "$ERR")" '^detente: not a dialogue id: abc' "too short id"
run_fails 2 "--dialogue that is not hex" dt --as ru-head --dialogue zzzzzz log
run_fails 2 "unknown dialogue" dt --as ru-head --dialogue \
    "$(echo "$D1$D2" | tr 0-9a-f 1-9a-f0 | cut -c1-12)" log
like "$(cat "$ERR")" '^detente: no such dialogue: ' "unknown dialogue error"
run_ok "dialogue list shows both" dt dialogue list
is "$(wc -l <"$OUT" | tr -d ' ')" 2 "two lines"
run_fails 2 "dialogue with no subcommand" dt dialogue
run_fails 2 "dialogue list with an argument" dt dialogue list extra
done_testing
