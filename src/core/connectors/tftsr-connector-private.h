/* tftsr-connector-private.h: what a connector file implements and the runtime it uses
 *
 * Each service is one file (tftsr-connector-<kind>.c) that fills a TftsrConnectorOps: the
 * operations it supports, as functions of a TftsrConnectorCtx. The context carries the
 * configuration, the secret, the incident and the run being recorded; tftsr_connector_call()
 * is the only way a connector talks to its service: it adds the credentials, TLS and proxy
 * settings and the circuit breaker, records the departure with egress and the call as an
 * event of the run, and turns failures into TFTSR_CONNECTOR_ERROR messages.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib/gi18n-lib.h>

#include "tftsr-connector.h"
#include "tftsr-json-private.h"
#include "tftsr-oauth.h"
#include "tftsr-pii.h"

/* What is sent about an incident, every text already redacted by egress. */
typedef struct
{
  gint64 issue_id;
  char *title;
  char *description; /* Markdown */
  char *severity;    /* "critical"… */
  char *status;      /* "open"… */
  char *category;
  char *created_at;
  char *marker; /* the correlation marker: "tftsr-<database id>-<issue id>" */
  char *link;   /* NOTIFY_PUBLISHED: the page; else NULL */
} TftsrTicketDraft;

void tftsr_ticket_draft_free (TftsrTicketDraft *draft);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrTicketDraft, tftsr_ticket_draft_free)

/* A document to publish, redacted. */
typedef struct
{
  gint64 document_id;
  gint64 issue_id;
  char *title;
  char *markdown;
  char *storage;  /* Confluence storage format of markdown */
  char *page_id;  /* the page it was published as; NULL: not yet */
  gint64 version; /* that page's version when it was published */
  char *space;
  char *parent;
  gboolean overwrite;
} TftsrPageDraft;

void tftsr_page_draft_free (TftsrPageDraft *draft);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrPageDraft, tftsr_page_draft_free)

typedef struct _TftsrConnectorCtx TftsrConnectorCtx;

struct _TftsrConnectorCtx
{
  TftsrStore *store;
  const TftsrConnectorConfig *config;
  const char *candidate_secret; /* a connection test before saving; else NULL */
  GCancellable *cancellable;
  gint64 issue_id;      /* whose texts are sent; 0: none */
  GHashTable *counts;   /* redactions made in what is sent (type → count) */
  gboolean preview;     /* build the request, return it in preview_text, send nothing */
  char *preview_text;   /* "METHOD URL\nContent-Type: T\n\nBODY" of the first body */
  GPtrArray *events;    /* TftsrConnectorEvent, written with the run */
  guint last_status;    /* of the last answer; 0: none */
  char *payload_sha256; /* of the last body sent */
  TftsrConnectorProgress progress;
  gpointer progress_data;
  /* Replay (the fuzz target of replies): nothing is sent or recorded; the first call is
   * answered with replay_status and replay_body, any later one fails as a lost connection. */
  gboolean replay;
  guint replay_status;
  GBytes *replay_body;
};

/* The operations of one kind; NULL where the service has none. Each returns what the
 * public function of the same name returns (tftsr-connector.h). */
typedef struct
{
  TftsrConnectorKind kind;
  const char *name;  /* "servicenow" */
  const char *label; /* "ServiceNow", untranslated brand */
  TftsrConnectorCaps caps;
  const TftsrConnectorField *fields;
  guint n_fields;
  /* The auth methods the service accepts (bit 1 << TftsrConnectorAuth). */
  guint auths;
  /* The service's one public address (PagerDuty's Events API); NULL: none. */
  const char *default_url;
  /* The kind's own checks of the URL and options, in place of the general URL check (a
   * webhook's URL may carry a query); NULL: the general check. */
  gboolean (*validate) (const TftsrConnectorConfig *config, GError **error);

  char *(*test) (TftsrConnectorCtx *ctx, GError **error);
  TftsrExternalItem *(*create_ticket) (TftsrConnectorCtx *ctx, const TftsrTicketDraft *draft,
                                       GError **error);
  /* The ticket that carries @marker, or NULL without @error when there is none. */
  TftsrExternalItem *(*find_marker) (TftsrConnectorCtx *ctx, const TftsrTicketDraft *draft,
                                     GError **error);
  /* find_marker searches an index that lags behind a create by seconds: a miss is asked
   * again a few times before the ticket is created anew. */
  gboolean marker_search_lags;
  TftsrExternalItem *(*update_ticket) (TftsrConnectorCtx *ctx, const char *id,
                                       const TftsrTicketDraft *draft, GError **error);
  TftsrExternalItem *(*get_ticket) (TftsrConnectorCtx *ctx, const char *id_or_key, GError **error);
  gboolean (*comment) (TftsrConnectorCtx *ctx, const char *id, const char *text, GError **error);
  GPtrArray *(*search) (TftsrConnectorCtx *ctx, const char *query, guint limit, GError **error);
  GPtrArray *(*list_containers) (TftsrConnectorCtx *ctx, GError **error);
  TftsrExternalItem *(*publish) (TftsrConnectorCtx *ctx, const TftsrPageDraft *draft,
                                 GError **error);
  TftsrExternalItem *(*page) (TftsrConnectorCtx *ctx, const TftsrTicketDraft *draft,
                              TftsrPageAction action, GError **error);
  TftsrExternalItem *(*run_action) (TftsrConnectorCtx *ctx, const char *action_ref,
                                    json_object *parameters, GError **error);
  gboolean (*notify) (TftsrConnectorCtx *ctx, const TftsrTicketDraft *draft, TftsrNotifyEvent event,
                      GError **error);
} TftsrConnectorOps;

/* The operations of each kind (one per connector file). */
extern const TftsrConnectorOps tftsr_connector_confluence_ops;
extern const TftsrConnectorOps tftsr_connector_servicenow_ops;
extern const TftsrConnectorOps tftsr_connector_azure_devops_ops;
extern const TftsrConnectorOps tftsr_connector_jira_ops;
extern const TftsrConnectorOps tftsr_connector_pagerduty_ops;
extern const TftsrConnectorOps tftsr_connector_stackstorm_ops;
extern const TftsrConnectorOps tftsr_connector_webhook_ops;
extern const TftsrConnectorOps tftsr_connector_slack_ops;
extern const TftsrConnectorOps tftsr_connector_teams_ops;

const TftsrConnectorOps *tftsr_connector_ops (TftsrConnectorKind kind);

/* ---- The runtime (tftsr-connector-runtime.c) ---- */

/* One HTTP call of a run, as integration_events keeps it. */
typedef struct
{
  char *method;
  char *path; /* never the query; only "/" for a secret URL */
  guint status;
  guint attempts;
  guint latency_ms;
  char *error;
  char *payload_sha256;
} TftsrConnectorEvent;

void tftsr_connector_event_free (TftsrConnectorEvent *event);

/* The circuit breaker of connector @id (one per connector, for the process's lifetime). */
TftsrCircuit *tftsr_connector_circuit (const char *id);

/* @config's base URL (without a trailing '/') followed by @path, which the caller built
 * with every variable segment escaped (tftsr_connector_escape_segment). */
char *tftsr_connector_url (const TftsrConnectorConfig *config, const char *path);
/* Whether @host is this machine (localhost, 127.0.0.0/8, ::1). */
gboolean tftsr_connector_url_is_loopback (const char *host);
/* @segment escaped for a URL path or query value (RFC 3986 unreserved kept). */
char *tftsr_connector_escape (const char *segment);

/* How tftsr_connector_call sends. */
typedef enum
{
  TFTSR_CALL_DEFAULT = 0,
  TFTSR_CALL_NOT_REPEATABLE = 1 << 0, /* creates: see tftsr_http_request_set_not_repeatable */
  TFTSR_CALL_NO_AUTH = 1 << 1,        /* the connector puts its secret elsewhere (body, URL) */
  TFTSR_CALL_NO_JSON = 1 << 2,        /* the answer is not JSON: *@reply stays NULL */
  TFTSR_CALL_SECRET_BODY = 1 << 4,    /* the body holds a secret: zeroed when freed */
  TFTSR_CALL_TEXT_QUERY = 1 << 5,     /* the query string carries the user's text (a search):
                                       * recorded as a departure like a body */
  TFTSR_CALL_SECRET_URL = 1 << 3,     /* the URL is a secret (Slack, Teams): only its host is
                                       * recorded, shown or logged */
} TftsrCallFlags;

/* Sends @body (NULL: none; @content_type NULL: application/json) with @method to @url and
 * returns the parsed JSON answer of a 2xx (JSON null for an empty body) in *@reply. The
 * body is recorded with egress as a departure to @url's scheme, host and path. Extra
 * headers: @headers (NULL-terminated name, value pairs; may be NULL). A non-2xx answer is
 * an error whose message quotes the service's own (the first error message its JSON holds).
 * In preview mode nothing is sent: the request is kept in ctx->preview_text and the call
 * fails with G_IO_ERROR_CANCELLED, which the operation passes on. */
gboolean tftsr_connector_call (TftsrConnectorCtx *ctx, const char *method, const char *url,
                               const char *content_type, const char *body,
                               const char *const *headers, TftsrCallFlags flags,
                               json_object **reply, GError **error);

/* @config's OAuth client from its options ("oauth"); the strings in @out belong to
 * *@holder (free it after). FALSE when none is configured. */
gboolean tftsr_connector_oauth_config (const TftsrConnectorConfig *config, json_object **holder,
                                       TftsrOAuthConfig *out);
/* The connector's secret: the candidate being tested, else the vault's; NULL with @error
 * when it has none and needs one. */
TftsrSecret *tftsr_connector_dup_secret (TftsrConnectorCtx *ctx, GError **error);
/* The value of @field for the draft's severity (tftsr_connector_config_dup_mapping). */
char *tftsr_connector_map (TftsrConnectorCtx *ctx, const char *field, const char *severity);

/* JSON helpers for replies: the string at @path ("result.sys_id", "_links.base"; an
 * integer member is given as text), or NULL. */
const char *tftsr_json_path_string (json_object *object, const char *path);
char *tftsr_json_path_dup (json_object *object, const char *path);
/* Sleeps @ms milliseconds, or less when @cancellable is cancelled: FALSE then. */
gboolean tftsr_connector_pause (GCancellable *cancellable, guint ms);
/* TFTSR_CONNECTOR_ERROR_BAD_REPLY: "@what answered without @member". */
gpointer tftsr_connector_bad_reply (const TftsrConnectorCtx *ctx, const char *member,
                                    GError **error);
/* Appends to @items, until it holds @limit of them, an item made by @item_from of each
 * element of the JSON array @array (the @member of a reply); FALSE with @error when @array
 * is no array (tftsr_connector_bad_reply, naming @member) or @item_from fails. */
typedef TftsrExternalItem *(*TftsrItemFromJson) (TftsrConnectorCtx *ctx, json_object *object,
                                                 GError **error);
gboolean tftsr_connector_add_items (TftsrConnectorCtx *ctx, json_object *array, const char *member,
                                    TftsrItemFromJson item_from, guint limit, GPtrArray *items,
                                    GError **error);

/* @object as compact JSON without escaped slashes (owned by @object). */
const char *tftsr_connector_json_text (json_object *object);
/* @text (NULL: "") as one line of at most @max_chars characters: invalid UTF-8 repaired,
 * control characters made spaces, the ends stripped. */
char *tftsr_connector_one_line (const char *text, guint max_chars);

/* ---- Records (tftsr-connector-store.c) ---- */

/* Writes the run of @operation that @ctx made (its events with it) in one transaction. */
void tftsr_connector_record_run (TftsrConnectorCtx *ctx, const char *operation, gint64 started_us,
                                 const char *started_at, const GError *error);
/* The link of @issue_id's @object at @connector with correlation @correlation, or NULL. */
TftsrExternalLink *tftsr_connector_find_link (TftsrStore *store, gint64 issue_id,
                                              const char *connector, const char *object,
                                              const char *correlation, GError **error);
/* A pending link carrying @marker, written before a create is sent. Returns its id. */
gint64 tftsr_connector_add_pending_link (TftsrStore *store, gint64 issue_id,
                                         const TftsrConnectorConfig *config, const char *object,
                                         const char *marker, GError **error);
/* Link @link_id now names @item; a timeline entry is added when it was pending. */
gboolean tftsr_connector_complete_link (TftsrStore *store, gint64 link_id,
                                        const TftsrConnectorConfig *config, const char *object,
                                        const TftsrExternalItem *item, GError **error);
/* Stores where document @document_id was published. */
gboolean tftsr_connector_set_document_url (TftsrStore *store, gint64 document_id, const char *url,
                                           GError **error);
