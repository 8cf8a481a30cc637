/* fuzz-ai-reply.c: any bytes, as the body of a reply in any wire format, decode without a
 * crash or a leak into a reply or an error of the AI domain, the same whether fed whole or
 * in pieces of any size; a reply's text is what the text callback was told, and its tool
 * calls have names and JSON-object arguments
 *
 * The first byte picks the format: 0 OpenAI, 1 Anthropic, 2 Gemini, 3 Mistral, 4 Ollama (the
 * TftsrAiFormat values), 5 Custom REST read whole, 6 Custom REST as SSE with a done marker,
 * 7 Custom REST as NDJSON; higher values wrap around. The rest is the body.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "fuzz-stream.h"
#include "tftsr-ai-decoder.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

#define N_KINDS 8

static const char *const custom_options[] = {
  "{\"response_path\":\"choices.0.message.content\"}",
  "{\"stream\":\"sse\",\"stream_path\":\"choices.0.delta.content\",\"done_marker\":\"[DONE]\"}",
  "{\"stream\":\"ndjson\",\"stream_path\":\"message.content\"}",
};

static TftsrAiProvider *
provider_for (guint8 kind)
{
  TftsrAiFormat format = kind < TFTSR_AI_FORMAT_CUSTOM ? kind : TFTSR_AI_FORMAT_CUSTOM;
  TftsrAiProvider *provider = tftsr_ai_provider_new ("fuzz", format, "https://ai.example.com", "m");

  if (format == TFTSR_AI_FORMAT_CUSTOM)
    {
      g_free (provider->options);
      provider->options = g_strdup (custom_options[kind - TFTSR_AI_FORMAT_CUSTOM]);
    }
  return provider;
}

static void
on_text (const char *text, gsize len, gpointer user_data)
{
  if (len == 0)
    abort ();
  g_string_append_len (user_data, text, len);
}

static gboolean
feed (gpointer decoder, const guint8 *bytes, gsize len, GError **error)
{
  return tftsr_ai_decoder_feed (decoder, bytes, len, error);
}

static void
append_string (GByteArray *out, const char *text)
{
  guint64 len = strlen (text);

  g_byte_array_append (out, (const guint8 *) &len, sizeof len);
  g_byte_array_append (out, (const guint8 *) text, len);
}

static void
append_number (GByteArray *out, guint64 value)
{
  g_byte_array_append (out, (const guint8 *) &value, sizeof value);
}

/* The reply must be one the rest of the app can take as it is. */
static void
check_reply (const TftsrAiReply *reply, const GString *told)
{
  if (reply->text == NULL || strcmp (reply->text, told->str) != 0)
    abort ();
  if (reply->tool_calls->len > 0 && reply->finish != TFTSR_AI_FINISH_TOOL_CALLS)
    abort ();
  for (guint i = 0; i < reply->tool_calls->len; i++)
    {
      TftsrAiToolCall *call = reply->tool_calls->pdata[i];
      json_object *arguments;

      if (call->id == NULL || call->id[0] == '\0' || call->name == NULL)
        abort ();
      arguments = json_tokener_parse (call->arguments);
      if (!json_object_is_type (arguments, json_type_object))
        abort ();
      json_object_put (arguments);
    }
}

/* Decodes @body whole or in pieces and writes what came out to @out. */
static void
decode (const TftsrAiProvider *provider, const guint8 *body, size_t size, gboolean whole,
        GByteArray *out)
{
  g_autoptr (GString) told = g_string_new (NULL);
  g_autoptr (TftsrAiDecoder) decoder =
      tftsr_ai_decoder_new (tftsr_ai_wire_for (provider->format), provider, on_text, told);
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrAiReply) reply = NULL;
  gboolean ok = whole ? feed (decoder, body, size, &error)
                      : fuzz_feed_pieces (feed, decoder, body, size, &error);

  if (ok)
    reply = tftsr_ai_decoder_finish (decoder, &error);
  if ((reply == NULL) == (error == NULL))
    abort ();
  append_string (out, told->str);
  if (error != NULL)
    {
      if (error->domain != TFTSR_AI_ERROR)
        abort ();
      append_number (out, 1000 + error->code);
      append_string (out, error->message);
      return;
    }
  check_reply (reply, told);
  append_number (out, reply->finish);
  append_number (out, reply->input_tokens);
  append_number (out, reply->output_tokens);
  for (guint i = 0; i < reply->tool_calls->len; i++)
    {
      TftsrAiToolCall *call = reply->tool_calls->pdata[i];

      append_string (out, call->id);
      append_string (out, call->name);
      append_string (out, call->arguments);
    }
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autoptr (TftsrAiProvider) provider = NULL;
  g_autoptr (GByteArray) whole = g_byte_array_new ();
  g_autoptr (GByteArray) pieces = g_byte_array_new ();

  if (size == 0)
    return 0;
  provider = provider_for (data[0] % N_KINDS);
  decode (provider, data + 1, size - 1, TRUE, whole);
  decode (provider, data + 1, size - 1, FALSE, pieces);
  if (whole->len != pieces->len || memcmp (whole->data, pieces->data, whole->len) != 0)
    abort ();
  return 0;
}
