/* test-adf.c: Markdown as Atlassian Document Format: golden files for every kind of block and
 * for hostile text, a valid document whatever the input (tftsr-adf-check.c), code given back
 * exactly, links only to the web and mail
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "tftsr-adf-check.h"
#include "tftsr-adf-private.h"
#include "tftsr-test-util.h"

#define GOLDEN_DIR TFTSR_TEST_DATA_DIR "/adf"

static json_object *
convert_checked (const char *markdown)
{
  json_object *doc = tftsr_adf_from_markdown (markdown);
  g_autofree char *text = tftsr_adf_to_string (markdown);
  g_autofree char *problem = tftsr_adf_check_text (text);

  if (problem != NULL)
    g_error ("invalid ADF (%s) for:\n%s\n%s", problem, markdown, text);
  return doc;
}

static json_object *
parse_deep (const char *json)
{
  json_tokener *tokener = json_tokener_new_ex (1024);
  json_object *object = json_tokener_parse_ex (tokener, json, (int) strlen (json));

  json_tokener_free (tokener);
  g_assert_nonnull (object);
  return object;
}

/* Each tests/data/adf/NAME.md becomes exactly NAME.json (looked at and kept). */
static void
test_golden (void)
{
  g_autoptr (GDir) dir = g_dir_open (GOLDEN_DIR, 0, NULL);
  const char *name;
  guint compared = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *md_path = NULL, *json_path = NULL, *md = NULL, *want_text = NULL;
      g_autofree char *base = NULL;
      g_autoptr (json_object) got = NULL;
      g_autoptr (json_object) want = NULL;

      if (!g_str_has_suffix (name, ".md"))
        continue;
      base = g_strndup (name, strlen (name) - 3);
      md_path = g_build_filename (GOLDEN_DIR, name, NULL);
      json_path = g_strdup_printf ("%s/%s.json", GOLDEN_DIR, base);
      g_assert_true (g_file_get_contents (md_path, &md, NULL, NULL));
      got = convert_checked (md);
      if (!g_file_get_contents (json_path, &want_text, NULL, NULL))
        g_error ("%s missing; the converter writes:\n%s", json_path,
                 json_object_to_json_string_ext (got, JSON_C_TO_STRING_PRETTY |
                                                          JSON_C_TO_STRING_NOSLASHESCAPE));
      want = parse_deep (want_text);
      if (!json_object_equal (got, want))
        g_error ("%s differs; the converter writes:\n%s", json_path,
                 json_object_to_json_string_ext (got, JSON_C_TO_STRING_PRETTY |
                                                          JSON_C_TO_STRING_NOSLASHESCAPE));
      compared++;
    }
  g_assert_cmpuint (compared, >=, 3);
}

/* The first node of @doc's first block's content. */
static json_object *
first_inline (json_object *doc)
{
  json_object *block = json_object_array_get_idx (json_object_object_get (doc, "content"), 0);

  return json_object_array_get_idx (json_object_object_get (block, "content"), 0);
}

static const char *
member (json_object *object, const char *name)
{
  return json_object_get_string (json_object_object_get (object, name));
}

/* Only http, https and mailto become links; the others are their text. */
static void
test_links (void)
{
  static const struct
  {
    const char *markdown;
    const char *href; /* NULL: no link */
  } cases[] = {
    { "[a](https://example.com/x?y=1&z=2)", "https://example.com/x?y=1&z=2" },
    { "[a](http://example.com)", "http://example.com" },
    { "[a](mailto:ops@example.com)", "mailto:ops@example.com" },
    { "[a](javascript:alert(1))", NULL },
    { "[a](JAVASCRIPT:alert(1))", NULL },
    { "[a](data:text/html,x)", NULL },
    { "[a](file:///etc/passwd)", NULL },
    { "[a](/relative)", NULL },
    { "[a](<https://a b>)", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (json_object) doc = convert_checked (cases[i].markdown);
      json_object *text = first_inline (doc);
      json_object *marks = json_object_object_get (text, "marks");

      g_assert_cmpstr (member (text, "text"), ==, "a");
      if (cases[i].href == NULL)
        g_assert_null (marks);
      else
        {
          json_object *link = json_object_array_get_idx (marks, 0);

          g_assert_cmpstr (member (link, "type"), ==, "link");
          g_assert_cmpstr (member (json_object_object_get (link, "attrs"), "href"), ==,
                           cases[i].href);
        }
    }
}

/* Code inside strong text keeps only its code mark; inside a link, the link too. */
static void
test_code_marks (void)
{
  g_autoptr (json_object) doc = convert_checked ("**`x`**");
  g_autoptr (json_object) linked = convert_checked ("*[`y`](https://e.example)*");
  json_object *marks = json_object_object_get (first_inline (doc), "marks");
  json_object *linked_marks = json_object_object_get (first_inline (linked), "marks");

  g_assert_cmpuint (json_object_array_length (marks), ==, 1);
  g_assert_cmpstr (member (json_object_array_get_idx (marks, 0), "type"), ==, "code");
  g_assert_cmpuint (json_object_array_length (linked_marks), ==, 2);
  g_assert_cmpstr (member (json_object_array_get_idx (linked_marks, 0), "type"), ==, "code");
  g_assert_cmpstr (member (json_object_array_get_idx (linked_marks, 1), "type"), ==, "link");
}

/* A code block's text comes back as written, blank lines, tabs and quotes included. */
static void
test_code_round_trip (void)
{
  static const char *const codes[] = { "plain",           "a \"quoted\" \\ b", "tab\tand\nlines",
                                       "\n\nblank first", "ünïcødé 故障",      "}]}" };

  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    {
      g_autofree char *md = g_strdup_printf ("````\n%s\n````\n", codes[i]);
      g_autoptr (json_object) doc = convert_checked (md);

      g_assert_cmpstr (member (first_inline (doc), "text"), ==, codes[i]);
    }
}

/* Counts the lists nested in @node. */
static guint
list_depth (json_object *node)
{
  json_object *content = json_object_object_get (node, "content");
  const char *type = member (node, "type");
  guint deepest = 0;

  for (gsize i = 0; content != NULL && i < json_object_array_length (content); i++)
    deepest = MAX (deepest, list_depth (json_object_array_get_idx (content, i)));
  return deepest + (type != NULL && g_str_has_suffix (type, "List") ? 1 : 0);
}

/* Lists nested hundreds deep stop nesting at the limit and keep their text. */
static void
test_deep_lists (void)
{
  GString *md = g_string_new (NULL);
  g_autoptr (json_object) doc = NULL;
  g_autofree char *text = NULL;

  for (guint i = 0; i < 300; i++)
    {
      for (guint j = 0; j < i; j++)
        g_string_append (md, "  ");
      g_string_append_printf (md, "- item%u\n", i);
    }
  doc = convert_checked (md->str);
  g_assert_cmpuint (list_depth (doc), ==, TFTSR_ADF_MAX_LIST_DEPTH);
  text = tftsr_adf_to_string (md->str);
  g_assert_nonnull (strstr (text, "\"item299\""));
  g_string_free (md, TRUE);
  /* Quotes in quotes flatten into one. */
  g_clear_pointer (&doc, json_object_put);
  doc = convert_checked (">>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>> deep");
  g_assert_cmpstr (
      member (json_object_array_get_idx (json_object_object_get (doc, "content"), 0), "type"), ==,
      "blockquote");
}

/* Random text with every troublesome character is always valid ADF. */
static void
test_always_valid (void)
{
  static const char *const pieces[] = {
    "<",    ">",   "&",    "\"",        "\\",    "\x01",   "\x0b", "\xff",  "`",
    "```",  "\n",  "\n\n", "| a |",     "|---|", "- [ ] ", "# ",   "> ",    "*",
    "**",   "~~",  "[x](", "https://h", ")",     "1. ",    "    ", "é",     "\xf4\x8f\xbf\xbf",
    "  \n", "---", "<b>",  "_",         "0. ",   "- ",     "\t",   "![i](", "   - ",
    "\r",
  };
  GRand *rand = g_rand_new_with_seed (20261205);

  for (guint i = 0; i < 3000; i++)
    {
      GString *md = g_string_new (NULL);
      g_autoptr (json_object) doc = NULL;
      guint n = g_rand_int_range (rand, 1, 50);

      for (guint j = 0; j < n; j++)
        g_string_append (md, pieces[g_rand_int_range (rand, 0, G_N_ELEMENTS (pieces))]);
      doc = convert_checked (md->str);
      g_string_free (md, TRUE);
    }
  g_rand_free (rand);
}

/* The checker itself refuses what Jira refuses. */
static void
test_checker (void)
{
  static const char *const invalid[] = {
    "{\"type\":\"doc\",\"version\":1,\"content\":[{\"type\":\"paragraph\",\"content\":"
    "[{\"type\":\"text\",\"text\":\"\"}]}]}",
    "{\"type\":\"doc\",\"version\":1,\"content\":[{\"type\":\"paragraph\",\"content\":"
    "[{\"type\":\"text\",\"text\":\"a\",\"marks\":[{\"type\":\"code\"},{\"type\":\"strong\"}]}]}]}",
    "{\"type\":\"doc\",\"version\":1,\"content\":[{\"type\":\"bulletList\",\"content\":[]}]}",
    "{\"type\":\"doc\",\"version\":1,\"content\":[{\"type\":\"bulletList\",\"content\":"
    "[{\"type\":\"listItem\",\"content\":[{\"type\":\"bulletList\",\"content\":[]}]}]}]}",
    "{\"type\":\"doc\",\"version\":1,\"content\":[{\"type\":\"heading\",\"attrs\":{\"level\":7}}]}",
    "{\"type\":\"doc\",\"version\":1,\"content\":[{\"type\":\"text\",\"text\":\"a\"}]}",
    "{\"type\":\"doc\",\"version\":1,\"content\":[]} trailing",
    "{\"type\":\"doc\",\"content\":[]}",
  };
  g_autofree char *valid = tftsr_adf_check_text ("{\"type\":\"doc\",\"version\":1,\"content\":[]}");

  g_assert_null (valid);
  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autofree char *problem = tftsr_adf_check_text (invalid[i]);

      g_assert_nonnull (problem);
    }
}

int
main (int argc, char **argv)
{
  tftsr_test_init (&argc, &argv);
  g_test_add_func ("/adf/golden", test_golden);
  g_test_add_func ("/adf/links", test_links);
  g_test_add_func ("/adf/code-marks", test_code_marks);
  g_test_add_func ("/adf/code-round-trip", test_code_round_trip);
  g_test_add_func ("/adf/deep-lists", test_deep_lists);
  g_test_add_func ("/adf/always-valid", test_always_valid);
  g_test_add_func ("/adf/checker", test_checker);
  return g_test_run ();
}
