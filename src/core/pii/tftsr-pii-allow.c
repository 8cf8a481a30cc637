/* tftsr-pii-allow.c: values that are never reported: address ranges, domain suffixes and
 * exact values
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>
#include <string.h>

#include "tftsr-pii-private.h"

typedef struct
{
  guint8 address[16];
  guint prefix; /* bits */
  gboolean v6;
} Range;

struct _TftsrPiiAllowList
{
  GArray *ranges;      /* Range */
  GPtrArray *suffixes; /* lower-case, with the leading dot: ".example.com" */
  GHashTable *exact;   /* values as given */
};

/* Loopback, unspecified, documentation ranges (RFC 5737, RFC 3849), documentation and
 * reserved domains (RFC 2606, RFC 6761), and the keys of the AWS documentation. */
static const char *const defaults[] = {
  "127.0.0.0/8",
  "0.0.0.0/32",
  "192.0.2.0/24",
  "198.51.100.0/24",
  "203.0.113.0/24",
  "::1/128",
  "::/128",
  "2001:db8::/32",
  ".example.com",
  ".example.org",
  ".example.net",
  ".example",
  ".test",
  ".invalid",
  ".localhost",
  "localhost",
  "AKIAIOSFODNN7EXAMPLE",
  "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
};

void
tftsr_pii_allow_list_free (TftsrPiiAllowList *list)
{
  if (list == NULL)
    return;
  g_array_unref (list->ranges);
  g_ptr_array_unref (list->suffixes);
  g_hash_table_unref (list->exact);
  g_free (list);
}

TftsrPiiAllowList *
tftsr_pii_allow_list_new (void)
{
  TftsrPiiAllowList *list = g_new0 (TftsrPiiAllowList, 1);

  list->ranges = g_array_new (FALSE, FALSE, sizeof (Range));
  list->suffixes = g_ptr_array_new_with_free_func (g_free);
  list->exact = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (defaults); i++)
    if (!tftsr_pii_allow_list_add (list, defaults[i], NULL))
      g_assert_not_reached ();
  return list;
}

static gboolean
parse_range (const char *entry, Range *range)
{
  const char *slash = strchr (entry, '/');
  g_autofree char *address = g_strndup (entry, slash - entry);
  guint64 prefix;
  guint32 v4;

  memset (range, 0, sizeof *range);
  if (!g_ascii_string_to_unsigned (slash + 1, 10, 0, 128, &prefix, NULL))
    return FALSE;
  if (tftsr_pii_ipv4_parse ((const guint8 *) address, strlen (address), &v4))
    {
      if (prefix > 32)
        return FALSE;
      v4 = GUINT32_TO_BE (v4);
      memcpy (range->address, &v4, 4);
    }
  else if (tftsr_pii_ipv6_parse ((const guint8 *) address, strlen (address), range->address))
    range->v6 = TRUE;
  else
    return FALSE;
  range->prefix = (guint) prefix;
  return TRUE;
}

gboolean
tftsr_pii_allow_list_add (TftsrPiiAllowList *list, const char *entry, GError **error)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (entry != NULL ? entry : ""));
  Range range;

  if (*trimmed == '\0')
    {
      g_set_error_literal (error, TFTSR_PII_ERROR, TFTSR_PII_ERROR_BAD_ALLOW_ENTRY,
                           _ ("An allow-list entry cannot be empty"));
      return FALSE;
    }
  /* "a/b" that is no address range (an AWS secret has slashes) is an exact value. */
  if (strchr (trimmed, '/') != NULL && parse_range (trimmed, &range))
    g_array_append_val (list->ranges, range);
  else if (trimmed[0] == '.' && trimmed[1] != '\0')
    g_ptr_array_add (list->suffixes, g_ascii_strdown (trimmed, -1));
  else
    g_hash_table_add (list->exact, g_steal_pointer (&trimmed));
  return TRUE;
}

static gboolean
in_range (const Range *range, const guint8 *address, gboolean v6)
{
  guint full = range->prefix / 8, rest = range->prefix % 8;

  if (range->v6 != v6)
    return FALSE;
  if (memcmp (range->address, address, full) != 0)
    return FALSE;
  return rest == 0 || ((range->address[full] ^ address[full]) & (0xff << (8 - rest))) == 0;
}

static gboolean
address_allowed (const TftsrPiiAllowList *list, const guint8 *address, gboolean v6)
{
  for (guint i = 0; i < list->ranges->len; i++)
    if (in_range (&g_array_index (list->ranges, Range, i), address, v6))
      return TRUE;
  return FALSE;
}

/* "db.example.com" and "example.com" both fall under ".example.com". */
static gboolean
domain_allowed (const TftsrPiiAllowList *list, const guint8 *domain, gsize len)
{
  g_autofree char *lower = g_ascii_strdown ((const char *) domain, len);

  for (guint i = 0; i < list->suffixes->len; i++)
    {
      const char *suffix = g_ptr_array_index (list->suffixes, i);
      if (g_str_has_suffix (lower, suffix) || g_str_equal (lower, suffix + 1))
        return TRUE;
    }
  return g_hash_table_contains (list->exact, lower);
}

gboolean
tftsr_pii_allow_list_contains (const TftsrPiiAllowList *list, TftsrPiiType type,
                               const guint8 *value, gsize len)
{
  g_autofree char *text = g_strndup ((const char *) value, len);
  guint8 address[16] = { 0 };
  guint32 v4;

  if (g_hash_table_contains (list->exact, text))
    return TRUE;
  switch (type)
    {
    case TFTSR_PII_IPV4:
      if (!tftsr_pii_ipv4_parse (value, len, &v4))
        return FALSE;
      v4 = GUINT32_TO_BE (v4);
      memcpy (address, &v4, 4);
      return address_allowed (list, address, FALSE);
    case TFTSR_PII_IPV6:
      if (!tftsr_pii_ipv6_parse (value, len, address))
        return FALSE;
      /* ::ffff:a.b.c.d is an IPv4 address in disguise. */
      if (memcmp (address, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) == 0 &&
          address_allowed (list, address + 12, FALSE))
        return TRUE;
      return address_allowed (list, address, TRUE);
    case TFTSR_PII_EMAIL:
      {
        const guint8 *at = memchr (value, '@', len);
        return at != NULL && domain_allowed (list, at + 1, value + len - at - 1);
      }
    case TFTSR_PII_HOSTNAME:
      return domain_allowed (list, value, len);
    default:
      return FALSE;
    }
}
