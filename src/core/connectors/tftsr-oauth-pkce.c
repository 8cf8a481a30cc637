/* tftsr-oauth-pkce.c: the random values of a sign-in (PKCE verifier, state) and the S256
 * challenge
 *
 * The verifier is what keeps a stolen authorization code useless, so it comes from
 * OpenSSL's CSPRNG, never from g_random (a Mersenne Twister, predictable from its output).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <string.h>

#include "tftsr-oauth-private.h"

/* 48 bytes are 64 base64url characters: inside RFC 7636's 43 to 128, 384 bits of entropy. */
#define VERIFIER_BYTES 48

G_DEFINE_QUARK (tftsr - oauth - error - quark, tftsr_oauth_error)

char *
tftsr_oauth_base64url (const guint8 *data, gsize len)
{
  char *text = g_base64_encode (data, len);
  char *end = text + strlen (text);

  while (end > text && end[-1] == '=')
    *--end = '\0';
  for (char *p = text; *p != '\0'; p++)
    *p = *p == '+' ? '-' : *p == '/' ? '_' : *p;
  return text;
}

TftsrSecret *
tftsr_oauth_random_base64url (gsize n_bytes, GError **error)
{
  g_autofree guint8 *bytes = g_malloc (n_bytes);
  TftsrSecret *text = NULL;

  if (RAND_bytes (bytes, (int) n_bytes) == 1)
    text = tftsr_oauth_base64url (bytes, n_bytes);
  else
    g_set_error (error, TFTSR_OAUTH_ERROR, TFTSR_OAUTH_ERROR_INVALID_CONFIG,
                 _ ("The system's random number generator failed"));
  explicit_bzero (bytes, n_bytes);
  return text;
}

TftsrSecret *
tftsr_oauth_new_verifier (GError **error)
{
  return tftsr_oauth_random_base64url (VERIFIER_BYTES, error);
}

char *
tftsr_oauth_challenge (const char *verifier)
{
  guint8 digest[SHA256_DIGEST_LENGTH];

  g_return_val_if_fail (verifier != NULL, NULL);

  SHA256 ((const guint8 *) verifier, strlen (verifier), digest);
  return tftsr_oauth_base64url (digest, sizeof digest);
}
