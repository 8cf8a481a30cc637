/* tftsr-audit.h: the append-only, hash-chained audit log
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tftsr-store.h"

G_BEGIN_DECLS

#define TFTSR_AUDIT_ERROR (tftsr_audit_error_quark ())
GQuark tftsr_audit_error_quark (void);

typedef enum
{
  TFTSR_AUDIT_ERROR_TAMPERED, /* an entry was edited, removed or reordered */
  TFTSR_AUDIT_ERROR_FAILED,
} TftsrAuditError;

/* One verified entry, as listed by tftsr_audit_list(). */
typedef struct
{
  gint64 id;
  char *created_at;
  char *action; /* "issue.create", "egress.send"… */
  char *target; /* what it concerns: "issue:12", a URL… */
  char *detail; /* JSON object */
  char *hash;   /* hex SHA-256 of this entry chained to the previous one */
} TftsrAuditEntry;

void tftsr_audit_entry_free (TftsrAuditEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrAuditEntry, tftsr_audit_entry_free)

/* Appends an entry in its own transaction. @detail is a JSON object or NULL. */
gboolean tftsr_audit_append (TftsrStore *store, const char *action, const char *target,
                             const char *detail, GError **error);
/* Walks the whole chain. On success returns TRUE with the number of entries; on
 * tampering fails with TFTSR_AUDIT_ERROR_TAMPERED, names the first bad entry in the
 * message and stores its id in @first_bad_id (0 when the newest entries are missing). */
gboolean tftsr_audit_verify (TftsrStore *store, guint64 *n_entries, gint64 *first_bad_id,
                             GError **error);
/* The newest @limit entries (0 = all), oldest first. */
GPtrArray *tftsr_audit_list (TftsrStore *store, guint limit, GError **error);

G_END_DECLS
