# tests/campaigns/campaign.py: what the campaigns (make tamper, crash,
# faults) share: homes that run the real detente binary, a small dialogue
# to damage, and the one rule that tells a crash from a refusal.
#
# The binary is $DETENTE_BIN (the Makefile exports it), else ./detente.
# Every command runs with a private HOME under a fresh temporary directory
# (removed at exit unless CAMPAIGN_KEEP is set) and LC_ALL=C.UTF-8.

import atexit
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile

DETENTE = os.path.abspath(os.environ.get("DETENTE_BIN", "./detente"))
TIMEOUT = float(os.environ.get("CAMPAIGN_TIMEOUT", "60"))

# What ASan and LSan print when they find something: a report is a crash
# even where the program goes on and exits 0 or 1.
SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
                   "SUMMARY: AddressSanitizer")
# UBSan's reports ("FILE:LINE:COL: runtime error: ...") do not stop the
# program (configure does not make them fatal): each campaign collects the
# distinct places and lists them after its table (ubsan_report()), apart
# from its counts.
UBSAN_MARK = " runtime error: "
UBSAN_LINE = re.compile(r"( runtime error: |^SUMMARY: UndefinedBehavior"
                        r"|^\S+:\d+:\d+: note: )")
ubsan_places = {}


def scratch(prefix):
    """A fresh directory for one campaign, removed at exit."""
    d = tempfile.mkdtemp(prefix="detente-%s." % prefix,
                         dir=os.environ.get("TMPDIR", "/tmp"))
    if not os.environ.get("CAMPAIGN_KEEP"):
        atexit.register(shutil.rmtree, d, True)
    else:
        atexit.register(print, "kept %s" % d)
    return d


# What detente's SIGSEGV/SIGBUS handler (app/main.c, on_fatal()) prints
# before it exits 1: a signal, caught.
FAULT_MARK = "fatal error reading the store"


class Result:
    """One run of detente: exit status (negative: killed by that signal),
    its output, and whether it crashed."""

    def __init__(self, rc, out, err, timed_out=False):
        self.rc, self.out, self.err, self.timed_out = rc, out, err, timed_out
        keep = []
        for line in err.splitlines(True):
            if UBSAN_MARK in line:
                place, _, what = line.partition(UBSAN_MARK)
                ubsan_places.setdefault(place.strip(), what.strip()[:100])
            if not UBSAN_LINE.search(line):
                keep.append(line)
        # What detente itself said, without UBSan's lines.
        self.said = "".join(keep)

    @property
    def crashed(self):
        """A signal, a sanitizer report, or a hang: never a verdict."""
        return self.rc < 0 or self.rc >= 128 or self.timed_out or \
            any(m in self.err for m in SANITIZER_MARKS)

    @property
    def faulted(self):
        """The program took SIGSEGV or SIGBUS and its handler said so."""
        return FAULT_MARK in self.err

    def why(self):
        if self.timed_out:
            return "hung (killed after %g s)" % TIMEOUT
        if self.rc < 0:
            return "killed by signal %d" % -self.rc
        for line in self.err.splitlines():
            if any(m in line for m in SANITIZER_MARKS):
                return line.strip()[:200]
        return "exit %d: %s" % (self.rc, self.said.strip()[:200])


class Home:
    """One home (a laptop): detente --home DIR --passphrase-file PASS."""

    def __init__(self, root, name):
        self.dir = os.path.join(root, name)
        self.passfile = os.path.join(root, "pass")
        if not os.path.exists(self.passfile):
            # 0600: detente warns of a passphrase file others can read
            fd = os.open(self.passfile, os.O_WRONLY | os.O_CREAT, 0o600)
            os.write(fd, b"correct horse\n")
            os.close(fd)
        self.env = dict(os.environ, LC_ALL="C.UTF-8",
                        HOME=os.path.join(root, "userhome"))
        self.env.pop("LANGUAGE", None)
        os.makedirs(self.env["HOME"], exist_ok=True)

    def argv(self, args):
        return [DETENTE, "--home", self.dir, "--passphrase-file",
                self.passfile] + list(args)

    def run(self, *args, stdin=None, timeout=None):
        try:
            p = subprocess.run(self.argv(args), env=self.env,
                               input=stdin, capture_output=True,
                               timeout=timeout or TIMEOUT)
        except subprocess.TimeoutExpired as e:
            return Result(-signal.SIGKILL, (e.stdout or b"").decode(
                "utf-8", "replace"), (e.stderr or b"").decode(
                "utf-8", "replace"), timed_out=True)
        return Result(p.returncode, p.stdout.decode("utf-8", "replace"),
                      p.stderr.decode("utf-8", "replace"))

    def must(self, *args, stdin=None):
        r = self.run(*args, stdin=stdin)
        if r.rc != 0:
            sys.exit("campaign setup failed: detente %s: %s" %
                     (" ".join(args), r.why()))
        return r.out

    def start(self, *args):
        """The command as a child process (for kill -9)."""
        return subprocess.Popen(self.argv(args), env=self.env,
                                stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)

    def store(self, did):
        return os.path.join(self.dir, "dialogues", did)

    def newid(self, name):
        self.must("id", "new", "--name", name, "--kdf", "min")

    def vkey(self, name):
        return self.must("id", "export", "--vkey", name).strip()


def two_homes(root):
    """Side A (RU: ru-head, ru-del) creates a dialogue of four members;
    side B (US: us-head, us-del) has identities and no replica yet.
    Returns (A, B, dialogue id)."""
    a, b = Home(root, "A"), Home(root, "B")
    for n in ("ru-head", "ru-del"):
        a.newid(n)
    for n in ("us-head", "us-del"):
        b.newid(n)
    did = a.must("--as", "ru-head", "dialogue", "new", "--title",
                 "Диалог по МИБ", "--party", "RU", "--party", "US",
                 "--head", "RU=" + a.vkey("ru-head"),
                 "--head", "US=" + b.vkey("us-head"),
                 "--member", "RU=" + a.vkey("ru-del"),
                 "--member", "US=" + b.vkey("us-del")).strip()
    return a, b, did


def note_text(rnd, i, big=False):
    """A note in English or Russian; big ones span LMDB overflow pages."""
    words = ["Стороны обсудили пункт %d." % i,
             "The sides discussed item %d." % i]
    n = rnd.randint(300, 700) if big else rnd.randint(1, 6)
    return " ".join(rnd.choice(words) for _ in range(n))


def summary(name, counts, order):
    """The campaign's last line: "NAME: tried N, detected N, ..."."""
    return "%s: %s" % (name, ", ".join("%s %d" % (k, counts.get(k, 0))
                                        for k in order))


def table(rows, cols, title):
    """A plain text table of per-class counts."""
    w = max([len(title)] + [len(r) for r in rows])
    out = [title.ljust(w) + "".join(c.rjust(12) for c in cols)]
    for r, v in rows.items():
        out.append(r.ljust(w) + "".join(str(v.get(c, 0)).rjust(12)
                                        for c in cols))
    return "\n".join(out)


def ubsan_report():
    """Lines that list the distinct places UBSan reported, if any."""
    if not ubsan_places:
        return []
    out = ["UBSan reported at %d places (not counted above):" %
           len(ubsan_places)]
    for place in sorted(ubsan_places)[:12]:
        out.append("  %s %s" % (place, ubsan_places[place]))
    return out


def rng():
    seed = int(os.environ.get("CAMPAIGN_SEED", "0")) or \
        random.SystemRandom().randrange(1, 2 ** 31)
    return seed, random.Random(seed)
