/* tftsr-app-format.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>
#include <gtk/gtk.h>

#include "tftsr-app-format.h"

GListModel *
tftsr_enum_label_model (GType enum_type)
{
  g_autoptr (GEnumClass) klass = g_type_class_ref (enum_type);
  GtkStringList *list = gtk_string_list_new (NULL);

  for (guint v = 0; v < klass->n_values; v++)
    {
      const char *label = NULL;

      if (enum_type == TFTSR_TYPE_SEVERITY)
        label = tftsr_severity_get_label (v);
      else if (enum_type == TFTSR_TYPE_STATUS)
        label = tftsr_status_get_label (v);
      else if (enum_type == TFTSR_TYPE_CATEGORY)
        label = tftsr_category_get_label (v);
      else
        g_return_val_if_reached (G_LIST_MODEL (list));
      gtk_string_list_append (list, label);
    }
  return G_LIST_MODEL (list);
}

static GDateTime *
parse_local (const char *iso8601)
{
  g_autoptr (GDateTime) utc = NULL;

  if (iso8601 == NULL || (utc = g_date_time_new_from_iso8601 (iso8601, NULL)) == NULL)
    return NULL;
  return g_date_time_to_local (utc);
}

char *
tftsr_format_time (const char *iso8601)
{
  g_autoptr (GDateTime) when = parse_local (iso8601);

  if (when == NULL)
    return g_strdup ("—");
  /* Translators: a date and time, see g_date_time_format() */
  return g_date_time_format (when, _ ("%-d %b %Y, %H:%M"));
}

char *
tftsr_format_relative_time (const char *iso8601)
{
  g_autoptr (GDateTime) when = parse_local (iso8601);

  return tftsr_format_relative_datetime (when);
}

char *
tftsr_format_relative_datetime (GDateTime *time)
{
  g_autoptr (GDateTime) when = time != NULL ? g_date_time_to_local (time) : NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autoptr (GDateTime) today = NULL;
  GTimeSpan ago;

  if (when == NULL)
    return g_strdup ("—");
  ago = g_date_time_difference (now, when);
  if (ago < G_TIME_SPAN_MINUTE)
    return g_strdup (_ ("Just now"));
  if (ago < G_TIME_SPAN_HOUR)
    {
      int minutes = (int) (ago / G_TIME_SPAN_MINUTE);
      return g_strdup_printf (
          g_dngettext (GETTEXT_PACKAGE, "%d minute ago", "%d minutes ago", minutes), minutes);
    }
  today = g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now),
                                 g_date_time_get_day_of_month (now), 0, 0, 0);
  if (g_date_time_compare (when, today) >= 0)
    return g_date_time_format (when, "%H:%M");
  if (g_date_time_difference (today, when) < G_TIME_SPAN_DAY)
    return g_date_time_format (when, _ ("Yesterday %H:%M"));
  if (g_date_time_get_year (when) == g_date_time_get_year (now))
    return g_date_time_format (when, _ ("%-d %b"));
  return g_date_time_format (when, _ ("%-d %b %Y"));
}

char *
tftsr_display_text (const char *text)
{
  return g_utf8_make_valid (text != NULL ? text : "", -1);
}

char *
tftsr_format_logs_sent (const TftsrLogAnalysis *analysis)
{
  g_autofree char *logs = tftsr_log_analysis_describe_logs (analysis);
  g_autofree char *sent = NULL;

  /* Translators: %s lists the logs, e.g. "api.log (whole), worker.log (digest)" */
  sent = g_strdup_printf (_ ("Sent: %s"), logs);
  return tftsr_display_text (sent);
}

const char *
tftsr_severity_css_class (TftsrSeverity severity)
{
  static const char *const classes[] = { "p1", "p2", "p3", "p4" };
  g_return_val_if_fail ((guint) severity < G_N_ELEMENTS (classes), "p3");
  return classes[severity];
}

char *
tftsr_format_log_time (gint64 time, gboolean seconds, gboolean day)
{
  g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc (time / G_USEC_PER_SEC);
  const char *format;

  if (utc == NULL)
    return g_strdup ("—");
  /* Translators: strftime formats of a log's times: day and time, time */
  if (day)
    format = seconds ? _ ("%e %b %Y %H:%M:%S") : _ ("%e %b %Y %H:%M");
  else
    format = seconds ? "%H:%M:%S" : "%H:%M";
  return g_strstrip (g_date_time_format (utc, format));
}

char *
tftsr_format_lines (guint64 n)
{
  g_autofree char *number = g_strdup_printf ("%" G_GUINT64_FORMAT, n);
  /* ngettext takes an unsigned long; past that every language uses its "many" form. */
  gulong count = n > G_MAXULONG ? G_MAXULONG : (gulong) n;

  /* Translators: %s is a number of lines */
  return g_strdup_printf (g_dngettext (NULL, "%s line", "%s lines", count), number);
}

char *
tftsr_format_ai_failure (const GError *error)
{
  const char *hint = NULL;

  if (error->domain == TFTSR_NET_ERROR)
    hint = _ ("Check that the provider is running, and its address in Preferences → AI "
              "Providers.");
  else if (g_error_matches (error, TFTSR_AI_ERROR, TFTSR_AI_ERROR_MALFORMED) ||
           g_error_matches (error, TFTSR_AI_ERROR, TFTSR_AI_ERROR_TRUNCATED))
    hint = _ ("Nothing was saved: try again, or test the provider in Preferences → AI Providers.");
  if (hint == NULL)
    return g_strdup (error->message);
  return g_strdup_printf (g_str_has_suffix (error->message, ".") ? "%s %s" : "%s. %s",
                          error->message, hint);
}

const char *
tftsr_connector_kind_icon_name (TftsrConnectorKind kind)
{
  static const char *const icons[TFTSR_N_CONNECTOR_KINDS] = {
    [TFTSR_CONNECTOR_CONFLUENCE] = "emblem-documents-symbolic",
    [TFTSR_CONNECTOR_SERVICENOW] = "emblem-system-symbolic",
    [TFTSR_CONNECTOR_AZURE_DEVOPS] = "applications-engineering-symbolic",
    [TFTSR_CONNECTOR_JIRA] = "applications-system-symbolic",
    [TFTSR_CONNECTOR_PAGERDUTY] = "alarm-symbolic",
    [TFTSR_CONNECTOR_STACKSTORM] = "system-run-symbolic",
    [TFTSR_CONNECTOR_WEBHOOK] = "network-transmit-symbolic",
    [TFTSR_CONNECTOR_SLACK] = "chat-message-new-symbolic",
    [TFTSR_CONNECTOR_TEAMS] = "chat-message-new-symbolic",
  };

  return kind < TFTSR_N_CONNECTOR_KINDS ? icons[kind] : "network-server-symbolic";
}

const char *
tftsr_circuit_state_describe (TftsrCircuitState state)
{
  switch (state)
    {
    case TFTSR_CIRCUIT_OPEN:
      return _ ("Circuit open: requests are held back after repeated failures");
    case TFTSR_CIRCUIT_HALF_OPEN:
      return _ ("Circuit half-open: the next request tests the service");
    case TFTSR_CIRCUIT_CLOSED:
    default:
      return _ ("Circuit closed");
    }
}
