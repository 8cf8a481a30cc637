/* tftsr-store-issues.c: the incidents repository (issues, issue_tags, issues_fts)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>

#include "tftsr-fts-query.h"
#include "tftsr-issue-private.h"
#include "tftsr-store-private.h"
#include "tftsr-vocab-private.h"

static const GEnumValue sort_values[] = {
  { TFTSR_ISSUE_SORT_UPDATED, "TFTSR_ISSUE_SORT_UPDATED", "updated" },
  { TFTSR_ISSUE_SORT_CREATED, "TFTSR_ISSUE_SORT_CREATED", "created" },
  { TFTSR_ISSUE_SORT_SEVERITY, "TFTSR_ISSUE_SORT_SEVERITY", "severity" },
  { TFTSR_ISSUE_SORT_TITLE, "TFTSR_ISSUE_SORT_TITLE", "title" },
  { TFTSR_ISSUE_SORT_RELEVANCE, "TFTSR_ISSUE_SORT_RELEVANCE", "relevance" },
  { 0, NULL, NULL },
};

GType
tftsr_issue_sort_get_type (void)
{
  static gsize type_once;
  return tftsr_vocab_register (&type_once, "TftsrIssueSort", sort_values);
}

const char *
tftsr_issue_sort_to_string (TftsrIssueSort sort)
{
  return tftsr_vocab_name (sort_values, sort);
}

gboolean
tftsr_issue_sort_from_string (const char *name, TftsrIssueSort *out)
{
  gint v;

  if (!tftsr_vocab_lookup (sort_values, name, &v))
    return FALSE;
  if (out != NULL)
    *out = (TftsrIssueSort) v;
  return TRUE;
}

G_DEFINE_BOXED_TYPE (TftsrIssueQuery, tftsr_issue_query, tftsr_issue_query_copy,
                     tftsr_issue_query_free)

TftsrIssueQuery *
tftsr_issue_query_new (void)
{
  TftsrIssueQuery *query = g_new0 (TftsrIssueQuery, 1);
  query->category = -1;
  return query;
}

TftsrIssueQuery *
tftsr_issue_query_copy (const TftsrIssueQuery *query)
{
  TftsrIssueQuery *copy = g_memdup2 (query, sizeof *query);
  copy->tag = g_strdup (query->tag);
  copy->text = g_strdup (query->text);
  return copy;
}

void
tftsr_issue_query_free (TftsrIssueQuery *query)
{
  if (query == NULL)
    return;
  g_free (query->tag);
  g_free (query->text);
  g_free (query);
}

/* --- reading rows ----------------------------------------------------------------- */

/* The columns every issue query selects, in this order; queries that need more add
 * them from COL_EXTRA on. */
#define SUMMARY_COLUMNS                                                                            \
  "i.id, i.title, i.severity, i.status, i.category, i.owner, i.source, i.created_at, "             \
  "i.updated_at, i.resolved_at, "                                                                  \
  "(SELECT group_concat(t.tag, char(31)) FROM issue_tags t WHERE t.issue_id = i.id)"
enum
{
  COL_ID,
  COL_TITLE,
  COL_SEVERITY,
  COL_STATUS,
  COL_CATEGORY,
  COL_OWNER,
  COL_SOURCE,
  COL_CREATED,
  COL_UPDATED,
  COL_RESOLVED,
  COL_TAGS,
  COL_EXTRA
};

static TftsrIssue *
issue_from_row (sqlite3_stmt *stmt)
{
  TftsrIssue *issue = tftsr_issue_new_stored (sqlite3_column_int64 (stmt, COL_ID));
  g_auto (GStrv) tags = g_strsplit (tftsr_db_text (stmt, COL_TAGS), "\x1f", -1);
  TftsrSeverity severity = TFTSR_SEVERITY_MEDIUM;
  TftsrStatus status = TFTSR_STATUS_OPEN;
  TftsrCategory category = TFTSR_CATEGORY_GENERAL;

  /* The schema's CHECK constraints keep these valid; defaults guard hand-edited files. */
  tftsr_severity_from_string (tftsr_db_text (stmt, COL_SEVERITY), &severity);
  tftsr_status_from_string (tftsr_db_text (stmt, COL_STATUS), &status);
  tftsr_category_from_string (tftsr_db_text (stmt, COL_CATEGORY), &category);

  g_object_freeze_notify (G_OBJECT (issue));
  tftsr_issue_set_title (issue, tftsr_db_text (stmt, COL_TITLE));
  tftsr_issue_set_severity (issue, severity);
  tftsr_issue_set_status (issue, status);
  tftsr_issue_set_category (issue, category);
  tftsr_issue_set_owner (issue, tftsr_db_text (stmt, COL_OWNER));
  tftsr_issue_set_source (issue, tftsr_db_text (stmt, COL_SOURCE));
  tftsr_issue_set_tags (issue, (const char *const *) tags);
  tftsr_issue_set_timestamps (issue, tftsr_db_text (stmt, COL_CREATED),
                              tftsr_db_text (stmt, COL_UPDATED),
                              (const char *) sqlite3_column_text (stmt, COL_RESOLVED));
  g_object_thaw_notify (G_OBJECT (issue));
  return issue;
}

static TftsrIssue *
load_issue (sqlite3 *db, gint64 id, gboolean include_deleted, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  TftsrIssue *issue;
  int rc;

  stmt = tftsr_db_prepare (db,
                           "SELECT " SUMMARY_COLUMNS ", i.description, i.deleted_at "
                           "FROM issues i WHERE i.id = ?1",
                           error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      tftsr_db_set_error (error, db, rc, _ ("Could not read the incident"));
      return NULL;
    }
  if (rc == SQLITE_DONE ||
      (!include_deleted && sqlite3_column_type (stmt, COL_EXTRA + 1) != SQLITE_NULL))
    {
      g_set_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_NOT_FOUND,
                   _ ("There is no incident %" G_GINT64_FORMAT), id);
      return NULL;
    }
  issue = issue_from_row (stmt);
  tftsr_issue_set_description (issue, tftsr_db_text (stmt, COL_EXTRA));
  return issue;
}

/* --- writing ------------------------------------------------------------------------ */

static gboolean
validate_issue (TftsrIssue *issue, GError **error)
{
  g_autofree char *title = g_strstrip (g_strdup (tftsr_issue_get_title (issue)));

  if (*title == '\0')
    {
      g_set_error_literal (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_INVALID,
                           _ ("An incident needs a title"));
      return FALSE;
    }
  return TRUE;
}

/* Replaces the incident's rows in issue_tags (filtering) and its tags_text (indexed). */
static gboolean
write_tags (sqlite3 *db, gint64 id, const char *const *tags, GError **error)
{
  g_autoptr (sqlite3_stmt) clear = NULL;
  g_autoptr (sqlite3_stmt) insert = NULL;
  g_autoptr (sqlite3_stmt) text = NULL;
  g_autofree char *joined = g_strjoinv (" ", (char **) tags);

  clear = tftsr_db_prepare (db, "DELETE FROM issue_tags WHERE issue_id = ?1", error);
  insert = clear != NULL ? tftsr_db_prepare (db,
                                             "INSERT INTO issue_tags (issue_id, tag) "
                                             "VALUES (?1, ?2)",
                                             error)
                         : NULL;
  if (insert == NULL)
    return FALSE;
  sqlite3_bind_int64 (clear, 1, id);
  if (!tftsr_db_step_done (clear, _ ("Could not save the tags"), error))
    return FALSE;
  for (guint i = 0; tags != NULL && tags[i] != NULL; i++)
    {
      sqlite3_reset (insert);
      sqlite3_bind_int64 (insert, 1, id);
      tftsr_db_bind_text (insert, 2, tags[i]);
      if (!tftsr_db_step_done (insert, _ ("Could not save the tags"), error))
        return FALSE;
    }
  if ((text = tftsr_db_prepare (db, "UPDATE issues SET tags_text = ?2 WHERE id = ?1", error)) ==
      NULL)
    return FALSE;
  sqlite3_bind_int64 (text, 1, id);
  tftsr_db_bind_text (text, 2, joined);
  return tftsr_db_step_done (text, _ ("Could not save the tags"), error);
}

static gboolean
audit_issue (sqlite3 *db, const char *action, gint64 id, GError **error)
{
  g_autofree char *target = g_strdup_printf ("issue:%" G_GINT64_FORMAT, id);
  return tftsr_audit_append_in_transaction (db, action, target, NULL, error);
}

/* Binds the editable fields as ?2…?8, the numbering shared by INSERT and UPDATE:
 * title, description, severity, status, category, owner, and whether it is resolved. */
static void
bind_fields (sqlite3_stmt *stmt, TftsrIssue *issue)
{
  TftsrStatus status = tftsr_issue_get_status (issue);

  tftsr_db_bind_text (stmt, 2, tftsr_issue_get_title (issue));
  tftsr_db_bind_text (stmt, 3, tftsr_issue_get_description (issue));
  tftsr_db_bind_text (stmt, 4, tftsr_severity_to_string (tftsr_issue_get_severity (issue)));
  tftsr_db_bind_text (stmt, 5, tftsr_status_to_string (status));
  tftsr_db_bind_text (stmt, 6, tftsr_category_to_string (tftsr_issue_get_category (issue)));
  tftsr_db_bind_text (stmt, 7, tftsr_issue_get_owner (issue));
  sqlite3_bind_int (stmt, 8, status == TFTSR_STATUS_RESOLVED || status == TFTSR_STATUS_CLOSED);
}

static gint64
insert_issue (sqlite3 *db, TftsrIssue *draft, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = tftsr_db_prepare (db,
                           "INSERT INTO issues (title, description, severity, status, category, "
                           " owner, resolved_at, source) "
                           "VALUES (?2, ?3, ?4, ?5, ?6, ?7, "
                           " CASE WHEN ?8 THEN " TFTSR_SQL_NOW " END, ?9)",
                           error);
  if (stmt == NULL)
    return 0;
  bind_fields (stmt, draft);
  tftsr_db_bind_text (stmt, 9, tftsr_issue_get_source (draft));
  if (!tftsr_db_step_done (stmt, _ ("Could not save the incident"), error))
    return 0;
  return sqlite3_last_insert_rowid (db);
}

TftsrIssue *
tftsr_store_create_issue (TftsrStore *self, TftsrIssue *draft, GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;
  gint64 id;

  g_return_val_if_fail (TFTSR_IS_STORE (self), NULL);
  g_return_val_if_fail (TFTSR_IS_ISSUE (draft), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!validate_issue (draft, error) || (conn = tftsr_conn_acquire (self, error)) == NULL ||
      !tftsr_db_begin (conn->db, error))
    return NULL;
  if ((id = insert_issue (conn->db, draft, error)) == 0 ||
      !write_tags (conn->db, id, tftsr_issue_get_tags (draft), error) ||
      !tftsr_store_add_timeline (conn->db, id, TFTSR_TIMELINE_CREATED, NULL, NULL, NULL, error) ||
      !audit_issue (conn->db, "issue.create", id, error) || !tftsr_db_commit (conn->db, error))
    {
      tftsr_db_rollback (conn->db);
      return NULL;
    }
  return load_issue (conn->db, id, FALSE, error);
}

TftsrIssue *
tftsr_store_get_issue (TftsrStore *self, gint64 id, GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;

  g_return_val_if_fail (TFTSR_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if ((conn = tftsr_conn_acquire (self, error)) == NULL)
    return NULL;
  return load_issue (conn->db, id, FALSE, error);
}

/* Records status, severity and category changes between @old and @new in the timeline. */
static gboolean
record_changes (sqlite3 *db, TftsrIssue *old, TftsrIssue *new, GError **error)
{
  TftsrStatus os = tftsr_issue_get_status (old), ns = tftsr_issue_get_status (new);
  TftsrSeverity ov = tftsr_issue_get_severity (old), nv = tftsr_issue_get_severity (new);
  TftsrCategory oc = tftsr_issue_get_category (old), nc = tftsr_issue_get_category (new);
  gint64 id = tftsr_issue_get_id (old);

  return (os == ns || tftsr_store_add_timeline (db, id, TFTSR_TIMELINE_STATUS_CHANGED,
                                                tftsr_status_to_string (os),
                                                tftsr_status_to_string (ns), NULL, error)) &&
         (ov == nv || tftsr_store_add_timeline (db, id, TFTSR_TIMELINE_SEVERITY_CHANGED,
                                                tftsr_severity_to_string (ov),
                                                tftsr_severity_to_string (nv), NULL, error)) &&
         (oc == nc || tftsr_store_add_timeline (db, id, TFTSR_TIMELINE_CATEGORY_CHANGED,
                                                tftsr_category_to_string (oc),
                                                tftsr_category_to_string (nc), NULL, error));
}

static gboolean
issue_changed (TftsrIssue *a, TftsrIssue *b)
{
  return g_strcmp0 (tftsr_issue_get_title (a), tftsr_issue_get_title (b)) != 0 ||
         g_strcmp0 (tftsr_issue_get_description (a), tftsr_issue_get_description (b)) != 0 ||
         g_strcmp0 (tftsr_issue_get_owner (a), tftsr_issue_get_owner (b)) != 0 ||
         tftsr_issue_get_severity (a) != tftsr_issue_get_severity (b) ||
         tftsr_issue_get_status (a) != tftsr_issue_get_status (b) ||
         tftsr_issue_get_category (a) != tftsr_issue_get_category (b) ||
         !g_strv_equal (tftsr_issue_get_tags (a), tftsr_issue_get_tags (b));
}

static gboolean
write_issue (sqlite3 *db, TftsrIssue *issue, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  /* resolved_at is set when an incident first becomes resolved or closed, and cleared
   * when it is reopened. */
  stmt = tftsr_db_prepare (db,
                           "UPDATE issues SET title = ?2, description = ?3, severity = ?4, "
                           " status = ?5, category = ?6, owner = ?7, "
                           " updated_at = " TFTSR_SQL_NOW ", "
                           " resolved_at = CASE WHEN ?8 THEN coalesce(resolved_at, " TFTSR_SQL_NOW
                           ") END "
                           "WHERE id = ?1",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, tftsr_issue_get_id (issue));
  bind_fields (stmt, issue);
  return tftsr_db_step_done (stmt, _ ("Could not save the incident"), error);
}

TftsrIssue *
tftsr_store_update_issue (TftsrStore *self, TftsrIssue *issue, GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;
  g_autoptr (TftsrIssue) old = NULL;
  gint64 id;

  g_return_val_if_fail (TFTSR_IS_STORE (self), NULL);
  g_return_val_if_fail (TFTSR_IS_ISSUE (issue), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  id = tftsr_issue_get_id (issue);
  if (!validate_issue (issue, error) || (conn = tftsr_conn_acquire (self, error)) == NULL ||
      !tftsr_db_begin (conn->db, error))
    return NULL;
  if ((old = load_issue (conn->db, id, FALSE, error)) == NULL)
    goto fail;
  if (!issue_changed (old, issue))
    {
      tftsr_db_rollback (conn->db);
      return g_steal_pointer (&old);
    }
  if (!write_issue (conn->db, issue, error) ||
      !write_tags (conn->db, id, tftsr_issue_get_tags (issue), error) ||
      !record_changes (conn->db, old, issue, error) || !tftsr_db_commit (conn->db, error))
    goto fail;
  return load_issue (conn->db, id, FALSE, error);

fail:
  tftsr_db_rollback (conn->db);
  return NULL;
}

/* Moves an incident into or out of the trash: @sql must update exactly the row with
 * id ?1 in the expected state, else the incident is reported missing. */
static gboolean
change_trash_state (TftsrStore *self, gint64 id, const char *sql, TftsrTimelineKind kind,
                    const char *action, GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;

  if ((conn = tftsr_conn_acquire (self, error)) == NULL || !tftsr_db_begin (conn->db, error))
    return FALSE;
  if ((stmt = tftsr_db_prepare (conn->db, sql, error)) == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, id);
  if (!tftsr_db_step_done (stmt, _ ("Could not change the incident"), error))
    goto fail;
  if (sqlite3_changes (conn->db) == 0)
    {
      if (kind == TFTSR_TIMELINE_RESTORED)
        g_set_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_NOT_FOUND,
                     _ ("There is no incident %" G_GINT64_FORMAT " in the trash"), id);
      else
        g_set_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_NOT_FOUND,
                     _ ("There is no incident %" G_GINT64_FORMAT), id);
      goto fail;
    }
  if ((kind != TFTSR_TIMELINE_NOTE &&
       !tftsr_store_add_timeline (conn->db, id, kind, NULL, NULL, NULL, error)) ||
      !audit_issue (conn->db, action, id, error) || !tftsr_db_commit (conn->db, error))
    goto fail;
  return TRUE;

fail:
  tftsr_db_rollback (conn->db);
  return FALSE;
}

gboolean
tftsr_store_delete_issue (TftsrStore *self, gint64 id, GError **error)
{
  g_return_val_if_fail (TFTSR_IS_STORE (self), FALSE);
  return change_trash_state (self, id,
                             "UPDATE issues SET deleted_at = " TFTSR_SQL_NOW
                             " WHERE id = ?1 AND deleted_at IS NULL",
                             TFTSR_TIMELINE_DELETED, "issue.delete", error);
}

gboolean
tftsr_store_restore_issue (TftsrStore *self, gint64 id, GError **error)
{
  g_return_val_if_fail (TFTSR_IS_STORE (self), FALSE);
  return change_trash_state (self, id,
                             "UPDATE issues SET deleted_at = NULL "
                             "WHERE id = ?1 AND deleted_at IS NOT NULL",
                             TFTSR_TIMELINE_RESTORED, "issue.restore", error);
}

gboolean
tftsr_store_purge_issue (TftsrStore *self, gint64 id, GError **error)
{
  g_return_val_if_fail (TFTSR_IS_STORE (self), FALSE);
  /* TFTSR_TIMELINE_NOTE: no timeline entry, the timeline goes with the incident. */
  return change_trash_state (self, id,
                             "DELETE FROM issues WHERE id = ?1 AND deleted_at IS NOT NULL",
                             TFTSR_TIMELINE_NOTE, "issue.purge", error);
}

gint
tftsr_store_purge_trash (TftsrStore *self, const char *before, GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;
  g_autoptr (sqlite3_stmt) select = NULL;
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_return_val_if_fail (TFTSR_IS_STORE (self), -1);
  g_return_val_if_fail (before != NULL, -1);

  if ((conn = tftsr_conn_acquire (self, error)) == NULL ||
      (select = tftsr_db_prepare (conn->db,
                                  "SELECT id FROM issues "
                                  "WHERE deleted_at IS NOT NULL AND deleted_at < ?1",
                                  error)) == NULL)
    return -1;
  tftsr_db_bind_text (select, 1, before);
  while (sqlite3_step (select) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (select, 0);
      g_array_append_val (ids, id);
    }
  g_clear_pointer (&select, sqlite3_finalize);
  g_clear_pointer (&conn, tftsr_conn_release);

  for (guint i = 0; i < ids->len; i++)
    if (!tftsr_store_purge_issue (self, g_array_index (ids, gint64, i), error))
      return -1;
  return (gint) ids->len;
}

/* --- listing and searching -------------------------------------------------------------- */

/* " AND column IN (?n, …)" with the machine names of the enum values set in @mask. */
static void
append_mask_filter (GString *sql, GPtrArray *binds, const char *column, guint mask, GType enum_type)
{
  g_autoptr (GEnumClass) klass = g_type_class_ref (enum_type);
  gboolean first = TRUE;

  if (mask == 0)
    return;
  g_string_append_printf (sql, " AND %s IN (", column);
  for (guint i = 0; i < klass->n_values; i++)
    if (mask & (1u << klass->values[i].value))
      {
        g_string_append_printf (sql, "%s?%u", first ? "" : ", ", binds->len + 1);
        g_ptr_array_add (binds, g_strdup (klass->values[i].value_nick));
        first = FALSE;
      }
  g_string_append (sql, first ? "NULL)" : ")");
}

/* Relevance without a search means the default order. */
static const char *
order_by (TftsrIssueSort sort)
{
  switch (sort)
    {
    case TFTSR_ISSUE_SORT_CREATED:
      return "i.created_at DESC, i.id DESC";
    case TFTSR_ISSUE_SORT_SEVERITY:
      return "i.severity_rank, i.updated_at DESC, i.id DESC";
    case TFTSR_ISSUE_SORT_TITLE:
      return "i.title COLLATE NOCASE, i.id";
    case TFTSR_ISSUE_SORT_RELEVANCE:
    case TFTSR_ISSUE_SORT_UPDATED:
    default:
      return "i.updated_at DESC, i.id DESC";
    }
}

/* Appends the WHERE conditions of @query on issues "i". */
static void
append_filters (GString *sql, const TftsrIssueQuery *query, GPtrArray *binds)
{
  g_string_append (sql,
                   query->deleted ? " AND i.deleted_at IS NOT NULL" : " AND i.deleted_at IS NULL");
  append_mask_filter (sql, binds, "i.status", query->status_mask, TFTSR_TYPE_STATUS);
  append_mask_filter (sql, binds, "i.severity", query->severity_mask, TFTSR_TYPE_SEVERITY);
  if (query->category >= 0 && query->category < TFTSR_N_CATEGORIES)
    {
      g_ptr_array_add (binds, g_strdup (tftsr_category_to_string (query->category)));
      g_string_append_printf (sql, " AND i.category = ?%u", binds->len);
    }
  if (query->tag != NULL && *query->tag != '\0')
    {
      g_auto (GStrv) tag = tftsr_tags_parse (query->tag);
      g_ptr_array_add (binds, g_strdup (tag[0] != NULL ? tag[0] : ""));
      g_string_append_printf (sql,
                              " AND EXISTS (SELECT 1 FROM issue_tags t "
                              "WHERE t.issue_id = i.id AND t.tag = ?%u)",
                              binds->len);
    }
}

/* Builds the SELECT for @query; @binds receives the text parameters in order, the
 * full-text expression (if any) first. Ranked searches score only the
 * TFTSR_SEARCH_WINDOW newest matches: bm25 costs time in proportion to the matches it
 * scores, and for a word in half of 100,000 incidents that is tens of milliseconds. */
static char *
build_list_sql (const TftsrIssueQuery *query, const char *match, GPtrArray *binds)
{
  GString *sql = g_string_new ("SELECT " SUMMARY_COLUMNS " FROM ");
  gboolean ranked = match != NULL && query->sort == TFTSR_ISSUE_SORT_RELEVANCE;

  if (match != NULL)
    g_ptr_array_add (binds, g_strdup (match));
  if (ranked)
    {
      /* Columns are read for the page only, after ranking the window. */
      g_string_append (sql, "(SELECT id, score FROM (SELECT f.rowid AS id, f.rank AS score "
                            "FROM issues_fts f JOIN issues i ON i.id = f.rowid "
                            "WHERE issues_fts MATCH ?1");
      append_filters (sql, query, binds);
      g_string_append_printf (sql,
                              " ORDER BY f.rowid DESC LIMIT %d) ORDER BY score, id DESC"
                              " LIMIT ?%u OFFSET ?%u) AS m JOIN issues i ON i.id = m.id"
                              " ORDER BY m.score, i.id DESC",
                              TFTSR_SEARCH_WINDOW, binds->len + 1, binds->len + 2);
      return g_string_free (sql, FALSE);
    }
  else
    {
      g_string_append (sql, match != NULL ? "issues_fts f JOIN issues i ON i.id = f.rowid "
                                            "WHERE issues_fts MATCH ?1"
                                          : "issues i WHERE 1");
      append_filters (sql, query, binds);
      g_string_append_printf (sql, " ORDER BY %s", order_by (query->sort));
    }
  g_string_append_printf (sql, " LIMIT ?%u OFFSET ?%u", binds->len + 1, binds->len + 2);
  return g_string_free (sql, FALSE);
}

/* Adds the best-matching passage of each incident on the page, in one query. The
 * rowid range bounds the full-text scan; "+rowid IN" keeps SQLite from turning the list
 * into one full-text query per incident (each one re-reading the whole doclist). */
static gboolean
add_snippets (sqlite3 *db, const char *match, GPtrArray *issues, GError **error)
{
  g_autoptr (GString) ids = g_string_new (NULL);
  g_autoptr (GHashTable) by_id = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autofree char *sql = NULL;
  gint64 lowest = G_MAXINT64, highest = 0;
  int rc;

  for (guint i = 0; i < issues->len; i++)
    {
      TftsrIssue *issue = g_ptr_array_index (issues, i);
      gint64 *id = g_new (gint64, 1);

      *id = tftsr_issue_get_id (issue);
      lowest = MIN (lowest, *id);
      highest = MAX (highest, *id);
      g_hash_table_insert (by_id, id, issue);
      g_string_append_printf (ids, "%s%" G_GINT64_FORMAT, i > 0 ? ", " : "", *id);
    }
  sql = g_strdup_printf (
      "SELECT rowid, snippet(issues_fts, -1, char(2), char(3), '…', 16) "
      "FROM issues_fts WHERE issues_fts MATCH ?1 AND rowid BETWEEN %" G_GINT64_FORMAT
      " AND %" G_GINT64_FORMAT " AND +rowid IN (%s)",
      lowest, highest, ids->str);
  if ((stmt = tftsr_db_prepare (db, sql, error)) == NULL)
    return FALSE;
  tftsr_db_bind_text (stmt, 1, match);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      TftsrIssue *issue = g_hash_table_lookup (by_id, &id);
      if (issue != NULL)
        tftsr_issue_set_marked_snippet (issue, tftsr_db_text (stmt, 1));
    }
  if (rc != SQLITE_DONE)
    return tftsr_db_set_error (error, db, rc, _ ("Could not search incidents"));
  return TRUE;
}

GPtrArray *
tftsr_store_list_issues (TftsrStore *self, const TftsrIssueQuery *query, gboolean *has_more,
                         GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GPtrArray) binds = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) issues = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *match = NULL;
  g_autofree char *sql = NULL;
  guint limit;
  int rc;

  g_return_val_if_fail (TFTSR_IS_STORE (self), NULL);
  g_return_val_if_fail (query != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  limit = query->limit > 0 ? query->limit : TFTSR_ISSUE_QUERY_DEFAULT_LIMIT;
  if (has_more != NULL)
    *has_more = FALSE;
  if (query->text != NULL && *query->text != '\0')
    {
      /* A query with nothing searchable in it ("--", "\"") matches nothing. */
      match = tftsr_fts_query_build (query->text);
      if (match == NULL)
        return g_steal_pointer (&issues);
    }

  sql = build_list_sql (query, match, binds);
  if ((conn = tftsr_conn_acquire (self, error)) == NULL ||
      (stmt = tftsr_db_prepare (conn->db, sql, error)) == NULL)
    return NULL;
  for (guint i = 0; i < binds->len; i++)
    tftsr_db_bind_text (stmt, i + 1, g_ptr_array_index (binds, i));
  /* One row more than asked tells whether another page follows. */
  sqlite3_bind_int64 (stmt, binds->len + 1, (gint64) limit + 1);
  sqlite3_bind_int64 (stmt, binds->len + 2, query->offset);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      TftsrIssue *issue;

      if (issues->len == limit)
        {
          if (has_more != NULL)
            *has_more = TRUE;
          break;
        }
      issue = issue_from_row (stmt);
      g_ptr_array_add (issues, issue);
    }
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      tftsr_db_set_error (error, conn->db, rc, _ ("Could not list incidents"));
      return NULL;
    }
  if (match != NULL && issues->len > 0 && !add_snippets (conn->db, match, issues, error))
    return NULL;
  return g_steal_pointer (&issues);
}
