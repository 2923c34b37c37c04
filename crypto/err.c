/*
 * err.c: words for the DT_E* codes of err.h.
 */
#include "err.h"

/* Marks the words for xgettext (po/POTFILES.in lists this file); the
 * crypto layer knows no gettext: app/ translates them with _(dt_strerror(e)). */
#define N_(s) (s)

const char *
dt_strerror(int err)
{
	switch (err) {
	case DT_OK:
		return N_("success");
	case DT_ENOMEM:
		return N_("out of memory");
	case DT_EIO:
		return N_("input/output error");
	case DT_EEXIST:
		return N_("already exists");
	case DT_ENOENT:
		return N_("not found");
	case DT_EFORMAT:
		return N_("not in the expected format");
	case DT_EVERSION:
		return N_("unknown format version");
	case DT_EPASS:
		return N_("wrong passphrase, or the keystore was altered");
	case DT_ESIG:
		return N_("signature does not verify");
	case DT_EDECRYPT:
		return N_("decryption failed");
	case DT_ECHAIN:
		return N_("hash chain broken");
	case DT_ECLOCK:
		return N_("Lamport clock rule violated");
	case DT_EREF:
		return N_("reference to an unknown entry");
	case DT_EMEMBER:
		return N_("not a member, or not allowed");
	case DT_EDIALOGUE:
		return N_("belongs to another dialogue");
	case DT_ECORRUPT:
		return N_("the store is damaged");
	case DT_EFORK:
		return N_("fork: two different entries for one author and sequence");
	case DT_EINVAL:
		return N_("invalid argument");
	case DT_ENOKEY:
		return N_("the dialogue key is not available");
	case DT_ERANGE:
		return N_("size or count over its limit");
	case DT_EBUSY:
		return N_("the store is locked by another process");
	case DT_ENOSPC:
		return N_("no space left");
	case DT_EAMBIG:
		return N_("ambiguous id prefix");
	case DT_EHASH:
		return N_("stored hash does not match");
	case DT_ESTATE:
		return N_("not possible in the record's current state");
	case DT_EAGENT:
		return N_("the agent no longer holds the key");
	case DT_ETIMEOUT:
		return N_("timed out: the peer did not answer in time");
	case DT_ECLOSED:
		return N_("the connection was closed");
	default:
		return N_("unknown error");
	}
}
