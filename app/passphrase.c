/*
 * passphrase.c: passphrases from a file, a file descriptor or the terminal.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "../crypto/err.h"
#include "i18n.h"
#include "passphrase.h"

/* The terminal whose echo is off, so that a signal can restore it. */
static volatile sig_atomic_t tty_fd = -1;
static struct termios tty_saved;

/* on_signal() - restore the terminal's echo, then die of the signal. */
static void
on_signal(int sig)
{
	if (tty_fd >= 0)
		(void)tcsetattr(tty_fd, TCSAFLUSH, &tty_saved);
	signal(sig, SIG_DFL);
	raise(sig);
}

/*
 * read_line() - read bytes from fd up to a newline or the end into buf
 * (cap bytes, NUL-terminated), dropping the newline and a CR before it.
 * Reads one byte at a time so that nothing past the line is consumed.
 */
static int
read_line(int fd, char *buf, size_t cap, size_t *len)
{
	size_t n = 0;
	ssize_t r;
	char c;

	for (;;) {
		r = read(fd, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return DT_EIO;
		if (r == 0 || c == '\n')
			break;
		if (n + 1 >= cap)
			return DT_ERANGE;
		buf[n++] = c;
	}
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	*len = n;
	return 0;
}

/*
 * tty_read() - prompt on /dev/tty and read one line without echo.
 * The terminal's settings are restored on every path, and by a signal.
 */
static int
tty_read(int fd, const char *prompt, char *buf, size_t cap, size_t *len)
{
	struct sigaction sa, old_int, old_term, old_hup;
	struct termios t;
	int rc, echo_off = 0;

	if (write(fd, prompt, strlen(prompt)) < 0)
		return DT_EIO;
	if (tcgetattr(fd, &tty_saved) == 0) {
		t = tty_saved;
		t.c_lflag &= ~(tcflag_t)ECHO;
		t.c_lflag |= ECHONL;
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_signal;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGINT, &sa, &old_int);
		sigaction(SIGTERM, &sa, &old_term);
		sigaction(SIGHUP, &sa, &old_hup);
		tty_fd = fd;
		if (tcsetattr(fd, TCSAFLUSH, &t) == 0)
			echo_off = 1;
	}
	rc = read_line(fd, buf, cap, len);
	if (echo_off) {
		(void)tcsetattr(fd, TCSAFLUSH, &tty_saved);
		tty_fd = -1;
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGTERM, &old_term, NULL);
		sigaction(SIGHUP, &old_hup, NULL);
	}
	return rc;
}

int
passphrase_from_fd(void)
{
	const char *s = getenv("DETENTE_PASSPHRASE_FD");

	return s != NULL && *s != '\0';
}

/* env_fd() - the descriptor named by DETENTE_PASSPHRASE_FD, or -1. */
static int
env_fd(void)
{
	const char *s = getenv("DETENTE_PASSPHRASE_FD");
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || end == s || v < 0 || v > INT_MAX)
		return -1;
	return (int)v;
}

int
passphrase_read(char **out, size_t *outlen, const char *file,
    const char *prompt, int confirm, FILE *err)
{
	char *buf = NULL, *again = NULL;
	size_t len = 0, len2 = 0;
	int fd = -1, rc;
	const char *src;

	*out = NULL;
	*outlen = 0;
	if ((buf = sodium_malloc(PASSPHRASE_MAX + 1)) == NULL) {
		fprintf(err, "detente: %s\n", _("out of memory"));
		return DT_ENOMEM;
	}
	if (file != NULL) {
		src = file;
		if ((fd = open(file, O_RDONLY | O_NOCTTY | O_CLOEXEC)) < 0) {
			rc = errno == ENOENT ? DT_ENOENT : DT_EIO;
			fprintf(err, "detente: %s: %s: %s\n",
			    _("cannot open the passphrase file"), file,
			    strerror(errno));
			goto out;
		}
		rc = read_line(fd, buf, PASSPHRASE_MAX + 1, &len);
		close(fd);
	} else if (passphrase_from_fd()) {
		src = "DETENTE_PASSPHRASE_FD";
		if ((fd = env_fd()) < 0) {
			rc = DT_EINVAL;
			fprintf(err, "detente: %s: %s: %s\n",
			    _("not a file descriptor number"),
			    "DETENTE_PASSPHRASE_FD",
			    _("set it to the number of an open descriptor"));
			goto out;
		}
		rc = read_line(fd, buf, PASSPHRASE_MAX + 1, &len);
	} else {
		src = "/dev/tty";
		if ((fd = open("/dev/tty", O_RDWR | O_NOCTTY |
		    O_CLOEXEC)) < 0) {
			rc = DT_EIO;
			fprintf(err, "detente: %s: %s: %s\n",
			    _("no terminal to ask for the passphrase"),
			    "/dev/tty",
			    _("use --passphrase-file F or DETENTE_PASSPHRASE_FD"));
			goto out;
		}
		rc = tty_read(fd, prompt, buf, PASSPHRASE_MAX + 1, &len);
		if (rc == 0 && confirm) {
			if ((again = sodium_malloc(PASSPHRASE_MAX + 1)) ==
			    NULL) {
				close(fd);
				rc = DT_ENOMEM;
				fprintf(err, "detente: %s\n", _("out of memory"));
				goto out;
			}
			rc = tty_read(fd, _("Repeat the passphrase: "), again,
			    PASSPHRASE_MAX + 1, &len2);
			if (rc == 0 && (len != len2 ||
			    sodium_memcmp(buf, again, len) != 0)) {
				close(fd);
				rc = DT_EINVAL;
				fprintf(err, "detente: %s: %s\n",
				    _("the passphrases differ"),
				    _("nothing was written; try again"));
				goto out;
			}
		}
		close(fd);
	}
	if (rc == DT_ERANGE) {
		fprintf(err, "detente: %s: %s: %s\n",
		    _("passphrase too long"), src,
		    _("use at most 1024 bytes"));
		rc = DT_EINVAL;
	} else if (rc != 0) {
		fprintf(err, "detente: %s: %s: %s\n",
		    _("cannot read the passphrase"), src, strerror(errno));
	}
out:
	sodium_free(again);
	if (rc != 0) {
		sodium_free(buf);
		return rc;
	}
	*out = buf;
	*outlen = len;
	return 0;
}

void
passphrase_free(char *p)
{
	sodium_free(p);
}
