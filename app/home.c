/*
 * home.c: the home directory, its identities and its dialogues.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../crypto/err.h"
#include "../crypto/keys.h"
#include "home.h"

/* fits() - DT_ERANGE if snprintf() returned n did not fit in outlen. */
static int
fits(int n, size_t outlen)
{
	return n < 0 || (size_t)n >= outlen ? DT_ERANGE : 0;
}

int
home_resolve(char **out, const char *opt)
{
	const char *env, *base;
	struct passwd *pw;
	char buf[PATH_MAX];
	int n;

	*out = NULL;
	if (opt != NULL) {
		if (*opt == '\0')
			return DT_EINVAL;
		return (*out = strdup(opt)) != NULL ? 0 : DT_ENOMEM;
	}
	if ((env = getenv("DETENTE_HOME")) != NULL && *env != '\0')
		return (*out = strdup(env)) != NULL ? 0 : DT_ENOMEM;
	if ((env = getenv("XDG_DATA_HOME")) != NULL && *env == '/')
		n = snprintf(buf, sizeof(buf), "%s/detente", env);
	else {
		if ((base = getenv("HOME")) == NULL || *base == '\0') {
			pw = getpwuid(getuid());
			if (pw == NULL || pw->pw_dir == NULL)
				return DT_ENOENT;
			base = pw->pw_dir;
		}
		n = snprintf(buf, sizeof(buf), "%s/.local/share/detente", base);
	}
	if (fits(n, sizeof(buf)) != 0)
		return DT_ERANGE;
	return (*out = strdup(buf)) != NULL ? 0 : DT_ENOMEM;
}

/* mkdir_p() - make path and its parents; the last one with mode. */
static int
mkdir_p(const char *path, mode_t mode)
{
	char buf[PATH_MAX];
	char *p;

	if (fits(snprintf(buf, sizeof(buf), "%s", path), sizeof(buf)) != 0)
		return DT_ERANGE;
	for (p = buf + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0700) != 0 && errno != EEXIST)
			return DT_EIO;
		*p = '/';
	}
	if (mkdir(buf, mode) != 0 && errno != EEXIST)
		return DT_EIO;
	return 0;
}

int
home_ensure(const char *home)
{
	char buf[PATH_MAX];
	int rc;

	if ((rc = mkdir_p(home, 0700)) != 0)
		return rc;
	if ((rc = fits(snprintf(buf, sizeof(buf), "%s/identities", home),
	    sizeof(buf))) != 0 || (rc = mkdir_p(buf, 0700)) != 0)
		return rc;
	if ((rc = home_dialogues_dir(buf, sizeof(buf), home)) != 0 ||
	    (rc = mkdir_p(buf, 0700)) != 0)
		return rc;
	return 0;
}

/* unsafe() - fill p and return what. */
static enum home_unsafe
unsafe(home_problem *p, enum home_unsafe what, const char *path,
    const struct stat *sb)
{
	p->what = what;
	snprintf(p->path, sizeof(p->path), "%s", path);
	p->mode = sb != NULL ? (unsigned)(sb->st_mode & 07777) : 0;
	return what;
}

/* owned() - by this user, or by root. */
static int
owned(const struct stat *sb)
{
	return sb->st_uid == geteuid() || sb->st_uid == 0;
}

/* check_dir() - one directory of the home; follow: HOME may be a link. */
static enum home_unsafe
check_dir(const char *path, int follow, home_problem *p)
{
	struct stat sb;

	if ((follow ? stat(path, &sb) : lstat(path, &sb)) != 0)
		return HOME_SAFE;
	if (S_ISLNK(sb.st_mode))
		return unsafe(p, HOME_SYMLINK, path, &sb);
	if (!S_ISDIR(sb.st_mode))
		return unsafe(p, HOME_NOT_DIR, path, &sb);
	if (!owned(&sb))
		return unsafe(p, HOME_NOT_OWNER, path, &sb);
	if (sb.st_mode & (S_IWGRP | S_IWOTH))
		return unsafe(p, HOME_WRITABLE, path, &sb);
	return HOME_SAFE;
}

enum home_unsafe
home_check_dirs(const char *home, home_problem *p)
{
	char buf[PATH_MAX];
	enum home_unsafe u;

	memset(p, 0, sizeof(*p));
	if ((u = check_dir(home, 1, p)) != HOME_SAFE)
		return u;
	if (fits(snprintf(buf, sizeof(buf), "%s/identities", home),
	    sizeof(buf)) == 0 && (u = check_dir(buf, 0, p)) != HOME_SAFE)
		return u;
	if (home_dialogues_dir(buf, sizeof(buf), home) == 0 &&
	    (u = check_dir(buf, 0, p)) != HOME_SAFE)
		return u;
	return HOME_SAFE;
}

enum home_unsafe
home_check_key(const char *path, home_problem *p)
{
	struct stat sb;

	memset(p, 0, sizeof(*p));
	if (lstat(path, &sb) != 0)
		return HOME_SAFE;
	if (S_ISLNK(sb.st_mode))
		return unsafe(p, HOME_SYMLINK, path, &sb);
	if (!S_ISREG(sb.st_mode))
		return unsafe(p, HOME_NOT_FILE, path, &sb);
	if (!owned(&sb))
		return unsafe(p, HOME_NOT_OWNER, path, &sb);
	if (sb.st_mode & 077)
		return unsafe(p, HOME_KEY_OPEN, path, &sb);
	return HOME_SAFE;
}

int
home_identity_path(char *out, size_t outlen, const char *home,
    const char *name)
{
	if (!key_name_valid(name))
		return DT_EINVAL;
	return fits(snprintf(out, outlen, "%s/identities/%s.key", home, name),
	    outlen);
}

int
home_dialogues_dir(char *out, size_t outlen, const char *home)
{
	return fits(snprintf(out, outlen, "%s/dialogues", home), outlen);
}

int
home_dialogue_path(char *out, size_t outlen, const char *home,
    const char *hexid)
{
	return fits(snprintf(out, outlen, "%s/dialogues/%s", home, hexid),
	    outlen);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* is_hexid() - 1 for exactly 64 lower-case hex digits. */
static int
is_hexid(const char *s)
{
	size_t i;

	for (i = 0; i < HOME_ID_HEX; i++)
		if (!isxdigit((unsigned char)s[i]) || isupper((unsigned char)
		    s[i]))
			return 0;
	return s[HOME_ID_HEX] == '\0';
}

/*
 * list_dir() - names in dir that pass keep(), rewritten by keep() into a
 * malloc'd string; sorted.  A missing dir is an empty list.
 */
static int
list_dir(char ***out, size_t *n, const char *dir,
    char *(*keep)(const char *))
{
	char **names = NULL, **tmp, *s;
	size_t cap = 0, cnt = 0;
	struct dirent *d;
	DIR *dp;
	int rc = 0;

	*out = NULL;
	*n = 0;
	if ((dp = opendir(dir)) == NULL)
		return errno == ENOENT ? 0 : DT_EIO;
	while ((d = readdir(dp)) != NULL) {
		if ((s = keep(d->d_name)) == NULL)
			continue;
		if (cnt == cap) {
			cap = cap ? cap * 2 : 8;
			if ((tmp = realloc(names, cap * sizeof(*names))) ==
			    NULL) {
				free(s);
				rc = DT_ENOMEM;
				goto out;
			}
			names = tmp;
		}
		names[cnt++] = s;
	}
	if (cnt > 0)
		qsort(names, cnt, sizeof(*names), cmp_str);
out:
	closedir(dp);
	if (rc != 0) {
		home_names_free(names, cnt);
		return rc;
	}
	*out = names;
	*n = cnt;
	return 0;
}

/* keep_key() - "NAME.key" with a valid NAME gives NAME. */
static char *
keep_key(const char *f)
{
	size_t n = strlen(f);
	char *s;

	if (n <= 4 || strcmp(f + n - 4, ".key") != 0)
		return NULL;
	if ((s = strndup(f, n - 4)) != NULL && !key_name_valid(s)) {
		free(s);
		return NULL;
	}
	return s;
}

/* keep_hexid() - a dialogue directory's name. */
static char *
keep_hexid(const char *f)
{
	return strlen(f) == HOME_ID_HEX && is_hexid(f) ? strdup(f) : NULL;
}

int
home_identities(char ***names, size_t *n, const char *home)
{
	char dir[PATH_MAX];

	if (fits(snprintf(dir, sizeof(dir), "%s/identities", home),
	    sizeof(dir)) != 0)
		return DT_ERANGE;
	return list_dir(names, n, dir, keep_key);
}

int
home_dialogues(char ***ids, size_t *n, const char *home)
{
	char dir[PATH_MAX];
	int rc;

	if ((rc = home_dialogues_dir(dir, sizeof(dir), home)) != 0)
		return rc;
	return list_dir(ids, n, dir, keep_hexid);
}

void
home_names_free(char **names, size_t n)
{
	size_t i;

	for (i = 0; names != NULL && i < n; i++)
		free(names[i]);
	free(names);
}

int
home_default_get(char name[KEY_NAME_MAX + 1], const char *home)
{
	char path[PATH_MAX], buf[KEY_NAME_MAX + 3];
	size_t len;
	FILE *f;

	if (fits(snprintf(path, sizeof(path), "%s/default", home),
	    sizeof(path)) != 0)
		return DT_ERANGE;
	if ((f = fopen(path, "re")) == NULL)
		return errno == ENOENT ? DT_ENOENT : DT_EIO;
	if (fgets(buf, sizeof(buf), f) == NULL) {
		fclose(f);
		return DT_EFORMAT;
	}
	fclose(f);
	len = strcspn(buf, "\r\n");
	buf[len] = '\0';
	if (!key_name_valid(buf))
		return DT_EFORMAT;
	memcpy(name, buf, len + 1);
	return 0;
}

int
home_default_set(const char *home, const char *name)
{
	char path[PATH_MAX], tmp[PATH_MAX];
	int fd, rc = DT_EIO;
	size_t len;

	if (!key_name_valid(name))
		return DT_EINVAL;
	if (fits(snprintf(path, sizeof(path), "%s/default", home),
	    sizeof(path)) != 0 || fits(snprintf(tmp, sizeof(tmp),
	    "%s/.default.%ld", home, (long)getpid()), sizeof(tmp)) != 0)
		return DT_ERANGE;
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) < 0)
		return DT_EIO;
	len = strlen(name);
	if (write(fd, name, len) == (ssize_t)len && write(fd, "\n", 1) == 1 &&
	    fsync(fd) == 0)
		rc = 0;
	close(fd);
	if (rc == 0 && rename(tmp, path) != 0)
		rc = DT_EIO;
	if (rc != 0)
		unlink(tmp);
	return rc;
}

int
home_choose_identity(char name[KEY_NAME_MAX + 1], const char *home,
    const char *as)
{
	char path[PATH_MAX], def[KEY_NAME_MAX + 1];
	char **names = NULL;
	size_t n = 0;
	int rc;

	if (as != NULL) {
		if (!key_name_valid(as))
			return DT_EINVAL;
		if ((rc = home_identity_path(path, sizeof(path), home, as)) != 0)
			return rc;
		if (access(path, F_OK) != 0)
			return DT_ENOENT;
		snprintf(name, KEY_NAME_MAX + 1, "%s", as);
		return 0;
	}
	if ((rc = home_identities(&names, &n, home)) != 0)
		return rc;
	if (n == 0)
		rc = DT_ENOENT;
	else if (n == 1)
		snprintf(name, KEY_NAME_MAX + 1, "%s", names[0]);
	else if (home_default_get(def, home) == 0 &&
	    home_identity_path(path, sizeof(path), home, def) == 0 &&
	    access(path, F_OK) == 0)
		snprintf(name, KEY_NAME_MAX + 1, "%s", def);
	else
		rc = DT_EAMBIG;
	home_names_free(names, n);
	return rc;
}

int
home_choose_dialogue(char hexid[HOME_ID_HEX + 1], const char *home,
    const char *prefix)
{
	char low[HOME_ID_HEX + 1];
	char **ids = NULL;
	size_t n = 0, i, len = 0, hits = 0;
	int rc;

	if (prefix != NULL) {
		len = strlen(prefix);
		if (len < 4 || len > HOME_ID_HEX)
			return DT_EINVAL;
		for (i = 0; i < len; i++) {
			if (!isxdigit((unsigned char)prefix[i]))
				return DT_EINVAL;
			low[i] = (char)tolower((unsigned char)prefix[i]);
		}
		low[len] = '\0';
	}
	if ((rc = home_dialogues(&ids, &n, home)) != 0)
		return rc;
	for (i = 0; i < n; i++) {
		if (prefix != NULL && strncmp(ids[i], low, len) != 0)
			continue;
		if (hits++ == 0)
			memcpy(hexid, ids[i], HOME_ID_HEX + 1);
	}
	home_names_free(ids, n);
	if (hits == 0)
		return DT_ENOENT;
	return hits == 1 ? 0 : DT_EAMBIG;
}
