/*
 * join-fuzzer.c: what `dialogue join` reads before it shows the ceremony
 * screen.  The input is a genesis payload; the target signs it as a
 * genesis by alice of tests/vectors/keys.txt (so that the bytes get past
 * the signature check, to the parsing a forger controls), puts it in a
 * bundle, and joins that bundle (record_join()) into a scratch directory.
 * The confirm step reads everything the screen shows (title, parties,
 * heads, members, their fingerprints) and then declines, so that nothing
 * stays behind: record_join() must remove its temporary store, which the
 * target checks.
 */
#include <sys/mman.h>
#include <dirent.h>
#include <stdint.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "../crypto/err.h"
#include "../crypto/keys.h"
#include "../storage/bundle.h"
#include "../storage/entry.h"
#include "../storage/record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char scratch[] = "/tmp/detente-join-fuzz.XXXXXX";
static int ready;
static key_identity *alice;

static void
cleanup(void)
{
	rmdir(scratch);
	key_identity_free(alice);
}

static int
setup(void)
{
	unsigned char seed[KEY_SEED_BYTES];
	unsigned i;

	if (ready)
		return ready > 0;
	ready = -1;
	/* /dev/shm, where there is one: LMDB syncs every commit. */
	if (access("/dev/shm", W_OK) == 0)
		memcpy(scratch, "/dev/shm", 8);
	for (i = 0; i < sizeof seed; i++)
		seed[i] = (unsigned char)i;
	if (sodium_init() < 0 || mkdtemp(scratch) == NULL ||
	    key_identity_from_seed(&alice, "alice", seed) != 0)
		return 0;
	atexit(cleanup);
	ready = 1;
	return 1;
}

/* What show() in app/cmd_join.c reads of the record it is given. */
static int
confirm(void *arg, record *r, const record_import_stats *st)
{
	char fp[KEY_FINGERPRINT_BYTES];
	const record_member *m;
	size_t i, n = 0;

	(void)arg;
	n += strlen(record_title(r));
	for (i = 0; i < record_nparties(r); i++) {
		n += strlen(record_party(r, i));
		if ((m = record_head_of(r, record_party(r, i))) != NULL) {
			key_fingerprint(fp, m->pk);
			n += strlen(m->name) + strlen(m->party);
		}
	}
	for (i = 0; i < record_nmembers(r); i++) {
		m = record_member_at(r, i);
		key_fingerprint(fp, m->pk);
		n += strlen(m->name) + strlen(m->party) + (size_t)m->role;
	}
	n += (size_t)(st->added + st->known + st->held);
	return n == (size_t)-1 ? DT_EINVAL : DT_ESTATE; /* decline */
}

static int
empty(const char *dir)
{
	struct dirent *d;
	DIR *p;
	int n = 0;

	if ((p = opendir(dir)) == NULL)
		return 0;
	while ((d = readdir(p)) != NULL)
		if (strcmp(d->d_name, ".") != 0 && strcmp(d->d_name, "..") != 0)
			n++;
	closedir(p);
	return n == 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *gb = NULL, id[ENTRY_HASH_BYTES];
	record_import_stats st;
	bundle_writer *w = NULL;
	bundle_reader *b = NULL;
	record_failure f;
	record *r = NULL;
	const char *why;
	entry_draft d;
	size_t glen;
	FILE *fw = NULL, *fr = NULL;
	int fd = -1, rc;

	if (!setup())
		return 0;
	memset(&d, 0, sizeof d);
	d.kind = ENTRY_K_GENESIS;
	d.clock = 1;
	d.time_ms = 1700000000000ULL;
	d.payload = data;
	d.payload_len = size;
	if (entry_build(&gb, &glen, &d, alice) != 0)
		goto out;
	entry_hash(id, gb, glen);
	if ((fd = memfd_create("join", 0)) < 0 ||
	    (fw = fdopen(dup(fd), "wb")) == NULL)
		goto out;
	if (bundle_writer_begin(&w, fw, id, 1) != 0 ||
	    bundle_writer_add(w, gb, glen) != 0)
		goto out;
	rc = bundle_writer_end(w);
	w = NULL;
	if (rc != 0 || fflush(fw) != 0)
		goto out;
	if ((fr = fdopen(fd, "rb")) == NULL)
		goto out;
	fd = -1;
	rewind(fr);
	if (bundle_reader_open(&b, fr, 0, &why) != 0) {
		fr = NULL; /* the reader owns it, failed or not */
		goto out;
	}
	fr = NULL;
	rc = record_join(&r, scratch, b, 0, confirm, NULL, &st, &f);
	if (rc == 0)
		abort(); /* confirm() declined: nothing may be joined */
	if (!empty(scratch))
		abort(); /* a refused join left a store behind */
out:
	record_close(r);
	bundle_reader_close(b);
	bundle_writer_abort(w);
	if (fw != NULL)
		fclose(fw);
	if (fr != NULL)
		fclose(fr);
	if (fd >= 0)
		close(fd);
	free(gb);
	return 0;
}
