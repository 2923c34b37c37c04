#!/bin/sh
# 90-held-bounds.sh: what a replica holds for entries that wait is
# bounded.  A key that is not a member sends 300 entries of 200 KB, each
# waiting for a previous entry that never comes (a forged bundle, as
# docs/FORMAT.md lets anyone write one): at most 64 entries or 4 MiB of
# it are held, the import says what was not held and why, the store
# grows by no more than that, and importing the flood again holds no
# more.  A member's entries that wait are bounded only by the total, and
# are added once what they wait for arrives.  The time of a normal
# import before and after the flood is printed (not asserted: the
# machine is shared), with the store's size.
. "$(dirname "$0")/../tap.sh"
. "$_tap_lib_dir/cli/common.inc"
. "$_tap_lib_dir/cli/two-homes.inc"

if ! have_bt; then
	plan skip_all "bundle_tool.py needs python3-nacl, -cryptography, -argon2"
fi

# covers DATA: the LMDB file DATA is as long as its newer meta page says
# (the page size at byte 40; in each meta page, the last page number at
# byte 136 and the transaction id at 144).
covers()
{
	python3 -c '
import struct, sys
b = open(sys.argv[1], "rb").read()
ps = struct.unpack("<I", b[40:44])[0]
txn, last = max(struct.unpack("<QQ", b[m + 136:m + 152])[::-1]
                for m in (0, ps))
sys.exit(0 if len(b) >= (last + 1) * ps else 1)' "$1"
}

# ms_import FILE: the median of five imports of FILE into B, in ms.
ms_import()
{
	for _i in 1 2 3 4 5; do
		_s=$(date +%s%N)
		B bundle import "$1" >/dev/null 2>&1
		_e=$(date +%s%N)
		echo $(((_e - _s) / 1000000))
	done | sort -n | sed -n 3p
}

two_homes || bail_out "cannot make a dialogue"
join_b || bail_out "cannot join"
A --as ru-head meeting open >/dev/null || bail_out "meeting open"
for n in 1 2 3 4 5 6 7 8; do
	A --as ru-del add note "note $n" >/dev/null || bail_out "note"
done
A bundle export -o "$TEST_TMP/all.dtb" >/dev/null || bail_out "export"
run_ok "B imports the record" B bundle import "$TEST_TMP/all.dtb"
STORE=$HB/dialogues/$DID
N=$(BT list "$TEST_TMP/all.dtb" | wc -l | tr -d ' ')
KB0=$(du -sk "$STORE" | cut -f1)
MS0=$(ms_import "$TEST_TMP/all.dtb")

# --- a flood from a key that is not a member ----------------------------------
BT flood "$TEST_TMP/all.dtb" "$TEST_TMP/flood.dtb" 300 200000
is "$(BT check "$TEST_TMP/flood.dtb")" "ok $((N + 300))" "a sound, signed bundle"
run_ok "the flood imports (the record does not change)" \
    B bundle import "$TEST_TMP/flood.dtb"
HELD=$(sed -n 's/^0 new, [0-9]* already known, \([0-9]*\) held$/\1/p' "$OUT")
ok '[ -n "$HELD" ] && [ "$HELD" -ge 1 ] && [ "$HELD" -le 64 ] && [ $((HELD * 200000)) -le 4194304 ]' \
    "at most 64 entries and 4 MiB held ($HELD)"
like "$(cat "$ERR")" "^detente: warning: $((300 - HELD)) entries of the bundle \\([0-9]+ bytes\\) wait for entries this replica has not received and were not held, as its author is not a member, and one such author may have at most 64 entries or 4 MiB held; the first: author [0-9a-f]{64}, seq $((HELD + 1)), hash [0-9a-f]{64}: " \
    "says what was not held, why, and which entry first"
like "$(cat "$ERR")" 'carries them again$' "and what the user can do"
is "$(wc -l <"$ERR" | tr -d ' ')" 1 "one line"
KB1=$(du -sk "$STORE" | cut -f1)
ok '[ $((KB1 - KB0)) -le 6144 ]' "the store grew by $((KB1 - KB0)) KB, no more than the bound and LMDB's pages"
run_ok "the flood again" B bundle import "$TEST_TMP/flood.dtb"
like "$(cat "$OUT")" "^0 new, [0-9]+ already known, $HELD held\$" "holds no more"
like "$(cat "$ERR")" "^detente: warning: $((300 - HELD)) entries " "and says so again"
KB2=$(du -sk "$STORE" | cut -f1)
ok '[ $((KB2 - KB0)) -le 6144 ]' "the store stays bounded ($KB2 KB)"
run_ok "verify" B verify
MS1=$(ms_import "$TEST_TMP/all.dtb")
diag "store: $KB0 KB before the flood, $KB1 KB after it, $KB2 KB after it again"
diag "a normal import: $MS0 ms before the flood, $MS1 ms after it (ratio $(awk -v a="$MS1" -v b="$MS0" 'BEGIN { printf("%.2f", (b > 0) ? a / b : 0) }'))"

# --- a member's entries that wait: bounded by the total only ----------------
B bundle state -o "$TEST_TMP/b.state" >/dev/null || bail_out "state"
i=0
while [ $i -lt 70 ]; do
	A --as ru-del add note "later note $i" >/dev/null || bail_out "note"
	i=$((i + 1))
done
A bundle export --since "$TEST_TMP/b.state" -o "$TEST_TMP/since.dtb" \
    >/dev/null || bail_out "export --since"
BT forge dropfirst "$TEST_TMP/since.dtb" "$TEST_TMP/gap.dtb" \
    "$HA/identities/ru-del.key" "$PASS"
run_ok "a member's 69 entries after a gap" B bundle import "$TEST_TMP/gap.dtb"
like "$(cat "$OUT")" "^0 new, 0 already known, $((HELD + 69)) held\$" \
    "are all held, more than an unknown author's 64"
is "$(cat "$ERR")" "" "with no warning"
run_ok "what they wait for arrives" B bundle import "$TEST_TMP/since.dtb"
like "$(cat "$OUT")" "^70 new, 0 already known, $HELD held\$" \
    "all 70 are added, and the 69 held rows let go"
# The import put held rows and dropped them in one transaction: LMDB
# counts pages it never wrote, and the data file must still cover them,
# or the store no longer opens (store.c, cover_pages()).
ok 'covers "$STORE/data.mdb"' "the data file covers every page its meta page counts"
run_ok "verify" B verify
is "$(hashes "$HB")" "$(hashes "$HA")" "B holds what A holds"

done_testing
