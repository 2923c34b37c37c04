#!/bin/sh
# 66-removed-writes.sh: a removed member's own writing that crosses its
# removal, on three homes: A (RU's head), C (ru-del's own laptop, offline
# when the removal is written) and B (the other side, US).
#
# For each of several seeds: ru-head removes ru-del on A while ru-del,
# on C, writes notes (and a checkpoint) without having seen it; then the
# three homes write and exchange bundles in a seeded random
# interleaving (C's writes stop being possible once C has the removal).
# After a last exchange among all three: every replica holds the same
# entries in the same merged order; verify exits 3 (valid, with
# evidence), with and without the key, naming each entry ru-del wrote at
# a clock above its removal as "written after its author's removal"; the
# three agree on those entries; none of their text is shown by log or
# in the minutes; `evidence --faults` exports them; and every member
# still writes.  Before detente kept such entries as member faults, a
# replica that had the removal refused them and one that had them first
# refused the removal, so the replicas stayed apart.
#
# DETENTE_SEEDS replays given seeds (default three fixed ones);
# DETENTE_ROUNDS sets the number of random steps per seed (default 16).
. "$(dirname "$0")/../tap.sh"
. "$_tap_lib_dir/cli/common.inc"
. "$_tap_lib_dir/cli/two-homes.inc"

SEEDS=${DETENTE_SEEDS:-"7 20261207 31337"}
ROUNDS=${DETENTE_ROUNDS:-16}
HC=$TEST_TMP/C

C()
{
	"$DETENTE" --home "$HC" --passphrase-file "$PASS" "$@"
}

rnd()
{
	SEED=$(((SEED * 1103515245 + 12345) % 2147483648))
	R=$(((SEED / 65536) % $1))
}

# ship FROM TO: every entry FROM holds that TO lacks, by a --since bundle.
ship()
{
	"$2" bundle state -o "$TEST_TMP/ship.state" --force >/dev/null &&
	    "$1" bundle export --since "$TEST_TMP/ship.state" \
	    -o "$TEST_TMP/ship.dtb" --force >/dev/null &&
	    "$2" bundle import "$TEST_TMP/ship.dtb" >/dev/null
}

# removed_faults H: the hashes verify names as written after removal.
removed_faults()
{
	"$1" verify --no-key | sed -n \
	    's/^member fault: .* \([0-9a-f]\{64\}\): written after its author.s removal$/\1/p' |
	    sort
}

for SEED in $SEEDS; do
	s=$SEED
	note "seed $s (replay with DETENTE_SEEDS=$s)"
	rm -rf "$HA" "$HB" "$HC" "$TEST_TMP/genesis.dtb"
	two_homes || bail_out "cannot make a dialogue"
	join_b || bail_out "cannot join"
	A --as ru-head meeting open >/dev/null || bail_out "no meeting"
	A --as ru-del add note "ru-del before its removal" >/dev/null ||
	    bail_out "cannot write"
	sync_both || bail_out "cannot sync"
	# ru-del's laptop: a copy of A's home as it is now
	cp -R "$HA" "$HC" || bail_out "cannot copy the home"

	run_ok "seed $s: ru-head removes ru-del on A" A --as ru-head \
	    member remove --reason "left" ru-del
	# ru-del, offline, writes on: the first note may share the
	# removal's clock (concurrent, not a fault); the next ones follow
	nw=0
	for k in 1 2 3; do
		C --as ru-del add note "OFFLINE-$s-$k by ru-del" >/dev/null &&
		    nw=$((nw + 1))
	done
	C --as ru-del checkpoint >/dev/null && nw=$((nw + 1))
	is "$nw" 4 "seed $s: ru-del writes offline, not knowing of its removal"
	n=0
	i=0
	while [ "$i" -lt "$ROUNDS" ]; do
		i=$((i + 1))
		rnd 11
		case $R in
		0) A --as ru-head add note "ru-head $i" >/dev/null ;;
		1) B --as us-del add note "us-del $i" >/dev/null ;;
		2) # refused once C holds the removal
		   C --as ru-del add note "OFFLINE-$s-r$i by ru-del" \
		       >/dev/null 2>&1; true ;;
		3) ship A B ;;
		4) ship B A ;;
		5) ship C A ;;
		6) ship C B ;;
		7) ship A C ;;
		8) ship B C ;;
		9) B --as us-head add note "us-head $i" >/dev/null ;;
		10) A --as ru-head dialogue rekey >/dev/null ;;
		esac || n=$((n + 1))
	done
	is "$n" 0 "seed $s: every step of the interleaving succeeded"
	for p in "C A" "C B" "A B" "B A" "A C" "B C"; do
		# shellcheck disable=SC2086
		ship $p || fail "seed $s: the last exchange ($p)"
	done
	ha=$(hashes "$HA")
	ok '[ -n "$ha" ]' "seed $s: A lists its entries"
	is "$(hashes "$HB")" "$ha" "seed $s: B holds the same entries as A"
	is "$(hashes "$HC")" "$ha" "seed $s: C holds the same entries as A"
	for h in A B C; do
		if [ "$h" = C ]; then as=ru-head; elif [ "$h" = A ]; then
			as=ru-head; else as=us-head; fi
		run_fails 3 "seed $s: $h verifies, with evidence (exit 3)" \
		    "$h" --as "$as" verify
		like "$(cat "$OUT")" "^OK: " "seed $s: $h says the record is intact"
		like "$(cat "$OUT")" \
		    "member fault: author ru-del .*written after its author's removal" \
		    "seed $s: $h names ru-del's faults and the reason"
		run_fails 3 "seed $s: $h verifies without the key, exit 3" \
		    "$h" verify --no-key
	done
	fa=$(removed_faults A)
	nf=$(printf '%s\n' "$fa" | grep -c .)
	ok '[ "$nf" -ge 3 ]' \
	    "seed $s: at least the last notes and the checkpoint are faults ($nf)"
	is "$(removed_faults B)" "$fa" "seed $s: B names the same faulty entries"
	is "$(removed_faults C)" "$fa" "seed $s: C names the same faulty entries"
	# nothing of them is shown
	run_ok "seed $s: log on B" B --as us-head log
	like "$(cat "$OUT")" "\\[unreadable entry by ru-del: written after its author's removal\\]" \
	    "seed $s: log shows a placeholder for them"
	nshown=$(grep -c "OFFLINE-$s-" "$OUT")
	ok '[ "$nshown" -le 1 ]' \
	    "seed $s: log on B shows at most ru-del's concurrent note ($nshown)"
	run_ok "seed $s: log on A" A --as ru-head log
	ok '[ "$(grep -c "OFFLINE-$s-" "$OUT")" = "$nshown" ]' \
	    "seed $s: A shows the same of them as B"
	h1=$(printf '%s\n' "$fa" | head -n 1)
	run_ok "seed $s: show a faulty entry on A" A --as ru-head show "$h1"
	like "$(cat "$OUT")" "written after its author's removal" \
	    "seed $s: show calls it a member fault, written after the removal"
	unlike "$(cat "$OUT")" "OFFLINE-$s-" "seed $s: show prints none of its text"
	run_ok "seed $s: draft minutes of meeting 1 on A" \
	    A --as ru-head minutes export --meeting 1 --draft
	ok '[ "$(grep -c "OFFLINE-$s-" "$OUT")" -le "$nshown" ]' \
	    "seed $s: the minutes carry none of the faulty entries"
	# evidence: exported, as a bundle of those entries
	run_fails 1 "seed $s: evidence --faults on B" B evidence --faults \
	    -o "$TEST_TMP/faults.dtb" --force
	if have_bt; then
		is "$(BT list "$TEST_TMP/faults.dtb" | wc -l | tr -d ' ')" "$nf" \
		    "seed $s: the evidence bundle holds every faulty entry"
		is "$(BT check "$TEST_TMP/faults.dtb")" "ok $nf" \
		    "seed $s: their signatures verify (bundle_tool)"
	else
		skip "python3 with nacl, argon2, cryptography" 2
	fi
	# a fresh join, an audit of the bundle without a key, and the
	# independent verifier agree on the same entries and faults
	rm -rf "$TEST_TMP/D"
	A bundle export -o "$TEST_TMP/all.dtb" --force >/dev/null
	run_ok "seed $s: a fresh home joins A's whole bundle" \
	    "$DETENTE" --home "$TEST_TMP/D" dialogue join --yes \
	    "$TEST_TMP/all.dtb"
	is "$(hashes "$TEST_TMP/D")" "$ha" "seed $s: it holds the same entries"
	run_fails 3 "seed $s: it verifies, exit 3" \
	    "$DETENTE" --home "$TEST_TMP/D" verify --no-key
	run_fails 3 "seed $s: audit of the bundle without a key exits 3" \
	    A audit "$TEST_TMP/all.dtb"
	is "$(grep -c "written after its author's removal" "$OUT")" "$nf" \
	    "seed $s: and names every faulty entry"
	if have_bt; then
		iv=$(/usr/bin/python3 - "$_tap_lib_dir/tools" \
		    "$TEST_TMP/all.dtb" "$DID" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
import bundle_tool as bt
import indep_verify as iv
did, entries = bt.read_bundle(sys.argv[2])
faults = []
iv.verify_record(entries, bytes.fromhex(sys.argv[3]), faults=faults)
for f in sorted(f[2].hex() for f in faults if f[3] == "removed"):
    print(f)
PY
		)
		is "$iv" "$fa" \
		    "seed $s: indep_verify.py names the same faulty entries"
	else
		skip "python3 with nacl, argon2, cryptography" 1
	fi
	# nobody is stopped; ru-del is
	run_ok "seed $s: A still writes" A --as ru-head add note "after $s"
	run_ok "seed $s: B still writes" B --as us-del add note "after $s"
	run_fails any "seed $s: ru-del writes nothing on its own laptop now" \
	    C --as ru-del add note "OFFLINE-$s-late by ru-del"
	like "$(cat "$ERR")" "removed" "seed $s: it says why"
done

# A meeting-close written after its author's removal closes nothing, in
# every order: ru-del (offline) closes meeting 1 for RU; B takes that
# close before the removal, and then a note of meeting 1 by another RU
# member (ru-d2, modified software) that follows it, which B, not
# knowing of the removal, finds late; once the removal reaches B, the
# close is a fault and the note is late no more, as on A, which had the
# removal first: both replicas keep the same member faults.
if have_bt; then
	rm -rf "$HA" "$HB" "$HC" "$TEST_TMP/genesis.dtb"
	two_homes || bail_out "cannot make a dialogue"
	A id new --name ru-d2 --kdf min >/dev/null || bail_out "no ru-d2"
	A --as ru-head member add ru-d2 >/dev/null || bail_out "cannot add"
	join_b || bail_out "cannot join"
	A --as ru-head meeting open >/dev/null || bail_out "no meeting"
	sync_both || bail_out "cannot sync"
	cp -R "$HA" "$HC" || bail_out "cannot copy the home"
	A --as ru-head member remove ru-del >/dev/null || bail_out "no removal"
	A --as ru-head add note "between" >/dev/null
	C --as ru-del add note "offline" >/dev/null &&
	    C --as ru-del meeting close 1 >/dev/null ||
	    bail_out "ru-del cannot close on its laptop"
	ship C B || fail "B takes ru-del's close"
	B bundle export -o "$TEST_TMP/b.dtb" --force >/dev/null
	run_ok "forge a note of meeting 1 by ru-d2 that follows ru-del's close" \
	    BT note next "$TEST_TMP/b.dtb" "$TEST_TMP/d2.dtb" \
	    "$HA/identities/ru-d2.key" "$PASS" --meeting 1 --text "D2MARK"
	run_ok "B imports it with the key" \
	    B --as us-head bundle import --key "$TEST_TMP/d2.dtb"
	like "$(cat "$ERR")" "author ru-d2 .*written into a meeting its author's side had closed" \
	    "B, without the removal, finds it late"
	A bundle export -o "$TEST_TMP/a.dtb" --force >/dev/null
	run_ok "B imports A's bundle (the removal) with the key" \
	    B --as us-head bundle import --key "$TEST_TMP/a.dtb"
	like "$(cat "$ERR")" "author ru-del .*meeting-close .*written after its author's removal" \
	    "the close is now a fault"
	run_ok "A imports B's entries with the key" \
	    A --as ru-head bundle import --key "$TEST_TMP/d2.dtb"
	sync_both || fail "the last exchange"
	is "$(hashes "$HB")" "$(hashes "$HA")" "A and B hold the same entries"
	run_fails 1 "evidence --faults on A" A evidence --faults
	ea=$(grep "member fault" "$OUT" | sort)
	run_fails 1 "evidence --faults on B" B evidence --faults
	eb=$(grep "member fault" "$OUT" | sort)
	is "$eb" "$ea" "A and B keep the same member faults"
	unlike "$eb" "ru-d2" "ru-d2's note is late on neither"
	run_fails 3 "verify on B" B --as us-head verify
	unlike "$(cat "$OUT")" "ru-d2" "verify on B finds it late no more"
	run_ok "log on B" B --as us-head log
	like "$(cat "$OUT")" "D2MARK" "B shows ru-d2's note as content"
else
	skip "python3 with nacl, argon2, cryptography" 15
fi
done_testing
