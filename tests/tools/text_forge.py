#!/usr/bin/python3
"""text_forge.py: write entries whose text fields detente refuses to write.

Written from docs/FORMAT.md (sections 4 to 7 and 11), with the entry code
of indep_verify.py and the bundle code of bundle_tool.py beside it.  Other
software need not validate what it writes: these entries are what such
software could sign, and every reader must render them harmlessly.

Usage:
  text_forge.py genesis OUT TITLE_FILE [NAME_FILE]
      OUT: a bundle that holds one genesis, by a fresh RU head, with two
      fresh heads (RU, US); its title is TITLE_FILE's bytes (UTF-8), and
      with NAME_FILE the US head's name is that file's bytes.  Prints the
      dialogue id, then "RU <fingerprint>" and "US <fingerprint>".
  text_forge.py append IN KEYSTORE PASSFILE OUT PAYLOADS_FILE
      OUT: IN (a bundle with the whole record) and, after it, one content
      entry per line of PAYLOADS_FILE, signed by the keystore's identity
      (first line of PASSFILE: the passphrase) at the end of its feed.
      Each line is "KIND JSON": the kind's name and the payload, which is
      encrypted with the dialogue key the record wraps to the identity.
      Each entry references every other feed's last entry; its clock is
      one more than the largest clock of its prev and references.
      Prints one line per entry: its kind and leaf hash.
"""

import json
import os
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import indep_verify as iv  # noqa: E402  (exits with SKIP without modules)
import bundle_tool as bt  # noqa: E402


def payload(o):
    """UTF-8 JSON; Python escapes only C0, like jansson."""
    return json.dumps(o, ensure_ascii=False, sort_keys=True,
                      separators=(",", ":")).encode("utf-8",
                                                    "surrogateescape")


def genesis(out, title_file, name_file=None):
    ru, us = os.urandom(32), os.urandom(32)
    title = open(title_file, "rb").read().decode("utf-8", "surrogateescape")
    us_name = "us-head"
    if name_file:
        us_name = open(name_file, "rb").read().decode("utf-8",
                                                      "surrogateescape")
    members = [
        {"key": iv.ed25519_pk(ru).hex(), "name": "ru-head", "party": "RU",
         "role": "head"},
        {"key": iv.ed25519_pk(us).hex(), "name": us_name, "party": "US",
         "role": "head"},
    ]
    p = payload({"v": 1, "title": title, "parties": ["RU", "US"],
                 "members": members})
    g = iv.build_entry(iv.K["genesis"], ru, iv.ZERO32, 0, 1,
                       int(time.time() * 1000), iv.ZERO32, [], p)
    did = iv.leaf_hash(g)
    open(out, "wb").write(bt.encode_bundle(did, [g]))
    print(did.hex())
    print("RU " + iv.fingerprint(iv.ed25519_pk(ru)))
    print("US " + iv.fingerprint(iv.ed25519_pk(us)))


def dialogue_key(entries, seed, did):
    me = iv.ed25519_pk(seed).hex()
    for b in entries:
        e = iv.parse_entry(b)
        if e.kind != iv.K["key-wrap"]:
            continue
        for w in json.loads(e.body)["wraps"]:
            if w["to"] == me:
                return iv.open_box(iv.b64decode_strict(w["box"]), seed, did)
    raise SystemExit("text_forge: no key wrap for this identity")


def append(inp, keystore, passfile, out, payloads_file):
    did, entries = bt.read_bundle(inp)
    seed = bt.seed_of(keystore, passfile)
    key = dialogue_key(entries, seed, did)
    me = iv.ed25519_pk(seed)
    heads = {}
    for b in entries:
        e = iv.parse_entry(b)
        if e.author not in heads or heads[e.author].seq < e.seq:
            heads[e.author] = e
    new = []
    for line in open(payloads_file, "rb").read().split(b"\n"):
        if not line.strip():
            continue
        kind, body = line.split(b" ", 1)
        kind = kind.decode()
        pl = payload(json.loads(body.decode("utf-8", "surrogateescape")))
        mine = heads.get(me)
        refs = sorted((a, h.seq, h.hash) for a, h in heads.items()
                      if a != me)
        clock = 1 + max([h.clock for h in heads.values()])
        seq = mine.seq + 1 if mine else 0
        prev = mine.hash if mine else iv.ZERO32
        b = iv.build_entry(iv.K[kind], seed, did, seq, clock,
                           int(time.time() * 1000), prev, refs, pl, key,
                           os.urandom(24))
        e = iv.parse_entry(b)
        heads[me] = e
        new.append(b)
        print(kind, e.hash.hex())
    open(out, "wb").write(bt.encode_bundle(did, entries + new))


def main(argv):
    if len(argv) >= 4 and argv[1] == "genesis":
        genesis(argv[2], argv[3], argv[4] if len(argv) > 4 else None)
    elif len(argv) == 7 and argv[1] == "append":
        append(*argv[2:])
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
