/* tftsr-cli-secret.c: secrets from an environment variable or typed without echo
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "tftsr-cli.h"

#define SECRET_INPUT_MAX 8192

static char *
prompt (const char *what, const char *name, const char *empty)
{
  struct termios saved, quiet;
  char *line = g_malloc0 (SECRET_INPUT_MAX);

  /* Translators: "API key for openai (empty for none): " */
  fprintf (stderr, _ ("%s for %s (%s): "), what, name, empty);
  fflush (stderr);
  tcgetattr (STDIN_FILENO, &saved);
  quiet = saved;
  quiet.c_lflag &= ~ECHO;
  tcsetattr (STDIN_FILENO, TCSANOW, &quiet);
  if (fgets (line, SECRET_INPUT_MAX, stdin) == NULL)
    line[0] = '\0';
  tcsetattr (STDIN_FILENO, TCSANOW, &saved);
  fputc ('\n', stderr);
  line[strcspn (line, "\r\n")] = '\0';
  return line;
}

gboolean
tftsr_cli_read_secret (const char *env, const char *what, const char *name, const char *empty,
                       char **secret)
{
  if (env != NULL)
    {
      const char *value = g_getenv (env);
      if (value == NULL || *value == '\0')
        {
          tftsr_cli_usage_error (_ ("The environment variable %s is not set"), env);
          return FALSE;
        }
      *secret = g_strdup (value);
      return TRUE;
    }
  *secret = isatty (STDIN_FILENO) ? prompt (what, name, empty) : NULL;
  return TRUE;
}

void
tftsr_cli_wipe_secret (char *secret)
{
  if (secret != NULL)
    explicit_bzero (secret, strlen (secret));
  g_free (secret);
}
