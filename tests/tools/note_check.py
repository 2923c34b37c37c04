#!/usr/bin/python3
"""note_check.py: check a C2SP signed note with no code of detente's.

Usage: note_check.py NOTE VKEYS [--seal]

NOTE is a signed note (as `detente seal show --note` or `detente
checkpoint` print it); VKEYS is a file of C2SP verifier keys
"name+keyid+base64(0x01 || pk)", one a line (as `detente seal show --keys`
prints them).  Written from the C2SP signed-note spec and docs/FORMAT.md
alone: hashlib, base64 and python3-cryptography's Ed25519.

For every key it prints "signed NAME" or "unsigned NAME".  A signature line
whose name and key id match a key but whose signature does not verify makes
the note invalid.  With --seal it also takes the text apart as a seal text
(FORMAT.md, "Seals") and prints "meeting N", "minutes HEX|-" and one
"feed ORIGIN SIZE ROOTHEX" line per feed.

Exit status: 0 if every key signed, 1 if some key did not sign (or the note
or the text is malformed, or a signature is bad), 2 for usage errors.
A missing Python module exits 77 (skip).
"""

import base64
import hashlib
import re
import sys

try:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (
        Ed25519PublicKey)
except ImportError:  # pragma: no cover
    sys.exit(77)

EM = "\u2014 "


def b64(s):
    """Strict standard base64: padded, canonical."""
    raw = base64.b64decode(s, validate=True)
    if base64.b64encode(raw).decode() != s:
        raise ValueError("non-canonical base64")
    return raw


def keyid(name, pk):
    return hashlib.sha256(name.encode() + b"\n\x01" + pk).digest()[:4]


def parse_vkey(line):
    name, kid, rest = line.split("+", 2)
    raw = b64(rest)
    if len(raw) != 33 or raw[0] != 1:
        raise ValueError("not an Ed25519 verifier key")
    pk = raw[1:]
    if bytes.fromhex(kid) != keyid(name, pk):
        raise ValueError("key id does not match " + name)
    return name, pk


def open_note(data):
    """Split a note: (text bytes, [(name, keyid, sig)])."""
    text_end = data.rfind(b"\n\n")
    if text_end < 0:
        raise ValueError("no blank line")
    text = data[:text_end + 1]
    sigs = []
    rest = data[text_end + 2:].decode("utf-8")
    if not rest.endswith("\n"):
        raise ValueError("signatures do not end with a newline")
    for line in rest[:-1].split("\n"):
        if not line.startswith(EM):
            raise ValueError("not a signature line: %r" % line)
        name, sig = line[len(EM):].split(" ", 1)
        raw = b64(sig)
        sigs.append((name, raw[:4], raw[4:]))
    return text, sigs


def seal_text(text):
    lines = text.decode("utf-8").split("\n")
    if lines[-1] != "":
        raise ValueError("text does not end with a newline")
    lines = lines[:-1]
    if lines[0] != "detente seal v1":
        raise ValueError("not a seal")
    m = re.fullmatch(r"dialogue ([0-9a-f]{64})", lines[1])
    dialogue = m.group(1)
    meeting = re.fullmatch(r"meeting (0|[1-9][0-9]*)", lines[2]).group(1)
    minutes = re.fullmatch(r"minutes (-|[0-9a-f]{64})", lines[3]).group(1)
    out = ["meeting " + meeting, "minutes " + minutes]
    last = ""
    if len(lines) < 5:
        raise ValueError("no feed")
    for line in lines[4:]:
        m = re.fullmatch(r"feed (detente/([0-9a-f]{64})/([0-9a-f]{64})) "
                         r"([1-9][0-9]*) ([A-Za-z0-9+/]{43}=)", line)
        if m is None or m.group(2) != dialogue or m.group(3) <= last:
            raise ValueError("bad feed line %r" % line)
        last = m.group(3)
        root = b64(m.group(5))
        out.append("feed %s %s %s" % (m.group(1), m.group(4), root.hex()))
    return out


def main(argv):
    if len(argv) not in (3, 4) or (len(argv) == 4 and argv[3] != "--seal"):
        sys.stderr.write(__doc__)
        return 2
    data = open(argv[1], "rb").read()
    keys = [parse_vkey(l.strip()) for l in open(argv[2]) if l.strip()]
    try:
        text, sigs = open_note(data)
        lines = seal_text(text) if len(argv) == 4 else []
    except (ValueError, AttributeError, UnicodeDecodeError) as exc:
        print("malformed: %s" % exc)
        return 1
    good = True
    for name, pk in keys:
        signed = False
        for sname, kid, sig in sigs:
            if sname != name or kid != keyid(name, pk):
                continue
            try:
                Ed25519PublicKey.from_public_bytes(pk).verify(sig, text)
                signed = True
            except (InvalidSignature, ValueError):
                print("bad signature by %s" % name)
                return 1
        print(("signed " if signed else "unsigned ") + name)
        good = good and signed
    for line in lines:
        print(line)
    return 0 if good else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
