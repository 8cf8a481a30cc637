/* tftsr-cli-ollama.c: tftsr-cli ollama status|models|pull|delete|hardware|recommend
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib-unix.h>
#include <glib/gi18n.h>
#include <signal.h>
#include <unistd.h>

#include "tftsr-cli.h"

/* The options every verb shares. */
typedef struct
{
  char *url;
  gboolean json;
} Common;

static void
common_clear (Common *common)
{
  g_free (common->url);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Common, common_clear)

/* Parses --url (when @with_url) and --json (when @with_json) for "ollama @verb". */
static gboolean
parse (const char *verb, const char *positional, const char *summary, gboolean with_url,
       gboolean with_json, Common *common, int *argc, char ***argv)
{
  const GOptionEntry url = { "url",
                             0,
                             0,
                             G_OPTION_ARG_STRING,
                             &common->url,
                             N_ ("Ollama's address (default: the active Ollama provider's, else "
                                 "http://localhost:11434)"),
                             "URL" };
  const GOptionEntry json = { "json", 0, 0, G_OPTION_ARG_NONE, &common->json, N_ ("Print JSON"),
                              NULL };
  GOptionEntry entries[3] = { { NULL } };
  g_autofree char *command = g_strconcat ("ollama ", verb, NULL);
  guint n = 0;

  if (with_url)
    entries[n++] = url;
  if (with_json)
    entries[n++] = json;
  return tftsr_cli_parse (command, positional, summary, entries, FALSE, argc, argv);
}

/* --url, else the active provider's when it speaks Ollama, else the default. Looking for
 * the provider never creates a database. NULL after printing why. */
static char *
resolve_url (TftsrCli *cli, const char *url)
{
  g_autoptr (TftsrAiProvider) provider = NULL;
  g_autoptr (GError) error = NULL;

  if (url != NULL)
    return g_strdup (url);
  if (!tftsr_cli_db_exists (cli))
    return g_strdup (TFTSR_OLLAMA_DEFAULT_URL);
  if (tftsr_cli_store (cli) == NULL)
    return NULL;
  provider = tftsr_store_get_ai_provider (cli->store, NULL, &error);
  if (provider == NULL && !g_error_matches (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_NOT_FOUND))
    {
      tftsr_cli_fail (error);
      return NULL;
    }
  return g_strdup (tftsr_ollama_url_for_provider (provider));
}

/* Parses the options and finds the URL; a CLI status when that failed, else -1. */
static int
begin (TftsrCli *cli, const char *verb, const char *positional, const char *summary, guint n_args,
       Common *common, char **url, int *argc, char ***argv)
{
  if (!parse (verb, positional, summary, TRUE, TRUE, common, argc, argv))
    return TFTSR_CLI_USAGE;
  if ((guint) *argc != n_args + 1)
    return tftsr_cli_usage_error (_ ("usage: tftsr-cli ollama %s %s"), verb, positional);
  *url = resolve_url (cli, common->url);
  return *url != NULL ? -1 : TFTSR_CLI_FAILED;
}

static json_object *
json_uint (guint64 value)
{
  return json_object_new_int64 ((gint64) MIN (value, (guint64) G_MAXINT64));
}

/* --- status and models -------------------------------------------------------------- */

static int
ollama_status (TftsrCli *cli, int argc, char **argv)
{
  g_auto (Common) common = { NULL, FALSE };
  g_autofree char *url = NULL, *version = NULL;
  g_autoptr (GError) error = NULL;
  json_object *obj;
  int status = begin (cli, "status", "", _ ("Says whether Ollama runs, and its version."), 0,
                      &common, &url, &argc, &argv);

  if (status >= 0)
    return status;
  version = tftsr_ollama_get_version (url, NULL, &error);
  if (!common.json)
    {
      if (version == NULL)
        return tftsr_cli_fail (error);
      g_autofree char *line = g_strdup_printf (_ ("Ollama %s is running at %s\n"), version, url);

      tftsr_cli_print_text (line);
      return TFTSR_CLI_OK;
    }
  obj = json_object_new_object ();
  json_object_object_add (obj, "url", tftsr_cli_json_string (url));
  json_object_object_add (obj, "running", json_object_new_boolean (version != NULL));
  if (version != NULL)
    json_object_object_add (obj, "version", tftsr_cli_json_string (version));
  else
    json_object_object_add (obj, "error", tftsr_cli_json_string (error->message));
  tftsr_cli_print_json (obj);
  json_object_put (obj);
  return version != NULL ? TFTSR_CLI_OK : TFTSR_CLI_FAILED;
}

/* ISO 8601 UTC with milliseconds, as the rest of tftsr writes times. */
static char *
utc_time (GDateTime *time)
{
  g_autoptr (GDateTime) utc = g_date_time_to_utc (time);
  g_autofree char *seconds = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%S");

  return g_strdup_printf ("%s.%03dZ", seconds, g_date_time_get_microsecond (utc) / 1000);
}

static json_object *
model_to_json (const TftsrOllamaModel *model)
{
  json_object *obj = json_object_new_object ();
  g_autofree char *modified = model->modified != NULL ? utc_time (model->modified) : NULL;

  json_object_object_add (obj, "name", tftsr_cli_json_string (model->name));
  json_object_object_add (obj, "size", json_uint (model->size));
  json_object_object_add (obj, "modified_at",
                          modified != NULL ? json_object_new_string (modified) : NULL);
  json_object_object_add (obj, "family",
                          model->family != NULL ? tftsr_cli_json_string (model->family) : NULL);
  json_object_object_add (
      obj, "parameter_size",
      model->parameter_size != NULL ? tftsr_cli_json_string (model->parameter_size) : NULL);
  json_object_object_add (obj, "quantization_level",
                          model->quantization != NULL ? tftsr_cli_json_string (model->quantization)
                                                      : NULL);
  json_object_object_add (obj, "digest",
                          model->digest != NULL ? tftsr_cli_json_string (model->digest) : NULL);
  return obj;
}

static const char *
or_dash (const char *text)
{
  return text != NULL && *text != '\0' ? text : "-";
}

static void
print_model (const TftsrOllamaModel *model)
{
  g_autofree char *size = g_format_size (model->size);
  g_autoptr (GDateTime) local =
      model->modified != NULL ? g_date_time_to_local (model->modified) : NULL;
  g_autofree char *modified = local != NULL ? g_date_time_format (local, "%Y-%m-%d %H:%M") : NULL;
  g_autofree char *line = g_strdup_printf (
      "%-32s %10s %8s %8s %-10s %s\n", model->name, size, or_dash (model->parameter_size),
      or_dash (model->quantization), or_dash (model->family), or_dash (modified));

  tftsr_cli_print_text (line);
}

static int
ollama_models (TftsrCli *cli, int argc, char **argv)
{
  g_auto (Common) common = { NULL, FALSE };
  g_autofree char *url = NULL;
  g_autoptr (GPtrArray) models = NULL;
  g_autoptr (GError) error = NULL;
  json_object *array;
  int status = begin (cli, "models", "", _ ("Lists the models Ollama has installed."), 0, &common,
                      &url, &argc, &argv);

  if (status >= 0)
    return status;
  if ((models = tftsr_ollama_list_models (url, NULL, &error)) == NULL)
    return tftsr_cli_fail (error);
  if (!common.json && models->len == 0)
    fprintf (stderr, "%s\n",
             _ ("No models are installed; “tftsr-cli ollama recommend” suggests some."));
  else if (!common.json)
    printf ("%-32s %10s %8s %8s %-10s %s\n", _ ("NAME"), _ ("SIZE"), _ ("PARAMS"), _ ("QUANT"),
            _ ("FAMILY"), _ ("MODIFIED"));
  array = json_object_new_array ();
  for (guint i = 0; i < models->len; i++)
    {
      if (common.json)
        json_object_array_add (array, model_to_json (models->pdata[i]));
      else
        print_model (models->pdata[i]);
    }
  if (common.json)
    tftsr_cli_print_json (array);
  json_object_put (array);
  return TFTSR_CLI_OK;
}

/* --- pull and delete ---------------------------------------------------------------- */

/* How the progress of a pull is shown on standard error: one line redrawn on a terminal,
 * else a line for each new step and each tenth of the download. */
typedef struct
{
  gboolean terminal;
  char *status;
  int tenth;
  gboolean drawn;    /* the terminal line holds progress */
  gboolean finished; /* the pull ended */
  GError *error;
} Pull;

static void
print_progress (Pull *pull, const TftsrOllamaPullProgress *progress)
{
  g_autofree char *done = g_format_size (progress->completed);
  g_autofree char *total = g_format_size (progress->total);
  g_autofree char *line = progress->total > 0
                              ? g_strdup_printf ("%s  %3.0f%%  %s / %s", progress->status,
                                                 progress->fraction * 100, done, total)
                              : g_strdup (progress->status);

  if (pull->terminal)
    fputs ("\r\033[K", stderr);
  tftsr_cli_write_text (stderr, line);
  if (!pull->terminal)
    fputc ('\n', stderr);
  fflush (stderr);
  pull->drawn = pull->terminal;
}

static void
on_progress (const TftsrOllamaPullProgress *progress, gpointer data)
{
  Pull *pull = data;
  int tenth = (int) (progress->fraction * 10);
  gboolean step = g_strcmp0 (pull->status, progress->status) != 0;

  if (!pull->terminal && !step && tenth == pull->tenth)
    return;
  g_free (pull->status);
  pull->status = g_strdup (progress->status);
  pull->tenth = tenth;
  print_progress (pull, progress);
}

static void
on_pulled (GObject *source, GAsyncResult *result, gpointer data)
{
  Pull *pull = data;

  tftsr_ollama_pull_finish (result, &pull->error);
  pull->finished = TRUE;
}

static gboolean
on_interrupt (gpointer cancellable)
{
  g_cancellable_cancel (cancellable);
  return G_SOURCE_CONTINUE;
}

/* Runs in a worker so that Ctrl+C (handled on this thread's main context) cancels it. */
static int
ollama_pull (TftsrCli *cli, int argc, char **argv)
{
  g_auto (Common) common = { NULL, FALSE };
  g_autofree char *url = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  Pull pull = { isatty (STDERR_FILENO), NULL, -1, FALSE, FALSE, NULL };
  guint interrupt;
  int status;

  if (!parse ("pull", "MODEL",
              _ ("Downloads a model into Ollama, with progress on standard error. Ctrl+C "
                 "stops; pulling again resumes."),
              TRUE, FALSE, &common, &argc, &argv))
    return TFTSR_CLI_USAGE;
  if (argc != 2 || *argv[1] == '\0')
    return tftsr_cli_usage_error (_ ("usage: tftsr-cli ollama pull MODEL"));
  if ((url = resolve_url (cli, common.url)) == NULL)
    return TFTSR_CLI_FAILED;

  interrupt = g_unix_signal_add (SIGINT, on_interrupt, cancellable);
  tftsr_ollama_pull_async (url, argv[1], on_progress, &pull, cancellable, on_pulled, &pull);
  while (!pull.finished)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (interrupt);

  if (pull.drawn)
    fputc ('\n', stderr);
  if (g_error_matches (pull.error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      fprintf (stderr, _ ("Cancelled: pulling “%s” again resumes where it stopped.\n"), argv[1]);
      status = TFTSR_CLI_FAILED;
    }
  else
    status = pull.error != NULL ? tftsr_cli_fail (pull.error) : TFTSR_CLI_OK;
  g_clear_error (&pull.error);
  g_free (pull.status);
  return status;
}

static int
ollama_delete (TftsrCli *cli, int argc, char **argv)
{
  g_auto (Common) common = { NULL, FALSE };
  g_autofree char *url = NULL;
  g_autoptr (GError) error = NULL;

  if (!parse ("delete", "MODEL", _ ("Removes a model and its data from Ollama."), TRUE, FALSE,
              &common, &argc, &argv))
    return TFTSR_CLI_USAGE;
  if (argc != 2 || *argv[1] == '\0')
    return tftsr_cli_usage_error (_ ("usage: tftsr-cli ollama delete MODEL"));
  if ((url = resolve_url (cli, common.url)) == NULL)
    return TFTSR_CLI_FAILED;
  return tftsr_ollama_delete (url, argv[1], NULL, &error) ? TFTSR_CLI_OK : tftsr_cli_fail (error);
}

/* --- hardware and recommendations --------------------------------------------------- */

static json_object *
hardware_to_json (const TftsrHardware *hw)
{
  json_object *obj = json_object_new_object ();
  json_object *cpu = json_object_new_object ();
  json_object *ram = json_object_new_object ();
  json_object *gpus = json_object_new_array ();
  json_object *warnings = json_object_new_array ();

  json_object_object_add (cpu, "model",
                          hw->cpu_model != NULL ? tftsr_cli_json_string (hw->cpu_model) : NULL);
  json_object_object_add (cpu, "cores", json_object_new_int64 (hw->cores));
  json_object_object_add (cpu, "threads", json_object_new_int64 (hw->threads));
  json_object_object_add (ram, "total", json_uint (hw->ram_total));
  json_object_object_add (ram, "available", json_uint (hw->ram_available));
  for (guint i = 0; i < hw->gpus->len; i++)
    {
      TftsrGpu *gpu = hw->gpus->pdata[i];
      json_object *g = json_object_new_object ();

      json_object_object_add (g, "name", tftsr_cli_json_string (gpu->name));
      json_object_object_add (g, "vendor",
                              json_object_new_string (tftsr_gpu_vendor_to_string (gpu->vendor)));
      json_object_object_add (g, "vram", json_uint (gpu->vram));
      json_object_array_add (gpus, g);
    }
  for (guint i = 0; i < hw->warnings->len; i++)
    json_object_array_add (warnings, tftsr_cli_json_string (hw->warnings->pdata[i]));
  json_object_object_add (obj, "cpu", cpu);
  json_object_object_add (obj, "ram", ram);
  json_object_object_add (obj, "gpus", gpus);
  json_object_object_add (obj, "warnings", warnings);
  return obj;
}

static char *
iec (guint64 bytes)
{
  return g_format_size_full (bytes, G_FORMAT_SIZE_IEC_UNITS);
}

static void
print_hardware (const TftsrHardware *hw)
{
  g_autofree char *total = iec (hw->ram_total);
  g_autofree char *available = iec (hw->ram_available);
  g_autofree char *cpu = g_strdup_printf (_ ("CPU  %s (%u cores, %u threads)\n"),
                                          hw->cpu_model != NULL ? hw->cpu_model : _ ("unknown"),
                                          hw->cores, hw->threads);

  tftsr_cli_print_text (cpu);
  printf (_ ("RAM  %s, %s available\n"), total, available);
  for (guint i = 0; i < hw->gpus->len; i++)
    {
      TftsrGpu *gpu = hw->gpus->pdata[i];
      g_autofree char *vram = iec (gpu->vram);
      g_autofree char *line = g_strdup_printf (_ ("GPU  %s, %s VRAM\n"), gpu->name, vram);

      tftsr_cli_print_text (line);
    }
  if (hw->gpus->len == 0)
    printf ("%s\n", _ ("GPU  none that Ollama can use: models run on the CPU"));
}

/* The hardware, after printing its warnings on standard error; NULL after printing why. */
static TftsrHardware *
probe (void)
{
  g_autoptr (GError) error = NULL;
  TftsrHardware *hw = tftsr_hardware_probe (NULL, &error);

  if (hw == NULL)
    {
      tftsr_cli_fail (error);
      return NULL;
    }
  for (guint i = 0; i < hw->warnings->len; i++)
    {
      g_autofree char *line = g_strdup_printf ("tftsr-cli: %s\n", (char *) hw->warnings->pdata[i]);
      tftsr_cli_write_text (stderr, line);
    }
  return hw;
}

static int
ollama_hardware (TftsrCli *cli, int argc, char **argv)
{
  g_auto (Common) common = { NULL, FALSE };
  g_autoptr (TftsrHardware) hw = NULL;
  json_object *obj;

  if (!parse ("hardware", "", _ ("Shows the processor, memory and GPUs models would run on."),
              FALSE, TRUE, &common, &argc, &argv))
    return TFTSR_CLI_USAGE;
  if (argc != 1)
    return tftsr_cli_usage_error (_ ("usage: tftsr-cli ollama hardware [--json]"));
  if ((hw = probe ()) == NULL)
    return TFTSR_CLI_FAILED;
  if (!common.json)
    {
      print_hardware (hw);
      return TFTSR_CLI_OK;
    }
  obj = hardware_to_json (hw);
  tftsr_cli_print_json (obj);
  json_object_put (obj);
  return TFTSR_CLI_OK;
}

static json_object *
recommendation_to_json (const TftsrOllamaRecommendation *r)
{
  json_object *obj = json_object_new_object ();

  json_object_object_add (obj, "model", json_object_new_string (r->model));
  json_object_object_add (obj, "label", json_object_new_string (r->label));
  json_object_object_add (obj, "download", json_uint (r->download));
  json_object_object_add (obj, "memory", json_uint (r->memory));
  json_object_object_add (obj, "tools", json_object_new_boolean (r->tools));
  json_object_object_add (
      obj, "placement",
      json_object_new_string (r->placement == TFTSR_OLLAMA_ON_GPU ? "gpu" : "cpu"));
  json_object_object_add (obj, "reason", tftsr_cli_json_string (r->reason));
  json_object_object_add (obj, "installed", json_object_new_boolean (r->installed));
  return obj;
}

static void
print_recommendation (guint n, const TftsrOllamaRecommendation *r)
{
  g_autofree char *download = g_format_size (r->download);
  g_autofree char *line =
      g_strdup_printf (_ ("%u. %-18s %-38s %8s download%s\n   %s\n"), n, r->model, r->label,
                       download, r->installed ? _ (", installed") : "", r->reason);

  tftsr_cli_print_text (line);
}

/* The installed models, to mark; without Ollama the list stands unmarked. */
static GPtrArray *
installed_models (const char *url)
{
  g_autoptr (GError) error = NULL;
  GPtrArray *models = tftsr_ollama_list_models (url, NULL, &error);

  if (models == NULL)
    fprintf (stderr, _ ("tftsr-cli: installed models are not marked: %s\n"), error->message);
  return models;
}

static int
ollama_recommend (TftsrCli *cli, int argc, char **argv)
{
  g_auto (Common) common = { NULL, FALSE };
  g_autofree char *url = NULL;
  g_autoptr (TftsrHardware) hw = NULL;
  g_autoptr (GPtrArray) models = NULL;
  g_autoptr (GPtrArray) list = NULL;
  json_object *array;
  int status = begin (cli, "recommend", "",
                      _ ("Suggests models for troubleshooting that run well on this machine."), 0,
                      &common, &url, &argc, &argv);

  if (status >= 0)
    return status;
  if ((hw = probe ()) == NULL)
    return TFTSR_CLI_FAILED;
  models = installed_models (url);
  list = tftsr_ollama_recommend (hw, models);
  if (!common.json && list->len == 0)
    printf ("%s\n", _ ("None of the models tftsr knows runs well with this little memory."));
  array = json_object_new_array ();
  for (guint i = 0; i < list->len; i++)
    {
      if (common.json)
        json_object_array_add (array, recommendation_to_json (list->pdata[i]));
      else
        print_recommendation (i + 1, list->pdata[i]);
    }
  if (common.json)
    tftsr_cli_print_json (array);
  json_object_put (array);
  return TFTSR_CLI_OK;
}

int
tftsr_cli_ollama (TftsrCli *cli, int argc, char **argv)
{
  static const struct
  {
    const char *verb;
    TftsrCliCommand run;
  } verbs[] = {
    { "status", ollama_status }, { "models", ollama_models },     { "pull", ollama_pull },
    { "delete", ollama_delete }, { "hardware", ollama_hardware }, { "recommend", ollama_recommend },
  };

  for (guint i = 0; argc >= 2 && i < G_N_ELEMENTS (verbs); i++)
    if (g_str_equal (argv[1], verbs[i].verb))
      return verbs[i].run (cli, argc - 1, argv + 1);
  return tftsr_cli_usage_error (
      _ ("usage: tftsr-cli ollama status|models|pull MODEL|delete MODEL|hardware|recommend "
         "[--url URL] [--json]"));
}
