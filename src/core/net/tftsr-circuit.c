/* tftsr-circuit.c: a circuit breaker per service
 *
 * A service that keeps failing is not asked again and again: after a run of failures the
 * circuit opens and requests fail at once, saying when it will be tried again; after the
 * cool-down one request goes through as a probe, and its outcome closes or reopens it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>

#include "tftsr-http-private.h"

struct _TftsrCircuit
{
  gatomicrefcount refs;
  GMutex lock;
  char *name;
  guint threshold;
  guint cooldown; /* seconds */
  guint failures; /* in a row */
  TftsrCircuitState state;
  gint64 opened_at;      /* monotonic µs */
  gboolean probe_flying; /* half-open: the one request let through has not ended */
};

TftsrCircuit *
tftsr_circuit_new (const char *name, guint threshold, guint cooldown_seconds)
{
  TftsrCircuit *circuit = g_new0 (TftsrCircuit, 1);

  g_return_val_if_fail (name != NULL && threshold > 0, NULL);

  g_atomic_ref_count_init (&circuit->refs);
  g_mutex_init (&circuit->lock);
  circuit->name = g_strdup (name);
  circuit->threshold = threshold;
  circuit->cooldown = cooldown_seconds;
  circuit->state = TFTSR_CIRCUIT_CLOSED;
  return circuit;
}

TftsrCircuit *
tftsr_circuit_ref (TftsrCircuit *circuit)
{
  g_atomic_ref_count_inc (&circuit->refs);
  return circuit;
}

void
tftsr_circuit_unref (TftsrCircuit *circuit)
{
  if (circuit == NULL || !g_atomic_ref_count_dec (&circuit->refs))
    return;
  g_mutex_clear (&circuit->lock);
  g_free (circuit->name);
  g_free (circuit);
}

/* Open past its cool-down becomes half-open. Called locked. */
static void
update (TftsrCircuit *circuit)
{
  if (circuit->state == TFTSR_CIRCUIT_OPEN &&
      g_get_monotonic_time () - circuit->opened_at >= (gint64) circuit->cooldown * G_USEC_PER_SEC)
    circuit->state = TFTSR_CIRCUIT_HALF_OPEN;
}

TftsrCircuitState
tftsr_circuit_get_state (TftsrCircuit *circuit)
{
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&circuit->lock);

  update (circuit);
  return circuit->state;
}

gboolean
tftsr_circuit_admit (TftsrCircuit *circuit, gboolean *probe, GError **error)
{
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&circuit->lock);
  gint64 left;

  update (circuit);
  *probe = FALSE;
  if (circuit->state == TFTSR_CIRCUIT_CLOSED)
    return TRUE;
  if (circuit->state == TFTSR_CIRCUIT_HALF_OPEN && !circuit->probe_flying)
    {
      circuit->probe_flying = TRUE;
      *probe = TRUE;
      return TRUE;
    }
  left = circuit->state == TFTSR_CIRCUIT_OPEN
             ? (circuit->opened_at + (gint64) circuit->cooldown * G_USEC_PER_SEC -
                g_get_monotonic_time () + G_USEC_PER_SEC - 1) /
                   G_USEC_PER_SEC
             : 0;
  if (left > 0)
    g_set_error (error, TFTSR_NET_ERROR, TFTSR_NET_ERROR_CIRCUIT_OPEN,
                 _ ("%s failed %u times in a row: it is tried again in %u s"), circuit->name,
                 circuit->failures, (guint) left);
  else
    g_set_error (error, TFTSR_NET_ERROR, TFTSR_NET_ERROR_CIRCUIT_OPEN,
                 _ ("%s failed %u times in a row: a request is checking whether it is back"),
                 circuit->name, circuit->failures);
  return FALSE;
}

void
tftsr_circuit_record (TftsrCircuit *circuit, gboolean probe, TftsrCircuitOutcome outcome)
{
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&circuit->lock);

  if (probe)
    circuit->probe_flying = FALSE;
  if (outcome == TFTSR_CIRCUIT_NEUTRAL)
    return;
  if (outcome == TFTSR_CIRCUIT_SUCCESS)
    {
      circuit->failures = 0;
      circuit->state = TFTSR_CIRCUIT_CLOSED;
      return;
    }
  circuit->failures++;
  /* A failed probe opens it again at once; a closed circuit needs the whole run. */
  if (probe || circuit->state == TFTSR_CIRCUIT_HALF_OPEN || circuit->failures >= circuit->threshold)
    {
      if (circuit->state != TFTSR_CIRCUIT_OPEN)
        g_debug ("%s: circuit open after %u failures in a row", circuit->name, circuit->failures);
      circuit->state = TFTSR_CIRCUIT_OPEN;
      circuit->opened_at = g_get_monotonic_time ();
    }
}
