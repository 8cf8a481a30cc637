/* tftsr-log-format.c: a Drain-style header format ("<Date> <Time> <Level> <Component>:
 * <Content>", Loghub's log_format) and lines split with it
 *
 * The format is what logparser turns into a regex: a field matches as little as it can
 * (".*?"), a run of spaces matches one or more blanks, a backslash makes the next character
 * literal, "( … )?" is optional, and the line must be used up. It is matched here by a
 * small backtracking matcher with a step budget, so a hostile format or line costs bounded
 * time rather than a regex engine's worst case.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "tftsr-log-miner-private.h"

#define FORMAT_ELEMENTS_MAX 256
#define FORMAT_FIELDS_MAX 32
#define MATCH_STEPS_MAX 20000 /* a line no format could need more for */
#define TIME_TEXT_MAX 96

typedef enum
{
  ELEMENT_LITERAL,
  ELEMENT_BLANKS,
  ELEMENT_FIELD,
  ELEMENT_OPEN,  /* "(": its partner is at .partner */
  ELEMENT_CLOSE, /* ")" */
} ElementKind;

typedef enum
{
  ROLE_OTHER,
  ROLE_TIME,
  ROLE_LEVEL,
  ROLE_SOURCE, /* Process, Node, Logger: a component when there is no Component */
  ROLE_COMPONENT,
  ROLE_CONTENT,
} Role;

typedef struct
{
  ElementKind kind;
  char literal;
  gboolean optional; /* an ELEMENT_OPEN whose group may be skipped */
  guint partner;
  guint field; /* index of an ELEMENT_FIELD's capture */
} Element;

struct _TftsrLogFormat
{
  char *text;
  guint n_elements;
  Element elements[FORMAT_ELEMENTS_MAX];
  guint n_fields;
  Role roles[FORMAT_FIELDS_MAX];
};

typedef struct
{
  const TftsrLogFormat *format;
  const char *line;
  gsize len;
  guint steps;
  gsize starts[FORMAT_FIELDS_MAX];
  gsize ends[FORMAT_FIELDS_MAX];
} Match;

static Role
role_of (const char *name, gsize n)
{
  static const struct
  {
    const char *name;
    Role role;
  } roles[] = {
    { "Date", ROLE_TIME },     { "Time", ROLE_TIME },           { "Day", ROLE_TIME },
    { "Month", ROLE_TIME },    { "Year", ROLE_TIME },           { "Timestamp", ROLE_TIME },
    { "Level", ROLE_LEVEL },   { "Process", ROLE_SOURCE },      { "Node", ROLE_SOURCE },
    { "Logger", ROLE_SOURCE }, { "Component", ROLE_COMPONENT }, { "Content", ROLE_CONTENT },
  };

  for (guint k = 0; k < G_N_ELEMENTS (roles); k++)
    if (strlen (roles[k].name) == n && memcmp (roles[k].name, name, n) == 0)
      return roles[k].role;
  return ROLE_OTHER;
}

static gboolean
add_element (TftsrLogFormat *self, Element element, GError **error)
{
  if (self->n_elements == FORMAT_ELEMENTS_MAX)
    {
      g_set_error (error, TFTSR_LOG_MINER_ERROR, TFTSR_LOG_MINER_ERROR_FORMAT,
                   "The log format is too long (at most %u parts).", FORMAT_ELEMENTS_MAX);
      return FALSE;
    }
  self->elements[self->n_elements++] = element;
  return TRUE;
}

static gboolean
compile (TftsrLogFormat *self, const char *f, GError **error)
{
  guint open[FORMAT_ELEMENTS_MAX];
  guint n_open = 0, n_content = 0;

  for (gsize i = 0; f[i] != '\0';)
    {
      Element element = { 0 };
      gsize name = 0;

      if (f[i] == '<')
        while (g_ascii_isalnum (f[i + 1 + name]) || f[i + 1 + name] == '_')
          name++;
      if (f[i] == '<' && name > 0 && f[i + 1 + name] == '>')
        {
          Role role = role_of (f + i + 1, name);

          if (self->n_fields == FORMAT_FIELDS_MAX)
            {
              g_set_error (error, TFTSR_LOG_MINER_ERROR, TFTSR_LOG_MINER_ERROR_FORMAT,
                           "The log format has too many fields (at most %u).", FORMAT_FIELDS_MAX);
              return FALSE;
            }
          n_content += role == ROLE_CONTENT;
          element.kind = ELEMENT_FIELD;
          element.field = self->n_fields;
          self->roles[self->n_fields++] = role;
          i += name + 2;
        }
      else if (f[i] == ' ')
        {
          element.kind = ELEMENT_BLANKS;
          while (f[i] == ' ')
            i++;
        }
      else if (f[i] == '(')
        {
          element.kind = ELEMENT_OPEN;
          open[n_open++] = self->n_elements;
          i++;
        }
      else if (f[i] == ')')
        {
          if (n_open == 0)
            {
              g_set_error (error, TFTSR_LOG_MINER_ERROR, TFTSR_LOG_MINER_ERROR_FORMAT,
                           "The log format closes a group it did not open: “%s”.", f);
              return FALSE;
            }
          element.kind = ELEMENT_CLOSE;
          element.partner = open[--n_open];
          self->elements[element.partner].partner = self->n_elements;
          self->elements[element.partner].optional = f[i + 1] == '?';
          i += f[i + 1] == '?' ? 2 : 1;
        }
      else
        {
          if (f[i] == '\\' && f[i + 1] != '\0')
            i++;
          element.kind = ELEMENT_LITERAL;
          element.literal = f[i++];
        }
      if (!add_element (self, element, error))
        return FALSE;
    }
  if (n_open > 0)
    {
      g_set_error (error, TFTSR_LOG_MINER_ERROR, TFTSR_LOG_MINER_ERROR_FORMAT,
                   "The log format leaves a group open: “%s”.", f);
      return FALSE;
    }
  if (n_content != 1)
    {
      g_set_error (error, TFTSR_LOG_MINER_ERROR, TFTSR_LOG_MINER_ERROR_FORMAT,
                   "The log format needs one <Content> field: “%s”.", f);
      return FALSE;
    }
  return TRUE;
}

TftsrLogFormat *
tftsr_log_format_new (const char *format, GError **error)
{
  g_autoptr (TftsrLogFormat) self = NULL;

  g_return_val_if_fail (format != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_new0 (TftsrLogFormat, 1);
  self->text = g_strdup (format);
  if (!compile (self, format, error))
    return NULL;
  return g_steal_pointer (&self);
}

void
tftsr_log_format_free (TftsrLogFormat *format)
{
  if (format == NULL)
    return;
  g_free (format->text);
  g_free (format);
}

TftsrLogFormat *
tftsr_log_format_copy (const TftsrLogFormat *format)
{
  TftsrLogFormat *copy = g_memdup2 (format, sizeof *format);

  copy->text = g_strdup (format->text);
  return copy;
}

static gboolean
is_blank (char c)
{
  return c == ' ' || c == '\t';
}

static void
forget_fields (Match *m, guint from, guint to)
{
  for (guint i = from; i < to; i++)
    if (m->format->elements[i].kind == ELEMENT_FIELD)
      m->starts[m->format->elements[i].field] = m->ends[m->format->elements[i].field] = 0;
}

static gboolean
match_from (Match *m, guint i, gsize pos)
{
  const TftsrLogFormat *f = m->format;
  const Element *e;

  if (++m->steps > MATCH_STEPS_MAX)
    return FALSE;
  if (i == f->n_elements)
    return pos == m->len;
  e = &f->elements[i];
  switch (e->kind)
    {
    case ELEMENT_LITERAL:
      return pos < m->len && m->line[pos] == e->literal && match_from (m, i + 1, pos + 1);
    case ELEMENT_BLANKS:
      if (pos >= m->len || !is_blank (m->line[pos]))
        return FALSE;
      while (pos < m->len && is_blank (m->line[pos]))
        pos++;
      return match_from (m, i + 1, pos);
    case ELEMENT_OPEN:
      if (match_from (m, i + 1, pos))
        return TRUE;
      if (!e->optional || m->steps > MATCH_STEPS_MAX)
        return FALSE;
      forget_fields (m, i, e->partner);
      return match_from (m, e->partner + 1, pos);
    case ELEMENT_CLOSE:
      return match_from (m, i + 1, pos);
    case ELEMENT_FIELD:
    default:
      {
        const Element *next = i + 1 < f->n_elements ? &f->elements[i + 1] : NULL;

        m->starts[e->field] = pos;
        /* The last element takes the rest; before a literal or blanks only the places they
         * can start are worth trying */
        if (next == NULL)
          {
            m->ends[e->field] = m->len;
            return TRUE;
          }
        for (gsize end = pos; end <= m->len && m->steps <= MATCH_STEPS_MAX; end++)
          {
            if (next->kind == ELEMENT_LITERAL && (end == m->len || m->line[end] != next->literal))
              continue;
            if (next->kind == ELEMENT_BLANKS && (end == m->len || !is_blank (m->line[end])))
              continue;
            m->ends[e->field] = end;
            if (match_from (m, i + 1, end))
              return TRUE;
          }
        return FALSE;
      }
    }
}

gboolean
tftsr_log_format_parse (const TftsrLogFormat *format, const char *line, gsize len, gint64 reference,
                        TftsrLogHeader *header)
{
  Match m = { 0 };
  char time_text[TIME_TEXT_MAX];
  gsize time_len = 0;
  Role component = ROLE_OTHER;

  g_return_val_if_fail (format != NULL, FALSE);
  g_return_val_if_fail (line != NULL || len == 0, FALSE);
  g_return_val_if_fail (header != NULL, FALSE);

  memset (header, 0, sizeof *header);
  m.format = format;
  m.line = line;
  m.len = len;
  if (!match_from (&m, 0, 0))
    return FALSE;

  for (guint k = 0; k < format->n_fields; k++)
    {
      gsize start = m.starts[k], n = m.ends[k] - m.starts[k];

      switch (format->roles[k])
        {
        case ROLE_TIME:
          /* Date, Day and Time fields are read as one timestamp, in the format's order */
          if (time_len > 0 && time_len < sizeof time_text)
            time_text[time_len++] = ' ';
          n = MIN (n, sizeof time_text - time_len);
          memcpy (time_text + time_len, line + start, n);
          time_len += n;
          break;
        case ROLE_LEVEL:
          while (n > 0 && (line[start] == '[' || line[start] == ' '))
            start++, n--;
          while (n > 0 && (line[start + n - 1] == ']' || line[start + n - 1] == ' '))
            n--;
          header->level = tftsr_log_level_parse (line + start, n, NULL);
          break;
        case ROLE_SOURCE:
        case ROLE_COMPONENT:
          if (format->roles[k] > component && n > 0)
            {
              component = format->roles[k];
              header->component_start = start;
              header->component_end = start + n;
            }
          break;
        case ROLE_CONTENT:
          header->content_start = start;
          break;
        case ROLE_OTHER:
        default:
          break;
        }
    }
  if (time_len > 0)
    tftsr_log_time_parse (time_text, time_len, reference, &header->time);
  return TRUE;
}
