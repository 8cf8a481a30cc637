/* test-pii.c: the detection engine: every type's true and false positives, validators,
 * the allow-list, overlaps, user patterns and streaming across chunk boundaries
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "tftsr-pii-private.h"
#include "tftsr-test-util.h"

static TftsrPiiScanner *scanner;

typedef struct
{
  const char *text;
  const char *type;  /* expected type, or NULL: nothing must be found */
  const char *value; /* the expected span, NULL for the whole text */
} Case;

static GArray *
scan (const char *text)
{
  return tftsr_pii_scanner_scan (scanner, (const guint8 *) text, strlen (text));
}

static char *
describe (const char *text, GArray *spans)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < spans->len; i++)
    {
      const TftsrPiiSpan *s = &g_array_index (spans, TftsrPiiSpan, i);
      g_string_append_printf (out, "%s[%.*s] ", tftsr_pii_type_to_string (s->type),
                              (int) (s->end - s->start), text + s->start);
    }
  return g_string_free (out, FALSE);
}

static void
check_cases (const Case *cases, gsize n)
{
  for (gsize i = 0; i < n; i++)
    {
      g_autoptr (GArray) spans = scan (cases[i].text);
      g_autofree char *found = describe (cases[i].text, spans);
      const char *value = cases[i].value != NULL ? cases[i].value : cases[i].text;
      gboolean ok = FALSE;

      if (cases[i].type == NULL)
        ok = spans->len == 0;
      else
        for (guint k = 0; k < spans->len && !ok; k++)
          {
            const TftsrPiiSpan *s = &g_array_index (spans, TftsrPiiSpan, k);
            ok = g_str_equal (tftsr_pii_type_to_string (s->type), cases[i].type) &&
                 s->end - s->start == strlen (value) &&
                 memcmp (cases[i].text + s->start, value, strlen (value)) == 0;
          }
      if (!ok)
        g_error ("“%s”: expected %s[%s], found: %s", cases[i].text,
                 cases[i].type ? cases[i].type : "nothing", cases[i].type ? value : "", found);
    }
}

#define CHECK(cases) check_cases (cases, G_N_ELEMENTS (cases))

static void
test_email (void)
{
  static const Case cases[] = {
    { "contact alice.smith+ops@acme-corp.co.uk now", "EMAIL", "alice.smith+ops@acme-corp.co.uk" },
    { "<bob@mail.internal>", "EMAIL", "bob@mail.internal" },
    { "user@example.com is documentation", NULL, NULL },
    { "not an address: foo@bar", NULL, NULL },
  };
  CHECK (cases);
}

static void
test_ipv4 (void)
{
  static const Case cases[] = {
    { "from 10.250.19.102:50010", "IPV4", "10.250.19.102" },
    { "rhost=218.188.2.4", "IPV4", "218.188.2.4" },
    { "gw 192.168.1.1,", "IPV4", "192.168.1.1" },
    { "peer 172.16.254.1 up", "IPV4", "172.16.254.1" },
    { "octet too big 256.1.2.3", NULL, NULL },
    { "version 1.2.3.4.5", NULL, NULL },
    { "loopback 127.0.0.1 and 0.0.0.0", NULL, NULL },
    { "doc 192.0.2.44 198.51.100.7 203.0.113.9", NULL, NULL },
    { "v10.1.2.3", NULL, NULL },
  };
  CHECK (cases);
}

static void
test_ipv6 (void)
{
  static const Case cases[] = {
    { "addr 2001:4860:4860::8888 ok", "IPV6", "2001:4860:4860::8888" },
    { "link fe80::1%eth0", "IPV6", "fe80::1" },
    { "full 2a00:1450:4001:0829:0000:0000:0000:200e", "IPV6",
      "2a00:1450:4001:0829:0000:0000:0000:200e" },
    { "[2a03:2880:f12f:83:face:b00c:0:25de]:443", "IPV6", "2a03:2880:f12f:83:face:b00c:0:25de" },
    { "src=fe80::1c2b:3cff:fe4d:5e6f", "IPV6", "fe80::1c2b:3cff:fe4d:5e6f" },
    { "loopback ::1 and doc 2001:db8::8a2e:370:7334", NULL, NULL },
    { "code a::b and std::string", NULL, NULL },
    { "time 10:23:45 up", NULL, NULL },
  };
  CHECK (cases);
}

static void
test_mac (void)
{
  static const Case cases[] = {
    { "hw 00:1a:2b:3c:4d:5e", "MAC", "00:1a:2b:3c:4d:5e" },
    { "hw AA-BB-CC-DD-EE-01", "MAC", "AA-BB-CC-DD-EE-01" },
    { "cisco 0011.22aa.bbcc up", "MAC", "0011.22aa.bbcc" },
    { "mixed 00:1a-2b:3c:4d:5e", NULL, NULL },
    { "null 00:00:00:00:00:00", NULL, NULL },
  };
  CHECK (cases);
}

static void
test_phone (void)
{
  static const Case cases[] = {
    { "call +1 415-555-2671 now", "PHONE", "+1 415-555-2671" },
    { "call (415) 555-2671", "PHONE", "(415) 555-2671" },
    { "tel 415.555.2671.", "PHONE", "415.555.2671" },
    { "uk +44 20 7946 0958", "PHONE", "+44 20 7946 0958" },
    { "de +49 30 1234567", "PHONE", "+49 30 1234567" },
    { "uk 020 7946 0958", "PHONE", "020 7946 0958" },
    { "fr 01 23 45 67 89", "PHONE", "01 23 45 67 89" },
    { "epoch 1445162404 seconds", NULL, NULL },
    { "ts 2015-10-18 18:01:47", NULL, NULL },
  };
  CHECK (cases);
}

static void
test_credit_card (void)
{
  static const Case cases[] = {
    { "card 4111111111111111", "CREDIT_CARD", "4111111111111111" },
    { "card 4111 1111 1111 1111 exp", "CREDIT_CARD", "4111 1111 1111 1111" },
    { "card 5500-0000-0000-0004", "CREDIT_CARD", "5500-0000-0000-0004" },
    { "amex 3782 822463 10005", "CREDIT_CARD", "3782 822463 10005" },
    { "discover 6011111111111117", "CREDIT_CARD", "6011111111111117" },
    { "luhn fails 4111111111111112", NULL, NULL },
    { "zeros 0000000000000000", NULL, NULL },
    { "block id 1234567890123456789", NULL, NULL },
    { "mixed 4111 1111-1111 1111", NULL, NULL },
  };
  CHECK (cases);
}

static void
test_ssn (void)
{
  static const Case cases[] = {
    { "ssn 123-45-6789", "SSN", "123-45-6789" }, { "area 000-12-3456", NULL, NULL },
    { "area 666-12-3456", NULL, NULL },          { "area 912-12-3456", NULL, NULL },
    { "group 123-00-6789", NULL, NULL },         { "serial 123-45-0000", NULL, NULL },
  };
  CHECK (cases);
}

static void
test_iban (void)
{
  static const Case cases[] = {
    { "iban DE89370400440532013000", "IBAN", "DE89370400440532013000" },
    { "iban GB82 WEST 1234 5698 7654 32.", "IBAN", "GB82 WEST 1234 5698 7654 32" },
    { "bad check DE89370400440532013001", NULL, NULL },
    { "bad length DE8937040044053201300", NULL, NULL },
  };
  CHECK (cases);
}

static void
test_hostname (void)
{
  static const Case cases[] = {
    { "connect db01.prod.corp:5432", "HOSTNAME", "db01.prod.corp" },
    { "ping nas.local", "HOSTNAME", "nas.local" },
    { "api.payments.acme.com refused", "HOSTNAME", "api.payments.acme.com" },
    { "opened app.log and config.yaml", NULL, NULL },
    { "java.lang.NullPointerException at org.apache.hadoop.ipc.Server", NULL, NULL },
    { "see www.example.com", NULL, NULL },
    { "two labels acme.com only", NULL, NULL },
  };
  CHECK (cases);
}

static void
test_username (void)
{
  static const Case cases[] = {
    { "open /home/jdoe/.ssh/id_rsa", "USERNAME", "jdoe" },
    { "/Users/mary.k/Library", "USERNAME", "mary.k" },
    { "C:\\Users\\Administrator\\Desktop", "USERNAME", "Administrator" },
    { "C:\\Users\\Public\\Documents", NULL, NULL },
  };
  CHECK (cases);
}

static void
test_credentials (void)
{
  static const Case cases[] = {
    { "GET https://admin:s3cr3t@db.internal/x", "URL_CREDENTIALS", "admin:s3cr3t" },
    { "Authorization: Bearer abcDEF123456ghiJKL789", "BEARER_TOKEN", "abcDEF123456ghiJKL789" },
    { "Bearer of bad news", NULL, NULL },
    { "Authorization: Basic YWxhZGRpbjpvcGVuc2VzYW1l", "BASIC_AUTH", "YWxhZGRpbjpvcGVuc2VzYW1l" },
    { "basic setup done", NULL, NULL },
  };
  CHECK (cases);
}

static void
test_keyed_secrets (void)
{
  static const Case cases[] = {
    { "password=hunter22", "PASSWORD", "hunter22" },
    { "DB_PASSWORD: Tr0ub4dor&3", "PASSWORD", "Tr0ub4dor&3" },
    { "{\"passwd\": \"p4ss!\"}", "PASSWORD", "p4ss!" },
    { "mysql pwd='letmein'", "PASSWORD", "letmein" },
    { "Failed password for root from host", NULL, NULL },
    { "api_key=9f8e7d6c5b4a3210", "API_KEY", "9f8e7d6c5b4a3210" },
    { "X-Api-Key: 0123456789abcdef", "API_KEY", "0123456789abcdef" },
    { "{\"client_secret\": \"s.Wq7pLz2KxVbN\"}", "API_KEY", "s.Wq7pLz2KxVbN" },
    { "token: 77c2a0b1e5d94f3c", "API_KEY", "77c2a0b1e5d94f3c" },
    { "token_count=5 tokenizer=ok", NULL, NULL },
  };
  CHECK (cases);
}

static void
test_vendor_tokens (void)
{
  static const Case cases[] = {
    { "key AKIAZ3MSJV4CKEXAMPL3 used", "AWS_ACCESS_KEY", "AKIAZ3MSJV4CKEXAMPL3" },
    { "sts ASIAY34FZKBOKMUTVV7A", "AWS_ACCESS_KEY", "ASIAY34FZKBOKMUTVV7A" },
    { "aws_secret_access_key = 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", "AWS_SECRET_KEY",
      "kR8vN1pQzW5xY2mT7uJ3aB6cD9eF0gH4iL1oS8wE" },
    { "documented AKIAIOSFODNN7EXAMPLE", NULL, NULL },
    { "aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", NULL, NULL },
    { "ghp_1A2b3C4d5E6f7G8h9I0jK1lM2nO3pQ4rS5tU", "GITHUB_TOKEN",
      "ghp_1A2b3C4d5E6f7G8h9I0jK1lM2nO3pQ4rS5tU" },
    { "slack xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOp", "SLACK_TOKEN",
      "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOp" },
    { "stripe sk_live_4eC39HqLyjWDarjtT1zdp7dc", "STRIPE_KEY", "sk_live_4eC39HqLyjWDarjtT1zdp7dc" },
    { "maps AIzaSyD-1234567890abcdefghijklmnopqrstu", "GOOGLE_API_KEY",
      "AIzaSyD-1234567890abcdefghijklmnopqrstu" },
  };
  CHECK (cases);
}

static void
test_jwt_and_pem (void)
{
  static const Case cases[] = {
    { "jwt eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0."
      "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
      "JWT",
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0."
      "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U" },
    /* The header must decode to JSON. */
    { "eyJub3RqdXN0YmFzZTY0.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w", NULL, NULL },
    { "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA0Z3VS5JJcds3xfn\n/ygWyF8PbnGy0AHB7Mhh\n"
      "-----END RSA PRIVATE KEY-----",
      "PRIVATE_KEY", NULL },
    { "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----", NULL, NULL },
  };
  CHECK (cases);
}

/* The seed's known false positives never fire, on real-looking log lines. */
static void
test_log_lines_without_pii (void)
{
  static const Case cases[] = {
    { "081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block "
      "blk_38865049064139660 terminating",
      NULL, NULL },
    { "2015-10-18 18:01:47,978 INFO [main] org.apache.hadoop.mapreduce.v2.app.MRAppMaster: "
      "Created MRAppMaster for application appattempt_1445144423722_0020_000001",
      NULL, NULL },
    { "Jun 14 15:16:01 combo sshd(pam_unix)[19939]: check pass; user unknown", NULL, NULL },
    { "at java.util.concurrent.ThreadPoolExecutor.runWorker(ThreadPoolExecutor.java:1145)", NULL,
      NULL },
  };
  CHECK (cases);
}

static void
test_overlaps (void)
{
  const char *text = "url https://ops:Pa55w0rd@db01.prod.corp:5432/app";
  g_autoptr (GArray) spans = scan (text);
  g_autofree char *found = describe (text, spans);

  /* Credentials win over the e-mail-shaped "Pa55w0rd@db01.prod.corp"; the host stays. */
  g_assert_cmpstr (found, ==, "URL_CREDENTIALS[ops:Pa55w0rd] HOSTNAME[db01.prod.corp] ");
  for (guint i = 1; i < spans->len; i++)
    g_assert_cmpuint (g_array_index (spans, TftsrPiiSpan, i - 1).end, <=,
                      g_array_index (spans, TftsrPiiSpan, i).start);
}

static void
test_validators (void)
{
  g_assert_true (tftsr_pii_luhn_valid ((const guint8 *) "79927398713", 11));
  g_assert_false (tftsr_pii_luhn_valid ((const guint8 *) "79927398710", 11));
  g_assert_true (tftsr_pii_iban_valid ((const guint8 *) "FR1420041010050500013M02606", 27));
  g_assert_true (tftsr_pii_ipv6_parse ((const guint8 *) "::1", 3, NULL));
  g_assert_false (tftsr_pii_ipv6_parse ((const guint8 *) "1:2:3", 5, NULL));
  g_assert_false (tftsr_pii_ipv4_parse ((const guint8 *) "1.2.3", 5, NULL));
  g_assert_true (tftsr_pii_basic_auth_valid ((const guint8 *) "dTpw", 4));
  g_assert_false (tftsr_pii_basic_auth_valid ((const guint8 *) "aGVsbG8=", 8)); /* "hello" */
}

static void
test_allow_list_and_enabling (void)
{
  g_autoptr (TftsrPiiScanner) custom = tftsr_pii_scanner_new ();
  const char *entries[] = { "10.0.0.0/8", ".corp", "ops@acme.io", NULL };
  const char *bad[] = { "   ", NULL };
  const char *text = "10.1.2.3 11.1.2.3 db01.prod.corp ops@acme.io dev@acme.io";
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) spans = NULL;
  g_autofree char *found = NULL;

  g_assert_true (tftsr_pii_scanner_set_allow_list (custom, entries, &error));
  g_assert_no_error (error);
  tftsr_pii_scanner_set_enabled (custom, TFTSR_PII_EMAIL, FALSE);
  g_assert_false (tftsr_pii_scanner_get_enabled (custom, TFTSR_PII_EMAIL));
  spans = tftsr_pii_scanner_scan (custom, (const guint8 *) text, strlen (text));
  found = describe (text, spans);
  g_assert_cmpstr (found, ==, "IPV4[11.1.2.3] ");

  g_assert_false (tftsr_pii_scanner_set_allow_list (custom, bad, &error));
  g_assert_error (error, TFTSR_PII_ERROR, TFTSR_PII_ERROR_BAD_ALLOW_ENTRY);
}

static void
test_user_patterns (void)
{
  g_autoptr (TftsrPiiScanner) custom = tftsr_pii_scanner_new ();
  const char *text = "ticket CUST-00042 for employee E12345";
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) spans = NULL;

  g_assert_true (tftsr_pii_scanner_add_pattern (custom, "customer", "CUST-[0-9]{5}", &error));
  g_assert_true (tftsr_pii_scanner_add_pattern (custom, "employee", "employee (E[0-9]+)", &error));
  g_assert_no_error (error);
  spans = tftsr_pii_scanner_scan (custom, (const guint8 *) text, strlen (text));
  g_assert_cmpuint (spans->len, ==, 2);
  g_assert_cmpint (g_array_index (spans, TftsrPiiSpan, 0).type, ==, TFTSR_PII_CUSTOM);
  g_assert_cmpstr (
      tftsr_pii_scanner_get_pattern_name (custom, g_array_index (spans, TftsrPiiSpan, 0).custom),
      ==, "customer");
  g_assert_cmpuint (g_array_index (spans, TftsrPiiSpan, 1).start, ==, strlen (text) - 6);

  g_assert_false (tftsr_pii_scanner_add_pattern (custom, "broken", "([unclosed", &error));
  g_assert_error (error, TFTSR_PII_ERROR, TFTSR_PII_ERROR_BAD_PATTERN);
}

typedef struct
{
  GArray *spans;
  GString *values;
} Collected;

static void
collect (const TftsrPiiSpan *span, const guint8 *value, gpointer user_data)
{
  Collected *c = user_data;

  g_array_append_val (c->spans, *span);
  g_string_append_len (c->values, (const char *) value, span->end - span->start);
  g_string_append_c (c->values, '|');
}

/* Fed in pieces of any size, a stream reports exactly what a whole scan reports. */
static void
test_stream_boundaries (void)
{
  static const char *const samples[] = {
    "mail bob@mail.internal from 10.250.19.102 card 4111 1111 1111 1111 ",
    "password=hunter22 via https://ops:Pa55w0rd@db01.prod.corp/ ",
    "jwt eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N ",
    "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n",
    "noise 1.2.3.4.5 app.log 2015-10-18 18:01:47,978 blk_-1608999687919862906 ",
  };
  g_autoptr (GString) input = g_string_new (NULL);
  g_autoptr (GArray) whole = NULL;
  GRand *rand = g_rand_new_with_seed (11);

  /* About 3 MB so that streams cut inside spans many times. */
  while (input->len < 3 * 1024 * 1024)
    g_string_append (input, samples[g_rand_int_range (rand, 0, G_N_ELEMENTS (samples))]);
  whole = tftsr_pii_scanner_scan (scanner, (const guint8 *) input->str, input->len);
  g_assert_cmpuint (whole->len, >, 10000);

  for (guint round = 0; round < 4; round++)
    {
      Collected c = { g_array_new (FALSE, FALSE, sizeof (TftsrPiiSpan)), g_string_new (NULL) };
      TftsrPiiStream *stream = tftsr_pii_stream_new (scanner, collect, &c);
      gsize pos = 0;

      while (pos < input->len)
        {
          gsize piece = round == 0   ? 1
                        : round == 1 ? 4093
                                     : (gsize) g_rand_int_range (rand, 1, 300000);
          piece = MIN (piece, input->len - pos);
          if (round == 0 && pos > 200000)
            piece = input->len - pos; /* byte by byte for the first 200 kB only */
          tftsr_pii_stream_feed (stream, (const guint8 *) input->str + pos, piece);
          pos += piece;
        }
      tftsr_pii_stream_finish (stream);

      g_assert_cmpuint (c.spans->len, ==, whole->len);
      for (guint i = 0; i < whole->len; i++)
        {
          const TftsrPiiSpan *a = &g_array_index (whole, TftsrPiiSpan, i);
          const TftsrPiiSpan *b = &g_array_index (c.spans, TftsrPiiSpan, i);
          g_assert_cmpuint (a->start, ==, b->start);
          g_assert_cmpuint (a->end, ==, b->end);
          g_assert_cmpint (a->type, ==, b->type);
        }
      g_array_unref (c.spans);
      g_string_free (c.values, TRUE);
    }
  g_rand_free (rand);
}

static void
test_binary_input (void)
{
  g_autofree guint8 *junk = g_malloc (1 << 20);
  GRand *rand = g_rand_new_with_seed (5);
  g_autoptr (GArray) spans = NULL;

  for (gsize i = 0; i < (1 << 20); i++)
    junk[i] = (guint8) g_rand_int_range (rand, 0, 256);
  memcpy (junk + 1000, " alice@mail.internal ", 21);
  spans = tftsr_pii_scanner_scan (scanner, junk, 1 << 20);
  g_assert_cmpuint (spans->len, >=, 1);
  g_rand_free (rand);
}

static void
test_catalogue (void)
{
  TftsrPiiType type;

  g_assert_cmpint (TFTSR_PII_N_TYPES, ==, 23);
  for (guint i = 0; i < TFTSR_PII_N_TYPES; i++)
    {
      g_assert_true (tftsr_pii_type_from_string (tftsr_pii_type_to_string (i), &type));
      g_assert_cmpint (type, ==, i);
      g_assert_cmpuint (strlen (tftsr_pii_type_get_description (i)), >, 10);
      g_assert_nonnull (tftsr_pii_type_get_pattern (i));
    }
  g_assert_false (tftsr_pii_type_from_string ("NOPE", NULL));
}

static void
test_kinds (void)
{
  g_assert_cmpint (tftsr_pii_kind_for_name ("EMAIL"), ==, TFTSR_PII_KIND_PERSONAL);
  g_assert_cmpint (tftsr_pii_kind_for_name ("CREDIT_CARD"), ==, TFTSR_PII_KIND_PERSONAL);
  g_assert_cmpint (tftsr_pii_kind_for_name ("IPV6"), ==, TFTSR_PII_KIND_NETWORK);
  g_assert_cmpint (tftsr_pii_kind_for_name ("HOSTNAME"), ==, TFTSR_PII_KIND_NETWORK);
  g_assert_cmpint (tftsr_pii_kind_for_name ("JWT"), ==, TFTSR_PII_KIND_SECRET);
  g_assert_cmpint (tftsr_pii_kind_for_name ("PRIVATE_KEY"), ==, TFTSR_PII_KIND_SECRET);
  g_assert_cmpint (tftsr_pii_kind_for_name ("CUSTOM_TICKET"), ==, TFTSR_PII_KIND_CUSTOM);
  g_assert_cmpint (tftsr_pii_kind_for_name ("FROM_THE_FUTURE"), ==, TFTSR_PII_KIND_PERSONAL);
  g_assert_cmpint (tftsr_pii_kind_for_name (NULL), ==, TFTSR_PII_KIND_PERSONAL);
}

int
main (int argc, char **argv)
{
  int status;

  tftsr_test_init (&argc, &argv);
  scanner = tftsr_pii_scanner_new ();
  g_test_add_func ("/pii/kinds", test_kinds);
  g_test_add_func ("/pii/catalogue", test_catalogue);
  g_test_add_func ("/pii/types/email", test_email);
  g_test_add_func ("/pii/types/ipv4", test_ipv4);
  g_test_add_func ("/pii/types/ipv6", test_ipv6);
  g_test_add_func ("/pii/types/mac", test_mac);
  g_test_add_func ("/pii/types/phone", test_phone);
  g_test_add_func ("/pii/types/credit-card", test_credit_card);
  g_test_add_func ("/pii/types/ssn", test_ssn);
  g_test_add_func ("/pii/types/iban", test_iban);
  g_test_add_func ("/pii/types/hostname", test_hostname);
  g_test_add_func ("/pii/types/username", test_username);
  g_test_add_func ("/pii/types/credentials", test_credentials);
  g_test_add_func ("/pii/types/keyed-secrets", test_keyed_secrets);
  g_test_add_func ("/pii/types/vendor-tokens", test_vendor_tokens);
  g_test_add_func ("/pii/types/jwt-and-pem", test_jwt_and_pem);
  g_test_add_func ("/pii/log-lines-without-pii", test_log_lines_without_pii);
  g_test_add_func ("/pii/overlaps", test_overlaps);
  g_test_add_func ("/pii/validators", test_validators);
  g_test_add_func ("/pii/allow-list-and-enabling", test_allow_list_and_enabling);
  g_test_add_func ("/pii/user-patterns", test_user_patterns);
  g_test_add_func ("/pii/stream-boundaries", test_stream_boundaries);
  g_test_add_func ("/pii/binary-input", test_binary_input);
  status = g_test_run ();
  g_clear_object (&scanner);
  return status;
}
