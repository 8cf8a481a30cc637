/* fuzz-hardware.c: what the hardware probe reads, as any bytes. The first byte chooses
 * /proc/meminfo, /proc/cpuinfo, nvidia-smi's output or a sysfs number; each parses without
 * a crash and gives a result that makes sense: available memory within the total, cores
 * within threads, names valid UTF-8 without runs of spaces.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdlib.h>
#include <string.h>

#include "tftsr-ollama-private.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static void
check_name (const char *name)
{
  if (name != NULL && (*name == '\0' || !g_utf8_validate (name, -1, NULL) ||
                       strstr (name, "  ") != NULL || name[strlen (name) - 1] == ' '))
    abort ();
}

static void
meminfo (const char *text, gsize len)
{
  guint64 total = 0, available = 0;

  if (tftsr_meminfo_parse (text, len, &total, &available) &&
      (total == 0 || total % 1024 != 0 || available > total))
    abort ();
}

static void
cpuinfo (const char *text, gsize len)
{
  g_autofree char *model = NULL;
  guint cores = 0, threads = 0;

  tftsr_cpuinfo_parse (text, len, &model, &cores, &threads);
  if (cores > threads)
    abort ();
  check_name (model);
}

static void
nvidia_smi (const char *text, gsize len)
{
  g_autoptr (GPtrArray) gpus = g_ptr_array_new_with_free_func ((GDestroyNotify) tftsr_gpu_free);

  tftsr_nvidia_smi_parse (text, len, gpus);
  for (guint i = 0; i < gpus->len; i++)
    {
      TftsrGpu *gpu = gpus->pdata[i];

      check_name (gpu->name);
      if (gpu->name == NULL || gpu->vram % (1024 * 1024) != 0)
        abort ();
    }
}

static void
sysfs (const char *text, gsize len)
{
  g_autofree char *terminated = g_strndup (text, len);
  guint64 value = 0;

  tftsr_sysfs_parse_number (terminated, &value);
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  static void (*const parsers[]) (const char *, gsize) = { meminfo, cpuinfo, nvidia_smi, sysfs };

  if (size == 0)
    return 0;
  parsers[data[0] % G_N_ELEMENTS (parsers)]((const char *) data + 1, size - 1);
  return 0;
}
