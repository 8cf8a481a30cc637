/* tftsr-pii-catalogue.c: the 23 types: names, descriptions, patterns, priorities
 *
 * Patterns stay within the syntax PCRE2 and ripgrep's default engine share (no
 * look-around), so that `tftsr-cli pii patterns` can be fed to ripgrep for comparison.
 * Context rules and validators (tftsr-pii-validate.c) do what look-around would.
 * Where a pattern has a capture group, the group is the reported span (the value after
 * "password=", the user name in a home directory…).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>

#include "tftsr-pii-private.h"

#define HEX "[0-9A-Fa-f]"
#define KV_SEP "[\"']?\\s{0,4}[:=]\\s{0,4}[\"']?"

static const TftsrPiiTypeInfo types[TFTSR_PII_N_TYPES] = {
  [TFTSR_PII_EMAIL] = { "EMAIL", N_ ("E-mail addresses"),
                        "[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\\.[A-Za-z0-9-]{1,63})*"
                        "\\.[A-Za-z]{2,24}\\b",
                        PRIORITY_NETWORK },
  [TFTSR_PII_IPV4] = { "IPV4", N_ ("IPv4 addresses, private ranges included"),
                       "\\b(?:[0-9]{1,3}\\.){3}[0-9]{1,3}\\b", PRIORITY_NETWORK },
  [TFTSR_PII_IPV6] = { "IPV6", N_ ("IPv6 addresses in full or compressed form"),
                       "::ffff:(?:[0-9]{1,3}\\.){3}[0-9]{1,3}|(?:" HEX "{1,4}:){7}" HEX "{1,4}|" HEX
                       "{0,4}(?::" HEX "{1,4}){0,6}::(?:" HEX "{1,4}(?::" HEX "{1,4}){0,6})?",
                       PRIORITY_NETWORK },
  [TFTSR_PII_MAC] = { "MAC", N_ ("MAC addresses (colon, dash and Cisco dotted forms)"),
                      HEX "{2}(?:[:-]" HEX "{2}){5}\\b|" HEX "{4}\\." HEX "{4}\\." HEX "{4}\\b",
                      PRIORITY_NETWORK },
  [TFTSR_PII_PHONE] = { "PHONE",
                        N_ ("Telephone numbers: international (+CC …), North American and common "
                            "national formats"),
                        "\\+[1-9][0-9]{0,2}[ .-]?(?:\\([0-9]{1,4}\\)[ .-]?)?[0-9]{1,4}"
                        "(?:[ .-]?[0-9]{1,4}){1,4}"
                        "|\\(?[2-9][0-9]{2}\\)?[ .-]?[2-9][0-9]{2}[ .-][0-9]{4}\\b"
                        "|0[1-9][0-9]{1,3}[ -][0-9]{3,4}[ -]?[0-9]{3,4}\\b"
                        "|0[1-9](?:[ .-][0-9]{2}){4}\\b",
                        PRIORITY_NUMBER },
  [TFTSR_PII_CREDIT_CARD] = { "CREDIT_CARD",
                              N_ ("Payment card numbers that pass the Luhn check, also with "
                                  "spaces or dashes"),
                              "\\b[0-9](?:[ -]?[0-9]){12,18}\\b", PRIORITY_VALIDATED },
  [TFTSR_PII_SSN] = { "SSN", N_ ("US Social Security numbers (valid area, group and serial)"),
                      "\\b[0-9]{3}-[0-9]{2}-[0-9]{4}\\b", PRIORITY_NUMBER },
  [TFTSR_PII_IBAN] = { "IBAN", N_ ("International bank account numbers with a valid checksum"),
                       "\\b[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\\b",
                       PRIORITY_VALIDATED },
  [TFTSR_PII_HOSTNAME] = { "HOSTNAME",
                           N_ ("Internal host names (not file names or Java class names)"),
                           "\\b[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                           "(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+\\b",
                           PRIORITY_GENERIC },
  [TFTSR_PII_USERNAME] = { "USERNAME", N_ ("User names in home-directory paths"),
                           "(?:/home/|/Users/|[A-Za-z]:\\\\Users\\\\)([A-Za-z0-9._-]{1,64})",
                           PRIORITY_GENERIC },
  [TFTSR_PII_URL_CREDENTIALS] = { "URL_CREDENTIALS", N_ ("User names and passwords inside URLs"),
                                  "\\b[A-Za-z][A-Za-z0-9+.-]{1,15}://"
                                  "([^\\s:@/?#]{1,128}:[^\\s@/?#]{1,128})@",
                                  PRIORITY_HEADER },
  [TFTSR_PII_BEARER_TOKEN] = { "BEARER_TOKEN", N_ ("Bearer tokens (Authorization: Bearer …)"),
                               "\\b(?i:bearer)\\s{1,4}([A-Za-z0-9._~+/-]{16,512}={0,2})",
                               PRIORITY_HEADER },
  [TFTSR_PII_BASIC_AUTH] = { "BASIC_AUTH",
                             N_ ("HTTP Basic credentials (Authorization: Basic …) that decode "
                                 "to user:password"),
                             "\\b(?i:basic)\\s{1,4}([A-Za-z0-9+/]{6,512}={0,2})", PRIORITY_HEADER },
  [TFTSR_PII_API_KEY] = { "API_KEY",
                          N_ ("Secrets after a key such as api_key, token, secret or "
                              "client_secret, in key=value, key: value and JSON forms"),
                          "(?i:api[_-]?key|apikey|access[_-]?key(?:[_-]?id)?|secret[_-]?key|"
                          "client[_-]?secret|app[_-]?secret|secret|auth[_-]?token|"
                          "access[_-]?token|refresh[_-]?token|token|private[_-]?key)" KV_SEP
                          "([^\\s\"',;]{8,256})",
                          PRIORITY_KEYWORD },
  [TFTSR_PII_PASSWORD] = { "PASSWORD",
                           N_ ("Passwords after password, passwd, pwd or pass, in key=value, "
                               "key: value and JSON forms"),
                           "(?i:password|passwd|passwort|pwd|pass)" KV_SEP "([^\\s\"',;]{3,256})",
                           PRIORITY_KEYWORD },
  [TFTSR_PII_JWT] = { "JWT", N_ ("JSON Web Tokens (three base64url parts, header is JSON)"),
                      "\\beyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}",
                      PRIORITY_BLOCK },
  [TFTSR_PII_AWS_ACCESS_KEY] = { "AWS_ACCESS_KEY", N_ ("AWS access key ids (AKIA…, ASIA…)"),
                                 "\\b(?:AKIA|ASIA)[A-Z0-9]{16}\\b", PRIORITY_TOKEN },
  [TFTSR_PII_AWS_SECRET_KEY] = { "AWS_SECRET_KEY",
                                 N_ ("AWS secret access keys given as aws_secret_access_key "
                                     "and similar"),
                                 "(?i:aws[_-]?secret[_-]?access[_-]?key|aws[_-]?secret[_-]?key|"
                                 "secret[_-]?access[_-]?key)" KV_SEP "([A-Za-z0-9/+]{40})",
                                 PRIORITY_TOKEN },
  [TFTSR_PII_GITHUB_TOKEN] = { "GITHUB_TOKEN",
                               N_ ("GitHub tokens (ghp_, gho_, ghu_, ghs_, ghr_, github_pat_)"),
                               "\\b(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{82})\\b",
                               PRIORITY_TOKEN },
  [TFTSR_PII_SLACK_TOKEN] = { "SLACK_TOKEN", N_ ("Slack tokens (xoxb-, xoxp-, xoxa-…)"),
                              "\\bxox[abposr]-[A-Za-z0-9-]{10,72}\\b", PRIORITY_TOKEN },
  [TFTSR_PII_STRIPE_KEY] = { "STRIPE_KEY", N_ ("Stripe live secret and restricted keys"),
                             "\\b[rs]k_live_[A-Za-z0-9]{24,99}\\b", PRIORITY_TOKEN },
  [TFTSR_PII_GOOGLE_API_KEY] = { "GOOGLE_API_KEY", N_ ("Google API keys (AIza…)"),
                                 "\\bAIza[0-9A-Za-z_-]{35}", PRIORITY_TOKEN },
  [TFTSR_PII_PRIVATE_KEY] = { "PRIVATE_KEY", N_ ("PEM private key blocks, across lines"),
                              "-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----[\\s\\S]{1,16000}?"
                              "-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----",
                              PRIORITY_BLOCK },
};

G_DEFINE_QUARK (tftsr - pii - error - quark, tftsr_pii_error)

const TftsrPiiTypeInfo *
tftsr_pii_type_info (TftsrPiiType type)
{
  g_return_val_if_fail ((guint) type < TFTSR_PII_N_TYPES, NULL);
  return &types[type];
}

const char *
tftsr_pii_type_to_string (TftsrPiiType type)
{
  if (type == TFTSR_PII_CUSTOM)
    return "CUSTOM";
  g_return_val_if_fail ((guint) type < TFTSR_PII_N_TYPES, NULL);
  return types[type].name;
}

gboolean
tftsr_pii_type_from_string (const char *name, TftsrPiiType *out)
{
  for (guint i = 0; name != NULL && i < TFTSR_PII_N_TYPES; i++)
    if (g_ascii_strcasecmp (types[i].name, name) == 0)
      {
        if (out != NULL)
          *out = (TftsrPiiType) i;
        return TRUE;
      }
  return FALSE;
}

const char *
tftsr_pii_type_get_description (TftsrPiiType type)
{
  if (type == TFTSR_PII_CUSTOM)
    return _ ("Matches of a pattern you added");
  g_return_val_if_fail ((guint) type < TFTSR_PII_N_TYPES, NULL);
  return _ (types[type].description);
}

const char *
tftsr_pii_type_get_pattern (TftsrPiiType type)
{
  g_return_val_if_fail ((guint) type < TFTSR_PII_N_TYPES, NULL);
  return types[type].pattern;
}

TftsrPiiKind
tftsr_pii_kind_for_name (const char *name)
{
  TftsrPiiType type;

  if (name != NULL && g_str_has_prefix (name, "CUSTOM"))
    return TFTSR_PII_KIND_CUSTOM;
  if (!tftsr_pii_type_from_string (name, &type))
    return TFTSR_PII_KIND_PERSONAL;
  switch (type)
    {
    case TFTSR_PII_EMAIL:
    case TFTSR_PII_PHONE:
    case TFTSR_PII_CREDIT_CARD:
    case TFTSR_PII_SSN:
    case TFTSR_PII_IBAN:
    case TFTSR_PII_USERNAME:
      return TFTSR_PII_KIND_PERSONAL;
    case TFTSR_PII_IPV4:
    case TFTSR_PII_IPV6:
    case TFTSR_PII_MAC:
    case TFTSR_PII_HOSTNAME:
      return TFTSR_PII_KIND_NETWORK;
    default:
      return TFTSR_PII_KIND_SECRET;
    }
}

static gpointer
compile_all (gpointer unused)
{
  pcre2_code **codes = g_new0 (pcre2_code *, TFTSR_PII_N_TYPES);

  for (guint i = 0; i < TFTSR_PII_N_TYPES; i++)
    {
      int error = 0;
      PCRE2_SIZE offset = 0;

      /* Bytes, not UTF-8: logs hold invalid sequences, and every pattern is ASCII. */
      codes[i] = pcre2_compile ((PCRE2_SPTR) types[i].pattern, PCRE2_ZERO_TERMINATED,
                                PCRE2_ANCHORED, &error, &offset, NULL);
      if (codes[i] == NULL)
        g_error ("PII pattern %s does not compile (error %d at %zu)", types[i].name, error,
                 (gsize) offset);
      /* Without JIT (an unusual build) pcre2_match interprets; the result is the same. */
      pcre2_jit_compile (codes[i], PCRE2_JIT_COMPLETE);
    }
  return codes;
}

const pcre2_code *
tftsr_pii_type_code (TftsrPiiType type)
{
  static GOnce once = G_ONCE_INIT;
  pcre2_code **codes = g_once (&once, compile_all, NULL);

  g_return_val_if_fail ((guint) type < TFTSR_PII_N_TYPES, NULL);
  return codes[type];
}
