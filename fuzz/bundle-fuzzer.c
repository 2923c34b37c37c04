/*
 * bundle-fuzzer.c: a bundle file (bundle_reader_open() and every entry
 * through bundle_reader_next(), twice, as an import reads it), and the
 * same bytes as a state file (bundle_state_decode()).
 */
#include <stdint.h>
#include <stddef.h>
#include <stdio.h>

#include "../storage/bundle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const unsigned char *bytes;
	bundle_reader *b = NULL;
	bundle_state st;
	const char *why = NULL;
	size_t len;
	FILE *f;
	int pass;

	if (size > 0 && (f = fmemopen((void *)data, size, "rb")) != NULL &&
	    bundle_reader_open(&b, f, &why) == 0) {
		for (pass = 0; pass < 2; pass++) {
			while (bundle_reader_next(b, &bytes, &len) == 0 &&
			    bytes != NULL)
				;
			if (bundle_reader_rewind(b) != 0)
				break;
		}
		bundle_reader_close(b);
	}
	if (bundle_state_decode(&st, data, size, &why) == 0)
		bundle_state_done(&st);
	return 0;
}
