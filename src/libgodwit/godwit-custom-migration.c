/* godwit-custom-migration.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* One custom migration step (NSCustomMigrationStage) of a migration plan
 * (docs/migration-plan.md), done with SQL: will-migrate runs on the
 * source, each entity mapping (explicit, or an implicit
 * <Source>To<Destination> copy) is one INSERT … SELECT over a view of its
 * source entity's objects, so that memory does not grow with the store,
 * then did-migrate runs on the destination.
 *
 * The store writer makes the destination's schema and metadata: an empty
 * store of the destination version keeping the source's Z_UUID and
 * metadata. The step either fills that store, the source attached to it,
 * or turns the source store itself into it (in place), as SQLite's
 * ALTER TABLE documentation does it: each table is renamed aside, made
 * again with the writer's CREATE TABLE, filled, and the old one dropped;
 * a table whose definition and rows the step leaves as they are is kept,
 * with its data and indexes, only its sqlite_master text made the
 * writer's. Either way indexes are made after the rows, and the schema
 * ends as the writer's, statement for statement.
 *
 * A mapping that keeps Z_PK and has no filter makes one object of each
 * source object with its Z_PK: links to its objects are the source keys.
 * Other links are resolved through one temporary table per mapping,
 * source Z_PK → destination Z_PK, filled before any object is made.
 *
 * Persistent history is copied when the source has it, with ACHANGE's
 * entity numbers renumbered (changes of entities the destination lacks
 * are dropped).
 *
 * Ordered relationships keep the source's positions when every object on
 * both sides is copied; else they are numbered from 1 in the source's order
 * where the source relationship was ordered, then in the order of Z_PK. A
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
#include <glib/gi18n-lib.h>
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

/* Beside a store migrated in place: the writer's empty destination store,
 * or the destination itself when the store cannot change in place. */
#define DESTINATION_SUFFIX ".godwit-destination"

/* A table renamed aside until it is dropped. */
#define OLD_TABLE_PREFIX "godwit$old$"

typedef enum
{
  PHASE_WILL_MIGRATE,   /* on the source store, in a transaction of its own */
  PHASE_MIGRATE,        /* the tables made ready, then the objects and relationships */
  PHASE_FINISH,         /* after the persistent history: old tables dropped, indexes made */
  PHASE_SCHEMA_TEXT,    /* in place: the writer's text for the tables and indexes kept */
  PHASE_DID_MIGRATE,    /* on the destination */
} Phase;

/* Progress is reported by entity mapping name. */
typedef struct
{
  GodwitSqlStatement  base;
  Phase               phase;
  char               *where;  /* the plan's part the statement comes from, for messages */
} Statement;

/* A row of sqlite_master. */
typedef struct
{
  char *type;
  char *name;
  char *table;
  char *sql;    /* (nullable): SQLite's own index of a constraint has none */
} SchemaObject;

/* Where a run's statements read and write: the source store attached as
 * "source" to the writer's new store, or the source store itself turned
 * into the writer's store, attached as "layout". */
typedef struct
{
  gboolean    in_place;
  GPtrArray  *current;   /* (element-type SchemaObject): main's schema before the step */
  GPtrArray  *wanted;    /* (element-type SchemaObject): the writer's */
  GHashTable *kept;      /* (element-type utf8 utf8): tables left as they are */
  GHashTable *moved;     /* (element-type utf8 utf8): table → the name it is read under */
} Plan;

struct _GodwitCustomMigration
{
  GObject                     parent_instance;

  GodwitModel                *destination;
  GodwitStoreLayout          *source_layout;
  GodwitStoreLayout          *destination_layout;
  const GodwitMigrationStage *stage;
  GPtrArray                  *mappings;     /* (element-type GodwitStageMapping) */
  GHashTable                 *keepable;     /* (element-type utf8 utf8): destination tables whose
                                             * rows are the source table's of the same name */
  GPtrArray                  *statements;   /* (element-type Statement) in order, for dup_sql() */
  char                       *stage_path;   /* "stages[1]" */
  char                       *renumber_sql; /* source ZENTITY → destination Z_ENT, NULL when gone */
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
schema_object_free (gpointer data)
{
  SchemaObject *object = data;

  g_free (object->type);
  g_free (object->name);
  g_free (object->table);
  g_free (object->sql);
  g_free (object);
}

static void
godwit_custom_migration_finalize (GObject *object)
{
  GodwitCustomMigration *self = GODWIT_CUSTOM_MIGRATION (object);

  g_clear_object (&self->destination);
  g_clear_object (&self->source_layout);
  g_clear_object (&self->destination_layout);
  g_clear_pointer (&self->mappings, g_ptr_array_unref);
  g_clear_pointer (&self->keepable, g_hash_table_unref);
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
  self->keepable = g_hash_table_new (g_str_hash, g_str_equal);
}

static Statement *
add_statement (GPtrArray  *statements,
               Phase       phase,
               const char *where,
               char       *sql)
{
  Statement *statement = g_new0 (Statement, 1);

  statement->phase = phase;
  statement->base.sql = sql;
  statement->where = g_strdup (where);
  g_ptr_array_add (statements, statement);

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
                       _("%s: the versions have no entity “%s” or “%s”: validate the plan first"),
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
      mapping->identity = free_slot && (mapping->plan == NULL || mapping->plan->filter == NULL);
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

/* The name under which a source view shows the Z_ENT column of the to-one
 * relationship @name. */
static char *
dup_entity_alias (const char *name)
{
  g_autofree char *alias = g_strdup_printf ("godwit$entity$%s", name);

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
 * "godwit$order$<name>", the Z_ENT of a to-one relationship's destination
 * as "godwit$entity$<name>" where the store keeps it, and the owner
 * columns of to-many relationships without inverse (with their order) as
 * "godwit$<column>".
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
      const GodwitColumn *entity_column;
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

      entity_column = godwit_store_layout_find_column (layout, entity, property->name,
                                                       GODWIT_COLUMN_ROLE_TO_ONE_ENTITY);
      if (entity_column != NULL)
        {
          g_autofree char *entity_name = _godwit_sql_quote_identifier (entity_column->name);
          g_autofree char *alias = dup_entity_alias (property->name);

          g_string_append_printf (sql, ", %s AS %s", entity_name, alias);
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

/* The source table @name as the statements of @plan read it. */
static const char *
get_source_table_name (const Plan *plan,
                       const char *name)
{
  const char *moved = g_hash_table_lookup (plan->moved, name);

  return moved != NULL ? moved : name;
}

static const char *
get_source_schema (const Plan *plan)
{
  return plan->in_place ? "main" : "source";
}

static char *
dup_source_table (const Plan *plan,
                  const char *name)
{
  g_autofree char *quoted = _godwit_sql_quote_identifier (get_source_table_name (plan, name));

  return g_strdup_printf ("%s.%s", get_source_schema (plan), quoted);
}

/* CREATE TEMP VIEW godwit_source_<n> of @entity's objects in the source
 * store. In place it comes before the tables are renamed aside: renaming
 * a table makes the views reading it read it under its new name. */
static char *
dup_source_view (GodwitCustomMigration *self,
                 const Plan            *plan,
                 GodwitEntity          *entity,
                 guint                  n)
{
  g_autofree char *objects = _godwit_custom_migration_dup_source_objects (self->source_layout, entity,
                                                                           get_source_schema (plan));

  return g_strdup_printf ("CREATE TEMP VIEW godwit_source_%u AS %s", n, objects);
}

/* The destination Z_PK that @mapping made from the source object whose
 * Z_PK @key gives, or NULL. */
static char *
dup_lookup (const GodwitStageMapping *mapping,
            const char               *key)
{
  if (mapping->identity)
    return g_strdup_printf ("(SELECT Z_PK FROM temp.godwit_source_%u WHERE Z_PK = (\n%s\n))",
                            mapping->view, key);

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

/* Whether a link through @candidates to an object of @linked (a source
 * entity) or a sub-entity is the source key itself: each candidate makes
 * one object of each of its source objects with its Z_PK, and every
 * entity whose objects the key can name has one. */
static gboolean
links_by_key (GodwitCustomMigration *self,
              GPtrArray             *candidates,
              GodwitEntity          *linked)
{
  GPtrArray *entities = godwit_model_get_entities (godwit_store_layout_get_model (self->source_layout));

  if (candidates->len == 0)
    return FALSE;
  for (guint i = 0; i < candidates->len; i++)
    if (!((const GodwitStageMapping *) g_ptr_array_index (candidates, i))->identity)
      return FALSE;

  for (guint i = 0; i < entities->len; i++)
    {
      GodwitEntity *entity = g_ptr_array_index (entities, i);
      gboolean copied = FALSE;

      if (!godwit_entity_is_kind_of (entity, linked))
        continue;
      for (guint j = 0; !copied && j < candidates->len; j++)
        copied = ((const GodwitStageMapping *) g_ptr_array_index (candidates, j))->source == entity;
      if (!copied)
        return FALSE;
    }

  return TRUE;
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

/* The Z_ENT of the object a link by key (links_by_key()) names: the
 * destination number of the source object's entity, which @entity_key
 * (nullable) gives; without it @linked has no sub-entities. */
static char *
dup_linked_entity_number (GodwitCustomMigration *self,
                          GPtrArray             *candidates,
                          GodwitEntity          *linked,
                          const char            *key,
                          const char            *entity_key)
{
  GString *sql = g_string_new ("CASE");

  if (entity_key != NULL)
    g_string_append_printf (sql, " %s", entity_key);
  for (guint i = 0; i < candidates->len; i++)
    {
      const GodwitStageMapping *mapping = g_ptr_array_index (candidates, i);
      guint number = godwit_store_layout_get_entity_number (self->destination_layout, mapping->destination);

      if (entity_key != NULL)
        g_string_append_printf (sql, " WHEN %u THEN %u",
                                godwit_store_layout_get_entity_number (self->source_layout, mapping->source),
                                number);
      else if (mapping->source == linked)
        {
          g_string_append_printf (sql, " WHEN (\n%s\n) IS NOT NULL THEN %u", key, number);
          break;
        }
    }
  g_string_append (sql, " END");

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

/* Whether a link's source expression is the source object's own Z_PK. */
static gboolean
is_own_key (const char *expression)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (expression));

  return g_ascii_strcasecmp (trimmed, "Z_PK") == 0;
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

/* The value of a to-one relationship's column (its foreign key, or the
 * Z_ENT of its destination) for objects @mapping makes, or %NULL. */
static char *
dup_to_one_value (GodwitCustomMigration     *self,
                  const GodwitStageMapping  *mapping,
                  GodwitModel               *source,
                  const GodwitColumn        *column,
                  GError                   **error)
{
  GodwitProperty *property = column->property;
  gboolean entity_number = column->role == GODWIT_COLUMN_ROLE_TO_ONE_ENTITY;
  GodwitEntity *target = godwit_model_get_entity (self->destination, property->destination_entity);
  const GodwitPlanLink *link = find_plan_link (mapping, property->name);
  g_autoptr(GPtrArray) candidates = NULL;
  g_autofree char *key = NULL;
  g_autofree char *entity_key = NULL;
  GodwitProperty *matching;
  GodwitEntity *linked;

  if (link != NULL)
    {
      const GodwitStageMapping *made_by = find_mapping (self, link->mapping);

      if (made_by == NULL)
        {
          g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL,
                       _("%s: relationships.%s: this stage has no entity mapping “%s”"),
                       mapping->where, property->name, link->mapping);
          return NULL;
        }
      /* The object made from the source object itself. */
      if (made_by->identity && made_by->source == mapping->source && is_own_key (link->source_key))
        return entity_number
               ? g_strdup_printf ("%u", godwit_store_layout_get_entity_number (self->destination_layout,
                                                                               made_by->destination))
               : g_strdup ("Z_PK");
      candidates = g_ptr_array_new ();
      g_ptr_array_add (candidates, (gpointer) made_by);
      return dup_link_value (self, candidates, link->source_key, entity_number);
    }

  matching = godwit_custom_migration_find_source_property (mapping->source, property);
  if (matching == NULL || target == NULL)
    return NULL;
  linked = godwit_model_get_entity (source, matching->destination_entity);
  if (linked == NULL)
    return NULL;
  candidates = dup_candidates (self, target, linked);
  key = _godwit_sql_quote_identifier (matching->name);
  if (!links_by_key (self, candidates, linked))
    return dup_link_value (self, candidates, key, entity_number);
  if (!entity_number)
    return g_steal_pointer (&key);

  if (godwit_store_layout_find_column (self->source_layout, mapping->source, matching->name,
                                       GODWIT_COLUMN_ROLE_TO_ONE_ENTITY) != NULL)
    entity_key = dup_entity_alias (matching->name);
  return dup_linked_entity_number (self, candidates, linked, key, entity_key);
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
      return dup_to_one_value (self, mapping, source, column, error);

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

/* ---- what the step leaves as it is -------------------------------------- */

/* The mappings making the objects of @table when they copy, with its
 * Z_PK, every object of one source table and nothing else lands in
 * @table; else %NULL. */
static GPtrArray *
dup_copying_mappings (GodwitCustomMigration *self,
                      const GodwitTable     *table)
{
  g_autoptr(GPtrArray) copying = g_ptr_array_new ();
  GPtrArray *entities = godwit_model_get_entities (godwit_store_layout_get_model (self->source_layout));
  GodwitEntity *source_root = NULL;

  for (guint i = 0; i < self->mappings->len; i++)
    {
      GodwitStageMapping *mapping = g_ptr_array_index (self->mappings, i);

      if (godwit_entity_get_root (mapping->destination) != table->root)
        continue;
      if (!mapping->identity ||
          (source_root != NULL && godwit_entity_get_root (mapping->source) != source_root))
        return NULL;
      source_root = godwit_entity_get_root (mapping->source);
      for (guint j = 0; j < copying->len; j++)
        if (((GodwitStageMapping *) g_ptr_array_index (copying, j))->source == mapping->source)
          return NULL;
      g_ptr_array_add (copying, mapping);
    }
  if (source_root == NULL)
    return NULL;

  for (guint i = 0; i < entities->len; i++)
    {
      GodwitEntity *entity = g_ptr_array_index (entities, i);
      gboolean copied = FALSE;

      if (godwit_entity_get_root (entity) != source_root)
        continue;
      for (guint j = 0; !copied && j < copying->len; j++)
        copied = ((GodwitStageMapping *) g_ptr_array_index (copying, j))->source == entity;
      if (!copied)
        return NULL;
    }

  return g_steal_pointer (&copying);
}

/* Whether @column holds, in the rows @mapping makes, what the source
 * column of the same name holds in the rows it copies: nothing in both,
 * or the value of the matching property. */
static gboolean
column_is_copied (GodwitCustomMigration    *self,
                  const GodwitStageMapping *mapping,
                  const GodwitColumn       *column)
{
  const GodwitTable *source_table = godwit_store_layout_get_table (self->source_layout, mapping->source);
  const GodwitColumn *source_column = _godwit_sql_find_column (source_table, column->name);
  GodwitProperty *property = column->property;
  const GodwitColumn *read = NULL;
  g_autoptr(GPtrArray) candidates = NULL;
  GodwitProperty *matching;
  GodwitEntity *linked;

  if (property == NULL)
    return FALSE;
  if (!godwit_entity_is_kind_of (mapping->destination, column->entity))
    return source_column == NULL || !godwit_entity_is_kind_of (mapping->source, source_column->entity);
  matching = godwit_custom_migration_find_source_property (mapping->source, property);
  if (source_column == NULL || matching == NULL ||
      (property->kind == GODWIT_PROPERTY_KIND_RELATIONSHIP && property->to_many))
    return FALSE;

  switch (column->role)
    {
    case GODWIT_COLUMN_ROLE_ATTRIBUTE:
      if (_godwit_stage_mapping_find_value (mapping, property->name) == NULL)
        read = godwit_store_layout_find_column (self->source_layout, mapping->source, matching->name,
                                                GODWIT_COLUMN_ROLE_ATTRIBUTE);
      break;

    case GODWIT_COLUMN_ROLE_TO_ONE:
    case GODWIT_COLUMN_ROLE_TO_ONE_ENTITY:
      linked = godwit_model_get_entity (godwit_store_layout_get_model (self->source_layout),
                                        matching->destination_entity);
      if (find_plan_link (mapping, property->name) != NULL || linked == NULL)
        break;
      candidates = dup_candidates (self, godwit_model_get_entity (self->destination,
                                                                  property->destination_entity),
                                  linked);
      if (!links_by_key (self, candidates, linked))
        break;
      /* Z_ENT is copied when no entity it can name changes number. */
      for (guint i = 0; column->role == GODWIT_COLUMN_ROLE_TO_ONE_ENTITY && i < candidates->len; i++)
        {
          const GodwitStageMapping *candidate = g_ptr_array_index (candidates, i);

          if (godwit_store_layout_get_entity_number (self->source_layout, candidate->source) !=
              godwit_store_layout_get_entity_number (self->destination_layout, candidate->destination))
            return FALSE;
        }
      read = godwit_store_layout_find_column (self->source_layout, mapping->source, matching->name,
                                              column->role);
      break;

    case GODWIT_COLUMN_ROLE_ORDER:
      if (find_plan_link (mapping, property->name) == NULL)
        read = godwit_store_layout_find_column (self->source_layout, mapping->source, matching->name,
                                                GODWIT_COLUMN_ROLE_ORDER);
      break;

    case GODWIT_COLUMN_ROLE_PRIMARY_KEY:
    case GODWIT_COLUMN_ROLE_ENTITY:
    case GODWIT_COLUMN_ROLE_OPT:
    case GODWIT_COLUMN_ROLE_TO_MANY_OWNER:
    default:
      break;
    }

  return read == source_column;
}

/* Whether the positions in @order_column of @table, and the owners in
 * @key_column they are positions among, are the source's: every object
 * of the source table is copied with both, so the source numbering
 * stands. */
static gboolean
order_is_copied (GodwitCustomMigration *self,
                 const GodwitTable     *table,
                 const GodwitColumn    *order_column,
                 const GodwitColumn    *key_column)
{
  g_autoptr(GPtrArray) copying = dup_copying_mappings (self, table);

  if (copying == NULL)
    return FALSE;
  for (guint i = 0; i < copying->len; i++)
    {
      const GodwitStageMapping *mapping = g_ptr_array_index (copying, i);

      if (!column_is_copied (self, mapping, order_column) || !column_is_copied (self, mapping, key_column))
        return FALSE;
    }

  return TRUE;
}

/* Whether the rows the step makes in @table are exactly those of the
 * source table of the same name: each keeps Z_PK, Z_ENT, Z_OPT and every
 * column. */
static gboolean
table_keeps_rows (GodwitCustomMigration *self,
                  const GodwitTable     *table)
{
  g_autoptr(GPtrArray) copying = dup_copying_mappings (self, table);

  if (copying == NULL)
    return FALSE;
  for (guint i = 0; i < copying->len; i++)
    {
      const GodwitStageMapping *mapping = g_ptr_array_index (copying, i);
      const GodwitTable *source_table = godwit_store_layout_get_table (self->source_layout, mapping->source);

      if (strcmp (source_table->name, table->name) != 0 ||
          godwit_store_layout_get_entity_number (self->source_layout, mapping->source) !=
          godwit_store_layout_get_entity_number (self->destination_layout, mapping->destination))
        return FALSE;
      for (guint j = 0; j < table->columns->len; j++)
        {
          const GodwitColumn *column = g_ptr_array_index (table->columns, j);

          if (column->role != GODWIT_COLUMN_ROLE_PRIMARY_KEY && column->role != GODWIT_COLUMN_ROLE_ENTITY &&
              column->role != GODWIT_COLUMN_ROLE_OPT && !column_is_copied (self, mapping, column))
            return FALSE;
        }
    }

  return TRUE;
}

/* ---- objects ------------------------------------------------------------ */

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
      if (godwit_entity_get_root (other->destination) != godwit_entity_get_root (mapping->destination))
        continue;
      if (other->identity)
        g_string_append_printf (sql, " UNION ALL SELECT MAX (Z_PK) FROM temp.godwit_source_%u", other->view);
      else
        g_string_append_printf (sql, " UNION ALL SELECT MAX (\"godwit$made\") FROM temp.godwit_map_%u",
                                other->index);
    }
  g_string_append (sql, "))");

  return g_string_free (sql, FALSE);
}

static gboolean
add_object_inserts (GodwitCustomMigration     *self,
                    const Plan                *plan,
                    GPtrArray                 *statements,
                    const GodwitStageMapping  *mapping,
                    GError                   **error)
{
  GodwitModel *source = godwit_store_layout_get_model (self->source_layout);
  const GodwitTable *table = godwit_store_layout_get_table (self->destination_layout,
                                                            mapping->destination);
  g_autofree char *table_name = _godwit_sql_quote_identifier (table->name);
  g_autoptr(GString) columns = g_string_new ("Z_PK, Z_ENT, Z_OPT");
  g_autoptr(GString) values = g_string_new (NULL);
  guint number = godwit_store_layout_get_entity_number (self->destination_layout, mapping->destination);
  Statement *statement;

  if (g_hash_table_contains (plan->kept, table->name))
    return TRUE;

  if (mapping->identity)
    g_string_append_printf (values, "Z_PK, %u, Z_OPT", number);
  else
    g_string_append_printf (values, "m.\"godwit$made\", %u, %s", number, mapping->keeps_pk ? "Z_OPT" : "1");
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

  if (mapping->identity)
    {
      statement = add_statement (statements, PHASE_MIGRATE, mapping->where,
                                 g_strdup_printf ("INSERT INTO main.%s (%s) SELECT %s FROM temp.godwit_source_%u",
                                                  table_name, columns->str, values->str, mapping->view));
      /* Counted for progress only: a table of one entity is counted
       * whole, which SQLite does without reading its rows. */
      if (godwit_entity_get_root (mapping->source)->subentities->len == 0)
        {
          const GodwitTable *source_table = godwit_store_layout_get_table (self->source_layout,
                                                                           mapping->source);
          g_autofree char *from = dup_source_table (plan, source_table->name);

          statement->base.count_sql = g_strdup_printf ("SELECT COUNT(*) FROM %s", from);
        }
      else
        statement->base.count_sql = g_strdup_printf ("SELECT COUNT(*) FROM temp.godwit_source_%u",
                                                     mapping->view);
    }
  else
    {
      statement = add_statement (statements, PHASE_MIGRATE, mapping->where,
                                 g_strdup_printf ("INSERT INTO main.%s (%s) SELECT %s FROM temp.godwit_map_%u "
                                                  "AS m JOIN temp.godwit_source_%u ON Z_PK = m.\"godwit$source\"",
                                                  table_name, columns->str, values->str, mapping->index,
                                                  mapping->view));
      statement->base.count_sql = g_strdup_printf ("SELECT COUNT(*) FROM temp.godwit_map_%u", mapping->index);
    }
  statement->base.entity = g_strdup (mapping->name);

  return TRUE;
}

/* Numbers each ordered one-to-many relationship's objects, and each
 * ordered to-many relationship's without inverse, from 1, keeping the
 * source order where there was one, then the order they were made in;
 * positions copied with every object of both sides stand. */
static void
add_order_numbering (GodwitCustomMigration *self,
                     const Plan            *plan,
                     GPtrArray             *statements)
{
  GPtrArray *tables = godwit_store_layout_get_tables (self->destination_layout);

  for (guint i = 0; i < tables->len; i++)
    {
      const GodwitTable *table = g_ptr_array_index (tables, i);
      g_autofree char *table_name = _godwit_sql_quote_identifier (table->name);

      if (g_hash_table_contains (plan->kept, table->name))
        continue;
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
          if (key == NULL || order_is_copied (self, table, column, key))
            continue;
          order_name = _godwit_sql_quote_identifier (column->name);
          key_name = _godwit_sql_quote_identifier (key->name);
          add_statement (statements, PHASE_MIGRATE, self->stage_path,
                         g_strdup_printf ("UPDATE main.%s SET %s = o.position FROM (SELECT Z_PK AS pk, "
                                          "row_number () OVER (PARTITION BY %s ORDER BY %s IS NULL, %s, Z_PK) "
                                          "AS position FROM main.%s WHERE %s IS NOT NULL) AS o "
                                          "WHERE %s.Z_PK = o.pk",
                                          table_name, order_name, key_name, order_name, order_name,
                                          table_name, key_name, table_name));
        }
    }
}

/* ---- many-to-many relationships ----------------------------------------- */

/* Rows of a destination join table copied from a source join table: the
 * source relationship @relationship, of @source_entity, matches the
 * destination's on the join table's side, or with @from_inverse on the
 * inverse's side. */
typedef struct
{
  const GodwitJoinTable *source_join;
  gboolean               from_inverse;
  GodwitProperty        *relationship;
  GodwitEntity          *source_entity;
  GodwitEntity          *inverse_source;
} JoinCopy;

/* The columns of a JoinCopy: each destination column is made from the
 * source column beside it (nullable when the source has none). */
typedef struct
{
  const char *column;
  const char *key;
  const char *inverse_column;
  const char *inverse_key;
  const char *order_column;          /* (nullable) position of @column's object … */
  const char *order;                 /* (nullable) … in the relationship of the other */
  const char *inverse_order_column;  /* (nullable) */
  const char *inverse_order;         /* (nullable) */
  GPtrArray  *ends;                  /* the mappings @column's objects are made by */
  GPtrArray  *inverse_ends;
  gboolean    by_key;                /* both link by the source keys */
} JoinColumns;

static void
join_columns_clear (JoinColumns *columns)
{
  g_clear_pointer (&columns->ends, g_ptr_array_unref);
  g_clear_pointer (&columns->inverse_ends, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (JoinColumns, join_columns_clear)

static void
describe_join_copy (GodwitCustomMigration *self,
                    const GodwitJoinTable *join,
                    const JoinCopy        *copy,
                    JoinColumns           *columns)
{
  const GodwitJoinTable *source_join = copy->source_join;
  gboolean same_side = source_join->relationship == copy->relationship;

  columns->column = copy->from_inverse ? join->inverse_column : join->column;
  columns->inverse_column = copy->from_inverse ? join->column : join->inverse_column;
  columns->order_column = copy->from_inverse ? join->inverse_order_column : join->order_column;
  columns->inverse_order_column = copy->from_inverse ? join->order_column : join->inverse_order_column;
  columns->key = same_side ? source_join->column : source_join->inverse_column;
  columns->inverse_key = same_side ? source_join->inverse_column : source_join->column;
  columns->order = same_side ? source_join->order_column : source_join->inverse_order_column;
  columns->inverse_order = same_side ? source_join->inverse_order_column : source_join->order_column;
  columns->ends = dup_candidates (self, copy->from_inverse ? join->inverse_entity : join->entity,
                                  copy->source_entity);
  columns->inverse_ends = dup_candidates (self, copy->from_inverse ? join->entity : join->inverse_entity,
                                          copy->inverse_source);
  columns->by_key = links_by_key (self, columns->ends, same_side ? source_join->entity
                                                                 : source_join->inverse_entity) &&
                    links_by_key (self, columns->inverse_ends, same_side ? source_join->inverse_entity
                                                                         : source_join->entity);
}

/* For each mapping making objects of either side of @join, the source
 * relationship matching that side's, once per source join table. */
static GArray *
collect_join_copies (GodwitCustomMigration *self,
                     const GodwitJoinTable *join)
{
  GodwitModel *source = godwit_store_layout_get_model (self->source_layout);
  GArray *copies = g_array_new (FALSE, TRUE, sizeof (JoinCopy));

  for (guint side = 0; side < 2; side++)
    for (guint i = 0; i < self->mappings->len; i++)
      {
        const GodwitStageMapping *mapping = g_ptr_array_index (self->mappings, i);
        GodwitEntity *entity = side == 0 ? join->entity : join->inverse_entity;
        GodwitProperty *own = side == 0 ? join->relationship : join->inverse;
        JoinCopy copy = { NULL, side == 1, NULL, mapping->source, NULL };
        gboolean copied = FALSE;

        if (own == NULL || !godwit_entity_is_kind_of (mapping->destination, entity))
          continue;
        copy.relationship = godwit_custom_migration_find_source_property (mapping->source, own);
        if (copy.relationship == NULL)
          continue;
        copy.source_join = godwit_store_layout_find_join_table (self->source_layout, mapping->source,
                                                                copy.relationship->name);
        copy.inverse_source = godwit_model_get_entity (source, copy.relationship->destination_entity);
        for (guint j = 0; copy.source_join != NULL && !copied && j < copies->len; j++)
          copied = g_array_index (copies, JoinCopy, j).source_join == copy.source_join;
        if (copy.source_join == NULL || copy.inverse_source == NULL || copied)
          continue;
        g_array_append_val (copies, copy);
      }

  return copies;
}

/* Whether the rows the step makes in @join are exactly those of the
 * source join table of the same name. */
static gboolean
join_keeps_rows (GodwitCustomMigration *self,
                 const GodwitJoinTable *join)
{
  g_autoptr(GArray) copies = collect_join_copies (self, join);
  g_auto(JoinColumns) columns = { NULL };
  const JoinCopy *copy;

  if (copies->len != 1)
    return FALSE;
  copy = &g_array_index (copies, JoinCopy, 0);
  describe_join_copy (self, join, copy, &columns);

  return columns.by_key && strcmp (copy->source_join->name, join->name) == 0 &&
         strcmp (columns.column, columns.key) == 0 &&
         strcmp (columns.inverse_column, columns.inverse_key) == 0 &&
         g_strcmp0 (columns.order_column, columns.order) == 0 &&
         g_strcmp0 (columns.inverse_order_column, columns.inverse_order) == 0;
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

/* A join table's order column @order_column: the source's position
 * @source_order, copied with @copy, else "row_number () …" numbering the
 * rows from 1 within each @within, in the order the source kept (where it
 * was ordered), then by @other. */
static void
append_join_order (GString    *names,
                   GString    *values,
                   const char *order_column,
                   const char *source_order,
                   const char *within,
                   const char *other,
                   gboolean    copy)
{
  g_autofree char *quoted = NULL;

  if (order_column == NULL)
    return;
  quoted = _godwit_sql_quote_identifier (order_column);
  g_string_append_printf (names, ", %s", quoted);
  if (copy)
    g_string_append_printf (values, ", %s", source_order);
  else
    g_string_append_printf (values, ", row_number () OVER (PARTITION BY %s ORDER BY %s IS NULL, %s, %s)",
                            within, source_order, source_order, other);
}

/* The rows of @join that @copy makes: each row whose two objects were both
 * mapped; when the relationship is ordered, numbered as the source ordered
 * them, or with the source's positions when @renumber is not set and
 * every row is copied. */
static void
add_join_rows (GodwitCustomMigration *self,
               const Plan            *plan,
               GPtrArray             *statements,
               const GodwitJoinTable *join,
               const JoinCopy        *copy,
               gboolean               renumber)
{
  g_auto(JoinColumns) columns = { NULL };
  g_autofree char *key = NULL;
  g_autofree char *inverse_key = NULL;
  g_autofree char *order = NULL;
  g_autofree char *inverse_order = NULL;
  g_autofree char *value = NULL;
  g_autofree char *inverse_value = NULL;
  g_autofree char *join_name = _godwit_sql_quote_identifier (join->name);
  g_autofree char *source_join = dup_source_table (plan, copy->source_join->name);
  g_autofree char *column = NULL;
  g_autofree char *inverse_column = NULL;
  g_autoptr(GString) names = g_string_new (NULL);
  g_autoptr(GString) values = g_string_new ("a, b");
  gboolean copy_orders;

  describe_join_copy (self, join, copy, &columns);
  key = dup_join_column (columns.key);
  inverse_key = dup_join_column (columns.inverse_key);
  order = dup_join_column (columns.order);
  inverse_order = dup_join_column (columns.inverse_order);
  value = columns.by_key ? g_strdup (key) : dup_link_value (self, columns.ends, key, FALSE);
  inverse_value = columns.by_key ? g_strdup (inverse_key) : dup_link_value (self, columns.inverse_ends,
                                                                            inverse_key, FALSE);
  column = _godwit_sql_quote_identifier (columns.column);
  inverse_column = _godwit_sql_quote_identifier (columns.inverse_column);
  copy_orders = columns.by_key && !renumber;

  g_string_append_printf (names, "%s, %s", column, inverse_column);
  /* The position of each object in the relationship of the other. */
  append_join_order (names, values, columns.order_column, "o", "a", "b",
                     copy_orders && columns.order != NULL);
  append_join_order (names, values, columns.inverse_order_column, "inverse_o", "b", "a",
                     copy_orders && columns.inverse_order != NULL);
  add_statement (statements, PHASE_MIGRATE, self->stage_path,
                 g_strdup_printf ("INSERT INTO main.%s (%s) SELECT %s FROM (SELECT %s AS a, %s AS b, "
                                  "%s AS o, %s AS inverse_o FROM %s AS j) "
                                  "WHERE a IS NOT NULL AND b IS NOT NULL",
                                  join_name, names->str, values->str, value, inverse_value,
                                  order, inverse_order, source_join));
}

/* Many-to-many relationships: the rows of each join table the step does
 * not keep, from every source join table matching one of its sides. */
static void
add_join_tables (GodwitCustomMigration *self,
                 const Plan            *plan,
                 GPtrArray             *statements)
{
  GPtrArray *joins = godwit_store_layout_get_join_tables (self->destination_layout);

  for (guint i = 0; i < joins->len; i++)
    {
      const GodwitJoinTable *join = g_ptr_array_index (joins, i);
      g_autoptr(GArray) copies = NULL;

      if (g_hash_table_contains (plan->kept, join->name))
        continue;
      copies = collect_join_copies (self, join);
      for (guint j = 0; j < copies->len; j++)
        add_join_rows (self, plan, statements, join, &g_array_index (copies, JoinCopy, j), copies->len > 1);
    }
}

/* ---- the schema --------------------------------------------------------- */

static const char * const metadata_tables[] = { "Z_PRIMARYKEY", "Z_METADATA", "Z_MODELCACHE" };

static char *
dup_column_text (sqlite3_stmt *statement,
                 int           column)
{
  const char *text = (const char *) sqlite3_column_text (statement, column);

  return g_strdup (text != NULL ? text : "");
}

/* The rows of @schema's sqlite_master, in the order they were made. */
static GPtrArray *
read_schema (GodwitSqlRun  *run,
             const char    *where,
             const char    *schema,
             GError       **error)
{
  g_autoptr(GPtrArray) objects = g_ptr_array_new_with_free_func (schema_object_free);
  g_autofree char *sql = g_strdup_printf ("SELECT type, name, tbl_name, sql FROM %s.sqlite_master ORDER BY rowid",
                                          schema);
  sqlite3_stmt *statement = NULL;
  int result;

  if (sqlite3_prepare_v2 (run->db, sql, -1, &statement, NULL) != SQLITE_OK)
    {
      _godwit_sql_run_fail (run, where, sql, error);
      return NULL;
    }
  while ((result = sqlite3_step (statement)) == SQLITE_ROW)
    {
      SchemaObject *object = g_new0 (SchemaObject, 1);

      object->type = dup_column_text (statement, 0);
      object->name = dup_column_text (statement, 1);
      object->table = dup_column_text (statement, 2);
      if (sqlite3_column_type (statement, 3) != SQLITE_NULL)
        object->sql = dup_column_text (statement, 3);
      g_ptr_array_add (objects, object);
    }
  sqlite3_finalize (statement);
  if (result != SQLITE_DONE)
    {
      _godwit_sql_run_fail (run, where, sql, error);
      return NULL;
    }

  return g_steal_pointer (&objects);
}

/* The schema of a store laid out as @layout, as SQLite records it. */
static GPtrArray *
dup_layout_schema (GodwitStoreLayout  *layout,
                   GError            **error)
{
  g_auto(GStrv) schema = godwit_store_layout_dup_schema_sql (layout);
  const char *version = godwit_model_get_version_name (godwit_store_layout_get_model (layout));
  GodwitSqlRun run = { NULL, version, NULL, GODWIT_ERROR_INVALID_MODEL, TRUE };
  GPtrArray *objects = NULL;
  gboolean ok;

  if (sqlite3_open_v2 (":memory:", &run.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_MEMORY, NULL) != SQLITE_OK)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_IO, _("%s: cannot lay out the store: %s"), version,
                   run.db != NULL ? sqlite3_errmsg (run.db) : _("out of memory"));
      sqlite3_close (run.db);
      return NULL;
    }
  ok = TRUE;
  for (guint i = 0; ok && schema[i] != NULL; i++)
    ok = _godwit_sql_run_execute (&run, "layout", schema[i], error);
  if (ok)
    objects = read_schema (&run, "layout", "main", error);
  sqlite3_close (run.db);

  return objects;
}

static const SchemaObject *
find_object (GPtrArray  *objects,
             const char *type,
             const char *name)
{
  for (guint i = 0; i < objects->len; i++)
    {
      const SchemaObject *object = g_ptr_array_index (objects, i);

      if (strcmp (object->type, type) == 0 && strcmp (object->name, name) == 0)
        return object;
    }

  return NULL;
}

/* Whether two CREATE statements are the same but for the double quotes
 * around names, which ALTER TABLE … RENAME adds. */
static gboolean
same_schema_text (const char *a,
                  const char *b)
{
  if (a == NULL || b == NULL)
    return a == b;

  while (TRUE)
    {
      while (*a == '"')
        a++;
      while (*b == '"')
        b++;
      if (*a != *b)
        return FALSE;
      if (*a == '\0')
        return TRUE;
      a++;
      b++;
    }
}

/* Takes @current and @wanted. In place, a table whose rows the step keeps
 * and whose definition is the writer's is kept; every other table of the
 * store that the writer's store has too is renamed aside. */
static void
plan_init (GodwitCustomMigration *self,
           Plan                  *plan,
           gboolean               in_place,
           GPtrArray             *current,
           GPtrArray             *wanted)
{
  plan->in_place = in_place;
  plan->current = current;
  plan->wanted = wanted;
  plan->kept = g_hash_table_new (g_str_hash, g_str_equal);
  plan->moved = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);

  for (guint i = 0; in_place && i < wanted->len; i++)
    {
      SchemaObject *table = g_ptr_array_index (wanted, i);
      const SchemaObject *existing;

      if (strcmp (table->type, "table") != 0)
        continue;
      existing = find_object (current, "table", table->name);
      if (existing == NULL)
        continue;
      if (g_hash_table_contains (self->keepable, table->name) && same_schema_text (existing->sql, table->sql))
        g_hash_table_add (plan->kept, table->name);
      else
        g_hash_table_insert (plan->moved, table->name, g_strconcat (OLD_TABLE_PREFIX, table->name, NULL));
    }
}

static void
plan_clear (Plan *plan)
{
  g_clear_pointer (&plan->kept, g_hash_table_unref);
  g_clear_pointer (&plan->moved, g_hash_table_unref);
  g_clear_pointer (&plan->current, g_ptr_array_unref);
  g_clear_pointer (&plan->wanted, g_ptr_array_unref);
}

/* Whether @index of the store stays in place: the writer makes it the
 * same, on a table kept. */
static gboolean
index_is_kept (const Plan         *plan,
               const SchemaObject *index)
{
  const SchemaObject *wanted = find_object (plan->wanted, "index", index->name);

  return plan->in_place && wanted != NULL && index->sql != NULL && wanted->sql != NULL &&
         strcmp (index->table, wanted->table) == 0 && g_hash_table_contains (plan->kept, wanted->table) &&
         same_schema_text (index->sql, wanted->sql);
}

/* Before the rows: indexes dropped, to be made after them; in place,
 * triggers and views dropped too (the writer makes none), the tables to
 * make again renamed aside and made as the writer makes them, with
 * Z_PRIMARYKEY, Z_METADATA and Z_MODELCACHE's rows. */
static void
add_schema_before (GodwitCustomMigration *self,
                   const Plan            *plan,
                   GPtrArray             *statements)
{
  for (guint i = 0; i < plan->current->len; i++)
    {
      const SchemaObject *object = g_ptr_array_index (plan->current, i);
      g_autofree char *name = _godwit_sql_quote_identifier (object->name);

      if (plan->in_place && (strcmp (object->type, "trigger") == 0 || strcmp (object->type, "view") == 0))
        add_statement (statements, PHASE_MIGRATE, self->stage_path,
                       g_strdup_printf ("DROP %s main.%s", strcmp (object->type, "view") == 0 ? "VIEW" : "TRIGGER",
                                        name));
      else if (strcmp (object->type, "index") == 0 && object->sql != NULL && !index_is_kept (plan, object))
        add_statement (statements, PHASE_MIGRATE, self->stage_path,
                       g_strdup_printf ("DROP INDEX main.%s", name));
    }
  if (!plan->in_place)
    return;

  for (guint i = 0; i < plan->current->len; i++)
    {
      const SchemaObject *object = g_ptr_array_index (plan->current, i);
      const char *moved = g_hash_table_lookup (plan->moved, object->name);
      g_autofree char *name = NULL;
      g_autofree char *moved_name = NULL;

      if (strcmp (object->type, "table") != 0 || moved == NULL)
        continue;
      name = _godwit_sql_quote_identifier (object->name);
      moved_name = _godwit_sql_quote_identifier (moved);
      add_statement (statements, PHASE_MIGRATE, self->stage_path,
                     g_strdup_printf ("ALTER TABLE main.%s RENAME TO %s", name, moved_name));
    }
  for (guint i = 0; i < plan->wanted->len; i++)
    {
      const SchemaObject *object = g_ptr_array_index (plan->wanted, i);

      if (strcmp (object->type, "table") == 0 && object->sql != NULL &&
          !g_hash_table_contains (plan->kept, object->name))
        add_statement (statements, PHASE_MIGRATE, self->stage_path, g_strdup (object->sql));
    }
  for (guint i = 0; i < G_N_ELEMENTS (metadata_tables); i++)
    if (find_object (plan->wanted, "table", metadata_tables[i]) != NULL)
      add_statement (statements, PHASE_MIGRATE, self->stage_path,
                     g_strdup_printf ("INSERT INTO main.%s SELECT * FROM layout.%s", metadata_tables[i],
                                      metadata_tables[i]));
}

/* After the rows: in place, the tables renamed aside and those the writer
 * does not make are dropped; the indexes not kept are made; and the
 * tables and indexes kept get the writer's text. */
static void
add_schema_after (GodwitCustomMigration *self,
                  const Plan            *plan,
                  GPtrArray             *statements)
{
  for (guint i = 0; plan->in_place && i < plan->current->len; i++)
    {
      const SchemaObject *object = g_ptr_array_index (plan->current, i);
      const char *moved = g_hash_table_lookup (plan->moved, object->name);
      g_autofree char *name = NULL;

      if (strcmp (object->type, "table") != 0 ||
          (moved == NULL && find_object (plan->wanted, "table", object->name) != NULL))
        continue;
      name = _godwit_sql_quote_identifier (moved != NULL ? moved : object->name);
      add_statement (statements, PHASE_FINISH, self->stage_path, g_strdup_printf ("DROP TABLE main.%s", name));
    }

  for (guint i = 0; i < plan->wanted->len; i++)
    {
      const SchemaObject *object = g_ptr_array_index (plan->wanted, i);
      const SchemaObject *existing = find_object (plan->current, "index", object->name);

      if (strcmp (object->type, "index") == 0 && object->sql != NULL &&
          (existing == NULL || !index_is_kept (plan, existing)))
        add_statement (statements, PHASE_FINISH, self->stage_path, g_strdup (object->sql));
    }

  for (guint i = 0; plan->in_place && i < plan->wanted->len; i++)
    {
      const SchemaObject *object = g_ptr_array_index (plan->wanted, i);
      const SchemaObject *existing = find_object (plan->current, object->type, object->name);
      gboolean kept = strcmp (object->type, "table") == 0 ? g_hash_table_contains (plan->kept, object->name)
                                                          : existing != NULL && index_is_kept (plan, existing);
      char *sql;

      if (!kept || object->sql == NULL || g_strcmp0 (existing->sql, object->sql) == 0)
        continue;
      sql = sqlite3_mprintf ("UPDATE main.sqlite_master SET sql = %Q WHERE type = %Q AND name = %Q",
                             object->sql, object->type, existing->name);
      add_statement (statements, PHASE_SCHEMA_TEXT, self->stage_path, g_strdup (sql));
      sqlite3_free (sql);
    }
}

static gboolean
build (GodwitCustomMigration  *self,
       const Plan             *plan,
       GPtrArray              *statements,
       GError                **error)
{
  const GodwitMigrationStage *stage = self->stage;
  g_autoptr(GHashTable) views = g_hash_table_new (NULL, NULL);
  g_autoptr(GPtrArray) order = g_ptr_array_new ();
  GPtrArray *tables = godwit_store_layout_get_tables (self->destination_layout);

  for (guint i = 0; stage->will_migrate[i] != NULL; i++)
    {
      g_autofree char *where = g_strdup_printf ("%s.will-migrate[%u]", stage->json_path, i);

      add_statement (statements, PHASE_WILL_MIGRATE, where, g_strdup (stage->will_migrate[i]));
    }

  for (guint i = 0; i < self->mappings->len; i++)
    {
      GodwitStageMapping *mapping = g_ptr_array_index (self->mappings, i);
      gpointer view;

      if (!g_hash_table_lookup_extended (views, mapping->source, NULL, &view))
        {
          view = GUINT_TO_POINTER (g_hash_table_size (views));
          g_hash_table_insert (views, mapping->source, view);
          add_statement (statements, PHASE_MIGRATE, mapping->where,
                         dup_source_view (self, plan, mapping->source, GPOINTER_TO_UINT (view)));
        }
      mapping->view = GPOINTER_TO_UINT (view);
      if (!mapping->identity)
        add_statement (statements, PHASE_MIGRATE, mapping->where,
                       g_strdup_printf ("CREATE TEMP TABLE godwit_map_%u (\"godwit$source\" INTEGER PRIMARY KEY, "
                                        "\"godwit$made\" INTEGER NOT NULL)", mapping->index));
    }

  add_schema_before (self, plan, statements);

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

      if (mapping->identity)
        continue;
      if (mapping->plan != NULL && mapping->plan->filter != NULL)
        filter = g_strdup_printf (" WHERE (\n%s\n)", mapping->plan->filter);
      if (mapping->keeps_pk)
        made = g_strdup ("Z_PK");
      else
        {
          g_autofree char *base = dup_base_pk (order, mapping);

          made = g_strdup_printf ("%s + row_number () OVER (ORDER BY Z_PK)", base);
        }
      add_statement (statements, PHASE_MIGRATE, mapping->where,
                     g_strdup_printf ("INSERT INTO temp.godwit_map_%u (\"godwit$source\", \"godwit$made\") "
                                      "SELECT Z_PK, %s FROM temp.godwit_source_%u%s",
                                      mapping->index, made, mapping->view, filter != NULL ? filter : ""));
    }

  for (guint i = 0; i < order->len; i++)
    if (!add_object_inserts (self, plan, statements, g_ptr_array_index (order, i), error))
      return FALSE;

  add_join_tables (self, plan, statements);
  add_order_numbering (self, plan, statements);

  /* In place they would stand in the way of dropping the old tables. */
  for (guint i = 0; i < g_hash_table_size (views); i++)
    add_statement (statements, PHASE_MIGRATE, self->stage_path,
                   g_strdup_printf ("DROP VIEW temp.godwit_source_%u", i));
  for (guint i = 0; i < self->mappings->len; i++)
    {
      const GodwitStageMapping *mapping = g_ptr_array_index (self->mappings, i);

      if (!mapping->identity)
        add_statement (statements, PHASE_MIGRATE, self->stage_path,
                       g_strdup_printf ("DROP TABLE temp.godwit_map_%u", mapping->index));
    }

  for (guint i = 0; i < tables->len; i++)
    {
      const GodwitTable *table = g_ptr_array_index (tables, i);
      g_autofree char *table_name = _godwit_sql_quote_identifier (table->name);

      add_statement (statements, PHASE_MIGRATE, self->stage_path,
                     g_strdup_printf ("UPDATE main.Z_PRIMARYKEY SET Z_MAX = (SELECT COALESCE (MAX (Z_PK), 0) "
                                      "FROM main.%s) WHERE Z_ENT = %u", table_name,
                                      godwit_store_layout_get_entity_number (self->destination_layout,
                                                                             table->root)));
    }

  add_schema_after (self, plan, statements);

  for (guint i = 0; stage->did_migrate[i] != NULL; i++)
    {
      g_autofree char *where = g_strdup_printf ("%s.did-migrate[%u]", stage->json_path, i);

      add_statement (statements, PHASE_DID_MIGRATE, where, g_strdup (stage->did_migrate[i]));
    }

  return TRUE;
}

/* The destination tables whose rows are the source table's of the same
 * name. */
static void
find_keepable_tables (GodwitCustomMigration *self)
{
  GPtrArray *tables = godwit_store_layout_get_tables (self->destination_layout);
  GPtrArray *joins = godwit_store_layout_get_join_tables (self->destination_layout);

  for (guint i = 0; i < tables->len; i++)
    {
      const GodwitTable *table = g_ptr_array_index (tables, i);

      if (table_keeps_rows (self, table))
        g_hash_table_add (self->keepable, table->name);
    }
  for (guint i = 0; i < joins->len; i++)
    {
      const GodwitJoinTable *join = g_ptr_array_index (joins, i);

      if (join_keeps_rows (self, join))
        g_hash_table_add (self->keepable, join->name);
    }
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
 *   of both; it is read when the step runs, so it must outlive the
 *   migration
 *
 * Plans the step.
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
  GPtrArray *current;
  GPtrArray *wanted;
  Plan plan;
  gboolean ok;

  g_return_val_if_fail (GODWIT_IS_MODEL (source), NULL);
  g_return_val_if_fail (GODWIT_IS_MODEL (destination), NULL);
  g_return_val_if_fail (stage != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (stage->kind != GODWIT_MIGRATION_STAGE_CUSTOM)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL,
                   _("%s: not a custom stage"), stage->json_path);
      return NULL;
    }

  self = g_object_new (GODWIT_TYPE_CUSTOM_MIGRATION, NULL);
  self->destination = g_object_ref (destination);
  self->stage = stage;
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
  find_keepable_tables (self);

  /* What dup_sql() shows: the step in place on a store laid out exactly
   * as the source version's. */
  current = dup_layout_schema (self->source_layout, error);
  if (current == NULL)
    return NULL;
  wanted = dup_layout_schema (self->destination_layout, error);
  if (wanted == NULL)
    {
      g_ptr_array_unref (current);
      return NULL;
    }
  plan_init (self, &plan, TRUE, current, wanted);
  ok = build (self, &plan, self->statements, error);
  plan_clear (&plan);

  return ok ? g_steal_pointer (&self) : NULL;
}

/**
 * godwit_custom_migration_dup_sql:
 *
 * The statements the step runs in place (godwit_custom_migration_run_in_place())
 * on a store laid out exactly as the source version's, in order:
 * will-migrate, then the indexes dropped, the tables to make again renamed
 * aside and made in the destination's layout with its Z_PRIMARYKEY,
 * Z_METADATA and Z_MODELCACHE, the views of the source objects, the tables
 * of mappings that make objects with new Z_PKs (source Z_PK → destination
 * Z_PK), the objects, the many-to-many rows, the order of ordered
 * relationships, Z_PRIMARYKEY's Z_MAX, the old tables dropped, the indexes
 * made, the text of the tables kept made the writer's, and did-migrate. The
 * copy of persistent history, on stores that have it, is built when it
 * runs from the columns both tables have, and comes before the old tables
 * are dropped; what a store laid out otherwise needs is planned when it
 * runs too.
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

static void
remove_store_files (const char *path)
{
  for (guint i = 0; i < G_N_ELEMENTS (file_suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, file_suffixes[i], NULL);

      if (g_unlink (file) != 0 && errno != ENOENT)
        g_warning ("%s: cannot remove a half-migrated store file: %s", file, g_strerror (errno));
    }
}

/* will-migrate, in one transaction. */
static gboolean
run_will_migrate (GodwitCustomMigration  *self,
                  GodwitSqlRun           *run,
                  GError                **error)
{
  if (!_godwit_sql_run_execute (run, self->stage_path, "BEGIN IMMEDIATE", error))
    return FALSE;
  for (guint i = 0; i < self->statements->len; i++)
    {
      const Statement *will = g_ptr_array_index (self->statements, i);

      if (will->phase == PHASE_WILL_MIGRATE &&
          !_godwit_sql_run_execute (run, will->where, will->base.sql, error))
        return FALSE;
    }

  return _godwit_sql_run_execute (run, self->stage_path, "COMMIT", error);
}

/* The store's Z_UUID and metadata, which the destination keeps, and
 * whether it has persistent history. */
static gboolean
read_store (GodwitCustomMigration  *self,
            GodwitSqlRun           *run,
            char                  **uuid,
            GBytes                **metadata,
            gboolean               *history,
            GError                **error)
{
  sqlite3_stmt *statement = NULL;
  gint64 n_history = 0;
  int result;

  if (!_godwit_sql_run_query_int (run, self->stage_path,
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
                     _("%s: Z_METADATA has no row"), run->path);
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

static gboolean
attach (GodwitSqlRun  *run,
        const char    *path,
        const char    *name,
        GError       **error)
{
  g_autofree char *file_name = _godwit_sql_dup_file_name (path);
  g_autofree char *sql = g_strdup_printf ("ATTACH DATABASE ? AS %s", name);
  sqlite3_stmt *statement = NULL;
  int result;

  if (sqlite3_prepare_v2 (run->db, sql, -1, &statement, NULL) != SQLITE_OK)
    return _godwit_sql_run_fail (run, path, NULL, error);
  sqlite3_bind_text (statement, 1, file_name, -1, SQLITE_STATIC);
  result = sqlite3_step (statement);
  sqlite3_finalize (statement);
  if (result != SQLITE_DONE)
    return _godwit_sql_run_fail (run, path, NULL, error);

  return TRUE;
}

/* The rows of @table, in the columns both tables have; @value_of_entity
 * (nullable) replaces ZENTITY's values. */
static gboolean
copy_history_table (GodwitCustomMigration  *self,
                    GodwitSqlRun           *run,
                    const Plan             *plan,
                    const char             *table,
                    const char             *value_of_entity,
                    GError                **error)
{
  g_autoptr(GString) columns = g_string_new (NULL);
  g_autoptr(GString) values = g_string_new (NULL);
  g_autofree char *from = dup_source_table (plan, table);
  g_autofree char *sql = NULL;
  sqlite3_stmt *statement = NULL;
  int result;

  if (sqlite3_prepare_v2 (run->db, "SELECT d.name FROM pragma_table_info (?1, 'main') AS d "
                          "JOIN pragma_table_info (?2, ?3) AS s ON s.name = d.name ORDER BY d.cid",
                          -1, &statement, NULL) != SQLITE_OK)
    return _godwit_sql_run_fail (run, table, NULL, error);
  sqlite3_bind_text (statement, 1, table, -1, SQLITE_STATIC);
  sqlite3_bind_text (statement, 2, get_source_table_name (plan, table), -1, SQLITE_STATIC);
  sqlite3_bind_text (statement, 3, get_source_schema (plan), -1, SQLITE_STATIC);
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
    sql = g_strdup_printf ("INSERT INTO main.%s (%s) SELECT %s FROM %s WHERE (%s) IS NOT NULL",
                           table, columns->str, values->str, from, value_of_entity);
  else
    sql = g_strdup_printf ("INSERT INTO main.%s (%s) SELECT %s FROM %s", table, columns->str,
                           values->str, from);

  return _godwit_sql_run_execute (run, self->stage_path, sql, error);
}

static gboolean
copy_history (GodwitCustomMigration  *self,
              GodwitSqlRun           *run,
              const Plan             *plan,
              GError                **error)
{
  g_autofree char *primary_keys = dup_source_table (plan, "Z_PRIMARYKEY");
  g_autofree char *sql = g_strdup_printf ("UPDATE main.Z_PRIMARYKEY SET Z_MAX = s.Z_MAX FROM %s AS s "
                                          "WHERE s.Z_ENT = Z_PRIMARYKEY.Z_ENT AND s.Z_ENT >= %d",
                                          primary_keys, GODWIT_STORE_LAYOUT_CHANGE_ENTITY_NUMBER);

  return copy_history_table (self, run, plan, "ATRANSACTIONSTRING", NULL, error) &&
         copy_history_table (self, run, plan, "ATRANSACTION", NULL, error) &&
         copy_history_table (self, run, plan, "ACHANGE", self->renumber_sql, error) &&
         _godwit_sql_run_execute (run, self->stage_path, sql, error);
}

static gboolean
run_phase (GodwitCustomMigration        *self,
           GodwitSqlRun                 *run,
           GPtrArray                    *statements,
           Phase                         phase,
           GodwitMigrationProgressFunc   progress,
           gpointer                      user_data,
           GError                      **error)
{
  for (guint i = 0; i < statements->len; i++)
    {
      const Statement *statement = g_ptr_array_index (statements, i);

      if (statement->phase == phase &&
          !_godwit_sql_run_statement (run, statement->where, &statement->base, progress, user_data, error))
        return FALSE;
    }

  return TRUE;
}

/* The writer's text for the tables and indexes kept in place: their
 * definitions are the same (only quotes differ), which is when SQLite's
 * documentation of ALTER TABLE lets sqlite_master be written, the schema
 * version moved on. */
static gboolean
run_schema_text (GodwitCustomMigration  *self,
                 GodwitSqlRun           *run,
                 GPtrArray              *statements,
                 GError                **error)
{
  g_autofree char *bump = NULL;
  gint64 version = 0;
  gboolean found = FALSE;
  gboolean ok = FALSE;
  int defensive = 0;

  for (guint i = 0; !found && i < statements->len; i++)
    found = ((const Statement *) g_ptr_array_index (statements, i))->phase == PHASE_SCHEMA_TEXT;
  if (!found)
    return TRUE;

  /* A library built defensive by default refuses writable_schema. */
  sqlite3_db_config (run->db, SQLITE_DBCONFIG_DEFENSIVE, -1, &defensive);
  sqlite3_db_config (run->db, SQLITE_DBCONFIG_DEFENSIVE, 0, NULL);
  if (_godwit_sql_run_query_int (run, self->stage_path, "PRAGMA main.schema_version", &version, error) &&
      _godwit_sql_run_execute (run, self->stage_path, "PRAGMA writable_schema = ON", error) &&
      run_phase (self, run, statements, PHASE_SCHEMA_TEXT, NULL, NULL, error))
    {
      bump = g_strdup_printf ("PRAGMA main.schema_version = %" G_GINT64_FORMAT, version + 1);
      ok = _godwit_sql_run_execute (run, self->stage_path, bump, error) &&
           _godwit_sql_run_execute (run, self->stage_path, "PRAGMA writable_schema = OFF", error);
    }
  sqlite3_db_config (run->db, SQLITE_DBCONFIG_DEFENSIVE, defensive, NULL);

  return ok;
}

/* In place, the schema is now the writer's, row for row of sqlite_master. */
static gboolean
check_schema (GodwitCustomMigration  *self,
              GodwitSqlRun           *run,
              GError                **error)
{
  static const char * const sql[] = {
    "SELECT type, name FROM (SELECT type, name, tbl_name, sql FROM main.sqlite_master "
    "EXCEPT SELECT type, name, tbl_name, sql FROM layout.sqlite_master)",
    "SELECT type, name FROM (SELECT type, name, tbl_name, sql FROM layout.sqlite_master "
    "EXCEPT SELECT type, name, tbl_name, sql FROM main.sqlite_master)",
  };

  for (guint i = 0; i < G_N_ELEMENTS (sql); i++)
    {
      sqlite3_stmt *statement = NULL;
      int result;

      if (sqlite3_prepare_v2 (run->db, sql[i], -1, &statement, NULL) != SQLITE_OK)
        return _godwit_sql_run_fail (run, self->stage_path, sql[i], error);
      result = sqlite3_step (statement);
      if (result == SQLITE_ROW)
        g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_CORRUPT_STORE,
                     _("%s: %s: after migrating in place the %s “%s” is not as the destination version "
                       "lays it out"), run->path, self->stage_path, sqlite3_column_text (statement, 0),
                     sqlite3_column_text (statement, 1));
      else if (result != SQLITE_DONE)
        _godwit_sql_run_fail (run, self->stage_path, sql[i], error);
      sqlite3_finalize (statement);
      if (result != SQLITE_DONE)
        return FALSE;
    }

  return TRUE;
}

/* The step, in one transaction, on @run's store as @plan lays it out. */
static gboolean
migrate (GodwitCustomMigration        *self,
         GodwitSqlRun                 *run,
         const Plan                   *plan,
         gboolean                      history,
         GodwitMigrationProgressFunc   progress,
         gpointer                      user_data,
         GError                      **error)
{
  g_autoptr(GPtrArray) statements = g_ptr_array_new_with_free_func (statement_free);

  return build (self, plan, statements, error) &&
         _godwit_sql_run_execute (run, self->stage_path, "BEGIN IMMEDIATE", error) &&
         run_phase (self, run, statements, PHASE_MIGRATE, progress, user_data, error) &&
         (!history || copy_history (self, run, plan, error)) &&
         run_phase (self, run, statements, PHASE_FINISH, progress, user_data, error) &&
         (!plan->in_place || (run_schema_text (self, run, statements, error) && check_schema (self, run, error))) &&
         run_phase (self, run, statements, PHASE_DID_MIGRATE, progress, user_data, error) &&
         _godwit_sql_run_execute (run, self->stage_path, "COMMIT", error);
}

/* The step into the writer's new store at @destination_path, the source
 * store attached. */
static gboolean
migrate_into (GodwitCustomMigration        *self,
              const char                   *destination_path,
              const char                   *source_path,
              gboolean                      history,
              GodwitMigrationProgressFunc   progress,
              gpointer                      user_data,
              GCancellable                 *cancellable,
              GError                      **error)
{
  GodwitSqlRun run = { NULL, destination_path, cancellable, GODWIT_ERROR_INVALID_MODEL, FALSE };
  GPtrArray *schema = NULL;
  gboolean ok;

  /* Core Data declares no foreign keys. */
  ok = _godwit_sql_run_open (&run, SQLITE_OPEN_READWRITE, NULL, error) &&
       _godwit_sql_run_execute (&run, self->stage_path, "PRAGMA foreign_keys = OFF", error) &&
       attach (&run, source_path, "source", error) &&
       (schema = read_schema (&run, self->stage_path, "main", error)) != NULL;
  if (ok)
    {
      Plan plan;

      plan_init (self, &plan, FALSE, schema, g_ptr_array_ref (schema));
      ok = migrate (self, &run, &plan, history, progress, user_data, error) &&
           _godwit_sql_run_execute (&run, self->stage_path, "DETACH DATABASE source", error);
      plan_clear (&plan);
    }
  close_store (&run);

  return ok;
}

/* Whether @run's store can become the writer's store, attached as
 * "layout", in place: it is laid out in pages as the writer lays out its
 * stores (incremental auto-vacuum, the same page size), and has no name
 * in the way. */
static gboolean
check_in_place (GodwitCustomMigration  *self,
                GodwitSqlRun           *run,
                gboolean               *in_place,
                GError                **error)
{
  gint64 auto_vacuum = 0;
  gint64 page_size = 0;
  gint64 layout_page_size = 0;
  gint64 in_the_way = 0;

  if (!_godwit_sql_run_query_int (run, self->stage_path, "PRAGMA main.auto_vacuum", &auto_vacuum, error) ||
      !_godwit_sql_run_query_int (run, self->stage_path, "PRAGMA main.page_size", &page_size, error) ||
      !_godwit_sql_run_query_int (run, self->stage_path, "PRAGMA layout.page_size", &layout_page_size, error) ||
      !_godwit_sql_run_query_int (run, self->stage_path,
                                  "SELECT COUNT(*) FROM main.sqlite_master AS m WHERE m.name GLOB '"
                                  OLD_TABLE_PREFIX "*' OR (m.type = 'table' AND m.name GLOB 'sqlite_*') OR "
                                  "EXISTS (SELECT 1 FROM layout.sqlite_master AS l "
                                  "WHERE l.name = m.name COLLATE NOCASE AND l.name != m.name)",
                                  &in_the_way, error))
    return FALSE;

  /* 2: INCREMENTAL. */
  *in_place = auto_vacuum == 2 && page_size == layout_page_size && in_the_way == 0;

  return TRUE;
}

/* The step on @run's store, the writer's store attached as "layout". */
static gboolean
migrate_in_place (GodwitCustomMigration        *self,
                  GodwitSqlRun                 *run,
                  gboolean                      history,
                  GodwitMigrationProgressFunc   progress,
                  gpointer                      user_data,
                  GError                      **error)
{
  GPtrArray *current = NULL;
  GPtrArray *wanted = NULL;
  Plan plan;
  gboolean ok;

  /* Core Data declares no foreign keys; the writer's stores use WAL;
   * renaming a table must rename it in the views reading it. */
  if (!_godwit_sql_run_execute (run, self->stage_path, "PRAGMA foreign_keys = OFF", error) ||
      !_godwit_sql_run_execute (run, self->stage_path, "PRAGMA legacy_alter_table = OFF", error) ||
      !_godwit_sql_run_execute (run, self->stage_path, "PRAGMA main.journal_mode = WAL", error))
    return FALSE;
  current = read_schema (run, self->stage_path, "main", error);
  if (current == NULL)
    return FALSE;
  wanted = read_schema (run, self->stage_path, "layout", error);
  if (wanted == NULL)
    {
      g_ptr_array_unref (current);
      return FALSE;
    }

  plan_init (self, &plan, TRUE, current, wanted);
  ok = migrate (self, run, &plan, history, progress, user_data, error);
  plan_clear (&plan);

  return ok && _godwit_sql_run_execute (run, self->stage_path, "DETACH DATABASE layout", error);
}

/* @path takes the place of the store at @store_path. */
static gboolean
replace_store (const char  *store_path,
               const char  *path,
               GError     **error)
{
  /* The store is closed: its -wal, if any, holds nothing of the new one. */
  for (guint i = 1; i < G_N_ELEMENTS (file_suffixes); i++)
    {
      g_autofree char *file = g_strconcat (store_path, file_suffixes[i], NULL);

      if (g_unlink (file) != 0 && errno != ENOENT)
        {
          int saved_errno = errno;

          g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_IO, _("%s: cannot remove it: %s"), file,
                       g_strerror (saved_errno));
          return FALSE;
        }
    }
  if (g_rename (path, store_path) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_IO, _("%s: cannot replace it with the migrated store %s: %s"),
                   store_path, path, g_strerror (saved_errno));
      return FALSE;
    }

  return TRUE;
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
  GodwitSqlRun run = { NULL, source_path, cancellable, GODWIT_ERROR_INVALID_MODEL, FALSE };
  gboolean history = FALSE;
  gboolean ok;

  g_return_val_if_fail (GODWIT_IS_CUSTOM_MIGRATION (self), FALSE);
  g_return_val_if_fail (source_path != NULL, FALSE);
  g_return_val_if_fail (destination_path != NULL, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  ok = _godwit_sql_run_open (&run, SQLITE_OPEN_READWRITE, NULL, error) &&
       run_will_migrate (self, &run, error) &&
       read_store (self, &run, &uuid, &metadata, &history, error);
  close_store (&run);
  if (!ok || !create_destination (self, destination_path, uuid, metadata, history, error))
    return FALSE;

  ok = migrate_into (self, destination_path, source_path, history, progress, user_data, cancellable, error);
  if (!ok)
    remove_store_files (destination_path);

  return ok;
}

/**
 * godwit_custom_migration_will_migrate:
 * @path: a work copy of the store in the source version
 *
 * Runs the stage's will-migrate statements on @path, in one transaction:
 * the first half of a migration in place, whose second half is
 * godwit_custom_migration_run_in_place(). In between, @path is the store
 * the entity mappings read.
 *
 * Returns: %TRUE on success
 */
gboolean
godwit_custom_migration_will_migrate (GodwitCustomMigration  *self,
                                      const char             *path,
                                      GCancellable           *cancellable,
                                      GError                **error)
{
  GodwitSqlRun run = { NULL, path, cancellable, GODWIT_ERROR_INVALID_MODEL, FALSE };
  gboolean ok;

  g_return_val_if_fail (GODWIT_IS_CUSTOM_MIGRATION (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  ok = _godwit_sql_run_open (&run, SQLITE_OPEN_READWRITE, NULL, error) &&
       run_will_migrate (self, &run, error);
  close_store (&run);

  return ok;
}

/**
 * godwit_custom_migration_run_in_place:
 * @path: a work copy of the store in the source version, on which
 *   godwit_custom_migration_will_migrate() ran
 *
 * Turns the store at @path into the one godwit_custom_migration_run()
 * makes: the same schema, statement for statement, and the same rows,
 * metadata and Z_UUID. Tables whose rows the step keeps are left as they
 * are, with their indexes; the others are made again in the destination's
 * layout. The file may keep free pages. A store whose pages are laid out
 * otherwise than the store writer's (no incremental auto-vacuum, another
 * page size) is migrated into a new store beside it, which then replaces
 * it. The store writer's store is made beside @path
 * (@path.godwit-destination), and removed. On failure or cancellation the
 * store is as will-migrate left it.
 *
 * Returns: %TRUE on success
 */
gboolean
godwit_custom_migration_run_in_place (GodwitCustomMigration        *self,
                                      const char                   *path,
                                      GodwitMigrationProgressFunc   progress,
                                      gpointer                      user_data,
                                      GCancellable                 *cancellable,
                                      GError                      **error)
{
  g_autofree char *destination_path = NULL;
  g_autofree char *uuid = NULL;
  g_autoptr(GBytes) metadata = NULL;
  GodwitSqlRun run = { NULL, path, cancellable, GODWIT_ERROR_INVALID_MODEL, FALSE };
  gboolean history = FALSE;
  gboolean created = FALSE;
  gboolean in_place = FALSE;
  gboolean ok;

  g_return_val_if_fail (GODWIT_IS_CUSTOM_MIGRATION (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  destination_path = g_strconcat (path, DESTINATION_SUFFIX, NULL);
  ok = _godwit_sql_run_open (&run, SQLITE_OPEN_READWRITE, NULL, error) &&
       read_store (self, &run, &uuid, &metadata, &history, error) &&
       (created = create_destination (self, destination_path, uuid, metadata, history, error)) &&
       attach (&run, destination_path, "layout", error) &&
       check_in_place (self, &run, &in_place, error);
  if (ok && in_place)
    ok = migrate_in_place (self, &run, history, progress, user_data, error);
  else if (ok)
    ok = _godwit_sql_run_execute (&run, self->stage_path, "DETACH DATABASE layout", error);
  close_store (&run);

  if (ok && !in_place)
    ok = migrate_into (self, destination_path, path, history, progress, user_data, cancellable, error) &&
         replace_store (path, destination_path, error);
  if (created && (!ok || in_place))
    remove_store_files (destination_path);

  return ok;
}
