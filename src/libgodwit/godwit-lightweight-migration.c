/* godwit-lightweight-migration.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* One inferred (lightweight) migration step done in place with SQL, the
 * way Core Data migrates an SQLite store without loading objects: tables
 * are altered where ALTER TABLE can express the change and rebuilt where
 * it cannot, by SQLite's documented procedure (create, copy, drop, rename)
 * with foreign keys off, so that nothing cascades. Objects keep their Z_PK
 * and Z_OPT, the store its Z_UUID and unknown metadata keys; Z_ENT numbers
 * are renumbered wherever they are stored (rows, Z<n>_ columns,
 * Z_PRIMARYKEY, ACHANGE.ZENTITY), only in the rows holding a number that
 * changes.
 *
 * - Work that grows with the store is left out where the result is the
 *   same without it: an index whose table stays in place and which the
 *   destination wants as it is (its SQL after the step's column renames)
 *   is kept rather than built again, once the store is seen to hold it
 *   so; a join table whose name or columns change only with an entity
 *   number is renamed rather than copied.
 *
 * - Hierarchies: an entity moved out of a hierarchy takes its rows, Z_PK
 *   and all, to its own table, so one source table may feed several. Core
 *   Data cannot merge hierarchies (the model diff refuses it): a table is
 *   fed by one source table at most and Z_PKs never clash.
 * - Relationships whose storage changes (to-one ↔ to-many, a new inverse,
 *   a new join table name) take their links from the old storage, read
 *   before anything changes. A foreign key, or the owner column of a
 *   to-many without inverse, that would need several links for one object
 *   fails the step, with a count, before anything changes.
 * - Links to objects that are removed, or no longer of the entity the
 *   link points at, are dropped rather than left dangling.
 * - Persistent history stays: ACHANGE.ZENTITY is renumbered, changes of
 *   removed entities (which no entity of the destination can name) are
 *   deleted, and the ZTOMBSTONEn columns the destination needs are added.
 * - Z_MODELCACHE is emptied rather than left stale: Godwit cannot write a
 *   cached model yet, and stores without one open (framework 241 and 519
 *   stores have none).
 */

#define G_LOG_DOMAIN "godwit-lightweight-migration"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>
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
#define CANNOT_MIGRATE _("cannot migrate the store")
#define CANNOT_READ    _("cannot read the store")

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
  char               *required_table;  /* (nullable): skipped when the store lacks it … */
  char               *missing_column;  /* (nullable): … or already has this column in it */
  const GodwitIndex  *unless_index;    /* (nullable) (unowned): skipped when the store has this
                                        * index, SQL and all */
  gboolean            counts_changes;  /* progress: the rows it wrote, once written, where
                                        * counting first would cost as much as the copy */
} Statement;

/* What the objects a check counts do wrong. */
typedef enum
{
  CHECK_NO_VALUE,     /* they have no @property */
  CHECK_TO_ONE,       /* they are related to more than one @entity */
  CHECK_ONE_OWNER,    /* they are in the @property of more than one @entity */
} CheckKind;

/* Stored objects the destination cannot hold as they are: the step fails
 * when @count_sql counts any. */
typedef struct
{
  char      *count_sql;
  char      *problem;   /* Post.title becomes non-optional without a default value */
  CheckKind  kind;
  char      *property;  /* (nullable) */
  char      *entity;    /* (nullable) */
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
  char         *expression;  /* over the source table's columns and old Z_ENT numbers */
  char         *column;      /* (nullable): the source column when copied as it is … */
  gboolean      renumbered;  /* … or with Z_ENT numbers renumbered, … */
  GodwitEntity *numbered;    /* (nullable) (unowned): … which are those of the kinds of this
                              * source entity (NULL: of any) */
} ColumnSource;

/* The links of a relationship, as a query over the source store with the
 * columns OWNER and TARGET (Z_PKs), OWNER_POSITION (the target's position
 * in the owner's ordered relationship) and TARGET_POSITION (the owner's
 * position in the target's ordered inverse), NULL where no order is kept. */
typedef struct
{
  char     *query;
  gboolean  owner_positions;
  gboolean  target_positions;
} Links;

/* A relationship column of a table copy filled from its links, joined to
 * the source table as @alias. */
typedef struct
{
  GodwitProperty *relationship;  /* (unowned) the destination relationship */
  char           *alias;
} LinkedColumn;

/* One destination table being filled from one source table. */
typedef struct
{
  const GodwitTable *from;
  const GodwitTable *to;
  GPtrArray         *hierarchy;  /* (element-type GodwitEntity): @to's entities */
  GPtrArray         *linked;     /* (element-type LinkedColumn) */
  GString           *joins;      /* LEFT JOINs of the links into the copy */
} TableCopy;

/* A source table altered in place: its name in the destination, and its
 * columns renamed (old name → new name) or dropped (old name → NULL). */
typedef struct
{
  char       *name;
  GHashTable *columns;
  gboolean    drops_columns;
} KeptTable;

/* State while the statements are built. */
typedef struct
{
  GodwitLightweightMigration *self;
  GodwitModel                *source;
  GodwitModel                *destination;
  guint                      *renumber;     /* old Z_ENT → new Z_ENT (0: removed) */
  guint                       n_source;
  GHashTable                 *kept;         /* (element-type utf8 KeptTable): source tables
                                             * (entity and join tables) altered in place */
  GPtrArray                  *creates;      /* (element-type Statement) phases, run in order */
  GPtrArray                  *alters;
  GPtrArray                  *drops;
  GPtrArray                  *renames;
  GPtrArray                  *fills;
  GPtrArray                  *cleanups;
} Builder;

static void
statement_free (gpointer data)
{
  Statement *statement = data;

  _godwit_sql_statement_clear (&statement->base);
  g_free (statement->required_table);
  g_free (statement->missing_column);
  g_free (statement);
}

static void
check_free (gpointer data)
{
  Check *check = data;

  g_free (check->count_sql);
  g_free (check->problem);
  g_free (check->property);
  g_free (check->entity);
  g_free (check);
}

static void
column_source_clear (ColumnSource *source)
{
  g_clear_pointer (&source->expression, g_free);
  g_clear_pointer (&source->column, g_free);
}

static void
links_clear (Links *links)
{
  g_clear_pointer (&links->query, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Links, links_clear)

static void
linked_column_free (gpointer data)
{
  LinkedColumn *linked = data;

  g_free (linked->alias);
  g_free (linked);
}

static void
kept_table_free (gpointer data)
{
  KeptTable *kept = data;

  g_free (kept->name);
  g_hash_table_unref (kept->columns);
  g_free (kept);
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

static Statement *
add_statement (GPtrArray  *phase,
               const char *required_table,
               char       *sql)
{
  Statement *statement = g_new0 (Statement, 1);

  statement->kind = STATEMENT_SQL;
  statement->base.sql = sql;
  statement->required_table = g_strdup (required_table);
  g_ptr_array_add (phase, statement);

  return statement;
}

static void
add_check (GodwitLightweightMigration *self,
           char                       *count_sql,
           char                       *problem,
           CheckKind                   kind,
           const char                 *property,
           const char                 *entity)
{
  Check *check = g_new0 (Check, 1);

  check->count_sql = count_sql;
  check->problem = problem;
  check->kind = kind;
  check->property = g_strdup (property);
  check->entity = g_strdup (entity);
  g_ptr_array_add (self->checks, check);
}

/* Records that source table @from stays in place, as @to. */
static KeptTable *
keep_table (Builder    *builder,
            const char *from,
            const char *to)
{
  KeptTable *kept = g_new0 (KeptTable, 1);

  kept->name = g_strdup (to);
  kept->columns = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_hash_table_insert (builder->kept, g_strdup (from), kept);

  return kept;
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
                   _("%s: the store name “%s” is not a plain SQL identifier"),
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
               _("%s → %s: the migration cannot be inferred: %s"),
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

static void
append_number (GString *list,
               guint    number)
{
  g_string_append_printf (list, "%s%u", list->len > 0 ? ", " : "", number);
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

/* The destination entity @source's objects become, or NULL when removed. */
static GodwitEntity *
counterpart_of (Builder      *builder,
                GodwitEntity *source)
{
  const GodwitEntityChange *change =
    godwit_model_diff_find_source_entity (builder->self->diff, source->name);

  return change != NULL ? change->destination : NULL;
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

/* The source relationship @relationship of @destination (own or
 * inherited) takes its links from, or NULL when it is new there. */
static GodwitProperty *
source_relationship_of (Builder        *builder,
                        GodwitEntity   *destination,
                        GodwitProperty *relationship)
{
  const GodwitPropertyChange *change = find_property_change (builder, destination, relationship);

  if (change == NULL || change->source == NULL ||
      change->source->kind != GODWIT_PROPERTY_KIND_RELATIONSHIP)
    return NULL;

  return change->source;
}

/* Entities of @model that are kinds of @kind, @kind first: with a root
 * entity, those stored in its table. */
static GPtrArray *
dup_kinds (GodwitModel  *model,
           GodwitEntity *kind)
{
  GPtrArray *entities = godwit_model_get_entities (model);
  GPtrArray *kinds = g_ptr_array_new ();

  g_ptr_array_add (kinds, kind);
  for (guint i = 0; i < entities->len; i++)
    {
      GodwitEntity *entity = g_ptr_array_index (entities, i);

      if (entity != kind && godwit_entity_is_kind_of (entity, kind))
        g_ptr_array_add (kinds, entity);
    }

  return kinds;
}

/* Renumbers @column of @table where it holds an old number that changes,
 * of a kind of source entity @kind (of any entity when NULL): the rows
 * holding other numbers are left alone, and a table holding none that
 * changes is not touched. */
static void
add_renumbering (Builder      *builder,
                 GPtrArray    *phase,
                 const char   *required_table,
                 const char   *table,
                 const char   *column,
                 GodwitEntity *kind)
{
  g_autofree gboolean *held = g_new0 (gboolean, builder->n_source + 1);
  g_autoptr(GString) cases = g_string_new (NULL);
  g_autoptr(GString) changing = g_string_new (NULL);
  guint n_changing = 0;
  guint last = 0;

  if (kind != NULL)
    {
      g_autoptr(GPtrArray) kinds = dup_kinds (builder->source, kind);

      for (guint i = 0; i < kinds->len; i++)
        {
          guint number = old_number (builder, g_ptr_array_index (kinds, i));

          if (number <= builder->n_source)
            held[number] = TRUE;
        }
    }

  for (guint i = 1; i <= builder->n_source; i++)
    {
      if ((kind != NULL && !held[i]) || builder->renumber[i] == 0 || builder->renumber[i] == i)
        continue;
      g_string_append_printf (cases, " WHEN %u THEN %u", i, builder->renumber[i]);
      append_number (changing, i);
      last = i;
      n_changing++;
    }

  if (n_changing == 1)
    add_statement (phase, required_table,
                   g_strdup_printf ("UPDATE %s SET %s = %u WHERE %s = %u", table, column,
                                    builder->renumber[last], column, last));
  else if (n_changing > 1)
    add_statement (phase, required_table,
                   g_strdup_printf ("UPDATE %s SET %s = CASE %s%s END WHERE %s IN (%s)", table,
                                    column, column, cases->str, column, changing->str));
}

/* New Z_ENT numbers of @kind and its sub-entities. */
static char *
dup_kind_numbers (Builder      *builder,
                  GodwitEntity *kind)
{
  g_autoptr(GPtrArray) kinds = dup_kinds (builder->destination, kind);
  GString *list = g_string_new (NULL);

  for (guint i = 0; i < kinds->len; i++)
    append_number (list, new_number (builder, g_ptr_array_index (kinds, i)));

  return g_string_free (list, FALSE);
}

/* Old Z_ENT numbers of the kinds of @source_kind whose objects stay
 * objects of a kind of @kind. */
static char *
dup_surviving_numbers (Builder      *builder,
                       GodwitEntity *source_kind,
                       GodwitEntity *kind)
{
  g_autoptr(GPtrArray) kinds = dup_kinds (builder->source, source_kind);
  GString *list = g_string_new (NULL);

  for (guint i = 0; i < kinds->len; i++)
    {
      GodwitEntity *counterpart = counterpart_of (builder, g_ptr_array_index (kinds, i));

      if (counterpart != NULL && godwit_entity_is_kind_of (counterpart, kind))
        append_number (list, old_number (builder, g_ptr_array_index (kinds, i)));
    }

  return g_string_free (list, FALSE);
}

/* Whether objects of a kind of @source_kind are removed, or stop being of
 * a kind of @kind: links to them must go. */
static gboolean
loses_objects (Builder      *builder,
               GodwitEntity *source_kind,
               GodwitEntity *kind)
{
  g_autoptr(GPtrArray) kinds = NULL;

  if (source_kind == NULL)
    return FALSE;

  kinds = dup_kinds (builder->source, source_kind);
  for (guint i = 0; i < kinds->len; i++)
    {
      GodwitEntity *counterpart = counterpart_of (builder, g_ptr_array_index (kinds, i));

      if (counterpart == NULL || !godwit_entity_is_kind_of (counterpart, kind))
        return TRUE;
    }

  return FALSE;
}

/* Old numbers of the source entities of @destination_entities. */
static char *
dup_old_numbers (Builder   *builder,
                 GPtrArray *destination_entities)
{
  GString *list = g_string_new (NULL);

  for (guint i = 0; i < destination_entities->len; i++)
    {
      GodwitEntity *source = source_entity_of (builder,
                                               g_ptr_array_index (destination_entities, i));

      if (source != NULL)
        append_number (list, old_number (builder, source));
    }

  return g_string_free (list, FALSE);
}

/* ---- links ------------------------------------------------------------ */

/* The links that @relationship (a source relationship, as @entity sees it)
 * stores for objects of exactly @entity, to objects whose old Z_ENT is
 * among @targets, as a Links query; @reversed swaps owners and targets.
 * NULL when the source keeps no links for it. */
static char *
dup_source_links (Builder        *builder,
                  GodwitEntity   *entity,
                  GodwitProperty *relationship,
                  const char     *targets,
                  gboolean        reversed,
                  gboolean       *owner_positions,
                  gboolean       *target_positions)
{
  GodwitStoreLayout *layout = builder->self->source_layout;
  GodwitEntity *target = godwit_model_get_entity (builder->source,
                                                  relationship->destination_entity);
  const GodwitTable *table;
  const GodwitTable *target_table;
  const GodwitJoinTable *join;
  const GodwitColumn *key;
  const GodwitColumn *position = NULL;
  g_autofree char *owners_sql = NULL;
  g_autofree char *targets_sql = NULL;
  g_autofree char *condition = NULL;
  const char *source;
  const char *columns[4] = { NULL, NULL, "NULL", "NULL" };

  if (target == NULL)
    return NULL;

  table = godwit_store_layout_get_table (layout, entity);
  target_table = godwit_store_layout_get_table (layout, target);
  owners_sql = g_strdup_printf ("SELECT Z_PK FROM %s WHERE Z_ENT = %u", table->name,
                                old_number (builder, entity));
  targets_sql = g_strdup_printf ("SELECT Z_PK FROM %s WHERE Z_ENT IN (%s)", target_table->name,
                                 targets);

  key = godwit_store_layout_find_column (layout, entity, relationship->name,
                                         GODWIT_COLUMN_ROLE_TO_ONE);
  join = godwit_store_layout_find_join_table (layout, entity, relationship->name);
  if (key != NULL)
    {
      position = godwit_store_layout_find_column (layout, entity, relationship->name,
                                                  GODWIT_COLUMN_ROLE_ORDER);
      source = table->name;
      columns[0] = "Z_PK";
      columns[1] = key->name;
      if (position != NULL)
        columns[3] = position->name;
      condition = g_strdup_printf ("Z_ENT = %u AND %s IN (%s)", old_number (builder, entity),
                                   key->name, targets_sql);
    }
  else if (join != NULL)
    {
      /* A reflexive relationship may hold both columns: its own side is
       * the one named after it. */
      gboolean own_side = strcmp (join->relationship->name, relationship->name) == 0 &&
                          godwit_entity_is_kind_of (entity, join->entity);

      source = join->name;
      columns[0] = own_side ? join->column : join->inverse_column;
      columns[1] = own_side ? join->inverse_column : join->column;
      if ((own_side ? join->order_column : join->inverse_order_column) != NULL)
        columns[2] = own_side ? join->order_column : join->inverse_order_column;
      if ((own_side ? join->inverse_order_column : join->order_column) != NULL)
        columns[3] = own_side ? join->inverse_order_column : join->order_column;
      /* "+" keeps SQLite from probing the join table's primary key for
       * every (owner, target) pair: one scan of the rows is linear. */
      condition = g_strdup_printf ("+%s IN (%s) AND +%s IN (%s)", columns[0], owners_sql,
                                   columns[1], targets_sql);
    }
  else
    {
      /* The owner's Z_PK is in the target's row: the column of a to-many
       * relationship without inverse, or the to-one inverse's key. */
      GodwitProperty *inverse = NULL;

      key = godwit_store_layout_find_column (layout, entity, relationship->name,
                                             GODWIT_COLUMN_ROLE_TO_MANY_OWNER);
      if (key != NULL)
        position = godwit_store_layout_find_column (layout, entity, relationship->name,
                                                    GODWIT_COLUMN_ROLE_ORDER);
      else
        {
          if (relationship->inverse_name != NULL)
            inverse = godwit_entity_find_property (target, relationship->inverse_name);
          if (inverse == NULL)
            return NULL;
          key = godwit_store_layout_find_column (layout, target, inverse->name,
                                                 GODWIT_COLUMN_ROLE_TO_ONE);
          position = godwit_store_layout_find_column (layout, target, inverse->name,
                                                      GODWIT_COLUMN_ROLE_ORDER);
        }
      if (key == NULL)
        return NULL;

      source = target_table->name;
      columns[0] = key->name;
      columns[1] = "Z_PK";
      if (position != NULL)
        columns[2] = position->name;
      condition = g_strdup_printf ("Z_ENT IN (%s) AND %s IN (%s)", targets, key->name, owners_sql);
    }

  *owner_positions |= strcmp (columns[reversed ? 3 : 2], "NULL") != 0;
  *target_positions |= strcmp (columns[reversed ? 2 : 3], "NULL") != 0;

  return g_strdup_printf ("SELECT %s AS OWNER, %s AS TARGET, %s AS OWNER_POSITION, "
                          "%s AS TARGET_POSITION FROM %s WHERE %s",
                          columns[reversed ? 1 : 0], columns[reversed ? 0 : 1],
                          columns[reversed ? 3 : 2], columns[reversed ? 2 : 3], source, condition);
}

/* Adds the links of @relationship in each kind of @kind to @parts; their
 * targets must stay of a kind of @target_kind. */
static void
add_kind_links (Builder        *builder,
                GodwitEntity   *kind,
                GodwitProperty *relationship,
                GodwitEntity   *target_kind,
                gboolean        reversed,
                GPtrArray      *parts,
                Links          *links)
{
  g_autoptr(GPtrArray) kinds = dup_kinds (builder->destination, kind);

  for (guint i = 0; i < kinds->len; i++)
    {
      GodwitEntity *entity = g_ptr_array_index (kinds, i);
      GodwitEntity *source = source_entity_of (builder, entity);
      GodwitProperty *from = source != NULL ? source_relationship_of (builder, entity, relationship)
                                            : NULL;
      GodwitEntity *source_target;
      g_autofree char *targets = NULL;
      char *part;

      if (from == NULL)
        continue;
      source_target = godwit_model_get_entity (builder->source, from->destination_entity);
      if (source_target == NULL)
        continue;

      targets = dup_surviving_numbers (builder, source_target, target_kind);
      part = dup_source_links (builder, source, from, targets, reversed, &links->owner_positions,
                               &links->target_positions);
      if (part != NULL)
        g_ptr_array_add (parts, part);
    }
}

/* The links destination relationship @relationship of @owner (the entity
 * declaring it) starts with: its counterpart's in each kind of @owner, or,
 * when it has none, its inverse's counterpart's, reversed. %FALSE when it
 * starts empty. */
static gboolean
find_links (Builder        *builder,
            GodwitEntity   *owner,
            GodwitProperty *relationship,
            Links          *links)
{
  GodwitEntity *target = godwit_model_get_entity (builder->destination,
                                                  relationship->destination_entity);
  GodwitProperty *inverse = NULL;
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);

  memset (links, 0, sizeof (Links));
  if (target == NULL)
    return FALSE;
  if (relationship->inverse_name != NULL)
    inverse = godwit_entity_find_property (target, relationship->inverse_name);

  add_kind_links (builder, owner, relationship, target, FALSE, parts, links);
  if (parts->len == 0 && inverse != NULL)
    add_kind_links (builder, target, inverse, owner, TRUE, parts, links);
  if (parts->len == 0)
    return FALSE;

  g_ptr_array_add (parts, NULL);
  links->query = g_strjoinv (" UNION ALL ", (char **) parts->pdata);
  return TRUE;
}

/* Objects the destination allows one link only must not have several. */
static void
add_single_link_check (Builder        *builder,
                       const Links    *links,
                       GodwitEntity   *owner,
                       GodwitProperty *relationship)
{
  if (!relationship->to_many)
    add_check (builder->self,
               g_strdup_printf ("SELECT COUNT(*) FROM (SELECT OWNER FROM (%s) GROUP BY OWNER "
                                "HAVING COUNT(*) > 1)", links->query),
               g_strdup_printf (_("%s.%s is to-one"), owner->name, relationship->name),
               CHECK_TO_ONE, NULL, relationship->destination_entity);
  else
    add_check (builder->self,
               g_strdup_printf ("SELECT COUNT(*) FROM (SELECT TARGET FROM (%s) GROUP BY TARGET "
                                "HAVING COUNT(*) > 1)", links->query),
               g_strdup_printf (_("%s.%s is a to-many relationship without inverse, which holds an "
                                  "object for one %s only"), owner->name, relationship->name,
                                owner->name),
               CHECK_ONE_OWNER, relationship->name, owner->name);
}

/* ---- tables ----------------------------------------------------------- */

static const LinkedColumn *
find_linked (TableCopy      *copy,
             GodwitProperty *relationship)
{
  for (guint i = 0; i < copy->linked->len; i++)
    {
      const LinkedColumn *linked = g_ptr_array_index (copy->linked, i);

      if (linked->relationship == relationship)
        return linked;
    }

  return NULL;
}

/* The source table holding the objects a destination relationship to
 * @target may point at: one table, hierarchies never being merged. */
static const GodwitTable *
find_target_source_table (Builder      *builder,
                          GodwitEntity *target)
{
  g_autoptr(GPtrArray) kinds = dup_kinds (builder->destination, target);

  for (guint i = 0; i < kinds->len; i++)
    {
      GodwitEntity *source = source_entity_of (builder, g_ptr_array_index (kinds, i));

      if (source != NULL)
        return godwit_store_layout_get_table (builder->self->source_layout, source);
    }

  return NULL;
}

/* Joins the links of the relationship of @column (a foreign key, or the
 * owner column of a to-many without inverse) into the copy, with the
 * position and the target's entity where the destination stores them;
 * without links the column starts empty. */
static void
link_column (Builder            *builder,
             TableCopy          *copy,
             const GodwitColumn *column)
{
  GodwitStoreLayout *layout = builder->self->destination_layout;
  gboolean owner_column = column->role == GODWIT_COLUMN_ROLE_TO_MANY_OWNER;
  GodwitEntity *target = godwit_model_get_entity (builder->destination,
                                                  column->property->destination_entity);
  const GodwitTable *target_table = target != NULL ? find_target_source_table (builder, target)
                                                   : NULL;
  g_auto(Links) links = { NULL, FALSE, FALSE };
  g_autofree char *position = NULL;
  g_autofree char *entity = NULL;
  LinkedColumn *linked;

  if (target_table == NULL || !find_links (builder, column->entity, column->property, &links))
    return;

  linked = g_new0 (LinkedColumn, 1);
  linked->relationship = column->property;
  linked->alias = g_strdup_printf ("GODWIT_LINKS%u", copy->linked->len);
  g_ptr_array_add (copy->linked, linked);
  add_single_link_check (builder, &links, column->entity, column->property);

  /* A to-one's position is the owner's in the target's ordered inverse;
   * an owner column's, the target's in the owner's relationship. */
  if (godwit_store_layout_find_column (layout, column->entity, column->property->name,
                                       GODWIT_COLUMN_ROLE_ORDER) == NULL)
    position = g_strdup ("NULL");
  else if (owner_column ? links.owner_positions : links.target_positions)
    position = g_strdup (owner_column ? "OWNER_POSITION" : "TARGET_POSITION");
  else
    position = g_strdup_printf ("ROW_NUMBER () OVER (PARTITION BY %s ORDER BY %s)",
                                owner_column ? "OWNER" : "TARGET",
                                owner_column ? "TARGET" : "OWNER");

  if (owner_column ||
      godwit_store_layout_find_column (layout, column->entity, column->property->name,
                                       GODWIT_COLUMN_ROLE_TO_ONE_ENTITY) == NULL)
    entity = g_strdup ("NULL");
  else
    entity = g_strdup_printf ("(SELECT Z_ENT FROM %s WHERE Z_PK = TARGET)", target_table->name);

  g_string_append_printf (copy->joins,
                          " LEFT JOIN (SELECT OWNER, TARGET, %s AS POSITION, %s AS TARGET_ENT "
                          "FROM (%s)) AS %s ON %s.%s = %s.Z_PK", position, entity, links.query,
                          linked->alias, linked->alias, owner_column ? "TARGET" : "OWNER",
                          copy->from->name);
}

/* Whether a foreign key keeps its column: every kind having the
 * relationship had it to-one already. */
static gboolean
to_one_is_kept (Builder            *builder,
                TableCopy          *copy,
                const GodwitColumn *column)
{
  gboolean found = FALSE;

  for (guint i = 0; i < copy->hierarchy->len; i++)
    {
      GodwitEntity *entity = g_ptr_array_index (copy->hierarchy, i);
      GodwitEntity *source = source_entity_of (builder, entity);
      GodwitProperty *from;

      if (source == NULL || !godwit_entity_is_kind_of (entity, column->entity))
        continue;
      from = source_relationship_of (builder, entity, column->property);
      if (from == NULL)
        continue;
      if (godwit_store_layout_find_column (builder->self->source_layout, source, from->name,
                                           GODWIT_COLUMN_ROLE_TO_ONE) == NULL)
        return FALSE;
      found = TRUE;
    }

  return found;
}

/* The source column an owner column of a to-many without inverse keeps,
 * when the relationship was one already and its column is in the table
 * copied from. */
static const GodwitColumn *
find_kept_owner_column (Builder            *builder,
                        TableCopy          *copy,
                        const GodwitColumn *column)
{
  GodwitStoreLayout *layout = builder->self->source_layout;
  GodwitEntity *source = source_entity_of (builder, column->entity);
  GodwitProperty *from;
  GodwitEntity *target;

  if (source == NULL)
    return NULL;
  from = source_relationship_of (builder, column->entity, column->property);
  if (from == NULL)
    return NULL;
  target = godwit_model_get_entity (builder->source, from->destination_entity);
  if (target == NULL || godwit_store_layout_get_table (layout, target) != copy->from)
    return NULL;

  return godwit_store_layout_find_column (layout, source, from->name,
                                          GODWIT_COLUMN_ROLE_TO_MANY_OWNER);
}

/* Kept links to objects that are gone, or no longer of the entity the
 * column points at, are cleared once the tables are in place. */
static void
add_column_cleanup (Builder            *builder,
                    const GodwitTable  *to,
                    const GodwitColumn *column)
{
  GodwitStoreLayout *layout = builder->self->destination_layout;
  gboolean owner_column = column->role == GODWIT_COLUMN_ROLE_TO_MANY_OWNER;
  GodwitEntity *kind = column->entity;
  g_autoptr(GString) clear = g_string_new (NULL);
  g_autofree char *numbers = NULL;
  const GodwitColumn *other;

  /* A foreign key points at its relationship's destination, an owner
   * column at the relationship's own entity. */
  if (!owner_column)
    kind = godwit_model_get_entity (builder->destination, column->property->destination_entity);
  if (kind == NULL || !loses_objects (builder, source_entity_of (builder, kind), kind))
    return;

  g_string_append_printf (clear, "%s = NULL", column->name);
  if (!owner_column)
    {
      other = godwit_store_layout_find_column (layout, column->entity, column->property->name,
                                               GODWIT_COLUMN_ROLE_TO_ONE_ENTITY);
      if (other != NULL)
        g_string_append_printf (clear, ", %s = NULL", other->name);
    }
  other = godwit_store_layout_find_column (layout, column->entity, column->property->name,
                                           GODWIT_COLUMN_ROLE_ORDER);
  if (other != NULL)
    g_string_append_printf (clear, ", %s = NULL", other->name);

  numbers = dup_kind_numbers (builder, kind);
  add_statement (builder->cleanups, NULL,
                 g_strdup_printf ("UPDATE %s SET %s WHERE %s NOT IN (SELECT Z_PK FROM %s WHERE "
                                  "Z_ENT IN (%s))", to->name, clear->str, column->name,
                                  godwit_store_layout_get_table (layout, kind)->name, numbers));
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
          out->numbered = godwit_model_get_entity (builder->source,
                                                   from_property->destination_entity);
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
               _("%s: the values of %s.%s cannot be moved to column %s by this migration"),
               godwit_model_get_source_name (builder->destination), from->name,
               from_property->name, column->name);
  return FALSE;
}

/* The columns of a to-many relationship without inverse, in the
 * destination's table: kept, or filled from the links. */
static gboolean
owner_column_source (Builder             *builder,
                     TableCopy           *copy,
                     const GodwitColumn  *column,
                     ColumnSource        *out)
{
  const LinkedColumn *linked = find_linked (copy, column->property);
  const GodwitColumn *owner;
  const GodwitColumn *position;
  GodwitEntity *source;

  if (linked != NULL)
    {
      out->expression = g_strdup_printf ("%s.%s", linked->alias,
                                         column->role == GODWIT_COLUMN_ROLE_ORDER ? "POSITION"
                                                                                  : "OWNER");
      return TRUE;
    }

  owner = find_kept_owner_column (builder, copy, column);
  if (owner == NULL)
    {
      out->expression = g_strdup ("NULL");
      return TRUE;
    }
  if (column->role == GODWIT_COLUMN_ROLE_TO_MANY_OWNER)
    {
      out->column = g_strdup (owner->name);
      out->expression = g_strdup (owner->name);
      return TRUE;
    }

  /* Z_FOK_: kept, or numbered in Z_PK order when becoming ordered. */
  source = source_entity_of (builder, column->entity);
  position = godwit_store_layout_find_column (builder->self->source_layout, source,
                                              source_relationship_of (builder, column->entity,
                                                                      column->property)->name,
                                              GODWIT_COLUMN_ROLE_ORDER);
  if (position != NULL)
    {
      out->column = g_strdup (position->name);
      out->expression = g_strdup (position->name);
    }
  else
    out->expression = g_strdup_printf ("CASE WHEN %s IS NULL THEN NULL ELSE "
                                       "ROW_NUMBER () OVER (PARTITION BY %s ORDER BY Z_PK) END",
                                       owner->name, owner->name);
  return TRUE;
}

static gboolean
find_column_source (Builder             *builder,
                    TableCopy           *copy,
                    const GodwitColumn  *column,
                    ColumnSource        *out,
                    GError             **error)
{
  g_autoptr(GString) cases = g_string_new (NULL);
  const LinkedColumn *linked;
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
      out->numbered = copy->from->root;
      out->expression = dup_renumber_expression (builder, "Z_ENT");
      return TRUE;
    case GODWIT_COLUMN_ROLE_TO_MANY_OWNER:
      return owner_column_source (builder, copy, column, out);
    case GODWIT_COLUMN_ROLE_ORDER:
      if (column->property->to_many)
        return owner_column_source (builder, copy, column, out);
      break;
    case GODWIT_COLUMN_ROLE_ATTRIBUTE:
    case GODWIT_COLUMN_ROLE_TO_ONE:
    case GODWIT_COLUMN_ROLE_TO_ONE_ENTITY:
    default:
      break;
    }

  linked = column->property != NULL ? find_linked (copy, column->property) : NULL;
  if (linked != NULL)
    {
      g_autofree char *entity = g_strdup_printf ("%s.TARGET_ENT", linked->alias);

      if (column->role == GODWIT_COLUMN_ROLE_TO_ONE_ENTITY)
        out->expression = dup_renumber_expression (builder, entity);
      else
        out->expression = g_strdup_printf ("%s.%s", linked->alias,
                                           column->role == GODWIT_COLUMN_ROLE_ORDER ? "POSITION"
                                                                                    : "TARGET");
      return TRUE;
    }

  /* Each entity of the hierarchy having the property may have stored it
   * in its own column of the source (a property moved up). */
  for (guint i = 0; i < copy->hierarchy->len; i++)
    {
      GodwitEntity *entity = g_ptr_array_index (copy->hierarchy, i);
      GodwitEntity *from = source_entity_of (builder, entity);
      const GodwitPropertyChange *change;
      ColumnSource one = { NULL, NULL, FALSE, NULL };

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
          if (strcmp (sources[i].expression, "NULL") != 0 ||
              _godwit_sql_find_column (from, column->name) != NULL)
            return FALSE;
          continue;
        }
      old = _godwit_sql_find_column (from, sources[i].column);
      if (old == NULL || strcmp (old->declared_type, column->declared_type) != 0 ||
          !g_hash_table_add (taken, sources[i].column))
        return FALSE;
      if (strcmp (old->name, column->name) != 0 && _godwit_sql_find_column (from, column->name) != NULL)
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
  KeptTable *kept = keep_table (builder, from->name, to->name);
  g_autoptr(GHashTable) copied = g_hash_table_new (g_str_hash, g_str_equal);

  if (drops_objects)
    add_statement (builder->alters, NULL,
                   g_strdup_printf ("DELETE FROM %s WHERE Z_ENT NOT IN (%s)", from->name,
                                    old_numbers));
  if (strcmp (from->name, to->name) != 0)
    add_statement (builder->alters, NULL,
                   g_strdup_printf ("ALTER TABLE %s RENAME TO %s", from->name, to->name));

  for (guint i = 0; i < to->columns->len; i++)
    if (sources[i].column != NULL)
      g_hash_table_add (copied, sources[i].column);
  for (guint i = 0; i < from->columns->len; i++)
    {
      const GodwitColumn *column = g_ptr_array_index (from->columns, i);

      if (g_hash_table_contains (copied, column->name))
        continue;
      add_statement (builder->alters, NULL,
                     g_strdup_printf ("ALTER TABLE %s DROP COLUMN %s", to->name, column->name));
      g_hash_table_insert (kept->columns, g_strdup (column->name), NULL);
      kept->drops_columns = TRUE;
    }

  for (guint i = 0; i < to->columns->len; i++)
    {
      const GodwitColumn *column = g_ptr_array_index (to->columns, i);

      if (sources[i].column == NULL)
        add_statement (builder->alters, NULL,
                       g_strdup_printf ("ALTER TABLE %s ADD COLUMN %s %s", to->name, column->name,
                                        column->declared_type));
      else if (strcmp (sources[i].column, column->name) != 0)
        {
          add_statement (builder->alters, NULL,
                         g_strdup_printf ("ALTER TABLE %s RENAME COLUMN %s TO %s", to->name,
                                          sources[i].column, column->name));
          g_hash_table_insert (kept->columns, g_strdup (sources[i].column),
                               g_strdup (column->name));
        }
    }

  for (guint i = 0; i < to->columns->len; i++)
    if (sources[i].renumbered)
      add_renumbering (builder, builder->alters, NULL, to->name,
                       ((const GodwitColumn *) g_ptr_array_index (to->columns, i))->name,
                       sources[i].numbered);
}

/* Copies the rows of the table's entities, in the first phase, while
 * every source table and its links are still as they were. */
static void
rebuild_table (Builder           *builder,
               TableCopy         *copy,
               ColumnSource      *sources,
               const char        *old_numbers)
{
  const GodwitTable *to = copy->to;
  g_autofree char *new_name = g_strconcat (to->name, NEW_TABLE_SUFFIX, NULL);
  g_autoptr(GString) names = g_string_new (NULL);
  g_autoptr(GString) values = g_string_new (NULL);
  Statement *statement;

  for (guint i = 0; i < to->columns->len; i++)
    {
      const GodwitColumn *column = g_ptr_array_index (to->columns, i);

      g_string_append_printf (names, "%s%s", i > 0 ? ", " : "", column->name);
      g_string_append_printf (values, "%s%s", i > 0 ? ", " : "", sources[i].expression);
    }

  add_statement (builder->creates, NULL, dup_create_table (builder, to->name, new_name));
  statement = add_statement (builder->creates, NULL,
                             g_strdup_printf ("INSERT INTO %s (%s) SELECT %s FROM %s%s WHERE "
                                              "%s.Z_ENT IN (%s)", new_name, names->str,
                                              values->str, copy->from->name, copy->joins->str,
                                              copy->from->name, old_numbers));
  statement->base.entity = g_strdup (to->root->name);
  statement->base.count_sql = g_strdup_printf ("SELECT COUNT(*) FROM %s WHERE Z_ENT IN (%s)",
                                               copy->from->name, old_numbers);
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
              append_number (new_numbers, new_number (builder, entity));
              append_number (old_numbers, old_number (builder, source));
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
          const GodwitColumn *old = NULL;

          if (change->source != NULL)
            old = godwit_store_layout_find_column (builder->self->source_layout, change_source,
                                                   change->source->name,
                                                   GODWIT_COLUMN_ROLE_ATTRIBUTE);
          add_check (builder->self,
                     g_strdup_printf ("SELECT COUNT(*) FROM %s WHERE Z_ENT IN (%s)%s%s%s",
                                      from->name, old_numbers->str, old != NULL ? " AND " : "",
                                      old != NULL ? old->name : "", old != NULL ? " IS NULL" : ""),
                     g_strdup (change->blocker), CHECK_NO_VALUE, column->property->name, NULL);
        }
    }
}

/* The source table whose rows become @to's (%NULL for a table of new
 * entities only). */
static gboolean
find_source_table (Builder            *builder,
                   const GodwitTable  *to,
                   const GodwitTable **from,
                   GError            **error)
{
  g_autoptr(GPtrArray) hierarchy = dup_kinds (builder->destination, to->root);

  *from = NULL;
  for (guint i = 0; i < hierarchy->len; i++)
    {
      GodwitEntity *source = source_entity_of (builder, g_ptr_array_index (hierarchy, i));
      const GodwitTable *table;

      if (source == NULL)
        continue;
      table = godwit_store_layout_get_table (builder->self->source_layout, source);
      /* The model diff refuses merged hierarchies, as Core Data does. */
      if (*from != NULL && table != *from)
        {
          g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL,
                       _("%s: %s would merge the objects of tables %s and %s: merging entity "
                         "hierarchies cannot be inferred"),
                       godwit_model_get_source_name (builder->destination), to->root->name,
                       (*from)->name, table->name);
          return FALSE;
        }
      *from = table;
    }

  return TRUE;
}

/* Fills @to from @from; @in_place: @to may take @from's place (one
 * destination table per source table may). */
static gboolean
migrate_table (Builder            *builder,
               const GodwitTable  *to,
               const GodwitTable  *from,
               gboolean            in_place,
               GError            **error)
{
  g_autoptr(GPtrArray) hierarchy = dup_kinds (builder->destination, to->root);
  g_autoptr(GPtrArray) linked = g_ptr_array_new_with_free_func (linked_column_free);
  g_autoptr(GString) joins = g_string_new (NULL);
  g_autoptr(GPtrArray) source_members = NULL;
  g_autofree char *old_numbers = NULL;
  TableCopy copy = { from, to, hierarchy, linked, joins };
  ColumnSource *sources;
  gboolean drops_objects = FALSE;
  gboolean ok = TRUE;

  if (from == NULL)
    {
      add_statement (builder->fills, NULL, dup_create_table (builder, to->name, to->name));
      return TRUE;
    }

  old_numbers = dup_old_numbers (builder, hierarchy);
  source_members = dup_kinds (builder->source, from->root);
  for (guint i = 0; i < source_members->len; i++)
    {
      GodwitEntity *counterpart = counterpart_of (builder, g_ptr_array_index (source_members, i));

      if (counterpart == NULL || godwit_entity_get_root (counterpart) != to->root)
        drops_objects = TRUE;
    }

  /* Relationships whose storage changes read their links; the others
   * keep their columns, cleared where they point at objects gone. */
  for (guint i = 0; i < to->columns->len; i++)
    {
      const GodwitColumn *column = g_ptr_array_index (to->columns, i);

      if (column->role == GODWIT_COLUMN_ROLE_TO_ONE)
        {
          if (to_one_is_kept (builder, &copy, column))
            add_column_cleanup (builder, to, column);
          else
            link_column (builder, &copy, column);
        }
      else if (column->role == GODWIT_COLUMN_ROLE_TO_MANY_OWNER)
        {
          if (find_kept_owner_column (builder, &copy, column) != NULL)
            add_column_cleanup (builder, to, column);
          else
            link_column (builder, &copy, column);
        }
    }

  sources = g_new0 (ColumnSource, to->columns->len);
  for (guint i = 0; ok && i < to->columns->len; i++)
    ok = find_column_source (builder, &copy, g_ptr_array_index (to->columns, i), &sources[i],
                             error);

  if (ok)
    {
      if (in_place && can_alter (builder, from, to, sources))
        alter_table (builder, from, to, sources, old_numbers, drops_objects);
      else
        rebuild_table (builder, &copy, sources, old_numbers);
      add_values (builder, to, from, hierarchy);
    }

  for (guint i = 0; i < to->columns->len; i++)
    column_source_clear (&sources[i]);
  g_free (sources);

  return ok;
}

/* Whether @name is none of @join's columns. */
static gboolean
is_new_join_column (const GodwitJoinTable *join,
                    const char            *name)
{
  return name == NULL ||
         (strcmp (name, join->column) != 0 && strcmp (name, join->inverse_column) != 0 &&
          g_strcmp0 (name, join->order_column) != 0 &&
          g_strcmp0 (name, join->inverse_order_column) != 0);
}

/* The source join table @to takes the place of, if any: its
 * relationship's, holding the same columns, or columns in the same places
 * whose names (like the table's) change with an entity number only, and
 * then renamed in place rather than copied. */
static const GodwitJoinTable *
find_kept_join_table (Builder               *builder,
                      const GodwitJoinTable *to)
{
  GodwitEntity *source = source_entity_of (builder, to->entity);
  GodwitProperty *relationship = source != NULL ? source_relationship_of (builder, to->entity,
                                                                          to->relationship)
                                                : NULL;
  const GodwitJoinTable *from;
  gboolean own_side;

  if (relationship == NULL)
    return NULL;
  from = godwit_store_layout_find_join_table (builder->self->source_layout, source,
                                              relationship->name);
  if (from == NULL || g_hash_table_contains (builder->kept, from->name))
    return NULL;

  own_side = strcmp (from->relationship->name, relationship->name) == 0 &&
             godwit_entity_is_kind_of (source, from->entity);
  if (strcmp (from->name, to->name) == 0 &&
      strcmp (own_side ? from->column : from->inverse_column, to->column) == 0 &&
      strcmp (own_side ? from->inverse_column : from->column, to->inverse_column) == 0 &&
      g_strcmp0 (own_side ? from->order_column : from->inverse_order_column,
                 to->order_column) == 0 &&
      g_strcmp0 (own_side ? from->inverse_order_column : from->order_column,
                 to->inverse_order_column) == 0)
    return from;

  /* Renaming keeps the columns where they are: the table's own side must
   * stay first, and a new name must not be taken before its turn. */
  if (!own_side || (from->order_column == NULL) != (to->order_column == NULL) ||
      (from->inverse_order_column == NULL) != (to->inverse_order_column == NULL) ||
      (strcmp (from->name, to->name) != 0 && source_has_table (builder, to->name)))
    return NULL;
  if ((strcmp (from->column, to->column) != 0 && !is_new_join_column (from, to->column)) ||
      (strcmp (from->inverse_column, to->inverse_column) != 0 &&
       !is_new_join_column (from, to->inverse_column)) ||
      (g_strcmp0 (from->order_column, to->order_column) != 0 &&
       !is_new_join_column (from, to->order_column)) ||
      (g_strcmp0 (from->inverse_order_column, to->inverse_order_column) != 0 &&
       !is_new_join_column (from, to->inverse_order_column)))
    return NULL;

  return from;
}

/* Renames @from, a source join table kept for @to, and its columns. */
static void
rename_join_table (Builder               *builder,
                   const GodwitJoinTable *from,
                   const GodwitJoinTable *to)
{
  KeptTable *kept = keep_table (builder, from->name, to->name);
  const char *olds[] = { from->column, from->inverse_column, from->order_column,
                         from->inverse_order_column };
  const char *news[] = { to->column, to->inverse_column, to->order_column,
                         to->inverse_order_column };

  if (strcmp (from->name, to->name) != 0)
    add_statement (builder->alters, NULL,
                   g_strdup_printf ("ALTER TABLE %s RENAME TO %s", from->name, to->name));
  for (guint i = 0; i < G_N_ELEMENTS (olds); i++)
    {
      if (olds[i] == NULL || strcmp (olds[i], news[i]) == 0)
        continue;
      add_statement (builder->alters, NULL,
                     g_strdup_printf ("ALTER TABLE %s RENAME COLUMN %s TO %s", to->name, olds[i],
                                      news[i]));
      g_hash_table_insert (kept->columns, g_strdup (olds[i]), g_strdup (news[i]));
    }
}

/* Rows of a kept join table whose objects are gone, or no longer of the
 * entity their column holds, are deleted once the tables are in place. */
static void
add_join_cleanup (Builder               *builder,
                  const GodwitJoinTable *to)
{
  GodwitStoreLayout *layout = builder->self->destination_layout;
  GodwitEntity *sides[2] = { to->entity, to->inverse_entity };
  const char *columns[2] = { to->column, to->inverse_column };
  g_autoptr(GString) condition = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (sides); i++)
    {
      g_autofree char *numbers = NULL;

      if (!loses_objects (builder, source_entity_of (builder, sides[i]), sides[i]))
        continue;
      numbers = dup_kind_numbers (builder, sides[i]);
      g_string_append_printf (condition, "%s%s NOT IN (SELECT Z_PK FROM %s WHERE Z_ENT IN (%s))",
                              condition->len > 0 ? " OR " : "", columns[i],
                              godwit_store_layout_get_table (layout, sides[i])->name, numbers);
    }

  if (condition->len > 0)
    add_statement (builder->cleanups, NULL,
                   g_strdup_printf ("DELETE FROM %s WHERE %s", to->name, condition->str));
}

/* The join table's rows: its old join table as it is, or the links of its
 * relationship wherever the source kept them. */
static void
migrate_join_table (Builder               *builder,
                    const GodwitJoinTable *to)
{
  g_autofree char *new_name = g_strconcat (to->name, NEW_TABLE_SUFFIX, NULL);
  g_autoptr(GString) names = g_string_new (NULL);
  g_autoptr(GString) values = g_string_new (NULL);
  g_auto(Links) links = { NULL, FALSE, FALSE };
  const GodwitJoinTable *kept = find_kept_join_table (builder, to);
  Statement *statement;

  if (kept != NULL)
    {
      rename_join_table (builder, kept, to);
      add_join_cleanup (builder, to);
      return;
    }

  if (!find_links (builder, to->entity, to->relationship, &links))
    {
      add_statement (builder->fills, NULL, dup_create_table (builder, to->name, to->name));
      return;
    }

  /* The table's own side holds the relationship's owners. */
  g_string_append_printf (names, "%s, %s", to->column, to->inverse_column);
  g_string_append (values, "OWNER, TARGET");
  if (to->order_column != NULL)
    {
      g_string_append_printf (names, ", %s", to->order_column);
      g_string_append (values, links.owner_positions
                               ? ", OWNER_POSITION"
                               : ", ROW_NUMBER () OVER (PARTITION BY OWNER ORDER BY TARGET)");
    }
  if (to->inverse_order_column != NULL)
    {
      g_string_append_printf (names, ", %s", to->inverse_order_column);
      g_string_append (values, links.target_positions
                               ? ", TARGET_POSITION"
                               : ", ROW_NUMBER () OVER (PARTITION BY TARGET ORDER BY OWNER)");
    }

  add_statement (builder->creates, NULL, dup_create_table (builder, to->name, new_name));
  statement = add_statement (builder->creates, NULL,
                             g_strdup_printf ("INSERT INTO %s (%s) SELECT %s FROM (%s)", new_name,
                                              names->str, values->str, links.query));
  statement->base.entity = g_strdup (to->entity->name);
  statement->counts_changes = TRUE;
  add_statement (builder->renames, NULL,
                 g_strdup_printf ("ALTER TABLE %s RENAME TO %s", new_name, to->name));
}

/* @sql, an index's, with the column renames of @kept applied, as ALTER
 * TABLE … RENAME COLUMN rewrites it (names are plain identifiers); NULL
 * when it uses a column @kept drops. */
static char *
dup_renamed_index_sql (const char      *sql,
                       const KeptTable *kept)
{
  const char *columns = strchr (sql, '(');
  g_autoptr(GString) renamed = NULL;

  if (columns == NULL)
    return NULL;
  renamed = g_string_new_len (sql, columns - sql);
  for (const char *c = columns; *c != '\0';)
    {
      const char *end = c;
      g_autofree char *token = NULL;
      gpointer new_name;

      while (g_ascii_isalnum (*end) || *end == '_')
        end++;
      if (end == c)
        {
          g_string_append_c (renamed, *c++);
          continue;
        }

      token = g_strndup (c, end - c);
      if (!g_hash_table_lookup_extended (kept->columns, token, NULL, &new_name))
        g_string_append (renamed, token);
      else if (new_name == NULL)
        return NULL;
      else
        g_string_append (renamed, new_name);
      c = end;
    }

  return g_string_free (g_steal_pointer (&renamed), FALSE);
}

/* The destination index source index @index stays as, if any: one of
 * its name, on its table kept in place under its name, which the step's
 * column renames turn it into, SQL and all. */
static const GodwitIndex *
find_kept_index (Builder           *builder,
                 const GodwitIndex *index)
{
  GPtrArray *indexes = godwit_store_layout_get_indexes (builder->self->destination_layout);
  const KeptTable *kept = g_hash_table_lookup (builder->kept, index->table);
  g_autofree char *renamed = NULL;

  if (kept == NULL || strcmp (kept->name, index->table) != 0)
    return NULL;
  renamed = dup_renamed_index_sql (index->sql, kept);
  if (renamed == NULL)
    return NULL;

  for (guint i = 0; i < indexes->len; i++)
    {
      const GodwitIndex *wanted = g_ptr_array_index (indexes, i);

      if (strcmp (wanted->name, index->name) == 0)
        return strcmp (wanted->sql, renamed) == 0 ? wanted : NULL;
    }

  return NULL;
}

/* Source indexes are dropped before the tables change, but for those the
 * destination keeps. */
static void
add_index_drops (Builder *builder)
{
  GPtrArray *indexes = godwit_store_layout_get_indexes (builder->self->source_layout);

  for (guint i = 0; i < indexes->len; i++)
    {
      const GodwitIndex *index = g_ptr_array_index (indexes, i);
      const KeptTable *table = g_hash_table_lookup (builder->kept, index->table);
      gboolean kept = find_kept_index (builder, index) != NULL;
      Statement *statement;

      /* Where the store's index is not the model's, it might use a column
       * DROP COLUMN removes, which it refuses. */
      if (kept && !table->drops_columns)
        continue;
      statement = add_statement (builder->self->statements, NULL,
                                 g_strdup_printf ("DROP INDEX IF EXISTS %s", index->name));
      if (kept)
        statement->unless_index = index;
    }
}

/* Destination indexes are created once the tables are in place, but for
 * those kept, which are built again only where the store's differs. */
static void
add_index_creates (Builder *builder)
{
  GPtrArray *source_indexes = godwit_store_layout_get_indexes (builder->self->source_layout);
  GPtrArray *indexes = godwit_store_layout_get_indexes (builder->self->destination_layout);
  g_autoptr(GHashTable) kept = g_hash_table_new (NULL, NULL);

  for (guint i = 0; i < source_indexes->len; i++)
    {
      const GodwitIndex *wanted = find_kept_index (builder, g_ptr_array_index (source_indexes, i));

      if (wanted != NULL)
        g_hash_table_add (kept, (gpointer) wanted);
    }

  for (guint i = 0; i < indexes->len; i++)
    {
      const GodwitIndex *index = g_ptr_array_index (indexes, i);
      Statement *statement;

      if (g_hash_table_contains (kept, index))
        {
          statement = add_statement (builder->self->statements, NULL,
                                     g_strdup_printf ("DROP INDEX IF EXISTS %s", index->name));
          statement->unless_index = index;
        }
      statement = add_statement (builder->self->statements, NULL, g_strdup (index->sql));
      if (g_hash_table_contains (kept, index))
        statement->unless_index = index;
    }
}

/* Old numbers of the roots of the source entities of @hierarchy. */
static char *
dup_old_root_numbers (Builder   *builder,
                      GPtrArray *hierarchy)
{
  GString *list = g_string_new (NULL);

  for (guint i = 0; i < hierarchy->len; i++)
    {
      GodwitEntity *source = source_entity_of (builder, g_ptr_array_index (hierarchy, i));

      if (source != NULL)
        append_number (list, old_number (builder, godwit_entity_get_root (source)));
    }

  return g_string_free (list, FALSE);
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
          g_autoptr(GPtrArray) hierarchy = dup_kinds (builder->destination, entity);
          g_autofree char *old_roots = dup_old_root_numbers (builder, hierarchy);
          const GodwitTable *table = godwit_store_layout_get_table (layout, entity);

          /* Z_MAX never goes back, not even for rows that left their
           * hierarchy: a Z_PK used once is never reused. */
          max = g_strdup_printf ("MAX (COALESCE ((SELECT MAX (Z_PK) FROM %s), 0), "
                                 "COALESCE ((SELECT MAX (Z_MAX) FROM GODWIT_OLD_PRIMARYKEY "
                                 "WHERE Z_ENT IN (%s)), 0))", table->name, old_roots);
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

/* ACHANGE names entities by Z_ENT: renumbered, and without the changes of
 * removed entities; ZTOMBSTONEn columns for the destination's attributes
 * preserved after deletion. Skipped on stores without history. */
static void
add_history (Builder *builder,
             guint    n_tombstones)
{
  GPtrArray *phase = builder->self->statements;
  g_autoptr(GString) removed = g_string_new (NULL);

  for (guint i = 1; i <= builder->n_source; i++)
    if (builder->renumber[i] == 0)
      append_number (removed, i);
  if (removed->len > 0)
    add_statement (phase, "ACHANGE",
                   g_strdup_printf ("DELETE FROM ACHANGE WHERE ZENTITY IN (%s)", removed->str));

  add_renumbering (builder, phase, "ACHANGE", "ACHANGE", "ZENTITY", NULL);

  for (guint i = 0; i < n_tombstones; i++)
    {
      Statement *statement = add_statement (phase, "ACHANGE",
                                            g_strdup_printf ("ALTER TABLE ACHANGE ADD COLUMN "
                                                             "ZTOMBSTONE%u BLOB", i));

      statement->missing_column = g_strdup_printf ("ZTOMBSTONE%u", i);
    }
}

static gboolean
build (Builder  *builder,
       guint     n_tombstones,
       GError  **error)
{
  GodwitLightweightMigration *self = builder->self;
  GPtrArray *tables = godwit_store_layout_get_tables (self->destination_layout);
  GPtrArray *join_tables = godwit_store_layout_get_join_tables (self->destination_layout);
  GPtrArray *source_tables = godwit_store_layout_get_tables (self->source_layout);
  GPtrArray *source_join_tables = godwit_store_layout_get_join_tables (self->source_layout);
  g_autofree const GodwitTable **froms = g_new0 (const GodwitTable *, tables->len + 1);
  g_autofree gboolean *in_place = g_new0 (gboolean, tables->len + 1);
  g_autoptr(GHashTable) placed = g_hash_table_new (NULL, NULL);
  GPtrArray *phases[6];
  Statement *metadata;

  /* A source table stays in place for the destination table of its name,
   * else for the first fed from it; the others copy from it. */
  for (guint i = 0; i < tables->len; i++)
    if (!find_source_table (builder, g_ptr_array_index (tables, i), &froms[i], error))
      return FALSE;
  for (guint pass = 0; pass < 2; pass++)
    for (guint i = 0; i < tables->len; i++)
      {
        const GodwitTable *to = g_ptr_array_index (tables, i);

        if (froms[i] == NULL || g_hash_table_contains (placed, froms[i]) ||
            (pass == 0 && strcmp (froms[i]->name, to->name) != 0))
          continue;
        g_hash_table_add (placed, (gpointer) froms[i]);
        in_place[i] = TRUE;
      }

  for (guint i = 0; i < tables->len; i++)
    if (!migrate_table (builder, g_ptr_array_index (tables, i), froms[i], in_place[i], error))
      return FALSE;
  for (guint i = 0; i < join_tables->len; i++)
    migrate_join_table (builder, g_ptr_array_index (join_tables, i));

  /* Source tables are read by the copies, then dropped. */
  for (guint i = 0; i < source_tables->len; i++)
    {
      const GodwitTable *table = g_ptr_array_index (source_tables, i);

      if (!g_hash_table_contains (builder->kept, table->name))
        add_statement (builder->drops, NULL, g_strdup_printf ("DROP TABLE %s", table->name));
    }
  for (guint i = 0; i < source_join_tables->len; i++)
    {
      const GodwitJoinTable *join = g_ptr_array_index (source_join_tables, i);

      if (!g_hash_table_contains (builder->kept, join->name))
        add_statement (builder->drops, NULL, g_strdup_printf ("DROP TABLE %s", join->name));
    }

  /* Indexes go first (DROP COLUMN refuses indexed columns), once the
   * tables kept in place are known. */
  add_index_drops (builder);

  phases[0] = builder->creates;
  phases[1] = builder->alters;
  phases[2] = builder->drops;
  phases[3] = builder->renames;
  phases[4] = builder->fills;
  phases[5] = builder->cleanups;
  for (guint i = 0; i < G_N_ELEMENTS (phases); i++)
    {
      for (guint j = 0; j < phases[i]->len; j++)
        g_ptr_array_add (self->statements, g_ptr_array_index (phases[i], j));
      g_ptr_array_set_free_func (phases[i], NULL);
    }

  add_index_creates (builder);
  add_history (builder, n_tombstones);
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
 * blockers when the step cannot be inferred; what depends on the stored
 * objects (values a non-optional attribute without default needs, objects
 * with several links where the destination allows one) is checked by
 * run().
 *
 * Returns: (transfer full) (nullable):
 */
GodwitLightweightMigration *
godwit_lightweight_migration_new (GodwitModel  *source,
                                  GodwitModel  *destination,
                                  GError      **error)
{
  g_autoptr(GodwitLightweightMigration) self = NULL;
  g_autoptr(GodwitStoreLayout) history_layout = NULL;
  g_autoptr(GPtrArray) creates = g_ptr_array_new_with_free_func (statement_free);
  g_autoptr(GPtrArray) alters = g_ptr_array_new_with_free_func (statement_free);
  g_autoptr(GPtrArray) drops = g_ptr_array_new_with_free_func (statement_free);
  g_autoptr(GPtrArray) renames = g_ptr_array_new_with_free_func (statement_free);
  g_autoptr(GPtrArray) fills = g_ptr_array_new_with_free_func (statement_free);
  g_autoptr(GPtrArray) cleanups = g_ptr_array_new_with_free_func (statement_free);
  g_autoptr(GHashTable) kept = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                     kept_table_free);
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
  /* Only for the number of ZTOMBSTONEn columns: the history tables
   * themselves are left as they are. */
  history_layout = godwit_store_layout_new (destination, TRUE, error);
  if (history_layout == NULL)
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
  builder.kept = kept;
  builder.creates = creates;
  builder.alters = alters;
  builder.drops = drops;
  builder.renames = renames;
  builder.fills = fills;
  builder.cleanups = cleanups;
  if (!build (&builder, godwit_store_layout_get_n_tombstones (history_layout), error))
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
 * stores without them, and a ZTOMBSTONEn column is added only where
 * ACHANGE lacks it. An index the step keeps is dropped and created only
 * where the store's differs from what the model has: those statements
 * come as SQL comments, saying so.
 *
 * Returns: (transfer full) (element-type utf8):
 */
GPtrArray *
godwit_lightweight_migration_dup_sql (GodwitLightweightMigration *self)
{
  GPtrArray *sql;

  g_return_val_if_fail (GODWIT_IS_LIGHTWEIGHT_MIGRATION (self), NULL);

  sql = _godwit_sql_statements_dup_sql (self->statements);
  for (guint i = 0; i < self->statements->len; i++)
    {
      const Statement *statement = g_ptr_array_index (self->statements, i);
      char *line;

      if (statement->unless_index == NULL)
        continue;
      line = g_strdup_printf ("-- only where the store's index is not %s: %s",
                              statement->unless_index->sql,
                              (const char *) g_ptr_array_index (sql, i));
      g_free (g_ptr_array_index (sql, i));
      g_ptr_array_index (sql, i) = line;
    }

  return sql;
}

/* ---- running ---------------------------------------------------------- */

/* Whether @statement applies to the store: its table is there, and the
 * column it adds is not; the index it spares is not as wanted. */
static gboolean
applies (GodwitSqlRun     *run,
         const Statement  *statement,
         gboolean         *result,
         GError          **error)
{
  char *sql;
  gint64 count = 0;
  gboolean ok;

  *result = TRUE;
  if (statement->unless_index != NULL)
    {
      sql = sqlite3_mprintf ("SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND "
                             "name = %Q AND sql = %Q", statement->unless_index->name,
                             statement->unless_index->sql);
      ok = _godwit_sql_run_query_int (run, CANNOT_READ, sql, &count, error);
      sqlite3_free (sql);
      *result = count == 0;
      return ok;
    }
  if (statement->required_table == NULL)
    return TRUE;

  sql = sqlite3_mprintf ("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = %Q",
                         statement->required_table);
  ok = _godwit_sql_run_query_int (run, CANNOT_READ, sql, &count, error);
  sqlite3_free (sql);
  if (ok && count > 0 && statement->missing_column != NULL)
    {
      sql = sqlite3_mprintf ("SELECT COUNT(*) FROM pragma_table_info(%Q) WHERE name = %Q",
                             statement->required_table, statement->missing_column);
      ok = _godwit_sql_run_query_int (run, CANNOT_READ, sql, &count, error);
      sqlite3_free (sql);
      count = !count;
    }

  *result = count > 0;
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
      gulong n;

      if (!_godwit_sql_run_query_int (run, CANNOT_READ, check->count_sql, &count,
                                      error))
        return FALSE;
      if (count <= 0)
        continue;

      n = (gulong) MIN (count, G_MAXLONG);

      if (check->kind == CHECK_NO_VALUE)
        g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL,
                     /* Translators: the store, why the objects are checked (e.g. “Post.title
                      * becomes non-optional without a default value”), then what they do wrong */
                     g_dngettext (GETTEXT_PACKAGE, "%s: %s: %" PRId64 " object has no %s",
                                  "%s: %s: %" PRId64 " objects have no %s", n),
                     run->path, check->problem, count, check->property);
      else if (check->kind == CHECK_TO_ONE)
        g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL,
                     g_dngettext (GETTEXT_PACKAGE,
                                  "%s: %s: %" PRId64 " object is related to more than one %s",
                                  "%s: %s: %" PRId64 " objects are related to more than one %s", n),
                     run->path, check->problem, count, check->entity);
      else
        g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL,
                     g_dngettext (GETTEXT_PACKAGE,
                                  "%s: %s: %" PRId64 " object is in the %s of more than one %s",
                                  "%s: %s: %" PRId64 " objects are in the %s of more than one %s", n),
                     run->path, check->problem, count, check->property, check->entity);
      return FALSE;
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
    return _godwit_sql_run_fail (run, _("cannot read the store metadata"), "Z_METADATA", error);
  result = sqlite3_step (statement);
  if (result == SQLITE_ROW && sqlite3_column_bytes (statement, 0) > 0)
    plist_from_bin (sqlite3_column_blob (statement, 0),
                    (uint32_t) sqlite3_column_bytes (statement, 0), &metadata);
  sqlite3_finalize (statement);
  if (result != SQLITE_ROW)
    {
      if (result == SQLITE_DONE)
        g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_NOT_CORE_DATA_STORE,
                     _("%s: Z_METADATA has no row"), run->path);
      else
        _godwit_sql_run_fail (run, _("cannot read the store metadata"), "Z_METADATA", error);
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
                   _("%s: cannot encode the store metadata as a binary property list"), run->path);
      return FALSE;
    }

  if (sqlite3_prepare_v2 (run->db, sql, -1, &statement, NULL) != SQLITE_OK)
    {
      plist_to_bin_free (binary);
      return _godwit_sql_run_fail (run, _("cannot write the store metadata"), sql, error);
    }
  sqlite3_bind_blob (statement, 1, binary, (int) length, SQLITE_STATIC);
  result = sqlite3_step (statement);
  sqlite3_finalize (statement);
  plist_to_bin_free (binary);
  if (result != SQLITE_DONE)
    return _godwit_sql_run_fail (run, _("cannot write the store metadata"), sql, error);

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
      gboolean applies_here;

      if (g_cancellable_set_error_if_cancelled (run->cancellable, error))
        return FALSE;

      if (!applies (run, statement, &applies_here, error))
        return FALSE;
      if (!applies_here)
        continue;

      if (statement->kind == STATEMENT_METADATA)
        {
          if (!write_metadata (self, run, statement->base.sql, error))
            return FALSE;
          continue;
        }

      if (!_godwit_sql_run_statement (run, CANNOT_MIGRATE, &statement->base, progress, user_data,
                                      error))
        return FALSE;
      if (statement->counts_changes && progress != NULL)
        {
          gint64 written = sqlite3_changes64 (run->db);

          progress (statement->base.entity, written, written, user_data);
        }
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
 * Z_UUID, unknown metadata keys and persistent history. Fails with
 * %GODWIT_ERROR_INVALID_MODEL, before changing anything, when stored
 * objects lack a value the destination requires or have several links
 * where it allows one.
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
                   _("%s: the connection is inside a transaction"), run.path);
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
