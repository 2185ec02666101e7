/* godwit-cli-validate.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* godwit-cli validate FIXTURE…: the QA command. Each fixture store is
 * snapshot into a private temporary folder and the copy is migrated for
 * real with the library, whose verification is collected; the migrated
 * copy is then checked against an expectations file (docs/cli.md) and
 * removed. The fixtures themselves are only read, through the snapshot.
 */

#define G_LOG_DOMAIN "godwit-cli"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>

#include "godwit-cli-private.h"
#include "godwit-error.h"
#include "godwit-file-private.h"
#include "godwit-json-private.h"
#include "godwit-value.h"

/* The expectations format this Godwit reads. */
#define EXPECTATIONS_FORMAT 1

/* Limits on an expectations file, as on a migration plan. */
#define EXPECTATIONS_MAX_SIZE  (16 * 1024 * 1024)
#define EXPECTATIONS_MAX_DEPTH 32

/* Expected objects per fixture entry, and objects a to-many relationship
 * is described by: a description is matched against every related
 * object. */
#define EXPECTATIONS_MAX_ELEMENTS 10000

/* A value in a failure is cut to this many characters. */
#define VALUE_MAX_CHARS 200

/* The temporary folder holds a copy, its backups folder and a backup. */
#define WORK_DIR_MAX_DEPTH 8

/* The key of the fixtures entry that applies to every fixture. */
#define ANY_FIXTURE "*"

static const char * const expectations_keys[] = {
  "godwit-expectations", "target-version", "fixtures", NULL
};
static const char * const fixture_keys[] = {
  "counts", "objects", NULL
};
static const char * const object_keys[] = {
  "entity", "pk", "where", "values", "relationships", NULL
};

/* ---- reading the expectations file ------------------------------------ */

typedef struct
{
  char       *path;
  JsonNode   *root;
  const char *target_version;  /* (nullable) */
  JsonObject *fixtures;        /* (nullable) */
} Expectations;

static void
expectations_free (Expectations *expectations)
{
  if (expectations == NULL)
    return;

  g_free (expectations->path);
  g_clear_pointer (&expectations->root, json_node_unref);
  g_free (expectations);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Expectations, expectations_free)

typedef struct
{
  const char         *origin;
  GodwitModelBundle  *bundle;
  GodwitModel        *target;
  char              **fixtures;  /* the FIXTURE arguments */
} Reader;

/* "FILE: KEY PATH: problem", as a migration plan's messages are. */
G_GNUC_PRINTF (4, 5)
static void
reader_error (Reader      *r,
              GError     **error,
              const char  *key_path,
              const char  *format,
              ...)
{
  va_list args;

  va_start (args, format);
  _godwit_json_set_error_valist (r->origin, error, GODWIT_ERROR_INVALID_MODEL, key_path, format,
                                 args);
  va_end (args);
}

/* @node as an object with no key outside @allowed (NULL: any key). */
static JsonObject *
require_object (Reader              *r,
                JsonNode            *node,
                const char          *path,
                const char * const  *allowed,
                const char          *what,
                GError             **error)
{
  JsonObject *object;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      reader_error (r, error, path, _("not an object"));
      return NULL;
    }

  object = json_node_get_object (node);
  if (allowed != NULL && !_godwit_json_check_keys (object, r->origin, path, allowed, what, error))
    return NULL;

  return object;
}

static gboolean
require_whole_number (Reader      *r,
                      JsonNode    *node,
                      const char  *path,
                      gint64       minimum,
                      GError     **error)
{
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64 ||
      json_node_get_int (node) < minimum)
    {
      reader_error (r, error, path, _("not a whole number of at least %" PRId64), minimum);
      return FALSE;
    }

  return TRUE;
}

static GodwitEntity *
require_entity (Reader      *r,
                const char  *name,
                const char  *path,
                GError     **error)
{
  GodwitEntity *entity = godwit_model_get_entity (r->target, name);

  if (entity == NULL)
    reader_error (r, error, path, _("version “%s” has no entity “%s”"),
                  godwit_model_get_version_name (r->target), name);

  return entity;
}

/* The property @name of @entity or of one of its sub-entities: an object
 * fetched as an @entity may be of any of them. */
static GodwitProperty *
find_property_in_hierarchy (GodwitEntity *entity,
                            const char   *name)
{
  GodwitProperty *property = godwit_entity_find_property (entity, name);

  for (guint i = 0; property == NULL && entity->subentities != NULL && i < entity->subentities->len; i++)
    property = find_property_in_hierarchy (g_ptr_array_index (entity->subentities, i), name);

  return property;
}

/* An object of attribute name → value, as `dump` shows values. */
static gboolean
check_attribute_values (Reader        *r,
                        GodwitEntity  *entity,
                        JsonNode      *node,
                        const char    *path,
                        gboolean       allow_empty,
                        GError       **error)
{
  JsonObject *values = require_object (r, node, path, NULL, NULL, error);
  g_autoptr(GList) members = NULL;

  if (values == NULL)
    return FALSE;

  if (!allow_empty && json_object_get_size (values) == 0)
    {
      reader_error (r, error, path, _("empty: give at least one attribute"));
      return FALSE;
    }

  members = json_object_get_members (values);
  for (GList *l = members; l != NULL; l = l->next)
    {
      GodwitProperty *property = find_property_in_hierarchy (entity, l->data);

      /* Transient attributes have no column, so no value to compare. */
      if (property == NULL || property->kind != GODWIT_PROPERTY_KIND_ATTRIBUTE || property->transient)
        {
          g_autofree char *key_path = _godwit_json_member_path (path, l->data);

          reader_error (r, error, key_path, _("%s has no stored attribute “%s” in version “%s”"),
                        entity->name, (const char *) l->data, godwit_model_get_version_name (r->target));
          return FALSE;
        }
    }

  return TRUE;
}

static gboolean check_object (Reader      *r,
                              JsonNode    *node,
                              const char  *path,
                              GError     **error);

/* An array of at most EXPECTATIONS_MAX_ELEMENTS objects: with @described,
 * each describes an object of that entity by its attribute values (a
 * to-many relationship's, which can be given as a number instead); else
 * each is an expected object. */
static gboolean
check_objects (Reader        *r,
               JsonArray     *array,
               const char    *path,
               GodwitEntity  *described,
               GError       **error)
{
  guint n = json_array_get_length (array);

  if (n > EXPECTATIONS_MAX_ELEMENTS)
    {
      if (described != NULL)
        reader_error (r, error, path, _("more than %d objects: give their number instead"),
                      EXPECTATIONS_MAX_ELEMENTS);
      else
        reader_error (r, error, path, _("more than %d objects"), EXPECTATIONS_MAX_ELEMENTS);
      return FALSE;
    }

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *element_path = g_strdup_printf ("%s[%u]", path, i);
      JsonNode *element = json_array_get_element (array, i);

      if (described != NULL ? !check_attribute_values (r, described, element, element_path, FALSE, error)
                            : !check_object (r, element, element_path, error))
        return FALSE;
    }

  return TRUE;
}

/* To-one: null or the related object's attribute values; to-many: how
 * many related objects, or an array describing each by its attribute
 * values. */
static gboolean
check_relationship (Reader          *r,
                    GodwitProperty  *relationship,
                    JsonNode        *node,
                    const char      *path,
                    GError         **error)
{
  GodwitEntity *destination = godwit_model_get_entity (r->target, relationship->destination_entity);

  if (!relationship->to_many)
    {
      if (JSON_NODE_HOLDS_NULL (node))
        return TRUE;
      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          reader_error (r, error, path, _("not null or an object: %s is a to-one relationship"), relationship->name);
          return FALSE;
        }
      return check_attribute_values (r, destination, node, path, FALSE, error);
    }

  if (JSON_NODE_HOLDS_VALUE (node))
    return require_whole_number (r, node, path, 0, error);

  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      reader_error (r, error, path, _("not a whole number or an array: %s is a to-many relationship"),
                    relationship->name);
      return FALSE;
    }

  return check_objects (r, json_node_get_array (node), path, destination, error);
}

static gboolean
check_relationships (Reader        *r,
                     GodwitEntity  *entity,
                     JsonNode      *node,
                     const char    *path,
                     GError       **error)
{
  JsonObject *relationships = require_object (r, node, path, NULL, NULL, error);
  g_autoptr(GList) members = NULL;

  if (relationships == NULL)
    return FALSE;

  members = json_object_get_members (relationships);
  for (GList *l = members; l != NULL; l = l->next)
    {
      GodwitProperty *property = find_property_in_hierarchy (entity, l->data);
      g_autofree char *key_path = _godwit_json_member_path (path, l->data);

      if (property == NULL || property->kind != GODWIT_PROPERTY_KIND_RELATIONSHIP || property->transient)
        {
          reader_error (r, error, key_path, _("%s has no stored relationship “%s” in version “%s”"),
                        entity->name, (const char *) l->data, godwit_model_get_version_name (r->target));
          return FALSE;
        }

      if (!check_relationship (r, property, json_object_get_member (relationships, l->data), key_path, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
check_object (Reader      *r,
              JsonNode    *node,
              const char  *path,
              GError     **error)
{
  JsonObject *object = require_object (r, node, path, object_keys, _("an expected object"), error);
  g_autofree char *entity_path = NULL;
  g_autofree char *values_path = NULL;
  g_autofree char *relationships_path = NULL;
  JsonNode *entity_node;
  GodwitEntity *entity;
  gboolean has_pk, has_where;

  if (object == NULL)
    return FALSE;

  entity_path = _godwit_json_member_path (path, "entity");
  entity_node = json_object_get_member (object, "entity");
  if (entity_node == NULL)
    {
      reader_error (r, error, entity_path, _("missing: give the object’s entity"));
      return FALSE;
    }
  if (!JSON_NODE_HOLDS_VALUE (entity_node) || json_node_get_value_type (entity_node) != G_TYPE_STRING)
    {
      reader_error (r, error, entity_path, _("not a string"));
      return FALSE;
    }
  entity = require_entity (r, json_node_get_string (entity_node), entity_path, error);
  if (entity == NULL)
    return FALSE;

  /* Exactly one way to pick the object out. */
  has_pk = json_object_has_member (object, "pk");
  has_where = json_object_has_member (object, "where");
  if (has_pk == has_where)
    {
      reader_error (r, error, path, has_pk ? _("both “pk” and “where”: give one of them")
                                           : _("neither “pk” nor “where”: give one of them"));
      return FALSE;
    }

  if (has_pk)
    {
      g_autofree char *pk_path = _godwit_json_member_path (path, "pk");

      if (!require_whole_number (r, json_object_get_member (object, "pk"), pk_path, 1, error))
        return FALSE;
    }
  else
    {
      g_autofree char *where_path = _godwit_json_member_path (path, "where");

      if (!check_attribute_values (r, entity, json_object_get_member (object, "where"), where_path, FALSE, error))
        return FALSE;
    }

  values_path = _godwit_json_member_path (path, "values");
  if (json_object_has_member (object, "values") &&
      !check_attribute_values (r, entity, json_object_get_member (object, "values"), values_path, TRUE, error))
    return FALSE;

  relationships_path = _godwit_json_member_path (path, "relationships");
  if (json_object_has_member (object, "relationships") &&
      !check_relationships (r, entity, json_object_get_member (object, "relationships"), relationships_path, error))
    return FALSE;

  return TRUE;
}

static gboolean
check_fixture_entry (Reader      *r,
                     JsonNode    *node,
                     const char  *path,
                     GError     **error)
{
  JsonObject *entry = require_object (r, node, path, fixture_keys, _("a fixture entry"), error);

  if (entry == NULL)
    return FALSE;

  if (json_object_has_member (entry, "counts"))
    {
      g_autofree char *counts_path = _godwit_json_member_path (path, "counts");
      JsonObject *counts = require_object (r, json_object_get_member (entry, "counts"), counts_path, NULL, NULL,
                                           error);
      g_autoptr(GList) members = NULL;

      if (counts == NULL)
        return FALSE;

      members = json_object_get_members (counts);
      for (GList *l = members; l != NULL; l = l->next)
        {
          g_autofree char *key_path = _godwit_json_member_path (counts_path, l->data);

          if (require_entity (r, l->data, key_path, error) == NULL ||
              !require_whole_number (r, json_object_get_member (counts, l->data), key_path, 0, error))
            return FALSE;
        }
    }

  if (json_object_has_member (entry, "objects"))
    {
      g_autofree char *objects_path = _godwit_json_member_path (path, "objects");
      JsonNode *objects = json_object_get_member (entry, "objects");

      if (!JSON_NODE_HOLDS_ARRAY (objects))
        {
          reader_error (r, error, objects_path, _("not an array"));
          return FALSE;
        }

      if (!check_objects (r, json_node_get_array (objects), objects_path, NULL, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
names_a_fixture (Reader     *r,
                 const char *name)
{
  for (guint i = 0; r->fixtures[i] != NULL; i++)
    {
      g_autofree char *base = g_path_get_basename (r->fixtures[i]);

      if (g_str_equal (base, name))
        return TRUE;
    }

  return FALSE;
}

static gboolean
read_root (Reader        *r,
           Expectations  *expectations,
           GError       **error)
{
  JsonObject *root;
  JsonNode *format;

  root = require_object (r, expectations->root, NULL, expectations_keys, _("an expectations file"), error);
  if (root == NULL)
    return FALSE;

  format = json_object_get_member (root, "godwit-expectations");
  if (format == NULL)
    {
      reader_error (r, error, "godwit-expectations", _("missing: give the format version, %d"), EXPECTATIONS_FORMAT);
      return FALSE;
    }
  if (!JSON_NODE_HOLDS_VALUE (format) || json_node_get_value_type (format) != G_TYPE_INT64 ||
      json_node_get_int (format) != EXPECTATIONS_FORMAT)
    {
      g_autofree char *text = godwit_value_dup_text (format, VALUE_MAX_CHARS);

      reader_error (r, error, "godwit-expectations", _("format %s is not known: this Godwit reads format %d"),
                    text, EXPECTATIONS_FORMAT);
      return FALSE;
    }

  if (json_object_has_member (root, "target-version"))
    {
      JsonNode *version = json_object_get_member (root, "target-version");

      if (!JSON_NODE_HOLDS_VALUE (version) || json_node_get_value_type (version) != G_TYPE_STRING)
        {
          reader_error (r, error, "target-version", _("not a string"));
          return FALSE;
        }
      expectations->target_version = json_node_get_string (version);
      if (godwit_model_bundle_find_version (r->bundle, expectations->target_version) == NULL)
        {
          reader_error (r, error, "target-version", _("%s has no version named “%s”"),
                        godwit_model_bundle_get_path (r->bundle), expectations->target_version);
          return FALSE;
        }
    }

  if (json_object_has_member (root, "fixtures"))
    {
      g_autoptr(GList) members = NULL;

      expectations->fixtures = require_object (r, json_object_get_member (root, "fixtures"), "fixtures", NULL, NULL,
                                               error);
      if (expectations->fixtures == NULL)
        return FALSE;

      members = json_object_get_members (expectations->fixtures);
      for (GList *l = members; l != NULL; l = l->next)
        {
          g_autofree char *path = _godwit_json_member_path ("fixtures", l->data);

          /* A misspelt file name would leave its expectations unchecked. */
          if (!g_str_equal (l->data, ANY_FIXTURE) && !names_a_fixture (r, l->data))
            {
              reader_error (r, error, path, _("no FIXTURE given has this file name"));
              return FALSE;
            }

          if (!check_fixture_entry (r, json_object_get_member (expectations->fixtures, l->data), path, error))
            return FALSE;
        }
    }

  return TRUE;
}

/* Reads @path and checks it against @target, the version the fixtures
 * migrate to: every entity, attribute and relationship it names must be
 * there. */
static Expectations *
read_expectations (const char         *path,
                   GodwitModelBundle  *bundle,
                   GodwitModel        *target,
                   char              **fixtures,
                   GError            **error)
{
  g_autoptr(Expectations) expectations = g_new0 (Expectations, 1);
  g_autofree char *contents = NULL;
  Reader r = { path, bundle, target, fixtures };
  gsize length = 0;

  contents = _godwit_file_read_bounded (path, _("an expectations file"), EXPECTATIONS_MAX_SIZE, &length,
                                        error);
  if (contents == NULL)
    return NULL;

  expectations->root = _godwit_json_load_checked (contents, length, path, _("an expectations file"),
                                                  EXPECTATIONS_MAX_SIZE, EXPECTATIONS_MAX_DEPTH,
                                                  error);
  if (expectations->root == NULL)
    return NULL;

  expectations->path = g_strdup (path);
  if (!read_root (&r, expectations, error))
    return NULL;

  return g_steal_pointer (&expectations);
}

/* ---- checking a migrated copy ----------------------------------------- */

/* The library names the copy it worked on (and its work files beside it):
 * the messages name the fixture instead. */
static char *
dup_fixture_message (const char *message,
                     const char *copy,
                     const char *fixture)
{
  g_autofree char *escaped = g_regex_escape_string (copy, -1);
  g_autofree char *pattern = g_strconcat (escaped, "[^:\\s]*", NULL);
  g_autoptr(GRegex) regex = g_regex_new (pattern, 0, 0, NULL);
  char *replaced = regex != NULL ? g_regex_replace_literal (regex, message, -1, 0, fixture, 0, NULL) : NULL;

  return replaced != NULL ? replaced : g_strdup (message);
}

typedef struct
{
  GodwitStore *store;
  GodwitModel *model;
  const char  *fixture;   /* as given, for the messages */
  const char  *copy;      /* the migrated copy, which errors name */
  GPtrArray   *failures;  /* (element-type utf8) */
} Check;

G_GNUC_PRINTF (2, 3)
static void
add_failure (Check      *check,
             const char *format,
             ...)
{
  g_autofree char *problem = NULL;
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);

  problem = g_strdup_printf ("%s: %s", check->fixture, text);
  g_ptr_array_add (check->failures, dup_fixture_message (problem, check->copy, check->fixture));
}

/* Control characters of a stored string as \uXXXX, so that a value
 * cannot play tricks on a terminal or break the JUnit XML. */
static void
append_printable (GString    *text,
                  const char *value)
{
  g_autofree char *start = NULL;
  gboolean cut = g_utf8_strlen (value, -1) > VALUE_MAX_CHARS;

  if (cut)
    value = start = g_utf8_substring (value, 0, VALUE_MAX_CHARS - 1);

  for (const char *p = value; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c < 0x20 || (c >= 0x7f && c < 0xa0))
        g_string_append_printf (text, "\\u%04x", c);
      else
        g_string_append_unichar (text, c);
    }

  if (cut)
    g_string_append (text, "…");
}

/* A value as `dump` shows it: strings in quotes, the rest as compact
 * JSON; NULL for a value the store has no column for. */
static char *
dup_value_text (JsonNode *node)
{
  GString *text;

  if (node == NULL)
    return g_strdup (_("absent"));

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return godwit_value_dup_text (node, VALUE_MAX_CHARS);

  text = g_string_new ("“");
  append_printable (text, json_node_get_string (node));
  g_string_append (text, "”");

  return g_string_free (text, FALSE);
}

/* "where title = “Hello” and index = 0" */
static void
append_where (GString    *text,
              JsonObject *where)
{
  g_autoptr(GList) members = json_object_get_members (where);

  g_string_append (text, _("where "));
  for (GList *l = members; l != NULL; l = l->next)
    {
      g_autofree char *value = dup_value_text (json_object_get_member (where, l->data));

      if (l != members)
        g_string_append (text, _(" and "));
      g_string_append_printf (text, "%s = %s", (const char *) l->data, value);
    }
}

/* "Post where title = “Hello”" or "Post with Z_PK 3" */
static char *
describe_expected_object (JsonObject *expectation)
{
  GString *text = g_string_new (json_object_get_string_member (expectation, "entity"));

  g_string_append_c (text, ' ');
  if (json_object_has_member (expectation, "pk"))
    g_string_append_printf (text, _("with Z_PK %" PRId64), json_object_get_int_member (expectation, "pk"));
  else
    append_where (text, json_object_get_object_member (expectation, "where"));

  return g_string_free (text, FALSE);
}

static gboolean
has_values (GodwitObject *object,
            JsonObject   *wanted)
{
  g_autoptr(GList) members = json_object_get_members (wanted);

  for (GList *l = members; l != NULL; l = l->next)
    {
      JsonNode *value = json_object_get_member (object->attributes, l->data);

      if (value == NULL || !json_node_equal (value, json_object_get_member (wanted, l->data)))
        return FALSE;
    }

  return TRUE;
}

/* The object of @entity_name (with sub-entities or not) whose Z_PK is
 * @pk; NULL without an error when there is none. */
static GodwitObject *
fetch_object (Check       *check,
              const char  *entity_name,
              gboolean     include_subentities,
              gint64       pk,
              GError     **error)
{
  g_autoptr(GPtrArray) page = godwit_store_fetch_objects (check->store, entity_name, include_subentities, pk - 1, 1,
                                                          NULL, error);
  GodwitObject *object;

  if (page == NULL || page->len == 0)
    return NULL;

  object = g_ptr_array_index (page, 0);
  if (object->pk != pk)
    return NULL;

  return g_ptr_array_steal_index (page, 0);
}

/* The object an object ID URI (x-coredata://UUID/Entity/pN) names. */
static GodwitObject *
fetch_related_object (Check       *check,
                      const char  *uri,
                      GError     **error)
{
  const char *last = uri != NULL ? strrchr (uri, '/') : NULL;
  g_autofree char *entity_name = NULL;
  const char *start;
  guint64 pk = 0;

  if (last == NULL || last[1] != 'p' || !g_ascii_string_to_unsigned (last + 2, 10, 1, G_MAXINT64, &pk, NULL))
    return NULL;

  for (start = last; start > uri && start[-1] != '/'; start--)
    ;
  if (start == last)
    return NULL;

  entity_name = g_strndup (start, last - start);

  return fetch_object (check, entity_name, FALSE, (gint64) pk, error);
}

/* The one object @expectation picks out, or NULL after saying why not. */
static GodwitObject *
find_object (Check       *check,
             JsonObject  *expectation,
             const char  *description)
{
  const char *entity_name = json_object_get_string_member (expectation, "entity");
  g_autoptr(GodwitObject) found = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *where;
  gint64 after_pk = 0;

  if (json_object_has_member (expectation, "pk"))
    {
      found = fetch_object (check, entity_name, TRUE, json_object_get_int_member (expectation, "pk"), &error);
      if (error != NULL)
        add_failure (check, "%s: %s", description, error->message);
      else if (found == NULL)
        add_failure (check, _("no %s"), description);

      return g_steal_pointer (&found);
    }

  /* Page by page, as dump reads: memory stays flat for a big store. */
  where = json_object_get_object_member (expectation, "where");
  for (;;)
    {
      g_autoptr(GPtrArray) page = godwit_store_fetch_objects_sized (check->store, entity_name, TRUE, after_pk,
                                                                    GODWIT_CLI_PAGE_SIZE, GODWIT_CLI_PAGE_BYTES,
                                                                    NULL, &error);

      if (page == NULL)
        {
          add_failure (check, "%s: %s", description, error->message);
          return NULL;
        }

      for (guint i = 0; i < page->len; i++)
        {
          GodwitObject *object = g_ptr_array_index (page, i);

          after_pk = object->pk;
          if (!has_values (object, where))
            continue;

          if (found != NULL)
            {
              add_failure (check, _("more than one %s: give values that pick out one object"), description);
              return NULL;
            }
          /* Taken out of the page, which frees NULL as nothing. */
          found = g_steal_pointer (&page->pdata[i]);
        }

      /* A page of large values ends early: only an empty one is the
       * end. */
      if (page->len == 0)
        break;
    }

  if (found == NULL)
    add_failure (check, _("no %s"), description);

  return g_steal_pointer (&found);
}

/* @label is what the values belong to: "body", "post", "journal[0]". */
static void
compare_values (Check        *check,
                const char   *description,
                const char   *label,
                GodwitObject *object,
                JsonObject   *wanted)
{
  g_autoptr(GList) members = json_object_get_members (wanted);

  for (GList *l = members; l != NULL; l = l->next)
    {
      JsonNode *expected = json_object_get_member (wanted, l->data);
      JsonNode *actual = json_object_get_member (object->attributes, l->data);
      g_autofree char *expected_text = NULL;
      g_autofree char *actual_text = NULL;

      if (actual != NULL && json_node_equal (actual, expected))
        continue;

      expected_text = dup_value_text (expected);
      actual_text = dup_value_text (actual);
      if (label != NULL)
        add_failure (check, _("%s: %s.%s is %s, expected %s"), description, label, (const char *) l->data,
                     actual_text, expected_text);
      else
        add_failure (check, _("%s: %s is %s, expected %s"), description, (const char *) l->data,
                     actual_text, expected_text);
    }
}

/* The related object at @uri, or NULL after saying why not. */
static GodwitObject *
require_related_object (Check      *check,
                        const char *description,
                        const char *label,
                        const char *uri)
{
  g_autoptr(GError) error = NULL;
  GodwitObject *object = fetch_related_object (check, uri, &error);

  if (error != NULL)
    add_failure (check, "%s: %s: %s", description, label, error->message);
  else if (object == NULL)
    add_failure (check, _("%s: %s is %s, which the store does not have"), description, label,
                 uri != NULL ? uri : _("not an object ID"));

  return object;
}

static void
check_to_one (Check      *check,
              const char *description,
              const char *name,
              JsonNode   *actual,
              JsonNode   *expected)
{
  g_autoptr(GodwitObject) related = NULL;

  if (JSON_NODE_HOLDS_NULL (expected))
    {
      if (!JSON_NODE_HOLDS_NULL (actual))
        {
          g_autofree char *text = dup_value_text (actual);

          add_failure (check, _("%s: %s is %s, expected null"), description, name, text);
        }
      return;
    }

  if (JSON_NODE_HOLDS_NULL (actual))
    {
      g_autoptr(GString) where = g_string_new (NULL);

      append_where (where, json_node_get_object (expected));
      add_failure (check, _("%s: %s is null, expected an object %s"), description, name, where->str);
      return;
    }

  related = require_related_object (check, description, name, json_node_get_string (actual));
  if (related != NULL)
    compare_values (check, description, name, related, json_node_get_object (expected));
}

static void
check_to_many (Check          *check,
               const char     *description,
               GodwitProperty *relationship,
               JsonArray      *actual,
               JsonNode       *expected)
{
  g_autoptr(GPtrArray) related = NULL;
  g_autofree gboolean *taken = NULL;
  guint n = json_array_get_length (actual);
  JsonArray *descriptions;

  if (JSON_NODE_HOLDS_VALUE (expected))
    {
      if ((gint64) n != json_node_get_int (expected))
        add_failure (check, g_dngettext (GETTEXT_PACKAGE, "%s: %s has %u object, expected %" PRId64,
                                         "%s: %s has %u objects, expected %" PRId64, n),
                     description, relationship->name, n, json_node_get_int (expected));
      return;
    }

  descriptions = json_node_get_array (expected);
  if (n != json_array_get_length (descriptions))
    {
      add_failure (check, g_dngettext (GETTEXT_PACKAGE, "%s: %s has %u object, expected %u",
                                       "%s: %s has %u objects, expected %u", n),
                   description, relationship->name, n, json_array_get_length (descriptions));
      return;
    }

  related = g_ptr_array_new_with_free_func ((GDestroyNotify) godwit_object_free);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *label = g_strdup_printf ("%s[%u]", relationship->name, i);
      GodwitObject *object = require_related_object (check, description, label,
                                                     json_array_get_string_element (actual, i));

      if (object == NULL)
        return;
      g_ptr_array_add (related, object);
    }

  /* An ordered relationship in its order; otherwise each description
   * takes the first related object it fits that no earlier one took. */
  if (relationship->ordered)
    {
      for (guint i = 0; i < n; i++)
        {
          g_autofree char *label = g_strdup_printf ("%s[%u]", relationship->name, i);

          compare_values (check, description, label, g_ptr_array_index (related, i),
                          json_array_get_object_element (descriptions, i));
        }
      return;
    }

  taken = g_new0 (gboolean, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    {
      JsonObject *wanted = json_array_get_object_element (descriptions, i);
      gboolean matched = FALSE;

      for (guint j = 0; j < n && !matched; j++)
        if (!taken[j] && has_values (g_ptr_array_index (related, j), wanted))
          taken[j] = matched = TRUE;

      if (!matched)
        {
          g_autoptr(GString) where = g_string_new (NULL);

          append_where (where, wanted);
          add_failure (check, _("%s: %s holds no object %s"), description, relationship->name, where->str);
        }
    }
}

static void
check_relationships_of (Check        *check,
                        const char   *description,
                        GodwitObject *object,
                        JsonObject   *relationships)
{
  GodwitEntity *entity = godwit_model_get_entity (check->model, object->entity);
  g_autoptr(GList) members = json_object_get_members (relationships);

  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;
      GodwitProperty *property = entity != NULL ? godwit_entity_find_property (entity, name) : NULL;
      JsonNode *actual = json_object_get_member (object->relationships, name);
      JsonNode *expected = json_object_get_member (relationships, name);

      /* An object of another sub-entity than expected, or what the
       * model has and the store lacks (a schema warning). */
      if (property == NULL)
        add_failure (check, _("%s: it is a %s, which has no relationship %s"), description, object->entity, name);
      else if (actual == NULL)
        add_failure (check, _("%s: the store has no column or table for %s"), description, name);
      else if (property->to_many && JSON_NODE_HOLDS_ARRAY (actual))
        check_to_many (check, description, property, json_node_get_array (actual), expected);
      else if (!property->to_many && (JSON_NODE_HOLDS_NULL (actual) ||
                                      (JSON_NODE_HOLDS_VALUE (actual) &&
                                       json_node_get_value_type (actual) == G_TYPE_STRING)))
        check_to_one (check, description, name, actual, expected);
      else
        add_failure (check, _("%s: %s is not stored as a %s relationship"), description, name,
                     property->to_many ? "to-many" : "to-one");
    }
}

static void
check_expected_object (Check      *check,
                       JsonObject *expectation)
{
  g_autofree char *description = describe_expected_object (expectation);
  g_autoptr(GodwitObject) object = find_object (check, expectation, description);

  if (object == NULL)
    return;

  if (json_object_has_member (expectation, "values"))
    compare_values (check, description, NULL, object, json_object_get_object_member (expectation, "values"));

  if (json_object_has_member (expectation, "relationships"))
    check_relationships_of (check, description, object, json_object_get_object_member (expectation, "relationships"));
}

static void
check_count (Check      *check,
             const char *entity_name,
             gint64      expected)
{
  g_autoptr(GError) error = NULL;
  gint64 count = godwit_store_count_objects (check->store, entity_name, TRUE, NULL, &error);

  if (count < 0)
    add_failure (check, _("counting %s objects: %s"), entity_name, error != NULL ? error->message : "");
  else if (count != expected)
    add_failure (check, g_dngettext (GETTEXT_PACKAGE, "%" PRId64 " %s object, expected %" PRId64,
                                     "%" PRId64 " %s objects, expected %" PRId64, (gulong) count),
                 count, entity_name, expected);
}

static JsonObject *
get_entry_member (JsonObject *entry,
                  const char *name)
{
  return entry != NULL && json_object_has_member (entry, name) ? json_object_get_object_member (entry, name) : NULL;
}

/* The fixture's own entry adds to the "*" one; for an entity both count,
 * the fixture's own number wins. */
static void
check_expectations (Check        *check,
                    Expectations *expectations,
                    const char   *name)
{
  JsonObject *entries[2] = { NULL, NULL };
  JsonObject *own_counts;

  if (expectations->fixtures == NULL)
    return;

  if (json_object_has_member (expectations->fixtures, ANY_FIXTURE))
    entries[0] = json_object_get_object_member (expectations->fixtures, ANY_FIXTURE);
  if (json_object_has_member (expectations->fixtures, name))
    entries[1] = json_object_get_object_member (expectations->fixtures, name);
  own_counts = get_entry_member (entries[1], "counts");

  for (guint e = 0; e < G_N_ELEMENTS (entries); e++)
    {
      JsonObject *counts = get_entry_member (entries[e], "counts");
      g_autoptr(GList) members = counts != NULL ? json_object_get_members (counts) : NULL;

      for (GList *l = members; l != NULL; l = l->next)
        if (counts == own_counts || own_counts == NULL || !json_object_has_member (own_counts, l->data))
          check_count (check, l->data, json_object_get_int_member (counts, l->data));
    }

  for (guint e = 0; e < G_N_ELEMENTS (entries); e++)
    {
      JsonArray *objects = entries[e] != NULL && json_object_has_member (entries[e], "objects")
                           ? json_object_get_array_member (entries[e], "objects") : NULL;

      for (guint i = 0; objects != NULL && i < json_array_get_length (objects); i++)
        check_expected_object (check, json_array_get_object_element (objects, i));
    }
}

/* ---- validating a fixture --------------------------------------------- */

typedef enum
{
  RESULT_PASS,
  RESULT_FAIL,
  RESULT_ERROR,
} ResultKind;

typedef struct
{
  char       *fixture;         /* as given */
  double      seconds;
  char       *source_version;  /* (nullable) */
  char       *target_version;  /* (nullable) */
  guint       n_steps;
  gboolean    up_to_date;
  GPtrArray  *verification;    /* (element-type utf8) */
  GPtrArray  *failures;        /* (element-type utf8) */
  char       *error;           /* (nullable) why it could not be copied or migrated */
} FixtureResult;

static void
fixture_result_free (gpointer data)
{
  FixtureResult *result = data;

  g_free (result->fixture);
  g_free (result->source_version);
  g_free (result->target_version);
  g_ptr_array_unref (result->verification);
  g_ptr_array_unref (result->failures);
  g_free (result->error);
  g_free (result);
}

static ResultKind
fixture_result_get_kind (FixtureResult *result)
{
  if (result->error != NULL)
    return RESULT_ERROR;

  return result->failures->len > 0 ? RESULT_FAIL : RESULT_PASS;
}

static const char *
result_kind_to_string (ResultKind kind)
{
  switch (kind)
    {
    case RESULT_PASS:
      return "pass";
    case RESULT_FAIL:
      return "fail";
    case RESULT_ERROR:
      return "error";
    default:
      g_assert_not_reached ();
    }
}

/* Everything under @path, which this command made: symbolic links are
 * removed, never followed. */
static void
remove_tree (const char *path,
             guint       depth)
{
  struct stat st;

  if (lstat (path, &st) != 0)
    return;

  if (S_ISDIR (st.st_mode) && depth < WORK_DIR_MAX_DEPTH)
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          remove_tree (child, depth + 1);
        }

      if (g_rmdir (path) != 0)
        g_printerr (_("godwit-cli: cannot remove the temporary folder %s: %s\n"), path, g_strerror (errno));
    }
  else if (g_unlink (path) != 0)
    {
      g_printerr (_("godwit-cli: cannot remove the temporary file %s: %s\n"), path, g_strerror (errno));
    }
}

static void
on_progress (const GodwitMigrationProgress *progress,
             gpointer                       user_data)
{
  const char **phase = user_data;

  *phase = progress->phase;
}

typedef struct
{
  GodwitCliMigrationOptions *options;
  GodwitCliMigrationInputs  *inputs;
  Expectations              *expectations;  /* (nullable) */
  const char                *work_dir;
} Validation;

/* Snapshot, migration and checks of one fixture in @dir, a folder of its
 * own: the copy in “copy”, whatever the fixture's name, its backup in
 * “backups”. Only the snapshot reads the fixture. */
static void
validate_in (Validation    *validation,
             FixtureResult *result,
             const char    *dir)
{
  g_autofree char *name = g_path_get_basename (result->fixture);
  g_autofree char *copy_dir = g_build_filename (dir, "copy", NULL);
  g_autofree char *copy = g_build_filename (copy_dir, name, NULL);
  g_autofree char *backup_dir = g_build_filename (dir, "backups", NULL);
  g_autoptr(GodwitMigration) migration = NULL;
  g_autoptr(GodwitStore) store = NULL;
  g_autoptr(GError) error = NULL;
  const char *phase = NULL;
  const char *expected_version;
  GPtrArray *verification;
  GodwitModel *target;
  Check check = { NULL, NULL, result->fixture, copy, result->failures };

  if (g_mkdir (dir, 0700) != 0 || g_mkdir (copy_dir, 0700) != 0)
    {
      int saved_errno = errno;

      result->error = g_strdup_printf ("%s: %s", dir, g_strerror (saved_errno));
      return;
    }

  if (!godwit_store_snapshot (result->fixture, copy, NULL, &error))
    {
      result->error = dup_fixture_message (error->message, copy, result->fixture);
      return;
    }

  migration = godwit_migration_new (copy, validation->inputs->bundle, validation->inputs->plan,
                                    validation->inputs->mapping_models, validation->options->target_version, &error);
  if (migration == NULL)
    {
      result->error = dup_fixture_message (error->message, copy, result->fixture);
      return;
    }

  target = godwit_migration_get_target_version (migration);
  result->source_version = g_strdup (godwit_model_get_version_name (godwit_migration_get_source_version (migration)));
  result->target_version = g_strdup (godwit_model_get_version_name (target));
  result->n_steps = godwit_migration_get_steps (migration)->len;
  result->up_to_date = godwit_migration_is_up_to_date (migration);

  godwit_migration_set_progress_callback (migration, on_progress, &phase);
  if (result->up_to_date)
    {
      /* Nothing to migrate, so godwit_migration_run() would check
       * nothing: the copy is checked as a migrated one is. */
      if (!godwit_migration_verify (migration, copy, NULL, &error))
        g_ptr_array_add (result->failures, dup_fixture_message (error->message, copy, result->fixture));
    }
  else if (!godwit_migration_run (migration, backup_dir, FALSE, NULL, &error))
    {
      g_autofree char *message = dup_fixture_message (error->message, copy, result->fixture);

      /* A result that fails verification is a finding; a step that cannot
       * run or breaks is a fixture that cannot be migrated. */
      if (g_strcmp0 (phase, "verify") == 0)
        g_ptr_array_add (result->failures, g_steal_pointer (&message));
      else
        result->error = g_steal_pointer (&message);
    }

  verification = godwit_migration_get_verification (migration);
  for (guint i = 0; i < verification->len; i++)
    g_ptr_array_add (result->verification,
                     dup_fixture_message (g_ptr_array_index (verification, i), copy, result->fixture));

  if (result->error != NULL || result->failures->len > 0)
    return;

  expected_version = validation->expectations != NULL ? validation->expectations->target_version : NULL;
  if (expected_version != NULL && g_strcmp0 (expected_version, result->target_version) != 0)
    add_failure (&check, _("the target version is “%s”, expected “%s”"), result->target_version, expected_version);

  if (validation->expectations == NULL)
    return;

  store = godwit_store_open (copy, NULL, &error);
  if (store == NULL || !godwit_store_set_model (store, target, &error))
    {
      g_autofree char *message = dup_fixture_message (error->message, copy, result->fixture);

      g_ptr_array_add (result->failures, g_steal_pointer (&message));
      return;
    }

  check.store = store;
  check.model = target;
  check_expectations (&check, validation->expectations, name);
}

static FixtureResult *
validate_fixture (Validation *validation,
                  const char *fixture,
                  guint       number)
{
  FixtureResult *result = g_new0 (FixtureResult, 1);
  g_autofree char *dir_name = g_strdup_printf ("%u", number);
  g_autofree char *dir = g_build_filename (validation->work_dir, dir_name, NULL);
  gint64 started = g_get_monotonic_time ();

  result->fixture = g_strdup (fixture);
  result->verification = g_ptr_array_new_with_free_func (g_free);
  result->failures = g_ptr_array_new_with_free_func (g_free);

  validate_in (validation, result, dir);
  remove_tree (dir, 0);

  result->seconds = (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC;

  return result;
}

/* ---- output ------------------------------------------------------------ */

static void
print_result_text (FixtureResult *result)
{
  ResultKind kind = fixture_result_get_kind (result);
  g_autoptr(GString) line = g_string_new (NULL);

  g_string_append_printf (line, "%-5s  %s  ", kind == RESULT_PASS ? _("PASS") : kind == RESULT_FAIL ? _("FAIL")
                                                                                                    : _("ERROR"),
                          result->fixture);
  if (result->up_to_date)
    g_string_append_printf (line, _("already at “%s”, "), result->target_version);
  else if (result->target_version != NULL)
    g_string_append_printf (line, g_dngettext (GETTEXT_PACKAGE, "“%s” → “%s”, %u step, ", "“%s” → “%s”, %u steps, ",
                                               result->n_steps),
                            result->source_version, result->target_version, result->n_steps);
  g_string_append_printf (line, _("%.2f s"), result->seconds);
  g_print ("%s\n", line->str);

  if (result->error != NULL)
    g_print ("  %s\n", result->error);
  for (guint i = 0; i < result->failures->len; i++)
    g_print ("  %s\n", (const char *) g_ptr_array_index (result->failures, i));
}

static void
count_results (GPtrArray *results,
               guint      counts[3])
{
  counts[RESULT_PASS] = counts[RESULT_FAIL] = counts[RESULT_ERROR] = 0;
  for (guint i = 0; i < results->len; i++)
    counts[fixture_result_get_kind (g_ptr_array_index (results, i))]++;
}

static void
print_summary_text (GPtrArray *results)
{
  guint counts[3];

  count_results (results, counts);
  g_print (g_dngettext (GETTEXT_PACKAGE, "\n%u fixture: %u passed, %u failed, %u could not be migrated\n",
                        "\n%u fixtures: %u passed, %u failed, %u could not be migrated\n", results->len),
           results->len, counts[RESULT_PASS], counts[RESULT_FAIL], counts[RESULT_ERROR]);
}

static void
print_json (Validation  *validation,
            GPtrArray   *results,
            GodwitModel *target)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = _godwit_cli_json_generator_new (TRUE);
  g_autoptr(JsonNode) root = NULL;
  GodwitCliMigrationOptions *options = validation->options;
  guint counts[3];

  count_results (results, counts);

  json_builder_begin_object (builder);
  _godwit_cli_migration_options_add_json (options, builder);
  _godwit_json_add_nullable_string (builder, "expectations",
                                    validation->expectations != NULL ? validation->expectations->path : NULL);
  json_builder_set_member_name (builder, "target_version");
  json_builder_add_string_value (builder, godwit_model_get_version_name (target));
  json_builder_set_member_name (builder, "passed");
  json_builder_add_int_value (builder, counts[RESULT_PASS]);
  json_builder_set_member_name (builder, "failed");
  json_builder_add_int_value (builder, counts[RESULT_FAIL]);
  json_builder_set_member_name (builder, "errors");
  json_builder_add_int_value (builder, counts[RESULT_ERROR]);

  json_builder_set_member_name (builder, "fixtures");
  json_builder_begin_array (builder);
  for (guint i = 0; i < results->len; i++)
    {
      FixtureResult *result = g_ptr_array_index (results, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "fixture");
      json_builder_add_string_value (builder, result->fixture);
      json_builder_set_member_name (builder, "result");
      json_builder_add_string_value (builder, result_kind_to_string (fixture_result_get_kind (result)));
      /* Whole milliseconds: a double would print as 0.0060769999999999999. */
      json_builder_set_member_name (builder, "milliseconds");
      json_builder_add_int_value (builder, (gint64) (result->seconds * 1000 + 0.5));
      _godwit_json_add_nullable_string (builder, "source_version", result->source_version);
      _godwit_json_add_nullable_string (builder, "target_version", result->target_version);
      json_builder_set_member_name (builder, "steps");
      json_builder_add_int_value (builder, result->n_steps);
      json_builder_set_member_name (builder, "up_to_date");
      json_builder_add_boolean_value (builder, result->up_to_date);
      json_builder_set_member_name (builder, "verification");
      _godwit_json_add_string_array (builder, result->verification);
      json_builder_set_member_name (builder, "failures");
      _godwit_json_add_string_array (builder, result->failures);
      _godwit_json_add_nullable_string (builder, "error", result->error);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  _godwit_cli_write_json (generator, root);
}

/* Text fit for XML 1.0: valid UTF-8 without the control characters it
 * forbids, even escaped. g_markup_printf_escaped() does the rest. */
static char *
dup_xml_text (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  GString *clean = g_string_sized_new (strlen (valid));

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0xfffe || c == 0xffff)
        g_string_append_unichar (clean, 0xfffd);
      else
        g_string_append_unichar (clean, c);
    }

  return g_string_free (clean, FALSE);
}

static void
append_xml_seconds (GString *xml,
                    double   seconds)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append (xml, g_ascii_formatd (buffer, sizeof buffer, "%.3f", seconds));
}

/* One line per item, under an element of @xml that has begun. */
static void
append_xml_lines (GString   *xml,
                  GPtrArray *lines)
{
  for (guint i = 0; i < lines->len; i++)
    {
      g_autofree char *clean = dup_xml_text (g_ptr_array_index (lines, i));
      g_autofree char *escaped = g_markup_escape_text (clean, -1);

      g_string_append_printf (xml, "%s%s", i > 0 ? "\n" : "", escaped);
    }
}

/* The JUnit XML CI servers read: one testcase per fixture, its
 * classname the bundle's name. */
static char *
dup_junit (Validation *validation,
           GPtrArray  *results)
{
  GString *xml = g_string_new ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
  g_autofree char *bundle_base = g_path_get_basename (validation->options->bundle_path);
  g_autofree char *bundle_name = dup_xml_text (bundle_base);
  char *extension = strrchr (bundle_name, '.');
  double total = 0;
  guint counts[3];

  /* Without “.xcdatamodeld”: CI servers read dots in a classname as
   * packages. */
  if (extension != NULL && extension != bundle_name)
    *extension = '\0';

  count_results (results, counts);
  for (guint i = 0; i < results->len; i++)
    total += ((FixtureResult *) g_ptr_array_index (results, i))->seconds;

  /* The same totals on both levels: CI servers read one or the other. */
  for (guint level = 0; level < 2; level++)
    {
      g_string_append_printf (xml, "%s name=\"godwit-validate\" tests=\"%u\" failures=\"%u\" errors=\"%u\" time=\"",
                              level == 0 ? "<testsuites" : "  <testsuite",
                              results->len, counts[RESULT_FAIL], counts[RESULT_ERROR]);
      append_xml_seconds (xml, total);
      g_string_append (xml, level == 0 ? "\">\n" : "\" skipped=\"0\">\n");
    }

  for (guint i = 0; i < results->len; i++)
    {
      FixtureResult *result = g_ptr_array_index (results, i);
      ResultKind kind = fixture_result_get_kind (result);
      g_autofree char *fixture = dup_xml_text (result->fixture);
      g_autofree char *head = g_markup_printf_escaped ("    <testcase name=\"%s\" classname=\"%s\" time=\"",
                                                       fixture, bundle_name);

      g_string_append (xml, head);
      append_xml_seconds (xml, result->seconds);
      g_string_append (xml, "\">\n");

      if (kind == RESULT_ERROR)
        {
          g_autofree char *message = dup_xml_text (result->error);
          g_autofree char *element = g_markup_printf_escaped ("      <error message=\"%s\" type=\"error\">%s</error>\n",
                                                              message, message);

          g_string_append (xml, element);
        }
      else if (kind == RESULT_FAIL)
        {
          g_autofree char *first = dup_xml_text (g_ptr_array_index (result->failures, 0));
          g_autofree char *element = g_markup_printf_escaped ("      <failure message=\"%s\" type=\"mismatch\">",
                                                              first);

          g_string_append (xml, element);
          append_xml_lines (xml, result->failures);
          g_string_append (xml, "</failure>\n");
        }

      if (result->verification->len > 0)
        {
          g_string_append (xml, "      <system-out>");
          append_xml_lines (xml, result->verification);
          g_string_append (xml, "</system-out>\n");
        }

      g_string_append (xml, "    </testcase>\n");
    }

  g_string_append (xml, "  </testsuite>\n</testsuites>\n");

  return g_string_free (xml, FALSE);
}

int
_godwit_cli_validate (const GodwitCliCommand  *command,
                      int                      argc,
                      char                   **argv)
{
  g_auto(GodwitCliMigrationOptions) options = { 0 };
  g_autoptr(GodwitCliMigrationInputs) inputs = NULL;
  g_autoptr(Expectations) expectations = NULL;
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func (fixture_result_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *expectations_path = NULL;
  g_autofree char *junit_path = NULL;
  g_autofree char *work_dir = NULL;
  Validation validation = { &options, NULL, NULL, NULL };
  GodwitModel *target;
  guint counts[3];
  const GOptionEntry entries[] = {
    GODWIT_CLI_MIGRATION_OPTION_ENTRIES (options),
    { "expect", 0, 0, G_OPTION_ARG_FILENAME, &expectations_path,
      N_("Expectations each migrated fixture is checked against (see docs/cli.md)"), N_("FILE") },
    { "junit", 0, 0, G_OPTION_ARG_FILENAME, &junit_path,
      N_("Also write the results as JUnit XML, for CI"), N_("FILE") },
    { NULL }
  };

  if (!_godwit_cli_parse (command, entries, &argc, &argv, &error))
    return _godwit_cli_fail (error);

  /* Everything shared by the fixtures is read first: a bad file is bad
   * usage, found before any copy is made. */
  inputs = _godwit_cli_migration_inputs_load (&options, NULL, &error);
  if (inputs == NULL)
    return _godwit_cli_fail (error);
  if (inputs->plan != NULL && !godwit_migration_plan_validate (inputs->plan, inputs->bundle, &error))
    return _godwit_cli_fail (error);

  /* As godwit_migration_new() will find it, so that the expectations can
   * be checked before any copy. */
  target = godwit_model_bundle_find_target_version (inputs->bundle, options.target_version, &error);
  if (target == NULL)
    return _godwit_cli_fail (error);

  if (expectations_path != NULL)
    {
      expectations = read_expectations (expectations_path, inputs->bundle, target, argv + 1, &error);
      if (expectations == NULL)
        return _godwit_cli_fail (error);
    }

  work_dir = g_dir_make_tmp ("godwit-validate-XXXXXX", &error);
  if (work_dir == NULL)
    return _godwit_cli_fail (error);

  validation.inputs = inputs;
  validation.expectations = expectations;
  validation.work_dir = work_dir;

  /* One fixture failing never stops the others. */
  for (int i = 1; i < argc; i++)
    {
      FixtureResult *result = validate_fixture (&validation, argv[i], (guint) i);

      g_ptr_array_add (results, result);
      if (!options.json)
        {
          print_result_text (result);
          fflush (stdout);
        }
    }

  remove_tree (work_dir, 0);

  if (options.json)
    print_json (&validation, results, target);
  else
    print_summary_text (results);

  if (junit_path != NULL)
    {
      g_autofree char *junit = dup_junit (&validation, results);

      if (!g_file_set_contents (junit_path, junit, -1, &error))
        {
          fflush (stdout);
          return _godwit_cli_fail (error);
        }
    }

  if (!_godwit_cli_flush_output (&error))
    return _godwit_cli_fail (error);

  count_results (results, counts);

  return counts[RESULT_PASS] == results->len ? GODWIT_CLI_EXIT_OK : GODWIT_CLI_EXIT_MISMATCH;
}
