#!/bin/sh
# 99-report-order.sh: which entry a failure names when several fail
# (docs/FORMAT.md, section 7 and "Importing a bundle").  A bundle with two
# forged entries, X (the larger author key) before Y in the bundle's
# order: `bundle import`, and `audit` and `minutes verify --bundle` (which
# import it into a temporary store), name X, the first in import order.
# The same two entries damaged in a store: `verify` and `audit` name Y,
# whose feed comes first in section 7's walk (pass 2, authors ascending).
. "$(dirname "$0")/../tap.sh"
. "$_tap_lib_dir/cli/common.inc"
. "$_tap_lib_dir/cli/two-homes.inc"

two_homes || bail_out "cannot make a dialogue"
join_b || bail_out "cannot join"
RUDEL=$(A id export --hex ru-del)
USDEL=$(B id export --hex us-del)
A --as ru-head meeting open --title "First round" >/dev/null ||
    bail_out "cannot open a meeting"
sync_both || bail_out "cannot sync"
# X writes first, then Y, each a note (seq 0 of its feed), so that X
# comes first in the bundle (merged order) and Y first in section 7.
if [ "$(printf '%s\n%s\n' "$RUDEL" "$USDEL" | LC_ALL=C sort | head -n 1)" = "$USDEL" ]; then
	X=$RUDEL Y=$USDEL XN=ru-del YN=us-del
	A --as ru-del add note "X" >/dev/null || bail_out "note X"
	sync_both || bail_out "cannot sync"
	B --as us-del add note "Y" >/dev/null || bail_out "note Y"
else
	X=$USDEL Y=$RUDEL XN=us-del YN=ru-del
	B --as us-del add note "X" >/dev/null || bail_out "note X"
	sync_both || bail_out "cannot sync"
	A --as ru-del add note "Y" >/dev/null || bail_out "note Y"
fi
sync_both || bail_out "cannot sync"
A bundle export -o "$TEST_TMP/all.dtb" >/dev/null || bail_out "export"
forge_bundle "$TEST_TMP/all.dtb" "$TEST_TMP/x.dtb" "$X" 0
forge_bundle "$TEST_TMP/x.dtb" "$TEST_TMP/xy.dtb" "$Y" 0
printf '# minutes\n' >"$TEST_TMP/m.md"

run_fails 1 "audit of the bundle fails" A audit --no-key "$TEST_TMP/xy.dtb"
like "$(tail -n 1 "$OUT")" "^FAILED: .*author ($X|$XN) seq 0 " \
    "audit of a bundle names X, first in import order"
run_fails 1 "minutes verify --bundle fails" \
    A minutes verify "$TEST_TMP/m.md" --bundle "$TEST_TMP/xy.dtb"
like "$(tail -n 1 "$OUT")" "^FAILED: .*author ($X|$XN) seq 0 " \
    "minutes verify --bundle names X"
rm -rf "$TEST_TMP/C"
run_fails 1 "a join of it fails" "$DETENTE" --home "$TEST_TMP/C" \
    dialogue join --yes "$TEST_TMP/xy.dtb"
like "$(cat "$ERR")" "bad signature: author $X, seq 0" "the join names X"

# The same two entries damaged in A's store: section 7's order.
DB=$HA/dialogues/$DID/data.mdb
ok '[ "$(flip_entry_in "$DB" "$X" 0 150)" -ge 1 ]' "X damaged in the store"
ok '[ "$(flip_entry_in "$DB" "$Y" 0 150)" -ge 1 ]' "Y damaged in the store"
run_fails 1 "verify fails" A verify
like "$(tail -n 1 "$OUT")" "^FAILED: .*author ($Y|$YN) seq 0 " \
    "verify names Y, whose feed comes first"
run_fails 1 "audit of the store fails" A audit --no-key "$HA/dialogues/$DID"
like "$(tail -n 1 "$OUT")" "^FAILED: .*author ($Y|$YN) seq 0 " \
    "audit of a store names Y"
done_testing
