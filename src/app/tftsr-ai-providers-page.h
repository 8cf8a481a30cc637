/* tftsr-ai-providers-page.h: the AI Providers page of Preferences
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include <tftsr.h>

G_BEGIN_DECLS

#define TFTSR_TYPE_AI_PROVIDERS_PAGE (tftsr_ai_providers_page_get_type ())
G_DECLARE_FINAL_TYPE (TftsrAiProvidersPage, tftsr_ai_providers_page, TFTSR, AI_PROVIDERS_PAGE,
                      AdwPreferencesPage)

/* Lists the providers of @store, with the one in use, a connection test, edit and remove.
 * Signals: ::loaded after each (re)load of the list is shown. Actions (parameter: the
 * provider's id): providers.test, providers.edit, providers.remove; providers.add. */
TftsrAiProvidersPage *tftsr_ai_providers_page_new (TftsrStore *store);

G_END_DECLS
