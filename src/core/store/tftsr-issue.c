/* tftsr-issue.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>

#include "tftsr-issue.h"
#include "tftsr-issue-private.h"
#include "tftsr-vocab-private.h"

static const GEnumValue severity_values[] = {
  { TFTSR_SEVERITY_CRITICAL, "TFTSR_SEVERITY_CRITICAL", "critical" },
  { TFTSR_SEVERITY_HIGH, "TFTSR_SEVERITY_HIGH", "high" },
  { TFTSR_SEVERITY_MEDIUM, "TFTSR_SEVERITY_MEDIUM", "medium" },
  { TFTSR_SEVERITY_LOW, "TFTSR_SEVERITY_LOW", "low" },
  { 0, NULL, NULL },
};
static const char *const severity_labels[] = {
  N_ ("P1 · Critical"),
  N_ ("P2 · High"),
  N_ ("P3 · Medium"),
  N_ ("P4 · Low"),
};

static const GEnumValue status_values[] = {
  { TFTSR_STATUS_OPEN, "TFTSR_STATUS_OPEN", "open" },
  { TFTSR_STATUS_INVESTIGATING, "TFTSR_STATUS_INVESTIGATING", "investigating" },
  { TFTSR_STATUS_RESOLVED, "TFTSR_STATUS_RESOLVED", "resolved" },
  { TFTSR_STATUS_CLOSED, "TFTSR_STATUS_CLOSED", "closed" },
  { 0, NULL, NULL },
};
static const char *const status_labels[] = {
  N_ ("Open"),
  N_ ("Investigating"),
  N_ ("Resolved"),
  N_ ("Closed"),
};

static const GEnumValue category_values[] = {
  { TFTSR_CATEGORY_GENERAL, "TFTSR_CATEGORY_GENERAL", "general" },
  { TFTSR_CATEGORY_LINUX, "TFTSR_CATEGORY_LINUX", "linux" },
  { TFTSR_CATEGORY_WINDOWS, "TFTSR_CATEGORY_WINDOWS", "windows" },
  { TFTSR_CATEGORY_NETWORK, "TFTSR_CATEGORY_NETWORK", "network" },
  { TFTSR_CATEGORY_KUBERNETES, "TFTSR_CATEGORY_KUBERNETES", "kubernetes" },
  { TFTSR_CATEGORY_DATABASES, "TFTSR_CATEGORY_DATABASES", "databases" },
  { TFTSR_CATEGORY_VIRTUALIZATION, "TFTSR_CATEGORY_VIRTUALIZATION", "virtualization" },
  { TFTSR_CATEGORY_HARDWARE, "TFTSR_CATEGORY_HARDWARE", "hardware" },
  { TFTSR_CATEGORY_OBSERVABILITY, "TFTSR_CATEGORY_OBSERVABILITY", "observability" },
  { TFTSR_CATEGORY_TELEPHONY, "TFTSR_CATEGORY_TELEPHONY", "telephony" },
  { TFTSR_CATEGORY_SECURITY, "TFTSR_CATEGORY_SECURITY", "security" },
  { TFTSR_CATEGORY_PUBLIC_SAFETY, "TFTSR_CATEGORY_PUBLIC_SAFETY", "public_safety" },
  { TFTSR_CATEGORY_APPLICATION, "TFTSR_CATEGORY_APPLICATION", "application" },
  { TFTSR_CATEGORY_AUTOMATION, "TFTSR_CATEGORY_AUTOMATION", "automation" },
  { TFTSR_CATEGORY_HPE_INFRA, "TFTSR_CATEGORY_HPE_INFRA", "hpe_infra" },
  { TFTSR_CATEGORY_DELL_HARDWARE, "TFTSR_CATEGORY_DELL_HARDWARE", "dell_hardware" },
  { TFTSR_CATEGORY_IDENTITY, "TFTSR_CATEGORY_IDENTITY", "identity" },
  { 0, NULL, NULL },
};
static const char *const category_labels[] = {
  N_ ("General"),        N_ ("Linux"),      N_ ("Windows"),
  N_ ("Network"),        N_ ("Kubernetes"), N_ ("Databases"),
  N_ ("Virtualization"), N_ ("Hardware"),   N_ ("Observability"),
  N_ ("Telephony"),      N_ ("Security"),   N_ ("Public Safety"),
  N_ ("Application"),    N_ ("Automation"), N_ ("HPE Infrastructure"),
  N_ ("Dell Hardware"),  N_ ("Identity"),
};

G_STATIC_ASSERT (G_N_ELEMENTS (severity_labels) == TFTSR_N_SEVERITIES);
G_STATIC_ASSERT (G_N_ELEMENTS (status_labels) == TFTSR_N_STATUSES);
G_STATIC_ASSERT (G_N_ELEMENTS (category_labels) == TFTSR_N_CATEGORIES);
G_STATIC_ASSERT (G_N_ELEMENTS (severity_values) == TFTSR_N_SEVERITIES + 1);
G_STATIC_ASSERT (G_N_ELEMENTS (status_values) == TFTSR_N_STATUSES + 1);
G_STATIC_ASSERT (G_N_ELEMENTS (category_values) == TFTSR_N_CATEGORIES + 1);

/* One set of accessors per vocabulary; the tables above are the single source. */
#define DEFINE_VOCAB(TypeName, prefix, values, labels, n)                                          \
  GType prefix##_get_type (void)                                                                   \
  {                                                                                                \
    static gsize type_once;                                                                        \
    return tftsr_vocab_register (&type_once, #TypeName, values);                                   \
  }                                                                                                \
  const char *prefix##_to_string (TypeName v)                                                      \
  {                                                                                                \
    g_return_val_if_fail ((guint) v < n, NULL);                                                    \
    return tftsr_vocab_name (values, v);                                                           \
  }                                                                                                \
  gboolean prefix##_from_string (const char *name, TypeName *out)                                  \
  {                                                                                                \
    gint v;                                                                                        \
    if (!tftsr_vocab_lookup (values, name, &v))                                                    \
      return FALSE;                                                                                \
    if (out != NULL)                                                                               \
      *out = (TypeName) v;                                                                         \
    return TRUE;                                                                                   \
  }                                                                                                \
  const char *prefix##_get_label (TypeName v)                                                      \
  {                                                                                                \
    g_return_val_if_fail ((guint) v < n, NULL);                                                    \
    return _ (labels[v]);                                                                          \
  }                                                                                                \
  char *prefix##_list_names (void)                                                                 \
  {                                                                                                \
    return tftsr_vocab_list (values);                                                              \
  }

DEFINE_VOCAB (TftsrSeverity, tftsr_severity, severity_values, severity_labels, TFTSR_N_SEVERITIES)
DEFINE_VOCAB (TftsrStatus, tftsr_status, status_values, status_labels, TFTSR_N_STATUSES)
DEFINE_VOCAB (TftsrCategory, tftsr_category, category_values, category_labels, TFTSR_N_CATEGORIES)

static gint
compare_strings (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

GStrv
tftsr_tags_normalize (const char *const *tags)
{
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; tags != NULL && tags[i] != NULL; i++)
    {
      g_auto (GStrv) parts = g_strsplit (tags[i], ",", -1);
      for (guint j = 0; parts[j] != NULL; j++)
        {
          g_autofree char *valid = g_utf8_make_valid (parts[j], -1);
          g_autofree char *tag = g_utf8_strdown (g_strstrip (valid), -1);
          gboolean seen = FALSE;

          if (*tag == '\0')
            continue;
          for (guint k = 0; k < out->len && !seen; k++)
            seen = g_str_equal (g_ptr_array_index (out, k), tag);
          if (!seen)
            g_ptr_array_add (out, g_steal_pointer (&tag));
        }
    }
  g_ptr_array_sort (out, compare_strings);
  g_ptr_array_add (out, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&out), FALSE);
}

GStrv
tftsr_tags_parse (const char *comma_separated)
{
  const char *one[] = { comma_separated, NULL };
  return tftsr_tags_normalize (comma_separated != NULL ? one : NULL);
}

struct _TftsrIssue
{
  GObject parent_instance;

  gint64 id;
  char *title;
  char *description;
  TftsrSeverity severity;
  TftsrStatus status;
  TftsrCategory category;
  char *owner;
  char *source;
  GStrv tags;
  char *created_at;
  char *updated_at;
  char *resolved_at;
  char *snippet;
  GArray *highlights; /* TftsrRange */
};

G_DEFINE_FINAL_TYPE (TftsrIssue, tftsr_issue, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ID,
  PROP_TITLE,
  PROP_DESCRIPTION,
  PROP_SEVERITY,
  PROP_STATUS,
  PROP_CATEGORY,
  PROP_OWNER,
  PROP_SOURCE,
  PROP_TAGS,
  PROP_CREATED_AT,
  PROP_UPDATED_AT,
  PROP_RESOLVED_AT,
  PROP_SNIPPET,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
tftsr_issue_finalize (GObject *object)
{
  TftsrIssue *self = TFTSR_ISSUE (object);

  g_free (self->title);
  g_free (self->description);
  g_free (self->owner);
  g_free (self->source);
  g_strfreev (self->tags);
  g_free (self->created_at);
  g_free (self->updated_at);
  g_free (self->resolved_at);
  g_free (self->snippet);
  g_clear_pointer (&self->highlights, g_array_unref);
  G_OBJECT_CLASS (tftsr_issue_parent_class)->finalize (object);
}

static void
tftsr_issue_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  TftsrIssue *self = TFTSR_ISSUE (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_DESCRIPTION:
      g_value_set_string (value, self->description);
      break;
    case PROP_SEVERITY:
      g_value_set_enum (value, self->severity);
      break;
    case PROP_STATUS:
      g_value_set_enum (value, self->status);
      break;
    case PROP_CATEGORY:
      g_value_set_enum (value, self->category);
      break;
    case PROP_OWNER:
      g_value_set_string (value, self->owner);
      break;
    case PROP_SOURCE:
      g_value_set_string (value, self->source);
      break;
    case PROP_TAGS:
      g_value_set_boxed (value, self->tags);
      break;
    case PROP_CREATED_AT:
      g_value_set_string (value, self->created_at);
      break;
    case PROP_UPDATED_AT:
      g_value_set_string (value, self->updated_at);
      break;
    case PROP_RESOLVED_AT:
      g_value_set_string (value, self->resolved_at);
      break;
    case PROP_SNIPPET:
      g_value_set_string (value, self->snippet);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tftsr_issue_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  TftsrIssue *self = TFTSR_ISSUE (object);

  switch (prop_id)
    {
    case PROP_ID:
      self->id = g_value_get_int64 (value);
      break;
    case PROP_TITLE:
      tftsr_issue_set_title (self, g_value_get_string (value));
      break;
    case PROP_DESCRIPTION:
      tftsr_issue_set_description (self, g_value_get_string (value));
      break;
    case PROP_SEVERITY:
      tftsr_issue_set_severity (self, g_value_get_enum (value));
      break;
    case PROP_STATUS:
      tftsr_issue_set_status (self, g_value_get_enum (value));
      break;
    case PROP_CATEGORY:
      tftsr_issue_set_category (self, g_value_get_enum (value));
      break;
    case PROP_OWNER:
      tftsr_issue_set_owner (self, g_value_get_string (value));
      break;
    case PROP_SOURCE:
      tftsr_issue_set_source (self, g_value_get_string (value));
      break;
    case PROP_TAGS:
      tftsr_issue_set_tags (self, g_value_get_boxed (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tftsr_issue_class_init (TftsrIssueClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = tftsr_issue_finalize;
  object_class->get_property = tftsr_issue_get_property;
  object_class->set_property = tftsr_issue_set_property;

  properties[PROP_ID] =
      g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, "", rw);
  properties[PROP_DESCRIPTION] = g_param_spec_string ("description", NULL, NULL, "", rw);
  properties[PROP_SEVERITY] =
      g_param_spec_enum ("severity", NULL, NULL, TFTSR_TYPE_SEVERITY, TFTSR_SEVERITY_MEDIUM, rw);
  properties[PROP_STATUS] =
      g_param_spec_enum ("status", NULL, NULL, TFTSR_TYPE_STATUS, TFTSR_STATUS_OPEN, rw);
  properties[PROP_CATEGORY] =
      g_param_spec_enum ("category", NULL, NULL, TFTSR_TYPE_CATEGORY, TFTSR_CATEGORY_GENERAL, rw);
  properties[PROP_OWNER] = g_param_spec_string ("owner", NULL, NULL, "", rw);
  properties[PROP_SOURCE] = g_param_spec_string ("source", NULL, NULL, "manual", rw);
  properties[PROP_TAGS] = g_param_spec_boxed ("tags", NULL, NULL, G_TYPE_STRV, rw);
  properties[PROP_CREATED_AT] = g_param_spec_string ("created-at", NULL, NULL, NULL, ro);
  properties[PROP_UPDATED_AT] = g_param_spec_string ("updated-at", NULL, NULL, NULL, ro);
  properties[PROP_RESOLVED_AT] = g_param_spec_string ("resolved-at", NULL, NULL, NULL, ro);
  properties[PROP_SNIPPET] = g_param_spec_string ("snippet", NULL, NULL, NULL, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tftsr_issue_init (TftsrIssue *self)
{
  self->title = g_strdup ("");
  self->description = g_strdup ("");
  self->severity = TFTSR_SEVERITY_MEDIUM;
  self->status = TFTSR_STATUS_OPEN;
  self->category = TFTSR_CATEGORY_GENERAL;
  self->owner = g_strdup ("");
  self->source = g_strdup ("manual");
  self->tags = g_new0 (char *, 1);
}

TftsrIssue *
tftsr_issue_new (const char *title)
{
  return g_object_new (TFTSR_TYPE_ISSUE, "title", title, NULL);
}

TftsrIssue *
tftsr_issue_new_stored (gint64 id)
{
  return g_object_new (TFTSR_TYPE_ISSUE, "id", id, NULL);
}

TftsrIssue *
tftsr_issue_copy (TftsrIssue *self)
{
  TftsrIssue *copy;

  g_return_val_if_fail (TFTSR_IS_ISSUE (self), NULL);

  copy = tftsr_issue_new_stored (self->id);
  tftsr_issue_sync_summary (copy, self);
  tftsr_issue_set_description (copy, self->description);
  tftsr_issue_set_source (copy, self->source);
  return copy;
}

/* Replaces *field with value and notifies, if it changed. */
static void
set_string (TftsrIssue *self, char **field, const char *value, guint prop)
{
  if (value == NULL)
    value = "";
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_nullable_string (TftsrIssue *self, char **field, const char *value, guint prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  if (prop != PROP_0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_enum (TftsrIssue *self, guint *field, guint value, guint prop)
{
  if (*field == value)
    return;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

gint64
tftsr_issue_get_id (TftsrIssue *self)
{
  g_return_val_if_fail (TFTSR_IS_ISSUE (self), 0);
  return self->id;
}

const char *
tftsr_issue_get_title (TftsrIssue *self)
{
  g_return_val_if_fail (TFTSR_IS_ISSUE (self), NULL);
  return self->title;
}

void
tftsr_issue_set_title (TftsrIssue *self, const char *title)
{
  g_return_if_fail (TFTSR_IS_ISSUE (self));
  set_string (self, &self->title, title, PROP_TITLE);
}

const char *
tftsr_issue_get_description (TftsrIssue *self)
{
  g_return_val_if_fail (TFTSR_IS_ISSUE (self), NULL);
  return self->description;
}

void
tftsr_issue_set_description (TftsrIssue *self, const char *description)
{
  g_return_if_fail (TFTSR_IS_ISSUE (self));
  set_string (self, &self->description, description, PROP_DESCRIPTION);
}

TftsrSeverity
tftsr_issue_get_severity (TftsrIssue *self)
{
  g_return_val_if_fail (TFTSR_IS_ISSUE (self), TFTSR_SEVERITY_MEDIUM);
  return self->severity;
}

void
tftsr_issue_set_severity (TftsrIssue *self, TftsrSeverity severity)
{
  g_return_if_fail (TFTSR_IS_ISSUE (self));
  g_return_if_fail ((guint) severity < TFTSR_N_SEVERITIES);
  set_enum (self, (guint *) &self->severity, severity, PROP_SEVERITY);
}

TftsrStatus
tftsr_issue_get_status (TftsrIssue *self)
{
  g_return_val_if_fail (TFTSR_IS_ISSUE (self), TFTSR_STATUS_OPEN);
  return self->status;
}

void
tftsr_issue_set_status (TftsrIssue *self, TftsrStatus status)
{
  g_return_if_fail (TFTSR_IS_ISSUE (self));
  g_return_if_fail ((guint) status < TFTSR_N_STATUSES);
  set_enum (self, (guint *) &self->status, status, PROP_STATUS);
}

TftsrCategory
tftsr_issue_get_category (TftsrIssue *self)
{
  g_return_val_if_fail (TFTSR_IS_ISSUE (self), TFTSR_CATEGORY_GENERAL);
  return self->category;
}

void
tftsr_issue_set_category (TftsrIssue *self, TftsrCategory category)
{
  g_return_if_fail (TFTSR_IS_ISSUE (self));
  g_return_if_fail ((guint) category < TFTSR_N_CATEGORIES);
  set_enum (self, (guint *) &self->category, category, PROP_CATEGORY);
}

const char *
tftsr_issue_get_owner (TftsrIssue *self)
{
  g_return_val_if_fail (TFTSR_IS_ISSUE (self), NULL);
  return self->owner;
}

void
tftsr_issue_set_owner (TftsrIssue *self, const char *owner)
{
  g_return_if_fail (TFTSR_IS_ISSUE (self));
  set_string (self, &self->owner, owner, PROP_OWNER);
}

const char *
tftsr_issue_get_source (TftsrIssue *self)
{
  g_return_val_if_fail (TFTSR_IS_ISSUE (self), NULL);
  return self->source;
}

void
tftsr_issue_set_source (TftsrIssue *self, const char *source)
{
  g_return_if_fail (TFTSR_IS_ISSUE (self));
  set_string (self, &self->source, source, PROP_SOURCE);
}

const char *const *
tftsr_issue_get_tags (TftsrIssue *self)
{
  g_return_val_if_fail (TFTSR_IS_ISSUE (self), NULL);
  return (const char *const *) self->tags;
}

void
tftsr_issue_set_tags (TftsrIssue *self, const char *const *tags)
{
  g_auto (GStrv) normalized = NULL;

  g_return_if_fail (TFTSR_IS_ISSUE (self));

  normalized = tftsr_tags_normalize (tags);
  if (g_strv_equal ((const char *const *) normalized, (const char *const *) self->tags))
    return;
  g_strfreev (self->tags);
  self->tags = g_steal_pointer (&normalized);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TAGS]);
}

const char *
tftsr_issue_get_created_at (TftsrIssue *self)
{
  g_return_val_if_fail (TFTSR_IS_ISSUE (self), NULL);
  return self->created_at;
}

const char *
tftsr_issue_get_updated_at (TftsrIssue *self)
{
  g_return_val_if_fail (TFTSR_IS_ISSUE (self), NULL);
  return self->updated_at;
}

const char *
tftsr_issue_get_resolved_at (TftsrIssue *self)
{
  g_return_val_if_fail (TFTSR_IS_ISSUE (self), NULL);
  return self->resolved_at;
}

void
tftsr_issue_set_timestamps (TftsrIssue *self, const char *created_at, const char *updated_at,
                            const char *resolved_at)
{
  g_return_if_fail (TFTSR_IS_ISSUE (self));
  set_nullable_string (self, &self->created_at, created_at, PROP_CREATED_AT);
  set_nullable_string (self, &self->updated_at, updated_at, PROP_UPDATED_AT);
  set_nullable_string (self, &self->resolved_at, resolved_at, PROP_RESOLVED_AT);
}

const char *
tftsr_issue_get_snippet (TftsrIssue *self)
{
  g_return_val_if_fail (TFTSR_IS_ISSUE (self), NULL);
  return self->snippet;
}

const TftsrRange *
tftsr_issue_get_snippet_highlights (TftsrIssue *self, guint *n_ranges)
{
  g_return_val_if_fail (TFTSR_IS_ISSUE (self), NULL);
  g_return_val_if_fail (n_ranges != NULL, NULL);

  *n_ranges = self->highlights != NULL ? self->highlights->len : 0;
  return self->highlights != NULL ? (const TftsrRange *) self->highlights->data : NULL;
}

/* @marked holds the matched terms between STX and ETX, as produced by the store's
 * snippet() call; the markers become byte ranges into the plain text. */
void
tftsr_issue_set_marked_snippet (TftsrIssue *self, const char *marked)
{
  g_autoptr (GString) plain = g_string_new (NULL);
  g_autoptr (GArray) ranges = g_array_new (FALSE, FALSE, sizeof (TftsrRange));
  TftsrRange open = { 0, 0 };
  gboolean in_match = FALSE;

  g_return_if_fail (TFTSR_IS_ISSUE (self));

  for (const char *p = marked; p != NULL && *p != '\0'; p++)
    {
      if (*p == TFTSR_SNIPPET_OPEN && !in_match)
        {
          open.start = plain->len;
          in_match = TRUE;
        }
      else if (*p == TFTSR_SNIPPET_CLOSE && in_match)
        {
          open.end = plain->len;
          if (open.end > open.start)
            g_array_append_val (ranges, open);
          in_match = FALSE;
        }
      else if (*p != TFTSR_SNIPPET_OPEN && *p != TFTSR_SNIPPET_CLOSE)
        g_string_append_c (plain, *p);
    }

  g_clear_pointer (&self->highlights, g_array_unref);
  self->highlights = g_steal_pointer (&ranges);
  set_nullable_string (self, &self->snippet, marked != NULL ? plain->str : NULL, PROP_SNIPPET);
}

char *
tftsr_issue_dup_snippet_markup (TftsrIssue *self)
{
  g_autoptr (GString) markup = g_string_new (NULL);
  g_autofree char *valid = NULL;
  g_autofree char *escaped = NULL;
  guint pos = 0;

  g_return_val_if_fail (TFTSR_IS_ISSUE (self), NULL);

  if (self->snippet == NULL)
    return NULL;
  for (guint i = 0; self->highlights != NULL && i < self->highlights->len; i++)
    {
      const TftsrRange *r = &g_array_index (self->highlights, TftsrRange, i);
      g_autofree char *before = g_utf8_make_valid (self->snippet + pos, r->start - pos);
      g_autofree char *match = g_utf8_make_valid (self->snippet + r->start, r->end - r->start);
      g_autofree char *before_esc = g_markup_escape_text (before, -1);
      g_autofree char *match_esc = g_markup_escape_text (match, -1);

      g_string_append_printf (markup, "%s<b>%s</b>", before_esc, match_esc);
      pos = r->end;
    }
  valid = g_utf8_make_valid (self->snippet + pos, -1);
  escaped = g_markup_escape_text (valid, -1);
  g_string_append (markup, escaped);
  return g_string_free (g_steal_pointer (&markup), FALSE);
}

void
tftsr_issue_sync_summary (TftsrIssue *self, TftsrIssue *from)
{
  g_return_if_fail (TFTSR_IS_ISSUE (self));
  g_return_if_fail (TFTSR_IS_ISSUE (from));

  g_object_freeze_notify (G_OBJECT (self));
  tftsr_issue_set_title (self, from->title);
  tftsr_issue_set_severity (self, from->severity);
  tftsr_issue_set_status (self, from->status);
  tftsr_issue_set_category (self, from->category);
  tftsr_issue_set_owner (self, from->owner);
  tftsr_issue_set_tags (self, (const char *const *) from->tags);
  tftsr_issue_set_timestamps (self, from->created_at, from->updated_at, from->resolved_at);
  g_object_thaw_notify (G_OBJECT (self));
}
