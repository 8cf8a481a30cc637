/* test-markdown.c: Markdown replies as blocks with Pango markup
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "tftsr-test-util.h"

static gboolean
well_formed (const char *markup)
{
  static const GMarkupParser parser = { 0 };
  g_autofree char *wrapped = g_strconcat ("<markup>", markup, "</markup>", NULL);
  g_autoptr (GMarkupParseContext) context = g_markup_parse_context_new (&parser, 0, NULL, NULL);

  return g_markup_parse_context_parse (context, wrapped, -1, NULL) &&
         g_markup_parse_context_end_parse (context, NULL);
}

static GPtrArray *
blocks (const char *markdown)
{
  GPtrArray *b = tftsr_markdown_to_blocks (markdown, -1);

  for (guint i = 0; i < b->len; i++)
    {
      TftsrMdBlock *block = b->pdata[i];
      g_assert_true (block->markup == NULL || well_formed (block->markup));
      for (guint c = 0; block->cells != NULL && c < block->cells->len; c++)
        g_assert_true (well_formed (block->cells->pdata[c]));
    }
  return b;
}

static TftsrMdBlock *
nth (GPtrArray *b, guint i)
{
  g_assert_cmpuint (i, <, b->len);
  return b->pdata[i];
}

static void
test_inline (void)
{
  g_autoptr (GPtrArray) b =
      blocks ("## Why 2\n\nThe **pool** ran *dry*: `max_conn=20` <b>not html</b> & \"quotes\"\\\n"
              "next line ~~old~~\n");

  g_assert_cmpuint (b->len, ==, 2);
  g_assert_cmpint (nth (b, 0)->kind, ==, TFTSR_MD_HEADING);
  g_assert_cmpuint (nth (b, 0)->level, ==, 2);
  g_assert_cmpstr (nth (b, 0)->markup, ==, "Why 2");
  g_assert_cmpint (nth (b, 1)->kind, ==, TFTSR_MD_PARAGRAPH);
  g_assert_cmpstr (
      nth (b, 1)->markup, ==,
      "The <b>pool</b> ran <i>dry</i>: <tt>max_conn=20</tt> &lt;b&gt;not html&lt;/b&gt; "
      "&amp; &quot;quotes&quot;\nnext line <s>old</s>");
}

static void
test_links (void)
{
  g_autoptr (GPtrArray) b = blocks ("[docs](https://example.org/a?b=1&c=2) "
                                    "[evil](javascript:alert(1)) [file](file:///etc/passwd) "
                                    "<https://status.example.org>\n");

  g_assert_cmpstr (nth (b, 0)->markup, ==,
                   "<a href=\"https://example.org/a?b=1&amp;c=2\">docs</a> evil file "
                   "<a href=\"https://status.example.org\">https://status.example.org</a>");
}

static void
test_lists (void)
{
  g_autoptr (GPtrArray) b = blocks ("3. check the pool\n4. restart\n   - api-1\n   - api-2\n\n"
                                    "- [x] paged on-call\n- [ ] post-mortem\n");

  g_assert_cmpuint (b->len, ==, 6);
  g_assert_cmpint (nth (b, 0)->kind, ==, TFTSR_MD_ITEM);
  g_assert_cmpuint (nth (b, 0)->number, ==, 3);
  g_assert_cmpuint (nth (b, 0)->level, ==, 1);
  g_assert_cmpstr (nth (b, 1)->markup, ==, "restart");
  g_assert_cmpuint (nth (b, 1)->number, ==, 4);
  g_assert_cmpuint (nth (b, 2)->level, ==, 2);
  g_assert_cmpuint (nth (b, 2)->number, ==, 0);
  g_assert_cmpstr (nth (b, 3)->markup, ==, "api-2");
  g_assert_cmpint (nth (b, 4)->checked, ==, 1);
  g_assert_cmpstr (nth (b, 4)->markup, ==, "paged on-call");
  g_assert_cmpint (nth (b, 5)->checked, ==, 0);
  g_assert_cmpint (nth (b, 0)->checked, ==, -1);
}

static void
test_code_quote_rule_table (void)
{
  g_autoptr (GPtrArray) b = blocks ("```bash title\nkubectl get pods -n <ns>\n```\n\n"
                                    "> the *pager* said\n\n---\n\n"
                                    "| host | errors |\n|---|---|\n| db-1 | **42** |\n");

  g_assert_cmpint (nth (b, 0)->kind, ==, TFTSR_MD_CODE);
  g_assert_cmpstr (nth (b, 0)->code, ==, "kubectl get pods -n <ns>");
  g_assert_cmpstr (nth (b, 0)->language, ==, "bash");
  g_assert_cmpint (nth (b, 1)->kind, ==, TFTSR_MD_QUOTE);
  g_assert_cmpstr (nth (b, 1)->markup, ==, "the <i>pager</i> said");
  g_assert_cmpint (nth (b, 2)->kind, ==, TFTSR_MD_RULE);
  g_assert_cmpint (nth (b, 3)->kind, ==, TFTSR_MD_TABLE_ROW);
  g_assert_true (nth (b, 3)->header);
  g_assert_cmpstr (nth (b, 3)->cells->pdata[1], ==, "errors");
  g_assert_false (nth (b, 4)->header);
  g_assert_cmpstr (nth (b, 4)->cells->pdata[1], ==, "<b>42</b>");
}

/* A reply cut mid-stream, and bytes that are not UTF-8, still give blocks. */
static void
test_partial_and_invalid (void)
{
  g_autoptr (GPtrArray) cut = blocks ("Run this:\n\n```python\nprint(\"ok");
  g_autoptr (GPtrArray) bad = blocks ("bad \xff\xfe bytes **bold");
  g_autoptr (GPtrArray) empty = blocks ("");

  g_assert_cmpint (nth (cut, 1)->kind, ==, TFTSR_MD_CODE);
  g_assert_cmpstr (nth (cut, 1)->code, ==, "print(\"ok");
  g_assert_true (g_utf8_validate (nth (bad, 0)->markup, -1, NULL));
  g_assert_nonnull (strstr (nth (bad, 0)->markup, "**bold"));
  g_assert_cmpuint (empty->len, ==, 0);
}

/* A document is read without autolink, as its HTML and PDF are: an escaped "\\_" stays in
 * the text instead of becoming part of a link's target. */
static void
test_document_flavour (void)
{
  const char *text = "See www.example.com/a\\_b or https://example.com/x today.";
  g_autoptr (GPtrArray) chat = tftsr_markdown_parse (text, -1, TFTSR_MD_CHAT);
  g_autoptr (GPtrArray) doc = tftsr_markdown_parse (text, -1, TFTSR_MD_DOCUMENT);

  g_assert_nonnull (strstr (nth (chat, 0)->markup, "<a href="));
  g_assert_cmpstr (nth (doc, 0)->markup, ==,
                   "See www.example.com/a_b or https://example.com/x today.");
}

int
main (int argc, char **argv)
{
  tftsr_test_init (&argc, &argv);
  g_test_add_func ("/markdown/inline", test_inline);
  g_test_add_func ("/markdown/links", test_links);
  g_test_add_func ("/markdown/document-flavour", test_document_flavour);
  g_test_add_func ("/markdown/lists", test_lists);
  g_test_add_func ("/markdown/code-quote-rule-table", test_code_quote_rule_table);
  g_test_add_func ("/markdown/partial-and-invalid", test_partial_and_invalid);
  return g_test_run ();
}
