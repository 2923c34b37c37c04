/*
 * payload.h: the JSON bodies of entries (prefix payload_).
 *
 * Every body is one UTF-8 JSON object, written by jansson with sorted
 * keys and no white space (payload_dump()).  Verifiers read the exact
 * signed bytes; nothing is ever re-serialized before a check.  The
 * fields of each kind are listed in docs/FORMAT.md ("Payloads").
 */
#ifndef DETENTE_PAYLOAD_H
#define DETENTE_PAYLOAD_H

#include <stddef.h>
#include <jansson.h>

#define PAYLOAD_VERSION 1
#define PAYLOAD_PARTY_MAX 15U
/*
 * The deepest nesting of arrays and objects a payload may have, its own
 * object counting as 1 (docs/FORMAT.md, "What a reader accepts").  It is
 * jansson's own parsing limit too, but checked here so that the format
 * does not change with the library.
 */
#define PAYLOAD_DEPTH_MAX 2048U

/*
 * The fields that name things, as detente writes them (a writer's rule,
 * not a verifier's: docs/FORMAT.md, "Text fields"): at most this many
 * bytes, one line, no character that storage/vis.h calls unsafe.
 */
#define PAYLOAD_TITLE_MAX 500U   /* genesis and meeting-open "title" */
#define PAYLOAD_PLACE_MAX 200U   /* meeting-open "place" */
#define PAYLOAD_OWNER_MAX 200U   /* commitment "owner" */
#define PAYLOAD_NAME_MAX 63U     /* member "name" (KEY_NAME_MAX) */

/*
 * payload_dump() - serialize obj canonically (JSON_COMPACT |
 * JSON_SORT_KEYS, UTF-8 kept as is).  Returns text allocated by
 * jansson's allocator, or NULL; release it with payload_free().
 */
char *payload_dump(const json_t *obj);

/* payload_free() - wipe and free what payload_dump() returned; NULL ok. */
void payload_free(char *text);

/*
 * payload_parse() - parse len bytes as one JSON object with "v": 1.
 * @return a new reference, or NULL (not JSON, not an object, bad v,
 *         NUL bytes inside, trailing bytes, or arrays and objects nested
 *         deeper than PAYLOAD_DEPTH_MAX).
 */
json_t *payload_parse(const unsigned char *text, size_t len);

/*
 * payload_check() - 0 if obj has every field kind requires, of the right
 * type (hex hashes and keys of 64 digits, states from their lists, dates
 * as YYYY-MM-DD, text lists non-empty), else DT_EFORMAT.
 */
int payload_check(unsigned kind, const json_t *obj);

/*
 * payload_fields_check() - the writer's rule for the fields of obj (a
 * payload of kind) that name things: the genesis "title" and its
 * members' "name", a member-add's "name", a meeting-open's "title" and
 * "place", a commitment's "owner".  Each present must pass
 * vis_field_check() with its limit above.  Verification does not apply
 * it (the other side's software need not); record_create(),
 * record_append() and record_add_member() do, so detente never writes
 * such a field.
 * @param[out] field  the first field that fails (may be NULL).
 * @return 0, DT_ERANGE (empty or too long) or DT_EFORMAT (a control
 *         character, a line break, a bidirectional control, bad UTF-8).
 */
int payload_fields_check(unsigned kind, const json_t *obj,
    const char **field);

/*
 * payload_fields_check_text() - payload_fields_check() on a payload's
 * text (parsed only for the kinds that have such fields).
 */
int payload_fields_check_text(unsigned kind, const char *payload,
    const char **field);

/*
 * payload_text() - a text list [{"lang","role","body"}] with one entry.
 * role is "authentic" or "translation".  Returns a new reference.
 */
json_t *payload_text(const char *lang, const char *role, const char *body);

/*
 * payload_text_pick() - the body in lang (or, failing that, the first
 * authentic one, or the first); borrowed from obj's "text" or NULL.
 */
const char *payload_text_pick(const json_t *obj, const char *field,
    const char *lang);

/* payload_party_valid() - 1 for 1..15 upper-case ASCII letters/digits. */
int payload_party_valid(const char *party);

/* payload_date_valid() - 1 for a real calendar date YYYY-MM-DD. */
int payload_date_valid(const char *date);

/* payload_hex_valid() - 1 for exactly n lower-case hex digits. */
int payload_hex_valid(const char *s, size_t n);

/*
 * payload_wipe_alloc() - make jansson allocate through a wrapper that
 * zeroes every block before freeing it, so that decrypted text parsed
 * into JSON does not linger in freed heap memory.  Call once, before
 * any JSON is built or parsed (json_set_alloc_funcs() is global).
 */
void payload_wipe_alloc(void);

/* Agenda and commitment states, NULL-terminated lists. */
extern const char *const payload_agenda_states[];
extern const char *const payload_commitment_states[];

/* payload_state_valid() - 1 if s is in the NULL-terminated list. */
int payload_state_valid(const char *const *list, const char *s);

#endif
