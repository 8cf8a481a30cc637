/* tftsr-pdf.c: Markdown blocks laid out with Pango on Cairo PDF pages
 *
 * The document is laid out twice: once to count its pages, then to draw them with "Page n
 * of N" (the layout does not change between the passes, so the pages break alike). A block
 * that does not fit the rest of a page is cut between two of its lines: the part above the
 * cut is drawn clipped and the rest continues on the next page. A table row that does not
 * fit goes to the next page whole, under the repeated header row; only a row taller than
 * a page is cut, each cell between two of its own lines.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <cairo-pdf.h>
#include <glib/gi18n-lib.h>
#include <pango/pangocairo.h>
#include <string.h>

#include "tftsr-markdown.h"
#include "tftsr-pdf.h"

#define MARGIN 56.0 /* pt, about 2 cm */
#define BODY_FONT "Sans 10"
#define MONO_FONT "Monospace 8.5"
#define SMALL_FONT "Sans 8"
#define BLOCK_GAP 6.0
#define INDENT 18.0    /* per list level */
#define MARKER_GAP 4.0 /* between a list marker and its text */
#define QUOTE_INDENT 12.0
#define CELL_PAD 4.0
#define CODE_PAD 6.0
#define KEEP_WITH_HEADING 40.0 /* a heading starts a new page unless this much follows it */

typedef struct
{
  PangoContext *context;
  cairo_t *cr; /* NULL while the pages are counted */
  double width, height;
  double left, right, top, bottom; /* the body */
  double y;
  guint page;  /* 1-based, the page being filled */
  guint pages; /* all of them, once counted */
  const char *title;
  guint missing_glyphs;
} Pdf;

static void
set_color (Pdf *pdf, guint32 rgb)
{
  cairo_set_source_rgb (pdf->cr, ((rgb >> 16) & 0xff) / 255.0, ((rgb >> 8) & 0xff) / 255.0,
                        (rgb & 0xff) / 255.0);
}

/* A layout of @text (Pango markup unless @plain) in @font, wrapped at @width pt (0: none). */
static PangoLayout *
new_layout (Pdf *pdf, const char *text, gboolean plain, const char *font, double width)
{
  PangoLayout *layout = pango_layout_new (pdf->context);
  PangoFontDescription *description = pango_font_description_from_string (font);

  pango_layout_set_font_description (layout, description);
  pango_font_description_free (description);
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  if (width > 0)
    pango_layout_set_width (layout, pango_units_from_double (width));
  if (plain || !pango_parse_markup (text, -1, 0, NULL, NULL, NULL, NULL))
    pango_layout_set_text (layout, text, -1);
  else
    pango_layout_set_markup (layout, text, -1);
  if (pdf->cr != NULL)
    pdf->missing_glyphs += (guint) pango_layout_get_unknown_glyphs_count (layout);
  return layout;
}

/* The Markdown module's markup with its links as coloured, underlined text: Pango itself
 * knows no <a>, and a printed page cannot be clicked. */
static char *
printable_markup (const char *markup)
{
  static gsize open_link;
  g_autofree char *opened = NULL;
  g_auto (GStrv) parts = NULL;

  if (g_once_init_enter (&open_link))
    g_once_init_leave (&open_link,
                       (gsize) g_regex_new ("<a href=\"[^\"]*\">", G_REGEX_OPTIMIZE, 0, NULL));
  opened = g_regex_replace_literal ((GRegex *) open_link, markup, -1, 0,
                                    "<span foreground=\"#1a5fb4\" underline=\"single\">", 0, NULL);
  parts = g_strsplit (opened, "</a>", -1);
  return g_strjoinv ("</span>", parts);
}

static double
layout_height (PangoLayout *layout)
{
  int width, height;

  pango_layout_get_size (layout, &width, &height);
  return (double) height / PANGO_SCALE;
}

static double
layout_width (PangoLayout *layout)
{
  int width, height;

  pango_layout_get_size (layout, &width, &height);
  return (double) width / PANGO_SCALE;
}

/* --- pages -------------------------------------------------------------------------------- */

static void
draw_running_text (Pdf *pdf, const char *text, double y, PangoAlignment alignment)
{
  g_autoptr (PangoLayout) layout = new_layout (pdf, text, TRUE, SMALL_FONT, pdf->right - pdf->left);

  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_alignment (layout, alignment);
  set_color (pdf, 0x77767b);
  cairo_move_to (pdf->cr, pdf->left, y);
  pango_cairo_show_layout (pdf->cr, layout);
}

/* The title above a rule at the top, the page number at the bottom. */
static void
start_page (Pdf *pdf)
{
  pdf->page++;
  pdf->y = pdf->top;
  if (pdf->cr == NULL)
    return;
  g_autofree char *number = g_strdup_printf (_ ("Page %u of %u"), pdf->page, pdf->pages);

  draw_running_text (pdf, pdf->title, MARGIN - 28, PANGO_ALIGN_LEFT);
  cairo_set_line_width (pdf->cr, 0.5);
  cairo_move_to (pdf->cr, pdf->left, MARGIN - 12);
  cairo_line_to (pdf->cr, pdf->right, MARGIN - 12);
  cairo_stroke (pdf->cr);
  draw_running_text (pdf, number, pdf->height - MARGIN + 18, PANGO_ALIGN_CENTER);
  set_color (pdf, 0x000000);
}

static void
new_page (Pdf *pdf)
{
  if (pdf->cr != NULL)
    cairo_show_page (pdf->cr);
  start_page (pdf);
}

/* Starts a new page unless @height fits below the current position (or nothing is on this
 * page yet). */
static void
ensure_room (Pdf *pdf, double height)
{
  if (pdf->y + height > pdf->bottom && pdf->y > pdf->top)
    new_page (pdf);
}

/* --- cutting text between lines ------------------------------------------------------------ */

/* The lowest end of a line of @layout between @from and @limit (pt from its top), or @from
 * when no line ends there. */
static double
cut_at (PangoLayout *layout, double from, double limit)
{
  PangoLayoutIter *iter = pango_layout_get_iter (layout);
  double cut = from;

  do
    {
      int top, bottom;
      double end;

      pango_layout_iter_get_line_yrange (iter, &top, &bottom);
      end = (double) bottom / PANGO_SCALE;
      if (end > limit)
        break;
      if (end > from)
        cut = end;
    }
  while (pango_layout_iter_next_line (iter));
  pango_layout_iter_free (iter);
  return cut;
}

/* Draws the part of @layout between @from and @to (pt from its top) at @x, @y. */
static void
draw_slice (Pdf *pdf, PangoLayout *layout, double x, double y, double from, double to)
{
  if (pdf->cr == NULL)
    return;
  cairo_save (pdf->cr);
  cairo_rectangle (pdf->cr, 0, y, pdf->width, to - from);
  cairo_clip (pdf->cr);
  cairo_move_to (pdf->cr, x, y - from);
  pango_cairo_show_layout (pdf->cr, layout);
  cairo_restore (pdf->cr);
}

/* Draws what surrounds a slice of a block (@height pt from @y, padding included). */
typedef void (*DecorateFunc) (Pdf *pdf, double y, double height, gpointer data);

/* Draws @layout at @x from the current position on, over as many pages as it takes, with
 * @pad above and below each part. */
static void
flow (Pdf *pdf, PangoLayout *layout, double x, double pad, DecorateFunc decorate, gpointer data)
{
  double height = layout_height (layout);
  double from = 0;

  for (;;)
    {
      double room = pdf->bottom - pdf->y - 2 * pad;
      double to = height - from <= room ? height : cut_at (layout, from, from + room);

      if (to <= from && height > from)
        {
          if (pdf->y > pdf->top)
            {
              new_page (pdf);
              continue;
            }
          to = MIN (height, from + MAX (room, 1.0)); /* one line taller than a page */
        }
      if (decorate != NULL && pdf->cr != NULL)
        decorate (pdf, pdf->y, to - from + 2 * pad, data);
      draw_slice (pdf, layout, x, pdf->y + pad, from, to);
      pdf->y += to - from + 2 * pad;
      from = to;
      if (from >= height)
        return;
      new_page (pdf);
    }
}

/* --- blocks ---------------------------------------------------------------------------------- */

static double
indent_of (const TftsrMdBlock *block)
{
  return INDENT * block->level;
}

static void
draw_heading (Pdf *pdf, const TftsrMdBlock *block)
{
  static const char *const fonts[] = { "Sans Bold 18", "Sans Bold 14", "Sans Bold 12",
                                       "Sans Bold 10.5" };
  g_autofree char *markup = printable_markup (block->markup);
  const char *font = fonts[MIN (MAX (block->level, 1), G_N_ELEMENTS (fonts)) - 1];
  g_autoptr (PangoLayout) layout = new_layout (pdf, markup, FALSE, font, pdf->right - pdf->left);
  double height = layout_height (layout);

  if (pdf->y > pdf->top)
    pdf->y += block->level <= 2 ? 10 : 6;
  ensure_room (pdf, height + KEEP_WITH_HEADING);
  flow (pdf, layout, pdf->left, 0, NULL, NULL);
  if (block->level == 1 && pdf->cr != NULL)
    {
      cairo_set_line_width (pdf->cr, 0.75);
      cairo_move_to (pdf->cr, pdf->left, pdf->y + 2);
      cairo_line_to (pdf->cr, pdf->right, pdf->y + 2);
      cairo_stroke (pdf->cr);
    }
  pdf->y += block->level == 1 ? 8 : 4;
}

static void
draw_paragraph (Pdf *pdf, const TftsrMdBlock *block)
{
  g_autofree char *markup = printable_markup (block->markup);
  double x = pdf->left + indent_of (block);
  g_autoptr (PangoLayout) layout = new_layout (pdf, markup, FALSE, BODY_FONT, pdf->right - x);

  flow (pdf, layout, x, 0, NULL, NULL);
  pdf->y += BLOCK_GAP;
}

/* The marker of a list item: a box for a task, the number, or a bullet by depth. */
static char *
item_marker (const TftsrMdBlock *block)
{
  static const char *const bullets[] = { "•", "◦", "▪" };

  if (block->checked >= 0)
    return g_strdup (block->checked ? "☑" : "☐");
  if (block->number > 0)
    return g_strdup_printf ("%u.", block->number);
  return g_strdup (bullets[(MAX (block->level, 1) - 1) % G_N_ELEMENTS (bullets)]);
}

static void
draw_item (Pdf *pdf, const TftsrMdBlock *block)
{
  g_autofree char *markup = printable_markup (block->markup);
  g_autofree char *marker_text = item_marker (block);
  double x = pdf->left + indent_of (block);
  g_autoptr (PangoLayout) layout = new_layout (pdf, markup, FALSE, BODY_FONT, pdf->right - x);
  g_autoptr (PangoLayout) marker = new_layout (pdf, marker_text, TRUE, BODY_FONT, 0);

  /* The marker goes with the item's first line. */
  ensure_room (pdf, MIN (layout_height (layout), layout_height (marker)));
  if (pdf->cr != NULL)
    {
      cairo_move_to (pdf->cr, x - MARKER_GAP - layout_width (marker), pdf->y);
      pango_cairo_show_layout (pdf->cr, marker);
    }
  flow (pdf, layout, x, 0, NULL, NULL);
  pdf->y += BLOCK_GAP / 2;
}

static void
quote_bar (Pdf *pdf, double y, double height, gpointer data)
{
  double x = *(double *) data;

  set_color (pdf, 0xc0bfbc);
  cairo_rectangle (pdf->cr, x, y, 3, height);
  cairo_fill (pdf->cr);
  set_color (pdf, 0x000000);
}

static void
draw_quote (Pdf *pdf, const TftsrMdBlock *block)
{
  g_autofree char *inner = printable_markup (block->markup);
  g_autofree char *markup = g_strdup_printf ("<span foreground=\"#5e5c64\">%s</span>", inner);
  double bar = pdf->left + indent_of (block);
  double x = bar + QUOTE_INDENT;
  g_autoptr (PangoLayout) layout = new_layout (pdf, markup, FALSE, BODY_FONT, pdf->right - x);

  flow (pdf, layout, x, 2, quote_bar, &bar);
  pdf->y += BLOCK_GAP;
}

static void
code_background (Pdf *pdf, double y, double height, gpointer data)
{
  double x = *(double *) data;

  cairo_rectangle (pdf->cr, x, y, pdf->right - x, height);
  set_color (pdf, 0xf3f3f3);
  cairo_fill_preserve (pdf->cr);
  set_color (pdf, 0xdeddda);
  cairo_set_line_width (pdf->cr, 0.5);
  cairo_stroke (pdf->cr);
  set_color (pdf, 0x000000);
}

static void
draw_code (Pdf *pdf, const TftsrMdBlock *block)
{
  double box = pdf->left + indent_of (block);
  double x = box + CODE_PAD;
  g_autoptr (PangoLayout) layout =
      new_layout (pdf, block->code, TRUE, MONO_FONT, pdf->right - CODE_PAD - x);

  /* Code keeps its lines; one too long for the page wraps at any character. */
  pango_layout_set_wrap (layout, PANGO_WRAP_CHAR);
  flow (pdf, layout, x, CODE_PAD, code_background, &box);
  pdf->y += BLOCK_GAP;
}

static void
draw_rule (Pdf *pdf)
{
  ensure_room (pdf, 12);
  if (pdf->cr != NULL)
    {
      set_color (pdf, 0x9a9996);
      cairo_set_line_width (pdf->cr, 0.5);
      cairo_move_to (pdf->cr, pdf->left, pdf->y + 6);
      cairo_line_to (pdf->cr, pdf->right, pdf->y + 6);
      cairo_stroke (pdf->cr);
      set_color (pdf, 0x000000);
    }
  pdf->y += 12;
}

/* --- tables -------------------------------------------------------------------------------- */

typedef struct
{
  guint columns;
  double x;
  double *widths;    /* per column, padding included */
  GPtrArray *header; /* the header row's cell layouts, repeated on each page; or NULL */
  gboolean fresh;    /* the page holds nothing but the table's header (if any) */
} Table;

/* Where the rows of the table starting at @first end. A header row begins a new table. */
static guint
table_end (GPtrArray *blocks, guint first)
{
  guint end = first + 1;

  while (end < blocks->len && ((TftsrMdBlock *) blocks->pdata[end])->kind == TFTSR_MD_TABLE_ROW &&
         !((TftsrMdBlock *) blocks->pdata[end])->header)
    end++;
  return end;
}

static char *
cell_markup (const TftsrMdBlock *row, guint column)
{
  g_autofree char *markup =
      column < row->cells->len ? printable_markup (row->cells->pdata[column]) : g_strdup ("");

  return row->header ? g_strdup_printf ("<b>%s</b>", markup) : g_steal_pointer (&markup);
}

/* Columns as wide as their widest cell when the table fits; otherwise the columns narrower
 * than an even share keep their width and the others share the rest by their width. */
static void
column_widths (Pdf *pdf, GPtrArray *blocks, guint first, guint end, Table *table, double room)
{
  double fair = room / table->columns, narrow = 0, wide = 0, total = 0;

  for (guint c = 0; c < table->columns; c++)
    {
      for (guint r = first; r < end; r++)
        {
          g_autofree char *markup = cell_markup (blocks->pdata[r], c);
          g_autoptr (PangoLayout) layout = new_layout (pdf, markup, FALSE, BODY_FONT, 0);
          table->widths[c] = MAX (table->widths[c], layout_width (layout) + 2 * CELL_PAD);
        }
      table->widths[c] = MIN (MAX (table->widths[c], 3 * CELL_PAD), room);
      total += table->widths[c];
      if (table->widths[c] <= fair)
        narrow += table->widths[c];
      else
        wide += table->widths[c];
    }
  if (total <= room)
    return;
  for (guint c = 0; c < table->columns; c++)
    if (table->widths[c] > fair)
      table->widths[c] = (room - narrow) * table->widths[c] / wide;
}

static GPtrArray *
row_layouts (Pdf *pdf, const TftsrMdBlock *row, const Table *table)
{
  GPtrArray *layouts = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint c = 0; c < table->columns; c++)
    {
      g_autofree char *markup = cell_markup (row, c);
      g_ptr_array_add (layouts,
                       new_layout (pdf, markup, FALSE, BODY_FONT, table->widths[c] - 2 * CELL_PAD));
    }
  return layouts;
}

/* The cells' borders (and the header's shade) for a slice of a row @height pt tall. */
static void
draw_cell_boxes (Pdf *pdf, const Table *table, double height, gboolean header)
{
  double x = table->x;

  if (pdf->cr == NULL)
    return;
  cairo_set_line_width (pdf->cr, 0.5);
  for (guint c = 0; c < table->columns; c++)
    {
      cairo_rectangle (pdf->cr, x, pdf->y, table->widths[c], height);
      set_color (pdf, header ? 0xebebeb : 0xffffff);
      cairo_fill_preserve (pdf->cr);
      set_color (pdf, 0x9a9996);
      cairo_stroke (pdf->cr);
      x += table->widths[c];
    }
  set_color (pdf, 0x000000);
}

static void draw_row (Pdf *pdf, Table *table, GPtrArray *cells, gboolean header);

/* A new page in the middle of a table begins with its header row. */
static void
table_break (Pdf *pdf, Table *table)
{
  new_page (pdf);
  if (table->header != NULL)
    draw_row (pdf, table, table->header, TRUE);
  table->fresh = TRUE;
}

/* Where each cell's slice ends on this page; FALSE when no cell can show another line. */
static gboolean
row_cuts (Pdf *pdf, GPtrArray *cells, const double *from, double *to)
{
  double room = pdf->bottom - pdf->y - 2 * CELL_PAD;
  gboolean progress = FALSE;

  for (guint c = 0; c < cells->len; c++)
    {
      double height = layout_height (cells->pdata[c]);

      to[c] = height - from[c] <= room ? height : cut_at (cells->pdata[c], from[c], from[c] + room);
      progress |= to[c] > from[c] || height <= from[c];
    }
  return progress;
}

static void
draw_row (Pdf *pdf, Table *table, GPtrArray *cells, gboolean header)
{
  g_autofree double *from = g_new0 (double, cells->len);
  g_autofree double *to = g_new0 (double, cells->len);
  gboolean started = FALSE;

  for (;;)
    {
      gboolean progress = row_cuts (pdf, cells, from, to), whole = TRUE, done = TRUE;
      double slice = 0, x = table->x;

      for (guint c = 0; c < cells->len; c++)
        whole &= to[c] >= layout_height (cells->pdata[c]);
      /* A row that does not fit goes to the next page whole, unless it would be alone
       * there too. */
      if (!whole && !started && !header && !table->fresh)
        {
          table_break (pdf, table);
          continue;
        }
      if (!progress)
        for (guint c = 0; c < cells->len; c++) /* a line taller than a page */
          to[c] = MIN (layout_height (cells->pdata[c]), from[c] + MAX (pdf->bottom - pdf->y, 12.0));
      for (guint c = 0; c < cells->len; c++)
        slice = MAX (slice, to[c] - from[c]);
      draw_cell_boxes (pdf, table, slice + 2 * CELL_PAD, header);
      for (guint c = 0; c < cells->len; c++)
        {
          draw_slice (pdf, cells->pdata[c], x + CELL_PAD, pdf->y + CELL_PAD, from[c], to[c]);
          x += table->widths[c];
          from[c] = to[c];
          done &= from[c] >= layout_height (cells->pdata[c]);
        }
      pdf->y += slice + 2 * CELL_PAD;
      started = TRUE;
      if (done)
        break;
      if (header)
        new_page (pdf); /* a header taller than a page is not repeated within itself */
      else
        table_break (pdf, table);
    }
  if (!header)
    table->fresh = FALSE;
}

/* Draws the table whose rows begin at @first; returns the index after its last row. */
static guint
draw_table (Pdf *pdf, GPtrArray *blocks, guint first)
{
  guint end = table_end (blocks, first);
  const TftsrMdBlock *head = blocks->pdata[first];
  Table table = { 0 };

  for (guint r = first; r < end; r++)
    table.columns = MAX (table.columns, ((TftsrMdBlock *) blocks->pdata[r])->cells->len);
  if (table.columns == 0)
    return end;
  table.x = pdf->left + indent_of (head);
  table.widths = g_new0 (double, table.columns);
  column_widths (pdf, blocks, first, end, &table, pdf->right - table.x);
  if (head->header)
    {
      table.header = row_layouts (pdf, head, &table);
      /* The header does not stay behind alone at the foot of a page. */
      ensure_room (pdf, 2 * (layout_height (table.header->pdata[0]) + 2 * CELL_PAD));
    }
  table.fresh = pdf->y <= pdf->top;
  if (table.header != NULL)
    draw_row (pdf, &table, table.header, TRUE);
  for (guint r = head->header ? first + 1 : first; r < end; r++)
    {
      g_autoptr (GPtrArray) cells = row_layouts (pdf, blocks->pdata[r], &table);
      draw_row (pdf, &table, cells, FALSE);
    }
  g_clear_pointer (&table.header, g_ptr_array_unref);
  g_free (table.widths);
  pdf->y += BLOCK_GAP;
  return end;
}

/* --- the document --------------------------------------------------------------------------- */

/* Draws the block at @i; returns the index of the next one. */
static guint
draw_block (Pdf *pdf, GPtrArray *blocks, guint i)
{
  const TftsrMdBlock *block = blocks->pdata[i];

  switch (block->kind)
    {
    case TFTSR_MD_HEADING:
      draw_heading (pdf, block);
      break;
    case TFTSR_MD_ITEM:
      draw_item (pdf, block);
      break;
    case TFTSR_MD_CODE:
      draw_code (pdf, block);
      break;
    case TFTSR_MD_QUOTE:
      draw_quote (pdf, block);
      break;
    case TFTSR_MD_RULE:
      draw_rule (pdf);
      break;
    case TFTSR_MD_TABLE_ROW:
      return draw_table (pdf, blocks, i);
    case TFTSR_MD_PARAGRAPH:
    default:
      draw_paragraph (pdf, block);
      break;
    }
  return i + 1;
}

typedef struct
{
  TftsrPdfProgressFunc func;
  gpointer data;
  guint total;
} Progress;

/* One pass over the blocks; @done_before counts the steps of the passes before. */
static gboolean
lay_out (Pdf *pdf, GPtrArray *blocks, const Progress *progress, guint done_before,
         GCancellable *cancellable, GError **error)
{
  pdf->page = 0;
  start_page (pdf);
  for (guint i = 0; i < blocks->len;)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      i = draw_block (pdf, blocks, i);
      if (progress->func != NULL)
        progress->func (done_before + i, progress->total, progress->data);
    }
  return TRUE;
}

static PangoContext *
new_context (void)
{
  PangoContext *context = pango_font_map_create_context (pango_cairo_font_map_get_default ());
  cairo_font_options_t *options = cairo_font_options_create ();

  /* Points as the unit, and metrics that do not depend on a screen's pixel grid. */
  pango_cairo_context_set_resolution (context, 72);
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options (context, options);
  cairo_font_options_destroy (options);
  return context;
}

const char *
tftsr_paper_to_string (TftsrPaper paper)
{
  return paper == TFTSR_PAPER_LETTER ? "letter" : "a4";
}

gboolean
tftsr_paper_from_string (const char *name, TftsrPaper *paper)
{
  if (g_strcmp0 (name, "a4") == 0)
    *paper = TFTSR_PAPER_A4;
  else if (g_strcmp0 (name, "letter") == 0)
    *paper = TFTSR_PAPER_LETTER;
  else
    return FALSE;
  return TRUE;
}

const char *
tftsr_paper_get_label (TftsrPaper paper)
{
  return paper == TFTSR_PAPER_LETTER ? _ ("Letter") : _ ("A4");
}

TftsrPaper
tftsr_paper_for_locale (const char *locale)
{
  /* The territories of glibc's locales whose LC_PAPER is Letter. */
  static const char *const letter[] = { "US", "CA", "MX", "CL", "CO", "VE", "BO",
                                        "CR", "GT", "NI", "PA", "SV", "PR", "PH" };
  const char *underscore = locale != NULL ? strchr (locale, '_') : NULL;
  g_autofree char *territory = NULL;

  if (underscore == NULL)
    return TFTSR_PAPER_A4;
  territory = g_strndup (underscore + 1, strcspn (underscore + 1, ".@"));
  for (guint i = 0; i < G_N_ELEMENTS (letter); i++)
    if (g_str_equal (territory, letter[i]))
      return TFTSR_PAPER_LETTER;
  return TFTSR_PAPER_A4;
}

TftsrPaper
tftsr_paper_default (void)
{
  static const char *const variables[] = { "LC_ALL", "LC_PAPER", "LANG" };

  for (guint i = 0; i < G_N_ELEMENTS (variables); i++)
    {
      const char *value = g_getenv (variables[i]);

      if (value != NULL && *value != '\0')
        return tftsr_paper_for_locale (value);
    }
  return TFTSR_PAPER_A4;
}

typedef struct
{
  GOutputStream *stream;
  GCancellable *cancellable;
  GError *error;
} Sink;

static cairo_status_t
write_to_sink (void *closure, const unsigned char *data, unsigned int length)
{
  Sink *sink = closure;

  if (sink->error != NULL || !g_output_stream_write_all (sink->stream, data, length, NULL,
                                                         sink->cancellable, &sink->error))
    return CAIRO_STATUS_WRITE_ERROR;
  return CAIRO_STATUS_SUCCESS;
}

static void
pdf_init (Pdf *pdf, TftsrPaper paper, const char *title)
{
  pdf->width = paper == TFTSR_PAPER_LETTER ? 612 : 595.276;
  pdf->height = paper == TFTSR_PAPER_LETTER ? 792 : 841.89;
  pdf->left = MARGIN;
  pdf->right = pdf->width - MARGIN;
  pdf->top = MARGIN;
  pdf->bottom = pdf->height - MARGIN;
  pdf->title = title;
  pdf->context = new_context ();
}

/* The second pass, drawing into a PDF surface over @sink. */
static gboolean
draw_document (Pdf *pdf, GPtrArray *blocks, const Progress *progress, Sink *sink,
               GCancellable *cancellable, GError **error)
{
  cairo_surface_t *surface =
      cairo_pdf_surface_create_for_stream (write_to_sink, sink, pdf->width, pdf->height);
  gboolean ok;
  cairo_status_t status;

  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, pdf->title);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "tftsr");
  pdf->cr = cairo_create (surface);
  ok = lay_out (pdf, blocks, progress, blocks->len, cancellable, error);
  if (ok)
    cairo_show_page (pdf->cr);
  g_clear_pointer (&pdf->cr, cairo_destroy);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  if (!ok)
    return FALSE;
  if (sink->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&sink->error));
      return FALSE;
    }
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _ ("The PDF could not be drawn: %s"),
                   cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}

gboolean
tftsr_pdf_render (const char *markdown, const char *title, TftsrPaper paper, GOutputStream *stream,
                  TftsrPdfInfo *info, TftsrPdfProgressFunc progress, gpointer progress_data,
                  GCancellable *cancellable, GError **error)
{
  g_autoptr (GPtrArray) blocks = NULL;
  Pdf pdf = { 0 };
  Sink sink = { stream, cancellable, NULL };
  Progress steps = { progress, progress_data, 0 };
  gboolean ok;

  g_return_val_if_fail (markdown != NULL && title != NULL, FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), FALSE);

  blocks = tftsr_markdown_parse (markdown, -1, TFTSR_MD_DOCUMENT);
  steps.total = 2 * blocks->len;
  pdf_init (&pdf, paper, title);
  ok = lay_out (&pdf, blocks, &steps, 0, cancellable, error);
  if (ok)
    {
      pdf.pages = pdf.page;
      ok = draw_document (&pdf, blocks, &steps, &sink, cancellable, error);
    }
  if (ok && info != NULL)
    {
      info->pages = pdf.pages;
      info->missing_glyphs = pdf.missing_glyphs;
    }
  g_clear_error (&sink.error);
  g_object_unref (pdf.context);
  return ok;
}

gboolean
tftsr_pdf_write_file (const char *markdown, const char *title, TftsrPaper paper, GFile *file,
                      TftsrPdfInfo *info, TftsrPdfProgressFunc progress, gpointer progress_data,
                      GCancellable *cancellable, GError **error)
{
  g_autoptr (GFileOutputStream) out =
      g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, cancellable, error);
  g_autoptr (GCancellable) abandon = NULL;

  if (out == NULL)
    return FALSE;
  if (tftsr_pdf_render (markdown, title, paper, G_OUTPUT_STREAM (out), info, progress,
                        progress_data, cancellable, error))
    return g_output_stream_close (G_OUTPUT_STREAM (out), cancellable, error);
  /* A replace closed with a cancelled cancellable leaves the file as it was. */
  abandon = g_cancellable_new ();
  g_cancellable_cancel (abandon);
  g_output_stream_close (G_OUTPUT_STREAM (out), abandon, NULL);
  return FALSE;
}
