/* tftsr-integrations-page.c
 *
 * The list is what the store says: the connectors and their health are loaded in a worker
 * and shown together, and every change (add, edit, remove) or connection test loads them
 * again, so a refused change shows the stored state with the reason as a toast. Tests run
 * in workers, each with a spinner in its row, and stop when the window closes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>
#include <tftsr-connector.h>

#include "tftsr-app-format.h"
#include "tftsr-confirm-dialog.h"
#include "tftsr-connector-dialog.h"
#include "tftsr-integrations-page.h"
#include "tftsr-preferences-window.h"
#include "tftsr-settings-row.h"

struct _TftsrIntegrationsPage
{
  AdwPreferencesPage parent_instance;

  TftsrStore *store;
  GCancellable *cancellable; /* replaced when the page leaves its window */
  GPtrArray *connectors;     /* TftsrConnectorConfig, as shown */
  GPtrArray *health;         /* TftsrConnectorHealth, as shown */
  GPtrArray *rows;
  GHashTable *testing; /* ids of the connectors being tested */
  guint loads;         /* loads started: only the newest is shown */

  AdwPreferencesGroup *connectors_group;
  AdwActionRow *empty_row;
  GtkMenuButton *add_button;
};

G_DEFINE_FINAL_TYPE (TftsrIntegrationsPage, tftsr_integrations_page, ADW_TYPE_PREFERENCES_PAGE)

enum
{
  LOADED,
  TESTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void load (TftsrIntegrationsPage *self);

typedef struct
{
  TftsrIntegrationsPage *self;
  char *id;
} Job;

static Job *
job_new (TftsrIntegrationsPage *self, const char *id)
{
  Job *job = g_new0 (Job, 1);

  job->self = g_object_ref (self);
  job->id = g_strdup (id);
  return job;
}

static void
job_free (Job *job)
{
  g_object_unref (job->self);
  g_free (job->id);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Job, job_free)

static void
toast (TftsrIntegrationsPage *self, const char *text)
{
  tftsr_preferences_window_toast (GTK_WIDGET (self), text);
}

static const TftsrConnectorConfig *
connector_by_id (TftsrIntegrationsPage *self, const char *id)
{
  for (guint i = 0; self->connectors != NULL && i < self->connectors->len; i++)
    {
      const TftsrConnectorConfig *c = self->connectors->pdata[i];
      if (g_strcmp0 (c->id, id) == 0)
        return c;
    }
  return NULL;
}

static const TftsrConnectorHealth *
health_by_id (TftsrIntegrationsPage *self, const char *id)
{
  for (guint i = 0; self->health != NULL && i < self->health->len; i++)
    {
      const TftsrConnectorHealth *h = self->health->pdata[i];
      if (g_strcmp0 (h->connector, id) == 0)
        return h;
    }
  return NULL;
}

/* --- rows -------------------------------------------------------------------------------- */

/* "ServiceNow · acme.service-now.com · TLS not verified"
 * "Last success 5 minutes ago · 2 failures in the last 20 runs · Circuit closed". */
static char *
describe (const TftsrConnectorConfig *c, const TftsrConnectorHealth *h)
{
  g_autoptr (GUri) uri =
      c->base_url != NULL ? g_uri_parse (c->base_url, G_URI_FLAGS_NONE, NULL) : NULL;
  const char *host =
      uri != NULL && g_uri_get_host (uri) != NULL ? g_uri_get_host (uri) : c->base_url;
  GString *text = g_string_new (tftsr_connector_kind_get_label (c->kind));

  if (host != NULL && *host != '\0')
    g_string_append_printf (text, " · %s", host);
  if (c->insecure)
    g_string_append_printf (text, " · %s", _ ("TLS not verified"));
  g_string_append_c (text, '\n');
  if (h == NULL || !h->configured)
    g_string_append (text, _ ("Not configured: its credentials are missing"));
  else if (h->last_success_at != NULL)
    {
      g_autofree char *when = tftsr_format_relative_time (h->last_success_at);
      g_string_append_printf (text, _ ("Configured · Last success: %s"), when);
    }
  else
    g_string_append (text, _ ("Configured · no success yet"));
  if (h != NULL && h->recent_failures > 0)
    {
      g_string_append (text, " · ");
      g_string_append_printf (text,
                              g_dngettext (NULL, "%u failure in the last 20 runs",
                                           "%u failures in the last 20 runs", h->recent_failures),
                              h->recent_failures);
    }
  g_string_append_printf (
      text, " · %s", tftsr_circuit_state_describe (h != NULL ? h->circuit : TFTSR_CIRCUIT_CLOSED));
  return g_string_free (text, FALSE);
}

static GtkWidget *
connector_row (TftsrIntegrationsPage *self, const TftsrConnectorConfig *c,
               const TftsrConnectorHealth *h)
{
  g_autofree char *name = tftsr_display_text (c->id);
  g_autofree char *title = g_markup_escape_text (name, -1);
  g_autofree char *description = describe (c, h);
  g_autofree char *shown = tftsr_display_text (description);
  g_autofree char *subtitle = g_markup_escape_text (shown, -1);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon = gtk_image_new_from_icon_name (tftsr_connector_kind_icon_name (c->kind));

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  if (h != NULL && h->last_error != NULL)
    {
      g_autofree char *error = tftsr_display_text (h->last_error);
      g_autofree char *tip = g_strdup_printf (_ ("Last failure: %s"), error);
      gtk_widget_set_tooltip_text (row, tip);
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  tftsr_connector_kind_get_label (c->kind), -1);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  if (h != NULL && h->circuit != TFTSR_CIRCUIT_CLOSED)
    gtk_widget_add_css_class (row, "circuit-open");
  g_object_set_data_full (G_OBJECT (row), "id", g_strdup (c->id), g_free);

  tftsr_settings_row_add_buttons (
      row, "integrations", g_variant_new_string (c->id), name,
      _ ("Ask the service who these credentials are; no incident content is sent"),
      g_hash_table_contains (self->testing, c->id));
  return row;
}

static void
fill (TftsrIntegrationsPage *self)
{
  g_auto (TftsrSettingsRowsFocus) focus = { 0 };
  static const char *const parts[] = { "integrations.test", "integrations.edit",
                                       "integrations.remove", NULL };

  /* The focus goes back to the same button of the same connector's row. */
  tftsr_settings_rows_clear (self->connectors_group, self->rows, "id", parts, &focus);
  for (guint i = 0; i < self->connectors->len; i++)
    {
      const TftsrConnectorConfig *c = self->connectors->pdata[i];

      tftsr_settings_rows_add (self->connectors_group, self->rows,
                               connector_row (self, c, health_by_id (self, c->id)), c->id, &focus);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->empty_row), self->connectors->len == 0);
}

/* --- loading ----------------------------------------------------------------------------- */

typedef struct
{
  TftsrIntegrationsPage *self;
  guint load;
  GPtrArray *connectors;
} Load;

static void
load_free (Load *job)
{
  g_object_unref (job->self);
  g_clear_pointer (&job->connectors, g_ptr_array_unref);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Load, load_free)

static void
health_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (Load) job = user_data;
  TftsrIntegrationsPage *self = job->self;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) health =
      tftsr_store_list_connector_health_finish (TFTSR_STORE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || job->load != self->loads)
    return;
  /* Without health the connectors are still shown, as not yet known. */
  if (health == NULL)
    toast (self, error->message);
  g_clear_pointer (&self->connectors, g_ptr_array_unref);
  g_clear_pointer (&self->health, g_ptr_array_unref);
  self->connectors = g_steal_pointer (&job->connectors);
  self->health = g_steal_pointer (&health);
  fill (self);
  g_signal_emit (self, signals[LOADED], 0);
}

static void
connectors_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (Load) job = user_data;
  TftsrIntegrationsPage *self = job->self;
  g_autoptr (GError) error = NULL;

  job->connectors = tftsr_store_list_connectors_finish (TFTSR_STORE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || job->load != self->loads)
    return;
  if (job->connectors == NULL)
    {
      toast (self, error->message);
      return;
    }
  tftsr_store_list_connector_health_async (self->store, self->cancellable, health_loaded,
                                           g_steal_pointer (&job));
}

static void
load (TftsrIntegrationsPage *self)
{
  Load *job = g_new0 (Load, 1);

  job->self = g_object_ref (self);
  job->load = ++self->loads;
  tftsr_store_list_connectors_async (self->store, self->cancellable, connectors_loaded, job);
}

/* --- actions ----------------------------------------------------------------------------- */

static void
open_dialog (TftsrIntegrationsPage *self, const TftsrConnectorConfig *config,
             TftsrConnectorKind kind)
{
  TftsrConnectorDialog *dialog = tftsr_connector_dialog_new (
      GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), self->store, config, kind);

  g_signal_connect_object (dialog, "saved", G_CALLBACK (load), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
add_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TftsrConnectorKind kind;

  if (tftsr_connector_kind_from_string (g_variant_get_string (parameter, NULL), &kind))
    open_dialog (TFTSR_INTEGRATIONS_PAGE (widget), NULL, kind);
}

static void
edit_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TftsrIntegrationsPage *self = TFTSR_INTEGRATIONS_PAGE (widget);
  const TftsrConnectorConfig *config =
      connector_by_id (self, g_variant_get_string (parameter, NULL));

  if (config != NULL)
    open_dialog (self, config, config->kind);
}

static void
tested (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (Job) job = user_data;
  TftsrIntegrationsPage *self = job->self;
  g_autoptr (GError) error = NULL;
  g_autofree char *who = tftsr_connector_test_finish (TFTSR_STORE (source), result, &error);
  g_autofree char *text = NULL;

  g_hash_table_remove (self->testing, job->id);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (who != NULL)
    text = g_strdup_printf (_ ("“%s”: %s"), job->id, who);
  else
    text = g_strdup_printf (_ ("“%s” failed the test: %s"), job->id, error->message);
  toast (self, text);
  g_signal_emit (self, signals[TESTED], 0, job->id, who != NULL);
  /* The test is a run: the health changed. */
  load (self);
}

static void
test_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TftsrIntegrationsPage *self = TFTSR_INTEGRATIONS_PAGE (widget);
  const TftsrConnectorConfig *config =
      connector_by_id (self, g_variant_get_string (parameter, NULL));

  if (config == NULL || g_hash_table_contains (self->testing, config->id))
    return;
  g_hash_table_add (self->testing, g_strdup (config->id));
  for (guint i = 0; i < self->rows->len; i++)
    if (g_strcmp0 (g_object_get_data (self->rows->pdata[i], "id"), config->id) == 0)
      tftsr_settings_row_show_testing (self->rows->pdata[i], TRUE);
  tftsr_connector_test_async (self->store, config, NULL, self->cancellable, tested,
                              job_new (self, config->id));
}

static void
removed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TftsrIntegrationsPage) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!tftsr_store_remove_connector_finish (TFTSR_STORE (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      toast (self, error->message);
    }
  load (self);
}

static void
remove_answered (AdwMessageDialog *dialog, const char *response, Job *job)
{
  /* Not cancelled with the page: a removal once confirmed completes. */
  if (g_str_equal (response, "remove"))
    tftsr_store_remove_connector_async (job->self->store, job->id, NULL, removed,
                                        g_object_ref (job->self));
}

static void
remove_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TftsrIntegrationsPage *self = TFTSR_INTEGRATIONS_PAGE (widget);
  const TftsrConnectorConfig *config =
      connector_by_id (self, g_variant_get_string (parameter, NULL));

  if (config == NULL)
    return;
  tftsr_confirm_remove (
      widget, config->id,
      _ ("Its settings and saved credentials are deleted and an OAuth sign-in is revoked. "
         "Links already made from incidents stay."),
      G_CALLBACK (remove_answered), job_new (self, config->id), (GDestroyNotify) job_free);
}

/* --- class ------------------------------------------------------------------------------- */

static void
tftsr_integrations_page_unroot (GtkWidget *widget)
{
  TftsrIntegrationsPage *self = TFTSR_INTEGRATIONS_PAGE (widget);

  g_cancellable_cancel (self->cancellable);
  g_object_unref (self->cancellable);
  self->cancellable = g_cancellable_new ();
  GTK_WIDGET_CLASS (tftsr_integrations_page_parent_class)->unroot (widget);
}

static void
tftsr_integrations_page_dispose (GObject *object)
{
  TftsrIntegrationsPage *self = TFTSR_INTEGRATIONS_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), TFTSR_TYPE_INTEGRATIONS_PAGE);
  G_OBJECT_CLASS (tftsr_integrations_page_parent_class)->dispose (object);
}

static void
tftsr_integrations_page_finalize (GObject *object)
{
  TftsrIntegrationsPage *self = TFTSR_INTEGRATIONS_PAGE (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  g_clear_pointer (&self->connectors, g_ptr_array_unref);
  g_clear_pointer (&self->health, g_ptr_array_unref);
  g_ptr_array_unref (self->rows);
  g_hash_table_unref (self->testing);
  G_OBJECT_CLASS (tftsr_integrations_page_parent_class)->finalize (object);
}

static void
tftsr_integrations_page_class_init (TftsrIntegrationsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tftsr_integrations_page_dispose;
  object_class->finalize = tftsr_integrations_page_finalize;
  widget_class->unroot = tftsr_integrations_page_unroot;

  signals[LOADED] = g_signal_new ("loaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                  NULL, NULL, G_TYPE_NONE, 0);
  signals[TESTED] = g_signal_new ("tested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                  NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_BOOLEAN);

  gtk_widget_class_set_template_from_resource (widget_class, TFTSR_RESOURCE_PATH
                                               "/ui/tftsr-integrations-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TftsrIntegrationsPage, connectors_group);
  gtk_widget_class_bind_template_child (widget_class, TftsrIntegrationsPage, empty_row);
  gtk_widget_class_bind_template_child (widget_class, TftsrIntegrationsPage, add_button);

  gtk_widget_class_install_action (widget_class, "integrations.add", "s", add_action);
  gtk_widget_class_install_action (widget_class, "integrations.edit", "s", edit_action);
  gtk_widget_class_install_action (widget_class, "integrations.test", "s", test_action);
  gtk_widget_class_install_action (widget_class, "integrations.remove", "s", remove_action);
}

static void
tftsr_integrations_page_init (TftsrIntegrationsPage *self)
{
  g_autoptr (GMenu) kinds = g_menu_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->rows = g_ptr_array_new ();
  self->testing = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  /* Only the services this version can talk to (a kind without operations has no caps). */
  for (TftsrConnectorKind k = 0; k < TFTSR_N_CONNECTOR_KINDS; k++)
    {
      g_autoptr (GMenuItem) item = NULL;

      if (tftsr_connector_kind_get_caps (k) == 0)
        continue;
      item = g_menu_item_new (tftsr_connector_kind_get_label (k), NULL);

      g_menu_item_set_action_and_target_value (
          item, "integrations.add", g_variant_new_string (tftsr_connector_kind_to_string (k)));
      g_menu_append_item (kinds, item);
    }
  gtk_menu_button_set_menu_model (self->add_button, G_MENU_MODEL (kinds));
}

TftsrIntegrationsPage *
tftsr_integrations_page_new (TftsrStore *store)
{
  TftsrIntegrationsPage *self;

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);
  self = g_object_new (TFTSR_TYPE_INTEGRATIONS_PAGE, NULL);
  self->store = g_object_ref (store);
  load (self);
  return self;
}
