/* test-issues.c: incidents: CRUD, timeline, filters, search, trash, the list model
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "tftsr-test-util.h"

static TftsrStore *store;

static GPtrArray *
list (const TftsrIssueQuery *query, gboolean *has_more)
{
  g_autoptr (GError) error = NULL;
  GPtrArray *issues = tftsr_store_list_issues (store, query, has_more, &error);

  g_assert_no_error (error);
  g_assert_nonnull (issues);
  return issues;
}

static GPtrArray *
search (const char *text)
{
  g_autoptr (TftsrIssueQuery) query = tftsr_issue_query_new ();

  query->text = g_strdup (text);
  query->sort = TFTSR_ISSUE_SORT_RELEVANCE;
  return list (query, NULL);
}

static gboolean
contains_id (GPtrArray *issues, gint64 id)
{
  for (guint i = 0; i < issues->len; i++)
    if (tftsr_issue_get_id (g_ptr_array_index (issues, i)) == id)
      return TRUE;
  return FALSE;
}

static void
purge_all (void)
{
  g_free (tftsr_test_query (store, "DELETE FROM issues"));
}

static void
test_crud_round_trip (void)
{
  g_autoptr (TftsrIssue) draft = tftsr_issue_new ("Checkout returns 502");
  g_autoptr (TftsrIssue) created = NULL;
  g_autoptr (TftsrIssue) loaded = NULL;
  g_autoptr (GError) error = NULL;
  const char *tags[] = { " Prod", "checkout", "prod", "", "EU,Payments ", NULL };
  const char *const *stored_tags;

  tftsr_issue_set_description (draft, "Since 01:40 UTC.");
  tftsr_issue_set_severity (draft, TFTSR_SEVERITY_CRITICAL);
  tftsr_issue_set_category (draft, TFTSR_CATEGORY_PUBLIC_SAFETY);
  tftsr_issue_set_owner (draft, "alice");
  tftsr_issue_set_source (draft, "test");
  tftsr_issue_set_tags (draft, tags);
  created = tftsr_store_create_issue (store, draft, &error);
  g_assert_no_error (error);
  g_assert_cmpint (tftsr_issue_get_id (created), >, 0);

  loaded = tftsr_store_get_issue (store, tftsr_issue_get_id (created), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tftsr_issue_get_title (loaded), ==, "Checkout returns 502");
  g_assert_cmpstr (tftsr_issue_get_description (loaded), ==, "Since 01:40 UTC.");
  g_assert_cmpint (tftsr_issue_get_severity (loaded), ==, TFTSR_SEVERITY_CRITICAL);
  g_assert_cmpint (tftsr_issue_get_status (loaded), ==, TFTSR_STATUS_OPEN);
  g_assert_cmpint (tftsr_issue_get_category (loaded), ==, TFTSR_CATEGORY_PUBLIC_SAFETY);
  g_assert_cmpstr (tftsr_issue_get_owner (loaded), ==, "alice");
  g_assert_cmpstr (tftsr_issue_get_source (loaded), ==, "test");
  stored_tags = tftsr_issue_get_tags (loaded);
  g_assert_cmpuint (g_strv_length ((char **) stored_tags), ==, 4);
  g_assert_cmpstr (stored_tags[0], ==, "checkout");
  g_assert_cmpstr (stored_tags[1], ==, "eu");
  g_assert_cmpstr (stored_tags[2], ==, "payments");
  g_assert_cmpstr (stored_tags[3], ==, "prod");
  /* One timestamp format: ISO 8601 UTC with milliseconds. */
  g_assert_true (g_regex_match_simple ("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z$",
                                       tftsr_issue_get_created_at (loaded), 0, 0));
  g_assert_null (tftsr_issue_get_resolved_at (loaded));
}

static void
test_get_missing (void)
{
  g_autoptr (GError) error = NULL;

  g_assert_null (tftsr_store_get_issue (store, 999999, &error));
  g_assert_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_NOT_FOUND);
}

static void
test_empty_title_rejected (void)
{
  g_autoptr (TftsrIssue) draft = tftsr_issue_new ("   \t ");
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrIssue) created = tftsr_store_create_issue (store, draft, &error);

  g_assert_null (created);
  g_assert_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_INVALID);
}

static void
test_update_and_timeline (void)
{
  g_autoptr (TftsrIssue) issue = tftsr_test_create (store, "Timeline subject", NULL);
  g_autoptr (TftsrIssue) updated = NULL;
  g_autoptr (TftsrIssue) unchanged = NULL;
  g_autoptr (TftsrIssue) reopened = NULL;
  g_autoptr (GPtrArray) events = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *first = NULL;

  tftsr_issue_set_status (issue, TFTSR_STATUS_RESOLVED);
  tftsr_issue_set_severity (issue, TFTSR_SEVERITY_HIGH);
  tftsr_issue_set_category (issue, TFTSR_CATEGORY_NETWORK);
  tftsr_issue_set_title (issue, "Timeline subject (renamed)");
  updated = tftsr_store_update_issue (store, issue, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tftsr_issue_get_title (updated), ==, "Timeline subject (renamed)");
  g_assert_nonnull (tftsr_issue_get_resolved_at (updated));
  g_assert_cmpstr (tftsr_issue_get_updated_at (updated), >=, tftsr_issue_get_created_at (updated));

  events = tftsr_store_list_timeline (store, tftsr_issue_get_id (issue), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (events->len, ==, 4);
  g_assert_cmpint (tftsr_timeline_event_get_kind (events->pdata[0]), ==, TFTSR_TIMELINE_CREATED);
  g_assert_cmpint (tftsr_timeline_event_get_kind (events->pdata[1]), ==,
                   TFTSR_TIMELINE_STATUS_CHANGED);
  g_assert_cmpstr (tftsr_timeline_event_get_old_value (events->pdata[1]), ==, "open");
  g_assert_cmpstr (tftsr_timeline_event_get_new_value (events->pdata[1]), ==, "resolved");
  first = tftsr_timeline_event_describe (events->pdata[1]);
  g_assert_cmpstr (first, ==, "Status changed from Open to Resolved");
  g_assert_cmpint (tftsr_timeline_event_get_kind (events->pdata[2]), ==,
                   TFTSR_TIMELINE_SEVERITY_CHANGED);
  g_assert_cmpint (tftsr_timeline_event_get_kind (events->pdata[3]), ==,
                   TFTSR_TIMELINE_CATEGORY_CHANGED);

  /* Saving without a change neither bumps updated_at nor adds events. */
  unchanged = tftsr_store_update_issue (store, updated, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tftsr_issue_get_updated_at (unchanged), ==,
                   tftsr_issue_get_updated_at (updated));
  g_clear_pointer (&events, g_ptr_array_unref);
  events = tftsr_store_list_timeline (store, tftsr_issue_get_id (issue), &error);
  g_assert_cmpuint (events->len, ==, 4);

  /* Reopening clears resolved_at. */
  tftsr_issue_set_status (updated, TFTSR_STATUS_INVESTIGATING);
  reopened = tftsr_store_update_issue (store, updated, &error);
  g_assert_no_error (error);
  g_assert_null (tftsr_issue_get_resolved_at (reopened));
}

static void
test_update_missing (void)
{
  g_autoptr (TftsrIssue) issue = tftsr_test_create (store, "Soon gone", NULL);
  g_autoptr (TftsrIssue) updated = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (tftsr_store_delete_issue (store, tftsr_issue_get_id (issue), &error));
  tftsr_issue_set_title (issue, "Edited after deletion");
  updated = tftsr_store_update_issue (store, issue, &error);
  g_assert_null (updated);
  g_assert_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_NOT_FOUND);
}

/* Hostile and unusual content is stored byte for byte and found by search. */
static void
test_hostile_content (void)
{
  g_autofree char *junk = g_malloc (4097);
  g_autofree char *megabyte = NULL;
  g_autoptr (GString) big = g_string_new (NULL);
  const char *titles[] = {
    "Robert'); DROP TABLE issues;-- marker1",
    "\"quoted\" 'single' `back` \\ marker2",
    "🔥 prod is on fire 🚒 marker3 ünïcödé 日本語",
    "NEAR(a b) OR title:* ^start AND NOT marker4",
  };
  GRand *rand = g_rand_new_with_seed (42);

  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    {
      g_autoptr (TftsrIssue) issue = tftsr_test_create (store, titles[i], titles[i]);
      g_autoptr (TftsrIssue) loaded =
          tftsr_store_get_issue (store, tftsr_issue_get_id (issue), NULL);
      g_autofree char *marker = g_strdup_printf ("marker%u", i + 1);
      g_autoptr (GPtrArray) hits = search (marker);

      g_assert_cmpstr (tftsr_issue_get_title (loaded), ==, titles[i]);
      g_assert_cmpstr (tftsr_issue_get_description (loaded), ==, titles[i]);
      g_assert_true (contains_id (hits, tftsr_issue_get_id (issue)));
    }

  /* NUL-free binary junk, not valid UTF-8. */
  for (guint i = 0; i < 4096; i++)
    junk[i] = (char) g_rand_int_range (rand, 1, 256);
  junk[4096] = '\0';
  {
    g_autofree char *title = g_strconcat ("junkmarker ", junk, NULL);
    g_autoptr (TftsrIssue) issue = tftsr_test_create (store, title, junk);
    g_autoptr (TftsrIssue) loaded = tftsr_store_get_issue (store, tftsr_issue_get_id (issue), NULL);
    g_autoptr (GPtrArray) hits = search ("junkmarker");

    g_assert_cmpstr (tftsr_issue_get_title (loaded), ==, title);
    g_assert_cmpmem (tftsr_issue_get_description (loaded), 4096, junk, 4096);
    g_assert_true (contains_id (hits, tftsr_issue_get_id (issue)));
  }

  /* A megabyte of text with a word at its very end. */
  while (big->len < 1024 * 1024)
    g_string_append (big, "lorem ipsum dolor sit amet ");
  g_string_append (big, "needleattheend");
  megabyte = g_string_free (g_steal_pointer (&big), FALSE);
  {
    g_autoptr (TftsrIssue) issue = tftsr_test_create (store, "Huge description", megabyte);
    g_autoptr (TftsrIssue) loaded = tftsr_store_get_issue (store, tftsr_issue_get_id (issue), NULL);
    g_autoptr (GPtrArray) hits = search ("needleattheend");

    g_assert_cmpstr (tftsr_issue_get_description (loaded), ==, megabyte);
    g_assert_cmpuint (hits->len, ==, 1);
    g_assert_cmpint (tftsr_issue_get_id (hits->pdata[0]), ==, tftsr_issue_get_id (issue));
  }
  g_rand_free (rand);
}

static TftsrIssue *
create_full (const char *title, TftsrSeverity severity, TftsrStatus status, TftsrCategory category,
             const char *tags)
{
  g_autoptr (TftsrIssue) draft = tftsr_issue_new (title);
  g_auto (GStrv) tag_list = tftsr_tags_parse (tags);
  g_autoptr (GError) error = NULL;
  TftsrIssue *issue;

  tftsr_issue_set_severity (draft, severity);
  tftsr_issue_set_status (draft, status);
  tftsr_issue_set_category (draft, category);
  tftsr_issue_set_tags (draft, (const char *const *) tag_list);
  issue = tftsr_store_create_issue (store, draft, &error);
  g_assert_no_error (error);
  return issue;
}

static void
test_filters_and_sorting (void)
{
  g_autoptr (TftsrIssue) a = NULL, b = NULL, c = NULL, d = NULL;
  g_autoptr (TftsrIssueQuery) query = tftsr_issue_query_new ();
  g_autoptr (GPtrArray) result = NULL;

  purge_all ();
  a = create_full ("alpha", TFTSR_SEVERITY_LOW, TFTSR_STATUS_OPEN, TFTSR_CATEGORY_LINUX, "db");
  b = create_full ("Bravo", TFTSR_SEVERITY_CRITICAL, TFTSR_STATUS_RESOLVED, TFTSR_CATEGORY_LINUX,
                   "db,prod");
  c = create_full ("charlie", TFTSR_SEVERITY_HIGH, TFTSR_STATUS_INVESTIGATING,
                   TFTSR_CATEGORY_NETWORK, "prod");
  d = create_full ("delta", TFTSR_SEVERITY_CRITICAL, TFTSR_STATUS_CLOSED, TFTSR_CATEGORY_IDENTITY,
                   "");

  /* Default order: most recently updated first. */
  result = list (query, NULL);
  g_assert_cmpuint (result->len, ==, 4);
  g_assert_cmpint (tftsr_issue_get_id (result->pdata[0]), ==, tftsr_issue_get_id (d));
  g_assert_cmpint (tftsr_issue_get_id (result->pdata[3]), ==, tftsr_issue_get_id (a));
  g_clear_pointer (&result, g_ptr_array_unref);

  query->status_mask = (1u << TFTSR_STATUS_OPEN) | (1u << TFTSR_STATUS_INVESTIGATING);
  result = list (query, NULL);
  g_assert_cmpuint (result->len, ==, 2);
  g_assert_true (contains_id (result, tftsr_issue_get_id (a)));
  g_assert_true (contains_id (result, tftsr_issue_get_id (c)));
  g_clear_pointer (&result, g_ptr_array_unref);

  query->status_mask = 0;
  query->severity_mask = 1u << TFTSR_SEVERITY_CRITICAL;
  query->category = TFTSR_CATEGORY_LINUX;
  result = list (query, NULL);
  g_assert_cmpuint (result->len, ==, 1);
  g_assert_cmpint (tftsr_issue_get_id (result->pdata[0]), ==, tftsr_issue_get_id (b));
  g_clear_pointer (&result, g_ptr_array_unref);

  query->severity_mask = 0;
  query->category = -1;
  query->tag = g_strdup ("PROD");
  result = list (query, NULL);
  g_assert_cmpuint (result->len, ==, 2);
  g_assert_true (contains_id (result, tftsr_issue_get_id (b)));
  g_assert_true (contains_id (result, tftsr_issue_get_id (c)));
  g_clear_pointer (&result, g_ptr_array_unref);
  g_clear_pointer (&query->tag, g_free);

  query->sort = TFTSR_ISSUE_SORT_SEVERITY;
  result = list (query, NULL);
  g_assert_cmpint (tftsr_issue_get_severity (result->pdata[0]), ==, TFTSR_SEVERITY_CRITICAL);
  g_assert_cmpint (tftsr_issue_get_severity (result->pdata[1]), ==, TFTSR_SEVERITY_CRITICAL);
  g_assert_cmpint (tftsr_issue_get_severity (result->pdata[2]), ==, TFTSR_SEVERITY_HIGH);
  g_assert_cmpint (tftsr_issue_get_severity (result->pdata[3]), ==, TFTSR_SEVERITY_LOW);
  g_clear_pointer (&result, g_ptr_array_unref);

  query->sort = TFTSR_ISSUE_SORT_TITLE;
  result = list (query, NULL);
  g_assert_cmpstr (tftsr_issue_get_title (result->pdata[0]), ==, "alpha");
  g_assert_cmpstr (tftsr_issue_get_title (result->pdata[1]), ==, "Bravo");
  g_assert_cmpstr (tftsr_issue_get_title (result->pdata[3]), ==, "delta");
  g_clear_pointer (&result, g_ptr_array_unref);

  query->sort = TFTSR_ISSUE_SORT_CREATED;
  result = list (query, NULL);
  g_assert_cmpint (tftsr_issue_get_id (result->pdata[0]), ==, tftsr_issue_get_id (d));
}

static void
test_pagination (void)
{
  g_autoptr (TftsrIssueQuery) query = tftsr_issue_query_new ();
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  gboolean has_more = TRUE;
  guint pages = 0;

  purge_all ();
  for (guint i = 0; i < 25; i++)
    {
      g_autofree char *title = g_strdup_printf ("page item %u", i);
      g_autoptr (TftsrIssue) issue = tftsr_test_create (store, title, NULL);
    }
  query->limit = 10;
  while (has_more)
    {
      g_autoptr (GPtrArray) page = list (query, &has_more);

      for (guint i = 0; i < page->len; i++)
        {
          gint64 *id = g_new (gint64, 1);
          *id = tftsr_issue_get_id (page->pdata[i]);
          g_assert_false (g_hash_table_contains (seen, id));
          g_hash_table_add (seen, id);
        }
      query->offset += page->len;
      pages++;
    }
  g_assert_cmpuint (pages, ==, 3);
  g_assert_cmpuint (g_hash_table_size (seen), ==, 25);
}

static void
test_search_ranking (void)
{
  g_autoptr (TftsrIssue) in_description = NULL;
  g_autoptr (TftsrIssue) in_title = NULL;
  g_autoptr (TftsrIssue) in_tags = NULL;
  g_autoptr (GPtrArray) hits = NULL;

  purge_all ();
  in_description =
      tftsr_test_create (store, "Latency spike", "The kafka consumer lag grew after the deploy.");
  in_title = tftsr_test_create (store, "Kafka broker down", "Broker 3 stopped.");
  in_tags = create_full ("Queue backlog", TFTSR_SEVERITY_MEDIUM, TFTSR_STATUS_OPEN,
                         TFTSR_CATEGORY_GENERAL, "kafka");

  /* bm25 with title > tags > description weights. */
  hits = search ("kafka");
  g_assert_cmpuint (hits->len, ==, 3);
  g_assert_cmpint (tftsr_issue_get_id (hits->pdata[0]), ==, tftsr_issue_get_id (in_title));
  g_assert_cmpint (tftsr_issue_get_id (hits->pdata[1]), ==, tftsr_issue_get_id (in_tags));
  g_assert_cmpint (tftsr_issue_get_id (hits->pdata[2]), ==, tftsr_issue_get_id (in_description));
  g_clear_pointer (&hits, g_ptr_array_unref);

  /* Prefix matching. */
  hits = search ("kaf");
  g_assert_cmpuint (hits->len, ==, 3);
  g_clear_pointer (&hits, g_ptr_array_unref);

  /* Phrase, exclusion, OR. */
  hits = search ("\"consumer lag\"");
  g_assert_cmpuint (hits->len, ==, 1);
  g_assert_cmpint (tftsr_issue_get_id (hits->pdata[0]), ==, tftsr_issue_get_id (in_description));
  g_clear_pointer (&hits, g_ptr_array_unref);
  hits = search ("\"lag consumer\"");
  g_assert_cmpuint (hits->len, ==, 0);
  g_clear_pointer (&hits, g_ptr_array_unref);
  hits = search ("kafka -broker");
  g_assert_cmpuint (hits->len, ==, 2);
  g_assert_false (contains_id (hits, tftsr_issue_get_id (in_title)));
  g_clear_pointer (&hits, g_ptr_array_unref);
  hits = search ("latency OR backlog");
  g_assert_cmpuint (hits->len, ==, 2);
  g_clear_pointer (&hits, g_ptr_array_unref);

  /* Diacritics are folded. */
  hits = search ("brokér");
  g_assert_cmpuint (hits->len, ==, 1);
}

static void
test_search_snippet (void)
{
  g_autoptr (TftsrIssue) issue = NULL;
  g_autoptr (GPtrArray) hits = NULL;
  g_autofree char *markup = NULL;
  const TftsrRange *ranges;
  guint n = 0;

  purge_all ();
  issue = tftsr_test_create (store, "Payments <degraded> & slow",
                             "Card authorisations time out at the acquirer since the TLS change.");
  hits = search ("acquirer");
  g_assert_cmpuint (hits->len, ==, 1);
  g_assert_nonnull (strstr (tftsr_issue_get_snippet (hits->pdata[0]), "acquirer"));
  ranges = tftsr_issue_get_snippet_highlights (hits->pdata[0], &n);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpmem (tftsr_issue_get_snippet (hits->pdata[0]) + ranges[0].start,
                   ranges[0].end - ranges[0].start, "acquirer", 8);
  g_clear_pointer (&hits, g_ptr_array_unref);

  /* Markup escapes what came from the incident. */
  hits = search ("degraded");
  markup = tftsr_issue_dup_snippet_markup (hits->pdata[0]);
  g_assert_cmpstr (markup, ==, "Payments &lt;<b>degraded</b>&gt; &amp; slow");
}

/* No user input makes a search fail: it is searched as text or matches nothing. */
static void
test_search_hostile_queries (void)
{
  const char *queries[] = {
    "\"",
    "\"\"",
    "\"unbalanced",
    "a\"b",
    "'",
    "(",
    ")",
    "()",
    "*",
    "a*",
    "^",
    "^a",
    "-",
    "--",
    "-a",
    "NOT",
    "AND",
    "OR",
    "OR OR",
    "a OR",
    "OR a",
    "a AND OR b",
    "NEAR(a b)",
    "NEAR(",
    "title:a",
    "title:",
    ":",
    "{title}: x",
    "a + b",
    "\\",
    "\\\"",
    "%",
    "_",
    "'; DROP TABLE x;--",
    "\x01\x02\x03",
    "\xff\xfe",
    "🔥",
    "a\u0301",
    "ǅ",
    "x'00'",
    "\t\n ",
    "a -\"b c\"",
    "-\"unterminated",
    "\"\" \"\" \"\"",
    NULL,
  };
  g_autoptr (TftsrIssue) issue = tftsr_test_create (store, "a b c", "O\"Brien's title: x");

  for (guint i = 0; queries[i] != NULL; i++)
    {
      g_autoptr (TftsrIssueQuery) query = tftsr_issue_query_new ();
      g_autoptr (GError) error = NULL;
      g_autoptr (GPtrArray) hits = NULL;

      query->text = g_strdup (queries[i]);
      hits = tftsr_store_list_issues (store, query, NULL, &error);
      g_assert_no_error (error);
      g_assert_nonnull (hits);
    }
  {
    g_autoptr (GPtrArray) hits = search ("O\"Brien");
    g_assert_true (contains_id (hits, tftsr_issue_get_id (issue)));
  }
}

static void
test_trash (void)
{
  g_autoptr (TftsrIssue) issue = tftsr_test_create (store, "Trash candidate zebra", NULL);
  g_autoptr (TftsrIssueQuery) trash = tftsr_issue_query_new ();
  g_autoptr (GPtrArray) listed = NULL;
  g_autoptr (GPtrArray) events = NULL;
  g_autoptr (GPtrArray) hits = NULL;
  g_autoptr (TftsrIssue) gone = NULL;
  g_autoptr (GError) error = NULL;
  gint64 id = tftsr_issue_get_id (issue);

  g_assert_true (tftsr_store_delete_issue (store, id, &error));
  g_assert_no_error (error);
  gone = tftsr_store_get_issue (store, id, &error);
  g_assert_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  hits = search ("zebra");
  g_assert_cmpuint (hits->len, ==, 0);

  trash->deleted = TRUE;
  listed = list (trash, NULL);
  g_assert_true (contains_id (listed, id));

  /* Deleting twice or restoring a live incident is a clear error. */
  g_assert_false (tftsr_store_delete_issue (store, id, &error));
  g_assert_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (tftsr_store_restore_issue (store, id, &error));
  g_assert_no_error (error);
  g_assert_false (tftsr_store_restore_issue (store, id, &error));
  g_assert_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  events = tftsr_store_list_timeline (store, id, &error);
  g_assert_cmpuint (events->len, ==, 3);
  g_assert_cmpint (tftsr_timeline_event_get_kind (events->pdata[1]), ==, TFTSR_TIMELINE_DELETED);
  g_assert_cmpint (tftsr_timeline_event_get_kind (events->pdata[2]), ==, TFTSR_TIMELINE_RESTORED);

  /* Only trashed incidents can be purged. */
  g_assert_false (tftsr_store_purge_issue (store, id, &error));
  g_assert_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_NOT_FOUND);
}

static void
async_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
has_result (gpointer result)
{
  return *(GAsyncResult **) result != NULL;
}

static void
wait_result (GAsyncResult **result)
{
  tftsr_test_iterate_until (has_result, result);
}

static void
test_async_calls (void)
{
  g_autoptr (TftsrIssue) draft = tftsr_issue_new ("Made in a worker");
  g_autoptr (TftsrIssue) created = NULL;
  g_autoptr (TftsrIssue) fetched = NULL;
  g_autoptr (TftsrIssue) updated = NULL;
  g_autoptr (GPtrArray) events = NULL;
  g_autoptr (GError) error = NULL;
  GAsyncResult *result = NULL;

  tftsr_store_create_issue_async (store, draft, NULL, async_done, &result);
  wait_result (&result);
  created = tftsr_store_create_issue_finish (store, result, &error);
  g_assert_no_error (error);
  g_clear_object (&result);

  tftsr_store_get_issue_async (store, tftsr_issue_get_id (created), NULL, async_done, &result);
  wait_result (&result);
  fetched = tftsr_store_get_issue_finish (store, result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tftsr_issue_get_title (fetched), ==, "Made in a worker");
  g_clear_object (&result);

  tftsr_issue_set_status (fetched, TFTSR_STATUS_CLOSED);
  tftsr_store_update_issue_async (store, fetched, NULL, async_done, &result);
  /* The worker saves a copy: later edits to the object do not leak into it. */
  tftsr_issue_set_title (fetched, "Edited while saving");
  wait_result (&result);
  updated = tftsr_store_update_issue_finish (store, result, &error);
  g_assert_no_error (error);
  g_assert_cmpint (tftsr_issue_get_status (updated), ==, TFTSR_STATUS_CLOSED);
  g_assert_cmpstr (tftsr_issue_get_title (updated), ==, "Made in a worker");
  g_clear_object (&result);

  tftsr_store_list_timeline_async (store, tftsr_issue_get_id (created), NULL, async_done, &result);
  wait_result (&result);
  events = tftsr_store_list_timeline_finish (store, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (events->len, ==, 2);
  g_clear_object (&result);

  tftsr_store_delete_issue_async (store, tftsr_issue_get_id (created), NULL, async_done, &result);
  wait_result (&result);
  g_assert_true (tftsr_store_change_finish (store, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  /* Failures come back through finish. */
  tftsr_store_delete_issue_async (store, tftsr_issue_get_id (created), NULL, async_done, &result);
  wait_result (&result);
  g_assert_false (tftsr_store_change_finish (store, result, &error));
  g_assert_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_NOT_FOUND);
  g_clear_object (&result);
  g_clear_error (&error);

  tftsr_store_restore_issue_async (store, tftsr_issue_get_id (created), NULL, async_done, &result);
  wait_result (&result);
  g_assert_true (tftsr_store_change_finish (store, result, &error));
  g_clear_object (&result);
}

static void
on_items_changed (GListModel *model, guint position, guint removed, guint added, guint *calls)
{
  (*calls)++;
}

static gboolean
loaded (gpointer issues)
{
  return !tftsr_issue_list_get_loading (issues);
}

static void
wait_loaded (TftsrIssueList *issues)
{
  tftsr_test_iterate_until (loaded, issues);
}

static void
test_list_model (void)
{
  g_autoptr (TftsrIssueList) issues = tftsr_issue_list_new (store);
  g_autoptr (TftsrIssueQuery) query = tftsr_issue_query_new ();
  g_autoptr (TftsrIssue) first = NULL;
  guint calls = 0;
  guint position;

  purge_all ();
  for (guint i = 0; i < 150; i++)
    {
      g_autofree char *title = g_strdup_printf ("model item %u", i);
      g_autoptr (TftsrIssue) issue = tftsr_test_create (store, title, NULL);
    }
  g_signal_connect (issues, "items-changed", G_CALLBACK (on_items_changed), &calls);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (issues)) == TFTSR_TYPE_ISSUE);

  tftsr_issue_list_set_query (issues, query);
  g_assert_true (tftsr_issue_list_get_loading (issues));
  wait_loaded (issues);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (issues)), ==, 100);
  g_assert_true (tftsr_issue_list_get_has_more (issues));
  g_assert_cmpuint (calls, ==, 1);

  tftsr_issue_list_load_more (issues);
  wait_loaded (issues);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (issues)), ==, 150);
  g_assert_false (tftsr_issue_list_get_has_more (issues));

  first = g_list_model_get_item (G_LIST_MODEL (issues), 0);
  g_assert_cmpstr (tftsr_issue_get_title (first), ==, "model item 149");
  g_assert_true (tftsr_issue_list_find (issues, tftsr_issue_get_id (first), &position));
  g_assert_cmpuint (position, ==, 0);
  g_assert_true (tftsr_issue_list_remove (issues, tftsr_issue_get_id (first)));
  g_assert_false (tftsr_issue_list_find (issues, tftsr_issue_get_id (first), NULL));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (issues)), ==, 149);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (issues), 149));

  /* A new query supersedes one in flight; only the newest lands. */
  query->text = g_strdup ("\"model item 7\"");
  tftsr_issue_list_set_query (issues, query);
  g_free (query->text);
  query->text = g_strdup ("\"model item 12\"");
  tftsr_issue_list_set_query (issues, query);
  wait_loaded (issues);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (issues)), ==, 1);
  {
    g_autoptr (TftsrIssue) only = g_list_model_get_item (G_LIST_MODEL (issues), 0);
    g_assert_cmpstr (tftsr_issue_get_title (only), ==, "model item 12");
    g_assert_nonnull (tftsr_issue_get_snippet (only));
  }

  tftsr_issue_list_reload (issues);
  wait_loaded (issues);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (issues)), ==, 1);
}

/* After every kind of write, the index still agrees with the incidents it indexes. */
static void
test_index_consistent (void)
{
  g_autoptr (TftsrIssue) issue = tftsr_test_create (store, "Index me", "first words");
  g_autoptr (TftsrIssue) updated = NULL;
  g_autoptr (GPtrArray) hits = NULL;
  g_autoptr (GError) error = NULL;
  const char *tags[] = { "alpha", "beta", NULL };

  tftsr_issue_set_description (issue, "second words");
  tftsr_issue_set_tags (issue, tags);
  updated = tftsr_store_update_issue (store, issue, &error);
  g_assert_no_error (error);
  hits = search ("first");
  g_assert_false (contains_id (hits, tftsr_issue_get_id (issue)));
  g_clear_pointer (&hits, g_ptr_array_unref);
  hits = search ("second beta");
  g_assert_true (contains_id (hits, tftsr_issue_get_id (issue)));
  g_free (tftsr_test_query (store, "INSERT INTO issues_fts (issues_fts, rank) "
                                   "VALUES ('integrity-check', 1)"));
}

static void
test_vocabularies (void)
{
  TftsrSeverity severity;
  TftsrCategory category;
  g_autofree char *names = tftsr_category_list_names ();
  g_auto (GStrv) split = g_strsplit (names, ", ", -1);

  g_assert_true (tftsr_severity_from_string ("Critical", &severity));
  g_assert_cmpint (severity, ==, TFTSR_SEVERITY_CRITICAL);
  g_assert_false (tftsr_severity_from_string ("urgent", NULL));
  g_assert_true (tftsr_category_from_string ("hpe_infra", &category));
  g_assert_cmpint (category, ==, TFTSR_CATEGORY_HPE_INFRA);
  g_assert_cmpstr (tftsr_status_to_string (TFTSR_STATUS_INVESTIGATING), ==, "investigating");
  g_assert_cmpstr (tftsr_severity_get_label (TFTSR_SEVERITY_LOW), ==, "P4 · Low");
  /* The 16 seed domains plus general. */
  g_assert_cmpuint (g_strv_length (split), ==, 17);
  for (const char *const *d =
           (const char *const[]){ "linux", "windows", "network", "kubernetes", "databases",
                                  "virtualization", "hardware", "observability", "telephony",
                                  "security", "public_safety", "application", "automation",
                                  "hpe_infra", "dell_hardware", "identity", "general", NULL };
       *d != NULL; d++)
    g_assert_true (tftsr_category_from_string (*d, NULL));
}

int
main (int argc, char **argv)
{
  int status;

  tftsr_test_init (&argc, &argv);
  store = tftsr_test_new_store ();
  g_test_add_func ("/issues/crud-round-trip", test_crud_round_trip);
  g_test_add_func ("/issues/get-missing", test_get_missing);
  g_test_add_func ("/issues/empty-title-rejected", test_empty_title_rejected);
  g_test_add_func ("/issues/update-and-timeline", test_update_and_timeline);
  g_test_add_func ("/issues/update-missing", test_update_missing);
  g_test_add_func ("/issues/hostile-content", test_hostile_content);
  g_test_add_func ("/issues/filters-and-sorting", test_filters_and_sorting);
  g_test_add_func ("/issues/pagination", test_pagination);
  g_test_add_func ("/issues/search/ranking", test_search_ranking);
  g_test_add_func ("/issues/search/snippet", test_search_snippet);
  g_test_add_func ("/issues/search/hostile-queries", test_search_hostile_queries);
  g_test_add_func ("/issues/trash", test_trash);
  g_test_add_func ("/issues/async-calls", test_async_calls);
  g_test_add_func ("/issues/list-model", test_list_model);
  g_test_add_func ("/issues/vocabularies", test_vocabularies);
  g_test_add_func ("/issues/search/index-consistent", test_index_consistent);
  status = g_test_run ();
  g_clear_object (&store);
  return status;
}
