/* tftsr-connector-config.c: the kinds of connectors and a connector's configuration
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "tftsr-connector-private.h"

typedef struct
{
  const char *name;
  const char *label;
} KindName;

static const KindName kind_names[TFTSR_N_CONNECTOR_KINDS] = {
  [TFTSR_CONNECTOR_CONFLUENCE] = { "confluence", "Confluence" },
  [TFTSR_CONNECTOR_SERVICENOW] = { "servicenow", "ServiceNow" },
  [TFTSR_CONNECTOR_AZURE_DEVOPS] = { "azure-devops", "Azure DevOps" },
  [TFTSR_CONNECTOR_JIRA] = { "jira", "Jira" },
  [TFTSR_CONNECTOR_PAGERDUTY] = { "pagerduty", "PagerDuty" },
  [TFTSR_CONNECTOR_STACKSTORM] = { "stackstorm", "StackStorm" },
  [TFTSR_CONNECTOR_WEBHOOK] = { "webhook", N_ ("Webhook") },
  [TFTSR_CONNECTOR_SLACK] = { "slack", "Slack" },
  [TFTSR_CONNECTOR_TEAMS] = { "teams", "Microsoft Teams" },
};

static const char *const auth_names[] = {
  [TFTSR_CONNECTOR_AUTH_NONE] = "none",     [TFTSR_CONNECTOR_AUTH_BASIC] = "basic",
  [TFTSR_CONNECTOR_AUTH_BEARER] = "bearer", [TFTSR_CONNECTOR_AUTH_TOKEN] = "token",
  [TFTSR_CONNECTOR_AUTH_OAUTH] = "oauth",
};

/* The services built into this version; a kind without ops cannot be configured. */
static const TftsrConnectorOps *const all_ops[] = {
  &tftsr_connector_confluence_ops,   &tftsr_connector_servicenow_ops,
  &tftsr_connector_azure_devops_ops, &tftsr_connector_jira_ops,
  &tftsr_connector_pagerduty_ops,    &tftsr_connector_stackstorm_ops,
  &tftsr_connector_webhook_ops,      &tftsr_connector_slack_ops,
  &tftsr_connector_teams_ops,
};

const TftsrConnectorOps *
tftsr_connector_ops (TftsrConnectorKind kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (all_ops); i++)
    if (all_ops[i]->kind == kind)
      return all_ops[i];
  return NULL;
}

G_DEFINE_QUARK (tftsr - connector - error - quark, tftsr_connector_error)

const char *
tftsr_connector_kind_to_string (TftsrConnectorKind kind)
{
  return kind < TFTSR_N_CONNECTOR_KINDS ? kind_names[kind].name : NULL;
}

gboolean
tftsr_connector_kind_from_string (const char *name, TftsrConnectorKind *kind)
{
  for (guint i = 0; name != NULL && i < TFTSR_N_CONNECTOR_KINDS; i++)
    if (strcmp (kind_names[i].name, name) == 0)
      {
        *kind = (TftsrConnectorKind) i;
        return TRUE;
      }
  return FALSE;
}

const char *
tftsr_connector_kind_get_label (TftsrConnectorKind kind)
{
  return kind < TFTSR_N_CONNECTOR_KINDS ? _ (kind_names[kind].label) : NULL;
}

TftsrConnectorCaps
tftsr_connector_kind_get_caps (TftsrConnectorKind kind)
{
  const TftsrConnectorOps *ops = tftsr_connector_ops (kind);
  return ops != NULL ? ops->caps : 0;
}

const TftsrConnectorField *
tftsr_connector_kind_get_fields (TftsrConnectorKind kind, guint *n_fields)
{
  const TftsrConnectorOps *ops = tftsr_connector_ops (kind);

  *n_fields = ops != NULL ? ops->n_fields : 0;
  return ops != NULL ? ops->fields : NULL;
}

const char *
tftsr_connector_kind_get_default_url (TftsrConnectorKind kind)
{
  const TftsrConnectorOps *ops = tftsr_connector_ops (kind);
  return ops != NULL ? ops->default_url : NULL;
}

gboolean
tftsr_connector_kind_accepts_auth (TftsrConnectorKind kind, TftsrConnectorAuth auth)
{
  const TftsrConnectorOps *ops = tftsr_connector_ops (kind);
  return ops != NULL && (ops->auths & (1u << auth)) != 0;
}

TftsrConnectorAuth
tftsr_connector_kind_get_default_auth (TftsrConnectorKind kind)
{
  static const TftsrConnectorAuth order[] = {
    TFTSR_CONNECTOR_AUTH_BASIC, TFTSR_CONNECTOR_AUTH_BEARER, TFTSR_CONNECTOR_AUTH_TOKEN,
    TFTSR_CONNECTOR_AUTH_OAUTH, TFTSR_CONNECTOR_AUTH_NONE,
  };

  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    if (tftsr_connector_kind_accepts_auth (kind, order[i]))
      return order[i];
  return TFTSR_CONNECTOR_AUTH_NONE;
}

const char *
tftsr_connector_auth_to_string (TftsrConnectorAuth auth)
{
  return auth < G_N_ELEMENTS (auth_names) ? auth_names[auth] : NULL;
}

gboolean
tftsr_connector_auth_from_string (const char *name, TftsrConnectorAuth *auth)
{
  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (auth_names); i++)
    if (strcmp (auth_names[i], name) == 0)
      {
        *auth = (TftsrConnectorAuth) i;
        return TRUE;
      }
  return FALSE;
}

/* --- configuration -------------------------------------------------------------------- */

G_DEFINE_BOXED_TYPE (TftsrConnectorConfig, tftsr_connector_config, tftsr_connector_config_copy,
                     tftsr_connector_config_free)

TftsrConnectorConfig *
tftsr_connector_config_new (const char *id, TftsrConnectorKind kind, const char *base_url)
{
  TftsrConnectorConfig *config = g_new0 (TftsrConnectorConfig, 1);

  config->id = g_strdup (id);
  config->kind = kind;
  config->base_url = g_strdup (base_url);
  config->auth = TFTSR_CONNECTOR_AUTH_BASIC;
  config->options = g_strdup ("{}");
  return config;
}

TftsrConnectorConfig *
tftsr_connector_config_copy (const TftsrConnectorConfig *config)
{
  TftsrConnectorConfig *copy = g_memdup2 (config, sizeof *config);

  copy->id = g_strdup (config->id);
  copy->base_url = g_strdup (config->base_url);
  copy->user = g_strdup (config->user);
  copy->ca_file = g_strdup (config->ca_file);
  copy->proxy = g_strdup (config->proxy);
  copy->options = g_strdup (config->options);
  return copy;
}

void
tftsr_connector_config_free (TftsrConnectorConfig *config)
{
  if (config == NULL)
    return;
  g_free (config->id);
  g_free (config->base_url);
  g_free (config->user);
  g_free (config->ca_file);
  g_free (config->proxy);
  g_free (config->options);
  g_free (config);
}

static json_object *
parse_options (const TftsrConnectorConfig *config)
{
  json_object *options = json_tokener_parse (config->options != NULL ? config->options : "{}");

  if (options != NULL && json_object_is_type (options, json_type_object))
    return options;
  json_object_put (options);
  return json_object_new_object ();
}

char *
tftsr_connector_config_dup_option (const TftsrConnectorConfig *config, const char *key)
{
  g_autoptr (json_object) options = parse_options (config);
  json_object *value = NULL;

  if (!json_object_object_get_ex (options, key, &value) ||
      !json_object_is_type (value, json_type_string) || json_object_get_string_len (value) == 0)
    return NULL;
  return g_strdup (json_object_get_string (value));
}

void
tftsr_connector_config_set_option (TftsrConnectorConfig *config, const char *key, const char *value)
{
  g_autoptr (json_object) options = parse_options (config);

  if (value != NULL)
    json_object_object_add (options, key, json_object_new_string (value));
  else
    json_object_object_del (options, key);
  g_free (config->options);
  config->options = g_strdup (json_object_to_json_string_ext (options, JSON_C_TO_STRING_PLAIN));
}

static const char *const severities[] = { "critical", "high", "medium", "low" };

char *
tftsr_connector_config_dup_mapping (const TftsrConnectorConfig *config, const char *field,
                                    const char *severity)
{
  g_autoptr (json_object) options = parse_options (config);
  json_object *mapping, *values, *value;
  guint n_fields;
  const TftsrConnectorField *fields = tftsr_connector_kind_get_fields (config->kind, &n_fields);

  if (json_object_object_get_ex (options, "mapping", &mapping) &&
      json_object_object_get_ex (mapping, field, &values) &&
      json_object_object_get_ex (values, severity, &value) &&
      json_object_is_type (value, json_type_string) && json_object_get_string_len (value) > 0)
    return g_strdup (json_object_get_string (value));
  for (guint f = 0; f < n_fields; f++)
    for (guint s = 0; s < G_N_ELEMENTS (severities) && strcmp (fields[f].key, field) == 0; s++)
      if (g_strcmp0 (severities[s], severity) == 0)
        return g_strdup (fields[f].defaults[s]);
  return NULL;
}

/* --- validation ----------------------------------------------------------------------- */

static gboolean
invalid (GError **error, const char *message)
{
  g_set_error_literal (error, TFTSR_CONNECTOR_ERROR, TFTSR_CONNECTOR_ERROR_INVALID, message);
  return FALSE;
}

gboolean
tftsr_connector_url_is_loopback (const char *host)
{
  g_autofree char *bare = NULL;
  g_autoptr (GInetAddress) address = NULL;

  if (host == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;
  /* An address, not a name that merely starts like one ("127.evil.example"). */
  bare = g_strndup (host + (*host == '['), strlen (host) - (*host == '[') * 2);
  address = g_inet_address_new_from_string (bare);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

/* http(s) with a host; plain http only to this machine, since the connector's secret and
 * the incident travel in it. */
static gboolean
base_url_valid (const char *url, GError **error)
{
  g_autoptr (GUri) uri = url != NULL ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;
  const char *scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  const char *host = uri != NULL ? g_uri_get_host (uri) : NULL;

  if (scheme == NULL || host == NULL || *host == '\0' ||
      (g_ascii_strcasecmp (scheme, "https") != 0 && g_ascii_strcasecmp (scheme, "http") != 0))
    return invalid (error, _ ("The URL must be an https:// address with a host name, such as "
                              "https://acme.atlassian.net"));
  if (g_ascii_strcasecmp (scheme, "http") == 0 && !tftsr_connector_url_is_loopback (host))
    return invalid (error, _ ("The URL must use https://: plain http:// is accepted only for a "
                              "service on this computer"));
  if (g_uri_get_user (uri) != NULL || g_uri_get_query (uri) != NULL)
    return invalid (error, _ ("The URL must not contain a user name, password or query; enter "
                              "the credentials in their own fields"));
  return TRUE;
}

static gboolean
options_valid (const TftsrConnectorConfig *config, GError **error)
{
  g_autoptr (json_object) options =
      json_tokener_parse (config->options != NULL ? config->options : "");

  if (options == NULL || !json_object_is_type (options, json_type_object))
    return invalid (error, _ ("The connector options must be a JSON object"));
  return TRUE;
}

gboolean
tftsr_connector_config_validate (const TftsrConnectorConfig *config, GError **error)
{
  const TftsrConnectorOps *ops = tftsr_connector_ops (config->kind);
  g_autoptr (GError) local = NULL;

  if (!tftsr_vault_check_connector (config->id, &local))
    return invalid (error, local->message);
  if (ops == NULL)
    return invalid (error, _ ("Unknown kind of connector"));
  if (!tftsr_connector_kind_accepts_auth (config->kind, config->auth))
    return invalid (error, _ ("This service does not accept that way of signing in"));
  if (ops->validate != NULL ? !ops->validate (config, error)
                            : !base_url_valid (config->base_url, error))
    return FALSE;
  if (config->auth == TFTSR_CONNECTOR_AUTH_BASIC && config->kind != TFTSR_CONNECTOR_AZURE_DEVOPS &&
      (config->user == NULL || *config->user == '\0'))
    return invalid (error, _ ("Basic sign-in needs a user name (the e-mail address for Atlassian "
                              "Cloud)"));
  if ((config->user != NULL && strpbrk (config->user, ":\r\n") != NULL) ||
      (config->ca_file != NULL && *config->ca_file != '\0' &&
       !g_path_is_absolute (config->ca_file)))
    return invalid (error, _ ("The user name must not contain a colon, and the CA bundle must be "
                              "a full path"));
  return options_valid (config, error);
}
