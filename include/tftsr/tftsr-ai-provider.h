/* tftsr-ai-provider.h: the AI providers the engineer configured
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "tftsr-store.h"

G_BEGIN_DECLS

/* The wire format a provider speaks. */
typedef enum
{
  TFTSR_AI_FORMAT_OPENAI,    /* chat completions: OpenAI, Azure OpenAI, LiteLLM, vLLM, LM Studio */
  TFTSR_AI_FORMAT_ANTHROPIC, /* Messages API */
  TFTSR_AI_FORMAT_GEMINI,    /* generateContent */
  TFTSR_AI_FORMAT_MISTRAL,   /* Mistral's chat completions */
  TFTSR_AI_FORMAT_OLLAMA,    /* native /api/chat */
  TFTSR_AI_FORMAT_CUSTOM,    /* a REST gateway described by the provider's options */
  TFTSR_AI_N_FORMATS
} TftsrAiFormat;

const char *tftsr_ai_format_to_string (TftsrAiFormat format);
gboolean tftsr_ai_format_from_string (const char *name, TftsrAiFormat *format);
/* "Anthropic", "OpenAI-compatible"… */
const char *tftsr_ai_format_get_label (TftsrAiFormat format);
/* Whether the format's service refuses every request without an API key (Anthropic,
 * Gemini, Mistral); OpenAI-compatible servers, Ollama and gateways may run without one. */
gboolean tftsr_ai_format_needs_key (TftsrAiFormat format);

/* Whether requests offer the model tools. */
typedef enum
{
  TFTSR_AI_TOOLS_AUTO, /* as the last connection test found */
  TFTSR_AI_TOOLS_ON,
  TFTSR_AI_TOOLS_OFF,
} TftsrAiTools;

const char *tftsr_ai_tools_to_string (TftsrAiTools tools);
gboolean tftsr_ai_tools_from_string (const char *name, TftsrAiTools *tools);

/* A configured provider. Its API key stays in the vault: has_key only says there is one. */
typedef struct
{
  gint64 id;
  char *name;
  TftsrAiFormat format;
  char *base_url;
  char *model;
  TftsrAiTools tools;
  gboolean insecure; /* TLS verification off for this provider */
  char *options;     /* JSON object of format-specific settings */
  gboolean active;
  gboolean has_key;
} TftsrAiProvider;

#define TFTSR_TYPE_AI_PROVIDER (tftsr_ai_provider_get_type ())
GType tftsr_ai_provider_get_type (void) G_GNUC_CONST;
TftsrAiProvider *tftsr_ai_provider_new (const char *name, TftsrAiFormat format,
                                        const char *base_url, const char *model);
TftsrAiProvider *tftsr_ai_provider_copy (const TftsrAiProvider *provider);
void tftsr_ai_provider_free (TftsrAiProvider *provider);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrAiProvider, tftsr_ai_provider_free)
/* The string option @key of the provider's options, or NULL. */
char *tftsr_ai_provider_dup_option (const TftsrAiProvider *provider, const char *key);

/* How many tokens the provider's model takes in one request: the "context_tokens" option
 * (1024 and up), else TFTSR_AI_DEFAULT_CONTEXT_TOKENS. What is sent is fitted to it, and an
 * Ollama server is told to load the model with that window. */
#define TFTSR_AI_DEFAULT_CONTEXT_TOKENS 8192
guint tftsr_ai_provider_get_context_tokens (const TftsrAiProvider *provider);

/* Adds @provider (its id, active and has_key are ignored) with @api_key (NULL: none); the
 * first provider becomes the active one. Returns the new id, 0 on error. */
gint64 tftsr_store_add_ai_provider (TftsrStore *store, const TftsrAiProvider *provider,
                                    const char *api_key, GError **error);
/* Saves @provider's settings under its id; @api_key NULL keeps the stored key, "" removes it. */
gboolean tftsr_store_update_ai_provider (TftsrStore *store, const TftsrAiProvider *provider,
                                         const char *api_key, GError **error);
gboolean tftsr_store_remove_ai_provider (TftsrStore *store, gint64 id, GError **error);
/* Every provider, by name. */
GPtrArray *tftsr_store_list_ai_providers (TftsrStore *store, GError **error);
/* The provider called @name, or with @name NULL the active one; TFTSR_STORE_ERROR_NOT_FOUND
 * when there is none. */
TftsrAiProvider *tftsr_store_get_ai_provider (TftsrStore *store, const char *name, GError **error);
gboolean tftsr_store_set_active_ai_provider (TftsrStore *store, gint64 id, GError **error);

/* The same in a worker, for the UI thread. A save adds a provider whose id is 0 and
 * updates one that has an id; it finishes with the id. Removing and choosing finish with
 * tftsr_store_change_finish(). */
void tftsr_store_list_ai_providers_async (TftsrStore *store, GCancellable *cancellable,
                                          GAsyncReadyCallback callback, gpointer user_data);
GPtrArray *tftsr_store_list_ai_providers_finish (TftsrStore *store, GAsyncResult *result,
                                                 GError **error);
void tftsr_store_save_ai_provider_async (TftsrStore *store, const TftsrAiProvider *provider,
                                         const char *api_key, GCancellable *cancellable,
                                         GAsyncReadyCallback callback, gpointer user_data);
gint64 tftsr_store_save_ai_provider_finish (TftsrStore *store, GAsyncResult *result,
                                            GError **error);
void tftsr_store_remove_ai_provider_async (TftsrStore *store, gint64 id, GCancellable *cancellable,
                                           GAsyncReadyCallback callback, gpointer user_data);
void tftsr_store_set_active_ai_provider_async (TftsrStore *store, gint64 id,
                                               GCancellable *cancellable,
                                               GAsyncReadyCallback callback, gpointer user_data);

G_END_DECLS
