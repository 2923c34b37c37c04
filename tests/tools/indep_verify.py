#!/usr/bin/python3
"""indep_verify.py: an independent verifier of detente's test vectors.

Usage: indep_verify.py [VECTORS_DIR]      (default: tests/vectors beside us)

Written from docs/FORMAT.md alone, with no code of detente's: hashlib, and
the Debian packages python3-cryptography (Ed25519, ChaCha20-Poly1305),
python3-nacl (sealed boxes, and a cross-check of the X25519 conversions)
and python3-argon2 (Argon2id).  XChaCha20 is built here from HChaCha20 and
ChaCha20-Poly1305, since cryptography 38 has no XChaCha20.

It checks keys.txt, keystore.txt, entries.txt and payloads.txt, and the
files that extend entries.txt (faults.txt, epochs.txt, internal.txt,
removed.txt, late.txt, attendance.txt, msig.txt): it
re-derives every value it can from the inputs, rebuilds every
deterministic byte string,
parses and checks every entry by the rules of FORMAT.md section 7, opens
the key wraps, and then makes sure it is not passing vacuously: every
single-byte change of every vector entry, of the keystore file and of each
box must be rejected, and a set of re-signed forgeries must each fail the
rule it breaks.

Output is TAP ("ok N - ...", "not ok N - ...", plan "1..N" at the end);
the exit status is 1 if any test failed, 0 otherwise.  A missing Python
module gives "1..0 # SKIP ..." and status 0.
"""

import base64
import datetime
import hashlib
import json
import os
import re
import struct
import sys
import traceback

try:
    import argon2.low_level
    import nacl.bindings
    import nacl.exceptions
    import nacl.public
    from cryptography.exceptions import InvalidSignature, InvalidTag
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (
        Ed25519PrivateKey, Ed25519PublicKey)
    from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
except ImportError as exc:  # pragma: no cover
    print("1..0 # SKIP missing Python module %s (Debian: python3-cryptography"
          " python3-nacl python3-argon2)" % (exc.name or exc))
    sys.exit(0)


# --- TAP ---------------------------------------------------------------------

class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def result(self, good, desc, why=None):
        self.n += 1
        desc = desc.replace("#", "\\#").replace("\n", " ")
        if good:
            print("ok %d - %s" % (self.n, desc))
        else:
            self.failed += 1
            print("not ok %d - %s" % (self.n, desc))
            for line in str(why or "").splitlines():
                print("#   " + line)
        sys.stdout.flush()
        return good

    def eq(self, got, want, desc):
        if got == want:
            return self.result(True, desc)
        return self.result(False, desc, "     got: %r\nexpected: %r"
                           % (got, want))

    def check(self, desc, fn, *args):
        """Run fn(*args); it passes unless it raises (or returns False)."""
        try:
            r = fn(*args)
        except Exception as e:  # every failure is a result, never a crash
            return self.result(False, desc, "%s: %s\n%s" % (
                type(e).__name__, e, traceback.format_exc(limit=3)))
        if r is False:
            return self.result(False, desc, "returned False")
        return self.result(True, desc)

    def diag(self, msg):
        for line in msg.splitlines():
            print("# " + line)

    def done(self):
        print("1..%d" % self.n)
        if self.failed:
            print("# failed %d of %d tests" % (self.failed, self.n))
        return 1 if self.failed else 0


class Reject(Exception):
    """A format or rule violation: the input is refused."""

    def __init__(self, rule, msg):
        Exception.__init__(self, "%s: %s" % (rule, msg))
        self.rule = rule


def need(cond, rule, msg):
    if not cond:
        raise Reject(rule, msg)


# --- vector files (FORMAT.md section 12) -------------------------------------

def read_vectors(path):
    values = {}
    with open(path, "rb") as f:
        for raw in f.read().decode("utf-8").split("\n"):
            line = raw.rstrip("\r")
            if line == "" or line.startswith("#"):
                continue
            name, sep, value = line.partition(" = ")
            if not sep or name in values:
                raise ValueError("%s: bad or repeated line: %r" % (path, line))
            values[name] = value
    return values


def unhex(s):
    if not re.fullmatch(r"(?:[0-9a-f]{2})*", s):
        raise ValueError("not lower-case hex: %r" % s[:40])
    return bytes.fromhex(s)


def b64decode_strict(s):
    """Standard alphabet, with padding, no white space (section 1)."""
    if not re.fullmatch(r"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|"
                        r"[A-Za-z0-9+/]{3}=)?", s):
        raise Reject("base64", "not strict standard base64")
    out = base64.b64decode(s, validate=True)
    if base64.b64encode(out).decode() != s:  # non-zero trailing bits
        raise Reject("base64", "non-canonical base64")
    return out


def b64encode(b):
    return base64.b64encode(b).decode("ascii")


# --- primitives --------------------------------------------------------------

def sha256(*parts):
    h = hashlib.sha256()
    for p in parts:
        h.update(p)
    return h.digest()


def u16(v):
    return struct.pack(">H", v)


def u32(v):
    return struct.pack(">I", v)


def u64(v):
    return struct.pack(">Q", v)


def ed25519_pk(seed):
    pub = Ed25519PrivateKey.from_private_bytes(seed).public_key()
    return pub.public_bytes(serialization.Encoding.Raw,
                            serialization.PublicFormat.Raw)


def ed25519_sign(seed, msg):
    return Ed25519PrivateKey.from_private_bytes(seed).sign(msg)


def ed25519_ok(pk, sig, msg):
    try:
        Ed25519PublicKey.from_public_bytes(pk).verify(sig, msg)
        return True
    except (InvalidSignature, ValueError):
        return False


M32 = 0xffffffff


def _rotl(v, c):
    return ((v << c) & M32) | (v >> (32 - c))


def _qr(s, a, b, c, d):
    s[a] = (s[a] + s[b]) & M32
    s[d] = _rotl(s[d] ^ s[a], 16)
    s[c] = (s[c] + s[d]) & M32
    s[b] = _rotl(s[b] ^ s[c], 12)
    s[a] = (s[a] + s[b]) & M32
    s[d] = _rotl(s[d] ^ s[a], 8)
    s[c] = (s[c] + s[d]) & M32
    s[b] = _rotl(s[b] ^ s[c], 7)


def hchacha20(key, n16):
    """FORMAT.md section 4, "Encryption"; draft-irtf-cfrg-xchacha 2.2."""
    s = [0x61707865, 0x3320646e, 0x79622d32, 0x6b206574]
    s += list(struct.unpack("<8I", key)) + list(struct.unpack("<4I", n16))
    for _ in range(10):
        _qr(s, 0, 4, 8, 12)
        _qr(s, 1, 5, 9, 13)
        _qr(s, 2, 6, 10, 14)
        _qr(s, 3, 7, 11, 15)
        _qr(s, 0, 5, 10, 15)
        _qr(s, 1, 6, 11, 12)
        _qr(s, 2, 7, 8, 13)
        _qr(s, 3, 4, 9, 14)
    return struct.pack("<8I", *(s[0:4] + s[12:16]))


def xchacha_seal(key, nonce, plain, ad):
    sub = hchacha20(key, nonce[:16])
    return ChaCha20Poly1305(sub).encrypt(b"\0\0\0\0" + nonce[16:], plain, ad)


def xchacha_open(key, nonce, ct, ad):
    sub = hchacha20(key, nonce[:16])
    try:
        return ChaCha20Poly1305(sub).decrypt(b"\0\0\0\0" + nonce[16:], ct, ad)
    except InvalidTag:
        raise Reject("decrypt", "the AEAD tag does not verify")


P25519 = 2 ** 255 - 19


def ed_to_x25519_pk(pk):
    """u = (1 + y) / (1 - y) mod p (RFC 7748 4.1), FORMAT.md section 6."""
    y = int.from_bytes(pk, "little") & ((1 << 255) - 1)
    u = (1 + y) * pow((1 - y) % P25519, P25519 - 2, P25519) % P25519
    return u.to_bytes(32, "little")


def ed_to_x25519_sk(seed):
    h = bytearray(hashlib.sha512(seed).digest()[:32])
    h[0] &= 248
    h[31] &= 127
    h[31] |= 64
    return bytes(h)


def argon2id(passphrase, salt, ops, mem):
    """FORMAT.md section 3, "Key derivation"."""
    return argon2.low_level.hash_secret_raw(
        secret=passphrase, salt=salt, time_cost=ops,
        memory_cost=mem // 1024, parallelism=1, hash_len=32,
        type=argon2.low_level.Type.ID, version=0x13)


# --- section 2: identities ---------------------------------------------------

WHITE = {0x00a0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000} | set(
    range(0x2000, 0x200b))


def name_valid(name):
    b = name.encode("utf-8", "surrogatepass")
    if not 1 <= len(b) <= 63:
        return False
    try:
        b.decode("utf-8")  # strict: no surrogates
    except UnicodeDecodeError:
        return False
    for ch in name:
        c = ord(ch)
        if c <= 0x20 or c == 0x7f or 0x80 <= c <= 0x9f or ch == "+" or \
                c in WHITE:
            return False
    return True


def fingerprint(pk):
    h = sha256(b"detente fingerprint v1\0", pk)[:10].hex().upper()
    return " ".join(h[i:i + 4] for i in range(0, 20, 4))


def c2sp_keyid(name, pk):
    return sha256(name.encode(), b"\n\x01", pk)[:4]


def c2sp_vkey(name, pk):
    return "%s+%s+%s" % (name, c2sp_keyid(name, pk).hex(),
                         b64encode(b"\x01" + pk))


def c2sp_parse(vkey):
    # The name has no "+", the key id is 8 hex digits; base64 may hold "+".
    name, keyid, b64 = vkey.split("+", 2)
    need(re.fullmatch("[0-9a-fA-F]{8}", keyid) is not None, "vkey",
         "bad key id")
    need(name_valid(name), "vkey", "bad name")
    raw = b64decode_strict(b64)
    need(len(raw) == 33 and raw[0] == 1, "vkey", "not an Ed25519 key")
    need(c2sp_keyid(name, raw[1:]).hex() == keyid.lower(), "vkey",
         "key id does not match")
    return name, raw[1:]


def minisign_keyid(pk):
    return sha256(b"detente minisign keyid v1\0", pk)[:8]


def minisign_pub(pk):
    kid = minisign_keyid(pk)
    return ("untrusted comment: minisign public key " +
            kid[::-1].hex().upper(), b64encode(b"Ed" + kid + pk))


# --- section 3: keystore file ------------------------------------------------

KS_OPS = (1, 16)
KS_MEM = (8192, 1 << 30)


def keystore_parse(f):
    need(len(f) >= 5 and f[:4] == b"DTKS", "keystore", "bad magic")
    need(f[4] == 1, "keystore", "unknown version")
    need(len(f) >= 96 and f[5] == 1 and f[7] == 0, "keystore",
         "bad kdf or reserved byte")
    n = f[6]
    need(1 <= n <= 63 and len(f) == 96 + n + 48, "keystore", "bad length")
    ops, mem = struct.unpack(">QQ", f[8:24])
    need(KS_OPS[0] <= ops <= KS_OPS[1] and KS_MEM[0] <= mem <= KS_MEM[1],
         "keystore", "KDF limits out of bounds")
    raw = f[96:96 + n]
    need(b"\0" not in raw, "keystore", "zero byte in name")
    try:
        name = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise Reject("keystore", "name is not UTF-8")
    need(name_valid(name), "keystore", "bad name")
    return dict(ops=ops, mem=mem, salt=f[24:40], nonce=f[40:64], pk=f[64:96],
                name=name, ad=f[:96 + n], ct=f[96 + n:])


def keystore_unlock(f, passphrase):
    k = keystore_parse(f)
    key = argon2id(passphrase, k["salt"], k["ops"], k["mem"])
    seed = xchacha_open(key, k["nonce"], k["ct"], k["ad"])
    need(ed25519_pk(seed) == k["pk"], "keystore", "pk is not the seed's")
    return seed, k


def keystore_encode(name, seed, passphrase, ops, mem, salt, nonce):
    nb = name.encode()
    ad = (b"DTKS" + bytes([1, 1, len(nb), 0]) + u64(ops) + u64(mem) + salt +
          nonce + ed25519_pk(seed) + nb)
    key = argon2id(passphrase, salt, ops, mem)
    return ad + xchacha_seal(key, nonce, seed, ad)


# --- section 4: entries ------------------------------------------------------

SIG_CTX = b"detente entry v1\0"
KINDS = {
    0x01: "genesis", 0x02: "member-add", 0x03: "member-remove",
    0x04: "key-wrap", 0x05: "checkpoint", 0x06: "seal",
    0x07: "minutes-signature",
    0x20: "meeting-open", 0x21: "meeting-close", 0x22: "attendance",
    0x23: "agenda", 0x24: "agenda-status", 0x25: "note", 0x26: "statement",
    0x27: "proposal", 0x28: "decision", 0x29: "commitment",
    0x2a: "commitment-status", 0x2b: "endorsement", 0x2c: "correction",
}
K = {v: k for k, v in KINDS.items()}
ZERO32 = bytes(32)


def is_content(kind):
    return 0x20 <= kind <= 0x3f


def leaf_hash(b):
    return sha256(b"\x00", b)


class Entry:
    pass


def parse_entry(b):
    """The framing rules of FORMAT.md section 4, in order."""
    need(len(b) >= 196, "framing", "shorter than 196 bytes")
    need(b[0:3] == b"DTE", "framing", "bad magic")
    need(b[3] == 1, "version", "unknown format version")
    e = Entry()
    e.bytes = bytes(b)
    e.kind, e.flags = b[4], b[5]
    e.nrefs = struct.unpack(">H", b[6:8])[0]
    need(e.kind in KINDS, "framing", "unknown kind 0x%02x" % e.kind)
    # Framing rule 4: 0x07 (an internal note) only on a note, 0x04 (a
    # party key wrap) only on a key wrap (section 6, "Party keys and
    # internal notes").
    need(e.flags in (((1, 3, 7) if e.kind == K["note"] else (1, 3))
                     if is_content(e.kind) else
                     ((0, 4) if e.kind == K["key-wrap"] else (0,))),
         "framing", "bad flags")
    need(e.nrefs <= 1024, "framing", "too many references")
    e.dialogue, e.author = b[8:40], b[40:72]
    e.seq, e.clock, e.time = struct.unpack(">QQQ", b[72:96])
    e.prev = b[96:128]
    off = 128 + 72 * e.nrefs
    need(len(b) >= off + 4 + 64, "framing", "truncated references")
    e.refs = [(b[o:o + 32], struct.unpack(">Q", b[o + 32:o + 40])[0],
               b[o + 40:o + 72]) for o in range(128, off, 72)]
    body_len = struct.unpack(">I", b[off:off + 4])[0]
    e.header = b[:off + 4]
    need(body_len <= 1 << 20, "framing", "body over 1 MiB")
    need(len(b) == off + 4 + body_len + 64, "framing", "lengths do not add up")
    e.body = b[off + 4:off + 4 + body_len]
    e.sig = b[off + 4 + body_len:]
    # Flags bit 1: the body starts with the 8-byte key id of the entry's
    # key epoch (section 6, "Key epochs"); without it, epoch 0.
    pre = 8 if e.flags & 2 else 0
    need(not is_content(e.kind) or body_len >= 40 + pre, "framing",
         "content body under %d bytes" % (40 + pre))
    # Flags bit 2: party-internal, on an internal note (0x07) or a party
    # key wrap (0x04), so e.internal alone does not tell them apart.  An
    # internal note's plaintext is the payload padded to whole blocks of
    # PAD_BLOCK (section 4, "Body"), so its body is 48 bytes plus at
    # least one block (framing rule 7).
    e.internal = bool(e.flags & 4)
    need(not (is_content(e.kind) and e.internal) or
         (body_len >= 48 + PAD_BLOCK and (body_len - 48) % PAD_BLOCK == 0),
         "framing", "an internal note's body is not 48 + k * %d bytes"
         % PAD_BLOCK)
    e.epoch = e.body[:8] if pre else None
    e.sealed = e.body[pre:]
    if e.kind == K["genesis"]:
        need(e.seq == 0 and e.nrefs == 0 and e.dialogue == ZERO32, "framing",
             "genesis with seq, references or dialogue")
    else:
        need(e.dialogue != ZERO32, "framing", "zero dialogue id")
    need((e.seq == 0) == (e.prev == ZERO32), "framing",
         "seq and prev disagree")
    if e.kind == K["genesis"]:
        need(e.clock == 1, "clock", "a genesis has clock 1")
    else:
        need(e.clock >= 2, "clock", "clock below 2 outside the genesis")
    for i, r in enumerate(e.refs):
        need(r[0] != e.author, "framing", "reference to the own feed")
        need(i == 0 or e.refs[i - 1][0] < r[0], "framing",
             "references not strictly ascending")
    e.hash = leaf_hash(e.bytes)
    return e


def sig_ok(e):
    return ed25519_ok(e.author, e.sig, SIG_CTX + e.header + e.body)


def build_entry(kind, seed, dialogue, seq, clock, time_ms, prev, refs,
                payload, key=None, nonce=None, epoch=None, internal=False):
    """Encode, encrypt and sign an entry, from FORMAT.md section 4; a
    content entry names its key epoch (epoch, 8 bytes) when given.  With
    internal, a content entry is an internal note (flags 0x07, epoch
    naming a party epoch, the payload padded) and a control entry a party
    key wrap (flags 0x04)."""
    content = is_content(kind)
    pre = epoch if content and epoch is not None else b""
    flags = (3 if pre else 1) if content else 0
    plain = payload
    if internal:
        flags |= 4
        if content:
            plain = pad(payload)
    h = (b"DTE\x01" + bytes([kind, flags]) + u16(len(refs)) +
         dialogue + ed25519_pk(seed) + u64(seq) + u64(clock) + u64(time_ms) +
         prev + b"".join(a + u64(s) + x for a, s, x in refs) +
         u32(len(plain) + len(pre) + (40 if content else 0)))
    body = (pre + nonce + xchacha_seal(key, nonce, plain, h) if content
            else payload)
    return h + body + ed25519_sign(seed, SIG_CTX + h + body)


PAD_BLOCK = 256


def pad(payload):
    """ISO/IEC 7816-4 padding to a multiple of PAD_BLOCK (section 4,
    "Body"): the payload, 0x80, then zero bytes; always at least one."""
    n = (len(payload) // PAD_BLOCK + 1) * PAD_BLOCK
    return payload + b"\x80" + bytes(n - len(payload) - 1)


def unpad(plain):
    """The payload of a padded plaintext: the last non-zero byte must be
    0x80, within the last PAD_BLOCK bytes; else it does not decrypt."""
    need(len(plain) >= PAD_BLOCK and len(plain) % PAD_BLOCK == 0, "decrypt",
         "a padded plaintext is whole blocks")
    stripped = plain.rstrip(b"\0")
    need(len(plain) - len(stripped) < PAD_BLOCK and stripped[-1:] == b"\x80",
         "decrypt", "no valid padding")
    return stripped[:-1]


def resign(b, seed):
    """Keep header and body, replace the signature (for forgeries)."""
    return b[:-64] + ed25519_sign(seed, SIG_CTX + b[:-64])


# --- section 5: payloads -----------------------------------------------------

def _no_dups(pairs):
    d = {}
    for k, v in pairs:
        need(k not in d, "payload", "key %r twice" % k)
        d[k] = v
    return d


def _int64(s):
    v = int(s)
    need(-2 ** 63 <= v < 2 ** 63, "payload", "integer out of range")
    return v


def _const(s):
    raise Reject("payload", "%s is not JSON" % s)


def _strings_ok(o):
    if isinstance(o, str):
        need("\0" not in o, "payload", "escaped NUL")
        need(not any(0xd800 <= ord(c) <= 0xdfff for c in o), "payload",
             "unpaired surrogate")
    elif isinstance(o, dict):
        for k, v in o.items():
            _strings_ok(k)
            _strings_ok(v)
    elif isinstance(o, list):
        for v in o:
            _strings_ok(v)
    elif isinstance(o, float):
        need(o == o and abs(o) != float("inf"), "payload", "number overflow")


PAYLOAD_DEPTH_MAX = 2048
# Python's own parser counts nesting against the recursion limit (1000 by
# default): room for every depth section 5 allows.
sys.setrecursionlimit(max(sys.getrecursionlimit(), 4 * PAYLOAD_DEPTH_MAX))


def _depth_ok(s):
    """Arrays and objects nest at most PAYLOAD_DEPTH_MAX deep, the payload
    itself counting as 1; brackets inside strings do not count."""
    depth, in_str, esc = 0, False, False
    for c in s:
        if in_str:
            if esc:
                esc = False
            elif c == "\\":
                esc = True
            elif c == '"':
                in_str = False
        elif c == '"':
            in_str = True
        elif c in "[{":
            depth += 1
            if depth > PAYLOAD_DEPTH_MAX:
                return False
        elif c in "]}" and depth > 0:
            depth -= 1
    return True


def accept_payload(b):
    """FORMAT.md section 5, "What a reader accepts"."""
    need(b"\0" not in b, "payload", "zero byte")
    try:
        s = b.decode("utf-8")
    except UnicodeDecodeError:
        raise Reject("payload", "not UTF-8")
    need(not s.startswith("\ufeff"), "payload", "byte order mark")
    need(_depth_ok(s), "payload", "nested deeper than %d" % PAYLOAD_DEPTH_MAX)
    try:
        o = json.loads(s, object_pairs_hook=_no_dups, parse_int=_int64,
                       parse_constant=_const)
    except (ValueError, RecursionError) as exc:
        raise Reject("payload", "not one JSON value: %s" % exc)
    need(isinstance(o, dict), "payload", "not an object")
    _strings_ok(o)
    v = o.get("v")
    need(type(v) is int and v == 1, "payload", '"v" is not the integer 1')
    return o


def is_int(v):
    return type(v) is int


def t_party(v):
    return isinstance(v, str) and \
        re.fullmatch(r"[A-Z0-9]{1,15}", v) is not None


def t_hex(v, n):
    return isinstance(v, str) and \
        re.fullmatch("[0-9a-f]{%d}" % n, v) is not None


def t_date(v):
    if not isinstance(v, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
        return False
    try:
        datetime.date(int(v[:4]), int(v[5:7]), int(v[8:]))
    except ValueError:
        return False
    return int(v[:4]) >= 1900


def t_meeting(o):
    return is_int(o.get("meeting")) and o["meeting"] >= 0


def t_text(v):
    if not isinstance(v, list) or not v:
        return False
    return all(isinstance(t, dict) and isinstance(t.get("lang"), str) and
               re.fullmatch("[a-z]{2,8}", t["lang"]) is not None and
               t.get("role") in ("authentic", "translation") and
               isinstance(t.get("body"), str) for t in v)


def t_member(m, head_allowed):
    return (isinstance(m, dict) and t_hex(m.get("key"), 64) and
            isinstance(m.get("name"), str) and t_party(m.get("party")) and
            m.get("role") in ("head", "delegate", "observer") and
            (head_allowed or m["role"] != "head"))


def t_opt(o, k, fn):
    return k not in o or fn(o[k])


def t_names(v):
    """FORMAT.md section 5, type "names": language tag -> string."""
    return isinstance(v, dict) and all(
        re.fullmatch("[a-z]{2,8}", k) is not None and isinstance(x, str)
        for k, x in v.items())


def t_keys(v):
    return isinstance(v, list) and all(t_hex(x, 64) for x in v)


def schema_ok(kind, o):
    """FORMAT.md section 5, "Schema of each kind"."""
    name = KINDS[kind]
    if name == "genesis":
        p, m = o.get("parties"), o.get("members")
        return (isinstance(o.get("title"), str) and
                t_opt(o, "titles", t_names) and isinstance(p, list) and
                len(p) >= 2 and all(t_party(x) for x in p) and
                isinstance(m, list) and len(m) >= 2 and
                all(t_member(x, True) for x in m))
    if name == "member-add":
        return t_member(o, False)
    if name == "member-remove":
        return t_hex(o.get("key"), 64)
    if name == "key-wrap":
        w = o.get("wraps")
        return (t_hex(o.get("key_id"), 16) and isinstance(w, list) and
                len(w) >= 1 and all(isinstance(x, dict) and
                                    t_hex(x.get("to"), 64) and
                                    isinstance(x.get("box"), str) for x in w))
    if name == "checkpoint":
        return isinstance(o.get("note"), str)
    if name == "seal":
        # the meeting it closes is required, as for content kinds
        return isinstance(o.get("note"), str) and t_meeting(o)
    if name == "minutes-signature":
        return isinstance(o.get("minisig"), str) and t_meeting(o)
    if not t_meeting(o):
        return False
    if name == "meeting-open":
        return (t_opt(o, "title", lambda v: isinstance(v, str)) and
                t_opt(o, "place", lambda v: isinstance(v, str)) and
                t_opt(o, "date", t_date) and t_opt(o, "titles", t_names) and
                t_opt(o, "places", t_names))
    if name == "meeting-close":
        return True
    if name == "attendance":
        return t_opt(o, "present", t_keys) and t_opt(o, "absent", t_keys)
    if name == "agenda":
        return t_text(o.get("text"))
    if name == "agenda-status":
        return t_hex(o.get("target"), 64) and o.get("state") in (
            "current", "discussed", "deferred", "closed")
    if name in ("note", "statement", "proposal", "decision", "commitment"):
        ok = t_text(o.get("text")) and t_opt(o, "item",
                                             lambda v: t_hex(v, 64))
        if name in ("statement", "commitment"):
            ok = ok and t_party(o.get("party"))
        if name == "commitment":
            ok = ok and t_opt(o, "owner", lambda v: isinstance(v, str)) \
                and t_opt(o, "due", t_date)
        return ok
    if name == "commitment-status":
        return t_hex(o.get("target"), 64) and o.get("state") in (
            "accepted", "in-progress", "fulfilled", "withdrawn")
    if name == "endorsement":
        return t_hex(o.get("target"), 64)
    if name == "correction":
        return t_hex(o.get("target"), 64) and t_text(o.get("text"))
    return False


def canonical(o):
    """The canonical form of section 5, for checking what a writer wrote
    (never used before verifying).  Python escapes control characters in
    lower-case hex where jansson uses upper case; the vector payloads have
    none."""
    return json.dumps(o, ensure_ascii=False, sort_keys=True,
                      separators=(",", ":")).encode("utf-8")


# --- section 5, "Text fields": how text is shown -----------------------------

def unsafe_cp(c):
    """The unsafe characters of section 5, "Text fields"."""
    return (c <= 0x1f or 0x7f <= c <= 0x9f or c in (0x061c, 0x200e, 0x200f)
            or 0x2028 <= c <= 0x202e or 0x2066 <= c <= 0x2069)


def utf8_chars(b):
    """(bytes, code point or None) for each character of b, None for
    each byte that does not begin a well-formed UTF-8 character."""
    i = 0
    while i < len(b):
        for n in (1, 2, 3, 4):
            try:
                c = b[i:i + n].decode("utf-8", "strict")
            except UnicodeDecodeError:
                continue
            if len(c) == 1:
                yield b[i:i + n], ord(c)
                i += n
                break
        else:
            yield b[i:i + 1], None
            i += 1


def render_terminal(b, keep_lf):
    """A text as detente shows it on a terminal or in a text file."""
    out = b""
    for raw, c in utf8_chars(b):
        if c == 0x0a and keep_lf:
            out += raw
        elif c == 0x09:
            out += b" "
        elif c is None or unsafe_cp(c):
            out += "\ufffd".encode()
        else:
            out += raw
    return out


def render_json_string(b):
    """A string as detente writes it in JSON: jansson's escapes (section
    5, "Canonical form"), then every other unsafe character as \\uXXXX
    in lower-case hex."""
    short = {0x22: '\\"', 0x5c: "\\\\", 0x08: "\\b", 0x0c: "\\f",
             0x0a: "\\n", 0x0d: "\\r", 0x09: "\\t"}
    out = '"'
    for raw, c in utf8_chars(b):
        need(c is not None, "json", "not UTF-8")
        if c in short:
            out += short[c]
        elif c < 0x20:
            out += "\\u%04X" % c
        elif unsafe_cp(c):
            out += "\\u%04x" % c
        else:
            out += chr(c)
    return (out + '"').encode("utf-8")


def field_check(b, limit):
    """The writer's rule for a one-line field: "ok", "range" or "format"."""
    if len(b) == 0 or len(b) > limit:
        return "range"
    for raw, c in utf8_chars(b):
        if c is None or unsafe_cp(c):
            return "format"
    return "ok"


def check_text(tap, v):
    n = int(v["cases"])
    limit = int(v["field_max"])
    for i in range(1, n + 1):
        b = unhex(v["in_%d" % i])
        tap.eq(render_terminal(b, False).hex(), v["line_%d" % i],
               "text %d: one line" % i)
        tap.eq(render_terminal(b, True).hex(), v["lines_%d" % i],
               "text %d: lines kept" % i)
        if ("json_%d" % i) in v:
            tap.eq(render_json_string(b).hex(), v["json_%d" % i],
                   "text %d: JSON" % i)
            js = json.loads(render_json_string(b).decode("utf-8"))
            tap.eq(js.encode("utf-8"), b, "text %d: JSON gives it back" % i)
        tap.eq(field_check(b, limit), v["field_%d" % i],
               "text %d: field check" % i)
    return True


# --- section 6: key wrap -----------------------------------------------------

WRAP_CTX = b"detente key wrap v1\0"
# A party key wrap's boxes (section 6, "Party keys and internal notes").
PARTY_CTX = b"detente partykey v1\0"


def key_id(key):
    return sha256(b"detente key id v1\0", key)[:8]


def open_box(box, seed, dialogue, ctx=WRAP_CTX):
    """The key in a box of a key wrap (ctx WRAP_CTX) or of a party key
    wrap (PARTY_CTX): a box opens only with its own context string."""
    need(len(box) == 132, "wrap", "a box is 132 bytes")
    try:
        plain = nacl.public.SealedBox(
            nacl.public.PrivateKey(ed_to_x25519_sk(seed))).decrypt(box)
    except nacl.exceptions.CryptoError:
        raise Reject("wrap", "the box does not open")
    need(len(plain) == 84 and plain[:20] == ctx, "wrap",
         "not a detente key wrap of this kind")
    need(plain[20:52] == dialogue, "wrap", "a key for another dialogue")
    return plain[52:]


# --- section 7: rules --------------------------------------------------------

class Member:
    def __init__(self, party, role, added, name=None):
        self.party, self.role, self.added, self.removed = party, role, added, 0
        self.name = name


HEAD_ONLY = {K["member-add"], K["member-remove"], K["key-wrap"],
             K["endorsement"], K["seal"], K["minutes-signature"]}


def may_write(members, author, kind, clock):
    m = members.get(author)
    need(m is not None, "member", "the author is not a member")
    need(m.added < clock, "member", "not yet a member at this clock")
    need(m.removed == 0 or m.removed >= clock, "member", "removed")
    need(m.role != "observer", "member", "observers write nothing")
    need(kind != K["genesis"], "member", "a second genesis")
    need(kind not in HEAD_ONLY or m.role == "head", "member",
         "only a head writes %s" % KINDS[kind])


def removed_writer(members, author, kind, clock):
    """Section 7, "Written after removal": the author was a member,
    removed by an entry of a lower clock, and its role let it write this
    kind while it was one.  Its entry is then a member fault, decided on
    the header alone (no key needed)."""
    m = members.get(author)
    if m is None or not 0 < m.removed < clock or kind == K["genesis"]:
        return False
    try:
        may_write(members, author, kind, m.removed)
    except Reject:
        return False
    return True


def member_keys(o):
    return bytes.fromhex(o["key"])


MINUTES_COMMENT = re.compile(
    r"detente minutes dialogue=([0-9a-f]{64}) meeting=(0|[1-9][0-9]*) "
    r"format=(md|txt|json) lang=(both|[a-z]{2,8}) signer=(\S+) "
    r"sha256=([0-9a-f]{64})")


def minisig_parse(text):
    """FORMAT.md section 13, "Signature files": the four lines, strictly;
    returns (algorithm, key id, sig, trusted comment, global sig)."""
    need(isinstance(text, str) and text.endswith("\n") and "\r" not in text
         and "\0" not in text, "minutes-signature", "not a signature file")
    lines = text[:-1].split("\n")
    need(len(lines) == 4 and lines[0].startswith("untrusted comment: ") and
         lines[2].startswith("trusted comment: "), "minutes-signature",
         "not four lines of a signature file")
    try:
        raw = b64decode_strict(lines[1])
        glob = b64decode_strict(lines[3])
    except Reject:
        raw, glob = b"", b""
    need(len(raw) == 74 and len(glob) == 64, "minutes-signature",
         "bad base64 lines")
    trusted = lines[2][len("trusted comment: "):]
    need(len(trusted.encode()) <= 8173 and
         len(lines[0].encode()) - 19 <= 1003, "minutes-signature",
         "a comment too long")
    return raw[:2], raw[2:10], raw[10:], trusted, glob


def minutes_sig_check(e, o, author, dialogue_id):
    """FORMAT.md section 13, "Signatures in the record": what a verifier
    checks of a minutes-signature entry without the minutes."""
    alg, kid, sig, trusted, glob = minisig_parse(o["minisig"])
    need(alg == b"ED", "minutes-signature", "not a prehashed signature")
    need(kid == minisign_keyid(e.author), "minutes-signature-key",
         "another key than the author's")
    need(ed25519_ok(e.author, glob, sig + trusted.encode()),
         "minutes-signature-key", "the trusted comment's signature fails")
    m = MINUTES_COMMENT.fullmatch(trusted)
    need(m is not None, "minutes-signature", "not a minutes comment")
    need(m.group(1) == dialogue_id.hex(), "minutes-signature-dialogue",
         "another dialogue")
    need(int(m.group(2)) == o["meeting"], "minutes-signature",
         "another meeting than the payload's")
    need(m.group(5) == author.name, "minutes-signature",
         "another signer than the author")


def attendance_check(e, o, members):
    """Section 7, "Attendance": every key listed is a member of the
    author's party at the entry's clock; else a member fault."""
    a = members[e.author]
    for k in o.get("present", []) + o.get("absent", []):
        m = members.get(bytes.fromhex(k))
        need(m is not None and m.party == a.party and m.added < e.clock,
             "payload", "attendance lists a key of another party")


def verify_record(blobs, dialogue_id, key=None, faults=None):
    """FORMAT.md section 7; raises Reject at the first failure, its at the
    leaf hash of the entry the walk was checking (None before the walk).
    Returns the membership, the parsed entries and how many were
    decrypted.  key is epoch 0's key, or a dict {key id: key} of the keys
    held: key epochs' (section 6, "Key epochs") and party epochs'
    ("Party keys and internal notes"); entries of other epochs are not
    decrypted, as without the key.  A
    member fault (section 7, "Member faults": a content entry that passes
    every other check but does not decrypt, or not to a payload of its
    kind, or written after its author's removal) is no failure: it is
    appended to faults (a list, when given) as (author, seq, leaf hash,
    reason)."""
    at = [None]
    try:
        return _verify_record(blobs, dialogue_id, key, faults, at)
    except Reject as exc:
        exc.at = at[0]
        raise


def _verify_record(blobs, dialogue_id, key, faults, at):
    es = []
    for b in blobs:
        at[0] = leaf_hash(b)
        es.append(parse_entry(b))
    at[0] = None
    by_hash = {}
    for e in es:
        by_hash.setdefault(e.hash, e)
    # Pass 1: control entries in merged order.
    members, parties, seen_genesis = {}, [], False
    epochs = {}  # key id -> the key wrap that started the epoch
    # Party epochs (section 6, "Party keys and internal notes"): key id
    # -> (party, the party key wrap that started it); numbered per party.
    party_epochs = {}
    epoch0 = None
    removals = {}  # key -> the member-remove entry
    past = causal_past(es, by_hash)
    for e in sorted((e for e in es if not is_content(e.kind)),
                    key=lambda e: (e.clock, e.author)):
        at[0] = e.hash
        need(sig_ok(e), "signature", "bad signature (control)")
        o = accept_payload(e.body)
        if not seen_genesis:
            need(e.kind == K["genesis"] and e.hash == dialogue_id, "dialogue",
                 "the first control entry is not the genesis")
            need(schema_ok(e.kind, o), "payload", "genesis schema")
            for p in o["parties"]:
                need(p not in parties, "genesis", "a party twice")
                parties.append(p)
            author_head = False
            for m in o["members"]:
                need(name_valid(m["name"]), "genesis", "bad member name")
                need(m["party"] in parties, "genesis", "unlisted party")
                pk = member_keys(m)
                need(pk not in members, "genesis", "a key twice")
                need(m["role"] != "head" or not any(
                    x.role == "head" and x.party == m["party"]
                    for x in members.values()), "genesis", "two heads")
                members[pk] = Member(m["party"], m["role"], 0, m["name"])
                author_head |= m["role"] == "head" and pk == e.author
            for p in parties:
                need(any(x.role == "head" and x.party == p
                         for x in members.values()), "genesis",
                     "a party without a head")
            need(author_head, "genesis", "the author is not a head")
            seen_genesis = True
            continue
        need(e.kind != K["genesis"], "dialogue", "a second genesis")
        need(e.dialogue == dialogue_id, "dialogue", "another dialogue")
        # A removed member's checkpoint counts toward nothing (pass 2
        # names it a member fault).
        if removed_writer(members, e.author, e.kind, e.clock):
            continue
        may_write(members, e.author, e.kind, e.clock)
        need(schema_ok(e.kind, o), "payload", "%s schema" % KINDS[e.kind])
        a = members[e.author]
        if e.kind == K["member-add"]:
            need(name_valid(o["name"]), "member-add", "bad name")
            need(o["party"] == a.party, "member-add", "another party")
            need(member_keys(o) not in members, "member-add",
                 "the key is or was a member")
            members[member_keys(o)] = Member(o["party"], o["role"], e.clock,
                                             o["name"])
        elif e.kind == K["member-remove"]:
            t = members.get(member_keys(o))
            need(t is not None and t.removed == 0, "member-remove",
                 "not a member")
            need(t.party == a.party and t.role != "head", "member-remove",
                 "another party, or a head")
            t.removed = e.clock
            removals[member_keys(o)] = e
        elif e.kind == K["key-wrap"]:
            for w in o["wraps"]:
                try:
                    box = base64.b64decode(w["box"], validate=True)
                except Exception:
                    box = b""
                need(len(box) == 132, "key-wrap", "box is not 132 bytes")
                to = bytes.fromhex(w["to"])
                t = members.get(to)
                # A box to a member whose removal has a lower clock but is
                # not in the wrap's causal past: the race of section 6.
                race = (t is not None and t.added < e.clock and
                        0 < t.removed < e.clock and
                        removals[to].hash not in past[e.hash])
                current = (t is not None and t.added < e.clock and
                           (t.removed == 0 or t.removed >= e.clock))
                if e.flags & 4:
                    # A party key wrap: only to members of the author's
                    # party current at its clock, with no exception.
                    need(current and t.party == a.party, "key-wrap",
                         "a party key wrap addressed to someone not a "
                         "current member of the author's party")
                else:
                    need(race or current, "key-wrap",
                         "addressed to a non-member")
            kid = bytes.fromhex(o["key_id"])
            if e.flags & 4:
                # Its key id names no key epoch of the dialogue, and no
                # party epoch of another party; the first party key wrap
                # of a key id starts that party epoch.
                need(kid not in epochs, "key-wrap",
                     "a party key wrap names a key epoch of the dialogue")
                need(party_epochs.get(kid, (a.party,))[0] == a.party,
                     "key-wrap", "a party key wrap names a party epoch of "
                     "another party")
                party_epochs.setdefault(kid, (a.party, e))
            else:
                # A key wrap with flags 0x00 names no party epoch.  The
                # first key wrap of a key id, in merged order, starts its
                # epoch; the first of all is epoch 0.
                need(kid not in party_epochs, "key-wrap",
                     "a key wrap of the dialogue names a party epoch")
                if kid not in epochs:
                    epochs[kid] = e
                    epoch0 = epoch0 or kid
    need(seen_genesis, "dialogue", "no genesis")
    if isinstance(key, (bytes, bytearray)):
        keys = {epoch0: bytes(key)}
    else:
        keys = dict(key or {})
    # Pass 2: every feed in author order, every entry in seq order.
    feeds = {}
    for e in es:
        feeds.setdefault(e.author, []).append(e)
    decrypted = 0
    meeting_of = {}
    for author in sorted(feeds):
        feed = sorted(feeds[author], key=lambda e: e.seq)
        prev = None
        for i, e in enumerate(feed):
            at[0] = e.hash
            need(e.seq == i, "chain", "feed %s has no seq %d (fork or gap)"
                 % (author.hex()[:8], i))
            if e.kind == K["genesis"]:
                need(e.hash == dialogue_id, "dialogue", "another genesis")
            else:
                need(e.dialogue == dialogue_id, "dialogue", "another dialogue")
            if prev is not None:
                need(e.prev == prev.hash, "chain", "prev is not seq-1's hash")
            need(sig_ok(e), "signature", "bad signature")
            built_on = prev.clock if prev is not None else 0
            for ra, rs, rh in e.refs:
                t = by_hash.get(rh)
                need(t is not None and t.author == ra and t.seq == rs, "ref",
                     "reference to an entry not in the record")
                built_on = max(built_on, t.clock)
            # The clock rule: exactly one more than what it builds on.
            need(e.clock == built_on + 1, "clock", "clock %d, expected %d"
                 % (e.clock, built_on + 1))
            removed = e.kind != K["genesis"] and \
                removed_writer(members, e.author, e.kind, e.clock)
            if e.kind != K["genesis"] and not removed:
                may_write(members, e.author, e.kind, e.clock)
            if is_content(e.kind) and e.internal:
                # Check 7b for an internal note: a party epoch of its
                # author's party, started in its causal past.
                pe = party_epochs.get(e.epoch)
                need(pe is not None, "epoch",
                     "an internal note names no party epoch")
                need(pe[0] == members[e.author].party, "epoch",
                     "an internal note names another party's epoch")
                need(pe[1].hash in past[e.hash], "epoch",
                     "names a party epoch whose party key wrap is not in "
                     "its past")
            elif is_content(e.kind) and e.epoch is not None:
                w = epochs.get(e.epoch)
                need(w is not None, "epoch",
                     "names a key epoch no key wrap starts")
                need(e.epoch == epoch0 or w.hash in past[e.hash], "epoch",
                     "names a key epoch whose key wrap is not in its past")
            ekey = keys.get(e.epoch or epoch0) if is_content(e.kind) \
                and not removed else None
            if removed and faults is not None:
                # never opened: a header rule, with or without a key
                faults.append((e.author, e.seq, e.hash, "removed"))
            if not is_content(e.kind):
                o = accept_payload(e.body)
                need(schema_ok(e.kind, o), "payload",
                     "%s schema" % KINDS[e.kind])
                if e.kind == K["minutes-signature"]:
                    minutes_sig_check(e, o, members[e.author], dialogue_id)
            elif ekey is not None:
                try:
                    plain = xchacha_open(ekey, e.sealed[:24], e.sealed[24:],
                                         e.header)
                    if e.internal:
                        plain = unpad(plain)
                    o = accept_payload(plain)
                    need(schema_ok(e.kind, o), "payload",
                         "%s schema" % KINDS[e.kind])
                    if e.kind == K["attendance"]:
                        attendance_check(e, o, members)
                    decrypted += 1
                    if isinstance(o.get("meeting"), int) and \
                            not isinstance(o.get("meeting"), bool):
                        meeting_of[e.hash] = o["meeting"]
                except Reject as r:
                    if faults is not None:
                        faults.append((e.author, e.seq, e.hash, r.rule))
            prev = e
    if keys and faults is not None:
        at[0] = None
        faults.extend(late_entries(es, by_hash, members, meeting_of, past))
    return members, es, decrypted


def causal_past(es, by_hash):
    """{hash: the set of hashes in the entry's causal past}: its previous
    entry, the entries it references, theirs, and so on.  An entry whose
    previous entry or reference is missing has failed already."""
    at = {(e.author, e.seq): e for e in es}
    past = {}
    for e in sorted(es, key=lambda e: (e.clock, e.author)):
        preds = [by_hash[rh] for _, _, rh in e.refs if rh in by_hash]
        if e.seq > 0 and (e.author, e.seq - 1) in at:
            preds.append(at[(e.author, e.seq - 1)])
        p = set()
        for x in preds:
            p.add(x.hash)
            p |= past.get(x.hash, set())
        past[e.hash] = p
    return past


def late_entries(es, by_hash, members, meeting_of, past):
    """Section 7, "Late entries": an entry of kind 0x20 to 0x2c whose
    meeting has a meeting-close by a member of its author's party, other
    than itself, in its causal past (its previous entry, the entries it
    references, theirs, and so on).  Only entries that decrypted to a
    payload of their kind (meeting_of) count, closes included.  Returns
    [(author, seq, hash, "late")] in merged order."""
    order = sorted(es, key=lambda e: (e.clock, e.author))
    closes = [c for c in es if c.kind == K["meeting-close"] and
              c.hash in meeting_of]
    out = []
    for e in order:
        if not 0x20 <= e.kind <= 0x2c or e.hash not in meeting_of:
            continue
        party = members[e.author].party
        if any(c.hash != e.hash and c.hash in past[e.hash] and
               meeting_of[c.hash] == meeting_of[e.hash] and
               members[c.author].party == party for c in closes):
            out.append((e.author, e.seq, e.hash, "late"))
    return out


# --- the checks --------------------------------------------------------------

def self_checks(tap):
    """The primitives built here, against published vectors."""
    tap.eq(hchacha20(bytes(range(32)),
                     unhex("000000090000004a0000000031415927")).hex(),
           "82413b4227b27bfed30e42508a877d73a0f9e4d58a74a853c12ec41326d3ecdc",
           "HChaCha20 matches draft-irtf-cfrg-xchacha-03 section 2.2.1")
    pt = (b"Ladies and Gentlemen of the class of '99: If I could offer you "
          b"only one tip for the future, sunscreen would be it.")
    ad = unhex("50515253c0c1c2c3c4c5c6c7")
    k = bytes(range(0x80, 0xa0))
    n = bytes(range(0x40, 0x58))
    ct = xchacha_seal(k, n, pt, ad)
    tap.eq((ct[:32].hex(), ct[-16:].hex()),
           ("bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb",
            "c0875924c1c7987947deafd8780acf49"),
           "XChaCha20-Poly1305 matches draft-irtf-cfrg-xchacha-03 A.3.1")
    tap.eq(xchacha_open(k, n, ct, ad), pt, "XChaCha20-Poly1305 opens again")


def check_keys(tap, v):
    seed, pk, name = unhex(v["seed"]), unhex(v["pk"]), v["name"]
    tap.eq(ed25519_pk(seed), pk, "keys.txt: pk is the seed's Ed25519 key")
    tap.result(name_valid(name), "keys.txt: the name follows the name rules")
    tap.eq(fingerprint(pk), v["fingerprint"], "keys.txt: fingerprint")
    tap.eq(c2sp_keyid(name, pk).hex(), v["c2sp_keyid"],
           "keys.txt: C2SP key id")
    tap.eq(c2sp_vkey(name, pk), v["c2sp_vkey"], "keys.txt: C2SP verifier key")
    tap.eq(c2sp_parse(v["c2sp_vkey"]), (name, pk),
           "keys.txt: the verifier key parses back, key id checked")
    tap.eq(minisign_keyid(pk).hex(), v["minisign_keyid"],
           "keys.txt: minisign key id")
    com, line = minisign_pub(pk)
    tap.eq(com, v["minisign_pub_comment"], "keys.txt: minisign comment line")
    tap.eq(line, v["minisign_pub_key"], "keys.txt: minisign key line")
    raw = b64decode_strict(v["minisign_pub_key"])
    tap.eq((raw[:2], raw[2:10], raw[10:]), (b"Ed", minisign_keyid(pk), pk),
           "keys.txt: the minisign line decodes to Ed || key id || pk")


def check_keystore(tap, v):
    f = unhex(v["keystore"])
    pw = v["passphrase"].encode("utf-8")
    seed, salt, nonce = unhex(v["seed"]), unhex(v["salt"]), unhex(v["nonce"])
    ops, mem = int(v["opslimit"]), int(v["memlimit"])
    k = keystore_parse(f)
    tap.eq((k["name"], k["pk"], k["ops"], k["mem"], k["salt"], k["nonce"]),
           (v["name"], unhex(v["pk"]), ops, mem, salt, nonce),
           "keystore.txt: the clear fields parse to the inputs")
    tap.eq(argon2id(pw, salt, ops, mem).hex(), v["kdf_key"],
           "keystore.txt: Argon2id gives kdf_key")
    got, _ = keystore_unlock(f, pw)
    tap.eq(got, seed,
           "keystore.txt: the file decrypts to the seed, pk matches")
    tap.eq(keystore_encode(v["name"], seed, pw, ops, mem, salt, nonce), f,
           "keystore.txt: encoding the inputs gives the file byte for byte")

    def wrong_pass():
        try:
            keystore_unlock(f, pw + b"!")
        except Reject:
            return True
        return False
    tap.check("keystore.txt: a wrong passphrase is refused", wrong_pass)
    missed = []
    for i in range(len(f)):
        g = bytearray(f)
        g[i] ^= 0x01
        try:
            keystore_unlock(bytes(g), pw)
            missed.append(i)
        except Reject:
            pass
    tap.result(not missed, "keystore.txt: every single-byte change of the "
               "%d-byte file is refused" % len(f), "accepted at %r" % missed)
    big = bytearray(f)
    big[8:16] = u64(17)
    tap.check("keystore.txt: opslimit 17 is refused before any KDF",
              expect_reject, keystore_parse, bytes(big))
    big = bytearray(f)
    big[16:24] = u64((1 << 30) + 1024)
    tap.check("keystore.txt: memlimit over 1 GiB is refused before any KDF",
              expect_reject, keystore_parse, bytes(big))


def expect_reject(fn, *args):
    try:
        fn(*args)
    except Reject:
        return True
    raise AssertionError("accepted")


def check_entries(tap, v):
    heads = ("ru_head", "us_head")
    seed = {h: unhex(v["seed_" + h]) for h in heads}
    pk = {h: unhex(v["pk_" + h]) for h in heads}
    dkey = unhex(v["dialogue_key"])
    t0 = int(v["time_ms"])

    # Identities, and their X25519 forms (section 6), two ways each.
    for h in heads:
        tap.eq(ed25519_pk(seed[h]), pk[h],
               "entries.txt: pk_%s from its seed" % h)
        xs, xp = unhex(v["x25519_sk_" + h]), unhex(v["x25519_pk_" + h])
        tap.eq((ed_to_x25519_sk(seed[h]), ed_to_x25519_pk(pk[h])), (xs, xp),
               "entries.txt: X25519 forms of %s (SHA-512 clamp; (1+y)/(1-y))"
               % h)
        tap.eq((nacl.bindings.crypto_sign_ed25519_sk_to_curve25519(
                    seed[h] + pk[h]),
                nacl.bindings.crypto_sign_ed25519_pk_to_curve25519(pk[h]),
                nacl.bindings.crypto_scalarmult_base(xs)), (xs, xp, xp),
               "entries.txt: libsodium's conversions agree for %s" % h)
    tap.eq(key_id(dkey).hex(), v["key_id"], "entries.txt: key_id of the "
           "dialogue key")

    # Every entry: framing, leaf hash, signature, body.
    es = {}
    for tag in ("genesis", "wrap", "note_ru", "note_us"):
        b = unhex(v[tag])
        e = parse_entry(b)
        es[tag] = e
        tap.eq(e.hash.hex(), v[tag + "_hash"],
               "entries.txt: %s parses; its leaf hash SHA-256(0x00||entry)"
               % tag)
        tap.eq(e.sig.hex(), v[tag + "_sig"], "entries.txt: %s_sig is its "
               "last 64 bytes" % tag)
        tap.result(sig_ok(e), "entries.txt: %s's signature verifies over "
                   "the context string, header and body" % tag)
        payload = v[tag + "_payload"].encode("utf-8")
        if is_content(e.kind):
            tap.eq(e.header.hex(), v[tag + "_ad"], "entries.txt: %s_ad is "
                   "the header" % tag)
            tap.eq(e.body[:24].hex(), v[tag + "_nonce"],
                   "entries.txt: %s's body starts with its nonce" % tag)
            got = xchacha_open(dkey, e.body[:24], e.body[24:], e.header)
            tap.eq(got, payload, "entries.txt: %s decrypts to its payload"
                   % tag)
        else:
            tap.eq(e.body, payload, "entries.txt: %s's body is its payload"
                   % tag)
        o = accept_payload(payload)
        tap.result(schema_ok(e.kind, o), "entries.txt: %s's payload fits "
                   "the %s schema" % (tag, KINDS[e.kind]))
        tap.eq(canonical(o), payload, "entries.txt: %s's payload is in the "
               "canonical form (a check of the writer)" % tag)
    g, w, nr, nu = es["genesis"], es["wrap"], es["note_ru"], es["note_us"]
    did = unhex(v["dialogue_id"])
    tap.eq(g.hash, did, "entries.txt: dialogue_id is the genesis's leaf hash")

    want = [("genesis", K["genesis"], "ru_head", 0, 1, t0),
            ("wrap", K["key-wrap"], "ru_head", 1, 2, t0),
            ("note_ru", K["note"], "ru_head", 2, 3, int(v["note_ru_time_ms"])),
            ("note_us", K["note"], "us_head", 0, 4, int(v["note_us_time_ms"]))]
    for tag, kind, h, seq, clock, tm in want:
        e = es[tag]
        tap.eq((e.kind, e.author, e.seq, e.clock, e.time),
               (kind, pk[h], seq, clock, tm),
               "entries.txt: %s's kind, author, seq, clock and time" % tag)
    tap.eq((g.dialogue, w.dialogue, nr.dialogue, nu.dialogue),
           (ZERO32, did, did, did), "entries.txt: dialogue fields")
    tap.eq((g.prev, w.prev, nr.prev, nu.prev),
           (ZERO32, g.hash, w.hash, ZERO32),
           "entries.txt: prev fields chain ru-head's feed")
    tap.eq((g.refs, w.refs, nr.refs, nu.refs),
           ([], [], [], [(pk["ru_head"], 2, nr.hash)]),
           "entries.txt: references")

    # The clock rule's candidates for ru-head's seq 3 (section 7).
    clk = {}
    cpayload = v["clock_payload"].encode("utf-8")
    for tag in CLOCK_TAGS:
        b = unhex(v[tag])
        e = parse_entry(b)
        clk[tag] = e
        tap.eq((e.hash.hex(), e.sig.hex(), e.header.hex()),
               (v[tag + "_hash"], v[tag + "_sig"], v[tag + "_ad"]),
               "entries.txt: %s parses; its leaf hash, signature and "
               "header" % tag)
        tap.result(sig_ok(e), "entries.txt: %s's signature verifies" % tag)
        tap.eq((e.kind, e.author, e.seq, e.clock, e.time, e.prev, e.refs),
               (K["note"], pk["ru_head"], 3, int(v[tag + "_clock"]),
                int(v["clock_time_ms"]), nr.hash,
                [(pk["us_head"], 0, nu.hash)]),
               "entries.txt: %s's kind, author, seq, clock, time, prev and "
               "reference" % tag)
        tap.eq(xchacha_open(dkey, e.body[:24], e.body[24:], e.header),
               cpayload, "entries.txt: %s decrypts to clock_payload" % tag)
    tap.eq([clk[t].clock for t in CLOCK_TAGS], [5, 4, 6, 2 ** 64 - 1],
           "entries.txt: the candidates' clocks are 5, 4, 6 and 2^64 - 1")

    # The genesis names what the inputs say.
    go = accept_payload(g.body)
    tap.eq((go["parties"], [(m["key"], m["name"], m["party"], m["role"])
                            for m in go["members"]]),
           ([v["party_ru_head"], v["party_us_head"]],
            [(pk[h].hex(), v["name_" + h], v["party_" + h], "head")
             for h in heads]),
           "entries.txt: the genesis names both parties and both heads")

    # The key wrap.
    plain = WRAP_CTX + did + dkey
    tap.eq(plain.hex(), v["wrap_plain"], "entries.txt: wrap_plain is "
           "context || dialogue id || key")
    wo = accept_payload(w.body)
    tap.eq((wo["key_id"], [(x["to"], x["box"]) for x in wo["wraps"]]),
           (v["key_id"], [(pk[h].hex(), v["box_" + h]) for h in heads]),
           "entries.txt: the key wrap carries key_id and one box per head")
    for i, h in enumerate(heads):
        box = b64decode_strict(v["box_" + h])
        tap.eq(open_box(box, seed[h], did), dkey,
               "entries.txt: box_%s opens with its seed to the dialogue key"
               % h)
        other = heads[1 - i]
        tap.check("entries.txt: box_%s does not open for %s" % (h, other),
                  expect_reject, open_box, box, seed[other], did)
        tap.check("entries.txt: box_%s refuses another dialogue id" % h,
                  expect_reject, open_box, box, seed[h], bytes(32))
        missed = []
        for j in range(len(box)):
            bad = bytearray(box)
            bad[j] ^= 0x01
            try:
                open_box(bytes(bad), seed[h], did)
                missed.append(j)
            except Reject:
                pass
        tap.result(not missed, "entries.txt: every single-byte change of "
                   "box_%s is refused" % h, "opened at %r" % missed)

    # Rebuild every entry from its inputs: the same bytes.
    gp, wp = v["genesis_payload"].encode(), v["wrap_payload"].encode()
    rebuilt = {
        "genesis": build_entry(K["genesis"], seed["ru_head"], ZERO32, 0, 1, t0,
                               ZERO32, [], gp),
        "wrap": build_entry(K["key-wrap"], seed["ru_head"], did, 1, 2, t0,
                            g.hash, [], wp),
        "note_ru": build_entry(K["note"], seed["ru_head"], did, 2, 3,
                               int(v["note_ru_time_ms"]), w.hash, [],
                               v["note_ru_payload"].encode(), dkey,
                               unhex(v["note_ru_nonce"])),
        "note_us": build_entry(K["note"], seed["us_head"], did, 0, 4,
                               int(v["note_us_time_ms"]), ZERO32,
                               [(pk["ru_head"], 2, nr.hash)],
                               v["note_us_payload"].encode(), dkey,
                               unhex(v["note_us_nonce"])),
    }
    for tag in CLOCK_TAGS:
        rebuilt[tag] = build_entry(
            K["note"], seed["ru_head"], did, 3, int(v[tag + "_clock"]),
            int(v["clock_time_ms"]), nr.hash, [(pk["us_head"], 0, nu.hash)],
            v["clock_payload"].encode(), dkey, unhex(v["clock_nonce"]))
    for tag, b in rebuilt.items():
        tap.eq(b.hex(), v[tag], "entries.txt: encoding, encrypting and "
               "signing %s from its inputs gives its bytes" % tag)

    # The rules of section 7 over the four entries.
    blobs = [unhex(v[t]) for t in ("genesis", "wrap", "note_ru", "note_us")]

    def whole():
        members, _, n = verify_record(blobs, did, dkey)
        need(n == 2, "test", "decrypted %d, not 2" % n)
        need(sorted(members) == sorted(pk.values()), "test", "members")
        return True
    tap.check("entries.txt: the four entries pass every rule of section 7, "
              "with the key", whole)
    tap.check("entries.txt: and without the key", verify_record, blobs, did)

    # The clock rule: only the candidate with clock 5 passes.
    for tag in CLOCK_TAGS:
        trial = blobs + [unhex(v[tag])]
        want = None if tag == "clock_exact" else "clock"
        for k, how in ((dkey, "with"), (None, "without")):
            tap.eq(rejected_by(trial, did, k), want,
                   "entries.txt: the four entries and %s %s, %s the key" %
                   (tag, "pass" if want is None else "fail the clock rule",
                    how))
    order = sorted(es.values(), key=lambda e: (e.clock, e.author))
    tap.eq([e.hash for e in order], [g.hash, w.hash, nr.hash, nu.hash],
           "entries.txt: merged order is genesis, wrap, note_ru, note_us")
    return dict(seed=seed, pk=pk, dkey=dkey, did=did, es=es, blobs=blobs,
                t0=t0)


# The clock rule's vectors in entries.txt: clocks 5, 4, 6, 2^64 - 1.
CLOCK_TAGS = ("clock_exact", "clock_low", "clock_high", "clock_max")


def check_epochs(tap, v, ctx):
    """epochs.txt: key epochs (section 6, "Key epochs")."""
    blobs, did, dkey, seed = ctx["blobs"], ctx["did"], ctx["dkey"], \
        ctx["seed"]
    ekey, kid = unhex(v["epoch_key"]), unhex(v["epoch_key_id"])
    rekey, good, bad = (unhex(v[n]) for n in ("rekey_ru", "note_us2",
                                              "note_us_bad"))
    tap.eq(key_id(ekey), kid, "epochs.txt: epoch_key_id is the key's id")
    w = parse_entry(rekey)
    wo = accept_payload(w.body)
    tap.eq(wo["key_id"], kid.hex(), "epochs.txt: rekey_ru names the key id")
    for h in ("ru_head", "us_head"):
        box = [x["box"] for x in wo["wraps"]
               if x["to"] == ed25519_pk(seed[h]).hex()]
        tap.eq(open_box(b64decode_strict(box[0]), seed[h], did) if box
               else None, ekey,
               "epochs.txt: rekey_ru's box to %s opens to epoch_key" % h)
    g = parse_entry(good)
    tap.eq((g.flags, g.epoch), (3, kid),
           "epochs.txt: note_us2 has flags 0x03 and names epoch 1")
    tap.eq(xchacha_open(ekey, g.sealed[:24], g.sealed[24:], g.header).hex(),
           v["note_us2_plain"], "epochs.txt: note_us2 opens with the "
           "epoch's key to note_us2_plain")
    tap.check("epochs.txt: and not with the dialogue's first key",
              expect_reject, xchacha_open, dkey, g.sealed[:24],
              g.sealed[24:], g.header)
    keys = {key_id(dkey): dkey, kid: ekey}
    _, _, n = verify_record(blobs + [rekey, good], did, keys)
    tap.eq(n, 3, "epochs.txt: with both epochs' keys the record verifies "
           "and its three content entries decrypt")
    got = []
    _, _, n = verify_record(blobs + [rekey, good], did, dkey, got)
    tap.eq((n, got), (2, []), "epochs.txt: with epoch 0's key only, "
           "note_us2 is not decrypted, and is no fault")
    for k, how in ((keys, "with"), (None, "without")):
        tap.eq(rejected_by(blobs + [rekey, bad], did, k), "epoch",
               "epochs.txt: note_us_bad fails the epoch rule, %s the keys"
               % how)
    return True


def check_internal(tap, v, ctx):
    """internal.txt: internal notes and party keys (section 6, "Party keys
    and internal notes")."""
    blobs, did, dkey, seed, pk = ctx["blobs"], ctx["did"], ctx["dkey"], \
        ctx["seed"], ctx["pk"]
    pkey, kid = unhex(v["party_key"]), unhex(v["party_key_id"])
    named = dict(zip(("genesis", "wrap", "note_ru", "note_us"), blobs))
    entries = [n for n in v if n + "_hash" in v]
    for n in ("pkw_ru", "inote_ru", "pkw_ru_joint", "inote_ru_bad",
              "inote_us_bad", "pkw_ru_us"):
        tap.result(n in entries, "internal.txt: has %s" % n)
    for n in entries:
        named[n] = unhex(v[n])
        tap.eq(leaf_hash(named[n]).hex(), v[n + "_hash"],
               "internal.txt: %s_hash" % n)
    tap.eq(pkey, bytes([0x61]) * 32, "internal.txt: party_key is 32 x 0x61")
    tap.eq(key_id(pkey), kid, "internal.txt: party_key_id is the key's id")
    tap.eq(unhex(v["pkw_ru_plain"]), PARTY_CTX + did + pkey,
           "internal.txt: pkw_ru_plain is \"detente partykey v1\\0\" || "
           "dialogue id || party key")

    # The party key wrap: flags 0x04, one box, to ru-head, which opens
    # with the party key wrap's context string only.
    w = parse_entry(named["pkw_ru"])
    wo = accept_payload(w.body)
    tap.eq((w.kind, w.flags, w.author, w.seq, w.clock, wo["key_id"],
            [x["to"] for x in wo["wraps"]]),
           (K["key-wrap"], 4, pk["ru_head"], 3, 5, kid.hex(),
            [pk["ru_head"].hex()]),
           "internal.txt: pkw_ru is ru-head's seq 3, clock 5, flags 0x04, "
           "naming party_key_id, one box to ru-head")
    box = b64decode_strict(wo["wraps"][0]["box"])
    tap.eq(open_box(box, seed["ru_head"], did, PARTY_CTX), pkey,
           "internal.txt: pkw_ru's box opens for ru-head to party_key")
    tap.check("internal.txt: and not as a key wrap of the dialogue "
              "(another context string)", expect_reject, open_box, box,
              seed["ru_head"], did)
    tap.check("internal.txt: and not for us-head", expect_reject, open_box,
              box, seed["us_head"], did, PARTY_CTX)
    jo = accept_payload(parse_entry(named["pkw_ru_joint"]).body)
    jbox = b64decode_strict(jo["wraps"][0]["box"])
    tap.eq(open_box(jbox, seed["ru_head"], did), pkey,
           "internal.txt: pkw_ru_joint's box opens as a key wrap of the "
           "dialogue")
    tap.check("internal.txt: and not as a party key wrap", expect_reject,
              open_box, jbox, seed["ru_head"], did, PARTY_CTX)

    # The internal note: flags 0x07, its body key id || nonce || sealed
    # padded plaintext; it opens with the party key only.
    n = parse_entry(named["inote_ru"])
    payload = v["inote_ru_payload"].encode()
    plain = unhex(v["inote_ru_plain"])
    tap.eq((n.kind, n.flags, n.author, n.seq, n.clock, n.epoch, n.prev,
            n.refs),
           (K["note"], 7, pk["ru_head"], 4, 5 + 1, kid, w.hash, []),
           "internal.txt: inote_ru is ru-head's seq 4, clock 6, flags 0x07, "
           "naming party_key_id, after pkw_ru")
    tap.eq(n.body[8:32].hex(), v["inote_ru_nonce"],
           "internal.txt: inote_ru's nonce follows the key id")
    tap.eq((len(plain) % PAD_BLOCK, plain, unpad(plain)),
           (0, payload + b"\x80" + bytes(len(plain) - len(payload) - 1),
            payload),
           "internal.txt: inote_ru_plain is the payload padded to 256 "
           "(ISO/IEC 7816-4)")
    tap.eq(xchacha_open(pkey, n.sealed[:24], n.sealed[24:], n.header), plain,
           "internal.txt: inote_ru opens with the party key to "
           "inote_ru_plain")
    o = accept_payload(payload)
    tap.result(schema_ok(K["note"], o) and canonical(o) == payload,
               "internal.txt: inote_ru_payload is a canonical note payload")
    tap.check("internal.txt: inote_ru does not open with the dialogue key",
              expect_reject, xchacha_open, dkey, n.sealed[:24],
              n.sealed[24:], n.header)
    tap.eq(build_entry(K["note"], seed["ru_head"], did, 4, 6, n.time, w.hash,
                       [], payload, pkey, unhex(v["inote_ru_nonce"]), kid,
                       internal=True).hex(), v["inote_ru"],
           "internal.txt: inote_ru from its payload gives its bytes")

    # The six entries verify, with or without keys.  ru-head holds the
    # dialogue key and the party key, and reads all three notes; us-head
    # holds the dialogue key (the keys of its boxes) and no key opens
    # inote_ru: it is content without the key, and no fault.
    six = [named[x] for x in ("genesis", "wrap", "note_ru", "note_us",
                              "pkw_ru", "inote_ru")]
    got = []
    _, _, k = verify_record(six, did, {key_id(dkey): dkey, kid: pkey}, got)
    tap.eq((k, got), (3, []), "internal.txt: the six entries verify; with "
           "ru-head's keys the three notes decrypt, no fault")
    us_keys = {}
    for b in six:
        e = parse_entry(b)
        if e.kind != K["key-wrap"]:
            continue
        for x in accept_payload(e.body)["wraps"]:
            if x["to"] == pk["us_head"].hex():
                ctx_s = PARTY_CTX if e.flags & 4 else WRAP_CTX
                kk = open_box(b64decode_strict(x["box"]), seed["us_head"],
                              did, ctx_s)
                us_keys[key_id(kk)] = kk
    tap.eq(sorted(us_keys), [key_id(dkey)],
           "internal.txt: us-head's boxes give it the dialogue key only")
    got = []
    _, _, k = verify_record(six, did, us_keys, got)
    tap.eq((k, got), (2, []), "internal.txt: with us-head's keys the six "
           "verify, inote_ru is not decrypted, and is no fault")
    tap.check("internal.txt: and us-head's key does not open inote_ru",
              expect_reject, xchacha_open, us_keys[key_id(dkey)],
              n.sealed[:24], n.sealed[24:], n.header)
    tap.eq(rejected_by(six, did, None), None,
           "internal.txt: the six entries verify without any key")

    # Each failing case, in its record, fails where the file says.
    bads = [n for n in entries if n + "_fails" in v]
    tap.result(len(bads) >= 3, "internal.txt: %d failing cases" % len(bads))
    for bad in bads:
        rec = [named[x] for x in v[bad + "_record"].split()]
        feed, seq = v[bad + "_fails"].split()
        e = parse_entry(named[bad])
        tap.eq((e.author, e.seq), (pk[feed], int(seq)),
               "internal.txt: %s is %s's seq %s" % (bad, feed, seq))
        want = "key-wrap" if e.kind == K["key-wrap"] else "epoch"
        for keys, how in (({key_id(dkey): dkey, kid: pkey}, "with"),
                          (None, "without")):
            tap.eq(rejected_at(rec, did, keys), (want, e.hash),
                   "internal.txt: %s fails (%s), %s the keys" %
                   (bad, want, how))
        # and nothing before it: the record up to it verifies
        upto = rec[:rec.index(named[bad])]
        tap.eq(rejected_by(upto, did, None), None, "internal.txt: the "
               "record of %s up to it verifies" % bad)
    # A member fault: its record verifies; with the party key the entry
    # the file names is a fault of the reason it gives, without it none.
    for name in (n for n in entries if n + "_fault" in v):
        rec = [named[x] for x in v[name + "_record"].split()]
        feed, seq = v[name + "_fault"].split()
        reason = {"1": "decrypt", "2": "payload", "3": "payload"}[
            v[name + "_reason"]]
        got = []
        verify_record(rec, did, {key_id(dkey): dkey, kid: pkey}, got)
        tap.eq([(f[0], f[1], f[2], f[3]) for f in got],
               [(pk[feed], int(seq), leaf_hash(named[name]),
                 reason)],
               "internal.txt: %s is %s's member fault (%s) with the party "
               "key" % (name, feed, reason))
        got = []
        verify_record(rec, did, dkey, got)
        tap.eq(got, [], "internal.txt: %s: no fault without it" % name)
    internal_forgeries(tap, ctx, named, pkey, kid, payload)
    return True


def internal_forgeries(tap, ctx, named, pkey, kid, payload):
    """Re-signed forgeries of the party key and internal note rules, each
    failing at the entry it names, by the rule it breaks."""
    did, dkey, seed, pk = ctx["did"], ctx["dkey"], ctx["seed"], ctx["pk"]
    s_ru, s_us = seed["ru_head"], seed["us_head"]
    four = [named[x] for x in ("genesis", "wrap", "note_ru", "note_us")]
    nr, nu = parse_entry(named["note_ru"]), parse_entry(named["note_us"])
    pkw = parse_entry(named["pkw_ru"])
    t = pkw.time
    n24 = bytes([0x65]) * 24

    def wrap(s, seq, clock, prev, refs, key_id_, to, party, key=pkey):
        seal = PARTY_CTX if party else WRAP_CTX
        boxes = [{"box": b64encode(nacl.public.SealedBox(
            nacl.public.PublicKey(ed_to_x25519_pk(x))).encrypt(
                seal + did + key)), "to": x.hex()} for x in to]
        return build_entry(K["key-wrap"], s, did, seq, clock, t, prev, refs,
                           canonical({"key_id": key_id_.hex(), "v": 1,
                                      "wraps": boxes}), internal=party)

    def note(s, seq, clock, prev, refs, body=payload, key=pkey, epoch=kid,
             internal=True, kind=K["note"]):
        return build_entry(kind, s, did, seq, clock, t, prev, refs, body,
                           key, n24, epoch, internal)

    def raw(kind, flags, s, seq, clock, prev, refs, body):
        """An entry whose flags and body are given as they are."""
        h = (b"DTE\x01" + bytes([kind, flags]) + u16(len(refs)) + did +
             ed25519_pk(s) + u64(seq) + u64(clock) + u64(t) + prev +
             b"".join(a + u64(q) + x for a, q, x in refs) + u32(len(body)))
        return h + body + ed25519_sign(s, SIG_CTX + h + body)
    ref_us = [(pk["us_head"], 0, nu.hash)]
    ref_pkw = [(pk["ru_head"], 3, pkw.hash)]
    sealed = kid + n24 + xchacha_seal(pkey, n24, pad(payload), b"")
    unpadded = kid + n24 + bytes(len(payload) + 16)
    cases = []
    # Framing rule 4: 0x07 only on a note, 0x04 only on a key wrap.
    b = raw(K["statement"], 7, s_ru, 3, 5, nr.hash, ref_us, sealed)
    cases.append(("flags 0x07 on a statement", four + [b], "framing", b))
    b = raw(K["checkpoint"], 4, s_ru, 3, 5, nr.hash, ref_us,
            b'{"note":"x","v":1}')
    cases.append(("flags 0x04 on a checkpoint", four + [b], "framing", b))
    b = raw(K["note"], 5, s_ru, 3, 5, nr.hash, ref_us, sealed)
    cases.append(("flags 0x05 on a note", four + [b], "framing", b))
    # Framing rule 7: an internal note's body is 48 + k * 256 bytes.
    b = raw(K["note"], 7, s_ru, 4, 6, pkw.hash, [], unpadded)
    cases.append(("an internal note whose body is not 48 + k * 256",
                  four + [named["pkw_ru"], b], "framing", b))
    # Pass 1, rule 10: a party key wrap names no key epoch of the dialogue,
    # a key wrap of the dialogue no party epoch, no party another's.
    b = wrap(s_ru, 3, 5, nr.hash, ref_us, key_id(dkey), [pk["ru_head"]],
             True, dkey)
    cases.append(("a party key wrap naming key epoch 0", four + [b],
                  "key-wrap", b))
    b = wrap(s_ru, 4, 6, pkw.hash, [], kid, [pk["ru_head"]], False)
    cases.append(("a key wrap of the dialogue naming RU's party epoch",
                  four + [named["pkw_ru"], b], "key-wrap", b))
    b = wrap(s_us, 1, 6, nu.hash, ref_pkw, kid, [pk["us_head"]], True)
    cases.append(("us-head's party key wrap naming RU's party epoch",
                  four + [named["pkw_ru"], b], "key-wrap", b))
    b = wrap(s_ru, 3, 5, nr.hash, ref_us, kid, [pk["us_head"]], True)
    cases.append(("a party key wrap with its one box to the other party",
                  four + [b], "key-wrap", b))
    # Pass 2, check 7b.
    b = note(s_ru, 4, 6, pkw.hash, [], epoch=kid, internal=False)
    cases.append(("a note with flags 0x03 naming a party epoch",
                  four + [named["pkw_ru"], b], "epoch", b))
    first = note(s_ru, 3, 5, nr.hash, ref_us)
    late = wrap(s_ru, 4, 6, leaf_hash(first), [], kid, [pk["ru_head"]],
                True)
    cases.append(("an internal note before its party key wrap",
                  four + [first, late], "epoch", first))
    for desc, rec, rule, b in cases:
        tap.eq(rejected_at(rec, did, None), (rule, leaf_hash(b)),
               "internal forgery: %s fails (%s) at that entry" % (desc, rule))
    # An internal note that does not decrypt to a padded payload is its
    # author's member fault, seen with the party key only.
    for desc, plain in (("with no 0x80 marker", payload + bytes(
                            PAD_BLOCK - len(payload) % PAD_BLOCK)),
                        ("with a marker a whole block early",
                         payload + b"\x80" + bytes(
                             2 * PAD_BLOCK - len(payload) % PAD_BLOCK -
                             1))):
        h = (b"DTE\x01" + bytes([K["note"], 7]) + u16(0) + did +
             ed25519_pk(s_ru) + u64(4) + u64(6) + u64(t) + pkw.hash +
             u32(48 + len(plain)))
        body = kid + n24 + xchacha_seal(pkey, n24, plain, h)
        b = h + body + ed25519_sign(s_ru, SIG_CTX + h + body)
        rec = four + [named["pkw_ru"], b]
        got = []
        verify_record(rec, did, {key_id(dkey): dkey, kid: pkey}, got)
        tap.eq([(f[2], f[3]) for f in got], [(leaf_hash(b), "decrypt")],
               "internal forgery: padding %s is ru-head's member fault "
               "(decrypt)" % desc)
        got = []
        verify_record(rec, did, dkey, got)
        tap.eq(got, [], "internal forgery: padding %s: no fault without "
               "the party key" % desc)
    # The positive control: what the rules allow passes.  A second party
    # key wrap of the known key id gives it to ru-head again; an internal
    # note under the party epoch follows it.
    again = wrap(s_ru, 5, 7, leaf_hash(named["inote_ru"]), [], kid,
                 [pk["ru_head"]], True)
    more = note(s_ru, 6, 8, leaf_hash(again), [])
    tap.eq(rejected_by(four + [named["pkw_ru"], named["inote_ru"], again,
                              more], did, {kid: pkey}), None,
           "internal forgery control: another party key wrap of the known "
           "key id, and a note under it, pass")


def check_late(tap, v, ctx):
    """late.txt: late entries (section 7, "Late entries")."""
    blobs, did, dkey = ctx["blobs"], ctx["did"], ctx["dkey"]
    names = ("close_us", "late_us", "note_ru2", "close_ru")
    kinds = (K["meeting-close"], K["note"], K["note"], K["meeting-close"])
    who = ("us_head", "us_head", "ru_head", "ru_head")
    late = []
    for name, kind, w in zip(names, kinds, who):
        b = unhex(v[name])
        e = parse_entry(b)
        tap.eq(build_entry(kind, ctx["seed"][w], did, e.seq, e.clock,
                           e.time, e.prev, e.refs, unhex(v[name + "_plain"]),
                           dkey, e.body[:24]).hex(), v[name],
               "late.txt: %s from its inputs gives its bytes" % name)
        tap.eq(leaf_hash(b).hex(), v[name + "_hash"],
               "late.txt: %s_hash" % name)
        late.append(b)
    got = []
    verify_record(blobs + late, did, dkey, got)
    want = [(ctx["pk"][w], parse_entry(unhex(v[n])).seq, "late")
            for n, w in zip(names, who) if v[n + "_late"] == "1"]
    tap.eq([(f[0], f[1], f[3]) for f in got], want,
           "late.txt: with the key the record verifies and names the late "
           "entries (%s), and only those" % ", ".join(
               n for n in names if v[n + "_late"] == "1"))
    got = []
    verify_record(blobs + late, did, None, got)
    tap.eq(got, [], "late.txt: without the key it verifies, none seen")


def check_removed(tap, v, ctx):
    """removed.txt: an entry written after its author's removal (section
    7, "Written after removal"), a member fault with or without the key;
    the note of the removal's own clock is not one."""
    blobs, did, dkey = ctx["blobs"], ctx["did"], ctx["dkey"]
    names = ("add_del", "note_del", "remove_del", "note_del2")
    pk = unhex(v["del_pk"])
    tap.eq(ed25519_pk(unhex(v["del_seed"])), pk,
           "removed.txt: del_pk is del_seed's key")
    rest = [unhex(v[n]) for n in names]
    for n, b in zip(names, rest):
        tap.eq(leaf_hash(b).hex(), v[n + "_hash"], "removed.txt: %s_hash" % n)
    want = [(pk, parse_entry(unhex(v[n])).seq, unhex(v[n + "_hash"]),
             "removed") for n in names if v[n + "_fault"] == "1"]
    for k, how in ((dkey, "with"), (None, "without")):
        got = []
        _, _, n = verify_record(blobs + rest, did, k, got)
        tap.eq(got, want, "removed.txt: %s the key the record verifies and "
               "names note_del2 only, written after its author's removal"
               % how)
    tap.eq(n, 0, "removed.txt: without the key nothing is decrypted")
    _, _, n = verify_record(blobs + rest, did, dkey, [])
    tap.eq(n, 3, "removed.txt: with it, note_del is read; note_del2 never "
           "is")
    # A key that never was a member still fails.
    stranger = build_entry(K["note"], bytes([0x71]) * 32, did, 0, 7,
                           parse_entry(rest[3]).time, bytes(32),
                           [(parse_entry(rest[2]).author, 4,
                             unhex(v["remove_del_hash"]))],
                           b'{"meeting":1,"text":[],"v":1}', key=dkey,
                           nonce=bytes(24))
    tap.eq(rejected_by(blobs + rest + [stranger], did, dkey), "member",
           "removed.txt: a key that never was a member still fails")


def check_faults(tap, v, ctx):
    """faults.txt: three member faults (section 7, "Member faults")."""
    blobs, did, dkey = ctx["blobs"], ctx["did"], ctx["dkey"]
    s_us, pk = ctx["seed"]["us_head"], ctx["pk"]["us_head"]
    fkey = unhex(v["fault_key"])
    names = ("fault_decrypt", "fault_payload", "fault_kind")
    prev, clock = ctx["es"]["note_us"].hash, 4
    faults = []
    for seq, name in enumerate(names, 1):
        plain = unhex(v[name + "_plain"])
        b = unhex(v[name])
        e = parse_entry(b)
        tap.eq((e.seq, e.clock, e.prev, e.nrefs), (seq, clock + seq, prev, 0),
               "faults.txt: %s is us-head's seq %d, clock %d, after its "
               "previous entry" % (name, seq, clock + seq))
        tap.eq(build_entry(K["note"], s_us, did, seq, clock + seq,
                           e.time, prev, [], plain,
                           fkey if name == "fault_decrypt" else dkey,
                           e.body[:24]).hex(), v[name],
               "faults.txt: %s from its inputs gives its bytes" % name)
        tap.eq(leaf_hash(b).hex(), v[name + "_hash"],
               "faults.txt: %s_hash" % name)
        tap.check("faults.txt: %s is signed by us-head" % name, sig_ok, e)
        faults.append(b)
        prev = leaf_hash(b)
    want = [(pk, 1, "decrypt"), (pk, 2, "payload"), (pk, 3, "payload")]
    got = []
    verify_record(blobs + faults, did, dkey, got)
    tap.eq([(f[0], f[1], f[3]) for f in got], want,
           "faults.txt: with the key the record verifies and names the "
           "three faults (reasons %s)" % ", ".join(
               v[n + "_reason"] for n in names))
    got = []
    verify_record(blobs + faults, did, None, got)
    tap.eq(got, [], "faults.txt: without the key it verifies, no fault seen")
    flipped = bytearray(faults[0])
    flipped[140] ^= 0x01
    tap.eq(rejected_by(blobs + [bytes(flipped)] + faults[1:], did, dkey),
           "signature", "faults.txt: a byte of a fault changed is no fault: "
           "its signature fails")
    return True


def check_msig(tap, v, ctx):
    """msig.txt: minutes-signature entries (section 13, "Signatures in the
    record"), each a candidate for ru-head's seq 3."""
    blobs, did, dkey = ctx["blobs"], ctx["did"], ctx["dkey"]
    s_ru = ctx["seed"]["ru_head"]
    prev = ctx["es"]["note_ru"].hash
    us = ctx["es"]["note_us"]
    msg = unhex(v["msig_message"])
    tap.eq(sha256(msg).hex(), v["msig_message_sha256"],
           "msig.txt: the message's SHA-256")
    want = {"none": None, "meeting": "minutes-signature",
            "signer": "minutes-signature", "key": "minutes-signature-key",
            "comment": "minutes-signature-key"}
    for name in ("msig_good", "msig_other_meeting", "msig_other_signer",
                 "msig_other_key", "msig_comment_changed"):
        b = unhex(v[name])
        payload = v[name + "_payload"].encode()
        tap.eq(build_entry(K["minutes-signature"], s_ru, did, 3, 5,
                           int(v["msig_time_ms"]), prev,
                           [(us.author, 0, us.hash)], payload).hex(),
               v[name], "msig.txt: %s from its payload gives its bytes" % name)
        tap.eq(leaf_hash(b).hex(), v[name + "_hash"],
               "msig.txt: %s_hash" % name)
        tap.eq(canonical(json.loads(payload)), payload,
               "msig.txt: %s's payload is canonical" % name)
        tap.eq(rejected_by(blobs + [b], did, dkey), want[v[name + "_rule"]],
               "msig.txt: %s: %s" % (name, "verifies" if v[name + "_rule"] ==
                                     "none" else "fails its rule"))
    o = json.loads(unhex(v["msig_good"])[132 + 72:-64])
    alg, kid, sig, trusted, glob = minisig_parse(o["minisig"])
    tap.check("msig.txt: msig_good's signature is of the message's "
              "BLAKE2b-512, by ru-head (what minisign -Vm checks)",
              ed25519_ok, ctx["pk"]["ru_head"], sig,
              hashlib.blake2b(msg, digest_size=64).digest())
    return True


def check_attendance(tap, v, ctx):
    """attendance.txt: an attendance entry lists its author's party only
    (section 7, "Attendance")."""
    blobs, did, dkey = ctx["blobs"], ctx["did"], ctx["dkey"]
    s_us, pk = ctx["seed"]["us_head"], ctx["pk"]["us_head"]
    prev = ctx["es"]["note_us"].hash
    got, extra = [], []
    for seq, name in enumerate(("attend_own", "attend_other"), 1):
        b = unhex(v[name])
        e = parse_entry(b)
        tap.eq(build_entry(K["attendance"], s_us, did, seq, 4 + seq, e.time,
                           prev, [], v[name + "_payload"].encode(), dkey,
                           unhex(v[name + "_nonce"])).hex(), v[name],
               "attendance.txt: %s from its payload gives its bytes" % name)
        tap.eq(leaf_hash(b).hex(), v[name + "_hash"],
               "attendance.txt: %s_hash" % name)
        extra.append(b)
        prev = leaf_hash(b)
    verify_record(blobs + extra, did, dkey, got)
    tap.eq([(f[0], f[1], f[3]) for f in got], [(pk, 2, "payload")],
           "attendance.txt: with the key the record verifies, and "
           "attend_other (another party's member) is a member fault")
    got = []
    verify_record(blobs + extra, did, None, got)
    tap.eq(got, [], "attendance.txt: without the key no fault is seen")
    return True


def rejected_at(blobs, did, key):
    """(rule, leaf hash of the entry the walk was at) of the first
    failure, or None."""
    try:
        verify_record(blobs, did, key)
    except Reject as exc:
        return exc.rule, getattr(exc, "at", None)
    return None


def rejected_by(blobs, did, key):
    try:
        verify_record(blobs, did, key)
    except Reject as exc:
        return exc.rule
    return None


def negative_checks(tap, ctx):
    """The verifier must not pass vacuously."""
    blobs, did, dkey = ctx["blobs"], ctx["did"], ctx["dkey"]
    tags = ("genesis", "wrap", "note_ru", "note_us")
    for i, tag in enumerate(tags):
        missed, rules = [], {}
        for j in range(len(blobs[i])):
            b = bytearray(blobs[i])
            b[j] ^= 0x01
            trial = list(blobs)
            trial[i] = bytes(b)
            rule = rejected_by(trial, did, dkey)
            if rule is None:
                missed.append(j)
            else:
                rules[rule] = rules.get(rule, 0) + 1
        tap.result(not missed, "negative: every single-byte change of %s "
                   "(%d bytes) is rejected" % (tag, len(blobs[i])),
                   "accepted with byte %r changed" % missed)
        tap.diag("  %s: rejected by %s" % (tag, ", ".join(
            "%s %d" % kv for kv in sorted(rules.items()))))

    # Forgeries, re-signed by the right key, each breaking one rule.
    s_ru, s_us = ctx["seed"]["ru_head"], ctx["seed"]["us_head"]
    pk = ctx["pk"]
    es = ctx["es"]
    nr, w = es["note_ru"], es["wrap"]
    t0 = ctx["t0"]
    nu_payload = accept_payload(xchacha_open(
        dkey, es["note_us"].body[:24], es["note_us"].body[24:],
        es["note_us"].header))
    note = canonical(nu_payload)
    nonce = b"\x25" * 24
    ref = [(pk["ru_head"], 2, nr.hash)]

    def us_note(clock=4, refs=None, payload=note, seed=s_us, seq=0,
                prev=ZERO32, kind=K["note"], dialogue=None):
        return build_entry(kind, seed, dialogue or did, seq, clock, t0, prev,
                           ref if refs is None else refs, payload, dkey,
                           nonce)

    def with_us(b):
        return blobs[:3] + [b]

    stranger = bytes(range(0x40, 0x60))
    tampered_ct = bytearray(blobs[3])
    tampered_ct[-64 - 1] ^= 0x01
    tampered_time = bytearray(blobs[3])
    tampered_time[95] ^= 0x01
    forged_sig = ed25519_sign(s_us, SIG_CTX + blobs[2][:-64])
    cases = [
        ("a note signed by another key", "signature",
         blobs[:2] + [blobs[2][:-64] + forged_sig, blobs[3]]),
        ("clock equal to the referenced entry's", "clock",
         with_us(us_note(clock=3))),
        ("a reference with a wrong hash", "ref",
         with_us(us_note(refs=[(pk["ru_head"], 2, bytes(32))]))),
        ("a reference with a wrong seq", "ref",
         with_us(us_note(refs=[(pk["ru_head"], 1, nr.hash)]))),
        ("a note by a key that is not a member", "member",
         with_us(us_note(seed=stranger))),
        ("a note of another dialogue", "dialogue",
         with_us(us_note(dialogue=b"\x01" * 32))),
        ("ru-head's note with the clock of its prev", "clock",
         blobs[:2] + [build_entry(K["note"], s_ru, did, 2, 2, t0, w.hash, [],
                                  canonical(nu_payload), dkey, nonce),
                      blobs[3]]),
        ("ru-head's note with a wrong prev", "chain",
         blobs[:2] + [build_entry(K["note"], s_ru, did, 2, 3, t0, b"\1" * 32,
                                  [], canonical(nu_payload), dkey, nonce),
                      blobs[3]]),
        ("a gap in a feed (wrap missing)", "chain",
         [blobs[0], blobs[2], blobs[3]]),
        ("a fork: two entries for ru-head's seq 2", "chain",
         blobs + [build_entry(K["note"], s_ru, did, 2, 3, t0 + 1, w.hash, [],
                              canonical(nu_payload), dkey, nonce)]),
    ]
    # Membership: us-head adds a delegate of its own party at clock 5.
    dseed = bytes(range(0x60, 0x80))
    dpk = ed25519_pk(dseed)
    nu_hash = es["note_us"].hash

    def add(party="US", role="delegate"):
        p = canonical({"key": dpk.hex(), "name": "us-expert", "party": party,
                       "role": role, "v": 1})
        return build_entry(K["member-add"], s_us, did, 1, 5, t0, nu_hash, [],
                           p)

    # The delegate's first entry refers to us-head's newest: note_us
    # (clock 4) before the member-add, the member-add (clock 5) after it,
    # so that its clock obeys the clock rule and membership decides.
    def by_delegate(clock, kind=K["note"], payload=note):
        r = ([(pk["us_head"], 1, ensure_add())] if clock == 6 else
             [(pk["us_head"], 0, nu_hash)])
        if is_content(kind):
            return build_entry(kind, dseed, did, 0, clock, t0, ZERO32, r,
                               payload, dkey, nonce)
        return build_entry(kind, dseed, did, 0, clock, t0, ZERO32, r,
                           payload)

    def ensure_add():
        return leaf_hash(add())
    wrap_payload = canonical({"key_id": key_id(dkey).hex(), "v": 1,
                              "wraps": [{"box": "AAAA", "to": dpk.hex()}]})
    # A seal entry by ru-head (seq 3, after note_ru) whose payload names
    # no meeting: FORMAT.md section 5 requires one.  (This verifier does
    # not check seal notes, section 10; the payload rule comes first.)
    def ru_seal(payload):
        return build_entry(K["seal"], s_ru, did, 3, 5, t0, nr.hash,
                           [(pk["us_head"], 0, nu_hash)], payload)
    cases += [
        ("a seal whose payload has no meeting", "payload",
         blobs + [ru_seal(canonical({"note": "detente seal v1\n", "v": 1}))]),
        ("a seal whose meeting is a string", "payload",
         blobs + [ru_seal(canonical({"meeting": "1",
                                     "note": "detente seal v1\n",
                                     "v": 1}))]),
        ("a seal whose payload has no note", "payload",
         blobs + [ru_seal(canonical({"meeting": 1, "v": 1}))]),
    ]
    # The clock rule, re-signed by the right key: ru-head's next entry
    # after note_ru (clock 3) referring to note_us (clock 4) needs 5.
    def ru_next(clock):
        return build_entry(K["note"], s_ru, did, 3, clock, t0, nr.hash,
                           [(pk["us_head"], 0, nu_hash)], note, dkey, nonce)
    cases += [
        ("a clock one more than the greatest it builds on, plus one",
         "clock", blobs + [ru_next(6)]),
        ("a clock of 2^64 - 1", "clock", blobs + [ru_next(2 ** 64 - 1)]),
        ("a clock above prev's but equal to a reference's", "clock",
         blobs + [ru_next(4)]),
        ("a first entry of a feed with no reference at clock 2", "clock",
         with_us(us_note(clock=2, refs=[]))),
    ]
    cases += [
        ("a head adding a member of another party", "member-add",
         blobs + [add(party="RU")]),
        ("a head adding a second head", "payload", blobs + [add(role="head")]),
        ("a new delegate writing at the clock it was added", "member",
         blobs + [add(), by_delegate(5)]),
        ("a new delegate writing a key wrap", "member",
         blobs + [add(), by_delegate(6, K["key-wrap"], wrap_payload)]),
    ]
    for desc, rule, trial in cases:
        got = rejected_by(trial, did, dkey)
        tap.eq(got, rule, "forgery: %s is rejected (%s)" % (desc, rule))
    # Content that its author signed but that does not decrypt, or is not
    # a payload of its kind, is a member fault (section 7, "Member
    # faults"): the record verifies, and the fault is us-head's note.
    fault_cases = [
        ("ciphertext changed, re-signed", "decrypt",
         with_us(resign(bytes(tampered_ct), s_us))),
        ("time changed, re-signed, not re-encrypted (header is the AD)",
         "decrypt", with_us(resign(bytes(tampered_time), s_us))),
        ("a note whose payload does not fit (no meeting)", "payload",
         with_us(us_note(payload=b'{"text":[{"body":"x","lang":"en",'
                                 b'"role":"authentic"}],"v":1}'))),
        ("a payload with a key twice", "payload",
         with_us(us_note(payload=b'{"meeting":1,"meeting":1,"text":[{"body"'
                                 b':"x","lang":"en","role":"authentic"}],'
                                 b'"v":1}'))),
        ('a payload with "v": 1.0', "payload",
         with_us(us_note(payload=note.replace(b'"v":1', b'"v":1.0')))),
        ("a payload with a zero byte", "payload",
         with_us(us_note(payload=note.replace(b'"v":1', b'"v":1,"z":"\0"')))),
        ("a payload that is not UTF-8", "payload",
         with_us(us_note(payload=note.replace(b'"v":1',
                                              b'"v":1,"z":"\xff"')))),
    ]
    for desc, rule, trial in fault_cases:
        faults = []
        try:
            verify_record(trial, did, dkey, faults)
            got = [(f[0], f[3]) for f in faults]
        except Reject as exc:
            got = "rejected (%s)" % exc.rule
        tap.eq(got, [(pk["us_head"], rule)],
               "forgery: %s is us-head's member fault (%s)" % (desc, rule))
        tap.eq(rejected_by(trial, did, None), None,
               "forgery: %s passes without the key" % desc)
    # ... and the positive control: what the rules allow passes.
    tap.check("forgery control: the delegate's note at clock 6 passes",
              verify_record, blobs + [add(), by_delegate(6)], did, dkey)
    tap.check("forgery control: ru-head's next note at clock 5 passes",
              verify_record, blobs + [ru_next(5)], did, dkey)


def check_payloads(tap, v):
    """payloads.txt: accept_* values are accepted, reject_* refused."""
    n = 0
    for name, value in sorted(v.items()):
        try:
            accept_payload(value.encode("utf-8"))
            got = "accepted"
        except Reject as exc:
            got = "refused (%s)" % exc
        want = "accepted" if name.startswith("accept_") else "refused"
        tap.result(got.startswith(want) and
                   name.startswith(("accept_", "reject_")),
                   "payloads.txt: %s is %s" % (name, want), got)
        n += 1
    return n >= 8


# --- names in several languages, parties, dates (sections 5 and 13) --------

MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July",
             "August", "September", "October", "November", "December"]
MONTHS_RU = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля",
             "августа", "сентября", "октября", "ноября", "декабря"]
PARTY_NAMES = {"RU": ("Russian Federation", "Российская Федерация"),
               "US": ("United States of America",
                      "Соединённые Штаты Америки")}


def pick_name(p, field, lang):
    """The field for a reader of lang, and the tag of a fallback."""
    mapk = {"title": "titles", "place": "places"}[field]
    typed = p.get(field) if isinstance(p.get(field), str) else None
    m = p.get(mapk)
    m = {k: v for k, v in m.items() if isinstance(v, str) and
         re.fullmatch("[a-z]{2,8}", k)} if isinstance(m, dict) else {}
    if not m:
        return typed, None
    if lang in m:
        return m[lang], None
    if typed is not None:
        same = sorted(k for k, v in m.items() if v == typed)
        return typed, (same[0] if same else None)
    first = sorted(m)[0]
    return m[first], first


def date_for_people(ymd, lang):
    y, mo, d = int(ymd[:4]), int(ymd[5:7]), int(ymd[8:])
    if lang == "ru":
        return "%d %s %d г." % (d, MONTHS_RU[mo - 1], y)
    return "%d %s %d" % (d, MONTHS_EN[mo - 1], y)


def check_names(tap, v):
    for i in range(1, int(v["fits"]) + 1):
        o = json.loads(v["fit_%d" % i])
        kind = [k for k, n in KINDS.items() if n == v["fit_%d_kind" % i]][0]
        tap.eq("yes" if schema_ok(kind, o) else "no", v["fit_%d_ok" % i],
               "names.txt: fit_%d (%s)" % (i, v["fit_%d_kind" % i]))
    for i in range(1, int(v["picks"]) + 1):
        text, tag = pick_name(json.loads(v["pick_%d_payload" % i]),
                              v["pick_%d_field" % i], v["pick_%d_lang" % i])
        tap.eq((text or "-", tag or "-"),
               (v["pick_%d_text" % i], v["pick_%d_tag" % i]),
               "names.txt: pick_%d" % i)
    for i in range(1, int(v["dates"]) + 1):
        for lang in ("en", "ru"):
            tap.eq(date_for_people(v["date_%d" % i], lang),
                   v["date_%d_%s" % (i, lang)],
                   "names.txt: date_%d in %s" % (i, lang))
    for code, (en, ru) in PARTY_NAMES.items():
        tap.eq((en, ru), (v["party_%s_en" % code], v["party_%s_ru" % code]),
               "names.txt: the names of %s" % code)
    return True


def main(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    vdir = argv[1] if len(argv) > 1 else os.path.join(here, "..", "vectors")
    tap = Tap()
    tap.diag("independent verifier of %s (docs/FORMAT.md)" % vdir)
    tap.check("self-check of the primitives", self_checks, tap)
    files = {}
    for f in ("keys.txt", "keystore.txt", "entries.txt", "payloads.txt"):
        files[f] = None
        tap.check("%s reads as name = value lines" % f,
                  lambda f=f: files.__setitem__(
                      f, read_vectors(os.path.join(vdir, f))))
    if files["keys.txt"] is not None:
        tap.check("keys.txt checks ran", check_keys, tap, files["keys.txt"])
    if files["keystore.txt"] is not None:
        tap.check("keystore.txt checks ran", check_keystore, tap,
                  files["keystore.txt"])
    text = os.path.join(vdir, "text.txt")
    if os.path.exists(text):
        tap.check("text.txt checks ran", check_text, tap,
                  read_vectors(text))
    names = os.path.join(vdir, "names.txt")
    if os.path.exists(names):
        tap.check("names.txt checks ran", check_names, tap,
                  read_vectors(names))
    if files["payloads.txt"] is not None:
        tap.check("payloads.txt checks ran", check_payloads, tap,
                  files["payloads.txt"])
    if files["entries.txt"] is not None:
        ctx = {}
        tap.check("entries.txt checks ran",
                  lambda: ctx.update(check_entries(tap, files["entries.txt"])))
        if ctx:
            tap.check("negative checks ran", negative_checks, tap, ctx)
        if ctx:
            tap.check("faults.txt checks ran", lambda: check_faults(
                tap, read_vectors(os.path.join(vdir, "faults.txt")), ctx))
            tap.check("epochs.txt checks ran", lambda: check_epochs(
                tap, read_vectors(os.path.join(vdir, "epochs.txt")), ctx))
            tap.check("internal.txt checks ran", lambda: check_internal(
                tap, read_vectors(os.path.join(vdir, "internal.txt")), ctx))
            tap.check("removed.txt checks ran", lambda: check_removed(
                tap, read_vectors(os.path.join(vdir, "removed.txt")), ctx))
            tap.check("late.txt checks ran", lambda: check_late(
                tap, read_vectors(os.path.join(vdir, "late.txt")), ctx))
            tap.check("attendance.txt checks ran", lambda: check_attendance(
                tap, read_vectors(os.path.join(vdir, "attendance.txt")), ctx))
            tap.check("msig.txt checks ran", lambda: check_msig(
                tap, read_vectors(os.path.join(vdir, "msig.txt")), ctx))
    return tap.done()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
