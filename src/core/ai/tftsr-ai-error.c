/* tftsr-ai-error.c: the error domain of the AI providers and their streams
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "tftsr-ai-error.h"

G_DEFINE_QUARK (tftsr - ai - error - quark, tftsr_ai_error)
