/* tftsr-store-private.h: connections, statements and error mapping shared by the
 * store's repository files and by other core modules that keep tables in the database
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <sqlite3.h>

#include "tftsr-store.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

/* A connection borrowed from the store's pool: one thread uses it at a time. */
typedef struct
{
  TftsrStore *store;
  sqlite3 *db;
} TftsrConn;

TftsrConn *tftsr_conn_acquire (TftsrStore *store, GError **error);
void tftsr_conn_release (TftsrConn *conn);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrConn, tftsr_conn_release)

/* Sets @error from SQLite's last error on @db (or @rc), prefixed with @context, a
 * sentence fragment for the user ("Could not save the incident"). Returns FALSE. */
gboolean tftsr_db_set_error (GError **error, sqlite3 *db, int rc, const char *context);
gboolean tftsr_db_exec (sqlite3 *db, const char *sql, const char *context, GError **error);
sqlite3_stmt *tftsr_db_prepare (sqlite3 *db, const char *sql, GError **error);
/* Steps a statement that returns no rows (or ignores them). */
gboolean tftsr_db_step_done (sqlite3_stmt *stmt, const char *context, GError **error);
/* Column text that is never NULL. */
const char *tftsr_db_text (sqlite3_stmt *stmt, int column);
/* Binds a UTF-8 or byte string as TEXT, copying it. */
void tftsr_db_bind_text (sqlite3_stmt *stmt, int index, const char *text);

/* BEGIN IMMEDIATE … COMMIT; rollback happens on any failure path. */
gboolean tftsr_db_begin (sqlite3 *db, GError **error);
gboolean tftsr_db_commit (sqlite3 *db, GError **error);
void tftsr_db_rollback (sqlite3 *db);

/* The SQL expression for how many distinct values found in log "l" were released, by
 * their own decision or by their type's. */
#define TFTSR_SQL_LOG_RELEASED                                                                     \
  "(SELECT count (DISTINCT v.id) FROM pii_spans s JOIN pii_values v ON v.id = s.value_id"          \
  " WHERE s.log_id = l.id AND (v.released OR EXISTS (SELECT 1 FROM pii_type_decisions d"           \
  "   WHERE d.issue_id = v.issue_id AND d.type = v.type AND d.released)))"

/* The SQL expression for "now" in the one timestamp format (ISO 8601 UTC, ms). */
#define TFTSR_SQL_NOW "strftime('%Y-%m-%dT%H:%M:%fZ','now')"
/* The same format from the system clock. */
char *tftsr_now_iso8601 (void);

/* The key the store was opened with (the vault derives from it). */
const TftsrDbKey *tftsr_store_get_db_key (TftsrStore *self);

/* Migrations (tftsr-store-migrations.c). */
gboolean tftsr_store_migrate (sqlite3 *db, guint *version, GError **error);

/* Timeline rows written inside a caller's transaction (tftsr-store-timeline.c). */
gboolean tftsr_store_add_timeline (sqlite3 *db, gint64 issue_id, TftsrTimelineKind kind,
                                   const char *old_value, const char *new_value, const char *note,
                                   GError **error);

/* Audit entries written inside a caller's transaction (audit/tftsr-audit.c). */
gboolean tftsr_audit_append_in_transaction (sqlite3 *db, const char *action, const char *target,
                                            const char *detail, GError **error);

/* Runs @func in a worker thread with its own connection; the result is handed to the
 * GTask (freed with @result_free if nobody takes it). */
typedef gpointer (*TftsrStoreFunc) (TftsrStore *store, gpointer data, GError **error);
void tftsr_store_run_async (TftsrStore *self, gpointer source_tag, TftsrStoreFunc func,
                            gpointer data, GDestroyNotify data_free, GDestroyNotify result_free,
                            GCancellable *cancellable, GAsyncReadyCallback callback,
                            gpointer user_data);
/* A copy of @id for a worker call's data (freed with g_free). */
gint64 *tftsr_store_id_new (gint64 id);
/* The result of a tftsr_store_run_async() call started with @source_tag. */
gpointer tftsr_store_run_finish (TftsrStore *self, GAsyncResult *result, gpointer source_tag,
                                 GError **error);
