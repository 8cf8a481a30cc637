/* tftsr-vocab-private.h: shared plumbing for the fixed vocabularies (enums with stable
 * machine names and translated labels)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

/* @values is a GEnumValue table terminated by a zeroed entry; value_nick is the
 * stable machine name. Enum values are 0..n-1 in table order. */
GType tftsr_vocab_register (gsize *type_once, const char *type_name, const GEnumValue *values);
const char *tftsr_vocab_name (const GEnumValue *values, guint value);
gboolean tftsr_vocab_lookup (const GEnumValue *values, const char *name, gint *out);
char *tftsr_vocab_list (const GEnumValue *values);
