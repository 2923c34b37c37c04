/*
 * pager.h: long output through the user's pager (prefix pager_).
 *
 * Only when the output is standard output and a terminal: a pipe, a file
 * or the terminal UI's memory stream get the text as it is.  The pager is
 * $PAGER (run by /bin/sh, as git and man run it; empty or "cat": none),
 * else less -F -X when less is on the PATH (-F: quit at once when the
 * text fits on one screen; -X: leave it on the screen), else none.  No
 * -R: detente writes no colour, and without -R less itself shows any
 * control character that reached it as ^X, a second guard behind the
 * renderer that keeps record text safe.
 */
#ifndef DETENTE_PAGER_H
#define DETENTE_PAGER_H

#include <stdio.h>

#include "cli.h"

struct pager {
	FILE *saved; /* ctx->out before, restored by pager_end() */
	FILE *pipe; /* the pager's standard input, or NULL */
	void (*sigpipe)(int);
};

/*
 * pager_start() - if ctx->out is a terminal, start the pager and point
 * ctx->out at it; otherwise leave ctx->out alone.  A pager that cannot
 * start leaves the output on the terminal.
 */
void pager_start(struct pager *p, struct cli_ctx *ctx);

/*
 * pager_end() - wait for the pager to exit (the user quits it) and
 * restore ctx->out.  Output the user did not read because they quit
 * early is not an error.  @return 1 if the pager could not be run at
 * all (the shell's 126 or 127: the caller prints the text again,
 * directly), else 0.
 */
int pager_end(struct pager *p, struct cli_ctx *ctx);

#endif
