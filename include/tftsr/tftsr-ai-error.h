/* tftsr-ai-error.h: the error domain of the AI providers and their streams
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TFTSR_AI_ERROR (tftsr_ai_error_quark ())
GQuark tftsr_ai_error_quark (void);

typedef enum
{
  TFTSR_AI_ERROR_NOT_CONFIGURED, /* no provider, or it lacks a URL, model or key */
  TFTSR_AI_ERROR_AUTH,           /* the key was refused (401/403) */
  TFTSR_AI_ERROR_NOT_FOUND,      /* unknown model or wrong URL (404) */
  TFTSR_AI_ERROR_RATE_LIMITED,   /* 429 after the retries */
  TFTSR_AI_ERROR_REFUSED,        /* the request was refused (400/413/422, content policy) */
  TFTSR_AI_ERROR_SERVER,         /* 5xx */
  TFTSR_AI_ERROR_MALFORMED,      /* a reply that could not be understood */
  TFTSR_AI_ERROR_TRUNCATED,      /* the stream ended before the reply was complete */
  TFTSR_AI_ERROR_FAILED,
  TFTSR_AI_ERROR_NO_IMAGES, /* the provider's wire format has no place for images */
} TftsrAiError;

G_END_DECLS
