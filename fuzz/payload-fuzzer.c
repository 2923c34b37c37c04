/*
 * payload-fuzzer.c: a payload (payload_parse()) checked against the rules
 * of every entry kind (payload_check()).
 */
#include <stdint.h>
#include <stddef.h>

#include <jansson.h>

#include "../storage/entry.h"
#include "../storage/payload.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *o;
	unsigned k;

	if ((o = payload_parse(data, size)) == NULL)
		return 0;
	for (k = 0; k < 64; k++)
		if (entry_kind_known(k))
			(void)payload_check(k, o);
	json_decref(o);
	return 0;
}
