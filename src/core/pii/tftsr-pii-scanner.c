/* tftsr-pii-scanner.c: finds the catalogue's types in bytes, whole or streamed
 *
 * One pass of cheap triggers proposes where a type can start (token starts for numbers,
 * upper-case ids, vendor prefixes and secret keywords; memchr for '@', ':', '.', '+',
 * '(', '/', '\' and PEM headers). Only there does the type's anchored, JIT-compiled
 * pattern run, followed by its context rules and validator. Overlaps are then resolved by
 * priority (validated secret > specific type > generic), longer first on ties.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE /* memmem */
#include <glib/gi18n-lib.h>
#include <string.h>

#include "tftsr-pii-private.h"

typedef struct
{
  char *name;
  pcre2_code *code;
} CustomPattern;

struct _TftsrPiiScanner
{
  GObject parent_instance;

  guint32 enabled; /* bit per TftsrPiiType */
  TftsrPiiAllowList *allow;
  GPtrArray *custom; /* CustomPattern */
};

G_DEFINE_FINAL_TYPE (TftsrPiiScanner, tftsr_pii_scanner, G_TYPE_OBJECT)
G_STATIC_ASSERT (TFTSR_PII_N_TYPES <= 32);

static void
custom_pattern_free (CustomPattern *pattern)
{
  g_free (pattern->name);
  pcre2_code_free (pattern->code);
  g_free (pattern);
}

static void
tftsr_pii_scanner_finalize (GObject *object)
{
  TftsrPiiScanner *self = TFTSR_PII_SCANNER (object);

  tftsr_pii_allow_list_free (self->allow);
  g_ptr_array_unref (self->custom);
  G_OBJECT_CLASS (tftsr_pii_scanner_parent_class)->finalize (object);
}

static void
tftsr_pii_scanner_class_init (TftsrPiiScannerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tftsr_pii_scanner_finalize;
}

static void
tftsr_pii_scanner_init (TftsrPiiScanner *self)
{
  self->enabled = (1u << TFTSR_PII_N_TYPES) - 1;
  self->allow = tftsr_pii_allow_list_new ();
  self->custom = g_ptr_array_new_with_free_func ((GDestroyNotify) custom_pattern_free);
}

TftsrPiiScanner *
tftsr_pii_scanner_new (void)
{
  /* Compiling every pattern up front keeps the first scan's timing honest. */
  tftsr_pii_type_code (TFTSR_PII_EMAIL);
  return g_object_new (TFTSR_TYPE_PII_SCANNER, NULL);
}

void
tftsr_pii_scanner_set_enabled (TftsrPiiScanner *self, TftsrPiiType type, gboolean enabled)
{
  g_return_if_fail (TFTSR_IS_PII_SCANNER (self));
  g_return_if_fail ((guint) type < TFTSR_PII_N_TYPES);

  if (enabled)
    self->enabled |= 1u << type;
  else
    self->enabled &= ~(1u << type);
}

gboolean
tftsr_pii_scanner_get_enabled (TftsrPiiScanner *self, TftsrPiiType type)
{
  g_return_val_if_fail (TFTSR_IS_PII_SCANNER (self), FALSE);
  g_return_val_if_fail ((guint) type < TFTSR_PII_N_TYPES, FALSE);
  return (self->enabled & (1u << type)) != 0;
}

gboolean
tftsr_pii_scanner_set_allow_list (TftsrPiiScanner *self, const char *const *entries, GError **error)
{
  g_autoptr (TftsrPiiAllowList) list = tftsr_pii_allow_list_new ();

  g_return_val_if_fail (TFTSR_IS_PII_SCANNER (self), FALSE);

  for (guint i = 0; entries != NULL && entries[i] != NULL; i++)
    if (!tftsr_pii_allow_list_add (list, entries[i], error))
      return FALSE;
  tftsr_pii_allow_list_free (self->allow);
  self->allow = g_steal_pointer (&list);
  return TRUE;
}

gboolean
tftsr_pii_scanner_add_pattern (TftsrPiiScanner *self, const char *name, const char *regex,
                               GError **error)
{
  CustomPattern *pattern;
  int code = 0;
  PCRE2_SIZE offset = 0;
  pcre2_code *compiled;

  g_return_val_if_fail (TFTSR_IS_PII_SCANNER (self), FALSE);
  g_return_val_if_fail (name != NULL && regex != NULL, FALSE);

  compiled = pcre2_compile ((PCRE2_SPTR) regex, PCRE2_ZERO_TERMINATED, 0, &code, &offset, NULL);
  if (compiled == NULL)
    {
      PCRE2_UCHAR message[256];
      pcre2_get_error_message (code, message, sizeof message);
      g_set_error (error, TFTSR_PII_ERROR, TFTSR_PII_ERROR_BAD_PATTERN,
                   _ ("The pattern “%s” is not a valid regular expression: %s (at character %zu)"),
                   name, (const char *) message, (gsize) offset);
      return FALSE;
    }
  pcre2_jit_compile (compiled, PCRE2_JIT_COMPLETE);
  pattern = g_new0 (CustomPattern, 1);
  pattern->name = g_strdup (name);
  pattern->code = compiled;
  g_ptr_array_add (self->custom, pattern);
  return TRUE;
}

const char *
tftsr_pii_scanner_get_pattern_name (TftsrPiiScanner *self, guint index)
{
  g_return_val_if_fail (TFTSR_IS_PII_SCANNER (self), NULL);
  g_return_val_if_fail (index < self->custom->len, NULL);
  return ((CustomPattern *) g_ptr_array_index (self->custom, index))->name;
}

/* --- one buffer ----------------------------------------------------------------------- */

typedef struct
{
  gsize start;
  gsize end;
  TftsrPiiType type;
  guint custom;
  int priority;
} Candidate;

/* Triggers run over the whole buffer, context included, so that a keyword just before
 * @from still finds its value after it; only candidates starting at @from count. */
typedef struct
{
  TftsrPiiScanner *scanner;
  const guint8 *buf;
  gsize len;
  gsize from;
  pcre2_match_data *md;
  GArray *candidates;
} Scan;

/* Byte classes: one table lookup per byte in the hot loops. */
enum
{
  C_DIGIT = 1 << 0,
  C_UPPER = 1 << 1,
  C_LOWER = 1 << 2,
  C_HEX = 1 << 3,
  C_HOST = 1 << 4,  /* letters, digits, '-' */
  C_LOCAL = 1 << 5, /* e-mail local part */
};

static guint8 classes[256];

static void
init_classes (void)
{
  for (int c = 0; c < 256; c++)
    {
      guint8 k = 0;
      if (c >= '0' && c <= '9')
        k |= C_DIGIT | C_HEX | C_HOST | C_LOCAL;
      if (c >= 'A' && c <= 'Z')
        k |= C_UPPER | C_HOST | C_LOCAL;
      if (c >= 'a' && c <= 'z')
        k |= C_LOWER | C_HOST | C_LOCAL;
      if ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))
        k |= C_HEX;
      if (c == '-')
        k |= C_HOST | C_LOCAL;
      if (c == '.' || c == '_' || c == '%' || c == '+')
        k |= C_LOCAL;
      classes[c] = k;
    }
}

#define IS(c, k) ((classes[(guint8) (c)] & (k)) != 0)
#define ALNUM (C_DIGIT | C_UPPER | C_LOWER)

static guint8
at (const Scan *s, gsize i)
{
  return i < s->len ? s->buf[i] : 0;
}

static gboolean
before_is (const Scan *s, gsize i, guint klass)
{
  return i > 0 && IS (s->buf[i - 1], klass);
}

static gboolean
has_prefix (const Scan *s, gsize i, const char *prefix, gsize n)
{
  return i + n <= s->len && memcmp (s->buf + i, prefix, n) == 0;
}

static gboolean
has_prefix_nocase (const Scan *s, gsize i, const char *prefix, gsize n)
{
  return i + n <= s->len && g_ascii_strncasecmp ((const char *) s->buf + i, prefix, n) == 0;
}

static void
add_candidate (Scan *s, gsize start, gsize end, TftsrPiiType type, guint custom, int priority)
{
  Candidate c = { start, end, type, custom, priority };

  if (start >= s->from && end > start)
    g_array_append_val (s->candidates, c);
}

/* Context rules and validators: whether the pattern's match is really the type. */
static gboolean
accept (const Scan *s, TftsrPiiType type, gsize start, gsize end)
{
  const guint8 *v = s->buf + start;
  gsize n = end - start;
  guint8 prev = start > 0 ? s->buf[start - 1] : ' ';
  guint8 next = at (s, end);

  switch (type)
    {
    case TFTSR_PII_IPV4:
      /* Not a piece of a longer dotted number (OIDs, versions). */
      if (prev == '.' || IS (prev, C_DIGIT) || (next == '.' && IS (at (s, end + 1), C_DIGIT)))
        return FALSE;
      return tftsr_pii_ipv4_parse (v, n, NULL);
    case TFTSR_PII_IPV6:
      {
        gboolean digit = FALSE;
        for (gsize i = 0; i < n; i++)
          digit |= IS (v[i], C_DIGIT);
        /* "a::b" and "std::string" are code, not addresses. */
        if (!digit || IS (prev, ALNUM) || prev == '_' || IS (next, ALNUM) || next == '_')
          return FALSE;
        return tftsr_pii_ipv6_parse (v, n, NULL);
      }
    case TFTSR_PII_MAC:
      if (IS (prev, C_HEX) || prev == ':' || prev == '-' || prev == '.' || next == ':' ||
          next == '-')
        return FALSE;
      if (n == 17)
        for (gsize i = 5; i < n; i += 3)
          if (v[i] != v[2])
            return FALSE;
      /* The all-zero and broadcast addresses identify nobody. */
      return !(memcmp (v, "00:00:00:00:00:00", n) == 0 ||
               g_ascii_strncasecmp ((const char *) v, "ff:ff:ff:ff:ff:ff", n) == 0);
    case TFTSR_PII_PHONE:
      if (IS (prev, ALNUM) || prev == '+' || prev == '.' || prev == '-' || IS (next, C_DIGIT))
        return FALSE;
      return tftsr_pii_phone_valid (v, n);
    case TFTSR_PII_CREDIT_CARD:
      if (IS (prev, C_DIGIT) || prev == '-' || prev == '.' || prev == ',' ||
          (next == '.' && IS (at (s, end + 1), C_DIGIT)))
        return FALSE;
      return tftsr_pii_card_valid (v, n);
    case TFTSR_PII_SSN:
      if (prev == '-' || next == '-')
        return FALSE;
      return tftsr_pii_ssn_valid (v, n);
    case TFTSR_PII_IBAN:
      return tftsr_pii_iban_valid (v, n);
    case TFTSR_PII_HOSTNAME:
      if (prev == '.' || prev == '-')
        return FALSE;
      return tftsr_pii_hostname_valid (v, n);
    case TFTSR_PII_EMAIL:
      return v[0] != '.' && prev != '.';
    case TFTSR_PII_USERNAME:
      {
        static const char *const shared[] = { "Public", "Shared", "Default", ".", "..", NULL };
        for (guint i = 0; shared[i] != NULL; i++)
          if (strlen (shared[i]) == n && memcmp (shared[i], v, n) == 0)
            return FALSE;
        return TRUE;
      }
    case TFTSR_PII_BEARER_TOKEN:
      return tftsr_pii_token_valid (v, n);
    case TFTSR_PII_BASIC_AUTH:
      return tftsr_pii_basic_auth_valid (v, n);
    case TFTSR_PII_JWT:
      return tftsr_pii_jwt_valid (v, n);
    case TFTSR_PII_GOOGLE_API_KEY:
      return !IS (next, ALNUM) && next != '_' && next != '-';
    case TFTSR_PII_AWS_SECRET_KEY:
      /* Exactly 40 characters: a trailing '/' or '+' defeats \b. */
      return !IS (next, ALNUM) && next != '/' && next != '+';
    default:
      return TRUE;
    }
}

/* Runs @type's anchored pattern at @pos; a match that passes its rules and is not on the
 * allow-list becomes a candidate (its first capture group, if set, is the span). */
static void
try_type (Scan *s, TftsrPiiType type, gsize pos)
{
  const pcre2_code *code;
  PCRE2_SIZE *ov;
  gsize start, end;
  int rc;

  if ((s->scanner->enabled & (1u << type)) == 0 || pos >= s->len)
    return;
  code = tftsr_pii_type_code (type);
  rc = pcre2_jit_match (code, s->buf, s->len, pos, 0, s->md, NULL);
  if (rc == PCRE2_ERROR_JIT_BADOPTION)
    rc = pcre2_match (code, s->buf, s->len, pos, 0, s->md, NULL);
  if (rc < 0)
    return;
  ov = pcre2_get_ovector_pointer (s->md);
  start = ov[0];
  end = ov[1];
  if (rc >= 2 && ov[2] != PCRE2_UNSET)
    {
      start = ov[2];
      end = ov[3];
    }
  if (end <= start || !accept (s, type, start, end) ||
      tftsr_pii_allow_list_contains (s->scanner->allow, type, s->buf + start, end - start))
    return;
  add_candidate (s, start, end, type, 0, tftsr_pii_type_info (type)->priority);
}

/* A run of digits at a token start: addresses, cards, SSNs, phone numbers, MACs. */
static void
digits_at (Scan *s, gsize i)
{
  gsize r = 0;
  guint8 after;

  while (IS (at (s, i + r), C_DIGIT))
    r++;
  after = at (s, i + r);
  if (r <= 3 && after == '.' && IS (at (s, i + r + 1), C_DIGIT))
    try_type (s, TFTSR_PII_IPV4, i);
  if (r == 3 && after == '-')
    try_type (s, TFTSR_PII_SSN, i);
  if (r == 3 && (after == '-' || after == '.' || after == ' '))
    try_type (s, TFTSR_PII_PHONE, i);
  if (s->buf[i] == '0' && r >= 2 && r <= 5 && (after == ' ' || after == '-' || after == '.'))
    try_type (s, TFTSR_PII_PHONE, i);
  if (r >= 13 || (r == 4 && (after == ' ' || after == '-') && IS (at (s, i + 5), C_DIGIT)))
    try_type (s, TFTSR_PII_CREDIT_CARD, i);
}

/* A token that starts with a letter: ids with a fixed prefix, IBANs, secret keywords. */
static void
letters_at (Scan *s, gsize i)
{
  guint8 c = s->buf[i];
  guint8 lower = g_ascii_tolower (c);

  switch (c)
    {
    case 'A':
      if (has_prefix (s, i, "AKIA", 4) || has_prefix (s, i, "ASIA", 4))
        try_type (s, TFTSR_PII_AWS_ACCESS_KEY, i);
      else if (has_prefix (s, i, "AIza", 4))
        try_type (s, TFTSR_PII_GOOGLE_API_KEY, i);
      break;
    case 'g':
      if ((has_prefix (s, i, "gh", 2) && at (s, i + 3) == '_') ||
          has_prefix (s, i, "github_pat_", 11))
        try_type (s, TFTSR_PII_GITHUB_TOKEN, i);
      break;
    case 'x':
      if (has_prefix (s, i, "xox", 3))
        try_type (s, TFTSR_PII_SLACK_TOKEN, i);
      break;
    case 'e':
      if (has_prefix (s, i, "eyJ", 3))
        try_type (s, TFTSR_PII_JWT, i);
      break;
    default:
      break;
    }
  if (IS (c, C_UPPER) && IS (at (s, i + 1), C_UPPER) && IS (at (s, i + 2), C_DIGIT) &&
      IS (at (s, i + 3), C_DIGIT))
    try_type (s, TFTSR_PII_IBAN, i);

  switch (lower)
    {
    case 'p':
      if (has_prefix_nocase (s, i, "pass", 4) || has_prefix_nocase (s, i, "pwd", 3))
        try_type (s, TFTSR_PII_PASSWORD, i);
      else if (has_prefix_nocase (s, i, "priv", 4))
        try_type (s, TFTSR_PII_API_KEY, i);
      break;
    case 's':
      if (has_prefix (s, i, "sk_live_", 8))
        try_type (s, TFTSR_PII_STRIPE_KEY, i);
      else if (has_prefix_nocase (s, i, "secret", 6))
        {
          try_type (s, TFTSR_PII_AWS_SECRET_KEY, i);
          try_type (s, TFTSR_PII_API_KEY, i);
        }
      break;
    case 'r':
      if (has_prefix (s, i, "rk_live_", 8))
        try_type (s, TFTSR_PII_STRIPE_KEY, i);
      else if (has_prefix_nocase (s, i, "refresh", 7))
        try_type (s, TFTSR_PII_API_KEY, i);
      break;
    case 'a':
      if (has_prefix_nocase (s, i, "aws", 3))
        try_type (s, TFTSR_PII_AWS_SECRET_KEY, i);
      else if (has_prefix_nocase (s, i, "api", 3) || has_prefix_nocase (s, i, "acc", 3) ||
               has_prefix_nocase (s, i, "aut", 3) || has_prefix_nocase (s, i, "app", 3))
        try_type (s, TFTSR_PII_API_KEY, i);
      break;
    case 't':
      if (has_prefix_nocase (s, i, "token", 5))
        try_type (s, TFTSR_PII_API_KEY, i);
      break;
    case 'c':
      if (has_prefix_nocase (s, i, "client", 6))
        try_type (s, TFTSR_PII_API_KEY, i);
      break;
    case 'b':
      if (has_prefix_nocase (s, i, "bearer", 6))
        try_type (s, TFTSR_PII_BEARER_TOKEN, i);
      else if (has_prefix_nocase (s, i, "basic", 5))
        try_type (s, TFTSR_PII_BASIC_AUTH, i);
      break;
    default:
      break;
    }
}

static void
token_starts (Scan *s)
{
  for (gsize i = 0; i < s->len; i++)
    {
      guint8 c = s->buf[i];

      if (!IS (c, ALNUM) || before_is (s, i, ALNUM))
        continue;
      if (IS (c, C_DIGIT))
        digits_at (s, i);
      else
        letters_at (s, i);
      /* MACs written with dashes or dots may start with a letter or a digit. */
      if (IS (c, C_HEX) && IS (at (s, i + 1), C_HEX) &&
          (at (s, i + 2) == '-' ||
           (IS (at (s, i + 2), C_HEX) && IS (at (s, i + 3), C_HEX) && at (s, i + 4) == '.')))
        try_type (s, TFTSR_PII_MAC, i);
    }
}

/* Calls @func for every @c in the scanned region. */
static void
each_byte (Scan *s, guint8 c, void (*func) (Scan *, gsize))
{
  const guint8 *p = s->buf;
  const guint8 *end = s->buf + s->len;

  while (p < end && (p = memchr (p, c, end - p)) != NULL)
    {
      func (s, p - s->buf);
      p++;
    }
}

static void
at_sign (Scan *s, gsize i)
{
  gsize start = i;

  while (start > 0 && i - start < 64 && IS (s->buf[start - 1], C_LOCAL))
    start--;
  if (start < i)
    try_type (s, TFTSR_PII_EMAIL, start);
}

/* Colons: URL credentials after "://", IPv6 and MAC addresses among hex digits. Each
 * run of hex digits and colons is examined once, from its first colon. */
static void
colon (Scan *s, gsize i)
{
  gsize start = i, end, colons = 0;
  gboolean compressed = FALSE;

  if (at (s, i + 1) == '/' && at (s, i + 2) == '/')
    {
      while (start > 0 && i - start < 16 &&
             (IS (s->buf[start - 1], ALNUM) || strchr ("+.-", s->buf[start - 1]) != NULL))
        start--;
      if (start < i)
        try_type (s, TFTSR_PII_URL_CREDENTIALS, start);
      return;
    }
  while (start > 0 && i - start < 45 && (IS (s->buf[start - 1], C_HEX) || s->buf[start - 1] == ':'))
    start--;
  if (memchr (s->buf + start, ':', i - start) != NULL)
    return;
  for (end = start;
       end < s->len && end - start < 46 && (IS (s->buf[end], C_HEX) || s->buf[end] == ':'); end++)
    if (s->buf[end] == ':')
      {
        colons++;
        compressed |= at (s, end + 1) == ':';
      }
  if (compressed || colons >= 7)
    {
      try_type (s, TFTSR_PII_IPV6, start);
      /* "key:fe80::1": the address starts after a lone separating colon. */
      if (s->buf[start] == ':' && at (s, start + 1) != ':')
        try_type (s, TFTSR_PII_IPV6, start + 1);
    }
  if (colons == 5 && end - start == 17)
    try_type (s, TFTSR_PII_MAC, start);
}

/* Dots between letters: host names, judged once per dotted token. */
static void
dot (Scan *s, gsize i)
{
  gsize start = i;

  if (i == 0 || !IS (s->buf[i - 1], ALNUM) || !IS (at (s, i + 1), C_UPPER | C_LOWER))
    return;
  while (start > 0 && i - start < 253 &&
         (IS (s->buf[start - 1], C_HOST) || s->buf[start - 1] == '.'))
    start--;
  /* Only the token's first dot starts the work. */
  if (memchr (s->buf + start, '.', i - start) != NULL)
    return;
  while (start < i && !IS (s->buf[start], ALNUM))
    start++;
  try_type (s, TFTSR_PII_HOSTNAME, start);
}

static void
plus (Scan *s, gsize i)
{
  if (IS (at (s, i + 1), C_DIGIT) && !before_is (s, i, ALNUM))
    try_type (s, TFTSR_PII_PHONE, i);
}

static void
parenthesis (Scan *s, gsize i)
{
  if (IS (at (s, i + 1), C_DIGIT) && at (s, i + 4) == ')')
    try_type (s, TFTSR_PII_PHONE, i);
}

static void
slash (Scan *s, gsize i)
{
  if (has_prefix (s, i, "/home/", 6) || has_prefix (s, i, "/Users/", 7))
    try_type (s, TFTSR_PII_USERNAME, i);
}

static void
backslash (Scan *s, gsize i)
{
  if (i >= 2 && s->buf[i - 1] == ':' && IS (s->buf[i - 2], C_UPPER | C_LOWER) &&
      has_prefix (s, i + 1, "Users\\", 6))
    try_type (s, TFTSR_PII_USERNAME, i - 2);
}

static void
pem_blocks (Scan *s)
{
  const guint8 *p = s->buf;
  const guint8 *end = s->buf + s->len;

  while (p < end && (p = memmem (p, end - p, "-----BEGIN ", 11)) != NULL)
    {
      try_type (s, TFTSR_PII_PRIVATE_KEY, p - s->buf);
      p += 11;
    }
}

static void
custom_patterns (Scan *s)
{
  for (guint k = 0; k < s->scanner->custom->len; k++)
    {
      const CustomPattern *pattern = g_ptr_array_index (s->scanner->custom, k);
      pcre2_match_data *md = pcre2_match_data_create_from_pattern (pattern->code, NULL);
      gsize pos = 0;

      while (pos < s->len && pcre2_match (pattern->code, s->buf, s->len, pos, 0, md, NULL) > 0)
        {
          PCRE2_SIZE *ov = pcre2_get_ovector_pointer (md);
          gboolean group = pcre2_get_ovector_count (md) > 1 && ov[2] != PCRE2_UNSET;

          add_candidate (s, group ? ov[2] : ov[0], group ? ov[3] : ov[1], TFTSR_PII_CUSTOM, k,
                         PRIORITY_KEYWORD);
          pos = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
        }
      pcre2_match_data_free (md);
    }
}

static gint
by_start (gconstpointer a, gconstpointer b)
{
  const Candidate *x = a, *y = b;
  return (x->start > y->start) - (x->start < y->start);
}

static gint
by_priority (gconstpointer a, gconstpointer b)
{
  const Candidate *x = a, *y = b;

  if (x->priority != y->priority)
    return y->priority - x->priority;
  if (x->end - x->start != y->end - y->start)
    return (y->end - y->start) > (x->end - x->start) ? 1 : -1;
  return by_start (a, b);
}

/* Whether a byte of [@start, @end) is set in the bitmap @taken; sets them all if none is. */
static gboolean
take_bytes (guint8 *taken, gsize start, gsize end)
{
  for (gsize i = start; i < end; i++)
    if (taken[i / 8] & (1u << (i % 8)))
      return FALSE;
  for (gsize i = start; i < end; i++)
    taken[i / 8] |= 1u << (i % 8);
  return TRUE;
}

/* Keeps the winners of every overlap, sorted by start: in order of priority, each
 * candidate that shares no byte with one kept before. A bitmap of the bytes kept answers
 * that; keeping the winners sorted while they come in moved most of them at each one. */
static GArray *
resolve (GArray *candidates)
{
  GArray *kept = g_array_sized_new (FALSE, FALSE, sizeof (Candidate), candidates->len);
  g_autofree guint8 *taken = NULL;
  gsize end = 0;

  for (guint i = 0; i < candidates->len; i++)
    end = MAX (end, g_array_index (candidates, Candidate, i).end);
  taken = g_malloc0 (end / 8 + 1);
  g_array_sort (candidates, by_priority);
  for (guint i = 0; i < candidates->len; i++)
    {
      const Candidate *c = &g_array_index (candidates, Candidate, i);

      if (take_bytes (taken, c->start, c->end))
        g_array_append_val (kept, *c);
    }
  g_array_sort (kept, by_start);
  return kept;
}

/* All winning spans of @buf that start at @from or later, sorted by start. */
static GArray *
scan_buffer (TftsrPiiScanner *scanner, const guint8 *buf, gsize len, gsize from)
{
  static gsize classes_ready;
  g_autoptr (GArray) candidates = g_array_new (FALSE, FALSE, sizeof (Candidate));
  Scan s = { scanner, buf, len, from, NULL, candidates };

  if (g_once_init_enter (&classes_ready))
    {
      init_classes ();
      g_once_init_leave (&classes_ready, 1);
    }
  s.md = pcre2_match_data_create (8, NULL);
  token_starts (&s);
  each_byte (&s, '@', at_sign);
  each_byte (&s, ':', colon);
  each_byte (&s, '.', dot);
  each_byte (&s, '+', plus);
  each_byte (&s, '(', parenthesis);
  each_byte (&s, '/', slash);
  each_byte (&s, '\\', backslash);
  pem_blocks (&s);
  custom_patterns (&s);
  pcre2_match_data_free (s.md);
  return resolve (candidates);
}

static TftsrPiiSpan
to_span (const Candidate *c, guint64 base)
{
  TftsrPiiSpan span = { base + c->start, base + c->end, c->type, c->custom };
  return span;
}

GArray *
tftsr_pii_scanner_scan (TftsrPiiScanner *self, const guint8 *data, gsize length)
{
  g_autoptr (GArray) found = NULL;
  GArray *spans = g_array_new (FALSE, FALSE, sizeof (TftsrPiiSpan));

  g_return_val_if_fail (TFTSR_IS_PII_SCANNER (self), NULL);
  g_return_val_if_fail (data != NULL || length == 0, NULL);

  found = scan_buffer (self, data, length, 0);
  for (guint i = 0; i < found->len; i++)
    {
      TftsrPiiSpan span = to_span (&g_array_index (found, Candidate, i), 0);
      g_array_append_val (spans, span);
    }
  return spans;
}

/* --- streams ---------------------------------------------------------------------------- */

/* A stream scans once a batch is buffered, keeps a look-ahead (TFTSR_PII_MAX_SPAN) for
 * spans that cross the cut, and CONTEXT bytes behind it for the rules that look back. */
#define STREAM_BATCH (1024 * 1024)
#define CONTEXT 64

struct _TftsrPiiStream
{
  TftsrPiiScanner *scanner;
  TftsrPiiSpanFunc func;
  gpointer user_data;
  gsize batch;
  gsize lookahead;
  GByteArray *buf;
  guint64 base;    /* stream offset of buf->data[0] */
  guint64 from;    /* spans must start here or later… */
  guint64 covered; /* …and not inside a span already reported */
};

TftsrPiiStream *
tftsr_pii_stream_new_full (TftsrPiiScanner *scanner, gsize batch, gsize lookahead,
                           TftsrPiiSpanFunc func, gpointer user_data)
{
  TftsrPiiStream *stream;

  g_return_val_if_fail (TFTSR_IS_PII_SCANNER (scanner), NULL);
  g_return_val_if_fail (func != NULL, NULL);
  g_return_val_if_fail (batch > 0 && lookahead > 0, NULL);

  stream = g_new0 (TftsrPiiStream, 1);
  stream->scanner = g_object_ref (scanner);
  stream->func = func;
  stream->user_data = user_data;
  stream->batch = batch;
  stream->lookahead = lookahead;
  stream->buf = g_byte_array_sized_new (batch + lookahead);
  return stream;
}

TftsrPiiStream *
tftsr_pii_stream_new (TftsrPiiScanner *scanner, TftsrPiiSpanFunc func, gpointer user_data)
{
  return tftsr_pii_stream_new_full (scanner, STREAM_BATCH, TFTSR_PII_MAX_SPAN, func, user_data);
}

static void
process (TftsrPiiStream *stream, gboolean final)
{
  gsize limit = final ? stream->buf->len : stream->buf->len - stream->lookahead;
  guint64 floor = MAX (stream->from, stream->covered);
  gsize from = floor > stream->base ? (gsize) (floor - stream->base) : 0;
  g_autoptr (GArray) found =
      scan_buffer (stream->scanner, stream->buf->data, stream->buf->len, from);
  gsize keep;

  for (guint i = 0; i < found->len; i++)
    {
      const Candidate *c = &g_array_index (found, Candidate, i);
      TftsrPiiSpan span;

      if (c->start >= limit)
        break;
      span = to_span (c, stream->base);
      stream->func (&span, stream->buf->data + c->start, stream->user_data);
      stream->covered = span.end;
    }
  if (final)
    return;
  keep = limit > CONTEXT ? limit - CONTEXT : 0;
  g_byte_array_remove_range (stream->buf, 0, keep);
  stream->base += keep;
  stream->from = stream->base + (limit - keep);
}

void
tftsr_pii_stream_feed (TftsrPiiStream *stream, const guint8 *data, gsize length)
{
  g_return_if_fail (stream != NULL);

  while (length > 0)
    {
      gsize room = stream->batch + stream->lookahead - stream->buf->len;
      gsize take = MIN (room, length);

      g_byte_array_append (stream->buf, data, take);
      data += take;
      length -= take;
      if (stream->buf->len == stream->batch + stream->lookahead)
        process (stream, FALSE);
    }
}

guint64
tftsr_pii_stream_get_horizon (TftsrPiiStream *stream)
{
  g_return_val_if_fail (stream != NULL, 0);
  return MAX (stream->from, stream->covered);
}

void
tftsr_pii_stream_free (TftsrPiiStream *stream)
{
  if (stream == NULL)
    return;
  g_byte_array_unref (stream->buf);
  g_object_unref (stream->scanner);
  g_free (stream);
}

void
tftsr_pii_stream_finish (TftsrPiiStream *stream)
{
  g_return_if_fail (stream != NULL);

  process (stream, TRUE);
  tftsr_pii_stream_free (stream);
}
