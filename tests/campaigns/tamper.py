#!/usr/bin/env python3
# tests/campaigns/tamper.py: `make tamper`, random bit flips over a
# replica's store (data.mdb) and over a bundle, one flip per trial, each
# classified by where it landed and by what detente then said.
#
#	TAMPER_N=2000 tamper.py      (DETENTE_BIN: the binary; CAMPAIGN_SEED)
#
# The record: a dialogue of four members, side A with a meeting, notes in
# two languages (some long enough for LMDB's overflow pages), internal
# notes of RU under its party key, and a checkpoint; side B joined from
# A's first bundle.
#
# Store trials flip one bit of A's data.mdb, then run `verify` and
# `log --json` (what the record says, decrypted).  The place is one of
# (lmdbmap.py): entry bytes (the signed bytes of a stored entry), index
# (every other live byte: page headers, node pointers, keys, other
# databases), free space (pages no tree reaches, gaps inside live pages),
# meta page (LMDB's two root pages).  Trials take the four places in
# turn, a random bit within each, so that each is tried as often.
#
# Bundle trials flip one bit of A's full bundle and import it into a copy
# of B's replica; half of them then recompute the trailer (SHA-256 of the
# file), as anyone handling the file can, so that the entries' own
# signatures and the record's rules must catch the flip.  The place is
# header, length (an entry's length field), entry bytes or trailer.
# Each flipped bundle is also audited (`audit FILE --no-key`, the pass of
# storage/audit_stream.c): the audit must give the import's verdict, and
# an audit that passes a bundle the import refused counts as lost.
#
# Outcomes:
#   detected  verify (or the import) failed, with a verdict (exit 1 or 2);
#             a failed import must also leave B's record as it was
#   harmless  verify passed, and the record says exactly what it said
#   rolled back  verify passed, and the record says exactly what it said
#             before its last write: a flip in a meta page's transaction
#             counter makes LMDB take the older root (issue 12, item 10:
#             no local check can see it; the next exchange does)
#             (a read fault that detente's SIGSEGV/SIGBUS handler reports
#             as a damaged store counts here, and in "by fault")
#   crashed   a signal, a sanitizer report, or a hang
#   lost      verify or the import passed and the record says something
#             else, or a failed import changed the record
# The last line sums them; the exit status is 1 if anything crashed or
# was lost.

import os
import shutil
import struct
import sys
import hashlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import campaign  # noqa: E402
import lmdbmap   # noqa: E402

OUTCOMES = ("tried", "detected", "harmless", "rolled back", "crashed",
            "lost")
# Of the detected: those where the damaged store made a read fault
# (SIGSEGV or SIGBUS) and detente's handler said "fatal error reading the
# store (it may be damaged)" (app/main.c, on_fatal()).
NOTES = ("by fault",)


def build(root, rnd):
    a, b, did = campaign.two_homes(root)
    genesis = os.path.join(root, "genesis.dtb")
    a.must("bundle", "export", "--force", "-o", genesis)
    b.must("dialogue", "join", "--yes", genesis)
    a.must("--as", "ru-head", "meeting", "open")
    for i in range(14):
        who = "ru-del" if i % 2 else "ru-head"
        a.must("--as", who, "add", "note", "-",
               stdin=campaign.note_text(rnd, i, big=(i % 5 == 4)).encode())
    # Internal notes (issue 15): the head's first starts RU's party key
    # (a party key wrap, flags 0x04), then notes with flags 0x07, which
    # side B holds and cannot read.
    for i in range(4):
        who = "ru-del" if i % 2 else "ru-head"
        a.must("--as", who, "add", "note", "--internal", "-",
               stdin=campaign.note_text(rnd, 100 + i, big=(i == 3)).encode())
    a.must("--as", "ru-head", "checkpoint")
    # The last write, whose loss a rollback shows.
    before = a.must("--as", "ru-head", "log", "--json")
    a.must("--as", "ru-del", "add", "note", "The last note before the flips.")
    # The store as that add left it: its older meta page is the root of
    # the store before the add (reads and exports write transactions of
    # their own, of derived data, which would hide that).
    with open(os.path.join(a.store(did), "data.mdb"), "rb") as f:
        good = f.read()
    full = os.path.join(root, "full.dtb")
    a.must("bundle", "export", "--force", "-o", full)
    return a, b, did, before, good, full


def flip_at(data, off, bit):
    d = bytearray(data)
    d[off] ^= 1 << bit
    return bytes(d)


def store_trials(a, did, good, n, rnd, before, counts, rows, failures):
    db = os.path.join(a.store(did), "data.mdb")
    with open(db, "wb") as f:
        f.write(good)
    ref = a.must("--as", "ru-head", "log", "--json")
    r = a.run("--as", "ru-head", "verify")
    if r.rc != 0:
        sys.exit("tamper: the undamaged store does not verify: " + r.why())
    cls, _ = lmdbmap.classify(good)
    where = {c: [i for i, v in enumerate(cls) if v == c]
             for c in lmdbmap.NAMES}
    places = [c for c in (lmdbmap.ENTRY, lmdbmap.INDEX, lmdbmap.FREE,
                          lmdbmap.META) if where[c]]
    for t in range(n):
        c = places[t % len(places)]
        off, bit = rnd.choice(where[c]), rnd.randrange(8)
        with open(db, "wb") as f:
            f.write(flip_at(good, off, bit))
        v = a.run("--as", "ru-head", "verify")
        lg = a.run("--as", "ru-head", "log", "--json")
        row = rows.setdefault("store: " + lmdbmap.NAMES[c], {})
        if v.crashed or lg.crashed:
            what = "crashed"
            failures.append("store byte %d bit %d (%s): %s" % (
                off, bit, lmdbmap.NAMES[c], (v if v.crashed else lg).why()))
        elif v.rc != 0:
            what = "detected"
            if v.faulted:
                row["by fault"] = row.get("by fault", 0) + 1
                counts["by fault"] = counts.get("by fault", 0) + 1
        elif lg.rc == 0 and lg.out == ref:
            what = "harmless"
        elif lg.rc == 0 and lg.out == before:
            what = "rolled back"
        elif lg.rc != 0:
            what = "detected"       # log refused what verify passed
        else:
            what = "lost"
            failures.append("store byte %d bit %d (%s): verify passed, "
                            "the record changed" % (off, bit,
                                                    lmdbmap.NAMES[c]))
        for k in ("tried", what):
            row[k] = row.get(k, 0) + 1
            counts[k] = counts.get(k, 0) + 1
    with open(db, "wb") as f:
        f.write(good)


def bundle_places(data):
    """(name, first, end) of each part of a bundle."""
    parts = [("header", 0, 40)]
    at, count = 40, struct.unpack(">I", data[36:40])[0]
    for _ in range(count):
        ln = struct.unpack(">I", data[at:at + 4])[0]
        parts.append(("length", at, at + 4))
        parts.append(("entry bytes", at + 4, at + 4 + ln))
        at += 4 + ln
    parts.append(("trailer", at, at + 32))
    return parts


def bundle_trials(b, did, full, n, rnd, counts, rows, failures, root):
    db = os.path.join(b.store(did), "data.mdb")
    pristine = open(db, "rb").read()
    pristine_log = b.must("--as", "us-head", "log", "--json")
    b.must("--as", "us-head", "bundle", "import", full)
    ref = b.must("--as", "us-head", "log", "--json")
    good = open(full, "rb").read()
    parts = bundle_places(good)
    names = ["header", "length", "entry bytes", "trailer"]
    spans = {k: [(s, e) for (nm, s, e) in parts if nm == k] for k in names}
    path = os.path.join(root, "flipped.dtb")
    for t in range(n):
        k = names[t % len(names)]
        reseal = (t // len(names)) % 2 == 1 and k != "trailer"
        s, e = rnd.choice(spans[k])
        off, bit = rnd.randrange(s, e), rnd.randrange(8)
        d = bytearray(flip_at(good, off, bit))
        if reseal:
            d[-32:] = hashlib.sha256(bytes(d[:-32])).digest()
        with open(path, "wb") as f:
            f.write(d)
        with open(db, "wb") as f:
            f.write(pristine)
        im = b.run("--as", "us-head", "bundle", "import", path)
        lg = b.run("--as", "us-head", "log", "--json")
        au = b.run("audit", path, "--no-key")
        row = rows.setdefault("bundle%s: %s" % (
            " (trailer recomputed)" if reseal else "", k), {})
        if im.crashed or lg.crashed or au.crashed:
            what = "crashed"
            failures.append("bundle byte %d bit %d (%s): %s" % (
                off, bit, k, (im if im.crashed else lg if lg.crashed
                              else au).why()))
        elif (im.rc != 0) != (au.rc != 0):
            what = "lost"
            failures.append("bundle byte %d bit %d (%s): the import exits "
                            "%d, the audit %d" % (off, bit, k, im.rc, au.rc))
        elif im.rc != 0:
            if lg.rc == 0 and lg.out == pristine_log:
                what = "detected"
            else:
                what = "lost"
                failures.append("bundle byte %d bit %d (%s): the import "
                                "failed but changed the record" % (off, bit, k))
        elif lg.rc == 0 and lg.out == ref:
            what = "harmless"
        else:
            what = "lost"
            failures.append("bundle byte %d bit %d (%s): imported, and the "
                            "record says something else" % (off, bit, k))
        for c in ("tried", what):
            row[c] = row.get(c, 0) + 1
            counts[c] = counts.get(c, 0) + 1


def main():
    n = int(os.environ.get("TAMPER_N", "200"))
    seed, rnd = campaign.rng()
    root = campaign.scratch("tamper")
    a, b, did, before, good, full = build(root, rnd)
    counts, rows, failures = {}, {}, []
    store_trials(a, did, good, n - n // 2, rnd, before, counts, rows, failures)
    bundle_trials(b, did, full, n // 2, rnd, counts, rows, failures, root)
    print("tamper: seed %d (CAMPAIGN_SEED=%d repeats it), %s" % (
        seed, seed, campaign.DETENTE))
    print(campaign.table(rows, OUTCOMES + NOTES, "where"))
    for f in failures[:20]:
        print("  " + f)
    for line in campaign.ubsan_report():
        print(line)
    print(campaign.summary("tamper", counts, OUTCOMES))
    return 1 if counts.get("crashed", 0) or counts.get("lost", 0) else 0


if __name__ == "__main__":
    sys.exit(main())
