#!/usr/bin/python3
"""bundle_tool.py: read, list and forge detente bundle files for tests.

Written from docs/FORMAT.md ("Bundles"), reusing the entry code of
indep_verify.py beside it (which needs /usr/bin/python3 with the Debian
packages python3-cryptography, python3-nacl and python3-argon2).

Usage:
  bundle_tool.py list FILE
      one line per entry: index (from 1), author hex, seq, clock, kind,
      leaf hash hex
  bundle_tool.py vector VECTORS_DIR
      print tests/vectors/bundle.txt as this file computes it from
      entries.txt: a bundle of its four entries and the state file of
      the record they make
  bundle_tool.py msig VECTORS_DIR
      print tests/vectors/msig.txt as this file computes it from
      entries.txt: minutes-signature entries (FORMAT.md, section 13,
      "Signatures in the record") by ru-head after its note_ru, one that
      verifies and four that break one rule each
  bundle_tool.py attendance VECTORS_DIR
      print tests/vectors/attendance.txt as this file computes it from
      entries.txt: two attendance entries by us-head after its note_us,
      one of its own party (valid) and one listing ru-head (a member
      fault: FORMAT.md, section 7, "Attendance")
  bundle_tool.py faults VECTORS_DIR
      print tests/vectors/faults.txt as this file computes it from
      entries.txt: three member faults by us-head (FORMAT.md, section 7,
      "Member faults") after its note_us
  bundle_tool.py late VECTORS_DIR
      print tests/vectors/late.txt as this file computes it from
      entries.txt: a close of meeting 1 by each head and a note of
      meeting 1 by each, us-head's after its own close (a late entry,
      FORMAT.md section 7, "Late entries")
  bundle_tool.py removed VECTORS_DIR
      print tests/vectors/removed.txt as this file computes it from
      entries.txt: ru-head adds and removes a delegate, which writes a
      note at the removal's clock and one above it (a member fault,
      FORMAT.md section 7, "Written after removal")
  bundle_tool.py epochs VECTORS_DIR
      print tests/vectors/epochs.txt as this file computes it from
      entries.txt: ru-head starts key epoch 1 (a key wrap of a new key id
      to both heads), us-head writes a note under it (flags 0x03, the key
      id first in the body), and a note by us-head naming the epoch whose
      key wrap is not in its causal past (FORMAT.md section 6, "Key
      epochs")
  bundle_tool.py internal VECTORS_DIR
      print tests/vectors/internal.txt as this file computes it from
      entries.txt: ru-head's party key wrap (flags 0x04) and internal note
      under it (flags 0x07, padded), and three cases that fail (FORMAT.md
      section 6, "Party keys and internal notes")
  bundle_tool.py check FILE
      check the framing, the trailer and every entry's signature; prints
      "ok N" (exit 0) or the first problem (exit 1)
  bundle_tool.py flood IN OUT N SIZE
      write OUT: IN plus N entries by a key that is not a member (seed
      0x79 repeated), seq 1 to N, each chained to the one before, the
      first to a seq 0 that exists nowhere, so that every one waits for
      a previous entry that never comes; each has a control body of
      about SIZE bytes (a checkpoint kind, never parsed while it waits)
  bundle_tool.py forge CASE IN OUT [KEYSTORE PASSFILE]
      write OUT: IN with one change, its trailer recomputed (except for
      the cases that break the file itself).  The entry changed is the
      last one written by the keystore's identity (whose seed re-signs
      it), or, without a keystore, the last entry.  CASE is one of
        sig        flip a byte of the entry's signature
        dialogue   another dialogue id in the entry, re-signed
        prev       another prev hash, re-signed (a broken chain)
        clock      clock 2, re-signed (not after its prev or references)
        kind       kind 0x7f, an unknown kind (malformed bytes)
        drop       leave out the entry before it in the same feed (so
                   it waits for that one: held, not rejected)
        dropfirst  leave out the first entry of its feed the bundle
                   carries (so every later one of the feed waits)
        outsider   add a checkpoint by a key that is not a member (its
                   clock obeys the clock rule: it refers to the entry of
                   the greatest clock, and its clock is one more)
        twice      the last entry once more, at the end
        swap       the last two neighbouring entries of different
                   authors swapped: the same entries, not in merged
                   order (what a reader must not rely on)
        stranger-ref
                   add a checkpoint by a key that is not a member, at
                   seq 0, referencing an entry (seq 5 of another unknown
                   key) that is in no record: it can only wait
        fork       another time stamp, re-signed: a second entry for the
                   same author and seq
        msig-meeting
                   the entry (a minutes-signature) with its payload's
                   meeting one higher than its trusted comment's, re-signed
        truncate   cut the last 10 bytes of the file
        trailer    flip the trailer's last byte
        flip       flip the last byte of the first entry (its
                   signature), the trailer left as it was
      and the member faults (docs/FORMAT.md, section 7, "Member
      faults"), each a new note by the keystore's identity after its
      last entry in IN, well-formed, signed, chained, with clock one more
      than its previous entry's and no references, whose content is
      faulty; the plaintext carries the marker FAULTMARK:
        fault-decrypt  encrypted under a random key, not the dialogue's
        fault-utf8     a payload with invalid UTF-8
        fault-nul      a payload with a zero byte inside a string
        fault-deep     a payload nested 3000 levels deep
        fault-kind     a JSON payload that is no note (no "text")
      (the dialogue key is opened from IN's key wrap to that identity)
  bundle_tool.py note CLOCK IN OUT KEYSTORE PASSFILE
      write OUT: IN and one more entry, a note by the keystore's identity
      at the next seq of its feed in IN, referring to the last entry in IN
      of every other feed, encrypted with the dialogue key (opened from
      the identity's box in IN's key wraps) and signed: what a member can
      sign.  CLOCK is its clock: "next" (one more than the greatest clock
      it builds on, as section 7 requires), "high" (one more than that),
      "max" (2^64 - 1) or a number.  Prints the note's seq, clock and
      leaf hash.  Options after PASSFILE: --meeting M (the note's
      meeting, default 1) and --text T (its text, default "clock N"):
      a note into a meeting the identity's side has closed is what only
      modified software writes (a late entry, FORMAT.md section 7);
      --internal: an internal note (flags 0x07) under the newest party
      key whose party key wrap has a box to the identity.
"""

import hashlib
import json
import os
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import indep_verify as iv  # noqa: E402  (exits with SKIP without modules)


def read_bundle(path):
    """(dialogue id, [entry bytes]) of a bundle; raises ValueError."""
    b = open(path, "rb").read()
    if len(b) < 72 or b[:4] != b"DTB\x01":
        raise ValueError("not a bundle")
    if hashlib.sha256(b[:-32]).digest() != b[-32:]:
        raise ValueError("trailer does not match")
    did = b[4:36]
    n = struct.unpack(">I", b[36:40])[0]
    off, out = 40, []
    for _ in range(n):
        ln = struct.unpack(">I", b[off:off + 4])[0]
        out.append(b[off + 4:off + 4 + ln])
        off += 4 + ln
    if off != len(b) - 32:
        raise ValueError("entries do not end at the trailer")
    return did, out


def encode_bundle(did, entries):
    body = (b"DTB\x01" + did + struct.pack(">I", len(entries)) +
            b"".join(struct.pack(">I", len(e)) + e for e in entries))
    return body + hashlib.sha256(body).digest()


def seed_of(keystore, passfile):
    pw = open(passfile, "rb").read().rstrip(b"\r\n")
    seed, _ = iv.keystore_unlock(open(keystore, "rb").read(), pw)
    return seed


def resign(b, seed):
    return b[:-64] + iv.ed25519_sign(seed, iv.SIG_CTX + b[:-64])


def forge(case, did, entries, seed):
    """The list of entries with one change (see the module doc)."""
    pk = iv.ed25519_pk(seed) if seed else None
    idx = len(entries) - 1
    if pk is not None:
        idx = max(i for i, e in enumerate(entries) if e[40:72] == pk)
    e = bytearray(entries[idx])
    if case == "sig":
        e[-1] ^= 0x01
    elif case == "dialogue":
        e[8:40] = bytes(x ^ 0x55 for x in e[8:40])
        e = resign(bytes(e), seed)
    elif case == "prev":
        e[96:128] = hashlib.sha256(b"another history").digest()
        e = resign(bytes(e), seed)
    elif case == "clock":
        e[80:88] = struct.pack(">Q", 2)
        e = resign(bytes(e), seed)
    elif case == "kind":
        e[4] = 0x7f
    elif case == "msig-meeting":
        p = iv.parse_entry(bytes(e))
        o = json.loads(p.body)
        o["meeting"] += 1
        e = iv.build_entry(p.kind, seed, did, p.seq, p.clock, p.time, p.prev,
                           p.refs, iv.canonical(o))
    elif case == "fork":
        t = struct.unpack(">Q", bytes(e[88:96]))[0]
        e[88:96] = struct.pack(">Q", t + 1)
        e = resign(bytes(e), seed)
    elif case == "drop":
        seq = struct.unpack(">Q", bytes(e[72:80]))[0]
        return [x for x in entries if not (x[40:72] == e[40:72] and
                struct.unpack(">Q", x[72:80])[0] == seq - 1)]
    elif case.startswith("fault-"):
        return entries + [fault_entry(case, did, entries, seed)]
    elif case == "twice":
        return entries + [entries[-1]]
    elif case == "swap":
        out = list(entries)
        i = max(j for j in range(len(out) - 1)
                if out[j][40:72] != out[j + 1][40:72])
        out[i], out[i + 1] = out[i + 1], out[i]
        return out
    elif case == "dropfirst":
        first = min(struct.unpack(">Q", x[72:80])[0] for x in entries
                    if x[40:72] == e[40:72])
        return [x for x in entries if not (x[40:72] == e[40:72] and
                struct.unpack(">Q", x[72:80])[0] == first)]
    elif case == "outsider":
        stranger = bytes([0x77]) * 32
        top = max(entries, key=lambda x: struct.unpack(">Q", x[80:88])[0])
        clock = struct.unpack(">Q", top[80:88])[0] + 1
        ref = (top[40:72], struct.unpack(">Q", top[72:80])[0],
               iv.leaf_hash(top))
        payload = b'{"note":"not a member","v":1}'
        extra = iv.build_entry(0x05, stranger, did, 0, clock, 0,
                               bytes(32), [ref], payload)
        return entries + [extra]
    elif case == "stranger-ref":
        stranger = bytes([0x78]) * 32
        other = iv.ed25519_pk(bytes([0x7a]) * 32)
        missing = hashlib.sha256(b"an entry nobody has").digest()
        clock = max(struct.unpack(">Q", x[80:88])[0] for x in entries) + 7
        payload = b'{"note":"not a member","v":1}'
        extra = iv.build_entry(0x05, stranger, did, 0, clock, 0,
                               bytes(32), [(other, 5, missing)], payload)
        return entries + [extra]
    else:
        raise ValueError("unknown case " + case)
    out = list(entries)
    out[idx] = bytes(e)
    return out


def dialogue_key(did, entries, seed):
    """The dialogue key, from seed's box in a key wrap of entries."""
    pk = iv.ed25519_pk(seed).hex()
    for b in entries:
        if b[4] != iv.K["key-wrap"] or b[5] != 0:
            continue  # a party key wrap holds no key of the dialogue
        e = iv.parse_entry(b)
        for w in iv.accept_payload(e.body)["wraps"]:
            if w["to"] == pk:
                return iv.open_box(iv.base64.b64decode(w["box"]), seed, did)
    raise ValueError("no key wrap in the bundle opens for this identity")


def party_key(did, entries, seed):
    """(key id, key) of the newest party epoch, in merged order, whose
    party key wrap has a box to seed (FORMAT.md section 6, "Party keys
    and internal notes")."""
    pk = iv.ed25519_pk(seed).hex()
    best = None
    for b in entries:
        if b[4] != iv.K["key-wrap"] or b[5] != 4:
            continue
        e = iv.parse_entry(b)
        o = iv.accept_payload(e.body)
        for w in o["wraps"]:
            if w["to"] == pk and (best is None or
                                  (e.clock, e.author) > best[0]):
                best = ((e.clock, e.author), bytes.fromhex(o["key_id"]),
                        iv.open_box(iv.base64.b64decode(w["box"]), seed,
                                    did, iv.PARTY_CTX))
    if best is None:
        raise ValueError("no party key wrap in the bundle opens for this "
                         "identity")
    return best[1], best[2]


def note(clock, did, entries, seed, meeting=1, body=None, internal=False):
    """A note by seed after its last entry in entries (see the doc); with
    internal, an internal note under seed's newest party key."""
    pk = iv.ed25519_pk(seed)
    last = {}
    for b in entries:
        a, seq = b[40:72], struct.unpack(">Q", b[72:80])[0]
        if a not in last or seq > struct.unpack(">Q", last[a][72:80])[0]:
            last[a] = b
    mine = last.get(pk)
    seq = struct.unpack(">Q", mine[72:80])[0] + 1 if mine else 0
    prev = iv.leaf_hash(mine) if mine else bytes(32)
    refs = [(a, struct.unpack(">Q", b[72:80])[0], iv.leaf_hash(b))
            for a, b in sorted(last.items()) if a != pk]
    built_on = max([struct.unpack(">Q", b[80:88])[0]
                    for a, b in last.items() if a != pk] +
                   ([struct.unpack(">Q", mine[80:88])[0]] if mine else []))
    clock = {"next": built_on + 1, "high": built_on + 2,
             "max": 2 ** 64 - 1}.get(clock) or int(clock)
    text = [{"body": body if body is not None else "clock %d" % clock,
             "lang": "en", "role": "authentic"}]
    payload = iv.canonical({"meeting": meeting, "text": text, "v": 1})
    if internal:
        kid, key = party_key(did, entries, seed)
    else:
        kid, key = None, dialogue_key(did, entries, seed)
    b = iv.build_entry(iv.K["note"], seed, did, seq, clock,
                       int(time.time() * 1000), prev, refs, payload, key,
                       os.urandom(24), epoch=kid, internal=internal)
    return b, seq, clock


FAULT_TEXT = ('[{"body":"FAULTMARK \\u001b]0;owned\\u0007","lang":"en",'
              '"role":"authentic"}]')


def fault_entry(case, did, entries, seed):
    """A member fault: a new note by seed after its last entry."""
    pk = iv.ed25519_pk(seed)
    own = [e for e in entries if e[40:72] == pk]
    last = max(own, key=lambda e: struct.unpack(">Q", e[72:80])[0])
    seq = struct.unpack(">Q", last[72:80])[0] + 1
    clock = struct.unpack(">Q", last[80:88])[0] + 1
    tms = struct.unpack(">Q", last[88:96])[0] + 1
    key = dialogue_key(did, entries, seed)
    good = ('{"meeting":0,"text":' + FAULT_TEXT + ',"v":1}').encode()
    if case == "fault-decrypt":
        key, payload = os.urandom(32), good
    elif case == "fault-utf8":
        payload = good.replace(b"FAULTMARK", b"FAULTMARK \xff\xfe")
    elif case == "fault-nul":
        payload = good.replace(b"FAULTMARK", b"FAULTMARK \x00")
    elif case == "fault-deep":
        payload = (b'{"meeting":0,"text":' + FAULT_TEXT.encode() +
                   b',"v":1,"x":' + b"[" * 3000 + b"]" * 3000 + b"}")
    elif case == "fault-kind":
        payload = b'{"meeting":0,"title":"FAULTMARK","v":1}'
    else:
        raise ValueError("unknown case " + case)
    return iv.build_entry(0x25, seed, did, seq, clock, tms,
                          iv.leaf_hash(last), [], payload, key=key,
                          nonce=os.urandom(24))


def flood(did, entries, n, size):
    """entries plus n waiting entries of about size bytes (module doc)."""
    seed = bytes([0x79]) * 32
    clock = max(struct.unpack(">Q", x[80:88])[0] for x in entries) + 2
    prev = hashlib.sha256(b"a seq 0 that exists nowhere").digest()
    out = list(entries)
    for seq in range(1, n + 1):
        pad = ("%d:" % seq + "x" * size)[:max(size, 8)]
        payload = ('{"note":"%s","v":1}' % pad).encode()
        e = iv.build_entry(0x05, seed, did, seq, clock + seq, 0, prev, [],
                           payload)
        prev = iv.leaf_hash(e)
        out.append(e)
    return out


def state_file(did, feeds):
    """feeds: {author: (next_seq, head hash)}; FORMAT.md "State files"."""
    return (b"DTS\x01" + did + struct.pack(">I", len(feeds)) +
            b"".join(a + struct.pack(">Q", feeds[a][0]) + feeds[a][1]
                     for a in sorted(feeds)))


def vector(vdir):
    v = iv.read_vectors(os.path.join(vdir, "entries.txt"))
    did = iv.unhex(v["dialogue_id"])
    names = ("genesis", "wrap", "note_ru", "note_us")
    entries = [iv.unhex(v[n]) for n in names]
    # Merged order: (clock, author); the writer's order.
    entries.sort(key=lambda e: (e[80:88], e[40:72]))
    feeds = {}
    for e in entries:
        seq = struct.unpack(">Q", e[72:80])[0]
        feeds[e[40:72]] = (seq + 1, iv.leaf_hash(e))
    out = ["# tests/vectors/bundle.txt: a bundle and a state file "
           "(docs/FORMAT.md,",
           "# \"Bundles\" and \"State files\"), made from the four "
           "entries of entries.txt.",
           "# Written by tests/tools/bundle_tool.py vector; checked by "
           "tests/unit/test_bundle.c",
           "# and tests/cli/90-bundle.sh.",
           "",
           "dialogue_id = " + did.hex(),
           "bundle_count = %d" % len(entries),
           "bundle = " + encode_bundle(did, entries).hex(),
           "bundle_trailer = " + encode_bundle(did, entries)[-32:].hex(),
           "state_nfeeds = %d" % len(feeds),
           "state = " + state_file(did, feeds).hex()]
    return "\n".join(out) + "\n"


# The member faults of tests/vectors/faults.txt: (name, nonce byte,
# plaintext, the reason code of FORMAT.md section 8, "faults").
FAULTS = (
    ("fault_decrypt", 0x26, None, 1),
    ("fault_payload", 0x27, b'{"meeting":1,"text":[{"body":"\xff",'
                            b'"lang":"en","role":"authentic"}],"v":1}', 2),
    ("fault_kind", 0x28, b'{"meeting":1,"v":1}', 3),
)
FAULT_KEY = bytes([0x43]) * 32


def fault_entries(v):
    """The faults.txt entries, from entries.txt's values v: us-head's
    seq 1, 2, 3 after note_us, clock one more than the previous entry's,
    no references; fault_decrypt is note_us's payload under FAULT_KEY."""
    did = iv.unhex(v["dialogue_id"])
    seed = iv.unhex(v["seed_us_head"])
    dkey = iv.unhex(v["dialogue_key"])
    prev = iv.unhex(v["note_us_hash"])
    clock, tms = 4, int(v["note_us_time_ms"])
    out = []
    for seq, (name, nb, plain, reason) in enumerate(FAULTS, 1):
        key = dkey
        if plain is None:
            key, plain = FAULT_KEY, v["note_us_payload"].encode()
        b = iv.build_entry(0x25, seed, did, seq, clock + seq, tms + seq,
                           prev, [], plain, key=key, nonce=bytes([nb]) * 24)
        out.append((name, b, plain, reason))
        prev = iv.leaf_hash(b)
    return out


def faults_vector(vdir):
    v = iv.read_vectors(os.path.join(vdir, "entries.txt"))
    out = ["# tests/vectors/faults.txt: member faults (docs/FORMAT.md, "
           "section 7,",
           "# \"Member faults\"): three notes by us-head after "
           "entries.txt's note_us (seq 1,",
           "# 2, 3; clock 5, 6, 7; time note_us_time_ms + seq; no "
           "references), signed and",
           "# chained, whose content is faulty.  The record of the four "
           "entries of",
           "# entries.txt and these three verifies, with these three "
           "named as faults.",
           "# Written by tests/tools/bundle_tool.py faults; checked by "
           "tests/unit/test_vectors.c",
           "# and tests/tools/indep_verify.py.",
           "",
           "fault_key = " + FAULT_KEY.hex()]
    for name, b, plain, reason in fault_entries(v):
        out += ["",
                name + " = " + b.hex(),
                name + "_plain = " + plain.hex(),
                name + "_hash = " + iv.leaf_hash(b).hex(),
                name + "_reason = %d" % reason]
    return "\n".join(out) + "\n"


# The late entries of tests/vectors/late.txt (FORMAT.md, section 7,
# "Late entries"): (name, signer, kind, payload, nonce byte, late).
LATE = (
    ("close_us", "us_head", 0x21, b'{"meeting":1,"v":1}', 0x31, False),
    ("late_us", "us_head", 0x25, b'{"meeting":1,"text":[{"body":"written '
     b'after US closed meeting 1","lang":"en","role":"authentic"}],"v":1}',
     0x32, True),
    ("note_ru2", "ru_head", 0x25, b'{"meeting":1,"text":[{"body":"RU has '
     b'not closed meeting 1","lang":"en","role":"authentic"}],"v":1}',
     0x33, False),
    ("close_ru", "ru_head", 0x21, b'{"meeting":1,"v":1}', 0x34, False),
)


def late_entries(v):
    """The late.txt entries, from entries.txt's values v: us-head's
    close of meeting 1 and its note of meeting 1 after it (seq 1, 2, no
    references); then ru-head's note of meeting 1 referring to that
    close, and ru-head's close referring to us-head's note (seq 3, 4).
    Each has the clock the clock rule gives it and the time of note_us
    plus its clock."""
    did = iv.unhex(v["dialogue_id"])
    dkey = iv.unhex(v["dialogue_key"])
    tms = int(v["note_us_time_ms"])
    last = {"us_head": (0, iv.unhex(v["note_us_hash"]), 4),
            "ru_head": (2, iv.unhex(v["note_ru_hash"]), 3)}
    pk = {n: iv.ed25519_pk(iv.unhex(v["seed_" + n])) for n in last}
    out = []
    for name, who, kind, plain, nb, late in LATE:
        seq, prev, pclock = last[who]
        other = "ru_head" if who == "us_head" else "us_head"
        refs = []
        if who == "ru_head":
            oseq, ohash, oclock = last[other]
            refs = [(pk[other], oseq, ohash)]
            pclock = max(pclock, oclock)
        clock = pclock + 1
        b = iv.build_entry(kind, iv.unhex(v["seed_" + who]), did, seq + 1,
                           clock, tms + clock, prev, refs, plain, key=dkey,
                           nonce=bytes([nb]) * 24)
        out.append((name, b, plain, late))
        last[who] = (seq + 1, iv.leaf_hash(b), clock)
    return out


def late_vector(vdir):
    v = iv.read_vectors(os.path.join(vdir, "entries.txt"))
    out = ["# tests/vectors/late.txt: late entries (docs/FORMAT.md, "
           "section 7, \"Late",
           "# entries\"), after the four entries of entries.txt: "
           "us-head closes meeting 1",
           "# (close_us, seq 1) and writes a note of meeting 1 after it "
           "(late_us, seq 2:",
           "# late); ru-head writes a note of meeting 1 referring to "
           "close_us (note_ru2,",
           "# seq 3: not late, RU has not closed it) and closes meeting 1 "
           "(close_ru, seq 4).",
           "# Written by tests/tools/bundle_tool.py late; checked by "
           "tests/unit/test_vectors.c",
           "# and tests/tools/indep_verify.py."]
    for name, b, plain, late in late_entries(v):
        out += ["",
                name + " = " + b.hex(),
                name + "_plain = " + plain.hex(),
                name + "_hash = " + iv.leaf_hash(b).hex(),
                name + "_late = %d" % (1 if late else 0)]
    return "\n".join(out) + "\n"


# The delegate of tests/vectors/removed.txt: added by ru-head, removed
# by ru-head, and writing on after its removal.
DEL_SEED = bytes([0x61]) * 32


def removed_entries(v):
    """The removed.txt entries, from entries.txt's values v: ru-head adds
    ru-del, a delegate (add_del, seq 3, clock 5, referring to note_us);
    ru-del writes a note referring to it (note_del, seq 0, clock 6); ru-head
    removes ru-del (remove_del, seq 4, clock 6: the same clock as note_del,
    which is then not after the removal); ru-del writes on, not knowing
    (note_del2, seq 1, clock 7, no reference: the removal is not in its
    causal past, yet its clock is above the removal's: a member fault,
    "written after its author's removal")."""
    did = iv.unhex(v["dialogue_id"])
    dkey = iv.unhex(v["dialogue_key"])
    tms = int(v["note_us_time_ms"])
    ru = iv.unhex(v["seed_ru_head"])
    pk_us = iv.ed25519_pk(iv.unhex(v["seed_us_head"]))
    pk_del = iv.ed25519_pk(DEL_SEED)
    nr, nu = iv.unhex(v["note_ru_hash"]), iv.unhex(v["note_us_hash"])
    add = iv.build_entry(iv.K["member-add"], ru, did, 3, 5, tms + 5, nr,
                         [(pk_us, 0, nu)], iv.canonical(
                             {"key": pk_del.hex(), "name": "ru-del",
                              "party": "RU", "role": "delegate", "v": 1}))
    text = [{"body": "ru-del writes", "lang": "en", "role": "authentic"}]
    plain = iv.canonical({"meeting": 1, "text": text, "v": 1})
    note1 = iv.build_entry(iv.K["note"], DEL_SEED, did, 0, 6, tms + 6,
                           bytes(32), [(iv.ed25519_pk(ru), 3,
                                        iv.leaf_hash(add))],
                           plain, key=dkey, nonce=bytes([0x62]) * 24)
    rm = iv.build_entry(iv.K["member-remove"], ru, did, 4, 6, tms + 6,
                        iv.leaf_hash(add), [], iv.canonical(
                            {"key": pk_del.hex(), "v": 1}))
    text2 = [{"body": "ru-del writes on", "lang": "en",
              "role": "authentic"}]
    plain2 = iv.canonical({"meeting": 1, "text": text2, "v": 1})
    note2 = iv.build_entry(iv.K["note"], DEL_SEED, did, 1, 7, tms + 7,
                           iv.leaf_hash(note1), [], plain2, key=dkey,
                           nonce=bytes([0x63]) * 24)
    return [("add_del", add, 0), ("note_del", note1, 0),
            ("remove_del", rm, 0), ("note_del2", note2, 1)]


def removed_vector(vdir):
    v = iv.read_vectors(os.path.join(vdir, "entries.txt"))
    out = ["# tests/vectors/removed.txt: entries written after their "
           "author's removal",
           "# (docs/FORMAT.md, section 7, \"Written after removal\"), "
           "after the four entries",
           "# of entries.txt: ru-head adds ru-del, a delegate (add_del, "
           "seq 3, clock 5);",
           "# ru-del writes a note (note_del, seq 0, clock 6); ru-head "
           "removes ru-del",
           "# (remove_del, seq 4, clock 6: note_del, of the same clock, is "
           "not after it);",
           "# ru-del writes on (note_del2, seq 1, clock 7, no reference): "
           "a member fault of",
           "# reason 5, with or without the key.  Each _fault is 1 for a "
           "member fault.",
           "# Written by tests/tools/bundle_tool.py removed; checked by "
           "tests/unit/test_vectors.c",
           "# and tests/tools/indep_verify.py.",
           "",
           "del_seed = " + DEL_SEED.hex(),
           "del_pk = " + iv.ed25519_pk(DEL_SEED).hex()]
    for name, b, fault in removed_entries(v):
        out += ["",
                name + " = " + b.hex(),
                name + "_hash = " + iv.leaf_hash(b).hex(),
                name + "_fault = %d" % fault]
    return "\n".join(out) + "\n"


EPOCH_KEY = bytes([0x51]) * 32


def seal_key(did, key, pk):
    """A key wrap box of key to the Ed25519 key pk (section 6)."""
    box = iv.nacl.public.SealedBox(iv.nacl.public.PublicKey(
        iv.ed_to_x25519_pk(pk))).encrypt(iv.WRAP_CTX + did + key)
    return iv.base64.b64encode(box).decode()


def epoch_entries(v):
    """The epochs.txt entries, from entries.txt's values v: ru-head's
    key wrap of EPOCH_KEY to both heads (seq 3, referring to note_us);
    us-head's note under it referring to that wrap (seq 1: valid); and
    another us-head seq 1, naming the epoch but referring to nothing (its
    causal past is note_us and what that refers to: not the wrap)."""
    did = iv.unhex(v["dialogue_id"])
    tms = int(v["note_us_time_ms"])
    seed = {n: iv.unhex(v["seed_" + n]) for n in ("ru_head", "us_head")}
    pk = {n: iv.ed25519_pk(seed[n]) for n in seed}
    nr, nu = iv.unhex(v["note_ru_hash"]), iv.unhex(v["note_us_hash"])
    kid = iv.key_id(EPOCH_KEY)
    wrap = iv.canonical({"key_id": kid.hex(), "reason": "vector rekey",
                         "v": 1, "wraps": [
                             {"box": seal_key(did, EPOCH_KEY, pk[n]),
                              "to": pk[n].hex()}
                             for n in ("ru_head", "us_head")]})
    rekey = iv.build_entry(iv.K["key-wrap"], seed["ru_head"], did, 3, 5,
                           tms + 5, nr, [(pk["us_head"], 0, nu)], wrap)
    text = [{"body": "written under key epoch 1", "lang": "en",
             "role": "authentic"}]
    plain = iv.canonical({"meeting": 1, "text": text, "v": 1})
    good = iv.build_entry(iv.K["note"], seed["us_head"], did, 1, 6, tms + 6,
                          nu, [(pk["ru_head"], 3, iv.leaf_hash(rekey))],
                          plain, key=EPOCH_KEY, nonce=bytes([0x52]) * 24,
                          epoch=kid)
    bad = iv.build_entry(iv.K["note"], seed["us_head"], did, 1, 5, tms + 5,
                         nu, [], plain, key=EPOCH_KEY,
                         nonce=bytes([0x53]) * 24, epoch=kid)
    return kid, rekey, good, bad, plain


def epochs_vector(vdir):
    v = iv.read_vectors(os.path.join(vdir, "entries.txt"))
    kid, rekey, good, bad, plain = epoch_entries(v)
    out = ["# tests/vectors/epochs.txt: key epochs (docs/FORMAT.md, "
           "section 6, \"Key",
           "# epochs\"), after the four entries of entries.txt: ru-head "
           "starts epoch 1",
           "# (rekey_ru, a key wrap of epoch_key to both heads, seq 3, "
           "clock 5); us-head",
           "# writes a note under it (note_us2, seq 1, clock 6, flags "
           "0x03, referring to",
           "# rekey_ru: valid); note_us_bad is another us-head seq 1 "
           "naming epoch 1 with",
           "# no reference, so the epoch's key wrap is not in its causal "
           "past: it fails.",
           "# Written by tests/tools/bundle_tool.py epochs; checked by "
           "tests/unit/test_vectors.c",
           "# and tests/tools/indep_verify.py.",
           "",
           "epoch_key = " + EPOCH_KEY.hex(),
           "epoch_key_id = " + kid.hex(),
           "",
           "rekey_ru = " + rekey.hex(),
           "rekey_ru_hash = " + iv.leaf_hash(rekey).hex(),
           "",
           "note_us2 = " + good.hex(),
           "note_us2_plain = " + plain.hex(),
           "note_us2_hash = " + iv.leaf_hash(good).hex(),
           "",
           "note_us_bad = " + bad.hex(),
           "note_us_bad_hash = " + iv.leaf_hash(bad).hex()]
    return "\n".join(out) + "\n"


PARTY_KEY = bytes([0x61]) * 32

# What each failing case of internal.txt is checked with, and where it
# fails: (name, the record's entries, the feed, the seq, detente's code:
# a key wrap to someone it may not address is DT_EMEMBER, as rule 10 of
# section 7 always was; the other rules are DT_EFORMAT, as for key
# epochs).  The first three are those FORMAT.md section 14 names first.
FOUR = ("genesis", "wrap", "note_ru", "note_us")
INTERNAL_BAD = (
    ("inote_ru_bad", FOUR + ("pkw_ru_joint", "inote_ru_bad"), "ru_head", 4,
     "DT_EFORMAT"),
    ("inote_us_bad", FOUR + ("pkw_ru", "inote_ru", "inote_us_bad"),
     "us_head", 1, "DT_EFORMAT"),
    ("pkw_ru_us", FOUR + ("pkw_ru_us",), "ru_head", 3, "DT_EMEMBER"),
    ("pkw_ru_epoch0", FOUR + ("pkw_ru_epoch0",), "ru_head", 3,
     "DT_EFORMAT"),
    ("wrap_ru_party", FOUR + ("pkw_ru", "inote_ru", "wrap_ru_party"),
     "ru_head", 5, "DT_EFORMAT"),
    ("pkw_us", FOUR + ("pkw_ru", "inote_ru", "pkw_us"), "us_head", 1,
     "DT_EFORMAT"),
    ("note_ru_party", FOUR + ("pkw_ru", "note_ru_party"), "ru_head", 4,
     "DT_EFORMAT"),
    ("inote_ru_early", FOUR + ("inote_ru_early", "pkw_ru_after"), "ru_head",
     3, "DT_EFORMAT"),
)
# A member fault: (name, the record, the feed, the seq, the reason of
# FORMAT.md section 8, "faults": 1, does not decrypt).
INTERNAL_FAULT = (
    ("inote_ru_pad", FOUR + ("pkw_ru", "inote_ru_pad"), "ru_head", 4, 1),
)


def seal_party_key(did, key, pk):
    """A party key wrap's box of key to the Ed25519 key pk (section 6,
    "Party keys and internal notes": its own context string)."""
    box = iv.nacl.public.SealedBox(iv.nacl.public.PublicKey(
        iv.ed_to_x25519_pk(pk))).encrypt(iv.PARTY_CTX + did + key)
    return iv.base64.b64encode(box).decode()


def internal_entries(v):
    """The internal.txt entries, from entries.txt's values v, in the order
    of the file: [(name, bytes)], the payload of the internal notes and
    the party key's id.  Every ru-head seq 3 is a key wrap after note_ru
    (clock 3) referring to note_us (clock 4), so clock 5; every ru-head
    seq 4 a note after it, clock 6; us-head's seq 1 follows note_us and
    refers to pkw_ru, clock 6."""
    did = iv.unhex(v["dialogue_id"])
    tms = int(v["note_us_time_ms"])
    seed = {n: iv.unhex(v["seed_" + n]) for n in ("ru_head", "us_head")}
    pk = {n: iv.ed25519_pk(seed[n]) for n in seed}
    nr, nu = iv.unhex(v["note_ru_hash"]), iv.unhex(v["note_us_hash"])
    kid = iv.key_id(PARTY_KEY)

    def wrap(to, party, who="ru_head", seq=3, clock=5, prev=nr,
             refs=((pk["us_head"], 0, nu),), key=PARTY_KEY):
        seal = seal_party_key if party else seal_key
        payload = iv.canonical({"key_id": iv.key_id(key).hex(), "v": 1,
                                "wraps": [{"box": seal(did, key, pk[n]),
                                           "to": pk[n].hex()} for n in to]})
        return iv.build_entry(iv.K["key-wrap"], seed[who], did, seq, clock,
                              tms + clock, prev, list(refs), payload,
                              internal=party)
    text = [{"body": "Только для делегации РФ: позиция по пункту 2 "
                     "согласована с Москвой.", "lang": "ru",
             "role": "authentic"},
            {"body": "RU delegation only: the position on item 2 is "
                     "cleared with Moscow.", "lang": "en",
             "role": "translation"}]
    payload = iv.canonical({"meeting": 1, "text": text, "v": 1})

    def inote(who, seq, prev, refs, nonce_byte, clock=6, internal=True):
        return iv.build_entry(iv.K["note"], seed[who], did, seq, clock,
                              tms + clock, prev, refs, payload,
                              key=PARTY_KEY, nonce=bytes([nonce_byte]) * 24,
                              epoch=kid, internal=internal)

    def unpadded_inote(who, seq, prev, nonce_byte):
        """An internal note whose plaintext (payload and zero bytes to
        512) has no 0x80 marker: its padding is not valid."""
        nonce = bytes([nonce_byte]) * 24
        plain = payload + bytes(2 * iv.PAD_BLOCK - len(payload))
        h = (b"DTE\x01" + bytes([iv.K["note"], 7]) + iv.u16(0) + did +
             pk[who] + iv.u64(seq) + iv.u64(6) + iv.u64(tms + 6) + prev +
             iv.u32(48 + len(plain)))
        body = kid + nonce + iv.xchacha_seal(PARTY_KEY, nonce, plain, h)
        return h + body + iv.ed25519_sign(seed[who], iv.SIG_CTX + h + body)
    pkw = wrap(("ru_head",), True)
    good = inote("ru_head", 4, iv.leaf_hash(pkw), [], 0x62)
    joint = wrap(("ru_head",), False)
    early = inote("ru_head", 3, nr, [(pk["us_head"], 0, nu)], 0x66, clock=5)
    out = [("pkw_ru", pkw),
           ("inote_ru", good),
           ("pkw_ru_joint", joint),
           ("inote_ru_bad", inote("ru_head", 4, iv.leaf_hash(joint), [],
                                  0x63)),
           ("inote_us_bad", inote("us_head", 1, nu,
                                  [(pk["ru_head"], 3, iv.leaf_hash(pkw))],
                                  0x64)),
           ("pkw_ru_us", wrap(("ru_head", "us_head"), True)),
           ("pkw_ru_epoch0", wrap(("ru_head",), True,
                                  key=iv.unhex(v["dialogue_key"]))),
           ("wrap_ru_party", wrap(("ru_head",), False, seq=5, clock=7,
                                  prev=iv.leaf_hash(good), refs=())),
           ("pkw_us", wrap(("us_head",), True, who="us_head", seq=1,
                           clock=6, prev=nu,
                           refs=((pk["ru_head"], 3, iv.leaf_hash(pkw)),))),
           ("note_ru_party", inote("ru_head", 4, iv.leaf_hash(pkw), [],
                                   0x65, internal=False)),
           ("inote_ru_early", early),
           ("pkw_ru_after", wrap(("ru_head",), True, seq=4, clock=6,
                                 prev=iv.leaf_hash(early), refs=())),
           ("inote_ru_pad", unpadded_inote("ru_head", 4, iv.leaf_hash(pkw),
                                           0x67))]
    return out, payload, kid


def internal_vector(vdir):
    v = iv.read_vectors(os.path.join(vdir, "entries.txt"))
    did = iv.unhex(v["dialogue_id"])
    entries, payload, kid = internal_entries(v)
    out = ["# tests/vectors/internal.txt: internal notes and party keys "
           "(docs/FORMAT.md,",
           "# section 6, \"Party keys and internal notes\"), after the four "
           "entries of",
           "# entries.txt.  party_key (32 x 0x61) has the id party_key_id; "
           "pkw_ru_plain is",
           "# what a party key wrap's box seals (context \"detente partykey "
           "v1\\0\", the",
           "# dialogue id, the key).  Time note_us_time_ms + clock; nonces "
           "24 x 0x62, 0x63,",
           "# 0x64.",
           "#",
           "# pkw_ru: ru-head's party key wrap (seq 3, clock 5, flags 0x04, "
           "referring to",
           "#   note_us), one box, to ru-head.",
           "# inote_ru: ru-head's internal note under it (seq 4, clock 6, "
           "flags 0x07, no",
           "#   reference); its payload, and its plaintext: the payload "
           "padded to a",
           "#   multiple of 256 (512 bytes).",
           "# Those six entries verify.  The cases below fail, each in the "
           "record its _record",
           "# names, at the entry its _fails names (feed, seq), with "
           "detente's code _code:",
           "# pkw_ru_joint: pkw_ru with flags 0x00 (a key wrap of the "
           "dialogue, which starts",
           "#   key epoch 1) and its box sealed with \"detente key wrap "
           "v1\\0\"; valid itself.",
           "# inote_ru_bad: ru-head's seq 4 after pkw_ru_joint, naming "
           "party_key_id, which is",
           "#   a key epoch of the dialogue and no party epoch (pass 2, "
           "check 7b).",
           "# inote_us_bad: us-head's seq 1 (clock 6, referring to pkw_ru) "
           "naming RU's party",
           "#   epoch, not one of its author's party (pass 2, check 7b).",
           "# pkw_ru_us: ru-head's seq 3 as pkw_ru, with boxes to ru-head "
           "and us-head, a",
           "#   member of another party (pass 1, rule 10).",
           "# More cases of the same rules:",
           "# pkw_ru_epoch0: ru-head's seq 3, a party key wrap of the "
           "dialogue key (epoch 0's",
           "#   key id) (rule 10).",
           "# wrap_ru_party: ru-head's seq 5 after inote_ru (clock 7), a "
           "key wrap with flags",
           "#   0x00 of party_key_id, a party epoch (rule 10).",
           "# pkw_us: us-head's seq 1 (clock 6, referring to pkw_ru), a "
           "party key wrap of",
           "#   party_key_id to us-head: RU's party epoch (rule 10).",
           "# note_ru_party: ru-head's seq 4 after pkw_ru, a note with "
           "flags 0x03 naming",
           "#   party_key_id, no key epoch (check 7b).",
           "# inote_ru_early: ru-head's seq 3 (clock 5, referring to "
           "note_us), an internal",
           "#   note naming party_key_id, whose party key wrap "
           "pkw_ru_after is its seq 4,",
           "#   not in its causal past (check 7b).",
           "# inote_ru_pad: ru-head's seq 4 after pkw_ru, an internal note "
           "whose plaintext",
           "#   (the payload, then zero bytes to 512) has no 0x80 marker: "
           "the record",
           "#   verifies, and with the party key it is a member fault "
           "(_fault: feed, seq;",
           "#   _reason 1, does not decrypt); without it, no fault.  "
           "Nonces 0x65, 0x66, 0x67.",
           "# Written by tests/tools/bundle_tool.py internal (the boxes are "
           "random); checked",
           "# by tests/unit/test_vectors.c and tests/tools/indep_verify.py.",
           "",
           "party_key = " + PARTY_KEY.hex(),
           "party_key_id = " + kid.hex(),
           "pkw_ru_plain = " + (iv.PARTY_CTX + did + PARTY_KEY).hex()]
    bad = {b[0]: b for b in INTERNAL_BAD}
    fault = {b[0]: b for b in INTERNAL_FAULT}
    for name, b in entries:
        out += ["", name + " = " + b.hex(),
                name + "_hash = " + iv.leaf_hash(b).hex()]
        if name == "inote_ru":
            out += ["inote_ru_nonce = " + (bytes([0x62]) * 24).hex(),
                    "inote_ru_payload = " + payload.decode(),
                    "inote_ru_plain = " + iv.pad(payload).hex()]
        if name in bad:
            out += [name + "_record = " + " ".join(bad[name][1]),
                    name + "_fails = %s %d" % bad[name][2:4],
                    name + "_code = " + bad[name][4]]
        if name in fault:
            out += [name + "_record = " + " ".join(fault[name][1]),
                    name + "_fault = %s %d" % fault[name][2:4],
                    name + "_reason = %d" % fault[name][4]]
    return "\n".join(out) + "\n"


# The minutes-signature candidates of tests/vectors/msig.txt: (name, the
# payload's meeting, the comment's meeting, the comment's signer, whose
# minisign key signs, whether the trusted comment is changed after
# signing, the rule of section 13 it breaks or None).
MSIG = (
    ("msig_good", 1, 1, "ru-head", "ru", False, None),
    ("msig_other_meeting", 2, 1, "ru-head", "ru", False, "meeting"),
    ("msig_other_signer", 1, 1, "us-head", "ru", False, "signer"),
    ("msig_other_key", 1, 1, "ru-head", "us", False, "key"),
    ("msig_comment_changed", 1, 1, "ru-head", "ru", True, "comment"),
)
MSIG_MESSAGE = b"minutes of meeting 1\n"
MSIG_TIME_MS = 1767225840000


def minisig_file(seed, msg, trusted, untrusted, change=None):
    """A minisign signature file (prehashed "ED") of msg, FORMAT.md section
    13, "Signature files"; with change, the trusted comment is replaced
    by it after signing (the global signature then no longer fits)."""
    pk = iv.ed25519_pk(seed)
    sig = iv.ed25519_sign(seed, hashlib.blake2b(msg, digest_size=64).digest())
    glob = iv.ed25519_sign(seed, sig + trusted.encode())
    if change is not None:
        trusted = change
    return ("untrusted comment: " + untrusted + "\n" +
            iv.b64encode(b"ED" + iv.minisign_keyid(pk) + sig) + "\n" +
            "trusted comment: " + trusted + "\n" +
            iv.b64encode(glob) + "\n")


def msig_entries(v):
    """The msig.txt candidates, from entries.txt's values v: each is
    ru-head's seq 3 after note_ru (clock 3), referring to us-head's seq 0
    (note_us, clock 4), so clock 5."""
    did = iv.unhex(v["dialogue_id"])
    seeds = {"ru": iv.unhex(v["seed_ru_head"]),
             "us": iv.unhex(v["seed_us_head"])}
    prev = iv.unhex(v["note_ru_hash"])
    refs = [(iv.unhex(v["pk_us_head"]), 0, iv.unhex(v["note_us_hash"]))]
    sha = hashlib.sha256(MSIG_MESSAGE).hexdigest()
    out = []
    for name, pm, cm, signer, key, changed, rule in MSIG:
        trusted = ("detente minutes dialogue=%s meeting=%d format=md "
                   "lang=both signer=%s sha256=%s" % (did.hex(), cm, signer,
                                                      sha))
        sig = minisig_file(seeds[key], MSIG_MESSAGE, trusted,
                           "detente minutes signature by %s" % signer,
                           trusted.replace(sha, "0" * 64) if changed
                           else None)
        payload = iv.canonical({"meeting": pm, "minisig": sig, "v": 1})
        b = iv.build_entry(0x07, seeds["ru"], did, 3, 5, MSIG_TIME_MS, prev,
                           refs, payload)
        out.append((name, b, payload, sig, rule))
    return out


def msig_vector(vdir):
    v = iv.read_vectors(os.path.join(vdir, "entries.txt"))
    out = ["# tests/vectors/msig.txt: minutes-signature entries "
           "(docs/FORMAT.md, section 13,",
           "# \"Signatures in the record\"), each a candidate for "
           "ru-head's seq 3 after",
           "# entries.txt's note_ru (clock 5, one reference: us-head's "
           "seq 0, note_us), time",
           "# msig_time_ms, a minisign signature of msig_message.  "
           "msig_good joins the four",
           "# entries of entries.txt in a record that verifies; each other "
           "one breaks the",
           "# rule its _rule names.  Written by tests/tools/bundle_tool.py "
           "msig; checked by",
           "# tests/unit/test_vectors.c and tests/tools/indep_verify.py.",
           "",
           "msig_message = " + MSIG_MESSAGE.hex(),
           "msig_message_sha256 = " + hashlib.sha256(MSIG_MESSAGE).hexdigest(),
           "msig_time_ms = %d" % MSIG_TIME_MS]
    for name, b, payload, sig, rule in msig_entries(v):
        out += ["",
                name + " = " + b.hex(),
                name + "_payload = " + payload.decode(),
                name + "_hash = " + iv.leaf_hash(b).hex(),
                name + "_rule = " + (rule or "none")]
    return "\n".join(out) + "\n"


def attendance_vector(vdir):
    """tests/vectors/attendance.txt: us-head's seq 1 (clock 5) lists
    us-head present, its seq 2 (clock 6) lists ru-head absent, each with
    no references, encrypted under the dialogue key of entries.txt."""
    v = iv.read_vectors(os.path.join(vdir, "entries.txt"))
    did = iv.unhex(v["dialogue_id"])
    seed = iv.unhex(v["seed_us_head"])
    dkey = iv.unhex(v["dialogue_key"])
    prev = iv.unhex(v["note_us_hash"])
    tms = int(v["note_us_time_ms"])
    cases = (("attend_own", {"meeting": 1, "present": [v["pk_us_head"]],
                             "v": 1}, 0x31, 0),
             ("attend_other", {"absent": [v["pk_ru_head"]], "meeting": 1,
                               "v": 1}, 0x32, 3))
    out = ["# tests/vectors/attendance.txt: attendance entries "
           "(docs/FORMAT.md, section 7,",
           "# \"Attendance\") by us-head after entries.txt's note_us: "
           "attend_own (seq 1,",
           "# clock 5) lists us-head, of its own party; attend_other "
           "(seq 2, clock 6) lists",
           "# ru-head, of the other party, and is a member fault (reason "
           "3).  Time",
           "# note_us_time_ms + seq, no references, the nonce 24 times the "
           "byte named.",
           "# Written by tests/tools/bundle_tool.py attendance; checked by "
           "tests/unit/test_vectors.c",
           "# and tests/tools/indep_verify.py."]
    for seq, (name, payload, nb, reason) in enumerate(cases, 1):
        plain = iv.canonical(payload)
        b = iv.build_entry(0x22, seed, did, seq, 4 + seq, tms + seq, prev,
                           [], plain, key=dkey, nonce=bytes([nb]) * 24)
        out += ["",
                name + " = " + b.hex(),
                name + "_payload = " + plain.decode(),
                name + "_nonce = " + (bytes([nb]) * 24).hex(),
                name + "_hash = " + iv.leaf_hash(b).hex(),
                name + "_reason = %d" % reason]
        prev = iv.leaf_hash(b)
    return "\n".join(out) + "\n"


def main(argv):
    if len(argv) >= 3 and argv[1] == "list":
        did, entries = read_bundle(argv[2])
        for i, e in enumerate(entries, 1):
            seq, clock = struct.unpack(">QQ", e[72:88])
            print(i, e[40:72].hex(), seq, clock, iv.KINDS.get(e[4], "?"),
                  iv.leaf_hash(e).hex())
        return 0
    if len(argv) == 3 and argv[1] == "attendance":
        sys.stdout.write(attendance_vector(argv[2]))
        return 0
    if len(argv) == 3 and argv[1] == "msig":
        sys.stdout.write(msig_vector(argv[2]))
        return 0
    if len(argv) == 3 and argv[1] == "faults":
        sys.stdout.write(faults_vector(argv[2]))
        return 0
    if len(argv) == 3 and argv[1] == "epochs":
        sys.stdout.write(epochs_vector(argv[2]))
        return 0
    if len(argv) == 3 and argv[1] == "internal":
        sys.stdout.write(internal_vector(argv[2]))
        return 0
    if len(argv) == 3 and argv[1] == "removed":
        sys.stdout.write(removed_vector(argv[2]))
        return 0
    if len(argv) == 3 and argv[1] == "late":
        sys.stdout.write(late_vector(argv[2]))
        return 0
    if len(argv) == 3 and argv[1] == "vector":
        sys.stdout.write(vector(argv[2]))
        return 0
    if len(argv) >= 3 and argv[1] == "check":
        try:
            did, entries = read_bundle(argv[2])
            for i, b in enumerate(entries, 1):
                e = iv.parse_entry(b)
                if not iv.sig_ok(e):
                    print("bad signature in entry", i)
                    return 1
        except (ValueError, iv.Reject) as exc:
            print("bad bundle:", exc)
            return 1
        print("ok", len(entries))
        return 0
    if len(argv) >= 7 and argv[1] == "note":
        internal = "--internal" in argv[7:]
        rest = [a for a in argv[7:] if a != "--internal"]
        opts = dict(zip(rest[0::2], rest[1::2]))
        if len(rest) % 2 or set(opts) - {"--meeting", "--text"}:
            sys.stderr.write(__doc__)
            return 2
        did, entries = read_bundle(argv[3])
        b, seq, clock = note(argv[2], did, entries,
                             seed_of(argv[5], argv[6]),
                             int(opts.get("--meeting", "1")),
                             opts.get("--text"), internal)
        open(argv[4], "wb").write(encode_bundle(did, entries + [b]))
        print(seq, clock, iv.leaf_hash(b).hex())
        return 0
    if len(argv) == 6 and argv[1] == "flood":
        did, entries = read_bundle(argv[2])
        out = encode_bundle(did, flood(did, entries, int(argv[4]),
                                       int(argv[5])))
        open(argv[3], "wb").write(out)
        return 0
    if len(argv) in (5, 7) and argv[1] == "forge":
        case, src, dst = argv[2:5]
        raw = open(src, "rb").read()
        if case == "truncate":
            out = raw[:-10]
        elif case == "trailer":
            out = raw[:-1] + bytes([raw[-1] ^ 0x01])
        elif case == "flip":
            # One byte of the first entry's signature, the trailer kept.
            n = struct.unpack(">I", raw[40:44])[0]
            at = 44 + n - 1
            out = raw[:at] + bytes([raw[at] ^ 0x01]) + raw[at + 1:]
        else:
            seed = seed_of(argv[5], argv[6]) if len(argv) == 7 else None
            did, entries = read_bundle(src)
            out = encode_bundle(did, forge(case, did, entries, seed))
        open(dst, "wb").write(out)
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
