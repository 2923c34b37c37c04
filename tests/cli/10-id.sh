#!/bin/sh
# 10-id.sh: identities: id new/show/list/export, passphrase sources, the
# keystore file, and bad input (wrong passphrase, corrupted keystore,
# empty and unknown options).
. "$(dirname "$0")/../tap.sh"
. "$_tap_lib_dir/cli/common.inc"

run_ok "--version" "$DETENTE" --version
like "$(cat "$OUT")" '^detente [0-9]' "version printed"
run_ok "--help" "$DETENTE" --help
like "$(cat "$OUT")" '^  verify ' "help lists the commands"
run_ok "help id" "$DETENTE" help id
like "$(cat "$OUT")" '^usage: detente .*id new --name' "help id prints id's usage"
run_ok "id --help" "$DETENTE" id --help
like "$(cat "$OUT")" 'id show' "id --help prints usage from the table"
run_fails 2 "no command" "$DETENTE"
run_fails 2 "unknown command" "$DETENTE" frobnicate
like "$(cat "$ERR")" '^detente: unknown command: frobnicate: ' "one-line error"
run_fails 2 "unknown global option" "$DETENTE" --frob id list
run_fails 2 "empty --home" "$DETENTE" --home "" id list
like "$(cat "$ERR")" '^detente: empty value: --home' "empty --home named"
run_fails 2 "empty --as" "$DETENTE" --home "$H" --as "" id show
run_fails 2 "--home without a value" "$DETENTE" --home
run_fails 2 "help for an unknown command" "$DETENTE" help frob

# --- id new ------------------------------------------------------------------
run_ok "id new" dt id new --name alice --kdf min
like "$(cat "$OUT")" '^verifier key: alice\+[0-9a-f]{8}\+' "id new prints the verifier key"
ok '[ -f "$H/identities/alice.key" ]' "keystore file written"
is "$(stat -c %a "$H/identities/alice.key")" 600 "keystore mode 0600"
is "$(stat -c %a "$H/identities")" 700 "identities dir mode 0700"
is "$(stat -c %a "$H")" 700 "home dir mode 0700"
is "$(cat "$H/default")" alice "first identity becomes the default"
ok '! grep -q "correct horse" "$H/identities/alice.key"' "no passphrase in the keystore"
run_fails 2 "id new on an existing name" dt id new --name alice --kdf min
like "$(cat "$ERR")" '^detente: identity exists: ' "exists error"
run_fails 2 "id new without --name" dt id new --kdf min
run_fails 2 "id new with a bad name" dt id new --name "a b" --kdf min
run_fails 2 "id new with a '+' in the name" dt id new --name "a+b" --kdf min
run_fails 2 "id new with an unknown --kdf" dt id new --name bob --kdf weak
run_fails 2 "id new with an unknown option" dt id new --name bob --frob
run_fails 2 "id new with --kdf missing its value" dt id new --name bob --kdf
run_fails 2 "id with no subcommand" dt id
run_fails 2 "id with an unknown subcommand" dt id frob
: >"$TEST_TMP/empty"
run_fails 2 "empty passphrase refused" "$DETENTE" --home "$H" \
    --passphrase-file "$TEST_TMP/empty" id new --name bob --kdf min
ok '[ ! -e "$H/identities/bob.key" ]' "nothing written for an empty passphrase"
run_fails 2 "missing passphrase file" "$DETENTE" --home "$H" \
    --passphrase-file "$TEST_TMP/nope" id new --name bob --kdf min
like "$(cat "$ERR")" 'passphrase file: .*nope' "names the missing file"
ok '[ ! -e "$H/identities/bob.key" ]' "nothing written without a passphrase"
run_fails 2 "no terminal and no passphrase source" "$DETENTE" --home "$H" \
    id new --name bob --kdf min
# DETENTE_PASSPHRASE_FD: the passphrase on descriptor 3.
DETENTE_PASSPHRASE_FD=3 "$DETENTE" --home "$H" id new --name bob --kdf min \
    3<"$PASS" >"$OUT" 2>"$ERR"
is "$?" 0 "id new with DETENTE_PASSPHRASE_FD"
DETENTE_PASSPHRASE_FD=x "$DETENTE" --home "$H" id new --name carol \
    --kdf min >"$OUT" 2>"$ERR"
is "$?" 2 "DETENTE_PASSPHRASE_FD that is not a number"

# --- id show / list / export -------------------------------------------------
run_ok "id show (default identity, no passphrase)" "$DETENTE" --home "$H" id show
like "$(cat "$OUT")" '^identity: +alice$' "shows the default identity"
like "$(cat "$OUT")" '^verifier key: alice\+' "C2SP verifier key"
like "$(cat "$OUT")" '^fingerprint: +[0-9A-F]{4}( [0-9A-F]{4}){4}$' "fingerprint"
like "$(cat "$OUT")" '^untrusted comment: minisign public key [0-9A-F]{16}$' "minisign comment"
like "$(cat "$OUT")" '^RW[A-Za-z0-9+/]{54}$' "minisign key line"
run_ok "id show bob" "$DETENTE" --home "$H" id show bob
like "$(cat "$OUT")" '^identity: +bob$' "shows bob"
run_ok "--as bob id show" "$DETENTE" --home "$H" --as bob id show
like "$(cat "$OUT")" '^identity: +bob$' "--as picks bob"
run_fails 2 "id show of an unknown identity" "$DETENTE" --home "$H" id show nobody
like "$(cat "$ERR")" '^detente: no such identity: nobody: ' "unknown identity error"
run_ok "id list" "$DETENTE" --home "$H" id list
like "$(cat "$OUT")" '^\* alice ' "default marked"
like "$(cat "$OUT")" '^  bob ' "bob listed"
run_ok "id export --minisign" "$DETENTE" --home "$H" id export --minisign alice
is "$(wc -l <"$OUT" | tr -d ' ')" 2 "two-line minisign public key"
cp "$OUT" "$TEST_TMP/alice.pub"
run_ok "id export --vkey" "$DETENTE" --home "$H" id export --vkey alice
like "$(cat "$OUT")" '^alice\+[0-9a-f]{8}\+[A-Za-z0-9+/=]+$' "verifier key only"
run_ok "id export --hex" "$DETENTE" --home "$H" id export --hex alice
like "$(cat "$OUT")" '^[0-9a-f]{64}$' "hex key"
is "$(sed -n 2p "$TEST_TMP/alice.pub" | base64 -d | head -c 2)" Ed \
    "minisign key starts with the Ed signature algorithm"

# --- choosing an identity ----------------------------------------------------
rm -f "$H/default"
run_fails 2 "several identities and no default" "$DETENTE" --home "$H" id show
like "$(cat "$ERR")" 'several identities and no default: .*--as NAME' "says to use --as"
printf 'bob\n' >"$H/default"
run_ok "default file picks bob" "$DETENTE" --home "$H" id show
like "$(cat "$OUT")" '^identity: +bob$' "bob is the default"
DETENTE_HOME=$H "$DETENTE" id list >"$OUT" 2>"$ERR"
is "$?" 0 "DETENTE_HOME is used as the home"
like "$(cat "$OUT")" 'alice' "DETENTE_HOME lists alice"
XDG_DATA_HOME=$TEST_TMP/xdg "$DETENTE" --passphrase-file "$PASS" id new \
    --name xdg --kdf min >"$OUT" 2>"$ERR"
ok '[ -f "$TEST_TMP/xdg/detente/identities/xdg.key" ]' "XDG_DATA_HOME/detente is the default home"

# --- wrong passphrase and damaged keystore ------------------------------------
# A dialogue so that unlocking is needed.
"$DETENTE" --home "$H" --as alice --passphrase-file "$PASS" dialogue new \
    --title T --party A --party B --head "A=alice" --head "B=bob" \
    >"$OUT" 2>"$ERR"
is "$?" 0 "dialogue with alice and bob"
run_fails 2 "wrong passphrase" "$DETENTE" --home "$H" --as alice \
    --passphrase-file "$WRONG" meeting open
like "$(cat "$ERR")" '^detente: wrong passphrase: alice: ' "wrong passphrase error"
is "$(wc -l <"$ERR" | tr -d ' ')" 1 "exactly one error line"
run_ok "log still shows 2 entries" "$DETENTE" --home "$H" --as alice \
    --passphrase-file "$PASS" log --json
is "$(grep -c '"hash":' "$OUT")" 2 "nothing written with a wrong passphrase"

cp "$H/identities/alice.key" "$TEST_TMP/alice.bak"
# Flip one byte of the encrypted seed (the file's last bytes).
size=$(stat -c %s "$H/identities/alice.key")
printf '\377' | dd of="$H/identities/alice.key" bs=1 seek=$((size - 5)) \
    conv=notrunc 2>/dev/null
run_fails any "corrupted keystore (ciphertext)" "$DETENTE" --home "$H" \
    --as alice --passphrase-file "$PASS" meeting open
like "$(cat "$ERR")" '^detente: (wrong passphrase|corrupted keystore)' "clear error"
printf 'garbage' >"$H/identities/alice.key"
run_fails any "truncated keystore" "$DETENTE" --home "$H" --as alice \
    --passphrase-file "$PASS" meeting open
like "$(cat "$ERR")" '^detente: (corrupted keystore|cannot read the identity)' "truncated keystore is named"
run_fails any "id show of a truncated keystore" "$DETENTE" --home "$H" id show alice
cp "$TEST_TMP/alice.bak" "$H/identities/alice.key"
run_ok "restored keystore unlocks" "$DETENTE" --home "$H" --as alice \
    --passphrase-file "$PASS" log
done_testing
