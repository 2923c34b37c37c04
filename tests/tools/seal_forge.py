#!/usr/bin/python3
"""seal_forge.py: forge checkpoint and seal notes for the tests.

Written from docs/FORMAT.md ("Checkpoint entries", "Seals"), reusing the
entry code of indep_verify.py and the bundle code of bundle_tool.py beside
it (/usr/bin/python3 with python3-cryptography, -nacl, -argon2).

Usage:
  seal_forge.py vector VECTORS_DIR
      print tests/vectors/seal.txt as this file computes it from
      entries.txt: the seal of meeting 1 of that dialogue (its two feeds
      with their RFC 6962 roots, computed here), signed by ru-head and
      cosigned by us-head, and the heads' verifier keys
  seal_forge.py bundle IN OUT KEYSTORE PASSFILE
      OUT is the bundle IN with the last seal or checkpoint entry written
      by the keystore's identity changed: the root of the first feed its
      note lists flipped, the note's text signed again by that identity
      (so the note itself verifies), the payload and the entry rebuilt
      and re-signed.  Only the root is wrong: a verifier must notice that
      it is not the root of the feed.
  seal_forge.py store DB KEYSTORE PASSFILE AUTHOR SEQ
      the same, in place, for the entry (AUTHOR hex, SEQ) of an LMDB data
      file, which must keep its length (a base64 character of the root
      is changed); every copy of the entry in the file is changed.
      Prints the number of copies changed.
"""

import base64
import hashlib
import json
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import indep_verify as iv  # noqa: E402  (exits with SKIP without modules)
import bundle_tool as bt  # noqa: E402

EM = "\u2014 "
B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def entry_len(b, at):
    nrefs = struct.unpack(">H", b[at + 6:at + 8])[0]
    off = at + 128 + 72 * nrefs
    body = struct.unpack(">I", b[off:off + 4])[0]
    return 128 + 72 * nrefs + 4 + body + 64


def sign_note(text, name, seed):
    pk = iv.ed25519_pk(seed)
    kid = hashlib.sha256(name.encode() + b"\n\x01" + pk).digest()[:4]
    sig = iv.ed25519_sign(seed, text.encode())
    return (text + "\n" + EM + name + " " +
            base64.b64encode(kid + sig).decode() + "\n")


def bad_root_text(text):
    """The text with the first root changed by one base64 character."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if line.startswith("feed "):
            parts = line.split(" ")
            root = parts[3]
        elif i == 2 and not line.startswith("meeting"):
            root = line  # a checkpoint: origin, size, root
            parts = None
        else:
            continue
        c = B64[(B64.index(root[0]) + 1) % 64]
        root = c + root[1:]
        if parts is None:
            lines[i] = root
        else:
            parts[3] = root
            lines[i] = " ".join(parts)
        return "\n".join(lines)
    raise ValueError("no root in the note")


def forge_note(note, seed):
    text = note[:note.rindex("\n\n") + 1]
    name = note[note.rindex("\n\n") + 2:].split("\n")[0][len(EM):]
    name = name.split(" ")[0]
    return sign_note(bad_root_text(text), name, seed)


def forge_entry(e, seed):
    nrefs = struct.unpack(">H", e[6:8])[0]
    hlen = 128 + 72 * nrefs
    blen = struct.unpack(">I", e[hlen:hlen + 4])[0]
    p = json.loads(e[hlen + 4:hlen + 4 + blen].decode())
    p["note"] = forge_note(p["note"], seed)
    body = json.dumps(p, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode()
    out = e[:hlen] + struct.pack(">I", len(body)) + body
    return iv.resign(out + bytes(64), seed)


def mth(leaves):
    """RFC 6962 Merkle tree hash of a list of leaf hashes."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return hashlib.sha256(b"\x01" + mth(leaves[:k]) + mth(leaves[k:])).digest()


def vkey(name, pk):
    kid = hashlib.sha256(name.encode() + b"\n\x01" + pk).digest()[:4]
    return "%s+%s+%s" % (name, kid.hex(),
                         base64.b64encode(b"\x01" + pk).decode())


def vector(vdir):
    v = iv.read_vectors(os.path.join(vdir, "entries.txt"))
    did = iv.unhex(v["dialogue_id"])
    minutes = hashlib.sha256(b"minutes of meeting 1\n").digest()
    feeds = {}
    for n in ("genesis", "wrap", "note_ru", "note_us"):
        e = iv.unhex(v[n])
        feeds.setdefault(e[40:72], []).append(iv.leaf_hash(e))
    lines = ["detente seal v1", "dialogue " + did.hex(), "meeting 1",
             "minutes " + minutes.hex()]
    for author in sorted(feeds):
        lines.append("feed detente/%s/%s %d %s" % (
            did.hex(), author.hex(), len(feeds[author]),
            base64.b64encode(mth(feeds[author])).decode()))
    text = "\n".join(lines) + "\n"
    seeds = {h: iv.unhex(v["seed_" + h]) for h in ("ru_head", "us_head")}
    names = {h: "detente/%s/%s" % (did.hex(), v["pk_" + h])
             for h in seeds}
    note_ru = sign_note(text, names["ru_head"], seeds["ru_head"])
    note = note_ru + sign_note(text, names["us_head"],
                               seeds["us_head"])[len(text) + 1:]

    def esc(s):
        return s.replace("\n", "\\n")
    out = ["# tests/vectors/seal.txt: the seal of meeting 1 of the dialogue "
           "of entries.txt",
           "# (docs/FORMAT.md, \"Seals\"), its minutes the SHA-256 of "
           "\"minutes of meeting 1\\n\".",
           "# Written by tests/tools/seal_forge.py vector; checked by "
           "tests/unit/test_seal.c",
           "# and tests/cli/94-seal.sh.  In text values, \\n stands for "
           "one 0x0A byte.",
           "",
           "dialogue_id = " + did.hex(),
           "meeting = 1",
           "minutes_sha256 = " + minutes.hex()]
    for h in ("ru_head", "us_head"):
        pk = iv.unhex(v["pk_" + h])
        out += ["feed_size_" + h + " = %d" % len(feeds[pk]),
                "feed_root_" + h + " = " + mth(feeds[pk]).hex(),
                "keyname_" + h + " = " + names[h],
                "vkey_" + h + " = " + vkey(names[h], pk)]
    out += ["seal_text = " + esc(text),
            "seal_note_ru = " + esc(note_ru),
            "seal_note = " + esc(note)]
    return "\n".join(out) + "\n"


def main(argv):
    if len(argv) == 3 and argv[1] == "vector":
        sys.stdout.write(vector(argv[2]))
        return 0
    if len(argv) == 6 and argv[1] == "bundle":
        seed = bt.seed_of(argv[4], argv[5])
        pk = iv.ed25519_pk(seed)
        did, entries = bt.read_bundle(argv[2])
        idx = max(i for i, e in enumerate(entries)
                  if e[40:72] == pk and e[4] in (0x05, 0x06))
        entries[idx] = forge_entry(entries[idx], seed)
        open(argv[3], "wb").write(bt.encode_bundle(did, entries))
        return 0
    if len(argv) == 7 and argv[1] == "store":
        seed = bt.seed_of(argv[3], argv[4])
        author, seq = bytes.fromhex(argv[5]), int(argv[6])
        data = bytearray(open(argv[2], "rb").read())
        n, at = 0, data.find(b"DTE\x01")
        while at >= 0:
            if (data[at + 40:at + 72] == author and
                    struct.unpack(">Q", bytes(data[at + 72:at + 80]))[0] ==
                    seq):
                ln = entry_len(data, at)
                e = forge_entry(bytes(data[at:at + ln]), seed)
                if len(e) != ln:
                    raise ValueError("the forged entry changed length")
                data[at:at + ln] = e
                n += 1
            at = data.find(b"DTE\x01", at + 1)
        open(argv[2], "wb").write(data)
        print(n)
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
