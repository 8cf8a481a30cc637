/* fuzz-stream.h: what the fuzz targets of the stream parsers share: a record of what a
 * parser reported, and feeding the input in pieces whose sizes its first bytes choose
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <stdlib.h>
#include <string.h>

#include "tftsr-ai-error.h"

/* Everything one run reported, serialised so that two runs compare with memcmp. */
typedef struct
{
  GByteArray *bytes;
  guint count;
  guint fail_at; /* the item the callback refuses, G_MAXUINT for none */
} FuzzRecord;

typedef gboolean (*FuzzFeedFunc) (gpointer parser, const guint8 *bytes, gsize len, GError **error);

/* The first bytes decide whether the callback refuses an item, and which. */
static inline void
fuzz_record_init (FuzzRecord *record, const guint8 *data, size_t size)
{
  record->bytes = g_byte_array_new ();
  record->count = 0;
  record->fail_at = size > 1 && (data[1] & 0x80) != 0 ? data[1] & 7 : G_MAXUINT;
}

/* Appends one item (an event type, or NULL, and its data), each part length-prefixed so
 * that no two lists serialise alike; FALSE with an error when it is the refused one. */
static inline gboolean
fuzz_record_item (FuzzRecord *record, const char *name, const char *data, gsize len, GError **error)
{
  guint64 sizes[2] = { name != NULL ? strlen (name) : 0, len };

  if (record->count++ == record->fail_at)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "refused");
      return FALSE;
    }
  g_byte_array_append (record->bytes, (const guint8 *) sizes, sizeof sizes);
  g_byte_array_append (record->bytes, (const guint8 *) name, sizes[0]);
  g_byte_array_append (record->bytes, (const guint8 *) data, len);
  return TRUE;
}

/* Ends the record with how the run ended: success, a parser error or the refusal. */
static inline void
fuzz_record_outcome (FuzzRecord *record, const GError *error)
{
  guint8 outcome = 0;

  if (error != NULL && error->domain == TFTSR_AI_ERROR)
    outcome = 1 + error->code;
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    outcome = 100;
  else if (error != NULL)
    abort ();
  g_byte_array_append (record->bytes, &outcome, 1);
}

/* Pieces of 0 to 64 bytes from a xorshift generator seeded with the first bytes. */
static inline gboolean
fuzz_feed_pieces (FuzzFeedFunc feed, gpointer parser, const guint8 *data, size_t size,
                  GError **error)
{
  guint32 state = (size > 0 ? data[0] * 2654435761u : 0) | 1; /* never 0, its fixed point */
  gsize most = size > 0 ? 1 + data[0] % 64 : 1;

  for (size_t pos = 0; pos < size;)
    {
      gsize piece;

      state ^= state << 13;
      state ^= state >> 17;
      state ^= state << 5;
      piece = MIN (state % (most + 1), size - pos);
      if (!feed (parser, data + pos, piece, error))
        return FALSE;
      pos += piece;
    }
  return TRUE;
}

/* All runs must have reported the same. */
static inline void
fuzz_record_compare (FuzzRecord *a, FuzzRecord *b)
{
  if (a->bytes->len != b->bytes->len || memcmp (a->bytes->data, b->bytes->data, a->bytes->len) != 0)
    abort ();
}
