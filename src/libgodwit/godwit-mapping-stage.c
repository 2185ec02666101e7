/* godwit-mapping-stage.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* An Xcode mapping model without migration policy classes, translated into
 * a custom stage of a migration plan (docs/migration-plan.md, "Xcode
 * mapping models") so that it runs as SQL.
 *
 * Core Data makes destination objects only through entity mappings and sets
 * only what their property mappings give, while a stage copies whatever it
 * does not mention. So the stage mentions everything: each stored attribute
 * gets a value (the default where Core Data sets none), each to-one
 * relationship a link unless the stage's own rule would link it the same
 * way, and each destination entity that no entity mapping makes an entity
 * mapping that makes nothing. What a stage cannot say is refused with the
 * reason, naming the entity mapping and the property.
 */

#define G_LOG_DOMAIN "godwit-mapping-stage"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <sqlite3.h>
#include <string.h>

#include "godwit-custom-migration.h"
#include "godwit-error.h"
#include "godwit-mapping-stage.h"
#include "godwit-model-diff.h"
#include "godwit-sql-private.h"
#include "godwit-store-writer-private.h"

/* An entity mapping of the stage. */
typedef struct
{
  char                      *name;
  GodwitEntity              *source;       /* (unowned) */
  GodwitEntity              *destination;  /* (unowned) */
  const GodwitEntityMapping *mapping;      /* (nullable) (unowned): NULL when it makes nothing */
} Target;

typedef struct
{
  const char  *path;             /* the mapping model's, first in every message */
  GodwitModel *source;
  GodwitModel *destination;
  GPtrArray   *entity_mappings;  /* (element-type GodwitEntityMapping) (unowned) the mapping model's */
  GPtrArray   *targets;          /* (element-type Target) */
} Translator;

static void
target_free (gpointer data)
{
  Target *target = data;

  g_free (target->name);
  g_free (target);
}

G_GNUC_PRINTF (5, 6)
static void
set_error (Translator   *t,
           GError      **error,
           GodwitError   code,
           const char   *where,
           const char   *format,
           ...)
{
  g_autofree char *problem = NULL;
  va_list args;

  va_start (args, format);
  problem = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, GODWIT_ERROR, code, "%s: %s: %s", t->path, where, problem);
}

static const Target *
find_target (Translator *t,
             const char *name)
{
  for (guint i = 0; i < t->targets->len; i++)
    {
      const Target *target = g_ptr_array_index (t->targets, i);

      if (strcmp (target->name, name) == 0)
        return target;
    }

  return NULL;
}

static const GodwitPropertyMapping *
find_property_mapping (GPtrArray  *mappings,
                       const char *name)
{
  for (guint i = 0; i < mappings->len; i++)
    {
      const GodwitPropertyMapping *mapping = g_ptr_array_index (mappings, i);

      if (strcmp (mapping->name, name) == 0)
        return mapping;
    }

  return NULL;
}

/* The value expression of relationship @name in @mappings; NULL when
 * there is none or it is nil, both of which leave it empty. */
static GodwitExpression *
find_value (GPtrArray  *mappings,
            const char *name)
{
  const GodwitPropertyMapping *mapping = find_property_mapping (mappings, name);
  GodwitExpression *expression = mapping != NULL ? mapping->expression : NULL;

  if (expression != NULL && expression->kind == GODWIT_EXPRESSION_CONSTANT &&
      expression->constant == NULL)
    return NULL;

  return expression;
}

static const char *
version_of (GodwitModel *model)
{
  return godwit_model_get_version_name (model);
}

/* ---- entity mappings ---------------------------------------------------- */

static gboolean
check_policy_classes (Translator  *t,
                      GError     **error)
{
  for (guint i = 0; i < t->entity_mappings->len; i++)
    {
      const GodwitEntityMapping *mapping = g_ptr_array_index (t->entity_mappings, i);

      if (mapping->migration_policy_class != NULL)
        {
          set_error (t, error, GODWIT_ERROR_INVALID_MODEL, mapping->name,
                     _("needs the migration policy class “%s”, which only runs on Apple platforms: "
                       "give this step as a custom stage in a migration plan"),
                     mapping->migration_policy_class);
          return FALSE;
        }
    }

  return TRUE;
}

static GodwitEntity *
find_entity (Translator                 *t,
             const GodwitEntityMapping  *mapping,
             GodwitModel                *model,
             const char                 *name,
             GError                    **error)
{
  GodwitEntity *entity = godwit_model_get_entity (model, name);

  if (entity == NULL)
    set_error (t, error, GODWIT_ERROR_UNKNOWN_ENTITY, mapping->name,
               model == t->source ? _("version “%s” has no entity “%s”, the mapping's source entity")
                                  : _("version “%s” has no entity “%s”, the mapping's destination entity"),
               version_of (model), name);

  return entity;
}

/* The entity mappings that make objects, in the mapping model's order; then
 * one that makes nothing for each destination entity that none makes but
 * the stage would copy from a source entity. An add mapping has no source
 * objects to make objects from, and a remove mapping no destination. */
static gboolean
collect_targets (Translator  *t,
                 GError     **error)
{
  g_autoptr(GodwitModelDiff) diff = godwit_model_diff_new (t->source, t->destination);
  g_autoptr(GHashTable) made = g_hash_table_new (NULL, NULL);
  GPtrArray *entities = godwit_model_get_entities (t->destination);

  for (guint i = 0; i < t->entity_mappings->len; i++)
    {
      const GodwitEntityMapping *mapping = g_ptr_array_index (t->entity_mappings, i);
      GodwitEntity *source = NULL;
      GodwitEntity *destination = NULL;
      Target *target;

      if (mapping->source_entity != NULL)
        {
          source = find_entity (t, mapping, t->source, mapping->source_entity, error);
          if (source == NULL)
            return FALSE;
        }
      if (mapping->destination_entity != NULL)
        {
          destination = find_entity (t, mapping, t->destination, mapping->destination_entity, error);
          if (destination == NULL)
            return FALSE;
        }

      if (source == NULL || destination == NULL ||
          mapping->type == GODWIT_ENTITY_MAPPING_ADD || mapping->type == GODWIT_ENTITY_MAPPING_REMOVE)
        continue;

      target = g_new0 (Target, 1);
      target->name = g_strdup (mapping->name);
      target->source = source;
      target->destination = destination;
      target->mapping = mapping;
      g_ptr_array_add (t->targets, target);
      g_hash_table_add (made, destination);
    }

  for (guint i = 0; i < entities->len; i++)
    {
      GodwitEntity *destination = g_ptr_array_index (entities, i);
      const GodwitEntityChange *change = godwit_model_diff_find_destination_entity (diff, destination->name);
      g_autofree char *name = NULL;
      Target *target;

      if (g_hash_table_contains (made, destination) || change == NULL || change->source == NULL)
        continue;

      name = g_strdup_printf ("%sTo%s", change->source->name, destination->name);
      if (find_target (t, name) != NULL)
        {
          set_error (t, error, GODWIT_ERROR_INVALID_MODEL, name,
                     _("no entity mapping makes %s objects, and the one of the stage that makes none "
                       "would take the name of this one"), destination->name);
          return FALSE;
        }

      target = g_new0 (Target, 1);
      target->name = g_steal_pointer (&name);
      target->source = change->source;
      target->destination = destination;
      g_ptr_array_add (t->targets, target);
    }

  return TRUE;
}

/* Each property mapping names a property of the destination entity, of
 * its kind. */
static gboolean
check_property_mappings (Translator    *t,
                         const Target  *target,
                         GError       **error)
{
  GPtrArray *lists[] = { target->mapping->attribute_mappings, target->mapping->relationship_mappings };

  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    for (guint i = 0; i < lists[l]->len; i++)
      {
        const GodwitPropertyMapping *mapping = g_ptr_array_index (lists[l], i);
        GodwitProperty *property = godwit_entity_find_property (target->destination, mapping->name);
        GodwitPropertyKind kind = mapping->relationship ? GODWIT_PROPERTY_KIND_RELATIONSHIP
                                                        : GODWIT_PROPERTY_KIND_ATTRIBUTE;

        if (property == NULL || property->kind != kind)
          {
            g_autofree char *where = g_strdup_printf ("%s.%s", target->name, mapping->name);

            set_error (t, error, GODWIT_ERROR_INVALID_MODEL, where,
                       mapping->relationship ? _("entity %s of version “%s” has no relationship “%s”")
                                             : _("entity %s of version “%s” has no attribute “%s”"),
                       target->destination->name, version_of (t->destination), mapping->name);
            return FALSE;
          }
      }

  return TRUE;
}

/* ---- attribute values --------------------------------------------------- */

static gboolean
is_number (GodwitAttributeType type)
{
  switch (type)
    {
    case GODWIT_ATTRIBUTE_TYPE_INTEGER_16:
    case GODWIT_ATTRIBUTE_TYPE_INTEGER_32:
    case GODWIT_ATTRIBUTE_TYPE_INTEGER_64:
    case GODWIT_ATTRIBUTE_TYPE_BOOLEAN:
    case GODWIT_ATTRIBUTE_TYPE_DECIMAL:
    case GODWIT_ATTRIBUTE_TYPE_DOUBLE:
    case GODWIT_ATTRIBUTE_TYPE_FLOAT:
      return TRUE;
    default:
      return FALSE;
    }
}

static gboolean
is_whole_number (GodwitAttributeType type)
{
  return type == GODWIT_ATTRIBUTE_TYPE_INTEGER_16 || type == GODWIT_ATTRIBUTE_TYPE_INTEGER_32 ||
         type == GODWIT_ATTRIBUTE_TYPE_INTEGER_64 || type == GODWIT_ATTRIBUTE_TYPE_BOOLEAN;
}

/* @value for a number attribute of @type: Core Data takes any NSNumber and
 * stores an integer attribute's whole part. */
static char *
dup_number (const char          *value,
            gboolean             whole,
            GodwitAttributeType  type)
{
  if (is_whole_number (type) && !whole)
    return g_strdup_printf ("CAST(%s AS INTEGER)", value);

  return g_strdup (value);
}

/* Whether @expression reads $source, the one variable a stage has. */
static gboolean
check_reads_source (Translator        *t,
                    const char        *where,
                    GodwitExpression  *expression,
                    GError           **error)
{
  if (strcmp (expression->variable, "source") == 0)
    return TRUE;

  set_error (t, error, GODWIT_ERROR_INVALID_MODEL, where,
             _("“%s” reads $%s, which only Core Data's migration manager has: "
               "give this step as a custom stage in a migration plan"),
             expression->text, expression->variable);
  return FALSE;
}

/* The property of the source object that @expression's key path reads:
 * any property (an attribute is expected), or with @relationship a stored
 * relationship. The plan's expressions see the source object, no other,
 * so a key path may not read past it. */
static GodwitProperty *
find_read_property (Translator        *t,
                    const Target      *target,
                    GodwitExpression  *expression,
                    gboolean           relationship,
                    const char        *where,
                    GError           **error)
{
  g_auto(GStrv) keys = g_strsplit (expression->key_path, ".", 2);
  GodwitProperty *read = godwit_entity_find_property (target->source, keys[0]);

  if (read == NULL ||
      (relationship && (read->kind != GODWIT_PROPERTY_KIND_RELATIONSHIP || !godwit_property_is_stored (read))))
    {
      set_error (t, error, GODWIT_ERROR_INVALID_MODEL, where,
                 relationship ? _("“%s”: entity %s of version “%s” has no relationship “%s”")
                              : _("“%s”: entity %s of version “%s” has no attribute “%s”"),
                 expression->text, target->source->name, version_of (t->source), keys[0]);
      return NULL;
    }

  if (keys[1] != NULL)
    {
      set_error (t, error, GODWIT_ERROR_INVALID_MODEL, where,
                 _("“%s” reads past the source object's “%s”, but an expression of a migration plan "
                   "stage reads only the source object itself (no subquery): "
                   "give this step as a custom stage in a migration plan"),
                 expression->text, keys[0]);
      return NULL;
    }

  return read;
}

static char *
dup_key_path_value (Translator        *t,
                    const Target      *target,
                    GodwitProperty    *attribute,
                    GodwitExpression  *expression,
                    const char        *where,
                    GError           **error)
{
  g_autofree char *column = NULL;
  GodwitProperty *read;

  if (!check_reads_source (t, where, expression, error))
    return NULL;

  read = find_read_property (t, target, expression, FALSE, where, error);
  if (read == NULL)
    return NULL;

  if (read->kind != GODWIT_PROPERTY_KIND_ATTRIBUTE)
    {
      set_error (t, error, GODWIT_ERROR_INVALID_MODEL, where,
                 read->kind == GODWIT_PROPERTY_KIND_RELATIONSHIP
                 ? _("“%s” is a relationship of %s, not an attribute: its value is no value of an attribute")
                 : _("“%s” is a fetched-property of %s, not an attribute: its value is no value of an attribute"),
                 expression->text, target->source->name);
      return NULL;
    }

  /* Fresh from the store, a transient attribute has no value. */
  if (!godwit_property_is_stored (read))
    return g_strdup ("NULL");

  if (!(is_number (read->attribute_type) && is_number (attribute->attribute_type)) &&
      read->attribute_type != attribute->attribute_type)
    {
      set_error (t, error, GODWIT_ERROR_INVALID_MODEL, where,
                 _("“%s” is a %s attribute, but “%s” of %s is a %s attribute: Core Data would refuse "
                   "its value"), expression->text, godwit_attribute_type_to_string (read->attribute_type),
                 attribute->name, target->destination->name,
                 godwit_attribute_type_to_string (attribute->attribute_type));
      return NULL;
    }

  if (read->attribute_type == GODWIT_ATTRIBUTE_TYPE_TRANSFORMABLE &&
      g_strcmp0 (read->value_transformer_name, attribute->value_transformer_name) != 0)
    {
      set_error (t, error, GODWIT_ERROR_INVALID_MODEL, where,
                 _("“%s” and “%s” of %s have different value transformers, which are code that "
                   "only runs on Apple platforms: "
                   "give this step as a custom stage in a migration plan"),
                 expression->text, attribute->name, target->destination->name);
      return NULL;
    }

  column = _godwit_sql_quote_identifier (read->name);
  if (is_number (attribute->attribute_type))
    return dup_number (column, is_whole_number (read->attribute_type), attribute->attribute_type);

  return g_steal_pointer (&column);
}

static char *
dup_constant_value (Translator        *t,
                    const Target      *target,
                    GodwitProperty    *attribute,
                    GodwitExpression  *expression,
                    const char        *where,
                    GError           **error)
{
  GodwitAttributeType type = attribute->attribute_type;
  char number[G_ASCII_DTOSTR_BUF_SIZE];
  const char *what;

  if (expression->constant == NULL)
    return g_strdup ("NULL");

  if (expression->is_date)
    {
      if (type == GODWIT_ATTRIBUTE_TYPE_DATE)
        return g_strdup (g_ascii_dtostr (number, sizeof number, expression->date));
      what = _("a date");
    }
  else if (!JSON_NODE_HOLDS_VALUE (expression->constant))
    {
      what = _("neither a number, a string nor a date");
    }
  else if (json_node_get_value_type (expression->constant) == G_TYPE_STRING)
    {
      if (type == GODWIT_ATTRIBUTE_TYPE_STRING)
        {
          char *quoted = sqlite3_mprintf ("%Q", json_node_get_string (expression->constant));
          char *literal = g_strdup (quoted);

          sqlite3_free (quoted);
          return literal;
        }
      what = _("a string");
    }
  else
    {
      GType value_type = json_node_get_value_type (expression->constant);

      if (is_number (type) && value_type == G_TYPE_BOOLEAN)
        return g_strdup (json_node_get_boolean (expression->constant) ? "1" : "0");
      if (is_number (type) && value_type == G_TYPE_INT64)
        return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (expression->constant));
      if (is_number (type) && value_type == G_TYPE_DOUBLE)
        return dup_number (g_ascii_dtostr (number, sizeof number, json_node_get_double (expression->constant)),
                           FALSE, type);
      what = value_type == G_TYPE_BOOLEAN ? _("a Boolean") : _("a number");
    }

  set_error (t, error, GODWIT_ERROR_INVALID_MODEL, where,
             /* Translators: the constant, what it is (e.g. “a string”), the attribute,
              * its entity and its type */
             _("the constant %s is %s, but “%s” of %s is a %s attribute: Core Data would refuse it"),
             expression->text, what, attribute->name, target->destination->name,
             godwit_attribute_type_to_string (type));
  return NULL;
}

/* Why Godwit cannot run @expression, which is neither a key path, a
 * constant nor destination objects. */
static void
set_unrunnable_error (Translator        *t,
                      const char        *where,
                      GodwitExpression  *expression,
                      GError           **error)
{
  if (expression->kind == GODWIT_EXPRESSION_FUNCTION)
    set_error (t, error, GODWIT_ERROR_INVALID_MODEL, where,
               _("“%s” calls the method “%s”, which only runs on Apple platforms: "
                 "give this step as a custom stage in a migration plan"),
               expression->text, expression->selector);
  else if (expression->kind == GODWIT_EXPRESSION_VARIABLE)
    set_error (t, error, GODWIT_ERROR_INVALID_MODEL, where,
               _("“%s” is a variable of Core Data's migration manager, not a value Godwit can "
                 "compute: "
                 "give this step as a custom stage in a migration plan"), expression->text);
  else
    set_error (t, error, GODWIT_ERROR_INVALID_MODEL, where,
               _("the value expression is an %s, which Godwit cannot translate: "
                 "give this step as a custom stage in a migration plan"),
               expression->class_name != NULL ? expression->class_name : expression->text);
}

static char *
dup_attribute_value (Translator      *t,
                     const Target    *target,
                     GodwitProperty  *attribute,
                     GError         **error)
{
  const GodwitPropertyMapping *mapping = find_property_mapping (target->mapping->attribute_mappings,
                                                                attribute->name);
  GodwitExpression *expression = mapping != NULL ? mapping->expression : NULL;
  g_autofree char *where = g_strdup_printf ("%s.%s", target->name, attribute->name);
  char *literal;

  /* Core Data sets nothing: the new object's default stays. */
  if (expression == NULL)
    {
      literal = _godwit_attribute_dup_default_literal (attribute);
      return literal != NULL ? literal : g_strdup ("NULL");
    }

  switch (expression->kind)
    {
    case GODWIT_EXPRESSION_CONSTANT:
      return dup_constant_value (t, target, attribute, expression, where, error);

    case GODWIT_EXPRESSION_KEY_PATH:
      return dup_key_path_value (t, target, attribute, expression, where, error);

    case GODWIT_EXPRESSION_DESTINATION_INSTANCES:
      set_error (t, error, GODWIT_ERROR_INVALID_MODEL, where,
                 _("“%s” gives destination objects, not a value for an attribute"), expression->text);
      return NULL;

    case GODWIT_EXPRESSION_VARIABLE:
    case GODWIT_EXPRESSION_FUNCTION:
    case GODWIT_EXPRESSION_UNSUPPORTED:
    default:
      set_unrunnable_error (t, where, expression, error);
      return NULL;
    }
}

/* ---- relationships ------------------------------------------------------ */

/* The entity mapping and the source relationship (NULL: the source object
 * itself) of FUNCTION($manager, "destinationInstancesForEntityMappingNamed:
 * sourceInstances:", "<mapping>", $source[.<relationship>]), the value of
 * @relationship; the mapping makes objects it can hold. */
static gboolean
read_destination_instances (Translator         *t,
                            const Target       *target,
                            GodwitProperty     *relationship,
                            GodwitExpression   *expression,
                            const char         *where,
                            const Target      **linked,
                            GodwitProperty    **through,
                            GError            **error)
{
  GodwitEntity *holds = godwit_model_get_entity (t->destination, relationship->destination_entity);

  if (expression->kind == GODWIT_EXPRESSION_KEY_PATH || expression->kind == GODWIT_EXPRESSION_CONSTANT)
    {
      set_error (t, error, GODWIT_ERROR_INVALID_MODEL, where,
                 _("“%s” gives source values, but a relationship holds the destination objects "
                   "entity mappings made: FUNCTION($manager, \"destinationInstancesForEntityMappingNamed:"
                   "sourceInstances:\", …)"), expression->text);
      return FALSE;
    }

  if (expression->kind != GODWIT_EXPRESSION_DESTINATION_INSTANCES)
    {
      set_unrunnable_error (t, where, expression, error);
      return FALSE;
    }

  if (!check_reads_source (t, where, expression, error))
    return FALSE;

  *linked = find_target (t, expression->mapping_name);
  if (*linked == NULL || (*linked)->mapping == NULL)
    {
      gboolean named = FALSE;

      for (guint i = 0; i < t->entity_mappings->len; i++)
        if (strcmp (((GodwitEntityMapping *) g_ptr_array_index (t->entity_mappings, i))->name,
                    expression->mapping_name) == 0)
          named = TRUE;
      set_error (t, error, GODWIT_ERROR_INVALID_MODEL, where,
                 named ? _("“%s” names the entity mapping “%s”, which makes no objects from source objects")
                       : _("“%s” names the entity mapping “%s”, which this mapping model does not have"),
                 expression->text, expression->mapping_name);
      return FALSE;
    }

  *through = NULL;
  if (expression->key_path != NULL)
    {
      *through = find_read_property (t, target, expression, TRUE, where, error);
      if (*through == NULL)
        return FALSE;
    }

  if (holds == NULL || !godwit_entity_is_kind_of ((*linked)->destination, holds))
    {
      set_error (t, error, GODWIT_ERROR_INVALID_MODEL, where,
                 _("“%s” makes %s objects, but “%s” of %s holds %s objects"), (*linked)->name,
                 (*linked)->destination->name, relationship->name, target->destination->name,
                 relationship->destination_entity);
      return FALSE;
    }

  return TRUE;
}

/* Whether the mappings making objects that @relationship can hold from the
 * objects the source's matching relationship holds are @linked alone (or,
 * with @linked NULL, none): then the stage's own rule links @relationship
 * as @through through @linked would, keeping the source's order. */
static gboolean
links_alike (Translator     *t,
             const Target   *target,
             GodwitProperty *relationship,
             const Target   *linked,
             GodwitProperty *through)
{
  GodwitProperty *matching = godwit_custom_migration_find_source_property (target->source, relationship);
  GodwitEntity *holds = godwit_model_get_entity (t->destination, relationship->destination_entity);
  GodwitEntity *source_holds;

  if (matching == NULL)
    return linked == NULL;
  if (linked != NULL && matching != through)
    return FALSE;

  source_holds = godwit_model_get_entity (t->source, matching->destination_entity);
  for (guint i = 0; i < t->targets->len; i++)
    {
      const Target *other = g_ptr_array_index (t->targets, i);

      /* A mapping that makes nothing links nothing. */
      if (other->mapping != NULL && holds != NULL && source_holds != NULL &&
          godwit_entity_is_kind_of (other->destination, holds) &&
          godwit_entity_get_root (other->source) == godwit_entity_get_root (source_holds) &&
          other != linked)
        return FALSE;
    }

  return linked == NULL ||
         (source_holds != NULL && godwit_entity_get_root (linked->source) == godwit_entity_get_root (source_holds));
}

/* Core Data sets a relationship from its inverse's value expression too;
 * a stage only from the relationship's own entity mapping. */
static gboolean
check_inverse_unset (Translator      *t,
                     const Target    *target,
                     GodwitProperty  *relationship,
                     const char      *where,
                     GError         **error)
{
  GodwitEntity *other = godwit_model_get_entity (t->destination, relationship->destination_entity);
  GodwitProperty *inverse = godwit_model_find_inverse (t->destination, relationship);

  if (inverse == NULL)
    return TRUE;

  for (guint i = 0; i < t->targets->len; i++)
    {
      const Target *setter = g_ptr_array_index (t->targets, i);

      if (setter->mapping != NULL && godwit_entity_is_kind_of (setter->destination, other) &&
          find_value (setter->mapping->relationship_mappings, inverse->name) != NULL)
        {
          set_error (t, error, GODWIT_ERROR_INVALID_MODEL, where,
                     _("has no value expression, but its inverse %s.%s has one: Core Data sets both "
                       "from it, a migration plan stage sets a relationship only from its own entity "
                       "mapping: "
                       "give this step as a custom stage in a migration plan"),
                     setter->name, inverse->name);
          return FALSE;
        }
    }

  return TRUE;
}

static gboolean
link_to_one (Translator               *t,
             const Target             *target,
             GodwitPlanEntityMapping  *plan,
             GodwitProperty           *relationship,
             GError                  **error)
{
  GodwitExpression *expression = find_value (target->mapping->relationship_mappings, relationship->name);
  g_autofree char *where = g_strdup_printf ("%s.%s", target->name, relationship->name);
  g_autofree char *key = NULL;
  GodwitProperty *through = NULL;
  const Target *linked = NULL;
  GodwitEntity *key_entity;

  if (expression == NULL)
    {
      GodwitEntity *holds = godwit_model_get_entity (t->destination, relationship->destination_entity);

      if (!check_inverse_unset (t, target, relationship, where, error))
        return FALSE;
      if (links_alike (t, target, relationship, NULL, NULL))
        return TRUE;

      /* Any mapping making objects it holds links it to none. */
      for (guint i = 0; i < t->targets->len; i++)
        {
          const Target *other = g_ptr_array_index (t->targets, i);

          if (holds != NULL && godwit_entity_is_kind_of (other->destination, holds))
            {
              godwit_plan_entity_mapping_add_link (plan, relationship->name, other->name, "NULL");
              return TRUE;
            }
        }
      return TRUE;
    }

  if (!read_destination_instances (t, target, relationship, expression, where, &linked, &through, error))
    return FALSE;

  if (through != NULL && through->to_many)
    {
      set_error (t, error, GODWIT_ERROR_INVALID_MODEL, where,
                 _("“%s” gives the objects made from all of the source's “%s”, but “%s” of %s is a "
                   "to-one relationship"), expression->text, through->name, relationship->name,
                 target->destination->name);
      return FALSE;
    }

  if (links_alike (t, target, relationship, linked, through))
    return TRUE;

  /* Source Z_PKs are unique within an entity hierarchy only: and Core Data
   * finds nothing that @linked made from objects of another. */
  key_entity = through != NULL ? godwit_model_get_entity (t->source, through->destination_entity)
                               : target->source;
  if (key_entity == NULL || godwit_entity_get_root (key_entity) != godwit_entity_get_root (linked->source))
    key = g_strdup ("NULL");
  else
    key = through != NULL ? _godwit_sql_quote_identifier (through->name) : g_strdup ("Z_PK");
  godwit_plan_entity_mapping_add_link (plan, relationship->name, linked->name, key);

  return TRUE;
}

/* Whether a stage copies the to-many @relationship (@inverse its inverse,
 * not to-one) from the source's @matching: a many-to-many relationship
 * from a many-to-many one, one without inverse from one without inverse
 * or with a to-one inverse (godwit-custom-migration.c). */
static gboolean
copies_to_many (Translator     *t,
                GodwitProperty *inverse,
                GodwitProperty *matching)
{
  GodwitProperty *source_inverse = godwit_model_find_inverse (t->source, matching);

  if (inverse != NULL)
    return source_inverse != NULL && source_inverse->to_many;

  return source_inverse == NULL || !source_inverse->to_many;
}

/* A stage fills a to-many relationship by its own rule only: through the
 * to-one inverse, else from the source's matching relationship. */
static gboolean
check_to_many (Translator      *t,
               const Target    *target,
               GodwitProperty  *relationship,
               GError         **error)
{
  GodwitExpression *expression = find_value (target->mapping->relationship_mappings, relationship->name);
  g_autofree char *where = g_strdup_printf ("%s.%s", target->name, relationship->name);
  GodwitProperty *matching = godwit_custom_migration_find_source_property (target->source, relationship);
  GodwitProperty *inverse = godwit_model_find_inverse (t->destination, relationship);
  GodwitProperty *through = NULL;
  const Target *linked = NULL;
  gboolean through_inverse = inverse != NULL && !inverse->to_many;

  /* Set, or not, through its to-one inverse, as in Core Data. */
  if (expression == NULL)
    {
      if (through_inverse || links_alike (t, target, relationship, NULL, NULL) ||
          !copies_to_many (t, inverse, matching))
        return TRUE;

      set_error (t, error, GODWIT_ERROR_INVALID_MODEL, where,
                 _("has no value expression, so Core Data leaves it empty, but a migration plan "
                   "stage fills it from the source's “%s”: "
                   "give this step as a custom stage in a migration plan"), matching->name);
      return FALSE;
    }

  if (!read_destination_instances (t, target, relationship, expression, where, &linked, &through, error))
    return FALSE;

  if (!links_alike (t, target, relationship, linked, through))
    {
      if (matching != NULL)
        set_error (t, error, GODWIT_ERROR_INVALID_MODEL, where,
                   _("a migration plan stage fills a to-many relationship with the objects made from "
                     "the source's “%s” by every entity mapping making %s objects from them, not with "
                     "“%s”: "
                     "give this step as a custom stage in a migration plan"),
                   matching->name, relationship->destination_entity, expression->text);
      else
        set_error (t, error, GODWIT_ERROR_INVALID_MODEL, where,
                   _("a migration plan stage fills a to-many relationship only from the source's "
                     "relationship of that name (or renaming identifier), and %s has none: "
                     "give this step as a custom stage in a migration plan"),
                   target->source->name);
      return FALSE;
    }

  if (!through_inverse && !copies_to_many (t, inverse, matching))
    {
      set_error (t, error, GODWIT_ERROR_INVALID_MODEL, where,
                 inverse != NULL
                 ? _("a migration plan stage fills a many-to-many relationship only from a many-to-many "
                     "relationship, and the source's “%s” is not one: "
                     "give this step as a custom stage in a migration plan")
                 : _("a migration plan stage fills a to-many relationship without inverse only from a "
                     "to-many relationship without inverse or with a to-one inverse, and the source's "
                     "“%s” is not one: give this step as a custom stage in a migration plan"),
                 matching->name);
      return FALSE;
    }

  return TRUE;
}

static gboolean
translate (Translator            *t,
           const Target          *target,
           GodwitMigrationStage  *stage,
           GError               **error)
{
  g_autofree char *json_path = g_strdup_printf ("%s: %s", t->path, target->name);
  g_autoptr(GPtrArray) properties = NULL;
  GodwitPlanEntityMapping *plan;

  plan = godwit_migration_stage_add_entity_mapping (stage, target->name, target->source->name,
                                                    target->destination->name, json_path);
  if (target->mapping == NULL)
    {
      /* False for every source object. */
      plan->filter = g_strdup ("0");
      return TRUE;
    }

  if (!check_property_mappings (t, target, error))
    return FALSE;

  properties = godwit_entity_dup_all_properties (target->destination);
  for (guint i = 0; i < properties->len; i++)
    {
      GodwitProperty *property = g_ptr_array_index (properties, i);

      if (!godwit_property_is_stored (property))
        continue;

      if (property->kind == GODWIT_PROPERTY_KIND_ATTRIBUTE)
        {
          g_autofree char *value = dup_attribute_value (t, target, property, error);

          if (value == NULL)
            return FALSE;
          godwit_plan_entity_mapping_add_value (plan, property->name, value);
        }
      else if (!property->to_many)
        {
          if (!link_to_one (t, target, plan, property, error))
            return FALSE;
        }
      else if (!check_to_many (t, target, property, error))
        {
          return FALSE;
        }
    }

  return TRUE;
}

/**
 * godwit_mapping_stage_new:
 * @mapping_model: an Xcode mapping model
 * @source: the resolved model version it maps from
 * @destination: the resolved model version it maps to
 *
 * Translates @mapping_model into a custom stage that migrates from
 * @source to @destination as Core Data would run the mapping model, for
 * godwit_custom_migration_new(). Every entity mapping, attribute and
 * relationship is translated or refused: a migration policy class, a
 * method call (FUNCTION), a key path reaching past the source object, a
 * value expression Godwit cannot translate, or a relationship set in a way
 * a stage cannot say. The stage passes godwit_migration_stage_validate().
 *
 * Returns: (transfer full): the stage (versions {@source, @destination},
 *   json_path the mapping model's path), or %NULL with @error set: a
 *   message naming the mapping model, the entity mapping and the property
 *   (“PATH: PostToPost.title: …”), and why
 */
GodwitMigrationStage *
godwit_mapping_stage_new (GodwitMappingModel  *mapping_model,
                          GodwitModel         *source,
                          GodwitModel         *destination,
                          GError             **error)
{
  g_autoptr(GodwitMigrationStage) stage = NULL;
  g_autoptr(GPtrArray) targets = g_ptr_array_new_with_free_func (target_free);
  Translator t = { NULL, source, destination, NULL, targets };

  g_return_val_if_fail (GODWIT_IS_MAPPING_MODEL (mapping_model), NULL);
  g_return_val_if_fail (GODWIT_IS_MODEL (source) && godwit_model_is_resolved (source), NULL);
  g_return_val_if_fail (GODWIT_IS_MODEL (destination) && godwit_model_is_resolved (destination), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  t.path = godwit_mapping_model_get_path (mapping_model);
  t.entity_mappings = godwit_mapping_model_get_entity_mappings (mapping_model);
  if (!check_policy_classes (&t, error) || !collect_targets (&t, error))
    return NULL;

  stage = godwit_migration_stage_new_custom (version_of (source), version_of (destination), t.path);
  for (guint i = 0; i < targets->len; i++)
    if (!translate (&t, g_ptr_array_index (targets, i), stage, error))
      return NULL;

  if (!godwit_migration_stage_validate (stage, source, destination, NULL, error))
    return NULL;

  return g_steal_pointer (&stage);
}
