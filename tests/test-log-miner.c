/* test-log-miner.c: header detection, formats, masking and the template miner
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "tftsr-test-util.h"

/* What a header gives, as text: component and content */
/* 2025-12-31 and 2017-12-31 00:00 UTC, in µs: when the test logs were added. */
#define END_OF_2025 G_GINT64_CONSTANT (1767139200000000)
#define END_OF_2017 G_GINT64_CONSTANT (1514678400000000)

typedef struct
{
  const char *line;
  gint64 time;
  TftsrLogLevel level;
  const char *component;
  const char *content;
} HeaderCase;

static void
check_header (const HeaderCase *c, const TftsrLogHeader *h)
{
  g_autofree char *component =
      g_strndup (c->line + h->component_start, h->component_end - h->component_start);

  g_test_message ("%s", c->line);
  g_assert_cmpint (h->time, ==, c->time);
  g_assert_cmpint (h->level, ==, c->level);
  g_assert_cmpstr (component, ==, c->component);
  g_assert_cmpstr (c->line + h->content_start, ==, c->content);
}

static void
test_header_detect (void)
{
  static const HeaderCase cases[] = {
    /* syslog, with a host before the component and a year-less time */
    { "Jun 14 15:16:01 combo sshd(pam_unix)[19939]: check pass; user unknown", 1749914161000000,
      TFTSR_LOG_LEVEL_NONE, "sshd(pam_unix)", "check pass; user unknown" },
    { "Dec  4 04:47:44 host sshd[24200]: Invalid user admin", 1764823664000000,
      TFTSR_LOG_LEVEL_NONE, "sshd", "Invalid user admin" },
    /* Apache */
    { "[Sun Dec 04 04:47:44 2005] [error] mod_jk child workerEnv in error state 6",
      1133671664000000, TFTSR_LOG_LEVEL_ERROR, "", "mod_jk child workerEnv in error state 6" },
    /* HDFS */
    { "081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 terminating",
      1226262975000000, TFTSR_LOG_LEVEL_INFO, "dfs.DataNode$PacketResponder",
      "PacketResponder 1 terminating" },
    /* ISO 8601 with a comma fraction, a bracketed thread, then the logger */
    { "2015-10-18 18:01:47,978 INFO [main] org.apache.hadoop.MRAppMaster: Created MRAppMaster",
      1445191307978000, TFTSR_LOG_LEVEL_INFO, "org.apache.hadoop.MRAppMaster",
      "Created MRAppMaster" },
    /* Zookeeper: separators and a nested bracket component */
    { "2015-07-29 17:41:44,747 - WARN  [QuorumPeer[myid=1]/0:0:0:0:0:0:0:0:2181:Fast@774] - "
      "Notification time out: 3200",
      1438191704747000, TFTSR_LOG_LEVEL_WARNING, "QuorumPeer[myid=1]/0:0:0:0:0:0:0:0:2181:Fast@774",
      "Notification time out: 3200" },
    /* RFC 3339 with a zone, and with T and Z */
    { "2024-05-01T10:00:00.123456+02:00 ERROR worker: disk full", 1714550400123456,
      TFTSR_LOG_LEVEL_ERROR, "worker", "disk full" },
    { "2024-05-01T10:00:00Z FATAL out of memory", 1714557600000000, TFTSR_LOG_LEVEL_CRITICAL, "",
      "out of memory" },
    /* YYYY/MM/DD, YYYY.MM.DD (date alone) */
    { "2024/05/01 10:00:00 DEBUG cache warm", 1714557600000000, TFTSR_LOG_LEVEL_DEBUG, "",
      "cache warm" },
    { "2024.05.01 NOTICE rotated", 1714521600000000, TFTSR_LOG_LEVEL_INFO, "", "rotated" },
    /* Spark's two-digit year */
    { "17/06/09 20:10:40 INFO spark.SecurityManager: Changing view acls to: yarn", 1497039040000000,
      TFTSR_LOG_LEVEL_INFO, "spark.SecurityManager", "Changing view acls to: yarn" },
    /* BGL: alert flag, epoch seconds, a date, then its own time form */
    { "- 1117838570 2005.06.03 R02-M1-N0 RAS KERNEL INFO cache parity error corrected",
      1117838570000000, TFTSR_LOG_LEVEL_NONE, "",
      "R02-M1-N0 RAS KERNEL INFO cache parity error corrected" },
    { "2005-06-03-15.42.50.675872 R02-M1-N0-C:J12-U11 RAS KERNEL INFO parity", 1117813370675872,
      TFTSR_LOG_LEVEL_NONE, "", "R02-M1-N0-C:J12-U11 RAS KERNEL INFO parity" },
    /* Android: month-day, pid and tid, a one-letter level */
    { "03-17 16:13:38.811  1702  2395 E WindowManager: freezing display", 1489767218811000,
      TFTSR_LOG_LEVEL_ERROR, "WindowManager", "freezing display" },
    /* HealthApp */
    { "20171223-22:15:29:606|Step_LSC|30002312|onStandStepChanged 3579", 1514067329606000,
      TFTSR_LOG_LEVEL_NONE, "Step_LSC", "onStandStepChanged 3579" },
    /* Windows CBS: a comma after the time, a capitalised level */
    { "2016-09-28 04:30:30, Warning                  CBS    Loaded Servicing Stack",
      1475037030000000, TFTSR_LOG_LEVEL_WARNING, "", "CBS    Loaded Servicing Stack" },
    /* Proxifier */
    { "[10.30 16:49:06] chrome.exe - proxy.example.org:5070 open through proxy", 1509382146000000,
      TFTSR_LOG_LEVEL_NONE, "", "chrome.exe - proxy.example.org:5070 open through proxy" },
    /* A source name before the time (OpenStack) */
    { "nova-api.log.1 2017-06-09 20:10:40.000 25746 ERROR nova.compute [req-1] failed",
      1497039040000000, TFTSR_LOG_LEVEL_ERROR, "", "nova.compute [req-1] failed" },
    /* Epoch seconds with a fraction */
    { "1497039040.5 worker started", 1497039040500000, TFTSR_LOG_LEVEL_NONE, "", "worker started" },
    /* A level alone */
    { "WARNING: low disk", 0, TFTSR_LOG_LEVEL_WARNING, "", "low disk" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      TftsrLogHeader h;
      /* Year-less lines are read as added at the end of 2025, Android's and Proxifier's
       * at the end of 2017 */
      gint64 added = strstr (cases[i].line, "16:13:38") || strstr (cases[i].line, "[10.30")
                         ? END_OF_2017
                         : END_OF_2025;

      tftsr_log_header_detect (cases[i].line, strlen (cases[i].line), added, &h);
      check_header (&cases[i], &h);
    }
}

/* A year-less time is given the latest year that does not put it more than a day after
 * the log was added: a December line read in January is last year's. */
static void
test_header_year_less (void)
{
  /* Added 2026-01-05 12:00 UTC */
  const gint64 added = G_GINT64_CONSTANT (1767614400000000);
  static const struct
  {
    const char *line;
    gint64 time;
  } cases[] = {
    { "Dec 10 06:55:46 host sshd[1]: a", 1765349746000000 },    /* 2025-12-10 */
    { "Jan  4 10:00:00 host sshd[1]: a", 1767520800000000 },    /* 2026-01-04 */
    { "Jan  6 11:00:00 host sshd[1]: a", 1767697200000000 },    /* 2026-01-06, within a day */
    { "Jan  7 00:00:00 host sshd[1]: a", 1736208000000000 },    /* 2025-01-07 */
    { "12-31 23:59:59.000  1  2 I Tag: a", 1767225599000000 },  /* Android, 2025-12-31 */
    { "Sun Dec 04 04:47:44 2005 [error] a", 1133671664000000 }, /* its own year */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      TftsrLogHeader h;

      g_test_message ("%s", cases[i].line);
      tftsr_log_header_detect (cases[i].line, strlen (cases[i].line), added, &h);
      g_assert_cmpint (h.time, ==, cases[i].time);
    }
}

static void
test_header_none (void)
{
  static const char *const lines[] = {
    "",
    "   ",
    "just a message with 2024 in it",
    "I think so",
    "[instance: 1] not a header",
    "99999999999999999999",
    "2024-13-45 10:00:00 bad date",
  };

  for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
    {
      TftsrLogHeader h;

      tftsr_log_header_detect (lines[i], strlen (lines[i]), END_OF_2025, &h);
      g_assert_cmpint (h.time, ==, 0);
      g_assert_cmpint (h.level, ==, TFTSR_LOG_LEVEL_NONE);
      g_assert_cmpuint (h.content_start, ==, 0);
      g_assert_cmpuint (h.component_start, ==, h.component_end);
    }
}

/* A line cut anywhere never makes the detector read past its end (with ASan, a heap copy
 * of exactly that length). */
static void
test_header_truncated (void)
{
  static const char line[] =
      "2024-05-01T10:00:00.123456+02:00 [Sun Dec 04 04:47:44 2005] 20171223-22:15:29:606|a|1|x";

  for (gsize n = 0; n <= sizeof line - 1; n++)
    {
      g_autofree char *copy = g_memdup2 (line, n ? n : 1);
      TftsrLogHeader h;

      tftsr_log_header_detect (copy, n, END_OF_2025, &h);
      g_assert_cmpuint (h.content_start, <=, n);
      g_assert_cmpuint (h.component_end, <=, n);
    }
}

static void
test_format (void)
{
  static const char line[] = "Dec 10 06:55:46 LabSZ sshd[24200]: Failed password for root";
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrLogFormat) format =
      tftsr_log_format_new ("<Date> <Day> <Time> <Component> sshd\\[<Pid>\\]: <Content>", &error);
  g_autoptr (TftsrLogFormat) optional = NULL;
  TftsrLogHeader h;

  g_assert_no_error (error);
  g_assert_true (tftsr_log_format_parse (format, line, strlen (line), END_OF_2025, &h));
  g_assert_cmpint (h.time, ==, 1765349746000000); /* 2025-12-10 06:55:46 UTC */
  g_assert_cmpstr (line + h.content_start, ==, "Failed password for root");
  g_assert_cmpuint (h.component_end - h.component_start, ==, 5);
  g_assert_cmpint (strncmp (line + h.component_start, "LabSZ", 5), ==, 0);
  g_assert_false (tftsr_log_format_parse (format, "no header here", 14, END_OF_2025, &h));
  g_assert_cmpuint (h.content_start, ==, 0);

  /* An optional group, a level, a component chosen over a process */
  optional = tftsr_log_format_new (
      "<Date> <Time> <Level> (\\[<Process>\\] )?<Component>: <Content>", &error);
  g_assert_no_error (error);
  {
    static const char with[] = "2015-10-18 18:01:47,978 ERROR [main] org.Foo: boom";
    static const char without[] = "2015-10-18 18:01:47,978 WARN org.Foo: bang";

    g_assert_true (tftsr_log_format_parse (optional, with, strlen (with), END_OF_2025, &h));
    g_assert_cmpint (h.time, ==, 1445191307978000);
    g_assert_cmpint (h.level, ==, TFTSR_LOG_LEVEL_ERROR);
    g_assert_cmpstr (with + h.content_start, ==, "boom");
    g_assert_cmpint (strncmp (with + h.component_start, "org.Foo:", 8), ==, 0);
    g_assert_cmpuint (h.component_end - h.component_start, ==, 7);
    g_assert_true (tftsr_log_format_parse (optional, without, strlen (without), END_OF_2025, &h));
    g_assert_cmpint (h.level, ==, TFTSR_LOG_LEVEL_WARNING);
    g_assert_cmpstr (without + h.content_start, ==, "bang");
  }

  /* Formats that cannot be used */
  g_assert_null (tftsr_log_format_new ("<Date> <Time>", &error));
  g_assert_error (error, TFTSR_LOG_MINER_ERROR, TFTSR_LOG_MINER_ERROR_FORMAT);
  g_clear_error (&error);
  g_assert_null (tftsr_log_format_new ("(<Date> <Content>", &error));
  g_assert_error (error, TFTSR_LOG_MINER_ERROR, TFTSR_LOG_MINER_ERROR_FORMAT);
  g_clear_error (&error);
  g_assert_null (tftsr_log_format_new ("<Date>) <Content>", &error));
  g_assert_error (error, TFTSR_LOG_MINER_ERROR, TFTSR_LOG_MINER_ERROR_FORMAT);
}

static char *
mask (TftsrLogMiner *miner, const char *line, const TftsrLogMask *pii, guint n_pii)
{
  return tftsr_log_miner_mask (miner, line, strlen (line), pii, n_pii, NULL);
}

static void
test_mask (void)
{
  static const struct
  {
    const char *line;
    const char *masked;
  } cases[] = {
    { "took 150 ms, retry 3 of 5.", "took <*> ms, retry <*> of <*>." },
    { "pointer 0x7fed806eb5d freed", "pointer <*> freed" },
    { "from 173.234.31.186 port 22 ssh2", "from <*> port <*> ssh2" },
    { "blockMap updated: 10.251.73.220:50010 is added", "blockMap updated: <*> is added" },
    { "peer [fe80::1ff:fe23:4567:890a] and 2001:db8::1 down", "peer [<*>] and <*> down" },
    { "req 38101a0b-2096-447d-96ea-a692162415ae done", "req <*> done" },
    { "open /var/log/app/error.log failed", "open <*> failed" },
    { "GET https://example.org/a?b=1 ok", "GET <*> ok" },
    { "lease 00:1a:2b:3c:4d:5e and aa-bb-cc-dd-ee-ff", "lease <*> and <*>" },
    { "uid=0 euid=0 tty=ssh user=root", "uid=<*> euid=<*> tty=ssh user=root" },
    { "node node-246 block blk_-6952295868487656571", "node node-<*> block <*>" },
    { "host dn228 via alt0 (TID 1234).", "host <*> via alt0 (TID <*>)." },
    { "Event@1a2b3c4d, size:67108864", "Event@<*>, size:<*>" },
    { "  spaced\tout   words  ", "spaced out words" },
  };
  g_autoptr (TftsrLogMiner) miner = tftsr_log_miner_new (0);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *masked = mask (miner, cases[i].line, NULL, 0);

      g_assert_cmpstr (masked, ==, cases[i].masked);
    }
}

/* A PII span masks the tokens it touches, and its value is in no template, even when every
 * line carries the same value (so Drain alone would keep it as a constant). */
static void
test_mask_pii (void)
{
  g_autoptr (TftsrLogMiner) miner = tftsr_log_miner_new (0);
  g_autoptr (GPtrArray) templates = NULL;
  static const char line[] = "login ok for alice.smith@example.org from office";
  TftsrLogMask pii = { 13, 36 };
  g_autofree char *masked = mask (miner, line, &pii, 1);

  g_assert_cmpstr (masked, ==, "login ok for <*> from office");
  for (guint i = 0; i < 5; i++)
    tftsr_log_miner_add (miner, line, strlen (line), i * 100, &pii, 1, NULL);
  templates = tftsr_log_miner_dup_templates (miner);
  g_assert_cmpuint (templates->len, ==, 1);
  for (guint i = 0; i < templates->len; i++)
    {
      const TftsrLogTemplate *t = g_ptr_array_index (templates, i);

      g_assert_null (strstr (t->text, "alice"));
      g_assert_null (strstr (t->text, "example.org"));
    }
}

static void
test_templates (void)
{
  static const char *const lines[] = {
    "2024-05-01 10:00:00 INFO db: connection to db-7 opened in 12 ms",
    "2024-05-01 10:00:01 INFO db: connection to db-2 opened in 3 ms",
    "2024-05-01 10:00:02 ERROR db: connection to primary lost",
    "2024-05-01 10:00:03 ERROR db: connection to replica lost",
    "2024-05-01 10:00:04 INFO db: connection to primary lost",
    "2024-05-01 10:00:06 INFO db: connection to db-9 opened in 7 ms",
  };
  g_autoptr (TftsrLogMiner) miner = tftsr_log_miner_new (0);
  guint32 ids[G_N_ELEMENTS (lines)];
  const TftsrLogTemplate *t;
  guint64 offset = 0;

  for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
    {
      ids[i] = tftsr_log_miner_add (miner, lines[i], strlen (lines[i]), offset, NULL, 0, NULL);
      offset += strlen (lines[i]) + 1;
    }
  g_assert_cmpuint (tftsr_log_miner_get_lines (miner), ==, 6);
  g_assert_cmpuint (ids[0], ==, ids[1]);
  g_assert_cmpuint (ids[0], ==, ids[5]);
  g_assert_cmpuint (ids[2], ==, ids[4]);
  /* One word that takes two values is part of the message, as in "VM Started"/"VM Stopped" */
  g_assert_cmpuint (ids[2], !=, ids[3]);
  g_assert_cmpuint (ids[0], !=, ids[2]);

  t = tftsr_log_miner_get_template (miner, ids[0]);
  g_assert_cmpuint (t->id, ==, ids[0]);
  g_assert_cmpstr (t->text, ==, "connection to db-<*> opened in <*> ms");
  g_assert_cmpuint (t->count, ==, 3);
  g_assert_cmpint (t->level, ==, TFTSR_LOG_LEVEL_INFO);
  g_assert_cmpuint (t->first_line, ==, 1);
  g_assert_cmpuint (t->last_line, ==, 6);
  g_assert_cmpuint (t->first_offset, ==, 0);
  g_assert_cmpuint (t->last_offset, ==, offset - strlen (lines[5]) - 1);
  g_assert_cmpint (t->first_time, ==, 1714557600000000);
  g_assert_cmpint (t->last_time, ==, 1714557606000000);
  g_assert_cmpuint (t->n_samples, ==, 3);
  g_assert_cmpstr (t->samples[0], ==, lines[0]);
  g_assert_cmpstr (t->samples[2], ==, lines[5]);

  /* The most severe level seen */
  t = tftsr_log_miner_get_template (miner, ids[4]);
  g_assert_cmpstr (t->text, ==, "connection to primary lost");
  g_assert_cmpint (t->level, ==, TFTSR_LOG_LEVEL_ERROR);
  g_assert_cmpuint (t->n_samples, ==, 2);

  {
    g_autoptr (GPtrArray) all = tftsr_log_miner_dup_templates (miner);

    g_assert_cmpuint (all->len, ==, 3);
    for (guint i = 1; i < all->len; i++)
      g_assert_cmpuint (((TftsrLogTemplate *) all->pdata[i - 1])->id, <,
                        ((TftsrLogTemplate *) all->pdata[i])->id);
  }
  g_assert_null (tftsr_log_miner_get_template (miner, 999));
}

/* A word that takes many values (a user name) is a parameter: the templates made for its
 * first values merge, and their ids lead to the merged one. */
static void
test_templates_merge (void)
{
  static const char *const users[] = { "alice", "bob", "carol", "dave", "erin", "frank" };
  g_autoptr (TftsrLogMiner) miner = tftsr_log_miner_new (0);
  guint32 ids[G_N_ELEMENTS (users)];
  const TftsrLogTemplate *t;

  for (guint i = 0; i < G_N_ELEMENTS (users); i++)
    {
      g_autofree char *line = g_strdup_printf ("%s user %s logged in from [10.0.0.%u]",
                                               i == 1 ? "WARN" : "INFO", users[i], i);

      ids[i] = tftsr_log_miner_add (miner, line, strlen (line), i, NULL, 0, NULL);
    }
  g_assert_cmpuint (ids[0], !=, ids[1]);
  t = tftsr_log_miner_get_template (miner, ids[G_N_ELEMENTS (users) - 1]);
  g_assert_cmpstr (t->text, ==, "user <*> logged in from [<*>]");
  g_assert_cmpuint (t->count, ==, G_N_ELEMENTS (users));
  g_assert_cmpint (t->level, ==, TFTSR_LOG_LEVEL_WARNING);
  g_assert_cmpuint (t->first_line, ==, 1);
  g_assert_cmpuint (t->last_line, ==, G_N_ELEMENTS (users));
  g_assert_cmpuint (t->n_samples, ==, 3);
  for (guint i = 0; i < G_N_ELEMENTS (users); i++)
    g_assert_true (tftsr_log_miner_get_template (miner, ids[i]) == t);
  {
    g_autoptr (GPtrArray) all = tftsr_log_miner_dup_templates (miner);

    g_assert_cmpuint (all->len, ==, 1);
  }
}

static void
test_template_matches (void)
{
  g_autoptr (TftsrLogMiner) miner = tftsr_log_miner_new (0);
  g_autofree char *masked =
      mask (miner, "2024-05-01 10:00:00 INFO connection to db-7 lost", NULL, 0);

  g_assert_true (tftsr_log_template_matches ("connection to db-<*> lost", masked));
  g_assert_true (tftsr_log_template_matches ("connection <*> <*> lost", masked));
  g_assert_false (tftsr_log_template_matches ("connection to db-<*>", masked));
  g_assert_false (tftsr_log_template_matches ("connection to db-<*> lost again", masked));
  g_assert_false (tftsr_log_template_matches ("connection from db-<*> lost", masked));
  g_assert_true (tftsr_log_template_matches ("connection to db-<*> <*>", masked));
  g_assert_true (tftsr_log_template_matches ("[<*>] ok user=<*>", "[main] ok user=root"));
  g_assert_false (tftsr_log_template_matches ("[<*>] ok user=<*>", "main ok user=root"));
  g_assert_false (tftsr_log_template_matches ("[<*>] ok user=<*>", "[main] ok uid=0"));
  g_assert_true (tftsr_log_template_matches ("", ""));
  g_assert_false (tftsr_log_template_matches ("<*>", ""));
}

static void
test_lru (void)
{
  g_autoptr (TftsrLogMiner) miner = tftsr_log_miner_new (2);
  static const char a[] = "alpha happened", b[] = "beta is here now", c[] = "gamma";
  guint32 ida, idb, idc, ida2;

  ida = tftsr_log_miner_add (miner, a, strlen (a), 0, NULL, 0, NULL);
  tftsr_log_miner_add (miner, a, strlen (a), 1, NULL, 0, NULL);
  idb = tftsr_log_miner_add (miner, b, strlen (b), 2, NULL, 0, NULL);
  /* a is used again, so b is now the least recently used */
  tftsr_log_miner_add (miner, a, strlen (a), 3, NULL, 0, NULL);
  idc = tftsr_log_miner_add (miner, c, strlen (c), 4, NULL, 0, NULL);
  g_assert_cmpuint (tftsr_log_miner_get_evicted_lines (miner), ==, 1);
  g_assert_null (tftsr_log_miner_get_template (miner, idb));
  g_assert_nonnull (tftsr_log_miner_get_template (miner, ida));
  g_assert_cmpuint (tftsr_log_miner_get_template (miner, ida)->count, ==, 3);

  /* b comes back with a new id; a (older than c) goes with its three lines */
  {
    guint32 idb2 = tftsr_log_miner_add (miner, b, strlen (b), 5, NULL, 0, NULL);

    g_assert_cmpuint (idb2, !=, idb);
    g_assert_cmpuint (idb2, >, idc);
  }
  g_assert_null (tftsr_log_miner_get_template (miner, ida));
  g_assert_cmpuint (tftsr_log_miner_get_evicted_lines (miner), ==, 4);
  ida2 = tftsr_log_miner_add (miner, a, strlen (a), 6, NULL, 0, NULL);
  g_assert_cmpuint (ida2, !=, ida);
  g_assert_cmpuint (tftsr_log_miner_get_template (miner, ida2)->count, ==, 1);
  g_assert_cmpuint (tftsr_log_miner_get_lines (miner), ==, 7);
  {
    g_autoptr (GPtrArray) all = tftsr_log_miner_dup_templates (miner);

    g_assert_cmpuint (all->len, ==, 2);
  }
}

static void
test_continuation (void)
{
  static const char *const lines[] = {
    "2024-05-01 10:00:00 ERROR worker: unhandled exception",
    "java.lang.IllegalStateException: closed",
    "\tat org.example.Pool.get(Pool.java:42)",
    "2024-05-01 10:00:05 INFO worker: restarted",
  };
  g_autoptr (TftsrLogMiner) miner = tftsr_log_miner_new (0);
  TftsrLogHeader h;
  guint32 id;

  tftsr_log_miner_add (miner, lines[0], strlen (lines[0]), 0, NULL, 0, &h);
  g_assert_cmpint (h.time, ==, 1714557600000000);
  id = tftsr_log_miner_add (miner, lines[2], strlen (lines[2]), 1, NULL, 0, &h);
  g_assert_cmpint (h.time, ==, 1714557600000000);
  g_assert_cmpuint (h.content_start, ==, 0);
  g_assert_cmpint (tftsr_log_miner_get_template (miner, id)->first_time, ==, 1714557600000000);
  tftsr_log_miner_add (miner, lines[3], strlen (lines[3]), 2, NULL, 0, &h);
  g_assert_cmpint (h.time, ==, 1714557605000000);
}

static void
test_levels (void)
{
  for (TftsrLogLevel l = TFTSR_LOG_LEVEL_NONE; l <= TFTSR_LOG_LEVEL_CRITICAL; l++)
    g_assert_cmpint (tftsr_log_level_from_string (tftsr_log_level_to_string (l)), ==, l);
  g_assert_cmpstr (tftsr_log_level_to_string (TFTSR_LOG_LEVEL_WARNING), ==, "warning");
  g_assert_cmpint (tftsr_log_level_from_string ("bogus"), ==, TFTSR_LOG_LEVEL_NONE);
  g_assert_cmpint (tftsr_log_level_from_string (NULL), ==, TFTSR_LOG_LEVEL_NONE);
}

/* A real log when the shared Loghub samples are there (../shared/data/loghub, beside the
 * source tree): OpenSSH's 2,000 lines come to its true 26 templates or close, user names and
 * addresses as <*>. */
static void
test_loghub_openssh (void)
{
  g_autofree char *path = g_build_filename (TFTSR_SOURCE_DIR, "..", "shared", "data", "loghub",
                                            "OpenSSH", "OpenSSH_2k.log", NULL);
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrLogFormat) format =
      tftsr_log_format_new ("<Date> <Day> <Time> <Component> sshd\\[<Pid>\\]: <Content>", &error);
  g_autoptr (TftsrLogMiner) miner = tftsr_log_miner_new (0);
  g_autoptr (GPtrArray) templates = NULL;
  g_auto (GStrv) lines = NULL;
  gboolean invalid_user = FALSE;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    {
      g_test_skip ("The Loghub samples (../shared/data/loghub) are not there");
      return;
    }
  g_assert_no_error (error);
  tftsr_log_miner_set_format (miner, format);
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (lines[i][0] != '\0')
      tftsr_log_miner_add (miner, lines[i], strlen (lines[i]), 0, NULL, 0, NULL);
  g_assert_cmpuint (tftsr_log_miner_get_lines (miner), ==, 2000);
  templates = tftsr_log_miner_dup_templates (miner);
  g_assert_cmpuint (templates->len, >=, 20);
  g_assert_cmpuint (templates->len, <=, 32);
  for (guint i = 0; i < templates->len; i++)
    {
      const TftsrLogTemplate *t = templates->pdata[i];

      if (g_str_equal (t->text, "Invalid user <*> from <*>"))
        {
          invalid_user = TRUE;
          g_assert_cmpuint (t->count, ==, 113);
        }
    }
  g_assert_true (invalid_user);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/log-miner/header/detect", test_header_detect);
  g_test_add_func ("/log-miner/header/year-less", test_header_year_less);
  g_test_add_func ("/log-miner/header/none", test_header_none);
  g_test_add_func ("/log-miner/header/truncated", test_header_truncated);
  g_test_add_func ("/log-miner/format", test_format);
  g_test_add_func ("/log-miner/mask", test_mask);
  g_test_add_func ("/log-miner/mask-pii", test_mask_pii);
  g_test_add_func ("/log-miner/templates", test_templates);
  g_test_add_func ("/log-miner/templates-merge", test_templates_merge);
  g_test_add_func ("/log-miner/template-matches", test_template_matches);
  g_test_add_func ("/log-miner/lru", test_lru);
  g_test_add_func ("/log-miner/continuation", test_continuation);
  g_test_add_func ("/log-miner/levels", test_levels);
  g_test_add_func ("/log-miner/loghub-openssh", test_loghub_openssh);
  return g_test_run ();
}
