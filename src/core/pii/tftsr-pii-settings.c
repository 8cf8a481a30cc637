/* tftsr-pii-settings.c: engine settings, stored as one JSON document
 *
 * {"disabled": ["PHONE"], "allow": ["10.0.0.0/8"],
 *  "patterns": [{"name": "employee", "regex": "EMP-\\d{6}"}]}
 *
 * Type names the build does not know are kept as they are, so that an older build
 * reading a newer database neither loses nor misapplies them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>
#include <json.h>

#include "tftsr-pii-settings.h"
#include "tftsr-settings.h"
#include "tftsr-json-private.h"
#include "tftsr-store-private.h"

#define SETTINGS_KEY "pii"

struct _TftsrPiiSettings
{
  GPtrArray *disabled; /* type names, NULL-terminated */
  GPtrArray *allow;    /* NULL-terminated */
  GPtrArray *names;
  GPtrArray *regexes;
};

G_DEFINE_BOXED_TYPE (TftsrPiiSettings, tftsr_pii_settings, tftsr_pii_settings_copy,
                     tftsr_pii_settings_free)

static GPtrArray *
strv_array_new (void)
{
  return g_ptr_array_new_null_terminated (0, g_free, TRUE);
}

TftsrPiiSettings *
tftsr_pii_settings_new (void)
{
  TftsrPiiSettings *self = g_new0 (TftsrPiiSettings, 1);

  self->disabled = strv_array_new ();
  self->allow = strv_array_new ();
  self->names = strv_array_new ();
  self->regexes = strv_array_new ();
  return self;
}

static void
copy_strings (GPtrArray *to, GPtrArray *from)
{
  for (guint i = 0; i < from->len; i++)
    g_ptr_array_add (to, g_strdup (g_ptr_array_index (from, i)));
}

TftsrPiiSettings *
tftsr_pii_settings_copy (const TftsrPiiSettings *self)
{
  TftsrPiiSettings *copy = tftsr_pii_settings_new ();

  copy_strings (copy->disabled, self->disabled);
  copy_strings (copy->allow, self->allow);
  copy_strings (copy->names, self->names);
  copy_strings (copy->regexes, self->regexes);
  return copy;
}

void
tftsr_pii_settings_free (TftsrPiiSettings *self)
{
  if (self == NULL)
    return;
  g_ptr_array_unref (self->disabled);
  g_ptr_array_unref (self->allow);
  g_ptr_array_unref (self->names);
  g_ptr_array_unref (self->regexes);
  g_free (self);
}

static gboolean
find_string (GPtrArray *array, const char *text, guint *index)
{
  return g_ptr_array_find_with_equal_func (array, text, g_str_equal, index);
}

gboolean
tftsr_pii_settings_get_enabled (const TftsrPiiSettings *self, TftsrPiiType type)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return !find_string (self->disabled, tftsr_pii_type_to_string (type), NULL);
}

void
tftsr_pii_settings_set_enabled (TftsrPiiSettings *self, TftsrPiiType type, gboolean enabled)
{
  const char *name = tftsr_pii_type_to_string (type);
  guint index;

  g_return_if_fail (self != NULL && name != NULL);
  if (find_string (self->disabled, name, &index))
    {
      if (enabled)
        g_ptr_array_remove_index (self->disabled, index);
    }
  else if (!enabled)
    g_ptr_array_add (self->disabled, g_strdup (name));
}

const char *const *
tftsr_pii_settings_get_allow_list (const TftsrPiiSettings *self)
{
  static const char *const empty[] = { NULL };

  g_return_val_if_fail (self != NULL, NULL);
  /* A null-terminated array has no storage until its first element. */
  return self->allow->pdata != NULL ? (const char *const *) self->allow->pdata : empty;
}

/* Blank entries are dropped and the rest trimmed: the list is typed by hand. */
void
tftsr_pii_settings_set_allow_list (TftsrPiiSettings *self, const char *const *entries)
{
  g_return_if_fail (self != NULL);
  g_ptr_array_set_size (self->allow, 0);
  for (guint i = 0; entries != NULL && entries[i] != NULL; i++)
    {
      g_autofree char *entry = g_strstrip (g_strdup (entries[i]));
      if (*entry != '\0' && !find_string (self->allow, entry, NULL))
        g_ptr_array_add (self->allow, g_steal_pointer (&entry));
    }
}

guint
tftsr_pii_settings_get_n_patterns (const TftsrPiiSettings *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->names->len;
}

const char *
tftsr_pii_settings_get_pattern_name (const TftsrPiiSettings *self, guint index)
{
  g_return_val_if_fail (self != NULL && index < self->names->len, NULL);
  return g_ptr_array_index (self->names, index);
}

const char *
tftsr_pii_settings_get_pattern_regex (const TftsrPiiSettings *self, guint index)
{
  g_return_val_if_fail (self != NULL && index < self->regexes->len, NULL);
  return g_ptr_array_index (self->regexes, index);
}

void
tftsr_pii_settings_set_pattern (TftsrPiiSettings *self, const char *name, const char *regex)
{
  guint index;

  g_return_if_fail (self != NULL && name != NULL && regex != NULL);
  if (find_string (self->names, name, &index))
    {
      g_free (self->regexes->pdata[index]);
      self->regexes->pdata[index] = g_strdup (regex);
      return;
    }
  g_ptr_array_add (self->names, g_strdup (name));
  g_ptr_array_add (self->regexes, g_strdup (regex));
}

gboolean
tftsr_pii_settings_remove_pattern (TftsrPiiSettings *self, const char *name)
{
  guint index;

  g_return_val_if_fail (self != NULL && name != NULL, FALSE);
  if (!find_string (self->names, name, &index))
    return FALSE;
  g_ptr_array_remove_index (self->names, index);
  g_ptr_array_remove_index (self->regexes, index);
  return TRUE;
}

TftsrPiiScanner *
tftsr_pii_settings_build_scanner (const TftsrPiiSettings *self, GError **error)
{
  g_autoptr (TftsrPiiScanner) scanner = tftsr_pii_scanner_new ();

  g_return_val_if_fail (self != NULL, NULL);

  for (guint i = 0; i < self->disabled->len; i++)
    {
      TftsrPiiType type;
      if (tftsr_pii_type_from_string (g_ptr_array_index (self->disabled, i), &type))
        tftsr_pii_scanner_set_enabled (scanner, type, FALSE);
    }
  if (!tftsr_pii_scanner_set_allow_list (scanner, tftsr_pii_settings_get_allow_list (self), error))
    return NULL;
  for (guint i = 0; i < self->names->len; i++)
    if (!tftsr_pii_scanner_add_pattern (scanner, g_ptr_array_index (self->names, i),
                                        g_ptr_array_index (self->regexes, i), error))
      return NULL;
  return g_steal_pointer (&scanner);
}

/* --- storage -------------------------------------------------------------------------- */

static json_object *
strings_to_json (GPtrArray *array)
{
  json_object *list = json_object_new_array ();

  for (guint i = 0; i < array->len; i++)
    json_object_array_add (list, json_object_new_string (g_ptr_array_index (array, i)));
  return list;
}

static char *
settings_to_json (const TftsrPiiSettings *self)
{
  g_autoptr (json_object) root = json_object_new_object ();
  json_object *patterns = json_object_new_array ();

  json_object_object_add (root, "disabled", strings_to_json (self->disabled));
  json_object_object_add (root, "allow", strings_to_json (self->allow));
  for (guint i = 0; i < self->names->len; i++)
    {
      json_object *pattern = json_object_new_object ();
      json_object_object_add (pattern, "name",
                              json_object_new_string (g_ptr_array_index (self->names, i)));
      json_object_object_add (pattern, "regex",
                              json_object_new_string (g_ptr_array_index (self->regexes, i)));
      json_object_array_add (patterns, pattern);
    }
  json_object_object_add (root, "patterns", patterns);
  return g_strdup (json_object_to_json_string_ext (root, JSON_C_TO_STRING_PLAIN));
}

static const char *
member_string (json_object *object, const char *key)
{
  json_object *value = NULL;

  if (!json_object_object_get_ex (object, key, &value) ||
      !json_object_is_type (value, json_type_string))
    return NULL;
  return json_object_get_string (value);
}

/* Keeps the string members of the array @key of @root. */
static void
strings_from_json (json_object *root, const char *key, GPtrArray *to)
{
  json_object *list = NULL;

  if (!json_object_object_get_ex (root, key, &list) || !json_object_is_type (list, json_type_array))
    return;
  for (size_t i = 0; i < json_object_array_length (list); i++)
    {
      json_object *item = json_object_array_get_idx (list, i);
      if (json_object_is_type (item, json_type_string))
        g_ptr_array_add (to, g_strdup (json_object_get_string (item)));
    }
}

static gboolean
settings_from_json (TftsrPiiSettings *self, const char *text, GError **error)
{
  g_autoptr (json_object) root = json_tokener_parse (text);
  json_object *patterns = NULL;

  if (root == NULL || !json_object_is_type (root, json_type_object))
    {
      g_set_error_literal (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_CORRUPT,
                           _ ("The stored detection settings are damaged"));
      return FALSE;
    }
  strings_from_json (root, "disabled", self->disabled);
  strings_from_json (root, "allow", self->allow);
  if (json_object_object_get_ex (root, "patterns", &patterns) &&
      json_object_is_type (patterns, json_type_array))
    for (size_t i = 0; i < json_object_array_length (patterns); i++)
      {
        json_object *pattern = json_object_array_get_idx (patterns, i);
        const char *name = member_string (pattern, "name");
        const char *regex = member_string (pattern, "regex");
        if (name != NULL && regex != NULL)
          tftsr_pii_settings_set_pattern (self, name, regex);
      }
  return TRUE;
}

TftsrPiiSettings *
tftsr_store_load_pii_settings (TftsrStore *store, GError **error)
{
  g_autoptr (TftsrPiiSettings) settings = tftsr_pii_settings_new ();
  g_autoptr (GError) local_error = NULL;
  g_autofree char *text = tftsr_store_get_setting (store, SETTINGS_KEY, &local_error);

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (text != NULL && !settings_from_json (settings, text, error))
    return NULL;
  return g_steal_pointer (&settings);
}

gboolean
tftsr_store_save_pii_settings (TftsrStore *store, const TftsrPiiSettings *settings, GError **error)
{
  g_autoptr (TftsrPiiScanner) check = tftsr_pii_settings_build_scanner (settings, error);
  g_autofree char *text = NULL;

  if (check == NULL)
    return FALSE;
  text = settings_to_json (settings);
  return tftsr_store_set_setting (store, SETTINGS_KEY, text, error);
}

TftsrPiiScanner *
tftsr_store_load_pii_scanner (TftsrStore *store, GError **error)
{
  g_autoptr (TftsrPiiSettings) settings = tftsr_store_load_pii_settings (store, error);

  if (settings == NULL)
    return NULL;
  return tftsr_pii_settings_build_scanner (settings, error);
}

/* --- in a worker ---------------------------------------------------------------------- */

static gpointer
load_settings_call (TftsrStore *store, gpointer data, GError **error)
{
  return tftsr_store_load_pii_settings (store, error);
}

void
tftsr_store_load_pii_settings_async (TftsrStore *store, GCancellable *cancellable,
                                     GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (TFTSR_IS_STORE (store));
  tftsr_store_run_async (store, tftsr_store_load_pii_settings_async, load_settings_call, NULL, NULL,
                         (GDestroyNotify) tftsr_pii_settings_free, cancellable, callback,
                         user_data);
}

TftsrPiiSettings *
tftsr_store_load_pii_settings_finish (TftsrStore *store, GAsyncResult *result, GError **error)
{
  return tftsr_store_run_finish (store, result, tftsr_store_load_pii_settings_async, error);
}

static gpointer
save_settings_call (TftsrStore *store, gpointer settings, GError **error)
{
  return tftsr_store_save_pii_settings (store, settings, error) ? GINT_TO_POINTER (1) : NULL;
}

void
tftsr_store_save_pii_settings_async (TftsrStore *store, const TftsrPiiSettings *settings,
                                     GCancellable *cancellable, GAsyncReadyCallback callback,
                                     gpointer user_data)
{
  g_return_if_fail (TFTSR_IS_STORE (store));
  g_return_if_fail (settings != NULL);
  /* A copy: the caller may go on editing its settings meanwhile. */
  tftsr_store_run_async (store, tftsr_store_save_pii_settings_async, save_settings_call,
                         tftsr_pii_settings_copy (settings),
                         (GDestroyNotify) tftsr_pii_settings_free, NULL, cancellable, callback,
                         user_data);
}

gboolean
tftsr_store_save_pii_settings_finish (TftsrStore *store, GAsyncResult *result, GError **error)
{
  return tftsr_store_run_finish (store, result, tftsr_store_save_pii_settings_async, error) != NULL;
}

static gpointer
load_scanner_call (TftsrStore *store, gpointer data, GError **error)
{
  return tftsr_store_load_pii_scanner (store, error);
}

void
tftsr_store_load_pii_scanner_async (TftsrStore *store, GCancellable *cancellable,
                                    GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (TFTSR_IS_STORE (store));
  tftsr_store_run_async (store, tftsr_store_load_pii_scanner_async, load_scanner_call, NULL, NULL,
                         g_object_unref, cancellable, callback, user_data);
}

TftsrPiiScanner *
tftsr_store_load_pii_scanner_finish (TftsrStore *store, GAsyncResult *result, GError **error)
{
  return tftsr_store_run_finish (store, result, tftsr_store_load_pii_scanner_async, error);
}
