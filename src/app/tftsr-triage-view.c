/* tftsr-triage-view.c
 *
 * The conversation is a list model of TftsrTriageItem under a GtkListView, loaded from the
 * store in a worker (with each message's display text, pseudonyms revealed there). A turn
 * shows the engineer's message and, with a provider, a reply that grows as the worker
 * hands over its display text; that text is set as a frame begins (so it is painted in
 * that frame) and, once a redraw costs more than a few ms, no more often than four times what
 * the last redraws cost, so a fast stream into a long reply does not spend the UI thread
 * re-laying it out for every piece. When the turn ends the messages
 * are read again and take the place of what was shown, item by item, so nothing flickers.
 * Without a provider the built-in guide answers through the same composer. Logs, lines of
 * a log and screenshots go with a message as attachments (TftsrAttachmentPicker: the
 * paperclip's menu and the chips above the text), chosen per incident like drafts.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <adwaita.h>
#include <glib/gi18n.h>

#include "tftsr-app-format.h"
#include "tftsr-attachment-picker.h"
#include "tftsr-triage-item.h"
#include "tftsr-triage-message-row.h"
#include "tftsr-triage-view.h"
#include "tftsr-whys-panel.h"

/* The streaming reply is drawn again after RENDER_COST_FACTOR times what a redraw costs
 * (from the text set to the frame painted, averaged), which keeps redrawing under a quarter
 * of the UI thread's time; redraws are never further apart than RENDER_INTERVAL_MAX (µs).
 * A frame's jitter is allowed for. */
#define RENDER_COST_FACTOR 4
#define RENDER_INTERVAL_MAX (30 * 1000)
#define RENDER_SLACK (4 * 1000)

struct _TftsrTriageView
{
  GtkWidget parent_instance;

  TftsrStore *store;
  gint64 issue_id;
  GCancellable *cancellable; /* loads of the incident shown */
  GListStore *items;         /* TftsrTriageItem */
  GHashTable *drafts;        /* issue id → text typed and not sent */
  TftsrAttachmentPicker *picker;
  TftsrAiProvider *provider; /* the one in use; NULL: the built-in guide answers */
  gboolean loaded;           /* the incident's messages are shown */
  gboolean provider_known;   /* the provider in use has been read */
  guint loads;               /* message loads started: only the newest is shown */
  guint provider_loads;
  GtkWindow *window;      /* the window the view is in, watched for becoming active */
  TftsrMcpBridge *bridge; /* the MCP servers' tools, their clients kept between turns */

  /* The turn in flight. */
  guint turns;   /* turns started: a finished one that is not the newest is stale */
  gboolean busy; /* a turn runs */
  GCancellable *turn_cancellable;
  TftsrTriageItem *streaming; /* its reply, while it streams in */
  char *typed;                /* what the engineer sent, put back if it was not stored */
  GPtrArray *typed_attachments;
  guint typed_before; /* the engineer's messages before it */

  /* Drawing the streaming reply. */
  char *pending_text;
  gint64 rendered_at;
  gint64 render_cost; /* µs, a running mean */
  guint render_tick;
  GdkFrameClock *measured_clock; /* painting the text set last, to be timed */
  gulong measure_id;
  gboolean follow; /* the newest message is kept in view */

  guint sync_toggle; /* an idle that shows the flap's state on its toggle */

  AdwFlap *flap;
  GtkToggleButton *whys_toggle;
  GtkLabel *provider_label;
  GtkWidget *setup_button;
  GtkStack *chat_stack;
  GtkSpinner *loading_spinner;
  AdwStatusPage *empty_page;
  GtkScrolledWindow *scroller;
  GtkListView *message_list;
  GtkCheckButton *root_cause_check;
  GtkFlowBox *chosen_box;
  GtkMenuButton *attach_button;
  GtkTextView *composer_view;
  GtkLabel *placeholder_label;
  GtkStack *send_stack;
  GtkWidget *send_button;
  TftsrWhysPanel *whys_panel;
};

G_DEFINE_FINAL_TYPE (TftsrTriageView, tftsr_triage_view, GTK_TYPE_WIDGET)

enum
{
  FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

enum
{
  PROP_0,
  PROP_PROVIDER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
fail (TftsrTriageView *self, const GError *error)
{
  g_signal_emit (self, signals[FAILED], 0, error);
}

/* --- the composer --------------------------------------------------------------------------- */

static GtkTextBuffer *
composer_buffer (TftsrTriageView *self)
{
  return gtk_text_view_get_buffer (self->composer_view);
}

static char *
composer_text (TftsrTriageView *self)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (composer_buffer (self), &start, &end);
  return gtk_text_buffer_get_text (composer_buffer (self), &start, &end, FALSE);
}

static gboolean
is_blank (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isspace (*p))
      return FALSE;
  return TRUE;
}

/* A message whose turn stored nothing goes back into the composer, before anything typed
 * or attached since. */
static void
restore_typed (TftsrTriageView *self, const char *typed, GPtrArray *attachments)
{
  g_autofree char *now = composer_text (self);
  g_autofree char *text = is_blank (now) ? g_strdup (typed) : g_strconcat (typed, "\n", now, NULL);

  gtk_text_buffer_set_text (composer_buffer (self), text, -1);
  tftsr_attachment_picker_restore (self->picker, attachments);
}

/* Something to send: text, or attachments. */
static gboolean
has_message (TftsrTriageView *self, const char *typed)
{
  return !is_blank (typed) || tftsr_attachment_picker_get_chosen (self->picker)->len > 0;
}

/* --- state ------------------------------------------------------------------------------------- */

static TftsrTriageItem *
last_item (TftsrTriageView *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->items));

  return n > 0 ? g_list_model_get_item (G_LIST_MODEL (self->items), n - 1) : NULL;
}

static guint
count_typed (TftsrTriageView *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->items)), typed = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (TftsrTriageItem) item = g_list_model_get_item (G_LIST_MODEL (self->items), i);
      typed += !tftsr_triage_item_is_reply (item);
    }
  return typed;
}

/* Who answers and what was said are known: the composer can be used. */
static gboolean
ready (TftsrTriageView *self)
{
  return self->loaded && self->provider_known;
}

/* The last answer can be asked for again when it came from a provider and one is set up. */
static gboolean
can_regenerate (TftsrTriageView *self)
{
  g_autoptr (TftsrTriageItem) last = last_item (self);

  return ready (self) && !self->busy && self->provider != NULL && last != NULL &&
         tftsr_triage_item_is_reply (last) && !tftsr_triage_item_is_guide (last);
}

static void
update_state (TftsrTriageView *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->items));
  gboolean regenerate = can_regenerate (self);
  guint level = tftsr_whys_panel_get_level (self->whys_panel);
  g_autofree char *typed = composer_text (self);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (TftsrTriageItem) item = g_list_model_get_item (G_LIST_MODEL (self->items), i);
      tftsr_triage_item_set_regenerable (item, regenerate && i == n - 1);
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "triage.send", ready (self) && !self->busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "triage.stop", self->streaming != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "triage.regenerate", regenerate);
  gtk_widget_set_sensitive (self->send_button, has_message (self, typed));
  /* Attachments go to a provider: the built-in guide reads none. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->attach_button),
                            ready (self) && self->provider != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->placeholder_label),
                          gtk_text_buffer_get_char_count (composer_buffer (self)) == 0);
  gtk_label_set_label (self->placeholder_label, n == 0 ? _ ("Describe what you see…")
                                                : self->provider == NULL && level >= 1 &&
                                                        level < TFTSR_TRIAGE_LEVEL_ROOT_CAUSE
                                                    ? _ ("Answer the guide’s question…")
                                                    : _ ("Reply, or add evidence…"));
  gtk_stack_set_visible_child_name (self->send_stack, self->streaming != NULL ? "stop" : "send");
  /* The guide takes an answer as the root cause once it has asked a why. */
  gtk_widget_set_visible (GTK_WIDGET (self->root_cause_check),
                          ready (self) && self->provider == NULL && level >= 1 &&
                              level < TFTSR_TRIAGE_LEVEL_ROOT_CAUSE);
  if (!ready (self))
    gtk_stack_set_visible_child_name (self->chat_stack, "loading");
  else
    gtk_stack_set_visible_child_name (self->chat_stack, n > 0 ? "chat" : "empty");
  gtk_spinner_set_spinning (self->loading_spinner, !ready (self) && self->issue_id != 0);
}

/* --- the 5-Whys panel ------------------------------------------------------------------------ */

static void
on_whys_toggled (TftsrTriageView *self)
{
  gboolean active = gtk_toggle_button_get_active (self->whys_toggle);

  if (adw_flap_get_reveal_flap (self->flap) != active)
    adw_flap_set_reveal_flap (self->flap, active);
}

static gboolean
sync_toggle (gpointer user_data)
{
  TftsrTriageView *self = user_data;

  self->sync_toggle = 0;
  gtk_toggle_button_set_active (self->whys_toggle, adw_flap_get_reveal_flap (self->flap));
  return G_SOURCE_REMOVE;
}

/* The flap hides itself as it folds, in the middle of a layout: the toggle follows once
 * the layout is done (changing it then would make the layout stale). */
static void
on_flap_revealed (TftsrTriageView *self)
{
  if (self->sync_toggle == 0)
    self->sync_toggle = g_idle_add (sync_toggle, self);
}

/* --- the provider ------------------------------------------------------------------------------ */

static void
show_provider (TftsrTriageView *self)
{
  g_autofree char *text = NULL;

  if (self->provider != NULL)
    {
      g_autofree char *name = tftsr_display_text (self->provider->name);

      text = self->provider->model != NULL && *self->provider->model != '\0'
                 ? g_strdup_printf (_ ("Answered by %s · %s"), name, self->provider->model)
                 : g_strdup_printf (_ ("Answered by %s"), name);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->provider_label),
                                   _ ("Incident content is redacted before it is sent"));
    }
  else
    {
      text = g_strdup (_ ("Built-in guide (no AI provider)"));
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->provider_label),
                                   _ ("The guide asks the 5 Whys; nothing leaves this machine"));
    }
  gtk_label_set_label (self->provider_label, text);
  gtk_widget_set_visible (self->setup_button, self->provider == NULL);
  adw_status_page_set_description (
      self->empty_page,
      self->provider != NULL
          ? _ ("Describe what you see. The model asks for evidence and walks the 5 Whys with "
               "you, from the symptom to its root cause.")
          : _ ("Describe what you see. The built-in guide asks the 5 Whys one at a time, from "
               "the symptom to its root cause; nothing leaves this machine."));
  update_state (self);
}

typedef struct
{
  TftsrTriageView *self;
  guint load;
} Load;

static Load *
load_new (TftsrTriageView *self, guint load)
{
  Load *job = g_new0 (Load, 1);

  job->self = g_object_ref (self);
  job->load = load;
  return job;
}

static void
load_free (Load *job)
{
  g_object_unref (job->self);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Load, load_free)

static void
providers_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (Load) job = user_data;
  TftsrTriageView *self = job->self;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) providers =
      tftsr_store_list_ai_providers_finish (TFTSR_STORE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      job->load != self->provider_loads)
    return;
  /* Without the list, the built-in guide answers; the reason is a toast. */
  if (providers == NULL)
    fail (self, error);
  self->provider_known = TRUE;
  g_clear_pointer (&self->provider, tftsr_ai_provider_free);
  for (guint i = 0; providers != NULL && i < providers->len; i++)
    if (((TftsrAiProvider *) providers->pdata[i])->active)
      self->provider = tftsr_ai_provider_copy (providers->pdata[i]);
  show_provider (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROVIDER]);
}

/* Which provider answers: read when an incident is shown and whenever the window becomes
 * active again (Preferences may have changed it). */
static void
load_provider (TftsrTriageView *self)
{
  if (self->store == NULL)
    return;
  tftsr_store_list_ai_providers_async (self->store, self->cancellable, providers_loaded,
                                       load_new (self, ++self->provider_loads));
}

static void
on_window_active (TftsrTriageView *self)
{
  if (self->window != NULL && gtk_window_is_active (self->window) && self->issue_id != 0)
    load_provider (self);
}

/* --- the messages ------------------------------------------------------------------------------ */

/* Shows @messages: items that show the same message take what is stored (the streamed
 * reply becomes the stored one without being rebuilt), the rest is replaced. */
static void
reconcile (TftsrTriageView *self, GPtrArray *messages)
{
  g_autoptr (GPtrArray) fresh = g_ptr_array_new_with_free_func (g_object_unref);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->items));
  guint kept = 0;

  for (guint i = 0; i < messages->len; i++)
    {
      TftsrTriageMessage *message = messages->pdata[i];

      /* A reply that only called tools says nothing: its calls are the cards after it. */
      if (message->superseded ||
          (message->message->tool_calls != NULL && message->message->tool_calls->len > 0 &&
           is_blank (message->display_text)))
        continue;
      if (fresh->len == 0 && kept < n)
        {
          g_autoptr (TftsrTriageItem) item =
              g_list_model_get_item (G_LIST_MODEL (self->items), kept);

          if (tftsr_triage_item_matches (item, message))
            {
              tftsr_triage_item_update (item, message);
              kept++;
              continue;
            }
        }
      g_ptr_array_add (fresh, tftsr_triage_item_new (message));
    }
  g_list_store_splice (self->items, kept, n - kept, fresh->pdata, fresh->len);
}

static void
messages_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (Load) job = user_data;
  TftsrTriageView *self = job->self;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) messages =
      tftsr_store_list_triage_messages_finish (TFTSR_STORE (source), result, &error);
  g_autofree char *typed = NULL;
  g_autoptr (GPtrArray) typed_attachments = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || job->load != self->loads)
    return;
  if (messages == NULL)
    {
      fail (self, error);
      return;
    }
  /* A busy view shows its turn; the load after the turn brings what it stored. */
  if (self->busy)
    return;
  reconcile (self, messages);
  self->loaded = TRUE;
  typed = g_steal_pointer (&self->typed);
  typed_attachments = g_steal_pointer (&self->typed_attachments);
  if (typed != NULL && count_typed (self) <= self->typed_before)
    restore_typed (self, typed, typed_attachments);
  update_state (self);
}

static void
load_messages (TftsrTriageView *self)
{
  tftsr_store_list_triage_messages_async (self->store, self->issue_id, self->cancellable,
                                          messages_loaded, load_new (self, ++self->loads));
}

/* --- following the newest message ----------------------------------------------------------- */

static GtkAdjustment *
vadjustment (TftsrTriageView *self)
{
  return gtk_scrolled_window_get_vadjustment (self->scroller);
}

static void
on_scrolled (TftsrTriageView *self)
{
  GtkAdjustment *adj = vadjustment (self);

  self->follow = gtk_adjustment_get_value (adj) >=
                 gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj) - 2;
}

/* The content grew or the view shrank: still at the bottom if it was. */
static void
on_extent_changed (TftsrTriageView *self)
{
  GtkAdjustment *adj = vadjustment (self);

  if (self->follow)
    gtk_adjustment_set_value (adj,
                              gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj));
}

static void
follow_newest (TftsrTriageView *self)
{
  self->follow = TRUE;
  on_extent_changed (self);
}

/* --- a turn ----------------------------------------------------------------------------------- */

typedef struct
{
  TftsrTriageView *self;
  gint64 issue_id;
  guint turn;
} Turn;

static Turn *
turn_new (TftsrTriageView *self)
{
  Turn *turn = g_new0 (Turn, 1);

  turn->self = g_object_ref (self);
  turn->issue_id = self->issue_id;
  turn->turn = self->turns;
  return turn;
}

static void
turn_free (Turn *turn)
{
  g_object_unref (turn->self);
  g_free (turn);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Turn, turn_free)

static gboolean
turn_is_current (Turn *turn)
{
  return turn->turn == turn->self->turns && turn->issue_id == turn->self->issue_id;
}

static void
stop_measuring (TftsrTriageView *self)
{
  /* A clock disposed with its window has dropped its handlers already. */
  if (self->measure_id != 0 &&
      g_signal_handler_is_connected (self->measured_clock, self->measure_id))
    g_signal_handler_disconnect (self->measured_clock, self->measure_id);
  self->measure_id = 0;
  g_clear_object (&self->measured_clock);
}

static void
stop_rendering (TftsrTriageView *self)
{
  if (self->render_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->render_tick);
  self->render_tick = 0;
  stop_measuring (self);
}

/* The frame with the text set last is painted: what that cost joins the mean. */
static void
measure_render (GdkFrameClock *clock, gpointer user_data)
{
  TftsrTriageView *self = user_data;
  gint64 cost = g_get_monotonic_time () - self->rendered_at;

  self->render_cost = self->render_cost == 0 ? cost : (3 * self->render_cost + cost) / 4;
  stop_measuring (self);
}

static void
render (TftsrTriageView *self)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  stop_rendering (self);
  if (self->pending_text != NULL && self->streaming != NULL)
    tftsr_triage_item_set_text (self->streaming, self->pending_text);
  g_clear_pointer (&self->pending_text, g_free);
  self->rendered_at = g_get_monotonic_time ();
  if (clock != NULL)
    {
      self->measured_clock = g_object_ref (clock);
      self->measure_id = g_signal_connect (clock, "after-paint", G_CALLBACK (measure_render), self);
    }
}

/* How long the streaming reply waits after a redraw before the next. */
static gint64
render_interval (TftsrTriageView *self)
{
  return MIN (RENDER_COST_FACTOR * self->render_cost, RENDER_INTERVAL_MAX);
}

/* Runs as a frame begins, so the text set here is laid out and painted in that frame. A
 * frame too soon after the last redraw lets the text wait for a later one; frames come
 * every ~16.7 ms, so one a little early still counts. */
static gboolean
render_on_frame (GtkWidget *widget, GdkFrameClock *clock, gpointer user_data)
{
  TftsrTriageView *self = TFTSR_TRIAGE_VIEW (widget);

  if (g_get_monotonic_time () - self->rendered_at < render_interval (self) - RENDER_SLACK)
    return G_SOURCE_CONTINUE;
  self->render_tick = 0; /* this callback ends by returning so */
  render (self);
  return G_SOURCE_REMOVE;
}

/* The newest text is drawn in the first frame the interval allows. */
static void
queue_render (TftsrTriageView *self)
{
  if (self->render_tick == 0)
    self->render_tick =
        gtk_widget_add_tick_callback (GTK_WIDGET (self), render_on_frame, NULL, NULL);
}

static void
reply_shown (const char *text, gpointer user_data)
{
  Turn *turn = user_data;
  TftsrTriageView *self = turn->self;

  if (!turn_is_current (turn) || self->streaming == NULL)
    return;
  g_free (self->pending_text);
  self->pending_text = g_strdup (text);
  queue_render (self);
}

static void
reply_retried (guint attempt, guint seconds, gpointer user_data)
{
  Turn *turn = user_data;
  g_autoptr (GError) busy = NULL;

  if (!turn_is_current (turn))
    return;
  busy = g_error_new (G_IO_ERROR, G_IO_ERROR_BUSY, _ ("The provider is busy; asking again in %u s"),
                      seconds);
  fail (turn->self, busy);
}

/* The card of tool call @call_id, or NULL. */
static TftsrTriageItem *
tool_item (TftsrTriageView *self, const char *call_id)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->items));

  for (guint i = n; i > 0; i--)
    {
      g_autoptr (TftsrTriageItem) item = g_list_model_get_item (G_LIST_MODEL (self->items), i - 1);
      const TftsrTriageToolCall *call = tftsr_triage_item_get_tool (item);

      if (call != NULL && g_strcmp0 (call->call_id, call_id) == 0)
        return item;
    }
  return NULL;
}

/* A tool call's card, made on its first news: before the streaming reply, which goes on
 * with the model's next round, as the stored conversation has it. */
static TftsrTriageItem *
show_tool (TftsrTriageView *self, const TftsrTriageToolCall *call)
{
  TftsrTriageItem *item = tool_item (self, call->call_id);
  guint at = g_list_model_get_n_items (G_LIST_MODEL (self->items));
  g_autoptr (TftsrTriageItem) card = NULL;

  if (item != NULL)
    {
      tftsr_triage_item_set_tool (item, call);
      return item;
    }
  card = tftsr_triage_item_new_tool (call);
  if (self->streaming != NULL)
    g_list_store_find (self->items, self->streaming, &at);
  g_list_store_insert (self->items, at, card);
  follow_newest (self);
  return card;
}

static void
tool_changed (const TftsrTriageToolCall *call, gpointer user_data)
{
  Turn *turn = user_data;

  if (turn_is_current (turn))
    show_tool (turn->self, call);
}

/* The worker waits for the card's buttons; a turn no longer shown is denied. */
static void
tool_approve (TftsrToolAsk *ask, gpointer user_data)
{
  Turn *turn = user_data;

  if (!turn_is_current (turn))
    {
      tftsr_tool_ask_answer (ask, TFTSR_TOOL_DENY);
      return;
    }
  tftsr_triage_item_set_tool_ask (show_tool (turn->self, tftsr_tool_ask_get_call (ask)), ask);
}

/* The viewer of a turn with the MCP servers' tools. */
static TftsrTriageViewer
viewer_new (TftsrTriageView *self, Turn *turn)
{
  TftsrTriageViewer viewer = { reply_shown, reply_retried, turn };

  if (self->bridge == NULL)
    self->bridge = tftsr_mcp_bridge_new (self->store);
  viewer.bridge = self->bridge;
  viewer.tool = tool_changed;
  viewer.approve = tool_approve;
  return viewer;
}

/* The turn is over: what it stored is read again, with the chain. */
static void
end_turn (Turn *turn, const GError *error)
{
  TftsrTriageView *self = turn->self;

  if (!turn_is_current (turn))
    {
      /* A turn stopped by leaving the incident; if it is shown again, show what it kept. */
      if (turn->issue_id == self->issue_id && !self->busy)
        load_messages (self);
      return;
    }
  render (self);
  if (error != NULL && self->streaming != NULL)
    tftsr_triage_item_set_failed (self->streaming, error);
  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    fail (self, error);
  if (error == NULL)
    {
      g_clear_pointer (&self->typed, g_free);
      g_clear_pointer (&self->typed_attachments, g_ptr_array_unref);
    }
  self->busy = FALSE;
  g_clear_object (&self->streaming);
  g_clear_object (&self->turn_cancellable);
  update_state (self);
  load_messages (self);
  tftsr_whys_panel_reload (self->whys_panel);
}

static void
replied (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (Turn) turn = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrTriageTurn) done =
      tftsr_triage_send_finish (TFTSR_STORE (source), result, &error);

  end_turn (turn, error);
}

static void
guided (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (Turn) turn = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrTriageTurn) done =
      tftsr_triage_guide_finish (TFTSR_STORE (source), result, &error);

  end_turn (turn, error);
}

/* Starts a turn: the reply item streams when a provider answers. */
static void
begin_turn (TftsrTriageView *self, gboolean with_reply)
{
  self->turns++;
  self->busy = TRUE;
  self->turn_cancellable = g_cancellable_new ();
  self->rendered_at = 0;
  self->render_cost = 0;
  if (with_reply)
    {
      self->streaming = tftsr_triage_item_new_reply (self->provider);
      g_list_store_append (self->items, self->streaming);
    }
  update_state (self);
  follow_newest (self);
}

/* The built-in guide reads no attachments: they wait for a provider. */
static gboolean
check_guide_attachments (TftsrTriageView *self)
{
  g_autoptr (GError) error = NULL;

  if (self->provider != NULL || tftsr_attachment_picker_get_chosen (self->picker)->len == 0)
    return TRUE;
  g_set_error_literal (&error, TFTSR_AI_ERROR, TFTSR_AI_ERROR_NOT_CONFIGURED,
                       _ ("The built-in guide reads no attachments: set up an AI provider to send "
                          "them"));
  fail (self, error);
  return FALSE;
}

static void
send_action (GtkWidget *widget, const char *name, GVariant *param)
{
  TftsrTriageView *self = TFTSR_TRIAGE_VIEW (widget);
  g_autofree char *text = composer_text (self);
  g_autoptr (TftsrTriageItem) typed = NULL;
  gboolean root_cause = gtk_widget_get_visible (GTK_WIDGET (self->root_cause_check)) &&
                        gtk_check_button_get_active (self->root_cause_check);

  /* Enter in the composer comes here too: it never starts a new line. */
  if (!ready (self) || self->busy || !has_message (self, text) || !check_guide_attachments (self))
    return;
  g_free (self->typed);
  self->typed = g_strdup (text);
  g_clear_pointer (&self->typed_attachments, g_ptr_array_unref);
  self->typed_attachments = tftsr_attachment_picker_take (self->picker);
  self->typed_before = count_typed (self);
  gtk_text_buffer_set_text (composer_buffer (self), "", -1);
  gtk_check_button_set_active (self->root_cause_check, FALSE);
  typed = tftsr_triage_item_new_typed (text, self->typed_attachments);
  g_list_store_append (self->items, typed);
  begin_turn (self, self->provider != NULL);
  if (self->provider != NULL)
    {
      Turn *turn = turn_new (self);
      TftsrTriageViewer viewer = viewer_new (self, turn);

      tftsr_triage_send_async (self->store, self->issue_id, text, self->typed_attachments,
                               self->provider->name, &viewer, self->turn_cancellable, replied,
                               turn);
    }
  else
    tftsr_triage_guide_async (self->store, self->issue_id, text, root_cause, self->turn_cancellable,
                              guided, turn_new (self));
}

static void
stop_action (GtkWidget *widget, const char *name, GVariant *param)
{
  TftsrTriageView *self = TFTSR_TRIAGE_VIEW (widget);

  if (self->turn_cancellable != NULL)
    g_cancellable_cancel (self->turn_cancellable);
}

/* The last answer again: a complete one gives way to the new one; one that failed or was
 * stopped stays. */
static void
regenerate_action (GtkWidget *widget, const char *name, GVariant *param)
{
  TftsrTriageView *self = TFTSR_TRIAGE_VIEW (widget);
  g_autoptr (TftsrTriageItem) last = NULL;
  TftsrTriageViewer viewer;

  if (!can_regenerate (self))
    return;
  last = last_item (self);
  if (tftsr_triage_item_get_state (last) == TFTSR_TRIAGE_MESSAGE_COMPLETE)
    g_list_store_remove (self->items, g_list_model_get_n_items (G_LIST_MODEL (self->items)) - 1);
  begin_turn (self, TRUE);
  viewer = viewer_new (self, turn_new (self));
  tftsr_triage_regenerate_async (self->store, self->issue_id, self->provider->name, &viewer,
                                 self->turn_cancellable, replied, viewer.user_data);
}

/* --- public ------------------------------------------------------------------------------------ */

/* Keeps what was typed for the incident shown and puts back what was typed for @issue_id. */
static void
swap_draft (TftsrTriageView *self, gint64 issue_id)
{
  g_autofree char *text = composer_text (self);
  const char *draft;

  if (self->issue_id != 0 && !is_blank (text))
    g_hash_table_insert (self->drafts, g_memdup2 (&self->issue_id, sizeof self->issue_id),
                         g_steal_pointer (&text));
  else
    g_hash_table_remove (self->drafts, &self->issue_id);
  draft = g_hash_table_lookup (self->drafts, &issue_id);
  gtk_text_buffer_set_text (composer_buffer (self), draft != NULL ? draft : "", -1);
}

/* Stops the loads and the turn of the incident shown; a stopped reply is kept as such. */
static void
stop_all (TftsrTriageView *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->turn_cancellable != NULL)
    g_cancellable_cancel (self->turn_cancellable);
  g_clear_object (&self->turn_cancellable);
  g_clear_object (&self->streaming);
  g_clear_pointer (&self->typed, g_free);
  g_clear_pointer (&self->typed_attachments, g_ptr_array_unref);
  g_clear_pointer (&self->pending_text, g_free);
  stop_rendering (self);
  self->turns++;
  self->busy = FALSE;
  self->loaded = FALSE;
  self->provider_known = FALSE;
}

void
tftsr_triage_view_load (TftsrTriageView *self, gint64 issue_id)
{
  g_return_if_fail (TFTSR_IS_TRIAGE_VIEW (self));

  stop_all (self);
  self->cancellable = g_cancellable_new ();
  swap_draft (self, issue_id);
  self->issue_id = issue_id;
  tftsr_attachment_picker_load (self->picker, issue_id);
  g_list_store_remove_all (self->items);
  gtk_check_button_set_active (self->root_cause_check, FALSE);
  tftsr_whys_panel_load (self->whys_panel, issue_id);
  update_state (self);
  if (issue_id == 0 || self->store == NULL)
    return;
  load_messages (self);
  load_provider (self);
}

void
tftsr_triage_view_set_store (TftsrTriageView *self, TftsrStore *store)
{
  g_return_if_fail (TFTSR_IS_TRIAGE_VIEW (self));

  tftsr_triage_view_load (self, 0);
  g_hash_table_remove_all (self->drafts);
  g_set_object (&self->store, store);
  /* Another database has other servers. */
  g_clear_object (&self->bridge);
  tftsr_attachment_picker_set_store (self->picker, store);
  tftsr_whys_panel_set_store (self->whys_panel, store);
}

const TftsrAiProvider *
tftsr_triage_view_get_provider (TftsrTriageView *self)
{
  g_return_val_if_fail (TFTSR_IS_TRIAGE_VIEW (self), NULL);
  return self->provider;
}

TftsrWhysPanel *
tftsr_triage_view_get_whys_panel (TftsrTriageView *self)
{
  g_return_val_if_fail (TFTSR_IS_TRIAGE_VIEW (self), NULL);
  return self->whys_panel;
}

void
tftsr_triage_view_attach (TftsrTriageView *self, gint64 issue_id,
                          const TftsrTriageAttachment *attachment)
{
  g_return_if_fail (TFTSR_IS_TRIAGE_VIEW (self));
  g_return_if_fail (attachment != NULL);

  tftsr_attachment_picker_add (self->picker, issue_id, attachment);
}

/* --- class ------------------------------------------------------------------------------------- */

static void
setup_row (GtkSignalListItemFactory *factory, GtkListItem *item)
{
  gtk_list_item_set_child (item, tftsr_triage_message_row_new ());
  gtk_list_item_set_activatable (item, FALSE);
}

static void
bind_row (GtkSignalListItemFactory *factory, GtkListItem *item)
{
  tftsr_triage_message_row_set_item (TFTSR_TRIAGE_MESSAGE_ROW (gtk_list_item_get_child (item)),
                                     gtk_list_item_get_item (item));
}

static void
unbind_row (GtkSignalListItemFactory *factory, GtkListItem *item)
{
  tftsr_triage_message_row_set_item (TFTSR_TRIAGE_MESSAGE_ROW (gtk_list_item_get_child (item)),
                                     NULL);
}

static gboolean
tftsr_triage_view_grab_focus (GtkWidget *widget)
{
  return gtk_widget_grab_focus (GTK_WIDGET (TFTSR_TRIAGE_VIEW (widget)->composer_view));
}

static void
tftsr_triage_view_root (GtkWidget *widget)
{
  TftsrTriageView *self = TFTSR_TRIAGE_VIEW (widget);

  GTK_WIDGET_CLASS (tftsr_triage_view_parent_class)->root (widget);
  self->window = GTK_WINDOW (gtk_widget_get_root (widget));
  g_signal_connect_object (self->window, "notify::is-active", G_CALLBACK (on_window_active), self,
                           G_CONNECT_SWAPPED);
}

static void
tftsr_triage_view_unroot (GtkWidget *widget)
{
  TftsrTriageView *self = TFTSR_TRIAGE_VIEW (widget);

  g_signal_handlers_disconnect_by_func (self->window, on_window_active, self);
  self->window = NULL;
  GTK_WIDGET_CLASS (tftsr_triage_view_parent_class)->unroot (widget);
}

static void
tftsr_triage_view_dispose (GObject *object)
{
  TftsrTriageView *self = TFTSR_TRIAGE_VIEW (object);

  stop_all (self);
  /* The servers' processes end with the view (a turn still running holds its own ref). */
  if (self->bridge != NULL)
    tftsr_mcp_bridge_close (self->bridge);
  g_clear_object (&self->bridge);
  g_clear_handle_id (&self->sync_toggle, g_source_remove);
  if (self->picker != NULL)
    g_object_run_dispose (G_OBJECT (self->picker));
  if (self->message_list != NULL)
    gtk_list_view_set_model (self->message_list, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), TFTSR_TYPE_TRIAGE_VIEW);
  G_OBJECT_CLASS (tftsr_triage_view_parent_class)->dispose (object);
}

static void
tftsr_triage_view_finalize (GObject *object)
{
  TftsrTriageView *self = TFTSR_TRIAGE_VIEW (object);

  g_clear_object (&self->items);
  g_clear_object (&self->store);
  g_clear_pointer (&self->provider, tftsr_ai_provider_free);
  g_hash_table_unref (self->drafts);
  g_clear_object (&self->picker);
  G_OBJECT_CLASS (tftsr_triage_view_parent_class)->finalize (object);
}

static void
tftsr_triage_view_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  TftsrTriageView *self = TFTSR_TRIAGE_VIEW (object);

  switch (prop_id)
    {
    case PROP_PROVIDER:
      g_value_set_boxed (value, self->provider);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tftsr_triage_view_class_init (TftsrTriageViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tftsr_triage_view_dispose;
  object_class->finalize = tftsr_triage_view_finalize;
  object_class->get_property = tftsr_triage_view_get_property;

  /* The provider in use, read for each incident and when the window becomes active again;
   * NULL while there is none (the built-in guide answers). */
  properties[PROP_PROVIDER] =
      g_param_spec_boxed ("provider", NULL, NULL, TFTSR_TYPE_AI_PROVIDER,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  widget_class->grab_focus = tftsr_triage_view_grab_focus;
  widget_class->root = tftsr_triage_view_root;
  widget_class->unroot = tftsr_triage_view_unroot;

  signals[FAILED] = g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                  NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);

  g_type_ensure (TFTSR_TYPE_WHYS_PANEL);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               TFTSR_RESOURCE_PATH "/ui/tftsr-triage-view.ui");
  gtk_widget_class_bind_template_child (widget_class, TftsrTriageView, flap);
  gtk_widget_class_bind_template_child (widget_class, TftsrTriageView, whys_toggle);
  gtk_widget_class_bind_template_callback (widget_class, on_whys_toggled);
  gtk_widget_class_bind_template_callback (widget_class, on_flap_revealed);
  gtk_widget_class_bind_template_child (widget_class, TftsrTriageView, provider_label);
  gtk_widget_class_bind_template_child (widget_class, TftsrTriageView, setup_button);
  gtk_widget_class_bind_template_child (widget_class, TftsrTriageView, chat_stack);
  gtk_widget_class_bind_template_child (widget_class, TftsrTriageView, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, TftsrTriageView, empty_page);
  gtk_widget_class_bind_template_child (widget_class, TftsrTriageView, scroller);
  gtk_widget_class_bind_template_child (widget_class, TftsrTriageView, message_list);
  gtk_widget_class_bind_template_child (widget_class, TftsrTriageView, root_cause_check);
  gtk_widget_class_bind_template_child (widget_class, TftsrTriageView, chosen_box);
  gtk_widget_class_bind_template_child (widget_class, TftsrTriageView, attach_button);
  gtk_widget_class_bind_template_child (widget_class, TftsrTriageView, composer_view);
  gtk_widget_class_bind_template_child (widget_class, TftsrTriageView, placeholder_label);
  gtk_widget_class_bind_template_child (widget_class, TftsrTriageView, send_stack);
  gtk_widget_class_bind_template_child (widget_class, TftsrTriageView, send_button);
  gtk_widget_class_bind_template_child (widget_class, TftsrTriageView, whys_panel);
  gtk_widget_class_bind_template_callback (widget_class, fail);
  gtk_widget_class_bind_template_callback (widget_class, update_state);

  gtk_widget_class_install_action (widget_class, "triage.send", NULL, send_action);
  gtk_widget_class_install_action (widget_class, "triage.stop", NULL, stop_action);
  gtk_widget_class_install_action (widget_class, "triage.regenerate", NULL, regenerate_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "triage.stop", NULL);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "triageview");
}

static void
tftsr_triage_view_init (TftsrTriageView *self)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  g_autoptr (GtkNoSelection) selection = NULL;
  GtkAdjustment *adj;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->items = g_list_store_new (TFTSR_TYPE_TRIAGE_ITEM);
  self->drafts = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  self->picker = tftsr_attachment_picker_new (self->attach_button, self->chosen_box);
  g_signal_connect_object (self->picker, "changed", G_CALLBACK (update_state), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->picker, "failed", G_CALLBACK (fail), self, G_CONNECT_SWAPPED);
  self->follow = TRUE;

  g_signal_connect (factory, "setup", G_CALLBACK (setup_row), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row), NULL);
  gtk_list_view_set_factory (self->message_list, factory);
  g_object_unref (factory);
  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->items)));
  gtk_list_view_set_model (self->message_list, GTK_SELECTION_MODEL (selection));

  adj = vadjustment (self);
  g_signal_connect_object (adj, "value-changed", G_CALLBACK (on_scrolled), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (adj, "notify::upper", G_CALLBACK (on_extent_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (adj, "notify::page-size", G_CALLBACK (on_extent_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (composer_buffer (self), "changed", G_CALLBACK (update_state), self,
                           G_CONNECT_SWAPPED);
  show_provider (self);
}
