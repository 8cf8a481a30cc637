/* tftsr-mcp-server-window.c
 *
 * A discovery runs in a worker (the page may hand over the one it just made); its tools,
 * resources and the server's greeting are shown as they came, every text of the server's
 * escaped. The log is the bounded error output the core keeps of the server's latest run
 * in this process, read again on Refresh and after each discovery.
 *
 * The tools always allowed are read in a worker, and again after each revocation; each
 * tool row carries a hidden "Always allowed · Revoke" part shown when its tool is among
 * them. An allowed tool the server did not offer (or that no discovery listed yet) gets a
 * row of its own, so every standing permission can be taken back here.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>
#include <json-c/json.h>
#include <string.h>

#include "tftsr-app-format.h"
#include "tftsr-mcp-server-window.h"

struct _TftsrMcpServerWindow
{
  AdwWindow parent_instance;

  TftsrStore *store;
  TftsrMcpServer *server;
  GCancellable *discovering; /* the discovery in flight, or NULL */
  GPtrArray *rows;           /* tool and resource rows, rebuilt on each discovery */
  GCancellable *cancellable; /* reads of the allowed tools; cancelled when closed */
  GHashTable *allowed;       /* tool name → TftsrMcpAllowedTool; NULL until read */
  GPtrArray *allowed_rows;   /* rows of allowed tools not among the tool rows */
  guint loads;               /* reads of the allowed tools started: only the newest counts */

  AdwToastOverlay *toast_overlay;
  AdwViewSwitcherTitle *switcher_title;
  GtkStack *discover_stack;
  GtkSpinner *discover_spinner;
  GtkButton *discover_button;
  GtkRevealer *error_revealer;
  GtkLabel *error_label;
  AdwViewStack *view_stack;
  AdwPreferencesGroup *tools_group;
  AdwActionRow *tools_empty_row;
  AdwPreferencesGroup *resources_group;
  AdwActionRow *resources_empty_row;
  GtkLabel *log_caption;
  GtkTextView *log_view;
};

G_DEFINE_FINAL_TYPE (TftsrMcpServerWindow, tftsr_mcp_server_window, ADW_TYPE_WINDOW)

enum
{
  DISCOVERED,
  ALLOWED_SHOWN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Text of the server, for a label or a row (escaped when @markup). */
static char *
shown (const char *text, gboolean markup)
{
  g_autofree char *display = tftsr_display_text (text != NULL ? text : "");
  return markup ? g_markup_escape_text (display, -1) : g_steal_pointer (&display);
}

/* A JSON object's text indented for reading; the text itself when it does not parse. */
static char *
pretty_json (const char *text)
{
  json_object *object = json_tokener_parse (text);
  char *pretty;

  if (object == NULL)
    return g_strdup (text);
  pretty = g_strdup (json_object_to_json_string_ext (
      object, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE));
  json_object_put (object);
  return pretty;
}

static void
show_error (TftsrMcpServerWindow *self, const char *message)
{
  g_autofree char *text = message != NULL ? shown (message, FALSE) : NULL;

  gtk_label_set_text (self->error_label, text != NULL ? text : "");
  gtk_revealer_set_reveal_child (self->error_revealer, message != NULL);
}

static void
refresh_log (TftsrMcpServerWindow *self)
{
  g_autofree char *log = tftsr_mcp_dup_server_log (self->server->name);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->log_view);
  GtkTextMark *end_mark = gtk_text_buffer_get_mark (buffer, "log-end");
  GtkTextIter end;

  gtk_text_buffer_set_text (buffer, log, -1);
  gtk_label_set_text (
      self->log_caption,
      *log != '\0' ? _ ("What the server wrote to its error output in its latest run here, the "
                        "newest 64 KiB")
                   : _ ("Nothing written yet: the server has not run since tftsr started, or "
                        "it wrote nothing to its error output"));
  /* The newest lines in view, once the text is laid out (a mark waits for that). */
  gtk_text_buffer_get_end_iter (buffer, &end);
  if (end_mark == NULL)
    end_mark = gtk_text_buffer_create_mark (buffer, "log-end", &end, FALSE);
  else
    gtk_text_buffer_move_mark (buffer, end_mark, &end);
  gtk_text_view_scroll_to_mark (self->log_view, end_mark, 0, FALSE, 0, 0);
}

/* --- what the server offers ------------------------------------------------------------- */

static GtkWidget *
text_label (const char *text, const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

/* "Always allowed" and a Revoke button for @tool, hidden until it is. */
static GtkWidget *
allowed_part (const char *tool)
{
  g_autofree char *name = shown (tool, FALSE);
  g_autofree char *label = g_strdup_printf (_ ("Revoke “always allow” for “%s”"), name);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *text = gtk_label_new (_ ("Always allowed"));
  GtkWidget *revoke = gtk_button_new_with_mnemonic (_ ("_Revoke"));

  gtk_widget_add_css_class (text, "dim-label");
  gtk_widget_set_valign (revoke, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (revoke, _ ("Ask before each call of this tool again"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (revoke), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (revoke), "server.revoke");
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (revoke), g_variant_new_string (tool));
  gtk_widget_set_name (revoke, "revoke");
  gtk_box_append (GTK_BOX (box), text);
  gtk_box_append (GTK_BOX (box), revoke);
  gtk_widget_set_visible (box, FALSE);
  return box;
}

static GtkWidget *
tool_row (const TftsrMcpTool *tool)
{
  GtkWidget *row = adw_expander_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  g_autofree char *title = shown (tool->name, TRUE);
  g_autofree char *schema = pretty_json (tool->input_schema);
  g_autofree char *schema_text = shown (schema, FALSE);
  const char *summary = tool->title != NULL ? tool->title : tool->description;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (summary != NULL)
    {
      g_autofree char *first = g_strdup (summary);
      g_autofree char *subtitle = NULL;
      char *newline = strchr (first, '\n');

      if (newline != NULL)
        *newline = '\0';
      subtitle = shown (first, TRUE);
      adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), subtitle);
    }
  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  if (tool->description != NULL)
    {
      g_autofree char *description = shown (tool->description, FALSE);
      gtk_box_append (GTK_BOX (box), text_label (description, NULL));
    }
  gtk_box_append (GTK_BOX (box), text_label (_ ("Input schema"), "heading"));
  gtk_box_append (GTK_BOX (box), text_label (schema_text, "monospace"));
  adw_expander_row_add_row (ADW_EXPANDER_ROW (row), box);
  g_object_set_data_full (G_OBJECT (row), "tool", g_strdup (tool->name), g_free);
  box = allowed_part (tool->name);
  adw_expander_row_add_action (ADW_EXPANDER_ROW (row), box);
  g_object_set_data (G_OBJECT (row), "allowed", box);
  return row;
}

/* A row for a tool always allowed that no tool row shows. */
static GtkWidget *
allowed_row (const TftsrMcpAllowedTool *allowed)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *part = allowed_part (allowed->tool);
  g_autofree char *title = shown (allowed->tool, TRUE);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                               _ ("Not among the tools the server offered at its last discovery"));
  gtk_widget_set_visible (part, TRUE);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), part);
  g_object_set_data_full (G_OBJECT (row), "tool", g_strdup (allowed->tool), g_free);
  g_object_set_data (G_OBJECT (row), "allowed", part);
  return row;
}

static GtkWidget *
resource_row (const TftsrMcpResource *resource)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *title = shown (resource->title != NULL ? resource->title : resource->name, TRUE);
  g_autofree char *uri = shown (resource->uri, FALSE);
  g_autofree char *subtitle = NULL;

  if (resource->mime_type != NULL)
    {
      g_autofree char *mime = shown (resource->mime_type, FALSE);
      g_autofree char *text = g_strdup_printf ("%s · %s", uri, mime);
      subtitle = g_markup_escape_text (text, -1);
    }
  else
    subtitle = g_markup_escape_text (uri, -1);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  adw_preferences_row_set_title_selectable (ADW_PREFERENCES_ROW (row), TRUE);
  if (resource->description != NULL)
    {
      g_autofree char *description = shown (resource->description, FALSE);
      gtk_widget_set_tooltip_text (row, description);
    }
  return row;
}

static void
clear_rows (GPtrArray *rows)
{
  for (guint i = 0; i < rows->len; i++)
    {
      GtkWidget *row = rows->pdata[i];
      adw_preferences_group_remove (
          ADW_PREFERENCES_GROUP (gtk_widget_get_ancestor (row, ADW_TYPE_PREFERENCES_GROUP)), row);
    }
  g_ptr_array_set_size (rows, 0);
}

/* Shows which tools are always allowed: the part of their rows, or rows of their own. */
static void
show_allowed (TftsrMcpServerWindow *self)
{
  g_autoptr (GHashTable) unshown = NULL;
  GHashTableIter iter;
  gpointer allowed;

  clear_rows (self->allowed_rows);
  if (self->allowed == NULL)
    return;
  unshown = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_iter_init (&iter, self->allowed);
  while (g_hash_table_iter_next (&iter, NULL, &allowed))
    g_hash_table_add (unshown, ((TftsrMcpAllowedTool *) allowed)->tool);
  for (guint i = 0; i < self->rows->len; i++)
    {
      const char *tool = g_object_get_data (self->rows->pdata[i], "tool");
      GtkWidget *part = g_object_get_data (self->rows->pdata[i], "allowed");

      if (part == NULL)
        continue;
      gtk_widget_set_sensitive (part, TRUE);
      gtk_widget_set_visible (part, g_hash_table_remove (unshown, tool));
    }
  g_hash_table_iter_init (&iter, self->allowed);
  while (g_hash_table_iter_next (&iter, NULL, &allowed))
    if (g_hash_table_contains (unshown, ((TftsrMcpAllowedTool *) allowed)->tool))
      {
        GtkWidget *row = allowed_row (allowed);
        adw_preferences_group_add (self->tools_group, row);
        g_ptr_array_add (self->allowed_rows, row);
      }
}

static void
show_discovery (TftsrMcpServerWindow *self, const TftsrMcpDiscovery *discovery)
{
  g_autoptr (GString) about = g_string_new (NULL);

  clear_rows (self->allowed_rows);
  clear_rows (self->rows);
  /* Translators: %s is the name of an MCP server as configured */
  g_string_append_printf (about, _ ("“%s”: "), self->server->name);
  if (discovery->server_name != NULL)
    {
      g_string_append (about, discovery->server_name);
      if (discovery->server_version != NULL)
        g_string_append_printf (about, " %s", discovery->server_version);
      g_string_append (about, " · ");
    }
  /* Translators: %s is a protocol revision, such as 2025-11-25 */
  g_string_append_printf (about, _ ("protocol %s"), discovery->protocol_version);
  {
    g_autofree char *text = shown (about->str, TRUE);
    adw_preferences_group_set_description (self->tools_group, text);
  }
  for (guint i = 0; i < discovery->tools->len; i++)
    {
      GtkWidget *row = tool_row (discovery->tools->pdata[i]);
      adw_preferences_group_add (self->tools_group, row);
      g_ptr_array_add (self->rows, row);
    }
  for (guint i = 0; i < discovery->resources->len; i++)
    {
      GtkWidget *row = resource_row (discovery->resources->pdata[i]);
      adw_preferences_group_add (self->resources_group, row);
      g_ptr_array_add (self->rows, row);
    }
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->tools_empty_row),
                                 _ ("The server offers no tools"));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->resources_empty_row),
                                 _ ("The server offers no resources"));
  gtk_widget_set_visible (GTK_WIDGET (self->tools_empty_row), discovery->tools->len == 0);
  gtk_widget_set_visible (GTK_WIDGET (self->resources_empty_row), discovery->resources->len == 0);
  show_allowed (self);
}

/* --- discovery --------------------------------------------------------------------------- */

static void
show_discovering (TftsrMcpServerWindow *self)
{
  gboolean busy = self->discovering != NULL;

  gtk_stack_set_visible_child_name (self->discover_stack, busy ? "spinner" : "label");
  gtk_spinner_set_spinning (self->discover_spinner, busy);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->discover_button),
                               busy ? _ ("Stop the discovery")
                                    : _ ("Ask the server again what it offers"));
}

typedef struct
{
  TftsrMcpServerWindow *self;
  GCancellable *discovering;
} Discover;

static void
discovered (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Discover *job = user_data;
  g_autoptr (TftsrMcpServerWindow) self = job->self;
  g_autoptr (GCancellable) discovering = job->discovering;
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrMcpDiscovery) discovery =
      tftsr_mcp_discover_finish (TFTSR_STORE (source), result, &error);

  g_free (job);
  if (self->discovering != discovering)
    return; /* closed meanwhile */
  g_clear_object (&self->discovering);
  show_discovering (self);
  refresh_log (self);
  if (discovery != NULL)
    {
      show_error (self, NULL);
      show_discovery (self, discovery);
    }
  else
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, _ ("The discovery was stopped."));
      else
        {
          g_autofree char *text =
              g_strdup_printf (_ ("The server could not be discovered: %s"), error->message);
          show_error (self, text);
        }
      if (self->rows->len == 0)
        {
          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->tools_empty_row),
                                         _ ("Not known: the discovery failed"));
          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->resources_empty_row),
                                         _ ("Not known: the discovery failed"));
        }
    }
  g_signal_emit (self, signals[DISCOVERED], 0, discovery != NULL);
}

static void
discover (TftsrMcpServerWindow *self)
{
  Discover *job = g_new0 (Discover, 1);

  self->discovering = g_cancellable_new ();
  job->self = g_object_ref (self);
  job->discovering = g_object_ref (self->discovering);
  show_discovering (self);
  tftsr_mcp_discover_async (self->store, self->server->name, self->discovering, discovered, job);
}

static void
discover_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TftsrMcpServerWindow *self = TFTSR_MCP_SERVER_WINDOW (widget);

  if (self->discovering != NULL)
    g_cancellable_cancel (self->discovering);
  else
    discover (self);
}

static void
refresh_log_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  refresh_log (TFTSR_MCP_SERVER_WINDOW (widget));
}

/* --- tools always allowed ---------------------------------------------------------------- */

typedef struct
{
  TftsrMcpServerWindow *self;
  guint load;
  char *tool; /* a revocation's */
} Job;

static void
job_free (Job *job)
{
  g_object_unref (job->self);
  g_free (job->tool);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Job, job_free)

static Job *
job_new (TftsrMcpServerWindow *self, const char *tool)
{
  Job *job = g_new0 (Job, 1);

  job->self = g_object_ref (self);
  job->tool = g_strdup (tool);
  return job;
}

/* A toast of @text, which may hold the server's text: a toast's title is markup. */
static void
toast (TftsrMcpServerWindow *self, const char *text)
{
  g_autofree char *markup = shown (text, TRUE);

  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (markup));
}

static void
allowed_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (Job) job = user_data;
  TftsrMcpServerWindow *self = job->self;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) tools =
      tftsr_mcp_store_list_allowed_tools_finish (TFTSR_STORE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || job->load != self->loads)
    return;
  if (tools == NULL)
    {
      toast (self, error->message);
      return;
    }
  g_clear_pointer (&self->allowed, g_hash_table_unref);
  self->allowed = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                         (GDestroyNotify) tftsr_mcp_allowed_tool_free);
  for (guint i = 0; i < tools->len; i++)
    g_hash_table_replace (self->allowed, ((TftsrMcpAllowedTool *) tools->pdata[i])->tool,
                          tools->pdata[i]);
  /* The table owns them now. */
  g_ptr_array_set_free_func (tools, NULL);
  show_allowed (self);
  g_signal_emit (self, signals[ALLOWED_SHOWN], 0);
}

static void
load_allowed (TftsrMcpServerWindow *self)
{
  Job *job = job_new (self, NULL);

  job->load = ++self->loads;
  tftsr_mcp_store_list_allowed_tools_async (self->store, self->server->name, self->cancellable,
                                            allowed_loaded, job);
}

static void
revoked (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (Job) job = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;

  if (tftsr_mcp_store_revoke_tool_finish (TFTSR_STORE (source), result, &error))
    text = g_strdup_printf (_ ("“%s” asks again before its next call"), job->tool);
  else
    text = g_strdup (error->message);
  toast (job->self, text);
  /* What is stored now, whatever the outcome. */
  load_allowed (job->self);
}

static void
revoke_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TftsrMcpServerWindow *self = TFTSR_MCP_SERVER_WINDOW (widget);
  const char *tool = g_variant_get_string (parameter, NULL);

  /* No second click while the first is on its way. */
  for (guint i = 0; i < self->rows->len; i++)
    if (g_strcmp0 (g_object_get_data (self->rows->pdata[i], "tool"), tool) == 0)
      gtk_widget_set_sensitive (g_object_get_data (self->rows->pdata[i], "allowed"), FALSE);
  for (guint i = 0; i < self->allowed_rows->len; i++)
    if (g_strcmp0 (g_object_get_data (self->allowed_rows->pdata[i], "tool"), tool) == 0)
      gtk_widget_set_sensitive (g_object_get_data (self->allowed_rows->pdata[i], "allowed"), FALSE);
  /* Not cancelled with the window: a revocation once asked for completes. */
  tftsr_mcp_store_revoke_tool_async (self->store, self->server->name, tool, NULL, revoked,
                                     job_new (self, tool));
}

/* --- class ------------------------------------------------------------------------------- */

static void
tftsr_mcp_server_window_dispose (GObject *object)
{
  TftsrMcpServerWindow *self = TFTSR_MCP_SERVER_WINDOW (object);

  g_cancellable_cancel (self->discovering);
  g_clear_object (&self->discovering);
  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), TFTSR_TYPE_MCP_SERVER_WINDOW);
  G_OBJECT_CLASS (tftsr_mcp_server_window_parent_class)->dispose (object);
}

static void
tftsr_mcp_server_window_finalize (GObject *object)
{
  TftsrMcpServerWindow *self = TFTSR_MCP_SERVER_WINDOW (object);

  g_clear_object (&self->store);
  g_clear_pointer (&self->server, tftsr_mcp_server_free);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->allowed, g_hash_table_unref);
  g_ptr_array_unref (self->rows);
  g_ptr_array_unref (self->allowed_rows);
  G_OBJECT_CLASS (tftsr_mcp_server_window_parent_class)->finalize (object);
}

static void
tftsr_mcp_server_window_class_init (TftsrMcpServerWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tftsr_mcp_server_window_dispose;
  object_class->finalize = tftsr_mcp_server_window_finalize;

  signals[DISCOVERED] = g_signal_new ("discovered", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                      NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);
  signals[ALLOWED_SHOWN] = g_signal_new ("allowed-shown", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, TFTSR_RESOURCE_PATH
                                               "/ui/tftsr-mcp-server-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TftsrMcpServerWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, TftsrMcpServerWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, TftsrMcpServerWindow, discover_stack);
  gtk_widget_class_bind_template_child (widget_class, TftsrMcpServerWindow, discover_spinner);
  gtk_widget_class_bind_template_child (widget_class, TftsrMcpServerWindow, discover_button);
  gtk_widget_class_bind_template_child (widget_class, TftsrMcpServerWindow, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, TftsrMcpServerWindow, error_label);
  gtk_widget_class_bind_template_child (widget_class, TftsrMcpServerWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, TftsrMcpServerWindow, tools_group);
  gtk_widget_class_bind_template_child (widget_class, TftsrMcpServerWindow, tools_empty_row);
  gtk_widget_class_bind_template_child (widget_class, TftsrMcpServerWindow, resources_group);
  gtk_widget_class_bind_template_child (widget_class, TftsrMcpServerWindow, resources_empty_row);
  gtk_widget_class_bind_template_child (widget_class, TftsrMcpServerWindow, log_caption);
  gtk_widget_class_bind_template_child (widget_class, TftsrMcpServerWindow, log_view);

  gtk_widget_class_install_action (widget_class, "server.discover", NULL, discover_action);
  gtk_widget_class_install_action (widget_class, "server.refresh-log", NULL, refresh_log_action);
  gtk_widget_class_install_action (widget_class, "server.revoke", "s", revoke_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "server.refresh-log", NULL);
}

static void
tftsr_mcp_server_window_init (TftsrMcpServerWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->rows = g_ptr_array_new ();
  self->allowed_rows = g_ptr_array_new ();
  self->cancellable = g_cancellable_new ();
}

TftsrMcpServerWindow *
tftsr_mcp_server_window_new (GtkWindow *parent, TftsrStore *store, const TftsrMcpServer *server,
                             TftsrMcpDiscovery *discovery)
{
  TftsrMcpServerWindow *self;
  g_autoptr (TftsrMcpDiscovery) given = discovery;
  g_autofree char *name = NULL;

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);
  g_return_val_if_fail (server != NULL, NULL);

  name = shown (server->name, FALSE);
  self = g_object_new (TFTSR_TYPE_MCP_SERVER_WINDOW, "transient-for", parent, "title", name, NULL);
  self->store = g_object_ref (store);
  self->server = tftsr_mcp_server_copy (server);
  /* Shown in place of the view switcher when the window is narrow. */
  adw_view_switcher_title_set_title (self->switcher_title, name);
  adw_view_switcher_title_set_subtitle (self->switcher_title, _ ("MCP server"));
  refresh_log (self);
  load_allowed (self);
  if (given != NULL)
    show_discovery (self, given);
  else if (server->enabled)
    discover (self);
  else
    {
      show_error (self, _ ("The server is disabled: enable it to see what it offers."));
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "server.discover", FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->tools_empty_row),
                                     _ ("Not known: the server is disabled"));
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->resources_empty_row),
                                     _ ("Not known: the server is disabled"));
    }
  return self;
}
