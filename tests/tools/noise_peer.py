#!/usr/bin/python3
"""noise_peer.py: the other end of detente's sync channel, built on an
outside Noise implementation (dissononce, Debian's python3-dissononce),
for tests/cli/18-noise-interop.sh.

    noise_peer.py [--initiator] --seed HEX --dialogue HEX --peer HEX
                  [--big N] [--refuse] -- COMMAND [ARG...]

It starts COMMAND (detente's side: tests/tools/link_echo, later
`detente sync --stdio`) with pipes on its standard input and output and
speaks docs/FORMAT.md's "Sync channel" to it, written from that text and
not from detente's code:

  - Noise_XX_25519_ChaChaPoly_SHA256, prologue "detente sync v1\\0" ||
    the dialogue id (32 bytes), empty handshake payloads;
  - our static X25519 key derived from an Ed25519 seed as libsodium's
    crypto_sign_ed25519_sk_to_curve25519 does: SHA-512(seed)[:32],
    clamped;
  - the peer's static key must be the X25519 form of the Ed25519 key
    --peer (the birational map u = (1 + y) / (1 - y) mod 2^255 - 19);
    with --refuse we hang up instead, as a peer that does not accept it;
  - every Noise message in a frame: u16 big-endian length, the message;
  - after the handshake the responder sends the empty application
    message ("accepted"), which the initiator waits for;
  - an application message: u32 big-endian length || bytes, split over
    transport messages of at most 65535 bytes (plaintext 65519).

Then: receive one message (link_echo's "hello from detente"), send one
of --big bytes (default 200000: several transport messages), receive
its echo ("echo:" || it) and hang up.  Prints what it saw; exit 0 when
all went as said, 1 otherwise (with the reason), 2 for usage.

With --sync, COMMAND is `detente sync --stdio` and the messages are
docs/FORMAT.md's "Sync protocol", also written from its text: receive
detente's HELLO (a state file of its dialogue), send ours (no feeds: we
hold nothing), acknowledge every BATCH until IDLE, check that the
entries came to what the HELLO listed, each feed's in order up to its
head (the leaf hash, SHA-256(0x00 || entry) as the format says, of
the last), then IDLE and BYE, and wait for detente's
BYE.  With --sync-bad HOW it breaks the protocol instead (a BATCH
before the HELLO, a message of an unknown type, an entry of detente's
own sent back with a flipped signature bit, or a message that claims
16 MiB) and prints the ERROR detente answers with, or that the link
ended.
"""

import argparse
import hashlib
import os
import struct
import subprocess
import sys

from dissononce.cipher.chachapoly import ChaChaPolyCipher
from dissononce.dh.x25519.x25519 import X25519DH
from dissononce.dh.x25519.private import PrivateKey
from dissononce.hash.sha256 import SHA256Hash
from dissononce.processing.handshakepatterns.interactive.XX import \
    XXHandshakePattern
from dissononce.processing.impl.cipherstate import CipherState
from dissononce.processing.impl.handshakestate import HandshakeState
from dissononce.processing.impl.symmetricstate import SymmetricState

PROLOGUE_CTX = b"detente sync v1\0"
PLAIN_MAX = 65535 - 16
P = 2 ** 255 - 19


class Refused(Exception):
    pass


def x25519_private_from_seed(seed):
    """libsodium's crypto_sign_ed25519_sk_to_curve25519: the first half of
    SHA-512(seed), clamped."""
    h = bytearray(hashlib.sha512(seed).digest()[:32])
    h[0] &= 248
    h[31] &= 127
    h[31] |= 64
    return bytes(h)


def x25519_public_from_ed25519(pk):
    """The Montgomery u of an Edwards point given by its encoding: y is
    the low 255 bits, u = (1 + y) / (1 - y) mod p."""
    y = int.from_bytes(pk, "little") & ((1 << 255) - 1)
    if y >= P or y == 1:
        raise ValueError("not an Ed25519 public key")
    u = (1 + y) * pow(1 - y, P - 2, P) % P
    return u.to_bytes(32, "little")


def read_exact(f, n):
    buf = b""
    while len(buf) < n:
        chunk = f.read(n - len(buf))
        if not chunk:
            raise EOFError("the link ended after %d of %d bytes" %
                           (len(buf), n))
        buf += chunk
    return buf


def write_frame(f, msg):
    if len(msg) > 65535:
        raise ValueError("frame too long")
    f.write(struct.pack(">H", len(msg)) + msg)
    f.flush()


def read_frame(f):
    (n,) = struct.unpack(">H", read_exact(f, 2))
    return read_exact(f, n)


def send_message(f, cs, data):
    """One application message: u32 length || data over transport
    messages of at most PLAIN_MAX plaintext bytes."""
    stream = struct.pack(">I", len(data)) + data
    for o in range(0, len(stream), PLAIN_MAX):
        write_frame(f, cs.encrypt_with_ad(b"", stream[o:o + PLAIN_MAX]))


def recv_message(f, cs, limit=1024 * 1024 + 64 * 1024):
    plain = cs.decrypt_with_ad(b"", read_frame(f))
    if len(plain) < 4:
        raise ValueError("a first plaintext without its length")
    (n,) = struct.unpack(">I", plain[:4])
    if n > limit:
        raise ValueError("a message of %d bytes" % n)
    data = plain[4:]
    while len(data) < n:
        part = cs.decrypt_with_ad(b"", read_frame(f))
        if not part:
            raise ValueError("an empty continuation")
        data += part
    if len(data) != n:
        raise ValueError("plaintext past the message's end")
    return data


def handshake(rf, wf, initiator, prologue, keypair, peer_x, refuse):
    """XX; returns (send, receive) CipherStates."""
    hs = HandshakeState(SymmetricState(CipherState(ChaChaPolyCipher()),
                                       SHA256Hash()), X25519DH())
    hs.initialize(XXHandshakePattern(), initiator, prologue, s=keypair)

    def check():
        if hs.rs is None or hs.rs.data != peer_x or refuse:
            raise Refused("the peer's static key is not the expected "
                          "member's" if not refuse else "refused (--refuse)")

    if initiator:
        buf = bytearray()
        hs.write_message(b"", buf)
        write_frame(wf, bytes(buf))
        payload = bytearray()
        hs.read_message(read_frame(rf), payload)
        if payload:
            raise ValueError("a handshake payload")
        check()
        buf = bytearray()
        c1, c2 = hs.write_message(b"", buf)
        write_frame(wf, bytes(buf))
        send, recv = c1, c2
        if recv_message(rf, recv) != b"":
            raise ValueError("the responder's first message is not empty")
    else:
        payload = bytearray()
        hs.read_message(read_frame(rf), payload)
        buf = bytearray()
        hs.write_message(b"", buf)
        write_frame(wf, bytes(buf))
        payload = bytearray()
        c1, c2 = hs.read_message(read_frame(rf), payload)
        if payload:
            raise ValueError("a handshake payload")
        check()
        send, recv = c2, c1
        send_message(wf, send, b"")
    return send, recv


def sync_bad(rf, wf, send, recv, dialogue, how):
    """Break the sync protocol on purpose; return detente's ERROR."""
    if how == "early-batch":
        send_message(wf, send, b"\x02" + struct.pack(">II", 1, 0))
    elif how == "huge":
        # a message that says it is 16 MiB long: over the channel's limit
        write_frame(wf, send.encrypt_with_ad(
            b"", struct.pack(">I", 16 << 20) + b"\x02" * 1000))
    elif how == "unknown":
        send_message(wf, send, b"\x63garbage")
    elif how == "forged":
        recv_message(rf, recv)  # its HELLO
        send_message(wf, send, b"\x01DTS\x01" + dialogue +
                     struct.pack(">I", 0))
        while True:
            m = recv_message(rf, recv)
            if m[:1] == b"\x02":
                break
        off = 9
        for _ in range(struct.unpack(">I", m[5:9])[0]):
            (n,) = struct.unpack(">I", m[off:off + 4])
            e = bytearray(m[off + 4:off + 4 + n])  # the last one's
            off += 4 + n
        e[-1] ^= 1  # its signature's last byte
        send_message(wf, send, b"\x02" + struct.pack(">II", 1, 1) +
                     struct.pack(">I", n) + bytes(e))
    while True:
        try:
            m = recv_message(rf, recv)
        except EOFError:
            print("noise_peer: sync: the link ended")
            return
        if m[:1] == b"\x06":
            (ln,) = struct.unpack(">H", m[2:4])
            print("noise_peer: sync: ERROR %d: %s" %
                  (m[1], m[4:4 + ln].decode("ascii")))
            return


def sync_exchange(rf, wf, send, recv, dialogue):
    """The sync protocol's side of a replica that holds nothing."""
    hello = recv_message(rf, recv)
    if hello[:5] != b"\x01DTS\x01" or hello[5:37] != dialogue:
        raise ValueError("not a HELLO of this dialogue")
    (nfeeds,) = struct.unpack(">I", hello[37:41])
    if len(hello) != 41 + 72 * nfeeds:
        raise ValueError("a HELLO of the wrong length")
    feeds = {}
    for i in range(nfeeds):
        f = hello[41 + 72 * i:41 + 72 * (i + 1)]
        feeds[f[:32]] = (struct.unpack(">Q", f[32:40])[0], f[40:72])
    print("noise_peer: sync: HELLO lists %d feeds, %d entries" %
          (nfeeds, sum(n for n, _ in feeds.values())))
    send_message(wf, send, b"\x01DTS\x01" + dialogue + struct.pack(">I", 0))
    got = {}
    batches = 0
    while True:
        m = recv_message(rf, recv)
        if m == b"\x04":
            break
        if m == b"\x07":
            continue
        if m[:1] != b"\x02":
            raise ValueError("message type %r before IDLE" % m[:1])
        no, count = struct.unpack(">II", m[1:9])
        if no != batches + 1:
            raise ValueError("batch %d where %d was due" % (no, batches + 1))
        off = 9
        for _ in range(count):
            (n,) = struct.unpack(">I", m[off:off + 4])
            e = m[off + 4:off + 4 + n]
            off += 4 + n
            # entry framing (FORMAT.md section 4): author at 40, seq at 72
            author = e[40:72]
            (seq,) = struct.unpack(">Q", e[72:80])
            if seq != len(got.setdefault(author, [])):
                raise ValueError("feed out of order")
            got[author].append(hashlib.sha256(b"\x00" + e).digest())
        if off != len(m):
            raise ValueError("bytes after a batch's last entry")
        batches += 1
        send_message(wf, send, b"\x03" + struct.pack(">IIII", no, count,
                                                      0, 0))
    for author, (n, head) in feeds.items():
        if len(got.get(author, [])) != n or got[author][-1] != head:
            raise ValueError("a feed did not come whole up to its head")
    print("noise_peer: sync: received %d entries in %d batches, every "
          "feed up to its head" % (sum(len(v) for v in got.values()),
                                   batches))
    send_message(wf, send, b"\x04")
    send_message(wf, send, b"\x05")
    while True:
        m = recv_message(rf, recv)
        if m == b"\x05":
            print("noise_peer: sync: BYE")
            return
        if m not in (b"\x04", b"\x07"):
            raise ValueError("message type %r after IDLE" % m[:1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--initiator", action="store_true")
    ap.add_argument("--seed", required=True)
    ap.add_argument("--dialogue", required=True)
    ap.add_argument("--peer", required=True)
    ap.add_argument("--big", type=int, default=200000)
    ap.add_argument("--refuse", action="store_true")
    ap.add_argument("--sync", action="store_true")
    ap.add_argument("--sync-bad", choices=["early-batch", "unknown",
                                           "forged", "huge"])
    ap.add_argument("command", nargs="+")
    try:
        a = ap.parse_args()
        seed = bytes.fromhex(a.seed)
        dialogue = bytes.fromhex(a.dialogue)
        peer_x = x25519_public_from_ed25519(bytes.fromhex(a.peer))
        if len(seed) != 32 or len(dialogue) != 32:
            raise ValueError("seed and dialogue are 32 bytes")
    except (ValueError, SystemExit) as e:
        print("noise_peer: usage: %s" % e, file=sys.stderr)
        return 2

    dh = X25519DH()
    keypair = dh.generate_keypair(PrivateKey(x25519_private_from_seed(seed)))
    child = subprocess.Popen(a.command, stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, bufsize=0)
    rf, wf = child.stdout, child.stdin
    status = 1
    try:
        send, recv = handshake(rf, wf, a.initiator,
                               PROLOGUE_CTX + dialogue, keypair, peer_x,
                               a.refuse)
        print("noise_peer: handshake done, peer is the expected member")
        if a.sync_bad:
            sync_bad(rf, wf, send, recv, dialogue, a.sync_bad)
            raise StopIteration
        if a.sync:
            sync_exchange(rf, wf, send, recv, dialogue)
            raise StopIteration
        hello = recv_message(rf, recv)
        print("noise_peer: received %r" % hello)
        big = os.urandom(a.big)
        send_message(wf, send, big)
        echo = recv_message(rf, recv)
        if echo != b"echo:" + big:
            raise ValueError("the echo differs (%d bytes)" % len(echo))
        print("noise_peer: echo of %d bytes matches" % len(big))
        status = 0
    except StopIteration:
        status = 0
    except Refused as e:
        print("noise_peer: %s: hanging up" % e)
        status = 3
    except Exception as e:  # the reason is the test's diagnostic
        print("noise_peer: failed: %s: %s" % (type(e).__name__, e))
    try:
        wf.close()
    except OSError:
        pass
    rc = child.wait(timeout=30)
    rf.close()
    print("noise_peer: detente's side exited %d" % rc)
    return status


if __name__ == "__main__":
    sys.exit(main())
