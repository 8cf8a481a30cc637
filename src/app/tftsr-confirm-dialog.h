/* tftsr-confirm-dialog.h: asking before something is removed or deleted
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Presents, over @widget's window, a message dialog with @heading and @body (either may be
 * NULL) that offers "_Cancel" and the destructive @response labelled @label, Cancel being
 * the default and what closing the dialog answers. @answered is connected to its "response"
 * signal with @job, which the dialog owns: @job_free frees it when the dialog goes. */
void tftsr_confirm_destructive (GtkWidget *widget, const char *heading, const char *body,
                                const char *response, const char *label, GCallback answered,
                                gpointer job, GDestroyNotify job_free);

/* The same asking "Remove “@name”?" (@name made safe to show), with @body, the response
 * "remove" labelled "_Remove". */
void tftsr_confirm_remove (GtkWidget *widget, const char *name, const char *body,
                           GCallback answered, gpointer job, GDestroyNotify job_free);

G_END_DECLS
