/* tftsr-pii-review.h: what was found in an incident's logs, and the engineer's decisions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "tftsr-log.h"
#include "tftsr-store.h"

G_BEGIN_DECLS

/* One distinct value found in an incident, with its pseudonym and where it occurs. */
typedef struct
{
  gint64 id;
  char *type; /* "EMAIL", "CUSTOM_EMPLOYEE" */
  GBytes *value;
  gint64 token_index;
  guint occurrences;
  gboolean released;      /* this value was released as a false positive */
  gboolean type_released; /* its whole type was released */
} TftsrPiiValue;

void tftsr_pii_value_free (TftsrPiiValue *value);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrPiiValue, tftsr_pii_value_free)
/* "<EMAIL_2>" */
char *tftsr_pii_value_dup_token (const TftsrPiiValue *value);
/* Whether the value is shown as is when the incident's content leaves. */
gboolean tftsr_pii_value_is_released (const TftsrPiiValue *value);

/* The values of @issue_id that occur in its logs, by type, then by pseudonym number. A
 * value no log shows any more (after a re-scan with other settings) or only met in text
 * that left through egress is not listed; it keeps its number and decision, which come
 * back if it is found again. */
GPtrArray *tftsr_store_list_pii_values (TftsrStore *store, gint64 issue_id, GError **error);
/* Releases (or redacts again) one value, everywhere in the incident. */
gboolean tftsr_store_set_pii_value_released (TftsrStore *store, gint64 value_id, gboolean released,
                                             GError **error);
/* Releases (or redacts again) every value of @type in @issue_id. */
gboolean tftsr_store_set_pii_type_released (TftsrStore *store, gint64 issue_id, const char *type,
                                            gboolean released, GError **error);
/* Marks bytes [@start, @end) of a log as a value of @type (capital letters, digits and _)
 * that the engine missed, and with @everywhere every other occurrence of the same bytes
 * in the incident's logs too; spans found there before give way. Returns the number of
 * occurrences marked, 0 on error. The search reads one chunk at a time (@progress gets
 * bytes searched and the total); the marks are saved at once at the end, so a failed or
 * cancelled call changes nothing. */
guint tftsr_store_mark_pii_value (TftsrStore *store, gint64 log_id, guint64 start, guint64 end,
                                  const char *type, gboolean everywhere, TftsrProgressFunc progress,
                                  gpointer progress_data, GCancellable *cancellable,
                                  GError **error);

/* @text with each pseudonym token of incident @issue_id (<EMAIL_2>) replaced by the value
 * it stands for, for display on this machine only; other text, and tokens the incident
 * does not have, stay as they are. */
char *tftsr_store_reveal_pseudonyms (TftsrStore *store, gint64 issue_id, const char *text,
                                     GError **error);
/* @text with only the pseudonyms of values the engineer released (the value or its type)
 * replaced by those values: what may leave when a model names a released value by the
 * pseudonym it saw before the release (tool arguments). */
char *tftsr_store_reveal_released_pseudonyms (TftsrStore *store, gint64 issue_id, const char *text,
                                              GError **error);

/* The same in a worker, for the UI thread; the changes finish with
 * tftsr_store_change_finish(). */
void tftsr_store_list_pii_values_async (TftsrStore *store, gint64 issue_id,
                                        GCancellable *cancellable, GAsyncReadyCallback callback,
                                        gpointer user_data);
GPtrArray *tftsr_store_list_pii_values_finish (TftsrStore *store, GAsyncResult *result,
                                               GError **error);
void tftsr_store_set_pii_value_released_async (TftsrStore *store, gint64 value_id,
                                               gboolean released, GCancellable *cancellable,
                                               GAsyncReadyCallback callback, gpointer user_data);
void tftsr_store_set_pii_type_released_async (TftsrStore *store, gint64 issue_id, const char *type,
                                              gboolean released, GCancellable *cancellable,
                                              GAsyncReadyCallback callback, gpointer user_data);
/* @progress is called on the caller's main context (at most ~10 times/s). */
void tftsr_store_mark_pii_value_async (TftsrStore *store, gint64 log_id, guint64 start, guint64 end,
                                       const char *type, gboolean everywhere,
                                       TftsrProgressFunc progress, gpointer progress_data,
                                       GCancellable *cancellable, GAsyncReadyCallback callback,
                                       gpointer user_data);
guint tftsr_store_mark_pii_value_finish (TftsrStore *store, GAsyncResult *result, GError **error);

G_END_DECLS
