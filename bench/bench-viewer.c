/* bench-viewer.c: how soon the log viewer shows the first screen of a 1 GiB log, against
 * lnav loading the same file in the same run.
 *
 * The log is built from the Loghub samples (../shared/data/loghub) repeated to the size
 * asked for, and stored once through the real ingest. Each round opens a new viewer window
 * (on the display this runs on; run-benchmarks.sh gives it an Xvfb) and stops the clock at
 * the first frame drawn after line 1 has its text; a jump to the middle line is timed the
 * same way. The peer is `lnav -n -q` opening the file and writing its first line, which is
 * what lnav must do before it can show a screen in headless mode.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <adwaita.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "tftsr-log-viewer.h"

static int size_mib = 1024;
static int rounds = 5;
static char *loghub_dir;

/* --- the log ------------------------------------------------------------------------- */

static GBytes *
loghub_sample (void)
{
  g_autoptr (GDir) dir = g_dir_open (loghub_dir, 0, NULL);
  g_autoptr (GString) text = g_string_new (NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (loghub_dir, name, NULL);
      g_autofree char *base = g_strdup_printf ("%s_2k.log", name);
      g_autofree char *file = g_build_filename (path, base, NULL);
      g_autofree char *contents = NULL;
      gsize length = 0;

      if (g_file_get_contents (file, &contents, &length, NULL))
        {
          g_string_append_len (text, contents, length);
          if (length > 0 && contents[length - 1] != '\n')
            g_string_append_c (text, '\n');
        }
    }
  return g_string_free_to_bytes (g_steal_pointer (&text));
}

static char *
write_big_log (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "big.log", NULL);
  g_autoptr (GBytes) sample = loghub_sample ();
  FILE *out = fopen (path, "w");
  guint64 target = (guint64) size_mib << 20;
  gsize n = g_bytes_get_size (sample);

  if (out == NULL || n == 0)
    g_error ("cannot build the log in %s from %s", dir, loghub_dir);
  for (guint64 written = 0; written < target; written += n)
    fwrite (g_bytes_get_data (sample, NULL), 1, n, out);
  fclose (out);
  return g_steal_pointer (&path);
}

/* --- timing the viewer ------------------------------------------------------------------- */

static GtkLabel *
label_of_line (GtkWidget *root, guint number)
{
  if (GTK_IS_LABEL (root) && g_object_get_data (G_OBJECT (root), "line") != NULL &&
      tftsr_log_line_get_number (g_object_get_data (G_OBJECT (root), "line")) == number &&
      *gtk_label_get_text (GTK_LABEL (root)) != '\0')
    return GTK_LABEL (root);
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkLabel *found = label_of_line (child, number);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
count_frame (GtkWidget *widget, GdkFrameClock *clock, gpointer frames)
{
  (*(guint *) frames)++;
  return G_SOURCE_CONTINUE;
}

/* Iterates until line @number shows text and a frame has been drawn since; seconds. */
static double
wait_for_line (GtkWidget *viewer, guint number, gint64 start)
{
  guint frames = 0, id;

  while (label_of_line (viewer, number) == NULL)
    g_main_context_iteration (NULL, TRUE);
  id = gtk_widget_add_tick_callback (viewer, count_frame, &frames, NULL);
  while (frames < 1)
    g_main_context_iteration (NULL, TRUE);
  gtk_widget_remove_tick_callback (viewer, id);
  return (g_get_monotonic_time () - start) / 1e6;
}

static int
compare_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static double
median (double *values, int n)
{
  qsort (values, n, sizeof *values, compare_double);
  return values[n / 2];
}

static double
lnav_seconds (const char *log_path, const char *dir)
{
  g_autofree char *first = g_build_filename (dir, "lnav-first-line.txt", NULL);
  g_autofree char *command =
      g_strdup_printf ("lnav -n -q -c ':goto 0' -c ':mark' -c ':write-raw-to %s' %s >/dev/null "
                       "2>&1",
                       first, log_path);
  gint64 start = g_get_monotonic_time ();
  int status = system (command);

  if (status != 0)
    return -1;
  return (g_get_monotonic_time () - start) / 1e6;
}

int
main (int argc, char **argv)
{
  GOptionEntry entries[] = {
    { "loghub", 0, 0, G_OPTION_ARG_FILENAME, &loghub_dir, "Loghub samples", "DIR" },
    { "size", 0, 0, G_OPTION_ARG_INT, &size_mib, "Log size in MiB (1024)", "MIB" },
    { "rounds", 0, 0, G_OPTION_ARG_INT, &rounds, "Viewer openings (5)", "N" },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("— log viewer benchmark");
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *db = NULL;
  g_autofree char *log_path = NULL;
  g_autoptr (TftsrDbKey) key = NULL;
  g_autoptr (TftsrStore) store = NULL;
  g_autoptr (TftsrIssue) draft = NULL, issue = NULL;
  g_autoptr (TftsrPiiScanner) scanner = tftsr_pii_scanner_new ();
  g_autoptr (TftsrLogFile) log = NULL;
  g_autoptr (GFile) file = NULL;
  g_autofree char *rm_command = NULL;
  double first[64], middle[64], lnav[3];
  gint64 start;
  guint lines;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || rounds < 1 || rounds > 64)
    g_error ("%s", error != NULL ? error->message : "--rounds takes 1 to 64");
  if (loghub_dir == NULL || !g_file_test (loghub_dir, G_FILE_TEST_IS_DIR))
    {
      g_print ("bench-viewer: skipped, the Loghub samples (--loghub) are not here\n");
      return 0;
    }
  dir = g_dir_make_tmp ("tftsr-bench-viewer-XXXXXX", &error);
  g_assert_no_error (error);
  db = g_build_filename (dir, "bench.db", NULL);
  log_path = write_big_log (dir);

  /* A raw key: the benchmark is about the viewer, not about key derivation. */
  key = tftsr_db_key_new ("x'00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff'",
                          TFTSR_DB_KEY_SOURCE_EXPLICIT);
  store = tftsr_store_open (db, key, &error);
  g_assert_no_error (error);
  draft = tftsr_issue_new ("Viewer benchmark");
  issue = tftsr_store_create_issue (store, draft, &error);
  g_assert_no_error (error);
  file = g_file_new_for_path (log_path);
  start = g_get_monotonic_time ();
  log = tftsr_store_add_log_file (store, tftsr_issue_get_id (issue), file, scanner, NULL, NULL,
                                  NULL, &error);
  g_assert_no_error (error);
  lines = tftsr_log_file_get_line_count (log);
  g_print ("log viewer: %d MiB, %u lines, stored in %.1f s\n", size_mib, lines,
           (g_get_monotonic_time () - start) / 1e6);

  gtk_init ();
  adw_init ();
  for (int i = 0; i < rounds; i++)
    {
      GtkWidget *viewer;

      start = g_get_monotonic_time ();
      viewer = GTK_WIDGET (tftsr_log_viewer_new (store, log));
      gtk_window_present (GTK_WINDOW (viewer));
      first[i] = wait_for_line (viewer, 1, start);
      start = g_get_monotonic_time ();
      tftsr_log_viewer_go_to_line (TFTSR_LOG_VIEWER (viewer), lines / 2);
      middle[i] = wait_for_line (viewer, lines / 2, start);
      gtk_window_destroy (GTK_WINDOW (viewer));
      while (g_main_context_iteration (NULL, FALSE))
        ;
    }
  for (int i = 0; i < 3; i++)
    lnav[i] = lnav_seconds (log_path, dir);

  g_print ("  tftsr viewer, first screen    median %.3f s (first opening %.3f s, %d rounds)\n",
           median (first, rounds), first[0], rounds);
  g_print ("  tftsr viewer, go to line %-6u median %.3f s\n", lines / 2, median (middle, rounds));
  if (lnav[0] < 0)
    g_print ("  lnav: not available\n");
  else
    g_print ("  lnav -n, load and first line  median %.3f s   ratio tftsr/lnav %.4f\n",
             median (lnav, 3), median (first, rounds) / median (lnav, 3));

  g_clear_object (&log);
  g_clear_object (&store);
  rm_command = g_strdup_printf ("rm -rf '%s'", dir);
  if (system (rm_command) != 0)
    g_printerr ("could not remove %s\n", dir);
  return 0;
}
