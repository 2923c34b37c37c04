/*
 * ui_sync.c: `:sync` in the terminal UI, as a child process (ui_sync.h).
 *
 * Why a child: `detente sync` is a loop that owns its sockets, blocks
 * in connect() and the handshake, and commits what peers send; run in
 * the UI's process it would freeze the screen.  Run beside it, the two
 * share only the store (LMDB takes care of two writers) and a pipe of
 * status lines.  The child dies with the UI (PR_SET_PDEATHSIG on Linux,
 * and SIGTERM from ui_sync_stop() when the UI quits).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <sodium.h>

#include "../storage/vis.h"
#include "i18n.h"
#include "ui_sync.h"

#define STATUS_FD 3
#define PASS_FD 4

void
ui_sync_init(ui_sync *y)
{
	memset(y, 0, sizeof(*y));
	y->sfd = y->efd = -1;
}

/* child() - in the child: descriptors, signals, then exec. */
static void
child(char **args, int sfd, int efd, int pfd)
{
	sigset_t all;
	int sig, fd, nul;

	for (sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			(void)signal(sig, SIG_DFL);
	sigemptyset(&all);
	(void)sigprocmask(SIG_SETMASK, &all, NULL);
	/*
	 * No controlling terminal: the screen is the UI's, and a child
	 * that needed a passphrase it was not given (an agent that forgot
	 * the identity) must fail with a line, not prompt over curses.
	 */
	(void)setsid();
#ifdef __linux__
	(void)prctl(PR_SET_PDEATHSIG, SIGTERM);
#endif
	/* out of the way of 0-4 first */
	sfd = fcntl(sfd, F_DUPFD, 10);
	efd = fcntl(efd, F_DUPFD, 10);
	if (pfd >= 0)
		pfd = fcntl(pfd, F_DUPFD, 10);
	if (sfd < 0 || efd < 0 || (nul = open("/dev/null", O_RDWR)) < 0)
		_exit(127);
	(void)dup2(nul, 0);
	(void)dup2(nul, 1);
	(void)dup2(efd, 2);
	(void)dup2(sfd, STATUS_FD);
	if (pfd >= 0) {
		(void)dup2(pfd, PASS_FD);
		(void)setenv("DETENTE_PASSPHRASE_FD", "4", 1);
	} else
		(void)unsetenv("DETENTE_PASSPHRASE_FD");
	for (fd = pfd >= 0 ? PASS_FD + 1 : STATUS_FD + 1; fd < 1024; fd++)
		(void)close(fd);
	execv("/proc/self/exe", args);
	dprintf(2, "%s: %s\n", _("cannot start detente"), strerror(errno));
	_exit(127);
}

int
ui_sync_start(ui_sync *y, struct cli_ctx *ctx, int argc, char **argv,
    char *msg, size_t msglen)
{
	char *args[48];
	int n = 0, i, sp[2] = { -1, -1 }, ep[2] = { -1, -1 };
	int pp[2] = { -1, -1 };
	pid_t pid;

	if (y->pid != 0) {
		snprintf(msg, msglen, "%s", _("a sync runs already: `:sync "
		    "stop` first"));
		return -1;
	}
	if (argc < 2 || (strcmp(argv[1], "listen") == 0 && argc > 3) ||
	    argc > 17 || argv[1][0] == '-') {
		snprintf(msg, msglen, "%s", _("use :sync HOST[:PORT], :sync "
		    "listen [ADDR:PORT] or :sync stop"));
		return -1;
	}
	args[n++] = "detente";
	args[n++] = "--home";
	args[n++] = ctx->home;
	if (ctx->as != NULL) {
		args[n++] = "--as";
		args[n++] = (char *)ctx->as;
	}
	if (ctx->dialogue != NULL) {
		args[n++] = "--dialogue";
		args[n++] = (char *)ctx->dialogue;
	}
	args[n++] = "sync";
	args[n++] = "--status-fd";
	args[n++] = "3";
	if (strcmp(argv[1], "listen") == 0) {
		args[n++] = "listen";
		if (argc == 3) {
			args[n++] = "--bind";
			args[n++] = argv[2];
		}
	} else {
		args[n++] = "--";
		for (i = 1; i < argc; i++)
			args[n++] = argv[i];
	}
	args[n] = NULL;
	if (pipe2(sp, O_CLOEXEC) != 0 || pipe2(ep, O_CLOEXEC) != 0 ||
	    (ctx->pass != NULL && pipe2(pp, O_CLOEXEC) != 0)) {
		snprintf(msg, msglen, "%s: %s", _("cannot start the sync"),
		    strerror(errno));
		goto fail;
	}
	/* a line of a pipe's buffer, read once by the child */
	if (ctx->pass != NULL && (write(pp[1], ctx->pass, ctx->passlen) !=
	    (ssize_t)ctx->passlen || write(pp[1], "\n", 1) != 1)) {
		snprintf(msg, msglen, "%s: %s", _("cannot start the sync"),
		    strerror(errno));
		goto fail;
	}
	if (pp[1] >= 0) {
		close(pp[1]);
		pp[1] = -1;
	}
	if ((pid = fork()) < 0) {
		snprintf(msg, msglen, "%s: %s", _("cannot start the sync"),
		    strerror(errno));
		goto fail;
	}
	if (pid == 0)
		child(args, sp[1], ep[1], pp[0]);
	close(sp[1]);
	close(ep[1]);
	if (pp[0] >= 0)
		close(pp[0]);
	(void)fcntl(sp[0], F_SETFL, O_NONBLOCK);
	(void)fcntl(ep[0], F_SETFL, O_NONBLOCK);
	ui_sync_init(y);
	y->pid = pid;
	y->sfd = sp[0];
	y->efd = ep[0];
	y->dials = strcmp(argv[1], "listen") != 0;
	return 0;
fail:
	for (i = 0; i < 2; i++) {
		if (sp[i] >= 0)
			close(sp[i]);
		if (ep[i] >= 0)
			close(ep[i]);
		if (pp[i] >= 0)
			close(pp[i]);
	}
	return -1;
}

/* peer_of() - the slot of the peer whose key is hex (added if new). */
static struct ui_sync_peer *
peer_of(ui_sync *y, const char *hex)
{
	unsigned char pk[KEY_PK_BYTES];
	size_t i, bl = 0;

	if (sodium_hex2bin(pk, sizeof(pk), hex, strlen(hex), NULL, &bl,
	    NULL) != 0 || bl != sizeof(pk))
		return NULL;
	for (i = 0; i < y->npeers; i++)
		if (memcmp(y->peer[i].pk, pk, sizeof(pk)) == 0)
			return &y->peer[i];
	if (y->npeers == UI_SYNC_PEERS)
		return NULL;
	memset(&y->peer[y->npeers], 0, sizeof(y->peer[0]));
	memcpy(y->peer[y->npeers].pk, pk, sizeof(pk));
	return &y->peer[y->npeers++];
}

/* status_line() - one line of the child's --status-fd. */
static void
status_line(ui_sync *y, char *line)
{
	char *ev = strtok(line, " "), *who = strtok(NULL, " "),
	    *arg = strtok(NULL, "");
	struct ui_sync_peer *p;

	if (ev == NULL || who == NULL)
		return;
	if (strcmp(ev, "listening") == 0 && arg != NULL) {
		snprintf(y->where, sizeof(y->where), _("listening on %s"),
		    arg);
		return;
	}
	if (strcmp(ev, "dialling") == 0 && arg != NULL) {
		snprintf(y->where, sizeof(y->where), _("dialling %s"), arg);
		return;
	}
	if ((p = peer_of(y, who)) == NULL)
		return;
	if (strcmp(ev, "linked") == 0 || strcmp(ev, "received") == 0)
		p->state = UI_SYNC_LINKED;
	else if (strcmp(ev, "insync") == 0) {
		p->state = UI_SYNC_INSYNC;
		p->synced = time(NULL);
	} else if (strcmp(ev, "cut") == 0)
		p->state = UI_SYNC_CUT;
	else if (strcmp(ev, "redial") == 0)
		p->state = UI_SYNC_REDIAL;
}

/* drain() - read fd into buf; each whole line to status_line(), or
 * (the error pipe) into last_err. */
static int
drain(ui_sync *y, int fd, char *buf, size_t *len, size_t cap, int status)
{
	int changed = 0;

	while (fd >= 0) {
		char *nl;
		ssize_t r = read(fd, buf + *len, cap - 1 - *len);

		if (r <= 0)
			break;
		*len += (size_t)r;
		buf[*len] = '\0';
		while ((nl = memchr(buf, '\n', *len)) != NULL) {
			*nl = '\0';
			if (status)
				status_line(y, buf);
			else if (buf[0] != '\0')
				snprintf(y->last_err, sizeof(y->last_err),
				    "%s", buf);
			changed = 1;
			*len -= (size_t)(nl + 1 - buf);
			memmove(buf, nl + 1, *len);
		}
		/* a line longer than the buffer: dropped */
		if (*len == cap - 1)
			*len = 0;
	}
	return changed;
}

static void
close_pipes(ui_sync *y)
{
	if (y->sfd >= 0)
		close(y->sfd);
	if (y->efd >= 0)
		close(y->efd);
	y->sfd = y->efd = -1;
	y->pid = 0;
}

int
ui_sync_poll(ui_sync *y)
{
	int changed, st;
	pid_t r;

	if (y->pid == 0)
		return 0;
	changed = drain(y, y->sfd, y->sbuf, &y->slen, sizeof(y->sbuf), 1);
	changed |= drain(y, y->efd, y->ebuf, &y->elen, sizeof(y->ebuf), 0);
	r = waitpid(y->pid, &st, WNOHANG);
	if (r == 0 || (r < 0 && errno == EINTR))
		return changed;
	(void)drain(y, y->sfd, y->sbuf, &y->slen, sizeof(y->sbuf), 1);
	(void)drain(y, y->efd, y->ebuf, &y->elen, sizeof(y->ebuf), 0);
	if (y->last_err[0] != '\0')
		snprintf(y->ended, sizeof(y->ended), "%s", y->last_err);
	else if (r > 0 && WIFEXITED(st))
		snprintf(y->ended, sizeof(y->ended), _("exit status %d"),
		    WEXITSTATUS(st));
	else if (r > 0 && WIFSIGNALED(st))
		snprintf(y->ended, sizeof(y->ended), _("killed by signal %d"),
		    WTERMSIG(st));
	else
		snprintf(y->ended, sizeof(y->ended), "%s", _("lost"));
	close_pipes(y);
	return 1;
}

void
ui_sync_stop(ui_sync *y)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	int st, i;

	if (y->pid == 0)
		return;
	(void)kill(y->pid, SIGTERM);
	/* it says goodbye to its peers first: give it 3 seconds */
	for (i = 0; i < 150; i++) {
		if (waitpid(y->pid, &st, WNOHANG) != 0)
			break;
		nanosleep(&ts, NULL);
	}
	if (i == 150) {
		(void)kill(y->pid, SIGKILL);
		(void)waitpid(y->pid, &st, 0);
	}
	close_pipes(y);
	y->stopped = 1;
	y->ended[0] = '\0';
}

/* cat() - append s to out. */
static void
cat(char *out, size_t len, const char *s)
{
	size_t n = strlen(out);

	if (n + 1 < len)
		snprintf(out + n, len - n, "%s", s);
}

void
ui_sync_line(const ui_sync *y, const record *rec, char *out, size_t len)
{
	char v[320], fpr[KEY_FINGERPRINT_BYTES], name[3 * KEY_NAME_MAX + 4];
	char party[64], one[600];
	time_t now = time(NULL);
	size_t i;

	out[0] = '\0';
	if (y->pid == 0) {
		if (y->stopped)
			snprintf(out, len, " %s", _("sync stopped"));
		else if (y->ended[0] != '\0')
			snprintf(out, len, _(" sync ended: %s"),
			    vis_buf(v, sizeof(v), y->ended, 0));
		return;
	}
	snprintf(out, len, " %s", _("sync:"));
	if (y->where[0] != '\0') {
		cat(out, len, " ");
		cat(out, len, vis_buf(v, sizeof(v), y->where, 0));
	}
	for (i = 0; i < y->npeers; i++) {
		const struct ui_sync_peer *p = &y->peer[i];
		const record_member *m = record_member_find(rec, p->pk);

		key_fingerprint(fpr, p->pk);
		fpr[4] = '\0';
		snprintf(one, sizeof(one), "; %s [%s] %s: %s",
		    m != NULL ? vis_buf(name, sizeof(name), m->name, 0) : "?",
		    m != NULL ? vis_buf(party, sizeof(party), m->party, 0) :
		    "?", fpr, p->state == UI_SYNC_INSYNC ? _("in sync") :
		    p->state == UI_SYNC_CUT ? _("cut") :
		    p->state == UI_SYNC_REDIAL ? _("cut, redialling") :
		    _("linked"));
		cat(out, len, one);
		if (p->synced != 0) {
			snprintf(one, sizeof(one), _(", synced %lld s ago"),
			    (long long)(now - p->synced));
			cat(out, len, one);
		}
	}
	if (y->npeers == 0 && y->last_err[0] != '\0') {
		cat(out, len, "; ");
		cat(out, len, vis_buf(v, sizeof(v), y->last_err, 0));
	}
}
