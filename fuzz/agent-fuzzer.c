/*
 * agent-fuzzer.c: the agent's request handling (agent_handle()) on a
 * stream of requests, each a 2-byte big-endian length and its bytes, in
 * one agent state (so that an add is followed by signs, opens, noise
 * mixes, lists, locks); and the client's reading of a list reply
 * (agent_list_parse()) on the whole input.
 */
#include <stdint.h>
#include <stddef.h>
#include <string.h>

#include <sodium.h>

#include "../app/agent.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static agent_key keys[AGENT_MAX_KEYS];
	agent_state *a = NULL;
	unsigned char *rep = NULL;
	uint32_t timeout, lifetime, pid;
	size_t o = 0, len, replen, n;

	if (sodium_init() < 0 || agent_state_new(&a, 60, 3600) != 0)
		return 0;
	while (size - o >= 2 && !agent_state_stopped(a)) {
		len = (size_t)data[o] << 8 | data[o + 1];
		o += 2;
		if (len > size - o)
			len = size - o;
		if (agent_handle(a, data + o, len, &rep, &replen) == 0) {
			if (replen < 1)
				__builtin_trap(); /* every reply has a status */
			sodium_free(rep);
			rep = NULL;
		}
		o += len;
	}
	agent_state_free(a);
	if (agent_list_parse(keys, &n, &timeout, &lifetime, &pid, data,
	    size) == 0 && n > AGENT_MAX_KEYS)
		__builtin_trap();
	return 0;
}
