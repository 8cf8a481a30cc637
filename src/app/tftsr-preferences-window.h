/* tftsr-preferences-window.h: the detection settings (types, allow-list, own patterns),
 * the screenshot size limit, the AI providers, the local models and the integrations
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include <tftsr.h>

G_BEGIN_DECLS

#define TFTSR_TYPE_PREFERENCES_WINDOW (tftsr_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (TftsrPreferencesWindow, tftsr_preferences_window, TFTSR, PREFERENCES_WINDOW,
                      AdwPreferencesWindow)

/* Action: preferences.show-ai-providers. Signals: ::ready once the stored settings are shown; ::saved (gboolean ok) after each
 * change was written (or refused, the reason shown as a toast). */
TftsrPreferencesWindow *tftsr_preferences_window_new (TftsrStore *store);
/* Shows the AI Providers page. */
void tftsr_preferences_window_show_ai_providers (TftsrPreferencesWindow *self);
/* Shows the Integrations page. */
void tftsr_preferences_window_show_integrations (TftsrPreferencesWindow *self);
/* Shows the MCP Servers page. */
void tftsr_preferences_window_show_mcp (TftsrPreferencesWindow *self);
/* Shows @text (plain text, any bytes) as a toast of the Preferences window @inside is
 * in; nothing when it is in none (any more). */
void tftsr_preferences_window_toast (GtkWidget *inside, const char *text);
/* The settings as shown. */
const TftsrPiiSettings *tftsr_preferences_window_get_settings (TftsrPreferencesWindow *self);

G_END_DECLS
