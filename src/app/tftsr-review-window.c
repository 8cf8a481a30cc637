/* tftsr-review-window.c
 *
 * One flat list model: for each type a header row, then a row per distinct value. A real
 * incident can hold thousands of addresses, so this is a GtkListView (only the rows on
 * screen exist) filtered by the search, not a preferences page of rows.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>

#include "tftsr-app-format.h"
#include "tftsr-review-window.h"

/* --- rows ----------------------------------------------------------------------------- */

#define TFTSR_TYPE_REVIEW_ROW (tftsr_review_row_get_type ())
G_DECLARE_FINAL_TYPE (TftsrReviewRow, tftsr_review_row, TFTSR, REVIEW_ROW, GObject)

struct _TftsrReviewRow
{
  GObject parent_instance;
  char *type;
  TftsrPiiValue *value; /* NULL for the type's header */
  char *shown;          /* the value as text, for display and search */
  guint n_values;       /* headers: values of the type */
  guint occurrences;
  gboolean released;
};

G_DEFINE_FINAL_TYPE (TftsrReviewRow, tftsr_review_row, G_TYPE_OBJECT)

static void
tftsr_review_row_finalize (GObject *object)
{
  TftsrReviewRow *self = TFTSR_REVIEW_ROW (object);

  g_free (self->type);
  g_free (self->shown);
  g_clear_pointer (&self->value, tftsr_pii_value_free);
  G_OBJECT_CLASS (tftsr_review_row_parent_class)->finalize (object);
}

/* "type": the type name, readable for tests and accessibility tools. */
static void
tftsr_review_row_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  if (prop_id != 1)
    {
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      return;
    }
  g_value_set_string (value, TFTSR_REVIEW_ROW (object)->type);
}

static void
tftsr_review_row_class_init (TftsrReviewRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tftsr_review_row_finalize;
  object_class->get_property = tftsr_review_row_get_property;
  g_object_class_install_property (
      object_class, 1,
      g_param_spec_string ("type", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
}

static void
tftsr_review_row_init (TftsrReviewRow *self)
{
}

/* --- the window ------------------------------------------------------------------------ */

struct _TftsrReviewWindow
{
  AdwWindow parent_instance;

  TftsrStore *store;
  gint64 issue_id;
  GListStore *rows; /* TftsrReviewRow */
  GtkCustomFilter *filter;
  GHashTable *search_types; /* types with a value matching the search */
  char *search;             /* folded */
  GCancellable *cancellable;
  GCancellable *rescan_cancellable; /* while a re-scan runs */
  gboolean binding;                 /* switches are being set from the rows */

  AdwToastOverlay *toast_overlay;
  AdwWindowTitle *window_title;
  GtkSearchBar *search_bar;
  GtkSearchEntry *search_entry;
  GtkStack *stack;
  GtkListView *list_view;
  GtkRevealer *rescan_revealer;
  GtkProgressBar *rescan_progress;
};

G_DEFINE_FINAL_TYPE (TftsrReviewWindow, tftsr_review_window, ADW_TYPE_WINDOW)

enum
{
  CHANGED,
  READY,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void load (TftsrReviewWindow *self);

static char *
type_title (const char *type)
{
  TftsrPiiType known;

  if (tftsr_pii_type_from_string (type, &known))
    return g_strdup (tftsr_pii_type_get_description (known));
  if (g_str_has_prefix (type, "CUSTOM_"))
    /* Translators: a type the user defined or marked; %s is its name */
    return g_strdup_printf (_ ("Your type %s"), type + strlen ("CUSTOM_"));
  return g_strdup (type);
}

/* Rows from the value list, which comes sorted by type. */
static void
fill_rows (TftsrReviewWindow *self, GPtrArray *values)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);
  TftsrReviewRow *header = NULL;

  for (guint i = 0; i < values->len; i++)
    {
      TftsrPiiValue *value = g_steal_pointer (&values->pdata[i]);
      TftsrReviewRow *row = g_object_new (TFTSR_TYPE_REVIEW_ROW, NULL);
      gsize size = 0;
      const char *data = g_bytes_get_data (value->value, &size);
      g_autofree char *raw = g_strndup (data != NULL ? data : "", size);

      if (header == NULL || !g_str_equal (header->type, value->type))
        {
          header = g_object_new (TFTSR_TYPE_REVIEW_ROW, NULL);
          header->type = g_strdup (value->type);
          header->released = value->type_released;
          g_ptr_array_add (rows, header);
        }
      header->n_values++;
      header->occurrences += value->occurrences;
      row->type = g_strdup (value->type);
      row->shown = tftsr_display_text (raw);
      row->occurrences = value->occurrences;
      row->released = value->released;
      row->value = value;
      g_ptr_array_add (rows, row);
    }
  g_list_store_splice (self->rows, 0, g_list_model_get_n_items (G_LIST_MODEL (self->rows)),
                       rows->pdata, rows->len);
}

static void
values_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TftsrReviewWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) values =
      tftsr_store_list_pii_values_finish (TFTSR_STORE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (values == NULL)
    {
      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (error->message));
      return;
    }
  g_ptr_array_set_free_func (values, (GDestroyNotify) tftsr_pii_value_free);
  fill_rows (self, values);
  gtk_stack_set_visible_child_name (self->stack, values->len > 0 ? "list" : "empty");
  g_signal_emit (self, signals[READY], 0);
}

static void
load (TftsrReviewWindow *self)
{
  tftsr_store_list_pii_values_async (self->store, self->issue_id, self->cancellable, values_loaded,
                                     g_object_ref (self));
}

/* --- deciding ---------------------------------------------------------------------------- */

static void
decided (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TftsrReviewWindow) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!tftsr_store_change_finish (TFTSR_STORE (source), result, &error))
    adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (error->message));
  else
    g_signal_emit (self, signals[CHANGED], 0);
  /* The stored decisions, whatever happened: a failed switch flips back. */
  load (self);
}

static void
decide (TftsrReviewWindow *self, TftsrReviewRow *row, gboolean redacted)
{
  if (row->value == NULL)
    tftsr_store_set_pii_type_released_async (self->store, self->issue_id, row->type, !redacted,
                                             self->cancellable, decided, g_object_ref (self));
  else
    tftsr_store_set_pii_value_released_async (self->store, row->value->id, !redacted,
                                              self->cancellable, decided, g_object_ref (self));
}

void
tftsr_review_window_set_redacted (TftsrReviewWindow *self, const char *type, const char *value,
                                  gboolean redacted)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->rows));

  g_return_if_fail (TFTSR_IS_REVIEW_WINDOW (self));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (TftsrReviewRow) row = g_list_model_get_item (G_LIST_MODEL (self->rows), i);
      if (g_str_equal (row->type, type) && (value == NULL) == (row->value == NULL) &&
          (value == NULL || g_str_equal (row->shown, value)))
        {
          decide (self, row, redacted);
          return;
        }
    }
}

static gboolean
on_switch_set (GtkSwitch *widget, gboolean state, GtkListItem *item)
{
  TftsrReviewWindow *self = g_object_get_data (G_OBJECT (item), "window");
  TftsrReviewRow *row = gtk_list_item_get_item (item);

  if (!self->binding && row != NULL)
    decide (self, row, state);
  return FALSE;
}

/* --- scanning again ------------------------------------------------------------------- */

static void
rescan_progressed (guint64 done, guint64 total, gpointer user_data)
{
  TftsrReviewWindow *self = user_data;

  gtk_progress_bar_set_fraction (self->rescan_progress,
                                 total > 0 ? MIN (1.0, (double) done / (double) total) : 0.0);
}

static void
rescanned (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TftsrReviewWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  gboolean ok = tftsr_store_rescan_finish (TFTSR_STORE (source), result, &error);

  g_clear_object (&self->rescan_cancellable);
  gtk_revealer_set_reveal_child (self->rescan_revealer, FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "review.rescan", TRUE);
  if (!ok)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (error->message));
      return;
    }
  adw_toast_overlay_add_toast (self->toast_overlay,
                               adw_toast_new (_ ("Scanned again with the current settings")));
  g_signal_emit (self, signals[CHANGED], 0);
  load (self);
}

static void
rescan_action (GtkWidget *widget, const char *name, GVariant *param)
{
  TftsrReviewWindow *self = TFTSR_REVIEW_WINDOW (widget);

  if (self->rescan_cancellable != NULL)
    return;
  self->rescan_cancellable = g_cancellable_new ();
  gtk_progress_bar_set_fraction (self->rescan_progress, 0);
  gtk_revealer_set_reveal_child (self->rescan_revealer, TRUE);
  gtk_widget_action_set_enabled (widget, "review.rescan", FALSE);
  tftsr_store_rescan_issue_async (self->store, self->issue_id, NULL, rescan_progressed, self,
                                  self->rescan_cancellable, rescanned, g_object_ref (self));
}

static void
on_rescan_cancel (TftsrReviewWindow *self)
{
  if (self->rescan_cancellable != NULL)
    g_cancellable_cancel (self->rescan_cancellable);
}

/* --- list rows ------------------------------------------------------------------------- */

static void
setup_row (GtkSignalListItemFactory *factory, GtkListItem *item, TftsrReviewWindow *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *title = gtk_label_new (NULL);
  GtkWidget *detail = gtk_label_new (NULL);
  GtkWidget *toggle = gtk_switch_new ();

  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (title, TRUE);
  gtk_widget_add_css_class (detail, "dim-label");
  gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), detail);
  gtk_box_append (GTK_BOX (box), toggle);
  gtk_widget_add_css_class (box, "review-row");
  g_object_set_data (G_OBJECT (item), "window", self);
  g_signal_connect (toggle, "state-set", G_CALLBACK (on_switch_set), item);
  gtk_list_item_set_activatable (item, FALSE);
  gtk_list_item_set_child (item, box);
}

static void
bind_row (GtkSignalListItemFactory *factory, GtkListItem *item, TftsrReviewWindow *self)
{
  TftsrReviewRow *row = gtk_list_item_get_item (item);
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkLabel *title = GTK_LABEL (gtk_widget_get_first_child (box));
  GtkLabel *detail = GTK_LABEL (gtk_widget_get_next_sibling (GTK_WIDGET (title)));
  GtkWidget *toggle = gtk_widget_get_last_child (box);
  g_autofree char *text = NULL;
  g_autofree char *info = NULL;

  self->binding = TRUE;
  if (row->value == NULL)
    {
      text = type_title (row->type);
      info = g_strdup_printf (
          g_dngettext (NULL, "%s · %u value, %u found", "%s · %u values, %u found", row->n_values),
          row->type, row->n_values, row->occurrences);
      gtk_widget_add_css_class (box, "type-header");
      gtk_widget_set_tooltip_text (toggle, _ ("Redact every value of this type"));
      gtk_switch_set_active (GTK_SWITCH (toggle), !row->released);
      gtk_widget_set_sensitive (toggle, TRUE);
    }
  else
    {
      g_autofree char *token = tftsr_pii_value_dup_token (row->value);
      text = g_strdup (row->shown);
      info = g_strdup_printf (g_dngettext (NULL, "%s · %u×", "%s · %u×", row->occurrences), token,
                              row->occurrences);
      gtk_widget_remove_css_class (box, "type-header");
      gtk_widget_set_tooltip_text (toggle, _ ("Redact this value"));
      gtk_switch_set_active (GTK_SWITCH (toggle), !tftsr_pii_value_is_released (row->value));
      /* A released type releases its values; they are decided at the type. */
      gtk_widget_set_sensitive (toggle, !row->value->type_released);
    }
  gtk_label_set_text (title, text);
  gtk_label_set_text (detail, info);
  self->binding = FALSE;
}

/* --- search ---------------------------------------------------------------------------- */

static gboolean
row_matches (TftsrReviewRow *row, const char *search)
{
  g_autofree char *folded = g_utf8_casefold (row->value != NULL ? row->shown : row->type, -1);
  return strstr (folded, search) != NULL;
}

static gboolean
filter_row (gpointer item, gpointer user_data)
{
  TftsrReviewWindow *self = user_data;
  TftsrReviewRow *row = item;
  g_autofree char *type = NULL;

  if (self->search == NULL)
    return TRUE;
  type = g_utf8_casefold (row->type, -1);
  if (strstr (type, self->search) != NULL)
    return TRUE;
  if (row->value == NULL)
    return g_hash_table_contains (self->search_types, row->type);
  return row_matches (row, self->search);
}

static void
on_search_changed (TftsrReviewWindow *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->rows));

  g_clear_pointer (&self->search, g_free);
  g_hash_table_remove_all (self->search_types);
  if (*text != '\0')
    {
      self->search = g_utf8_casefold (text, -1);
      /* A type's header stays when one of its values matches. */
      for (guint i = 0; i < n; i++)
        {
          g_autoptr (TftsrReviewRow) row = g_list_model_get_item (G_LIST_MODEL (self->rows), i);
          if (row->value != NULL && row_matches (row, self->search))
            g_hash_table_add (self->search_types, g_strdup (row->type));
        }
    }
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
}

static void
search_action (GtkWidget *widget, const char *name, GVariant *param)
{
  TftsrReviewWindow *self = TFTSR_REVIEW_WINDOW (widget);

  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

/* --- public ------------------------------------------------------------------------------ */

TftsrReviewWindow *
tftsr_review_window_new (TftsrStore *store, gint64 issue_id)
{
  TftsrReviewWindow *self;
  g_autofree char *subtitle = NULL;

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);

  self = g_object_new (TFTSR_TYPE_REVIEW_WINDOW, NULL);
  self->store = g_object_ref (store);
  self->issue_id = issue_id;
  subtitle = g_strdup_printf (_ ("Incident #%" G_GINT64_FORMAT), issue_id);
  adw_window_title_set_subtitle (self->window_title, subtitle);
  load (self);
  return self;
}

GListModel *
tftsr_review_window_get_rows (TftsrReviewWindow *self)
{
  g_return_val_if_fail (TFTSR_IS_REVIEW_WINDOW (self), NULL);
  return G_LIST_MODEL (self->rows);
}

/* --- class ------------------------------------------------------------------------------- */

static void
tftsr_review_window_dispose (GObject *object)
{
  TftsrReviewWindow *self = TFTSR_REVIEW_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  on_rescan_cancel (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), TFTSR_TYPE_REVIEW_WINDOW);
  G_OBJECT_CLASS (tftsr_review_window_parent_class)->dispose (object);
}

static void
tftsr_review_window_finalize (GObject *object)
{
  TftsrReviewWindow *self = TFTSR_REVIEW_WINDOW (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->rescan_cancellable);
  g_clear_object (&self->rows);
  g_clear_object (&self->filter);
  g_clear_object (&self->store);
  g_hash_table_unref (self->search_types);
  g_free (self->search);
  G_OBJECT_CLASS (tftsr_review_window_parent_class)->finalize (object);
}

static void
tftsr_review_window_class_init (TftsrReviewWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tftsr_review_window_dispose;
  object_class->finalize = tftsr_review_window_finalize;

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                   NULL, NULL, G_TYPE_NONE, 0);
  signals[READY] = g_signal_new ("ready", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                 NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               TFTSR_RESOURCE_PATH "/ui/tftsr-review-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TftsrReviewWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, TftsrReviewWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, TftsrReviewWindow, search_bar);
  gtk_widget_class_bind_template_child (widget_class, TftsrReviewWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, TftsrReviewWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, TftsrReviewWindow, list_view);
  gtk_widget_class_bind_template_child (widget_class, TftsrReviewWindow, rescan_revealer);
  gtk_widget_class_bind_template_child (widget_class, TftsrReviewWindow, rescan_progress);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_rescan_cancel);
  gtk_widget_class_install_action (widget_class, "review.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "review.rescan", NULL, rescan_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "review.search",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close",
                                       NULL);
}

static void
tftsr_review_window_init (TftsrReviewWindow *self)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkFilterListModel *filtered;
  GtkNoSelection *selection;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->rows = g_list_store_new (TFTSR_TYPE_REVIEW_ROW);
  self->search_types = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->filter = gtk_custom_filter_new (filter_row, self, NULL);
  filtered = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->rows)),
                                        g_object_ref (GTK_FILTER (self->filter)));
  selection = gtk_no_selection_new (G_LIST_MODEL (filtered));
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (selection));
  g_object_unref (selection);
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row), self);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);
  gtk_search_bar_set_key_capture_widget (self->search_bar, GTK_WIDGET (self));
}
