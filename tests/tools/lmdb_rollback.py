#!/usr/bin/python3
"""lmdb_rollback.py: roll an LMDB data file back by one write transaction,
as anyone with write access to the file can, for the rollback tests.

Usage:
  lmdb_rollback.py DATA.MDB     make the older meta page the current one;
                                prints "txnid OLD -> NEW"
  lmdb_rollback.py -n DATA.MDB  print the two meta pages' txnids only

LMDB keeps two meta pages, pages 0 and 1 of data.mdb, and opens the
database at the one with the larger transaction id (mm_txnid); a commit
writes the other one.  Each page starts with a 16-byte page header
(mp_pgno u64, mp_pad u16, mp_flags u16, mp_lower/upper u16 each) and then
struct MDB_meta (LMDB's mdb.c): mm_magic u32 (0xBEEFC0DE), mm_version
u32, mm_address pointer, mm_mapsize size_t, mm_dbs[2] (MDB_db, 48 bytes
each: md_pad u32, which in mm_dbs[0] is the page size, md_flags u16,
md_depth u16, five u64), mm_last_pg u64, mm_txnid u64.  On a 64-bit
little-endian machine mm_txnid is at byte 144 of its page, and the page
size at byte 40 of page 0.

Setting the newer meta page's txnid below the older one's makes LMDB
open the state before the last commit: the pages that state uses were
not written by the last transaction (LMDB never overwrites the pages of
the last committed state), so it is a consistent, older database.
Nothing in the file says that a newer state existed.
"""

import struct
import sys

MAGIC = 0xBEEFC0DE
OFF_MAGIC, OFF_PSIZE, OFF_TXNID = 16, 40, 144


def metas(data):
    if struct.unpack_from("<I", data, OFF_MAGIC)[0] != MAGIC:
        raise ValueError("not an LMDB data file (64-bit little-endian)")
    psize = struct.unpack_from("<I", data, OFF_PSIZE)[0]
    if psize < 512 or psize & (psize - 1):
        raise ValueError("implausible page size %d" % psize)
    out = []
    for p in (0, 1):
        base = p * psize
        if struct.unpack_from("<I", data, base + OFF_MAGIC)[0] != MAGIC:
            raise ValueError("meta page %d has no LMDB magic" % p)
        out.append((base + OFF_TXNID,
                    struct.unpack_from("<Q", data, base + OFF_TXNID)[0]))
    return out


def main(argv):
    if len(argv) == 3 and argv[1] == "-n":
        m = metas(open(argv[2], "rb").read())
        print(m[0][1], m[1][1])
        return 0
    if len(argv) != 2:
        sys.stderr.write(__doc__)
        return 2
    data = bytearray(open(argv[1], "rb").read())
    m = metas(data)
    new, old = (m[0], m[1]) if m[0][1] > m[1][1] else (m[1], m[0])
    if old[1] == 0:
        raise ValueError("the older meta page is the empty first one")
    struct.pack_into("<Q", data, new[0], old[1] - 1)
    with open(argv[1], "r+b") as f:
        f.write(data)
    print("txnid %d -> %d" % (new[1], old[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
