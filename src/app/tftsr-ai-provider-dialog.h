/* tftsr-ai-provider-dialog.h: adding or editing an AI provider
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include <tftsr.h>

G_BEGIN_DECLS

#define TFTSR_TYPE_AI_PROVIDER_DIALOG (tftsr_ai_provider_dialog_get_type ())
G_DECLARE_FINAL_TYPE (TftsrAiProviderDialog, tftsr_ai_provider_dialog, TFTSR, AI_PROVIDER_DIALOG,
                      AdwWindow)

/* Edits @provider, or with NULL adds a new one. Emits ::saved (gint64 id) and closes once
 * the store took it; ::failed (GError *) when the store refused it, the reason then shown
 * in the dialog, which stays open. ::models-listed after a Fetch Models (or its failure)
 * is shown. */
TftsrAiProviderDialog *tftsr_ai_provider_dialog_new (GtkWindow *parent, TftsrStore *store,
                                                     const TftsrAiProvider *provider);

G_END_DECLS
