/* tftsr-ollama-recommend.c: which models of Ollama's library suit this machine for
 * troubleshooting chats
 *
 * The table lists chat models that follow instructions well, read long logs and (all but
 * one) call tools, best first. Memory is what Ollama takes to run the default quantization
 * (Q4_K_M) with an 8K-token context: the weights, the KV cache at 16 bits and the runtime,
 * estimated from each model's layer count and attention heads and rounded up.
 *
 * A model goes on a GPU when it fits in the largest card's VRAM less a tenth for the
 * desktop and the driver; otherwise on the CPU, when it fits in RAM less a reserve for the
 * system and is small enough for the processor: generating a token reads every weight, so
 * up to 4B answers at reading speed on any recent CPU, up to 9B a few words a second with 8
 * threads or more, and anything larger is too slow to troubleshoot with.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>
#include <string.h>

#include "tftsr-ollama-private.h"

#define GIB (G_GUINT64_CONSTANT (1) << 30)
#define MAX_RECOMMENDATIONS 5
#define CPU_USABLE_PARAMS 4.0 /* billions */
#define CPU_SLOW_PARAMS 9.0
#define CPU_SLOW_MIN_THREADS 8

typedef struct
{
  const char *model;
  const char *label;
  double params;      /* billions */
  guint download_mb;  /* decimal megabytes, as Ollama's library states them */
  guint memory_mib;   /* to run with an 8K context */
  gboolean tools;     /* calls tools in Ollama */
  gboolean is_latest; /* <family>:latest is this model */
} Entry;

static const Entry table[] = {
  { "llama3.3:70b", "Llama 3.3 70B (Meta)", 70, 43000, 45 * 1024, TRUE, TRUE },
  { "qwen2.5:32b", "Qwen 2.5 32B (Alibaba)", 32, 20000, 21 * 1024, TRUE, FALSE },
  { "mistral-small:24b", "Mistral Small 3 24B (Mistral AI)", 24, 14000, 15872, TRUE, TRUE },
  { "qwen2.5:14b", "Qwen 2.5 14B (Alibaba)", 14, 9000, 11 * 1024, TRUE, FALSE },
  { "mistral-nemo:12b", "Mistral NeMo 12B (Mistral AI, NVIDIA)", 12, 7100, 9 * 1024, TRUE, TRUE },
  { "llama3.1:8b", "Llama 3.1 8B (Meta)", 8, 4900, 6656, TRUE, TRUE },
  { "qwen2.5:7b", "Qwen 2.5 7B (Alibaba)", 7, 4700, 5632, TRUE, TRUE },
  { "llama3.2:3b", "Llama 3.2 3B (Meta)", 3, 2000, 3584, TRUE, TRUE },
  /* No GQA: its KV cache is larger than its weights at 8K tokens. */
  { "phi3.5:3.8b", "Phi-3.5 Mini 3.8B (Microsoft)", 3.8, 2200, 5632, FALSE, TRUE },
  { "llama3.2:1b", "Llama 3.2 1B (Meta)", 1, 1300, 2048, TRUE, FALSE },
};

void
tftsr_ollama_recommendation_free (TftsrOllamaRecommendation *recommendation)
{
  if (recommendation == NULL)
    return;
  g_free (recommendation->model);
  g_free (recommendation->label);
  g_free (recommendation->reason);
  g_free (recommendation);
}

static guint64
entry_memory (const Entry *entry)
{
  return (guint64) entry->memory_mib << 20;
}

char *
tftsr_hardware_format_memory (guint64 bytes)
{
  double gb = (double) bytes / GIB;
  double whole = (double) (guint64) (gb + 0.5);

  if (gb >= 9.5 || ABS (gb - whole) < 0.05)
    return g_strdup_printf ("%.0f GB", gb);
  return g_strdup_printf ("%.1f GB", gb);
}

/* RAM left for a model: a quarter, at least 2 GiB, stays with the system and the desktop. */
static guint64
usable_ram (const TftsrHardware *hardware)
{
  guint64 reserve = MAX (hardware->ram_total / 4, 2 * GIB);

  return hardware->ram_total > reserve ? hardware->ram_total - reserve : 0;
}

static guint64
usable_vram (const TftsrGpu *gpu)
{
  return gpu->vram - gpu->vram / 10;
}

static gboolean
installed (const Entry *entry, GPtrArray *models)
{
  gsize family = strcspn (entry->model, ":");

  for (guint i = 0; models != NULL && i < models->len; i++)
    {
      const char *name = ((TftsrOllamaModel *) models->pdata[i])->name;

      if (g_str_equal (name, entry->model) ||
          (entry->is_latest && strncmp (name, entry->model, family) == 0 &&
           g_str_equal (name + family, ":latest")))
        return TRUE;
    }
  return FALSE;
}

static char *
gpu_reason (const Entry *entry, const TftsrGpu *gpu)
{
  g_autofree char *vram = tftsr_hardware_format_memory (gpu->vram);
  g_autofree char *need = tftsr_hardware_format_memory (entry_memory (entry));

  return g_strdup_printf (_ ("Fits in %s of VRAM (%s) with room for context: needs about %s"), vram,
                          gpu->name, need);
}

/* How fast @entry runs on the processor, or NULL when it is too slow to recommend. */
static char *
cpu_speed (const Entry *entry, const TftsrHardware *hardware)
{
  char number[G_ASCII_DTOSTR_BUF_SIZE];
  g_autofree char *params =
      g_strconcat (g_ascii_formatd (number, sizeof number, "%g", entry->params), "B", NULL);
  g_autofree char *need = tftsr_hardware_format_memory (entry_memory (entry));

  if (entry->params <= CPU_USABLE_PARAMS && hardware->threads > 0)
    return g_strdup_printf (_ ("%s runs at usable speed on %u threads (needs about %s of RAM)"),
                            params, hardware->threads, need);
  if (entry->params <= CPU_USABLE_PARAMS)
    return g_strdup_printf (_ ("%s runs at usable speed on most processors (needs about %s of "
                               "RAM)"),
                            params, need);
  if (entry->params <= CPU_SLOW_PARAMS && hardware->threads >= CPU_SLOW_MIN_THREADS)
    return g_strdup_printf (_ ("%s answers slowly on %u threads, a few words a second (needs "
                               "about %s of RAM)"),
                            params, hardware->threads, need);
  return NULL;
}

static char *
cpu_reason (const Entry *entry, const TftsrHardware *hardware)
{
  g_autofree char *speed = cpu_speed (entry, hardware);
  g_autofree char *vram = NULL;

  if (speed == NULL)
    return NULL;
  if (hardware->gpus->len == 0)
    return g_strdup_printf (_ ("CPU only: %s"), speed);
  vram = tftsr_hardware_format_memory (((TftsrGpu *) hardware->gpus->pdata[0])->vram);
  return g_strdup_printf (_ ("Too big for %s of VRAM; on the CPU %s"), vram, speed);
}

static TftsrOllamaRecommendation *
recommendation_new (const Entry *entry, TftsrOllamaPlacement placement, char *reason,
                    GPtrArray *models)
{
  TftsrOllamaRecommendation *r = g_new0 (TftsrOllamaRecommendation, 1);

  r->model = g_strdup (entry->model);
  r->label = g_strdup (entry->label);
  r->download = (guint64) entry->download_mb * 1000 * 1000;
  r->memory = entry_memory (entry);
  r->tools = entry->tools;
  r->placement = placement;
  if (!entry->tools)
    {
      g_autofree char *plain = reason;
      reason = g_strdup_printf (_ ("%s; it cannot call tools"), plain);
    }
  r->reason = reason;
  r->installed = installed (entry, models);
  return r;
}

/* Adds the models for one placement in table order; @slow_pass takes the CPU models that
 * answer slowly, after the ones at usable speed. */
static void
add_placed (GPtrArray *out, const TftsrHardware *hardware, GPtrArray *models,
            TftsrOllamaPlacement placement, gboolean slow_pass, gboolean *taken)
{
  const TftsrGpu *gpu = hardware->gpus->len > 0 ? hardware->gpus->pdata[0] : NULL;

  for (guint i = 0; i < G_N_ELEMENTS (table) && out->len < MAX_RECOMMENDATIONS; i++)
    {
      const Entry *entry = &table[i];
      char *reason = NULL;

      if (taken[i])
        continue;
      if (placement == TFTSR_OLLAMA_ON_GPU && gpu != NULL &&
          entry_memory (entry) <= usable_vram (gpu))
        reason = gpu_reason (entry, gpu);
      else if (placement == TFTSR_OLLAMA_ON_CPU && entry_memory (entry) <= usable_ram (hardware) &&
               (entry->params > CPU_USABLE_PARAMS) == slow_pass)
        reason = cpu_reason (entry, hardware);
      if (reason == NULL)
        continue;
      taken[i] = TRUE;
      g_ptr_array_add (out, recommendation_new (entry, placement, reason, models));
    }
}

GPtrArray *
tftsr_ollama_recommend (const TftsrHardware *hardware, GPtrArray *installed_models)
{
  GPtrArray *out;
  gboolean taken[G_N_ELEMENTS (table)] = { FALSE };

  g_return_val_if_fail (hardware != NULL, NULL);

  out = g_ptr_array_new_with_free_func ((GDestroyNotify) tftsr_ollama_recommendation_free);
  add_placed (out, hardware, installed_models, TFTSR_OLLAMA_ON_GPU, FALSE, taken);
  add_placed (out, hardware, installed_models, TFTSR_OLLAMA_ON_CPU, FALSE, taken);
  add_placed (out, hardware, installed_models, TFTSR_OLLAMA_ON_CPU, TRUE, taken);
  return out;
}
