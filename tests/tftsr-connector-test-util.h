/* tftsr-connector-test-util.h: fixtures shared by the connector tests (a connector saved in
 * a store, an incident to send, the requests a fake received and their JSON bodies)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json.h>

#include "tftsr-fake-server.h"
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
