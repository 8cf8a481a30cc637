/* fuzz-log-header.c: header detection, a header format and the miner on any bytes: nothing
 * is read past the line, every offset stays inside it, and the template a line is given
 * fits the line's masked message
 *
 * Input: a format up to the first newline, then the line (also mined with detection).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdlib.h>
#include <string.h>

#include "tftsr-log-miner.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static void
check_header (const TftsrLogHeader *h, gsize len)
{
  if (h->content_start > len || h->component_start > h->component_end || h->component_end > len ||
      h->level > TFTSR_LOG_LEVEL_CRITICAL)
    abort ();
}

static void
mine (TftsrLogMiner *miner, const char *line, gsize len)
{
  TftsrLogHeader h;
  TftsrLogMask pii = { len / 3, len / 2 };
  g_autofree char *masked = tftsr_log_miner_mask (miner, line, len, &pii, 1, &h);
  guint32 id;
  const TftsrLogTemplate *t;

  check_header (&h, len);
  /* Twice: the second joins the first's template, or a merged one */
  tftsr_log_miner_add (miner, line, len, 0, &pii, 1, NULL);
  id = tftsr_log_miner_add (miner, line, len, len, &pii, 1, &h);
  check_header (&h, len);
  t = tftsr_log_miner_get_template (miner, id);
  if (t == NULL || t->id != id || t->count < 2 || !tftsr_log_template_matches (t->text, masked))
    abort ();
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  const guint8 *nl = memchr (data, '\n', size);
  gsize format_len = nl != NULL ? (gsize) (nl - data) : 0;
  gsize len = nl != NULL ? size - format_len - 1 : size;
  g_autofree char *format_text = g_strndup ((const char *) data, format_len);
  /* The line's own allocation, so a read past it is caught */
  g_autofree char *line = g_malloc (MAX (len, 1));
  g_autoptr (TftsrLogFormat) format = tftsr_log_format_new (format_text, NULL);
  g_autoptr (TftsrLogMiner) miner = tftsr_log_miner_new (4);
  TftsrLogHeader h;

  memcpy (line, nl != NULL ? nl + 1 : data, len);
  tftsr_log_header_detect (line, len, G_GINT64_CONSTANT (1767139200000000), &h);
  check_header (&h, len);
  mine (miner, line, len);
  if (format != NULL)
    {
      if (!tftsr_log_format_parse (format, line, len, G_GINT64_CONSTANT (1767139200000000), &h) &&
          h.content_start != 0)
        abort ();
      check_header (&h, len);
      tftsr_log_miner_set_format (miner, format);
      mine (miner, line, len);
    }
  return 0;
}
