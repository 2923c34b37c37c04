/*
 * entry.h: the bytes of one record entry (prefix entry_).
 *
 * An entry is header || body || signature, exactly as signed and stored.
 * All integers are big-endian.  docs/FORMAT.md ("Entry") is normative.
 *
 *   off  size  field
 *   0    4     magic "DTE" 0x01 (format version 1)
 *   4    1     kind (ENTRY_K_*)
 *   5    1     flags: bit 0 = body encrypted; bit 1 = key id in body;
 *                bit 2 = party-internal (ENTRY_FLAG_INTERNAL); others 0
 *   6    2     nrefs: number of causal references
 *   8    32    dialogue id (all zero in a genesis entry)
 *   40   32    author: Ed25519 public key
 *   72   8     seq: position in the author's feed, from 0
 *   80   8     clock: Lamport clock
 *   88   8     time: author's wall clock, Unix milliseconds (a claim)
 *   96   32    prev: leaf hash of the author's entry seq-1 (zero at seq 0)
 *   128  72*n  refs: (author 32, seq 8, leaf hash 32), authors ascending
 *   ..   4     body length L
 *   ..   L     body: control = JSON; content = nonce 24 || AEAD ciphertext
 *   ..   64    Ed25519 signature over "detente entry v1\0" || header || body
 *
 * The header is every byte before the body; it is the AEAD's associated
 * data.  The entry hash is the RFC 6962 leaf hash SHA-256(0x00 || entry).
 */
#ifndef DETENTE_ENTRY_H
#define DETENTE_ENTRY_H

#include <stddef.h>
#include <stdint.h>
#include "../crypto/keys.h"

#define ENTRY_MAGIC "DTE\x01"
#define ENTRY_HASH_BYTES 32U
#define ENTRY_FIXED_BYTES 128U
#define ENTRY_REF_BYTES 72U
#define ENTRY_NONCE_BYTES 24U
#define ENTRY_MAC_BYTES 16U
#define ENTRY_MAX_REFS 1024U
#define ENTRY_MAX_BODY (1024U * 1024U)
#define ENTRY_SIG_CTX "detente entry v1"
#define ENTRY_SIG_CTX_BYTES 17U /* including the NUL */
#define ENTRY_FLAG_ENCRYPTED 0x01U
/*
 * Bit 1, only with bit 0: the body starts with the 8-byte key id of the
 * key epoch it is encrypted under (epoch.h; FORMAT.md section 4, "Key
 * epochs").  Without it a content entry is of the dialogue's first epoch.
 */
#define ENTRY_FLAG_EPOCH 0x02U
#define ENTRY_EPOCH_BYTES 8U
/*
 * Bit 2, party-internal (FORMAT.md section 6, "Party keys and internal
 * notes"): on a note, with bits 0 and 1 (0x07), an internal note under a
 * party key, its plaintext padded to ENTRY_PAD_BLOCK; on a key wrap
 * alone (0x04), a party key wrap.  No other kind may carry it.
 */
#define ENTRY_FLAG_INTERNAL 0x04U
#define ENTRY_FLAGS_INTERNAL_NOTE 0x07U
#define ENTRY_PAD_BLOCK 256U

typedef enum entry_kind {
	/* control entries: body is clear JSON, readable without the key */
	ENTRY_K_GENESIS = 0x01,
	ENTRY_K_MEMBER_ADD = 0x02,
	ENTRY_K_MEMBER_REMOVE = 0x03,
	ENTRY_K_KEY_WRAP = 0x04,
	ENTRY_K_CHECKPOINT = 0x05,
	ENTRY_K_SEAL = 0x06,
	ENTRY_K_MINUTES_SIG = 0x07, /* a head's minisign signature of minutes */
	/* content entries: body encrypted with the dialogue key */
	ENTRY_K_MEETING_OPEN = 0x20,
	ENTRY_K_MEETING_CLOSE = 0x21,
	ENTRY_K_ATTENDANCE = 0x22,
	ENTRY_K_AGENDA = 0x23,
	ENTRY_K_AGENDA_STATUS = 0x24,
	ENTRY_K_NOTE = 0x25,
	ENTRY_K_STATEMENT = 0x26,
	ENTRY_K_PROPOSAL = 0x27,
	ENTRY_K_DECISION = 0x28,
	ENTRY_K_COMMITMENT = 0x29,
	ENTRY_K_COMMITMENT_STATUS = 0x2A,
	ENTRY_K_ENDORSEMENT = 0x2B,
	ENTRY_K_CORRECTION = 0x2C
} entry_kind;

typedef struct entry_ref {
	unsigned char author[KEY_PK_BYTES];
	uint64_t seq;
	unsigned char hash[ENTRY_HASH_BYTES];
} entry_ref;

/*
 * A parsed entry.  Every pointer points into the bytes it was parsed from
 * (entry_parse() copies nothing): the entry is valid only as long as they.
 */
typedef struct entry {
	const unsigned char *bytes; /* the whole entry */
	size_t len;
	unsigned kind;
	unsigned flags;
	unsigned nrefs;
	const unsigned char *dialogue;
	const unsigned char *author;
	uint64_t seq;
	uint64_t clock;
	uint64_t time_ms;
	const unsigned char *prev;
	const unsigned char *refs; /* nrefs * ENTRY_REF_BYTES */
	size_t header_len;         /* bytes before the body */
	const unsigned char *body;
	size_t body_len;
	const unsigned char *sig;
	/*
	 * A content entry's key epoch (ENTRY_EPOCH_BYTES of its body; NULL:
	 * the first epoch) and the rest of its body, nonce || ciphertext.
	 */
	const unsigned char *epoch;
	const unsigned char *sealed;
	size_t sealed_len;
} entry;

/* entry_kind_is_content() - 1 for kinds whose body is encrypted. */
int entry_kind_is_content(unsigned kind);

/* entry_kind_known() - 1 if this build knows kind. */
int entry_kind_known(unsigned kind);

/* entry_kind_name() - "note", "member-add", ...; "unknown" otherwise. */
const char *entry_kind_name(unsigned kind);

/* entry_kind_from_name() - the kind for a name, or 0. */
unsigned entry_kind_from_name(const char *name);

/*
 * entry_parse() - check the framing of len bytes and fill e.  Checks the
 * magic, flags against kind, known kind, limits, and that the lengths add
 * up exactly; it does not check the signature (entry_verify_sig()).
 * @return 0, DT_EFORMAT, DT_EVERSION, DT_ERANGE.
 */
int entry_parse(entry *e, const unsigned char *bytes, size_t len)
    __attribute__((warn_unused_result));

/* entry_ref_get() - the i-th reference of e (i < e->nrefs). */
void entry_ref_get(entry_ref *r, const entry *e, unsigned i);

/* entry_hash() - RFC 6962 leaf hash SHA-256(0x00 || bytes). */
void entry_hash(unsigned char out[ENTRY_HASH_BYTES],
    const unsigned char *bytes, size_t len);

/* entry_verify_sig() - 0 if e's signature by e->author verifies. */
int entry_verify_sig(const entry *e) __attribute__((warn_unused_result));

/* What the writer of a new entry decides; entry_build() does the rest. */
typedef struct entry_draft {
	unsigned kind;
	const unsigned char *dialogue; /* NULL for genesis */
	uint64_t seq;
	uint64_t clock;
	uint64_t time_ms;
	const unsigned char *prev;     /* NULL at seq 0 */
	const entry_ref *refs;
	unsigned nrefs;
	const unsigned char *payload;  /* the JSON text, clear */
	size_t payload_len;
	const unsigned char *key;      /* dialogue key, for content kinds */
	const unsigned char *epoch;    /* its key id (ENTRY_EPOCH_BYTES), or
	                                  NULL for the first epoch */
	const unsigned char *nonce;    /* NULL: random (vectors pass one) */
	int internal;                  /* ENTRY_FLAG_INTERNAL: an internal
	                                  note (epoch names a party key) or a
	                                  party key wrap */
} entry_draft;

/* entry_is_internal() - 1 for an internal note (flags 0x07). */
int entry_is_internal(const entry *e);

/*
 * entry_build() - encode, encrypt (content kinds) and sign a new entry.
 * @param[out] out     a malloc'd buffer with the entry; the caller frees.
 * @param[out] outlen  its length.
 * @param[in]  d       the draft; refs must be sorted by author, unique.
 * @param[in]  id      the author.
 * @return 0, DT_EINVAL, DT_ERANGE, DT_ENOKEY, DT_ENOMEM.
 */
int entry_build(unsigned char **out, size_t *outlen, const entry_draft *d,
    const key_identity *id);

/*
 * entry_open() - decrypt a content entry's body, or copy a control
 * entry's body.  The result is NUL-terminated (not counted in *outlen),
 * in sodium_malloc memory; free it with entry_plain_free().
 * An internal note's padding is removed: a plaintext without valid
 * padding does not decrypt (DT_EDECRYPT).
 * @return 0, DT_ENOKEY (content and key NULL), DT_EDECRYPT, DT_ENOMEM.
 */
int entry_open(unsigned char **out, size_t *outlen, const entry *e,
    const unsigned char *key) __attribute__((warn_unused_result));

/*
 * entry_open_into() - entry_open() into a buffer the caller owns (cap
 * bytes, at least the body length + 1; sodium_malloc memory that the
 * caller wipes), so that a walk over many entries does not map and unmap
 * guarded pages for each.  The result is NUL-terminated.
 * @return 0, DT_ERANGE (cap too small), DT_ENOKEY, DT_EDECRYPT.
 */
int entry_open_into(unsigned char *out, size_t cap, size_t *outlen,
    const entry *e, const unsigned char *key)
    __attribute__((warn_unused_result));

/* entry_plain_free() - wipe and free what entry_open() returned. */
void entry_plain_free(unsigned char *p, size_t len);

#endif
