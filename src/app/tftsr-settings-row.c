/* tftsr-settings-row.c: the Test, Edit and Remove buttons of a row of a settings list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>

#include "tftsr-settings-row.h"

/* A button of @row for @action; @label (with the item's name) is what screen readers say. */
static GtkWidget *
row_button (GtkWidget *row, const char *group, const char *action, GVariant *target,
            const char *tooltip, const char *icon, const char *label)
{
  GtkWidget *button = icon != NULL ? gtk_button_new_from_icon_name (icon) : gtk_button_new ();
  g_autofree char *name = g_strconcat (group, ".", action, NULL);

  if (icon != NULL)
    gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), name);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), target);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  g_object_set_data (G_OBJECT (row), name, button);
  return button;
}

void
tftsr_settings_row_add_buttons_full (GtkWidget *row, const char *group, GVariant *target,
                                     const char *name, const char *first_action,
                                     const char *first_label, const char *first_a11y,
                                     const char *first_tooltip, gboolean busy)
{
  g_autoptr (GVariant) sunk = g_variant_ref_sink (target);
  g_autofree char *edit_label = g_strdup_printf (_ ("Edit “%s”"), name);
  g_autofree char *remove_label = g_strdup_printf (_ ("Remove “%s”"), name);
  GtkWidget *stack = gtk_stack_new ();
  GtkWidget *first = row_button (row, group, first_action, sunk, first_tooltip, NULL, first_a11y);

  /* The spinner takes the label's place, so the row keeps its layout while it runs. */
  gtk_stack_add_named (GTK_STACK (stack), gtk_label_new (first_label), "label");
  gtk_stack_add_named (GTK_STACK (stack), gtk_spinner_new (), "spinner");
  gtk_button_set_child (GTK_BUTTON (first), stack);
  g_object_set_data (G_OBJECT (row), "test-stack", stack);
  tftsr_settings_row_show_testing (row, busy);
  row_button (row, group, "edit", sunk, _ ("Edit"), "document-edit-symbolic", edit_label);
  row_button (row, group, "remove", sunk, _ ("Remove"), "user-trash-symbolic", remove_label);
}

void
tftsr_settings_row_add_buttons (GtkWidget *row, const char *group, GVariant *target,
                                const char *name, const char *test_tooltip, gboolean testing)
{
  g_autofree char *test_label = g_strdup_printf (_ ("Test “%s”"), name);

  tftsr_settings_row_add_buttons_full (row, group, target, name, "test", _ ("Test"), test_label,
                                       test_tooltip, testing);
}

void
tftsr_settings_row_show_testing (GtkWidget *row, gboolean testing)
{
  GtkStack *stack = g_object_get_data (G_OBJECT (row), "test-stack");

  gtk_stack_set_visible_child_name (stack, testing ? "spinner" : "label");
  gtk_spinner_set_spinning (GTK_SPINNER (gtk_stack_get_child_by_name (stack, "spinner")), testing);
}

void
tftsr_settings_rows_clear (AdwPreferencesGroup *group, GPtrArray *rows, const char *key,
                           const char *const *parts, TftsrSettingsRowsFocus *focus)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (group));
  GtkWidget *focused = root != NULL ? gtk_root_get_focus (root) : NULL;

  for (guint i = 0; focused != NULL && i < rows->len; i++)
    if (focused == rows->pdata[i] || gtk_widget_is_ancestor (focused, rows->pdata[i]))
      {
        g_free (focus->id);
        focus->id = g_strdup (g_object_get_data (rows->pdata[i], key));
        for (guint j = 0; parts[j] != NULL; j++)
          {
            GtkWidget *part = g_object_get_data (rows->pdata[i], parts[j]);
            if (focused == part || gtk_widget_is_ancestor (focused, part))
              focus->part = parts[j];
          }
      }
  for (guint i = 0; i < rows->len; i++)
    adw_preferences_group_remove (group, rows->pdata[i]);
  g_ptr_array_set_size (rows, 0);
}

void
tftsr_settings_rows_add (AdwPreferencesGroup *group, GPtrArray *rows, GtkWidget *row,
                         const char *id, const TftsrSettingsRowsFocus *focus)
{
  adw_preferences_group_add (group, row);
  g_ptr_array_add (rows, row);
  if (focus->id != NULL && g_str_equal (focus->id, id))
    {
      GtkWidget *part =
          focus->part != NULL ? g_object_get_data (G_OBJECT (row), focus->part) : NULL;
      gtk_widget_grab_focus (part != NULL && gtk_widget_get_sensitive (part) ? part : row);
    }
}

void
tftsr_settings_rows_focus_clear (TftsrSettingsRowsFocus *focus)
{
  g_clear_pointer (&focus->id, g_free);
  focus->part = NULL;
}
