/* tftsr-ollama.h: the local models of an Ollama server (status, list, pull, delete), this
 * machine's hardware, and which models suit it
 *
 * Every call takes the base URL of the Ollama to manage (an Ollama provider's base_url;
 * NULL or "" for TFTSR_OLLAMA_DEFAULT_URL). The calls send model names only, never incident
 * content, so they go to net directly rather than through egress. The blocking calls are
 * for workers; each has an _async/_finish pair for the UI thread.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tftsr-ai-provider.h"

G_BEGIN_DECLS

#define TFTSR_OLLAMA_DEFAULT_URL "http://localhost:11434"

#define TFTSR_OLLAMA_ERROR (tftsr_ollama_error_quark ())
GQuark tftsr_ollama_error_quark (void);

/* Cancellation is G_IO_ERROR_CANCELLED, as everywhere in GIO. */
typedef enum
{
  TFTSR_OLLAMA_ERROR_NOT_RUNNING, /* nothing accepts connections at the URL */
  TFTSR_OLLAMA_ERROR_UNREACHABLE, /* unknown host, TLS, timeout, an address that is not http(s) */
  TFTSR_OLLAMA_ERROR_NOT_OLLAMA,  /* something answers, but not as Ollama does */
  TFTSR_OLLAMA_ERROR_NOT_FOUND,   /* no such model */
  TFTSR_OLLAMA_ERROR_FAILED,      /* Ollama refused or reported an error (its words quoted) */
  TFTSR_OLLAMA_ERROR_MALFORMED,   /* a reply that could not be read */
  TFTSR_OLLAMA_ERROR_HARDWARE,    /* the memory size could not be read */
} TftsrOllamaError;

/* @base_url, or the default when it is NULL or empty. */
const char *tftsr_ollama_url_or_default (const char *base_url);
/* Where @provider's Ollama is when it is an Ollama provider with a URL, else the default
 * (@provider may be NULL). */
const char *tftsr_ollama_url_for_provider (const TftsrAiProvider *provider);

/* --- the server --------------------------------------------------------------------- */

/* Ollama's version ("0.5.1"): whether it runs at @base_url. */
char *tftsr_ollama_get_version (const char *base_url, GCancellable *cancellable, GError **error);

/* An installed model, as GET /api/tags describes it. */
typedef struct
{
  char *name;           /* "llama3.2:latest" */
  char *digest;         /* may be NULL, as the rest */
  guint64 size;         /* bytes on disk */
  GDateTime *modified;  /* NULL when Ollama did not say */
  char *family;         /* "llama" */
  char *parameter_size; /* "3.2B" */
  char *quantization;   /* "Q4_K_M" */
} TftsrOllamaModel;

#define TFTSR_TYPE_OLLAMA_MODEL (tftsr_ollama_model_get_type ())
GType tftsr_ollama_model_get_type (void) G_GNUC_CONST;
TftsrOllamaModel *tftsr_ollama_model_copy (const TftsrOllamaModel *model);
void tftsr_ollama_model_free (TftsrOllamaModel *model);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrOllamaModel, tftsr_ollama_model_free)

/* The installed models (TftsrOllamaModel), by name. */
GPtrArray *tftsr_ollama_list_models (const char *base_url, GCancellable *cancellable,
                                     GError **error);

/* Where a pull is. The strings are valid only during the call. */
typedef struct
{
  const char *status; /* Ollama's words: "pulling manifest", "pulling 6a0746a1ec1a",
                       * "verifying sha256 digest", "writing manifest", "success" */
  const char *digest; /* the layer the status is about, or NULL */
  guint64 completed;  /* bytes of all layers announced so far */
  guint64 total;
  double fraction; /* 0 to 1, never decreasing; below 1 until "success" */
} TftsrOllamaPullProgress;

typedef void (*TftsrOllamaPullFunc) (const TftsrOllamaPullProgress *progress, gpointer user_data);

/* Downloads @model, calling @progress (may be NULL) in the calling thread with each line
 * Ollama streams. Errors Ollama reports in the stream are TFTSR_OLLAMA_ERROR_FAILED with
 * its words; a stream that ends before "success" is one too. When cancelled
 * (G_IO_ERROR_CANCELLED) the download stops; Ollama keeps what it has and a later pull
 * resumes from there. */
gboolean tftsr_ollama_pull (const char *base_url, const char *model, TftsrOllamaPullFunc progress,
                            gpointer progress_data, GCancellable *cancellable, GError **error);

/* Removes @model and its data; TFTSR_OLLAMA_ERROR_NOT_FOUND when there is none. */
gboolean tftsr_ollama_delete (const char *base_url, const char *model, GCancellable *cancellable,
                              GError **error);

/* The same in a worker, for the UI thread. Pull progress reaches @progress on the main
 * context of the thread that called tftsr_ollama_pull_async(), never after the callback:
 * every step (status) in order, and within a step the newest counts when reports pile up. */
void tftsr_ollama_get_version_async (const char *base_url, GCancellable *cancellable,
                                     GAsyncReadyCallback callback, gpointer user_data);
char *tftsr_ollama_get_version_finish (GAsyncResult *result, GError **error);
void tftsr_ollama_list_models_async (const char *base_url, GCancellable *cancellable,
                                     GAsyncReadyCallback callback, gpointer user_data);
GPtrArray *tftsr_ollama_list_models_finish (GAsyncResult *result, GError **error);
void tftsr_ollama_pull_async (const char *base_url, const char *model, TftsrOllamaPullFunc progress,
                              gpointer progress_data, GCancellable *cancellable,
                              GAsyncReadyCallback callback, gpointer user_data);
gboolean tftsr_ollama_pull_finish (GAsyncResult *result, GError **error);
void tftsr_ollama_delete_async (const char *base_url, const char *model, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data);
gboolean tftsr_ollama_delete_finish (GAsyncResult *result, GError **error);

/* --- the hardware ------------------------------------------------------------------- */

typedef enum
{
  TFTSR_GPU_NVIDIA,
  TFTSR_GPU_AMD,
} TftsrGpuVendor;

/* "nvidia", "amd". */
const char *tftsr_gpu_vendor_to_string (TftsrGpuVendor vendor);

typedef struct
{
  char *name; /* "NVIDIA GeForce RTX 3060", "AMD GPU 1002:73bf" */
  TftsrGpuVendor vendor;
  guint64 vram; /* bytes; 0 when unknown */
} TftsrGpu;

typedef struct
{
  char *cpu_model;       /* NULL when unknown, as on CPUs whose cpuinfo names none */
  guint cores;           /* physical cores; 0 when unknown */
  guint threads;         /* logical processors; 0 when unknown */
  guint64 ram_total;     /* bytes */
  guint64 ram_available; /* bytes free for new programs; 0 when unknown */
  GPtrArray *gpus;       /* TftsrGpu with their own VRAM, largest first; Intel
                           * graphics, which share RAM, are not listed */
  GPtrArray *warnings;   /* sentences about what could not be found out */
} TftsrHardware;

#define TFTSR_TYPE_HARDWARE (tftsr_hardware_get_type ())
GType tftsr_hardware_get_type (void) G_GNUC_CONST;
TftsrHardware *tftsr_hardware_copy (const TftsrHardware *hardware);
void tftsr_hardware_free (TftsrHardware *hardware);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrHardware, tftsr_hardware_free)

/* Reads <@root>/proc/meminfo, <@root>/proc/cpuinfo and the AMD cards under
 * <@root>/sys/class/drm, and runs @nvidia_smi (a program path; NULL: none) with a fixed
 * argument list and no shell, for at most 10 s. Without a memory size the result is
 * TFTSR_OLLAMA_ERROR_HARDWARE; anything else missing leaves its field unknown. */
TftsrHardware *tftsr_hardware_probe_at (const char *root, const char *nvidia_smi,
                                        GCancellable *cancellable, GError **error);
/* This machine: root "/" and nvidia-smi from PATH. When TFTSR_HARDWARE_ROOT is set (tests
 * set it to a fixture tree) that root instead, with <root>/nvidia-smi if it exists. */
TftsrHardware *tftsr_hardware_probe (GCancellable *cancellable, GError **error);
void tftsr_hardware_probe_async (GCancellable *cancellable, GAsyncReadyCallback callback,
                                 gpointer user_data);
TftsrHardware *tftsr_hardware_probe_finish (GAsyncResult *result, GError **error);

/* Memory as people say it of RAM and cards, and as the recommendations' reasons say it:
 * GiB called GB, whole when close ("8 GB" for a card's 7.98 GiB, "12 GB"), else with one
 * decimal ("7.6 GB"). */
char *tftsr_hardware_format_memory (guint64 bytes);

/* --- recommendations ---------------------------------------------------------------- */

typedef enum
{
  TFTSR_OLLAMA_ON_GPU, /* the whole model in one GPU's VRAM */
  TFTSR_OLLAMA_ON_CPU, /* in RAM, computed by the CPU */
} TftsrOllamaPlacement;

typedef struct
{
  char *model;      /* the name to pull: "llama3.1:8b" */
  char *label;      /* "Llama 3.1 8B (Meta)" */
  guint64 download; /* bytes of the default quantization */
  guint64 memory;   /* bytes it takes to run with an 8K-token context */
  gboolean tools;   /* can call tools, which tftsr offers during triage */
  TftsrOllamaPlacement placement;
  char *reason;       /* why it suits this machine, for the engineer */
  gboolean installed; /* one of the installed models is this one */
} TftsrOllamaRecommendation;

void tftsr_ollama_recommendation_free (TftsrOllamaRecommendation *recommendation);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrOllamaRecommendation, tftsr_ollama_recommendation_free)

/* The models of tftsr's table that run well enough on @hardware for troubleshooting
 * chats, best first (TftsrOllamaRecommendation; may be empty). None needs more than the
 * VRAM of the GPU it is placed on or the RAM left after a reserve for the system. Those
 * among @installed (TftsrOllamaModel; may be NULL) are marked. */
GPtrArray *tftsr_ollama_recommend (const TftsrHardware *hardware, GPtrArray *installed);

G_END_DECLS
