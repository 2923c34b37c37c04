#!/usr/bin/python3
"""internal_check.py: what each identity's key can read of the internal
notes and party keys in a bundle, on the bytes (docs/FORMAT.md sections 4
and 6, "Party keys and internal notes"), without detente.

Usage:
  internal_check.py BUNDLE PASSFILE KEYSTORE...

Reads the entries itself (section 4, "Layout": the independent verifier
does not accept flags 0x04 and 0x07 yet).  For each keystore (its name is
the file's name without ".key"), opened as section 3 says:

- tries every box of every key wrap, whoever it is addressed to: a box
  addressed to another key must not open (foreign_opened); a box of a
  party key wrap (flags 0x04) that opens must carry the context
  "detente partykey v1\\0" and one of a key wrap with flags 0x00 the
  context "detente key wrap v1\\0", so that neither opens under the other
  context (cross: boxes that would; pcross_checked, jcross_checked: boxes
  of each kind on which this was checked);
- keeps every key it so obtains (dialogue keys and party keys alike) and
  tries each on every internal note (a note, kind 0x25, with flags 0x07),
  of its own party (own_int) or another (other_int); an opened note must
  unpad (ISO/IEC 7816-4, block 256) to a JSON note payload with a
  meeting and a text (section 5; counted in unpadded);
- if the bundle removes the key (member-remove), counts the party key
  wraps with a box to it that have the removal in their causal past
  (pwraps_after_to_me) and the internal notes of its party that do
  (int_after), and how many of those open (int_after_opened).

Prints one line per keystore:

  NAME party=P joint_keys=J party_keys=K foreign_opened=F cross=X
  own_int=N own_int_opened=O unpadded=U other_int=M other_int_opened=Q
  pwraps_after_to_me=W int_after=A int_after_opened=B pcross_checked=C
  jcross_checked=D

(on one line).  Exits 1 if a box that opens holds a key for another
dialogue or whose key id is not the wrap's.
"""

import json
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import indep_verify as iv  # noqa: E402  (exits with SKIP without modules)
import bundle_tool as bt  # noqa: E402
import nacl.exceptions  # noqa: E402
import nacl.public  # noqa: E402

JOINT_CTX = b"detente key wrap v1\0"
PARTY_CTX = b"detente partykey v1\0"
KEY_WRAP, NOTE = 0x04, 0x25
GENESIS, MEMBER_ADD, MEMBER_REMOVE = 0x01, 0x02, 0x03


class E:
    pass


def parse(b):
    """The fields of one entry (section 4, "Layout")."""
    e = E()
    e.kind, e.flags = b[4], b[5]
    nrefs = struct.unpack(">H", b[6:8])[0]
    e.dialogue, e.author = b[8:40], b[40:72]
    e.seq, e.clock = struct.unpack(">QQ", b[72:88])
    off = 128 + 72 * nrefs
    e.refs = [(b[o:o + 32], struct.unpack(">Q", b[o + 32:o + 40])[0],
               b[o + 40:o + 72]) for o in range(128, off, 72)]
    n = struct.unpack(">I", b[off:off + 4])[0]
    e.header = b[:off + 4]
    e.body = b[off + 4:off + 4 + n]
    if len(b) != off + 4 + n + 64:
        raise ValueError("an entry's lengths do not add up")
    e.hash = iv.leaf_hash(b)
    return e


def unpad(p):
    """The payload of a padded plaintext (section 4, "Body"), or None."""
    if len(p) == 0 or len(p) % 256:
        return None
    i = len(p) - 1
    while i >= 0 and p[i] == 0:
        i -= 1
    if i < 0 or p[i] != 0x80 or len(p) - i > 256:
        return None
    return p[:i]


def is_note(payload):
    try:
        o = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return False
    if not isinstance(o, dict) or not isinstance(o.get("meeting"), int):
        return False
    t = o.get("text")
    # a text field: a string, or an array of {"body", "lang", ...}
    return isinstance(t, str) or (
        isinstance(t, list) and len(t) > 0 and
        all(isinstance(x, dict) and isinstance(x.get("body"), str)
            for x in t))


def check(name, seed, did, es, party_of, past):
    me = iv.ed25519_pk(seed)
    sk = nacl.public.PrivateKey(iv.ed_to_x25519_sk(seed))
    box = nacl.public.SealedBox(sk)
    removal = None
    for e in es:
        if e.kind == MEMBER_REMOVE and \
           bytes.fromhex(iv.accept_payload(e.body)["key"]) == me:
            removal = e
    n = dict.fromkeys(("foreign_opened", "cross", "own_int", "own_int_opened",
                       "unpadded", "other_int", "other_int_opened",
                       "pwraps_after_to_me", "int_after", "int_after_opened",
                       "pcross_checked", "jcross_checked"), 0)
    joint, party = {}, {}
    for e in es:
        if e.kind != KEY_WRAP:
            continue
        o = iv.accept_payload(e.body)
        kid = bytes.fromhex(o["key_id"])
        internal = bool(e.flags & 4)
        for w in o["wraps"]:
            b = iv.b64decode_strict(w["box"])
            try:
                plain = box.decrypt(b)
            except nacl.exceptions.CryptoError:
                plain = None
            if bytes.fromhex(w["to"]) != me:
                n["foreign_opened"] += plain is not None
                continue
            if internal and removal is not None and \
               removal.hash in past[e.hash]:
                n["pwraps_after_to_me"] += 1
            if plain is None or len(plain) != 84:
                raise ValueError("%s: a box to it does not open" % name)
            ctx, wrong = (PARTY_CTX, JOINT_CTX) if internal else \
                (JOINT_CTX, PARTY_CTX)
            if plain[:20] == wrong:
                n["cross"] += 1
            n["pcross_checked" if internal else "jcross_checked"] += 1
            if plain[:20] != ctx:
                raise ValueError("%s: a box without its context" % name)
            if plain[20:52] != did:
                raise ValueError("%s: a key for another dialogue" % name)
            key = plain[52:]
            if iv.key_id(key) != kid:
                raise ValueError("%s: key id mismatch" % name)
            (party if internal else joint).setdefault(kid, key)
    keys = list(joint.values()) + list(party.values())
    mine = party_of.get(me)
    for e in es:
        if e.kind != NOTE or e.flags != 0x07:
            continue
        own = party_of.get(e.author) == mine
        w = "own_int" if own else "other_int"
        after = own and removal is not None and removal.hash in past[e.hash]
        n[w] += 1
        n["int_after"] += after
        for key in keys:
            try:
                p = iv.xchacha_open(key, e.body[8:32], e.body[32:], e.header)
            except iv.Reject:
                continue
            n[w + "_opened"] += 1
            n["int_after_opened"] += after
            pl = unpad(p)
            n["unpadded"] += pl is not None and is_note(pl)
            break
    return "%s party=%s joint_keys=%d party_keys=%d %s" % (
        name, mine, len(joint), len(party),
        " ".join("%s=%d" % (k, v) for k, v in n.items()))


def main(argv):
    if len(argv) < 4:
        sys.stderr.write(__doc__)
        return 2
    did, blobs = bt.read_bundle(argv[1])
    es = [parse(b) for b in blobs]
    by_hash = {e.hash: e for e in es}
    past = iv.causal_past(es, by_hash)
    party_of = {}
    for e in es:
        if e.kind == GENESIS:
            for m in iv.accept_payload(e.body)["members"]:
                party_of[bytes.fromhex(m["key"])] = m["party"]
        elif e.kind == MEMBER_ADD:
            o = iv.accept_payload(e.body)
            party_of[bytes.fromhex(o["key"])] = o["party"]
    try:
        for ks in argv[3:]:
            name = os.path.basename(ks)
            if name.endswith(".key"):
                name = name[:-4]
            print(check(name, bt.seed_of(ks, argv[2]), did, es, party_of,
                        past))
    except ValueError as x:
        sys.stderr.write("internal_check: %s\n" % x)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
