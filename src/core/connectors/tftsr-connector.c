/* tftsr-connector.c: the operations of connectors, whatever the service
 *
 * Each operation loads the connector, builds what it sends from the incident through
 * egress (redacted), calls the service's file, keeps the link of what was created on the
 * incident and records the run. Creating a ticket goes in two steps around the network: a
 * pending link with a correlation marker is written first, then the create is sent with
 * the marker; a retry after a lost answer asks the service for the marker before creating.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "tftsr-connector-private.h"
#include "tftsr-doc-confluence.h"
#include "tftsr-document-private.h"
#include "tftsr-egress.h"
#include "tftsr-issue.h"
#include "tftsr-pii-settings.h"
#include "tftsr-settings.h"

/* The random id of this database, in every correlation marker, so two databases never
 * mistake each other's tickets for their own. */
#define INSTANCE_SETTING "connectors.instance_id"

typedef struct
{
  TftsrConnectorCtx ctx;
  TftsrConnectorConfig *config;
  const TftsrConnectorOps *ops;
  const char *operation;
  gint64 started_us;
  char *started_at;
} Run;

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->ctx.counts, g_hash_table_unref);
  g_clear_pointer (&run->ctx.events, g_ptr_array_unref);
  g_clear_pointer (&run->ctx.preview_text, g_free);
  g_clear_pointer (&run->ctx.payload_sha256, g_free);
  g_clear_pointer (&run->config, tftsr_connector_config_free);
  g_clear_pointer (&run->started_at, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

static gboolean
unsupported (const Run *run, GError **error)
{
  g_set_error (error, TFTSR_CONNECTOR_ERROR, TFTSR_CONNECTOR_ERROR_NOT_SUPPORTED,
               _ ("%s connectors cannot do this"), run->ops->label);
  return FALSE;
}

static gboolean
run_begin_with (Run *run, TftsrStore *store, TftsrConnectorConfig *config, const char *operation,
                gint64 issue_id, GCancellable *cancellable, GError **error)
{
  run->config = config;
  if ((run->ops = tftsr_connector_ops (config->kind)) == NULL)
    {
      g_set_error (error, TFTSR_CONNECTOR_ERROR, TFTSR_CONNECTOR_ERROR_INVALID,
                   _ ("Unknown kind of connector"));
      return FALSE;
    }
  run->operation = operation;
  run->started_us = g_get_monotonic_time ();
  run->started_at = tftsr_now_iso8601 ();
  run->ctx.store = store;
  run->ctx.config = config;
  run->ctx.cancellable = cancellable;
  run->ctx.issue_id = issue_id;
  run->ctx.counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return TRUE;
}

static gboolean
run_begin (Run *run, TftsrStore *store, const char *connector, const char *operation,
           gint64 issue_id, GCancellable *cancellable, GError **error)
{
  TftsrConnectorConfig *config = tftsr_store_get_connector (store, connector, error);

  return config != NULL &&
         run_begin_with (run, store, config, operation, issue_id, cancellable, error);
}

/* Records the run, unless nothing was meant to leave (a preview) or nothing had to (the
 * ticket existed already). A connection test is always recorded, even one that sends
 * nothing (a PagerDuty key checked by its form): it is the connector's health. */
static void
run_end (Run *run, const GError *error)
{
  if (!run->ctx.preview &&
      (error != NULL || run->ctx.events != NULL || g_str_equal (run->operation, "test")))
    tftsr_connector_record_run (&run->ctx, run->operation, run->started_us, run->started_at, error);
}

/* --- drafts -------------------------------------------------------------------------------- */

void
tftsr_ticket_draft_free (TftsrTicketDraft *draft)
{
  if (draft == NULL)
    return;
  g_free (draft->title);
  g_free (draft->description);
  g_free (draft->severity);
  g_free (draft->status);
  g_free (draft->category);
  g_free (draft->created_at);
  g_free (draft->marker);
  g_free (draft->link);
  g_free (draft);
}

void
tftsr_page_draft_free (TftsrPageDraft *draft)
{
  if (draft == NULL)
    return;
  g_free (draft->title);
  g_free (draft->markdown);
  g_free (draft->storage);
  g_free (draft->page_id);
  g_free (draft->space);
  g_free (draft->parent);
  g_free (draft);
}

static char *
instance_id (TftsrStore *store, GError **error)
{
  g_autoptr (GError) local = NULL;
  char *id = tftsr_store_get_setting (store, INSTANCE_SETTING, &local);

  if (local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  if (id != NULL)
    return id;
  id = g_strdup_printf ("%08x", g_random_int ());
  if (!tftsr_store_set_setting (store, INSTANCE_SETTING, id, error))
    g_clear_pointer (&id, g_free);
  return id;
}

/* "tftsr-1a2b3c4d-12": names this incident of this database at any service. */
static char *
new_marker (TftsrStore *store, gint64 issue_id, GError **error)
{
  g_autofree char *instance = instance_id (store, error);
  return instance != NULL ? g_strdup_printf ("tftsr-%s-%" G_GINT64_FORMAT, instance, issue_id)
                          : NULL;
}

static char *
redact (Run *run, TftsrPiiScanner *scanner, const char *text, GError **error)
{
  return tftsr_egress_redact_text (run->ctx.store, run->ctx.issue_id, scanner,
                                   text != NULL ? text : "", run->ctx.counts, error);
}

static TftsrTicketDraft *
draft_new (Run *run, const char *marker, GError **error)
{
  g_autoptr (TftsrIssue) issue = tftsr_store_get_issue (run->ctx.store, run->ctx.issue_id, error);
  g_autoptr (TftsrPiiScanner) scanner = NULL;
  g_autoptr (TftsrTicketDraft) draft = g_new0 (TftsrTicketDraft, 1);

  if (issue == NULL || (scanner = tftsr_store_load_pii_scanner (run->ctx.store, error)) == NULL)
    return NULL;
  draft->issue_id = run->ctx.issue_id;
  if ((draft->title = redact (run, scanner, tftsr_issue_get_title (issue), error)) == NULL ||
      (draft->description = redact (run, scanner, tftsr_issue_get_description (issue), error)) ==
          NULL)
    return NULL;
  draft->severity = g_strdup (tftsr_severity_to_string (tftsr_issue_get_severity (issue)));
  draft->status = g_strdup (tftsr_status_to_string (tftsr_issue_get_status (issue)));
  draft->category = g_strdup (tftsr_category_to_string (tftsr_issue_get_category (issue)));
  draft->created_at = g_strdup (tftsr_issue_get_created_at (issue));
  draft->marker =
      marker != NULL ? g_strdup (marker) : new_marker (run->ctx.store, run->ctx.issue_id, error);
  return draft->marker != NULL ? g_steal_pointer (&draft) : NULL;
}

/* --- connection test --------------------------------------------------------------------- */

char *
tftsr_connector_test (TftsrStore *store, const TftsrConnectorConfig *config,
                      const char *candidate_secret, GCancellable *cancellable, GError **error)
{
  g_auto (Run) run = { 0 };
  g_autoptr (GError) local = NULL;
  char *detail;

  g_return_val_if_fail (TFTSR_IS_STORE (store) && config != NULL, NULL);

  if (!tftsr_connector_config_validate (config, error) ||
      !run_begin_with (&run, store, tftsr_connector_config_copy (config), "test", 0, cancellable,
                       error))
    return NULL;
  run.ctx.candidate_secret = candidate_secret;
  detail = run.ops->test (&run.ctx, &local);
  run_end (&run, local);
  if (local != NULL)
    g_propagate_error (error, g_steal_pointer (&local));
  return detail;
}

/* --- tickets ------------------------------------------------------------------------------ */

/* The pauses before asking a lagging search again for a marker it missed: a create whose
 * answer was lost is found up to 7 s after it, and a create that never happened is sent
 * again that much later (a duplicate costs more than the wait). */
static const guint marker_retry_ms[] = { 1000, 2000, 4000 };

/* The ticket a pending link's create may have made, looked up by its marker. */
static TftsrExternalItem *
recover (Run *run, const TftsrTicketDraft *draft, GError **error)
{
  guint retries = run->ops->marker_search_lags ? G_N_ELEMENTS (marker_retry_ms) : 0;

  if (run->ops->find_marker == NULL)
    return NULL;
  for (guint i = 0;; i++)
    {
      g_autoptr (GError) local = NULL;
      TftsrExternalItem *item = run->ops->find_marker (&run->ctx, draft, &local);

      if (local != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return NULL;
        }
      if (item != NULL || i == retries)
        return item;
      if (!tftsr_connector_pause (run->ctx.cancellable, marker_retry_ms[i]))
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               _ ("Stopped looking for the ticket an earlier attempt may have "
                                  "created; nothing new was created"));
          return NULL;
        }
    }
}

static TftsrExternalItem *
create_ticket (Run *run, GError **error)
{
  g_autoptr (TftsrExternalLink) link = NULL;
  g_autoptr (TftsrTicketDraft) draft = NULL;
  g_autoptr (TftsrExternalItem) item = NULL;
  g_autoptr (GError) local = NULL;
  gint64 link_id;

  link = tftsr_connector_find_link (run->ctx.store, run->ctx.issue_id, run->config->id, "ticket",
                                    NULL, &local);
  if (local != NULL)
    goto fail;
  if (link != NULL && !link->pending)
    return tftsr_external_item_new (link->item.id, link->item.key, link->item.title,
                                    link->item.status, link->item.url);
  if ((draft = draft_new (run, link != NULL ? link->correlation : NULL, &local)) == NULL)
    goto fail;
  if (link != NULL && ((item = recover (run, draft, &local)) != NULL || local != NULL))
    link_id = link->id;
  else if ((link_id = link != NULL ? link->id
                                   : tftsr_connector_add_pending_link (
                                         run->ctx.store, run->ctx.issue_id, run->config, "ticket",
                                         draft->marker, &local)) == 0)
    goto fail;
  else
    item = run->ops->create_ticket (&run->ctx, draft, &local);
  if (item == NULL ||
      !tftsr_connector_complete_link (run->ctx.store, link_id, run->config, "ticket", item, &local))
    goto fail;
  return g_steal_pointer (&item);
fail:
  g_propagate_error (error, g_steal_pointer (&local));
  return NULL;
}

TftsrExternalItem *
tftsr_connector_create_ticket (TftsrStore *store, const char *connector, gint64 issue_id,
                               GCancellable *cancellable, GError **error)
{
  g_auto (Run) run = { 0 };
  g_autoptr (GError) local = NULL;
  TftsrExternalItem *item;

  g_return_val_if_fail (TFTSR_IS_STORE (store) && connector != NULL, NULL);

  if (!run_begin (&run, store, connector, "create-ticket", issue_id, cancellable, error))
    return NULL;
  if (run.ops->create_ticket == NULL)
    return unsupported (&run, error), NULL;
  item = create_ticket (&run, &local);
  run_end (&run, local);
  if (local != NULL)
    g_propagate_error (error, g_steal_pointer (&local));
  return item;
}

/* The created ticket of the incident at the connector, or NOT_FOUND. */
static TftsrExternalLink *
ticket_link (Run *run, GError **error)
{
  g_autoptr (GError) local = NULL;
  TftsrExternalLink *link = tftsr_connector_find_link (run->ctx.store, run->ctx.issue_id,
                                                       run->config->id, "ticket", NULL, &local);

  if (link != NULL && !link->pending)
    return link;
  g_clear_pointer (&link, tftsr_external_link_free);
  if (local != NULL)
    g_propagate_error (error, g_steal_pointer (&local));
  else
    g_set_error (error, TFTSR_CONNECTOR_ERROR, TFTSR_CONNECTOR_ERROR_NOT_FOUND,
                 _ ("This incident has no ticket in “%s” yet"), run->config->id);
  return NULL;
}

TftsrExternalItem *
tftsr_connector_update_ticket (TftsrStore *store, const char *connector, gint64 issue_id,
                               GCancellable *cancellable, GError **error)
{
  g_auto (Run) run = { 0 };
  g_autoptr (GError) local = NULL;
  g_autoptr (TftsrExternalLink) link = NULL;
  g_autoptr (TftsrTicketDraft) draft = NULL;
  TftsrExternalItem *item = NULL;

  if (!run_begin (&run, store, connector, "update-ticket", issue_id, cancellable, error))
    return NULL;
  if (run.ops->update_ticket == NULL)
    return unsupported (&run, error), NULL;
  if ((link = ticket_link (&run, &local)) != NULL &&
      (draft = draft_new (&run, link->correlation, &local)) != NULL &&
      (item = run.ops->update_ticket (&run.ctx, link->item.id, draft, &local)) != NULL)
    tftsr_connector_complete_link (store, link->id, run.config, "ticket", item, &local);
  run_end (&run, local);
  if (local != NULL)
    {
      g_clear_pointer (&item, tftsr_external_item_free);
      g_propagate_error (error, g_steal_pointer (&local));
    }
  return item;
}

TftsrExternalItem *
tftsr_connector_get_ticket (TftsrStore *store, const char *connector, const char *id_or_key,
                            GCancellable *cancellable, GError **error)
{
  g_auto (Run) run = { 0 };
  g_autoptr (GError) local = NULL;
  TftsrExternalItem *item;

  if (!run_begin (&run, store, connector, "get-ticket", 0, cancellable, error))
    return NULL;
  if (run.ops->get_ticket == NULL)
    return unsupported (&run, error), NULL;
  item = run.ops->get_ticket (&run.ctx, id_or_key, &local);
  run_end (&run, local);
  if (local != NULL)
    g_propagate_error (error, g_steal_pointer (&local));
  return item;
}

gboolean
tftsr_connector_comment (TftsrStore *store, const char *connector, gint64 issue_id,
                         const char *text, GCancellable *cancellable, GError **error)
{
  g_auto (Run) run = { 0 };
  g_autoptr (GError) local = NULL;
  g_autoptr (TftsrExternalLink) link = NULL;
  g_autoptr (TftsrPiiScanner) scanner = NULL;
  g_autofree char *redacted = NULL;

  if (!run_begin (&run, store, connector, "comment", issue_id, cancellable, error))
    return FALSE;
  if (run.ops->comment == NULL)
    return unsupported (&run, error);
  if ((link = ticket_link (&run, &local)) != NULL &&
      (scanner = tftsr_store_load_pii_scanner (store, &local)) != NULL &&
      (redacted = redact (&run, scanner, text, &local)) != NULL)
    run.ops->comment (&run.ctx, link->item.id, redacted, &local);
  run_end (&run, local);
  if (local == NULL)
    return TRUE;
  g_propagate_error (error, g_steal_pointer (&local));
  return FALSE;
}

static GPtrArray *
list_op (TftsrStore *store, const char *connector, const char *operation, const char *query,
         guint limit, GCancellable *cancellable, GError **error)
{
  g_auto (Run) run = { 0 };
  g_autoptr (GError) local = NULL;
  GPtrArray *items = NULL;

  if (!run_begin (&run, store, connector, operation, 0, cancellable, error))
    return NULL;
  if (query != NULL && run.ops->search != NULL)
    items = run.ops->search (&run.ctx, query, MAX (limit, 1u), &local);
  else if (query == NULL && run.ops->list_containers != NULL)
    items = run.ops->list_containers (&run.ctx, &local);
  else
    return unsupported (&run, error), NULL;
  run_end (&run, local);
  if (local != NULL)
    g_propagate_error (error, g_steal_pointer (&local));
  return items;
}

GPtrArray *
tftsr_connector_search (TftsrStore *store, const char *connector, const char *query, guint limit,
                        GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (query != NULL, NULL);
  return list_op (store, connector, "search", query, limit, cancellable, error);
}

GPtrArray *
tftsr_connector_list_containers (TftsrStore *store, const char *connector,
                                 GCancellable *cancellable, GError **error)
{
  return list_op (store, connector, "list", NULL, 0, cancellable, error);
}

/* --- pages --------------------------------------------------------------------------------- */

static TftsrPageDraft *
page_draft_new (Run *run, gint64 document_id, const char *space, const char *parent,
                gboolean overwrite, GError **error)
{
  g_autoptr (TftsrDocument) document =
      tftsr_store_get_document_by_id (run->ctx.store, document_id, error);
  g_autoptr (TftsrPiiScanner) scanner = NULL;
  g_autoptr (TftsrPageDraft) draft = g_new0 (TftsrPageDraft, 1);
  g_autoptr (TftsrExternalLink) link = NULL;
  g_autofree char *correlation = g_strdup_printf ("document:%" G_GINT64_FORMAT, document_id);

  if (document == NULL || (scanner = tftsr_store_load_pii_scanner (run->ctx.store, error)) == NULL)
    return NULL;
  run->ctx.issue_id = document->issue_id;
  draft->document_id = document_id;
  draft->issue_id = document->issue_id;
  if ((draft->title = redact (run, scanner, document->title, error)) == NULL ||
      (draft->markdown = redact (run, scanner, document->markdown, error)) == NULL)
    return NULL;
  draft->storage = tftsr_doc_render_confluence (draft->markdown);
  link = tftsr_connector_find_link (run->ctx.store, document->issue_id, run->config->id, "page",
                                    correlation, error);
  if (link != NULL && !link->pending)
    {
      draft->page_id = g_strdup (link->item.id);
      draft->version = link->item.version;
    }
  draft->space =
      space != NULL ? g_strdup (space) : tftsr_connector_config_dup_option (run->config, "space");
  draft->parent = parent != NULL ? g_strdup (parent)
                                 : tftsr_connector_config_dup_option (run->config, "parent");
  draft->overwrite = overwrite;
  return g_steal_pointer (&draft);
}

/* Keeps the page's link and version on the document and the incident. */
static gboolean
keep_page (Run *run, const TftsrPageDraft *draft, const TftsrExternalItem *page, GError **error)
{
  g_autofree char *correlation = g_strdup_printf ("document:%" G_GINT64_FORMAT, draft->document_id);
  g_autoptr (TftsrExternalLink) link = tftsr_connector_find_link (
      run->ctx.store, draft->issue_id, run->config->id, "page", correlation, error);
  gint64 link_id = link != NULL
                       ? link->id
                       : tftsr_connector_add_pending_link (run->ctx.store, draft->issue_id,
                                                           run->config, "page", correlation, error);

  return link_id != 0 &&
         tftsr_connector_complete_link (run->ctx.store, link_id, run->config, "page", page,
                                        error) &&
         tftsr_connector_set_document_url (run->ctx.store, draft->document_id, page->url, error);
}

TftsrExternalItem *
tftsr_connector_publish (TftsrStore *store, const char *connector, gint64 document_id,
                         const char *space, const char *parent, gboolean overwrite,
                         GCancellable *cancellable, GError **error)
{
  g_auto (Run) run = { 0 };
  g_autoptr (GError) local = NULL;
  g_autoptr (TftsrPageDraft) draft = NULL;
  TftsrExternalItem *page = NULL;

  if (!run_begin (&run, store, connector, "publish", 0, cancellable, error))
    return NULL;
  if (run.ops->publish == NULL)
    return unsupported (&run, error), NULL;
  if ((draft = page_draft_new (&run, document_id, space, parent, overwrite, &local)) != NULL &&
      (page = run.ops->publish (&run.ctx, draft, &local)) != NULL)
    keep_page (&run, draft, page, &local);
  run_end (&run, local);
  if (local != NULL)
    {
      g_clear_pointer (&page, tftsr_external_item_free);
      g_propagate_error (error, g_steal_pointer (&local));
    }
  return page;
}

/* --- paging, automation, notifications --------------------------------------------------------- */

/* Records @item as the incident's @object at the connector (a new link, or the old one
 * brought up to date). */
static gboolean
keep_item (Run *run, const char *object, const char *correlation, const TftsrExternalItem *item,
           GError **error)
{
  g_autoptr (TftsrExternalLink) link = tftsr_connector_find_link (
      run->ctx.store, run->ctx.issue_id, run->config->id, object, correlation, error);
  gint64 link_id = link != NULL
                       ? link->id
                       : tftsr_connector_add_pending_link (run->ctx.store, run->ctx.issue_id,
                                                           run->config, object, correlation, error);

  return link_id != 0 &&
         tftsr_connector_complete_link (run->ctx.store, link_id, run->config, object, item, error);
}

static const char *const page_operations[] = { "page-trigger", "page-acknowledge", "page-resolve" };

TftsrExternalItem *
tftsr_connector_page (TftsrStore *store, const char *connector, gint64 issue_id,
                      TftsrPageAction action, GCancellable *cancellable, GError **error)
{
  g_auto (Run) run = { 0 };
  g_autoptr (GError) local = NULL;
  g_autoptr (TftsrTicketDraft) draft = NULL;
  TftsrExternalItem *item = NULL;

  g_return_val_if_fail (action <= TFTSR_PAGE_RESOLVE, NULL);

  if (!run_begin (&run, store, connector, page_operations[action], issue_id, cancellable, error))
    return NULL;
  if (run.ops->page == NULL)
    return unsupported (&run, error), NULL;
  if ((draft = draft_new (&run, NULL, &local)) != NULL &&
      (item = run.ops->page (&run.ctx, draft, action, &local)) != NULL)
    keep_item (&run, "alert", item->id, item, &local);
  run_end (&run, local);
  if (local != NULL)
    {
      g_clear_pointer (&item, tftsr_external_item_free);
      g_propagate_error (error, g_steal_pointer (&local));
    }
  return item;
}

/* @parameters_json with every string redacted for the incident. */
static json_object *
redact_parameters (Run *run, const char *parameters_json, GError **error)
{
  g_autoptr (json_object) parameters =
      json_tokener_parse (parameters_json != NULL ? parameters_json : "{}");
  g_autoptr (TftsrPiiScanner) scanner = NULL;

  if (parameters == NULL || !json_object_is_type (parameters, json_type_object))
    {
      g_set_error_literal (error, TFTSR_CONNECTOR_ERROR, TFTSR_CONNECTOR_ERROR_INVALID,
                           _ ("The action parameters must be a JSON object"));
      return NULL;
    }
  if (run->ctx.issue_id <= 0)
    return g_steal_pointer (&parameters);
  if ((scanner = tftsr_store_load_pii_scanner (run->ctx.store, error)) == NULL)
    return NULL;
  json_object_object_foreach (parameters, name, value)
  {
    g_autofree char *redacted = NULL;
    if (!json_object_is_type (value, json_type_string))
      continue;
    if ((redacted = redact (run, scanner, json_object_get_string (value), error)) == NULL)
      return NULL;
    json_object_object_add (parameters, name, json_object_new_string (redacted));
  }
  return g_steal_pointer (&parameters);
}

TftsrExternalItem *
tftsr_connector_run_action (TftsrStore *store, const char *connector, gint64 issue_id,
                            const char *action_ref, const char *parameters_json,
                            TftsrConnectorProgress progress, gpointer progress_data,
                            GCancellable *cancellable, GError **error)
{
  g_auto (Run) run = { 0 };
  g_autoptr (GError) local = NULL;
  g_autoptr (json_object) parameters = NULL;
  TftsrExternalItem *item = NULL;

  g_return_val_if_fail (action_ref != NULL, NULL);

  if (!run_begin (&run, store, connector, "run-action", issue_id, cancellable, error))
    return NULL;
  if (run.ops->run_action == NULL)
    return unsupported (&run, error), NULL;
  run.ctx.progress = progress;
  run.ctx.progress_data = progress_data;
  if ((parameters = redact_parameters (&run, parameters_json, &local)) != NULL &&
      (item = run.ops->run_action (&run.ctx, action_ref, parameters, &local)) != NULL &&
      issue_id > 0)
    keep_item (&run, "execution", item->id, item, &local);
  run_end (&run, local);
  if (local != NULL)
    {
      g_clear_pointer (&item, tftsr_external_item_free);
      g_propagate_error (error, g_steal_pointer (&local));
    }
  return item;
}

static const char *const notify_operations[] = { "notify-opened", "notify-status",
                                                 "notify-published" };

gboolean
tftsr_connector_notify (TftsrStore *store, const char *connector, gint64 issue_id,
                        TftsrNotifyEvent event, const char *link, GCancellable *cancellable,
                        GError **error)
{
  g_auto (Run) run = { 0 };
  g_autoptr (GError) local = NULL;
  g_autoptr (TftsrTicketDraft) draft = NULL;

  g_return_val_if_fail (event <= TFTSR_NOTIFY_PUBLISHED, FALSE);

  if (!run_begin (&run, store, connector, notify_operations[event], issue_id, cancellable, error))
    return FALSE;
  if (run.ops->notify == NULL)
    return unsupported (&run, error);
  if ((draft = draft_new (&run, NULL, &local)) != NULL)
    {
      draft->link = g_strdup (link);
      run.ops->notify (&run.ctx, draft, event, &local);
    }
  run_end (&run, local);
  if (local == NULL)
    return TRUE;
  g_propagate_error (error, g_steal_pointer (&local));
  return FALSE;
}

/* --- preview ------------------------------------------------------------------------------- */

/* Publishing in preview mode, with the options tftsr_connector_publish takes. */
static void
preview_publish (Run *run, gint64 document_id, const char *space, const char *parent,
                 gboolean overwrite, GError **error)
{
  g_autoptr (TftsrPageDraft) page = NULL;
  g_autoptr (TftsrExternalItem) item = NULL;

  if (run->ops->publish != NULL &&
      (page = page_draft_new (run, document_id, space, parent, overwrite, error)) != NULL)
    item = run->ops->publish (&run->ctx, page, error);
}

/* Runs the operation's request building in preview mode: it stops before the first body
 * leaves and keeps it. */
static void
preview_run (Run *run, const char *operation, const char *arg, GError **error)
{
  g_autoptr (TftsrTicketDraft) draft = NULL;
  g_autoptr (TftsrExternalItem) item = NULL;
  g_autoptr (TftsrExternalLink) link = NULL;
  const TftsrConnectorOps *ops = run->ops;

  if (g_strcmp0 (operation, "publish") == 0)
    {
      preview_publish (run, arg != NULL ? g_ascii_strtoll (arg, NULL, 10) : 0, NULL, NULL, FALSE,
                       error);
      return;
    }
  if (g_strcmp0 (operation, "run-action") == 0 && ops->run_action != NULL)
    {
      g_autoptr (json_object) parameters = redact_parameters (run, "{}", error);
      if (parameters != NULL)
        item = ops->run_action (&run->ctx, arg, parameters, error);
      return;
    }
  link = tftsr_connector_find_link (run->ctx.store, run->ctx.issue_id, run->config->id, "ticket",
                                    NULL, NULL);
  if ((draft = draft_new (run, link != NULL ? link->correlation : NULL, error)) == NULL)
    return;
  if (g_strcmp0 (operation, "create-ticket") == 0 && ops->create_ticket != NULL)
    item = ops->create_ticket (&run->ctx, draft, error);
  else if (g_strcmp0 (operation, "update-ticket") == 0 && ops->update_ticket != NULL &&
           link != NULL)
    item = ops->update_ticket (&run->ctx, link->item.id, draft, error);
  else if (g_str_has_prefix (operation, "page-") && ops->page != NULL)
    for (guint a = 0; a < G_N_ELEMENTS (page_operations); a++)
      {
        if (g_strcmp0 (operation, page_operations[a]) == 0)
          item = ops->page (&run->ctx, draft, (TftsrPageAction) a, error);
      }
  else if (g_str_has_prefix (operation, "notify-") && ops->notify != NULL)
    for (guint e = 0; e < G_N_ELEMENTS (notify_operations); e++)
      {
        if (g_strcmp0 (operation, notify_operations[e]) == 0)
          ops->notify (&run->ctx, draft, (TftsrNotifyEvent) e, error);
      }
}

/* The request a preview run kept; else why there is none (@local, taken, or the operation
 * being unsupported). */
static char *
preview_text (Run *run, GError **local, GError **error)
{
  if (run->ctx.preview_text != NULL)
    return g_steal_pointer (&run->ctx.preview_text);
  if (*local != NULL)
    g_propagate_error (error, g_steal_pointer (local));
  else
    unsupported (run, error);
  return NULL;
}

char *
tftsr_connector_preview (TftsrStore *store, const char *connector, const char *operation,
                         gint64 issue_id, const char *arg, GError **error)
{
  g_auto (Run) run = { 0 };
  g_autoptr (GError) local = NULL;

  g_return_val_if_fail (operation != NULL, NULL);

  if (!run_begin (&run, store, connector, operation, issue_id, NULL, error))
    return NULL;
  run.ctx.preview = TRUE;
  preview_run (&run, operation, arg, &local);
  return preview_text (&run, &local, error);
}

char *
tftsr_connector_preview_publish (TftsrStore *store, const char *connector, gint64 document_id,
                                 const char *space, const char *parent, gboolean overwrite,
                                 GError **error)
{
  g_auto (Run) run = { 0 };
  g_autoptr (GError) local = NULL;

  if (!run_begin (&run, store, connector, "publish", 0, NULL, error))
    return NULL;
  run.ctx.preview = TRUE;
  preview_publish (&run, document_id, space, parent, overwrite, &local);
  return preview_text (&run, &local, error);
}
