/* tftsr-export.h: writing something out of the app to a file the user chose, in a worker
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <tftsr.h>

G_BEGIN_DECLS

/* Writes to @output what is to leave, through the egress module, with @destination as the
 * audit entry's destination (the file's URI). Runs in the worker. */
typedef TftsrEgressReceipt *(*TftsrExportFunc) (gpointer data, GOutputStream *output,
                                                const char *destination, GCancellable *cancellable,
                                                GError **error);

/* Replaces @file with what @func writes; on failure or cancellation the file is left as it
 * was (nothing half-written). @data is freed with @data_free when done. */
void tftsr_export_to_file_async (GFile *file, TftsrExportFunc func, gpointer data,
                                 GDestroyNotify data_free, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data);
TftsrEgressReceipt *tftsr_export_to_file_finish (GAsyncResult *result, GError **error);

/* "Saved, 3 values replaced" and the like, for a toast. */
char *tftsr_export_describe (const TftsrEgressReceipt *receipt);

G_END_DECLS
