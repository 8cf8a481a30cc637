/* tftsr-integrations-page.h: the Integrations page of Preferences
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include <tftsr.h>

G_BEGIN_DECLS

#define TFTSR_TYPE_INTEGRATIONS_PAGE (tftsr_integrations_page_get_type ())
G_DECLARE_FINAL_TYPE (TftsrIntegrationsPage, tftsr_integrations_page, TFTSR, INTEGRATIONS_PAGE,
                      AdwPreferencesPage)

/* Lists the connectors of @store with their health (configured, last success, recent
 * failures, circuit), a connection test, edit and remove. Signals: ::loaded after each
 * (re)load of the list is shown; ::tested (const char *id, gboolean ok) after a test's
 * result is shown. Actions (parameter: the connector's id): integrations.test,
 * integrations.edit, integrations.remove; integrations.add (parameter: the kind's name,
 * "servicenow"…). */
TftsrIntegrationsPage *tftsr_integrations_page_new (TftsrStore *store);

G_END_DECLS
