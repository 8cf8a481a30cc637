/* tftsr-cli.h: shared state and helpers of tftsr-cli's commands
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json.h>
#include <stdio.h>
#include <tftsr.h>

/* Exit codes of the CLI contract (design §5). */
#define TFTSR_CLI_OK 0
#define TFTSR_CLI_FAILED 1
#define TFTSR_CLI_USAGE 2

typedef struct
{
  char *db_path;     /* --db, else the default */
  TftsrStore *store; /* opened on first use */
} TftsrCli;

typedef int (*TftsrCliCommand) (TftsrCli *cli, int argc, char **argv);

/* Whether the database exists (or is open): commands that only read settings create none. */
gboolean tftsr_cli_db_exists (TftsrCli *cli);
/* Opens the store (resolving the key) on first use; prints the reason and returns NULL
 * when it cannot be opened. */
TftsrStore *tftsr_cli_store (TftsrCli *cli);
/* The detection settings as stored, the defaults when there is no database yet (so that
 * scanning alone creates none); NULL after printing why. */
TftsrPiiSettings *tftsr_cli_pii_settings (TftsrCli *cli);
/* The detection engine those settings configure. */
TftsrPiiScanner *tftsr_cli_scanner (TftsrCli *cli);

/* Parses @entries out of @argv (GOption syntax) for "tftsr-cli @command"; positional
 * arguments stay in @argv, and so do unknown options when @keep_unknown is set (search
 * queries use "-word"). Prints the reason and returns FALSE on a usage error. */
gboolean tftsr_cli_parse (const char *command, const char *positional, const char *summary,
                          const GOptionEntry *entries, gboolean keep_unknown, int *argc,
                          char ***argv);
/* Reports a usage error ("tftsr-cli: …") and returns TFTSR_CLI_USAGE. */
int tftsr_cli_usage_error (const char *format, ...) G_GNUC_PRINTF (1, 2);
/* Reports a runtime error and returns TFTSR_CLI_FAILED. */
int tftsr_cli_fail (const GError *error);
/* Parses a positive incident id, or reports a usage error. */
gboolean tftsr_cli_parse_id (const char *text, gint64 *id);
/* Reads a whole file, or standard input for "-". */
char *tftsr_cli_read_text (const char *path, GError **error);

/* A secret named by @env (an environment variable: "not set" is a usage error), else typed
 * at a terminal without echo ("@what for @name (@empty): ", @empty saying what typing
 * nothing means), else none (NULL).
 * Secrets never come from the command line, where shell history and ps would keep them.
 * FALSE after a usage error. */
gboolean tftsr_cli_read_secret (const char *env, const char *what, const char *name,
                                const char *empty, char **secret);
/* Zeroes and frees a secret from tftsr_cli_read_secret(). */
void tftsr_cli_wipe_secret (char *secret);

/* Output. Text that came from the database is printed as stored, except that on a
 * terminal control characters are shown as U+FFFD so a title cannot drive the terminal. */
void tftsr_cli_print_text (const char *text);
/* The same on @out (standard error for progress). */
void tftsr_cli_write_text (FILE *out, const char *text);
void tftsr_cli_print_json (json_object *json);
json_object *tftsr_cli_json_string (const char *text);
json_object *tftsr_cli_issue_to_json (TftsrIssue *issue, gboolean with_description);
json_object *tftsr_cli_timeline_to_json (GPtrArray *events);

/* ai chat --tools (tftsr-cli-ai-tools.c). */
typedef enum
{
  TFTSR_CLI_TOOLS_ASK,   /* each call put to the engineer at the terminal */
  TFTSR_CLI_TOOLS_ALLOW, /* every call allowed (this run only) */
  TFTSR_CLI_TOOLS_DENY,  /* no tools offered */
} TftsrCliTools;

/* The mode of --tools @word; NULL: ask on a terminal, else deny. FALSE after a usage
 * error. */
gboolean tftsr_cli_tools_mode (const char *word, TftsrCliTools *mode);
/* @tools for a turn in @mode (no bridge for deny); cleared after the turn, which also says
 * which servers' tools were left out, and why. */
void tftsr_cli_tools_init (TftsrTriageTools *tools, TftsrCli *cli, TftsrCliTools mode);
void tftsr_cli_tools_clear (TftsrTriageTools *tools);

int tftsr_cli_issue (TftsrCli *cli, int argc, char **argv);
int tftsr_cli_audit (TftsrCli *cli, int argc, char **argv);
int tftsr_cli_pii (TftsrCli *cli, int argc, char **argv);
int tftsr_cli_log (TftsrCli *cli, int argc, char **argv);
int tftsr_cli_insight (TftsrCli *cli, int argc, char **argv);
int tftsr_cli_image (TftsrCli *cli, int argc, char **argv);
int tftsr_cli_attachment (TftsrCli *cli, int argc, char **argv);
int tftsr_cli_ai (TftsrCli *cli, int argc, char **argv);
/* ai chat and ai whys (tftsr-cli-ai-chat.c). */
int tftsr_cli_ai_chat (TftsrCli *cli, int argc, char **argv);
int tftsr_cli_ai_whys (TftsrCli *cli, int argc, char **argv);
/* ai analyze (tftsr-cli-ai-analyze.c). */
int tftsr_cli_ai_analyze (TftsrCli *cli, int argc, char **argv);
int tftsr_cli_ollama (TftsrCli *cli, int argc, char **argv);
int tftsr_cli_doc (TftsrCli *cli, int argc, char **argv);
int tftsr_cli_connector (TftsrCli *cli, int argc, char **argv);
int tftsr_cli_mcp (TftsrCli *cli, int argc, char **argv);
