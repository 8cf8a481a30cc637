/* tftsr-connector-dialog.h: adding or editing a connector (an integration)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include <tftsr.h>
#include <tftsr-connector.h>

G_BEGIN_DECLS

#define TFTSR_TYPE_CONNECTOR_DIALOG (tftsr_connector_dialog_get_type ())
G_DECLARE_FINAL_TYPE (TftsrConnectorDialog, tftsr_connector_dialog, TFTSR, CONNECTOR_DIALOG,
                      AdwWindow)

/* Edits @config, or with NULL adds a connector of @kind. Save tests a typed secret first
 * (tftsr_store_save_connector); Cancel stops a save in flight. Emits ::saved (const char
 * *id) and closes once the store took it; ::failed (GError *) when it was refused, the
 * reason then shown in the dialog, which stays open with every field as typed;
 * ::signed-in (gboolean ok) after an OAuth sign-in ended. */
TftsrConnectorDialog *tftsr_connector_dialog_new (GtkWindow *parent, TftsrStore *store,
                                                  const TftsrConnectorConfig *config,
                                                  TftsrConnectorKind kind);

G_END_DECLS
