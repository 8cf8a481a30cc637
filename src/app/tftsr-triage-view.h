/* tftsr-triage-view.h: the triage chat of an incident, with its 5-Whys panel
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include <tftsr.h>

#include "tftsr-whys-panel.h"

G_BEGIN_DECLS

#define TFTSR_TYPE_TRIAGE_VIEW (tftsr_triage_view_get_type ())
G_DECLARE_FINAL_TYPE (TftsrTriageView, tftsr_triage_view, TFTSR, TRIAGE_VIEW, GtkWidget)

/* Signals: ::failed (GError *) for what the window tells as a toast: a reply that failed
 * (also shown in the message), a provider that asks to wait, a load that failed. */
void tftsr_triage_view_set_store (TftsrTriageView *self, TftsrStore *store);
/* Shows the conversation of incident @issue_id (0: none). A reply still streaming for the
 * incident shown before is stopped (and kept, marked as stopped). */
void tftsr_triage_view_load (TftsrTriageView *self, gint64 issue_id);
/* The provider in use (property "provider"), or NULL: none, or not read yet. */
const TftsrAiProvider *tftsr_triage_view_get_provider (TftsrTriageView *self);
/* The 5-Whys panel beside the chat, for what records whys elsewhere to reload it. */
TftsrWhysPanel *tftsr_triage_view_get_whys_panel (TftsrTriageView *self);
/* Adds @attachment to what goes with the next message in the chat of @issue_id (shown
 * now or later), unless it is there already. */
void tftsr_triage_view_attach (TftsrTriageView *self, gint64 issue_id,
                               const TftsrTriageAttachment *attachment);

G_END_DECLS
