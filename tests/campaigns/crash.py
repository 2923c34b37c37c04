#!/usr/bin/env python3
# tests/campaigns/crash.py: `make crash`, kill -9 at random points during
# `add`, `bundle import` and `dialogue join`, then check what is left.
#
#	CRASH_N=300 crash.py        (DETENTE_BIN: the binary; CAMPAIGN_SEED)
#
# Each trial starts one command, waits a random time between 0 and a
# little more than that command's own duration (1.2 times the median of
# its recent complete runs), and kills it with SIGKILL (if it has not
# finished by then, the trial counts as interrupted).  Then:
#   add     side A's store verifies; every id an add printed (it prints
#           the id once the entry is committed) is in `log --json`; and
#           the next add works (no lock or half-written page left).
#   import  side B imports a bundle of new entries from A (every tenth
#           trial: all of A's entries, mostly known): B's store verifies
#           and holds either everything it held before or that plus the
#           whole bundle, never part of it; an import that said it was
#           done has everything.
#   join    a fresh home C joins A's full bundle: afterwards C has either
#           no replica of the dialogue, or one that verifies with every
#           entry of the bundle; `dialogue list` shows nothing else (a
#           half-made store in a temporary directory is never listed or
#           used as a replica); and joining again works.
# A killed join may leave its temporary directory behind (counted, as
# "leftover", not a failure).
# Outcomes: interrupted (the kill came before the command finished),
# damaged (a store that no longer opens or verifies), crashed (a signal
# other than our kill, also one detente's SIGSEGV/SIGBUS handler reports,
# a sanitizer report, a hang), lost (a committed
# entry missing, or an import or join left half done).  The last line
# sums them; the exit status is 1 if anything was damaged, crashed or
# lost.

import os
import shutil
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import campaign  # noqa: E402

OUTCOMES = ("tried", "interrupted", "damaged", "crashed", "lost")
# Not a failure, but worth a figure: a join killed before its rename
# leaves its temporary store (dialogues/.new-XXXXXX), which nothing lists
# or opens as a replica.
NOTES = ("leftover",)


def hashes(home, who):
    r = home.run("--as", who, "log", "--hashes")
    return r, [h for h in r.out.split() if h]


class Trial:
    def __init__(self, counts, rows, failures, kind):
        self.counts, self.failures, self.kind = counts, failures, kind
        self.row = rows.setdefault(kind, {})
        self.add("tried")

    def add(self, what, why=None):
        self.row[what] = self.row.get(what, 0) + 1
        self.counts[what] = self.counts.get(what, 0) + 1
        if why:
            self.failures.append("%s: %s: %s" % (self.kind, what, why))


class Window:
    """How long one command runs: 1.2 times the median of its recent
    complete runs, so that a kill lands anywhere from its start to a
    little past its end, and most kills interrupt it.  One trial in five
    is a probe that is not killed, and only probes are timed (runs that
    ended before their kill are the short ones: timing them would shrink
    the window run after run)."""

    def __init__(self, runs):
        self.runs = list(runs)

    def draw(self, rnd):
        r = sorted(self.runs[-15:])
        return rnd.uniform(0, 1.2 * r[len(r) // 2])

    def ms(self):
        r = sorted(self.runs[-15:])
        return 1200 * r[len(r) // 2]


def kill_at(home, args, window, rnd):
    """Run detente args, SIGKILL it after a random time within window
    (unless it ended); (Result, interrupted)."""
    probe = rnd.random() < 0.2
    delay = campaign.TIMEOUT if probe else window.draw(rnd)
    start = time.monotonic()
    p = home.start(*args)
    deadline = start + delay
    while time.monotonic() < deadline and p.poll() is None:
        time.sleep(min(0.0005, max(0, deadline - time.monotonic())))
    interrupted = p.poll() is None
    if interrupted:
        p.send_signal(signal.SIGKILL)
    elif probe:
        window.runs.append(time.monotonic() - start)
    out, err = p.communicate(timeout=campaign.TIMEOUT)
    return campaign.Result(p.returncode, out.decode("utf-8", "replace"),
                           err.decode("utf-8", "replace")), interrupted


def duration(home, args, stdin=None):
    t = time.monotonic()
    home.must(*args, stdin=stdin)
    return time.monotonic() - t


def check_store(t, home, who):
    """verify and log; False (and t counted) when the store is damaged."""
    v = home.run("--as", who, "verify")
    if v.crashed or v.faulted:
        t.add("crashed", "verify after the kill: " + v.why())
        return None
    if v.rc != 0:
        t.add("damaged", "verify after the kill: " + v.why())
        return None
    r, hs = hashes(home, who)
    if r.crashed or r.rc != 0:
        t.add("crashed" if r.crashed else "damaged",
              "log after the kill: " + r.why())
        return None
    return hs


def trial_add(a, rnd, window, committed, counts, rows, failures, i):
    t = Trial(counts, rows, failures, "add")
    r, intr = kill_at(a, ["--as", "ru-del", "add", "note",
                          campaign.note_text(rnd, i)], window, rnd)
    if intr:
        t.add("interrupted")
    elif r.crashed or r.faulted or r.rc != 0:
        t.add("crashed" if r.crashed or r.faulted else "damaged",
              "an add that was not killed: " + r.why())
    for line in r.out.split():
        committed.append(line.strip())
    hs = check_store(t, a, "ru-head")
    if hs is None:
        return
    missing = [c for c in committed if not any(h.startswith(c) for h in hs)]
    if missing:
        t.add("lost", "entries whose add printed their id are missing: " +
              " ".join(missing[:5]))
        del committed[:]
        return
    nxt = a.run("--as", "ru-del", "add", "note", "after the kill")
    if nxt.crashed or nxt.rc != 0:
        t.add("damaged", "the next add fails: " + nxt.why())
        return
    committed.append(nxt.out.strip())


def trial_import(a, b, rnd, window, root, counts, rows, failures, i):
    t = Trial(counts, rows, failures, "import")
    bundle = os.path.join(root, "import.dtb")
    state = os.path.join(root, "b.state")
    if i % 10 == 0:
        a.must("bundle", "export", "--force", "-o", bundle)
    else:
        b.must("bundle", "state", "--force", "-o", state)
        a.must("bundle", "export", "--force", "--since", state, "-o", bundle)
    _, before = hashes(b, "us-head")
    _, theirs = hashes(a, "ru-head")
    r, intr = kill_at(b, ["--as", "us-head", "bundle", "import", bundle],
                      window, rnd)
    if intr:
        t.add("interrupted")
    elif r.crashed or r.faulted or r.rc != 0:
        t.add("crashed" if r.crashed or r.faulted else "damaged",
              "an import that was not killed: " + r.why())
    hs = check_store(t, b, "us-head")
    if hs is None:
        return
    if set(hs) == set(theirs):
        return
    if set(hs) != set(before):
        t.add("lost", "the import left %d of %d new entries" % (
            len(set(hs) - set(before)), len(set(theirs) - set(before))))
    elif not intr:
        t.add("lost", "the import said it was done, and added nothing")


def trial_join(a, rnd, window, root, did, bundle, full, counts, rows,
               failures):
    t = Trial(counts, rows, failures, "join")
    c = campaign.Home(root, "C")
    shutil.rmtree(os.path.join(c.dir, "dialogues"), ignore_errors=True)
    r, intr = kill_at(c, ["dialogue", "join", "--yes", bundle],
                      window, rnd)
    if intr:
        t.add("interrupted")
    elif r.crashed or r.faulted or r.rc != 0:
        t.add("crashed" if r.crashed or r.faulted else "damaged",
              "a join that was not killed: " + r.why())
    ls = c.run("dialogue", "list")
    if ls.crashed:
        t.add("crashed", "dialogue list: " + ls.why())
        return
    ids = [ln.split()[0] for ln in ls.out.splitlines() if ln.strip()]
    if any(x != did for x in ids):
        t.add("lost", "dialogue list shows more than the dialogue: %r" %
              ids[:3])
        return
    if os.path.isdir(c.store(did)):
        hs = check_store(t, c, "ru-obs")
        if hs is None:
            return
        if set(hs) != set(full):
            t.add("lost", "a joined replica holds %d of %d entries" % (
                len(hs), len(full)))
            return
    elif ids:
        t.add("lost", "dialogue list shows a dialogue with no store")
        return
    left = [x for x in os.listdir(os.path.join(c.dir, "dialogues"))
            if x != did] if os.path.isdir(os.path.join(c.dir,
                                                        "dialogues")) else []
    if left:
        t.add("leftover")
    if not os.path.isdir(c.store(did)):
        again = c.run("dialogue", "join", "--yes", bundle)
        if again.crashed or again.rc != 0:
            t.add("damaged", "joining again after the kill: " + again.why())


def main():
    n = int(os.environ.get("CRASH_N", "60"))
    seed, rnd = campaign.rng()
    root = campaign.scratch("crash")
    a, b, did = campaign.two_homes(root)
    full = os.path.join(root, "full.dtb")
    a.must("bundle", "export", "--force", "-o", full)
    b.must("dialogue", "join", "--yes", full)
    a.must("--as", "ru-head", "meeting", "open")
    # A home for joins, with an identity that is a member.
    c = campaign.Home(root, "C")
    c.newid("ru-obs")
    a.must("--as", "ru-head", "member", "add", "--role", "observer",
           c.vkey("ru-obs"))
    for i in range(30):
        a.must("--as", "ru-del", "add", "note", "-",
               stdin=campaign.note_text(rnd, i, big=(i % 10 == 9)).encode())
    # Each command's own duration, to begin with.
    w_add = Window(duration(a, ["--as", "ru-del", "add", "note", "t"])
                   for _ in range(5))
    a.must("bundle", "export", "--force", "-o", full)
    _, full_hashes = hashes(a, "ru-head")
    jdir = os.path.join(c.dir, "dialogues")
    w_join = Window([])
    for _ in range(5):
        shutil.rmtree(jdir, ignore_errors=True)
        w_join.runs.append(duration(c, ["dialogue", "join", "--yes", full]))
    w_imp = Window([duration(b, ["--as", "us-head", "bundle", "import",
                                 full])])
    counts, rows, failures, committed = {}, {}, [], []
    for i in range(n):
        k = i % 3
        if k == 0:
            trial_add(a, rnd, w_add, committed, counts, rows, failures, i)
        elif k == 1:
            for j in range(rnd.randint(5, 40)):
                a.must("--as", "ru-del" if j % 2 else "ru-head", "add",
                       "note", campaign.note_text(rnd, j))
            trial_import(a, b, rnd, w_imp, root, counts, rows,
                         failures, i)
        else:
            trial_join(a, rnd, w_join, root, did, full, full_hashes,
                       counts, rows, failures)
    print("crash: seed %d (CAMPAIGN_SEED=%d repeats it), %s" % (
        seed, seed, campaign.DETENTE))
    print("kill windows at the end: add %.0f ms, import %.0f ms, join %.0f "
          "ms" % (w_add.ms(), w_imp.ms(), w_join.ms()))
    print(campaign.table(rows, OUTCOMES + NOTES, "command"))
    for f in failures[:20]:
        print("  " + f)
    for line in campaign.ubsan_report():
        print(line)
    print(campaign.summary("crash", counts, OUTCOMES))
    bad = sum(counts.get(k, 0) for k in ("damaged", "crashed", "lost"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
