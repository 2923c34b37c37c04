#!/usr/bin/env python3
"""minutes_lang_table.py: the frame table of the minutes, two ways.

  minutes_lang_table.py c FILE     the pairs of storage/minutes_lang.c
  minutes_lang_table.py doc FILE   the pairs docs/FORMAT.md lists (the
                                   fenced block after "### The frame in
                                   each language")

Each pair is printed as one JSON array ["en", "ru"] a line, so that
the two outputs compare with cmp (tests/cli/98-minutes-lang.sh).
"""
import json
import re
import sys

LIT = r'"(?:[^"\\]|\\.)*"'


def c_string(group):
    """The value of adjacent C string literals (escapes as C reads them)."""
    raw = ''.join(re.findall(r'"((?:[^"\\]|\\.)*)"', group))
    # UTF-8 bytes through unicode_escape come out one character a byte
    return raw.encode('utf-8').decode('unicode_escape').encode(
        'latin1').decode('utf-8')


def from_c(path):
    src = open(path, encoding='utf-8').read()
    tab = src[src.index('labels[] = {'):src.index('#define NLABELS')]
    for m in re.finditer(r'\{\s*((?:%s\s*)+),\s*((?:%s\s*)+)\}' % (LIT, LIT),
                         tab):
        yield [c_string(m.group(1)), c_string(m.group(2))]


def from_doc(path):
    lines = open(path, encoding='utf-8').read().split('\n')
    i = lines.index('### The frame in each language')
    while lines[i] != '```':
        i += 1
    i += 1
    while lines[i] != '```':
        pair = json.loads(lines[i])
        assert isinstance(pair, list) and len(pair) == 2, lines[i]
        yield pair
        i += 1


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ('c', 'doc'):
        sys.stderr.write(__doc__)
        return 2
    pairs = from_c(sys.argv[2]) if sys.argv[1] == 'c' else from_doc(
        sys.argv[2])
    for p in pairs:
        print(json.dumps(p, ensure_ascii=False))
    return 0


if __name__ == '__main__':
    sys.exit(main())
