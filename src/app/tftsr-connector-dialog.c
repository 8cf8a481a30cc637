/* tftsr-connector-dialog.c
 *
 * One form for every kind of connector: the rows a kind has no use for are hidden, and
 * only the sign-in methods it accepts are offered. Options the dialog does not edit are
 * kept as stored.
 *
 * The stored secret never reaches the UI: its row starts empty whatever is stored, and a
 * typed one goes to the store once (which tests it against the service before keeping
 * it), its copy wiped and the entry cleared after. A refused save leaves the dialog open
 * with the service's reason above the fields. OAuth signs in through the system browser;
 * the tokens go to the vault, never through here.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>
#include <json-c/json.h>
#include <string.h>

#include "tftsr-app-format.h"
#include "tftsr-dialog-form.h"
#include "tftsr-connector-dialog.h"
#include "tftsr-oauth-sign-in.h"

/* The options edited as text: the key in the options and which kinds show its row. */
typedef struct
{
  const char *key;
  const char *row;
  guint kinds;
} TextOption;

#define KIND(k) (1u << (k))

static const TextOption text_options[] = {
  { "project", "project_row", KIND (TFTSR_CONNECTOR_AZURE_DEVOPS) | KIND (TFTSR_CONNECTOR_JIRA) },
  { "space", "space_row", KIND (TFTSR_CONNECTOR_CONFLUENCE) },
  { "parent", "parent_row", KIND (TFTSR_CONNECTOR_CONFLUENCE) },
  { "team", "team_row", KIND (TFTSR_CONNECTOR_AZURE_DEVOPS) },
  { "work_item_type", "work_item_type_row", KIND (TFTSR_CONNECTOR_AZURE_DEVOPS) },
  { "issue_type", "issue_type_row", KIND (TFTSR_CONNECTOR_JIRA) },
};
#define N_TEXT_OPTIONS G_N_ELEMENTS (text_options)
#define DEPLOYMENT_KINDS (KIND (TFTSR_CONNECTOR_CONFLUENCE) | KIND (TFTSR_CONNECTOR_JIRA))

static const char *const deployments[] = { "cloud", "datacenter" };
static const char *const methods[] = { "POST", "PUT", "PATCH" };
static const char *const severities[] = { "critical", "high", "medium", "low" };

/* The OAuth settings, as rows, in options → "oauth". */
static const char *const oauth_keys[] = { "client_id", "authorize_url", "token_url", "revoke_url",
                                          "scope" };
#define N_OAUTH G_N_ELEMENTS (oauth_keys)
G_STATIC_ASSERT (N_OAUTH == TFTSR_OAUTH_SIGN_IN_N_FIELDS);

struct _TftsrConnectorDialog
{
  AdwWindow parent_instance;

  TftsrStore *store;
  TftsrConnectorConfig *config; /* as stored (a new one: as first filled) */
  gboolean is_new;
  TftsrConnectorAuth auths[TFTSR_CONNECTOR_AUTH_OAUTH + 1]; /* offered, in the row's order */
  guint n_auths;
  GCancellable *saving; /* the save in flight, or NULL */
  TftsrOAuthSignIn sign_in;
  char *signed_in_id; /* a new integration signed in here and not saved yet: its id */
  char *ca_file;
  GPtrArray *mapping_rows; /* AdwEntryRow, 4 per field, in field order */

  GtkScrolledWindow *scroller;
  GtkBox *fields_box;
  GtkRevealer *error_revealer;
  GtkLabel *error_label;
  GtkStack *save_stack;
  GtkSpinner *save_spinner;
  AdwActionRow *kind_row;
  GtkImage *kind_icon;
  AdwEntryRow *id_row;
  AdwEntryRow *url_row;
  AdwComboRow *auth_row;
  AdwEntryRow *user_row;
  AdwPasswordEntryRow *secret_row;
  AdwPreferencesGroup *options_group;
  AdwComboRow *deployment_row;
  AdwEntryRow *text_rows[N_TEXT_OPTIONS];
  AdwComboRow *method_row;
  AdwPreferencesGroup *headers_group;
  GtkTextView *headers_view;
  AdwActionRow *ca_row;
  GtkButton *ca_clear_button;
  AdwEntryRow *proxy_row;
  GtkSwitch *direct_switch;
  GtkSwitch *tls_switch;
  AdwActionRow *tls_warning_row;
};

G_DEFINE_FINAL_TYPE (TftsrConnectorDialog, tftsr_connector_dialog, ADW_TYPE_WINDOW)

enum
{
  SAVED,
  FAILED,
  SIGNED_IN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static char *
text_of (gpointer editable)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (editable))));
}

static gboolean
shows (TftsrConnectorDialog *self, guint kinds)
{
  return (kinds & KIND (self->config->kind)) != 0;
}

static TftsrConnectorAuth
auth_shown (TftsrConnectorDialog *self)
{
  guint i = adw_combo_row_get_selected (self->auth_row);

  return i < self->n_auths ? self->auths[i] : TFTSR_CONNECTOR_AUTH_NONE;
}

static const char *
auth_label (TftsrConnectorKind kind, TftsrConnectorAuth auth)
{
  switch (auth)
    {
    case TFTSR_CONNECTOR_AUTH_NONE:
      return kind == TFTSR_CONNECTOR_WEBHOOK ? _ ("None, unsigned requests") : _ ("None");
    case TFTSR_CONNECTOR_AUTH_BASIC:
      return _ ("User and API Token");
    case TFTSR_CONNECTOR_AUTH_BEARER:
      return _ ("Personal Access Token");
    case TFTSR_CONNECTOR_AUTH_OAUTH:
      return _ ("OAuth Sign-In");
    case TFTSR_CONNECTOR_AUTH_TOKEN:
    default:
      switch (kind)
        {
        case TFTSR_CONNECTOR_PAGERDUTY:
          return _ ("Integration Routing Key");
        case TFTSR_CONNECTOR_STACKSTORM:
          return _ ("API Key");
        case TFTSR_CONNECTOR_WEBHOOK:
          return _ ("Signing Key (HMAC-SHA256)");
        case TFTSR_CONNECTOR_SLACK:
        case TFTSR_CONNECTOR_TEAMS:
          return _ ("Incoming Webhook URL");
        default:
          return _ ("Token");
        }
    }
}

/* What the secret row asks for. */
static const char *
secret_label (TftsrConnectorKind kind, TftsrConnectorAuth auth)
{
  return auth == TFTSR_CONNECTOR_AUTH_BASIC ? _ ("API Token or Password") : auth_label (kind, auth);
}

/* --- the connector the fields describe ------------------------------------------------- */

static void
set_member (json_object *object, const char *key, const char *value)
{
  if (value != NULL && *value != '\0')
    json_object_object_add (object, key, json_object_new_string (value));
  else
    json_object_object_del (object, key);
}

static json_object *
object_member (json_object *object, const char *key)
{
  json_object *member = NULL;

  if (!json_object_object_get_ex (object, key, &member) ||
      !json_object_is_type (member, json_type_object))
    {
      member = json_object_new_object ();
      json_object_object_add (object, key, member);
    }
  return member;
}

static char *
headers_text (TftsrConnectorDialog *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->headers_view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

/* "Name: value" lines as an object; a line without a colon is an error. */
static json_object *
headers_from_text (const char *text, GError **error)
{
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  json_object *headers = json_object_new_object ();

  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = g_strstrip (lines[i]);
      char *colon = strchr (line, ':');

      if (*line == '\0')
        continue;
      if (colon == NULL || colon == line)
        {
          g_set_error (error, TFTSR_CONNECTOR_ERROR, TFTSR_CONNECTOR_ERROR_INVALID,
                       _ ("Extra header “%s” is not a Name: value line"), line);
          json_object_put (headers);
          return NULL;
        }
      *colon = '\0';
      json_object_object_add (headers, g_strstrip (line),
                              json_object_new_string (g_strstrip (colon + 1)));
    }
  return headers;
}

static char *
options_from_fields (TftsrConnectorDialog *self, GError **error)
{
  json_object *options = json_tokener_parse (self->config->options);
  TftsrConnectorAuth auth = auth_shown (self);
  const TftsrConnectorField *fields;
  guint n_fields = 0;
  json_object *mapping;
  char *result;

  if (!json_object_is_type (options, json_type_object))
    {
      json_object_put (options);
      options = json_object_new_object ();
    }
  for (guint i = 0; i < N_TEXT_OPTIONS; i++)
    {
      g_autofree char *value = text_of (self->text_rows[i]);
      set_member (options, text_options[i].key, shows (self, text_options[i].kinds) ? value : NULL);
    }
  set_member (options, "deployment",
              shows (self, DEPLOYMENT_KINDS)
                  ? deployments[MIN (adw_combo_row_get_selected (self->deployment_row), 1)]
                  : NULL);
  if (self->config->kind == TFTSR_CONNECTOR_WEBHOOK)
    {
      g_autofree char *text = headers_text (self);
      json_object *headers = headers_from_text (text, error);

      if (headers == NULL)
        {
          json_object_put (options);
          return NULL;
        }
      set_member (options, "method",
                  methods[MIN (adw_combo_row_get_selected (self->method_row), 2)]);
      if (json_object_object_length (headers) > 0)
        json_object_object_add (options, "headers", headers);
      else
        {
          json_object_put (headers);
          json_object_object_del (options, "headers");
        }
    }
  if (auth == TFTSR_CONNECTOR_AUTH_OAUTH)
    {
      json_object *oauth = object_member (options, "oauth");
      for (guint i = 0; i < N_OAUTH; i++)
        {
          g_autofree char *value = text_of (self->sign_in.fields[i]);
          set_member (oauth, oauth_keys[i], value);
        }
    }
  else
    json_object_object_del (options, "oauth");

  /* Only values that differ from the kind's defaults are kept. */
  fields = tftsr_connector_kind_get_fields (self->config->kind, &n_fields);
  json_object_object_del (options, "mapping");
  mapping = json_object_new_object ();
  for (guint f = 0; f < n_fields; f++)
    {
      json_object *field = json_object_new_object ();

      for (guint s = 0; s < G_N_ELEMENTS (severities); s++)
        {
          g_autofree char *value = text_of (self->mapping_rows->pdata[f * 4 + s]);
          if (*value != '\0' && g_strcmp0 (value, fields[f].defaults[s]) != 0)
            json_object_object_add (field, severities[s], json_object_new_string (value));
        }
      if (json_object_object_length (field) > 0)
        json_object_object_add (mapping, fields[f].key, field);
      else
        json_object_put (field);
    }
  if (json_object_object_length (mapping) > 0)
    json_object_object_add (options, "mapping", mapping);
  else
    json_object_put (mapping);
  result = g_strdup (json_object_to_json_string_ext (options, JSON_C_TO_STRING_PLAIN));
  json_object_put (options);
  return result;
}

static TftsrConnectorConfig *
config_from_fields (TftsrConnectorDialog *self, GError **error)
{
  g_autoptr (TftsrConnectorConfig) c = tftsr_connector_config_copy (self->config);
  g_autofree char *options = options_from_fields (self, error);
  TftsrConnectorAuth auth = auth_shown (self);

  if (options == NULL)
    return NULL;
  g_free (c->id);
  c->id = text_of (self->id_row);
  g_free (c->base_url);
  c->base_url = text_of (self->url_row);
  c->auth = auth;
  g_free (c->user);
  c->user = auth == TFTSR_CONNECTOR_AUTH_BASIC ? text_of (self->user_row) : NULL;
  c->insecure = !gtk_switch_get_active (self->tls_switch);
  g_free (c->ca_file);
  c->ca_file = g_strdup (self->ca_file);
  g_free (c->proxy);
  c->proxy =
      gtk_switch_get_active (self->direct_switch) ? g_strdup ("") : text_of (self->proxy_row);
  if (c->proxy != NULL && *c->proxy == '\0' && !gtk_switch_get_active (self->direct_switch))
    g_clear_pointer (&c->proxy, g_free);
  g_free (c->options);
  c->options = g_steal_pointer (&options);
  return g_steal_pointer (&c);
}

/* --- fields ------------------------------------------------------------------------------ */

static void
update_secret_row (TftsrConnectorDialog *self)
{
  TftsrConnectorAuth auth = auth_shown (self);
  g_autofree char *title = NULL;

  if (self->config->has_secret && auth == self->config->auth)
    /* Translators: the name of a secret, such as API Key, whose value is saved */
    title = g_strdup_printf (_ ("%s: stored — enter a new one to replace"),
                             secret_label (self->config->kind, auth));
  else
    title = g_strdup (secret_label (self->config->kind, auth));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->secret_row), title);
}

static void
on_auth_changed (TftsrConnectorDialog *self)
{
  TftsrConnectorAuth auth = auth_shown (self);
  gboolean oauth = auth == TFTSR_CONNECTOR_AUTH_OAUTH;

  if (self->config == NULL)
    return;
  gtk_widget_set_visible (GTK_WIDGET (self->user_row), auth == TFTSR_CONNECTOR_AUTH_BASIC);
  gtk_widget_set_visible (GTK_WIDGET (self->secret_row),
                          auth != TFTSR_CONNECTOR_AUTH_NONE && !oauth);
  tftsr_oauth_sign_in_set_visible (&self->sign_in, oauth);
  gtk_widget_set_visible (GTK_WIDGET (self->auth_row), self->n_auths > 1);
  update_secret_row (self);
}

static void
on_tls_changed (TftsrConnectorDialog *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->tls_warning_row),
                          !gtk_switch_get_active (self->tls_switch));
}

static void
on_direct_changed (TftsrConnectorDialog *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->proxy_row),
                            !gtk_switch_get_active (self->direct_switch));
}

static void
show_ca (TftsrConnectorDialog *self)
{
  g_autofree char *shown = NULL;

  if (self->ca_file != NULL)
    {
      g_autofree char *name = g_filename_display_name (self->ca_file);
      shown = g_markup_escape_text (name, -1);
    }
  adw_action_row_set_subtitle (self->ca_row,
                               shown != NULL ? shown : _ ("The system’s certificate authorities"));
  gtk_widget_set_visible (GTK_WIDGET (self->ca_clear_button), self->ca_file != NULL);
}

static void
on_entry_activated (TftsrConnectorDialog *self, GtkWidget *row)
{
  /* The next visible entry, else Save. */
  tftsr_dialog_form_next_entry (GTK_WIDGET (self), row, "connector.save");
}

static void
add_mapping (TftsrConnectorDialog *self)
{
  static const char *const titles[] = { N_ ("Critical (P1)"), N_ ("High (P2)"), N_ ("Medium (P3)"),
                                        N_ ("Low (P4)") };
  guint n_fields = 0;
  const TftsrConnectorField *fields =
      tftsr_connector_kind_get_fields (self->config->kind, &n_fields);

  for (guint f = 0; f < n_fields; f++)
    {
      GtkWidget *group = adw_preferences_group_new ();
      /* Translators: %s is a field of the service, such as Urgency or Priority */
      g_autofree char *title = g_strdup_printf (_ ("Severity → %s"), fields[f].label);

      adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
      if (f == 0)
        adw_preferences_group_set_description (
            ADW_PREFERENCES_GROUP (group),
            _ ("The value sent for each severity of an incident. Empty: the default."));
      for (guint s = 0; s < G_N_ELEMENTS (severities); s++)
        {
          GtkWidget *row = adw_entry_row_new ();
          g_autofree char *value =
              tftsr_connector_config_dup_mapping (self->config, fields[f].key, severities[s]);

          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _ (titles[s]));
          gtk_editable_set_text (GTK_EDITABLE (row), value != NULL ? value : "");
          g_object_set_data_full (G_OBJECT (row), "mapping",
                                  g_strdup_printf ("%s.%s", fields[f].key, severities[s]), g_free);
          adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
          g_ptr_array_add (self->mapping_rows, row);
        }
      gtk_box_append (self->fields_box, group);
    }
}

static void
fill (TftsrConnectorDialog *self)
{
  const TftsrConnectorConfig *c = self->config;
  g_autoptr (GtkStringList) auth_labels = gtk_string_list_new (NULL);
  static const TftsrConnectorAuth order[] = {
    TFTSR_CONNECTOR_AUTH_BASIC, TFTSR_CONNECTOR_AUTH_BEARER, TFTSR_CONNECTOR_AUTH_TOKEN,
    TFTSR_CONNECTOR_AUTH_OAUTH, TFTSR_CONNECTOR_AUTH_NONE,
  };
  g_autofree char *deployment = tftsr_connector_config_dup_option (c, "deployment");
  g_autofree char *method = tftsr_connector_config_dup_option (c, "method");
  g_autoptr (GString) headers = g_string_new (NULL);
  json_object *options = json_tokener_parse (c->options);
  json_object *member = NULL;
  guint selected = 0;

  adw_action_row_set_subtitle (self->kind_row, tftsr_connector_kind_get_label (c->kind));
  gtk_image_set_from_icon_name (self->kind_icon, tftsr_connector_kind_icon_name (c->kind));
  gtk_editable_set_text (GTK_EDITABLE (self->id_row), c->id != NULL ? c->id : "");
  /* The name is the key: a connector is renamed by adding it anew. */
  gtk_editable_set_editable (GTK_EDITABLE (self->id_row), self->is_new);
  gtk_widget_set_sensitive (GTK_WIDGET (self->id_row), self->is_new);
  gtk_editable_set_text (GTK_EDITABLE (self->url_row), c->base_url != NULL ? c->base_url : "");
  gtk_editable_set_text (GTK_EDITABLE (self->user_row), c->user != NULL ? c->user : "");

  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    if (tftsr_connector_kind_accepts_auth (c->kind, order[i]))
      {
        if (order[i] == c->auth)
          selected = self->n_auths;
        self->auths[self->n_auths++] = order[i];
        gtk_string_list_append (auth_labels, auth_label (c->kind, order[i]));
      }
  adw_combo_row_set_model (self->auth_row, G_LIST_MODEL (auth_labels));
  adw_combo_row_set_selected (self->auth_row, selected);

  for (guint i = 0; i < N_TEXT_OPTIONS; i++)
    {
      g_autofree char *value = tftsr_connector_config_dup_option (c, text_options[i].key);
      gtk_editable_set_text (GTK_EDITABLE (self->text_rows[i]), value != NULL ? value : "");
      gtk_widget_set_visible (GTK_WIDGET (self->text_rows[i]), shows (self, text_options[i].kinds));
    }
  gtk_widget_set_visible (GTK_WIDGET (self->deployment_row), shows (self, DEPLOYMENT_KINDS));
  adw_combo_row_set_selected (self->deployment_row, g_strcmp0 (deployment, "datacenter") == 0);
  gtk_widget_set_visible (GTK_WIDGET (self->method_row), c->kind == TFTSR_CONNECTOR_WEBHOOK);
  for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
    if (g_strcmp0 (method, methods[i]) == 0)
      adw_combo_row_set_selected (self->method_row, i);
  gtk_widget_set_visible (GTK_WIDGET (self->headers_group), c->kind == TFTSR_CONNECTOR_WEBHOOK);
  if (json_object_is_type (options, json_type_object) &&
      json_object_object_get_ex (options, "headers", &member) &&
      json_object_is_type (member, json_type_object))
    {
      json_object_object_foreach (member, header_name, header_value) g_string_append_printf (
          headers, "%s: %s\n", header_name, json_object_get_string (header_value));
    }
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->headers_view), headers->str, -1);
  if (json_object_is_type (options, json_type_object) &&
      json_object_object_get_ex (options, "oauth", &member) &&
      json_object_is_type (member, json_type_object))
    for (guint i = 0; i < N_OAUTH; i++)
      {
        json_object *value = NULL;
        if (json_object_object_get_ex (member, oauth_keys[i], &value))
          gtk_editable_set_text (GTK_EDITABLE (self->sign_in.fields[i]),
                                 json_object_get_string (value));
      }
  json_object_put (options);
  /* Nothing of these kinds is chosen here but the options above. */
  gtk_widget_set_visible (GTK_WIDGET (self->options_group),
                          shows (self, DEPLOYMENT_KINDS | KIND (TFTSR_CONNECTOR_SERVICENOW) |
                                           KIND (TFTSR_CONNECTOR_AZURE_DEVOPS) |
                                           KIND (TFTSR_CONNECTOR_WEBHOOK)));

  self->ca_file = g_strdup (c->ca_file);
  show_ca (self);
  gtk_switch_set_active (self->direct_switch, c->proxy != NULL && *c->proxy == '\0');
  gtk_editable_set_text (GTK_EDITABLE (self->proxy_row), c->proxy != NULL ? c->proxy : "");
  gtk_switch_set_active (self->tls_switch, !c->insecure);
  add_mapping (self);
  on_auth_changed (self);
  on_tls_changed (self);
  on_direct_changed (self);
}

/* --- the CA bundle ------------------------------------------------------------------------ */

static void
ca_chosen (GtkNativeDialog *chooser, int response, TftsrConnectorDialog *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_free (self->ca_file);
      self->ca_file = g_file_get_path (file);
      show_ca (self);
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

static void
choose_ca_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TftsrConnectorDialog *self = TFTSR_CONNECTOR_DIALOG (widget);
  GtkFileChooserNative *chooser =
      gtk_file_chooser_native_new (_ ("Trusted Certificates"), GTK_WINDOW (self),
                                   GTK_FILE_CHOOSER_ACTION_OPEN, _ ("_Choose"), _ ("_Cancel"));
  g_autoptr (GtkFileFilter) pem = gtk_file_filter_new ();

  gtk_file_filter_set_name (pem, _ ("PEM certificate bundles"));
  gtk_file_filter_add_pattern (pem, "*.pem");
  gtk_file_filter_add_pattern (pem, "*.crt");
  gtk_file_filter_add_pattern (pem, "*.cer");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), pem);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (ca_chosen), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
clear_ca_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TftsrConnectorDialog *self = TFTSR_CONNECTOR_DIALOG (widget);

  g_clear_pointer (&self->ca_file, g_free);
  show_ca (self);
}

/* --- errors ------------------------------------------------------------------------------ */

static void
show_error (TftsrConnectorDialog *self, const char *message)
{
  tftsr_dialog_form_show_error (self->error_revealer, self->error_label, self->scroller, message);
}

/* --- OAuth sign-in ------------------------------------------------------------------------ */

static void
signed_in (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TftsrConnectorDialog) self = user_data;
  TftsrOAuthSignInResult done = tftsr_oauth_sign_in_finish (&self->sign_in, source, result, self,
                                                            (TftsrOAuthSignInShowError) show_error);

  if (done == TFTSR_OAUTH_SIGN_IN_STALE)
    return;
  if (done == TFTSR_OAUTH_SIGN_IN_DONE)
    {
      g_free (self->signed_in_id);
      self->signed_in_id = self->is_new ? text_of (self->id_row) : NULL;
    }
  g_signal_emit (self, signals[SIGNED_IN], 0, done == TFTSR_OAUTH_SIGN_IN_DONE);
}

/* The loopback port registered with the service ("oauth" → "redirect_port"); 0: any. */
static guint16
stored_redirect_port (const TftsrConnectorConfig *config)
{
  json_object *options = json_tokener_parse (config->options), *oauth, *port;
  guint16 value = 0;

  if (options != NULL && json_object_object_get_ex (options, "oauth", &oauth) &&
      json_object_object_get_ex (oauth, "redirect_port", &port))
    value = (guint16) CLAMP (json_object_get_int (port), 0, 65535);
  json_object_put (options);
  return value;
}

static void
sign_in_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TftsrConnectorDialog *self = TFTSR_CONNECTOR_DIALOG (widget);
  g_autofree char *id = text_of (self->id_row);
  char *values[N_OAUTH] = { NULL }; /* freed below: g_autofree would free only the first */
  TftsrOAuthConfig oauth = { 0 };

  if (tftsr_oauth_sign_in_stop (&self->sign_in))
    return;
  if (*id == '\0')
    {
      show_error (self, _ ("Give the integration a name first: its tokens are kept under it"));
      return;
    }
  for (guint i = 0; i < N_OAUTH; i++)
    {
      values[i] = text_of (self->sign_in.fields[i]);
      if (*values[i] == '\0')
        g_clear_pointer (&values[i], g_free);
    }
  oauth.client_id = values[0];
  oauth.authorize_url = values[1];
  oauth.token_url = values[2];
  oauth.revoke_url = values[3];
  oauth.scope = values[4];
  oauth.redirect_port = stored_redirect_port (self->config);
  tftsr_oauth_sign_in_start (&self->sign_in, self, self->store, id, &oauth,
                             (TftsrOAuthSignInShowError) show_error, signed_in);
  for (guint i = 0; i < N_OAUTH; i++)
    g_free (values[i]);
}

/* --- saving ------------------------------------------------------------------------------ */

static void
show_saving (TftsrConnectorDialog *self)
{
  tftsr_dialog_form_show_saving (GTK_WIDGET (self), self->save_stack, self->save_spinner,
                                 "connector.save", self->saving != NULL);
}

typedef struct
{
  TftsrConnectorDialog *self;
  char *id;
  GCancellable *saving;
} Save;

static void
saved (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Save *save = user_data;
  g_autoptr (TftsrConnectorDialog) self = save->self;
  g_autofree char *id = save->id;
  g_autoptr (GCancellable) saving = save->saving;
  g_autoptr (GError) error = NULL;
  gboolean ok = tftsr_store_save_connector_finish (TFTSR_STORE (source), result, &error);

  g_free (save);
  if (ok)
    g_signal_emit (self, signals[SAVED], 0, id);
  if (self->saving != saving)
    return; /* closed meanwhile */
  g_clear_object (&self->saving);
  show_saving (self);
  if (!ok)
    {
      show_error (self, g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
                            ? _ ("The save was stopped; nothing was changed.")
                            : error->message);
      g_signal_emit (self, signals[FAILED], 0, error);
      return;
    }
  gtk_editable_set_text (GTK_EDITABLE (self->secret_row), "");
  g_clear_pointer (&self->signed_in_id, g_free); /* its tokens now belong to it */
  gtk_window_close (GTK_WINDOW (self));
}

static void
save_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TftsrConnectorDialog *self = TFTSR_CONNECTOR_DIALOG (widget);
  g_autoptr (TftsrConnectorConfig) config = NULL;
  g_autoptr (GError) error = NULL;
  const char *typed = gtk_editable_get_text (GTK_EDITABLE (self->secret_row));
  char *secret = NULL; /* NULL keeps the stored one */
  Save *save;

  if (self->saving != NULL)
    return;
  config = config_from_fields (self, &error);
  if (config == NULL)
    {
      show_error (self, error->message);
      g_signal_emit (self, signals[FAILED], 0, error);
      return;
    }
  if (gtk_widget_get_visible (GTK_WIDGET (self->secret_row)) && *typed != '\0')
    secret = g_strdup (typed);
  show_error (self, NULL);
  self->saving = g_cancellable_new ();
  save = g_new0 (Save, 1);
  save->self = g_object_ref (self);
  save->id = g_strdup (config->id);
  save->saving = g_object_ref (self->saving);
  show_saving (self);
  tftsr_store_save_connector_async (self->store, config, secret, self->saving, saved, save);
  /* The call took its own copy. */
  if (secret != NULL)
    explicit_bzero (secret, strlen (secret));
  g_free (secret);
}

/* Cancel stops a save in flight and keeps the dialog; else it closes the dialog. */
static void
cancel_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TftsrConnectorDialog *self = TFTSR_CONNECTOR_DIALOG (widget);

  if (self->saving != NULL)
    g_cancellable_cancel (self->saving);
  else
    gtk_window_close (GTK_WINDOW (self));
}

/* --- class ------------------------------------------------------------------------------- */

static void
forget_tokens_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  g_autoptr (GError) error = NULL;

  if (!tftsr_vault_delete_secret (TFTSR_STORE (source), data, TFTSR_SECRET_OAUTH, &error))
    g_warning ("Could not forget the tokens of “%s”: %s", (const char *) data, error->message);
}

/* A new integration that signed in but was never saved leaves no tokens behind. */
static void
forget_unsaved_tokens (TftsrConnectorDialog *self)
{
  g_autoptr (GTask) task = NULL;

  if (self->signed_in_id == NULL)
    return;
  task = g_task_new (self->store, NULL, NULL, NULL);
  g_task_set_task_data (task, g_steal_pointer (&self->signed_in_id), g_free);
  g_task_run_in_thread (task, forget_tokens_thread);
}

static void
tftsr_connector_dialog_dispose (GObject *object)
{
  TftsrConnectorDialog *self = TFTSR_CONNECTOR_DIALOG (object);

  if (self->secret_row != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->secret_row), "");
  tftsr_oauth_sign_in_clear (&self->sign_in);
  g_cancellable_cancel (self->saving);
  forget_unsaved_tokens (self);
  g_clear_object (&self->saving);
  gtk_widget_dispose_template (GTK_WIDGET (self), TFTSR_TYPE_CONNECTOR_DIALOG);
  G_OBJECT_CLASS (tftsr_connector_dialog_parent_class)->dispose (object);
}

static void
tftsr_connector_dialog_finalize (GObject *object)
{
  TftsrConnectorDialog *self = TFTSR_CONNECTOR_DIALOG (object);

  g_clear_object (&self->store);
  g_clear_pointer (&self->config, tftsr_connector_config_free);
  g_free (self->ca_file);
  g_ptr_array_unref (self->mapping_rows);
  G_OBJECT_CLASS (tftsr_connector_dialog_parent_class)->finalize (object);
}

static void
tftsr_connector_dialog_class_init (TftsrConnectorDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tftsr_connector_dialog_dispose;
  object_class->finalize = tftsr_connector_dialog_finalize;

  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                 NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[FAILED] = g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                  NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
  signals[SIGNED_IN] = g_signal_new ("signed-in", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                     NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               TFTSR_RESOURCE_PATH "/ui/tftsr-connector-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, TftsrConnectorDialog, scroller);
  gtk_widget_class_bind_template_child (widget_class, TftsrConnectorDialog, fields_box);
  gtk_widget_class_bind_template_child (widget_class, TftsrConnectorDialog, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, TftsrConnectorDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, TftsrConnectorDialog, save_stack);
  gtk_widget_class_bind_template_child (widget_class, TftsrConnectorDialog, save_spinner);
  gtk_widget_class_bind_template_child (widget_class, TftsrConnectorDialog, kind_row);
  gtk_widget_class_bind_template_child (widget_class, TftsrConnectorDialog, kind_icon);
  gtk_widget_class_bind_template_child (widget_class, TftsrConnectorDialog, id_row);
  gtk_widget_class_bind_template_child (widget_class, TftsrConnectorDialog, url_row);
  gtk_widget_class_bind_template_child (widget_class, TftsrConnectorDialog, auth_row);
  gtk_widget_class_bind_template_child (widget_class, TftsrConnectorDialog, user_row);
  gtk_widget_class_bind_template_child (widget_class, TftsrConnectorDialog, secret_row);
  tftsr_oauth_sign_in_bind_template (widget_class, G_STRUCT_OFFSET (TftsrConnectorDialog, sign_in));
  gtk_widget_class_bind_template_child (widget_class, TftsrConnectorDialog, options_group);
  gtk_widget_class_bind_template_child (widget_class, TftsrConnectorDialog, deployment_row);
  for (guint i = 0; i < N_TEXT_OPTIONS; i++)
    gtk_widget_class_bind_template_child_full (widget_class, text_options[i].row, FALSE,
                                               G_STRUCT_OFFSET (TftsrConnectorDialog, text_rows) +
                                                   i * sizeof (AdwEntryRow *));
  gtk_widget_class_bind_template_child (widget_class, TftsrConnectorDialog, method_row);
  gtk_widget_class_bind_template_child (widget_class, TftsrConnectorDialog, headers_group);
  gtk_widget_class_bind_template_child (widget_class, TftsrConnectorDialog, headers_view);
  gtk_widget_class_bind_template_child (widget_class, TftsrConnectorDialog, ca_row);
  gtk_widget_class_bind_template_child (widget_class, TftsrConnectorDialog, ca_clear_button);
  gtk_widget_class_bind_template_child (widget_class, TftsrConnectorDialog, proxy_row);
  gtk_widget_class_bind_template_child (widget_class, TftsrConnectorDialog, direct_switch);
  gtk_widget_class_bind_template_child (widget_class, TftsrConnectorDialog, tls_switch);
  gtk_widget_class_bind_template_child (widget_class, TftsrConnectorDialog, tls_warning_row);
  gtk_widget_class_bind_template_callback (widget_class, on_auth_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_tls_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_direct_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activated);

  gtk_widget_class_install_action (widget_class, "connector.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "connector.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "connector.sign-in", NULL, sign_in_action);
  gtk_widget_class_install_action (widget_class, "connector.choose-ca", NULL, choose_ca_action);
  gtk_widget_class_install_action (widget_class, "connector.clear-ca", NULL, clear_ca_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK,
                                       "connector.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "connector.cancel", NULL);
}

static void
tftsr_connector_dialog_init (TftsrConnectorDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->mapping_rows = g_ptr_array_new ();
}

TftsrConnectorDialog *
tftsr_connector_dialog_new (GtkWindow *parent, TftsrStore *store,
                            const TftsrConnectorConfig *config, TftsrConnectorKind kind)
{
  TftsrConnectorDialog *self;
  g_autofree char *title = NULL;

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);
  g_return_val_if_fail (config != NULL || kind < TFTSR_N_CONNECTOR_KINDS, NULL);

  if (config != NULL)
    title =
        g_strdup_printf (_ ("Edit %s Integration"), tftsr_connector_kind_get_label (config->kind));
  else
    title = g_strdup_printf (_ ("Add %s Integration"), tftsr_connector_kind_get_label (kind));
  self = g_object_new (TFTSR_TYPE_CONNECTOR_DIALOG, "transient-for", parent, "title", title, NULL);
  self->store = g_object_ref (store);
  self->is_new = config == NULL;
  if (config != NULL)
    self->config = tftsr_connector_config_copy (config);
  else
    {
      self->config = tftsr_connector_config_new (tftsr_connector_kind_to_string (kind), kind,
                                                 tftsr_connector_kind_get_default_url (kind));
      self->config->auth = tftsr_connector_kind_get_default_auth (kind);
    }
  fill (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->is_new ? self->id_row : self->url_row));
  return self;
}
