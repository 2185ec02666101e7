/* godwit-mapping-model.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Reads an Xcode mapping model (../shared/docs/coredata-format.md §4.1): its
 * xcmapping.xml is a Core Data XML store of editor objects that point at
 * each other with `idrefs`. Value expressions are archived NSExpressions;
 * property mappings without one get Xcode's defaults, which depend on the
 * source and destination models. Those are taken from the model snapshots
 * the file carries (`sourcemodeldata`, `destinationmodeldata`: archived
 * XDPMModel objects), so a mapping model reads without its project.
 */

#define G_LOG_DOMAIN "godwit-mapping-model"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "godwit-error.h"
#include "godwit-keyed-archive.h"
#include "godwit-mapping-model.h"
#include "godwit-markup-private.h"
#include "godwit-model-archive-private.h"
#include "godwit-plist.h"

#define DESTINATION_INSTANCES_SELECTOR "destinationInstancesForEntityMappingNamed:sourceInstances:"

/* Longest parent chain followed in a model snapshot. */
#define MAX_ENTITY_DEPTH 64

/* The XML store */

typedef struct
{
  char    *type;   /* "string", "int16", "bool", "binary", … */
  GString *value;
} StoreAttribute;

typedef struct
{
  char  *destination;  /* (nullable): the type of the objects referred to */
  char **idrefs;
} StoreRelationship;

typedef struct
{
  char       *id;
  char       *type;
  int         line;
  GHashTable *attributes;     /* (element-type utf8 StoreAttribute) */
  GHashTable *relationships;  /* (element-type utf8 StoreRelationship) */
} StoreObject;

static void
store_attribute_free (StoreAttribute *attribute)
{
  g_free (attribute->type);
  g_string_free (attribute->value, TRUE);
  g_free (attribute);
}

static void
store_relationship_free (StoreRelationship *relationship)
{
  g_free (relationship->destination);
  g_strfreev (relationship->idrefs);
  g_free (relationship);
}

static void
store_object_free (StoreObject *object)
{
  g_free (object->id);
  g_free (object->type);
  g_hash_table_unref (object->attributes);
  g_hash_table_unref (object->relationships);
  g_free (object);
}

typedef enum
{
  ELEMENT_DATABASE,
  ELEMENT_OBJECT,
  ELEMENT_ATTRIBUTE,
  ELEMENT_RELATIONSHIP,
  ELEMENT_IGNORED,
} ElementKind;

typedef struct
{
  const char     *path;
  ElementKind     stack[GODWIT_MAPPING_MODEL_MAX_DEPTH];
  guint           depth;
  GHashTable     *objects;  /* (element-type utf8 StoreObject) by id */

  /* Borrowed: owned by @objects */
  StoreObject    *object;
  StoreAttribute *attribute;
} StoreParser;

static gboolean
start_object (GMarkupParseContext  *context,
              const char          **names,
              const char          **values,
              GError              **error)
{
  StoreParser *parser = g_markup_parse_context_get_user_data (context);
  const char *id = _godwit_markup_require (context, parser->path, "object", names, values, "id",
                                           error);
  const char *type = id != NULL ? _godwit_markup_require (context, parser->path, "object", names,
                                                          values, "type", error) : NULL;
  StoreObject *object;

  if (type == NULL)
    return FALSE;

  if (g_hash_table_contains (parser->objects, id))
    {
      _godwit_markup_set_error (context, parser->path, error, GODWIT_ERROR_INVALID_MODEL,
                                _("two objects have the id “%s”"), id);
      return FALSE;
    }

  object = g_new0 (StoreObject, 1);
  object->id = g_strdup (id);
  object->type = g_strdup (type);
  g_markup_parse_context_get_position (context, &object->line, NULL);
  object->attributes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                              (GDestroyNotify) store_attribute_free);
  object->relationships = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                 (GDestroyNotify) store_relationship_free);
  g_hash_table_insert (parser->objects, object->id, object);
  parser->object = object;

  return TRUE;
}

static gboolean
start_attribute (GMarkupParseContext  *context,
                 const char          **names,
                 const char          **values,
                 GError              **error)
{
  StoreParser *parser = g_markup_parse_context_get_user_data (context);
  const char *name = _godwit_markup_require (context, parser->path, "attribute", names, values,
                                             "name", error);
  const char *type = name != NULL ? _godwit_markup_require (context, parser->path, "attribute",
                                                            names, values, "type", error) : NULL;
  StoreAttribute *attribute;

  if (type == NULL)
    return FALSE;

  if (g_hash_table_contains (parser->object->attributes, name))
    {
      _godwit_markup_set_error (context, parser->path, error, GODWIT_ERROR_INVALID_MODEL,
                                _("attribute “%s” of object %s is given twice"),
                                name, parser->object->id);
      return FALSE;
    }

  attribute = g_new0 (StoreAttribute, 1);
  attribute->type = g_strdup (type);
  attribute->value = g_string_new (NULL);
  g_hash_table_insert (parser->object->attributes, g_strdup (name), attribute);
  parser->attribute = attribute;

  return TRUE;
}

static gboolean
start_relationship (GMarkupParseContext  *context,
                    const char          **names,
                    const char          **values,
                    GError              **error)
{
  StoreParser *parser = g_markup_parse_context_get_user_data (context);
  const char *name = _godwit_markup_require (context, parser->path, "relationship", names, values,
                                             "name", error);
  const char *idrefs = _godwit_markup_lookup (names, values, "idrefs");
  StoreRelationship *relationship;
  guint kept = 0;

  if (name == NULL)
    return FALSE;

  if (g_hash_table_contains (parser->object->relationships, name))
    {
      _godwit_markup_set_error (context, parser->path, error, GODWIT_ERROR_INVALID_MODEL,
                                _("relationship “%s” of object %s is given twice"),
                                name, parser->object->id);
      return FALSE;
    }

  relationship = g_new0 (StoreRelationship, 1);
  relationship->destination = g_strdup (_godwit_markup_lookup (names, values, "destination"));
  relationship->idrefs = g_strsplit_set (idrefs != NULL ? idrefs : "", " \t\r\n", -1);

  /* Runs of spaces split into empty strings. */
  for (guint i = 0; relationship->idrefs[i] != NULL; i++)
    {
      if (relationship->idrefs[i][0] == '\0')
        g_free (relationship->idrefs[i]);
      else
        relationship->idrefs[kept++] = relationship->idrefs[i];
    }
  relationship->idrefs[kept] = NULL;

  g_hash_table_insert (parser->object->relationships, g_strdup (name), relationship);

  return TRUE;
}

static void
start_element (GMarkupParseContext  *context,
               const char           *element_name,
               const char          **names,
               const char          **values,
               gpointer              user_data,
               GError              **error)
{
  StoreParser *parser = user_data;
  ElementKind parent;
  ElementKind kind = ELEMENT_IGNORED;
  gboolean ok = TRUE;

  if (!_godwit_markup_check_depth (context, parser->path, parser->depth,
                                   GODWIT_MAPPING_MODEL_MAX_DEPTH, error))
    return;

  if (parser->depth == 0)
    {
      if (strcmp (element_name, "database") != 0)
        {
          _godwit_markup_set_error (context, parser->path, error, GODWIT_ERROR_INVALID_MODEL,
                                    _("not a Core Data XML store (root <%s>)"), element_name);
          return;
        }
      parser->stack[parser->depth++] = ELEMENT_DATABASE;
      return;
    }

  parent = parser->stack[parser->depth - 1];
  if (parent == ELEMENT_DATABASE && strcmp (element_name, "object") == 0)
    {
      kind = ELEMENT_OBJECT;
      ok = start_object (context, names, values, error);
    }
  else if (parent == ELEMENT_OBJECT && strcmp (element_name, "attribute") == 0)
    {
      kind = ELEMENT_ATTRIBUTE;
      ok = start_attribute (context, names, values, error);
    }
  else if (parent == ELEMENT_OBJECT && strcmp (element_name, "relationship") == 0)
    {
      kind = ELEMENT_RELATIONSHIP;
      ok = start_relationship (context, names, values, error);
    }

  if (ok)
    parser->stack[parser->depth++] = kind;
}

static void
end_element (GMarkupParseContext  *context,
             const char           *element_name,
             gpointer              user_data,
             GError              **error)
{
  StoreParser *parser = user_data;

  g_assert (parser->depth > 0);

  switch (parser->stack[--parser->depth])
    {
    case ELEMENT_OBJECT:
      parser->object = NULL;
      break;

    case ELEMENT_ATTRIBUTE:
      parser->attribute = NULL;
      break;

    case ELEMENT_DATABASE:
    case ELEMENT_RELATIONSHIP:
    case ELEMENT_IGNORED:
    default:
      break;
    }
}

static void
collect_text (GMarkupParseContext  *context,
              const char           *text,
              gsize                 length,
              gpointer              user_data,
              GError              **error)
{
  StoreParser *parser = user_data;

  if (parser->attribute != NULL && parser->stack[parser->depth - 1] == ELEMENT_ATTRIBUTE)
    g_string_append_len (parser->attribute->value, text, length);
}

/* The xcmapping.xml of @path: the .xcmappingmodel folder or the file. */
static char *
find_xml (const char  *path,
          GError     **error)
{
  g_autofree char *xml = NULL;
  GStatBuf st;

  /* Anything but a folder is checked as the file itself when it is read. */
  if (g_stat (path, &st) != 0 || !S_ISDIR (st.st_mode))
    return g_strdup (path);

  xml = g_build_filename (path, "xcmapping.xml", NULL);
  if (g_stat (xml, &st) != 0)
    {
      int saved_errno = errno;

      if (saved_errno == ENOENT)
        g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_WRONG_FILE_TYPE,
                     _("%s: a folder without xcmapping.xml, not an Xcode mapping model"), path);
      else
        g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_IO, "%s: %s", xml, g_strerror (saved_errno));
      return NULL;
    }

  return g_steal_pointer (&xml);
}

/* Returns the objects of the store by id. */
static GHashTable *
read_store (const char  *xml,
            GError     **error)
{
  static const GMarkupParser callbacks = { start_element, end_element, collect_text, NULL, NULL };
  g_autoptr(GHashTable) objects = NULL;
  StoreParser parser = { 0 };

  objects = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) store_object_free);
  parser.path = xml;
  parser.objects = objects;
  if (!_godwit_markup_parse_file (xml, _("a mapping model's xcmapping.xml"),
                                  GODWIT_MAPPING_MODEL_MAX_SIZE, &callbacks, &parser, error))
    return NULL;

  return g_steal_pointer (&objects);
}

/* Reading objects */

typedef struct _ModelSnapshot ModelSnapshot;

static void model_snapshot_free (ModelSnapshot *snapshot);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ModelSnapshot, model_snapshot_free)

typedef struct
{
  const char    *xml;
  GHashTable    *objects;
  StoreObject   *mapping_model;

  /* Read when a default value expression needs them */
  ModelSnapshot *source;
  ModelSnapshot *destination;
} Builder;

G_GNUC_PRINTF (5, 6)
static void
set_object_error (GError      **error,
                  Builder      *builder,
                  StoreObject  *object,
                  GodwitError   code,
                  const char   *format,
                  ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  /* Translators: the file, a line, an object's type and id, and the problem */
  g_set_error (error, GODWIT_ERROR, code, _("%s: line %d: %s %s: %s"),
               builder->xml, object->line, object->type, object->id, message);
}

/* The value of attribute @name of @object, which must have @type when it
 * is there; NULL (without error) when it is absent. */
static gboolean
get_attribute (Builder      *builder,
               StoreObject  *object,
               const char   *name,
               const char   *type,
               const char  **value,
               GError      **error)
{
  StoreAttribute *attribute = g_hash_table_lookup (object->attributes, name);

  *value = NULL;
  if (attribute == NULL)
    return TRUE;

  /* Integers may be written as int16, int32 or int64. */
  if (strcmp (type, "int") == 0 ? !g_str_has_prefix (attribute->type, "int")
                                : strcmp (attribute->type, type) != 0)
    {
      set_object_error (error, builder, object, GODWIT_ERROR_INVALID_MODEL,
                        _("attribute “%s” has the type “%s”, expected %s"), name, attribute->type,
                        strcmp (type, "int") == 0 ? _("an integer type") : type);
      return FALSE;
    }

  *value = attribute->value->str;

  return TRUE;
}

static gboolean
get_string (Builder      *builder,
            StoreObject  *object,
            const char   *name,
            char        **value,
            GError      **error)
{
  const char *text;

  if (!get_attribute (builder, object, name, "string", &text, error))
    return FALSE;

  *value = g_strdup (text);

  return TRUE;
}

static gboolean
get_int (Builder      *builder,
         StoreObject  *object,
         const char   *name,
         gint         *value,
         GError      **error)
{
  g_autofree char *digits = NULL;
  const char *text;
  gint64 number;

  if (!get_attribute (builder, object, name, "int", &text, error))
    return FALSE;

  *value = 0;
  if (text == NULL)
    return TRUE;

  digits = g_strstrip (g_strdup (text));
  if (!g_ascii_string_to_signed (digits, 10, G_MININT32, G_MAXINT32, &number, NULL))
    {
      set_object_error (error, builder, object, GODWIT_ERROR_INVALID_MODEL,
                        _("attribute “%s” is not an integer: “%s”"), name, text);
      return FALSE;
    }

  *value = (gint) number;

  return TRUE;
}

static gboolean
get_bool (Builder      *builder,
          StoreObject  *object,
          const char   *name,
          gboolean     *value,
          GError      **error)
{
  const char *text;

  if (!get_attribute (builder, object, name, "bool", &text, error))
    return FALSE;

  *value = FALSE;
  if (text == NULL)
    return TRUE;

  if (strcmp (text, "1") != 0 && strcmp (text, "0") != 0)
    {
      set_object_error (error, builder, object, GODWIT_ERROR_INVALID_MODEL,
                        _("attribute “%s” is not a boolean (1 or 0): “%s”"), name, text);
      return FALSE;
    }

  *value = strcmp (text, "1") == 0;

  return TRUE;
}

/* g_base64_decode() passes over what is not base64 without a word, so the
 * text is checked first; whitespace is fine (Xcode wraps the lines). */
static GBytes *
decode_base64 (const char *text)
{
  g_autoptr(GString) clean = g_string_new (NULL);
  guint padding = 0;
  guchar *data;
  gsize length = 0;

  for (const char *p = text; *p != '\0'; p++)
    {
      if (g_ascii_isspace (*p))
        continue;

      if (*p == '=')
        {
          if (++padding > 2)
            return NULL;
        }
      else if (padding > 0 || !(g_ascii_isalnum (*p) || *p == '+' || *p == '/'))
        {
          return NULL;
        }
      g_string_append_c (clean, *p);
    }

  if (clean->len % 4 != 0)
    return NULL;

  data = g_base64_decode (clean->str, &length);

  return g_bytes_new_take (data, length);
}

/* The keyed archive in binary attribute @name of @object, or NULL without
 * error when there is none. */
static gboolean
get_archive (Builder             *builder,
             StoreObject         *object,
             const char          *name,
             GodwitKeyedArchive **archive,
             GError             **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *origin = NULL;
  const char *text;
  const guint8 *data;
  gsize length = 0;

  *archive = NULL;
  if (!get_attribute (builder, object, name, "binary", &text, error))
    return FALSE;

  if (text == NULL)
    return TRUE;

  bytes = decode_base64 (text);
  if (bytes == NULL)
    {
      set_object_error (error, builder, object, GODWIT_ERROR_INVALID_MODEL,
                        _("attribute “%s” is not valid base64"), name);
      return FALSE;
    }

  /* Translators: the file, a line, an object's type and id, and an attribute */
  origin = g_strdup_printf (_("%s: line %d: %s %s: %s"),
                            builder->xml, object->line, object->type, object->id, name);
  data = g_bytes_get_data (bytes, &length);
  *archive = godwit_keyed_archive_new_from_data (data, length, origin, error);

  return *archive != NULL;
}

/* The object @idref refers to, which must be of @type unless it is NULL. */
static StoreObject *
get_referenced (Builder      *builder,
                StoreObject  *object,
                const char   *relationship,
                const char   *idref,
                const char   *type,
                GError      **error)
{
  StoreObject *referenced = g_hash_table_lookup (builder->objects, idref);

  if (referenced == NULL)
    {
      set_object_error (error, builder, object, GODWIT_ERROR_INVALID_MODEL,
                        _("relationship “%s” refers to the unknown object “%s”"), relationship, idref);
      return NULL;
    }

  if (type != NULL && strcmp (referenced->type, type) != 0)
    {
      set_object_error (error, builder, object, GODWIT_ERROR_INVALID_MODEL,
                        _("relationship “%s” refers to %s of type %s, not %s"),
                        relationship, idref, referenced->type, type);
      return NULL;
    }

  return referenced;
}

/* Every idref must name an object, of the type the relationship declares. */
static gboolean
check_references (Builder  *builder,
                  GError  **error)
{
  GHashTableIter objects;
  StoreObject *object;

  g_hash_table_iter_init (&objects, builder->objects);
  while (g_hash_table_iter_next (&objects, NULL, (gpointer *) &object))
    {
      GHashTableIter relationships;
      const char *name;
      StoreRelationship *relationship;

      g_hash_table_iter_init (&relationships, object->relationships);
      while (g_hash_table_iter_next (&relationships, (gpointer *) &name, (gpointer *) &relationship))
        for (guint i = 0; relationship->idrefs[i] != NULL; i++)
          if (get_referenced (builder, object, name, relationship->idrefs[i],
                              relationship->destination, error) == NULL)
            return FALSE;
    }

  return TRUE;
}

/* Expressions */

static void
expression_free (GodwitExpression *expression)
{
  if (expression == NULL)
    return;

  g_free (expression->text);
  g_free (expression->variable);
  g_free (expression->key_path);
  g_clear_pointer (&expression->constant, json_node_unref);
  g_free (expression->mapping_name);
  g_free (expression->selector);
  expression_free (expression->operand);
  g_clear_pointer (&expression->arguments, g_ptr_array_unref);
  g_free (expression->class_name);
  g_free (expression);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GodwitExpression, expression_free)

static GodwitExpression *
expression_new (GodwitExpressionKind kind)
{
  GodwitExpression *expression = g_new0 (GodwitExpression, 1);

  expression->kind = kind;

  return expression;
}

static GodwitExpression *
key_path_new (const char *variable,
              const char *key_path)
{
  GodwitExpression *expression = expression_new (GODWIT_EXPRESSION_KEY_PATH);

  expression->variable = g_strdup (variable);
  expression->key_path = g_strdup (key_path);
  expression->text = g_strdup_printf ("$%s.%s", variable, key_path);

  return expression;
}

/* FUNCTION($manager, "destinationInstancesForEntityMappingNamed:sourceInstances:",
 * "<mapping>", $<variable>.<key path>): the destination objects made from
 * the source objects the key path leads to. */
static GodwitExpression *
destination_instances_new (const char *mapping_name,
                           const char *variable,
                           const char *key_path)
{
  GodwitExpression *expression = expression_new (GODWIT_EXPRESSION_DESTINATION_INSTANCES);
  g_autofree char *quoted_name = _godwit_quote_string_literal (mapping_name);
  g_autofree char *sources = NULL;

  expression->mapping_name = g_strdup (mapping_name);
  expression->variable = g_strdup (variable);
  expression->key_path = g_strdup (key_path);

  if (key_path != NULL)
    sources = g_strdup_printf ("$%s.%s", variable, key_path);
  else
    sources = g_strdup_printf ("$%s", variable);

  expression->text = g_strdup_printf ("FUNCTION($manager, \"%s\", %s, %s)",
                                      DESTINATION_INSTANCES_SELECTOR, quoted_name, sources);

  return expression;
}

static GodwitExpression *
unsupported_new (const char *class_name)
{
  GodwitExpression *expression = expression_new (GODWIT_EXPRESSION_UNSUPPORTED);

  expression->class_name = g_strdup (class_name);
  expression->text = g_strdup_printf ("<%s>", class_name);

  return expression;
}

static GodwitExpression *
decode_variable (GodwitKeyedArchive  *archive,
                 plist_t              object,
                 GError             **error)
{
  g_autofree char *name = godwit_keyed_archive_dup_string (archive, object, "NSVariable");
  GodwitExpression *expression;

  if (name == NULL)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_ARCHIVE,
                   _("%s: an NSVariableExpression has no NSVariable name"),
                   godwit_keyed_archive_get_origin (archive));
      return NULL;
    }

  expression = expression_new (GODWIT_EXPRESSION_VARIABLE);
  expression->text = g_strdup_printf ("$%s", name);
  expression->variable = g_steal_pointer (&name);

  return expression;
}

/* NSConstantValue is a plain plist value for numbers and booleans, a
 * string or NSString, an NSDate, or nil. */
static GodwitExpression *
decode_constant (GodwitKeyedArchive *archive,
                 plist_t             object)
{
  plist_t value = godwit_keyed_archive_get_member (archive, object, "NSConstantValue");
  g_autoptr(GodwitExpression) expression = expression_new (GODWIT_EXPRESSION_CONSTANT);
  g_autofree char *string = NULL;
  char number[G_ASCII_DTOSTR_BUF_SIZE];

  if (value == NULL)
    {
      expression->text = g_strdup ("nil");
      return g_steal_pointer (&expression);
    }

  switch (plist_get_node_type (value))
    {
    case PLIST_BOOLEAN:
      {
        guint8 flag = 0;

        plist_get_bool_val (value, &flag);
        expression->text = g_strdup (flag ? "YES" : "NO");
        expression->constant = godwit_plist_to_json (value);
        break;
      }

    case PLIST_UINT:
      {
        gint64 integer = 0;

        godwit_plist_get_int (value, &integer);
        expression->text = g_strdup_printf ("%" G_GINT64_FORMAT, integer);
        expression->constant = json_node_init_int (json_node_alloc (), integer);
        break;
      }

    case PLIST_REAL:
      {
        double real = 0;

        plist_get_real_val (value, &real);
        if (!isfinite (real))
          return unsupported_new ("NSNumber");
        expression->text = g_strdup (g_ascii_dtostr (number, sizeof number, real));
        expression->constant = godwit_plist_to_json (value);
        break;
      }

    default:
      string = godwit_keyed_archive_dup_string_value (archive, value);
      if (string != NULL)
        {
          expression->text = _godwit_quote_string_literal (string);
          expression->constant = json_node_init_string (json_node_alloc (), string);
        }
      else if (godwit_keyed_archive_is_class (archive, value, "NSDate"))
        {
          plist_t time = godwit_keyed_archive_get_member (archive, value, "NS.time");
          g_autofree char *iso = NULL;
          double seconds = 0;
          gint64 whole;

          if (time != NULL && plist_get_node_type (time) == PLIST_REAL)
            plist_get_real_val (time, &seconds);
          else if (godwit_plist_get_int (time, &whole))
            seconds = (double) whole;
          else
            return unsupported_new ("NSDate");

          iso = godwit_date_to_iso8601 (seconds);
          if (iso == NULL)
            return unsupported_new ("NSDate");

          expression->text = g_strdup_printf ("CAST(%s, \"NSDate\")",
                                              g_ascii_dtostr (number, sizeof number, seconds));
          expression->constant = json_node_init_string (json_node_alloc (), iso);
          expression->is_date = TRUE;
          expression->date = seconds;
        }
      else
        {
          const char *class_name = godwit_keyed_archive_get_class_name (archive, value);

          return unsupported_new (class_name != NULL ? class_name : "NSConstantValueExpression");
        }
      break;
    }

  return g_steal_pointer (&expression);
}

static GodwitExpression *decode_expression (GodwitKeyedArchive  *archive,
                                            plist_t              object,
                                            guint                depth,
                                            GError             **error);

/* An NSFunctionExpression, or its subclass NSKeyPathExpression: a method
 * (NSSelectorName) called on NSOperand with NSArguments. */
static GodwitExpression *
decode_function (GodwitKeyedArchive  *archive,
                 plist_t              object,
                 const char          *class_name,
                 guint                depth,
                 GError             **error)
{
  const char *origin = godwit_keyed_archive_get_origin (archive);
  g_autofree char *selector = godwit_keyed_archive_dup_string (archive, object, "NSSelectorName");
  plist_t operand_object = godwit_keyed_archive_get_member (archive, object, "NSOperand");
  plist_t arguments_object = godwit_keyed_archive_get_member (archive, object, "NSArguments");
  g_autoptr(GPtrArray) argument_objects = NULL;
  g_autoptr(GodwitExpression) operand = NULL;
  g_autoptr(GPtrArray) arguments = NULL;
  g_autoptr(GString) text = NULL;
  GodwitExpression *expression;
  GodwitExpression *first;
  GodwitExpression *second;

  if (selector == NULL || operand_object == NULL)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_ARCHIVE,
                   _("%s: an %s has no %s"), origin, class_name,
                   selector == NULL ? "NSSelectorName" : "NSOperand");
      return NULL;
    }

  if (arguments_object != NULL)
    argument_objects = godwit_keyed_archive_get_collection (archive, arguments_object, error);
  else
    argument_objects = g_ptr_array_new ();
  if (argument_objects == NULL)
    return NULL;

  /* $source.a.b is valueForKeyPath: on the variable with one key path. */
  if (strcmp (selector, "valueForKeyPath:") == 0
      && argument_objects->len == 1
      && godwit_keyed_archive_is_class (archive, operand_object, "NSVariableExpression")
      && godwit_keyed_archive_is_class (archive, g_ptr_array_index (argument_objects, 0),
                                        "NSKeyPathSpecifierExpression"))
    {
      g_autofree char *variable = godwit_keyed_archive_dup_string (archive, operand_object, "NSVariable");
      g_autofree char *key_path = godwit_keyed_archive_dup_string (archive,
                                                                   g_ptr_array_index (argument_objects, 0),
                                                                   "NSKeyPath");

      if (variable == NULL || key_path == NULL)
        {
          g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_ARCHIVE,
                       variable == NULL ? _("%s: a key path expression has no variable name")
                                        : _("%s: a key path expression has no key path"),
                       origin);
          return NULL;
        }
      return key_path_new (variable, key_path);
    }

  if (strcmp (class_name, "NSKeyPathExpression") == 0)
    return unsupported_new (class_name);

  operand = decode_expression (archive, operand_object, depth + 1, error);
  if (operand == NULL)
    return NULL;

  arguments = g_ptr_array_new_with_free_func ((GDestroyNotify) expression_free);
  for (guint i = 0; i < argument_objects->len; i++)
    {
      GodwitExpression *argument = decode_expression (archive, g_ptr_array_index (argument_objects, i),
                                                      depth + 1, error);

      if (argument == NULL)
        return NULL;
      g_ptr_array_add (arguments, argument);
    }

  first = arguments->len > 0 ? g_ptr_array_index (arguments, 0) : NULL;
  second = arguments->len > 1 ? g_ptr_array_index (arguments, 1) : NULL;
  if (strcmp (selector, DESTINATION_INSTANCES_SELECTOR) == 0
      && operand->kind == GODWIT_EXPRESSION_VARIABLE && strcmp (operand->variable, "manager") == 0
      && arguments->len == 2
      && first->kind == GODWIT_EXPRESSION_CONSTANT && first->constant != NULL
      && JSON_NODE_HOLDS_VALUE (first->constant) && json_node_get_value_type (first->constant) == G_TYPE_STRING
      && (second->kind == GODWIT_EXPRESSION_KEY_PATH || second->kind == GODWIT_EXPRESSION_VARIABLE))
    return destination_instances_new (json_node_get_string (first->constant),
                                      second->variable, second->key_path);

  text = g_string_new ("FUNCTION(");
  g_string_append (text, operand->text);
  g_string_append_printf (text, ", \"%s\"", selector);
  for (guint i = 0; i < arguments->len; i++)
    g_string_append_printf (text, ", %s", ((GodwitExpression *) g_ptr_array_index (arguments, i))->text);
  g_string_append_c (text, ')');

  expression = expression_new (GODWIT_EXPRESSION_FUNCTION);
  expression->text = g_string_free (g_steal_pointer (&text), FALSE);
  expression->selector = g_steal_pointer (&selector);
  expression->operand = g_steal_pointer (&operand);
  expression->arguments = g_steal_pointer (&arguments);

  return expression;
}

static GodwitExpression *
decode_expression (GodwitKeyedArchive  *archive,
                   plist_t              object,
                   guint                depth,
                   GError             **error)
{
  const char *origin = godwit_keyed_archive_get_origin (archive);
  const char *class_name;

  if (depth > GODWIT_MAPPING_MODEL_MAX_EXPRESSION_DEPTH)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_LIMIT_EXCEEDED,
                   _("%s: value expressions nested more than %d deep"),
                   origin, GODWIT_MAPPING_MODEL_MAX_EXPRESSION_DEPTH);
      return NULL;
    }

  class_name = godwit_keyed_archive_get_class_name (archive, object);
  if (class_name == NULL)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_ARCHIVE,
                   _("%s: an expression is %s, not an archived object"), origin,
                   object == NULL ? "nil" : _("a plain value"));
      return NULL;
    }

  if (strcmp (class_name, "NSKeyPathExpression") == 0 || strcmp (class_name, "NSFunctionExpression") == 0)
    return decode_function (archive, object, class_name, depth, error);

  if (strcmp (class_name, "NSConstantValueExpression") == 0)
    return decode_constant (archive, object);

  if (strcmp (class_name, "NSVariableExpression") == 0)
    return decode_variable (archive, object, error);

  return unsupported_new (class_name);
}

/* Model snapshots
 *
 * What Xcode archives as `sourcemodeldata` / `destinationmodeldata` is its
 * editor's model (read off the wibosco file): XDPMModel._xd_rootPackage
 * (XDModelPackage).XDBucketForClassesstorage maps entity names to
 * XDPMEntity objects, whose XDBucketForOwnedAttributesstorage maps property
 * names to XDPMAttribute or XDPMRelationship objects. A relationship's
 * destination is XDBucketForStereotypesstorage["XD_PR_Stereotype"]
 * .XDBucketForOwnedAttributesstorage["XD_PRK_destination"]._default, an
 * XDPMEntity. Only the entities and properties are read here.
 */

typedef struct
{
  gboolean  relationship;
  char     *destination;  /* (nullable): a relationship's destination entity */
} SnapshotProperty;

typedef struct
{
  char       *parent;      /* (nullable) */
  GHashTable *properties;  /* (element-type utf8 SnapshotProperty) */
} SnapshotEntity;

struct _ModelSnapshot
{
  GHashTable *entities;    /* (element-type utf8 SnapshotEntity) */
};

static void
snapshot_property_free (SnapshotProperty *property)
{
  g_free (property->destination);
  g_free (property);
}

static void
snapshot_entity_free (SnapshotEntity *entity)
{
  g_free (entity->parent);
  g_hash_table_unref (entity->properties);
  g_free (entity);
}

static void
model_snapshot_free (ModelSnapshot *snapshot)
{
  g_hash_table_unref (snapshot->entities);
  g_free (snapshot);
}

/* The value for @key in the archived dictionary @dictionary, or NULL. */
static plist_t
dictionary_lookup (GodwitKeyedArchive *archive,
                   plist_t             dictionary,
                   const char         *key)
{
  g_autoptr(GPtrArray) keys = NULL;
  g_autoptr(GPtrArray) values = NULL;

  if (!godwit_keyed_archive_get_dictionary (archive, dictionary, &keys, &values, NULL))
    return NULL;

  for (guint i = 0; i < keys->len; i++)
    {
      g_autofree char *name = godwit_keyed_archive_dup_string_value (archive, g_ptr_array_index (keys, i));

      if (g_strcmp0 (name, key) == 0)
        return g_ptr_array_index (values, i);
    }

  return NULL;
}

static char *
relationship_destination (GodwitKeyedArchive *archive,
                          plist_t             relationship)
{
  plist_t stereotype = dictionary_lookup (archive,
                                          godwit_keyed_archive_get_member (archive, relationship,
                                                                           "XDBucketForStereotypesstorage"),
                                          "XD_PR_Stereotype");
  plist_t destination = dictionary_lookup (archive,
                                           godwit_keyed_archive_get_member (archive, stereotype,
                                                                            "XDBucketForOwnedAttributesstorage"),
                                           "XD_PRK_destination");
  plist_t entity = godwit_keyed_archive_get_member (archive, destination, "_default");

  if (!godwit_keyed_archive_is_class (archive, entity, "XDPMEntity"))
    return NULL;

  return godwit_keyed_archive_dup_string (archive, entity, "_name");
}

typedef struct
{
  GodwitKeyedArchive *archive;
  plist_t             entity;
  char               *parent;
} ParentSearch;

static gboolean
find_parent_member (const char *key,
                    plist_t     member,
                    gpointer    user_data)
{
  ParentSearch *search = user_data;
  plist_t object = godwit_keyed_archive_resolve (search->archive, member);

  if (object == search->entity
      || !godwit_keyed_archive_is_class (search->archive, object, "XDPMEntity"))
    return TRUE;

  search->parent = godwit_keyed_archive_dup_string (search->archive, object, "_name");

  return search->parent == NULL;
}

/* No sample with a parent entity was at hand: we take the parent to be the
 * other entity a generalization object refers to. */
static char *
entity_parent (GodwitKeyedArchive *archive,
               plist_t             entity)
{
  plist_t storage = godwit_keyed_archive_get_member (archive, entity, "XDBucketForGeneralizationsstorage");
  g_autoptr(GPtrArray) generalizations = NULL;
  ParentSearch search = { archive, entity, NULL };

  if (storage == NULL)
    return NULL;

  generalizations = godwit_keyed_archive_get_collection (archive, storage, NULL);
  if (generalizations == NULL)
    return NULL;

  for (guint i = 0; i < generalizations->len && search.parent == NULL; i++)
    godwit_keyed_archive_foreach_member (archive, g_ptr_array_index (generalizations, i),
                                         find_parent_member, &search);

  return search.parent;
}

static SnapshotEntity *
read_snapshot_entity (GodwitKeyedArchive  *archive,
                      plist_t              object,
                      GError             **error)
{
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GPtrArray) properties = NULL;
  SnapshotEntity *entity;

  if (!godwit_keyed_archive_get_dictionary (archive,
                                            godwit_keyed_archive_get_member (archive, object,
                                                                             "XDBucketForOwnedAttributesstorage"),
                                            &names, &properties, error))
    return NULL;

  entity = g_new0 (SnapshotEntity, 1);
  entity->parent = entity_parent (archive, object);
  entity->properties = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                              (GDestroyNotify) snapshot_property_free);

  for (guint i = 0; i < names->len; i++)
    {
      char *name = godwit_keyed_archive_dup_string_value (archive, g_ptr_array_index (names, i));
      plist_t value = g_ptr_array_index (properties, i);
      SnapshotProperty *property;

      /* Fetched properties and anything newer have no mapping default. */
      if (name == NULL
          || !(godwit_keyed_archive_is_class (archive, value, "XDPMAttribute")
               || godwit_keyed_archive_is_class (archive, value, "XDPMRelationship")))
        {
          g_free (name);
          continue;
        }

      property = g_new0 (SnapshotProperty, 1);
      property->relationship = godwit_keyed_archive_is_class (archive, value, "XDPMRelationship");
      if (property->relationship)
        property->destination = relationship_destination (archive, value);
      g_hash_table_replace (entity->properties, name, property);
    }

  return entity;
}

static ModelSnapshot *
read_model_snapshot (Builder     *builder,
                     const char  *attribute,
                     GError     **error)
{
  g_autoptr(GodwitKeyedArchive) archive = NULL;
  g_autoptr(ModelSnapshot) snapshot = NULL;
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GPtrArray) entities = NULL;
  plist_t root;
  plist_t package;

  if (!get_archive (builder, builder->mapping_model, attribute, &archive, error))
    return NULL;

  if (archive == NULL)
    {
      set_object_error (error, builder, builder->mapping_model, GODWIT_ERROR_INVALID_MODEL,
                        _("no “%s”, the model snapshot Xcode's default value expressions depend on"),
                        attribute);
      return NULL;
    }

  root = godwit_keyed_archive_get_root (archive);
  if (!godwit_keyed_archive_is_class (archive, root, "XDPMModel"))
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_ARCHIVE,
                   _("%s: not an Xcode model snapshot (the root is not an XDPMModel)"),
                   godwit_keyed_archive_get_origin (archive));
      return NULL;
    }

  package = godwit_keyed_archive_get_member (archive, root, "_xd_rootPackage");
  if (!godwit_keyed_archive_get_dictionary (archive,
                                            godwit_keyed_archive_get_member (archive, package,
                                                                             "XDBucketForClassesstorage"),
                                            &names, &entities, error))
    return NULL;

  snapshot = g_new0 (ModelSnapshot, 1);
  snapshot->entities = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                              (GDestroyNotify) snapshot_entity_free);

  for (guint i = 0; i < names->len; i++)
    {
      plist_t object = g_ptr_array_index (entities, i);
      g_autofree char *name = NULL;
      SnapshotEntity *entity;

      if (!godwit_keyed_archive_is_class (archive, object, "XDPMEntity"))
        continue;

      name = godwit_keyed_archive_dup_string (archive, object, "_name");
      if (name == NULL)
        name = godwit_keyed_archive_dup_string_value (archive, g_ptr_array_index (names, i));
      if (name == NULL)
        continue;

      entity = read_snapshot_entity (archive, object, error);
      if (entity == NULL)
        return NULL;
      g_hash_table_replace (snapshot->entities, g_steal_pointer (&name), entity);
    }

  return g_steal_pointer (&snapshot);
}

/* Property @name of @entity_name or of its ancestors; @found_entity tells
 * whether the entity itself is in the snapshot. */
static SnapshotProperty *
snapshot_find_property (ModelSnapshot *snapshot,
                        const char    *entity_name,
                        const char    *name,
                        gboolean      *found_entity)
{
  SnapshotEntity *entity = g_hash_table_lookup (snapshot->entities, entity_name);

  *found_entity = entity != NULL;

  for (guint depth = 0; entity != NULL && depth < MAX_ENTITY_DEPTH; depth++)
    {
      SnapshotProperty *property = g_hash_table_lookup (entity->properties, name);

      if (property != NULL)
        return property;

      entity = entity->parent != NULL ? g_hash_table_lookup (snapshot->entities, entity->parent) : NULL;
    }

  return NULL;
}

/* Mappings */

static void
property_mapping_free (GodwitPropertyMapping *mapping)
{
  g_free (mapping->name);
  expression_free (mapping->expression);
  g_free (mapping);
}

static void
entity_mapping_free (GodwitEntityMapping *mapping)
{
  g_free (mapping->name);
  g_free (mapping->source_entity);
  g_free (mapping->destination_entity);
  g_free (mapping->migration_policy_class);
  g_clear_pointer (&mapping->user_info, json_node_unref);
  g_ptr_array_unref (mapping->attribute_mappings);
  g_ptr_array_unref (mapping->relationship_mappings);
  g_free (mapping);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GodwitEntityMapping, entity_mapping_free)

/* A property mapping waiting for Xcode's default value expression. */
typedef struct
{
  GodwitEntityMapping   *entity_mapping;
  GodwitPropertyMapping *property_mapping;
} PendingDefault;

static const char * const mapping_type_names[] = {
  [GODWIT_ENTITY_MAPPING_UNDEFINED] = "Undefined",
  [GODWIT_ENTITY_MAPPING_CUSTOM] = "Custom",
  [GODWIT_ENTITY_MAPPING_ADD] = "Add",
  [GODWIT_ENTITY_MAPPING_REMOVE] = "Remove",
  [GODWIT_ENTITY_MAPPING_COPY] = "Copy",
  [GODWIT_ENTITY_MAPPING_TRANSFORM] = "Transform",
};

static int
compare_property_mappings (gconstpointer a,
                           gconstpointer b)
{
  const GodwitPropertyMapping *first = *(GodwitPropertyMapping * const *) a;
  const GodwitPropertyMapping *second = *(GodwitPropertyMapping * const *) b;

  return strcmp (first->name, second->name);
}

static int
compare_entity_mappings (gconstpointer a,
                         gconstpointer b)
{
  const GodwitEntityMapping *first = *(GodwitEntityMapping * const *) a;
  const GodwitEntityMapping *second = *(GodwitEntityMapping * const *) b;

  return (first->order > second->order) - (first->order < second->order);
}

static gboolean
read_property_mappings (Builder              *builder,
                        StoreObject          *entity_object,
                        GodwitEntityMapping  *entity_mapping,
                        gboolean              relationship,
                        gboolean              autogenerate,
                        GPtrArray            *pending,
                        GError              **error)
{
  const char *relationship_name = relationship ? "relationshipmappings" : "attributemappings";
  const char *type = relationship ? "XDDEVRELATIONSHIPMAPPING" : "XDDEVATTRIBUTEMAPPING";
  StoreRelationship *references = g_hash_table_lookup (entity_object->relationships, relationship_name);
  GPtrArray *mappings = relationship ? entity_mapping->relationship_mappings
                                     : entity_mapping->attribute_mappings;

  if (references == NULL)
    return TRUE;

  for (guint i = 0; references->idrefs[i] != NULL; i++)
    {
      StoreObject *object = get_referenced (builder, entity_object, relationship_name,
                                            references->idrefs[i], type, error);
      g_autoptr(GodwitKeyedArchive) archive = NULL;
      GodwitPropertyMapping *mapping;
      gboolean own_autogenerate = FALSE;
      char *name = NULL;

      if (object == NULL
          || !get_string (builder, object, "name", &name, error)
          || !get_bool (builder, object, "autogenerateexpression", &own_autogenerate, error)
          || !get_archive (builder, object, "valueexpressiondata", &archive, error))
        {
          g_free (name);
          return FALSE;
        }

      if (name == NULL)
        {
          set_object_error (error, builder, object, GODWIT_ERROR_INVALID_MODEL,
                            _("the property mapping has no name"));
          return FALSE;
        }

      mapping = g_new0 (GodwitPropertyMapping, 1);
      mapping->name = name;
      mapping->relationship = relationship;
      g_ptr_array_add (mappings, mapping);

      if (archive != NULL)
        {
          mapping->expression = decode_expression (archive, godwit_keyed_archive_get_root (archive), 0, error);
          if (mapping->expression == NULL)
            return FALSE;
        }
      /* Xcode writes autogenerateexpression on relationship mappings and on
       * the entity mapping, never on attribute mappings, whose values it
       * still generates (the wibosco migration copies them). */
      else if (own_autogenerate || autogenerate)
        {
          PendingDefault *wait = g_new0 (PendingDefault, 1);

          wait->entity_mapping = entity_mapping;
          wait->property_mapping = mapping;
          g_ptr_array_add (pending, wait);
        }
    }

  g_ptr_array_sort (mappings, compare_property_mappings);
  for (guint i = 1; i < mappings->len; i++)
    if (compare_property_mappings (&mappings->pdata[i - 1], &mappings->pdata[i]) == 0)
      {
        set_object_error (error, builder, entity_object, GODWIT_ERROR_INVALID_MODEL,
                          relationship ? _("two relationship mappings for “%s”")
                                       : _("two attribute mappings for “%s”"),
                          ((GodwitPropertyMapping *) mappings->pdata[i])->name);
        return FALSE;
      }

  return TRUE;
}

static GodwitEntityMapping *
read_entity_mapping (Builder      *builder,
                     StoreObject  *object,
                     GPtrArray    *pending,
                     GError      **error)
{
  g_autoptr(GodwitEntityMapping) mapping = g_new0 (GodwitEntityMapping, 1);
  g_autoptr(GodwitKeyedArchive) user_info = NULL;
  g_autofree char *type_name = NULL;
  gboolean autogenerate = FALSE;

  mapping->attribute_mappings = g_ptr_array_new_with_free_func ((GDestroyNotify) property_mapping_free);
  mapping->relationship_mappings = g_ptr_array_new_with_free_func ((GDestroyNotify) property_mapping_free);

  if (!get_string (builder, object, "sourcename", &mapping->source_entity, error)
      || !get_string (builder, object, "destinationname", &mapping->destination_entity, error)
      || !get_string (builder, object, "mappingtypename", &type_name, error)
      || !get_string (builder, object, "migrationpolicyclassname", &mapping->migration_policy_class, error)
      || !get_int (builder, object, "mappingnumber", &mapping->order, error)
      || !get_bool (builder, object, "autogenerateexpression", &autogenerate, error)
      || !get_archive (builder, object, "userinfodata", &user_info, error))
    return NULL;

  if (mapping->source_entity == NULL && mapping->destination_entity == NULL)
    {
      set_object_error (error, builder, object, GODWIT_ERROR_INVALID_MODEL,
                        _("the entity mapping has neither a source nor a destination entity"));
      return NULL;
    }

  /* Xcode names a mapping <Source>To<Destination> and an add mapping after
   * its destination alone (the UnCloudNotes tutorial's "Attachment");
   * naming a remove mapping after its source is our guess. */
  if (mapping->source_entity != NULL && mapping->destination_entity != NULL)
    mapping->name = g_strdup_printf ("%sTo%s", mapping->source_entity, mapping->destination_entity);
  else
    mapping->name = g_strdup (mapping->source_entity != NULL ? mapping->source_entity
                                                             : mapping->destination_entity);

  if (type_name != NULL)
    {
      guint i;

      for (i = 0; i < G_N_ELEMENTS (mapping_type_names); i++)
        if (strcmp (type_name, mapping_type_names[i]) == 0)
          break;

      if (i == G_N_ELEMENTS (mapping_type_names))
        {
          set_object_error (error, builder, object, GODWIT_ERROR_INVALID_MODEL,
                            _("unknown entity mapping type “%s”"), type_name);
          return NULL;
        }
      mapping->type = (GodwitEntityMappingType) i;
    }

  if (user_info != NULL)
    {
      g_auto(plist_t) unpacked = godwit_keyed_archive_unpack (user_info, error);

      if (unpacked == NULL)
        return NULL;
      mapping->user_info = godwit_plist_to_json (unpacked);
    }

  if (!read_property_mappings (builder, object, mapping, FALSE, autogenerate, pending, error)
      || !read_property_mappings (builder, object, mapping, TRUE, autogenerate, pending, error))
    return NULL;

  return g_steal_pointer (&mapping);
}

static SnapshotProperty *
find_snapshot_property (Builder              *builder,
                        ModelSnapshot       **snapshot,
                        const char           *attribute,
                        PendingDefault       *pending,
                        const char           *entity_name,
                        GError              **error)
{
  SnapshotProperty *property;
  gboolean found_entity;

  if (*snapshot == NULL)
    *snapshot = read_model_snapshot (builder, attribute, error);
  if (*snapshot == NULL)
    return NULL;

  property = snapshot_find_property (*snapshot, entity_name, pending->property_mapping->name, &found_entity);
  if (!found_entity)
    set_object_error (error, builder, builder->mapping_model, GODWIT_ERROR_INVALID_MODEL,
                      _("entity %s of entity mapping %s is not in the model snapshot “%s”"),
                      entity_name, pending->entity_mapping->name, attribute);

  return property;
}

/* Xcode generates $source.<name> for an attribute the source entity has,
 * and for a relationship it has, the destination objects of the entity
 * mapping between the two relationships' destinations. Where the source
 * has no such property there is no value: in the wibosco mapping, Post
 * gains "sections", which its policy fills. */
static gboolean
apply_default (Builder         *builder,
               GHashTable      *entity_mappings,
               PendingDefault  *pending,
               GError         **error)
{
  GodwitEntityMapping *entity_mapping = pending->entity_mapping;
  GodwitPropertyMapping *mapping = pending->property_mapping;
  SnapshotProperty *source;
  SnapshotProperty *destination;
  GodwitEntityMapping *target;
  g_autofree char *target_name = NULL;
  g_autoptr(GError) local_error = NULL;

  /* An add mapping has nothing to copy from. */
  if (entity_mapping->source_entity == NULL || entity_mapping->destination_entity == NULL)
    return TRUE;

  source = find_snapshot_property (builder, &builder->source, "sourcemodeldata", pending,
                                   entity_mapping->source_entity, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (source == NULL || source->relationship != mapping->relationship)
    return TRUE;

  if (!mapping->relationship)
    {
      mapping->expression = key_path_new ("source", mapping->name);
      mapping->is_default = TRUE;
      return TRUE;
    }

  destination = find_snapshot_property (builder, &builder->destination, "destinationmodeldata", pending,
                                        entity_mapping->destination_entity, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (destination == NULL || !destination->relationship
      || source->destination == NULL || destination->destination == NULL)
    return TRUE;

  /* Names are unique, so that mapping can only have this one. */
  target_name = g_strdup_printf ("%sTo%s", source->destination, destination->destination);
  target = g_hash_table_lookup (entity_mappings, target_name);
  if (target != NULL
      && g_strcmp0 (target->source_entity, source->destination) == 0
      && g_strcmp0 (target->destination_entity, destination->destination) == 0)
    {
      mapping->expression = destination_instances_new (target->name, "source", mapping->name);
      mapping->is_default = TRUE;
    }

  return TRUE;
}

/* The model object */

struct _GodwitMappingModel
{
  GObject    parent_instance;

  char      *path;
  char      *source_model_path;
  char      *destination_model_path;
  GPtrArray *entity_mappings;  /* (element-type GodwitEntityMapping), by order */
};

G_DEFINE_FINAL_TYPE (GodwitMappingModel, godwit_mapping_model, G_TYPE_OBJECT)

static void
godwit_mapping_model_finalize (GObject *object)
{
  GodwitMappingModel *self = (GodwitMappingModel *) object;

  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->source_model_path, g_free);
  g_clear_pointer (&self->destination_model_path, g_free);
  g_clear_pointer (&self->entity_mappings, g_ptr_array_unref);

  G_OBJECT_CLASS (godwit_mapping_model_parent_class)->finalize (object);
}

static void
godwit_mapping_model_class_init (GodwitMappingModelClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = godwit_mapping_model_finalize;
}

static void
godwit_mapping_model_init (GodwitMappingModel *self)
{
  self->entity_mappings = g_ptr_array_new_with_free_func ((GDestroyNotify) entity_mapping_free);
}

static gboolean
build (GodwitMappingModel  *self,
       Builder             *builder,
       GError             **error)
{
  g_autoptr(GPtrArray) pending = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) by_name = g_hash_table_new (g_str_hash, g_str_equal);
  StoreRelationship *references;
  GHashTableIter iter;
  StoreObject *object;

  if (!check_references (builder, error))
    return FALSE;

  g_hash_table_iter_init (&iter, builder->objects);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &object))
    {
      if (strcmp (object->type, "XDDEVMAPPINGMODEL") != 0)
        continue;

      if (builder->mapping_model != NULL)
        {
          set_object_error (error, builder, object, GODWIT_ERROR_INVALID_MODEL,
                            _("a second XDDEVMAPPINGMODEL object (the first is %s)"),
                            builder->mapping_model->id);
          return FALSE;
        }
      builder->mapping_model = object;
    }

  if (builder->mapping_model == NULL)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL,
                   _("%s: no XDDEVMAPPINGMODEL object: not an Xcode mapping model"), builder->xml);
      return FALSE;
    }

  if (!get_string (builder, builder->mapping_model, "sourcemodelpath", &self->source_model_path, error)
      || !get_string (builder, builder->mapping_model, "destinationmodelpath",
                      &self->destination_model_path, error))
    return FALSE;

  references = g_hash_table_lookup (builder->mapping_model->relationships, "entitymappings");
  for (guint i = 0; references != NULL && references->idrefs[i] != NULL; i++)
    {
      GodwitEntityMapping *mapping;

      object = get_referenced (builder, builder->mapping_model, "entitymappings",
                               references->idrefs[i], "XDDEVENTITYMAPPING", error);
      if (object == NULL)
        return FALSE;

      mapping = read_entity_mapping (builder, object, pending, error);
      if (mapping == NULL)
        return FALSE;
      g_ptr_array_add (self->entity_mappings, mapping);
    }

  /* Stable: mappings with the same number keep the file's order. */
  g_ptr_array_sort (self->entity_mappings, compare_entity_mappings);

  for (guint i = 0; i < self->entity_mappings->len; i++)
    {
      GodwitEntityMapping *mapping = g_ptr_array_index (self->entity_mappings, i);

      if (!g_hash_table_insert (by_name, mapping->name, mapping))
        {
          set_object_error (error, builder, builder->mapping_model, GODWIT_ERROR_INVALID_MODEL,
                            _("two entity mappings are named %s"), mapping->name);
          return FALSE;
        }
    }

  for (guint i = 0; i < pending->len; i++)
    if (!apply_default (builder, by_name, g_ptr_array_index (pending, i), error))
      return FALSE;

  return TRUE;
}

/**
 * godwit_mapping_model_new_for_path:
 * @path: an .xcmappingmodel folder or its xcmapping.xml
 *
 * Reads the entity mappings with their property mappings and value
 * expressions. A property mapping without a value expression that Xcode
 * fills in gets Xcode's default, marked as such.
 *
 * Returns: (transfer full): the mapping model, or %NULL with @error set
 */
GodwitMappingModel *
godwit_mapping_model_new_for_path (const char  *path,
                                   GError     **error)
{
  g_autoptr(GodwitMappingModel) self = NULL;
  g_autoptr(GHashTable) objects = NULL;
  g_autofree char *xml = NULL;
  Builder builder = { 0 };
  gboolean ok;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  xml = find_xml (path, error);
  if (xml == NULL)
    return NULL;

  objects = read_store (xml, error);
  if (objects == NULL)
    return NULL;

  self = g_object_new (GODWIT_TYPE_MAPPING_MODEL, NULL);
  self->path = g_strdup (path);

  builder.xml = xml;
  builder.objects = objects;
  ok = build (self, &builder, error);
  g_clear_pointer (&builder.source, model_snapshot_free);
  g_clear_pointer (&builder.destination, model_snapshot_free);

  if (!ok)
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * godwit_mapping_model_get_path:
 *
 * Returns: the path the mapping model was read from, as given
 */
const char *
godwit_mapping_model_get_path (GodwitMappingModel *self)
{
  g_return_val_if_fail (GODWIT_IS_MAPPING_MODEL (self), NULL);

  return self->path;
}

/**
 * godwit_mapping_model_get_source_model_path:
 *
 * Returns: (nullable): the source .xcdatamodel as Xcode recorded it,
 *   relative to the project
 */
const char *
godwit_mapping_model_get_source_model_path (GodwitMappingModel *self)
{
  g_return_val_if_fail (GODWIT_IS_MAPPING_MODEL (self), NULL);

  return self->source_model_path;
}

/**
 * godwit_mapping_model_get_destination_model_path:
 *
 * Returns: (nullable): the destination .xcdatamodel as Xcode recorded it
 */
const char *
godwit_mapping_model_get_destination_model_path (GodwitMappingModel *self)
{
  g_return_val_if_fail (GODWIT_IS_MAPPING_MODEL (self), NULL);

  return self->destination_model_path;
}

static char *
version_name (const char *model_path)
{
  g_autofree char *base = NULL;

  if (model_path == NULL)
    return NULL;

  base = g_path_get_basename (model_path);
  if (g_str_has_suffix (base, ".xcdatamodel"))
    base[strlen (base) - strlen (".xcdatamodel")] = '\0';

  return g_steal_pointer (&base);
}

/**
 * godwit_mapping_model_dup_source_version_name:
 *
 * Returns: (transfer full) (nullable): the model version name of the
 *   recorded source model ("CoreDataMigration_Example 2")
 */
char *
godwit_mapping_model_dup_source_version_name (GodwitMappingModel *self)
{
  g_return_val_if_fail (GODWIT_IS_MAPPING_MODEL (self), NULL);

  return version_name (self->source_model_path);
}

/**
 * godwit_mapping_model_dup_destination_version_name:
 *
 * Returns: (transfer full) (nullable): the model version name of the
 *   recorded destination model
 */
char *
godwit_mapping_model_dup_destination_version_name (GodwitMappingModel *self)
{
  g_return_val_if_fail (GODWIT_IS_MAPPING_MODEL (self), NULL);

  return version_name (self->destination_model_path);
}

/**
 * godwit_mapping_model_get_entity_mappings:
 *
 * Returns: (transfer none) (element-type GodwitEntityMapping): the entity
 *   mappings in the order they run (mapping number)
 */
GPtrArray *
godwit_mapping_model_get_entity_mappings (GodwitMappingModel *self)
{
  g_return_val_if_fail (GODWIT_IS_MAPPING_MODEL (self), NULL);

  return self->entity_mappings;
}

/**
 * godwit_mapping_model_needs_policy_classes:
 *
 * Returns: whether an entity mapping names a migration policy class
 */
gboolean
godwit_mapping_model_needs_policy_classes (GodwitMappingModel *self)
{
  g_return_val_if_fail (GODWIT_IS_MAPPING_MODEL (self), FALSE);

  for (guint i = 0; i < self->entity_mappings->len; i++)
    if (((GodwitEntityMapping *) g_ptr_array_index (self->entity_mappings, i))->migration_policy_class != NULL)
      return TRUE;

  return FALSE;
}

static void
add_expression_reasons (GPtrArray           *reasons,
                        GodwitEntityMapping *entity_mapping,
                        GPtrArray           *property_mappings)
{
  for (guint i = 0; i < property_mappings->len; i++)
    {
      GodwitPropertyMapping *mapping = g_ptr_array_index (property_mappings, i);
      GodwitExpression *problem = mapping->expression;

      /* A method call covers whatever it nests; the other kinds nest
       * nothing that could be either. */
      if (problem == NULL
          || (problem->kind != GODWIT_EXPRESSION_UNSUPPORTED && problem->kind != GODWIT_EXPRESSION_FUNCTION))
        continue;

      if (problem->kind == GODWIT_EXPRESSION_UNSUPPORTED)
        g_ptr_array_add (reasons,
                         g_strdup_printf (mapping->relationship
                                          ? _("relationship mapping %s.%s has a value expression of class %s, "
                                              "which Godwit cannot evaluate: give an equivalent in the "
                                              "migration plan")
                                          : _("attribute mapping %s.%s has a value expression of class %s, "
                                              "which Godwit cannot evaluate: give an equivalent in the "
                                              "migration plan"),
                                          entity_mapping->name, mapping->name, problem->class_name));
      else
        g_ptr_array_add (reasons,
                         g_strdup_printf (mapping->relationship
                                          /* Translators: the entity mapping, the property, the method and its call */
                                          ? _("relationship mapping %s.%s calls the method “%s” (%s), which runs "
                                              "only on Apple platforms: give an equivalent in the "
                                              "migration plan")
                                          : _("attribute mapping %s.%s calls the method “%s” (%s), which runs "
                                              "only on Apple platforms: give an equivalent in the "
                                              "migration plan"),
                                          entity_mapping->name, mapping->name,
                                          problem->selector, problem->text));
    }
}

/**
 * godwit_mapping_model_dup_unrunnable_reasons:
 *
 * Lists what Godwit cannot run itself: migration policy classes (code for
 * Apple platforms), value expressions that call methods, and expressions
 * of classes Godwit does not evaluate. Each needs an equivalent in the
 * migration plan.
 *
 * Returns: (transfer container) (element-type utf8): the reasons, empty
 *   when the mapping model runs as it is
 */
GPtrArray *
godwit_mapping_model_dup_unrunnable_reasons (GodwitMappingModel *self)
{
  GPtrArray *reasons;

  g_return_val_if_fail (GODWIT_IS_MAPPING_MODEL (self), NULL);

  reasons = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < self->entity_mappings->len; i++)
    {
      GodwitEntityMapping *mapping = g_ptr_array_index (self->entity_mappings, i);

      if (mapping->migration_policy_class != NULL)
        g_ptr_array_add (reasons,
                         g_strdup_printf (_("entity mapping %s uses the migration policy class %s, "
                                            "which runs only on Apple platforms: give an equivalent in "
                                            "the migration plan"),
                                          mapping->name, mapping->migration_policy_class));

      add_expression_reasons (reasons, mapping, mapping->attribute_mappings);
      add_expression_reasons (reasons, mapping, mapping->relationship_mappings);
    }

  return reasons;
}

const char *
godwit_expression_kind_to_string (GodwitExpressionKind kind)
{
  switch (kind)
    {
    case GODWIT_EXPRESSION_KEY_PATH:
      return "key-path";
    case GODWIT_EXPRESSION_CONSTANT:
      return "constant";
    case GODWIT_EXPRESSION_VARIABLE:
      return "variable";
    case GODWIT_EXPRESSION_DESTINATION_INSTANCES:
      return "destination-instances";
    case GODWIT_EXPRESSION_FUNCTION:
      return "function";
    case GODWIT_EXPRESSION_UNSUPPORTED:
      return "unsupported";
    default:
      g_return_val_if_reached (NULL);
    }
}
