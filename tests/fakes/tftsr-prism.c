/* tftsr-prism.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include "tftsr-prism.h"

/* How long a request's lines may take to show in Prism's output. */
#define LOG_WAIT_SECONDS 30
/* The end of what is kept of Prism's output for an error message. */
#define OUTPUT_TAIL 3000

struct _TftsrPrism
{
  GSubprocess *process;
  guint port;
  guint marks; /* marker requests sent so far */
  gsize taken; /* how much of output tftsr_prism_take_log returned */
  GThread *reader;
  GMutex lock;
  GCond changed;
  GString *output; /* everything Prism printed */
  gboolean ended;  /* its output reached the end: it exited */
};

static char *
prism_program (void)
{
  return g_build_filename (TFTSR_PRISM_DIR, "node_modules", ".bin", "prism", NULL);
}

char *
tftsr_prism_missing (void)
{
  g_autofree char *node = g_find_program_in_path ("node");
  g_autofree char *prism = prism_program ();

  if (!g_file_test (TFTSR_CONTRACTS_DIR, G_FILE_TEST_IS_DIR))
    return g_strdup_printf ("no vendor specs in %s (../shared/contracts beside the source tree)",
                            TFTSR_CONTRACTS_DIR);
  if (node == NULL)
    return g_strdup ("Node.js is not installed: scripts/install-deps.sh installs it");
  if (!g_file_test (prism, G_FILE_TEST_IS_EXECUTABLE))
    return g_strdup_printf ("Prism is not installed (%s): scripts/install-deps.sh installs it",
                            prism);
  return NULL;
}

gboolean
tftsr_prism_prepare_spec (const char *relative, const char *path, const char *out, GError **error)
{
  g_autofree char *script = g_build_filename (TFTSR_PRISM_DIR, "spec-for-prism.js", NULL);
  g_autofree char *spec = g_build_filename (TFTSR_CONTRACTS_DIR, relative, NULL);
  g_autoptr (GSubprocess) node = g_subprocess_new (G_SUBPROCESS_FLAGS_STDERR_PIPE, error, "node",
                                                   script, spec, out, path, NULL);
  g_autofree char *said = NULL;

  if (node == NULL || !g_subprocess_communicate_utf8 (node, NULL, NULL, NULL, &said, error))
    return FALSE;
  if (g_subprocess_get_successful (node))
    return TRUE;
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "spec-for-prism.js failed: %s", said);
  return FALSE;
}

/* Collects Prism's output until it exits. */
static gpointer
read_output (gpointer data)
{
  TftsrPrism *prism = data;
  GInputStream *out = g_subprocess_get_stdout_pipe (prism->process);
  char buffer[8192];
  gssize n;

  while ((n = g_input_stream_read (out, buffer, sizeof buffer, NULL, NULL)) > 0)
    {
      g_mutex_lock (&prism->lock);
      g_string_append_len (prism->output, buffer, n);
      g_cond_broadcast (&prism->changed);
      g_mutex_unlock (&prism->lock);
    }
  g_mutex_lock (&prism->lock);
  prism->ended = TRUE;
  g_cond_broadcast (&prism->changed);
  g_mutex_unlock (&prism->lock);
  return NULL;
}

/* In the child before exec: Prism dies with the test, also when an assertion aborts it. */
static void
die_with_parent (gpointer user_data)
{
  (void) user_data;
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/* A port nothing listens on: the one the system gives to a socket bound to port 0. */
static guint
free_port (GError **error)
{
  g_autoptr (GSocket) socket =
      g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr (GSocketAddress) bound = NULL;

  if (socket == NULL || !g_socket_bind (socket, any, FALSE, error) ||
      (bound = g_socket_get_local_address (socket, error)) == NULL)
    return 0;
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

TftsrPrism *
tftsr_prism_start (const char *spec, GError **error)
{
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autofree char *program = prism_program ();
  g_autofree char *port_text = NULL;
  TftsrPrism *prism;
  guint port;

  if ((port = free_port (error)) == 0)
    return NULL;
  port_text = g_strdup_printf ("%u", port);
  launcher =
      g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE);
  /* Plain text: its lines are matched below. */
  g_subprocess_launcher_unsetenv (launcher, "FORCE_COLOR");
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  prism = g_new0 (TftsrPrism, 1);
  prism->port = port;
  prism->output = g_string_new (NULL);
  g_mutex_init (&prism->lock);
  g_cond_init (&prism->changed);
  prism->process = g_subprocess_launcher_spawn (launcher, error, program, "mock", "-d", "-h",
                                                "127.0.0.1", "-p", port_text, spec, NULL);
  if (prism->process == NULL)
    {
      tftsr_prism_stop (prism);
      return NULL;
    }
  prism->reader = g_thread_new ("prism-output", read_output, prism);
  return prism;
}

/* Everything Prism printed so far. */
static char *
dup_output (TftsrPrism *prism)
{
  char *copy;

  g_mutex_lock (&prism->lock);
  copy = g_strndup (prism->output->str, prism->output->len);
  g_mutex_unlock (&prism->lock);
  return copy;
}

static const char *
tail_of (const char *text)
{
  gsize len = strlen (text);
  const char *tail = len > OUTPUT_TAIL ? text + len - OUTPUT_TAIL : text;

  /* Not in the middle of a UTF-8 sequence. */
  while (*tail != '\0' && (*tail & 0xC0) == 0x80)
    tail++;
  return tail;
}

static gboolean
has_ended (TftsrPrism *prism)
{
  gboolean ended;

  g_mutex_lock (&prism->lock);
  ended = prism->ended;
  g_mutex_unlock (&prism->lock);
  return ended;
}

gboolean
tftsr_prism_wait (TftsrPrism *prism, guint seconds, GError **error)
{
  gint64 deadline = g_get_monotonic_time () + seconds * G_TIME_SPAN_SECOND;
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) address = g_inet_socket_address_new (loopback, prism->port);

  for (;;)
    {
      g_autoptr (GSocketConnection) connection =
          g_socket_client_connect (client, G_SOCKET_CONNECTABLE (address), NULL, NULL);
      g_autofree char *output = NULL;

      if (connection != NULL)
        return TRUE;
      if (!has_ended (prism) && g_get_monotonic_time () < deadline)
        {
          g_usleep (100 * G_TIME_SPAN_MILLISECOND);
          continue;
        }
      output = dup_output (prism);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Prism %s on port %u:\n%s",
                   has_ended (prism) ? "exited" : "did not listen in time", prism->port,
                   tail_of (output));
      return FALSE;
    }
}

char *
tftsr_prism_url (TftsrPrism *prism, const char *path)
{
  return g_strdup_printf ("http://127.0.0.1:%u%s", prism->port, path);
}

/* Where the line holding @at starts in @text. */
static const char *
line_start (const char *text, const char *at)
{
  while (at > text && at[-1] != '\n')
    at--;
  return at;
}

TftsrHttpResponse *
tftsr_prism_perform (TftsrPrism *prism, TftsrHttpRequest *request, char **log, GError **error)
{
  g_autoptr (TftsrHttpResponse) response = tftsr_http_perform (request, NULL, NULL, NULL, error);
  g_autofree char *mark_path = g_strdup_printf ("/tftsr-mark-%u", ++prism->marks);
  g_autofree char *mark_url = tftsr_prism_url (prism, mark_path);
  g_autofree char *mark_line = g_strdup_printf ("[HTTP SERVER] get %s ", mark_path);
  g_autoptr (TftsrHttpRequest) mark = tftsr_http_request_new ("GET", mark_url);
  g_autoptr (TftsrHttpResponse) mark_response = NULL;
  gint64 deadline = g_get_monotonic_time () + LOG_WAIT_SECONDS * G_TIME_SPAN_SECOND;
  const char *end = NULL;
  const char *start = NULL;

  if (response == NULL)
    return NULL;
  /* Prism is done with one request (and has logged it) before it reads the next: a request
   * to a path of no operation after this one marks where this one's lines end. */
  tftsr_http_request_set_retries (mark, 0, 1);
  if ((mark_response = tftsr_http_perform (mark, NULL, NULL, NULL, error)) == NULL)
    return NULL;
  g_mutex_lock (&prism->lock);
  while ((end = strstr (prism->output->str, mark_line)) == NULL && !prism->ended)
    if (!g_cond_wait_until (&prism->changed, &prism->lock, deadline))
      break;
  if (end != NULL)
    {
      end = line_start (prism->output->str, end);
      start = g_strrstr_len (prism->output->str, end - prism->output->str, "Request received");
    }
  if (start != NULL)
    {
      start = line_start (prism->output->str, start);
      *log = g_strndup (start, end - start);
    }
  g_mutex_unlock (&prism->lock);
  if (start == NULL)
    {
      g_autofree char *output = dup_output (prism);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "Prism's output does not show the request:\n%s", tail_of (output));
      return NULL;
    }
  return g_steal_pointer (&response);
}

/* The request marking where a log ends, sent now: the line Prism prints when it receives it
 * (every line about it holds the "[HTTP SERVER] get /tftsr-mark-N " part). */
static char *
send_mark (TftsrPrism *prism, GError **error)
{
  g_autofree char *mark_path = g_strdup_printf ("/tftsr-mark-%u", ++prism->marks);
  g_autofree char *mark_url = tftsr_prism_url (prism, mark_path);
  g_autoptr (TftsrHttpRequest) mark = tftsr_http_request_new ("GET", mark_url);
  g_autoptr (TftsrHttpResponse) response = NULL;

  tftsr_http_request_set_retries (mark, 0, 1);
  if ((response = tftsr_http_perform (mark, NULL, NULL, NULL, error)) == NULL)
    return NULL;
  return g_strdup_printf ("[HTTP SERVER] get %s ", mark_path);
}

char *
tftsr_prism_take_log (TftsrPrism *prism, GError **error)
{
  g_autofree char *mark_line = send_mark (prism, error);
  gint64 deadline = g_get_monotonic_time () + LOG_WAIT_SECONDS * G_TIME_SPAN_SECOND;
  g_autoptr (GString) log = g_string_new (NULL);
  g_auto (GStrv) lines = NULL;
  const char *end = NULL;
  g_autofree char *text = NULL;

  if (mark_line == NULL)
    return NULL;
  g_mutex_lock (&prism->lock);
  while ((end = strstr (prism->output->str + prism->taken, mark_line)) == NULL && !prism->ended)
    if (!g_cond_wait_until (&prism->changed, &prism->lock, deadline))
      break;
  if (end != NULL)
    {
      end = line_start (prism->output->str, end);
      text = g_strndup (prism->output->str + prism->taken, end - prism->output->str - prism->taken);
      prism->taken = end - prism->output->str;
    }
  g_mutex_unlock (&prism->lock);
  if (text == NULL)
    {
      g_autofree char *output = dup_output (prism);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "Prism's output does not show the mark request:\n%s", tail_of (output));
      return NULL;
    }
  /* Without the lines about earlier marks (Prism finds no operation for them). */
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (*lines[i] != '\0' && strstr (lines[i], "[HTTP SERVER] get /tftsr-mark-") == NULL)
      g_string_append_printf (log, "%s\n", lines[i]);
  return g_string_free (g_steal_pointer (&log), FALSE);
}

char *
tftsr_prism_violations (const char *log)
{
  g_auto (GStrv) lines = g_strsplit (log, "\n", -1);
  g_autoptr (GString) found = g_string_new (NULL);

  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], "✖") != NULL || strstr (lines[i], "Violation:") != NULL)
      g_string_append_printf (found, "%s%s", found->len > 0 ? "\n" : "", g_strstrip (lines[i]));
  return g_string_free (g_steal_pointer (&found), FALSE);
}

void
tftsr_prism_stop (TftsrPrism *prism)
{
  if (prism == NULL)
    return;
  if (prism->process != NULL)
    {
      g_subprocess_force_exit (prism->process);
      g_subprocess_wait (prism->process, NULL, NULL);
    }
  if (prism->reader != NULL)
    g_thread_join (prism->reader);
  g_clear_object (&prism->process);
  g_string_free (prism->output, TRUE);
  g_mutex_clear (&prism->lock);
  g_cond_clear (&prism->changed);
  g_free (prism);
}
