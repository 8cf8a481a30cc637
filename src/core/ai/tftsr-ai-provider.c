/* tftsr-ai-provider.c: the provider value type and its vocabulary
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>
#include <json-c/json.h>

#include "tftsr-ai-provider.h"

static const struct
{
  const char *name;
  const char *label;
} formats[TFTSR_AI_N_FORMATS] = {
  [TFTSR_AI_FORMAT_OPENAI] = { "openai", N_ ("OpenAI-compatible") },
  [TFTSR_AI_FORMAT_ANTHROPIC] = { "anthropic", N_ ("Anthropic") },
  [TFTSR_AI_FORMAT_GEMINI] = { "gemini", N_ ("Google Gemini") },
  [TFTSR_AI_FORMAT_MISTRAL] = { "mistral", N_ ("Mistral") },
  [TFTSR_AI_FORMAT_OLLAMA] = { "ollama", N_ ("Ollama") },
  [TFTSR_AI_FORMAT_CUSTOM] = { "custom", N_ ("Custom REST") },
};

static const char *const tools_names[] = { "auto", "on", "off" };

const char *
tftsr_ai_format_to_string (TftsrAiFormat format)
{
  g_return_val_if_fail (format < TFTSR_AI_N_FORMATS, NULL);
  return formats[format].name;
}

const char *
tftsr_ai_format_get_label (TftsrAiFormat format)
{
  g_return_val_if_fail (format < TFTSR_AI_N_FORMATS, NULL);
  return _ (formats[format].label);
}

gboolean
tftsr_ai_format_needs_key (TftsrAiFormat format)
{
  return format == TFTSR_AI_FORMAT_ANTHROPIC || format == TFTSR_AI_FORMAT_GEMINI ||
         format == TFTSR_AI_FORMAT_MISTRAL;
}

gboolean
tftsr_ai_format_from_string (const char *name, TftsrAiFormat *format)
{
  for (guint i = 0; name != NULL && i < TFTSR_AI_N_FORMATS; i++)
    if (g_str_equal (name, formats[i].name))
      {
        *format = i;
        return TRUE;
      }
  return FALSE;
}

const char *
tftsr_ai_tools_to_string (TftsrAiTools tools)
{
  g_return_val_if_fail (tools < G_N_ELEMENTS (tools_names), NULL);
  return tools_names[tools];
}

gboolean
tftsr_ai_tools_from_string (const char *name, TftsrAiTools *tools)
{
  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (tools_names); i++)
    if (g_str_equal (name, tools_names[i]))
      {
        *tools = i;
        return TRUE;
      }
  return FALSE;
}

G_DEFINE_BOXED_TYPE (TftsrAiProvider, tftsr_ai_provider, tftsr_ai_provider_copy,
                     tftsr_ai_provider_free)

TftsrAiProvider *
tftsr_ai_provider_new (const char *name, TftsrAiFormat format, const char *base_url,
                       const char *model)
{
  TftsrAiProvider *provider = g_new0 (TftsrAiProvider, 1);

  provider->name = g_strdup (name);
  provider->format = format;
  provider->base_url = g_strdup (base_url);
  provider->model = g_strdup (model);
  provider->options = g_strdup ("{}");
  return provider;
}

TftsrAiProvider *
tftsr_ai_provider_copy (const TftsrAiProvider *provider)
{
  TftsrAiProvider *copy = g_memdup2 (provider, sizeof *provider);

  copy->name = g_strdup (provider->name);
  copy->base_url = g_strdup (provider->base_url);
  copy->model = g_strdup (provider->model);
  copy->options = g_strdup (provider->options);
  return copy;
}

void
tftsr_ai_provider_free (TftsrAiProvider *provider)
{
  if (provider == NULL)
    return;
  g_free (provider->name);
  g_free (provider->base_url);
  g_free (provider->model);
  g_free (provider->options);
  g_free (provider);
}

char *
tftsr_ai_provider_dup_option (const TftsrAiProvider *provider, const char *key)
{
  json_object *options = json_tokener_parse (provider->options != NULL ? provider->options : "");
  json_object *value = NULL;
  char *result = NULL;

  if (options != NULL && json_object_object_get_ex (options, key, &value) &&
      json_object_is_type (value, json_type_string))
    result = g_strdup (json_object_get_string (value));
  json_object_put (options);
  return result;
}

guint
tftsr_ai_provider_get_context_tokens (const TftsrAiProvider *provider)
{
  g_autofree char *option = tftsr_ai_provider_dup_option (provider, "context_tokens");
  guint64 tokens = TFTSR_AI_DEFAULT_CONTEXT_TOKENS;

  if (option != NULL && !g_ascii_string_to_unsigned (option, 10, 1024, G_MAXUINT32, &tokens, NULL))
    tokens = TFTSR_AI_DEFAULT_CONTEXT_TOKENS;
  return (guint) tokens;
}
