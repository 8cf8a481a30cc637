/* tftsr-similar-group.c
 *
 * A lookup runs in a worker (tftsr_store_similar_issues_async) each time the incident or
 * its logs change; the one before is cancelled, so a late answer about another incident
 * is never shown. The group stays hidden until something similar is found: most incidents
 * have nothing alike, and an empty group would only take room. The rows are few (at most
 * MAX_SIMILAR), so a GtkListBox suits them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <adwaita.h>
#include <glib/gi18n.h>
#include <tftsr-log-insight.h>

#include "tftsr-app-format.h"
#include "tftsr-similar-group.h"

#define MAX_SIMILAR 5

struct _TftsrSimilarGroup
{
  GtkWidget parent_instance;

  TftsrStore *store;
  gint64 issue_id;
  GCancellable *cancellable;

  GtkSpinner *spinner;
  GtkListBox *similar_list;
};

G_DEFINE_FINAL_TYPE (TftsrSimilarGroup, tftsr_similar_group, GTK_TYPE_WIDGET)

enum
{
  FAILED,
  N_SIGNALS
};

enum
{
  PROP_0,
  PROP_LOADING,
  N_PROPS
};

static guint signals[N_SIGNALS];
static GParamSpec *properties[N_PROPS];

static void
set_loading (TftsrSimilarGroup *self, gboolean loading)
{
  if (gtk_widget_get_visible (GTK_WIDGET (self->spinner)) == loading)
    return;
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), loading);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
remove_rows (TftsrSimilarGroup *self)
{
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self->similar_list)));)
    gtk_list_box_remove (self->similar_list, child);
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

/* Text for a label that reads markup (a row's title and subtitle): templates hold "<*>". */
static char *
markup_text (const char *text)
{
  g_autofree char *display = tftsr_display_text (text);
  return g_markup_escape_text (display, -1);
}

/* One incident: its title, why it is alike (the most telling shared line, all of them in
 * the tooltip), its status and when it was opened; activating it shows it. */
static GtkWidget *
create_row (const TftsrSimilarIssue *similar)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *when = gtk_label_new (NULL);
  g_autofree char *title = markup_text (similar->title);
  g_autofree char *created = tftsr_format_relative_time (similar->created_at);
  g_autofree char *state = NULL;
  TftsrStatus status;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 1);
  if (similar->shared != NULL && similar->shared->len > 0)
    {
      g_autofree char *first = tftsr_display_text (similar->shared->pdata[0]);
      g_autoptr (GString) tooltip = g_string_new (_ ("Lines the logs of both incidents show:"));
      g_autofree char *why = NULL, *escaped = NULL;
      guint more = similar->shared->len - 1;

      if (more == 0)
        /* Translators: %s is a log line's template, e.g. "db pool exhausted after <*> ms" */
        why = g_strdup_printf (_ ("Both logged “%s”"), first);
      else
        /* Translators: %1$s is a log line's template, %2$u how many more are shared */
        why = g_strdup_printf (g_dngettext (NULL, "Both logged “%1$s” and %2$u more line",
                                            "Both logged “%1$s” and %2$u more lines", more),
                               first, more);
      escaped = g_markup_escape_text (why, -1);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), escaped);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 1);
      for (guint i = 0; i < similar->shared->len; i++)
        {
          g_autofree char *line = tftsr_display_text (similar->shared->pdata[i]);
          g_string_append_printf (tooltip, "\n• %s", line);
        }
      gtk_widget_set_tooltip_text (row, tooltip->str);
    }
  if (similar->status != NULL && tftsr_status_from_string (similar->status, &status))
    /* Translators: an incident's status, then when it was opened ("Resolved · 3 Nov 2026") */
    state = g_strdup_printf (_ ("%s · %s"), tftsr_status_get_label (status), created);
  gtk_label_set_text (GTK_LABEL (when), state != NULL ? state : created);
  gtk_widget_add_css_class (when, "dim-label");
  gtk_widget_add_css_class (when, "caption");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), when);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             gtk_image_new_from_icon_name ("go-next-symbolic"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "win.show-incident");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (row), "x", similar->issue_id);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  return row;
}

static void
similar_found (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TftsrSimilarGroup) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) similar =
      tftsr_store_similar_issues_finish (TFTSR_STORE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->cancellable);
  set_loading (self, FALSE);
  remove_rows (self);
  if (similar == NULL)
    {
      g_signal_emit (self, signals[FAILED], 0, error);
      return;
    }
  for (guint i = 0; i < similar->len; i++)
    gtk_list_box_append (self->similar_list, create_row (similar->pdata[i]));
  gtk_widget_set_visible (GTK_WIDGET (self), similar->len > 0);
}

static void
look_up (TftsrSimilarGroup *self)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->issue_id <= 0 || self->store == NULL)
    {
      set_loading (self, FALSE);
      return;
    }
  self->cancellable = g_cancellable_new ();
  set_loading (self, TRUE);
  tftsr_store_similar_issues_async (self->store, self->issue_id, MAX_SIMILAR, self->cancellable,
                                    similar_found, g_object_ref (self));
}

void
tftsr_similar_group_set_store (TftsrSimilarGroup *self, TftsrStore *store)
{
  g_return_if_fail (TFTSR_IS_SIMILAR_GROUP (self));
  g_set_object (&self->store, store);
  tftsr_similar_group_load (self, 0);
}

void
tftsr_similar_group_load (TftsrSimilarGroup *self, gint64 issue_id)
{
  g_return_if_fail (TFTSR_IS_SIMILAR_GROUP (self));
  self->issue_id = issue_id;
  remove_rows (self);
  look_up (self);
}

void
tftsr_similar_group_reload (TftsrSimilarGroup *self)
{
  g_return_if_fail (TFTSR_IS_SIMILAR_GROUP (self));
  look_up (self);
}

gboolean
tftsr_similar_group_get_loading (TftsrSimilarGroup *self)
{
  g_return_val_if_fail (TFTSR_IS_SIMILAR_GROUP (self), FALSE);
  return gtk_widget_get_visible (GTK_WIDGET (self->spinner));
}

static void
tftsr_similar_group_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, tftsr_similar_group_get_loading (TFTSR_SIMILAR_GROUP (object)));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tftsr_similar_group_dispose (GObject *object)
{
  TftsrSimilarGroup *self = TFTSR_SIMILAR_GROUP (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  gtk_widget_dispose_template (GTK_WIDGET (self), TFTSR_TYPE_SIMILAR_GROUP);
  /* The template's root is no bound child: GTK 4.8 leaves it parented. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL;)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (tftsr_similar_group_parent_class)->dispose (object);
}

static void
tftsr_similar_group_class_init (TftsrSimilarGroupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tftsr_similar_group_dispose;
  object_class->get_property = tftsr_similar_group_get_property;
  properties[PROP_LOADING] = g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                                                   G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  signals[FAILED] = g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                  NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               TFTSR_RESOURCE_PATH "/ui/tftsr-similar-group.ui");
  gtk_widget_class_bind_template_child (widget_class, TftsrSimilarGroup, spinner);
  gtk_widget_class_bind_template_child (widget_class, TftsrSimilarGroup, similar_list);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
tftsr_similar_group_init (TftsrSimilarGroup *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
