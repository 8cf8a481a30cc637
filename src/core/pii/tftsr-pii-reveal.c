/* tftsr-pii-reveal.c: pseudonyms back to the values they stand for, for display here
 *
 * Text that came back from outside (an AI reply, a ticket comment) speaks of <EMAIL_2>;
 * the engineer reads the real address. Only tokens that name a value of this incident are
 * replaced, so text that merely looks like a token stays as it is. The result never
 * leaves the machine: anything sent goes through egress again.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>
#include <string.h>

#include "tftsr-pii-review.h"
#include "tftsr-store-private.h"

typedef struct
{
  sqlite3_stmt *find;
  GHashTable *known; /* token -> value text, or "" for "not this incident's" */
  GError *error;
} Reveal;

static GRegex *
token_regex (void)
{
  static gsize regex;

  if (g_once_init_enter (&regex))
    g_once_init_leave (&regex, (gsize) g_regex_new ("<([A-Z][A-Z0-9_]*)_([1-9][0-9]{0,8})>",
                                                    G_REGEX_OPTIMIZE, 0, NULL));
  return (GRegex *) regex;
}

/* The value behind @type and @number, or NULL when the incident has none. */
static char *
lookup (Reveal *r, const char *type, const char *number)
{
  int rc;

  sqlite3_reset (r->find);
  tftsr_db_bind_text (r->find, 2, type);
  sqlite3_bind_int64 (r->find, 3, g_ascii_strtoll (number, NULL, 10));
  if ((rc = sqlite3_step (r->find)) == SQLITE_ROW)
    return g_utf8_make_valid (sqlite3_column_blob (r->find, 0), sqlite3_column_bytes (r->find, 0));
  if (rc != SQLITE_DONE && r->error == NULL)
    tftsr_db_set_error (&r->error, sqlite3_db_handle (r->find), rc,
                        _ ("Could not read the incident’s pseudonyms"));
  return NULL;
}

static gboolean
replace_token (const GMatchInfo *match, GString *out, gpointer user_data)
{
  Reveal *r = user_data;
  g_autofree char *token = g_match_info_fetch (match, 0);
  const char *value = g_hash_table_lookup (r->known, token);

  if (value == NULL)
    {
      g_autofree char *type = g_match_info_fetch (match, 1);
      g_autofree char *number = g_match_info_fetch (match, 2);
      char *found = lookup (r, type, number);

      value = found != NULL ? found : g_strdup ("");
      g_hash_table_insert (r->known, g_strdup (token), (char *) value);
    }
  g_string_append (out, *value != '\0' ? value : token);
  return FALSE;
}

/* The values of the incident's pseudonyms; with @released_only only those the engineer
 * released (by value or by type). */
static const char *const find_sql[] = {
  "SELECT value FROM pii_values WHERE issue_id = ?1 AND type = ?2 AND token_index = ?3",
  "SELECT v.value FROM pii_values v WHERE v.issue_id = ?1 AND v.type = ?2 "
  "AND v.token_index = ?3 AND (v.released = 1 OR EXISTS (SELECT 1 FROM pii_type_decisions d "
  "WHERE d.issue_id = ?1 AND d.type = v.type AND d.released = 1))",
};

static char *
reveal (TftsrStore *store, gint64 issue_id, const char *text, gboolean released_only,
        GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;
  Reveal r = { 0 };
  char *revealed;

  if (strchr (text, '<') == NULL)
    return g_strdup (text);
  if ((conn = tftsr_conn_acquire (store, error)) == NULL ||
      (r.find = tftsr_db_prepare (conn->db, find_sql[released_only ? 1 : 0], error)) == NULL)
    return NULL;
  sqlite3_bind_int64 (r.find, 1, issue_id);
  r.known = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  revealed = g_regex_replace_eval (token_regex (), text, -1, 0, 0, replace_token, &r, NULL);
  sqlite3_finalize (r.find);
  g_hash_table_unref (r.known);
  if (r.error != NULL)
    {
      g_propagate_error (error, r.error);
      g_free (revealed);
      return NULL;
    }
  return revealed;
}

char *
tftsr_store_reveal_pseudonyms (TftsrStore *store, gint64 issue_id, const char *text, GError **error)
{
  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);
  g_return_val_if_fail (text != NULL, NULL);

  return reveal (store, issue_id, text, FALSE, error);
}

char *
tftsr_store_reveal_released_pseudonyms (TftsrStore *store, gint64 issue_id, const char *text,
                                        GError **error)
{
  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);
  g_return_val_if_fail (text != NULL, NULL);

  return reveal (store, issue_id, text, TRUE, error);
}
