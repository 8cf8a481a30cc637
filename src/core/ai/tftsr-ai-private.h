/* tftsr-ai-private.h: what the ai module shares inside the core
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tftsr-ai-provider.h"
#include "tftsr-credentials.h"

/* The API key of a provider, for building a request; NULL without @error when it has
 * none. Never handed to a front end. */
TftsrSecret *tftsr_store_dup_ai_key (TftsrStore *store, gint64 provider_id, GError **error);
