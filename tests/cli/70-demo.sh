#!/bin/sh
# 70-demo.sh: `detente demo` builds a dialogue that verifies, needs no
# passphrase input, and refuses to run twice in one home.
. "$(dirname "$0")/../tap.sh"

D=$TEST_TMP/demo
(umask 077; printf 'demo\n' >"$TEST_TMP/demo.pass")
dd()
{
	"$DETENTE" --home "$D" --passphrase-file "$TEST_TMP/demo.pass" "$@"
}

run_ok "demo (no passphrase input: stdin is /dev/null)" "$DETENTE" --home "$D" demo
like "$(cat "$OUT")" "detente --home $D log" "says how to explore"
like "$(cat "$OUT")" 'passphrase is "demo"' "tells the passphrase"
is "$(cat "$D/default")" ru-head "ru-head is the default identity"
run_ok "id list" "$DETENTE" --home "$D" id list
is "$(cut -c3- "$OUT" | awk '{print $1}' | sort | tr '\n' ' ')" \
    "ru-expert ru-head us-expert us-head " "four demo identities"
run_ok "verify the demo" dd verify
like "$(cat "$OUT")" '^OK: [0-9]+ entries in 4 feeds$' "demo verifies with the key"
run_ok "verify the demo without the key" "$DETENTE" --home "$D" verify --no-key
run_ok "dialogue list" dd dialogue list
like "$(cat "$OUT")" 'RU,US  [0-9]+ entries  Russia–US expert dialogue on international information security$' "demo title"
run_ok "log" dd log
for k in meeting-open agenda agenda-status note statement commitment endorsement; do
	like "$(cat "$OUT")" "  $k " "log has a $k entry"
done
is "$(grep -c '  agenda  ' "$OUT")" 4 "four agenda items"
like "$(cat "$OUT")" 'Nuclear Risk Reduction Centers' "agenda point 2"
like "$(cat "$OUT")" '1972 Incidents at Sea' "agenda point 3"
like "$(cat "$OUT")" 'elect' "agenda point 4"
like "$(cat "$OUT")" 'Москве' "a note in Russian"
like "$(cat "$OUT")" '^    \^ endorsed by RU, US \(agreed\)$' "commitment endorsed by both heads"
run_ok "log --lang ru" dd log --lang ru
like "$(cat "$OUT")" 'информационной безопасности' "agenda has a Russian translation"
run_ok "meeting list" dd meeting list
like "$(cat "$OUT")" '^  > 1\. ' "item 1 is current"
run_ok "commitments" dd commitments
like "$(cat "$OUT")" '^[0-9a-f]{8}  US  owner: .*  due: [0-9]{1,2} [A-Z][a-z]+ [0-9]{4}  status: accepted  meeting 1$' "US commitment"
run_ok "a demo delegate can write" dd --as us-expert add note "from the demo"
run_ok "verify after writing" dd verify
run_fails 1 "demo twice refuses" "$DETENTE" --home "$D" demo
like "$(cat "$ERR")" '^detente: this home already has a demo: ' "says so"
is "$(ls "$D/dialogues" | wc -l | tr -d ' ')" 1 "still one dialogue"
done_testing
