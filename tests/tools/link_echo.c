/*
 * link_echo.c: detente's side of the sync channel (storage/link.h) on
 * standard input and output, for the interoperability test with an
 * outside Noise implementation (tests/cli/18-noise-interop.sh, driving
 * tests/tools/noise_peer.py), until `detente sync --stdio` takes its
 * place.
 *
 *   link_echo [-i] [-a] [-t MS] KEY DIALOGUE PEER
 *
 *   KEY       our identity: its 32-byte Ed25519 seed in hex; with -a, the
 *             Ed25519 public key (hex) of an identity that the running
 *             `detente agent` holds, so that the handshake's DH with our
 *             static key goes through the agent (key_ops.noise_mix)
 *   DIALOGUE  the dialogue id (64 hex digits), bound in the prologue
 *   PEER      the Ed25519 public key (hex) of the one member accepted
 *   -i        be the initiator (default: the responder)
 *   -t MS     the handshake's and each receive's timeout (default 10000)
 *
 * After the handshake it sends "hello from detente", receives one message
 * and sends back "echo:" and that message, then waits for the peer to
 * close the link.  It says what happened on standard error (English:
 * this is a test tool, not a user's command).  Exit 0 when all of that
 * went as said, 1 when the link failed (the line says how), 2 for usage.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "../../app/agent.h"
#include "../../crypto/err.h"
#include "../../crypto/keys.h"
#include "../../storage/link.h"

#define HELLO "hello from detente"

static unsigned char accepted_pk[KEY_PK_BYTES];

static int
accept_peer(void *arg, const unsigned char remote[LINK_X25519_BYTES],
    link_peer *peer)
{
	unsigned char x[LINK_X25519_BYTES];

	(void)arg;
	if (crypto_sign_ed25519_pk_to_curve25519(x, accepted_pk) != 0 ||
	    sodium_memcmp(x, remote, sizeof x) != 0)
		return DT_EMEMBER;
	memcpy(peer->pk, accepted_pk, KEY_PK_BYTES);
	memcpy(peer->name, "peer", 5);
	memcpy(peer->party, "test", 5);
	return 0;
}

static int
fail(const char *what, int rc)
{
	fprintf(stderr, "link_echo: %s: %s\n", what, dt_strerror(rc));
	return 1;
}

static int
usage(void)
{
	fprintf(stderr,
	    "usage: link_echo [-i] [-a] [-t MS] KEY DIALOGUE PEER\n");
	return 2;
}

int
main(int argc, char **argv)
{
	unsigned char seed[KEY_SEED_BYTES], pk[KEY_PK_BYTES], dialogue[32];
	unsigned char *msg = NULL, *echo = NULL;
	key_identity *me = NULL;
	link_chan *l = NULL;
	size_t len;
	int opt, initiator = 0, agent = 0, timeout = 10000, rc, ret = 1;

	while ((opt = getopt(argc, argv, "iat:")) != -1) {
		switch (opt) {
		case 'i':
			initiator = 1;
			break;
		case 'a':
			agent = 1;
			break;
		case 't':
			timeout = atoi(optarg);
			break;
		default:
			return usage();
		}
	}
	if (argc - optind != 3 || sodium_init() < 0)
		return usage();
	if (key_unhex(agent ? pk : seed, 32, argv[optind]) != 0 ||
	    key_unhex(dialogue, 32, argv[optind + 1]) != 0 ||
	    key_unhex(accepted_pk, KEY_PK_BYTES, argv[optind + 2]) != 0)
		return usage();
	/* the peer may hang up while we write: DT_ECLOSED, not a signal */
	signal(SIGPIPE, SIG_IGN);
	rc = agent ? agent_identity(&me, "me", pk) :
		     key_identity_from_seed(&me, "me", seed);
	sodium_memzero(seed, sizeof seed);
	if (rc != 0)
		return fail(agent ? "the agent does not hold the key" :
				    "identity",
		    rc);
	rc = link_open(&l, STDIN_FILENO, STDOUT_FILENO, initiator, dialogue,
	    me, accept_peer, NULL, timeout);
	if (rc != 0) {
		ret = fail("handshake", rc);
		goto out;
	}
	fprintf(stderr, "link_echo: handshake done (%s)\n",
	    initiator ? "initiator" : "responder");
	if ((rc = link_send(l, (const unsigned char *)HELLO,
		 strlen(HELLO))) != 0) {
		ret = fail("send", rc);
		goto out;
	}
	if ((rc = link_recv(l, &msg, &len, timeout)) != 0) {
		ret = fail("receive", rc);
		goto out;
	}
	fprintf(stderr, "link_echo: received %zu bytes\n", len);
	if ((echo = malloc(len + 5)) == NULL) {
		ret = fail("echo", DT_ENOMEM);
		goto out;
	}
	memcpy(echo, "echo:", 5);
	if (len > 0)
		memcpy(echo + 5, msg, len);
	if (len + 5 > LINK_MSG_MAX)
		len = LINK_MSG_MAX - 5;
	if ((rc = link_send(l, echo, len + 5)) != 0) {
		ret = fail("send", rc);
		goto out;
	}
	free(msg);
	msg = NULL;
	rc = link_recv(l, &msg, &len, timeout);
	if (rc != DT_ECLOSED) {
		ret = fail("waiting for the end", rc != 0 ? rc : DT_EFORMAT);
		goto out;
	}
	fprintf(stderr, "link_echo: the peer closed the link\n");
	ret = 0;
out:
	free(msg);
	free(echo);
	link_close(l);
	key_identity_free(me);
	return ret;
}
