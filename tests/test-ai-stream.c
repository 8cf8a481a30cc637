/* test-ai-stream.c: the SSE and NDJSON parsers AI replies stream through: every way of
 * cutting a transcript into pieces gives the same events, the EventSource field rules, a
 * stream cut off by the peer, callback failures and the 16 MiB cap
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "tftsr-line-splitter.h"
#include "tftsr-ndjson-parser.h"
#include "tftsr-sse-parser.h"
#include "tftsr-test-util.h"

#define MIB (1024 * 1024)
#define PIECE (64 * 1024)

/* What a parser reported: one string per event ("type|data") or NDJSON line. */
typedef struct
{
  GPtrArray *items;
  guint fail_at; /* the item the callback refuses, G_MAXUINT for none */
} Recorder;

static gboolean
refuse (Recorder *recorder, GError **error)
{
  if (recorder->items->len != recorder->fail_at)
    return FALSE;
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "refused by the test");
  return TRUE;
}

static gboolean
record_event (const char *event, const char *data, gsize len, gpointer user_data, GError **error)
{
  Recorder *recorder = user_data;

  g_assert_cmpint (data[len], ==, '\0');
  g_assert_cmpstr (event, !=, "");
  if (refuse (recorder, error))
    return FALSE;
  g_ptr_array_add (recorder->items, g_strdup_printf ("%s|%.*s", event, (int) len, data));
  return TRUE;
}

static gboolean
record_line (const char *line, gsize len, gpointer user_data, GError **error)
{
  Recorder *recorder = user_data;

  g_assert_cmpuint (len, >, 0);
  if (refuse (recorder, error))
    return FALSE;
  g_ptr_array_add (recorder->items, g_strndup (line, len));
  return TRUE;
}

/* The two parsers behind one face, so every cutting test runs on both. */
typedef struct
{
  gpointer (*create) (Recorder *recorder);
  gboolean (*feed) (gpointer parser, const guint8 *bytes, gsize len, GError **error);
  gboolean (*finish) (gpointer parser, GError **error);
  void (*destroy) (gpointer parser);
} Kind;

static gpointer
sse_create (Recorder *recorder)
{
  return tftsr_sse_parser_new (record_event, recorder);
}

static gboolean
sse_feed (gpointer parser, const guint8 *bytes, gsize len, GError **error)
{
  return tftsr_sse_parser_feed (parser, bytes, len, error);
}

static gboolean
sse_finish (gpointer parser, GError **error)
{
  return tftsr_sse_parser_finish (parser, error);
}

static void
sse_destroy (gpointer parser)
{
  tftsr_sse_parser_free (parser);
}

static gpointer
ndjson_create (Recorder *recorder)
{
  return tftsr_ndjson_parser_new (record_line, recorder);
}

static gboolean
ndjson_feed (gpointer parser, const guint8 *bytes, gsize len, GError **error)
{
  return tftsr_ndjson_parser_feed (parser, bytes, len, error);
}

static gboolean
ndjson_finish (gpointer parser, GError **error)
{
  return tftsr_ndjson_parser_finish (parser, error);
}

static void
ndjson_destroy (gpointer parser)
{
  tftsr_ndjson_parser_free (parser);
}

static const Kind sse = { sse_create, sse_feed, sse_finish, sse_destroy };
static const Kind ndjson = { ndjson_create, ndjson_feed, ndjson_finish, ndjson_destroy };

/* Parses @len bytes of @text cut at the ascending offsets @cuts, stopping at the first
 * failure (in @error); returns what was reported until then. */
static GPtrArray *
parse_cut (const Kind *kind, const char *text, gsize len, const gsize *cuts, gsize n_cuts,
           guint fail_at, GError **error)
{
  Recorder recorder = { g_ptr_array_new_with_free_func (g_free), fail_at };
  gpointer parser = kind->create (&recorder);
  gsize from = 0;
  gboolean ok = TRUE;

  for (gsize i = 0; i <= n_cuts && ok; i++)
    {
      gsize to = i < n_cuts ? cuts[i] : len;

      g_assert_cmpuint (to, >=, from);
      ok = kind->feed (parser, (const guint8 *) text + from, to - from, error);
      from = to;
    }
  if (ok)
    kind->finish (parser, error);
  kind->destroy (parser);
  return recorder.items;
}

static GPtrArray *
parse (const Kind *kind, const char *text, GError **error)
{
  return parse_cut (kind, text, strlen (text), NULL, 0, G_MAXUINT, error);
}

static GPtrArray *
parse_bytewise (const Kind *kind, const char *text, GError **error)
{
  gsize len = strlen (text);
  g_autofree gsize *cuts = g_new (gsize, len);

  for (gsize i = 0; i < len; i++)
    cuts[i] = i;
  return parse_cut (kind, text, len, cuts, len, G_MAXUINT, error);
}

/* Names the input a case is about in the test log, control bytes escaped. */
static void
show_input (const char *input)
{
  g_autofree char *shown = g_strescape (input, NULL);

  g_test_message ("input: \"%s\"", shown);
}

static void
assert_items (GPtrArray *items, const char *const *expected)
{
  guint n = g_strv_length ((char **) expected);

  for (guint i = 0; i < MIN (n, items->len); i++)
    g_assert_cmpstr (g_ptr_array_index (items, i), ==, expected[i]);
  g_assert_cmpuint (items->len, ==, n);
}

/* Parses @text whole, a byte at a time and cut in two at every offset: each must report
 * @expected and finish without error. */
static void
assert_parses_everywhere (const Kind *kind, const char *text, const char *const *expected)
{
  gsize len = strlen (text);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) whole = parse (kind, text, &error);
  g_autoptr (GPtrArray) bytewise = NULL;

  g_assert_no_error (error);
  assert_items (whole, expected);
  bytewise = parse_bytewise (kind, text, &error);
  g_assert_no_error (error);
  assert_items (bytewise, expected);
  for (gsize cut = 0; cut <= len; cut++)
    {
      g_autoptr (GPtrArray) halves = parse_cut (kind, text, len, &cut, 1, G_MAXUINT, &error);

      g_assert_no_error (error);
      assert_items (halves, expected);
    }
}

/* One stream with the shapes of each vendor, written from their published schemas. */
static const char transcript[] =
    /* OpenAI chat completion chunks; some proxies send comments while the model loads. */
    ": PROCESSING\n"
    "\n"
    "data: {\"id\":\"chatcmpl-7\",\"object\":\"chat.completion.chunk\",\"created\":1767225600,"
    "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
    "\"content\":\"\"},\"finish_reason\":null}]}\n"
    "\n"
    "data: {\"id\":\"chatcmpl-7\",\"object\":\"chat.completion.chunk\",\"created\":1767225600,"
    "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"/var is 98 % "
    "full \xe2\x80\x94 caf\xc3\xa9 \xf0\x9f\x94\xa5\"},\"finish_reason\":null}]}\n"
    "\n"
    "data: [DONE]\n"
    "\n"
    /* Anthropic message stream events, each named by an event line. */
    "event: message_start\n"
    "data: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_01\",\"type\":\"message\","
    "\"role\":\"assistant\",\"content\":[],\"model\":\"claude-sonnet-4-5\",\"stop_reason\":null,"
    "\"stop_sequence\":null,\"usage\":{\"input_tokens\":25,\"output_tokens\":1}}}\n"
    "\n"
    "event: ping\n"
    "data: {\"type\": \"ping\"}\n"
    "\n"
    "event: content_block_delta\n"
    "data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\","
    "\"text\":\"\xc3\x9c"
    "berpr\xc3\xbc"
    "fe /var/log\"}}\n"
    "\n"
    ": ping\n"
    "event: message_stop\n"
    "data: {\"type\":\"message_stop\"}\n"
    "\n"
    /* Gemini with alt=sse ends its lines with CRLF. */
    "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"\xe6\x97\xa5\xe6\x9c\xac\"}],"
    "\"role\":\"model\"},\"index\":0}],\"modelVersion\":\"gemini-2.0-flash\"}\r\n"
    "\r\n"
    "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"\"}],\"role\":\"model\"},"
    "\"finishReason\":\"STOP\",\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":9,"
    "\"candidatesTokenCount\":2,\"totalTokenCount\":11}}\r\n"
    "\r\n"
    /* Several data lines make one event; its type does not carry over to the next. */
    "event: note\n"
    "data: first\n"
    "data:second\n"
    "data\n"
    "id: 42\n"
    "retry: 3000\n"
    "\n"
    "data: after\n"
    "\n";

static const char *const transcript_events[] = {
  "message|{\"id\":\"chatcmpl-7\",\"object\":\"chat.completion.chunk\",\"created\":1767225600,"
  "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
  "\"content\":\"\"},\"finish_reason\":null}]}",
  "message|{\"id\":\"chatcmpl-7\",\"object\":\"chat.completion.chunk\",\"created\":1767225600,"
  "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"/var is 98 % "
  "full \xe2\x80\x94 caf\xc3\xa9 \xf0\x9f\x94\xa5\"},\"finish_reason\":null}]}",
  "message|[DONE]",
  "message_start|{\"type\":\"message_start\",\"message\":{\"id\":\"msg_01\",\"type\":\"message\","
  "\"role\":\"assistant\",\"content\":[],\"model\":\"claude-sonnet-4-5\",\"stop_reason\":null,"
  "\"stop_sequence\":null,\"usage\":{\"input_tokens\":25,\"output_tokens\":1}}}",
  "ping|{\"type\": \"ping\"}",
  "content_block_delta|{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":"
  "\"text_delta\",\"text\":\"\xc3\x9c"
  "berpr\xc3\xbc"
  "fe /var/log\"}}",
  "message_stop|{\"type\":\"message_stop\"}",
  "message|{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"\xe6\x97\xa5\xe6\x9c\xac\"}],"
  "\"role\":\"model\"},\"index\":0}],\"modelVersion\":\"gemini-2.0-flash\"}",
  "message|{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"\"}],\"role\":\"model\"},"
  "\"finishReason\":\"STOP\",\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":9,"
  "\"candidatesTokenCount\":2,\"totalTokenCount\":11}}",
  "note|first\nsecond\n",
  "message|after",
  NULL
};

static void
test_sse_transcript (void)
{
  assert_parses_everywhere (&sse, transcript, transcript_events);
}

/* Offset just inside the first occurrence of @needle in the transcript. */
static gsize
inside (const char *needle, gsize into)
{
  const char *at = strstr (transcript, needle);

  g_assert_nonnull (at);
  return at - transcript + into;
}

static void
test_sse_awkward_cuts (void)
{
  gsize len = strlen (transcript);
  /* Inside a two-byte and a four-byte UTF-8 character, and around a line's CRLF and the
   * blank line's CRLF after it, so that one piece is a lone "\n" and the next a lone "\r". */
  gsize cuts[] = { inside ("\xc3\xa9", 1),         inside ("\xf0\x9f\x94\xa5", 2),
                   inside ("\xf0\x9f\x94\xa5", 3), inside ("\r\n", 1),
                   inside ("\r\n\r\n", 2),         inside ("\r\n\r\n", 3) };

  g_assert_cmphex ((guint8) transcript[cuts[0] - 1], ==, 0xc3);
  g_assert_cmphex ((guint8) transcript[cuts[3] - 1], ==, '\r');
  g_assert_cmphex ((guint8) transcript[cuts[3]], ==, '\n');
  for (guint i = 0; i < G_N_ELEMENTS (cuts); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GPtrArray) one = parse_cut (&sse, transcript, len, &cuts[i], 1, G_MAXUINT, &error);

      g_assert_no_error (error);
      assert_items (one, transcript_events);
    }
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (GPtrArray) all =
        parse_cut (&sse, transcript, len, cuts, G_N_ELEMENTS (cuts), G_MAXUINT, &error);

    g_assert_no_error (error);
    assert_items (all, transcript_events);
  }
}

/* Random pieces of 1 to 100 bytes (the seed is printed by --verbose runs of g_test). */
static void
test_sse_random_pieces (void)
{
  gsize len = strlen (transcript);

  for (guint round = 0; round < 200; round++)
    {
      g_autoptr (GArray) cuts = g_array_new (FALSE, FALSE, sizeof (gsize));
      g_autoptr (GError) error = NULL;
      g_autoptr (GPtrArray) events = NULL;

      for (gsize at = g_test_rand_int_range (1, 100); at < len;
           at += g_test_rand_int_range (1, 100))
        g_array_append_val (cuts, at);
      events =
          parse_cut (&sse, transcript, len, (gsize *) cuts->data, cuts->len, G_MAXUINT, &error);
      g_assert_no_error (error);
      assert_items (events, transcript_events);
    }
}

static void
test_sse_fields (void)
{
  static const struct
  {
    const char *input;
    const char *events[3];
  } cases[] = {
    { "data:x\n\n", { "message|x" } },
    { "data: x\n\n", { "message|x" } },
    { "data:  x\n\n", { "message| x" } }, /* only one space is removed */
    { "data:\n\n", { "message|" } },      /* an empty data field still makes an event */
    { "data\n\n", { "message|" } },       /* so does a field name without a colon */
    { "data: a:b: c\n\n", { "message|a:b: c" } },
    { "data: one\ndata: two\n\n", { "message|one\ntwo" } },
    { "data: \n\n", { "message|" } },
    { "event: only\n\ndata: y\n\n", { "message|y" } }, /* no data: nothing dispatched */
    { "event: a\nevent: b\ndata: c\n\n", { "b|c" } },
    { "event:\ndata: c\n\n", { "message|c" } },
    { "data: c\nevent: late\n\n", { "late|c" } },
    { "Data: x\n\n", { NULL } }, /* field names are case-sensitive */
    { "data : x\n\n", { NULL } },
    { " data: x\n\n", { NULL } },
    { "unknown: z\nid: 7\nretry: 10\ndata: w\n\n", { "message|w" } },
    { ":comment\n: data: x\n\n", { NULL } },
    { "data: x\n\n\n\ndata: y\n\n", { "message|x", "message|y" } },
    { "data: tab\tkept \n\n", { "message|tab\tkept " } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      show_input (cases[i].input);
      assert_parses_everywhere (&sse, cases[i].input, cases[i].events);
    }
}

static void
test_sse_truncated (void)
{
  static const struct
  {
    const char *input;
    gboolean truncated;
    guint n_events;
  } cases[] = {
    { "", FALSE, 0 },
    { "data: x\n\n", FALSE, 1 },
    { "data: x\r\n\r\n", FALSE, 1 },
    { "data: x\r\r", FALSE, 1 },
    { "data: x\n\n: ping\n", FALSE, 1 },
    { "data: x\n\n: ping", FALSE, 1 }, /* a cut keep-alive loses nothing */
    { "event: ping\n\n", FALSE, 0 },
    { "data: x\n", TRUE, 0 },
    { "data: x\r\n", TRUE, 0 },
    { "data: x", TRUE, 0 },
    { "event: message_stop\n", TRUE, 0 },
    { "data: x\n\ndata: y\n", TRUE, 1 },
    { "data: x\n\nevent: message_stop\ndata: {\"type\":", TRUE, 1 },
    { "data: x\n\nid: 3\n", TRUE, 1 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GError) bytewise_error = NULL;
      g_autoptr (GPtrArray) events = parse (&sse, cases[i].input, &error);
      g_autoptr (GPtrArray) bytewise = parse_bytewise (&sse, cases[i].input, &bytewise_error);

      show_input (cases[i].input);
      if (cases[i].truncated)
        {
          g_assert_error (error, TFTSR_AI_ERROR, TFTSR_AI_ERROR_TRUNCATED);
          g_assert_error (bytewise_error, TFTSR_AI_ERROR, TFTSR_AI_ERROR_TRUNCATED);
        }
      else
        {
          g_assert_no_error (error);
          g_assert_no_error (bytewise_error);
        }
      g_assert_cmpuint (events->len, ==, cases[i].n_events);
      g_assert_cmpuint (bytewise->len, ==, cases[i].n_events);
    }
}

static void
test_sse_bom (void)
{
  static const char *const x[] = { "message|x", NULL };
  static const char *const nothing[] = { NULL };
  static const char *const kept[] = { "message|\xef\xbb\xbfx", NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) events = NULL;

  assert_parses_everywhere (&sse,
                            "\xef\xbb\xbf"
                            "data: x\n\n",
                            x);
  /* Only one BOM, only at the start: a second one is part of the field name. */
  assert_parses_everywhere (&sse,
                            "\xef\xbb\xbf\xef\xbb\xbf"
                            "data: x\n\n",
                            nothing);
  assert_parses_everywhere (&sse, "data: \xef\xbb\xbfx\n\n", kept);
  /* Bytes that start like a BOM and are not one stay in the stream. */
  assert_parses_everywhere (&sse,
                            "\xef\xbb"
                            "data: x\n\n",
                            nothing);
  assert_parses_everywhere (&sse,
                            "\xef\n"
                            "data: x\n\n",
                            x);
  events = parse (&sse, "\xef\xbb", &error);
  g_assert_error (error, TFTSR_AI_ERROR, TFTSR_AI_ERROR_TRUNCATED);
  g_assert_cmpuint (events->len, ==, 0);
}

static void
test_sse_cr_only (void)
{
  static const char *const cr_events[] = { "message|a\nb", "x|c", NULL };
  static const char *const joined[] = { "message|a\nb", NULL };
  static const char *const two[] = { "message|a", "message|b", NULL };
  gsize cut = strlen ("data: a\r");
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) crlf = NULL;
  g_autoptr (GPtrArray) cr_cr = NULL;

  assert_parses_everywhere (&sse, "data: a\rdata: b\r\revent: x\rdata: c\r\r", cr_events);
  /* A CR that ends one piece and an LF that starts the next are one line end, not two
   * (which would be a blank line, dispatching "a" alone)... */
  crlf = parse_cut (&sse, "data: a\r\ndata: b\n\n", 18, &cut, 1, G_MAXUINT, &error);
  g_assert_no_error (error);
  assert_items (crlf, joined);
  /* ...while two CRs are two. */
  cr_cr = parse_cut (&sse, "data: a\r\rdata: b\n\n", 18, &cut, 1, G_MAXUINT, &error);
  g_assert_no_error (error);
  assert_items (cr_cr, two);
}

static void
test_sse_callback_error (void)
{
  static const char *const first[] = { "message|one", NULL };
  const char *text = "data: one\n\ndata: two\n\ndata: three\n\n";
  gsize len = strlen (text);
  g_autofree gsize *cuts = g_new (gsize, len);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) whole = parse_cut (&sse, text, len, NULL, 0, 1, &error);
  g_autoptr (GPtrArray) bytewise = NULL;

  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  assert_items (whole, first);
  g_clear_error (&error);
  for (gsize i = 0; i < len; i++)
    cuts[i] = i;
  bytewise = parse_cut (&sse, text, len, cuts, len, 1, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  assert_items (bytewise, first);
}

/* Feeds @prefix and then 64 KiB pieces of "x" (with no line end), up to @total bytes;
 * returns how many bytes went in when the parser failed, asserting that it did. */
static gsize
feed_until_refused (const Kind *kind, const char *prefix, gsize total)
{
  Recorder recorder = { g_ptr_array_new_with_free_func (g_free), G_MAXUINT };
  gpointer parser = kind->create (&recorder);
  g_autofree guint8 *piece = g_malloc (PIECE);
  g_autoptr (GError) error = NULL;
  gsize fed = strlen (prefix);

  memset (piece, 'x', PIECE);
  g_assert_true (kind->feed (parser, (const guint8 *) prefix, fed, &error));
  while (fed < total && kind->feed (parser, piece, PIECE, &error))
    fed += PIECE;
  g_assert_error (error, TFTSR_AI_ERROR, TFTSR_AI_ERROR_MALFORMED);
  g_assert_cmpstr (error->message, ==, "The reply contained a message larger than 16 MiB");
  g_assert_cmpuint (recorder.items->len, ==, 0);
  kind->destroy (parser);
  g_ptr_array_unref (recorder.items);
  return fed;
}

/* A line without end: refused by the piece that takes it past 16 MiB, so the parser never
 * held more than that. */
static void
test_cap_line (gconstpointer data)
{
  const Kind *kind = data;
  const char *prefix = kind == &sse ? "data: " : "{\"response\":\"";
  gsize start = strlen (prefix);

  g_assert_cmpuint (feed_until_refused (kind, prefix, 17 * MIB), ==,
                    start + (16 * MIB - start) / PIECE * PIECE);
}

/* A whole line one byte over the cap, line end included, in a single piece. */
static void
test_cap_line_in_one_piece (gconstpointer data)
{
  const Kind *kind = data;
  gsize len = TFTSR_AI_MAX_MESSAGE + 1;
  g_autofree char *text = g_malloc (len + 3);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) items = NULL;

  memcpy (text, "data:", 5);
  memset (text + 5, 'z', len - 5);
  memcpy (text + len, "\n\n", 3);
  items = parse_cut (kind, text, len + 2, NULL, 0, G_MAXUINT, &error);
  g_assert_error (error, TFTSR_AI_ERROR, TFTSR_AI_ERROR_MALFORMED);
  g_assert_cmpuint (items->len, ==, 0);
}

/* Many short lines that add up to an event over 16 MiB. */
static void
test_sse_cap_event (void)
{
  Recorder recorder = { g_ptr_array_new_with_free_func (g_free), G_MAXUINT };
  g_autoptr (TftsrSseParser) parser = tftsr_sse_parser_new (record_event, &recorder);
  g_autofree char *line = g_strdup_printf ("data: %0*d\n", PIECE - 7, 0);
  g_autoptr (GError) error = NULL;
  gsize fed = 0;

  g_assert_cmpuint (strlen (line), ==, PIECE);
  while (fed < 32 * MIB && tftsr_sse_parser_feed (parser, (const guint8 *) line, PIECE, &error))
    fed += PIECE;
  g_assert_error (error, TFTSR_AI_ERROR, TFTSR_AI_ERROR_MALFORMED);
  /* After k lines the event holds k * (64 KiB - 7) bytes of data and k - 1 "\n" joining
   * them: the last line accepted is the last k with k * (64 KiB - 6) - 1 <= 16 MiB. */
  g_assert_cmpuint (fed, ==, (16 * MIB + 1) / (PIECE - 6) * PIECE);
  g_assert_cmpuint (recorder.items->len, ==, 0);
  g_ptr_array_unref (recorder.items);
}

/* The last event ID and the reconnection time, kept for resuming: an ID counts once its
 * event ends (even one without data), a NUL in it or a retry that is not digits is ignored. */
static void
test_sse_resume_fields (void)
{
  Recorder recorder = { g_ptr_array_new_with_free_func (g_free), G_MAXUINT };
  g_autoptr (TftsrSseParser) parser = tftsr_sse_parser_new (record_event, &recorder);
  static const char first[] = "id: e1\ndata:\nretry: 250\n\nid: e2\ndata: x\n";
  static const char second[] = "\nretry: 5s\nid: bad\0id\n\n";

  g_assert_null (tftsr_sse_parser_get_last_event_id (parser));
  g_assert_cmpuint (tftsr_sse_parser_get_retry (parser), ==, 0);
  g_assert_true (tftsr_sse_parser_feed (parser, (const guint8 *) first, sizeof first - 1, NULL));
  /* e2's event has not ended yet. */
  g_assert_cmpstr (tftsr_sse_parser_get_last_event_id (parser), ==, "e1");
  g_assert_cmpuint (tftsr_sse_parser_get_retry (parser), ==, 250);
  g_assert_true (tftsr_sse_parser_feed (parser, (const guint8 *) second, sizeof second - 1, NULL));
  g_assert_cmpstr (tftsr_sse_parser_get_last_event_id (parser), ==, "e2");
  g_assert_cmpuint (tftsr_sse_parser_get_retry (parser), ==, 250);
  g_assert_cmpuint (recorder.items->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (recorder.items, 1), ==, "message|x");
  g_ptr_array_unref (recorder.items);
}

/* Exactly 16 MiB is still accepted, as a line and as an event. */
static void
test_sse_cap_exact (void)
{
  Recorder recorder = { g_ptr_array_new_with_free_func (g_free), G_MAXUINT };
  g_autoptr (TftsrSseParser) parser = tftsr_sse_parser_new (record_event, &recorder);
  g_autofree char *text = g_malloc (TFTSR_AI_MAX_MESSAGE + 2);
  g_autoptr (GError) error = NULL;

  memcpy (text, "data:", 5);
  memset (text + 5, 'y', TFTSR_AI_MAX_MESSAGE - 5);
  memcpy (text + TFTSR_AI_MAX_MESSAGE, "\n\n", 2);
  for (gsize at = 0; at < TFTSR_AI_MAX_MESSAGE + 2; at += PIECE)
    g_assert_true (tftsr_sse_parser_feed (parser, (const guint8 *) text + at,
                                          MIN (PIECE, TFTSR_AI_MAX_MESSAGE + 2 - at), &error));
  g_assert_true (tftsr_sse_parser_finish (parser, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (recorder.items->len, ==, 1);
  g_assert_cmpuint (strlen (g_ptr_array_index (recorder.items, 0)), ==,
                    strlen ("message|") + TFTSR_AI_MAX_MESSAGE - 5);
  g_ptr_array_unref (recorder.items);
}

/* An Ollama chat stream (api.md), with the padding and line ends peers may add. */
static const char ollama[] =
    "{\"model\":\"llama3.2\",\"created_at\":\"2026-01-05T08:52:19.385406455Z\","
    "\"message\":{\"role\":\"assistant\",\"content\":\"Check\"},\"done\":false}\n"
    "\n"
    "{\"model\":\"llama3.2\",\"created_at\":\"2026-01-05T08:52:19.401Z\","
    "\"message\":{\"role\":\"assistant\",\"content\":\" d\xc3\xbc "
    "\xe2\x86\x92\"},\"done\":false}\r\n"
    " \t\r\n"
    "\r\n"
    "{\"model\":\"llama3.2\",\"created_at\":\"2026-01-05T08:52:19.512Z\","
    "\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done_reason\":\"stop\",\"done\":true,"
    "\"total_duration\":4883583458,\"eval_count\":282}";

static const char *const ollama_lines[] = {
  "{\"model\":\"llama3.2\",\"created_at\":\"2026-01-05T08:52:19.385406455Z\","
  "\"message\":{\"role\":\"assistant\",\"content\":\"Check\"},\"done\":false}",
  "{\"model\":\"llama3.2\",\"created_at\":\"2026-01-05T08:52:19.401Z\","
  "\"message\":{\"role\":\"assistant\",\"content\":\" d\xc3\xbc \xe2\x86\x92\"},\"done\":false}",
  "{\"model\":\"llama3.2\",\"created_at\":\"2026-01-05T08:52:19.512Z\","
  "\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done_reason\":\"stop\",\"done\":true,"
  "\"total_duration\":4883583458,\"eval_count\":282}",
  NULL
};

static void
test_ndjson_stream (void)
{
  assert_parses_everywhere (&ndjson, ollama, ollama_lines);
}

/* The last line has no "\n": only finish delivers it. */
static void
test_ndjson_finish_delivers (void)
{
  Recorder recorder = { g_ptr_array_new_with_free_func (g_free), G_MAXUINT };
  g_autoptr (TftsrNdjsonParser) parser = tftsr_ndjson_parser_new (record_line, &recorder);
  g_autoptr (GError) error = NULL;

  g_assert_true (
      tftsr_ndjson_parser_feed (parser, (const guint8 *) ollama, strlen (ollama), &error));
  g_assert_cmpuint (recorder.items->len, ==, 2);
  g_assert_true (tftsr_ndjson_parser_finish (parser, &error));
  g_assert_no_error (error);
  assert_items (recorder.items, ollama_lines);
  g_ptr_array_unref (recorder.items);
}

static void
test_ndjson_line_ends (void)
{
  static const struct
  {
    const char *input;
    const char *lines[3];
  } cases[] = {
    { "{\"a\":1}\r\n{\"b\":2}\r\n", { "{\"a\":1}", "{\"b\":2}" } },
    /* A lone CR is not a line end in NDJSON... */
    { "{\"a\":1}\r{\"b\":2}\n", { "{\"a\":1}\r{\"b\":2}" } },
    /* ...and only the one CR before LF belongs to the line end. */
    { "x\r\r\n", { "x\r" } },
    { "\n\n\r\n \n", { NULL } },
    { "x\r", { "x" } },
    { "  {\"a\": 1}  \n", { "  {\"a\": 1}  " } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      show_input (cases[i].input);
      assert_parses_everywhere (&ndjson, cases[i].input, cases[i].lines);
    }
}

static void
test_ndjson_callback_error (void)
{
  static const char *const first[] = { "{\"n\":1}", NULL };
  static const char *const two[] = { "{\"n\":1}", "{\"n\":2}", NULL };
  const char *text = "{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n";
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) lines = parse_cut (&ndjson, text, strlen (text), NULL, 0, 1, &error);
  g_autoptr (GPtrArray) last = NULL;

  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  assert_items (lines, first);
  g_clear_error (&error);
  /* A refusal of the line only finish delivers comes back from finish. */
  last = parse_cut (&ndjson, "{\"n\":1}\n{\"n\":2}\n{\"n\":3}", 23, NULL, 0, 2, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  assert_items (last, two);
}

int
main (int argc, char **argv)
{
  tftsr_test_init (&argc, &argv);
  g_test_add_func ("/ai-stream/sse/transcript", test_sse_transcript);
  g_test_add_func ("/ai-stream/sse/awkward-cuts", test_sse_awkward_cuts);
  g_test_add_func ("/ai-stream/sse/random-pieces", test_sse_random_pieces);
  g_test_add_func ("/ai-stream/sse/fields", test_sse_fields);
  g_test_add_func ("/ai-stream/sse/truncated", test_sse_truncated);
  g_test_add_func ("/ai-stream/sse/bom", test_sse_bom);
  g_test_add_func ("/ai-stream/sse/cr-only", test_sse_cr_only);
  g_test_add_func ("/ai-stream/sse/callback-error", test_sse_callback_error);
  g_test_add_data_func ("/ai-stream/sse/cap-line", &sse, test_cap_line);
  g_test_add_data_func ("/ai-stream/sse/cap-line-in-one-piece", &sse, test_cap_line_in_one_piece);
  g_test_add_func ("/ai-stream/sse/cap-event", test_sse_cap_event);
  g_test_add_func ("/ai-stream/sse/cap-exact", test_sse_cap_exact);
  g_test_add_func ("/ai-stream/sse/resume-fields", test_sse_resume_fields);
  g_test_add_func ("/ai-stream/ndjson/stream", test_ndjson_stream);
  g_test_add_func ("/ai-stream/ndjson/finish-delivers", test_ndjson_finish_delivers);
  g_test_add_func ("/ai-stream/ndjson/line-ends", test_ndjson_line_ends);
  g_test_add_func ("/ai-stream/ndjson/callback-error", test_ndjson_callback_error);
  g_test_add_data_func ("/ai-stream/ndjson/cap-line", &ndjson, test_cap_line);
  g_test_add_data_func ("/ai-stream/ndjson/cap-line-in-one-piece", &ndjson,
                        test_cap_line_in_one_piece);
  return g_test_run ();
}
