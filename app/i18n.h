/*
 * i18n.h: gettext for every user-visible string (prefix i18n_).
 *
 * Only app/ speaks to the user, so only app/ includes this header.  Mark a
 * string with _("...") where it is used, and with N_("...") where it sits in
 * a static table and is translated later with _(table[i].text).  xgettext
 * finds both (po/Makevars); the files to scan are listed in po/POTFILES.in
 * (`make update-potfiles` rewrites that list).
 *
 * configure defines ENABLE_NLS (unless --disable-nls) and the Makefile
 * defines LOCALEDIR; both are passed as -D flags, there is no config.h.
 */
#ifndef DETENTE_I18N_H
#define DETENTE_I18N_H

#include <locale.h>
#include <stdlib.h>

#ifndef PACKAGE
#define PACKAGE "detente"
#endif
#ifndef LOCALEDIR
#define LOCALEDIR "/usr/local/share/locale"
#endif

#ifdef ENABLE_NLS
#include <libintl.h>
#define _(s) i18n_gettext(s)

/*
 * i18n_gettext() - gettext(s), except for "" (and NULL), which come back
 * as they are: gettext("") returns the catalogue's header
 * ("Project-Id-Version: ..."), never a translation.  A usage string
 * left empty in a command table is a real case (`detente checkpoint`).
 */
static inline const char *i18n_gettext(const char *s)
    __attribute__((format_arg(1)));

static inline const char *
i18n_gettext(const char *s)
{
	return s == NULL || *s == '\0' ? s : gettext(s);
}
#else
#define _(s) (s)
#define ngettext(s, p, n) ((n) == 1 ? (s) : (p))
#define bindtextdomain(d, dir) ((void)(dir), (d))
#define textdomain(d) (d)
#endif

#define N_(s) (s)

/*
 * i18n_init() - call once at the top of main(), before any _().
 * Takes the locale from the environment (LANG, LC_ALL, LC_MESSAGES,
 * LANGUAGE), so that LANG=ru_RU.UTF-8 gives Russian messages where
 * po/ru.po exists, and binds detente's message catalogue in LOCALEDIR.
 * DETENTE_LOCALEDIR, if set, replaces LOCALEDIR: the tests use it to run
 * the uninstalled binary with the catalogue just built (tests/tap.sh's
 * use_translation; with LC_ALL=C.UTF-8, LANGUAGE=ru is then enough).
 */
static inline void
i18n_init(void)
{
	const char *dir = getenv("DETENTE_LOCALEDIR");

	(void)setlocale(LC_ALL, "");
	(void)bindtextdomain(PACKAGE, dir != NULL && *dir != '\0' ?
	    dir : LOCALEDIR);
	(void)textdomain(PACKAGE);
}

#endif
