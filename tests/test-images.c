/* test-images.c: images attached to incidents: format and pixel size from the bytes,
 * refusals, the size cap, round trips, the PII acknowledgement and export through egress
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <json.h>

#include "tftsr-test-util.h"

static TftsrStore *store;
static GMainLoop *loop;

static const struct
{
  const char *file;
  const char *mime;
  guint width;
  guint height;
} fixtures[] = {
  { "shot.png", "image/png", 5, 3 },         { "baseline.jpg", "image/jpeg", 7, 5 },
  { "progressive.jpg", "image/jpeg", 9, 6 }, { "screen.gif", "image/gif", 6, 4 },
  { "lossy.webp", "image/webp", 11, 7 },     { "lossless.webp", "image/webp", 13, 8 },
  { "alpha.webp", "image/webp", 15, 9 },
};

static char *
fixture_path (const char *name)
{
  return g_build_filename (TFTSR_TEST_DATA_DIR, "images", name, NULL);
}

static GBytes *
fixture (const char *name)
{
  g_autofree char *path = fixture_path (name);
  return tftsr_test_read_file (path);
}

/* A PNG signature and IHDR chunk for @width × @height, padded with zeros to @len bytes. */
static GBytes *
png_headed (guint32 width, guint32 height, gsize len)
{
  static const guint8 head[16] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n',
                                   0,    0,   0,   13,  'I',  'H',  'D',  'R' };
  guint8 *data = g_malloc0 (MAX (len, 24));
  guint32 be_width = GUINT32_TO_BE (width), be_height = GUINT32_TO_BE (height);

  memcpy (data, head, sizeof head);
  memcpy (data + 16, &be_width, 4);
  memcpy (data + 20, &be_height, 4);
  return g_bytes_new_take (data, len);
}

static gint64
new_issue (void)
{
  g_autoptr (TftsrIssue) issue = tftsr_test_create (store, "Images", NULL);
  return tftsr_issue_get_id (issue);
}

static guint
count (const char *sql)
{
  g_autofree char *text = tftsr_test_query (store, sql);
  return (guint) g_ascii_strtoull (text != NULL ? text : "0", NULL, 10);
}

static guint
stored_images (void)
{
  return count ("SELECT count(*) FROM image_attachments");
}

static TftsrImage *
add (gint64 issue, const char *name, GBytes *bytes)
{
  g_autoptr (GError) error = NULL;
  TftsrImage *image = tftsr_store_add_image (store, issue, name, bytes, &error);

  g_assert_no_error (error);
  g_assert_nonnull (image);
  return image;
}

static TftsrAuditEntry *
last_audit (void)
{
  g_autoptr (GPtrArray) entries = tftsr_audit_list (store, 1, NULL);

  g_assert_cmpuint (entries->len, ==, 1);
  return g_ptr_array_steal_index (entries, 0);
}

static const char *
json_text (json_object *obj, const char *key)
{
  json_object *value = NULL;

  g_assert_true (json_object_object_get_ex (obj, key, &value));
  return json_object_get_string (value);
}

static void
test_sniff (void)
{
  g_autoptr (GBytes) big = png_headed (70000, 1, 64);
  guint width = 0, height = 0;

  for (guint i = 0; i < G_N_ELEMENTS (fixtures); i++)
    {
      g_autoptr (GBytes) bytes = fixture (fixtures[i].file);
      gsize len = 0;
      const guint8 *data = g_bytes_get_data (bytes, &len);

      width = height = 1;
      g_assert_cmpstr (tftsr_image_sniff (data, len, &width, &height), ==, fixtures[i].mime);
      g_assert_cmpuint (width, ==, fixtures[i].width);
      g_assert_cmpuint (height, ==, fixtures[i].height);
      /* The size is optional. */
      g_assert_cmpstr (tftsr_image_sniff (data, len, NULL, NULL), ==, fixtures[i].mime);
    }
  /* Each WebP form and each JPEG frame type is there. */
  for (const char *const *f = (const char *const[]){ "lossy.webp:VP8 ", "lossless.webp:VP8L",
                                                     "alpha.webp:VP8X", NULL };
       *f != NULL; f++)
    {
      g_auto (GStrv) parts = g_strsplit (*f, ":", 2);
      g_autoptr (GBytes) bytes = fixture (parts[0]);
      g_assert_cmpmem ((const guint8 *) g_bytes_get_data (bytes, NULL) + 12, 4, parts[1], 4);
    }

  g_assert_cmpstr (tftsr_image_sniff (g_bytes_get_data (big, NULL), 64, &width, &height), ==,
                   "image/png");
  g_assert_cmpuint (width, ==, 70000);
  g_assert_cmpuint (height, ==, 1);
}

/* Every prefix of every fixture, each in a buffer of its exact size (so the sanitizers and
 * valgrind see any read past it): the type is right or unknown, the size right or 0 × 0. */
static void
test_sniff_truncated (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (fixtures); i++)
    {
      g_autoptr (GBytes) bytes = fixture (fixtures[i].file);
      gsize len = 0;
      const guint8 *data = g_bytes_get_data (bytes, &len);

      for (gsize n = 0; n <= len; n++)
        {
          g_autofree guint8 *prefix = g_memdup2 (data, n);
          guint width = 1, height = 1;
          const char *mime = tftsr_image_sniff (prefix, n, &width, &height);

          g_assert_true (mime == NULL || g_str_equal (mime, fixtures[i].mime));
          g_assert_true ((width == 0 && height == 0) ||
                         (width == fixtures[i].width && height == fixtures[i].height));
          if (mime == NULL)
            g_assert_true (width == 0 && height == 0);
        }
    }
}

/* JPEG segments that lie: the type stands, the size is unknown. */
static void
test_sniff_damaged_jpeg (void)
{
  static const guint8 past_end[] = { 0xff, 0xd8, 0xff, 0xe0, 0xff, 0xf0, 'J', 'F', 'I', 'F' };
  static const guint8 too_short[] = { 0xff, 0xd8, 0xff, 0xe0, 0x00, 0x01, 0xff, 0xc0,
                                      0x00, 0x11, 0x08, 0x00, 0x10, 0x00, 0x10, 0x03 };
  static const guint8 no_marker[] = { 0xff, 0xd8, 0xff, 0xe0, 0x00, 0x02, 0x12, 0x34 };
  static const guint8 dnl_height[] = { 0xff, 0xd8, 0xff, 0xc0, 0x00, 0x11,
                                       0x08, 0x00, 0x00, 0x00, 0x10, 0x03 };
  static const guint8 sos_first[] = { 0xff, 0xd8, 0xff, 0xda, 0x00, 0x08, 0xff, 0xc0,
                                      0x00, 0x11, 0x08, 0x00, 0x10, 0x00, 0x10, 0x03 };
  static const guint8 fill_and_rst[] = { 0xff, 0xd8, 0xff, 0xff, 0xff, 0xd0, 0xff, 0x01, 0xff,
                                         0xc2, 0x00, 0x11, 0x08, 0x00, 0x20, 0x00, 0x30, 0x03 };
  const struct
  {
    const guint8 *data;
    gsize len;
    guint width;
    guint height;
  } cases[] = {
    { past_end, sizeof past_end, 0, 0 },   { too_short, sizeof too_short, 0, 0 },
    { no_marker, sizeof no_marker, 0, 0 }, { dnl_height, sizeof dnl_height, 0, 0 },
    { sos_first, sizeof sos_first, 0, 0 }, { fill_and_rst, sizeof fill_and_rst, 0x30, 0x20 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      guint width = 1, height = 1;

      g_test_message ("case %u", i);
      g_assert_cmpstr (tftsr_image_sniff (cases[i].data, cases[i].len, &width, &height), ==,
                       "image/jpeg");
      g_assert_cmpuint (width, ==, cases[i].width);
      g_assert_cmpuint (height, ==, cases[i].height);
    }
}

static void
test_refused (void)
{
  static const guint8 png7[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a };
  static const guint8 jpeg2[] = { 0xff, 0xd8 };
  static const guint8 bmp[] = { 'B', 'M', 0x3a, 0, 0, 0, 0, 0, 0, 0, 0x36, 0, 0, 0, 0x28, 0 };
  const struct
  {
    const char *name;
    const void *data;
    gssize len; /* -1: a string */
  } cases[] = {
    { "empty.png", "", 0 },
    { "notes.txt", "just some text\n", -1 },
    { "diagram.svg", "<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"/>", -1 },
    { "bare.svg", "<svg width=\"10\" height=\"10\"></svg>", -1 },
    { "shot.bmp", bmp, sizeof bmp },
    { "cut.png", png7, sizeof png7 },
    { "cut.jpg", jpeg2, sizeof jpeg2 },
    { "cut.gif", "GIF89", 5 },
    { "gif90a.gif", "GIF90a\x01\x00\x01\x00", 10 },
    { "cut.webp", "RIFF\x10\0\0\0WEB", 11 },
    { "sound.wav", "RIFF\x24\0\0\0WAVEfmt ", 16 },
  };
  gint64 issue = new_issue ();
  guint before = stored_images ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gsize len = cases[i].len >= 0 ? (gsize) cases[i].len : strlen (cases[i].data);
      g_autoptr (GBytes) bytes = g_bytes_new (cases[i].data, len);
      g_autoptr (GError) error = NULL;
      g_autoptr (TftsrImage) image = NULL;
      guint width = 7, height = 7;

      g_test_message ("%s", cases[i].name);
      g_assert_null (tftsr_image_sniff (cases[i].data, len, &width, &height));
      g_assert_cmpuint (width, ==, 0);
      g_assert_cmpuint (height, ==, 0);
      image = tftsr_store_add_image (store, issue, cases[i].name, bytes, &error);
      g_assert_null (image);
      g_assert_error (error, TFTSR_IMAGE_ERROR, TFTSR_IMAGE_ERROR_UNSUPPORTED);
      g_assert_nonnull (strstr (error->message, cases[i].name));
      g_assert_nonnull (strstr (error->message, "PNG, JPEG, GIF or WebP"));
    }
  g_assert_cmpuint (stored_images (), ==, before);
}

static void
test_size_cap (void)
{
  g_autoptr (GBytes) over = png_headed (100, 100, 1500 * 1000);
  g_autoptr (GBytes) at_cap = png_headed (100, 100, 1000 * 1000);
  g_autofree char *path = g_build_filename (tftsr_test_dir (), "big.png", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GFile) zero = g_file_new_for_path ("/dev/zero");
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrImage) image = NULL;
  g_autoptr (TftsrImage) fits = NULL;
  g_autofree char *stored = NULL;
  g_autofree char *size_over = g_format_size (1500 * 1000);
  g_autofree char *size_cap = g_format_size (1000 * 1000);
  gint64 issue = new_issue ();
  guint before = stored_images ();

  g_assert_cmpuint (tftsr_store_get_image_max_size (store), ==, TFTSR_IMAGE_DEFAULT_MAX_SIZE);
  g_assert_cmpuint (TFTSR_IMAGE_DEFAULT_MAX_SIZE, ==, 20000000);

  /* Out of range: refused, the cap unchanged. */
  g_assert_false (tftsr_store_set_image_max_size (store, 999999, &error));
  g_assert_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (tftsr_store_set_image_max_size (store, 1000000001, &error));
  g_assert_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpuint (tftsr_store_get_image_max_size (store), ==, TFTSR_IMAGE_DEFAULT_MAX_SIZE);

  g_assert_true (tftsr_store_set_image_max_size (store, 1000000, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (tftsr_store_get_image_max_size (store), ==, 1000000);
  stored = tftsr_store_get_setting (store, "images.max_size", &error);
  g_assert_cmpstr (stored, ==, "1000000");

  image = tftsr_store_add_image (store, issue, "huge.png", over, &error);
  g_assert_null (image);
  g_assert_error (error, TFTSR_IMAGE_ERROR, TFTSR_IMAGE_ERROR_TOO_LARGE);
  /* Sizes as people read them (g_format_size() puts a no-break space before the unit). */
  g_assert_nonnull (strstr (error->message, size_over));
  g_assert_nonnull (strstr (error->message, size_cap));
  g_clear_error (&error);
  fits = add (issue, "fits.png", at_cap);

  /* From a file: the size in the message can only come from asking before reading. */
  g_assert_true (g_file_set_contents (path, g_bytes_get_data (over, NULL),
                                      (gssize) g_bytes_get_size (over), NULL));
  image = tftsr_store_add_image_file (store, issue, file, NULL, &error);
  g_assert_error (error, TFTSR_IMAGE_ERROR, TFTSR_IMAGE_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "“big.png” is "));
  g_assert_nonnull (strstr (error->message, size_over));
  g_clear_error (&error);
  /* A file that says nothing of its size and never ends: read up to the cap, then refused. */
  if (g_file_test ("/dev/zero", G_FILE_TEST_EXISTS))
    {
      image = tftsr_store_add_image_file (store, issue, zero, NULL, &error);
      g_assert_error (error, TFTSR_IMAGE_ERROR, TFTSR_IMAGE_ERROR_TOO_LARGE);
      g_assert_nonnull (strstr (error->message, "larger than "));
      g_assert_nonnull (strstr (error->message, size_cap));
      g_clear_error (&error);
    }
  g_assert_cmpuint (stored_images (), ==, before + 1);

  /* 0 is the default again. */
  g_assert_true (tftsr_store_set_image_max_size (store, 0, &error));
  g_assert_cmpuint (tftsr_store_get_image_max_size (store), ==, TFTSR_IMAGE_DEFAULT_MAX_SIZE);
  g_assert_true (tftsr_store_delete_image (store, tftsr_image_get_id (fits), &error));
  g_assert_no_error (error);
}

static void
test_round_trip (void)
{
  g_autoptr (GBytes) png = fixture ("shot.png");
  g_autoptr (GBytes) jpeg = fixture ("baseline.jpg");
  g_autofree char *sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, png);
  gint64 issue = new_issue ();
  g_autoptr (TftsrImage) first = add (issue, "shot.png", png);
  g_autoptr (TftsrImage) second = add (issue, "baseline.jpg", jpeg);
  g_autoptr (TftsrImage) got = NULL;
  g_autoptr (GBytes) back = NULL;
  g_autoptr (GPtrArray) images = NULL;
  g_autoptr (GPtrArray) events = NULL;
  g_autoptr (TftsrAuditEntry) entry = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *detail = NULL;
  TftsrTimelineKind kind;

  g_assert_cmpint (tftsr_image_get_id (first), >, 0);
  g_assert_cmpint (tftsr_image_get_issue_id (first), ==, issue);
  g_assert_cmpstr (tftsr_image_get_name (first), ==, "shot.png");
  g_assert_cmpstr (tftsr_image_get_mime (first), ==, "image/png");
  g_assert_cmpuint (tftsr_image_get_size (first), ==, g_bytes_get_size (png));
  g_assert_cmpstr (tftsr_image_get_sha256 (first), ==, sha);
  g_assert_cmpuint (tftsr_image_get_width (first), ==, 5);
  g_assert_cmpuint (tftsr_image_get_height (first), ==, 3);
  g_assert_true (g_str_has_suffix (tftsr_image_get_created_at (first), "Z"));
  g_assert_null (tftsr_image_get_pii_acknowledged_at (first));

  /* Newest first. */
  images = tftsr_store_list_images (store, issue, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (images->len, ==, 2);
  g_assert_cmpint (tftsr_image_get_id (images->pdata[0]), ==, tftsr_image_get_id (second));
  g_assert_cmpint (tftsr_image_get_id (images->pdata[1]), ==, tftsr_image_get_id (first));
  g_assert_cmpstr (tftsr_image_get_mime (images->pdata[0]), ==, "image/jpeg");

  got = tftsr_store_get_image (store, tftsr_image_get_id (first), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tftsr_image_get_sha256 (got), ==, sha);
  g_assert_cmpstr (tftsr_image_get_created_at (got), ==, tftsr_image_get_created_at (first));
  back = tftsr_store_get_image_bytes (store, tftsr_image_get_id (first), &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (back, png));

  /* The timeline and the audit log. */
  events = tftsr_store_list_timeline (store, issue, &error);
  g_assert_cmpint (tftsr_timeline_event_get_kind (events->pdata[1]), ==,
                   TFTSR_TIMELINE_IMAGE_ADDED);
  text = tftsr_timeline_event_describe (events->pdata[1]);
  g_assert_cmpstr (text, ==, "Image “shot.png” added");
  g_assert_true (tftsr_timeline_kind_from_string ("image_added", &kind));
  g_assert_cmpint (kind, ==, TFTSR_TIMELINE_IMAGE_ADDED);
  entry = last_audit ();
  g_assert_cmpstr (entry->action, ==, "image.add");
  detail = g_strdup_printf ("\"image\":%" G_GINT64_FORMAT, tftsr_image_get_id (second));
  g_assert_nonnull (strstr (entry->detail, detail));
  g_assert_null (strstr (entry->detail, "baseline")); /* names may be personal */
}

static void
test_not_found (void)
{
  g_autoptr (GBytes) png = fixture ("shot.png");
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrImage) image = NULL;
  g_autoptr (GBytes) bytes = NULL;
  guint before = stored_images ();

  image = tftsr_store_add_image (store, 987654, "orphan.png", png, &error);
  g_assert_null (image);
  g_assert_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpuint (stored_images (), ==, before);

  image = tftsr_store_get_image (store, 987654, &error);
  g_assert_error (error, TFTSR_IMAGE_ERROR, TFTSR_IMAGE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  bytes = tftsr_store_get_image_bytes (store, 987654, &error);
  g_assert_null (bytes);
  g_assert_error (error, TFTSR_IMAGE_ERROR, TFTSR_IMAGE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (tftsr_store_acknowledge_image_pii (store, 987654, &error));
  g_assert_error (error, TFTSR_IMAGE_ERROR, TFTSR_IMAGE_ERROR_NOT_FOUND);
}

static void
test_delete (void)
{
  g_autoptr (GBytes) gif = fixture ("screen.gif");
  g_autoptr (TftsrImage) image = add (new_issue (), "screen.gif", gif);
  g_autoptr (TftsrImage) gone = NULL;
  g_autoptr (TftsrAuditEntry) entry = NULL;
  g_autoptr (GError) error = NULL;
  gint64 id = tftsr_image_get_id (image);

  g_assert_true (tftsr_store_delete_image (store, id, &error));
  g_assert_no_error (error);
  entry = last_audit ();
  g_assert_cmpstr (entry->action, ==, "image.delete");
  gone = tftsr_store_get_image (store, id, &error);
  g_assert_null (gone);
  g_assert_error (error, TFTSR_IMAGE_ERROR, TFTSR_IMAGE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (tftsr_store_delete_image (store, id, &error));
  g_assert_error (error, TFTSR_IMAGE_ERROR, TFTSR_IMAGE_ERROR_NOT_FOUND);
}

static void
test_purge_cascades (void)
{
  g_autoptr (GBytes) png = fixture ("shot.png");
  g_autoptr (GBytes) webp = fixture ("lossy.webp");
  gint64 issue = new_issue ();
  g_autoptr (TftsrImage) a = add (issue, "a.png", png);
  g_autoptr (TftsrImage) b = add (issue, "b.webp", webp);
  g_autoptr (GError) error = NULL;
  g_autofree char *sql = g_strdup_printf (
      "SELECT count(*) FROM image_attachments WHERE issue_id = %" G_GINT64_FORMAT, issue);

  g_assert_cmpuint (count (sql), ==, 2);
  /* In the trash the images stay (an undo brings them back)… */
  g_assert_true (tftsr_store_delete_issue (store, issue, &error));
  g_assert_cmpuint (count (sql), ==, 2);
  /* …and go with the incident. */
  g_assert_true (tftsr_store_purge_issue (store, issue, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count (sql), ==, 0);
}

static void
test_acknowledge (void)
{
  g_autoptr (GBytes) jpeg = fixture ("progressive.jpg");
  g_autoptr (TftsrImage) image = add (new_issue (), "screen.jpg", jpeg);
  gint64 id = tftsr_image_get_id (image);
  g_autoptr (TftsrImage) seen = NULL;
  g_autoptr (TftsrImage) again = NULL;
  g_autoptr (TftsrAuditEntry) entry = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *target =
      g_strdup_printf ("issue:%" G_GINT64_FORMAT, tftsr_image_get_issue_id (image));
  json_object *detail;
  guint entries;

  g_assert_true (tftsr_store_acknowledge_image_pii (store, id, &error));
  g_assert_no_error (error);
  seen = tftsr_store_get_image (store, id, &error);
  g_assert_nonnull (tftsr_image_get_pii_acknowledged_at (seen));
  g_assert_true (g_str_has_suffix (tftsr_image_get_pii_acknowledged_at (seen), "Z"));
  entry = last_audit ();
  g_assert_cmpstr (entry->action, ==, "image.pii-acknowledged");
  g_assert_cmpstr (entry->target, ==, target);
  detail = json_tokener_parse (entry->detail);
  g_assert_cmpint (json_object_get_int64 (json_object_object_get (detail, "image")), ==, id);
  g_assert_cmpstr (json_text (detail, "sha256"), ==, tftsr_image_get_sha256 (image));
  json_object_put (detail);

  /* Again: nothing changes, nothing more is recorded. */
  entries = count ("SELECT count(*) FROM audit_log WHERE action = 'image.pii-acknowledged'");
  g_assert_true (tftsr_store_acknowledge_image_pii (store, id, &error));
  again = tftsr_store_get_image (store, id, &error);
  g_assert_cmpstr (tftsr_image_get_pii_acknowledged_at (again), ==,
                   tftsr_image_get_pii_acknowledged_at (seen));
  g_assert_cmpuint (
      count ("SELECT count(*) FROM audit_log WHERE action = 'image.pii-acknowledged'"), ==,
      entries);
}

static void
test_export (void)
{
  g_autoptr (GBytes) webp = fixture ("alpha.webp");
  g_autoptr (TftsrImage) image = add (new_issue (), "alpha.webp", webp);
  gint64 id = tftsr_image_get_id (image);
  g_autofree char *sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, webp);
  g_autoptr (GOutputStream) refused_out = g_memory_output_stream_new_resizable ();
  g_autoptr (GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr (TftsrEgressReceipt) refused = NULL;
  g_autoptr (TftsrEgressReceipt) receipt = NULL;
  g_autoptr (TftsrAuditEntry) entry = NULL;
  g_autoptr (GBytes) sent = NULL;
  g_autoptr (GError) error = NULL;
  json_object *detail, *replaced;
  guint departures = count ("SELECT count(*) FROM audit_log WHERE action = 'egress.send'");

  refused =
      tftsr_egress_export_image (store, id, refused_out, "file:///tmp/alpha.webp", NULL, &error);
  g_assert_null (refused);
  g_assert_error (error, TFTSR_IMAGE_ERROR, TFTSR_IMAGE_ERROR_NOT_ACKNOWLEDGED);
  g_assert_nonnull (strstr (error->message, "personal data or secrets"));
  g_assert_nonnull (strstr (error->message, "acknowledged first"));
  g_clear_error (&error);
  g_assert_cmpuint (g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (refused_out)), ==,
                    0);
  g_assert_cmpuint (count ("SELECT count(*) FROM audit_log WHERE action = 'egress.send'"), ==,
                    departures);

  g_assert_true (tftsr_store_acknowledge_image_pii (store, id, &error));
  receipt = tftsr_egress_export_image (store, id, out, "file:///tmp/alpha.webp", NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (receipt);
  g_output_stream_close (out, NULL, NULL);
  sent = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
  g_assert_true (g_bytes_equal (sent, webp));
  g_assert_cmpstr (tftsr_egress_receipt_get_sha256 (receipt), ==, sha);
  g_assert_cmpuint (tftsr_egress_receipt_get_bytes (receipt), ==, g_bytes_get_size (webp));
  g_assert_cmpuint (g_hash_table_size (tftsr_egress_receipt_get_counts (receipt)), ==, 0);

  entry = last_audit ();
  g_assert_cmpstr (entry->action, ==, "egress.send");
  g_assert_cmpstr (entry->target, ==, "file:///tmp/alpha.webp");
  detail = json_tokener_parse (entry->detail);
  g_assert_cmpstr (json_text (detail, "sha256"), ==, sha);
  g_assert_cmpint (json_object_get_int64 (json_object_object_get (detail, "bytes")), ==,
                   (gint64) g_bytes_get_size (webp));
  g_assert_cmpint (json_object_get_int64 (json_object_object_get (detail, "image")), ==, id);
  replaced = json_object_object_get (detail, "replaced");
  g_assert_cmpint (json_object_object_length (replaced), ==, 0);
  json_object_put (detail);
  g_assert_true (tftsr_audit_verify (store, NULL, NULL, &error));
  g_assert_no_error (error);
}

static void
test_files (void)
{
  g_autoptr (GFile) missing = g_file_new_for_path ("/nonexistent/folder/shot.png");
  g_autoptr (GFile) folder = g_file_new_for_path (tftsr_test_dir ());
  g_autofree char *path = fixture_path ("baseline.jpg");
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GBytes) expected = fixture ("baseline.jpg");
  g_autoptr (GBytes) back = NULL;
  g_autoptr (TftsrImage) image = NULL;
  g_autoptr (GError) error = NULL;
  gint64 issue = new_issue ();
  guint before = stored_images ();

  image = tftsr_store_add_image_file (store, issue, missing, NULL, &error);
  g_assert_null (image);
  g_assert_error (error, TFTSR_IMAGE_ERROR, TFTSR_IMAGE_ERROR_READ);
  g_assert_nonnull (strstr (error->message, "/nonexistent/folder/shot.png"));
  g_clear_error (&error);
  image = tftsr_store_add_image_file (store, issue, folder, NULL, &error);
  g_assert_null (image);
  g_assert_error (error, TFTSR_IMAGE_ERROR, TFTSR_IMAGE_ERROR_READ);
  g_clear_error (&error);
  g_assert_cmpuint (stored_images (), ==, before);

  image = tftsr_store_add_image_file (store, issue, file, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tftsr_image_get_name (image), ==, "baseline.jpg");
  back = tftsr_store_get_image_bytes (store, tftsr_image_get_id (image), &error);
  g_assert_true (g_bytes_equal (back, expected));
}

/* --- asynchronous ---------------------------------------------------------------------- */

static gboolean
timed_out (gpointer user_data)
{
  g_error ("timed out waiting for an asynchronous result");
  return G_SOURCE_REMOVE;
}

static void
got_result (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
  g_main_loop_quit (loop);
}

/* Runs the main loop until the call that will fill @result has finished. */
static GAsyncResult *
await (GAsyncResult **result)
{
  guint timeout = g_timeout_add_seconds (30, timed_out, NULL);

  if (*result == NULL)
    g_main_loop_run (loop);
  g_source_remove (timeout);
  return *result;
}

static void
test_async (void)
{
  g_autoptr (GBytes) png = fixture ("shot.png");
  g_autoptr (GBytes) text = g_bytes_new_static ("not an image", 12);
  g_autofree char *path = fixture_path ("lossless.webp");
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GCancellable) cancelled = g_cancellable_new ();
  g_autoptr (GAsyncResult) r1 = NULL, r2 = NULL, r3 = NULL, r4 = NULL, r5 = NULL, r6 = NULL;
  g_autoptr (GAsyncResult) r7 = NULL, r8 = NULL;
  g_autoptr (TftsrImage) from_bytes = NULL, from_file = NULL, refused = NULL, never = NULL;
  g_autoptr (GPtrArray) images = NULL;
  g_autoptr (GBytes) back = NULL;
  g_autoptr (GError) error = NULL;
  gint64 issue = new_issue ();

  tftsr_store_add_image_async (store, issue, "Pasted image", png, NULL, got_result, &r1);
  from_bytes = tftsr_store_add_image_finish (store, await (&r1), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tftsr_image_get_name (from_bytes), ==, "Pasted image");

  tftsr_store_add_image_file_async (store, issue, file, NULL, got_result, &r2);
  from_file = tftsr_store_add_image_finish (store, await (&r2), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tftsr_image_get_mime (from_file), ==, "image/webp");

  tftsr_store_add_image_async (store, issue, "clip.txt", text, NULL, got_result, &r3);
  refused = tftsr_store_add_image_finish (store, await (&r3), &error);
  g_assert_null (refused);
  g_assert_error (error, TFTSR_IMAGE_ERROR, TFTSR_IMAGE_ERROR_UNSUPPORTED);
  g_clear_error (&error);

  g_cancellable_cancel (cancelled);
  tftsr_store_add_image_file_async (store, issue, file, cancelled, got_result, &r4);
  never = tftsr_store_add_image_finish (store, await (&r4), &error);
  g_assert_null (never);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  tftsr_store_list_images_async (store, issue, NULL, got_result, &r5);
  images = tftsr_store_list_images_finish (store, await (&r5), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (images->len, ==, 2);

  tftsr_store_get_image_bytes_async (store, tftsr_image_get_id (from_bytes), NULL, got_result, &r6);
  back = tftsr_store_get_image_bytes_finish (store, await (&r6), &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (back, png));

  tftsr_store_acknowledge_image_pii_async (store, tftsr_image_get_id (from_file), NULL, got_result,
                                           &r7);
  g_assert_true (tftsr_store_change_finish (store, await (&r7), &error));
  g_assert_no_error (error);
  tftsr_store_delete_image_async (store, tftsr_image_get_id (from_bytes), NULL, got_result, &r8);
  g_assert_true (tftsr_store_change_finish (store, await (&r8), &error));
  g_assert_no_error (error);
  g_clear_pointer (&images, g_ptr_array_unref);
  images = tftsr_store_list_images (store, issue, &error);
  g_assert_cmpuint (images->len, ==, 1);
  g_assert_nonnull (tftsr_image_get_pii_acknowledged_at (images->pdata[0]));
}

int
main (int argc, char **argv)
{
  int status;

  tftsr_test_init (&argc, &argv);
  store = tftsr_test_new_store ();
  loop = g_main_loop_new (NULL, FALSE);
  g_test_add_func ("/images/sniff", test_sniff);
  g_test_add_func ("/images/sniff-truncated", test_sniff_truncated);
  g_test_add_func ("/images/sniff-damaged-jpeg", test_sniff_damaged_jpeg);
  g_test_add_func ("/images/refused", test_refused);
  g_test_add_func ("/images/size-cap", test_size_cap);
  g_test_add_func ("/images/round-trip", test_round_trip);
  g_test_add_func ("/images/not-found", test_not_found);
  g_test_add_func ("/images/delete", test_delete);
  g_test_add_func ("/images/purge-cascades", test_purge_cascades);
  g_test_add_func ("/images/acknowledge", test_acknowledge);
  g_test_add_func ("/images/export", test_export);
  g_test_add_func ("/images/files", test_files);
  g_test_add_func ("/images/async", test_async);
  status = g_test_run ();
  g_main_loop_unref (loop);
  g_clear_object (&store);
  return status;
}
