#!/bin/sh
# 92-sync.sh: `detente sync`, live replication between homes (laptops)
# over the Noise channel: over --stdio pipes and loopback TCP, two and
# three homes, entries written on each reaching the others while the
# links run (forwarded through a middle home), replicas converging to
# the same entries in the same order; refusals with a clear line on
# each side (a non-member, another dialogue, garbage, a stall); a fork
# kept as evidence on both sides.
. "$(dirname "$0")/../tap.sh"
. "$_tap_lib_dir/cli/common.inc"
. "$_tap_lib_dir/cli/two-homes.inc"
. "$_tap_lib_dir/cli/sync.inc"

two_homes || bail_out "cannot make a dialogue"
join_b || bail_out "B cannot join"
A --as ru-del meeting open >/dev/null || bail_out "no meeting"
A --as ru-del add note "written on A" >/dev/null || bail_out "no note"

# --- two homes over --stdio ----------------------------------------------
stdio_pair "$HA" ru-del "$HB" us-del
is "$RC1:$RC2" "0:0" "--stdio --once: both ends exit 0"
like "$(cat "$TEST_TMP/p2.err")" \
    "sync: ru-del \(RU, [0-9A-F ]{24}\): linked via" \
    "B names its peer: name, party, fingerprint"
like "$(cat "$TEST_TMP/p1.err")" "sync: us-del \(US, .*\): in sync \(sent 2" \
    "A sent B the two entries it lacked"
like "$(cat "$TEST_TMP/p2.err")" "received 2 entries \(2 new, 0 held\)" \
    "B stored them"
ok 'same_hashes "$HA" "$HB"' "the replicas hold the same entries"

# both sides write, then one more link: each gets the other's
run_ok "B notes" B --as us-del add note "written on B"
run_ok "A notes" A --as ru-del add note "again on A"
stdio_pair "$HA" ru-del "$HB" us-del
is "$RC1:$RC2" "0:0" "second link: both exit 0"
like "$(cat "$TEST_TMP/p1.err")" "in sync \(sent 1 entries, received 1\)" \
    "only what each lacked went over (nothing resent)"
ok 'same_hashes "$HA" "$HB"' "converged"
run_ok "A verifies" A verify
run_ok "B verifies" B verify
stdio_pair "$HA" ru-del "$HB" us-del
like "$(cat "$TEST_TMP/p1.err")" "in sync \(sent 0 entries, received 0\)" \
    "in sync already: nothing goes over"

# --- TCP, with --once ----------------------------------------------------
run_ok "A notes" A --as ru-del add note "for TCP"
listen_bg "$HA" ru-del "$TEST_TMP/la.out" --once ||
    bail_out "A does not listen"
like "$(cat "$TEST_TMP/la.out")" "listening on 127\.0\.0\.1:[0-9]+" \
    "the listener says where it listens"
run_ok "B links to A over TCP" B --as us-del sync --once "127.0.0.1:$PORT"
wait $LPID
is "$?" 0 "the listener with --once exits 0 after its link"
like "$(cat "$OUT")" "sync: ru-del \(RU, .*\): linked via 127\.0\.0\.1:$PORT" \
    "B says whom it linked to, and where"
like "$(cat "$TEST_TMP/la.out")" "sync: us-del \(US, .*\): linked via 127\.0\.0\.1:" \
    "A says who linked"
ok 'same_hashes "$HA" "$HB"' "converged over TCP"

# --- three homes, live: A -> B -> C, entries forwarded -------------------
third_home || bail_out "no third home"
listen_bg "$HB" us-del "$TEST_TMP/lb.out" || bail_out "B does not listen"
"$DETENTE" --home "$HA" --passphrase-file "$PASS" --as ru-del \
    sync "127.0.0.1:$PORT" >"$TEST_TMP/la2.out" 2>"$TEST_TMP/la2.err" &
PA=$!
"$DETENTE" --home "$HC" --passphrase-file "$PASS" --as us-del2 \
    sync "localhost:$PORT" >"$TEST_TMP/lc.out" 2>"$TEST_TMP/lc.err" &
PC=$!
ok 'wait_until 20 same_hashes "$HA" "$HC"' \
    "C (joined from B's older bundle) gets A's entries through B"
run_ok "A writes while linked" A --as ru-del add note "live from A"
h=$(A --as ru-del log --hashes | tail -n 1)
ok 'wait_until 10 has_hash "$HC" "$h"' "  it reaches C through B"
run_ok "C writes while linked" C --as us-del2 add note "live from C"
h=$(C --as us-del2 log --hashes | tail -n 1)
ok 'wait_until 10 has_hash "$HA" "$h"' "  it reaches A through B"
run_ok "B writes while linked" B --as us-del add note "live from B"
ok 'wait_until 10 same_hashes "$HA" "$HB"' "  A has B's"
ok 'wait_until 10 same_hashes "$HC" "$HB"' "  C has B's"
stop_bg $PA
is "$RC" 0 "SIGTERM: A stops with exit 0"
is "$(grep -c 'linked via' "$TEST_TMP/la2.out")" 1 "  its link never broke"
like "$(cat "$TEST_TMP/la2.out")" "sync: stopping" "  and says so"
stop_bg $PC
is "$RC" 0 "SIGTERM: C stops with exit 0"
stop_bg $LPID
is "$RC" 0 "SIGTERM: the listener B stops with exit 0"
for h in "$HA" "$HB" "$HC"; do
	run_ok "verify ${h##*/}" "$DETENTE" --home "$h" \
	    --passphrase-file "$PASS" verify
done

# --- refusals --------------------------------------------------------------
# A non-member: a home that joined from a bundle, with an identity that
# no head added.
D()
{
	"$DETENTE" --home "$TEST_TMP/D" --passphrase-file "$PASS" "$@"
}
D id new --name outsider --kdf min >/dev/null || bail_out "no outsider"
D dialogue join --yes "$TEST_TMP/c-join.dtb" >/dev/null || bail_out "no D"
listen_bg "$HA" ru-del "$TEST_TMP/ln.out" --once || bail_out "no listener"
run_fails 1 "a non-member is refused" D --as outsider sync --once \
    "127.0.0.1:$PORT"
like "$(cat "$ERR")" "no current member of the dialogue; peers will refuse" \
    "  it is warned before it links"
like "$(cat "$ERR")" "the peer refused the link: 127\.0\.0\.1:$PORT: .*current member" \
    "  and told why the link ended"
wait $LPID
is "$?" 1 "  the listener exits 1 (--once)"
like "$(cat "$TEST_TMP/ln.out.err")" \
    "peer refused: not a current member of the dialogue: 127\.0\.0\.1:[0-9]+: the peer's key is no current member" \
    "  and says it refused a non-member"

# Another dialogue: E's own.
E()
{
	"$DETENTE" --home "$TEST_TMP/E" --passphrase-file "$PASS" "$@"
}
E id new --name e-head --kdf min >/dev/null &&
    E id new --name e-other --kdf min >/dev/null &&
    E --as e-head dialogue new --title "Another" --party X --party Y \
    --head "X=$(E id export --vkey e-head)" \
    --head "Y=$(E id export --vkey e-other)" >/dev/null ||
    bail_out "no other dialogue"
listen_bg "$HA" ru-del "$TEST_TMP/ld.out" --once || bail_out "no listener"
run_fails 1 "another dialogue is refused" E --as e-head sync --once \
    "127.0.0.1:$PORT"
like "$(cat "$ERR")" "another dialogue" "  the dialer says another dialogue"
wait $LPID
is "$?" 1 "  the listener exits 1"
like "$(cat "$TEST_TMP/ld.out.err")" "the peer refused the link|another dialogue" \
    "  and says the handshake was refused"
ok 'same_hashes "$HA" "$HB"' "nothing of the refused links was stored"

# Garbage instead of a handshake; a peer that says nothing.
listen_bg "$HA" ru-del "$TEST_TMP/lg.out" --once || bail_out "no listener"
/usr/bin/python3 -c 'import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"\x00\x05hello, this is not noise" * 40)
s.close()' "$PORT"
wait $LPID
is "$?" 2 "garbage: the listener exits 2 (--once)"
like "$(cat "$TEST_TMP/lg.out.err")" "handshake failed: 127\.0\.0\.1:[0-9]+: " \
    "  with a line that says the handshake failed"
listen_bg "$HA" ru-del "$TEST_TMP/ls.out" --once --timeout 1 ||
    bail_out "no listener"
/usr/bin/python3 -c 'import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
time.sleep(3)' "$PORT"
wait $LPID
is "$?" 2 "a silent peer: exit 2"
like "$(cat "$TEST_TMP/ls.out.err")" "no handshake from the peer within 1 s" \
    "  it says the peer stalled"

# A peer that stalls after the handshake (stopped with SIGSTOP).
listen_bg "$HA" ru-del "$TEST_TMP/lt.out" --timeout 2 || bail_out "no listener"
"$DETENTE" --home "$HB" --passphrase-file "$PASS" --as us-del \
    sync "127.0.0.1:$PORT" >"$TEST_TMP/lt2.out" 2>&1 &
PB=$!
wait_until 10 grep -q "in sync" "$TEST_TMP/lt.out"
kill -STOP $PB
ok 'wait_until 10 grep -q "the peer stalled" "$TEST_TMP/lt.out.err"' \
    "a peer that stops answering is cut as stalled"
kill -CONT $PB
stop_bg $PB
stop_bg $LPID

# A fork: ru-del's key on two laptops, each writing seq N of its feed.
# Each side refuses the other's batch and keeps the fork as evidence,
# exactly as a bundle import does.
stdio_pair "$HA" ru-del "$HB" us-del
cp "$HA/identities/ru-del.key" "$HB/identities/ru-del.key"
run_ok "B writes as ru-del (a copy of its key)" B --as ru-del add note "on B"
run_ok "A writes as ru-del, the same place" A --as ru-del add note "on A"
before_a=$(hashes "$HA")
before_b=$(hashes "$HB")
stdio_pair "$HA" ru-del "$HB" us-del
is "$RC1:$RC2" "1:1" "a fork: both ends exit 1"
like "$(cat "$TEST_TMP/p1.err" "$TEST_TMP/p2.err")" \
    "batch refused: a fork, kept as evidence .*author ru-del \([0-9a-f]{16}\), seq [0-9]+, hash [0-9a-f]{64}" \
    "  the refusal names the entry"
run_fails 1 "A holds the fork as evidence" A evidence
like "$(cat "$OUT")" "signatures: both valid: the author signed two different entries" \
    "  both entries, both signed"
run_fails 1 "so does B" B evidence
is "$(hashes "$HA")" "$before_a" "nothing of the refused batch stored on A"
is "$(hashes "$HB")" "$before_b" "nor on B"

# Usage.
run_fails 2 "sync without a host" A --as ru-del sync
run_fails 2 "--bind without listen" A --as ru-del sync --bind 1.2.3.4 h
run_fails 2 "--stdio with a host" A --as ru-del sync --stdio h
run_fails 2 "a bad port" A --as ru-del sync h:99999
run_fails 2 "cannot connect" A --as ru-del sync --once 127.0.0.1:1
like "$(cat "$ERR")" "cannot connect: 127\.0\.0\.1:1" "  says so"

done_testing
