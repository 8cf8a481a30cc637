/* tftsr-connector-send-dialog.h: reviewing what goes to a connector, then sending it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include <tftsr.h>
#include <tftsr-connector.h>

G_BEGIN_DECLS

typedef enum
{
  TFTSR_SEND_TICKET,  /* create a ticket about the incident */
  TFTSR_SEND_PAGE,    /* page on-call (trigger, acknowledge, resolve) */
  TFTSR_SEND_ACTION,  /* run an automation action, chosen from the connector's */
  TFTSR_SEND_PUBLISH, /* publish the RCA or the post-mortem */
  TFTSR_SEND_NOTIFY,  /* tell a channel about the incident */
} TftsrSendOperation;

#define TFTSR_TYPE_CONNECTOR_SEND_DIALOG (tftsr_connector_send_dialog_get_type ())
G_DECLARE_FINAL_TYPE (TftsrConnectorSendDialog, tftsr_connector_send_dialog, TFTSR,
                      CONNECTOR_SEND_DIALOG, AdwWindow)

/* Shows exactly what @operation sends to @connector about incident @issue_id (the redacted
 * request, tftsr_connector_preview) with Send and Cancel; sending shows progress with a
 * Cancel that stops it. Signals: ::previewed after each preview (or its failure) is shown;
 * ::sent (const char *summary, const char *url or NULL) once the service took it, then the
 * dialog closes; a failure is shown in the dialog, which stays open. */
TftsrConnectorSendDialog *tftsr_connector_send_dialog_new (GtkWindow *parent, TftsrStore *store,
                                                           gint64 issue_id,
                                                           const TftsrConnectorConfig *connector,
                                                           TftsrSendOperation operation);

G_END_DECLS
