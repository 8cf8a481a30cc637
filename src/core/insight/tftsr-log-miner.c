/* tftsr-log-miner.c: lines clustered into templates in one pass (Drain, He et al., ICWS 2017)
 *
 * A line's masked message is routed by its token count and first token (a token with a
 * digit or <*> routes as <*>) to a leaf: Drain's depth 3, because a second routing token
 * splits "user alice logged in" from "user bob logged in" for good; within the leaf it joins the template it
 * resembles most (share of positions equal) when that is at least SIMILARITY, and the
 * positions that differ become <*>; otherwise it starts a template. Tokens are compared by
 * hash, then bytes. Templates past the cap are evicted least recently used first.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "tftsr-log-miner-private.h"

/* Drain's usual setting; one value for every log (see docs/benchmarks.md). */
#define SIMILARITY 0.5
#define ROUTE_WILD G_GUINT64_CONSTANT (0x9e3779b97f4a7c15)

typedef struct _Leaf Leaf;
typedef struct _Cluster Cluster;

struct _Cluster
{
  TftsrLogTemplate t; /* t.text holds the tokens */
  guint n_tokens;
  guint64 *hashes;
  guint32 *offsets; /* into t.text */
  guint32 *lens;
  guint8 *wild;
  Leaf *leaf;
  Cluster *newer; /* the LRU list, most recently used first */
  Cluster *older;
};

struct _Leaf
{
  gint64 key;
  GPtrArray *clusters;
};

struct _TftsrLogMiner
{
  guint max_templates;
  int year;
  TftsrLogFormat *format;
  GHashTable *leaves; /* &key → Leaf */
  GHashTable *by_id;  /* id → Cluster */
  Cluster *newest;
  Cluster *oldest;
  guint32 next_id;
  guint64 lines;
  guint64 evicted_lines;
  gint64 last_time;
  GString *text; /* the masked message being added */
  GArray *tokens;
};

G_DEFINE_QUARK (tftsr - log - miner - error - quark, tftsr_log_miner_error)

static const char *const level_names[] = {
  "none", "debug", "info", "warning", "error", "critical"
};

const char *
tftsr_log_level_to_string (TftsrLogLevel level)
{
  return (guint) level < G_N_ELEMENTS (level_names) ? level_names[level] : "none";
}

TftsrLogLevel
tftsr_log_level_from_string (const char *name)
{
  for (guint k = 0; name != NULL && k < G_N_ELEMENTS (level_names); k++)
    if (g_strcmp0 (name, level_names[k]) == 0)
      return (TftsrLogLevel) k;
  return TFTSR_LOG_LEVEL_NONE;
}

TftsrLogTemplate *
tftsr_log_template_copy (const TftsrLogTemplate *self)
{
  TftsrLogTemplate *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_memdup2 (self, sizeof *self);
  copy->text = g_strdup (self->text);
  for (guint k = 0; k < self->n_samples; k++)
    copy->samples[k] = g_strdup (self->samples[k]);
  return copy;
}

static void
template_clear (TftsrLogTemplate *self)
{
  g_free (self->text);
  for (guint k = 0; k < self->n_samples; k++)
    g_free (self->samples[k]);
}

void
tftsr_log_template_free (TftsrLogTemplate *self)
{
  if (self == NULL)
    return;
  template_clear (self);
  g_free (self);
}

gboolean
tftsr_log_template_matches (const char *template_text, const char *masked)
{
  const char *t = template_text, *m = masked;

  g_return_val_if_fail (template_text != NULL && masked != NULL, FALSE);

  /* No tokens is not one empty token */
  if (*t == '\0' || *m == '\0')
    return *t == *m;
  for (;;)
    {
      gsize tn = strcspn (t, " "), mn = strcspn (m, " ");

      if (!(tn == TFTSR_LOG_WILD_LEN && memcmp (t, TFTSR_LOG_WILD, tn) == 0) &&
          (tn != mn || memcmp (t, m, tn) != 0))
        return FALSE;
      t += tn;
      m += mn;
      if (*t == '\0' || *m == '\0')
        return *t == *m;
      t++;
      m++;
    }
}

static void
cluster_free (Cluster *c)
{
  template_clear (&c->t);
  g_free (c->hashes);
  g_free (c);
}

static void
leaf_free (Leaf *leaf)
{
  g_ptr_array_unref (leaf->clusters);
  g_free (leaf);
}

TftsrLogMiner *
tftsr_log_miner_new (guint max_templates)
{
  TftsrLogMiner *self = g_new0 (TftsrLogMiner, 1);
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();

  self->max_templates = max_templates > 0 ? max_templates : TFTSR_LOG_MINER_MAX_TEMPLATES;
  self->year = g_date_time_get_year (now);
  self->leaves =
      g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, (GDestroyNotify) leaf_free);
  self->by_id = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) cluster_free);
  self->next_id = 1;
  self->text = g_string_sized_new (256);
  self->tokens = g_array_sized_new (FALSE, FALSE, sizeof (TftsrLogToken), 64);
  return self;
}

void
tftsr_log_miner_free (TftsrLogMiner *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->leaves);
  g_hash_table_unref (self->by_id);
  tftsr_log_format_free (self->format);
  g_string_free (self->text, TRUE);
  g_array_unref (self->tokens);
  g_free (self);
}

void
tftsr_log_miner_set_format (TftsrLogMiner *self, const TftsrLogFormat *format)
{
  g_return_if_fail (self != NULL);

  tftsr_log_format_free (self->format);
  self->format = format != NULL ? tftsr_log_format_copy (format) : NULL;
}

void
tftsr_log_miner_set_year (TftsrLogMiner *self, int year)
{
  g_return_if_fail (self != NULL);

  self->year = year;
}

guint64
tftsr_log_miner_get_lines (TftsrLogMiner *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->lines;
}

guint64
tftsr_log_miner_get_evicted_lines (TftsrLogMiner *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->evicted_lines;
}

const TftsrLogTemplate *
tftsr_log_miner_get_template (TftsrLogMiner *self, guint32 id)
{
  Cluster *c;

  g_return_val_if_fail (self != NULL, NULL);

  c = g_hash_table_lookup (self->by_id, GUINT_TO_POINTER (id));
  return c != NULL ? &c->t : NULL;
}

static int
by_id (gconstpointer a, gconstpointer b)
{
  const TftsrLogTemplate *ta = *(TftsrLogTemplate *const *) a;
  const TftsrLogTemplate *tb = *(TftsrLogTemplate *const *) b;

  return ta->id < tb->id ? -1 : ta->id > tb->id;
}

GPtrArray *
tftsr_log_miner_dup_templates (TftsrLogMiner *self)
{
  GPtrArray *templates;
  GHashTableIter iter;
  Cluster *c;

  g_return_val_if_fail (self != NULL, NULL);

  templates = g_ptr_array_new_full (g_hash_table_size (self->by_id),
                                    (GDestroyNotify) tftsr_log_template_free);
  g_hash_table_iter_init (&iter, self->by_id);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &c))
    g_ptr_array_add (templates, tftsr_log_template_copy (&c->t));
  g_ptr_array_sort (templates, by_id);
  return templates;
}

/* The header and masked message of a line into self->text and self->tokens. */
static void
split_line (TftsrLogMiner *self, const char *line, gsize len, const TftsrLogMask *pii, guint n_pii,
            TftsrLogHeader *header)
{
  if (self->format == NULL)
    tftsr_log_header_detect (line, len, self->year, header);
  else if (!tftsr_log_format_parse (self->format, line, len, self->year, header))
    memset (header, 0, sizeof *header);
  tftsr_log_mask_message (line + header->content_start, len - header->content_start,
                          header->content_start, pii, n_pii, self->text, self->tokens);
}

char *
tftsr_log_miner_mask (TftsrLogMiner *self, const char *line, gsize len, const TftsrLogMask *pii,
                      guint n_pii, TftsrLogHeader *header)
{
  TftsrLogHeader h;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (line != NULL || len == 0, NULL);

  split_line (self, line, len, pii, n_pii, &h);
  if (header != NULL)
    *header = h;
  return g_strndup (self->text->str, self->text->len);
}

static guint64
route_of (const GString *text, const TftsrLogToken *token)
{
  if (token->wild)
    return ROUTE_WILD;
  for (guint32 i = 0; i < token->len; i++)
    if (g_ascii_isdigit (text->str[token->offset + i]))
      return ROUTE_WILD;
  return token->hash;
}

/* splitmix64's finaliser: the leaf key of a length and a routing token */
static gint64
leaf_key (guint n, guint64 first)
{
  guint64 z = (guint64) n * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9) ^ first;

  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return (gint64) (z ^ (z >> 31));
}

static gboolean
same_token (const Cluster *c, guint k, const GString *text, const TftsrLogToken *token)
{
  return c->hashes[k] == token->hash && c->lens[k] == token->len &&
         memcmp (c->t.text + c->offsets[k], text->str + token->offset, token->len) == 0;
}

/* The template's text and token table again, after positions became <*>. */
static void
rebuild_text (Cluster *c)
{
  GString *text = g_string_sized_new (strlen (c->t.text));

  for (guint k = 0; k < c->n_tokens; k++)
    {
      guint32 offset;

      if (k > 0)
        g_string_append_c (text, ' ');
      offset = (guint32) text->len;
      if (c->wild[k])
        g_string_append_len (text, TFTSR_LOG_WILD, TFTSR_LOG_WILD_LEN);
      else
        g_string_append_len (text, c->t.text + c->offsets[k], c->lens[k]);
      c->offsets[k] = offset;
      c->lens[k] = (guint32) text->len - offset;
    }
  g_free (c->t.text);
  c->t.text = g_string_free (text, FALSE);
}

static Cluster *
cluster_new (TftsrLogMiner *self, Leaf *leaf)
{
  guint n = self->tokens->len;
  Cluster *c = g_new0 (Cluster, 1);
  /* One block for the token table */
  guchar *block = g_malloc (n * (sizeof (guint64) + 2 * sizeof (guint32) + 1) + 1);

  c->n_tokens = n;
  c->hashes = (guint64 *) block;
  c->offsets = (guint32 *) (block + n * sizeof (guint64));
  c->lens = c->offsets + n;
  c->wild = (guint8 *) (c->lens + n);
  for (guint k = 0; k < n; k++)
    {
      const TftsrLogToken *token = &g_array_index (self->tokens, TftsrLogToken, k);

      c->hashes[k] = token->hash;
      c->offsets[k] = token->offset;
      c->lens[k] = token->len;
      c->wild[k] = token->wild;
    }
  c->t.id = self->next_id++;
  c->t.text = g_strndup (self->text->str, self->text->len);
  c->leaf = leaf;
  g_ptr_array_add (leaf->clusters, c);
  g_hash_table_insert (self->by_id, GUINT_TO_POINTER (c->t.id), c);
  return c;
}

static void
lru_unlink (TftsrLogMiner *self, Cluster *c)
{
  if (c->newer != NULL)
    c->newer->older = c->older;
  else
    self->newest = c->older;
  if (c->older != NULL)
    c->older->newer = c->newer;
  else
    self->oldest = c->newer;
  c->newer = c->older = NULL;
}

static void
lru_touch (TftsrLogMiner *self, Cluster *c)
{
  if (self->newest == c)
    return;
  if (c->newer != NULL || c->older != NULL || self->oldest == c)
    lru_unlink (self, c);
  c->older = self->newest;
  if (self->newest != NULL)
    self->newest->newer = c;
  self->newest = c;
  if (self->oldest == NULL)
    self->oldest = c;
}

static void
evict_oldest (TftsrLogMiner *self)
{
  Cluster *c = self->oldest;
  Leaf *leaf = c->leaf;

  lru_unlink (self, c);
  self->evicted_lines += c->t.count;
  g_ptr_array_remove_fast (leaf->clusters, c);
  if (leaf->clusters->len == 0)
    g_hash_table_remove (self->leaves, &leaf->key);
  g_hash_table_remove (self->by_id, GUINT_TO_POINTER (c->t.id));
}

/* The template of the masked message in self->tokens, made or widened. */
static Cluster *
cluster_for (TftsrLogMiner *self)
{
  const GString *text = self->text;
  const TftsrLogToken *tokens = (const TftsrLogToken *) (gpointer) self->tokens->data;
  guint n = self->tokens->len;
  gint64 key = leaf_key (n, n > 0 ? route_of (text, &tokens[0]) : 0);
  Leaf *leaf = g_hash_table_lookup (self->leaves, &key);
  Cluster *best = NULL;
  double best_sim = -1;
  guint best_wild = 0;
  gboolean widened = FALSE;

  if (leaf == NULL)
    {
      leaf = g_new0 (Leaf, 1);
      leaf->key = key;
      leaf->clusters = g_ptr_array_new ();
      g_hash_table_insert (self->leaves, &leaf->key, leaf);
    }
  for (guint i = 0; i < leaf->clusters->len; i++)
    {
      Cluster *c = g_ptr_array_index (leaf->clusters, i);
      guint same = 0, wild = 0;
      double sim;

      if (c->n_tokens != n)
        continue; /* another length under a colliding key */
      for (guint k = 0; k < n; k++)
        {
          if (c->wild[k])
            wild++;
          else if (same_token (c, k, text, &tokens[k]))
            same++;
        }
      sim = n > 0 ? (double) same / n : 1.0;
      if (sim > best_sim || (sim == best_sim && wild > best_wild))
        {
          best = c;
          best_sim = sim;
          best_wild = wild;
        }
    }
  if (best == NULL || best_sim < SIMILARITY)
    return cluster_new (self, leaf);

  for (guint k = 0; k < n; k++)
    if (!best->wild[k] && !same_token (best, k, text, &tokens[k]))
      best->wild[k] = widened = TRUE;
  if (widened)
    rebuild_text (best);
  return best;
}

guint32
tftsr_log_miner_add (TftsrLogMiner *self, const char *line, gsize len, guint64 offset,
                     const TftsrLogMask *pii, guint n_pii, TftsrLogHeader *header)
{
  TftsrLogHeader h;
  Cluster *c;
  TftsrLogTemplate *t;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (line != NULL || len == 0, 0);

  split_line (self, line, len, pii, n_pii, &h);
  /* A stack trace's lines belong to the time of the line that started it */
  if (h.time == 0)
    h.time = self->last_time;
  else
    self->last_time = h.time;

  c = cluster_for (self);
  lru_touch (self, c);
  t = &c->t;
  self->lines++;
  if (t->count++ == 0)
    {
      t->first_line = self->lines;
      t->first_offset = offset;
    }
  t->last_line = self->lines;
  t->last_offset = offset;
  t->level = MAX (t->level, h.level);
  if (h.time != 0)
    {
      if (t->first_time == 0)
        t->first_time = h.time;
      t->last_time = h.time;
    }
  if (t->n_samples < TFTSR_LOG_TEMPLATE_SAMPLES)
    t->samples[t->n_samples++] = g_strndup (line, len);

  if (g_hash_table_size (self->by_id) > self->max_templates)
    evict_oldest (self);
  if (header != NULL)
    *header = h;
  return t->id;
}
