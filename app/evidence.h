/*
 * evidence.h: what the record proves against its members (prefix
 * evidence_): the forks this store keeps (two signed entries for one
 * author and seq, docs/FORMAT.md section 11, "Fork evidence") and the
 * member faults (section 7), gathered per member, for `verify`, `audit`
 * and the UI's header.
 *
 * Evidence is a verdict about members, not about the record: a record
 * that holds it is still valid, and verify and audit exit 3 (section
 * 11, "Exit status").
 */
#ifndef DETENTE_EVIDENCE_H
#define DETENTE_EVIDENCE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "../crypto/keys.h"
#include "../storage/entry.h"
#include "../storage/faults.h"
#include "../storage/record.h"

/* One fork the store keeps, both signatures checked. */
typedef struct evidence_fork {
	unsigned char author[KEY_PK_BYTES];
	uint64_t seq;
	unsigned char first[ENTRY_HASH_BYTES];
	unsigned char second[ENTRY_HASH_BYTES];
} evidence_fork;

/* What one member is shown to have done. */
typedef struct evidence_member {
	unsigned char pk[KEY_PK_BYTES];
	size_t forks;
	size_t faults;
} evidence_member;

typedef struct evidence_sum {
	evidence_fork *forks;
	size_t nforks;
	const record_fault *faults; /* the caller's, not copied */
	size_t nfaults;
	evidence_member *who;        /* in order of first appearance */
	size_t nwho;
} evidence_sum;

/*
 * evidence_gather() - the forks r's store keeps (a pair whose two
 * signatures do not both verify proves nothing and is left out) and the
 * member faults faults[0..nfaults) (held by the caller, which keeps them
 * alive as long as s), grouped by member.
 * @return 0, DT_ENOMEM, or a store error.  evidence_done() in any case.
 */
int evidence_gather(evidence_sum *s, record *r, const record_fault *faults,
    size_t nfaults);

void evidence_done(evidence_sum *s);

/* evidence_any() - 1 if s holds a fork or a member fault. */
int evidence_any(const evidence_sum *s);

/*
 * evidence_print() - one line per fork, then one line per member the
 * evidence is against ("EVIDENCE against NAME (party P, fingerprint
 * F): ..."), for verify and audit (prefix before each line).  Member
 * faults are printed by their own lines (exchange_fault_line()).
 */
void evidence_print_forks(FILE *out, const char *prefix, const record *r,
    const evidence_sum *s);
void evidence_print_members(FILE *out, const char *prefix, const record *r,
    const evidence_sum *s);

/* evidence_forks_json(), evidence_members_json() - the same as arrays. */
json_t *evidence_forks_json(const record *r, const evidence_sum *s);
json_t *evidence_members_json(const record *r, const evidence_sum *s);

/*
 * evidence_header() - a short phrase for the UI's header, in out:
 * "fork by us-del", "2 forks by us-del, 1 member fault by ru-del",
 * "forks by 3 members"; "" when there is none.  Names are rendered by
 * vis.h.
 */
void evidence_header(char *out, size_t outlen, const record *r,
    const evidence_sum *s);

#endif
