/*
 * home.h: where detente keeps identities and dialogues (prefix home_).
 *
 * The home is --home DIR, else $DETENTE_HOME, else $XDG_DATA_HOME/detente,
 * else ~/.local/share/detente.  Its layout:
 *   HOME/identities/NAME.key     one keystore file per identity (0600)
 *   HOME/default                 one line: the default identity's name
 *   HOME/dialogues/<64 hex id>/  one LMDB store per dialogue
 * Every directory detente creates is mode 0700.
 *
 * These functions print nothing; they return 0 or a DT_E* code, and the
 * caller (session.c) turns it into words.
 */
#ifndef DETENTE_HOME_H
#define DETENTE_HOME_H

#include <stddef.h>

#include "../crypto/keys.h"

#define HOME_ID_HEX 64U

/*
 * home_resolve() - the home directory, as a malloc'd string.
 * @param[in] opt  --home, or NULL.
 * @return 0, DT_ENOENT (no HOME to fall back on), DT_EINVAL (empty),
 *         DT_ENOMEM.
 */
int home_resolve(char **out, const char *opt);

/*
 * home_ensure() - create HOME, HOME/identities and HOME/dialogues as
 * needed, each mode 0700.  @return 0 or DT_EIO (errno kept).
 */
int home_ensure(const char *home);

/*
 * What home_check_dirs() and home_check_key() found that makes the home
 * unsafe to keep secret keys in (after OpenSSH's StrictModes).
 */
enum home_unsafe {
	HOME_SAFE = 0,
	HOME_WRITABLE,    /* a directory that group or others can write to */
	HOME_NOT_OWNER,   /* owned by another user (nor root) */
	HOME_SYMLINK,     /* identities/ or a key file is a symbolic link */
	HOME_NOT_DIR,     /* identities/ or dialogues/ is not a directory */
	HOME_KEY_OPEN,    /* a key file that group or others can access */
	HOME_NOT_FILE     /* a key file that is not a regular file */
};

/* Where and what, for the one error line. */
typedef struct home_problem {
	enum home_unsafe what;
	char path[4096];
	unsigned mode;       /* the permission bits found */
} home_problem;

/*
 * home_check_dirs() - are HOME, HOME/identities and HOME/dialogues (those
 * that exist) directories owned by this user or root, not writable by
 * group or others, identities/ and dialogues/ not symbolic links?
 * (Anyone who can write there can swap a key file or a whole record.)
 * HOME itself may be a symbolic link.
 * @return HOME_SAFE, or what is wrong with p filled.
 */
enum home_unsafe home_check_dirs(const char *home, home_problem *p);

/*
 * home_check_key() - is the key file at path a regular file (not a
 * symbolic link), owned by this user or root, that neither group nor
 * others can read or write (mode 0600 or stricter)?
 * @return HOME_SAFE, or what is wrong with p filled; a missing file is
 *         HOME_SAFE (reading it will say so).
 */
enum home_unsafe home_check_key(const char *path, home_problem *p);

/* home_identity_path() - HOME/identities/NAME.key into out (PATH_MAX). */
int home_identity_path(char *out, size_t outlen, const char *home,
    const char *name);

/* home_dialogues_dir() - HOME/dialogues into out. */
int home_dialogues_dir(char *out, size_t outlen, const char *home);

/* home_dialogue_path() - HOME/dialogues/<hex id> into out. */
int home_dialogue_path(char *out, size_t outlen, const char *home,
    const char *hexid);

/*
 * home_identities() - the names of every HOME/identities/NAME.key with a
 * valid NAME, sorted.  @param[out] names  malloc'd array of malloc'd
 * strings; free with home_names_free().
 */
int home_identities(char ***names, size_t *n, const char *home);

/*
 * home_dialogues() - the ids (64 lower-case hex digits) of every
 * dialogue directory, sorted; free with home_names_free().
 */
int home_dialogues(char ***ids, size_t *n, const char *home);

/* home_names_free() - free what home_identities()/home_dialogues() gave. */
void home_names_free(char **names, size_t n);

/*
 * home_default_get() - the default identity's name.
 * @return 0, DT_ENOENT (no default file), DT_EFORMAT, DT_EIO.
 */
int home_default_get(char name[KEY_NAME_MAX + 1], const char *home);

/* home_default_set() - write HOME/default (atomically, by rename). */
int home_default_set(const char *home, const char *name);

/*
 * home_choose_identity() - the identity a command acts as: as (--as), else
 * the only one, else the default.
 * @return 0; DT_ENOENT (none at all, or no identity called as);
 *         DT_EAMBIG (several and no usable default); DT_EINVAL (bad name).
 */
int home_choose_identity(char name[KEY_NAME_MAX + 1], const char *home,
    const char *as);

/*
 * home_choose_dialogue() - the dialogue a command acts on: the one whose
 * id starts with prefix (4 to 64 hex digits), else the only one.
 * @param[out] hexid  HOME_ID_HEX + 1 bytes.
 * @return 0; DT_ENOENT (none, or no match); DT_EAMBIG (several match,
 *         or several and no prefix); DT_EINVAL (not a hex prefix).
 */
int home_choose_dialogue(char hexid[HOME_ID_HEX + 1], const char *home,
    const char *prefix);

#endif
