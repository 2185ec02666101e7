/* godwit-custom-migration.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* One custom migration step (NSCustomMigrationStage) of a migration plan
 * (docs/migration-plan.md), done with SQL into a new store: will-migrate
 * runs on the source, the destination is created by the store writer, the
 * source is attached, and each entity mapping (explicit, or an implicit
 * <Source>To<Destination> copy) is one INSERT … SELECT over a view of its
 * source entity's objects, so that memory does not grow with the store.
 * Links between objects are resolved through one temporary table per
 * mapping, source Z_PK → destination Z_PK, filled before any object is
 * made. Then did-migrate runs on the destination.
 *
 * Persistent history is copied when the source has it, with ACHANGE's
 * entity numbers renumbered (changes of entities the destination lacks
 * are dropped).
 *
 * Ordered relationships are numbered from 1 in the source's order where
 * the source relationship was ordered, else in the order of Z_PK. A
 * to-many relationship without inverse keeps its owner in the rows of the
 * objects it holds; that owner comes from the source's owner column, or
 * from the to-one inverse the source relationship had.
 *
 * Left out: a many-to-many relationship whose source relationship was not
 * many-to-many, and a to-many relationship without inverse whose source
 * relationship was many-to-many, start empty.
 */

#define G_LOG_DOMAIN "godwit-custom-migration"

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <math.h>
#include <sqlite3.h>
#include <string.h>

#include "godwit-custom-migration-private.h"
#include "godwit-error.h"
#include "godwit-sql-private.h"
#include "godwit-store-layout.h"
#include "godwit-store-writer-private.h"

static const char * const file_suffixes[] = { "", "-wal", "-shm", "-journal" };

typedef enum
{
  PHASE_WILL_MIGRATE,   /* on the source store */
  PHASE_MIGRATE,        /* on the destination, the source attached as "source" */
  PHASE_DID_MIGRATE,    /* on the destination, after the persistent history is copied */
} Phase;

/* Progress is reported by entity mapping name. */
typedef struct
{
  GodwitSqlStatement  base;
  Phase               phase;
  char               *where;  /* the plan's part the statement comes from, for messages */
} Statement;

struct _GodwitCustomMigration
{
  GObject            parent_instance;

  GodwitModel       *destination;
  GodwitStoreLayout *source_layout;
  GodwitStoreLayout *destination_layout;
  GPtrArray         *mappings;     /* (element-type GodwitStageMapping) */
  GPtrArray         *statements;   /* (element-type Statement) in order */
  char              *stage_path;   /* "stages[1]" */
  char              *renumber_sql; /* source ZENTITY → destination Z_ENT, NULL when gone */
};

G_DEFINE_FINAL_TYPE (GodwitCustomMigration, godwit_custom_migration, G_TYPE_OBJECT)

static void
mapping_free (gpointer data)
{
  GodwitStageMapping *mapping = data;

  g_free (mapping->name);
  g_free (mapping->where);
  g_free (mapping);
}

static void
statement_free (gpointer data)
{
  Statement *statement = data;

  _godwit_sql_statement_clear (&statement->base);
  g_free (statement->where);
  g_free (statement);
}

static void
godwit_custom_migration_finalize (GObject *object)
{
  GodwitCustomMigration *self = GODWIT_CUSTOM_MIGRATION (object);

  g_clear_object (&self->destination);
  g_clear_object (&self->source_layout);
  g_clear_object (&self->destination_layout);
  g_clear_pointer (&self->mappings, g_ptr_array_unref);
  g_clear_pointer (&self->statements, g_ptr_array_unref);
  g_clear_pointer (&self->stage_path, g_free);
  g_clear_pointer (&self->renumber_sql, g_free);

  G_OBJECT_CLASS (godwit_custom_migration_parent_class)->finalize (object);
}

static void
godwit_custom_migration_class_init (GodwitCustomMigrationClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = godwit_custom_migration_finalize;
}

static void
godwit_custom_migration_init (GodwitCustomMigration *self)
{
  self->statements = g_ptr_array_new_with_free_func (statement_free);
}

static Statement *
add_statement (GodwitCustomMigration *self,
               Phase                  phase,
               const char            *where,
               char                  *sql)
{
  Statement *statement = g_new0 (Statement, 1);

  statement->phase = phase;
  statement->base.sql = sql;
  statement->where = g_strdup (where);
  g_ptr_array_add (self->statements, statement);

  return statement;
}

/**
 * godwit_custom_migration_find_source_property:
 * @source: the source entity of an entity mapping
 * @property: a property of its destination entity
 *
 * The property of @source whose value a custom stage takes for @property
 * when the entity mapping gives it none: the one its renaming identifier
 * names, else the one with its name; of the same kind, stored, and to-many
 * when @property is.
 *
 * Returns: (transfer none) (nullable): the property, or %NULL
 */
GodwitProperty *
godwit_custom_migration_find_source_property (GodwitEntity   *source,
                                              GodwitProperty *property)
{
  const char *names[] = { property->renaming_identifier, property->name };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      GodwitProperty *match;

      if (names[i] == NULL || *names[i] == '\0')
        continue;
      match = godwit_entity_find_property (source, names[i]);
      if (match != NULL && match->kind == property->kind && godwit_property_is_stored (match) &&
          match->to_many == property->to_many)
        return match;
    }

  return NULL;
}

/* ---- building ----------------------------------------------------------- */

/**
 * _godwit_custom_migration_collect_mappings:
 * @diff: from @source to @destination
 *
 * The entity mappings @stage runs: its own in its order, then the implicit
 * copy of each destination entity that none of them makes.
 *
 * Returns: (transfer full) (element-type GodwitStageMapping) (nullable):
 *   the mappings, or %NULL when one names an entity the versions lack
 */
GPtrArray *
_godwit_custom_migration_collect_mappings (GodwitModel                 *source,
                                           GodwitModel                 *destination,
                                           const GodwitMigrationStage  *stage,
                                           GodwitModelDiff             *diff,
                                           GError                     **error)
{
  g_autoptr(GPtrArray) mappings = g_ptr_array_new_with_free_func (mapping_free);
  g_autoptr(GHashTable) made = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *entities = godwit_model_get_entities (destination);

  for (guint i = 0; i < stage->entity_mappings->len; i++)
    {
      const GodwitPlanEntityMapping *plan = g_ptr_array_index (stage->entity_mappings, i);
      GodwitStageMapping *mapping = g_new0 (GodwitStageMapping, 1);

      mapping->name = g_strdup (plan->name);
      mapping->where = g_strdup_printf ("%s (%s)", plan->json_path, plan->name);
      mapping->plan = plan;
      mapping->source = godwit_model_get_entity (source, plan->source);
      mapping->destination = godwit_model_get_entity (destination, plan->destination);
      g_ptr_array_add (mappings, mapping);
      if (mapping->source == NULL || mapping->destination == NULL)
        {
          g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_UNKNOWN_ENTITY,
                       "%s: the versions have no entity “%s” or “%s”: validate the plan first",
                       mapping->where, plan->source, plan->destination);
          return NULL;
        }
      g_hash_table_add (made, plan->destination);
    }

  for (guint i = 0; i < entities->len; i++)
    {
      GodwitEntity *entity = g_ptr_array_index (entities, i);
      const GodwitEntityChange *change;
      GodwitStageMapping *mapping;

      if (g_hash_table_contains (made, entity->name))
        continue;
      change = godwit_model_diff_find_destination_entity (diff, entity->name);
      if (change == NULL || change->source == NULL)
        continue;

      mapping = g_new0 (GodwitStageMapping, 1);
      mapping->name = g_strdup_printf ("%sTo%s", change->source->name, entity->name);
      mapping->where = g_strdup_printf ("%s (%s, implicit)", stage->json_path, mapping->name);
      mapping->source = change->source;
      mapping->destination = entity;
      g_ptr_array_add (mappings, mapping);
    }

  return g_steal_pointer (&mappings);
}

/* The first mapping copying a source entity to its matching destination
 * entity keeps object identity, unless another source hierarchy already
 * keeps its Z_PKs in the same destination table. */
static void
number_mappings (GodwitCustomMigration *self,
                 GodwitModelDiff       *diff)
{
  for (guint i = 0; i < self->mappings->len; i++)
    {
      GodwitStageMapping *mapping = g_ptr_array_index (self->mappings, i);
      const GodwitEntityChange *change =
        godwit_model_diff_find_destination_entity (diff, mapping->destination->name);
      gboolean free_slot = change != NULL && change->source == mapping->source;

      for (guint j = 0; free_slot && j < i; j++)
        {
          GodwitStageMapping *other = g_ptr_array_index (self->mappings, j);

          if (other->keeps_pk &&
              ((other->source == mapping->source && other->destination == mapping->destination) ||
               (godwit_entity_get_root (other->destination) == godwit_entity_get_root (mapping->destination) &&
                godwit_entity_get_root (other->source) != godwit_entity_get_root (mapping->source))))
            free_slot = FALSE;
        }
      mapping->keeps_pk = free_slot;
      mapping->index = i;
    }
}

/* The name under which a source view shows @column: an owner column of a
 * to-many relationship without inverse, or its order column. */
static char *
dup_owner_alias (const GodwitColumn *column)
{
  g_autofree char *alias = g_strdup_printf ("godwit$%s", column->name);

  return _godwit_sql_quote_identifier (alias);
}

/**
 * _godwit_custom_migration_dup_source_objects:
 * @layout: the layout of the source store
 * @schema: the name of the source store's database: "main", "source"
 *
 * The SELECT of the objects of exactly @entity as a stage's expressions
 * read them: Z_PK, Z_ENT, Z_OPT and each stored attribute and to-one
 * relationship under its name, the position in an ordered inverse as
 * "godwit$order$<name>", and the owner columns of to-many relationships
 * without inverse (with their order) as "godwit$<column>".
 *
 * Returns: (transfer full): the statement
 */
char *
_godwit_custom_migration_dup_source_objects (GodwitStoreLayout *layout,
                                             GodwitEntity      *entity,
                                             const char        *schema)
{
  g_autoptr(GPtrArray) properties = godwit_entity_dup_all_properties (entity);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const GodwitTable *table = godwit_store_layout_get_table (layout, entity);
  g_autofree char *table_name = _godwit_sql_quote_identifier (table->name);
  GString *sql = g_string_new ("SELECT Z_PK, Z_ENT, Z_OPT");

  g_hash_table_add (seen, g_strdup ("z_pk"));
  g_hash_table_add (seen, g_strdup ("z_ent"));
  g_hash_table_add (seen, g_strdup ("z_opt"));
  for (guint i = 0; i < properties->len; i++)
    {
      GodwitProperty *property = g_ptr_array_index (properties, i);
      GodwitColumnRole role = property->kind == GODWIT_PROPERTY_KIND_ATTRIBUTE
                              ? GODWIT_COLUMN_ROLE_ATTRIBUTE : GODWIT_COLUMN_ROLE_TO_ONE;
      const GodwitColumn *column;
      const GodwitColumn *order;
      g_autofree char *column_name = NULL;
      g_autofree char *name = NULL;

      /* SQL names are case-insensitive: of names differing only in case,
       * the first counts, as when the plan was validated. */
      if (!godwit_property_is_stored (property) ||
          property->kind == GODWIT_PROPERTY_KIND_FETCHED ||
          (property->kind == GODWIT_PROPERTY_KIND_RELATIONSHIP && property->to_many) ||
          !g_hash_table_add (seen, g_ascii_strdown (property->name, -1)))
        continue;

      column = godwit_store_layout_find_column (layout, entity, property->name, role);
      name = _godwit_sql_quote_identifier (property->name);
      if (column == NULL)
        {
          g_string_append_printf (sql, ", NULL AS %s", name);
          continue;
        }
      column_name = _godwit_sql_quote_identifier (column->name);
      g_string_append_printf (sql, ", %s AS %s", column_name, name);

      order = godwit_store_layout_find_column (layout, entity, property->name, GODWIT_COLUMN_ROLE_ORDER);
      if (order != NULL)
        {
          g_autofree char *order_name = _godwit_sql_quote_identifier (order->name);
          g_autofree char *alias = g_strdup_printf ("godwit$order$%s", property->name);
          g_autofree char *quoted_alias = _godwit_sql_quote_identifier (alias);

          g_string_append_printf (sql, ", %s AS %s", order_name, quoted_alias);
        }
    }
  for (guint i = 0; i < table->columns->len; i++)
    {
      const GodwitColumn *column = g_ptr_array_index (table->columns, i);
      g_autofree char *column_name = NULL;
      g_autofree char *alias = NULL;

      if (column->property == NULL || column->property->kind != GODWIT_PROPERTY_KIND_RELATIONSHIP ||
          !column->property->to_many)
        continue;
      column_name = _godwit_sql_quote_identifier (column->name);
      alias = dup_owner_alias (column);
      g_string_append_printf (sql, ", %s AS %s", column_name, alias);
    }
  g_string_append_printf (sql, " FROM %s.%s WHERE Z_ENT = %u", schema, table_name,
                          godwit_store_layout_get_entity_number (layout, entity));

  return g_string_free (sql, FALSE);
}

/* CREATE TEMP VIEW godwit_source_<n> of @entity's objects in the attached
 * source store. */
static char *
dup_source_view (GodwitCustomMigration *self,
                 GodwitEntity          *entity,
                 guint                  n)
{
  g_autofree char *objects = _godwit_custom_migration_dup_source_objects (self->source_layout, entity,
                                                                           "source");

  return g_strdup_printf ("CREATE TEMP VIEW godwit_source_%u AS %s", n, objects);
}

/* The destination Z_PK that @mapping made from the source object whose
 * Z_PK @key gives, or NULL. */
static char *
dup_lookup (const GodwitStageMapping *mapping,
            const char               *key)
{
  return g_strdup_printf ("(SELECT \"godwit$made\" FROM temp.godwit_map_%u WHERE \"godwit$source\" = (\n%s\n))",
                          mapping->index, key);
}

/* The mappings a copied relationship can link through: they make objects
 * of @destination (or a sub-entity) from objects stored with @source's. */
static GPtrArray *
dup_candidates (GodwitCustomMigration *self,
                GodwitEntity          *destination,
                GodwitEntity          *source)
{
  GPtrArray *candidates = g_ptr_array_new ();

  for (guint i = 0; i < self->mappings->len; i++)
    {
      GodwitStageMapping *mapping = g_ptr_array_index (self->mappings, i);

      if (godwit_entity_is_kind_of (mapping->destination, destination) &&
          godwit_entity_get_root (mapping->source) == godwit_entity_get_root (source))
        g_ptr_array_add (candidates, mapping);
    }

  return candidates;
}

/* The foreign key (or, with @entity_number, the Z_ENT) of the object one of
 * @candidates made from the source object whose Z_PK @key gives. */
static char *
dup_link_value (GodwitCustomMigration *self,
                GPtrArray             *candidates,
                const char            *key,
                gboolean               entity_number)
{
  GString *sql = g_string_new (NULL);

  if (candidates->len == 0)
    {
      g_string_free (sql, TRUE);
      return g_strdup ("NULL");
    }

  if (entity_number)
    g_string_append (sql, "CASE");
  else if (candidates->len > 1)
    g_string_append (sql, "COALESCE (");
  for (guint i = 0; i < candidates->len; i++)
    {
      const GodwitStageMapping *mapping = g_ptr_array_index (candidates, i);
      g_autofree char *lookup = dup_lookup (mapping, key);

      if (entity_number)
        g_string_append_printf (sql, " WHEN %s IS NOT NULL THEN %u", lookup,
                                godwit_store_layout_get_entity_number (self->destination_layout,
                                                                       mapping->destination));
      else
        g_string_append_printf (sql, "%s%s", i > 0 ? ", " : "", lookup);
    }
  if (entity_number)
    g_string_append (sql, " END");
  else if (candidates->len > 1)
    g_string_append (sql, ")");

  return g_string_free (sql, FALSE);
}

/**
 * _godwit_stage_mapping_find_value:
 *
 * Returns: (nullable): the value @mapping gives @attribute, or %NULL
 */
const GodwitPlanValue *
_godwit_stage_mapping_find_value (const GodwitStageMapping *mapping,
                                  const char               *attribute)
{
  for (guint i = 0; mapping->plan != NULL && i < mapping->plan->attributes->len; i++)
    {
      const GodwitPlanValue *value = g_ptr_array_index (mapping->plan->attributes, i);

      if (strcmp (value->attribute, attribute) == 0)
        return value;
    }

  return NULL;
}

static const GodwitPlanLink *
find_plan_link (const GodwitStageMapping *mapping,
                const char               *relationship)
{
  for (guint i = 0; mapping->plan != NULL && i < mapping->plan->relationships->len; i++)
    {
      const GodwitPlanLink *link = g_ptr_array_index (mapping->plan->relationships, i);

      if (strcmp (link->relationship, relationship) == 0)
        return link;
    }

  return NULL;
}

static const GodwitStageMapping *
find_mapping (GodwitCustomMigration *self,
              const char            *name)
{
  for (guint i = 0; i < self->mappings->len; i++)
    {
      const GodwitStageMapping *mapping = g_ptr_array_index (self->mappings, i);

      if (strcmp (mapping->name, name) == 0)
        return mapping;
    }

  return NULL;
}

/* Where the source kept the owner of its @member objects in the relationship
 * of @owner matching @relationship: the owner column (@key) of a
 * relationship without inverse, or its to-one inverse; and the position
 * (@order, nullable) when it was ordered. Names in a source view. */
static gboolean
find_source_owner (GodwitCustomMigration  *self,
                   GodwitModel            *source,
                   GodwitEntity           *owner,
                   GodwitEntity           *member,
                   GodwitProperty         *relationship,
                   char                  **key,
                   char                  **order)
{
  GodwitProperty *matching = godwit_custom_migration_find_source_property (owner, relationship);
  GodwitEntity *held = NULL;
  GodwitProperty *inverse;
  const GodwitColumn *column;

  if (matching != NULL)
    held = godwit_model_get_entity (source, matching->destination_entity);
  if (held == NULL || !godwit_entity_is_kind_of (member, held))
    return FALSE;
  inverse = godwit_model_find_inverse (source, matching);

  if (inverse == NULL)
    {
      column = godwit_store_layout_find_column (self->source_layout, owner, matching->name,
                                                GODWIT_COLUMN_ROLE_TO_MANY_OWNER);
      if (column == NULL)
        return FALSE;
      *key = dup_owner_alias (column);
      column = godwit_store_layout_find_column (self->source_layout, owner, matching->name,
                                                GODWIT_COLUMN_ROLE_ORDER);
      *order = column != NULL ? dup_owner_alias (column) : NULL;
      return TRUE;
    }

  if (inverse->to_many)
    return FALSE;

  *key = _godwit_sql_quote_identifier (inverse->name);
  column = godwit_store_layout_find_column (self->source_layout, held, inverse->name,
                                            GODWIT_COLUMN_ROLE_ORDER);
  if (column != NULL)
    {
      g_autofree char *alias = g_strdup_printf ("godwit$order$%s", inverse->name);

      *order = _godwit_sql_quote_identifier (alias);
    }
  return TRUE;
}

/* The owner column of a to-many relationship without inverse, or its
 * order column, in the rows of the objects @mapping makes when the
 * relationship holds them: the object that a mapping making owners made
 * from the source object's owner in the matching relationship, and the
 * source's position there. */
static char *
dup_owner_value (GodwitCustomMigration    *self,
                 const GodwitStageMapping *mapping,
                 GodwitModel              *source,
                 const GodwitColumn       *column)
{
  GodwitProperty *relationship = column->property;
  GodwitEntity *held = godwit_model_get_entity (self->destination, relationship->destination_entity);
  g_autoptr(GString) owners = g_string_new (NULL);
  g_autoptr(GString) orders = g_string_new (NULL);
  guint n_owners = 0;

  if (held == NULL || !godwit_entity_is_kind_of (mapping->destination, held))
    return NULL;

  for (guint i = 0; i < self->mappings->len; i++)
    {
      const GodwitStageMapping *owner = g_ptr_array_index (self->mappings, i);
      g_autofree char *key = NULL;
      g_autofree char *order = NULL;
      g_autofree char *lookup = NULL;

      if (!godwit_entity_is_kind_of (owner->destination, column->entity) ||
          !find_source_owner (self, source, owner->source, mapping->source, relationship, &key, &order))
        continue;
      lookup = dup_lookup (owner, key);
      g_string_append_printf (owners, "%s%s", n_owners++ > 0 ? ", " : "", lookup);
      if (order != NULL)
        g_string_append_printf (orders, " WHEN %s IS NOT NULL THEN %s", lookup, order);
    }

  if (column->role == GODWIT_COLUMN_ROLE_ORDER)
    return orders->len > 0 ? g_strdup_printf ("CASE%s END", orders->str) : NULL;
  if (n_owners == 0)
    return NULL;

  return n_owners > 1 ? g_strdup_printf ("COALESCE (%s)", owners->str) : g_strdup (owners->str);
}

/* The value of one destination column for objects @mapping makes, as an
 * SQL expression over its source view, or %NULL to leave the column out. */
static char *
dup_column_value (GodwitCustomMigration     *self,
                  const GodwitStageMapping  *mapping,
                  GodwitModel               *source,
                  const GodwitColumn        *column,
                  GError                   **error)
{
  GodwitProperty *property = column->property;
  GodwitProperty *matching;
  const GodwitPlanLink *link;

  if (property == NULL)
    return NULL;
  /* Columns of a to-many relationship are in the rows of what it holds. */
  if (property->kind == GODWIT_PROPERTY_KIND_RELATIONSHIP && property->to_many)
    return dup_owner_value (self, mapping, source, column);
  if (!godwit_entity_is_kind_of (mapping->destination, column->entity))
    return NULL;

  switch (column->role)
    {
    case GODWIT_COLUMN_ROLE_ATTRIBUTE:
      {
        const GodwitPlanValue *value = _godwit_stage_mapping_find_value (mapping, property->name);

        if (value != NULL)
          return g_strdup_printf ("(\n%s\n)", value->expression);
        matching = godwit_custom_migration_find_source_property (mapping->source, property);
        if (matching != NULL)
          return _godwit_sql_quote_identifier (matching->name);
        return _godwit_attribute_dup_default_literal (property);
      }

    case GODWIT_COLUMN_ROLE_TO_ONE:
    case GODWIT_COLUMN_ROLE_TO_ONE_ENTITY:
      {
        gboolean entity_number = column->role == GODWIT_COLUMN_ROLE_TO_ONE_ENTITY;
        GodwitEntity *target = godwit_model_get_entity (self->destination,
                                                        property->destination_entity);
        g_autoptr(GPtrArray) candidates = NULL;
        g_autofree char *key = NULL;
        GodwitEntity *source_target;

        link = find_plan_link (mapping, property->name);
        if (link != NULL)
          {
            const GodwitStageMapping *linked = find_mapping (self, link->mapping);

            if (linked == NULL)
              {
                g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL,
                             "%s: relationships.%s: this stage has no entity mapping “%s”",
                             mapping->where, property->name, link->mapping);
                return NULL;
              }
            candidates = g_ptr_array_new ();
            g_ptr_array_add (candidates, (gpointer) linked);
            return dup_link_value (self, candidates, link->source_key, entity_number);
          }

        matching = godwit_custom_migration_find_source_property (mapping->source, property);
        if (matching == NULL || target == NULL)
          return NULL;
        source_target = godwit_model_get_entity (source, matching->destination_entity);
        if (source_target == NULL)
          return NULL;
        candidates = dup_candidates (self, target, source_target);
        key = _godwit_sql_quote_identifier (matching->name);
        return dup_link_value (self, candidates, key, entity_number);
      }

    case GODWIT_COLUMN_ROLE_ORDER:
      /* The source position where there was one; the numbering after
       * every object is made fills the rest. */
      matching = godwit_custom_migration_find_source_property (mapping->source, property);
      if (matching != NULL && find_plan_link (mapping, property->name) == NULL &&
          godwit_store_layout_find_column (self->source_layout, mapping->source, matching->name,
                                           GODWIT_COLUMN_ROLE_ORDER) != NULL)
        {
          g_autofree char *alias = g_strdup_printf ("godwit$order$%s", matching->name);

          return _godwit_sql_quote_identifier (alias);
        }
      return NULL;

    case GODWIT_COLUMN_ROLE_PRIMARY_KEY:
    case GODWIT_COLUMN_ROLE_ENTITY:
    case GODWIT_COLUMN_ROLE_OPT:
    case GODWIT_COLUMN_ROLE_TO_MANY_OWNER:
    default:
      return NULL;
    }
}

/* The highest destination Z_PK made so far in @mapping's hierarchy, by
 * the mappings before it in @order. */
static char *
dup_base_pk (GPtrArray                *order,
             const GodwitStageMapping *mapping)
{
  GString *sql = g_string_new ("(SELECT MAX (m) FROM (SELECT 0 AS m");

  for (guint i = 0; i < order->len; i++)
    {
      const GodwitStageMapping *other = g_ptr_array_index (order, i);

      if (other == mapping)
        break;
      if (godwit_entity_get_root (other->destination) == godwit_entity_get_root (mapping->destination))
        g_string_append_printf (sql, " UNION ALL SELECT MAX (\"godwit$made\") FROM temp.godwit_map_%u",
                                other->index);
    }
  g_string_append (sql, "))");

  return g_string_free (sql, FALSE);
}

static gboolean
add_object_inserts (GodwitCustomMigration     *self,
                    GodwitModel               *source,
                    const GodwitStageMapping  *mapping,
                    GError                   **error)
{
  const GodwitTable *table = godwit_store_layout_get_table (self->destination_layout,
                                                            mapping->destination);
  g_autofree char *table_name = _godwit_sql_quote_identifier (table->name);
  g_autoptr(GString) columns = g_string_new ("Z_PK, Z_ENT, Z_OPT");
  g_autoptr(GString) values = g_string_new (NULL);
  Statement *statement;

  g_string_append_printf (values, "m.\"godwit$made\", %u, %s",
                          godwit_store_layout_get_entity_number (self->destination_layout,
                                                                 mapping->destination),
                          mapping->keeps_pk ? "Z_OPT" : "1");
  for (guint i = 0; i < table->columns->len; i++)
    {
      const GodwitColumn *column = g_ptr_array_index (table->columns, i);
      g_autoptr(GError) local_error = NULL;
      g_autofree char *value = dup_column_value (self, mapping, source, column, &local_error);
      g_autofree char *column_name = NULL;

      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      if (value == NULL)
        continue;
      column_name = _godwit_sql_quote_identifier (column->name);
      g_string_append_printf (columns, ", %s", column_name);
      g_string_append_printf (values, ", %s", value);
    }

  statement = add_statement (self, PHASE_MIGRATE, mapping->where,
                             g_strdup_printf ("INSERT INTO main.%s (%s) SELECT %s FROM temp.godwit_map_%u "
                                              "AS m JOIN temp.godwit_source_%u ON Z_PK = m.\"godwit$source\"",
                                              table_name, columns->str, values->str, mapping->index,
                                              mapping->view));
  statement->base.entity = g_strdup (mapping->name);
  statement->base.count_sql = g_strdup_printf ("SELECT COUNT(*) FROM temp.godwit_map_%u", mapping->index);

  return TRUE;
}

/* Numbers each ordered one-to-many relationship's objects, and each
 * ordered to-many relationship's without inverse, from 1, keeping the
 * source order where there was one, then the order they were made in. */
static void
add_order_numbering (GodwitCustomMigration *self)
{
  GPtrArray *tables = godwit_store_layout_get_tables (self->destination_layout);

  for (guint i = 0; i < tables->len; i++)
    {
      const GodwitTable *table = g_ptr_array_index (tables, i);
      g_autofree char *table_name = _godwit_sql_quote_identifier (table->name);

      for (guint j = 0; j < table->columns->len; j++)
        {
          const GodwitColumn *column = g_ptr_array_index (table->columns, j);
          const GodwitColumn *key;
          g_autofree char *order_name = NULL;
          g_autofree char *key_name = NULL;

          if (column->role != GODWIT_COLUMN_ROLE_ORDER || column->property == NULL)
            continue;
          key = godwit_store_layout_find_column (self->destination_layout, column->entity,
                                                 column->property->name,
                                                 column->property->to_many ? GODWIT_COLUMN_ROLE_TO_MANY_OWNER
                                                                           : GODWIT_COLUMN_ROLE_TO_ONE);
          if (key == NULL)
            continue;
          order_name = _godwit_sql_quote_identifier (column->name);
          key_name = _godwit_sql_quote_identifier (key->name);
          add_statement (self, PHASE_MIGRATE, self->stage_path,
                         g_strdup_printf ("UPDATE main.%s SET %s = o.position FROM (SELECT Z_PK AS pk, "
                                          "row_number () OVER (PARTITION BY %s ORDER BY %s IS NULL, %s, Z_PK) "
                                          "AS position FROM main.%s WHERE %s IS NOT NULL) AS o "
                                          "WHERE %s.Z_PK = o.pk",
                                          table_name, order_name, key_name, order_name, order_name,
                                          table_name, key_name, table_name));
        }
    }
}

/* "row_number () …" numbering the rows of a join table from 1 within each
 * @within, in the order the source kept (@source_order, where it was
 * ordered), then by @other. */
static void
append_join_order (GString    *names,
                   GString    *values,
                   const char *order_column,
                   const char *source_order,
                   const char *within,
                   const char *other)
{
  g_autofree char *quoted = NULL;

  if (order_column == NULL)
    return;
  quoted = _godwit_sql_quote_identifier (order_column);
  g_string_append_printf (names, ", %s", quoted);
  g_string_append_printf (values, ", row_number () OVER (PARTITION BY %s ORDER BY %s IS NULL, %s, %s)",
                          within, source_order, source_order, other);
}

/* A join table's column @name, or NULL when it has none. */
static char *
dup_join_column (const char *name)
{
  g_autofree char *quoted = NULL;

  if (name == NULL)
    return g_strdup ("NULL");
  quoted = _godwit_sql_quote_identifier (name);
  return g_strdup_printf ("j.%s", quoted);
}

/* The rows of the many-to-many relationship of @join copied from the
 * source's @source_join: @relationship, of @source_entity, is the source
 * relationship matching the destination's on @join's side, or with
 * @from_inverse on the inverse's side. Each row whose two objects were both
 * mapped, numbered as the source ordered them when the relationship is
 * ordered. */
static void
add_join_rows (GodwitCustomMigration *self,
               const GodwitJoinTable *join,
               gboolean               from_inverse,
               const GodwitJoinTable *source_join,
               GodwitProperty        *relationship,
               GodwitEntity          *source_entity,
               GodwitEntity          *inverse_source)
{
  gboolean same_side = source_join->relationship == relationship;
  g_autoptr(GPtrArray) ends = dup_candidates (self, from_inverse ? join->inverse_entity : join->entity,
                                              source_entity);
  g_autoptr(GPtrArray) inverse_ends = dup_candidates (self, from_inverse ? join->entity : join->inverse_entity,
                                                      inverse_source);
  g_autofree char *key = dup_join_column (same_side ? source_join->column : source_join->inverse_column);
  g_autofree char *inverse_key = dup_join_column (same_side ? source_join->inverse_column
                                                            : source_join->column);
  g_autofree char *order = dup_join_column (same_side ? source_join->order_column
                                                      : source_join->inverse_order_column);
  g_autofree char *inverse_order = dup_join_column (same_side ? source_join->inverse_order_column
                                                              : source_join->order_column);
  g_autofree char *value = dup_link_value (self, ends, key, FALSE);
  g_autofree char *inverse_value = dup_link_value (self, inverse_ends, inverse_key, FALSE);
  g_autofree char *join_name = _godwit_sql_quote_identifier (join->name);
  g_autofree char *source_join_name = _godwit_sql_quote_identifier (source_join->name);
  g_autofree char *column = _godwit_sql_quote_identifier (from_inverse ? join->inverse_column : join->column);
  g_autofree char *inverse_column = _godwit_sql_quote_identifier (from_inverse ? join->column : join->inverse_column);
  g_autoptr(GString) names = g_string_new (NULL);
  g_autoptr(GString) values = g_string_new ("a, b");

  g_string_append_printf (names, "%s, %s", column, inverse_column);
  /* The position of each object in the relationship of the other. */
  append_join_order (names, values, from_inverse ? join->inverse_order_column : join->order_column,
                     "o", "a", "b");
  append_join_order (names, values, from_inverse ? join->order_column : join->inverse_order_column,
                     "inverse_o", "b", "a");
  add_statement (self, PHASE_MIGRATE, self->stage_path,
                 g_strdup_printf ("INSERT INTO main.%s (%s) SELECT %s FROM (SELECT %s AS a, %s AS b, "
                                  "%s AS o, %s AS inverse_o FROM source.%s AS j) "
                                  "WHERE a IS NOT NULL AND b IS NOT NULL",
                                  join_name, names->str, values->str, value, inverse_value,
                                  order, inverse_order, source_join_name));
}

/* Many-to-many relationships: for each mapping making objects of either
 * side of a join table, the rows of the source relationship matching that
 * side's, once per source join table. */
static void
add_join_tables (GodwitCustomMigration *self,
                 GodwitModel           *source)
{
  GPtrArray *joins = godwit_store_layout_get_join_tables (self->destination_layout);

  for (guint i = 0; i < joins->len; i++)
    {
      const GodwitJoinTable *join = g_ptr_array_index (joins, i);
      g_autoptr(GPtrArray) copied = g_ptr_array_new ();

      for (guint side = 0; side < 2; side++)
        for (guint j = 0; j < self->mappings->len; j++)
          {
            const GodwitStageMapping *mapping = g_ptr_array_index (self->mappings, j);
            GodwitEntity *entity = side == 0 ? join->entity : join->inverse_entity;
            GodwitProperty *own = side == 0 ? join->relationship : join->inverse;
            const GodwitJoinTable *source_join;
            GodwitProperty *relationship;
            GodwitEntity *inverse_source;

            if (own == NULL || !godwit_entity_is_kind_of (mapping->destination, entity))
              continue;
            relationship = godwit_custom_migration_find_source_property (mapping->source, own);
            if (relationship == NULL)
              continue;
            source_join = godwit_store_layout_find_join_table (self->source_layout, mapping->source,
                                                               relationship->name);
            inverse_source = godwit_model_get_entity (source, relationship->destination_entity);
            if (source_join == NULL || inverse_source == NULL ||
                g_ptr_array_find (copied, source_join, NULL))
              continue;
            g_ptr_array_add (copied, (gpointer) source_join);
            add_join_rows (self, join, side == 1, source_join, relationship, mapping->source,
                           inverse_source);
          }
    }
}

static gboolean
build (GodwitCustomMigration       *self,
       GodwitModel                 *source,
       const GodwitMigrationStage  *stage,
       GError                     **error)
{
  g_autoptr(GHashTable) views = g_hash_table_new (NULL, NULL);
  g_autoptr(GPtrArray) order = g_ptr_array_new ();
  GPtrArray *tables;

  for (guint i = 0; stage->will_migrate[i] != NULL; i++)
    {
      g_autofree char *where = g_strdup_printf ("%s.will-migrate[%u]", stage->json_path, i);

      add_statement (self, PHASE_WILL_MIGRATE, where, g_strdup (stage->will_migrate[i]));
    }

  for (guint i = 0; i < self->mappings->len; i++)
    {
      GodwitStageMapping *mapping = g_ptr_array_index (self->mappings, i);
      gpointer view;

      if (!g_hash_table_lookup_extended (views, mapping->source, NULL, &view))
        {
          view = GUINT_TO_POINTER (g_hash_table_size (views));
          g_hash_table_insert (views, mapping->source, view);
          add_statement (self, PHASE_MIGRATE, mapping->where,
                         dup_source_view (self, mapping->source, GPOINTER_TO_UINT (view)));
        }
      mapping->view = GPOINTER_TO_UINT (view);
      add_statement (self, PHASE_MIGRATE, mapping->where,
                     g_strdup_printf ("CREATE TEMP TABLE godwit_map_%u (\"godwit$source\" INTEGER PRIMARY KEY, "
                                      "\"godwit$made\" INTEGER NOT NULL)", mapping->index));
    }

  /* Copies keep their Z_PKs; new objects are numbered after them. */
  for (guint pass = 0; pass < 2; pass++)
    for (guint i = 0; i < self->mappings->len; i++)
      {
        GodwitStageMapping *mapping = g_ptr_array_index (self->mappings, i);

        if (mapping->keeps_pk == (pass == 0))
          g_ptr_array_add (order, mapping);
      }
  for (guint i = 0; i < order->len; i++)
    {
      const GodwitStageMapping *mapping = g_ptr_array_index (order, i);
      g_autofree char *filter = NULL;
      g_autofree char *made = NULL;

      if (mapping->plan != NULL && mapping->plan->filter != NULL)
        filter = g_strdup_printf (" WHERE (\n%s\n)", mapping->plan->filter);
      if (mapping->keeps_pk)
        made = g_strdup ("Z_PK");
      else
        {
          g_autofree char *base = dup_base_pk (order, mapping);

          made = g_strdup_printf ("%s + row_number () OVER (ORDER BY Z_PK)", base);
        }
      add_statement (self, PHASE_MIGRATE, mapping->where,
                     g_strdup_printf ("INSERT INTO temp.godwit_map_%u (\"godwit$source\", \"godwit$made\") "
                                      "SELECT Z_PK, %s FROM temp.godwit_source_%u%s",
                                      mapping->index, made, mapping->view, filter != NULL ? filter : ""));
    }

  for (guint i = 0; i < order->len; i++)
    if (!add_object_inserts (self, source, g_ptr_array_index (order, i), error))
      return FALSE;

  add_join_tables (self, source);
  add_order_numbering (self);

  tables = godwit_store_layout_get_tables (self->destination_layout);
  for (guint i = 0; i < tables->len; i++)
    {
      const GodwitTable *table = g_ptr_array_index (tables, i);
      g_autofree char *table_name = _godwit_sql_quote_identifier (table->name);

      add_statement (self, PHASE_MIGRATE, self->stage_path,
                     g_strdup_printf ("UPDATE main.Z_PRIMARYKEY SET Z_MAX = (SELECT COALESCE (MAX (Z_PK), 0) "
                                      "FROM main.%s) WHERE Z_ENT = %u", table_name,
                                      godwit_store_layout_get_entity_number (self->destination_layout,
                                                                             table->root)));
    }

  for (guint i = 0; stage->did_migrate[i] != NULL; i++)
    {
      g_autofree char *where = g_strdup_printf ("%s.did-migrate[%u]", stage->json_path, i);

      add_statement (self, PHASE_DID_MIGRATE, where, g_strdup (stage->did_migrate[i]));
    }

  return TRUE;
}

/* CASE over ACHANGE.ZENTITY: each source entity's number → its matching
 * destination entity's. */
static char *
dup_renumber_sql (GodwitCustomMigration *self,
                  GodwitModel           *source,
                  GodwitModelDiff       *diff)
{
  GPtrArray *entities = godwit_model_get_entities (source);
  GString *sql = g_string_new ("CASE ZENTITY");

  for (guint i = 0; i < entities->len; i++)
    {
      GodwitEntity *entity = g_ptr_array_index (entities, i);
      const GodwitEntityChange *change = godwit_model_diff_find_source_entity (diff, entity->name);

      if (change != NULL && change->destination != NULL)
        g_string_append_printf (sql, " WHEN %u THEN %u",
                                godwit_store_layout_get_entity_number (self->source_layout, entity),
                                godwit_store_layout_get_entity_number (self->destination_layout,
                                                                       change->destination));
    }
  g_string_append (sql, " END");

  return g_string_free (sql, FALSE);
}

/**
 * godwit_custom_migration_new:
 * @source: the resolved model of the stage's "from" version
 * @destination: the resolved model of its "to" version
 * @stage: a custom stage of a migration plan validated against the bundle
 *   of both
 *
 * Plans the step: the statements run() executes.
 *
 * Returns: (transfer full) (nullable):
 */
GodwitCustomMigration *
godwit_custom_migration_new (GodwitModel                 *source,
                             GodwitModel                 *destination,
                             const GodwitMigrationStage  *stage,
                             GError                     **error)
{
  g_autoptr(GodwitCustomMigration) self = NULL;
  g_autoptr(GodwitModelDiff) diff = NULL;

  g_return_val_if_fail (GODWIT_IS_MODEL (source), NULL);
  g_return_val_if_fail (GODWIT_IS_MODEL (destination), NULL);
  g_return_val_if_fail (stage != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (stage->kind != GODWIT_MIGRATION_STAGE_CUSTOM)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL,
                   "%s: not a custom stage", stage->json_path);
      return NULL;
    }

  self = g_object_new (GODWIT_TYPE_CUSTOM_MIGRATION, NULL);
  self->destination = g_object_ref (destination);
  self->stage_path = g_strdup (stage->json_path);
  self->source_layout = godwit_store_layout_new (source, FALSE, error);
  if (self->source_layout == NULL)
    return NULL;
  self->destination_layout = godwit_store_layout_new (destination, FALSE, error);
  if (self->destination_layout == NULL)
    return NULL;

  diff = godwit_model_diff_new (source, destination);
  self->renumber_sql = dup_renumber_sql (self, source, diff);
  self->mappings = _godwit_custom_migration_collect_mappings (source, destination, stage, diff, error);
  if (self->mappings == NULL)
    return NULL;
  number_mappings (self, diff);
  if (!build (self, source, stage, error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * godwit_custom_migration_dup_sql:
 *
 * The statements run() executes, in order: will-migrate on the source
 * store, then on the new store with the source attached as "source" the
 * views of the source objects, the tables of each mapping (source Z_PK →
 * destination Z_PK), the objects, the many-to-many rows, the order of
 * ordered relationships, Z_PRIMARYKEY's Z_MAX, and did-migrate. The copy
 * of persistent history, on stores that have it, is built when it runs
 * from the columns both stores have, and comes before did-migrate.
 *
 * Returns: (transfer full) (element-type utf8):
 */
GPtrArray *
godwit_custom_migration_dup_sql (GodwitCustomMigration *self)
{
  g_return_val_if_fail (GODWIT_IS_CUSTOM_MIGRATION (self), NULL);

  return _godwit_sql_statements_dup_sql (self->statements);
}

/* ---- running ------------------------------------------------------------ */

static void
close_store (GodwitSqlRun *run)
{
  if (run->db != NULL && !sqlite3_get_autocommit (run->db))
    sqlite3_exec (run->db, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_close_v2 (run->db);
  run->db = NULL;
}

/* will-migrate, in one transaction; then the store's Z_UUID and metadata,
 * which the new store keeps. */
static gboolean
prepare_source (GodwitCustomMigration  *self,
                GodwitSqlRun           *run,
                char                  **uuid,
                GBytes                **metadata,
                gboolean               *history,
                GError                **error)
{
  sqlite3_stmt *statement = NULL;
  gint64 n_history = 0;
  int result;

  if (!_godwit_sql_run_execute (run, self->stage_path, "BEGIN IMMEDIATE", error))
    return FALSE;
  for (guint i = 0; i < self->statements->len; i++)
    {
      const Statement *will = g_ptr_array_index (self->statements, i);

      if (will->phase == PHASE_WILL_MIGRATE &&
          !_godwit_sql_run_execute (run, will->where, will->base.sql, error))
        return FALSE;
    }
  if (!_godwit_sql_run_execute (run, self->stage_path, "COMMIT", error) ||
      !_godwit_sql_run_query_int (run, self->stage_path,
                                  "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' "
                                  "AND name IN ('ACHANGE', 'ATRANSACTION', 'ATRANSACTIONSTRING')",
                                  &n_history, error))
    return FALSE;
  *history = n_history == 3;

  if (sqlite3_prepare_v2 (run->db, "SELECT Z_UUID, Z_PLIST FROM Z_METADATA WHERE Z_VERSION = 1",
                          -1, &statement, NULL) != SQLITE_OK)
    return _godwit_sql_run_fail (run, "Z_METADATA", NULL, error);
  result = sqlite3_step (statement);
  if (result == SQLITE_ROW)
    {
      *uuid = g_strdup ((const char *) sqlite3_column_text (statement, 0));
      if (sqlite3_column_bytes (statement, 1) > 0)
        *metadata = g_bytes_new (sqlite3_column_blob (statement, 1),
                                 (gsize) sqlite3_column_bytes (statement, 1));
    }
  sqlite3_finalize (statement);
  if (result != SQLITE_ROW)
    {
      if (result == SQLITE_DONE)
        g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_NOT_CORE_DATA_STORE,
                     "%s: Z_METADATA has no row", run->path);
      else
        _godwit_sql_run_fail (run, "Z_METADATA", NULL, error);
      return FALSE;
    }

  return TRUE;
}

static gboolean
create_destination (GodwitCustomMigration  *self,
                    const char             *path,
                    const char             *uuid,
                    GBytes                 *metadata,
                    gboolean                history,
                    GError                **error)
{
  g_autoptr(GodwitStoreWriter) writer = godwit_store_writer_new (self->destination, path, error);

  if (writer == NULL)
    return FALSE;
  if (uuid != NULL)
    godwit_store_writer_set_uuid (writer, uuid);
  if (metadata != NULL && !godwit_store_writer_set_metadata (writer, metadata, error))
    return FALSE;
  godwit_store_writer_set_persistent_history (writer, history);

  return godwit_store_writer_begin (writer, error) && godwit_store_writer_commit (writer, error);
}

/* The rows of @table, in the columns both stores have; @value_of_entity
 * (nullable) replaces ZENTITY's values. */
static gboolean
copy_history_table (GodwitCustomMigration  *self,
                    GodwitSqlRun           *run,
                    const char             *table,
                    const char             *value_of_entity,
                    GError                **error)
{
  g_autoptr(GString) columns = g_string_new (NULL);
  g_autoptr(GString) values = g_string_new (NULL);
  g_autofree char *sql = NULL;
  sqlite3_stmt *statement = NULL;
  int result;

  if (sqlite3_prepare_v2 (run->db, "SELECT d.name FROM pragma_table_info (?1, 'main') AS d "
                          "JOIN pragma_table_info (?1, 'source') AS s ON s.name = d.name ORDER BY d.cid",
                          -1, &statement, NULL) != SQLITE_OK)
    return _godwit_sql_run_fail (run, table, NULL, error);
  sqlite3_bind_text (statement, 1, table, -1, SQLITE_STATIC);
  while ((result = sqlite3_step (statement)) == SQLITE_ROW)
    {
      g_autofree char *column = _godwit_sql_quote_identifier ((const char *) sqlite3_column_text (statement, 0));
      gboolean entity = value_of_entity != NULL && strcmp (column, "\"ZENTITY\"") == 0;

      g_string_append_printf (columns, "%s%s", columns->len > 0 ? ", " : "", column);
      g_string_append_printf (values, "%s%s", values->len > 0 ? ", " : "",
                              entity ? value_of_entity : column);
    }
  sqlite3_finalize (statement);
  if (result != SQLITE_DONE)
    return _godwit_sql_run_fail (run, table, NULL, error);

  if (value_of_entity != NULL)
    sql = g_strdup_printf ("INSERT INTO main.%s (%s) SELECT %s FROM source.%s WHERE (%s) IS NOT NULL",
                           table, columns->str, values->str, table, value_of_entity);
  else
    sql = g_strdup_printf ("INSERT INTO main.%s (%s) SELECT %s FROM source.%s", table, columns->str,
                           values->str, table);

  return _godwit_sql_run_execute (run, self->stage_path, sql, error);
}

static gboolean
copy_history (GodwitCustomMigration  *self,
              GodwitSqlRun           *run,
              GError                **error)
{
  return copy_history_table (self, run, "ATRANSACTIONSTRING", NULL, error) &&
         copy_history_table (self, run, "ATRANSACTION", NULL, error) &&
         copy_history_table (self, run, "ACHANGE", self->renumber_sql, error) &&
         _godwit_sql_run_execute (run, self->stage_path,
                                  "UPDATE main.Z_PRIMARYKEY SET Z_MAX = s.Z_MAX FROM source.Z_PRIMARYKEY AS s "
                                  "WHERE s.Z_ENT = Z_PRIMARYKEY.Z_ENT AND s.Z_ENT >= "
                                  G_STRINGIFY (GODWIT_STORE_LAYOUT_CHANGE_ENTITY_NUMBER), error);
}

static gboolean
migrate (GodwitCustomMigration        *self,
         GodwitSqlRun                 *run,
         const char                   *source_path,
         gboolean                      history,
         GodwitMigrationProgressFunc   progress,
         gpointer                      user_data,
         GError                      **error)
{
  g_autofree char *absolute = _godwit_sql_dup_file_name (source_path);
  sqlite3_stmt *attach = NULL;
  gboolean copied_history = FALSE;
  int result;

  /* Core Data declares no foreign keys. */
  if (!_godwit_sql_run_execute (run, self->stage_path, "PRAGMA foreign_keys = OFF", error))
    return FALSE;
  if (sqlite3_prepare_v2 (run->db, "ATTACH DATABASE ? AS source", -1, &attach, NULL) != SQLITE_OK)
    return _godwit_sql_run_fail (run, source_path, NULL, error);
  sqlite3_bind_text (attach, 1, absolute, -1, SQLITE_STATIC);
  result = sqlite3_step (attach);
  sqlite3_finalize (attach);
  if (result != SQLITE_DONE)
    return _godwit_sql_run_fail (run, source_path, NULL, error);

  if (!_godwit_sql_run_execute (run, self->stage_path, "BEGIN IMMEDIATE", error))
    return FALSE;
  for (guint i = 0; i < self->statements->len; i++)
    {
      const Statement *statement = g_ptr_array_index (self->statements, i);

      if (statement->phase == PHASE_DID_MIGRATE && history && !copied_history)
        {
          if (!copy_history (self, run, error))
            return FALSE;
          copied_history = TRUE;
        }
      if (statement->phase == PHASE_WILL_MIGRATE)
        continue;
      if (!_godwit_sql_run_statement (run, statement->where, &statement->base, progress, user_data,
                                      error))
        return FALSE;
    }

  if (history && !copied_history && !copy_history (self, run, error))
    return FALSE;

  return _godwit_sql_run_execute (run, self->stage_path, "COMMIT", error) &&
         _godwit_sql_run_execute (run, self->stage_path, "DETACH DATABASE source", error);
}

static void
remove_destination (const char *path)
{
  for (guint i = 0; i < G_N_ELEMENTS (file_suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, file_suffixes[i], NULL);

      if (g_unlink (file) != 0 && errno != ENOENT)
        g_warning ("%s: cannot remove a half-migrated store file: %s", file, g_strerror (errno));
    }
}

/**
 * godwit_custom_migration_run:
 * @source_path: a work copy of the store in the source version; will-migrate
 *   changes it
 * @destination_path: where the migrated store goes; nothing may be there
 *
 * Migrates the store into a new one in the destination version. It keeps
 * the source's Z_UUID and every metadata key but the version keys; copied
 * objects keep their Z_PK and Z_OPT. On failure or cancellation no
 * destination file is left, and the error names the part of the plan at
 * fault ("…: stages[1].entity-mappings[0] (PostToSection): …").
 *
 * Returns: %TRUE on success
 */
gboolean
godwit_custom_migration_run (GodwitCustomMigration        *self,
                             const char                   *source_path,
                             const char                   *destination_path,
                             GodwitMigrationProgressFunc   progress,
                             gpointer                      user_data,
                             GCancellable                 *cancellable,
                             GError                      **error)
{
  g_autofree char *uuid = NULL;
  g_autoptr(GBytes) metadata = NULL;
  GodwitSqlRun run = { NULL, NULL, cancellable, GODWIT_ERROR_INVALID_MODEL, FALSE };
  gboolean history = FALSE;
  gboolean ok;

  g_return_val_if_fail (GODWIT_IS_CUSTOM_MIGRATION (self), FALSE);
  g_return_val_if_fail (source_path != NULL, FALSE);
  g_return_val_if_fail (destination_path != NULL, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  run.path = source_path;
  ok = _godwit_sql_run_open (&run, SQLITE_OPEN_READWRITE, NULL, error) &&
       prepare_source (self, &run, &uuid, &metadata, &history, error);
  close_store (&run);
  if (!ok || !create_destination (self, destination_path, uuid, metadata, history, error))
    return FALSE;

  run.path = destination_path;
  ok = _godwit_sql_run_open (&run, SQLITE_OPEN_READWRITE, NULL, error) &&
       migrate (self, &run, source_path, history, progress, user_data, error);
  close_store (&run);
  if (!ok)
    remove_destination (destination_path);

  return ok;
}
