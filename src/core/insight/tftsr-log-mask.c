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

#define FNV_OFFSET G_GUINT64_CONSTANT (14695981039346656037)
#define FNV_PRIME G_GUINT64_CONSTANT (1099511628211)

static gboolean
is_space (char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

static gboolean
is_digit (char c)
{
  return c >= '0' && c <= '9';
}

static gboolean
is_hex (char c)
{
  return g_ascii_isxdigit (c);
}

/* Word characters; everything else but spaces is punctuation that cuts a token. */
static gboolean
is_word (char c)
{
  return g_ascii_isalnum (c) || c == '_' || c == '-' || c == '.' || c == '+' || c == '$' ||
         c == '~' || (guchar) c >= 0x80;
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

/* One word (no punctuation but . - _ + $ ~) of a token. */
static void
mask_word (const char *w, gsize n, GString *out)
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
  for (gsize i = 0; i < n; i++)
    digits += is_digit (w[i]);
  numeric =
      n > 0 && (is_digit (w[0]) || (n > 1 && (w[0] == '-' || w[0] == '+') && is_digit (w[1])));

  if (prefix > 0 || numeric || digits >= 2)
    {
      g_string_append_len (out, w, prefix);
      g_string_append_len (out, TFTSR_LOG_WILD, TFTSR_LOG_WILD_LEN);
    }
  else
    g_string_append_len (out, w, n);
  g_string_append_len (out, w + n, trail);
}

static void
mask_token (const char *t, gsize n, GString *out)
{
  gsize cs = 0, ce = n, i = 0;

  while (cs < n && strchr ("([{<\"'", t[cs]) != NULL && t[cs] != '\0')
    cs++;
  while (ce > cs && strchr (")]}>\"',;:.", t[ce - 1]) != NULL && t[ce - 1] != '\0')
    ce--;
  if (ce > cs)
    {
      const char *core = t + cs;
      gsize cn = ce - cs;
      char copy[64];

      /* is_ipv6_or_mac's "::" search wants a string */
      if (cn < sizeof copy)
        {
          memcpy (copy, core, cn);
          copy[cn] = '\0';
        }
      if (is_url (core, cn) || is_path (core, cn) || is_ipv4 (core, cn) ||
          is_dashed_mac (core, cn) || (cn < sizeof copy && is_ipv6_or_mac (copy, cn)))
        {
          g_string_append_len (out, t, cs);
          g_string_append_len (out, TFTSR_LOG_WILD, TFTSR_LOG_WILD_LEN);
          g_string_append_len (out, t + ce, n - ce);
          return;
        }
    }
  while (i < n)
    {
      gsize start = i;

      if (!is_word (t[i]))
        {
          g_string_append_c (out, t[i]);
          i++;
          continue;
        }
      while (i < n && is_word (t[i]))
        i++;
      mask_word (t + start, i - start, out);
    }
}

static void
add_token (GString *out, GArray *tokens, gsize start)
{
  TftsrLogToken token = { 0 };
  guint64 hash = FNV_OFFSET;

  token.offset = (guint32) start;
  token.len = (guint32) (out->len - start);
  for (gsize i = start; i < out->len; i++)
    hash = (hash ^ (guchar) out->str[i]) * FNV_PRIME;
  token.hash = hash;
  token.wild = token.len == TFTSR_LOG_WILD_LEN &&
               memcmp (out->str + start, TFTSR_LOG_WILD, TFTSR_LOG_WILD_LEN) == 0;
  g_array_append_val (tokens, token);
}

void
tftsr_log_mask_message (const char *message, gsize len, gsize base, const TftsrLogMask *pii,
                        guint n_pii, GString *out, GArray *tokens)
{
  guint next_pii = 0;
  gsize i = 0;

  g_string_truncate (out, 0);
  g_array_set_size (tokens, 0);
  while (i < len)
    {
      gsize start, token_start;

      while (i < len && is_space (message[i]))
        i++;
      if (i >= len)
        break;
      start = i;
      while (i < len && !is_space (message[i]))
        i++;

      if (out->len > 0)
        g_string_append_c (out, ' ');
      token_start = out->len;
      while (next_pii < n_pii && pii[next_pii].end <= base + start)
        next_pii++;
      if (next_pii < n_pii && pii[next_pii].start < base + i)
        g_string_append_len (out, TFTSR_LOG_WILD, TFTSR_LOG_WILD_LEN);
      else
        mask_token (message + start, i - start, out);
      add_token (out, tokens, token_start);
    }
}
