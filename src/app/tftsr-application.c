/* tftsr-application.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>

#include "tftsr-application.h"
#include "tftsr-window.h"

struct _TftsrApplication
{
  AdwApplication parent_instance;

  GSettings *settings;
};

G_DEFINE_FINAL_TYPE (TftsrApplication, tftsr_application, ADW_TYPE_APPLICATION)

GSettings *
tftsr_application_dup_settings (void)
{
  GSettingsSchemaSource *installed = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema = NULL;
  g_autoptr (GSettingsSchemaSource) build_tree = NULL;

  if (installed != NULL)
    schema = g_settings_schema_source_lookup (installed, TFTSR_APP_ID, TRUE);
#ifdef TFTSR_BUILD_SCHEMA_DIR
  if (schema == NULL)
    {
      build_tree = g_settings_schema_source_new_from_directory (TFTSR_BUILD_SCHEMA_DIR, installed,
                                                                FALSE, NULL);
      if (build_tree != NULL)
        schema = g_settings_schema_source_lookup (build_tree, TFTSR_APP_ID, FALSE);
    }
#endif
  if (schema == NULL)
    g_error ("The GSettings schema %s is not installed", TFTSR_APP_ID);
  return g_settings_new_full (schema, NULL, NULL);
}

static void
apply_style (TftsrApplication *self)
{
  g_autofree char *style = g_settings_get_string (self->settings, "style");
  AdwColorScheme scheme = ADW_COLOR_SCHEME_DEFAULT;

  if (g_str_equal (style, "light"))
    scheme = ADW_COLOR_SCHEME_FORCE_LIGHT;
  else if (g_str_equal (style, "dark"))
    scheme = ADW_COLOR_SCHEME_FORCE_DARK;
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), scheme);
}

static void
about_action (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  const char *developers[] = { _ ("The tftsr developers"), NULL };
  GtkWidget *about = adw_about_window_new ();

  g_object_set (about, "transient-for", gtk_application_get_active_window (app), "application-name",
                "tftsr", "application-icon", TFTSR_APP_ID, "version", TFTSR_VERSION,
                "developer-name", _ ("The tftsr developers"), "developers", developers, "comments",
                _ ("Troubleshooting and root-cause analysis for incidents, with your data kept "
                   "encrypted on this machine."),
                "license-type", GTK_LICENSE_GPL_3_0, "translator-credits", _ ("translator-credits"),
                NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
quit_action (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  GList *windows = gtk_application_get_windows (app);

  /* Closing (not destroying) lets each window save pending edits first. */
  for (GList *l = windows; l != NULL;)
    {
      GtkWindow *window = l->data;
      l = l->next;
      gtk_window_close (window);
    }
}

static void
tftsr_application_startup (GApplication *app)
{
  TftsrApplication *self = TFTSR_APPLICATION (app);
  static const GActionEntry entries[] = {
    { "about", about_action, NULL, NULL, NULL },
    { "quit", quit_action, NULL, NULL, NULL },
  };
  g_autoptr (GAction) style = NULL;

  G_APPLICATION_CLASS (tftsr_application_parent_class)->startup (app);

  self->settings = tftsr_application_dup_settings ();
  g_action_map_add_action_entries (G_ACTION_MAP (app), entries, G_N_ELEMENTS (entries), app);
  style = g_settings_create_action (self->settings, "style");
  g_action_map_add_action (G_ACTION_MAP (app), style);
  g_signal_connect_object (self->settings, "changed::style", G_CALLBACK (apply_style), self,
                           G_CONNECT_SWAPPED);
  apply_style (self);

  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit",
                                         (const char *[]){ "<Control>q", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "window.close",
                                         (const char *[]){ "<Control>w", NULL });
}

static void
tftsr_application_activate (GApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    window = GTK_WINDOW (tftsr_window_new (ADW_APPLICATION (app)));
  gtk_window_present (window);
}

static void
tftsr_application_dispose (GObject *object)
{
  TftsrApplication *self = TFTSR_APPLICATION (object);

  g_clear_object (&self->settings);
  G_OBJECT_CLASS (tftsr_application_parent_class)->dispose (object);
}

static void
tftsr_application_class_init (TftsrApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = tftsr_application_dispose;
  app_class->startup = tftsr_application_startup;
  app_class->activate = tftsr_application_activate;
}

static void
tftsr_application_init (TftsrApplication *self)
{
}

TftsrApplication *
tftsr_application_new (void)
{
  return g_object_new (TFTSR_TYPE_APPLICATION, "application-id", TFTSR_APP_ID, "flags",
                       G_APPLICATION_DEFAULT_FLAGS, "resource-base-path", TFTSR_RESOURCE_PATH,
                       NULL);
}
