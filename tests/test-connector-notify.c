/* test-connector-notify.c: incident events sent to a webhook, Slack and Teams, received by a
 * loopback fake: the webhook's JSON, its HMAC-SHA256 signature (recomputed here over the
 * bytes received), its configured headers and methods, the addresses and headers refused;
 * the Block Kit message and the Adaptive Card as the fake received them, the webhook URL
 * kept out of what is recorded, and hostile titles escaped for each.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "tftsr-connector-notify-private.h"
#include "tftsr-connector-test-util.h"

#define SIGNING_KEY "whsec-7f3a9c"
#define HOSTILE_TITLE                                                                              \
  "<!channel> & <https://evil.example|click> [x](https://evil.example) **b** _i_"

typedef struct
{
  TftsrStore *store;
  TftsrFakeServer *server;
  gint64 issue_id;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  const char *title = data != NULL ? data : "Checkout API returns 502";
  g_autoptr (TftsrIssue) draft = tftsr_issue_new (title);
  g_autoptr (TftsrIssue) issue = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrFakeReply) ok = tftsr_fake_reply_new (200, "text/plain");

  f->store = tftsr_test_new_store ();
  f->server = tftsr_fake_server_new ();
  tftsr_fake_reply_add_piece (ok, "ok", -1);
  tftsr_fake_server_add_replies (f->server, "/hook", ok, NULL);
  tftsr_fake_server_add_replies (f->server, "/services/T0001/B0002/secretpart", ok, NULL);
  tftsr_fake_server_add_replies (f->server, "/webhookb2/abc/IncomingWebhook/secretpart", ok, NULL);
  tftsr_issue_set_description (draft, "Since 09:12 the gateway answers 502.");
  tftsr_issue_set_severity (draft, TFTSR_SEVERITY_CRITICAL);
  tftsr_issue_set_category (draft, TFTSR_CATEGORY_NETWORK);
  issue = tftsr_store_create_issue (f->store, draft, &error);
  g_assert_no_error (error);
  f->issue_id = tftsr_issue_get_id (issue);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  (void) data;
  tftsr_fake_server_free (f->server);
  g_object_unref (f->store);
}

static void
notify (Fixture *f, const char *id, TftsrNotifyEvent event, const char *link)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (tftsr_connector_notify (f->store, id, f->issue_id, event, link, NULL, &error));
  g_assert_no_error (error);
}

static TftsrFakeRequest *
last_request (Fixture *f)
{
  g_autoptr (GPtrArray) requests = tftsr_fake_server_dup_requests (f->server);

  g_assert_cmpuint (requests->len, >, 0);
  return tftsr_fake_request_ref (requests->pdata[requests->len - 1]);
}

static guint
n_requests (Fixture *f)
{
  g_autoptr (GPtrArray) requests = tftsr_fake_server_dup_requests (f->server);

  return requests->len;
}

static const char *
str_at (json_object *object, const char *path)
{
  const char *value = tftsr_json_path_string (object, path);

  g_assert_nonnull (value);
  return value;
}

/* --- the webhook ---------------------------------------------------------------------- */

static void
assert_signed (TftsrFakeRequest *request, const char *key)
{
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (request->body, &len);
  g_autofree char *hex =
      g_compute_hmac_for_data (G_CHECKSUM_SHA256, (const guint8 *) key, strlen (key), data, len);
  g_autofree char *expected = g_strconcat ("sha256=", hex, NULL);

  g_assert_cmpstr (soup_message_headers_get_one (request->fields, "X-Tftsr-Signature"), ==,
                   expected);
}

static void
test_webhook_signed (Fixture *f, gconstpointer data)
{
  g_autofree char *url = tftsr_fake_server_url (f->server, "/hook");
  g_autoptr (TftsrFakeRequest) request = NULL;
  g_autoptr (json_object) body = NULL;
  g_autoptr (GDateTime) timestamp = NULL;

  (void) data;
  tftsr_test_save_connector (
      f->store, "hook", TFTSR_CONNECTOR_WEBHOOK, url, TFTSR_CONNECTOR_AUTH_TOKEN, NULL, SIGNING_KEY,
      "{\"headers\":{\"X-Team\":\"payments\",\"Authorization\":\"Bearer abc\"}}");
  notify (f, "hook", TFTSR_NOTIFY_OPENED, NULL);

  request = last_request (f);
  g_assert_cmpstr (request->method, ==, "POST");
  assert_signed (request, SIGNING_KEY);
  g_assert_cmpstr (soup_message_headers_get_one (request->fields, "X-Team"), ==, "payments");
  g_assert_cmpstr (soup_message_headers_get_one (request->fields, "Authorization"), ==,
                   "Bearer abc");
  g_assert_true (g_str_has_prefix (soup_message_headers_get_one (request->fields, "Content-Type"),
                                   "application/json"));
  body = tftsr_test_request_json (request);
  g_assert_cmpstr (str_at (body, "event_type"), ==, "incident.opened");
  g_assert_cmpstr (str_at (body, "source"), ==, "tftsr");
  g_assert_cmpint (json_object_get_int64 (json_object_object_get (body, "incident_id")), ==,
                   f->issue_id);
  g_assert_cmpstr (str_at (body, "incident_data.title"), ==, "Checkout API returns 502");
  g_assert_cmpstr (str_at (body, "incident_data.severity"), ==, "critical");
  g_assert_cmpstr (str_at (body, "incident_data.status"), ==, "open");
  g_assert_cmpstr (str_at (body, "incident_data.category"), ==, "network");
  g_assert_nonnull (str_at (body, "incident_data.description"));
  g_assert_nonnull (str_at (body, "incident_data.created_at"));
  timestamp = g_date_time_new_from_iso8601 (str_at (body, "timestamp"), NULL);
  g_assert_nonnull (timestamp);
  g_assert_true (g_str_has_suffix (str_at (body, "timestamp"), "Z"));

  /* The published RCA's link rides in custom_details. */
  notify (f, "hook", TFTSR_NOTIFY_PUBLISHED, "https://wiki.example.com/rca/7");
  g_clear_pointer (&request, tftsr_fake_request_unref);
  g_clear_pointer (&body, json_object_put);
  request = last_request (f);
  assert_signed (request, SIGNING_KEY);
  body = tftsr_test_request_json (request);
  g_assert_cmpstr (str_at (body, "event_type"), ==, "incident.rca_published");
  g_assert_cmpstr (str_at (body, "custom_details.link"), ==, "https://wiki.example.com/rca/7");
}

static void
test_webhook_unsigned (Fixture *f, gconstpointer data)
{
  g_autofree char *url = tftsr_fake_server_url (f->server, "/hook");
  g_autoptr (TftsrFakeRequest) request = NULL;
  g_autoptr (json_object) body = NULL;

  (void) data;
  tftsr_test_save_connector (f->store, "hook", TFTSR_CONNECTOR_WEBHOOK, url,
                             TFTSR_CONNECTOR_AUTH_NONE, NULL, NULL, NULL);
  notify (f, "hook", TFTSR_NOTIFY_STATUS_CHANGED, NULL);
  request = last_request (f);
  g_assert_null (soup_message_headers_get_one (request->fields, "X-Tftsr-Signature"));
  body = tftsr_test_request_json (request);
  g_assert_cmpstr (str_at (body, "event_type"), ==, "incident.status_changed");
}

static void
test_webhook_methods (Fixture *f, gconstpointer data)
{
  g_autofree char *url = tftsr_fake_server_url (f->server, "/hook");
  const char *methods[] = { "PUT", "PATCH" };

  (void) data;
  for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
    {
      g_autofree char *options = g_strdup_printf ("{\"method\":\"%s\"}", methods[i]);
      g_autoptr (TftsrFakeRequest) request = NULL;

      tftsr_test_save_connector (f->store, "hook", TFTSR_CONNECTOR_WEBHOOK, url,
                                 TFTSR_CONNECTOR_AUTH_TOKEN, NULL, SIGNING_KEY, options);
      notify (f, "hook", TFTSR_NOTIFY_OPENED, NULL);
      request = last_request (f);
      g_assert_cmpstr (request->method, ==, methods[i]);
      assert_signed (request, SIGNING_KEY);
    }
}

static void
assert_invalid_config (const char *base_url, const char *options)
{
  g_autoptr (TftsrConnectorConfig) config =
      tftsr_connector_config_new ("hook", TFTSR_CONNECTOR_WEBHOOK, base_url);
  g_autoptr (GError) error = NULL;

  g_free (config->options);
  config->options = g_strdup (options != NULL ? options : "{}");
  g_assert_false (tftsr_connector_webhook_validate (config, &error));
  g_assert_error (error, TFTSR_CONNECTOR_ERROR, TFTSR_CONNECTOR_ERROR_INVALID);
  g_test_message ("%s %s: %s", base_url, options != NULL ? options : "", error->message);
}

static void
assert_valid_config (const char *base_url, const char *options)
{
  g_autoptr (TftsrConnectorConfig) config =
      tftsr_connector_config_new ("hook", TFTSR_CONNECTOR_WEBHOOK, base_url);
  g_autoptr (GError) error = NULL;

  g_free (config->options);
  config->options = g_strdup (options != NULL ? options : "{}");
  g_assert_true (tftsr_connector_webhook_validate (config, &error));
  g_assert_no_error (error);
}

static void
test_webhook_refused (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  (void) data;
  assert_valid_config ("https://hooks.example.com/in", NULL);
  assert_valid_config ("http://127.0.0.1:8080/in", NULL);
  assert_valid_config ("http://localhost/in", NULL);
  assert_valid_config ("http://[::1]:9000/in",
                       "{\"method\":\"PATCH\",\"headers\":{\"X-A\":\"1\"}}");
  assert_invalid_config ("http://hooks.example.com/in", NULL);
  assert_invalid_config ("http://10.0.0.8/in", NULL);
  assert_invalid_config ("ftp://hooks.example.com/in", NULL);
  assert_invalid_config ("https://user:pw@hooks.example.com/in", NULL);
  assert_invalid_config ("https://hooks.example.com/in", "{\"method\":\"DELETE\"}");
  assert_invalid_config ("https://hooks.example.com/in", "{\"headers\":{\"Host\":\"evil\"}}");
  assert_invalid_config ("https://hooks.example.com/in",
                         "{\"headers\":{\"content-length\":\"1\"}}");
  assert_invalid_config ("https://hooks.example.com/in",
                         "{\"headers\":{\"Transfer-Encoding\":\"chunked\"}}");
  assert_invalid_config ("https://hooks.example.com/in",
                         "{\"headers\":{\"Connection\":\"close\"}}");
  assert_invalid_config ("https://hooks.example.com/in",
                         "{\"headers\":{\"X-Tftsr-Signature\":\"sha256=00\"}}");
  assert_invalid_config ("https://hooks.example.com/in",
                         "{\"headers\":{\"X-A\":\"1\\r\\nX-Injected: 2\"}}");
  assert_invalid_config ("https://hooks.example.com/in", "{\"headers\":{\"X-A\":\"1\\nb\"}}");
  assert_invalid_config ("https://hooks.example.com/in", "{\"headers\":{\"X A\":\"1\"}}");
  assert_invalid_config ("https://hooks.example.com/in", "{\"headers\":{\"X-A\":5}}");
  assert_invalid_config ("https://hooks.example.com/in", "{\"headers\":[\"X-A\"]}");

  /* Such a webhook cannot even be saved. */
  {
    g_autoptr (TftsrConnectorConfig) config =
        tftsr_connector_config_new ("hook", TFTSR_CONNECTOR_WEBHOOK, "http://hooks.example.com/in");

    g_assert_false (tftsr_store_save_connector_untested (f->store, config, NULL, &error));
    g_assert_error (error, TFTSR_CONNECTOR_ERROR, TFTSR_CONNECTOR_ERROR_INVALID);
  }
  g_assert_cmpuint (n_requests (f), ==, 0);
}

/* --- Slack ----------------------------------------------------------------------------- */

static json_object *
block_of_type (json_object *blocks, const char *type)
{
  for (gsize i = 0; i < json_object_array_length (blocks); i++)
    {
      json_object *block = json_object_array_get_idx (blocks, i);

      if (g_strcmp0 (tftsr_json_path_string (block, "type"), type) == 0)
        return block;
    }
  return NULL;
}

/* The webhook URL's secret part (@needle) is in no record: not in the calls' paths, the
 * runs' errors, the audit log, nor the connector's configuration. */
static void
assert_not_recorded (Fixture *f, const char *needle)
{
  const char *where[][2] = {
    { "integration_events", "path || coalesce (error, '')" },
    { "integration_runs", "coalesce (error, '')" },
    { "audit_log", "target || detail" },
    { "integration_config", "base_url || options" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (where); i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT count (*) FROM %s WHERE instr (%s, '%s')",
                                              where[i][0], where[i][1], needle);
      g_autofree char *count = tftsr_test_query (f->store, sql);

      g_test_message ("%s: %s", sql, count);
      g_assert_cmpstr (count, ==, "0");
    }
}

static void
save_slack (Fixture *f)
{
  g_autofree char *host = tftsr_fake_server_url (f->server, "");
  g_autofree char *hook = tftsr_fake_server_url (f->server, "/services/T0001/B0002/secretpart");

  tftsr_test_save_connector (f->store, "slack", TFTSR_CONNECTOR_SLACK, host,
                             TFTSR_CONNECTOR_AUTH_TOKEN, NULL, hook, NULL);
}

static void
test_slack_message (Fixture *f, gconstpointer data)
{
  g_autoptr (TftsrFakeRequest) request = NULL;
  g_autoptr (json_object) message = NULL;
  json_object *blocks, *section, *fields, *actions;

  (void) data;
  save_slack (f);
  notify (f, "slack", TFTSR_NOTIFY_PUBLISHED, "https://wiki.example.com/rca/7");
  request = last_request (f);
  g_assert_cmpstr (request->path, ==, "/services/T0001/B0002/secretpart");
  g_assert_cmpstr (request->method, ==, "POST");
  message = tftsr_test_request_json (request);
  g_assert_nonnull (strstr (str_at (message, "text"), "Checkout API returns 502"));
  blocks = json_object_object_get (message, "blocks");
  g_assert_true (json_object_is_type (blocks, json_type_array));
  g_assert_cmpstr (str_at (block_of_type (blocks, "header"), "text.type"), ==, "plain_text");
  g_assert_cmpstr (str_at (block_of_type (blocks, "header"), "text.text"), ==, "RCA published");
  section = block_of_type (blocks, "section");
  g_assert_nonnull (section);
  g_assert_cmpstr (str_at (section, "text.type"), ==, "mrkdwn");
  g_assert_cmpstr (str_at (section, "text.text"), ==, "*Checkout API returns 502*");
  fields = json_object_object_get (section, "fields");
  g_assert_cmpuint (json_object_array_length (fields), ==, 4);
  g_assert_cmpstr (str_at (json_object_array_get_idx (fields, 0), "text"), ==,
                   "*Severity*\ncritical");
  g_assert_cmpstr (str_at (json_object_array_get_idx (fields, 1), "text"), ==, "*Status*\nopen");
  g_assert_cmpstr (str_at (json_object_array_get_idx (fields, 2), "text"), ==,
                   "*Category*\nnetwork");
  actions = block_of_type (blocks, "actions");
  g_assert_nonnull (actions);
  g_assert_cmpstr (
      str_at (json_object_array_get_idx (json_object_object_get (actions, "elements"), 0), "url"),
      ==, "https://wiki.example.com/rca/7");

  /* Without a link, or with one no browser should open, there is no button. */
  notify (f, "slack", TFTSR_NOTIFY_OPENED, NULL);
  g_clear_pointer (&request, tftsr_fake_request_unref);
  g_clear_pointer (&message, json_object_put);
  request = last_request (f);
  message = tftsr_test_request_json (request);
  g_assert_null (block_of_type (json_object_object_get (message, "blocks"), "actions"));
  g_assert_cmpstr (
      str_at (block_of_type (json_object_object_get (message, "blocks"), "header"), "text.text"),
      ==, "Incident opened");
  notify (f, "slack", TFTSR_NOTIFY_PUBLISHED, "javascript:alert(1)");
  g_clear_pointer (&request, tftsr_fake_request_unref);
  g_clear_pointer (&message, json_object_put);
  request = last_request (f);
  message = tftsr_test_request_json (request);
  g_assert_null (block_of_type (json_object_object_get (message, "blocks"), "actions"));
  assert_not_recorded (f, "secretpart");
}

static void
test_slack_hostile (Fixture *f, gconstpointer data)
{
  g_autoptr (TftsrFakeRequest) request = NULL;
  g_autoptr (json_object) message = NULL;
  const char *section_text, *text;

  (void) data;
  save_slack (f);
  notify (f, "slack", TFTSR_NOTIFY_OPENED, NULL);
  request = last_request (f);
  message = tftsr_test_request_json (request);
  section_text =
      str_at (block_of_type (json_object_object_get (message, "blocks"), "section"), "text.text");
  text = str_at (message, "text");
  g_test_message ("section: %s\ntext: %s", section_text, text);
  /* No mention, no link: every < > & is an entity. */
  g_assert_null (strchr (section_text, '<'));
  g_assert_null (strchr (section_text, '>'));
  g_assert_null (strchr (text, '<'));
  g_assert_null (strchr (text, '>'));
  g_assert_true (g_str_has_prefix (section_text, "*&lt;!channel&gt; &amp; &lt;"));
  g_assert_nonnull (strstr (text, "&lt;!channel&gt;"));
  g_assert_null (strstr (text, "& <"));
}

static void
test_slack_wrong_host (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  (void) data;
  /* The webhook URL points elsewhere than the host shown: refused, and not quoted. */
  tftsr_test_save_connector (f->store, "slack", TFTSR_CONNECTOR_SLACK, "https://hooks.slack.com",
                             TFTSR_CONNECTOR_AUTH_TOKEN, NULL,
                             "https://attacker.example/services/T0001/B0002/secretpart", NULL);
  g_assert_false (tftsr_connector_notify (f->store, "slack", f->issue_id, TFTSR_NOTIFY_OPENED, NULL,
                                          NULL, &error));
  g_assert_error (error, TFTSR_CONNECTOR_ERROR, TFTSR_CONNECTOR_ERROR_INVALID);
  g_assert_null (strstr (error->message, "secretpart"));
  g_clear_error (&error);
  /* Plain http to another machine: refused. */
  tftsr_test_save_connector (f->store, "slack", TFTSR_CONNECTOR_SLACK, "https://hooks.slack.com",
                             TFTSR_CONNECTOR_AUTH_TOKEN, NULL,
                             "http://hooks.slack.com/services/T0001/B0002/secretpart", NULL);
  g_assert_false (tftsr_connector_notify (f->store, "slack", f->issue_id, TFTSR_NOTIFY_OPENED, NULL,
                                          NULL, &error));
  g_assert_error (error, TFTSR_CONNECTOR_ERROR, TFTSR_CONNECTOR_ERROR_INVALID);
  g_assert_null (strstr (error->message, "secretpart"));
  g_assert_cmpuint (n_requests (f), ==, 0);
}

/* --- Teams ----------------------------------------------------------------------------- */

static void
save_teams (Fixture *f)
{
  g_autofree char *host = tftsr_fake_server_url (f->server, "");
  g_autofree char *hook =
      tftsr_fake_server_url (f->server, "/webhookb2/abc/IncomingWebhook/secretpart");

  tftsr_test_save_connector (f->store, "teams", TFTSR_CONNECTOR_TEAMS, host,
                             TFTSR_CONNECTOR_AUTH_TOKEN, NULL, hook, NULL);
}

/* The card of the message the fake received last. */
static json_object *
last_card (Fixture *f, json_object **message)
{
  g_autoptr (TftsrFakeRequest) request = last_request (f);
  json_object *attachment;

  g_assert_cmpstr (request->path, ==, "/webhookb2/abc/IncomingWebhook/secretpart");
  *message = tftsr_test_request_json (request);
  g_assert_cmpstr (str_at (*message, "type"), ==, "message");
  g_assert_cmpuint (json_object_array_length (json_object_object_get (*message, "attachments")), ==,
                    1);
  attachment = json_object_array_get_idx (json_object_object_get (*message, "attachments"), 0);
  g_assert_cmpstr (str_at (attachment, "contentType"), ==,
                   "application/vnd.microsoft.card.adaptive");
  return json_object_object_get (attachment, "content");
}

static const char *
fact (json_object *card, const char *title)
{
  json_object *body = json_object_object_get (card, "body");

  for (gsize i = 0; i < json_object_array_length (body); i++)
    {
      json_object *block = json_object_array_get_idx (body, i);
      json_object *facts = json_object_object_get (block, "facts");

      if (g_strcmp0 (tftsr_json_path_string (block, "type"), "FactSet") != 0)
        continue;
      for (gsize j = 0; j < json_object_array_length (facts); j++)
        if (g_strcmp0 (tftsr_json_path_string (json_object_array_get_idx (facts, j), "title"),
                       title) == 0)
          return tftsr_json_path_string (json_object_array_get_idx (facts, j), "value");
    }
  return NULL;
}

/* The text of the card's title (the TextRun of its RichTextBlock). */
static const char *
title_run (json_object *card)
{
  json_object *body = json_object_object_get (card, "body");

  for (gsize i = 0; i < json_object_array_length (body); i++)
    {
      json_object *block = json_object_array_get_idx (body, i);

      if (g_strcmp0 (tftsr_json_path_string (block, "type"), "RichTextBlock") == 0)
        {
          json_object *run =
              json_object_array_get_idx (json_object_object_get (block, "inlines"), 0);

          g_assert_cmpstr (str_at (run, "type"), ==, "TextRun");
          return str_at (run, "text");
        }
    }
  return NULL;
}

static void
test_teams_card (Fixture *f, gconstpointer data)
{
  g_autoptr (json_object) message = NULL;
  json_object *card, *body, *actions;

  (void) data;
  save_teams (f);
  notify (f, "teams", TFTSR_NOTIFY_PUBLISHED, "https://wiki.example.com/rca/7");
  card = last_card (f, &message);
  g_assert_cmpstr (str_at (card, "type"), ==, "AdaptiveCard");
  g_assert_cmpstr (str_at (card, "version"), ==, "1.4");
  body = json_object_object_get (card, "body");
  g_assert_cmpstr (str_at (json_object_array_get_idx (body, 0), "type"), ==, "TextBlock");
  g_assert_cmpstr (str_at (json_object_array_get_idx (body, 0), "text"), ==, "RCA published");
  g_assert_cmpstr (title_run (card), ==, "Checkout API returns 502");
  g_assert_cmpstr (fact (card, "Severity"), ==, "critical");
  g_assert_cmpstr (fact (card, "Status"), ==, "open");
  g_assert_cmpstr (fact (card, "Category"), ==, "network");
  actions = json_object_object_get (card, "actions");
  g_assert_cmpuint (json_object_array_length (actions), ==, 1);
  g_assert_cmpstr (str_at (json_object_array_get_idx (actions, 0), "type"), ==, "Action.OpenUrl");
  g_assert_cmpstr (str_at (json_object_array_get_idx (actions, 0), "url"), ==,
                   "https://wiki.example.com/rca/7");

  g_clear_pointer (&message, json_object_put);
  notify (f, "teams", TFTSR_NOTIFY_STATUS_CHANGED, NULL);
  card = last_card (f, &message);
  g_assert_cmpuint (json_object_array_length (json_object_object_get (card, "actions")), ==, 0);
  assert_not_recorded (f, "secretpart");
}

static void
test_teams_hostile (Fixture *f, gconstpointer data)
{
  g_autoptr (json_object) message = NULL;
  json_object *card, *body;

  (void) data;
  save_teams (f);
  notify (f, "teams", TFTSR_NOTIFY_OPENED, NULL);
  card = last_card (f, &message);
  /* The title is plain text by the card's schema (a TextRun): as it is (as redacted),
   * nowhere Markdown. */
  g_assert_true (g_str_has_prefix (title_run (card), "<!channel> & <"));
  g_assert_nonnull (strstr (title_run (card), "**b** _i_"));
  body = json_object_object_get (card, "body");
  for (gsize i = 0; i < json_object_array_length (body); i++)
    {
      json_object *block = json_object_array_get_idx (body, i);

      if (g_strcmp0 (tftsr_json_path_string (block, "type"), "TextBlock") == 0)
        g_assert_null (strstr (str_at (block, "text"), "channel"));
    }
}

int
main (int argc, char **argv)
{
  tftsr_test_init (&argc, &argv);
#define ADD(path, func, data)                                                                      \
  g_test_add ("/connector-notify/" path, Fixture, data, fixture_set_up, func, fixture_tear_down)
  ADD ("webhook/signed", test_webhook_signed, NULL);
  ADD ("webhook/unsigned", test_webhook_unsigned, NULL);
  ADD ("webhook/methods", test_webhook_methods, NULL);
  ADD ("webhook/refused", test_webhook_refused, NULL);
  ADD ("slack/message", test_slack_message, NULL);
  ADD ("slack/hostile", test_slack_hostile, HOSTILE_TITLE);
  ADD ("slack/wrong-host", test_slack_wrong_host, NULL);
  ADD ("teams/card", test_teams_card, NULL);
  ADD ("teams/hostile", test_teams_hostile, HOSTILE_TITLE);
#undef ADD
  return g_test_run ();
}
