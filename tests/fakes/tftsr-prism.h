/* tftsr-prism.h: a vendor's published API description served on loopback by Prism
 *
 * Prism (npm @stoplight/prism-cli, installed into tests/contracts by install-deps.sh) mocks
 * an OpenAPI document: it validates every request against the document, answers a valid one
 * with an example and an invalid one with 422 (401 for missing credentials), and logs what
 * it found. The specs are the vendors' own, in ../shared/contracts beside the source tree.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <tftsr.h>

G_BEGIN_DECLS

typedef struct _TftsrPrism TftsrPrism;

/* NULL when the specs, Node.js and Prism are all there, else why the contract tests cannot
 * run (for g_test_skip). */
char *tftsr_prism_missing (void);
/* Writes the spec at @relative inside the contracts folder as Prism can check it, with only
 * the operations under @path, to @out (tests/contracts/spec-for-prism.js says what changes). */
gboolean tftsr_prism_prepare_spec (const char *relative, const char *path, const char *out,
                                   GError **error);

/* Starts `prism mock -d` for the spec file @spec on 127.0.0.1 and a free port; it listens
 * some seconds later (tftsr_prism_wait). Prism's output is collected. */
TftsrPrism *tftsr_prism_start (const char *spec, GError **error);
/* Waits until Prism accepts connections: FALSE with @error when it exited or did not
 * listen within @seconds. */
gboolean tftsr_prism_wait (TftsrPrism *prism, guint seconds, GError **error);
/* "http://127.0.0.1:PORT" + @path. */
char *tftsr_prism_url (TftsrPrism *prism, const char *path);
/* Performs @request (to Prism) and returns the response, with @log set to what Prism
 * printed while it handled that request, from its "Request received" line on. */
TftsrHttpResponse *tftsr_prism_perform (TftsrPrism *prism, TftsrHttpRequest *request, char **log,
                                        GError **error);
/* What Prism printed about the requests another client (a connector under test) sent it
 * since the previous call, or since it started: waits until Prism has handled them all,
 * as tftsr_prism_perform does. "" when there were none. */
char *tftsr_prism_take_log (TftsrPrism *prism, GError **error);
/* The lines of @log that report a failed check: "✖" (error) and "Violation:" lines; "" if
 * there is none. */
char *tftsr_prism_violations (const char *log);
/* Kills Prism and frees @prism. */
void tftsr_prism_stop (TftsrPrism *prism);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrPrism, tftsr_prism_stop)

G_END_DECLS
