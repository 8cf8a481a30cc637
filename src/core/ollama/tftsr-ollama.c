/* tftsr-ollama.c: the calls to an Ollama server: its version, the installed models, pulling
 * and deleting one
 *
 * Failures become sentences about the Ollama at the URL the engineer configured: nothing
 * listening there means it is not running (and how to start it); a 404 from the version or
 * list means something else answers there.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>
#include <string.h>

#include "tftsr-ai-wire.h"
#include "tftsr-ndjson-parser.h"
#include "tftsr-net.h"
#include "tftsr-ollama-private.h"

/* A running Ollama answers the version and the list at once. */
#define QUICK_IDLE_TIMEOUT 15
/* Verifying the digest of a large model sends nothing for minutes. */
#define PULL_IDLE_TIMEOUT 900

G_DEFINE_QUARK (tftsr - ollama - error - quark, tftsr_ollama_error)

const char *
tftsr_ollama_url_or_default (const char *base_url)
{
  return base_url != NULL && *base_url != '\0' ? base_url : TFTSR_OLLAMA_DEFAULT_URL;
}

const char *
tftsr_ollama_url_for_provider (const TftsrAiProvider *provider)
{
  if (provider == NULL || provider->format != TFTSR_AI_FORMAT_OLLAMA)
    return TFTSR_OLLAMA_DEFAULT_URL;
  return tftsr_ollama_url_or_default (provider->base_url);
}

/* A request to @path under @base_url with @body (may be NULL) as JSON. */
static TftsrHttpRequest *
new_request (const char *method, const char *base_url, const char *path, json_object *body,
             guint idle_seconds)
{
  g_autofree char *url = tftsr_ai_join_url (base_url, path);
  TftsrHttpRequest *request = tftsr_http_request_new (method, url);

  if (body != NULL)
    {
      const char *text = json_object_to_json_string_ext (body, JSON_C_TO_STRING_PLAIN |
                                                                   JSON_C_TO_STRING_NOSLASHESCAPE);
      g_autoptr (GBytes) bytes = g_bytes_new (text, strlen (text));

      tftsr_http_request_set_body (request, "application/json", bytes);
    }
  tftsr_http_request_set_timeouts (request, TFTSR_HTTP_DEFAULT_CONNECT_TIMEOUT, idle_seconds);
  return request;
}

/* {"model": @model}, plus "stream" for a pull. */
static json_object *
model_body (const char *model, gboolean stream)
{
  json_object *body = json_object_new_object ();

  json_object_object_add (body, "model", json_object_new_string (model));
  if (stream)
    json_object_object_add (body, "stream", json_object_new_boolean (TRUE));
  return body;
}

/* What went wrong while performing a request, as a sentence about Ollama. Cancellation and
 * the errors of this module pass as they are. */
static void
propagate_perform_error (GError **error, GError *cause, const char *base_url)
{
  if (g_error_matches (cause, TFTSR_NET_ERROR, TFTSR_NET_ERROR_CONNECT))
    g_set_error (error, TFTSR_OLLAMA_ERROR, TFTSR_OLLAMA_ERROR_NOT_RUNNING,
                 _ ("Ollama is not running at %s: start it with “ollama serve”"), base_url);
  else if (cause->domain == TFTSR_NET_ERROR)
    g_set_error (error, TFTSR_OLLAMA_ERROR, TFTSR_OLLAMA_ERROR_UNREACHABLE,
                 _ ("The connection to Ollama at %s failed: %s"), base_url, cause->message);
  else if (cause->domain == TFTSR_AI_ERROR) /* the NDJSON framing */
    g_set_error (error, TFTSR_OLLAMA_ERROR, TFTSR_OLLAMA_ERROR_MALFORMED,
                 _ ("Ollama at %s sent a reply that could not be read: %s"), base_url,
                 cause->message);
  else
    {
      g_propagate_error (error, cause);
      return;
    }
  g_error_free (cause);
}

/* Ollama's words in an error body ({"error": …}), or the status. */
static char *
ollama_words (TftsrHttpResponse *response)
{
  gsize len = 0;
  const char *data = g_bytes_get_data (response->body, &len);
  g_autoptr (json_object) obj = tftsr_ai_parse_object (data != NULL ? data : "", len, NULL);
  char *words = obj != NULL ? tftsr_ai_error_member_message (obj) : NULL;

  if (words != NULL && *words != '\0' && g_utf8_validate (words, -1, NULL))
    return words;
  g_free (words);
  return g_strdup_printf ("HTTP %u", response->status);
}

static gboolean
is_success (TftsrHttpResponse *response)
{
  return response->status >= 200 && response->status < 300;
}

static gboolean
set_not_ollama (GError **error, const char *base_url, const char *why)
{
  g_set_error (error, TFTSR_OLLAMA_ERROR, TFTSR_OLLAMA_ERROR_NOT_OLLAMA,
               _ ("%s does not answer as Ollama does (%s): check the address"), base_url, why);
  return FALSE;
}

/* A status that is not success: 404 means that no Ollama API is at that address. */
static gboolean
check_status (TftsrHttpResponse *response, const char *base_url, GError **error)
{
  g_autofree char *why = NULL;

  if (is_success (response))
    return TRUE;
  why = ollama_words (response);
  if (response->status == 404)
    return set_not_ollama (error, base_url, why);
  g_set_error (error, TFTSR_OLLAMA_ERROR, TFTSR_OLLAMA_ERROR_FAILED,
               _ ("Ollama at %s answered with an error (%s)"), base_url, why);
  return FALSE;
}

/* Performs @request; NULL after setting @error when it could not be. */
static TftsrHttpResponse *
perform (TftsrHttpRequest *request, TftsrHttpDataFunc data_func, gpointer data,
         const char *base_url, GCancellable *cancellable, GError **error)
{
  GError *cause = NULL;
  TftsrHttpResponse *response = tftsr_http_perform (request, data_func, data, cancellable, &cause);

  if (response == NULL)
    propagate_perform_error (error, cause, base_url);
  return response;
}

/* The whole body of a successful GET of @path. */
static GBytes *
get_body (const char *base_url, const char *path, GCancellable *cancellable, GError **error)
{
  g_autoptr (TftsrHttpRequest) request =
      new_request ("GET", base_url, path, NULL, QUICK_IDLE_TIMEOUT);
  g_autoptr (TftsrHttpResponse) response =
      perform (request, NULL, NULL, base_url, cancellable, error);

  if (response == NULL || !check_status (response, base_url, error))
    return NULL;
  return g_bytes_ref (response->body);
}

char *
tftsr_ollama_get_version (const char *base_url, GCancellable *cancellable, GError **error)
{
  g_autoptr (GBytes) body = NULL;
  g_autoptr (json_object) reply = NULL;
  const char *version, *data;
  gsize len = 0;

  base_url = tftsr_ollama_url_or_default (base_url);
  if ((body = get_body (base_url, "api/version", cancellable, error)) == NULL)
    return NULL;
  data = g_bytes_get_data (body, &len);
  reply = tftsr_ai_parse_object (data != NULL ? data : "", len, NULL);
  if ((version = tftsr_ai_json_string (reply, "version")) == NULL)
    {
      set_not_ollama (error, base_url, _ ("its reply names no version"));
      return NULL;
    }
  return g_utf8_make_valid (version, -1);
}

GPtrArray *
tftsr_ollama_list_models (const char *base_url, GCancellable *cancellable, GError **error)
{
  g_autoptr (GBytes) body = NULL;
  const char *data;
  gsize len = 0;

  base_url = tftsr_ollama_url_or_default (base_url);
  if ((body = get_body (base_url, "api/tags", cancellable, error)) == NULL)
    return NULL;
  data = g_bytes_get_data (body, &len);
  return tftsr_ollama_parse_models (data != NULL ? data : "", len, error);
}

static gboolean
on_pull_line (const char *line, gsize len, gpointer user_data, GError **error)
{
  return tftsr_pull_tracker_take_line (user_data, line, len, error);
}

static gboolean
on_pull_data (const guint8 *data, gsize len, gpointer user_data, GError **error)
{
  return tftsr_ndjson_parser_feed (user_data, data, len, error);
}

/* The pull's stream, read to its end; FALSE with @error as it came. */
static gboolean
pull_stream (const char *base_url, const char *model, TftsrPullTracker *tracker,
             GCancellable *cancellable, GError **error)
{
  g_autoptr (json_object) body = model_body (model, TRUE);
  g_autoptr (TftsrHttpRequest) request =
      new_request ("POST", base_url, "api/pull", body, PULL_IDLE_TIMEOUT);
  g_autoptr (TftsrNdjsonParser) parser = tftsr_ndjson_parser_new (on_pull_line, tracker);
  g_autoptr (TftsrHttpResponse) response =
      perform (request, on_pull_data, parser, base_url, cancellable, error);
  g_autofree char *why = NULL;
  GError *cause = NULL;

  if (response == NULL)
    return FALSE;
  if (response->status == 404)
    return check_status (response, base_url, error);
  if (!is_success (response))
    {
      why = ollama_words (response);
      g_set_error_literal (error, TFTSR_OLLAMA_ERROR, TFTSR_OLLAMA_ERROR_FAILED, why);
      return FALSE;
    }
  if (!tftsr_ndjson_parser_finish (parser, &cause))
    {
      propagate_perform_error (error, cause, base_url);
      return FALSE;
    }
  if (!tftsr_pull_tracker_succeeded (tracker))
    {
      g_set_error_literal (error, TFTSR_OLLAMA_ERROR, TFTSR_OLLAMA_ERROR_FAILED,
                           _ ("the download ended before Ollama reported success"));
      return FALSE;
    }
  return TRUE;
}

gboolean
tftsr_ollama_pull (const char *base_url, const char *model, TftsrOllamaPullFunc progress,
                   gpointer progress_data, GCancellable *cancellable, GError **error)
{
  g_autoptr (TftsrPullTracker) tracker = NULL;
  GError *local = NULL;

  g_return_val_if_fail (model != NULL && *model != '\0', FALSE);

  base_url = tftsr_ollama_url_or_default (base_url);
  tracker = tftsr_pull_tracker_new (progress, progress_data);
  if (pull_stream (base_url, model, tracker, cancellable, &local))
    return TRUE;
  if (g_error_matches (local, TFTSR_OLLAMA_ERROR, TFTSR_OLLAMA_ERROR_FAILED))
    g_prefix_error (&local, _ ("Ollama could not pull “%s”: "), model);
  g_propagate_error (error, local);
  return FALSE;
}

gboolean
tftsr_ollama_delete (const char *base_url, const char *model, GCancellable *cancellable,
                     GError **error)
{
  g_autoptr (json_object) body = NULL;
  g_autoptr (TftsrHttpRequest) request = NULL;
  g_autoptr (TftsrHttpResponse) response = NULL;

  g_return_val_if_fail (model != NULL && *model != '\0', FALSE);

  base_url = tftsr_ollama_url_or_default (base_url);
  body = model_body (model, FALSE);
  request = new_request ("DELETE", base_url, "api/delete", body, QUICK_IDLE_TIMEOUT);
  if ((response = perform (request, NULL, NULL, base_url, cancellable, error)) == NULL)
    return FALSE;
  if (response->status == 404)
    {
      g_set_error (error, TFTSR_OLLAMA_ERROR, TFTSR_OLLAMA_ERROR_NOT_FOUND,
                   _ ("Ollama at %s has no model “%s”"), base_url, model);
      return FALSE;
    }
  return check_status (response, base_url, error);
}
