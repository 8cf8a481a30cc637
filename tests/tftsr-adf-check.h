/* tftsr-adf-check.h: whether a JSON document is Atlassian Document Format Jira accepts, for
 * the ADF tests and their fuzz target
 *
 * The rules are those of ADF's published schema for the nodes and marks the converter
 * writes: what each node may contain, required attributes, non-empty text, marks that may
 * combine. Any other node or member is a failure.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <json.h>

/* NULL when @doc is a valid ADF document, else a sentence naming the first problem and the
 * JSON path where it is ("content.2.content.0: empty text"). */
char *tftsr_adf_check (json_object *doc);
/* The same for JSON text: it must parse as exactly one value first. */
char *tftsr_adf_check_text (const char *json);
