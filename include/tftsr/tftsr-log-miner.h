/* tftsr-log-miner.h: log lines to templates, online and in one pass (Drain-style), with
 * header detection and masking
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TFTSR_LOG_MINER_ERROR (tftsr_log_miner_error_quark ())
GQuark tftsr_log_miner_error_quark (void);

typedef enum
{
  TFTSR_LOG_MINER_ERROR_FORMAT, /* a header format that cannot be used */
} TftsrLogMinerError;

/* Ordered by severity: a template's level is the most severe one seen on its lines. */
typedef enum
{
  TFTSR_LOG_LEVEL_NONE,
  TFTSR_LOG_LEVEL_DEBUG,
  TFTSR_LOG_LEVEL_INFO,
  TFTSR_LOG_LEVEL_WARNING,
  TFTSR_LOG_LEVEL_ERROR,
  TFTSR_LOG_LEVEL_CRITICAL,
} TftsrLogLevel;

/* "none", "debug", "info", "warning", "error", "critical" (stable: stored and in JSON). */
const char *tftsr_log_level_to_string (TftsrLogLevel level);
TftsrLogLevel tftsr_log_level_from_string (const char *name);

/* What leads a line: all offsets are bytes into the line. */
typedef struct
{
  gint64 time; /* microseconds since the epoch, UTC (a zoneless time is read as UTC); 0: none */
  TftsrLogLevel level;
  guint component_start; /* equal to component_end: no component; a pid or brackets
                          * around it are not part of it ("sshd" of "sshd[24200]:") */
  guint component_end;
  guint content_start; /* where the message starts: 0 when no header was found */
} TftsrLogHeader;

/* Finds the header of @line without any configuration: a leading timestamp in the common
 * forms (ISO 8601 / RFC 3339, syslog "Mon DD HH:MM:SS", Apache "[Day Mon DD HH:MM:SS YYYY]",
 * "YYMMDD HHMMSS", "YYYY/MM/DD", "YYYY.MM.DD", epoch seconds…), a level word (INFO, WARN,
 * E, [error]…) and a component ("sshd[24200]:", "org.foo.Bar:", "[main]"). A year-less
 * timestamp ("Dec 10 06:55:46") takes the latest year that does not put it more than a day
 * after @reference (microseconds since the epoch: when the log was added; the day allows
 * for local times read as UTC). Never fails: what it does not find stays 0. */
void tftsr_log_header_detect (const char *line, gsize len, gint64 reference,
                              TftsrLogHeader *header);

/* A Drain-style header format such as "<Date> <Time> <Level> <Component>: <Content>" (the
 * Loghub log_format): fields in angle brackets, literal text between them. Fields named
 * Date, Time, Day, Month, Year, Timestamp make the time; Level the level; Component (or
 * Process, Node, Logger) the component; Content the message. */
typedef struct _TftsrLogFormat TftsrLogFormat;

TftsrLogFormat *tftsr_log_format_new (const char *format, GError **error);
void tftsr_log_format_free (TftsrLogFormat *format);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrLogFormat, tftsr_log_format_free)
/* FALSE when @line does not have the format's shape (then the whole line is content). */
gboolean tftsr_log_format_parse (const TftsrLogFormat *format, const char *line, gsize len,
                                 gint64 reference, TftsrLogHeader *header);

/* A span of a line to mask whatever its text: a detected PII value (bytes into the line). */
typedef struct
{
  guint start;
  guint end;
} TftsrLogMask;

#define TFTSR_LOG_TEMPLATE_SAMPLES 3

/* One template and what was seen of it. Lines are numbered from 1 in the order they were
 * added; offsets are what the caller passed. */
typedef struct
{
  guint32 id; /* from 1, never reused; merged templates keep the id of the one they joined */
  char *text; /* the message's tokens, parameters as <*> */
  guint64 count;
  TftsrLogLevel level;
  guint64 first_line;
  guint64 last_line;
  guint64 first_offset;
  guint64 last_offset;
  gint64 first_time; /* 0: no line had a time */
  gint64 last_time;
  guint n_samples;
  char *samples[TFTSR_LOG_TEMPLATE_SAMPLES]; /* whole lines as added (not masked) */
} TftsrLogTemplate;

TftsrLogTemplate *tftsr_log_template_copy (const TftsrLogTemplate *self);
void tftsr_log_template_free (TftsrLogTemplate *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrLogTemplate, tftsr_log_template_free)
/* Whether @masked (a masked message, see tftsr_log_miner_mask) fits @template_text: same
 * number of tokens, each equal or fitting the template's with <*> standing for any text
 * ("[<*>]" takes "[main]"). */
gboolean tftsr_log_template_matches (const char *template_text, const char *masked);

typedef struct _TftsrLogMiner TftsrLogMiner;

/* Clusters above the cap are evicted least recently used first (memory stays bounded);
 * 0 means the default, TFTSR_LOG_MINER_MAX_TEMPLATES. One global configuration: no other
 * knob, so what the Loghub evaluation measures is what users get. */
#define TFTSR_LOG_MINER_MAX_TEMPLATES 20000
TftsrLogMiner *tftsr_log_miner_new (guint max_templates);
void tftsr_log_miner_free (TftsrLogMiner *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrLogMiner, tftsr_log_miner_free)
/* Splits headers with @format instead of detecting them (NULL: detect); the miner keeps
 * its own copy. */
void tftsr_log_miner_set_format (TftsrLogMiner *self, const TftsrLogFormat *format);
/* The moment year-less timestamps are read against, as tftsr_log_header_detect() does
 * (default: when the miner was made). */
void tftsr_log_miner_set_reference (TftsrLogMiner *self, gint64 reference);

/* Adds one line (without its newline) at byte @offset of the log. @pii, sorted and not
 * overlapping, are masked like numbers, addresses and ids, so a template never shows them.
 * Returns the id of the line's template; @header (may be NULL) gets the line's header. A
 * line without a time of its own (a stack trace's) takes the previous line's, in @header
 * too. Templates can merge later, when a word in them turns out to take many values (user
 * names): an id handed out before still finds the merged template through
 * tftsr_log_miner_get_template(), whose id is then the one to keep. */
guint32 tftsr_log_miner_add (TftsrLogMiner *self, const char *line, gsize len, guint64 offset,
                             const TftsrLogMask *pii, guint n_pii, TftsrLogHeader *header);
/* The masked message of @line, tokens separated by one space (what templates are made
 * of), and its header; the miner is not changed. */
char *tftsr_log_miner_mask (TftsrLogMiner *self, const char *line, gsize len,
                            const TftsrLogMask *pii, guint n_pii, TftsrLogHeader *header);

guint64 tftsr_log_miner_get_lines (TftsrLogMiner *self);
/* Lines whose template was evicted under the cap. */
guint64 tftsr_log_miner_get_evicted_lines (TftsrLogMiner *self);
/* The current template of id @id (or of the template it merged into), or NULL (evicted or
 * unknown). Owned by the miner, valid until the next add. */
const TftsrLogTemplate *tftsr_log_miner_get_template (TftsrLogMiner *self, guint32 id);
/* Every live template, by id, as new copies (TftsrLogTemplate). */
GPtrArray *tftsr_log_miner_dup_templates (TftsrLogMiner *self);

G_END_DECLS
