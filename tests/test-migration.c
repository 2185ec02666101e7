/* test-migration.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "godwit-error.h"
#include "godwit-migration.h"
#include "godwit-test-model.h"
#include "godwit-test-store.h"
#include "godwit-test-utils.h"

typedef struct
{
  char              *dir;
  char              *store;
  GodwitModelBundle *bundle;
} Chain;

/* A copy of a real store, its bundle, in a fresh folder. */
static gboolean
chain_init (Chain      *chain,
            const char *store_fixture,
            const char *bundle_fixture)
{
  g_autofree char *store = godwit_test_fixture_path (store_fixture);
  g_autofree char *bundle = godwit_test_fixture_path (bundle_fixture);
  g_autoptr(GError) error = NULL;

  if (store == NULL || bundle == NULL)
    return FALSE;

  chain->dir = godwit_test_make_tmpdir ();
  chain->store = g_build_filename (chain->dir, "Store.sqlite", NULL);
  godwit_test_copy_store (store, chain->store);
  chain->bundle = godwit_model_bundle_new_for_path (bundle, &error);
  g_assert_no_error (error);

  return TRUE;
}

static void
chain_clear (Chain *chain)
{
  godwit_test_rmdir (chain->dir);
  g_clear_pointer (&chain->dir, g_free);
  g_clear_pointer (&chain->store, g_free);
  g_clear_object (&chain->bundle);
}

static void
on_progress (const GodwitMigrationProgress *progress,
             gpointer                       user_data)
{
  GString *phases = user_data;

  if (phases->len == 0 || !g_str_has_suffix (phases->str, progress->phase))
    g_string_append_printf (phases, "%s%s", phases->len ? "," : "", progress->phase);
}

/* wibosco store 1 reaches version 4 only progressively: inferred, the
 * plan's custom stage in place of the policy class, inferred. */
static void
test_wibosco_progressive (void)
{
  Chain chain = { 0 };
  g_autoptr(GodwitMigrationPlan) plan = NULL;
  g_autoptr(GodwitMigration) migration = NULL;
  g_autoptr(GString) phases = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *backup_main = NULL;
  g_autofree char *original_sum = NULL;
  g_autofree char *posts_before = NULL;
  g_autofree char *posts_after = NULL;
  GPtrArray *steps;
  sqlite3 *db;

  if (!chain_init (&chain, "wibosco-revised/stores/CoreDataMigration_Example_1.sqlite",
                   "wibosco-revised/CoreDataMigration_Example.xcdatamodeld"))
    return;

  original_sum = godwit_test_file_checksum (chain.store);
  db = godwit_test_open_read_only (chain.store, TRUE);
  posts_before = godwit_test_query (db, "SELECT Z_PK, ZCONTENT, ZCOLOR, ZPOSTID FROM ZPOST ORDER BY Z_PK");
  sqlite3_close (db);

  plan = godwit_test_load_plan ("wibosco.godwit-plan.json");
  migration = godwit_migration_new (chain.store, chain.bundle, plan, NULL, NULL, &error);
  g_assert_no_error (error);

  g_assert_cmpstr (godwit_model_get_version_name (godwit_migration_get_source_version (migration)), ==,
                   "CoreDataMigration_Example");
  g_assert_cmpstr (godwit_model_get_version_name (godwit_migration_get_target_version (migration)), ==,
                   "CoreDataMigration_Example 4");
  steps = godwit_migration_get_steps (migration);
  g_assert_cmpuint (steps->len, ==, 3);
  g_assert_cmpint (((GodwitMigrationStep *) g_ptr_array_index (steps, 0))->kind, ==, GODWIT_MIGRATION_STEP_INFERRED);
  g_assert_cmpint (((GodwitMigrationStep *) g_ptr_array_index (steps, 1))->kind, ==, GODWIT_MIGRATION_STEP_PLAN);
  g_assert_cmpint (((GodwitMigrationStep *) g_ptr_array_index (steps, 2))->kind, ==, GODWIT_MIGRATION_STEP_INFERRED);
  g_assert_true (godwit_migration_can_run (migration));

  /* A dry run migrates and verifies a copy, and touches nothing. */
  g_assert_true (godwit_migration_run (migration, NULL, TRUE, NULL, &error));
  g_assert_no_error (error);
  {
    g_autofree char *sum = godwit_test_file_checksum (chain.store);
    g_autofree char *listing = godwit_test_list_directory (chain.dir);

    g_assert_cmpstr (sum, ==, original_sum);
    g_assert_cmpstr (listing, ==, "Store.sqlite");
  }

  godwit_migration_set_progress_callback (migration, on_progress, phases);
  g_assert_true (godwit_migration_run (migration, NULL, FALSE, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (phases->str, ==, "snapshot,migrate,verify,replace");
  g_assert_cmpuint (godwit_migration_get_verification (migration)->len, ==, 3);
  g_assert_nonnull (godwit_migration_get_backup (migration));

  /* Every Post keeps its values and has exactly one Section made from its
   * old content. */
  db = godwit_test_open_read_only (chain.store, FALSE);
  posts_after = godwit_test_query (db, "SELECT p.Z_PK, s.ZBODY, p.ZHEXCOLOR, p.ZPOSTID FROM ZPOST p "
                                       "JOIN ZSECTION s ON s.ZPOST = p.Z_PK ORDER BY p.Z_PK");
  g_assert_cmpstr (posts_after, ==, posts_before);
  g_assert_cmpint (godwit_test_query_int (db, "SELECT COUNT(*) FROM ZSECTION"), ==,
                   godwit_test_query_int (db, "SELECT COUNT(*) FROM ZPOST"));
  g_assert_cmpint (godwit_test_query_int (db, "SELECT COUNT(*) FROM ZSECTION WHERE ZTITLE IS NOT "
                                              "substr(ZBODY, 1, 4) || '...' OR ZINDEX IS NOT 0"), ==, 0);
  g_assert_cmpint (godwit_test_query_int (db, "SELECT COUNT(*) FROM ZPOST WHERE ZSOFTDELETED IS NOT 0"), ==, 0);
  sqlite3_close (db);

  /* The migrated store is at version 4 by Core Data's own rule. */
  {
    g_autoptr(GodwitMigration) again = godwit_migration_new (chain.store, chain.bundle, plan, NULL, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (godwit_model_get_version_name (godwit_migration_get_source_version (again)), ==,
                     "CoreDataMigration_Example 4");
    g_assert_true (godwit_migration_is_up_to_date (again));
  }

  /* The backup holds the original bytes, and rollback brings them back. */
  backup_main = g_build_filename (godwit_migration_get_backup (migration)->path, "Store.sqlite", NULL);
  {
    g_autofree char *sum = godwit_test_file_checksum (backup_main);

    g_assert_cmpstr (sum, ==, original_sum);
  }
  g_assert_true (godwit_store_rollback (chain.store, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  db = godwit_test_open_read_only (chain.store, FALSE);
  {
    g_autofree char *restored = godwit_test_query (db, "SELECT Z_PK, ZCONTENT, ZCOLOR, ZPOSTID FROM ZPOST ORDER BY Z_PK");

    g_assert_cmpstr (restored, ==, posts_before);
  }
  sqlite3_close (db);

  chain_clear (&chain);
}

/* Four renames through renaming identifiers: the names survive. */
static void
test_bergier_renames (void)
{
  Chain chain = { 0 };
  g_autoptr(GodwitMigration) migration = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  sqlite3 *db;

  if (!chain_init (&chain, "bergier/stores/Example_v1.0.0.sqlite", "bergier/Model.xcdatamodeld"))
    return;

  db = godwit_test_open_read_only (chain.store, TRUE);
  before = godwit_test_query (db, "SELECT Z_PK, ZV1_0_0_NAME FROM ZBASICENTITY ORDER BY Z_PK");
  sqlite3_close (db);

  migration = godwit_migration_new (chain.store, chain.bundle, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (godwit_migration_get_steps (migration)->len, ==, 4);
  g_assert_true (godwit_migration_run (migration, NULL, FALSE, NULL, &error));
  g_assert_no_error (error);

  db = godwit_test_open_read_only (chain.store, FALSE);
  after = godwit_test_query (db, "SELECT Z_PK, ZV2_0_0_NAME FROM ZBASICENTITY ORDER BY Z_PK");
  sqlite3_close (db);
  g_assert_cmpstr (after, ==, before);

  chain_clear (&chain);
}

/* An up-to-date store: nothing to do, nothing touched. */
static void
test_up_to_date (void)
{
  Chain chain = { 0 };
  g_autoptr(GodwitMigration) migration = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  if (!chain_init (&chain, "bergier/stores/Example_v2.0.0.sqlite", "bergier/Model.xcdatamodeld"))
    return;

  before = godwit_test_snapshot_directory (chain.dir);
  migration = godwit_migration_new (chain.store, chain.bundle, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (godwit_migration_is_up_to_date (migration));
  g_assert_true (godwit_migration_run (migration, NULL, FALSE, NULL, &error));
  g_assert_no_error (error);
  g_assert_null (godwit_migration_get_backup (migration));
  after = godwit_test_snapshot_directory (chain.dir);
  g_assert_cmpstr (after, ==, before);

  chain_clear (&chain);
}

static void
test_errors (void)
{
  Chain chain = { 0 };
  g_autoptr(GodwitMigration) migration = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *mapping_path = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  if (!chain_init (&chain, "wibosco-revised/stores/CoreDataMigration_Example_3.sqlite",
                   "wibosco-revised/CoreDataMigration_Example.xcdatamodeld"))
    return;

  /* Backward. */
  migration = godwit_migration_new (chain.store, chain.bundle, NULL, NULL, "CoreDataMigration_Example 2", &error);
  g_assert_null (migration);
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_UNKNOWN_VERSION);
  g_assert_nonnull (strstr (error->message, "only go forward"));
  g_clear_error (&error);

  /* Unknown target. */
  migration = godwit_migration_new (chain.store, chain.bundle, NULL, NULL, "Nonesuch", &error);
  g_assert_null (migration);
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_UNKNOWN_VERSION);
  g_clear_error (&error);

  chain_clear (&chain);

  /* Store 2 with the Xcode mapping model and no plan: the policy class
   * cannot run here, so the step says so and nothing runs. */
  mapping_path = godwit_test_fixture_path ("wibosco-revised/Migration2to3ModelMapping.xcmappingmodel");
  if (mapping_path == NULL ||
      !chain_init (&chain, "wibosco-revised/stores/CoreDataMigration_Example_2.sqlite",
                   "wibosco-revised/CoreDataMigration_Example.xcdatamodeld"))
    return;

  {
    g_autoptr(GPtrArray) mappings = g_ptr_array_new_with_free_func (g_object_unref);
    GodwitMigrationStep *step;

    g_ptr_array_add (mappings, godwit_mapping_model_new_for_path (mapping_path, &error));
    g_assert_no_error (error);
    before = godwit_test_snapshot_directory (chain.dir);
    migration = godwit_migration_new (chain.store, chain.bundle, NULL, mappings, NULL, &error);
    g_assert_no_error (error);
    step = g_ptr_array_index (godwit_migration_get_steps (migration), 0);
    g_assert_cmpint (step->kind, ==, GODWIT_MIGRATION_STEP_MAPPING_MODEL);
    g_assert_false (godwit_migration_can_run (migration));
    g_assert_false (godwit_migration_run (migration, NULL, FALSE, NULL, &error));
    g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL);
    g_assert_nonnull (strstr (error->message, "Post2ToPost3MigrationPolicy"));
    after = godwit_test_snapshot_directory (chain.dir);
    g_assert_cmpstr (after, ==, before);
  }

  chain_clear (&chain);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/migration/wibosco-progressive", test_wibosco_progressive);
  g_test_add_func ("/migration/bergier-renames", test_bergier_renames);
  g_test_add_func ("/migration/up-to-date", test_up_to_date);
  g_test_add_func ("/migration/errors", test_errors);

  return g_test_run ();
}
