/*
 * commit_parse.h: the one grammar of commitments (prefix cparse_).
 *
 * `detente add commitment --party P --owner O --due D` and the terminal
 * UI's "ACTION: ..." line read parties and due dates with the same
 * functions, so that what one accepts the other accepts too:
 *
 *   party   a party of the dialogue, in any case ("us" is US); a name
 *           that is not a party is refused;
 *   due     YYYY-MM-DD, DD.MM.YYYY, +N or +Nd (days from today), +Nw
 *           (weeks), +Nm (months), tomorrow/завтра, or a weekday name
 *           in English or Russian (monday, понедельник, до понедельника:
 *           the next such day after today); optional;
 *   owner   optional; quoted with "", «» or “” when it has blanks.
 *
 * The UI's line after "ACTION:" is
 *
 *   [PARTY] [OWNER] [DUE] TEXT [by DUE | до DUE]
 *
 * where an unquoted OWNER is one word and only counts as an owner when
 * a DUE in figures follows it at once ("RU Ivanov +14 text"), a DUE
 * before the text is one in figures (YYYY-MM-DD, DD.MM.YYYY, +N...),
 * and a weekday is read only after "by" or "до"; otherwise the words
 * are the text ("US to share CERT contacts by Friday": party US, no
 * owner, due the next Friday).  A word that looks like a date but is
 * not one (31.02.2026, +14x, "by 15 December") is refused with the
 * forms that are accepted: nothing is ever silently read as text that
 * was meant as a date.
 *
 * Pure functions: no I/O, no globals; "today" is a parameter, so the
 * unit test (tests/unit/test_commit_parse.c) fixes it.  Reasons are
 * static English strings marked N_(); the caller translates them.
 */
#ifndef DETENTE_COMMIT_PARSE_H
#define DETENTE_COMMIT_PARSE_H

#include <stddef.h>
#include <time.h>

#include "../storage/payload.h"

/* What a commitment line says. */
typedef struct cparse_commitment {
	char party[PAYLOAD_PARTY_MAX + 1]; /* as the genesis spells it */
	char owner[PAYLOAD_OWNER_MAX + 1]; /* "" when none was given */
	char due[11];                      /* YYYY-MM-DD, "" when none */
	const char *text;                  /* into the input: the text */
	size_t text_len;                   /* its bytes */
} cparse_commitment;

/*
 * cparse_party() - the party that name (n bytes) names, any case, among
 * parties[0..np): its code, or a name of it in either language for the
 * codes RU and US (РФ, Россия, Russia; США, USA, United States ...).
 * @param[out] out  parties[i] (borrowed).
 * @return NULL, or a static English reason.
 */
const char *cparse_party(const char **out, const char *name, size_t n,
    const char *const *parties, size_t np);

/*
 * cparse_due() - the date s (n bytes) says, as YYYY-MM-DD in out, with
 * +N counted from today (only its year, month and day are read).
 * @return NULL, or a static English reason (the accepted forms).
 */
const char *cparse_due(char out[11], const char *s, size_t n,
    const struct tm *today);

/*
 * cparse_line() - a commitment as typed after "ACTION:" into c; a line
 * without a PARTY is my_party's.  c->text points into s.
 * @return NULL, or a static English reason.
 */
const char *cparse_line(cparse_commitment *c, const char *s,
    const char *const *parties, size_t np, const char *my_party,
    const struct tm *today);

/* The accepted due-date forms, for messages (static English, N_()). */
extern const char cparse_due_forms[];

#endif
