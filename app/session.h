/*
 * session.h: opening what a command needs, with one clear error line for
 * each way it can fail (prefix session_).
 *
 * Every function here fills the context (cli.h) on success and leaves it
 * for cli_ctx_done() to release, so that a second call in the same
 * process (the terminal UI's `:` prompt) reuses what is open.  Each
 * returns CLI_OK, or an exit code after printing one error line.
 */
#ifndef DETENTE_SESSION_H
#define DETENTE_SESSION_H

#include <jansson.h>

#include "../crypto/keys.h"
#include "../storage/entry.h"
#include "../storage/view.h"
#include "cli.h"

/* session_home() - resolve ctx->home; with create, make its directories. */
int session_home(struct cli_ctx *ctx, int create);

/*
 * session_pick_identity() - the identity to act as (--as, the only one,
 * or the default), with its public key; no passphrase needed.
 * @param[out] pk  may be NULL.
 */
int session_pick_identity(struct cli_ctx *ctx, char name[KEY_NAME_MAX + 1],
    unsigned char pk[KEY_PK_BYTES]);

/*
 * session_read_passphrase() - read a passphrase from --passphrase-file,
 * DETENTE_PASSPHRASE_FD (read once and kept in ctx, since a descriptor
 * can be read only once) or the terminal.
 * @param[out] pass  sodium_malloc'd; passphrase_free().
 */
int session_read_passphrase(struct cli_ctx *ctx, char **pass, size_t *len,
    const char *prompt, int confirm);

/*
 * session_unlock() - ctx->id: held by the agent (agent.h) if one runs
 * and holds it, else unlocked with the passphrase.
 */
int session_unlock(struct cli_ctx *ctx);

/*
 * session_unlock_passphrase() - ctx->id unlocked with the passphrase,
 * never through the agent (`detente agent add`); an identity the agent
 * held is released first.
 */
int session_unlock_passphrase(struct cli_ctx *ctx);

/*
 * session_unlock_file() - unlock r with the identity in keyfile (an
 * identity file written by `detente id new`, a member's), asking for its
 * passphrase as session_read_passphrase() does (or through the agent,
 * if one holds that identity); the identity is wiped before it returns.  Not ctx->rec: a record the command opened itself
 * (`audit`, `minutes verify --bundle`).
 */
int session_unlock_file(struct cli_ctx *ctx, record *r, const char *keyfile);

/*
 * session_no_dialogue() - the error line for a home without a dialogue.
 * When neither --home nor DETENTE_HOME chose the home and `./dev demo`'s
 * home ($DETENTE_DEMO_HOME, else ~/.local/share/detente-demo) holds a
 * dialogue, the line says how to reach it; else how to make one, or to
 * choose another home.
 */
void session_no_dialogue(struct cli_ctx *ctx);

/*
 * session_dialogue_path() - the directory of the chosen dialogue
 * (--dialogue or the only one), without opening it.
 */
int session_dialogue_path(struct cli_ctx *ctx, char *path, size_t pathlen);

/*
 * session_open() - record_open(), with a progress bar on stderr (a
 * terminal) while it checks a record that lags; with DETENTE_DEBUG_OPEN
 * set, one line on stderr says what it checked (record_open_stats()).
 */
int session_open(record **out, const char *path);

/*
 * session_record() - ctx->rec, the chosen dialogue (--dialogue or the
 * only one), opened and checked without the key.  A record that opens
 * but failed a check gives a warning line, unless quiet.
 */
int session_record(struct cli_ctx *ctx, int quiet);

/*
 * session_record_key() - session_record(), then unlock the identity and
 * the dialogue key.  Not a member: CLI_FAIL.
 */
int session_record_key(struct cli_ctx *ctx);

/*
 * session_writable() - CLI_OK if ctx->rec (open) can be written to; else
 * one line (a read-only store: store_readonly()) and CLI_USAGE.
 */
int session_writable(struct cli_ctx *ctx);

/*
 * session_writer() - session_record_key(), and refuse (CLI_FAIL) if the
 * record failed a check or the identity may not write kind now
 * (CLI_USAGE: the store can only be read here).
 */
int session_writer(struct cli_ctx *ctx, unsigned kind);

/* session_view() - a view of ctx->rec; view_free() it. */
int session_view(struct cli_ctx *ctx, view **out);

/*
 * session_view_of() - session_view() of another record r (one the command
 * opened itself: the temporary store of a bundle).
 */
int session_view_of(struct cli_ctx *ctx, record *r, view **out);

/*
 * session_view_window() - a bounded view of ctx->rec (view.h,
 * view_load_window()); view_free() it.
 */
int session_view_window(struct cli_ctx *ctx, const view_window *w,
    view **out);

/*
 * session_view_structure() - a view of the record's structure only
 * (meetings, agenda, commitments, statuses, endorsements, corrections:
 * the indexed kinds), read through the kinds index: what `commitments`
 * and `meeting` show, at a cost that does not grow with the notes.
 */
int session_view_structure(struct cli_ctx *ctx, view **out);

/*
 * session_view_for() - resolve an entry id (as session_find()) through
 * the store's hash index, and a bounded view w (NULL: the record's
 * structure, as session_view_structure()) plus that entry and the entry
 * it targets, with the entry in *it.  What a command about one entry
 * needs (show, endorse, correct, mark), without reading every note.
 */
int session_view_for(struct cli_ctx *ctx, const char *id,
    const view_window *w, view **out, const view_item **it);

/*
 * session_find() - resolve an entry id (a hex prefix of 4 or more
 * digits) in v, with an error line if it is unknown or ambiguous.
 */
int session_find(struct cli_ctx *ctx, const view *v, const char *id,
    const view_item **out);

/*
 * session_append() - serialize payload (payload_dump()), append it as
 * kind to the identity's own feed, and print the new entry's short id.
 * @param[out] hash  may be NULL.
 */
/*
 * session_not_internal() - CLI_OK unless t is an internal note, which no
 * entry of the joint record may target (a correction or endorsement of
 * it would be read by the other side); then an error line naming id.
 */
int session_not_internal(struct cli_ctx *ctx, const view_item *t,
    const char *id);

/*
 * session_append_as() - session_append(), or with internal an internal
 * note (record_append_internal()): only the members of the writer's
 * party can read it.  Says why when the writer holds no party key.
 */
int session_append_as(struct cli_ctx *ctx, unsigned kind,
    const json_t *payload, int internal, unsigned char hash[ENTRY_HASH_BYTES]);
int session_append(struct cli_ctx *ctx, unsigned kind, const json_t *payload,
    unsigned char hash[ENTRY_HASH_BYTES]);

/*
 * session_meeting_for() - the meeting number for an entry about target
 * (an endorsement, a status mark, a correction) written now by ctx->id:
 * the meeting its side has open (view_current_meeting_for(), the rule
 * `add` follows), whatever the other side has closed or opened; else,
 * when its side has closed every meeting, the last one (the append is
 * then refused, naming it); else, with no meeting at all, the target's.
 */
long long session_meeting_for(struct cli_ctx *ctx, const view *v,
    const view_item *target);

/*
 * session_closes_missing() - the parties that have not closed m, as
 * "US" or "RU and US" (parties are A-Z and 0-9), into b; "" if none.
 */
const char *session_closes_missing(char *b, size_t cap, const view *v,
    const view_meeting *m);

#endif
