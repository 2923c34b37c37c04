/*
 * search.c: does an entry match a search? (see search.h).
 *
 * Moved out of ui_model.c so that `detente log --grep` and the UI's `/`
 * search are one code: the wide-string conversion (ui_wtext()) and the
 * case-insensitive comparison (ui_wmatch()) stay where the UI keeps them.
 */
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>

#include "../storage/view.h"
#include "fmt.h"
#include "search.h"
#include "ui.h"

wchar_t *
search_item_text(const view *v, const view_item *it, size_t *n)
{
	char *sum = fmt_line(v, it, NULL), *all = NULL;
	const char *t;
	size_t i, len;
	wchar_t *w;

	len = (sum != NULL ? strlen(sum) : 0) + strlen(it->author_name) + 2;
	for (i = 0; i < it->ncorrections; i++)
		if ((t = view_text(it->corrections[i], NULL)) != NULL)
			len += strlen(t) + 1;
	if ((all = malloc(len + 1)) == NULL) {
		free(sum);
		*n = 0;
		return NULL;
	}
	snprintf(all, len + 1, "%s\n%s", it->author_name, sum ? sum : "");
	for (i = 0; i < it->ncorrections; i++)
		if ((t = view_text(it->corrections[i], NULL)) != NULL) {
			strcat(all, "\n");
			strcat(all, t);
		}
	w = ui_wtext(all, n);
	explicit_bzero(all, strlen(all));
	free(all);
	if (sum != NULL) {
		explicit_bzero(sum, strlen(sum));
		free(sum);
	}
	return w;
}

int
search_item(const view *v, const view_item *it, const wchar_t *needle)
{
	size_t n;
	wchar_t *w;
	int hit;

	if (needle == NULL || needle[0] == L'\0' ||
	    (w = search_item_text(v, it, &n)) == NULL)
		return 0;
	hit = ui_wmatch(w, n, needle, 0) >= 0;
	explicit_bzero(w, n * sizeof(*w));
	free(w);
	return hit;
}

void *
search_locale_begin(void)
{
	const char *cs = nl_langinfo(CODESET);
	locale_t utf8;

	if (cs != NULL &&
	    (strcasecmp(cs, "UTF-8") == 0 || strcasecmp(cs, "utf8") == 0))
		return NULL;
	if ((utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0)) ==
	    (locale_t)0)
		return NULL;
	(void)uselocale(utf8);
	return utf8;
}

void
search_locale_end(void *saved)
{
	if (saved == NULL)
		return;
	(void)uselocale(LC_GLOBAL_LOCALE);
	freelocale((locale_t)saved);
}
