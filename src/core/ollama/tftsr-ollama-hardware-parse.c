/* tftsr-ollama-hardware-parse.c: what /proc/meminfo, /proc/cpuinfo, sysfs and nvidia-smi
 * say, read from text that may be anything (a fixture tree, a broken kernel, a fuzzer)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "tftsr-ollama-private.h"

/* No machine has an exbibyte of memory; capping keeps the arithmetic from overflowing. */
#define MAX_KIB (G_GUINT64_CONSTANT (1) << 50)
#define MAX_MIB (G_GUINT64_CONSTANT (1) << 40)

/* Calls @func with each line of @text (without its "\n"). */
static void
each_line (const char *text, gsize len, void (*func) (const char *line, gsize len, gpointer data),
           gpointer data)
{
  const char *end;

  if (len == 0)
    return;
  end = text + len;
  for (const char *p = text; p < end;)
    {
      const char *nl = memchr (p, '\n', end - p);
      const char *stop = nl != NULL ? nl : end;

      func (p, stop - p, data);
      p = stop + 1;
    }
}

static gboolean
is_space (char c)
{
  return c == ' ' || c == '\t' || c == '\r';
}

/* Splits "key : value" into trimmed key and value; FALSE without a colon. */
static gboolean
split_field (const char *line, gsize len, const char **key, gsize *key_len, const char **value,
             gsize *value_len)
{
  const char *colon = memchr (line, ':', len);
  const char *end = line + len;
  const char *k_end, *v;

  if (colon == NULL)
    return FALSE;
  for (k_end = colon; k_end > line && is_space (k_end[-1]); k_end--)
    ;
  for (v = colon + 1; v < end && is_space (*v); v++)
    ;
  while (end > v && is_space (end[-1]))
    end--;
  *key = line;
  *key_len = k_end - line;
  *value = v;
  *value_len = end - v;
  return TRUE;
}

static gboolean
key_is (const char *key, gsize key_len, const char *name)
{
  return key_len == strlen (name) && memcmp (key, name, key_len) == 0;
}

/* A decimal number filling [@p, @end), at most @max; FALSE if it is none. */
static gboolean
parse_decimal (const char *p, const char *end, guint64 max, guint64 *value)
{
  guint64 n = 0;

  if (p == end)
    return FALSE;
  for (; p < end; p++)
    {
      if (!g_ascii_isdigit (*p) || n > (max - (guint64) (*p - '0')) / 10)
        return FALSE;
      n = n * 10 + (guint64) (*p - '0');
    }
  *value = n;
  return TRUE;
}

/* --- /proc/meminfo ------------------------------------------------------------------ */

enum
{
  MEM_TOTAL,
  MEM_AVAILABLE,
  MEM_FREE,
  MEM_BUFFERS,
  MEM_CACHED,
  N_MEM
};

static const char *const mem_keys[N_MEM] = { "MemTotal", "MemAvailable", "MemFree", "Buffers",
                                             "Cached" };

typedef struct
{
  guint64 bytes[N_MEM];
  gboolean found[N_MEM];
} MemInfo;

/* "MemTotal:       16314880 kB" */
static void
meminfo_line (const char *line, gsize len, gpointer data)
{
  MemInfo *info = data;
  const char *key, *value;
  gsize key_len, value_len;
  guint64 kib;

  if (!split_field (line, len, &key, &key_len, &value, &value_len) || value_len < 3 ||
      memcmp (value + value_len - 2, "kB", 2) != 0)
    return;
  value_len -= 2;
  while (value_len > 0 && is_space (value[value_len - 1]))
    value_len--;
  for (guint i = 0; i < N_MEM; i++)
    if (!info->found[i] && key_is (key, key_len, mem_keys[i]) &&
        parse_decimal (value, value + value_len, MAX_KIB, &kib))
      {
        info->bytes[i] = kib * 1024;
        info->found[i] = TRUE;
      }
}

gboolean
tftsr_meminfo_parse (const char *text, gsize len, guint64 *total, guint64 *available)
{
  MemInfo info = { 0 };

  each_line (text, len, meminfo_line, &info);
  if (!info.found[MEM_TOTAL] || info.bytes[MEM_TOTAL] == 0)
    return FALSE;
  *total = info.bytes[MEM_TOTAL];
  /* MemAvailable exists since Linux 3.14; before, free plus page cache is the estimate. */
  if (info.found[MEM_AVAILABLE])
    *available = info.bytes[MEM_AVAILABLE];
  else
    *available = info.bytes[MEM_FREE] + info.bytes[MEM_BUFFERS] + info.bytes[MEM_CACHED];
  *available = MIN (*available, *total);
  return TRUE;
}

/* --- /proc/cpuinfo ------------------------------------------------------------------ */

typedef struct
{
  char *model;
  char *board_model; /* "Model" of ARM boards, used when no "model name" comes */
  guint threads;
  char *physical_id;
  GHashTable *cores; /* "physical id/core id" */
} CpuInfo;

/* @value as a name to show: control characters (NUL included) count as white space, runs
 * of it become one space, the ends are trimmed, bytes that are not UTF-8 become U+FFFD;
 * NULL when nothing is left. */
static char *
clean_name (const char *value, gsize len)
{
  g_autoptr (GString) name = g_string_new (NULL);

  for (gsize i = 0; i < len; i++)
    {
      guchar c = (guchar) value[i];

      if (c > 0x20 && c != 0x7f)
        g_string_append_c (name, (char) c);
      else if (name->len > 0 && name->str[name->len - 1] != ' ')
        g_string_append_c (name, ' ');
    }
  if (name->len > 0 && name->str[name->len - 1] == ' ')
    g_string_truncate (name, name->len - 1);
  return name->len > 0 ? g_utf8_make_valid (name->str, (gssize) name->len) : NULL;
}

/* "processor\t: 3", "model name\t: AMD Ryzen 7 5800X 8-Core Processor", "physical id\t: 0",
 * "core id\t\t: 3" */
static void
cpuinfo_line (const char *line, gsize len, gpointer data)
{
  CpuInfo *info = data;
  const char *key, *value;
  gsize key_len, value_len;

  if (!split_field (line, len, &key, &key_len, &value, &value_len))
    return;
  if (key_is (key, key_len, "processor"))
    info->threads = info->threads < G_MAXUINT ? info->threads + 1 : G_MAXUINT;
  else if (key_is (key, key_len, "model name") && info->model == NULL)
    info->model = clean_name (value, value_len);
  else if (key_is (key, key_len, "Model") && info->board_model == NULL)
    info->board_model = clean_name (value, value_len);
  else if (key_is (key, key_len, "physical id"))
    {
      g_free (info->physical_id);
      info->physical_id = g_strndup (value, value_len);
    }
  else if (key_is (key, key_len, "core id"))
    g_hash_table_add (info->cores,
                      g_strdup_printf ("%s/%.*s", info->physical_id ? info->physical_id : "",
                                       (int) value_len, value));
}

void
tftsr_cpuinfo_parse (const char *text, gsize len, char **model, guint *cores, guint *threads)
{
  CpuInfo info = { NULL, NULL, 0, NULL,
                   g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL) };

  each_line (text, len, cpuinfo_line, &info);
  *model = info.model != NULL ? info.model : g_steal_pointer (&info.board_model);
  *threads = info.threads;
  /* Without core ids (ARM boards) every processor counts as a core. */
  *cores = g_hash_table_size (info.cores) > 0 ? g_hash_table_size (info.cores) : info.threads;
  *cores = MIN (*cores, *threads);
  g_free (info.board_model);
  g_free (info.physical_id);
  g_hash_table_unref (info.cores);
}

/* --- nvidia-smi and sysfs ----------------------------------------------------------- */

/* "NVIDIA GeForce RTX 3060, 12288" (--format=csv,noheader,nounits: MiB) */
static void
nvidia_line (const char *line, gsize len, gpointer data)
{
  const char *comma = NULL, *memory, *end = line + len;
  g_autofree char *name = NULL;
  guint64 mib = 0;

  for (const char *p = line; p < end; p++)
    if (*p == ',')
      comma = p;
  if (comma == NULL || (name = clean_name (line, comma - line)) == NULL)
    return;
  for (memory = comma + 1; memory < end && is_space (*memory); memory++)
    ;
  while (end > memory && is_space (end[-1]))
    end--;
  /* "[N/A]" and the like leave the size unknown. */
  if (!parse_decimal (memory, end, MAX_MIB, &mib))
    mib = 0;
  g_ptr_array_add (data, tftsr_gpu_new (name, TFTSR_GPU_NVIDIA, mib * 1024 * 1024));
}

void
tftsr_nvidia_smi_parse (const char *text, gsize len, GPtrArray *gpus)
{
  each_line (text, len, nvidia_line, gpus);
}

gboolean
tftsr_sysfs_parse_number (const char *text, guint64 *value)
{
  g_autofree char *copy = g_strstrip (g_strdup (text));

  if (g_str_has_prefix (copy, "0x"))
    return g_ascii_string_to_unsigned (copy + 2, 16, 0, G_MAXUINT64, value, NULL);
  return g_ascii_string_to_unsigned (copy, 10, 0, G_MAXUINT64, value, NULL);
}
