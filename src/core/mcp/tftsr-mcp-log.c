/* tftsr-mcp-log.c: what servers write to stderr (a bounded log per server name), the
 * running clients by server name, and the child process groups killed at exit
 *
 * The logs outlive their clients on purpose: the Settings page and `tftsr-cli mcp log` show
 * why a server failed after its process is gone.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <signal.h>
#include <string.h>

#include "tftsr-mcp-private.h"

struct _TftsrMcpLog
{
  gatomicrefcount ref;
  GMutex lock;
  GString *text;    /* whole lines, each ending in "\n" */
  GString *partial; /* the start of a line whose end has not come yet */
};

static GMutex logs_lock;
static GHashTable *logs; /* name → TftsrMcpLog */

TftsrMcpLog *
tftsr_mcp_log_ref (TftsrMcpLog *log)
{
  g_atomic_ref_count_inc (&log->ref);
  return log;
}

void
tftsr_mcp_log_unref (TftsrMcpLog *log)
{
  if (log == NULL || !g_atomic_ref_count_dec (&log->ref))
    return;
  g_mutex_clear (&log->lock);
  g_string_free (log->text, TRUE);
  g_string_free (log->partial, TRUE);
  g_free (log);
}

TftsrMcpLog *
tftsr_mcp_log_begin (const char *name)
{
  TftsrMcpLog *log = NULL;

  g_mutex_lock (&logs_lock);
  if (logs == NULL)
    logs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                  (GDestroyNotify) tftsr_mcp_log_unref);
  log = g_new0 (TftsrMcpLog, 1);
  g_atomic_ref_count_init (&log->ref);
  g_mutex_init (&log->lock);
  log->text = g_string_new (NULL);
  log->partial = g_string_new (NULL);
  g_hash_table_replace (logs, g_strdup (name), tftsr_mcp_log_ref (log));
  g_mutex_unlock (&logs_lock);
  return log;
}

/* Drops whole lines from the front until the text fits. */
static void
trim (GString *text)
{
  while (text->len > TFTSR_MCP_LOG_SIZE)
    {
      const char *end = memchr (text->str, '\n', text->len);
      gsize drop = end != NULL ? (gsize) (end - text->str) + 1 : text->len;
      g_string_erase (text, 0, (gssize) drop);
    }
}

static void
add_line (TftsrMcpLog *log, const char *line, gsize len)
{
  g_autofree char *valid = g_utf8_make_valid (line, (gssize) MIN (len, TFTSR_MCP_LOG_SIZE));

  g_string_append (log->text, valid);
  g_string_append_c (log->text, '\n');
  trim (log->text);
}

void
tftsr_mcp_log_append (TftsrMcpLog *log, const char *bytes, gsize len)
{
  g_mutex_lock (&log->lock);
  for (const char *p = bytes, *end = bytes + len; p < end;)
    {
      const char *nl = memchr (p, '\n', (gsize) (end - p));
      if (nl == NULL)
        {
          g_string_append_len (log->partial, p, end - p);
          /* A line without end still may not grow past the log's size. */
          if (log->partial->len > TFTSR_MCP_LOG_SIZE)
            {
              add_line (log, log->partial->str, log->partial->len);
              g_string_truncate (log->partial, 0);
            }
          break;
        }
      g_string_append_len (log->partial, p, nl - p);
      if (log->partial->len > 0 && log->partial->str[log->partial->len - 1] == '\r')
        g_string_truncate (log->partial, log->partial->len - 1);
      add_line (log, log->partial->str, log->partial->len);
      g_string_truncate (log->partial, 0);
      p = nl + 1;
    }
  g_mutex_unlock (&log->lock);
}

void
tftsr_mcp_log_append_line (TftsrMcpLog *log, const char *line)
{
  g_mutex_lock (&log->lock);
  add_line (log, line, strlen (line));
  g_mutex_unlock (&log->lock);
}

char *
tftsr_mcp_log_dup (TftsrMcpLog *log)
{
  GString *text = NULL;
  g_autofree char *partial = NULL;

  g_mutex_lock (&log->lock);
  text = g_string_new_len (log->text->str, (gssize) log->text->len);
  /* The line still being written is raw bytes: made valid like the others, and the whole
   * kept within the log's size. */
  partial = g_utf8_make_valid (log->partial->str, (gssize) log->partial->len);
  g_mutex_unlock (&log->lock);
  g_string_append (text, partial);
  trim (text);
  return g_string_free (text, FALSE);
}

char *
tftsr_mcp_log_dup_tail (TftsrMcpLog *log, gsize max_bytes)
{
  g_autofree char *text = tftsr_mcp_log_dup (log);
  const char *start = text;
  gsize len = strlen (text);

  while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == ' '))
    len--;
  text[len] = '\0';
  if (len > max_bytes)
    {
      start = text + len - max_bytes;
      const char *nl = strchr (start, '\n');
      start = nl != NULL ? nl + 1 : g_utf8_find_next_char (start - 1, NULL);
    }
  return g_strdup (start != NULL ? start : "");
}

char *
tftsr_mcp_dup_server_log (const char *name)
{
  TftsrMcpLog *log = NULL;
  char *text = NULL;

  g_return_val_if_fail (name != NULL, NULL);
  g_mutex_lock (&logs_lock);
  if (logs != NULL && (log = g_hash_table_lookup (logs, name)) != NULL)
    tftsr_mcp_log_ref (log);
  g_mutex_unlock (&logs_lock);
  if (log == NULL)
    return g_strdup ("");
  text = tftsr_mcp_log_dup (log);
  tftsr_mcp_log_unref (log);
  return text;
}

/* ------------------------------------------------------------------------------------------
 * Running clients
 */

typedef struct
{
  char *name;
  gconstpointer address;
  GWeakRef client;
} Running;

static GMutex clients_lock;
static GList *clients; /* Running */

void
tftsr_mcp_clients_register (TftsrMcpClient *client, const char *name)
{
  Running *running = g_new0 (Running, 1);

  running->name = g_strdup (name);
  running->address = client;
  g_weak_ref_init (&running->client, client);
  g_mutex_lock (&clients_lock);
  clients = g_list_prepend (clients, running);
  g_mutex_unlock (&clients_lock);
}

static void
running_free (Running *running)
{
  g_weak_ref_clear (&running->client);
  g_free (running->name);
  g_free (running);
}

void
tftsr_mcp_clients_unregister (TftsrMcpClient *client, const char *name)
{
  g_mutex_lock (&clients_lock);
  for (GList *l = clients; l != NULL; l = l->next)
    {
      Running *running = l->data;
      /* Compared by address: the client is being disposed, so its weak reference is gone. */
      if (running->address == (gconstpointer) client)
        {
          clients = g_list_delete_link (clients, l);
          running_free (running);
          break;
        }
    }
  g_mutex_unlock (&clients_lock);
  (void) name;
}

void
tftsr_mcp_clients_close (const char *name)
{
  g_autoptr (GPtrArray) closing = g_ptr_array_new_with_free_func (g_object_unref);

  g_mutex_lock (&clients_lock);
  for (GList *l = clients; l != NULL; l = l->next)
    {
      Running *running = l->data;
      gpointer object = NULL;
      if (strcmp (running->name, name) == 0 && (object = g_weak_ref_get (&running->client)) != NULL)
        g_ptr_array_add (closing, object);
    }
  g_mutex_unlock (&clients_lock);
  /* Closed outside the lock: closing waits for the process. */
  for (guint i = 0; i < closing->len; i++)
    tftsr_mcp_client_close (g_ptr_array_index (closing, i));
}

/* ------------------------------------------------------------------------------------------
 * Children at exit: a server's process group is killed when this process exits normally
 * (a crash closes the pipes, and a server ends on its stdin's end, as MCP's stdio transport
 * asks of it).
 */

static GMutex children_lock;
static GArray *children; /* GPid */

static void
kill_children (void)
{
  g_mutex_lock (&children_lock);
  for (guint i = 0; children != NULL && i < children->len; i++)
    if (g_array_index (children, GPid, i) > 0)
      kill (-g_array_index (children, GPid, i), SIGKILL);
  g_mutex_unlock (&children_lock);
}

void
tftsr_mcp_children_add (GPid pid)
{
  g_mutex_lock (&children_lock);
  if (children == NULL)
    {
      children = g_array_new (FALSE, FALSE, sizeof (GPid));
      atexit (kill_children);
    }
  g_array_append_val (children, pid);
  g_mutex_unlock (&children_lock);
}

void
tftsr_mcp_children_remove (GPid pid)
{
  g_mutex_lock (&children_lock);
  for (guint i = 0; children != NULL && i < children->len; i++)
    if (g_array_index (children, GPid, i) == pid)
      {
        g_array_remove_index_fast (children, i);
        break;
      }
  g_mutex_unlock (&children_lock);
}
