/* tftsr-analysis-card.c
 *
 * The card shows an analysis as widgets and keeps only the suggested severity, which is
 * offered again whenever the incident's severity changes. Its buttons are actions of the
 * widgets around it: the card does not know the store.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <adwaita.h>
#include <glib/gi18n.h>

#include "tftsr-analysis-card.h"
#include "tftsr-app-format.h"
#include "tftsr-markdown-view.h"

struct _TftsrAnalysisCard
{
  GtkWidget parent_instance;

  gboolean has_severity; /* the analysis suggested one: */
  TftsrSeverity suggested;
  TftsrSeverity current; /* the incident's */

  GtkLabel *meta_label;
  GtkLabel *logs_label;
  GtkWidget *unparsed_label;
  TftsrMarkdownView *summary_view;
  GtkWidget *suggestions;
  AdwActionRow *why_row;
  GtkButton *why_button;
  AdwActionRow *severity_row;
  GtkLabel *severity_badge;
  GtkWidget *severity_button;
  GtkWidget *severity_current;
  GtkWidget *findings_box;
  GtkBox *findings_list;
};

G_DEFINE_FINAL_TYPE (TftsrAnalysisCard, tftsr_analysis_card, GTK_TYPE_WIDGET)

static void
set_text (GtkLabel *label, const char *text)
{
  g_autofree char *shown = tftsr_display_text (text);
  gtk_label_set_label (label, shown);
}

/* A row's title is markup: @text is shown as it is. */
static void
set_row_title (AdwActionRow *row, const char *text)
{
  g_autofree char *shown = tftsr_display_text (text);
  g_autofree char *escaped = g_markup_escape_text (shown, -1);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), escaped);
}

static void
show_meta (TftsrAnalysisCard *self, const TftsrLogAnalysis *analysis)
{
  g_autofree char *when = tftsr_format_time (analysis->created_at);
  g_autofree char *meta =
      g_strdup_printf ("%s · %s · %s", when, analysis->provider, analysis->model);
  g_autofree char *sent = tftsr_format_logs_sent (analysis);

  set_text (self->meta_label, meta);
  gtk_label_set_label (self->logs_label, sent);
}

static GtkWidget *
finding_row (const char *finding)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *bullet = gtk_label_new ("•");
  GtkWidget *text = gtk_label_new (NULL);

  gtk_widget_set_valign (bullet, GTK_ALIGN_START);
  gtk_label_set_xalign (GTK_LABEL (text), 0);
  gtk_label_set_wrap (GTK_LABEL (text), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (text), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (text), TRUE);
  gtk_widget_set_hexpand (text, TRUE);
  set_text (GTK_LABEL (text), finding);
  gtk_box_append (GTK_BOX (row), bullet);
  gtk_box_append (GTK_BOX (row), text);
  return row;
}

static void
show_findings (TftsrAnalysisCard *self, GPtrArray *findings)
{
  for (GtkWidget *row; (row = gtk_widget_get_first_child (GTK_WIDGET (self->findings_list)));)
    gtk_box_remove (self->findings_list, row);
  for (guint i = 0; i < findings->len; i++)
    gtk_box_append (self->findings_list, finding_row (findings->pdata[i]));
  gtk_widget_set_visible (self->findings_box, findings->len > 0);
}

static void
show_severity (TftsrAnalysisCard *self)
{
  gboolean offered = self->has_severity && self->suggested != self->current;

  gtk_widget_set_visible (self->severity_button, offered);
  gtk_widget_set_visible (self->severity_current, self->has_severity && !offered);
}

static void
show_suggested_severity (TftsrAnalysisCard *self, const TftsrLogAnalysis *analysis)
{
  GtkWidget *badge = GTK_WIDGET (self->severity_badge);

  self->has_severity = analysis->has_severity;
  self->suggested = analysis->severity;
  gtk_widget_set_visible (GTK_WIDGET (self->severity_row), analysis->has_severity);
  if (!analysis->has_severity)
    return;
  for (TftsrSeverity s = 0; s < TFTSR_N_SEVERITIES; s++)
    gtk_widget_remove_css_class (badge, tftsr_severity_css_class (s));
  gtk_widget_add_css_class (badge, tftsr_severity_css_class (analysis->severity));
  gtk_label_set_label (self->severity_badge, tftsr_severity_get_label (analysis->severity));
  set_row_title (self->severity_row, *analysis->severity_reason != '\0'
                                         ? analysis->severity_reason
                                         : tftsr_severity_get_label (analysis->severity));
  /* The target first: an action name without its parameter would be refused. */
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->severity_button), "s",
                                    tftsr_severity_to_string (analysis->severity));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->severity_button), "page.apply-severity");
}

void
tftsr_analysis_card_show (TftsrAnalysisCard *self, const TftsrLogAnalysis *analysis)
{
  g_autofree char *summary = NULL;
  gboolean why = FALSE;

  g_return_if_fail (TFTSR_IS_ANALYSIS_CARD (self));
  g_return_if_fail (analysis != NULL);

  show_meta (self, analysis);
  gtk_widget_set_visible (self->unparsed_label, !analysis->parsed);
  summary = tftsr_display_text (analysis->summary);
  tftsr_markdown_view_set_text (self->summary_view, summary);
  why = *analysis->first_why != '\0';
  set_row_title (self->why_row, analysis->first_why);
  gtk_widget_set_visible (GTK_WIDGET (self->why_row), why);
  show_suggested_severity (self, analysis);
  show_severity (self);
  gtk_widget_set_visible (self->suggestions, why || analysis->has_severity);
  show_findings (self, analysis->findings);
}

void
tftsr_analysis_card_set_why_answered (TftsrAnalysisCard *self, gboolean answered)
{
  g_return_if_fail (TFTSR_IS_ANALYSIS_CARD (self));
  gtk_button_set_label (self->why_button, answered ? _ ("_Replace Why 1…") : _ ("_Use as Why 1"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->why_button),
                               answered ? _ ("Why 1 is answered: replace its answer with this one")
                                        : _ ("Record this as the answer to why 1"));
}

void
tftsr_analysis_card_set_severity (TftsrAnalysisCard *self, TftsrSeverity severity)
{
  g_return_if_fail (TFTSR_IS_ANALYSIS_CARD (self));
  self->current = severity;
  show_severity (self);
}

static void
tftsr_analysis_card_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), TFTSR_TYPE_ANALYSIS_CARD);
  /* Children the template does not bind are ours to unparent. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL;)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (tftsr_analysis_card_parent_class)->dispose (object);
}

static void
tftsr_analysis_card_class_init (TftsrAnalysisCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tftsr_analysis_card_dispose;

  g_type_ensure (TFTSR_TYPE_MARKDOWN_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               TFTSR_RESOURCE_PATH "/ui/tftsr-analysis-card.ui");
  gtk_widget_class_bind_template_child (widget_class, TftsrAnalysisCard, meta_label);
  gtk_widget_class_bind_template_child (widget_class, TftsrAnalysisCard, logs_label);
  gtk_widget_class_bind_template_child (widget_class, TftsrAnalysisCard, unparsed_label);
  gtk_widget_class_bind_template_child (widget_class, TftsrAnalysisCard, summary_view);
  gtk_widget_class_bind_template_child (widget_class, TftsrAnalysisCard, suggestions);
  gtk_widget_class_bind_template_child (widget_class, TftsrAnalysisCard, why_row);
  gtk_widget_class_bind_template_child (widget_class, TftsrAnalysisCard, why_button);
  gtk_widget_class_bind_template_child (widget_class, TftsrAnalysisCard, severity_row);
  gtk_widget_class_bind_template_child (widget_class, TftsrAnalysisCard, severity_badge);
  gtk_widget_class_bind_template_child (widget_class, TftsrAnalysisCard, severity_button);
  gtk_widget_class_bind_template_child (widget_class, TftsrAnalysisCard, severity_current);
  gtk_widget_class_bind_template_child (widget_class, TftsrAnalysisCard, findings_box);
  gtk_widget_class_bind_template_child (widget_class, TftsrAnalysisCard, findings_list);
  gtk_widget_class_set_css_name (widget_class, "analysiscard");
}

static void
tftsr_analysis_card_init (TftsrAnalysisCard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  tftsr_analysis_card_set_why_answered (self, FALSE);
}
