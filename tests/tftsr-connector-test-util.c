/* tftsr-connector-test-util.c: fixtures shared by the connector tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "tftsr-connector-private.h"
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

void
tftsr_test_link_ticket (TftsrStore *store, gint64 issue_id, const char *connector,
                        const char *item_id, const char *key)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrConnectorConfig) config = tftsr_store_get_connector (store, connector, &error);
  g_autoptr (TftsrExternalItem) item = tftsr_external_item_new (item_id, key, NULL, NULL, NULL);
  g_autofree char *marker = g_strdup_printf ("tftsr-test-%" G_GINT64_FORMAT, issue_id);
  gint64 link;

  g_assert_no_error (error);
  link = tftsr_connector_add_pending_link (store, issue_id, config, "ticket", marker, &error);
  g_assert_no_error (error);
  g_assert_true (tftsr_connector_complete_link (store, link, config, "ticket", item, &error));
  g_assert_no_error (error);
}

/* Prism loads a large spec in seconds on an idle machine, in minutes on a loaded one. */
#define PRISM_STARTUP_SECONDS 180

TftsrPrism *
tftsr_test_prism_start (const char *spec, char **missing)
{
  g_autoptr (GError) error = NULL;
  TftsrPrism *prism;

  if ((*missing = tftsr_prism_missing ()) != NULL)
    return NULL;
  prism = tftsr_prism_start (spec, &error);
  g_assert_no_error (error);
  return prism;
}

gboolean
tftsr_test_prism_ready (TftsrPrism *prism, const char *missing)
{
  g_autoptr (GError) error = NULL;

  if (prism == NULL)
    {
      g_test_skip (missing);
      return FALSE;
    }
  g_assert_true (tftsr_prism_wait (prism, PRISM_STARTUP_SECONDS, &error));
  g_assert_no_error (error);
  g_free (tftsr_prism_take_log (prism, &error));
  g_assert_no_error (error);
  return TRUE;
}

gboolean
tftsr_test_prism_check (TftsrPrism *prism, const char *operation, TftsrKnownViolation is_known)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *log = tftsr_prism_take_log (prism, &error);
  g_autofree char *violations = NULL;
  g_auto (GStrv) lines = NULL;
  gboolean known = FALSE;

  g_assert_no_error (error);
  g_test_message ("%s:\n%s", operation, log);
  g_assert_nonnull (strstr (log, "Request received"));
  violations = tftsr_prism_violations (log);
  lines = g_strsplit (violations, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (*lines[i] == '\0')
        continue;
      if (is_known == NULL || !is_known (lines[i]))
        g_error ("%s: Prism found violations:\n%s", operation, violations);
      known = TRUE;
    }
  return known;
}

void
tftsr_test_prism_assert_sent (TftsrPrism *prism, const char *operation, gboolean ok,
                              const GError *error, TftsrKnownViolation is_known)
{
  gboolean known = tftsr_test_prism_check (prism, operation, is_known);

  if (!ok && known)
    g_assert_error (error, TFTSR_CONNECTOR_ERROR, TFTSR_CONNECTOR_ERROR_REJECTED);
  else if (!ok)
    g_assert_error (error, TFTSR_CONNECTOR_ERROR, TFTSR_CONNECTOR_ERROR_BAD_REPLY);
}
