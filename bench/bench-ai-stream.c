/* bench-ai-stream.c: how fast a streamed reply is taken in, against curl reading the same
 * stream from the same loopback server
 *
 * The server sends an OpenAI-style SSE reply of many small token events as fast as it can.
 * tftsr_ai_complete() reads it through the whole path (net, SSE parser, JSON of each event,
 * the reply assembled, a text callback per token); curl only moves the bytes to /dev/null.
 *
 *   bench-ai-stream [--mib N] [--rounds N]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <stdio.h>
#include <tftsr.h>

#include "tftsr-fake-server.h"

typedef struct
{
  guint64 tokens;
} Count;

static void
count_token (const char *text, gsize len, gpointer user_data)
{
  ((Count *) user_data)->tokens++;
}

/* An SSE reply of about @mib MiB: one event per token, as OpenAI streams them. */
static GString *
make_stream (guint mib, guint64 *tokens)
{
  static const char *const words[] = { "the ",    "pool ", "ran ", "dry ", "after ",
                                       "deploy ", "42 ",   "— ",   "✓ ",   "timeouts " };
  GString *s = g_string_sized_new ((gsize) mib * 1024 * 1024 + 4096);

  *tokens = 0;
  while (s->len < (gsize) mib * 1024 * 1024)
    {
      g_string_append_printf (s,
                              "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\","
                              "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"%s\"}}]}\n\n",
                              words[*tokens % G_N_ELEMENTS (words)]);
      (*tokens)++;
    }
  g_string_append (s, "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":"
                      "\"stop\"}]}\n\ndata: [DONE]\n\n");
  return s;
}

static double
now (void)
{
  return (double) g_get_monotonic_time () / G_USEC_PER_SEC;
}

static double
run_tftsr (TftsrStore *store, TftsrAiProvider *provider, guint64 expected)
{
  g_autoptr (TftsrAiRequest) request = tftsr_ai_request_new ("bench");
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrAiReply) reply = NULL;
  Count count = { 0 };
  TftsrAiListener listener = { count_token, NULL, &count };
  double start = now ();

  tftsr_ai_request_add_message (request, tftsr_ai_message_new (TFTSR_AI_ROLE_USER, "go"));
  reply = tftsr_ai_complete (store, provider, 0, request, NULL, &listener, NULL, &error);
  if (reply == NULL || count.tokens != expected)
    g_error ("tftsr read %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " tokens: %s", count.tokens,
             expected, error != NULL ? error->message : "");
  return now () - start;
}

static double
run_curl (const char *url)
{
  g_autoptr (GError) error = NULL;
  const char *argv[] = {
    "curl", "-s", "-N", "-o", "/dev/null", "-H", "Content-Type: application/json",
    "-d",   "{}", url,  NULL
  };
  int status = 0;
  double start = now ();

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                     &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    g_error ("curl failed: %s", error->message);
  return now () - start;
}

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static double
median (double *values, guint n)
{
  qsort (values, n, sizeof *values, (int (*) (const void *, const void *)) compare_doubles);
  return values[n / 2];
}

int
main (int argc, char **argv)
{
  int mib = 64, rounds = 5;
  GOptionEntry entries[] = {
    { "mib", 0, 0, G_OPTION_ARG_INT, &mib, "Size of the reply in MiB (64)", "N" },
    { "rounds", 0, 0, G_OPTION_ARG_INT, &rounds, "Rounds of each (5)", "N" },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("— AI stream parsing benchmark");
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("tftsr-bench-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "bench.db", NULL);
  g_autoptr (TftsrDbKey) key = tftsr_db_key_new ("bench-passphrase", TFTSR_DB_KEY_SOURCE_EXPLICIT);
  g_autoptr (TftsrStore) store = NULL;
  g_autoptr (TftsrFakeServer) server = tftsr_fake_server_new ();
  g_autoptr (TftsrFakeReply) reply = NULL;
  g_autoptr (TftsrAiProvider) provider = NULL;
  g_autoptr (GString) stream = NULL;
  g_autofree char *base = NULL, *url = NULL;
  g_autofree double *ours = NULL, *theirs = NULL;
  guint64 tokens;
  double t_ours, t_curl, mb;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || mib < 1 || rounds < 1)
    {
      g_printerr ("%s\n", error != NULL ? error->message : "--mib and --rounds must be positive");
      return 2;
    }
  if ((store = tftsr_store_open (db, key, &error)) == NULL)
    g_error ("%s", error->message);
  stream = make_stream (mib, &tokens);
  reply = tftsr_fake_reply_new (200, "text/event-stream");
  tftsr_fake_reply_add_pieces (reply, stream->str, stream->len, 64 * 1024);
  tftsr_fake_server_add_replies (server, "/v1/chat/completions", reply, NULL);
  base = tftsr_fake_server_url (server, "/v1");
  url = tftsr_fake_server_url (server, "/v1/chat/completions");
  provider = tftsr_ai_provider_new ("bench", TFTSR_AI_FORMAT_OPENAI, base, "bench-model");

  ours = g_new (double, rounds);
  theirs = g_new (double, rounds);
  for (int i = 0; i < rounds; i++)
    {
      theirs[i] = run_curl (url);
      ours[i] = run_tftsr (store, provider, tokens);
    }
  t_ours = median (ours, rounds);
  t_curl = median (theirs, rounds);
  mb = (double) stream->len / (1024 * 1024);
  printf ("reply: %.1f MiB, %" G_GUINT64_FORMAT " token events, median of %d rounds\n", mb, tokens,
          rounds);
  printf ("tftsr_ai_complete: %.3f s  %.1f MiB/s  %.0f tokens/s\n", t_ours, mb / t_ours,
          (double) tokens / t_ours);
  printf ("curl -N (bytes only): %.3f s  %.1f MiB/s\n", t_curl, mb / t_curl);
  printf ("ratio tftsr/curl: %.2f\n", t_ours / t_curl);
  g_clear_object (&store);
  g_remove (db);
  g_rmdir (dir);
  return 0;
}
