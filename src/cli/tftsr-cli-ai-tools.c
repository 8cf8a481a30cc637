/* tftsr-cli-ai-tools.c: the tools of MCP servers in tftsr-cli ai chat (--tools)
 *
 * Each call the model asks for is shown on standard error with its arguments exactly as
 * they would leave, and put to the engineer at the terminal; a script (standard input not
 * a terminal) gets no tools unless it says --tools allow.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tftsr-cli.h"

gboolean
tftsr_cli_tools_mode (const char *word, TftsrCliTools *mode)
{
  if (word == NULL)
    *mode = isatty (STDIN_FILENO) ? TFTSR_CLI_TOOLS_ASK : TFTSR_CLI_TOOLS_DENY;
  else if (strcmp (word, "ask") == 0)
    *mode = TFTSR_CLI_TOOLS_ASK;
  else if (strcmp (word, "allow") == 0)
    *mode = TFTSR_CLI_TOOLS_ALLOW;
  else if (strcmp (word, "deny") == 0)
    *mode = TFTSR_CLI_TOOLS_DENY;
  else
    {
      tftsr_cli_usage_error (_ ("--tools takes ask, allow or deny, not “%s”"), word);
      return FALSE;
    }
  return TRUE;
}

static void
describe (const TftsrTriageToolCall *call)
{
  fprintf (stderr, "%s ", _ ("Tool call:"));
  tftsr_cli_write_text (stderr, call->tool);
  fprintf (stderr, " (%s ", _ ("MCP server"));
  tftsr_cli_write_text (stderr, call->server);
  fprintf (stderr, ")\n%s ", _ ("Arguments as they would be sent:"));
  tftsr_cli_write_text (stderr, call->sent != NULL ? call->sent : call->arguments);
  fputc ('\n', stderr);
}

/* One line from the terminal: o(nce), a(lways); anything else, or nothing, denies. */
static TftsrToolApproval
read_answer (void)
{
  char line[64];

  fprintf (stderr, "%s ", _ ("Allow it? [o]nce, [a]lways for this tool, [N]o:"));
  fflush (stderr);
  if (fgets (line, sizeof line, stdin) == NULL)
    return TFTSR_TOOL_DENY;
  switch (g_ascii_tolower (line[strspn (line, " \t")]))
    {
    case 'o':
    case 'y':
      return TFTSR_TOOL_ALLOW_ONCE;
    case 'a':
      return TFTSR_TOOL_ALLOW_ALWAYS;
    default:
      return TFTSR_TOOL_DENY;
    }
}

static TftsrToolApproval
approve (const TftsrTriageToolCall *call, GCancellable *cancellable, gpointer user_data)
{
  TftsrCliTools mode = GPOINTER_TO_INT (user_data);

  describe (call);
  if (mode == TFTSR_CLI_TOOLS_ALLOW)
    return TFTSR_TOOL_ALLOW_ONCE;
  if (!isatty (STDIN_FILENO))
    {
      fprintf (stderr, "%s\n", _ ("Denied: standard input is not a terminal to ask at."));
      return TFTSR_TOOL_DENY;
    }
  return read_answer ();
}

static void
changed (const TftsrTriageToolCall *call, gpointer user_data)
{
  if (call->status == TFTSR_TRIAGE_TOOL_WAITING || call->status == TFTSR_TRIAGE_TOOL_RUNNING)
    return;
  fprintf (stderr, "%s ", _ ("Tool"));
  tftsr_cli_write_text (stderr, call->name);
  fprintf (stderr, ": %s", tftsr_triage_tool_status_to_label (call->status));
  if (call->error != NULL)
    {
      fputs (" — ", stderr);
      tftsr_cli_write_text (stderr, call->error);
    }
  fputc ('\n', stderr);
}

void
tftsr_cli_tools_init (TftsrTriageTools *tools, TftsrCli *cli, TftsrCliTools mode)
{
  memset (tools, 0, sizeof *tools);
  if (mode == TFTSR_CLI_TOOLS_DENY)
    return;
  tools->bridge = tftsr_mcp_bridge_new (cli->store);
  tools->approve = approve;
  tools->changed = changed;
  tools->user_data = GINT_TO_POINTER (mode);
}

void
tftsr_cli_tools_clear (TftsrTriageTools *tools)
{
  g_autoptr (GPtrArray) problems = NULL;

  if (tools->bridge == NULL)
    return;
  problems = tftsr_mcp_bridge_dup_problems (tools->bridge);
  for (guint i = 0; i < problems->len; i++)
    {
      TftsrMcpBridgeProblem *p = problems->pdata[i];

      fprintf (stderr, _ ("The tools of MCP server “%s” were not offered: "), p->server);
      tftsr_cli_write_text (stderr, p->reason);
      fputc ('\n', stderr);
    }
  g_clear_object (&tools->bridge);
}
