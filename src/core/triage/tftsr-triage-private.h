/* tftsr-triage-private.h: what the triage files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tftsr-pii.h"
#include "tftsr-store-private.h"
#include "tftsr-triage.h"

/* The stored row of an incident's conversation. */
typedef struct
{
  gint64 id; /* 0 while the conversation has not started */
  gint64 issue_id;
  guint level;
  char *root_cause;
} TftsrTriageRow;

void tftsr_triage_row_clear (TftsrTriageRow *row);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TftsrTriageRow, tftsr_triage_row_clear)

/* The conversation of @issue_id; with @create a missing one is started (level 0), else
 * row->id stays 0. Fails with NOT_FOUND when there is no such incident. */
gboolean tftsr_triage_load_row (sqlite3 *db, gint64 issue_id, gboolean create, TftsrTriageRow *row,
                                GError **error);
/* Inserts @message as the next of @row's conversation (inside a transaction). */
TftsrTriageMessage *tftsr_triage_insert_message (sqlite3 *db, const TftsrTriageRow *row,
                                                 const TftsrAiMessage *message,
                                                 const char *provider, const char *model,
                                                 TftsrTriageMessageState state,
                                                 const char *error_text, GError **error);
/* tftsr_store_append_triage_message() with @attachments (may be NULL) stored with the
 * message, in the same transaction. */
TftsrTriageMessage *tftsr_triage_append_message (TftsrStore *store, gint64 issue_id,
                                                 const TftsrAiMessage *message,
                                                 GPtrArray *attachments, const char *provider,
                                                 const char *model, TftsrTriageMessageState state,
                                                 const char *error_text, GError **error);
/* Marks every complete reply after the engineer's last message of @issue_id as superseded;
 * TFTSR_STORE_ERROR_INVALID when there is no such message. */
gboolean tftsr_triage_supersede_replies (TftsrStore *store, gint64 issue_id, GError **error);
/* The error of asking for the last answer again before the engineer said anything. */
void tftsr_triage_set_nothing_asked (GError **error);
/* The whys of @issue_id (TftsrTriageWhy by n). */
GPtrArray *tftsr_triage_load_whys (sqlite3 *db, gint64 issue_id, GError **error);
/* Why @n of @whys, or NULL. */
const TftsrTriageWhy *tftsr_triage_find_why (GPtrArray *whys, guint n);
/* Fails (TFTSR_STORE_ERROR_INVALID) for a message with nothing but white space and
 * nothing attached (@attachments may be NULL). */
gboolean tftsr_triage_check_text (const char *text, GPtrArray *attachments, GError **error);

/* Inside a transaction: applies @markers, whose effects tftsr_triage_advance() set from
 * @row->level, to the stored whys and root cause, and moves @row to @level. The first
 * answer of each why and the root cause go to the timeline once; every new root cause
 * statement to the audit log. @identified (optional) gets the root cause if this call
 * identified it, else NULL. */
gboolean tftsr_triage_record (sqlite3 *db, TftsrTriageRow *row, GPtrArray *markers, guint level,
                              char **identified, GError **error);
/* Inside a transaction: stores @question as why @n's (its answer to come) and starts the
 * chain if it had not. */
gboolean tftsr_triage_ask (sqlite3 *db, TftsrTriageRow *row, guint n, const char *question,
                           GError **error);

/* Appends @line (without its line break) to @out without its markers, as
 * tftsr_triage_strip_markers() does for each line; FALSE (nothing appended) when the line
 * held only markers and emphasis. */
gboolean tftsr_triage_strip_line (GString *out, const char *line, gsize len);
/* How much of @line, a line still arriving, can be shown: the bytes before a "[" (with
 * emphasis just before it) that may still open a marker. */
gsize tftsr_triage_marker_free_prefix (const char *line, gsize len);

/* A marker as the engineer's own answer (never ignored by parsing). */
TftsrTriageMarker *tftsr_triage_marker_new (TftsrTriageMarkerKind kind, guint why, const char *text,
                                            const char *evidence);

/* --- attachments (tftsr-triage-attachment.c, tftsr-triage-expand.c) ----------------------- */

/* Checks that each of @attachments is a log or acknowledged screenshot of @issue_id, and
 * attached once; puts each one's stored name in it. */
gboolean tftsr_triage_resolve_attachments (TftsrStore *store, gint64 issue_id,
                                           GPtrArray *attachments, GError **error);
/* Inside a transaction: stores @attachments (may be NULL) with message @message_id. */
gboolean tftsr_triage_insert_attachments (sqlite3 *db, gint64 message_id, GPtrArray *attachments,
                                          GError **error);
/* Puts the stored attachments of @issue_id's conversation into @messages (its messages,
 * in order). */
gboolean tftsr_triage_load_attachments (sqlite3 *db, gint64 issue_id, GPtrArray *messages,
                                        GError **error);

/* The characters of a request to @provider that its context window
 * (tftsr_ai_provider_get_context_tokens()) leaves to each of @n_logs logs once @reserve
 * characters of other text, @n_images screenshots and the answer are counted; never less
 * than a digest needs. */
gsize tftsr_triage_log_share (const TftsrAiProvider *provider, gsize reserve, guint n_logs,
                              guint n_images);

/* Redacts the texts of one request with the incident's pseudonyms and the stored detection
 * settings, adding up the replacements for its audit entry. */
typedef struct
{
  TftsrStore *store;
  gint64 issue_id;
  TftsrPiiScanner *scanner;
  GHashTable *counts; /* type name → replacements */
  GCancellable *cancellable;
} TftsrTriageRedactor;

char *tftsr_triage_redact (const TftsrTriageRedactor *r, const char *text, GError **error);

/* The screenshots (@images) or the logs among @attachments that are still there. */
guint tftsr_triage_count_attachments (GPtrArray *attachments, gboolean images);
/* Adds @attachments to @message, a redacted user message of a request: after its text each
 * log's (or excerpt's) text, redacted, in a fenced block under its name and lines, whole or,
 * past @share characters, as a digest; each screenshot as an image of the message, named in
 * the text; a line for each one deleted since. What left of each goes to @parts
 * (TftsrEgressPart) for the audit entry. */
gboolean tftsr_triage_expand_attachments (const TftsrTriageRedactor *r, GPtrArray *attachments,
                                          gsize share, TftsrAiMessage *message, GPtrArray *parts,
                                          GError **error);

/* --- tool calls (tftsr-triage-tools.c) ------------------------------------------------------ */

/* The stored word of a tool result's status; FALSE (and @status untouched) for NULL or a
 * word not known. */
gboolean tftsr_triage_tool_status_from_string (const char *name, TftsrTriageToolStatus *status);

/* Answers every tool call of @reply, in order: each put to the engineer and run, or with
 * @limit_note answered with it and not run; each result stored as a tool message and added
 * to @request. A cancelled turn still answers every call (as stopped), so the stored
 * conversation never holds a call without its result, and then fails with
 * G_IO_ERROR_CANCELLED. */
gboolean tftsr_triage_answer_calls (const TftsrTriageRedactor *r, const TftsrTriageTools *tools,
                                    const TftsrAiReply *reply, const char *limit_note,
                                    TftsrAiRequest *request, GError **error);
