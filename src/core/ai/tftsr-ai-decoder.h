/* tftsr-ai-decoder.h: a reply's body, as it arrives, into text, tool calls and the end
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tftsr-ai-wire.h"

G_BEGIN_DECLS

typedef struct _TftsrAiDecoder TftsrAiDecoder;

/* @provider must outlive the decoder. */
TftsrAiDecoder *tftsr_ai_decoder_new (const TftsrAiWire *wire, const TftsrAiProvider *provider,
                                      TftsrAiTextFunc on_text, gpointer user_data);
void tftsr_ai_decoder_free (TftsrAiDecoder *decoder);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrAiDecoder, tftsr_ai_decoder_free)
/* The next piece of the body; it may end anywhere. */
gboolean tftsr_ai_decoder_feed (TftsrAiDecoder *decoder, const guint8 *data, gsize len,
                                GError **error);
/* At the end of the body: the reply, or TFTSR_AI_ERROR_TRUNCATED when the stream stopped
 * before its last event. */
TftsrAiReply *tftsr_ai_decoder_finish (TftsrAiDecoder *decoder, GError **error);

G_END_DECLS
