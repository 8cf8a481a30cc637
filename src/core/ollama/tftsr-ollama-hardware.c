/* tftsr-ollama-hardware.c: this machine's processor, memory and GPUs, as Ollama will see them
 *
 * Everything is read below a root directory, so tests probe fixture trees. NVIDIA cards are
 * asked of nvidia-smi (the driver's sysfs says nothing about their memory); AMD cards are
 * read from the amdgpu driver's sysfs files. nvidia-smi runs without a shell, with a fixed
 * argument list, and is killed if it does not answer in time: a wedged driver can make it
 * hang for minutes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>
#include <string.h>

#include "tftsr-ollama-private.h"

#define NVIDIA_SMI_TIMEOUT 10 /* seconds */
#define PCI_VENDOR_AMD 0x1002

TftsrGpu *
tftsr_gpu_new (const char *name, TftsrGpuVendor vendor, guint64 vram)
{
  TftsrGpu *gpu = g_new0 (TftsrGpu, 1);

  gpu->name = g_strdup (name);
  gpu->vendor = vendor;
  gpu->vram = vram;
  return gpu;
}

void
tftsr_gpu_free (TftsrGpu *gpu)
{
  g_free (gpu->name);
  g_free (gpu);
}

const char *
tftsr_gpu_vendor_to_string (TftsrGpuVendor vendor)
{
  return vendor == TFTSR_GPU_NVIDIA ? "nvidia" : "amd";
}

static TftsrHardware *
hardware_new (void)
{
  TftsrHardware *hardware = g_new0 (TftsrHardware, 1);

  hardware->gpus = g_ptr_array_new_with_free_func ((GDestroyNotify) tftsr_gpu_free);
  hardware->warnings = g_ptr_array_new_with_free_func (g_free);
  return hardware;
}

TftsrHardware *
tftsr_hardware_copy (const TftsrHardware *hardware)
{
  TftsrHardware *copy;

  g_return_val_if_fail (hardware != NULL, NULL);

  copy = hardware_new ();
  copy->cpu_model = g_strdup (hardware->cpu_model);
  copy->cores = hardware->cores;
  copy->threads = hardware->threads;
  copy->ram_total = hardware->ram_total;
  copy->ram_available = hardware->ram_available;
  for (guint i = 0; i < hardware->gpus->len; i++)
    {
      TftsrGpu *gpu = hardware->gpus->pdata[i];
      g_ptr_array_add (copy->gpus, tftsr_gpu_new (gpu->name, gpu->vendor, gpu->vram));
    }
  for (guint i = 0; i < hardware->warnings->len; i++)
    g_ptr_array_add (copy->warnings, g_strdup (hardware->warnings->pdata[i]));
  return copy;
}

void
tftsr_hardware_free (TftsrHardware *hardware)
{
  if (hardware == NULL)
    return;
  g_free (hardware->cpu_model);
  g_ptr_array_unref (hardware->gpus);
  g_ptr_array_unref (hardware->warnings);
  g_free (hardware);
}

G_DEFINE_BOXED_TYPE (TftsrHardware, tftsr_hardware, tftsr_hardware_copy, tftsr_hardware_free)

static void
warn (TftsrHardware *hardware, char *sentence)
{
  g_ptr_array_add (hardware->warnings, sentence);
}

/* --- memory and processor ----------------------------------------------------------- */

static gboolean
probe_memory (TftsrHardware *hardware, const char *root, GError **error)
{
  g_autofree char *path = g_build_filename (root, "proc", "meminfo", NULL);
  g_autofree char *text = NULL;
  g_autoptr (GError) read_error = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &text, &len, &read_error))
    {
      g_set_error (error, TFTSR_OLLAMA_ERROR, TFTSR_OLLAMA_ERROR_HARDWARE,
                   _ ("The memory size could not be read: %s"), read_error->message);
      return FALSE;
    }
  if (!tftsr_meminfo_parse (text, len, &hardware->ram_total, &hardware->ram_available))
    {
      g_set_error (error, TFTSR_OLLAMA_ERROR, TFTSR_OLLAMA_ERROR_HARDWARE,
                   _ ("The memory size could not be read: %s names no MemTotal"), path);
      return FALSE;
    }
  return TRUE;
}

static void
probe_cpu (TftsrHardware *hardware, const char *root)
{
  g_autofree char *path = g_build_filename (root, "proc", "cpuinfo", NULL);
  g_autofree char *text = NULL;
  g_autoptr (GError) read_error = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &text, &len, &read_error))
    {
      warn (hardware,
            g_strdup_printf (_ ("The processor could not be identified: %s"), read_error->message));
      return;
    }
  tftsr_cpuinfo_parse (text, len, &hardware->cpu_model, &hardware->cores, &hardware->threads);
}

/* --- AMD cards in sysfs ------------------------------------------------------------- */

static gboolean
read_number (const char *dir, const char *file, guint64 *value)
{
  g_autofree char *path = g_build_filename (dir, file, NULL);
  g_autofree char *text = NULL;

  return g_file_get_contents (path, &text, NULL, NULL) && tftsr_sysfs_parse_number (text, value);
}

/* "card0", not the connectors ("card0-DP-1") nor render nodes. */
static gboolean
is_card (const char *name)
{
  if (!g_str_has_prefix (name, "card") || name[4] == '\0')
    return FALSE;
  for (const char *p = name + 4; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  return TRUE;
}

static void
probe_amd (TftsrHardware *hardware, const char *root)
{
  g_autofree char *drm = g_build_filename (root, "sys", "class", "drm", NULL);
  g_autoptr (GDir) dir = g_dir_open (drm, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *device = g_build_filename (drm, name, "device", NULL);
      g_autofree char *label = NULL;
      guint64 vendor = 0, vram = 0, id = 0;

      if (!is_card (name) || !read_number (device, "vendor", &vendor) || vendor != PCI_VENDOR_AMD ||
          !read_number (device, "mem_info_vram_total", &vram) || vram == 0)
        continue;
      read_number (device, "device", &id);
      label = g_strdup_printf ("AMD GPU %04x:%04x", PCI_VENDOR_AMD, (guint) (id & 0xffff));
      g_ptr_array_add (hardware->gpus, tftsr_gpu_new (label, TFTSR_GPU_AMD, vram));
    }
}

/* --- NVIDIA cards through nvidia-smi ------------------------------------------------ */

typedef struct
{
  GCancellable *stop;
  GBytes *output;
  GError *error;
  gboolean done;
  gboolean timed_out;
} Run;

static void
on_communicated (GObject *source, GAsyncResult *result, gpointer data)
{
  Run *run = data;

  g_subprocess_communicate_finish (G_SUBPROCESS (source), result, &run->output, NULL, &run->error);
  run->done = TRUE;
}

static gboolean
on_timeout (gpointer data)
{
  Run *run = data;

  run->timed_out = TRUE;
  g_cancellable_cancel (run->stop);
  return G_SOURCE_REMOVE;
}

static void
on_cancelled (GCancellable *cancellable, gpointer stop)
{
  g_cancellable_cancel (stop);
}

/* Waits for @proc on a private main context (this may be a worker, or a thread with no
 * loop running) until it ends, @seconds pass, or @cancellable is cancelled. */
static void
communicate (GSubprocess *proc, guint seconds, GCancellable *cancellable, Run *run)
{
  g_autoptr (GSource) timeout = g_timeout_source_new_seconds (seconds);
  GMainContext *context = g_main_context_get_thread_default ();
  gulong handler =
      cancellable != NULL
          ? g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled), run->stop, NULL)
          : 0;

  g_source_set_callback (timeout, on_timeout, run, NULL);
  g_source_attach (timeout, context);
  g_subprocess_communicate_async (proc, NULL, run->stop, on_communicated, run);
  while (!run->done)
    g_main_context_iteration (context, TRUE);
  g_source_destroy (timeout);
  g_cancellable_disconnect (cancellable, handler);
  if (run->error != NULL)
    g_subprocess_force_exit (proc);
  /* The reads that were cancelled finish on this context too. */
  while (g_main_context_iteration (context, FALSE))
    ;
}

/* The standard output and error of @argv, run without a shell; NULL with @error when it
 * could not be started, timed out or was cancelled. */
static GBytes *
run_program (const char *const *argv, guint seconds, GCancellable *cancellable, gboolean *success,
             GError **error)
{
  g_autoptr (GMainContext) context = g_main_context_new ();
  g_autoptr (GCancellable) stop = g_cancellable_new ();
  g_autoptr (GSubprocess) proc = NULL;
  Run run = { stop, NULL, NULL, FALSE, FALSE };

  g_main_context_push_thread_default (context);
  proc = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE,
                            error);
  if (proc != NULL)
    communicate (proc, seconds, cancellable, &run);
  g_main_context_pop_thread_default (context);
  if (proc == NULL)
    return NULL;
  if (run.timed_out)
    {
      g_clear_error (&run.error);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, _ ("it did not answer within %u s"),
                   seconds);
      return NULL;
    }
  if (run.error != NULL)
    {
      g_propagate_error (error, run.error);
      return NULL;
    }
  *success = g_subprocess_get_successful (proc);
  return run.output;
}

/* The first line of @output, for a warning. */
static char *
first_line (GBytes *output)
{
  gsize len = 0;
  const char *data = g_bytes_get_data (output, &len);
  const char *nl = data != NULL ? memchr (data, '\n', len) : NULL;
  g_autofree char *line =
      g_strndup (data != NULL ? data : "", nl != NULL ? (gsize) (nl - data) : len);

  g_strstrip (line);
  return g_utf8_make_valid (line, MIN (strlen (line), 200));
}

/* FALSE only when cancelled: a missing or failing nvidia-smi is a warning. */
static gboolean
probe_nvidia (TftsrHardware *hardware, const char *nvidia_smi, GCancellable *cancellable,
              GError **error)
{
  const char *argv[] = { nvidia_smi, "--query-gpu=name,memory.total",
                         "--format=csv,noheader,nounits", NULL };
  g_autoptr (GError) run_error = NULL;
  g_autoptr (GBytes) output = NULL;
  g_autofree char *said = NULL;
  gboolean success = FALSE;

  output = run_program (argv, NVIDIA_SMI_TIMEOUT, cancellable, &success, &run_error);
  if (output == NULL && g_error_matches (run_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_propagate_error (error, g_steal_pointer (&run_error));
      return FALSE;
    }
  if (output == NULL)
    warn (hardware, g_strdup_printf (_ ("NVIDIA GPUs could not be listed: nvidia-smi failed: %s"),
                                     run_error->message));
  else if (!success)
    warn (hardware, g_strdup_printf (_ ("NVIDIA GPUs could not be listed: nvidia-smi said “%s”"),
                                     said = first_line (output)));
  else
    tftsr_nvidia_smi_parse (g_bytes_get_data (output, NULL), g_bytes_get_size (output),
                            hardware->gpus);
  return TRUE;
}

/* --- the probe ------------------------------------------------------------------------ */

static int
compare_gpus (gconstpointer a, gconstpointer b)
{
  const TftsrGpu *x = *(TftsrGpu *const *) a;
  const TftsrGpu *y = *(TftsrGpu *const *) b;

  if (x->vram != y->vram)
    return x->vram > y->vram ? -1 : 1;
  return g_strcmp0 (x->name, y->name);
}

TftsrHardware *
tftsr_hardware_probe_at (const char *root, const char *nvidia_smi, GCancellable *cancellable,
                         GError **error)
{
  g_autoptr (TftsrHardware) hardware = hardware_new ();

  g_return_val_if_fail (root != NULL, NULL);

  if (!probe_memory (hardware, root, error))
    return NULL;
  probe_cpu (hardware, root);
  probe_amd (hardware, root);
  if (nvidia_smi != NULL && !probe_nvidia (hardware, nvidia_smi, cancellable, error))
    return NULL;
  g_ptr_array_sort (hardware->gpus, compare_gpus);
  return g_steal_pointer (&hardware);
}

TftsrHardware *
tftsr_hardware_probe (GCancellable *cancellable, GError **error)
{
  const char *root = g_getenv ("TFTSR_HARDWARE_ROOT");
  g_autofree char *nvidia_smi = NULL;

  if (root == NULL || *root == '\0')
    return tftsr_hardware_probe_at ("/", nvidia_smi = g_find_program_in_path ("nvidia-smi"),
                                    cancellable, error);
  nvidia_smi = g_build_filename (root, "nvidia-smi", NULL);
  return tftsr_hardware_probe_at (
      root, g_file_test (nvidia_smi, G_FILE_TEST_IS_EXECUTABLE) ? nvidia_smi : NULL, cancellable,
      error);
}
