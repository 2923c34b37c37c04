#!/usr/bin/env python3
# tests/campaigns/faults.py: `make faults`, what the disk can do to a
# write: a full disk, a read-only mount, and a full LMDB map.
#
#	FAULTS_N=20 faults.py       (DETENTE_BIN: the binary; CAMPAIGN_SEED;
#	                            CC: the compiler for the map-size shim)
#
# Full disk (FAULTS_N rounds): the homes are copied onto a tmpfs with a
# random little room to spare; then side B imports a large bundle, a
# fresh home joins it with no room at all, and side A adds long notes
# until one fails.
# Read-only (once): the homes are copied onto a tmpfs that is then
# remounted read-only; every write command (add, meeting, checkpoint,
# import, join) is tried, and so is every read command.
# Map full (FAULTS_N rounds): the same writes as on the full disk, with
# LMDB's map (4 GiB in detente) cut down to the store's size plus a few
# pages by an LD_PRELOAD shim (mapsize_shim.c).
#
# A write that does not fit must fail with exit 2, one line on standard
# error that names the cause ("no space", "read-only"), nothing on
# standard output, and leave the store as it was; once there is room
# again the store verifies, holds everything it held, and takes new
# entries.  Outcomes per write:
#   fitted    it succeeded (there was room after all); checked like the rest
#   detected  it failed cleanly, as above
#   unclear   it failed, changed nothing, but its message does not say why
#             (counted, not a failure of the campaign)
#   crashed   a signal (also SIGSEGV or SIGBUS that detente's handler
#             turns into "fatal error reading the store"), a sanitizer
#             report, a hang
#   lost      an entry that was there, or that a command said it added, is
#             missing; a failed import or join left part of itself; or the
#             store does not verify once there is room again
# Read commands on the read-only mount are counted as "reads: worked N of
# M" and do not fail the campaign (issue 12, item 8, makes them work).
#
# Mounting needs root, or a user and mount namespace (unshare -rm), in
# which the campaign runs itself again; without either, the full-disk and
# read-only parts are skipped, and say so.

import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import campaign  # noqa: E402

OUTCOMES = ("tried", "fitted", "detected", "unclear", "crashed", "lost")
HERE = os.path.dirname(os.path.abspath(__file__))


def can_mount(root):
    d = os.path.join(root, "probe")
    os.makedirs(d, exist_ok=True)
    ok = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs",
                         d], capture_output=True).returncode == 0
    if ok:
        subprocess.run(["umount", d], capture_output=True)
    return ok


def sh(*argv):
    p = subprocess.run(list(argv), capture_output=True)
    if p.returncode != 0:
        sys.exit("faults: %s: %s" % (" ".join(argv),
                                     p.stderr.decode().strip()))


def du_kb(path):
    n = 0
    for d, _, fs in os.walk(path):
        for f in fs:
            try:
                n += os.lstat(os.path.join(d, f)).st_blocks // 2
            except OSError:
                pass
    return n


class Tally:
    def __init__(self):
        self.counts, self.rows, self.failures = {}, {}, []

    def add(self, row, what, why=None):
        r = self.rows.setdefault(row, {})
        for k in ("tried", what):
            r[k] = r.get(k, 0) + 1
            self.counts[k] = self.counts.get(k, 0) + 1
        if why:
            self.failures.append("%s: %s: %s" % (row, what, why))

    def bad(self, row, what, why):
        r = self.rows.setdefault(row, {})
        r[what] = r.get(what, 0) + 1
        self.counts[what] = self.counts.get(what, 0) + 1
        self.failures.append("%s: %s: %s" % (row, what, why))


def hashes(home, who):
    r = home.run("--as", who, "log", "--hashes")
    return r, set(r.out.split())


def judge(tally, row, r, before, after, cause):
    """One write that may not fit: r its result, before/after the
    store's hashes around it, cause a word its message must carry."""
    if r.crashed or r.faulted:
        tally.add(row, "crashed", r.why())
    elif r.rc == 0:
        tally.add(row, "fitted")
    elif after != before:
        tally.add(row, "lost", "it failed (%s) and changed the record (%d "
                  "entries before, %d after)" % (r.why(), len(before),
                                                  len(after)))
    elif r.out.strip():
        tally.add(row, "lost", "it failed and printed %r" % r.out[:80])
    elif r.rc == 2 and len(r.said.splitlines()) == 1 and \
            any(c in r.said.lower() for c in cause):
        tally.add(row, "detected")
    else:
        tally.add(row, "unclear", r.why())


def recovered(tally, row, home, who, held):
    """With room again: the store verifies, holds everything in held, and
    takes a new note (when who may write)."""
    v = home.run("--as", who, "verify")
    if v.crashed or v.rc != 0:
        tally.bad(row, "crashed" if v.crashed else "lost",
                  "with room again, verify: " + v.why())
        return False
    _, now = hashes(home, who)
    if not held <= now:
        tally.bad(row, "lost", "%d entries that were there are missing" %
                  len(held - now))
        return False
    return True


def homes(root):
    a, b, did = campaign.two_homes(root)
    genesis = os.path.join(root, "genesis.dtb")
    a.must("bundle", "export", "--force", "-o", genesis)
    b.must("dialogue", "join", "--yes", genesis)
    c = campaign.Home(root, "C")
    c.newid("ru-obs")
    a.must("--as", "ru-head", "meeting", "open")
    a.must("--as", "ru-head", "member", "add", "--role", "observer",
           c.vkey("ru-obs"))
    return a, b, c, did


def big_note(rnd, i):
    return campaign.note_text(rnd, i, big=True).encode()


def fill(mnt):
    """Take the last free block of the file system at mnt."""
    try:
        with open(os.path.join(mnt, "filler"), "wb") as f:
            while True:
                f.write(b"\0" * 4096)
                f.flush()
    except OSError:
        pass                        # full (perhaps full already)


def writes(tally, tag, a, b, c, did, full, rnd, cause, env=None,
           full_up=None):
    """The writes of one round, against homes whose disk or map is
    nearly full; env: extra environment for detente in each home (the
    shim), a dict of dicts."""
    env = env or {}
    for h in (a, b, c):
        h.env.update(env.get(h, {}))
    _, b_before = hashes(b, "us-head")
    r = b.run("--as", "us-head", "bundle", "import", full)
    _, b_after = hashes(b, "us-head")
    judge(tally, tag + ": import", r, b_before, b_after, cause)
    if r.rc == 0 and len(b_after) <= len(b_before):
        tally.bad(tag + ": import", "lost", "the import said done and "
                  "added nothing")
    if full_up:
        full_up()
    r = c.run("dialogue", "join", "--yes", full)
    if full_up and os.path.exists(os.path.join(os.path.dirname(c.dir),
                                               "filler")):
        os.unlink(os.path.join(os.path.dirname(c.dir), "filler"))
    joined = os.path.isdir(c.store(did))
    if r.rc != 0 and not r.crashed and not r.faulted:
        left = os.listdir(os.path.join(c.dir, "dialogues")) \
            if os.path.isdir(os.path.join(c.dir, "dialogues")) else []
        ls = c.run("dialogue", "list")
        if joined or did in ls.out:
            tally.add(tag + ": join", "lost", "a failed join left a replica")
        else:
            judge(tally, tag + ": join", r, set(), set(), cause)
            if left:
                tally.failures.append("%s: join: a failed join left %s "
                                      "(not listed)" % (tag, left))
    else:
        judge(tally, tag + ": join", r, set(), set(), cause)
    start, ids = hashes(a, "ru-head")[1], []
    for i in range(400):
        r = a.run("--as", "ru-del", "add", "note", "-",
                  stdin=big_note(rnd, i))
        if r.rc == 0 and not r.crashed:
            ids.append(r.out.strip())
            continue
        break
    a_held = hashes(a, "ru-head")[1]
    if ids and r.rc == 0:
        tally.add(tag + ": add", "fitted")
    else:
        # Every add before the failing one is there, and nothing else.
        whole = start <= a_held and len(a_held) == len(start) + len(ids) \
            and all(any(h.startswith(x) for h in a_held) for x in ids)
        judge(tally, tag + ": add", r, a_held if whole else start, a_held,
              cause)
    for h in (a, b, c):
        for k in env.get(h, {}):
            h.env.pop(k, None)
    return a_held, b_after


def read_only(tally, root, a, b, c, did, full, reads):
    mnt = os.path.join(root, "ro")
    os.makedirs(mnt)
    sh("mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", mnt)
    try:
        homes = {}
        for h in (a, b, c):
            shutil.copytree(h.dir, os.path.join(mnt, os.path.basename(h.dir)))
            homes[h] = h.dir
            h.dir = os.path.join(mnt, os.path.basename(h.dir))
        held = hashes(a, "ru-head")[1]
        bheld = hashes(b, "us-head")[1]
        sh("mount", "-t", "tmpfs", "-o", "remount,ro", "tmpfs", mnt)
        cause = ("read-only", "read only")
        tried = []
        for row, home, args in (
                ("add", a, ["--as", "ru-del", "add", "note", "ro"]),
                ("meeting", a, ["--as", "ru-head", "meeting", "close"]),
                ("checkpoint", a, ["--as", "ru-head", "checkpoint"]),
                ("import", b, ["--as", "us-head", "bundle", "import", full]),
                ("join", c, ["dialogue", "join", "--yes", full])):
            tried.append((row, home, home.run(*args)))
        out = os.path.join(root, "ro-out")
        os.makedirs(out, exist_ok=True)
        for name, home, args in (
                ("log", a, ["--as", "ru-head", "log"]),
                ("log --json", a, ["--as", "ru-head", "log", "--json"]),
                ("verify", a, ["--as", "ru-head", "verify"]),
                ("dialogue list", a, ["dialogue", "list"]),
                ("member list", a, ["member", "list"]),
                ("commitments", a, ["--as", "ru-head", "commitments"]),
                ("meeting list", a, ["--as", "ru-head", "meeting", "list"]),
                ("bundle state", a, ["bundle", "state", "--force", "-o",
                                     os.path.join(out, "s")]),
                ("bundle export", a, ["bundle", "export", "--force", "-o",
                                      os.path.join(out, "b.dtb")]),
                ("audit", a, ["audit", "--no-key", full])):
            r = home.run(*args)
            if r.crashed:
                tally.bad("read-only: reads", "crashed", name + ": " + r.why())
            reads.append((name, r.rc == 0, "" if r.rc == 0 else
                          r.said.strip().splitlines()[0][:100]
                          if r.said.strip() else "exit %d" % r.rc))
        sh("mount", "-t", "tmpfs", "-o", "remount,rw", "tmpfs", mnt)
        # What each write left, read once the mount is writable again.
        for row, home, r in tried:
            if home is c:
                after = {"a replica"} if os.path.isdir(c.store(did)) \
                    else set()
                before = set()
            else:
                who = "us-head" if home is b else "ru-head"
                before = bheld if home is b else held
                after = hashes(home, who)[1]
            judge(tally, "read-only: " + row, r, before, after, cause)
        for h, who, was in ((a, "ru-head", held), (b, "us-head", bheld)):
            recovered(tally, "read-only: " + ("add" if h is a else "import"),
                      h, who, was)
    finally:
        for h, d in homes.items():
            h.dir = d
        subprocess.run(["umount", mnt], capture_output=True)


def full_disk(tally, root, a, b, c, did, full, rnd, k):
    mnt = os.path.join(root, "disk%d" % k)
    os.makedirs(mnt)
    saved = {h: h.dir for h in (a, b, c)}
    kb = sum(du_kb(h.dir) for h in (a, b, c)) + 64
    room = rnd.randint(16, 1024)
    sh("mount", "-t", "tmpfs", "-o", "size=%dk" % (kb + room), "tmpfs", mnt)
    try:
        for h in (a, b, c):
            shutil.copytree(h.dir, os.path.join(mnt, os.path.basename(h.dir)))
            h.dir = os.path.join(mnt, os.path.basename(h.dir))
        a_held, b_held = writes(tally, "full disk", a, b, c, did, full, rnd,
                                ("no space",), full_up=lambda: fill(mnt))
        sh("mount", "-t", "tmpfs", "-o", "remount,size=256m", "tmpfs", mnt)
        if recovered(tally, "full disk: add", a, "ru-head", a_held):
            r = a.run("--as", "ru-del", "add", "note", "room again")
            if r.rc != 0:
                tally.bad("full disk: add", "lost", "with room again, an "
                          "add fails: " + r.why())
        recovered(tally, "full disk: import", b, "us-head", b_held)
        if os.path.isdir(c.store(did)):
            recovered(tally, "full disk: join", c, "ru-obs", set())
    finally:
        for h, d in saved.items():
            h.dir = d
        subprocess.run(["umount", mnt], capture_output=True)
        os.rmdir(mnt)


def shim(root):
    src = os.path.join(HERE, "mapsize_shim.c")
    so = os.path.join(root, "mapsize_shim.so")
    cc = os.environ.get("CC") or "cc"
    p = subprocess.run(cc.split() + ["-shared", "-fPIC", "-o", so, src,
                                     "-ldl"], capture_output=True)
    return so if p.returncode == 0 else None


def map_full(tally, root, a, b, c, did, full, rnd, k, so):
    work = os.path.join(root, "map%d" % k)
    saved = {h: h.dir for h in (a, b, c)}
    try:
        for h in (a, b, c):
            shutil.copytree(h.dir, os.path.join(work, os.path.basename(h.dir)))
            h.dir = os.path.join(work, os.path.basename(h.dir))
        env = {}
        for h in (a, b, c):
            db = os.path.join(h.store(did), "data.mdb")
            size = os.path.getsize(db) if os.path.exists(db) else 0
            env[h] = {"LD_PRELOAD": so, "DETENTE_SHIM_MAPSIZE":
                      str(size + 4096 * rnd.randint(4, 64)),
                      # A sanitizer build: its runtime need not come first.
                      "ASAN_OPTIONS": "verify_asan_link_order=0:" +
                      os.environ.get("ASAN_OPTIONS", "")}
        a_held, b_held = writes(tally, "map full", a, b, c, did, full, rnd,
                                ("no space", "full"), env)
        if recovered(tally, "map full: add", a, "ru-head", a_held):
            r = a.run("--as", "ru-del", "add", "note", "room again")
            if r.rc != 0:
                tally.bad("map full: add", "lost", "with the full map "
                          "again, an add fails: " + r.why())
        recovered(tally, "map full: import", b, "us-head", b_held)
        if os.path.isdir(c.store(did)):
            recovered(tally, "map full: join", c, "ru-obs", set())
    finally:
        for h, d in saved.items():
            h.dir = d
        shutil.rmtree(work, ignore_errors=True)


def main():
    if os.getuid() != 0 and not os.environ.get("DT_FAULTS_NS") and \
            shutil.which("unshare") and subprocess.run(
                ["unshare", "-rm", "true"], capture_output=True).returncode == 0:
        os.environ["DT_FAULTS_NS"] = "1"
        os.execvp("unshare", ["unshare", "-rm", sys.executable] + sys.argv)
    n = int(os.environ.get("FAULTS_N", "4"))
    seed, rnd = campaign.rng()
    root = campaign.scratch("faults")
    a, b, c, did = homes(root)
    for i in range(60):
        a.must("--as", "ru-del" if i % 2 else "ru-head", "add", "note", "-",
               stdin=big_note(rnd, i))
    full = os.path.join(root, "full.dtb")
    a.must("bundle", "export", "--force", "-o", full)
    tally, reads, notes = Tally(), [], []
    mounts = can_mount(root)
    if not mounts:
        notes.append("full disk and read-only: skipped (mounting a tmpfs "
                     "needs root or unshare -rm)")
    so = shim(root)
    if so is None:
        notes.append("map full: skipped (no C compiler for the shim)")
    for k in range(n):
        if mounts:
            full_disk(tally, root, a, b, c, did, full, rnd, k)
        if so:
            map_full(tally, root, a, b, c, did, full, rnd, k, so)
    if mounts:
        read_only(tally, root, a, b, c, did, full, reads)
    print("faults: seed %d (CAMPAIGN_SEED=%d repeats it), %s" % (
        seed, seed, campaign.DETENTE))
    for x in notes:
        print(x)
    print(campaign.table(tally.rows, OUTCOMES, "write"))
    for f in tally.failures[:30]:
        print("  " + f)
    if reads:
        print("read-only reads: worked %d of %d" % (
            sum(1 for _, w, _ in reads if w), len(reads)))
        for name, worked, why in reads:
            print("  %-14s %s" % (name, "works" if worked else why))
    for line in campaign.ubsan_report():
        print(line)
    print(campaign.summary("faults", tally.counts,
                           ("tried", "detected", "fitted", "unclear",
                            "crashed", "lost")))
    bad = tally.counts.get("crashed", 0) + tally.counts.get("lost", 0)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
