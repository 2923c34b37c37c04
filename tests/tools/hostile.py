#!/usr/bin/python3
"""hostile.py: the hostile-text campaign (`make hostile`; a smoke of it
runs in `make check` as tests/cli/88-hostile-smoke.sh).

  hostile.py DETENTE WORKDIR [--smoke]

Side A (RU) writes hostile strings into a dialogue: as notes, agenda
items, statements and commitment texts through the command line, which
takes free text; and, as commitment owners, meeting titles and places,
which the command line refuses (it is checked that it does), through
text_forge.py, which signs such entries with a member's key as other
software could.  A exports a bundle; side B (US) joins and imports it,
then runs every command and output format on it (log, show, their JSON,
commitments, meeting list, dialogue list, member list, id list, verify,
audit of the store and of the bundle, evidence, the minutes in Markdown,
text and JSON), error messages that quote a hostile file name, and the
terminal UI in tmux.  For each output and each hostile string:

  leaked       a character of the string that vis.h calls unsafe (C0
               but a line break, DEL, C1, bidi controls, U+2028/2029,
               bad UTF-8) reached the output raw; also any such
               character at all in the output, or JSON that does not
               parse
  crashed      the command died of a signal, timed out or exited with a
               status other than 0, 1 or 2
  lost         the string should be in this output (its marker is
               missing), or a JSON output does not give it back exactly
  neutralised  none of these

Prints "hostile: tried N / neutralised N / leaked N / crashed N / lost N"
and the first problems; exits 1 if any was leaked, crashed or lost.
"""

import base64
import json
import os
import re
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
FORGE = os.path.join(HERE, "text_forge.py")

# (name, bytes): the hostile strings.
HOSTILE = [
    ("osc-title", b"\x1b]0;pwned-title\x07"),
    ("clear", b"\x1b[2J\x1b[H"),
    ("osc52", b"\x1b]52;c;" + base64.b64encode(b"rm -rf ~") + b"\x07"),
    ("conceal", b"\x1b[8mhidden"),
    ("cr", b"visible\rOVERWRITE"),
    ("bel", b"ding\x07\x07"),
    ("c1-csi", "\u009b2J\u009b31m".encode()),
    ("rlo", "\u202eexe.txt".encode()),
    ("lri", "\u2066isolated\u2069".encode()),
    ("ls-ps", "line\u2028sep\u2029para".encode()),
    ("marks", "\u200e\u200fx\u061c".encode()),
    ("del-nel", "del\x7f nel\u0085".encode()),
    ("dcs-reset", b"\x1bP+q544e\x1b\\\x1bc"),
    ("paste-end", b"\x1b[201~echo owned"),
    ("sgr", b"\x1b[31;1mRED\x1b[0m"),
    ("cyrillic", "Аdmin Рrеsident \u0410\u0420 и Latin".encode()),
    ("long", ("Я" * 2000 + "\x1b[2J").encode() * 4),
]
SMOKE = {"osc-title", "conceal", "cr", "c1-csi", "rlo", "ls-ps", "long"}
# Not UTF-8: no detente writes it, and readers refuse such a payload;
# it is tried as a file name, and as a forged note in a bundle of its own.
BAD_UTF8 = b"\xff\xfe\x9b[2J\xc0\xaf"

UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f"
                    "\u2028-\u202e\u2066-\u2069]")


def unsafe_chars(s):
    """The unsafe characters of text s (tab counted: vis.h makes it a
    space)."""
    return set(UNSAFE.findall(s))


class Campaign:
    def __init__(self, detente, work, smoke):
        self.detente = detente
        self.work = work
        self.smoke = smoke
        self.strings = [(i, n, b) for i, (n, b) in enumerate(HOSTILE)
                        if not smoke or n in SMOKE]
        self.tried = self.leaked = self.crashed = self.lost = 0
        self.problems = []
        self.outputs = 0
        self.refused = 0
        self.pw = os.path.join(work, "pass")
        self.ha = os.path.join(work, "A")
        self.hb = os.path.join(work, "B")

    # --- running detente ---------------------------------------------------

    def run(self, home, args, stdin=None, timeout=120):
        cmd = [self.detente, "--home", home, "--passphrase-file", self.pw]
        cmd += args
        try:
            p = subprocess.run(cmd, input=stdin, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, timeout=timeout)
            return p.returncode, p.stdout, p.stderr
        except subprocess.TimeoutExpired as e:
            return -999, e.stdout or b"", e.stderr or b""

    def must(self, home, args, stdin=None):
        rc, out, err = self.run(home, args, stdin)
        if rc != 0:
            raise SystemExit("hostile: setup failed: %s: %d: %s" % (
                " ".join(a if isinstance(a, str) else repr(a)
                         for a in args), rc, err.decode("utf-8", "replace")))
        return out

    # --- writing the record on side A -------------------------------------

    def marker(self, tag, i):
        return "H%02d%s" % (i, tag)

    def text(self, tag, i, b):
        return self.marker(tag, i).encode() + b" " + b + b" end"

    def setup(self):
        os.makedirs(self.work, exist_ok=True)
        fd = os.open(self.pw, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.write(fd, b"hostile text\n")   # at least 8 characters
        os.close(fd)
        for n in ("ru-head", "ru-del"):
            self.must(self.ha, ["id", "new", "--name", n, "--kdf", "min"])
        for n in ("us-head", "us-del"):
            self.must(self.hb, ["id", "new", "--name", n, "--kdf", "min"])

        def vkey(h, n):
            return self.must(h, ["id", "export", "--vkey", n]).decode().strip()
        self.must(self.ha, [
            "--as", "ru-head", "dialogue", "new", "--title", "Диалог по МИБ",
            "--party", "RU", "--party", "US",
            "--head", "RU=" + vkey(self.ha, "ru-head"),
            "--head", "US=" + vkey(self.hb, "us-head"),
            "--member", "RU=" + vkey(self.ha, "ru-del"),
            "--member", "US=" + vkey(self.hb, "us-del")])
        g = os.path.join(self.work, "genesis.dtb")
        self.must(self.ha, ["bundle", "export", "-o", g])
        self.must(self.hb, ["dialogue", "join", "--yes", g])
        self.must(self.ha, ["--as", "ru-head", "meeting", "open",
                            "--title", "Meeting", "--place", "Geneva"])
        self.expect = {}   # marker -> hostile bytes
        for i, name, b in self.strings:
            for tag, kind, who, extra in (
                    ("A", "agenda", "ru-head", []),
                    ("N", "note", "ru-del", []),
                    ("S", "statement", "ru-del", []),
                    ("C", "commitment", "ru-del",
                     ["--party", "RU", "--owner", "owner %d" % i, "--due",
                      "2027-01-01"])):
                self.must(self.ha, ["--as", who, "add", kind] + extra +
                          ["-"], stdin=self.text(tag, i, b))
                self.expect[self.marker(tag, i)] = b
            # The command line refuses a hostile owner, title or place
            # that has a control character, a bidi control or is long.
            bad = bool(unsafe_chars(b.decode())) or len(b) > 200
            if not bad:
                continue
            rc, _, _ = self.run(self.ha, [
                "--as", "ru-del", "add", "commitment", "--party", "RU",
                "--owner", self.text("O", i, b).decode(), "--due",
                "2027-01-01", "x"])
            rc2, _, _ = self.run(self.ha, [
                "--as", "ru-del", "meeting", "open", "--title",
                self.text("T", i, b).decode()])
            if rc != 2 or rc2 != 2:
                self.problem("the command line wrote a hostile owner or "
                             "title: %s (%d, %d)" % (name, rc, rc2))
                self.leaked += 1
            else:
                self.refused += 2
        full = os.path.join(self.work, "a.dtb")
        self.must(self.ha, ["bundle", "export", "-o", full])
        # What the command line refused, signed by ru-del's key.
        lines = []
        for i, name, b in self.strings:
            s = b.decode()
            lines.append("commitment " + json.dumps({
                "v": 1, "meeting": 1, "party": "RU", "due": "2027-01-01",
                "owner": self.text("O", i, b).decode(),
                "text": [{"lang": "en", "role": "authentic",
                          "body": "commitment of owner %s" % i}]},
                ensure_ascii=False))
            lines.append("meeting-open " + json.dumps({
                "v": 1, "meeting": 100 + i,
                "title": self.text("T", i, b).decode(),
                "place": self.text("P", i, b).decode()}, ensure_ascii=False))
            for tag in "OTP":
                self.expect[self.marker(tag, i)] = b
            del s
        pl = os.path.join(self.work, "forge.txt")
        open(pl, "w", encoding="utf-8").write("\n".join(lines) + "\n")
        ks = os.path.join(self.ha, "identities", "ru-del.key")
        self.bundle = os.path.join(self.work, "hostile.dtb")
        fo = subprocess.run(["/usr/bin/python3", FORGE, "append", full, ks,
                             self.pw, self.bundle, pl],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if fo.returncode != 0:
            raise SystemExit("hostile: text_forge failed: " +
                             fo.stderr.decode("utf-8", "replace"))
        self.forged = [ln.split()[1] for ln in fo.stdout.decode().split("\n")
                       if ln.strip()]
        # B, the other side, imports it all.
        self.must(self.hb, ["bundle", "import", self.bundle])
        self.must(self.ha, ["bundle", "import", self.bundle])
        # A note that is not UTF-8, in a bundle of its own.
        bad_pl = os.path.join(self.work, "bad.txt")
        open(bad_pl, "wb").write(
            b'note {"v":1,"meeting":1,"text":[{"lang":"en","role":'
            b'"authentic","body":"H99N ' + BAD_UTF8 + b'"}]}\n')
        self.bad_bundle = os.path.join(self.work, "bad.dtb")
        subprocess.run(["/usr/bin/python3", FORGE, "append", self.bundle, ks,
                        self.pw, self.bad_bundle, bad_pl],
                       stdout=subprocess.DEVNULL, check=True)

    # --- checking an output -------------------------------------------------

    def problem(self, msg):
        if len(self.problems) < 20:
            self.problems.append(msg)

    def check(self, label, rc, out, err, want=(), as_json=False):
        """One output: every hostile string is tried against it; the
        markers in want must be in it (exactly, for JSON)."""
        self.outputs += 1
        crashed = rc < 0 or rc > 2
        if crashed:
            self.problem("%s: exit %d" % (label, rc))
        texts = {}
        broken = False
        for stream, data in (("stdout", out), ("stderr", err)):
            try:
                texts[stream] = data.decode("utf-8")
            except UnicodeDecodeError as e:
                broken = True
                self.problem("%s: %s is not UTF-8 (%s)" % (label, stream, e))
                texts[stream] = data.decode("utf-8", "replace")
            found = unsafe_chars(texts[stream])
            if found:
                broken = True
                self.problem("%s: %s carries %s" % (
                    label, stream, sorted("U+%04X" % ord(c) for c in found)))
        strings = []
        if as_json and not crashed and rc == 0:
            try:
                collect(json.loads(texts["stdout"]), strings)
            except ValueError as e:
                broken = True
                self.problem("%s: not JSON (%s)" % (label, e))
        allout = texts["stdout"] + texts["stderr"]
        for marker, b in self.expect.items():
            s = b.decode()
            self.tried += 1
            if crashed:
                self.crashed += 1
                continue
            raw = [c for c in unsafe_chars(s) if c in allout]
            if raw or broken:
                self.leaked += 1
                continue
            if marker in want:
                if as_json:
                    full = self.text(marker[3], int(marker[1:3]), b).decode()
                    if not any(full in x for x in strings):
                        self.lost += 1
                        self.problem("%s: %s not given back exactly" % (
                            label, marker))
                        continue
                elif marker not in allout:
                    self.lost += 1
                    self.problem("%s: %s missing" % (label, marker))
                    continue

    def markers(self, tags):
        return {m for m in self.expect if m[3] in tags}

    # --- every command on side B --------------------------------------------

    def commands(self):
        hb, me = self.hb, ["--as", "us-head"]
        ddir = os.path.join(hb, "dialogues")
        store = os.path.join(ddir, os.listdir(ddir)[0])
        key = os.path.join(hb, "identities", "us-head.key")
        ctx = {
            "log": (["log"], "NASCOTP", False),
            "log --json": (["log", "--json"], "NASCOTP", True),
            "commitments": (["commitments"], "CO", False),
            "commitments --json": (["commitments", "--json"], "CO", True),
            "meeting list": (["meeting", "list"], "ATP", False),
            "dialogue list": (["dialogue", "list"], "", False),
            "member list": (["member", "list"], "", False),
            "id list": (["id", "list"], "", False),
            "verify": (["verify"], "", False),
            "verify --json": (["verify", "--json"], "", True),
            "audit STORE": (["audit", store, "--key-file", key], "CO",
                            False),
            "audit --json STORE": (["audit", "--json", store, "--key-file",
                                    key], "CO", True),
            "audit BUNDLE": (["audit", self.bundle, "--key-file", key],
                             "CO", False),
            "audit --no-key BUNDLE": (["audit", "--no-key", self.bundle],
                                      "", False),
            "evidence": (["evidence"], "", False),
            "minutes md": (["minutes", "export", "--meeting", "1", "--draft",
                            "--format", "md"], "NASCO", False),
            "minutes txt": (["minutes", "export", "--meeting", "1",
                             "--draft", "--format", "txt"], "NASCO", False),
            "minutes json": (["minutes", "export", "--meeting", "1",
                              "--draft", "--format", "json"], "NASCO", True),
            "minutes md (forged)": (["minutes", "export", "--meeting",
                                     str(100 + self.strings[0][0]), "--draft",
                                     "--format", "md"], "", False),
        }
        if self.smoke:
            for k in ("member list", "id list", "evidence", "audit BUNDLE",
                      "audit --no-key BUNDLE",
                      "minutes md (forged)", "verify --json"):
                del ctx[k]
        for label, (args, tags, js) in ctx.items():
            rc, out, err = self.run(hb, me + args)
            self.check(label, rc, out, err, self.markers(tags), js)
        # show and show --json of every hostile entry, by its hash
        rc, out, _ = self.run(hb, me + ["log", "--json"])
        items = json.loads(out.decode())
        for it in items:
            mk = [m for m in self.expect if m in json.dumps(
                it.get("payload"), ensure_ascii=False)]
            if not mk:
                continue
            if self.smoke and it["kind"] not in ("note", "commitment"):
                continue
            rc, out, err = self.run(hb, me + ["show", it["hash"]])
            self.check("show " + it["kind"], rc, out, err, set(mk), False)
            rc, out, err = self.run(hb, me + ["show", "--json", it["hash"]])
            self.check("show --json " + it["kind"], rc, out, err, set(mk),
                       True)
        # error messages that quote a file name
        for i, name, b in self.strings[:3 if self.smoke else None]:
            path = os.path.join(self.work.encode(), b"no-such-" +
                                b[:200].replace(b"/", b"_") + b".dtb")
            for args in (["bundle", "import"], ["audit"],
                         ["minutes", "verify"]):
                rc, out, err = self.run(hb, me + args + [path])
                self.check(" ".join(args) + " (file name)", rc, out, err)
        path = os.path.join(self.work.encode(), b"bad-" + BAD_UTF8 + b".dtb")
        rc, out, err = self.run(hb, me + ["bundle", "import", path])
        self.check("bundle import (name not UTF-8)", rc, out, err)
        # the note that is not UTF-8: refused, or rendered harmlessly
        rc, out, err = self.run(hb, me + ["bundle", "import",
                                          self.bad_bundle])
        self.check("bundle import (note not UTF-8)", rc, out, err)
        self.bad_import = rc
        rc, out, err = self.run(hb, me + ["log"])
        self.check("log after the note not UTF-8", rc, out, err)

    # --- the terminal UI ---------------------------------------------------

    def ui(self):
        if shutil.which("tmux") is None:
            return "no tmux"
        sock = "dt-hostile-%d" % os.getpid()
        tm = ["tmux", "-u", "-f", "/dev/null", "-L", sock]
        cmd = " ".join("'%s'" % a for a in [
            "env", "TERM=screen-256color", "LANG=C.UTF-8", "LC_ALL=C.UTF-8",
            self.detente, "--home", self.hb, "--passphrase-file", self.pw,
            "--as", "us-head", "ui"])
        try:
            # the UI starts once tmux takes OSC 52 into its buffers
            subprocess.run(tm + ["new-session", "-d", "-s", "t", "-x", "120",
                                 "-y", "40", "sleep 0.5; " + cmd +
                                 "; sleep 600"], check=True)
            subprocess.run(tm + ["set", "-g", "set-clipboard", "on"])
            screen = b""
            deadline = time.time() + 20
            while time.time() < deadline:
                time.sleep(0.3)
                screen = subprocess.run(
                    tm + ["capture-pane", "-e", "-p", "-t", "t"],
                    stdout=subprocess.PIPE).stdout
                if re.search(rb"H\d\d[A-Z]", screen):
                    break
            title = subprocess.run(
                tm + ["display", "-p", "-t", "t", "#{pane_title}"],
                stdout=subprocess.PIPE).stdout.decode("utf-8", "replace")
            clip = subprocess.run(tm + ["show-buffer"],
                                  stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL).stdout
            subprocess.run(tm + ["send-keys", "-t", "t", "q"])
        finally:
            subprocess.run(tm + ["kill-server"], stderr=subprocess.DEVNULL)
        # capture-pane -e writes the cells' attributes as SGR: keep those,
        # anything else is the record's
        rest = re.sub(rb"\x1b\[[0-9;:]*m", b"", screen)
        err = b""
        if "pwned" in title:
            err += b"the pane's title was changed: " + title.encode()
        if b"rm -rf" in clip:
            err += b" the clipboard was written"
        if not re.search(rb"H\d\d[A-Z]", screen):
            err += b" no record text on the screen"
        self.check("ui (tmux)", 0, rest, err,
                   {m for m in self.expect if m.encode() in screen})
        if err:
            self.problem("ui: " + err.decode("utf-8", "replace"))
            self.leaked += 1
        return "%d markers on the screen, pane title %r" % (
            len(set(re.findall(rb"H\d\d[A-Z]", screen))), title.strip())


def collect(v, out):
    if isinstance(v, str):
        out.append(v)
    elif isinstance(v, list):
        for x in v:
            collect(x, out)
    elif isinstance(v, dict):
        for k, x in v.items():
            out.append(k)
            collect(x, out)


def main(argv):
    if len(argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    smoke = "--smoke" in argv[3:]
    detente = os.path.abspath(argv[1])
    work = os.path.abspath(argv[2])
    c = Campaign(detente, work, smoke)
    t0 = time.time()
    c.setup()
    c.commands()
    ui = c.ui()
    print("hostile: %d strings, %d outputs, %d refused at the command line"
          % (len(c.strings), c.outputs, c.refused))
    print("hostile: the note that is not UTF-8: import exit %d" %
          c.bad_import)
    if ui:
        print("hostile: ui: " + ui)
    neutral = c.tried - c.leaked - c.crashed - c.lost
    print("hostile: tried %d / neutralised %d / leaked %d / crashed %d / "
          "lost %d (%.0f s)" % (c.tried, neutral, c.leaked, c.crashed,
                                c.lost, time.time() - t0))
    for p in c.problems:
        print("hostile: " + p)
    return 1 if c.leaked or c.crashed or c.lost else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
