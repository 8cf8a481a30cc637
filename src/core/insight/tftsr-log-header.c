/* tftsr-log-header.c: the timestamp, level and component that lead a log line, found
 * without configuration
 *
 * Hand-written scanning: this runs on every line of a log, so no regex and no allocation.
 * Every read is checked against the line's length (a fuzz target holds it to that).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "tftsr-log-miner-private.h"

#define USEC_PER_SEC G_GINT64_CONSTANT (1000000)
#define USEC_PER_DAY (86400 * USEC_PER_SEC)
#define HEADER_ITEMS_MAX 12 /* items looked at before the message must have started */
#define BRACKET_MAX 160     /* longest "[component]" taken as one */

static gboolean
is_digit (char c)
{
  return c >= '0' && c <= '9';
}

static gboolean
is_space (char c)
{
  return c == ' ' || c == '\t';
}

/* Exactly @count digits at @i (not followed by another digit when @exact). */
static gboolean
read_digits (const char *s, gsize n, gsize i, guint count, gboolean exact, int *value)
{
  int v = 0;

  if (i + count > n)
    return FALSE;
  for (guint k = 0; k < count; k++)
    {
      if (!is_digit (s[i + k]))
        return FALSE;
      v = v * 10 + (s[i + k] - '0');
    }
  if (exact && i + count < n && is_digit (s[i + count]))
    return FALSE;
  *value = v;
  return TRUE;
}

/* One or two digits at @i; returns how many (0: none). */
static guint
read_1_2_digits (const char *s, gsize n, gsize i, int *value)
{
  if (i >= n || !is_digit (s[i]))
    return 0;
  if (i + 1 < n && is_digit (s[i + 1]))
    {
      if (i + 2 < n && is_digit (s[i + 2]))
        return 0;
      *value = (s[i] - '0') * 10 + (s[i + 1] - '0');
      return 2;
    }
  *value = s[i] - '0';
  return 1;
}

static gsize
run_of_digits (const char *s, gsize n, gsize i)
{
  gsize k = i;

  while (k < n && is_digit (s[k]))
    k++;
  return k - i;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
static gint64
days_from_civil (int y, int m, int d)
{
  gint64 era, yoe, doy, doe;

  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = y - era * 400;
  doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

static gboolean
valid_date (int y, int m, int d)
{
  return y >= 1970 && y <= 2200 && m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

static gint64
make_time (int y, int mo, int d, int h, int mi, int s, int us)
{
  return ((days_from_civil (y, mo, d) * 24 + h) * 60 + mi) * 60 * USEC_PER_SEC +
         (gint64) s * USEC_PER_SEC + us;
}

/* The year of @t, microseconds since the epoch (Hinnant's civil_from_days). */
static int
year_of (gint64 t)
{
  gint64 day = (t >= 0 ? t : t - USEC_PER_DAY + 1) / USEC_PER_DAY;
  gint64 z = day + 719468, era, doe, yoe, doy, mp;

  era = (z >= 0 ? z : z - 146096) / 146097;
  doe = z - era * 146097;
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  return (int) (yoe + era * 400 + (mp >= 10));
}

/* Whether a year-less time read in @reference's year lies after @reference by more than
 * the day a local time read as UTC can add: then it was written the year before. */
static gboolean
after_reference (gint64 time, gint64 reference)
{
  return time > reference + USEC_PER_DAY;
}

/* A fraction of a second after the separator at @i: decimals after '.' or ','; after ':'
 * up to three digits of milliseconds, unpadded as HealthApp writes them ("22:15:29:62");
 * returns the bytes taken. */
static gsize
read_fraction (const char *s, gsize n, gsize i, int *us)
{
  gsize digits, k;
  int v = 0, scale = 100000;

  if (i >= n || (s[i] != '.' && s[i] != ',' && s[i] != ':'))
    return 0;
  digits = run_of_digits (s, n, i + 1);
  if (digits == 0 || (s[i] == ':' && digits > 3))
    return 0;
  if (s[i] == ':')
    {
      for (k = 0; k < digits; k++)
        v = v * 10 + (s[i + 1 + k] - '0');
      *us = v * 1000;
      return 1 + digits;
    }
  for (k = 0; k < digits && k < 6; k++, scale /= 10)
    v += (s[i + 1 + k] - '0') * scale;
  *us = v;
  return 1 + digits;
}

/* "HH<sep>MM<sep>SS" with an optional fraction at @i; returns the bytes taken. */
static gsize
read_clock (const char *s, gsize n, gsize i, char sep, int *h, int *mi, int *sec, int *us)
{
  gsize k = i, digits;

  /* Fields may come unpadded ("0:1:5:778") */
  if ((digits = read_1_2_digits (s, n, k, h)) == 0 || k + digits >= n || s[k + digits] != sep)
    return 0;
  k += digits + 1;
  if ((digits = read_1_2_digits (s, n, k, mi)) == 0 || *h > 23 || *mi > 59)
    return 0;
  k += digits;
  *sec = 0;
  *us = 0;
  if (k + 1 < n && s[k] == sep && (digits = read_1_2_digits (s, n, k + 1, sec)) > 0)
    {
      if (*sec > 60)
        return 0;
      k += 1 + digits;
      k += read_fraction (s, n, k, us);
    }
  return k - i;
}

/* A zone after a time: "Z", "+hh:mm", "+hhmm" or "+hh"; returns the bytes taken and the
 * offset east of UTC in seconds. */
static gsize
read_zone (const char *s, gsize n, gsize i, int *offset)
{
  int h = 0, m = 0;
  int sign;

  *offset = 0;
  if (i >= n)
    return 0;
  if (s[i] == 'Z')
    return 1;
  if (s[i] != '+' && s[i] != '-')
    return 0;
  sign = s[i] == '+' ? 1 : -1;
  if (!read_digits (s, n, i + 1, 2, FALSE, &h) || h > 14)
    return 0;
  if (i + 5 < n && s[i + 3] == ':' && read_digits (s, n, i + 4, 2, TRUE, &m))
    {
      *offset = sign * (h * 3600 + m * 60);
      return 6;
    }
  if (read_digits (s, n, i + 3, 2, TRUE, &m))
    {
      *offset = sign * (h * 3600 + m * 60);
      return 5;
    }
  if (i + 3 < n && is_digit (s[i + 3]))
    return 0;
  *offset = sign * h * 3600;
  return 3;
}

static const char months[12][4] = { "jan", "feb", "mar", "apr", "may", "jun",
                                    "jul", "aug", "sep", "oct", "nov", "dec" };
static const char weekdays[7][4] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" };

static int
three_letters (const char *s, gsize n, gsize i, const char (*names)[4], guint n_names)
{
  if (i + 3 > n)
    return -1;
  for (guint k = 0; k < n_names; k++)
    if (g_ascii_tolower (s[i]) == names[k][0] && g_ascii_tolower (s[i + 1]) == names[k][1] &&
        g_ascii_tolower (s[i + 2]) == names[k][2])
      return (int) k;
  return -1;
}

/* "[Weekday ]Mon DD HH:MM:SS[.frac][ YYYY]" (syslog, Apache). */
static gsize
parse_named_month (const char *s, gsize n, gint64 reference, gint64 *time)
{
  gsize k = 0, digits;
  gboolean year_less = FALSE;
  int month, day = 0, h, mi, sec, us, y = 0;

  if (three_letters (s, n, 0, weekdays, 7) >= 0 && n > 3 && (s[3] == ' ' || s[3] == ','))
    {
      k = 4;
      while (k < n && is_space (s[k]))
        k++;
    }
  month = three_letters (s, n, k, months, 12);
  if (month < 0)
    return 0;
  k += 3;
  while (k < n && g_ascii_isalpha (s[k])) /* "June", "December" */
    k++;
  if (k >= n || !is_space (s[k]))
    return 0;
  while (k < n && is_space (s[k]))
    k++;
  digits = read_1_2_digits (s, n, k, &day);
  if (digits == 0 || day < 1 || day > 31 || k + digits >= n || !is_space (s[k + digits]))
    return 0;
  k += digits + 1;
  digits = read_clock (s, n, k, ':', &h, &mi, &sec, &us);
  if (digits == 0)
    return 0;
  k += digits;
  if (k + 4 < n && s[k] == ' ' && read_digits (s, n, k + 1, 4, TRUE, &y) && valid_date (y, 1, 1))
    k += 5;
  else
    {
      y = year_of (reference);
      year_less = TRUE;
    }
  if (!valid_date (y, month + 1, day))
    return 0;
  *time = make_time (y, month + 1, day, h, mi, sec, us);
  if (year_less && after_reference (*time, reference) && valid_date (y - 1, month + 1, day))
    *time = make_time (y - 1, month + 1, day, h, mi, sec, us);
  return k;
}

/* The time after a date at @k: "T" or one space then a clock, then an optional zone. A
 * date alone is midnight. */
static gsize
finish_date (const char *s, gsize n, gsize k, int y, int mo, int d, gboolean need_clock,
             gint64 *time)
{
  int h = 0, mi = 0, sec = 0, us = 0, offset = 0;
  gsize clock = 0;

  if (!valid_date (y, mo, d))
    return 0;
  if (k + 1 < n && (s[k] == 'T' || s[k] == ' ' || s[k] == '_'))
    clock = read_clock (s, n, k + 1, ':', &h, &mi, &sec, &us);
  if (clock > 0)
    {
      k += 1 + clock;
      k += read_zone (s, n, k, &offset);
    }
  else if (need_clock)
    return 0;
  *time = make_time (y, mo, d, h, mi, sec, us) - (gint64) offset * USEC_PER_SEC;
  return k;
}

gsize
tftsr_log_time_parse (const char *s, gsize n, gint64 reference, gint64 *time)
{
  gsize digits;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, us = 0;

  if (n == 0)
    return 0;
  if (!is_digit (s[0]))
    return parse_named_month (s, n, reference, time);

  digits = run_of_digits (s, n, 0);
  if (digits == 4 && n > 4 && (s[4] == '-' || s[4] == '/' || s[4] == '.'))
    {
      char sep = s[4];
      guint md, dd;
      gsize k;

      read_digits (s, n, 0, 4, FALSE, &y);
      md = read_1_2_digits (s, n, 5, &mo);
      if (md == 0 || 5 + md >= n || s[5 + md] != sep)
        return 0;
      dd = read_1_2_digits (s, n, 6 + md, &d);
      if (dd == 0)
        return 0;
      k = 6 + md + dd;
      /* BGL: "2005-06-03-15.42.50.675872" */
      if (sep == '-' && k + 1 < n && s[k] == '-' && valid_date (y, mo, d))
        {
          gsize clock = read_clock (s, n, k + 1, '.', &h, &mi, &sec, &us);

          if (clock == 0)
            return 0;
          *time = make_time (y, mo, d, h, mi, sec, us);
          return k + 1 + clock;
        }
      return finish_date (s, n, k, y, mo, d, FALSE, time);
    }
  if (digits == 8)
    {
      /* "20171223-22:15:29:606", "20171223T221529Z" */
      gsize clock = 0;
      int offset = 0;

      read_digits (s, n, 0, 4, FALSE, &y);
      read_digits (s, n, 4, 2, FALSE, &mo);
      read_digits (s, n, 6, 2, FALSE, &d);
      if (!valid_date (y, mo, d) || n < 10 || (s[8] != '-' && s[8] != 'T' && s[8] != ' '))
        return 0;
      clock = read_clock (s, n, 9, ':', &h, &mi, &sec, &us);
      if (clock == 0 && s[8] == 'T' && run_of_digits (s, n, 9) == 6)
        {
          read_digits (s, n, 9, 2, FALSE, &h);
          read_digits (s, n, 11, 2, FALSE, &mi);
          read_digits (s, n, 13, 2, FALSE, &sec);
          us = 0;
          clock = 6 + read_fraction (s, n, 15, &us);
          if (h > 23 || mi > 59 || sec > 60)
            return 0;
        }
      if (clock == 0)
        return 0;
      clock += read_zone (s, n, 9 + clock, &offset);
      *time = make_time (y, mo, d, h, mi, sec, us) - (gint64) offset * USEC_PER_SEC;
      return 9 + clock;
    }
  if (digits == 6 && n >= 13 && s[6] == ' ' && run_of_digits (s, n, 7) == 6)
    {
      /* HDFS: "081109 203615" */
      read_digits (s, n, 0, 2, FALSE, &y);
      read_digits (s, n, 2, 2, FALSE, &mo);
      read_digits (s, n, 4, 2, FALSE, &d);
      read_digits (s, n, 7, 2, FALSE, &h);
      read_digits (s, n, 9, 2, FALSE, &mi);
      read_digits (s, n, 11, 2, FALSE, &sec);
      if (!valid_date (2000 + y, mo, d) || h > 23 || mi > 59 || sec > 60)
        return 0;
      *time = make_time (2000 + y, mo, d, h, mi, sec, 0);
      return 13;
    }
  if (digits == 2 && n > 5 && s[2] == '/')
    {
      /* Spark: "17/06/09 20:10:40" */
      if (!read_digits (s, n, 0, 2, FALSE, &y) || !read_digits (s, n, 3, 2, TRUE, &mo) || n < 8 ||
          s[5] != '/' || !read_digits (s, n, 6, 2, TRUE, &d))
        return 0;
      return finish_date (s, n, 8, 2000 + y, mo, d, TRUE, time);
    }
  if (digits == 2 && n > 5 && (s[2] == '-' || s[2] == '.'))
    {
      /* Android "03-17 16:13:38.811", Proxifier "10.30 16:49:06": a clock must follow */
      gsize k;

      if (!read_digits (s, n, 0, 2, FALSE, &mo) || !read_digits (s, n, 3, 2, TRUE, &d))
        return 0;
      y = year_of (reference);
      k = finish_date (s, n, 5, y, mo, d, TRUE, time);
      if (k > 0 && after_reference (*time, reference))
        finish_date (s, n, 5, y - 1, mo, d, TRUE, time);
      return k;
    }
  if ((digits == 10 || digits == 13) && (digits == n || !g_ascii_isalnum (s[digits])))
    {
      /* Epoch seconds (from 2001-09-09) or milliseconds */
      gint64 v = 0;
      gsize k = digits;

      for (gsize i = 0; i < digits; i++)
        v = v * 10 + (s[i] - '0');

      us = 0;
      if (digits == 10)
        {
          k += read_fraction (s, n, k, &us);
          if (k < n && g_ascii_isalnum (s[k]))
            return 0;
          *time = v * USEC_PER_SEC + us;
        }
      else
        *time = v * 1000;
      return k;
    }
  return 0;
}

TftsrLogLevel
tftsr_log_level_parse (const char *s, gsize n, gboolean *found)
{
  static const struct
  {
    const char *word;
    TftsrLogLevel level;
  } words[] = {
    { "trace", TFTSR_LOG_LEVEL_DEBUG },       { "debug", TFTSR_LOG_LEVEL_DEBUG },
    { "verbose", TFTSR_LOG_LEVEL_DEBUG },     { "fine", TFTSR_LOG_LEVEL_DEBUG },
    { "info", TFTSR_LOG_LEVEL_INFO },         { "notice", TFTSR_LOG_LEVEL_INFO },
    { "warn", TFTSR_LOG_LEVEL_WARNING },      { "warning", TFTSR_LOG_LEVEL_WARNING },
    { "error", TFTSR_LOG_LEVEL_ERROR },       { "err", TFTSR_LOG_LEVEL_ERROR },
    { "severe", TFTSR_LOG_LEVEL_ERROR },      { "fatal", TFTSR_LOG_LEVEL_CRITICAL },
    { "critical", TFTSR_LOG_LEVEL_CRITICAL }, { "crit", TFTSR_LOG_LEVEL_CRITICAL },
    { "alert", TFTSR_LOG_LEVEL_CRITICAL },    { "emerg", TFTSR_LOG_LEVEL_CRITICAL },
    { "panic", TFTSR_LOG_LEVEL_CRITICAL },
  };
  gboolean dummy;

  if (found == NULL)
    found = &dummy;
  *found = FALSE;
  if (n == 1)
    {
      /* Android's single letters, upper case only: "I" or "a" in prose are not levels */
      static const char letters[] = "VDIWEFA";
      static const TftsrLogLevel levels[] = { TFTSR_LOG_LEVEL_DEBUG,   TFTSR_LOG_LEVEL_DEBUG,
                                              TFTSR_LOG_LEVEL_INFO,    TFTSR_LOG_LEVEL_WARNING,
                                              TFTSR_LOG_LEVEL_ERROR,   TFTSR_LOG_LEVEL_CRITICAL,
                                              TFTSR_LOG_LEVEL_CRITICAL };
      const char *at = s[0] != '\0' ? strchr (letters, s[0]) : NULL;

      if (at == NULL)
        return TFTSR_LOG_LEVEL_NONE;
      *found = TRUE;
      return levels[at - letters];
    }
  for (guint k = 0; k < G_N_ELEMENTS (words); k++)
    if (strlen (words[k].word) == n && g_ascii_strncasecmp (s, words[k].word, n) == 0)
      {
        gboolean upper = g_ascii_isupper (s[0]), lower = g_ascii_islower (s[0]);

        /* "INFO", "info", "Info", not "iNFO" */
        for (gsize i = 1; i < n; i++)
          if ((upper && lower) || (!upper && g_ascii_isupper (s[i])))
            return TFTSR_LOG_LEVEL_NONE;
        *found = TRUE;
        return words[k].level;
      }
  return TFTSR_LOG_LEVEL_NONE;
}

/* The end of the word at @i (up to a space). */
static gsize
word_end (const char *s, gsize n, gsize i)
{
  while (i < n && !is_space (s[i]))
    i++;
  return i;
}

static gboolean
is_name_char (char c)
{
  return g_ascii_isalnum (c) || c == '_' || c == '.' || c == '$' || c == '-' || c == '/' ||
         c == '@' || c == '#';
}

/* "sshd[24200]:", "sshd(pam_unix)[19939]:", "org.apache.Foo:", "WindowManager:" at @i:
 * returns the end of the word (after the colon) or 0; the component is the name without
 * its pid. */
static gsize
colon_component (const char *s, gsize n, gsize i, gsize *name_end)
{
  gsize k = i, end = word_end (s, n, i);

  if (end - i < 2 || s[end - 1] != ':' || !(g_ascii_isalpha (s[i]) || s[i] == '_'))
    return 0;
  while (k < end - 1 && is_name_char (s[k]))
    k++;
  *name_end = k;
  if (k < end - 1 && s[k] == '(')
    {
      while (k < end - 1 && s[k] != ')')
        k++;
      if (k >= end - 1)
        return 0;
      k++;
      *name_end = k;
    }
  if (k < end - 1 && s[k] == '[')
    {
      k++;
      while (k < end - 1 && is_digit (s[k]))
        k++;
      if (k >= end - 1 || s[k] != ']')
        return 0;
      k++;
    }
  return k == end - 1 ? end : 0;
}

/* "[main]", "[QuorumPeer[myid=1]/0:0:0:0:0:0:0:0:2181:FastLeaderElection@774]": balanced,
 * short; returns the end after the closing bracket or 0. */
static gsize
bracket_end (const char *s, gsize n, gsize i)
{
  guint depth = 0;

  for (gsize k = i; k < n && k - i < BRACKET_MAX; k++)
    {
      if (s[k] == '[')
        depth++;
      else if (s[k] == ']' && --depth == 0)
        return k + 1;
    }
  return 0;
}

/* A level word at @i, alone or in brackets ("[error]", "<warn>"), followed by a space, a
 * colon or the end; returns its end or 0. */
static gsize
level_word (const char *s, gsize n, gsize i, gboolean single_letter, TftsrLogLevel *level)
{
  gsize k = i, start, stop;
  gboolean found = FALSE;
  char close = 0;

  if (k < n && (s[k] == '[' || s[k] == '<'))
    close = s[k++] == '[' ? ']' : '>';
  start = k;
  while (k < n && g_ascii_isalpha (s[k]))
    k++;
  stop = k;
  if (stop == start || (stop - start == 1 && !single_letter))
    return 0;
  if (close != 0)
    {
      if (k >= n || s[k] != close)
        return 0;
      k++;
    }
  if (k < n && s[k] == ':' && close == 0)
    k++;
  if (k < n && !is_space (s[k]))
    return 0;
  *level = tftsr_log_level_parse (s + start, stop - start, &found);
  return found ? k : 0;
}

static gboolean
all_digits (const char *s, gsize i, gsize end)
{
  if (i == end)
    return FALSE;
  for (gsize k = i; k < end; k++)
    if (!is_digit (s[k]))
      return FALSE;
  return TRUE;
}

static gsize
skip_spaces (const char *s, gsize n, gsize i)
{
  while (i < n && is_space (s[i]))
    i++;
  return i;
}

/* A timestamp at @i, bare or in brackets, ending at a boundary; returns its end or 0. */
static gsize
timestamp_at (const char *s, gsize n, gsize i, gint64 reference, gint64 *time)
{
  gsize t;

  if (i < n && s[i] == '[')
    {
      t = tftsr_log_time_parse (s + i + 1, n - i - 1, reference, time);
      return t > 0 && i + 1 + t < n && s[i + 1 + t] == ']' ? i + t + 2 : 0;
    }
  t = tftsr_log_time_parse (s + i, n - i, reference, time);
  if (t == 0)
    return 0;
  if (i + t < n && !is_space (s[i + t]) && s[i + t] != ',' && s[i + t] != '|' && s[i + t] != ']' &&
      s[i + t] != ':')
    return 0;
  return i + t;
}

void
tftsr_log_header_detect (const char *line, gsize len, gint64 reference, TftsrLogHeader *header)
{
  gsize p, end, name_end;
  gboolean have_time = FALSE, bracket_component = FALSE, host_skipped = FALSE;
  gint64 time = 0;

  g_return_if_fail (line != NULL || len == 0);
  g_return_if_fail (header != NULL);

  memset (header, 0, sizeof *header);
  p = skip_spaces (line, len, 0);
  /* An alert flag ("- " in BGL and Thunderbird) or a source name before the time */
  if (p + 1 < len && line[p] == '-' && line[p + 1] == ' ')
    p = skip_spaces (line, len, p + 1);
  else if (timestamp_at (line, len, p, reference, &time) == 0)
    {
      end = word_end (line, len, p);
      if (end < len && timestamp_at (line, len, skip_spaces (line, len, end), reference, &time) > 0)
        p = skip_spaces (line, len, end);
    }

  for (guint item = 0; item < HEADER_ITEMS_MAX && p < len; item++)
    {
      TftsrLogLevel level = TFTSR_LOG_LEVEL_NONE;

      if ((end = timestamp_at (line, len, p, reference, &time)) > 0)
        {
          /* A second timestamp (BGL's date then its time) is part of the header too */
          if (!have_time)
            header->time = time;
          have_time = TRUE;
        }
      else if (header->level == TFTSR_LOG_LEVEL_NONE &&
               (end = level_word (line, len, p, have_time, &level)) > 0)
        header->level = level;
      else if (header->component_end == 0 && line[p] == '[' && (have_time || header->level) &&
               (end = bracket_end (line, len, p)) > 0)
        {
          header->component_start = p + 1;
          header->component_end = end - 1;
          bracket_component = TRUE;
        }
      else if ((header->component_end == 0 || bracket_component) && (have_time || header->level) &&
               (end = colon_component (line, len, p, &name_end)) > 0)
        {
          header->component_start = p;
          header->component_end = name_end;
          p = end;
          break;
        }
      else if (line[p] == '|' && have_time)
        {
          /* HealthApp: "time|component|pid|message" */
          gsize field = p + 1, stop = field;

          while (stop < len && line[stop] != '|' && !is_space (line[stop]))
            stop++;
          if (stop >= len || line[stop] != '|')
            {
              p = field;
              break;
            }
          if (header->component_end == 0 && !all_digits (line, field, stop))
            {
              header->component_start = field;
              header->component_end = stop;
            }
          end = stop;
        }
      else if (have_time && (line[p] == '-' || line[p] == ',') &&
               (p + 1 >= len || is_space (line[p + 1])))
        end = p + 1; /* separators: "time - INFO", "time, Info" */
      else if (have_time && all_digits (line, p, (end = word_end (line, len, p))))
        ; /* a pid or thread id */
      else if (have_time && header->component_end == 0 && !host_skipped &&
               (end = word_end (line, len, p)) < len &&
               colon_component (line, len, skip_spaces (line, len, end), &name_end) > 0)
        host_skipped = TRUE; /* syslog's host name */
      else
        break;
      p = skip_spaces (line, len, end);
    }
  if (have_time || header->level != TFTSR_LOG_LEVEL_NONE)
    header->content_start = skip_spaces (line, len, p);
  else
    header->component_start = header->component_end = 0;
}
