/* bench-chat-latency.c: how soon a piece of a streamed reply is on screen in the triage chat
 *
 * A loopback OpenAI-style server streams a reply of numbered words ("w017 "), one SSE event
 * per word, every few milliseconds; every tenth word comes with a pseudonym token of the
 * incident, so the worker has tokens to reveal. The clock starts when the server has
 * written a piece to its socket (libsoup's wrote-chunk, in the server's thread of this
 * process) and stops at the first frame painted (the frame clock's after-paint) after the
 * word shows in the reply of a real TftsrTriageView (its item, whose row's Markdown view
 * is set from it at once): the path measured is
 * net, the SSE and JSON parsing, the display text with markers and pseudonyms handled in
 * the worker, the hand-over to the UI thread, the view's redraw throttle, Markdown into
 * widgets, layout and paint. Runs on the display it is given (run-benchmarks.sh gives it
 * an Xvfb).
 *
 *   bench-chat-latency [--words N] [--rounds N]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <adwaita.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tftsr-fake-server.h"
#include "tftsr-triage-item.h"
#include "tftsr-triage-view.h"

/* A 256-bit raw key: no PBKDF2 for each connection the workers open. */
#define RAW_KEY "x'000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f'"

typedef struct
{
  GMutex lock;
  gint64 *sent; /* when each word's piece was written, µs */
  guint n_words;
  guint written;
  TftsrFakeReply *reply; /* of the round being played */
} Server;

typedef struct
{
  GtkWidget *view;
  GListModel *items; /* the view's messages */
  Server *server;
  guint number;      /* words of round 3 are "r3w000 "… */
  double *latencies; /* ms, one per word of the round */
  guint shown;       /* words seen in a painted frame */
  gint64 text_set;   /* when the reply's text last changed */
  double waited;     /* ms summed over the words: written → text set … */
  double drawn;      /* … → painted */
} Round;

/* --- the server side ------------------------------------------------------------------------ */

static void
on_wrote_chunk (SoupServerMessage *msg, Server *server)
{
  gint64 now = g_get_monotonic_time ();

  g_mutex_lock (&server->lock);
  if (server->written < server->n_words)
    server->sent[server->written] = now;
  server->written++;
  g_mutex_unlock (&server->lock);
}

static void
handle_chat (SoupServerMessage *msg, GBytes *body, gpointer user_data)
{
  Server *server = user_data;

  g_signal_connect (msg, "wrote-chunk", G_CALLBACK (on_wrote_chunk), server);
  tftsr_fake_reply_send (server->reply, msg);
}

/* @n words of round @number, one event each, @interval_ms apart. */
static TftsrFakeReply *
make_reply (guint number, guint n, guint interval_ms)
{
  TftsrFakeReply *reply = tftsr_fake_reply_new (200, "text/event-stream");

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *event = g_strdup_printf (
          "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"r%uw%03u %s%s\"}}]}\n\n",
          number, i, i % 10 == 9 ? "<HOSTNAME_1> " : "", i % 25 == 24 ? "\\n\\n" : "");
      tftsr_fake_reply_add_piece (reply, event, -1);
    }
  tftsr_fake_reply_add_piece (reply,
                              "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":"
                              "\"stop\"}]}\n\ndata: [DONE]\n\n",
                              -1);
  tftsr_fake_reply_set_delay (reply, interval_ms);
  return reply;
}

/* --- the app side ---------------------------------------------------------------------------- */

static GtkWidget *
find_id (GtkWidget *root, const char *id)
{
  if (g_strcmp0 (gtk_buildable_get_buildable_id (GTK_BUILDABLE (root)), id) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_id (child, id);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* How many words of round @number the newest message shows; its row's Markdown view shows
 * the same text, set as the item changes. */
static guint
words_shown (Round *round)
{
  guint n = g_list_model_get_n_items (round->items), best = 0;
  g_autoptr (TftsrTriageItem) last = n > 0 ? g_list_model_get_item (round->items, n - 1) : NULL;
  g_autofree char *prefix = g_strdup_printf ("r%uw", round->number);
  const char *text = last != NULL ? tftsr_triage_item_get_text (last) : "";

  for (const char *p = strstr (text, prefix); p != NULL; p = strstr (p + 1, prefix))
    best = MAX (best, (guint) strtoul (p + strlen (prefix), NULL, 10) + 1);
  return best;
}

/* Right after a paint: every word first seen now was drawn in this frame. */
static void
after_paint (GdkFrameClock *clock, Round *round)
{
  gint64 now = g_get_monotonic_time ();
  guint shown = MIN (words_shown (round), round->server->n_words);

  g_mutex_lock (&round->server->lock);
  for (guint i = round->shown; i < shown; i++)
    {
      round->latencies[i] = (now - round->server->sent[i]) / 1000.0;
      round->waited += (round->text_set - round->server->sent[i]) / 1000.0;
      round->drawn += (now - round->text_set) / 1000.0;
    }
  g_mutex_unlock (&round->server->lock);
  round->shown = MAX (round->shown, shown);
}

static void
on_text_set (Round *round)
{
  round->text_set = g_get_monotonic_time ();
}

static gboolean
idle_view (GtkWidget *view)
{
  GtkStack *send = GTK_STACK (find_id (view, "send_stack"));
  GtkStack *chat = GTK_STACK (find_id (view, "chat_stack"));

  return g_strcmp0 (gtk_stack_get_visible_child_name (send), "send") == 0 &&
         g_strcmp0 (gtk_stack_get_visible_child_name (chat), "loading") != 0;
}

static void
iterate_until_idle (GtkWidget *view)
{
  while (!idle_view (view))
    g_main_context_iteration (NULL, TRUE);
}

static void
run_round (Round *round, guint interval_ms)
{
  Server *server = round->server;
  GtkTextView *composer = GTK_TEXT_VIEW (find_id (round->view, "composer_view"));
  GdkFrameClock *clock = gtk_widget_get_frame_clock (round->view);
  g_autoptr (GObject) reply = NULL;
  gulong handler;

  g_clear_pointer (&server->reply, tftsr_fake_reply_unref);
  server->reply = make_reply (++round->number, server->n_words, interval_ms);
  server->written = 0;
  round->shown = 0;
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint), round);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (composer), "Go on", -1);
  if (!gtk_widget_activate_action (round->view, "triage.send", NULL))
    g_error ("the view would not send");
  reply = g_list_model_get_item (round->items, g_list_model_get_n_items (round->items) - 1);
  g_signal_connect_swapped (reply, "notify::text", G_CALLBACK (on_text_set), round);
  while (round->shown < server->n_words)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (clock, handler);
  g_signal_handlers_disconnect_by_func (reply, on_text_set, round);
  iterate_until_idle (round->view);
}

static int
compare_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static void
report (const char *what, double *values, guint n, const Round *round)
{
  qsort (values, n, sizeof *values, compare_double);
  printf ("%-22s median %5.1f ms   p95 %5.1f ms   max %5.1f ms   (%u words)\n", what, values[n / 2],
          values[(n * 95) / 100], values[n - 1], n);
  printf ("%-22s mean: written → text set %.1f ms, text set → painted %.1f ms\n", "",
          round->waited / n, round->drawn / n);
}

int
main (int argc, char **argv)
{
  static const guint intervals[] = { 50, 10 };
  int words = 120, rounds = 3;
  GOptionEntry entries[] = {
    { "words", 0, 0, G_OPTION_ARG_INT, &words, "Words (SSE events) in each reply (120)", "N" },
    { "rounds", 0, 0, G_OPTION_ARG_INT, &rounds, "Replies at each pace (3)", "N" },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("— triage chat latency benchmark");
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("tftsr-bench-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "bench.db", NULL);
  g_autoptr (TftsrDbKey) key = tftsr_db_key_new (RAW_KEY, TFTSR_DB_KEY_SOURCE_EXPLICIT);
  g_autoptr (TftsrStore) store = NULL;
  g_autoptr (TftsrFakeServer) fake = tftsr_fake_server_new ();
  g_autoptr (TftsrIssue) issue = NULL;
  g_autoptr (TftsrAiProvider) provider = NULL;
  g_autofree char *url = NULL;
  Server server = { 0 };
  Round round = { 0 };
  GtkWidget *window;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || words < 10 || rounds < 1)
    {
      g_printerr ("%s\n", error != NULL ? error->message : "--words ≥ 10 and --rounds ≥ 1");
      return 2;
    }
  gtk_init ();
  adw_init ();
  if ((store = tftsr_store_open (db, key, &error)) == NULL)
    g_error ("%s", error->message);
  issue = tftsr_issue_new ("Checkout 502 on db-bench-01.prod.acme.internal");
  g_set_object (&issue, tftsr_store_create_issue (store, issue, &error));
  url = tftsr_fake_server_url (fake, "/v1");
  provider = tftsr_ai_provider_new ("bench", TFTSR_AI_FORMAT_OPENAI, url, "bench-model");
  if (issue == NULL || tftsr_store_add_ai_provider (store, provider, "sk-bench", &error) == 0)
    g_error ("%s", error->message);

  g_mutex_init (&server.lock);
  server.n_words = (guint) words;
  server.sent = g_new0 (gint64, words);
  tftsr_fake_server_add_handler (fake, "/v1/chat/completions", handle_chat, &server);

  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 760);
  round.view = g_object_new (TFTSR_TYPE_TRIAGE_VIEW, NULL);
  round.server = &server;
  gtk_window_set_child (GTK_WINDOW (window), round.view);
  gtk_window_present (GTK_WINDOW (window));
  tftsr_triage_view_set_store (TFTSR_TRIAGE_VIEW (round.view), store);
  tftsr_triage_view_load (TFTSR_TRIAGE_VIEW (round.view), tftsr_issue_get_id (issue));
  iterate_until_idle (round.view);
  round.items = gtk_no_selection_get_model (GTK_NO_SELECTION (
      gtk_list_view_get_model (GTK_LIST_VIEW (find_id (round.view, "message_list")))));

  printf ("%d replies of %d words at each pace; GSK renderer: %s\n", rounds, words,
          g_getenv ("GSK_RENDERER") != NULL ? g_getenv ("GSK_RENDERER") : "default");
  for (guint p = 0; p < G_N_ELEMENTS (intervals); p++)
    {
      g_autofree double *all = g_new (double, (gsize) words *rounds);
      g_autofree char *what = g_strdup_printf ("a word every %u ms:", intervals[p]);

      round.latencies = g_new (double, words);
      round.waited = round.drawn = 0;
      for (int r = 0; r < rounds; r++)
        {
          run_round (&round, intervals[p]);
          memcpy (all + (gsize) r * words, round.latencies, sizeof (double) * words);
        }
      g_free (round.latencies);
      report (what, all, (guint) (words * rounds), &round);
    }

  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_pointer (&server.reply, tftsr_fake_reply_unref);
  g_clear_pointer (&fake, tftsr_fake_server_free);
  g_free (server.sent);
  g_clear_object (&store);
  g_remove (db);
  g_rmdir (dir);
  return 0;
}
