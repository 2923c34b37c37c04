#!/bin/sh
# 62-agent.sh: `detente agent` end to end, with the real binary.  A head
# unlocks once (`agent add`), then opens a meeting, writes, endorses,
# closes and signs the minutes with no passphrase source at all (no
# --passphrase-file, no DETENTE_PASSPHRASE_FD, no terminal: setsid), and
# the record and the minisign signature verify.  --lock drops the keys,
# the idle timeout drops them, --stop ends the agent and removes its
# socket.  The socket is mode 0600 in a 0700 directory; another uid
# (nobody) cannot reach it, and when the test opens the way (chmod), the
# agent still answers nobody nothing (SO_PEERCRED) while it answers us.
# No byte of a secret key (a keystore of known seed) is in any file.
. "$(dirname "$0")/../tap.sh"
. "$_tap_lib_dir/cli/common.inc"

XDG_RUNTIME_DIR=$TEST_TMP/run
export XDG_RUNTIME_DIR
mkdir -m 700 "$XDG_RUNTIME_DIR"
unset DETENTE_PASSPHRASE_FD
SOCK=$XDG_RUNTIME_DIR/detente/agent.sock
AGENT_PID=

# nt ARGS: detente with no way to ask for a passphrase (no file, no fd,
# no controlling terminal).
nt()
{
	setsid -w "$DETENTE" --home "$H" "$@" </dev/null
}

stop_agent()
{
	if [ -n "$AGENT_PID" ] && kill -0 "$AGENT_PID" 2>/dev/null; then
		kill "$AGENT_PID" 2>/dev/null
	fi
}
# tap.sh's own exit handler still runs (and still sees the status)
trap '_s=$?; stop_agent; (exit $_s); _tap_exit' EXIT

agent_pid()
{
	sed -n 's/^detente agent running (pid \([0-9]*\)).*/\1/p' "$OUT"
}

new_dialogue || bail_out "cannot make a dialogue"

# --- without an agent: nothing changes ------------------------------------
run_fails 2 "no agent: --status says so" "$DETENTE" agent --status
like "$(cat "$ERR")" 'no agent is running' "  one line that says so"
run_fails 2 "no agent, no passphrase source: a write fails" \
    nt --as ru-head meeting open --title "Round"
like "$(cat "$ERR")" 'passphrase' "  it asks for a passphrase it cannot read"

# --- start ------------------------------------------------------------------
run_ok "agent starts" "$DETENTE" agent
AGENT_PID=$(agent_pid)
like "$AGENT_PID" '^[0-9]+$' "it says its pid"
like "$(cat "$OUT")" "socket $SOCK\$" "it says where its socket is"
ok 'kill -0 "$AGENT_PID"' "it runs in the background"
is "$(stat -c %a "$SOCK")" 600 "the socket is mode 0600"
is "$(stat -c %a "$XDG_RUNTIME_DIR/detente")" 700 "its directory is mode 0700"
run_fails 2 "a second agent is refused" "$DETENTE" agent
like "$(cat "$ERR")" 'already running' "  it says one runs"

run_ok "agent add ru-head (the passphrase once)" dt agent add ru-head
like "$(cat "$ERR")" 'ru-head added to the agent' "  it says so"
run_ok "--status" "$DETENTE" agent --status
like "$(cat "$OUT")" '^ru-head  [0-9A-F ]{24}  forgotten in ' "  lists ru-head"

# --- commands through the agent, no passphrase source -----------------------
run_ok "meeting open, no passphrase" nt --as ru-head meeting open \
    --title "Round one"
run_ok "add a note, no passphrase" nt --as ru-head add note "Через агента."
run_ok "add a decision, no passphrase" nt --as ru-head add decision \
    "Meet again in spring."
DEC=$(cat "$OUT")
run_ok "endorse it, no passphrase" nt --as ru-head endorse "$DEC"
run_ok "checkpoint (a signed note), no passphrase" nt --as ru-head checkpoint
run_ok "meeting close, no passphrase" nt --as ru-head meeting close
dt --as us-head meeting close >/dev/null || bail_out "close (US, with its passphrase)"
MIN=$TEST_TMP/minutes-1.md
run_ok "minutes export" nt --as ru-head minutes export --meeting 1 -o "$MIN"
run_ok "minutes sign, no passphrase" nt --as ru-head minutes sign "$MIN"
run_ok "the record verifies" dt verify
run_ok "the log shows the note" dt --as ru-del log
like "$(cat "$OUT")" 'Через агента' "  with its text"
SIG=$MIN.ru-head.minisig
ok '[ -n "$SIG" ]' "the signature file is written"
dt id export --minisign ru-head >"$TEST_TMP/ru-head.pub"
if command -v minisign >/dev/null 2>&1; then
	run_ok "minisign verifies the signature made through the agent" \
	    minisign -Vm "$MIN" -x "$SIG" -p "$TEST_TMP/ru-head.pub"
else
	skip "no minisign"
fi
run_ok "audit --key-file of an identity the agent holds, no passphrase" \
    nt audit --key-file "$H/identities/ru-head.key" "$H/dialogues/$DID"
like "$(cat "$OUT")" 'content: [0-9]+ entries decrypted and checked' \
    "  the content is decrypted with the key wrap the agent opened"
run_fails 2 "an identity the agent does not hold still needs the passphrase" \
    nt --as ru-del checkpoint
like "$(cat "$ERR")" 'passphrase' "  it asks for one"

# --- the socket and other users -----------------------------------------------
if [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1 &&
    command -v setpriv >/dev/null 2>&1 && [ -x /usr/bin/python3 ]; then
	# the system's python: one under /root (pyenv) is not nobody's
	SYSPY=/usr/bin/python3
	NOBODY="setpriv --reuid=nobody --regid=$(id -g nobody) --clear-groups"
	run_fails 2 "nobody cannot use the agent (the directory stops it)" \
	    $NOBODY env XDG_RUNTIME_DIR="$XDG_RUNTIME_DIR" "$DETENTE" \
	    --home "$H" agent --status
	# Open the way to the socket, so that only the agent's own check
	# (SO_PEERCRED) stands between nobody and the key.
	chmod 711 "$TEST_TMP" "$XDG_RUNTIME_DIR" "$XDG_RUNTIME_DIR/detente"
	chmod 666 "$SOCK"
	run_fails 2 "our own client refuses a directory others may enter" \
	    "$DETENTE" agent --status
	like "$(cat "$ERR")" 'others can enter the agent' "  and says so"
	PK=$(dt id export --hex ru-head)
	cat >"$TEST_TMP/raw.py" <<'EOS'
import socket, struct, sys
path, pk, op = sys.argv[1], bytes.fromhex(sys.argv[2]), int(sys.argv[3])
body = bytes([op]) + (pk + b"any message" if op == 2 else b"")
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(10)
s.connect(path)
got = b""
try:
    s.sendall(struct.pack(">I", len(body)) + body)
    while True:
        b = s.recv(4096)
        if not b:
            break
        got += b
except (BrokenPipeError, ConnectionResetError):
    pass  # the agent closed the connection
print("connected", len(got), got[4:5].hex() if len(got) > 4 else "-")
EOS
	chmod 644 "$TEST_TMP/raw.py"
	run_ok "we (same uid) get an answer to a raw sign request" \
	    "$SYSPY" "$TEST_TMP/raw.py" "$SOCK" "$PK" 2
	is "$(cat "$OUT")" "connected 69 00" "  status ok and a 64-byte signature"
	run_ok "nobody connects to the opened socket, asks for a signature" \
	    $NOBODY "$SYSPY" "$TEST_TMP/raw.py" "$SOCK" "$PK" 2
	is "$(cat "$OUT")" "connected 0 -" "  and gets nothing at all (SO_PEERCRED)"
	run_ok "nobody asks for the list" \
	    $NOBODY "$SYSPY" "$TEST_TMP/raw.py" "$SOCK" "$PK" 4
	is "$(cat "$OUT")" "connected 0 -" "  and gets nothing either"
	chmod 700 "$TEST_TMP" "$XDG_RUNTIME_DIR" "$XDG_RUNTIME_DIR/detente"
	chmod 600 "$SOCK"
	run_ok "the agent still serves us" "$DETENTE" agent --status
	like "$(cat "$OUT")" '^ru-head ' "  and still holds ru-head"
else
	skip "not root, or no nobody, setpriv or /usr/bin/python3" 11
fi

# --- lock ---------------------------------------------------------------------
run_ok "--lock" "$DETENTE" agent --lock
run_ok "--status after lock" "$DETENTE" agent --status
like "$(cat "$OUT")" 'holds no identity' "  holds nothing"
run_fails 2 "after --lock a write needs the passphrase again" \
    nt --as ru-head checkpoint
like "$(cat "$ERR")" 'passphrase' "  it asks for one"
run_ok "with the passphrase it works" dt --as ru-head checkpoint

# --- no secret in any file ----------------------------------------------------
# alice of tests/vectors/keystore.txt: a keystore whose seed is known.
KS=$(sed -n 's/^keystore = //p' "$VECTORS/keystore.txt")
SEED=$(sed -n 's/^seed = //p' "$VECTORS/keystore.txt")
python3 -c 'import sys; open(sys.argv[1], "wb").write(bytes.fromhex(sys.argv[2]))' \
    "$H/identities/alice.key" "$KS"
chmod 600 "$H/identities/alice.key"
run_ok "agent add alice (a known seed)" dt agent add alice
run_ok "--status lists alice" "$DETENTE" agent --status
like "$(cat "$OUT")" '^alice ' "  alice is held"
cat >"$TEST_TMP/find.py" <<'EOS'
import os, sys
seed = bytes.fromhex(sys.argv[1])
needles = [seed, sys.argv[1].encode(), sys.argv[1].upper().encode()]
hits = []
for top in sys.argv[2:]:
    for d, _, fs in os.walk(top):
        for f in fs:
            p = os.path.join(d, f)
            try:
                data = open(p, "rb").read()
            except OSError:
                continue
            if any(n in data for n in needles):
                hits.append(p)
print("\n".join(hits))
EOS
run_ok "search every file of the test, the home and the agent's directory" \
    python3 "$TEST_TMP/find.py" "$SEED" "$TEST_TMP" /dev/shm
is "$(cat "$OUT")" "" "no file holds alice's seed (binary or hex)"

# --- the idle timeout -----------------------------------------------------------
run_ok "--stop" "$DETENTE" agent --stop
ok '! [ -e "$SOCK" ]' "the socket is removed"
n=0
while kill -0 "$AGENT_PID" 2>/dev/null && [ $n -lt 50 ]; do
	sleep 0.1
	n=$((n + 1))
done
ok '! kill -0 "$AGENT_PID" 2>/dev/null' "the agent process has ended"
run_fails 2 "--status after --stop" "$DETENTE" agent --status

# four started at once: one agent (the lock), three refusals
for i in 1 2 3 4; do
	("$DETENTE" agent >"$TEST_TMP/start$i.out" 2>&1
	echo $? >"$TEST_TMP/start$i.rc") &
done
wait
is "$(cat "$TEST_TMP"/start?.rc | sort | tr '\n' ' ')" "0 2 2 2 " \
    "four agents started at once: one runs, three are refused"
AGENT_PID=$(cat "$TEST_TMP"/start?.out |
    sed -n 's/^detente agent running (pid \([0-9]*\)).*/\1/p')
run_ok "it answers" "$DETENTE" agent --status
like "$(cat "$OUT")" "^detente agent running \\(pid $AGENT_PID\\)" "  it is the one that said so"
run_ok "--stop" "$DETENTE" agent --stop

run_ok "an agent with --timeout 3s" "$DETENTE" agent --timeout 3s
AGENT_PID=$(agent_pid)
like "$(cat "$OUT")" 'after 3 s unused' "  says its timeout"
run_ok "agent add ru-head" dt agent add ru-head
run_ok "--status at once" "$DETENTE" agent --status
like "$(cat "$OUT")" '^ru-head ' "  ru-head is held"
sleep 4
run_ok "--status after 4 s idle" "$DETENTE" agent --status
like "$(cat "$OUT")" 'holds no identity' "  ru-head was forgotten"
run_fails 2 "after the timeout a write needs the passphrase again" \
    nt --as ru-head checkpoint
like "$(cat "$ERR")" 'passphrase' "  it asks for one"
run_ok "SIGTERM ends the agent" kill "$AGENT_PID"
n=0
while [ -e "$SOCK" ] && [ $n -lt 50 ]; do
	sleep 0.1
	n=$((n + 1))
done
ok '! [ -e "$SOCK" ]' "  and it removes its socket"

# the lifetime bounds a key however often it is used
run_ok "an agent with --timeout 1h --lifetime 90s" "$DETENTE" agent \
    --timeout 1h --lifetime 90s
AGENT_PID=$(agent_pid)
like "$(cat "$OUT")" 'after 1 h unused and 1 min 30 s after it was added' \
    "  says both"
run_ok "agent add ru-head" dt agent add ru-head
run_ok "a use" nt --as ru-head checkpoint
run_ok "--status" "$DETENTE" agent --status
like "$(cat "$OUT")" '^ru-head .* forgotten in (1 min [0-9]+ s|[0-9]+ s) unless used$' \
    "  the lifetime, not the idle hour, is what is left"
run_ok "--stop" "$DETENTE" agent --stop

# the benchmark's short run (make bench runs it in full): it measures
# what it says, never checked against a time here
run_ok "tests/bench/agent.sh runs (2 runs each, --kdf min)" \
    env BENCH_AGENT_N=2 BENCH_AGENT_KDF=min sh "$_tap_lib_dir/bench/agent.sh" \
    "$DETENTE"
like "$(cat "$OUT")" '^detente add, passphrase \(Argon2id min\): p50 [0-9.]+ ms, p99 [0-9.]+ ms \(2 runs\)$' \
    "  the passphrase's median and 99th percentile"
like "$(cat "$OUT")" '^detente add, agent: +p50 [0-9.]+ ms, p99 [0-9.]+ ms \(2 runs\)$' \
    "  the agent's median and 99th percentile"
like "$(cat "$OUT")" '^(agent / git commit -S: p50 ratio [0-9.]+, p99 ratio [0-9.]+ \(target: p50 at most 2\)|git or ssh-keygen missing.*)$' \
    "  and the ratios to git commit -S, the floor (or why not)"

run_fails 2 "--timeout 0 is a usage error" "$DETENTE" agent --timeout 0
run_fails 2 "--timeout 5x is a usage error" "$DETENTE" agent --timeout 5x
run_fails 2 "add with no agent says so" dt agent add ru-head
like "$(cat "$ERR")" 'no agent is running' "  one line"
done_testing
