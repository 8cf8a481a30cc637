/* tftsr-pii-private.h: the catalogue's internals shared by the scanner's parts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "tftsr-pii.h"

/* Higher wins an overlap: validated secrets, then specific formats, then generic ones. */
typedef enum
{
  PRIORITY_GENERIC = 10,   /* hostnames, user names */
  PRIORITY_NETWORK = 40,   /* addresses */
  PRIORITY_NUMBER = 50,    /* phone, SSN */
  PRIORITY_VALIDATED = 60, /* Luhn, mod-97 */
  PRIORITY_KEYWORD = 70,   /* password=…, api_key: … */
  PRIORITY_HEADER = 75,    /* Authorization: Basic/Bearer, URL credentials */
  PRIORITY_TOKEN = 85,     /* vendor formats with a fixed prefix */
  PRIORITY_BLOCK = 95,     /* PEM private keys, JWTs */
} TftsrPiiPriority;

/* The longest span a scan must see whole (a PEM block, its pattern caps the body at
 * 16,000 bytes); streams keep this much look-ahead. */
#define TFTSR_PII_MAX_SPAN (20 * 1024)

/* A stream with its own batch and look-ahead sizes: tests and fuzzing cut small inputs
 * many times. Spans longer than @lookahead may be missed. */
TftsrPiiStream *tftsr_pii_stream_new_full (TftsrPiiScanner *scanner, gsize batch, gsize lookahead,
                                           TftsrPiiSpanFunc func, gpointer user_data);
/* Stream offset before which no span will be reported any more. */
guint64 tftsr_pii_stream_get_horizon (TftsrPiiStream *stream);

typedef struct
{
  const char *name;
  const char *description;
  const char *pattern;
  TftsrPiiPriority priority;
} TftsrPiiTypeInfo;

const TftsrPiiTypeInfo *tftsr_pii_type_info (TftsrPiiType type);
/* The type's pattern compiled once per process, anchored, JIT-compiled. */
const pcre2_code *tftsr_pii_type_code (TftsrPiiType type);

/* Validators (tftsr-pii-validate.c). Each takes the matched bytes. */
gboolean tftsr_pii_luhn_valid (const guint8 *s, gsize len);
gboolean tftsr_pii_card_valid (const guint8 *s, gsize len);
gboolean tftsr_pii_iban_valid (const guint8 *s, gsize len);
gboolean tftsr_pii_ssn_valid (const guint8 *s, gsize len);
gboolean tftsr_pii_ipv4_parse (const guint8 *s, gsize len, guint32 *address);
gboolean tftsr_pii_ipv6_parse (const guint8 *s, gsize len, guint8 address[16]);
gboolean tftsr_pii_phone_valid (const guint8 *s, gsize len);
gboolean tftsr_pii_jwt_valid (const guint8 *s, gsize len);
gboolean tftsr_pii_basic_auth_valid (const guint8 *s, gsize len);
gboolean tftsr_pii_hostname_valid (const guint8 *s, gsize len);
gboolean tftsr_pii_token_valid (const guint8 *s, gsize len);

/* The allow-list (tftsr-pii-allow.c). */
typedef struct _TftsrPiiAllowList TftsrPiiAllowList;
TftsrPiiAllowList *tftsr_pii_allow_list_new (void);
void tftsr_pii_allow_list_free (TftsrPiiAllowList *list);
gboolean tftsr_pii_allow_list_add (TftsrPiiAllowList *list, const char *entry, GError **error);
/* Whether a detected value of @type is allowed (not reported). */
gboolean tftsr_pii_allow_list_contains (const TftsrPiiAllowList *list, TftsrPiiType type,
                                        const guint8 *value, gsize len);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrPiiAllowList, tftsr_pii_allow_list_free)
