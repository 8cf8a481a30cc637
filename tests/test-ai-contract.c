/* test-ai-contract.c: the chat requests of the wire formats against the vendors' published
 * API descriptions. Prism serves each spec from ../shared/contracts on loopback and checks
 * every request it receives against it; the URL, headers and body each format builds for a
 * conversation (system prompt, a tool call and its result, tools offered; the same without
 * tools; two calls without text and their results; messages showing images) must pass, and
 * a broken one must not.
 *
 * Each spec is served with only the chat operation, as spec-for-prism.js prepares it: Mistral's
 * whole spec does not load in Prism, and OpenAI's chat request would not be checked at all
 * (two schemas ajv refuses to compile, which Prism then skips in silence).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "tftsr-ai-wire.h"
#include "tftsr-prism.h"
#include "tftsr-test-conversation.h"
#include "tftsr-test-util.h"

/* Prism listens ~3 s after it starts with one operation of a spec on an idle machine; a
 * busy one, where the four start side by side, takes many times that. */
#define STARTUP_SECONDS 120

/* A failure Prism reports after the request passed its checks, for a reason that is not
 * the request's (the contracts README names both). */
typedef struct
{
  const char *line; /* in Prism's output */
  guint status;     /* Prism's answer then */
} Known;

/* Prism never streams: asked for text/event-stream by an operation that offers it, it
 * picks that type for its example and fails to write an object as text. */
static const Known prism_cannot_stream = {
  "Request terminated with error: https://stoplight.io/prism/errors#NO_COMPLEX_OBJECT_TEXT", 500
};

/* Anthropic's spec gives /v1/messages an application/json reply only, though with
 * "stream": true the API answers with text/event-stream. */
static const Known anthropic_no_event_stream = {
  "Request terminated with error: https://stoplight.io/prism/errors#NOT_ACCEPTABLE", 406
};

typedef struct
{
  const char *name;
  TftsrAiFormat format;
  const char *spec;      /* inside the contracts folder */
  const char *path;      /* of the chat operation in the spec */
  const char *base_path; /* after Prism's address: the provider's base URL */
  const char *model;
  gboolean secured;   /* the spec requires credentials */
  const Known *known; /* or NULL */
  TftsrPrism *prism;
  GError *error; /* why it did not start */
} Contract;

static Contract contracts[] = {
  { "openai", TFTSR_AI_FORMAT_OPENAI, "openai/openapi.yaml", "/chat/completions", "", "gpt-4o",
    TRUE, &prism_cannot_stream },
  { "mistral", TFTSR_AI_FORMAT_MISTRAL, "mistral/openapi.yaml", "/v1/chat/completions", "/v1",
    "mistral-large-latest", TRUE, &prism_cannot_stream },
  { "anthropic", TFTSR_AI_FORMAT_ANTHROPIC, "anthropic/openapi.json", "/v1/messages", "",
    "claude-sonnet-4-5", FALSE, &anthropic_no_event_stream },
  { "ollama", TFTSR_AI_FORMAT_OLLAMA, "ollama/openapi.yaml", "/api/chat", "", "llama3.2", FALSE,
    NULL },
};

/* Why the contract tests cannot run here, or NULL. */
static char *missing;

static void
start (Contract *c)
{
  g_autofree char *name = g_strdup_printf ("%s-chat.json", c->name);
  g_autofree char *spec = g_build_filename (tftsr_test_dir (), name, NULL);

  if (tftsr_prism_prepare_spec (c->spec, c->path, spec, &c->error))
    c->prism = tftsr_prism_start (spec, &c->error);
}

/* The round after a turn of two calls and no text, without a system prompt: OpenAI's
 * content is null then, Anthropic's results share one user message. */
static TftsrAiRequest *
calls_only_new (void)
{
  TftsrAiRequest *request = tftsr_ai_request_new ("");
  TftsrAiMessage *assistant = tftsr_ai_message_new (TFTSR_AI_ROLE_ASSISTANT, "");

  tftsr_ai_message_add_tool_call (assistant,
                                  tftsr_ai_tool_call_new ("call_a", "search_logs", CALL_ARGS));
  tftsr_ai_message_add_tool_call (
      assistant, tftsr_ai_tool_call_new ("call_b", "search_logs", "{\"query\":\"502\"}"));
  tftsr_ai_request_add_message (request, tftsr_ai_message_new (TFTSR_AI_ROLE_USER, FIRST_QUESTION));
  tftsr_ai_request_add_message (request, assistant);
  tftsr_ai_request_add_message (request,
                                tftsr_ai_message_new_tool_result ("call_a", "search_logs", "none"));
  tftsr_ai_request_add_message (
      request, tftsr_ai_message_new_tool_result ("call_b", "search_logs", TOOL_RESULT));
  tftsr_ai_request_add_tool (request,
                             tftsr_ai_tool_new ("search_logs", TOOL_DESCRIPTION, TOOL_SCHEMA));
  return request;
}

/* Sends @body to Prism as the client sends a chat request: the format's URL and headers
 * (with @key, which may be NULL), the body as compact JSON. */
static TftsrHttpResponse *
send_chat (TftsrPrism *prism, const TftsrAiProvider *provider, json_object *body, const char *key,
           char **log)
{
  const TftsrAiWire *wire = tftsr_ai_wire_for (provider->format);
  g_autofree char *url = wire->chat_url (provider);
  g_autoptr (GPtrArray) headers =
      g_ptr_array_new_with_free_func ((GDestroyNotify) tftsr_ai_header_free);
  const char *text = json_object_to_json_string_ext (body, JSON_C_TO_STRING_PLAIN |
                                                               JSON_C_TO_STRING_NOSLASHESCAPE);
  g_autoptr (GBytes) bytes = g_bytes_new (text, strlen (text));
  g_autoptr (TftsrHttpRequest) http = tftsr_http_request_new ("POST", url);
  g_autoptr (GError) error = NULL;
  TftsrHttpResponse *response;

  wire->headers (provider, key, headers);
  for (guint i = 0; i < headers->len; i++)
    {
      TftsrAiHeader *header = headers->pdata[i];

      if (header->secret)
        tftsr_http_request_add_secret_header (http, header->name, header->value);
      else
        tftsr_http_request_add_header (http, header->name, header->value);
    }
  tftsr_http_request_set_body (http, "application/json", bytes);
  tftsr_http_request_set_retries (http, 0, 1);
  response = tftsr_prism_perform (prism, http, log, &error);
  g_assert_no_error (error);
  return response;
}

/* @violations without the lines that contain @known. */
static char *
without_lines (const char *violations, const char *known)
{
  g_auto (GStrv) lines = g_strsplit (violations, "\n", -1);
  g_autoptr (GStrvBuilder) kept = g_strv_builder_new ();
  g_auto (GStrv) left = NULL;

  for (guint i = 0; lines[i] != NULL; i++)
    if (*lines[i] != '\0' && strstr (lines[i], known) == NULL)
      g_strv_builder_add (kept, lines[i]);
  left = g_strv_builder_end (kept);
  return g_strjoinv ("\n", left);
}

/* Prism checked @body and found nothing wrong with it. */
static void
assert_accepted (TftsrPrism *prism, const TftsrAiProvider *provider, json_object *body,
                 const Known *known)
{
  g_autofree char *log = NULL;
  g_autoptr (TftsrHttpResponse) response = send_chat (prism, provider, body, API_KEY, &log);
  g_autofree char *violations = tftsr_prism_violations (log);
  g_autofree char *unknown =
      known != NULL ? without_lines (violations, known->line) : g_strdup (violations);

  g_test_message ("%s", log);
  g_assert_cmpstr (unknown, ==, "");
  g_assert_nonnull (strstr (log, "The request passed the validation rules"));
  if (known != NULL && strstr (log, known->line) != NULL)
    g_assert_cmpuint (response->status, ==, known->status);
  else
    {
      g_assert_cmpuint (response->status, >=, 200);
      g_assert_cmpuint (response->status, <, 300);
    }
}

/* Prism refused @body with @status, and its output says why, naming @what. */
static void
assert_refused (TftsrPrism *prism, const TftsrAiProvider *provider, json_object *body,
                const char *key, guint status, const char *what)
{
  g_autofree char *log = NULL;
  g_autoptr (TftsrHttpResponse) response = send_chat (prism, provider, body, key, &log);
  g_autofree char *violations = tftsr_prism_violations (log);

  g_test_message ("%s", log);
  g_assert_cmpuint (response->status, ==, status);
  g_assert_nonnull (strstr (violations, what));
}

static void
test_contract (gconstpointer data)
{
  Contract *c = (Contract *) data;
  const TftsrAiWire *wire = tftsr_ai_wire_for (c->format);
  g_autoptr (TftsrAiRequest) request = tftsr_test_conversation_new ();
  g_autoptr (TftsrAiRequest) calls_only = calls_only_new ();
  g_autoptr (TftsrAiRequest) images = tftsr_test_image_conversation_new (NULL, NULL);
  g_autoptr (TftsrAiProvider) provider = NULL;
  g_autoptr (TftsrPrism) prism = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *base_url = NULL;
  g_autoptr (json_object) with_tools = NULL;
  g_autoptr (json_object) without_tools = NULL;
  g_autoptr (json_object) parallel = NULL;
  g_autoptr (json_object) shown = NULL;
  g_autoptr (json_object) broken = NULL;

  if (missing != NULL)
    {
      g_test_skip (missing);
      return;
    }
  g_assert_no_error (c->error);
  /* Stopped at the end of this case. */
  prism = g_steal_pointer (&c->prism);
  g_assert_true (tftsr_prism_wait (prism, STARTUP_SECONDS, &error));
  g_assert_no_error (error);

  base_url = tftsr_prism_url (prism, c->base_path);
  provider = tftsr_ai_provider_new ("contract", c->format, base_url, c->model);
  with_tools = wire->chat_body (provider, request, TRUE);
  without_tools = wire->chat_body (provider, request, FALSE);
  parallel = wire->chat_body (provider, calls_only, TRUE);
  shown = wire->chat_body (provider, images, FALSE);
  assert_accepted (prism, provider, with_tools, c->known);
  assert_accepted (prism, provider, without_tools, c->known);
  assert_accepted (prism, provider, parallel, c->known);
  assert_accepted (prism, provider, shown, c->known);

  /* The check can fail: a role no vendor knows. */
  broken = wire->chat_body (provider, request, TRUE);
  json_object_object_add (
      json_object_array_get_idx (json_object_object_get (broken, "messages"), 0), "role",
      json_object_new_string ("robot"));
  assert_refused (prism, provider, broken, API_KEY, 422, "messages.0");
  if (c->secured)
    assert_refused (prism, provider, with_tools, NULL, 401, "Invalid security scheme used");
}

int
main (int argc, char **argv)
{
  int status;

  tftsr_test_init (&argc, &argv);
  missing = tftsr_prism_missing ();
  /* All at once: they load in parallel, the cases then use them one after the other. */
  for (guint i = 0; missing == NULL && i < G_N_ELEMENTS (contracts); i++)
    start (&contracts[i]);
  for (guint i = 0; i < G_N_ELEMENTS (contracts); i++)
    {
      g_autofree char *path = g_strdup_printf ("/ai-contract/%s", contracts[i].name);
      g_test_add_data_func (path, &contracts[i], test_contract);
    }
  status = g_test_run ();
  /* ctest reports the test as skipped rather than passed. */
  if (missing != NULL && status == 0)
    status = 77;
  for (guint i = 0; i < G_N_ELEMENTS (contracts); i++)
    {
      tftsr_prism_stop (contracts[i].prism);
      g_clear_error (&contracts[i].error);
    }
  g_free (missing);
  return status;
}
