/* bench-pii.c: the PII scanner on a ≥ 100 MB log against ripgrep and pcre2grep.
 *
 * Builds the log from Loghub lines (../shared/data/loghub, else generated lines) with
 * values of every type injected into about one line in 40 and near-miss decoys into as
 * many (Luhn-invalid cards, IBANs with a bad checksum, SSNs with area 000/666/9xx, dotted
 * quads with an octet over 255, the AWS documentation key). Then, in one run:
 *   - tftsr-cli pii scan --json FILE           (throughput, peak RSS, recall, decoys hit)
 *   - rg -o -b -f <(tftsr-cli pii patterns)    (same regexes, offsets)
 *   - pcre2grep --file-offsets -f …            (same regexes)
 * and the ingest of the same log (tftsr-cli log add: hash, chunk, compress, scan, encrypt,
 * store) against gzip -6 of it, and the digest of the stored log for analysis against the
 * scan's time.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <tftsr.h>

static int target_mb = 100;
static char *cli_path;
static char *loghub_dir;

typedef struct
{
  guint64 start;
  guint64 end;
  TftsrPiiType type; /* TFTSR_PII_N_TYPES for a decoy */
} Planted;

static GRand *rng;

static char
pick (const char *alphabet)
{
  return alphabet[g_rand_int_range (rng, 0, strlen (alphabet))];
}

static void
append_random (GString *s, const char *alphabet, guint n)
{
  for (guint i = 0; i < n; i++)
    g_string_append_c (s, pick (alphabet));
}

#define ALNUM "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
#define UPPER_DIGITS "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
#define HEXDIGITS "0123456789abcdef"
#define B64 ALNUM "+/"

static int
luhn_check_digit (const char *digits)
{
  int sum = 0, n = strlen (digits);

  for (int i = n - 1, k = 0; i >= 0; i--, k++)
    {
      int d = digits[i] - '0';
      if (k % 2 == 0)
        d = d * 2 > 9 ? d * 2 - 9 : d * 2;
      sum += d;
    }
  return (10 - sum % 10) % 10;
}

/* A Visa number, sometimes in groups of four. */
static void
append_card (GString *out, gboolean valid)
{
  g_autoptr (GString) s = g_string_new ("4");
  int check;

  append_random (s, "0123456789", 14);
  check = luhn_check_digit (s->str);
  g_string_append_c (s, '0' + (valid ? check : (check + 1) % 10));
  if (g_rand_boolean (rng))
    {
      g_string_insert_c (s, 12, ' ');
      g_string_insert_c (s, 8, ' ');
      g_string_insert_c (s, 4, ' ');
    }
  g_string_append (out, s->str);
}

/* A German IBAN with right or wrong check digits. */
static void
append_iban (GString *out, gboolean valid)
{
  char bban[19];
  guint remainder = 0;
  g_autofree char *rearranged = NULL;

  for (int i = 0; i < 18; i++)
    bban[i] = '0' + g_rand_int_range (rng, 0, 10);
  bban[18] = '\0';
  /* Check digits: 98 - (BBAN + "DE00" as digits) mod 97. */
  rearranged = g_strconcat (bban, "131400", NULL);
  for (const char *p = rearranged; *p; p++)
    remainder = (remainder * 10 + (*p - '0')) % 97;
  g_string_append_printf (out, "DE%02u%s", valid ? 98 - remainder : (98 - remainder + 1) % 97 + 1,
                          bban);
}

static char *
base64url (const char *text)
{
  g_autofree char *b = g_base64_encode ((const guint8 *) text, strlen (text));
  g_strdelimit (b, "+", '-');
  g_strdelimit (b, "/", '_');
  g_strdelimit (b, "=", '\0');
  return g_strdup (b);
}

/* One planted value: the text around it and the value, for @type. */
static void
plant (GString *out, GArray *planted, int type)
{
  g_autoptr (GString) v = g_string_new (NULL);
  const char *before = " ", *after = " ";
  Planted p;

  switch (type)
    {
    case TFTSR_PII_EMAIL:
      g_string_printf (v, "user%u.ops@acme-%u.io", g_rand_int_range (rng, 1, 9999),
                       g_rand_int_range (rng, 1, 99));
      before = " mail to ";
      break;
    case TFTSR_PII_IPV4:
      g_string_printf (v, "%d.%d.%d.%d", g_rand_int_range (rng, 11, 126),
                       g_rand_int_range (rng, 0, 256), g_rand_int_range (rng, 0, 256),
                       g_rand_int_range (rng, 1, 255));
      before = " client ";
      break;
    case TFTSR_PII_IPV6:
      g_string_printf (v, "2a0%d:%x:%x::%x", g_rand_int_range (rng, 1, 9),
                       g_rand_int_range (rng, 1, 65535), g_rand_int_range (rng, 1, 65535),
                       g_rand_int_range (rng, 1, 65535));
      before = " peer ";
      break;
    case TFTSR_PII_MAC:
      for (int i = 0; i < 6; i++)
        g_string_append_printf (v, "%s%02x", i ? ":" : "", g_rand_int_range (rng, 1, 255));
      before = " hwaddr ";
      break;
    case TFTSR_PII_PHONE:
      g_string_printf (v, "+1 %d-%d-%04d", g_rand_int_range (rng, 201, 999),
                       g_rand_int_range (rng, 201, 999), g_rand_int_range (rng, 0, 10000));
      before = " callback ";
      break;
    case TFTSR_PII_CREDIT_CARD:
      append_card (v, TRUE);
      before = " card ";
      break;
    case TFTSR_PII_SSN:
      g_string_printf (v, "%03d-%02d-%04d", g_rand_int_range (rng, 1, 666),
                       g_rand_int_range (rng, 1, 100), g_rand_int_range (rng, 1, 10000));
      before = " ssn ";
      break;
    case TFTSR_PII_IBAN:
      append_iban (v, TRUE);
      before = " iban ";
      break;
    case TFTSR_PII_HOSTNAME:
      g_string_printf (v, "db%02d.prod.corp", g_rand_int_range (rng, 1, 99));
      before = " host ";
      break;
    case TFTSR_PII_USERNAME:
      g_string_printf (v, "user%u", g_rand_int_range (rng, 1, 9999));
      before = " open /home/";
      after = "/app.conf ";
      break;
    case TFTSR_PII_URL_CREDENTIALS:
      g_string_printf (v, "svc%u:", g_rand_int_range (rng, 1, 999));
      append_random (v, ALNUM, 12);
      before = " fetch https://";
      after = "@repo.acme.io/x ";
      break;
    case TFTSR_PII_BEARER_TOKEN:
      append_random (v, ALNUM, 32);
      before = " Authorization: Bearer ";
      break;
    case TFTSR_PII_BASIC_AUTH:
      {
        g_autofree char *cred =
            g_strdup_printf ("user%u:pw%u", g_rand_int (rng) % 999, g_rand_int (rng));
        g_autofree char *b = g_base64_encode ((const guint8 *) cred, strlen (cred));
        g_string_assign (v, b);
        before = " Authorization: Basic ";
        break;
      }
    case TFTSR_PII_API_KEY:
      append_random (v, HEXDIGITS, 24);
      before = " api_key=";
      break;
    case TFTSR_PII_PASSWORD:
      append_random (v, ALNUM, 12);
      before = " password=";
      break;
    case TFTSR_PII_JWT:
      {
        g_autofree char *h = base64url ("{\"alg\":\"HS256\",\"typ\":\"JWT\"}");
        g_autofree char *p2 = base64url ("{\"sub\":\"1234567890\",\"name\":\"A\"}");
        g_string_printf (v, "%s.%s.", h, p2);
        append_random (v, ALNUM, 43);
        before = " jwt ";
        break;
      }
    case TFTSR_PII_AWS_ACCESS_KEY:
      g_string_assign (v, "AKIA");
      append_random (v, UPPER_DIGITS, 16);
      before = " key ";
      break;
    case TFTSR_PII_AWS_SECRET_KEY:
      append_random (v, B64, 40);
      before = " aws_secret_access_key=";
      break;
    case TFTSR_PII_GITHUB_TOKEN:
      g_string_assign (v, "ghp_");
      append_random (v, ALNUM, 36);
      before = " token ";
      break;
    case TFTSR_PII_SLACK_TOKEN:
      g_string_printf (v, "xoxb-%u-%u-", g_rand_int (rng), g_rand_int (rng));
      append_random (v, ALNUM, 24);
      before = " slack ";
      break;
    case TFTSR_PII_STRIPE_KEY:
      g_string_assign (v, "sk_live_");
      append_random (v, ALNUM, 24);
      before = " stripe ";
      break;
    case TFTSR_PII_GOOGLE_API_KEY:
      g_string_assign (v, "AIza");
      append_random (v, ALNUM "_-", 35);
      before = " maps ";
      break;
    case TFTSR_PII_PRIVATE_KEY:
      g_string_assign (v, "-----BEGIN RSA PRIVATE KEY-----\n");
      for (int l = 0; l < 8; l++)
        {
          append_random (v, B64, 64);
          g_string_append_c (v, '\n');
        }
      g_string_append (v, "-----END RSA PRIVATE KEY-----");
      before = "\n";
      after = "\n";
      break;
    default: /* decoys */
      switch (g_rand_int_range (rng, 0, 5))
        {
        case 0:
          append_card (v, FALSE);
          before = " card ";
          break;
        case 1:
          append_iban (v, FALSE);
          before = " iban ";
          break;
        case 2:
          g_string_printf (v, "%s-%02d-%04d",
                           (const char *[]){ "000", "666", "912" }[g_rand_int_range (rng, 0, 3)],
                           g_rand_int_range (rng, 1, 100), g_rand_int_range (rng, 1, 10000));
          before = " ssn ";
          break;
        case 3:
          g_string_printf (v, "10.%d.%d.%d", g_rand_int_range (rng, 256, 999),
                           g_rand_int_range (rng, 0, 256), g_rand_int_range (rng, 0, 256));
          before = " addr ";
          break;
        default:
          g_string_assign (v, "AKIAIOSFODNN7EXAMPLE");
          before = " example key ";
          break;
        }
      break;
    }
  g_string_append (out, before);
  p.start = out->len;
  g_string_append (out, v->str);
  p.end = out->len;
  p.type = type;
  g_array_append_val (planted, p);
  g_string_append (out, after);
}

static GPtrArray *
load_lines (void)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GDir) dir = loghub_dir != NULL ? g_dir_open (loghub_dir, 0, NULL) : NULL;
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *file = g_strdup_printf ("%s/%s/%s_2k.log", loghub_dir, name, name);
      g_autofree char *contents = NULL;
      g_auto (GStrv) split = NULL;

      if (!g_file_get_contents (file, &contents, NULL, NULL))
        continue;
      split = g_strsplit (contents, "\n", -1);
      for (guint i = 0; split[i] != NULL; i++)
        if (*split[i] != '\0')
          g_ptr_array_add (lines, g_strdup (split[i]));
    }
  if (lines->len == 0)
    {
      for (guint i = 0; i < 20000; i++)
        g_ptr_array_add (lines, g_strdup_printf ("2026-11-22 02:%02u:%02u,%03u INFO [worker-%u] "
                                                 "org.acme.Service: request %u done in %u ms",
                                                 i % 60, i % 59, i % 1000, i % 16, i, i % 700));
      g_print ("(no Loghub data found: using generated lines)\n");
    }
  return lines;
}

static GArray *
build_log (const char *path)
{
  g_autoptr (GPtrArray) lines = load_lines ();
  g_autoptr (GString) out = g_string_sized_new (target_mb * 1024 * 1024 + 4096);
  GArray *planted = g_array_new (FALSE, FALSE, sizeof (Planted));
  guint64 n = 0;

  while (out->len < (gsize) target_mb * 1024 * 1024)
    {
      g_string_append (out, g_ptr_array_index (lines, g_rand_int_range (rng, 0, lines->len)));
      if (n % 40 == 7)
        plant (out, planted, n / 40 % TFTSR_PII_N_TYPES);
      else if (n % 40 == 27)
        plant (out, planted, TFTSR_PII_N_TYPES);
      g_string_append_c (out, '\n');
      n++;
    }
  if (!g_file_set_contents (path, out->str, out->len, NULL))
    g_error ("cannot write %s", path);
  return planted;
}

typedef struct
{
  double seconds;
  long max_rss_kb;
  int status;
} Run;

/* Runs a shell command, standard output to @out_path, and measures it. */
static Run
run_measured (const char *command, const char *out_path)
{
  Run r = { 0, 0, -1 };
  gint64 start = g_get_monotonic_time ();
  struct rusage usage;
  int status = 0;
  pid_t pid = fork ();

  if (pid == 0)
    {
      if (freopen (out_path, "w", stdout) == NULL)
        _exit (127);
      execl ("/bin/sh", "sh", "-c", command, (char *) NULL);
      _exit (127);
    }
  if (wait4 (pid, &status, 0, &usage) < 0)
    return r;
  r.seconds = (g_get_monotonic_time () - start) / 1e6;
  r.max_rss_kb = usage.ru_maxrss;
  r.status = WIFEXITED (status) ? WEXITSTATUS (status) : -1;
  return r;
}

static int
compare_planted (gconstpointer a, gconstpointer b)
{
  const Planted *x = a, *y = b;
  return (x->start > y->start) - (x->start < y->start);
}

/* Recall per type and decoys hit, from the scan's JSON Lines. */
static void
score (const char *jsonl, GArray *planted)
{
  FILE *f = fopen (jsonl, "r");
  char line[65536];
  guint found[TFTSR_PII_N_TYPES + 1] = { 0 }, total[TFTSR_PII_N_TYPES + 1] = { 0 };
  guint k = 0, reported = 0;
  guint missed_total = 0, planted_total = 0;

  g_array_sort (planted, compare_planted);
  for (guint i = 0; i < planted->len; i++)
    total[g_array_index (planted, Planted, i).type]++;
  while (f != NULL && fgets (line, sizeof line, f) != NULL)
    {
      json_object *span = json_tokener_parse (line);
      guint64 start = json_object_get_int64 (json_object_object_get (span, "start"));
      guint64 end = json_object_get_int64 (json_object_object_get (span, "end"));
      TftsrPiiType type = TFTSR_PII_N_TYPES;

      tftsr_pii_type_from_string (json_object_get_string (json_object_object_get (span, "type")),
                                  &type);
      json_object_put (span);
      reported++;
      while (k < planted->len && g_array_index (planted, Planted, k).end <= start)
        k++;
      for (guint j = k; j < planted->len && g_array_index (planted, Planted, j).start < end; j++)
        {
          Planted *p = &g_array_index (planted, Planted, j);
          if (p->type == TFTSR_PII_N_TYPES || p->type == type)
            {
              found[p->type]++;
              p->type += 100; /* counted */
            }
        }
    }
  if (f != NULL)
    fclose (f);

  g_print ("\nrecall per type (planted values found with their type)\n");
  for (guint t = 0; t < TFTSR_PII_N_TYPES; t++)
    {
      g_print ("  %-16s %6u / %-6u %6.2f%%\n", tftsr_pii_type_to_string (t), found[t], total[t],
               total[t] ? 100.0 * found[t] / total[t] : 0);
      planted_total += total[t];
      missed_total += total[t] - found[t];
    }
  g_print ("  all types        recall %.4f (goal >= 0.98)\n",
           1.0 - (double) missed_total / planted_total);
  g_print ("  decoys flagged   %u / %u = %.2f%% (goal <= 1%%)\n", found[TFTSR_PII_N_TYPES],
           total[TFTSR_PII_N_TYPES], 100.0 * found[TFTSR_PII_N_TYPES] / total[TFTSR_PII_N_TYPES]);
  g_print ("  spans reported   %u (the Loghub text has its own addresses and hosts)\n", reported);
}

int
main (int argc, char **argv)
{
  GOptionEntry entries[] = {
    { "size", 0, 0, G_OPTION_ARG_INT, &target_mb, "Log size in MiB (100)", "MB" },
    { "cli", 0, 0, G_OPTION_ARG_FILENAME, &cli_path, "tftsr-cli to run", "PATH" },
    { "loghub", 0, 0, G_OPTION_ARG_FILENAME, &loghub_dir, "Loghub folder", "DIR" },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("- benchmark the PII scanner");
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("tftsr-bench-pii-XXXXXX", NULL);
  g_autofree char *log = g_build_filename (dir, "bench.log", NULL);
  g_autofree char *patterns = g_build_filename (dir, "patterns.txt", NULL);
  g_autofree char *jsonl = g_build_filename (dir, "scan.jsonl", NULL);
  g_autoptr (GArray) planted = NULL;
  struct
  {
    const char *name;
    char *command;
    Run run;
  } tools[3];
  double mb;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || cli_path == NULL)
    {
      g_printerr ("%s\n", error != NULL ? error->message : "--cli is required");
      return 2;
    }
  rng = g_rand_new_with_seed (2026);
  planted = build_log (log);
  mb = (double) target_mb;
  {
    g_autofree char *cmd = g_strdup_printf ("'%s' pii patterns", cli_path);
    Run r = run_measured (cmd, patterns);
    if (r.status != 0)
      g_error ("tftsr-cli pii patterns failed");
  }
  g_print ("PII scan benchmark: %d MiB log, %u planted values and decoys\n\n", target_mb,
           planted->len);

  tools[0].name = "tftsr-cli pii scan --json";
  tools[0].command = g_strdup_printf ("'%s' pii scan --json '%s'", cli_path, log);
  tools[1].name = "rg -o -b -f patterns";
  tools[1].command = g_strdup_printf ("rg -o -b -f '%s' '%s'", patterns, log);
  tools[2].name = "pcre2grep --file-offsets";
  tools[2].command = g_strdup_printf ("pcre2grep --file-offsets -f '%s' '%s'", patterns, log);
  for (guint i = 0; i < G_N_ELEMENTS (tools); i++)
    {
      tools[i].run = run_measured (tools[i].command, i == 0 ? jsonl : "/dev/null");
      g_print ("  %-30s %7.2f s  %7.1f MiB/s  peak RSS %6.1f MiB%s\n", tools[i].name,
               tools[i].run.seconds, mb / tools[i].run.seconds, tools[i].run.max_rss_kb / 1024.0,
               tools[i].run.status == 0 || tools[i].run.status == 1 ? "" : "  (failed)");
    }
  g_print ("  throughput ratio tftsr/ripgrep %.2f, tftsr/pcre2grep %.2f\n",
           tools[1].run.seconds / tools[0].run.seconds,
           tools[2].run.seconds / tools[0].run.seconds);

  score (jsonl, planted);

  {
    g_autofree char *db = g_build_filename (dir, "ingest.db", NULL);
    g_autofree char *setup =
        g_strdup_printf ("TFTSR_DB='%s' '%s' issue create --title bench", db, cli_path);
    g_autofree char *ingest =
        g_strdup_printf ("TFTSR_DB='%s' '%s' log add 1 '%s'", db, cli_path, log);
    g_autofree char *gzip = g_strdup_printf ("gzip -6 -c '%s'", log);
    Run tftsr_run, gzip_run;

    g_setenv ("TFTSR_DB_KEY", "x'00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff'",
              TRUE);
    if (run_measured (setup, "/dev/null").status != 0)
      g_error ("could not create an incident for the ingest");
    tftsr_run = run_measured (ingest, "/dev/null");
    gzip_run = run_measured (gzip, "/dev/null");
    g_print ("\ningest of the same log\n");
    g_print ("  %-30s %7.2f s  %7.1f MiB/s  peak RSS %6.1f MiB%s\n", "tftsr-cli log add",
             tftsr_run.seconds, mb / tftsr_run.seconds, tftsr_run.max_rss_kb / 1024.0,
             tftsr_run.status == 0 ? "" : "  (failed)");
    g_print ("  %-30s %7.2f s  %7.1f MiB/s  peak RSS %6.1f MiB\n", "gzip -6", gzip_run.seconds,
             mb / gzip_run.seconds, gzip_run.max_rss_kb / 1024.0);
    g_print ("  time ratio tftsr/gzip %.2f (goal <= 1.0)\n", tftsr_run.seconds / gzip_run.seconds);

    /* The digest for log analysis is laid out from the log's templates, mined at ingest
     * (the ingest above includes that mining), so it reads no log text. */
    {
      g_autofree char *digest =
          g_strdup_printf ("TFTSR_DB='%s' '%s' log digest 1 --budget 24000", db, cli_path);
      Run digest_run = run_measured (digest, "/dev/null");

      g_print ("\ndigest of the stored log for analysis (24,000 bytes)\n");
      g_print ("  %-30s %7.2f s  %7.1f MiB/s  peak RSS %6.1f MiB%s\n", "tftsr-cli log digest",
               digest_run.seconds, mb / digest_run.seconds, digest_run.max_rss_kb / 1024.0,
               digest_run.status == 0 ? "" : "  (failed)");
      g_print ("  time ratio digest/scan %.2f (goal <= 2.0)\n",
               digest_run.seconds / tools[0].run.seconds);
    }
  }

  for (guint i = 0; i < G_N_ELEMENTS (tools); i++)
    g_free (tools[i].command);
  if (g_getenv ("TFTSR_BENCH_KEEP") == NULL)
    {
      g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);
      g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL);
    }
  g_rand_free (rng);
  return 0;
}
