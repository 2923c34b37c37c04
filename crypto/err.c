/*
 * err.c: words for the DT_E* codes of err.h.
 */
#include "err.h"

const char *
dt_strerror(int err)
{
	switch (err) {
	case DT_OK:
		return "success";
	case DT_ENOMEM:
		return "out of memory";
	case DT_EIO:
		return "input/output error";
	case DT_EEXIST:
		return "already exists";
	case DT_ENOENT:
		return "not found";
	case DT_EFORMAT:
		return "not in the expected format";
	case DT_EVERSION:
		return "unknown format version";
	case DT_EPASS:
		return "wrong passphrase, or the keystore was altered";
	case DT_ESIG:
		return "signature does not verify";
	case DT_EDECRYPT:
		return "decryption failed";
	case DT_ECHAIN:
		return "hash chain broken";
	case DT_ECLOCK:
		return "Lamport clock rule violated";
	case DT_EREF:
		return "reference to an unknown entry";
	case DT_EMEMBER:
		return "not a member, or not allowed";
	case DT_EDIALOGUE:
		return "belongs to another dialogue";
	case DT_ECORRUPT:
		return "the store is damaged";
	case DT_EFORK:
		return "fork: two different entries for one author and sequence";
	case DT_EINVAL:
		return "invalid argument";
	case DT_ENOKEY:
		return "the dialogue key is not available";
	case DT_ERANGE:
		return "size or count over its limit";
	case DT_EBUSY:
		return "the store is locked by another process";
	case DT_ENOSPC:
		return "no space left";
	case DT_EAMBIG:
		return "ambiguous id prefix";
	case DT_EHASH:
		return "stored hash does not match";
	case DT_ESTATE:
		return "not possible in the record's current state";
	case DT_EAGENT:
		return "the agent no longer holds the key";
	case DT_ETIMEOUT:
		return "timed out: the peer did not answer in time";
	case DT_ECLOSED:
		return "the connection was closed";
	default:
		return "unknown error";
	}
}
