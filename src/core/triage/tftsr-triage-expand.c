/* tftsr-triage-expand.c: the attachments of a message, as they go into a request
 *
 * A log is read again for every request (the message stores a reference), through the
 * digest reader: whole when it fits its share of the provider's context budget, else its
 * digest, and the text says which. The text is redacted like every other text of the
 * request and fenced with more backticks than it holds, so a log cannot close its fence
 * and pass for the engineer's words. A screenshot goes as an image of the message, as
 * stored; it was acknowledged before it could be attached, and is checked again here.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "tftsr-egress.h"
#include "tftsr-image.h"
#include "tftsr-log-digest.h"
#include "tftsr-triage-private.h"

#define CHARS_PER_TOKEN 3  /* log text is dense: numbers, ids, punctuation */
#define ANSWER_CHARS 6000  /* kept for the answer */
#define LOG_SHARE_MIN 2048 /* a digest smaller than this says little */
/* What a screenshot costs of the context at most once the provider resized it (Anthropic
 * ~1,600 tokens, OpenAI 1,105 at high detail, Gemini 258 per tile). */
#define IMAGE_TOKENS 1600

gsize
tftsr_triage_log_share (const TftsrAiProvider *provider, gsize reserve, guint n_logs,
                        guint n_images)
{
  gsize budget = (gsize) tftsr_ai_provider_get_context_tokens (provider) * CHARS_PER_TOKEN;
  gsize room;

  reserve += (gsize) n_images * IMAGE_TOKENS * CHARS_PER_TOKEN;
  room = budget > reserve + ANSWER_CHARS ? budget - reserve - ANSWER_CHARS : 0;
  return MAX (room / MAX (n_logs, 1), LOG_SHARE_MIN);
}

char *
tftsr_triage_redact (const TftsrTriageRedactor *r, const char *text, GError **error)
{
  return tftsr_egress_redact_text (r->store, r->issue_id, r->scanner, text != NULL ? text : "",
                                   r->counts, error);
}

guint
tftsr_triage_count_attachments (GPtrArray *attachments, gboolean images)
{
  guint n = 0;

  for (guint i = 0; attachments != NULL && i < attachments->len; i++)
    {
      TftsrTriageAttachment *a = attachments->pdata[i];
      n += (a->kind == TFTSR_TRIAGE_ATTACHMENT_IMAGE) == images &&
           !tftsr_triage_attachment_is_gone (a);
    }
  return n;
}

/* Appends @text fenced with one backtick more than its longest run (three at least). */
static void
append_fenced (GString *out, const char *text)
{
  gsize longest = 2, run = 0;

  for (const char *p = text; *p != '\0'; p++)
    {
      run = *p == '`' ? run + 1 : 0;
      longest = MAX (longest, run);
    }
  for (gsize i = 0; i <= longest; i++)
    g_string_append_c (out, '`');
  g_string_append_c (out, '\n');
  g_string_append (out, text);
  if (*text != '\0' && text[strlen (text) - 1] != '\n')
    g_string_append_c (out, '\n');
  for (gsize i = 0; i <= longest; i++)
    g_string_append_c (out, '`');
  g_string_append_c (out, '\n');
}

/* "Attached log “<name>”", with the excerpt's lines: how each attachment is introduced. */
static void
append_heading (GString *out, const char *what, const char *name, const TftsrTriageAttachment *a)
{
  /* One blank line before it, after the engineer's text or a fenced block alike. */
  if (out->len > 0)
    g_string_append (out, out->str[out->len - 1] == '\n' ? "\n" : "\n\n");
  g_string_append_printf (out, "Attached %s “%s”", what, name);
  if (a->kind == TFTSR_TRIAGE_ATTACHMENT_EXCERPT && a->first_line == a->last_line)
    g_string_append_printf (out, ", line %" G_GUINT64_FORMAT, a->first_line);
  else if (a->kind == TFTSR_TRIAGE_ATTACHMENT_EXCERPT)
    g_string_append_printf (out, ", lines %" G_GUINT64_FORMAT "–%" G_GUINT64_FORMAT, a->first_line,
                            a->last_line);
}

static TftsrLogDigest *
read_log (const TftsrTriageRedactor *r, const TftsrTriageAttachment *a, gsize share, GError **error)
{
  if (a->kind == TFTSR_TRIAGE_ATTACHMENT_EXCERPT)
    return tftsr_store_digest_log_lines (r->store, a->target_id, a->first_line, a->last_line, share,
                                         r->cancellable, error);
  return tftsr_store_digest_log (r->store, a->target_id, share, NULL, NULL, r->cancellable, error);
}

static gboolean
expand_log (const TftsrTriageRedactor *r, const TftsrTriageAttachment *a, const char *name,
            gsize share, GString *out, GPtrArray *parts, GError **error)
{
  g_autoptr (TftsrLogDigest) digest = read_log (r, a, share, error);
  g_autofree char *text = NULL;
  TftsrEgressPart *part;

  if (digest == NULL ||
      (text = tftsr_triage_redact (r, tftsr_log_digest_get_text (digest), error)) == NULL)
    return FALSE;
  append_heading (out, "log", name, a);
  if (!tftsr_log_digest_is_whole (digest))
    g_string_append (out, ": a digest, the whole of it does not fit the context:\n");
  else if (a->kind == TFTSR_TRIAGE_ATTACHMENT_LOG)
    g_string_append_printf (out, " (the whole log, %" G_GUINT64_FORMAT " lines):\n",
                            tftsr_log_digest_get_lines (digest));
  else
    g_string_append (out, ":\n");
  append_fenced (out, text);
  part = tftsr_egress_part_new (tftsr_triage_attachment_kind_to_string (a->kind), a->target_id,
                                text, strlen (text));
  part->first_line = a->first_line;
  part->last_line = a->last_line;
  part->digest = !tftsr_log_digest_is_whole (digest);
  g_ptr_array_add (parts, part);
  return TRUE;
}

static gboolean
expand_image (const TftsrTriageRedactor *r, const TftsrTriageAttachment *a, const char *name,
              GString *out, TftsrAiMessage *message, GPtrArray *parts, GError **error)
{
  g_autoptr (TftsrImage) image = tftsr_store_get_image (r->store, a->target_id, error);
  g_autoptr (GBytes) bytes = NULL;

  if (image == NULL || !tftsr_image_check_acknowledged (image, error) ||
      (bytes = tftsr_store_get_image_bytes (r->store, a->target_id, error)) == NULL)
    return FALSE;
  tftsr_ai_message_add_image (message, tftsr_ai_image_new (tftsr_image_get_mime (image), bytes));
  append_heading (out, "screenshot", name, a);
  g_string_append_printf (out, ": image %u of this message.", message->images->len);
  g_ptr_array_add (parts,
                   tftsr_egress_part_new ("image", a->target_id, g_bytes_get_data (bytes, NULL),
                                          g_bytes_get_size (bytes)));
  return TRUE;
}

static gboolean
expand_one (const TftsrTriageRedactor *r, const TftsrTriageAttachment *a, gsize share, GString *out,
            TftsrAiMessage *message, GPtrArray *parts, GError **error)
{
  gboolean image = a->kind == TFTSR_TRIAGE_ATTACHMENT_IMAGE;
  g_autofree char *name = tftsr_triage_redact (r, a->name, error);

  if (name == NULL)
    return FALSE;
  if (tftsr_triage_attachment_is_gone (a))
    {
      append_heading (out, image ? "screenshot" : "log", name, a);
      g_string_append (out, ": deleted since, no longer available.");
      return TRUE;
    }
  return image ? expand_image (r, a, name, out, message, parts, error)
               : expand_log (r, a, name, share, out, parts, error);
}

gboolean
tftsr_triage_expand_attachments (const TftsrTriageRedactor *r, GPtrArray *attachments, gsize share,
                                 TftsrAiMessage *message, GPtrArray *parts, GError **error)
{
  g_autoptr (GString) out = g_string_new (message->content);

  for (guint i = 0; attachments != NULL && i < attachments->len; i++)
    if (!expand_one (r, attachments->pdata[i], share, out, message, parts, error))
      return FALSE;
  g_free (message->content);
  message->content = g_string_free (g_steal_pointer (&out), FALSE);
  return TRUE;
}
