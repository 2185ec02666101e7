/* godwit-store-layout.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* How Core Data lays a model version out in SQLite. Every rule below was
 * checked against real stores with their cached models (Apple Notes and
 * Screen Time stores, the wibosco and bergier example stores): same
 * tables, columns, declared types, column order, indexes and Z_ENT numbers.
 *
 * - Z_ENT: root entities in byte order of their names, each followed by its
 *   sub-entities depth first (siblings in byte order).
 * - One table per root entity, Z + upper-cased name, shared by the whole
 *   hierarchy. A property belongs to the topmost entity declaring its name
 *   (compiled models repeat inherited properties in every sub-entity).
 * - Columns: Z_PK, Z_ENT, Z_OPT, then classes of columns in this order,
 *   each class listing the hierarchy's entities depth first and, inside an
 *   entity, properties in byte order of their names:
 *   integers and booleans, then that entity's to-one relationships (each
 *   followed by its Z<n>_ and Z_FOK_ columns); dates, doubles and floats
 *   (one class); strings; URIs; UUIDs; transformables; binary data.
 * - Column name clashes (after upper-casing, or between sibling
 *   sub-entities) take the suffixes 1, 2, … in the order entities and then
 *   their columns are laid out (ZACCOUNT … ZACCOUNT5 in Notes).
 * - A many-to-many relationship gets the join table Z_<n><REL> named by the
 *   side with the lower Z_ENT; each column is named after the relationship
 *   pointing at its rows (Z_2USERS ( Z_2BLUEPRINTS, Z_16USERS ) in Screen
 *   Time).
 * - ACHANGE has one ZTOMBSTONEn column per attribute preserved after
 *   deletion, as many as the entity with most of them has.
 * - Indexes per table: foreign keys (<TABLE>_<COLUMN>_INDEX, column order),
 *   the reverse index of each join table, <TABLE>_Z_ENT_INDEX for a
 *   hierarchy, uniqueness constraints, then indexed attributes and fetch
 *   indexes (a single-element fetch index on a to-one relationship is left
 *   out: the foreign-key index already covers it).
 * - Statements: all tables (join tables right after the table of the entity
 *   naming them), then all indexes, then Z_PRIMARYKEY, Z_METADATA,
 *   Z_MODELCACHE, then the persistent-history tables and their indexes.
 *
 * Not verifiable with the stores at hand, chosen and documented here:
 * Decimal columns are declared DECIMAL and sort with the doubles; a
 * reflexive many-to-many table is named after the relationship whose name
 * sorts last (three of the four reflexive tables seen: Kik, Apple's docset
 * index); join tables of one entity are ordered by relationship name (real
 * stores use an internal order); a to-many without inverse becomes the
 * column Z<n><REL> in the destination's table (seen in Apple's docset
 * index); ordered many-to-many join tables put Z_FOK_ columns after the two
 * key columns; partial and R-Tree fetch indexes and composite attributes
 * are left out.
 */

#define G_LOG_DOMAIN "godwit-store-layout"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "godwit-error.h"
#include "godwit-store-layout.h"

/* Model entities must stay below the persistent-history numbers. */
#define MAX_ENTITIES (GODWIT_STORE_LAYOUT_CHANGE_ENTITY_NUMBER - 1)

/* Column classes, in the order Core Data lays them out. */
typedef enum
{
  CLASS_INTEGER,
  CLASS_REAL,
  CLASS_STRING,
  CLASS_URI,
  CLASS_UUID,
  CLASS_TRANSFORMABLE,
  CLASS_BINARY,
  N_CLASSES,
  CLASS_NONE = N_CLASSES,
} ColumnClass;

struct _GodwitStoreLayout
{
  GObject      parent_instance;

  GodwitModel *model;
  gboolean     persistent_history;
  guint        n_tombstones;
  GPtrArray   *entities;             /* (element-type GodwitEntity) (unowned): by Z_ENT - 1 */
  GHashTable  *numbers;              /* (element-type GodwitEntity guint) */
  GPtrArray   *tables;               /* (element-type GodwitTable) */
  GHashTable  *tables_by_root;       /* (element-type GodwitEntity GodwitTable) */
  GHashTable  *columns;              /* (element-type PropertyKey GodwitColumn) */
  GPtrArray   *join_tables;          /* (element-type GodwitJoinTable) */
  GHashTable  *join_tables_by_side;  /* (element-type PropertyKey GodwitJoinTable) */
  GPtrArray   *indexes;              /* (element-type GodwitIndex) */
  GPtrArray   *statements;           /* (element-type utf8) */
  GHashTable  *sql_names;            /* (element-type utf8): upper-cased table and index names */
  GHashTable  *owned_to_many;        /* (element-type GodwitEntity GPtrArray): while building, the
                                      * to-many relationships without inverse by destination, as
                                      * (source entity, relationship) pairs */
};

G_DEFINE_FINAL_TYPE (GodwitStoreLayout, godwit_store_layout, G_TYPE_OBJECT)

static const char * const history_tables[] = {
  "CREATE TABLE ATRANSACTION ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, "
  "ZAUTHORTS INTEGER, ZBUNDLEIDTS INTEGER, ZCONTEXTNAMETS INTEGER, ZPROCESSIDTS INTEGER, "
  "ZTIMESTAMP FLOAT, ZAUTHOR VARCHAR, ZBUNDLEID VARCHAR, ZCONTEXTNAME VARCHAR, "
  "ZPROCESSID VARCHAR, ZQUERYGEN BLOB )",
  "CREATE TABLE ATRANSACTIONSTRING ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, "
  "ZNAME VARCHAR )",
};

static const struct {
  const char *name;
  const char *table;
  gboolean    unique;
  const char *columns;
} history_indexes[] = {
  { "ACHANGE_ZTRANSACTIONID_INDEX", "ACHANGE", FALSE, "(ZTRANSACTIONID)" },
  { "ATRANSACTION_ZAUTHORTS_INDEX", "ATRANSACTION", FALSE, "(ZAUTHORTS)" },
  { "ATRANSACTION_ZBUNDLEIDTS_INDEX", "ATRANSACTION", FALSE, "(ZBUNDLEIDTS)" },
  { "ATRANSACTION_ZCONTEXTNAMETS_INDEX", "ATRANSACTION", FALSE, "(ZCONTEXTNAMETS)" },
  { "ATRANSACTION_ZPROCESSIDTS_INDEX", "ATRANSACTION", FALSE, "(ZPROCESSIDTS)" },
  { "Z_TRANSACTION_TransactionAuthorIndex", "ATRANSACTION", FALSE, "(ZAUTHOR COLLATE BINARY ASC)" },
  { "Z_TRANSACTION_TransactionTimestampIndex", "ATRANSACTION", FALSE,
    "(ZTIMESTAMP COLLATE BINARY ASC)" },
  { "Z_TRANSACTIONSTRING_UNIQUE_NAME", "ATRANSACTIONSTRING", TRUE, "(ZNAME COLLATE BINARY ASC)" },
};

static const char * const reserved_names[] = {
  "Z_PRIMARYKEY", "Z_METADATA", "Z_MODELCACHE", "ACHANGE", "ATRANSACTION", "ATRANSACTIONSTRING",
};

static const char * const metadata_tables[] = {
  "CREATE TABLE Z_PRIMARYKEY (Z_ENT INTEGER PRIMARY KEY, Z_NAME VARCHAR, Z_SUPER INTEGER, "
  "Z_MAX INTEGER)",
  "CREATE TABLE Z_METADATA (Z_VERSION INTEGER PRIMARY KEY, Z_UUID VARCHAR(255), Z_PLIST BLOB)",
  "CREATE TABLE Z_MODELCACHE (Z_CONTENT BLOB)",
};

/* A property's place: the entity declaring it, its name, and the role of
 * the column. Names belong to the model, which the layout keeps alive. */
typedef struct
{
  GodwitEntity     *entity;
  const char       *name;
  GodwitColumnRole  role;
} PropertyKey;

static guint
property_key_hash (gconstpointer data)
{
  const PropertyKey *key = data;

  return g_direct_hash (key->entity) ^ g_str_hash (key->name) ^ ((guint) key->role * 0x9e3779b9u);
}

static gboolean
property_key_equal (gconstpointer a,
                    gconstpointer b)
{
  const PropertyKey *ka = a;
  const PropertyKey *kb = b;

  return ka->entity == kb->entity && ka->role == kb->role && strcmp (ka->name, kb->name) == 0;
}

static PropertyKey *
property_key_new (GodwitEntity     *entity,
                  GodwitProperty   *property,
                  GodwitColumnRole  role)
{
  PropertyKey *key = g_new (PropertyKey, 1);

  key->entity = entity;
  key->name = property->name;
  key->role = role;

  return key;
}

static void
column_free (gpointer data)
{
  GodwitColumn *column = data;

  g_free (column->name);
  g_free (column);
}

static void
table_free (gpointer data)
{
  GodwitTable *table = data;

  g_free (table->name);
  g_ptr_array_unref (table->columns);
  g_free (table);
}

static void
join_table_free (gpointer data)
{
  GodwitJoinTable *join = data;

  g_free (join->name);
  g_free (join->column);
  g_free (join->inverse_column);
  g_free (join->order_column);
  g_free (join->inverse_order_column);
  g_free (join);
}

static void
index_free (gpointer data)
{
  GodwitIndex *index = data;

  g_free (index->name);
  g_free (index->table);
  g_free (index->sql);
  g_free (index);
}

static void
godwit_store_layout_finalize (GObject *object)
{
  GodwitStoreLayout *self = (GodwitStoreLayout *) object;

  g_clear_pointer (&self->entities, g_ptr_array_unref);
  g_clear_pointer (&self->numbers, g_hash_table_unref);
  g_clear_pointer (&self->columns, g_hash_table_unref);
  g_clear_pointer (&self->tables_by_root, g_hash_table_unref);
  g_clear_pointer (&self->tables, g_ptr_array_unref);
  g_clear_pointer (&self->join_tables_by_side, g_hash_table_unref);
  g_clear_pointer (&self->join_tables, g_ptr_array_unref);
  g_clear_pointer (&self->indexes, g_ptr_array_unref);
  g_clear_pointer (&self->statements, g_ptr_array_unref);
  g_clear_pointer (&self->sql_names, g_hash_table_unref);
  g_clear_pointer (&self->owned_to_many, g_hash_table_unref);
  g_clear_object (&self->model);

  G_OBJECT_CLASS (godwit_store_layout_parent_class)->finalize (object);
}

static void
godwit_store_layout_class_init (GodwitStoreLayoutClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = godwit_store_layout_finalize;
}

static void
godwit_store_layout_init (GodwitStoreLayout *self)
{
  self->entities = g_ptr_array_new ();
  self->numbers = g_hash_table_new (NULL, NULL);
  self->tables = g_ptr_array_new_with_free_func (table_free);
  self->tables_by_root = g_hash_table_new (NULL, NULL);
  self->columns = g_hash_table_new_full (property_key_hash, property_key_equal, g_free, NULL);
  self->join_tables = g_ptr_array_new_with_free_func (join_table_free);
  self->join_tables_by_side = g_hash_table_new_full (property_key_hash, property_key_equal,
                                                     g_free, NULL);
  self->indexes = g_ptr_array_new_with_free_func (index_free);
  self->statements = g_ptr_array_new_with_free_func (g_free);
  self->sql_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->owned_to_many = g_hash_table_new_full (NULL, NULL, NULL,
                                               (GDestroyNotify) g_ptr_array_unref);
}

static const char *
describe (GodwitStoreLayout *self)
{
  if (godwit_model_get_path (self->model) != NULL)
    return godwit_model_get_path (self->model);
  if (godwit_model_get_version_name (self->model) != NULL)
    return godwit_model_get_version_name (self->model);

  return _("model");
}

/* Entity and property names go into SQL unquoted, as Core Data writes them:
 * only identifier characters may pass (letters, digits, underscore, and any
 * non-ASCII character, which SQLite accepts in identifiers). */
static gboolean
is_sql_name (const char *name)
{
  if (name == NULL || *name == '\0' || !g_utf8_validate (name, -1, NULL))
    return FALSE;

  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '_' && (guchar) *p < 0x80)
      return FALSE;

  return TRUE;
}

static guint
number_of (GodwitStoreLayout *self,
           GodwitEntity      *entity)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (self->numbers, entity));
}

/* The topmost entity of @entity's ancestry declaring a property @name: the
 * one whose column the whole hierarchy shares. */
static GodwitEntity *
declaring_entity (GodwitEntity    *entity,
                  const char      *name,
                  GodwitProperty **property)
{
  GodwitEntity *declaring = NULL;

  *property = NULL;
  for (GodwitEntity *e = entity; e != NULL; e = e->parent)
    {
      GodwitProperty *own = godwit_entity_get_own_property (e, name);

      if (own != NULL)
        {
          declaring = e;
          *property = own;
        }
    }

  return declaring;
}

static gboolean
is_inherited (GodwitEntity   *entity,
              GodwitProperty *property)
{
  for (GodwitEntity *e = entity->parent; e != NULL; e = e->parent)
    if (godwit_entity_get_own_property (e, property->name) != NULL)
      return TRUE;

  return FALSE;
}

static ColumnClass
attribute_class (GodwitAttributeType  type,
                 const char         **declared_type)
{
  switch (type)
    {
    case GODWIT_ATTRIBUTE_TYPE_INTEGER_16:
    case GODWIT_ATTRIBUTE_TYPE_INTEGER_32:
    case GODWIT_ATTRIBUTE_TYPE_INTEGER_64:
    case GODWIT_ATTRIBUTE_TYPE_BOOLEAN:
      *declared_type = "INTEGER";
      return CLASS_INTEGER;
    case GODWIT_ATTRIBUTE_TYPE_DECIMAL:
      *declared_type = "DECIMAL";
      return CLASS_REAL;
    case GODWIT_ATTRIBUTE_TYPE_DOUBLE:
    case GODWIT_ATTRIBUTE_TYPE_FLOAT:
      *declared_type = "FLOAT";
      return CLASS_REAL;
    case GODWIT_ATTRIBUTE_TYPE_DATE:
      *declared_type = "TIMESTAMP";
      return CLASS_REAL;
    case GODWIT_ATTRIBUTE_TYPE_STRING:
      *declared_type = "VARCHAR";
      return CLASS_STRING;
    case GODWIT_ATTRIBUTE_TYPE_URI:
      *declared_type = "VARCHAR";
      return CLASS_URI;
    case GODWIT_ATTRIBUTE_TYPE_UUID:
      *declared_type = "BLOB";
      return CLASS_UUID;
    case GODWIT_ATTRIBUTE_TYPE_TRANSFORMABLE:
      *declared_type = "BLOB";
      return CLASS_TRANSFORMABLE;
    case GODWIT_ATTRIBUTE_TYPE_BINARY:
      *declared_type = "BLOB";
      return CLASS_BINARY;
    case GODWIT_ATTRIBUTE_TYPE_UNDEFINED:
    case GODWIT_ATTRIBUTE_TYPE_OBJECT_ID:
    case GODWIT_ATTRIBUTE_TYPE_COMPOSITE:
    default:
      *declared_type = NULL;
      return CLASS_NONE;
    }
}

/* Depth first, siblings in byte order of their names. */
static void
collect_hierarchy (GodwitEntity *entity,
                   GPtrArray    *out)
{
  g_autoptr(GPtrArray) children = g_ptr_array_copy (entity->subentities, NULL, NULL);

  g_ptr_array_add (out, entity);
  g_ptr_array_sort (children, godwit_entity_compare_by_name);
  for (guint i = 0; i < children->len; i++)
    collect_hierarchy (g_ptr_array_index (children, i), out);
}

/* Own stored properties of @entity (not inherited), by name. */
static GPtrArray *
dup_own_stored_properties (GodwitEntity *entity)
{
  GPtrArray *own = g_ptr_array_new ();

  for (guint i = 0; i < entity->properties->len; i++)
    {
      GodwitProperty *property = g_ptr_array_index (entity->properties, i);

      if (godwit_property_is_stored (property) && !is_inherited (entity, property))
        g_ptr_array_add (own, property);
    }
  g_ptr_array_sort (own, godwit_property_compare_by_name);

  return own;
}

static gboolean
claim_sql_name (GodwitStoreLayout  *self,
                const char         *name,
                GError            **error)
{
  /* SQLite folds ASCII case in names: ZPOST and Zpost are one table. */
  if (!g_hash_table_add (self->sql_names, g_ascii_strup (name, -1)))
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL,
                   _("%s: two tables or indexes of the store would both be named “%s”"),
                   describe (self), name);
      return FALSE;
    }

  return TRUE;
}

/* Builds the columns of one table; @used holds the names taken so far. */
typedef struct
{
  GodwitStoreLayout *self;
  GHashTable        *used;           /* (element-type utf8) column names taken */
  GHashTable        *next_suffixes;  /* (element-type utf8 guint) last suffix given per base name */
  GPtrArray         *classes[N_CLASSES];
} TableBuilder;

static char *
unique_column_name (TableBuilder *builder,
                    const char   *base)
{
  char *name = g_strdup (base);
  guint suffix;

  /* Remember the next suffix of each base, so that many clashes on one
   * name stay linear. */
  suffix = GPOINTER_TO_UINT (g_hash_table_lookup (builder->next_suffixes, base));
  while (g_hash_table_contains (builder->used, name))
    {
      g_free (name);
      name = g_strdup_printf ("%s%u", base, ++suffix);
    }
  g_hash_table_insert (builder->next_suffixes, g_strdup (base), GUINT_TO_POINTER (suffix));
  g_hash_table_add (builder->used, g_strdup (name));

  return name;
}

static GodwitColumn *
add_column (TableBuilder     *builder,
            ColumnClass       column_class,
            const char       *base_name,
            const char       *declared_type,
            GodwitColumnRole  role,
            GodwitEntity     *entity,
            GodwitProperty   *property)
{
  GodwitColumn *column = g_new0 (GodwitColumn, 1);

  column->name = unique_column_name (builder, base_name);
  column->declared_type = declared_type;
  column->role = role;
  column->entity = entity;
  column->property = property;
  g_ptr_array_add (builder->classes[column_class], column);

  if (entity != NULL && property != NULL)
    g_hash_table_insert (builder->self->columns,
                         property_key_new (entity, property, role), column);

  return column;
}

static void
add_to_one_columns (TableBuilder   *builder,
                    GodwitEntity   *entity,
                    GodwitProperty *relationship)
{
  GodwitStoreLayout *self = builder->self;
  g_autofree char *upper = g_utf8_strup (relationship->name, -1);
  g_autofree char *base = g_strconcat ("Z", upper, NULL);
  GodwitEntity *destination = godwit_model_get_entity (self->model,
                                                       relationship->destination_entity);
  GodwitProperty *inverse = godwit_model_find_inverse (self->model, relationship);
  GodwitColumn *column;

  column = add_column (builder, CLASS_INTEGER, base, "INTEGER", GODWIT_COLUMN_ROLE_TO_ONE,
                       entity, relationship);

  /* The stem after Z, suffix included: Z2_CLOUDSYNCINGOBJECT, Z_FOK_HASAPP. */
  if (destination != NULL && destination->subentities->len > 0)
    {
      g_autofree char *name = g_strdup_printf ("Z%u_%s", number_of (self, destination),
                                               column->name + 1);

      add_column (builder, CLASS_INTEGER, name, "INTEGER", GODWIT_COLUMN_ROLE_TO_ONE_ENTITY,
                  entity, relationship);
    }

  if (inverse != NULL && inverse->to_many && inverse->ordered)
    {
      g_autofree char *name = g_strconcat ("Z_FOK_", column->name + 1, NULL);

      add_column (builder, CLASS_INTEGER, name, "INTEGER", GODWIT_COLUMN_ROLE_ORDER,
                  entity, relationship);
    }
}

/* A to-many relationship without inverse keeps its owner in the
 * destination's row: Z16PARAMETERS in Apple's docset index. */
static void
add_to_many_owner_columns (TableBuilder *builder,
                           GodwitEntity *destination)
{
  GodwitStoreLayout *self = builder->self;
  GPtrArray *relationships = g_hash_table_lookup (self->owned_to_many, destination);

  for (guint i = 0; relationships != NULL && i < relationships->len; i += 2)
    {
      GodwitEntity *source = g_ptr_array_index (relationships, i);
      GodwitProperty *relationship = g_ptr_array_index (relationships, i + 1);
      g_autofree char *upper = g_utf8_strup (relationship->name, -1);
      g_autofree char *base = g_strdup_printf ("Z%u%s", number_of (self, source), upper);
      GodwitColumn *column;

      column = add_column (builder, CLASS_INTEGER, base, "INTEGER",
                           GODWIT_COLUMN_ROLE_TO_MANY_OWNER,
                           source, relationship);
      if (relationship->ordered)
        {
          g_autofree char *name = g_strconcat ("Z_FOK_", column->name + 1, NULL);

          add_column (builder, CLASS_INTEGER, name, "INTEGER", GODWIT_COLUMN_ROLE_ORDER,
                      source, relationship);
        }
    }
}

/* Indexes the to-many relationships without inverse by destination, as
 * (source entity, relationship) pairs in Z_ENT and name order. */
static void
collect_owned_to_many (GodwitStoreLayout *self)
{
  for (guint i = 0; i < self->entities->len; i++)
    {
      GodwitEntity *source = g_ptr_array_index (self->entities, i);
      g_autoptr(GPtrArray) own = dup_own_stored_properties (source);

      for (guint j = 0; j < own->len; j++)
        {
          GodwitProperty *relationship = g_ptr_array_index (own, j);
          GodwitEntity *destination;
          GPtrArray *relationships;

          if (relationship->kind != GODWIT_PROPERTY_KIND_RELATIONSHIP || !relationship->to_many ||
              godwit_model_find_inverse (self->model, relationship) != NULL)
            continue;

          destination = godwit_model_get_entity (self->model, relationship->destination_entity);
          if (destination == NULL)
            continue;

          relationships = g_hash_table_lookup (self->owned_to_many, destination);
          if (relationships == NULL)
            {
              relationships = g_ptr_array_new ();
              g_hash_table_insert (self->owned_to_many, destination, relationships);
            }
          g_ptr_array_add (relationships, source);
          g_ptr_array_add (relationships, relationship);
        }
    }
}

static gboolean
check_names (GodwitStoreLayout  *self,
             GodwitEntity       *entity,
             GError            **error)
{
  if (!is_sql_name (entity->name))
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL,
                   _("%s: entity name “%s” cannot name an SQLite table"),
                   describe (self), entity->name);
      return FALSE;
    }

  for (guint i = 0; i < entity->properties->len; i++)
    {
      GodwitProperty *property = g_ptr_array_index (entity->properties, i);

      if (godwit_property_is_stored (property) && !is_sql_name (property->name))
        {
          g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL,
                       _("%s: property name “%s” of entity %s cannot name an SQLite column"),
                       describe (self), property->name, entity->name);
          return FALSE;
        }
    }

  for (guint i = 0; i < entity->fetch_indexes->len; i++)
    {
      GodwitFetchIndex *index = g_ptr_array_index (entity->fetch_indexes, i);

      if (!is_sql_name (index->name))
        {
          g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL,
                       _("%s: fetch index name “%s” of entity %s cannot name an SQLite index"),
                       describe (self), index->name, entity->name);
          return FALSE;
        }
    }

  return TRUE;
}

static gboolean
build_table (GodwitStoreLayout  *self,
             GodwitEntity       *root,
             GPtrArray          *hierarchy,
             GError            **error)
{
  g_autoptr(GHashTable) used = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) next_suffixes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                               NULL);
  g_autofree char *upper = g_utf8_strup (root->name, -1);
  TableBuilder builder = { self, used, next_suffixes, { NULL } };
  GodwitTable *table;
  g_autoptr(GString) sql = g_string_new (NULL);

  table = g_new0 (GodwitTable, 1);
  table->name = g_strconcat ("Z", upper, NULL);
  table->root = root;
  table->columns = g_ptr_array_new_with_free_func (column_free);
  g_ptr_array_add (self->tables, table);
  g_hash_table_insert (self->tables_by_root, root, table);

  if (!claim_sql_name (self, table->name, error))
    return FALSE;

  for (guint c = 0; c < N_CLASSES; c++)
    builder.classes[c] = g_ptr_array_new ();

  for (guint c = 0; c <= GODWIT_COLUMN_ROLE_OPT; c++)
    {
      static const char * const names[] = { "Z_PK", "Z_ENT", "Z_OPT" };
      GodwitColumn *column = g_new0 (GodwitColumn, 1);

      column->name = g_strdup (names[c]);
      column->declared_type = "INTEGER";
      column->role = (GodwitColumnRole) c;
      g_hash_table_add (used, g_strdup (names[c]));
      g_ptr_array_add (table->columns, column);
    }

  for (guint i = 0; i < hierarchy->len; i++)
    {
      GodwitEntity *entity = g_ptr_array_index (hierarchy, i);
      g_autoptr(GPtrArray) own = dup_own_stored_properties (entity);

      for (guint c = 0; c < N_CLASSES; c++)
        {
          for (guint j = 0; j < own->len; j++)
            {
              GodwitProperty *property = g_ptr_array_index (own, j);
              g_autofree char *property_upper = NULL;
              g_autofree char *base = NULL;
              const char *declared_type;

              if (property->kind != GODWIT_PROPERTY_KIND_ATTRIBUTE ||
                  attribute_class (property->attribute_type, &declared_type) != c)
                continue;

              property_upper = g_utf8_strup (property->name, -1);
              base = g_strconcat ("Z", property_upper, NULL);
              add_column (&builder, c, base, declared_type, GODWIT_COLUMN_ROLE_ATTRIBUTE, entity,
                          property);
            }

          if (c != CLASS_INTEGER)
            continue;

          for (guint j = 0; j < own->len; j++)
            {
              GodwitProperty *property = g_ptr_array_index (own, j);

              if (property->kind == GODWIT_PROPERTY_KIND_RELATIONSHIP && !property->to_many)
                add_to_one_columns (&builder, entity, property);
            }
          add_to_many_owner_columns (&builder, entity);
        }
    }

  for (guint c = 0; c < N_CLASSES; c++)
    {
      for (guint j = 0; j < builder.classes[c]->len; j++)
        g_ptr_array_add (table->columns, g_ptr_array_index (builder.classes[c], j));
      g_ptr_array_unref (builder.classes[c]);
    }

  g_string_append_printf (sql, "CREATE TABLE %s ( ", table->name);
  for (guint i = 0; i < table->columns->len; i++)
    {
      GodwitColumn *column = g_ptr_array_index (table->columns, i);

      g_string_append_printf (sql, "%s%s %s%s", i > 0 ? ", " : "",
                              column->name, column->declared_type,
                              column->role == GODWIT_COLUMN_ROLE_PRIMARY_KEY ? " PRIMARY KEY" : "");
    }
  g_string_append (sql, " )");
  g_ptr_array_add (self->statements, g_string_free (g_steal_pointer (&sql), FALSE));

  return TRUE;
}

static GodwitJoinTable *
new_join_table (GodwitStoreLayout *self,
                GodwitEntity      *entity,
                GodwitProperty    *relationship,
                GodwitEntity      *inverse_entity,
                GodwitProperty    *inverse)
{
  GodwitJoinTable *join = g_new0 (GodwitJoinTable, 1);
  g_autofree char *upper = g_utf8_strup (relationship->name, -1);
  g_autofree char *inverse_upper = g_utf8_strup (inverse->name, -1);
  guint number = number_of (self, entity);
  guint inverse_number = number_of (self, inverse_entity);

  join->name = g_strdup_printf ("Z_%u%s", number, upper);
  join->entity = entity;
  join->relationship = relationship;
  join->inverse_entity = inverse_entity;
  join->inverse = inverse;
  /* Each column is named after the relationship that points at its rows. */
  join->column = g_strdup_printf ("Z_%u%s", number, inverse_upper);
  join->inverse_column = g_strdup_printf ("Z_%u%s", inverse_number, upper);
  /* A relationship that is its own inverse would name both columns alike. */
  if (strcmp (join->column, join->inverse_column) == 0)
    {
      g_free (join->inverse_column);
      join->inverse_column = g_strdup_printf ("Z_%u%s1", inverse_number, upper);
    }
  if (relationship->ordered)
    join->order_column = g_strconcat ("Z_FOK_", join->inverse_column + 2, NULL);
  if (inverse->ordered)
    join->inverse_order_column = g_strconcat ("Z_FOK_", join->column + 2, NULL);

  return join;
}

static void
add_join_table_statement (GodwitStoreLayout *self,
                          GodwitJoinTable   *join)
{
  g_autoptr(GString) sql = g_string_new (NULL);

  g_string_append_printf (sql, "CREATE TABLE %s ( %s INTEGER, %s INTEGER",
                          join->name, join->column, join->inverse_column);
  if (join->order_column != NULL)
    g_string_append_printf (sql, ", %s INTEGER", join->order_column);
  if (join->inverse_order_column != NULL)
    g_string_append_printf (sql, ", %s INTEGER", join->inverse_order_column);
  g_string_append_printf (sql, ", PRIMARY KEY (%s, %s) )", join->column, join->inverse_column);
  g_ptr_array_add (self->statements, g_string_free (g_steal_pointer (&sql), FALSE));
}

/* The many-to-many relationships of one hierarchy, each once, named by the
 * side with the lower Z_ENT. */
static gboolean
build_join_tables (GodwitStoreLayout  *self,
                   GPtrArray          *hierarchy,
                   GPtrArray          *out,
                   GError            **error)
{
  for (guint i = 0; i < hierarchy->len; i++)
    {
      GodwitEntity *entity = g_ptr_array_index (hierarchy, i);
      g_autoptr(GPtrArray) own = dup_own_stored_properties (entity);

      for (guint j = 0; j < own->len; j++)
        {
          GodwitProperty *relationship = g_ptr_array_index (own, j);
          GodwitProperty *inverse;
          GodwitEntity *destination;
          GodwitEntity *inverse_entity;
          GodwitJoinTable *join;
          guint number, inverse_number;

          if (relationship->kind != GODWIT_PROPERTY_KIND_RELATIONSHIP || !relationship->to_many)
            continue;

          inverse = godwit_model_find_inverse (self->model, relationship);
          if (inverse == NULL || !inverse->to_many)
            continue;

          if (g_strcmp0 (inverse->inverse_name, relationship->name) != 0)
            {
              g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL,
                           _("%s: the inverse of relationship %s.%s, %s.%s, "
                             "does not name it as its inverse"),
                           describe (self), entity->name, relationship->name,
                           relationship->destination_entity, inverse->name);
              return FALSE;
            }

          destination = godwit_model_get_entity (self->model, relationship->destination_entity);
          inverse_entity = declaring_entity (destination, inverse->name, &inverse);
          number = number_of (self, entity);
          inverse_number = number_of (self, inverse_entity);

          /* The other side names the table (and created it already, being
           * laid out first, or will, being in this hierarchy). */
          if (inverse_number < number ||
              (inverse_number == number && strcmp (inverse->name, relationship->name) > 0))
            continue;

          join = new_join_table (self, entity, relationship, inverse_entity, inverse);
          g_ptr_array_add (self->join_tables, join);
          g_ptr_array_add (out, join);
          g_hash_table_insert (self->join_tables_by_side,
                               property_key_new (entity, relationship, 0), join);
          g_hash_table_insert (self->join_tables_by_side,
                               property_key_new (inverse_entity, inverse, 0), join);

          if (!claim_sql_name (self, join->name, error))
            return FALSE;
          add_join_table_statement (self, join);
        }
    }

  return TRUE;
}

static void
add_index (GodwitStoreLayout *self,
           const char        *name,
           const char        *table,
           gboolean           unique,
           const char        *columns)
{
  GodwitIndex *index = g_new0 (GodwitIndex, 1);

  index->name = g_strdup (name);
  index->table = g_strdup (table);
  index->unique = unique;
  index->sql = g_strdup_printf ("CREATE %sINDEX %s ON %s %s",
                                unique ? "UNIQUE " : "", name, table, columns);
  g_ptr_array_add (self->indexes, index);
  g_ptr_array_add (self->statements, g_strdup (index->sql));
}

/* The column a uniqueness constraint or fetch index element names: an
 * attribute's, or a to-one relationship's foreign key. */
static const GodwitColumn *
index_element_column (GodwitStoreLayout  *self,
                      GodwitEntity       *entity,
                      const char         *property_name,
                      const char         *index_name,
                      GError            **error)
{
  const GodwitColumn *column;

  column = godwit_store_layout_find_column (self, entity, property_name,
                                            GODWIT_COLUMN_ROLE_ATTRIBUTE);
  if (column == NULL)
    column = godwit_store_layout_find_column (self, entity, property_name,
                                              GODWIT_COLUMN_ROLE_TO_ONE);
  if (column == NULL)
    g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL,
                 _("%s: index “%s” of entity %s names “%s”, "
                   "which is not a stored attribute or to-one relationship"),
                 describe (self), index_name, entity->name, property_name);

  return column;
}

static gboolean
ancestor_has_constraint (GodwitEntity        *entity,
                         const char * const  *constraint)
{
  for (GodwitEntity *e = entity->parent; e != NULL; e = e->parent)
    for (guint i = 0; i < e->uniqueness_constraints->len; i++)
      if (g_strv_equal (g_ptr_array_index (e->uniqueness_constraints, i), constraint))
        return TRUE;

  return FALSE;
}

static gboolean
build_uniqueness_indexes (GodwitStoreLayout  *self,
                          GodwitTable        *table,
                          GodwitEntity       *entity,
                          GError            **error)
{
  for (guint i = 0; i < entity->uniqueness_constraints->len; i++)
    {
      const char * const *constraint = g_ptr_array_index (entity->uniqueness_constraints, i);
      g_autoptr(GString) columns = g_string_new ("(");
      g_autofree char *joined = NULL;
      g_autofree char *name = NULL;

      if (constraint == NULL || constraint[0] == NULL ||
          ancestor_has_constraint (entity, constraint))
        continue;

      joined = g_strjoinv ("_", (char **) constraint);
      name = g_strdup_printf ("Z_%s_UNIQUE_%s", entity->name, joined);
      for (guint j = 0; constraint[j] != NULL; j++)
        {
          const GodwitColumn *column;

          column = index_element_column (self, entity, constraint[j], name, error);

          if (column == NULL)
            return FALSE;
          g_string_append_printf (columns, "%s%s COLLATE BINARY ASC", j > 0 ? ", " : "",
                                  column->name);
        }
      g_string_append (columns, ")");

      if (!claim_sql_name (self, name, error))
        return FALSE;
      add_index (self, name, table->name, TRUE, columns->str);
    }

  return TRUE;
}

static GodwitFetchIndex *
find_fetch_index (GodwitEntity *entity,
                  const char   *name)
{
  for (guint i = 0; i < entity->fetch_indexes->len; i++)
    {
      GodwitFetchIndex *index = g_ptr_array_index (entity->fetch_indexes, i);

      if (g_strcmp0 (index->name, name) == 0)
        return index;
    }

  return NULL;
}

static gboolean
is_inherited_fetch_index (GodwitEntity     *entity,
                          GodwitFetchIndex *index)
{
  for (GodwitEntity *e = entity->parent; e != NULL; e = e->parent)
    {
      GodwitFetchIndex *other = find_fetch_index (e, index->name);

      if (other != NULL && other->elements->len == index->elements->len)
        return TRUE;
    }

  return FALSE;
}

static gboolean
build_fetch_indexes (GodwitStoreLayout  *self,
                     GodwitTable        *table,
                     GodwitEntity       *entity,
                     GError            **error)
{
  g_autoptr(GPtrArray) own = dup_own_stored_properties (entity);

  /* An attribute marked indexed: compiled models also list it as a fetch
   * index of the same name, which then stands for it. */
  for (guint i = 0; i < own->len; i++)
    {
      GodwitProperty *property = g_ptr_array_index (own, i);
      g_autofree char *name = NULL;
      g_autofree char *columns = NULL;
      const GodwitColumn *column;

      if (!property->indexed || property->kind != GODWIT_PROPERTY_KIND_ATTRIBUTE ||
          find_fetch_index (entity, property->name) != NULL)
        continue;

      column = godwit_store_layout_find_column (self, entity, property->name,
                                                GODWIT_COLUMN_ROLE_ATTRIBUTE);
      if (column == NULL)
        continue;

      name = g_strdup_printf ("Z_%s_%s", entity->name, property->name);
      columns = g_strdup_printf ("(%s COLLATE BINARY ASC)", column->name);
      if (!claim_sql_name (self, name, error))
        return FALSE;
      add_index (self, name, table->name, FALSE, columns);
    }

  for (guint i = 0; i < entity->fetch_indexes->len; i++)
    {
      GodwitFetchIndex *index = g_ptr_array_index (entity->fetch_indexes, i);
      g_autoptr(GString) columns = g_string_new ("(");
      g_autofree char *name = NULL;
      gboolean skip = index->elements->len == 0 || index->partial_index_predicate != NULL ||
                      is_inherited_fetch_index (entity, index);

      for (guint j = 0; j < index->elements->len && !skip; j++)
        {
          GodwitFetchIndexElement *element = g_ptr_array_index (index->elements, j);

          skip = g_strcmp0 (element->type, "R-Tree") == 0;
        }
      if (skip)
        continue;

      if (index->elements->len == 1)
        {
          GodwitFetchIndexElement *element = g_ptr_array_index (index->elements, 0);

          if (godwit_store_layout_find_column (self, entity, element->property,
                                               GODWIT_COLUMN_ROLE_TO_ONE) != NULL)
            continue;
        }

      name = g_strdup_printf ("Z_%s_%s", entity->name, index->name);
      for (guint j = 0; j < index->elements->len; j++)
        {
          GodwitFetchIndexElement *element = g_ptr_array_index (index->elements, j);
          const GodwitColumn *column;

          column = index_element_column (self, entity, element->property, name, error);

          if (column == NULL)
            return FALSE;
          g_string_append_printf (columns, "%s%s COLLATE BINARY %s", j > 0 ? ", " : "",
                                  column->name, element->ascending ? "ASC" : "DESC");
        }
      g_string_append (columns, ")");

      if (!claim_sql_name (self, name, error))
        return FALSE;
      add_index (self, name, table->name, FALSE, columns->str);
    }

  return TRUE;
}

static gboolean
build_indexes (GodwitStoreLayout  *self,
               GodwitTable        *table,
               GPtrArray          *hierarchy,
               GPtrArray          *joins,
               GError            **error)
{
  for (guint i = 0; i < table->columns->len; i++)
    {
      GodwitColumn *column = g_ptr_array_index (table->columns, i);
      g_autofree char *name = NULL;
      g_autofree char *columns = NULL;

      if (column->role != GODWIT_COLUMN_ROLE_TO_ONE &&
          column->role != GODWIT_COLUMN_ROLE_TO_MANY_OWNER)
        continue;

      name = g_strdup_printf ("%s_%s_INDEX", table->name, column->name);
      columns = g_strdup_printf ("(%s)", column->name);
      if (!claim_sql_name (self, name, error))
        return FALSE;
      add_index (self, name, table->name, FALSE, columns);
    }

  for (guint i = 0; i < joins->len; i++)
    {
      GodwitJoinTable *join = g_ptr_array_index (joins, i);
      g_autofree char *name = g_strdup_printf ("%s_%s_INDEX", join->name, join->inverse_column);
      g_autofree char *columns = g_strdup_printf ("(%s, %s)", join->inverse_column, join->column);

      if (!claim_sql_name (self, name, error))
        return FALSE;
      add_index (self, name, join->name, FALSE, columns);
    }

  if (hierarchy->len > 1)
    {
      g_autofree char *name = g_strdup_printf ("%s_Z_ENT_INDEX", table->name);

      if (!claim_sql_name (self, name, error))
        return FALSE;
      add_index (self, name, table->name, FALSE, "(Z_ENT)");
    }

  for (guint i = 0; i < hierarchy->len; i++)
    if (!build_uniqueness_indexes (self, table, g_ptr_array_index (hierarchy, i), error))
      return FALSE;

  for (guint i = 0; i < hierarchy->len; i++)
    if (!build_fetch_indexes (self, table, g_ptr_array_index (hierarchy, i), error))
      return FALSE;

  return TRUE;
}

/* ACHANGE keeps one ZTOMBSTONEn column per attribute whose value survives
 * deletion, as many as the entity with most of them has (Screen Time: 4). */
static guint
count_tombstones (GodwitStoreLayout *self)
{
  guint most = 0;

  for (guint i = 0; i < self->entities->len; i++)
    {
      GodwitEntity *entity = g_ptr_array_index (self->entities, i);
      g_autoptr(GPtrArray) all = godwit_entity_dup_all_properties (entity);
      guint count = 0;

      for (guint j = 0; j < all->len; j++)
        {
          GodwitProperty *property = g_ptr_array_index (all, j);

          if (property->kind == GODWIT_PROPERTY_KIND_ATTRIBUTE &&
              godwit_property_is_stored (property) &&
              property->preserves_value_in_history_on_deletion)
            count++;
        }
      most = MAX (most, count);
    }

  return most;
}

static void
add_history_statements (GodwitStoreLayout *self)
{
  g_autoptr(GString) change = NULL;

  change = g_string_new ("CREATE TABLE ACHANGE ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, "
                         "Z_OPT INTEGER, ZCHANGETYPE INTEGER, ZENTITY INTEGER, "
                         "ZENTITYPK INTEGER, ZTRANSACTIONID INTEGER, ZCOLUMNS BLOB");

  for (guint i = 0; i < self->n_tombstones; i++)
    g_string_append_printf (change, ", ZTOMBSTONE%u BLOB", i);
  g_string_append (change, " )");
  g_ptr_array_add (self->statements, g_string_free (g_steal_pointer (&change), FALSE));

  for (guint i = 0; i < G_N_ELEMENTS (history_tables); i++)
    g_ptr_array_add (self->statements, g_strdup (history_tables[i]));

  for (guint i = 0; i < G_N_ELEMENTS (history_indexes); i++)
    add_index (self, history_indexes[i].name, history_indexes[i].table,
               history_indexes[i].unique, history_indexes[i].columns);
}

/**
 * godwit_store_layout_new:
 * @model: a resolved model
 * @persistent_history: whether the store keeps persistent history
 *   (ACHANGE, ATRANSACTION, ATRANSACTIONSTRING)
 *
 * Computes how Core Data lays @model out in an SQLite store.
 *
 * Returns: (transfer full): the layout, or %NULL when the model cannot be
 *   laid out (names SQLite cannot take, clashing table names, indexes on
 *   properties without a column, too many entities).
 */
GodwitStoreLayout *
godwit_store_layout_new (GodwitModel  *model,
                         gboolean      persistent_history,
                         GError      **error)
{
  g_autoptr(GodwitStoreLayout) self = NULL;
  g_autoptr(GPtrArray) roots = g_ptr_array_new ();
  g_autoptr(GPtrArray) hierarchies = NULL;
  g_autoptr(GPtrArray) joins = NULL;
  GPtrArray *entities;

  g_return_val_if_fail (GODWIT_IS_MODEL (model), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  hierarchies = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  joins = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  self = g_object_new (GODWIT_TYPE_STORE_LAYOUT, NULL);
  self->model = g_object_ref (model);
  self->persistent_history = persistent_history;

  if (!godwit_model_is_resolved (model))
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL,
                   _("%s: the model must be resolved before it is laid out"), describe (self));
      return NULL;
    }

  entities = godwit_model_get_entities (model);
  if (entities->len > MAX_ENTITIES)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_LIMIT_EXCEEDED,
                   _("%s: %u entities, more than the %u a store can number"),
                   describe (self), entities->len, (guint) MAX_ENTITIES);
      return NULL;
    }

  for (guint i = 0; i < entities->len; i++)
    {
      GodwitEntity *entity = g_ptr_array_index (entities, i);

      if (!check_names (self, entity, error))
        return NULL;
      if (entity->parent == NULL)
        g_ptr_array_add (roots, entity);
    }
  g_ptr_array_sort (roots, godwit_entity_compare_by_name);

  for (guint i = 0; i < G_N_ELEMENTS (reserved_names); i++)
    claim_sql_name (self, reserved_names[i], NULL);

  for (guint i = 0; i < roots->len; i++)
    {
      GPtrArray *hierarchy = g_ptr_array_new ();

      collect_hierarchy (g_ptr_array_index (roots, i), hierarchy);
      g_ptr_array_add (hierarchies, hierarchy);
      for (guint j = 0; j < hierarchy->len; j++)
        {
          g_ptr_array_add (self->entities, g_ptr_array_index (hierarchy, j));
          g_hash_table_insert (self->numbers, g_ptr_array_index (hierarchy, j),
                               GUINT_TO_POINTER (self->entities->len));
        }
    }

  collect_owned_to_many (self);
  for (guint i = 0; i < roots->len; i++)
    {
      GPtrArray *hierarchy = g_ptr_array_index (hierarchies, i);
      GPtrArray *hierarchy_joins = g_ptr_array_new ();

      g_ptr_array_add (joins, hierarchy_joins);
      if (!build_table (self, g_ptr_array_index (roots, i), hierarchy, error) ||
          !build_join_tables (self, hierarchy, hierarchy_joins, error))
        return NULL;
    }

  for (guint i = 0; i < roots->len; i++)
    if (!build_indexes (self, g_ptr_array_index (self->tables, i),
                        g_ptr_array_index (hierarchies, i), g_ptr_array_index (joins, i), error))
      return NULL;

  g_hash_table_remove_all (self->owned_to_many);

  for (guint i = 0; i < G_N_ELEMENTS (metadata_tables); i++)
    g_ptr_array_add (self->statements, g_strdup (metadata_tables[i]));

  if (persistent_history)
    {
      self->n_tombstones = count_tombstones (self);
      add_history_statements (self);
    }

  return g_steal_pointer (&self);
}

GodwitModel *
godwit_store_layout_get_model (GodwitStoreLayout *self)
{
  g_return_val_if_fail (GODWIT_IS_STORE_LAYOUT (self), NULL);

  return self->model;
}

gboolean
godwit_store_layout_get_persistent_history (GodwitStoreLayout *self)
{
  g_return_val_if_fail (GODWIT_IS_STORE_LAYOUT (self), FALSE);

  return self->persistent_history;
}

/**
 * godwit_store_layout_get_entity_number:
 *
 * Returns: the entity's Z_ENT, or 0 if it is not an entity of the model.
 */
guint
godwit_store_layout_get_entity_number (GodwitStoreLayout *self,
                                       GodwitEntity      *entity)
{
  g_return_val_if_fail (GODWIT_IS_STORE_LAYOUT (self), 0);

  return number_of (self, entity);
}

/**
 * godwit_store_layout_get_entity_for_number:
 *
 * Returns: (transfer none) (nullable): the model entity numbered @number;
 *   %NULL for unknown numbers and the persistent-history entities.
 */
GodwitEntity *
godwit_store_layout_get_entity_for_number (GodwitStoreLayout *self,
                                           guint              number)
{
  g_return_val_if_fail (GODWIT_IS_STORE_LAYOUT (self), NULL);

  if (number == 0 || number > self->entities->len)
    return NULL;

  return g_ptr_array_index (self->entities, number - 1);
}

/**
 * godwit_store_layout_get_tables:
 *
 * Returns: (transfer none) (element-type GodwitTable): one table per root
 *   entity, in Z_ENT order (join and history tables are not among them).
 */
GPtrArray *
godwit_store_layout_get_tables (GodwitStoreLayout *self)
{
  g_return_val_if_fail (GODWIT_IS_STORE_LAYOUT (self), NULL);

  return self->tables;
}

/**
 * godwit_store_layout_get_table:
 *
 * Returns: (transfer none) (nullable): the table holding @entity's objects,
 *   its root entity's.
 */
const GodwitTable *
godwit_store_layout_get_table (GodwitStoreLayout *self,
                               GodwitEntity      *entity)
{
  g_return_val_if_fail (GODWIT_IS_STORE_LAYOUT (self), NULL);
  g_return_val_if_fail (entity != NULL, NULL);

  return g_hash_table_lookup (self->tables_by_root, godwit_entity_get_root (entity));
}

/**
 * godwit_store_layout_find_column:
 * @entity: the entity as which the object is seen
 * @property_name: a property of @entity, own or inherited
 * @role: %GODWIT_COLUMN_ROLE_ATTRIBUTE for an attribute; for a to-one
 *   relationship %GODWIT_COLUMN_ROLE_TO_ONE, and when present
 *   %GODWIT_COLUMN_ROLE_TO_ONE_ENTITY and %GODWIT_COLUMN_ROLE_ORDER; for a
 *   to-many relationship without inverse %GODWIT_COLUMN_ROLE_TO_MANY_OWNER
 *   (and %GODWIT_COLUMN_ROLE_ORDER when ordered), both in the destination's
 *   table
 *
 * Returns: (transfer none) (nullable): the column, or %NULL when the
 *   property has none in that role (to-many relationships with an inverse,
 *   transient and fetched properties).
 */
const GodwitColumn *
godwit_store_layout_find_column (GodwitStoreLayout *self,
                                 GodwitEntity      *entity,
                                 const char        *property_name,
                                 GodwitColumnRole   role)
{
  GodwitProperty *property;
  PropertyKey key;

  g_return_val_if_fail (GODWIT_IS_STORE_LAYOUT (self), NULL);
  g_return_val_if_fail (entity != NULL, NULL);
  g_return_val_if_fail (property_name != NULL, NULL);

  key.entity = declaring_entity (entity, property_name, &property);
  if (key.entity == NULL)
    return NULL;
  key.name = property_name;
  key.role = role;

  return g_hash_table_lookup (self->columns, &key);
}

/**
 * godwit_store_layout_get_join_tables:
 *
 * Returns: (transfer none) (element-type GodwitJoinTable): the join tables
 *   of the many-to-many relationships.
 */
GPtrArray *
godwit_store_layout_get_join_tables (GodwitStoreLayout *self)
{
  g_return_val_if_fail (GODWIT_IS_STORE_LAYOUT (self), NULL);

  return self->join_tables;
}

/**
 * godwit_store_layout_find_join_table:
 *
 * Returns: (transfer none) (nullable): the join table of a many-to-many
 *   relationship of @entity (own or inherited), from either side.
 */
const GodwitJoinTable *
godwit_store_layout_find_join_table (GodwitStoreLayout *self,
                                     GodwitEntity      *entity,
                                     const char        *relationship_name)
{
  GodwitProperty *property;
  PropertyKey key;

  g_return_val_if_fail (GODWIT_IS_STORE_LAYOUT (self), NULL);
  g_return_val_if_fail (entity != NULL, NULL);
  g_return_val_if_fail (relationship_name != NULL, NULL);

  key.entity = declaring_entity (entity, relationship_name, &property);
  if (key.entity == NULL)
    return NULL;
  key.name = relationship_name;
  key.role = 0;

  return g_hash_table_lookup (self->join_tables_by_side, &key);
}

/**
 * godwit_store_layout_get_indexes:
 *
 * Returns: (transfer none) (element-type GodwitIndex): every index, in the
 *   order Core Data creates them.
 */
GPtrArray *
godwit_store_layout_get_indexes (GodwitStoreLayout *self)
{
  g_return_val_if_fail (GODWIT_IS_STORE_LAYOUT (self), NULL);

  return self->indexes;
}

/**
 * godwit_store_layout_get_n_tombstones:
 *
 * Returns: the number of ZTOMBSTONEn columns of ACHANGE (0 without
 *   persistent history).
 */
guint
godwit_store_layout_get_n_tombstones (GodwitStoreLayout *self)
{
  g_return_val_if_fail (GODWIT_IS_STORE_LAYOUT (self), 0);

  return self->n_tombstones;
}

/**
 * godwit_store_layout_dup_schema_sql:
 *
 * Returns: (transfer full): every CREATE TABLE and CREATE INDEX statement
 *   of a new store, in Core Data's order and exactly as sqlite_master.sql
 *   holds them (no trailing semicolon).
 */
char **
godwit_store_layout_dup_schema_sql (GodwitStoreLayout *self)
{
  GStrvBuilder *builder;
  char **statements;

  g_return_val_if_fail (GODWIT_IS_STORE_LAYOUT (self), NULL);

  builder = g_strv_builder_new ();
  for (guint i = 0; i < self->statements->len; i++)
    g_strv_builder_add (builder, g_ptr_array_index (self->statements, i));
  statements = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);

  return statements;
}
