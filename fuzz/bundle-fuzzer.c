/*
 * bundle-fuzzer.c: a bundle file (bundle_reader_open() and every entry
 * through bundle_reader_next(), twice), the same file checked late, as
 * an import reads it (BUNDLE_CHECK_LATE, which must accept exactly what
 * the whole-file check accepts), and the same bytes as a state file
 * (bundle_state_decode()).
 */
#define _GNU_SOURCE
#include <sys/mman.h>
#include <stdint.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "../storage/bundle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * A real file: the reader fstat()s its stream to notice a file that
 * changes under it, which a memory stream cannot answer.
 */
static FILE *
file_of(const uint8_t *data, size_t size)
{
	FILE *f;
	int fd;

	if ((fd = memfd_create("bundle", 0)) < 0)
		return NULL;
	if (write(fd, data, size) != (ssize_t)size ||
	    (f = fdopen(fd, "rb")) == NULL) {
		close(fd);
		return NULL;
	}
	rewind(f);
	return f;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const unsigned char *bytes;
	bundle_reader *b = NULL;
	bundle_state st;
	const char *why = NULL;
	size_t len;
	FILE *f;
	int pass, full = -1, late, tried = 0;

	if (size > 0 && (f = file_of(data, size)) != NULL &&
	    (tried = 1, full = bundle_reader_open(&b, f, 0, &why)) == 0) {
		for (pass = 0; pass < 2; pass++) {
			while (bundle_reader_next(b, &bytes, &len) == 0 &&
			    bytes != NULL)
				;
			if (bundle_reader_rewind(b) != 0)
				break;
		}
		bundle_reader_close(b);
	}
	/*
	 * A late check must come to what the whole-file check came to:
	 * its first pass and bundle_reader_check() together accept
	 * exactly the files bundle_reader_open() accepts.
	 */
	b = NULL;
	if (size > 0 && (f = file_of(data, size)) != NULL) {
		late = bundle_reader_open(&b, f, BUNDLE_CHECK_LATE, &why);
		while (late == 0 && (late = bundle_reader_next(b, &bytes,
		    &len)) == 0 && bytes != NULL)
			;
		if (late == 0 && bundle_reader_check(b, &why) != 0)
			abort(); /* the pass checked the file already */
		if (late != 0 && b != NULL && bundle_reader_check(b, &why) == 0)
			abort(); /* the pass failed on a sound file */
		if (tried && (late == 0) != (full == 0))
			abort();
		bundle_reader_close(b);
	}
	if (bundle_state_decode(&st, data, size, &why) == 0)
		bundle_state_done(&st);
	return 0;
}
