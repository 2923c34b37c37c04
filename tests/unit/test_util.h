/*
 * test_util.h: small helpers shared by the unit tests.
 */
#ifndef DETENTE_TEST_UTIL_H
#define DETENTE_TEST_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <dirent.h>
#include <lmdb.h>

/* A fresh temporary directory; the caller removes it with tu_rmtree(). */
static inline char *
tu_tmpdir(void)
{
	char *d = strdup("/tmp/detente-test-XXXXXX");

	assert_non_null(d);
	assert_non_null(mkdtemp(d));
	return d;
}

/* The names in directory d, but "." and "..". */
static inline size_t
tu_dir_entries(const char *d)
{
	DIR *dp = opendir(d);
	struct dirent *de;
	size_t n = 0;

	assert_non_null(dp);
	while ((de = readdir(dp)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			n++;
	closedir(dp);
	return n;
}

static inline void
tu_rmtree(char *d)
{
	char cmd[512];

	if (d == NULL)
		return;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", d);
	assert_int_equal(system(cmd), 0);
	free(d);
}

/* The path of a file in the vectors directory (static buffer). */
static inline const char *
tu_vector_path(const char *name)
{
	static char p[1024];
	const char *dir = getenv("DETENTE_VECTORS");

	snprintf(p, sizeof p, "%s/%s", dir ? dir : "tests/vectors", name);
	return p;
}

/*
 * tu_vector() - the value of "name = value" in a vector file, malloc'd,
 * or NULL.  Lines starting with '#' are comments.
 */
static inline char *
tu_vector(const char *file, const char *name)
{
	FILE *f = fopen(tu_vector_path(file), "r");
	char *line = NULL, *val = NULL;
	size_t cap = 0, n = strlen(name);
	ssize_t len;

	if (f == NULL)
		return NULL;
	while ((len = getline(&line, &cap, f)) > 0) {
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (line[0] == '#' || strncmp(line, name, n) != 0 ||
		    strncmp(line + n, " = ", 3) != 0)
			continue;
		val = strdup(line + n + 3);
		break;
	}
	free(line);
	fclose(f);
	return val;
}

/*
 * tu_raw_write() - overwrite (v) or delete (v NULL) a row of the store at
 * path through LMDB itself, as an attacker would.
 */
static inline void
tu_raw_write(const char *path, const char *db, const void *k, size_t klen,
    const void *v, size_t vlen)
{
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	MDB_val key = { klen, (void *)k }, val = { vlen, (void *)v };

	assert_int_equal(mdb_env_create(&env), 0);
	assert_int_equal(mdb_env_set_maxdbs(env, 8), 0);
	assert_int_equal(mdb_env_set_mapsize(env, (size_t)1 << 32), 0);
	assert_int_equal(mdb_env_open(env, path, 0, 0600), 0);
	assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
	assert_int_equal(mdb_dbi_open(txn, db, 0, &dbi), 0);
	if (v == NULL)
		assert_int_equal(mdb_del(txn, dbi, &key, NULL), 0);
	else
		assert_int_equal(mdb_put(txn, dbi, &key, &val, 0), 0);
	assert_int_equal(mdb_txn_commit(txn), 0);
	mdb_env_close(env);
}

#endif
