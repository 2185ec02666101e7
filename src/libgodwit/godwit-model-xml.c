/* godwit-model-xml.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Reads the `contents` XML of an .xcdatamodel (../shared/docs/coredata-format.md
 * §2.3). GMarkup knows only the five predefined entities and never expands a
 * DTD, so entity bombs cannot grow; we refuse entity declarations outright
 * to say so plainly. Elements the vocabulary does not know (diagram layout,
 * composite attribute definitions, anything newer) are skipped with their
 * children.
 */

#define G_LOG_DOMAIN "godwit-model-xml"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "godwit-error.h"
#include "godwit-markup-private.h"
#include "godwit-model-xml-private.h"

typedef enum
{
  ELEMENT_MODEL,
  ELEMENT_ENTITY,
  ELEMENT_PROPERTY,
  ELEMENT_FETCH_INDEX,
  ELEMENT_COMPOUND_INDEXES,
  ELEMENT_COMPOUND_INDEX,
  ELEMENT_UNIQUENESS_CONSTRAINTS,
  ELEMENT_UNIQUENESS_CONSTRAINT,
  ELEMENT_USER_INFO,
  ELEMENT_CONFIGURATION,
  ELEMENT_IGNORED,
} ElementKind;

typedef struct
{
  const char       *path;
  GodwitModel      *model;
  ElementKind       stack[GODWIT_MODEL_XML_MAX_DEPTH];
  guint             depth;

  /* Borrowed: the model owns them as soon as they are read */
  GodwitEntity     *entity;
  GodwitProperty   *property;
  GodwitFetchIndex *fetch_index;
  GHashTable       *user_info;
  guint             n_compound_indexes;

  /* Owned until their element ends */
  GPtrArray        *tuple;
  char             *configuration;
  GPtrArray        *members;
} Parser;

static void
parser_clear (Parser *parser)
{
  g_clear_pointer (&parser->tuple, g_ptr_array_unref);
  g_clear_pointer (&parser->configuration, g_free);
  g_clear_pointer (&parser->members, g_ptr_array_unref);
}

static gboolean
is_yes (const char *value)
{
  return g_strcmp0 (value, "YES") == 0;
}

/* Xcode writes dates as seconds since 2001 in the *DateTimeInterval form. */
static char *
dup_value (const char **names,
           const char **values,
           const char  *date_name,
           const char  *string_name)
{
  const char *value = _godwit_markup_lookup (names, values, date_name);

  if (value == NULL)
    value = _godwit_markup_lookup (names, values, string_name);

  return g_strdup (value);
}

static gboolean
parse_count (GMarkupParseContext  *context,
             GodwitProperty       *property,
             const char           *name,
             const char           *string,
             gint32               *count,
             GError              **error)
{
  Parser *parser = g_markup_parse_context_get_user_data (context);
  gint64 value;

  if (string == NULL)
    return TRUE;

  if (!g_ascii_string_to_signed (string, 10, 0, G_MAXINT32, &value, NULL))
    {
      _godwit_markup_set_error (context, parser->path, error, GODWIT_ERROR_INVALID_MODEL,
                                _("%s “%s” of relationship %s.%s is not a count from 0 to %d"),
                                name, string, parser->entity->name, property->name, G_MAXINT32);
      return FALSE;
    }

  *count = (gint32) value;

  return TRUE;
}

static void
start_model (Parser       *parser,
             const char  **names,
             const char  **values)
{
  const char *identifier = _godwit_markup_lookup (names, values,
                                                  "userDefinedModelVersionIdentifier");

  /* Stores record [""] for an empty identifier and [] for a model without
   * one (coredata-format.md §1.2), so only a present attribute counts. */
  if (identifier != NULL)
    godwit_model_add_version_identifier (parser->model, identifier);
}

static gboolean
start_entity (GMarkupParseContext  *context,
              const char          **names,
              const char          **values,
              GError              **error)
{
  Parser *parser = g_markup_parse_context_get_user_data (context);
  const char *name = _godwit_markup_require (context, parser->path, "entity", names, values,
                                             "name", error);
  GodwitEntity *entity;

  if (name == NULL)
    return FALSE;

  entity = godwit_entity_new (name);
  entity->class_name = g_strdup (_godwit_markup_lookup (names, values, "representedClassName"));
  entity->parent_name = g_strdup (_godwit_markup_lookup (names, values, "parentEntity"));
  entity->abstract = is_yes (_godwit_markup_lookup (names, values, "isAbstract"));
  entity->renaming_identifier = g_strdup (_godwit_markup_lookup (names, values, "elementID"));
  entity->version_hash_modifier = g_strdup (_godwit_markup_lookup (names, values,
                                                                   "versionHashModifier"));

  godwit_model_add_entity (parser->model, entity);
  parser->entity = entity;
  parser->n_compound_indexes = 0;

  return TRUE;
}

static GodwitProperty *
add_property (GMarkupParseContext  *context,
              GodwitPropertyKind    kind,
              const char           *element_name,
              const char          **names,
              const char          **values,
              GError              **error)
{
  Parser *parser = g_markup_parse_context_get_user_data (context);
  const char *name = _godwit_markup_require (context, parser->path, element_name, names, values,
                                             "name", error);
  GodwitProperty *property;

  if (name == NULL)
    return NULL;

  if (godwit_entity_get_own_property (parser->entity, name) != NULL)
    {
      _godwit_markup_set_error (context, parser->path, error, GODWIT_ERROR_INVALID_MODEL,
                                _("property %s.%s is defined twice"), parser->entity->name, name);
      return NULL;
    }

  property = godwit_property_new (kind, name);
  property->optional = is_yes (_godwit_markup_lookup (names, values, "optional"));
  property->transient = is_yes (_godwit_markup_lookup (names, values, "transient"));
  property->indexed = is_yes (_godwit_markup_lookup (names, values, "indexed"));
  property->indexed_by_spotlight = is_yes (_godwit_markup_lookup (names, values,
                                                                  "spotlightIndexingEnabled"));
  property->renaming_identifier = g_strdup (_godwit_markup_lookup (names, values, "elementID"));
  property->version_hash_modifier = g_strdup (_godwit_markup_lookup (names, values,
                                                                     "versionHashModifier"));

  godwit_entity_add_property (parser->entity, property);
  parser->property = property;

  return property;
}

static gboolean
start_attribute (GMarkupParseContext  *context,
                 const char          **names,
                 const char          **values,
                 GError              **error)
{
  Parser *parser = g_markup_parse_context_get_user_data (context);
  const char *type_name = _godwit_markup_lookup (names, values, "attributeType");
  GodwitAttributeType type = GODWIT_ATTRIBUTE_TYPE_UNDEFINED;
  GodwitProperty *property;

  if (type_name != NULL && !godwit_attribute_type_from_string (type_name, &type))
    {
      _godwit_markup_set_error (context, parser->path, error, GODWIT_ERROR_INVALID_MODEL,
                                _("unknown attribute type “%s” for %s.%s"), type_name, parser->entity->name,
                                _godwit_markup_lookup (names, values, "name") ?: _("(unnamed)"));
      return FALSE;
    }

  property = add_property (context, GODWIT_PROPERTY_KIND_ATTRIBUTE, "attribute",
                           names, values, error);
  if (property == NULL)
    return FALSE;

  property->attribute_type = type;
  property->default_value = dup_value (names, values,
                                       "defaultDateTimeInterval", "defaultValueString");
  property->min_value = dup_value (names, values, "minDateTimeInterval", "minValueString");
  property->max_value = dup_value (names, values, "maxDateTimeInterval", "maxValueString");
  property->value_transformer_name = g_strdup (_godwit_markup_lookup (names, values,
                                                                      "valueTransformerName"));
  property->value_class_name = g_strdup (_godwit_markup_lookup (names, values, "customClassName"));
  property->allows_external_binary_data_storage =
    is_yes (_godwit_markup_lookup (names, values, "allowsExternalBinaryDataStorage"));
  property->preserves_value_in_history_on_deletion =
    is_yes (_godwit_markup_lookup (names, values, "preserveAfterDeletion"));
  property->derived = is_yes (_godwit_markup_lookup (names, values, "derived"));
  property->derivation_expression = g_strdup (_godwit_markup_lookup (names, values,
                                                                     "derivationExpression"));

  return TRUE;
}

static gboolean
start_relationship (GMarkupParseContext  *context,
                    const char          **names,
                    const char          **values,
                    GError              **error)
{
  Parser *parser = g_markup_parse_context_get_user_data (context);
  const char *rule_name = _godwit_markup_lookup (names, values, "deletionRule");
  GodwitDeleteRule rule = GODWIT_DELETE_RULE_NO_ACTION;
  GodwitProperty *property;

  if (rule_name != NULL && !godwit_delete_rule_from_string (rule_name, &rule))
    {
      _godwit_markup_set_error (context, parser->path, error, GODWIT_ERROR_INVALID_MODEL,
                                _("unknown delete rule “%s” for %s.%s"), rule_name, parser->entity->name,
                                _godwit_markup_lookup (names, values, "name") ?: _("(unnamed)"));
      return FALSE;
    }

  property = add_property (context, GODWIT_PROPERTY_KIND_RELATIONSHIP, "relationship",
                           names, values, error);
  if (property == NULL)
    return FALSE;

  property->delete_rule = rule;
  property->to_many = is_yes (_godwit_markup_lookup (names, values, "toMany"));
  property->ordered = is_yes (_godwit_markup_lookup (names, values, "ordered"));
  property->destination_entity = g_strdup (_godwit_markup_lookup (names, values,
                                                                  "destinationEntity"));
  property->inverse_name = g_strdup (_godwit_markup_lookup (names, values, "inverseName"));
  property->inverse_entity = g_strdup (_godwit_markup_lookup (names, values, "inverseEntity"));
  /* A to-one has maxCount 1; a to-many without maxCount is unbounded (0). */
  property->min_count = 0;
  property->max_count = property->to_many ? 0 : 1;

  return parse_count (context, property, "minCount", _godwit_markup_lookup (names, values,
                                                                            "minCount"),
                      &property->min_count, error) &&
         parse_count (context, property, "maxCount", _godwit_markup_lookup (names, values,
                                                                            "maxCount"),
                      &property->max_count, error);
}

static gboolean
start_fetched_property (GMarkupParseContext  *context,
                        const char          **names,
                        const char          **values,
                        GError              **error)
{
  GodwitProperty *property;

  property = add_property (context, GODWIT_PROPERTY_KIND_FETCHED, "fetchedProperty",
                           names, values, error);
  if (property == NULL)
    return FALSE;

  /* A fetched property is computed on access, never stored. */
  property->transient = TRUE;

  return TRUE;
}

static gboolean
start_fetch_index (GMarkupParseContext  *context,
                   const char          **names,
                   const char          **values,
                   GError              **error)
{
  Parser *parser = g_markup_parse_context_get_user_data (context);
  const char *name = _godwit_markup_require (context, parser->path, "fetchIndex", names, values,
                                             "name", error);

  if (name == NULL)
    return FALSE;

  parser->fetch_index = godwit_fetch_index_new (name);
  g_ptr_array_add (parser->entity->fetch_indexes, parser->fetch_index);

  return TRUE;
}

static void
start_compound_index (Parser *parser)
{
  g_autofree char *name = NULL;

  /* Core Data names the indexes made from compound indexes "compoundIndex",
   * "compoundIndex1", … (Z_Event_compoundIndex1, coredata-format.md §1.7). */
  if (parser->n_compound_indexes == 0)
    name = g_strdup ("compoundIndex");
  else
    name = g_strdup_printf ("compoundIndex%u", parser->n_compound_indexes);
  parser->n_compound_indexes++;

  parser->fetch_index = godwit_fetch_index_new (name);
  g_ptr_array_add (parser->entity->fetch_indexes, parser->fetch_index);
}

static gboolean
start_user_info_entry (GMarkupParseContext  *context,
                       const char          **names,
                       const char          **values,
                       GError              **error)
{
  Parser *parser = g_markup_parse_context_get_user_data (context);
  const char *key = _godwit_markup_require (context, parser->path, "entry", names, values, "key",
                                            error);
  const char *value = _godwit_markup_lookup (names, values, "value");

  if (key == NULL)
    return FALSE;

  g_hash_table_replace (parser->user_info, g_strdup (key), g_strdup (value ?: ""));

  return TRUE;
}

static gboolean
start_model_fetch_request (GMarkupParseContext  *context,
                           const char          **names,
                           const char          **values,
                           GError              **error)
{
  Parser *parser = g_markup_parse_context_get_user_data (context);
  const char *name = _godwit_markup_require (context, parser->path, "fetchRequest", names, values,
                                             "name", error);

  if (name == NULL)
    return FALSE;

  godwit_model_add_fetch_request_template (parser->model, name,
                                           _godwit_markup_lookup (names, values, "entity"),
                                           _godwit_markup_lookup (names, values,
                                                                  "predicateString"));

  return TRUE;
}

/* Returns the kind of the element opened inside @parent, or -1 with @error set. */
static int
start_child (GMarkupParseContext  *context,
             ElementKind           parent,
             const char           *name,
             const char          **names,
             const char          **values,
             GError              **error)
{
  Parser *parser = g_markup_parse_context_get_user_data (context);
  const char *value;

#define IS(element) (strcmp (name, element) == 0)
#define OPEN(kind, ok) return (ok) ? (int) (kind) : -1

  switch (parent)
    {
    case ELEMENT_MODEL:
      if (IS ("entity"))
        OPEN (ELEMENT_ENTITY, start_entity (context, names, values, error));
      if (IS ("fetchRequest"))
        OPEN (ELEMENT_IGNORED, start_model_fetch_request (context, names, values, error));
      if (IS ("configuration"))
        {
          value = _godwit_markup_require (context, parser->path, name, names, values, "name",
                                          error);
          if (value == NULL)
            return -1;
          parser->configuration = g_strdup (value);
          parser->members = g_ptr_array_new_with_free_func (g_free);
          return ELEMENT_CONFIGURATION;
        }
      if (IS ("userInfo"))
        {
          parser->user_info = godwit_model_get_user_info (parser->model);
          return ELEMENT_USER_INFO;
        }
      break;

    case ELEMENT_ENTITY:
      if (IS ("attribute"))
        OPEN (ELEMENT_PROPERTY, start_attribute (context, names, values, error));
      if (IS ("relationship"))
        OPEN (ELEMENT_PROPERTY, start_relationship (context, names, values, error));
      if (IS ("fetchedProperty"))
        OPEN (ELEMENT_PROPERTY, start_fetched_property (context, names, values, error));
      if (IS ("fetchIndex"))
        OPEN (ELEMENT_FETCH_INDEX, start_fetch_index (context, names, values, error));
      if (IS ("compoundIndexes"))
        return ELEMENT_COMPOUND_INDEXES;
      if (IS ("uniquenessConstraints"))
        return ELEMENT_UNIQUENESS_CONSTRAINTS;
      if (IS ("userInfo"))
        {
          parser->user_info = parser->entity->user_info;
          return ELEMENT_USER_INFO;
        }
      break;

    case ELEMENT_PROPERTY:
      if (IS ("userInfo"))
        {
          parser->user_info = parser->property->user_info;
          return ELEMENT_USER_INFO;
        }
      if (IS ("fetchRequest") && parser->property->kind == GODWIT_PROPERTY_KIND_FETCHED)
        {
          g_free (parser->property->fetch_request_entity);
          g_free (parser->property->fetch_request_predicate);
          parser->property->fetch_request_entity = g_strdup (_godwit_markup_lookup (names, values,
                                                                                    "entity"));
          parser->property->fetch_request_predicate =
            g_strdup (_godwit_markup_lookup (names, values, "predicateString"));
        }
      break;

    case ELEMENT_FETCH_INDEX:
      /* Elements on an expression instead of a property have no place in
       * GodwitFetchIndexElement and are skipped. */
      value = _godwit_markup_lookup (names, values, "property");
      if (IS ("fetchIndexElement") && value != NULL)
        godwit_fetch_index_add_element (parser->fetch_index, value,
                                        _godwit_markup_lookup (names, values, "type"),
                                        g_strcmp0 (_godwit_markup_lookup (names, values, "order"),
                                                   "descending") != 0);
      break;

    case ELEMENT_COMPOUND_INDEXES:
      if (IS ("compoundIndex"))
        {
          start_compound_index (parser);
          return ELEMENT_COMPOUND_INDEX;
        }
      break;

    case ELEMENT_COMPOUND_INDEX:
      if (IS ("index"))
        {
          value = _godwit_markup_require (context, parser->path, name, names, values, "value",
                                          error);
          if (value == NULL)
            return -1;
          godwit_fetch_index_add_element (parser->fetch_index, value, NULL, TRUE);
        }
      break;

    case ELEMENT_UNIQUENESS_CONSTRAINTS:
      if (IS ("uniquenessConstraint"))
        {
          parser->tuple = g_ptr_array_new_with_free_func (g_free);
          return ELEMENT_UNIQUENESS_CONSTRAINT;
        }
      break;

    case ELEMENT_UNIQUENESS_CONSTRAINT:
      if (IS ("constraint"))
        {
          value = _godwit_markup_require (context, parser->path, name, names, values, "value",
                                          error);
          if (value == NULL)
            return -1;
          g_ptr_array_add (parser->tuple, g_strdup (value));
        }
      break;

    case ELEMENT_USER_INFO:
      if (IS ("entry"))
        OPEN (ELEMENT_IGNORED, start_user_info_entry (context, names, values, error));
      break;

    case ELEMENT_CONFIGURATION:
      if (IS ("memberEntity"))
        {
          value = _godwit_markup_require (context, parser->path, name, names, values, "name",
                                          error);
          if (value == NULL)
            return -1;
          g_ptr_array_add (parser->members, g_strdup (value));
        }
      break;

    case ELEMENT_IGNORED:
    default:
      break;
    }

#undef OPEN
#undef IS

  return ELEMENT_IGNORED;
}

static void
start_element (GMarkupParseContext  *context,
               const char           *element_name,
               const char          **names,
               const char          **values,
               gpointer              user_data,
               GError              **error)
{
  Parser *parser = user_data;
  int kind;

  if (!_godwit_markup_check_depth (context, parser->path, parser->depth,
                                   GODWIT_MODEL_XML_MAX_DEPTH, error))
    return;

  if (parser->depth == 0)
    {
      if (strcmp (element_name, "model") != 0)
        {
          _godwit_markup_set_error (context, parser->path, error, GODWIT_ERROR_INVALID_MODEL,
                                    _("not a Core Data model (root <%s>)"), element_name);
          return;
        }
      start_model (parser, names, values);
      kind = ELEMENT_MODEL;
    }
  else
    {
      kind = start_child (context, parser->stack[parser->depth - 1], element_name,
                          names, values, error);
    }

  if (kind < 0)
    return;

  parser->stack[parser->depth++] = kind;
}

static void
end_element (GMarkupParseContext  *context,
             const char           *element_name,
             gpointer              user_data,
             GError              **error)
{
  Parser *parser = user_data;

  g_assert (parser->depth > 0);

  switch (parser->stack[--parser->depth])
    {
    case ELEMENT_ENTITY:
      parser->entity = NULL;
      break;

    case ELEMENT_PROPERTY:
      parser->property = NULL;
      break;

    case ELEMENT_FETCH_INDEX:
    case ELEMENT_COMPOUND_INDEX:
      parser->fetch_index = NULL;
      break;

    case ELEMENT_UNIQUENESS_CONSTRAINT:
      if (parser->tuple->len > 0)
        {
          g_ptr_array_add (parser->tuple, NULL);
          g_ptr_array_add (parser->entity->uniqueness_constraints,
                           g_ptr_array_free (g_steal_pointer (&parser->tuple), FALSE));
        }
      g_clear_pointer (&parser->tuple, g_ptr_array_unref);
      break;

    case ELEMENT_USER_INFO:
      parser->user_info = NULL;
      break;

    case ELEMENT_CONFIGURATION:
      g_ptr_array_add (parser->members, NULL);
      godwit_model_add_configuration (parser->model, parser->configuration,
                                      (const char * const *) parser->members->pdata);
      g_clear_pointer (&parser->configuration, g_free);
      g_clear_pointer (&parser->members, g_ptr_array_unref);
      break;

    case ELEMENT_MODEL:
    case ELEMENT_COMPOUND_INDEXES:
    case ELEMENT_UNIQUENESS_CONSTRAINTS:
    case ELEMENT_IGNORED:
    default:
      break;
    }
}

static void
passthrough (GMarkupParseContext  *context,
             const char           *text,
             gsize                 length,
             gpointer              user_data,
             GError              **error)
{
  Parser *parser = user_data;

  if (length > 9 && strncmp (text, "<!DOCTYPE", 9) == 0 &&
      g_strstr_len (text, length, "<!ENTITY") != NULL)
    _godwit_markup_set_error (context, parser->path, error, GODWIT_ERROR_INVALID_MODEL,
                              _("entity declarations (<!ENTITY>) are not allowed in a Core Data model"));
}

/**
 * _godwit_model_new_from_xml:
 * @contents_path: the `contents` file of an .xcdatamodel
 * @version_name: (nullable): the model version's name
 *
 * Reads the model, resolves it and computes its version hashes.
 *
 * Returns: (transfer full): the model, or %NULL with @error set
 */
GodwitModel *
_godwit_model_new_from_xml (const char  *contents_path,
                            const char  *version_name,
                            GError     **error)
{
  static const GMarkupParser callbacks = { start_element, end_element, NULL, passthrough, NULL };
  g_autoptr(GodwitModel) model = NULL;
  Parser parser = { 0 };
  gboolean ok;

  g_return_val_if_fail (contents_path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  model = godwit_model_new (version_name, GODWIT_MODEL_SOURCE_XML);
  parser.path = contents_path;
  parser.model = model;
  ok = _godwit_markup_parse_file (contents_path, _("the model's contents file"),
                                  GODWIT_MODEL_XML_MAX_SIZE, &callbacks, &parser, error);
  parser_clear (&parser);
  if (!ok)
    return NULL;

  godwit_model_set_path (model, contents_path);
  if (!godwit_model_resolve (model, error))
    return NULL;

  return g_steal_pointer (&model);
}
