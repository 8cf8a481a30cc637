/* fuzz-oauth-request.c: any bytes sent to the sign-in's loopback listener are read without
 * going past them (the input is copied to a buffer of its exact size, so ASan sees an
 * overread); a redirect holds exactly one non-empty code or error of printable ASCII; the
 * same bytes with more after the head give the same answer (the parser reads the head only),
 * and a prefix without the head's end is never a redirect
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdlib.h>
#include <string.h>

#include "tftsr-oauth-private.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static void
check_printable (const char *value)
{
  for (const char *p = value; p != NULL && *p != '\0'; p++)
    if (*p < 0x20 || *p > 0x7e)
      abort ();
}

static void
check_redirect (const TftsrOAuthRedirect *redirect)
{
  if ((redirect->code != NULL) == (redirect->error != NULL))
    abort ();
  if ((redirect->code != NULL && *redirect->code == '\0') ||
      (redirect->error != NULL && *redirect->error == '\0'))
    abort ();
  check_printable (redirect->code);
  check_printable (redirect->state);
  check_printable (redirect->error);
  check_printable (redirect->error_description);
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autofree char *exact = g_memdup2 (data, size);
  g_autofree char *longer = g_malloc (size + 4);
  g_autoptr (TftsrOAuthRedirect) redirect = NULL;
  g_autoptr (TftsrOAuthRedirect) again = NULL;
  TftsrOAuthRequestKind kind = tftsr_oauth_parse_request (exact, size, &redirect);
  TftsrOAuthRequestKind kind_longer;

  if ((redirect != NULL) != (kind == TFTSR_OAUTH_REQUEST_REDIRECT))
    abort ();
  if (redirect != NULL)
    check_redirect (redirect);
  if (kind == TFTSR_OAUTH_REQUEST_INCOMPLETE && size >= TFTSR_OAUTH_REQUEST_MAX)
    abort ();
  memcpy (longer, data, size);
  memcpy (longer + size, "XYZ!", 4);
  kind_longer = tftsr_oauth_parse_request (longer, size + 4, &again);
  if (kind != TFTSR_OAUTH_REQUEST_INCOMPLETE && size + 4 <= TFTSR_OAUTH_REQUEST_MAX &&
      kind_longer != kind)
    abort ();
  return 0;
}
