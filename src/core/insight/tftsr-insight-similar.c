/* tftsr-insight-similar.c: past incidents whose logs said the same things
 *
 * Every mined template has a fingerprint (a hash of its text), indexed across incidents.
 * An incident shares a fingerprint with another when both have a mined log with that
 * template. What a shared template is worth is its rarity across incidents (IDF:
 * ln((N + 1) / n) for a template in n of the N incidents with mined logs), times its
 * level: an error shared by two incidents says much more than a start-up banner every
 * incident has. A template in more than half of the incidents (and more than two) counts
 * nothing. The score of an incident is the sum over what it shares.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>
#include <math.h>

#include "tftsr-insight-private.h"

#define SHARED_LISTED 10

typedef struct
{
  char *text;          /* as in the incident asked about */
  TftsrLogLevel level; /* the most severe either incident saw */
  GHashTable *issues;  /* issue ids that have it, the one asked about included */
  double weight;
} Shared;

static void
shared_free (Shared *s)
{
  g_free (s->text);
  g_hash_table_unref (s->issues);
  g_free (s);
}

void
tftsr_similar_issue_free (TftsrSimilarIssue *self)
{
  if (self == NULL)
    return;
  g_free (self->title);
  g_free (self->status);
  g_free (self->created_at);
  g_clear_pointer (&self->shared, g_ptr_array_unref);
  g_free (self);
}

static double
level_weight (TftsrLogLevel level)
{
  return level >= TFTSR_LOG_LEVEL_ERROR ? 4 : level == TFTSR_LOG_LEVEL_WARNING ? 2 : 1;
}

static gint64 *
id_key (gint64 id)
{
  return g_memdup2 (&id, sizeof id);
}

/* Every fingerprint of @issue_id's mined logs, with the live incidents that have it. */
static GHashTable *
shared_fingerprints (sqlite3 *db, gint64 issue_id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GHashTable) shared =
      g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, (GDestroyNotify) shared_free);
  int rc;

  if ((stmt =
           tftsr_db_prepare (db,
                             "WITH mine AS (SELECT DISTINCT t.fingerprint FROM log_templates t "
                             " JOIN log_files l ON l.id = t.log_id WHERE l.issue_id = ?1) "
                             "SELECT t.fingerprint, l.issue_id, t.level, "
                             " CASE WHEN l.issue_id = ?1 THEN t.text END "
                             "FROM mine JOIN log_templates t ON t.fingerprint = mine.fingerprint "
                             "JOIN log_files l ON l.id = t.log_id "
                             "JOIN issues i ON i.id = l.issue_id AND i.deleted_at IS NULL",
                             error)) == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, issue_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 fingerprint = sqlite3_column_int64 (stmt, 0);
      gint64 issue = sqlite3_column_int64 (stmt, 1);
      TftsrLogLevel level = tftsr_log_level_from_string (tftsr_db_text (stmt, 2));
      Shared *s = g_hash_table_lookup (shared, &fingerprint);

      if (s == NULL)
        {
          s = g_new0 (Shared, 1);
          s->issues = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
          g_hash_table_insert (shared, id_key (fingerprint), s);
        }
      s->level = MAX (s->level, level);
      g_hash_table_add (s->issues, id_key (issue));
      if (s->text == NULL && sqlite3_column_type (stmt, 3) != SQLITE_NULL)
        s->text = g_strdup (tftsr_db_text (stmt, 3));
    }
  if (rc != SQLITE_DONE)
    {
      tftsr_db_set_error (error, db, rc, _ ("Could not compare the incidents' logs"));
      return NULL;
    }
  return g_steal_pointer (&shared);
}

static gint64
mined_incidents (sqlite3 *db, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  if ((stmt = tftsr_db_prepare (db,
                                "SELECT count (DISTINCT l.issue_id) FROM log_insights n "
                                "JOIN log_files l ON l.id = n.log_id "
                                "JOIN issues i ON i.id = l.issue_id AND i.deleted_at IS NULL",
                                error)) == NULL)
    return -1;
  if ((rc = sqlite3_step (stmt)) != SQLITE_ROW)
    {
      tftsr_db_set_error (error, db, rc, _ ("Could not compare the incidents' logs"));
      return -1;
    }
  return sqlite3_column_int64 (stmt, 0);
}

static int
by_weight (gconstpointer a, gconstpointer b)
{
  const Shared *x = *(Shared *const *) a, *y = *(Shared *const *) b;

  if (x->weight != y->weight)
    return x->weight > y->weight ? -1 : 1;
  return g_strcmp0 (x->text, y->text);
}

static int
by_score (gconstpointer a, gconstpointer b)
{
  const TftsrSimilarIssue *x = *(TftsrSimilarIssue *const *) a;
  const TftsrSimilarIssue *y = *(TftsrSimilarIssue *const *) b;

  if (x->score != y->score)
    return x->score > y->score ? -1 : 1;
  return x->issue_id > y->issue_id ? -1 : x->issue_id < y->issue_id;
}

/* Title, status and creation time of the incidents in @similar. */
static gboolean
describe (sqlite3 *db, GPtrArray *similar, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  if ((stmt = tftsr_db_prepare (db, "SELECT title, status, created_at FROM issues WHERE id = ?1",
                                error)) == NULL)
    return FALSE;
  for (guint i = 0; i < similar->len; i++)
    {
      TftsrSimilarIssue *s = similar->pdata[i];

      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, s->issue_id);
      if (sqlite3_step (stmt) != SQLITE_ROW)
        return tftsr_db_set_error (error, db, SQLITE_ERROR,
                                   _ ("Could not compare the incidents' logs"));
      s->title = g_strdup (tftsr_db_text (stmt, 0));
      s->status = g_strdup (tftsr_db_text (stmt, 1));
      s->created_at = g_strdup (tftsr_db_text (stmt, 2));
    }
  return TRUE;
}

GPtrArray *
tftsr_store_similar_issues (TftsrStore *store, gint64 issue_id, guint limit, GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;
  g_autoptr (GHashTable) shared = NULL;
  g_autoptr (GHashTable) by_issue = NULL; /* issue id -> TftsrSimilarIssue */
  g_autoptr (GPtrArray) telling = g_ptr_array_new ();
  g_autoptr (GPtrArray) similar =
      g_ptr_array_new_with_free_func ((GDestroyNotify) tftsr_similar_issue_free);
  GHashTableIter iter;
  gpointer value;
  gint64 n;

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if ((conn = tftsr_conn_acquire (store, error)) == NULL ||
      (n = mined_incidents (conn->db, error)) < 0 ||
      (shared = shared_fingerprints (conn->db, issue_id, error)) == NULL)
    return NULL;
  g_hash_table_iter_init (&iter, shared);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Shared *s = value;
      guint df = g_hash_table_size (s->issues);

      if (df < 2 || s->text == NULL || (df > 2 && df * 2 > n))
        continue;
      s->weight = log ((double) (n + 1) / df) * level_weight (s->level);
      if (s->weight > 0)
        g_ptr_array_add (telling, s);
    }
  g_ptr_array_sort (telling, by_weight);
  by_issue = g_hash_table_new (g_int64_hash, g_int64_equal);
  for (guint i = 0; i < telling->len; i++)
    {
      Shared *s = telling->pdata[i];

      g_hash_table_iter_init (&iter, s->issues);
      while (g_hash_table_iter_next (&iter, &value, NULL))
        {
          gint64 other = *(gint64 *) value;
          TftsrSimilarIssue *similar_issue;

          if (other == issue_id)
            continue;
          similar_issue = g_hash_table_lookup (by_issue, &other);
          if (similar_issue == NULL)
            {
              similar_issue = g_new0 (TftsrSimilarIssue, 1);
              similar_issue->issue_id = other;
              similar_issue->shared = g_ptr_array_new_with_free_func (g_free);
              g_ptr_array_add (similar, similar_issue);
              g_hash_table_insert (by_issue, &similar_issue->issue_id, similar_issue);
            }
          similar_issue->score += s->weight;
          if (similar_issue->shared->len < SHARED_LISTED)
            g_ptr_array_add (similar_issue->shared, g_strdup (s->text));
        }
    }
  g_ptr_array_sort (similar, by_score);
  if (similar->len > limit)
    g_ptr_array_set_size (similar, limit);
  if (!describe (conn->db, similar, error))
    return NULL;
  return g_steal_pointer (&similar);
}
