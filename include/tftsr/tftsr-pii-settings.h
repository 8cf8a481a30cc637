/* tftsr-pii-settings.h: the engineer's choices for the detection engine, kept in the
 * database so that the app and the CLI find the same things
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tftsr-pii.h"
#include "tftsr-store.h"

G_BEGIN_DECLS

/* Types switched off, allow-list entries added to the built-in ones, and user patterns. */
typedef struct _TftsrPiiSettings TftsrPiiSettings;

#define TFTSR_TYPE_PII_SETTINGS (tftsr_pii_settings_get_type ())
GType tftsr_pii_settings_get_type (void);
/* The defaults: every type on, nothing added. */
TftsrPiiSettings *tftsr_pii_settings_new (void);
TftsrPiiSettings *tftsr_pii_settings_copy (const TftsrPiiSettings *self);
void tftsr_pii_settings_free (TftsrPiiSettings *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrPiiSettings, tftsr_pii_settings_free)

gboolean tftsr_pii_settings_get_enabled (const TftsrPiiSettings *self, TftsrPiiType type);
void tftsr_pii_settings_set_enabled (TftsrPiiSettings *self, TftsrPiiType type, gboolean enabled);
/* Exact values, CIDR ranges or domain suffixes (see tftsr_pii_scanner_set_allow_list()). */
const char *const *tftsr_pii_settings_get_allow_list (const TftsrPiiSettings *self);
void tftsr_pii_settings_set_allow_list (TftsrPiiSettings *self, const char *const *entries);
guint tftsr_pii_settings_get_n_patterns (const TftsrPiiSettings *self);
const char *tftsr_pii_settings_get_pattern_name (const TftsrPiiSettings *self, guint index);
const char *tftsr_pii_settings_get_pattern_regex (const TftsrPiiSettings *self, guint index);
/* Adds or, for a name already there, replaces a pattern. Names are what spans are
 * reported as ("employee" → CUSTOM_EMPLOYEE). */
void tftsr_pii_settings_set_pattern (TftsrPiiSettings *self, const char *name, const char *regex);
gboolean tftsr_pii_settings_remove_pattern (TftsrPiiSettings *self, const char *name);

/* A scanner configured as @self says; fails on an invalid allow-list entry or pattern. */
TftsrPiiScanner *tftsr_pii_settings_build_scanner (const TftsrPiiSettings *self, GError **error);

TftsrPiiSettings *tftsr_store_load_pii_settings (TftsrStore *store, GError **error);
/* Checks @settings (by building a scanner) before storing them: what is stored always
 * works. */
gboolean tftsr_store_save_pii_settings (TftsrStore *store, const TftsrPiiSettings *settings,
                                        GError **error);
/* The scanner the stored settings describe: what ingest and redaction use. */
TftsrPiiScanner *tftsr_store_load_pii_scanner (TftsrStore *store, GError **error);

/* The same in a worker, for the UI thread. */
void tftsr_store_load_pii_settings_async (TftsrStore *store, GCancellable *cancellable,
                                          GAsyncReadyCallback callback, gpointer user_data);
TftsrPiiSettings *tftsr_store_load_pii_settings_finish (TftsrStore *store, GAsyncResult *result,
                                                        GError **error);
void tftsr_store_save_pii_settings_async (TftsrStore *store, const TftsrPiiSettings *settings,
                                          GCancellable *cancellable, GAsyncReadyCallback callback,
                                          gpointer user_data);
gboolean tftsr_store_save_pii_settings_finish (TftsrStore *store, GAsyncResult *result,
                                               GError **error);
void tftsr_store_load_pii_scanner_async (TftsrStore *store, GCancellable *cancellable,
                                         GAsyncReadyCallback callback, gpointer user_data);
TftsrPiiScanner *tftsr_store_load_pii_scanner_finish (TftsrStore *store, GAsyncResult *result,
                                                      GError **error);

G_END_DECLS
