/*
 * msig.h: minutes-signature entries (prefix msig_): a head's minisign
 * signature of a meeting's minutes, carried in the record so that it
 * travels in bundles like every entry.  docs/FORMAT.md section 13,
 * "Signatures in the record", is normative.
 *
 * An entry of kind ENTRY_K_MINUTES_SIG (a control kind, heads only, so
 * auditors check it without the dialogue key) has the payload
 * {"meeting": n, "minisig": SIGFILE, "v": 1}, where SIGFILE is the whole
 * minisign signature file (four lines) the head wrote with `detente
 * minutes sign`; written out byte for byte, it is a file `minisign -Vm`
 * verifies.  The record holds no minutes, so a verifier checks what it
 * can without them: the file's form, the signer's key id, the signature
 * of the trusted comment, and that the comment names this dialogue, the
 * entry's meeting and the author.  The signature of the minutes' hash is
 * checked against a file (`detente minutes verify F --record`).
 */
#ifndef DETENTE_MSIG_H
#define DETENTE_MSIG_H

#include <stddef.h>
#include <stdint.h>

#include "../crypto/keys.h"
#include "entry.h"
#include "record.h"

/*
 * msig_check_entry() - the rules of a minutes-signature entry e of r
 * (FORMAT.md section 13), as step 8 of the verify walk; e's author is a
 * head (step 7).
 * @param[out] why  an English reason on failure.
 * @return 0; DT_EFORMAT (payload, signature file or trusted comment
 *         malformed, or naming another meeting or signer); DT_EDIALOGUE
 *         (another dialogue); DT_ESIG (another key, or the comment's
 *         signature does not verify); DT_ENOMEM.
 */
int msig_check_entry(const record *r, const entry *e, char *why, size_t whylen)
    __attribute__((warn_unused_result));

/*
 * msig_append() - append a minutes-signature entry of meeting by id (a
 * head) carrying the signature file sig (len bytes).
 * @param[out] hash  the new entry's leaf hash, or NULL.
 * @return 0 or record_append()'s error; DT_ERANGE for a meeting over
 *         INT64_MAX.
 */
int msig_append(record *r, const key_identity *id, uint64_t meeting,
    const char *sig, size_t len, unsigned char *hash);

/* One minutes-signature entry, as msig_list() returns it. */
typedef struct msig_item {
	unsigned char author[KEY_PK_BYTES];
	unsigned char hash[ENTRY_HASH_BYTES]; /* the entry's leaf hash */
	uint64_t meeting;
	char *sig; /* the signature file, malloc'd, NUL-terminated */
	size_t len;
} msig_item;

/*
 * msig_list() - every minutes-signature entry of meeting in r, in merged
 * order (entries whose payload cannot be read are left out: the verify
 * walk reports them).
 * @param[out] out  malloc'd array of *n items; free with msig_list_free().
 * @return 0, DT_ENOMEM, or a store error.
 */
int msig_list(msig_item **out, size_t *n, record *r, uint64_t meeting);

/* msig_list_free() - free what msig_list() returned; accepts NULL. */
void msig_list_free(msig_item *v, size_t n);

#endif
