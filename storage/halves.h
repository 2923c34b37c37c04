/*
 * halves.h: one piece of work in two halves, the second on a thread of
 * its own when there is a second core (prefix halves_).
 *
 * For work split once into two independent halves (linking a view,
 * making and writing minutes); sigpool.h is for a stream of batches.
 */
#ifndef DETENTE_HALVES_H
#define DETENTE_HALVES_H

/* halves_two() - 1 if a second core is online, else 0. */
int halves_two(void);

/*
 * halves_run() - fn(a) and fn(b): b on a second thread if two, else (or
 * if no thread can be started) one after the other, on this thread.
 * fn(a) and fn(b) must touch only what is theirs, and read the rest.
 */
void halves_run(void *(*fn)(void *), void *a, void *b, int two);

#endif
