/* test-custom-migration.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "godwit-custom-migration.h"
#include "godwit-error.h"
#include "godwit-mapping-stage.h"
#include "godwit-model-bundle.h"
#include "godwit-store.h"
#include "godwit-version-match.h"
#include "godwit-test-model.h"
#include "godwit-test-store.h"
#include "godwit-test-utils.h"

#define WIBOSCO_BUNDLE  "wibosco-revised/CoreDataMigration_Example.xcdatamodeld"
#define WIBOSCO_STORE_2 "wibosco-revised/stores/CoreDataMigration_Example_2.sqlite"
#define WIBOSCO_MAPPING "wibosco-revised/Migration2to3ModelMapping.xcmappingmodel"
#define WIBOSCO_2       "CoreDataMigration_Example 2"
#define WIBOSCO_3       "CoreDataMigration_Example 3"

static GodwitMigrationPlan *
load_plan (const char        *name,
           GodwitModelBundle *bundle)
{
  g_autoptr(GError) error = NULL;
  GodwitMigrationPlan *plan = godwit_test_load_plan (name);

  g_assert_true (godwit_migration_plan_validate (plan, bundle, &error));
  g_assert_no_error (error);

  return plan;
}

static GodwitCustomMigration *
new_migration (GodwitModelBundle   *bundle,
               GodwitMigrationPlan *plan,
               const char          *from,
               const char          *to)
{
  const GodwitMigrationStage *stage = godwit_migration_plan_find_stage (plan, from, to);
  g_autoptr(GError) error = NULL;
  GodwitCustomMigration *migration;

  g_assert_nonnull (stage);
  migration = godwit_custom_migration_new (godwit_model_bundle_find_version (bundle, from),
                                           godwit_model_bundle_find_version (bundle, to),
                                           stage, &error);
  g_assert_no_error (error);
  g_assert_nonnull (migration);

  return migration;
}

static char *
dump_sql (GodwitCustomMigration *migration)
{
  g_autoptr(GPtrArray) sql = godwit_custom_migration_dup_sql (migration);

  g_ptr_array_add (sql, NULL);
  return g_strjoinv (";\n", (char **) sql->pdata);
}

/* The store matches exactly @expected of @bundle by its version hashes. */
static void
assert_store_version (const char        *path,
                      GodwitModelBundle *bundle,
                      const char        *expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GodwitStore) store = godwit_store_open (path, NULL, &error);
  g_autoptr(GodwitVersionMatch) match = NULL;
  GodwitModel *matched;

  g_assert_no_error (error);
  match = godwit_version_match_new (godwit_store_get_version_hashes (store), NULL, bundle);
  matched = godwit_version_match_get_matched_version (match);
  g_assert_nonnull (matched);
  g_assert_cmpstr (godwit_model_get_version_name (matched), ==, expected);
}

typedef struct
{
  GPtrArray *calls;
} Progress;

static void
record_progress (const char *entity,
                 gint64      done,
                 gint64      total,
                 gpointer    user_data)
{
  Progress *progress = user_data;

  g_ptr_array_add (progress->calls, g_strdup_printf ("%s %" G_GINT64_FORMAT "/%" G_GINT64_FORMAT,
                                                     entity, done, total));
}

/* ---- wibosco 2 → 3 ------------------------------------------------------ */

static void
test_wibosco_2_to_3 (void)
{
  g_autofree char *fixture = godwit_test_fixture_path (WIBOSCO_STORE_2);
  g_autofree char *bundle_path = NULL;
  g_autoptr(GodwitModelBundle) bundle = NULL;
  g_autoptr(GodwitMigrationPlan) plan = NULL;
  g_autoptr(GodwitCustomMigration) migration = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) calls = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *dir = NULL;
  g_autofree char *source_path = NULL;
  g_autofree char *destination_path = NULL;
  g_autofree char *posts_before = NULL;
  g_autofree char *uuid_before = NULL;
  g_autofree char *sql = NULL;
  Progress progress = { calls };
  GodwitModel *v3;
  plist_t metadata_before, metadata_after;
  gint64 n_posts;
  sqlite3 *db;

  if (fixture == NULL)
    return;
  bundle_path = godwit_test_fixture_path (WIBOSCO_BUNDLE);
  bundle = godwit_model_bundle_new_for_path (bundle_path, &error);
  g_assert_no_error (error);
  plan = load_plan ("wibosco.godwit-plan.json", bundle);
  migration = new_migration (bundle, plan, WIBOSCO_2, WIBOSCO_3);
  v3 = godwit_model_bundle_find_version (bundle, WIBOSCO_3);

  sql = dump_sql (migration);
  g_test_message ("wibosco 2 → 3:\n%s", sql);
  g_assert_nonnull (strstr (sql, "INSERT INTO main.\"ZSECTION\""));
  g_assert_nonnull (strstr (sql, "substr(content, 1, 4) || '...'"));

  dir = godwit_test_make_tmpdir ();
  source_path = g_build_filename (dir, "source.sqlite", NULL);
  destination_path = g_build_filename (dir, "migrated.sqlite", NULL);
  godwit_test_copy_store (fixture, source_path);

  db = godwit_test_open_read_only (source_path, FALSE);
  posts_before = godwit_test_query (db, "SELECT Z_PK || '|' || Z_OPT || '|' || ZDATE || '|' || ZHEXCOLOR || '|' || "
                                        "ZPOSTID FROM ZPOST ORDER BY Z_PK");
  uuid_before = godwit_test_query (db, "SELECT Z_UUID FROM Z_METADATA");
  metadata_before = godwit_test_read_metadata (db);
  n_posts = godwit_test_query_int (db, "SELECT COUNT(*) FROM ZPOST");
  sqlite3_close (db);
  g_assert_cmpint (n_posts, >, 0);

  g_assert_true (godwit_custom_migration_run (migration, source_path, destination_path,
                                              record_progress, &progress, NULL, &error));
  g_assert_no_error (error);

  assert_store_version (destination_path, bundle, WIBOSCO_3);

  db = godwit_test_open_read_only (destination_path, FALSE);
  godwit_test_assert_layout (db, v3, FALSE);

  godwit_test_assert_query (db, "SELECT Z_UUID FROM Z_METADATA", uuid_before);
  metadata_after = godwit_test_read_metadata (db);
  /* Every key but the version keys is kept, the framework version too. */
  {
    plist_dict_iter iter = NULL;
    char *key = NULL;
    plist_t value = NULL;

    plist_dict_new_iter (metadata_before, &iter);
    for (plist_dict_next_item (metadata_before, iter, &key, &value); key != NULL;
         plist_dict_next_item (metadata_before, iter, &key, &value))
      {
        if (!g_str_has_prefix (key, "NSStoreModelVersion"))
          {
            plist_t kept = plist_dict_get_item (metadata_after, key);

            g_assert_nonnull (kept);
            g_assert_true (plist_compare_node_value (kept, value));
          }
        free (key);
        key = NULL;
      }
    free (iter);
  }
  plist_free (metadata_before);
  plist_free (metadata_after);

  /* Posts keep Z_PK, Z_OPT and values. */
  godwit_test_assert_query (db, "SELECT Z_PK || '|' || Z_OPT || '|' || ZDATE || '|' || ZHEXCOLOR || '|' || "
                                "ZPOSTID FROM ZPOST ORDER BY Z_PK",
                            posts_before);

  /* Each Post has exactly one Section made from its content. */
  g_assert_cmpint (godwit_test_query_int (db, "SELECT COUNT(*) FROM ZSECTION"), ==, n_posts);
  g_assert_cmpint (godwit_test_query_int (db, "SELECT COUNT(*) FROM ZPOST p WHERE "
                                              "(SELECT COUNT(*) FROM ZSECTION s WHERE s.ZPOST = p.Z_PK) != 1"),
                   ==, 0);
  sqlite3_close (db);

  {
    g_autofree char *uri = NULL;
    sqlite3 *pair;
    char *attach;

    g_assert_cmpint (sqlite3_open_v2 (destination_path, &pair, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
    attach = sqlite3_mprintf ("ATTACH DATABASE %Q AS old", source_path);
    g_assert_cmpint (sqlite3_exec (pair, attach, NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_free (attach);
    g_assert_cmpint (godwit_test_query_int (pair, "SELECT COUNT(*) FROM ZSECTION s JOIN old.ZPOST p "
                                                  "ON s.ZPOST = p.Z_PK WHERE s.ZTITLE IS substr(p.ZCONTENT, 1, 4) || '...' "
                                                  "AND s.ZBODY IS p.ZCONTENT AND s.ZINDEX = 0 AND s.Z_ENT = "
                                                  "(SELECT Z_ENT FROM Z_PRIMARYKEY WHERE Z_NAME = 'Section') "
                                                  "AND s.Z_OPT = 1"), ==, n_posts);
    g_assert_cmpint (godwit_test_query_int (pair, "SELECT Z_MAX FROM Z_PRIMARYKEY WHERE Z_NAME = 'Section'"),
                     ==, godwit_test_query_int (pair, "SELECT MAX(Z_PK) FROM ZSECTION"));
    g_assert_cmpint (godwit_test_query_int (pair, "SELECT Z_MAX FROM Z_PRIMARYKEY WHERE Z_NAME = 'Post'"),
                     ==, godwit_test_query_int (pair, "SELECT MAX(Z_PK) FROM ZPOST"));
    sqlite3_close (pair);
  }

  /* The store reader sees Section.post and its inverse Post.sections. */
  {
    g_autoptr(GodwitStore) store = godwit_store_open (destination_path, NULL, &error);
    g_autoptr(GPtrArray) sections = NULL;
    g_autoptr(GPtrArray) posts = NULL;

    g_assert_no_error (error);
    g_assert_true (godwit_store_set_model (store, v3, &error));
    g_assert_no_error (error);
    sections = godwit_store_fetch_objects (store, "Section", TRUE, 0, 1000, NULL, &error);
    g_assert_no_error (error);
    posts = godwit_store_fetch_objects (store, "Post", TRUE, 0, 1000, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (sections->len, ==, (guint) n_posts);
    g_assert_cmpuint (posts->len, ==, (guint) n_posts);
    for (guint i = 0; i < posts->len; i++)
      {
        GodwitObject *post = g_ptr_array_index (posts, i);
        JsonArray *linked = json_object_get_array_member (post->relationships, "sections");
        const char *section_uri;
        gboolean found = FALSE;

        g_assert_cmpuint (json_array_get_length (linked), ==, 1);
        section_uri = json_array_get_string_element (linked, 0);
        for (guint j = 0; j < sections->len; j++)
          {
            GodwitObject *section = g_ptr_array_index (sections, j);

            if (g_strcmp0 (section->uri, section_uri) != 0)
              continue;
            found = TRUE;
            g_assert_cmpstr (json_object_get_string_member (section->relationships, "post"), ==, post->uri);
            g_assert_cmpint (json_object_get_int_member (section->attributes, "index"), ==, 0);
            g_assert_true (g_str_has_suffix (json_object_get_string_member (section->attributes, "title"),
                                             "..."));
          }
        g_assert_true (found);
      }
  }

  /* Progress per mapping: PostToPost first (it keeps Z_PKs), then PostToSection. */
  g_assert_cmpuint (calls->len, ==, 4);
  {
    g_autofree char *expected = g_strdup_printf ("PostToPost %" G_GINT64_FORMAT "/%" G_GINT64_FORMAT, n_posts, n_posts);

    g_assert_cmpstr (g_ptr_array_index (calls, 1), ==, expected);
  }
  g_assert_true (g_str_has_prefix (g_ptr_array_index (calls, 3), "PostToSection "));

  godwit_test_rmdir (dir);
}

/* ---- Garden 2 → 3 ------------------------------------------------------- */

/* A Garden 2 store: plants and trees with notes, blank notes and none. */
static void
write_garden_store (GodwitModelBundle *bundle,
                    GodwitTestStore   *store,
                    gboolean           history)
{
  g_autoptr(GodwitStoreWriter) writer = NULL;

  godwit_test_store_init (store, "Garden.sqlite");
  writer = godwit_test_writer_new (godwit_model_bundle_find_version (bundle, "Garden 2"), store->path);
  godwit_store_writer_set_persistent_history (writer, history);
  godwit_test_writer_begin (writer);
  store->uuid = g_strdup (godwit_store_writer_get_uuid (writer));
  godwit_test_write_garden (writer, "Garden 2", TRUE);
  godwit_test_writer_commit (writer);

  /* One transaction: the tomato (Plant, Z_ENT 3) and the oak (Tree, 4) inserted. */
  if (history)
    {
      static const char * const rows[] = {
        "INSERT INTO ATRANSACTIONSTRING (Z_PK, Z_ENT, Z_OPT, ZNAME) VALUES (1, 16003, 1, 'app')",
        "INSERT INTO ATRANSACTION (Z_PK, Z_ENT, Z_OPT, ZAUTHORTS, ZTIMESTAMP) "
        "VALUES (1, 16002, 1, 1, 700000000.5)",
        "INSERT INTO ACHANGE (Z_PK, Z_ENT, Z_OPT, ZCHANGETYPE, ZENTITY, ZENTITYPK, ZTRANSACTIONID) "
        "VALUES (1, 16001, 1, 0, 3, 1, 1), (2, 16001, 1, 0, 4, 4, 1)",
        "UPDATE Z_PRIMARYKEY SET Z_MAX = 2 WHERE Z_ENT = 16001",
        "UPDATE Z_PRIMARYKEY SET Z_MAX = 1 WHERE Z_ENT IN (16002, 16003)",
      };

      for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
        godwit_test_execute_sql (store->path, rows[i], NULL);
    }
}

#define PLANTS_SQL \
  "SELECT Z_PK || '|' || (SELECT Z_NAME FROM Z_PRIMARYKEY k WHERE k.Z_ENT = p.Z_ENT) || '|' || " \
  "Z_OPT || '|' || ZCOMMONNAME || '|' || IFNULL(ZBED, '-') || '|' || IFNULL(ZHEIGHT, '-') " \
  "FROM ZPLANT p ORDER BY Z_PK"

static void
test_garden_2_to_3 (void)
{
  g_autoptr(GodwitModelBundle) bundle = godwit_test_load_garden ();
  g_autoptr(GodwitMigrationPlan) plan = load_plan ("garden.godwit-plan.json", bundle);
  g_autoptr(GodwitCustomMigration) migration = new_migration (bundle, plan, "Garden 2", "Garden 3");
  g_autoptr(GError) error = NULL;
  g_autofree char *destination_path = NULL;
  g_autofree char *plants_before = NULL;
  g_autofree char *plants_after = NULL;
  g_autofree char *gardeners_before = NULL;
  g_autofree char *gardeners_after = NULL;
  g_autofree char *uuid = NULL;
  GodwitModel *v3 = godwit_model_bundle_find_version (bundle, "Garden 3");
  GodwitTestStore store;
  sqlite3 *db;

  write_garden_store (bundle, &store, FALSE);
  destination_path = g_build_filename (store.dir, "Garden 3.sqlite", NULL);

  db = godwit_test_open_read_only (store.path, FALSE);
  plants_before = godwit_test_query (db, PLANTS_SQL);
  gardeners_before = godwit_test_query_sorted (db, "SELECT p.ZCOMMONNAME || '-' || g.ZNAME FROM "
                                               "Z_2PLANTS j JOIN ZPLANT p ON p.Z_PK = j.Z_3PLANTS "
                                               "JOIN ZGARDENER g ON g.Z_PK = j.Z_2GARDENERS");
  sqlite3_close (db);

  g_assert_true (godwit_custom_migration_run (migration, store.path, destination_path, NULL, NULL,
                                              NULL, &error));
  g_assert_no_error (error);
  assert_store_version (destination_path, bundle, "Garden 3");

  db = godwit_test_open_read_only (destination_path, FALSE);
  godwit_test_assert_layout (db, v3, FALSE);
  godwit_test_assert_query (db, "SELECT Z_UUID FROM Z_METADATA", store.uuid);

  /* Plants and trees keep Z_PK, entity, Z_OPT, values and bed. */
  plants_after = godwit_test_query (db, PLANTS_SQL);
  g_assert_cmpstr (plants_after, ==,
                   "1|Plant|1|Tomato|1|-\n2|Plant|1|Basil|1|-\n3|Plant|1|Mint|-|-\n"
                   "4|Tree|1|Oak|-|12.5\n5|Tree|1|Birch|-|0.0");
  g_assert_cmpstr (plants_after, ==, plants_before);
  gardeners_after = godwit_test_query_sorted (db, "SELECT p.ZCOMMONNAME || '-' || g.ZNAME FROM "
                                              "Z_2PLANTS j JOIN ZPLANT p ON p.Z_PK = j.Z_4PLANTS "
                                              "JOIN ZGARDENER g ON g.Z_PK = j.Z_2GARDENERS");
  g_assert_cmpstr (gardeners_after, ==, gardeners_before);

  /* Notes: trimmed text, written = planted, linked with entity and order. */
  godwit_test_assert_query (db, "SELECT n.ZTEXT || '|' || printf('%g', n.ZWRITTEN) || '|' || p.ZCOMMONNAME || '|' || "
                                "(SELECT Z_NAME FROM Z_PRIMARYKEY k WHERE k.Z_ENT = n.Z4_PLANT) || '|' || "
                                "n.Z_FOK_PLANT || '|' || n.Z_OPT FROM ZNOTE n JOIN ZPLANT p ON p.Z_PK = n.ZPLANT "
                                "ORDER BY n.Z_PK",
                            "water daily|100|Tomato|Plant|1|1\nold tree|300|Oak|Tree|1|1");
  g_assert_cmpint (godwit_test_query_int (db, "SELECT COUNT(*) FROM ZNOTE"), ==, 2);
  g_assert_cmpint (godwit_test_query_int (db, "SELECT Z_MAX FROM Z_PRIMARYKEY WHERE Z_NAME = 'Note'"), ==, 2);
  sqlite3_close (db);

  /* The store reader sees the journals. */
  {
    g_autoptr(GodwitStore) migrated = godwit_store_open (destination_path, NULL, &error);
    g_autoptr(GPtrArray) plants = NULL;

    g_assert_no_error (error);
    g_assert_true (godwit_store_set_model (migrated, v3, &error));
    g_assert_no_error (error);
    plants = godwit_store_fetch_objects (migrated, "Plant", TRUE, 0, 100, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (plants->len, ==, 5);
    for (guint i = 0; i < plants->len; i++)
      {
        GodwitObject *plant = g_ptr_array_index (plants, i);
        JsonArray *journal = json_object_get_array_member (plant->relationships, "journal");
        gboolean has_note = plant->pk == 1 || plant->pk == 4;

        g_assert_cmpuint (json_array_get_length (journal), ==, has_note ? 1 : 0);
        if (has_note)
          g_assert_true (g_str_has_suffix (json_array_get_string_element (journal, 0),
                                           plant->pk == 1 ? "/Note/p1" : "/Note/p2"));
      }
  }

  godwit_test_store_clear (&store);
}

/* ---- failures ----------------------------------------------------------- */

#define GARDEN_FAILING_PLAN \
  "{\"godwit-migration-plan\": 1, \"stages\": [{\"kind\": \"custom\", \"from\": \"Garden 2\", " \
  "\"to\": \"Garden 3\", \"entity-mappings\": [{\"name\": \"PlantToNote\", \"source\": \"Plant\", " \
  "\"destination\": \"Note\", \"filter\": \"notes IS NOT NULL\", " \
  "\"attributes\": {\"text\": \"json_extract(notes, '$.text')\"}}]}]}"

static void
test_runtime_error (void)
{
  g_autoptr(GodwitModelBundle) bundle = godwit_test_load_garden ();
  g_autoptr(GodwitMigrationPlan) plan = NULL;
  g_autoptr(GodwitCustomMigration) migration = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *destination_path = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  GodwitTestStore store;

  plan = godwit_migration_plan_new_for_data (GARDEN_FAILING_PLAN, strlen (GARDEN_FAILING_PLAN),
                                             "failing.godwit-plan.json", &error);
  g_assert_no_error (error);
  /* Valid SQL: it only fails on the notes that are not JSON. */
  g_assert_true (godwit_migration_plan_validate (plan, bundle, &error));
  g_assert_no_error (error);
  migration = new_migration (bundle, plan, "Garden 2", "Garden 3");

  write_garden_store (bundle, &store, FALSE);
  destination_path = g_build_filename (store.dir, "Garden 3.sqlite", NULL);
  before = godwit_test_list_directory (store.dir);
  g_assert_false (godwit_custom_migration_run (migration, store.path, destination_path, NULL, NULL,
                                               NULL, &error));
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, destination_path));
  g_assert_nonnull (strstr (error->message, ": stages[0].entity-mappings[0] (PlantToNote): "));
  g_assert_nonnull (strstr (error->message, "JSON"));
  after = godwit_test_list_directory (store.dir);
  g_assert_cmpstr (after, ==, before);
  g_assert_false (g_file_test (destination_path, G_FILE_TEST_EXISTS));

  godwit_test_store_clear (&store);
}

static void
cancel_on_progress (const char *entity,
                    gint64      done,
                    gint64      total,
                    gpointer    user_data)
{
  g_cancellable_cancel (user_data);
}

static void
test_cancelled (void)
{
  g_autoptr(GodwitModelBundle) bundle = godwit_test_load_garden ();
  g_autoptr(GodwitMigrationPlan) plan = load_plan ("garden.godwit-plan.json", bundle);
  g_autoptr(GodwitCustomMigration) migration = new_migration (bundle, plan, "Garden 2", "Garden 3");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *destination_path = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  GodwitTestStore store;

  write_garden_store (bundle, &store, FALSE);
  destination_path = g_build_filename (store.dir, "Garden 3.sqlite", NULL);
  before = godwit_test_list_directory (store.dir);

  /* Cancelled half-way, when the first mapping starts. */
  g_assert_false (godwit_custom_migration_run (migration, store.path, destination_path,
                                               cancel_on_progress, cancellable, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  after = godwit_test_list_directory (store.dir);
  g_assert_cmpstr (after, ==, before);
  g_clear_error (&error);

  /* Cancelled before it starts: nothing is touched. */
  g_assert_false (godwit_custom_migration_run (migration, store.path, destination_path, NULL, NULL,
                                               cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (g_file_test (destination_path, G_FILE_TEST_EXISTS));

  godwit_test_store_clear (&store);
}

static void
test_lightweight_stage_refused (void)
{
  g_autoptr(GodwitModelBundle) bundle = godwit_test_load_garden ();
  g_autoptr(GodwitMigrationPlan) plan = load_plan ("garden.godwit-plan.json", bundle);
  const GodwitMigrationStage *stage = godwit_migration_plan_find_stage (plan, "Garden", "Garden 2");
  g_autoptr(GError) error = NULL;
  g_autoptr(GodwitCustomMigration) migration = NULL;

  g_assert_nonnull (stage);
  migration = godwit_custom_migration_new (godwit_model_bundle_find_version (bundle, "Garden"),
                                           godwit_model_bundle_find_version (bundle, "Garden 2"),
                                           stage, &error);
  g_assert_null (migration);
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL);
  g_assert_nonnull (strstr (error->message, "stages[0]: not a custom stage"));
}

/* Persistent history is copied, its entity numbers renumbered (Plant and
 * Tree move from 3 and 4 to 4 and 5: Note comes before them). */
static void
test_garden_history (void)
{
  g_autoptr(GodwitModelBundle) bundle = godwit_test_load_garden ();
  g_autoptr(GodwitMigrationPlan) plan = load_plan ("garden.godwit-plan.json", bundle);
  g_autoptr(GodwitCustomMigration) migration = new_migration (bundle, plan, "Garden 2", "Garden 3");
  g_autoptr(GError) error = NULL;
  g_autofree char *destination_path = NULL;
  GodwitTestStore store;
  sqlite3 *db;

  write_garden_store (bundle, &store, TRUE);
  destination_path = g_build_filename (store.dir, "Garden 3.sqlite", NULL);
  g_assert_true (godwit_custom_migration_run (migration, store.path, destination_path, NULL, NULL,
                                              NULL, &error));
  g_assert_no_error (error);

  db = godwit_test_open_read_only (destination_path, FALSE);
  godwit_test_assert_query (db, "SELECT Z_PK, ZCHANGETYPE, ZENTITY, ZENTITYPK, ZTRANSACTIONID "
                                "FROM ACHANGE ORDER BY Z_PK",
                            "1|0|4|1|1\n2|0|5|4|1");
  godwit_test_assert_query (db, "SELECT t.Z_PK, t.ZTIMESTAMP, s.ZNAME FROM ATRANSACTION t, "
                                "ATRANSACTIONSTRING s",
                            "1|700000000.5|app");
  g_assert_cmpint (godwit_test_query_int (db, "SELECT Z_MAX FROM Z_PRIMARYKEY WHERE Z_ENT = 16001"), ==, 2);
  g_assert_cmpint (godwit_test_query_int (db, "SELECT Z_MAX FROM Z_PRIMARYKEY WHERE Z_ENT = 16003"), ==, 1);
  sqlite3_close (db);

  godwit_test_store_clear (&store);
}

/* The store writer starts from another store's metadata and UUID. */
static void
test_writer_metadata (void)
{
  g_autoptr(GodwitModelBundle) bundle = godwit_test_load_garden ();
  GodwitModel *model = godwit_model_bundle_find_version (bundle, "Garden 3");
  g_autoptr(GodwitStoreWriter) writer = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) not_plist = g_bytes_new_static ("nope", 4);
  g_autofree char *dir = godwit_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "new.sqlite", NULL);
  plist_t base = plist_new_dict ();
  plist_t metadata;
  plist_t hashes;
  char *binary = NULL;
  uint32_t length = 0;
  uint64_t version = 0;
  char *text = NULL;
  sqlite3 *db;

  plist_dict_set_item (base, "NSPersistenceFrameworkVersion", plist_new_uint (866));
  plist_dict_set_item (base, "AppKey", plist_new_string ("kept"));
  plist_dict_set_item (base, "NSStoreModelVersionHashes", plist_new_dict ());
  plist_to_bin (base, &binary, &length);
  bytes = g_bytes_new (binary, length);
  plist_to_bin_free (binary);
  plist_free (base);

  writer = godwit_test_writer_new (model, path);
  g_assert_false (godwit_store_writer_set_metadata (writer, not_plist, &error));
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_PLIST);
  g_assert_nonnull (strstr (error->message, path));
  g_clear_error (&error);
  g_assert_true (godwit_store_writer_set_metadata (writer, bytes, &error));
  g_assert_no_error (error);
  godwit_store_writer_set_uuid (writer, "0A1B2C3D-0000-4000-8000-000000000001");
  g_assert_cmpstr (godwit_store_writer_get_uuid (writer), ==, "0A1B2C3D-0000-4000-8000-000000000001");
  godwit_test_writer_begin (writer);
  godwit_test_writer_commit (writer);

  db = godwit_test_open_read_only (path, FALSE);
  godwit_test_assert_query (db, "SELECT Z_UUID FROM Z_METADATA", "0A1B2C3D-0000-4000-8000-000000000001");
  metadata = godwit_test_read_metadata (db);
  sqlite3_close (db);
  plist_get_uint_val (plist_dict_get_item (metadata, "NSPersistenceFrameworkVersion"), &version);
  g_assert_cmpuint (version, ==, 866);
  plist_get_string_val (plist_dict_get_item (metadata, "AppKey"), &text);
  g_assert_cmpstr (text, ==, "kept");
  free (text);
  hashes = plist_dict_get_item (metadata, "NSStoreModelVersionHashes");
  g_assert_cmpuint (plist_dict_get_size (hashes), ==, godwit_model_get_entities (model)->len);
  /* Framework 866 had neither digest nor checksum. */
  g_assert_null (plist_dict_get_item (metadata, "NSStoreModelVersionHashesDigest"));
  g_assert_null (plist_dict_get_item (metadata, "NSStoreModelVersionChecksumKey"));
  plist_free (metadata);
  godwit_test_rmdir (dir);
}

/* ---- Xcode mapping models ----------------------------------------------- */

/* wibosco's 2 → 3 mapping model fills Sections in Swift: it cannot run. */
static void
test_wibosco_mapping_model (void)
{
  g_autofree char *path = godwit_test_fixture_path (WIBOSCO_MAPPING);
  g_autofree char *bundle_path = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(GodwitModelBundle) bundle = NULL;
  g_autoptr(GodwitMappingModel) mapping_model = NULL;
  g_autoptr(GodwitMigrationStage) stage = NULL;
  g_autoptr(GError) error = NULL;

  if (path == NULL)
    return;
  bundle_path = godwit_test_fixture_path (WIBOSCO_BUNDLE);
  bundle = godwit_model_bundle_new_for_path (bundle_path, &error);
  g_assert_no_error (error);
  mapping_model = godwit_mapping_model_new_for_path (path, &error);
  g_assert_no_error (error);

  stage = godwit_mapping_stage_new (mapping_model, godwit_model_bundle_find_version (bundle, WIBOSCO_2),
                                    godwit_model_bundle_find_version (bundle, WIBOSCO_3), &error);
  g_assert_null (stage);
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL);
  expected = g_strdup_printf ("%s: PostToPost: needs the migration policy class "
                              "“CoreDataMigration_Example.Post2ToPost3MigrationPolicy”, which only runs on "
                              "Apple platforms: give this step as a custom stage in a migration plan", path);
  g_assert_cmpstr (error->message, ==, expected);
}

/* ---- relationships the store keeps in other rows ------------------------ */

typedef void (*WriteFunc) (GodwitStoreWriter *writer);

/* @stage (taken) run from a store of @source written by @write into a new
 * store of @destination; returns the new store's path in @store's folder. */
static char *
run_stage (GodwitModel          *source,
           GodwitModel          *destination,
           GodwitMigrationStage *stage,
           WriteFunc             write,
           GodwitTestStore      *store)
{
  g_autoptr(GodwitMigrationStage) owned = stage;
  g_autoptr(GodwitStoreWriter) writer = NULL;
  g_autoptr(GodwitCustomMigration) migration = NULL;
  g_autoptr(GError) error = NULL;
  char *destination_path;

  godwit_test_store_init (store, "Source.sqlite");
  writer = godwit_test_store_begin (store, source, FALSE);
  write (writer);
  godwit_test_writer_commit (writer);

  g_assert_true (godwit_migration_stage_validate (owned, source, destination, "test stage", &error));
  g_assert_no_error (error);
  migration = godwit_custom_migration_new (source, destination, owned, &error);
  g_assert_no_error (error);
  destination_path = g_build_filename (store->dir, "Destination.sqlite", NULL);
  g_assert_true (godwit_custom_migration_run (migration, store->path, destination_path, NULL, NULL, NULL,
                                              &error));
  g_assert_no_error (error);

  return destination_path;
}

/* A stage from "Model 1" to "Model 2" whose one entity mapping copies the
 * objects of @entity that @filter selects, run as run_stage() runs it. */
static char *
run_filtered_copy (GodwitModel     *source,
                   GodwitModel     *destination,
                   const char      *entity,
                   const char      *filter,
                   WriteFunc        write,
                   GodwitTestStore *store)
{
  GodwitMigrationStage *stage = godwit_migration_stage_new_custom ("Model 1", "Model 2", "test");
  g_autofree char *name = g_strdup_printf ("%sTo%s", entity, entity);
  g_autofree char *json_path = g_strdup_printf ("test: %s", name);
  GodwitPlanEntityMapping *mapping;

  mapping = godwit_migration_stage_add_entity_mapping (stage, name, entity, entity, json_path);
  mapping->filter = g_strdup (filter);

  return run_stage (source, destination, stage, write, store);
}

/* The objects of @entity in the store at @path, read by the store reader
 * with @model. */
static GPtrArray *
fetch_objects (const char  *path,
               GodwitModel *model,
               const char  *entity)
{
  g_autoptr(GodwitStore) store = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *objects;

  store = godwit_store_open (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (godwit_store_set_model (store, model, &error));
  g_assert_no_error (error);
  objects = godwit_store_fetch_objects (store, entity, TRUE, 0, 100, NULL, &error);
  g_assert_no_error (error);

  return objects;
}

/* The Z_PKs at the end of the URIs of @array, joined by " ". */
static char *
describe_uris (JsonArray *array)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      const char *uri = json_array_get_string_element (array, i);

      g_string_append_printf (text, "%s%s", i > 0 ? " " : "", strrchr (uri, '/') + 1);
    }

  return g_string_free (text, FALSE);
}

/* The Z_PKs of the objects @object's to-many @relationship holds, in its
 * order, are @expected ("p3 p1"). */
static void
assert_related (GodwitObject *object,
                const char   *relationship,
                const char   *expected)
{
  g_autofree char *pks = describe_uris (json_object_get_array_member (object->relationships, relationship));

  g_assert_cmpstr (pks, ==, expected);
}

/* Playlist.songs, ordered, ⇄ Song.playlists: the same in both versions. */
static GodwitModel *
new_playlist_model (const char *version)
{
  GodwitModel *model = godwit_model_new (version, GODWIT_MODEL_SOURCE_WRITER);
  GodwitEntity *entity;

  entity = godwit_test_add_entity (model, "Playlist", NULL);
  godwit_test_add_attribute (entity, "name", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_relationship (entity, "songs", "Song", "playlists", TRUE, TRUE);
  entity = godwit_test_add_entity (model, "Song", NULL);
  godwit_test_add_attribute (entity, "title", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_relationship (entity, "playlists", "Playlist", "songs", TRUE, FALSE);
  godwit_test_resolve_model (model);

  return model;
}

/* Two playlists: Road 1 (songs c a b d) and Quiet 2 (songs b c); songs a 1,
 * b 2, c 3, d 4, and d is "skip". */
static void
write_playlists (GodwitStoreWriter *writer)
{
  gint64 road = godwit_test_insert (writer, "Playlist", "name", g_variant_new_string ("Road"), NULL);
  gint64 quiet = godwit_test_insert (writer, "Playlist", "name", g_variant_new_string ("Quiet"), NULL);
  gint64 a = godwit_test_insert (writer, "Song", "title", g_variant_new_string ("a"), NULL);
  gint64 b = godwit_test_insert (writer, "Song", "title", g_variant_new_string ("b"), NULL);
  gint64 c = godwit_test_insert (writer, "Song", "title", g_variant_new_string ("c"), NULL);
  gint64 d = godwit_test_insert (writer, "Song", "title", g_variant_new_string ("skip"), NULL);

  godwit_test_relate (writer, "Playlist", road, "songs", "Song", c);
  godwit_test_relate (writer, "Playlist", road, "songs", "Song", a);
  godwit_test_relate (writer, "Playlist", road, "songs", "Song", d);
  godwit_test_relate (writer, "Playlist", road, "songs", "Song", b);
  godwit_test_relate (writer, "Playlist", quiet, "songs", "Song", b);
  godwit_test_relate (writer, "Playlist", quiet, "songs", "Song", c);
}

/* An ordered many-to-many relationship keeps the source's order, numbered
 * again from 1 where an object was left out. */
static void
test_ordered_many_to_many (void)
{
  g_autoptr(GodwitModel) source = new_playlist_model ("Model 1");
  g_autoptr(GodwitModel) destination = new_playlist_model ("Model 2");
  g_autoptr(GPtrArray) playlists = NULL;
  g_autofree char *destination_path = NULL;
  GodwitTestStore store;
  sqlite3 *db;

  destination_path = run_filtered_copy (source, destination, "Song", "title != 'skip'", write_playlists, &store);

  db = godwit_test_open_read_only (destination_path, FALSE);
  godwit_test_assert_query (db, "SELECT Z_1PLAYLISTS || ':' || Z_2SONGS || '@' || Z_FOK_2SONGS FROM Z_1SONGS "
                                "ORDER BY Z_1PLAYLISTS, Z_FOK_2SONGS",
                            "1:3@1\n1:1@2\n1:2@3\n2:2@1\n2:3@2");
  sqlite3_close (db);

  playlists = fetch_objects (destination_path, destination, "Playlist");
  g_assert_cmpuint (playlists->len, ==, 2);
  assert_related (g_ptr_array_index (playlists, 0), "songs", "p3 p1 p2");
  assert_related (g_ptr_array_index (playlists, 1), "songs", "p2 p3");

  godwit_test_store_clear (&store);
}

/* Folder.files without inverse in both versions; Folder.pinned, ordered,
 * had the inverse File.pinnedIn, which version 2 dropped. */
static GodwitModel *
new_folder_model (const char *version,
                  gboolean    with_inverse)
{
  GodwitModel *model = godwit_model_new (version, GODWIT_MODEL_SOURCE_WRITER);
  GodwitEntity *entity;

  entity = godwit_test_add_entity (model, "File", NULL);
  godwit_test_add_attribute (entity, "name", GODWIT_ATTRIBUTE_TYPE_STRING);
  if (with_inverse)
    godwit_test_add_relationship (entity, "pinnedIn", "Folder", "pinned", FALSE, FALSE);
  entity = godwit_test_add_entity (model, "Folder", NULL);
  godwit_test_add_attribute (entity, "name", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_relationship (entity, "files", "File", NULL, TRUE, FALSE);
  godwit_test_add_relationship (entity, "pinned", "File", with_inverse ? "pinnedIn" : NULL, TRUE, TRUE);
  godwit_test_resolve_model (model);

  return model;
}

/* Folders docs 1 (files a b, pinned c skip a) and music 2 (files c,
 * pinned b); files a 1, b 2, c 3, skip 4. */
static void
write_folders (GodwitStoreWriter *writer)
{
  gint64 a = godwit_test_insert (writer, "File", "name", g_variant_new_string ("a"), NULL);
  gint64 b = godwit_test_insert (writer, "File", "name", g_variant_new_string ("b"), NULL);
  gint64 c = godwit_test_insert (writer, "File", "name", g_variant_new_string ("c"), NULL);
  gint64 skip = godwit_test_insert (writer, "File", "name", g_variant_new_string ("skip"), NULL);
  gint64 docs = godwit_test_insert (writer, "Folder", "name", g_variant_new_string ("docs"), NULL);
  gint64 music = godwit_test_insert (writer, "Folder", "name", g_variant_new_string ("music"), NULL);

  godwit_test_relate (writer, "Folder", docs, "files", "File", a);
  godwit_test_relate (writer, "Folder", docs, "files", "File", b);
  godwit_test_relate (writer, "Folder", music, "files", "File", c);
  godwit_test_relate (writer, "Folder", docs, "pinned", "File", c);
  godwit_test_relate (writer, "Folder", docs, "pinned", "File", skip);
  godwit_test_relate (writer, "Folder", docs, "pinned", "File", a);
  godwit_test_relate (writer, "Folder", music, "pinned", "File", b);
}

/* A to-many relationship without inverse names its owner in the rows of
 * the objects it holds: taken from the source's owner column, or from the
 * to-one inverse the source had, in the source's order. */
static void
test_to_many_without_inverse (void)
{
  g_autoptr(GodwitModel) source = new_folder_model ("Model 1", TRUE);
  g_autoptr(GodwitModel) destination = new_folder_model ("Model 2", FALSE);
  g_autoptr(GPtrArray) folders = NULL;
  g_autofree char *destination_path = NULL;
  GodwitTestStore store;
  sqlite3 *db;

  destination_path = run_filtered_copy (source, destination, "File", "name != 'skip'", write_folders, &store);

  db = godwit_test_open_read_only (destination_path, FALSE);
  godwit_test_assert_query (db, "SELECT ZNAME || ':' || IFNULL(Z2FILES, '-') || ':' || IFNULL(Z2PINNED, '-') || "
                                "'@' || IFNULL(Z_FOK_2PINNED, '-') FROM ZFILE ORDER BY Z_PK",
                            "a:1:1@2\nb:1:2@1\nc:2:1@1");
  sqlite3_close (db);

  folders = fetch_objects (destination_path, destination, "Folder");
  g_assert_cmpuint (folders->len, ==, 2);
  for (guint i = 0; i < folders->len; i++)
    {
      assert_related (g_ptr_array_index (folders, i), "files", i == 0 ? "p1 p2" : "p3");
      assert_related (g_ptr_array_index (folders, i), "pinned", i == 0 ? "p3 p1" : "p2");
    }

  godwit_test_store_clear (&store);
}

/* ---- in place ----------------------------------------------------------- */

/* sqlite_master, then the rows of every table, each sorted: what two
 * stores holding the same have in common, whatever the order SQLite
 * keeps them in. */
static char *
describe_store (const char *path)
{
  sqlite3 *db = godwit_test_open_read_only (path, FALSE);
  g_autofree char *names = godwit_test_query (db, "SELECT name FROM sqlite_master WHERE type = 'table' "
                                                  "ORDER BY name");
  g_auto(GStrv) tables = g_strsplit (names, "\n", -1);
  GString *text = g_string_new (NULL);
  g_autofree char *schema = godwit_test_query (db, "SELECT type, name, tbl_name, sql FROM sqlite_master "
                                                   "ORDER BY type, name");

  g_string_append (text, schema);
  for (guint i = 0; tables[i] != NULL; i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT * FROM \"%s\"", tables[i]);
      g_autofree char *rows = godwit_test_query (db, sql);
      g_auto(GStrv) lines = g_strsplit (rows, "\n", -1);
      g_autofree char *sorted = NULL;

      qsort (lines, g_strv_length (lines), sizeof (char *), godwit_test_compare_strings);
      sorted = g_strjoinv ("\n", lines);
      g_string_append_printf (text, "\n-- %s\n%s", tables[i], sorted);
    }
  sqlite3_close (db);

  return g_string_free (text, FALSE);
}

/* Migrates a copy of the store at @path into a new store, and another
 * copy in place, in @path's folder; both must end the same, with nothing
 * left beside them. Returns the copy migrated in place. */
static char *
assert_in_place_same (GodwitCustomMigration *migration,
                      const char            *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *source = g_build_filename (dir, "source.sqlite", NULL);
  g_autofree char *migrated = g_build_filename (dir, "migrated.sqlite", NULL);
  char *in_place = g_build_filename (dir, "in-place.sqlite", NULL);
  g_autofree char *expected = NULL;
  g_autofree char *actual = NULL;
  g_autofree char *listing = NULL;
  g_autoptr(GError) error = NULL;

  godwit_test_copy_store (path, source);
  godwit_test_copy_store (path, in_place);

  g_assert_true (godwit_custom_migration_run (migration, source, migrated, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (godwit_custom_migration_will_migrate (migration, in_place, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (godwit_custom_migration_run_in_place (migration, in_place, NULL, NULL, NULL, &error));
  g_assert_no_error (error);

  expected = describe_store (migrated);
  actual = describe_store (in_place);
  g_assert_cmpstr (actual, ==, expected);
  listing = godwit_test_list_directory (dir);
  g_assert_null (strstr (listing, ".godwit-destination"));

  return in_place;
}

static gint64
query_rootpage (sqlite3    *db,
                const char *name)
{
  g_autofree char *sql = g_strdup_printf ("SELECT rootpage FROM sqlite_master WHERE name = '%s'", name);

  return godwit_test_query_int (db, sql);
}

/* Author (and Writer under it) ⇄ Book.author, Book.chapters (ordered) ⇄
 * Chapter.book, Book.tags ⇄ Tag.books; the second version adds
 * Author.sortName and Book.pricePerPage. */
static GodwitModel *
new_library_model (const char *version,
                   gboolean    second)
{
  GodwitModel *model = godwit_model_new (version, GODWIT_MODEL_SOURCE_WRITER);
  GodwitEntity *entity;

  entity = godwit_test_add_entity (model, "Author", NULL);
  godwit_test_add_attribute (entity, "name", GODWIT_ATTRIBUTE_TYPE_STRING);
  if (second)
    godwit_test_add_attribute (entity, "sortName", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_relationship (entity, "books", "Book", "author", TRUE, FALSE);
  entity = godwit_test_add_entity (model, "Writer", "Author");
  godwit_test_add_attribute (entity, "penName", GODWIT_ATTRIBUTE_TYPE_STRING);
  entity = godwit_test_add_entity (model, "Book", NULL);
  godwit_test_add_attribute (entity, "title", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_attribute (entity, "price", GODWIT_ATTRIBUTE_TYPE_DOUBLE);
  godwit_test_add_attribute (entity, "pages", GODWIT_ATTRIBUTE_TYPE_INTEGER_32);
  if (second)
    godwit_test_add_attribute (entity, "pricePerPage", GODWIT_ATTRIBUTE_TYPE_DOUBLE);
  godwit_test_add_relationship (entity, "author", "Author", "books", FALSE, FALSE);
  godwit_test_add_relationship (entity, "chapters", "Chapter", "book", TRUE, TRUE);
  godwit_test_add_relationship (entity, "tags", "Tag", "books", TRUE, FALSE);
  entity = godwit_test_add_entity (model, "Chapter", NULL);
  godwit_test_add_attribute (entity, "number", GODWIT_ATTRIBUTE_TYPE_INTEGER_32);
  godwit_test_add_attribute (entity, "title", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_relationship (entity, "book", "Book", "chapters", FALSE, FALSE);
  entity = godwit_test_add_entity (model, "Tag", NULL);
  godwit_test_add_attribute (entity, "name", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_relationship (entity, "books", "Book", "tags", TRUE, FALSE);
  godwit_test_resolve_model (model);

  return model;
}

/* Authors Ann 1 and Cy 3, the writer Bob 2 (“bobby”); books One 1 (by
 * Ann: chapters End then Start, tags new and old), Two 2 (by Bob: Only,
 * old) and Three 3; tags new 1 and old 2. */
static void
write_library (GodwitStoreWriter *writer)
{
  gint64 ann = godwit_test_insert (writer, "Author", "name", g_variant_new_string ("Ann"), NULL);
  gint64 bob = godwit_test_insert (writer, "Writer", "name", g_variant_new_string ("Bob"),
                                   "penName", g_variant_new_string ("bobby"), NULL);
  gint64 one = godwit_test_insert (writer, "Book", "title", g_variant_new_string ("One"),
                                   "price", g_variant_new_double (10.0), "pages", g_variant_new_int64 (100), NULL);
  gint64 two = godwit_test_insert (writer, "Book", "title", g_variant_new_string ("Two"),
                                   "price", g_variant_new_double (7.5), "pages", g_variant_new_int64 (30), NULL);
  gint64 start = godwit_test_insert (writer, "Chapter", "number", g_variant_new_int64 (1),
                                     "title", g_variant_new_string ("Start"), NULL);
  gint64 end = godwit_test_insert (writer, "Chapter", "number", g_variant_new_int64 (2),
                                   "title", g_variant_new_string ("End"), NULL);
  gint64 only = godwit_test_insert (writer, "Chapter", "number", g_variant_new_int64 (1),
                                    "title", g_variant_new_string ("Only"), NULL);
  gint64 fresh = godwit_test_insert (writer, "Tag", "name", g_variant_new_string ("new"), NULL);
  gint64 old = godwit_test_insert (writer, "Tag", "name", g_variant_new_string ("old"), NULL);

  godwit_test_insert (writer, "Author", "name", g_variant_new_string ("Cy"), NULL);
  godwit_test_insert (writer, "Book", "title", g_variant_new_string ("Three"), NULL);
  godwit_test_relate (writer, "Book", one, "author", "Author", ann);
  godwit_test_relate (writer, "Book", two, "author", "Writer", bob);
  godwit_test_relate (writer, "Book", one, "chapters", "Chapter", end);
  godwit_test_relate (writer, "Book", one, "chapters", "Chapter", start);
  godwit_test_relate (writer, "Book", two, "chapters", "Chapter", only);
  godwit_test_relate (writer, "Book", one, "tags", "Tag", fresh);
  godwit_test_relate (writer, "Book", one, "tags", "Tag", old);
  godwit_test_relate (writer, "Book", two, "tags", "Tag", old);
}

/* Every object keeps its Z_PK, so links are the source keys (no lookup
 * table), the chapters' positions are copied, and Tag and the join
 * table stay where they are (their pages untouched), though renaming
 * put quotes in Tag's CREATE TABLE; the rest is made again. The result is
 * the new store's, schema text included, and the writer's schema. */
static void
test_in_place (void)
{
  g_autoptr(GodwitModel) source = new_library_model ("Model 1", FALSE);
  g_autoptr(GodwitModel) destination = new_library_model ("Model 2", TRUE);
  g_autoptr(GodwitMigrationStage) stage = godwit_migration_stage_new_custom ("Model 1", "Model 2", "test");
  g_autoptr(GodwitCustomMigration) migration = NULL;
  g_autoptr(GodwitStoreWriter) writer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *join = NULL;
  g_autofree char *join_index = NULL;
  g_autofree char *in_place = NULL;
  g_autofree char *empty = NULL;
  g_autofree char *schema = NULL;
  GodwitPlanEntityMapping *mapping;
  GodwitTestStore store;
  gint64 tag_page, join_page, join_index_page, book_page;
  sqlite3 *db;

  mapping = godwit_migration_stage_add_entity_mapping (stage, "AuthorToAuthor", "Author", "Author", "test: a");
  godwit_plan_entity_mapping_add_value (mapping, "sortName", "lower(name)");
  mapping = godwit_migration_stage_add_entity_mapping (stage, "WriterToWriter", "Writer", "Writer", "test: w");
  godwit_plan_entity_mapping_add_value (mapping, "sortName", "lower(name)");
  godwit_plan_entity_mapping_add_value (mapping, "penName", "upper(penName)");
  mapping = godwit_migration_stage_add_entity_mapping (stage, "BookToBook", "Book", "Book", "test: b");
  godwit_plan_entity_mapping_add_value (mapping, "pricePerPage", "price / pages");
  mapping = godwit_migration_stage_add_entity_mapping (stage, "ChapterToChapter", "Chapter", "Chapter", "test: c");
  godwit_plan_entity_mapping_add_value (mapping, "title", "printf('%d. %s', number, title)");
  g_assert_true (godwit_migration_stage_validate (stage, source, destination, "test stage", &error));
  g_assert_no_error (error);
  migration = godwit_custom_migration_new (source, destination, stage, &error);
  g_assert_no_error (error);

  sql = dump_sql (migration);
  g_test_message ("in place:\n%s", sql);
  g_assert_null (strstr (sql, "godwit_map_"));
  g_assert_null (strstr (sql, "row_number"));
  g_assert_null (strstr (sql, "RENAME TO \"godwit$old$ZTAG\""));
  g_assert_nonnull (strstr (sql, "RENAME TO \"godwit$old$ZBOOK\""));

  godwit_test_store_init (&store, "Library.sqlite");
  writer = godwit_test_store_begin (&store, source, FALSE);
  write_library (writer);
  godwit_test_writer_commit (writer);
  godwit_test_execute_sql (store.path, "ALTER TABLE ZTAG RENAME TO ZLABEL", NULL);
  godwit_test_execute_sql (store.path, "ALTER TABLE ZLABEL RENAME TO ZTAG", NULL);

  db = godwit_test_open_read_only (store.path, FALSE);
  join = godwit_test_query (db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name GLOB 'Z_[0-9]*'");
  join_index = godwit_test_query (db, "SELECT name FROM sqlite_master WHERE type = 'index' "
                                      "AND name GLOB 'Z_[0-9]*_INDEX'");
  tag_page = query_rootpage (db, "ZTAG");
  join_page = query_rootpage (db, join);
  join_index_page = query_rootpage (db, join_index);
  book_page = query_rootpage (db, "ZBOOK");
  godwit_test_assert_query (db, "SELECT sql FROM sqlite_master WHERE name = 'ZTAG'",
                            "CREATE TABLE \"ZTAG\" ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, "
                            "ZNAME VARCHAR )");
  sqlite3_close (db);

  in_place = assert_in_place_same (migration, store.path);

  db = godwit_test_open_read_only (in_place, FALSE);
  godwit_test_assert_layout (db, destination, FALSE);
  g_assert_cmpint (query_rootpage (db, "ZTAG"), ==, tag_page);
  g_assert_cmpint (query_rootpage (db, join), ==, join_page);
  g_assert_cmpint (query_rootpage (db, join_index), ==, join_index_page);
  g_assert_cmpint (query_rootpage (db, "ZBOOK"), !=, book_page);
  godwit_test_assert_query (db, "SELECT a.Z_PK || '|' || k.Z_NAME || '|' || a.ZNAME || '|' || a.ZSORTNAME || '|' || "
                                "IFNULL(a.ZPENNAME, '-') FROM ZAUTHOR a JOIN Z_PRIMARYKEY k ON k.Z_ENT = a.Z_ENT "
                                "ORDER BY a.Z_PK",
                            "1|Author|Ann|ann|-\n2|Writer|Bob|bob|BOBBY\n3|Author|Cy|cy|-");
  godwit_test_assert_query (db, "SELECT b.Z_PK || '|' || b.ZTITLE || '|' || IFNULL(b.ZPRICEPERPAGE, '-') || '|' || "
                                "IFNULL(b.ZAUTHOR, '-') || '|' || IFNULL(k.Z_NAME, '-') FROM ZBOOK b "
                                "LEFT JOIN Z_PRIMARYKEY k ON k.Z_ENT = b.Z1_AUTHOR ORDER BY b.Z_PK",
                            "1|One|0.1|1|Author\n2|Two|0.25|2|Writer\n3|Three|-|-|-");
  godwit_test_assert_query (db, "SELECT ZTITLE || '|' || ZBOOK || '@' || Z_FOK_BOOK FROM ZCHAPTER ORDER BY Z_PK",
                            "1. Start|1@2\n2. End|1@1\n1. Only|2@1");
  g_assert_cmpint (godwit_test_query_int (db, "SELECT Z_MAX FROM Z_PRIMARYKEY WHERE Z_NAME = 'Book'"), ==, 3);
  schema = godwit_test_query (db, "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name");
  sqlite3_close (db);

  /* The store writer's schema, statement for statement. */
  {
    g_autofree char *path = g_build_filename (store.dir, "empty.sqlite", NULL);
    g_autoptr(GodwitStoreWriter) empty_writer = godwit_test_writer_new (destination, path);

    godwit_test_writer_begin (empty_writer);
    godwit_test_writer_commit (empty_writer);
    db = godwit_test_open_read_only (path, FALSE);
    empty = godwit_test_query (db, "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name");
    sqlite3_close (db);
    g_assert_cmpstr (schema, ==, empty);
  }

  godwit_test_store_clear (&store);
}

/* A store without incremental auto-vacuum, which the writer's stores
 * have, is migrated into a new store that takes its place. */
static void
test_in_place_new_store (void)
{
  g_autoptr(GodwitModel) source = new_library_model ("Model 1", FALSE);
  g_autoptr(GodwitModel) destination = new_library_model ("Model 2", TRUE);
  g_autoptr(GodwitMigrationStage) stage = godwit_migration_stage_new_custom ("Model 1", "Model 2", "test");
  g_autoptr(GodwitCustomMigration) migration = NULL;
  g_autoptr(GodwitStoreWriter) writer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *in_place = NULL;
  GodwitTestStore store;
  sqlite3 *db;

  migration = godwit_custom_migration_new (source, destination, stage, &error);
  g_assert_no_error (error);
  godwit_test_store_init (&store, "Library.sqlite");
  writer = godwit_test_store_begin (&store, source, FALSE);
  write_library (writer);
  godwit_test_writer_commit (writer);
  godwit_test_execute_sql (store.path, "PRAGMA auto_vacuum = NONE", NULL);
  godwit_test_execute_sql (store.path, "VACUUM", NULL);

  in_place = assert_in_place_same (migration, store.path);

  db = godwit_test_open_read_only (in_place, FALSE);
  g_assert_cmpint (godwit_test_query_int (db, "PRAGMA auto_vacuum"), ==, 2);
  godwit_test_assert_query (db, "SELECT group_concat(ZNAME, ' ') FROM ZAUTHOR", "Ann Bob Cy");
  sqlite3_close (db);

  godwit_test_store_clear (&store);
}

/* Plans whose mappings make new objects, with filters and links, the
 * store with and without persistent history. */
static void
test_in_place_garden (void)
{
  g_autoptr(GodwitModelBundle) bundle = godwit_test_load_garden ();
  g_autoptr(GodwitMigrationPlan) plan = load_plan ("garden.godwit-plan.json", bundle);
  g_autoptr(GodwitCustomMigration) migration = new_migration (bundle, plan, "Garden 2", "Garden 3");

  for (guint history = 0; history < 2; history++)
    {
      g_autofree char *in_place = NULL;
      GodwitTestStore store;
      sqlite3 *db;

      write_garden_store (bundle, &store, history);
      in_place = assert_in_place_same (migration, store.path);
      db = godwit_test_open_read_only (in_place, FALSE);
      godwit_test_assert_layout (db, godwit_model_bundle_find_version (bundle, "Garden 3"), history);
      godwit_test_assert_query (db, "SELECT group_concat(ZTEXT || '@' || Z_FOK_PLANT, ', ') FROM ZNOTE",
                                "water daily@1, old tree@1");
      sqlite3_close (db);
      godwit_test_store_clear (&store);
    }
}

/* A store Core Data wrote, through the wibosco plan's stage. */
static void
test_in_place_wibosco (void)
{
  g_autofree char *fixture = godwit_test_fixture_path (WIBOSCO_STORE_2);
  g_autofree char *bundle_path = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *in_place = NULL;
  g_autoptr(GodwitModelBundle) bundle = NULL;
  g_autoptr(GodwitMigrationPlan) plan = NULL;
  g_autoptr(GodwitCustomMigration) migration = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *db;

  if (fixture == NULL)
    return;
  bundle_path = godwit_test_fixture_path (WIBOSCO_BUNDLE);
  bundle = godwit_model_bundle_new_for_path (bundle_path, &error);
  g_assert_no_error (error);
  plan = load_plan ("wibosco.godwit-plan.json", bundle);
  migration = new_migration (bundle, plan, WIBOSCO_2, WIBOSCO_3);

  dir = godwit_test_make_tmpdir ();
  path = g_build_filename (dir, "store.sqlite", NULL);
  godwit_test_copy_store (fixture, path);
  in_place = assert_in_place_same (migration, path);
  assert_store_version (in_place, bundle, WIBOSCO_3);
  db = godwit_test_open_read_only (in_place, FALSE);
  g_assert_cmpint (godwit_test_query_int (db, "SELECT COUNT(*) FROM ZSECTION s JOIN ZPOST p ON p.Z_PK = s.ZPOST"),
                   ==, godwit_test_query_int (db, "SELECT COUNT(*) FROM ZPOST"));
  sqlite3_close (db);

  godwit_test_rmdir (dir);
}

/* Cancelled or failing half-way, the store is as will-migrate left it. */
static void
test_in_place_failures (void)
{
  g_autoptr(GodwitModelBundle) bundle = godwit_test_load_garden ();
  g_autoptr(GodwitMigrationPlan) plan = load_plan ("garden.godwit-plan.json", bundle);
  g_autoptr(GodwitMigrationPlan) failing_plan = NULL;
  g_autoptr(GodwitCustomMigration) migration = new_migration (bundle, plan, "Garden 2", "Garden 3");
  g_autoptr(GodwitCustomMigration) failing = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *listing = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  GodwitTestStore store;

  failing_plan = godwit_migration_plan_new_for_data (GARDEN_FAILING_PLAN, strlen (GARDEN_FAILING_PLAN),
                                                     "failing.godwit-plan.json", &error);
  g_assert_no_error (error);
  g_assert_true (godwit_migration_plan_validate (failing_plan, bundle, &error));
  g_assert_no_error (error);
  failing = new_migration (bundle, failing_plan, "Garden 2", "Garden 3");

  write_garden_store (bundle, &store, FALSE);
  g_assert_true (godwit_custom_migration_will_migrate (migration, store.path, NULL, &error));
  g_assert_no_error (error);
  listing = godwit_test_list_directory (store.dir);
  before = describe_store (store.path);

  g_assert_false (godwit_custom_migration_run_in_place (migration, store.path, cancel_on_progress, cancellable,
                                                        cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  after = godwit_test_list_directory (store.dir);
  g_assert_cmpstr (after, ==, listing);
  g_clear_pointer (&after, g_free);
  after = describe_store (store.path);
  g_assert_cmpstr (after, ==, before);
  g_clear_pointer (&after, g_free);

  g_assert_false (godwit_custom_migration_run_in_place (failing, store.path, NULL, NULL, NULL, &error));
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL);
  g_assert_nonnull (strstr (error->message, store.path));
  g_assert_nonnull (strstr (error->message, ": stages[0].entity-mappings[0] (PlantToNote): "));
  after = godwit_test_list_directory (store.dir);
  g_assert_cmpstr (after, ==, listing);
  g_clear_pointer (&after, g_free);
  after = describe_store (store.path);
  g_assert_cmpstr (after, ==, before);

  godwit_test_store_clear (&store);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/custom-migration/wibosco-2-to-3", test_wibosco_2_to_3);
  g_test_add_func ("/custom-migration/garden-2-to-3", test_garden_2_to_3);
  g_test_add_func ("/custom-migration/garden-history", test_garden_history);
  g_test_add_func ("/custom-migration/runtime-error", test_runtime_error);
  g_test_add_func ("/custom-migration/cancelled", test_cancelled);
  g_test_add_func ("/custom-migration/lightweight-stage-refused", test_lightweight_stage_refused);
  g_test_add_func ("/custom-migration/writer-metadata", test_writer_metadata);
  g_test_add_func ("/custom-migration/wibosco-mapping-model", test_wibosco_mapping_model);
  g_test_add_func ("/custom-migration/ordered-many-to-many", test_ordered_many_to_many);
  g_test_add_func ("/custom-migration/to-many-without-inverse", test_to_many_without_inverse);
  g_test_add_func ("/custom-migration/in-place", test_in_place);
  g_test_add_func ("/custom-migration/in-place/new-store", test_in_place_new_store);
  g_test_add_func ("/custom-migration/in-place/garden", test_in_place_garden);
  g_test_add_func ("/custom-migration/in-place/wibosco", test_in_place_wibosco);
  g_test_add_func ("/custom-migration/in-place/failures", test_in_place_failures);

  return g_test_run ();
}
