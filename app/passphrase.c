/*
 * passphrase.c: passphrases from a file, a file descriptor or the terminal.
 */
#include <sys/stat.h>
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
static struct sigaction old_int, old_term, old_hup;

/* on_signal() - restore the terminal's echo, then die of the signal. */
static void
on_signal(int sig)
{
	if (tty_fd >= 0)
		(void)tcsetattr(tty_fd, TCSANOW, &tty_saved);
	signal(sig, SIG_DFL);
	raise(sig);
}

/*
 * echo_off() - turn the terminal's echo off before any prompt is written, so that nothing typed from then on is
 * shown.  TCSADRAIN, not TCSAFLUSH: what was typed ahead stays to be
 * read.  A signal restores the terminal.  @return 1 if echo is off
 * (echo_on() must follow), 0 if fd is no terminal.
 */
static int
echo_off(int fd)
{
	struct sigaction sa;
	struct termios t;

	if (tcgetattr(fd, &tty_saved) != 0)
		return 0;
	t = tty_saved;
	/* No ECHONL: tty_read() ends the line itself, after the read. */
	t.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	tty_fd = fd;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGHUP, &sa, &old_hup);
	if (tcsetattr(fd, TCSADRAIN, &t) == 0)
		return 1;
	tty_fd = -1;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	return 0;
}

/* echo_on() - the terminal as echo_off() found it. */
static void
echo_on(int fd)
{
	(void)tcsetattr(fd, TCSADRAIN, &tty_saved);
	tty_fd = -1;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
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
 * tty_read() - write prompt on the terminal fd (whose echo is off), read
 * one line, and end the line on the terminal.
 */
static int
tty_read(int fd, const char *prompt, char *buf, size_t cap, size_t *len)
{
	int rc, e;

	if (write(fd, prompt, strlen(prompt)) < 0)
		return DT_EIO;
	rc = read_line(fd, buf, cap, len);
	/*
	 * The newline, written here rather than echoed: a line typed ahead
	 * would have its newline echoed before its prompt.
	 */
	e = errno;
	(void)!write(fd, "\n", 1);
	errno = e;
	return rc;
}

/*
 * warn_readable() - a passphrase file that others may read is used, as
 * it was asked for, but said once: "warning: ... (mode 0644)".
 */
static void
warn_readable(int fd, const char *file, FILE *err)
{
	static int warned;
	struct stat sb;

	if (warned || fstat(fd, &sb) != 0 || (sb.st_mode & 0044) == 0)
		return;
	warned = 1;
	fprintf(err, _("detente: warning: others can read the passphrase "
	    "file (mode %04o): %s: run `chmod go-rw %s`\n"),
	    (unsigned)(sb.st_mode & 07777), file, file);
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
	int fd = -1, rc, echo, saved;
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
		warn_readable(fd, file, err);
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
		/* Echo off first, then the prompt; off until both are read. */
		echo = echo_off(fd);
		rc = tty_read(fd, prompt, buf, PASSPHRASE_MAX + 1, &len);
		if (rc == 0 && confirm) {
			if ((again = sodium_malloc(PASSPHRASE_MAX + 1)) ==
			    NULL)
				rc = DT_ENOMEM;
			else
				rc = tty_read(fd, _("Repeat the passphrase: "),
				    again, PASSPHRASE_MAX + 1, &len2);
		}
		saved = errno;
		if (echo)
			echo_on(fd);
		close(fd);
		errno = saved;
		if (rc == DT_ENOMEM) {
			fprintf(err, "detente: %s\n", _("out of memory"));
			goto out;
		}
		if (rc == 0 && confirm && (len != len2 ||
		    sodium_memcmp(buf, again, len) != 0)) {
			rc = DT_EINVAL;
			fprintf(err, "detente: %s: %s\n",
			    _("the passphrases differ"),
			    _("nothing was written; try again"));
			goto out;
		}
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

size_t
passphrase_chars(const char *p, size_t len)
{
	size_t i, n = 0;

	/* Every byte that does not continue a UTF-8 sequence starts one. */
	for (i = 0; i < len; i++)
		if (((unsigned char)p[i] & 0xC0) != 0x80)
			n++;
	return n;
}

int
passphrase_is_tty(const char *file)
{
	return file == NULL && !passphrase_from_fd();
}

void
passphrase_free(char *p)
{
	sodium_free(p);
}
