/* tftsr-markdown-view.c: a model's reply, shown as it streams in
 *
 * The text is parsed into blocks by the core (tftsr-markdown.c) and each block becomes a
 * widget: selectable labels with Pango markup, code in a monospace frame with a Copy
 * button, list items with their bullet or number, tables as a grid. Setting the text again
 * (each batch of a stream) rebuilds only from the first block that changed, so a long reply
 * does not flicker or cost more as it grows.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>

#include "tftsr-markdown-view.h"

#define INDENT 18 /* pixels per list level */

struct _TftsrMarkdownView
{
  GtkWidget parent_instance;

  GtkWidget *box;
  GPtrArray *blocks;  /* TftsrMdBlock shown */
  GPtrArray *widgets; /* one per block, or per table (its first row) */
  char *text;
  TftsrMdFlavour flavour;
};

G_DEFINE_FINAL_TYPE (TftsrMarkdownView, tftsr_markdown_view, GTK_TYPE_WIDGET)

static GtkWidget *
label (const char *markup, const char *css_class)
{
  GtkWidget *widget = gtk_label_new (NULL);

  gtk_label_set_markup (GTK_LABEL (widget), markup != NULL ? markup : "");
  gtk_label_set_wrap (GTK_LABEL (widget), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (widget), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (widget), 0);
  gtk_label_set_selectable (GTK_LABEL (widget), TRUE);
  if (css_class != NULL)
    gtk_widget_add_css_class (widget, css_class);
  return widget;
}

static void
copy_code (GtkButton *button, const char *code)
{
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (button)), code);
  gtk_button_set_icon_name (button, "object-select-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (button), _ ("Copied"));
}

static GtkWidget *
code_block (const TftsrMdBlock *block)
{
  GtkWidget *frame = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *language = gtk_label_new (block->language != NULL ? block->language : "");
  GtkWidget *copy = gtk_button_new_from_icon_name ("edit-copy-symbolic");
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkWidget *code = gtk_label_new (block->code);

  gtk_widget_add_css_class (frame, "code-block");
  gtk_widget_add_css_class (language, "dim-label");
  gtk_widget_set_hexpand (language, TRUE);
  gtk_label_set_xalign (GTK_LABEL (language), 0);
  gtk_widget_add_css_class (copy, "flat");
  gtk_widget_set_tooltip_text (copy, _ ("Copy"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (copy), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Copy code"), -1);
  g_signal_connect_data (copy, "clicked", G_CALLBACK (copy_code), g_strdup (block->code),
                         (GClosureNotify) (void (*) (void)) g_free, 0);
  gtk_box_append (GTK_BOX (header), language);
  gtk_box_append (GTK_BOX (header), copy);
  gtk_label_set_selectable (GTK_LABEL (code), TRUE);
  gtk_label_set_xalign (GTK_LABEL (code), 0);
  gtk_widget_add_css_class (code, "monospace");
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_AUTOMATIC,
                                  GTK_POLICY_NEVER);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scroller), TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), code);
  gtk_box_append (GTK_BOX (frame), header);
  gtk_box_append (GTK_BOX (frame), scroller);
  return frame;
}

static GtkWidget *
item_block (const TftsrMdBlock *block)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  g_autofree char *marker = NULL;
  GtkWidget *bullet;

  if (block->checked >= 0)
    {
      bullet = gtk_check_button_new ();
      gtk_check_button_set_active (GTK_CHECK_BUTTON (bullet), block->checked == 1);
      gtk_widget_set_sensitive (bullet, FALSE);
    }
  else
    {
      marker = block->number > 0 ? g_strdup_printf ("%u.", block->number) : g_strdup ("•");
      bullet = gtk_label_new (marker);
      gtk_widget_set_valign (bullet, GTK_ALIGN_START);
    }
  gtk_widget_set_margin_start (row, INDENT * (MAX (block->level, 1) - 1));
  gtk_box_append (GTK_BOX (row), bullet);
  gtk_box_append (GTK_BOX (row), label (block->markup, NULL));
  return row;
}

/* The grid of a table, from its rows starting at @first. */
static GtkWidget *
table_block (GPtrArray *blocks, guint first)
{
  GtkWidget *grid = gtk_grid_new ();
  guint r = 0;

  gtk_widget_add_css_class (grid, "md-table");
  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 4);
  for (guint i = first; i < blocks->len; i++, r++)
    {
      TftsrMdBlock *row = blocks->pdata[i];

      if (row->kind != TFTSR_MD_TABLE_ROW || (i > first && row->header))
        break;
      for (guint c = 0; c < row->cells->len; c++)
        gtk_grid_attach (GTK_GRID (grid),
                         label (row->cells->pdata[c], row->header ? "heading" : NULL), (int) c,
                         (int) r, 1, 1);
    }
  return grid;
}

static GtkWidget *
block_widget (GPtrArray *blocks, guint i)
{
  TftsrMdBlock *block = blocks->pdata[i];
  g_autofree char *css = NULL;
  GtkWidget *widget;

  switch (block->kind)
    {
    case TFTSR_MD_HEADING:
      css = g_strdup_printf ("md-h%u", MIN (block->level, 3));
      return label (block->markup, css);
    case TFTSR_MD_CODE:
      widget = code_block (block);
      gtk_widget_set_margin_start (widget, INDENT * block->level);
      return widget;
    case TFTSR_MD_ITEM:
      return item_block (block);
    case TFTSR_MD_QUOTE:
      widget = label (block->markup, "md-quote");
      gtk_widget_set_margin_start (widget, INDENT * block->level);
      return widget;
    case TFTSR_MD_RULE:
      return gtk_separator_new (GTK_ORIENTATION_HORIZONTAL);
    case TFTSR_MD_TABLE_ROW:
      return table_block (blocks, i);
    case TFTSR_MD_PARAGRAPH:
    default:
      widget = label (block->markup, NULL);
      gtk_widget_set_margin_start (widget, INDENT * block->level);
      return widget;
    }
}

static gboolean
same_block (const TftsrMdBlock *a, const TftsrMdBlock *b)
{
  return a->kind == b->kind && a->level == b->level && a->number == b->number &&
         a->checked == b->checked && g_strcmp0 (a->markup, b->markup) == 0 &&
         g_strcmp0 (a->code, b->code) == 0 && a->kind != TFTSR_MD_TABLE_ROW;
}

void
tftsr_markdown_view_set_text (TftsrMarkdownView *self, const char *text)
{
  g_autoptr (GPtrArray) blocks = NULL;
  guint keep = 0;

  g_return_if_fail (TFTSR_IS_MARKDOWN_VIEW (self));
  if (g_strcmp0 (text, self->text) == 0)
    return;
  g_free (self->text);
  self->text = g_strdup (text != NULL ? text : "");
  blocks = tftsr_markdown_parse (self->text, -1, self->flavour);
  while (keep < blocks->len && keep < self->blocks->len &&
         same_block (blocks->pdata[keep], self->blocks->pdata[keep]))
    keep++;
  for (guint i = keep; i < self->widgets->len; i++)
    if (self->widgets->pdata[i] != NULL)
      gtk_box_remove (GTK_BOX (self->box), self->widgets->pdata[i]);
  g_ptr_array_set_size (self->widgets, keep);
  for (guint i = keep; i < blocks->len; i++)
    {
      TftsrMdBlock *block = blocks->pdata[i];
      gboolean continues_table =
          block->kind == TFTSR_MD_TABLE_ROW && !block->header && i > 0 &&
          ((TftsrMdBlock *) blocks->pdata[i - 1])->kind == TFTSR_MD_TABLE_ROW;
      GtkWidget *widget = continues_table ? NULL : block_widget (blocks, i);

      if (widget != NULL)
        gtk_box_append (GTK_BOX (self->box), widget);
      g_ptr_array_add (self->widgets, widget);
    }
  g_ptr_array_unref (self->blocks);
  self->blocks = g_steal_pointer (&blocks);
}

const char *
tftsr_markdown_view_get_text (TftsrMarkdownView *self)
{
  g_return_val_if_fail (TFTSR_IS_MARKDOWN_VIEW (self), NULL);
  return self->text;
}

void
tftsr_markdown_view_set_flavour (TftsrMarkdownView *self, TftsrMdFlavour flavour)
{
  g_return_if_fail (TFTSR_IS_MARKDOWN_VIEW (self));
  self->flavour = flavour;
}

GtkWidget *
tftsr_markdown_view_new (void)
{
  return g_object_new (TFTSR_TYPE_MARKDOWN_VIEW, NULL);
}

static void
tftsr_markdown_view_dispose (GObject *object)
{
  TftsrMarkdownView *self = TFTSR_MARKDOWN_VIEW (object);

  g_clear_pointer (&self->box, gtk_widget_unparent);
  G_OBJECT_CLASS (tftsr_markdown_view_parent_class)->dispose (object);
}

static void
tftsr_markdown_view_finalize (GObject *object)
{
  TftsrMarkdownView *self = TFTSR_MARKDOWN_VIEW (object);

  g_ptr_array_unref (self->blocks);
  g_ptr_array_unref (self->widgets);
  g_free (self->text);
  G_OBJECT_CLASS (tftsr_markdown_view_parent_class)->finalize (object);
}

static void
tftsr_markdown_view_class_init (TftsrMarkdownViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tftsr_markdown_view_dispose;
  object_class->finalize = tftsr_markdown_view_finalize;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "markdownview");
}

static void
tftsr_markdown_view_init (TftsrMarkdownView *self)
{
  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));
  self->blocks = g_ptr_array_new_with_free_func ((GDestroyNotify) tftsr_md_block_free);
  self->widgets = g_ptr_array_new ();
  self->text = g_strdup ("");
}
