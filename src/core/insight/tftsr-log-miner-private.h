/* tftsr-log-miner-private.h: what the miner's files share: timestamp and level words, the
 * masker's token stream
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tftsr-log-miner.h"

G_BEGIN_DECLS

/* The parameter marker of templates. */
#define TFTSR_LOG_WILD "<*>"
#define TFTSR_LOG_WILD_LEN 3

/* Reads a timestamp at the start of @s (@n bytes) in any form the header detector knows,
 * a year-less one against @reference as tftsr_log_header_detect() says; returns the bytes
 * it took (0: none, *@time untouched). */
gsize tftsr_log_time_parse (const char *s, gsize n, gint64 reference, gint64 *time);

/* The level a word names (INFO, Warning, E, err…), or TFTSR_LOG_LEVEL_NONE; @found (may be
 * NULL) tells a word that is a level ("DEBUG", "V") from one that is not. */
TftsrLogLevel tftsr_log_level_parse (const char *s, gsize n, gboolean *found);

/* A copy the miner keeps of the caller's format. */
TftsrLogFormat *tftsr_log_format_copy (const TftsrLogFormat *format);

/* FNV-1a: tokens are short, and this runs once per token of every line. */
static inline guint64
tftsr_log_token_hash (const char *s, gsize n)
{
  guint64 hash = G_GUINT64_CONSTANT (14695981039346656037);

  for (gsize i = 0; i < n; i++)
    hash = (hash ^ (guchar) s[i]) * G_GUINT64_CONSTANT (1099511628211);
  return hash;
}

/* One token of a masked message: bytes of the masker's text. */
typedef struct
{
  guint32 offset;
  guint32 len;
  guint64 hash;
  gboolean wild; /* the token is <*> */
} TftsrLogToken;

/* Masks @message (@len bytes that start at byte @base of their line, which @pii spans are
 * relative to) into @out (cleared first): tokens separated by one space, parameters as <*>;
 * @tokens (of TftsrLogToken, cleared first) gets each token. */
void tftsr_log_mask_message (const char *message, gsize len, gsize base, const TftsrLogMask *pii,
                             guint n_pii, GString *out, GArray *tokens);

G_END_DECLS
