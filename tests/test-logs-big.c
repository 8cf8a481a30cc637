/* test-logs-big.c: a 1 GiB log streams in and out in bounded memory
 *
 * The log is generated on the fly by a GInputStream, so neither the test nor the disk
 * holds it; peak RSS (getrusage) must stay under 100 MiB. TFTSR_BIG_LOG_MIB sets another
 * size.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <fcntl.h>
#include <gio/gunixoutputstream.h>
#include <sys/resource.h>

#include "tftsr-test-util.h"

#define TEST_TYPE_LINE_STREAM (test_line_stream_get_type ())
G_DECLARE_FINAL_TYPE (TestLineStream, test_line_stream, TEST, LINE_STREAM, GInputStream)

/* Serves @limit bytes of log lines, every 97th with an address and a mail address. */
struct _TestLineStream
{
  GInputStream parent_instance;
  guint64 limit;
  guint64 served;
  guint64 line;
  GString *pending;
};

G_DEFINE_FINAL_TYPE (TestLineStream, test_line_stream, G_TYPE_INPUT_STREAM)

static gssize
test_line_stream_read (GInputStream *stream, void *buffer, gsize count, GCancellable *cancellable,
                       GError **error)
{
  TestLineStream *self = TEST_LINE_STREAM (stream);
  gsize n = 0;

  while (n < count && self->served < self->limit)
    {
      gsize take;

      if (self->pending->len == 0)
        {
          if (self->line % 97 == 0)
            g_string_printf (
                self->pending,
                "2026-11-22 02:%02u:%02u INFO conn from 10.%u.%u.%u user%u@mail.internal\n",
                (guint) (self->line / 60 % 60), (guint) (self->line % 60),
                (guint) (self->line % 250), (guint) (self->line / 250 % 250),
                (guint) (self->line % 7 + 1), (guint) (self->line % 5000));
          else
            g_string_printf (
                self->pending,
                "2026-11-22 02:%02u:%02u INFO worker-%u processed batch %" G_GUINT64_FORMAT
                " in %u ms\n",
                (guint) (self->line / 60 % 60), (guint) (self->line % 60),
                (guint) (self->line % 16), self->line, (guint) (self->line % 900));
          self->line++;
        }
      take = MIN (MIN (count - n, self->pending->len), self->limit - self->served);
      memcpy ((guint8 *) buffer + n, self->pending->str, take);
      g_string_erase (self->pending, 0, take);
      n += take;
      self->served += take;
    }
  return n;
}

static gboolean
test_line_stream_close (GInputStream *stream, GCancellable *cancellable, GError **error)
{
  return TRUE;
}

static void
test_line_stream_finalize (GObject *object)
{
  g_string_free (TEST_LINE_STREAM (object)->pending, TRUE);
  G_OBJECT_CLASS (test_line_stream_parent_class)->finalize (object);
}

static void
test_line_stream_class_init (TestLineStreamClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = test_line_stream_finalize;
  G_INPUT_STREAM_CLASS (klass)->read_fn = test_line_stream_read;
  G_INPUT_STREAM_CLASS (klass)->close_fn = test_line_stream_close;
}

static void
test_line_stream_init (TestLineStream *self)
{
  self->pending = g_string_new (NULL);
}

static long
peak_rss_mib (void)
{
  struct rusage usage;
  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024;
}

static void
test_one_gib (void)
{
  const char *env = g_getenv ("TFTSR_BIG_LOG_MIB");
  guint64 size = (env != NULL ? g_ascii_strtoull (env, NULL, 10) : 1024) << 20;
  g_autoptr (TftsrStore) store = tftsr_test_new_store ();
  g_autoptr (TftsrIssue) issue = tftsr_test_create (store, "Big log", NULL);
  g_autoptr (TftsrPiiScanner) scanner = tftsr_pii_scanner_new ();
  g_autoptr (TestLineStream) in = g_object_new (TEST_TYPE_LINE_STREAM, NULL);
  g_autoptr (GOutputStream) sink = g_unix_output_stream_new (open ("/dev/null", O_WRONLY), TRUE);
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrLogFile) log = NULL;
  gint64 start = g_get_monotonic_time ();

  in->limit = size;
  log = tftsr_store_add_log (store, tftsr_issue_get_id (issue), G_INPUT_STREAM (in), "big.log",
                             size, scanner, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tftsr_log_file_get_size (log), ==, size);
  g_assert_cmpuint (tftsr_log_file_get_pii_count (log), >, 0);
  g_test_message ("ingested %" G_GUINT64_FORMAT " MiB in %.1f s, peak RSS %ld MiB", size >> 20,
                  (g_get_monotonic_time () - start) / 1e6, peak_rss_mib ());

  /* Reading it back redacted streams too. */
  start = g_get_monotonic_time ();
  g_assert_true (
      tftsr_store_write_log (store, tftsr_log_file_get_id (log), TRUE, sink, NULL, &error));
  g_assert_no_error (error);
  g_test_message ("wrote it redacted in %.1f s, peak RSS %ld MiB",
                  (g_get_monotonic_time () - start) / 1e6, peak_rss_mib ());
#ifdef __SANITIZE_ADDRESS__
  /* AddressSanitizer's quarantine and shadow memory make RSS meaningless here. */
  g_test_message ("peak RSS not checked under AddressSanitizer");
#else
  g_assert_cmpint (peak_rss_mib (), <, 100);
#endif
}

int
main (int argc, char **argv)
{
  tftsr_test_init (&argc, &argv);
  g_test_add_func ("/logs/one-gib-in-bounded-memory", test_one_gib);
  return g_test_run ();
}
