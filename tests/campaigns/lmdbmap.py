# tests/campaigns/lmdbmap.py: where each byte of an LMDB data file
# (data.mdb) belongs, read from the file itself (no LMDB library): the
# two meta pages (their fields), the live B-tree pages reachable from the newer meta
# page (headers, node pointers, keys, values), the values of one named
# database (detente's "entries": the signed bytes of the record), and
# free space (pages no tree reaches, and the gap between the node
# pointers and the nodes of a live page).
#
# Layout (lmdb.h and mdb.c of LMDB 0.9, 64-bit): a page starts with a
# 16-byte header (pgno u64, pad u16, flags u16, lower u16, upper u16; an
# overflow page keeps its page count where lower and upper are); a
# branch or leaf page's node pointers (u16 offsets) run from byte 16 to
# lower, its nodes from upper to the end; a node is lo u16, hi u16,
# flags u16, ksize u16, key, data.  All little-endian.

import struct

FREE, META, INDEX, ENTRY = 0, 1, 2, 3
NAMES = {FREE: "free space", META: "meta page", INDEX: "index",
         ENTRY: "entry bytes"}

P_BRANCH, P_LEAF, P_OVERFLOW, P_LEAF2 = 0x01, 0x02, 0x04, 0x20
F_BIGDATA, F_SUBDATA, F_DUPDATA = 0x01, 0x02, 0x04
P_INVALID = 0xFFFFFFFFFFFFFFFF
PAGEHDR = 16
MAGIC = 0xBEEFC0DE
META_BYTES = PAGEHDR + 136


def _meta(data, off):
    """(txnid, psize, free root, main root, last_pg) of one meta page."""
    magic, = struct.unpack_from("<I", data, off + 16)
    if magic != MAGIC:
        return None
    psize, = struct.unpack_from("<I", data, off + 40)
    free_root, = struct.unpack_from("<Q", data, off + 40 + 40)
    main_root, = struct.unpack_from("<Q", data, off + 88 + 40)
    last_pg, txnid = struct.unpack_from("<QQ", data, off + 136)
    return txnid, psize, free_root, main_root, last_pg


def classify(data, entries_db=b"entries"):
    """A bytearray as long as data: each byte's class (FREE, META, INDEX,
    ENTRY).  Raises ValueError if the meta pages are unreadable."""
    m0 = _meta(data, 0)
    if m0 is None:
        raise ValueError("no LMDB meta page")
    psize = m0[1]
    m1 = _meta(data, psize)
    cur = max([m for m in (m0, m1) if m is not None])
    _, psize, free_root, main_root, last_pg = cur
    npages = len(data) // psize
    cls = bytearray(len(data))              # FREE everywhere at first
    # A meta page is its header and MDB_meta (152 bytes); the rest of
    # the page is never read.
    for m in (0, psize):
        cls[m:m + META_BYTES] = bytes([META]) * META_BYTES
    seen = {0, 1}

    def mark(a, b, c):
        if a < b:
            cls[a:b] = bytes([c]) * (b - a)

    def overflow(pgno, dsize, c):
        base = pgno * psize
        if pgno >= npages or pgno in seen:
            return
        n, = struct.unpack_from("<I", data, base + 12)
        n = max(1, min(n, npages - pgno))
        for p in range(pgno, pgno + n):
            seen.add(p)
        mark(base, base + PAGEHDR, INDEX)
        mark(base + PAGEHDR, min(base + PAGEHDR + dsize, (pgno + n) * psize), c)

    def walk(pgno, valclass, named):
        """A B-tree from pgno; values of class valclass; named: this is
        the main database, whose values are other databases."""
        stack = [pgno]
        while stack:
            pg = stack.pop()
            if pg == P_INVALID or pg < 2 or pg >= npages or pg in seen:
                continue
            seen.add(pg)
            base = pg * psize
            flags, lower, upper = struct.unpack_from("<HHH", data, base + 10)
            mark(base, base + psize, INDEX)
            if lower < PAGEHDR or upper > psize or lower > upper:
                continue
            mark(base + lower, base + upper, FREE)
            if flags & P_LEAF2:
                continue
            for i in range((lower - PAGEHDR) // 2):
                ptr, = struct.unpack_from("<H", data, base + PAGEHDR + 2 * i)
                if ptr < upper or ptr + 8 > psize:
                    continue
                node = base + ptr
                lo, hi, nflags, ksize = struct.unpack_from("<HHHH", data, node)
                if flags & P_BRANCH:
                    stack.append(lo | hi << 16 | nflags << 32)
                    continue
                dsize = lo | hi << 16
                key = bytes(data[node + 8:node + 8 + ksize])
                d = node + 8 + ksize
                if nflags & F_BIGDATA:
                    opg, = struct.unpack_from("<Q", data, d)
                    overflow(opg, dsize, valclass)
                elif nflags & F_SUBDATA:
                    root, = struct.unpack_from("<Q", data, d + 40)
                    if named:
                        walk(root, ENTRY if key == entries_db else INDEX,
                             False)
                    else:
                        walk(root, INDEX, False)     # duplicates of a key
                elif not nflags & F_DUPDATA:
                    mark(d, min(d + dsize, base + psize), valclass)

    walk(free_root, INDEX, False)
    walk(main_root, INDEX, True)
    return cls, cur
