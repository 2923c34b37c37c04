/*
 * main.c: detente's entry point.  Global options, then one command from
 * the table in cli.c.
 */
#include <getopt.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <sodium.h>

#include "../storage/payload.h"
#include "../storage/store.h"
#include "cli.h"
#include "i18n.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "0.1.0"
#endif

/* usage() - the global usage and the list of commands. */
static void
usage(FILE *f)
{
	fprintf(f, "%s", _("usage: detente [--home DIR] [--passphrase-file F] "
	    "[--as NAME] [--dialogue ID] COMMAND [ARGS]\n"));
	fprintf(f, "%s", _("\nGlobal options:\n"
	    "  --home DIR            where identities and dialogues live\n"
	    "                        (default: $DETENTE_HOME, else\n"
	    "                        $XDG_DATA_HOME/detente, else\n"
	    "                        ~/.local/share/detente)\n"
	    "  --passphrase-file F   read the passphrase from F's first line\n"
	    "                        (or set DETENTE_PASSPHRASE_FD=n)\n"
	    "  --as NAME             act as identity NAME\n"
	    "  --dialogue ID         act on the dialogue whose id starts with ID\n"
	    "  -h, --help            this help\n"
	    "  -V, --version         the version\n"));
	fprintf(f, "%s", _("\nCommands:\n"));
	cli_list(f);
	fprintf(f, "%s", _("\nRun `detente COMMAND --help` for a command's "
	    "options.\n"));
}

/*
 * no_core_dumps() - no core file and no ptrace by other users' tools:
 * secrets are about to be loaded.
 */
static int
no_core_dumps(void)
{
	struct rlimit rl = { 0, 0 };

	if (setrlimit(RLIMIT_CORE, &rl) != 0)
		return -1;
	return prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == 0 ? 0 : -1;
}

void (*cli_fatal_hook)(void);

/*
 * single_dash_word() - the first global argument that is one dash and a
 * word ("-home"), or NULL.  getopt would read "-home" as -h (and "ome"),
 * printing the help where the user meant --home; such an argument is a
 * usage error instead.  Values of the options that take one are
 * skipped, and the scan stops at the command or at "--".
 */
static const char *
single_dash_word(int argc, char **argv)
{
	static const char *const with_value[] = { "--home",
		"--passphrase-file", "--as", "--dialogue", NULL };
	size_t j;
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (a[0] != '-' || strcmp(a, "--") == 0)
			return NULL;
		if (a[1] == '-') {
			for (j = 0; with_value[j] != NULL; j++)
				if (strcmp(a, with_value[j]) == 0)
					i++;
			continue;
		}
		if (strlen(a) > 2)
			return a;
	}
	return NULL;
}

/*
 * on_fatal() - SIGSEGV or SIGBUS.  LMDB trusts the pages of its file; a
 * damaged file can make a read fault.  Say so in one line (terminal
 * restored first), and exit as a failed verification: nothing has been
 * written, since every write is one LMDB transaction.
 */
static void
on_fatal(int sig)
{
	static const char msg[] = "detente: fatal error reading the store "
	    "(it may be damaged): run `detente verify`; if it fails, restore "
	    "the dialogue from a backup or the other side's replica\n";
	ssize_t n;

	(void)sig;
	if (cli_fatal_hook != NULL)
		cli_fatal_hook();
	n = write(STDERR_FILENO, msg, sizeof(msg) - 1);
	(void)n;
	_exit(CLI_FAIL);
}

/*
 * on_store_fatal() - store_fatal_hook: LMDB failed one of its assertions
 * on the pages of its file, which only a damaged file makes it do, and
 * would abort.  Said and exited as on_fatal() does.
 */
static void
on_store_fatal(const char *what)
{
	(void)what;
	on_fatal(SIGABRT);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "home", required_argument, NULL, 'H' },
		{ "passphrase-file", required_argument, NULL, 'P' },
		{ "as", required_argument, NULL, 'a' },
		{ "dialogue", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	static char ui_name[] = "ui";
	static char *ui_argv[] = { ui_name, NULL };
	struct cli_ctx ctx;
	const char *bad = NULL;
	int c, rc;

	i18n_init();
	payload_wipe_alloc();
#ifdef M_MXFAST
	/*
	 * No fastbins: a small block is coalesced when it is freed, while
	 * it is still in the cache.  A full view or a minutes model is a
	 * few hundred thousand small jansson blocks freed together; with
	 * fastbins, glibc defers their coalescing to malloc_consolidate(),
	 * which walks them again cold: a quarter of `minutes export` of
	 * 10,000 entries (tests/bench/bench_minutes.c); the UI's timings
	 * (bench_ui) do not move.
	 */
	mallopt(M_MXFAST, 0);
#endif
	if (no_core_dumps() != 0) {
		fprintf(stderr, "detente: %s\n",
		    _("cannot disable core dumps; refusing to handle secrets"));
		return CLI_USAGE;
	}
	{
		struct sigaction sa;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_fatal;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGSEGV, &sa, NULL);
		sigaction(SIGBUS, &sa, NULL);
		store_fatal_hook = on_store_fatal;
	}
	if (sodium_init() < 0) {
		fprintf(stderr, "detente: %s\n",
		    _("cannot initialize libsodium"));
		return CLI_USAGE;
	}
	cli_ctx_init(&ctx);
	if (argc > 0 && argv[0][0] != '/' && strchr(argv[0], '/') != NULL)
		cli_progname = argv[0];
	if ((bad = single_dash_word(argc, argv)) != NULL) {
		fprintf(stderr, "detente: %s: %s: %s\n", _("unknown option"),
		    bad, _("long options take two dashes (--home); "
		    "run `detente --help`"));
		return CLI_USAGE;
	}
	opterr = 0;
	/* "+": stop at the command; its own options are its business. */
	while ((c = getopt_long(argc, argv, "+:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'H':
			ctx.home_opt = optarg;
			break;
		case 'P':
			ctx.passfile = optarg;
			break;
		case 'a':
			ctx.as = optarg;
			break;
		case 'd':
			ctx.dialogue = optarg;
			break;
		case 'h':
			usage(stdout);
			return CLI_OK;
		case 'V':
			printf("detente %s\n", PACKAGE_VERSION);
			return CLI_OK;
		case ':':
			fprintf(stderr, "detente: %s: %s: %s\n",
			    _("option needs a value"), argv[optind - 1],
			    _("run `detente --help`"));
			return CLI_USAGE;
		default:
			fprintf(stderr, "detente: %s: %s: %s\n",
			    _("unknown option"), argv[optind - 1],
			    _("run `detente --help`"));
			return CLI_USAGE;
		}
	}
	if (ctx.home_opt != NULL && *ctx.home_opt == '\0')
		bad = "--home";
	else if (ctx.passfile != NULL && *ctx.passfile == '\0')
		bad = "--passphrase-file";
	else if (ctx.as != NULL && *ctx.as == '\0')
		bad = "--as";
	else if (ctx.dialogue != NULL && *ctx.dialogue == '\0')
		bad = "--dialogue";
	if (bad != NULL) {
		fprintf(stderr, "detente: %s: %s: %s\n", _("empty value"), bad,
		    _("give a value or leave the option out"));
		return CLI_USAGE;
	}
	if (optind >= argc && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) {
		/* no command, in a terminal: the terminal UI */
		rc = cli_dispatch(&ctx, 1, ui_argv);
	} else if (optind >= argc) {
		usage(stderr);
		return CLI_USAGE;
	} else
		rc = cli_dispatch(&ctx, argc - optind, argv + optind);
	cli_ctx_done(&ctx);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "detente: %s\n", _("cannot write the output"));
		if (rc == CLI_OK)
			rc = CLI_USAGE;
	}
	return rc;
}
