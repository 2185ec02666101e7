/* godwit-lightweight-migration.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* One inferred (lightweight) migration step done in place with SQL, the
 * way Core Data migrates an SQLite store without loading objects: tables
 * are altered where ALTER TABLE can express the change and rebuilt
 * (create, copy, drop, rename) where it cannot; Z_ENT numbers are
 * renumbered; Z_PK, Z_OPT, Z_UUID and unknown metadata keys are kept.
 *
 * Left out: moving an entity out of its hierarchy (two destination tables
 * fed by one source table) and a new foreign key column whose values would
 * come from elsewhere (the inverse's column); new() fails on them.
 */

#define G_LOG_DOMAIN "godwit-lightweight-migration"

#include "config.h"

#include <math.h>
#include <plist/plist.h>
#include <string.h>

#include "godwit-error.h"
#include "godwit-lightweight-migration.h"
#include "godwit-sql-private.h"
#include "godwit-store-layout.h"
#include "godwit-store-writer-private.h"

/* A rebuilt table is created under this suffix, then renamed. */
#define NEW_TABLE_SUFFIX "_GODWIT_NEW"

/* What a failing statement could not do, in its message. */
#define CANNOT_MIGRATE "cannot migrate the store"
#define CANNOT_READ    "cannot read the store"

typedef enum
{
  STATEMENT_SQL,
  STATEMENT_METADATA,   /* Z_METADATA's plist, computed from the stored one */
} StatementKind;

/* Progress is reported by destination entity name. */
typedef struct
{
  GodwitSqlStatement  base;
  StatementKind       kind;
  char               *required_table;  /* (nullable): skipped when the store lacks it */
} Statement;

/* Stored objects that would lack a value the destination requires. */
typedef struct
{
  char *count_sql;
  char *blocker;
  char *property;
} Check;

struct _GodwitLightweightMigration
{
  GObject            parent_instance;

  GodwitModelDiff   *diff;
  GodwitStoreLayout *source_layout;
  GodwitStoreLayout *destination_layout;
  GPtrArray         *statements;  /* (element-type Statement) */
  GPtrArray         *checks;      /* (element-type Check) */
};

G_DEFINE_FINAL_TYPE (GodwitLightweightMigration, godwit_lightweight_migration, G_TYPE_OBJECT)

/* How one destination column is filled from the source table. */
typedef struct
{
  char     *expression;   /* over the source table's columns and old Z_ENT numbers */
  char     *column;       /* (nullable): the source column when copied as it is … */
  gboolean  renumbered;   /* … or with Z_ENT numbers renumbered */
} ColumnSource;

/* State while the statements are built. */
typedef struct
{
  GodwitLightweightMigration *self;
  GodwitModel                *source;
  GodwitModel                *destination;
  guint                      *renumber;     /* old Z_ENT → new Z_ENT (0: removed) */
  guint                       n_source;
  GHashTable                 *used_tables;  /* (element-type utf8): source entity tables kept or copied */
  GHashTable                 *kept_join_tables; /* (element-type utf8): unchanged source join tables */
  GPtrArray                  *creates;      /* (element-type Statement) phases, run in order */
  GPtrArray                  *alters;
  GPtrArray                  *drops;
  GPtrArray                  *renames;
  GPtrArray                  *fills;
} Builder;

static void
statement_free (gpointer data)
{
  Statement *statement = data;

  _godwit_sql_statement_clear (&statement->base);
  g_free (statement->required_table);
  g_free (statement);
}

static void
check_free (gpointer data)
{
  Check *check = data;

  g_free (check->count_sql);
  g_free (check->blocker);
  g_free (check->property);
  g_free (check);
}

static void
column_source_clear (ColumnSource *source)
{
  g_clear_pointer (&source->expression, g_free);
  g_clear_pointer (&source->column, g_free);
}

static void
godwit_lightweight_migration_finalize (GObject *object)
{
  GodwitLightweightMigration *self = GODWIT_LIGHTWEIGHT_MIGRATION (object);

  g_clear_object (&self->diff);
  g_clear_object (&self->source_layout);
  g_clear_object (&self->destination_layout);
  g_clear_pointer (&self->statements, g_ptr_array_unref);
  g_clear_pointer (&self->checks, g_ptr_array_unref);

  G_OBJECT_CLASS (godwit_lightweight_migration_parent_class)->finalize (object);
}

static void
godwit_lightweight_migration_class_init (GodwitLightweightMigrationClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = godwit_lightweight_migration_finalize;
}

static void
godwit_lightweight_migration_init (GodwitLightweightMigration *self)
{
  self->statements = g_ptr_array_new_with_free_func (statement_free);
  self->checks = g_ptr_array_new_with_free_func (check_free);
}

static void
add_statement (GPtrArray  *phase,
               const char *required_table,
               char       *sql)
{
  Statement *statement = g_new0 (Statement, 1);

  statement->kind = STATEMENT_SQL;
  statement->base.sql = sql;
  statement->required_table = g_strdup (required_table);
  g_ptr_array_add (phase, statement);
}

/* The layout's DDL names tables and columns unquoted, so names are
 * checked once here rather than quoted everywhere. */
static gboolean
is_plain_identifier (const char *name)
{
  if (name == NULL || *name == '\0')
    return FALSE;
  for (const char *c = name; *c != '\0'; c++)
    if (!g_ascii_isalnum (*c) && *c != '_')
      return FALSE;
  return TRUE;
}

static gboolean
check_identifiers (GodwitStoreLayout  *layout,
                   GError            **error)
{
  GPtrArray *tables = godwit_store_layout_get_tables (layout);
  GPtrArray *join_tables = godwit_store_layout_get_join_tables (layout);
  const char *bad = NULL;

  for (guint i = 0; bad == NULL && i < tables->len; i++)
    {
      const GodwitTable *table = g_ptr_array_index (tables, i);

      if (!is_plain_identifier (table->name))
        bad = table->name;
      for (guint j = 0; bad == NULL && j < table->columns->len; j++)
        {
          const GodwitColumn *column = g_ptr_array_index (table->columns, j);

          if (!is_plain_identifier (column->name))
            bad = column->name;
        }
    }
  for (guint i = 0; bad == NULL && i < join_tables->len; i++)
    {
      const GodwitJoinTable *join = g_ptr_array_index (join_tables, i);

      if (!is_plain_identifier (join->name) || !is_plain_identifier (join->column) ||
          !is_plain_identifier (join->inverse_column))
        bad = join->name;
    }

  if (bad != NULL)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL,
                   "%s: the store name “%s” is not a plain SQL identifier",
                   godwit_model_get_source_name (godwit_store_layout_get_model (layout)), bad);
      return FALSE;
    }

  return TRUE;
}

/* Inferable except for attribute values the stored objects must have:
 * those are checked against the store by run(). */
static gboolean
check_inferable (GodwitModelDiff  *diff,
                 GError          **error)
{
  g_autoptr(GPtrArray) blockers = godwit_model_diff_dup_blockers (diff);
  g_autoptr(GPtrArray) hard = g_ptr_array_new ();
  GPtrArray *changes = godwit_model_diff_get_entity_changes (diff);
  g_autoptr(GHashTable) data_blockers = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *joined = NULL;

  for (guint i = 0; i < changes->len; i++)
    {
      const GodwitEntityChange *change = g_ptr_array_index (changes, i);

      for (guint j = 0; j < change->properties->len; j++)
        {
          const GodwitPropertyChange *property = g_ptr_array_index (change->properties, j);

          /* A needs_value blocker joined with another obstacle is no
           * longer a single sentence. */
          if (property->needs_value && property->blocker != NULL &&
              property->destination->kind == GODWIT_PROPERTY_KIND_ATTRIBUTE &&
              strstr (property->blocker, "; ") == NULL)
            g_hash_table_add (data_blockers, property->blocker);
        }
    }

  for (guint i = 0; i < blockers->len; i++)
    if (!g_hash_table_contains (data_blockers, g_ptr_array_index (blockers, i)))
      g_ptr_array_add (hard, g_ptr_array_index (blockers, i));
  if (hard->len == 0)
    return TRUE;

  g_ptr_array_add (hard, NULL);
  joined = g_strjoinv ("; ", (char **) hard->pdata);
  g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL,
               "%s → %s: the migration cannot be inferred: %s",
               godwit_model_get_source_name (godwit_model_diff_get_source (diff)),
               godwit_model_get_source_name (godwit_model_diff_get_destination (diff)), joined);
  return FALSE;
}

static guint
old_number (Builder      *builder,
            GodwitEntity *source_entity)
{
  return godwit_store_layout_get_entity_number (builder->self->source_layout, source_entity);
}

static guint
new_number (Builder      *builder,
            GodwitEntity *destination_entity)
{
  return godwit_store_layout_get_entity_number (builder->self->destination_layout,
                                                destination_entity);
}

static gboolean
renumbering_is_identity (Builder *builder)
{
  for (guint i = 1; i <= builder->n_source; i++)
    if (builder->renumber[i] != 0 && builder->renumber[i] != i)
      return FALSE;
  return TRUE;
}

/* CASE over @column mapping old Z_ENT numbers to new ones. */
static char *
dup_renumber_expression (Builder    *builder,
                         const char *column)
{
  GString *sql;

  if (renumbering_is_identity (builder))
    return g_strdup (column);

  sql = g_string_new (NULL);
  g_string_append_printf (sql, "CASE %s", column);
  for (guint i = 1; i <= builder->n_source; i++)
    if (builder->renumber[i] != 0)
      g_string_append_printf (sql, " WHEN %u THEN %u", i, builder->renumber[i]);
  g_string_append_printf (sql, " ELSE %s END", column);

  return g_string_free (sql, FALSE);
}

/* The source entity whose objects become @destination's. */
static GodwitEntity *
source_entity_of (Builder      *builder,
                  GodwitEntity *destination)
{
  const GodwitEntityChange *change =
    godwit_model_diff_find_destination_entity (builder->self->diff, destination->name);

  return change != NULL ? change->source : NULL;
}

static const GodwitPropertyChange *
find_property_change (Builder        *builder,
                      GodwitEntity   *destination,
                      GodwitProperty *property)
{
  const GodwitEntityChange *change =
    godwit_model_diff_find_destination_entity (builder->self->diff, destination->name);

  for (guint i = 0; change != NULL && i < change->properties->len; i++)
    {
      const GodwitPropertyChange *candidate = g_ptr_array_index (change->properties, i);

      if (candidate->destination != NULL &&
          strcmp (candidate->destination->name, property->name) == 0)
        return candidate;
    }

  return NULL;
}

/* Destination entities stored in the table of @root, @root first. */
static GPtrArray *
dup_hierarchy (GodwitModel  *model,
               GodwitEntity *root)
{
  GPtrArray *entities = godwit_model_get_entities (model);
  GPtrArray *members = g_ptr_array_new ();

  for (guint i = 0; i < entities->len; i++)
    {
      GodwitEntity *entity = g_ptr_array_index (entities, i);

      if (godwit_entity_get_root (entity) == root)
        g_ptr_array_add (members, entity);
    }

  return members;
}

static char *
dup_old_numbers (Builder   *builder,
                 GPtrArray *destination_entities)
{
  GString *list = g_string_new (NULL);

  for (guint i = 0; i < destination_entities->len; i++)
    {
      GodwitEntity *source = source_entity_of (builder, g_ptr_array_index (destination_entities, i));

      if (source == NULL)
        continue;
      g_string_append_printf (list, "%s%u", list->len > 0 ? ", " : "", old_number (builder, source));
    }

  return g_string_free (list, FALSE);
}

/* How the column of @property for objects of source entity @from is
 * filled, or %FALSE (with @error) when it cannot be done in SQL here. */
static gboolean
source_for_entity (Builder             *builder,
                   const GodwitColumn  *column,
                   GodwitEntity        *from,
                   GodwitProperty      *from_property,
                   ColumnSource        *out,
                   GError             **error)
{
  GodwitStoreLayout *layout = builder->self->source_layout;
  const GodwitColumn *same;
  const GodwitColumn *to_one;

  same = godwit_store_layout_find_column (layout, from, from_property->name, column->role);
  if (same != NULL)
    {
      out->column = g_strdup (same->name);
      if (column->role == GODWIT_COLUMN_ROLE_TO_ONE_ENTITY)
        {
          out->renumbered = TRUE;
          out->expression = dup_renumber_expression (builder, same->name);
        }
      else
        out->expression = g_strdup (same->name);
      return TRUE;
    }

  to_one = godwit_store_layout_find_column (layout, from, from_property->name,
                                            GODWIT_COLUMN_ROLE_TO_ONE);
  switch (column->role)
    {
    case GODWIT_COLUMN_ROLE_TO_ONE_ENTITY:
      /* The old destination had no sub-entities: every object it points
       * to is of that entity. */
      if (to_one != NULL)
        {
          GodwitEntity *target = godwit_model_get_entity (builder->source,
                                                          from_property->destination_entity);

          if (target != NULL && builder->renumber[old_number (builder, target)] != 0)
            {
              out->expression = g_strdup_printf ("CASE WHEN %s IS NULL THEN NULL ELSE %u END",
                                                 to_one->name,
                                                 builder->renumber[old_number (builder, target)]);
              return TRUE;
            }
        }
      break;

    case GODWIT_COLUMN_ROLE_ORDER:
      /* Becoming ordered: the current order is that of Z_PK. */
      if (to_one != NULL)
        {
          out->expression = g_strdup_printf ("CASE WHEN %s IS NULL THEN NULL ELSE "
                                             "ROW_NUMBER () OVER (PARTITION BY %s ORDER BY Z_PK) END",
                                             to_one->name, to_one->name);
          return TRUE;
        }
      break;

    case GODWIT_COLUMN_ROLE_PRIMARY_KEY:
    case GODWIT_COLUMN_ROLE_ENTITY:
    case GODWIT_COLUMN_ROLE_OPT:
    case GODWIT_COLUMN_ROLE_ATTRIBUTE:
    case GODWIT_COLUMN_ROLE_TO_ONE:
    case GODWIT_COLUMN_ROLE_TO_MANY_OWNER:
    default:
      break;
    }

  g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL,
               "%s: the values of %s.%s cannot be moved to column %s by this migration",
               godwit_model_get_source_name (builder->destination), from->name,
               from_property->name, column->name);
  return FALSE;
}

static gboolean
find_column_source (Builder             *builder,
                    GPtrArray           *hierarchy,
                    const GodwitColumn  *column,
                    ColumnSource        *out,
                    GError             **error)
{
  g_autoptr(GString) cases = g_string_new (NULL);
  gboolean uniform = TRUE;
  guint n_sources = 0;

  switch (column->role)
    {
    case GODWIT_COLUMN_ROLE_PRIMARY_KEY:
    case GODWIT_COLUMN_ROLE_OPT:
      out->column = g_strdup (column->name);
      out->expression = g_strdup (column->name);
      return TRUE;
    case GODWIT_COLUMN_ROLE_ENTITY:
      out->column = g_strdup ("Z_ENT");
      out->renumbered = TRUE;
      out->expression = dup_renumber_expression (builder, "Z_ENT");
      return TRUE;
    case GODWIT_COLUMN_ROLE_ATTRIBUTE:
    case GODWIT_COLUMN_ROLE_TO_ONE:
    case GODWIT_COLUMN_ROLE_TO_ONE_ENTITY:
    case GODWIT_COLUMN_ROLE_ORDER:
    case GODWIT_COLUMN_ROLE_TO_MANY_OWNER:
    default:
      break;
    }

  /* Each entity of the hierarchy having the property may have stored it
   * in its own column of the source (a property moved up). */
  for (guint i = 0; i < hierarchy->len; i++)
    {
      GodwitEntity *entity = g_ptr_array_index (hierarchy, i);
      GodwitEntity *from = source_entity_of (builder, entity);
      const GodwitPropertyChange *change;
      ColumnSource one = { NULL, NULL, FALSE };

      if (from == NULL || column->property == NULL ||
          !godwit_entity_is_kind_of (entity, column->entity))
        continue;
      change = find_property_change (builder, entity, column->property);
      if (change == NULL || change->source == NULL)
        continue;
      if (!source_for_entity (builder, column, from, change->source, &one, error))
        {
          column_source_clear (&one);
          return FALSE;
        }

      g_string_append_printf (cases, " WHEN %u THEN %s", old_number (builder, from), one.expression);
      if (n_sources++ == 0)
        *out = one;
      else
        {
          if (g_strcmp0 (out->expression, one.expression) != 0)
            uniform = FALSE;
          column_source_clear (&one);
        }
    }

  if (n_sources == 0)
    out->expression = g_strdup ("NULL");
  else if (!uniform)
    {
      column_source_clear (out);
      out->renumbered = FALSE;
      out->expression = g_strdup_printf ("CASE Z_ENT%s END", cases->str);
    }

  return TRUE;
}

/* The destination DDL of @table, created under @name. */
static char *
dup_create_table (Builder    *builder,
                  const char *table,
                  const char *name)
{
  g_auto(GStrv) schema = godwit_store_layout_dup_schema_sql (builder->self->destination_layout);
  g_autofree char *prefix = g_strdup_printf ("CREATE TABLE %s ", table);

  for (guint i = 0; schema[i] != NULL; i++)
    if (g_str_has_prefix (schema[i], prefix))
      return g_strdup_printf ("CREATE TABLE %s %s", name, schema[i] + strlen (prefix));

  g_return_val_if_reached (NULL);
}

static gboolean
has_column (const GodwitTable *table,
            const char        *name)
{
  for (guint i = 0; i < table->columns->len; i++)
    {
      const GodwitColumn *column = g_ptr_array_index (table->columns, i);

      if (strcmp (column->name, name) == 0)
        return TRUE;
    }
  return FALSE;
}

static const GodwitColumn *
find_table_column (const GodwitTable *table,
                   const char        *name)
{
  for (guint i = 0; i < table->columns->len; i++)
    {
      const GodwitColumn *column = g_ptr_array_index (table->columns, i);

      if (strcmp (column->name, name) == 0)
        return column;
    }
  return NULL;
}

static gboolean
source_has_table (Builder    *builder,
                  const char *name)
{
  GPtrArray *tables = godwit_store_layout_get_tables (builder->self->source_layout);
  GPtrArray *join_tables = godwit_store_layout_get_join_tables (builder->self->source_layout);

  for (guint i = 0; i < tables->len; i++)
    if (strcmp (((const GodwitTable *) g_ptr_array_index (tables, i))->name, name) == 0)
      return TRUE;
  for (guint i = 0; i < join_tables->len; i++)
    if (strcmp (((const GodwitJoinTable *) g_ptr_array_index (join_tables, i))->name, name) == 0)
      return TRUE;
  return FALSE;
}

/* Whether ALTER TABLE statements turn @from into @to: every column copied
 * unchanged or renumbered, renamed without clashes, or added empty. */
static gboolean
can_alter (Builder           *builder,
           const GodwitTable *from,
           const GodwitTable *to,
           ColumnSource      *sources)
{
  g_autoptr(GHashTable) taken = g_hash_table_new (g_str_hash, g_str_equal);

  if (strcmp (from->name, to->name) != 0 && source_has_table (builder, to->name))
    return FALSE;

  for (guint i = 0; i < to->columns->len; i++)
    {
      const GodwitColumn *column = g_ptr_array_index (to->columns, i);
      const GodwitColumn *old;

      if (sources[i].column == NULL)
        {
          if (strcmp (sources[i].expression, "NULL") != 0 || has_column (from, column->name))
            return FALSE;
          continue;
        }
      old = find_table_column (from, sources[i].column);
      if (old == NULL || strcmp (old->declared_type, column->declared_type) != 0 ||
          !g_hash_table_add (taken, sources[i].column))
        return FALSE;
      if (strcmp (old->name, column->name) != 0 && has_column (from, column->name))
        return FALSE;
    }

  return TRUE;
}

static void
alter_table (Builder           *builder,
             const GodwitTable *from,
             const GodwitTable *to,
             ColumnSource      *sources,
             const char        *old_numbers,
             gboolean           drops_objects)
{
  g_autoptr(GHashTable) kept = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GString) renumber = g_string_new (NULL);

  if (drops_objects)
    add_statement (builder->alters, NULL,
                   *old_numbers != '\0' ?
                   g_strdup_printf ("DELETE FROM %s WHERE Z_ENT NOT IN (%s)", from->name, old_numbers) :
                   g_strdup_printf ("DELETE FROM %s", from->name));
  if (strcmp (from->name, to->name) != 0)
    add_statement (builder->alters, NULL,
                   g_strdup_printf ("ALTER TABLE %s RENAME TO %s", from->name, to->name));

  for (guint i = 0; i < to->columns->len; i++)
    if (sources[i].column != NULL)
      g_hash_table_add (kept, sources[i].column);
  for (guint i = 0; i < from->columns->len; i++)
    {
      const GodwitColumn *column = g_ptr_array_index (from->columns, i);

      if (!g_hash_table_contains (kept, column->name))
        add_statement (builder->alters, NULL,
                       g_strdup_printf ("ALTER TABLE %s DROP COLUMN %s", to->name, column->name));
    }

  for (guint i = 0; i < to->columns->len; i++)
    {
      const GodwitColumn *column = g_ptr_array_index (to->columns, i);

      if (sources[i].column == NULL)
        add_statement (builder->alters, NULL,
                       g_strdup_printf ("ALTER TABLE %s ADD COLUMN %s %s", to->name, column->name,
                                        column->declared_type));
      else if (strcmp (sources[i].column, column->name) != 0)
        add_statement (builder->alters, NULL,
                       g_strdup_printf ("ALTER TABLE %s RENAME COLUMN %s TO %s", to->name,
                                        sources[i].column, column->name));
      if (sources[i].renumbered && strcmp (sources[i].expression, sources[i].column) != 0)
        {
          g_autofree char *expression = dup_renumber_expression (builder, column->name);

          g_string_append_printf (renumber, "%s%s = %s", renumber->len > 0 ? ", " : "",
                                  column->name, expression);
        }
    }

  if (renumber->len > 0)
    add_statement (builder->alters, NULL,
                   g_strdup_printf ("UPDATE %s SET %s", to->name, renumber->str));
}

static void
rebuild_table (Builder           *builder,
               const GodwitTable *from,
               const GodwitTable *to,
               ColumnSource      *sources,
               const char        *old_numbers)
{
  g_autofree char *new_name = g_strconcat (to->name, NEW_TABLE_SUFFIX, NULL);
  g_autoptr(GString) names = g_string_new (NULL);
  g_autoptr(GString) values = g_string_new (NULL);
  Statement *copy;

  for (guint i = 0; i < to->columns->len; i++)
    {
      const GodwitColumn *column = g_ptr_array_index (to->columns, i);

      g_string_append_printf (names, "%s%s", i > 0 ? ", " : "", column->name);
      g_string_append_printf (values, "%s%s", i > 0 ? ", " : "", sources[i].expression);
    }

  add_statement (builder->creates, NULL, dup_create_table (builder, to->name, new_name));
  copy = g_new0 (Statement, 1);
  copy->kind = STATEMENT_SQL;
  copy->base.sql = g_strdup_printf ("INSERT INTO %s (%s) SELECT %s FROM %s%s%s%s", new_name, names->str,
                               values->str, from->name,
                               *old_numbers != '\0' ? " WHERE Z_ENT IN (" : " WHERE 0",
                               old_numbers, *old_numbers != '\0' ? ")" : "");
  copy->base.entity = g_strdup (to->root->name);
  copy->base.count_sql = g_strdup_printf ("SELECT COUNT(*) FROM %s", from->name);
  g_ptr_array_add (builder->creates, copy);
  add_statement (builder->renames, NULL,
                 g_strdup_printf ("ALTER TABLE %s RENAME TO %s", new_name, to->name));
}

/* Added attributes and attributes becoming non-optional get their default
 * value where they have none, as Core Data's new objects would; those
 * without a default are checked before anything runs. */
static void
add_values (Builder           *builder,
            const GodwitTable *to,
            const GodwitTable *from,
            GPtrArray         *hierarchy)
{
  for (guint i = 0; i < to->columns->len; i++)
    {
      const GodwitColumn *column = g_ptr_array_index (to->columns, i);
      g_autoptr(GString) new_numbers = g_string_new (NULL);
      g_autoptr(GString) old_numbers = g_string_new (NULL);
      const GodwitPropertyChange *change = NULL;
      GodwitEntity *change_source = NULL;
      g_autofree char *literal = NULL;

      if (column->role != GODWIT_COLUMN_ROLE_ATTRIBUTE || column->property == NULL)
        continue;

      for (guint j = 0; j < hierarchy->len; j++)
        {
          GodwitEntity *entity = g_ptr_array_index (hierarchy, j);
          GodwitEntity *source = source_entity_of (builder, entity);
          const GodwitPropertyChange *candidate;

          if (!godwit_entity_is_kind_of (entity, column->entity) || source == NULL)
            continue;
          candidate = find_property_change (builder, entity, column->property);
          if (candidate == NULL)
            continue;
          if (candidate->kind == GODWIT_CHANGE_ADDED ||
              (!candidate->destination->optional && candidate->source != NULL &&
               candidate->source->optional))
            {
              g_string_append_printf (new_numbers, "%s%u", new_numbers->len > 0 ? ", " : "",
                                      new_number (builder, entity));
              g_string_append_printf (old_numbers, "%s%u", old_numbers->len > 0 ? ", " : "",
                                      old_number (builder, source));
              change = candidate;
              change_source = source;
            }
        }
      if (change == NULL)
        continue;

      literal = _godwit_attribute_dup_default_literal (column->property);
      if (literal != NULL)
        add_statement (builder->fills, NULL,
                       g_strdup_printf ("UPDATE %s SET %s = %s WHERE %s IS NULL AND Z_ENT IN (%s)",
                                        to->name, column->name, literal, column->name,
                                        new_numbers->str));
      else if (change->needs_value && from != NULL)
        {
          Check *check = g_new0 (Check, 1);
          const GodwitColumn *old = NULL;

          if (change->source != NULL)
            old = godwit_store_layout_find_column (builder->self->source_layout, change_source,
                                                   change->source->name,
                                                   GODWIT_COLUMN_ROLE_ATTRIBUTE);
          check->count_sql = g_strdup_printf ("SELECT COUNT(*) FROM %s WHERE Z_ENT IN (%s)%s%s%s",
                                              from->name, old_numbers->str,
                                              old != NULL ? " AND " : "",
                                              old != NULL ? old->name : "",
                                              old != NULL ? " IS NULL" : "");
          check->blocker = g_strdup (change->blocker);
          check->property = g_strdup (column->property->name);
          g_ptr_array_add (builder->self->checks, check);
        }
    }
}

static gboolean
migrate_table (Builder            *builder,
               const GodwitTable  *to,
               GError            **error)
{
  g_autoptr(GPtrArray) hierarchy = dup_hierarchy (builder->destination, to->root);
  g_autoptr(GPtrArray) source_members = NULL;
  const GodwitTable *from = NULL;
  g_autofree char *old_numbers = NULL;
  ColumnSource *sources;
  gboolean drops_objects = FALSE;
  gboolean ok = TRUE;

  for (guint i = 0; i < hierarchy->len; i++)
    {
      GodwitEntity *source = source_entity_of (builder, g_ptr_array_index (hierarchy, i));
      const GodwitTable *table;

      if (source == NULL)
        continue;
      table = godwit_store_layout_get_table (builder->self->source_layout, source);
      if (from != NULL && table != from)
        {
          g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL,
                       "%s: %s would merge the objects of tables %s and %s: moving entities "
                       "between hierarchies is not supported",
                       godwit_model_get_source_name (builder->destination), to->root->name,
                       from->name, table->name);
          return FALSE;
        }
      from = table;
    }

  if (from == NULL)
    {
      add_statement (builder->fills, NULL, dup_create_table (builder, to->name, to->name));
      return TRUE;
    }
  if (!g_hash_table_add (builder->used_tables, g_strdup (from->name)))
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL,
                   "%s: the objects of table %s would be split over several tables: moving "
                   "entities out of a hierarchy is not supported",
                   godwit_model_get_source_name (builder->destination), from->name);
      return FALSE;
    }

  old_numbers = dup_old_numbers (builder, hierarchy);
  source_members = dup_hierarchy (builder->source, from->root);
  for (guint i = 0; i < source_members->len; i++)
    if (builder->renumber[old_number (builder, g_ptr_array_index (source_members, i))] == 0)
      drops_objects = TRUE;

  sources = g_new0 (ColumnSource, to->columns->len);
  for (guint i = 0; ok && i < to->columns->len; i++)
    ok = find_column_source (builder, hierarchy, g_ptr_array_index (to->columns, i), &sources[i],
                             error);

  if (ok)
    {
      if (can_alter (builder, from, to, sources))
        alter_table (builder, from, to, sources, old_numbers, drops_objects);
      else
        {
          rebuild_table (builder, from, to, sources, old_numbers);
          add_statement (builder->drops, NULL, g_strdup_printf ("DROP TABLE %s", from->name));
        }
      add_values (builder, to, from, hierarchy);
    }

  for (guint i = 0; i < to->columns->len; i++)
    column_source_clear (&sources[i]);
  g_free (sources);

  return ok;
}

/* The join table's rows from the source: its old join table, or the
 * foreign key of a relationship that was to-one. */
static gboolean
migrate_join_table (Builder                *builder,
                    const GodwitJoinTable  *to,
                    GError                **error)
{
  GodwitStoreLayout *layout = builder->self->source_layout;
  g_autofree char *new_name = g_strconcat (to->name, NEW_TABLE_SUFFIX, NULL);
  g_autofree char *select = NULL;
  g_autoptr(GString) names = g_string_new (NULL);
  const GodwitPropertyChange *change;
  const GodwitJoinTable *from;
  const GodwitColumn *to_one;
  GodwitEntity *source;
  GodwitProperty *relationship;
  Statement *copy;

  source = source_entity_of (builder, to->entity);
  change = source != NULL ? find_property_change (builder, to->entity, to->relationship) : NULL;
  relationship = change != NULL ? change->source : NULL;

  if (relationship == NULL)
    {
      add_statement (builder->fills, NULL, dup_create_table (builder, to->name, to->name));
      return TRUE;
    }

  g_string_append_printf (names, "%s, %s", to->column, to->inverse_column);
  from = godwit_store_layout_find_join_table (layout, source, relationship->name);
  to_one = godwit_store_layout_find_column (layout, source, relationship->name,
                                            GODWIT_COLUMN_ROLE_TO_ONE);
  if (from != NULL)
    {
      gboolean own_side = strcmp (from->relationship->name, relationship->name) == 0 &&
                          godwit_entity_is_kind_of (source, from->entity);
      const char *own = own_side ? from->column : from->inverse_column;
      const char *other = own_side ? from->inverse_column : from->column;
      const char *own_order = own_side ? from->order_column : from->inverse_order_column;
      const char *other_order = own_side ? from->inverse_order_column : from->order_column;
      g_autoptr(GString) values = g_string_new (NULL);

      g_string_append_printf (values, "%s, %s", own, other);
      if (to->order_column != NULL)
        {
          g_string_append_printf (names, ", %s", to->order_column);
          if (own_order != NULL)
            g_string_append_printf (values, ", %s", own_order);
          else
            g_string_append_printf (values, ", ROW_NUMBER () OVER (PARTITION BY %s ORDER BY %s)",
                                    own, other);
        }
      if (to->inverse_order_column != NULL)
        {
          g_string_append_printf (names, ", %s", to->inverse_order_column);
          if (other_order != NULL)
            g_string_append_printf (values, ", %s", other_order);
          else
            g_string_append_printf (values, ", ROW_NUMBER () OVER (PARTITION BY %s ORDER BY %s)",
                                    other, own);
        }

      /* Unchanged: nothing to copy. */
      if (strcmp (from->name, to->name) == 0 && strcmp (names->str, values->str) == 0)
        {
          g_hash_table_add (builder->kept_join_tables, g_strdup (from->name));
          return TRUE;
        }
      select = g_strdup_printf ("SELECT %s FROM %s", values->str, from->name);
    }
  else if (to_one != NULL)
    {
      const GodwitTable *table = godwit_store_layout_get_table (layout, source);
      g_autoptr(GString) values = g_string_new (NULL);

      g_string_append_printf (values, "Z_PK, %s", to_one->name);
      if (to->order_column != NULL)
        {
          g_string_append_printf (names, ", %s", to->order_column);
          g_string_append (values, ", 1");
        }
      if (to->inverse_order_column != NULL)
        {
          g_string_append_printf (names, ", %s", to->inverse_order_column);
          g_string_append_printf (values, ", ROW_NUMBER () OVER (PARTITION BY %s ORDER BY Z_PK)",
                                  to_one->name);
        }
      select = g_strdup_printf ("SELECT %s FROM %s WHERE %s IS NOT NULL AND Z_ENT = %u",
                                values->str, table->name, to_one->name, old_number (builder, source));
    }
  else
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL,
                   "%s: the objects related by %s.%s cannot be moved to join table %s by this "
                   "migration",
                   godwit_model_get_source_name (builder->destination), to->entity->name,
                   to->relationship->name, to->name);
      return FALSE;
    }

  add_statement (builder->creates, NULL, dup_create_table (builder, to->name, new_name));
  copy = g_new0 (Statement, 1);
  copy->kind = STATEMENT_SQL;
  copy->base.sql = g_strdup_printf ("INSERT INTO %s (%s) %s", new_name, names->str, select);
  copy->base.entity = g_strdup (to->entity->name);
  copy->base.count_sql = g_strdup_printf ("SELECT COUNT(*) FROM (%s)", select);
  g_ptr_array_add (builder->creates, copy);
  add_statement (builder->renames, NULL,
                 g_strdup_printf ("ALTER TABLE %s RENAME TO %s", new_name, to->name));
  return TRUE;
}

static void
add_primary_keys (Builder *builder)
{
  GodwitStoreLayout *layout = builder->self->destination_layout;
  GPtrArray *phase = builder->self->statements;

  add_statement (phase, NULL, g_strdup ("CREATE TEMP TABLE GODWIT_OLD_PRIMARYKEY AS "
                                        "SELECT Z_ENT, Z_MAX FROM Z_PRIMARYKEY"));
  add_statement (phase, NULL, g_strdup_printf ("DELETE FROM Z_PRIMARYKEY WHERE Z_ENT < %d",
                                               GODWIT_STORE_LAYOUT_CHANGE_ENTITY_NUMBER));
  for (guint number = 1;; number++)
    {
      GodwitEntity *entity = godwit_store_layout_get_entity_for_number (layout, number);
      g_autofree char *max = NULL;
      char *name;

      if (entity == NULL)
        break;
      if (entity->parent == NULL)
        {
          g_autoptr(GPtrArray) hierarchy = dup_hierarchy (builder->destination, entity);
          g_autofree char *old_numbers = dup_old_numbers (builder, hierarchy);
          const GodwitTable *table = godwit_store_layout_get_table (layout, entity);

          /* Z_MAX never goes back: a Z_PK used once is never reused. */
          if (*old_numbers == '\0')
            max = g_strdup_printf ("COALESCE ((SELECT MAX (Z_PK) FROM %s), 0)", table->name);
          else
            max = g_strdup_printf ("MAX (COALESCE ((SELECT MAX (Z_PK) FROM %s), 0), "
                                   "COALESCE ((SELECT MAX (Z_MAX) FROM GODWIT_OLD_PRIMARYKEY "
                                   "WHERE Z_ENT IN (%s)), 0))", table->name, old_numbers);
        }
      name = sqlite3_mprintf ("%Q", entity->name);
      add_statement (phase, NULL,
                     g_strdup_printf ("INSERT INTO Z_PRIMARYKEY (Z_ENT, Z_NAME, Z_SUPER, Z_MAX) "
                                      "VALUES (%u, %s, %u, %s)", number, name,
                                      entity->parent != NULL ? new_number (builder, entity->parent) : 0,
                                      max != NULL ? max : "0"));
      sqlite3_free (name);
    }
  add_statement (phase, NULL, g_strdup ("DROP TABLE temp.GODWIT_OLD_PRIMARYKEY"));
}

static gboolean
build (Builder  *builder,
       GError  **error)
{
  GodwitLightweightMigration *self = builder->self;
  GPtrArray *tables = godwit_store_layout_get_tables (self->destination_layout);
  GPtrArray *join_tables = godwit_store_layout_get_join_tables (self->destination_layout);
  GPtrArray *source_tables = godwit_store_layout_get_tables (self->source_layout);
  GPtrArray *source_join_tables = godwit_store_layout_get_join_tables (self->source_layout);
  GPtrArray *indexes;
  GPtrArray *phases[5];
  Statement *metadata;

  /* Indexes first: DROP COLUMN refuses indexed columns. */
  indexes = godwit_store_layout_get_indexes (self->source_layout);
  for (guint i = 0; i < indexes->len; i++)
    add_statement (self->statements, NULL,
                   g_strdup_printf ("DROP INDEX IF EXISTS %s",
                                    ((const GodwitIndex *) g_ptr_array_index (indexes, i))->name));

  for (guint i = 0; i < tables->len; i++)
    if (!migrate_table (builder, g_ptr_array_index (tables, i), error))
      return FALSE;
  for (guint i = 0; i < join_tables->len; i++)
    if (!migrate_join_table (builder, g_ptr_array_index (join_tables, i), error))
      return FALSE;

  for (guint i = 0; i < source_tables->len; i++)
    {
      const GodwitTable *table = g_ptr_array_index (source_tables, i);

      if (!g_hash_table_contains (builder->used_tables, table->name))
        add_statement (builder->drops, NULL, g_strdup_printf ("DROP TABLE %s", table->name));
    }
  /* Join tables read by a copy stay until all copies are done. */
  for (guint i = 0; i < source_join_tables->len; i++)
    {
      const GodwitJoinTable *join = g_ptr_array_index (source_join_tables, i);

      if (!g_hash_table_contains (builder->kept_join_tables, join->name))
        add_statement (builder->drops, NULL, g_strdup_printf ("DROP TABLE %s", join->name));
    }

  phases[0] = builder->creates;
  phases[1] = builder->alters;
  phases[2] = builder->drops;
  phases[3] = builder->renames;
  phases[4] = builder->fills;
  for (guint i = 0; i < G_N_ELEMENTS (phases); i++)
    {
      for (guint j = 0; j < phases[i]->len; j++)
        g_ptr_array_add (self->statements, g_ptr_array_index (phases[i], j));
      g_ptr_array_set_free_func (phases[i], NULL);
    }

  indexes = godwit_store_layout_get_indexes (self->destination_layout);
  for (guint i = 0; i < indexes->len; i++)
    add_statement (self->statements, NULL,
                   g_strdup (((const GodwitIndex *) g_ptr_array_index (indexes, i))->sql));

  if (!renumbering_is_identity (builder))
    {
      g_autofree char *expression = dup_renumber_expression (builder, "ZENTITY");

      add_statement (self->statements, "ACHANGE",
                     g_strdup_printf ("UPDATE ACHANGE SET ZENTITY = %s", expression));
    }

  add_primary_keys (builder);

  metadata = g_new0 (Statement, 1);
  metadata->kind = STATEMENT_METADATA;
  metadata->base.sql = g_strdup ("UPDATE Z_METADATA SET Z_PLIST = ? WHERE Z_VERSION = 1");
  g_ptr_array_add (self->statements, metadata);
  add_statement (self->statements, "Z_MODELCACHE", g_strdup ("DELETE FROM Z_MODELCACHE"));

  return TRUE;
}

/**
 * godwit_lightweight_migration_new:
 *
 * Plans the inferred migration from @source to @destination (both
 * resolved). Fails with %GODWIT_ERROR_INVALID_MODEL listing the diff's
 * blockers when the step cannot be inferred; changes that need a value
 * stored objects may lack are checked by run().
 *
 * Returns: (transfer full) (nullable):
 */
GodwitLightweightMigration *
godwit_lightweight_migration_new (GodwitModel  *source,
                                  GodwitModel  *destination,
                                  GError      **error)
{
  g_autoptr(GodwitLightweightMigration) self = NULL;
  g_autoptr(GPtrArray) creates = g_ptr_array_new_with_free_func (statement_free);
  g_autoptr(GPtrArray) alters = g_ptr_array_new_with_free_func (statement_free);
  g_autoptr(GPtrArray) drops = g_ptr_array_new_with_free_func (statement_free);
  g_autoptr(GPtrArray) renames = g_ptr_array_new_with_free_func (statement_free);
  g_autoptr(GPtrArray) fills = g_ptr_array_new_with_free_func (statement_free);
  g_autoptr(GHashTable) used_tables = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) kept_join_tables = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree guint *renumber = NULL;
  GPtrArray *entities;
  Builder builder;

  g_return_val_if_fail (GODWIT_IS_MODEL (source), NULL);
  g_return_val_if_fail (GODWIT_IS_MODEL (destination), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (GODWIT_TYPE_LIGHTWEIGHT_MIGRATION, NULL);
  self->diff = godwit_model_diff_new (source, destination);
  if (!check_inferable (self->diff, error))
    return NULL;

  self->source_layout = godwit_store_layout_new (source, FALSE, error);
  if (self->source_layout == NULL)
    return NULL;
  self->destination_layout = godwit_store_layout_new (destination, FALSE, error);
  if (self->destination_layout == NULL ||
      !check_identifiers (self->source_layout, error) ||
      !check_identifiers (self->destination_layout, error))
    return NULL;

  entities = godwit_model_get_entities (source);
  renumber = g_new0 (guint, entities->len + 1);
  for (guint i = 0; i < entities->len; i++)
    {
      GodwitEntity *entity = g_ptr_array_index (entities, i);
      const GodwitEntityChange *change = godwit_model_diff_find_source_entity (self->diff,
                                                                              entity->name);
      guint number = godwit_store_layout_get_entity_number (self->source_layout, entity);

      if (number == 0 || number > entities->len)
        continue;
      if (change != NULL && change->destination != NULL)
        renumber[number] = godwit_store_layout_get_entity_number (self->destination_layout,
                                                                  change->destination);
    }

  builder.self = self;
  builder.source = source;
  builder.destination = destination;
  builder.renumber = renumber;
  builder.n_source = entities->len;
  builder.used_tables = used_tables;
  builder.kept_join_tables = kept_join_tables;
  builder.creates = creates;
  builder.alters = alters;
  builder.drops = drops;
  builder.renames = renames;
  builder.fills = fills;
  if (!build (&builder, error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * godwit_lightweight_migration_get_diff:
 *
 * Returns: (transfer none): the changes this step migrates
 */
GodwitModelDiff *
godwit_lightweight_migration_get_diff (GodwitLightweightMigration *self)
{
  g_return_val_if_fail (GODWIT_IS_LIGHTWEIGHT_MIGRATION (self), NULL);

  return self->diff;
}

/**
 * godwit_lightweight_migration_dup_sql:
 *
 * The statements run() executes, in order. Z_METADATA's plist is bound
 * as a parameter computed from the stored one; statements on the
 * persistent-history table ACHANGE and on Z_MODELCACHE are skipped on
 * stores without them.
 *
 * Returns: (transfer full) (element-type utf8):
 */
GPtrArray *
godwit_lightweight_migration_dup_sql (GodwitLightweightMigration *self)
{
  g_return_val_if_fail (GODWIT_IS_LIGHTWEIGHT_MIGRATION (self), NULL);

  return _godwit_sql_statements_dup_sql (self->statements);
}

/* ---- running ---------------------------------------------------------- */

static gboolean
table_exists (GodwitSqlRun  *run,
              const char    *name,
              gboolean      *exists,
              GError       **error)
{
  char *sql = sqlite3_mprintf ("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = %Q",
                               name);
  gint64 count = 0;
  gboolean ok = _godwit_sql_run_query_int (run, CANNOT_READ, sql, &count, error);

  sqlite3_free (sql);
  *exists = count > 0;
  return ok;
}

static gboolean
check_values (GodwitLightweightMigration  *self,
              GodwitSqlRun                *run,
              GError                     **error)
{
  for (guint i = 0; i < self->checks->len; i++)
    {
      const Check *check = g_ptr_array_index (self->checks, i);
      gint64 count = 0;

      if (!_godwit_sql_run_query_int (run, CANNOT_READ, check->count_sql, &count,
                                      error))
        return FALSE;
      if (count > 0)
        {
          g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL,
                       "%s: %s: %" G_GINT64_FORMAT " %s no %s", run->path, check->blocker, count,
                       count == 1 ? "object has" : "objects have", check->property);
          return FALSE;
        }
    }

  return TRUE;
}

/* Keeps every key but the model's: unknown keys belong to the app. */
static gboolean
write_metadata (GodwitLightweightMigration  *self,
                GodwitSqlRun                *run,
                const char                  *sql,
                GError                     **error)
{
  sqlite3_stmt *statement = NULL;
  plist_t metadata = NULL;
  plist_t version;
  uint64_t framework_version = 0;
  char *binary = NULL;
  uint32_t length = 0;
  int result;

  if (sqlite3_prepare_v2 (run->db, "SELECT Z_PLIST FROM Z_METADATA WHERE Z_VERSION = 1", -1,
                          &statement, NULL) != SQLITE_OK)
    return _godwit_sql_run_fail (run, "cannot read the store metadata", "Z_METADATA", error);
  result = sqlite3_step (statement);
  if (result == SQLITE_ROW && sqlite3_column_bytes (statement, 0) > 0)
    plist_from_bin (sqlite3_column_blob (statement, 0),
                    (uint32_t) sqlite3_column_bytes (statement, 0), &metadata);
  sqlite3_finalize (statement);
  if (result != SQLITE_ROW)
    {
      if (result == SQLITE_DONE)
        g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_NOT_CORE_DATA_STORE,
                     "%s: Z_METADATA has no row", run->path);
      else
        _godwit_sql_run_fail (run, "cannot read the store metadata", "Z_METADATA", error);
      return FALSE;
    }
  if (metadata != NULL && plist_get_node_type (metadata) != PLIST_DICT)
    g_clear_pointer (&metadata, plist_free);
  if (metadata == NULL)
    metadata = plist_new_dict ();

  version = plist_dict_get_item (metadata, "NSPersistenceFrameworkVersion");
  if (version != NULL && plist_get_node_type (version) == PLIST_UINT)
    plist_get_uint_val (version, &framework_version);
  _godwit_store_metadata_set_version (metadata, godwit_model_diff_get_destination (self->diff),
                                      (gint64) MIN (framework_version, G_MAXINT64));

  plist_to_bin (metadata, &binary, &length);
  plist_free (metadata);
  if (binary == NULL)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_PLIST,
                   "%s: cannot encode the store metadata as a binary property list", run->path);
      return FALSE;
    }

  if (sqlite3_prepare_v2 (run->db, sql, -1, &statement, NULL) != SQLITE_OK)
    {
      plist_to_bin_free (binary);
      return _godwit_sql_run_fail (run, "cannot write the store metadata", sql, error);
    }
  sqlite3_bind_blob (statement, 1, binary, (int) length, SQLITE_STATIC);
  result = sqlite3_step (statement);
  sqlite3_finalize (statement);
  plist_to_bin_free (binary);
  if (result != SQLITE_DONE)
    return _godwit_sql_run_fail (run, "cannot write the store metadata", sql, error);

  return TRUE;
}

static gboolean
run_statements (GodwitLightweightMigration  *self,
                GodwitSqlRun                *run,
                GodwitMigrationProgressFunc  progress,
                gpointer                     user_data,
                GError                     **error)
{
  if (!check_values (self, run, error))
    return FALSE;

  for (guint i = 0; i < self->statements->len; i++)
    {
      const Statement *statement = g_ptr_array_index (self->statements, i);

      if (g_cancellable_set_error_if_cancelled (run->cancellable, error))
        return FALSE;

      if (statement->required_table != NULL)
        {
          gboolean exists = FALSE;

          if (!table_exists (run, statement->required_table, &exists, error))
            return FALSE;
          if (!exists)
            continue;
        }

      if (statement->kind == STATEMENT_METADATA)
        {
          if (!write_metadata (self, run, statement->base.sql, error))
            return FALSE;
          continue;
        }

      if (!_godwit_sql_run_statement (run, CANNOT_MIGRATE, &statement->base, progress, user_data,
                                      error))
        return FALSE;
    }

  return TRUE;
}

/**
 * godwit_lightweight_migration_run:
 * @db: a read-write connection to a work copy of the store, outside any
 *   transaction
 *
 * Migrates the store in one transaction: on failure or cancellation
 * nothing is changed. Objects keep their Z_PK and Z_OPT, the store its
 * Z_UUID and unknown metadata keys.
 *
 * Returns: %TRUE on success
 */
gboolean
godwit_lightweight_migration_run (GodwitLightweightMigration   *self,
                                  sqlite3                      *db,
                                  GodwitMigrationProgressFunc   progress,
                                  gpointer                      user_data,
                                  GCancellable                 *cancellable,
                                  GError                      **error)
{
  const char *path;
  GodwitSqlRun run;
  gboolean ok;

  g_return_val_if_fail (GODWIT_IS_LIGHTWEIGHT_MIGRATION (self), FALSE);
  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  path = sqlite3_db_filename (db, "main");
  run.db = db;
  run.path = path != NULL && *path != '\0' ? path : ":memory:";
  run.cancellable = cancellable;
  run.code = GODWIT_ERROR_CORRUPT_STORE;
  run.show_sql = TRUE;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  if (!sqlite3_get_autocommit (db))
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_IO,
                   "%s: the connection is inside a transaction", run.path);
      return FALSE;
    }

  /* Core Data declares no foreign keys; off makes table rebuilds safe
   * (it cannot change inside a transaction). */
  if (!_godwit_sql_run_execute (&run, CANNOT_MIGRATE, "PRAGMA foreign_keys = OFF", error) ||
      !_godwit_sql_run_execute (&run, CANNOT_MIGRATE, "BEGIN IMMEDIATE", error))
    return FALSE;

  _godwit_sql_run_watch_cancellable (&run);
  ok = run_statements (self, &run, progress, user_data, error);
  if (ok)
    ok = _godwit_sql_run_execute (&run, CANNOT_MIGRATE, "COMMIT", error);
  _godwit_sql_run_unwatch_cancellable (&run);
  if (!ok && !sqlite3_get_autocommit (db))
    sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);

  return ok;
}
