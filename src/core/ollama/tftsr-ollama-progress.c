/* tftsr-ollama-progress.c: the lines of POST /api/pull added up into one progress
 *
 * Ollama streams {"status"} lines for the steps ("pulling manifest", "verifying sha256
 * digest", "success") and {"status", "digest", "total", "completed"} lines for each layer
 * it downloads, one layer after another. The overall fraction is the bytes completed of all
 * layers announced so far over their total. A layer announced late makes that ratio drop,
 * so the fraction reported is the highest seen: a progress bar never runs backwards. It
 * stays below 1 until "success", because verifying a large model takes minutes after the
 * last byte arrived.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>

#include "tftsr-ai-wire.h"
#include "tftsr-ollama-private.h"

/* A model has a handful of layers; far more is a peer that is not Ollama. With at most 2^50
 * bytes per layer the sums cannot overflow. */
#define MAX_LAYERS 1024
#define MAX_LAYER_BYTES (G_GUINT64_CONSTANT (1) << 50)
#define MAX_FRACTION_BEFORE_SUCCESS 0.99

typedef struct
{
  guint64 completed;
  guint64 total;
} Layer;

struct _TftsrPullTracker
{
  TftsrOllamaPullFunc progress;
  gpointer progress_data;
  GHashTable *layers; /* digest → Layer */
  guint64 completed;  /* sums over the layers */
  guint64 total;
  double fraction;
  char *status;
  gboolean success;
};

TftsrPullTracker *
tftsr_pull_tracker_new (TftsrOllamaPullFunc progress, gpointer progress_data)
{
  TftsrPullTracker *tracker = g_new0 (TftsrPullTracker, 1);

  tracker->progress = progress;
  tracker->progress_data = progress_data;
  tracker->layers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return tracker;
}

void
tftsr_pull_tracker_free (TftsrPullTracker *tracker)
{
  if (tracker == NULL)
    return;
  g_hash_table_unref (tracker->layers);
  g_free (tracker->status);
  g_free (tracker);
}

gboolean
tftsr_pull_tracker_succeeded (TftsrPullTracker *tracker)
{
  return tracker->success;
}

/* A byte count member; absent, negative or not an integer counts as 0. */
static guint64
member_bytes (json_object *line, const char *key)
{
  json_object *value = NULL;

  if (!json_object_object_get_ex (line, key, &value) || !json_object_is_type (value, json_type_int))
    return 0;
  return (guint64) CLAMP (json_object_get_int64 (value), 0, (gint64) MAX_LAYER_BYTES);
}

static gboolean
update_layer (TftsrPullTracker *tracker, const char *digest, json_object *line, GError **error)
{
  guint64 total = member_bytes (line, "total");
  guint64 completed = MIN (member_bytes (line, "completed"), total);
  Layer *layer = g_hash_table_lookup (tracker->layers, digest);

  if (layer == NULL)
    {
      if (g_hash_table_size (tracker->layers) >= MAX_LAYERS)
        {
          g_set_error (error, TFTSR_OLLAMA_ERROR, TFTSR_OLLAMA_ERROR_MALFORMED,
                       _ ("Ollama announced more than %d layers, more than any model has"),
                       MAX_LAYERS);
          return FALSE;
        }
      layer = g_new0 (Layer, 1);
      g_hash_table_insert (tracker->layers, g_strdup (digest), layer);
    }
  tracker->completed = tracker->completed - layer->completed + completed;
  tracker->total = tracker->total - layer->total + total;
  layer->completed = completed;
  layer->total = total;
  return TRUE;
}

static void
update_fraction (TftsrPullTracker *tracker)
{
  double bytes;

  if (tracker->success)
    {
      tracker->fraction = 1.0;
      return;
    }
  if (tracker->total == 0)
    return;
  bytes = (double) tracker->completed / (double) tracker->total;
  tracker->fraction = MAX (tracker->fraction, MIN (bytes, MAX_FRACTION_BEFORE_SUCCESS));
}

static void
report (TftsrPullTracker *tracker, const char *digest)
{
  TftsrOllamaPullProgress progress = {
    tracker->status != NULL ? tracker->status : "",
    digest,
    tracker->completed,
    tracker->total,
    tracker->fraction,
  };

  if (tracker->progress != NULL)
    tracker->progress (&progress, tracker->progress_data);
}

gboolean
tftsr_pull_tracker_take_line (TftsrPullTracker *tracker, const char *line, gsize len,
                              GError **error)
{
  g_autoptr (json_object) obj = tftsr_ai_parse_object (line, len, NULL);
  g_autofree char *failure = NULL;
  const char *status, *digest;

  if (obj == NULL)
    {
      g_set_error_literal (error, TFTSR_OLLAMA_ERROR, TFTSR_OLLAMA_ERROR_MALFORMED,
                           _ ("Ollama sent a progress line that is not JSON"));
      return FALSE;
    }
  if ((failure = tftsr_ai_error_member_message (obj)) != NULL)
    {
      g_set_error_literal (error, TFTSR_OLLAMA_ERROR, TFTSR_OLLAMA_ERROR_FAILED, failure);
      return FALSE;
    }
  digest = tftsr_ai_json_string (obj, "digest");
  if (digest != NULL && *digest != '\0' && !update_layer (tracker, digest, obj, error))
    return FALSE;
  if ((status = tftsr_ai_json_string (obj, "status")) != NULL)
    {
      g_free (tracker->status);
      tracker->status = g_strdup (status);
      tracker->success = tracker->success || g_str_equal (status, "success");
    }
  update_fraction (tracker);
  report (tracker, digest);
  return TRUE;
}
