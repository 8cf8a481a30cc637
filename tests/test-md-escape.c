/* test-md-escape.c: incident text written into Markdown reads back as typed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "tftsr-doc-private.h"
#include "tftsr-md-check.h"
#include "tftsr-test-util.h"

/* Texts that would break a document written unescaped. */
static const char *const hostile[] = {
  "a | b | c",
  "pipe at the end |",
  "\\| an escaped pipe",
  "# Not a heading",
  "## closing hashes ##",
  "C# and F#",
  "- not a list",
  "+ nor this",
  "* nor this",
  "1. not ordered",
  "2026) neither",
  "> not a quote",
  "===",
  "---",
  ":---|---:",
  "<script>alert('x')</script>",
  "<!-- comment --> <div>block</div>",
  "&amp; &#65; &copy;",
  "`code` and ``double`` and ```fence```",
  "~~~\nfenced?\n~~~",
  "[link](javascript:alert(1)) and ![img](x.png)",
  "[ref]: http://example.com",
  "[ ] [x] - [ ] task?",
  "*emphasis* **strong** _under_ __double__",
  "snake_case_identifier and __init__ and _leading",
  "~strike~ ~~strike~~",
  "http://example.com/a_b*c and www.example.com",
  "trailing backslash \\",
  "two spaces at the end  \nnext line",
  "first line\nsecond line\r\nthird\rfourth",
  "para one\n\n\n\npara two\n  \n\t\npara three",
  "    indented code?\n\tand a tab",
  "   \n  leading blank lines\n\n",
  "数据库连接池耗尽 | 第二列 #三",
  "خطأ في الاتصال بقاعدة البيانات | ٣. البند",
  "emoji 🔥 and combining é",
  "control \001\002 chars \013\014 and DEL \177",
  "invalid \xff\xfe utf-8",
  "",
  "   ",
  "\\",
  "_",
  "#",
  "1.",
  "|",
};

static char *
escaped_line (const char *text)
{
  GString *out = g_string_new (NULL);

  tftsr_md_append_line (out, text);
  return g_string_free (out, FALSE);
}

static char *
escaped_text (const char *text)
{
  GString *out = g_string_new (NULL);

  tftsr_md_append_text (out, text);
  return g_string_free (out, FALSE);
}

static void
test_round_trip (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (hostile); i++)
    {
      g_autofree char *line = escaped_line (hostile[i]);
      g_autofree char *text = escaped_text (hostile[i]);
      g_autofree char *plain_line = tftsr_md_plain_line (hostile[i]);
      g_autofree char *plain_text = tftsr_md_plain_text (hostile[i]);

      if (!tftsr_md_check_line (line, plain_line))
        g_error ("line %u: “%s” does not read as “%s”", i, line, plain_line);
      if (!tftsr_md_check_text (text, plain_text))
        g_error ("text %u: “%s” does not read as “%s”", i, text, plain_text);
    }
}

/* The checker itself tells broken Markdown from text. */
static void
test_checker (void)
{
  g_assert_false (tftsr_md_check_line ("a | b", "a | b"));
  g_assert_false (tftsr_md_check_line ("x #", "x #"));
  g_assert_false (tftsr_md_check_line ("*x*", "*x*"));
  g_assert_false (tftsr_md_check_line ("a &amp; b", "a &amp; b"));
  g_assert_false (tftsr_md_check_text ("- x\n", "- x"));
  g_assert_false (tftsr_md_check_text ("one\n===\n", "one\n==="));
  g_assert_false (tftsr_md_check_text ("<div>x</div>\n", "<div>x</div>"));
  g_assert_true (tftsr_md_check_line ("a \\| b", "a | b"));
  g_assert_true (tftsr_md_check_text ("one\\\ntwo\n", "one\ntwo"));
}

/* Escapes are kept to what is needed, so the author can read the Markdown. */
static void
test_minimal (void)
{
  static const struct
  {
    const char *text;
    const char *escaped;
  } cases[] = {
    { "Disk full on db-02 at 03:00", "Disk full on db-02 at 03:00" },
    { "snake_case_name", "snake_case_name" },
    { "_private", "\\_private" },
    { "a | b", "a \\| b" },
    { "# title", "\\# title" },
    { "issue #42 fixed", "issue #42 fixed" },
    { "ends with #", "ends with \\#" },
    { "1. step", "1\\. step" },
    { "v1.2 released", "v1.2 released" },
    { "- item", "\\- item" },
    { "a - b", "a - b" },
    { "<script>", "\\<script>" },
    { "R&D", "R\\&D" },
    { "`x`", "\\`x\\`" },
    { "[x]", "\\[x\\]" },
    { "a*b", "a\\*b" },
    { "~x~", "\\~x\\~" },
    { "C:\\Users", "C:\\\\Users" },
    { "数据库 | خطأ", "数据库 \\| خطأ" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *line = escaped_line (cases[i].text);
      g_assert_cmpstr (line, ==, cases[i].escaped);
    }
}

static void
test_plain (void)
{
  g_autofree char *crlf = tftsr_md_plain_line ("  one\r\ntwo\rthree\nfour\t ");
  g_autofree char *control = tftsr_md_plain_line ("a\001b\177c\xff");
  g_autofree char *paragraphs = tftsr_md_plain_text ("\n\n  one \n\ttwo\n \n\n three\n\n");
  g_autofree char *blank = tftsr_md_plain_text (" \n\t\r\n");
  g_autofree char *none = escaped_text ("  \n ");
  g_autofree char *hard_breaks = escaped_text ("one\ntwo\n\nthree");
  g_autofree char *null_line = tftsr_md_plain_line (NULL);

  g_assert_cmpstr (crlf, ==, "one two three four");
  g_assert_cmpstr (control, ==,
                   "a\xef\xbf\xbd"
                   "b\xef\xbf\xbd"
                   "c\xef\xbf\xbd");
  g_assert_cmpstr (paragraphs, ==, "one\ntwo\n\nthree");
  g_assert_cmpstr (blank, ==, "");
  g_assert_cmpstr (none, ==, "");
  g_assert_cmpstr (hard_breaks, ==, "one\\\ntwo\n\nthree");
  g_assert_cmpstr (null_line, ==, "");
}

/* A row of hostile cells keeps its column count, and each cell its text. */
static void
test_table (void)
{
  g_autoptr (GString) md = g_string_new (NULL);
  const char *labels[] = { "A", "B", "C", NULL };
  const char *row[] = { "x | y", "line\nbreak", "<b>&amp;</b> `z`" };
  cmark_node *document;
  cmark_node *body;
  guint column = 0;

  tftsr_doc_table_start (md, labels);
  tftsr_doc_table_row (md, row, G_N_ELEMENTS (row));
  document = tftsr_md_check_parse (md->str);
  body = cmark_node_last_child (cmark_node_first_child (document));
  g_assert_cmpstr (cmark_node_get_type_string (cmark_node_first_child (document)), ==, "table");
  for (cmark_node *cell = cmark_node_first_child (body); cell != NULL;
       cell = cmark_node_next (cell), column++)
    {
      g_autoptr (GString) text = g_string_new (NULL);
      g_autofree char *expected = tftsr_md_plain_line (row[column]);

      g_assert_true (tftsr_md_check_inline_text (cell, text));
      g_assert_cmpstr (text->str, ==, expected);
    }
  g_assert_cmpuint (column, ==, 3);
  cmark_node_free (document);
}

int
main (int argc, char **argv)
{
  tftsr_test_init (&argc, &argv);
  g_test_add_func ("/md-escape/checker", test_checker);
  g_test_add_func ("/md-escape/round-trip", test_round_trip);
  g_test_add_func ("/md-escape/minimal", test_minimal);
  g_test_add_func ("/md-escape/plain", test_plain);
  g_test_add_func ("/md-escape/table", test_table);
  return g_test_run ();
}
