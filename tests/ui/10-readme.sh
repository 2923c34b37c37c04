#!/bin/sh
# 10-readme.sh: the picture of the terminal UI in README.md is what
# `detente demo` then `detente ui` shows, with a draft typed on the input
# line: the test opens the demo in tmux at 100x30, takes the screen, and
# compares it with the README's picture (the block after the line
# "<!-- ui-picture: ... -->"), times, dates and short ids aside.
#
# `make readme-picture` runs this with DETENTE_README_UPDATE=1, which
# writes the screen it took into README.md (in the source tree) instead.
. "$(dirname "$0")/../tap.sh"
. "$(dirname "$0")/tmux.lib"
ui_need_tmux

README=$abs_top_srcdir/README.md
DRAFT='The US side will circulate the draft agenda'
[ -f "$README" ] || bail_out "no README.md at $README"

ui_demo
ui_start main -x 100 -y 30 "$DETENTE" --home "$H" --passphrase-file "$P" ui
ui_wait main '^note>' "the demo opens in the UI"
ui_type main "$DRAFT"
ui_wait main "^note> $DRAFT" "the draft is on the input line"
ui_screen main | sed 's/[[:space:]]*$//' >"$TEST_TMP/screen"
# the last line is the input line; nothing after it
sed -i -e :a -e '/^\n*$/{$d;N;ba' -e '}' "$TEST_TMP/screen"

# picture FILE: the README's picture (the fenced block after the marker).
picture()
{
	awk '/^<!-- ui-picture:/ { on = 1; next }
	    on == 1 && /^```/ { on = 2; next }
	    on == 2 && /^```/ { exit }
	    on == 2 { print }' "$1"
}
# volatile: what changes from one demo to the next (when it was made,
# the entries' hashes) becomes a fixed placeholder of the same width.
volatile()
{
	sed -E -e 's/[0-9]{4}-[0-9]{2}-[0-9]{2}/YYYY-MM-DD/g' \
	    -e 's/(^|[^0-9])[0-9]{2}:[0-9]{2}([^0-9]|$)/\1HH:MM\2/g' \
	    -e 's/(^|[^0-9a-f])[0-9a-f]{8}([^0-9a-f]|$)/\1xxxxxxxx\2/g' \
	    -e 's/(^|[^0-9a-f])[0-9a-f]{8}([^0-9a-f]|$)/\1xxxxxxxx\2/g'
}

if [ "${DETENTE_README_UPDATE:-}" = 1 ]; then
	awk -v shot="$TEST_TMP/screen" '
	    /^<!-- ui-picture:/ { print; on = 1; next }
	    on == 1 && /^```/ { print; while ((getline l < shot) > 0) print l
	        on = 2; next }
	    on == 2 && /^```/ { on = 0 }
	    on == 2 { next }
	    { print }' "$README" >"$TEST_TMP/README.new" &&
	    cp "$TEST_TMP/README.new" "$README"
	pass "README.md's picture rewritten from the screen"
fi

picture "$README" >"$TEST_TMP/readme"
ok '[ -s "$TEST_TMP/readme" ]' "README.md has a marked picture"
volatile <"$TEST_TMP/readme" >"$TEST_TMP/readme.v"
volatile <"$TEST_TMP/screen" >"$TEST_TMP/screen.v"
if cmp -s "$TEST_TMP/readme.v" "$TEST_TMP/screen.v"; then
	pass "the README's picture is what the demo shows"
else
	fail "the README's picture is what the demo shows (make readme-picture)"
	diff -u "$TEST_TMP/readme.v" "$TEST_TMP/screen.v" | sed 's/^/# /'
fi
done_testing
