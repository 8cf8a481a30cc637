/* tftsr-ollama-model.c: installed models as GET /api/tags lists them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>

#include "tftsr-ai-wire.h"
#include "tftsr-ollama-private.h"

TftsrOllamaModel *
tftsr_ollama_model_copy (const TftsrOllamaModel *model)
{
  TftsrOllamaModel *copy;

  g_return_val_if_fail (model != NULL, NULL);

  copy = g_new0 (TftsrOllamaModel, 1);
  copy->name = g_strdup (model->name);
  copy->digest = g_strdup (model->digest);
  copy->size = model->size;
  copy->modified = model->modified != NULL ? g_date_time_ref (model->modified) : NULL;
  copy->family = g_strdup (model->family);
  copy->parameter_size = g_strdup (model->parameter_size);
  copy->quantization = g_strdup (model->quantization);
  return copy;
}

void
tftsr_ollama_model_free (TftsrOllamaModel *model)
{
  if (model == NULL)
    return;
  g_free (model->name);
  g_free (model->digest);
  g_clear_pointer (&model->modified, g_date_time_unref);
  g_free (model->family);
  g_free (model->parameter_size);
  g_free (model->quantization);
  g_free (model);
}

G_DEFINE_BOXED_TYPE (TftsrOllamaModel, tftsr_ollama_model, tftsr_ollama_model_copy,
                     tftsr_ollama_model_free)

/* A string member as a valid UTF-8 copy (names end up in labels and JSON), or NULL. */
static char *
dup_member (json_object *obj, const char *key)
{
  const char *value = tftsr_ai_json_string (obj, key);

  return value != NULL ? g_utf8_make_valid (value, -1) : NULL;
}

static TftsrOllamaModel *
model_from_json (json_object *entry)
{
  TftsrOllamaModel *model;
  json_object *details = NULL, *size = NULL;
  const char *modified = tftsr_ai_json_string (entry, "modified_at");
  char *name = dup_member (entry, "name");

  if (name == NULL || *name == '\0')
    {
      g_free (name);
      return NULL;
    }
  model = g_new0 (TftsrOllamaModel, 1);
  model->name = name;
  model->digest = dup_member (entry, "digest");
  if (json_object_object_get_ex (entry, "size", &size) && json_object_is_type (size, json_type_int))
    model->size = (guint64) MAX (json_object_get_int64 (size), 0);
  /* Ollama writes local time with an offset and nanoseconds; GLib reads both. */
  model->modified = modified != NULL ? g_date_time_new_from_iso8601 (modified, NULL) : NULL;
  if (json_object_object_get_ex (entry, "details", &details) &&
      json_object_is_type (details, json_type_object))
    {
      model->family = dup_member (details, "family");
      model->parameter_size = dup_member (details, "parameter_size");
      model->quantization = dup_member (details, "quantization_level");
    }
  return model;
}

static int
compare_models (gconstpointer a, gconstpointer b)
{
  const TftsrOllamaModel *x = *(TftsrOllamaModel *const *) a;
  const TftsrOllamaModel *y = *(TftsrOllamaModel *const *) b;

  return g_ascii_strcasecmp (x->name, y->name);
}

GPtrArray *
tftsr_ollama_parse_models (const char *data, gsize len, GError **error)
{
  g_autoptr (json_object) reply = tftsr_ai_parse_object (data, len, NULL);
  json_object *items = NULL;
  GPtrArray *models;

  if (reply == NULL || !json_object_object_get_ex (reply, "models", &items) ||
      !json_object_is_type (items, json_type_array))
    {
      g_set_error_literal (error, TFTSR_OLLAMA_ERROR, TFTSR_OLLAMA_ERROR_MALFORMED,
                           _ ("Ollama answered the list of models with something else"));
      return NULL;
    }
  models = g_ptr_array_new_with_free_func ((GDestroyNotify) tftsr_ollama_model_free);
  for (size_t i = 0; i < json_object_array_length (items); i++)
    {
      TftsrOllamaModel *model = model_from_json (json_object_array_get_idx (items, i));

      if (model != NULL)
        g_ptr_array_add (models, model);
    }
  g_ptr_array_sort (models, compare_models);
  return models;
}
