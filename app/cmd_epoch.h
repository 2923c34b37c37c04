/*
 * cmd_epoch.h: membership over time on the command line (cmd_epoch.c):
 * `member remove`, `member replace`, the epochs `member add` gives, and
 * `dialogue rekey` / `dialogue epochs`.
 */
#ifndef DETENTE_CMD_EPOCH_H
#define DETENTE_CMD_EPOCH_H

#include "cli.h"

int epoch_member_remove(struct cli_ctx *ctx, int argc, char **argv);
int epoch_member_replace(struct cli_ctx *ctx, int argc, char **argv);
int epoch_dialogue_rekey(struct cli_ctx *ctx, int argc, char **argv);
int epoch_dialogue_epochs(struct cli_ctx *ctx, int argc, char **argv);

/* epoch_mode() - "all" or "current" as RECORD_EPOCHS_*, or -1. */
int epoch_mode(const char *s);

/* epoch_given_line() - "gave N key epochs (...)" after an add. */
void epoch_given_line(struct cli_ctx *ctx, size_t given, int mode);

#endif
