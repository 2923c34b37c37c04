#!/bin/sh
# 92-sync-chaos.sh: live sync through tests/tools/chaos_proxy.py, which
# cuts, delays, splits and corrupts the byte stream at random (seeded).
# Both homes write while the link breaks and comes back (the dialer
# reconnects); every damaged frame is refused by the channel, every cut
# batch is stored whole or not at all; in the end the replicas converge
# to the same entries, both verify, and a clean link finds nothing left
# to send.
. "$(dirname "$0")/../tap.sh"
. "$_tap_lib_dir/cli/common.inc"
. "$_tap_lib_dir/cli/two-homes.inc"
. "$_tap_lib_dir/cli/sync.inc"

PY=/usr/bin/python3
[ -x "$PY" ] || plan skip_all "no /usr/bin/python3"
SEED=${CHAOS_SEED:-7}
note "chaos seed $SEED (CHAOS_SEED=N to replay)"

two_homes || bail_out "cannot make a dialogue"
join_b || bail_out "B cannot join"
A --as ru-del meeting open >/dev/null || bail_out "no meeting"
A --as ru-del add note "before the link" >/dev/null || bail_out "no note"

# Notes of a few kilobytes, so that a batch spans many frames and chunks
# and a cut lands inside one.
big()
{
	"$PY" -c 'import random, sys
r = random.Random(int(sys.argv[1]))
print(" ".join("w%d" % r.randrange(10**6) for _ in range(int(sys.argv[2]))))' "$@"
}

listen_bg "$HA" ru-del "$TEST_TMP/la.out" --timeout 3 ||
    bail_out "A does not listen"
APID=$LPID
"$PY" "$_tap_lib_dir/tools/chaos_proxy.py" --target "127.0.0.1:$PORT" \
    --seed "$SEED" --cut 0.06 --corrupt 0.05 --delay 20 --split \
    --port-file "$TEST_TMP/proxy.port" >/dev/null 2>"$TEST_TMP/proxy.err" &
XPID=$!
wait_until 10 test -s "$TEST_TMP/proxy.port" || bail_out "no proxy"
XPORT=$(cat "$TEST_TMP/proxy.port")
"$DETENTE" --home "$HB" --passphrase-file "$PASS" --as us-del \
    sync --timeout 3 "127.0.0.1:$XPORT" >"$TEST_TMP/lb.out" \
    2>"$TEST_TMP/lb.err" &
BPID=$!

ok 'wait_until 60 same_hashes "$HA" "$HB"' \
    "B gets the meeting through the damaged link"
# Both sides write while the link suffers.
i=0
while [ $i -lt 12 ]; do
	big $((SEED * 100 + i)) 600 | A --as ru-del add note - >/dev/null ||
	    fail "A note $i"
	big $((SEED * 100 + 50 + i)) 900 | B --as us-del add note - \
	    >/dev/null || fail "B note $i"
	A --as ru-del add note "short $i" >/dev/null || fail "A short $i"
	i=$((i + 1))
done

ok 'wait_until 90 same_hashes "$HA" "$HB"' \
    "the replicas converge through cuts, corruption, delays and splits"
links=$(grep -c 'linked via' "$TEST_TMP/lb.out")
cuts=$(grep -c 'cut after' "$TEST_TMP/proxy.err")
flips=$(grep -c 'flipped' "$TEST_TMP/proxy.err")
note "B linked $links times; the proxy cut $cuts times, flipped $flips bits"
ok '[ "$links" -gt 1 ]' "the link was cut and made again"
ok '[ "$flips" -gt 0 ]' "the proxy corrupted the stream"
like "$(cat "$TEST_TMP/lb.err" "$TEST_TMP/la.out.err")" \
    "not authentic|not the channel's|link lost|handshake failed|stalled" \
    "damage was seen and said"
stop_bg $BPID
stop_bg $XPID
run_ok "A verifies: nothing half-stored" A verify
run_ok "B verifies: nothing half-stored" B verify
# genesis and key wrap, the meeting, a note, then 12 x 3 notes
is "$(hashes "$HA" | wc -l | tr -d ' ')" 40 "every entry arrived"
run_ok "a clean link at the end" B --as us-del sync --once "127.0.0.1:$PORT"
like "$(cat "$OUT")" "in sync \(sent 0 entries, received 0\)" \
    "  finds nothing left to send either way"
stop_bg $APID
is "$RC" 0 "the listener stops cleanly"
done_testing
