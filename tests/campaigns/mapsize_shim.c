/*
 * mapsize_shim.c: an LD_PRELOAD library for `make faults` (faults.py
 * builds it): every mdb_env_set_mapsize() call takes the size in
 * DETENTE_SHIM_MAPSIZE (bytes) instead of the one detente asks for, so
 * that a store's map fills after a few pages, as a full 4 GiB map would.
 * LMDB raises a map smaller than the data already in the file to that
 * size, so the store still opens; the next pages a write needs do not
 * fit (MDB_MAP_FULL).
 */
#include <dlfcn.h>
#include <stdlib.h>

#include <lmdb.h>

int
mdb_env_set_mapsize(MDB_env *env, size_t size)
{
	static int (*real)(MDB_env *, size_t);
	const char *s = getenv("DETENTE_SHIM_MAPSIZE");

	if (real == NULL &&
	    (real = (int (*)(MDB_env *, size_t))dlsym(RTLD_NEXT,
	    "mdb_env_set_mapsize")) == NULL)
		abort();
	if (s != NULL && *s != '\0')
		size = (size_t)strtoull(s, NULL, 10);
	return real(env, size);
}
