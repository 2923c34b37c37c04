/*
 * gen.h: build a large dialogue record quickly, for benchmarks.
 *
 * The entries are real (built, encrypted and signed by entry_build(),
 * and stored by store_put()), but they are written many to a transaction
 * instead of one durable transaction each, which would take hours for a
 * million entries.  The record verifies like any other.
 */
#ifndef DETENTE_BENCH_GEN_H
#define DETENTE_BENCH_GEN_H

#include <stddef.h>
#include <stdint.h>

#include "../../crypto/keys.h"

#define GEN_AUTHORS 4

/*
 * gen_record() - a dialogue of parties RU and US with four members under
 * parent/<id>, one meeting, four agenda items, a commitment every 1000
 * entries (endorsed by both heads), and notes by all four members in
 * turn, n entries in all.  ids[] receive the four identities (seeds
 * 1..4); path receives the store's directory (malloc'd).
 * @return 0 or a DT_E* code.
 */
int gen_record(char **path, key_identity *ids[GEN_AUTHORS],
    const char *parent, uint64_t n, int progress);

/*
 * gen_record_ckpt() - gen_record(), where every `every` entries (0:
 * never) each of the four members also signs a checkpoint of its feed
 * and then the two heads seal the meeting (every feed's size and root),
 * as a delegation does when a session closes; these count in n.
 */
int gen_record_ckpt(char **path, key_identity *ids[GEN_AUTHORS],
    const char *parent, uint64_t n, uint64_t every, int progress);

#define GEN_ITEMS 5

/*
 * gen_meeting() - the dialogue of gen_record(), with one meeting of n
 * entries in all (with the genesis and key wrap), as a meeting of a long
 * round reads: opened, attendance, five agenda items (bilingual), then
 * notes, statements, proposals and decisions in Russian and English (one
 * in seven with a translation; one in ten outside the agenda), each
 * decision endorsed by both heads, a commitment every 500 entries (also
 * endorsed), a correction every 1000, a commitment status every 2000 and
 * an agenda status every 2500.  The meeting is left open: close it with
 * gen_close(), after gen_checkpoints() if the minutes are to show them.
 * @return 0 or a DT_E* code.
 */
int gen_meeting(char **path, key_identity *ids[GEN_AUTHORS],
    const char *parent, uint64_t n, int progress);

/*
 * gen_close() - ru-head and then us-head close meeting in the record at
 * path (two more entries: closing is per side).
 * @return 0 or a DT_E* code.
 */
int gen_close(const char *path, key_identity *const ids[GEN_AUTHORS],
    int64_t meeting);

/*
 * gen_checkpoints() - append to each of the four feeds of the record at
 * path a checkpoint entry covering the whole feed, signed by its author
 * (as `detente checkpoint` writes it).
 * @return 0 or a DT_E* code.
 */
int gen_checkpoints(const char *path, key_identity *const ids[GEN_AUTHORS]);

/*
 * gen_identities() - the four identities of the generated dialogues
 * (seeds 1..4: ru-head, us-head, ru-expert, us-expert).
 * @return 0 or a DT_E* code.
 */
int gen_identities(key_identity *ids[GEN_AUTHORS]);

/* gen_now() - a monotonic clock in seconds. */
double gen_now(void);

/*
 * gen_cpu() - CPU seconds, user and system, spent so far by this thread
 * (RUSAGE_THREAD) or by the whole process (RUSAGE_SELF): what a run
 * costs whatever else the machine is doing.
 */
double gen_cpu(int who);

#endif
