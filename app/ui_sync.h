/*
 * ui_sync.h: `:sync` in the terminal UI.  The UI runs `detente sync` as
 * a child process (its own binary, /proc/self/exe, with the UI's home,
 * dialogue and identity; the passphrase, when the UI read one, on a
 * pipe named by DETENTE_PASSPHRASE_FD), and reads what happens from the
 * child's --status-fd, one line per event, without blocking: the UI's
 * loop never waits on the network.  The child stores what peers send;
 * the UI's store poll shows it.
 */
#ifndef DETENTE_UI_SYNC_H
#define DETENTE_UI_SYNC_H

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "../crypto/keys.h"
#include "../storage/record.h"
#include "cli.h"

#define UI_SYNC_PEERS 8

enum { UI_SYNC_LINKED = 1, UI_SYNC_INSYNC, UI_SYNC_CUT, UI_SYNC_REDIAL };

struct ui_sync_peer {
	unsigned char pk[KEY_PK_BYTES];
	int state;           /* UI_SYNC_* */
	time_t synced;       /* when it was last in sync, or 0 */
};

typedef struct ui_sync {
	pid_t pid;           /* the child, or 0 */
	int sfd, efd;        /* its status and error pipes, or -1 */
	char sbuf[512], ebuf[512];
	size_t slen, elen;
	char where[300];     /* "listening on ADDR:PORT", "dialling ..." */
	char last_err[300];  /* the child's last error line */
	char ended[300];     /* why it ended (shown until the next start) */
	int stopped;         /* :sync stop ended it */
	int dials;           /* it dials out (a cut link is redialled) */
	struct ui_sync_peer peer[UI_SYNC_PEERS];
	size_t npeers;
} ui_sync;

/* ui_sync_init() - no child yet. */
void ui_sync_init(ui_sync *y);

/*
 * ui_sync_start() - start `detente sync ARGS` (argv[0] is "sync") as a
 * child of the UI.  @param[out] msg  what to say on failure.
 * @return 0, or -1 (msg says why).
 */
int ui_sync_start(ui_sync *y, struct cli_ctx *ctx, int argc, char **argv,
    char *msg, size_t msglen);

/* ui_sync_stop() - SIGTERM the child and wait for it (accepts none). */
void ui_sync_stop(ui_sync *y);

/* ui_sync_poll() - read what the child said; reap it when it ended.
 * @return 1 if anything changed. */
int ui_sync_poll(ui_sync *y);

/*
 * ui_sync_line() - the header's line: every peer (name, party,
 * fingerprint's first group, from the record's members) with its state
 * and how long ago it was in sync; "" when no sync ever ran.  Every text
 * from the record or the child goes through vis_buf().
 */
void ui_sync_line(const ui_sync *y, const record *rec, char *out,
    size_t len);

#endif
