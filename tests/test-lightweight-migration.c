/* test-lightweight-migration.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "godwit-error.h"
#include "godwit-lightweight-migration.h"
#include "godwit-model-bundle.h"
#include "godwit-store-layout.h"
#include "godwit-store.h"
#include "godwit-test-model.h"
#include "godwit-test-store.h"
#include "godwit-test-utils.h"

#define WIBOSCO_STORE  "wibosco-revised/stores/CoreDataMigration_Example_%u.sqlite"
#define BERGIER_STORE  "bergier/stores/Example_%s.sqlite"

/* A work copy of @fixture (with -wal/-shm) in @dir. */
static char *
copy_fixture (const char *fixture,
              const char *dir)
{
  g_autofree char *from = godwit_test_fixture_path (fixture);
  g_autofree char *name = NULL;
  char *to;

  g_assert_nonnull (from);
  name = g_path_get_basename (from);
  to = g_build_filename (dir, name, NULL);
  godwit_test_copy_store (from, to);

  return to;
}

static sqlite3 *
open_read_write (const char *path)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  return db;
}

static char *
dump_sql (GodwitLightweightMigration *migration)
{
  g_autoptr(GPtrArray) sql = godwit_lightweight_migration_dup_sql (migration);

  g_ptr_array_add (sql, NULL);
  return g_strjoinv (";\n", (char **) sql->pdata);
}

/* The migration from @source to @destination, its SQL in the test log. */
static GodwitLightweightMigration *
new_migration (GodwitModel *source,
               GodwitModel *destination)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = NULL;
  GodwitLightweightMigration *migration;

  migration = godwit_lightweight_migration_new (source, destination, &error);
  g_assert_no_error (error);
  g_assert_nonnull (migration);
  sql = dump_sql (migration);
  g_test_message ("%s → %s:\n%s", godwit_model_get_version_name (source),
                  godwit_model_get_version_name (destination), sql);

  return migration;
}

/* The store at @path, opened, and @migration run on it. */
static sqlite3 *
run_on_store (GodwitLightweightMigration *migration,
              const char                 *path)
{
  sqlite3 *db = open_read_write (path);

  g_assert_true (godwit_lightweight_migration_run (migration, db, NULL, NULL, NULL, NULL));

  return db;
}

static void
migrate (GodwitModel *source,
         GodwitModel *destination,
         sqlite3     *db)
{
  g_autoptr(GodwitLightweightMigration) migration = new_migration (source, destination);
  g_autoptr(GError) error = NULL;

  g_assert_true (godwit_lightweight_migration_run (migration, db, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
}

/* The metadata names exactly @model's version hashes. */
static void
assert_metadata_matches (sqlite3     *db,
                         GodwitModel *model)
{
  plist_t metadata = godwit_test_read_metadata (db);
  plist_t hashes = plist_dict_get_item (metadata, "NSStoreModelVersionHashes");
  GPtrArray *entities = godwit_model_get_entities (model);

  g_assert_nonnull (hashes);
  g_assert_cmpuint (plist_dict_get_size (hashes), ==, entities->len);
  for (guint i = 0; i < entities->len; i++)
    {
      GodwitEntity *entity = g_ptr_array_index (entities, i);
      plist_t hash = plist_dict_get_item (hashes, entity->name);
      char *data = NULL;
      uint64_t length = 0;

      g_assert_nonnull (hash);
      plist_get_data_val (hash, &data, &length);
      g_assert_cmpmem (data, length, entity->version_hash, GODWIT_VERSION_HASH_LENGTH);
      free (data);
    }
  plist_free (metadata);
}

static void
execute (sqlite3    *db,
         const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

/* Runs @migration on the store at @path, which must fail with @problem,
 * the store named first, before changing anything. */
static void
assert_run_refused (GodwitLightweightMigration *migration,
                    const char                 *path,
                    const char                 *problem)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *checksum = godwit_test_file_checksum (path);
  g_autofree char *checksum_after = NULL;
  g_autofree char *message = NULL;
  sqlite3 *db = open_read_write (path);

  g_assert_false (godwit_lightweight_migration_run (migration, db, NULL, NULL, NULL, &error));
  message = g_strdup_printf ("%s: %s", sqlite3_db_filename (db, "main"), problem);
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL);
  g_assert_cmpstr (error->message, ==, message);
  g_assert_true (sqlite3_get_autocommit (db));
  sqlite3_close (db);
  checksum_after = godwit_test_file_checksum (path);
  g_assert_cmpstr (checksum_after, ==, checksum);
}

/* Checks that @db, a store migrated to @destination, has its layout (with
 * persistent history or not) and its metadata; then closes and removes
 * the store. */
static void
finish_migrated_store (sqlite3         *db,
                       GodwitTestStore *store,
                       GodwitModel     *destination,
                       gboolean         persistent_history)
{
  godwit_test_assert_layout (db, destination, persistent_history);
  assert_metadata_matches (db, destination);
  sqlite3_close (db);
  godwit_test_store_clear (store);
}

/* Whether two property-list values are equal, dictionaries and arrays
 * compared member by member. */
static gboolean
plist_values_equal (plist_t a,
                    plist_t b)
{
  if (a == NULL || b == NULL || plist_get_node_type (a) != plist_get_node_type (b))
    return a == b;

  if (plist_get_node_type (a) == PLIST_ARRAY)
    {
      if (plist_array_get_size (a) != plist_array_get_size (b))
        return FALSE;
      for (uint32_t i = 0; i < plist_array_get_size (a); i++)
        if (!plist_values_equal (plist_array_get_item (a, i), plist_array_get_item (b, i)))
          return FALSE;
      return TRUE;
    }

  if (plist_get_node_type (a) == PLIST_DICT)
    {
      plist_dict_iter iter = NULL;
      gboolean equal = plist_dict_get_size (a) == plist_dict_get_size (b);
      char *key = NULL;
      plist_t value = NULL;

      plist_dict_new_iter (a, &iter);
      for (plist_dict_next_item (a, iter, &key, &value); equal && key != NULL;
           plist_dict_next_item (a, iter, &key, &value))
        {
          equal = plist_values_equal (value, plist_dict_get_item (b, key));
          free (key);
          key = NULL;
        }
      free (key);
      free (iter);
      return equal;
    }

  return plist_compare_node_value (a, b);
}

/* A store stepped from version N is what Core Data made of version N+1:
 * the same tables, columns, declared types and indexes, the same Z_ENT
 * numbering, the same model keys in the metadata, and no stale model
 * cache. */
static void
assert_like_real_store (sqlite3    *db,
                        const char *real_path)
{
  static const char * const model_keys[] = {
    "NSStoreModelVersionHashes", "NSStoreModelVersionHashesDigest",
    "NSStoreModelVersionChecksumKey", "NSStoreModelVersionIdentifiers",
    "NSStoreModelVersionHashesVersion",
  };
  const char *numbering = "SELECT Z_ENT || ' ' || Z_NAME || ' ' || Z_SUPER FROM Z_PRIMARYKEY "
                          "ORDER BY Z_ENT";
  sqlite3 *real = godwit_test_open_read_only (real_path, TRUE);
  g_autofree char *schema = godwit_test_describe_schema (db);
  g_autofree char *expected_schema = godwit_test_describe_schema (real);
  g_autofree char *entities = godwit_test_query (db, numbering);
  g_autofree char *expected_entities = godwit_test_query (real, numbering);
  plist_t metadata = godwit_test_read_metadata (db);
  plist_t expected_metadata = godwit_test_read_metadata (real);

  g_assert_cmpstr (schema, ==, expected_schema);
  g_assert_cmpstr (entities, ==, expected_entities);
  g_assert_nonnull (plist_dict_get_item (expected_metadata, "NSStoreModelVersionHashes"));
  for (guint i = 0; i < G_N_ELEMENTS (model_keys); i++)
    {
      g_test_message ("metadata key %s", model_keys[i]);
      g_assert_true (plist_values_equal (plist_dict_get_item (metadata, model_keys[i]),
                                         plist_dict_get_item (expected_metadata, model_keys[i])));
    }
  g_assert_cmpint (godwit_test_query_int (db, "SELECT COUNT(*) FROM Z_MODELCACHE"), ==, 0);

  plist_free (metadata);
  plist_free (expected_metadata);
  sqlite3_close (real);
}

/* A writer of @model for @store with persistent history, begun. */
static GodwitStoreWriter *
begin_with_history (GodwitTestStore *store,
                    GodwitModel     *model)
{
  GodwitStoreWriter *writer = godwit_test_writer_new (model, store->path);

  godwit_store_writer_set_persistent_history (writer, TRUE);
  godwit_test_writer_begin (writer);

  return writer;
}

/* One transaction of persistent history with a change per (ZENTITY,
 * ZENTITYPK) pair of @changes, Z_MAX of the history entities kept up. */
static void
add_history (sqlite3      *db,
             const guint  *changes,
             guint         n_changes)
{
  execute (db, "INSERT INTO ATRANSACTION (Z_PK, Z_ENT, Z_OPT, ZTIMESTAMP, ZAUTHOR) "
               "VALUES (1, 16002, 1, 743906532.5, 'tests')");
  for (guint i = 0; i < n_changes; i++)
    {
      g_autofree char *sql = g_strdup_printf ("INSERT INTO ACHANGE (Z_PK, Z_ENT, Z_OPT, ZCHANGETYPE, "
                                              "ZENTITY, ZENTITYPK, ZTRANSACTIONID) VALUES "
                                              "(%u, 16001, 1, 0, %u, %u, 1)",
                                              i + 1, changes[2 * i], changes[2 * i + 1]);

      execute (db, sql);
    }
  execute (db, "UPDATE Z_PRIMARYKEY SET Z_MAX = (SELECT COUNT(*) FROM ACHANGE) WHERE Z_ENT = 16001");
  execute (db, "UPDATE Z_PRIMARYKEY SET Z_MAX = 1 WHERE Z_ENT = 16002");
}

/* The store at @path, opened, given add_history() of @changes, and
 * @migration run on it. */
static sqlite3 *
run_on_history_store (GodwitLightweightMigration *migration,
                      const char                 *path,
                      const guint                *changes,
                      guint                       n_changes)
{
  sqlite3 *db = open_read_write (path);

  add_history (db, changes, n_changes);
  g_assert_true (godwit_lightweight_migration_run (migration, db, NULL, NULL, NULL, NULL));

  return db;
}

#define HISTORY_QUERY "SELECT Z_PK || ' ' || ZENTITY || ' ' || ZENTITYPK || ' ' || ZTRANSACTIONID FROM ACHANGE ORDER BY Z_PK"
#define PRIMARY_KEYS_QUERY "SELECT Z_ENT || ' ' || Z_NAME || ' ' || Z_SUPER || ' ' || Z_MAX FROM Z_PRIMARYKEY ORDER BY Z_ENT"

/* ---- real chains -------------------------------------------------------- */

static void
test_wibosco_1_to_2 (void)
{
  g_autoptr(GodwitModelBundle) bundle = godwit_test_load_bundle (GODWIT_TEST_WIBOSCO_BUNDLE);
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *fixture = g_strdup_printf (WIBOSCO_STORE, 1u);
  g_autofree char *posts_before = NULL;
  g_autofree char *posts_after = NULL;
  g_autofree char *uuid_before = NULL;
  g_autofree char *uuid_after = NULL;
  g_autoptr(GodwitLightweightMigration) migration = NULL;
  GodwitModel *source, *destination;
  sqlite3 *db;

  if (bundle == NULL)
    return;
  source = godwit_test_find_version (bundle, godwit_test_wibosco_versions[0]);
  destination = godwit_test_find_version (bundle, godwit_test_wibosco_versions[1]);

  migration = new_migration (source, destination);
  {
    g_autofree char *sql = dump_sql (migration);

    g_assert_nonnull (strstr (sql, "ALTER TABLE ZPOST RENAME COLUMN ZCOLOR TO ZHEXCOLOR"));
    g_assert_null (strstr (sql, "ZPOST_GODWIT_NEW"));
  }

  dir = godwit_test_make_tmpdir ();
  path = copy_fixture (fixture, dir);
  db = open_read_write (path);
  posts_before = godwit_test_query (db, "SELECT Z_PK || '|' || Z_ENT || '|' || Z_OPT || '|' || ZDATE || '|' || "
                                        "ZCOLOR || '|' || ZCONTENT || '|' || ZPOSTID FROM ZPOST ORDER BY Z_PK");
  uuid_before = godwit_test_query (db, "SELECT Z_UUID FROM Z_METADATA");

  g_assert_true (godwit_lightweight_migration_run (migration, db, NULL, NULL, NULL, NULL));

  posts_after = godwit_test_query (db, "SELECT Z_PK || '|' || Z_ENT || '|' || Z_OPT || '|' || ZDATE || '|' || "
                                       "ZHEXCOLOR || '|' || ZCONTENT || '|' || ZPOSTID FROM ZPOST ORDER BY Z_PK");
  uuid_after = godwit_test_query (db, "SELECT Z_UUID FROM Z_METADATA");
  g_assert_cmpstr (posts_after, ==, posts_before);
  g_assert_cmpuint (strlen (posts_after), >, 0);
  g_assert_cmpstr (uuid_after, ==, uuid_before);
  assert_metadata_matches (db, destination);
  g_assert_cmpint (godwit_test_query_int (db, "SELECT COUNT(*) FROM Z_MODELCACHE"), ==, 0);
  g_assert_cmpint (godwit_test_query_int (db, "SELECT Z_MAX FROM Z_PRIMARYKEY WHERE Z_NAME = 'Post'"),
                   ==, 10);

  godwit_test_assert_layout (db, destination, FALSE);
  {
    g_autofree char *next_fixture = g_strdup_printf (WIBOSCO_STORE, 2u);
    g_autofree char *next = godwit_test_fixture_path (next_fixture);

    assert_like_real_store (db, next);
  }
  sqlite3_close (db);

  /* The migrated store matches version 2 for the store reader too. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GodwitStore) store = godwit_store_open (path, NULL, &error);

    g_assert_no_error (error);
    g_assert_true (godwit_store_set_model (store, destination, &error));
    g_assert_no_error (error);
    g_assert_cmpint (godwit_store_count_objects (store, "Post", TRUE, NULL, &error), ==, 10);
  }
  godwit_test_rmdir (dir);
}

/* There is no real store of version 4: the layout Core Data gives
 * version 4 stands in for it. */
static void
test_wibosco_3_to_4 (void)
{
  g_autoptr(GodwitModelBundle) bundle = godwit_test_load_bundle (GODWIT_TEST_WIBOSCO_BUNDLE);
  g_autofree char *fixture = g_strdup_printf (WIBOSCO_STORE, 3u);
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *sections_before = NULL;
  g_autoptr(GodwitLightweightMigration) migration = NULL;
  GodwitModel *source, *destination;
  sqlite3 *db;

  if (bundle == NULL)
    return;
  source = godwit_test_find_version (bundle, godwit_test_wibosco_versions[2]);
  destination = godwit_test_find_version (bundle, godwit_test_wibosco_versions[3]);
  migration = new_migration (source, destination);
  sql = dump_sql (migration);
  /* The delete rule lives in the model only: ZSECTION is left alone. */
  g_assert_null (strstr (sql, "ALTER TABLE ZSECTION"));
  g_assert_null (strstr (sql, "_GODWIT_NEW"));
  g_assert_nonnull (strstr (sql, "ALTER TABLE ZPOST ADD COLUMN ZSOFTDELETED INTEGER"));

  dir = godwit_test_make_tmpdir ();
  path = copy_fixture (fixture, dir);
  db = open_read_write (path);
  sections_before = godwit_test_query (db, "SELECT Z_PK || '|' || Z_OPT || '|' || ZINDEX || '|' || ZPOST || '|' "
                                           "|| ZBODY || '|' || ZTITLE FROM ZSECTION ORDER BY Z_PK");
  g_assert_true (godwit_lightweight_migration_run (migration, db, NULL, NULL, NULL, NULL));

  g_assert_cmpint (godwit_test_query_int (db, "SELECT COUNT(*) FROM ZPOST"), ==, 12);
  g_assert_cmpint (godwit_test_query_int (db, "SELECT COUNT(*) FROM ZPOST WHERE ZSOFTDELETED IS 0"),
                   ==, 12);
  godwit_test_assert_query (db, "SELECT Z_PK || '|' || Z_OPT || '|' || ZINDEX || '|' || ZPOST || '|' "
                                "|| ZBODY || '|' || ZTITLE FROM ZSECTION ORDER BY Z_PK",
                            sections_before);
  g_assert_cmpint (godwit_test_query_int (db, "SELECT Z_MAX FROM Z_PRIMARYKEY WHERE Z_NAME = 'Section'"),
                   ==, 14);
  assert_metadata_matches (db, destination);
  godwit_test_assert_layout (db, destination, FALSE);
  g_assert_cmpint (godwit_test_query_int (db, "SELECT COUNT(*) FROM Z_MODELCACHE"), ==, 0);

  sqlite3_close (db);
  godwit_test_rmdir (dir);
}

static void
test_bergier_steps (void)
{
  g_autoptr(GodwitModelBundle) bundle = godwit_test_load_bundle (GODWIT_TEST_BERGIER_BUNDLE);
  const char * const *versions = godwit_test_bergier_versions;
  g_autofree char *dir = NULL;
  g_autofree char *chained = NULL;
  g_autofree char *names_before = NULL;
  g_autofree char *names_after = NULL;
  sqlite3 *chain_db;

  if (bundle == NULL)
    return;
  dir = godwit_test_make_tmpdir ();

  for (guint i = 0; versions[i + 1] != NULL; i++)
    {
      g_autofree char *step_dir = g_build_filename (dir, versions[i], NULL);
      g_autofree char *from_fixture = g_strdup_printf (BERGIER_STORE, versions[i]);
      g_autofree char *to_fixture = g_strdup_printf (BERGIER_STORE, versions[i + 1]);
      g_autofree char *to_path = godwit_test_fixture_path (to_fixture);
      g_autofree char *path = NULL;
      sqlite3 *db;

      g_autofree char *column_before = NULL;
      g_autofree char *column_after = NULL;
      g_autofree char *objects_query = NULL;
      g_autofree char *objects_before = NULL;
      g_autofree char *objects_after = NULL;
      g_autofree char *uuid_before = NULL;
      g_autofree char *uuid_after = NULL;

      g_assert_cmpint (g_mkdir (step_dir, 0700), ==, 0);
      path = copy_fixture (from_fixture, step_dir);
      db = open_read_write (path);
      g_assert_cmpint (godwit_test_query_int (db, "SELECT COUNT(*) FROM Z_MODELCACHE"), ==, 1);

      /* The name attribute is renamed at every step (ZV1_0_0_NAME …). */
      column_before = g_strdelimit (g_ascii_strup (versions[i], -1), ".", '_');
      column_after = g_strdelimit (g_ascii_strup (versions[i + 1], -1), ".", '_');
      objects_query = g_strdup_printf ("SELECT Z_PK || '|' || Z_ENT || '|' || Z_OPT || '|' || "
                                       "IFNULL(Z%s_NAME, 'NULL') FROM ZBASICENTITY ORDER BY Z_PK",
                                       column_before);
      objects_before = godwit_test_query (db, objects_query);
      uuid_before = godwit_test_query (db, "SELECT Z_UUID FROM Z_METADATA");

      migrate (godwit_test_find_version (bundle, versions[i]),
               godwit_test_find_version (bundle, versions[i + 1]), db);

      g_free (objects_query);
      objects_query = g_strdup_printf ("SELECT Z_PK || '|' || Z_ENT || '|' || Z_OPT || '|' || "
                                       "IFNULL(Z%s_NAME, 'NULL') FROM ZBASICENTITY ORDER BY Z_PK",
                                       column_after);
      objects_after = godwit_test_query (db, objects_query);
      uuid_after = godwit_test_query (db, "SELECT Z_UUID FROM Z_METADATA");
      g_assert_cmpuint (strlen (objects_before), >, 0);
      g_assert_cmpstr (objects_after, ==, objects_before);
      g_assert_cmpstr (uuid_after, ==, uuid_before);

      assert_metadata_matches (db, godwit_test_find_version (bundle, versions[i + 1]));
      assert_like_real_store (db, to_path);
      sqlite3_close (db);
    }

  /* v1.0.0's store stepped through every version keeps its names. */
  chained = copy_fixture ("bergier/stores/Example_v1.0.0.sqlite", dir);
  chain_db = open_read_write (chained);
  names_before = godwit_test_query (chain_db, "SELECT Z_PK || '|' || ZV1_0_0_NAME FROM ZBASICENTITY ORDER BY Z_PK");
  for (guint i = 0; versions[i + 1] != NULL; i++)
    migrate (godwit_test_find_version (bundle, versions[i]),
             godwit_test_find_version (bundle, versions[i + 1]), chain_db);
  names_after = godwit_test_query (chain_db, "SELECT Z_PK || '|' || ZV2_0_0_NAME FROM ZBASICENTITY ORDER BY Z_PK");
  g_assert_cmpuint (strlen (names_before), >, 0);
  g_assert_cmpstr (names_after, ==, names_before);
  sqlite3_close (chain_db);

  godwit_test_rmdir (dir);
}

/* ---- generated stores --------------------------------------------------- */

/* Version 1: Book {title, pages} — shelf → Shelf; tags ⇄ Tag (many-to-many).
 * Version 2 adds Author (sorts first: every Z_ENT moves up one) with a
 * to-one from Book, and drops Book.pages. */
static GodwitModel *
new_library_model (gboolean version_2)
{
  GodwitModel *model = godwit_model_new (version_2 ? "library 2" : "library 1",
                                         GODWIT_MODEL_SOURCE_WRITER);
  GodwitEntity *book = godwit_test_add_entity (model, "Book", NULL);
  GodwitEntity *novel = godwit_test_add_entity (model, "Novel", "Book");
  GodwitEntity *shelf = godwit_test_add_entity (model, "Shelf", NULL);
  GodwitEntity *tag = godwit_test_add_entity (model, "Tag", NULL);

  godwit_test_add_attribute (book, "title", GODWIT_ATTRIBUTE_TYPE_STRING);
  if (!version_2)
    godwit_test_add_attribute (book, "pages", GODWIT_ATTRIBUTE_TYPE_INTEGER_32);
  godwit_test_add_attribute (novel, "genre", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_relationship (book, "shelf", "Shelf", "books", FALSE, FALSE);
  godwit_test_add_relationship (book, "tags", "Tag", "books", TRUE, FALSE);
  godwit_test_add_attribute (shelf, "name", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_relationship (shelf, "books", "Book", "shelf", TRUE, FALSE);
  godwit_test_add_attribute (tag, "label", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_relationship (tag, "books", "Book", "tags", TRUE, FALSE);

  if (version_2)
    {
      GodwitEntity *author = godwit_test_add_entity (model, "Author", NULL);

      godwit_test_add_attribute (author, "name", GODWIT_ATTRIBUTE_TYPE_STRING);
      godwit_test_add_relationship (author, "books", "Book", "author", TRUE, FALSE);
      godwit_test_add_relationship (book, "author", "Author", "books", FALSE, FALSE);
    }
  godwit_test_resolve_model (model);

  return model;
}

static void
write_library (GodwitTestStore *store,
               GodwitModel     *model)
{
  g_autoptr(GodwitStoreWriter) writer = godwit_test_store_begin (store, model, FALSE);
  gint64 shelf = godwit_test_insert (writer, "Shelf", "name", g_variant_new_string ("Fiction"), NULL);
  gint64 tag_a = godwit_test_insert (writer, "Tag", "label", g_variant_new_string ("old"), NULL);
  gint64 tag_b = godwit_test_insert (writer, "Tag", "label", g_variant_new_string ("rare"), NULL);

  for (guint i = 0; i < 6; i++)
    {
      g_autofree char *title = g_strdup_printf ("Book %u", i);
      gint64 book;

      if (i % 2 == 0)
        book = godwit_test_insert (writer, "Book", "title", g_variant_new_string (title),
                                   "pages", g_variant_new_int64 (100 + (gint64) i), NULL);
      else
        book = godwit_test_insert (writer, "Novel", "title", g_variant_new_string (title),
                                   "pages", g_variant_new_int64 (200 + (gint64) i),
                                   "genre", g_variant_new_string ("crime"), NULL);
      if (i < 4)
        godwit_test_relate (writer, i % 2 == 0 ? "Book" : "Novel", book, "shelf", "Shelf", shelf);
      godwit_test_relate (writer, i % 2 == 0 ? "Book" : "Novel", book, "tags", "Tag",
                          i % 3 == 0 ? tag_a : tag_b);
    }
  godwit_test_writer_commit (writer);
}

/* Every object of the entities @roots (NULL-terminated) and their
 * sub-entities in the store read with @model, minus @skip_attribute and
 * @new_relationship, which must be empty. */
static char *
dump_objects (const char         *path,
              GodwitModel        *model,
              const char * const *roots,
              const char         *skip_attribute,
              const char         *new_relationship)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GodwitStore) store = godwit_store_open (path, NULL, &error);
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);

  g_assert_no_error (error);
  g_assert_true (godwit_store_set_model (store, model, &error));
  g_assert_no_error (error);

  for (guint r = 0; roots[r] != NULL; r++)
    {
      g_autoptr(GPtrArray) objects = godwit_store_fetch_objects (store, roots[r], TRUE, 0, 1000,
                                                                 NULL, &error);

      g_assert_no_error (error);
      for (guint i = 0; i < objects->len; i++)
        {
          GodwitObject *object = g_ptr_array_index (objects, i);
          g_autoptr(JsonNode) attributes = json_node_alloc ();
          g_autoptr(JsonNode) relationships = json_node_alloc ();
          g_autofree char *attributes_json = NULL;
          g_autofree char *relationships_json = NULL;

          if (skip_attribute != NULL && json_object_has_member (object->attributes, skip_attribute))
            json_object_remove_member (object->attributes, skip_attribute);
          if (new_relationship != NULL &&
              json_object_has_member (object->relationships, new_relationship))
            {
              g_assert_true (json_object_get_null_member (object->relationships,
                                                          new_relationship));
              json_object_remove_member (object->relationships, new_relationship);
            }
          json_node_init_object (attributes, object->attributes);
          json_node_init_object (relationships, object->relationships);
          attributes_json = json_to_string (attributes, FALSE);
          relationships_json = json_to_string (relationships, FALSE);
          g_ptr_array_add (lines, g_strdup_printf ("%s %s opt %" G_GINT64_FORMAT " %s %s",
                                                   object->entity, object->uri, object->opt,
                                                   attributes_json, relationships_json));
        }
    }
  g_ptr_array_sort (lines, godwit_test_compare_strings);
  g_ptr_array_add (lines, NULL);

  return g_strjoinv ("\n", (char **) lines->pdata);
}

static const char * const library_roots[] = { "Book", "Shelf", "Tag", NULL };

static void
test_entity_added_first (void)
{
  g_autoptr(GodwitModel) source = new_library_model (FALSE);
  g_autoptr(GodwitModel) destination = new_library_model (TRUE);
  g_autoptr(GodwitLightweightMigration) migration = new_migration (source, destination);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  GodwitTestStore store;
  sqlite3 *db;

  godwit_test_store_init (&store, "library.sqlite");
  write_library (&store, source);
  before = dump_objects (store.path, source, library_roots, "pages", "author");

  db = run_on_store (migration, store.path);
  godwit_test_assert_query (db, "SELECT Z_ENT || ' ' || Z_NAME || ' ' || Z_SUPER || ' ' || Z_MAX "
                                "FROM Z_PRIMARYKEY ORDER BY Z_ENT",
                            "1 Author 0 0\n2 Book 0 6\n3 Novel 2 0\n4 Shelf 0 1\n5 Tag 0 2");
  g_assert_cmpint (godwit_test_query_int (db, "SELECT COUNT(*) FROM ZBOOK WHERE Z_ENT = 3"), ==, 3);
  g_assert_cmpint (godwit_test_query_int (db, "SELECT COUNT(*) FROM Z_2TAGS"), ==, 6);
  godwit_test_assert_layout (db, destination, FALSE);
  assert_metadata_matches (db, destination);
  sqlite3_close (db);

  /* Pages was removed: everything else reads the same, URIs included. */
  after = dump_objects (store.path, destination, library_roots, NULL, "author");
  g_assert_cmpstr (after, ==, before);
  godwit_test_store_clear (&store);
}

static GodwitModel *
new_renamed_model (const char *name,
                   const char *renaming_identifier,
                   gboolean    title_optional)
{
  GodwitModel *model = godwit_model_new (name, GODWIT_MODEL_SOURCE_WRITER);
  GodwitEntity *post = godwit_test_add_entity (model, name, NULL);
  GodwitProperty *title;

  post->renaming_identifier = g_strdup (renaming_identifier);
  title = godwit_test_add_attribute (post, "title", GODWIT_ATTRIBUTE_TYPE_STRING);
  title->optional = title_optional;
  godwit_test_add_attribute (post, "rating", GODWIT_ATTRIBUTE_TYPE_INTEGER_16);
  godwit_test_resolve_model (model);

  return model;
}

static void
write_posts (GodwitTestStore *store,
             GodwitModel     *model,
             guint            n_without_title)
{
  g_autoptr(GodwitStoreWriter) writer = godwit_test_store_begin (store, model, FALSE);

  godwit_test_insert (writer, "Post", "title", g_variant_new_string ("Hello"),
                      "rating", g_variant_new_int64 (3), NULL);
  for (guint i = 0; i < n_without_title; i++)
    godwit_test_insert (writer, "Post", "rating", g_variant_new_int64 (i), NULL);
  godwit_test_writer_commit (writer);
}

static void
test_entity_renamed (void)
{
  g_autoptr(GodwitModel) source = new_renamed_model ("Post", NULL, TRUE);
  g_autoptr(GodwitModel) destination = new_renamed_model ("Article", "Post", TRUE);
  g_autoptr(GodwitLightweightMigration) migration = new_migration (source, destination);
  GodwitTestStore store;
  sqlite3 *db;

  godwit_test_store_init (&store, "posts.sqlite");
  write_posts (&store, source, 2);
  db = run_on_store (migration, store.path);
  godwit_test_assert_query (db, "SELECT Z_PK || ' ' || Z_ENT || ' ' || IFNULL(ZTITLE, '-') || ' ' || ZRATING "
                                "FROM ZARTICLE ORDER BY Z_PK",
                            "1 1 Hello 3\n2 1 - 0\n3 1 - 1");
  godwit_test_assert_query (db, "SELECT Z_NAME || ' ' || Z_MAX FROM Z_PRIMARYKEY", "Article 3");
  finish_migrated_store (db, &store, destination, FALSE);
}

static void
test_needs_value (void)
{
  g_autoptr(GodwitModel) source = new_renamed_model ("Post", NULL, TRUE);
  g_autoptr(GodwitModel) destination = new_renamed_model ("Post", NULL, FALSE);
  g_autoptr(GodwitLightweightMigration) migration = new_migration (source, destination);
  g_autoptr(GError) error = NULL;
  GodwitTestStore store;
  sqlite3 *db;

  godwit_test_store_init (&store, "posts.sqlite");
  write_posts (&store, source, 12);
  assert_run_refused (migration, store.path,
                      "Post.title becomes non-optional without a default value: 12 objects have no title");

  /* Without objects lacking a title, the same step runs. */
  godwit_test_store_clear (&store);
  godwit_test_store_init (&store, "posts.sqlite");
  write_posts (&store, source, 0);
  db = open_read_write (store.path);
  g_assert_true (godwit_lightweight_migration_run (migration, db, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  sqlite3_close (db);
  godwit_test_store_clear (&store);
}

static void
test_not_inferable (void)
{
  g_autoptr(GodwitModel) source = new_renamed_model ("Post", NULL, TRUE);
  g_autoptr(GodwitModel) destination = godwit_model_new ("Post", GODWIT_MODEL_SOURCE_WRITER);
  g_autoptr(GodwitLightweightMigration) migration = NULL;
  g_autoptr(GError) error = NULL;
  GodwitEntity *post = godwit_test_add_entity (destination, "Post", NULL);

  godwit_test_add_attribute (post, "title", GODWIT_ATTRIBUTE_TYPE_BINARY);
  godwit_test_add_attribute (post, "rating", GODWIT_ATTRIBUTE_TYPE_INTEGER_16);
  godwit_test_resolve_model (destination);

  migration = godwit_lightweight_migration_new (source, destination, &error);
  g_assert_null (migration);
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL);
  g_assert_nonnull (strstr (error->message, "Post.title"));
}

static void
test_cancelled (void)
{
  g_autoptr(GodwitModel) source = new_library_model (FALSE);
  g_autoptr(GodwitModel) destination = new_library_model (TRUE);
  g_autoptr(GodwitLightweightMigration) migration = new_migration (source, destination);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *checksum = NULL;
  g_autofree char *checksum_after = NULL;
  GodwitTestStore store;
  sqlite3 *db;

  godwit_test_store_init (&store, "library.sqlite");
  write_library (&store, source);
  checksum = godwit_test_file_checksum (store.path);
  db = open_read_write (store.path);
  g_cancellable_cancel (cancellable);
  g_assert_false (godwit_lightweight_migration_run (migration, db, NULL, NULL, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  sqlite3_close (db);
  checksum_after = godwit_test_file_checksum (store.path);
  g_assert_cmpstr (checksum_after, ==, checksum);
  godwit_test_store_clear (&store);
}

static void
count_progress (const char *entity,
                gint64      done,
                gint64      total,
                gpointer    user_data)
{
  g_string_append_printf (user_data, "%s %" G_GINT64_FORMAT "/%" G_GINT64_FORMAT ";",
                          entity, done, total);
}

/* Shelf.books ⇄ Book.shelf, one-to-many; @variant 1: many-to-many;
 * @variant 2: Shelf gets a sub-entity Wall; @variant 3: one-to-one. */
static GodwitModel *
new_shelf_model (guint variant)
{
  g_autofree char *name = g_strdup_printf ("shelves %u", variant);
  GodwitModel *model = godwit_model_new (name, GODWIT_MODEL_SOURCE_WRITER);
  GodwitEntity *book = godwit_test_add_entity (model, "Book", NULL);
  GodwitEntity *shelf = godwit_test_add_entity (model, "Shelf", NULL);

  godwit_test_add_attribute (book, "title", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_relationship (book, "shelf", "Shelf", "books", variant == 1, FALSE);
  godwit_test_add_attribute (shelf, "name", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_relationship (shelf, "books", "Book", "shelf", variant != 3, FALSE);
  if (variant == 2)
    {
      GodwitEntity *wall = godwit_test_add_entity (model, "Wall", "Shelf");

      godwit_test_add_attribute (wall, "height", GODWIT_ATTRIBUTE_TYPE_DOUBLE);
    }
  godwit_test_resolve_model (model);

  return model;
}

static void
write_shelves (GodwitTestStore *store,
               GodwitModel     *model)
{
  g_autoptr(GodwitStoreWriter) writer = godwit_test_store_begin (store, model, FALSE);
  gint64 shelves[2];

  shelves[0] = godwit_test_insert (writer, "Shelf", "name", g_variant_new_string ("A"), NULL);
  shelves[1] = godwit_test_insert (writer, "Shelf", "name", g_variant_new_string ("B"), NULL);
  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *title = g_strdup_printf ("Book %u", i);
      gint64 book = godwit_test_insert (writer, "Book", "title", g_variant_new_string (title), NULL);

      if (i < 4)
        godwit_test_relate (writer, "Book", book, "shelf", "Shelf", shelves[i % 2]);
    }
  godwit_test_writer_commit (writer);
}

/* The foreign key moves into a join table. */
static void
test_to_one_becomes_to_many (void)
{
  g_autoptr(GodwitModel) one = new_shelf_model (0);
  g_autoptr(GodwitModel) many = new_shelf_model (1);
  g_autoptr(GodwitLightweightMigration) migration = new_migration (one, many);
  g_autoptr(GString) progress = g_string_new (NULL);
  g_autofree char *pairs = NULL;
  GodwitTestStore store;
  sqlite3 *db;

  godwit_test_store_init (&store, "shelves.sqlite");
  write_shelves (&store, one);
  db = open_read_write (store.path);
  g_assert_true (godwit_lightweight_migration_run (migration, db, count_progress, progress, NULL,
                                                   NULL));
  /* The copy counts the links it wrote rather than running its query
   * twice. */
  g_assert_cmpstr (progress->str, ==, "Book 4/4;");
  {
    g_autoptr(GodwitStoreLayout) layout = godwit_store_layout_new (many, FALSE, NULL);
    const GodwitJoinTable *join = godwit_store_layout_find_join_table (layout,
                                                                      godwit_model_get_entity (many, "Book"),
                                                                      "shelf");
    g_autofree char *query = NULL;

    g_assert_nonnull (join);
    query = g_strdup_printf ("SELECT %s || ' ' || %s FROM %s ORDER BY 1", join->column,
                             join->inverse_column, join->name);
    g_test_message ("%s", query);
    pairs = godwit_test_query (db, query);
  }
  g_assert_cmpstr (pairs, ==, "1 1\n2 2\n3 1\n4 2");
  finish_migrated_store (db, &store, many, FALSE);
}

/* The destination of Book.shelf gains a sub-entity: ZBOOK is rebuilt with
 * a new Z2_SHELF column naming the entity of each shelf. */
static void
test_destination_gets_subentity (void)
{
  g_autoptr(GodwitModel) plain = new_shelf_model (0);
  g_autoptr(GodwitModel) walls = new_shelf_model (2);
  g_autoptr(GodwitLightweightMigration) migration = new_migration (plain, walls);
  g_autoptr(GString) progress = g_string_new (NULL);
  g_autofree char *sql = dump_sql (migration);
  GodwitTestStore store;
  sqlite3 *db;

  g_assert_nonnull (strstr (sql, "ZBOOK_GODWIT_NEW"));
  godwit_test_store_init (&store, "shelves.sqlite");
  write_shelves (&store, plain);
  db = open_read_write (store.path);
  g_assert_true (godwit_lightweight_migration_run (migration, db, count_progress, progress, NULL,
                                                   NULL));
  g_assert_cmpstr (progress->str, ==, "Book 0/5;Book 5/5;");
  godwit_test_assert_query (db, "SELECT Z_PK || ' ' || Z_OPT || ' ' || ZTITLE || ' ' || IFNULL(ZSHELF, '-') "
                                "|| ' ' || IFNULL(Z2_SHELF, '-') FROM ZBOOK ORDER BY Z_PK",
                            "1 1 Book 0 1 2\n2 1 Book 1 2 2\n3 1 Book 2 1 2\n4 1 Book 3 2 2\n"
                            "5 1 Book 4 - -");
  finish_migrated_store (db, &store, walls, FALSE);
}

/* ---- hierarchies -------------------------------------------------------- */

/* Book.shelf ⇄ Shelf.books; Wall {height} is a sub-entity of Shelf, or
 * with @wall_apart a root entity of its own that keeps its name. */
static GodwitModel *
new_wall_model (gboolean wall_apart)
{
  GodwitModel *model = godwit_model_new (wall_apart ? "walls apart" : "walls",
                                         GODWIT_MODEL_SOURCE_WRITER);
  GodwitEntity *book = godwit_test_add_entity (model, "Book", NULL);
  GodwitEntity *shelf = godwit_test_add_entity (model, "Shelf", NULL);
  GodwitEntity *wall = godwit_test_add_entity (model, "Wall", wall_apart ? NULL : "Shelf");

  godwit_test_add_attribute (book, "title", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_relationship (book, "shelf", "Shelf", "books", FALSE, FALSE);
  godwit_test_add_attribute (shelf, "name", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_relationship (shelf, "books", "Book", "shelf", TRUE, FALSE);
  if (wall_apart)
    godwit_test_add_attribute (wall, "name", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_attribute (wall, "height", GODWIT_ATTRIBUTE_TYPE_DOUBLE);
  godwit_test_resolve_model (model);

  return model;
}

/* Wall moves out of Shelf's hierarchy: its rows leave ZSHELF for ZWALL
 * with their Z_PK, and books on a wall lose their shelf, a wall being no
 * Shelf any more. */
static void
test_entity_moved_out (void)
{
  g_autoptr(GodwitModel) source = new_wall_model (FALSE);
  g_autoptr(GodwitModel) destination = new_wall_model (TRUE);
  g_autoptr(GodwitLightweightMigration) migration = new_migration (source, destination);
  g_autoptr(GodwitStoreWriter) writer = NULL;
  g_autofree char *rows = NULL;
  const char *shelves[] = { "Shelf", "Wall", "Shelf", "Wall" };
  GodwitTestStore store;
  sqlite3 *db;

  godwit_test_store_init (&store, "walls.sqlite");
  writer = godwit_test_store_begin (&store, source, FALSE);
  for (guint i = 0; i < G_N_ELEMENTS (shelves); i++)
    {
      g_autofree char *name = g_strdup_printf ("%s %u", shelves[i], i + 1);
      gint64 shelf;
      gint64 book;

      if (strcmp (shelves[i], "Wall") == 0)
        shelf = godwit_test_insert (writer, "Wall", "name", g_variant_new_string (name),
                                    "height", g_variant_new_double (2.5 + i), NULL);
      else
        shelf = godwit_test_insert (writer, "Shelf", "name", g_variant_new_string (name), NULL);
      g_assert_cmpint (shelf, ==, i + 1);
      book = godwit_test_insert (writer, "Book", "title", g_variant_new_string (name), NULL);
      godwit_test_relate (writer, "Book", book, "shelf", shelves[i], shelf);
    }
  godwit_test_insert (writer, "Book", "title", g_variant_new_string ("loose"), NULL);
  godwit_test_writer_commit (writer);

  db = run_on_store (migration, store.path);

  godwit_test_assert_query (db, "SELECT Z_PK, Z_ENT, Z_OPT, ZNAME FROM ZSHELF ORDER BY Z_PK",
                            "1|2|1|Shelf 1\n3|2|1|Shelf 3");
  godwit_test_assert_query (db, "SELECT Z_PK, Z_ENT, Z_OPT, ZNAME, ZHEIGHT FROM ZWALL ORDER BY Z_PK",
                            "2|3|1|Wall 2|3.5\n4|3|1|Wall 4|5.5");
  godwit_test_assert_query (db, "SELECT Z_PK, Z_ENT, ZTITLE, ZSHELF FROM ZBOOK ORDER BY Z_PK",
                            "1|1|Shelf 1|1\n2|1|Wall 2|NULL\n3|1|Shelf 3|3\n4|1|Wall 4|NULL\n"
                            "5|1|loose|NULL");
  /* Z_MAX never goes back: Wall's sequence goes on from Shelf's. */
  godwit_test_assert_query (db, PRIMARY_KEYS_QUERY, "1 Book 0 5\n2 Shelf 0 4\n3 Wall 0 4");

  finish_migrated_store (db, &store, destination, FALSE);
}

/* Dog ⇄ Owner (Dog.owner, Owner.dogs); @with_animal: Dog gets a new parent
 * entity Animal, which takes Dog.name up, and Dog.breed is preserved in
 * history after deletion. */
static GodwitModel *
new_dog_model (gboolean with_animal)
{
  GodwitModel *model = godwit_model_new (with_animal ? "animals" : "dogs",
                                         GODWIT_MODEL_SOURCE_WRITER);
  GodwitEntity *dog = NULL;
  GodwitEntity *owner = godwit_test_add_entity (model, "Owner", NULL);
  GodwitProperty *breed;

  if (with_animal)
    {
      GodwitEntity *animal = godwit_test_add_entity (model, "Animal", NULL);

      godwit_test_add_attribute (animal, "name", GODWIT_ATTRIBUTE_TYPE_STRING);
      dog = godwit_test_add_entity (model, "Dog", "Animal");
    }
  else
    {
      dog = godwit_test_add_entity (model, "Dog", NULL);
      godwit_test_add_attribute (dog, "name", GODWIT_ATTRIBUTE_TYPE_STRING);
    }
  breed = godwit_test_add_attribute (dog, "breed", GODWIT_ATTRIBUTE_TYPE_STRING);
  breed->preserves_value_in_history_on_deletion = with_animal;
  godwit_test_add_relationship (dog, "owner", "Owner", "dogs", FALSE, FALSE);
  godwit_test_add_attribute (owner, "name", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_relationship (owner, "dogs", "Dog", "owner", TRUE, FALSE);
  godwit_test_resolve_model (model);

  return model;
}

/* Dog moves into a hierarchy under a new parent: its rows move from ZDOG
 * to ZANIMAL, every Z_ENT moves up one, in the rows and in the history. */
static void
test_parent_added (void)
{
  g_autoptr(GodwitModel) source = new_dog_model (FALSE);
  g_autoptr(GodwitModel) destination = new_dog_model (TRUE);
  g_autoptr(GodwitLightweightMigration) migration = new_migration (source, destination);
  g_autoptr(GodwitStoreWriter) writer = NULL;
  g_autofree char *rows = NULL;
  const guint changes[] = { 1, 1, 2, 1, 1, 9, 2, 2 };
  gint64 owners[2];
  GodwitTestStore store;
  sqlite3 *db;

  godwit_test_store_init (&store, "dogs.sqlite");
  writer = begin_with_history (&store, source);
  owners[0] = godwit_test_insert (writer, "Owner", "name", g_variant_new_string ("Ann"), NULL);
  owners[1] = godwit_test_insert (writer, "Owner", "name", g_variant_new_string ("Bob"), NULL);
  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *name = g_strdup_printf ("Dog %u", i + 1);
      gint64 dog = godwit_test_insert (writer, "Dog", "name", g_variant_new_string (name),
                                       "breed", g_variant_new_string (i % 2 ? "pug" : "collie"),
                                       NULL);

      if (i < 3)
        godwit_test_relate (writer, "Dog", dog, "owner", "Owner", owners[i % 2]);
    }
  godwit_test_writer_commit (writer);

  db = run_on_history_store (migration, store.path, changes, G_N_ELEMENTS (changes) / 2);

  godwit_test_assert_query (db, "SELECT Z_PK, Z_ENT, Z_OPT, ZNAME, ZBREED, ZOWNER FROM ZANIMAL "
                                "ORDER BY Z_PK",
                            "1|2|1|Dog 1|collie|1\n2|2|1|Dog 2|pug|2\n3|2|1|Dog 3|collie|1\n"
                            "4|2|1|Dog 4|pug|NULL");
  godwit_test_assert_query (db, "SELECT Z_PK, Z_ENT, ZNAME FROM ZOWNER ORDER BY Z_PK", "1|3|Ann\n2|3|Bob");
  godwit_test_assert_query (db, PRIMARY_KEYS_QUERY,
                            "1 Animal 0 4\n2 Dog 1 0\n3 Owner 0 2\n16001 CHANGE 0 4\n"
                            "16002 TRANSACTION 0 1\n16003 TRANSACTIONSTRING 0 0");
  godwit_test_assert_query (db, HISTORY_QUERY, "1 2 1 1\n2 3 1 1\n3 2 9 1\n4 3 2 1");
  godwit_test_assert_query (db, "SELECT Z_PK, ZAUTHOR, ZTIMESTAMP FROM ATRANSACTION", "1|tests|743906532.5");

  /* ACHANGE gained the tombstone column Dog.breed needs. */
  finish_migrated_store (db, &store, destination, TRUE);
}

/* Item {title} with the sub-entities Note {text} and Task {done}; @split:
 * Item is removed, Note and Task become root entities with a title each. */
static GodwitModel *
new_item_model (gboolean split)
{
  GodwitModel *model = godwit_model_new (split ? "items split" : "items",
                                         GODWIT_MODEL_SOURCE_WRITER);
  GodwitEntity *note = NULL;
  GodwitEntity *task = NULL;

  if (split)
    {
      note = godwit_test_add_entity (model, "Note", NULL);
      task = godwit_test_add_entity (model, "Task", NULL);
      godwit_test_add_attribute (note, "title", GODWIT_ATTRIBUTE_TYPE_STRING);
      godwit_test_add_attribute (task, "title", GODWIT_ATTRIBUTE_TYPE_STRING);
    }
  else
    {
      GodwitEntity *item = godwit_test_add_entity (model, "Item", NULL);

      godwit_test_add_attribute (item, "title", GODWIT_ATTRIBUTE_TYPE_STRING);
      note = godwit_test_add_entity (model, "Note", "Item");
      task = godwit_test_add_entity (model, "Task", "Item");
    }
  godwit_test_add_attribute (note, "text", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_attribute (task, "done", GODWIT_ATTRIBUTE_TYPE_BOOLEAN);
  godwit_test_resolve_model (model);

  return model;
}

/* The parent is removed: its own objects go, with their history; its
 * sub-entities split its table in two. */
static void
test_parent_removed (void)
{
  g_autoptr(GodwitModel) source = new_item_model (FALSE);
  g_autoptr(GodwitModel) destination = new_item_model (TRUE);
  g_autoptr(GodwitLightweightMigration) migration = new_migration (source, destination);
  g_autoptr(GodwitStoreWriter) writer = NULL;
  const guint changes[] = { 1, 1, 2, 2, 3, 3, 1, 5 };
  GodwitTestStore store;
  sqlite3 *db;

  godwit_test_store_init (&store, "items.sqlite");
  writer = begin_with_history (&store, source);
  godwit_test_insert (writer, "Item", "title", g_variant_new_string ("item 1"), NULL);
  godwit_test_insert (writer, "Note", "title", g_variant_new_string ("note 2"),
                      "text", g_variant_new_string ("text 2"), NULL);
  godwit_test_insert (writer, "Task", "title", g_variant_new_string ("task 3"),
                      "done", g_variant_new_boolean (TRUE), NULL);
  godwit_test_insert (writer, "Note", "title", g_variant_new_string ("note 4"), NULL);
  godwit_test_insert (writer, "Item", "title", g_variant_new_string ("item 5"), NULL);
  godwit_test_writer_commit (writer);

  db = run_on_history_store (migration, store.path, changes, G_N_ELEMENTS (changes) / 2);

  godwit_test_assert_query (db, "SELECT Z_PK, Z_ENT, Z_OPT, ZTITLE, ZTEXT FROM ZNOTE ORDER BY Z_PK",
                            "2|1|1|note 2|text 2\n4|1|1|note 4|NULL");
  godwit_test_assert_query (db, "SELECT Z_PK, Z_ENT, Z_OPT, ZTITLE, ZDONE FROM ZTASK ORDER BY Z_PK",
                            "3|2|1|task 3|1");
  godwit_test_assert_query (db, PRIMARY_KEYS_QUERY,
                            "1 Note 0 5\n2 Task 0 5\n16001 CHANGE 0 4\n16002 TRANSACTION 0 1\n"
                            "16003 TRANSACTIONSTRING 0 0");
  godwit_test_assert_query (db, HISTORY_QUERY, "2 1 2 1\n3 2 3 1");

  finish_migrated_store (db, &store, destination, TRUE);
}

/* Core Data cannot merge hierarchies, so the Z_PKs of two tables never
 * have to share one: Shelf may not join Wall's hierarchy. */
static void
test_hierarchies_merged (void)
{
  g_autoptr(GodwitModel) apart = new_wall_model (TRUE);
  g_autoptr(GodwitModel) merged = godwit_model_new ("merged", GODWIT_MODEL_SOURCE_WRITER);
  g_autoptr(GodwitLightweightMigration) migration = NULL;
  g_autoptr(GError) error = NULL;
  GodwitEntity *wall;

  wall = godwit_test_add_entity (merged, "Wall", NULL);
  godwit_test_add_attribute (wall, "name", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_attribute (wall, "height", GODWIT_ATTRIBUTE_TYPE_DOUBLE);
  godwit_test_add_entity (merged, "Shelf", "Wall");
  godwit_test_add_attribute (godwit_test_add_entity (merged, "Book", NULL), "title",
                             GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_resolve_model (merged);

  migration = godwit_lightweight_migration_new (apart, merged, &error);
  g_assert_null (migration);
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL);
  g_assert_nonnull (strstr (error->message, "Shelf and Wall have no common ancestor entity in the "
                                            "source but share the hierarchy of Wall in the "
                                            "destination: merging entity hierarchies cannot be "
                                            "inferred"));
}

/* Book {title} with Novel; Collection {name} with Archive, whose
 * Collection.books (to-many without inverse) holds books; Review.book
 * (to-one without inverse); Book.tags ⇄ Tag.books (many-to-many).
 * @pruned: without Novel and Archive. */
static GodwitModel *
new_catalogue_model (gboolean pruned)
{
  GodwitModel *model = godwit_model_new (pruned ? "catalogue pruned" : "catalogue",
                                         GODWIT_MODEL_SOURCE_WRITER);
  GodwitEntity *book = godwit_test_add_entity (model, "Book", NULL);
  GodwitEntity *collection = godwit_test_add_entity (model, "Collection", NULL);
  GodwitEntity *review = godwit_test_add_entity (model, "Review", NULL);
  GodwitEntity *tag = godwit_test_add_entity (model, "Tag", NULL);

  godwit_test_add_attribute (book, "title", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_relationship (book, "tags", "Tag", "books", TRUE, FALSE);
  godwit_test_add_attribute (collection, "name", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_relationship (collection, "books", "Book", NULL, TRUE, FALSE);
  godwit_test_add_attribute (review, "stars", GODWIT_ATTRIBUTE_TYPE_INTEGER_16);
  godwit_test_add_relationship (review, "book", "Book", NULL, FALSE, FALSE);
  godwit_test_add_attribute (tag, "label", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_relationship (tag, "books", "Book", "tags", TRUE, FALSE);
  if (!pruned)
    {
      godwit_test_add_attribute (godwit_test_add_entity (model, "Novel", "Book"), "genre",
                                 GODWIT_ATTRIBUTE_TYPE_STRING);
      godwit_test_add_attribute (godwit_test_add_entity (model, "Archive", "Collection"), "year",
                                 GODWIT_ATTRIBUTE_TYPE_INTEGER_32);
    }
  godwit_test_resolve_model (model);

  return model;
}

/* Removed entities take their objects, and every link to them, along:
 * foreign keys become NULL, join rows go, and so do the owners of a
 * to-many without inverse; their history goes too. */
static void
test_entity_removed (void)
{
  g_autoptr(GodwitModel) source = new_catalogue_model (FALSE);
  g_autoptr(GodwitModel) destination = new_catalogue_model (TRUE);
  g_autoptr(GodwitLightweightMigration) migration = new_migration (source, destination);
  g_autoptr(GodwitStoreWriter) writer = NULL;
  g_autofree char *rows = NULL;
  const char * const kinds[] = { "Book", "Novel", "Book", "Novel" };
  const guint changes[] = { 1, 1, 2, 2, 4, 2, 5, 1, 6, 1 };
  gint64 collections[2];
  gint64 tags[2];
  GodwitTestStore store;
  sqlite3 *db;

  godwit_test_store_init (&store, "catalogue.sqlite");
  writer = begin_with_history (&store, source);
  collections[0] = godwit_test_insert (writer, "Collection", "name", g_variant_new_string ("kept"),
                                       NULL);
  collections[1] = godwit_test_insert (writer, "Archive", "name", g_variant_new_string ("old"),
                                       "year", g_variant_new_int64 (1999), NULL);
  tags[0] = godwit_test_insert (writer, "Tag", "label", g_variant_new_string ("red"), NULL);
  tags[1] = godwit_test_insert (writer, "Tag", "label", g_variant_new_string ("blue"), NULL);
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autofree char *title = g_strdup_printf ("%s %u", kinds[i], i + 1);
      gint64 book = godwit_test_insert (writer, kinds[i], "title", g_variant_new_string (title), NULL);
      gint64 review = godwit_test_insert (writer, "Review", "stars", g_variant_new_int64 (i + 1),
                                          NULL);

      godwit_test_relate (writer, "Review", review, "book", kinds[i], book);
      godwit_test_relate (writer, i < 2 ? "Collection" : "Archive", collections[i < 2 ? 0 : 1],
                          "books", kinds[i], book);
      godwit_test_relate (writer, kinds[i], book, "tags", "Tag", tags[i % 2]);
      if (i == 1)
        godwit_test_relate (writer, kinds[i], book, "tags", "Tag", tags[0]);
    }
  godwit_test_writer_commit (writer);

  db = run_on_history_store (migration, store.path, changes, G_N_ELEMENTS (changes) / 2);

  godwit_test_assert_query (db, "SELECT Z_PK, Z_ENT, ZTITLE, Z2BOOKS FROM ZBOOK ORDER BY Z_PK",
                            "1|1|Book 1|1\n3|1|Book 3|NULL");
  godwit_test_assert_query (db, "SELECT Z_PK, Z_ENT, ZNAME FROM ZCOLLECTION ORDER BY Z_PK", "1|2|kept");
  godwit_test_assert_query (db, "SELECT Z_PK, Z_ENT, ZSTARS, ZBOOK FROM ZREVIEW ORDER BY Z_PK",
                            "1|3|1|1\n2|3|2|NULL\n3|3|3|3\n4|3|4|NULL");
  godwit_test_assert_query (db, "SELECT Z_1BOOKS, Z_4TAGS FROM Z_1TAGS ORDER BY 1, 2", "1|1\n3|1");
  godwit_test_assert_query (db, PRIMARY_KEYS_QUERY,
                            "1 Book 0 4\n2 Collection 0 2\n3 Review 0 4\n4 Tag 0 2\n"
                            "16001 CHANGE 0 5\n16002 TRANSACTION 0 1\n16003 TRANSACTIONSTRING 0 0");
  godwit_test_assert_query (db, HISTORY_QUERY, "1 1 1 1\n4 3 1 1\n5 4 1 1");

  finish_migrated_store (db, &store, destination, TRUE);
}

/* ---- relationships ------------------------------------------------------ */

/* Book.tags ⇄ Tag.books, many-to-many, ordered on Tag's side; Tag has
 * the sub-entity Label. @variant 1: Book.tags is to-one; 2: Book.tags is
 * a to-many relationship without inverse. */
static GodwitModel *
new_tag_model (guint variant)
{
  g_autofree char *name = g_strdup_printf ("tags %u", variant);
  GodwitModel *model = godwit_model_new (name, GODWIT_MODEL_SOURCE_WRITER);
  GodwitEntity *book = godwit_test_add_entity (model, "Book", NULL);
  GodwitEntity *tag = godwit_test_add_entity (model, "Tag", NULL);

  godwit_test_add_entity (model, "Label", "Tag");
  godwit_test_add_attribute (book, "title", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_relationship (book, "tags", "Tag", variant == 2 ? NULL : "books", variant != 1,
                                FALSE);
  godwit_test_add_attribute (tag, "label", GODWIT_ATTRIBUTE_TYPE_STRING);
  if (variant != 2)
    godwit_test_add_relationship (tag, "books", "Book", "tags", TRUE, TRUE);
  godwit_test_resolve_model (model);

  return model;
}

/* Tag 1 and Label 2; books 1…4 tagged 1, 2, none and, with @shared, 1;
 * with @twice book 1 is also tagged 2. */
static void
write_tags (GodwitTestStore *store,
            GodwitModel     *model,
            gboolean         shared,
            gboolean         twice)
{
  g_autoptr(GodwitStoreWriter) writer = godwit_test_store_begin (store, model, FALSE);
  const gint64 tag_of[] = { 1, 2, 0, shared ? 1 : 0 };
  const char *kinds[] = { NULL, "Tag", "Label" };

  godwit_test_insert (writer, "Tag", "label", g_variant_new_string ("red"), NULL);
  godwit_test_insert (writer, "Label", "label", g_variant_new_string ("blue"), NULL);
  for (guint i = 0; i < G_N_ELEMENTS (tag_of); i++)
    {
      g_autofree char *title = g_strdup_printf ("Book %u", i + 1);
      gint64 book = godwit_test_insert (writer, "Book", "title", g_variant_new_string (title), NULL);

      if (tag_of[i] != 0)
        godwit_test_relate (writer, "Book", book, "tags", kinds[tag_of[i]], tag_of[i]);
    }
  if (twice)
    godwit_test_relate (writer, "Book", 1, "tags", "Label", 2);
  godwit_test_writer_commit (writer);
}

/* Runs @migration on a store from write_tags(), which must fail with
 * @problem for one object before changing anything. */
static void
assert_one_object_refused (GodwitLightweightMigration *migration,
                           GodwitModel                *source,
                           gboolean                    shared,
                           gboolean                    twice,
                           const char                 *problem)
{
  GodwitTestStore store;

  godwit_test_store_init (&store, "tags.sqlite");
  write_tags (&store, source, shared, twice);
  assert_run_refused (migration, store.path, problem);
  godwit_test_store_clear (&store);
}

/* A many-to-many becomes one-to-many: each book's only tag moves from
 * the join table into the book's row, with the tag's entity and the
 * book's position in the tag's ordered books; a book with two tags stops
 * the step before anything changes. As a to-many without inverse, each
 * tag keeps its one book in its own row. */
static void
test_to_many_becomes_to_one (void)
{
  g_autoptr(GodwitModel) source = new_tag_model (0);
  g_autoptr(GodwitModel) to_one = new_tag_model (1);
  g_autoptr(GodwitModel) without_inverse = new_tag_model (2);
  g_autoptr(GodwitLightweightMigration) migration = new_migration (source, to_one);
  g_autoptr(GodwitLightweightMigration) owned = new_migration (source, without_inverse);
  GodwitTestStore store;
  sqlite3 *db;

  godwit_test_store_init (&store, "tags.sqlite");
  write_tags (&store, source, TRUE, FALSE);
  db = run_on_store (migration, store.path);
  godwit_test_assert_query (db, "SELECT Z_PK, Z_OPT, ZTITLE, ZTAGS, Z2_TAGS, Z_FOK_TAGS FROM ZBOOK "
                                "ORDER BY Z_PK",
                            "1|1|Book 1|1|2|1\n2|1|Book 2|2|3|1\n3|1|Book 3|NULL|NULL|NULL\n"
                            "4|1|Book 4|1|2|2");
  finish_migrated_store (db, &store, to_one, FALSE);
  assert_one_object_refused (migration, source, FALSE, TRUE,
                             "Book.tags is to-one: 1 object is related to more than one Tag");

  godwit_test_store_init (&store, "tags.sqlite");
  write_tags (&store, source, FALSE, FALSE);
  db = run_on_store (owned, store.path);
  godwit_test_assert_query (db, "SELECT Z_PK, Z_ENT, ZLABEL, Z1TAGS FROM ZTAG ORDER BY Z_PK",
                            "1|2|red|1\n2|3|blue|2");
  finish_migrated_store (db, &store, without_inverse, FALSE);
  assert_one_object_refused (owned, source, TRUE, FALSE,
                             "Book.tags is a to-many relationship without inverse, which holds an "
                             "object for one Book only: 1 object is in the tags of more than one "
                             "Book");
}

/* One-to-many Shelf.books ⇄ Book.shelf becomes one-to-one: each shelf's
 * only book is written into the shelf's new foreign key. */
static void
test_one_to_many_becomes_one_to_one (void)
{
  g_autoptr(GodwitModel) source = new_shelf_model (0);
  g_autoptr(GodwitModel) destination = new_shelf_model (3);
  g_autoptr(GodwitLightweightMigration) migration = new_migration (source, destination);
  g_autoptr(GodwitStoreWriter) writer = NULL;
  GodwitTestStore store;
  sqlite3 *db;

  godwit_test_store_init (&store, "shelves.sqlite");
  writer = godwit_test_store_begin (&store, source, FALSE);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("Shelf %u", i + 1);

      godwit_test_insert (writer, "Shelf", "name", g_variant_new_string (name), NULL);
    }
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *title = g_strdup_printf ("Book %u", i + 1);
      gint64 book = godwit_test_insert (writer, "Book", "title", g_variant_new_string (title), NULL);

      if (i != 1)
        godwit_test_relate (writer, "Book", book, "shelf", "Shelf", 4 - book);
    }
  godwit_test_writer_commit (writer);

  db = run_on_store (migration, store.path);
  godwit_test_assert_query (db, "SELECT Z_PK, ZNAME, ZBOOKS FROM ZSHELF ORDER BY Z_PK",
                            "1|Shelf 1|3\n2|Shelf 2|NULL\n3|Shelf 3|1");
  godwit_test_assert_query (db, "SELECT Z_PK, ZTITLE, ZSHELF FROM ZBOOK ORDER BY Z_PK",
                            "1|Book 1|3\n2|Book 2|NULL\n3|Book 3|1");
  finish_migrated_store (db, &store, destination, FALSE);
}

/* Playlist.songs ⇄ Song.playlist (one-to-many) and Playlist.tags ⇄
 * Tag.playlists (many-to-many), both ordered on Playlist's side or not. */
static GodwitModel *
new_playlist_model (gboolean ordered)
{
  GodwitModel *model = godwit_model_new (ordered ? "ordered" : "unordered",
                                         GODWIT_MODEL_SOURCE_WRITER);
  GodwitEntity *playlist = godwit_test_add_entity (model, "Playlist", NULL);
  GodwitEntity *song = godwit_test_add_entity (model, "Song", NULL);
  GodwitEntity *tag = godwit_test_add_entity (model, "Tag", NULL);

  godwit_test_add_attribute (playlist, "name", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_relationship (playlist, "songs", "Song", "playlist", TRUE, ordered);
  godwit_test_add_relationship (playlist, "tags", "Tag", "playlists", TRUE, ordered);
  godwit_test_add_attribute (song, "title", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_relationship (song, "playlist", "Playlist", "songs", FALSE, FALSE);
  godwit_test_add_attribute (tag, "label", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_relationship (tag, "playlists", "Playlist", "tags", TRUE, FALSE);
  godwit_test_resolve_model (model);

  return model;
}

/* Two playlists; the first holds songs 3, 1, 2 and tags 2, 1 in that
 * order, the second song 4 and tag 1. */
static void
write_playlists (GodwitTestStore *store,
                 GodwitModel     *model)
{
  g_autoptr(GodwitStoreWriter) writer = godwit_test_store_begin (store, model, FALSE);
  const gint64 songs[] = { 3, 1, 2 };

  godwit_test_insert (writer, "Playlist", "name", g_variant_new_string ("mix"), NULL);
  godwit_test_insert (writer, "Playlist", "name", g_variant_new_string ("solo"), NULL);
  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *title = g_strdup_printf ("Song %u", i + 1);

      godwit_test_insert (writer, "Song", "title", g_variant_new_string (title), NULL);
    }
  godwit_test_insert (writer, "Tag", "label", g_variant_new_string ("calm"), NULL);
  godwit_test_insert (writer, "Tag", "label", g_variant_new_string ("loud"), NULL);
  for (guint i = 0; i < G_N_ELEMENTS (songs); i++)
    godwit_test_relate (writer, "Playlist", 1, "songs", "Song", songs[i]);
  godwit_test_relate (writer, "Playlist", 2, "songs", "Song", 4);
  godwit_test_relate (writer, "Playlist", 1, "tags", "Tag", 2);
  godwit_test_relate (writer, "Playlist", 1, "tags", "Tag", 1);
  godwit_test_relate (writer, "Playlist", 2, "tags", "Tag", 1);
  godwit_test_writer_commit (writer);
}

/* Ordered → unordered drops the Z_FOK_ columns and keeps the links;
 * unordered → ordered numbers them 1, 2, … in Z_PK order: an unordered
 * relationship has no order of its own, and Z_PK is creation order. */
static void
test_ordered_unordered (void)
{
  g_autoptr(GodwitModel) ordered = new_playlist_model (TRUE);
  g_autoptr(GodwitModel) unordered = new_playlist_model (FALSE);
  GodwitModel *steps[2][2] = { { ordered, unordered }, { unordered, ordered } };
  const char *expected_songs[2] = { "1|NULL|1\n2|NULL|1\n3|NULL|1\n4|NULL|2", "1|1|1\n2|2|1\n3|3|1\n4|1|2" };
  const char *expected_tags[2] = { "1|1\n1|2\n2|1", "1|1|1\n1|2|2\n2|1|1" };

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      g_autoptr(GodwitLightweightMigration) migration = new_migration (steps[i][0], steps[i][1]);
      GodwitTestStore store;
      sqlite3 *db;

      godwit_test_store_init (&store, "playlists.sqlite");
      write_playlists (&store, steps[i][0]);
      db = open_read_write (store.path);
      if (i == 0)
        godwit_test_assert_query (db, "SELECT Z_PK, Z_FOK_PLAYLIST FROM ZSONG ORDER BY Z_PK",
                                  "1|2\n2|3\n3|1\n4|1");
      g_assert_true (godwit_lightweight_migration_run (migration, db, NULL, NULL, NULL, NULL));

      godwit_test_assert_query (db, i == 0 ? "SELECT Z_PK, NULL, ZPLAYLIST FROM ZSONG ORDER BY Z_PK"
                                           : "SELECT Z_PK, Z_FOK_PLAYLIST, ZPLAYLIST FROM ZSONG "
                                             "ORDER BY Z_PK",
                                expected_songs[i]);
      godwit_test_assert_query (db, i == 0 ? "SELECT Z_1PLAYLISTS, Z_3TAGS FROM Z_1TAGS ORDER BY 1, 2"
                                           : "SELECT Z_1PLAYLISTS, Z_3TAGS, Z_FOK_3TAGS FROM Z_1TAGS "
                                             "ORDER BY 1, 2",
                                expected_tags[i]);

      finish_migrated_store (db, &store, steps[i][1], FALSE);
    }
}

/* Book.shelf ⇄ Shelf.books, Book.tags ⇄ Tag.books and Shelf.favourites
 * (to-many without inverse); @renamed: renamed through renaming
 * identifiers to place ⇄ items, labels ⇄ works and picks. */
static GodwitModel *
new_renamed_relationships_model (gboolean renamed)
{
  GodwitModel *model = godwit_model_new (renamed ? "renamed" : "named", GODWIT_MODEL_SOURCE_WRITER);
  GodwitEntity *book = godwit_test_add_entity (model, "Book", NULL);
  GodwitEntity *shelf = godwit_test_add_entity (model, "Shelf", NULL);
  GodwitEntity *tag = godwit_test_add_entity (model, "Tag", NULL);
  const char *names[][2] = {
    { "shelf", "place" }, { "books", "items" }, { "tags", "labels" }, { "books", "works" },
    { "favourites", "picks" },
  };
  GodwitProperty *relationships[G_N_ELEMENTS (names)];
  guint n = renamed ? 1 : 0;

  godwit_test_add_attribute (book, "title", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_attribute (shelf, "name", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_attribute (tag, "label", GODWIT_ATTRIBUTE_TYPE_STRING);
  relationships[0] = godwit_test_add_relationship (book, names[0][n], "Shelf", names[1][n], FALSE, FALSE);
  relationships[1] = godwit_test_add_relationship (shelf, names[1][n], "Book", names[0][n], TRUE, FALSE);
  relationships[2] = godwit_test_add_relationship (book, names[2][n], "Tag", names[3][n], TRUE, FALSE);
  relationships[3] = godwit_test_add_relationship (tag, names[3][n], "Book", names[2][n], TRUE, FALSE);
  relationships[4] = godwit_test_add_relationship (shelf, names[4][n], "Book", NULL, TRUE, FALSE);
  for (guint i = 0; renamed && i < G_N_ELEMENTS (names); i++)
    relationships[i]->renaming_identifier = g_strdup (names[i][0]);
  godwit_test_resolve_model (model);

  return model;
}

/* Renamed relationships keep their links: the foreign key column, the
 * join table and the owner column of a to-many without inverse are
 * renamed with them. */
static void
test_relationships_renamed (void)
{
  g_autoptr(GodwitModel) source = new_renamed_relationships_model (FALSE);
  g_autoptr(GodwitModel) destination = new_renamed_relationships_model (TRUE);
  g_autoptr(GodwitLightweightMigration) migration = new_migration (source, destination);
  g_autoptr(GodwitStoreWriter) writer = NULL;
  GodwitTestStore store;
  sqlite3 *db;

  godwit_test_store_init (&store, "renamed.sqlite");
  writer = godwit_test_store_begin (&store, source, FALSE);
  godwit_test_insert (writer, "Shelf", "name", g_variant_new_string ("left"), NULL);
  godwit_test_insert (writer, "Shelf", "name", g_variant_new_string ("right"), NULL);
  godwit_test_insert (writer, "Tag", "label", g_variant_new_string ("red"), NULL);
  godwit_test_insert (writer, "Tag", "label", g_variant_new_string ("blue"), NULL);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *title = g_strdup_printf ("Book %u", i + 1);
      gint64 book = godwit_test_insert (writer, "Book", "title", g_variant_new_string (title), NULL);

      godwit_test_relate (writer, "Book", book, "shelf", "Shelf", i == 1 ? 2 : 1);
      godwit_test_relate (writer, "Book", book, "tags", "Tag", i == 2 ? 2 : 1);
      godwit_test_relate (writer, "Shelf", i == 0 ? 2 : 1, "favourites", "Book", book);
    }
  godwit_test_writer_commit (writer);

  db = run_on_store (migration, store.path);
  godwit_test_assert_query (db, "SELECT Z_PK, ZTITLE, ZPLACE, Z2PICKS FROM ZBOOK ORDER BY Z_PK",
                            "1|Book 1|1|2\n2|Book 2|2|1\n3|Book 3|1|1");
  godwit_test_assert_query (db, "SELECT Z_1WORKS, Z_3LABELS FROM Z_1LABELS ORDER BY 1, 2", "1|1\n2|1\n3|2");
  finish_migrated_store (db, &store, destination, FALSE);
}

/* Post.tags, a to-many without inverse, and Tag.topic → Topic. @variant
 * 1: Post.tags gets the to-many inverse Tag.posts; 2: the to-one inverse
 * Tag.post; 3: Topic gets a sub-entity. */
static GodwitModel *
new_post_tags_model (guint variant)
{
  g_autofree char *name = g_strdup_printf ("post tags %u", variant);
  GodwitModel *model = godwit_model_new (name, GODWIT_MODEL_SOURCE_WRITER);
  GodwitEntity *post = godwit_test_add_entity (model, "Post", NULL);
  GodwitEntity *tag = godwit_test_add_entity (model, "Tag", NULL);
  GodwitEntity *topic = godwit_test_add_entity (model, "Topic", NULL);
  const char *inverse = variant == 1 ? "posts" : variant == 2 ? "post" : NULL;

  godwit_test_add_attribute (post, "title", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_relationship (post, "tags", "Tag", inverse, TRUE, FALSE);
  godwit_test_add_attribute (tag, "label", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_relationship (tag, "topic", "Topic", NULL, FALSE, FALSE);
  if (inverse != NULL)
    godwit_test_add_relationship (tag, inverse, "Post", "tags", variant == 1, FALSE);
  godwit_test_add_attribute (topic, "name", GODWIT_ATTRIBUTE_TYPE_STRING);
  if (variant == 3)
    godwit_test_add_entity (model, "Subtopic", "Topic");
  godwit_test_resolve_model (model);

  return model;
}

/* A to-many relationship without inverse keeps its owners in the tags'
 * own column: kept when the table is rebuilt, and moved into a join table
 * or a foreign key when the relationship gets an inverse. */
static void
test_to_many_without_inverse (void)
{
  g_autoptr(GodwitModel) source = new_post_tags_model (0);
  const char *expected_rows[] = {
    "SELECT Z_1POSTS, Z_2TAGS FROM Z_1TAGS ORDER BY 1, 2", "1|1\n1|2\n2|3",
    "SELECT Z_PK, ZLABEL, ZPOST FROM ZTAG ORDER BY Z_PK", "1|a|1\n2|b|1\n3|c|2\n4|d|NULL",
    "SELECT Z_PK, ZLABEL, Z1TAGS, ZTOPIC, Z3_TOPIC FROM ZTAG ORDER BY Z_PK",
    "1|a|1|1|3\n2|b|1|NULL|NULL\n3|c|2|1|3\n4|d|NULL|NULL|NULL",
  };

  for (guint variant = 1; variant <= 3; variant++)
    {
      g_autoptr(GodwitModel) destination = new_post_tags_model (variant);
      g_autoptr(GodwitLightweightMigration) migration = new_migration (source, destination);
      g_autoptr(GodwitStoreWriter) writer = NULL;
      const char *labels[] = { "a", "b", "c", "d" };
      const gint64 posts_of[] = { 1, 1, 2, 0 };
      GodwitTestStore store;
      sqlite3 *db;

      godwit_test_store_init (&store, "posts.sqlite");
      writer = godwit_test_store_begin (&store, source, FALSE);
      godwit_test_insert (writer, "Post", "title", g_variant_new_string ("first"), NULL);
      godwit_test_insert (writer, "Post", "title", g_variant_new_string ("second"), NULL);
      godwit_test_insert (writer, "Topic", "name", g_variant_new_string ("news"), NULL);
      for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
        {
          gint64 tag = godwit_test_insert (writer, "Tag", "label", g_variant_new_string (labels[i]),
                                           NULL);

          if (posts_of[i] != 0)
            godwit_test_relate (writer, "Post", posts_of[i], "tags", "Tag", tag);
          if (i % 2 == 0)
            godwit_test_relate (writer, "Tag", tag, "topic", "Topic", 1);
        }
      godwit_test_writer_commit (writer);

      db = run_on_store (migration, store.path);
      godwit_test_assert_query (db, expected_rows[2 * (variant - 1)], expected_rows[2 * (variant - 1) + 1]);
      finish_migrated_store (db, &store, destination, FALSE);
    }
}

/* Post {title, rating}; @required: both non-optional, with the default
 * values “untitled” and 5. */
static GodwitModel *
new_rating_model (gboolean required)
{
  GodwitModel *model = godwit_model_new (required ? "required" : "optional",
                                         GODWIT_MODEL_SOURCE_WRITER);
  GodwitEntity *post = godwit_test_add_entity (model, "Post", NULL);
  GodwitProperty *title = godwit_test_add_attribute (post, "title", GODWIT_ATTRIBUTE_TYPE_STRING);
  GodwitProperty *rating = godwit_test_add_attribute (post, "rating",
                                                      GODWIT_ATTRIBUTE_TYPE_INTEGER_16);

  if (required)
    {
      title->optional = FALSE;
      title->default_value = g_strdup ("untitled");
      rating->optional = FALSE;
      rating->default_value = g_strdup ("5");
    }
  godwit_test_resolve_model (model);

  return model;
}

/* Optional → non-optional with a default value fills the missing values
 * with the default and leaves the others; back to optional changes no
 * value. */
static void
test_becomes_required_with_default (void)
{
  g_autoptr(GodwitModel) optional = new_rating_model (FALSE);
  g_autoptr(GodwitModel) required = new_rating_model (TRUE);
  g_autoptr(GodwitLightweightMigration) forward = new_migration (optional, required);
  g_autoptr(GodwitLightweightMigration) back = new_migration (required, optional);
  g_autoptr(GodwitStoreWriter) writer = NULL;
  g_autofree char *rows = NULL;
  GodwitTestStore store;
  sqlite3 *db;

  godwit_test_store_init (&store, "ratings.sqlite");
  writer = godwit_test_store_begin (&store, optional, FALSE);
  godwit_test_insert (writer, "Post", "title", g_variant_new_string ("A"),
                      "rating", g_variant_new_int64 (3), NULL);
  godwit_test_insert (writer, "Post", "title", NULL, "rating", NULL, NULL);
  godwit_test_insert (writer, "Post", "rating", g_variant_new_int64 (0), NULL);
  godwit_test_writer_commit (writer);

  db = run_on_store (forward, store.path);
  rows = godwit_test_query (db, "SELECT Z_PK, Z_OPT, ZTITLE, ZRATING FROM ZPOST ORDER BY Z_PK");
  g_assert_cmpstr (rows, ==, "1|1|A|3\n2|1|untitled|5\n3|1|untitled|0");
  assert_metadata_matches (db, required);

  g_assert_true (godwit_lightweight_migration_run (back, db, NULL, NULL, NULL, NULL));
  godwit_test_assert_query (db, "SELECT Z_PK, Z_OPT, ZTITLE, ZRATING FROM ZPOST ORDER BY Z_PK", rows);
  assert_metadata_matches (db, optional);
  sqlite3_close (db);
  godwit_test_store_clear (&store);
}

static int
trace_statement (unsigned int  type,
                 void         *user_data,
                 void         *statement,
                 void         *sql)
{
  g_string_append_printf (user_data, "%s;\n", (const char *) sql);
  return 0;
}

/* A failing statement in the middle rolls everything back. */
static void
test_rollback (void)
{
  g_autoptr(GodwitModel) source = new_library_model (FALSE);
  g_autoptr(GodwitModel) destination = new_library_model (TRUE);
  g_autoptr(GodwitLightweightMigration) migration = new_migration (source, destination);
  g_autoptr(GString) trace = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *schema = NULL;
  g_autofree char *schema_after = NULL;
  GodwitTestStore store;
  sqlite3 *db;

  godwit_test_store_init (&store, "library.sqlite");
  write_library (&store, source);
  db = open_read_write (store.path);
  /* Z_METADATA without its row: the metadata step fails late. */
  g_assert_cmpint (sqlite3_exec (db, "DELETE FROM Z_METADATA", NULL, NULL, NULL), ==, SQLITE_OK);
  schema = godwit_test_describe_schema (db);
  sqlite3_trace_v2 (db, SQLITE_TRACE_STMT, trace_statement, trace);
  g_assert_false (godwit_lightweight_migration_run (migration, db, NULL, NULL, NULL, &error));
  sqlite3_trace_v2 (db, 0, NULL, NULL);
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_NOT_CORE_DATA_STORE);
  schema_after = godwit_test_describe_schema (db);
  g_assert_cmpstr (schema_after, ==, schema);
  /* The tables had changed when it failed. */
  g_assert_nonnull (strstr (trace->str, "ALTER TABLE Z_1TAGS RENAME TO Z_2TAGS;"));
  g_assert_nonnull (strstr (trace->str, "CREATE TABLE ZAUTHOR "));
  sqlite3_close (db);
  godwit_test_store_clear (&store);
}

/* ---- work that does not grow with the store ---------------------------- */

/* Changes to the press model, from its first version. */
typedef enum
{
  PRESS_SUBTITLE  = 1 << 0,  /* Book.subtitle added, optional */
  PRESS_LABEL     = 1 << 1,  /* Tag.name renamed label (its fetch index follows) */
  PRESS_PUBLISHER = 1 << 2,  /* Publisher added: it sorts before Tag (4 → 5) */
  PRESS_POET      = 1 << 3,  /* Poet added under Author: it sorts before Writer (2 → 3) */
  PRESS_NO_TITLE  = 1 << 4,  /* Book.title removed */
} PressChanges;

#define PRESS_INDEXES "SELECT name || ' ' || rootpage FROM sqlite_master WHERE type = 'index' ORDER BY name"
#define PRESS_INDEX_SQL "SELECT name || ': ' || sql FROM sqlite_master WHERE type = 'index' AND sql NOT NULL ORDER BY name"
#define PRESS_SCHEMA "SELECT type || ' ' || name || ' ' || tbl_name || ': ' || IFNULL(sql, '-') FROM sqlite_master ORDER BY name"

/* Author {name} and its sub-entity Writer {penName}; Book {title} with
 * author ⇄ Author.books and tags ⇄ Tag.books, many-to-many; Tag {name},
 * with the fetch index byName. Numbered Author 1, Writer 2, Book 3, Tag 4:
 * the store has the indexes ZAUTHOR_Z_ENT_INDEX, ZBOOK_ZAUTHOR_INDEX,
 * Z_3TAGS_Z_4TAGS_INDEX and Z_Tag_byName. */
static GodwitModel *
new_press_model (PressChanges changes)
{
  g_autofree char *name = g_strdup_printf ("press %u", changes);
  GodwitModel *model = godwit_model_new (name, GODWIT_MODEL_SOURCE_WRITER);
  GodwitEntity *author = godwit_test_add_entity (model, "Author", NULL);
  GodwitEntity *writer = godwit_test_add_entity (model, "Writer", "Author");
  GodwitEntity *book = godwit_test_add_entity (model, "Book", NULL);
  GodwitEntity *tag = godwit_test_add_entity (model, "Tag", NULL);
  const char *tag_name = (changes & PRESS_LABEL) ? "label" : "name";
  GodwitProperty *property;
  GodwitFetchIndex *by_name = godwit_fetch_index_new ("byName");

  godwit_test_add_attribute (author, "name", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_relationship (author, "books", "Book", "author", TRUE, FALSE);
  godwit_test_add_attribute (writer, "penName", GODWIT_ATTRIBUTE_TYPE_STRING);
  if (!(changes & PRESS_NO_TITLE))
    godwit_test_add_attribute (book, "title", GODWIT_ATTRIBUTE_TYPE_STRING);
  if (changes & PRESS_SUBTITLE)
    godwit_test_add_attribute (book, "subtitle", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_relationship (book, "author", "Author", "books", FALSE, FALSE);
  godwit_test_add_relationship (book, "tags", "Tag", "books", TRUE, FALSE);
  property = godwit_test_add_attribute (tag, tag_name, GODWIT_ATTRIBUTE_TYPE_STRING);
  if (changes & PRESS_LABEL)
    property->renaming_identifier = g_strdup ("name");
  godwit_fetch_index_add_element (by_name, tag_name, "Binary", TRUE);
  g_ptr_array_add (tag->fetch_indexes, by_name);
  godwit_test_add_relationship (tag, "books", "Book", "tags", TRUE, FALSE);
  if (changes & PRESS_PUBLISHER)
    godwit_test_add_attribute (godwit_test_add_entity (model, "Publisher", NULL), "name",
                               GODWIT_ATTRIBUTE_TYPE_STRING);
  if (changes & PRESS_POET)
    godwit_test_add_attribute (godwit_test_add_entity (model, "Poet", "Author"), "metre",
                               GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_resolve_model (model);

  return model;
}

/* Two authors and two writers, five books by them (one without author),
 * three tags; with @history, the tables of persistent history. */
static void
write_press (GodwitTestStore *store,
             GodwitModel     *model,
             gboolean         history)
{
  g_autoptr(GodwitStoreWriter) writer = history ? begin_with_history (store, model)
                                                : godwit_test_store_begin (store, model, FALSE);
  const char *entities[] = { "Author", "Writer", "Writer", "Author" };
  gint64 authors[G_N_ELEMENTS (entities)];
  gint64 tags[3];

  for (guint i = 0; i < G_N_ELEMENTS (entities); i++)
    {
      g_autofree char *name = g_strdup_printf ("%s %u", entities[i], i);

      authors[i] = godwit_test_insert (writer, entities[i], "name", g_variant_new_string (name),
                                       NULL);
    }
  for (guint i = 0; i < G_N_ELEMENTS (tags); i++)
    {
      g_autofree char *name = g_strdup_printf ("tag %u", i);

      tags[i] = godwit_test_insert (writer, "Tag", "name", g_variant_new_string (name), NULL);
    }
  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *title = g_strdup_printf ("Book %u", i);
      gint64 book = godwit_test_insert (writer, "Book", "title", g_variant_new_string (title),
                                        NULL);

      if (i < G_N_ELEMENTS (entities))
        godwit_test_relate (writer, "Book", book, "author", entities[i], authors[i]);
      godwit_test_relate (writer, "Book", book, "tags", "Tag", tags[i % 3]);
      if (i % 2 == 0)
        godwit_test_relate (writer, "Book", book, "tags", "Tag", tags[(i + 1) % 3]);
    }
  godwit_test_writer_commit (writer);
}

/* The rows of sqlite_master @sql lists in an empty store of @model, as
 * the store writer lays it out. */
static char *
query_fresh_store (GodwitModel *model,
                   const char  *sql)
{
  g_autoptr(GodwitStoreWriter) writer = NULL;
  GodwitTestStore store;
  sqlite3 *db;
  char *rows;

  godwit_test_store_init (&store, "fresh.sqlite");
  writer = godwit_test_store_begin (&store, model, FALSE);
  godwit_test_writer_commit (writer);
  db = godwit_test_open_read_only (store.path, TRUE);
  rows = godwit_test_query (db, sql);
  sqlite3_close (db);
  godwit_test_store_clear (&store);

  return rows;
}

/* No statement of @migration builds or drops an index but as a fallback
 * for stores whose index is not the model's. */
static void
assert_indexes_untouched (GodwitLightweightMigration *migration)
{
  g_autoptr(GPtrArray) sql = godwit_lightweight_migration_dup_sql (migration);

  for (guint i = 0; i < sql->len; i++)
    {
      const char *statement = g_ptr_array_index (sql, i);

      g_assert_false (g_str_has_prefix (statement, "CREATE INDEX"));
      g_assert_false (g_str_has_prefix (statement, "DROP INDEX"));
    }
}

/* Adding an optional attribute, then renaming one that an index uses,
 * leaves every index where it is (same root page): they are what the
 * destination wants, SQL and all. */
static void
test_indexes_kept (void)
{
  g_autoptr(GodwitModel) first = new_press_model (0);
  g_autoptr(GodwitModel) second = new_press_model (PRESS_SUBTITLE);
  g_autoptr(GodwitModel) third = new_press_model (PRESS_SUBTITLE | PRESS_LABEL);
  g_autoptr(GodwitLightweightMigration) add = new_migration (first, second);
  g_autoptr(GodwitLightweightMigration) rename = new_migration (second, third);
  g_autofree char *rename_sql = dump_sql (rename);
  g_autofree char *indexes = NULL;
  g_autofree char *rows = NULL;
  g_autofree char *second_index_sql = query_fresh_store (second, PRESS_INDEX_SQL);
  g_autofree char *third_index_sql = query_fresh_store (third, PRESS_INDEX_SQL);
  GodwitTestStore store;
  sqlite3 *db;

  assert_indexes_untouched (add);
  assert_indexes_untouched (rename);
  g_assert_nonnull (strstr (rename_sql, "ALTER TABLE ZTAG RENAME COLUMN ZNAME TO ZLABEL"));
  g_assert_nonnull (strstr (third_index_sql, "Z_Tag_byName: CREATE INDEX Z_Tag_byName ON ZTAG "
                                             "(ZLABEL COLLATE BINARY ASC)"));

  godwit_test_store_init (&store, "press.sqlite");
  write_press (&store, first, FALSE);
  db = open_read_write (store.path);
  indexes = godwit_test_query (db, PRESS_INDEXES);
  rows = godwit_test_query (db, "SELECT Z_PK || ' ' || Z_ENT || ' ' || ZTITLE || ' ' || "
                                "IFNULL(ZAUTHOR, '-') || ' ' || IFNULL(Z1_AUTHOR, '-') "
                                "FROM ZBOOK ORDER BY Z_PK");

  migrate (first, second, db);
  godwit_test_assert_query (db, PRESS_INDEXES, indexes);
  godwit_test_assert_query (db, PRESS_INDEX_SQL, second_index_sql);
  godwit_test_assert_layout (db, second, FALSE);

  migrate (second, third, db);
  godwit_test_assert_query (db, PRESS_INDEXES, indexes);
  godwit_test_assert_query (db, PRESS_INDEX_SQL, third_index_sql);
  godwit_test_assert_query (db, "SELECT Z_PK || ' ' || Z_ENT || ' ' || ZTITLE || ' ' || "
                                "IFNULL(ZAUTHOR, '-') || ' ' || IFNULL(Z1_AUTHOR, '-') "
                                "FROM ZBOOK ORDER BY Z_PK", rows);
  godwit_test_assert_query (db, "SELECT ZLABEL FROM ZTAG INDEXED BY Z_Tag_byName "
                                "WHERE ZLABEL > 'tag 0'", "tag 1\ntag 2");
  godwit_test_assert_query (db, "PRAGMA integrity_check", "ok");
  finish_migrated_store (db, &store, third, FALSE);
}

/* A store whose index is not the model's, or lacks it, gets the
 * destination's, as if no index were kept; the others stay. */
static void
test_indexes_rebuilt_where_they_differ (void)
{
  g_autoptr(GodwitModel) first = new_press_model (0);
  g_autoptr(GodwitModel) untitled = new_press_model (PRESS_NO_TITLE);
  g_autoptr(GodwitLightweightMigration) migration = new_migration (first, untitled);
  g_autofree char *index_sql = query_fresh_store (untitled, PRESS_INDEX_SQL);
  g_autofree char *join_index = NULL;
  GodwitTestStore store;
  sqlite3 *db;

  godwit_test_store_init (&store, "press.sqlite");
  write_press (&store, first, FALSE);
  db = open_read_write (store.path);
  /* DROP COLUMN ZTITLE would refuse this one if it were kept. */
  execute (db, "DROP INDEX ZBOOK_ZAUTHOR_INDEX; "
               "CREATE INDEX ZBOOK_ZAUTHOR_INDEX ON ZBOOK (ZAUTHOR, ZTITLE); "
               "DROP INDEX ZAUTHOR_Z_ENT_INDEX");
  join_index = godwit_test_query (db, "SELECT rootpage FROM sqlite_master WHERE name = 'Z_3TAGS_Z_4TAGS_INDEX'");

  migrate (first, untitled, db);
  godwit_test_assert_query (db, PRESS_INDEX_SQL, index_sql);
  godwit_test_assert_query (db, "SELECT rootpage FROM sqlite_master WHERE name = 'Z_3TAGS_Z_4TAGS_INDEX'",
                            join_index);
  godwit_test_assert_query (db, "PRAGMA integrity_check", "ok");
  finish_migrated_store (db, &store, untitled, FALSE);
}

static const char * const press_roots[] = { "Author", "Book", "Tag", NULL };

/* Publisher sorts before Tag: Tag's number goes from 4 to 5, which renames
 * a column of the join table Z_3TAGS. The step renames it in place and
 * touches no other table; the store's schema is then, to the SQL text,
 * that of a store written for the new version. */
static void
test_join_table_renamed (void)
{
  g_autoptr(GodwitModel) first = new_press_model (0);
  g_autoptr(GodwitModel) published = new_press_model (PRESS_PUBLISHER);
  g_autoptr(GodwitLightweightMigration) migration = new_migration (first, published);
  g_autofree char *sql = dump_sql (migration);
  g_autofree char *schema = query_fresh_store (published, PRESS_SCHEMA);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *pairs = NULL;
  g_autofree char *join_table = NULL;
  g_autofree char *kept_index = NULL;
  GodwitTestStore store;
  sqlite3 *db;

  g_assert_nonnull (strstr (sql, "ALTER TABLE Z_3TAGS RENAME COLUMN Z_4TAGS TO Z_5TAGS"));
  g_assert_nonnull (strstr (sql, "UPDATE ZTAG SET Z_ENT = 5 WHERE Z_ENT = 4"));
  g_assert_null (strstr (sql, "_GODWIT_NEW"));
  g_assert_null (strstr (sql, "UPDATE ZAUTHOR"));
  g_assert_null (strstr (sql, "UPDATE ZBOOK"));

  godwit_test_store_init (&store, "press.sqlite");
  write_press (&store, first, FALSE);
  before = dump_objects (store.path, first, press_roots, NULL, NULL);
  db = open_read_write (store.path);
  pairs = godwit_test_query (db, "SELECT Z_3BOOKS || ' ' || Z_4TAGS FROM Z_3TAGS ORDER BY 1");
  join_table = godwit_test_query (db, "SELECT rootpage FROM sqlite_master WHERE name = 'Z_3TAGS'");
  kept_index = godwit_test_query (db, "SELECT rootpage FROM sqlite_master WHERE name = 'ZBOOK_ZAUTHOR_INDEX'");

  migrate (first, published, db);
  godwit_test_assert_query (db, PRESS_SCHEMA, schema);
  godwit_test_assert_query (db, "SELECT Z_3BOOKS || ' ' || Z_5TAGS FROM Z_3TAGS ORDER BY 1", pairs);
  godwit_test_assert_query (db, "SELECT rootpage FROM sqlite_master WHERE name = 'Z_3TAGS'", join_table);
  godwit_test_assert_query (db, "SELECT rootpage FROM sqlite_master WHERE name = 'ZBOOK_ZAUTHOR_INDEX'",
                            kept_index);
  godwit_test_assert_query (db, "SELECT DISTINCT Z_ENT FROM ZTAG", "5");
  godwit_test_assert_query (db, PRIMARY_KEYS_QUERY,
                            "1 Author 0 4\n2 Writer 1 0\n3 Book 0 5\n4 Publisher 0 0\n5 Tag 0 3");
  godwit_test_assert_query (db, "PRAGMA integrity_check", "ok");
  assert_metadata_matches (db, published);
  sqlite3_close (db);

  after = dump_objects (store.path, published, press_roots, NULL, NULL);
  g_assert_cmpstr (after, ==, before);
  godwit_test_store_clear (&store);
}

/* Poet sorts before Writer, Publisher before Tag: Author keeps 1, Writer
 * goes 2 → 3, Book 3 → 4, Tag 4 → 6. Only the rows holding a number that
 * changes are renumbered, and every object stays of its entity, every
 * link pointing at the same objects. */
static void
test_entity_numbers_shift (void)
{
  g_autoptr(GodwitModel) first = new_press_model (0);
  g_autoptr(GodwitModel) shifted = new_press_model (PRESS_PUBLISHER | PRESS_POET);
  g_autoptr(GodwitLightweightMigration) migration = new_migration (first, shifted);
  g_autofree char *sql = dump_sql (migration);
  const guint changes[] = { 1, 1, 2, 2, 3, 5, 4, 1 };
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  GodwitTestStore store;
  sqlite3 *db;

  g_assert_nonnull (strstr (sql, "UPDATE ZAUTHOR SET Z_ENT = 3 WHERE Z_ENT = 2"));
  g_assert_nonnull (strstr (sql, "UPDATE ZBOOK SET Z_ENT = 4 WHERE Z_ENT = 3"));
  g_assert_nonnull (strstr (sql, "UPDATE ZBOOK SET Z1_AUTHOR = 3 WHERE Z1_AUTHOR = 2"));
  g_assert_nonnull (strstr (sql, "UPDATE ZTAG SET Z_ENT = 6 WHERE Z_ENT = 4"));
  g_assert_nonnull (strstr (sql, "ALTER TABLE Z_3TAGS RENAME TO Z_4TAGS"));
  g_assert_null (strstr (sql, "_GODWIT_NEW"));

  godwit_test_store_init (&store, "press.sqlite");
  write_press (&store, first, TRUE);
  before = dump_objects (store.path, first, press_roots, NULL, NULL);
  db = run_on_history_store (migration, store.path, changes, G_N_ELEMENTS (changes) / 2);
  godwit_test_assert_query (db, "SELECT Z_PK || ' ' || Z_ENT || ' ' || ZNAME FROM ZAUTHOR ORDER BY Z_PK",
                            "1 1 Author 0\n2 3 Writer 1\n3 3 Writer 2\n4 1 Author 3");
  godwit_test_assert_query (db, "SELECT Z_PK || ' ' || Z_ENT || ' ' || IFNULL(ZAUTHOR, '-') || ' ' || "
                                "IFNULL(Z1_AUTHOR, '-') FROM ZBOOK ORDER BY Z_PK",
                            "1 4 1 1\n2 4 2 3\n3 4 3 3\n4 4 4 1\n5 4 - -");
  godwit_test_assert_query (db, "SELECT DISTINCT Z_ENT FROM ZTAG", "6");
  godwit_test_assert_query (db, "SELECT sql FROM sqlite_master WHERE name = 'Z_4TAGS'",
                            "CREATE TABLE \"Z_4TAGS\" ( Z_4BOOKS INTEGER, Z_6TAGS INTEGER, "
                            "PRIMARY KEY (Z_4BOOKS, Z_6TAGS) )");
  godwit_test_assert_query (db, HISTORY_QUERY, "1 1 1 1\n2 3 2 1\n3 4 5 1\n4 6 1 1");
  godwit_test_assert_query (db, PRIMARY_KEYS_QUERY,
                            "1 Author 0 4\n2 Poet 1 0\n3 Writer 1 0\n4 Book 0 5\n"
                            "5 Publisher 0 0\n6 Tag 0 3\n16001 CHANGE 0 4\n16002 TRANSACTION 0 1\n"
                            "16003 TRANSACTIONSTRING 0 0");
  godwit_test_assert_query (db, "PRAGMA integrity_check", "ok");
  godwit_test_assert_layout (db, shifted, TRUE);
  assert_metadata_matches (db, shifted);
  sqlite3_close (db);

  after = dump_objects (store.path, shifted, press_roots, NULL, NULL);
  g_assert_cmpstr (after, ==, before);
  godwit_test_store_clear (&store);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/lightweight-migration/wibosco-1-to-2", test_wibosco_1_to_2);
  g_test_add_func ("/lightweight-migration/wibosco-3-to-4", test_wibosco_3_to_4);
  g_test_add_func ("/lightweight-migration/bergier-steps", test_bergier_steps);
  g_test_add_func ("/lightweight-migration/entity-added-first", test_entity_added_first);
  g_test_add_func ("/lightweight-migration/entity-renamed", test_entity_renamed);
  g_test_add_func ("/lightweight-migration/needs-value", test_needs_value);
  g_test_add_func ("/lightweight-migration/not-inferable", test_not_inferable);
  g_test_add_func ("/lightweight-migration/cancelled", test_cancelled);
  g_test_add_func ("/lightweight-migration/rollback", test_rollback);
  g_test_add_func ("/lightweight-migration/indexes-kept", test_indexes_kept);
  g_test_add_func ("/lightweight-migration/indexes-rebuilt-where-they-differ",
                   test_indexes_rebuilt_where_they_differ);
  g_test_add_func ("/lightweight-migration/join-table-renamed", test_join_table_renamed);
  g_test_add_func ("/lightweight-migration/entity-numbers-shift", test_entity_numbers_shift);
  g_test_add_func ("/lightweight-migration/to-one-becomes-to-many", test_to_one_becomes_to_many);
  g_test_add_func ("/lightweight-migration/destination-gets-subentity",
                   test_destination_gets_subentity);
  g_test_add_func ("/lightweight-migration/entity-moved-out", test_entity_moved_out);
  g_test_add_func ("/lightweight-migration/parent-added", test_parent_added);
  g_test_add_func ("/lightweight-migration/parent-removed", test_parent_removed);
  g_test_add_func ("/lightweight-migration/hierarchies-merged", test_hierarchies_merged);
  g_test_add_func ("/lightweight-migration/entity-removed", test_entity_removed);
  g_test_add_func ("/lightweight-migration/to-many-becomes-to-one", test_to_many_becomes_to_one);
  g_test_add_func ("/lightweight-migration/one-to-many-becomes-one-to-one",
                   test_one_to_many_becomes_one_to_one);
  g_test_add_func ("/lightweight-migration/ordered-unordered", test_ordered_unordered);
  g_test_add_func ("/lightweight-migration/relationships-renamed", test_relationships_renamed);
  g_test_add_func ("/lightweight-migration/to-many-without-inverse", test_to_many_without_inverse);
  g_test_add_func ("/lightweight-migration/becomes-required-with-default",
                   test_becomes_required_with_default);

  return g_test_run ();
}
