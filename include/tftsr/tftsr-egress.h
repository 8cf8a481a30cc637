/* tftsr-egress.h: the one door out. Everything that leaves the machine is redacted
 * here, and each departure is written to the audit log with the SHA-256 of the exact
 * bytes that left and where they went.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tftsr-pii.h"
#include "tftsr-store.h"

G_BEGIN_DECLS

/* What one departure carried: for the audit entry and for the person who sent it. */
typedef struct _TftsrEgressReceipt TftsrEgressReceipt;

const char *tftsr_egress_receipt_get_sha256 (const TftsrEgressReceipt *receipt);
guint64 tftsr_egress_receipt_get_bytes (const TftsrEgressReceipt *receipt);
/* Replacements made, by type name ("EMAIL" → 3). */
GHashTable *tftsr_egress_receipt_get_counts (const TftsrEgressReceipt *receipt);
void tftsr_egress_receipt_free (TftsrEgressReceipt *receipt);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrEgressReceipt, tftsr_egress_receipt_free)

/* Writes log @log_id redacted (every value not released in review becomes its pseudonym)
 * to @output, and records the departure to @destination ("file:///…", "stdout", a URL). */
TftsrEgressReceipt *tftsr_egress_export_log (TftsrStore *store, gint64 log_id,
                                             GOutputStream *output, const char *destination,
                                             GCancellable *cancellable, GError **error);

/* Writes image @image_id exactly as stored and records the departure. An image cannot be
 * redacted, so it is refused (TFTSR_IMAGE_ERROR_NOT_ACKNOWLEDGED, nothing written) until the
 * user acknowledged that it may show personal data or secrets
 * (tftsr_store_acknowledge_image_pii()). */
TftsrEgressReceipt *tftsr_egress_export_image (TftsrStore *store, gint64 image_id,
                                               GOutputStream *output, const char *destination,
                                               GCancellable *cancellable, GError **error);

/* Scans @input as it streams and writes it to @output with every detection replaced by a
 * pseudonym. With @issue_id > 0 the pseudonyms are the incident's (new values join its
 * list); with 0 they are numbered for this text alone. Records the departure. */
TftsrEgressReceipt *tftsr_egress_redact_stream (TftsrStore *store, gint64 issue_id,
                                                TftsrPiiScanner *scanner, GInputStream *input,
                                                GOutputStream *output, const char *destination,
                                                GCancellable *cancellable, GError **error);

/* @text with every detection replaced by the incident's pseudonym (new values join its
 * list), unless the engineer released the value or its type. @counts (optional; type name
 * → replacements) accumulates what was replaced. Nothing is recorded here: the request
 * built from such texts is, when it leaves, with tftsr_egress_record(). */
char *tftsr_egress_redact_text (TftsrStore *store, gint64 issue_id, TftsrPiiScanner *scanner,
                                const char *text, GHashTable *counts, GError **error);

/* Records that exactly @bytes leave for @destination about incident @issue_id (0: none):
 * an audit entry with their SHA-256, size and the replacements in @counts. Call it right
 * before sending, with the bytes that are sent. */
TftsrEgressReceipt *tftsr_egress_record (TftsrStore *store, gint64 issue_id,
                                         const char *destination, GBytes *bytes, GHashTable *counts,
                                         GError **error);

/* A log or an image that a request carries inside its bytes, as its audit entry lists
 * it: what it was, and the SHA-256 and size of what of it left (a log's redacted text or
 * digest, an image's bytes), never the content nor the name, which may be personal. */
typedef struct
{
  char *kind;         /* "log", "excerpt", "image" */
  gint64 id;          /* the log's or the image's */
  guint64 first_line; /* an excerpt's lines; 0 otherwise */
  guint64 last_line;
  gboolean digest; /* a log that went as its digest, the whole of it not fitting */
  char *sha256;
  guint64 bytes;
} TftsrEgressPart;

/* A part of @kind and @id whose @len bytes at @data left. */
TftsrEgressPart *tftsr_egress_part_new (const char *kind, gint64 id, gconstpointer data, gsize len);
void tftsr_egress_part_free (TftsrEgressPart *part);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrEgressPart, tftsr_egress_part_free)

/* tftsr_egress_record(), the entry also listing @parts (TftsrEgressPart; may be NULL). */
TftsrEgressReceipt *tftsr_egress_record_parts (TftsrStore *store, gint64 issue_id,
                                               const char *destination, GBytes *bytes,
                                               GHashTable *counts, GPtrArray *parts,
                                               GError **error);

G_END_DECLS
