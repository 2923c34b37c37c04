#!/bin/sh
# 67-internal-indep.sh: the independent verifier (tests/tools/indep_verify.py,
# written from docs/FORMAT.md) on a record with internal notes that detente
# wrote (FORMAT.md section 6, "Party keys and internal notes").
#
# Both parties write internal notes (each head's first starts its party's
# key), a delegate writes one, RU's head rotates RU's key with
# `dialogue rekey --internal` and again by removing its delegate, and both
# sides close the meeting.  Then, on the bundle of the whole record:
# indep_verify.py verifies it without any key and with the keys each of
# the four identities opens from its boxes (with the box context of its
# key wrap's kind); every identity reads exactly the content entries
# detente shows it (`log --json`), to the same payloads; a party's
# members hold its internal keys and the other party's members none; the
# removed delegate holds no key that opens what RU wrote internally after
# its removal; both sides export the same minutes, byte for byte; and
# an internal note forged into a meeting its side had closed is a late
# entry for that side only.
. "$(dirname "$0")/../tap.sh"
. "$_tap_lib_dir/cli/common.inc"
. "$_tap_lib_dir/cli/two-homes.inc"

have_bt || plan skip_all "needs /usr/bin/python3 with python3-nacl, -argon2, -cryptography"

two_homes || bail_out "cannot make a dialogue"
join_b || bail_out "cannot join"
run_ok "RU opens meeting 1" A --as ru-head meeting open --title "M1"
run_ok "RU writes a joint note" A --as ru-head add note "joint RU"
run_ok "RU's head writes an internal note (RU's key starts)" \
    A --as ru-head add note --internal "RU internal 1"
run_ok "RU's delegate writes one" \
    A --as ru-del add note --internal "RU internal 2"
sync_both || bail_out "cannot sync"
run_ok "US's head writes an internal note (US's key starts)" \
    B --as us-head add note --internal "US internal 1"
run_ok "US's delegate writes one" \
    B --as us-del add note --internal "US internal 2"
run_ok "RU's head rotates RU's key" A --as ru-head dialogue rekey --internal
run_ok "RU's delegate writes under it" \
    A --as ru-del add note --internal "RU internal 3"
run_ok "RU's head removes the delegate (RU's key rotates again)" \
    A --as ru-head member remove ru-del
run_ok "RU's head writes after the removal" \
    A --as ru-head add note --internal "RU internal 4"
sync_both || bail_out "cannot sync"
run_ok "US closes meeting 1" B --as us-head meeting close 1
sync_both || bail_out "cannot sync"
run_ok "RU closes meeting 1" A --as ru-head meeting close 1
sync_both || bail_out "cannot sync"

run_ok "A's replica is exported" A bundle export -o "$TEST_TMP/all-a.dtb"
run_ok "B's replica is exported" B bundle export -o "$TEST_TMP/all-b.dtb"
ok 'cmp -s "$TEST_TMP/all-a.dtb" "$TEST_TMP/all-b.dtb"' \
    "the replicas' bundles are the same bytes"

for who in ru-head ru-del us-head us-del; do
	case $who in ru-*) H=A ;; *) H=B ;; esac
	$H --as "$who" log --json >"$TEST_TMP/log-$who.json" ||
	    bail_out "cannot log as $who"
done

# (the script is a file: run_ok gives the command /dev/null as stdin)
cat >"$TEST_TMP/iv.py" <<'EOF'
import json
import os
import sys
sys.path.insert(0, sys.argv[1])
import bundle_tool as bt
import indep_verify as iv
tmp, ids, passf = sys.argv[2], sys.argv[3:5], sys.argv[5]
did, entries = bt.read_bundle(os.path.join(tmp, "all-a.dtb"))
assert did.hex() == sys.argv[6]
es = [iv.parse_entry(b) for b in entries]
iv.verify_record(entries, did, None)

# The key ids of each kind, in merged order (section 6).
joint, party = [], {}
for e in sorted(es, key=lambda e: (e.clock, e.author)):
    if e.kind == iv.K["key-wrap"]:
        kid = bytes.fromhex(iv.accept_payload(e.body)["key_id"])
        if e.flags & 4:
            party.setdefault(kid, e.author)
        elif kid not in joint:
            joint.append(kid)
assert len(joint) == 2, "two key epochs (the removal starts one)"
assert len(party) == 4, "RU's three party epochs and US's one"


def keys_of(seed):
    pk, out = iv.ed25519_pk(seed).hex(), {}
    for e in es:
        if e.kind != iv.K["key-wrap"]:
            continue
        for w in iv.accept_payload(e.body)["wraps"]:
            if w["to"] == pk:
                k = iv.open_box(iv.b64decode_strict(w["box"]), seed, did,
                                iv.PARTY_CTX if e.flags & 4 else iv.WRAP_CTX)
                need = bytes.fromhex(iv.accept_payload(e.body)["key_id"])
                assert iv.key_id(k) == need, "a box holds its key id's key"
                out[need] = k
    return out


def reads(keys):
    """{leaf hash hex: payload} of the content entries keys open."""
    out = {}
    for e in es:
        if not iv.is_content(e.kind):
            continue
        k = keys.get(e.epoch or joint[0])
        if k is None:
            continue
        plain = iv.xchacha_open(k, e.sealed[:24], e.sealed[24:], e.header)
        out[e.hash.hex()] = json.loads(iv.unpad(plain) if e.internal
                                       else plain)
    return out


inotes = [e for e in es if e.internal and iv.is_content(e.kind)]
assert len(inotes) == 6, "six internal notes"
seeds, party_of = {}, {}
for d in ids:
    for f in sorted(os.listdir(d)):
        if f.endswith(".key"):
            seeds[f[:-4]] = bt.seed_of(os.path.join(d, f), passf)
            party_of[iv.ed25519_pk(seeds[f[:-4]])] = f[:2]
assert sorted(seeds) == ["ru-del", "ru-head", "us-del", "us-head"]
for who, seed in sorted(seeds.items()):
    if True:
        keys = keys_of(seed)
        faults = []
        iv.verify_record(entries, did, keys, faults)
        assert faults == [], (who, faults)
        mine = reads(keys)
        log = json.load(open(os.path.join(tmp, "log-%s.json" % who)))
        shown = {x["hash"]: x["payload"] for x in log
                 if x["kind"] not in ("genesis", "member-add",
                                      "member-remove", "key-wrap",
                                      "checkpoint", "seal",
                                      "minutes-signature")
                 and x.get("payload") is not None}
        assert mine == shown, (who, sorted(set(mine) ^ set(shown)))
        held = {k for k in keys if k in party}
        own = {k for k, a in party.items() if party_of[a] == who[:2]}
        assert held and held <= own, (who, "holds another party's key")
        print("# %s: %d keys, reads %d content entries, %d internal"
              % (who, len(keys), len(mine),
                 sum(1 for e in inotes if e.hash.hex() in mine)))
        if who == "ru-del":
            last = max((e for e in inotes if party_of[e.author] == "ru"),
                       key=lambda e: e.clock)
            assert last.author == iv.ed25519_pk(seeds["ru-head"])
            assert last.hash.hex() not in mine, \
                "the removed delegate reads what RU wrote after"
        if who.startswith("us"):
            assert not any(party_of[e.author] == "ru" and
                           e.hash.hex() in mine for e in inotes), \
                "US reads an RU internal note"
print("checked")
EOF
run_ok "indep_verify.py: the record verifies, and each identity reads what detente shows it" \
    /usr/bin/python3 "$TEST_TMP/iv.py" "$_tap_lib_dir/tools" "$TEST_TMP" \
    "$HA/identities" "$HB/identities" "$PASS" "$DID"
like "$(cat "$OUT")" "^checked$" "and ran to its end"
diag "$(cat "$OUT")"

run_ok "RU exports the minutes of meeting 1" \
    A --as ru-head minutes export --meeting 1 -o "$TEST_TMP/ru.md"
run_ok "US exports them" \
    B --as us-head minutes export --meeting 1 -o "$TEST_TMP/us.md"
ok 'cmp -s "$TEST_TMP/ru.md" "$TEST_TMP/us.md"' \
    "both sides' minutes are the same bytes"
like "$(cat "$TEST_TMP/ru.md")" "joint RU" "they hold the joint note"
unlike "$(cat "$TEST_TMP/ru.md")" "(RU|US) internal" \
    "and nothing of the internal notes"

# A late internal note (FORMAT.md section 7, "Late entries"): what only
# modified software writes, RU's head writing into meeting 1 after RU's
# close.  It is a member fault for RU, who reads it, and nothing for US,
# who cannot; indep_verify.py agrees with both.
KS=$HA/identities/ru-head.key
run_ok "the forger writes ru-head's internal note into closed meeting 1" \
    BT note next "$TEST_TMP/all-a.dtb" "$TEST_TMP/late.dtb" "$KS" "$PASS" \
    --meeting 1 --text "RU internal late" --internal
LATE=$(awk '{print $3}' "$OUT")
run_ok "A imports it with the key" \
    A --as ru-head bundle import --key "$TEST_TMP/late.dtb"
like "$(cat "$ERR")" "member fault: author ru-head" \
    "A's import names it a member fault"
run_fails 3 "verify on A names it (exit 3)" A --as ru-head verify
like "$(cat "$OUT")" "member fault: author ru-head .*$(echo "$LATE" | cut -c1-16)" \
    "with its hash"
like "$(cat "$OUT")" "its author's side had closed" "as a late entry"
run_ok "B imports it with the key" \
    B --as us-head bundle import --key "$TEST_TMP/late.dtb"
unlike "$(cat "$OUT" "$ERR")" "member fault" "B sees no fault"
run_ok "verify on B passes" B --as us-head verify
cat >"$TEST_TMP/late.py" <<'EOF'
import sys
sys.path.insert(0, sys.argv[1])
import bundle_tool as bt
import indep_verify as iv
did, entries = bt.read_bundle(sys.argv[2])
for ks, want in ((sys.argv[3], [(sys.argv[6], "late")]), (sys.argv[4], [])):
    seed = bt.seed_of(ks, sys.argv[5])
    keys = {}
    for b in entries:
        e = iv.parse_entry(b)
        if e.kind != iv.K["key-wrap"]:
            continue
        o = iv.accept_payload(e.body)
        for w in o["wraps"]:
            if w["to"] == iv.ed25519_pk(seed).hex():
                keys[bytes.fromhex(o["key_id"])] = iv.open_box(
                    iv.b64decode_strict(w["box"]), seed, did,
                    iv.PARTY_CTX if e.flags & 4 else iv.WRAP_CTX)
    faults = []
    iv.verify_record(entries, did, keys, faults)
    got = [(f[2].hex(), f[3]) for f in faults]
    assert got == want, (ks, got, want)
print("checked")
EOF
run_ok "indep_verify.py: a late fault with RU's keys, nothing with US's" \
    /usr/bin/python3 "$TEST_TMP/late.py" "$_tap_lib_dir/tools" \
    "$TEST_TMP/late.dtb" "$KS" "$HB/identities/us-head.key" "$PASS" "$LATE"
like "$(cat "$OUT")" "^checked$" "and ran to its end"

done_testing
