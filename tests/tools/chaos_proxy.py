#!/usr/bin/python3
"""chaos_proxy.py: a TCP proxy that damages the byte stream, for the live
sync tests (tests/cli/92-sync-chaos.sh).

    chaos_proxy.py --target HOST:PORT [--seed N] [--cut P] [--corrupt P]
                   [--delay MS] [--split] [--port-file F]

It listens on 127.0.0.1 (a free port, written to --port-file and to
standard output as "port N"), and relays every connection to the target.
Each chunk it relays, in either direction, is, at random (seeded, one
generator per connection and direction, so that a run's choices can be
replayed):

  - cut (probability --cut): both connections are closed, mid-message;
  - corrupted (probability --corrupt): one byte flipped;
  - delayed (up to --delay ms);
  - split (--split): written in pieces of 1 to 64 bytes.

It counts what it did and prints one line per event on standard error.
It runs until killed (SIGTERM).
"""
import argparse
import random
import socket
import sys
import threading


def pump(src, dst, rng, args, tag, stats, lock, closer):
    try:
        while True:
            data = src.recv(16384)
            if not data:
                break
            if rng.random() < args.cut:
                with lock:
                    stats["cut"] += 1
                print("chaos: %s cut after a chunk of %d bytes" %
                      (tag, len(data)), file=sys.stderr, flush=True)
                # send a part of the chunk first: a cut mid-message
                part = rng.randrange(0, len(data))
                dst.sendall(data[:part])
                break
            if rng.random() < args.corrupt:
                i = rng.randrange(len(data))
                b = bytearray(data)
                b[i] ^= 1 << rng.randrange(8)
                data = bytes(b)
                with lock:
                    stats["corrupt"] += 1
                print("chaos: %s flipped a bit at %d" % (tag, i),
                      file=sys.stderr, flush=True)
            if args.delay > 0:
                threading.Event().wait(rng.randrange(args.delay + 1) /
                                       1000.0)
            if args.split:
                off = 0
                while off < len(data):
                    n = rng.randrange(1, 65)
                    dst.sendall(data[off:off + n])
                    off += n
            else:
                dst.sendall(data)
    except OSError:
        pass
    closer()


def serve(conn, n, args, stats, lock):
    host, port = args.target.rsplit(":", 1)
    try:
        up = socket.create_connection((host, int(port)))
    except OSError as e:
        print("chaos: cannot reach the target: %s" % e, file=sys.stderr,
              flush=True)
        conn.close()
        return
    done = threading.Lock()
    closed = [False]

    def closer():
        with done:
            if closed[0]:
                return
            closed[0] = True
        for s in (conn, up):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()

    seed = args.seed * 1000 + n
    a = threading.Thread(target=pump, daemon=True, args=(
        conn, up, random.Random(seed * 2), args, "#%d out" % n, stats,
        lock, closer))
    b = threading.Thread(target=pump, daemon=True, args=(
        up, conn, random.Random(seed * 2 + 1), args, "#%d back" % n,
        stats, lock, closer))
    a.start()
    b.start()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--target", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--cut", type=float, default=0.0)
    ap.add_argument("--corrupt", type=float, default=0.0)
    ap.add_argument("--delay", type=int, default=0)
    ap.add_argument("--split", action="store_true")
    ap.add_argument("--port-file")
    args = ap.parse_args()
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", 0))
    ls.listen(8)
    port = ls.getsockname()[1]
    if args.port_file:
        with open(args.port_file + ".tmp", "w") as f:
            f.write("%d\n" % port)
        import os
        os.rename(args.port_file + ".tmp", args.port_file)
    print("port %d" % port, flush=True)
    stats = {"cut": 0, "corrupt": 0}
    lock = threading.Lock()
    n = 0
    while True:
        conn, _ = ls.accept()
        n += 1
        print("chaos: connection #%d" % n, file=sys.stderr, flush=True)
        serve(conn, n, args, stats, lock)


if __name__ == "__main__":
    main()
