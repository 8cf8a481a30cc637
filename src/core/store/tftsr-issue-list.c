/* tftsr-issue-list.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "tftsr-issue-list.h"

#define PAGE_SIZE 100

struct _TftsrIssueList
{
  GObject parent_instance;

  TftsrStore *store;
  TftsrIssueQuery *query;
  GPtrArray *items; /* TftsrIssue */
  gboolean has_more;
  GCancellable *cancellable; /* of the load in flight, if any */
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TftsrIssueList, tftsr_issue_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum
{
  PROP_0,
  PROP_STORE,
  PROP_LOADING,
  PROP_HAS_MORE,
  PROP_N_ITEMS,
  N_PROPS
};

enum
{
  LOAD_FAILED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static GType
get_item_type (GListModel *model)
{
  return TFTSR_TYPE_ISSUE;
}

static guint
get_n_items (GListModel *model)
{
  return TFTSR_ISSUE_LIST (model)->items->len;
}

static gpointer
get_item (GListModel *model, guint position)
{
  TftsrIssueList *self = TFTSR_ISSUE_LIST (model);

  if (position >= self->items->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

static void
tftsr_issue_list_dispose (GObject *object)
{
  TftsrIssueList *self = TFTSR_ISSUE_LIST (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (tftsr_issue_list_parent_class)->dispose (object);
}

static void
tftsr_issue_list_finalize (GObject *object)
{
  TftsrIssueList *self = TFTSR_ISSUE_LIST (object);

  g_ptr_array_unref (self->items);
  tftsr_issue_query_free (self->query);
  G_OBJECT_CLASS (tftsr_issue_list_parent_class)->finalize (object);
}

static void
tftsr_issue_list_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  TftsrIssueList *self = TFTSR_ISSUE_LIST (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, tftsr_issue_list_get_loading (self));
      break;
    case PROP_HAS_MORE:
      g_value_set_boolean (value, self->has_more);
      break;
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->items->len);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tftsr_issue_list_set_property (GObject *object, guint prop_id, const GValue *value,
                               GParamSpec *pspec)
{
  TftsrIssueList *self = TFTSR_ISSUE_LIST (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tftsr_issue_list_class_init (TftsrIssueListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tftsr_issue_list_dispose;
  object_class->finalize = tftsr_issue_list_finalize;
  object_class->get_property = tftsr_issue_list_get_property;
  object_class->set_property = tftsr_issue_list_set_property;

  properties[PROP_STORE] =
      g_param_spec_object ("store", NULL, NULL, TFTSR_TYPE_STORE,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOADING] = g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                                                   G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_HAS_MORE] = g_param_spec_boolean ("has-more", NULL, NULL, FALSE,
                                                    G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_ITEMS] = g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                                                G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Emitted when a page could not be loaded; the model keeps what it had. */
  signals[LOAD_FAILED] = g_signal_new ("load-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
tftsr_issue_list_init (TftsrIssueList *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  self->query = tftsr_issue_query_new ();
}

TftsrIssueList *
tftsr_issue_list_new (TftsrStore *store)
{
  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);
  return g_object_new (TFTSR_TYPE_ISSUE_LIST, "store", store, NULL);
}

TftsrStore *
tftsr_issue_list_get_store (TftsrIssueList *self)
{
  g_return_val_if_fail (TFTSR_IS_ISSUE_LIST (self), NULL);
  return self->store;
}

const TftsrIssueQuery *
tftsr_issue_list_get_query (TftsrIssueList *self)
{
  g_return_val_if_fail (TFTSR_IS_ISSUE_LIST (self), NULL);
  return self->query;
}

gboolean
tftsr_issue_list_get_loading (TftsrIssueList *self)
{
  g_return_val_if_fail (TFTSR_IS_ISSUE_LIST (self), FALSE);
  return self->cancellable != NULL;
}

gboolean
tftsr_issue_list_get_has_more (TftsrIssueList *self)
{
  g_return_val_if_fail (TFTSR_IS_ISSUE_LIST (self), FALSE);
  return self->has_more;
}

/* Replaces items [offset, end) with @page. */
static void
splice_page (TftsrIssueList *self, guint offset, GPtrArray *page)
{
  guint removed = self->items->len - offset;

  g_ptr_array_set_size (self->items, offset);
  for (guint i = 0; i < page->len; i++)
    g_ptr_array_add (self->items, g_object_ref (g_ptr_array_index (page, i)));
  if (removed > 0 || page->len > 0)
    {
      g_list_model_items_changed (G_LIST_MODEL (self), offset, removed, page->len);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
    }
}

typedef struct
{
  TftsrIssueList *self;
  guint offset;
} LoadData;

static void
page_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autofree LoadData *data = user_data;
  g_autoptr (TftsrIssueList) self = data->self;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) page = NULL;
  gboolean has_more = FALSE;

  page = tftsr_store_list_issues_finish (TFTSR_STORE (source), result, &has_more, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return; /* superseded by a newer load, which owns the loading state */

  g_clear_object (&self->cancellable);
  if (page != NULL)
    {
      splice_page (self, data->offset, page);
      if (self->has_more != has_more)
        {
          self->has_more = has_more;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_MORE]);
        }
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
  if (error != NULL)
    g_signal_emit (self, signals[LOAD_FAILED], 0, error);
}

/* Loads @limit incidents from @offset; they replace everything from @offset on. */
static void
load (TftsrIssueList *self, guint offset, guint limit)
{
  g_autoptr (TftsrIssueQuery) query = tftsr_issue_query_copy (self->query);
  gboolean was_loading = tftsr_issue_list_get_loading (self);
  LoadData *data = g_new0 (LoadData, 1);

  if (self->cancellable != NULL)
    {
      g_cancellable_cancel (self->cancellable);
      g_object_unref (self->cancellable);
    }
  self->cancellable = g_cancellable_new ();

  query->offset = offset;
  query->limit = limit;
  data->self = g_object_ref (self);
  data->offset = offset;
  tftsr_store_list_issues_async (self->store, query, self->cancellable, page_loaded, data);
  if (!was_loading)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

void
tftsr_issue_list_set_query (TftsrIssueList *self, const TftsrIssueQuery *query)
{
  g_return_if_fail (TFTSR_IS_ISSUE_LIST (self));
  g_return_if_fail (query != NULL);

  tftsr_issue_query_free (self->query);
  self->query = tftsr_issue_query_copy (query);
  load (self, 0, PAGE_SIZE);
}

void
tftsr_issue_list_reload (TftsrIssueList *self)
{
  g_return_if_fail (TFTSR_IS_ISSUE_LIST (self));
  load (self, 0, MAX (self->items->len, PAGE_SIZE));
}

void
tftsr_issue_list_load_more (TftsrIssueList *self)
{
  g_return_if_fail (TFTSR_IS_ISSUE_LIST (self));

  if (self->has_more && !tftsr_issue_list_get_loading (self))
    load (self, self->items->len, PAGE_SIZE);
}

gboolean
tftsr_issue_list_find (TftsrIssueList *self, gint64 id, guint *position)
{
  g_return_val_if_fail (TFTSR_IS_ISSUE_LIST (self), FALSE);

  for (guint i = 0; i < self->items->len; i++)
    if (tftsr_issue_get_id (g_ptr_array_index (self->items, i)) == id)
      {
        if (position != NULL)
          *position = i;
        return TRUE;
      }
  return FALSE;
}

gboolean
tftsr_issue_list_remove (TftsrIssueList *self, gint64 id)
{
  guint position;

  g_return_val_if_fail (TFTSR_IS_ISSUE_LIST (self), FALSE);

  if (!tftsr_issue_list_find (self, id, &position))
    return FALSE;
  g_ptr_array_remove_index (self->items, position);
  g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
  return TRUE;
}
