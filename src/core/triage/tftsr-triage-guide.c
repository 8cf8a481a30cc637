/* tftsr-triage-guide.c: the 5 Whys without a model
 *
 * With no provider, or when nothing may leave the machine, the guide asks the five whys
 * itself: each question is about the previous answer, with a hint on where the evidence
 * usually is for the incident's category while the chain is still technical (whys 1-3),
 * and about safeguards and process after that. The engineer's reply to a question is its
 * answer. Everything is stored in the same conversation as an AI's turns would be.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>

#include "tftsr-triage-private.h"

/* Where the first evidence usually is, by category. */
static const char *const domain_hints[TFTSR_N_CATEGORIES] = {
  [TFTSR_CATEGORY_GENERAL] = N_ ("What changed shortly before it started, and what does the "
                                 "first error in the logs say?"),
  [TFTSR_CATEGORY_LINUX] = N_ ("What do “journalctl -u UNIT” and “dmesg -T” show at that time, "
                               "and is a resource exhausted (disk, inodes, memory, file "
                               "descriptors)?"),
  [TFTSR_CATEGORY_WINDOWS] = N_ ("Which System or Application event IDs line up with it, and "
                                 "was an update, policy or service account changed?"),
  [TFTSR_CATEGORY_NETWORK] = N_ ("At which hop or layer do packets stop (mtr, a capture on both "
                                 "sides), and which firewall, route or link changed?"),
  [TFTSR_CATEGORY_KUBERNETES] = N_ ("What do “kubectl describe pod”, the events and the previous "
                                    "container's logs say, and what did the last rollout "
                                    "change?"),
  [TFTSR_CATEGORY_DATABASES] = N_ ("What do connections, locks, slow queries and replication "
                                   "lag look like then, and was a migration or parameter "
                                   "changed?"),
  [TFTSR_CATEGORY_VIRTUALIZATION] = N_ ("What do the host's CPU ready, memory ballooning and "
                                        "datastore latency and space show, and were VMs "
                                        "migrated or snapshotted?"),
  [TFTSR_CATEGORY_HARDWARE] = N_ ("What do the system event log and the controller's logs "
                                  "report (disks, memory, power, temperature)?"),
  [TFTSR_CATEGORY_OBSERVABILITY] = N_ ("Where did the data stop: at the source, the agent, "
                                       "ingestion or the query; and did a rule or label "
                                       "change?"),
  [TFTSR_CATEGORY_TELEPHONY] = N_ ("Which SIP responses do failing calls get, is it signalling "
                                   "or media, and which trunk, SBC or dial plan changed?"),
  [TFTSR_CATEGORY_SECURITY] = N_ ("Which alert or log entry shows it, which accounts and hosts "
                                  "are involved, and is it still going on? Preserve the "
                                  "evidence."),
  [TFTSR_CATEGORY_PUBLIC_SAFETY] = N_ ("Are calls still answered somewhere? Which part fails: "
                                       "call delivery, ALI/location, CPE, CAD or an "
                                       "interface?"),
  [TFTSR_CATEGORY_APPLICATION] = N_ ("What does one failing request's error or trace show, and "
                                     "which deployment, flag or dependency changed?"),
  [TFTSR_CATEGORY_AUTOMATION] = N_ ("Which run did it, with which inputs and code version, and "
                                    "what exactly did it change?"),
  [TFTSR_CATEGORY_HPE_INFRA] = N_ ("What do the iLO Integrated Management Log and the array or "
                                   "OneView alerts report, and on which firmware?"),
  [TFTSR_CATEGORY_DELL_HARDWARE] = N_ ("What do the iDRAC Lifecycle log and SEL report, and on "
                                       "which firmware?"),
  [TFTSR_CATEGORY_IDENTITY] = N_ ("Which sign-in or lockout entries and error codes show it, and "
                                  "which policy, certificate or password changed?"),
};

/* What each why is after, from the symptom toward the safeguards. */
static const char *const level_hints[TFTSR_TRIAGE_N_WHYS + 1] = {
  [1] = N_ ("Name the first thing that failed, with the error, log line or metric that shows "
            "it."),
  [2] = N_ ("What made that possible? Compare with a time or a host where it did not happen."),
  [3] = N_ ("Look for the mechanism: a limit reached, a dependency, a configuration or a "
            "change."),
  [4] = N_ ("Why was that condition there: a change, a default nobody revisited, capacity "
            "planning?"),
  [5] = N_ ("Why did no safeguard catch it: review, testing, monitoring or alerting? Fixing "
            "this usually prevents a recurrence."),
};

/* Domain hints help while the chain is about technology; later whys are about process. */
#define LAST_TECHNICAL_WHY 3

char *
tftsr_triage_guide_question (TftsrCategory category, guint n, const char *title,
                             const char *previous_answer)
{
  g_autofree char *question = NULL;
  GString *out;

  g_return_val_if_fail ((guint) category < TFTSR_N_CATEGORIES, NULL);
  g_return_val_if_fail (n >= 1 && n <= TFTSR_TRIAGE_N_WHYS, NULL);

  question = tftsr_triage_why_question (n, title, previous_answer);
  out = g_string_new (NULL);
  /* Translators: "Why 2 of 5: Why did “…” happen?" */
  g_string_append_printf (out, _ ("Why %u of 5: %s"), n, question);
  g_string_append_printf (out, "\n\n%s", _ (level_hints[n]));
  if (n <= LAST_TECHNICAL_WHY)
    g_string_append_printf (out, " %s", _ (domain_hints[category]));
  return g_string_free (out, FALSE);
}

/* The chain from its first why to the root cause, and what to do next. */
static char *
summary (const TftsrTriageRow *row, GPtrArray *whys)
{
  GString *out = g_string_new (NULL);

  g_string_append_printf (out, _ ("Root cause: %s"), row->root_cause);
  g_string_append_printf (out, "\n\n%s", _ ("The chain:"));
  for (guint i = 0; i < whys->len; i++)
    {
      TftsrTriageWhy *why = whys->pdata[i];

      if (*why->answer != '\0')
        g_string_append_printf (out, "\n%u. %s → %s", why->n, why->question, why->answer);
    }
  g_string_append_printf (out, "\n\n%s",
                          _ ("Next: agree on a corrective action for the root cause, and a "
                             "preventive one for each safeguard that did not catch it."));
  return g_string_free (out, FALSE);
}

/* Whether the guide's question for the why being asked waits for its answer. */
static gboolean
asked (const TftsrTriageRow *row, GPtrArray *whys)
{
  const TftsrTriageWhy *why = tftsr_triage_find_why (whys, MAX (row->level, 1));

  return row->level < TFTSR_TRIAGE_LEVEL_ROOT_CAUSE && why != NULL && *why->question != '\0' &&
         *why->answer == '\0';
}

/* The guide's reply once the chain is where @row says: the next question, or the summary. */
static char *
next_step (sqlite3 *db, TftsrTriageRow *row, TftsrIssue *issue, GError **error)
{
  g_autoptr (GPtrArray) whys = tftsr_triage_load_whys (db, row->issue_id, error);
  g_autofree char *question = NULL;
  const TftsrTriageWhy *previous;
  guint n = MAX (row->level, 1);

  if (whys == NULL)
    return NULL;
  if (row->level == TFTSR_TRIAGE_LEVEL_ROOT_CAUSE)
    return summary (row, whys);
  previous = tftsr_triage_find_why (whys, n - 1);
  question = tftsr_triage_why_question (n, tftsr_issue_get_title (issue),
                                        previous != NULL ? previous->answer : NULL);
  if (!tftsr_triage_ask (db, row, n, question, error))
    return NULL;
  return tftsr_triage_guide_question (tftsr_issue_get_category (issue), n,
                                      tftsr_issue_get_title (issue),
                                      previous != NULL ? previous->answer : NULL);
}

/* The engineer's @text as what it answers: the question asked, and the root cause. */
static GPtrArray *
answers (sqlite3 *db, TftsrTriageRow *row, const char *text, gboolean root_cause, GError **error)
{
  g_autoptr (GPtrArray) whys = tftsr_triage_load_whys (db, row->issue_id, error);
  g_autoptr (GPtrArray) markers =
      g_ptr_array_new_with_free_func ((GDestroyNotify) tftsr_triage_marker_free);

  if (whys == NULL)
    return NULL;
  if (asked (row, whys))
    g_ptr_array_add (markers, tftsr_triage_marker_new (TFTSR_TRIAGE_MARKER_WHY, MAX (row->level, 1),
                                                       text, NULL));
  if (root_cause)
    g_ptr_array_add (markers,
                     tftsr_triage_marker_new (TFTSR_TRIAGE_MARKER_ROOT_CAUSE, 0, text, NULL));
  return g_steal_pointer (&markers);
}

/* @text is stored as typed; @answer is what it answers, trimmed. */
static TftsrTriageTurn *
guide_turn (sqlite3 *db, TftsrIssue *issue, const char *text, const char *answer,
            gboolean root_cause, GError **error)
{
  g_auto (TftsrTriageRow) row = { 0 };
  g_autoptr (GPtrArray) markers = NULL;
  g_autoptr (TftsrAiMessage) said = tftsr_ai_message_new (TFTSR_AI_ROLE_USER, text);
  g_autoptr (TftsrAiMessage) reply = NULL;
  g_autoptr (TftsrTriageMessage) stored = NULL;
  g_autoptr (TftsrTriageTurn) turn = g_new0 (TftsrTriageTurn, 1);
  g_autofree char *content = NULL;
  guint level;

  if (!tftsr_triage_load_row (db, tftsr_issue_get_id (issue), TRUE, &row, error) ||
      (markers = answers (db, &row, answer, root_cause, error)) == NULL)
    return NULL;
  level = tftsr_triage_advance (row.level, markers);
  if (root_cause && ((TftsrTriageMarker *) markers->pdata[markers->len - 1])->effect ==
                        TFTSR_TRIAGE_EFFECT_IGNORED)
    {
      g_set_error_literal (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_INVALID,
                           _ ("The root cause comes after at least one answered why: answer "
                              "the guide's question first"));
      return NULL;
    }
  turn->level_before = row.level;
  turn->level_after = level;
  if ((stored = tftsr_triage_insert_message (db, &row, said, NULL, NULL,
                                             TFTSR_TRIAGE_MESSAGE_COMPLETE, NULL, error)) == NULL ||
      !tftsr_triage_record (db, &row, markers, level, &turn->root_cause, error) ||
      (content = next_step (db, &row, issue, error)) == NULL)
    return NULL;
  reply = tftsr_ai_message_new (TFTSR_AI_ROLE_ASSISTANT, content);
  turn->reply = tftsr_triage_insert_message (db, &row, reply, TFTSR_TRIAGE_GUIDE_PROVIDER, NULL,
                                             TFTSR_TRIAGE_MESSAGE_COMPLETE, NULL, error);
  return turn->reply != NULL ? g_steal_pointer (&turn) : NULL;
}

TftsrTriageTurn *
tftsr_triage_guide (TftsrStore *store, gint64 issue_id, const char *text, gboolean root_cause,
                    GError **error)
{
  g_autoptr (TftsrIssue) issue = NULL;
  g_autoptr (TftsrConn) conn = NULL;
  g_autofree char *answer = NULL;
  TftsrTriageTurn *turn;

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);
  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  answer = g_strstrip (g_strdup (text));
  if (!tftsr_triage_check_text (answer, NULL, error) ||
      (issue = tftsr_store_get_issue (store, issue_id, error)) == NULL ||
      (conn = tftsr_conn_acquire (store, error)) == NULL || !tftsr_db_begin (conn->db, error))
    return NULL;
  if ((turn = guide_turn (conn->db, issue, text, answer, root_cause, error)) == NULL ||
      !tftsr_db_commit (conn->db, error))
    {
      tftsr_db_rollback (conn->db);
      tftsr_triage_turn_free (turn);
      return NULL;
    }
  return turn;
}
