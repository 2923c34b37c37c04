/*
 * halves.c: one piece of work in two halves (see halves.h).
 */
#include <pthread.h>
#include <unistd.h>

#include "halves.h"

int
halves_two(void)
{
	return sysconf(_SC_NPROCESSORS_ONLN) > 1;
}

void
halves_run(void *(*fn)(void *), void *a, void *b, int two)
{
	pthread_t th;

	if (two && pthread_create(&th, NULL, fn, b) == 0) {
		fn(a);
		pthread_join(th, NULL);
		return;
	}
	fn(a);
	fn(b);
}
