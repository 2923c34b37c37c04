/*
 * outfile.h: every file a command writes because the person named it
 * (`-o FILE` of bundle export, bundle state, evidence and minutes export;
 * the signature file of minutes sign), under one set of rules
 * (prefix outfile_):
 *
 *   - "-" is standard output;
 *   - a name that does not exist is written to a temporary file beside
 *     it (mode as asked) and linked into place only when complete, so
 *     that nobody ever sees half a file under its name;
 *   - an existing regular file is never replaced unless OUTFILE_FORCE
 *     (--force): "F exists; use --force to replace it"; with it, the
 *     complete temporary file is renamed over it;
 *   - a file that is not a regular file (a terminal, /dev/null, a FIFO,
 *     a socket, a block device) is written in place: opened, never
 *     created, removed or renamed over;
 *   - a symbolic link is followed: what it points to decides, by the two
 *     rules above, and the link itself is never replaced; a link that
 *     points nowhere, or another user's link (but root's), is refused.
 *     (`-o /dev/stdout` and a shell's `-o >(gzip >F)` are links to what
 *     is not a regular file.)
 *   - a directory is refused.
 */
#ifndef DETENTE_OUTFILE_H
#define DETENTE_OUTFILE_H

#include <stdio.h>
#include <sys/types.h>

#include "cli.h"

/* outfile_open()'s flags: replace an existing regular file. */
#define OUTFILE_FORCE 0x1U

/* An output file between outfile_open() and outfile_close(). */
struct outfile {
	FILE *f;          /* write here */
	const char *path; /* as the person gave it (borrowed) */
	char *target;     /* the file that the temporary one becomes */
	char *tmp;        /* the temporary file; NULL: written in place */
	int replace;      /* rename over target (else link: never replace) */
	int is_stdout;    /* path "-": ctx->out */
};

/*
 * outfile_open() - open path for writing by the rules above.
 * @param[out] o     filled; o->f is where to write.
 * @param[in] flags  OUTFILE_FORCE, or 0.
 * @param[in] mode   of a file created (0600 for anything from the
 *                   record, 0644 for a signature).
 * @return CLI_OK, or an error line printed and CLI_USAGE.
 */
int outfile_open(struct cli_ctx *ctx, struct outfile *o, const char *path,
    unsigned flags, mode_t mode);

/*
 * outfile_close() - with ok: flush, sync, and put the file in place (an
 * error line and CLI_USAGE if any of that fails, or if path appeared
 * meanwhile); without ok: remove the temporary file, so nothing is left.
 * A file written in place is closed as it is (what was written stays).
 * Standard output is flushed, not closed.  Safe to call once after any
 * outfile_open() that returned CLI_OK.
 * @return CLI_OK when ok and all went well, else CLI_USAGE.
 */
int outfile_close(struct cli_ctx *ctx, struct outfile *o, int ok);

/* outfile_is_stdout() - 1 if path names standard output ("-"). */
int outfile_is_stdout(const char *path);

#endif
