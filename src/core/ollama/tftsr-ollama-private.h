/* tftsr-ollama-private.h: the parsers of the ollama module, for its calls, the tests and
 * the fuzz targets
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tftsr-ollama.h"

G_BEGIN_DECLS

/* --- a pull's progress (tftsr-ollama-progress.c) -------------------------------------- */

/* The layers of a pull and the overall progress they add up to. */
typedef struct _TftsrPullTracker TftsrPullTracker;

TftsrPullTracker *tftsr_pull_tracker_new (TftsrOllamaPullFunc progress, gpointer progress_data);
void tftsr_pull_tracker_free (TftsrPullTracker *tracker);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrPullTracker, tftsr_pull_tracker_free)
/* Takes one NDJSON line of POST /api/pull and reports the progress. An {"error": …} line
 * is TFTSR_OLLAMA_ERROR_FAILED with Ollama's words as the message; a line that is not a JSON
 * object, or more layers than any model has, TFTSR_OLLAMA_ERROR_MALFORMED. */
gboolean tftsr_pull_tracker_take_line (TftsrPullTracker *tracker, const char *line, gsize len,
                                       GError **error);
/* Whether Ollama reported "success". */
gboolean tftsr_pull_tracker_succeeded (TftsrPullTracker *tracker);

/* --- replies of the server (tftsr-ollama.c) ------------------------------------------- */

/* The models in a GET /api/tags body, by name; TFTSR_OLLAMA_ERROR_MALFORMED when it is not
 * {"models": […]}. Entries without a name are skipped. */
GPtrArray *tftsr_ollama_parse_models (const char *data, gsize len, GError **error);

/* --- what the probe reads (tftsr-ollama-hardware-parse.c) ----------------------------- */

/* MemTotal and MemAvailable of /proc/meminfo in bytes (MemFree + Buffers + Cached on
 * kernels older than MemAvailable; 0 when neither is there). FALSE without a MemTotal. */
gboolean tftsr_meminfo_parse (const char *text, gsize len, guint64 *total, guint64 *available);
/* The model name, physical cores and logical processors in /proc/cpuinfo (NULL and 0 for
 * what it does not say). */
void tftsr_cpuinfo_parse (const char *text, gsize len, char **model, guint *cores, guint *threads);
/* Appends a TftsrGpu to @gpus for each "name, MiB" line nvidia-smi printed. */
void tftsr_nvidia_smi_parse (const char *text, gsize len, GPtrArray *gpus);
/* A sysfs number ("0x1002\n", "17163091968\n"), decimal or 0x-hex; FALSE if it is none. */
gboolean tftsr_sysfs_parse_number (const char *text, guint64 *value);

TftsrGpu *tftsr_gpu_new (const char *name, TftsrGpuVendor vendor, guint64 vram);
void tftsr_gpu_free (TftsrGpu *gpu);

G_END_DECLS
