/*
 * commit-fuzzer.c: the one grammar of commitments (app/commit_parse.h),
 * which reads what a person types on the command line and in the UI.
 * Every input is a line (cparse_line()), a due date (cparse_due()) and
 * a party (cparse_party()); what is accepted must hold: a text inside
 * the line, a party of the dialogue, a due date that is a date.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../app/commit_parse.h"
#include "../storage/payload.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const parties[] = { "RU", "US" };
	cparse_commitment c;
	const char *p;
	char due[11], *s;
	struct tm today;

	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	memset(&today, 0, sizeof(today));
	/* a today from the first byte: month ends, leap days, new years */
	today.tm_year = 2024 - 1900 + (size > 0 ? data[0] % 8 : 0);
	today.tm_mon = size > 0 ? (data[0] >> 3) % 12 : 0;
	today.tm_mday = 28 + (size > 1 ? data[1] % 4 : 0);
	if (cparse_line(&c, s, parties, 2, "RU", &today) == NULL) {
		if (c.text < s || c.text_len == 0 ||
		    c.text + c.text_len > s + strlen(s) ||
		    (strcmp(c.party, "RU") != 0 && strcmp(c.party, "US") != 0) ||
		    (c.due[0] != '\0' && !payload_date_valid(c.due)))
			abort();
	}
	if (cparse_due(due, s, strlen(s), &today) == NULL &&
	    !payload_date_valid(due))
		abort();
	if (cparse_party(&p, s, strlen(s), parties, 2) == NULL && p == NULL)
		abort();
	free(s);
	return 0;
}
