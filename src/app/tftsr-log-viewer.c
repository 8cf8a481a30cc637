/* tftsr-log-viewer.c
 *
 * A GtkListView over TftsrLogLines: only the rows on screen exist, and their chunks load
 * in a worker, so a 1 GB log opens as fast as a small one. Each row is a line number and
 * a selectable label whose Pango attributes colour the detections by kind. A line longer
 * than TEXT_SHOWN bytes is cut for display (a label laying out megabytes would stall the
 * UI); the export and the stored log keep it whole. Rows are selected as a range (click a
 * number, Shift+click another) to attach those lines to the incident's triage chat, which
 * the window behind takes ("win.attach-to-chat"). A filter (tftsr_log_viewer_set_filter)
 * shows only the lines the store finds for it, numbered as in the whole log; find, go to
 * line and attach work on what is shown.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>

#include "tftsr-app-format.h"
#include "tftsr-export.h"
#include "tftsr-log-viewer.h"

#define TEXT_SHOWN 8192

struct _TftsrLogViewer
{
  AdwWindow parent_instance;

  TftsrStore *store;
  TftsrLogFile *log;
  TftsrLogLines *lines;
  GtkSelectionModel *selection;
  GMenu *line_menu;                   /* added to each line's context menu */
  GCancellable *cancellable;          /* opening and finding */
  GCancellable *activity_cancellable; /* while an export or a marking runs */
  gboolean closed; /* disposed: an export or a marking that ends now has no widgets */
  guint activity_pulse;
  guint activity_reveal;
  char *needle; /* what the find bar highlights */
  char *filter_description;
  GArray *filter_lines; /* found before the model opened: applied once it has */
  gboolean filtering;   /* the activity is finding a filter's lines */
  GHashTable *bound;    /* GtkListItems showing a line */
  guint number_chars;

  AdwToastOverlay *toast_overlay;
  AdwWindowTitle *window_title;
  GtkToggleButton *redacted_toggle;
  GtkToggleButton *find_toggle;
  GtkSearchBar *find_bar;
  GtkSearchEntry *find_entry;
  GtkLabel *find_status;
  GtkSearchBar *goto_bar;
  GtkEntry *goto_entry;
  GtkRevealer *activity_revealer;
  GtkLabel *activity_label;
  GtkProgressBar *activity_progress;
  GtkRevealer *filter_revealer;
  GtkLabel *filter_label;
  GtkStack *stack;
  AdwStatusPage *error_page;
  AdwStatusPage *empty_page;
  GtkListView *list_view;
};

G_DEFINE_FINAL_TYPE (TftsrLogViewer, tftsr_log_viewer, ADW_TYPE_WINDOW)

enum
{
  CHANGED,
  READY,
  EXPORTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void update_filter (TftsrLogViewer *self);

static void
toast (TftsrLogViewer *self, const char *message)
{
  if (self->closed)
    return;
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}

/* --- rows ---------------------------------------------------------------------------- */

static void
span_colour (const char *type, guint16 rgb[3])
{
  /* GNOME palette: yellow 3, blue 3, red 3, purple 3. */
  static const guint16 colours[][3] = {
    [TFTSR_PII_KIND_PERSONAL] = { 0xf6, 0xd3, 0x2d },
    [TFTSR_PII_KIND_NETWORK] = { 0x35, 0x84, 0xe4 },
    [TFTSR_PII_KIND_SECRET] = { 0xe0, 0x1b, 0x24 },
    [TFTSR_PII_KIND_CUSTOM] = { 0x91, 0x41, 0xac },
  };
  const guint16 *c = colours[tftsr_pii_kind_for_name (type)];

  for (guint i = 0; i < 3; i++)
    rgb[i] = c[i] * 257;
}

static void
add_range (PangoAttrList *attrs, PangoAttribute *attr, guint start, guint end)
{
  attr->start_index = start;
  attr->end_index = end;
  pango_attr_list_insert (attrs, attr);
}

static void
highlight_needle (TftsrLogViewer *self, PangoAttrList *attrs, const char *text, gsize length)
{
  gsize n = self->needle != NULL ? strlen (self->needle) : 0;

  if (n == 0)
    return;
  for (gsize i = 0; i + n <= length; i++)
    if (g_ascii_strncasecmp (text + i, self->needle, n) == 0)
      {
        add_range (attrs, pango_attr_weight_new (PANGO_WEIGHT_BOLD), i, i + n);
        add_range (attrs, pango_attr_underline_new (PANGO_UNDERLINE_DOUBLE), i, i + n);
        i += n - 1;
      }
}

/* Shows @line in @label: its text (cut at TEXT_SHOWN) with detections coloured. */
static void
show_line (TftsrLogViewer *self, GtkLabel *label, TftsrLogLine *line)
{
  const char *text = tftsr_log_line_get_text (line);
  g_autoptr (PangoAttrList) attrs = pango_attr_list_new ();
  g_autoptr (GString) shown = NULL;
  const TftsrLogLineSpan *spans;
  guint n_spans = 0;
  gsize length;

  if (text == NULL)
    {
      gtk_label_set_text (label, "");
      return;
    }
  length = strlen (text);
  shown = g_string_new_len (text, MIN (length, TEXT_SHOWN));
  if (length > TEXT_SHOWN)
    {
      g_autofree char *more = g_format_size (length - TEXT_SHOWN);
      /* Cut on a character boundary. */
      g_string_truncate (shown, g_utf8_find_prev_char (text, text + TEXT_SHOWN + 1) - text);
      length = shown->len;
      g_string_append_printf (shown, _ (" … %s more"), more);
      add_range (attrs, pango_attr_foreground_alpha_new (0x8000), length, shown->len);
    }
  spans = tftsr_log_line_get_spans (line, &n_spans);
  for (guint i = 0; i < n_spans && spans[i].start < length; i++)
    {
      guint16 rgb[3];
      guint end = MIN (spans[i].end, length);

      span_colour (spans[i].type, rgb);
      add_range (attrs, pango_attr_background_new (rgb[0], rgb[1], rgb[2]), spans[i].start, end);
      add_range (attrs, pango_attr_background_alpha_new (0x5000), spans[i].start, end);
    }
  highlight_needle (self, attrs, shown->str, length);
  gtk_label_set_text (label, shown->str);
  gtk_label_set_attributes (label, attrs);
}

static void
setup_row (GtkSignalListItemFactory *factory, GtkListItem *item, TftsrLogViewer *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *number = gtk_label_new (NULL);
  GtkWidget *text = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (number), 1);
  gtk_label_set_yalign (GTK_LABEL (number), 0);
  gtk_label_set_width_chars (GTK_LABEL (number), self->number_chars);
  gtk_widget_add_css_class (number, "line-number");
  gtk_label_set_xalign (GTK_LABEL (text), 0);
  gtk_label_set_wrap (GTK_LABEL (text), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (text), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (text), TRUE);
  gtk_widget_set_hexpand (text, TRUE);
  gtk_widget_add_css_class (text, "line-text");
  gtk_label_set_extra_menu (GTK_LABEL (text), G_MENU_MODEL (self->line_menu));
  gtk_box_append (GTK_BOX (box), number);
  gtk_box_append (GTK_BOX (box), text);
  gtk_list_item_set_child (item, box);
}

static GtkLabel *
row_text_label (GtkListItem *item)
{
  return GTK_LABEL (gtk_widget_get_last_child (gtk_list_item_get_child (item)));
}

static void
on_line_text (TftsrLogLine *line, GParamSpec *pspec, GtkListItem *item)
{
  TftsrLogViewer *self = g_object_get_data (G_OBJECT (item), "viewer");
  show_line (self, row_text_label (item), line);
}

static void
bind_row (GtkSignalListItemFactory *factory, GtkListItem *item, TftsrLogViewer *self)
{
  TftsrLogLine *line = gtk_list_item_get_item (item);
  GtkWidget *number = gtk_widget_get_first_child (gtk_list_item_get_child (item));
  GtkLabel *text = row_text_label (item);
  char digits[24];

  g_snprintf (digits, sizeof digits, "%u", tftsr_log_line_get_number (line));
  gtk_label_set_text (GTK_LABEL (number), digits);
  g_object_set_data (G_OBJECT (item), "viewer", self);
  /* The label knows its line, for marking a selection in it. */
  g_object_set_data_full (G_OBJECT (text), "line", g_object_ref (line), g_object_unref);
  show_line (self, text, line);
  g_hash_table_add (self->bound, item);
  if (tftsr_log_line_get_text (line) == NULL)
    g_signal_connect_object (line, "notify::text", G_CALLBACK (on_line_text), item, 0);
}

static void
unbind_row (GtkSignalListItemFactory *factory, GtkListItem *item, TftsrLogViewer *self)
{
  TftsrLogLine *line = gtk_list_item_get_item (item);

  g_hash_table_remove (self->bound, item);
  if (line != NULL)
    g_signal_handlers_disconnect_by_func (line, on_line_text, item);
  g_object_set_data (G_OBJECT (row_text_label (item)), "line", NULL);
}

/* Shows the rows on screen again (the highlight changed). */
static void
refresh_rows (TftsrLogViewer *self)
{
  GHashTableIter iter;
  gpointer item;

  g_hash_table_iter_init (&iter, self->bound);
  while (g_hash_table_iter_next (&iter, &item, NULL))
    show_line (self, row_text_label (item), gtk_list_item_get_item (item));
}

/* --- opening ------------------------------------------------------------------------- */

static void
update_title (TftsrLogViewer *self)
{
  guint64 n = tftsr_log_file_get_line_count (self->log);
  guint found = tftsr_log_file_get_pii_count (self->log);
  g_autofree char *lines = tftsr_format_lines (n);
  g_autofree char *detections =
      g_strdup_printf (g_dngettext (NULL, "%u detection", "%u detections", found), found);
  g_autofree char *subtitle = g_strdup_printf (
      "%s · %s%s", lines, detections,
      gtk_toggle_button_get_active (self->redacted_toggle) ? _ (" · redacted view") : "");

  adw_window_title_set_subtitle (self->window_title, subtitle);
}

static void
lines_opened (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TftsrLogViewer) self = user_data;
  g_autoptr (GError) error = NULL;
  TftsrLogLines *lines = tftsr_log_lines_new_finish (result, &error);
  guint n;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (lines == NULL)
    {
      adw_status_page_set_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "error");
      g_signal_emit (self, signals[READY], 0);
      return;
    }
  self->lines = lines;
  n = tftsr_log_lines_get_n_lines (lines);
  self->number_chars = MAX (3, g_snprintf (NULL, 0, "%u", n));
  if (self->filter_lines != NULL)
    tftsr_log_lines_set_subset (lines, self->filter_lines);
  g_clear_pointer (&self->filter_lines, g_array_unref);
  self->selection =
      GTK_SELECTION_MODEL (gtk_multi_selection_new (g_object_ref (G_LIST_MODEL (lines))));
  gtk_list_view_set_model (self->list_view, self->selection);
  update_filter (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "viewer.goto", TRUE);
  /* A filter's search may be running: marking waits for it (end_activity). */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "viewer.mark",
                                 self->activity_cancellable == NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "viewer.attach", TRUE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->find_toggle), TRUE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->redacted_toggle), TRUE);
  g_signal_emit (self, signals[READY], 0);
}

static void
on_redacted_toggled (TftsrLogViewer *self)
{
  if (self->lines != NULL)
    tftsr_log_lines_set_redacted (self->lines,
                                  gtk_toggle_button_get_active (self->redacted_toggle));
  update_title (self);
}

/* --- moving about ---------------------------------------------------------------------- */

static void
show_row (TftsrLogViewer *self, guint index)
{
  gtk_selection_model_select_item (self->selection, index, TRUE);
  gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", index);
}

gboolean
tftsr_log_viewer_go_to_line (TftsrLogViewer *self, guint number)
{
  guint position;

  g_return_val_if_fail (TFTSR_IS_LOG_VIEWER (self), FALSE);

  if (self->lines == NULL || !tftsr_log_lines_get_position (self->lines, number, &position))
    return FALSE;
  show_row (self, position);
  return TRUE;
}

/* The line number of the item at @position. */
static guint
number_at (TftsrLogViewer *self, guint position)
{
  g_autoptr (TftsrLogLine) line = g_list_model_get_item (G_LIST_MODEL (self->lines), position);

  return line != NULL ? tftsr_log_line_get_number (line) : 0;
}

static void
on_goto_activate (TftsrLogViewer *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->goto_entry));
  guint64 number = 0;

  if (!g_ascii_string_to_unsigned (text, 10, 1, G_MAXUINT, &number, NULL) ||
      !tftsr_log_viewer_go_to_line (self, number))
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->goto_entry), "error");
      gtk_widget_error_bell (GTK_WIDGET (self->goto_entry));
      /* A line of the log the filter hides: say so, and offer the way to it. */
      if (self->lines != NULL && tftsr_log_lines_get_filtered (self->lines) && number > 0 &&
          number <= tftsr_log_lines_get_n_lines (self->lines))
        {
          g_autofree char *message =
              g_strdup_printf (_ ("Line %u is hidden by the filter"), (guint) number);
          AdwToast *hidden = adw_toast_new (message);

          adw_toast_set_button_label (hidden, _ ("_Show All Lines"));
          adw_toast_set_action_name (hidden, "viewer.show-all");
          adw_toast_set_action_target (hidden, "u", (guint32) number);
          adw_toast_overlay_add_toast (self->toast_overlay, hidden);
        }
      return;
    }
  gtk_widget_remove_css_class (GTK_WIDGET (self->goto_entry), "error");
  gtk_search_bar_set_search_mode (self->goto_bar, FALSE);
}

static void
goto_action (GtkWidget *widget, const char *name, GVariant *param)
{
  TftsrLogViewer *self = TFTSR_LOG_VIEWER (widget);

  gtk_search_bar_set_search_mode (self->goto_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->goto_entry));
}

static void
found (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TftsrLogViewer) self = user_data;
  g_autoptr (GError) error = NULL;
  gint64 row = tftsr_log_lines_find_finish (TFTSR_LOG_LINES (source), result, &error);
  g_autofree char *status = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (error != NULL)
    {
      toast (self, error->message);
      return;
    }
  if (row < 0)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->find_entry), "error");
      gtk_label_set_text (self->find_status, _ ("Not found"));
      return;
    }
  gtk_widget_remove_css_class (GTK_WIDGET (self->find_entry), "error");
  status = g_strdup_printf (_ ("Line %u"), number_at (self, row));
  gtk_label_set_text (self->find_status, status);
  show_row (self, row);
}

/* The first selected row, or GTK_INVALID_LIST_POSITION. */
static guint
first_selected (TftsrLogViewer *self)
{
  g_autoptr (GtkBitset) selected = gtk_selection_model_get_selection (self->selection);

  return gtk_bitset_is_empty (selected) ? GTK_INVALID_LIST_POSITION
                                        : gtk_bitset_get_minimum (selected);
}

/* Finds the text of the entry after (or before) the selected line; @include_current for
 * typing, so that a match on the line shown stays. */
static void
find (TftsrLogViewer *self, gboolean backwards, gboolean include_current)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->find_entry));
  guint n, from;

  if (self->lines == NULL)
    return;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_free (self->needle);
  self->needle = g_strdup (text);
  refresh_rows (self);
  if (*text == '\0')
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->find_entry), "error");
      gtk_label_set_text (self->find_status, "");
      return;
    }
  n = g_list_model_get_n_items (G_LIST_MODEL (self->lines));
  from = first_selected (self);
  if (from == GTK_INVALID_LIST_POSITION)
    from = backwards ? 0 : n - 1;
  else if (include_current)
    from = (from + n - 1) % n;
  self->cancellable = g_cancellable_new ();
  tftsr_log_lines_find_async (self->lines, text, from, backwards, self->cancellable, found,
                              g_object_ref (self));
}

static void
on_find_changed (TftsrLogViewer *self)
{
  find (self, FALSE, TRUE);
}

static void
on_find_next (TftsrLogViewer *self)
{
  find (self, FALSE, FALSE);
}

static void
on_find_previous (TftsrLogViewer *self)
{
  find (self, TRUE, FALSE);
}

static void
on_find_stop (TftsrLogViewer *self)
{
  gtk_search_bar_set_search_mode (self->find_bar, FALSE);
  g_clear_pointer (&self->needle, g_free);
  refresh_rows (self);
}

static void
find_action (GtkWidget *widget, const char *name, GVariant *param)
{
  TftsrLogViewer *self = TFTSR_LOG_VIEWER (widget);

  gtk_search_bar_set_search_mode (self->find_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->find_entry));
}

static void
redacted_action (GtkWidget *widget, const char *name, GVariant *param)
{
  TftsrLogViewer *self = TFTSR_LOG_VIEWER (widget);

  gtk_toggle_button_set_active (self->redacted_toggle,
                                !gtk_toggle_button_get_active (self->redacted_toggle));
}

/* --- long work: a bar with progress and Cancel, shown once it lasts ------------------- */

static gboolean
pulse_activity (gpointer user_data)
{
  TftsrLogViewer *self = user_data;

  gtk_progress_bar_pulse (self->activity_progress);
  return G_SOURCE_CONTINUE;
}

static void
reveal_activity (gpointer user_data)
{
  TftsrLogViewer *self = user_data;

  self->activity_reveal = 0;
  gtk_revealer_set_reveal_child (self->activity_revealer, TRUE);
}

/* Starts the one piece of long work the viewer runs at a time; without a known total the
 * bar pulses. */
static GCancellable *
begin_activity (TftsrLogViewer *self, const char *label, gboolean pulse)
{
  self->activity_cancellable = g_cancellable_new ();
  gtk_label_set_label (self->activity_label, label);
  gtk_progress_bar_set_fraction (self->activity_progress, 0);
  if (pulse)
    self->activity_pulse = g_timeout_add (120, pulse_activity, self);
  self->activity_reveal = g_timeout_add_once (300, reveal_activity, self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "viewer.export", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "viewer.mark", FALSE);
  return self->activity_cancellable;
}

static void
end_activity (TftsrLogViewer *self)
{
  g_clear_handle_id (&self->activity_pulse, g_source_remove);
  g_clear_handle_id (&self->activity_reveal, g_source_remove);
  g_clear_object (&self->activity_cancellable);
  if (self->closed)
    return;
  gtk_revealer_set_reveal_child (self->activity_revealer, FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "viewer.export", TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "viewer.mark", self->lines != NULL);
}

static void
on_activity_cancel (TftsrLogViewer *self)
{
  if (self->activity_cancellable != NULL)
    g_cancellable_cancel (self->activity_cancellable);
}

/* --- marking what the engine missed ----------------------------------------------------- */

typedef struct
{
  TftsrLogViewer *self;
  guint64 start;
  guint64 end;
  GtkDropDown *types;
} MarkJob;

static void
mark_job_free (MarkJob *job)
{
  g_object_unref (job->self);
  g_free (job);
}

/* Progress of a marking or a filter's search, in bytes of the log. */
static void
report_progress (guint64 done, guint64 total, gpointer user_data)
{
  TftsrLogViewer *self = user_data;

  /* A late report after the window closed has nowhere to go. */
  if (total > 0 && self->activity_cancellable != NULL)
    gtk_progress_bar_set_fraction (self->activity_progress, (double) done / (double) total);
}

static void
log_reloaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TftsrLogViewer) self = user_data;
  TftsrLogFile *log = tftsr_store_get_log_finish (TFTSR_STORE (source), result, NULL);

  /* Deleted meanwhile: the title keeps the count it had. */
  if (log == NULL || self->closed)
    {
      g_clear_object (&log);
      return;
    }
  g_set_object (&self->log, log);
  g_object_unref (log);
  update_title (self);
}

static void
marked (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TftsrLogViewer) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *message = NULL;
  guint count = tftsr_store_mark_pii_value_finish (TFTSR_STORE (source), result, &error);

  end_activity (self);
  if (count == 0)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast (self, error->message);
      return;
    }
  g_signal_emit (self, signals[CHANGED], 0);
  if (self->closed)
    return;
  tftsr_log_lines_reload (self->lines);
  tftsr_store_get_log_async (self->store, tftsr_log_file_get_id (self->log), NULL, log_reloaded,
                             g_object_ref (self));
  message = g_strdup_printf (
      g_dngettext (GETTEXT_PACKAGE, "Marked %u occurrence: it now leaves as a pseudonym",
                   "Marked %u occurrences: they now leave as a pseudonym", count),
      count);
  toast (self, message);
}

static void
mark_response (AdwMessageDialog *dialog, const char *response, MarkJob *job)
{
  TftsrLogViewer *self = job->self;
  guint type = gtk_drop_down_get_selected (job->types);
  gboolean everywhere = g_str_equal (response, "everywhere");
  GCancellable *cancellable;

  if ((everywhere || g_str_equal (response, "here")) && type < TFTSR_PII_N_TYPES &&
      self->activity_cancellable == NULL)
    {
      cancellable = begin_activity (self, _ ("Redacting every occurrence…"), FALSE);
      tftsr_store_mark_pii_value_async (self->store, tftsr_log_file_get_id (self->log), job->start,
                                        job->end, tftsr_pii_type_to_string (type), everywhere,
                                        report_progress, self, cancellable, marked,
                                        g_object_ref (self));
    }
  mark_job_free (job);
}

static GtkDropDown *
type_drop_down (void)
{
  GtkStringList *names = gtk_string_list_new (NULL);

  for (guint i = 0; i < TFTSR_PII_N_TYPES; i++)
    gtk_string_list_append (names, tftsr_pii_type_get_description (i));
  return GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (names), NULL));
}

static void
ask_type (TftsrLogViewer *self, const char *selected, guint64 start, guint64 end)
{
  MarkJob *job = g_new0 (MarkJob, 1);
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), _ ("Redact Selection?"), NULL);
  g_autofree char *shown = g_utf8_make_valid (selected, -1);

  job->self = g_object_ref (self);
  job->start = start;
  job->end = end;
  job->types = type_drop_down ();
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  _ ("“%s” will be replaced by a pseudonym wherever this "
                                     "incident’s content leaves the app, here only or in "
                                     "every log of the incident. What is it?"),
                                  shown);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), GTK_WIDGET (job->types));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _ ("_Cancel"), "here",
                                    _ ("Only _Here"), "everywhere", _ ("Redact _Everywhere"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "everywhere",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "everywhere");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (mark_response), job);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
mark_action (GtkWidget *widget, const char *name, GVariant *param)
{
  TftsrLogViewer *self = TFTSR_LOG_VIEWER (widget);
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));
  TftsrLogLine *line;
  const char *text;
  int start = 0, end = 0;
  guint64 log_start, log_end;
  g_autofree char *selected = NULL;

  line = GTK_IS_LABEL (focus) ? g_object_get_data (G_OBJECT (focus), "line") : NULL;
  if (line == NULL || !gtk_label_get_selection_bounds (GTK_LABEL (focus), &start, &end))
    {
      toast (self, _ ("Select the text to redact in a line first"));
      return;
    }
  text = gtk_label_get_text (GTK_LABEL (focus));
  start = g_utf8_offset_to_pointer (text, start) - text;
  end = g_utf8_offset_to_pointer (text, end) - text;
  if (!tftsr_log_line_get_log_range (line, start, end, &log_start, &log_end))
    {
      toast (self, gtk_toggle_button_get_active (self->redacted_toggle)
                       ? _ ("Switch off the redacted view to mark text")
                       : _ ("This part of the line is not plain text and cannot be marked "
                            "here"));
      return;
    }
  selected = g_strndup (text + start, end - start);
  ask_type (self, selected, log_start, log_end);
}

/* --- filtering -------------------------------------------------------------------------- */

/* The bar above the lines says what is shown; an empty result replaces the list with a
 * page that says so. */
static void
update_filter (TftsrLogViewer *self)
{
  gboolean filtered = self->lines != NULL && tftsr_log_lines_get_filtered (self->lines);
  guint shown = self->lines != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->lines)) : 0;

  /* Without a line to show, the status page says it all. */
  gtk_revealer_set_reveal_child (self->filter_revealer, filtered && shown > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "viewer.show-all", filtered);
  /* GTK 4.8's search entry has the property but no setter. */
  g_object_set (self->find_entry, "placeholder-text",
                filtered ? _ ("Find in filtered lines") : _ ("Find in log"), NULL);
  if (self->lines == NULL)
    return;
  gtk_stack_set_visible_child_name (self->stack, filtered && shown == 0 ? "empty" : "lines");
  if (filtered)
    {
      g_autofree char *total = tftsr_format_lines (tftsr_log_lines_get_n_lines (self->lines));
      /* The status page reads markup; templates hold "<*>". */
      g_autofree char *escaped = g_markup_escape_text (self->filter_description, -1);
      g_autofree char *text = NULL, *empty = NULL;

      /* Translators: %1$s is what the filter selects (e.g. a log template), %2$u the lines
       * shown, %3$s the lines of the log ("1200 lines") */
      text = g_strdup_printf (_ ("%1$s · %2$u of %3$s"), self->filter_description, shown, total);
      gtk_label_set_text (self->filter_label, text);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->filter_label), text);
      /* Translators: %s is what the filter selects, e.g. a log template */
      empty = g_strdup_printf (_ ("No line of this log matches “%s”."), escaped);
      adw_status_page_set_description (self->empty_page, empty);
    }
}

typedef struct
{
  TftsrLogViewer *self;
  GCancellable *cancellable;
  char *description; /* shown once the lines are, so a cancelled search changes nothing */
} FilterJob;

static void
filter_job_free (FilterJob *job)
{
  g_object_unref (job->self);
  g_object_unref (job->cancellable);
  g_free (job->description);
  g_free (job);
}

static void
filter_lines_found (GObject *source, GAsyncResult *result, gpointer user_data)
{
  FilterJob *job = user_data;
  TftsrLogViewer *self = job->self;
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) numbers =
      tftsr_store_find_log_lines_finish (TFTSR_STORE (source), result, &error);

  /* A search replaced by a newer filter has nothing to say. */
  if (job->cancellable != self->activity_cancellable)
    {
      filter_job_free (job);
      return;
    }
  self->filtering = FALSE;
  end_activity (self);
  if (numbers == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast (self, error->message);
      filter_job_free (job);
      return;
    }
  g_free (self->filter_description);
  self->filter_description = g_steal_pointer (&job->description);
  filter_job_free (job);
  if (self->lines == NULL)
    {
      self->filter_lines = g_steal_pointer (&numbers);
      return;
    }
  tftsr_log_lines_set_subset (self->lines, numbers);
  update_filter (self);
}

void
tftsr_log_viewer_set_filter (TftsrLogViewer *self, const TftsrLogLineFilter *filter,
                             const char *description)
{
  g_autofree char *label = NULL;
  FilterJob *job;

  g_return_if_fail (TFTSR_IS_LOG_VIEWER (self));
  g_return_if_fail (filter != NULL);
  g_return_if_fail (description != NULL);

  if (self->activity_cancellable != NULL)
    {
      if (!self->filtering)
        {
          toast (self, _ ("The lines can be filtered once the current task has finished"));
          return;
        }
      on_activity_cancel (self);
      end_activity (self);
    }
  g_clear_pointer (&self->filter_lines, g_array_unref);
  /* Translators: %s is what the filter selects, e.g. a log template */
  label = g_strdup_printf (_ ("Finding lines: %s…"), description);
  job = g_new0 (FilterJob, 1);
  job->self = g_object_ref (self);
  job->description = g_strdup (description);
  job->cancellable = g_object_ref (begin_activity (self, label, FALSE));
  self->filtering = TRUE;
  tftsr_store_find_log_lines_async (self->store, tftsr_log_file_get_id (self->log), filter,
                                    report_progress, self, job->cancellable, filter_lines_found,
                                    job);
}

/* Every line again; line @number (or else the selected one) stays in view. */
static void
show_all_action (GtkWidget *widget, const char *name, GVariant *param)
{
  TftsrLogViewer *self = TFTSR_LOG_VIEWER (widget);
  guint number = g_variant_get_uint32 (param);
  guint selected;

  if (self->lines == NULL || !tftsr_log_lines_get_filtered (self->lines))
    return;
  selected = first_selected (self);
  if (number == 0 && selected != GTK_INVALID_LIST_POSITION)
    number = number_at (self, selected);
  tftsr_log_lines_set_subset (self->lines, NULL);
  g_clear_pointer (&self->filter_description, g_free);
  update_filter (self);
  if (number > 0)
    tftsr_log_viewer_go_to_line (self, number);
}

/* --- attaching lines to the chat --------------------------------------------------------- */

/* The lines to attach (1-based, as numbered on screen): the selected rows, which must be
 * one run, or else the line whose text has the focus (its context menu was opened). */
static gboolean
lines_to_attach (TftsrLogViewer *self, guint64 *first, guint64 *last)
{
  g_autoptr (GtkBitset) selected = gtk_selection_model_get_selection (self->selection);
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));
  TftsrLogLine *line = GTK_IS_LABEL (focus) ? g_object_get_data (G_OBJECT (focus), "line") : NULL;

  if (!gtk_bitset_is_empty (selected))
    {
      /* Numbers rise with positions, so a run of rows is a run of lines only when the
       * numbers span as many lines as are selected (a filter can hide some between). */
      *first = number_at (self, gtk_bitset_get_minimum (selected));
      *last = number_at (self, gtk_bitset_get_maximum (selected));
      if (gtk_bitset_get_size (selected) == *last - *first + 1)
        return TRUE;
      toast (self, _ ("Select lines that follow one another in the log: an excerpt is one "
                      "range of lines"));
      return FALSE;
    }
  if (line != NULL)
    {
      *first = *last = tftsr_log_line_get_number (line);
      return TRUE;
    }
  toast (self, _ ("Select the lines to attach first: click a line number, then Shift+click "
                  "another"));
  return FALSE;
}

/* The window behind shows the incident's Triage view with the lines waiting to be sent.
 * The viewer may have been opened from another window (the Insight window), itself in
 * front of the main one: the first window up the chain with the action takes it. */
static void
attach_action (GtkWidget *widget, const char *name, GVariant *param)
{
  TftsrLogViewer *self = TFTSR_LOG_VIEWER (widget);
  g_autofree char *log_name = tftsr_display_text (tftsr_log_file_get_name (self->log));
  GtkWindow *behind;
  guint64 first, last;

  if (self->lines == NULL || !lines_to_attach (self, &first, &last))
    return;
  for (behind = gtk_window_get_transient_for (GTK_WINDOW (self)); behind != NULL;
       behind = gtk_window_get_transient_for (behind))
    if (gtk_widget_activate_action (GTK_WIDGET (behind), "win.attach-to-chat", "(xxtts)",
                                    tftsr_log_file_get_issue_id (self->log),
                                    tftsr_log_file_get_id (self->log), first, last, log_name))
      {
        toast (self, _ ("Attached to the next message in the triage chat"));
        return;
      }
  toast (self, _ ("The triage chat is not open: open the incident in the main window"));
}

/* --- exporting ------------------------------------------------------------------------ */

typedef struct
{
  TftsrStore *store;
  gint64 log_id;
} ExportData;

static void
export_data_free (ExportData *data)
{
  g_object_unref (data->store);
  g_free (data);
}

/* In the worker: the redacted copy goes through the egress module, which records it. */
static TftsrEgressReceipt *
export_log (gpointer user_data, GOutputStream *output, const char *destination,
            GCancellable *cancellable, GError **error)
{
  ExportData *data = user_data;
  return tftsr_egress_export_log (data->store, data->log_id, output, destination, cancellable,
                                  error);
}

static void
exported (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TftsrLogViewer) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrEgressReceipt) receipt = tftsr_export_to_file_finish (result, &error);
  g_autofree char *message = NULL;

  end_activity (self);
  g_signal_emit (self, signals[EXPORTED], 0, receipt != NULL);
  if (receipt == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast (self, error->message);
      return;
    }
  message = tftsr_export_describe (receipt);
  toast (self, message);
}

void
tftsr_log_viewer_export (TftsrLogViewer *self, GFile *file)
{
  ExportData *data;
  GCancellable *cancellable;

  g_return_if_fail (TFTSR_IS_LOG_VIEWER (self));
  g_return_if_fail (G_IS_FILE (file));
  if (self->activity_cancellable != NULL)
    return;

  data = g_new0 (ExportData, 1);
  data->store = g_object_ref (self->store);
  data->log_id = tftsr_log_file_get_id (self->log);
  cancellable = begin_activity (self, _ ("Writing a redacted copy…"), TRUE);
  tftsr_export_to_file_async (file, export_log, data, (GDestroyNotify) export_data_free,
                              cancellable, exported, g_object_ref (self));
}

static void
export_file_chosen (GtkNativeDialog *chooser, int response, gpointer user_data)
{
  TftsrLogViewer *self = user_data;
  g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

  if (response == GTK_RESPONSE_ACCEPT && file != NULL)
    tftsr_log_viewer_export (self, file);
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
  g_object_unref (self);
}

static void
export_action (GtkWidget *widget, const char *name, GVariant *param)
{
  TftsrLogViewer *self = TFTSR_LOG_VIEWER (widget);
  GtkFileChooserNative *chooser =
      gtk_file_chooser_native_new (_ ("Export Redacted Copy"), GTK_WINDOW (self),
                                   GTK_FILE_CHOOSER_ACTION_SAVE, _ ("_Export"), NULL);
  g_autofree char *base = g_strdup (tftsr_log_file_get_name (self->log));
  char *dot = strrchr (base, '.');
  g_autofree char *suggested = NULL;

  if (dot != NULL && dot != base)
    *dot = '\0';
  suggested = g_strdup_printf ("%s-redacted.log", base);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), suggested);
  g_signal_connect (chooser, "response", G_CALLBACK (export_file_chosen), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* --- public ---------------------------------------------------------------------------- */

TftsrLogViewer *
tftsr_log_viewer_new (TftsrStore *store, TftsrLogFile *log)
{
  TftsrLogViewer *self;
  g_autofree char *name = NULL;

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);
  g_return_val_if_fail (TFTSR_IS_LOG_FILE (log), NULL);

  self = g_object_new (TFTSR_TYPE_LOG_VIEWER, NULL);
  self->store = g_object_ref (store);
  self->log = g_object_ref (log);
  name = tftsr_display_text (tftsr_log_file_get_name (log));
  adw_window_title_set_title (self->window_title, name);
  gtk_window_set_title (GTK_WINDOW (self), name);
  update_title (self);
  self->cancellable = g_cancellable_new ();
  tftsr_log_lines_new_async (store, tftsr_log_file_get_id (log), self->cancellable, lines_opened,
                             g_object_ref (self));
  return self;
}

TftsrLogLines *
tftsr_log_viewer_get_lines (TftsrLogViewer *self)
{
  g_return_val_if_fail (TFTSR_IS_LOG_VIEWER (self), NULL);
  return self->lines;
}

/* --- class ----------------------------------------------------------------------------- */

static void
tftsr_log_viewer_dispose (GObject *object)
{
  TftsrLogViewer *self = TFTSR_LOG_VIEWER (object);

  self->closed = TRUE;
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  on_activity_cancel (self);
  g_clear_object (&self->activity_cancellable);
  g_clear_handle_id (&self->activity_pulse, g_source_remove);
  g_clear_handle_id (&self->activity_reveal, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), TFTSR_TYPE_LOG_VIEWER);
  G_OBJECT_CLASS (tftsr_log_viewer_parent_class)->dispose (object);
}

static void
tftsr_log_viewer_finalize (GObject *object)
{
  TftsrLogViewer *self = TFTSR_LOG_VIEWER (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->activity_cancellable);
  g_clear_object (&self->selection);
  g_clear_object (&self->line_menu);
  g_clear_object (&self->lines);
  g_clear_object (&self->log);
  g_clear_object (&self->store);
  g_free (self->needle);
  g_free (self->filter_description);
  g_clear_pointer (&self->filter_lines, g_array_unref);
  g_hash_table_unref (self->bound);
  G_OBJECT_CLASS (tftsr_log_viewer_parent_class)->finalize (object);
}

static void
tftsr_log_viewer_class_init (TftsrLogViewerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tftsr_log_viewer_dispose;
  object_class->finalize = tftsr_log_viewer_finalize;

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                   NULL, NULL, G_TYPE_NONE, 0);
  signals[READY] = g_signal_new ("ready", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                 NULL, NULL, G_TYPE_NONE, 0);
  signals[EXPORTED] = g_signal_new ("exported", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                    NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               TFTSR_RESOURCE_PATH "/ui/tftsr-log-viewer.ui");
  gtk_widget_class_bind_template_child (widget_class, TftsrLogViewer, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, TftsrLogViewer, window_title);
  gtk_widget_class_bind_template_child (widget_class, TftsrLogViewer, redacted_toggle);
  gtk_widget_class_bind_template_child (widget_class, TftsrLogViewer, find_toggle);
  gtk_widget_class_bind_template_child (widget_class, TftsrLogViewer, find_bar);
  gtk_widget_class_bind_template_child (widget_class, TftsrLogViewer, find_entry);
  gtk_widget_class_bind_template_child (widget_class, TftsrLogViewer, find_status);
  gtk_widget_class_bind_template_child (widget_class, TftsrLogViewer, goto_bar);
  gtk_widget_class_bind_template_child (widget_class, TftsrLogViewer, goto_entry);
  gtk_widget_class_bind_template_child (widget_class, TftsrLogViewer, activity_revealer);
  gtk_widget_class_bind_template_child (widget_class, TftsrLogViewer, activity_label);
  gtk_widget_class_bind_template_child (widget_class, TftsrLogViewer, activity_progress);
  gtk_widget_class_bind_template_child (widget_class, TftsrLogViewer, filter_revealer);
  gtk_widget_class_bind_template_child (widget_class, TftsrLogViewer, filter_label);
  gtk_widget_class_bind_template_child (widget_class, TftsrLogViewer, empty_page);
  gtk_widget_class_bind_template_child (widget_class, TftsrLogViewer, stack);
  gtk_widget_class_bind_template_child (widget_class, TftsrLogViewer, error_page);
  gtk_widget_class_bind_template_child (widget_class, TftsrLogViewer, list_view);
  gtk_widget_class_bind_template_callback (widget_class, on_redacted_toggled);
  gtk_widget_class_bind_template_callback (widget_class, on_find_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_find_next);
  gtk_widget_class_bind_template_callback (widget_class, on_find_previous);
  gtk_widget_class_bind_template_callback (widget_class, on_find_stop);
  gtk_widget_class_bind_template_callback (widget_class, on_goto_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_activity_cancel);

  gtk_widget_class_install_action (widget_class, "viewer.find", NULL, find_action);
  gtk_widget_class_install_action (widget_class, "viewer.goto", NULL, goto_action);
  gtk_widget_class_install_action (widget_class, "viewer.mark", NULL, mark_action);
  gtk_widget_class_install_action (widget_class, "viewer.attach", NULL, attach_action);
  gtk_widget_class_install_action (widget_class, "viewer.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "viewer.redacted", NULL, redacted_action);
  gtk_widget_class_install_action (widget_class, "viewer.show-all", "u", show_all_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "viewer.find",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_l, GDK_CONTROL_MASK, "viewer.goto",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_m, GDK_CONTROL_MASK, "viewer.mark",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "viewer.redacted",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "viewer.export", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close",
                                       NULL);
}

static void
tftsr_log_viewer_init (TftsrLogViewer *self)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  self->number_chars = 3;
  self->bound = g_hash_table_new (NULL, NULL);
  self->line_menu = g_menu_new ();
  g_menu_append (self->line_menu, _ ("_Attach Lines to Chat"), "viewer.attach");
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row), self);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);
  gtk_search_bar_set_key_capture_widget (self->find_bar, GTK_WIDGET (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "viewer.goto", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "viewer.mark", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "viewer.attach", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "viewer.show-all", FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->find_toggle), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->redacted_toggle), FALSE);
}
