/* tftsr-pdf.h: a Markdown document (an RCA, a post-mortem) as a printable PDF
 *
 * The GitHub-flavoured Markdown is laid out with Pango and drawn with Cairo: wrapped
 * paragraphs, the heading hierarchy, bullet, numbered and task lists, code blocks in
 * monospace on a background, block quotes, and tables with borders whose cells wrap and
 * whose rows split across pages (the header row repeated on each page). Every page has a
 * running header with the document's title and a footer "Page n of N". Text in any script
 * is drawn with whichever installed font has its characters (fontconfig fallback).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  TFTSR_PAPER_A4,
  TFTSR_PAPER_LETTER,
} TftsrPaper;

/* "a4" or "letter". */
const char *tftsr_paper_to_string (TftsrPaper paper);
gboolean tftsr_paper_from_string (const char *name, TftsrPaper *paper);
/* "A4", "Letter". */
const char *tftsr_paper_get_label (TftsrPaper paper);
/* The paper of the territory in locale name @locale ("en_US.UTF-8", "fr_CA"): Letter in the
 * Americas' Letter countries (the United States, Canada, Mexico, Chile, Colombia, Venezuela,
 * Bolivia, central America, Puerto Rico) and the Philippines, as glibc's locales have it;
 * A4 everywhere else, and for "C", "POSIX" or NULL. */
TftsrPaper tftsr_paper_for_locale (const char *locale);
/* The paper of the user's locale for paper sizes: the first of LC_ALL, LC_PAPER and LANG
 * that is set, by the POSIX order of precedence. */
TftsrPaper tftsr_paper_default (void);

/* What a rendering made. */
typedef struct
{
  guint pages;
  /* Characters no installed font could draw (shown as boxes); 0 when everything was
   * printable. */
  guint missing_glyphs;
} TftsrPdfInfo;

/* Told how far the rendering is: @done of @total steps. */
typedef void (*TftsrPdfProgressFunc) (guint done, guint total, gpointer user_data);

/* Renders @markdown with @title in the running header into @stream, which is not closed.
 * @info (may be NULL) gets what was made. Checks @cancellable between blocks. */
gboolean tftsr_pdf_render (const char *markdown, const char *title, TftsrPaper paper,
                           GOutputStream *stream, TftsrPdfInfo *info, TftsrPdfProgressFunc progress,
                           gpointer progress_data, GCancellable *cancellable, GError **error);

/* The same into the file @path, replaced only once the document is complete: on any error
 * or cancellation a file already there stays as it was and no partial file is left. */
gboolean tftsr_pdf_write_file (const char *markdown, const char *title, TftsrPaper paper,
                               GFile *file, TftsrPdfInfo *info, TftsrPdfProgressFunc progress,
                               gpointer progress_data, GCancellable *cancellable, GError **error);

G_END_DECLS
