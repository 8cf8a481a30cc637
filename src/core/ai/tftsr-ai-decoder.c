/* tftsr-ai-decoder.c: framing (SSE, NDJSON or a whole body) in front of a wire format
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>

#include "tftsr-ai-decoder.h"
#include "tftsr-ndjson-parser.h"
#include "tftsr-sse-parser.h"

/* A reply that is not streamed is held whole; no chat answer comes near this. */
#define WHOLE_MAX (16 * 1024 * 1024)

struct _TftsrAiDecoder
{
  const TftsrAiWire *wire;
  const TftsrAiProvider *provider;
  TftsrAiFraming framing;
  TftsrSseParser *sse;
  TftsrNdjsonParser *ndjson;
  GByteArray *whole;
  gboolean ending; /* the body has ended: an NDJSON line now is one without its "\n" */
  TftsrAiStream stream;
};

static gboolean
on_event (const char *event, const char *data, gsize len, gpointer user_data, GError **error)
{
  TftsrAiDecoder *self = user_data;
  return self->wire->parse (&self->stream, self->provider, event, data, len, error);
}

static gboolean
on_line (const char *line, gsize len, gpointer user_data, GError **error)
{
  TftsrAiDecoder *self = user_data;
  g_autoptr (GError) local = NULL;

  if (self->wire->parse (&self->stream, self->provider, NULL, line, len, &local))
    return TRUE;
  /* A last line that never got its "\n" and is not JSON was cut off, not garbled. */
  if (self->ending && g_error_matches (local, TFTSR_AI_ERROR, TFTSR_AI_ERROR_MALFORMED))
    return tftsr_ai_stream_error (error, TFTSR_AI_ERROR_TRUNCATED,
                                  _ ("The reply stopped before it was complete: the connection "
                                     "was cut or the provider gave up"));
  g_propagate_error (error, g_steal_pointer (&local));
  return FALSE;
}

TftsrAiDecoder *
tftsr_ai_decoder_new (const TftsrAiWire *wire, const TftsrAiProvider *provider,
                      TftsrAiTextFunc on_text, gpointer user_data)
{
  TftsrAiDecoder *self = g_new0 (TftsrAiDecoder, 1);

  self->wire = wire;
  self->provider = provider;
  self->framing = wire->framing (provider);
  if (self->framing == TFTSR_AI_FRAMING_SSE)
    self->sse = tftsr_sse_parser_new (on_event, self);
  else if (self->framing == TFTSR_AI_FRAMING_NDJSON)
    self->ndjson = tftsr_ndjson_parser_new (on_line, self);
  else
    self->whole = g_byte_array_new ();
  tftsr_ai_stream_init (&self->stream, on_text, user_data);
  return self;
}

void
tftsr_ai_decoder_free (TftsrAiDecoder *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->sse, tftsr_sse_parser_free);
  g_clear_pointer (&self->ndjson, tftsr_ndjson_parser_free);
  if (self->whole != NULL)
    g_byte_array_unref (self->whole);
  tftsr_ai_stream_clear (&self->stream);
  g_free (self);
}

gboolean
tftsr_ai_decoder_feed (TftsrAiDecoder *self, const guint8 *data, gsize len, GError **error)
{
  if (self->sse != NULL)
    return tftsr_sse_parser_feed (self->sse, data, len, error);
  if (self->ndjson != NULL)
    return tftsr_ndjson_parser_feed (self->ndjson, data, len, error);
  if (self->whole->len + len > WHOLE_MAX)
    return tftsr_ai_stream_error (error, TFTSR_AI_ERROR_MALFORMED,
                                  _ ("The provider’s reply is larger than 16 MiB"));
  g_byte_array_append (self->whole, data, len);
  return TRUE;
}

static gboolean
finish_framing (TftsrAiDecoder *self, GError **error)
{
  if (self->sse != NULL)
    return tftsr_sse_parser_finish (self->sse, error);
  self->ending = TRUE;
  if (self->ndjson != NULL)
    return tftsr_ndjson_parser_finish (self->ndjson, error);
  return self->wire->parse (&self->stream, self->provider, NULL, (const char *) self->whole->data,
                            self->whole->len, error);
}

TftsrAiReply *
tftsr_ai_decoder_finish (TftsrAiDecoder *self, GError **error)
{
  if (!finish_framing (self, error))
    return NULL;
  if (!self->stream.finished)
    {
      tftsr_ai_stream_error (error, TFTSR_AI_ERROR_TRUNCATED,
                             _ ("The reply stopped before it was complete: the connection "
                                "was cut or the provider gave up"));
      return NULL;
    }
  return tftsr_ai_stream_finish (&self->stream, error);
}
