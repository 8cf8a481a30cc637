/* tftsr-vault.c: the connectors' secrets, on the credentials store the AI keys use
 *
 * Every secret is one credential (tftsr-credentials.c) whose owner is
 * "connector:<id>:<kind>", so connectors get the same policy as the AI provider keys: the
 * Secret Service when the database key is there, else sealed in the database.
 *
 * An OAuth token set is one credential too, so its parts never disagree (a rotated refresh
 * token stored without its access token would be lost). It is serialised as lines rather
 * than JSON: json-c keeps copies in buffers it frees without zeroing, whereas every buffer
 * here is ours and wiped.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>
#include <string.h>

#include "tftsr-credentials.h"
#include "tftsr-db-key.h"

#define CONNECTOR_ID_MAX 64
#define TOKENS_VERSION "tftsr-oauth-1"
#define TOKENS_FIELDS 6

static const char *const kind_names[] = { "api_token", "pat", "password", "oauth" };

gboolean
tftsr_vault_check_connector (const char *connector, GError **error)
{
  gsize len;

  g_return_val_if_fail (connector != NULL, FALSE);

  len = strlen (connector);
  if (len == 0 || len > CONNECTOR_ID_MAX ||
      strspn (connector, "abcdefghijklmnopqrstuvwxyz0123456789._-") != len)
    {
      g_set_error (error, TFTSR_VAULT_ERROR, TFTSR_VAULT_ERROR_FAILED,
                   _ ("“%s” is not a connector id: use 1 to 64 characters from a–z, 0–9, “.”, "
                      "“_” and “-”"),
                   connector);
      return FALSE;
    }
  return TRUE;
}

char *
tftsr_vault_owner (const char *connector, TftsrSecretKind kind)
{
  g_assert ((guint) kind < G_N_ELEMENTS (kind_names));
  return g_strconcat ("connector:", connector, ":", kind_names[kind], NULL);
}

/* Writes @secret (or removes it when NULL) in a transaction of its own. */
static gboolean
write_secret (TftsrStore *store, const char *connector, TftsrSecretKind kind, const char *secret,
              GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;
  g_autofree char *owner = NULL;

  if (!tftsr_vault_check_connector (connector, error) ||
      (conn = tftsr_conn_acquire (store, error)) == NULL || !tftsr_db_begin (conn->db, error))
    return FALSE;
  owner = tftsr_vault_owner (connector, kind);
  if ((secret != NULL ? tftsr_credential_put (store, conn->db, owner, secret, error)
                      : tftsr_credential_delete (store, conn->db, owner, error)) &&
      tftsr_db_commit (conn->db, error))
    return TRUE;
  tftsr_db_rollback (conn->db);
  return FALSE;
}

static TftsrSecret *
read_secret (TftsrStore *store, const char *connector, TftsrSecretKind kind, GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;
  g_autofree char *owner = NULL;

  if (!tftsr_vault_check_connector (connector, error) ||
      (conn = tftsr_conn_acquire (store, error)) == NULL)
    return NULL;
  owner = tftsr_vault_owner (connector, kind);
  return tftsr_credential_get (store, conn->db, owner, error);
}

gboolean
tftsr_vault_put_secret (TftsrStore *store, const char *connector, TftsrSecretKind kind,
                        const char *secret, GError **error)
{
  g_return_val_if_fail (TFTSR_IS_STORE (store), FALSE);
  g_return_val_if_fail (connector != NULL && secret != NULL, FALSE);
  g_return_val_if_fail (kind != TFTSR_SECRET_OAUTH, FALSE);
  return write_secret (store, connector, kind, secret, error);
}

TftsrSecret *
tftsr_vault_dup_secret (TftsrStore *store, const char *connector, TftsrSecretKind kind,
                        GError **error)
{
  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);
  g_return_val_if_fail (connector != NULL, NULL);
  g_return_val_if_fail (kind != TFTSR_SECRET_OAUTH, NULL);
  return read_secret (store, connector, kind, error);
}

gboolean
tftsr_vault_has_secret (TftsrStore *store, const char *connector, TftsrSecretKind kind)
{
  g_autoptr (TftsrConn) conn = NULL;
  g_autofree char *owner = NULL;

  g_return_val_if_fail (TFTSR_IS_STORE (store), FALSE);
  g_return_val_if_fail (connector != NULL, FALSE);

  if (!tftsr_vault_check_connector (connector, NULL) ||
      (conn = tftsr_conn_acquire (store, NULL)) == NULL)
    return FALSE;
  owner = tftsr_vault_owner (connector, kind);
  return tftsr_credential_exists (conn->db, owner);
}

gboolean
tftsr_vault_delete_secret (TftsrStore *store, const char *connector, TftsrSecretKind kind,
                           GError **error)
{
  g_return_val_if_fail (TFTSR_IS_STORE (store), FALSE);
  g_return_val_if_fail (connector != NULL, FALSE);
  return write_secret (store, connector, kind, NULL, error);
}

gboolean
tftsr_vault_forget_connector (TftsrStore *store, const char *connector, GError **error)
{
  g_return_val_if_fail (TFTSR_IS_STORE (store), FALSE);
  g_return_val_if_fail (connector != NULL, FALSE);

  for (guint kind = 0; kind < G_N_ELEMENTS (kind_names); kind++)
    if (!write_secret (store, connector, kind, NULL, error))
      return FALSE;
  return TRUE;
}

void
tftsr_oauth_tokens_free (TftsrOAuthTokens *tokens)
{
  if (tokens == NULL)
    return;
  tftsr_secret_free (tokens->access_token);
  tftsr_secret_free (tokens->refresh_token);
  g_free (tokens->token_type);
  g_free (tokens->scope);
  g_free (tokens);
}

/* A field is printable ASCII (RFC 6749's token characters), so it never holds the line
 * break that separates fields. */
static gboolean
valid_field (const char *value)
{
  for (const char *p = value; *p != '\0'; p++)
    if (*p < 0x20 || *p > 0x7e)
      return FALSE;
  return TRUE;
}

gboolean
tftsr_vault_put_oauth_tokens (TftsrStore *store, const char *connector,
                              const TftsrOAuthTokens *tokens, GError **error)
{
  const char *refresh = tokens->refresh_token != NULL ? tokens->refresh_token : "";
  const char *scope = tokens->scope != NULL ? tokens->scope : "";
  char expires[24];
  g_autoptr (TftsrSecret) text = NULL;

  g_return_val_if_fail (TFTSR_IS_STORE (store), FALSE);
  g_return_val_if_fail (connector != NULL && tokens != NULL, FALSE);
  g_return_val_if_fail (tokens->access_token != NULL && tokens->token_type != NULL, FALSE);

  if (*tokens->access_token == '\0' || !valid_field (tokens->access_token) ||
      !valid_field (refresh) || !valid_field (tokens->token_type) || !valid_field (scope))
    {
      g_set_error (error, TFTSR_VAULT_ERROR, TFTSR_VAULT_ERROR_FAILED,
                   _ ("The service granted a token with characters OAuth does not allow"));
      return FALSE;
    }
  g_snprintf (expires, sizeof expires, "%" G_GINT64_FORMAT, tokens->expires_at);
  /* g_strconcat sizes its result once: no intermediate copy of a token is left behind. */
  text = g_strconcat (TOKENS_VERSION "\n", expires, "\n", tokens->token_type, "\n", scope, "\n",
                      tokens->access_token, "\n", refresh, NULL);
  return write_secret (store, connector, TFTSR_SECRET_OAUTH, text, error);
}

static TftsrOAuthTokens *
parse_tokens (char *text, const char *connector, GError **error)
{
  char *fields[TOKENS_FIELDS];
  g_autoptr (TftsrOAuthTokens) tokens = g_new0 (TftsrOAuthTokens, 1);
  guint n = 0;
  char *end = NULL;

  /* Cut in place, so the only copies are the fields we keep. */
  for (char *p = text; p != NULL && n < TOKENS_FIELDS; n++)
    {
      fields[n] = p;
      if ((p = strchr (p, '\n')) != NULL)
        *p++ = '\0';
    }
  if (n != TOKENS_FIELDS || !g_str_equal (fields[0], TOKENS_VERSION) || *fields[4] == '\0' ||
      (tokens->expires_at = g_ascii_strtoll (fields[1], &end, 10), *end != '\0'))
    {
      g_set_error (error, TFTSR_VAULT_ERROR, TFTSR_VAULT_ERROR_FAILED,
                   _ ("The stored sign-in of connector %s is damaged: sign in again"), connector);
      return NULL;
    }
  tokens->token_type = g_strdup (fields[2]);
  tokens->scope = *fields[3] != '\0' ? g_strdup (fields[3]) : NULL;
  tokens->access_token = g_strdup (fields[4]);
  tokens->refresh_token = *fields[5] != '\0' ? g_strdup (fields[5]) : NULL;
  return g_steal_pointer (&tokens);
}

TftsrOAuthTokens *
tftsr_vault_dup_oauth_tokens (TftsrStore *store, const char *connector, GError **error)
{
  TftsrSecret *text;
  TftsrOAuthTokens *tokens;
  gsize len;

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);
  g_return_val_if_fail (connector != NULL, NULL);

  if ((text = read_secret (store, connector, TFTSR_SECRET_OAUTH, error)) == NULL)
    return NULL;
  len = strlen (text);
  tokens = parse_tokens (text, connector, error);
  /* The cut text is shorter to strlen than it is: wipe all of it. */
  explicit_bzero (text, len);
  g_free (text);
  return tokens;
}
