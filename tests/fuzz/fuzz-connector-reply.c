/* fuzz-connector-reply.c: any bytes, as the answer of any connector's service to any of its
 * operations, give an item, a list or an error of the connector domain (or the net one for
 * the connection a second call finds closed) without a crash or a leak
 *
 * Byte 0 picks the kind (TftsrConnectorKind, wrapping around), byte 1 the operation, byte 2
 * the status (200, 201, 202, 204, 400, 401, 403, 404, 409, 429, 500, 503); the rest is the
 * body. The first call of the operation is answered with it; a later one (a page read
 * before its update, a poll) finds the connection closed. Nothing is sent.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "tftsr-connector-private.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

#define N_OPERATIONS 12

static const guint statuses[] = { 200, 201, 202, 204, 400, 401, 403, 404, 409, 429, 500, 503 };

/* Settings every kind finds what it needs in. */
static const char options[] =
    "{\"project\":\"OPS\",\"space\":\"ENG\",\"team\":\"Ops\",\"deployment\":\"cloud\"}";

static TftsrConnectorConfig *
config_for (TftsrConnectorKind kind)
{
  TftsrConnectorConfig *config =
      tftsr_connector_config_new ("fuzz", kind, "https://service.example.com");

  config->user = g_strdup ("ana@example.com");
  config->auth = tftsr_connector_kind_get_default_auth (kind);
  g_free (config->options);
  config->options = g_strdup (options);
  return config;
}

static const TftsrTicketDraft draft = {
  .issue_id = 7,
  .title = (char *) "Checkout fails",
  .description = (char *) "# Impact\n\n- 502 on /pay\n",
  .severity = (char *) "high",
  .status = (char *) "investigating",
  .category = (char *) "application",
  .created_at = (char *) "2026-11-22T02:07:04.123Z",
  .marker = (char *) "tftsr-0badc0de-7",
  .link = (char *) "https://wiki.example.com/x/1",
};

static const TftsrPageDraft page_draft = {
  .document_id = 3,
  .issue_id = 7,
  .title = (char *) "RCA: Checkout fails",
  .markdown = (char *) "# RCA\n",
  .storage = (char *) "<h1>RCA</h1>",
  .page_id = (char *) "65537",
  .version = 2,
  .space = (char *) "ENG",
};

/* Runs operation @op of @ops; what it gives back is checked and freed. */
static void
run (const TftsrConnectorOps *ops, TftsrConnectorCtx *ctx, guint op, GError **error)
{
  g_autoptr (TftsrExternalItem) item = NULL;
  g_autoptr (GPtrArray) items = NULL;
  g_autofree char *detail = NULL;
  g_autoptr (json_object) parameters = json_object_new_object ();

  switch (op)
    {
    case 0:
      detail = ops->test (ctx, error);
      break;
    case 1:
      if (ops->create_ticket)
        item = ops->create_ticket (ctx, &draft, error);
      break;
    case 2:
      if (ops->find_marker)
        item = ops->find_marker (ctx, &draft, error);
      break;
    case 3:
      if (ops->update_ticket)
        item = ops->update_ticket (ctx, "42", &draft, error);
      break;
    case 4:
      if (ops->get_ticket)
        item = ops->get_ticket (ctx, "OPS-42", error);
      break;
    case 5:
      if (ops->comment)
        ops->comment (ctx, "42", "Restarted the pool", error);
      break;
    case 6:
      if (ops->search)
        items = ops->search (ctx, "pool \"exhausted\"", 5, error);
      break;
    case 7:
      if (ops->list_containers)
        items = ops->list_containers (ctx, error);
      break;
    case 8:
      if (ops->publish)
        item = ops->publish (ctx, &page_draft, error);
      break;
    case 9:
      if (ops->page)
        item = ops->page (ctx, &draft, TFTSR_PAGE_TRIGGER, error);
      break;
    case 10:
      if (ops->run_action)
        item = ops->run_action (ctx, "core.local", parameters, error);
      break;
    default:
      if (ops->notify)
        ops->notify (ctx, &draft, TFTSR_NOTIFY_OPENED, error);
      break;
    }
  if (item != NULL)
    g_assert (item->id != NULL && item->key != NULL);
  for (guint i = 0; items != NULL && i < items->len; i++)
    g_assert (((TftsrExternalItem *) g_ptr_array_index (items, i))->id != NULL);
  if (detail != NULL)
    g_assert (g_utf8_validate (detail, -1, NULL));
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autoptr (TftsrConnectorConfig) config = NULL;
  g_autoptr (GError) error = NULL;
  TftsrConnectorCtx ctx = { 0 };
  const TftsrConnectorOps *ops;

  if (size < 3)
    return 0;
  config = config_for ((TftsrConnectorKind) (data[0] % TFTSR_N_CONNECTOR_KINDS));
  if ((ops = tftsr_connector_ops (config->kind)) == NULL)
    return 0;
  ctx.config = config;
  /* A Slack or Teams connector's secret is its webhook URL, on the configured host. */
  ctx.candidate_secret = "https://service.example.com/hooks/T000/B000/XXXX";
  ctx.replay = TRUE;
  ctx.replay_status = statuses[data[2] % G_N_ELEMENTS (statuses)];
  ctx.replay_body = g_bytes_new (data + 3, size - 3);
  run (ops, &ctx, data[1] % N_OPERATIONS, &error);
  g_assert (error == NULL || error->domain == TFTSR_CONNECTOR_ERROR ||
            error->domain == TFTSR_NET_ERROR || error->domain == G_IO_ERROR);
  g_clear_pointer (&ctx.replay_body, g_bytes_unref);
  g_clear_pointer (&ctx.events, g_ptr_array_unref);
  g_clear_pointer (&ctx.payload_sha256, g_free);
  g_clear_pointer (&ctx.preview_text, g_free);
  return 0;
}
