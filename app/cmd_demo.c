/*
 * cmd_demo.c: `detente demo`: a demo dialogue to explore.
 *
 * Four identities (passphrase "demo", Argon2id at libsodium's INTERACTIVE
 * strength so that the demo is quick), a Russia-US dialogue, meeting 1
 * with the four-point agenda of the 2020 proposal on international
 * information security, notes, a statement from each side and an
 * endorsed commitment.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "../crypto/err.h"
#include "../crypto/keys.h"
#include "../crypto/keystore.h"
#include "../storage/entry.h"
#include "../storage/payload.h"
#include "../storage/record.h"
#include "cli.h"
#include "fmt.h"
#include "home.h"
#include "i18n.h"
#include "session.h"

#define DEMO_PASS "demo"
#define DEMO_TITLE "Russia\xE2\x80\x93US expert dialogue on international " \
	"information security"

enum { RU_HEAD, RU_EXPERT, US_HEAD, US_EXPERT, NDEMO };

static const struct {
	const char *name;
	const char *party;
	int role;
} people[NDEMO] = {
	{ "ru-head", "RU", RECORD_ROLE_HEAD },
	{ "ru-expert", "RU", RECORD_ROLE_DELEGATE },
	{ "us-head", "US", RECORD_ROLE_HEAD },
	{ "us-expert", "US", RECORD_ROLE_DELEGATE },
};

static const char *const agenda_en[4] = {
	"Restore a regular, full-scale bilateral interagency high-level "
	"dialogue on the key issues of international information security",
	"Continuous communication channels between competent agencies "
	"through the Nuclear Risk Reduction Centers and Computer Emergency "
	"Readiness Teams (CERTs)",
	"A bilateral intergovernmental agreement on preventing incidents in "
	"the information space, modelled on the 1972 Incidents at Sea "
	"agreement",
	"Mutual guarantees of non-interference in internal affairs, "
	"including electoral processes, by means of ICTs",
};

static const char *const agenda_ru[4] = {
	"Восстановление регулярного полноформатного двустороннего "
	"межведомственного диалога высокого уровня по ключевым вопросам "
	"международной информационной безопасности",
	"Постоянные каналы связи между компетентными ведомствами через "
	"центры по уменьшению ядерной опасности и группы реагирования на "
	"компьютерные инциденты (CERT)",
	"Двустороннее межправительственное соглашение о предотвращении "
	"инцидентов в информационном пространстве по образцу соглашения "
	"1972 года о предотвращении инцидентов в открытом море",
	"Взаимные гарантии невмешательства во внутренние дела, в том числе "
	"в электоральные процессы, с помощью ИКТ",
};

/* date_in() - today plus days, as YYYY-MM-DD (UTC). */
static void
date_in(char out[16], int days)
{
	time_t t = time(NULL) + (time_t)days * 86400;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 16, "%Y-%m-%d", &tm);
}

/* text2() - an English authentic text with a Russian translation. */
static json_t *
text2(const char *en, const char *ru)
{
	json_t *t = payload_text("en", "authentic", en);

	if (t != NULL && ru != NULL)
		json_array_append_new(t, json_pack("{s:s,s:s,s:s}", "lang",
		    "ru", "role", "translation", "body", ru));
	return t;
}

/*
 * put() - append payload p (consumed) as kind by id; the hash in out.
 * @return 0 or a DT_E* code.
 */
static int
put(record *r, const key_identity *id, unsigned kind, json_t *p,
    unsigned char out[ENTRY_HASH_BYTES])
{
	char *text;
	int rc;

	if (p == NULL)
		return DT_ENOMEM;
	text = payload_dump(p);
	json_decref(p);
	if (text == NULL)
		return DT_ENOMEM;
	rc = record_append(r, id, kind, text, out, NULL);
	payload_free(text);
	return rc;
}

/* fill() - every entry of the demo, in the order of a real meeting. */
static int
fill(record *r, key_identity *const ids[NDEMO])
{
	unsigned char item[4][ENTRY_HASH_BYTES], h[ENTRY_HASH_BYTES];
	unsigned char commit[ENTRY_HASH_BYTES];
	char hex[2 * ENTRY_HASH_BYTES + 1], today[16], due[16];
	int rc, i;

	date_in(today, 0);
	date_in(due, 30);
	if ((rc = put(r, ids[RU_HEAD], ENTRY_K_MEETING_OPEN,
	    json_pack("{s:i,s:i,s:s,s:s,s:s}", "v", 1, "meeting", 1,
	    "title", "First session of the expert dialogue",
	    "place", "Geneva", "date", today), h)) != 0)
		return rc;
	for (i = 0; i < 4; i++)
		if ((rc = put(r, ids[RU_HEAD], ENTRY_K_AGENDA,
		    json_pack("{s:i,s:i,s:o}", "v", 1, "meeting", 1, "text",
		    text2(agenda_en[i], agenda_ru[i])), item[i])) != 0)
			return rc;
	key_hex(hex, item[0], ENTRY_HASH_BYTES);
	if ((rc = put(r, ids[RU_HEAD], ENTRY_K_AGENDA_STATUS,
	    json_pack("{s:i,s:i,s:s,s:s}", "v", 1, "meeting", 1, "target",
	    hex, "state", "current"), h)) != 0)
		return rc;
	if ((rc = put(r, ids[RU_EXPERT], ENTRY_K_NOTE,
	    json_pack("{s:i,s:i,s:s,s:o}", "v", 1, "meeting", 1, "item", hex,
	    "text", payload_text("ru", "authentic",
	    "Российская сторона предлагает проводить встречи экспертов "
	    "два раза в год, поочерёдно в Москве и Вашингтоне.")), h)) != 0)
		return rc;
	if ((rc = put(r, ids[US_EXPERT], ENTRY_K_NOTE,
	    json_pack("{s:i,s:i,s:s,s:o}", "v", 1, "meeting", 1, "item", hex,
	    "text", payload_text("en", "authentic",
	    "The US side asks that each round have an agreed agenda, "
	    "circulated two weeks in advance.")), h)) != 0)
		return rc;
	if ((rc = put(r, ids[RU_HEAD], ENTRY_K_STATEMENT,
	    json_pack("{s:i,s:i,s:s,s:s,s:o}", "v", 1, "meeting", 1, "item",
	    hex, "party", "RU", "text", text2(
	    "The Russian Federation proposes to restore the professional "
	    "expert dialogue on international information security without "
	    "making it hostage to political disagreements.",
	    "Российская Федерация предлагает восстановить профессиональный "
	    "экспертный диалог по международной информационной "
	    "безопасности, не делая его заложником политических "
	    "разногласий.")), h)) != 0)
		return rc;
	if ((rc = put(r, ids[US_HEAD], ENTRY_K_STATEMENT,
	    json_pack("{s:i,s:i,s:s,s:s,s:o}", "v", 1, "meeting", 1, "item",
	    hex, "party", "US", "text", payload_text("en", "authentic",
	    "The United States is prepared to discuss practical "
	    "confidence-building measures, beginning with reliable "
	    "communication channels between national CERTs.")), h)) != 0)
		return rc;
	key_hex(hex, item[1], ENTRY_HASH_BYTES);
	if ((rc = put(r, ids[US_HEAD], ENTRY_K_COMMITMENT,
	    json_pack("{s:i,s:i,s:s,s:s,s:s,s:s,s:o}", "v", 1, "meeting", 1,
	    "item", hex, "party", "US", "owner", "US CERT", "due", due,
	    "text", text2("Designate a point of contact at the national CERT "
	    "for the Russia-US communication channel and share it through "
	    "the Nuclear Risk Reduction Center.",
	    "Назначить контактное лицо в национальной CERT для канала "
	    "связи Россия-США и передать его через центр по уменьшению "
	    "ядерной опасности.")), commit)) != 0)
		return rc;
	key_hex(hex, commit, ENTRY_HASH_BYTES);
	if ((rc = put(r, ids[US_HEAD], ENTRY_K_ENDORSEMENT,
	    json_pack("{s:i,s:i,s:s}", "v", 1, "meeting", 1, "target", hex),
	    h)) != 0)
		return rc;
	if ((rc = put(r, ids[RU_HEAD], ENTRY_K_ENDORSEMENT,
	    json_pack("{s:i,s:i,s:s}", "v", 1, "meeting", 1, "target", hex),
	    h)) != 0)
		return rc;
	return put(r, ids[US_EXPERT], ENTRY_K_COMMITMENT_STATUS,
	    json_pack("{s:i,s:i,s:s,s:s}", "v", 1, "meeting", 1, "target",
	    hex, "state", "accepted"), h);
}

/* has_demo() - 1 if a demo identity or the demo dialogue is here. */
static int
has_demo(struct cli_ctx *ctx)
{
	char path[PATH_MAX], **ids = NULL;
	size_t n = 0, i;
	record *r;
	int found = 0;

	for (i = 0; i < NDEMO; i++) {
		home_identity_path(path, sizeof(path), ctx->home,
		    people[i].name);
		if (access(path, F_OK) == 0)
			return 1;
	}
	if (home_dialogues(&ids, &n, ctx->home) != 0)
		return 0;
	for (i = 0; i < n && !found; i++) {
		home_dialogue_path(path, sizeof(path), ctx->home, ids[i]);
		if (record_open(&r, path) == 0) {
			found = strcmp(record_title(r), DEMO_TITLE) == 0;
			record_close(r);
		}
	}
	home_names_free(ids, n);
	return found;
}

/*
 * run() - `demo`: identities, dialogue and entries; on a failure
 * before the dialogue exists, the identities made so far are removed.
 */
static int
run(struct cli_ctx *ctx, int argc, char **argv)
{
	char path[NDEMO][PATH_MAX], dir[PATH_MAX], def[KEY_NAME_MAX + 1];
	char hex[2 * ENTRY_HASH_BYTES + 1];
	const char *parties[2] = { "RU", "US" }, *why = NULL;
	key_identity *ids[NDEMO] = { NULL };
	record_member members[NDEMO];
	unsigned char pk[KEY_PK_BYTES];
	int made[NDEMO] = { 0 };
	record_genesis g;
	record *r = NULL;
	int rc = 0, ret = CLI_USAGE, i;
	const char *step = "";

	if (argc > 1)
		return cli_bad_usage(ctx, &cmd_demo, _("unexpected argument"),
		    argv[1]);
	if ((ret = session_home(ctx, 1)) != CLI_OK)
		return ret;
	if (has_demo(ctx)) {
		cli_error(ctx, _("this home already has a demo"), ctx->home,
		    _("explore it with `detente log`, or use another --home"));
		return CLI_FAIL;
	}
	memset(members, 0, sizeof(members));
	for (i = 0; i < NDEMO; i++) {
		step = people[i].name;
		home_identity_path(path[i], sizeof(path[i]), ctx->home,
		    people[i].name);
		if ((rc = keystore_create(pk, path[i], people[i].name,
		    DEMO_PASS, strlen(DEMO_PASS),
		    KEYSTORE_KDF_INTERACTIVE)) != 0)
			goto fail;
		made[i] = 1;
		if ((rc = keystore_unlock(&ids[i], path[i], DEMO_PASS,
		    strlen(DEMO_PASS))) != 0)
			goto fail;
		memcpy(members[i].pk, ids[i]->pk, KEY_PK_BYTES);
		snprintf(members[i].name, sizeof(members[i].name), "%s",
		    people[i].name);
		snprintf(members[i].party, sizeof(members[i].party), "%s",
		    people[i].party);
		members[i].role = people[i].role;
	}
	step = DEMO_TITLE;
	memset(&g, 0, sizeof(g));
	g.title = DEMO_TITLE;
	g.parties = parties;
	g.nparties = 2;
	g.members = members;
	g.nmembers = NDEMO;
	home_dialogues_dir(dir, sizeof(dir), ctx->home);
	if ((rc = record_create(&r, dir, ids[RU_HEAD], &g, &why)) != 0)
		goto fail;
	/* From here on the dialogue exists; a failure leaves it valid. */
	if ((rc = fill(r, ids)) != 0) {
		cli_error_rc(ctx, _("cannot write the demo's entries"), rc,
		    store_path(record_store(r)), _("run `detente verify`"));
		ret = cli_exit_for(rc);
		goto out;
	}
	if (home_default_get(def, ctx->home) == DT_ENOENT)
		(void)home_default_set(ctx->home, people[RU_HEAD].name);
	else
		fprintf(ctx->out, "%s\n", _("note: this home already had a "
		    "default identity; use --as ru-head"));
	key_hex(hex, record_id(r), ENTRY_HASH_BYTES);
	fprintf(ctx->out, _("Created the demo dialogue %s\n"
	    "  \"%s\"\n"
	    "in %s, with four identities: ru-head (the default), ru-expert,\n"
	    "us-head and us-expert.  Their passphrase is \"demo\" (their keys\n"
	    "use Argon2id at the quicker INTERACTIVE strength: demo only).\n"
	    "\n"
	    "Explore it (each asks for the passphrase: demo):\n"
	    "  %s --home %s log\n"
	    "  %s --home %s commitments\n"
	    "  %s --home %s verify\n"
	    "  %s --home %s --as us-expert add note \"...\"\n"
	    "Scripts can pass it with --passphrase-file F or "
	    "DETENTE_PASSPHRASE_FD.\n"), hex, DEMO_TITLE, ctx->home,
	    cli_progname, ctx->home, cli_progname, ctx->home, cli_progname,
	    ctx->home, cli_progname, ctx->home);
	if (cli_find("ui") != NULL)
		fprintf(ctx->out, _("Take notes live in the terminal UI:\n"
		    "  %s --home %s ui\n"), cli_progname, ctx->home);
	ret = CLI_OK;
	goto out;
fail:
	cli_error_rc(ctx, _("cannot create the demo"), rc,
	    why != NULL ? why : step, _("nothing was kept"));
	ret = cli_exit_for(rc);
	for (i = 0; i < NDEMO; i++)
		if (made[i])
			unlink(path[i]);
out:
	record_close(r);
	for (i = 0; i < NDEMO; i++)
		key_identity_free(ids[i]);
	return ret;
}

const struct cli_cmd cmd_demo = {
	"demo", "",
	N_("create a demo Russia-US dialogue to explore (passphrase: demo)"),
	N_("Creates four identities in the home (ru-head, the default;\n"
	   "ru-expert; us-head; us-expert), all with the passphrase \"demo\"\n"
	   "and Argon2id at INTERACTIVE strength (quick, for a demo only),\n"
	   "and a dialogue with meeting 1 open, the four-point agenda on\n"
	   "international information security, notes, statements and an\n"
	   "endorsed commitment.  Refuses (exit 1) if the home already has a\n"
	   "demo.\n"),
	run
};
