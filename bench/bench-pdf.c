/* bench-pdf.c: a ≥ 200-page RCA exported as PDF and as HTML, and the HTML against the
 * cmark-gfm command on the same Markdown, in one run.
 *
 * The document is RCA-shaped Markdown generated here: the summary table, a long timeline
 * table, the 5 Whys with evidence in code blocks, findings as lists, corrective actions as
 * task lists, paragraphs with emphasis and escaped incident text, repeated until the PDF has
 * the pages asked for. Then:
 *   - PDF:  tftsr_pdf_write_file() of the document (Pango, Cairo, fontconfig)
 *   - HTML: tftsr_doc_render_html() written to a file (cmark-gfm's library, the style sheet)
 *   - peer: cmark-gfm -e table -e tasklist -e strikethrough --validate-utf8 FILE > OUT
 *     (safe by default: raw HTML and dangerous links left out, as in tftsr's page)
 * tftsr's exports are timed in this process, as the app and the CLI run them; the peer is a
 * command, timed from start to exit (its start is a millisecond or two: it links three
 * libraries, where tftsr links forty). Each export also runs in a process of its own (this
 * program again) for its peak RSS, and for its time from start to exit. Times are the
 * median of several runs.
 *
 *   bench-pdf [--pages N] [--rounds N]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <tftsr.h>

static int target_pages = 200;
static int rounds = 5;

/* --- the document ----------------------------------------------------------------------- */

static void
append_section (GString *md, guint n)
{
  g_string_append_printf (md, "## Incident window %u\n\n", n);
  g_string_append (md, "| Time (UTC) | Event |\n| --- | --- |\n");
  for (guint i = 0; i < 40; i++)
    g_string_append_printf (md,
                            "| 2026-11-22 %02u:%02u | Status changed from Open to "
                            "Investigating by on-call \\| pager rotation %u |\n",
                            i / 60 % 24, i % 60, n);
  g_string_append (md, "\n### 5 Whys\n\n");
  for (guint w = 1; w <= 5; w++)
    g_string_append_printf (md,
                            "#### Why %u\n\n**Question:** Why did the connection pool on "
                            "`db-%u` run dry?\n\n**Answer:** The deploy of release 2.4.%u "
                            "lowered `max_conn` to 20 while traffic doubled; retries from "
                            "the workers held connections open for *minutes* instead of "
                            "seconds.\n\n```\n14:02:11 ERROR pool timeout after 30000 ms "
                            "(active=20 idle=0 waiting=143)\n14:02:12 WARN retry 3/5 order "
                            "5521\n```\n\n",
                            w, n, w);
  g_string_append (md, "### Findings\n\n- Pool timeouts began 2 minutes after the deploy\n"
                       "- Workers retried without back-off\n  - 143 waiting at the peak\n"
                       "- No alert watched pool use\n\n### Corrective actions\n\n"
                       "- [x] Roll back release 2.4.1\n- [ ] Alert at 80 % pool use\n"
                       "- [ ] Add back-off to worker retries\n\n");
}

static char *
document (guint sections)
{
  GString *md = g_string_new ("# Root Cause Analysis: Checkout fails after the 14:00 deploy\n\n"
                              "## Summary\n\n| Field | Value |\n| --- | --- |\n"
                              "| Incident | 1 |\n| Severity | P1 · Critical |\n"
                              "| Status | Resolved |\n\n");

  for (guint i = 0; i < sections; i++)
    append_section (md, i + 1);
  return g_string_free (md, FALSE);
}

static guint
pages_of (const char *markdown)
{
  g_autoptr (GOutputStream) sink = g_memory_output_stream_new_resizable ();
  TftsrPdfInfo info = { 0 };

  if (!tftsr_pdf_render (markdown, "RCA", TFTSR_PAPER_A4, sink, &info, NULL, NULL, NULL, NULL))
    g_error ("the document could not be rendered");
  return info.pages;
}

/* Sections enough for @target_pages, found by doubling then bisecting on page counts. */
static char *
document_of_pages (guint *pages)
{
  guint low = 1, high = 1;
  g_autofree char *md = NULL;

  while (pages_of ((md = document (high))) < (guint) target_pages)
    {
      low = high;
      high *= 2;
      g_clear_pointer (&md, g_free);
    }
  g_clear_pointer (&md, g_free);
  while (low + 1 < high)
    {
      guint mid = (low + high) / 2;

      md = document (mid);
      if (pages_of (md) >= (guint) target_pages)
        high = mid;
      else
        low = mid;
      g_clear_pointer (&md, g_free);
    }
  md = document (high);
  *pages = pages_of (md);
  return g_steal_pointer (&md);
}

/* --- one export in a child process --------------------------------------------------------- */

static int
child (const char *what, const char *in, const char *out)
{
  g_autofree char *markdown = NULL;
  g_autoptr (GError) error = NULL;

  if (!g_file_get_contents (in, &markdown, NULL, &error))
    g_error ("%s", error->message);
  if (g_str_equal (what, "pdf"))
    {
      g_autoptr (GFile) file = g_file_new_for_path (out);

      if (!tftsr_pdf_write_file (markdown, "Root Cause Analysis", TFTSR_PAPER_A4, file, NULL, NULL,
                                 NULL, NULL, &error))
        g_error ("%s", error->message);
    }
  else
    {
      g_autofree char *html = tftsr_doc_render_html (markdown, "Root Cause Analysis");

      if (!g_file_set_contents (out, html, -1, &error))
        g_error ("%s", error->message);
    }
  return 0;
}

typedef struct
{
  double seconds;
  long max_rss_kb;
} Run;

static const char time_path[] = "/usr/bin/time"; /* GNU time, for the peak RSS */
static char *rss_path;                           /* where it writes it */

/* Runs @argv under GNU time with standard output to @out_path: the time from fork to exit,
 * and the command's peak RSS. Not from wait4(): a child forked from this process counts the
 * parent's pages it had before exec, the generated document among them; GNU time's child
 * starts from GNU time's few. */
static Run
run_measured (char **argv, const char *out_path)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) timed = NULL;
  g_autofree char *rss = NULL;
  Run r = { 0, 0 };
  gint64 start;
  int status = 0;
  pid_t pid;

  g_strv_builder_add_many (builder, time_path, "-f", "%M", "-o", rss_path, NULL);
  g_strv_builder_addv (builder, (const char **) argv);
  timed = g_strv_builder_end (builder);
  /* A child would write out what waits in the buffer again when it exits. */
  fflush (stdout);
  start = g_get_monotonic_time ();
  pid = fork ();
  if (pid == 0)
    {
      if (freopen (out_path, "w", stdout) == NULL)
        _exit (127);
      execv (timed[0], timed);
      _exit (127);
    }
  if (waitpid (pid, &status, 0) < 0 || !WIFEXITED (status) || WEXITSTATUS (status) != 0)
    g_error ("%s failed (status %d)", argv[0], status);
  r.seconds = (g_get_monotonic_time () - start) / 1e6;
  if (!g_file_get_contents (rss_path, &rss, NULL, NULL))
    g_error ("no peak RSS from %s", time_path);
  r.max_rss_kb = strtol (rss, NULL, 10);
  return r;
}

static int
compare_runs (gconstpointer a, gconstpointer b)
{
  double x = ((const Run *) a)->seconds, y = ((const Run *) b)->seconds;
  return (x > y) - (x < y);
}

/* The median of @rounds runs of @argv. */
static Run
median_of (char **argv, const char *out_path)
{
  g_autofree Run *runs = g_new0 (Run, rounds);

  for (int i = 0; i < rounds; i++)
    runs[i] = run_measured (argv, out_path);
  qsort (runs, rounds, sizeof (Run), compare_runs);
  return runs[rounds / 2];
}

/* The median time of @rounds exports of @what in this process. */
static double
median_in_process (const char *what, const char *in, const char *out)
{
  g_autofree Run *runs = g_new0 (Run, rounds);

  for (int i = 0; i < rounds; i++)
    {
      gint64 start = g_get_monotonic_time ();

      child (what, in, out);
      runs[i].seconds = (g_get_monotonic_time () - start) / 1e6;
    }
  qsort (runs, rounds, sizeof (Run), compare_runs);
  return runs[rounds / 2].seconds;
}

static void
report (const char *what, double seconds, Run process, gsize bytes, guint pages)
{
  g_autofree char *size = g_format_size (bytes);

  printf ("| %s | %.3f s | %.3f s | %.1f MiB | %s |", what, seconds, process.seconds,
          process.max_rss_kb / 1024.0, size);
  if (pages > 0)
    printf (" %.0f pages/s |\n", pages / seconds);
  else
    printf (" |\n");
}

static gsize
size_of (const char *path)
{
  GStatBuf st;
  return g_stat (path, &st) == 0 ? (gsize) st.st_size : 0;
}

int
main (int argc, char **argv)
{
  GOptionEntry entries[] = {
    { "pages", 0, 0, G_OPTION_ARG_INT, &target_pages, "Pages of the PDF at least (200)", "N" },
    { "rounds", 0, 0, G_OPTION_ARG_INT, &rounds, "Runs of each export (5)", "N" },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new (NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *self = NULL, *cmark = NULL, *dir = NULL, *in = NULL;
  g_autofree char *pdf = NULL, *html = NULL, *peer = NULL, *markdown = NULL;
  Run pdf_run, html_run, peer_run;
  double pdf_seconds, html_seconds;
  guint pages = 0;

  if (argc == 5 && g_str_equal (argv[1], "--child"))
    return child (argv[2], argv[3], argv[4]);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || target_pages < 1 || rounds < 1)
    g_error ("%s", error != NULL ? error->message : "--pages and --rounds must be positive");
  if ((cmark = g_find_program_in_path ("cmark-gfm")) == NULL ||
      !g_file_test (time_path, G_FILE_TEST_IS_EXECUTABLE))
    g_error ("cmark-gfm and GNU time are needed (scripts/install-deps.sh installs them)");
  self = g_file_read_link ("/proc/self/exe", NULL);
  dir = g_dir_make_tmp ("bench-pdf-XXXXXX", NULL);
  in = g_build_filename (dir, "rca.md", NULL);
  pdf = g_build_filename (dir, "rca.pdf", NULL);
  html = g_build_filename (dir, "rca.html", NULL);
  peer = g_build_filename (dir, "cmark-gfm.html", NULL);
  rss_path = g_build_filename (dir, "rss", NULL);

  markdown = document_of_pages (&pages);
  if (!g_file_set_contents (in, markdown, -1, &error))
    g_error ("%s", error->message);
  printf ("A generated RCA of %u pages (A4), %zu bytes of Markdown; medians of %d runs.\n\n", pages,
          strlen (markdown), rounds);
  pdf_seconds = median_in_process ("pdf", in, pdf);
  html_seconds = median_in_process ("html", in, html);
  pdf_run = median_of ((char *[]){ self, "--child", "pdf", in, pdf, NULL }, "/dev/null");
  html_run = median_of ((char *[]){ self, "--child", "html", in, html, NULL }, "/dev/null");
  peer_run = median_of ((char *[]){ cmark, "-e", "table", "-e", "tasklist", "-e", "strikethrough",
                                    "--validate-utf8", in, NULL },
                        peer);
  printf ("| Export | Time | As a process | Peak RSS | Output | |\n"
          "|---|---|---|---|---|---|\n");
  report ("tftsr PDF", pdf_seconds, pdf_run, size_of (pdf), pages);
  report ("tftsr HTML", html_seconds, html_run, size_of (html), 0);
  report ("`cmark-gfm` (the HTML body only)", peer_run.seconds, peer_run, size_of (peer), 0);
  printf ("\nHTML / cmark-gfm: %.2f (goal ≤ 1.5); as processes: %.2f\n",
          html_seconds / peer_run.seconds, html_run.seconds / peer_run.seconds);
  printf ("PDF / HTML: %.1f\n", pdf_seconds / html_seconds);
  g_remove (in);
  g_remove (pdf);
  g_remove (html);
  g_remove (peer);
  g_remove (rss_path);
  g_clear_pointer (&rss_path, g_free);
  g_rmdir (dir);
  return 0;
}
