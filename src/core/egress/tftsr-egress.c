/* tftsr-egress.c: redaction on the way out, with a receipt in the audit log
 *
 * Output goes through a digest: what is hashed is exactly what was written, and the audit
 * entry records that hash, the byte count, the destination and the replacements by type.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>
#include <json.h>
#include <openssl/evp.h>
#include <string.h>

#include "tftsr-audit.h"
#include "tftsr-egress.h"
#include "tftsr-image.h"
#include "tftsr-log.h"
#include "tftsr-pii-private.h"
#include "tftsr-pii-values.h"

#define READ_BLOCK (256 * 1024)

struct _TftsrEgressReceipt
{
  char *sha256;
  guint64 bytes;
  GHashTable *counts; /* type name -> GUINT_TO_POINTER (count) */
};

const char *
tftsr_egress_receipt_get_sha256 (const TftsrEgressReceipt *receipt)
{
  return receipt->sha256;
}

guint64
tftsr_egress_receipt_get_bytes (const TftsrEgressReceipt *receipt)
{
  return receipt->bytes;
}

GHashTable *
tftsr_egress_receipt_get_counts (const TftsrEgressReceipt *receipt)
{
  return receipt->counts;
}

void
tftsr_egress_receipt_free (TftsrEgressReceipt *receipt)
{
  if (receipt == NULL)
    return;
  g_free (receipt->sha256);
  g_hash_table_unref (receipt->counts);
  g_free (receipt);
}

/* --- a digest on the output ------------------------------------------------------------ */

typedef struct
{
  GOutputStream *output;
  EVP_MD_CTX *sha256;
  guint64 bytes;
  GHashTable *counts;
} Departure;

static void
departure_init (Departure *d, GOutputStream *output)
{
  d->output = output;
  d->sha256 = EVP_MD_CTX_new ();
  EVP_DigestInit_ex (d->sha256, EVP_sha256 (), NULL);
  d->bytes = 0;
  d->counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

static void
departure_clear (Departure *d)
{
  EVP_MD_CTX_free (d->sha256);
  g_clear_pointer (&d->counts, g_hash_table_unref);
}

static gboolean
departure_write (Departure *d, const void *data, gsize len, GCancellable *cancellable,
                 GError **error)
{
  EVP_DigestUpdate (d->sha256, data, len);
  d->bytes += len;
  return g_output_stream_write_all (d->output, data, len, NULL, cancellable, error);
}

static void
count (Departure *d, const char *type_name, guint n)
{
  guint old = GPOINTER_TO_UINT (g_hash_table_lookup (d->counts, type_name));
  g_hash_table_replace (d->counts, g_strdup (type_name), GUINT_TO_POINTER (old + n));
}

/* Describes @parts for the audit entry: kinds, ids, lines and hashes, never content. */
static json_object *
parts_json (GPtrArray *parts)
{
  json_object *array = json_object_new_array ();

  for (guint i = 0; i < parts->len; i++)
    {
      TftsrEgressPart *part = parts->pdata[i];
      json_object *obj = json_object_new_object ();

      json_object_object_add (obj, "kind", json_object_new_string (part->kind));
      json_object_object_add (obj, g_str_equal (part->kind, "image") ? "image" : "log",
                              json_object_new_int64 (part->id));
      if (part->first_line > 0)
        {
          json_object_object_add (obj, "first_line", json_object_new_int64 (part->first_line));
          json_object_object_add (obj, "last_line", json_object_new_int64 (part->last_line));
        }
      if (!g_str_equal (part->kind, "image"))
        json_object_object_add (obj, "digest", json_object_new_boolean (part->digest));
      json_object_object_add (obj, "sha256", json_object_new_string (part->sha256));
      json_object_object_add (obj, "bytes", json_object_new_int64 ((gint64) part->bytes));
      json_object_array_add (array, obj);
    }
  return array;
}

/* Closes the departure: flushes, writes the audit entry (listing @parts, may be NULL),
 * hands out the receipt. */
static TftsrEgressReceipt *
departure_finish (Departure *d, TftsrStore *store, const char *destination, const char *what,
                  gint64 id, GPtrArray *parts, GCancellable *cancellable, GError **error)
{
  guint8 digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  GString *hex = g_string_new (NULL);
  g_autoptr (TftsrEgressReceipt) receipt = g_new0 (TftsrEgressReceipt, 1);
  json_object *detail = json_object_new_object ();
  json_object *counts = json_object_new_object ();
  GHashTableIter iter;
  gpointer key, value;
  gboolean ok;

  EVP_DigestFinal_ex (d->sha256, digest, &len);
  for (unsigned int i = 0; i < len; i++)
    g_string_append_printf (hex, "%02x", digest[i]);
  receipt->sha256 = g_string_free (hex, FALSE);
  receipt->bytes = d->bytes;
  receipt->counts = g_steal_pointer (&d->counts);

  if (id > 0)
    json_object_object_add (detail, what, json_object_new_int64 (id));
  json_object_object_add (detail, "sha256", json_object_new_string (receipt->sha256));
  json_object_object_add (detail, "bytes", json_object_new_int64 ((gint64) receipt->bytes));
  g_hash_table_iter_init (&iter, receipt->counts);
  while (g_hash_table_iter_next (&iter, &key, &value))
    json_object_object_add (counts, key, json_object_new_int64 (GPOINTER_TO_UINT (value)));
  json_object_object_add (detail, "replaced", counts);
  if (parts != NULL && parts->len > 0)
    json_object_object_add (detail, "attachments", parts_json (parts));
  ok = g_output_stream_flush (d->output, cancellable, error) &&
       tftsr_audit_append (store, "egress.send", destination,
                           json_object_to_json_string_ext (detail, JSON_C_TO_STRING_PLAIN), error);
  json_object_put (detail);
  return ok ? g_steal_pointer (&receipt) : NULL;
}

/* --- a stored log ------------------------------------------------------------------------ */

/* Writes to a Departure: the log's redacted text passes through here. */
static gssize
departure_stream_write (GOutputStream *stream, const void *buffer, gsize count_,
                        GCancellable *cancellable, GError **error)
{
  Departure *d = g_object_get_data (G_OBJECT (stream), "departure");
  return departure_write (d, buffer, count_, cancellable, error) ? (gssize) count_ : -1;
}

G_DECLARE_FINAL_TYPE (TftsrDepartureStream, tftsr_departure_stream, TFTSR, DEPARTURE_STREAM,
                      GOutputStream)

struct _TftsrDepartureStream
{
  GOutputStream parent_instance;
};

G_DEFINE_FINAL_TYPE (TftsrDepartureStream, tftsr_departure_stream, G_TYPE_OUTPUT_STREAM)

static void
tftsr_departure_stream_class_init (TftsrDepartureStreamClass *klass)
{
  G_OUTPUT_STREAM_CLASS (klass)->write_fn = departure_stream_write;
}

static void
tftsr_departure_stream_init (TftsrDepartureStream *self)
{
}

static gboolean
count_log_replacements (TftsrStore *store, gint64 log_id, Departure *d, GError **error)
{
  g_autoptr (TftsrConn) conn = tftsr_conn_acquire (store, error);
  g_autoptr (sqlite3_stmt) stmt = NULL;

  if (conn == NULL || (stmt = tftsr_db_prepare (conn->db,
                                                "SELECT v.type, count(*) FROM pii_spans s "
                                                "JOIN pii_values v ON v.id = s.value_id "
                                                "LEFT JOIN pii_type_decisions t "
                                                " ON t.issue_id = v.issue_id AND t.type = v.type "
                                                "WHERE s.log_id = ?1 AND NOT v.released "
                                                " AND NOT coalesce(t.released, 0) GROUP BY v.type",
                                                error)) == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, log_id);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    count (d, tftsr_db_text (stmt, 0), (guint) sqlite3_column_int (stmt, 1));
  return TRUE;
}

TftsrEgressReceipt *
tftsr_egress_export_log (TftsrStore *store, gint64 log_id, GOutputStream *output,
                         const char *destination, GCancellable *cancellable, GError **error)
{
  g_autoptr (GOutputStream) stream = g_object_new (tftsr_departure_stream_get_type (), NULL);
  TftsrEgressReceipt *receipt = NULL;
  Departure d;

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (output), NULL);
  g_return_val_if_fail (destination != NULL, NULL);

  departure_init (&d, output);
  g_object_set_data (G_OBJECT (stream), "departure", &d);
  if (tftsr_store_write_log (store, log_id, TRUE, stream, cancellable, error) &&
      count_log_replacements (store, log_id, &d, error))
    receipt = departure_finish (&d, store, destination, "log", log_id, NULL, cancellable, error);
  departure_clear (&d);
  return receipt;
}

/* --- a stored image ---------------------------------------------------------------------- */

/* Images cannot be redacted: they leave as stored, and only once acknowledged. */
TftsrEgressReceipt *
tftsr_egress_export_image (TftsrStore *store, gint64 image_id, GOutputStream *output,
                           const char *destination, GCancellable *cancellable, GError **error)
{
  g_autoptr (TftsrImage) image = NULL;
  g_autoptr (GBytes) bytes = NULL;
  TftsrEgressReceipt *receipt = NULL;
  gsize len = 0;
  const guint8 *data;
  Departure d;

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (output), NULL);
  g_return_val_if_fail (destination != NULL, NULL);

  if ((image = tftsr_store_get_image (store, image_id, error)) == NULL ||
      !tftsr_image_check_acknowledged (image, error) ||
      (bytes = tftsr_store_get_image_bytes (store, image_id, error)) == NULL)
    return NULL;
  data = g_bytes_get_data (bytes, &len);
  departure_init (&d, output);
  if (departure_write (&d, data, len, cancellable, error))
    receipt =
        departure_finish (&d, store, destination, "image", image_id, NULL, cancellable, error);
  departure_clear (&d);
  return receipt;
}

/* --- any text -------------------------------------------------------------------------- */

typedef struct
{
  Departure departure;
  TftsrPiiScanner *scanner;
  TftsrPiiStream *stream;
  GByteArray *text;       /* input from @written on, not yet written */
  guint64 written;        /* stream offset of text->data[0] */
  TftsrPiiValues *values; /* the incident's pseudonyms, or NULL */
  GHashTable *local;      /* type NUL value -> number, without an incident */
  GHashTable *next;       /* type -> next number, without an incident */
  GCancellable *cancellable;
  GError *error;
} Redaction;

/* Writes the text up to stream offset @until and forgets it. */
static void
emit_until (Redaction *r, guint64 until)
{
  gsize n;

  if (until <= r->written || r->error != NULL)
    return;
  n = MIN (until - r->written, r->text->len);
  departure_write (&r->departure, r->text->data, n, r->cancellable, &r->error);
  g_byte_array_remove_range (r->text, 0, n);
  r->written += n;
}

/* Numbers values in order of appearance, per type, for text without an incident. */
static gint64
local_number (Redaction *r, const char *type_name, const guint8 *value, gsize len)
{
  GByteArray *key = g_byte_array_new ();
  g_autoptr (GBytes) bytes = NULL;
  gpointer known;
  guint next;

  g_byte_array_append (key, (const guint8 *) type_name, strlen (type_name) + 1);
  g_byte_array_append (key, value, len);
  bytes = g_byte_array_free_to_bytes (key);
  known = g_hash_table_lookup (r->local, bytes);
  if (known != NULL)
    return GPOINTER_TO_UINT (known);
  next = GPOINTER_TO_UINT (g_hash_table_lookup (r->next, type_name)) + 1;
  g_hash_table_replace (r->next, g_strdup (type_name), GUINT_TO_POINTER (next));
  g_hash_table_insert (r->local, g_steal_pointer (&bytes), GUINT_TO_POINTER (next));
  return next;
}

static void
on_span (const TftsrPiiSpan *span, const guint8 *value, gpointer user_data)
{
  Redaction *r = user_data;
  g_autofree char *type_name = tftsr_pii_type_name_for_span (r->scanner, span);
  g_autofree char *token = NULL;
  gsize len = span->end - span->start;
  gint64 number = 0, value_id = 0;

  emit_until (r, span->start);
  if (r->error != NULL)
    return;
  if (r->values != NULL)
    value_id = tftsr_pii_values_intern (r->values, type_name, value, len, &number, &r->error);
  else
    number = local_number (r, type_name, value, len);
  if (r->error != NULL)
    return;
  /* A value released in review leaves as it is, as it does from the incident's logs. */
  if (value_id > 0 && tftsr_pii_values_released (r->values, value_id))
    {
      emit_until (r, span->end);
      return;
    }
  token = g_strdup_printf ("<%s_%" G_GINT64_FORMAT ">", type_name, number);
  departure_write (&r->departure, token, strlen (token), r->cancellable, &r->error);
  count (&r->departure, type_name, 1);
  /* The value's bytes are skipped, whether or not they arrived yet. */
  g_byte_array_remove_range (r->text, 0, MIN (len, r->text->len));
  r->written = span->end;
}

static gboolean
redact_input (Redaction *r, GInputStream *input, GError **error)
{
  g_autofree guint8 *block = g_malloc (READ_BLOCK);
  gssize n;

  while ((n = g_input_stream_read (input, block, READ_BLOCK, r->cancellable, error)) > 0)
    {
      g_byte_array_append (r->text, block, n);
      tftsr_pii_stream_feed (r->stream, block, n);
      emit_until (r, tftsr_pii_stream_get_horizon (r->stream));
      if (r->error != NULL)
        break;
    }
  if (n < 0)
    return FALSE;
  tftsr_pii_stream_finish (r->stream);
  r->stream = NULL;
  emit_until (r, r->written + r->text->len);
  if (r->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&r->error));
      return FALSE;
    }
  return TRUE;
}

static gboolean
redaction_begin (Redaction *r, TftsrStore *store, TftsrConn **conn, gint64 issue_id,
                 TftsrPiiScanner *scanner, GOutputStream *output, GCancellable *cancellable,
                 GError **error)
{
  if (issue_id > 0 && ((*conn = tftsr_conn_acquire (store, error)) == NULL ||
                       (r->values = tftsr_pii_values_new ((*conn)->db, issue_id, error)) == NULL))
    return FALSE;
  departure_init (&r->departure, output);
  r->scanner = scanner;
  r->cancellable = cancellable;
  r->text = g_byte_array_new ();
  r->local =
      g_hash_table_new_full (g_bytes_hash, g_bytes_equal, (GDestroyNotify) g_bytes_unref, NULL);
  r->next = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  r->stream = tftsr_pii_stream_new (scanner, on_span, r);
  return TRUE;
}

static void
redaction_clear (Redaction *r)
{
  g_clear_pointer (&r->stream, tftsr_pii_stream_free);
  g_clear_error (&r->error);
  g_clear_pointer (&r->text, g_byte_array_unref);
  g_clear_pointer (&r->local, g_hash_table_unref);
  g_clear_pointer (&r->next, g_hash_table_unref);
  g_clear_pointer (&r->values, tftsr_pii_values_free);
  if (r->departure.sha256 != NULL)
    departure_clear (&r->departure);
}

TftsrEgressReceipt *
tftsr_egress_redact_stream (TftsrStore *store, gint64 issue_id, TftsrPiiScanner *scanner,
                            GInputStream *input, GOutputStream *output, const char *destination,
                            GCancellable *cancellable, GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;
  TftsrEgressReceipt *receipt = NULL;
  Redaction r = { 0 };

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);
  g_return_val_if_fail (TFTSR_IS_PII_SCANNER (scanner), NULL);
  g_return_val_if_fail (G_IS_INPUT_STREAM (input) && G_IS_OUTPUT_STREAM (output), NULL);
  g_return_val_if_fail (destination != NULL, NULL);

  if (redaction_begin (&r, store, &conn, issue_id, scanner, output, cancellable, error) &&
      redact_input (&r, input, error))
    receipt = departure_finish (&r.departure, store, destination, "issue", issue_id, NULL,
                                cancellable, error);
  redaction_clear (&r);
  return receipt;
}

char *
tftsr_egress_redact_text (TftsrStore *store, gint64 issue_id, TftsrPiiScanner *scanner,
                          const char *text, GHashTable *counts, GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;
  g_autoptr (GInputStream) input = NULL;
  g_autoptr (GOutputStream) output = g_memory_output_stream_new_resizable ();
  Redaction r = { 0 };
  char *redacted = NULL;

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);
  g_return_val_if_fail (TFTSR_IS_PII_SCANNER (scanner), NULL);
  g_return_val_if_fail (text != NULL, NULL);

  input = g_memory_input_stream_new_from_data (text, strlen (text), NULL);
  if (redaction_begin (&r, store, &conn, issue_id, scanner, output, NULL, error) &&
      redact_input (&r, input, error) &&
      g_output_stream_write_all (output, "", 1, NULL, NULL, error))
    {
      GHashTableIter iter;
      gpointer key, value;

      g_hash_table_iter_init (&iter, r.departure.counts);
      while (counts != NULL && g_hash_table_iter_next (&iter, &key, &value))
        g_hash_table_replace (
            counts, g_strdup (key),
            GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (counts, key)) +
                              GPOINTER_TO_UINT (value)));
      g_output_stream_close (output, NULL, NULL);
      redacted = g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (output));
    }
  redaction_clear (&r);
  return redacted;
}

TftsrEgressPart *
tftsr_egress_part_new (const char *kind, gint64 id, gconstpointer data, gsize len)
{
  TftsrEgressPart *part = g_new0 (TftsrEgressPart, 1);

  g_return_val_if_fail (kind != NULL, NULL);

  part->kind = g_strdup (kind);
  part->id = id;
  part->sha256 = g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, len);
  part->bytes = len;
  return part;
}

void
tftsr_egress_part_free (TftsrEgressPart *part)
{
  if (part == NULL)
    return;
  g_free (part->kind);
  g_free (part->sha256);
  g_free (part);
}

TftsrEgressReceipt *
tftsr_egress_record (TftsrStore *store, gint64 issue_id, const char *destination, GBytes *bytes,
                     GHashTable *counts, GError **error)
{
  return tftsr_egress_record_parts (store, issue_id, destination, bytes, counts, NULL, error);
}

TftsrEgressReceipt *
tftsr_egress_record_parts (TftsrStore *store, gint64 issue_id, const char *destination,
                           GBytes *bytes, GHashTable *counts, GPtrArray *parts, GError **error)
{
  g_autoptr (GOutputStream) sink = g_memory_output_stream_new_resizable ();
  TftsrEgressReceipt *receipt;
  Departure d;
  GHashTableIter iter;
  gpointer key, value;

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);
  g_return_val_if_fail (destination != NULL && bytes != NULL, NULL);

  departure_init (&d, sink);
  EVP_DigestUpdate (d.sha256, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  d.bytes = g_bytes_get_size (bytes);
  if (counts != NULL)
    {
      g_hash_table_iter_init (&iter, counts);
      while (g_hash_table_iter_next (&iter, &key, &value))
        count (&d, key, GPOINTER_TO_UINT (value));
    }
  receipt = departure_finish (&d, store, destination, "issue", issue_id, parts, NULL, error);
  departure_clear (&d);
  return receipt;
}
