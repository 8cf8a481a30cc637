/* bench-miner.c: the template miner's throughput on one core, against gzip -1 and wc -l
 *
 *   bench-miner [--loghub DIR] [--size MB] [--log FILE]
 *
 * Builds a log of --size MB (default 1024) from the Loghub 2k samples, concatenated again
 * and again with the digits after each line's first 32 bytes changed every round, so lines
 * repeat in shape but not in text (--log FILE takes an existing log instead). Then mines it
 * in this process with header detection (no format), reading 1 MiB at a time, and reports
 * lines/s, MB/s, templates and peak RSS. The peers read the same file in the same run:
 * gzip -1 (one core, a real pass over every byte) and wc -l (how fast the file can be read
 * at all); the ratio is against gzip -1.
 *
 * Data: Loghub (Zhu et al., ISSRE 2023).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include <glib/gstdio.h>
#include <tftsr.h>

#define READ_SIZE (1 << 20)
#define HEADER_KEPT 32 /* bytes of a line whose digits stay (its timestamp) */

static GPtrArray *
sample_paths (const char *dir)
{
  GPtrArray *paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *log = g_strdup_printf ("%s/%s/%s_2k.log", dir, name, name);

      if (g_file_test (log, G_FILE_TEST_IS_REGULAR))
        g_ptr_array_add (paths, g_steal_pointer (&log));
    }
  g_ptr_array_sort (paths, (GCompareFunc) g_strcmp0);
  return paths;
}

static gboolean
build_log (const char *dir, const char *out_path, guint64 target, GError **error)
{
  g_autoptr (GPtrArray) paths = sample_paths (dir);
  g_autoptr (GString) all = g_string_new (NULL);
  g_autoptr (GString) round = NULL;
  FILE *out;
  guint64 written = 0;

  for (guint i = 0; i < paths->len; i++)
    {
      g_autofree char *text = NULL;
      gsize len;

      if (!g_file_get_contents (paths->pdata[i], &text, &len, error))
        return FALSE;
      g_string_append_len (all, text, len);
      if (len > 0 && text[len - 1] != '\n')
        g_string_append_c (all, '\n');
    }
  if (all->len == 0)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT, "No Loghub samples in %s", dir);
      return FALSE;
    }
  out = fopen (out_path, "w");
  if (out == NULL)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "Cannot write %s", out_path);
      return FALSE;
    }
  round = g_string_sized_new (all->len);
  for (guint r = 0; written < target; r++)
    {
      gsize column = 0;

      g_string_assign (round, all->str);
      for (gsize i = 0; i < round->len; i++)
        {
          char c = round->str[i];

          if (c == '\n')
            column = 0;
          else if (column++ >= HEADER_KEPT && g_ascii_isdigit (c))
            round->str[i] = '0' + (c - '0' + r + i) % 10;
        }
      fwrite (round->str, 1, round->len, out);
      written += round->len;
    }
  return fclose (out) == 0;
}

static double
run_peer (const char *command, const char *path)
{
  g_autofree char *quoted = g_shell_quote (path);
  g_autofree char *line = g_strdup_printf ("%s < %s > /dev/null", command, quoted);
  const char *argv[] = { "/bin/sh", "-c", line, NULL };
  gint64 start = g_get_monotonic_time ();
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &status,
                     NULL) ||
      !g_spawn_check_wait_status (status, NULL))
    return -1;
  return (g_get_monotonic_time () - start) / 1e6;
}

int
main (int argc, char **argv)
{
  g_autofree char *dir =
      g_build_filename (TFTSR_SOURCE_DIR, "..", "shared", "data", "loghub", NULL);
  g_autofree char *path = NULL;
  g_autofree char *made = NULL;
  g_autofree char *carry = g_malloc (READ_SIZE * 2);
  g_autoptr (TftsrLogMiner) miner = tftsr_log_miner_new (0);
  g_autoptr (GPtrArray) templates = NULL;
  g_autoptr (GError) error = NULL;
  guint64 target_mb = 1024, bytes = 0, offset = 0;
  gsize held = 0;
  struct rusage usage;
  double seconds, gzip_s, wc_s;
  gint64 start;
  FILE *in;

  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--loghub") && i + 1 < argc)
        {
          g_free (dir);
          dir = g_strdup (argv[++i]);
        }
      else if (g_str_equal (argv[i], "--size") && i + 1 < argc)
        target_mb = g_ascii_strtoull (argv[++i], NULL, 10);
      else if (g_str_equal (argv[i], "--log") && i + 1 < argc)
        path = g_strdup (argv[++i]);
      else
        {
          g_printerr ("usage: bench-miner [--loghub DIR] [--size MB] [--log FILE]\n");
          return 2;
        }
    }
  if (path == NULL)
    {
      made = g_build_filename (g_get_tmp_dir (), "tftsr-bench-miner.log", NULL);
      path = g_strdup (made);
      if (!build_log (dir, made, target_mb << 20, &error))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
    }
  in = fopen (path, "r");
  if (in == NULL)
    {
      g_printerr ("Cannot read %s\n", path);
      return 1;
    }

  /* Lines are cut from 1 MiB reads; a line's tail carries over to the next read */
  start = g_get_monotonic_time ();
  for (;;)
    {
      gsize got = fread (carry + held, 1, READ_SIZE, in), n = held + got, line = 0;

      bytes += got;
      for (char *nl; (nl = memchr (carry + line, '\n', n - line)) != NULL;)
        {
          gsize len = nl - (carry + line);

          tftsr_log_miner_add (miner, carry + line, len, offset, NULL, 0, NULL);
          offset += len + 1;
          line += len + 1;
        }
      held = n - line;
      if (held >= READ_SIZE) /* a line longer than a read: mined in pieces */
        {
          tftsr_log_miner_add (miner, carry + line, held, offset, NULL, 0, NULL);
          offset += held;
          held = 0;
        }
      else
        memmove (carry, carry + line, held);
      if (got == 0)
        break;
    }
  if (held > 0)
    tftsr_log_miner_add (miner, carry, held, offset, NULL, 0, NULL);
  seconds = (g_get_monotonic_time () - start) / 1e6;
  fclose (in);
  getrusage (RUSAGE_SELF, &usage);
  templates = tftsr_log_miner_dup_templates (miner);

  gzip_s = run_peer ("gzip -1", path);
  wc_s = run_peer ("wc -l", path);

  printf ("Template miner on %.0f MB of Loghub lines (Zhu et al., ISSRE 2023), one core, "
          "header detection\n",
          bytes / 1048576.0);
  printf ("  tftsr miner  %8.2f s  %10.0f lines/s  %7.1f MB/s  peak RSS %ld MB  "
          "%u templates, %" G_GUINT64_FORMAT " lines evicted\n",
          seconds, tftsr_log_miner_get_lines (miner) / seconds, bytes / 1048576.0 / seconds,
          usage.ru_maxrss / 1024, templates->len, tftsr_log_miner_get_evicted_lines (miner));
  if (gzip_s > 0)
    printf ("  gzip -1      %8.2f s  %29.1f MB/s  (the miner's speed: %.2fx gzip -1's)\n", gzip_s,
            bytes / 1048576.0 / gzip_s, gzip_s / seconds);
  if (wc_s > 0)
    printf ("  wc -l        %8.2f s  %29.1f MB/s\n", wc_s, bytes / 1048576.0 / wc_s);
  if (made != NULL)
    g_unlink (made);
  return 0;
}
