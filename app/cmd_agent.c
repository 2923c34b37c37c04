/*
 * cmd_agent.c: `detente agent`: start the agent that holds unlocked
 * identities for a bounded time, add an identity to it, show, lock or
 * stop it (agent.h does the work; this file speaks to the user).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../crypto/err.h"
#include "../crypto/keys.h"
#include "agent.h"
#include "cli.h"
#include "i18n.h"
#include "session.h"

/* problem_line() - the one line for what agent_path() found. */
static int
problem_line(struct cli_ctx *ctx, const agent_problem *p)
{
	char what[160];

	switch (p->what) {
	case AGENT_P_MISSING:
		cli_error(ctx, _("no agent is running"), p->path,
		    _("start one with `detente agent`"));
		return CLI_USAGE;
	case AGENT_P_NOT_DIR:
		cli_error(ctx, _("the agent's directory is not a directory"),
		    p->path, _("remove it, or set XDG_RUNTIME_DIR"));
		break;
	case AGENT_P_NOT_OWNER:
		cli_error(ctx,
		    _("the agent's directory belongs to another "
		      "user"),
		    p->path, _("remove it, or set XDG_RUNTIME_DIR"));
		break;
	case AGENT_P_OPEN:
		snprintf(what, sizeof(what),
		    _("others can enter the agent's "
		      "directory (mode %04o)"),
		    p->mode);
		cli_error(ctx, what, p->path, _("run `chmod 700` on it"));
		break;
	case AGENT_P_TOO_LONG:
		cli_error(ctx, _("the agent's socket path is too long"),
		    p->path, _("set XDG_RUNTIME_DIR to a shorter directory"));
		break;
	default:
		cli_error(ctx, _("cannot use the agent's directory"), p->path,
		    strerror(errno));
		break;
	}
	return CLI_USAGE;
}

/* request_error() - the one line for a request that failed. */
static int
request_error(struct cli_ctx *ctx, int rc, const char *path)
{
	if (rc == DT_ENOENT)
		cli_error(ctx, _("no agent is running"), path,
		    _("start one with `detente agent`"));
	else if (rc == DT_EINVAL)
		cli_error(ctx,
		    _("the agent's socket is served by another "
		      "user"),
		    path, _("stop using it; remove the directory"));
	else
		cli_error_rc(ctx, _("the agent did not answer"), rc, path,
		    _("stop it with `detente agent --stop` and start it "
		      "again"));
	return CLI_USAGE;
}

/*
 * parse_seconds() - "90", "90s", "15m", "8h" into seconds,
 * 1..AGENT_SECONDS_MAX; -1 if not that.
 */
static long
parse_seconds(const char *s)
{
	char *end;
	long v, mul = 1;

	if (s[0] < '0' || s[0] > '9')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s)
		return -1;
	if (*end == 'm')
		mul = 60;
	else if (*end == 'h')
		mul = 3600;
	else if (*end != 's' && *end != '\0')
		return -1;
	if (*end != '\0' && end[1] != '\0')
		return -1;
	if (v < 1 || v > (long)AGENT_SECONDS_MAX / mul)
		return -1;
	return v * mul;
}

/* span() - seconds as "15 min", "8 h", "90 s" for a status line. */
static void
span(char *out, size_t n, unsigned long s)
{
	if (s >= 3600 && s % 3600 == 0)
		snprintf(out, n, _("%lu h"), s / 3600);
	else if (s >= 60 && s % 60 == 0)
		snprintf(out, n, _("%lu min"), s / 60);
	else if (s >= 60)
		snprintf(out, n, _("%lu min %lu s"), s / 60, s % 60);
	else
		snprintf(out, n, _("%lu s"), s);
}

/*
 * close_others() - close every descriptor above 2 but keep and keep2:
 * what the agent inherited (a make jobserver's pipe, a test harness's
 * files) must not stay open for as long as it runs.
 */
static void
close_others(int keep, int keep2)
{
	long max = sysconf(_SC_OPEN_MAX);
	int i;

	if (max < 0 || max > 65536)
		max = 65536;
	for (i = 3; i < max; i++)
		if (i != keep && i != keep2)
			(void)close(i);
}

/*
 * start() - bind the socket, then fork: the child serves (with its
 * standard streams on /dev/null, in a session of its own), the parent
 * says where and returns.  The socket exists before the parent returns,
 * so a command run next finds it.
 */
static int
start(struct cli_ctx *ctx, long timeout, long lifetime, int foreground)
{
	char path[AGENT_PATH_MAX], t[32], l[32];
	agent_problem p;
	pid_t pid;
	int fd = -1, lockfd = -1, nul, rc;

	if (agent_path(path, 1, &p) != 0)
		return problem_line(ctx, &p);
	if ((rc = agent_listen(&fd, &lockfd, path)) != 0) {
		if (rc == DT_EEXIST)
			cli_error(ctx, _("an agent is already running"), path,
			    _("see `detente agent --status`, or stop it with "
			      "`detente agent --stop`"));
		else
			cli_error(ctx, _("cannot listen on the agent's socket"),
			    path, strerror(errno));
		return CLI_USAGE;
	}
	span(t, sizeof(t), (unsigned long)timeout);
	span(l, sizeof(l), (unsigned long)lifetime);
	fflush(ctx->out);
	fflush(ctx->err);
	if (foreground)
		pid = 0;
	else if ((pid = fork()) < 0) {
		cli_error(ctx, _("cannot start the agent"), path,
		    strerror(errno));
		close(fd);
		unlink(path);
		close(lockfd);
		return CLI_USAGE;
	}
	if (pid > 0 || foreground) {
		fprintf(ctx->out,
		    _("detente agent running (pid %ld), socket "
		      "%s\n"),
		    foreground ? (long)getpid() : (long)pid, path);
		fprintf(ctx->out,
		    _("it forgets an identity after %s unused "
		      "and %s after it was added; add one with `detente agent "
		      "add`\n"),
		    t, l);
		fflush(ctx->out);
		if (!foreground) {
			/* the child holds the socket and the lock now */
			close(fd);
			close(lockfd);
			return CLI_OK;
		}
	} else {
		/* the child: no terminal, no inherited streams */
		(void)setsid();
		if (chdir("/") != 0) {
			/* "/" always exists; nothing to say, nowhere to say it */
		}
		if ((nul = open("/dev/null", O_RDWR | O_CLOEXEC)) >= 0) {
			dup2(nul, 0);
			dup2(nul, 1);
			dup2(nul, 2);
			if (nul > 2)
				close(nul);
		}
		close_others(fd, lockfd);
	}
	agent_serve(fd, path, (unsigned)timeout, (unsigned)lifetime);
	if (!foreground)
		_exit(0);
	close(lockfd);
	return CLI_OK;
}

/* status() - the agent's settings and the identities it holds. */
static int
status(struct cli_ctx *ctx)
{
	char path[AGENT_PATH_MAX], fpr[KEY_FINGERPRINT_BYTES], a[32], b[32];
	agent_key keys[AGENT_MAX_KEYS];
	agent_problem p;
	uint32_t timeout, lifetime, pid;
	size_t n = 0, i;
	int rc;

	if (agent_path(path, 0, &p) != 0)
		return problem_line(ctx, &p);
	if ((rc = agent_list(keys, &n, &timeout, &lifetime, &pid, path)) != 0)
		return request_error(ctx, rc, path);
	span(a, sizeof(a), timeout);
	span(b, sizeof(b), lifetime);
	fprintf(ctx->out, _("detente agent running (pid %lu), socket %s\n"),
	    (unsigned long)pid, path);
	fprintf(ctx->out,
	    _("it forgets an identity after %s unused and %s "
	      "after it was added\n"),
	    a, b);
	if (n == 0)
		fprintf(ctx->out, "%s\n", _("it holds no identity"));
	for (i = 0; i < n; i++) {
		/* names were checked by key_name_valid() when added */
		key_fingerprint(fpr, keys[i].pk);
		span(a, sizeof(a),
		    keys[i].idle_left < keys[i].life_left ? keys[i].idle_left :
							    keys[i].life_left);
		fprintf(ctx->out, _("%s  %s  forgotten in %s unless used\n"),
		    keys[i].name, fpr, a);
	}
	return CLI_OK;
}

/* simple() - --lock or --stop. */
static int
simple(struct cli_ctx *ctx, unsigned op)
{
	char path[AGENT_PATH_MAX];
	agent_problem p;
	int rc;

	if (agent_path(path, 0, &p) != 0)
		return problem_line(ctx, &p);
	if ((rc = agent_simple(path, op)) != 0)
		return request_error(ctx, rc, path);
	fprintf(ctx->err, "%s\n",
	    op == AGENT_OP_LOCK ?
		_("agent locked: it holds no identity now") :
		_("agent stopped: the identities it held are wiped"));
	return CLI_OK;
}

/*
 * add() - unlock the identity (NAME, --as or the default) with its
 * passphrase, never through the agent, and give it to the agent.  The
 * agent is asked first whether it answers, so that no passphrase is
 * typed for nothing.
 */
static int
add(struct cli_ctx *ctx, int argc, char **argv)
{
	char path[AGENT_PATH_MAX], a[32];
	agent_key *keys = NULL;
	agent_problem p;
	uint32_t timeout = 0, lifetime, pid;
	size_t n = 0;
	int rc, ret;

	if (argc > 3)
		return cli_bad_usage(ctx, &cmd_agent, _("unexpected argument"),
		    argv[3]);
	if (argc == 3)
		ctx->as = argv[2];
	if (agent_path(path, 0, &p) != 0)
		return problem_line(ctx, &p);
	if ((keys = calloc(AGENT_MAX_KEYS, sizeof(*keys))) == NULL) {
		cli_error(ctx, _("out of memory"), NULL, NULL);
		return CLI_USAGE;
	}
	rc = agent_list(keys, &n, &timeout, &lifetime, &pid, path);
	free(keys);
	if (rc != 0)
		return request_error(ctx, rc, path);
	if ((ret = session_unlock_passphrase(ctx)) != CLI_OK)
		return ret;
	if ((rc = agent_add(path, ctx->id)) != 0) {
		if (rc == DT_ERANGE)
			cli_error(ctx,
			    _("the agent holds as many identities as "
			      "it can"),
			    path,
			    _("lock it with `detente agent "
			      "--lock` and add again"));
		else
			return request_error(ctx, rc, path);
		return CLI_USAGE;
	}
	span(a, sizeof(a), timeout);
	fprintf(ctx->err,
	    _("%s added to the agent; it is forgotten after %s "
	      "unused\n"),
	    ctx->id->name, a);
	return CLI_OK;
}

/* run() - `agent [--timeout T] [--lifetime T] [--foreground]`, or an act. */
static int
run(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "timeout", required_argument, NULL, 't' },
		{ "lifetime", required_argument, NULL, 'l' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "status", no_argument, NULL, 's' },
		{ "lock", no_argument, NULL, 'L' },
		{ "stop", no_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 }
	};
	long timeout = AGENT_TIMEOUT_DEFAULT, lifetime = AGENT_LIFETIME_DEFAULT;
	int c, act = 0, foreground = 0, acts = 0;

	if (argc >= 2 && strcmp(argv[1], "add") == 0)
		return add(ctx, argc, argv);
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			if ((timeout = parse_seconds(optarg)) < 0)
				return cli_bad_usage(ctx, &cmd_agent,
				    _("--timeout needs a time such as 90s, 15m "
				      "or 2h (at most 7 days)"),
				    optarg);
			break;
		case 'l':
			if ((lifetime = parse_seconds(optarg)) < 0)
				return cli_bad_usage(ctx, &cmd_agent,
				    _("--lifetime needs a time such as 90s, "
				      "15m "
				      "or 8h (at most 7 days)"),
				    optarg);
			break;
		case 'f':
			foreground = 1;
			break;
		case 's':
		case 'L':
		case 'S':
			act = c;
			acts++;
			break;
		default:
			return cli_opt_error(ctx, &cmd_agent, c, argv);
		}
	}
	if (optind < argc)
		return cli_bad_usage(ctx, &cmd_agent, _("unexpected argument"),
		    argv[optind]);
	if (acts > 1)
		return cli_bad_usage(ctx, &cmd_agent,
		    _("give one of --status, "
		      "--lock and --stop"),
		    NULL);
	switch (act) {
	case 's':
		return status(ctx);
	case 'L':
		return simple(ctx, AGENT_OP_LOCK);
	case 'S':
		return simple(ctx, AGENT_OP_STOP);
	default:
		return start(ctx, timeout, lifetime, foreground);
	}
}

const struct cli_cmd cmd_agent = {
	"agent",
	N_("[--timeout T] [--lifetime T] [--foreground]\n"
	   "       detente agent add [NAME]\n"
	   "       detente agent --status | --lock | --stop"),
	N_("hold unlocked identities for a while, so one passphrase serves "
	   "many commands"),
	N_("  (none)   start the agent in the background; it listens on\n"
	   "           $XDG_RUNTIME_DIR/detente/agent.sock (or\n"
	   "           /tmp/detente-UID/agent.sock), mode 0600, and answers\n"
	   "           only your own user.  It forgets an identity after\n"
	   "           --timeout unused (default 15m) and --lifetime after\n"
	   "           it was added (default 8h); times as 90s, 15m or 2h.\n"
	   "  add      unlock NAME (or --as, or the default identity) with\n"
	   "           its passphrase and give it to the agent; commands\n"
	   "           then sign and open the dialogue key through the\n"
	   "           agent, without a passphrase.  The secret key never\n"
	   "           leaves the agent.\n"
	   "  --status what the agent holds and for how long\n"
	   "  --lock   forget every identity (the agent keeps running)\n"
	   "  --stop   forget every identity and stop\n"
	   "Nothing starts an agent but `detente agent`; without one,\n"
	   "commands ask for the passphrase as before.\n"),
	run
};
