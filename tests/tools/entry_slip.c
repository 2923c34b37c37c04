/*
 * entry_slip.c: slip an entry into a dialogue's store past the rules, as a
 * damaged or hostile store would hold it, for the tests of what
 * `detente verify` and `detente audit` say about an entry that breaks a
 * rule of docs/FORMAT.md section 7 (the clock rule, say).
 *
 *   entry_slip [--verified] STORE_DIR BUNDLE
 *
 * Stores the last entry of BUNDLE (tests/tools/bundle_tool.py writes one
 * with a member-signed note of any clock) with store_put(), as seal_slip
 * does: every index agrees with it and its own signature holds; only
 * the rule it breaks is wrong with it.  The feed's verified watermark is
 * left where it was, as it would be after a write by another program;
 * with --verified it is moved past the entry, as a store that lies about
 * what was checked would have it, so that opening the record does not
 * check the entry and a writer builds on it.
 * Prints the entry's hash.  Exit 0, or 2 with a message.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "../../crypto/err.h"
#include "../../storage/bundle.h"
#include "../../storage/entry.h"
#include "../../storage/store.h"

static int
die(const char *what, int rc)
{
	fprintf(stderr, "entry_slip: %s: %s\n", what,
	    rc ? dt_strerror(rc) : "");
	return 2;
}

int
main(int argc, char **argv)
{
	unsigned char hash[ENTRY_HASH_BYTES], *last = NULL, *nl;
	char hex[2 * ENTRY_HASH_BYTES + 1];
	const unsigned char *bytes;
	const char *why = NULL;
	bundle_reader *b = NULL;
	size_t len, lastlen = 0;
	store *s = NULL;
	store_txn *t = NULL;
	entry e;
	int rc, ret = 2, verified = 0;

	if (argc == 4 && strcmp(argv[1], "--verified") == 0) {
		verified = 1;
		argv++;
		argc--;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: entry_slip [--verified] STORE_DIR "
		    "BUNDLE\n");
		return 2;
	}
	if (sodium_init() < 0)
		return die("sodium_init", 0);
	if ((rc = bundle_reader_open_path(&b, argv[2], 0, &why)) != 0) {
		fprintf(stderr, "entry_slip: cannot read the bundle: %s\n",
		    why != NULL ? why : dt_strerror(rc));
		return 2;
	}
	while ((rc = bundle_reader_next(b, &bytes, &len)) == 0 &&
	    bytes != NULL) {
		if ((nl = realloc(last, len)) == NULL) {
			rc = DT_ENOMEM;
			break;
		}
		last = nl;
		memcpy(last, bytes, len);
		lastlen = len;
	}
	if (rc != 0 || last == NULL) {
		ret = die("the bundle holds no entry", rc);
		goto out;
	}
	if ((rc = entry_parse(&e, last, lastlen)) != 0) {
		ret = die("the last entry does not parse", rc);
		goto out;
	}
	entry_hash(hash, last, lastlen);
	if ((rc = store_open(&s, argv[1], 0)) != 0 ||
	    (rc = store_txn_begin(&t, s, 1)) != 0) {
		ret = die("cannot open the store", rc);
		goto out;
	}
	if ((rc = store_put(t, &e, hash)) != 0) {
		ret = die("cannot store the entry", rc);
		goto out;
	}
	if (verified && (rc = store_head_set_verified(t, e.author,
	    e.seq + 1)) != 0) {
		ret = die("cannot move the verified watermark", rc);
		goto out;
	}
	rc = store_txn_commit(t);
	t = NULL;
	if (rc != 0) {
		ret = die("cannot commit the entry", rc);
		goto out;
	}
	sodium_bin2hex(hex, sizeof(hex), hash, sizeof(hash));
	printf("%s\n", hex);
	ret = 0;
out:
	store_txn_abort(t);
	store_close(s);
	bundle_reader_close(b);
	free(last);
	return ret;
}
