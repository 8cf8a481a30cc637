/* tftsr-store.h: the encrypted incident store (SQLCipher 4)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tftsr-db-key.h"
#include "tftsr-issue.h"
#include "tftsr-timeline-event.h"

G_BEGIN_DECLS

#define TFTSR_STORE_ERROR (tftsr_store_error_quark ())
GQuark tftsr_store_error_quark (void);

typedef enum
{
  TFTSR_STORE_ERROR_WRONG_KEY,     /* the key does not open this file (or it is no database) */
  TFTSR_STORE_ERROR_NOT_ENCRYPTED, /* a plain SQLite file, or SQLCipher is not linked */
  TFTSR_STORE_ERROR_TOO_NEW,       /* written by a newer tftsr */
  TFTSR_STORE_ERROR_NOT_FOUND,
  TFTSR_STORE_ERROR_INVALID, /* a value the schema does not accept */
  TFTSR_STORE_ERROR_READ_ONLY,
  TFTSR_STORE_ERROR_FULL,
  TFTSR_STORE_ERROR_BUSY,
  TFTSR_STORE_ERROR_CORRUPT,
  TFTSR_STORE_ERROR_FAILED,
} TftsrStoreError;

typedef enum
{
  TFTSR_ISSUE_SORT_UPDATED,  /* most recently updated first */
  TFTSR_ISSUE_SORT_CREATED,  /* newest first */
  TFTSR_ISSUE_SORT_SEVERITY, /* P1 first, then most recently updated */
  TFTSR_ISSUE_SORT_TITLE,
  TFTSR_ISSUE_SORT_RELEVANCE, /* bm25 over the newest TFTSR_SEARCH_WINDOW matches;
                               * without a text query, the same as UPDATED */
} TftsrIssueSort;

/* A ranked search scores at most this many matches, the newest first, so that a word
 * found in most incidents still answers in milliseconds. */
#define TFTSR_SEARCH_WINDOW 1000

#define TFTSR_TYPE_ISSUE_SORT (tftsr_issue_sort_get_type ())
GType tftsr_issue_sort_get_type (void);
const char *tftsr_issue_sort_to_string (TftsrIssueSort sort);
gboolean tftsr_issue_sort_from_string (const char *name, TftsrIssueSort *out);

/* What tftsr_store_list_issues() returns. Masks are bit sets of (1 << enum value),
 * 0 meaning "any". @text is a search in the user's syntax: words match as prefixes,
 * "quoted phrases" match exactly, -word excludes, OR between words; anything else is
 * searched as text and never raises a syntax error. */
typedef struct
{
  guint status_mask;
  guint severity_mask;
  gint category; /* a TftsrCategory, or -1 for any */
  char *tag;
  char *text;
  TftsrIssueSort sort;
  gboolean deleted; /* list the trash instead of live incidents */
  guint offset;
  guint limit; /* 0 means TFTSR_ISSUE_QUERY_DEFAULT_LIMIT */
} TftsrIssueQuery;

#define TFTSR_ISSUE_QUERY_DEFAULT_LIMIT 50
#define TFTSR_TYPE_ISSUE_QUERY (tftsr_issue_query_get_type ())
GType tftsr_issue_query_get_type (void);
TftsrIssueQuery *tftsr_issue_query_new (void);
TftsrIssueQuery *tftsr_issue_query_copy (const TftsrIssueQuery *query);
void tftsr_issue_query_free (TftsrIssueQuery *query);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrIssueQuery, tftsr_issue_query_free)

/* How far a long operation is (a log read, a document exported): @done of @total units,
 * @total 0 when unknown. Called from the thread doing the work unless said otherwise. */
typedef void (*TftsrProgressFunc) (guint64 done, guint64 total, gpointer user_data);

#define TFTSR_TYPE_STORE (tftsr_store_get_type ())
G_DECLARE_FINAL_TYPE (TftsrStore, tftsr_store, TFTSR, STORE, GObject)

/* $TFTSR_DB if set, else $XDG_DATA_HOME/tftsr/tftsr.db. */
char *tftsr_store_default_path (void);

/* Opens (creating if needed) the database at @path with @key, brings its schema up
 * to date and empties the trash of expired incidents. A wrong key, a plain SQLite file or a database written by a newer version
 * fail with a TFTSR_STORE_ERROR and leave the file untouched. */
TftsrStore *tftsr_store_open (const char *path, const TftsrDbKey *key, GError **error);
/* Resolves the key (tftsr_db_key_resolve()) and opens @path (NULL: the default path)
 * in a worker thread. */
void tftsr_store_open_async (const char *path, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data);
TftsrStore *tftsr_store_open_finish (GAsyncResult *result, GError **error);

const char *tftsr_store_get_path (TftsrStore *self);
TftsrDbKeySource tftsr_store_get_key_source (TftsrStore *self);
/* The key file in use when the key source is the fallback file, else NULL. */
const char *tftsr_store_get_key_file (TftsrStore *self);
/* The highest migration applied, and the highest this build knows. */
guint tftsr_store_get_schema_version (TftsrStore *self);
guint tftsr_store_get_latest_schema_version (void);

/* Incidents. Creating and every change of status or severity is recorded in the
 * incident's timeline; creation, deletion and purging also in the audit log. */
TftsrIssue *tftsr_store_create_issue (TftsrStore *self, TftsrIssue *draft, GError **error);
TftsrIssue *tftsr_store_get_issue (TftsrStore *self, gint64 id, GError **error);
/* Writes every editable field of @issue (matched by id) and returns the stored result. */
TftsrIssue *tftsr_store_update_issue (TftsrStore *self, TftsrIssue *issue, GError **error);
/* Moves an incident to the trash (reversible with tftsr_store_restore_issue()). */
gboolean tftsr_store_delete_issue (TftsrStore *self, gint64 id, GError **error);
gboolean tftsr_store_restore_issue (TftsrStore *self, gint64 id, GError **error);
/* Erases a trashed incident and everything that belongs to it. */
gboolean tftsr_store_purge_issue (TftsrStore *self, gint64 id, GError **error);
/* Erases incidents trashed before @before (ISO 8601 UTC); returns how many, or -1.
 * Opening a store does this for incidents trashed more than
 * TFTSR_TRASH_RETENTION_DAYS ago. */
#define TFTSR_TRASH_RETENTION_DAYS 30
gint tftsr_store_purge_trash (TftsrStore *self, const char *before, GError **error);

/* One page of incidents, each without its description (use tftsr_store_get_issue());
 * @has_more tells whether another page follows. Returns NULL on error. */
GPtrArray *tftsr_store_list_issues (TftsrStore *self, const TftsrIssueQuery *query,
                                    gboolean *has_more, GError **error);
GPtrArray *tftsr_store_list_timeline (TftsrStore *self, gint64 issue_id, GError **error);

/* Asynchronous versions for the UI thread; each runs the call above in a worker. */
void tftsr_store_create_issue_async (TftsrStore *self, TftsrIssue *draft, GCancellable *cancellable,
                                     GAsyncReadyCallback callback, gpointer user_data);
TftsrIssue *tftsr_store_create_issue_finish (TftsrStore *self, GAsyncResult *result,
                                             GError **error);
void tftsr_store_get_issue_async (TftsrStore *self, gint64 id, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data);
TftsrIssue *tftsr_store_get_issue_finish (TftsrStore *self, GAsyncResult *result, GError **error);
void tftsr_store_update_issue_async (TftsrStore *self, TftsrIssue *issue, GCancellable *cancellable,
                                     GAsyncReadyCallback callback, gpointer user_data);
TftsrIssue *tftsr_store_update_issue_finish (TftsrStore *self, GAsyncResult *result,
                                             GError **error);
void tftsr_store_delete_issue_async (TftsrStore *self, gint64 id, GCancellable *cancellable,
                                     GAsyncReadyCallback callback, gpointer user_data);
void tftsr_store_restore_issue_async (TftsrStore *self, gint64 id, GCancellable *cancellable,
                                      GAsyncReadyCallback callback, gpointer user_data);
/* Finishes delete and restore calls. */
gboolean tftsr_store_change_finish (TftsrStore *self, GAsyncResult *result, GError **error);
void tftsr_store_list_issues_async (TftsrStore *self, const TftsrIssueQuery *query,
                                    GCancellable *cancellable, GAsyncReadyCallback callback,
                                    gpointer user_data);
GPtrArray *tftsr_store_list_issues_finish (TftsrStore *self, GAsyncResult *result,
                                           gboolean *has_more, GError **error);
void tftsr_store_list_timeline_async (TftsrStore *self, gint64 issue_id, GCancellable *cancellable,
                                      GAsyncReadyCallback callback, gpointer user_data);
GPtrArray *tftsr_store_list_timeline_finish (TftsrStore *self, GAsyncResult *result,
                                             GError **error);

G_END_DECLS
