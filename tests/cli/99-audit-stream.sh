#!/bin/sh
# 99-audit-stream.sh: `detente audit B.dtb` without the key reads a valid
# bundle once, without a temporary store (storage/audit_stream.c), and
# reports what the audit through a temporary store reports (forced here
# with DETENTE_AUDIT_JOIN=1): the same members, feeds, roots, seals and
# counts.  On anything it cannot decide alone, every tampered or
# incomplete bundle of tests/tools/bundle_tool.py among them, it gives up
# (saying why in --json) and the audit joins the bundle as before: the
# two ways give the same verdict, exit status and report on each.
. "$(dirname "$0")/../tap.sh"
. "$_tap_lib_dir/cli/common.inc"
. "$_tap_lib_dir/cli/two-homes.inc"

have_bt || plan skip_all "bundle_tool.py needs python3-cryptography, -nacl, -argon2"
JPY=$(command -v python3 || echo /usr/bin/python3)
TT=$TEST_TMP/tmp
mkdir -p "$TT"

# aud FILE ARGS: audit as an auditor does (no home of the dialogue).
aud()
{
	_f=$1
	shift
	TMPDIR=$TT "$DETENTE" --home "$TEST_TMP/C" audit "$_f" "$@"
}

# jget FILE EXPR: a value of an audit --json output, by Python's parser.
jget()
{
	"$JPY" -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(eval(sys.argv[2]))' "$1" "$2"
}

# report FILE: the text report without the lines that say how the
# bundle was read (the one thing the two ways differ in).
report()
{
	grep -v -e 'read once, in merged order' \
	    -e "when the bundle was read" -e 'by their own signature' \
	    -e 'by its own signature' "$1"
}

two_homes || bail_out "cannot make a dialogue"
join_b || bail_out "cannot join"
A --as ru-head meeting open --title "First round" --date 2030-01-10 \
    >/dev/null || bail_out "cannot open a meeting"
sync_both || bail_out "cannot sync"
A --as ru-del add note "Первая заметка." >/dev/null || bail_out "note"
B --as us-del add note "A first note." >/dev/null || bail_out "note on B"
sync_both || bail_out "cannot sync"
for who in ru-head ru-del; do
	A --as $who checkpoint >/dev/null 2>&1 || bail_out "checkpoint $who"
done
for who in us-head us-del; do
	B --as $who checkpoint >/dev/null 2>&1 || bail_out "checkpoint $who"
done
sync_both || bail_out "cannot sync"
A --as ru-head meeting close >/dev/null || bail_out "close"
B --as us-head meeting close >/dev/null || bail_out "close on B"
sync_both || bail_out "cannot sync"
mkdir -p "$TEST_TMP/m" "$TEST_TMP/b"
M=$TEST_TMP/m/minutes-1.md
A minutes export --meeting 1 -o "$M" 2>/dev/null || bail_out "export"
A --as ru-head minutes sign "$M" >/dev/null 2>&1 || bail_out "sign"
A --as ru-head seal propose --meeting 1 --minutes "$M" >/dev/null ||
    bail_out "seal propose"
# entries after the proposal, so that the cosigned seal lists feeds at
# sizes they have long passed when the file reaches it
A --as ru-head meeting open --title "Second round" >/dev/null ||
    bail_out "a second meeting"
A --as ru-del add note "После предложения." >/dev/null || bail_out "note"
sync_both || bail_out "cannot sync"
B --as us-del add note "After the proposal." >/dev/null || bail_out "note"
B --as us-head seal cosign >/dev/null || bail_out "seal cosign"
B --as us-del add note "After the seal." >/dev/null || bail_out "note"
sync_both || bail_out "cannot sync"
A --as ru-del checkpoint >/dev/null 2>&1 || bail_out "checkpoint"
A bundle export -o "$TEST_TMP/all.dtb" >/dev/null || bail_out "bundle export"
N=$(BT list "$TEST_TMP/all.dtb" | wc -l | tr -d ' ')

# --- a valid bundle: one pass, the same report ---------------------------------
run_ok "audit of a whole bundle" aud "$TEST_TMP/all.dtb" --json
cp "$OUT" "$TEST_TMP/s.json"
is "$(jget "$TEST_TMP/s.json" 'd["checks"]["bundle_pass"]["how"]')" "one pass" \
    "read in one pass, without a store"
is "$(ls -A "$TT")" "" "no temporary store, no temporary file left"
run_ok "the same through a temporary store" env DETENTE_AUDIT_JOIN=1 \
    TMPDIR="$TT" "$DETENTE" --home "$TEST_TMP/C" audit "$TEST_TMP/all.dtb" \
    --json
cp "$OUT" "$TEST_TMP/j.json"
is "$(jget "$TEST_TMP/j.json" 'd["checks"]["bundle_pass"]["how"]')" \
    "temporary store" "DETENTE_AUDIT_JOIN=1 joins it"
is "$("$JPY" -c 'import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
for d in (a, b):
    del d["checks"]
print("same" if a == b else "differ")' "$TEST_TMP/s.json" "$TEST_TMP/j.json")" \
    same "JSON: members, feeds and roots, seals, evidence, the file: the same"
is "$(jget "$TEST_TMP/s.json" '(d["checks"]["checked_by_signature"], d["checks"]["checked_by_checkpoint_root"])')" \
    "$(jget "$TEST_TMP/j.json" '(d["checks"]["checked_by_signature"], d["checks"]["checked_by_checkpoint_root"])')" \
    "the same entries by signature and by checkpoint root as the store walk"
is "$(jget "$TEST_TMP/s.json" 'd["checks"]["checked_by_checkpoint_root"] > 0')" \
    True "the checkpoints cover entries"
is "$(jget "$TEST_TMP/s.json" '[s["state"] for s in d["seals"]]')" \
    "['complete']" "the seal is complete"

run_ok "text" aud "$TEST_TMP/all.dtb"
report "$OUT" >"$TEST_TMP/s.txt"
like "$(cat "$OUT")" "bundle: read once, in merged order, without a store" \
    "says how it was read"
like "$(cat "$OUT")" "--every-signature checks each" \
    "and that --every-signature checks each signature"
run_ok "text through a temporary store" env DETENTE_AUDIT_JOIN=1 \
    TMPDIR="$TT" "$DETENTE" --home "$TEST_TMP/C" audit "$TEST_TMP/all.dtb"
report "$OUT" >"$TEST_TMP/j.txt"
is "$(diff "$TEST_TMP/s.txt" "$TEST_TMP/j.txt")" "" \
    "the same report, but for how it was read"
like "$(grep '^OK' "$TEST_TMP/s.txt")" "^OK: $N entries in 4 feeds" \
    "OK, every entry"
like "$(cat "$TEST_TMP/s.txt")" "bundle: $N entries in the file, $N placed, 0 not placed" \
    "every entry of the file placed"

run_ok "--every-signature" aud "$TEST_TMP/all.dtb" --every-signature --json
is "$(jget "$OUT" '(d["checks"]["bundle_pass"]["how"], d["checks"]["checked_by_signature"], d["checks"]["checked_by_checkpoint_root"])')" \
    "('one pass', $N, 0)" "--every-signature: one pass, each entry by its signature"

run_ok "--expect-dialogue" aud "$TEST_TMP/all.dtb" --expect-dialogue "$DID"
run_fails 1 "--expect-dialogue with another id" aud "$TEST_TMP/all.dtb" \
    --expect-dialogue 0123456789abcdef0123
like "$(grep '^FAILED' "$OUT")" "^FAILED: the dialogue is $DID" \
    "says which dialogue it is"

# --- what the pass cannot decide: the same verdict as the join ------------------
# each case of bundle_tool.py's forge, with ru-del's key where it signs
KS=$HA/identities/ru-del.key
for c in sig dialogue prev clock kind drop dropfirst outsider twice \
    stranger-ref fork truncate trailer flip swap fault-decrypt fault-kind; do
	f=$TEST_TMP/$c.dtb
	BT forge "$c" "$TEST_TMP/all.dtb" "$f" "$KS" "$PASS" >/dev/null 2>&1 ||
	    { fail "$c: bundle_tool.py forges it"; continue; }
	aud "$f" >"$TEST_TMP/s.out" 2>"$TEST_TMP/s.err"
	s_rc=$?
	env DETENTE_AUDIT_JOIN=1 TMPDIR="$TT" "$DETENTE" --home "$TEST_TMP/C" \
	    audit "$f" >"$TEST_TMP/j.out" 2>"$TEST_TMP/j.err"
	j_rc=$?
	is "$s_rc" "$j_rc" "$c: the same exit status ($j_rc) both ways"
	report "$TEST_TMP/s.out" >"$TEST_TMP/s.txt"
	report "$TEST_TMP/j.out" >"$TEST_TMP/j.txt"
	is "$(diff "$TEST_TMP/s.txt" "$TEST_TMP/j.txt")" "" \
	    "$c: the same report both ways"
	aud "$f" --json >"$TEST_TMP/s.json" 2>/dev/null
	how=$(jget "$TEST_TMP/s.json" 'd["checks"]["bundle_pass"]["how"] if "bundle_pass" in d.get("checks", {}) else "none"' 2>/dev/null)
	case $c in
	fault-* | fork)
		# a member fault is invisible without the key; fork replaces
		# ru-del's last entry by another signed one: valid bundles
		is "$s_rc:$how" "0:one pass" "$c: valid without the key, in one pass" ;;
	swap | twice)
		# valid, but not in merged order, or an entry twice
		is "$s_rc:$how" "0:temporary store" \
		    "$c: valid; the pass gives up, the join accepts it" ;;
	truncate | trailer | flip)
		is "$s_rc" 1 "$c: a damaged file fails" ;;
	*)
		is "$s_rc:$how" "1:temporary store" \
		    "$c: the pass gives up, the join names the failure" ;;
	esac
done
aud "$TEST_TMP/swap.dtb" --json >"$TEST_TMP/swap.json" 2>/dev/null
like "$(jget "$TEST_TMP/swap.json" 'd["checks"]["bundle_pass"]["gave_up"]')" \
    "not in merged order|not before it" "swap: says why it gave up"
is "$(ls -A "$TT")" "" "nothing left behind"
done_testing
