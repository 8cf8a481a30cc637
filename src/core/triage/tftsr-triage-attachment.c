/* tftsr-triage-attachment.c: what the engineer attached to a message (triage_attachments,
 * migration 0010): the value type, its checks before a message is stored, storing it with
 * the message and reading it back with the conversation
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>
#include <string.h>

#include "tftsr-image.h"
#include "tftsr-log.h"
#include "tftsr-triage-private.h"

static const char *const kind_names[] = { "log", "excerpt", "image" };

const char *
tftsr_triage_attachment_kind_to_string (TftsrTriageAttachmentKind kind)
{
  g_return_val_if_fail (kind < G_N_ELEMENTS (kind_names), NULL);
  return kind_names[kind];
}

static TftsrTriageAttachmentKind
kind_from_string (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (kind_names); i++)
    if (g_strcmp0 (name, kind_names[i]) == 0)
      return i;
  /* The schema's CHECK allows nothing else. */
  g_return_val_if_reached (TFTSR_TRIAGE_ATTACHMENT_LOG);
}

G_DEFINE_BOXED_TYPE (TftsrTriageAttachment, tftsr_triage_attachment, tftsr_triage_attachment_copy,
                     tftsr_triage_attachment_free)

static TftsrTriageAttachment *
attachment_new (TftsrTriageAttachmentKind kind, gint64 target_id, guint64 first_line,
                guint64 last_line, const char *name)
{
  TftsrTriageAttachment *a = g_new0 (TftsrTriageAttachment, 1);

  a->kind = kind;
  a->target_id = target_id;
  a->first_line = first_line;
  a->last_line = last_line;
  a->name = g_strdup (name);
  return a;
}

TftsrTriageAttachment *
tftsr_triage_attachment_new_log (gint64 log_id, const char *name)
{
  return attachment_new (TFTSR_TRIAGE_ATTACHMENT_LOG, log_id, 0, 0, name);
}

TftsrTriageAttachment *
tftsr_triage_attachment_new_excerpt (gint64 log_id, guint64 first_line, guint64 last_line,
                                     const char *name)
{
  return attachment_new (TFTSR_TRIAGE_ATTACHMENT_EXCERPT, log_id, first_line, last_line, name);
}

TftsrTriageAttachment *
tftsr_triage_attachment_new_image (gint64 image_id, const char *name)
{
  return attachment_new (TFTSR_TRIAGE_ATTACHMENT_IMAGE, image_id, 0, 0, name);
}

TftsrTriageAttachment *
tftsr_triage_attachment_copy (const TftsrTriageAttachment *a)
{
  g_return_val_if_fail (a != NULL, NULL);
  return attachment_new (a->kind, a->target_id, a->first_line, a->last_line, a->name);
}

void
tftsr_triage_attachment_free (TftsrTriageAttachment *attachment)
{
  if (attachment == NULL)
    return;
  g_free (attachment->name);
  g_free (attachment);
}

static gboolean
parse_number (const char *text, gsize len, guint64 *value)
{
  g_autofree char *digits = g_strndup (text, len);

  /* Digits only: no sign, space or base prefix slips in. */
  for (const char *p = digits; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  return g_ascii_string_to_unsigned (digits, 10, 1, G_MAXINT64, value, NULL);
}

TftsrTriageAttachment *
tftsr_triage_attachment_parse_log (const char *spec, GError **error)
{
  const char *colon, *dash;
  guint64 id, first, last;

  g_return_val_if_fail (spec != NULL, NULL);

  colon = strchr (spec, ':');
  dash = colon != NULL ? strchr (colon, '-') : NULL;
  if (!parse_number (spec, colon != NULL ? (gsize) (colon - spec) : strlen (spec), &id) ||
      (colon != NULL && (dash == NULL || !parse_number (colon + 1, dash - colon - 1, &first) ||
                         !parse_number (dash + 1, strlen (dash + 1), &last))))
    {
      g_set_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_INVALID,
                   _ ("“%s” names no log: write its id, or its id and lines as ID:FIRST-LAST "
                      "(“12:120-180”)"),
                   spec);
      return NULL;
    }
  if (colon == NULL)
    return tftsr_triage_attachment_new_log ((gint64) id, NULL);
  if (last < first)
    {
      g_set_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_INVALID,
                   _ ("“%s”: the first line comes after the last"), spec);
      return NULL;
    }
  return tftsr_triage_attachment_new_excerpt ((gint64) id, first, last, NULL);
}

gboolean
tftsr_triage_attachment_is_gone (const TftsrTriageAttachment *attachment)
{
  g_return_val_if_fail (attachment != NULL, FALSE);
  return attachment->target_id == 0;
}

char *
tftsr_triage_attachment_dup_label (const TftsrTriageAttachment *a)
{
  g_autofree char *name = NULL;

  g_return_val_if_fail (a != NULL, NULL);

  name = g_utf8_make_valid (a->name != NULL ? a->name : "", -1);
  if (a->kind != TFTSR_TRIAGE_ATTACHMENT_EXCERPT)
    return g_steal_pointer (&name);
  if (a->first_line == a->last_line)
    /* Translators: an attached excerpt of one line: "app.log, line 120" */
    return g_strdup_printf (_ ("%s, line %" G_GUINT64_FORMAT), name, a->first_line);
  /* Translators: an attached excerpt: "app.log, lines 120–180" */
  return g_strdup_printf (_ ("%s, lines %" G_GUINT64_FORMAT "–%" G_GUINT64_FORMAT), name,
                          a->first_line, a->last_line);
}

gboolean
tftsr_triage_attachment_equal (const TftsrTriageAttachment *a, const TftsrTriageAttachment *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);
  return a->kind == b->kind && a->target_id == b->target_id && a->first_line == b->first_line &&
         a->last_line == b->last_line;
}

GPtrArray *
tftsr_triage_attachments_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) tftsr_triage_attachment_free);
}

GPtrArray *
tftsr_triage_attachments_copy (GPtrArray *attachments)
{
  GPtrArray *copy = tftsr_triage_attachments_new ();

  for (guint i = 0; attachments != NULL && i < attachments->len; i++)
    g_ptr_array_add (copy, tftsr_triage_attachment_copy (attachments->pdata[i]));
  return copy;
}

/* --- before a message is stored ------------------------------------------------------------ */

static void
set_not_of_incident (GError **error, const char *what, gint64 id)
{
  g_set_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_INVALID,
               _ ("%s %" G_GINT64_FORMAT " is not one of this incident’s: only the incident’s own "
                  "logs and screenshots can be attached"),
               what, id);
}

/* @a's log, which must be a ready log of @issue_id; its name goes into @a. */
static gboolean
resolve_log (TftsrStore *store, gint64 issue_id, TftsrTriageAttachment *a, GError **error)
{
  g_autoptr (TftsrLogFile) log = tftsr_store_get_log (store, a->target_id, error);

  if (log == NULL)
    return FALSE;
  if (tftsr_log_file_get_issue_id (log) != issue_id)
    {
      set_not_of_incident (error, _ ("Log"), a->target_id);
      return FALSE;
    }
  g_free (a->name);
  a->name = g_strdup (tftsr_log_file_get_name (log));
  return TRUE;
}

/* @a's screenshot, which must be one of @issue_id's and cleared to leave: an image cannot
 * be redacted. */
static gboolean
resolve_image (TftsrStore *store, gint64 issue_id, TftsrTriageAttachment *a, GError **error)
{
  g_autoptr (TftsrImage) image = tftsr_store_get_image (store, a->target_id, error);

  if (image == NULL)
    return FALSE;
  if (tftsr_image_get_issue_id (image) != issue_id)
    {
      set_not_of_incident (error, _ ("Screenshot"), a->target_id);
      return FALSE;
    }
  if (!tftsr_image_check_acknowledged (image, error))
    return FALSE;
  g_free (a->name);
  a->name = g_strdup (tftsr_image_get_name (image));
  return TRUE;
}

gboolean
tftsr_triage_resolve_attachments (TftsrStore *store, gint64 issue_id, GPtrArray *attachments,
                                  GError **error)
{
  for (guint i = 0; attachments != NULL && i < attachments->len; i++)
    {
      TftsrTriageAttachment *a = attachments->pdata[i];

      if (a->kind == TFTSR_TRIAGE_ATTACHMENT_IMAGE ? !resolve_image (store, issue_id, a, error)
                                                   : !resolve_log (store, issue_id, a, error))
        return FALSE;
      for (guint j = 0; j < i; j++)
        if (tftsr_triage_attachment_equal (a, attachments->pdata[j]))
          {
            g_autofree char *label = tftsr_triage_attachment_dup_label (a);

            g_set_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_INVALID,
                         _ ("“%s” is attached twice"), label);
            return FALSE;
          }
    }
  return TRUE;
}

/* --- stored with the message ---------------------------------------------------------------- */

gboolean
tftsr_triage_insert_attachments (sqlite3 *db, gint64 message_id, GPtrArray *attachments,
                                 GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  if (attachments == NULL || attachments->len == 0)
    return TRUE;
  stmt = tftsr_db_prepare (db,
                           "INSERT INTO triage_attachments (message_id, position, kind, log_id, "
                           " first_line, last_line, image_id, name) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                           error);
  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < attachments->len; i++)
    {
      TftsrTriageAttachment *a = attachments->pdata[i];
      gboolean image = a->kind == TFTSR_TRIAGE_ATTACHMENT_IMAGE;

      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      sqlite3_bind_int64 (stmt, 1, message_id);
      sqlite3_bind_int (stmt, 2, (int) i);
      tftsr_db_bind_text (stmt, 3, tftsr_triage_attachment_kind_to_string (a->kind));
      sqlite3_bind_int64 (stmt, image ? 7 : 4, a->target_id);
      if (a->kind == TFTSR_TRIAGE_ATTACHMENT_EXCERPT)
        {
          sqlite3_bind_int64 (stmt, 5, (sqlite3_int64) a->first_line);
          sqlite3_bind_int64 (stmt, 6, (sqlite3_int64) a->last_line);
        }
      tftsr_db_bind_text (stmt, 8, a->name != NULL ? a->name : "");
      if (!tftsr_db_step_done (stmt, _ ("Could not save the message’s attachments"), error))
        return FALSE;
    }
  return TRUE;
}

gboolean
tftsr_triage_load_attachments (sqlite3 *db, gint64 issue_id, GPtrArray *messages, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  guint at = 0; /* messages and rows both come in the order they were written */
  int rc;

  stmt = tftsr_db_prepare (db,
                           "SELECT a.message_id, a.kind, coalesce(a.log_id, a.image_id, 0), "
                           " coalesce(a.first_line, 0), coalesce(a.last_line, 0), a.name "
                           "FROM triage_attachments a JOIN ai_messages m ON m.id = a.message_id "
                           "JOIN ai_conversations c ON c.id = m.conversation_id "
                           "WHERE c.issue_id = ?1 ORDER BY a.message_id, a.position",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, issue_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      TftsrTriageMessage *m;

      while (at < messages->len && ((TftsrTriageMessage *) messages->pdata[at])->id < id)
        at++;
      if (at == messages->len || (m = messages->pdata[at])->id != id)
        continue;
      g_ptr_array_add (m->attachments, attachment_new (kind_from_string (tftsr_db_text (stmt, 1)),
                                                       sqlite3_column_int64 (stmt, 2),
                                                       (guint64) sqlite3_column_int64 (stmt, 3),
                                                       (guint64) sqlite3_column_int64 (stmt, 4),
                                                       tftsr_db_text (stmt, 5)));
    }
  if (rc != SQLITE_DONE)
    return tftsr_db_set_error (error, db, rc, _ ("Could not read the conversation"));
  return TRUE;
}
