/*
 * textin.c: entry text from arguments, standard input or $EDITOR.
 *
 * The editor path never leaves plaintext on a disk: the file lives in a
 * private 0700 directory on a tmpfs (memory), and every file in that
 * directory (the editor's swap and backup files too) is overwritten with
 * zeros, fsynced and unlinked before the directory is removed, whatever
 * way the editor ends.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/magic.h>
#include <jansson.h>
#include <sodium.h>

#include "../storage/payload.h"
#include "cli.h"
#include "i18n.h"
#include "textin.h"

int
textin_utf8_valid(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, n, k;
	unsigned long c;

	while (i < len) {
		if (s[i] == 0)
			return 0;
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if ((s[i] & 0xE0) == 0xC0) {
			n = 1;
			c = s[i] & 0x1F;
		} else if ((s[i] & 0xF0) == 0xE0) {
			n = 2;
			c = s[i] & 0x0F;
		} else if ((s[i] & 0xF8) == 0xF0) {
			n = 3;
			c = s[i] & 0x07;
		} else
			return 0;
		for (k = 1; k <= n; k++) {
			if (i + k >= len || (s[i + k] & 0xC0) != 0x80)
				return 0;
			c = (c << 6) | (s[i + k] & 0x3F);
		}
		if ((n == 1 && c < 0x80) || (n == 2 && c < 0x800) ||
		    (n == 3 && c < 0x10000) || c > 0x10FFFF ||
		    (c >= 0xD800 && c <= 0xDFFF))
			return 0;
		i += n + 1;
	}
	return 1;
}

const char *
textin_lang(const char *text)
{
	const unsigned char *s = (const unsigned char *)text;

	/* U+0400..U+052F: lead bytes 0xD0..0xD4 in UTF-8. */
	for (; *s != '\0'; s++)
		if (*s >= 0xD0 && *s <= 0xD4 && (s[1] & 0xC0) == 0x80)
			return "ru";
	return "en";
}

int
textin_lang_valid(const char *l)
{
	size_t n = strlen(l), i;

	if (n < 2 || n > 8)
		return 0;
	for (i = 0; i < n; i++)
		if (l[i] < 'a' || l[i] > 'z')
			return 0;
	return 1;
}

json_t *
textin_list(const char *body, const char *lang, char *const *tr,
    size_t ntr, const char **bad)
{
	json_t *list, *t;
	size_t i;

	*bad = NULL;
	if (lang == NULL)
		lang = textin_lang(body);
	if ((list = payload_text(lang, "authentic", body)) == NULL)
		return NULL;
	for (i = 0; i < ntr; i++) {
		const char *eq = strchr(tr[i], '=');
		char l[16];
		size_t n;

		n = eq != NULL ? (size_t)(eq - tr[i]) : 0;
		if (eq == NULL || n >= sizeof(l) || eq[1] == '\0' ||
		    !textin_utf8_valid(eq + 1, strlen(eq + 1)))
			goto bad;
		memcpy(l, tr[i], n);
		l[n] = '\0';
		if (!textin_lang_valid(l))
			goto bad;
		t = json_pack("{s:s,s:s,s:s}", "lang", l, "role",
		    "translation", "body", eq + 1);
		if (t == NULL || json_array_append_new(list, t) != 0)
			goto bad;
	}
	return list;
bad:
	*bad = tr[i];
	json_decref(list);
	return NULL;
}

/*
 * read_all() - read fd to its end into a malloc'd NUL-terminated buffer
 * of at most TEXTIN_MAX bytes.  @return 0, -1 (I/O, errno), -2 (long).
 */
static int
read_all(int fd, char **out, size_t *outlen)
{
	size_t cap = 4096, len = 0;
	char *buf, *tmp;
	ssize_t r;

	if ((buf = malloc(cap)) == NULL)
		return -1;
	for (;;) {
		if (len + 1 == cap) {
			if (cap > TEXTIN_MAX) {
				sodium_memzero(buf, len);
				free(buf);
				return -2;
			}
			if ((tmp = realloc(buf, cap * 2)) == NULL) {
				sodium_memzero(buf, len);
				free(buf);
				return -1;
			}
			buf = tmp;
			cap *= 2;
		}
		r = read(fd, buf + len, cap - len - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			sodium_memzero(buf, len);
			free(buf);
			return -1;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	if (len > TEXTIN_MAX) {
		sodium_memzero(buf, len);
		free(buf);
		return -2;
	}
	buf[len] = '\0';
	*out = buf;
	*outlen = len;
	return 0;
}

/* wipe_file() - overwrite a regular file with zeros, fsync, unlink. */
static void
wipe_file(int dfd, const char *name)
{
	static const unsigned char zeros[4096];
	struct stat st;
	off_t left;
	int fd;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISREG(st.st_mode) &&
	    (fd = openat(dfd, name, O_WRONLY | O_NOFOLLOW | O_CLOEXEC)) >= 0) {
		if (fstat(fd, &st) == 0)
			for (left = st.st_size; left > 0;) {
				size_t n = left > (off_t)sizeof(zeros) ?
				    sizeof(zeros) : (size_t)left;
				ssize_t w = write(fd, zeros, n);

				if (w <= 0)
					break;
				left -= w;
			}
		(void)fsync(fd);
		close(fd);
	}
	(void)unlinkat(dfd, name, 0);
}

/* wipe_dir() - wipe every file in dir, then remove dir. */
static void
wipe_dir(const char *dir)
{
	struct dirent *d;
	DIR *dp;

	if ((dp = opendir(dir)) != NULL) {
		while ((d = readdir(dp)) != NULL)
			if (strcmp(d->d_name, ".") != 0 &&
			    strcmp(d->d_name, "..") != 0)
				wipe_file(dirfd(dp), d->d_name);
		closedir(dp);
	}
	(void)rmdir(dir);
}

/* tmpfs_dir() - $XDG_RUNTIME_DIR or /dev/shm, if it is a tmpfs. */
static const char *
tmpfs_dir(void)
{
	const char *cand[2];
	struct statfs sf;
	size_t i;

	cand[0] = getenv("XDG_RUNTIME_DIR");
	cand[1] = "/dev/shm";
	for (i = 0; i < 2; i++)
		if (cand[i] != NULL && cand[i][0] == '/' &&
		    statfs(cand[i], &sf) == 0 &&
		    (unsigned long)sf.f_type == (unsigned long)TMPFS_MAGIC &&
		    access(cand[i], W_OK | X_OK) == 0)
			return cand[i];
	return NULL;
}

static volatile sig_atomic_t caught;

static void
on_signal(int sig)
{
	caught = sig;
}

/*
 * run_editor() - edit an empty file on a tmpfs and read back what the
 * user wrote.  Signals that would kill detente are caught while the
 * editor runs: the editor is stopped, the directory wiped, and only then
 * is the signal raised again.
 */
static int
run_editor(struct cli_ctx *ctx, char **out, size_t *outlen)
{
	struct sigaction sa, old[3];
	static const int sigs[3] = { SIGINT, SIGTERM, SIGHUP };
	const char *base, *editor;
	char dir[PATH_MAX], path[PATH_MAX + 16], *cmd = NULL;
	int fd, status, i, ret = CLI_USAGE, r;
	pid_t pid;

	if ((base = tmpfs_dir()) == NULL) {
		cli_error(ctx, _("no tmpfs for the editor's file"),
		    "$XDG_RUNTIME_DIR, /dev/shm",
		    _("give the text as an argument or on standard input"));
		return CLI_USAGE;
	}
	if ((editor = getenv("VISUAL")) == NULL || *editor == '\0')
		if ((editor = getenv("EDITOR")) == NULL || *editor == '\0')
			editor = "vi";
	snprintf(dir, sizeof(dir), "%s/detente-XXXXXX", base);
	if (mkdtemp(dir) == NULL) {
		cli_error(ctx, _("cannot make a private directory"), base,
		    strerror(errno));
		return CLI_USAGE;
	}
	snprintf(path, sizeof(path), "%s/entry.txt", dir);
	caught = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;  /* no SA_RESTART: waitpid sees EINTR */
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < 3; i++)
		sigaction(sigs[i], &sa, &old[i]);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) < 0) {
		cli_error(ctx, _("cannot create the editor's file"), path,
		    strerror(errno));
		goto out;
	}
	close(fd);
	if (asprintf(&cmd, "%s \"$1\"", editor) < 0) {
		cmd = NULL;
		goto out;
	}
	fflush(NULL);
	if ((pid = fork()) < 0) {
		cli_error(ctx, _("cannot start the editor"), editor,
		    strerror(errno));
		goto out;
	}
	if (pid == 0) {
		for (i = 0; i < 3; i++)
			sigaction(sigs[i], &old[i], NULL);
		execl("/bin/sh", "sh", "-c", cmd, "sh", path, (char *)NULL);
		_exit(127);
	}
	while ((r = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
		if (caught)
			kill(pid, SIGTERM);
	if (caught)
		goto out;
	if (r < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		cli_error(ctx, _("the editor failed"), editor,
		    _("nothing was written"));
		goto out;
	}
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
		cli_error(ctx, _("cannot read the editor's file"), path,
		    strerror(errno));
		goto out;
	}
	r = read_all(fd, out, outlen);
	close(fd);
	if (r != 0) {
		cli_error(ctx, r == -2 ? _("text too long") :
		    _("cannot read the editor's file"), path,
		    r == -2 ? _("at most 256 KiB") : strerror(errno));
		goto out;
	}
	ret = CLI_OK;
out:
	free(cmd);
	wipe_dir(dir);
	for (i = 0; i < 3; i++)
		sigaction(sigs[i], &old[i], NULL);
	if (caught) {
		if (ret == CLI_OK) {
			sodium_memzero(*out, *outlen);
			free(*out);
			*out = NULL;
		}
		raise(caught);
		return CLI_USAGE;
	}
	return ret;
}

int
textin_get(struct cli_ctx *ctx, int argc, char **argv, char **out)
{
	char *buf = NULL;
	size_t len = 0, i, n;
	int ret, r, stdin_text;

	*out = NULL;
	stdin_text = (argc == 1 && strcmp(argv[0], "-") == 0) ||
	    (argc == 0 && !isatty(STDIN_FILENO));
	if (stdin_text) {
		if ((r = read_all(STDIN_FILENO, &buf, &len)) != 0) {
			cli_error(ctx, r == -2 ? _("text too long") :
			    _("cannot read standard input"), NULL,
			    r == -2 ? _("at most 256 KiB") : strerror(errno));
			return CLI_USAGE;
		}
	} else if (argc > 0) {
		for (n = 0, i = 0; i < (size_t)argc; i++)
			n += strlen(argv[i]) + 1;
		if ((buf = malloc(n + 1)) == NULL)
			return CLI_USAGE;
		buf[0] = '\0';
		for (i = 0; i < (size_t)argc; i++) {
			if (i > 0)
				strcat(buf, " ");
			strcat(buf, argv[i]);
		}
		len = strlen(buf);
	} else if ((ret = run_editor(ctx, &buf, &len)) != CLI_OK)
		return ret;

	if (len > TEXTIN_MAX || !textin_utf8_valid(buf, len) ||
	    strlen(buf) != len) {
		cli_error(ctx, len > TEXTIN_MAX ? _("text too long") :
		    _("the text is not valid UTF-8"), NULL,
		    _("nothing was written"));
		ret = CLI_USAGE;
		goto out;
	}
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r' ||
	    buf[len - 1] == ' ' || buf[len - 1] == '\t'))
		buf[--len] = '\0';
	if (len == 0) {
		cli_error(ctx, _("empty text"), NULL, _("nothing was written"));
		ret = CLI_USAGE;
		goto out;
	}
	*out = buf;
	buf = NULL;
	ret = CLI_OK;
out:
	if (buf != NULL) {
		sodium_memzero(buf, len);
		free(buf);
	}
	return ret;
}
