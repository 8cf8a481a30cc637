/* fuzz-retry-after.c: any Retry-After value parses without reading past it; a refusal leaves
 * 0; delay-seconds give their value (capped at G_MAXUINT) whatever the clock says; a date
 * gives the time left until it, so a clock 10 s later gives 10 s less (down to 0)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdlib.h>
#include <string.h>

#include "tftsr-http-private.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

/* 2025-01-01T00:00:00Z: a clock for the run to be repeatable. */
#define NOW G_GINT64_CONSTANT (1735689600)

static gboolean
only_digits (const char *text)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text));

  return *stripped != '\0' && stripped[strspn (stripped, "0123456789")] == '\0';
}

static guint
digits_value (const char *text)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text));
  guint64 value = 0;

  if (!g_ascii_string_to_unsigned (stripped, 10, 0, G_MAXUINT, &value, NULL))
    return G_MAXUINT; /* only digits, so too large */
  return (guint) value;
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  guint seconds = 1, later = 1;
  gboolean ok = tftsr_http_parse_retry_after (text, NOW, &seconds);
  gboolean ok_later = tftsr_http_parse_retry_after (text, NOW + 10, &later);

  if (ok != ok_later)
    abort ();
  if (!ok && (seconds != 0 || later != 0))
    abort ();
  if (only_digits (text) && (!ok || seconds != digits_value (text) || later != seconds))
    abort ();
  if (ok && !only_digits (text) && seconds < G_MAXUINT && later != MAX (seconds, 10u) - 10)
    abort ();
  return 0;
}
