/* tftsr-settings.h: settings kept in the encrypted database, shared by the app and the CLI
 *
 * What the engine detects and which attachments are accepted must be the same whichever
 * front end runs, so these live next to the data rather than in GSettings.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tftsr-store.h"

G_BEGIN_DECLS

/* The stored value of @key, or NULL (with no error) when it was never set. */
char *tftsr_store_get_setting (TftsrStore *store, const char *key, GError **error);
/* Stores @value under @key; NULL removes it (back to the default). */
gboolean tftsr_store_set_setting (TftsrStore *store, const char *key, const char *value,
                                  GError **error);

G_END_DECLS
