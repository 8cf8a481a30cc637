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
