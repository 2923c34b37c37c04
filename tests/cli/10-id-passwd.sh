#!/bin/sh
# 10-id-passwd.sh: `detente id passwd` changes a keystore's passphrase,
# and with --kdf its Argon2id limits, without changing the key: same
# public key, same fingerprint, same signatures in the record; the old
# passphrase stops working; a wrong old passphrase changes nothing; the
# file is replaced atomically, checked by killing the command (strace
# -e inject) before the rename and after it.
. "$(dirname "$0")/../tap.sh"
. "$_tap_lib_dir/cli/common.inc"

new_dialogue || bail_out "cannot make a dialogue"
K=$H/identities/ru-del.key
NEW=$TEST_TMP/new
printf 'battery staple\n' >"$NEW"
SHORT=$TEST_TMP/short
printf 'short\n' >"$SHORT"

# kdf FILE: "OPS MEM" of a keystore file (docs/FORMAT.md, section 3).
kdf()
{
	python3 -c 'import struct, sys
b = open(sys.argv[1], "rb").read()
print("%d %d" % struct.unpack(">QQ", b[8:24]))' "$1"
}
# salt FILE: the salt, hex.
salt()
{
	python3 -c 'import sys; print(open(sys.argv[1], "rb").read()[24:40].hex())' "$1"
}
# opens PASSFILE: ru-del unlocks with it (and reads the record).
opens()
{
	"$DETENTE" --home "$H" --as ru-del --passphrase-file "$1" \
	    log >/dev/null 2>&1
}

hex0=$(dt id export --hex ru-del)
fpr0=$(dt id show ru-del | sed -n 's/^fingerprint: *//p')
is "$(kdf "$K")" "1 8192" "ru-del was made with --kdf min"
salt0=$(salt "$K")
cp "$K" "$TEST_TMP/k0"

# 1. A wrong old passphrase: refused, the file untouched.
run_fails 2 "a wrong old passphrase is refused" "$DETENTE" --home "$H" \
    --passphrase-file "$WRONG" id passwd --new-passphrase-file "$NEW" ru-del
like "$(cat "$ERR")" 'wrong passphrase: ru-del' "it says so"
ok 'cmp -s "$K" "$TEST_TMP/k0"' "the keystore file is unchanged"
ok '! ls "$K".new* >/dev/null 2>&1' "nothing is left beside it"

# 2. A new passphrase too short, an unknown --kdf, limits out of bounds:
# refused, the file untouched.
run_fails 2 "a short new passphrase is refused" dt id passwd \
    --new-passphrase-file "$SHORT" ru-del
like "$(cat "$ERR")" 'new passphrase is too short' "it says so"
for bad in fast 0,64K 2,4K 17,64K 2,2G 2,64X 2, ,64K; do
	run_fails 2 "--kdf $bad is refused" dt id passwd \
	    --new-passphrase-file "$NEW" --kdf "$bad" ru-del
done
ok 'cmp -s "$K" "$TEST_TMP/k0"' "the keystore file is still unchanged"

run_fails 2 "the old passphrase from a file, no terminal for the new one" \
    setsid -w "$DETENTE" --home "$H" --passphrase-file "$PASS" id passwd ru-del
like "$(cat "$ERR")" 'no new passphrase: ru-del: give it with --new-passphrase-file F' \
    "it says where the new one can come from"
ok 'cmp -s "$K" "$TEST_TMP/k0"' "the keystore file is unchanged"

# 3. The change, with explicit limits.
run_ok "id passwd --kdf 2,64K" dt id passwd --new-passphrase-file "$NEW" \
    --kdf 2,64K ru-del
like "$(cat "$OUT")" "fingerprint $fpr0" "it names the same fingerprint"
like "$(cat "$OUT")" 'Argon2id: 2 passes, 64 KiB' "and the new limits"
is "$(kdf "$K")" "2 65536" "the file holds the new limits"
isnt "$(salt "$K")" "$salt0" "and a fresh salt"
is "$(dt id export --hex ru-del)" "$hex0" "the public key is the same"
is "$(stat -c %a "$K")" 600 "the file is mode 0600"
ok '! ls "$K".new* >/dev/null 2>&1' "nothing is left beside it"
ok '! opens "$PASS"' "the old passphrase no longer opens it"
ok 'opens "$NEW"' "the new one does"
run_ok "and signs as before" "$DETENTE" --home "$H" --as ru-del \
    --passphrase-file "$NEW" meeting open --title "After passwd"
run_ok "the record verifies with the new passphrase" "$DETENTE" \
    --home "$H" --as ru-del --passphrase-file "$NEW" verify
like "$(cat "$OUT")" '^OK:' "OK"

# 4. Without --kdf the limits are kept; a preset by name.
printf 'third passphrase\n' >"$TEST_TMP/third"
run_ok "id passwd without --kdf" "$DETENTE" --home "$H" \
    --passphrase-file "$NEW" id passwd --new-passphrase-file \
    "$TEST_TMP/third" ru-del
is "$(kdf "$K")" "2 65536" "the limits are kept"
run_ok "id passwd --kdf interactive" "$DETENTE" --home "$H" \
    --passphrase-file "$TEST_TMP/third" id passwd --kdf interactive \
    --new-passphrase-file "$NEW" ru-del
is "$(kdf "$K")" "2 67108864" "INTERACTIVE: 2 passes, 64 MiB"
run_ok "back to min" "$DETENTE" --home "$H" --passphrase-file "$NEW" \
    id passwd --kdf min --new-passphrase-file "$NEW" ru-del

# 5. From DETENTE_PASSPHRASE_FD: the old passphrase, then the new one.
printf 'battery staple\nfrom the descriptor\n' >"$TEST_TMP/fd"
run_ok "old and new from DETENTE_PASSPHRASE_FD" env \
    DETENTE_PASSPHRASE_FD=3 "$DETENTE" --home "$H" --as ru-del \
    id passwd 3<"$TEST_TMP/fd"
printf 'from the descriptor\n' >"$TEST_TMP/fdnew"
ok 'opens "$TEST_TMP/fdnew"' "the second line is the new passphrase"
is "$(dt id export --hex ru-del)" "$hex0" "the key is still the same"

# 6. Atomicity.  A kill before the rename leaves the old file (and a
# "NAME.key.new.XXXXXX" the next passwd removes); a kill after the rename, before the
# directory's fsync, leaves the new file.  Either way exactly one
# passphrase opens a complete keystore with the same key.
# traced CMD...: CMD under strace, with the further strace options in
# $TRACE.  LeakSanitizer cannot run under ptrace (the sanitizer build,
# build-aux/san-check): it is off for the traced process, the rest of
# ASan and UBSan stay on; outside that build it changes nothing.
traced()
{
	# shellcheck disable=SC2086 # $TRACE is several options
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
	    strace -f -o /dev/null $TRACE "$@"
}
if ! command -v strace >/dev/null 2>&1 ||
    ! strace -o /dev/null true >/dev/null 2>&1; then
	skip "strace cannot trace here" 14
else
	cp "$K" "$TEST_TMP/k1"
	TRACE="-e trace=rename,renameat,renameat2
	    -e inject=rename,renameat,renameat2:signal=KILL"
	run_fails 137 "killed at the rename" traced "$DETENTE" --home "$H" \
	    --passphrase-file "$TEST_TMP/fdnew" \
	    id passwd --new-passphrase-file "$NEW" ru-del
	ok 'cmp -s "$K" "$TEST_TMP/k1"' "the old keystore is intact"
	ok 'opens "$TEST_TMP/fdnew"' "the old passphrase still opens it"
	ok 'ls "$K".new.?????? >/dev/null 2>&1' "a leftover beside it"
	run_ok "id list does not show the leftover" dt id list
	unlike "$(cat "$OUT")" 'new' "no identity named after it"

	TRACE="-e trace=fsync -e inject=fsync:signal=KILL:when=1"
	run_fails 137 "killed at the first fsync (the new file's)" \
	    traced "$DETENTE" --home "$H" --passphrase-file "$TEST_TMP/fdnew" \
	    id passwd --new-passphrase-file "$NEW" ru-del
	ok 'cmp -s "$K" "$TEST_TMP/k1"' "the old keystore is intact"

	TRACE="-e trace=fsync -e inject=fsync:signal=KILL:when=2"
	run_fails 137 "killed at the directory's fsync, after the rename" \
	    traced "$DETENTE" --home "$H" --passphrase-file "$TEST_TMP/fdnew" \
	    id passwd --new-passphrase-file "$NEW" ru-del
	ok '! cmp -s "$K" "$TEST_TMP/k1"' "the new keystore is in place"
	ok 'opens "$NEW"' "the new passphrase opens it"
	ok '! opens "$TEST_TMP/fdnew"' "the old one does not"
	is "$(dt id export --hex ru-del)" "$hex0" "the key is the same"
	ok '! ls "$K".new* >/dev/null 2>&1' "the leftovers are gone"

	TRACE="-e trace=rename,renameat,renameat2
	    -e inject=rename,renameat,renameat2:error=EIO"
	run_fails 2 "a failing rename (EIO) is reported" traced "$DETENTE" \
	    --home "$H" --passphrase-file "$NEW" \
	    id passwd --new-passphrase-file "$PASS" ru-del
	like "$(cat "$ERR")" 'old keystore file is unchanged' "saying so"
	ok '! ls "$K".new* >/dev/null 2>&1 && opens "$NEW"' "and nothing changed"
fi

# 7. Two changes at once (two terminals): each renames a complete file
# of its own; the keystore ends whole, opened by one of the two new
# passphrases, with the same key.
cur=$NEW
printf 'first of two\n' >"$TEST_TMP/two1"
printf 'second of two\n' >"$TEST_TMP/two2"
"$DETENTE" --home "$H" --passphrase-file "$cur" id passwd \
    --new-passphrase-file "$TEST_TMP/two1" ru-del >/dev/null 2>&1 &
p1=$!
"$DETENTE" --home "$H" --passphrase-file "$cur" id passwd \
    --new-passphrase-file "$TEST_TMP/two2" ru-del >/dev/null 2>&1 &
p2=$!
wait $p1
wait $p2
n=0
opens "$TEST_TMP/two1" && n=$((n + 1))
opens "$TEST_TMP/two2" && n=$((n + 1))
is "$n" 1 "two changes at once: exactly one new passphrase opens it"
is "$(dt id export --hex ru-del)" "$hex0" "the key is the same"
ok '! ls "$K".new* >/dev/null 2>&1' "nothing is left beside it"

# 8. The whole record still verifies, with the same signatures.
run_ok "verify" dt --as ru-head verify
done_testing
