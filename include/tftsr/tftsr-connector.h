/* tftsr-connector.h: the systems of record an incident is sent to (Confluence, ServiceNow,
 * Azure DevOps, Jira, PagerDuty, StackStorm, webhooks, Slack, Teams)
 *
 * A connector is one configured service, named by a vault connector id ("jira",
 * "servicenow.prod"); its kind says which service it is. Its secret lives in the vault and
 * is read only by the code that builds a request. Every operation:
 * - builds its payload from texts redacted by egress (tftsr_connector_preview() shows the
 *   exact bytes before anything is sent) and records each departure in the audit log;
 * - goes through the connector's circuit breaker, retries 429/503 as the net module does,
 *   and is recorded as a run with one event per HTTP call (integration_runs/events);
 * - blocks: call it from a worker, or use the _async forms.
 * Creating a ticket never creates two for one incident: see tftsr_connector_create_ticket().
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tftsr-net.h"
#include "tftsr-oauth.h"
#include "tftsr-store.h"
#include "tftsr-vault.h"

G_BEGIN_DECLS

#define TFTSR_CONNECTOR_ERROR (tftsr_connector_error_quark ())
GQuark tftsr_connector_error_quark (void);

typedef enum
{
  TFTSR_CONNECTOR_ERROR_INVALID,         /* the configuration or an argument is not usable */
  TFTSR_CONNECTOR_ERROR_NOT_SUPPORTED,   /* the connector's service has no such operation */
  TFTSR_CONNECTOR_ERROR_AUTH,            /* 401: the credentials were refused */
  TFTSR_CONNECTOR_ERROR_FORBIDDEN,       /* 403 */
  TFTSR_CONNECTOR_ERROR_NOT_FOUND,       /* 404 */
  TFTSR_CONNECTOR_ERROR_CONFLICT,        /* 409, or an edit over a newer version */
  TFTSR_CONNECTOR_ERROR_RATE_LIMITED,    /* 429 after the retries */
  TFTSR_CONNECTOR_ERROR_SERVER,          /* 5xx after the retries */
  TFTSR_CONNECTOR_ERROR_REJECTED,        /* another 4xx: the service refused the request */
  TFTSR_CONNECTOR_ERROR_BAD_REPLY,       /* the answer is not what the service's API promises */
  TFTSR_CONNECTOR_ERROR_UNKNOWN_OUTCOME, /* sent, but no answer: it may have been acted on */
} TftsrConnectorError;

typedef enum
{
  TFTSR_CONNECTOR_CONFLUENCE,
  TFTSR_CONNECTOR_SERVICENOW,
  TFTSR_CONNECTOR_AZURE_DEVOPS,
  TFTSR_CONNECTOR_JIRA,
  TFTSR_CONNECTOR_PAGERDUTY,
  TFTSR_CONNECTOR_STACKSTORM,
  TFTSR_CONNECTOR_WEBHOOK,
  TFTSR_CONNECTOR_SLACK,
  TFTSR_CONNECTOR_TEAMS,
  TFTSR_N_CONNECTOR_KINDS
} TftsrConnectorKind;

/* "confluence", "servicenow", "azure-devops", "jira", "pagerduty", "stackstorm", "webhook",
 * "slack", "teams". */
const char *tftsr_connector_kind_to_string (TftsrConnectorKind kind);
gboolean tftsr_connector_kind_from_string (const char *name, TftsrConnectorKind *kind);
/* "Azure DevOps"… */
const char *tftsr_connector_kind_get_label (TftsrConnectorKind kind);

/* What a kind of connector can do. */
typedef enum
{
  TFTSR_CONNECTOR_CAN_TICKETS = 1 << 0,    /* create, get, update, comment, search */
  TFTSR_CONNECTOR_CAN_PUBLISH = 1 << 1,    /* pages (Confluence) */
  TFTSR_CONNECTOR_CAN_PAGE = 1 << 2,       /* trigger/acknowledge/resolve (PagerDuty) */
  TFTSR_CONNECTOR_CAN_AUTOMATION = 1 << 3, /* actions run to completion (StackStorm) */
  TFTSR_CONNECTOR_CAN_NOTIFY = 1 << 4,     /* messages about the incident (webhook, chat) */
  TFTSR_CONNECTOR_CAN_CONTAINERS = 1 << 5, /* spaces, projects, actions to choose from */
} TftsrConnectorCaps;

TftsrConnectorCaps tftsr_connector_kind_get_caps (TftsrConnectorKind kind);

/* How a request proves who sends it. */
typedef enum
{
  TFTSR_CONNECTOR_AUTH_NONE,   /* webhooks without a signing secret */
  TFTSR_CONNECTOR_AUTH_BASIC,  /* user + API token or password; a PAT with an empty user */
  TFTSR_CONNECTOR_AUTH_BEARER, /* a personal access token sent as Bearer (Data Center) */
  TFTSR_CONNECTOR_AUTH_TOKEN,  /* the kind's own: PagerDuty routing key, St2-Api-Key, HMAC key,
                                * Slack/Teams webhook URL */
  TFTSR_CONNECTOR_AUTH_OAUTH,  /* OAuth 2.0 tokens from a sign-in (tftsr-oauth.h) */
} TftsrConnectorAuth;

const char *tftsr_connector_auth_to_string (TftsrConnectorAuth auth);
/* The address of @kind's service when it has one for everybody
 * ("https://events.pagerduty.com"); NULL otherwise. */
const char *tftsr_connector_kind_get_default_url (TftsrConnectorKind kind);
/* The way of signing in offered first for @kind: basic, else bearer, token, OAuth, none. */
TftsrConnectorAuth tftsr_connector_kind_get_default_auth (TftsrConnectorKind kind);
/* Whether the service of @kind accepts @auth. */
gboolean tftsr_connector_kind_accepts_auth (TftsrConnectorKind kind, TftsrConnectorAuth auth);
gboolean tftsr_connector_auth_from_string (const char *name, TftsrConnectorAuth *auth);

/* One field a severity is mapped to, e.g. ServiceNow "urgency": its default value for
 * critical, high, medium and low. A connector's options may override each value under
 * "mapping" → field key → severity. */
typedef struct
{
  const char *key;   /* "priority", "urgency", "impact", "severity" */
  const char *label; /* translated: "Urgency" */
  const char *defaults[4];
} TftsrConnectorField;

/* The fields @kind maps severities to (n in *@n_fields); none for chat notifications. */
const TftsrConnectorField *tftsr_connector_kind_get_fields (TftsrConnectorKind kind,
                                                            guint *n_fields);

/* A configured connector. Its secret stays in the vault: has_secret only says there is one.
 * @options is a JSON object of the kind's settings:
 *   "deployment": "cloud" | "datacenter" (Confluence, Jira)
 *   "project", "space", "parent", "team", "work_item_type", "issue_type"
 *   "mapping": { field: { severity: value } }
 *   "timeout": seconds one call may take, "1" to "600" (default "60")
 *   "headers": { name: value } (webhook), "method": "POST" | "PUT" | "PATCH" (webhook)
 *   "oauth": { "authorize_url", "token_url", "revoke_url", "client_id", "scope",
 *              "redirect_port" }
 */
typedef struct
{
  char *id; /* the vault connector id, also the name the CLI uses */
  TftsrConnectorKind kind;
  char *base_url;
  char *user; /* BASIC auth user (e-mail for Atlassian Cloud); may be NULL */
  TftsrConnectorAuth auth;
  gboolean insecure; /* TLS verification off for this connector only (warned about) */
  char *ca_file;     /* PEM bundle to trust instead of the system's; NULL: the system's */
  char *proxy;       /* NULL: the environment's; "": none */
  char *options;     /* JSON object, never NULL */
  gboolean has_secret;
} TftsrConnectorConfig;

#define TFTSR_TYPE_CONNECTOR_CONFIG (tftsr_connector_config_get_type ())
GType tftsr_connector_config_get_type (void) G_GNUC_CONST;
TftsrConnectorConfig *tftsr_connector_config_new (const char *id, TftsrConnectorKind kind,
                                                  const char *base_url);
TftsrConnectorConfig *tftsr_connector_config_copy (const TftsrConnectorConfig *config);
void tftsr_connector_config_free (TftsrConnectorConfig *config);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrConnectorConfig, tftsr_connector_config_free)
/* The string option @key, or NULL. */
char *tftsr_connector_config_dup_option (const TftsrConnectorConfig *config, const char *key);
/* Sets the string option @key (NULL removes it). */
void tftsr_connector_config_set_option (TftsrConnectorConfig *config, const char *key,
                                        const char *value);
/* The value @severity ("critical"…) maps to for @field: the option, else the default. */
char *tftsr_connector_config_dup_mapping (const TftsrConnectorConfig *config, const char *field,
                                          const char *severity);
/* Whether @config is complete and well formed (else @error says what to fix). */
gboolean tftsr_connector_config_validate (const TftsrConnectorConfig *config, GError **error);

/* Connectors in the database. Saving runs the connection test first when @secret is given
 * (NULL keeps the stored one): a secret the service refuses is never stored. Each save,
 * removal and sign-out is an audit entry. */
gboolean tftsr_store_save_connector (TftsrStore *store, const TftsrConnectorConfig *config,
                                     const char *secret, GCancellable *cancellable, GError **error);
/* Saves without a connection test (the CLI's --no-test, and tests). */
gboolean tftsr_store_save_connector_untested (TftsrStore *store, const TftsrConnectorConfig *config,
                                              const char *secret, GError **error);
/* Removes the connector, its secrets and signs it out of OAuth; its runs and links stay. */
gboolean tftsr_store_remove_connector (TftsrStore *store, const char *id, GCancellable *cancellable,
                                       GError **error);
GPtrArray *tftsr_store_list_connectors (TftsrStore *store, GError **error);
/* TFTSR_STORE_ERROR_NOT_FOUND when there is none. */
TftsrConnectorConfig *tftsr_store_get_connector (TftsrStore *store, const char *id, GError **error);

/* An OAuth sign-in of @config (auth OAUTH, its client in the options' "oauth" object): see
 * tftsr-oauth.h for running it. TFTSR_CONNECTOR_ERROR_INVALID when OAuth is not set up. */
TftsrOAuthFlow *tftsr_connector_sign_in_new (TftsrStore *store, const TftsrConnectorConfig *config,
                                             GError **error);

/* ---- Operations ---- */

/* A connection test: who the service says we are ("Signed in as Ana"), or why not.
 * With @candidate_secret (not yet saved) it is tested instead of the vault's. */
char *tftsr_connector_test (TftsrStore *store, const TftsrConnectorConfig *config,
                            const char *candidate_secret, GCancellable *cancellable,
                            GError **error);

/* An object on the other side: a ticket, page, alert, execution. */
typedef struct
{
  char *id;       /* the service's id (sys_id, page id, work item id, dedup_key…) */
  char *key;      /* what people call it (INC0010023, OPS-12, #42); may equal id */
  char *title;    /* may be NULL */
  char *status;   /* the service's own word; may be NULL */
  char *url;      /* for a browser; may be NULL */
  gint64 version; /* pages: the version number; 0 otherwise */
} TftsrExternalItem;

/* A new item (@key NULL: the id). */
TftsrExternalItem *tftsr_external_item_new (const char *id, const char *key, const char *title,
                                            const char *status, const char *url);
void tftsr_external_item_free (TftsrExternalItem *item);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrExternalItem, tftsr_external_item_free)

/* What an operation will send, for the person to review: the request line and the exact
 * body (redacted), as the operation would send it now. @operation is one of
 * "create-ticket", "update-ticket", "page-trigger", "page-acknowledge", "page-resolve",
 * "publish", "notify-opened", "notify-status", "notify-published", "run-action". @arg is the
 * document id for "publish" (as text), the action reference for "run-action", else NULL. */
char *tftsr_connector_preview (TftsrStore *store, const char *connector, const char *operation,
                               gint64 issue_id, const char *arg, GError **error);
/* The "publish" preview with the options of tftsr_connector_publish: the page as it would
 * go to @space under @parent (NULL: the connector's own). */
char *tftsr_connector_preview_publish (TftsrStore *store, const char *connector, gint64 document_id,
                                       const char *space, const char *parent, gboolean overwrite,
                                       GError **error);

/* Opens a ticket about incident @issue_id, or returns the one already opened: a link
 * recorded for this incident and connector is returned as is; a create whose answer was
 * lost (timeout, reset) is looked up by the correlation marker it carried before a new one
 * is made. The link is kept on the incident with a timeline entry. */
TftsrExternalItem *tftsr_connector_create_ticket (TftsrStore *store, const char *connector,
                                                  gint64 issue_id, GCancellable *cancellable,
                                                  GError **error);
/* Sends the incident's current title, description and severity (as mapped) to its ticket. */
TftsrExternalItem *tftsr_connector_update_ticket (TftsrStore *store, const char *connector,
                                                  gint64 issue_id, GCancellable *cancellable,
                                                  GError **error);
/* A ticket by the service's id or key (sys_id or number, OPS-12, 42). */
TftsrExternalItem *tftsr_connector_get_ticket (TftsrStore *store, const char *connector,
                                               const char *id_or_key, GCancellable *cancellable,
                                               GError **error);
/* Adds @text (redacted first) as a comment / work note to the incident's ticket. */
gboolean tftsr_connector_comment (TftsrStore *store, const char *connector, gint64 issue_id,
                                  const char *text, GCancellable *cancellable, GError **error);
/* Tickets or pages matching the free text @query (escaped into CQL/WIQL/JQL/sysparm_query). */
GPtrArray *tftsr_connector_search (TftsrStore *store, const char *connector, const char *query,
                                   guint limit, GCancellable *cancellable, GError **error);
/* Spaces (Confluence), projects (Azure DevOps, Jira) or actions (StackStorm). */
GPtrArray *tftsr_connector_list_containers (TftsrStore *store, const char *connector,
                                            GCancellable *cancellable, GError **error);

/* Publishes document @document_id as a page, or updates the page it was published as
 * (version + 1; a page edited there meanwhile is TFTSR_CONNECTOR_ERROR_CONFLICT unless
 * @overwrite). @space and @parent (NULL: the connector's options) say where a new page
 * goes. The page's link is stored with the document. */
TftsrExternalItem *tftsr_connector_publish (TftsrStore *store, const char *connector,
                                            gint64 document_id, const char *space,
                                            const char *parent, gboolean overwrite,
                                            GCancellable *cancellable, GError **error);

typedef enum
{
  TFTSR_PAGE_TRIGGER,
  TFTSR_PAGE_ACKNOWLEDGE,
  TFTSR_PAGE_RESOLVE,
} TftsrPageAction;

/* Pages on-call about incident @issue_id (dedup_key derived from the incident). */
TftsrExternalItem *tftsr_connector_page (TftsrStore *store, const char *connector, gint64 issue_id,
                                         TftsrPageAction action, GCancellable *cancellable,
                                         GError **error);

/* Progress of a long operation, in the worker's thread: @status is the service's word
 * ("requested", "running"…), @fraction 0–1 or negative when unknown. */
typedef void (*TftsrConnectorProgress) (const char *status, double fraction, gpointer user_data);

/* The status of an execution whose wait was cancelled after it started: it goes on at the
 * service, no longer watched from here. */
#define TFTSR_EXECUTION_UNWATCHED "unwatched"

/* Runs action @action_ref with @parameters_json (a JSON object; its strings are redacted)
 * for incident @issue_id (0: none) and polls the execution until it ends; the result is the
 * execution, its status "succeeded", "failed", "timeout"… Cancelled once the execution was
 * started, it is still the result (and linked on the incident), its status
 * TFTSR_EXECUTION_UNWATCHED: the execution exists and runs on. */
TftsrExternalItem *tftsr_connector_run_action (TftsrStore *store, const char *connector,
                                               gint64 issue_id, const char *action_ref,
                                               const char *parameters_json,
                                               TftsrConnectorProgress progress,
                                               gpointer progress_data, GCancellable *cancellable,
                                               GError **error);

typedef enum
{
  TFTSR_NOTIFY_OPENED,
  TFTSR_NOTIFY_STATUS_CHANGED,
  TFTSR_NOTIFY_PUBLISHED, /* @link is the published page */
} TftsrNotifyEvent;

/* Tells a webhook or a chat channel about incident @issue_id. */
gboolean tftsr_connector_notify (TftsrStore *store, const char *connector, gint64 issue_id,
                                 TftsrNotifyEvent event, const char *link,
                                 GCancellable *cancellable, GError **error);

/* ---- Links kept on incidents ---- */

typedef struct
{
  gint64 id;
  gint64 issue_id;
  char *connector;
  TftsrConnectorKind kind;
  char *object;           /* "ticket", "page", "alert", "execution" */
  TftsrExternalItem item; /* of a pending link: id NULL */
  char *correlation;      /* the marker the create carried */
  gboolean pending;       /* sent, no answer recorded yet */
  char *created_at;
  char *updated_at;
} TftsrExternalLink;

void tftsr_external_link_free (TftsrExternalLink *link);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrExternalLink, tftsr_external_link_free)
/* The objects created for incident @issue_id, oldest first. */
GPtrArray *tftsr_store_list_external_links (TftsrStore *store, gint64 issue_id, GError **error);

/* ---- Runs and health ---- */

typedef struct
{
  char *connector;
  TftsrConnectorKind kind;
  gboolean configured;   /* has what its auth needs */
  char *last_success_at; /* NULL: never */
  guint recent_failures; /* failed runs among the last 20 */
  char *last_error;      /* of the newest failed run; NULL: none */
  TftsrCircuitState circuit;
} TftsrConnectorHealth;

void tftsr_connector_health_free (TftsrConnectorHealth *health);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrConnectorHealth, tftsr_connector_health_free)
/* One per configured connector, by id. */
GPtrArray *tftsr_store_list_connector_health (TftsrStore *store, GError **error);

typedef struct
{
  gint64 id;
  char *connector;
  char *operation;
  gint64 issue_id; /* 0: none */
  gboolean ok;
  guint http_status; /* of the last call; 0: no answer */
  guint latency_ms;
  char *error;          /* NULL when ok */
  char *payload_sha256; /* of the bytes sent; NULL: none */
  char *started_at;
} TftsrConnectorRun;

void tftsr_connector_run_free (TftsrConnectorRun *run);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrConnectorRun, tftsr_connector_run_free)
/* The newest @limit runs of @connector (NULL: of all), newest first. */
GPtrArray *tftsr_store_list_connector_runs (TftsrStore *store, const char *connector, guint limit,
                                            GError **error);

/* ---- Async ----
 *
 * The calls above for the UI thread: each runs in a worker (g_task_run_in_thread) with
 * @cancellable, and @callback runs in the caller's thread-default main context. Secrets
 * given are copied for the worker and wiped when the call ends. Every _finish takes the
 * store the call was started on. */

/* tftsr_store_save_connector(): with @secret, tested before it is kept. */
void tftsr_store_save_connector_async (TftsrStore *store, const TftsrConnectorConfig *config,
                                       const char *secret, GCancellable *cancellable,
                                       GAsyncReadyCallback callback, gpointer user_data);
gboolean tftsr_store_save_connector_finish (TftsrStore *store, GAsyncResult *result,
                                            GError **error);
void tftsr_store_remove_connector_async (TftsrStore *store, const char *id,
                                         GCancellable *cancellable, GAsyncReadyCallback callback,
                                         gpointer user_data);
gboolean tftsr_store_remove_connector_finish (TftsrStore *store, GAsyncResult *result,
                                              GError **error);
/* TftsrConnectorConfig, by id. */
void tftsr_store_list_connectors_async (TftsrStore *store, GCancellable *cancellable,
                                        GAsyncReadyCallback callback, gpointer user_data);
GPtrArray *tftsr_store_list_connectors_finish (TftsrStore *store, GAsyncResult *result,
                                               GError **error);
/* TftsrConnectorHealth, by id. */
void tftsr_store_list_connector_health_async (TftsrStore *store, GCancellable *cancellable,
                                              GAsyncReadyCallback callback, gpointer user_data);
GPtrArray *tftsr_store_list_connector_health_finish (TftsrStore *store, GAsyncResult *result,
                                                     GError **error);
/* TftsrExternalLink of incident @issue_id, oldest first. */
void tftsr_store_list_external_links_async (TftsrStore *store, gint64 issue_id,
                                            GCancellable *cancellable, GAsyncReadyCallback callback,
                                            gpointer user_data);
GPtrArray *tftsr_store_list_external_links_finish (TftsrStore *store, GAsyncResult *result,
                                                   GError **error);

void tftsr_connector_test_async (TftsrStore *store, const TftsrConnectorConfig *config,
                                 const char *candidate_secret, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data);
char *tftsr_connector_test_finish (TftsrStore *store, GAsyncResult *result, GError **error);

void tftsr_connector_preview_async (TftsrStore *store, const char *connector, const char *operation,
                                    gint64 issue_id, const char *arg, GCancellable *cancellable,
                                    GAsyncReadyCallback callback, gpointer user_data);
char *tftsr_connector_preview_finish (TftsrStore *store, GAsyncResult *result, GError **error);

/* The operations that make or find one item share a finish function. */
void tftsr_connector_create_ticket_async (TftsrStore *store, const char *connector, gint64 issue_id,
                                          GCancellable *cancellable, GAsyncReadyCallback callback,
                                          gpointer user_data);
void tftsr_connector_publish_async (TftsrStore *store, const char *connector, gint64 document_id,
                                    const char *space, const char *parent, gboolean overwrite,
                                    GCancellable *cancellable, GAsyncReadyCallback callback,
                                    gpointer user_data);
void tftsr_connector_page_async (TftsrStore *store, const char *connector, gint64 issue_id,
                                 TftsrPageAction action, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data);
/* @progress is called in the caller's main context (the newest report; reports of the same
 * status arrive at most ten times a second), never after @callback. */
void tftsr_connector_run_action_async (TftsrStore *store, const char *connector, gint64 issue_id,
                                       const char *action_ref, const char *parameters_json,
                                       TftsrConnectorProgress progress, gpointer progress_data,
                                       GCancellable *cancellable, GAsyncReadyCallback callback,
                                       gpointer user_data);
TftsrExternalItem *tftsr_connector_item_finish (TftsrStore *store, GAsyncResult *result,
                                                GError **error);

void tftsr_connector_notify_async (TftsrStore *store, const char *connector, gint64 issue_id,
                                   TftsrNotifyEvent event, const char *link,
                                   GCancellable *cancellable, GAsyncReadyCallback callback,
                                   gpointer user_data);
gboolean tftsr_connector_notify_finish (TftsrStore *store, GAsyncResult *result, GError **error);

/* TftsrExternalItem: spaces, projects or actions; or the search's matches. */
void tftsr_connector_list_containers_async (TftsrStore *store, const char *connector,
                                            GCancellable *cancellable, GAsyncReadyCallback callback,
                                            gpointer user_data);
void tftsr_connector_search_async (TftsrStore *store, const char *connector, const char *query,
                                   guint limit, GCancellable *cancellable,
                                   GAsyncReadyCallback callback, gpointer user_data);
GPtrArray *tftsr_connector_items_finish (TftsrStore *store, GAsyncResult *result, GError **error);

G_END_DECLS
