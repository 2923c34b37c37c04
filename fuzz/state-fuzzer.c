/*
 * state-fuzzer.c: a state file, as `bundle export --since FILE` reads it
 * (bundle_state_decode()), every feed looked up again by its author
 * (bundle_state_find()), and the decoded state encoded back: a state
 * file has one encoding, so what decodes must encode to the same bytes.
 */
#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "../storage/bundle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *enc = NULL;
	const char *why = NULL;
	bundle_state st;
	size_t i, len = 0;

	memset(&st, 0, sizeof st);
	if (bundle_state_decode(&st, data, size, &why) != 0)
		return 0;
	for (i = 0; i < st.nfeeds; i++)
		if (bundle_state_find(&st, st.feeds[i].author) != &st.feeds[i])
			abort(); /* authors are unique and ascending */
	if (bundle_state_encode(&enc, &len, &st) == 0) {
		if (len != size || memcmp(enc, data, size) != 0)
			abort(); /* decode accepted a second encoding */
		free(enc);
	}
	bundle_state_done(&st);
	return 0;
}
