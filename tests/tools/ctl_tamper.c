/*
 * ctl_tamper.c: change a control entry of a store, and the rows that
 * vouch for it, as anyone with write access to data.mdb can, for the
 * tests of the `checked` rows (docs/FORMAT.md section 8): an opening
 * trusts them, `detente verify` must not.
 *
 *   ctl_tamper rows STORE_DIR
 *       print the number of rows of `checked` that name an entry (not
 *       the summary row)
 *   ctl_tamper sig STORE_DIR AUTHOR_HEX [--row]
 *       flip a bit of the signature of the last entry of AUTHOR's feed
 *       (a control entry), and rewrite every row that names it so that
 *       the store agrees with the new bytes: `entries`, `hashes`,
 *       `order`, `control`, `kinds` and the feed's head (its watermark
 *       kept).  The `checked` row of the old bytes is left as it was;
 *       with --row, a row for the new bytes is written too, as a store
 *       that lies about what was checked would have it.  Prints the new
 *       leaf hash.
 *
 * Raw LMDB, from FORMAT.md section 8; exit 0, or 2 with a message.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lmdb.h>
#include <sodium.h>

#include "../../crypto/keys.h"
#include "../../storage/entry.h"
#include "../../storage/store.h"

static int
die(const char *what, int rc)
{
	fprintf(stderr, "ctl_tamper: %s%s%s\n", what, rc ? ": " : "",
	    rc ? mdb_strerror(rc) : "");
	return 2;
}

static void
be64(unsigned char *o, uint64_t v)
{
	int i;

	for (i = 7; i >= 0; i--, v >>= 8)
		o[i] = (unsigned char)(v & 0xff);
}

static uint64_t
get64(const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

int
main(int argc, char **argv)
{
	MDB_env *env = NULL;
	MDB_txn *txn = NULL;
	MDB_dbi ent, hashes, order, control, kinds, heads, checked;
	MDB_val k, d;
	unsigned char author[KEY_PK_BYTES], fk[KEY_PK_BYTES + 8];
	unsigned char ok[8 + KEY_PK_BYTES], kk[1 + 8 + KEY_PK_BYTES];
	unsigned char oldh[ENTRY_HASH_BYTES], newh[ENTRY_HASH_BYTES];
	unsigned char head[56], kv[ENTRY_HASH_BYTES + 8], *b = NULL;
	char hex[2 * ENTRY_HASH_BYTES + 1];
	uint64_t seq;
	size_t len;
	entry e;
	int rc, row = 0;

	if (sodium_init() < 0)
		return 2;
	if (argc < 3 || (strcmp(argv[1], "rows") != 0 &&
	    strcmp(argv[1], "sig") != 0) ||
	    (strcmp(argv[1], "sig") == 0 && argc != 4 && argc != 5)) {
		fprintf(stderr, "usage: ctl_tamper rows STORE_DIR | "
		    "ctl_tamper sig STORE_DIR AUTHOR_HEX [--row]\n");
		return 2;
	}
	row = argc == 5 && strcmp(argv[4], "--row") == 0;
	if ((rc = mdb_env_create(&env)) != 0 ||
	    (rc = mdb_env_set_maxdbs(env, 16)) != 0 ||
	    (rc = mdb_env_set_mapsize(env, (size_t)1 << 32)) != 0 ||
	    (rc = mdb_env_open(env, argv[2], MDB_NOTLS, 0600)) != 0 ||
	    (rc = mdb_txn_begin(env, NULL, 0, &txn)) != 0)
		return die("cannot open the store", rc);
	if ((rc = mdb_dbi_open(txn, "checked", 0, &checked)) != 0)
		return die("no `checked` database", rc);
	if (strcmp(argv[1], "rows") == 0) {
		MDB_cursor *c = NULL;
		MDB_cursor_op op = MDB_FIRST;
		size_t nrows = 0;

		/* the rows of entries (a leaf hash), not the summary row */
		if ((rc = mdb_cursor_open(txn, checked, &c)) != 0)
			return die("cursor", rc);
		for (; mdb_cursor_get(c, &k, &d, op) == 0; op = MDB_NEXT)
			nrows += k.mv_size == ENTRY_HASH_BYTES;
		mdb_cursor_close(c);
		printf("%zu\n", nrows);
		mdb_txn_abort(txn);
		mdb_env_close(env);
		return 0;
	}
	if (sodium_hex2bin(author, sizeof author, argv[3], strlen(argv[3]),
	    NULL, &len, NULL) != 0 || len != sizeof author)
		return die("AUTHOR_HEX: 64 hex digits", 0);
	if ((rc = mdb_dbi_open(txn, "entries", 0, &ent)) != 0 ||
	    (rc = mdb_dbi_open(txn, "hashes", 0, &hashes)) != 0 ||
	    (rc = mdb_dbi_open(txn, "order", 0, &order)) != 0 ||
	    (rc = mdb_dbi_open(txn, "control", 0, &control)) != 0 ||
	    (rc = mdb_dbi_open(txn, "kinds", 0, &kinds)) != 0 ||
	    (rc = mdb_dbi_open(txn, "heads", 0, &heads)) != 0)
		return die("a database is missing", rc);
	k.mv_size = sizeof author;
	k.mv_data = author;
	if ((rc = mdb_get(txn, heads, &k, &d)) != 0 || d.mv_size != 56)
		return die("no head row for AUTHOR", rc);
	memcpy(head, d.mv_data, 56);
	seq = get64(head) - 1;
	memcpy(fk, author, KEY_PK_BYTES);
	be64(fk + KEY_PK_BYTES, seq);
	k.mv_size = sizeof fk;
	k.mv_data = fk;
	if ((rc = mdb_get(txn, ent, &k, &d)) != 0)
		return die("the feed's last entry is missing", rc);
	len = d.mv_size;
	if ((b = malloc(len)) == NULL)
		return die("out of memory", 0);
	memcpy(b, d.mv_data, len);
	if (entry_parse(&e, b, len) != 0 || entry_kind_is_content(e.kind))
		return die("the feed's last entry is not a control entry", 0);
	entry_hash(oldh, b, len);
	b[(size_t)(e.sig - b) + 7] ^= 0x01;
	entry_hash(newh, b, len);
	/* entries */
	d.mv_size = len;
	d.mv_data = b;
	if ((rc = mdb_put(txn, ent, &k, &d, 0)) != 0)
		return die("put entries", rc);
	/* hashes: the old hash's row goes, the new one's comes */
	k.mv_size = sizeof oldh;
	k.mv_data = oldh;
	if ((rc = mdb_del(txn, hashes, &k, NULL)) != 0)
		return die("del hashes", rc);
	k.mv_data = newh;
	d.mv_size = sizeof fk;
	d.mv_data = fk;
	if ((rc = mdb_put(txn, hashes, &k, &d, 0)) != 0)
		return die("put hashes", rc);
	/* order and control: clock || author -> hash */
	be64(ok, e.clock);
	memcpy(ok + 8, author, KEY_PK_BYTES);
	k.mv_size = sizeof ok;
	k.mv_data = ok;
	d.mv_size = sizeof newh;
	d.mv_data = newh;
	if ((rc = mdb_put(txn, order, &k, &d, 0)) != 0 ||
	    (rc = mdb_put(txn, control, &k, &d, 0)) != 0)
		return die("put order, control", rc);
	/* kinds: kind || clock || author -> hash || seq */
	kk[0] = (unsigned char)e.kind;
	memcpy(kk + 1, ok, sizeof ok);
	memcpy(kv, newh, sizeof newh);
	be64(kv + sizeof newh, seq);
	k.mv_size = sizeof kk;
	k.mv_data = kk;
	d.mv_size = sizeof kv;
	d.mv_data = kv;
	if ((rc = mdb_put(txn, kinds, &k, &d, 0)) != 0)
		return die("put kinds", rc);
	/* the head: the new last hash, the watermark as it was */
	memcpy(head + 8, newh, sizeof newh);
	k.mv_size = sizeof author;
	k.mv_data = author;
	d.mv_size = sizeof head;
	d.mv_data = head;
	if ((rc = mdb_put(txn, heads, &k, &d, 0)) != 0)
		return die("put heads", rc);
	if (row) {
		unsigned char rv[KEY_PK_BYTES + 8 + 1];

		memcpy(rv, fk, sizeof fk);
		rv[sizeof fk] = (unsigned char)e.kind;
		k.mv_size = sizeof newh;
		k.mv_data = newh;
		d.mv_size = sizeof rv;
		d.mv_data = rv;
		if ((rc = mdb_put(txn, checked, &k, &d, 0)) != 0)
			return die("put checked", rc);
	}
	if ((rc = mdb_txn_commit(txn)) != 0)
		return die("commit", rc);
	mdb_env_close(env);
	sodium_bin2hex(hex, sizeof hex, newh, sizeof newh);
	printf("%s\n", hex);
	free(b);
	return 0;
}
