/* tftsr-log-digest.h: what a model needs to see of a log that is too big to send whole
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tftsr-log.h"

G_BEGIN_DECLS

typedef struct _TftsrLogDigest TftsrLogDigest;

/* Reads log @log_id once, in constant memory, into at most @budget bytes of text: the whole
 * log when it fits, else a digest of it: its first and last lines, the error and warning
 * lines grouped by their shape (numbers and ids masked) with how often each occurs and
 * where, and the most repeated lines. The text is the log's own (not redacted): it goes
 * through egress when it leaves. @progress gets bytes read and the log's size. */
TftsrLogDigest *tftsr_store_digest_log (TftsrStore *store, gint64 log_id, gsize budget,
                                        TftsrProgressFunc progress, gpointer progress_data,
                                        GCancellable *cancellable, GError **error);
/* In a worker; @progress is called on the caller's main context. */
void tftsr_store_digest_log_async (TftsrStore *store, gint64 log_id, gsize budget,
                                   TftsrProgressFunc progress, gpointer progress_data,
                                   GCancellable *cancellable, GAsyncReadyCallback callback,
                                   gpointer user_data);
TftsrLogDigest *tftsr_store_digest_log_finish (TftsrStore *store, GAsyncResult *result,
                                               GError **error);

void tftsr_log_digest_free (TftsrLogDigest *digest);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrLogDigest, tftsr_log_digest_free)
/* The text to put in a prompt (valid UTF-8, at most the budget). */
const char *tftsr_log_digest_get_text (const TftsrLogDigest *digest);
/* Whether the text is the whole log rather than a digest. */
gboolean tftsr_log_digest_is_whole (const TftsrLogDigest *digest);
guint64 tftsr_log_digest_get_lines (const TftsrLogDigest *digest);
guint64 tftsr_log_digest_get_error_lines (const TftsrLogDigest *digest);
guint64 tftsr_log_digest_get_warning_lines (const TftsrLogDigest *digest);

G_END_DECLS
