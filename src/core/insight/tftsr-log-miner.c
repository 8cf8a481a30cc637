/* tftsr-log-miner.c: lines clustered into templates in one pass (after Drain, He et al.,
 * ICWS 2017)
 *
 * A line's masked message is routed by its token count and first token (a token with a
 * digit or <*> routes as <*>) to a leaf: Drain's depth 3, because a second routing token
 * would split "user alice logged in" from "user bob logged in" for good. In the leaf the
 * line is compared with each template: the share of the template's constant positions it
 * has (a position such as "[<*>]" takes any "[…]"). It joins the most similar one outright
 * when nearly all match; when only most do, the positions it differs in must first prove to
 * be parameters: templates otherwise equal must have shown FAMILY_VALUES values there.
 * Then they merge, and the ids handed out for them lead to the one they joined. Positions
 * that differ become <*>, keeping the punctuation both share ("[<*>]", "user=<*>").
 * Tokens are compared by hash, then bytes. Templates past the cap are evicted least
 * recently used first.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "tftsr-log-miner-private.h"

/* One configuration for every log (docs/benchmarks.md has what it scores on Loghub).
 * A line joins its most similar template outright from SIMILARITY_JOIN; from
 * SIMILARITY_MIN it does when the positions it differs in are parameters (FAMILY_VALUES). */
#define SIMILARITY_MIN 0.5
#define SIMILARITY_JOIN 0.9
/* Values a position takes, among templates otherwise equal, to be a parameter: "VM Started",
 * "VM Stopped", "VM Paused", "VM Resumed" stay four templates, user names become <*>. */
#define FAMILY_VALUES 5
#define ROUTE_WILD G_GUINT64_CONSTANT (0x9e3779b97f4a7c15)

#define TOKEN_WILD 1 /* the token is <*> */
#define TOKEN_GLOB 2 /* <*> within other text: "[<*>]", "user=<*>" */

typedef struct _Leaf Leaf;
typedef struct _Cluster Cluster;

struct _Cluster
{
  TftsrLogTemplate t; /* t.text holds the tokens */
  guint n_tokens;
  guint n_wild;
  guint64 *hashes;
  guint32 *offsets; /* into t.text */
  guint32 *lens;
  guint8 *flags; /* TOKEN_WILD, TOKEN_GLOB */
  Leaf *leaf;
  GArray *aliases; /* ids of the templates merged into this one (guint32), or NULL */
  Cluster *newer;  /* the LRU list, most recently used first */
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
  gint64 reference;
  TftsrLogFormat *format;
  GHashTable *leaves; /* &key → Leaf */
  GHashTable *by_id;  /* id → Cluster */
  GHashTable *merged; /* id of a template merged into another → that Cluster */
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

static void
cluster_free (Cluster *c)
{
  template_clear (&c->t);
  g_free (c->hashes);
  if (c->aliases != NULL)
    g_array_unref (c->aliases);
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

  self->max_templates = max_templates > 0 ? max_templates : TFTSR_LOG_MINER_MAX_TEMPLATES;
  self->reference = g_get_real_time ();
  self->leaves =
      g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, (GDestroyNotify) leaf_free);
  self->by_id = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) cluster_free);
  self->merged = g_hash_table_new (NULL, NULL);
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
  g_hash_table_unref (self->merged);
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
tftsr_log_miner_set_reference (TftsrLogMiner *self, gint64 reference)
{
  g_return_if_fail (self != NULL);

  self->reference = reference;
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
  if (c == NULL)
    c = g_hash_table_lookup (self->merged, GUINT_TO_POINTER (id));
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
    tftsr_log_header_detect (line, len, self->reference, header);
  else if (!tftsr_log_format_parse (self->format, line, len, self->reference, header))
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
    if (g_ascii_isdigit (text->str[token->offset + i]) || text->str[token->offset + i] == '*')
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

static gsize
find (const char *hay, gsize hn, const char *needle, gsize nn)
{
  for (gsize i = 0; i + nn <= hn; i++)
    if (memcmp (hay + i, needle, nn) == 0)
      return i;
  return G_MAXSIZE;
}

static guint8
flags_of (const char *token, gsize n)
{
  if (n == TFTSR_LOG_WILD_LEN && memcmp (token, TFTSR_LOG_WILD, n) == 0)
    return TOKEN_WILD;
  return find (token, n, TFTSR_LOG_WILD, TFTSR_LOG_WILD_LEN) != G_MAXSIZE ? TOKEN_GLOB : 0;
}

/* Whether @s fits the pattern @p, each <*> standing for any text. */
static gboolean
glob_fits (const char *p, gsize pn, const char *s, gsize sn)
{
  gsize star = find (p, pn, TFTSR_LOG_WILD, TFTSR_LOG_WILD_LEN);

  if (star > sn || memcmp (p, s, star) != 0)
    return FALSE;
  p += star + TFTSR_LOG_WILD_LEN;
  pn -= star + TFTSR_LOG_WILD_LEN;
  s += star;
  sn -= star;
  while ((star = find (p, pn, TFTSR_LOG_WILD, TFTSR_LOG_WILD_LEN)) != G_MAXSIZE)
    {
      gsize at = find (s, sn, p, star);

      if (at == G_MAXSIZE)
        return FALSE;
      s += at + star;
      sn -= at + star;
      p += star + TFTSR_LOG_WILD_LEN;
      pn -= star + TFTSR_LOG_WILD_LEN;
    }
  return sn >= pn && memcmp (s + sn - pn, p, pn) == 0;
}

/* Whether token @k of @c is the line's token or has room for it. */
static gboolean
token_fits (const Cluster *c, guint k, const char *s, guint32 n, guint64 hash)
{
  const char *own = c->t.text + c->offsets[k];

  if (c->flags[k] & TOKEN_WILD)
    return TRUE;
  if (c->hashes[k] == hash && c->lens[k] == n && memcmp (own, s, n) == 0)
    return TRUE;
  return (c->flags[k] & TOKEN_GLOB) != 0 && glob_fits (own, c->lens[k], s, n);
}

static gboolean
line_fits (const Cluster *c, guint k, const GString *text, const TftsrLogToken *token)
{
  return token_fits (c, k, text->str + token->offset, token->len, token->hash);
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

      if ((tn != mn || memcmp (t, m, tn) != 0) &&
          !(flags_of (t, tn) != 0 && glob_fits (t, tn, m, mn)))
        return FALSE;
      t += tn;
      m += mn;
      if (*t == '\0' || *m == '\0')
        return *t == *m;
      t++;
      m++;
    }
}

/* Punctuation a generalised token keeps around its <*> ("[", "user=", "),"). */
static gboolean
is_frame (char c)
{
  return !g_ascii_isalnum (c) && (guchar) c < 0x80 && strchr ("_-.+$~<*>", c) == NULL;
}

/* One token for two different ones: what they share up to punctuation, around <*>. */
static void
generalise (const char *a, gsize an, const char *b, gsize bn, GString *out)
{
  gsize common = 0, prefix = 0, tail = 0, suffix;

  while (common < an && common < bn && a[common] == b[common])
    common++;
  for (gsize i = 0; i < common; i++)
    if (is_frame (a[i]))
      prefix = i + 1;
  while (tail < an - prefix && tail < bn - prefix && a[an - 1 - tail] == b[bn - 1 - tail])
    tail++;
  suffix = an;
  for (gsize i = an; i > an - tail; i--)
    if (is_frame (a[i - 1]))
      suffix = i - 1;
  g_string_append_len (out, a, prefix);
  g_string_append_len (out, TFTSR_LOG_WILD, TFTSR_LOG_WILD_LEN);
  g_string_append_len (out, a + suffix, an - suffix);
}

/* The template again, with each position where @other (@other_lens bytes each) does not
 * fit generalised. */
static void
retemplate (Cluster *c, const char *const *other, const guint32 *other_lens,
            const guint64 *other_hashes)
{
  GString *text = g_string_sized_new (strlen (c->t.text) + 8);

  c->n_wild = 0;
  for (guint k = 0; k < c->n_tokens; k++)
    {
      gsize offset;
      const char *own = c->t.text + c->offsets[k];

      if (k > 0)
        g_string_append_c (text, ' ');
      offset = text->len;
      if (token_fits (c, k, other[k], other_lens[k], other_hashes[k]))
        g_string_append_len (text, own, c->lens[k]);
      else
        generalise (own, c->lens[k], other[k], other_lens[k], text);
      c->offsets[k] = (guint32) offset;
      c->lens[k] = (guint32) (text->len - offset);
      c->hashes[k] = tftsr_log_token_hash (text->str + offset, c->lens[k]);
      c->flags[k] = flags_of (text->str + offset, c->lens[k]);
      c->n_wild += c->flags[k] == TOKEN_WILD;
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
  c->flags = (guint8 *) (c->lens + n);
  for (guint k = 0; k < n; k++)
    {
      const TftsrLogToken *token = &g_array_index (self->tokens, TftsrLogToken, k);

      c->hashes[k] = token->hash;
      c->offsets[k] = token->offset;
      c->lens[k] = token->len;
      c->flags[k] = flags_of (self->text->str + token->offset, token->len);
      c->n_wild += c->flags[k] == TOKEN_WILD;
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
  for (guint i = 0; c->aliases != NULL && i < c->aliases->len; i++)
    g_hash_table_remove (self->merged, GUINT_TO_POINTER (g_array_index (c->aliases, guint32, i)));
  g_hash_table_remove (self->by_id, GUINT_TO_POINTER (c->t.id));
}

/* Share of the template's constant positions that the line has too, or -1 as soon as it
 * must come out under @floor (most templates of a leaf are rejected on a few tokens). */
static double
similarity (const Cluster *c, const GString *text, const TftsrLogToken *tokens, double floor)
{
  guint constant = c->n_tokens - c->n_wild, missed = 0;
  double allowed = (1.0 - floor) * constant + 1e-9;

  if (constant == 0)
    return 1.0;
  for (guint k = 0; k < c->n_tokens; k++)
    if (!(c->flags[k] & TOKEN_WILD) && !line_fits (c, k, text, &tokens[k]) && ++missed > allowed)
      return -1;
  return (double) (constant - missed) / constant;
}

/* Generalises the positions where the line does not fit @c. */
static void
widen (Cluster *c, const GString *text, const TftsrLogToken *tokens)
{
  g_autofree const char **other = NULL;
  g_autofree guint32 *lens = NULL;
  g_autofree guint64 *hashes = NULL;
  guint k;

  for (k = 0; k < c->n_tokens; k++)
    if (!line_fits (c, k, text, &tokens[k]))
      break;
  if (k == c->n_tokens)
    return;
  other = g_new (const char *, c->n_tokens);
  lens = g_new (guint32, c->n_tokens);
  hashes = g_new (guint64, c->n_tokens);
  for (k = 0; k < c->n_tokens; k++)
    {
      other[k] = text->str + tokens[k].offset;
      lens[k] = tokens[k].len;
      hashes[k] = tokens[k].hash;
    }
  retemplate (c, other, lens, hashes);
}

static gboolean
same_position (const Cluster *a, const Cluster *b, guint k)
{
  return a->hashes[k] == b->hashes[k] && a->lens[k] == b->lens[k] &&
         memcmp (a->t.text + a->offsets[k], b->t.text + b->offsets[k], a->lens[k]) == 0;
}

/* @from's lines, statistics and id go to @into, generalised to fit both. */
static void
merge_into (TftsrLogMiner *self, Cluster *into, Cluster *from)
{
  TftsrLogTemplate *a = &into->t, *b = &from->t;
  g_autofree const char **other = g_new (const char *, MAX (from->n_tokens, 1));

  for (guint k = 0; k < from->n_tokens; k++)
    other[k] = from->t.text + from->offsets[k];
  retemplate (into, other, from->lens, from->hashes);
  if (b->first_line < a->first_line)
    {
      a->first_line = b->first_line;
      a->first_offset = b->first_offset;
    }
  if (b->last_line > a->last_line)
    {
      a->last_line = b->last_line;
      a->last_offset = b->last_offset;
    }
  if (b->first_time != 0 && (a->first_time == 0 || b->first_time < a->first_time))
    a->first_time = b->first_time;
  if (b->last_time > a->last_time)
    a->last_time = b->last_time;
  a->count += b->count;
  a->level = MAX (a->level, b->level);
  for (guint k = 0; k < b->n_samples && a->n_samples < TFTSR_LOG_TEMPLATE_SAMPLES; k++)
    a->samples[a->n_samples++] = g_steal_pointer (&b->samples[k]);

  /* Ids handed out for @from, and those merged into it before, now lead to @into */
  if (into->aliases == NULL)
    into->aliases = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_array_append_val (into->aliases, b->id);
  g_hash_table_insert (self->merged, GUINT_TO_POINTER (b->id), into);
  for (guint i = 0; from->aliases != NULL && i < from->aliases->len; i++)
    {
      guint32 id = g_array_index (from->aliases, guint32, i);

      g_array_append_val (into->aliases, id);
      g_hash_table_insert (self->merged, GUINT_TO_POINTER (id), into);
    }

  lru_unlink (self, from);
  g_ptr_array_remove_fast (from->leaf->clusters, from);
  g_hash_table_remove (self->by_id, GUINT_TO_POINTER (b->id));
}

/* The line differs from @best in a few positions. When the templates of its leaf that
 * differ from @best only there take many values there, each on few lines (user names, not
 * "VM Started"/"VM Stopped"), those positions are parameters: the templates become one. */
static gboolean
merge_family (TftsrLogMiner *self, Leaf *leaf, Cluster *best)
{
  const GString *text = self->text;
  const TftsrLogToken *tokens = (const TftsrLogToken *) (gpointer) self->tokens->data;
  guint n = best->n_tokens, members = 0;
  g_autofree guint8 *differs = g_new0 (guint8, MAX (n, 1));
  g_autoptr (GPtrArray) family = g_ptr_array_new ();

  for (guint k = 0; k < n; k++)
    differs[k] = !line_fits (best, k, text, &tokens[k]);
  for (guint i = 0; i < leaf->clusters->len; i++)
    {
      Cluster *c = g_ptr_array_index (leaf->clusters, i);
      gboolean member = c->n_tokens == n;

      for (guint k = 0; member && k < n; k++)
        member = differs[k] || same_position (c, best, k);
      if (member)
        {
          g_ptr_array_add (family, c);
          members++;
        }
    }
  /* The line's value is one more */
  if (members + 1 < FAMILY_VALUES)
    return FALSE;
  for (guint i = 0; i < family->len; i++)
    if (family->pdata[i] != best)
      merge_into (self, best, family->pdata[i]);
  return TRUE;
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

  if (leaf == NULL)
    {
      leaf = g_new0 (Leaf, 1);
      leaf->key = key;
      leaf->clusters = g_ptr_array_new ();
      g_hash_table_insert (self->leaves, &leaf->key, leaf);
    }
  /* The template the leaf matched last comes first: a line usually fits it whole, and then
   * the search is over */
  for (guint i = 0; i < leaf->clusters->len; i++)
    {
      Cluster *c = g_ptr_array_index (leaf->clusters, i);
      double sim;

      if (c->n_tokens != n)
        continue; /* another length under a colliding key */
      sim = similarity (c, text, tokens, MAX (best_sim, SIMILARITY_MIN));
      if (sim < 0)
        continue;
      if (sim > best_sim || (sim == best_sim && c->n_wild > best->n_wild))
        {
          best = c;
          best_sim = sim;
        }
      if (sim == 1.0)
        {
          leaf->clusters->pdata[i] = leaf->clusters->pdata[0];
          leaf->clusters->pdata[0] = c;
          break;
        }
    }
  if (best == NULL || best_sim < SIMILARITY_MIN ||
      (best_sim < SIMILARITY_JOIN && !merge_family (self, leaf, best)))
    return cluster_new (self, leaf);
  widen (best, text, tokens);
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
