/* test-attachments.c: logs and images of every live incident in one list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "tftsr-test-util.h"

static TftsrLogFile *
add_log (TftsrStore *store, gint64 issue, const char *name, const char *text)
{
  g_autoptr (GInputStream) in =
      g_memory_input_stream_new_from_data (g_strdup (text), strlen (text), g_free);
  g_autoptr (TftsrPiiScanner) scanner = tftsr_pii_scanner_new ();
  g_autoptr (GError) error = NULL;
  TftsrLogFile *log =
      tftsr_store_add_log (store, issue, in, name, 0, scanner, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  return log;
}

static TftsrImage *
add_image (TftsrStore *store, gint64 issue, const char *name)
{
  g_autoptr (GBytes) png = tftsr_test_read_file (TFTSR_TEST_DATA_DIR "/images/shot.png");
  g_autoptr (GError) error = NULL;
  TftsrImage *image = tftsr_store_add_image (store, issue, name, png, &error);

  g_assert_no_error (error);
  return image;
}

static gboolean
got (gpointer result)
{
  return *(GAsyncResult **) result != NULL;
}

static void
store_result (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
test_list (void)
{
  g_autoptr (TftsrStore) store = tftsr_test_new_store ();
  g_autoptr (TftsrIssue) one = tftsr_test_create (store, "Checkout 502", NULL);
  g_autoptr (TftsrIssue) two = tftsr_test_create (store, "Disk full", NULL);
  g_autoptr (TftsrIssue) gone = tftsr_test_create (store, "Trashed", NULL);
  g_autoptr (TftsrLogFile) log = add_log (store, tftsr_issue_get_id (one), "API-gateway.log",
                                          "ops@mail.internal from 10.1.2.3 and 10.1.2.4\n");
  g_autoptr (TftsrImage) image = NULL;
  g_autoptr (TftsrImage) hidden = NULL;
  g_autoptr (GPtrArray) all = NULL;
  g_autoptr (GPtrArray) some = NULL;
  g_autoptr (GPtrArray) none = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GPtrArray) async_list = NULL;
  g_autoptr (GError) error = NULL;
  TftsrAttachment *a;

  /* Later by a few milliseconds, so that the order is certain. */
  g_usleep (5000);
  image = add_image (store, tftsr_issue_get_id (two), "gateway-graph.png");
  hidden = add_image (store, tftsr_issue_get_id (gone), "gateway-old.png");
  g_assert_true (tftsr_store_delete_issue (store, tftsr_issue_get_id (gone), &error));
  all = tftsr_store_list_attachments (store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, 2);
  /* Newest first: the image came after the log. */
  a = all->pdata[0];
  g_assert_cmpint (tftsr_attachment_get_kind (a), ==, TFTSR_ATTACHMENT_IMAGE);
  g_assert_cmpint (tftsr_attachment_get_id (a), ==, tftsr_image_get_id (image));
  g_assert_cmpstr (tftsr_attachment_get_issue_title (a), ==, "Disk full");
  g_assert_false (tftsr_attachment_get_acknowledged (a));
  a = all->pdata[1];
  g_assert_cmpint (tftsr_attachment_get_kind (a), ==, TFTSR_ATTACHMENT_LOG);
  g_assert_cmpstr (tftsr_attachment_get_name (a), ==, "API-gateway.log");
  g_assert_cmpuint (tftsr_attachment_get_size (a), ==, tftsr_log_file_get_size (log));
  g_assert_cmpuint (tftsr_attachment_get_detections (a), ==, 3);
  g_assert_cmpuint (tftsr_attachment_get_released (a), ==, 0);

  /* Released values and acknowledged images show in the state. */
  g_assert_true (
      tftsr_store_set_pii_type_released (store, tftsr_issue_get_id (one), "IPV4", TRUE, &error));
  g_assert_true (tftsr_store_acknowledge_image_pii (store, tftsr_image_get_id (image), &error));
  some = tftsr_store_list_attachments (store, "GATEWAY", &error);
  g_assert_cmpuint (some->len, ==, 2);
  g_assert_true (tftsr_attachment_get_acknowledged (some->pdata[0]));
  g_assert_cmpuint (tftsr_attachment_get_released (some->pdata[1]), ==, 2);

  none = tftsr_store_list_attachments (store, "%", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (none->len, ==, 0);

  tftsr_store_list_attachments_async (store, ".log", NULL, store_result, &result);
  tftsr_test_iterate_until (got, &result);
  async_list = tftsr_store_list_attachments_finish (store, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (async_list->len, ==, 1);
}

int
main (int argc, char **argv)
{
  tftsr_test_init (&argc, &argv);
  g_test_add_func ("/attachments/list", test_list);
  return g_test_run ();
}
