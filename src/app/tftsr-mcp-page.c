/* tftsr-mcp-page.c
 *
 * The list is what the registry says: servers are loaded in a worker, and every change
 * (add, edit, remove, enable, a discovery's outcome) loads them again, so a refused change
 * shows the stored state with the reason as a toast. Discoveries run in workers, each with
 * a spinner in its row; a second click stops one, and all stop when the window closes. The
 * tools and resources a discovery found are handed to the details window when it is opened
 * next, so it need not start the server again. The tool rounds per reply are read and saved
 * in workers too, each change at once, as the other preferences are.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>

#include "tftsr-app-format.h"
#include "tftsr-confirm-dialog.h"
#include "tftsr-mcp-page.h"
#include "tftsr-mcp-server-dialog.h"
#include "tftsr-mcp-server-window.h"
#include "tftsr-preferences-window.h"
#include "tftsr-settings-row.h"

struct _TftsrMcpPage
{
  AdwPreferencesPage parent_instance;

  TftsrStore *store;
  GCancellable *cancellable; /* replaced when the page leaves its window */
  GPtrArray *servers;        /* TftsrMcpServer, as shown */
  GPtrArray *rows;
  GHashTable *discovering; /* name → GCancellable of the discovery running */
  GHashTable *discovered;  /* name → TftsrMcpDiscovery, for the details window */
  guint loads;             /* loads started: only the newest is shown */

  gboolean rounds_filling; /* the spin button is being set from the store: no save */
  gboolean rounds_edited;  /* the stored value arriving late must not undo an edit */
  gboolean rounds_saving;  /* one save at a time, so the last value chosen is the one kept */
  gboolean rounds_again;   /* changed while saving: save once more after */

  AdwPreferencesGroup *servers_group;
  AdwActionRow *empty_row;
  GtkSpinButton *rounds_spin;
};

G_DEFINE_FINAL_TYPE (TftsrMcpPage, tftsr_mcp_page, ADW_TYPE_PREFERENCES_PAGE)

enum
{
  LOADED,
  DISCOVERED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void load (TftsrMcpPage *self);

typedef struct
{
  TftsrMcpPage *self;
  char *name;
  GCancellable *cancellable; /* a discovery's */
  GCancellable *page;        /* the page's, which stops it too */
  gulong handler;
} Job;

static Job *
job_new (TftsrMcpPage *self, const char *name)
{
  Job *job = g_new0 (Job, 1);

  job->self = g_object_ref (self);
  job->name = g_strdup (name);
  return job;
}

static void
job_free (Job *job)
{
  g_object_unref (job->self);
  g_free (job->name);
  if (job->handler != 0)
    g_cancellable_disconnect (job->page, job->handler);
  g_clear_object (&job->page);
  g_clear_object (&job->cancellable);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Job, job_free)

static void
toast (TftsrMcpPage *self, const char *text)
{
  tftsr_preferences_window_toast (GTK_WIDGET (self), text);
}

static const TftsrMcpServer *
server_by_name (TftsrMcpPage *self, const char *name)
{
  for (guint i = 0; self->servers != NULL && i < self->servers->len; i++)
    {
      const TftsrMcpServer *server = self->servers->pdata[i];
      if (g_strcmp0 (server->name, name) == 0)
        return server;
    }
  return NULL;
}

static GtkWidget *
row_by_name (TftsrMcpPage *self, const char *name)
{
  for (guint i = 0; i < self->rows->len; i++)
    if (g_strcmp0 (g_object_get_data (self->rows->pdata[i], "name"), name) == 0)
      return self->rows->pdata[i];
  return NULL;
}

/* --- rows -------------------------------------------------------------------------------- */

/* "Command · node · Disabled"
 * "Connected · 13 tools · 7 resources · 5 minutes ago" or "Unreachable: the reason". */
static char *
describe (const TftsrMcpServer *server)
{
  GString *text = g_string_new (NULL);

  if (server->transport == TFTSR_MCP_TRANSPORT_STDIO)
    {
      g_autofree char *program = g_path_get_basename (server->command);
      g_autofree char *shown = g_filename_display_name (program);
      g_string_append_printf (text, _ ("Command · %s"), shown);
    }
  else
    {
      g_autoptr (GUri) uri = g_uri_parse (server->url, G_URI_FLAGS_NONE, NULL);
      const char *host =
          uri != NULL && g_uri_get_host (uri) != NULL ? g_uri_get_host (uri) : server->url;
      g_string_append_printf (text, _ ("Streamable HTTP · %s"), host);
    }
  if (!server->enabled)
    g_string_append_printf (text, " · %s", _ ("Disabled"));
  g_string_append_c (text, '\n');
  g_string_append (text, tftsr_mcp_status_to_label (server->status));
  switch (server->status)
    {
    case TFTSR_MCP_STATUS_PENDING:
      g_string_append_printf (text, " · %s", _ ("Discover to see what it offers"));
      break;
    case TFTSR_MCP_STATUS_CONNECTED:
      if (server->n_tools >= 0)
        {
          g_string_append (text, " · ");
          g_string_append_printf (text, g_dngettext (NULL, "%d tool", "%d tools", server->n_tools),
                                  server->n_tools);
        }
      if (server->n_resources >= 0)
        {
          g_string_append (text, " · ");
          g_string_append_printf (
              text, g_dngettext (NULL, "%d resource", "%d resources", server->n_resources),
              server->n_resources);
        }
      if (server->status_at != NULL)
        {
          g_autofree char *when = tftsr_format_relative_time (server->status_at);
          g_string_append_printf (text, " · %s", when);
        }
      break;
    case TFTSR_MCP_STATUS_UNREACHABLE:
    case TFTSR_MCP_STATUS_ERROR:
    default:
      if (server->status_reason != NULL)
        g_string_append_printf (text, ": %s", server->status_reason);
      break;
    }
  return g_string_free (text, FALSE);
}

static void on_enabled_changed (GtkSwitch *toggle, GParamSpec *pspec, TftsrMcpPage *self);

static GtkWidget *
server_row (TftsrMcpPage *self, const TftsrMcpServer *server)
{
  g_autofree char *name = tftsr_display_text (server->name);
  g_autofree char *title = g_markup_escape_text (name, -1);
  g_autofree char *description = describe (server);
  g_autofree char *shown = tftsr_display_text (description);
  g_autofree char *subtitle = g_markup_escape_text (shown, -1);
  g_autofree char *discover_label = g_strdup_printf (_ ("Discover “%s”"), name);
  g_autofree char *switch_label = g_strdup_printf (_ ("Use “%s”"), name);
  g_autofree char *details_label = g_strdup_printf (_ ("Tools, resources and log of “%s”"), name);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *toggle = gtk_switch_new ();
  GtkWidget *details = gtk_button_new_from_icon_name ("go-next-symbolic");
  const char *icon = server->transport == TFTSR_MCP_TRANSPORT_STDIO ? "utilities-terminal-symbolic"
                                                                    : "network-server-symbolic";
  GtkWidget *image = gtk_image_new_from_icon_name (icon);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  gtk_accessible_update_property (GTK_ACCESSIBLE (image), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  server->transport == TFTSR_MCP_TRANSPORT_STDIO
                                      ? _ ("Started as a command")
                                      : _ ("Reached by URL"),
                                  -1);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), image);
  gtk_widget_add_css_class (row, "mcp-server");
  gtk_widget_add_css_class (row, tftsr_mcp_status_to_string (server->status));
  g_object_set_data_full (G_OBJECT (row), "name", g_strdup (server->name), g_free);

  tftsr_settings_row_add_buttons_full (
      row, "mcp", g_variant_new_string (server->name), name, "discover", _ ("Discover"),
      discover_label,
      g_hash_table_contains (self->discovering, server->name)
          ? _ ("Stop the discovery")
          : _ ("Start or reach the server and ask for its tools and resources; no incident "
               "content is sent"),
      g_hash_table_contains (self->discovering, server->name));
  gtk_widget_set_sensitive (g_object_get_data (G_OBJECT (row), "mcp.discover"), server->enabled);

  gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
  gtk_switch_set_active (GTK_SWITCH (toggle), server->enabled);
  gtk_widget_set_tooltip_text (toggle, server->enabled ? _ ("In use: disable to stop offering "
                                                            "its tools")
                                                       : _ ("Disabled: enable to use its tools"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (toggle), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  switch_label, -1);
  g_object_set_data_full (G_OBJECT (toggle), "name", g_strdup (server->name), g_free);
  g_signal_connect (toggle, "notify::active", G_CALLBACK (on_enabled_changed), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle);
  g_object_set_data (G_OBJECT (row), "mcp.enabled", toggle);

  gtk_widget_add_css_class (details, "flat");
  gtk_widget_set_valign (details, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (details, _ ("Tools, resources and log"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (details), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  details_label, -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (details), "mcp.details");
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (details),
                                          g_variant_new_string (server->name));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), details);
  g_object_set_data (G_OBJECT (row), "mcp.details", details);
  return row;
}

static void
fill (TftsrMcpPage *self)
{
  g_auto (TftsrSettingsRowsFocus) focus = { 0 };
  static const char *const parts[] = { "mcp.discover", "mcp.edit",    "mcp.remove",
                                       "mcp.enabled",  "mcp.details", NULL };

  /* The focus goes back to the same control of the same server's row. */
  tftsr_settings_rows_clear (self->servers_group, self->rows, "name", parts, &focus);
  for (guint i = 0; i < self->servers->len; i++)
    {
      const TftsrMcpServer *server = self->servers->pdata[i];

      tftsr_settings_rows_add (self->servers_group, self->rows, server_row (self, server),
                               server->name, &focus);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->empty_row), self->servers->len == 0);
}

/* --- loading ----------------------------------------------------------------------------- */

typedef struct
{
  TftsrMcpPage *self;
  guint load;
} Load;

static void
loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autofree Load *job = user_data;
  g_autoptr (TftsrMcpPage) self = job->self;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) servers =
      tftsr_mcp_store_list_servers_finish (TFTSR_STORE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || job->load != self->loads)
    return;
  if (servers == NULL)
    {
      toast (self, error->message);
      return;
    }
  g_clear_pointer (&self->servers, g_ptr_array_unref);
  self->servers = g_steal_pointer (&servers);
  fill (self);
  g_signal_emit (self, signals[LOADED], 0);
}

static void
load (TftsrMcpPage *self)
{
  Load *job = g_new0 (Load, 1);

  job->self = g_object_ref (self);
  job->load = ++self->loads;
  tftsr_mcp_store_list_servers_async (self->store, self->cancellable, loaded, job);
}

/* --- enabling ---------------------------------------------------------------------------- */

static void
enabled_set (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TftsrMcpPage) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!tftsr_mcp_store_set_enabled_finish (TFTSR_STORE (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      toast (self, error->message);
    }
  load (self);
}

static void
on_enabled_changed (GtkSwitch *toggle, GParamSpec *pspec, TftsrMcpPage *self)
{
  const char *name = g_object_get_data (G_OBJECT (toggle), "name");
  gboolean active = gtk_switch_get_active (toggle);
  GCancellable *running = g_hash_table_lookup (self->discovering, name);

  /* A disabled server is not discovered; its running clients are closed by the store. */
  if (!active && running != NULL)
    g_cancellable_cancel (running);
  tftsr_mcp_store_set_enabled_async (self->store, name, active, NULL, enabled_set,
                                     g_object_ref (self));
}

/* --- discovery --------------------------------------------------------------------------- */

static void
discovered (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (Job) job = user_data;
  TftsrMcpPage *self = job->self;
  g_autoptr (GError) error = NULL;
  TftsrMcpDiscovery *discovery = tftsr_mcp_discover_finish (TFTSR_STORE (source), result, &error);
  g_autofree char *text = NULL;
  GtkWidget *row;

  if (g_hash_table_lookup (self->discovering, job->name) == job->cancellable)
    g_hash_table_remove (self->discovering, job->name);
  if ((row = row_by_name (self, job->name)) != NULL)
    tftsr_settings_row_show_testing (row, FALSE);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      if (!g_cancellable_is_cancelled (self->cancellable))
        {
          text = g_strdup_printf (_ ("The discovery of “%s” was stopped"), job->name);
          toast (self, text);
          g_signal_emit (self, signals[DISCOVERED], 0, job->name, FALSE);
        }
      return;
    }
  if (discovery != NULL)
    {
      text = g_strdup_printf (
          g_dngettext (NULL, "“%s” offers %u tool", "“%s” offers %u tools", discovery->tools->len),
          job->name, discovery->tools->len);
      g_hash_table_replace (self->discovered, g_strdup (job->name), discovery);
    }
  else
    text = g_strdup_printf (_ ("“%s” could not be discovered: %s"), job->name, error->message);
  toast (self, text);
  g_signal_emit (self, signals[DISCOVERED], 0, job->name, discovery != NULL);
  /* The outcome is in the registry now. */
  load (self);
}

static void
cancel_discovery (GCancellable *page, GCancellable *discovery)
{
  g_cancellable_cancel (discovery);
}

static void
discover_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TftsrMcpPage *self = TFTSR_MCP_PAGE (widget);
  const char *name = g_variant_get_string (parameter, NULL);
  GCancellable *running = g_hash_table_lookup (self->discovering, name);
  GtkWidget *row = row_by_name (self, name);
  Job *job;

  if (running != NULL)
    {
      g_cancellable_cancel (running);
      return;
    }
  if (server_by_name (self, name) == NULL)
    return;
  job = job_new (self, name);
  job->cancellable = g_cancellable_new ();
  /* Stopped with the page, or by a second click. */
  job->page = g_object_ref (self->cancellable);
  job->handler = g_cancellable_connect (job->page, G_CALLBACK (cancel_discovery),
                                        g_object_ref (job->cancellable), g_object_unref);
  g_hash_table_replace (self->discovering, g_strdup (name), g_object_ref (job->cancellable));
  if (row != NULL)
    {
      tftsr_settings_row_show_testing (row, TRUE);
      gtk_widget_set_tooltip_text (g_object_get_data (G_OBJECT (row), "mcp.discover"),
                                   _ ("Stop the discovery"));
    }
  tftsr_mcp_discover_async (self->store, name, job->cancellable, discovered, job);
}

/* --- the other actions ------------------------------------------------------------------- */

static void
open_dialog (TftsrMcpPage *self, const TftsrMcpServer *server)
{
  TftsrMcpServerDialog *dialog = tftsr_mcp_server_dialog_new (
      GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), self->store, server);

  g_signal_connect_object (dialog, "saved", G_CALLBACK (load), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
add_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  open_dialog (TFTSR_MCP_PAGE (widget), NULL);
}

static void
edit_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TftsrMcpPage *self = TFTSR_MCP_PAGE (widget);
  const TftsrMcpServer *server = server_by_name (self, g_variant_get_string (parameter, NULL));

  if (server != NULL)
    open_dialog (self, server);
}

static void
on_window_discovered (TftsrMcpPage *self, gboolean ok)
{
  load (self);
}

static void
details_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TftsrMcpPage *self = TFTSR_MCP_PAGE (widget);
  const char *name = g_variant_get_string (parameter, NULL);
  const TftsrMcpServer *server = server_by_name (self, name);
  TftsrMcpDiscovery *discovery = NULL;
  TftsrMcpServerWindow *details;

  if (server == NULL)
    return;
  /* What the last discovery found is handed over; without it the window discovers. */
  g_hash_table_steal_extended (self->discovered, name, NULL, (gpointer *) &discovery);
  details = tftsr_mcp_server_window_new (GTK_WINDOW (gtk_widget_get_root (widget)), self->store,
                                         server, discovery);
  g_signal_connect_object (details, "discovered", G_CALLBACK (on_window_discovered), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (details));
}

static void
removed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TftsrMcpPage) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!tftsr_mcp_store_remove_server_finish (TFTSR_STORE (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      toast (self, error->message);
    }
  load (self);
}

static void
remove_answered (AdwMessageDialog *dialog, const char *response, Job *job)
{
  GCancellable *running;

  if (!g_str_equal (response, "remove"))
    return;
  if ((running = g_hash_table_lookup (job->self->discovering, job->name)) != NULL)
    g_cancellable_cancel (running);
  g_hash_table_remove (job->self->discovered, job->name);
  /* Not cancelled with the page: a removal once confirmed completes. */
  tftsr_mcp_store_remove_server_async (job->self->store, job->name, NULL, removed,
                                       g_object_ref (job->self));
}

static void
remove_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TftsrMcpPage *self = TFTSR_MCP_PAGE (widget);
  const TftsrMcpServer *server = server_by_name (self, g_variant_get_string (parameter, NULL));

  if (server == NULL)
    return;
  tftsr_confirm_remove (
      widget, server->name,
      _ ("Its settings, secret values and sign-in tokens are deleted, and a running server "
         "is stopped. The triage assistant can no longer use its tools."),
      G_CALLBACK (remove_answered), job_new (self, server->name), (GDestroyNotify) job_free);
}

/* --- tool rounds ------------------------------------------------------------------------ */

static void
rounds_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TftsrMcpPage) self = user_data;
  guint rounds = tftsr_mcp_get_tool_rounds_finish (TFTSR_STORE (source), result, NULL);

  if (rounds == 0 || self->rounds_edited)
    return;
  self->rounds_filling = TRUE;
  gtk_spin_button_set_value (self->rounds_spin, rounds);
  self->rounds_filling = FALSE;
}

static void save_rounds (TftsrMcpPage *self);

static void
rounds_saved (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TftsrMcpPage) self = user_data;
  g_autoptr (GError) error = NULL;

  gboolean ok = tftsr_mcp_set_tool_rounds_finish (TFTSR_STORE (source), result, &error);

  self->rounds_saving = FALSE;
  /* A newer value supersedes this one, kept or refused. */
  if (self->rounds_again)
    {
      save_rounds (self);
      return;
    }
  if (ok || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  /* Refused: say why and show what is stored. */
  toast (self, error->message);
  self->rounds_edited = FALSE;
  tftsr_mcp_get_tool_rounds_async (self->store, self->cancellable, rounds_loaded,
                                   g_object_ref (self));
}

static void
save_rounds (TftsrMcpPage *self)
{
  self->rounds_saving = TRUE;
  self->rounds_again = FALSE;
  /* Not cancelled with the page: a value once chosen is kept. */
  tftsr_mcp_set_tool_rounds_async (self->store,
                                   (guint) gtk_spin_button_get_value_as_int (self->rounds_spin),
                                   NULL, rounds_saved, g_object_ref (self));
}

static void
on_rounds_changed (TftsrMcpPage *self)
{
  if (self->rounds_filling || self->store == NULL)
    return;
  self->rounds_edited = TRUE;
  /* Saves in workers may finish in any order: a change made meanwhile waits its turn. */
  if (self->rounds_saving)
    self->rounds_again = TRUE;
  else
    save_rounds (self);
}

/* --- class ------------------------------------------------------------------------------- */

static void
tftsr_mcp_page_unroot (GtkWidget *widget)
{
  TftsrMcpPage *self = TFTSR_MCP_PAGE (widget);

  g_cancellable_cancel (self->cancellable);
  g_object_unref (self->cancellable);
  self->cancellable = g_cancellable_new ();
  GTK_WIDGET_CLASS (tftsr_mcp_page_parent_class)->unroot (widget);
}

static void
tftsr_mcp_page_dispose (GObject *object)
{
  TftsrMcpPage *self = TFTSR_MCP_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), TFTSR_TYPE_MCP_PAGE);
  G_OBJECT_CLASS (tftsr_mcp_page_parent_class)->dispose (object);
}

static void
tftsr_mcp_page_finalize (GObject *object)
{
  TftsrMcpPage *self = TFTSR_MCP_PAGE (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  g_clear_pointer (&self->servers, g_ptr_array_unref);
  g_ptr_array_unref (self->rows);
  g_hash_table_unref (self->discovering);
  g_hash_table_unref (self->discovered);
  G_OBJECT_CLASS (tftsr_mcp_page_parent_class)->finalize (object);
}

static void
tftsr_mcp_page_class_init (TftsrMcpPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tftsr_mcp_page_dispose;
  object_class->finalize = tftsr_mcp_page_finalize;
  widget_class->unroot = tftsr_mcp_page_unroot;

  signals[LOADED] = g_signal_new ("loaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                  NULL, NULL, G_TYPE_NONE, 0);
  signals[DISCOVERED] =
      g_signal_new ("discovered", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                    G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_BOOLEAN);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               TFTSR_RESOURCE_PATH "/ui/tftsr-mcp-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TftsrMcpPage, servers_group);
  gtk_widget_class_bind_template_child (widget_class, TftsrMcpPage, empty_row);
  gtk_widget_class_bind_template_child (widget_class, TftsrMcpPage, rounds_spin);
  gtk_widget_class_bind_template_callback (widget_class, on_rounds_changed);

  gtk_widget_class_install_action (widget_class, "mcp.add", NULL, add_action);
  gtk_widget_class_install_action (widget_class, "mcp.edit", "s", edit_action);
  gtk_widget_class_install_action (widget_class, "mcp.discover", "s", discover_action);
  gtk_widget_class_install_action (widget_class, "mcp.details", "s", details_action);
  gtk_widget_class_install_action (widget_class, "mcp.remove", "s", remove_action);
}

static void
tftsr_mcp_page_init (TftsrMcpPage *self)
{
  self->rounds_filling = TRUE;
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_spin_button_set_range (self->rounds_spin, 1, TFTSR_MCP_MAX_TOOL_ROUNDS);
  gtk_spin_button_set_value (self->rounds_spin, TFTSR_MCP_DEFAULT_TOOL_ROUNDS);
  self->rounds_filling = FALSE;
  self->cancellable = g_cancellable_new ();
  self->rows = g_ptr_array_new ();
  self->discovering = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->discovered = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) tftsr_mcp_discovery_free);
}

TftsrMcpPage *
tftsr_mcp_page_new (TftsrStore *store)
{
  TftsrMcpPage *self;

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);
  self = g_object_new (TFTSR_TYPE_MCP_PAGE, NULL);
  self->store = g_object_ref (store);
  load (self);
  tftsr_mcp_get_tool_rounds_async (store, self->cancellable, rounds_loaded, g_object_ref (self));
  return self;
}
