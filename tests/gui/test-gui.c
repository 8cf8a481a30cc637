/* test-gui.c: drives the real window under Xvfb (see run-under-xvfb.sh) and saves a
 * PNG screenshot of every view to $TFTSR_SCREENSHOT_DIR.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <adwaita.h>

#include "tftsr-application.h"
#include "tftsr-issue-row.h"
#include "tftsr-new-issue-dialog.h"
#include "tftsr-test-util.h"
#include "tftsr-window.h"

static TftsrApplication *app;
static GtkWidget *window;

/* --- driving helpers ------------------------------------------------------------- */

typedef gboolean (*Condition) (void);

static gboolean
timed_out (gpointer message)
{
  g_error ("timed out waiting for %s", (const char *) message);
  return G_SOURCE_REMOVE;
}

static void
wait_until (Condition condition, const char *what)
{
  guint timeout = g_timeout_add_seconds (20, timed_out, (gpointer) what);

  while (!condition ())
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timeout);
}

static gboolean
frame_tick (GtkWidget *widget, GdkFrameClock *clock, gpointer frames)
{
  (*(guint *) frames)++;
  return G_SOURCE_CONTINUE;
}

/* Lets GTK lay out and paint, and transitions (200 ms crossfades) finish, so that
 * screenshots show the settled state. */
static void
settle (GtkWidget *widget)
{
  guint frames = 0;
  guint id = gtk_widget_add_tick_callback (widget, frame_tick, &frames, NULL);
  gint64 start = g_get_monotonic_time ();
  gint64 deadline = start + 5 * G_USEC_PER_SEC;

  while ((frames < 4 || g_get_monotonic_time () - start < 400 * 1000) &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  gtk_widget_remove_tick_callback (widget, id);
}

static GtkWidget *
find (GtkWidget *root, GType type, const char *id)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type) &&
      (id == NULL || g_strcmp0 (gtk_buildable_get_buildable_id (GTK_BUILDABLE (root)), id) == 0))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find (child, type, id);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
need (GtkWidget *root, GType type, const char *id)
{
  GtkWidget *widget = find (root, type, id);
  if (widget == NULL)
    g_error ("no %s “%s” in %s", g_type_name (type), id ? id : "", G_OBJECT_TYPE_NAME (root));
  return widget;
}

static GtkWidget *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels (); /* owned by GTK */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWidget) w = g_list_model_get_item (toplevels, i);
      if (G_TYPE_CHECK_INSTANCE_TYPE (w, type) && gtk_widget_get_visible (w))
        return w;
    }
  return NULL;
}

static void
screenshot (GtkWidget *widget, const char *name)
{
  const char *dir = g_getenv ("TFTSR_SCREENSHOT_DIR");
  g_autofree char *path = NULL;
  g_autoptr (GdkPaintable) paintable = NULL;
  g_autoptr (GskRenderNode) node = NULL;
  g_autoptr (GdkTexture) texture = NULL;
  GtkSnapshot *snapshot;
  int width, height;

  settle (widget);
  if (dir == NULL)
    return;
  g_mkdir_with_parents (dir, 0755);
  path = g_strdup_printf ("%s/%s.png", dir, name);
  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)),
                                         node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
}

static const char *
visible_page (const char *stack_id)
{
  GtkStack *stack = GTK_STACK (need (window, GTK_TYPE_STACK, stack_id));
  return gtk_stack_get_visible_child_name (stack);
}

static GListModel *
list_model (void)
{
  return G_LIST_MODEL (
      gtk_list_view_get_model (GTK_LIST_VIEW (need (window, GTK_TYPE_LIST_VIEW, "list_view"))));
}

static TftsrStore *
store (void)
{
  return tftsr_window_get_store (TFTSR_WINDOW (window));
}

/* --- conditions -------------------------------------------------------------------- */

static gboolean
main_shown (void)
{
  return g_strcmp0 (visible_page ("main_stack"), "main") == 0;
}

static gboolean
error_shown (void)
{
  return g_strcmp0 (visible_page ("main_stack"), "error") == 0;
}

static gboolean
empty_state_shown (void)
{
  return g_strcmp0 (visible_page ("list_stack"), "empty") == 0;
}

static gboolean
no_results_shown (void)
{
  return g_strcmp0 (visible_page ("list_stack"), "no-results") == 0;
}

static guint expected_items;

static gboolean
list_has_expected (void)
{
  return g_strcmp0 (visible_page ("list_stack"), "list") == 0 &&
         g_list_model_get_n_items (list_model ()) == expected_items;
}

static gboolean
search_hit_shown (void)
{
  g_autoptr (TftsrIssue) first = NULL;

  if (!list_has_expected ())
    return FALSE;
  first = g_list_model_get_item (list_model (), 0);
  return tftsr_issue_get_snippet (first) != NULL;
}

static gboolean
p1_first (void)
{
  g_autoptr (TftsrIssue) first = NULL;

  if (!list_has_expected () ||
      tftsr_issue_list_get_loading (
          TFTSR_ISSUE_LIST (gtk_single_selection_get_model (GTK_SINGLE_SELECTION (list_model ())))))
    return FALSE;
  first = g_list_model_get_item (list_model (), 0);
  return tftsr_issue_get_severity (first) == TFTSR_SEVERITY_CRITICAL;
}

static gboolean
dialog_gone (void)
{
  return find_toplevel (TFTSR_TYPE_NEW_ISSUE_DIALOG) == NULL;
}

static gboolean
page_loaded (void)
{
  GtkWidget *page = need (window, GTK_TYPE_WIDGET, "issue_page");
  return g_strcmp0 (visible_page ("content_stack"), "page") == 0 && gtk_widget_get_sensitive (page);
}

static gboolean
status_change_recorded (void)
{
  g_autoptr (GPtrArray) events = NULL;
  GtkSingleSelection *selection = GTK_SINGLE_SELECTION (list_model ());
  g_autoptr (TftsrIssue) issue =
      g_list_model_get_item (list_model (), gtk_single_selection_get_selected (selection));

  events = tftsr_store_list_timeline (store (), tftsr_issue_get_id (issue), NULL);
  return events != NULL && events->len == 2 &&
         tftsr_timeline_event_get_kind (events->pdata[1]) == TFTSR_TIMELINE_STATUS_CHANGED;
}

/* --- tests ---------------------------------------------------------------------------- */

static void
test_opens_empty (void)
{
  wait_until (main_shown, "the store to open");
  wait_until (empty_state_shown, "the empty state");
  g_assert_cmpstr (visible_page ("content_stack"), ==, "none");
  screenshot (window, "01-empty");
}

static void
test_create_incident (void)
{
  GtkWidget *dialog;
  GtkTextView *description;
  g_autoptr (TftsrIssue) item = NULL;
  GtkWidget *row;

  g_assert_true (gtk_widget_activate_action (window, "win.new-incident", NULL));
  dialog = find_toplevel (TFTSR_TYPE_NEW_ISSUE_DIALOG);
  g_assert_nonnull (dialog);
  /* Create stays disabled until there is a title. */
  g_assert_false (gtk_widget_get_sensitive (need (dialog, GTK_TYPE_BUTTON, "create_button")));
  gtk_editable_set_text (GTK_EDITABLE (need (dialog, ADW_TYPE_ENTRY_ROW, "title_row")),
                         "Checkout API returns 502 for EU customers");
  adw_combo_row_set_selected (ADW_COMBO_ROW (need (dialog, ADW_TYPE_COMBO_ROW, "severity_row")),
                              TFTSR_SEVERITY_CRITICAL);
  adw_combo_row_set_selected (ADW_COMBO_ROW (need (dialog, ADW_TYPE_COMBO_ROW, "category_row")),
                              TFTSR_CATEGORY_APPLICATION);
  description = GTK_TEXT_VIEW (need (dialog, GTK_TYPE_TEXT_VIEW, "description_view"));
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (description),
                            "Since 01:40 UTC about 30% of checkout requests from eu-west fail "
                            "with 502 at the load balancer.",
                            -1);
  g_assert_true (gtk_widget_get_sensitive (need (dialog, GTK_TYPE_BUTTON, "create_button")));
  screenshot (dialog, "02-new-incident-dialog");

  g_assert_true (gtk_widget_activate_action (dialog, "dialog.create", NULL));
  wait_until (dialog_gone, "the dialog to close");
  expected_items = 1;
  wait_until (list_has_expected, "the new incident in the list");
  wait_until (page_loaded, "the incident page");

  item = g_list_model_get_item (list_model (), 0);
  g_assert_cmpstr (tftsr_issue_get_title (item), ==, "Checkout API returns 502 for EU customers");
  g_assert_cmpint (tftsr_issue_get_severity (item), ==, TFTSR_SEVERITY_CRITICAL);
  /* The list really shows it: a row widget is bound to the incident. */
  row = need (need (window, GTK_TYPE_LIST_VIEW, "list_view"), TFTSR_TYPE_ISSUE_ROW, NULL);
  g_assert_true (tftsr_issue_row_get_issue (TFTSR_ISSUE_ROW (row)) == item);
  g_assert_cmpstr (
      gtk_editable_get_text (GTK_EDITABLE (need (window, ADW_TYPE_ENTRY_ROW, "title_row"))), ==,
      "Checkout API returns 502 for EU customers");
  screenshot (window, "03-incident");
}

static void
test_search (void)
{
  GtkEditable *search = GTK_EDITABLE (need (window, GTK_TYPE_SEARCH_ENTRY, "search_entry"));
  g_autoptr (TftsrIssue) second = tftsr_test_create (store (), "Disk full on db-02", NULL);
  g_autoptr (TftsrIssue) hit = NULL;

  gtk_editable_set_text (search, "balanc");
  expected_items = 1;
  wait_until (search_hit_shown, "one search result");
  hit = g_list_model_get_item (list_model (), 0);
  g_assert_cmpstr (tftsr_issue_get_title (hit), ==, "Checkout API returns 502 for EU customers");
  g_assert_nonnull (tftsr_issue_get_snippet (hit));
  screenshot (window, "04-search");

  gtk_editable_set_text (search, "\"unbalanced NEAR( zzzz");
  wait_until (no_results_shown, "no results");
  screenshot (window, "05-no-results");

  gtk_editable_set_text (search, "");
  expected_items = 2;
  wait_until (list_has_expected, "both incidents");

  /* The main menu's sort order: P1 before the newer P3. */
  g_assert_true (gtk_widget_activate_action (window, "list.sort", "s", "severity"));
  wait_until (p1_first, "the list sorted by severity");
  g_assert_true (gtk_widget_activate_action (window, "list.sort", "s", "updated"));
}

static void
test_edit_status (void)
{
  GtkSingleSelection *selection = GTK_SINGLE_SELECTION (list_model ());
  guint position = 0;

  /* Select the incident created through the dialog and change its status in the page. */
  for (; position < 2; position++)
    {
      g_autoptr (TftsrIssue) item = g_list_model_get_item (list_model (), position);
      if (g_str_has_prefix (tftsr_issue_get_title (item), "Checkout"))
        break;
    }
  gtk_single_selection_set_selected (selection, position);
  wait_until (page_loaded, "the incident page");
  adw_combo_row_set_selected (ADW_COMBO_ROW (need (window, ADW_TYPE_COMBO_ROW, "status_row")),
                              TFTSR_STATUS_INVESTIGATING);
  wait_until (status_change_recorded, "the status change in the timeline");
  screenshot (window, "06-status-changed");
}

static gboolean
one_item (void)
{
  return g_list_model_get_n_items (list_model ()) == 1;
}

static gboolean
two_items (void)
{
  return g_list_model_get_n_items (list_model ()) == 2;
}

static void
test_delete_and_undo (void)
{
  gint64 id;
  g_autoptr (TftsrIssue) stored = NULL;
  g_autoptr (GError) error = NULL;

  wait_until (page_loaded, "the incident page");
  {
    g_autoptr (TftsrIssue) item = g_list_model_get_item (
        list_model (), gtk_single_selection_get_selected (GTK_SINGLE_SELECTION (list_model ())));
    id = tftsr_issue_get_id (item);
  }
  /* An edit still waiting for its autosave pause is written before the delete. */
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (
                                need (window, GTK_TYPE_TEXT_VIEW, "description_view"))),
                            "Edited just before deleting", -1);
  g_assert_true (gtk_widget_activate_action (window, "win.delete-incident", NULL));
  wait_until (one_item, "the incident to leave the list");
  g_assert_cmpstr (visible_page ("content_stack"), ==, "none");
  screenshot (window, "07-deleted-undo-toast");
  stored = tftsr_store_get_issue (store (), id, &error);
  g_assert_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (gtk_widget_activate_action (window, "win.undo-delete", "x", id));
  wait_until (two_items, "the incident to come back");
  wait_until (page_loaded, "the restored incident");
  stored = tftsr_store_get_issue (store (), id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (tftsr_issue_get_status (stored), ==, TFTSR_STATUS_INVESTIGATING);
  g_assert_cmpstr (tftsr_issue_get_description (stored), ==, "Edited just before deleting");
  g_assert_cmpstr (adw_window_title_get_title (
                       ADW_WINDOW_TITLE (need (window, ADW_TYPE_WINDOW_TITLE, "content_title"))),
                   ==, tftsr_issue_get_title (stored));
}

static void
test_dark_style_and_dialogs (void)
{
  GtkWidget *about;
  GtkWidget *shortcuts;

  g_action_group_activate_action (G_ACTION_GROUP (app), "style", g_variant_new_string ("dark"));
  g_assert_true (adw_style_manager_get_dark (adw_style_manager_get_default ()));
  screenshot (window, "08-dark");
  g_action_group_activate_action (G_ACTION_GROUP (app), "style", g_variant_new_string ("system"));

  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  about = find_toplevel (ADW_TYPE_ABOUT_WINDOW);
  g_assert_nonnull (about);
  screenshot (about, "09-about");
  gtk_window_destroy (GTK_WINDOW (about));

  g_assert_true (gtk_widget_activate_action (window, "win.show-help-overlay", NULL));
  shortcuts = find_toplevel (GTK_TYPE_SHORTCUTS_WINDOW);
  g_assert_nonnull (shortcuts);
  screenshot (shortcuts, "10-shortcuts");
  gtk_window_close (GTK_WINDOW (shortcuts));
}

static void
test_persisted (void)
{
  g_autoptr (TftsrStore) reopened = tftsr_test_open_store (g_getenv ("TFTSR_DB"));
  g_autoptr (TftsrIssueQuery) query = tftsr_issue_query_new ();
  g_autoptr (GPtrArray) all = tftsr_store_list_issues (reopened, query, NULL, NULL);

  g_assert_cmpuint (all->len, ==, 2);
}

/* A wrong key shows an error page with the reason, not a crash or an empty database. */
static TftsrStore *closing_store;

static gboolean
store_closed (void)
{
  return closing_store == NULL;
}

static void
test_wrong_key_page (void)
{
  g_autoptr (GBytes) before = NULL;
  g_autoptr (GBytes) after = NULL;
  AdwStatusPage *page;

  /* Close the working window and wait until its store has let go of the file. */
  closing_store = store ();
  g_object_add_weak_pointer (G_OBJECT (closing_store), (gpointer *) &closing_store);
  gtk_window_destroy (GTK_WINDOW (window));
  wait_until (store_closed, "the store to close");
  before = tftsr_test_read_file (g_getenv ("TFTSR_DB"));
  g_setenv ("TFTSR_DB_KEY", "x'9999999999999999999999999999999999999999999999999999999999999999'",
            TRUE);
  window = GTK_WIDGET (tftsr_window_new (ADW_APPLICATION (app)));
  gtk_window_present (GTK_WINDOW (window));
  wait_until (error_shown, "the error page");
  page = ADW_STATUS_PAGE (need (window, ADW_TYPE_STATUS_PAGE, "error_page"));
  g_assert_nonnull (strstr (adw_status_page_get_description (page), "key is wrong"));
  screenshot (window, "11-wrong-key");
  after = tftsr_test_read_file (g_getenv ("TFTSR_DB"));
  g_assert_true (g_bytes_equal (before, after));
  g_setenv ("TFTSR_DB_KEY", TFTSR_TEST_KEY, TRUE);
}

int
main (int argc, char **argv)
{
  int status;

  tftsr_test_init (&argc, &argv);
  gtk_init ();
  adw_init ();
  app = tftsr_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
  g_application_activate (G_APPLICATION (app));
  window = GTK_WIDGET (gtk_application_get_active_window (GTK_APPLICATION (app)));
  g_assert_nonnull (window);

  g_test_add_func ("/gui/opens-empty", test_opens_empty);
  g_test_add_func ("/gui/create-incident", test_create_incident);
  g_test_add_func ("/gui/search", test_search);
  g_test_add_func ("/gui/edit-status", test_edit_status);
  g_test_add_func ("/gui/delete-and-undo", test_delete_and_undo);
  g_test_add_func ("/gui/dark-style-and-dialogs", test_dark_style_and_dialogs);
  g_test_add_func ("/gui/persisted", test_persisted);
  g_test_add_func ("/gui/wrong-key-page", test_wrong_key_page);
  status = g_test_run ();
  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&app);
  return status;
}
