/*
 * record_create.c: record_create(): a new dialogue's store, its genesis
 * and first key wrap, made in a temporary directory and renamed into
 * place.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "../crypto/err.h"
#include "../crypto/wrap.h"
#include "payload.h"
#include "record_priv.h"

/* The genesis payload for g; checks the rules record_create() needs. */
static int
genesis_payload(char **out, const record_genesis *g,
    const key_identity *creator, const char **why)
{
	json_t *o = NULL, *parties, *members;
	char hex[2 * KEY_PK_BYTES + 1];
	size_t i;
	int rc = DT_ENOMEM;

	*out = NULL;
	if ((parties = json_array()) == NULL || (members = json_array()) ==
	    NULL) {
		json_decref(parties);
		return DT_ENOMEM;
	}
	if ((o = json_pack("{s:i,s:s,s:o,s:o}", "v", PAYLOAD_VERSION, "title",
	    g->title, "parties", parties, "members", members)) == NULL)
		goto out;
	if (g->titles != NULL && json_object_set_new(o, "titles",
	    json_deep_copy(g->titles)) != 0)
		goto out;
	for (i = 0; i < g->nparties; i++)
		if (json_array_append_new(parties, json_string(g->parties[i])))
			goto out;
	for (i = 0; i < g->nmembers; i++) {
		key_hex(hex, g->members[i].pk, KEY_PK_BYTES);
		if (json_array_append_new(members, json_pack(
		    "{s:s,s:s,s:s,s:s}", "key", hex, "name",
		    g->members[i].name, "party", g->members[i].party, "role",
		    record_role_name(g->members[i].role))) != 0)
			goto out;
	}
	rc = DT_EINVAL;
	if (payload_check(ENTRY_K_GENESIS, o) != 0) {
		*why = "parties, members or title are malformed";
		goto out;
	}
	if (payload_fields_check(ENTRY_K_GENESIS, o, NULL) != 0) {
		*why = "a title or a name is empty, too long, or has control "
		    "or bidirectional characters";
		goto out;
	}
	{
		/* The same rules verify applies, run on a scratch record. */
		record scratch;
		entry fake;

		memset(&scratch, 0, sizeof scratch);
		memset(&fake, 0, sizeof fake);
		fake.author = creator->pk;
		rc = record_genesis_apply(&scratch, &fake, o, why);
		record_members_reset(&scratch);
		if (rc != 0) {
			rc = DT_EINVAL;
			goto out;
		}
	}
	rc = (*out = payload_dump(o)) != NULL ? 0 : DT_ENOMEM;
out:
	json_decref(o);
	return rc;
}

int
record_fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc = 0;

	if (fd < 0)
		return DT_EIO;
	if (fsync(fd) != 0)
		rc = DT_EIO;
	close(fd);
	return rc;
}

int
record_create(record **out, const char *parent, const key_identity *creator,
    const record_genesis *g, const char **why)
{
	char *tmp = NULL, *final = NULL, *gp = NULL, *wp = NULL;
	char hex[2 * ENTRY_HASH_BYTES + 1];
	const char *dummy;
	unsigned char *key = NULL, *gb = NULL, *wb = NULL;
	unsigned char id[ENTRY_HASH_BYTES], wh[ENTRY_HASH_BYTES];
	unsigned char (*pks)[KEY_PK_BYTES] = NULL;
	size_t glen, wlen, n, i;
	store *s = NULL;
	store_txn *t = NULL;
	entry_draft d;
	entry ge, we;
	uint64_t ts = g->time_ms ? g->time_ms : record_now_ms();
	int rc;

	*out = NULL;
	if (why == NULL)
		why = &dummy;
	*why = NULL;
	if ((rc = genesis_payload(&gp, g, creator, why)) != 0)
		goto out;
	memset(&d, 0, sizeof d);
	d.kind = ENTRY_K_GENESIS;
	d.clock = 1;
	d.time_ms = ts;
	d.payload = (const unsigned char *)gp;
	d.payload_len = strlen(gp);
	if ((rc = entry_build(&gb, &glen, &d, creator)) != 0 ||
	    (rc = entry_parse(&ge, gb, glen)) != 0)
		goto out;
	entry_hash(id, gb, glen);
	if ((pks = malloc((g->nmembers ? g->nmembers : 1) * sizeof *pks)) ==
	    NULL) {
		rc = DT_ENOMEM;
		goto out;
	}
	for (i = 0; i < g->nmembers; i++)
		memcpy(pks[i], g->members[i].pk, KEY_PK_BYTES);
	if ((rc = wrap_key_new(&key)) != 0 ||
	    (rc = record_int_wrap_payload(&wp, id, key,
	    (const unsigned char (*)[KEY_PK_BYTES])pks, g->nmembers,
	    NULL)) != 0)
		goto out;
	memset(&d, 0, sizeof d);
	d.kind = ENTRY_K_KEY_WRAP;
	d.dialogue = id;
	d.seq = 1;
	d.clock = 2;
	d.time_ms = ts;
	d.prev = id;
	d.payload = (const unsigned char *)wp;
	d.payload_len = strlen(wp);
	if ((rc = entry_build(&wb, &wlen, &d, creator)) != 0 ||
	    (rc = entry_parse(&we, wb, wlen)) != 0)
		goto out;
	entry_hash(wh, wb, wlen);
	key_hex(hex, id, sizeof id);
	n = strlen(parent) + 2 * ENTRY_HASH_BYTES + 16;
	rc = DT_ENOMEM;
	if ((tmp = malloc(n)) == NULL || (final = malloc(n)) == NULL)
		goto out;
	snprintf(tmp, n, "%s/.new-XXXXXX", parent);
	snprintf(final, n, "%s/%s", parent, hex);
	if (access(final, F_OK) == 0) {
		rc = DT_EEXIST;
		goto out;
	}
	if (mkdtemp(tmp) == NULL) {
		rc = errno == ENOSPC ? DT_ENOSPC : DT_EIO;
		free(tmp);
		tmp = NULL;
		goto out;
	}
	if ((rc = store_open(&s, tmp, 1)) != 0 ||
	    (rc = store_txn_begin(&t, s, 1)) != 0 ||
	    (rc = store_set_dialogue(t, id)) != 0 ||
	    (rc = store_put(t, &ge, id)) != 0 ||
	    (rc = store_put(t, &we, wh)) != 0)
		goto out;
	rc = store_txn_commit(t);
	t = NULL;
	if (rc != 0)
		goto out;
	store_close(s);
	s = NULL;
	if (rename(tmp, final) != 0) {
		rc = errno == EEXIST || errno == ENOTEMPTY ? DT_EEXIST : DT_EIO;
		goto out;
	}
	free(tmp);
	tmp = NULL;
	if ((rc = record_fsync_dir(parent)) != 0)
		goto out;
	if ((rc = record_open(out, final)) != 0)
		goto out;
	if ((*out)->fail.code != 0) {
		*why = (*out)->fail.detail;
		rc = (*out)->fail.code;
		record_close(*out);
		*out = NULL;
		goto out;
	}
	{
		unsigned char kid[WRAP_KEYID_BYTES];

		wrap_key_id(kid, key);
		rc = epoch_hold(&(*out)->ring, kid, key);
		key = NULL;
		if (rc != 0) {
			record_close(*out);
			*out = NULL;
			goto out;
		}
	}
out:
	store_txn_abort(t);
	store_close(s);
	if (tmp != NULL) {
		/* Only our own fresh temporary directory is ever removed. */
		char f[4096];

		snprintf(f, sizeof f, "%s/data.mdb", tmp);
		unlink(f);
		snprintf(f, sizeof f, "%s/lock.mdb", tmp);
		unlink(f);
		rmdir(tmp);
	}
	wrap_key_free(key);
	free(pks);
	free(wb);
	free(gb);
	payload_free(wp);
	payload_free(gp);
	free(final);
	free(tmp);
	return rc;
}
