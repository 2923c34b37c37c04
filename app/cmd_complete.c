/*
 * cmd_complete.c: `detente complete -- WORDS... CURRENT`, the hidden
 * helper behind shell completion (contrib/bash-completion/detente).
 *
 * The shell passes the words of the command line up to the one being
 * completed (the last, possibly empty).  This prints the candidates that
 * start with it, one per line, or the single line "!files" or "!dirs"
 * when the shell should complete a path.  It never prints an error and
 * never asks for a passphrase: it reads only what needs no key (the
 * home's identities and dialogues, entry hashes, meeting numbers, party
 * names).
 *
 * Commands, subcommands, options and what each option's value or each
 * argument is come from the command table's own usage strings (the text
 * of `detente COMMAND --help`), so that completion cannot drift from
 * the commands: "--meeting M" completes meeting numbers, "-o FILE" a
 * path, "--format md|txt|json" those three words, "ID" entry ids, and
 * so on (see value_kind()).  A word "--opt=value" completes the value,
 * each candidate printed whole ("--format=md"); bash, which splits the
 * word at "=", is given back only the part after it by its script.
 */
#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../crypto/keys.h"
#include "../storage/entry.h"
#include "../storage/record.h"
#include "../storage/store.h"
#include "cli.h"
#include "fmt.h"
#include "home.h"

#define MAX_TOK 64
#define MAX_SUB 16
#define TOK_ANGLE 1U   /* written <like|this>: a placeholder for a path */
#define TOK_APART 2U   /* a bracket before it: not the value of an option */

/* One way to call a command: its subcommand word (or none) and tokens. */
struct form {
	char sub[32];            /* "" when the command has none */
	char *tok[MAX_TOK];      /* options, values and arguments */
	unsigned char angle[MAX_TOK]; /* TOK_ flags */
	size_t ntok;
};

struct forms {
	char buf[2048];          /* the usage, split in place */
	struct form f[MAX_SUB];
	size_t n;
};

/* The global options that take a value, and what the value is. */
static const struct {
	const char *opt, *value;
} global_opts[] = {
	{ "--home", "DIR" },
	{ "--passphrase-file", "F" },
	{ "--as", "NAME" },
	{ "--dialogue", "DIALOGUE" },
};

struct comp {
	const char *cur;         /* the word being completed (after "=") */
	char pfx[48];            /* "--opt=" of a word "--opt=value", or "" */
	const char *home_opt;    /* --home on the line, or NULL */
	const char *dialogue;    /* --dialogue on the line, or NULL */
	const struct cli_cmd *cmd;
	FILE *out;
	char seen[1024];         /* "\nw\n" of the words offered so far */
};

/*
 * emit() - print w if it starts with the current word, once (two forms
 * of one command may both name an option).
 */
static void
emit(struct comp *c, const char *w)
{
	char k[96];
	size_t n = strlen(c->seen);

	if (strncmp(w, c->cur, strlen(c->cur)) != 0)
		return;
	snprintf(k, sizeof(k), "\n%s\n", w);
	if (strlen(w) < sizeof(k) - 2 && strstr(c->seen, k) != NULL)
		return;
	if (n + strlen(k) < sizeof(c->seen))
		memcpy(c->seen + n, k[0] == '\n' && n > 0 ? k + 1 : k,
		    strlen(k) - (k[0] == '\n' && n > 0) + 1);
	fprintf(c->out, "%s%s\n", c->pfx, w);
}

/* is_word() - a subcommand or a literal: lower-case letters and '-'. */
static int
is_word(const char *s)
{
	if (!islower((unsigned char)*s))
		return 0;
	for (; *s != '\0'; s++)
		if (!islower((unsigned char)*s) && *s != '-')
			return 0;
	return 1;
}

/* is_value() - a token that is an option's value: "FILE", "md|txt". */
static int
is_value(const char *s)
{
	const char *p;

	if (*s == '-' || strcmp(s, "...") == 0)
		return 0;
	for (p = s; *p != '\0'; p++)
		if (isupper((unsigned char)*p) || *p == '|')
			return 1;
	return 0;
}

/* add_tok() - append one token to f, splitting "ID|--no-item". */
static void
add_tok(struct form *f, char *t, unsigned angle)
{
	char *bar;

	if (*t == '\0' || f->ntok >= MAX_TOK)
		return;
	if (!(angle & TOK_ANGLE) && (bar = strstr(t, "|-")) != NULL &&
	    bar[2] == '-') {
		*bar = '\0';
		add_tok(f, t, angle);
		add_tok(f, bar + 1, 0);
		return;
	}
	f->angle[f->ntok] = (unsigned char)angle;
	f->tok[f->ntok++] = t;
}

/*
 * parse_usage() - split cmd's usage into forms.  A line "detente NAME
 * SUB ..." starts a form, as does each alternative "| SUB ..." at the
 * top level; an alternative that starts with an option ("| --hashes")
 * belongs to the form before it.  "a|b|c" as the first word (`add`) is
 * one form per word, sharing the tokens.  Brackets only group.
 */
static void
parse_usage(struct forms *fs, const struct cli_cmd *cmd)
{
	char prefix[64], *p, *q, *t, *end;
	int depth = 0, start = 1, angle, apart = 0;
	struct form *cur = NULL;
	size_t i, first = 0, shared = 0;

	memset(fs, 0, sizeof(*fs));
	if (cmd->usage == NULL)
		return;
	/* spaces around brackets and new lines, so that tokens split */
	for (p = (char *)cmd->usage, q = fs->buf;
	    *p != '\0' && q < fs->buf + sizeof(fs->buf) - 4; p++) {
		if (*p == '[' || *p == ']' || *p == '\n') {
			*q++ = ' ';
			*q++ = *p;
			*q++ = ' ';
		} else
			*q++ = *p;
	}
	*q = '\0';
	snprintf(prefix, sizeof(prefix), "detente %s", cmd->name);
	for (t = strtok_r(fs->buf, " ", &end); t != NULL;
	    t = strtok_r(NULL, " ", &end)) {
		if (strcmp(t, "\n") == 0) {
			start = 3;   /* maybe "detente NAME SUB" */
			continue;
		}
		if (start == 3 && strcmp(t, "detente") == 0) {
			start = 4;
			continue;
		}
		if (start == 4 && strcmp(t, cmd->name) == 0) {
			/*
			 * "detente NAME --opt ...": a line of options of the
			 * form without a subcommand, if there is one; a word
			 * next starts a form of its own instead.
			 */
			for (i = 0; i < fs->n; i++)
				if (fs->f[i].sub[0] == '\0')
					break;
			/*
			 * "detente sync --stdio" beside "detente sync listen":
			 * the options start the form without a subcommand.
			 */
			q = end;
			while (q != NULL && *q == ' ')
				q++;
			if (i == fs->n && fs->n > 0 && fs->n < MAX_SUB &&
			    q != NULL && (*q == '-' || *q == '[')) {
				fs->f[fs->n].sub[0] = '\0';
				i = fs->n++;
			}
			if (i < fs->n)
				cur = &fs->f[i];
			start = 1;
			continue;
		}
		if (start >= 3)
			start = 0;   /* a continuation line */
		if (strcmp(t, "[") == 0 || strcmp(t, "]") == 0) {
			depth += *t == '[' ? 1 : -1;
			start = 0;
			apart = 1;
			continue;
		}
		if (strcmp(t, "|") == 0) {
			if (depth == 0)
				start = 2;
			continue;
		}
		angle = *t == '<';
		if (angle) {
			t++;
			if ((q = strchr(t, '>')) != NULL)
				*q = '\0';
		}
		if (start && !angle && is_word(t)) {
			if (fs->n < MAX_SUB) {
				cur = &fs->f[fs->n++];
				snprintf(cur->sub, sizeof(cur->sub), "%s", t);
				first = fs->n - 1;
				shared = 0;
			}
			start = 0;
			continue;
		}
		if (start == 1 && !angle && islower((unsigned char)*t) &&
		    strchr(t, '|') != NULL) {
			/* "agenda|note|...": one form per word */
			first = fs->n;
			for (q = strtok_r(t, "|", &p); q != NULL &&
			    fs->n < MAX_SUB; q = strtok_r(NULL, "|", &p))
				snprintf(fs->f[fs->n++].sub,
				    sizeof(fs->f[0].sub), "%s", q);
			cur = &fs->f[first];
			shared = fs->n - first;
			start = 0;
			continue;
		}
		start = 0;
		if (cur == NULL) {
			fs->n = 1;
			cur = &fs->f[0];
			first = 0;
			shared = 0;
		}
		add_tok(cur, t, (angle ? TOK_ANGLE : 0) |
		    (apart ? TOK_APART : 0));
		apart = 0;
	}
	/* the words of "a|b|c" share the tokens of the first */
	for (i = 1; i < shared; i++) {
		memcpy(fs->f[first + i].tok, fs->f[first].tok,
		    sizeof(fs->f[0].tok));
		memcpy(fs->f[first + i].angle, fs->f[first].angle,
		    sizeof(fs->f[0].angle));
		fs->f[first + i].ntok = fs->f[first].ntok;
	}
}

/* find_form() - the form for subcommand sub (or the only one). */
static const struct form *
find_form(const struct forms *fs, const char *sub)
{
	size_t i;

	for (i = 0; i < fs->n; i++)
		if (strcmp(fs->f[i].sub, sub != NULL ? sub : "") == 0)
			return &fs->f[i];
	return NULL;
}

/* has_subs() - whether the command's forms are named by subcommands. */
static int
has_subs(const struct forms *fs)
{
	return fs->n > 0 && fs->f[0].sub[0] != '\0';
}

/* option_value() - the value token of option opt in form f, or NULL. */
static const char *
option_value(const struct form *f, const char *opt)
{
	size_t i;

	for (i = 0; f != NULL && i < f->ntok; i++)
		if (strcmp(f->tok[i], opt) == 0)
			return i + 1 < f->ntok && f->angle[i + 1] == 0 &&
			    is_value(f->tok[i + 1]) ? f->tok[i + 1] : NULL;
	return NULL;
}

/* open_store() - the chosen dialogue's store, read-only, or NULL. */
static store *
open_store(struct comp *c, record **rec)
{
	char hexid[HOME_ID_HEX + 1], path[PATH_MAX];
	char *home = NULL;
	store *s = NULL;

	if (home_resolve(&home, c->home_opt) != 0)
		return NULL;
	if (home_choose_dialogue(hexid, home, c->dialogue) == 0 &&
	    home_dialogue_path(path, sizeof(path), home, hexid) == 0) {
		if (rec != NULL) {
			if (record_open(rec, path) != 0)
				*rec = NULL;
		} else if (store_open(&s, path, STORE_OPEN_READONLY) != 0)
			s = NULL;
	}
	free(home);
	return s;
}

struct scan_ids {
	struct comp *c;
	size_t seen, printed;
};

static int
print_id(void *ctx, const unsigned char *bytes, size_t len,
    const unsigned char hash[ENTRY_HASH_BYTES])
{
	struct scan_ids *si = ctx;
	char id[FMT_SHORT_BYTES];

	(void)bytes;
	(void)len;
	fmt_short(id, hash);
	if (strncmp(id, si->c->cur, strlen(si->c->cur)) == 0) {
		fprintf(si->c->out, "%s%s\n", si->c->pfx, id);
		si->printed++;
	}
	/* the newest entries: enough to choose from, bounded */
	return ++si->seen >= 5000 || si->printed >= 200;
}

static int
count_one(void *ctx, const unsigned char *bytes, size_t len,
    const unsigned char hash[ENTRY_HASH_BYTES])
{
	(void)bytes;
	(void)len;
	(void)hash;
	(*(uint64_t *)ctx)++;
	return 0;
}

/*
 * entry_ids() - short ids of entries: for `mark`, the agenda items and
 * commitments; else the newest entries, newest first.
 */
static void
entry_ids(struct comp *c)
{
	struct scan_ids si = { c, 0, 0 };
	store_txn *t = NULL;
	store *s;

	if ((s = open_store(c, NULL)) == NULL)
		return;
	if (store_txn_begin(&t, s, 0) == 0) {
		if (strcmp(c->cmd->name, "mark") == 0) {
			(void)store_scan_kind(t, ENTRY_K_AGENDA, NULL,
			    print_id, &si);
			si.seen = 0;
			(void)store_scan_kind(t, ENTRY_K_COMMITMENT, NULL,
			    print_id, &si);
		} else
			(void)store_scan(t, NULL, 1, print_id, &si);
		store_txn_abort(t);
	}
	store_close(s);
}

/* meetings() - the meeting numbers, 1 to the number of meetings opened. */
static void
meetings(struct comp *c)
{
	store_txn *t = NULL;
	uint64_t n = 0, i;
	char num[24];
	store *s;

	if ((s = open_store(c, NULL)) == NULL)
		return;
	if (store_txn_begin(&t, s, 0) == 0) {
		(void)store_scan_kind(t, ENTRY_K_MEETING_OPEN, NULL, count_one,
		    &n);
		store_txn_abort(t);
	}
	store_close(s);
	for (i = n; i >= 1; i--) {
		snprintf(num, sizeof(num), "%llu", (unsigned long long)i);
		emit(c, num);
	}
}

/* safe_word() - printable ASCII with no space or shell quoting. */
static int
safe_word(const char *s)
{
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && strchr("-_.+", *s) == NULL)
			return 0;
	return 1;
}

static void
parties(struct comp *c)
{
	record *r = NULL;
	size_t i;

	(void)open_store(c, &r);
	for (i = 0; r != NULL && i < record_nparties(r); i++)
		if (safe_word(record_party(r, i)))
			emit(c, record_party(r, i));
	record_close(r);
}

static void
names(struct comp *c, int dialogues)
{
	char **v = NULL, *home = NULL;
	size_t n = 0, i;

	if (home_resolve(&home, c->home_opt) != 0)
		return;
	if ((dialogues ? home_dialogues(&v, &n, home) :
	    home_identities(&v, &n, home)) == 0)
		for (i = 0; i < n; i++)
			if (safe_word(v[i]))
				emit(c, v[i]);
	home_names_free(v, n);
	free(home);
}

/* details_states() - `mark`'s states, from its help: "...states: a, b." */
static void
details_states(struct comp *c)
{
	char buf[1024], *line, *p, *w;

	if (c->cmd->details == NULL)
		return;
	snprintf(buf, sizeof(buf), "%s", c->cmd->details);
	for (line = strtok(buf, "\n"); line != NULL;
	    line = strtok(NULL, "\n")) {
		if ((p = strstr(line, "states:")) == NULL)
			continue;
		for (p += 7; *p != '\0'; p++) {
			while (*p == ' ' || *p == ',')
				p++;
			w = p;
			while (islower((unsigned char)*p) || *p == '-')
				p++;
			if (p > w && (*p == ',' || *p == '.')) {
				char word[32];

				snprintf(word, sizeof(word), "%.*s",
				    (int)(p - w), w);
				emit(c, word);
			}
			if (*p == '.' || *p == '\0')
				break;
		}
	}
}

/*
 * value_kind() - complete a value written as placeholder v (an option's
 * value or an argument).
 */
static void
value_kind(struct comp *c, const char *v, int angle, int positional)
{
	static const char *const files[] = { "FILE", "F", "K", "B", "FILE|-",
		"STORE", "BUNDLE", "FILE-OR-DIR" };
	char buf[128], *w;
	size_t i;

	if (angle) {
		fputs("!files\n", c->out);
		return;
	}
	if (strcmp(v, "STATE") == 0) {
		if (positional)
			details_states(c);
		else
			fputs("!files\n", c->out);
		return;
	}
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (strcmp(v, files[i]) == 0) {
			fputs("!files\n", c->out);
			return;
		}
	if (strcmp(v, "DIR") == 0)
		fputs("!dirs\n", c->out);
	else if (strcmp(v, "ID") == 0)
		entry_ids(c);
	else if (strcmp(v, "M") == 0)
		meetings(c);
	else if (strcmp(v, "NAME") == 0)
		names(c, 0);
	else if (strcmp(v, "DIALOGUE") == 0)
		names(c, 1);
	else if (strcmp(v, "P") == 0 || strcmp(v, "PARTY") == 0)
		parties(c);
	else if (strcmp(v, "COMMAND") == 0) {
		for (i = 0; cli_cmds[i] != NULL; i++)
			if (cli_cmds[i]->help != NULL)
				emit(c, cli_cmds[i]->name);
	} else if (strcmp(v, "L") == 0 || strcmp(v, "L|both") == 0) {
		emit(c, "en");
		emit(c, "ru");
		if (strchr(v, '|') != NULL)
			emit(c, "both");
	} else if (strchr(v, '|') != NULL) {
		/* literal alternatives: "md|txt|json" */
		snprintf(buf, sizeof(buf), "%s", v);
		for (w = strtok(buf, "|"); w != NULL; w = strtok(NULL, "|"))
			if (is_word(w))
				emit(c, w);
	}
}

/* takes_value() - whether option o of form f (or global) takes a value. */
static const char *
takes_value(const struct form *f, int global, const char *o)
{
	size_t i;

	if (global) {
		for (i = 0; i < sizeof(global_opts) / sizeof(global_opts[0]);
		    i++)
			if (strcmp(o, global_opts[i].opt) == 0)
				return global_opts[i].value;
		return NULL;
	}
	return option_value(f, o);
}

/*
 * split_eq() - for a current word "--opt=value" whose option takes a
 * value (global, or of form f), complete the value: c->cur becomes the
 * part after "=", c->pfx "--opt=", and every candidate is printed with
 * that prefix ("!files" and "!dirs" without it: the shell completes the
 * path after the "=" itself).  @return 1 if done, 0 if the word is not
 * of that form.
 */
static int
split_eq(struct comp *c, const struct form *f, int global)
{
	const char *eq = strchr(c->cur, '=');
	const char *v;
	size_t n;

	if (c->cur[0] != '-' || c->cur[1] != '-' || eq == NULL)
		return 0;
	n = (size_t)(eq - c->cur);
	if (n + 2 > sizeof(c->pfx))
		return 1;
	memcpy(c->pfx, c->cur, n);
	c->pfx[n] = '\0';
	if ((v = takes_value(f, global, c->pfx)) == NULL) {
		c->pfx[0] = '\0';
		return 1; /* an option without a value: nothing to offer */
	}
	c->pfx[n] = '=';
	c->pfx[n + 1] = '\0';
	c->cur = eq + 1;
	value_kind(c, v, 0, 0);
	return 1;
}

/*
 * eq_value() - for a word "--opt=value" typed before the current one:
 * the value, if the option is opt; else NULL.
 */
static const char *
eq_value(const char *w, const char *opt)
{
	size_t n = strlen(opt);

	return strncmp(w, opt, n) == 0 && w[n] == '=' ? w + n + 1 : NULL;
}

static int
run(struct cli_ctx *ctx, int argc, char **argv)
{
	struct comp c;
	struct forms *fs = NULL;
	const struct form *f = NULL;
	const char *v, *sub = NULL;
	char **w;
	int n, i, npos = 0, k;
	size_t j;

	memset(&c, 0, sizeof(c));
	c.out = ctx->out;
	/* argv: complete -- PROGRAM WORDS... CURRENT */
	if (argc < 4 || strcmp(argv[1], "--") != 0)
		return CLI_USAGE;
	w = argv + 3;
	n = argc - 3;           /* w[0..n-1]; w[n-1] is the current word */
	c.cur = w[n - 1];
	/* global options */
	for (i = 0; i < n - 1 && w[i][0] == '-'; i++) {
		if (eq_value(w[i], "--home") != NULL)
			c.home_opt = eq_value(w[i], "--home");
		else if (eq_value(w[i], "--dialogue") != NULL)
			c.dialogue = eq_value(w[i], "--dialogue");
		if ((v = takes_value(NULL, 1, w[i])) == NULL)
			continue;
		if (i + 1 >= n - 1) {
			value_kind(&c, v, 0, 0);
			return CLI_OK;
		}
		if (strcmp(w[i], "--home") == 0)
			c.home_opt = w[i + 1];
		else if (strcmp(w[i], "--dialogue") == 0)
			c.dialogue = w[i + 1];
		i++;
	}
	if (i == n - 1) {
		if (split_eq(&c, NULL, 1))
			return CLI_OK;
		if (c.cur[0] == '-') {
			for (j = 0; j < sizeof(global_opts) /
			    sizeof(global_opts[0]); j++)
				emit(&c, global_opts[j].opt);
			emit(&c, "--help");
			emit(&c, "--version");
		} else
			for (j = 0; cli_cmds[j] != NULL; j++)
				if (cli_cmds[j]->help != NULL)
					emit(&c, cli_cmds[j]->name);
		return CLI_OK;
	}
	if ((c.cmd = cli_find(w[i])) == NULL || c.cmd->help == NULL)
		return CLI_OK;
	if ((fs = malloc(sizeof(*fs))) == NULL)
		return CLI_OK;
	parse_usage(fs, c.cmd);
	i++;
	if (has_subs(fs)) {
		if (i == n - 1) {
			for (j = 0; j < fs->n; j++)
				if (fs->f[j].sub[0] != '\0')
					emit(&c, fs->f[j].sub);
			/* options of the form without a subcommand follow */
			if (c.cur[0] != '-' || find_form(fs, "") == NULL)
				goto out;
		} else if (w[i][0] == '-' && find_form(fs, "") != NULL)
			sub = "";
		else
			sub = w[i++];
	}
	f = find_form(fs, sub);
	if (f == NULL)
		goto out;
	/* the words typed so far: options, their values, arguments */
	for (; i < n - 1; i++) {
		if (strcmp(w[i], "--") == 0)
			continue;
		if (w[i][0] == '-' && w[i][1] != '\0') {
			if (strchr(w[i], '=') == NULL &&
			    option_value(f, w[i]) != NULL) {
				if (i + 1 == n - 1) {
					value_kind(&c, option_value(f, w[i]),
					    0, 0);
					goto out;
				}
				i++;
			}
			continue;
		}
		npos++;
	}
	if (split_eq(&c, f, 0))
		goto out;
	if (c.cur[0] == '-') {
		for (j = 0; j < f->ntok; j++)
			if (f->tok[j][0] == '-' && f->tok[j][1] != '\0')
				emit(&c, f->tok[j]);
		emit(&c, "--help");
		goto out;
	}
	/* the npos-th argument: tokens that are neither options nor values */
	for (j = 0, k = 0; j < f->ntok; j++) {
		if (f->tok[j][0] == '-')
			continue;
		if (j > 0 && f->tok[j - 1][0] == '-' && f->angle[j] == 0 &&
		    is_value(f->tok[j]))
			continue;
		if (strcmp(f->tok[j], "...") == 0)
			continue;
		if (k++ == npos) {
			value_kind(&c, f->tok[j], f->angle[j] & TOK_ANGLE, 1);
			break;
		}
	}
out:
	free(fs);
	return CLI_OK;
}

/* Hidden: no help line, so `detente help` does not list it. */
const struct cli_cmd cmd_complete = {
	"complete", "", NULL, NULL, run
};
