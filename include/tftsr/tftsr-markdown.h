/* tftsr-markdown.h: Markdown (GitHub-flavoured) as a list of blocks with Pango markup, for
 * showing a model's reply in widgets
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  TFTSR_MD_PARAGRAPH,
  TFTSR_MD_HEADING,
  TFTSR_MD_ITEM, /* a list item's first paragraph; its further paragraphs follow */
  TFTSR_MD_CODE,
  TFTSR_MD_QUOTE,
  TFTSR_MD_RULE,
  TFTSR_MD_TABLE_ROW,
} TftsrMdKind;

typedef struct
{
  TftsrMdKind kind;
  guint level;      /* heading: 1–6; others: list depth (0 outside lists) */
  guint number;     /* ordered list item: its number; 0 for a bullet */
  int checked;      /* task list item: 0 or 1; -1 when not a task */
  gboolean header;  /* table row: the header row */
  char *markup;     /* paragraph, heading, item, quote: Pango markup of the text */
  char *code;       /* code block: the code as written */
  char *language;   /* code block: the info string's first word, or NULL */
  GPtrArray *cells; /* table row: Pango markup of each cell */
} TftsrMdBlock;

void tftsr_md_block_free (TftsrMdBlock *block);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrMdBlock, tftsr_md_block_free)

/* How a text is read. */
typedef enum
{
  /* A model's reply: a bare URL or address becomes a link (GFM's autolink). */
  TFTSR_MD_CHAT,
  /* An RCA or post-mortem, read as everywhere documents are (HTML, PDF, the editor's
   * preview): without autolink, which works on the raw text and would take an escape's
   * backslash into the link. */
  TFTSR_MD_DOCUMENT,
} TftsrMdFlavour;

/* The blocks of @markdown (any text, also a reply cut off mid-stream), in order. Raw HTML
 * is shown as text; only http, https and mailto links are links. Every markup string is
 * valid Pango markup. */
GPtrArray *tftsr_markdown_parse (const char *markdown, gssize len, TftsrMdFlavour flavour);
/* The same as a chat reply (TFTSR_MD_CHAT). */
GPtrArray *tftsr_markdown_to_blocks (const char *markdown, gssize len);

G_END_DECLS
