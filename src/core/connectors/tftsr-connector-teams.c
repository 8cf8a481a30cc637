/* tftsr-connector-teams.c: incident events posted to a Microsoft Teams channel by an incoming
 * webhook (or a Workflows webhook, which takes the same message)
 *
 * The webhook URL is the secret, kept in the vault (auth TOKEN); the configured base URL
 * only names the host people are shown. The message carries one Adaptive Card 1.4: the
 * event as a heading, the title, the severity, status and category as facts, and a button
 * to the link when there is one.
 *
 * Adaptive Card text blocks and fact values render a Markdown subset (emphasis, lists,
 * links). The title, the text most likely to hold anything, goes in a TextRun, which the
 * card schema defines as plain text; fact values have every Markdown punctuation character
 * escaped with a backslash.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "tftsr-connector-notify-private.h"

#define TITLE_MAX 1000
#define FACT_MAX 500

/* @text with the characters Markdown gives a meaning escaped ("[x](y)" would be a link,
 * "**" bold, "- " a list item, "1." a numbered one). */
static char *
teams_escape (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text != NULL ? text : ""; *p != '\0'; p++)
    {
      if (strchr ("\\`*_{}[]()<>#+-.!|~", *p) != NULL)
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

static json_object *
text_block (const char *text, const char *size, const char *weight)
{
  json_object *block = json_object_new_object ();

  json_object_object_add (block, "type", json_object_new_string ("TextBlock"));
  json_object_object_add (block, "text", json_object_new_string (text));
  json_object_object_add (block, "size", json_object_new_string (size));
  json_object_object_add (block, "weight", json_object_new_string (weight));
  json_object_object_add (block, "wrap", json_object_new_boolean (TRUE));
  return block;
}

static json_object *
title_block (const char *title)
{
  json_object *block = json_object_new_object ();
  json_object *inlines = json_object_new_array ();
  json_object *run = json_object_new_object ();
  g_autofree char *cut = tftsr_connector_truncate (title, TITLE_MAX);

  json_object_object_add (run, "type", json_object_new_string ("TextRun"));
  json_object_object_add (run, "text", json_object_new_string (cut));
  json_object_object_add (run, "weight", json_object_new_string ("Bolder"));
  json_object_array_add (inlines, run);
  json_object_object_add (block, "type", json_object_new_string ("RichTextBlock"));
  json_object_object_add (block, "inlines", inlines);
  return block;
}

static void
add_fact (json_object *facts, const char *title, const char *value)
{
  json_object *fact = json_object_new_object ();
  g_autofree char *cut = tftsr_connector_truncate (value != NULL ? value : "—", FACT_MAX);
  g_autofree char *escaped = teams_escape (cut);

  json_object_object_add (fact, "title", json_object_new_string (title));
  json_object_object_add (fact, "value", json_object_new_string (escaped));
  json_object_array_add (facts, fact);
}

static json_object *
fact_set (const TftsrTicketDraft *draft)
{
  json_object *block = json_object_new_object ();
  json_object *facts = json_object_new_array ();
  g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, draft->issue_id);

  add_fact (facts, _ ("Severity"), draft->severity);
  add_fact (facts, _ ("Status"), draft->status);
  add_fact (facts, _ ("Category"), draft->category);
  add_fact (facts, _ ("Incident"), number);
  json_object_object_add (block, "type", json_object_new_string ("FactSet"));
  json_object_object_add (block, "facts", facts);
  return block;
}

static json_object *
open_action (const char *link)
{
  json_object *action = json_object_new_object ();

  json_object_object_add (action, "type", json_object_new_string ("Action.OpenUrl"));
  json_object_object_add (action, "title", json_object_new_string (_ ("Open")));
  json_object_object_add (action, "url", json_object_new_string (link));
  return action;
}

static json_object *
build_card (const TftsrTicketDraft *draft, TftsrNotifyEvent event)
{
  json_object *card = json_object_new_object ();
  json_object *body = json_object_new_array ();
  json_object *actions = json_object_new_array ();

  json_object_array_add (body,
                         text_block (tftsr_connector_notify_headline (event), "Medium", "Bolder"));
  json_object_array_add (body, title_block (draft->title));
  json_object_array_add (body, fact_set (draft));
  /* The button opens its URL in a browser: only web addresses are offered. */
  if (tftsr_connector_is_web_link (draft->link))
    json_object_array_add (actions, open_action (draft->link));

  json_object_object_add (
      card, "$schema",
      json_object_new_string ("http://adaptivecards.io/schemas/adaptive-card.json"));
  json_object_object_add (card, "type", json_object_new_string ("AdaptiveCard"));
  json_object_object_add (card, "version", json_object_new_string ("1.4"));
  json_object_object_add (card, "body", body);
  json_object_object_add (card, "actions", actions);
  return card;
}

static json_object *
build_message (const TftsrTicketDraft *draft, TftsrNotifyEvent event)
{
  json_object *message = json_object_new_object ();
  json_object *attachments = json_object_new_array ();
  json_object *attachment = json_object_new_object ();

  json_object_object_add (attachment, "contentType",
                          json_object_new_string ("application/vnd.microsoft.card.adaptive"));
  json_object_object_add (attachment, "content", build_card (draft, event));
  json_object_array_add (attachments, attachment);
  json_object_object_add (message, "type", json_object_new_string ("message"));
  json_object_object_add (message, "attachments", attachments);
  return message;
}

static gboolean
teams_notify (TftsrConnectorCtx *ctx, const TftsrTicketDraft *draft, TftsrNotifyEvent event,
              GError **error)
{
  g_autoptr (json_object) message = build_message (draft, event);

  /* Teams answers "1" (incoming webhooks) or nothing (Workflows), never JSON. */
  return tftsr_connector_post_hook_message (ctx, message, error);
}

/* An incoming webhook cannot be asked anything without posting to the channel: the test
 * checks the URL and says so. */
static char *
teams_test (TftsrConnectorCtx *ctx, GError **error)
{
  return tftsr_connector_test_hook (
      ctx, _ ("Webhook URL accepted by format; Teams checks it on the first message"), error);
}

const TftsrConnectorOps tftsr_connector_teams_ops = {
  .kind = TFTSR_CONNECTOR_TEAMS,
  .name = "teams",
  .label = "Microsoft Teams",
  .caps = TFTSR_CONNECTOR_CAN_NOTIFY,
  .auths = 1 << TFTSR_CONNECTOR_AUTH_TOKEN,
  .test = teams_test,
  .notify = teams_notify,
};
