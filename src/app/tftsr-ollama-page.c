/* tftsr-ollama-page.c
 *
 * Every call to Ollama, the store and the hardware runs in a worker; the page only shows
 * what came back. The Ollama managed is an Ollama provider's, and the providers are read
 * again each time the page is shown, since one may just have been added on the AI
 * Providers page. A check (the version, then the models) cancels the one before it, so a
 * late answer about another server never replaces a newer one. One pull runs at a time.
 * When the page leaves its window everything in flight is cancelled, a pull included:
 * Ollama keeps what it downloaded and the next pull resumes there.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>

#include "tftsr-app-format.h"
#include "tftsr-confirm-dialog.h"
#include "tftsr-ollama-page.h"
#include "tftsr-preferences-window.h"

struct _TftsrOllamaPage
{
  AdwPreferencesPage parent_instance;

  TftsrStore *store;
  GCancellable *cancellable; /* the page's life: cancelled when it leaves its window */
  GCancellable *checking;    /* the version and models being asked for */
  GCancellable *pulling;     /* the pull in progress, or NULL */
  gboolean probed;           /* the hardware probe was started (first shown) */
  GPtrArray *servers;        /* TftsrAiProvider: the Ollama providers offered */
  gint64 server_id;          /* the provider chosen; 0 for none */
  char *url;                 /* the Ollama managed; NULL before the page was shown */
  gboolean running;          /* the last check reached it */
  GPtrArray *models;         /* TftsrOllamaModel installed; NULL while unknown */
  TftsrHardware *hardware;   /* NULL until probed */
  GHashTable *deleting;      /* names of the models being deleted */
  GHashTable *failures;      /* name → why deleting it failed, shown in its row */
  GPtrArray *model_rows;
  GPtrArray *hardware_rows;
  GPtrArray *recommend_rows;
  gboolean filling; /* the server choice is being set, not made */

  AdwComboRow *server_row;
  AdwActionRow *server_info_row;
  GtkWidget *providers_button;
  AdwActionRow *status_row;
  GtkStack *status_stack;
  GtkWidget *retry_button;
  AdwPreferencesGroup *models_group;
  GtkWidget *no_models_row;
  AdwPreferencesGroup *pull_group;
  AdwEntryRow *pull_entry;
  GtkWidget *pull_button;
  AdwActionRow *pull_error_row;
  GtkWidget *progress_row;
  GtkLabel *progress_title;
  GtkLabel *progress_label;
  GtkProgressBar *progress_bar;
  AdwPreferencesGroup *hardware_group;
  GtkWidget *probing_row;
  AdwPreferencesGroup *recommend_group;
};

G_DEFINE_FINAL_TYPE (TftsrOllamaPage, tftsr_ollama_page, ADW_TYPE_PREFERENCES_PAGE)

/* A pull or a delete of one model at one server, to finish in the UI thread. */
typedef struct
{
  TftsrOllamaPage *self;
  char *model;
  char *url;
} Job;

static Job *
job_new (TftsrOllamaPage *self, const char *model, const char *url)
{
  Job *job = g_new0 (Job, 1);

  job->self = g_object_ref (self);
  job->model = g_strdup (model);
  job->url = g_strdup (url);
  return job;
}

static void
job_free (Job *job)
{
  g_object_unref (job->self);
  g_free (job->model);
  g_free (job->url);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Job, job_free)

/* The page left its window: nothing it shows is seen any more. */
static gboolean
gone (TftsrOllamaPage *self)
{
  return g_cancellable_is_cancelled (self->cancellable);
}

static gboolean
cancelled (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* --- rows -------------------------------------------------------------------------------- */

/* Row titles and subtitles are markup; names and sentences from elsewhere are not. */
static char *
markup_of (const char *text)
{
  g_autofree char *shown = tftsr_display_text (text);

  return g_markup_escape_text (shown, -1);
}

static void
set_subtitle (AdwActionRow *row, const char *text)
{
  g_autofree char *markup = markup_of (text);

  adw_action_row_set_subtitle (row, markup);
}

static GtkWidget *
info_row (const char *title, const char *subtitle)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *markup = markup_of (title);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), markup);
  if (subtitle != NULL)
    set_subtitle (ADW_ACTION_ROW (row), subtitle);
  return row;
}

/* A row under the warning sign: what could not be found out, or done. */
static GtkWidget *
warning_row (const char *sentence)
{
  GtkWidget *row = info_row (sentence, NULL);
  GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");

  gtk_widget_add_css_class (icon, "warning");
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  return row;
}

static void
add_row (AdwPreferencesGroup *group, GPtrArray *rows, GtkWidget *row)
{
  adw_preferences_group_add (group, row);
  g_ptr_array_add (rows, row);
}

static void
clear_rows (AdwPreferencesGroup *group, GPtrArray *rows)
{
  for (guint i = 0; i < rows->len; i++)
    adw_preferences_group_remove (group, rows->pdata[i]);
  g_ptr_array_set_size (rows, 0);
}

/* A button of a row for @action on @model; @label, with the model's name, is what screen
 * readers say. */
static GtkWidget *
model_button (const char *action, const char *model, const char *text, const char *icon,
              const char *tooltip, const char *label)
{
  GtkWidget *button =
      icon != NULL ? gtk_button_new_from_icon_name (icon) : gtk_button_new_with_label (text);

  if (icon != NULL)
    gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", model);
  return button;
}

/* --- what may be done now ---------------------------------------------------------------- */

static void
update_actions (TftsrOllamaPage *self)
{
  gboolean can_pull = self->running && self->pulling == NULL;
  g_autofree char *typed =
      g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->pull_entry))));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "ollama.pull", can_pull);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "ollama.cancel-pull",
                                 self->pulling != NULL &&
                                     !g_cancellable_is_cancelled (self->pulling));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "ollama.delete", self->running);
  gtk_widget_set_sensitive (self->pull_button, can_pull && *typed != '\0');
}

/* --- status and installed models ----------------------------------------------------------- */

static void
show_status (TftsrOllamaPage *self, const char *state, const char *sentence)
{
  gtk_stack_set_visible_child_name (self->status_stack, state);
  set_subtitle (self->status_row, sentence);
  gtk_widget_set_visible (self->retry_button, g_str_equal (state, "failed"));
}

/* "4.7 GB · 7.6B · Q4_K_M · qwen2 · Modified 3 Nov": what Ollama said of it. */
static char *
describe_model (const TftsrOllamaModel *model)
{
  const char *details[] = { model->parameter_size, model->quantization, model->family };
  g_autofree char *size = g_format_size (model->size);
  GString *text = g_string_new (size);

  for (guint i = 0; i < G_N_ELEMENTS (details); i++)
    if (details[i] != NULL && *details[i] != '\0')
      g_string_append_printf (text, " · %s", details[i]);
  if (model->modified != NULL)
    {
      g_autofree char *when = tftsr_format_relative_datetime (model->modified);
      g_string_append (text, " · ");
      /* Translators: %s is when Ollama last wrote the model: "5 minutes ago", "3 Nov" */
      g_string_append_printf (text, _ ("Modified %s"), when);
    }
  return g_string_free (text, FALSE);
}

static GtkWidget *
model_row (TftsrOllamaPage *self, const TftsrOllamaModel *model)
{
  g_autofree char *about = describe_model (model);
  g_autofree char *name = tftsr_display_text (model->name);
  g_autofree char *label = g_strdup_printf (_ ("Delete “%s”"), name);
  const char *failure = g_hash_table_lookup (self->failures, model->name);
  GtkWidget *row = failure != NULL ? warning_row (model->name) : info_row (model->name, NULL);
  GtkWidget *suffix;

  set_subtitle (ADW_ACTION_ROW (row), failure != NULL ? failure : about);
  if (g_hash_table_contains (self->deleting, model->name))
    {
      suffix = gtk_spinner_new ();
      gtk_spinner_start (GTK_SPINNER (suffix));
      gtk_accessible_update_property (GTK_ACCESSIBLE (suffix), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _ ("Deleting"), -1);
    }
  else
    suffix = model_button ("ollama.delete", model->name, NULL, "user-trash-symbolic", _ ("Delete"),
                           label);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), suffix);
  return row;
}

static void
fill_models (TftsrOllamaPage *self)
{
  clear_rows (self->models_group, self->model_rows);
  for (guint i = 0; self->models != NULL && i < self->models->len; i++)
    add_row (self->models_group, self->model_rows, model_row (self, self->models->pdata[i]));
  gtk_widget_set_visible (self->no_models_row, self->models != NULL && self->models->len == 0);
  gtk_widget_set_visible (GTK_WIDGET (self->models_group), self->models != NULL);
  /* A pull keeps its progress and Cancel in view, whatever became of the server. */
  gtk_widget_set_visible (GTK_WIDGET (self->pull_group), self->running || self->pulling != NULL);
}

/* --- recommendations ----------------------------------------------------------------------- */

static GtkWidget *
recommendation_row (const TftsrOllamaRecommendation *r)
{
  g_autofree char *download = g_format_size (r->download);
  /* Translators: a model's name and its download size: "llama3.1:8b · 4.9 GB to download" */
  g_autofree char *what = g_strdup_printf (_ ("%s · %s to download"), r->model, download);
  g_autofree char *about = g_strdup_printf ("%s\n%s", r->reason, what);
  g_autofree char *label = g_strdup_printf (_ ("Pull “%s”"), r->model);
  GtkWidget *row = info_row (r->label, about);
  GtkWidget *suffix;

  if (r->installed)
    {
      suffix = gtk_label_new (_ ("Installed"));
      gtk_widget_add_css_class (suffix, "dim-label");
    }
  else
    suffix = model_button ("ollama.pull", r->model, _ ("Pull"), NULL,
                           _ ("Download this model into Ollama"), label);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), suffix);
  return row;
}

/* From the hardware and, once known, the installed models (marked as such). */
static void
fill_recommendations (TftsrOllamaPage *self)
{
  g_autoptr (GPtrArray) list = NULL;

  clear_rows (self->recommend_group, self->recommend_rows);
  gtk_widget_set_visible (GTK_WIDGET (self->recommend_group), self->hardware != NULL);
  if (self->hardware == NULL)
    return;
  list = tftsr_ollama_recommend (self->hardware, self->models);
  for (guint i = 0; i < list->len; i++)
    add_row (self->recommend_group, self->recommend_rows, recommendation_row (list->pdata[i]));
  if (list->len == 0)
    add_row (self->recommend_group, self->recommend_rows,
             info_row (_ ("None Fits This Computer"),
                       _ ("Every model tftsr knows needs more memory than is free here. An "
                          "Ollama server with a graphics card can run them: add it as an "
                          "Ollama provider.")));
}

/* --- checking the server ------------------------------------------------------------------- */

/* The installed models, and what they change in the recommendations and what may be done. */
static void
show_models (TftsrOllamaPage *self)
{
  fill_models (self);
  fill_recommendations (self);
  update_actions (self);
}

/* Nothing is known of the models: none listed, none marked installed, none pulled. */
static void
forget_models (TftsrOllamaPage *self)
{
  self->running = FALSE;
  g_clear_pointer (&self->models, g_ptr_array_unref);
  g_hash_table_remove_all (self->failures);
  show_models (self);
}

static void
show_unreachable (TftsrOllamaPage *self, const char *sentence)
{
  show_status (self, "failed", sentence);
  forget_models (self);
}

static void
models_listed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TftsrOllamaPage) self = user_data;
  g_autoptr (GError) error = NULL;
  GPtrArray *models = tftsr_ollama_list_models_finish (result, &error);

  if (cancelled (error))
    return;
  if (models == NULL)
    {
      show_unreachable (self, error->message);
      return;
    }
  g_clear_pointer (&self->models, g_ptr_array_unref);
  self->models = models;
  self->running = TRUE;
  show_models (self);
}

static void
version_got (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TftsrOllamaPage) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *version = tftsr_ollama_get_version_finish (result, &error);
  g_autofree char *sentence = NULL;

  if (cancelled (error))
    return;
  if (version == NULL)
    {
      show_unreachable (self, error->message);
      return;
    }
  sentence = g_strdup_printf (_ ("Ollama %s is running at %s"), version, self->url);
  show_status (self, "running", sentence);
  tftsr_ollama_list_models_async (self->url, self->checking, models_listed, g_object_ref (self));
}

/* Asks the server for its version and models, dropping any answer still awaited. */
static void
check (TftsrOllamaPage *self)
{
  g_autofree char *sentence = g_strdup_printf (_ ("Asking %s…"), self->url);

  g_cancellable_cancel (self->checking);
  g_clear_object (&self->checking);
  self->checking = g_cancellable_new ();
  show_status (self, "checking", sentence);
  tftsr_ollama_get_version_async (self->url, self->checking, version_got, g_object_ref (self));
}

static void
refresh_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TftsrOllamaPage *self = TFTSR_OLLAMA_PAGE (widget);

  if (self->url == NULL)
    return;
  /* Asked again: what failed before is no longer news. */
  g_hash_table_remove_all (self->failures);
  check (self);
}

/* --- the server -------------------------------------------------------------------------- */

/* The one chosen before if it is still there, else the provider in use if it is one of
 * them, else the first; NULL without Ollama providers. */
static const TftsrAiProvider *
pick_server (TftsrOllamaPage *self)
{
  for (guint i = 0; i < self->servers->len; i++)
    if (((TftsrAiProvider *) self->servers->pdata[i])->id == self->server_id)
      return self->servers->pdata[i];
  for (guint i = 0; i < self->servers->len; i++)
    if (((TftsrAiProvider *) self->servers->pdata[i])->active)
      return self->servers->pdata[i];
  return self->servers->len > 0 ? self->servers->pdata[0] : NULL;
}

/* The choice among the Ollama providers, when there is one to make. */
static void
offer_servers (TftsrOllamaPage *self, const TftsrAiProvider *chosen)
{
  g_autoptr (GtkStringList) names = gtk_string_list_new (NULL);
  gboolean several = self->servers->len > 1;
  guint selected = 0;

  for (guint i = 0; i < self->servers->len; i++)
    {
      const TftsrAiProvider *p = self->servers->pdata[i];
      g_autofree char *name = tftsr_display_text (p->name);

      gtk_string_list_append (names, name);
      if (p == chosen)
        selected = i;
    }
  self->filling = TRUE;
  adw_combo_row_set_model (self->server_row, G_LIST_MODEL (names));
  adw_combo_row_set_selected (self->server_row, selected);
  self->filling = FALSE;
  gtk_widget_set_visible (GTK_WIDGET (self->server_row), several);
  gtk_widget_set_visible (GTK_WIDGET (self->server_info_row), !several);
  gtk_widget_set_visible (self->providers_button, chosen == NULL);
}

/* Manages the Ollama of @provider (NULL: the default address), checking it if it is new. */
static void
use_server (TftsrOllamaPage *self, const TftsrAiProvider *provider)
{
  const char *url = tftsr_ollama_url_for_provider (provider);
  g_autofree char *about = NULL;

  self->server_id = provider != NULL ? provider->id : 0;
  if (provider == NULL)
    about = g_strdup_printf (_ ("No Ollama provider is set up, so Ollama’s usual address is used: "
                                "%s. To manage another, add an Ollama provider."),
                             url);
  else
    about = g_strdup_printf ("%s · %s", provider->name, url);
  set_subtitle (self->server_info_row, about);
  set_subtitle (ADW_ACTION_ROW (self->server_row), url);
  if (g_strcmp0 (url, self->url) == 0)
    return;
  g_free (self->url);
  self->url = g_strdup (url);
  forget_models (self);
  check (self);
}

static void
on_server_chosen (TftsrOllamaPage *self)
{
  guint selected = adw_combo_row_get_selected (self->server_row);

  if (!self->filling && selected < self->servers->len)
    use_server (self, self->servers->pdata[selected]);
}

/* --- the providers ------------------------------------------------------------------------- */

static void
servers_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TftsrOllamaPage) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) providers =
      tftsr_store_list_ai_providers_finish (TFTSR_STORE (source), result, &error);
  const TftsrAiProvider *chosen;

  if (cancelled (error))
    return;
  if (providers == NULL)
    {
      show_unreachable (self, error->message);
      return;
    }
  g_ptr_array_set_size (self->servers, 0);
  for (guint i = 0; i < providers->len; i++)
    {
      const TftsrAiProvider *p = providers->pdata[i];

      if (p->format == TFTSR_AI_FORMAT_OLLAMA)
        g_ptr_array_add (self->servers, tftsr_ai_provider_copy (p));
    }
  chosen = pick_server (self);
  offer_servers (self, chosen);
  use_server (self, chosen);
}

/* --- the hardware -------------------------------------------------------------------------- */

/* "Intel Xeon W-2245 · 8 cores · 16 threads". */
static char *
describe_cpu (const TftsrHardware *hw)
{
  GString *text = g_string_new (hw->cpu_model != NULL ? hw->cpu_model : _ ("Model unknown"));

  if (hw->cores > 0)
    {
      g_string_append (text, " · ");
      g_string_append_printf (text, g_dngettext (NULL, "%u core", "%u cores", hw->cores),
                              hw->cores);
    }
  if (hw->threads > 0)
    {
      g_string_append (text, " · ");
      g_string_append_printf (text, g_dngettext (NULL, "%u thread", "%u threads", hw->threads),
                              hw->threads);
    }
  return g_string_free (text, FALSE);
}

/* "64 GB · 51 GB available". */
static char *
describe_ram (const TftsrHardware *hw)
{
  g_autofree char *total = tftsr_hardware_format_memory (hw->ram_total);
  g_autofree char *available = NULL;

  if (hw->ram_available == 0)
    return g_steal_pointer (&total);
  available = tftsr_hardware_format_memory (hw->ram_available);
  /* Translators: the RAM in all, and how much of it is free: "64 GB · 51 GB available" */
  return g_strdup_printf (_ ("%s · %s available"), total, available);
}

static char *
describe_gpu (const TftsrGpu *gpu)
{
  g_autofree char *vram = NULL;

  if (gpu->vram == 0)
    return g_strdup_printf (_ ("%s · video memory unknown"), gpu->name);
  vram = tftsr_hardware_format_memory (gpu->vram);
  /* Translators: a graphics card and its memory: "NVIDIA RTX A4000 · 16 GB of video memory" */
  return g_strdup_printf (_ ("%s · %s of video memory"), gpu->name, vram);
}

static void
fill_hardware (TftsrOllamaPage *self)
{
  const TftsrHardware *hw = self->hardware;
  g_autofree char *cpu = describe_cpu (hw);
  g_autofree char *ram = describe_ram (hw);

  add_row (self->hardware_group, self->hardware_rows, info_row (_ ("Processor"), cpu));
  add_row (self->hardware_group, self->hardware_rows, info_row (_ ("Memory"), ram));
  for (guint i = 0; i < hw->gpus->len; i++)
    {
      g_autofree char *gpu = describe_gpu (hw->gpus->pdata[i]);
      add_row (self->hardware_group, self->hardware_rows, info_row (_ ("Graphics"), gpu));
    }
  if (hw->gpus->len == 0)
    add_row (
        self->hardware_group, self->hardware_rows,
        info_row (_ ("Graphics"), _ ("None with memory of its own: models run on the processor")));
  for (guint i = 0; i < hw->warnings->len; i++)
    add_row (self->hardware_group, self->hardware_rows, warning_row (hw->warnings->pdata[i]));
}

static void
hardware_probed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TftsrOllamaPage) self = user_data;
  g_autoptr (GError) error = NULL;
  TftsrHardware *hardware = tftsr_hardware_probe_finish (result, &error);

  if (cancelled (error))
    return;
  gtk_widget_set_visible (self->probing_row, FALSE);
  if (hardware == NULL)
    {
      add_row (self->hardware_group, self->hardware_rows, warning_row (error->message));
      return;
    }
  self->hardware = hardware;
  fill_hardware (self);
  fill_recommendations (self);
}

/* --- pulls --------------------------------------------------------------------------------- */

static void
pull_progressed (const TftsrOllamaPullProgress *progress, gpointer user_data)
{
  Job *job = user_data;
  TftsrOllamaPage *self = job->self;
  g_autofree char *status = tftsr_display_text (progress->status);
  g_autofree char *text = NULL;

  /* A report already on its way when Cancel was pressed says nothing new. */
  if (gone (self) || g_cancellable_is_cancelled (self->pulling))
    return;
  if (progress->total > 0)
    {
      g_autofree char *done = g_format_size (progress->completed);
      g_autofree char *total = g_format_size (progress->total);

      /* Translators: Ollama's step, bytes done and in all:
       * "pulling 6a0746a1ec1a · 1.2 GB of 4.7 GB" */
      text = g_strdup_printf (_ ("%s · %s of %s"), status, done, total);
    }
  gtk_label_set_text (self->progress_label, text != NULL ? text : status);
  gtk_progress_bar_set_fraction (self->progress_bar, progress->fraction);
}

static void
show_pull_failure (TftsrOllamaPage *self, const char *model, const char *sentence)
{
  g_autofree char *title = g_strdup_printf (_ ("“%s” was not pulled"), model);
  g_autofree char *markup = markup_of (title);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->pull_error_row), markup);
  set_subtitle (self->pull_error_row, sentence);
  gtk_widget_set_visible (GTK_WIDGET (self->pull_error_row), TRUE);
}

static void
on_pull_error_dismissed (TftsrOllamaPage *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->pull_error_row), FALSE);
}

static void
pulled (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (Job) job = user_data;
  TftsrOllamaPage *self = job->self;
  g_autoptr (GError) error = NULL;
  gboolean ok = tftsr_ollama_pull_finish (result, &error);
  g_autofree char *text = NULL;

  g_clear_object (&self->pulling);
  if (gone (self))
    return;
  gtk_widget_set_visible (self->progress_row, FALSE);
  update_actions (self);
  if (!ok && !cancelled (error))
    {
      /* Beside the name typed, with room for the whole sentence (a toast cuts it short). */
      show_pull_failure (self, job->model, error->message);
      check (self);
      return;
    }
  if (ok)
    text = g_strdup_printf (_ ("“%s” is installed"), job->model);
  else
    text = g_strdup_printf (_ ("Stopped pulling “%s”"), job->model);
  tftsr_preferences_window_toast (GTK_WIDGET (self), text);
  if (ok && g_str_equal (job->model, gtk_editable_get_text (GTK_EDITABLE (self->pull_entry))))
    gtk_editable_set_text (GTK_EDITABLE (self->pull_entry), "");
  if (ok)
    check (self);
}

static void
start_pull (TftsrOllamaPage *self, const char *model)
{
  g_autofree char *name = tftsr_display_text (model);
  g_autofree char *title = g_strdup_printf (_ ("Pulling “%s”"), name);
  Job *job;

  if (!self->running || self->pulling != NULL || *model == '\0')
    return;
  self->pulling = g_cancellable_new ();
  gtk_label_set_text (self->progress_title, title);
  gtk_label_set_text (self->progress_label, _ ("Asking Ollama for the model…"));
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_widget_set_visible (self->progress_row, TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->pull_error_row), FALSE);
  update_actions (self);
  job = job_new (self, model, self->url);
  tftsr_ollama_pull_async (job->url, model, pull_progressed, job, self->pulling, pulled, job);
}

static void
pull_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  start_pull (TFTSR_OLLAMA_PAGE (widget), g_variant_get_string (parameter, NULL));
}

static void
on_pull_entry_activated (TftsrOllamaPage *self)
{
  g_autofree char *model =
      g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->pull_entry))));

  start_pull (self, model);
}

static void
on_pull_entry_changed (TftsrOllamaPage *self)
{
  update_actions (self);
}

static void
cancel_pull_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TftsrOllamaPage *self = TFTSR_OLLAMA_PAGE (widget);

  if (self->pulling == NULL)
    return;
  g_cancellable_cancel (self->pulling);
  gtk_label_set_text (self->progress_label, _ ("Stopping…"));
  update_actions (self);
}

/* --- deletes ------------------------------------------------------------------------------- */

static void
deleted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (Job) job = user_data;
  TftsrOllamaPage *self = job->self;
  g_autoptr (GError) error = NULL;
  gboolean ok = tftsr_ollama_delete_finish (result, &error);

  g_hash_table_remove (self->deleting, job->model);
  if (gone (self) || cancelled (error))
    return;
  if (!ok)
    g_hash_table_insert (self->failures, g_strdup (job->model), g_strdup (error->message));
  check (self);
}

static void
delete_answered (AdwMessageDialog *dialog, const char *response, Job *job)
{
  TftsrOllamaPage *self = job->self;

  if (!g_str_equal (response, "delete") || gone (self))
    return;
  g_hash_table_add (self->deleting, g_strdup (job->model));
  g_hash_table_remove (self->failures, job->model);
  fill_models (self);
  tftsr_ollama_delete_async (job->url, job->model, self->cancellable, deleted,
                             job_new (self, job->model, job->url));
}

static const TftsrOllamaModel *
model_named (TftsrOllamaPage *self, const char *name)
{
  for (guint i = 0; self->models != NULL && i < self->models->len; i++)
    if (g_str_equal (((TftsrOllamaModel *) self->models->pdata[i])->name, name))
      return self->models->pdata[i];
  return NULL;
}

static void
delete_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TftsrOllamaPage *self = TFTSR_OLLAMA_PAGE (widget);
  const TftsrOllamaModel *model = model_named (self, g_variant_get_string (parameter, NULL));
  g_autofree char *name = NULL, *size = NULL, *heading = NULL, *body = NULL;

  if (model == NULL || g_hash_table_contains (self->deleting, model->name))
    return;
  name = tftsr_display_text (model->name);
  size = g_format_size (model->size);
  heading = g_strdup_printf (_ ("Delete “%s”?"), name);
  body = g_strdup_printf (_ ("Ollama at %s removes the model and frees %s. To use it "
                             "again it has to be pulled again."),
                          self->url, size);
  tftsr_confirm_destructive (widget, heading, body, "delete", _ ("_Delete"),
                             G_CALLBACK (delete_answered), job_new (self, model->name, self->url),
                             (GDestroyNotify) job_free);
}

/* --- class --------------------------------------------------------------------------------- */

/* Shown: the providers are read again (one may have been added meanwhile); the hardware is
 * looked at the first time only. */
static void
tftsr_ollama_page_map (GtkWidget *widget)
{
  TftsrOllamaPage *self = TFTSR_OLLAMA_PAGE (widget);

  GTK_WIDGET_CLASS (tftsr_ollama_page_parent_class)->map (widget);
  if (gone (self))
    return;
  if (!self->probed)
    {
      self->probed = TRUE;
      tftsr_hardware_probe_async (self->cancellable, hardware_probed, g_object_ref (self));
    }
  tftsr_store_list_ai_providers_async (self->store, self->cancellable, servers_loaded,
                                       g_object_ref (self));
}

/* Calls in flight hold the page: they end here, or the page would outlive its window. */
static void
cancel_all (TftsrOllamaPage *self)
{
  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->checking);
  g_cancellable_cancel (self->pulling);
}

static void
tftsr_ollama_page_unroot (GtkWidget *widget)
{
  cancel_all (TFTSR_OLLAMA_PAGE (widget));
  GTK_WIDGET_CLASS (tftsr_ollama_page_parent_class)->unroot (widget);
}

static void
tftsr_ollama_page_dispose (GObject *object)
{
  TftsrOllamaPage *self = TFTSR_OLLAMA_PAGE (object);

  cancel_all (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), TFTSR_TYPE_OLLAMA_PAGE);
  G_OBJECT_CLASS (tftsr_ollama_page_parent_class)->dispose (object);
}

static void
tftsr_ollama_page_finalize (GObject *object)
{
  TftsrOllamaPage *self = TFTSR_OLLAMA_PAGE (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->checking);
  g_clear_object (&self->pulling);
  g_clear_object (&self->store);
  g_ptr_array_unref (self->servers);
  g_free (self->url);
  g_clear_pointer (&self->models, g_ptr_array_unref);
  g_clear_pointer (&self->hardware, tftsr_hardware_free);
  g_hash_table_unref (self->deleting);
  g_hash_table_unref (self->failures);
  g_ptr_array_unref (self->model_rows);
  g_ptr_array_unref (self->hardware_rows);
  g_ptr_array_unref (self->recommend_rows);
  G_OBJECT_CLASS (tftsr_ollama_page_parent_class)->finalize (object);
}

static void
tftsr_ollama_page_class_init (TftsrOllamaPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tftsr_ollama_page_dispose;
  object_class->finalize = tftsr_ollama_page_finalize;
  widget_class->map = tftsr_ollama_page_map;
  widget_class->unroot = tftsr_ollama_page_unroot;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               TFTSR_RESOURCE_PATH "/ui/tftsr-ollama-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TftsrOllamaPage, server_row);
  gtk_widget_class_bind_template_child (widget_class, TftsrOllamaPage, server_info_row);
  gtk_widget_class_bind_template_child (widget_class, TftsrOllamaPage, providers_button);
  gtk_widget_class_bind_template_child (widget_class, TftsrOllamaPage, status_row);
  gtk_widget_class_bind_template_child (widget_class, TftsrOllamaPage, status_stack);
  gtk_widget_class_bind_template_child (widget_class, TftsrOllamaPage, retry_button);
  gtk_widget_class_bind_template_child (widget_class, TftsrOllamaPage, models_group);
  gtk_widget_class_bind_template_child (widget_class, TftsrOllamaPage, no_models_row);
  gtk_widget_class_bind_template_child (widget_class, TftsrOllamaPage, pull_group);
  gtk_widget_class_bind_template_child (widget_class, TftsrOllamaPage, pull_entry);
  gtk_widget_class_bind_template_child (widget_class, TftsrOllamaPage, pull_button);
  gtk_widget_class_bind_template_child (widget_class, TftsrOllamaPage, pull_error_row);
  gtk_widget_class_bind_template_child (widget_class, TftsrOllamaPage, progress_row);
  gtk_widget_class_bind_template_child (widget_class, TftsrOllamaPage, progress_title);
  gtk_widget_class_bind_template_child (widget_class, TftsrOllamaPage, progress_label);
  gtk_widget_class_bind_template_child (widget_class, TftsrOllamaPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, TftsrOllamaPage, hardware_group);
  gtk_widget_class_bind_template_child (widget_class, TftsrOllamaPage, probing_row);
  gtk_widget_class_bind_template_child (widget_class, TftsrOllamaPage, recommend_group);
  gtk_widget_class_bind_template_callback (widget_class, on_server_chosen);
  gtk_widget_class_bind_template_callback (widget_class, on_pull_entry_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_pull_entry_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_pull_error_dismissed);

  gtk_widget_class_install_action (widget_class, "ollama.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "ollama.pull", "s", pull_action);
  gtk_widget_class_install_action (widget_class, "ollama.cancel-pull", NULL, cancel_pull_action);
  gtk_widget_class_install_action (widget_class, "ollama.delete", "s", delete_action);
}

static void
tftsr_ollama_page_init (TftsrOllamaPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->servers = g_ptr_array_new_with_free_func ((GDestroyNotify) tftsr_ai_provider_free);
  self->deleting = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->failures = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->model_rows = g_ptr_array_new ();
  self->hardware_rows = g_ptr_array_new ();
  self->recommend_rows = g_ptr_array_new ();
  update_actions (self);
}

TftsrOllamaPage *
tftsr_ollama_page_new (TftsrStore *store)
{
  TftsrOllamaPage *self;

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);
  self = g_object_new (TFTSR_TYPE_OLLAMA_PAGE, NULL);
  self->store = g_object_ref (store);
  return self;
}

const char *
tftsr_ollama_page_get_url (TftsrOllamaPage *self)
{
  g_return_val_if_fail (TFTSR_IS_OLLAMA_PAGE (self), NULL);
  return self->url;
}
