/*
 * note-fuzzer.c: a C2SP signed note (note_open(), note_verify() against a
 * fixed key), its text as a tlog checkpoint (note_checkpoint_parse()) and
 * as a seal's text (seal_text_parse()).
 */
#include <stdint.h>
#include <stddef.h>
#include <string.h>

#include "../crypto/note.h"
#include "../storage/seal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static note_sig sigs[NOTE_SIGS_MAX];
	note_verifier v;
	note_checkpoint cp;
	seal_text st;
	const char *text;
	size_t textlen, nsigs = 0;
	uint64_t mask;

	memset(&v, 0, sizeof v);
	v.name = "example.com/origin";
	memset(v.pk, 0x42, sizeof v.pk);
	if (note_verify((const char *)data, size, &v, 1, &mask) == 0)
		mask = 0; /* no key signs the fuzzer's inputs: never here */
	if (note_open(&text, &textlen, sigs, &nsigs, (const char *)data,
	    size) == 0) {
		if (note_checkpoint_parse(&cp, text, textlen) == 0)
			(void)cp.size;
		if (seal_text_parse(&st, text, textlen) == 0)
			seal_text_done(&st);
	}
	if (note_checkpoint_parse(&cp, (const char *)data, size) == 0)
		(void)cp.size;
	return 0;
}
