/* tftsr-insight-template.h: one mined template as the Insight window's lists show it,
 * with what changed about it after a moment when the list is of changes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>
#include <tftsr-log-insight.h>

G_BEGIN_DECLS

#define TFTSR_TYPE_INSIGHT_TEMPLATE (tftsr_insight_template_get_type ())
G_DECLARE_FINAL_TYPE (TftsrInsightTemplate, tftsr_insight_template, TFTSR, INSIGHT_TEMPLATE,
                      GObject)

/* @template belongs to @insight, which the item keeps alive. Properties for sorters and
 * filters: "id", "count", "level", "first-line", "text". */
TftsrInsightTemplate *tftsr_insight_template_new (TftsrLogInsight *insight,
                                                  const TftsrLogTemplate *template);
/* The same with @change (copied). */
TftsrInsightTemplate *tftsr_insight_template_new_change (TftsrLogInsight *insight,
                                                         const TftsrLogTemplate *template,
                                                         const TftsrLogChange *change);

const TftsrLogTemplate *tftsr_insight_template_get_template (TftsrInsightTemplate *self);
/* NULL unless made with a change. */
const TftsrLogChange *tftsr_insight_template_get_change (TftsrInsightTemplate *self);

/* "Error", "Warning"… and the CSS class of its pill ("error", "warning", "info", "debug",
 * "none"). */
const char *tftsr_log_level_label (TftsrLogLevel level);
const char *tftsr_log_level_css_class (TftsrLogLevel level);

G_END_DECLS
