/* tftsr-pii-values.h: the distinct values of an incident and their pseudonym numbers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tftsr-pii.h"
#include "tftsr-store-private.h"

typedef struct _TftsrPiiValues TftsrPiiValues;

/* Works on @db inside the caller's transactions. Keeps a bounded cache of the values it
 * has seen, so memory does not grow with the number of distinct values. */
TftsrPiiValues *tftsr_pii_values_new (sqlite3 *db, gint64 issue_id, GError **error);
void tftsr_pii_values_free (TftsrPiiValues *values);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrPiiValues, tftsr_pii_values_free)

/* The id of (type, value) in pii_values, inserted with the type's next token number if
 * new; @token_index (optional) receives the number. @type_name is the stored type: a catalogue name or "CUSTOM_<NAME>". */
gint64 tftsr_pii_values_intern (TftsrPiiValues *values, const char *type_name, const guint8 *value,
                                gsize len, gint64 *token_index, GError **error);
/* Whether the engineer released value @value_id or its whole type (it leaves as it is);
 * FALSE when that cannot be read, so a failure never un-redacts. */
gboolean tftsr_pii_values_released (TftsrPiiValues *values, gint64 value_id);
/* Removes the values this object inserted that nothing refers to (after a failed
 * ingest). */
void tftsr_pii_values_forget_new (TftsrPiiValues *values);
/* The name a span's type is stored under. */
char *tftsr_pii_type_name_for_span (TftsrPiiScanner *scanner, const TftsrPiiSpan *span);
