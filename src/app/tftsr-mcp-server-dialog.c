/* tftsr-mcp-server-dialog.c
 *
 * One form for both transports: the groups of the other one are hidden and not saved.
 * Arguments are one entry each and variables and headers one name and one value each, so
 * what is typed is what the server gets, with no quoting or splitting between.
 *
 * Secret values never reach the UI: their rows start empty whatever is stored, and what is
 * typed goes to the registry once (its copies wiped, the entries cleared after). The form
 * is checked by the core's validation before anything is saved, and a refused save (an
 * LD_PRELOAD, a relative command, a name in use…) leaves the dialog open with the reason
 * above the fields. OAuth signs in through the system browser; the tokens go to the vault
 * under the server's name, never through here, and are forgotten again when a new server
 * that signed in is closed unsaved.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>
#include <string.h>

#include "tftsr-dialog-form.h"
#include "tftsr-mcp-server-dialog.h"
#include "tftsr-oauth-sign-in.h"

/* The lists edited row by row. */
typedef enum
{
  LIST_ARGS,
  LIST_ENV,
  LIST_SECRET_ENV,
  LIST_HEADERS,
  LIST_SECRET_HEADERS,
  N_LISTS
} ListKind;

static const char *const list_groups[N_LISTS] = { "args_group", "env_group", "secret_env_group",
                                                  "headers_group", "secret_headers_group" };

static gboolean
list_is_secret (ListKind kind)
{
  return kind == LIST_SECRET_ENV || kind == LIST_SECRET_HEADERS;
}

static char
list_separator (ListKind kind)
{
  return kind == LIST_ENV || kind == LIST_SECRET_ENV ? '=' : ':';
}

/* The auth methods in the combo row's order. */
static const TftsrMcpAuth auths[] = { TFTSR_MCP_AUTH_NONE, TFTSR_MCP_AUTH_API_KEY,
                                      TFTSR_MCP_AUTH_BEARER, TFTSR_MCP_AUTH_OAUTH };

#define N_OAUTH TFTSR_OAUTH_SIGN_IN_N_FIELDS

struct _TftsrMcpServerDialog
{
  AdwWindow parent_instance;

  TftsrStore *store;
  TftsrMcpServer *server; /* as stored, or NULL for a new one */
  gboolean has_token;     /* the stored server's key or token is in the vault */
  GCancellable *cancellable;
  GCancellable *saving; /* the save in flight, or NULL */
  TftsrOAuthSignIn sign_in;
  char *signed_in_name; /* a new server signed in here and not saved yet: its name */
  GPtrArray *rows[N_LISTS];

  GtkScrolledWindow *scroller;
  GtkRevealer *error_revealer;
  GtkLabel *error_label;
  GtkStack *save_stack;
  GtkSpinner *save_spinner;
  AdwEntryRow *name_row;
  AdwComboRow *transport_row;
  GtkSpinButton *timeout_spin;
  AdwPreferencesGroup *command_group;
  AdwEntryRow *command_row;
  AdwPreferencesGroup *groups[N_LISTS];
  AdwPreferencesGroup *http_group;
  AdwEntryRow *url_row;
  AdwPreferencesGroup *auth_group;
  AdwComboRow *auth_row;
  AdwEntryRow *api_key_header_row;
  AdwPasswordEntryRow *token_row;
};

G_DEFINE_FINAL_TYPE (TftsrMcpServerDialog, tftsr_mcp_server_dialog, ADW_TYPE_WINDOW)

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

/* NULL for an empty text. */
static char *
text_or_null (gpointer editable)
{
  char *text = text_of (editable);

  if (*text != '\0')
    return text;
  g_free (text);
  return NULL;
}

static TftsrMcpTransport
transport_shown (TftsrMcpServerDialog *self)
{
  return adw_combo_row_get_selected (self->transport_row) == 1 ? TFTSR_MCP_TRANSPORT_HTTP
                                                               : TFTSR_MCP_TRANSPORT_STDIO;
}

static TftsrMcpAuth
auth_shown (TftsrMcpServerDialog *self)
{
  guint i = adw_combo_row_get_selected (self->auth_row);

  return i < G_N_ELEMENTS (auths) ? auths[i] : TFTSR_MCP_AUTH_NONE;
}

static void
show_error (TftsrMcpServerDialog *self, const char *message)
{
  tftsr_dialog_form_show_error (self->error_revealer, self->error_label, self->scroller, message);
}

/* --- list rows ----------------------------------------------------------------------------- */

static void
number_arguments (TftsrMcpServerDialog *self)
{
  for (guint i = 0; i < self->rows[LIST_ARGS]->len; i++)
    {
      /* Translators: the title of the row of a command's argument; %u counts from 1 */
      g_autofree char *title = g_strdup_printf (_ ("Argument %u"), i + 1);
      adw_preferences_row_set_title (self->rows[LIST_ARGS]->pdata[i], title);
    }
}

static void
on_remove_row (GtkButton *button, TftsrMcpServerDialog *self)
{
  GtkWidget *row = g_object_get_data (G_OBJECT (button), "row");
  ListKind kind = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), "list"));

  if (list_is_secret (kind))
    gtk_editable_set_text (g_object_get_data (G_OBJECT (row), "value"), "");
  adw_preferences_group_remove (self->groups[kind], row);
  g_ptr_array_remove (self->rows[kind], row);
  if (kind == LIST_ARGS)
    number_arguments (self);
}

static GtkWidget *
remove_button (TftsrMcpServerDialog *self, GtkWidget *row, const char *tooltip)
{
  GtkWidget *button = gtk_button_new_from_icon_name ("list-remove-symbolic");

  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, tooltip);
  g_object_set_data (G_OBJECT (button), "row", row);
  g_signal_connect (button, "clicked", G_CALLBACK (on_remove_row), self);
  return button;
}

static GtkWidget *
add_argument (TftsrMcpServerDialog *self, const char *value)
{
  GtkWidget *row = adw_entry_row_new ();

  gtk_editable_set_text (GTK_EDITABLE (row), value != NULL ? value : "");
  g_object_set_data (G_OBJECT (row), "list", GUINT_TO_POINTER (LIST_ARGS));
  adw_entry_row_add_suffix (ADW_ENTRY_ROW (row),
                            remove_button (self, row, _ ("Remove this argument")));
  adw_preferences_group_add (self->groups[LIST_ARGS], row);
  g_ptr_array_add (self->rows[LIST_ARGS], row);
  number_arguments (self);
  return row;
}

/* A name and a value side by side; a secret's value is a password entry that starts empty
 * (@stored: a value is kept for this name). */
static GtkWidget *
add_pair (TftsrMcpServerDialog *self, ListKind kind, const char *name, const char *value,
          gboolean stored)
{
  gboolean is_env = list_separator (kind) == '=';
  GtkWidget *row = adw_preferences_row_new (); /* in the group's boxed list */
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *name_entry = gtk_entry_new ();
  GtkWidget *value_entry = list_is_secret (kind) ? gtk_password_entry_new () : gtk_entry_new ();

  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_name (name_entry, "pair-name");
  gtk_widget_set_name (value_entry, "pair-value");
  gtk_editable_set_width_chars (GTK_EDITABLE (name_entry), 16);
  gtk_entry_set_placeholder_text (GTK_ENTRY (name_entry), is_env ? _ ("NAME") : _ ("Name"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (name_entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  is_env ? _ ("Variable name") : _ ("Header name"), -1);
  gtk_editable_set_text (GTK_EDITABLE (name_entry), name != NULL ? name : "");
  gtk_widget_set_hexpand (value_entry, TRUE);
  if (list_is_secret (kind))
    {
      gtk_password_entry_set_show_peek_icon (GTK_PASSWORD_ENTRY (value_entry), TRUE);
      g_object_set (value_entry, "placeholder-text",
                    stored ? _ ("Stored — type to replace") : _ ("Secret value"), NULL);
    }
  else
    {
      gtk_entry_set_placeholder_text (GTK_ENTRY (value_entry), _ ("Value"));
      gtk_editable_set_text (GTK_EDITABLE (value_entry), value != NULL ? value : "");
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (value_entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Value"), -1);
  gtk_box_append (GTK_BOX (box), name_entry);
  gtk_box_append (GTK_BOX (box), value_entry);
  gtk_box_append (
      GTK_BOX (box),
      remove_button (self, row, is_env ? _ ("Remove this variable") : _ ("Remove this header")));
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  g_object_set_data (G_OBJECT (row), "list", GUINT_TO_POINTER (kind));
  g_object_set_data (G_OBJECT (row), "name", name_entry);
  g_object_set_data (G_OBJECT (row), "value", value_entry);
  adw_preferences_group_add (self->groups[kind], row);
  g_ptr_array_add (self->rows[kind], row);
  return name_entry;
}

static void
add_list_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TftsrMcpServerDialog *self = TFTSR_MCP_SERVER_DIALOG (widget);
  static const char *const actions[N_LISTS] = { "server.add-argument", "server.add-env",
                                                "server.add-secret-env", "server.add-header",
                                                "server.add-secret-header" };

  for (ListKind kind = 0; kind < N_LISTS; kind++)
    if (g_str_equal (action_name, actions[kind]))
      gtk_widget_grab_focus (kind == LIST_ARGS ? add_argument (self, NULL)
                                               : add_pair (self, kind, NULL, NULL, FALSE));
}

/* The list's names and values: "NAME=value" / "Name: value" into @pairs (for a secret list,
 * only values typed), names into @names (secret lists). Rows left empty are skipped. */
static gboolean
collect_pairs (TftsrMcpServerDialog *self, ListKind kind, GStrvBuilder *pairs, GStrvBuilder *names,
               GError **error)
{
  char sep = list_separator (kind);

  for (guint i = 0; i < self->rows[kind]->len; i++)
    {
      GtkWidget *row = self->rows[kind]->pdata[i];
      g_autofree char *name = text_of (g_object_get_data (G_OBJECT (row), "name"));
      const char *value = gtk_editable_get_text (g_object_get_data (G_OBJECT (row), "value"));
      g_autofree char *pair = NULL;

      if (*name == '\0' && *value == '\0')
        continue;
      if (*name == '\0' || strchr (name, sep) != NULL)
        {
          g_set_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_INVALID,
                       sep == '=' ? _ ("Every environment variable needs a name without “=”.")
                                  : _ ("Every header needs a name without “:”."));
          return FALSE;
        }
      if (names != NULL)
        g_strv_builder_add (names, name);
      if (list_is_secret (kind) && *value == '\0')
        continue;
      pair =
          sep == '=' ? g_strconcat (name, "=", value, NULL) : g_strconcat (name, ": ", value, NULL);
      g_strv_builder_add (pairs, pair);
      if (list_is_secret (kind))
        explicit_bzero (pair, strlen (pair));
    }
  return TRUE;
}

/* NULL for an empty list, as the registry keeps it. */
static GStrv
end_list (GStrvBuilder *builder)
{
  GStrv list = g_strv_builder_end (builder);

  if (list[0] != NULL)
    return list;
  g_strfreev (list);
  return NULL;
}

static void
wipe_strv (GStrv list)
{
  for (guint i = 0; list != NULL && list[i] != NULL; i++)
    explicit_bzero (list[i], strlen (list[i]));
  g_strfreev (list);
}

/* --- the server the fields describe --------------------------------------------------------- */

typedef struct
{
  GStrv env;
  GStrv headers;
  char *token;
} Typed;

static void
typed_clear (Typed *typed)
{
  wipe_strv (typed->env);
  wipe_strv (typed->headers);
  if (typed->token != NULL)
    explicit_bzero (typed->token, strlen (typed->token));
  g_free (typed->token);
  memset (typed, 0, sizeof *typed);
}

static TftsrMcpServer *
server_from_fields (TftsrMcpServerDialog *self, Typed *typed, GError **error)
{
  g_autoptr (TftsrMcpServer) server =
      self->server != NULL ? tftsr_mcp_server_copy (self->server) : tftsr_mcp_server_new ();

  /* Only what the form edits is taken from it; what the store keeps stays. */
  g_free (server->name);
  server->name = text_of (self->name_row);
  server->transport = transport_shown (self);
  server->timeout_ms = (guint) gtk_spin_button_get_value_as_int (self->timeout_spin) * 1000;
  g_clear_pointer (&server->command, g_free);
  g_clear_pointer (&server->args, g_strfreev);
  g_clear_pointer (&server->env, g_strfreev);
  g_clear_pointer (&server->secret_env, g_strfreev);
  g_clear_pointer (&server->url, g_free);
  g_clear_pointer (&server->headers, g_strfreev);
  g_clear_pointer (&server->secret_headers, g_strfreev);
  g_clear_pointer (&server->api_key_header, g_free);
  g_clear_pointer (&server->oauth_client_id, g_free);
  g_clear_pointer (&server->oauth_authorize_url, g_free);
  g_clear_pointer (&server->oauth_token_url, g_free);
  g_clear_pointer (&server->oauth_revoke_url, g_free);
  g_clear_pointer (&server->oauth_scope, g_free);
  server->auth = TFTSR_MCP_AUTH_NONE;

  if (server->transport == TFTSR_MCP_TRANSPORT_STDIO)
    {
      g_autoptr (GStrvBuilder) args = g_strv_builder_new ();
      g_autoptr (GStrvBuilder) env = g_strv_builder_new ();
      g_autoptr (GStrvBuilder) secret_names = g_strv_builder_new ();
      g_autoptr (GStrvBuilder) secret_values = g_strv_builder_new ();

      server->command = text_or_null (self->command_row);
      for (guint i = 0; i < self->rows[LIST_ARGS]->len; i++)
        g_strv_builder_add (args,
                            gtk_editable_get_text (GTK_EDITABLE (self->rows[LIST_ARGS]->pdata[i])));
      if (!collect_pairs (self, LIST_ENV, env, NULL, error) ||
          !collect_pairs (self, LIST_SECRET_ENV, secret_values, secret_names, error))
        return NULL;
      server->args = end_list (args);
      server->env = end_list (env);
      server->secret_env = end_list (secret_names);
      typed->env = end_list (secret_values);
    }
  else
    {
      g_autoptr (GStrvBuilder) headers = g_strv_builder_new ();
      g_autoptr (GStrvBuilder) secret_names = g_strv_builder_new ();
      g_autoptr (GStrvBuilder) secret_values = g_strv_builder_new ();
      const char *token = gtk_editable_get_text (GTK_EDITABLE (self->token_row));

      server->url = text_or_null (self->url_row);
      if (!collect_pairs (self, LIST_HEADERS, headers, NULL, error) ||
          !collect_pairs (self, LIST_SECRET_HEADERS, secret_values, secret_names, error))
        return NULL;
      server->headers = end_list (headers);
      server->secret_headers = end_list (secret_names);
      typed->headers = end_list (secret_values);
      server->auth = auth_shown (self);
      if (server->auth == TFTSR_MCP_AUTH_API_KEY)
        server->api_key_header = text_or_null (self->api_key_header_row);
      if ((server->auth == TFTSR_MCP_AUTH_API_KEY || server->auth == TFTSR_MCP_AUTH_BEARER) &&
          *token != '\0')
        typed->token = g_strdup (token);
      if (server->auth == TFTSR_MCP_AUTH_OAUTH)
        {
          server->oauth_client_id = text_or_null (self->sign_in.fields[0]);
          server->oauth_authorize_url = text_or_null (self->sign_in.fields[1]);
          server->oauth_token_url = text_or_null (self->sign_in.fields[2]);
          server->oauth_revoke_url = text_or_null (self->sign_in.fields[3]);
          server->oauth_scope = text_or_null (self->sign_in.fields[4]);
        }
    }
  return g_steal_pointer (&server);
}

/* --- fields -------------------------------------------------------------------------------- */

static void
update_token_row (TftsrMcpServerDialog *self)
{
  TftsrMcpAuth auth = auth_shown (self);
  const char *what = auth == TFTSR_MCP_AUTH_API_KEY ? _ ("API key") : _ ("Bearer token");
  g_autofree char *title = NULL;

  if (self->server != NULL && self->has_token && self->server->auth == auth)
    /* Translators: %s names a secret, such as API key, whose value is saved */
    title = g_strdup_printf (_ ("%s: stored — enter a new one to replace"), what);
  else
    title = g_strdup (what);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->token_row), title);
}

static void
on_auth_changed (TftsrMcpServerDialog *self)
{
  TftsrMcpAuth auth = auth_shown (self);
  gboolean oauth = auth == TFTSR_MCP_AUTH_OAUTH;

  gtk_widget_set_visible (GTK_WIDGET (self->api_key_header_row), auth == TFTSR_MCP_AUTH_API_KEY);
  gtk_widget_set_visible (GTK_WIDGET (self->token_row),
                          auth == TFTSR_MCP_AUTH_API_KEY || auth == TFTSR_MCP_AUTH_BEARER);
  tftsr_oauth_sign_in_set_visible (&self->sign_in, oauth);
  update_token_row (self);
}

static void
on_transport_changed (TftsrMcpServerDialog *self)
{
  gboolean stdio = transport_shown (self) == TFTSR_MCP_TRANSPORT_STDIO;

  gtk_widget_set_visible (GTK_WIDGET (self->command_group), stdio);
  gtk_widget_set_visible (GTK_WIDGET (self->groups[LIST_ARGS]), stdio);
  gtk_widget_set_visible (GTK_WIDGET (self->groups[LIST_ENV]), stdio);
  gtk_widget_set_visible (GTK_WIDGET (self->groups[LIST_SECRET_ENV]), stdio);
  gtk_widget_set_visible (GTK_WIDGET (self->http_group), !stdio);
  gtk_widget_set_visible (GTK_WIDGET (self->groups[LIST_HEADERS]), !stdio);
  gtk_widget_set_visible (GTK_WIDGET (self->groups[LIST_SECRET_HEADERS]), !stdio);
  gtk_widget_set_visible (GTK_WIDGET (self->auth_group), !stdio);
}

static void
on_entry_activated (TftsrMcpServerDialog *self, GtkWidget *row)
{
  /* The next visible entry of the group, else Save. */
  tftsr_dialog_form_next_entry (GTK_WIDGET (self), row, "server.save");
}

/* "NAME=value" / "Name: value" as stored, into their rows. */
static void
fill_pairs (TftsrMcpServerDialog *self, ListKind kind, GStrv pairs)
{
  char sep = list_separator (kind);

  for (guint i = 0; pairs != NULL && pairs[i] != NULL; i++)
    {
      const char *at = strchr (pairs[i], sep);
      g_autofree char *name = NULL;
      const char *value;

      if (at == NULL)
        continue;
      name = g_strndup (pairs[i], (gsize) (at - pairs[i]));
      value = at + 1;
      while (sep == ':' && (*value == ' ' || *value == '\t'))
        value++;
      add_pair (self, kind, g_strstrip (name), value, FALSE);
    }
}

static void
fill (TftsrMcpServerDialog *self)
{
  const TftsrMcpServer *s = self->server;

  if (s == NULL)
    {
      on_transport_changed (self);
      on_auth_changed (self);
      return;
    }
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), s->name);
  /* The name is the key: a server is renamed by adding it anew. */
  gtk_editable_set_editable (GTK_EDITABLE (self->name_row), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->name_row), FALSE);
  adw_combo_row_set_selected (self->transport_row, s->transport == TFTSR_MCP_TRANSPORT_HTTP);
  gtk_spin_button_set_value (self->timeout_spin, s->timeout_ms / 1000);
  gtk_editable_set_text (GTK_EDITABLE (self->command_row), s->command != NULL ? s->command : "");
  for (guint i = 0; s->args != NULL && s->args[i] != NULL; i++)
    add_argument (self, s->args[i]);
  fill_pairs (self, LIST_ENV, s->env);
  for (guint i = 0; s->secret_env != NULL && s->secret_env[i] != NULL; i++)
    add_pair (self, LIST_SECRET_ENV, s->secret_env[i], NULL, TRUE);
  gtk_editable_set_text (GTK_EDITABLE (self->url_row), s->url != NULL ? s->url : "");
  fill_pairs (self, LIST_HEADERS, s->headers);
  for (guint i = 0; s->secret_headers != NULL && s->secret_headers[i] != NULL; i++)
    add_pair (self, LIST_SECRET_HEADERS, s->secret_headers[i], NULL, TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (auths); i++)
    if (auths[i] == s->auth)
      adw_combo_row_set_selected (self->auth_row, i);
  gtk_editable_set_text (GTK_EDITABLE (self->api_key_header_row),
                         s->api_key_header != NULL ? s->api_key_header : "");
  {
    const char *oauth[N_OAUTH] = { s->oauth_client_id, s->oauth_authorize_url, s->oauth_token_url,
                                   s->oauth_revoke_url, s->oauth_scope };
    for (guint i = 0; i < N_OAUTH; i++)
      gtk_editable_set_text (GTK_EDITABLE (self->sign_in.fields[i]),
                             oauth[i] != NULL ? oauth[i] : "");
  }
  on_transport_changed (self);
  on_auth_changed (self);
}

static void
token_known (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TftsrMcpServerDialog) self = user_data;
  gboolean stored = tftsr_mcp_store_has_token_finish (TFTSR_STORE (source), result);

  if (g_cancellable_is_cancelled (self->cancellable))
    return;
  self->has_token = stored;
  update_token_row (self);
}

static void
oauth_known (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TftsrMcpServerDialog) self = user_data;
  gboolean stored = tftsr_mcp_store_has_token_finish (TFTSR_STORE (source), result);

  if (stored && !g_cancellable_is_cancelled (self->cancellable) &&
      !tftsr_oauth_sign_in_busy (&self->sign_in))
    adw_action_row_set_subtitle (self->sign_in.row,
                                 _ ("Signed in: the tokens are in your keyring. Sign in again "
                                    "to replace them."));
}

/* --- choosing the program ------------------------------------------------------------------- */

static void
command_chosen (GtkNativeDialog *chooser, int response, TftsrMcpServerDialog *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = g_file_get_path (file);

      if (path != NULL)
        gtk_editable_set_text (GTK_EDITABLE (self->command_row), path);
      else
        show_error (self, _ ("The program must be a file on this computer."));
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

static void
choose_command_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TftsrMcpServerDialog *self = TFTSR_MCP_SERVER_DIALOG (widget);
  GtkFileChooserNative *chooser =
      gtk_file_chooser_native_new (_ ("Program of the MCP Server"), GTK_WINDOW (self),
                                   GTK_FILE_CHOOSER_ACTION_OPEN, _ ("_Choose"), _ ("_Cancel"));
  g_autofree char *current = text_of (self->command_row);

  if (g_path_is_absolute (current))
    {
      g_autoptr (GFile) file = g_file_new_for_path (current);
      gtk_file_chooser_set_file (GTK_FILE_CHOOSER (chooser), file, NULL);
    }
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (command_chosen), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* --- OAuth sign-in -------------------------------------------------------------------------- */

static void
signed_in (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TftsrMcpServerDialog) self = user_data;
  TftsrOAuthSignInResult done = tftsr_oauth_sign_in_finish (&self->sign_in, source, result, self,
                                                            (TftsrOAuthSignInShowError) show_error);

  if (done == TFTSR_OAUTH_SIGN_IN_STALE)
    return;
  if (done == TFTSR_OAUTH_SIGN_IN_DONE)
    {
      g_free (self->signed_in_name);
      self->signed_in_name = self->server == NULL ? text_of (self->name_row) : NULL;
    }
  g_signal_emit (self, signals[SIGNED_IN], 0, done == TFTSR_OAUTH_SIGN_IN_DONE);
}

static void
sign_in_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TftsrMcpServerDialog *self = TFTSR_MCP_SERVER_DIALOG (widget);
  Typed typed = { 0 };
  g_autoptr (TftsrMcpServer) server = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *vault_id = NULL;
  TftsrOAuthConfig oauth;

  if (tftsr_oauth_sign_in_stop (&self->sign_in))
    return;
  server = server_from_fields (self, &typed, &error);
  typed_clear (&typed);
  if (server == NULL || !tftsr_mcp_check_name (server->name, &error))
    {
      show_error (self, error->message);
      return;
    }
  tftsr_mcp_server_get_oauth_config (server, &oauth);
  vault_id = tftsr_mcp_vault_id (server->name);
  tftsr_oauth_sign_in_start (&self->sign_in, self, self->store, vault_id, &oauth,
                             (TftsrOAuthSignInShowError) show_error, signed_in);
}

/* --- saving --------------------------------------------------------------------------------- */

static void
show_saving (TftsrMcpServerDialog *self)
{
  tftsr_dialog_form_show_saving (GTK_WIDGET (self), self->save_stack, self->save_spinner,
                                 "server.save", self->saving != NULL);
}

typedef struct
{
  TftsrMcpServerDialog *self;
  char *name;
  GCancellable *saving;
} Save;

static void
clear_secrets (TftsrMcpServerDialog *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->token_row), "");
  for (ListKind kind = 0; kind < N_LISTS; kind++)
    if (list_is_secret (kind))
      for (guint i = 0; i < self->rows[kind]->len; i++)
        gtk_editable_set_text (g_object_get_data (self->rows[kind]->pdata[i], "value"), "");
}

static void
saved (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Save *save = user_data;
  g_autoptr (TftsrMcpServerDialog) self = save->self;
  g_autofree char *name = save->name;
  g_autoptr (GCancellable) saving = save->saving;
  g_autoptr (GError) error = NULL;
  gboolean ok;

  g_free (save);
  if (self->server == NULL)
    ok = tftsr_mcp_store_add_server_finish (TFTSR_STORE (source), result, &error) > 0;
  else
    ok = tftsr_mcp_store_update_server_finish (TFTSR_STORE (source), result, &error);
  if (ok)
    g_signal_emit (self, signals[SAVED], 0, name);
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
  clear_secrets (self);
  g_clear_pointer (&self->signed_in_name, g_free); /* its tokens now belong to it */
  gtk_window_close (GTK_WINDOW (self));
}

static void
save_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TftsrMcpServerDialog *self = TFTSR_MCP_SERVER_DIALOG (widget);
  g_autoptr (TftsrMcpServer) server = NULL;
  g_autoptr (GError) error = NULL;
  Typed typed = { 0 };
  TftsrMcpSecrets secrets = { 0 };
  Save *save;

  if (self->saving != NULL)
    return;
  server = server_from_fields (self, &typed, &error);
  if (server == NULL || !tftsr_mcp_server_validate (server, &error))
    {
      typed_clear (&typed);
      show_error (self, error->message);
      g_signal_emit (self, signals[FAILED], 0, error);
      return;
    }
  secrets.token = typed.token;
  secrets.env = (const char *const *) typed.env;
  secrets.headers = (const char *const *) typed.headers;
  show_error (self, NULL);
  self->saving = g_cancellable_new ();
  save = g_new0 (Save, 1);
  save->self = g_object_ref (self);
  save->name = g_strdup (server->name);
  save->saving = g_object_ref (self->saving);
  show_saving (self);
  /* The calls take their own copies of the secrets. */
  if (self->server == NULL)
    tftsr_mcp_store_add_server_async (self->store, server, &secrets, self->saving, saved, save);
  else
    tftsr_mcp_store_update_server_async (self->store, server, &secrets, self->saving, saved, save);
  typed_clear (&typed);
}

/* Cancel stops a save in flight and keeps the dialog; else it closes the dialog. */
static void
cancel_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TftsrMcpServerDialog *self = TFTSR_MCP_SERVER_DIALOG (widget);

  if (self->saving != NULL)
    g_cancellable_cancel (self->saving);
  else
    gtk_window_close (GTK_WINDOW (self));
}

/* --- class ---------------------------------------------------------------------------------- */

static void
tftsr_mcp_server_dialog_dispose (GObject *object)
{
  TftsrMcpServerDialog *self = TFTSR_MCP_SERVER_DIALOG (object);

  if (self->token_row != NULL)
    clear_secrets (self);
  g_cancellable_cancel (self->cancellable);
  tftsr_oauth_sign_in_clear (&self->sign_in);
  g_cancellable_cancel (self->saving);
  /* A new server that signed in but was never saved leaves no tokens behind. */
  if (self->signed_in_name != NULL && tftsr_mcp_check_name (self->signed_in_name, NULL))
    tftsr_mcp_store_forget_oauth_async (self->store, self->signed_in_name, NULL, NULL, NULL);
  g_clear_pointer (&self->signed_in_name, g_free);
  g_clear_object (&self->saving);
  gtk_widget_dispose_template (GTK_WIDGET (self), TFTSR_TYPE_MCP_SERVER_DIALOG);
  G_OBJECT_CLASS (tftsr_mcp_server_dialog_parent_class)->dispose (object);
}

static void
tftsr_mcp_server_dialog_finalize (GObject *object)
{
  TftsrMcpServerDialog *self = TFTSR_MCP_SERVER_DIALOG (object);

  g_clear_object (&self->store);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->server, tftsr_mcp_server_free);
  for (ListKind kind = 0; kind < N_LISTS; kind++)
    g_ptr_array_unref (self->rows[kind]);
  G_OBJECT_CLASS (tftsr_mcp_server_dialog_parent_class)->finalize (object);
}

static void
tftsr_mcp_server_dialog_class_init (TftsrMcpServerDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tftsr_mcp_server_dialog_dispose;
  object_class->finalize = tftsr_mcp_server_dialog_finalize;

  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                 NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[FAILED] = g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                  NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
  signals[SIGNED_IN] = g_signal_new ("signed-in", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                     NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);

  gtk_widget_class_set_template_from_resource (widget_class, TFTSR_RESOURCE_PATH
                                               "/ui/tftsr-mcp-server-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, TftsrMcpServerDialog, scroller);
  gtk_widget_class_bind_template_child (widget_class, TftsrMcpServerDialog, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, TftsrMcpServerDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, TftsrMcpServerDialog, save_stack);
  gtk_widget_class_bind_template_child (widget_class, TftsrMcpServerDialog, save_spinner);
  gtk_widget_class_bind_template_child (widget_class, TftsrMcpServerDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, TftsrMcpServerDialog, transport_row);
  gtk_widget_class_bind_template_child (widget_class, TftsrMcpServerDialog, timeout_spin);
  gtk_widget_class_bind_template_child (widget_class, TftsrMcpServerDialog, command_group);
  gtk_widget_class_bind_template_child (widget_class, TftsrMcpServerDialog, command_row);
  for (ListKind kind = 0; kind < N_LISTS; kind++)
    gtk_widget_class_bind_template_child_full (widget_class, list_groups[kind], FALSE,
                                               G_STRUCT_OFFSET (TftsrMcpServerDialog, groups) +
                                                   kind * sizeof (AdwPreferencesGroup *));
  gtk_widget_class_bind_template_child (widget_class, TftsrMcpServerDialog, http_group);
  gtk_widget_class_bind_template_child (widget_class, TftsrMcpServerDialog, url_row);
  gtk_widget_class_bind_template_child (widget_class, TftsrMcpServerDialog, auth_group);
  gtk_widget_class_bind_template_child (widget_class, TftsrMcpServerDialog, auth_row);
  gtk_widget_class_bind_template_child (widget_class, TftsrMcpServerDialog, api_key_header_row);
  gtk_widget_class_bind_template_child (widget_class, TftsrMcpServerDialog, token_row);
  tftsr_oauth_sign_in_bind_template (widget_class, G_STRUCT_OFFSET (TftsrMcpServerDialog, sign_in));
  gtk_widget_class_bind_template_callback (widget_class, on_transport_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_auth_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activated);

  gtk_widget_class_install_action (widget_class, "server.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "server.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "server.sign-in", NULL, sign_in_action);
  gtk_widget_class_install_action (widget_class, "server.choose-command", NULL,
                                   choose_command_action);
  gtk_widget_class_install_action (widget_class, "server.add-argument", NULL, add_list_action);
  gtk_widget_class_install_action (widget_class, "server.add-env", NULL, add_list_action);
  gtk_widget_class_install_action (widget_class, "server.add-secret-env", NULL, add_list_action);
  gtk_widget_class_install_action (widget_class, "server.add-header", NULL, add_list_action);
  gtk_widget_class_install_action (widget_class, "server.add-secret-header", NULL, add_list_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK,
                                       "server.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "server.cancel", NULL);
}

static void
tftsr_mcp_server_dialog_init (TftsrMcpServerDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  for (ListKind kind = 0; kind < N_LISTS; kind++)
    self->rows[kind] = g_ptr_array_new ();
}

TftsrMcpServerDialog *
tftsr_mcp_server_dialog_new (GtkWindow *parent, TftsrStore *store, const TftsrMcpServer *server)
{
  TftsrMcpServerDialog *self;

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);

  self = g_object_new (TFTSR_TYPE_MCP_SERVER_DIALOG, "transient-for", parent, "title",
                       server != NULL ? _ ("Edit MCP Server") : _ ("Add MCP Server"), NULL);
  self->store = g_object_ref (store);
  self->server = server != NULL ? tftsr_mcp_server_copy (server) : NULL;
  fill (self);
  if (server != NULL && server->transport == TFTSR_MCP_TRANSPORT_HTTP)
    {
      tftsr_mcp_store_has_token_async (store, server->name, FALSE, self->cancellable, token_known,
                                       g_object_ref (self));
      if (server->auth == TFTSR_MCP_AUTH_OAUTH)
        tftsr_mcp_store_has_token_async (store, server->name, TRUE, self->cancellable, oauth_known,
                                         g_object_ref (self));
    }
  if (server == NULL)
    gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
  else
    gtk_widget_grab_focus (GTK_WIDGET (
        server->transport == TFTSR_MCP_TRANSPORT_STDIO ? self->command_row : self->url_row));
  return self;
}
