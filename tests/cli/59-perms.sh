#!/bin/sh
# 59-perms.sh: a home that others could tamper with is refused, as ssh
# refuses (StrictModes): a home, identities/ or dialogues/ that group or
# others can write to; a key file that group or others can read or write;
# identities/ or a key file that is a symbolic link; a key file of another
# user.  A passphrase file others can read is used, with a warning; so is
# a key file named with --key-file (it may sit on a FAT stick).
. "$(dirname "$0")/../tap.sh"
. "$_tap_lib_dir/cli/common.inc"

new_dialogue || bail_out "cannot make a dialogue"
dt --as ru-del meeting open >/dev/null 2>&1 || bail_out "cannot write"
K=$H/identities/ru-head.key

run_ok "a home of 0700 directories and 0600 keys is used" dt --as ru-head log
is "$(cat "$ERR")" "" "without a word"

for d in "$H" "$H/identities" "$H/dialogues"; do
	for m in 0777 0770 0702; do
		chmod "$m" "$d"
		run_fails 2 "${d#"$TEST_TMP"/} at $m is refused" dt --as ru-head log
		is "$(cat "$ERR")" "detente: others can write to this directory (mode $m): $d: run \`chmod go-w $d\`" \
		    "says which, and what to do"
		chmod 0700 "$d"
	done
done
chmod 0755 "$H"
run_ok "a home others can read but not write is used" dt --as ru-head log
chmod 0700 "$H"

for m in 0666 0644 0640 0604; do
	chmod "$m" "$K"
	run_fails 2 "a key file at $m is refused" dt --as ru-head log
	is "$(cat "$ERR")" "detente: others can access this key file (mode $m): $K: run \`chmod 600 $K\`" \
	    "says so, and how to fix it"
	run_ok "what needs no key still works" dt --as ru-head log --no-key
done
chmod 0400 "$K"
run_ok "a key file at 0400 is used" dt --as ru-head log
chmod 0600 "$K"

# Symbolic links: identities/ (to a safe directory, even), a key file.
mv "$H/identities" "$TEST_TMP/ids" && ln -s "$TEST_TMP/ids" "$H/identities"
run_fails 2 "a symbolic link for identities/ is refused" dt --as ru-head log
like "$(cat "$ERR")" "this is a symbolic link: $H/identities: keep identities" \
    "says so"
run_fails 2 "also for id list" dt id list
rm "$H/identities" && mv "$TEST_TMP/ids" "$H/identities"
mv "$K" "$TEST_TMP/ru-head.key" && ln -s "$TEST_TMP/ru-head.key" "$K"
run_fails 2 "a key file that is a symbolic link is refused" \
    dt --as ru-head log
like "$(cat "$ERR")" "this is a symbolic link: $K" "says so"
rm "$K" && mv "$TEST_TMP/ru-head.key" "$K"
ln -s "$H" "$TEST_TMP/home-link"
run_ok "the home itself may be a symbolic link" "$DETENTE" \
    --home "$TEST_TMP/home-link" --passphrase-file "$PASS" --as ru-head log

if [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1; then
	chown nobody "$K"
	run_fails 2 "a key file of another user is refused" dt --as ru-head log
	like "$(cat "$ERR")" "this belongs to another user: $K" "says so"
	chown 0 "$K"
	chown nobody "$H/identities"
	run_fails 2 "identities/ of another user is refused" dt --as ru-head log
	chown 0 "$H/identities"
else
	skip "not root: cannot give a file to another user" 3
fi

# The passphrase file: a warning, once, when others can read it.
cp "$PASS" "$TEST_TMP/open-pass" && chmod 0644 "$TEST_TMP/open-pass"
run_ok "a passphrase file others can read is used" "$DETENTE" --home "$H" \
    --passphrase-file "$TEST_TMP/open-pass" --as ru-head log
is "$(cat "$ERR")" "detente: warning: others can read the passphrase file (mode 0644): $TEST_TMP/open-pass: run \`chmod go-rw $TEST_TMP/open-pass\`" \
    "with one warning line"
chmod 0600 "$TEST_TMP/open-pass"
run_ok "at 0600" "$DETENTE" --home "$H" \
    --passphrase-file "$TEST_TMP/open-pass" --as ru-head log
is "$(cat "$ERR")" "" "no warning"

# --key-file: a warning, the file is used.
dt bundle export -o "$TEST_TMP/all.dtb" >/dev/null 2>&1
cp "$H/identities/ru-del.key" "$TEST_TMP/stick.key"
chmod 0644 "$TEST_TMP/stick.key"
run_ok "audit --key-file with a key file others can read" \
    dt audit "$TEST_TMP/all.dtb" --key-file "$TEST_TMP/stick.key"
like "$(cat "$ERR")" "warning: others can access this key file \(mode 0644\)" \
    "warns"
like "$(cat "$OUT")" "^OK" "and audits with it"

done_testing
