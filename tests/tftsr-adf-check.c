/* tftsr-adf-check.c: ADF's structural rules, checked node by node
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "tftsr-adf-check.h"

/* What a node of each type may hold; NULL: no content at all. */
typedef struct
{
  const char *type;
  const char *const *children;
  gboolean needs_content; /* at least one child */
} Rule;

static const char *const inline_nodes[] = { "text", "hardBreak", NULL };
static const char *const top_blocks[] = { "paragraph",   "heading",   "bulletList",
                                          "orderedList", "codeBlock", "blockquote",
                                          "rule",        "table",     NULL };
static const char *const item_blocks[] = { "paragraph", "bulletList", "orderedList", "codeBlock",
                                           NULL };
static const char *const list_items[] = { "listItem", NULL };
static const char *const code_text[] = { "text", NULL };
static const char *const rows[] = { "tableRow", NULL };
static const char *const cells[] = { "tableHeader", "tableCell", NULL };
static const char *const cell_blocks[] = { "paragraph", "heading",    "bulletList", "orderedList",
                                           "codeBlock", "blockquote", "rule",       NULL };

static const Rule rules[] = {
  { "doc", top_blocks, FALSE },
  { "paragraph", inline_nodes, FALSE },
  { "heading", inline_nodes, FALSE },
  { "bulletList", list_items, TRUE },
  { "orderedList", list_items, TRUE },
  { "listItem", item_blocks, TRUE },
  { "codeBlock", code_text, FALSE },
  { "blockquote", item_blocks, TRUE },
  { "rule", NULL, FALSE },
  { "table", rows, TRUE },
  { "tableRow", cells, TRUE },
  { "tableHeader", cell_blocks, TRUE },
  { "tableCell", cell_blocks, TRUE },
  { "text", NULL, FALSE },
  { "hardBreak", NULL, FALSE },
};

static const Rule *
rule_for (const char *type)
{
  for (guint i = 0; i < G_N_ELEMENTS (rules); i++)
    if (g_str_equal (rules[i].type, type))
      return &rules[i];
  return NULL;
}

static gboolean
member_of (const char *const *list, const char *type)
{
  return list != NULL && g_strv_contains (list, type);
}

static char *node_problem (json_object *node, const char *path, const char *const *allowed);

/* Only @keys (NULL-terminated) may be members of @object. */
static char *
only_members (json_object *object, const char *path, const char *const *keys)
{
  json_object_object_foreach (object, key, value)
  {
    (void) value;
    if (!g_strv_contains (keys, key))
      return g_strdup_printf ("%s: unexpected member \"%s\"", path, key);
  }
  return NULL;
}

static char *
mark_problem (json_object *mark, const char *path, gboolean *code, gboolean *others,
              GHashTable *seen)
{
  static const char *const plain[] = { "type", NULL };
  static const char *const with_attrs[] = { "type", "attrs", NULL };
  static const char *const known[] = { "strong", "em", "strike", "code", "link", NULL };
  json_object *type = json_object_object_get (mark, "type");
  const char *name;

  if (!json_object_is_type (mark, json_type_object) ||
      !json_object_is_type (type, json_type_string))
    return g_strdup_printf ("%s: a mark without a type", path);
  name = json_object_get_string (type);
  if (!g_strv_contains (known, name))
    return g_strdup_printf ("%s: unknown mark \"%s\"", path, name);
  if (!g_hash_table_add (seen, (gpointer) name))
    return g_strdup_printf ("%s: mark \"%s\" twice", path, name);
  if (g_str_equal (name, "code"))
    *code = TRUE;
  else if (!g_str_equal (name, "link"))
    *others = TRUE;
  if (g_str_equal (name, "link"))
    {
      json_object *attrs = json_object_object_get (mark, "attrs");
      json_object *href = json_object_object_get (attrs, "href");

      if (!json_object_is_type (href, json_type_string) || *json_object_get_string (href) == '\0')
        return g_strdup_printf ("%s: a link without href", path);
      return only_members (mark, path, with_attrs);
    }
  return only_members (mark, path, plain);
}

static char *
text_problem (json_object *node, const char *path, gboolean in_code)
{
  static const char *const keys[] = { "type", "text", "marks", NULL };
  json_object *text = json_object_object_get (node, "text");
  json_object *marks = NULL;
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  gboolean code = FALSE;
  gboolean others = FALSE;

  if (!json_object_is_type (text, json_type_string) || json_object_get_string_len (text) == 0)
    return g_strdup_printf ("%s: empty text", path);
  if (!g_utf8_validate (json_object_get_string (text), -1, NULL))
    return g_strdup_printf ("%s: text is not UTF-8", path);
  if (json_object_object_get_ex (node, "marks", &marks))
    {
      if (in_code)
        return g_strdup_printf ("%s: marks in a code block", path);
      if (!json_object_is_type (marks, json_type_array) || json_object_array_length (marks) == 0)
        return g_strdup_printf ("%s: marks is no array of marks", path);
      for (gsize i = 0; i < json_object_array_length (marks); i++)
        {
          g_autofree char *at = g_strdup_printf ("%s.marks.%" G_GSIZE_FORMAT, path, i);
          char *problem =
              mark_problem (json_object_array_get_idx (marks, i), at, &code, &others, seen);

          if (problem != NULL)
            return problem;
        }
      if (code && others)
        return g_strdup_printf ("%s: code combined with a mark other than link", path);
    }
  return only_members (node, path, keys);
}

static char *
attrs_problem (json_object *node, const char *path, const char *type)
{
  json_object *attrs = NULL;
  gboolean has = json_object_object_get_ex (node, "attrs", &attrs);
  json_object *value;

  if (g_str_equal (type, "heading"))
    {
      value = json_object_object_get (attrs, "level");
      if (!json_object_is_type (value, json_type_int) || json_object_get_int (value) < 1 ||
          json_object_get_int (value) > 6)
        return g_strdup_printf ("%s: a heading's level must be 1 to 6", path);
      return NULL;
    }
  if (!has)
    return NULL;
  if (!json_object_is_type (attrs, json_type_object))
    return g_strdup_printf ("%s: attrs is no object", path);
  if (g_str_equal (type, "orderedList"))
    {
      value = json_object_object_get (attrs, "order");
      if (!json_object_is_type (value, json_type_int) || json_object_get_int64 (value) < 0)
        return g_strdup_printf ("%s: an ordered list's order must be a number ≥ 0", path);
      return NULL;
    }
  if (g_str_equal (type, "codeBlock"))
    {
      value = json_object_object_get (attrs, "language");
      if (!json_object_is_type (value, json_type_string))
        return g_strdup_printf ("%s: a code block's language must be text", path);
      return NULL;
    }
  return g_strdup_printf ("%s: %s takes no attrs", path, type);
}

static char *
content_problem (json_object *node, const char *path, const Rule *rule)
{
  json_object *content = NULL;
  gsize n;

  if (!json_object_object_get_ex (node, "content", &content))
    return rule->needs_content ? g_strdup_printf ("%s: %s without content", path, rule->type)
                               : NULL;
  if (rule->children == NULL)
    return g_strdup_printf ("%s: %s takes no content", path, rule->type);
  if (!json_object_is_type (content, json_type_array))
    return g_strdup_printf ("%s: content is no array", path);
  n = json_object_array_length (content);
  if (n == 0 && rule->needs_content)
    return g_strdup_printf ("%s: %s with empty content", path, rule->type);
  for (gsize i = 0; i < n; i++)
    {
      json_object *child = json_object_array_get_idx (content, i);
      g_autofree char *at = g_strdup_printf ("%s.content.%" G_GSIZE_FORMAT, path, i);
      const char *type = json_object_get_string (json_object_object_get (child, "type"));
      char *problem;

      /* A list item opens with a paragraph or code. */
      if (i == 0 && g_str_equal (rule->type, "listItem") && type != NULL &&
          !g_str_equal (type, "paragraph") && !g_str_equal (type, "codeBlock"))
        return g_strdup_printf ("%s: a list item opens with %s", at, type);
      if (type != NULL && g_str_equal (type, "text"))
        problem = member_of (rule->children, "text")
                      ? text_problem (child, at, g_str_equal (rule->type, "codeBlock"))
                      : g_strdup_printf ("%s: text in %s", at, rule->type);
      else
        problem = node_problem (child, at, rule->children);
      if (problem != NULL)
        return problem;
    }
  return NULL;
}

static char *
node_problem (json_object *node, const char *path, const char *const *allowed)
{
  static const char *const keys[] = { "type", "content", "attrs", NULL };
  json_object *type = json_object_object_get (node, "type");
  const Rule *rule;
  char *problem;

  if (!json_object_is_type (node, json_type_object) ||
      !json_object_is_type (type, json_type_string))
    return g_strdup_printf ("%s: a node without a type", path);
  rule = rule_for (json_object_get_string (type));
  if (rule == NULL || g_str_equal (rule->type, "doc") || g_str_equal (rule->type, "text"))
    return g_strdup_printf ("%s: unknown node \"%s\"", path, json_object_get_string (type));
  if (!member_of (allowed, rule->type))
    return g_strdup_printf ("%s: %s where it may not stand", path, rule->type);
  if ((problem = only_members (node, path, keys)) != NULL ||
      (problem = attrs_problem (node, path, rule->type)) != NULL)
    return problem;
  return content_problem (node, path, rule);
}

char *
tftsr_adf_check (json_object *doc)
{
  static const char *const keys[] = { "type", "version", "content", NULL };
  json_object *version = json_object_object_get (doc, "version");
  json_object *content = json_object_object_get (doc, "content");
  char *problem;

  if (!json_object_is_type (doc, json_type_object) ||
      g_strcmp0 (json_object_get_string (json_object_object_get (doc, "type")), "doc") != 0)
    return g_strdup ("the root is no doc");
  if (!json_object_is_type (version, json_type_int) || json_object_get_int (version) != 1)
    return g_strdup ("the doc's version is not 1");
  if (!json_object_is_type (content, json_type_array))
    return g_strdup ("the doc has no content array");
  if ((problem = only_members (doc, "doc", keys)) != NULL)
    return problem;
  return content_problem (doc, "doc", rule_for ("doc"));
}

char *
tftsr_adf_check_text (const char *json)
{
  /* Lists nest deeper than json-c's default of 32 levels allows. */
  json_tokener *tokener = json_tokener_new_ex (1024);
  json_object *doc = json_tokener_parse_ex (tokener, json, (int) strlen (json));
  enum json_tokener_error error = json_tokener_get_error (tokener);
  gsize used = json_tokener_get_parse_end (tokener);
  char *problem;

  json_tokener_free (tokener);
  if (doc == NULL || error != json_tokener_success || used != strlen (json))
    {
      json_object_put (doc);
      return g_strdup_printf ("not one JSON value: %s", json_tokener_error_desc (error));
    }
  problem = tftsr_adf_check (doc);
  json_object_put (doc);
  return problem;
}
