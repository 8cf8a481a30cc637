/* tftsr-pii-validate.c: checksums and structure checks that turn shape matches into
 * detections (Luhn, IBAN mod-97, SSN rules, address parsing, JWT headers…)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <arpa/inet.h>
#include <string.h>

#include "tftsr-pii-private.h"

static gboolean
is_digit (guint8 c)
{
  return c >= '0' && c <= '9';
}

gboolean
tftsr_pii_luhn_valid (const guint8 *s, gsize len)
{
  guint sum = 0, n = 0;

  for (gsize i = len; i-- > 0;)
    {
      guint d;

      if (!is_digit (s[i]))
        continue;
      d = s[i] - '0';
      if (n++ % 2 == 1)
        d = d * 2 > 9 ? d * 2 - 9 : d * 2;
      sum += d;
    }
  return n > 0 && sum % 10 == 0;
}

/* Digit groups between separators, as lengths. */
static guint
card_groups (const guint8 *s, gsize len, guint *groups, guint max, guint8 *separator)
{
  guint n = 0;

  *separator = 0;
  groups[0] = 0;
  for (gsize i = 0; i < len; i++)
    {
      if (is_digit (s[i]))
        groups[n]++;
      else
        {
          if (*separator != 0 && *separator != s[i])
            return 0; /* "4111 1111-1111 1111" is not how anyone writes a card */
          *separator = s[i];
          if (++n >= max)
            return 0;
          groups[n] = 0;
        }
    }
  return n + 1;
}

/* Issuer prefixes and lengths of the card networks in use. */
static gboolean
card_issuer_known (const guint8 *digits, guint n)
{
  guint p2 = (digits[0] - '0') * 10 + (digits[1] - '0');
  guint p4 = p2 * 100 + (digits[2] - '0') * 10 + (digits[3] - '0');

  switch (digits[0])
    {
    case '4':
      return n == 13 || n == 16 || n == 19; /* Visa */
    case '5':
      return p2 >= 51 && p2 <= 55 && n == 16; /* Mastercard */
    case '2':
      return p4 >= 2221 && p4 <= 2720 && n == 16; /* Mastercard */
    case '3':
      if (p2 == 34 || p2 == 37)
        return n == 15; /* Amex */
      if (p2 == 35)
        return n >= 16 && n <= 19;                                                 /* JCB */
      return (p2 == 30 || p2 == 36 || p2 == 38 || p2 == 39) && n >= 14 && n <= 19; /* Diners */
    case '6':
      return (p4 == 6011 || p2 == 65 || (p4 >= 6440 && p4 <= 6499) || p2 == 62) && n >= 16 &&
             n <= 19; /* Discover, UnionPay */
    default:
      return FALSE;
    }
}

gboolean
tftsr_pii_card_valid (const guint8 *s, gsize len)
{
  guint8 digits[19];
  guint groups[8];
  guint8 separator;
  guint n = 0, n_groups;
  gboolean same = TRUE;

  for (gsize i = 0; i < len; i++)
    if (is_digit (s[i]))
      {
        if (n == sizeof digits)
          return FALSE;
        digits[n++] = s[i];
      }
  if (n < 13 || !card_issuer_known (digits, n))
    return FALSE;
  n_groups = card_groups (s, len, groups, G_N_ELEMENTS (groups), &separator);
  if (n_groups == 0)
    return FALSE;
  if (n_groups > 1)
    {
      /* 4-4-4-4(-3), 4-6-5 (Amex), 4-6-4 (Diners). */
      gboolean fours = TRUE;
      for (guint g = 0; g + 1 < n_groups; g++)
        fours = fours && groups[g] == 4;
      if (!(fours && groups[n_groups - 1] >= 1 && groups[n_groups - 1] <= 4) &&
          !(n_groups == 3 && groups[0] == 4 && groups[1] == 6 &&
            (groups[2] == 5 || groups[2] == 4)))
        return FALSE;
    }
  for (guint i = 1; i < n; i++)
    same = same && digits[i] == digits[0];
  return !same && tftsr_pii_luhn_valid (s, len);
}

/* Registered IBAN lengths by country (ISO 13616 registry). */
static guint
iban_length (char a, char b)
{
  static const struct
  {
    char code[3];
    guint8 length;
  } lengths[] = {
    { "AD", 24 }, { "AE", 23 }, { "AL", 28 }, { "AT", 20 }, { "AZ", 28 }, { "BA", 20 },
    { "BE", 16 }, { "BG", 22 }, { "BH", 22 }, { "BR", 29 }, { "BY", 28 }, { "CH", 21 },
    { "CR", 22 }, { "CY", 28 }, { "CZ", 24 }, { "DE", 22 }, { "DK", 18 }, { "DO", 28 },
    { "EE", 20 }, { "EG", 29 }, { "ES", 24 }, { "FI", 18 }, { "FO", 18 }, { "FR", 27 },
    { "GB", 22 }, { "GE", 22 }, { "GI", 23 }, { "GL", 18 }, { "GR", 27 }, { "GT", 28 },
    { "HR", 21 }, { "HU", 28 }, { "IE", 22 }, { "IL", 23 }, { "IQ", 23 }, { "IS", 26 },
    { "IT", 27 }, { "JO", 30 }, { "KW", 30 }, { "KZ", 20 }, { "LB", 28 }, { "LC", 32 },
    { "LI", 21 }, { "LT", 20 }, { "LU", 20 }, { "LV", 21 }, { "MC", 27 }, { "MD", 24 },
    { "ME", 22 }, { "MK", 19 }, { "MR", 27 }, { "MT", 31 }, { "MU", 30 }, { "NL", 18 },
    { "NO", 15 }, { "PK", 24 }, { "PL", 28 }, { "PS", 29 }, { "PT", 25 }, { "QA", 29 },
    { "RO", 24 }, { "RS", 22 }, { "SA", 24 }, { "SC", 31 }, { "SE", 24 }, { "SI", 19 },
    { "SK", 24 }, { "SM", 27 }, { "ST", 25 }, { "SV", 28 }, { "TL", 23 }, { "TN", 24 },
    { "TR", 26 }, { "UA", 29 }, { "VA", 22 }, { "VG", 24 }, { "XK", 20 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (lengths); i++)
    if (lengths[i].code[0] == a && lengths[i].code[1] == b)
      return lengths[i].length;
  return 0;
}

gboolean
tftsr_pii_iban_valid (const guint8 *s, gsize len)
{
  char compact[34];
  guint n = 0, remainder = 0;

  for (gsize i = 0; i < len; i++)
    if (s[i] != ' ')
      {
        if (n == sizeof compact)
          return FALSE;
        compact[n++] = (char) s[i];
      }
  if (n < 15 || iban_length (compact[0], compact[1]) != n)
    return FALSE;
  /* Move the country code and check digits to the end, letters become 10..35, and the
   * whole number must be 1 modulo 97; computed digit by digit. */
  for (guint k = 0; k < n; k++)
    {
      char c = compact[(k + 4) % n];
      if (c >= '0' && c <= '9')
        remainder = (remainder * 10 + (guint) (c - '0')) % 97;
      else if (c >= 'A' && c <= 'Z')
        remainder = (remainder * 100 + (guint) (c - 'A' + 10)) % 97;
      else
        return FALSE;
    }
  return remainder == 1;
}

gboolean
tftsr_pii_ssn_valid (const guint8 *s, gsize len)
{
  guint area, group, serial;

  if (len != 11)
    return FALSE;
  area = (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
  group = (s[4] - '0') * 10 + (s[5] - '0');
  serial = (s[7] - '0') * 1000 + (s[8] - '0') * 100 + (s[9] - '0') * 10 + (s[10] - '0');
  /* Never issued: area 000, 666 and 900–999, group 00, serial 0000; and the two numbers
   * famous from advertising. */
  if (area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0)
    return FALSE;
  return !(memcmp (s, "078-05-1120", 11) == 0 || memcmp (s, "219-09-9999", 11) == 0);
}

gboolean
tftsr_pii_ipv4_parse (const guint8 *s, gsize len, guint32 *address)
{
  guint32 value = 0;
  guint octet = 0, digits = 0, dots = 0;

  for (gsize i = 0; i <= len; i++)
    {
      if (i < len && is_digit (s[i]))
        {
          octet = octet * 10 + (s[i] - '0');
          if (++digits > 3 || octet > 255)
            return FALSE;
        }
      else if (i == len || s[i] == '.')
        {
          if (digits == 0 || (i < len && ++dots > 3))
            return FALSE;
          value = (value << 8) | octet;
          octet = digits = 0;
        }
      else
        return FALSE;
    }
  if (dots != 3)
    return FALSE;
  if (address != NULL)
    *address = value;
  return TRUE;
}

gboolean
tftsr_pii_ipv6_parse (const guint8 *s, gsize len, guint8 address[16])
{
  char text[INET6_ADDRSTRLEN + 1];
  guint8 scratch[16];

  if (len >= sizeof text)
    return FALSE;
  memcpy (text, s, len);
  text[len] = '\0';
  return inet_pton (AF_INET6, text, address != NULL ? address : scratch) == 1;
}

gboolean
tftsr_pii_phone_valid (const guint8 *s, gsize len)
{
  guint digits = 0;

  for (gsize i = 0; i < len; i++)
    digits += is_digit (s[i]);
  if (s[0] == '+')
    return digits >= 8 && digits <= 15; /* E.164 */
  if (s[0] == '0')
    return digits == 10 || digits == 11;
  return digits == 10; /* North American Numbering Plan */
}

/* Decodes base64 or base64url without padding requirements; NULL if not base64. */
static guint8 *
decode_base64 (const guint8 *s, gsize len, gsize *out_len)
{
  g_autofree char *text = g_malloc (len + 4);
  gsize n = 0;

  for (gsize i = 0; i < len; i++)
    {
      char c = (char) s[i];
      if (c == '-')
        c = '+';
      else if (c == '_')
        c = '/';
      else if (c == '=')
        break;
      else if (!g_ascii_isalnum (c) && c != '+' && c != '/')
        return NULL;
      text[n++] = c;
    }
  if (n % 4 == 1)
    return NULL;
  while (n % 4 != 0)
    text[n++] = '=';
  text[n] = '\0';
  return g_base64_decode (text, out_len);
}

gboolean
tftsr_pii_jwt_valid (const guint8 *s, gsize len)
{
  const guint8 *dot = memchr (s, '.', len);
  g_autofree guint8 *header = NULL;
  gsize n = 0;

  if (dot == NULL || (header = decode_base64 (s, dot - s, &n)) == NULL || n < 2)
    return FALSE;
  if (header[0] != '{' || header[n - 1] != '}')
    return FALSE;
  return g_strstr_len ((const char *) header, n, "\"alg\"") != NULL ||
         g_strstr_len ((const char *) header, n, "\"typ\"") != NULL;
}

gboolean
tftsr_pii_basic_auth_valid (const guint8 *s, gsize len)
{
  g_autofree guint8 *decoded = NULL;
  gsize n = 0;
  const guint8 *colon;

  if ((decoded = decode_base64 (s, len, &n)) == NULL || n < 3)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (decoded[i] < 0x20 || decoded[i] > 0x7e)
      return FALSE;
  colon = memchr (decoded, ':', n);
  return colon != NULL && colon > decoded;
}

/* A token worth hiding has at least two kinds of characters (lower, upper, digits,
 * symbols): "Bearer of bad news" and "Bearer abcdefghijklmnopq" are prose. */
gboolean
tftsr_pii_token_valid (const guint8 *s, gsize len)
{
  gboolean lower = FALSE, upper = FALSE, digit = FALSE, other = FALSE;

  for (gsize i = 0; i < len; i++)
    {
      lower |= g_ascii_islower (s[i]);
      upper |= g_ascii_isupper (s[i]);
      digit |= is_digit (s[i]);
      other |= !g_ascii_isalnum (s[i]);
    }
  return lower + upper + digit + other >= 2;
}

static gboolean
in_list (const char *const *list, const guint8 *s, gsize len)
{
  for (guint i = 0; list[i] != NULL; i++)
    if (strlen (list[i]) == len && g_ascii_strncasecmp (list[i], (const char *) s, len) == 0)
      return TRUE;
  return FALSE;
}

/* Host names: internal suffixes always count; public suffixes only with three or more
 * labels (db01.prod.acme.com), never two (a bare domain is not a host). File names and
 * Java packages and classes share the shape and are the usual false positives. */
gboolean
tftsr_pii_hostname_valid (const guint8 *s, gsize len)
{
  static const char *const internal[] = { "local", "lan",         "internal", "intranet", "corp",
                                          "home",  "localdomain", "priv",     "private",  "int",
                                          "svc",   "cluster",     NULL };
  static const char *const public_tlds[] = {
    "com", "net", "org", "io", "dev", "cloud", "edu", "gov", "mil", "biz",  "info",   "co",   "us",
    "uk",  "de",  "fr",  "nl", "eu",  "ca",    "au",  "jp",  "cn",  "in",   "br",     "ru",   "ch",
    "se",  "no",  "fi",  "dk", "es",  "it",    "pl",  "be",  "at",  "nz",   "sg",     "hk",   "kr",
    "tw",  "za",  "mx",  "ie", "pt",  "cz",    "il",  "app", "ai",  "tech", "online", "site", NULL,
  };
  static const char *const package_roots[] = { "java",     "javax",  "jdk",   "sun",  "com",
                                               "org",      "net",    "io",    "edu",  "android",
                                               "androidx", "kotlin", "scala", "akka", "junit",
                                               "de",       "fr",     "uk",    NULL };
  static const char *const file_extensions[] = {
    "log",        "txt",  "yaml",    "yml",    "json",  "xml",    "conf",   "cfg",   "ini",
    "properties", "java", "class",   "jar",    "war",   "py",     "pyc",    "rb",    "js",
    "ts",         "go",   "rs",      "c",      "h",     "cpp",    "hpp",    "cc",    "sh",
    "so",         "dll",  "exe",     "bin",    "dat",   "db",     "sqlite", "csv",   "tsv",
    "md",         "html", "htm",     "css",    "png",   "jpg",    "jpeg",   "gif",   "svg",
    "pdf",        "gz",   "tgz",     "zip",    "tar",   "bz2",    "xz",     "rpm",   "deb",
    "pem",        "crt",  "key",     "pid",    "lock",  "tmp",    "bak",    "swp",   "out",
    "err",        "sock", "service", "socket", "timer", "mount",  "target", "rules", "old",
    "orig",       "toml", "lst",     "list",   "cnf",   "gradle", "scala",  "kt",    "php",
    "pl",         "sql",  "img",     "iso",    "vmdk",  NULL,
  };
  const guint8 *first_dot = memchr (s, '.', len);
  const guint8 *last_dot = NULL;
  const guint8 *tld;
  gsize tld_len;
  guint labels = 1;

  if (first_dot == NULL)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (s[i] == '.')
      {
        labels++;
        last_dot = s + i;
        /* A label that starts upper-case then lower-case is a class: …io.FileReader */
        if (i + 2 < len && g_ascii_isupper (s[i + 1]) && g_ascii_islower (s[i + 2]))
          return FALSE;
      }
  tld = last_dot + 1;
  tld_len = s + len - tld;
  for (gsize i = 0; i < tld_len; i++)
    if (!g_ascii_isalpha (tld[i]))
      return FALSE;
  if (in_list (file_extensions, tld, tld_len) || in_list (package_roots, s, first_dot - s))
    return FALSE;
  if (in_list (internal, tld, tld_len))
    return TRUE;
  return labels >= 3 && in_list (public_tlds, tld, tld_len);
}
