/* loghub-eval.c: the template miner's accuracy on the Loghub 2k samples, one configuration
 *
 *   loghub-eval [--detect] [--show DATASET] [LOGHUB_DIR]
 *
 * Each dataset's header is split with its log_format from drain_benchmark_settings.json
 * (--detect: the miner's own header detection instead), the lines are mined with the
 * defaults, and where the corrected labels are (<D>_2k.log_structured_corrected.csv,
 * Khan et al. ICSE 2022 as shipped by logparser) the result is scored:
 *   GA   grouping accuracy: a line is right when the lines of its mined template are exactly
 *        the lines of its true template;
 *   PA   parsing accuracy: a line is right when its mined template's text equals its true
 *        template (every <…> placeholder read as <*>, blanks collapsed);
 *   FGA  template-level F1 on groups: a mined template is right when its lines are exactly
 *        one true template's; precision over mined templates, recall over true ones.
 * --show prints the true templates a dataset gets wrong, with what was mined for them.
 *
 * Data: Loghub (Zhu et al., ISSRE 2023), corrected labels (Jiang et al., ISSTA 2024).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "tftsr.h"

typedef struct
{
  double ga, pa, precision, recall, f1;
  guint n_templates, n_truth;
  double lines_per_s;
} Score;

/* RFC 4180 records: fields may be quoted, with "" for a quote and line breaks inside. */
static GPtrArray *
csv_next_record (const char **cursor, const char *end)
{
  GPtrArray *fields;
  const char *p = *cursor;

  if (p >= end)
    return NULL;
  fields = g_ptr_array_new_with_free_func (g_free);
  for (;;)
    {
      GString *field = g_string_new (NULL);

      if (p < end && *p == '"')
        {
          for (p++; p < end; p++)
            {
              if (*p == '"' && p + 1 < end && p[1] == '"')
                g_string_append_c (field, '"'), p++;
              else if (*p == '"')
                {
                  p++;
                  break;
                }
              else
                g_string_append_c (field, *p);
            }
        }
      while (p < end && *p != ',' && *p != '\n' && *p != '\r')
        g_string_append_c (field, *p++);
      g_ptr_array_add (fields, g_string_free (field, FALSE));
      if (p < end && *p == ',')
        {
          p++;
          continue;
        }
      while (p < end && (*p == '\r' || *p == '\n'))
        p++;
      break;
    }
  *cursor = p;
  return fields;
}

/* The true template of every line, or NULL when the dataset has no labels. */
static GPtrArray *
read_truth (const char *path)
{
  g_autofree char *text = NULL;
  gsize len;
  const char *cursor, *end;
  g_autoptr (GPtrArray) header = NULL;
  GPtrArray *truth;
  guint column = G_MAXUINT;

  if (!g_file_get_contents (path, &text, &len, NULL))
    return NULL;
  cursor = text;
  end = text + len;
  header = csv_next_record (&cursor, end);
  for (guint i = 0; header != NULL && i < header->len; i++)
    if (g_strcmp0 (header->pdata[i], "EventTemplate") == 0)
      column = i;
  if (column == G_MAXUINT)
    return NULL;
  truth = g_ptr_array_new_with_free_func (g_free);
  for (GPtrArray *record; (record = csv_next_record (&cursor, end)) != NULL;)
    {
      if (record->len > column)
        g_ptr_array_add (truth, g_strdup (record->pdata[column]));
      g_ptr_array_unref (record);
    }
  return truth;
}

/* Placeholders as <*>, blanks collapsed, no leading or trailing blank. */
static char *
normalise (const char *template_text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = template_text; *p != '\0';)
    {
      if (*p == '<')
        {
          const char *close = p + 1 + strcspn (p + 1, "<> ");

          if (*close == '>')
            {
              g_string_append (out, "<*>");
              p = close + 1;
              continue;
            }
        }
      if (g_ascii_isspace (*p))
        {
          while (g_ascii_isspace (*p))
            p++;
          if (out->len > 0 && *p != '\0')
            g_string_append_c (out, ' ');
          continue;
        }
      g_string_append_c (out, *p++);
    }
  return g_string_free (out, FALSE);
}

static void
show_errors (TftsrLogMiner *miner, GPtrArray *truth, const guint32 *ids, guint n,
             GHashTable *group_size, GHashTable *cluster_size, GHashTable *pair)
{
  g_autoptr (GHashTable) shown = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < n; i++)
    {
      const char *truth_text = truth->pdata[i];
      const TftsrLogTemplate *t = tftsr_log_miner_get_template (miner, ids[i]);
      g_autofree char *key = g_strdup_printf ("%u\x1f%s", ids[i], truth_text);
      guint together = GPOINTER_TO_UINT (g_hash_table_lookup (pair, key));
      guint in_group = GPOINTER_TO_UINT (g_hash_table_lookup (group_size, truth_text));
      guint in_cluster =
          GPOINTER_TO_UINT (g_hash_table_lookup (cluster_size, GUINT_TO_POINTER (ids[i])));
      g_autofree char *a = normalise (truth_text);
      g_autofree char *b = normalise (t != NULL ? t->text : "");

      if ((together == in_group && together == in_cluster && g_str_equal (a, b)) ||
          g_hash_table_contains (shown, key))
        continue;
      g_hash_table_add (shown, g_steal_pointer (&key));
      printf ("  truth (%u lines): %s\n  mined #%u (%u lines, %u of them): %s\n\n", in_group, a,
              ids[i], in_cluster, together, b);
    }
}

static void
score (TftsrLogMiner *miner, GPtrArray *truth, const guint32 *ids, guint n, gboolean show, Score *s)
{
  g_autoptr (GHashTable) group_size = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GHashTable) cluster_size = g_hash_table_new (NULL, NULL);
  g_autoptr (GHashTable) pair = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GHashTable) right_clusters = g_hash_table_new (NULL, NULL);
  guint ga = 0, pa = 0;

  for (guint i = 0; i < n; i++)
    {
      char *key = g_strdup_printf ("%u\x1f%s", ids[i], (char *) truth->pdata[i]);

      g_hash_table_insert (
          group_size, truth->pdata[i],
          GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (group_size, truth->pdata[i])) +
                            1));
      g_hash_table_insert (cluster_size, GUINT_TO_POINTER (ids[i]),
                           GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (
                                                 cluster_size, GUINT_TO_POINTER (ids[i]))) +
                                             1));
      g_hash_table_insert (
          pair, key, GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (pair, key)) + 1));
    }
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *key = g_strdup_printf ("%u\x1f%s", ids[i], (char *) truth->pdata[i]);
      guint together = GPOINTER_TO_UINT (g_hash_table_lookup (pair, key));
      const TftsrLogTemplate *t = tftsr_log_miner_get_template (miner, ids[i]);
      g_autofree char *a = normalise (truth->pdata[i]);
      g_autofree char *b = normalise (t != NULL ? t->text : "");

      if (together == GPOINTER_TO_UINT (g_hash_table_lookup (group_size, truth->pdata[i])) &&
          together ==
              GPOINTER_TO_UINT (g_hash_table_lookup (cluster_size, GUINT_TO_POINTER (ids[i]))))
        {
          ga++;
          g_hash_table_add (right_clusters, GUINT_TO_POINTER (ids[i]));
        }
      pa += g_str_equal (a, b);
    }
  s->ga = (double) ga / n;
  s->pa = (double) pa / n;
  s->n_templates = g_hash_table_size (cluster_size);
  s->n_truth = g_hash_table_size (group_size);
  s->precision = (double) g_hash_table_size (right_clusters) / s->n_templates;
  s->recall = (double) g_hash_table_size (right_clusters) / s->n_truth;
  s->f1 =
      s->precision + s->recall > 0 ? 2 * s->precision * s->recall / (s->precision + s->recall) : 0;
  if (show)
    show_errors (miner, truth, ids, n, group_size, cluster_size, pair);
}

static gboolean
evaluate (const char *dir, const char *name, const char *log_format, gboolean detect, gboolean show,
          Score *s, gboolean *labelled)
{
  g_autofree char *log_path = g_strdup_printf ("%s/%s/%s_2k.log", dir, name, name);
  g_autofree char *truth_path =
      g_strdup_printf ("%s/%s/%s_2k.log_structured_corrected.csv", dir, name, name);
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrLogMiner) miner = tftsr_log_miner_new (0);
  g_autoptr (TftsrLogFormat) format = NULL;
  g_autoptr (GPtrArray) truth = NULL;
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (guint32));
  gsize len;
  gint64 start, elapsed;
  guint64 offset = 0;

  if (!g_file_get_contents (log_path, &text, &len, &error))
    {
      g_printerr ("%s: %s\n", name, error->message);
      return FALSE;
    }
  if (!detect)
    {
      format = tftsr_log_format_new (log_format, &error);
      if (format == NULL)
        {
          g_printerr ("%s: %s\n", name, error->message);
          return FALSE;
        }
      tftsr_log_miner_set_format (miner, format);
    }

  start = g_get_monotonic_time ();
  for (gsize i = 0; i < len;)
    {
      const char *nl = memchr (text + i, '\n', len - i);
      gsize end = nl != NULL ? (gsize) (nl - text) : len, n = end - i;
      guint32 id;

      if (n > 0 && text[end - 1] == '\r')
        n--;
      id = tftsr_log_miner_add (miner, text + i, n, offset, NULL, 0, NULL);
      g_array_append_val (ids, id);
      offset += end + 1 - i;
      i = end + 1;
    }
  elapsed = MAX (g_get_monotonic_time () - start, 1);
  s->lines_per_s = ids->len * 1e6 / elapsed;
  {
    g_autoptr (GPtrArray) templates = tftsr_log_miner_dup_templates (miner);

    s->n_templates = templates->len;
  }

  truth = read_truth (truth_path);
  *labelled = truth != NULL;
  if (truth == NULL)
    return TRUE;
  if (truth->len != ids->len)
    {
      g_printerr ("%s: %u labels for %u lines\n", name, truth->len, ids->len);
      return FALSE;
    }
  score (miner, truth, (const guint32 *) (gpointer) ids->data, ids->len, show, s);
  return TRUE;
}

static int
by_name (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

int
main (int argc, char **argv)
{
  gboolean detect = FALSE;
  const char *show = NULL;
  g_autofree char *dir =
      g_build_filename (TFTSR_SOURCE_DIR, "..", "shared", "data", "loghub", NULL);
  g_autofree char *settings_path = NULL;
  json_object *settings, *datasets;
  g_autoptr (GPtrArray) names = g_ptr_array_new ();
  g_autoptr (GPtrArray) raw = g_ptr_array_new_with_free_func (g_free);
  Score mean = { 0 };
  guint n_labelled = 0;
  int status = 0;

  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--detect"))
        detect = TRUE;
      else if (g_str_equal (argv[i], "--show") && i + 1 < argc)
        show = argv[++i];
      else
        {
          g_free (dir);
          dir = g_strdup (argv[i]);
        }
    }
  settings_path = g_build_filename (dir, "drain_benchmark_settings.json", NULL);
  settings = json_object_from_file (settings_path);
  if (settings == NULL || !json_object_object_get_ex (settings, "datasets", &datasets))
    {
      g_printerr ("No Loghub settings at %s\n", settings_path);
      json_object_put (settings);
      return 1;
    }
  json_object_object_foreach (datasets, key, value)
  {
    (void) value;
    g_ptr_array_add (names, key);
  }
  g_ptr_array_sort (names, by_name);

  printf ("Loghub 2k (Zhu et al., ISSRE 2023; corrected labels, Jiang et al., ISSTA 2024)\n"
          "headers: %s; one configuration for all datasets\n"
          "GA: grouping accuracy; PA: parsing accuracy (placeholders as <*>, blanks collapsed);\n"
          "FGA P/R/F1: mined templates whose lines are exactly one true template's\n\n",
          detect ? "detected by the miner" : "each dataset's log_format");
  printf ("%-12s %6s %6s %6s %6s %6s %6s %6s %10s\n", "dataset", "GA", "PA", "P", "R", "F1",
          "mined", "truth", "lines/s");
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = names->pdata[i];
      json_object *entry = json_object_object_get (datasets, name), *format_value;
      Score s = { 0 };
      gboolean labelled = FALSE;

      if (!json_object_object_get_ex (entry, "log_format", &format_value))
        continue;
      if (!evaluate (dir, name, json_object_get_string (format_value), detect,
                     g_strcmp0 (show, name) == 0, &s, &labelled))
        {
          status = 1;
          continue;
        }
      if (!labelled)
        {
          g_ptr_array_add (raw, g_strdup_printf ("%-12s %6u templates %10.0f lines/s", name,
                                                 s.n_templates, s.lines_per_s));
          continue;
        }
      printf ("%-12s %6.3f %6.3f %6.3f %6.3f %6.3f %6u %6u %10.0f\n", name, s.ga, s.pa, s.precision,
              s.recall, s.f1, s.n_templates, s.n_truth, s.lines_per_s);
      mean.ga += s.ga;
      mean.pa += s.pa;
      mean.precision += s.precision;
      mean.recall += s.recall;
      mean.f1 += s.f1;
      n_labelled++;
    }
  if (n_labelled > 0)
    printf ("%-12s %6.3f %6.3f %6.3f %6.3f %6.3f\n", "mean", mean.ga / n_labelled,
            mean.pa / n_labelled, mean.precision / n_labelled, mean.recall / n_labelled,
            mean.f1 / n_labelled);
  if (raw->len > 0)
    printf ("\nwithout labels:\n");
  for (guint i = 0; i < raw->len; i++)
    printf ("%s\n", (char *) raw->pdata[i]);
  json_object_put (settings);
  return status;
}
