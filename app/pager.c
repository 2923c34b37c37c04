/*
 * pager.c: long output through the user's pager (see pager.h).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "pager.h"

#define PAGER_DEFAULT "less -F -X"

/* on_path() - 1 if an executable called name is in a directory of $PATH. */
static int
on_path(const char *name)
{
	const char *path = getenv("PATH"), *p, *e;
	char file[4096];

	for (p = path != NULL ? path : "/usr/bin:/bin"; *p != '\0'; p = e) {
		e = strchr(p, ':');
		if (e == NULL)
			e = p + strlen(p);
		if (e > p &&
		    (size_t)snprintf(file, sizeof(file), "%.*s/%s",
			(int)(e - p), p, name) < sizeof(file) &&
		    access(file, X_OK) == 0)
			return 1;
		if (*e == ':')
			e++;
	}
	return 0;
}

void
pager_start(struct pager *p, struct cli_ctx *ctx)
{
	const char *cmd = getenv("PAGER");

	memset(p, 0, sizeof(*p));
	p->saved = ctx->out;
	if (ctx->out != stdout || !isatty(STDOUT_FILENO))
		return;
	if (cmd == NULL)
		cmd = on_path("less") ? PAGER_DEFAULT : NULL;
	if (cmd == NULL || cmd[strspn(cmd, " \t")] == '\0' ||
	    strcmp(cmd, "cat") == 0)
		return;
	fflush(stdout);
	if ((p->pipe = popen(cmd, "w")) == NULL)
		return;
	/* a user who quits the pager early ends the output, not detente */
	p->sigpipe = signal(SIGPIPE, SIG_IGN);
	ctx->out = p->pipe;
}

int
pager_end(struct pager *p, struct cli_ctx *ctx)
{
	int st, failed = 0;

	if (p->pipe != NULL) {
		fflush(p->pipe);
		st = pclose(p->pipe);
		signal(SIGPIPE, p->sigpipe);
		p->pipe = NULL;
		/* 126, 127: the shell could not run the pager at all */
		failed = st != -1 && WIFEXITED(st) &&
		    (WEXITSTATUS(st) == 126 || WEXITSTATUS(st) == 127);
	}
	if (p->saved != NULL)
		ctx->out = p->saved;
	return failed;
}
