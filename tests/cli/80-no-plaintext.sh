#!/bin/sh
# 80-no-plaintext.sh: after notes are written (from arguments, stdin and
# the demo), no file under the home holds their text or the passphrase:
# content is encrypted at rest and secret keys only in keystores.
. "$(dirname "$0")/../tap.sh"
. "$_tap_lib_dir/cli/common.inc"

new_dialogue || bail_out "cannot make a dialogue"
dt --as ru-head meeting open --title "Marker-meeting-title-77" >/dev/null
dt --as ru-del add note "Marker-note-arg-4711" >/dev/null
printf 'Маркер-заметки-из-stdin-0815\n' >"$TEST_TMP/in"
STDIN=$TEST_TMP/in run_ok "note from stdin" dt --as us-del add note
STDIN=
C=$(dt --as us-del add commitment --party US --owner "Marker-owner-99" \
    --due 2030-01-01 "Marker-commitment-1234")
dt --as ru-del correct "$C" "Marker-correction-5678" >/dev/null
run_ok "the notes are there, decrypted" dt --as ru-head log
like "$(cat "$OUT")" 'Marker-note-arg-4711' "argument note readable with the key"
like "$(cat "$OUT")" 'Маркер-заметки-из-stdin-0815' "stdin note readable with the key"

for m in Marker-note-arg-4711 Маркер-заметки-из-stdin-0815 \
    Marker-commitment-1234 Marker-owner-99 Marker-correction-5678 \
    Marker-meeting-title-77 "correct horse"; do
	ok '! grep -r -a -q -F -e "$m" "$H"' "no plaintext '$m' in any file of the home"
done
ok '[ -z "$(ls -d /dev/shm/detente-* 2>/dev/null)" ] || ! grep -r -a -q Marker /dev/shm/detente-* 2>/dev/null' \
    "nothing left on /dev/shm"
run_ok "demo" "$DETENTE" --home "$TEST_TMP/demo" demo
ok '! grep -r -a -q -F -e "Москве" "$TEST_TMP/demo"' "demo's Russian note is encrypted at rest"
ok '! grep -r -a -q -F -e "Nuclear Risk Reduction" "$TEST_TMP/demo"' "demo's agenda is encrypted at rest"
done_testing
