/* tftsr-triage-whys.c: the 5-Whys state machine and the whys it records
 *
 * The chain only moves forward, one why at a time: a model that marks a why it was not
 * asked yet would leave the whys in between without answers, and one that marks an earlier
 * why is correcting it, not starting over. The whys are rows of resolution_steps
 * (step_order 1..5); the level and the root cause live with the conversation.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>

#include "tftsr-triage-private.h"

static TftsrTriageEffect
effect_of (const TftsrTriageMarker *marker, guint asking)
{
  if (marker->kind == TFTSR_TRIAGE_MARKER_ROOT_CAUSE)
    {
      if (asking == TFTSR_TRIAGE_LEVEL_ROOT_CAUSE)
        return TFTSR_TRIAGE_EFFECT_REVISES;
      /* Asking why 2 or later: at least one why is answered. */
      return asking >= 2 ? TFTSR_TRIAGE_EFFECT_ANSWERS : TFTSR_TRIAGE_EFFECT_IGNORED;
    }
  if (marker->why < asking)
    return TFTSR_TRIAGE_EFFECT_REVISES;
  return marker->why == asking ? TFTSR_TRIAGE_EFFECT_ANSWERS : TFTSR_TRIAGE_EFFECT_IGNORED;
}

guint
tftsr_triage_advance (guint level, GPtrArray *markers)
{
  guint asking;

  g_return_val_if_fail (level <= TFTSR_TRIAGE_LEVEL_ROOT_CAUSE, level);
  g_return_val_if_fail (markers != NULL, level);

  asking = MAX (level, 1);
  for (guint i = 0; i < markers->len; i++)
    {
      TftsrTriageMarker *marker = markers->pdata[i];

      marker->effect = effect_of (marker, asking);
      if (marker->effect != TFTSR_TRIAGE_EFFECT_ANSWERS)
        continue;
      /* Why 5 answered is the root cause found: 5 + 1 is level 6. */
      asking =
          marker->kind == TFTSR_TRIAGE_MARKER_WHY ? marker->why + 1 : TFTSR_TRIAGE_LEVEL_ROOT_CAUSE;
    }
  return asking;
}

char *
tftsr_triage_why_question (guint n, const char *title, const char *previous_answer)
{
  const char *subject = n > 1 && previous_answer != NULL && *previous_answer != '\0'
                            ? previous_answer
                            : (title != NULL ? title : "");
  g_autofree char *bare = g_strstrip (g_strdup (subject));
  gsize len = strlen (bare);

  /* "Why did “the pool ran dry.” happen?" reads badly. */
  if (len > 0 && bare[len - 1] == '.')
    bare[len - 1] = '\0';
  /* Translators: the 5-Whys question; %s is the symptom or the previous answer */
  return g_strdup_printf (_ ("Why did “%s” happen?"), bare);
}

void
tftsr_triage_why_free (TftsrTriageWhy *why)
{
  if (why == NULL)
    return;
  g_free (why->question);
  g_free (why->answer);
  g_free (why->evidence);
  g_free (why->updated_at);
  g_free (why);
}

GPtrArray *
tftsr_triage_load_whys (sqlite3 *db, gint64 issue_id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GPtrArray) whys =
      g_ptr_array_new_with_free_func ((GDestroyNotify) tftsr_triage_why_free);
  int rc;

  stmt = tftsr_db_prepare (db,
                           "SELECT step_order, why_question, answer, evidence, updated_at "
                           "FROM resolution_steps WHERE issue_id = ?1 "
                           "AND step_order BETWEEN 1 AND 5 ORDER BY step_order",
                           error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, issue_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      TftsrTriageWhy *why = g_new0 (TftsrTriageWhy, 1);

      why->n = (guint) sqlite3_column_int (stmt, 0);
      why->question = g_strdup (tftsr_db_text (stmt, 1));
      why->answer = g_strdup (tftsr_db_text (stmt, 2));
      why->evidence = g_strdup (tftsr_db_text (stmt, 3));
      why->updated_at = g_strdup (tftsr_db_text (stmt, 4));
      g_ptr_array_add (whys, why);
    }
  if (rc != SQLITE_DONE)
    {
      tftsr_db_set_error (error, db, rc, _ ("Could not read the 5 Whys"));
      return NULL;
    }
  return g_steal_pointer (&whys);
}

/* --- the chain being changed, inside a transaction ----------------------------------------- */

typedef struct
{
  sqlite3 *db;
  TftsrTriageRow *row;
  char *title;
  TftsrTriageWhy *whys[TFTSR_TRIAGE_N_WHYS + 1]; /* by n; NULL while not stored */
  GPtrArray *loaded;
} Chain;

static void
chain_clear (Chain *chain)
{
  g_free (chain->title);
  g_clear_pointer (&chain->loaded, g_ptr_array_unref);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Chain, chain_clear)

static gboolean
chain_load (Chain *chain, sqlite3 *db, TftsrTriageRow *row, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  chain->db = db;
  chain->row = row;
  if ((stmt = tftsr_db_prepare (db, "SELECT title FROM issues WHERE id = ?1", error)) == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, row->issue_id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return tftsr_db_set_error (error, db, SQLITE_OK, _ ("Could not read the incident"));
  chain->title = g_strdup (tftsr_db_text (stmt, 0));
  if ((chain->loaded = tftsr_triage_load_whys (db, row->issue_id, error)) == NULL)
    return FALSE;
  for (guint i = 0; i < chain->loaded->len; i++)
    {
      TftsrTriageWhy *why = chain->loaded->pdata[i];
      chain->whys[why->n] = why;
    }
  return TRUE;
}

/* Replaces the string in @slot by a copy of @value. */
static void
set_text (char **slot, const char *value)
{
  char *copy;

  if (value == *slot)
    return;
  copy = g_strdup (value);
  g_free (*slot);
  *slot = copy;
}

static const char *
answer_of (const Chain *chain, guint n)
{
  return n >= 1 && chain->whys[n] != NULL ? chain->whys[n]->answer : "";
}

/* Writes why @n with each of @question, @answer, @evidence that is not NULL; a why that
 * has no question gets the standard one. Its first answer goes to the timeline. */
static gboolean
chain_set_why (Chain *chain, guint n, const char *question, const char *answer,
               const char *evidence, GError **error)
{
  TftsrTriageWhy *why = chain->whys[n];
  g_autofree char *standard = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  gboolean first_answer;

  if (why == NULL)
    {
      why = g_new0 (TftsrTriageWhy, 1);
      why->n = n;
      why->question = g_strdup ("");
      why->answer = g_strdup ("");
      why->evidence = g_strdup ("");
      g_ptr_array_add (chain->loaded, why);
      chain->whys[n] = why;
    }
  if (question == NULL && *why->question == '\0')
    question = standard = tftsr_triage_why_question (n, chain->title, answer_of (chain, n - 1));
  first_answer = *why->answer == '\0' && answer != NULL && *answer != '\0';
  set_text (&why->question, question != NULL ? question : why->question);
  set_text (&why->answer, answer != NULL ? answer : why->answer);
  set_text (&why->evidence, evidence != NULL ? evidence : why->evidence);

  stmt = tftsr_db_prepare (chain->db,
                           "INSERT INTO resolution_steps (issue_id, step_order, why_question, "
                           " answer, evidence, created_at, updated_at) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, " TFTSR_SQL_NOW ", " TFTSR_SQL_NOW ") "
                           "ON CONFLICT (issue_id, step_order) DO UPDATE SET "
                           " why_question = excluded.why_question, answer = excluded.answer, "
                           " evidence = excluded.evidence, updated_at = excluded.updated_at",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, chain->row->issue_id);
  sqlite3_bind_int (stmt, 2, (int) n);
  tftsr_db_bind_text (stmt, 3, why->question);
  tftsr_db_bind_text (stmt, 4, why->answer);
  tftsr_db_bind_text (stmt, 5, why->evidence);
  if (!tftsr_db_step_done (stmt, _ ("Could not save the why"), error))
    return FALSE;
  if (first_answer)
    {
      g_autofree char *number = g_strdup_printf ("%u", n);
      return tftsr_store_add_timeline (chain->db, chain->row->issue_id, TFTSR_TIMELINE_WHY_ANSWERED,
                                       NULL, number, why->answer, error);
    }
  return TRUE;
}

static gboolean
audit_issue (sqlite3 *db, const char *action, gint64 issue_id, const char *detail, GError **error)
{
  g_autofree char *target = g_strdup_printf ("issue:%" G_GINT64_FORMAT, issue_id);
  return tftsr_audit_append_in_transaction (db, action, target, detail, error);
}

/* Saves the level and, if it changed, the root cause; the first identification goes to
 * the timeline, every statement to the audit log. */
static gboolean
chain_set_level (Chain *chain, guint level, const char *root_cause, GError **error)
{
  TftsrTriageRow *row = chain->row;
  gboolean identified = level == TFTSR_TRIAGE_LEVEL_ROOT_CAUSE && row->level < level;
  gboolean restated = root_cause != NULL && g_strcmp0 (root_cause, row->root_cause) != 0;
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_assert (level >= row->level);
  g_assert (!identified || root_cause != NULL);
  if (restated)
    set_text (&row->root_cause, root_cause);
  row->level = level;
  stmt = tftsr_db_prepare (chain->db,
                           "UPDATE ai_conversations SET why_level = ?2, root_cause = ?3, "
                           " updated_at = " TFTSR_SQL_NOW " WHERE id = ?1",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, row->id);
  sqlite3_bind_int (stmt, 2, (int) level);
  tftsr_db_bind_text (stmt, 3, row->root_cause);
  if (!tftsr_db_step_done (stmt, _ ("Could not save the 5 Whys"), error))
    return FALSE;
  if (identified && !tftsr_store_add_timeline (chain->db, row->issue_id, TFTSR_TIMELINE_ROOT_CAUSE,
                                               NULL, NULL, row->root_cause, error))
    return FALSE;
  return !restated || audit_issue (chain->db, "triage.root-cause", row->issue_id, NULL, error);
}

gboolean
tftsr_triage_record (sqlite3 *db, TftsrTriageRow *row, GPtrArray *markers, guint level,
                     char **identified, GError **error)
{
  g_auto (Chain) chain = { 0 };
  const char *statement = NULL;
  const char *why5 = NULL;
  gboolean was_identified = row->level == TFTSR_TRIAGE_LEVEL_ROOT_CAUSE;

  if (!chain_load (&chain, db, row, error))
    return FALSE;
  for (guint i = 0; i < markers->len; i++)
    {
      TftsrTriageMarker *m = markers->pdata[i];

      if (m->effect == TFTSR_TRIAGE_EFFECT_IGNORED)
        continue;
      if (m->kind == TFTSR_TRIAGE_MARKER_ROOT_CAUSE)
        statement = m->text;
      else if (!chain_set_why (&chain, m->why, NULL, m->text, m->evidence, error))
        return FALSE;
      else if (m->why == TFTSR_TRIAGE_N_WHYS && m->effect == TFTSR_TRIAGE_EFFECT_ANSWERS)
        why5 = m->text;
    }
  /* Answering why 5 names the root cause, unless a statement came with it. */
  if (statement == NULL && !was_identified && level == TFTSR_TRIAGE_LEVEL_ROOT_CAUSE)
    statement = why5;
  if (!chain_set_level (&chain, level, statement, error))
    return FALSE;
  if (identified != NULL)
    *identified = !was_identified && level == TFTSR_TRIAGE_LEVEL_ROOT_CAUSE
                      ? g_strdup (row->root_cause)
                      : NULL;
  return TRUE;
}

gboolean
tftsr_triage_ask (sqlite3 *db, TftsrTriageRow *row, guint n, const char *question, GError **error)
{
  g_auto (Chain) chain = { 0 };

  return chain_load (&chain, db, row, error) &&
         chain_set_why (&chain, n, question, NULL, NULL, error) &&
         chain_set_level (&chain, MAX (row->level, 1), NULL, error);
}

/* --- the engineer's own edits --------------------------------------------------------------- */

/* Runs @edit on the incident's chain in one transaction, starting the conversation if
 * needed. */
typedef gboolean (*ChainEdit) (sqlite3 *db, TftsrTriageRow *row, gpointer data, GError **error);

static gboolean
edit_chain (TftsrStore *store, gint64 issue_id, ChainEdit edit, gpointer data, GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;
  g_auto (TftsrTriageRow) row = { 0 };

  if ((conn = tftsr_conn_acquire (store, error)) == NULL || !tftsr_db_begin (conn->db, error))
    return FALSE;
  if (!tftsr_triage_load_row (conn->db, issue_id, TRUE, &row, error) ||
      !edit (conn->db, &row, data, error) || !tftsr_db_commit (conn->db, error))
    {
      tftsr_db_rollback (conn->db);
      return FALSE;
    }
  return TRUE;
}

typedef struct
{
  guint n;
  const char *question;
  const char *answer;
  const char *evidence;
} WhyEdit;

static gboolean
set_why (sqlite3 *db, TftsrTriageRow *row, gpointer data, GError **error)
{
  WhyEdit *edit = data;
  g_auto (Chain) chain = { 0 };
  g_autoptr (GPtrArray) markers = NULL;
  g_autofree char *detail = g_strdup_printf ("{\"why\":%u}", edit->n);
  g_autofree char *answer = NULL;
  guint asking = MAX (row->level, 1);

  if (edit->n > asking)
    {
      g_set_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_INVALID,
                   _ ("Why %u comes after why %u: answer why %u first"), edit->n, asking, asking);
      return FALSE;
    }
  if (!chain_load (&chain, db, row, error))
    return FALSE;
  answer = g_strdup (edit->answer != NULL ? edit->answer : answer_of (&chain, edit->n));
  if (*answer == '\0' && *answer_of (&chain, edit->n) != '\0')
    {
      g_set_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_INVALID,
                   _ ("Why %u is answered: its answer can be changed but not emptied"), edit->n);
      return FALSE;
    }
  if (!chain_set_why (&chain, edit->n, edit->question, NULL, edit->evidence, error) ||
      !audit_issue (db, "triage.why", row->issue_id, detail, error))
    return FALSE;
  if (*answer == '\0')
    return chain_set_level (&chain, asking, NULL, error);
  /* An answer moves the chain exactly as a model's marker would. */
  markers = g_ptr_array_new_with_free_func ((GDestroyNotify) tftsr_triage_marker_free);
  g_ptr_array_add (
      markers, tftsr_triage_marker_new (TFTSR_TRIAGE_MARKER_WHY, edit->n, answer, edit->evidence));
  return tftsr_triage_record (db, row, markers, tftsr_triage_advance (row->level, markers), NULL,
                              error);
}

gboolean
tftsr_store_set_why (TftsrStore *store, gint64 issue_id, guint n, const char *question,
                     const char *answer, const char *evidence, GError **error)
{
  WhyEdit edit = { n, question, answer, evidence };

  g_return_val_if_fail (TFTSR_IS_STORE (store), FALSE);
  g_return_val_if_fail (n >= 1 && n <= TFTSR_TRIAGE_N_WHYS, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return edit_chain (store, issue_id, set_why, &edit, error);
}

static gboolean
set_root_cause (sqlite3 *db, TftsrTriageRow *row, gpointer statement, GError **error)
{
  g_autoptr (GPtrArray) markers =
      g_ptr_array_new_with_free_func ((GDestroyNotify) tftsr_triage_marker_free);
  guint level;

  g_ptr_array_add (markers,
                   tftsr_triage_marker_new (TFTSR_TRIAGE_MARKER_ROOT_CAUSE, 0, statement, NULL));
  level = tftsr_triage_advance (row->level, markers);
  if (((TftsrTriageMarker *) markers->pdata[0])->effect == TFTSR_TRIAGE_EFFECT_IGNORED)
    {
      g_set_error_literal (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_INVALID,
                           _ ("Answer at least one why before naming the root cause"));
      return FALSE;
    }
  return tftsr_triage_record (db, row, markers, level, NULL, error);
}

gboolean
tftsr_store_set_root_cause (TftsrStore *store, gint64 issue_id, const char *statement,
                            GError **error)
{
  g_autofree char *trimmed = NULL;

  g_return_val_if_fail (TFTSR_IS_STORE (store), FALSE);
  g_return_val_if_fail (statement != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  trimmed = g_strstrip (g_strdup (statement));
  if (*trimmed == '\0')
    {
      g_set_error_literal (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_INVALID,
                           _ ("The root cause needs a statement"));
      return FALSE;
    }
  return edit_chain (store, issue_id, set_root_cause, trimmed, error);
}
