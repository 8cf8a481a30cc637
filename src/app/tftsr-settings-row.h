/* tftsr-settings-row.h: the Test, Edit and Remove buttons of a row of a settings list (AI
 * providers, integrations)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* Adds to @row the buttons of the actions "@group.test", "@group.edit" and "@group.remove"
 * with @target (a floating GVariant is sunk; it is each action's parameter). What screen
 * readers say names @name ("Test “name”"); @test_tooltip says what a test sends. Each
 * button is kept on @row under its action's name. The Test button shows a spinner in place
 * of its label while @testing (tftsr_settings_row_show_testing). */
void tftsr_settings_row_add_buttons (GtkWidget *row, const char *group, GVariant *target,
                                     const char *name, const char *test_tooltip, gboolean testing);

/* The same with another first button: the action "@group.@first_action", labelled
 * @first_label, which screen readers call @first_a11y ("Discover “name”"). */
void tftsr_settings_row_add_buttons_full (GtkWidget *row, const char *group, GVariant *target,
                                          const char *name, const char *first_action,
                                          const char *first_label, const char *first_a11y,
                                          const char *first_tooltip, gboolean busy);

/* Whether the Test button of @row shows its spinner (a test runs) or its label. */
void tftsr_settings_row_show_testing (GtkWidget *row, gboolean testing);

/* Where the keyboard focus was among the rows of a list that is being rebuilt: the row's
 * identity and which of its controls (kept on the row by name) held it. */
typedef struct
{
  char *id;
  const char *part;
} TftsrSettingsRowsFocus;

/* Notes in @focus which of @rows holds the keyboard focus (a row's identity is its string
 * data @key; the controls looked at are @parts, NULL-terminated), then removes @rows from
 * @group and empties @rows. */
void tftsr_settings_rows_clear (AdwPreferencesGroup *group, GPtrArray *rows, const char *key,
                                const char *const *parts, TftsrSettingsRowsFocus *focus);

/* Adds @row, whose identity is @id, to @group and @rows; when @focus was on the row of
 * @id, it goes back to the same control (the row itself when there is none or it is
 * insensitive). */
void tftsr_settings_rows_add (AdwPreferencesGroup *group, GPtrArray *rows, GtkWidget *row,
                              const char *id, const TftsrSettingsRowsFocus *focus);

void tftsr_settings_rows_focus_clear (TftsrSettingsRowsFocus *focus);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TftsrSettingsRowsFocus, tftsr_settings_rows_focus_clear)

G_END_DECLS
