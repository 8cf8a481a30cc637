/* fuzz-ollama.c: Ollama's replies to the model calls. The first byte chooses: even, a
 * POST /api/pull stream, which must give the same progress reports and end whether fed
 * whole or in pieces of any size, with the fraction in [0, 1], never decreasing, 1 only
 * after "success", and completed never above total; odd, a GET /api/tags body, whose
 * models must be named, valid UTF-8 and sorted.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "fuzz-stream.h"
#include "tftsr-ndjson-parser.h"
#include "tftsr-ollama-private.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

typedef struct
{
  TftsrPullTracker *tracker;
  GByteArray *reports;
  double fraction;
} Pull;

static void
on_progress (const TftsrOllamaPullProgress *progress, gpointer user_data)
{
  Pull *pull = user_data;
  guint64 counts[2] = { progress->completed, progress->total };

  if (progress->status == NULL || progress->fraction < pull->fraction || progress->fraction > 1 ||
      progress->completed > progress->total)
    abort ();
  if (progress->fraction == 1 && !tftsr_pull_tracker_succeeded (pull->tracker))
    abort ();
  pull->fraction = progress->fraction;
  g_byte_array_append (pull->reports, (const guint8 *) counts, sizeof counts);
  g_byte_array_append (pull->reports, (const guint8 *) &progress->fraction, sizeof (double));
  g_byte_array_append (pull->reports, (const guint8 *) progress->status,
                       strlen (progress->status) + 1);
}

static gboolean
on_line (const char *line, gsize len, gpointer user_data, GError **error)
{
  return tftsr_pull_tracker_take_line (((Pull *) user_data)->tracker, line, len, error);
}

static gboolean
feed (gpointer parser, const guint8 *bytes, gsize len, GError **error)
{
  return tftsr_ndjson_parser_feed (parser, bytes, len, error);
}

/* The reports and the end of one run, serialised. */
static GByteArray *
pull (const guint8 *data, size_t size, gboolean whole)
{
  Pull run = { NULL, g_byte_array_new (), 0 };
  g_autoptr (TftsrNdjsonParser) parser = tftsr_ndjson_parser_new (on_line, &run);
  g_autoptr (GError) error = NULL;
  gboolean ok;
  guint8 outcome;

  run.tracker = tftsr_pull_tracker_new (on_progress, &run);
  ok = whole ? feed (parser, data, size, &error)
             : fuzz_feed_pieces (feed, parser, data, size, &error);
  if (ok)
    ok = tftsr_ndjson_parser_finish (parser, &error);
  if (!ok && error->domain != TFTSR_OLLAMA_ERROR && error->domain != TFTSR_AI_ERROR)
    abort ();
  outcome = ok ? (tftsr_pull_tracker_succeeded (run.tracker) ? 1 : 0)
               : (guint8) (2 + (error->domain == TFTSR_AI_ERROR) * 16 + error->code);
  g_byte_array_append (run.reports, &outcome, 1);
  tftsr_pull_tracker_free (run.tracker);
  return run.reports;
}

static void
models (const guint8 *data, size_t size)
{
  g_autoptr (GPtrArray) list = tftsr_ollama_parse_models ((const char *) data, size, NULL);

  for (guint i = 0; list != NULL && i < list->len; i++)
    {
      TftsrOllamaModel *model = list->pdata[i];

      if (model->name == NULL || *model->name == '\0' || !g_utf8_validate (model->name, -1, NULL))
        abort ();
      if (i > 0 &&
          g_ascii_strcasecmp (((TftsrOllamaModel *) list->pdata[i - 1])->name, model->name) > 0)
        abort ();
    }
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autoptr (GByteArray) whole = NULL, pieces = NULL;

  if (size == 0)
    return 0;
  if (data[0] & 1)
    {
      models (data + 1, size - 1);
      return 0;
    }
  whole = pull (data + 1, size - 1, TRUE);
  pieces = pull (data + 1, size - 1, FALSE);
  if (whole->len != pieces->len || memcmp (whole->data, pieces->data, whole->len) != 0)
    abort ();
  return 0;
}
