/* fuzz-analysis-reply.c: any reply to "Analyze Logs" is read without crashing: the JSON
 * asked for however wrapped, or the reply as the summary
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdlib.h>
#include <string.h>

#include "tftsr-log-analysis.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autofree char *reply = g_strndup ((const char *) data, size);
  g_autoptr (TftsrLogAnalysis) a = g_new0 (TftsrLogAnalysis, 1);

  a->findings = g_ptr_array_new_with_free_func (g_free);
  tftsr_log_analysis_read_reply (a, reply);
  if (a->summary == NULL || a->first_why == NULL || a->severity_reason == NULL)
    abort ();
  if (!a->parsed && (a->findings->len > 0 || a->has_severity))
    abort ();
  for (guint i = 0; i < a->findings->len; i++)
    if (*(const char *) a->findings->pdata[i] == '\0')
      abort ();
  return 0;
}
