/* tftsr-ai-provider-dialog.c
 *
 * The store checks a provider before keeping it, so Save sends what the fields say and a
 * refusal is shown above the fields with everything still as typed. Options the dialog
 * does not edit (the connection test's "tools_supported" finding) are kept as stored.
 *
 * The saved API key never reaches the UI: the key row starts empty whatever is stored,
 * and a typed key goes to the store once, its copy wiped and the entry cleared after.
 * Listing models takes the key from the vault, so it is offered only where that is the
 * key the provider will have: none is needed, or the saved one is kept.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>
#include <json-c/json.h>
#include <string.h>

#include "tftsr-ai-provider-dialog.h"
#include "tftsr-app-format.h"

/* The Custom REST options edited as text, in the order of their rows. */
static const char *const custom_keys[] = {
  "path", "auth_header", "auth_prefix", "response_path", "stream_path", "done_marker",
};
#define N_CUSTOM G_N_ELEMENTS (custom_keys)
#define AUTH_PREFIX 2
#define DEFAULT_AUTH_PREFIX "Bearer "

/* Positions of the Streaming row. */
static const char *const stream_names[] = { "none", "sse", "ndjson" };

/* What the Base URL is filled with for each format while it is empty or still the
 * previous format's. */
static const char *const default_urls[TFTSR_AI_N_FORMATS] = {
  [TFTSR_AI_FORMAT_OPENAI] = "https://api.openai.com/v1",
  [TFTSR_AI_FORMAT_ANTHROPIC] = "https://api.anthropic.com",
  [TFTSR_AI_FORMAT_GEMINI] = "https://generativelanguage.googleapis.com",
  [TFTSR_AI_FORMAT_MISTRAL] = "https://api.mistral.ai/v1",
  [TFTSR_AI_FORMAT_OLLAMA] = "http://localhost:11434",
  [TFTSR_AI_FORMAT_CUSTOM] = "",
};

struct _TftsrAiProviderDialog
{
  AdwWindow parent_instance;

  TftsrStore *store;
  TftsrAiProvider *provider; /* as stored (id 0: a new one) */
  TftsrAiFormat format;      /* the format shown */
  gboolean saving;
  GCancellable *fetching;
  char *fetch_note; /* what the last Fetch Models found, until the connection changes */
  gboolean filling;

  GtkScrolledWindow *scroller;
  GtkRevealer *error_revealer;
  GtkLabel *error_label;
  AdwEntryRow *name_row;
  AdwComboRow *format_row;
  AdwEntryRow *url_row;
  AdwEntryRow *model_row;
  AdwActionRow *models_row;
  GtkDropDown *models_drop_down;
  GtkButton *fetch_button;
  GtkStack *fetch_stack;
  GtkSpinner *fetch_spinner;
  AdwPreferencesGroup *key_group;
  AdwEntryRow *key_row;
  AdwActionRow *remove_key_row;
  GtkSwitch *remove_key_switch;
  AdwComboRow *tools_row;
  GtkSwitch *tls_switch;
  GtkSpinButton *context_spin;
  AdwActionRow *tls_warning_row;
  AdwPreferencesGroup *azure_group;
  AdwEntryRow *azure_row;
  AdwPreferencesGroup *custom_group;
  AdwEntryRow *custom_rows[N_CUSTOM];
  AdwComboRow *stream_row;
  AdwPreferencesGroup *template_group;
  GtkTextView *template_view;
};

G_DEFINE_FINAL_TYPE (TftsrAiProviderDialog, tftsr_ai_provider_dialog, ADW_TYPE_WINDOW)

enum
{
  SAVED,
  FAILED,
  MODELS_LISTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static char *
text_of (gpointer editable)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (editable))));
}

static char *
template_text (TftsrAiProviderDialog *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->template_view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return g_strstrip (gtk_text_buffer_get_text (buffer, &start, &end, FALSE));
}

static gboolean
key_typed (TftsrAiProviderDialog *self)
{
  return *gtk_editable_get_text (GTK_EDITABLE (self->key_row)) != '\0';
}

/* Whether the provider keeps the key stored for it. */
static gboolean
keeps_saved_key (TftsrAiProviderDialog *self)
{
  return self->provider->has_key && !gtk_switch_get_active (self->remove_key_switch) &&
         !key_typed (self);
}

/* --- the provider the fields describe --------------------------------------------------- */

static void
set_option (json_object *options, const char *key, const char *value, gboolean keep_empty)
{
  if (value != NULL && (*value != '\0' || keep_empty))
    json_object_object_add (options, key, json_object_new_string (value));
  else
    json_object_object_del (options, key);
}

/* The stored options with those this dialog edits set from the fields: the Azure version
 * only for the OpenAI-compatible format, the gateway's settings only for Custom REST. */
static char *
options_from_fields (TftsrAiProviderDialog *self)
{
  json_object *options = json_tokener_parse (self->provider->options);
  gboolean custom = self->format == TFTSR_AI_FORMAT_CUSTOM;
  g_autofree char *azure = text_of (self->azure_row);
  g_autofree char *template = template_text (self);
  guint stream = adw_combo_row_get_selected (self->stream_row);
  g_autofree char *context =
      g_strdup_printf ("%d", gtk_spin_button_get_value_as_int (self->context_spin));
  char *result;

  if (!json_object_is_type (options, json_type_object))
    {
      json_object_put (options);
      options = json_object_new_object ();
    }
  set_option (options, "api_version", self->format == TFTSR_AI_FORMAT_OPENAI ? azure : NULL, FALSE);
  for (guint i = 0; i < N_CUSTOM; i++)
    {
      /* The prefix is taken as typed: an empty one sends the bare key. */
      const char *text = gtk_editable_get_text (GTK_EDITABLE (self->custom_rows[i]));
      g_autofree char *value = i == AUTH_PREFIX ? g_strdup (text) : g_strstrip (g_strdup (text));
      set_option (options, custom_keys[i], custom ? value : NULL, i == AUTH_PREFIX);
    }
  set_option (options, "stream",
              custom && stream > 0 && stream < G_N_ELEMENTS (stream_names) ? stream_names[stream]
                                                                           : NULL,
              FALSE);
  set_option (options, "request_template", custom ? template : NULL, FALSE);
  set_option (options, "context_tokens", context, FALSE);
  result = g_strdup (json_object_to_json_string_ext (options, JSON_C_TO_STRING_PLAIN));
  json_object_put (options);
  return result;
}

static TftsrAiProvider *
provider_from_fields (TftsrAiProviderDialog *self)
{
  TftsrAiProvider *p = tftsr_ai_provider_copy (self->provider);

  g_free (p->name);
  p->name = text_of (self->name_row);
  p->format = self->format;
  g_free (p->base_url);
  p->base_url = text_of (self->url_row);
  g_free (p->model);
  p->model = text_of (self->model_row);
  p->tools = adw_combo_row_get_selected (self->tools_row);
  p->insecure = !gtk_switch_get_active (self->tls_switch);
  g_free (p->options);
  p->options = options_from_fields (self);
  return p;
}

/* --- listing models ---------------------------------------------------------------------- */

static void
update_fetch (TftsrAiProviderDialog *self)
{
  gboolean possible = FALSE;
  g_autofree char *note = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->models_row), self->format != TFTSR_AI_FORMAT_CUSTOM);
  if (self->fetching != NULL)
    note = g_strdup (_ ("Asking the provider…"));
  else if (key_typed (self))
    note = g_strdup (_ ("Save first: models are listed with the saved key"));
  else if (tftsr_ai_format_needs_key (self->format) && !keeps_saved_key (self))
    note = g_strdup_printf (_ ("%s lists its models only with a key: type it and save first"),
                            tftsr_ai_format_get_label (self->format));
  else
    {
      possible = TRUE;
      note = g_strdup (self->fetch_note != NULL ? self->fetch_note
                                                : _ ("The models this provider offers"));
    }
  adw_action_row_set_subtitle (self->models_row, note);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "provider.fetch-models", possible);
  gtk_stack_set_visible_child_name (self->fetch_stack,
                                    self->fetching != NULL ? "spinner" : "label");
  gtk_spinner_set_spinning (self->fetch_spinner, self->fetching != NULL);
}

/* The connection changed: what was listed, or is being listed, may not be what it offers. */
static void
forget_models (TftsrAiProviderDialog *self)
{
  g_cancellable_cancel (self->fetching);
  g_clear_object (&self->fetching);
  g_clear_pointer (&self->fetch_note, g_free);
  gtk_widget_set_visible (GTK_WIDGET (self->models_drop_down), FALSE);
  update_fetch (self);
}

static void
show_models (TftsrAiProviderDialog *self, GPtrArray *models)
{
  g_autoptr (GtkStringList) list = gtk_string_list_new (NULL);
  g_autofree char *model = text_of (self->model_row);
  guint selected = GTK_INVALID_LIST_POSITION;

  for (guint i = 0; i < models->len; i++)
    {
      gtk_string_list_append (list, models->pdata[i]);
      if (g_str_equal (models->pdata[i], model))
        selected = i;
    }
  self->filling = TRUE;
  gtk_drop_down_set_model (self->models_drop_down, G_LIST_MODEL (list));
  gtk_drop_down_set_selected (self->models_drop_down, selected);
  self->filling = FALSE;
  gtk_widget_set_visible (GTK_WIDGET (self->models_drop_down), models->len > 0);
}

static void
models_fetched (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TftsrAiProviderDialog) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) models = tftsr_ai_list_models_finish (TFTSR_STORE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->fetching);
  g_free (self->fetch_note);
  if (models == NULL)
    self->fetch_note = g_strdup (error->message);
  else if (models->len == 0)
    self->fetch_note = g_strdup (_ ("The provider offers no models"));
  else
    self->fetch_note = g_strdup_printf (
        g_dngettext (NULL, "%u model: choose one", "%u models: choose one", models->len),
        models->len);
  if (models != NULL)
    show_models (self, models);
  update_fetch (self);
  g_signal_emit (self, signals[MODELS_LISTED], 0);
}

static void
fetch_models_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TftsrAiProviderDialog *self = TFTSR_AI_PROVIDER_DIALOG (widget);
  g_autoptr (TftsrAiProvider) provider = provider_from_fields (self);

  if (self->fetching != NULL)
    return;
  /* Without the saved key the listing must not use it: as a provider of no id. */
  if (!keeps_saved_key (self))
    provider->id = 0;
  self->fetching = g_cancellable_new ();
  update_fetch (self);
  tftsr_ai_list_models_async (self->store, provider, self->fetching, models_fetched,
                              g_object_ref (self));
}

static void
on_model_chosen (TftsrAiProviderDialog *self)
{
  GtkStringObject *item = gtk_drop_down_get_selected_item (self->models_drop_down);

  if (self->filling || item == NULL)
    return;
  gtk_editable_set_text (GTK_EDITABLE (self->model_row), gtk_string_object_get_string (item));
}

/* --- fields ------------------------------------------------------------------------------ */

static void
on_format_changed (TftsrAiProviderDialog *self)
{
  TftsrAiFormat format = adw_combo_row_get_selected (self->format_row);
  g_autofree char *url = NULL;

  /* The list of formats is set before there is a provider to show. */
  if (self->provider == NULL || format >= TFTSR_AI_N_FORMATS)
    return;
  url = text_of (self->url_row);
  if (!self->filling && (*url == '\0' || g_str_equal (url, default_urls[self->format])))
    gtk_editable_set_text (GTK_EDITABLE (self->url_row), default_urls[format]);
  self->format = format;
  gtk_widget_set_visible (GTK_WIDGET (self->azure_group), format == TFTSR_AI_FORMAT_OPENAI);
  gtk_widget_set_visible (GTK_WIDGET (self->custom_group), format == TFTSR_AI_FORMAT_CUSTOM);
  gtk_widget_set_visible (GTK_WIDGET (self->template_group), format == TFTSR_AI_FORMAT_CUSTOM);
  /* Gateways are never offered tools. */
  gtk_widget_set_visible (GTK_WIDGET (self->tools_row), format != TFTSR_AI_FORMAT_CUSTOM);
  forget_models (self);
}

static void
on_connection_changed (TftsrAiProviderDialog *self)
{
  if (!self->filling)
    forget_models (self);
}

static void
on_key_changed (TftsrAiProviderDialog *self)
{
  gboolean removing = gtk_switch_get_active (self->remove_key_switch);

  /* A key typed replaces the saved one, so removing it means nothing then. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->remove_key_row), !key_typed (self));
  gtk_widget_set_sensitive (GTK_WIDGET (self->key_row), !removing);
  update_fetch (self);
}

static void
on_tls_changed (TftsrAiProviderDialog *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->tls_warning_row),
                          !gtk_switch_get_active (self->tls_switch));
  on_connection_changed (self);
}

/* Enter moves to the next field shown, and saves from the last one. */
static void
on_entry_activated (TftsrAiProviderDialog *self, AdwEntryRow *row)
{
  AdwEntryRow *entries[] = {
    self->name_row,       self->url_row,        self->model_row,      self->key_row,
    self->azure_row,      self->custom_rows[0], self->custom_rows[1], self->custom_rows[2],
    self->custom_rows[3], self->custom_rows[4], self->custom_rows[5],
  };
  guint i = 0;

  while (i < G_N_ELEMENTS (entries) && entries[i] != row)
    i++;
  for (i++; i < G_N_ELEMENTS (entries); i++)
    if (gtk_widget_is_visible (GTK_WIDGET (entries[i])) &&
        gtk_widget_is_sensitive (GTK_WIDGET (entries[i])))
      {
        gtk_widget_grab_focus (GTK_WIDGET (entries[i]));
        return;
      }
  gtk_widget_activate_action (GTK_WIDGET (self), "provider.save", NULL);
}

static void
fill (TftsrAiProviderDialog *self)
{
  const TftsrAiProvider *p = self->provider;
  g_autofree char *azure = tftsr_ai_provider_dup_option (p, "api_version");
  g_autofree char *stream = tftsr_ai_provider_dup_option (p, "stream");
  g_autofree char *template = tftsr_ai_provider_dup_option (p, "request_template");

  self->filling = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), p->name != NULL ? p->name : "");
  self->format = p->format;
  adw_combo_row_set_selected (self->format_row, p->format);
  on_format_changed (self);
  gtk_editable_set_text (GTK_EDITABLE (self->url_row),
                         p->base_url != NULL ? p->base_url : default_urls[p->format]);
  gtk_editable_set_text (GTK_EDITABLE (self->model_row), p->model != NULL ? p->model : "");
  adw_combo_row_set_selected (self->tools_row, p->tools);
  gtk_switch_set_active (self->tls_switch, !p->insecure);
  gtk_spin_button_set_value (self->context_spin, tftsr_ai_provider_get_context_tokens (p));
  gtk_editable_set_text (GTK_EDITABLE (self->azure_row), azure != NULL ? azure : "");
  for (guint i = 0; i < N_CUSTOM; i++)
    {
      g_autofree char *value = tftsr_ai_provider_dup_option (p, custom_keys[i]);
      if (value == NULL && i == AUTH_PREFIX)
        value = g_strdup (DEFAULT_AUTH_PREFIX);
      gtk_editable_set_text (GTK_EDITABLE (self->custom_rows[i]), value != NULL ? value : "");
    }
  for (guint i = 0; i < G_N_ELEMENTS (stream_names); i++)
    if (g_strcmp0 (stream, stream_names[i]) == 0)
      adw_combo_row_set_selected (self->stream_row, i);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->template_view),
                            template != NULL ? template : "", -1);

  /* The saved key itself is never here: only whether there is one. */
  if (p->has_key)
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->key_row),
                                     _ ("New API _Key, replacing the saved one"));
      adw_preferences_group_set_description (
          self->key_group, _ ("A key is saved. It is never shown; one typed here replaces it."));
    }
  else
    adw_preferences_group_set_description (
        self->key_group, _ ("Kept in your keyring, or encrypted in the database when the "
                            "database key is not in the keyring. It is never shown again."));
  gtk_widget_set_visible (GTK_WIDGET (self->remove_key_row), p->has_key);
  self->filling = FALSE;
  on_tls_changed (self);
  on_key_changed (self);
}

/* --- saving ------------------------------------------------------------------------------ */

static void
show_error (TftsrAiProviderDialog *self, const char *message)
{
  gtk_label_set_text (self->error_label, message);
  gtk_revealer_set_reveal_child (self->error_revealer, message != NULL);
  if (message != NULL)
    gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scroller), 0);
}

static void
saved (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TftsrAiProviderDialog) self = user_data;
  g_autoptr (GError) error = NULL;
  gint64 id = tftsr_store_save_ai_provider_finish (TFTSR_STORE (source), result, &error);

  self->saving = FALSE;
  if (id != 0)
    g_signal_emit (self, signals[SAVED], 0, id);
  /* Closed while saving: nothing left to show. */
  if (self->key_row == NULL)
    return;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "provider.save", TRUE);
  if (id == 0)
    {
      /* Every field, the typed key included, stays as it was for a correction. */
      show_error (self, error->message);
      g_signal_emit (self, signals[FAILED], 0, error);
      return;
    }
  gtk_editable_set_text (GTK_EDITABLE (self->key_row), "");
  gtk_window_close (GTK_WINDOW (self));
}

static void
save_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TftsrAiProviderDialog *self = TFTSR_AI_PROVIDER_DIALOG (widget);
  g_autoptr (TftsrAiProvider) provider = NULL;
  char *key = NULL; /* NULL keeps the saved key, "" removes it */

  if (self->saving)
    return;
  provider = provider_from_fields (self);
  if (key_typed (self))
    key = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->key_row)));
  else if (gtk_switch_get_active (self->remove_key_switch))
    key = g_strdup ("");
  /* Not cancelled when the dialog closes: a save once started is reported to the page. */
  self->saving = TRUE;
  gtk_widget_action_set_enabled (widget, "provider.save", FALSE);
  tftsr_store_save_ai_provider_async (self->store, provider, key, NULL, saved, g_object_ref (self));
  /* The call took its own copy. */
  if (key != NULL)
    explicit_bzero (key, strlen (key));
  g_free (key);
}

/* --- class ------------------------------------------------------------------------------- */

static void
tftsr_ai_provider_dialog_dispose (GObject *object)
{
  TftsrAiProviderDialog *self = TFTSR_AI_PROVIDER_DIALOG (object);

  if (self->key_row != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->key_row), "");
  g_cancellable_cancel (self->fetching);
  gtk_widget_dispose_template (GTK_WIDGET (self), TFTSR_TYPE_AI_PROVIDER_DIALOG);
  G_OBJECT_CLASS (tftsr_ai_provider_dialog_parent_class)->dispose (object);
}

static void
tftsr_ai_provider_dialog_finalize (GObject *object)
{
  TftsrAiProviderDialog *self = TFTSR_AI_PROVIDER_DIALOG (object);

  g_clear_object (&self->store);
  g_clear_object (&self->fetching);
  g_clear_pointer (&self->provider, tftsr_ai_provider_free);
  g_free (self->fetch_note);
  G_OBJECT_CLASS (tftsr_ai_provider_dialog_parent_class)->finalize (object);
}

static void
tftsr_ai_provider_dialog_class_init (TftsrAiProviderDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  static const char *const custom_ids[N_CUSTOM] = {
    "path_row",          "auth_header_row", "auth_prefix_row",
    "response_path_row", "stream_path_row", "done_marker_row",
  };

  object_class->dispose = tftsr_ai_provider_dialog_dispose;
  object_class->finalize = tftsr_ai_provider_dialog_finalize;

  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                 NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
  signals[FAILED] = g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                  NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
  signals[MODELS_LISTED] = g_signal_new ("models-listed", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, TFTSR_RESOURCE_PATH
                                               "/ui/tftsr-ai-provider-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, TftsrAiProviderDialog, scroller);
  gtk_widget_class_bind_template_child (widget_class, TftsrAiProviderDialog, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, TftsrAiProviderDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, TftsrAiProviderDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, TftsrAiProviderDialog, format_row);
  gtk_widget_class_bind_template_child (widget_class, TftsrAiProviderDialog, url_row);
  gtk_widget_class_bind_template_child (widget_class, TftsrAiProviderDialog, model_row);
  gtk_widget_class_bind_template_child (widget_class, TftsrAiProviderDialog, models_row);
  gtk_widget_class_bind_template_child (widget_class, TftsrAiProviderDialog, models_drop_down);
  gtk_widget_class_bind_template_child (widget_class, TftsrAiProviderDialog, fetch_button);
  gtk_widget_class_bind_template_child (widget_class, TftsrAiProviderDialog, fetch_stack);
  gtk_widget_class_bind_template_child (widget_class, TftsrAiProviderDialog, fetch_spinner);
  gtk_widget_class_bind_template_child (widget_class, TftsrAiProviderDialog, key_group);
  gtk_widget_class_bind_template_child (widget_class, TftsrAiProviderDialog, key_row);
  gtk_widget_class_bind_template_child (widget_class, TftsrAiProviderDialog, remove_key_row);
  gtk_widget_class_bind_template_child (widget_class, TftsrAiProviderDialog, remove_key_switch);
  gtk_widget_class_bind_template_child (widget_class, TftsrAiProviderDialog, tools_row);
  gtk_widget_class_bind_template_child (widget_class, TftsrAiProviderDialog, tls_switch);
  gtk_widget_class_bind_template_child (widget_class, TftsrAiProviderDialog, context_spin);
  gtk_widget_class_bind_template_child (widget_class, TftsrAiProviderDialog, tls_warning_row);
  gtk_widget_class_bind_template_child (widget_class, TftsrAiProviderDialog, azure_group);
  gtk_widget_class_bind_template_child (widget_class, TftsrAiProviderDialog, azure_row);
  gtk_widget_class_bind_template_child (widget_class, TftsrAiProviderDialog, custom_group);
  for (guint i = 0; i < N_CUSTOM; i++)
    gtk_widget_class_bind_template_child_full (
        widget_class, custom_ids[i], FALSE,
        G_STRUCT_OFFSET (TftsrAiProviderDialog, custom_rows) + i * sizeof (AdwEntryRow *));
  gtk_widget_class_bind_template_child (widget_class, TftsrAiProviderDialog, stream_row);
  gtk_widget_class_bind_template_child (widget_class, TftsrAiProviderDialog, template_group);
  gtk_widget_class_bind_template_child (widget_class, TftsrAiProviderDialog, template_view);
  gtk_widget_class_bind_template_callback (widget_class, on_format_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_connection_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_key_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_tls_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_model_chosen);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activated);

  gtk_widget_class_install_action (widget_class, "provider.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "provider.fetch-models", NULL,
                                   fetch_models_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK,
                                       "provider.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
tftsr_ai_provider_dialog_init (TftsrAiProviderDialog *self)
{
  g_autoptr (GtkStringList) formats = gtk_string_list_new (NULL);
  g_autoptr (GtkExpression) expression = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  for (TftsrAiFormat f = 0; f < TFTSR_AI_N_FORMATS; f++)
    gtk_string_list_append (formats, tftsr_ai_format_get_label (f));
  adw_combo_row_set_model (self->format_row, G_LIST_MODEL (formats));
  /* Typing in the list of models finds one by name. */
  expression = gtk_property_expression_new (GTK_TYPE_STRING_OBJECT, NULL, "string");
  gtk_drop_down_set_expression (self->models_drop_down, expression);
}

TftsrAiProviderDialog *
tftsr_ai_provider_dialog_new (GtkWindow *parent, TftsrStore *store, const TftsrAiProvider *provider)
{
  TftsrAiProviderDialog *self;

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);

  self = g_object_new (TFTSR_TYPE_AI_PROVIDER_DIALOG, "transient-for", parent, "modal", TRUE,
                       "title", provider != NULL ? _ ("Edit Provider") : _ ("Add Provider"), NULL);
  self->store = g_object_ref (store);
  self->provider = provider != NULL ? tftsr_ai_provider_copy (provider)
                                    : tftsr_ai_provider_new ("", TFTSR_AI_FORMAT_OPENAI, NULL, "");
  fill (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
  return self;
}
