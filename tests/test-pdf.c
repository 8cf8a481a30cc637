/* test-pdf.c: Markdown rendered to PDF, read back with Poppler: every text present once,
 * tables split across pages with their header repeated, page numbers and the running
 * header, paper sizes, scripts other than Latin, and nothing written on failure
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <poppler.h>
#include <string.h>

#include "tftsr-pdf.h"
#include "tftsr-test-util.h"

/* Poppler 22 declares no autoptr for its page. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PopplerPage, g_object_unref)

typedef struct
{
  PopplerDocument *document;
  TftsrPdfInfo info;
  guint progress_calls;
  guint last_done, last_total;
} Rendered;

static void
rendered_clear (Rendered *r)
{
  g_clear_object (&r->document);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Rendered, rendered_clear)

static void
on_progress (guint done, guint total, gpointer user_data)
{
  Rendered *r = user_data;

  g_assert_cmpuint (done, <=, total);
  g_assert_cmpuint (done, >=, r->last_done);
  r->progress_calls++;
  r->last_done = done;
  r->last_total = total;
}

static void
render (Rendered *r, const char *markdown, TftsrPaper paper)
{
  g_autoptr (GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (tftsr_pdf_render (markdown, "INC-42 · Checkout outage", paper, out, &r->info,
                                   on_progress, r, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_output_stream_close (out, NULL, NULL));
  bytes = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
  r->document = poppler_document_new_from_bytes (bytes, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (poppler_document_get_n_pages (r->document), ==, r->info.pages);
  g_assert_cmpuint (r->last_done, ==, r->last_total);
}

static char *
page_text (Rendered *r, int page)
{
  g_autoptr (PopplerPage) p = poppler_document_get_page (r->document, page);
  return poppler_page_get_text (p);
}

static char *
all_text (Rendered *r)
{
  GString *text = g_string_new (NULL);

  for (int i = 0; i < poppler_document_get_n_pages (r->document); i++)
    {
      g_autofree char *t = page_text (r, i);
      g_string_append (text, t);
      g_string_append_c (text, '\n');
    }
  return g_string_free (text, FALSE);
}

static guint
count (const char *haystack, const char *needle)
{
  guint n = 0;

  for (const char *at = strstr (haystack, needle); at != NULL; at = strstr (at + 1, needle))
    n++;
  return n;
}

/* No character of any page lies outside the margins' band (2 cm; the header and footer
 * are inside it too), nor off the page: nothing is cut at the edge. */
static void
assert_inside_margins (Rendered *r)
{
  for (int i = 0; i < poppler_document_get_n_pages (r->document); i++)
    {
      g_autoptr (PopplerPage) page = poppler_document_get_page (r->document, i);
      g_autofree PopplerRectangle *boxes = NULL;
      g_autofree char *text = poppler_page_get_text (page);
      guint n = 0;
      double width, height;

      poppler_page_get_size (page, &width, &height);
      g_assert_true (poppler_page_get_text_layout (page, &boxes, &n));
      for (guint b = 0; b < n; b++)
        {
          g_assert_cmpfloat (boxes[b].x1, >=, 56 - 1);
          g_assert_cmpfloat (boxes[b].x2, <=, width - 56 + 1);
          g_assert_cmpfloat (MIN (boxes[b].y1, boxes[b].y2), >=, 0);
          g_assert_cmpfloat (MAX (boxes[b].y1, boxes[b].y2), <=, height);
        }
    }
}

/* Each page as a PNG beside the GUI's screenshots, to be looked at. */
static void
save_pages (Rendered *r, const char *name)
{
  const char *dir = g_getenv ("TFTSR_SCREENSHOT_DIR");

  if (dir == NULL)
    return;
  g_mkdir_with_parents (dir, 0755);
  for (int i = 0; i < poppler_document_get_n_pages (r->document); i++)
    {
      g_autoptr (PopplerPage) page = poppler_document_get_page (r->document, i);
      g_autofree char *path = g_strdup_printf ("%s/pdf-%s-%d.png", dir, name, i + 1);
      double width, height;
      cairo_surface_t *surface;
      cairo_t *cr;

      poppler_page_get_size (page, &width, &height);
      surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) width, (int) height);
      cr = cairo_create (surface);
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_paint (cr);
      poppler_page_render (page, cr);
      g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
      g_test_message ("page: %s", path);
      cairo_destroy (cr);
      cairo_surface_destroy (surface);
    }
}

/* Every kind of block, on one page with its running header and footer. */
static void
test_blocks (void)
{
  static const char markdown[] =
      "# Root cause analysis\n\n"
      "The **pool** ran dry at *10:02*; see [the runbook](https://example.com/rb).\n\n"
      "## Actions\n\n"
      "- [x] Restart the pool\n"
      "- [ ] Raise the limit\n\n"
      "1. Detect\n2. Mitigate\n   - nested bullet\n\n"
      "> Blameless: systems fail, people learn.\n\n"
      "```sh\nsystemctl restart pgbouncer\n```\n\n"
      "---\n\n"
      "| Metric | Value |\n|---|---|\n| Time to detect | 4 min |\n| Time to resolve | 38 min |\n";
  g_auto (Rendered) r = { 0 };
  g_autofree char *text = NULL;

  render (&r, markdown, TFTSR_PAPER_A4);
  g_assert_cmpuint (r.info.pages, ==, 1);
  g_assert_cmpuint (r.info.missing_glyphs, ==, 0);
  text = page_text (&r, 0);
  for (const char *const *want =
           (const char *const[]){ "INC-42 · Checkout outage", "Page 1 of 1", "Root cause analysis",
                                  "The pool ran dry at 10:02; see the runbook.", "☑", "☐",
                                  "Restart the pool", "1.", "2.", "nested bullet",
                                  "Blameless: systems fail, people learn.",
                                  "systemctl restart pgbouncer", "Time to detect", "38 min", NULL };
       *want != NULL; want++)
    if (strstr (text, *want) == NULL)
      g_error ("“%s” is not on the page:\n%s", *want, text);
  /* The link is text on paper: no markup leaks. */
  g_assert_null (strstr (text, "href"));
  g_assert_null (strstr (text, "<span"));
  g_assert_cmpuint (r.progress_calls, >, 0);
  assert_inside_margins (&r);
  save_pages (&r, "blocks");
}

/* A long table continues over pages, its header row on top of each; every row is there
 * exactly once. */
static void
test_long_table (void)
{
  GString *markdown =
      g_string_new ("Intro paragraph.\n\n| Time | Event | Owner |\n|---|---|---|\n");
  g_auto (Rendered) r = { 0 };
  g_autofree char *text = NULL;

  for (guint i = 0; i < 150; i++)
    g_string_append_printf (markdown, "| 10:%03u | event-%03u happened on the primary | sre |\n", i,
                            i);
  render (&r, markdown->str, TFTSR_PAPER_A4);
  g_string_free (markdown, TRUE);
  g_assert_cmpuint (r.info.pages, >=, 3);
  for (int page = 0; page < (int) r.info.pages; page++)
    {
      g_autofree char *t = page_text (&r, page);
      g_autofree char *footer = g_strdup_printf ("Page %d of %u", page + 1, r.info.pages);

      g_assert_nonnull (strstr (t, "Time"));
      g_assert_nonnull (strstr (t, "Owner"));
      g_assert_nonnull (strstr (t, footer));
    }
  assert_inside_margins (&r);
  save_pages (&r, "long-table");
  text = all_text (&r);
  for (guint i = 0; i < 150; i++)
    {
      g_autofree char *event = g_strdup_printf ("event-%03u", i);
      g_assert_cmpuint (count (text, event), ==, 1);
    }
}

/* A cell taller than a page is cut between its lines; nothing is lost or doubled. */
static void
test_tall_cell (void)
{
  GString *markdown = g_string_new ("| Step | Detail |\n|---|---|\n| one | ");
  g_auto (Rendered) r = { 0 };
  g_autofree char *text = NULL;

  for (guint i = 0; i < 1500; i++)
    g_string_append_printf (markdown, "word%04u ", i);
  g_string_append (markdown, "|\n| two | short |\n");
  render (&r, markdown->str, TFTSR_PAPER_LETTER);
  g_string_free (markdown, TRUE);
  g_assert_cmpuint (r.info.pages, >=, 2);
  text = all_text (&r);
  for (guint i = 0; i < 1500; i++)
    {
      g_autofree char *word = g_strdup_printf ("word%04u", i);
      g_assert_cmpuint (count (text, word), ==, 1);
    }
  g_assert_cmpuint (count (text, "short"), ==, 1);
}

/* A long paragraph and a long code block flow over pages. */
static void
test_flowing_blocks (void)
{
  GString *markdown = g_string_new (NULL);
  g_auto (Rendered) r = { 0 };
  g_autofree char *text = NULL;

  for (guint i = 0; i < 600; i++)
    g_string_append_printf (markdown, "para%03u ", i);
  g_string_append (markdown, "\n\n```\n");
  for (guint i = 0; i < 120; i++)
    g_string_append_printf (markdown, "code line %03u\n", i);
  g_string_append (markdown, "```\n");
  render (&r, markdown->str, TFTSR_PAPER_A4);
  g_string_free (markdown, TRUE);
  g_assert_cmpuint (r.info.pages, >=, 2);
  text = all_text (&r);
  g_assert_cmpuint (count (text, "para599"), ==, 1);
  g_assert_cmpuint (count (text, "para000"), ==, 1);
  for (guint i = 0; i < 120; i++)
    {
      g_autofree char *line = g_strdup_printf ("code line %03u", i);
      g_assert_cmpuint (count (text, line), ==, 1);
    }
}

static void
test_paper_sizes (void)
{
  g_auto (Rendered) a4 = { 0 };
  g_auto (Rendered) letter = { 0 };
  g_autoptr (PopplerPage) a4_page = NULL, letter_page = NULL;
  g_autofree char *title = NULL;
  double width, height;
  TftsrPaper paper;

  render (&a4, "Hello", TFTSR_PAPER_A4);
  render (&letter, "Hello", TFTSR_PAPER_LETTER);
  a4_page = poppler_document_get_page (a4.document, 0);
  poppler_page_get_size (a4_page, &width, &height);
  g_assert_cmpfloat_with_epsilon (width, 595.276, 0.5);
  g_assert_cmpfloat_with_epsilon (height, 841.89, 0.5);
  letter_page = poppler_document_get_page (letter.document, 0);
  poppler_page_get_size (letter_page, &width, &height);
  g_assert_cmpfloat_with_epsilon (width, 612, 0.5);
  g_assert_cmpfloat_with_epsilon (height, 792, 0.5);
  g_assert_true (tftsr_paper_from_string ("letter", &paper));
  g_assert_cmpint (paper, ==, TFTSR_PAPER_LETTER);
  g_assert_cmpstr (tftsr_paper_to_string (paper), ==, "letter");
  g_assert_false (tftsr_paper_from_string ("A5", &paper));
  title = poppler_document_get_title (a4.document);
  g_assert_cmpstr (title, ==, "INC-42 · Checkout outage");
}

/* Chinese, Japanese, Arabic, Hebrew, Greek and Cyrillic all find a font. */
static void
test_scripts (void)
{
  static const char markdown[] = "# 故障报告\n\n"
                                 "データベースの接続プールが枯渇しました。\n\n"
                                 "| Язык | Текст |\n|---|---|\n"
                                 "| العربية | انقطاع الخدمة |\n"
                                 "| עברית | הפסקת שירות |\n"
                                 "| Ελληνικά | διακοπή |\n";
  g_auto (Rendered) r = { 0 };
  g_autofree char *text = NULL;

  render (&r, markdown, TFTSR_PAPER_A4);
  g_assert_cmpuint (r.info.missing_glyphs, ==, 0);
  assert_inside_margins (&r);
  save_pages (&r, "scripts");
  text = all_text (&r);
  g_assert_nonnull (strstr (text, "故障报告"));
  g_assert_nonnull (strstr (text, "データベース"));
  g_assert_nonnull (strstr (text, "Текст"));
  g_assert_nonnull (strstr (text, "διακοπή"));
}

/* A missing glyph is counted, not hidden. */
static void
test_missing_glyphs (void)
{
  g_auto (Rendered) r = { 0 };

  /* A private-use code point no font has. */
  render (&r, "Before \xf3\xb0\x80\x80 after", TFTSR_PAPER_A4);
  g_assert_cmpuint (r.info.missing_glyphs, ==, 1);
}

/* Nothing is left behind on failure: a cancelled export keeps the earlier file, and a
 * directory that does not exist is an error. */
static void
test_file_kept_on_failure (void)
{
  g_autofree char *path = g_build_filename (tftsr_test_dir (), "rca.pdf", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GFile) nowhere = g_file_new_for_path ("/nonexistent/dir/rca.pdf");
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autoptr (GDir) dir = NULL;
  TftsrPdfInfo info = { 0 };
  const char *name;
  guint files = 0;

  g_assert_true (g_file_set_contents (path, "earlier", -1, NULL));
  g_cancellable_cancel (cancellable);
  g_assert_false (tftsr_pdf_write_file ("# Title", "T", TFTSR_PAPER_A4, file, NULL, NULL, NULL,
                                        cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "earlier");

  g_assert_false (tftsr_pdf_write_file ("# Title", "T", TFTSR_PAPER_A4, nowhere, NULL, NULL, NULL,
                                        NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (tftsr_pdf_write_file ("# Title\n\nBody.", "T", TFTSR_PAPER_A4, file, &info, NULL,
                                       NULL, NULL, &error));
  g_assert_no_error (error);
  g_clear_pointer (&contents, g_free);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_true (g_str_has_prefix (contents, "%PDF-"));
  g_assert_cmpuint (info.pages, ==, 1);
  /* No temporary file stays next to it. */
  dir = g_dir_open (tftsr_test_dir (), 0, NULL);
  while ((name = g_dir_read_name (dir)) != NULL)
    files += g_str_has_prefix (name, ".goutputstream") || g_str_has_prefix (name, "rca.pdf");
  g_assert_cmpuint (files, ==, 1);
}

int
main (int argc, char **argv)
{
  tftsr_test_init (&argc, &argv);
  g_test_add_func ("/pdf/blocks", test_blocks);
  g_test_add_func ("/pdf/long-table", test_long_table);
  g_test_add_func ("/pdf/tall-cell", test_tall_cell);
  g_test_add_func ("/pdf/flowing-blocks", test_flowing_blocks);
  g_test_add_func ("/pdf/paper-sizes", test_paper_sizes);
  g_test_add_func ("/pdf/scripts", test_scripts);
  g_test_add_func ("/pdf/missing-glyphs", test_missing_glyphs);
  g_test_add_func ("/pdf/file-kept-on-failure", test_file_kept_on_failure);
  return g_test_run ();
}
