/* tftsr.h: the public API of libtftsr
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tftsr-ai-client.h"
#include "tftsr-ai-error.h"
#include "tftsr-ai-message.h"
#include "tftsr-ai-provider.h"
#include "tftsr-attachment.h"
#include "tftsr-audit.h"
#include "tftsr-db-key.h"
#include "tftsr-egress.h"
#include "tftsr-image.h"
#include "tftsr-issue.h"
#include "tftsr-issue-list.h"
#include "tftsr-log.h"
#include "tftsr-log-analysis.h"
#include "tftsr-log-digest.h"
#include "tftsr-log-lines.h"
#include "tftsr-markdown.h"
#include "tftsr-net.h"
#include "tftsr-ollama.h"
#include "tftsr-pii.h"
#include "tftsr-pii-review.h"
#include "tftsr-pii-settings.h"
#include "tftsr-settings.h"
#include "tftsr-store.h"
#include "tftsr-timeline-event.h"
#include "tftsr-triage.h"
#include "tftsr-triage-attachment.h"
