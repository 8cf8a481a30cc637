/* tftsr-issue.h: an incident and its vocabularies (severity, status, category)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum
{
  TFTSR_SEVERITY_CRITICAL, /* P1 */
  TFTSR_SEVERITY_HIGH,     /* P2 */
  TFTSR_SEVERITY_MEDIUM,   /* P3 */
  TFTSR_SEVERITY_LOW,      /* P4 */
} TftsrSeverity;
#define TFTSR_N_SEVERITIES 4

typedef enum
{
  TFTSR_STATUS_OPEN,
  TFTSR_STATUS_INVESTIGATING,
  TFTSR_STATUS_RESOLVED,
  TFTSR_STATUS_CLOSED,
} TftsrStatus;
#define TFTSR_N_STATUSES 4

typedef enum
{
  TFTSR_CATEGORY_GENERAL,
  TFTSR_CATEGORY_LINUX,
  TFTSR_CATEGORY_WINDOWS,
  TFTSR_CATEGORY_NETWORK,
  TFTSR_CATEGORY_KUBERNETES,
  TFTSR_CATEGORY_DATABASES,
  TFTSR_CATEGORY_VIRTUALIZATION,
  TFTSR_CATEGORY_HARDWARE,
  TFTSR_CATEGORY_OBSERVABILITY,
  TFTSR_CATEGORY_TELEPHONY,
  TFTSR_CATEGORY_SECURITY,
  TFTSR_CATEGORY_PUBLIC_SAFETY,
  TFTSR_CATEGORY_APPLICATION,
  TFTSR_CATEGORY_AUTOMATION,
  TFTSR_CATEGORY_HPE_INFRA,
  TFTSR_CATEGORY_DELL_HARDWARE,
  TFTSR_CATEGORY_IDENTITY,
} TftsrCategory;
#define TFTSR_N_CATEGORIES 17

#define TFTSR_TYPE_SEVERITY (tftsr_severity_get_type ())
#define TFTSR_TYPE_STATUS (tftsr_status_get_type ())
#define TFTSR_TYPE_CATEGORY (tftsr_category_get_type ())
GType tftsr_severity_get_type (void);
GType tftsr_status_get_type (void);
GType tftsr_category_get_type (void);

/* Stable machine names ("critical", "investigating", "public_safety"), as stored and
 * as accepted by tftsr-cli; labels are translated for display ("P1 · Critical"). */
const char *tftsr_severity_to_string (TftsrSeverity severity);
const char *tftsr_status_to_string (TftsrStatus status);
const char *tftsr_category_to_string (TftsrCategory category);
gboolean tftsr_severity_from_string (const char *name, TftsrSeverity *out);
gboolean tftsr_status_from_string (const char *name, TftsrStatus *out);
gboolean tftsr_category_from_string (const char *name, TftsrCategory *out);
const char *tftsr_severity_get_label (TftsrSeverity severity);
const char *tftsr_status_get_label (TftsrStatus status);
const char *tftsr_category_get_label (TftsrCategory category);
/* "critical, high, medium, low": for error messages that list the allowed values. */
char *tftsr_severity_list_names (void);
char *tftsr_status_list_names (void);
char *tftsr_category_list_names (void);

/* Normalises user-entered tags: trims, lower-cases, drops empties and duplicates,
 * splits on commas. Returns a NULL-terminated, sorted vector (never NULL). */
GStrv tftsr_tags_normalize (const char *const *tags);
GStrv tftsr_tags_parse (const char *comma_separated);

/* A highlighted range inside a search snippet, in bytes. */
typedef struct
{
  guint start;
  guint end;
} TftsrRange;

#define TFTSR_TYPE_ISSUE (tftsr_issue_get_type ())
G_DECLARE_FINAL_TYPE (TftsrIssue, tftsr_issue, TFTSR, ISSUE, GObject)

TftsrIssue *tftsr_issue_new (const char *title);
TftsrIssue *tftsr_issue_copy (TftsrIssue *self);

gint64 tftsr_issue_get_id (TftsrIssue *self);
const char *tftsr_issue_get_title (TftsrIssue *self);
void tftsr_issue_set_title (TftsrIssue *self, const char *title);
const char *tftsr_issue_get_description (TftsrIssue *self);
void tftsr_issue_set_description (TftsrIssue *self, const char *description);
TftsrSeverity tftsr_issue_get_severity (TftsrIssue *self);
void tftsr_issue_set_severity (TftsrIssue *self, TftsrSeverity severity);
TftsrStatus tftsr_issue_get_status (TftsrIssue *self);
void tftsr_issue_set_status (TftsrIssue *self, TftsrStatus status);
TftsrCategory tftsr_issue_get_category (TftsrIssue *self);
void tftsr_issue_set_category (TftsrIssue *self, TftsrCategory category);
const char *tftsr_issue_get_owner (TftsrIssue *self);
void tftsr_issue_set_owner (TftsrIssue *self, const char *owner);
const char *tftsr_issue_get_source (TftsrIssue *self);
void tftsr_issue_set_source (TftsrIssue *self, const char *source);
const char *const *tftsr_issue_get_tags (TftsrIssue *self);
void tftsr_issue_set_tags (TftsrIssue *self, const char *const *tags);
/* Timestamps are ISO 8601 UTC with milliseconds ("2026-11-22T02:07:04.123Z"). */
const char *tftsr_issue_get_created_at (TftsrIssue *self);
const char *tftsr_issue_get_updated_at (TftsrIssue *self);
const char *tftsr_issue_get_resolved_at (TftsrIssue *self);
/* Set only on issues returned by a text search: the best-matching passage with its
 * matched terms as byte ranges. */
const char *tftsr_issue_get_snippet (TftsrIssue *self);
const TftsrRange *tftsr_issue_get_snippet_highlights (TftsrIssue *self, guint *n_ranges);
/* The snippet as Pango markup, matched terms in bold, everything escaped. */
char *tftsr_issue_dup_snippet_markup (TftsrIssue *self);
/* Copies the fields a list row shows (title, severity, status, category, tags, owner,
 * timestamps) from @from, notifying only what changed. */
void tftsr_issue_sync_summary (TftsrIssue *self, TftsrIssue *from);

G_END_DECLS
