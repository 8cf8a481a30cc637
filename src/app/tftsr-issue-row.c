/* tftsr-issue-row.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>

#include "tftsr-app-format.h"
#include "tftsr-issue-row.h"

struct _TftsrIssueRow
{
  GtkWidget parent_instance;

  TftsrIssue *issue;
  gulong notify_id;

  GtkLabel *severity_label;
  GtkLabel *title_label;
  GtkLabel *updated_label;
  GtkLabel *status_label;
  GtkLabel *category_label;
  GtkLabel *snippet_label;
};

G_DEFINE_FINAL_TYPE (TftsrIssueRow, tftsr_issue_row, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_ISSUE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_label (GtkLabel *label, const char *text)
{
  g_autofree char *display = tftsr_display_text (text);
  gtk_label_set_label (label, display);
}

static void
update (TftsrIssueRow *self)
{
  TftsrIssue *issue = self->issue;
  TftsrSeverity severity;
  g_autofree char *updated = NULL;
  g_autofree char *snippet = NULL;
  g_autofree char *badge = NULL;

  if (issue == NULL)
    return;
  severity = tftsr_issue_get_severity (issue);
  badge = g_strdup_printf ("P%d", severity + 1);
  gtk_label_set_label (self->severity_label, badge);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->severity_label),
                               tftsr_severity_get_label (severity));
  gtk_widget_set_css_classes (
      GTK_WIDGET (self->severity_label),
      (const char *[]){ "severity", tftsr_severity_css_class (severity), NULL });
  set_label (self->title_label, tftsr_issue_get_title (issue));
  updated = tftsr_format_relative_time (tftsr_issue_get_updated_at (issue));
  gtk_label_set_label (self->updated_label, updated);
  gtk_label_set_label (self->status_label, tftsr_status_get_label (tftsr_issue_get_status (issue)));
  gtk_label_set_label (self->category_label,
                       tftsr_category_get_label (tftsr_issue_get_category (issue)));
  snippet = tftsr_issue_dup_snippet_markup (issue);
  gtk_label_set_markup (self->snippet_label, snippet != NULL ? snippet : "");
  gtk_widget_set_visible (GTK_WIDGET (self->snippet_label), snippet != NULL);
}

static void
tftsr_issue_row_dispose (GObject *object)
{
  TftsrIssueRow *self = TFTSR_ISSUE_ROW (object);

  tftsr_issue_row_set_issue (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), TFTSR_TYPE_ISSUE_ROW);
  /* Children the template does not bind are ours to unparent. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL;)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (tftsr_issue_row_parent_class)->dispose (object);
}

static void
tftsr_issue_row_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  TftsrIssueRow *self = TFTSR_ISSUE_ROW (object);

  switch (prop_id)
    {
    case PROP_ISSUE:
      g_value_set_object (value, self->issue);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tftsr_issue_row_set_property (GObject *object, guint prop_id, const GValue *value,
                              GParamSpec *pspec)
{
  TftsrIssueRow *self = TFTSR_ISSUE_ROW (object);

  switch (prop_id)
    {
    case PROP_ISSUE:
      tftsr_issue_row_set_issue (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tftsr_issue_row_class_init (TftsrIssueRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tftsr_issue_row_dispose;
  object_class->get_property = tftsr_issue_row_get_property;
  object_class->set_property = tftsr_issue_row_set_property;

  properties[PROP_ISSUE] =
      g_param_spec_object ("issue", NULL, NULL, TFTSR_TYPE_ISSUE,
                           G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               TFTSR_RESOURCE_PATH "/ui/tftsr-issue-row.ui");
  gtk_widget_class_bind_template_child (widget_class, TftsrIssueRow, severity_label);
  gtk_widget_class_bind_template_child (widget_class, TftsrIssueRow, title_label);
  gtk_widget_class_bind_template_child (widget_class, TftsrIssueRow, updated_label);
  gtk_widget_class_bind_template_child (widget_class, TftsrIssueRow, status_label);
  gtk_widget_class_bind_template_child (widget_class, TftsrIssueRow, category_label);
  gtk_widget_class_bind_template_child (widget_class, TftsrIssueRow, snippet_label);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "issuerow");
}

static void
tftsr_issue_row_init (TftsrIssueRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_orientable_set_orientation (
      GTK_ORIENTABLE (gtk_widget_get_layout_manager (GTK_WIDGET (self))), GTK_ORIENTATION_VERTICAL);
}

GtkWidget *
tftsr_issue_row_new (void)
{
  return g_object_new (TFTSR_TYPE_ISSUE_ROW, NULL);
}

TftsrIssue *
tftsr_issue_row_get_issue (TftsrIssueRow *self)
{
  g_return_val_if_fail (TFTSR_IS_ISSUE_ROW (self), NULL);
  return self->issue;
}

void
tftsr_issue_row_set_issue (TftsrIssueRow *self, TftsrIssue *issue)
{
  g_return_if_fail (TFTSR_IS_ISSUE_ROW (self));
  g_return_if_fail (issue == NULL || TFTSR_IS_ISSUE (issue));

  if (self->issue == issue)
    return;
  if (self->issue != NULL)
    g_clear_signal_handler (&self->notify_id, self->issue);
  g_set_object (&self->issue, issue);
  if (issue != NULL)
    self->notify_id =
        g_signal_connect_object (issue, "notify", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ISSUE]);
}
