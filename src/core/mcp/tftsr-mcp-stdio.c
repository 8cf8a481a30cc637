/* tftsr-mcp-stdio.c: the stdio transport: a child process, newline-delimited JSON-RPC on
 * its stdin and stdout, its stderr kept in the server's log
 *
 * The child gets a process group of its own, so stopping it also stops what it started
 * (npx starts node, a shell script its commands). Two threads read stdout and stderr,
 * each polling its pipe and a stop cancellable, so stopping never waits on a process that
 * keeps a pipe open. Writes poll too, so a child that stops reading cannot block a caller
 * past its deadline.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <fcntl.h>
#include <gio/gunixinputstream.h>
#include <gio/gunixoutputstream.h>
#include <glib/gi18n-lib.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "tftsr-ai-error.h"
#include "tftsr-line-splitter.h"
#include "tftsr-mcp-client-private.h"

/* How long an ended server's stderr may take to drain into its log. */
#define STDERR_WAIT_MS 500

#define READ_SIZE 65536
#define STOP_WAIT_MS 2000

struct _TftsrMcpStdio
{
  TftsrMcpClient *client; /* borrowed: the client stops its transport before it goes */
  GSubprocess *process;
  GPid pid;
  int in_fd, out_fd, err_fd;
  GMutex write_lock;
  gboolean stopped; /* under write_lock */
  GCancellable *stop;
  GThread *out_thread;
  GThread *err_thread;
  gint stderr_done; /* atomic: the stderr reader reached the end */
};

/* A server that dies while we write to it must not take this process with it. */
static void
ignore_sigpipe (void)
{
  static gsize done = 0;
  struct sigaction action = { 0 };

  if (!g_once_init_enter (&done))
    return;
  if (sigaction (SIGPIPE, NULL, &action) == 0 && action.sa_handler == SIG_DFL)
    signal (SIGPIPE, SIG_IGN);
  g_once_init_leave (&done, 1);
}

static void
child_setup (gpointer data)
{
  /* Its own process group: the whole tree is signalled on stop. */
  setpgid (0, 0);
}

/* What a server inherits from tftsr's environment: what programs need to run and reach the
 * network, nothing else. tftsr's environment may hold its database key (TFTSR_DB_KEY) and
 * the engineer's tokens, and a server can hand its environment to the model (the reference
 * server's get-env tool does); a server that needs more is given it in its own settings. */
static const char *const inherited[] = {
  "PATH",
  "HOME",
  "USER",
  "LOGNAME",
  "LANG",
  "LANGUAGE",
  "TZ",
  "TMPDIR",
  "XDG_RUNTIME_DIR",
  "http_proxy",
  "https_proxy",
  "no_proxy",
  "HTTP_PROXY",
  "HTTPS_PROXY",
  "NO_PROXY",
  "SSL_CERT_FILE",
  "SSL_CERT_DIR",
  "NODE_EXTRA_CA_CERTS",
};

static gboolean
is_inherited (const char *name)
{
  if (g_str_has_prefix (name, "LC_"))
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (inherited); i++)
    if (g_str_equal (name, inherited[i]))
      return TRUE;
  return FALSE;
}

static char **
base_environ (void)
{
  g_auto (GStrv) all = g_get_environ ();
  char **environ = g_new0 (char *, 1);

  for (guint i = 0; all[i] != NULL; i++)
    {
      g_autofree char *name = g_strndup (all[i], strcspn (all[i], "="));
      if (is_inherited (name))
        environ = g_environ_setenv (environ, name, all[i] + strlen (name) + 1, TRUE);
    }
  return environ;
}

static char **
child_environ (const TftsrMcpServer *server, const TftsrMcpResolved *secrets)
{
  char **environ = base_environ ();

  for (guint i = 0; server->env != NULL && server->env[i] != NULL; i++)
    {
      g_autofree char *name = NULL;
      const char *value = NULL;
      if (tftsr_mcp_split_pair (server->env[i], '=', &name, &value))
        environ = g_environ_setenv (environ, name, value, TRUE);
    }
  for (guint i = 0; i < secrets->env->len; i++)
    {
      g_autofree char *name = NULL;
      const char *value = NULL;
      if (tftsr_mcp_split_pair (g_ptr_array_index (secrets->env, i), '=', &name, &value))
        environ = g_environ_setenv (environ, name, value, TRUE);
    }
  return environ;
}

static void
wipe_environ (char **environ)
{
  for (guint i = 0; environ != NULL && environ[i] != NULL; i++)
    explicit_bzero (environ[i], strlen (environ[i]));
  g_strfreev (environ);
}

/* Signals the server's process group (it and what it started); none once it is gone. */
static void
kill_group (TftsrMcpStdio *stdio, int sig)
{
  if (stdio->pid > 0)
    kill (-stdio->pid, sig);
}

/* Waits for the child to be reaped (GLib's worker reaps it), at most @ms. */
static gboolean
wait_exit (TftsrMcpStdio *stdio, guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_subprocess_get_identifier (stdio->process) != NULL)
    {
      if (g_get_monotonic_time () >= end)
        return FALSE;
      g_usleep (10 * 1000);
    }
  return TRUE;
}

static char *
describe_exit (TftsrMcpStdio *stdio)
{
  if (!wait_exit (stdio, 1000))
    return g_strdup (_ ("The MCP server closed its output."));
  if (g_subprocess_get_if_signaled (stdio->process))
    return g_strdup_printf (_ ("The MCP server's process was killed by signal %d."),
                            g_subprocess_get_term_sig (stdio->process));
  return g_strdup_printf (_ ("The MCP server's process exited with status %d."),
                          g_subprocess_get_exit_status (stdio->process));
}

/* Why the server went away: how its process ended and the last it wrote to stderr. */
static GError *
exit_error (TftsrMcpStdio *stdio)
{
  g_autofree char *what = describe_exit (stdio);
  g_autofree char *tail = NULL;
  gint64 end = g_get_monotonic_time () + STDERR_WAIT_MS * 1000;

  /* Its last words may still be in the pipe when its stdout closed. */
  while (!g_atomic_int_get (&stdio->stderr_done) && g_get_monotonic_time () < end)
    g_usleep (5 * 1000);
  tail =
      stdio->client->log != NULL ? tftsr_mcp_log_dup_tail (stdio->client->log, 500) : g_strdup ("");

  if (*tail != '\0')
    return g_error_new (TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_CLOSED, _ ("%s It wrote: %s"), what, tail);
  return g_error_new_literal (TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_CLOSED, what);
}

static void
fail_with_exit (TftsrMcpStdio *stdio)
{
  g_autoptr (GError) error = exit_error (stdio);

  tftsr_mcp_client_fail_all (stdio->client, error);
}

/* Waits until @fd can be read or the stop cancellable fires; FALSE when stopping. */
static gboolean
wait_readable (TftsrMcpStdio *stdio, int fd)
{
  GPollFD fds[2] = { { fd, G_IO_IN | G_IO_HUP | G_IO_ERR, 0 } };

  g_cancellable_make_pollfd (stdio->stop, &fds[1]);
  while (g_poll (fds, 2, -1) < 0 && errno == EINTR)
    ;
  g_cancellable_release_fd (stdio->stop);
  return !g_cancellable_is_cancelled (stdio->stop);
}

static gboolean
on_line (const char *line, gsize len, gpointer data, GError **error)
{
  TftsrMcpStdio *stdio = data;

  /* Blank lines carry nothing; anything else must be a message. */
  if (len == 0 || (len == 1 && line[0] == '\r'))
    return TRUE;
  return tftsr_mcp_client_dispatch (stdio->client, line, len, -1, error);
}

/* The session is broken: say why, and stop the process so nobody waits on it. */
static void
fail_protocol (TftsrMcpStdio *stdio, GError *error)
{
  if (g_error_matches (error, TFTSR_AI_ERROR, TFTSR_AI_ERROR_MALFORMED))
    {
      g_clear_error (&error);
      error = g_error_new (TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_TOO_LARGE,
                           _ ("The server sent a message larger than %u MiB."),
                           (guint) (TFTSR_MCP_MAX_MESSAGE >> 20));
    }
  tftsr_mcp_client_fail_all (stdio->client, error);
  kill_group (stdio, SIGKILL);
  g_error_free (error);
}

static gpointer
read_stdout (gpointer data)
{
  TftsrMcpStdio *stdio = data;
  TftsrLineSplitter splitter;
  g_autofree guint8 *buffer = g_malloc (READ_SIZE);
  GError *error = NULL;
  gssize n = 0;

  tftsr_line_splitter_init (&splitter, TFTSR_LINE_ENDS_LF, on_line, stdio);
  while (wait_readable (stdio, stdio->out_fd))
    {
      n = read (stdio->out_fd, buffer, READ_SIZE);
      if (n < 0 && (errno == EINTR || errno == EAGAIN))
        continue;
      if (n <= 0)
        break;
      if (!tftsr_line_splitter_feed (&splitter, buffer, (gsize) n, &error))
        break;
    }
  if (error == NULL && n == 0)
    tftsr_line_splitter_finish (&splitter, &error);
  if (error != NULL)
    fail_protocol (stdio, error);
  else if (!g_cancellable_is_cancelled (stdio->stop))
    fail_with_exit (stdio);
  tftsr_line_splitter_clear (&splitter);
  return NULL;
}

static gpointer
read_stderr (gpointer data)
{
  TftsrMcpStdio *stdio = data;
  char buffer[4096];
  gssize n = 0;

  while (wait_readable (stdio, stdio->err_fd))
    {
      n = read (stdio->err_fd, buffer, sizeof buffer);
      if (n < 0 && (errno == EINTR || errno == EAGAIN))
        continue;
      if (n <= 0)
        break;
      tftsr_mcp_log_append (stdio->client->log, buffer, (gsize) n);
    }
  g_atomic_int_set (&stdio->stderr_done, 1);
  return NULL;
}

static GSubprocess *
spawn (const TftsrMcpServer *server, const TftsrMcpResolved *secrets, GError **error)
{
  g_autoptr (GSubprocessLauncher) launcher =
      g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                 G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  char **environ = child_environ (server, secrets);
  g_autoptr (GError) local = NULL;
  GSubprocess *process = NULL;

  g_subprocess_launcher_set_environ (launcher, environ);
  wipe_environ (environ);
  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
  g_ptr_array_add (argv, server->command);
  for (guint i = 0; server->args != NULL && server->args[i] != NULL; i++)
    g_ptr_array_add (argv, server->args[i]);
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &local);
  if (process == NULL)
    g_set_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_SPAWN,
                 _ ("Could not start the MCP server “%s”: %s"), server->command, local->message);
  return process;
}

TftsrMcpStdio *
tftsr_mcp_stdio_start (TftsrMcpClient *client, const TftsrMcpServer *server,
                       const TftsrMcpResolved *secrets, GError **error)
{
  const char *identifier;
  TftsrMcpStdio *stdio = NULL;
  GSubprocess *process = NULL;

  ignore_sigpipe ();
  if ((process = spawn (server, secrets, error)) == NULL)
    return NULL;
  stdio = g_new0 (TftsrMcpStdio, 1);
  stdio->client = client;
  stdio->process = process;
  /* A server that exits at once may be reaped before this: then it has no group to kill. */
  identifier = g_subprocess_get_identifier (process);
  stdio->pid = identifier != NULL ? (GPid) g_ascii_strtoll (identifier, NULL, 10) : 0;
  stdio->in_fd =
      g_unix_output_stream_get_fd (G_UNIX_OUTPUT_STREAM (g_subprocess_get_stdin_pipe (process)));
  stdio->out_fd =
      g_unix_input_stream_get_fd (G_UNIX_INPUT_STREAM (g_subprocess_get_stdout_pipe (process)));
  stdio->err_fd =
      g_unix_input_stream_get_fd (G_UNIX_INPUT_STREAM (g_subprocess_get_stderr_pipe (process)));
  fcntl (stdio->in_fd, F_SETFL, fcntl (stdio->in_fd, F_GETFL) | O_NONBLOCK);
  g_mutex_init (&stdio->write_lock);
  stdio->stop = g_cancellable_new ();
  tftsr_mcp_children_add (stdio->pid);
  stdio->out_thread = g_thread_new ("mcp-stdout", read_stdout, stdio);
  stdio->err_thread = g_thread_new ("mcp-stderr", read_stderr, stdio);
  return stdio;
}

GPid
tftsr_mcp_stdio_get_pid (TftsrMcpStdio *stdio)
{
  return g_subprocess_get_identifier (stdio->process) != NULL ? stdio->pid : 0;
}

/* Waits until stdin can take more; FALSE with @error on the deadline or cancellation. */
static gboolean
wait_writable (TftsrMcpStdio *stdio, gint64 deadline, GCancellable *cancellable, GError **error)
{
  GPollFD fds[2] = { { stdio->in_fd, G_IO_OUT | G_IO_ERR | G_IO_HUP, 0 } };
  int n_fds = g_cancellable_make_pollfd (cancellable, &fds[1]) ? 2 : 1;
  gint64 left = (deadline - g_get_monotonic_time ()) / 1000;
  int rc = left > 0 ? g_poll (fds, n_fds, (int) MIN (left, G_MAXINT)) : 0;

  if (n_fds == 2)
    g_cancellable_release_fd (cancellable);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  if (rc == 0)
    {
      g_set_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_TIMEOUT,
                   _ ("The MCP server is not reading its input."));
      return FALSE;
    }
  return TRUE;
}

static gboolean
write_all (TftsrMcpStdio *stdio, const char *data, gsize len, gsize *written, gint64 deadline,
           GCancellable *cancellable, GError **error)
{
  while (*written < len)
    {
      gssize n = write (stdio->in_fd, data + *written, len - *written);
      if (n > 0)
        *written += (gsize) n;
      else if (n < 0 && errno == EAGAIN)
        {
          if (!wait_writable (stdio, deadline, cancellable, error))
            return FALSE;
        }
      else if (n < 0 && errno == EPIPE)
        {
          /* The process ended (or closed its input) before reading: say how it ended. */
          g_propagate_error (error, exit_error (stdio));
          return FALSE;
        }
      else if (n < 0 && errno != EINTR)
        {
          g_set_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_CLOSED,
                       _ ("The MCP server's process no longer reads its input: %s"),
                       g_strerror (errno));
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
tftsr_mcp_stdio_send (TftsrMcpStdio *stdio, const char *text, gint64 deadline,
                      GCancellable *cancellable, GError **error)
{
  g_autofree char *line = g_strconcat (text, "\n", NULL);
  gsize len = strlen (line), written = 0;
  gboolean ok = FALSE;

  g_mutex_lock (&stdio->write_lock);
  if (stdio->stopped)
    g_set_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_CLOSED,
                 _ ("The MCP server's process was stopped."));
  else
    ok = write_all (stdio, line, len, &written, deadline, cancellable, error);
  g_mutex_unlock (&stdio->write_lock);
  /* Half a message on the pipe garbles every later one: the session cannot go on. */
  if (!ok && written > 0)
    {
      g_autoptr (GError) broken = g_error_new (TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_CLOSED,
                                               _ ("A message to the MCP server was cut off; the "
                                                  "session was ended."));
      tftsr_mcp_client_fail_all (stdio->client, broken);
      kill_group (stdio, SIGKILL);
    }
  return ok;
}

void
tftsr_mcp_stdio_stop (TftsrMcpStdio *stdio)
{
  g_mutex_lock (&stdio->write_lock);
  if (stdio->stopped)
    {
      g_mutex_unlock (&stdio->write_lock);
      return;
    }
  stdio->stopped = TRUE;
  /* The end of its stdin is how MCP asks a stdio server to exit. */
  g_output_stream_close (g_subprocess_get_stdin_pipe (stdio->process), NULL, NULL);
  g_mutex_unlock (&stdio->write_lock);
  if (!wait_exit (stdio, STOP_WAIT_MS))
    {
      kill_group (stdio, SIGTERM);
      if (!wait_exit (stdio, STOP_WAIT_MS))
        {
          kill_group (stdio, SIGKILL);
          wait_exit (stdio, 10 * STOP_WAIT_MS);
        }
    }
  /* What the server started and left behind in its group goes too. */
  kill_group (stdio, SIGKILL);
  g_cancellable_cancel (stdio->stop);
  g_clear_pointer (&stdio->out_thread, g_thread_join);
  g_clear_pointer (&stdio->err_thread, g_thread_join);
  tftsr_mcp_children_remove (stdio->pid);
}

void
tftsr_mcp_stdio_free (TftsrMcpStdio *stdio)
{
  tftsr_mcp_stdio_stop (stdio);
  g_object_unref (stdio->process);
  g_object_unref (stdio->stop);
  g_mutex_clear (&stdio->write_lock);
  g_free (stdio);
}
