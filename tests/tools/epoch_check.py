#!/usr/bin/python3
"""epoch_check.py: what one identity's key can read in a bundle, on the
bytes (docs/FORMAT.md section 6, "Key epochs"), without detente.

Usage:
  epoch_check.py BUNDLE KEYSTORE PASSFILE

Opens the identity's keystore, opens every key wrap box addressed to it
(every epoch it was given), and then tries every content entry of the
bundle with every key it holds, whatever epoch the entry names.  If the
bundle holds a member-remove of the identity's key, each content entry
is "after" the removal when the removal is in its causal past (its writer
had seen it), else "before or concurrent".  Prints one line:

  held=K1,K2 wraps_after=N after=A after_opened=B other=C other_opened=D
  named_held=E

held: the key ids opened, in the bundle's order; wraps_after: boxes to
the identity in key wraps written after its removal (must be 0); after /
after_opened: content entries after the removal, and how many of them
opened with some key held (must be 0); other / other_opened: the rest;
named_held: content entries whose named epoch (epoch 0 when none) is one
held, which must equal the number that opened.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import indep_verify as iv  # noqa: E402  (exits with SKIP without modules)
import bundle_tool as bt  # noqa: E402


def main(argv):
    if len(argv) != 4:
        sys.stderr.write(__doc__)
        return 2
    did, blobs = bt.read_bundle(argv[1])
    seed = bt.seed_of(argv[2], argv[3])
    me = iv.ed25519_pk(seed)
    es = [iv.parse_entry(b) for b in blobs]
    by_hash = {e.hash: e for e in es}
    past = iv.causal_past(es, by_hash)
    removal = None
    epoch0 = None
    keys = {}
    for e in sorted(es, key=lambda e: (e.clock, e.author)):
        if e.kind == iv.K["member-remove"]:
            if bytes.fromhex(iv.accept_payload(e.body)["key"]) == me:
                removal = e
    wraps_after = 0
    for e in sorted(es, key=lambda e: (e.clock, e.author)):
        if e.kind != iv.K["key-wrap"]:
            continue
        o = iv.accept_payload(e.body)
        kid = bytes.fromhex(o["key_id"])
        epoch0 = epoch0 or kid
        for w in o["wraps"]:
            if bytes.fromhex(w["to"]) != me:
                continue
            if removal is not None and removal.hash in past[e.hash]:
                wraps_after += 1
            key = iv.open_box(iv.b64decode_strict(w["box"]), seed, did)
            iv.need(iv.key_id(key) == kid, "wrap", "key id mismatch")
            keys.setdefault(kid, key)
    n = {"after": 0, "after_opened": 0, "other": 0, "other_opened": 0,
         "named_held": 0}
    for e in es:
        if not iv.is_content(e.kind):
            continue
        where = "after" if removal is not None and \
            removal.hash in past[e.hash] else "other"
        n[where] += 1
        if (e.epoch or epoch0) in keys:
            n["named_held"] += 1
        for key in keys.values():
            try:
                iv.xchacha_open(key, e.sealed[:24], e.sealed[24:], e.header)
            except iv.Reject:
                continue
            n[where + "_opened"] += 1
            break
    print("held=%s wraps_after=%d after=%d after_opened=%d other=%d "
          "other_opened=%d named_held=%d" % (
              ",".join(k.hex() for k in keys), wraps_after, n["after"],
              n["after_opened"], n["other"], n["other_opened"],
              n["named_held"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
