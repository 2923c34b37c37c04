#!/bin/sh
# 18-noise-interop.sh: detente's sync channel (docs/FORMAT.md, "Sync
# channel") against an outside Noise implementation: dissononce (Debian's
# python3-dissononce) in tests/tools/noise_peer.py, written from the
# format's text.  It completes Noise_XX_25519_ChaChaPoly_SHA256 with
# detente's side (tests/tools/link_echo, storage/link.c on stdin and
# stdout) as initiator and as responder, and the two exchange messages
# both ways, one of them 200,000 bytes (several transport messages).
# Then what must fail does: another dialogue, a key that is not the
# accepted member's on either side.  Then the same with Go's flynn/noise
# (tests/tools/noise_peer_go), when Go is installed.  Last, detente's
# side with an identity that only `detente agent` holds (its DH through
# the agent).
. "$(dirname "$0")/../tap.sh"
. "$_tap_lib_dir/cli/common.inc"

# dissononce is a Debian package: Debian's python, not a pyenv one
PY=/usr/bin/python3
ECHO=${abs_top_builddir:-$(dirname "$DETENTE")}/tests/tools/link_echo
PEER=$_tap_lib_dir/tools/noise_peer.py

if ! "$PY" -c 'import dissononce' 2>/dev/null; then
	plan skip_all "python3-dissononce is not installed (./dev installs it)"
fi
[ -x "$ECHO" ] || bail_out "no $ECHO (make check builds it)"

# Two members of one dialogue: D (detente's side) and P (dissononce's).
# P is alice of tests/vectors/keystore.txt (seed and public key given
# there); D is a seed of this test's.
P_SEED=$(sed -n 's/^seed = //p' "$VECTORS/keystore.txt")
P_PK=$(sed -n 's/^pk = //p' "$VECTORS/keystore.txt")
D_SEED=4242424242424242424242424242424242424242424242424242424242424242
D_PK=$("$PY" -c 'import nacl.signing, sys
print(nacl.signing.SigningKey(bytes.fromhex(sys.argv[1])).verify_key.encode().hex())' \
    "$D_SEED")
DLG=d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1
OTHER_DLG=d2${DLG#d1}
# a third key, of no member
X_PK=$("$PY" -c 'import nacl.signing
print(nacl.signing.SigningKey(b"\x07" * 32).verify_key.encode().hex())')

# peer ARGS -- LINK_ECHO_ARGS: run noise_peer.py (stdout in $OUT, the
# link_echo's stderr in $ERR)
peer()
{
	"$PY" "$PEER" "$@"
}

# --- both directions ---------------------------------------------------------
run_ok "dissononce initiator, detente responder: handshake and messages" \
    peer --initiator --seed "$P_SEED" --dialogue "$DLG" --peer "$D_PK" -- \
    "$ECHO" "$D_SEED" "$DLG" "$P_PK"
like "$(cat "$OUT")" 'handshake done, peer is the expected member' \
    "  dissononce authenticated detente's member key"
like "$(cat "$OUT")" "received b'hello from detente'" \
    "  it read detente's message"
like "$(cat "$OUT")" 'echo of 200000 bytes matches' \
    "  detente read its 200,000 bytes and echoed them"
like "$(cat "$ERR")" 'link_echo: received 200000 bytes' "  detente says so"
like "$(cat "$OUT")" "detente's side exited 0" \
    "  detente's side saw the link end cleanly"

run_ok "dissononce responder, detente initiator: handshake and messages" \
    peer --seed "$P_SEED" --dialogue "$DLG" --peer "$D_PK" -- \
    "$ECHO" -i "$D_SEED" "$DLG" "$P_PK"
like "$(cat "$OUT")" 'echo of 200000 bytes matches' "  both ways"
like "$(cat "$ERR")" 'handshake done \(initiator\)' \
    "  detente was the initiator"

run_ok "a message of 65,519 bytes less the length (one transport message)" \
    peer --initiator --big 65515 --seed "$P_SEED" --dialogue "$DLG" \
    --peer "$D_PK" -- "$ECHO" "$D_SEED" "$DLG" "$P_PK"
run_ok "and an empty one" \
    peer --big 0 --seed "$P_SEED" --dialogue "$DLG" --peer "$D_PK" -- \
    "$ECHO" -i "$D_SEED" "$DLG" "$P_PK"

# --- what must fail ----------------------------------------------------------
run_fails 1 "another dialogue (dissononce initiator): no link" \
    peer --initiator --seed "$P_SEED" --dialogue "$OTHER_DLG" \
    --peer "$D_PK" -- "$ECHO" -t 5000 "$D_SEED" "$DLG" "$P_PK"
like "$(cat "$OUT")" 'failed: DecryptFailedException' \
    "  dissononce cannot read detente's message 2"
like "$(cat "$ERR")" 'link_echo: handshake: the connection was closed' \
    "  detente sees the link end during the handshake"

run_fails 1 "another dialogue (detente initiator): no link" \
    peer --seed "$P_SEED" --dialogue "$OTHER_DLG" --peer "$D_PK" -- \
    "$ECHO" -i -t 5000 "$D_SEED" "$DLG" "$P_PK"
like "$(cat "$ERR")" 'link_echo: handshake: decryption failed' \
    "  detente cannot read message 2"

run_fails 1 "detente accepts only another member: dissononce is refused" \
    peer --initiator --seed "$P_SEED" --dialogue "$DLG" --peer "$D_PK" -- \
    "$ECHO" -t 5000 "$D_SEED" "$DLG" "$X_PK"
like "$(cat "$ERR")" 'link_echo: handshake: not a member' \
    "  detente says the peer is not a member"
like "$(cat "$OUT")" 'failed: EOFError' \
    "  dissononce sees the link end after its message 3"

run_fails 1 "detente (initiator) refuses dissononce after message 2" \
    peer --seed "$P_SEED" --dialogue "$DLG" --peer "$D_PK" -- \
    "$ECHO" -i -t 5000 "$D_SEED" "$DLG" "$X_PK"
like "$(cat "$ERR")" 'link_echo: handshake: not a member' "  it says why"

run_fails 3 "dissononce refuses detente's key" \
    peer --initiator --refuse --seed "$P_SEED" --dialogue "$DLG" \
    --peer "$D_PK" -- "$ECHO" -t 5000 "$D_SEED" "$DLG" "$P_PK"
like "$(cat "$ERR")" 'link_echo: handshake: the connection was closed' \
    "  detente sees the link end during the handshake"

run_fails 3 "dissononce expects another key than detente's" \
    peer --seed "$P_SEED" --dialogue "$DLG" --peer "$X_PK" -- \
    "$ECHO" -i -t 5000 "$D_SEED" "$DLG" "$P_PK"
like "$(cat "$ERR")" 'link_echo: handshake: the connection was closed' \
    "  detente (initiator) learns it inside its handshake: no 'accepted'"

# --- `detente sync --stdio` itself ----------------------------------------------
# Two homes of one dialogue; dissononce's side is us-del (its seed from
# its keystore, by tests/tools/indep_verify.py), detente's ru-del.  It
# speaks the sync protocol (docs/FORMAT.md, "Sync protocol") to the real
# command: HELLO, every BATCH acknowledged, IDLE, BYE.
. "$_tap_lib_dir/cli/two-homes.inc"
seed_of()
{
	"$PY" -c 'import sys
sys.path.insert(0, sys.argv[1])
import indep_verify as iv
pw = open(sys.argv[3], "rb").read().rstrip(b"\r\n")
print(iv.keystore_unlock(open(sys.argv[2], "rb").read(), pw)[0].hex())' \
	    "$_tap_lib_dir/tools" "$1" "$PASS"
}
if have_bt && two_homes && join_b && A --as ru-del meeting open >/dev/null &&
    A --as ru-del add note "for the outside peer" >/dev/null; then
	US_SEED=$(seed_of "$HB/identities/us-del.key")
	RU_PK=$(A id export --hex ru-del)
	ID_HEX=$(A log --json 2>/dev/null | "$PY" -c 'import json, sys
print(json.load(sys.stdin)["dialogue"])' 2>/dev/null)
	[ -n "$ID_HEX" ] || ID_HEX=$DID
	run_ok "dissononce syncs with \`detente sync --stdio\`" \
	    peer --initiator --sync --seed "$US_SEED" --dialogue "$ID_HEX" \
	    --peer "$RU_PK" -- "$DETENTE" --home "$HA" \
	    --passphrase-file "$PASS" --as ru-del sync --stdio
	like "$(cat "$OUT")" 'sync: HELLO lists 2 feeds, 4 entries' \
	    "  detente's HELLO lists its heads"
	like "$(cat "$OUT")" 'sync: received 4 entries in 1 batches, every feed up to its head' \
	    "  every entry came, each feed up to its head"
	like "$(cat "$OUT")" 'sync: BYE' "  detente said BYE"
	like "$(cat "$OUT")" "detente's side exited 0" "  and exited 0"
	like "$(cat "$ERR")" 'sync: us-del \(US, [0-9A-F ]+\): linked via standard input/output' \
	    "  detente named dissononce's side as the member it is"
	run_fails 1 "dissononce, not a member, is refused by \`detente sync --stdio\`" \
	    peer --initiator --sync --seed \
	    0707070707070707070707070707070707070707070707070707070707070707 \
	    --dialogue "$ID_HEX" --peer "$RU_PK" -- "$DETENTE" --home "$HA" \
	    --passphrase-file "$PASS" --as ru-del sync --stdio
	like "$(cat "$ERR")" 'peer refused: not a current member of the dialogue' \
	    "  detente says why"
	like "$(cat "$OUT")" "EOFError: the link ended" \
	    "  dissononce sees the link end after its message 3"
	like "$(cat "$OUT")" "detente's side exited 1" "  and detente exits 1"
	# A member's laptop that breaks the protocol, or sends a forged
	# entry: refused with a line on each side, nothing stored.
	before=$(hashes "$HA")
	for c in "early-batch:a BATCH before the HELLO:ERROR 1" \
	    "unknown:a message of unknown type 99:ERROR 1" \
	    "forged:bad signature:ERROR 3"; do
		how=${c%%:*}
		rest=${c#*:}
		why=${rest%:*}
		code=${rest##*:}
		run_ok "sync-bad $how: the outside peer gets detente's ERROR" \
		    peer --initiator --sync-bad "$how" --seed "$US_SEED" \
		    --dialogue "$ID_HEX" --peer "$RU_PK" -- "$DETENTE" \
		    --home "$HA" --passphrase-file "$PASS" --as ru-del \
		    sync --stdio
		like "$(cat "$OUT")" "sync: $code: .*$why" \
		    "  $how: it says why ($code)"
		like "$(cat "$ERR")" "detente: (the peer broke the protocol|batch rejected; nothing of it was stored): us-del \(US, [0-9A-F ]+\): .*$why" \
		    "  $how: detente says why, naming the peer"
		case $how in
		forged)
			like "$(cat "$OUT")" "ERROR 3: author [0-9a-f]{16}, seq [0-9]+, hash [0-9a-f]{64}: bad signature" \
			    "  forged: the ERROR names the entry"
			like "$(cat "$ERR")" "bad signature \(entry 1 of the batch\): author ru-del \([0-9a-f]{16}\), seq [0-9]+, hash [0-9a-f]{64}" \
			    "  forged: so does detente's line"
			st=1 ;;
		*) st=2 ;;
		esac
		like "$(cat "$OUT")" "detente's side exited $st" \
		    "  $how: detente exits $st"
	done
	run_ok "a flood: a message that claims 16 MiB" \
	    peer --initiator --sync-bad huge --seed "$US_SEED" \
	    --dialogue "$ID_HEX" --peer "$RU_PK" -- "$DETENTE" \
	    --home "$HA" --passphrase-file "$PASS" --as ru-del \
	    sync --stdio
	like "$(cat "$ERR")" "detente: the peer sent garbage: us-del \(US, [0-9A-F ]+\): a frame that is not the channel's" \
	    "  detente refuses it before reading it, and says so"
	like "$(cat "$OUT")" "sync: the link ended" "  and ends the link"
	like "$(cat "$OUT")" "detente's side exited 2" "  exit 2"
	is "$(hashes "$HA")" "$before" "nothing of them was stored"
else
	skip "no two homes (python3-nacl, -argon2, -cryptography)" 31
fi

# --- a second outside implementation: Go's flynn/noise --------------------------
# (golang-github-flynn-noise-dev, built here in GOPATH mode, offline)
GOPEER=$TEST_TMP/noise_peer_go
if command -v go >/dev/null 2>&1 &&
    [ -d /usr/share/gocode/src/github.com/flynn/noise ] &&
    (cd "$_tap_lib_dir/tools/noise_peer_go" &&
    GOPATH=/usr/share/gocode GO111MODULE=off GOFLAGS= \
    GOCACHE=$TEST_TMP/gocache go build -o "$GOPEER" .) 2>"$TEST_TMP/go.err"
then
	run_ok "flynn/noise initiator, detente responder" \
	    "$GOPEER" -initiator -seed "$P_SEED" -dialogue "$DLG" \
	    -peer "$D_PK" -- "$ECHO" "$D_SEED" "$DLG" "$P_PK"
	like "$(cat "$OUT")" 'echo of 200000 bytes matches' \
	    "  messages both ways"
	run_ok "flynn/noise responder, detente initiator" \
	    "$GOPEER" -seed "$P_SEED" -dialogue "$DLG" -peer "$D_PK" -- \
	    "$ECHO" -i "$D_SEED" "$DLG" "$P_PK"
	like "$(cat "$OUT")" 'echo of 200000 bytes matches' \
	    "  messages both ways"
	run_fails 1 "flynn/noise of another dialogue: no link" \
	    "$GOPEER" -seed "$P_SEED" -dialogue "$OTHER_DLG" -peer "$D_PK" -- \
	    "$ECHO" -i -t 5000 "$D_SEED" "$DLG" "$P_PK"
	like "$(cat "$ERR")" 'link_echo: handshake: decryption failed' \
	    "  detente cannot read message 2"
else
	diag_file "$TEST_TMP/go.err"
	skip "no Go or no golang-github-flynn-noise-dev" 6
fi

# --- detente's key held by the agent -------------------------------------------
XDG_RUNTIME_DIR=$TEST_TMP/run
export XDG_RUNTIME_DIR
mkdir -m 700 "$XDG_RUNTIME_DIR"
stop_agent()
{
	"$DETENTE" agent --stop >/dev/null 2>&1
}
trap '_s=$?; stop_agent; (exit $_s); _tap_exit' EXIT
mkid bob || bail_out "cannot make an identity"
# alice's keystore (its passphrase is $PASS's), for the agent to hold:
# now detente's side is alice, and dissononce's the seed D_SEED
KS=$(sed -n 's/^keystore = //p' "$VECTORS/keystore.txt")
"$PY" -c 'import sys; open(sys.argv[1], "wb").write(bytes.fromhex(sys.argv[2]))' \
    "$H/identities/alice.key" "$KS"
chmod 600 "$H/identities/alice.key"
run_ok "agent starts" "$DETENTE" agent
run_ok "agent add alice" dt agent add alice
is "$(dt id export --hex alice)" "$P_PK" "alice's key is the vector's"

run_ok "detente's side through the agent (responder)" \
    peer --initiator --seed "$D_SEED" --dialogue "$DLG" --peer "$P_PK" -- \
    "$ECHO" -a "$P_PK" "$DLG" "$D_PK"
like "$(cat "$OUT")" 'echo of 200000 bytes matches' "  messages both ways"
run_ok "detente's side through the agent (initiator)" \
    peer --seed "$D_SEED" --dialogue "$DLG" --peer "$P_PK" -- \
    "$ECHO" -i -a "$P_PK" "$DLG" "$D_PK"

run_ok "agent --lock" "$DETENTE" agent --lock
run_fails 1 "after --lock, no handshake for alice" \
    peer --initiator --seed "$D_SEED" --dialogue "$DLG" --peer "$P_PK" -- \
    "$ECHO" -a "$P_PK" "$DLG" "$D_PK"
like "$(cat "$ERR")" 'the agent does not hold the key' "  it says why"
run_ok "agent --stop" "$DETENTE" agent --stop

done_testing
