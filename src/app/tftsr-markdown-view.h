/* tftsr-markdown-view.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include <tftsr.h>

G_BEGIN_DECLS

#define TFTSR_TYPE_MARKDOWN_VIEW (tftsr_markdown_view_get_type ())
G_DECLARE_FINAL_TYPE (TftsrMarkdownView, tftsr_markdown_view, TFTSR, MARKDOWN_VIEW, GtkWidget)

GtkWidget *tftsr_markdown_view_new (void);
/* How the text is read: as a chat reply (the default) or as a document, which the HTML and
 * PDF exports read without autolink. Applies from the next text set. */
void tftsr_markdown_view_set_flavour (TftsrMarkdownView *self, TftsrMdFlavour flavour);
/* Shows @text (Markdown); called again as a reply streams in, it rebuilds only what
 * changed. */
void tftsr_markdown_view_set_text (TftsrMarkdownView *self, const char *text);
const char *tftsr_markdown_view_get_text (TftsrMarkdownView *self);

G_END_DECLS
