/* tftsr-log-mask.c: a message's variable parts replaced by <*> before it is clustered
 *
 * Whole tokens that are addresses, paths or URLs become one <*> (their brackets and
 * trailing punctuation kept). Other tokens are cut at punctuation (= : , / @ # brackets…)
 * into words, and a word that carries a number is a parameter: one that starts with a digit
 * ("0x1f", "10.2s", a UUID), or holds two digits or more ("blk_-1608", "dn228", "R02-M1").
 * A lone digit inside a name ("ssh2", "alt0") stays: names like those are constant. A
 * name before a dash and a number stays ("node-<*>", "BP-<*>"), as people write templates.
 * Caller's PII spans mask every token they touch, so a value never reaches a template.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "tftsr-log-miner-private.h"

/* Character classes, looked up once per byte of every line. */
enum
{
  SPACE = 1 << 0,
  WORD = 1 << 1, /* everything else but spaces is punctuation that cuts a token */
  DIGIT = 1 << 2,
};

static const guint8 classes[256] = {
  ['\0'] = SPACE, /* a NUL would cut a template's text short */
  [' '] = SPACE,
  ['\t'] = SPACE,
  ['\r'] = SPACE,
  ['\n'] = SPACE,
  ['\v'] = SPACE,
  ['\f'] = SPACE,
  ['0' ... '9'] = WORD | DIGIT,
  ['a' ... 'z'] = WORD,
  ['A' ... 'Z'] = WORD,
  ['_'] = WORD,
  ['-'] = WORD,
  ['.'] = WORD,
  ['+'] = WORD,
  ['$'] = WORD,
  ['~'] = WORD,
  [0x80 ... 0xff] = WORD,
};

static inline gboolean
is_space (char c)
{
  return (classes[(guchar) c] & SPACE) != 0;
}

static inline gboolean
is_digit (char c)
{
  return (classes[(guchar) c] & DIGIT) != 0;
}

static inline gboolean
is_word (char c)
{
  return (classes[(guchar) c] & WORD) != 0;
}

static gboolean
is_hex (char c)
{
  return g_ascii_isxdigit (c);
}

static gboolean
is_ipv4 (const char *s, gsize n)
{
  gsize i = 0;

  for (guint group = 0; group < 4; group++)
    {
      gsize digits = 0;

      if (group > 0)
        {
          if (i >= n || s[i] != '.')
            return FALSE;
          i++;
        }
      while (i < n && is_digit (s[i]) && digits < 4)
        i++, digits++;
      if (digits == 0 || digits > 3)
        return FALSE;
    }
  if (i < n && s[i] == ':')
    {
      gsize digits = 0;

      for (i++; i < n && is_digit (s[i]); i++)
        digits++;
      if (digits == 0)
        return FALSE;
    }
  return i == n;
}

/* "fe80::1", "2001:db8:0:0:1::1", "::ffff:10.0.0.1", and colon-separated MAC addresses. */
static gboolean
is_ipv6_or_mac (const char *s, gsize n)
{
  guint colons = 0, digits = 0;

  if (n < 3)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    {
      if (s[i] == ':')
        colons++;
      else if (is_digit (s[i]))
        digits++;
      else if (!is_hex (s[i]) && s[i] != '.')
        return FALSE;
    }
  return colons >= 2 && (digits > 0 || strstr (s, "::") != NULL);
}

/* "00-1a-2b-3c-4d-5e" (digit-less ones too: "aa-bb-cc-dd-ee-ff") */
static gboolean
is_dashed_mac (const char *s, gsize n)
{
  if (n != 17)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if ((i % 3 == 2) ? s[i] != '-' : !is_hex (s[i]))
      return FALSE;
  return TRUE;
}

static gboolean
is_url (const char *s, gsize n)
{
  gsize i = 0;

  while (i < n && (g_ascii_isalnum (s[i]) || s[i] == '+' || s[i] == '-' || s[i] == '.'))
    i++;
  return i > 0 && i + 3 < n && s[i] == ':' && s[i + 1] == '/' && s[i + 2] == '/';
}

static gboolean
is_path (const char *s, gsize n)
{
  if (n >= 2 && s[0] == '/' && s[1] != '/' && !is_space (s[1]))
    return TRUE;
  if (n >= 3 && s[0] == '~' && s[1] == '/')
    return TRUE;
  return n >= 4 && g_ascii_isalpha (s[0]) && s[1] == ':' && s[2] == '\\';
}

/* The masked text as it is written: room for the worst case (a one-byte word becomes three
 * bytes) is made once per message, so nothing is allocated or checked per byte. */
typedef struct
{
  char *buf;
  gsize len;
} Out;

static inline void
put (Out *o, const char *s, gsize n)
{
  memcpy (o->buf + o->len, s, n);
  o->len += n;
}

static inline void
put_wild (Out *o)
{
  put (o, TFTSR_LOG_WILD, TFTSR_LOG_WILD_LEN);
}

/* One word (no punctuation but . - _ + $ ~) of a token. */
static void
mask_word (const char *w, gsize n, Out *o)
{
  gsize prefix = 0, digits = 0, trail = 0;
  gboolean numeric;

  /* A sentence's full stop is not part of the number before it */
  while (trail < n && w[n - 1 - trail] == '.')
    trail++;
  n -= trail;
  while (prefix < n && g_ascii_isalpha (w[prefix]))
    prefix++;
  if (prefix > 0 && prefix + 1 < n && w[prefix] == '-' && is_digit (w[prefix + 1]))
    prefix++;
  else
    prefix = 0;
  for (gsize i = prefix; i < n && digits < 2; i++)
    digits += is_digit (w[i]);
  numeric =
      n > 0 && (is_digit (w[0]) || (n > 1 && (w[0] == '-' || w[0] == '+') && is_digit (w[1])));

  if (prefix > 0 || numeric || digits >= 2)
    {
      put (o, w, prefix);
      put_wild (o);
    }
  else
    put (o, w, n);
  put (o, w + n, trail);
}

static gboolean
is_opening (char c)
{
  return c == '(' || c == '[' || c == '{' || c == '<' || c == '"' || c == '\'';
}

static gboolean
is_closing (char c)
{
  return c == ')' || c == ']' || c == '}' || c == '>' || c == '"' || c == '\'' || c == ',' ||
         c == ';' || c == ':' || c == '.';
}

/* Whether the core of a token (without its brackets and trailing punctuation) is an
 * address, a path or a URL. */
static gboolean
is_whole_value (const char *core, gsize cn)
{
  const char *colon = memchr (core, ':', cn);
  gboolean slash = memchr (core, '/', cn) != NULL;
  char copy[64];

  if (is_path (core, cn) || (slash && colon != NULL && is_url (core, cn)))
    return TRUE;
  if (is_digit (core[0]) && is_ipv4 (core, cn))
    return TRUE;
  if (cn == 17 && is_dashed_mac (core, cn))
    return TRUE;
  if (colon == NULL || memchr (colon + 1, ':', cn - (colon + 1 - core)) == NULL ||
      cn >= sizeof copy)
    return FALSE;
  /* is_ipv6_or_mac's "::" search wants a string */
  memcpy (copy, core, cn);
  copy[cn] = '\0';
  return is_ipv6_or_mac (copy, cn);
}

static void
mask_token (const char *t, gsize n, Out *o)
{
  gsize cs = 0, ce = n, i = 0;

  while (cs < n && is_opening (t[cs]))
    cs++;
  while (ce > cs && is_closing (t[ce - 1]))
    ce--;
  if (ce > cs && is_whole_value (t + cs, ce - cs))
    {
      put (o, t, cs);
      put_wild (o);
      put (o, t + ce, n - ce);
      return;
    }
  while (i < n)
    {
      gsize start = i;

      if (!is_word (t[i]))
        {
          o->buf[o->len++] = t[i++];
          continue;
        }
      while (i < n && is_word (t[i]))
        i++;
      mask_word (t + start, i - start, o);
    }
}

void
tftsr_log_mask_message (const char *message, gsize len, gsize base, const TftsrLogMask *pii,
                        guint n_pii, GString *out, GArray *tokens)
{
  guint next_pii = 0, n_tokens = 0;
  gsize i = 0;
  Out o;
  TftsrLogToken *token;

  g_string_set_size (out, 3 * len + 8);
  o.buf = out->str;
  o.len = 0;
  g_array_set_size (tokens, len / 2 + 1);
  while (i < len)
    {
      gsize start;

      while (i < len && is_space (message[i]))
        i++;
      if (i >= len)
        break;
      start = i;
      while (i < len && !is_space (message[i]))
        i++;

      if (o.len > 0)
        o.buf[o.len++] = ' ';
      token = &g_array_index (tokens, TftsrLogToken, n_tokens++);
      token->offset = (guint32) o.len;
      while (next_pii < n_pii && pii[next_pii].end <= base + start)
        next_pii++;
      if (next_pii < n_pii && pii[next_pii].start < base + i)
        put_wild (&o);
      else
        mask_token (message + start, i - start, &o);
      token->len = (guint32) (o.len - token->offset);
      token->hash = tftsr_log_token_hash (o.buf + token->offset, token->len);
      token->wild = token->len == TFTSR_LOG_WILD_LEN &&
                    memcmp (o.buf + token->offset, TFTSR_LOG_WILD, TFTSR_LOG_WILD_LEN) == 0;
    }
  g_string_truncate (out, o.len);
  g_array_set_size (tokens, n_tokens);
}
