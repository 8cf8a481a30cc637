/* tftsr-http-private.h: parts of the HTTP client exposed to its tests and fuzz target
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tftsr-net.h"

/* Parses a Retry-After value: delay-seconds (clamped to G_MAXUINT) or an HTTP-date, which
 * becomes the seconds from @now (Unix time) until then, 0 if it is past. Surrounding ASCII
 * white space is ignored. Returns FALSE, with *@seconds 0, for anything else. */
gboolean tftsr_http_parse_retry_after (const char *value, gint64 now, guint *seconds);

/* The circuit's side of a request (tftsr-circuit.c). */
typedef enum
{
  TFTSR_CIRCUIT_SUCCESS, /* an answer, 4xx included */
  TFTSR_CIRCUIT_FAILURE, /* no answer, or a 5xx one */
  TFTSR_CIRCUIT_NEUTRAL, /* cancelled, or stopped by the caller's reader */
} TftsrCircuitOutcome;

/* Whether a request may go; *@probe tells whether it is the half-open circuit's probe. */
gboolean tftsr_circuit_admit (TftsrCircuit *circuit, gboolean *probe, GError **error);
/* What became of a request admitted with @probe. */
void tftsr_circuit_record (TftsrCircuit *circuit, gboolean probe, TftsrCircuitOutcome outcome);
