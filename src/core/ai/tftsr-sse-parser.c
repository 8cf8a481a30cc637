/* tftsr-sse-parser.c: Server-Sent Events, parsed as the WHATWG EventSource specification
 * says (section "Parsing an event stream")
 *
 * Lines end in CRLF, LF or CR; a leading UTF-8 BOM is dropped; ":" starts a comment (the
 * keep-alives some providers send); "field: value" loses one space after the colon; data
 * lines accumulate and a blank line dispatches them. The last event ID and the reconnection
 * time are kept for a caller that resumes a stream (MCP's own stream does; an AI reply that
 * broke off is asked for again, never resumed).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>
#include <string.h>

#include "tftsr-line-splitter.h"
#include "tftsr-sse-parser.h"

static const guint8 bom[] = { 0xEF, 0xBB, 0xBF };

struct _TftsrSseParser
{
  TftsrLineSplitter lines;
  TftsrSseEventFunc func;
  gpointer user_data;
  gsize bom_matched; /* bytes of a leading BOM seen; sizeof bom once past the start */
  GString *event;    /* the event type buffer */
  GString *data;     /* the data buffer, reused from event to event */
  gboolean has_data; /* a data field was seen, so a blank line dispatches (even "data:") */
  gboolean begun;    /* a field was seen since the last blank line */
  GString *id;       /* the last event ID buffer */
  char *last_id;     /* the last event ID, set when an event is dispatched */
  guint retry_ms;    /* the reconnection time the stream asked for; 0: none */
};

static gboolean
dispatch (TftsrSseParser *parser, GError **error)
{
  gboolean ok = TRUE;

  /* The ID is taken even from an event without data: a server primes a stream so. */
  if (g_strcmp0 (parser->last_id, parser->id->str) != 0)
    {
      g_free (parser->last_id);
      parser->last_id = g_strndup (parser->id->str, parser->id->len);
    }
  if (parser->has_data)
    ok = parser->func (parser->event->str[0] != '\0' ? parser->event->str : "message",
                       parser->data->str, parser->data->len, parser->user_data, error);
  g_string_truncate (parser->event, 0);
  g_string_truncate (parser->data, 0);
  parser->has_data = FALSE;
  parser->begun = FALSE;
  return ok;
}

static gboolean
append_data (TftsrSseParser *parser, const char *value, gsize len, GError **error)
{
  gsize separator = parser->has_data ? 1 : 0;

  if (len + separator > TFTSR_AI_MAX_MESSAGE - parser->data->len)
    return tftsr_ai_message_too_large (error);
  if (parser->has_data)
    g_string_append_c (parser->data, '\n');
  g_string_append_len (parser->data, value, len);
  parser->has_data = TRUE;
  return TRUE;
}

static gboolean
is_field (const char *name, gsize len, const char *field)
{
  return len == strlen (field) && memcmp (name, field, len) == 0;
}

/* Only ASCII digits count; a value too large for a guint is ignored. */
static void
set_retry (TftsrSseParser *parser, const char *value, gsize len)
{
  guint64 ms = 0;

  if (len == 0 || len > 9)
    return;
  for (gsize i = 0; i < len; i++)
    {
      if (!g_ascii_isdigit (value[i]))
        return;
      ms = ms * 10 + (guint64) (value[i] - '0');
    }
  parser->retry_ms = (guint) ms;
}

static gboolean
on_line (const char *line, gsize len, gpointer user_data, GError **error)
{
  TftsrSseParser *parser = user_data;
  const char *colon;
  const char *value;
  gsize name_len;

  if (len == 0)
    return dispatch (parser, error);
  if (line[0] == ':')
    return TRUE;

  /* A line without a colon is a field with an empty value. */
  colon = memchr (line, ':', len);
  name_len = colon != NULL ? (gsize) (colon - line) : len;
  value = colon != NULL ? colon + 1 : line + len;
  if (value < line + len && *value == ' ')
    value++;
  parser->begun = TRUE;

  if (is_field (line, name_len, "data"))
    return append_data (parser, value, line + len - value, error);
  if (is_field (line, name_len, "event"))
    {
      g_string_truncate (parser->event, 0);
      g_string_append_len (parser->event, value, line + len - value);
    }
  else if (is_field (line, name_len, "id") && memchr (value, '\0', line + len - value) == NULL)
    {
      g_string_truncate (parser->id, 0);
      g_string_append_len (parser->id, value, line + len - value);
    }
  else if (is_field (line, name_len, "retry"))
    set_retry (parser, value, line + len - value);
  return TRUE;
}

TftsrSseParser *
tftsr_sse_parser_new (TftsrSseEventFunc func, gpointer user_data)
{
  TftsrSseParser *parser;

  g_return_val_if_fail (func != NULL, NULL);

  parser = g_new0 (TftsrSseParser, 1);
  tftsr_line_splitter_init (&parser->lines, TFTSR_LINE_ENDS_ANY, on_line, parser);
  parser->func = func;
  parser->user_data = user_data;
  parser->event = g_string_new (NULL);
  parser->data = g_string_new (NULL);
  parser->id = g_string_new (NULL);
  return parser;
}

void
tftsr_sse_parser_free (TftsrSseParser *parser)
{
  if (parser == NULL)
    return;
  tftsr_line_splitter_clear (&parser->lines);
  g_string_free (parser->event, TRUE);
  g_string_free (parser->data, TRUE);
  g_string_free (parser->id, TRUE);
  g_free (parser->last_id);
  g_free (parser);
}

/* Bytes that began like a BOM but were not one are part of the stream. */
static gboolean
end_bom (TftsrSseParser *parser, GError **error)
{
  gsize matched = parser->bom_matched;

  parser->bom_matched = sizeof bom;
  return tftsr_line_splitter_feed (&parser->lines, bom, matched, error);
}

gboolean
tftsr_sse_parser_feed (TftsrSseParser *parser, const guint8 *bytes, gsize len, GError **error)
{
  g_return_val_if_fail (parser != NULL, FALSE);
  g_return_val_if_fail (bytes != NULL || len == 0, FALSE);
  g_return_val_if_fail (!parser->lines.closed, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* The BOM may itself arrive split across pieces. */
  for (; parser->bom_matched < sizeof bom && len > 0; bytes++, len--)
    {
      if (bytes[0] != bom[parser->bom_matched])
        {
          if (!end_bom (parser, error))
            return FALSE;
          break;
        }
      parser->bom_matched++;
    }
  return tftsr_line_splitter_feed (&parser->lines, bytes, len, error);
}

gboolean
tftsr_sse_parser_finish (TftsrSseParser *parser, GError **error)
{
  g_return_val_if_fail (parser != NULL, FALSE);
  g_return_val_if_fail (!parser->lines.closed, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (parser->bom_matched < sizeof bom && !end_bom (parser, error))
    return FALSE;
  if (!tftsr_line_splitter_finish (&parser->lines, error))
    return FALSE;
  if (parser->begun)
    {
      g_set_error_literal (error, TFTSR_AI_ERROR, TFTSR_AI_ERROR_TRUNCATED,
                           _ ("The reply was cut off before it was complete"));
      return FALSE;
    }
  return TRUE;
}

const char *
tftsr_sse_parser_get_last_event_id (TftsrSseParser *parser)
{
  g_return_val_if_fail (parser != NULL, NULL);
  return parser->last_id != NULL && parser->last_id[0] != '\0' ? parser->last_id : NULL;
}

guint
tftsr_sse_parser_get_retry (TftsrSseParser *parser)
{
  g_return_val_if_fail (parser != NULL, 0);
  return parser->retry_ms;
}
