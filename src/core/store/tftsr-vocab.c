/* tftsr-vocab.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "tftsr-vocab-private.h"

GType
tftsr_vocab_register (gsize *type_once, const char *type_name, const GEnumValue *values)
{
  if (g_once_init_enter (type_once))
    {
      GType type = g_enum_register_static (g_intern_static_string (type_name), values);
      g_once_init_leave (type_once, type);
    }
  return *type_once;
}

const char *
tftsr_vocab_name (const GEnumValue *values, guint value)
{
  for (guint i = 0; values[i].value_nick != NULL; i++)
    if ((guint) values[i].value == value)
      return values[i].value_nick;
  g_return_val_if_reached (NULL);
}

gboolean
tftsr_vocab_lookup (const GEnumValue *values, const char *name, gint *out)
{
  if (name == NULL)
    return FALSE;
  for (guint i = 0; values[i].value_nick != NULL; i++)
    if (g_ascii_strcasecmp (values[i].value_nick, name) == 0)
      {
        if (out != NULL)
          *out = values[i].value;
        return TRUE;
      }
  return FALSE;
}

char *
tftsr_vocab_list (const GEnumValue *values)
{
  GString *out = g_string_new (NULL);
  for (guint i = 0; values[i].value_nick != NULL; i++)
    g_string_append_printf (out, "%s%s", i > 0 ? ", " : "", values[i].value_nick);
  return g_string_free (out, FALSE);
}
