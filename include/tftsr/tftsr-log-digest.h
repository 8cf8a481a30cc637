/* tftsr-log-digest.h: what a model needs to see of a log that is too big to send whole
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tftsr-log.h"

G_BEGIN_DECLS

typedef struct _TftsrLogDigest TftsrLogDigest;

/* At most @budget bytes of text about log @log_id: the whole log when it fits, else a
 * digest of its templates (tftsr-log-insight.h; mined now if they are not stored): those
 * new or more frequent after the marked change, the errors and warnings, the most frequent
 * and the rare ones, each with its count, lines, times and first line. The text is the
 * log's own (not redacted): it goes through egress when it leaves. @progress gets bytes
 * read and the log's size. */
TftsrLogDigest *tftsr_store_digest_log (TftsrStore *store, gint64 log_id, gsize budget,
                                        TftsrProgressFunc progress, gpointer progress_data,
                                        GCancellable *cancellable, GError **error);
/* The same for lines @first_line..@last_line of the log (1-based, both included, numbered
 * as the log viewer numbers them): those lines as they are when they fit @budget, else a
 * digest of their templates (mined from them), its lines numbered as in the log. Only the chunks holding them are read.
 * TFTSR_STORE_ERROR_INVALID when that is no range or the log does not have those lines. */
TftsrLogDigest *tftsr_store_digest_log_lines (TftsrStore *store, gint64 log_id, guint64 first_line,
                                              guint64 last_line, gsize budget,
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
/* Whether the text is the whole log (or all the lines asked for) rather than a digest. */
gboolean tftsr_log_digest_is_whole (const TftsrLogDigest *digest);
/* Lines as the viewer numbers them; error and warning lines by their templates' levels. */
guint64 tftsr_log_digest_get_lines (const TftsrLogDigest *digest);
guint64 tftsr_log_digest_get_error_lines (const TftsrLogDigest *digest);
guint64 tftsr_log_digest_get_warning_lines (const TftsrLogDigest *digest);

G_END_DECLS
