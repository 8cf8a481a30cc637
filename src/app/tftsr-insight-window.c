/* tftsr-insight-window.c
 *
 * The insight is stored with the log: mined once (in the core's worker, progress relayed
 * here), read back on later opens. The templates are a GListStore of small items over
 * the insight's own array, filtered and sorted by models, so twenty thousand of them stay
 * quick. Storing the moment of a change, and comparing before and after it, run in a
 * worker: the UI thread never waits on the database.
 *
 * Times are shown and typed in UTC: the miner reads a zoneless log as UTC, so the times
 * shown are the ones written in the log.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>
#include <stdlib.h>

#include "tftsr-app-format.h"
#include "tftsr-histogram.h"
#include "tftsr-insight-template.h"
#include "tftsr-insight-window.h"
#include "tftsr-log-viewer.h"

/* The progress page only shows for a run that lasts: a stored insight opens at once. */
#define PROGRESS_DELAY_MS 250

enum
{
  SORT_COUNT,
  SORT_RARITY,
  SORT_LEVEL,
  SORT_FIRST_SEEN,
};

struct _TftsrInsightWindow
{
  AdwWindow parent_instance;

  TftsrStore *store;
  TftsrLogFile *log;
  TftsrLogInsight *insight;
  GCancellable *mining;   /* the run in flight, or NULL */
  GCancellable *changing; /* storing or comparing a moment, or NULL */
  gboolean storing;       /* ...and it stores one: another waits for it */
  guint progress_timeout;
  gboolean has_times;
  gint64 time_first; /* the histogram's span, µs */
  gint64 time_end;
  gint64 change_time; /* the moment as stored */

  GListStore *templates; /* TftsrInsightTemplate */
  GtkStringFilter *filter;
  GtkFilterListModel *filtered;
  GtkSortListModel *sorted;
  GListStore *changes; /* TftsrInsightTemplate with a change */

  AdwToastOverlay *toast_overlay;
  AdwWindowTitle *window_title;
  GtkMenuButton *change_button;
  GtkPopover *change_popover;
  GtkLabel *change_help;
  GtkWidget *change_form;
  GtkEntry *change_entry;
  GtkLabel *change_error;
  GtkWidget *clear_button;
  GtkStack *stack;
  GtkProgressBar *mining_progress;
  GtkLabel *mining_label;
  AdwStatusPage *error_page;
  GtkWidget *timeline_box;
  GtkLabel *range_label;
  TftsrHistogram *histogram;
  GtkWidget *no_time_box;
  GtkWidget *switcher_bar;
  GtkStack *list_stack;
  GtkSearchEntry *search_entry;
  GtkDropDown *sort_dropdown;
  GtkLabel *count_label;
  GtkStack *templates_stack;
  GtkColumnView *template_view;
  GtkColumnViewColumn *level_column;
  GtkColumnViewColumn *count_column;
  GtkColumnViewColumn *text_column;
  GtkColumnViewColumn *first_column;
  GtkLabel *changes_title;
  GtkLabel *changes_summary;
  GtkStack *changes_stack;
  AdwStatusPage *no_change_page;
  GtkListView *change_view;
};

G_DEFINE_FINAL_TYPE (TftsrInsightWindow, tftsr_insight_window, ADW_TYPE_WINDOW)

enum
{
  READY,
  CHANGES_SHOWN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean
spans_days (TftsrInsightWindow *self)
{
  return self->time_first / G_USEC_PER_SEC / 86400 != (self->time_end - 1) / G_USEC_PER_SEC / 86400;
}

/* A moment of this log as shown: with the day only when the log spans several. */
static char *
format_moment (TftsrInsightWindow *self, gint64 time)
{
  return tftsr_format_log_time (time, time % (60 * G_USEC_PER_SEC) != 0, spans_days (self));
}

static char *
format_count (guint64 n)
{
  return g_strdup_printf ("%'" G_GUINT64_FORMAT, n);
}

/* --- opening the log viewer on some of the lines ------------------------------------- */

static void
open_viewer (TftsrInsightWindow *self, const TftsrLogLineFilter *filter, const char *description)
{
  TftsrLogViewer *viewer = tftsr_log_viewer_new (self->store, self->log);

  gtk_window_set_transient_for (GTK_WINDOW (viewer), GTK_WINDOW (self));
  gtk_window_present (GTK_WINDOW (viewer));
  tftsr_log_viewer_set_filter (viewer, filter, description);
}

static void
open_template (TftsrInsightWindow *self, TftsrInsightTemplate *item)
{
  const TftsrLogTemplate *template = tftsr_insight_template_get_template (item);
  TftsrLogLineFilter filter = { .template_id = template->id };
  g_autofree char *count = format_count (template->count);
  /* Translators: what the log viewer shows: "Lines of template 12 (1,234)" */
  g_autofree char *description =
      g_strdup_printf (_ ("Lines of template %u (%s)"), template->id, count);

  open_viewer (self, &filter, description);
}

static void
on_template_activate (TftsrInsightWindow *self, guint position)
{
  g_autoptr (TftsrInsightTemplate) item = g_list_model_get_item (
      G_LIST_MODEL (gtk_column_view_get_model (self->template_view)), position);
  if (item != NULL)
    open_template (self, item);
}

static void
on_change_activate (TftsrInsightWindow *self, guint position)
{
  g_autoptr (TftsrInsightTemplate) item =
      g_list_model_get_item (G_LIST_MODEL (self->changes), position);
  if (item != NULL)
    open_template (self, item);
}

static void
on_range_selected (TftsrInsightWindow *self, gint64 from, gint64 to)
{
  TftsrLogLineFilter filter = { .from = from, .to = to };
  g_autofree char *start = format_moment (self, from);
  g_autofree char *end = format_moment (self, to);
  /* Translators: what the log viewer shows: "Lines from 03:05 to 03:10 (UTC)" */
  g_autofree char *description = g_strdup_printf (_ ("Lines from %s to %s (UTC)"), start, end);

  open_viewer (self, &filter, description);
}

/* --- the templates' columns -------------------------------------------------------------- */

static GtkWidget *
pill_new (void)
{
  GtkWidget *pill = gtk_label_new (NULL);

  gtk_widget_add_css_class (pill, "level-pill");
  gtk_widget_set_halign (pill, GTK_ALIGN_START);
  gtk_widget_set_valign (pill, GTK_ALIGN_CENTER);
  return pill;
}

/* Shows @level in @pill: its name, coloured by its class. */
static void
show_level (GtkWidget *pill, TftsrLogLevel level)
{
  static const char *const classes[] = { "error", "warning", "info", "debug", "none" };

  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    gtk_widget_remove_css_class (pill, classes[i]);
  gtk_widget_add_css_class (pill, tftsr_log_level_css_class (level));
  gtk_label_set_text (GTK_LABEL (pill), tftsr_log_level_label (level));
}

static void
setup_level (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  gtk_list_item_set_child (item, pill_new ());
}

static void
bind_level (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  const TftsrLogTemplate *template =
      tftsr_insight_template_get_template (gtk_list_item_get_item (item));
  show_level (gtk_list_item_get_child (item), template->level);
}

static void
setup_count (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_widget_add_css_class (label, "numeric");
  gtk_list_item_set_child (item, label);
}

static void
bind_count (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  const TftsrLogTemplate *template =
      tftsr_insight_template_get_template (gtk_list_item_get_item (item));
  g_autofree char *count = format_count (template->count);

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)), count);
}

static void
setup_text (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "template-text");
  gtk_list_item_set_child (item, label);
}

static void
bind_text (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  const TftsrLogTemplate *template =
      tftsr_insight_template_get_template (gtk_list_item_get_item (item));
  GtkWidget *label = gtk_list_item_get_child (item);
  g_autofree char *text = tftsr_display_text (template->text);
  g_autofree char *tooltip =
      /* Translators: a template's tooltip: its whole text, then how to read its lines */
      g_strdup_printf (_ ("%s\n\nDouble-click or press Enter to read its lines."), text);

  gtk_label_set_text (GTK_LABEL (label), text);
  /* The whole text, which the column may cut. */
  gtk_widget_set_tooltip_text (label, tooltip);
}

static void
setup_first (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "numeric");
  gtk_widget_add_css_class (label, "dim-label");
  gtk_list_item_set_child (item, label);
}

static void
bind_first (GtkSignalListItemFactory *factory, GtkListItem *item, TftsrInsightWindow *self)
{
  const TftsrLogTemplate *template =
      tftsr_insight_template_get_template (gtk_list_item_get_item (item));
  g_autofree char *text = NULL;

  if (template->first_time != 0)
    text = tftsr_format_log_time (template->first_time, TRUE, spans_days (self));
  else
    /* Translators: where a template was first seen in a log without times */
    text = g_strdup_printf (_ ("line %" G_GUINT64_FORMAT), template->first_line);
  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)), text);
}

static void
set_factory (GtkColumnViewColumn *column, GCallback setup, GCallback bind, gpointer user_data)
{
  g_autoptr (GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  g_signal_connect (factory, "setup", setup, user_data);
  g_signal_connect (factory, "bind", bind, user_data);
  gtk_column_view_column_set_factory (column, factory);
}

/* --- sorting and filtering --------------------------------------------------------------- */

static void
add_key (GtkMultiSorter *sorter, const char *property, GtkSortType order)
{
  GtkNumericSorter *key = gtk_numeric_sorter_new (
      gtk_property_expression_new (TFTSR_TYPE_INSIGHT_TEMPLATE, NULL, property));

  gtk_numeric_sorter_set_sort_order (key, order);
  gtk_multi_sorter_append (sorter, GTK_SORTER (key));
}

static void
on_sort_changed (TftsrInsightWindow *self)
{
  g_autoptr (GtkMultiSorter) sorter = gtk_multi_sorter_new ();

  switch (gtk_drop_down_get_selected (self->sort_dropdown))
    {
    case SORT_RARITY:
      add_key (sorter, "count", GTK_SORT_ASCENDING);
      break;
    case SORT_LEVEL:
      add_key (sorter, "level", GTK_SORT_DESCENDING);
      add_key (sorter, "count", GTK_SORT_DESCENDING);
      break;
    case SORT_FIRST_SEEN:
      break;
    case SORT_COUNT:
    default:
      add_key (sorter, "count", GTK_SORT_DESCENDING);
      break;
    }
  /* Ties in the order the log first showed them. */
  add_key (sorter, "first-line", GTK_SORT_ASCENDING);
  gtk_sort_list_model_set_sorter (self->sorted, GTK_SORTER (sorter));
}

static void
update_count (TftsrInsightWindow *self)
{
  guint total = g_list_model_get_n_items (G_LIST_MODEL (self->templates));
  guint shown = g_list_model_get_n_items (G_LIST_MODEL (self->filtered));
  g_autofree char *text = NULL;

  if (shown == total)
    text = g_strdup_printf (g_dngettext (NULL, "%u template", "%u templates", total), total);
  else
    /* Translators: "3 of 56 templates" */
    text = g_strdup_printf (g_dngettext (NULL, "%u of %u template", "%u of %u templates", total),
                            shown, total);
  gtk_label_set_text (self->count_label, text);
  gtk_stack_set_visible_child_name (self->templates_stack, total == 0   ? "empty"
                                                           : shown == 0 ? "no-match"
                                                                        : "list");
}

static void
on_search_changed (TftsrInsightWindow *self)
{
  gtk_string_filter_set_search (self->filter,
                                gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
}

static void
on_search_stop (TftsrInsightWindow *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
}

static void
search_action (GtkWidget *widget, const char *name, GVariant *param)
{
  TftsrInsightWindow *self = TFTSR_INSIGHT_WINDOW (widget);

  if (self->insight == NULL)
    return;
  gtk_stack_set_visible_child_name (self->list_stack, "templates");
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

/* --- what changed ------------------------------------------------------------------------ */

static void
setup_change (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *kind = gtk_label_new (NULL);
  GtkWidget *text = gtk_label_new (NULL);
  GtkWidget *counts = gtk_label_new (NULL);

  gtk_widget_add_css_class (kind, "change-pill");
  gtk_widget_set_valign (kind, GTK_ALIGN_CENTER);
  gtk_label_set_width_chars (GTK_LABEL (kind), 7);
  gtk_label_set_xalign (GTK_LABEL (text), 0);
  gtk_label_set_ellipsize (GTK_LABEL (text), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (text, TRUE);
  gtk_widget_add_css_class (text, "template-text");
  gtk_label_set_xalign (GTK_LABEL (counts), 1);
  gtk_widget_add_css_class (counts, "numeric");
  gtk_widget_add_css_class (counts, "dim-label");
  gtk_box_append (GTK_BOX (box), kind);
  gtk_box_append (GTK_BOX (box), pill_new ());
  gtk_box_append (GTK_BOX (box), text);
  gtk_box_append (GTK_BOX (box), counts);
  gtk_list_item_set_child (item, box);
}

static void
bind_change (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  TftsrInsightTemplate *entry = gtk_list_item_get_item (item);
  const TftsrLogTemplate *template = tftsr_insight_template_get_template (entry);
  const TftsrLogChange *change = tftsr_insight_template_get_change (entry);
  GtkWidget *kind = gtk_widget_get_first_child (gtk_list_item_get_child (item));
  GtkWidget *level = gtk_widget_get_next_sibling (kind);
  GtkWidget *text = gtk_widget_get_next_sibling (level);
  GtkWidget *counts = gtk_widget_get_next_sibling (text);
  g_autofree char *shown = tftsr_display_text (template->text);
  g_autofree char *before = format_count (change->count_before);
  g_autofree char *after = format_count (change->count_after);
  g_autofree char *kind_text = NULL;
  g_autofree char *counts_text = NULL;
  static const char *const kinds[] = { "new", "rate", "gone" };

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    gtk_widget_remove_css_class (kind, kinds[i]);
  gtk_widget_add_css_class (kind, kinds[change->kind]);
  switch (change->kind)
    {
    case TFTSR_LOG_CHANGE_NEW:
      kind_text = g_strdup (C_ ("template change", "New"));
      break;
    case TFTSR_LOG_CHANGE_RATE:
      /* Translators: how many times more often a template is seen: "×4.2" */
      kind_text = change->rate_before > 0
                      ? g_strdup_printf (_ ("×%.1f"), change->rate_after / change->rate_before)
                      : g_strdup (C_ ("template change", "More"));
      break;
    case TFTSR_LOG_CHANGE_GONE:
    default:
      kind_text = g_strdup (C_ ("template change", "Gone"));
      break;
    }
  gtk_label_set_text (GTK_LABEL (kind), kind_text);
  show_level (level, template->level);
  gtk_label_set_text (GTK_LABEL (text), shown);
  gtk_widget_set_tooltip_text (text, shown);
  /* Translators: a template's lines before and after the marked moment: "12 → 340" */
  counts_text = g_strdup_printf (_ ("%s → %s lines"), before, after);
  gtk_label_set_text (GTK_LABEL (counts), counts_text);
}

/* Appends @part (taken) to @text when @n is not 0. */
static void
add_part (GString *text, guint n, char *part)
{
  if (n > 0)
    g_string_append_printf (text, "%s%s", text->len > 0 ? " · " : "", part);
  g_free (part);
}

static void
show_changes (TftsrInsightWindow *self, GArray *changes)
{
  g_autofree char *moment = format_moment (self, self->change_time);
  g_autofree char *title = NULL;
  g_autoptr (GString) summary = NULL;
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  guint counts[3] = { 0 };

  for (guint i = 0; i < changes->len; i++)
    {
      const TftsrLogChange *change = &g_array_index (changes, TftsrLogChange, i);
      const TftsrLogTemplate *template =
          tftsr_log_insight_get_template (self->insight, change->template_id);

      if (template == NULL)
        continue;
      g_ptr_array_add (items, tftsr_insight_template_new_change (self->insight, template, change));
      counts[change->kind]++;
    }
  g_list_store_splice (self->changes, 0, g_list_model_get_n_items (G_LIST_MODEL (self->changes)),
                       items->pdata, items->len);

  /* Translators: %s is the marked moment, "03:05" */
  title = g_strdup_printf (_ ("Changes after %s"), moment);
  gtk_label_set_text (self->changes_title, title);
  summary = g_string_new (NULL);
  /* Translators: parts of "2 new · 1 more often · 3 gone", each shown when not 0 */
  add_part (summary, counts[TFTSR_LOG_CHANGE_NEW],
            g_strdup_printf (_ ("%u new"), counts[TFTSR_LOG_CHANGE_NEW]));
  add_part (summary, counts[TFTSR_LOG_CHANGE_RATE],
            g_strdup_printf (_ ("%u more often"), counts[TFTSR_LOG_CHANGE_RATE]));
  add_part (summary, counts[TFTSR_LOG_CHANGE_GONE],
            g_strdup_printf (_ ("%u gone"), counts[TFTSR_LOG_CHANGE_GONE]));
  gtk_label_set_text (self->changes_summary, summary->str);
  {
    g_autofree char *none = g_strdup_printf (
        _ ("The same templates were seen at about the same rates before and after %s."), moment);
    adw_status_page_set_description (self->no_change_page, none);
  }
  gtk_stack_set_visible_child_name (self->changes_stack, items->len > 0 ? "list" : "none");
}

/* Shows the view for the stored moment: with one, its changes; without, the templates. */
static void
show_moment (TftsrInsightWindow *self, GArray *changes)
{
  gboolean marked = self->change_time != 0;

  tftsr_histogram_set_mark (self->histogram, self->change_time);
  gtk_widget_set_visible (self->switcher_bar, marked);
  gtk_widget_set_visible (self->clear_button, marked);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "insight.clear-change", marked);
  if (marked)
    {
      g_autofree char *moment = format_moment (self, self->change_time);
      show_changes (self, changes);
      gtk_editable_set_text (GTK_EDITABLE (self->change_entry), moment);
      gtk_stack_set_visible_child_name (self->list_stack, "changes");
    }
  else
    {
      g_list_store_remove_all (self->changes);
      gtk_stack_set_visible_child_name (self->list_stack, "templates");
    }
  g_signal_emit (self, signals[CHANGES_SHOWN], 0);
}

typedef struct
{
  TftsrStore *store;
  TftsrLogInsight *insight;
  gint64 log_id;
  gint64 time;
  gboolean store_it; /* FALSE: only compare (the moment is stored already) */
} ChangeJob;

static void
change_job_free (ChangeJob *job)
{
  g_object_unref (job->store);
  g_object_unref (job->insight);
  g_free (job);
}

static void
change_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  ChangeJob *job = data;
  GError *error = NULL;
  GArray *changes;

  /* Compared first: a moment the insight refuses is not stored. */
  if (job->time == 0)
    changes = g_array_new (FALSE, FALSE, sizeof (TftsrLogChange));
  else if ((changes = tftsr_log_insight_changed_after (job->insight, job->time, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (job->store_it &&
      !tftsr_store_set_log_change_time (job->store, job->log_id, job->time, &error))
    {
      g_array_unref (changes);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, changes, (GDestroyNotify) g_array_unref);
}

static void
set_changing (TftsrInsightWindow *self, gboolean busy)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "insight.mark-typed", !busy && self->has_times);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "insight.clear-change",
                                 !busy && self->change_time != 0);
}

static void
changed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  TftsrInsightWindow *self = TFTSR_INSIGHT_WINDOW (source);
  ChangeJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) changes = g_task_propagate_pointer (G_TASK (result), &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->changing);
  self->storing = FALSE;
  if (changes == NULL)
    {
      g_autofree char *text =
          g_strdup_printf (_ ("The moment could not be kept: %s"), error->message);
      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
      set_changing (self, FALSE);
      return;
    }
  self->change_time = job->time;
  set_changing (self, FALSE);
  show_moment (self, changes);
}

static void
change_moment (TftsrInsightWindow *self, gint64 time, gboolean store_it)
{
  ChangeJob *job = g_new0 (ChangeJob, 1);
  g_autoptr (GTask) task = NULL;

  g_cancellable_cancel (self->changing);
  g_clear_object (&self->changing);
  self->changing = g_cancellable_new ();
  self->storing = store_it;
  job->store = g_object_ref (self->store);
  job->insight = g_object_ref (self->insight);
  job->log_id = tftsr_log_file_get_id (self->log);
  job->time = time;
  job->store_it = store_it;
  /* The task holds the window until it ends; a closed window cancels it. */
  task = g_task_new (self, self->changing, changed, NULL);
  g_task_set_source_tag (task, change_moment);
  g_task_set_task_data (task, job, (GDestroyNotify) change_job_free);
  g_task_set_return_on_cancel (task, FALSE);
  set_changing (self, TRUE);
  g_task_run_in_thread (task, change_thread);
}

void
tftsr_insight_window_set_change_time (TftsrInsightWindow *self, gint64 time)
{
  g_return_if_fail (TFTSR_IS_INSIGHT_WINDOW (self));
  g_return_if_fail (self->insight != NULL);
  g_return_if_fail (time == 0 || self->has_times);

  /* Two writes in flight could land in either order. */
  if (self->storing)
    return;
  change_moment (self, time, TRUE);
}

static void
on_mark_requested (TftsrInsightWindow *self, gint64 time)
{
  tftsr_insight_window_set_change_time (self, time);
}

static gint64
usec_of (GDateTime *time)
{
  return g_date_time_to_unix (time) * G_USEC_PER_SEC + g_date_time_get_microsecond (time);
}

/* A day of the log in which @hour:@minute:@second falls inside the log, else its first. */
static GDateTime *
moment_on_log_day (TftsrInsightWindow *self, int hour, int minute, double second)
{
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
  gint64 first_day = self->time_first / G_USEC_PER_SEC / 86400;
  gint64 last_day = (self->time_end - 1) / G_USEC_PER_SEC / 86400;

  for (gint64 day = first_day; day <= last_day; day++)
    {
      g_autoptr (GDateTime) midnight = g_date_time_new_from_unix_utc (day * 86400);
      GDateTime *moment =
          g_date_time_new (utc, g_date_time_get_year (midnight), g_date_time_get_month (midnight),
                           g_date_time_get_day_of_month (midnight), hour, minute, second);
      gint64 t = moment != NULL ? usec_of (moment) : 0;

      if (moment == NULL || (t >= self->time_first && t < self->time_end) || day == last_day)
        return moment;
      g_date_time_unref (moment);
    }
  return NULL;
}

/* What the engineer typed: "2026-11-22 14:05", "2026-11-22T14:05:30Z", an ISO 8601 time
 * with an offset, or only "14:05[:30]" on the log's day. UTC unless an offset is given. */
static gboolean
parse_moment (TftsrInsightWindow *self, const char *text, gint64 *time)
{
  g_autoptr (GRegex) pattern = g_regex_new ("^\\s*(?:(\\d{4})-(\\d{1,2})-(\\d{1,2})(?:\\s+|T))?"
                                            "(\\d{1,2}):(\\d{2})(?::(\\d{2})(?:[.,]\\d+)?)?"
                                            "\\s*(Z|UTC|[+-]\\d{2}:?\\d{2})?\\s*$",
                                            G_REGEX_CASELESS, 0, NULL);
  g_autoptr (GMatchInfo) match = NULL;
  g_autoptr (GDateTime) moment = NULL;
  g_autoptr (GTimeZone) zone = NULL;
  int number[6] = { 0 };

  if (!g_regex_match (pattern, text, 0, &match))
    return FALSE;
  for (guint i = 0; i < 6; i++)
    {
      g_autofree char *part = g_match_info_fetch (match, i + 1);
      number[i] = part != NULL && *part != '\0' ? atoi (part) : -1;
    }
  if (number[5] < 0)
    number[5] = 0;
  {
    g_autofree char *offset = g_match_info_fetch (match, 7);
    if (offset != NULL && *offset != '\0' && g_ascii_strcasecmp (offset, "utc") != 0 &&
        g_ascii_strcasecmp (offset, "z") != 0)
      zone = g_time_zone_new_identifier (offset);
    else
      zone = g_time_zone_new_utc ();
  }
  if (zone == NULL || number[3] > 23 || number[4] > 59 || number[5] > 59)
    return FALSE;
  if (number[0] >= 0)
    moment =
        g_date_time_new (zone, number[0], number[1], number[2], number[3], number[4], number[5]);
  else
    {
      g_autoptr (GDateTime) on_day = moment_on_log_day (self, number[3], number[4], number[5]);
      /* The offset applies to the time typed, on the log's (UTC) day. */
      if (on_day != NULL)
        moment = g_date_time_new (
            zone, g_date_time_get_year (on_day), g_date_time_get_month (on_day),
            g_date_time_get_day_of_month (on_day), number[3], number[4], number[5]);
    }
  if (moment == NULL)
    return FALSE;
  *time = usec_of (moment);
  return TRUE;
}

static void
show_change_error (TftsrInsightWindow *self, const char *message)
{
  /* The label keeps its two lines when empty: GTK 4.8 does not grow a shown popover. */
  gtk_label_set_text (self->change_error, message != NULL ? message : "");
  if (message != NULL)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->change_entry), "error");
      gtk_accessible_update_state (GTK_ACCESSIBLE (self->change_entry),
                                   GTK_ACCESSIBLE_STATE_INVALID, GTK_ACCESSIBLE_INVALID_TRUE, -1);
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->change_entry), "error");
      gtk_accessible_reset_state (GTK_ACCESSIBLE (self->change_entry),
                                  GTK_ACCESSIBLE_STATE_INVALID);
    }
}

static void
mark_typed_action (GtkWidget *widget, const char *name, GVariant *param)
{
  TftsrInsightWindow *self = TFTSR_INSIGHT_WINDOW (widget);
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->change_entry));
  gint64 time;

  if (self->insight == NULL || !self->has_times)
    return;
  if (!parse_moment (self, text, &time))
    {
      g_autofree char *shown = tftsr_display_text (text);
      /* The examples are the log's first moment, as the placeholder shows it. */
      g_autofree char *day = tftsr_format_log_time (self->time_first, FALSE, FALSE);
      g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc (self->time_first / G_USEC_PER_SEC);
      g_autofree char *full = g_date_time_format (utc, "%Y-%m-%d %H:%M");
      /* Translators: "Write a time as 2026-11-22 03:00 or 03:00 (UTC), not “noon”." */
      g_autofree char *message =
          g_strdup_printf (_ ("Write a time as %s or %s (UTC), not “%s”."), full, day, shown);
      show_change_error (self, message);
      gtk_widget_error_bell (GTK_WIDGET (self->change_entry));
      return;
    }
  if (time < self->time_first || time >= self->time_end)
    {
      g_autofree char *first = tftsr_format_log_time (self->time_first, FALSE, TRUE);
      g_autofree char *last = tftsr_format_log_time (self->time_end, FALSE, spans_days (self));
      g_autofree char *message =
          g_strdup_printf (_ ("Outside the log: its lines run from %s to %s (UTC)."), first, last);
      show_change_error (self, message);
      gtk_widget_error_bell (GTK_WIDGET (self->change_entry));
      return;
    }
  show_change_error (self, NULL);
  gtk_popover_popdown (self->change_popover);
  tftsr_insight_window_set_change_time (self, time);
}

static void
on_change_entry_activate (TftsrInsightWindow *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "insight.mark-typed", NULL);
}

static void
on_change_entry_changed (TftsrInsightWindow *self)
{
  show_change_error (self, NULL);
}

static void
clear_change_action (GtkWidget *widget, const char *name, GVariant *param)
{
  TftsrInsightWindow *self = TFTSR_INSIGHT_WINDOW (widget);

  gtk_popover_popdown (self->change_popover);
  tftsr_insight_window_set_change_time (self, 0);
}

/* --- zoom ------------------------------------------------------------------------------ */

static void
on_zoom_changed (TftsrInsightWindow *self)
{
  double zoom = tftsr_histogram_get_zoom (self->histogram);
  gboolean shown = self->has_times;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "insight.zoom-in",
                                 shown && zoom < tftsr_histogram_get_max_zoom (self->histogram));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "insight.zoom-out", shown && zoom > 1);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "insight.zoom-reset", shown && zoom > 1);
}

static void
zoom_action (GtkWidget *widget, const char *name, GVariant *param)
{
  TftsrInsightWindow *self = TFTSR_INSIGHT_WINDOW (widget);

  if (g_str_equal (name, "insight.zoom-in"))
    tftsr_histogram_zoom (self->histogram, 2);
  else if (g_str_equal (name, "insight.zoom-out"))
    tftsr_histogram_zoom (self->histogram, 0.5);
  else
    tftsr_histogram_reset_zoom (self->histogram);
}

/* --- mining ------------------------------------------------------------------------------ */

static void
show_insight (TftsrInsightWindow *self)
{
  GPtrArray *templates = tftsr_log_insight_get_templates (self->insight);
  g_autoptr (GPtrArray) items = g_ptr_array_new_full (templates->len, g_object_unref);
  g_autofree char *name = tftsr_display_text (tftsr_log_file_get_name (self->log));
  g_autofree char *lines = tftsr_format_lines (tftsr_log_insight_get_lines (self->insight));
  g_autofree char *subtitle = NULL;
  const guint32 *totals, *errors;
  gint64 start, width;
  guint n_buckets;

  for (guint i = 0; i < templates->len; i++)
    g_ptr_array_add (items, tftsr_insight_template_new (self->insight, templates->pdata[i]));
  g_list_store_splice (self->templates, 0,
                       g_list_model_get_n_items (G_LIST_MODEL (self->templates)), items->pdata,
                       items->len);
  if (tftsr_log_insight_get_evicted_lines (self->insight) > 0)
    {
      g_autofree char *evicted = format_count (tftsr_log_insight_get_evicted_lines (self->insight));
      /* Translators: the Insight window's subtitle when the miner dropped rare templates
       * under its cap: "app.log · 1200000 lines · 1,234 not grouped" */
      subtitle = g_strdup_printf (_ ("%s · %s · %s not grouped"), name, lines, evicted);
    }
  else
    /* Translators: the Insight window's subtitle: "app.log · 1200 lines" */
    subtitle = g_strdup_printf (_ ("%s · %s"), name, lines);
  adw_window_title_set_subtitle (self->window_title, subtitle);

  self->has_times = tftsr_log_insight_get_histogram (self->insight, &start, &width, &n_buckets,
                                                     &totals, &errors) &&
                    n_buckets > 0;
  gtk_widget_set_visible (self->timeline_box, self->has_times);
  gtk_widget_set_visible (self->no_time_box, !self->has_times);
  gtk_widget_set_visible (self->change_form, self->has_times);
  gtk_widget_set_sensitive (GTK_WIDGET (self->change_button), TRUE);
  if (self->has_times)
    {
      g_autofree char *first = NULL, *last = NULL, *range = NULL;

      self->time_first = start;
      self->time_end = start + width * n_buckets;
      tftsr_histogram_set_buckets (self->histogram, start, width, n_buckets, totals, errors);
      first = tftsr_format_log_time (self->time_first, FALSE, TRUE);
      last = tftsr_format_log_time (self->time_end, FALSE, spans_days (self));
      /* Translators: the span of a log's timeline: "22 Nov 2026 03:00 – 04:10 UTC" */
      range = g_strdup_printf (_ ("%s – %s UTC"), first, last);
      gtk_label_set_text (self->range_label, range);
      /* The example is the log's own first moment, in the form the entry reads. */
      {
        g_autoptr (GDateTime) utc =
            g_date_time_new_from_unix_utc (self->time_first / G_USEC_PER_SEC);
        g_autofree char *example = g_date_time_format (utc, "%Y-%m-%d %H:%M");
        gtk_entry_set_placeholder_text (self->change_entry, example);
      }
    }
  else
    gtk_label_set_text (self->change_help,
                        _ ("No line of this log has a time stamp that could be read, so nothing "
                           "can be compared before and after a moment."));
  on_zoom_changed (self);
  self->change_time = self->has_times ? tftsr_log_insight_get_change_time (self->insight) : 0;
  set_changing (self, FALSE);
  gtk_stack_set_visible_child_name (self->stack, "insight");
  if (self->change_time != 0)
    change_moment (self, self->change_time, FALSE);
  else
    show_moment (self, NULL);
}

static void
stop_progress_timeout (TftsrInsightWindow *self)
{
  g_clear_handle_id (&self->progress_timeout, g_source_remove);
}

static gboolean
show_progress (gpointer user_data)
{
  TftsrInsightWindow *self = user_data;

  self->progress_timeout = 0;
  gtk_stack_set_visible_child_name (self->stack, "mining");
  return G_SOURCE_REMOVE;
}

static void
on_mining_progress (guint64 done, guint64 total, gpointer user_data)
{
  TftsrInsightWindow *self = user_data;
  g_autofree char *read = g_format_size (done);
  g_autofree char *text = NULL;

  if (self->mining == NULL || g_cancellable_is_cancelled (self->mining))
    return;
  if (total > 0)
    {
      double fraction = MIN (1.0, (double) done / (double) total);
      g_autofree char *size = g_format_size (total);

      gtk_progress_bar_set_fraction (self->mining_progress, fraction);
      /* Translators: mining progress: "42 % · 12.1 MB of 30.0 MB" */
      text = g_strdup_printf (_ ("%.0f %% · %s of %s"), fraction * 100, read, size);
    }
  else
    {
      gtk_progress_bar_pulse (self->mining_progress);
      text = g_strdup_printf (_ ("%s read"), read);
    }
  gtk_label_set_text (self->mining_label, text);
}

static void
mined (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TftsrInsightWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrLogInsight) insight =
      tftsr_store_ensure_log_insight_finish (TFTSR_STORE (source), result, &error);

  if (self->mining == NULL)
    return; /* closed meanwhile */
  g_clear_object (&self->mining);
  stop_progress_timeout (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "insight.cancel", FALSE);
  if (insight != NULL)
    {
      self->insight = g_steal_pointer (&insight);
      show_insight (self);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    gtk_stack_set_visible_child_name (self->stack, "cancelled");
  else
    {
      adw_status_page_set_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "error");
    }
  g_signal_emit (self, signals[READY], 0);
}

static void
mine (TftsrInsightWindow *self)
{
  self->mining = g_cancellable_new ();
  gtk_progress_bar_set_fraction (self->mining_progress, 0);
  gtk_label_set_text (self->mining_label, _ ("Starting…"));
  gtk_stack_set_visible_child_name (self->stack, "loading");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "insight.cancel", TRUE);
  self->progress_timeout = g_timeout_add (PROGRESS_DELAY_MS, show_progress, self);
  tftsr_store_ensure_log_insight_async (self->store, tftsr_log_file_get_id (self->log),
                                        on_mining_progress, self, self->mining, mined,
                                        g_object_ref (self));
}

static void
mine_action (GtkWidget *widget, const char *name, GVariant *param)
{
  TftsrInsightWindow *self = TFTSR_INSIGHT_WINDOW (widget);

  if (self->mining == NULL && self->insight == NULL)
    mine (self);
}

static void
cancel_action (GtkWidget *widget, const char *name, GVariant *param)
{
  g_cancellable_cancel (TFTSR_INSIGHT_WINDOW (widget)->mining);
}

/* --- public ------------------------------------------------------------------------------ */

TftsrInsightWindow *
tftsr_insight_window_new (TftsrStore *store, TftsrLogFile *log)
{
  TftsrInsightWindow *self;

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);
  g_return_val_if_fail (TFTSR_IS_LOG_FILE (log), NULL);

  self = g_object_new (TFTSR_TYPE_INSIGHT_WINDOW, NULL);
  self->store = g_object_ref (store);
  self->log = g_object_ref (log);
  {
    g_autofree char *name = tftsr_display_text (tftsr_log_file_get_name (log));
    g_autofree char *title = g_strdup_printf (_ ("Insight: %s"), name);
    gtk_window_set_title (GTK_WINDOW (self), title);
    adw_window_title_set_subtitle (self->window_title, name);
  }
  mine (self);
  return self;
}

TftsrLogInsight *
tftsr_insight_window_get_insight (TftsrInsightWindow *self)
{
  g_return_val_if_fail (TFTSR_IS_INSIGHT_WINDOW (self), NULL);
  return self->insight;
}

/* --- class ------------------------------------------------------------------------------- */

static void
tftsr_insight_window_dispose (GObject *object)
{
  TftsrInsightWindow *self = TFTSR_INSIGHT_WINDOW (object);

  /* A cancelled run stores nothing. */
  g_cancellable_cancel (self->mining);
  g_clear_object (&self->mining);
  g_cancellable_cancel (self->changing);
  g_clear_object (&self->changing);
  stop_progress_timeout (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), TFTSR_TYPE_INSIGHT_WINDOW);
  G_OBJECT_CLASS (tftsr_insight_window_parent_class)->dispose (object);
}

static void
tftsr_insight_window_finalize (GObject *object)
{
  TftsrInsightWindow *self = TFTSR_INSIGHT_WINDOW (object);

  g_clear_object (&self->templates);
  g_clear_object (&self->changes);
  g_clear_object (&self->filter);
  g_clear_object (&self->filtered);
  g_clear_object (&self->sorted);
  g_clear_object (&self->insight);
  g_clear_object (&self->log);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (tftsr_insight_window_parent_class)->finalize (object);
}

static void
tftsr_insight_window_class_init (TftsrInsightWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tftsr_insight_window_dispose;
  object_class->finalize = tftsr_insight_window_finalize;

  signals[READY] = g_signal_new ("ready", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                 NULL, NULL, G_TYPE_NONE, 0);
  signals[CHANGES_SHOWN] = g_signal_new ("changes-shown", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  g_type_ensure (TFTSR_TYPE_HISTOGRAM);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               TFTSR_RESOURCE_PATH "/ui/tftsr-insight-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TftsrInsightWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, TftsrInsightWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, TftsrInsightWindow, change_button);
  gtk_widget_class_bind_template_child (widget_class, TftsrInsightWindow, change_popover);
  gtk_widget_class_bind_template_child (widget_class, TftsrInsightWindow, change_help);
  gtk_widget_class_bind_template_child (widget_class, TftsrInsightWindow, change_form);
  gtk_widget_class_bind_template_child (widget_class, TftsrInsightWindow, change_entry);
  gtk_widget_class_bind_template_child (widget_class, TftsrInsightWindow, change_error);
  gtk_widget_class_bind_template_child (widget_class, TftsrInsightWindow, clear_button);
  gtk_widget_class_bind_template_child (widget_class, TftsrInsightWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, TftsrInsightWindow, mining_progress);
  gtk_widget_class_bind_template_child (widget_class, TftsrInsightWindow, mining_label);
  gtk_widget_class_bind_template_child (widget_class, TftsrInsightWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, TftsrInsightWindow, timeline_box);
  gtk_widget_class_bind_template_child (widget_class, TftsrInsightWindow, range_label);
  gtk_widget_class_bind_template_child (widget_class, TftsrInsightWindow, histogram);
  gtk_widget_class_bind_template_child (widget_class, TftsrInsightWindow, no_time_box);
  gtk_widget_class_bind_template_child (widget_class, TftsrInsightWindow, switcher_bar);
  gtk_widget_class_bind_template_child (widget_class, TftsrInsightWindow, list_stack);
  gtk_widget_class_bind_template_child (widget_class, TftsrInsightWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, TftsrInsightWindow, sort_dropdown);
  gtk_widget_class_bind_template_child (widget_class, TftsrInsightWindow, count_label);
  gtk_widget_class_bind_template_child (widget_class, TftsrInsightWindow, templates_stack);
  gtk_widget_class_bind_template_child (widget_class, TftsrInsightWindow, template_view);
  gtk_widget_class_bind_template_child (widget_class, TftsrInsightWindow, level_column);
  gtk_widget_class_bind_template_child (widget_class, TftsrInsightWindow, count_column);
  gtk_widget_class_bind_template_child (widget_class, TftsrInsightWindow, text_column);
  gtk_widget_class_bind_template_child (widget_class, TftsrInsightWindow, first_column);
  gtk_widget_class_bind_template_child (widget_class, TftsrInsightWindow, changes_title);
  gtk_widget_class_bind_template_child (widget_class, TftsrInsightWindow, changes_summary);
  gtk_widget_class_bind_template_child (widget_class, TftsrInsightWindow, changes_stack);
  gtk_widget_class_bind_template_child (widget_class, TftsrInsightWindow, no_change_page);
  gtk_widget_class_bind_template_child (widget_class, TftsrInsightWindow, change_view);
  gtk_widget_class_bind_template_callback (widget_class, on_template_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_change_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_range_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_mark_requested);
  gtk_widget_class_bind_template_callback (widget_class, on_zoom_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_sort_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_search_stop);
  gtk_widget_class_bind_template_callback (widget_class, on_change_entry_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_change_entry_changed);

  gtk_widget_class_install_action (widget_class, "insight.mine", NULL, mine_action);
  gtk_widget_class_install_action (widget_class, "insight.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "insight.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "insight.mark-typed", NULL, mark_typed_action);
  gtk_widget_class_install_action (widget_class, "insight.clear-change", NULL, clear_change_action);
  gtk_widget_class_install_action (widget_class, "insight.zoom-in", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "insight.zoom-out", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "insight.zoom-reset", NULL, zoom_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "insight.search",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, GDK_CONTROL_MASK,
                                       "insight.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, GDK_CONTROL_MASK,
                                       "insight.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, GDK_CONTROL_MASK,
                                       "insight.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, GDK_CONTROL_MASK,
                                       "insight.zoom-reset", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
tftsr_insight_window_init (TftsrInsightWindow *self)
{
  g_autoptr (GtkListItemFactory) change_factory = gtk_signal_list_item_factory_new ();
  GtkExpression *text = gtk_property_expression_new (TFTSR_TYPE_INSIGHT_TEMPLATE, NULL, "text");

  gtk_widget_init_template (GTK_WIDGET (self));

  self->templates = g_list_store_new (TFTSR_TYPE_INSIGHT_TEMPLATE);
  self->filter = gtk_string_filter_new (text);
  gtk_string_filter_set_match_mode (self->filter, GTK_STRING_FILTER_MATCH_MODE_SUBSTRING);
  gtk_string_filter_set_ignore_case (self->filter, TRUE);
  self->filtered = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->templates)),
                                              g_object_ref (GTK_FILTER (self->filter)));
  self->sorted = gtk_sort_list_model_new (g_object_ref (G_LIST_MODEL (self->filtered)), NULL);
  on_sort_changed (self);
  {
    g_autoptr (GtkSingleSelection) selection =
        gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->sorted)));
    gtk_single_selection_set_autoselect (selection, FALSE);
    gtk_single_selection_set_can_unselect (selection, TRUE);
    gtk_column_view_set_model (self->template_view, GTK_SELECTION_MODEL (selection));
  }
  g_signal_connect_swapped (self->filtered, "items-changed", G_CALLBACK (update_count), self);
  set_factory (self->level_column, G_CALLBACK (setup_level), G_CALLBACK (bind_level), self);
  set_factory (self->count_column, G_CALLBACK (setup_count), G_CALLBACK (bind_count), self);
  set_factory (self->text_column, G_CALLBACK (setup_text), G_CALLBACK (bind_text), self);
  set_factory (self->first_column, G_CALLBACK (setup_first), G_CALLBACK (bind_first), self);

  self->changes = g_list_store_new (TFTSR_TYPE_INSIGHT_TEMPLATE);
  g_signal_connect (change_factory, "setup", G_CALLBACK (setup_change), NULL);
  g_signal_connect (change_factory, "bind", G_CALLBACK (bind_change), NULL);
  gtk_list_view_set_factory (self->change_view, change_factory);
  {
    g_autoptr (GtkSingleSelection) selection =
        gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->changes)));
    gtk_single_selection_set_autoselect (selection, FALSE);
    gtk_single_selection_set_can_unselect (selection, TRUE);
    gtk_list_view_set_model (self->change_view, GTK_SELECTION_MODEL (selection));
  }

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "insight.mark-typed", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "insight.clear-change", FALSE);
  on_zoom_changed (self);
  update_count (self);
}
