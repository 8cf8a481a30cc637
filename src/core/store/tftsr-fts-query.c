/* tftsr-fts-query.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "tftsr-fts-query.h"

typedef enum
{
  TERM_WORD,   /* matched as a prefix */
  TERM_PHRASE, /* matched exactly */
  TERM_OR,     /* the keyword between alternatives */
} TermKind;

typedef struct
{
  TermKind kind;
  gboolean negate;
  char *text;
} Term;

static void
term_clear (Term *term)
{
  g_free (term->text);
}

/* Whether FTS5's unicode61 tokenizer finds a token in @text: it keeps letters,
 * numbers and private-use characters and splits on everything else. */
static gboolean
has_token (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    switch (g_unichar_type (g_utf8_get_char (p)))
      {
      case G_UNICODE_LOWERCASE_LETTER:
      case G_UNICODE_MODIFIER_LETTER:
      case G_UNICODE_OTHER_LETTER:
      case G_UNICODE_TITLECASE_LETTER:
      case G_UNICODE_UPPERCASE_LETTER:
      case G_UNICODE_DECIMAL_NUMBER:
      case G_UNICODE_LETTER_NUMBER:
      case G_UNICODE_OTHER_NUMBER:
      case G_UNICODE_PRIVATE_USE:
        return TRUE;
      default:
        break;
      }
  return FALSE;
}

static const char *
skip_space (const char *p)
{
  while (*p != '\0' && g_unichar_isspace (g_utf8_get_char (p)))
    p = g_utf8_next_char (p);
  return p;
}

static const char *
word_end (const char *p)
{
  while (*p != '\0' && !g_unichar_isspace (g_utf8_get_char (p)))
    p = g_utf8_next_char (p);
  return p;
}

/* Splits @text into terms; a quote without a partner is an ordinary character. */
static GArray *
split_terms (const char *text)
{
  GArray *terms = g_array_new (FALSE, TRUE, sizeof (Term));
  const char *p = skip_space (text);

  g_array_set_clear_func (terms, (GDestroyNotify) term_clear);
  while (*p != '\0' && terms->len < TFTSR_FTS_MAX_TERMS)
    {
      Term term = { TERM_WORD, FALSE, NULL };
      const char *close;
      const char *end;

      if (*p == '-' && p[1] != '\0' && !g_unichar_isspace (g_utf8_get_char (p + 1)))
        {
          term.negate = TRUE;
          p++;
        }
      if (*p == '"' && (close = strchr (p + 1, '"')) != NULL)
        {
          term.kind = TERM_PHRASE;
          term.text = g_strndup (p + 1, close - p - 1);
          end = close + 1;
        }
      else
        {
          end = word_end (p);
          term.text = g_strndup (p, end - p);
          if (!term.negate && g_str_equal (term.text, "OR"))
            term.kind = TERM_OR;
        }
      if (term.kind == TERM_OR || has_token (term.text))
        g_array_append_val (terms, term);
      else
        term_clear (&term);
      p = skip_space (end);
    }
  return terms;
}

static void
append_term (GString *out, const Term *term)
{
  g_string_append_c (out, '"');
  for (const char *c = term->text; *c != '\0'; c++)
    {
      if (*c == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *c);
    }
  g_string_append (out, term->kind == TERM_WORD ? "\"*" : "\"");
}

/* Appends the positive terms as AND-ed groups; OR joins the terms on its two sides. */
static guint
append_positive (GString *out, GArray *terms)
{
  guint n_groups = 0;

  for (guint i = 0; i < terms->len; i++)
    {
      const Term *term = &g_array_index (terms, Term, i);
      guint j;

      if (term->kind == TERM_OR || term->negate)
        continue;
      g_string_append (out, n_groups++ > 0 ? " AND (" : "(");
      append_term (out, term);
      /* Extend the group while "OR <positive term>" follows. */
      for (j = i + 1; j + 1 < terms->len; j += 2)
        {
          const Term *op = &g_array_index (terms, Term, j);
          const Term *next = &g_array_index (terms, Term, j + 1);

          if (op->kind != TERM_OR || next->kind == TERM_OR || next->negate)
            break;
          g_string_append (out, " OR ");
          append_term (out, next);
        }
      i = j - 1;
      g_string_append_c (out, ')');
    }
  return n_groups;
}

char *
tftsr_fts_query_build (const char *text)
{
  g_autofree char *valid = NULL;
  g_autoptr (GArray) terms = NULL;
  g_autoptr (GString) out = g_string_new (NULL);
  gboolean first_negative = TRUE;

  if (text == NULL)
    return NULL;
  valid = g_utf8_make_valid (text, -1);
  terms = split_terms (valid);
  if (append_positive (out, terms) == 0)
    return NULL;

  for (guint i = 0; i < terms->len; i++)
    {
      const Term *term = &g_array_index (terms, Term, i);

      if (!term->negate)
        continue;
      g_string_append (out, first_negative ? " NOT (" : " OR ");
      append_term (out, term);
      first_negative = FALSE;
    }
  if (!first_negative)
    g_string_append_c (out, ')');
  return g_string_free (g_steal_pointer (&out), FALSE);
}
