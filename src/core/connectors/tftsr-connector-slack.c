/* tftsr-connector-slack.c: incident events posted to a Slack channel by an incoming webhook
 *
 * The webhook URL is the secret: whoever has it may post to the channel. It is kept in the
 * vault (auth TOKEN) and the configured base URL only names the host people are shown
 * (https://hooks.slack.com). The message is Block Kit: a header, a section with the title
 * and the severity, status and category as fields, a button to the link when there is one,
 * and a plain `text` for notifications and clients without blocks.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "tftsr-connector-notify-private.h"

/* Block Kit's limits: a header's text, a section's text, a field's text. */
#define HEADER_MAX 150
#define TITLE_MAX 1000
#define FIELD_MAX 500

/* @text for Slack's mrkdwn and message text: Slack reads "<…>" as a link, a mention
 * (<!channel>) or a user, and "&" starts an entity, so these three are escaped (the
 * escaping Slack's own formatting reference asks for). */
static char *
slack_escape (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text != NULL ? text : ""; *p != '\0'; p++)
    switch (*p)
      {
      case '&':
        g_string_append (out, "&amp;");
        break;
      case '<':
        g_string_append (out, "&lt;");
        break;
      case '>':
        g_string_append (out, "&gt;");
        break;
      default:
        g_string_append_c (out, *p);
      }
  return g_string_free (out, FALSE);
}

static json_object *
text_object (const char *type, const char *text)
{
  json_object *object = json_object_new_object ();

  json_object_object_add (object, "type", json_object_new_string (type));
  json_object_object_add (object, "text", json_object_new_string (text));
  return object;
}

/* "*Severity*\ncritical", the value cut and escaped. */
static json_object *
field (const char *label, const char *value)
{
  g_autofree char *cut = tftsr_connector_truncate (value != NULL ? value : "—", FIELD_MAX);
  g_autofree char *escaped = slack_escape (cut);
  g_autofree char *text = g_strdup_printf ("*%s*\n%s", label, escaped);

  return text_object ("mrkdwn", text);
}

static json_object *
header_block (TftsrNotifyEvent event)
{
  json_object *block = json_object_new_object ();
  g_autofree char *text =
      tftsr_connector_truncate (tftsr_connector_notify_headline (event), HEADER_MAX);

  json_object_object_add (block, "type", json_object_new_string ("header"));
  /* plain_text shows its text as is: nothing in it is a link or a mention. */
  json_object_object_add (block, "text", text_object ("plain_text", text));
  return block;
}

static json_object *
section_block (const TftsrTicketDraft *draft)
{
  json_object *block = json_object_new_object ();
  json_object *fields = json_object_new_array ();
  g_autofree char *title = tftsr_connector_truncate (draft->title, TITLE_MAX);
  g_autofree char *escaped = slack_escape (title);
  g_autofree char *text = g_strdup_printf ("*%s*", escaped);
  g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, draft->issue_id);

  json_object_array_add (fields, field (_ ("Severity"), draft->severity));
  json_object_array_add (fields, field (_ ("Status"), draft->status));
  json_object_array_add (fields, field (_ ("Category"), draft->category));
  json_object_array_add (fields, field (_ ("Incident"), number));
  json_object_object_add (block, "type", json_object_new_string ("section"));
  json_object_object_add (block, "text", text_object ("mrkdwn", text));
  json_object_object_add (block, "fields", fields);
  return block;
}

static json_object *
link_block (const char *link)
{
  json_object *block = json_object_new_object ();
  json_object *elements = json_object_new_array ();
  json_object *button = json_object_new_object ();

  json_object_object_add (button, "type", json_object_new_string ("button"));
  json_object_object_add (button, "text", text_object ("plain_text", _ ("Open")));
  json_object_object_add (button, "url", json_object_new_string (link));
  json_object_array_add (elements, button);
  json_object_object_add (block, "type", json_object_new_string ("actions"));
  json_object_object_add (block, "elements", elements);
  return block;
}

/* The notification's text: "Incident opened: <title> (critical, open)", escaped. */
static char *
fallback_text (const TftsrTicketDraft *draft, TftsrNotifyEvent event)
{
  g_autofree char *title = tftsr_connector_truncate (draft->title, TITLE_MAX);
  g_autofree char *text = g_strdup_printf (
      "%s: %s (%s, %s)", tftsr_connector_notify_headline (event), title,
      draft->severity != NULL ? draft->severity : "—", draft->status != NULL ? draft->status : "—");

  return slack_escape (text);
}

static json_object *
build_message (const TftsrTicketDraft *draft, TftsrNotifyEvent event)
{
  json_object *message = json_object_new_object ();
  json_object *blocks = json_object_new_array ();
  g_autofree char *text = fallback_text (draft, event);

  json_object_array_add (blocks, header_block (event));
  json_object_array_add (blocks, section_block (draft));
  /* A button opens its URL in a browser: only web addresses are offered. */
  if (tftsr_connector_is_web_link (draft->link))
    json_object_array_add (blocks, link_block (draft->link));
  json_object_object_add (message, "text", json_object_new_string (text));
  json_object_object_add (message, "blocks", blocks);
  return message;
}

static gboolean
slack_notify (TftsrConnectorCtx *ctx, const TftsrTicketDraft *draft, TftsrNotifyEvent event,
              GError **error)
{
  g_autoptr (json_object) message = build_message (draft, event);

  /* Slack answers "ok" as text/plain. */
  return tftsr_connector_post_hook_message (ctx, message, error);
}

/* An incoming webhook cannot be asked anything without posting to the channel: the test
 * checks the URL and says so. */
static char *
slack_test (TftsrConnectorCtx *ctx, GError **error)
{
  return tftsr_connector_test_hook (
      ctx, _ ("Webhook URL accepted by format; Slack checks it on the first message"), error);
}

const TftsrConnectorOps tftsr_connector_slack_ops = {
  .kind = TFTSR_CONNECTOR_SLACK,
  .name = "slack",
  .label = "Slack",
  .caps = TFTSR_CONNECTOR_CAN_NOTIFY,
  .auths = 1 << TFTSR_CONNECTOR_AUTH_TOKEN,
  .default_url = "https://hooks.slack.com",
  .test = slack_test,
  .notify = slack_notify,
};
