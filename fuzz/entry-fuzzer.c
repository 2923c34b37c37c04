/*
 * entry-fuzzer.c: entry_parse() on any bytes, and what a walk does next
 * with an entry that parses (hash, references, signature check).
 */
#include <stdint.h>
#include <stddef.h>

#include "../storage/entry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char h[ENTRY_HASH_BYTES];
	entry_ref ref;
	entry e;
	unsigned i;

	if (entry_parse(&e, data, size) != 0)
		return 0;
	entry_hash(h, data, size);
	for (i = 0; i < e.nrefs; i++)
		entry_ref_get(&ref, &e, i);
	(void)entry_kind_name(e.kind);
	(void)entry_verify_sig(&e);
	return 0;
}
