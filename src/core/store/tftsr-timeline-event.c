/* tftsr-timeline-event.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>
#include <string.h>

#include "tftsr-connector.h"
#include "tftsr-document.h"
#include "tftsr-issue.h"
#include "tftsr-timeline-event.h"
#include "tftsr-vocab-private.h"

static const GEnumValue kind_values[] = {
  { TFTSR_TIMELINE_CREATED, "TFTSR_TIMELINE_CREATED", "created" },
  { TFTSR_TIMELINE_STATUS_CHANGED, "TFTSR_TIMELINE_STATUS_CHANGED", "status_changed" },
  { TFTSR_TIMELINE_SEVERITY_CHANGED, "TFTSR_TIMELINE_SEVERITY_CHANGED", "severity_changed" },
  { TFTSR_TIMELINE_CATEGORY_CHANGED, "TFTSR_TIMELINE_CATEGORY_CHANGED", "category_changed" },
  { TFTSR_TIMELINE_DELETED, "TFTSR_TIMELINE_DELETED", "deleted" },
  { TFTSR_TIMELINE_RESTORED, "TFTSR_TIMELINE_RESTORED", "restored" },
  { TFTSR_TIMELINE_NOTE, "TFTSR_TIMELINE_NOTE", "note" },
  { TFTSR_TIMELINE_LOG_ADDED, "TFTSR_TIMELINE_LOG_ADDED", "log_added" },
  { TFTSR_TIMELINE_IMAGE_ADDED, "TFTSR_TIMELINE_IMAGE_ADDED", "image_added" },
  { TFTSR_TIMELINE_WHY_ANSWERED, "TFTSR_TIMELINE_WHY_ANSWERED", "why_answered" },
  { TFTSR_TIMELINE_ROOT_CAUSE, "TFTSR_TIMELINE_ROOT_CAUSE", "root_cause_identified" },
  { TFTSR_TIMELINE_DOCUMENT_GENERATED, "TFTSR_TIMELINE_DOCUMENT_GENERATED", "document_generated" },
  { TFTSR_TIMELINE_DOCUMENT_EXPORTED, "TFTSR_TIMELINE_DOCUMENT_EXPORTED", "document_exported" },
  { TFTSR_TIMELINE_EXTERNAL_LINKED, "TFTSR_TIMELINE_EXTERNAL_LINKED", "external_linked" },
  { 0, NULL, NULL },
};

GType
tftsr_timeline_kind_get_type (void)
{
  static gsize type_once;
  return tftsr_vocab_register (&type_once, "TftsrTimelineKind", kind_values);
}

const char *
tftsr_timeline_kind_to_string (TftsrTimelineKind kind)
{
  return tftsr_vocab_name (kind_values, kind);
}

gboolean
tftsr_timeline_kind_from_string (const char *name, TftsrTimelineKind *out)
{
  gint v;

  if (!tftsr_vocab_lookup (kind_values, name, &v))
    return FALSE;
  if (out != NULL)
    *out = (TftsrTimelineKind) v;
  return TRUE;
}

struct _TftsrTimelineEvent
{
  GObject parent_instance;

  gint64 id;
  gint64 issue_id;
  TftsrTimelineKind kind;
  char *old_value;
  char *new_value;
  char *note;
  char *created_at;
};

G_DEFINE_FINAL_TYPE (TftsrTimelineEvent, tftsr_timeline_event, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ID,
  PROP_KIND,
  PROP_CREATED_AT,
  PROP_DESCRIPTION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
tftsr_timeline_event_finalize (GObject *object)
{
  TftsrTimelineEvent *self = TFTSR_TIMELINE_EVENT (object);

  g_free (self->old_value);
  g_free (self->new_value);
  g_free (self->note);
  g_free (self->created_at);
  G_OBJECT_CLASS (tftsr_timeline_event_parent_class)->finalize (object);
}

static void
tftsr_timeline_event_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  TftsrTimelineEvent *self = TFTSR_TIMELINE_EVENT (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;
    case PROP_KIND:
      g_value_set_enum (value, self->kind);
      break;
    case PROP_CREATED_AT:
      g_value_set_string (value, self->created_at);
      break;
    case PROP_DESCRIPTION:
      g_value_take_string (value, tftsr_timeline_event_describe (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tftsr_timeline_event_class_init (TftsrTimelineEventClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = tftsr_timeline_event_finalize;
  object_class->get_property = tftsr_timeline_event_get_property;

  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_KIND] =
      g_param_spec_enum ("kind", NULL, NULL, TFTSR_TYPE_TIMELINE_KIND, TFTSR_TIMELINE_NOTE, ro);
  properties[PROP_CREATED_AT] = g_param_spec_string ("created-at", NULL, NULL, NULL, ro);
  properties[PROP_DESCRIPTION] = g_param_spec_string ("description", NULL, NULL, NULL, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tftsr_timeline_event_init (TftsrTimelineEvent *self)
{
}

TftsrTimelineEvent *
tftsr_timeline_event_new (gint64 id, gint64 issue_id, TftsrTimelineKind kind, const char *old_value,
                          const char *new_value, const char *note, const char *created_at)
{
  TftsrTimelineEvent *self = g_object_new (TFTSR_TYPE_TIMELINE_EVENT, NULL);

  self->id = id;
  self->issue_id = issue_id;
  self->kind = kind;
  self->old_value = g_strdup (old_value);
  self->new_value = g_strdup (new_value);
  self->note = g_strdup (note);
  self->created_at = g_strdup (created_at);
  return self;
}

gint64
tftsr_timeline_event_get_id (TftsrTimelineEvent *self)
{
  g_return_val_if_fail (TFTSR_IS_TIMELINE_EVENT (self), 0);
  return self->id;
}

gint64
tftsr_timeline_event_get_issue_id (TftsrTimelineEvent *self)
{
  g_return_val_if_fail (TFTSR_IS_TIMELINE_EVENT (self), 0);
  return self->issue_id;
}

TftsrTimelineKind
tftsr_timeline_event_get_kind (TftsrTimelineEvent *self)
{
  g_return_val_if_fail (TFTSR_IS_TIMELINE_EVENT (self), TFTSR_TIMELINE_NOTE);
  return self->kind;
}

const char *
tftsr_timeline_event_get_old_value (TftsrTimelineEvent *self)
{
  g_return_val_if_fail (TFTSR_IS_TIMELINE_EVENT (self), NULL);
  return self->old_value;
}

const char *
tftsr_timeline_event_get_new_value (TftsrTimelineEvent *self)
{
  g_return_val_if_fail (TFTSR_IS_TIMELINE_EVENT (self), NULL);
  return self->new_value;
}

const char *
tftsr_timeline_event_get_note (TftsrTimelineEvent *self)
{
  g_return_val_if_fail (TFTSR_IS_TIMELINE_EVENT (self), NULL);
  return self->note;
}

const char *
tftsr_timeline_event_get_created_at (TftsrTimelineEvent *self)
{
  g_return_val_if_fail (TFTSR_IS_TIMELINE_EVENT (self), NULL);
  return self->created_at;
}

/* Labels of a stored machine name; an unknown name (from a newer version) is shown as is. */
static const char *
severity_label (const char *name)
{
  TftsrSeverity v;
  return tftsr_severity_from_string (name, &v) ? tftsr_severity_get_label (v) : name;
}

static const char *
status_label (const char *name)
{
  TftsrStatus v;
  return tftsr_status_from_string (name, &v) ? tftsr_status_get_label (v) : name;
}

static const char *
category_label (const char *name)
{
  TftsrCategory v;
  return tftsr_category_from_string (name, &v) ? tftsr_category_get_label (v) : name;
}

static const char *
document_label (const char *name)
{
  TftsrDocKind v;

  if (tftsr_doc_kind_from_string (name, &v))
    return tftsr_doc_kind_get_label (v);
  return name != NULL ? name : "";
}

static const char *
format_label (const char *name)
{
  TftsrDocFormat v;

  if (tftsr_doc_format_from_string (name, &v))
    return tftsr_doc_format_get_label (v);
  return name != NULL ? name : "";
}

/* "Ticket INC0010023 created in ServiceNow": the note is "KEY URL", an execution's may end
 * with TFTSR_EXECUTION_UNWATCHED. */
static char *
describe_external (TftsrTimelineEvent *self)
{
  TftsrConnectorKind kind;
  const char *service = tftsr_connector_kind_from_string (self->new_value, &kind)
                            ? tftsr_connector_kind_get_label (kind)
                            : (self->new_value != NULL ? self->new_value : "?");
  g_autofree char *key = g_strdup (self->note != NULL ? self->note : "");
  char *space = strchr (key, ' ');
  const char *object = self->old_value != NULL ? self->old_value : "";

  if (space != NULL)
    *space = '\0';
  if (g_strcmp0 (object, "page") == 0)
    /* Translators: "Page 123456 published in Confluence" */
    return g_strdup_printf (_ ("Page %s published in %s"), key, service);
  if (g_strcmp0 (object, "alert") == 0)
    /* Translators: "On-call paged in PagerDuty (tftsr-12)" */
    return g_strdup_printf (_ ("On-call paged in %s (%s)"), service, key);
  if (g_strcmp0 (object, "execution") == 0 && space != NULL &&
      g_str_has_suffix (space + 1, TFTSR_EXECUTION_UNWATCHED))
    /* Translators: "Automation 5f3c… started in StackStorm, no longer watched" */
    return g_strdup_printf (_ ("Automation %s started in %s, no longer watched"), key, service);
  if (g_strcmp0 (object, "execution") == 0)
    /* Translators: "Automation 5f3c… run in StackStorm" */
    return g_strdup_printf (_ ("Automation %s run in %s"), key, service);
  /* Translators: "Ticket INC0010023 created in ServiceNow" */
  return g_strdup_printf (_ ("Ticket %s created in %s"), key, service);
}

char *
tftsr_timeline_event_describe (TftsrTimelineEvent *self)
{
  g_return_val_if_fail (TFTSR_IS_TIMELINE_EVENT (self), NULL);

  switch (self->kind)
    {
    case TFTSR_TIMELINE_CREATED:
      return g_strdup (_ ("Incident created"));
    case TFTSR_TIMELINE_STATUS_CHANGED:
      /* Translators: status names, e.g. "Status changed from Open to Investigating" */
      return g_strdup_printf (_ ("Status changed from %s to %s"), status_label (self->old_value),
                              status_label (self->new_value));
    case TFTSR_TIMELINE_SEVERITY_CHANGED:
      return g_strdup_printf (_ ("Severity changed from %s to %s"),
                              severity_label (self->old_value), severity_label (self->new_value));
    case TFTSR_TIMELINE_CATEGORY_CHANGED:
      return g_strdup_printf (_ ("Category changed from %s to %s"),
                              category_label (self->old_value), category_label (self->new_value));
    case TFTSR_TIMELINE_DELETED:
      return g_strdup (_ ("Moved to the trash"));
    case TFTSR_TIMELINE_RESTORED:
      return g_strdup (_ ("Restored from the trash"));
    case TFTSR_TIMELINE_LOG_ADDED:
      return g_strdup_printf (_ ("Log “%s” added"), self->note != NULL ? self->note : "");
    case TFTSR_TIMELINE_IMAGE_ADDED:
      return g_strdup_printf (_ ("Image “%s” added"), self->note != NULL ? self->note : "");
    case TFTSR_TIMELINE_WHY_ANSWERED:
      /* Translators: "Why 2 answered: the connection pool was exhausted" (5 Whys) */
      return g_strdup_printf (_ ("Why %s answered: %s"),
                              self->new_value != NULL ? self->new_value : "?",
                              self->note != NULL ? self->note : "");
    case TFTSR_TIMELINE_ROOT_CAUSE:
      return g_strdup_printf (_ ("Root cause identified: %s"),
                              self->note != NULL ? self->note : "");
    case TFTSR_TIMELINE_DOCUMENT_GENERATED:
      /* Translators: "RCA generated", "Post-mortem generated" */
      return g_strdup_printf (_ ("%s generated"), document_label (self->new_value));
    case TFTSR_TIMELINE_DOCUMENT_EXPORTED:
      /* Translators: "RCA exported as HTML to “rca.html”" */
      return g_strdup_printf (_ ("%s exported as %s to “%s”"), document_label (self->new_value),
                              format_label (self->old_value), self->note != NULL ? self->note : "");
    case TFTSR_TIMELINE_EXTERNAL_LINKED:
      return describe_external (self);
    case TFTSR_TIMELINE_NOTE:
    default:
      return g_strdup (self->note != NULL ? self->note : "");
    }
}
