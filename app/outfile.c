/*
 * outfile.c: output files written by one set of rules (see outfile.h).
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "i18n.h"
#include "outfile.h"

int
outfile_is_stdout(const char *path)
{
	return path != NULL && strcmp(path, "-") == 0;
}

/* exists() - "F exists; use --force to replace it". */
static int
exists(struct cli_ctx *ctx, const char *path)
{
	char what[PATH_MAX + 64];

	snprintf(what, sizeof(what), _("%s exists; use --force to replace "
	    "it"), path);
	cli_error(ctx, what, NULL, NULL);
	return CLI_USAGE;
}

/* cannot() - "cannot write the file: F: why"; CLI_USAGE. */
static int
cannot(struct cli_ctx *ctx, const char *path, const char *why)
{
	cli_error(ctx, _("cannot write the file"), path, why);
	return CLI_USAGE;
}

/*
 * open_socket() - a connection to the Unix socket at path, as a
 * descriptor; -1 with errno set.
 */
static int
open_socket(const char *path)
{
	struct sockaddr_un sa;
	int fd;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path));
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/*
 * open_in_place() - open the file at path, which is not a regular file,
 * for writing as it is: never created (no O_CREAT), never truncated.  A
 * regular file found there now (it was replaced since lstat()) is
 * refused rather than written over.
 */
static int
open_in_place(struct cli_ctx *ctx, struct outfile *o, const struct stat *sb)
{
	struct stat now;
	int fd;

	if (S_ISSOCK(sb->st_mode))
		fd = open_socket(o->path);
	else
		fd = open(o->path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return cannot(ctx, o->path, strerror(errno));
	if (fstat(fd, &now) != 0 || S_ISREG(now.st_mode) ||
	    S_ISDIR(now.st_mode)) {
		close(fd);
		return cannot(ctx, o->path, _("it changed while it was opened; "
		    "try again"));
	}
	if ((o->f = fdopen(fd, "wb")) == NULL) {
		close(fd);
		return cannot(ctx, o->path, strerror(errno));
	}
	return CLI_OK;
}

int
outfile_open(struct cli_ctx *ctx, struct outfile *o, const char *path,
    unsigned flags, mode_t mode)
{
	struct stat sb;
	size_t n;
	int fd = -1, is_link = 0;

	memset(o, 0, sizeof(*o));
	o->path = path;
	if (outfile_is_stdout(path)) {
		o->f = ctx->out;
		o->is_stdout = 1;
		return CLI_OK;
	}
	if (lstat(path, &sb) == 0) {
		if (S_ISLNK(sb.st_mode)) {
			is_link = 1;
			/*
			 * Another user's link may be planted (in /tmp): as
			 * fs.protected_symlinks, whatever the sysctl says.
			 */
			if (sb.st_uid != geteuid() && sb.st_uid != 0)
				return cannot(ctx, path, _("it is another "
				    "user's symbolic link; name the file "
				    "itself"));
			if (stat(path, &sb) != 0)
				return cannot(ctx, path, errno == ENOENT ?
				    _("it is a symbolic link to a file that "
				    "does not exist; name the file itself") :
				    strerror(errno));
		}
		if (S_ISDIR(sb.st_mode))
			return cannot(ctx, path, _("it is a directory; name a "
			    "file"));
		if (!S_ISREG(sb.st_mode))
			return open_in_place(ctx, o, &sb);
		if (!(flags & OUTFILE_FORCE))
			return exists(ctx, path);
		o->replace = 1;
		/* The link stays: the file it points to is replaced. */
		o->target = is_link ? realpath(path, NULL) : strdup(path);
	} else if (errno == ENOENT)
		o->target = strdup(path);
	else
		return cannot(ctx, path, strerror(errno));
	if (o->target == NULL)
		return cannot(ctx, path, strerror(errno));
	n = strlen(o->target) + sizeof(".tmp-XXXXXX");
	if ((o->tmp = malloc(n)) == NULL) {
		free(o->target);
		o->target = NULL;
		return cannot(ctx, path, strerror(ENOMEM));
	}
	snprintf(o->tmp, n, "%s.tmp-XXXXXX", o->target);
	if ((fd = mkostemp(o->tmp, O_CLOEXEC)) < 0 || fchmod(fd, mode) != 0 ||
	    (o->f = fdopen(fd, "wb")) == NULL) {
		int e = errno;

		if (fd >= 0) {
			close(fd);
			unlink(o->tmp);
		}
		free(o->tmp);
		free(o->target);
		o->tmp = o->target = NULL;
		cli_error(ctx, _("cannot create the file"), path, strerror(e));
		return CLI_USAGE;
	}
	return CLI_OK;
}

/*
 * copy_new() - copy the complete temporary file into a new file at
 * target (O_EXCL: never over one that exists), for file systems without
 * hard links (a FAT stick); a half-written target is removed.
 * @return 0, or -1 with errno set (EEXIST: target exists).
 */
static int
copy_new(const char *tmp, const char *target, mode_t mode)
{
	char buf[65536];
	ssize_t r, w;
	size_t off;
	int in, out = -1, made = 0, e;

	if ((in = open(tmp, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	if ((out = open(target, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, mode)) < 0)
		goto fail;
	made = 1;
	while ((r = read(in, buf, sizeof(buf))) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			goto fail;
		for (off = 0; off < (size_t)r;) {
			if ((w = write(out, buf + off, (size_t)r - off)) < 0 &&
			    errno == EINTR)
				continue;
			if (w < 0)
				goto fail;
			off += (size_t)w;
		}
	}
	if (fsync(out) != 0)
		goto fail;
	e = close(out);
	out = -1;
	if (e != 0)
		goto fail;
	close(in);
	return 0;
fail:
	e = errno;
	if (out >= 0)
		close(out);
	if (made)
		unlink(target);
	close(in);
	errno = e;
	return -1;
}

/* place() - put the complete temporary file at target: 0, or errno. */
static int
place(struct outfile *o)
{
	struct stat sb;

	if (o->replace)
		return rename(o->tmp, o->target) == 0 ? 0 : errno;
	/* link() never replaces what is there: EEXIST. */
	if (link(o->tmp, o->target) == 0)
		return 0;
	if (errno == EEXIST)
		return EEXIST;
	if (fstat(fileno(o->f), &sb) != 0)
		sb.st_mode = 0600;
	return copy_new(o->tmp, o->target, sb.st_mode & 0777) == 0 ? 0 :
	    errno;
}

int
outfile_close(struct cli_ctx *ctx, struct outfile *o, int ok)
{
	int ret = ok ? CLI_OK : CLI_USAGE, e = 0;

	if (o->f == NULL)
		return CLI_USAGE;
	if (o->is_stdout) {
		if (fflush(o->f) != 0 && ok) {
			cli_error(ctx, _("cannot write"), _("standard output"),
			    strerror(errno));
			ret = CLI_USAGE;
		}
		o->f = NULL;
		return ret;
	}
	if (ok && fflush(o->f) != 0)
		e = errno;
	/* A device or a FIFO may not sync: what it took is written. */
	if (ok && e == 0 && fsync(fileno(o->f)) != 0 && (o->tmp != NULL ||
	    (errno != EINVAL && errno != EROFS && errno != ENOTSUP)))
		e = errno;
	if (ok && e == 0 && o->tmp != NULL && (e = place(o)) == EEXIST) {
		(void)exists(ctx, o->path);
		ok = 0;
		ret = CLI_USAGE;
		e = 0;
	}
	if (fclose(o->f) != 0 && ok && e == 0)
		e = errno;
	o->f = NULL;
	if (ok && e != 0) {
		cli_error(ctx, _("cannot write the file"), o->path,
		    strerror(e));
		ret = CLI_USAGE;
	}
	if (o->tmp != NULL)
		unlink(o->tmp);
	free(o->tmp);
	free(o->target);
	o->tmp = o->target = NULL;
	return ret;
}
