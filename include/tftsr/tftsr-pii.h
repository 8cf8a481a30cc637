/* tftsr-pii.h: the catalogue of personal data and secrets, and the streaming scanner
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Stable names (upper snake case) are part of the CLI contract; more may be added at the
 * end, none renamed. */
typedef enum
{
  TFTSR_PII_EMAIL,
  TFTSR_PII_IPV4,
  TFTSR_PII_IPV6,
  TFTSR_PII_MAC,
  TFTSR_PII_PHONE,
  TFTSR_PII_CREDIT_CARD,
  TFTSR_PII_SSN,
  TFTSR_PII_IBAN,
  TFTSR_PII_HOSTNAME,
  TFTSR_PII_USERNAME,
  TFTSR_PII_URL_CREDENTIALS,
  TFTSR_PII_BEARER_TOKEN,
  TFTSR_PII_BASIC_AUTH,
  TFTSR_PII_API_KEY,
  TFTSR_PII_PASSWORD,
  TFTSR_PII_JWT,
  TFTSR_PII_AWS_ACCESS_KEY,
  TFTSR_PII_AWS_SECRET_KEY,
  TFTSR_PII_GITHUB_TOKEN,
  TFTSR_PII_SLACK_TOKEN,
  TFTSR_PII_STRIPE_KEY,
  TFTSR_PII_GOOGLE_API_KEY,
  TFTSR_PII_PRIVATE_KEY,
  TFTSR_PII_N_TYPES,
  /* Spans found by a user-defined pattern. */
  TFTSR_PII_CUSTOM = 1000,
} TftsrPiiType;

#define TFTSR_PII_ERROR (tftsr_pii_error_quark ())
GQuark tftsr_pii_error_quark (void);

typedef enum
{
  TFTSR_PII_ERROR_BAD_PATTERN,
  TFTSR_PII_ERROR_BAD_ALLOW_ENTRY,
} TftsrPiiError;

const char *tftsr_pii_type_to_string (TftsrPiiType type);
gboolean tftsr_pii_type_from_string (const char *name, TftsrPiiType *out);
/* A translated sentence describing what the type finds. */
const char *tftsr_pii_type_get_description (TftsrPiiType type);
/* The type's regular expression (PCRE2 syntax that is also valid for ripgrep's default
 * engine); validators and context checks come on top of it. */
const char *tftsr_pii_type_get_pattern (TftsrPiiType type);

/* What a type is about, for showing detections in colour. */
typedef enum
{
  TFTSR_PII_KIND_PERSONAL, /* people: e-mail, phone, card, SSN, IBAN, user names */
  TFTSR_PII_KIND_NETWORK,  /* addresses and host names */
  TFTSR_PII_KIND_SECRET,   /* credentials, keys and tokens */
  TFTSR_PII_KIND_CUSTOM,   /* the user's patterns and marks */
} TftsrPiiKind;

/* From a stored type name ("EMAIL", "CUSTOM_TICKET"); names this build does not know
 * count as personal. */
TftsrPiiKind tftsr_pii_kind_for_name (const char *name);

/* A detected span: byte offsets into the scanned input, end exclusive. */
typedef struct
{
  guint64 start;
  guint64 end;
  TftsrPiiType type;
  guint custom; /* index of the user pattern when type is TFTSR_PII_CUSTOM */
} TftsrPiiSpan;

#define TFTSR_TYPE_PII_SCANNER (tftsr_pii_scanner_get_type ())
G_DECLARE_FINAL_TYPE (TftsrPiiScanner, tftsr_pii_scanner, TFTSR, PII_SCANNER, GObject)

/* A scanner with every type enabled and the default allow-list (loopback, 0.0.0.0,
 * documentation addresses and domains, the AWS documentation keys). Its configuration
 * must not change while a stream uses it; scanning itself is thread-safe. */
TftsrPiiScanner *tftsr_pii_scanner_new (void);
void tftsr_pii_scanner_set_enabled (TftsrPiiScanner *self, TftsrPiiType type, gboolean enabled);
gboolean tftsr_pii_scanner_get_enabled (TftsrPiiScanner *self, TftsrPiiType type);
/* Extra allow-list entries: exact values, IPv4/IPv6 CIDR ranges ("10.1.0.0/16"), or
 * domain suffixes (".corp.example"). A value on the list is never reported. */
gboolean tftsr_pii_scanner_set_allow_list (TftsrPiiScanner *self, const char *const *entries,
                                           GError **error);
/* A user-defined pattern (PCRE2); its matches are reported as TFTSR_PII_CUSTOM with the
 * pattern's index. The first capture group, if any, is the span. */
gboolean tftsr_pii_scanner_add_pattern (TftsrPiiScanner *self, const char *name, const char *regex,
                                        GError **error);
const char *tftsr_pii_scanner_get_pattern_name (TftsrPiiScanner *self, guint index);

/* Scans a whole buffer; returns TftsrPiiSpan sorted by start, non-overlapping. */
GArray *tftsr_pii_scanner_scan (TftsrPiiScanner *self, const guint8 *data, gsize length);

/* Streaming: spans are delivered in order, each exactly once, wherever the input was cut.
 * @value points at the span's bytes (valid during the call). */
typedef void (*TftsrPiiSpanFunc) (const TftsrPiiSpan *span, const guint8 *value,
                                  gpointer user_data);

typedef struct _TftsrPiiStream TftsrPiiStream;

TftsrPiiStream *tftsr_pii_stream_new (TftsrPiiScanner *scanner, TftsrPiiSpanFunc func,
                                      gpointer user_data);
void tftsr_pii_stream_feed (TftsrPiiStream *stream, const guint8 *data, gsize length);
/* Reports what the end of the input completes and frees the stream. */
void tftsr_pii_stream_finish (TftsrPiiStream *stream);
/* Frees a stream without reporting its tail (a cancelled scan). */
void tftsr_pii_stream_free (TftsrPiiStream *stream);

G_END_DECLS
