/* test-confluence.c: documents in Confluence's storage format: golden files for every kind
 * of block and for hostile text, well-formed XML whatever the input, and a code block's
 * text given back exactly from its CDATA
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "tftsr-doc-confluence.h"
#include "tftsr-test-util.h"

#define GOLDEN_DIR TFTSR_TEST_DATA_DIR "/confluence"

typedef struct
{
  GString *text;  /* the text of the elements being collected */
  const char *in; /* their name */
  guint depth;
} Collect;

static void
on_start (GMarkupParseContext *context, const char *name, const char **attributes,
          const char **values, gpointer data, GError **error)
{
  Collect *c = data;

  if (c->in != NULL && g_str_equal (name, c->in))
    c->depth++;
}

static void
on_end (GMarkupParseContext *context, const char *name, gpointer data, GError **error)
{
  Collect *c = data;

  if (c->in != NULL && g_str_equal (name, c->in))
    c->depth--;
}

static void
on_text (GMarkupParseContext *context, const char *text, gsize len, gpointer data, GError **error)
{
  Collect *c = data;

  if (c->depth > 0)
    g_string_append_len (c->text, text, len);
}

/* GMarkup hands CDATA sections over whole, markers included, as passthrough. */
static void
on_passthrough (GMarkupParseContext *context, const char *text, gsize len, gpointer data,
                GError **error)
{
  Collect *c = data;

  if (c->depth > 0 && len >= 12 && g_str_has_prefix (text, "<![CDATA["))
    g_string_append_len (c->text, text + 9, len - 12);
}

/* Parses @xml as the body of one element; the text inside the elements named @in (NULL:
 * none) is returned. Fails the test if it is not well-formed. */
static char *
parse_body (const char *xml, const char *in)
{
  static const GMarkupParser parser = { on_start, on_end, on_text, on_passthrough, NULL };
  Collect c = { g_string_new (NULL), in, 0 };
  g_autoptr (GMarkupParseContext) context = g_markup_parse_context_new (&parser, 0, &c, NULL);
  g_autofree char *wrapped = g_strconcat ("<body>", xml, "</body>", NULL);
  g_autoptr (GError) error = NULL;

  g_assert_true (g_utf8_validate (xml, -1, NULL));
  if (!g_markup_parse_context_parse (context, wrapped, -1, &error) ||
      !g_markup_parse_context_end_parse (context, &error))
    g_error ("not well-formed (%s):\n%s", error->message, xml);
  return g_string_free (c.text, FALSE);
}

/* Each tests/data/confluence/NAME.md becomes exactly NAME.xml (looked at and kept). */
static void
test_golden (void)
{
  g_autoptr (GDir) dir = g_dir_open (GOLDEN_DIR, 0, NULL);
  const char *name;
  guint compared = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *md_path = NULL, *xml_path = NULL, *md = NULL, *want = NULL, *got = NULL;
      g_autofree char *base = NULL, *text = NULL;

      if (!g_str_has_suffix (name, ".md"))
        continue;
      base = g_strndup (name, strlen (name) - 3);
      md_path = g_build_filename (GOLDEN_DIR, name, NULL);
      xml_path = g_strdup_printf ("%s/%s.xml", GOLDEN_DIR, base);
      g_assert_true (g_file_get_contents (md_path, &md, NULL, NULL));
      g_assert_true (g_file_get_contents (xml_path, &want, NULL, NULL));
      got = tftsr_doc_render_confluence (md);
      g_assert_cmpstr (got, ==, want);
      text = parse_body (got, NULL);
      compared++;
    }
  g_assert_cmpuint (compared, >=, 2);
}

/* A code block's text comes back from its CDATA as written, "]]>" and all. */
static void
test_code_round_trip (void)
{
  static const char *const codes[] = { "plain",  "a ]]> b",         "]]>]]>",      "x]]",
                                       "<&>\"'", "tab\tand\nlines", "ünïcødé 故障" };

  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    {
      g_autofree char *md = g_strdup_printf ("````\n%s\n````\n", codes[i]);
      g_autofree char *xml = tftsr_doc_render_confluence (md);
      g_autofree char *back = parse_body (xml, "ac:plain-text-body");

      g_assert_cmpstr (back, ==, codes[i]);
    }
}

/* Random text with every troublesome character stays well-formed. */
static void
test_always_well_formed (void)
{
  static const char *const pieces[] = { "<",     ">",
                                        "&",     "\"",
                                        "]]>",   "\x01",
                                        "\x0b",  "\xff",
                                        "`",     "```",
                                        "\n",    "| a |",
                                        "|---|", "- [ ] ",
                                        "# ",    "> ",
                                        "*",     "~~",
                                        "[x](",  "https://h",
                                        ")",     "<![CDATA[",
                                        "1. ",   "    ",
                                        "é",     "\xf4\x8f\xbf\xbf" };
  GRand *rand = g_rand_new_with_seed (20261201);

  for (guint i = 0; i < 2000; i++)
    {
      GString *md = g_string_new (NULL);
      g_autofree char *xml = NULL, *text = NULL;
      guint n = g_rand_int_range (rand, 1, 40);

      for (guint j = 0; j < n; j++)
        g_string_append (md, pieces[g_rand_int_range (rand, 0, G_N_ELEMENTS (pieces))]);
      xml = tftsr_doc_render_confluence (md->str);
      text = parse_body (xml, NULL);
      g_string_free (md, TRUE);
    }
  g_rand_free (rand);
}

int
main (int argc, char **argv)
{
  tftsr_test_init (&argc, &argv);
  g_test_add_func ("/confluence/golden", test_golden);
  g_test_add_func ("/confluence/code-round-trip", test_code_round_trip);
  g_test_add_func ("/confluence/always-well-formed", test_always_well_formed);
  return g_test_run ();
}
