/* tftsr-connector-test-util.c: fixtures shared by the connector tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "tftsr-connector-test-util.h"

void
tftsr_test_save_connector (TftsrStore *store, const char *id, TftsrConnectorKind kind,
                           const char *base_url, TftsrConnectorAuth auth, const char *user,
                           const char *secret, const char *options)
{
  g_autoptr (TftsrConnectorConfig) config = tftsr_connector_config_new (id, kind, base_url);
  g_autoptr (GError) error = NULL;

  config->auth = auth;
  config->user = g_strdup (user);
  if (options != NULL)
    {
      g_free (config->options);
      config->options = g_strdup (options);
    }
  g_assert_true (tftsr_store_save_connector_untested (store, config, secret, &error));
  g_assert_no_error (error);
}

gint64
tftsr_test_new_incident (TftsrStore *store, const char *title, const char *description,
                         TftsrSeverity severity)
{
  g_autoptr (TftsrIssue) issue = tftsr_test_create (store, title, description);
  g_autoptr (TftsrIssue) saved = NULL;
  g_autoptr (GError) error = NULL;

  tftsr_issue_set_severity (issue, severity);
  saved = tftsr_store_update_issue (store, issue, &error);
  g_assert_no_error (error);
  return tftsr_issue_get_id (issue);
}

void
tftsr_test_json_reply (SoupServerMessage *msg, guint status, const char *body)
{
  soup_server_message_set_status (msg, status, NULL);
  if (body != NULL)
    soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body,
                                      strlen (body));
}

TftsrFakeRequest *
tftsr_test_last_request (TftsrFakeServer *server, const char *method, const char *path)
{
  g_autoptr (GPtrArray) requests = tftsr_fake_server_dup_requests (server);

  for (guint i = requests->len; i > 0; i--)
    {
      TftsrFakeRequest *request = requests->pdata[i - 1];
      gsize len = strcspn (request->path, "?");

      if (g_str_equal (request->method, method) && strlen (path) == len &&
          strncmp (request->path, path, len) == 0)
        return tftsr_fake_request_ref (request);
    }
  g_error ("no %s %s received", method, path);
  return NULL;
}

json_object *
tftsr_test_request_json (TftsrFakeRequest *request)
{
  gsize len = 0;
  const char *data = g_bytes_get_data (request->body, &len);
  g_autofree char *text = g_strndup (data, len);
  json_object *object = json_tokener_parse (text);

  g_assert_nonnull (object);
  return object;
}
