/* test-store-layout.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "godwit-error.h"
#include "godwit-store-layout.h"
#include "godwit-test-model.h"
#include "godwit-test-store.h"
#include "godwit-test-utils.h"

/* Real stores with a model cache; the layout computed from that model must
 * be the store's schema. */
static const char * const real_stores[] = {
  "apple-devices/NoteStore.sqlite",
  "apple-devices/RMAdminStore-Local.sqlite",
  "wibosco-revised/stores/CoreDataMigration_Example_1.sqlite",
  "wibosco-revised/stores/CoreDataMigration_Example_2.sqlite",
  "wibosco-revised/stores/CoreDataMigration_Example_3.sqlite",
  "bergier/stores/Example_v1.0.0.sqlite",
  "bergier/stores/Example_v1.1.0.sqlite",
  "bergier/stores/Example_v1.1.2.sqlite",
  "bergier/stores/Example_v1.2.0.sqlite",
  "bergier/stores/Example_v2.0.0.sqlite",
};

/* ---- reading a database's schema --------------------------------------- */

static GPtrArray *
query_strings (sqlite3    *db,
               const char *sql,
               int         column)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *statement = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &statement, NULL), ==, SQLITE_OK);
  while (sqlite3_step (statement) == SQLITE_ROW)
    {
      const char *text = (const char *) sqlite3_column_text (statement, column);

      g_ptr_array_add (rows, g_strdup (text != NULL ? text : ""));
    }
  sqlite3_finalize (statement);

  return rows;
}

static char *
query_joined (sqlite3    *db,
              const char *sql,
              int         column)
{
  g_autoptr(GPtrArray) rows = query_strings (db, sql, column);

  g_ptr_array_add (rows, NULL);

  return g_strjoinv (", ", (char **) rows->pdata);
}

/* "NAME TYPE" of each column, in table order. */
static char *
describe_columns (sqlite3    *db,
                  const char *table)
{
  g_autofree char *sql = g_strdup_printf ("SELECT name || ' ' || type || "
                                          "(CASE pk WHEN 1 THEN ' PK' ELSE '' END) "
                                          "FROM pragma_table_info('%s')", table);

  return query_joined (db, sql, 0);
}

/* "UNIQUE? COLUMN COLLATION ASC|DESC, …" of an index. */
static char *
describe_index (sqlite3    *db,
                const char *index)
{
  g_autofree char *sql = g_strdup_printf ("SELECT name || ' ' || coll || "
                                          "(CASE desc WHEN 1 THEN ' DESC' ELSE ' ASC' END) "
                                          "FROM pragma_index_xinfo('%s') WHERE key = 1", index);
  g_autofree char *unique_sql = g_strdup_printf ("SELECT il.\"unique\" FROM sqlite_master m, "
                                                 "pragma_index_list(m.tbl_name) il "
                                                 "WHERE m.name = '%s' AND il.name = m.name", index);
  g_autofree char *table_sql = g_strdup_printf ("SELECT tbl_name FROM sqlite_master "
                                                "WHERE name = '%s'", index);
  g_autofree char *columns = query_joined (db, sql, 0);
  g_autofree char *unique = query_joined (db, unique_sql, 0);
  g_autofree char *table = query_joined (db, table_sql, 0);

  return g_strdup_printf ("%s%s (%s)",
                          g_strcmp0 (unique, "1") == 0 ? "UNIQUE " : "", table, columns);
}

static GHashTable *
names_of_type (sqlite3    *db,
               const char *type)
{
  g_autofree char *sql = g_strdup_printf ("SELECT name FROM sqlite_master WHERE type = '%s' "
                                          "AND name NOT LIKE 'sqlite_%%'", type);
  g_autoptr(GPtrArray) rows = query_strings (db, sql, 0);
  GHashTable *names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < rows->len; i++)
    g_hash_table_add (names, g_strdup (g_ptr_array_index (rows, i)));

  return names;
}

static sqlite3 *
open_layout_database (GodwitStoreLayout *layout)
{
  g_auto(GStrv) schema = godwit_store_layout_dup_schema_sql (layout);
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (":memory:", &db), ==, SQLITE_OK);
  for (guint i = 0; schema[i] != NULL; i++)
    {
      char *message = NULL;

      if (sqlite3_exec (db, schema[i], NULL, NULL, &message) != SQLITE_OK)
        g_error ("%s: %s", schema[i], message);
    }

  return db;
}

/* Whether two column lists of describe_columns() hold the same columns. */
static gboolean
same_columns (const char *a,
              const char *b)
{
  g_auto(GStrv) columns_a = g_strsplit (a, ", ", -1);
  g_auto(GStrv) columns_b = g_strsplit (b, ", ", -1);

  if (g_strv_length (columns_a) != g_strv_length (columns_b))
    return FALSE;
  for (guint i = 0; columns_a[i] != NULL; i++)
    if (!g_strv_contains ((const char * const *) columns_b, columns_a[i]))
      return FALSE;

  return TRUE;
}

/* Lists every difference between the real schema and ours, one per line. */
static void
compare_schemas (sqlite3 *real,
                 sqlite3 *ours,
                 GString *mismatches)
{
  const char *types[] = { "table", "index" };

  for (guint t = 0; t < G_N_ELEMENTS (types); t++)
    {
      g_autoptr(GHashTable) real_names = names_of_type (real, types[t]);
      g_autoptr(GHashTable) our_names = names_of_type (ours, types[t]);
      g_autoptr(GList) sorted = NULL;
      GHashTableIter iter;
      gpointer name;

      sorted = g_list_sort (g_hash_table_get_keys (real_names), (GCompareFunc) strcmp);
      for (GList *l = sorted; l != NULL; l = l->next)
        {
          g_autofree char *real_description = NULL;
          g_autofree char *our_description = NULL;
          g_autofree char *real_sql = NULL;
          g_autofree char *our_sql = NULL;
          g_autofree char *sql_query = g_strdup_printf ("SELECT sql FROM sqlite_master "
                                                        "WHERE name = '%s'", (char *) l->data);

          if (!g_hash_table_contains (our_names, l->data))
            {
              g_string_append_printf (mismatches, "missing %s %s\n", types[t], (char *) l->data);
              continue;
            }

          if (t == 0)
            {
              real_description = describe_columns (real, l->data);
              our_description = describe_columns (ours, l->data);
            }
          else
            {
              real_description = describe_index (real, l->data);
              our_description = describe_index (ours, l->data);
            }

          if (g_strcmp0 (real_description, our_description) != 0)
            {
              if (t == 0 && same_columns (real_description, our_description))
                g_string_append_printf (mismatches, "table %s: same columns in another order\n",
                                        (char *) l->data);
              g_string_append_printf (mismatches, "%s %s differs:\n  real: %s\n  ours: %s\n",
                                      types[t], (char *) l->data,
                                      real_description, our_description);
              continue;
            }

          /* Same columns; the statement text may still differ, e.g. in order. */
          real_sql = query_joined (real, sql_query, 0);
          our_sql = query_joined (ours, sql_query, 0);
          if (g_strcmp0 (real_sql, our_sql) != 0)
            g_string_append_printf (mismatches, "%s %s has another text:\n  real: %s\n  ours: %s\n",
                                    types[t], (char *) l->data, real_sql, our_sql);
        }

      g_hash_table_iter_init (&iter, our_names);
      while (g_hash_table_iter_next (&iter, &name, NULL))
        if (!g_hash_table_contains (real_names, name))
          g_string_append_printf (mismatches, "extra %s %s\n", types[t], (char *) name);
    }
}

/* Whether the store's objects come in the order our statements create them:
 * false for stores Core Data migrated in place (wibosco store 2). */
static gboolean
same_creation_order (sqlite3 *real,
                     sqlite3 *ours)
{
  const char *sql = "SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY rowid";
  g_autofree char *real_order = query_joined (real, sql, 0);
  g_autofree char *our_order = query_joined (ours, sql, 0);

  return g_strcmp0 (real_order, our_order) == 0;
}

static void
compare_entity_numbers (sqlite3           *real,
                        GodwitStoreLayout *layout,
                        GString           *mismatches)
{
  const char *sql = "SELECT Z_ENT, Z_NAME, Z_SUPER FROM Z_PRIMARYKEY WHERE Z_ENT < 16000";
  sqlite3_stmt *statement = NULL;
  guint rows = 0;

  g_assert_cmpint (sqlite3_prepare_v2 (real, sql, -1, &statement, NULL), ==, SQLITE_OK);
  while (sqlite3_step (statement) == SQLITE_ROW)
    {
      guint number = sqlite3_column_int (statement, 0);
      const char *name = (const char *) sqlite3_column_text (statement, 1);
      guint super = sqlite3_column_int (statement, 2);
      GodwitEntity *entity = godwit_store_layout_get_entity_for_number (layout, number);

      rows++;
      if (entity == NULL || g_strcmp0 (entity->name, name) != 0)
        g_string_append_printf (mismatches, "Z_ENT %u is %s in the store, %s in the layout\n",
                                number, name, entity != NULL ? entity->name : "nothing");
      else if (super != godwit_store_layout_get_entity_number (layout, entity->parent))
        g_string_append_printf (mismatches, "Z_SUPER of %s is %u in the store\n", name, super);
    }
  sqlite3_finalize (statement);

  if (godwit_store_layout_get_entity_for_number (layout, rows + 1) != NULL ||
      godwit_store_layout_get_entity_for_number (layout, rows) == NULL)
    g_string_append_printf (mismatches, "the store numbers %u entities, the layout another count\n",
                            rows);
}

/* What the store reader does: each stored attribute's column as the layout
 * gives it must be a column of the real table. */
static void
compare_attribute_columns (sqlite3           *real,
                           GodwitStoreLayout *layout,
                           GString           *mismatches)
{
  GPtrArray *entities = godwit_model_get_entities (godwit_store_layout_get_model (layout));

  for (guint i = 0; i < entities->len; i++)
    {
      GodwitEntity *entity = g_ptr_array_index (entities, i);
      const GodwitTable *table = godwit_store_layout_get_table (layout, entity);
      g_autofree char *sql = g_strdup_printf ("SELECT name FROM pragma_table_info('%s')",
                                              table->name);
      g_autoptr(GPtrArray) names = query_strings (real, sql, 0);
      g_autoptr(GPtrArray) all = godwit_entity_dup_all_properties (entity);

      for (guint j = 0; j < all->len; j++)
        {
          GodwitProperty *property = g_ptr_array_index (all, j);
          GodwitColumnRole role = property->kind == GODWIT_PROPERTY_KIND_ATTRIBUTE
                                  ? GODWIT_COLUMN_ROLE_ATTRIBUTE : GODWIT_COLUMN_ROLE_TO_ONE;
          const GodwitColumn *column;

          if (!godwit_property_is_stored (property) ||
              (role == GODWIT_COLUMN_ROLE_TO_ONE && property->to_many))
            continue;

          column = godwit_store_layout_find_column (layout, entity, property->name, role);
          if (column == NULL)
            g_string_append_printf (mismatches, "no column for %s.%s\n",
                                    entity->name, property->name);
          else if (!g_ptr_array_find_with_equal_func (names, column->name, g_str_equal, NULL))
            g_string_append_printf (mismatches, "%s.%s: column %s is not in %s\n",
                                    entity->name, property->name, column->name, table->name);
        }
    }
}

/* A read-only connection to a copy of @fixture, a store, and the model its
 * Z_MODELCACHE holds. */
static sqlite3 *
open_store_copy (const char   *fixture,
                 const char   *tmpdir,
                 GodwitModel **model)
{
  g_autofree char *copy = g_build_filename (tmpdir, "store.sqlite", NULL);
  sqlite3 *db;

  godwit_test_copy_store (fixture, copy);
  db = godwit_test_open_read_only (copy, FALSE);
  *model = godwit_test_load_cached_model (db, fixture);
  g_assert_nonnull (*model);

  return db;
}

static void
test_real_store (gconstpointer data)
{
  const char *relative = data;
  g_autofree char *fixture = godwit_test_fixture_path (relative);
  g_autofree char *tmpdir = NULL;
  g_autoptr(GodwitModel) model = NULL;
  g_autoptr(GodwitStoreLayout) layout = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) mismatches = g_string_new (NULL);
  gboolean has_history;
  sqlite3 *real;
  sqlite3 *ours;

  if (fixture == NULL)
    return;

  tmpdir = godwit_test_make_tmpdir ();
  real = open_store_copy (fixture, tmpdir, &model);

  has_history = godwit_test_query_int (real, "SELECT count(*) FROM sqlite_master "
                                              "WHERE name = 'ACHANGE'") == 1;
  layout = godwit_store_layout_new (model, has_history, &error);
  g_assert_no_error (error);
  g_assert_true (godwit_store_layout_get_persistent_history (layout) == has_history);

  ours = open_layout_database (layout);
  compare_schemas (real, ours, mismatches);
  compare_entity_numbers (real, layout, mismatches);
  compare_attribute_columns (real, layout, mismatches);
  g_test_message ("%s: statements in Core Data's creation order: %s", relative,
                  same_creation_order (real, ours) ? "yes" : "no (store migrated in place)");

  sqlite3_close (ours);
  sqlite3_close (real);
  godwit_test_rmdir (tmpdir);

  g_assert_cmpstr (mismatches->str, ==, "");
}

/* The name of the column the layout gives, or NULL. */
static const char *
column_name (GodwitStoreLayout *layout,
             GodwitEntity      *entity,
             const char        *property,
             GodwitColumnRole   role)
{
  const GodwitColumn *column = godwit_store_layout_find_column (layout, entity, property, role);

  return column != NULL ? column->name : NULL;
}

/* The Screen Time store keeps four tombstone columns and joins Blueprint
 * with CoreUser through Z_2USERS. */
static void
test_real_store_details (void)
{
  g_autofree char *fixture = godwit_test_fixture_path ("apple-devices/RMAdminStore-Local.sqlite");
  g_autoptr(GodwitModel) model = NULL;
  g_autoptr(GodwitStoreLayout) layout = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *tmpdir = NULL;
  const GodwitJoinTable *join;
  GodwitEntity *blueprint;
  GodwitEntity *core_user;
  GodwitEntity *settings;
  guint number;
  sqlite3 *real;

  if (fixture == NULL)
    return;

  tmpdir = godwit_test_make_tmpdir ();
  real = open_store_copy (fixture, tmpdir, &model);
  sqlite3_close (real);
  godwit_test_rmdir (tmpdir);
  blueprint = godwit_model_get_entity (model, "Blueprint");
  core_user = godwit_model_get_entity (model, "CoreUser");
  settings = godwit_model_get_entity (model, "LocalOrganizationSettings");

  layout = godwit_store_layout_new (model, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (godwit_store_layout_get_n_tombstones (layout), ==, 4);

  join = godwit_store_layout_find_join_table (layout, core_user, "blueprints");
  g_assert_nonnull (join);
  g_assert_true (join == godwit_store_layout_find_join_table (layout, blueprint, "users"));
  g_assert_cmpstr (join->name, ==, "Z_2USERS");
  g_assert_cmpstr (join->entity->name, ==, "Blueprint");
  g_assert_cmpstr (join->relationship->name, ==, "users");
  g_assert_cmpstr (join->column, ==, "Z_2BLUEPRINTS");
  g_assert_cmpstr (join->inverse_column, ==, "Z_16USERS");
  g_assert_null (join->order_column);

  /* CoreOrganization has sub-entities: Blueprint.organization names them. */
  g_assert_cmpstr (column_name (layout, blueprint, "organization",
                                GODWIT_COLUMN_ROLE_TO_ONE_ENTITY), ==, "Z7_ORGANIZATION");
  g_assert_cmpstr (column_name (layout, settings, "organization", GODWIT_COLUMN_ROLE_TO_ONE),
                   ==, "ZORGANIZATION2");
  number = GODWIT_STORE_LAYOUT_CHANGE_ENTITY_NUMBER;
  g_assert_null (godwit_store_layout_get_entity_for_number (layout, number));
}

/* ---- programmatic models ------------------------------------------------ */

static void
assert_schema (GodwitStoreLayout  *layout,
               const char * const *expected)
{
  g_auto(GStrv) schema = godwit_store_layout_dup_schema_sql (layout);
  guint i;

  for (i = 0; expected[i] != NULL; i++)
    {
      g_assert_nonnull (schema[i]);
      g_assert_cmpstr (schema[i], ==, expected[i]);
    }
  g_assert_null (schema[i]);

  /* And SQLite takes it. */
  sqlite3_close (open_layout_database (layout));
}

static GodwitModel *
new_inheritance_model (void)
{
  GodwitModel *model = godwit_model_new ("inheritance", GODWIT_MODEL_SOURCE_WRITER);
  GodwitEntity *item = godwit_test_add_entity (model, "Item", NULL);
  GodwitEntity *document = godwit_test_add_entity (model, "Document", "Item");
  GodwitEntity *report = godwit_test_add_entity (model, "Report", "Document");
  GodwitEntity *note = godwit_test_add_entity (model, "Note", "Item");
  GodwitEntity *zone = godwit_test_add_entity (model, "Zone", NULL);

  godwit_test_add_attribute (item, "name", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_attribute (item, "created", GODWIT_ATTRIBUTE_TYPE_DATE);
  godwit_test_add_relationship (item, "zones", "Zone", "item", TRUE, FALSE);
  godwit_test_add_attribute (document, "title", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_attribute (document, "pages", GODWIT_ATTRIBUTE_TYPE_INTEGER_32);
  godwit_test_add_attribute (report, "summary", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_attribute (report, "flagged", GODWIT_ATTRIBUTE_TYPE_BOOLEAN);
  godwit_test_add_attribute (note, "title", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_attribute (note, "body", GODWIT_ATTRIBUTE_TYPE_BINARY);
  godwit_test_add_relationship (zone, "item", "Item", "zones", FALSE, FALSE);
  item->abstract = TRUE;

  godwit_test_resolve_model (model);

  return model;
}

/* Three levels of inheritance in one table, sibling sub-entities sharing a
 * property name (ZTITLE, ZTITLE1), and a to-one to a hierarchy. */
static void
test_inheritance (void)
{
  static const char * const expected[] = {
    "CREATE TABLE ZITEM ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZPAGES INTEGER, "
    "ZFLAGGED INTEGER, ZCREATED TIMESTAMP, ZNAME VARCHAR, ZTITLE VARCHAR, ZSUMMARY VARCHAR, "
    "ZTITLE1 VARCHAR, ZBODY BLOB )",
    "CREATE TABLE ZZONE ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZITEM INTEGER, "
    "Z1_ITEM INTEGER )",
    "CREATE INDEX ZITEM_Z_ENT_INDEX ON ZITEM (Z_ENT)",
    "CREATE INDEX ZZONE_ZITEM_INDEX ON ZZONE (ZITEM)",
    "CREATE TABLE Z_PRIMARYKEY (Z_ENT INTEGER PRIMARY KEY, Z_NAME VARCHAR, Z_SUPER INTEGER, "
    "Z_MAX INTEGER)",
    "CREATE TABLE Z_METADATA (Z_VERSION INTEGER PRIMARY KEY, Z_UUID VARCHAR(255), Z_PLIST BLOB)",
    "CREATE TABLE Z_MODELCACHE (Z_CONTENT BLOB)",
    NULL
  };
  g_autoptr(GodwitModel) model = new_inheritance_model ();
  g_autoptr(GodwitStoreLayout) layout = NULL;
  g_autoptr(GError) error = NULL;
  GodwitEntity *item = godwit_model_get_entity (model, "Item");
  GodwitEntity *document = godwit_model_get_entity (model, "Document");
  GodwitEntity *report = godwit_model_get_entity (model, "Report");
  GodwitEntity *note = godwit_model_get_entity (model, "Note");
  GodwitEntity *zone = godwit_model_get_entity (model, "Zone");
  const GodwitColumn *column;
  const GodwitTable *table;

  layout = godwit_store_layout_new (model, FALSE, &error);
  g_assert_no_error (error);
  assert_schema (layout, expected);

  g_assert_cmpuint (godwit_store_layout_get_entity_number (layout, item), ==, 1);
  g_assert_cmpuint (godwit_store_layout_get_entity_number (layout, document), ==, 2);
  g_assert_cmpuint (godwit_store_layout_get_entity_number (layout, report), ==, 3);
  g_assert_cmpuint (godwit_store_layout_get_entity_number (layout, note), ==, 4);
  g_assert_cmpuint (godwit_store_layout_get_entity_number (layout, zone), ==, 5);
  g_assert_true (godwit_store_layout_get_entity_for_number (layout, 3) == report);
  g_assert_null (godwit_store_layout_get_entity_for_number (layout, 6));
  g_assert_null (godwit_store_layout_get_entity_for_number (layout, 0));

  table = godwit_store_layout_get_table (layout, report);
  g_assert_cmpstr (table->name, ==, "ZITEM");
  g_assert_cmpstr (table->root->name, ==, "Item");
  g_assert_cmpuint (table->columns->len, ==, 11);
  g_assert_cmpuint (godwit_store_layout_get_tables (layout)->len, ==, 2);

  /* Inherited through two levels, and the sibling's clash. */
  column = godwit_store_layout_find_column (layout, report, "title", GODWIT_COLUMN_ROLE_ATTRIBUTE);
  g_assert_cmpstr (column->name, ==, "ZTITLE");
  g_assert_cmpstr (column->entity->name, ==, "Document");
  g_assert_cmpstr (column->declared_type, ==, "VARCHAR");
  g_assert_cmpstr (column_name (layout, note, "title", GODWIT_COLUMN_ROLE_ATTRIBUTE),
                   ==, "ZTITLE1");
  g_assert_cmpstr (column_name (layout, report, "name", GODWIT_COLUMN_ROLE_ATTRIBUTE), ==, "ZNAME");
  g_assert_null (column_name (layout, note, "summary", GODWIT_COLUMN_ROLE_ATTRIBUTE));
  g_assert_null (column_name (layout, note, "name", GODWIT_COLUMN_ROLE_TO_ONE));
  g_assert_null (column_name (layout, report, "zones", GODWIT_COLUMN_ROLE_TO_ONE));

  column = godwit_store_layout_find_column (layout, zone, "item", GODWIT_COLUMN_ROLE_TO_ONE);
  g_assert_cmpstr (column->name, ==, "ZITEM");
  g_assert_cmpint (column->role, ==, GODWIT_COLUMN_ROLE_TO_ONE);
  g_assert_cmpstr (column_name (layout, zone, "item", GODWIT_COLUMN_ROLE_TO_ONE_ENTITY),
                   ==, "Z1_ITEM");
  g_assert_null (column_name (layout, zone, "item", GODWIT_COLUMN_ROLE_ORDER));
  g_assert_cmpuint (godwit_store_layout_get_join_tables (layout)->len, ==, 0);
  g_assert_cmpuint (godwit_store_layout_get_indexes (layout)->len, ==, 2);
}

static GodwitModel *
new_relationship_model (void)
{
  GodwitModel *model = godwit_model_new ("relationships", GODWIT_MODEL_SOURCE_WRITER);
  GodwitEntity *album = godwit_test_add_entity (model, "Album", NULL);
  GodwitEntity *photo = godwit_test_add_entity (model, "Photo", NULL);
  GodwitEntity *track = godwit_test_add_entity (model, "Track", NULL);
  g_autoptr(GodwitFetchIndex) by_title = godwit_fetch_index_new ("byTitle");
  g_autoptr(GodwitFetchIndex) by_album = godwit_fetch_index_new ("byAlbum");
  g_autoptr(GodwitFetchIndex) by_album_and_position = godwit_fetch_index_new ("byAlbumAndPosition");

  godwit_test_add_attribute (album, "title", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_relationship (album, "tracks", "Track", "album", TRUE, TRUE);
  godwit_test_add_relationship (album, "photos", "Photo", "albums", TRUE, TRUE);
  godwit_test_add_uniqueness_constraint (album, (const char * const[]) { "title", NULL });
  godwit_fetch_index_add_element (by_title, "title", "Binary", FALSE);
  g_ptr_array_add (album->fetch_indexes, g_steal_pointer (&by_title));

  godwit_test_add_attribute (photo, "taken", GODWIT_ATTRIBUTE_TYPE_DATE)->indexed = TRUE;
  godwit_test_add_relationship (photo, "albums", "Album", "photos", TRUE, FALSE);
  godwit_test_add_relationship (photo, "related", "Photo", "relatedInverse", TRUE, FALSE);
  godwit_test_add_relationship (photo, "relatedInverse", "Photo", "related", TRUE, FALSE);

  godwit_test_add_attribute (track, "position", GODWIT_ATTRIBUTE_TYPE_INTEGER_64);
  godwit_test_add_relationship (track, "album", "Album", "tracks", FALSE, FALSE);
  godwit_test_add_uniqueness_constraint (track,
                                         (const char * const[]) { "album", "position", NULL });
  godwit_fetch_index_add_element (by_album, "album", "Binary", TRUE);
  g_ptr_array_add (track->fetch_indexes, g_steal_pointer (&by_album));
  godwit_fetch_index_add_element (by_album_and_position, "album", "Binary", TRUE);
  godwit_fetch_index_add_element (by_album_and_position, "position", "Binary", TRUE);
  g_ptr_array_add (track->fetch_indexes, g_steal_pointer (&by_album_and_position));

  godwit_test_resolve_model (model);

  return model;
}

/* Ordered one-to-many (Z_FOK_), ordered many-to-many, reflexive
 * many-to-many, uniqueness constraints (one over a relationship), a fetch
 * index, an indexed attribute, and a fetch index the foreign-key index
 * makes redundant. */
static void
test_relationships (void)
{
  static const char * const expected[] = {
    "CREATE TABLE ZALBUM ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, "
    "ZTITLE VARCHAR )",
    "CREATE TABLE Z_1PHOTOS ( Z_1ALBUMS INTEGER, Z_2PHOTOS INTEGER, Z_FOK_2PHOTOS INTEGER, "
    "PRIMARY KEY (Z_1ALBUMS, Z_2PHOTOS) )",
    "CREATE TABLE ZPHOTO ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, "
    "ZTAKEN TIMESTAMP )",
    "CREATE TABLE Z_2RELATEDINVERSE ( Z_2RELATED INTEGER, Z_2RELATEDINVERSE INTEGER, "
    "PRIMARY KEY (Z_2RELATED, Z_2RELATEDINVERSE) )",
    "CREATE TABLE ZTRACK ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, "
    "ZPOSITION INTEGER, ZALBUM INTEGER, Z_FOK_ALBUM INTEGER )",
    "CREATE INDEX Z_1PHOTOS_Z_2PHOTOS_INDEX ON Z_1PHOTOS (Z_2PHOTOS, Z_1ALBUMS)",
    "CREATE UNIQUE INDEX Z_Album_UNIQUE_title ON ZALBUM (ZTITLE COLLATE BINARY ASC)",
    "CREATE INDEX Z_Album_byTitle ON ZALBUM (ZTITLE COLLATE BINARY DESC)",
    "CREATE INDEX Z_2RELATEDINVERSE_Z_2RELATEDINVERSE_INDEX ON Z_2RELATEDINVERSE "
    "(Z_2RELATEDINVERSE, Z_2RELATED)",
    "CREATE INDEX Z_Photo_taken ON ZPHOTO (ZTAKEN COLLATE BINARY ASC)",
    "CREATE INDEX ZTRACK_ZALBUM_INDEX ON ZTRACK (ZALBUM)",
    "CREATE UNIQUE INDEX Z_Track_UNIQUE_album_position ON ZTRACK (ZALBUM COLLATE BINARY ASC, "
    "ZPOSITION COLLATE BINARY ASC)",
    "CREATE INDEX Z_Track_byAlbumAndPosition ON ZTRACK (ZALBUM COLLATE BINARY ASC, "
    "ZPOSITION COLLATE BINARY ASC)",
    "CREATE TABLE Z_PRIMARYKEY (Z_ENT INTEGER PRIMARY KEY, Z_NAME VARCHAR, Z_SUPER INTEGER, "
    "Z_MAX INTEGER)",
    "CREATE TABLE Z_METADATA (Z_VERSION INTEGER PRIMARY KEY, Z_UUID VARCHAR(255), Z_PLIST BLOB)",
    "CREATE TABLE Z_MODELCACHE (Z_CONTENT BLOB)",
    NULL
  };
  g_autoptr(GodwitModel) model = new_relationship_model ();
  g_autoptr(GodwitStoreLayout) layout = NULL;
  g_autoptr(GError) error = NULL;
  GodwitEntity *album = godwit_model_get_entity (model, "Album");
  GodwitEntity *photo = godwit_model_get_entity (model, "Photo");
  GodwitEntity *track = godwit_model_get_entity (model, "Track");
  const GodwitJoinTable *join;
  GodwitIndex *index;

  layout = godwit_store_layout_new (model, FALSE, &error);
  g_assert_no_error (error);
  assert_schema (layout, expected);

  join = godwit_store_layout_find_join_table (layout, photo, "albums");
  g_assert_true (join == godwit_store_layout_find_join_table (layout, album, "photos"));
  g_assert_cmpstr (join->name, ==, "Z_1PHOTOS");
  g_assert_true (join->entity == album);
  g_assert_cmpstr (join->relationship->name, ==, "photos");
  g_assert_cmpstr (join->column, ==, "Z_1ALBUMS");
  g_assert_true (join->inverse_entity == photo);
  g_assert_cmpstr (join->inverse->name, ==, "albums");
  g_assert_cmpstr (join->inverse_column, ==, "Z_2PHOTOS");
  g_assert_cmpstr (join->order_column, ==, "Z_FOK_2PHOTOS");
  g_assert_null (join->inverse_order_column);

  join = godwit_store_layout_find_join_table (layout, photo, "related");
  g_assert_true (join == godwit_store_layout_find_join_table (layout, photo, "relatedInverse"));
  g_assert_cmpstr (join->relationship->name, ==, "relatedInverse");
  g_assert_cmpuint (godwit_store_layout_get_join_tables (layout)->len, ==, 2);
  g_assert_null (godwit_store_layout_find_join_table (layout, album, "tracks"));

  /* The ordered one-to-many keeps positions beside the foreign key. */
  g_assert_null (column_name (layout, album, "tracks", GODWIT_COLUMN_ROLE_TO_ONE));
  g_assert_cmpstr (column_name (layout, track, "album", GODWIT_COLUMN_ROLE_ORDER),
                   ==, "Z_FOK_ALBUM");
  g_assert_null (column_name (layout, track, "album", GODWIT_COLUMN_ROLE_TO_ONE_ENTITY));

  index = g_ptr_array_index (godwit_store_layout_get_indexes (layout), 1);
  g_assert_cmpstr (index->name, ==, "Z_Album_UNIQUE_title");
  g_assert_cmpstr (index->table, ==, "ZALBUM");
  g_assert_true (index->unique);
  g_assert_cmpuint (godwit_store_layout_get_indexes (layout)->len, ==, 8);
}

/* Column classes past strings (URI, UUID, transformable, binary), Decimal,
 * a to-many without inverse, and the persistent-history tables. */
static void
test_column_classes_and_history (void)
{
  static const char * const expected[] = {
    "CREATE TABLE ZPART ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZCOUNT INTEGER, "
    "Z2PARTS INTEGER, Z_FOK_2PARTS INTEGER )",
    "CREATE TABLE ZTHING ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, "
    "ZAMOUNT DECIMAL, ZRATIO FLOAT, ZNAME VARCHAR, ZLINK VARCHAR, ZIDENTIFIER BLOB, ZVALUE BLOB, "
    "ZDATA BLOB )",
    "CREATE INDEX ZPART_Z2PARTS_INDEX ON ZPART (Z2PARTS)",
    "CREATE TABLE Z_PRIMARYKEY (Z_ENT INTEGER PRIMARY KEY, Z_NAME VARCHAR, Z_SUPER INTEGER, "
    "Z_MAX INTEGER)",
    "CREATE TABLE Z_METADATA (Z_VERSION INTEGER PRIMARY KEY, Z_UUID VARCHAR(255), Z_PLIST BLOB)",
    "CREATE TABLE Z_MODELCACHE (Z_CONTENT BLOB)",
    "CREATE TABLE ACHANGE ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, "
    "ZCHANGETYPE INTEGER, ZENTITY INTEGER, ZENTITYPK INTEGER, ZTRANSACTIONID INTEGER, "
    "ZCOLUMNS BLOB, ZTOMBSTONE0 BLOB, ZTOMBSTONE1 BLOB )",
    "CREATE TABLE ATRANSACTION ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, "
    "ZAUTHORTS INTEGER, ZBUNDLEIDTS INTEGER, ZCONTEXTNAMETS INTEGER, ZPROCESSIDTS INTEGER, "
    "ZTIMESTAMP FLOAT, ZAUTHOR VARCHAR, ZBUNDLEID VARCHAR, ZCONTEXTNAME VARCHAR, "
    "ZPROCESSID VARCHAR, ZQUERYGEN BLOB )",
    "CREATE TABLE ATRANSACTIONSTRING ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, "
    "ZNAME VARCHAR )",
    "CREATE INDEX ACHANGE_ZTRANSACTIONID_INDEX ON ACHANGE (ZTRANSACTIONID)",
    "CREATE INDEX ATRANSACTION_ZAUTHORTS_INDEX ON ATRANSACTION (ZAUTHORTS)",
    "CREATE INDEX ATRANSACTION_ZBUNDLEIDTS_INDEX ON ATRANSACTION (ZBUNDLEIDTS)",
    "CREATE INDEX ATRANSACTION_ZCONTEXTNAMETS_INDEX ON ATRANSACTION (ZCONTEXTNAMETS)",
    "CREATE INDEX ATRANSACTION_ZPROCESSIDTS_INDEX ON ATRANSACTION (ZPROCESSIDTS)",
    "CREATE INDEX Z_TRANSACTION_TransactionAuthorIndex ON ATRANSACTION "
    "(ZAUTHOR COLLATE BINARY ASC)",
    "CREATE INDEX Z_TRANSACTION_TransactionTimestampIndex ON ATRANSACTION "
    "(ZTIMESTAMP COLLATE BINARY ASC)",
    "CREATE UNIQUE INDEX Z_TRANSACTIONSTRING_UNIQUE_NAME ON ATRANSACTIONSTRING "
    "(ZNAME COLLATE BINARY ASC)",
    NULL
  };
  g_autoptr(GodwitModel) model = godwit_model_new ("classes", GODWIT_MODEL_SOURCE_WRITER);
  GodwitEntity *thing = godwit_test_add_entity (model, "Thing", NULL);
  GodwitEntity *part = godwit_test_add_entity (model, "Part", NULL);
  g_autoptr(GodwitStoreLayout) layout = NULL;
  g_autoptr(GError) error = NULL;
  const GodwitColumn *column;
  GodwitProperty *data;
  GodwitProperty *identifier;

  data = godwit_test_add_attribute (thing, "data", GODWIT_ATTRIBUTE_TYPE_BINARY);
  data->preserves_value_in_history_on_deletion = TRUE;
  godwit_test_add_attribute (thing, "value", GODWIT_ATTRIBUTE_TYPE_TRANSFORMABLE);
  identifier = godwit_test_add_attribute (thing, "identifier", GODWIT_ATTRIBUTE_TYPE_UUID);
  identifier->preserves_value_in_history_on_deletion = TRUE;
  godwit_test_add_attribute (thing, "link", GODWIT_ATTRIBUTE_TYPE_URI);
  godwit_test_add_attribute (thing, "name", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_attribute (thing, "amount", GODWIT_ATTRIBUTE_TYPE_DECIMAL);
  godwit_test_add_attribute (thing, "ratio", GODWIT_ATTRIBUTE_TYPE_FLOAT);
  godwit_test_add_attribute (thing, "scratch", GODWIT_ATTRIBUTE_TYPE_STRING)->transient = TRUE;
  godwit_test_add_relationship (thing, "parts", "Part", NULL, TRUE, TRUE);
  godwit_test_add_attribute (part, "count", GODWIT_ATTRIBUTE_TYPE_INTEGER_16);
  godwit_test_resolve_model (model);

  layout = godwit_store_layout_new (model, TRUE, &error);
  g_assert_no_error (error);
  assert_schema (layout, expected);
  g_assert_cmpuint (godwit_store_layout_get_n_tombstones (layout), ==, 2);
  g_assert_null (column_name (layout, thing, "scratch", GODWIT_COLUMN_ROLE_ATTRIBUTE));

  column = godwit_store_layout_find_column (layout, thing, "parts",
                                            GODWIT_COLUMN_ROLE_TO_MANY_OWNER);
  g_assert_cmpstr (column->name, ==, "Z2PARTS");
  g_assert_true (column->entity == thing);
  g_assert_cmpstr (column_name (layout, thing, "parts", GODWIT_COLUMN_ROLE_ORDER),
                   ==, "Z_FOK_2PARTS");
  column = godwit_store_layout_find_column (layout, thing, "amount", GODWIT_COLUMN_ROLE_ATTRIBUTE);
  g_assert_cmpstr (column->declared_type, ==, "DECIMAL");
  g_assert_cmpuint (godwit_store_layout_get_indexes (layout)->len, ==, 9);
}

static void
assert_layout_error (GodwitModel *model,
                     const char  *message_part)
{
  g_autoptr(GodwitStoreLayout) layout = NULL;
  g_autoptr(GError) error = NULL;

  layout = godwit_store_layout_new (model, FALSE, &error);
  g_assert_null (layout);
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL);
  g_assert_nonnull (strstr (error->message, message_part));
}

static void
test_errors (void)
{
  g_autoptr(GodwitModel) unresolved = godwit_model_new ("unresolved", GODWIT_MODEL_SOURCE_WRITER);
  g_autoptr(GodwitModel) bad_entity = godwit_model_new ("bad-entity", GODWIT_MODEL_SOURCE_WRITER);
  g_autoptr(GodwitModel) bad_property = NULL;
  g_autoptr(GodwitModel) clash = godwit_model_new ("clash", GODWIT_MODEL_SOURCE_WRITER);
  g_autoptr(GodwitModel) bad_index = godwit_model_new ("bad-index", GODWIT_MODEL_SOURCE_WRITER);
  g_autoptr(GodwitFetchIndex) index = godwit_fetch_index_new ("byNothing");
  GodwitEntity *entity;

  godwit_test_add_entity (unresolved, "Post", NULL);
  assert_layout_error (unresolved, "must be resolved");

  godwit_test_add_entity (bad_entity, "Post; DROP TABLE x", NULL);
  g_assert_true (godwit_model_resolve (bad_entity, NULL));
  assert_layout_error (bad_entity, "cannot name an SQLite table");

  bad_property = godwit_model_new ("bad-property", GODWIT_MODEL_SOURCE_WRITER);
  godwit_test_add_attribute (godwit_test_add_entity (bad_property, "Post", NULL), "ti\"tle",
                             GODWIT_ATTRIBUTE_TYPE_STRING);
  g_assert_true (godwit_model_resolve (bad_property, NULL));
  assert_layout_error (bad_property, "“ti\"tle” of entity Post");

  godwit_test_add_entity (clash, "Post", NULL);
  godwit_test_add_entity (clash, "POST", NULL);
  g_assert_true (godwit_model_resolve (clash, NULL));
  assert_layout_error (clash, "“ZPOST”");

  entity = godwit_test_add_entity (bad_index, "Post", NULL);
  godwit_fetch_index_add_element (index, "missing", "Binary", TRUE);
  g_ptr_array_add (entity->fetch_indexes, g_steal_pointer (&index));
  g_assert_true (godwit_model_resolve (bad_index, NULL));
  assert_layout_error (bad_index, "names “missing”");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (real_stores); i++)
    {
      g_autofree char *name = g_strdup_printf ("/store-layout/real/%s", real_stores[i]);

      g_test_add_data_func (name, real_stores[i], test_real_store);
    }
  g_test_add_func ("/store-layout/real-details", test_real_store_details);
  g_test_add_func ("/store-layout/inheritance", test_inheritance);
  g_test_add_func ("/store-layout/relationships", test_relationships);
  g_test_add_func ("/store-layout/column-classes-and-history", test_column_classes_and_history);
  g_test_add_func ("/store-layout/errors", test_errors);

  return g_test_run ();
}
