/* fuzz-adf.c: any text becomes one JSON document of valid ADF (Jira refuses an issue whose
 * description is not)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <stdlib.h>

#include "tftsr-adf-check.h"
#include "tftsr-adf-private.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autofree char *markdown = g_strndup ((const char *) data, size);
  g_autofree char *json = tftsr_adf_to_string (markdown);
  g_autofree char *problem = NULL;

  if (!g_utf8_validate (json, -1, NULL))
    abort ();
  problem = tftsr_adf_check_text (json);
  if (problem != NULL)
    {
      fprintf (stderr, "invalid ADF: %s\n%s\n", problem, json);
      abort ();
    }
  return 0;
}
