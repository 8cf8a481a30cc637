/* tftsr-issue-page.c
 *
 * Edits apply as they are made (GNOME's instant-apply): combo rows on selection, entry
 * rows on Apply/Enter, the description after a short pause in typing. Saves run in a
 * worker; one is in flight at a time and edits made meanwhile go out right after it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <adwaita.h>
#include <glib/gi18n.h>

#include "tftsr-analysis-section.h"
#include "tftsr-analyze-dialog.h"
#include "tftsr-app-format.h"
#include "tftsr-connector-send-dialog.h"
#include "tftsr-documents-view.h"
#include "tftsr-images-group.h"
#include "tftsr-issue-page.h"
#include "tftsr-logs-group.h"
#include "tftsr-similar-group.h"
#include "tftsr-triage-view.h"

#define DESCRIPTION_SAVE_DELAY_MS 600

struct _TftsrIssuePage
{
  GtkWidget parent_instance;

  TftsrStore *store;
  TftsrIssue *issue; /* the incident as edited here, description included */
  GCancellable *load_cancellable;
  GListStore *timeline;
  guint description_timeout;
  gboolean filling; /* widgets are being set from the incident: no saves */
  gboolean saving;
  GQueue *pending; /* TftsrIssue snapshots waiting to be saved */
  GCancellable *connectors_cancellable;
  GPtrArray *connectors; /* TftsrConnectorConfig: what the Integrations menu offers */
  guint links_shown;     /* rows in links_list */

  AdwEntryRow *title_row;
  AdwComboRow *severity_row;
  AdwComboRow *status_row;
  AdwComboRow *category_row;
  AdwEntryRow *owner_row;
  AdwEntryRow *tags_row;
  GtkTextView *description_view;
  GtkLabel *dates_label;
  GtkListBox *timeline_list;
  AdwPreferencesGroup *links_group;
  GtkMenuButton *integrations_button;
  GtkListBox *links_list;
  TftsrLogsGroup *logs_group;
  TftsrImagesGroup *images_group;
  TftsrSimilarGroup *similar_group;
  AdwViewStack *view_stack;
  AdwViewSwitcherBar *switcher_bar;
  TftsrAnalysisSection *analysis_section;
  TftsrTriageView *triage_view;
  TftsrDocumentsView *documents_view;
};

G_DEFINE_FINAL_TYPE (TftsrIssuePage, tftsr_issue_page, GTK_TYPE_WIDGET)

enum
{
  ISSUE_CHANGED,
  FAILED,
  INTEGRATIONS_CHANGED,
  LINKS_CHANGED,
  N_SIGNALS
};

enum
{
  PROP_0,
  PROP_ISSUE,
  PROP_SAVING,
  N_PROPS
};

static guint signals[N_SIGNALS];
static GParamSpec *properties[N_PROPS];

static void update_analyze (TftsrIssuePage *self);
static void load_links (TftsrIssuePage *self);

/* Replaces the incident shown (NULL for none) and tells listeners. */
static void
set_issue (TftsrIssuePage *self, TftsrIssue *issue)
{
  if (!g_set_object (&self->issue, issue))
    return;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ISSUE]);
  update_analyze (self);
}

static void save (TftsrIssuePage *self);

static void
fail (TftsrIssuePage *self, const GError *error)
{
  g_signal_emit (self, signals[FAILED], 0, error);
}

/* --- showing ---------------------------------------------------------------------- */

static void
set_entry_text (AdwEntryRow *row, const char *text)
{
  g_autofree char *display = tftsr_display_text (text);
  gtk_editable_set_text (GTK_EDITABLE (row), display);
}

static void
show_dates (TftsrIssuePage *self)
{
  g_autofree char *created = tftsr_format_time (tftsr_issue_get_created_at (self->issue));
  g_autofree char *updated = tftsr_format_time (tftsr_issue_get_updated_at (self->issue));
  g_autofree char *text = NULL;

  if (tftsr_issue_get_resolved_at (self->issue) != NULL)
    {
      g_autofree char *resolved = tftsr_format_time (tftsr_issue_get_resolved_at (self->issue));
      text = g_strdup_printf (_ ("#%" G_GINT64_FORMAT " · Created %s · Updated %s · Resolved %s"),
                              tftsr_issue_get_id (self->issue), created, updated, resolved);
    }
  else
    text = g_strdup_printf (_ ("#%" G_GINT64_FORMAT " · Created %s · Updated %s"),
                            tftsr_issue_get_id (self->issue), created, updated);
  gtk_label_set_label (self->dates_label, text);
}

static void
fill_widgets (TftsrIssuePage *self)
{
  g_autofree char *tags = g_strjoinv (", ", (char **) tftsr_issue_get_tags (self->issue));
  g_autofree char *description = tftsr_display_text (tftsr_issue_get_description (self->issue));

  self->filling = TRUE;
  set_entry_text (self->title_row, tftsr_issue_get_title (self->issue));
  adw_combo_row_set_selected (self->severity_row, tftsr_issue_get_severity (self->issue));
  adw_combo_row_set_selected (self->status_row, tftsr_issue_get_status (self->issue));
  adw_combo_row_set_selected (self->category_row, tftsr_issue_get_category (self->issue));
  set_entry_text (self->owner_row, tftsr_issue_get_owner (self->issue));
  set_entry_text (self->tags_row, tags);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->description_view), description, -1);
  show_dates (self);
  self->filling = FALSE;
}

static void
timeline_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TftsrIssuePage) self = user_data;
  g_autoptr (GPtrArray) events = NULL;
  g_autoptr (GError) error = NULL;

  events = tftsr_store_list_timeline_finish (TFTSR_STORE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (events == NULL)
    {
      fail (self, error);
      return;
    }
  g_list_store_splice (self->timeline, 0, g_list_model_get_n_items (G_LIST_MODEL (self->timeline)),
                       events->pdata, events->len);
}

static void
load_timeline (TftsrIssuePage *self)
{
  tftsr_store_list_timeline_async (self->store, tftsr_issue_get_id (self->issue),
                                   self->load_cancellable, timeline_loaded, g_object_ref (self));
}

static GtkWidget *
create_timeline_row (gpointer item, gpointer user_data)
{
  TftsrTimelineEvent *event = item;
  g_autofree char *title = tftsr_timeline_event_describe (event);
  g_autofree char *escaped = g_markup_escape_text (title, -1);
  g_autofree char *when = tftsr_format_time (tftsr_timeline_event_get_created_at (event));
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), escaped);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), when);
  return row;
}

/* --- saving ----------------------------------------------------------------------- */

static void save_next (TftsrIssuePage *self);

/* The application stays alive while edits are being written, even after its last
 * window closed, so that closing never loses an edit. */
static void
hold_application (gboolean hold)
{
  GApplication *app = g_application_get_default ();

  if (app == NULL)
    return;
  if (hold)
    g_application_hold (app);
  else
    g_application_release (app);
}

static void
saved (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TftsrIssuePage) self = user_data;
  g_autoptr (TftsrIssue) stored = NULL;
  g_autoptr (GError) error = NULL;

  self->saving = FALSE;
  if (g_queue_is_empty (self->pending))
    {
      hold_application (FALSE);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SAVING]);
    }
  stored = tftsr_store_update_issue_finish (TFTSR_STORE (source), result, &error);
  if (stored == NULL)
    fail (self, error);
  else
    g_signal_emit (self, signals[ISSUE_CHANGED], 0, stored);

  if (!g_queue_is_empty (self->pending))
    save_next (self);
  else if (stored != NULL && self->issue != NULL &&
           tftsr_issue_get_id (self->issue) == tftsr_issue_get_id (stored))
    {
      /* Nothing newer was edited: take the stored version (new timestamps). */
      set_issue (self, stored);
      show_dates (self);
      load_timeline (self);
    }
}

static void
save_next (TftsrIssuePage *self)
{
  g_autoptr (TftsrIssue) snapshot = g_queue_pop_head (self->pending);

  self->saving = TRUE;
  tftsr_store_update_issue_async (self->store, snapshot, NULL, saved, g_object_ref (self));
}

/* Queues a snapshot of the incident as edited. Saves go out one at a time, in order, so
 * an older snapshot never lands after a newer one; queued snapshots of the same incident
 * collapse into the newest. */
static void
save (TftsrIssuePage *self)
{
  TftsrIssue *tail;

  if (self->filling || self->issue == NULL || self->store == NULL)
    return;
  tail = g_queue_peek_tail (self->pending);
  if (tail != NULL && tftsr_issue_get_id (tail) == tftsr_issue_get_id (self->issue))
    g_object_unref (g_queue_pop_tail (self->pending));
  g_queue_push_tail (self->pending, tftsr_issue_copy (self->issue));
  if (!self->saving)
    {
      hold_application (TRUE);
      save_next (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SAVING]);
    }
}

static gboolean
description_timeout_cb (gpointer user_data)
{
  TftsrIssuePage *self = user_data;
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->description_view);
  GtkTextIter start, end;
  g_autofree char *text = NULL;

  self->description_timeout = 0;
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  tftsr_issue_set_description (self->issue, text);
  save (self);
  return G_SOURCE_REMOVE;
}

/* Saves a description edit that is still waiting for its pause. */
static void
flush_description (TftsrIssuePage *self)
{
  if (self->description_timeout != 0)
    {
      g_source_remove (self->description_timeout);
      description_timeout_cb (self);
    }
}

static void
on_description_changed (TftsrIssuePage *self)
{
  if (self->filling || self->issue == NULL)
    return;
  g_clear_handle_id (&self->description_timeout, g_source_remove);
  self->description_timeout =
      g_timeout_add (DESCRIPTION_SAVE_DELAY_MS, description_timeout_cb, self);
}

static void
on_title_applied (TftsrIssuePage *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->title_row));
  g_autofree char *trimmed = g_strstrip (g_strdup (text));

  if (*trimmed == '\0')
    {
      g_autoptr (GError) error = g_error_new_literal (TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_INVALID,
                                                      _ ("An incident needs a title"));
      set_entry_text (self->title_row, tftsr_issue_get_title (self->issue));
      fail (self, error);
      return;
    }
  tftsr_issue_set_title (self->issue, text);
  save (self);
}

static void
on_owner_applied (TftsrIssuePage *self)
{
  tftsr_issue_set_owner (self->issue, gtk_editable_get_text (GTK_EDITABLE (self->owner_row)));
  save (self);
}

static void
on_tags_applied (TftsrIssuePage *self)
{
  g_auto (GStrv) tags = tftsr_tags_parse (gtk_editable_get_text (GTK_EDITABLE (self->tags_row)));
  g_autofree char *shown = g_strjoinv (", ", tags);

  tftsr_issue_set_tags (self->issue, (const char *const *) tags);
  self->filling = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->tags_row), shown);
  self->filling = FALSE;
  save (self);
}

static void
on_combo_selected (TftsrIssuePage *self, GParamSpec *pspec, AdwComboRow *row)
{
  guint selected = adw_combo_row_get_selected (row);

  if (self->filling || self->issue == NULL || selected == GTK_INVALID_LIST_POSITION)
    return;
  if (row == self->severity_row)
    tftsr_issue_set_severity (self->issue, selected);
  else if (row == self->status_row)
    tftsr_issue_set_status (self->issue, selected);
  else
    tftsr_issue_set_category (self->issue, selected);
  save (self);
}

/* --- logs and screenshots --------------------------------------------------------------- */

static void
on_attachments_changed (TftsrIssuePage *self)
{
  if (self->issue != NULL)
    load_timeline (self);
}

/* Which past incidents look alike depends on the incident's logs. */
static void
on_logs_changed (TftsrIssuePage *self)
{
  tftsr_similar_group_reload (self->similar_group);
}

static void
on_part_failed (TftsrIssuePage *self, GError *error)
{
  fail (self, error);
}

static gboolean
on_drop (GtkDropTarget *target, const GValue *value, double x, double y, TftsrIssuePage *self)
{
  GSList *files = g_value_get_boxed (value);

  if (self->issue == NULL)
    return FALSE;
  for (GSList *l = files; l != NULL; l = l->next)
    if (tftsr_images_group_accepts (l->data))
      tftsr_images_group_add_file (self->images_group, l->data);
    else
      tftsr_logs_group_add_file (self->logs_group, l->data);
  return files != NULL;
}

static void
text_pasted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TftsrIssuePage) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, &error);

  if (text == NULL || *text == '\0')
    {
      g_autoptr (GError) empty = g_error_new_literal (
          G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, _ ("The clipboard holds no text or image to add"));
      fail (self, error != NULL ? error : empty);
      return;
    }
  if (self->issue != NULL)
    tftsr_logs_group_add_text (self->logs_group, text);
}

static void
texture_pasted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TftsrIssuePage) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GdkTexture) texture =
      gdk_clipboard_read_texture_finish (GDK_CLIPBOARD (source), result, &error);

  if (texture == NULL)
    fail (self, error);
  else if (self->issue != NULL)
    tftsr_images_group_add_texture (self->images_group, texture);
}

/* Ctrl+V outside a text field: an image in the clipboard becomes a screenshot, text a log. */
static void
paste_action (GtkWidget *widget, const char *name, GVariant *param)
{
  TftsrIssuePage *self = TFTSR_ISSUE_PAGE (widget);
  GdkClipboard *clipboard = gtk_widget_get_clipboard (widget);

  if (self->issue == NULL)
    return;
  if (gdk_content_formats_contain_gtype (gdk_clipboard_get_formats (clipboard), GDK_TYPE_TEXTURE))
    gdk_clipboard_read_texture_async (clipboard, NULL, texture_pasted, g_object_ref (self));
  else
    gdk_clipboard_read_text_async (clipboard, NULL, text_pasted, g_object_ref (self));
}

/* --- log analysis ------------------------------------------------------------------------ */

/* Analyze Logs needs an incident with logs and a provider in use: the buttons' tooltips say
 * which is missing, or what will happen. */
static void
update_analyze (TftsrIssuePage *self)
{
  const TftsrAiProvider *provider = tftsr_triage_view_get_provider (self->triage_view);
  guint n_logs = g_list_model_get_n_items (tftsr_logs_group_get_logs (self->logs_group));
  g_autofree char *hint = NULL;

  if (provider == NULL)
    hint = g_strdup (_ ("Add an AI provider in Preferences → AI Providers to analyze logs"));
  else if (n_logs == 0)
    hint = g_strdup (_ ("Add a log to the incident first"));
  else
    hint = g_strdup_printf (_ ("Send the logs, redacted, to %s · %s for a summary, key findings, "
                               "a first why and a severity"),
                            provider->name, provider->model);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "page.analyze-logs",
                                 self->issue != NULL && provider != NULL && n_logs > 0);
  tftsr_logs_group_set_analyze_hint (self->logs_group, hint);
  tftsr_analysis_section_set_analyze_hint (self->analysis_section, hint);
}

/* A new analysis is shown where it can be acted on: unfolded above the triage chat. */
static void
on_analyzed (TftsrIssuePage *self)
{
  tftsr_analysis_section_reload (self->analysis_section, TRUE);
  tftsr_issue_page_show_view (self, "triage");
}

static void
analyze_logs_action (GtkWidget *widget, const char *name, GVariant *param)
{
  TftsrIssuePage *self = TFTSR_ISSUE_PAGE (widget);
  const TftsrAiProvider *provider = tftsr_triage_view_get_provider (self->triage_view);
  TftsrAnalyzeDialog *dialog;

  if (self->issue == NULL || provider == NULL)
    return;
  dialog = tftsr_analyze_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), self->store,
                                     tftsr_issue_get_id (self->issue), provider,
                                     tftsr_logs_group_get_logs (self->logs_group));
  g_signal_connect_object (dialog, "analyzed", G_CALLBACK (on_analyzed), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* A suggested severity goes through the severity row, so it is saved like any edit (and
 * the store records the change in the timeline). */
static void
apply_severity_action (GtkWidget *widget, const char *name, GVariant *param)
{
  TftsrIssuePage *self = TFTSR_ISSUE_PAGE (widget);
  TftsrSeverity severity;

  if (self->issue != NULL &&
      tftsr_severity_from_string (g_variant_get_string (param, NULL), &severity))
    adw_combo_row_set_selected (self->severity_row, severity);
}

static void
on_whys_changed (TftsrIssuePage *self)
{
  tftsr_whys_panel_reload (tftsr_triage_view_get_whys_panel (self->triage_view));
}

/* --- integrations ------------------------------------------------------------------------ */

/* The group shows once there is something to send to or something linked. */
static void
update_links_group (TftsrIssuePage *self)
{
  gboolean can_send = self->connectors != NULL && self->connectors->len > 0;

  gtk_widget_set_visible (GTK_WIDGET (self->integrations_button), can_send);
  gtk_widget_set_visible (GTK_WIDGET (self->links_group), can_send || self->links_shown > 0);
}

static char *
menu_label (TftsrSendOperation operation, const char *connector)
{
  switch (operation)
    {
    case TFTSR_SEND_TICKET:
      return g_strdup_printf (_ ("Create Ticket in %s…"), connector);
    case TFTSR_SEND_PAGE:
      return g_strdup_printf (_ ("Page On-Call via %s…"), connector);
    case TFTSR_SEND_ACTION:
      return g_strdup_printf (_ ("Run Automation on %s…"), connector);
    case TFTSR_SEND_PUBLISH:
      return g_strdup_printf (_ ("Publish RCA or Post-Mortem to %s…"), connector);
    case TFTSR_SEND_NOTIFY:
    default:
      return g_strdup_printf (_ ("Notify %s…"), connector);
    }
}

/* One section per capability, one item per connector that has it: the menu never offers
 * what no connector can do. */
static void
build_integrations_menu (TftsrIssuePage *self)
{
  static const struct
  {
    TftsrConnectorCaps cap;
    TftsrSendOperation operation;
  } entries[] = {
    { TFTSR_CONNECTOR_CAN_TICKETS, TFTSR_SEND_TICKET },
    { TFTSR_CONNECTOR_CAN_PAGE, TFTSR_SEND_PAGE },
    { TFTSR_CONNECTOR_CAN_AUTOMATION, TFTSR_SEND_ACTION },
    { TFTSR_CONNECTOR_CAN_PUBLISH, TFTSR_SEND_PUBLISH },
    { TFTSR_CONNECTOR_CAN_NOTIFY, TFTSR_SEND_NOTIFY },
  };
  g_autoptr (GMenu) menu = g_menu_new ();

  for (guint e = 0; e < G_N_ELEMENTS (entries); e++)
    {
      g_autoptr (GMenu) section = g_menu_new ();

      for (guint i = 0; self->connectors != NULL && i < self->connectors->len; i++)
        {
          const TftsrConnectorConfig *c = self->connectors->pdata[i];
          g_autofree char *name = NULL;
          g_autofree char *label = NULL;
          g_autoptr (GMenuItem) item = NULL;

          if (!(tftsr_connector_kind_get_caps (c->kind) & entries[e].cap))
            continue;
          name = tftsr_display_text (c->id);
          label = menu_label (entries[e].operation, name);
          item = g_menu_item_new (label, NULL);
          g_menu_item_set_action_and_target_value (
              item, "page.send-to", g_variant_new ("(us)", entries[e].operation, c->id));
          g_menu_append_item (section, item);
        }
      if (g_menu_model_get_n_items (G_MENU_MODEL (section)) > 0)
        g_menu_append_section (menu, NULL, G_MENU_MODEL (section));
    }
  gtk_menu_button_set_menu_model (self->integrations_button, G_MENU_MODEL (menu));
}

static void
connectors_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TftsrIssuePage) self = user_data;
  g_autoptr (GError) error = NULL;
  GPtrArray *connectors = tftsr_store_list_connectors_finish (TFTSR_STORE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (connectors == NULL)
    {
      fail (self, error);
      return;
    }
  g_clear_pointer (&self->connectors, g_ptr_array_unref);
  self->connectors = connectors;
  build_integrations_menu (self);
  update_links_group (self);
  g_signal_emit (self, signals[INTEGRATIONS_CHANGED], 0);
}

void
tftsr_issue_page_reload_integrations (TftsrIssuePage *self)
{
  g_return_if_fail (TFTSR_IS_ISSUE_PAGE (self));
  if (self->store == NULL)
    return;
  g_cancellable_cancel (self->connectors_cancellable);
  g_clear_object (&self->connectors_cancellable);
  self->connectors_cancellable = g_cancellable_new ();
  tftsr_store_list_connectors_async (self->store, self->connectors_cancellable, connectors_loaded,
                                     g_object_ref (self));
}

static const TftsrConnectorConfig *
connector_by_id (TftsrIssuePage *self, const char *id)
{
  for (guint i = 0; self->connectors != NULL && i < self->connectors->len; i++)
    if (g_strcmp0 (((TftsrConnectorConfig *) self->connectors->pdata[i])->id, id) == 0)
      return self->connectors->pdata[i];
  return NULL;
}

static GtkWidget *
link_row (const TftsrExternalLink *link)
{
  const TftsrExternalItem *item = &link->item;
  const char *key = item->key != NULL ? item->key : item->id;
  g_autofree char *title = item->title != NULL && g_strcmp0 (item->title, key) != 0
                               ? g_strdup_printf ("%s — %s", key, item->title)
                               : g_strdup (key);
  g_autofree char *title_shown = tftsr_display_text (title);
  g_autofree char *title_escaped = g_markup_escape_text (title_shown, -1);
  g_autofree char *when =
      tftsr_format_relative_time (link->updated_at != NULL ? link->updated_at : link->created_at);
  GString *subtitle = g_string_new (tftsr_connector_kind_get_label (link->kind));
  g_autofree char *subtitle_shown = NULL;
  g_autofree char *subtitle_escaped = NULL;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon = gtk_image_new_from_icon_name (tftsr_connector_kind_icon_name (link->kind));

  g_string_append_printf (subtitle, " (%s)", link->connector);
  if (item->status != NULL)
    g_string_append_printf (subtitle, " · %s", item->status);
  g_string_append_printf (subtitle, " · %s", when);
  subtitle_shown = tftsr_display_text (subtitle->str);
  subtitle_escaped = g_markup_escape_text (subtitle_shown, -1);
  g_string_free (subtitle, TRUE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title_escaped);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle_escaped);
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  tftsr_connector_kind_get_label (link->kind), -1);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  if (item->url != NULL)
    {
      GtkWidget *open = gtk_button_new_with_mnemonic (_ ("_Open"));
      g_autofree char *label = g_strdup_printf (_ ("Open %s in the browser"), title_shown);

      gtk_widget_add_css_class (open, "flat");
      gtk_widget_set_valign (open, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (open, _ ("Open in the browser"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (open), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                      -1);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (open), "page.open-link");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (open), "s", item->url);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), open);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), open);
    }
  return row;
}

static void
links_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TftsrIssuePage) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) links =
      tftsr_store_list_external_links_finish (TFTSR_STORE (source), result, &error);
  GtkWidget *child;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (links == NULL)
    {
      fail (self, error);
      return;
    }
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->links_list))) != NULL)
    gtk_list_box_remove (self->links_list, child);
  for (guint i = 0; i < links->len; i++)
    gtk_list_box_append (self->links_list, link_row (links->pdata[i]));
  self->links_shown = links->len;
  gtk_widget_set_visible (GTK_WIDGET (self->links_list), links->len > 0);
  update_links_group (self);
  g_signal_emit (self, signals[LINKS_CHANGED], 0);
}

static void
load_links (TftsrIssuePage *self)
{
  if (self->issue == NULL)
    return;
  tftsr_store_list_external_links_async (self->store, tftsr_issue_get_id (self->issue),
                                         self->load_cancellable, links_loaded, g_object_ref (self));
}

static void
open_link_action (GtkWidget *widget, const char *name, GVariant *param)
{
  gtk_show_uri (GTK_WINDOW (gtk_widget_get_root (widget)), g_variant_get_string (param, NULL),
                GDK_CURRENT_TIME);
}

static void
on_toast_open (AdwToast *toast, GtkWidget *widget)
{
  const char *url = g_object_get_data (G_OBJECT (toast), "url");

  gtk_show_uri (GTK_WINDOW (gtk_widget_get_root (widget)), url, GDK_CURRENT_TIME);
}

/* The service took it: a toast that opens what was made, and the link and the timeline
 * entry the core wrote. */
static void
on_sent (TftsrIssuePage *self, const char *summary, const char *url)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);
  g_autofree char *shown = tftsr_display_text (summary);
  g_autofree char *escaped = g_markup_escape_text (shown, -1);
  AdwToast *toast = adw_toast_new (escaped);

  if (url != NULL)
    {
      adw_toast_set_button_label (toast, _ ("_Open"));
      g_object_set_data_full (G_OBJECT (toast), "url", g_strdup (url), g_free);
      g_signal_connect_object (toast, "button-clicked", G_CALLBACK (on_toast_open), self, 0);
    }
  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
  else
    g_object_unref (g_object_ref_sink (toast));
  load_links (self);
  load_timeline (self);
}

static void
send_to_action (GtkWidget *widget, const char *name, GVariant *param)
{
  TftsrIssuePage *self = TFTSR_ISSUE_PAGE (widget);
  TftsrSendOperation operation;
  const char *id;
  const TftsrConnectorConfig *connector;
  TftsrConnectorSendDialog *dialog;

  g_variant_get (param, "(u&s)", &operation, &id);
  connector = connector_by_id (self, id);
  if (self->issue == NULL || connector == NULL || operation > TFTSR_SEND_NOTIFY)
    return;
  dialog = tftsr_connector_send_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), self->store,
                                            tftsr_issue_get_id (self->issue), connector, operation);
  g_signal_connect_object (dialog, "sent", G_CALLBACK (on_sent), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* --- views ------------------------------------------------------------------------------ */

/* Triage and documents are for typing: the composer or the editor takes the focus when
 * its view is shown. */
static void
on_view_changed (TftsrIssuePage *self)
{
  const char *name = adw_view_stack_get_visible_child_name (self->view_stack);

  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    return;
  if (g_strcmp0 (name, "triage") == 0)
    gtk_widget_grab_focus (GTK_WIDGET (self->triage_view));
  else if (g_strcmp0 (name, "documents") == 0)
    gtk_widget_grab_focus (GTK_WIDGET (self->documents_view));
}

/* --- loading ------------------------------------------------------------------------ */

static void
issue_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TftsrIssuePage) self = user_data;
  g_autoptr (TftsrIssue) issue = NULL;
  g_autoptr (GError) error = NULL;

  issue = tftsr_store_get_issue_finish (TFTSR_STORE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (issue == NULL)
    {
      fail (self, error);
      return;
    }
  set_issue (self, issue);
  fill_widgets (self);
  gtk_widget_set_sensitive (GTK_WIDGET (self), TRUE);
  load_timeline (self);
  load_links (self);
  tftsr_issue_page_reload_integrations (self);
  tftsr_logs_group_load (self->logs_group, tftsr_issue_get_id (issue));
  tftsr_images_group_load (self->images_group, tftsr_issue_get_id (issue));
  tftsr_similar_group_load (self->similar_group, tftsr_issue_get_id (issue));
  tftsr_triage_view_load (self->triage_view, tftsr_issue_get_id (issue));
  tftsr_documents_view_load (self->documents_view, tftsr_issue_get_id (issue));
}

static void
reset (TftsrIssuePage *self)
{
  flush_description (self);
  if (self->load_cancellable != NULL)
    g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  set_issue (self, NULL);
  g_list_store_remove_all (self->timeline);
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self->links_list)));)
    gtk_list_box_remove (self->links_list, child);
  self->links_shown = 0;
  update_links_group (self);
  tftsr_logs_group_load (self->logs_group, 0);
  tftsr_images_group_load (self->images_group, 0);
  tftsr_similar_group_load (self->similar_group, 0);
  tftsr_triage_view_load (self->triage_view, 0);
  tftsr_documents_view_load (self->documents_view, 0);
}

void
tftsr_issue_page_load (TftsrIssuePage *self, gint64 id)
{
  g_return_if_fail (TFTSR_IS_ISSUE_PAGE (self));
  g_return_if_fail (self->store != NULL);

  reset (self);
  self->load_cancellable = g_cancellable_new ();
  gtk_widget_set_sensitive (GTK_WIDGET (self), FALSE);
  tftsr_store_get_issue_async (self->store, id, self->load_cancellable, issue_loaded,
                               g_object_ref (self));
}

void
tftsr_issue_page_clear (TftsrIssuePage *self)
{
  g_return_if_fail (TFTSR_IS_ISSUE_PAGE (self));
  reset (self);
}

gboolean
tftsr_issue_page_get_saving (TftsrIssuePage *self)
{
  g_return_val_if_fail (TFTSR_IS_ISSUE_PAGE (self), FALSE);
  return self->saving;
}

TftsrIssue *
tftsr_issue_page_get_issue (TftsrIssuePage *self)
{
  g_return_val_if_fail (TFTSR_IS_ISSUE_PAGE (self), NULL);
  return self->issue;
}

void
tftsr_issue_page_set_store (TftsrIssuePage *self, TftsrStore *store)
{
  g_return_if_fail (TFTSR_IS_ISSUE_PAGE (self));
  reset (self);
  g_set_object (&self->store, store);
  tftsr_logs_group_set_store (self->logs_group, store);
  tftsr_images_group_set_store (self->images_group, store);
  tftsr_similar_group_set_store (self->similar_group, store);
  tftsr_analysis_section_set_store (self->analysis_section, store);
  tftsr_triage_view_set_store (self->triage_view, store);
  tftsr_documents_view_set_store (self->documents_view, store);
}

AdwViewStack *
tftsr_issue_page_get_view_stack (TftsrIssuePage *self)
{
  g_return_val_if_fail (TFTSR_IS_ISSUE_PAGE (self), NULL);
  return self->view_stack;
}

AdwViewSwitcherBar *
tftsr_issue_page_get_switcher_bar (TftsrIssuePage *self)
{
  g_return_val_if_fail (TFTSR_IS_ISSUE_PAGE (self), NULL);
  return self->switcher_bar;
}

void
tftsr_issue_page_show_view (TftsrIssuePage *self, const char *name)
{
  g_return_if_fail (TFTSR_IS_ISSUE_PAGE (self));
  adw_view_stack_set_visible_child_name (self->view_stack, name);
  /* The triage and documents views take the focus as they are shown (on_view_changed). */
  if (g_str_equal (name, "details"))
    gtk_widget_grab_focus (GTK_WIDGET (self->title_row));
}

void
tftsr_issue_page_attach_to_chat (TftsrIssuePage *self, gint64 issue_id,
                                 const TftsrTriageAttachment *attachment)
{
  g_return_if_fail (TFTSR_IS_ISSUE_PAGE (self));

  tftsr_triage_view_attach (self->triage_view, issue_id, attachment);
  tftsr_issue_page_show_view (self, "triage");
}

/* --- class ---------------------------------------------------------------------------- */

static void
tftsr_issue_page_dispose (GObject *object)
{
  TftsrIssuePage *self = TFTSR_ISSUE_PAGE (object);

  reset (self);
  g_cancellable_cancel (self->connectors_cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), TFTSR_TYPE_ISSUE_PAGE);
  /* Children the template does not bind are ours to unparent. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL;)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (tftsr_issue_page_parent_class)->dispose (object);
}

/* Saves still queued keep a reference to the page, so the store and the queue live
 * until the last one is written. */
static void
tftsr_issue_page_finalize (GObject *object)
{
  TftsrIssuePage *self = TFTSR_ISSUE_PAGE (object);

  g_assert (g_queue_is_empty (self->pending));
  g_queue_free (self->pending);
  g_clear_object (&self->store);
  g_clear_object (&self->timeline);
  g_clear_object (&self->connectors_cancellable);
  g_clear_pointer (&self->connectors, g_ptr_array_unref);
  G_OBJECT_CLASS (tftsr_issue_page_parent_class)->finalize (object);
}

static void
tftsr_issue_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  TftsrIssuePage *self = TFTSR_ISSUE_PAGE (object);

  switch (prop_id)
    {
    case PROP_ISSUE:
      g_value_set_object (value, self->issue);
      break;
    case PROP_SAVING:
      g_value_set_boolean (value, self->saving);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tftsr_issue_page_class_init (TftsrIssuePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tftsr_issue_page_dispose;
  object_class->finalize = tftsr_issue_page_finalize;
  object_class->get_property = tftsr_issue_page_get_property;

  /* The incident shown, loaded in full; replaced by the stored version after saves. */
  properties[PROP_ISSUE] = g_param_spec_object ("issue", NULL, NULL, TFTSR_TYPE_ISSUE,
                                                G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /* TRUE while edits are being written. */
  properties[PROP_SAVING] =
      g_param_spec_boolean ("saving", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[ISSUE_CHANGED] =
      g_signal_new ("issue-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                    NULL, G_TYPE_NONE, 1, TFTSR_TYPE_ISSUE);
  signals[FAILED] = g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                  NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
  signals[INTEGRATIONS_CHANGED] =
      g_signal_new ("integrations-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                    NULL, NULL, G_TYPE_NONE, 0);
  signals[LINKS_CHANGED] = g_signal_new ("links-changed", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               TFTSR_RESOURCE_PATH "/ui/tftsr-issue-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TftsrIssuePage, title_row);
  gtk_widget_class_bind_template_child (widget_class, TftsrIssuePage, severity_row);
  gtk_widget_class_bind_template_child (widget_class, TftsrIssuePage, status_row);
  gtk_widget_class_bind_template_child (widget_class, TftsrIssuePage, category_row);
  gtk_widget_class_bind_template_child (widget_class, TftsrIssuePage, owner_row);
  gtk_widget_class_bind_template_child (widget_class, TftsrIssuePage, tags_row);
  gtk_widget_class_bind_template_child (widget_class, TftsrIssuePage, description_view);
  gtk_widget_class_bind_template_child (widget_class, TftsrIssuePage, dates_label);
  gtk_widget_class_bind_template_child (widget_class, TftsrIssuePage, timeline_list);
  gtk_widget_class_bind_template_child (widget_class, TftsrIssuePage, links_group);
  gtk_widget_class_bind_template_child (widget_class, TftsrIssuePage, integrations_button);
  gtk_widget_class_bind_template_child (widget_class, TftsrIssuePage, links_list);
  gtk_widget_class_install_action (widget_class, "page.send-to", "(us)", send_to_action);
  gtk_widget_class_install_action (widget_class, "page.open-link", "s", open_link_action);
  gtk_widget_class_bind_template_child (widget_class, TftsrIssuePage, logs_group);
  gtk_widget_class_bind_template_child (widget_class, TftsrIssuePage, images_group);
  gtk_widget_class_bind_template_child (widget_class, TftsrIssuePage, similar_group);
  gtk_widget_class_bind_template_child (widget_class, TftsrIssuePage, view_stack);
  gtk_widget_class_bind_template_child (widget_class, TftsrIssuePage, switcher_bar);
  gtk_widget_class_bind_template_child (widget_class, TftsrIssuePage, analysis_section);
  gtk_widget_class_bind_template_child (widget_class, TftsrIssuePage, triage_view);
  gtk_widget_class_bind_template_child (widget_class, TftsrIssuePage, documents_view);
  gtk_widget_class_bind_template_callback (widget_class, update_analyze);
  gtk_widget_class_bind_template_callback (widget_class, on_whys_changed);
  gtk_widget_class_install_action (widget_class, "page.analyze-logs", NULL, analyze_logs_action);
  gtk_widget_class_install_action (widget_class, "page.apply-severity", "s", apply_severity_action);
  gtk_widget_class_bind_template_callback (widget_class, on_view_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_attachments_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_part_failed);
  gtk_widget_class_bind_template_callback (widget_class, on_logs_changed);
  gtk_widget_class_install_action (widget_class, "page.paste", NULL, paste_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_v, GDK_CONTROL_MASK, "page.paste",
                                       NULL);
  gtk_widget_class_bind_template_callback (widget_class, on_title_applied);
  gtk_widget_class_bind_template_callback (widget_class, on_owner_applied);
  gtk_widget_class_bind_template_callback (widget_class, on_tags_applied);
  gtk_widget_class_bind_template_callback (widget_class, on_combo_selected);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
tftsr_issue_page_init (TftsrIssuePage *self)
{
  g_autoptr (GListModel) severities = tftsr_enum_label_model (TFTSR_TYPE_SEVERITY);
  g_autoptr (GListModel) statuses = tftsr_enum_label_model (TFTSR_TYPE_STATUS);
  g_autoptr (GListModel) categories = tftsr_enum_label_model (TFTSR_TYPE_CATEGORY);
  GtkDropTarget *drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);

  g_type_ensure (TFTSR_TYPE_LOGS_GROUP);
  g_type_ensure (TFTSR_TYPE_IMAGES_GROUP);
  g_type_ensure (TFTSR_TYPE_SIMILAR_GROUP);
  g_type_ensure (TFTSR_TYPE_ANALYSIS_SECTION);
  g_type_ensure (TFTSR_TYPE_TRIAGE_VIEW);
  g_type_ensure (TFTSR_TYPE_DOCUMENTS_VIEW);
  gtk_widget_init_template (GTK_WIDGET (self));
  g_object_bind_property (tftsr_triage_view_get_whys_panel (self->triage_view), "level",
                          self->analysis_section, "level", G_BINDING_SYNC_CREATE);
  g_signal_connect_object (tftsr_logs_group_get_logs (self->logs_group), "items-changed",
                           G_CALLBACK (update_analyze), self, G_CONNECT_SWAPPED);
  g_signal_connect (drop, "drop", G_CALLBACK (on_drop), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
  self->pending = g_queue_new ();
  self->timeline = g_list_store_new (TFTSR_TYPE_TIMELINE_EVENT);
  gtk_list_box_bind_model (self->timeline_list, G_LIST_MODEL (self->timeline), create_timeline_row,
                           NULL, NULL);

  self->filling = TRUE;
  adw_combo_row_set_model (self->severity_row, severities);
  adw_combo_row_set_model (self->status_row, statuses);
  adw_combo_row_set_model (self->category_row, categories);
  self->filling = FALSE;
  g_signal_connect_object (gtk_text_view_get_buffer (self->description_view), "changed",
                           G_CALLBACK (on_description_changed), self, G_CONNECT_SWAPPED);
  update_analyze (self);
}
