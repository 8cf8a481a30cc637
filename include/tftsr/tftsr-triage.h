/* tftsr-triage.h: the guided 5-Whys triage of an incident, with an AI provider or the
 * built-in offline guide
 *
 * The conversation of an incident walks a chain of five whys from the symptom to the root
 * cause. Its state is a level: 0 before it starts, 1..5 while why n is being asked, 6 once
 * the root cause is identified. The model ends a reply that establishes something with a
 * marker line, [[WHY n: answer]] or [[ROOT CAUSE: statement]]; markers move the level by
 * the rule of tftsr_triage_advance().
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tftsr-ai-client.h"
#include "tftsr-ai-message.h"
#include "tftsr-issue.h"
#include "tftsr-mcp-bridge.h"
#include "tftsr-store.h"
#include "tftsr-triage-attachment.h"

G_BEGIN_DECLS

#define TFTSR_TRIAGE_N_WHYS 5
#define TFTSR_TRIAGE_LEVEL_NOT_STARTED 0
#define TFTSR_TRIAGE_LEVEL_ROOT_CAUSE 6

/* What the built-in guide's messages give as their provider. */
#define TFTSR_TRIAGE_GUIDE_PROVIDER "offline guide"

/* A system prompt never grows past this many bytes: the incident's texts are cut to fit. */
#define TFTSR_TRIAGE_SYSTEM_PROMPT_MAX 16384

/* --- prompts (pure) --------------------------------------------------------------------- */

/* The domain prompt of @category (data/prompts/<category>.md): what to check first,
 * typical failures, evidence to ask for. Static text. */
const char *tftsr_triage_domain_prompt (TftsrCategory category);

/* What the system prompt is built from. Every text must already have been through egress
 * (tftsr_egress_redact_text()). */
typedef struct
{
  TftsrCategory category;
  TftsrSeverity severity;
  const char *title;
  const char *description;
  const char *const *log_names; /* NULL-terminated; may be NULL */
  guint level;                  /* the 5-Whys level, 0..6 */
  const char *const *answers;   /* the answers of whys 1.. so far, in order; may be NULL */
  const char *root_cause;       /* at level 6; may be NULL */
  gboolean tools;               /* tools are offered with the request */
} TftsrTriageContext;

/* One system message: the domain prompt, the incident, the 5-Whys protocol at the current
 * level and, only with @context->tools, a line on tools. At most
 * TFTSR_TRIAGE_SYSTEM_PROMPT_MAX bytes. */
char *tftsr_triage_build_system_prompt (const TftsrTriageContext *context);

/* --- markers and the state machine (pure) ----------------------------------------------- */

typedef enum
{
  TFTSR_TRIAGE_MARKER_WHY,        /* [[WHY n: answer]] */
  TFTSR_TRIAGE_MARKER_ROOT_CAUSE, /* [[ROOT CAUSE: statement]] */
} TftsrTriageMarkerKind;

/* What a marker did when it was applied. */
typedef enum
{
  TFTSR_TRIAGE_EFFECT_IGNORED, /* out of order, too early, or beyond the chain */
  TFTSR_TRIAGE_EFFECT_ANSWERS, /* answered the why being asked (or named the root cause) */
  TFTSR_TRIAGE_EFFECT_REVISES, /* restated an earlier why or the root cause: text updated */
} TftsrTriageEffect;

typedef struct
{
  TftsrTriageMarkerKind kind;
  guint why;      /* 1..5 for a WHY marker, 0 for ROOT CAUSE */
  char *text;     /* the answer or the statement, trimmed, never empty */
  char *evidence; /* after "| evidence:", or NULL */
  TftsrTriageEffect effect;
} TftsrTriageMarker;

void tftsr_triage_marker_free (TftsrTriageMarker *marker);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrTriageMarker, tftsr_triage_marker_free)

/* The markers of a reply, in order. Only the last TFTSR_TRIAGE_MARKER_LINES non-blank lines
 * are read (a marker quoted earlier in the text is not one). Tolerated: any case, extra
 * spaces, "Why #2", "WHY 2/5", "why 2 of 5", ":" or "-" or "—" after the number, markdown
 * emphasis inside or around, one or two brackets, a missing closing bracket (the line's
 * end closes it), text before or after the marker on its line. A number outside 1..5 or an
 * empty text is no marker. */
#define TFTSR_TRIAGE_MARKER_LINES 6
GPtrArray *tftsr_triage_parse_markers (const char *reply);

/* @reply for display: every marker removed (lines left blank by it dropped). The stored
 * message keeps them. */
char *tftsr_triage_strip_markers (const char *reply);

/* Applies @markers in order to @level and returns the new level, setting each marker's
 * effect. The rule:
 *  - a conversation not started (0) counts as asking why 1;
 *  - WHY n with n equal to the level being asked answers it: the level becomes n + 1, and
 *    answering why 5 identifies the root cause (level 6) with that answer;
 *  - WHY n below the level revises that answer and never moves the level back;
 *  - WHY n above the level is ignored: a skipped why would have no answer;
 *  - ROOT CAUSE answers only once at least one why is answered (level 2..5 → 6); at
 *    level 6 it revises the statement; before that it is ignored.
 * Several markers in one reply apply one after the other ([[WHY 1]] then [[WHY 2]]
 * answers both). */
guint tftsr_triage_advance (guint level, GPtrArray *markers);

/* The question of why @n: about the incident @title for why 1, about @previous_answer
 * (the answer to why n - 1) after that. */
char *tftsr_triage_why_question (guint n, const char *title, const char *previous_answer);

/* --- the stored conversation -------------------------------------------------------------- */

typedef enum
{
  TFTSR_TRIAGE_MESSAGE_COMPLETE,
  TFTSR_TRIAGE_MESSAGE_ERROR,     /* the reply failed; content is what had arrived */
  TFTSR_TRIAGE_MESSAGE_CANCELLED, /* the engineer stopped it; content is what had arrived */
} TftsrTriageMessageState;

const char *tftsr_triage_message_state_to_string (TftsrTriageMessageState state);

/* How a tool call stands. The first four are stored with a tool result; waiting and running
 * are only ever heard while a turn runs. */
typedef enum
{
  TFTSR_TRIAGE_TOOL_DONE,      /* the server answered (the result may be the tool's own error) */
  TFTSR_TRIAGE_TOOL_DENIED,    /* the engineer declined: the model was told so */
  TFTSR_TRIAGE_TOOL_FAILED,    /* no answer (timeout, crash, no such tool, the round limit) */
  TFTSR_TRIAGE_TOOL_CANCELLED, /* the engineer stopped the turn */
  TFTSR_TRIAGE_TOOL_WAITING,   /* waiting for the engineer's approval */
  TFTSR_TRIAGE_TOOL_RUNNING,   /* sent to the server, no answer yet */
} TftsrTriageToolStatus;

/* "done", "denied", "failed", "cancelled", "waiting", "running". */
const char *tftsr_triage_tool_status_to_string (TftsrTriageToolStatus status);
/* The status as the engineer reads it ("Waiting for approval", "Denied"…), translated. */
const char *tftsr_triage_tool_status_to_label (TftsrTriageToolStatus status);

typedef struct
{
  gint64 id;
  guint seq; /* 1, 2… within the conversation */
  TftsrAiMessage *message;
  char *provider; /* assistant messages: who wrote it; else NULL */
  char *model;
  TftsrTriageMessageState state;
  char *error; /* why a reply failed, or NULL */
  char *created_at;
  gboolean superseded;    /* a reply written again since (tftsr_triage_regenerate()): kept, but
                        * neither sent nor shown */
  char *display_text;     /* the text shown on this machine (tftsr_triage_dup_display_text()):
                        * filled by tftsr_store_list_triage_messages_async(), else NULL */
  GPtrArray *attachments; /* TftsrTriageAttachment: what the engineer attached, in order;
                           * shown beside the text, never in it; empty for replies */
  /* A tool result (role tool): the server that answered (NULL when none offers the tool),
   * the arguments exactly as sent there (NULL when nothing was sent) and how it ended. The
   * content is the result as the model got it, pseudonymised. */
  char *tool_server;
  char *tool_arguments;
  TftsrTriageToolStatus tool_status;
} TftsrTriageMessage;

void tftsr_triage_message_free (TftsrTriageMessage *message);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrTriageMessage, tftsr_triage_message_free)

/* One why of the chain. */
typedef struct
{
  guint n; /* 1..5 */
  char *question;
  char *answer;
  char *evidence;
  char *updated_at;
} TftsrTriageWhy;

void tftsr_triage_why_free (TftsrTriageWhy *why);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrTriageWhy, tftsr_triage_why_free)

/* The 5-Whys state of an incident. Answers and the root cause are kept as the engineer
 * reads them: pseudonyms in a model's marker are mapped back when it is recorded, and
 * redacted again whenever they leave. */
typedef struct
{
  gint64 issue_id;
  guint level;
  char *root_cause; /* "" until identified */
  GPtrArray *whys;  /* TftsrTriageWhy, by n; only the whys asked or answered */
} TftsrTriageState;

void tftsr_triage_state_free (TftsrTriageState *state);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrTriageState, tftsr_triage_state_free)
/* Why @n of @state, or NULL. */
const TftsrTriageWhy *tftsr_triage_state_get_why (const TftsrTriageState *state, guint n);

/* The state of incident @issue_id (level 0 with no whys before the conversation starts). */
TftsrTriageState *tftsr_store_get_triage (TftsrStore *store, gint64 issue_id, GError **error);
/* The messages of the incident's conversation, oldest first. */
GPtrArray *tftsr_store_list_triage_messages (TftsrStore *store, gint64 issue_id, GError **error);

/* The same in a worker, for the UI thread. The messages listed there come with their
 * display_text, so that the UI thread never reads the pseudonyms itself. */
void tftsr_store_get_triage_async (TftsrStore *store, gint64 issue_id, GCancellable *cancellable,
                                   GAsyncReadyCallback callback, gpointer user_data);
TftsrTriageState *tftsr_store_get_triage_finish (TftsrStore *store, GAsyncResult *result,
                                                 GError **error);
void tftsr_store_list_triage_messages_async (TftsrStore *store, gint64 issue_id,
                                             GCancellable *cancellable,
                                             GAsyncReadyCallback callback, gpointer user_data);
GPtrArray *tftsr_store_list_triage_messages_finish (TftsrStore *store, GAsyncResult *result,
                                                    GError **error);
/* Appends @message (as typed or as replied) to the conversation of @issue_id, starting it
 * if needed, and returns it as stored. @provider and @model name who wrote an assistant
 * message. */
TftsrTriageMessage *tftsr_store_append_triage_message (TftsrStore *store, gint64 issue_id,
                                                       const TftsrAiMessage *message,
                                                       const char *provider, const char *model,
                                                       TftsrTriageMessageState state,
                                                       const char *error_text, GError **error);
/* Marks a stored message as complete, failed (with @error_text) or cancelled. */
gboolean tftsr_store_set_triage_message_state (TftsrStore *store, gint64 message_id,
                                               TftsrTriageMessageState state,
                                               const char *error_text, GError **error);

/* The engineer confirms or edits why @n (1..5). A non-empty @answer for the why being
 * asked moves the chain on as a marker would (answering why 5 identifies the root cause);
 * an earlier why is edited in place; a why beyond the one being asked is refused
 * (TFTSR_STORE_ERROR_INVALID), as is an empty answer to a why already answered. @question
 * or @evidence NULL keep what is stored. The first answer of each why, and the root
 * cause, are recorded in the timeline once. */
gboolean tftsr_store_set_why (TftsrStore *store, gint64 issue_id, guint n, const char *question,
                              const char *answer, const char *evidence, GError **error);
/* The engineer names the root cause: allowed once at least one why is answered; changing
 * it later edits the statement. */
gboolean tftsr_store_set_root_cause (TftsrStore *store, gint64 issue_id, const char *statement,
                                     GError **error);
/* The same in a worker; both finish with tftsr_store_change_finish(). */
void tftsr_store_set_why_async (TftsrStore *store, gint64 issue_id, guint n, const char *question,
                                const char *answer, const char *evidence, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data);
void tftsr_store_set_root_cause_async (TftsrStore *store, gint64 issue_id, const char *statement,
                                       GCancellable *cancellable, GAsyncReadyCallback callback,
                                       gpointer user_data);

/* A message's text for display on this machine: markers removed and the incident's
 * pseudonyms mapped back to their values. */
char *tftsr_triage_dup_display_text (TftsrStore *store, gint64 issue_id,
                                     const TftsrTriageMessage *message, GError **error);

/* A reply's display text while it streams in. Pieces may cut a pseudonym token or a marker
 * anywhere; what is shown never holds half of one. Complete lines are shown as
 * tftsr_triage_dup_display_text() shows them (markers removed, pseudonyms revealed). Of the
 * line still arriving, the text before a "<" that may begin a token not yet closed, or
 * before a "[" that may begin a marker, is shown with its complete tokens revealed; the
 * rest follows when the line is complete. Revealing reads the store, so a display is fed
 * in a worker (tftsr_triage_send_async() does that for its viewer). */
typedef struct _TftsrTriageDisplay TftsrTriageDisplay;

TftsrTriageDisplay *tftsr_triage_display_new (TftsrStore *store, gint64 issue_id);
void tftsr_triage_display_free (TftsrTriageDisplay *display);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrTriageDisplay, tftsr_triage_display_free)
/* Adds a piece of the reply. If the pseudonyms cannot be read, the text is shown with them
 * as they are and the first such error returned (the display stays usable). */
gboolean tftsr_triage_display_add (TftsrTriageDisplay *display, const char *text, gsize len,
                                   GError **error);
/* The reply has ended, or stopped: its last line counts as complete. The text is then what
 * tftsr_triage_dup_display_text() gives for the reply as stored. */
gboolean tftsr_triage_display_finish (TftsrTriageDisplay *display, GError **error);
/* What to show so far. */
const char *tftsr_triage_display_get_text (TftsrTriageDisplay *display);

/* --- a turn of the conversation ------------------------------------------------------------ */

/* What one turn stored and what it changed. */
typedef struct
{
  TftsrTriageMessage *reply; /* the assistant message as stored */
  guint level_before;
  guint level_after;
  char *root_cause; /* set when this turn identified the root cause */
} TftsrTriageTurn;

void tftsr_triage_turn_free (TftsrTriageTurn *turn);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrTriageTurn, tftsr_triage_turn_free)

/* Appends @text, with @attachments (TftsrTriageAttachment; may be NULL), as the engineer's
 * message, sends the conversation to the provider called @provider_name (NULL: the active
 * one) through egress, streams the reply to @listener (in this thread), stores it and
 * advances the 5 Whys by its markers. Every text of the incident in the request (fields,
 * log names, answers, earlier messages and the logs attached to them) is redacted with the
 * incident's pseudonyms and the stored detection settings; the request is recorded in the
 * audit log with the attachments it carries. The request is built before anything is
 * stored, so a message refused for its attachments (a log or screenshot not of this
 * incident, lines the log does not have, a screenshot whose PII warning was not
 * acknowledged: TFTSR_IMAGE_ERROR_NOT_ACKNOWLEDGED; a screenshot for a Custom REST
 * provider: TFTSR_AI_ERROR_NO_IMAGES) leaves nothing stored and sends nothing. @text may be
 * empty when something is attached. No tools are offered (see
 * tftsr_triage_send_with_tools()). A failed or cancelled reply
 * is stored with what had arrived in that state, and the error returned. Blocks: call it
 * from a worker. */
TftsrTriageTurn *tftsr_triage_send (TftsrStore *store, gint64 issue_id, const char *text,
                                    GPtrArray *attachments, const char *provider_name,
                                    const TftsrAiListener *listener, GCancellable *cancellable,
                                    GError **error);
/* The last answer again: every complete reply after the engineer's last message is marked
 * superseded (kept, but no longer sent or shown), and the conversation up to that message
 * is sent to the provider as tftsr_triage_send() would send it. Replies that failed or were
 * stopped stay as they are. The 5 Whys do not move back: answers the superseded reply gave
 * stay recorded (the engineer may edit them) and the new reply's markers apply as usual.
 * TFTSR_STORE_ERROR_INVALID when the engineer has said nothing yet. Blocks. */
TftsrTriageTurn *tftsr_triage_regenerate (TftsrStore *store, gint64 issue_id,
                                          const char *provider_name,
                                          const TftsrAiListener *listener,
                                          GCancellable *cancellable, GError **error);

/* --- tools of MCP servers in a turn ------------------------------------------------------- */

/* A tool call the model asked for, as the engineer follows it. */
typedef struct
{
  char *call_id;
  char *name;      /* as the model was offered it */
  char *server;    /* the MCP server; NULL when none offers the tool */
  char *tool;      /* the server's own name for it; NULL likewise */
  char *arguments; /* as the model wrote them (pseudonyms and all) */
  char *sent;      /* as they leave (or left) for the server: pseudonyms, save for released
                    * values; NULL when they cannot leave (not a JSON object) */
  gboolean left;   /* @sent did leave: the engineer allowed the call and it was sent */
  char *result;    /* what the model is told, pseudonymised; NULL until known */
  TftsrTriageToolStatus status;
  char *error; /* why it failed or was not run, or NULL */
} TftsrTriageToolCall;

TftsrTriageToolCall *tftsr_triage_tool_call_copy (const TftsrTriageToolCall *call);
void tftsr_triage_tool_call_free (TftsrTriageToolCall *call);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrTriageToolCall, tftsr_triage_tool_call_free)

/* The engineer's answer to a tool call. */
typedef enum
{
  TFTSR_TOOL_DENY,
  TFTSR_TOOL_ALLOW_ONCE,
  TFTSR_TOOL_ALLOW_ALWAYS, /* this call, and every later call of this tool of this server */
} TftsrToolApproval;

/* What a turn offers the model and how it asks the engineer. */
typedef struct
{
  TftsrMcpBridge *bridge; /* the tools of its enabled servers are offered; NULL: none */
  /* Asked for every call of a tool not always allowed, in the turn's thread; blocks until
   * the engineer decides (or @cancellable is cancelled: then deny). NULL: every call is
   * denied. */
  TftsrToolApproval (*approve) (const TftsrTriageToolCall *call, GCancellable *cancellable,
                                gpointer user_data);
  /* A call changed: waiting, running, then how it ended. May be NULL. */
  void (*changed) (const TftsrTriageToolCall *call, gpointer user_data);
  gpointer user_data;
} TftsrTriageTools;

/* tftsr_triage_send() and tftsr_triage_regenerate() offering the tools of @tools->bridge
 * (when the provider takes tools). While the model asks for tool calls, each is put to the
 * engineer through @tools->approve and, if allowed, sent to its server: its arguments
 * pseudonymised (a value the engineer released is sent as itself), recorded in the audit
 * log with the SHA-256 of exactly what was sent; the result is redacted with the incident's
 * pseudonyms, stored as a tool message and sent back to the model with the conversation.
 * A denied call, a timeout, a server that crashed or a tool no server offers is a result
 * saying so, and the model goes on. After the rounds of tftsr_mcp_get_tool_rounds() calls
 * are answered with the limit instead and the model is asked to answer. Cancelling stops a
 * running call; the calls not answered then are stored as stopped. The turn's reply is the
 * last one. With @tools NULL these are tftsr_triage_send() and tftsr_triage_regenerate(). */
TftsrTriageTurn *tftsr_triage_send_with_tools (TftsrStore *store, gint64 issue_id, const char *text,
                                               GPtrArray *attachments, const char *provider_name,
                                               const TftsrAiListener *listener,
                                               const TftsrTriageTools *tools,
                                               GCancellable *cancellable, GError **error);
TftsrTriageTurn *tftsr_triage_regenerate_with_tools (TftsrStore *store, gint64 issue_id,
                                                     const char *provider_name,
                                                     const TftsrAiListener *listener,
                                                     const TftsrTriageTools *tools,
                                                     GCancellable *cancellable, GError **error);

/* A tool call waiting for the engineer in a turn that runs in a worker: answered once, on
 * the thread that started the turn. Answering after the turn ended does nothing. */
typedef struct _TftsrToolAsk TftsrToolAsk;

TftsrToolAsk *tftsr_tool_ask_ref (TftsrToolAsk *ask);
void tftsr_tool_ask_unref (TftsrToolAsk *ask);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrToolAsk, tftsr_tool_ask_unref)
const TftsrTriageToolCall *tftsr_tool_ask_get_call (TftsrToolAsk *ask);
void tftsr_tool_ask_answer (TftsrToolAsk *ask, TftsrToolApproval approval);

/* What the UI thread hears while a reply streams in. */
typedef struct
{
  /* The reply so far as it is shown here (see TftsrTriageDisplay). When pieces arrive
   * faster than the main context takes them, the newest text stands for all of them. */
  void (*shown) (const char *text, gpointer user_data);
  /* The provider is busy or rate-limited: the request is sent again after @seconds. */
  void (*retry) (guint attempt, guint seconds, gpointer user_data);
  gpointer user_data;
  /* With a bridge, its tools are offered (tftsr_triage_send_with_tools()). */
  TftsrMcpBridge *bridge;
  /* A tool call changed (its copy is the viewer's to keep). May be NULL. */
  void (*tool) (const TftsrTriageToolCall *call, gpointer user_data);
  /* A tool call waits for the engineer: answer @ask (take a reference to keep it) with
   * tftsr_tool_ask_answer(). NULL: every call is denied. */
  void (*approve) (TftsrToolAsk *ask, gpointer user_data);
} TftsrTriageViewer;

/* tftsr_triage_send() in a worker; @viewer's functions are called on the caller's
 * thread-default main context, in order, before the callback, and the last text shown is
 * the whole reply. @attachments and @viewer are copied. */
void tftsr_triage_send_async (TftsrStore *store, gint64 issue_id, const char *text,
                              GPtrArray *attachments, const char *provider_name,
                              const TftsrTriageViewer *viewer, GCancellable *cancellable,
                              GAsyncReadyCallback callback, gpointer user_data);
/* tftsr_triage_regenerate() in the same way; finishes with tftsr_triage_send_finish(). */
void tftsr_triage_regenerate_async (TftsrStore *store, gint64 issue_id, const char *provider_name,
                                    const TftsrTriageViewer *viewer, GCancellable *cancellable,
                                    GAsyncReadyCallback callback, gpointer user_data);
TftsrTriageTurn *tftsr_triage_send_finish (TftsrStore *store, GAsyncResult *result, GError **error);

/* The offline guide's question for why @n of an incident of @category about @title (why 1)
 * or @previous_answer, with a hint on where the evidence usually is. */
char *tftsr_triage_guide_question (TftsrCategory category, guint n, const char *title,
                                   const char *previous_answer);
/* A turn of the built-in guide, without any provider: appends @text as the engineer's
 * message; if the guide had asked the current why, @text is recorded as its answer (and,
 * with @root_cause, as the root cause). The guide then asks the next why, or sums up the
 * chain once the root cause is identified. Nothing leaves the machine. */
TftsrTriageTurn *tftsr_triage_guide (TftsrStore *store, gint64 issue_id, const char *text,
                                     gboolean root_cause, GError **error);
/* The same in a worker. */
void tftsr_triage_guide_async (TftsrStore *store, gint64 issue_id, const char *text,
                               gboolean root_cause, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data);
TftsrTriageTurn *tftsr_triage_guide_finish (TftsrStore *store, GAsyncResult *result,
                                            GError **error);

G_END_DECLS
