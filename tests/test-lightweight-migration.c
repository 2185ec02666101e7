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

static GodwitLightweightMigration *
new_migration (GodwitModel *source,
               GodwitModel *destination)
{
  g_autoptr(GError) error = NULL;
  GodwitLightweightMigration *migration;

  migration = godwit_lightweight_migration_new (source, destination, &error);
  g_assert_no_error (error);
  g_assert_nonnull (migration);

  return migration;
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

static char *
dump_sql (GodwitLightweightMigration *migration)
{
  g_autoptr(GPtrArray) sql = godwit_lightweight_migration_dup_sql (migration);

  g_ptr_array_add (sql, NULL);
  return g_strjoinv (";\n", (char **) sql->pdata);
}

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
  g_autofree char *schema = NULL;
  g_autofree char *expected = NULL;
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

    g_test_message ("wibosco 1 → 2:\n%s", sql);
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

  schema = godwit_test_describe_schema (db);
  expected = godwit_test_describe_layout (destination);
  g_assert_cmpstr (schema, ==, expected);
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

static void
test_wibosco_3_to_4 (void)
{
  g_autoptr(GodwitModelBundle) bundle = godwit_test_load_bundle (GODWIT_TEST_WIBOSCO_BUNDLE);
  g_autofree char *fixture = g_strdup_printf (WIBOSCO_STORE, 3u);
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *sections_before = NULL;
  g_autofree char *sections_after = NULL;
  g_autofree char *schema = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(GodwitLightweightMigration) migration = NULL;
  GodwitModel *source, *destination;
  sqlite3 *db;

  if (bundle == NULL)
    return;
  source = godwit_test_find_version (bundle, godwit_test_wibosco_versions[2]);
  destination = godwit_test_find_version (bundle, godwit_test_wibosco_versions[3]);
  migration = new_migration (source, destination);
  sql = dump_sql (migration);
  g_test_message ("wibosco 3 → 4:\n%s", sql);
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
  sections_after = godwit_test_query (db, "SELECT Z_PK || '|' || Z_OPT || '|' || ZINDEX || '|' || ZPOST || '|' "
                                          "|| ZBODY || '|' || ZTITLE FROM ZSECTION ORDER BY Z_PK");
  g_assert_cmpstr (sections_after, ==, sections_before);
  g_assert_cmpint (godwit_test_query_int (db, "SELECT Z_MAX FROM Z_PRIMARYKEY WHERE Z_NAME = 'Section'"),
                   ==, 14);
  assert_metadata_matches (db, destination);
  schema = godwit_test_describe_schema (db);
  expected = godwit_test_describe_layout (destination);
  g_assert_cmpstr (schema, ==, expected);

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
      g_autofree char *schema = NULL;
      g_autofree char *expected = NULL;
      sqlite3 *db;
      sqlite3 *real;

      g_assert_cmpint (g_mkdir (step_dir, 0700), ==, 0);
      path = copy_fixture (from_fixture, step_dir);
      db = open_read_write (path);
      migrate (godwit_test_find_version (bundle, versions[i]),
               godwit_test_find_version (bundle, versions[i + 1]), db);
      real = godwit_test_open_read_only (to_path, TRUE);
      schema = godwit_test_describe_schema (db);
      expected = godwit_test_describe_schema (real);
      g_assert_cmpstr (schema, ==, expected);
      assert_metadata_matches (db, godwit_test_find_version (bundle, versions[i + 1]));
      sqlite3_close (real);
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

/* Every object of the store read with @model, minus @skip_attribute. */
static char *
dump_objects (const char  *path,
              GodwitModel *model,
              const char  *skip_attribute)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GodwitStore) store = godwit_store_open (path, NULL, &error);
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  const char * const roots[] = { "Book", "Shelf", "Tag" };

  g_assert_no_error (error);
  g_assert_true (godwit_store_set_model (store, model, &error));
  g_assert_no_error (error);

  for (guint r = 0; r < G_N_ELEMENTS (roots); r++)
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
          if (json_object_has_member (object->relationships, "author"))
            {
              g_assert_true (json_object_get_null_member (object->relationships, "author"));
              json_object_remove_member (object->relationships, "author");
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

static void
test_entity_added_first (void)
{
  g_autoptr(GodwitModel) source = new_library_model (FALSE);
  g_autoptr(GodwitModel) destination = new_library_model (TRUE);
  g_autoptr(GodwitLightweightMigration) migration = new_migration (source, destination);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *schema = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *primary_keys = NULL;
  g_autofree char *sql = dump_sql (migration);
  GodwitTestStore store;
  sqlite3 *db;

  g_test_message ("library 1 → 2:\n%s", sql);
  godwit_test_store_init (&store, "library.sqlite");
  write_library (&store, source);
  before = dump_objects (store.path, source, "pages");

  db = open_read_write (store.path);
  g_assert_true (godwit_lightweight_migration_run (migration, db, NULL, NULL, NULL, NULL));
  primary_keys = godwit_test_query (db, "SELECT Z_ENT || ' ' || Z_NAME || ' ' || Z_SUPER || ' ' || Z_MAX "
                                        "FROM Z_PRIMARYKEY ORDER BY Z_ENT");
  g_assert_cmpstr (primary_keys, ==, "1 Author 0 0\n2 Book 0 6\n3 Novel 2 0\n4 Shelf 0 1\n5 Tag 0 2");
  g_assert_cmpint (godwit_test_query_int (db, "SELECT COUNT(*) FROM ZBOOK WHERE Z_ENT = 3"), ==, 3);
  g_assert_cmpint (godwit_test_query_int (db, "SELECT COUNT(*) FROM Z_2TAGS"), ==, 6);
  schema = godwit_test_describe_schema (db);
  expected = godwit_test_describe_layout (destination);
  g_assert_cmpstr (schema, ==, expected);
  assert_metadata_matches (db, destination);
  sqlite3_close (db);

  /* Pages was removed: everything else reads the same, URIs included. */
  after = dump_objects (store.path, destination, NULL);
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
  g_autofree char *rows = NULL;
  g_autofree char *primary_key = NULL;
  g_autofree char *schema = NULL;
  g_autofree char *expected = NULL;
  GodwitTestStore store;
  sqlite3 *db;

  godwit_test_store_init (&store, "posts.sqlite");
  write_posts (&store, source, 2);
  db = open_read_write (store.path);
  g_assert_true (godwit_lightweight_migration_run (migration, db, NULL, NULL, NULL, NULL));
  rows = godwit_test_query (db, "SELECT Z_PK || ' ' || Z_ENT || ' ' || IFNULL(ZTITLE, '-') || ' ' || ZRATING "
                                "FROM ZARTICLE ORDER BY Z_PK");
  g_assert_cmpstr (rows, ==, "1 1 Hello 3\n2 1 - 0\n3 1 - 1");
  primary_key = godwit_test_query (db, "SELECT Z_NAME || ' ' || Z_MAX FROM Z_PRIMARYKEY");
  g_assert_cmpstr (primary_key, ==, "Article 3");
  schema = godwit_test_describe_schema (db);
  expected = godwit_test_describe_layout (destination);
  g_assert_cmpstr (schema, ==, expected);
  sqlite3_close (db);
  godwit_test_store_clear (&store);
}

static void
test_needs_value (void)
{
  g_autoptr(GodwitModel) source = new_renamed_model ("Post", NULL, TRUE);
  g_autoptr(GodwitModel) destination = new_renamed_model ("Post", NULL, FALSE);
  g_autoptr(GodwitLightweightMigration) migration = new_migration (source, destination);
  g_autoptr(GError) error = NULL;
  g_autofree char *checksum = NULL;
  g_autofree char *checksum_after = NULL;
  g_autofree char *message = NULL;
  GodwitTestStore store;
  sqlite3 *db;

  godwit_test_store_init (&store, "posts.sqlite");
  write_posts (&store, source, 12);
  checksum = godwit_test_file_checksum (store.path);
  db = open_read_write (store.path);
  g_assert_false (godwit_lightweight_migration_run (migration, db, NULL, NULL, NULL, &error));
  message = g_strdup_printf ("%s: Post.title becomes non-optional without a default value: "
                             "12 objects have no title", sqlite3_db_filename (db, "main"));
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL);
  g_assert_cmpstr (error->message, ==, message);
  g_assert_true (sqlite3_get_autocommit (db));
  sqlite3_close (db);
  checksum_after = godwit_test_file_checksum (store.path);
  g_assert_cmpstr (checksum_after, ==, checksum);

  /* Without objects lacking a title, the same step runs. */
  g_clear_error (&error);
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
 * @variant 2: Shelf gets a sub-entity Wall. */
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
  godwit_test_add_relationship (shelf, "books", "Book", "shelf", TRUE, FALSE);
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
  g_autofree char *pairs = NULL;
  g_autofree char *schema = NULL;
  g_autofree char *expected = NULL;
  GodwitTestStore store;
  sqlite3 *db;

  godwit_test_store_init (&store, "shelves.sqlite");
  write_shelves (&store, one);
  db = open_read_write (store.path);
  g_assert_true (godwit_lightweight_migration_run (migration, db, NULL, NULL, NULL, NULL));
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
  schema = godwit_test_describe_schema (db);
  expected = godwit_test_describe_layout (many);
  g_assert_cmpstr (schema, ==, expected);
  sqlite3_close (db);
  godwit_test_store_clear (&store);
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
  g_autofree char *rows = NULL;
  g_autofree char *schema = NULL;
  g_autofree char *expected = NULL;
  GodwitTestStore store;
  sqlite3 *db;

  g_test_message ("shelves 0 → 2:\n%s", sql);
  g_assert_nonnull (strstr (sql, "ZBOOK_GODWIT_NEW"));
  godwit_test_store_init (&store, "shelves.sqlite");
  write_shelves (&store, plain);
  db = open_read_write (store.path);
  g_assert_true (godwit_lightweight_migration_run (migration, db, count_progress, progress, NULL,
                                                   NULL));
  g_assert_cmpstr (progress->str, ==, "Book 0/5;Book 5/5;");
  rows = godwit_test_query (db, "SELECT Z_PK || ' ' || Z_OPT || ' ' || ZTITLE || ' ' || IFNULL(ZSHELF, '-') "
                                "|| ' ' || IFNULL(Z2_SHELF, '-') FROM ZBOOK ORDER BY Z_PK");
  g_assert_cmpstr (rows, ==, "1 1 Book 0 1 2\n2 1 Book 1 2 2\n3 1 Book 2 1 2\n4 1 Book 3 2 2\n"
                             "5 1 Book 4 - -");
  schema = godwit_test_describe_schema (db);
  expected = godwit_test_describe_layout (walls);
  g_assert_cmpstr (schema, ==, expected);
  sqlite3_close (db);
  godwit_test_store_clear (&store);
}

/* A failing statement in the middle rolls everything back. */
static void
test_rollback (void)
{
  g_autoptr(GodwitModel) source = new_library_model (FALSE);
  g_autoptr(GodwitModel) destination = new_library_model (TRUE);
  g_autoptr(GodwitLightweightMigration) migration = new_migration (source, destination);
  g_autoptr(GString) progress = g_string_new (NULL);
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
  g_assert_false (godwit_lightweight_migration_run (migration, db, count_progress, progress, NULL,
                                                    &error));
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_NOT_CORE_DATA_STORE);
  schema_after = godwit_test_describe_schema (db);
  g_assert_cmpstr (schema_after, ==, schema);
  g_assert_nonnull (strstr (progress->str, "Book 6/6;"));
  sqlite3_close (db);
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
  g_test_add_func ("/lightweight-migration/to-one-becomes-to-many", test_to_one_becomes_to_many);
  g_test_add_func ("/lightweight-migration/destination-gets-subentity",
                   test_destination_gets_subentity);

  return g_test_run ();
}
