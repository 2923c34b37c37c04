#!/bin/sh
# 12-help.sh: every command's --help under a message catalogue.
#
# gettext("") returns the catalogue's header ("Project-Id-Version: ...",
# "Content-Type: ..."), not "": a command whose usage string is empty
# (`checkpoint`, `demo`) once printed that header as its usage.  This test
# builds a small catalogue with msgfmt (a header and one translated
# message, so that it can tell the catalogue is in use), runs
# `detente COMMAND --help` and `detente help COMMAND` for every command
# that `detente help` lists, and looks for the header in what they print.
. "$(dirname "$0")/../tap.sh"

command -v msgfmt >/dev/null 2>&1 || plan skip_all "no msgfmt"

CAT=$TEST_TMP/locale
mkdir -p "$CAT/xx/LC_MESSAGES"
cat >"$TEST_TMP/xx.po" <<'EOF'
msgid ""
msgstr ""
"Project-Id-Version: detente-test 1\n"
"Content-Type: text/plain; charset=UTF-8\n"
"Content-Transfer-Encoding: 8bit\n"

msgid "unknown command"
msgstr "XX unknown command"
EOF
msgfmt -o "$CAT/xx/LC_MESSAGES/detente.mo" "$TEST_TMP/xx.po" ||
    bail_out "msgfmt failed"

run_ok "detente help" "$DETENTE" help
cmds=$(awk '/^Commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 }' "$OUT")
ok '[ "$(echo "$cmds" | wc -w)" -ge 20 ]' "it lists the commands"
like "$cmds" '^checkpoint$' "checkpoint among them"

DETENTE_LOCALEDIR=$CAT
LANGUAGE=xx
export DETENTE_LOCALEDIR LANGUAGE

# The control: the catalogue is in use, so the checks below can fail.
run_fails 2 "an unknown command" "$DETENTE" no-such-command
like "$(cat "$ERR")" '^detente: XX unknown command: no-such-command' \
    "the error line comes from the test catalogue"

for c in $cmds; do
	for form in "$c --help" "help $c"; do
		# shellcheck disable=SC2086 # $form is two words on purpose
		run_ok "detente $form" "$DETENTE" $form
		all=$(cat "$OUT" "$ERR")
		unlike "$all" 'Project-Id-Version|Content-Type|Content-Transfer' \
		    "detente $form prints no catalogue header"
		like "$(sed -n 1p "$OUT")" "^usage: detente \[global options\] $c( |\$)" \
		    "detente $form starts with the usage line"
	done
done

# Subcommands take --help too; and the global help.
for form in "seal propose --help" "seal cosign --help" "proof check -h" \
    "--help"; do
	# shellcheck disable=SC2086
	run_ok "detente $form" "$DETENTE" $form
	unlike "$(cat "$OUT" "$ERR")" 'Project-Id-Version|Content-Type' \
	    "detente $form prints no catalogue header"
done
is "$(sed -n 1p "$TEST_TMP/out")" \
    "usage: detente [--home DIR] [--passphrase-file F] [--as NAME] [--dialogue ID] COMMAND [ARGS]" \
    "the global usage line"
run_ok "detente checkpoint --help" "$DETENTE" checkpoint --help
is "$(sed -n 1p "$OUT")" "usage: detente [global options] checkpoint" \
    "a command without arguments: nothing after its name"
done_testing
