/* godwit-json.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Checked reading of the JSON files people write for Godwit (migration
 * plans, validate's expectations): plain RFC 8259 JSON within a size and
 * nesting limit, no key given twice, and errors that name the file and
 * the key at fault as a path into the JSON. Also the members that the
 * JSON Godwit writes (docs/cli.md) shares.
 */

#define G_LOG_DOMAIN "godwit-json"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "godwit-json-private.h"

/**
 * _godwit_json_set_error_valist:
 * @origin: (nullable): the file, to start the message with
 * @path: (nullable): where in the JSON, as _godwit_json_member_path()
 *   writes it; without @origin, it names the file itself
 *
 * Sets @error to “ORIGIN: PATH: problem”, leaving out what is %NULL.
 */
void
_godwit_json_set_error_valist (const char   *origin,
                               GError      **error,
                               GodwitError   code,
                               const char   *path,
                               const char   *format,
                               va_list       args)
{
  g_autofree char *problem = g_strdup_vprintf (format, args);
  g_autofree char *where = NULL;

  if (origin != NULL && path != NULL)
    where = g_strdup_printf ("%s: %s", origin, path);
  else
    where = g_strdup (origin != NULL ? origin : path);

  if (where != NULL)
    g_set_error (error, GODWIT_ERROR, code, "%s: %s", where, problem);
  else
    g_set_error_literal (error, GODWIT_ERROR, code, problem);
}

void
_godwit_json_set_error (const char   *origin,
                        GError      **error,
                        GodwitError   code,
                        const char   *path,
                        const char   *format,
                        ...)
{
  va_list args;

  va_start (args, format);
  _godwit_json_set_error_valist (origin, error, code, path, format, args);
  va_end (args);
}

/* Letters, digits, “-” and “_”: what model names and Godwit's own keys
 * are made of. */
static gboolean
is_plain_key (const char *key)
{
  if (*key == '\0')
    return FALSE;

  for (const char *p = key; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
      return FALSE;

  return TRUE;
}

/**
 * _godwit_json_member_path:
 * @parent: (nullable): the path of the object, %NULL at the top level
 *
 * The path of the member @key: “stages[1].to”. A key that is not a plain
 * name, such as a file name, goes in brackets and quotes:
 * “fixtures["garden-1.sqlite"]”.
 *
 * Returns: (transfer full): the path
 */
char *
_godwit_json_member_path (const char *parent,
                          const char *key)
{
  if (is_plain_key (key))
    return parent != NULL ? g_strdup_printf ("%s.%s", parent, key) : g_strdup (key);

  return g_strdup_printf ("%s[\"%s\"]", parent != NULL ? parent : "", key);
}

/**
 * _godwit_json_describe_node:
 *
 * Returns: what @node holds, for messages: “an object”, “a string”…
 */
const char *
_godwit_json_describe_node (JsonNode *node)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      return _("an object");
    case JSON_NODE_ARRAY:
      return _("an array");
    case JSON_NODE_NULL:
      return "null";
    case JSON_NODE_VALUE:
    default:
      break;
    }

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      return _("a string");
    case G_TYPE_BOOLEAN:
      return _("true or false");
    default:
      return _("a number");
    }
}

/**
 * _godwit_json_join_quoted:
 * @words: %NULL-terminated
 *
 * Returns: (transfer full): “a”, “b” and “c”
 */
char *
_godwit_json_join_quoted (const char * const *words)
{
  GString *text = g_string_new (NULL);
  guint n = g_strv_length ((char **) words);

  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        /* Translators: between the last two of a list of quoted words */
        g_string_append (text, i + 1 == n ? _(" and ") : ", ");
      g_string_append_printf (text, "“%s”", words[i]);
    }

  return g_string_free (text, FALSE);
}

/**
 * _godwit_json_check_keys:
 * @origin: (nullable): the file, for the message
 * @path: (nullable): where @object is, %NULL at the top level
 * @allowed: the keys @object may have, %NULL-terminated
 * @what: what @object is, for the message: “a custom stage”
 *
 * A misspelt key would leave out what it meant to say: every key must be
 * one of @allowed.
 *
 * Returns: %FALSE with @error set (%GODWIT_ERROR_INVALID_MODEL) at the
 *   first other key
 */
gboolean
_godwit_json_check_keys (JsonObject          *object,
                         const char          *origin,
                         const char          *path,
                         const char * const  *allowed,
                         const char          *what,
                         GError             **error)
{
  g_autoptr(GList) members = json_object_get_members (object);

  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *key = l->data;

      if (!g_strv_contains (allowed, key))
        {
          g_autofree char *key_path = _godwit_json_member_path (path, key);
          g_autofree char *keys = _godwit_json_join_quoted (allowed);

          _godwit_json_set_error (origin, error, GODWIT_ERROR_INVALID_MODEL, key_path,
                                  _("unknown key (%s has the keys %s)"), what, keys);
          return FALSE;
        }
    }

  return TRUE;
}

/* json-glib parses recursively and accepts more than JSON: single-quoted
 * strings, comments, and anything after the top-level value. Refuse those,
 * and nesting deeper than @max_depth, before it runs: what it then sees is
 * plain JSON that cannot exhaust the stack. */
static gboolean
check_text (const char  *origin,
            const char  *data,
            gsize        length,
            guint        max_depth,
            GError     **error)
{
  gboolean in_string = FALSE;
  gboolean ended = FALSE;
  guint depth = 0;
  guint line = 1;

  /* Also refuses NUL bytes, which would end the text early. */
  if (!g_utf8_validate (data, length, NULL))
    {
      _godwit_json_set_error (origin, error, GODWIT_ERROR_INVALID_MODEL, NULL,
                              _("not JSON: not UTF-8 text, or it holds a NUL byte"));
      return FALSE;
    }

  for (gsize i = 0; i < length; i++)
    {
      char c = data[i];

      if (c == '\n')
        line++;

      if (in_string)
        {
          if (c == '"')
            {
              in_string = FALSE;
            }
          else if (c == '\\' && i + 1 < length)
            {
              /* A NUL would cut the string short where it is used. */
              if (length - i > 5 && memcmp (data + i + 1, "u0000", 5) == 0)
                {
                  _godwit_json_set_error (origin, error, GODWIT_ERROR_INVALID_MODEL, NULL,
                                          _("line %u: a string holds \\u0000 (a NUL character)"), line);
                  return FALSE;
                }
              i++;
            }
          continue;
        }

      if (ended && !g_ascii_isspace (c))
        {
          _godwit_json_set_error (origin, error, GODWIT_ERROR_INVALID_MODEL, NULL,
                                  _("not JSON: line %u: text after the end of the top-level value"), line);
          return FALSE;
        }

      switch (c)
        {
        case '"':
          in_string = TRUE;
          break;

        case '[':
        case '{':
          if (++depth > max_depth)
            {
              _godwit_json_set_error (origin, error, GODWIT_ERROR_LIMIT_EXCEEDED, NULL,
                                      _("line %u: arrays and objects are nested more than %u deep"),
                                      line, max_depth);
              return FALSE;
            }
          break;

        case ']':
        case '}':
          if (depth == 0)
            {
              _godwit_json_set_error (origin, error, GODWIT_ERROR_INVALID_MODEL, NULL,
                                      _("not JSON: line %u: “%c” closes nothing"), line, c);
              return FALSE;
            }
          if (--depth == 0)
            ended = TRUE;
          break;

        case '\'':
        case '/':
          _godwit_json_set_error (origin, error, GODWIT_ERROR_INVALID_MODEL, NULL,
                                  _("not JSON: line %u: unexpected “%c” (JSON has neither single-quoted "
                                    "strings nor comments)"), line, c);
          return FALSE;

        default:
          break;
        }
    }

  return TRUE;
}

/* json-glib keeps the last of a key given twice in one object without a
 * word: the first such key is remembered for the error. */
typedef struct
{
  GHashTable *member_counts;     /* (element-type JsonObject guint) members seen, by object */
  JsonObject *duplicate_object;  /* (owned) (nullable) */
  char       *duplicate_member;
} Duplicates;

static void
on_object_member (JsonParser *parser,
                  JsonObject *object,
                  const char *member,
                  Duplicates *d)
{
  guint count = GPOINTER_TO_UINT (g_hash_table_lookup (d->member_counts, object)) + 1;

  /* More members seen than the object holds: this one replaced an earlier
   * one. No object is freed while parsing before that happens, so the
   * object addresses counted are all distinct. */
  g_hash_table_insert (d->member_counts, object, GUINT_TO_POINTER (count));
  if (count > json_object_get_size (object) && d->duplicate_object == NULL)
    {
      d->duplicate_object = json_object_ref (object);
      d->duplicate_member = g_strdup (member);
    }
}

/* Where @target is under @node (at @path), into @found (NULL at the top
 * level). The nesting was bounded before parsing. */
static gboolean
find_object (JsonNode    *node,
             JsonObject  *target,
             const char  *path,
             char       **found)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      g_autoptr(GList) members = NULL;

      if (object == target)
        {
          *found = g_strdup (path);
          return TRUE;
        }

      members = json_object_get_members (object);
      for (GList *l = members; l != NULL; l = l->next)
        {
          g_autofree char *member_path = _godwit_json_member_path (path, l->data);

          if (find_object (json_object_get_member (object, l->data), target, member_path, found))
            return TRUE;
        }
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          g_autofree char *element_path = g_strdup_printf ("%s[%u]", path != NULL ? path : "", i);

          if (find_object (json_array_get_element (array, i), target, element_path, found))
            return TRUE;
        }
    }

  return FALSE;
}

static void
set_duplicate_error (const char  *origin,
                     JsonNode    *root,
                     Duplicates  *d,
                     GError     **error)
{
  g_autofree char *object_path = NULL;

  if (find_object (root, d->duplicate_object, NULL, &object_path))
    {
      g_autofree char *key_path = _godwit_json_member_path (object_path, d->duplicate_member);

      _godwit_json_set_error (origin, error, GODWIT_ERROR_INVALID_MODEL, key_path,
                              _("given twice in one object"));
    }
  else
    {
      /* json-glib dropped the object along with the first value of a key
       * given twice around it. */
      _godwit_json_set_error (origin, error, GODWIT_ERROR_INVALID_MODEL, NULL,
                              _("the key “%s” is given twice in one object"), d->duplicate_member);
    }
}

/**
 * _godwit_json_load_checked:
 * @data: JSON text, not necessarily NUL-terminated
 * @origin: the file it came from, to start error messages with
 * @what: what the top-level object is, for messages: “a migration plan”
 * @max_size: the longest text read, in bytes
 * @max_depth: how deep arrays and objects may nest
 *
 * Parses @data as plain JSON (RFC 8259: no comments, no single-quoted
 * strings, nothing after the top-level value, no “\u0000”) whose top
 * level is an object in which no object gives a key twice. The text is
 * checked before json-glib sees it, which would otherwise exhaust the
 * stack on deep nesting.
 *
 * Returns: (transfer full): the top-level node, an object, or %NULL with
 *   @error set (%GODWIT_ERROR_LIMIT_EXCEEDED over a limit, else
 *   %GODWIT_ERROR_INVALID_MODEL), the message naming @origin, the line or
 *   the key at fault, and the problem
 */
JsonNode *
_godwit_json_load_checked (const char  *data,
                           gsize        length,
                           const char  *origin,
                           const char  *what,
                           gsize        max_size,
                           guint        max_depth,
                           GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GHashTable) member_counts = NULL;
  g_autoptr(GError) json_error = NULL;
  g_autoptr(JsonNode) root = NULL;
  Duplicates d = { NULL, NULL, NULL };
  JsonNode *result = NULL;
  gboolean parsed;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (origin != NULL && what != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (length > max_size)
    {
      _godwit_json_set_error (origin, error, GODWIT_ERROR_LIMIT_EXCEEDED, NULL,
                              _("larger than %zu MiB"), max_size / (1024 * 1024));
      return NULL;
    }

  if (!check_text (origin, data, length, max_depth, error))
    return NULL;

  member_counts = g_hash_table_new (NULL, NULL);
  d.member_counts = member_counts;
  parser = json_parser_new_immutable ();
  g_signal_connect (parser, "object-member", G_CALLBACK (on_object_member), &d);
  parsed = json_parser_load_from_data (parser, length > 0 ? data : "", (gssize) length, &json_error);
  g_signal_handlers_disconnect_by_data (parser, &d);
  if (parsed)
    root = json_parser_steal_root (parser);

  if (!parsed)
    _godwit_json_set_error (origin, error, GODWIT_ERROR_INVALID_MODEL, NULL, _("not JSON: %s"),
                            json_error->message);
  else if (root == NULL)
    _godwit_json_set_error (origin, error, GODWIT_ERROR_INVALID_MODEL, NULL,
                            _("empty: %s is a JSON object"), what);
  else if (!JSON_NODE_HOLDS_OBJECT (root))
    _godwit_json_set_error (origin, error, GODWIT_ERROR_INVALID_MODEL, NULL,
                            _("%s is a JSON object, not %s"), what, _godwit_json_describe_node (root));
  else if (d.duplicate_object != NULL)
    set_duplicate_error (origin, root, &d, error);
  else
    result = g_steal_pointer (&root);

  g_clear_pointer (&d.duplicate_object, json_object_unref);
  g_free (d.duplicate_member);

  return result;
}

/* ---- writing ------------------------------------------------------------ */

/* The member @name: @value, or null. */
void
_godwit_json_add_nullable_string (JsonBuilder *builder,
                                  const char  *name,
                                  const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

/* The member @name: @count, or null when it is negative (not known). */
void
_godwit_json_add_count (JsonBuilder *builder,
                        const char  *name,
                        gint64       count)
{
  json_builder_set_member_name (builder, name);
  if (count >= 0)
    json_builder_add_int_value (builder, count);
  else
    json_builder_add_null_value (builder);
}

/* An array of @strings (element-type utf8), empty for NULL. */
void
_godwit_json_add_string_array (JsonBuilder *builder,
                               GPtrArray   *strings)
{
  json_builder_begin_array (builder);
  for (guint i = 0; strings != NULL && i < strings->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (strings, i));
  json_builder_end_array (builder);
}
