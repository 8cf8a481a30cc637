/* test-doc-draft.c: the AI draft of a post-mortem's summary, factors and actions against a
 * loopback provider: what is sent (redacted, the conversation fitted to the context), what
 * comes back (pseudonyms mapped back), and the failures
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE /* memmem */
#include <json.h>
#include <string.h>

#include "tftsr-fake-server.h"
#include "tftsr-test-util.h"

static TftsrStore *store;

/* Values that must never reach the provider: planted in the title, the description, the
 * chat, an answer of the 5 Whys and the root cause. */
static const char *const canaries[] = {
  "jane.canary@acme-internal.net",   "jane.canary", "10.23.45.67", "Hunter2Canary", "db-canary-01",
  "db-canary-01.prod.acme.internal",
};

static gboolean
contains (GBytes *bytes, const char *text)
{
  return memmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), text, strlen (text)) !=
         NULL;
}

/* One OpenAI stream event with @content and the finish, then [DONE]. */
static char *
sse_of (const char *content)
{
  json_object *chunk = json_object_new_object ();
  json_object *choices = json_object_new_array ();
  json_object *choice = json_object_new_object ();
  json_object *delta = json_object_new_object ();

  json_object_object_add (delta, "content", json_object_new_string (content));
  json_object_object_add (choice, "index", json_object_new_int (0));
  json_object_object_add (choice, "delta", delta);
  json_object_object_add (choice, "finish_reason", json_object_new_string ("stop"));
  json_object_array_add (choices, choice);
  json_object_object_add (chunk, "choices", choices);
  char *sse = g_strdup_printf ("data: %s\n\ndata: [DONE]\n\n",
                               json_object_to_json_string_ext (chunk, JSON_C_TO_STRING_PLAIN));

  json_object_put (chunk);
  return sse;
}

/* A provider at a new loopback server answering every request with @content, or, to
 * @end with a stall, with a keep-alive and then nothing; @options may be NULL. */
static TftsrFakeServer *
serve (const char *content, TftsrFakeEnd end, const char *options)
{
  TftsrFakeServer *server = tftsr_fake_server_new ();
  g_autofree char *url = tftsr_fake_server_url (server, "/v1");
  g_autofree char *body =
      end == TFTSR_FAKE_END_STALL ? g_strdup (": waiting\n\n") : sse_of (content);
  g_autoptr (TftsrFakeReply) reply = tftsr_fake_reply_new (200, "text/event-stream");
  g_autoptr (TftsrAiProvider) provider =
      tftsr_ai_provider_new ("drafter", TFTSR_AI_FORMAT_OPENAI, url, "draft-model");
  g_autoptr (TftsrAiProvider) stored = NULL;
  g_autoptr (GError) error = NULL;

  tftsr_fake_reply_add_piece (reply, body, -1);
  tftsr_fake_reply_set_end (reply, end);
  tftsr_fake_server_add_replies (server, "/v1/chat/completions", reply, NULL);
  if ((stored = tftsr_store_get_ai_provider (store, "drafter", NULL)) != NULL)
    g_assert_true (tftsr_store_remove_ai_provider (store, stored->id, NULL));
  if (options != NULL)
    {
      g_free (provider->options);
      provider->options = g_strdup (options);
    }
  g_assert_cmpint (tftsr_store_add_ai_provider (store, provider, "sk-draft", &error), >, 0);
  g_assert_no_error (error);
  return server;
}

static GBytes *
last_body (TftsrFakeServer *server)
{
  g_autoptr (GPtrArray) requests = tftsr_fake_server_dup_requests (server);

  g_assert_cmpuint (requests->len, >=, 1);
  return g_bytes_ref (((TftsrFakeRequest *) requests->pdata[requests->len - 1])->body);
}

static void
append (gint64 id, TftsrAiRole role, const char *text)
{
  g_autoptr (TftsrAiMessage) message = tftsr_ai_message_new (role, text);
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrTriageMessage) stored = tftsr_store_append_triage_message (
      store, id, message, role == TFTSR_AI_ROLE_USER ? NULL : "p", "m",
      TFTSR_TRIAGE_MESSAGE_COMPLETE, NULL, &error);

  g_assert_no_error (error);
}

/* The pseudonym the incident gives @value (it joins the incident's list if new). */
static char *
pseudonym (gint64 id, const char *value)
{
  g_autoptr (TftsrPiiScanner) scanner = tftsr_store_load_pii_scanner (store, NULL);
  g_autoptr (GError) error = NULL;
  char *out = tftsr_egress_redact_text (store, id, scanner, value, NULL, &error);

  g_assert_no_error (error);
  return out;
}

static gint64
canary_incident (void)
{
  g_autoptr (TftsrIssue) issue =
      tftsr_test_create (store, "Checkout 502 on db-canary-01.prod.acme.internal",
                         "Since 14:05 10.23.45.67 rejects password=Hunter2Canary! logins");
  gint64 id = tftsr_issue_get_id (issue);
  g_autoptr (GError) error = NULL;

  append (id, TFTSR_AI_ROLE_USER, "jane.canary@acme-internal.net paged me at 14:07");
  append (id, TFTSR_AI_ROLE_ASSISTANT,
          "The pool on 10.23.45.67 ran dry.\n[[WHY 1: the pool was exhausted]]");
  g_assert_true (tftsr_store_set_why (store, id, 1, "Why did checkout fail?",
                                      "db-canary-01.prod.acme.internal ran out of connections",
                                      "jane.canary@acme-internal.net saw it", &error));
  g_assert_true (tftsr_store_set_root_cause (store, id, "max_conn=20 on 10.23.45.67", &error));
  g_assert_no_error (error);
  return id;
}

static gboolean
audited (GBytes *body)
{
  g_autofree char *sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, body);
  g_autoptr (GPtrArray) audit = tftsr_audit_list (store, 0, NULL);

  for (guint i = 0; i < audit->len; i++)
    {
      TftsrAuditEntry *entry = audit->pdata[i];
      if (g_str_equal (entry->action, "egress.send") && strstr (entry->detail, sha) != NULL)
        return TRUE;
    }
  return FALSE;
}

/* The canary test: none of the planted values leaves, their pseudonyms do, the request is
 * audited; the draft comes back with the real values, its priorities as P numbers. */
static void
test_draft (void)
{
  gint64 id = canary_incident ();
  g_autofree char *email = pseudonym (id, "jane.canary@acme-internal.net");
  g_autofree char *address = pseudonym (id, "10.23.45.67");
  g_autofree char *host = pseudonym (id, "db-canary-01.prod.acme.internal");
  g_autofree char *reply = g_strdup_printf (
      "Here is the draft:\n```json\n{\"executive_summary\": \"Checkout failed when the pool on "
      "%s ran dry.\", \"contributing_factors\": [\"max_conn=20 on %s\", 7, \"\"], "
      "\"action_items\": [{\"priority\": \"high\", \"action\": \"Alert %s on pool use\", "
      "\"owner\": \"SRE\", \"due\": \"2026-12-01\"}, {\"priority\": \"P4\", \"action\": \"Review "
      "%s\"}, {\"action\": \"\"}, 3]}\n```",
      address, host, email, host);
  g_autoptr (TftsrFakeServer) server = serve (reply, TFTSR_FAKE_END_COMPLETE, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrDocDraft) draft = tftsr_doc_draft_postmortem (store, id, NULL, NULL, &error);
  g_autoptr (GBytes) body = last_body (server);
  TftsrDocActionItem *first, *second;

  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (canaries); i++)
    if (contains (body, canaries[i]))
      g_error ("“%s” left in the draft request", canaries[i]);
  g_assert_true (contains (body, email));
  g_assert_true (contains (body, address));
  g_assert_true (contains (body, host));
  g_assert_true (contains (body, "<PASSWORD_1>"));
  g_assert_false (contains (body, "[[WHY"));
  g_assert_true (audited (body));

  g_assert_cmpstr (draft->provider, ==, "drafter");
  g_assert_cmpstr (draft->model, ==, "draft-model");
  g_assert_cmpstr (draft->executive_summary, ==,
                   "Checkout failed when the pool on 10.23.45.67 ran dry.");
  g_assert_cmpuint (draft->contributing_factors->len, ==, 1);
  g_assert_cmpstr (draft->contributing_factors->pdata[0], ==,
                   "max_conn=20 on db-canary-01.prod.acme.internal");
  g_assert_cmpuint (draft->action_items->len, ==, 2);
  first = draft->action_items->pdata[0];
  second = draft->action_items->pdata[1];
  g_assert_cmpstr (first->priority, ==, "P2");
  g_assert_cmpstr (first->action, ==, "Alert jane.canary@acme-internal.net on pool use");
  g_assert_cmpstr (first->owner, ==, "SRE");
  g_assert_cmpstr (first->due, ==, "2026-12-01");
  g_assert_cmpstr (second->priority, ==, "P4");
  g_assert_cmpstr (second->owner, ==, "");
}

/* A long conversation: the newest messages that fit the provider's context go, with a note
 * of how many were left out. */
static void
test_long_conversation (void)
{
  g_autoptr (TftsrIssue) issue = tftsr_test_create (store, "Long triage", NULL);
  gint64 id = tftsr_issue_get_id (issue);
  g_autoptr (TftsrFakeServer) server =
      serve ("{\"executive_summary\": \"Long.\"}", TFTSR_FAKE_END_COMPLETE,
             "{\"context_tokens\": \"1024\"}");
  g_autoptr (TftsrDocDraft) draft = NULL;
  g_autoptr (GBytes) body = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *filler = g_strnfill (200, 'x');

  for (guint i = 0; i < 60; i++)
    {
      g_autofree char *text = g_strdup_printf ("message %02u %s", i, filler);
      append (id, i % 2 == 0 ? TFTSR_AI_ROLE_USER : TFTSR_AI_ROLE_ASSISTANT, text);
    }
  draft = tftsr_doc_draft_postmortem (store, id, "drafter", NULL, &error);
  g_assert_no_error (error);
  body = last_body (server);
  g_assert_true (contains (body, "message 59 "));
  g_assert_false (contains (body, "message 00 "));
  g_assert_true (contains (body, "earlier messages left out"));
  g_assert_cmpuint (g_bytes_get_size (body), <, 4096 + 4096);
}

/* No JSON, or JSON without anything of the draft: a sentence, nothing else. */
static void
test_malformed (void)
{
  g_autoptr (TftsrIssue) issue = tftsr_test_create (store, "Malformed", NULL);
  gint64 id = tftsr_issue_get_id (issue);

  for (const char *const *reply = (const char *const[]){ "I cannot help with that.",
                                                         "{\"summary\": \"wrong keys\"}", NULL };
       *reply != NULL; reply++)
    {
      g_autoptr (TftsrFakeServer) server = serve (*reply, TFTSR_FAKE_END_COMPLETE, NULL);
      g_autoptr (GError) error = NULL;
      g_autoptr (TftsrDocDraft) draft = tftsr_doc_draft_postmortem (store, id, NULL, NULL, &error);

      g_assert_null (draft);
      g_assert_error (error, TFTSR_AI_ERROR, TFTSR_AI_ERROR_MALFORMED);
    }
}

typedef struct
{
  TftsrDocDraft *draft;
  GError *error;
  gboolean done;
} Drafted;

static void
drafted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Drafted *d = user_data;

  d->draft = tftsr_doc_draft_postmortem_finish (TFTSR_STORE (source), result, &d->error);
  d->done = TRUE;
}

static gboolean
drafted_done (gpointer user_data)
{
  return ((Drafted *) user_data)->done;
}

static gboolean
cancel_soon (gpointer cancellable)
{
  g_cancellable_cancel (cancellable);
  return G_SOURCE_REMOVE;
}

/* In a worker: a draft, then a provider that never finishes, cancelled. */
static void
test_async (void)
{
  g_autoptr (TftsrIssue) issue = tftsr_test_create (store, "Async draft", NULL);
  gint64 id = tftsr_issue_get_id (issue);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  Drafted d = { 0 };

  {
    g_autoptr (TftsrFakeServer) server =
        serve ("{\"executive_summary\": \"Done.\"}", TFTSR_FAKE_END_COMPLETE, NULL);

    tftsr_doc_draft_postmortem_async (store, id, NULL, NULL, drafted, &d);
    tftsr_test_iterate_until (drafted_done, &d);
    g_assert_no_error (d.error);
    g_assert_cmpstr (d.draft->executive_summary, ==, "Done.");
    g_clear_pointer (&d.draft, tftsr_doc_draft_free);
  }
  {
    g_autoptr (TftsrFakeServer) server =
        serve ("{\"executive_summary\": \"Never.\"}", TFTSR_FAKE_END_STALL, NULL);

    d.done = FALSE;
    tftsr_doc_draft_postmortem_async (store, id, NULL, cancellable, drafted, &d);
    g_timeout_add (200, cancel_soon, cancellable);
    tftsr_test_iterate_until (drafted_done, &d);
    g_assert_null (d.draft);
    g_assert_error (d.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_error (&d.error);
  }
}

int
main (int argc, char **argv)
{
  int status;

  tftsr_test_init (&argc, &argv);
  store = tftsr_test_new_store ();
  g_test_add_func ("/doc-draft/draft", test_draft);
  g_test_add_func ("/doc-draft/long-conversation", test_long_conversation);
  g_test_add_func ("/doc-draft/malformed", test_malformed);
  g_test_add_func ("/doc-draft/async", test_async);
  status = g_test_run ();
  g_object_unref (store);
  return status;
}
