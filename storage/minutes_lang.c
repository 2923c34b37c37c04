/*
 * minutes_lang.c: the frame of the minutes in English and in Russian
 * (see minutes_lang.h).  The table is the one place the Russian frame
 * is written: each English string (a printf format where it has
 * arguments) and its Russian, with the same conversions in the same
 * order (tests/unit/test_minutes.c checks it).  The terms follow
 * docs/GLOSSARY.md: протокол (minutes), повестка дня (agenda), сторона
 * (party), глава делегации (head of delegation), обязательство
 * (commitment), одобрение (endorsement), заявление (statement),
 * предложение (proposal), решение (decision), заседание (meeting),
 * скрепление (seal).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang.h"
#include "minutes_lang.h"

struct label {
	const char *en, *ru;
};

static const struct label labels[] = {
	/* the head */
	{ "Minutes of meeting %lld", "Протокол заседания № %lld" },
	{ "DRAFT: the meeting is not closed.",
	    "ПРОЕКТ: заседание не закрыто." },
	{ "These minutes show the entries this replica holds now, and may "
	  "not be signed.",
	    "Настоящий протокол показывает записи, которые эта копия журнала "
	    "содержит сейчас, и не может быть подписан." },
	{ "Meeting:", "Заседание:" },
	{ "Dialogue:", "Диалог:" },
	{ "Dialogue id:", "Идентификатор диалога:" },
	{ "Parties:", "Стороны:" },
	{ "Date:", "Дата:" },
	{ "Place:", "Место:" },
	{ "Opened", "Открыто" },
	{ "Closed", "Закрыто" },
	{ "Languages:", "Языки:" },
	{ "every language shown, side by side", "все языки приведены рядом" },
	{ "shown: %s, else the authentic text",
	    "приведён: %s, иначе аутентичный текст" },
	/* participants */
	{ "Participants", "Участники" },
	{ "Attendance as each party recorded it; where a party recorded "
	  "none, the minutes say so and name who of it wrote entries in "
	  "this meeting.",
	    "Присутствие указано так, как его записала каждая сторона; если "
	    "сторона его не записала, протокол говорит об этом и называет её "
	    "членов, внёсших записи на этом заседании." },
	{ "Party", "Сторона" },
	{ "Present", "Присутствуют" },
	{ "Absent", "Отсутствуют" },
	{ "(not a member)", "(не член делегации)" },
	{ "not recorded", "не записано" },
	{ "attendance not recorded", "присутствие не записано" },
	{ "wrote entries:", "внесли записи:" },
	{ "not named", "не назван" },
	{ "no date", "без срока" },
	{ "none", "нет" },
	/* the agenda */
	{ "Agenda", "Повестка дня" },
	{ "No agenda item was recorded.",
	    "Ни один пункт повестки дня не записан." },
	{ "no status recorded", "статус не записан" },
	{ "none recorded", "не записан" },
	{ "Not under an agenda item", "Вне пунктов повестки дня" },
	{ "Item %lld", "Пункт %lld" },
	{ "Agenda item", "Пункт повестки дня" },
	{ "status:", "статус:" },
	{ "Corrections of other entries", "Исправления других записей" },
	{ "Correction of entry `%.8s`", "Исправление записи `%.8s`" },
	{ "meeting %lld", "заседание № %lld" },
	{ "The original, which stays in the record as written:",
	    "Исходный текст, который остаётся в журнале в неизменном виде:" },
	/* a record */
	{ "Note", "Заметка" },
	/* an internal record (minutes_internal.c) */
	{ "Note [%s only]",
	    "Заметка [только %s]" },
	{ "INTERNAL RECORD OF %s: NOT THE JOINT MINUTES.",
	    "ВНУТРЕННИЙ ОТЧЁТ ДЕЛЕГАЦИИ %s: НЕ СОВМЕСТНЫЙ ПРОТОКОЛ." },
	{ "It holds the joint minutes of meeting %lld and, with "
	  "them, the internal notes of %s, each marked [%s only]; "
	  "it is for the delegation of %s alone: not for the other "
	  "side, and never to be signed or sealed.",
	    "Он содержит совместный протокол заседания № %lld и "
	    "вместе с ним внутренние заметки стороны %s, каждая с "
	    "отметкой [только %s]; он только для делегации %s: не "
	    "для другой стороны, и его никогда не подписывают и не "
	    "скрепляют." },
	{ "Not signable",
	    "Не подписывается" },
	{ "This internal record is not the joint minutes: it is "
	  "never signed or sealed, and detente refuses to sign, "
	  "verify or seal it. The heads sign the joint minutes, "
	  "which are exported without --internal and show none of "
	  "these internal notes.",
	    "Настоящий внутренний отчёт не является совместным "
	    "протоколом: его никогда не подписывают и не скрепляют, "
	    "и detente отказывается его подписывать, проверять или "
	    "скреплять. Главы делегаций подписывают совместный "
	    "протокол, который экспортируется без --internal и не "
	    "содержит этих внутренних заметок." },
	{ "Statement", "Заявление" },
	{ "Statement of %s", "Заявление стороны %s" },
	{ "Proposal", "Предложение" },
	{ "Decision", "Решение" },
	{ "Commitment", "Обязательство" },
	{ "Correction", "Исправление" },
	{ "no text", "нет текста" },
	{ "Corrects the entry above (which stays in the record as written)",
	    "Исправляет запись выше (которая остаётся в журнале в неизменном "
	    "виде)" },
	{ "by", "автор:" },
	{ "entry", "запись" },
	{ "Party %s, owner", "Сторона %s, ответственный:" },
	{ ", due %s, status", ", срок %s, статус" },
	{ "Agreed:", "Согласовано:" },
	{ "Not agreed:", "Не согласовано:" },
	{ "AGREED:", "СОГЛАСОВАНО:" },
	{ "NOT AGREED:", "НЕ СОГЛАСОВАНО:" },
	{ "endorsed by the heads of", "одобрено главами делегаций" },
	{ "endorsed by the head of", "одобрено главой делегации" },
	{ "not by", "не одобрено" },
	{ "not endorsed by", "не одобрено" },
	/* commitments */
	{ "Commitments", "Обязательства" },
	{ "No commitment was made or carried over.",
	    "Обязательства не принимались и не переносились." },
	{ "Made in this meeting, and carried over from earlier meetings "
	  "while open.",
	    "Принятые на этом заседании, а также перенесённые с прежних "
	    "заседаний, пока они не исполнены." },
	{ "Entry", "Запись" },
	{ "Owner", "Ответственный" },
	{ "Text", "Текст" },
	{ "Due", "Срок" },
	{ "Status", "Статус" },
	{ "Endorsed by", "Одобрено" },
	{ "Agreed", "Согласовано" },
	{ "Made in", "Принято" },
	{ "Corrected by", "Исправлено" },
	{ "yes", "да" },
	{ "no", "нет" },
	{ "(carried over)", "(перенесено)" },
	{ "Corrections of commitment `%.8s`",
	    "Исправления обязательства `%.8s`" },
	/* integrity */
	{ "Integrity", "Целостность" },
	{ "These minutes are rendered from the entries of the record up to "
	  "the close of meeting %lld: the closing entry `%s` and every entry "
	  "it follows causally (the earlier entries of its feed, the entries "
	  "it references, theirs, and so on), %lld entries in all.\n"
	  "Every replica that holds the closing entry renders the same "
	  "bytes.",
	    "Настоящий протокол составлен по записям журнала до закрытия "
	    "заседания № %lld: по закрывающей записи `%s` и по всем записям, "
	    "за "
	    "которыми она причинно следует (прежним записям её ленты, "
	    "записям, на которые она ссылается, их ссылкам и так далее), "
	    "всего записей: %lld.\n"
	    "Каждая копия журнала, содержащая закрывающую запись, воспроизводит "
	    "те же байты." },
	{ "The meeting is not closed: this draft is rendered from the %lld "
	  "entries this replica holds.",
	    "Заседание не закрыто: этот проект составлен по записям, "
	    "которые содержит эта копия журнала (всего: %lld)." },
	{ "Warning:", "Предупреждение:" },
	{ "%lld entries of this part of the record could not be read (they "
	  "did not decrypt or are not valid payloads), and these minutes "
	  "cannot show them; run `detente verify`.",
	    "Записей этой части журнала, которые не удалось прочесть (они не "
	    "расшифровываются или не являются допустимыми данными) и "
	    "которые протокол не может показать: %lld; выполните "
	    "`detente verify`." },
	{ "Feeds", "Ленты" },
	{ "Author", "Автор" },
	{ "Key", "Ключ" },
	{ "Size", "Размер" },
	{ "Last entry", "Последняя запись" },
	{ "Merkle root (RFC 6962)", "Корень Меркла (RFC 6962)" },
	{ "Checkpoints and seals", "Контрольные точки и скрепления" },
	{ "None in this part of the record.", "В этой части журнала нет." },
	{ "Seal", "Скрепление" },
	{ "Checkpoint", "Контрольная точка" },
	{ "Seal of meeting %lld", "Скрепление заседания № %lld" },
	{ "Checkpoint of meeting %lld", "Контрольная точка заседания № %lld" },
	{ "Heads of delegation", "Главы делегаций" },
	{ "Head", "Глава делегации" },
	{ "minisign public key", "открытый ключ minisign" },
	{ "How to verify", "Как проверить" },
	{ "Save these minutes as `%s%lld.md`, and each head's signature "
	  "beside them as `%s%lld.md.NAME.minisig`.\n"
	  "With detente and a replica of the record (which renders the "
	  "minutes again and compares them byte for byte):",
	    "Сохраните настоящий протокол как `%s%lld.md`, а подпись каждого "
	    "главы делегации рядом с ним как `%s%lld.md.NAME.minisig`.\n"
	    "С detente и копией журнала (которая заново составляет "
	    "протокол и сравнивает его побайтно):" },
	{ "With minisign alone, one command per head:",
	    "Только с minisign, по одной команде на главу делегации:" },
	{ "Each signature's trusted comment names the dialogue, the meeting, "
	  "the format, the language, the signer and the SHA-256 of this "
	  "file; the seal of the meeting (`detente seal show --meeting "
	  "%lld`) carries the same SHA-256.",
	    "Доверенный комментарий каждой подписи называет диалог, "
	    "заседание, формат, язык, подписавшего и SHA-256 этого файла; "
	    "скрепление заседания (`detente seal show --meeting %lld`) "
	    "содержит тот же SHA-256." },
	/* the plain text's own wording */
	{ "MINUTES OF MEETING %lld", "ПРОТОКОЛ ЗАСЕДАНИЯ № %lld" },
	{ "MINUTES OF MEETING %lld (DRAFT: NOT CLOSED, MAY NOT BE SIGNED)",
	    "ПРОТОКОЛ ЗАСЕДАНИЯ № %lld (ПРОЕКТ: НЕ ЗАКРЫТО, НЕ МОЖЕТ БЫТЬ "
	    "ПОДПИСАН)" },
	{ "PARTICIPANTS", "УЧАСТНИКИ" },
	{ "AGENDA", "ПОВЕСТКА ДНЯ" },
	{ "COMMITMENTS", "ОБЯЗАТЕЛЬСТВА" },
	{ "INTEGRITY", "ЦЕЛОСТНОСТЬ" },
	{ "ITEM %lld", "ПУНКТ %lld" },
	{ "NOT UNDER AN AGENDA ITEM", "ВНЕ ПУНКТОВ ПОВЕСТКИ ДНЯ" },
	{ "CORRECTIONS OF OTHER ENTRIES", "ИСПРАВЛЕНИЯ ДРУГИХ ЗАПИСЕЙ" },
	{ "CORRECTION of the entry above (which stays in the record as "
	  "written)",
	    "ИСПРАВЛЕНИЕ записи выше (которая остаётся в журнале в "
	    "неизменном виде)" },
	{ "Of entry %.8s", "Записи %.8s" },
	{ "party %s, owner", "сторона %s, ответственный:" },
	{ "present:", "присутствуют:" },
	{ "absent: ", "отсутствуют: " },
	{ "owner:", "ответственный:" },
	{ "due: %s", "срок: %s" },
	{ "made in meeting %lld", "принято на заседании № %lld" },
	{ "Attendance as each party recorded it; where a party recorded "
	  "none, the\nminutes say so and name who of it wrote entries in "
	  "this meeting.",
	    "Присутствие указано так, как его записала каждая сторона; если\n"
	    "сторона его не записала, протокол говорит об этом и называет её\n"
	    "членов, внёсших записи на этом заседании." },
	{ "Rendered from the entries of the record up to the close of "
	  "meeting %lld:\nthe closing entry %s\nand every entry it follows "
	  "causally, %lld entries in all.\nEvery replica that holds the "
	  "closing entry renders the same bytes.",
	    "Составлен по записям журнала до закрытия заседания № %lld:\nпо "
	    "закрывающей записи %s\nи по всем записям, за которыми она "
	    "причинно следует, всего записей: %lld.\nКаждая копия журнала, "
	    "содержащая закрывающую запись, воспроизводит те же байты." },
	{ "The meeting is not closed: this draft is rendered from the %lld "
	  "entries\nthis replica holds.",
	    "Заседание не закрыто: этот проект составлен по записям, которые "
	    "содержит\nэта копия журнала (всего: %lld)." },
	{ "WARNING: %lld entries of this part of the record could not be "
	  "read, and these\nminutes cannot show them; run `detente verify`.",
	    "ПРЕДУПРЕЖДЕНИЕ: записей этой части журнала, которые не удалось "
	    "прочесть и которые\nпротокол не может показать: %lld; выполните "
	    "`detente verify`." },
	{ "Feeds (author, party, size; key, last entry, RFC 6962 Merkle "
	  "root):",
	    "Ленты (автор, сторона, размер; ключ, последняя запись, корень "
	    "Меркла RFC 6962):" },
	{ "%lld entries", "записей: %lld" },
	{ "Checkpoints and seals:", "Контрольные точки и скрепления:" },
	{ "none in this part of the record", "в этой части журнала нет" },
	{ "Heads of delegation (party, name, key, minisign public key):",
	    "Главы делегаций (сторона, имя, ключ, открытый ключ minisign):" },
	{ "How to verify: save these minutes as %s%lld.txt, and each head's "
	  "signature\nbeside them as %s%lld.txt.NAME.minisig. With detente "
	  "and a replica of the\nrecord (which renders the minutes again and "
	  "compares them byte for byte):",
	    "Как проверить: сохраните настоящий протокол как %s%lld.txt, а "
	    "подпись каждого\nглавы делегации рядом с ним как "
	    "%s%lld.txt.NAME.minisig. С detente и копией\nжурнала (которая "
	    "заново составляет протокол и сравнивает его побайтно):" },
	{ "Each signature's trusted comment names the dialogue, the "
	  "meeting, the format,\nthe language, the signer and the SHA-256 of "
	  "this file; the seal of the meeting\n(`detente seal show --meeting "
	  "%lld`) carries the same SHA-256.",
	    "Доверенный комментарий каждой подписи называет диалог, "
	    "заседание, формат,\nязык, подписавшего и SHA-256 этого файла; "
	    "скрепление заседания\n(`detente seal show --meeting %lld`) "
	    "содержит тот же SHA-256." },
	/* the printable HTML's own wording */
	{ "Dialogue", "Диалог" },
	{ "Dialogue id", "Идентификатор диалога" },
	{ "Parties", "Стороны" },
	{ "Date", "Дата" },
	{ "Place", "Место" },
	{ "Languages", "Языки" },
	{ "Correction of entry <code>%.8s</code>",
	    "Исправление записи <code>%.8s</code>" },
	{ "Corrections of commitment <code>%.8s</code>",
	    "Исправления обязательства <code>%.8s</code>" },
	{ "These minutes are rendered from the entries of the record up to "
	  "the close of meeting %lld: the closing entry <code>%s</code> and "
	  "every entry it follows causally (the earlier entries of its feed, "
	  "the entries it references, theirs, and so on), %lld entries in "
	  "all. Every replica that holds the closing entry renders the same "
	  "bytes.",
	    "Настоящий протокол составлен по записям журнала до закрытия "
	    "заседания № %lld: по закрывающей записи <code>%s</code> и по всем "
	    "записям, за которыми она причинно следует (прежним записям её "
	    "ленты, записям, на которые она ссылается, их ссылкам и так "
	    "далее), всего записей: %lld. Каждая копия журнала, содержащая "
	    "закрывающую запись, воспроизводит те же байты." },
	{ "%lld entries of this part of the record could not be read (they "
	  "did not decrypt or are not valid payloads), and these minutes "
	  "cannot show them; run <code>detente verify</code>.",
	    "Записей этой части журнала, которые не удалось прочесть (они не "
	    "расшифровываются или не являются допустимыми данными) и "
	    "которые протокол не может показать: %lld; выполните "
	    "<code>detente verify</code>." },
	{ "Save these minutes as <code>%s%lld.html</code>, and each head's "
	  "signature beside them as <code>%s%lld.html.NAME.minisig</code>. "
	  "With detente and a replica of the record (which renders the "
	  "minutes again and compares them byte for byte):",
	    "Сохраните настоящий протокол как <code>%s%lld.html</code>, а "
	    "подпись каждого главы делегации рядом с ним как "
	    "<code>%s%lld.html.NAME.minisig</code>. С detente и копией "
	    "журнала (которая заново составляет протокол и сравнивает его "
	    "побайтно):" },
	{ "Each signature's trusted comment names the dialogue, the meeting, "
	  "the format, the language, the signer and the SHA-256 of this "
	  "file; the seal of the meeting (<code>detente seal show --meeting "
	  "%lld</code>) carries the same SHA-256.",
	    "Доверенный комментарий каждой подписи называет диалог, "
	    "заседание, формат, язык, подписавшего и SHA-256 этого файла; "
	    "скрепление заседания (<code>detente seal show --meeting "
	    "%lld</code>) содержит тот же SHA-256." },
	{ "Signatures", "Подписи" },
	{ "A draft is not signed.", "Проект не подписывается." },
	{ "For the delegation of", "За делегацию стороны" },
	{ "head of delegation", "глава делегации" },
	{ "minisign key id", "идентификатор ключа minisign" },
	{ "key", "ключ" },
	{ "Signature", "Подпись" },
	{ "Date and place", "Дата и место" },
	/* values of the model */
	{ "current", "обсуждается" },
	{ "discussed", "обсуждён" },
	{ "deferred", "отложен" },
	{ "closed", "закрыт" },
	{ "open", "открыто" },
	{ "accepted", "принято" },
	{ "in-progress", "исполняется" },
	{ "fulfilled", "исполнено" },
	{ "withdrawn", "отозвано" },
	{ "head", "глава делегации" },
	{ "delegate", "делегат" },
	{ "observer", "наблюдатель" },
	{ "authentic", "аутентичный" },
	{ "translation", "перевод" },
	{ "note", "заметка" },
	{ "statement", "заявление" },
	{ "proposal", "предложение" },
	{ "decision", "решение" },
	{ "commitment", "обязательство" },
	{ "correction", "исправление" },
	{ "agenda", "пункт повестки дня" },
	/* the parties' names (lang.c has their codes) */
	{ "Russian Federation", "Российская Федерация" },
	{ "United States of America", "Соединённые Штаты Америки" },
	/* the months, as in a date: the Russian in the genitive */
	{ "January", "января" },
	{ "February", "февраля" },
	{ "March", "марта" },
	{ "April", "апреля" },
	{ "May", "мая" },
	{ "June", "июня" },
	{ "July", "июля" },
	{ "August", "августа" },
	{ "September", "сентября" },
	{ "October", "октября" },
	{ "November", "ноября" },
	{ "December", "декабря" },
};

#define NLABELS (sizeof(labels) / sizeof(labels[0]))

int
minutes_frame_of(const char *lang)
{
	if (lang != NULL && strcmp(lang, "ru") == 0)
		return MINUTES_FRAME_RU;
	if (lang != NULL && strcmp(lang, "both") == 0)
		return MINUTES_FRAME_BOTH;
	return MINUTES_FRAME_EN;
}

int
minutes_text_frame(int fr, const char *lang)
{
	if (fr != MINUTES_FRAME_BOTH)
		return fr;
	return lang != NULL && strcmp(lang, "ru") == 0 ? MINUTES_FRAME_RU :
							 MINUTES_FRAME_EN;
}

const char *
minutes_ru(const char *en)
{
	size_t i;

	for (i = 0; i < NLABELS; i++)
		if (strcmp(labels[i].en, en) == 0)
			return labels[i].ru;
	return NULL;
}

/*
 * The Russian of a format is a format too, from the table above; its
 * conversions are those of the English (the unit test checks it), so
 * the arguments checked against the English fit it.
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static void
lv(FILE *f, int fr, const char *sep, const char *en, va_list ap)
{
	const char *ru = fr != MINUTES_FRAME_EN ? minutes_ru(en) : NULL;
	va_list aq;

	if (ru == NULL)
		ru = en;
	if (fr != MINUTES_FRAME_RU) {
		va_copy(aq, ap);
		vfprintf(f, en, aq);
		va_end(aq);
	}
	if (fr == MINUTES_FRAME_BOTH)
		fputs(sep, f);
	if (fr != MINUTES_FRAME_EN)
		vfprintf(f, ru, ap);
}

void
minutes_lsn(char *out, size_t outlen, int fr, const char *en, ...)
{
	const char *ru = fr != MINUTES_FRAME_EN ? minutes_ru(en) : NULL;
	va_list ap, aq;
	size_t o = 0;
	int n;

	if (ru == NULL)
		ru = en;
	if (outlen == 0)
		return;
	out[0] = '\0';
	va_start(ap, en);
	if (fr != MINUTES_FRAME_RU) {
		va_copy(aq, ap);
		n = vsnprintf(out, outlen, en, aq);
		va_end(aq);
		o = n < 0 ? 0 : (size_t)n < outlen ? (size_t)n : outlen - 1;
	}
	if (fr == MINUTES_FRAME_BOTH && o < outlen) {
		n = snprintf(out + o, outlen - o, "%s", MINUTES_PAIR);
		o += n < 0		   ? 0 :
		    (size_t)n < outlen - o ? (size_t)n :
					     outlen - o - 1;
	}
	if (fr != MINUTES_FRAME_EN && o < outlen)
		vsnprintf(out + o, outlen - o, ru, ap);
	va_end(ap);
}
#pragma GCC diagnostic pop

void
minutes_lsep(FILE *f, int fr, const char *sep, const char *en, ...)
{
	va_list ap;

	va_start(ap, en);
	lv(f, fr, sep, en, ap);
	va_end(ap);
}

void
minutes_l(FILE *f, int fr, const char *en, ...)
{
	va_list ap;

	va_start(ap, en);
	lv(f, fr, MINUTES_PAIR, en, ap);
	va_end(ap);
}

/* minutes_lput() - en is a label, not a format: no conversion in it. */
void
minutes_lput(FILE *f, int fr, const char *en)
{
	const char *ru = fr != MINUTES_FRAME_EN ? minutes_ru(en) : NULL;

	if (ru == NULL)
		ru = en;
	if (fr != MINUTES_FRAME_RU)
		fputs(en, f);
	if (fr == MINUTES_FRAME_BOTH)
		fputs(MINUTES_PAIR, f);
	if (fr != MINUTES_FRAME_EN)
		fputs(ru, f);
}

void
minutes_lstr(char *out, size_t outlen, int fr, const char *en)
{
	const char *ru = fr != MINUTES_FRAME_EN ? minutes_ru(en) : NULL;

	if (ru == NULL)
		ru = en;
	snprintf(out, outlen, "%s%s%s", fr != MINUTES_FRAME_RU ? en : "",
	    fr == MINUTES_FRAME_BOTH ? MINUTES_PAIR : "",
	    fr != MINUTES_FRAME_EN ? ru : "");
}

void
minutes_value(FILE *f, int fr, const char *v)
{
	if (minutes_ru(v) == NULL || fr == MINUTES_FRAME_EN) {
		fputs(v, f);
		return;
	}
	minutes_lput(f, fr, v);
}

char *
minutes_named(const json_t *m, int fr, const char *k, const char *mapk)
{
	const char *en = lang_pick(m, k, mapk, "en", NULL);
	const char *ru = lang_pick(m, k, mapk, "ru", NULL);
	char *out;
	size_t n;

	if (en == NULL || ru == NULL)
		return NULL;
	if (fr == MINUTES_FRAME_EN || strcmp(en, ru) == 0)
		return strdup(en);
	if (fr == MINUTES_FRAME_RU)
		return strdup(ru);
	n = strlen(en) + strlen(MINUTES_PAIR) + strlen(ru) + 1;
	if ((out = malloc(n)) != NULL)
		snprintf(out, n, "%s%s%s", en, MINUTES_PAIR, ru);
	return out;
}

const char *
minutes_date(char *out, size_t outlen, int fr, const char *ymd)
{
	char en[LANG_DATE_BYTES], ru[LANG_DATE_BYTES];

	lang_date(en, sizeof(en), ymd, "en");
	lang_date(ru, sizeof(ru), ymd, "ru");
	snprintf(out, outlen, "%s%s%s", fr != MINUTES_FRAME_RU ? en : "",
	    fr == MINUTES_FRAME_BOTH && strcmp(en, ru) != 0 ? MINUTES_PAIR :
							       "",
	    fr == MINUTES_FRAME_RU ||
		(fr == MINUTES_FRAME_BOTH && strcmp(en, ru) != 0) ?
		ru :
		"");
	return out;
}

int
minutes_half(int fr, int h)
{
	if (h == 0)
		return fr != MINUTES_FRAME_RU ? MINUTES_FRAME_EN : -1;
	return fr != MINUTES_FRAME_EN ? MINUTES_FRAME_RU : -1;
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
void
minutes_l1(FILE *f, int fr, const char *en, const char *a_en,
    const char *a_ru)
{
	const char *ru = fr != MINUTES_FRAME_EN ? minutes_ru(en) : NULL;

	if (ru == NULL)
		ru = en;
	if (fr != MINUTES_FRAME_RU)
		fprintf(f, en, a_en);
	if (fr == MINUTES_FRAME_BOTH)
		fputs(MINUTES_PAIR, f);
	if (fr != MINUTES_FRAME_EN)
		fprintf(f, ru, a_ru);
}
#pragma GCC diagnostic pop

void
minutes_due(const json_t *c, char *en, char *ru)
{
	const char *d = json_string_value(json_object_get(c, "due"));

	if (d == NULL) {
		snprintf(en, MINUTES_DATE_BYTES, "%s", "no date");
		snprintf(ru, MINUTES_DATE_BYTES, "%s", minutes_ru("no date"));
		return;
	}
	minutes_date(en, MINUTES_DATE_BYTES, MINUTES_FRAME_EN, d);
	minutes_date(ru, MINUTES_DATE_BYTES, MINUTES_FRAME_RU, d);
}

void
minutes_party(FILE *f, int fr, const char *code)
{
	const char *en = lang_party(code, "en");

	if (en == NULL) {
		fputs(code != NULL ? code : "", f);
		return;
	}
	minutes_lput(f, fr, en);
	fprintf(f, " (%s)", code);
}

size_t
minutes_label_count(void)
{
	return NLABELS;
}

void
minutes_label_at(size_t i, const char **en, const char **ru)
{
	*en = i < NLABELS ? labels[i].en : NULL;
	*ru = i < NLABELS ? labels[i].ru : NULL;
}
