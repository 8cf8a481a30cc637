/* tftsr-connector-test-util.h: fixtures shared by the connector tests (a connector saved in
 * a store, an incident to send, the requests a fake received and their JSON bodies)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json.h>

#include "tftsr-fake-server.h"
#include "tftsr-prism.h"
#include "tftsr-test-util.h"

/* Saves connector @id of @kind at @base_url, untested, with @auth, @user (NULL: none),
 * @secret (NULL: none) and @options (JSON; NULL: the default), asserting success. */
void tftsr_test_save_connector (TftsrStore *store, const char *id, TftsrConnectorKind kind,
                                const char *base_url, TftsrConnectorAuth auth, const char *user,
                                const char *secret, const char *options);

/* Creates an incident with @title, @description and @severity and returns its id. */
gint64 tftsr_test_new_incident (TftsrStore *store, const char *title, const char *description,
                                TftsrSeverity severity);

/* Answers @msg with @status and the JSON text @body (NULL: no body). */
void tftsr_test_json_reply (SoupServerMessage *msg, guint status, const char *body);

/* The last request @server received with @method on @path (without the query); fails the
 * test when there is none. */
TftsrFakeRequest *tftsr_test_last_request (TftsrFakeServer *server, const char *method,
                                           const char *path);

/* The body of @request parsed as JSON, asserting that it is JSON. */
json_object *tftsr_test_request_json (TftsrFakeRequest *request);

/* Records @item_id (@key) as the ticket of incident @issue_id at connector @connector, as a
 * create would have: update and comment need one. */
void tftsr_test_link_ticket (TftsrStore *store, gint64 issue_id, const char *connector,
                             const char *item_id, const char *key);

/* --- contract tests: a vendor's spec served by Prism ---------------------------------- */

/* Whether a line of Prism's violations is a known defect of the spec, not of the request. */
typedef gboolean (*TftsrKnownViolation) (const char *line);

/* Starts Prism on the spec file @spec, early (it loads while the other cases run); NULL with
 * *@missing set when Node.js, Prism or the specs are not there. */
TftsrPrism *tftsr_test_prism_start (const char *spec, char **missing);
/* For a contract case: FALSE, the case skipped, when @prism is NULL (@missing says why);
 * else waits until Prism listens and drops what it printed so far. */
gboolean tftsr_test_prism_ready (TftsrPrism *prism, const char *missing);
/* Prism received requests since the last look and found nothing wrong with them but
 * violations @is_known accepts (NULL: none); a violation is a 422 that fails the test. TRUE
 * when a known one showed. */
gboolean tftsr_test_prism_check (TftsrPrism *prism, const char *operation,
                                 TftsrKnownViolation is_known);
/* Operation @operation went through @prism: its requests pass tftsr_test_prism_check, and
 * when it failed (@ok FALSE) it is because Prism's made-up answer lacks a member the
 * operation needs (BAD_REPLY), or because Prism refused a known defect (REJECTED). */
void tftsr_test_prism_assert_sent (TftsrPrism *prism, const char *operation, gboolean ok,
                                   const GError *error, TftsrKnownViolation is_known);
