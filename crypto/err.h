/*
 * err.h: the one error space of detente's libraries.
 *
 * Library functions (crypto/, storage/) return 0 on success or one of the
 * negative DT_E* codes below; they never print and never exit.  Only app/
 * turns a code into words, with dt_strerror() and the object it concerns.
 */
#ifndef DETENTE_ERR_H
#define DETENTE_ERR_H

enum {
	DT_OK = 0,
	DT_ENOMEM = -1,     /* out of memory (or sodium_malloc failed) */
	DT_EIO = -2,        /* read/write/fsync failed; errno is kept */
	DT_EEXIST = -3,     /* file or object already exists */
	DT_ENOENT = -4,     /* no such file, identity, dialogue or entry */
	DT_EFORMAT = -5,    /* bytes are not in the expected format */
	DT_EVERSION = -6,   /* a format version this build does not know */
	DT_EPASS = -7,      /* wrong passphrase (or keystore tampered) */
	DT_ESIG = -8,       /* a signature does not verify */
	DT_EDECRYPT = -9,   /* authenticated decryption failed */
	DT_ECHAIN = -10,    /* hash chain broken (prev hash mismatch) */
	DT_ECLOCK = -11,    /* Lamport clock rule violated */
	DT_EREF = -12,      /* a causal reference names an unknown entry */
	DT_EMEMBER = -13,   /* author is not a member, or not allowed */
	DT_EDIALOGUE = -14, /* entry belongs to another dialogue */
	DT_ECORRUPT = -15,  /* the store is damaged (LMDB or index mismatch) */
	DT_EFORK = -16,     /* two different entries for one (author, seq) */
	DT_EINVAL = -17,    /* invalid argument */
	DT_ENOKEY = -18,    /* the dialogue key is not available to us */
	DT_ERANGE = -19,    /* a size or count is over its limit */
	DT_EBUSY = -20,     /* the store is locked by another process */
	DT_ENOSPC = -21,    /* the disk or the store's map is full */
	DT_EAMBIG = -22,    /* an id prefix matches more than one entry */
	DT_EHASH = -23,     /* a stored hash does not match the bytes */
	DT_ESTATE = -24,    /* the operation does not fit the record's state */
	DT_EAGENT = -25,    /* the agent no longer holds the key, or failed */
	DT_ETIMEOUT = -26,  /* a peer did not answer in time */
	DT_ECLOSED = -27,   /* a peer closed the connection (or it was cut) */
	DT_ERR_MIN_ = -28
};

/*
 * dt_strerror() - a short English description of a DT_E* code.
 * @param[in] err  a DT_E* code (0 gives "success").
 * @return a static string; never NULL.  app/ translates it with _().
 */
const char *dt_strerror(int err);

#endif
