#!/bin/sh
# 16-readme-tour.sh: README.md's tour (the block after the line
# "<!-- readme-tour: ... -->") runs as it is written, from a directory
# where ./detente is the program just built (given the demo passphrase
# by a file), with /tmp/tour and /tmp/auditor moved into the test's own
# directory; every "# OK: ..." comment in it is a line the tour prints,
# in that order.  So the README's tour cannot drift from the program.
. "$(dirname "$0")/../tap.sh"

command -v minisign >/dev/null 2>&1 || plan skip_all "no minisign (the tour uses it)"
README=$abs_top_srcdir/README.md
W=$TEST_TMP/run
mkdir -p "$W"
printf 'demo\n' >"$TEST_TMP/pass"
chmod 600 "$TEST_TMP/pass"
cat >"$W/detente" <<EOS
#!/bin/sh
exec "$DETENTE" --passphrase-file "$TEST_TMP/pass" "\$@"
EOS
chmod +x "$W/detente"

awk '/^<!-- readme-tour:/ { on = 1; next }
    on == 1 && /^```/ { on = 2; next }
    on == 2 && /^```/ { exit }
    on == 2 { print }' "$README" >"$TEST_TMP/tour.sh"
ok '[ -s "$TEST_TMP/tour.sh" ]' "README.md has a marked tour"
ok 'grep -q "^H=/tmp/tour$" "$TEST_TMP/tour.sh"' "it starts in /tmp/tour"
sed -e "s|/tmp/tour|$TEST_TMP/tour|g" -e "s|/tmp/auditor|$TEST_TMP/auditor|g" \
    "$TEST_TMP/tour.sh" >"$W/tour.sh"

(cd "$W" && sh -e ./tour.sh) >"$OUT" 2>"$ERR"
rc=$?
is "$rc" 0 "the tour runs to its end"
[ "$rc" -eq 0 ] || diag_file "$ERR"

# The "# OK: ..." comments, in order, each a line of the output.
grep -o '# OK: .*' "$TEST_TMP/tour.sh" | sed 's/^# //' >"$TEST_TMP/claims"
ok '[ "$(wc -l <"$TEST_TMP/claims")" -ge 2 ]' "the tour claims what verify prints"
awk 'NR == FNR { want[++n] = $0; next }
    i < n && $0 == want[i + 1] { i++ }
    END { for (j = i + 1; j <= n; j++) print want[j] }' \
    "$TEST_TMP/claims" "$OUT" >"$TEST_TMP/missing"
is "$(cat "$TEST_TMP/missing")" "" "every OK: line the README shows is printed, in order"
like "$(cat "$OUT")" '^OK$' "audit says OK"
done_testing
