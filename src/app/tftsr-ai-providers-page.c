/* tftsr-ai-providers-page.c
 *
 * The list is what the store says: every change (add, edit, remove, the provider in use,
 * a connection test that records whether the model takes tools) is written in a worker
 * and the list is loaded again, so a refused change shows the stored state and the reason
 * as a toast. Connection tests run in workers too, each with a spinner in its row, and are
 * cancelled when the window closes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>

#include "tftsr-ai-provider-dialog.h"
#include "tftsr-ai-providers-page.h"
#include "tftsr-app-format.h"
#include "tftsr-confirm-dialog.h"
#include "tftsr-preferences-window.h"
#include "tftsr-settings-row.h"

struct _TftsrAiProvidersPage
{
  AdwPreferencesPage parent_instance;

  TftsrStore *store;
  GCancellable *cancellable; /* replaced when the page leaves its window */
  GPtrArray *providers;      /* as shown */
  GPtrArray *rows;
  GHashTable *testing; /* ids of the providers being tested */
  /* Alone, a check button is a box that can be unticked; grouped with this one, which is
   * never shown, even a single provider's is a radio button. */
  GtkWidget *radio_group;
  guint loads; /* loads started: only the newest is shown */
  gboolean filling;

  AdwPreferencesGroup *providers_group;
  AdwActionRow *empty_row;
};

G_DEFINE_FINAL_TYPE (TftsrAiProvidersPage, tftsr_ai_providers_page, ADW_TYPE_PREFERENCES_PAGE)

enum
{
  LOADED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void load (TftsrAiProvidersPage *self);

/* An operation on one provider, to finish in the UI thread. */
typedef struct
{
  TftsrAiProvidersPage *self;
  gint64 id;
  char *name;
} Job;

static Job *
job_new (TftsrAiProvidersPage *self, const TftsrAiProvider *provider)
{
  Job *job = g_new0 (Job, 1);

  job->self = g_object_ref (self);
  job->id = provider->id;
  job->name = g_strdup (provider->name);
  return job;
}

static void
job_free (Job *job)
{
  g_object_unref (job->self);
  g_free (job->name);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Job, job_free)

static void
toast (TftsrAiProvidersPage *self, const char *text)
{
  tftsr_preferences_window_toast (GTK_WIDGET (self), text);
}

static const TftsrAiProvider *
provider_by_id (TftsrAiProvidersPage *self, gint64 id)
{
  for (guint i = 0; self->providers != NULL && i < self->providers->len; i++)
    {
      const TftsrAiProvider *p = self->providers->pdata[i];
      if (p->id == id)
        return p;
    }
  return NULL;
}

/* Reports a failed change and shows the stored state again. */
static void
changed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TftsrAiProvidersPage) self = user_data;
  g_autoptr (GError) error = NULL;
  gboolean ok = tftsr_store_change_finish (TFTSR_STORE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (!ok)
    toast (self, error->message);
  load (self);
}

/* --- rows -------------------------------------------------------------------------------- */

/* "OpenAI-compatible · gpt-4o · api.openai.com · no key". */
static char *
describe (const TftsrAiProvider *p)
{
  g_autoptr (GUri) uri = g_uri_parse (p->base_url, G_URI_FLAGS_NONE, NULL);
  const char *host =
      uri != NULL && g_uri_get_host (uri) != NULL ? g_uri_get_host (uri) : p->base_url;
  GString *text = g_string_new (tftsr_ai_format_get_label (p->format));

  if (p->model != NULL && *p->model != '\0')
    g_string_append_printf (text, " · %s", p->model);
  g_string_append_printf (text, " · %s", host);
  if (!p->has_key)
    g_string_append_printf (text, " · %s", _ ("no key"));
  if (p->insecure)
    g_string_append_printf (text, " · %s", _ ("TLS not verified"));
  return g_string_free (text, FALSE);
}

static void
on_use_toggled (GtkCheckButton *radio, TftsrAiProvidersPage *self)
{
  GtkWidget *row = gtk_widget_get_ancestor (GTK_WIDGET (radio), ADW_TYPE_ACTION_ROW);
  gint64 id = *(gint64 *) g_object_get_data (G_OBJECT (row), "id");

  if (self->filling || !gtk_check_button_get_active (radio))
    return;
  tftsr_store_set_active_ai_provider_async (self->store, id, self->cancellable, changed,
                                            g_object_ref (self));
}

static GtkWidget *
provider_row (TftsrAiProvidersPage *self, const TftsrAiProvider *p, GtkCheckButton *group)
{
  g_autofree char *name = tftsr_display_text (p->name);
  g_autofree char *title = g_markup_escape_text (name, -1);
  g_autofree char *description = describe (p);
  g_autofree char *shown = tftsr_display_text (description);
  g_autofree char *subtitle = g_markup_escape_text (shown, -1);
  g_autofree char *use = g_strdup_printf (_ ("Use “%s”"), name);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *radio = gtk_check_button_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);

  gtk_widget_set_valign (radio, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (radio, _ ("Use this provider"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (radio), GTK_ACCESSIBLE_PROPERTY_LABEL, use, -1);
  gtk_check_button_set_group (GTK_CHECK_BUTTON (radio), group);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (radio), p->active);
  g_object_set_data_full (G_OBJECT (row), "id", g_memdup2 (&p->id, sizeof p->id), g_free);
  g_signal_connect (radio, "toggled", G_CALLBACK (on_use_toggled), self);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), radio);
  g_object_set_data (G_OBJECT (row), "use", radio);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), radio);

  tftsr_settings_row_add_buttons (row, "providers", g_variant_new_int64 (p->id), name,
                                  _ ("Send a short request without incident content"),
                                  g_hash_table_contains (self->testing, &p->id));
  return row;
}

/* Where the keyboard focus is among the rows: which one, and on what in it ("use", an
 * action's name, or NULL for the row itself). FALSE when it is not in a row. */
static gboolean
find_focus (TftsrAiProvidersPage *self, guint *index, const char **on)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  static const char *const parts[] = { "use", "providers.test", "providers.edit",
                                       "providers.remove" };

  for (guint i = 0; focus != NULL && i < self->rows->len; i++)
    {
      GObject *row = self->rows->pdata[i];

      if (focus != GTK_WIDGET (row) && !gtk_widget_is_ancestor (focus, GTK_WIDGET (row)))
        continue;
      *index = i;
      *on = NULL;
      for (guint j = 0; j < G_N_ELEMENTS (parts); j++)
        {
          GtkWidget *part = g_object_get_data (row, parts[j]);
          if (focus == part || gtk_widget_is_ancestor (focus, part))
            *on = parts[j];
        }
      return TRUE;
    }
  return FALSE;
}

/* After the rows are rebuilt, the focus goes back to the same place in the same
 * provider's row; if that provider is gone, to the row that took its place. */
static void
restore_focus (TftsrAiProvidersPage *self, gint64 id, guint index, const char *on)
{
  GObject *row = NULL;
  GtkWidget *part;

  for (guint i = 0; i < self->rows->len && row == NULL; i++)
    if (*(gint64 *) g_object_get_data (self->rows->pdata[i], "id") == id)
      row = self->rows->pdata[i];
  if (row == NULL && self->rows->len > 0)
    {
      row = self->rows->pdata[MIN (index, self->rows->len - 1)];
      on = NULL;
    }
  if (row == NULL)
    return;
  part = on != NULL ? g_object_get_data (row, on) : NULL;
  gtk_widget_grab_focus (part != NULL ? part : GTK_WIDGET (row));
}

static void
fill (TftsrAiProvidersPage *self)
{
  guint focus_index = 0;
  const char *focus_on = NULL;
  gboolean focused = find_focus (self, &focus_index, &focus_on);
  gint64 focus_id =
      focused ? *(gint64 *) g_object_get_data (self->rows->pdata[focus_index], "id") : 0;

  self->filling = TRUE;
  for (guint i = 0; i < self->rows->len; i++)
    adw_preferences_group_remove (self->providers_group, self->rows->pdata[i]);
  g_ptr_array_set_size (self->rows, 0);
  for (guint i = 0; i < self->providers->len; i++)
    {
      GtkWidget *row =
          provider_row (self, self->providers->pdata[i], GTK_CHECK_BUTTON (self->radio_group));

      adw_preferences_group_add (self->providers_group, row);
      g_ptr_array_add (self->rows, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->empty_row), self->providers->len == 0);
  if (focused)
    restore_focus (self, focus_id, focus_index, focus_on);
  self->filling = FALSE;
}

/* --- loading ----------------------------------------------------------------------------- */

typedef struct
{
  TftsrAiProvidersPage *self;
  guint load;
} Load;

static void
loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autofree Load *job = user_data;
  g_autoptr (TftsrAiProvidersPage) self = job->self;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) providers =
      tftsr_store_list_ai_providers_finish (TFTSR_STORE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || job->load != self->loads)
    return;
  if (providers == NULL)
    {
      toast (self, error->message);
      return;
    }
  g_clear_pointer (&self->providers, g_ptr_array_unref);
  self->providers = g_steal_pointer (&providers);
  fill (self);
  g_signal_emit (self, signals[LOADED], 0);
}

static void
load (TftsrAiProvidersPage *self)
{
  Load *job = g_new0 (Load, 1);

  job->self = g_object_ref (self);
  job->load = ++self->loads;
  tftsr_store_list_ai_providers_async (self->store, self->cancellable, loaded, job);
}

/* --- actions ----------------------------------------------------------------------------- */

static void
open_dialog (TftsrAiProvidersPage *self, const TftsrAiProvider *provider)
{
  TftsrAiProviderDialog *dialog = tftsr_ai_provider_dialog_new (
      GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), self->store, provider);

  g_signal_connect_object (dialog, "saved", G_CALLBACK (load), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
add_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  open_dialog (TFTSR_AI_PROVIDERS_PAGE (widget), NULL);
}

static void
edit_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TftsrAiProvidersPage *self = TFTSR_AI_PROVIDERS_PAGE (widget);
  const TftsrAiProvider *provider = provider_by_id (self, g_variant_get_int64 (parameter));

  if (provider != NULL)
    open_dialog (self, provider);
}

static void
tested (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (Job) job = user_data;
  TftsrAiProvidersPage *self = job->self;
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrAiTestResult) found =
      tftsr_ai_test_provider_finish (TFTSR_STORE (source), result, &error);
  g_autofree char *text = NULL;

  g_hash_table_remove (self->testing, &job->id);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (found == NULL)
    text = g_strdup (error->message);
  else
    text = g_strdup_printf (_ ("“%s” answered in %" G_GINT64_FORMAT " ms · tools: %s"), job->name,
                            found->elapsed_ms,
                            !found->tools_known ? C_ ("tools", "unknown")
                            : found->tools      ? C_ ("tools", "yes")
                                                : C_ ("tools", "no"));
  toast (self, text);
  /* The test may have recorded whether the model takes tools. */
  load (self);
}

static void
test_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TftsrAiProvidersPage *self = TFTSR_AI_PROVIDERS_PAGE (widget);
  const TftsrAiProvider *provider = provider_by_id (self, g_variant_get_int64 (parameter));

  if (provider == NULL || g_hash_table_contains (self->testing, &provider->id))
    return;
  g_hash_table_add (self->testing, g_memdup2 (&provider->id, sizeof provider->id));
  for (guint i = 0; i < self->rows->len; i++)
    if (*(gint64 *) g_object_get_data (self->rows->pdata[i], "id") == provider->id)
      tftsr_settings_row_show_testing (self->rows->pdata[i], TRUE);
  tftsr_ai_test_provider_async (self->store, provider, self->cancellable, tested,
                                job_new (self, provider));
}

static void
remove_answered (AdwMessageDialog *dialog, const char *response, Job *job)
{
  if (g_str_equal (response, "remove"))
    tftsr_store_remove_ai_provider_async (job->self->store, job->id, job->self->cancellable,
                                          changed, g_object_ref (job->self));
}

static void
remove_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TftsrAiProvidersPage *self = TFTSR_AI_PROVIDERS_PAGE (widget);
  const TftsrAiProvider *provider = provider_by_id (self, g_variant_get_int64 (parameter));

  if (provider == NULL)
    return;
  tftsr_confirm_remove (
      widget, provider->name, _ ("Its settings and its saved API key are deleted."),
      G_CALLBACK (remove_answered), job_new (self, provider), (GDestroyNotify) job_free);
}

/* --- class ------------------------------------------------------------------------------- */

/* The window closed: tests in flight stop, and nothing answers into a page no one sees. */
static void
tftsr_ai_providers_page_unroot (GtkWidget *widget)
{
  TftsrAiProvidersPage *self = TFTSR_AI_PROVIDERS_PAGE (widget);

  g_cancellable_cancel (self->cancellable);
  g_object_unref (self->cancellable);
  self->cancellable = g_cancellable_new ();
  GTK_WIDGET_CLASS (tftsr_ai_providers_page_parent_class)->unroot (widget);
}

static void
tftsr_ai_providers_page_dispose (GObject *object)
{
  TftsrAiProvidersPage *self = TFTSR_AI_PROVIDERS_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), TFTSR_TYPE_AI_PROVIDERS_PAGE);
  G_OBJECT_CLASS (tftsr_ai_providers_page_parent_class)->dispose (object);
}

static void
tftsr_ai_providers_page_finalize (GObject *object)
{
  TftsrAiProvidersPage *self = TFTSR_AI_PROVIDERS_PAGE (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  g_clear_pointer (&self->providers, g_ptr_array_unref);
  g_ptr_array_unref (self->rows);
  g_hash_table_unref (self->testing);
  g_object_unref (self->radio_group);
  G_OBJECT_CLASS (tftsr_ai_providers_page_parent_class)->finalize (object);
}

static void
tftsr_ai_providers_page_class_init (TftsrAiProvidersPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tftsr_ai_providers_page_dispose;
  object_class->finalize = tftsr_ai_providers_page_finalize;
  widget_class->unroot = tftsr_ai_providers_page_unroot;

  signals[LOADED] = g_signal_new ("loaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                  NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, TFTSR_RESOURCE_PATH
                                               "/ui/tftsr-ai-providers-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TftsrAiProvidersPage, providers_group);
  gtk_widget_class_bind_template_child (widget_class, TftsrAiProvidersPage, empty_row);

  gtk_widget_class_install_action (widget_class, "providers.add", NULL, add_action);
  gtk_widget_class_install_action (widget_class, "providers.edit", "x", edit_action);
  gtk_widget_class_install_action (widget_class, "providers.test", "x", test_action);
  gtk_widget_class_install_action (widget_class, "providers.remove", "x", remove_action);
}

static void
tftsr_ai_providers_page_init (TftsrAiProvidersPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->rows = g_ptr_array_new ();
  self->testing = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->radio_group = g_object_ref_sink (gtk_check_button_new ());
}

TftsrAiProvidersPage *
tftsr_ai_providers_page_new (TftsrStore *store)
{
  TftsrAiProvidersPage *self;

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);
  self = g_object_new (TFTSR_TYPE_AI_PROVIDERS_PAGE, NULL);
  self->store = g_object_ref (store);
  load (self);
  return self;
}
