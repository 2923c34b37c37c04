/*
 * search.h: does an entry match a search? (prefix search_).
 *
 * The one definition of what a search looks at and how it compares,
 * shared by the terminal UI's `/` search (ui_model.c) and `detente log
 * --grep`: the entry's line as the log and the record pane show it
 * (fmt_line(), in the authentic language), its author's name and the
 * texts of its corrections, compared ignoring case with towlower(), so
 * that "женева" finds "Женева".  Curses-free.
 */
#ifndef DETENTE_SEARCH_H
#define DETENTE_SEARCH_H

#include <stddef.h>
#include <wchar.h>

#include "../storage/view.h"

/*
 * search_item_text() - what a search looks at in it, as one malloc'd
 * wide string (ui_wtext(): controls made safe), or NULL when out of
 * memory.  The caller frees it.  @param[out] n  its length.
 */
wchar_t *search_item_text(const view *v, const view_item *it, size_t *n);

/*
 * search_item() - 1 if needle (not empty) occurs in search_item_text()
 * of it, ignoring case; 0 if not, or when out of memory.
 */
int search_item(const view *v, const view_item *it, const wchar_t *needle);

/*
 * search_locale_begin(), search_locale_end() - case folding needs a
 * UTF-8 character type: when the process's LC_CTYPE is not UTF-8 (the C
 * locale, say), begin switches this thread to C.UTF-8 until end, so
 * that Cyrillic folds whatever the environment says.  The texts of a
 * record are UTF-8 in every locale.  begin returns what end restores.
 */
void *search_locale_begin(void);
void search_locale_end(void *saved);

#endif
