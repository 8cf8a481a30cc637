/* fuzz-attachment-spec.c: any "--log LOG_ID[:FIRST-LAST]" text parses without reading past
 * it; what parses is a log id (and a range with first <= last), numbered from 1, and the
 * attachment written back in the canonical form parses to the same one; a refusal says why
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdlib.h>

#include "tftsr-store.h"
#include "tftsr-triage-attachment.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static char *
canonical (const TftsrTriageAttachment *a)
{
  if (a->kind == TFTSR_TRIAGE_ATTACHMENT_LOG)
    return g_strdup_printf ("%" G_GINT64_FORMAT, a->target_id);
  return g_strdup_printf ("%" G_GINT64_FORMAT ":%" G_GUINT64_FORMAT "-%" G_GUINT64_FORMAT,
                          a->target_id, a->first_line, a->last_line);
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrTriageAttachment) a = tftsr_triage_attachment_parse_log (text, &error);
  g_autoptr (TftsrTriageAttachment) again = NULL;
  g_autofree char *written = NULL;

  if (a == NULL)
    {
      if (!g_error_matches (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_INVALID))
        abort ();
      return 0;
    }
  if (error != NULL || a->target_id <= 0 || a->kind == TFTSR_TRIAGE_ATTACHMENT_IMAGE)
    abort ();
  if (a->kind == TFTSR_TRIAGE_ATTACHMENT_LOG && (a->first_line != 0 || a->last_line != 0))
    abort ();
  if (a->kind == TFTSR_TRIAGE_ATTACHMENT_EXCERPT &&
      (a->first_line == 0 || a->last_line < a->first_line))
    abort ();
  written = canonical (a);
  again = tftsr_triage_attachment_parse_log (written, NULL);
  if (again == NULL || !tftsr_triage_attachment_equal (a, again))
    abort ();
  return 0;
}
