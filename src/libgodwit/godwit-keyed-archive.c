/* godwit-keyed-archive.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "godwit-keyed-archive"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "godwit-error.h"
#include "godwit-keyed-archive.h"

/* An NSKeyedArchiver archive is a plist dictionary whose "$objects" array
 * holds every archived object once; objects refer to each other with UIDs
 * (indexes into "$objects"), index 0 being the string "$null" for nil. An
 * object is a dictionary whose "$class" names a class description
 * ("$classname", "$classes"). Nothing stops a hostile archive from
 * referring outside "$objects", to itself, or to one object many times,
 * so every lookup here is bounds-checked and unpacking is limited.
 */

struct _GodwitKeyedArchive
{
  GObject  parent_instance;

  char      *origin;
  plist_t    plist;    /* owned: the whole archive */
  plist_t    top;      /* "$top", inside plist */
  /* The items of "$objects": libplist 2.2 walks a parsed array from its
   * start to find an item, too slow for a reference lookup. */
  GPtrArray *objects;
  guint      max_nodes;  /* what unpacking may make */
};

G_DEFINE_FINAL_TYPE (GodwitKeyedArchive, godwit_keyed_archive, G_TYPE_OBJECT)

static const char * const collection_classes[] = {
  "NSArray", "NSMutableArray",
  "NSSet", "NSMutableSet",
  "NSOrderedSet", "NSMutableOrderedSet",
  NULL,
};

static void
godwit_keyed_archive_finalize (GObject *object)
{
  GodwitKeyedArchive *self = (GodwitKeyedArchive *) object;

  g_clear_pointer (&self->origin, g_free);
  g_clear_pointer (&self->objects, g_ptr_array_unref);
  g_clear_pointer (&self->plist, plist_free);

  G_OBJECT_CLASS (godwit_keyed_archive_parent_class)->finalize (object);
}

static void
godwit_keyed_archive_class_init (GodwitKeyedArchiveClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = godwit_keyed_archive_finalize;
}

static void
godwit_keyed_archive_init (GodwitKeyedArchive *self)
{
  self->max_nodes = GODWIT_KEYED_ARCHIVE_MAX_NODES;
}

/* Text of a string node; an 8-bit string of a binary plist that is not
 * UTF-8 is no text. */
static const char *
string_ptr (plist_t node)
{
  uint64_t length = 0;
  const char *text;

  if (node == NULL || plist_get_node_type (node) != PLIST_STRING)
    return NULL;

  text = plist_get_string_ptr (node, &length);
  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    return NULL;

  return text;
}

static gboolean
is_null_string (plist_t node)
{
  return g_strcmp0 (string_ptr (node), "$null") == 0;
}

/* The items of a plist array, in one walk. */
static GPtrArray *
array_items (plist_t array)
{
  GPtrArray *items = g_ptr_array_sized_new (plist_array_get_size (array));
  plist_array_iter iter = NULL;
  plist_t item = NULL;

  plist_array_new_iter (array, &iter);
  for (plist_array_next_item (array, iter, &item); item != NULL; plist_array_next_item (array, iter, &item))
    g_ptr_array_add (items, item);
  free (iter);

  return items;
}

/**
 * godwit_keyed_archive_new_from_data:
 * @origin: (nullable): a file path or a description of where the data comes
 *   from, to start error messages with
 *
 * Parses a binary or XML plist and checks that it is an NSKeyedArchiver
 * archive: "$archiver", "$version", an "$objects" array of at most
 * GODWIT_KEYED_ARCHIVE_MAX_OBJECTS objects and a "$top" dictionary.
 *
 * Returns: (transfer full): the archive, or %NULL with @error set
 *   (GODWIT_ERROR_INVALID_PLIST or GODWIT_ERROR_LIMIT_EXCEEDED from the
 *   plist parser, GODWIT_ERROR_INVALID_ARCHIVE otherwise).
 */
GodwitKeyedArchive *
godwit_keyed_archive_new_from_data (const guint8  *data,
                                    gsize          length,
                                    const char    *origin,
                                    GError       **error)
{
  g_autoptr(GodwitKeyedArchive) self = NULL;
  const char *where = origin != NULL ? origin : _("keyed archive");
  plist_t version;
  plist_t objects;
  gint64 version_number;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (GODWIT_TYPE_KEYED_ARCHIVE, NULL);
  self->origin = g_strdup (where);

  self->plist = godwit_plist_new_from_data (data, length, where, error);
  if (self->plist == NULL)
    return NULL;

  if (plist_get_node_type (self->plist) != PLIST_DICT
      || g_strcmp0 (string_ptr (plist_dict_get_item (self->plist, "$archiver")), "NSKeyedArchiver") != 0)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_ARCHIVE,
                   _("%s: not an NSKeyedArchiver archive ($archiver is missing or different)"), where);
      return NULL;
    }

  version = plist_dict_get_item (self->plist, "$version");
  if (!godwit_plist_get_int (version, &version_number))
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_ARCHIVE,
                   _("%s: the keyed archive has no $version number"), where);
      return NULL;
    }

  objects = plist_dict_get_item (self->plist, "$objects");
  if (objects == NULL || plist_get_node_type (objects) != PLIST_ARRAY)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_ARCHIVE,
                   _("%s: the keyed archive has no $objects array"), where);
      return NULL;
    }

  if (plist_array_get_size (objects) > GODWIT_KEYED_ARCHIVE_MAX_OBJECTS)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_LIMIT_EXCEEDED,
                   _("%s: the keyed archive has more than %d objects"),
                   where, GODWIT_KEYED_ARCHIVE_MAX_OBJECTS);
      return NULL;
    }

  self->objects = array_items (objects);

  self->top = plist_dict_get_item (self->plist, "$top");
  if (self->top == NULL || plist_get_node_type (self->top) != PLIST_DICT)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_ARCHIVE,
                   _("%s: the keyed archive has no $top dictionary"), where);
      return NULL;
    }

  return g_steal_pointer (&self);
}

const char *
godwit_keyed_archive_get_origin (GodwitKeyedArchive *self)
{
  g_return_val_if_fail (GODWIT_IS_KEYED_ARCHIVE (self), NULL);

  return self->origin;
}

/* Resolves a UID; FALSE when it points outside "$objects". */
static gboolean
resolve_uid (GodwitKeyedArchive *self,
             plist_t             node,
             plist_t            *resolved)
{
  guint64 index = 0;

  if (node == NULL || plist_get_node_type (node) != PLIST_UID)
    {
      *resolved = node;
      return TRUE;
    }

  plist_get_uid_val (node, &index);
  if (index >= self->objects->len)
    {
      *resolved = NULL;
      return FALSE;
    }

  *resolved = g_ptr_array_index (self->objects, index);

  return TRUE;
}

/**
 * godwit_keyed_archive_resolve:
 * @node: (nullable): a node of the archive
 *
 * Returns: (transfer none) (nullable): the object a UID names, %NULL for
 *   "$null" and for UIDs outside "$objects", any other node itself.
 */
plist_t
godwit_keyed_archive_resolve (GodwitKeyedArchive *self,
                              plist_t             node)
{
  plist_t resolved = NULL;

  g_return_val_if_fail (GODWIT_IS_KEYED_ARCHIVE (self), NULL);

  if (!resolve_uid (self, node, &resolved) || is_null_string (resolved))
    return NULL;

  return resolved;
}

/**
 * godwit_keyed_archive_get_root:
 *
 * Returns: (transfer none) (nullable): the object $top["root"] names
 */
plist_t
godwit_keyed_archive_get_root (GodwitKeyedArchive *self)
{
  g_return_val_if_fail (GODWIT_IS_KEYED_ARCHIVE (self), NULL);

  return godwit_keyed_archive_resolve (self, plist_dict_get_item (self->top, "root"));
}

/**
 * godwit_keyed_archive_get_class_name:
 * @object: (nullable): an archived object
 *
 * Returns: (transfer none) (nullable): the "$classname" of the class
 *   description @object's "$class" names
 */
const char *
godwit_keyed_archive_get_class_name (GodwitKeyedArchive *self,
                                     plist_t             object)
{
  plist_t class_description;
  plist_t class_uid;

  g_return_val_if_fail (GODWIT_IS_KEYED_ARCHIVE (self), NULL);

  if (object == NULL || plist_get_node_type (object) != PLIST_DICT)
    return NULL;

  class_uid = plist_dict_get_item (object, "$class");
  if (class_uid == NULL || plist_get_node_type (class_uid) != PLIST_UID)
    return NULL;

  class_description = godwit_keyed_archive_resolve (self, class_uid);
  if (class_description == NULL || plist_get_node_type (class_description) != PLIST_DICT)
    return NULL;

  return string_ptr (plist_dict_get_item (class_description, "$classname"));
}

/**
 * godwit_keyed_archive_is_class:
 * @object: (nullable): an archived object
 *
 * Returns: whether @object's class is named @class_name
 */
gboolean
godwit_keyed_archive_is_class (GodwitKeyedArchive *self,
                               plist_t             object,
                               const char         *class_name)
{
  g_return_val_if_fail (GODWIT_IS_KEYED_ARCHIVE (self), FALSE);
  g_return_val_if_fail (class_name != NULL, FALSE);

  return g_strcmp0 (godwit_keyed_archive_get_class_name (self, object), class_name) == 0;
}

/**
 * godwit_keyed_archive_get_member:
 *
 * Returns: (transfer none) (nullable): the member @key of @object, resolved
 */
plist_t
godwit_keyed_archive_get_member (GodwitKeyedArchive *self,
                                 plist_t             object,
                                 const char         *key)
{
  g_return_val_if_fail (GODWIT_IS_KEYED_ARCHIVE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  if (object == NULL || plist_get_node_type (object) != PLIST_DICT)
    return NULL;

  return godwit_keyed_archive_resolve (self, plist_dict_get_item (object, key));
}

/* Whether @node is a reference to "$null"; a reference outside the
 * archive is not nil but an error, left to the caller to report. */
static gboolean
is_nil (GodwitKeyedArchive *self,
        plist_t             node)
{
  plist_t resolved = NULL;

  return resolve_uid (self, node, &resolved) && is_null_string (resolved);
}

typedef struct
{
  GodwitKeyedArchive           *self;
  GodwitKeyedArchiveMemberFunc  func;
  gpointer                      user_data;
} MemberVisit;

static gboolean
visit_member (const char *key,
              plist_t     member,
              gpointer    user_data)
{
  MemberVisit *visit = user_data;

  if (strcmp (key, "$class") == 0 || is_nil (visit->self, member))
    return TRUE;

  return visit->func (key, member, visit->user_data);
}

/**
 * godwit_keyed_archive_foreach_member:
 * @object: (nullable): an archived object
 *
 * Calls @func with each member of @object, in the archive's order, but
 * "$class" and the nil ones, until @func returns %FALSE.
 *
 * Returns: %FALSE if @func stopped
 */
gboolean
godwit_keyed_archive_foreach_member (GodwitKeyedArchive           *self,
                                     plist_t                       object,
                                     GodwitKeyedArchiveMemberFunc  func,
                                     gpointer                      user_data)
{
  MemberVisit visit = { self, func, user_data };

  g_return_val_if_fail (GODWIT_IS_KEYED_ARCHIVE (self), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  return godwit_plist_dict_foreach (object, visit_member, &visit);
}

/* A plain string or an NSString / NSMutableString object. */
static const char *
string_value (GodwitKeyedArchive *self,
              plist_t             node)
{
  const char *class_name;

  if (node == NULL)
    return NULL;

  if (plist_get_node_type (node) == PLIST_STRING)
    return is_null_string (node) ? NULL : string_ptr (node);

  class_name = godwit_keyed_archive_get_class_name (self, node);
  if (g_strcmp0 (class_name, "NSString") == 0 || g_strcmp0 (class_name, "NSMutableString") == 0)
    return string_ptr (godwit_keyed_archive_get_member (self, node, "NS.string"));

  return NULL;
}

/**
 * godwit_keyed_archive_dup_string_value:
 * @node: (nullable): a node of the archive, resolved
 *
 * Returns: (transfer full) (nullable): the text of @node when it is a
 *   string or an NSString / NSMutableString object
 */
char *
godwit_keyed_archive_dup_string_value (GodwitKeyedArchive *self,
                                       plist_t             node)
{
  g_return_val_if_fail (GODWIT_IS_KEYED_ARCHIVE (self), NULL);

  return g_strdup (string_value (self, node));
}

/**
 * godwit_keyed_archive_dup_string:
 *
 * Returns: (transfer full) (nullable): the member @key of @object when it
 *   is a string or an NSString object
 */
char *
godwit_keyed_archive_dup_string (GodwitKeyedArchive *self,
                                 plist_t             object,
                                 const char         *key)
{
  g_return_val_if_fail (GODWIT_IS_KEYED_ARCHIVE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  return g_strdup (string_value (self, godwit_keyed_archive_get_member (self, object, key)));
}

gboolean
godwit_keyed_archive_get_int (GodwitKeyedArchive *self,
                              plist_t             object,
                              const char         *key,
                              gint64             *value)
{
  g_return_val_if_fail (GODWIT_IS_KEYED_ARCHIVE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  return godwit_plist_get_int (godwit_keyed_archive_get_member (self, object, key), value);
}

gboolean
godwit_keyed_archive_get_bool (GodwitKeyedArchive *self,
                               plist_t             object,
                               const char         *key,
                               gboolean           *value)
{
  gint64 number;

  g_return_val_if_fail (GODWIT_IS_KEYED_ARCHIVE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  if (!godwit_plist_get_int (godwit_keyed_archive_get_member (self, object, key), &number))
    return FALSE;

  *value = number != 0;

  return TRUE;
}

/* Resolves every reference of a plain plist array; none may be nil or
 * outside the archive. */
static GPtrArray *
resolve_array (GodwitKeyedArchive  *self,
               plist_t              array,
               const char          *class_name,
               const char          *what,
               GError             **error)
{
  g_autoptr(GPtrArray) members = NULL;

  if (array == NULL || plist_get_node_type (array) != PLIST_ARRAY)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_ARCHIVE,
                   /* Translators: the file, a class such as NSArray and a member such as NS.objects */
                   _("%s: an %s has no %s array"), self->origin, class_name, what);
      return NULL;
    }

  members = array_items (array);
  for (guint i = 0; i < members->len; i++)
    {
      plist_t member = godwit_keyed_archive_resolve (self, g_ptr_array_index (members, i));

      if (member == NULL)
        {
          g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_ARCHIVE,
                       /* Translators: the file, an index, a member such as NS.objects and a class such as NSArray */
                       _("%s: element %u of the %s of an %s is nil or outside the archive"),
                       self->origin, i, what, class_name);
          return NULL;
        }
      members->pdata[i] = member;
    }

  return g_steal_pointer (&members);
}

/**
 * godwit_keyed_archive_get_collection:
 * @collection: (nullable): an NSArray, NSSet or NSOrderedSet object (or a
 *   mutable variant)
 *
 * Returns: (transfer container) (element-type plist_t): the members,
 *   resolved and borrowed from the archive, or %NULL with @error set
 */
GPtrArray *
godwit_keyed_archive_get_collection (GodwitKeyedArchive  *self,
                                     plist_t              collection,
                                     GError             **error)
{
  const char *class_name;

  g_return_val_if_fail (GODWIT_IS_KEYED_ARCHIVE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  class_name = godwit_keyed_archive_get_class_name (self, collection);
  if (class_name == NULL || !g_strv_contains (collection_classes, class_name))
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_ARCHIVE,
                   _("%s: expected an array or a set, found %s"), self->origin,
                   class_name != NULL ? class_name : collection == NULL ? "nil" : _("a plain value"));
      return NULL;
    }

  return resolve_array (self, plist_dict_get_item (collection, "NS.objects"),
                        class_name, "NS.objects", error);
}

static gboolean
is_dictionary_class (const char *class_name)
{
  return g_strcmp0 (class_name, "NSDictionary") == 0
      || g_strcmp0 (class_name, "NSMutableDictionary") == 0
      || (class_name != NULL && g_str_has_prefix (class_name, "NSKnownKeysDictionary"));
}

/**
 * godwit_keyed_archive_get_dictionary:
 * @dictionary: (nullable): an NSDictionary, NSMutableDictionary or
 *   NSKnownKeysDictionary1 object
 * @keys: (out) (transfer container) (element-type plist_t)
 * @values: (out) (transfer container) (element-type plist_t)
 *
 * Reads the keys and values of a dictionary, resolved and borrowed from
 * the archive, in matching order. Core Data archives entities and
 * properties as NSKnownKeysDictionary1, whose keys live in a shared
 * "searchMapping" object and whose empty slots hold "emptyToken".
 */
gboolean
godwit_keyed_archive_get_dictionary (GodwitKeyedArchive  *self,
                                     plist_t              dictionary,
                                     GPtrArray          **keys,
                                     GPtrArray          **values,
                                     GError             **error)
{
  g_autoptr(GPtrArray) key_array = NULL;
  g_autoptr(GPtrArray) value_array = NULL;
  const char *class_name;

  g_return_val_if_fail (GODWIT_IS_KEYED_ARCHIVE (self), FALSE);
  g_return_val_if_fail (keys != NULL && values != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  *keys = NULL;
  *values = NULL;

  class_name = godwit_keyed_archive_get_class_name (self, dictionary);
  if (!is_dictionary_class (class_name))
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_ARCHIVE,
                   _("%s: expected a dictionary, found %s"), self->origin,
                   class_name != NULL ? class_name : dictionary == NULL ? "nil" : _("a plain value"));
      return FALSE;
    }

  if (g_str_has_prefix (class_name, "NSKnownKeysDictionary"))
    {
      plist_t mapping = godwit_keyed_archive_get_member (self, dictionary, "searchMapping");
      const char *empty_token = string_value (self, godwit_keyed_archive_get_member (self, dictionary, "emptyToken"));

      if (mapping == NULL)
        {
          g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_ARCHIVE,
                       _("%s: an %s has no searchMapping"), self->origin, class_name);
          return FALSE;
        }

      key_array = godwit_keyed_archive_get_collection (self,
                                                       godwit_keyed_archive_get_member (self, mapping, "keys"),
                                                       error);
      if (key_array == NULL)
        return FALSE;

      value_array = godwit_keyed_archive_get_collection (self,
                                                         godwit_keyed_archive_get_member (self, dictionary, "values"),
                                                         error);
      if (value_array == NULL)
        return FALSE;

      if (key_array->len == value_array->len && empty_token != NULL)
        {
          guint kept = 0;

          for (guint i = 0; i < value_array->len; i++)
            if (g_strcmp0 (string_ptr (g_ptr_array_index (value_array, i)), empty_token) != 0)
              {
                key_array->pdata[kept] = key_array->pdata[i];
                value_array->pdata[kept] = value_array->pdata[i];
                kept++;
              }
          g_ptr_array_set_size (key_array, kept);
          g_ptr_array_set_size (value_array, kept);
        }
    }
  else
    {
      key_array = resolve_array (self, plist_dict_get_item (dictionary, "NS.keys"),
                                 class_name, "NS.keys", error);
      if (key_array == NULL)
        return FALSE;

      value_array = resolve_array (self, plist_dict_get_item (dictionary, "NS.objects"),
                                   class_name, "NS.objects", error);
      if (value_array == NULL)
        return FALSE;
    }

  if (key_array->len != value_array->len)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_ARCHIVE,
                   _("%s: an %s has %u keys but %u values"),
                   self->origin, class_name, key_array->len, value_array->len);
      return FALSE;
    }

  *keys = g_steal_pointer (&key_array);
  *values = g_steal_pointer (&value_array);

  return TRUE;
}

/* Unpacking */

typedef struct
{
  GodwitKeyedArchive *self;
  GHashTable         *active;  /* objects being unpacked: the current path */
  guint               nodes;
} Unpacker;

static plist_t unpack_node (Unpacker  *u,
                            plist_t    node,
                            guint      depth,
                            GError   **error);

static char *
unpack_key (Unpacker  *u,
            plist_t    key,
            guint      depth,
            GError   **error)
{
  const char *text = string_value (u->self, key);
  g_auto(plist_t) unpacked = NULL;
  g_autoptr(JsonNode) json = NULL;

  if (text != NULL)
    return g_strdup (text);

  unpacked = unpack_node (u, key, depth, error);
  if (unpacked == NULL)
    return NULL;

  json = godwit_plist_to_json (unpacked);

  return json_to_string (json, FALSE);
}

static plist_t
unpack_dictionary (Unpacker  *u,
                   plist_t    object,
                   guint      depth,
                   GError   **error)
{
  g_autoptr(GPtrArray) keys = NULL;
  g_autoptr(GPtrArray) values = NULL;
  g_auto(plist_t) dict = NULL;

  if (!godwit_keyed_archive_get_dictionary (u->self, object, &keys, &values, error))
    return NULL;

  dict = plist_new_dict ();
  for (guint i = 0; i < keys->len; i++)
    {
      g_autofree char *key = unpack_key (u, g_ptr_array_index (keys, i), depth + 1, error);
      plist_t value;

      if (key == NULL)
        return NULL;

      value = unpack_node (u, g_ptr_array_index (values, i), depth + 1, error);
      if (value == NULL)
        return NULL;

      plist_dict_set_item (dict, key, value);
    }

  return g_steal_pointer (&dict);
}

static plist_t
unpack_collection (Unpacker  *u,
                   plist_t    object,
                   guint      depth,
                   GError   **error)
{
  g_autoptr(GPtrArray) members = godwit_keyed_archive_get_collection (u->self, object, error);
  g_auto(plist_t) array = NULL;

  if (members == NULL)
    return NULL;

  array = plist_new_array ();
  for (guint i = 0; i < members->len; i++)
    {
      plist_t value = unpack_node (u, g_ptr_array_index (members, i), depth + 1, error);

      if (value == NULL)
        return NULL;

      plist_array_append_item (array, value);
    }

  return g_steal_pointer (&array);
}

/* NSDate keeps seconds since 2001; libplist dates take them as two int32
 * halves, so a date beyond ±68 years of 2001 stays a number. */
static plist_t
new_date (double seconds)
{
  double whole;
  gint64 microseconds;

  if (!isfinite (seconds) || seconds < G_MININT32 || seconds >= G_MAXINT32)
    return plist_new_real (seconds);

  whole = floor (seconds);
  microseconds = llround ((seconds - whole) * 1e6);
  if (microseconds == 1000000)
    {
      whole += 1;
      microseconds = 0;
    }

  if (whole >= G_MAXINT32)
    return plist_new_real (seconds);

  return plist_new_date ((int32_t) whole, (int32_t) microseconds);
}

static plist_t
unpack_url (Unpacker  *u,
            plist_t    object,
            guint      depth,
            GError   **error)
{
  GodwitKeyedArchive *self = u->self;
  const char *relative = string_value (self, godwit_keyed_archive_get_member (self, object, "NS.relative"));
  plist_t base_object = godwit_keyed_archive_get_member (self, object, "NS.base");
  g_auto(plist_t) base = NULL;
  g_autofree char *resolved = NULL;
  const char *base_text;

  if (relative == NULL)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_ARCHIVE,
                   _("%s: an NSURL has no NS.relative string"), self->origin);
      return NULL;
    }

  if (base_object == NULL)
    return plist_new_string (relative);

  base = unpack_node (u, base_object, depth + 1, error);
  if (base == NULL)
    return NULL;

  base_text = string_ptr (base);
  if (base_text == NULL)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_ARCHIVE,
                   _("%s: the NS.base of an NSURL is not a URL"), self->origin);
      return NULL;
    }

  resolved = g_uri_resolve_relative (base_text, relative, G_URI_FLAGS_NONE, NULL);
  if (resolved == NULL)
    resolved = g_strconcat (base_text, relative, NULL);

  return plist_new_string (resolved);
}

static plist_t
unpack_plain_array (Unpacker  *u,
                    plist_t    array,
                    guint      depth,
                    GError   **error)
{
  g_auto(plist_t) result = plist_new_array ();
  g_autoptr(GPtrArray) items = array_items (array);

  for (guint i = 0; i < items->len; i++)
    {
      plist_t value = unpack_node (u, g_ptr_array_index (items, i), depth + 1, error);

      if (value == NULL)
        return NULL;
      plist_array_append_item (result, value);
    }

  return g_steal_pointer (&result);
}

typedef struct
{
  Unpacker  *u;
  plist_t    dict;
  guint      depth;
  GError   **error;
} MemberUnpacking;

static gboolean
unpack_member (const char *key,
               plist_t     member,
               gpointer    user_data)
{
  MemberUnpacking *m = user_data;
  plist_t value = unpack_node (m->u, member, m->depth + 1, m->error);

  if (value == NULL)
    return FALSE;

  plist_dict_set_item (m->dict, key, value);

  return TRUE;
}

/* A dictionary of every member, for classes without a plain equivalent;
 * nil members are left out. */
static plist_t
unpack_members (Unpacker    *u,
                plist_t      object,
                const char  *class_name,
                guint        depth,
                GError     **error)
{
  g_auto(plist_t) dict = plist_new_dict ();
  MemberUnpacking m = { u, dict, depth, error };

  if (class_name != NULL)
    plist_dict_set_item (dict, "$class", plist_new_string (class_name));

  if (!godwit_keyed_archive_foreach_member (u->self, object, unpack_member, &m))
    return NULL;

  return g_steal_pointer (&dict);
}

static plist_t
unpack_object (Unpacker    *u,
               plist_t      object,
               const char  *class_name,
               guint        depth,
               GError     **error)
{
  GodwitKeyedArchive *self = u->self;

  if (is_dictionary_class (class_name))
    return unpack_dictionary (u, object, depth, error);

  if (g_strv_contains (collection_classes, class_name))
    return unpack_collection (u, object, depth, error);

  if (strcmp (class_name, "NSString") == 0 || strcmp (class_name, "NSMutableString") == 0)
    {
      const char *text = string_value (self, object);

      if (text == NULL)
        {
          g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_ARCHIVE,
                       _("%s: an %s has no NS.string"), self->origin, class_name);
          return NULL;
        }
      return plist_new_string (text);
    }

  if (strcmp (class_name, "NSData") == 0 || strcmp (class_name, "NSMutableData") == 0)
    {
      plist_t data = godwit_keyed_archive_get_member (self, object, "NS.data");

      if (data == NULL || plist_get_node_type (data) != PLIST_DATA)
        {
          g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_ARCHIVE,
                       _("%s: an %s has no NS.data"), self->origin, class_name);
          return NULL;
        }
      return plist_copy (data);
    }

  if (strcmp (class_name, "NSDate") == 0)
    {
      plist_t time = godwit_keyed_archive_get_member (self, object, "NS.time");
      double seconds = 0;
      gint64 integer;

      if (time != NULL && plist_get_node_type (time) == PLIST_REAL)
        plist_get_real_val (time, &seconds);
      else if (godwit_plist_get_int (time, &integer))
        seconds = (double) integer;
      else
        {
          g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_ARCHIVE,
                       _("%s: an NSDate has no NS.time"), self->origin);
          return NULL;
        }
      return new_date (seconds);
    }

  if (strcmp (class_name, "NSUUID") == 0)
    {
      plist_t bytes = godwit_keyed_archive_get_member (self, object, "NS.uuidbytes");
      uint64_t length = 0;
      const guint8 *b = NULL;
      g_autofree char *text = NULL;

      if (bytes != NULL && plist_get_node_type (bytes) == PLIST_DATA)
        b = (const guint8 *) plist_get_data_ptr (bytes, &length);
      if (b == NULL || length != 16)
        {
          g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_ARCHIVE,
                       _("%s: an NSUUID has no 16-byte NS.uuidbytes"), self->origin);
          return NULL;
        }

      text = g_strdup_printf ("%02X%02X%02X%02X-%02X%02X-%02X%02X-%02X%02X-%02X%02X%02X%02X%02X%02X",
                              b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7],
                              b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
      return plist_new_string (text);
    }

  if (strcmp (class_name, "NSURL") == 0)
    return unpack_url (u, object, depth, error);

  if (strcmp (class_name, "NSNull") == 0)
    {
      plist_t dict = plist_new_dict ();

      plist_dict_set_item (dict, "$null", plist_new_bool (1));
      return dict;
    }

  return unpack_members (u, object, class_name, depth, error);
}

static plist_t
unpack_node (Unpacker  *u,
             plist_t    node,
             guint      depth,
             GError   **error)
{
  GodwitKeyedArchive *self = u->self;
  const char *class_name;
  plist_t object = NULL;
  plist_t result;

  if (++u->nodes > self->max_nodes)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_LIMIT_EXCEEDED,
                   _("%s: the archive unpacks to more than %d values "
                     "(objects shared by reference too many times)"),
                   self->origin, (int) self->max_nodes);
      return NULL;
    }

  if (depth > GODWIT_KEYED_ARCHIVE_MAX_DEPTH)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_LIMIT_EXCEEDED,
                   _("%s: the archive nests objects deeper than %d levels"),
                   self->origin, GODWIT_KEYED_ARCHIVE_MAX_DEPTH);
      return NULL;
    }

  if (!resolve_uid (self, node, &object))
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_ARCHIVE,
                   _("%s: a reference points outside the archive's %u objects"),
                   self->origin, self->objects->len);
      return NULL;
    }

  if (object == NULL || is_null_string (object))
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_ARCHIVE,
                   _("%s: an unexpected nil reference"), self->origin);
      return NULL;
    }

  switch (plist_get_node_type (object))
    {
    case PLIST_UID:
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_ARCHIVE,
                   _("%s: a reference points to another reference"), self->origin);
      return NULL;

    case PLIST_ARRAY:
      class_name = NULL;
      break;

    case PLIST_DICT:
      class_name = godwit_keyed_archive_get_class_name (self, object);
      if (class_name == NULL && plist_dict_get_item (object, "$class") != NULL)
        {
          g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_ARCHIVE,
                       _("%s: an object's $class is not a class description"), self->origin);
          return NULL;
        }
      break;

    default:
      return plist_copy (object);
    }

  if (!g_hash_table_add (u->active, object))
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_ARCHIVE,
                   _("%s: an object of class %s contains itself (a reference cycle)"),
                   self->origin,
                   class_name != NULL ? class_name
                   : plist_get_node_type (object) == PLIST_ARRAY ? _("array") : _("dictionary"));
      return NULL;
    }

  if (plist_get_node_type (object) == PLIST_ARRAY)
    result = unpack_plain_array (u, object, depth, error);
  else if (class_name == NULL)
    result = unpack_members (u, object, NULL, depth, error);
  else
    result = unpack_object (u, object, class_name, depth, error);

  g_hash_table_remove (u->active, object);

  return result;
}

/**
 * godwit_keyed_archive_unpack_object:
 * @object: an object of the archive (or a UID naming one)
 *
 * Rebuilds the object graph under @object as plain plist values:
 * dictionaries (keys that are not strings become their JSON text), arrays
 * for arrays, sets and ordered sets, strings, data, dates (NSDate), UUID
 * strings in upper case, URL strings, {"$null": true} for NSNull, and for
 * any other class a dictionary of "$class" and every member. Refuses
 * reference cycles, nesting deeper than GODWIT_KEYED_ARCHIVE_MAX_DEPTH and
 * more values in all than godwit_keyed_archive_set_max_nodes() allows
 * (shared objects are copied at every place they are referenced).
 *
 * Returns: (transfer full): the plain value, or %NULL with @error set
 */
plist_t
godwit_keyed_archive_unpack_object (GodwitKeyedArchive  *self,
                                    plist_t              object,
                                    GError             **error)
{
  g_autoptr(GHashTable) active = g_hash_table_new (NULL, NULL);
  Unpacker u = { self, active, 0 };

  g_return_val_if_fail (GODWIT_IS_KEYED_ARCHIVE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return unpack_node (&u, object, 0, error);
}

/**
 * godwit_keyed_archive_set_max_nodes:
 * @max_nodes: at most GODWIT_KEYED_ARCHIVE_MAX_NODES
 *
 * How many values unpacking may make, GODWIT_KEYED_ARCHIVE_MAX_NODES by
 * default: less where many archives are unpacked for display, each of
 * them then bounded to what a person looks at.
 */
void
godwit_keyed_archive_set_max_nodes (GodwitKeyedArchive *self,
                                    guint               max_nodes)
{
  g_return_if_fail (GODWIT_IS_KEYED_ARCHIVE (self));
  g_return_if_fail (max_nodes <= GODWIT_KEYED_ARCHIVE_MAX_NODES);

  self->max_nodes = max_nodes;
}

/**
 * godwit_keyed_archive_unpack:
 *
 * godwit_keyed_archive_unpack_object() for the root object.
 *
 * Returns: (transfer full): the plain value, or %NULL with @error set
 */
plist_t
godwit_keyed_archive_unpack (GodwitKeyedArchive  *self,
                             GError             **error)
{
  plist_t root;

  g_return_val_if_fail (GODWIT_IS_KEYED_ARCHIVE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  root = godwit_keyed_archive_get_root (self);
  if (root == NULL)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_ARCHIVE,
                   _("%s: the keyed archive has no root object"), self->origin);
      return NULL;
    }

  return godwit_keyed_archive_unpack_object (self, root, error);
}
