/* tftsr-preferences-window.c
 *
 * Instant apply: every change is saved at once, in a worker. The store checks settings
 * before keeping them (a pattern that does not compile is refused), so a refused change
 * is shown as a toast and the window goes back to what is stored.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>

#include "tftsr-ai-providers-page.h"
#include "tftsr-app-format.h"
#include "tftsr-integrations-page.h"
#include "tftsr-mcp-page.h"
#include "tftsr-ollama-page.h"
#include "tftsr-preferences-window.h"

struct _TftsrPreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  TftsrStore *store;
  TftsrPiiSettings *settings; /* as shown */
  GCancellable *cancellable;
  gboolean filling;     /* widgets are being set from the settings: no saves */
  guint saves;          /* saves started: a load older than the last one is stale */
  GPtrArray *list_rows; /* allow-list and pattern rows, rebuilt on each fill */
  GtkSwitch *switches[TFTSR_PII_N_TYPES];
  AdwPreferencesPage *ai_providers_page;
  AdwPreferencesPage *integrations_page;
  AdwPreferencesPage *mcp_page;

  AdwPreferencesGroup *types_group;
  AdwPreferencesGroup *allow_group;
  AdwPreferencesGroup *patterns_group;
  AdwEntryRow *allow_entry;
  AdwEntryRow *pattern_name_entry;
  AdwEntryRow *pattern_regex_entry;
  GtkSpinButton *max_size_spin;
  gboolean max_size_edited; /* the stored limit arriving late must not undo an edit */
};

G_DEFINE_FINAL_TYPE (TftsrPreferencesWindow, tftsr_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

enum
{
  READY,
  SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void load (TftsrPreferencesWindow *self);
static void save (TftsrPreferencesWindow *self);

/* --- rows of the lists ------------------------------------------------------------------ */

static void
on_remove_allow (GtkButton *button, TftsrPreferencesWindow *self)
{
  const char *entry = g_object_get_data (G_OBJECT (button), "entry");
  const char *const *current = tftsr_pii_settings_get_allow_list (self->settings);
  g_autoptr (GStrvBuilder) kept = g_strv_builder_new ();
  g_auto (GStrv) list = NULL;

  for (guint i = 0; current[i] != NULL; i++)
    if (!g_str_equal (current[i], entry))
      g_strv_builder_add (kept, current[i]);
  list = g_strv_builder_end (kept);
  tftsr_pii_settings_set_allow_list (self->settings, (const char *const *) list);
  save (self);
}

static void
on_remove_pattern (GtkButton *button, TftsrPreferencesWindow *self)
{
  tftsr_pii_settings_remove_pattern (self->settings, g_object_get_data (G_OBJECT (button), "name"));
  save (self);
}

/* A row for a list entry with a remove button that calls @on_remove with @key. */
static GtkWidget *
removable_row (TftsrPreferencesWindow *self, const char *title, const char *subtitle,
               const char *data_name, const char *key, GCallback on_remove)
{
  g_autofree char *shown = tftsr_display_text (title);
  g_autofree char *escaped = g_markup_escape_text (shown, -1);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *remove = gtk_button_new_from_icon_name ("edit-delete-symbolic");

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), escaped);
  if (subtitle != NULL)
    {
      g_autofree char *sub_shown = tftsr_display_text (subtitle);
      g_autofree char *sub_escaped = g_markup_escape_text (sub_shown, -1);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), sub_escaped);
    }
  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (remove, "flat");
  gtk_widget_set_tooltip_text (remove, _ ("Remove"));
  g_object_set_data_full (G_OBJECT (remove), data_name, g_strdup (key), g_free);
  g_signal_connect (remove, "clicked", on_remove, self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);
  return row;
}

static void
add_list_row (TftsrPreferencesWindow *self, AdwPreferencesGroup *group, GtkWidget *row)
{
  adw_preferences_group_add (group, row);
  g_ptr_array_add (self->list_rows, row);
}

static void
fill (TftsrPreferencesWindow *self)
{
  const char *const *allow = tftsr_pii_settings_get_allow_list (self->settings);

  self->filling = TRUE;
  for (guint i = 0; i < TFTSR_PII_N_TYPES; i++)
    gtk_switch_set_active (self->switches[i], tftsr_pii_settings_get_enabled (self->settings, i));
  for (guint i = 0; i < self->list_rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->list_rows, i);
      adw_preferences_group_remove (
          ADW_PREFERENCES_GROUP (gtk_widget_get_ancestor (row, ADW_TYPE_PREFERENCES_GROUP)), row);
    }
  g_ptr_array_set_size (self->list_rows, 0);
  for (guint i = 0; allow[i] != NULL; i++)
    add_list_row (
        self, self->allow_group,
        removable_row (self, allow[i], NULL, "entry", allow[i], G_CALLBACK (on_remove_allow)));
  for (guint i = 0; i < tftsr_pii_settings_get_n_patterns (self->settings); i++)
    {
      const char *name = tftsr_pii_settings_get_pattern_name (self->settings, i);
      add_list_row (self, self->patterns_group,
                    removable_row (self, name,
                                   tftsr_pii_settings_get_pattern_regex (self->settings, i), "name",
                                   name, G_CALLBACK (on_remove_pattern)));
    }
  self->filling = FALSE;
}

/* --- loading and saving ----------------------------------------------------------------- */

typedef struct
{
  TftsrPreferencesWindow *self;
  guint saves; /* when the load began */
} LoadJob;

static void
loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autofree LoadJob *job = user_data;
  g_autoptr (TftsrPreferencesWindow) self = job->self;
  g_autoptr (GError) error = NULL;
  TftsrPiiSettings *settings =
      tftsr_store_load_pii_settings_finish (TFTSR_STORE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (job->saves != self->saves)
    {
      /* An edit was saved since this load began: what is shown is newer. */
      g_clear_pointer (&settings, tftsr_pii_settings_free);
      return;
    }
  if (settings == NULL)
    {
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                        adw_toast_new (error->message));
      return;
    }
  tftsr_pii_settings_free (self->settings);
  self->settings = settings;
  fill (self);
  gtk_widget_set_sensitive (GTK_WIDGET (self), TRUE);
  g_signal_emit (self, signals[READY], 0);
}

static void
load (TftsrPreferencesWindow *self)
{
  LoadJob *job = g_new0 (LoadJob, 1);

  job->self = g_object_ref (self);
  job->saves = self->saves;
  tftsr_store_load_pii_settings_async (self->store, self->cancellable, loaded, job);
}

static void
saved (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TftsrPreferencesWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  gboolean ok = tftsr_store_save_pii_settings_finish (TFTSR_STORE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (ok)
    {
      gtk_editable_set_text (GTK_EDITABLE (self->allow_entry), "");
      gtk_editable_set_text (GTK_EDITABLE (self->pattern_name_entry), "");
      gtk_editable_set_text (GTK_EDITABLE (self->pattern_regex_entry), "");
      fill (self);
    }
  else
    {
      /* Back to what is stored; the refused text stays in its entry to be corrected. */
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                        adw_toast_new (error->message));
      self->saves++;
      load (self);
    }
  g_signal_emit (self, signals[SAVED], 0, ok);
}

static void
save (TftsrPreferencesWindow *self)
{
  if (self->filling)
    return;
  self->saves++;
  tftsr_store_save_pii_settings_async (self->store, self->settings, self->cancellable, saved,
                                       g_object_ref (self));
}

/* --- edits -------------------------------------------------------------------------------- */

static void
on_type_switched (GtkSwitch *widget, GParamSpec *pspec, TftsrPreferencesWindow *self)
{
  guint type = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (widget), "type"));

  if (self->filling)
    return;
  tftsr_pii_settings_set_enabled (self->settings, type, gtk_switch_get_active (widget));
  save (self);
}

static void
on_allow_apply (TftsrPreferencesWindow *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->allow_entry));
  const char *const *current = tftsr_pii_settings_get_allow_list (self->settings);
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) list = NULL;

  g_strv_builder_addv (builder, (const char **) current);
  g_strv_builder_add (builder, text);
  list = g_strv_builder_end (builder);
  tftsr_pii_settings_set_allow_list (self->settings, (const char *const *) list);
  save (self);
}

static void
on_pattern_apply (TftsrPreferencesWindow *self)
{
  g_autofree char *name =
      g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->pattern_name_entry))));
  const char *regex = gtk_editable_get_text (GTK_EDITABLE (self->pattern_regex_entry));

  if (*name == '\0' || *regex == '\0')
    {
      adw_preferences_window_add_toast (
          ADW_PREFERENCES_WINDOW (self),
          adw_toast_new (_ ("A pattern needs a name and a regular expression")));
      return;
    }
  tftsr_pii_settings_set_pattern (self->settings, name, regex);
  save (self);
}

/* --- screenshots ---------------------------------------------------------------------------- */

#define MEGABYTE (1000 * 1000)

static void
max_size_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TftsrPreferencesWindow) self = user_data;
  guint64 size = tftsr_store_get_image_max_size_finish (TFTSR_STORE (source), result, NULL);

  if (size == 0 || self->max_size_edited)
    return;
  self->filling = TRUE;
  gtk_spin_button_set_value (self->max_size_spin, (double) size / MEGABYTE);
  self->filling = FALSE;
}

static void
max_size_saved (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TftsrPreferencesWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  gboolean ok = tftsr_store_change_finish (TFTSR_STORE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (!ok)
    {
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                        adw_toast_new (error->message));
      self->max_size_edited = FALSE;
      tftsr_store_get_image_max_size_async (self->store, self->cancellable, max_size_loaded,
                                            g_object_ref (self));
    }
  g_signal_emit (self, signals[SAVED], 0, ok);
}

static void
on_max_size_changed (TftsrPreferencesWindow *self)
{
  guint64 size = (guint64) gtk_spin_button_get_value_as_int (self->max_size_spin) * MEGABYTE;

  if (self->filling || self->store == NULL)
    return;
  self->max_size_edited = TRUE;
  tftsr_store_set_image_max_size_async (self->store, size, self->cancellable, max_size_saved,
                                        g_object_ref (self));
}

/* --- public --------------------------------------------------------------------------------- */

TftsrPreferencesWindow *
tftsr_preferences_window_new (TftsrStore *store)
{
  TftsrPreferencesWindow *self;

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);
  self = g_object_new (TFTSR_TYPE_PREFERENCES_WINDOW, NULL);
  self->store = g_object_ref (store);
  self->ai_providers_page = ADW_PREFERENCES_PAGE (tftsr_ai_providers_page_new (store));
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self), self->ai_providers_page);
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self),
                              ADW_PREFERENCES_PAGE (tftsr_ollama_page_new (store)));
  self->integrations_page = ADW_PREFERENCES_PAGE (tftsr_integrations_page_new (store));
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self), self->integrations_page);
  self->mcp_page = ADW_PREFERENCES_PAGE (tftsr_mcp_page_new (store));
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self), self->mcp_page);
  gtk_widget_set_sensitive (GTK_WIDGET (self), FALSE);
  load (self);
  tftsr_store_get_image_max_size_async (store, self->cancellable, max_size_loaded,
                                        g_object_ref (self));
  return self;
}

void
tftsr_preferences_window_show_ai_providers (TftsrPreferencesWindow *self)
{
  g_return_if_fail (TFTSR_IS_PREFERENCES_WINDOW (self));
  adw_preferences_window_set_visible_page (ADW_PREFERENCES_WINDOW (self), self->ai_providers_page);
}

void
tftsr_preferences_window_toast (GtkWidget *inside, const char *text)
{
  GtkWidget *window = gtk_widget_get_ancestor (inside, ADW_TYPE_PREFERENCES_WINDOW);
  g_autofree char *shown = tftsr_display_text (text);
  g_autofree char *markup = g_markup_escape_text (shown, -1);

  if (window != NULL)
    adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (window), adw_toast_new (markup));
}

void
tftsr_preferences_window_show_integrations (TftsrPreferencesWindow *self)
{
  g_return_if_fail (TFTSR_IS_PREFERENCES_WINDOW (self));
  adw_preferences_window_set_visible_page (ADW_PREFERENCES_WINDOW (self), self->integrations_page);
}

void
tftsr_preferences_window_show_mcp (TftsrPreferencesWindow *self)
{
  g_return_if_fail (TFTSR_IS_PREFERENCES_WINDOW (self));
  adw_preferences_window_set_visible_page (ADW_PREFERENCES_WINDOW (self), self->mcp_page);
}

const TftsrPiiSettings *
tftsr_preferences_window_get_settings (TftsrPreferencesWindow *self)
{
  g_return_val_if_fail (TFTSR_IS_PREFERENCES_WINDOW (self), NULL);
  return self->settings;
}

static void
show_ai_providers_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  tftsr_preferences_window_show_ai_providers (TFTSR_PREFERENCES_WINDOW (widget));
}

/* --- class ---------------------------------------------------------------------------------- */

static void
tftsr_preferences_window_dispose (GObject *object)
{
  TftsrPreferencesWindow *self = TFTSR_PREFERENCES_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), TFTSR_TYPE_PREFERENCES_WINDOW);
  G_OBJECT_CLASS (tftsr_preferences_window_parent_class)->dispose (object);
}

static void
tftsr_preferences_window_finalize (GObject *object)
{
  TftsrPreferencesWindow *self = TFTSR_PREFERENCES_WINDOW (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  g_ptr_array_unref (self->list_rows);
  tftsr_pii_settings_free (self->settings);
  G_OBJECT_CLASS (tftsr_preferences_window_parent_class)->finalize (object);
}

static void
tftsr_preferences_window_class_init (TftsrPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tftsr_preferences_window_dispose;
  object_class->finalize = tftsr_preferences_window_finalize;

  signals[READY] = g_signal_new ("ready", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                 NULL, NULL, G_TYPE_NONE, 0);
  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                 NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);

  gtk_widget_class_set_template_from_resource (widget_class, TFTSR_RESOURCE_PATH
                                               "/ui/tftsr-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TftsrPreferencesWindow, types_group);
  gtk_widget_class_bind_template_child (widget_class, TftsrPreferencesWindow, allow_group);
  gtk_widget_class_bind_template_child (widget_class, TftsrPreferencesWindow, patterns_group);
  gtk_widget_class_bind_template_child (widget_class, TftsrPreferencesWindow, allow_entry);
  gtk_widget_class_bind_template_child (widget_class, TftsrPreferencesWindow, pattern_name_entry);
  gtk_widget_class_bind_template_child (widget_class, TftsrPreferencesWindow, pattern_regex_entry);
  gtk_widget_class_bind_template_child (widget_class, TftsrPreferencesWindow, max_size_spin);
  gtk_widget_class_bind_template_callback (widget_class, on_allow_apply);
  gtk_widget_class_bind_template_callback (widget_class, on_max_size_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_pattern_apply);

  gtk_widget_class_install_action (widget_class, "preferences.show-ai-providers", NULL,
                                   show_ai_providers_action);
}

static void
tftsr_preferences_window_init (TftsrPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->settings = tftsr_pii_settings_new ();
  self->list_rows = g_ptr_array_new ();
  for (guint i = 0; i < TFTSR_PII_N_TYPES; i++)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *toggle = gtk_switch_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), tftsr_pii_type_get_description (i));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), tftsr_pii_type_to_string (i));
      gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
      g_object_set_data (G_OBJECT (toggle), "type", GUINT_TO_POINTER (i));
      g_signal_connect (toggle, "notify::active", G_CALLBACK (on_type_switched), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), toggle);
      adw_preferences_group_add (self->types_group, row);
      self->switches[i] = GTK_SWITCH (toggle);
    }
}
