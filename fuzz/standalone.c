/*
 * standalone.c: a driver for the fuzz targets without libFuzzer, so that
 * `make check` runs every target (gcc, no instrumentation) on its seeds
 * and on deterministic mutations of them: the suite's short smoke run.
 * The long campaign is `make fuzz` with clang and libFuzzer.
 *
 *	NAME-smoke [-n MUTATIONS] [-s SEED] FILE...
 *
 * Each FILE is run as it is, then MUTATIONS times mutated (default 2000):
 * a bit flipped, a byte set, the input cut short, a piece repeated, or
 * random bytes inserted, one to four at a time.  Prints how many inputs
 * ran; a crash or a sanitizer report is the failure.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t
next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* mutate() - one to four edits of buf (len bytes, room for cap). */
static size_t
mutate(uint8_t *buf, size_t len, size_t cap)
{
	unsigned edits = 1 + (unsigned)(next() % 4), i;
	size_t at, n, k;

	for (i = 0; i < edits; i++) {
		switch (next() % 5) {
		case 0:
			if (len > 0)
				buf[next() % len] ^= (uint8_t)(1U << (next() % 8));
			break;
		case 1:
			if (len > 0)
				buf[next() % len] = (uint8_t)next();
			break;
		case 2:
			if (len > 0)
				len = next() % len;
			break;
		case 3:
			if (len == 0)
				break;
			at = next() % len;
			n = 1 + next() % (len - at);
			if (n > cap - len)
				n = cap - len;
			memmove(buf + at + n, buf + at, len - at);
			len += n;
			break;
		default:
			at = len ? next() % len : 0;
			n = 1 + next() % 16;
			if (n > cap - len)
				n = cap - len;
			memmove(buf + at + n, buf + at, len - at);
			for (k = 0; k < n; k++)
				buf[at + k] = (uint8_t)next();
			len += n;
			break;
		}
	}
	return len;
}

static uint8_t *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *b = NULL, *nb;
	size_t cap = 0, n;

	*len = 0;
	if (f == NULL)
		return NULL;
	for (;;) {
		if (*len == cap) {
			cap = cap ? 2 * cap : 4096;
			if ((nb = realloc(b, cap)) == NULL)
				break;
			b = nb;
		}
		if ((n = fread(b + *len, 1, cap - *len, f)) == 0)
			break;
		*len += n;
	}
	fclose(f);
	return b;
}

int
main(int argc, char **argv)
{
	unsigned long mutations = 2000, runs = 0, m;
	uint8_t *seed, *buf;
	size_t len, cap, n;
	int i = 1;

	for (; i < argc && argv[i][0] == '-'; i += 2) {
		if (i + 1 >= argc)
			goto usage;
		if (strcmp(argv[i], "-n") == 0)
			mutations = strtoul(argv[i + 1], NULL, 10);
		else if (strcmp(argv[i], "-s") == 0)
			rng = strtoull(argv[i + 1], NULL, 10) | 1U;
		else
			goto usage;
	}
	if (i >= argc)
		goto usage;
	for (; i < argc; i++) {
		if ((seed = slurp(argv[i], &len)) == NULL && len == 0) {
			seed = malloc(1);
			if (seed == NULL)
				return 2;
		}
		LLVMFuzzerTestOneInput(seed, len);
		runs++;
		cap = 2 * len + 64;
		if ((buf = malloc(cap)) == NULL)
			return 2;
		for (m = 0; m < mutations; m++) {
			memcpy(buf, seed, len);
			n = mutate(buf, len, cap);
			LLVMFuzzerTestOneInput(buf, n);
			runs++;
		}
		free(buf);
		free(seed);
	}
	printf("%lu inputs\n", runs);
	return 0;
usage:
	fprintf(stderr, "usage: %s [-n MUTATIONS] [-s SEED] FILE...\n", argv[0]);
	return 2;
}
