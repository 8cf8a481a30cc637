/* tftsr-ai-client.h: talking to an AI provider, whatever its wire format
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tftsr-ai-message.h"
#include "tftsr-ai-provider.h"
#include "tftsr-store.h"

G_BEGIN_DECLS

/* What a caller hears while a reply streams in, in the thread that runs the request. */
typedef struct
{
  /* Each piece of the reply's text as it arrives. */
  void (*text) (const char *text, gsize len, gpointer user_data);
  /* The provider is busy or rate-limited: the request is sent again after @seconds. */
  void (*retry) (guint attempt, guint seconds, gpointer user_data);
  gpointer user_data;
} TftsrAiListener;

/* Sends @request (every text in it already through egress) to @provider and streams the
 * reply. The exact bytes sent are recorded as an egress.send audit entry for incident
 * @issue_id (0: none) with @counts (type name → replacements, may be NULL). Blocks: call
 * it from a worker. Errors are TFTSR_AI_ERROR (a sentence the engineer can act on) or
 * TFTSR_NET_ERROR (the provider could not be reached). */
TftsrAiReply *tftsr_ai_complete (TftsrStore *store, const TftsrAiProvider *provider,
                                 gint64 issue_id, const TftsrAiRequest *request, GHashTable *counts,
                                 const TftsrAiListener *listener, GCancellable *cancellable,
                                 GError **error);

/* The models the provider offers, by name; blocks. */
GPtrArray *tftsr_ai_list_models (TftsrStore *store, const TftsrAiProvider *provider,
                                 GCancellable *cancellable, GError **error);

/* What a connection test found. */
typedef struct
{
  char *reply;          /* what the model answered */
  gint64 elapsed_ms;    /* request to last byte */
  gboolean tools_known; /* whether tool support was probed */
  gboolean tools;       /* the model called the probe tool */
} TftsrAiTestResult;

void tftsr_ai_test_result_free (TftsrAiTestResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrAiTestResult, tftsr_ai_test_result_free)

/* Sends a short request with no incident content, then (where the format has tools and
 * the provider's switch is not off) a second one offering a probe tool, and records what
 * was found in the provider's "tools_supported" option ("yes"/"no") when its switch is
 * auto. Blocks. */
TftsrAiTestResult *tftsr_ai_test_provider (TftsrStore *store, TftsrAiProvider *provider,
                                           GCancellable *cancellable, GError **error);

/* The same in a worker, for the UI thread. */
void tftsr_ai_test_provider_async (TftsrStore *store, const TftsrAiProvider *provider,
                                   GCancellable *cancellable, GAsyncReadyCallback callback,
                                   gpointer user_data);
TftsrAiTestResult *tftsr_ai_test_provider_finish (TftsrStore *store, GAsyncResult *result,
                                                  GError **error);
void tftsr_ai_list_models_async (TftsrStore *store, const TftsrAiProvider *provider,
                                 GCancellable *cancellable, GAsyncReadyCallback callback,
                                 gpointer user_data);
GPtrArray *tftsr_ai_list_models_finish (TftsrStore *store, GAsyncResult *result, GError **error);

/* Whether requests to @provider offer tools: its switch, or on auto what the last test
 * found (yes until a test found otherwise). Custom REST gateways never do. */
gboolean tftsr_ai_provider_uses_tools (const TftsrAiProvider *provider);
/* Whether requests to an OpenAI-compatible @provider ask for token counts in the stream
 * (stream_options). Yes until a server refused it: tftsr_ai_complete() then asks again
 * without it and records "stream_usage": "no" in the provider's options. */
gboolean tftsr_ai_provider_streams_usage (const TftsrAiProvider *provider);
/* Whether requests to @provider can carry images; FALSE with TFTSR_AI_ERROR_NO_IMAGES and
 * the sentence to show for a Custom REST gateway, whose request has no place for them. */
gboolean tftsr_ai_provider_check_images (const TftsrAiProvider *provider, GError **error);

G_END_DECLS
