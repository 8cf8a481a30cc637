/* test-fts-query.c: what people type becomes a safe FTS5 expression
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "tftsr-fts-query.h"
#include "tftsr-test-util.h"

static void
check (const char *input, const char *expected)
{
  g_autofree char *built = tftsr_fts_query_build (input);
  g_assert_cmpstr (built, ==, expected);
}

static void
test_words_are_prefixes (void)
{
  check ("db", "(\"db\"*)");
  check ("  disk   full ", "(\"disk\"*) AND (\"full\"*)");
  check ("db-01.prod", "(\"db-01.prod\"*)");
}

static void
test_phrases (void)
{
  check ("\"consumer lag\"", "(\"consumer lag\")");
  check ("kafka \"consumer lag\" eu", "(\"kafka\"*) AND (\"consumer lag\") AND (\"eu\"*)");
  /* An unbalanced quote is text. */
  check ("\"unbalanced", "(\"\"\"unbalanced\"*)");
  check ("O\"Brien", "(\"O\"\"Brien\"*)");
}

static void
test_exclusion_and_or (void)
{
  check ("kafka -broker", "(\"kafka\"*) NOT (\"broker\"*)");
  check ("a -b -\"c d\"", "(\"a\"*) NOT (\"b\"* OR \"c d\")");
  check ("latency OR backlog", "(\"latency\"* OR \"backlog\"*)");
  check ("a OR b c", "(\"a\"* OR \"b\"*) AND (\"c\"*)");
  check ("a OR b OR c", "(\"a\"* OR \"b\"* OR \"c\"*)");
  /* OR at the edges or twice is ignored; lower-case or is a word. */
  check ("OR a OR", "(\"a\"*)");
  check ("a OR OR b", "(\"a\"*) AND (\"b\"*)");
  check ("a or b", "(\"a\"*) AND (\"or\"*) AND (\"b\"*)");
  /* A dash alone is not an exclusion. */
  check ("a - b", "(\"a\"*) AND (\"b\"*)");
}

static void
test_fts_syntax_is_text (void)
{
  check ("title:x", "(\"title:x\"*)");
  check ("NEAR(a b)", "(\"NEAR(a\"*) AND (\"b)\"*)");
  check ("^start", "(\"^start\"*)");
  check ("x AND y", "(\"x\"*) AND (\"AND\"*) AND (\"y\"*)");
}

static void
test_nothing_searchable (void)
{
  check ("", NULL);
  check ("   ", NULL);
  check ("\"", NULL);
  check ("-- ** ()", NULL);
  check ("-onlyexcluded", NULL);
  check ("OR", NULL);
  g_assert_null (tftsr_fts_query_build (NULL));
}

static void
test_limits_and_encoding (void)
{
  g_autoptr (GString) many = g_string_new (NULL);
  g_autofree char *built = NULL;
  guint terms = 0;

  for (guint i = 0; i < 100; i++)
    g_string_append_printf (many, "w%u ", i);
  built = tftsr_fts_query_build (many->str);
  for (const char *p = built; (p = strstr (p, "\"*")) != NULL; p++)
    terms++;
  g_assert_cmpuint (terms, ==, TFTSR_FTS_MAX_TERMS);

  /* Invalid UTF-8 is repaired, never passed to SQLite as is. */
  g_clear_pointer (&built, g_free);
  built = tftsr_fts_query_build ("caf\xc3 ok");
  g_assert_true (g_utf8_validate (built, -1, NULL));
  check ("日本語", "(\"日本語\"*)");
}

int
main (int argc, char **argv)
{
  tftsr_test_init (&argc, &argv);
  g_test_add_func ("/fts-query/words-are-prefixes", test_words_are_prefixes);
  g_test_add_func ("/fts-query/phrases", test_phrases);
  g_test_add_func ("/fts-query/exclusion-and-or", test_exclusion_and_or);
  g_test_add_func ("/fts-query/fts-syntax-is-text", test_fts_syntax_is_text);
  g_test_add_func ("/fts-query/nothing-searchable", test_nothing_searchable);
  g_test_add_func ("/fts-query/limits-and-encoding", test_limits_and_encoding);
  return g_test_run ();
}
