/* tftsr-insight-template.c
 *
 * A view of a template the insight owns: nothing is copied, so a list of twenty thousand
 * stays small, and the sorters read plain properties.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>

#include "tftsr-insight-template.h"

struct _TftsrInsightTemplate
{
  GObject parent_instance;

  TftsrLogInsight *insight;
  const TftsrLogTemplate *template;
  gboolean has_change;
  TftsrLogChange change;
};

G_DEFINE_FINAL_TYPE (TftsrInsightTemplate, tftsr_insight_template, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ID,
  PROP_COUNT,
  PROP_LEVEL,
  PROP_FIRST_LINE,
  PROP_TEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

const char *
tftsr_log_level_label (TftsrLogLevel level)
{
  switch (level)
    {
    case TFTSR_LOG_LEVEL_CRITICAL:
      return _ ("Critical");
    case TFTSR_LOG_LEVEL_ERROR:
      return _ ("Error");
    case TFTSR_LOG_LEVEL_WARNING:
      return _ ("Warning");
    case TFTSR_LOG_LEVEL_INFO:
      return _ ("Info");
    case TFTSR_LOG_LEVEL_DEBUG:
      return _ ("Debug");
    case TFTSR_LOG_LEVEL_NONE:
    default:
      /* Translators: the level of a template whose lines name none */
      return C_ ("log level", "None");
    }
}

const char *
tftsr_log_level_css_class (TftsrLogLevel level)
{
  switch (level)
    {
    case TFTSR_LOG_LEVEL_CRITICAL:
    case TFTSR_LOG_LEVEL_ERROR:
      return "error";
    case TFTSR_LOG_LEVEL_WARNING:
      return "warning";
    case TFTSR_LOG_LEVEL_INFO:
      return "info";
    case TFTSR_LOG_LEVEL_DEBUG:
      return "debug";
    case TFTSR_LOG_LEVEL_NONE:
    default:
      return "none";
    }
}

TftsrInsightTemplate *
tftsr_insight_template_new (TftsrLogInsight *insight, const TftsrLogTemplate *template)
{
  TftsrInsightTemplate *self;

  g_return_val_if_fail (TFTSR_IS_LOG_INSIGHT (insight), NULL);
  g_return_val_if_fail (template != NULL, NULL);

  self = g_object_new (TFTSR_TYPE_INSIGHT_TEMPLATE, NULL);
  self->insight = g_object_ref (insight);
  self->template = template;
  return self;
}

TftsrInsightTemplate *
tftsr_insight_template_new_change (TftsrLogInsight *insight, const TftsrLogTemplate *template,
                                   const TftsrLogChange *change)
{
  TftsrInsightTemplate *self = tftsr_insight_template_new (insight, template);

  g_return_val_if_fail (change != NULL, self);
  self->has_change = TRUE;
  self->change = *change;
  return self;
}

const TftsrLogTemplate *
tftsr_insight_template_get_template (TftsrInsightTemplate *self)
{
  g_return_val_if_fail (TFTSR_IS_INSIGHT_TEMPLATE (self), NULL);
  return self->template;
}

const TftsrLogChange *
tftsr_insight_template_get_change (TftsrInsightTemplate *self)
{
  g_return_val_if_fail (TFTSR_IS_INSIGHT_TEMPLATE (self), NULL);
  return self->has_change ? &self->change : NULL;
}

static void
tftsr_insight_template_get_property (GObject *object, guint prop_id, GValue *value,
                                     GParamSpec *pspec)
{
  TftsrInsightTemplate *self = TFTSR_INSIGHT_TEMPLATE (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_uint (value, self->template->id);
      break;
    case PROP_COUNT:
      g_value_set_uint64 (value, self->template->count);
      break;
    case PROP_LEVEL:
      g_value_set_int (value, self->template->level);
      break;
    case PROP_FIRST_LINE:
      g_value_set_uint64 (value, self->template->first_line);
      break;
    case PROP_TEXT:
      g_value_set_string (value, self->template->text);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tftsr_insight_template_finalize (GObject *object)
{
  TftsrInsightTemplate *self = TFTSR_INSIGHT_TEMPLATE (object);

  g_clear_object (&self->insight);
  G_OBJECT_CLASS (tftsr_insight_template_parent_class)->finalize (object);
}

static void
tftsr_insight_template_class_init (TftsrInsightTemplateClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = tftsr_insight_template_get_property;
  object_class->finalize = tftsr_insight_template_finalize;

  properties[PROP_ID] = g_param_spec_uint ("id", NULL, NULL, 0, G_MAXUINT32, 0,
                                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_COUNT] = g_param_spec_uint64 ("count", NULL, NULL, 0, G_MAXUINT64, 0,
                                                G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_LEVEL] =
      g_param_spec_int ("level", NULL, NULL, TFTSR_LOG_LEVEL_NONE, TFTSR_LOG_LEVEL_CRITICAL,
                        TFTSR_LOG_LEVEL_NONE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_FIRST_LINE] = g_param_spec_uint64 ("first-line", NULL, NULL, 0, G_MAXUINT64, 0,
                                                     G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_TEXT] =
      g_param_spec_string ("text", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tftsr_insight_template_init (TftsrInsightTemplate *self)
{
}
