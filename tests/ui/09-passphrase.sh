#!/bin/sh
# 09-passphrase.sh: the passphrase prompt on a real terminal (tmux).
# Echo is off before a prompt is written and typed-ahead input is kept, so
# a passphrase typed before its prompt appears is neither shown nor lost;
# a wrong passphrase is asked for again (3 tries in all), but not when it
# comes from a file; a new passphrase of fewer than 8 characters is
# refused.
. "$(dirname "$0")/../tap.sh"
. "$(dirname "$0")/tmux.lib"

ui_need_tmux
ui_demo
H2=$TEST_TMP/h2

# 1. Both lines of a new passphrase typed at once, at the first prompt:
# the second is typed before "Repeat the passphrase:" appears.
ui_start n "$DETENTE" --home "$H2" id new --name tty-one --kdf min
ui_wait n '^New passphrase for tty-one:' "id new asks for a new passphrase"
tm send-keys -t t:n 'typed-ahead-secret' Enter 'typed-ahead-secret' Enter
is "$(ui_rc_wait n)" 0 "the typed-ahead repeat is read, not discarded"
ui_wait n '^created identity tty-one' "the identity is created"
unlike "$(ui_screen n)" 'typed-ahead-secret' "neither line was echoed"
like "$(cat "$TEST_TMP/n.stty")" '(^|[^-])echo ' "echo is on again afterwards"
like "$(ui_screen n)" '^Repeat the passphrase: *$' "the repeat prompt showed"

# 2. A short new passphrase: refused, in characters (8 Cyrillic letters
# are enough, 7 are not).
ui_start s "$DETENTE" --home "$H2" id new --name tty-short --kdf min
ui_wait s '^New passphrase for tty-short:' "id new asks"
tm send-keys -t t:s 'abc' Enter 'abc' Enter
is "$(ui_rc_wait s)" 2 "a 3-character passphrase is refused"
ui_wait s 'passphrase is too short: tty-short: choose one of at least 8' \
    "and says so"
ok '[ ! -e "$H2/identities/tty-short.key" ]' "no key file is written"
ui_start c7 "$DETENTE" --home "$H2" id new --name tty-seven --kdf min
ui_wait c7 '^New passphrase for tty-seven:' "id new asks"
ui_type c7 'пароль1'
ui_key c7 Enter
ui_type c7 'пароль1'
ui_key c7 Enter
is "$(ui_rc_wait c7)" 2 "7 characters (12 bytes) are too few"
ui_start c8 "$DETENTE" --home "$H2" id new --name tty-eight --kdf min
ui_wait c8 '^New passphrase for tty-eight:' "id new asks"
ui_type c8 'парольчик'
ui_key c8 Enter
ui_type c8 'парольчик'
ui_key c8 Enter
is "$(ui_rc_wait c8)" 0 "9 Cyrillic characters are enough"

# 3. A wrong passphrase, then the right one, on the terminal.
# (PAGER=cat: on a terminal log pages its output, which is not tested here)
ui_start r -e PAGER=cat "$DETENTE" --home "$H" log
ui_wait r '^Passphrase for ru-head:' "log asks for the passphrase"
ui_type r 'wrong-guess'
ui_key r Enter
ui_wait r '^Wrong passphrase; try again\.' "a wrong one is asked for again"
ui_poll r '^Passphrase for ru-head:.*' 5
n=$(ui_screen r | grep -c '^Passphrase for ru-head:')
is "$n" 2 "the prompt is shown again"
ui_type r 'demo'
ui_key r Enter
is "$(ui_rc_wait r)" 0 "the right one on the second try unlocks"
unlike "$(ui_screen r)" 'wrong-guess' "the wrong one was not echoed"

# 4. Three wrong ones: the last error line, exit 2.
ui_start w3 -e PAGER=cat "$DETENTE" --home "$H" log
for i in 1 2 3; do
	# Wait (at most 15 s) for the i-th prompt before typing.
	n=0
	while [ "$(ui_screen w3 | grep -c '^Passphrase for ru-head:')" -lt "$i" ] &&
	    [ $n -lt 150 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	ui_type w3 "bad-$i"
	ui_key w3 Enter
done
is "$(ui_rc_wait w3)" 2 "three wrong passphrases end it with 2"
ui_wait w3 'detente: wrong passphrase: ru-head' "with the one error line"
is "$(ui_screen w3 | grep -c '^Passphrase for ru-head:')" 3 "after 3 tries"

# 5. From a file: no second try (the file would give the same line).
(umask 077 && printf 'not it\n' >"$TEST_TMP/wrong")
ui_start f "$DETENTE" --home "$H" --passphrase-file "$TEST_TMP/wrong" log
is "$(ui_rc_wait f)" 2 "a wrong passphrase file exits at once"
unlike "$(ui_screen f)" 'try again\.' "without asking again"

# 6. id passwd on the terminal: the old passphrase, then the new one
# twice; two new ones that differ change nothing.
ui_start p "$DETENTE" --home "$H2" id passwd tty-eight
ui_wait p '^Passphrase for tty-eight:' "id passwd asks for the old one"
ui_type p 'парольчик'
ui_key p Enter
ui_wait p '^New passphrase for tty-eight:' "then for the new one"
ui_type p 'new-secret-1'
ui_key p Enter
ui_wait p '^Repeat the passphrase:' "twice"
ui_type p 'new-secret-2'
ui_key p Enter
is "$(ui_rc_wait p)" 2 "two different new ones are refused"
ui_wait p 'passphrases differ' "and it says so"
ui_start p2 "$DETENTE" --home "$H2" id passwd tty-eight
ui_wait p2 '^Passphrase for tty-eight:' "asked again"
ui_type p2 'парольчик'
ui_key p2 Enter
ui_wait p2 '^New passphrase for tty-eight:' "new"
ui_type p2 'new-secret-1'
ui_key p2 Enter
ui_wait p2 '^Repeat the passphrase:' "repeat"
ui_type p2 'new-secret-1'
ui_key p2 Enter
is "$(ui_rc_wait p2)" 0 "the same new one twice changes it"
ui_wait p2 'the key is the same \(fingerprint' "keeping the key"
unlike "$(ui_screen p2)" 'new-secret' "nothing was echoed"
(umask 077 && printf 'new-secret-1\n' >"$TEST_TMP/n1" &&
    printf 'парольчик\n' >"$TEST_TMP/o1")
ui_start p3 "$DETENTE" --home "$H2" --passphrase-file "$TEST_TMP/n1" \
    id export --hex tty-eight
is "$(ui_rc_wait p3)" 0 "export needs no passphrase (sanity)"
ui_start p4 "$DETENTE" --home "$H2" --passphrase-file "$TEST_TMP/o1" \
    id passwd --new-passphrase-file "$TEST_TMP/o1" tty-eight
is "$(ui_rc_wait p4)" 2 "the old passphrase no longer opens it"
ui_start p5 "$DETENTE" --home "$H2" --passphrase-file "$TEST_TMP/n1" \
    id passwd --new-passphrase-file "$TEST_TMP/o1" tty-eight
is "$(ui_rc_wait p5)" 0 "the new one does"

done_testing
