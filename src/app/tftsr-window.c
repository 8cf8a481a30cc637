/* tftsr-window.c: the main window: incident list beside the incident page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>

#include "tftsr-app-format.h"
#include "tftsr-application.h"
#include "tftsr-attachments-window.h"
#include "tftsr-issue-page.h"
#include "tftsr-issue-row.h"
#include "tftsr-new-issue-dialog.h"
#include "tftsr-preferences-window.h"
#include "tftsr-window.h"

struct _TftsrWindow
{
  AdwApplicationWindow parent_instance;

  GSettings *settings;
  TftsrStore *store;
  TftsrIssueList *issues;
  GtkSingleSelection *selection;
  GCancellable *cancellable;
  gboolean selecting; /* the selection is being restored, not changed by the user */
  gboolean first_page_shown;

  AdwToastOverlay *toast_overlay;
  GtkStack *main_stack;
  AdwStatusPage *error_page;
  AdwLeaflet *leaflet;
  GtkWidget *sidebar;
  GtkWidget *content;
  GtkRevealer *key_banner;
  GtkLabel *key_banner_label;
  GtkSearchEntry *search_entry;
  GtkDropDown *status_filter;
  GtkDropDown *severity_filter;
  GtkStack *list_stack;
  GtkListView *list_view;
  GtkStack *content_stack;
  AdwViewSwitcherTitle *content_title;
  TftsrIssuePage *issue_page;
};

G_DEFINE_FINAL_TYPE (TftsrWindow, tftsr_window, ADW_TYPE_APPLICATION_WINDOW)

/* Positions of the status filter; the rest are the statuses in enum order. */
enum
{
  STATUS_FILTER_ALL,
  STATUS_FILTER_ACTIVE,
  STATUS_FILTER_FIRST
};

static void
toast (TftsrWindow *self, const char *message)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}

/* --- the list ----------------------------------------------------------------------- */

static void
update_list_state (TftsrWindow *self)
{
  const TftsrIssueQuery *query = tftsr_issue_list_get_query (self->issues);
  gboolean filtered = (query->text != NULL && *query->text != '\0') || query->status_mask != 0 ||
                      query->severity_mask != 0;
  const char *page = "list";

  if (g_list_model_get_n_items (G_LIST_MODEL (self->issues)) == 0 &&
      !tftsr_issue_list_get_loading (self->issues))
    page = filtered ? "no-results" : "empty";
  gtk_stack_set_visible_child_name (self->list_stack, page);
}

/* Selects the incident shown in the page, if the list holds it (after a reload). */
static void
restore_selection (TftsrWindow *self)
{
  TftsrIssue *shown = tftsr_issue_page_get_issue (self->issue_page);
  guint position;

  if (shown == NULL || !tftsr_issue_list_find (self->issues, tftsr_issue_get_id (shown), &position))
    return;
  self->selecting = TRUE;
  gtk_single_selection_set_selected (self->selection, position);
  self->selecting = FALSE;
}

static void
on_loading_changed (TftsrWindow *self)
{
  update_list_state (self);
  if (tftsr_issue_list_get_loading (self->issues))
    return;
  restore_selection (self);
  if (!self->first_page_shown)
    {
      /* bench/run-benchmarks.sh times start-up by this message. */
      g_debug ("first page of incidents shown");
      self->first_page_shown = TRUE;
    }
}

static void
on_load_failed (TftsrWindow *self, GError *error)
{
  toast (self, error->message);
}

static void
apply_query (TftsrWindow *self)
{
  g_autoptr (TftsrIssueQuery) query = tftsr_issue_query_new ();
  g_autofree char *sort = NULL;
  guint status = gtk_drop_down_get_selected (self->status_filter);
  guint severity = gtk_drop_down_get_selected (self->severity_filter);
  TftsrIssueSort order = TFTSR_ISSUE_SORT_UPDATED;

  if (self->issues == NULL)
    return;
  query->text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
  if (status == STATUS_FILTER_ACTIVE)
    query->status_mask = (1u << TFTSR_STATUS_OPEN) | (1u << TFTSR_STATUS_INVESTIGATING);
  else if (status >= STATUS_FILTER_FIRST && status != GTK_INVALID_LIST_POSITION)
    query->status_mask = 1u << (status - STATUS_FILTER_FIRST);
  if (severity > 0 && severity != GTK_INVALID_LIST_POSITION)
    query->severity_mask = 1u << (severity - 1);
  sort = g_settings_get_string (self->settings, "sort");
  tftsr_issue_sort_from_string (sort, &order);
  /* A search is ranked by relevance unless the user picked another order. */
  query->sort = (*query->text != '\0' && order == TFTSR_ISSUE_SORT_UPDATED)
                    ? TFTSR_ISSUE_SORT_RELEVANCE
                    : order;
  tftsr_issue_list_set_query (self->issues, query);
}

static void
on_query_changed (TftsrWindow *self)
{
  apply_query (self);
}

static void
on_stop_search (TftsrWindow *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
}

static void
on_edge_reached (TftsrWindow *self, GtkPositionType position)
{
  if (position == GTK_POS_BOTTOM && self->issues != NULL)
    tftsr_issue_list_load_more (self->issues);
}

/* The header shows the title of whatever the page holds, and the list selects its row:
 * the page loads in a worker, so an incident opened from elsewhere (a similar incident, a
 * notification) is selected once it is there. */
static void
on_page_issue_changed (TftsrWindow *self)
{
  TftsrIssue *shown = tftsr_issue_page_get_issue (self->issue_page);
  g_autofree char *display =
      tftsr_display_text (shown != NULL ? tftsr_issue_get_title (shown) : "");

  adw_view_switcher_title_set_title (self->content_title, display);
  restore_selection (self);
}

static void
show_issue (TftsrWindow *self, gint64 id)
{
  gtk_stack_set_visible_child_name (self->content_stack, "page");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.delete-incident", TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.show-view", TRUE);
  adw_view_switcher_title_set_view_switcher_enabled (self->content_title, TRUE);
  tftsr_issue_page_load (self->issue_page, id);
  adw_leaflet_set_visible_child (self->leaflet, self->content);
}

static void
show_nothing (TftsrWindow *self)
{
  tftsr_issue_page_clear (self->issue_page);
  gtk_stack_set_visible_child_name (self->content_stack, "none");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.delete-incident", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.show-view", FALSE);
  adw_view_switcher_title_set_view_switcher_enabled (self->content_title, FALSE);
}

static void
on_selection_changed (TftsrWindow *self)
{
  TftsrIssue *issue = gtk_single_selection_get_selected_item (self->selection);
  TftsrIssue *shown = tftsr_issue_page_get_issue (self->issue_page);

  /* An emptied selection (the list reloaded) keeps the page as it is. */
  if (self->selecting || issue == NULL)
    return;
  if (shown != NULL && tftsr_issue_get_id (shown) == tftsr_issue_get_id (issue))
    {
      adw_leaflet_set_visible_child (self->leaflet, self->content);
      return;
    }
  show_issue (self, tftsr_issue_get_id (issue));
}

/* A save in the page: the list row shows the stored summary. */
static void
on_issue_changed (TftsrWindow *self, TftsrIssue *stored)
{
  guint position;

  if (tftsr_issue_list_find (self->issues, tftsr_issue_get_id (stored), &position))
    {
      g_autoptr (TftsrIssue) item = g_list_model_get_item (G_LIST_MODEL (self->issues), position);
      tftsr_issue_sync_summary (item, stored);
    }
}

static void
on_page_failed (TftsrWindow *self, GError *error)
{
  toast (self, error->message);
}

static void
setup_row (GtkSignalListItemFactory *factory, GtkListItem *item)
{
  gtk_list_item_set_child (item, tftsr_issue_row_new ());
}

static void
bind_row (GtkSignalListItemFactory *factory, GtkListItem *item)
{
  tftsr_issue_row_set_issue (TFTSR_ISSUE_ROW (gtk_list_item_get_child (item)),
                             gtk_list_item_get_item (item));
}

static void
unbind_row (GtkSignalListItemFactory *factory, GtkListItem *item)
{
  tftsr_issue_row_set_issue (TFTSR_ISSUE_ROW (gtk_list_item_get_child (item)), NULL);
}

/* --- opening the store ---------------------------------------------------------------- */

static void
show_key_banner (TftsrWindow *self)
{
  const char *file = tftsr_store_get_key_file (self->store);
  g_autofree char *text = NULL;

  if (file == NULL)
    return;
  text = g_strdup_printf (_ ("No keyring could keep the database key, so it is in %s, "
                             "readable only by you. Anyone who can sign in as you can read "
                             "your incidents."),
                          file);
  gtk_label_set_label (self->key_banner_label, text);
  gtk_revealer_set_reveal_child (self->key_banner, TRUE);
}

static void
use_store (TftsrWindow *self, TftsrStore *store)
{
  g_set_object (&self->store, store);
  g_clear_object (&self->issues);
  self->issues = tftsr_issue_list_new (store);
  g_signal_connect_object (self->issues, "notify::loading", G_CALLBACK (on_loading_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->issues, "items-changed", G_CALLBACK (update_list_state), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->issues, "load-failed", G_CALLBACK (on_load_failed), self,
                           G_CONNECT_SWAPPED);

  g_clear_object (&self->selection);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->issues)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect_object (self->selection, "notify::selected-item",
                           G_CALLBACK (on_selection_changed), self, G_CONNECT_SWAPPED);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));

  tftsr_issue_page_set_store (self->issue_page, store);
  show_nothing (self);
  show_key_banner (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.new-incident", TRUE);
  gtk_stack_set_visible_child_name (self->main_stack, "main");
  apply_query (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
mcp_discovered (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  gssize connected = tftsr_mcp_discover_enabled_finish (TFTSR_STORE (source), result, &error);

  /* Each server's status is in Preferences → MCP Servers; nothing to show here. */
  if (connected < 0 && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("MCP servers not discovered: %s", error->message);
}

static void
store_opened (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TftsrWindow) self = user_data;
  g_autoptr (TftsrStore) store = NULL;
  g_autoptr (GError) error = NULL;

  store = tftsr_store_open_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (store == NULL)
    {
      adw_status_page_set_description (self->error_page, error->message);
      adw_status_page_set_icon_name (self->error_page,
                                     error->domain == TFTSR_STORE_ERROR &&
                                             error->code == TFTSR_STORE_ERROR_TOO_NEW
                                         ? "software-update-available-symbolic"
                                         : "dialog-password-symbolic");
      gtk_stack_set_visible_child_name (self->main_stack, "error");
      return;
    }
  use_store (self, store);
  /* The servers' tools are known (and a broken server shown) before the first chat. */
  tftsr_mcp_discover_enabled_async (store, self->cancellable, mcp_discovered, NULL);
}

static void
open_store (TftsrWindow *self)
{
  gtk_stack_set_visible_child_name (self->main_stack, "loading");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.new-incident", FALSE);
  tftsr_store_open_async (NULL, self->cancellable, store_opened, g_object_ref (self));
}

/* --- actions ------------------------------------------------------------------------- */

static void
open_store_action (GtkWidget *widget, const char *name, GVariant *param)
{
  open_store (TFTSR_WINDOW (widget));
}

static void
on_issue_created (TftsrWindow *self, TftsrIssue *issue)
{
  show_issue (self, tftsr_issue_get_id (issue));
  tftsr_issue_list_reload (self->issues);
}

static void
new_incident_action (GtkWidget *widget, const char *name, GVariant *param)
{
  TftsrWindow *self = TFTSR_WINDOW (widget);
  TftsrNewIssueDialog *dialog;

  if (self->store == NULL)
    return;
  dialog = tftsr_new_issue_dialog_new (GTK_WINDOW (self), self->store);
  g_signal_connect_object (dialog, "created", G_CALLBACK (on_issue_created), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* What a delete or an undo needs to finish in the main thread. */
typedef struct
{
  TftsrWindow *self;
  gint64 id;
  char *title;
} ChangeData;

static ChangeData *
change_data_new (TftsrWindow *self, gint64 id, const char *title)
{
  ChangeData *data = g_new0 (ChangeData, 1);

  data->self = g_object_ref (self);
  data->id = id;
  data->title = tftsr_display_text (title);
  return data;
}

static void
change_data_free (ChangeData *data)
{
  g_object_unref (data->self);
  g_free (data->title);
  g_free (data);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ChangeData, change_data_free)

static void
restored (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (ChangeData) data = user_data;
  g_autoptr (GError) error = NULL;

  if (!tftsr_store_change_finish (TFTSR_STORE (source), result, &error))
    {
      toast (data->self, error->message);
      return;
    }
  /* Only now is it back: loading it earlier would race the restore. */
  show_issue (data->self, data->id);
  tftsr_issue_list_reload (data->self->issues);
}

static void
undo_delete_action (GtkWidget *widget, const char *name, GVariant *param)
{
  TftsrWindow *self = TFTSR_WINDOW (widget);
  gint64 id = g_variant_get_int64 (param);

  tftsr_store_restore_issue_async (self->store, id, NULL, restored,
                                   change_data_new (self, id, NULL));
}

static void
deleted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (ChangeData) data = user_data;
  TftsrWindow *self = data->self;
  g_autoptr (GError) error = NULL;
  g_autofree char *message = NULL;
  AdwToast *undo;

  if (!tftsr_store_change_finish (TFTSR_STORE (source), result, &error))
    {
      toast (self, error->message);
      show_issue (self, data->id);
      return;
    }
  tftsr_issue_list_remove (self->issues, data->id);
  message = g_strdup_printf (_ ("“%s” moved to the trash"), data->title);
  undo = adw_toast_new (message);
  adw_toast_set_button_label (undo, _ ("_Undo"));
  adw_toast_set_action_name (undo, "win.undo-delete");
  adw_toast_set_action_target_value (undo, g_variant_new_int64 (data->id));
  adw_toast_overlay_add_toast (self->toast_overlay, undo);
}

static void
start_delete (ChangeData *data)
{
  tftsr_store_delete_issue_async (data->self->store, data->id, NULL, deleted, data);
}

static void
delete_when_saved (TftsrIssuePage *page, GParamSpec *pspec, ChangeData *data)
{
  if (tftsr_issue_page_get_saving (page))
    return;
  g_signal_handlers_disconnect_by_func (page, delete_when_saved, data);
  start_delete (data);
}

/* The page's last edits are written before the incident goes to the trash, so that an
 * undo brings back everything and no save lands on a trashed incident. */
static void
delete_incident_action (GtkWidget *widget, const char *name, GVariant *param)
{
  TftsrWindow *self = TFTSR_WINDOW (widget);
  TftsrIssue *shown = tftsr_issue_page_get_issue (self->issue_page);
  ChangeData *data;

  if (shown == NULL)
    return;
  data = change_data_new (self, tftsr_issue_get_id (shown), tftsr_issue_get_title (shown));
  show_nothing (self);
  if (tftsr_issue_page_get_saving (self->issue_page))
    g_signal_connect (self->issue_page, "notify::saving", G_CALLBACK (delete_when_saved), data);
  else
    start_delete (data);
}

static void
preferences_action (GtkWidget *widget, const char *name, GVariant *param)
{
  TftsrWindow *self = TFTSR_WINDOW (widget);
  TftsrPreferencesWindow *preferences;

  if (self->store == NULL)
    return;
  preferences = tftsr_preferences_window_new (self->store);
  if (g_str_equal (name, "win.ai-providers"))
    tftsr_preferences_window_show_ai_providers (preferences);
  gtk_window_set_transient_for (GTK_WINDOW (preferences), GTK_WINDOW (self));
  /* The Integrations menu offers what is configured when Preferences closes. */
  g_signal_connect_object (preferences, "destroy",
                           G_CALLBACK (tftsr_issue_page_reload_integrations), self->issue_page,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (preferences));
}

static void
attachments_action (GtkWidget *widget, const char *name, GVariant *param)
{
  TftsrWindow *self = TFTSR_WINDOW (widget);
  TftsrAttachmentsWindow *attachments;

  if (self->store == NULL)
    return;
  attachments = tftsr_attachments_window_new (self->store);
  gtk_window_set_transient_for (GTK_WINDOW (attachments), GTK_WINDOW (self));
  gtk_window_present (GTK_WINDOW (attachments));
}

static void
show_incident_action (GtkWidget *widget, const char *name, GVariant *param)
{
  TftsrWindow *self = TFTSR_WINDOW (widget);

  show_issue (self, g_variant_get_int64 (param));
}

static void
back_action (GtkWidget *widget, const char *name, GVariant *param)
{
  TftsrWindow *self = TFTSR_WINDOW (widget);
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

/* Alt+1, Alt+2, Alt+3: the incident's details, its triage or its documents, from anywhere in
 * the window. */
static void
show_view_action (GtkWidget *widget, const char *name, GVariant *param)
{
  TftsrWindow *self = TFTSR_WINDOW (widget);

  adw_leaflet_set_visible_child (self->leaflet, self->content);
  tftsr_issue_page_show_view (self->issue_page, g_variant_get_string (param, NULL));
}

/* From a log viewer: lines of a log go with the next message in its incident's triage chat,
 * which is shown. */
static void
attach_to_chat_action (GtkWidget *widget, const char *name, GVariant *param)
{
  TftsrWindow *self = TFTSR_WINDOW (widget);
  TftsrIssue *shown = tftsr_issue_page_get_issue (self->issue_page);
  g_autoptr (TftsrTriageAttachment) excerpt = NULL;
  gint64 issue_id, log_id;
  guint64 first, last;
  const char *log_name;

  g_variant_get (param, "(xxtt&s)", &issue_id, &log_id, &first, &last, &log_name);
  excerpt = tftsr_triage_attachment_new_excerpt (log_id, first, last, log_name);
  if (shown == NULL || tftsr_issue_get_id (shown) != issue_id)
    show_issue (self, issue_id);
  adw_leaflet_set_visible_child (self->leaflet, self->content);
  tftsr_issue_page_attach_to_chat (self->issue_page, issue_id, excerpt);
  gtk_window_present (GTK_WINDOW (self));
}

static void
search_action (GtkWidget *widget, const char *name, GVariant *param)
{
  TftsrWindow *self = TFTSR_WINDOW (widget);

  adw_leaflet_set_visible_child (self->leaflet, self->sidebar);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

/* --- class ------------------------------------------------------------------------------ */

static void
tftsr_window_dispose (GObject *object)
{
  TftsrWindow *self = TFTSR_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  if (self->list_view != NULL)
    gtk_list_view_set_model (self->list_view, NULL);
  g_clear_object (&self->selection);
  g_clear_object (&self->issues);
  g_clear_object (&self->store);
  gtk_widget_dispose_template (GTK_WIDGET (self), TFTSR_TYPE_WINDOW);
  G_OBJECT_CLASS (tftsr_window_parent_class)->dispose (object);
}

static void
tftsr_window_finalize (GObject *object)
{
  TftsrWindow *self = TFTSR_WINDOW (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (tftsr_window_parent_class)->finalize (object);
}

static void
tftsr_window_class_init (TftsrWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tftsr_window_dispose;
  object_class->finalize = tftsr_window_finalize;

  g_type_ensure (TFTSR_TYPE_ISSUE_PAGE);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               TFTSR_RESOURCE_PATH "/ui/tftsr-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TftsrWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, TftsrWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, TftsrWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, TftsrWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, TftsrWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, TftsrWindow, content);
  gtk_widget_class_bind_template_child (widget_class, TftsrWindow, key_banner);
  gtk_widget_class_bind_template_child (widget_class, TftsrWindow, key_banner_label);
  gtk_widget_class_bind_template_child (widget_class, TftsrWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, TftsrWindow, status_filter);
  gtk_widget_class_bind_template_child (widget_class, TftsrWindow, severity_filter);
  gtk_widget_class_bind_template_child (widget_class, TftsrWindow, list_stack);
  gtk_widget_class_bind_template_child (widget_class, TftsrWindow, list_view);
  gtk_widget_class_bind_template_child (widget_class, TftsrWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, TftsrWindow, content_title);
  gtk_widget_class_bind_template_child (widget_class, TftsrWindow, issue_page);
  gtk_widget_class_bind_template_callback (widget_class, on_query_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_stop_search);
  gtk_widget_class_bind_template_callback (widget_class, on_edge_reached);
  gtk_widget_class_bind_template_callback (widget_class, on_issue_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_page_failed);
  gtk_widget_class_bind_template_callback (widget_class, on_page_issue_changed);

  gtk_widget_class_install_action (widget_class, "win.new-incident", NULL, new_incident_action);
  gtk_widget_class_install_action (widget_class, "win.delete-incident", NULL,
                                   delete_incident_action);
  gtk_widget_class_install_action (widget_class, "win.undo-delete", "x", undo_delete_action);
  gtk_widget_class_install_action (widget_class, "win.open-store", NULL, open_store_action);
  gtk_widget_class_install_action (widget_class, "win.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "win.preferences", NULL, preferences_action);
  /* Preferences opened on the AI Providers page. */
  gtk_widget_class_install_action (widget_class, "win.ai-providers", NULL, preferences_action);
  gtk_widget_class_install_action (widget_class, "win.attachments", NULL, attachments_action);
  gtk_widget_class_install_action (widget_class, "win.show-incident", "x", show_incident_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_a, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.attachments", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_comma, GDK_CONTROL_MASK,
                                       "win.preferences", NULL);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.show-view", "s", show_view_action);
  gtk_widget_class_install_action (widget_class, "win.attach-to-chat", "(xxtts)",
                                   attach_to_chat_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1, GDK_ALT_MASK, "win.show-view", "s",
                                       "details");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_2, GDK_ALT_MASK, "win.show-view", "s",
                                       "triage");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_3, GDK_ALT_MASK, "win.show-view", "s",
                                       "documents");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK,
                                       "win.new-incident", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.search",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, GDK_CONTROL_MASK,
                                       "win.delete-incident", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "win.back", NULL);
}

static GListModel *
status_filter_model (void)
{
  g_autoptr (GListModel) statuses = tftsr_enum_label_model (TFTSR_TYPE_STATUS);
  GtkStringList *list =
      gtk_string_list_new ((const char *[]){ _ ("All Statuses"), _ ("Active"), NULL });

  for (guint i = 0; i < g_list_model_get_n_items (statuses); i++)
    gtk_string_list_append (list, gtk_string_list_get_string (GTK_STRING_LIST (statuses), i));
  return G_LIST_MODEL (list);
}

static GListModel *
severity_filter_model (void)
{
  g_autoptr (GListModel) severities = tftsr_enum_label_model (TFTSR_TYPE_SEVERITY);
  GtkStringList *list = gtk_string_list_new ((const char *[]){ _ ("All Severities"), NULL });

  for (guint i = 0; i < g_list_model_get_n_items (severities); i++)
    gtk_string_list_append (list, gtk_string_list_get_string (GTK_STRING_LIST (severities), i));
  return G_LIST_MODEL (list);
}

static void
tftsr_window_init (TftsrWindow *self)
{
  g_autoptr (GListModel) statuses = status_filter_model ();
  g_autoptr (GListModel) severities = severity_filter_model ();
  g_autoptr (GAction) sort = NULL;
  g_autoptr (GSimpleActionGroup) group = g_simple_action_group_new ();
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->settings = tftsr_application_dup_settings ();

  g_settings_bind (self->settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-height", self, "default-height",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-maximized", self, "maximized", G_SETTINGS_BIND_DEFAULT);
  sort = g_settings_create_action (self->settings, "sort");
  g_action_map_add_action (G_ACTION_MAP (group), sort);
  gtk_widget_insert_action_group (GTK_WIDGET (self), "list", G_ACTION_GROUP (group));
  g_signal_connect_object (self->settings, "changed::sort", G_CALLBACK (apply_query), self,
                           G_CONNECT_SWAPPED);

  gtk_drop_down_set_model (self->status_filter, statuses);
  gtk_drop_down_set_model (self->severity_filter, severities);
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row), NULL);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.delete-incident", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.show-view", FALSE);
  /* The header switches the page's views; too narrow for that, the page's own bar does. */
  adw_view_switcher_title_set_stack (self->content_title,
                                     tftsr_issue_page_get_view_stack (self->issue_page));
  g_object_bind_property (self->content_title, "title-visible",
                          tftsr_issue_page_get_switcher_bar (self->issue_page), "reveal",
                          G_BINDING_SYNC_CREATE);
  open_store (self);
}

TftsrWindow *
tftsr_window_new (AdwApplication *application)
{
  return g_object_new (TFTSR_TYPE_WINDOW, "application", application, NULL);
}

TftsrStore *
tftsr_window_get_store (TftsrWindow *self)
{
  g_return_val_if_fail (TFTSR_IS_WINDOW (self), NULL);
  return self->store;
}
