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
#include "godwit-stage-report.h"
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
  /* Objects are counted before and after each step (repeats merged). */
  g_assert_cmpstr (phases->str, ==, "snapshot,count,migrate,count,migrate,count,migrate,count,verify,replace");
  g_assert_cmpuint (godwit_migration_get_verification (migration)->len, ==, 4);
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

/* An up-to-date store: nothing to do, nothing touched; verifying it
 * only reads it. */
static void
test_up_to_date (void)
{
  Chain chain = { 0 };
  g_autoptr(GodwitMigration) migration = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  GPtrArray *verification;

  if (!chain_init (&chain, "bergier/stores/Example_v2.0.0.sqlite", "bergier/Model.xcdatamodeld"))
    return;

  before = godwit_test_snapshot_directory (chain.dir);
  migration = godwit_migration_new (chain.store, chain.bundle, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (godwit_migration_is_up_to_date (migration));
  g_assert_true (godwit_migration_run (migration, NULL, FALSE, NULL, &error));
  g_assert_no_error (error);
  g_assert_null (godwit_migration_get_backup (migration));
  verification = godwit_migration_get_verification (migration);
  g_assert_cmpuint (verification->len, ==, 0);

  g_assert_true (godwit_migration_verify (migration, chain.store, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (verification->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (verification, 0), ==, "integrity check: ok");
  g_assert_true (g_str_has_prefix (g_ptr_array_index (verification, 1), "relationships: "));
  g_assert_cmpstr (g_ptr_array_index (verification, 2), ==, "metadata: every entity's version hash matches “v2.0.0”");

  g_cancellable_cancel (cancellable);
  g_assert_false (godwit_migration_verify (migration, chain.store, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (verification->len, ==, 0);

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


static const GodwitEntityCount *
find_count (GodwitStageReport *report,
            const char        *source,
            const char        *destination)
{
  GPtrArray *counts = godwit_stage_report_get_counts (report);

  for (guint i = 0; i < counts->len; i++)
    {
      const GodwitEntityCount *count = g_ptr_array_index (counts, i);

      if (g_strcmp0 (count->source_entity, source) == 0 &&
          g_strcmp0 (count->destination_entity, destination) == 0)
        return count;
    }

  g_assert_not_reached ();
}

static void
assert_count (GodwitStageReport *report,
              const char        *source,
              const char        *destination,
              gint64             before,
              gint64             predicted,
              gint64             after)
{
  const GodwitEntityCount *count = find_count (report, source, destination);

  g_assert_cmpint (count->before, ==, before);
  g_assert_cmpint (count->predicted, ==, predicted);
  g_assert_cmpint (count->after, ==, after);
}

/* The impact of @kind on @entity; NULL when there is none. */
static const GodwitDataImpact *
find_impact (GodwitStageReport    *report,
             GodwitDataImpactKind  kind,
             const char           *entity)
{
  GPtrArray *impacts = godwit_stage_report_get_impacts (report);

  g_assert_nonnull (impacts);
  for (guint i = 0; i < impacts->len; i++)
    {
      const GodwitDataImpact *impact = g_ptr_array_index (impacts, i);

      if (impact->kind == kind && g_strcmp0 (impact->entity, entity) == 0)
        return impact;
    }

  return NULL;
}

/* The impact of @kind on @entity is there, as these say. */
static const GodwitDataImpact *
assert_impact (GodwitStageReport    *report,
               GodwitDataImpactKind  kind,
               const char           *entity,
               const char           *property,
               gint64                count,
               gboolean              loses_data,
               gboolean              blocks,
               const char           *message)
{
  const GodwitDataImpact *impact = find_impact (report, kind, entity);

  g_assert_nonnull (impact);
  g_assert_cmpstr (impact->property, ==, property);
  g_assert_cmpint (impact->count, ==, count);
  g_assert_cmpint (impact->loses_data, ==, loses_data);
  g_assert_cmpint (impact->blocks, ==, blocks);
  g_assert_cmpstr (impact->message, ==, message);

  return impact;
}

static const GodwitObjectSamples *
find_samples (GodwitStageReport *report,
              const char        *source)
{
  GPtrArray *samples = godwit_stage_report_get_samples (report);

  g_assert_nonnull (samples);
  for (guint i = 0; i < samples->len; i++)
    {
      const GodwitObjectSamples *entity = g_ptr_array_index (samples, i);

      if (g_strcmp0 (entity->source_entity, source) == 0)
        return entity;
    }

  g_assert_not_reached ();
}

/* The attributes of a sample object, as compact JSON. */
static char *
dup_sample_attributes (GPtrArray *objects,
                       guint      index)
{
  JsonObject *object;
  g_autoptr(JsonNode) attributes = json_node_new (JSON_NODE_OBJECT);

  g_assert_cmpuint (index, <, objects->len);
  object = json_node_get_object (g_ptr_array_index (objects, index));
  json_node_set_object (attributes, json_object_get_object_member (object, "attributes"));

  return json_to_string (attributes, FALSE);
}

/* The wibosco chain as a dry run: what each step does, counted; the
 * store keeps every byte. */
static void
test_wibosco_dry_run_reports (void)
{
  Chain chain = { 0 };
  g_autoptr(GodwitMigrationPlan) plan = NULL;
  g_autoptr(GodwitMigration) migration = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  GPtrArray *reports;
  GodwitStageReport *report;
  const GodwitObjectSamples *samples;

  if (!chain_init (&chain, "wibosco-revised/stores/CoreDataMigration_Example_1.sqlite",
                   "wibosco-revised/CoreDataMigration_Example.xcdatamodeld"))
    return;

  before = godwit_test_snapshot_directory (chain.dir);
  plan = godwit_test_load_plan ("wibosco.godwit-plan.json");
  migration = godwit_migration_new (chain.store, chain.bundle, plan, NULL, NULL, &error);
  g_assert_no_error (error);

  /* Planning counts the first step on the store itself. */
  reports = godwit_migration_get_stage_reports (migration);
  g_assert_cmpuint (reports->len, ==, 3);
  report = g_ptr_array_index (reports, 0);
  g_assert_cmpuint (godwit_stage_report_get_step (report), ==, 1);
  g_assert_false (godwit_stage_report_get_ran (report));
  assert_count (report, "Post", "Post", 10, 10, -1);
  g_assert_cmpuint (godwit_stage_report_get_impacts (report)->len, ==, 0);
  g_assert_cmpuint (godwit_stage_report_get_sql (report)->len, >, 0);
  g_assert_cmpuint (find_samples (report, "Post")->before->len, ==, 3);
  g_assert_null (find_samples (report, "Post")->after);
  report = g_ptr_array_index (reports, 1);
  g_assert_null (godwit_stage_report_get_impacts (report));
  assert_count (report, NULL, "Section", -1, -1, -1);

  g_assert_true (godwit_migration_run (migration, NULL, TRUE, NULL, &error));
  g_assert_no_error (error);
  after = godwit_test_snapshot_directory (chain.dir);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpstr (g_ptr_array_index (godwit_migration_get_verification (migration), 0), ==,
                   "object counts: in each of 3 steps every entity has the objects its mapping predicts (5 counts)");

  reports = godwit_migration_get_stage_reports (migration);
  g_assert_cmpuint (reports->len, ==, 3);

  report = g_ptr_array_index (reports, 0);
  g_assert_true (godwit_stage_report_get_ran (report));
  g_assert_cmpint (godwit_stage_report_get_kind (report), ==, GODWIT_MIGRATION_STEP_INFERRED);
  assert_count (report, "Post", "Post", 10, 10, 10);
  g_assert_cmpuint (godwit_stage_report_get_impacts (report)->len, ==, 0);
  g_assert_cmpstr (g_ptr_array_index (godwit_stage_report_get_sql (report), 0), ==,
                   "ALTER TABLE ZPOST RENAME COLUMN ZCOLOR TO ZHEXCOLOR");
  samples = find_samples (report, "Post");
  {
    JsonObject *first_before = json_node_get_object (g_ptr_array_index (samples->before, 0));
    JsonObject *first_after = json_node_get_object (g_ptr_array_index (samples->after, 0));

    g_assert_cmpint (json_object_get_int_member (first_before, "pk"), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (first_before, "attributes"),
                                                    "color"), ==, "01A5BC");
    g_assert_cmpint (json_object_get_int_member (first_after, "pk"), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (first_after, "attributes"),
                                                    "hexColor"), ==, "01A5BC");
    g_assert_false (json_object_has_member (json_object_get_object_member (first_after, "attributes"), "color"));
  }

  /* The plan's stage: every Post makes a Section from its content. */
  report = g_ptr_array_index (reports, 1);
  g_assert_cmpint (godwit_stage_report_get_kind (report), ==, GODWIT_MIGRATION_STEP_PLAN);
  assert_count (report, "Post", "Post", 10, 10, 10);
  assert_count (report, NULL, "Section", 0, 10, 10);
  assert_impact (report, GODWIT_DATA_IMPACT_VALUES_DROPPED, "Post", "content", 10, FALSE, FALSE,
                 "Post.content is removed: 10 stored values are read by entity mapping PostToSection first");
  g_assert_cmpuint (godwit_stage_report_get_impacts (report)->len, ==, 1);
  {
    GPtrArray *all = godwit_stage_report_get_samples (report);
    const GodwitObjectSamples *sections = g_ptr_array_index (all, 1);
    JsonObject *section;

    g_assert_cmpstr (sections->destination_entity, ==, "Section");
    g_assert_cmpuint (sections->before->len, ==, 0);
    g_assert_cmpuint (sections->after->len, ==, 3);
    section = json_object_get_object_member (json_node_get_object (g_ptr_array_index (sections->after, 0)),
                                             "attributes");
    g_assert_cmpstr (json_object_get_string_member (section, "title"), ==, "Post...");
    g_assert_cmpint (json_object_get_int_member (section, "index"), ==, 0);
  }

  report = g_ptr_array_index (reports, 2);
  assert_count (report, "Post", "Post", 10, 10, 10);
  assert_count (report, "Section", "Section", 10, 10, 10);

  chain_clear (&chain);
}

/* Generated stores */

typedef struct
{
  char              *bundle_dir;
  GodwitModelBundle *bundle;
  GodwitTestStore    store;
} Generated;

/* Shop.xcdatamodeld with the versions "Shop" and "Shop 2" (the entities'
 * XML), and an empty store of "Shop" to fill. */
static GodwitStoreWriter *
generated_init (Generated  *generated,
                const char *v1,
                const char *v2)
{
  g_autofree char *path = NULL;

  generated->bundle_dir = godwit_test_make_tmpdir ();
  path = g_build_filename (generated->bundle_dir, "Shop.xcdatamodeld", NULL);
  generated->bundle = godwit_test_write_bundle (path, "Shop", v1, "Shop 2", v2, NULL);

  godwit_test_store_init (&generated->store, "Shop.sqlite");

  return godwit_test_store_begin (&generated->store, godwit_model_bundle_find_version (generated->bundle, "Shop"),
                                  FALSE);
}

static void
generated_clear (Generated *generated)
{
  godwit_test_store_clear (&generated->store);
  godwit_test_rmdir (generated->bundle_dir);
  g_clear_pointer (&generated->bundle_dir, g_free);
  g_clear_object (&generated->bundle);
}

static GodwitMigration *
new_generated_migration (Generated  *generated,
                         const char *plan_json)
{
  g_autoptr(GodwitMigrationPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  GodwitMigration *migration;

  if (plan_json != NULL)
    {
      plan = godwit_migration_plan_new_for_data (plan_json, strlen (plan_json), "Shop.godwit-plan.json", &error);
      g_assert_no_error (error);
    }

  migration = godwit_migration_new (generated->store.path, generated->bundle, plan, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (godwit_migration_get_steps (migration)->len, ==, 1);

  return migration;
}

static GodwitStageReport *
first_report (GodwitMigration *migration)
{
  return g_ptr_array_index (godwit_migration_get_stage_reports (migration), 0);
}

/* A removed attribute drops its values, a removed entity its objects:
 * counted when planning; the dry run counts what it made and shows the
 * objects before and after. */
static void
test_dropped_data (void)
{
  Generated generated = { 0 };
  g_autoptr(GodwitStoreWriter) writer = NULL;
  g_autoptr(GodwitMigration) migration = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *text = NULL;
  GodwitStageReport *report;
  const GodwitObjectSamples *samples;
  static const char * const titles[] = { "A", "B", "C", "D" };
  static const char * const bodies[] = { "a", NULL, "c", "d" };

  writer = generated_init (&generated,
                           "<entity name=\"Post\" representedClassName=\"Post\" syncable=\"YES\">"
                           "<attribute name=\"title\" optional=\"YES\" attributeType=\"String\"/>"
                           "<attribute name=\"body\" optional=\"YES\" attributeType=\"String\"/></entity>"
                           "<entity name=\"Draft\" representedClassName=\"Draft\" syncable=\"YES\">"
                           "<attribute name=\"text\" optional=\"YES\" attributeType=\"String\"/></entity>",
                           "<entity name=\"Post\" representedClassName=\"Post\" syncable=\"YES\">"
                           "<attribute name=\"title\" optional=\"YES\" attributeType=\"String\"/></entity>");
  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    godwit_test_insert (writer, "Post", "title", g_variant_new_string (titles[i]),
                        "body", bodies[i] != NULL ? g_variant_new_string (bodies[i]) : NULL, NULL);
  godwit_test_insert (writer, "Draft", "text", g_variant_new_string ("x"), NULL);
  godwit_test_insert (writer, "Draft", "text", NULL, NULL);
  godwit_test_writer_commit (writer);

  before = godwit_test_snapshot_directory (generated.store.dir);
  migration = new_generated_migration (&generated, NULL);
  g_assert_true (godwit_migration_can_run (migration));

  report = first_report (migration);
  assert_count (report, "Post", "Post", 4, 4, -1);
  assert_count (report, "Draft", NULL, 2, -1, -1);
  g_assert_cmpuint (godwit_stage_report_get_impacts (report)->len, ==, 2);
  assert_impact (report, GODWIT_DATA_IMPACT_VALUES_DROPPED, "Post", "body", 3, TRUE, FALSE,
                 "Post.body is removed: 3 stored values are dropped");
  assert_impact (report, GODWIT_DATA_IMPACT_OBJECTS_DROPPED, "Draft", NULL, 2, TRUE, FALSE,
                 "Draft is removed: its 2 objects are dropped");

  g_assert_true (godwit_migration_run (migration, NULL, TRUE, NULL, &error));
  g_assert_no_error (error);
  after = godwit_test_snapshot_directory (generated.store.dir);
  g_assert_cmpstr (after, ==, before);

  report = first_report (migration);
  assert_count (report, "Post", "Post", 4, 4, 4);
  assert_count (report, "Draft", NULL, 2, -1, -1);
  g_assert_cmpuint (godwit_stage_report_get_impacts (report)->len, ==, 2);

  samples = find_samples (report, "Post");
  g_assert_cmpuint (samples->before->len, ==, 3);
  g_assert_cmpuint (samples->after->len, ==, 3);
  text = dup_sample_attributes (samples->before, 1);
  g_assert_cmpstr (text, ==, "{\"body\":null,\"title\":\"B\"}");
  g_clear_pointer (&text, g_free);
  text = dup_sample_attributes (samples->after, 2);
  g_assert_cmpstr (text, ==, "{\"title\":\"C\"}");
  g_clear_pointer (&text, g_free);
  samples = find_samples (report, "Draft");
  g_assert_cmpuint (samples->before->len, ==, 2);
  g_assert_cmpuint (samples->after->len, ==, 0);
  text = dup_sample_attributes (samples->before, 0);
  g_assert_cmpstr (text, ==, "{\"text\":\"x\"}");

  /* The report as JSON, as the CLI writes it. */
  {
    g_autoptr(JsonNode) node = godwit_stage_report_to_json (report);
    JsonObject *object = json_node_get_object (node);
    JsonObject *count = json_array_get_object_element (json_object_get_array_member (object, "counts"), 1);
    JsonObject *dropped = json_array_get_object_element (json_object_get_array_member (object, "impacts"), 1);

    g_assert_cmpint (json_object_get_int_member (object, "step"), ==, 1);
    g_assert_true (json_object_get_boolean_member (object, "ran"));
    g_assert_cmpstr (json_object_get_string_member (count, "source_entity"), ==, "Post");
    g_assert_cmpint (json_object_get_int_member (count, "after"), ==, 4);
    g_assert_cmpstr (json_object_get_string_member (dropped, "kind"), ==, "values-dropped");
    g_assert_cmpint (json_object_get_int_member (dropped, "count"), ==, 3);
    count = json_array_get_object_element (json_object_get_array_member (object, "counts"), 0);
    g_assert_cmpstr (json_object_get_string_member (count, "source_entity"), ==, "Draft");
    g_assert_true (json_object_get_null_member (count, "after"));
  }

  generated_clear (&generated);
}

#define TITLE_V1 "<entity name=\"Post\" representedClassName=\"Post\" syncable=\"YES\">" \
  "<attribute name=\"title\" optional=\"YES\" attributeType=\"String\"/>" \
  "<attribute name=\"rating\" optional=\"YES\" attributeType=\"Integer 32\" usesScalarValueType=\"YES\"/></entity>"
#define TITLE_V2 "<entity name=\"Post\" representedClassName=\"Post\" syncable=\"YES\">" \
  "<attribute name=\"title\" attributeType=\"String\"/>" \
  "<attribute name=\"rating\" optional=\"YES\" attributeType=\"Integer 32\" usesScalarValueType=\"YES\"/></entity>"

/* A Post store in which @n_without_title of five posts have no title. */
static GodwitMigration *
new_title_migration (Generated *generated,
                     guint      n_without_title)
{
  g_autoptr(GodwitStoreWriter) writer = generated_init (generated, TITLE_V1, TITLE_V2);

  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *title = g_strdup_printf ("Post %u", i);

      godwit_test_insert (writer, "Post", "title", i < n_without_title ? NULL : g_variant_new_string (title),
                          "rating", g_variant_new_int64 (i), NULL);
    }
  godwit_test_writer_commit (writer);

  return new_generated_migration (generated, NULL);
}

/* Post.title becomes non-optional without a default value: when planning
 * the objects without one are counted, and only those make the step
 * impossible to infer. */
static void
test_missing_values (void)
{
  Generated generated = { 0 };
  g_autoptr(GodwitMigration) migration = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  GodwitMigrationStep *step;
  GodwitStageReport *report;

  migration = new_title_migration (&generated, 3);
  step = g_ptr_array_index (godwit_migration_get_steps (migration), 0);
  g_assert_cmpint (step->kind, ==, GODWIT_MIGRATION_STEP_NOT_MIGRATABLE);
  g_assert_cmpuint (step->blockers->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (step->blockers, 0), ==,
                   "Post.title becomes non-optional without a default value: 3 objects have no title");
  g_assert_false (godwit_migration_can_run (migration));

  report = first_report (migration);
  g_assert_cmpint (godwit_stage_report_get_kind (report), ==, GODWIT_MIGRATION_STEP_NOT_MIGRATABLE);
  g_assert_cmpstr (g_ptr_array_index (godwit_stage_report_get_blockers (report), 0), ==,
                   g_ptr_array_index (step->blockers, 0));
  g_assert_null (godwit_stage_report_get_sql (report));
  assert_impact (report, GODWIT_DATA_IMPACT_NULL_VIOLATION, "Post", "title", 3, FALSE, TRUE,
                 "Post.title becomes non-optional without a default value: 3 objects have no title");

  before = godwit_test_snapshot_directory (generated.store.dir);
  g_assert_false (godwit_migration_run (migration, NULL, TRUE, NULL, &error));
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL);
  g_assert_nonnull (strstr (error->message, "3 objects have no title"));
  g_clear_error (&error);
  after = godwit_test_snapshot_directory (generated.store.dir);
  g_assert_cmpstr (after, ==, before);
  g_clear_object (&migration);
  generated_clear (&generated);

  /* One object without a title: the sentence says so. */
  migration = new_title_migration (&generated, 1);
  step = g_ptr_array_index (godwit_migration_get_steps (migration), 0);
  g_assert_cmpstr (g_ptr_array_index (step->blockers, 0), ==,
                   "Post.title becomes non-optional without a default value: 1 object has no title");
  g_clear_object (&migration);
  generated_clear (&generated);

  /* Every post has a title: the step is inferred and runs. */
  migration = new_title_migration (&generated, 0);
  step = g_ptr_array_index (godwit_migration_get_steps (migration), 0);
  g_assert_cmpint (step->kind, ==, GODWIT_MIGRATION_STEP_INFERRED);
  g_assert_cmpuint (step->blockers->len, ==, 0);
  report = first_report (migration);
  g_assert_cmpuint (godwit_stage_report_get_impacts (report)->len, ==, 0);
  g_assert_true (godwit_migration_run (migration, NULL, TRUE, NULL, &error));
  g_assert_no_error (error);
  assert_count (first_report (migration), "Post", "Post", 5, 5, 5);

  generated_clear (&generated);
}

/* A new uniqueness constraint over values that repeat: the objects that
 * share one are counted, and the inferred step would fail on them. */
static void
test_new_uniqueness_constraint (void)
{
  Generated generated = { 0 };
  g_autoptr(GodwitStoreWriter) writer = NULL;
  g_autoptr(GodwitMigration) migration = NULL;
  GodwitMigrationStep *step;
  const GodwitDataImpact *impact;
  static const char * const names[] = { "a", "a", "b", "c", "c", "c", NULL, NULL };

  writer = generated_init (&generated,
                           "<entity name=\"Tag\" representedClassName=\"Tag\" syncable=\"YES\">"
                           "<attribute name=\"name\" optional=\"YES\" attributeType=\"String\"/></entity>",
                           "<entity name=\"Tag\" representedClassName=\"Tag\" syncable=\"YES\">"
                           "<attribute name=\"name\" optional=\"YES\" attributeType=\"String\"/>"
                           "<attribute name=\"color\" optional=\"YES\" attributeType=\"String\"/>"
                           "<uniquenessConstraints><uniquenessConstraint><constraint value=\"name\"/>"
                           "</uniquenessConstraint></uniquenessConstraints></entity>");
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    godwit_test_insert (writer, "Tag", "name", names[i] != NULL ? g_variant_new_string (names[i]) : NULL, NULL);
  godwit_test_writer_commit (writer);

  migration = new_generated_migration (&generated, NULL);
  step = g_ptr_array_index (godwit_migration_get_steps (migration), 0);
  /* Two "a" and three "c"; NULLs never clash. */
  impact = assert_impact (first_report (migration), GODWIT_DATA_IMPACT_UNIQUENESS_VIOLATION, "Tag", "name", 5,
                          FALSE, TRUE,
                          "Tag: 5 objects share their name with another object, which the uniqueness "
                          "constraint (name) forbids");
  g_assert_cmpint (step->kind, ==, GODWIT_MIGRATION_STEP_NOT_MIGRATABLE);
  g_assert_cmpstr (g_ptr_array_index (step->blockers, 0), ==, impact->message);

  generated_clear (&generated);
}

#define ITEM_V1 "<entity name=\"Item\" representedClassName=\"Item\" syncable=\"YES\">" \
  "<attribute name=\"name\" optional=\"YES\" attributeType=\"String\"/>" \
  "<attribute name=\"rating\" optional=\"YES\" attributeType=\"String\"/></entity>"
#define ITEM_V2 "<entity name=\"Item\" representedClassName=\"Item\" syncable=\"YES\">" \
  "<attribute name=\"name\" optional=\"YES\" attributeType=\"String\"/>" \
  "<attribute name=\"rating\" optional=\"YES\" attributeType=\"Integer 32\" usesScalarValueType=\"YES\"/></entity>"

/* Items: a name (or none) and a rating, in text. */
static void
write_items (Generated *generated)
{
  g_autoptr(GodwitStoreWriter) writer = generated_init (generated, ITEM_V1, ITEM_V2);
  static const char * const names[] = { "a", "b", NULL, "c", "d" };
  static const char * const ratings[] = { "5", "x", "7", NULL, "3.5" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    godwit_test_insert (writer, "Item",
                        "name", names[i] != NULL ? g_variant_new_string (names[i]) : NULL,
                        "rating", ratings[i] != NULL ? g_variant_new_string (ratings[i]) : NULL, NULL);
  godwit_test_writer_commit (writer);
}

#define ITEM_PLAN(did_migrate) \
  "{ \"godwit-migration-plan\": 1, \"stages\": [ { \"kind\": \"custom\", \"from\": \"Shop\", " \
  "\"to\": \"Shop 2\", \"did-migrate\": [" did_migrate "], \"entity-mappings\": [ { \"name\": \"ItemToItem\", " \
  "\"source\": \"Item\", \"destination\": \"Item\", \"filter\": \"name IS NOT NULL\", " \
  "\"attributes\": { \"rating\": \"rating\" } } ] } ] }"

/* A plan's stage: its filter predicts the objects, the values it copies
 * into a new type are checked, the objects it leaves out are counted. */
static void
test_plan_stage (void)
{
  Generated generated = { 0 };
  g_autoptr(GodwitMigration) migration = NULL;
  g_autoptr(GError) error = NULL;
  GodwitStageReport *report;

  write_items (&generated);
  migration = new_generated_migration (&generated, ITEM_PLAN (""));
  g_assert_true (godwit_migration_can_run (migration));
  report = first_report (migration);
  assert_count (report, "Item", "Item", 5, 4, -1);

  g_assert_true (godwit_migration_run (migration, NULL, TRUE, NULL, &error));
  g_assert_no_error (error);
  report = first_report (migration);
  assert_count (report, "Item", "Item", 5, 4, 4);
  g_assert_cmpuint (godwit_stage_report_get_impacts (report)->len, ==, 2);

  /* "x" and "3.5" are no Integer 32. */
  assert_impact (report, GODWIT_DATA_IMPACT_FAILED_CONVERSION, "Item", "rating", 2, TRUE, FALSE,
                 "Item.rating changes type from String to Integer 32: 2 values made by entity mapping "
                 "ItemToItem cannot be converted");

  assert_impact (report, GODWIT_DATA_IMPACT_OBJECTS_DROPPED, "Item", NULL, 1, TRUE, FALSE,
                 "Item: 1 object is selected by no entity mapping’s filter and is dropped");

  generated_clear (&generated);
}

static char *
dup_journal_mode (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *statement = NULL;
  char *mode;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA journal_mode", -1, &statement, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (statement), ==, SQLITE_ROW);
  mode = g_strdup ((const char *) sqlite3_column_text (statement, 0));
  sqlite3_finalize (statement);
  sqlite3_close (db);

  return mode;
}

/* The first step's report after a dry run of ITEM_PLAN, as JSON. */
static char *
dup_plan_stage_report (Generated *generated)
{
  g_autoptr(GodwitMigration) migration = new_generated_migration (generated, ITEM_PLAN (""));
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  g_assert_true (godwit_migration_run (migration, NULL, TRUE, NULL, &error));
  g_assert_no_error (error);
  node = godwit_stage_report_to_json (first_report (migration));

  return json_to_string (node, TRUE);
}

/* In WAL mode a plan's stage's impacts are counted on a second
 * connection while the stage runs; with a rollback journal, before it.
 * Both count the store as will-migrate left it: the reports are the
 * same. */
static void
test_plan_stage_concurrent_counts (void)
{
  Generated generated = { 0 };
  g_autofree char *mode = NULL;
  g_autofree char *concurrent = NULL;
  g_autofree char *sequential = NULL;
  sqlite3 *db = NULL;

  write_items (&generated);
  mode = dup_journal_mode (generated.store.path);
  g_assert_cmpstr (mode, ==, "wal");
  concurrent = dup_plan_stage_report (&generated);

  g_assert_cmpint (sqlite3_open (generated.store.path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  g_clear_pointer (&mode, g_free);
  mode = dup_journal_mode (generated.store.path);
  g_assert_cmpstr (mode, ==, "delete");
  sequential = dup_plan_stage_report (&generated);

  g_assert_cmpstr (concurrent, ==, sequential);
  /* Counted before the stage: a value that does not convert, an object
   * its filter leaves out, 4 objects predicted and made. */
  g_assert_nonnull (strstr (concurrent, "\"failed-conversion\""));
  g_assert_nonnull (strstr (concurrent, "\"objects-dropped\""));
  g_assert_nonnull (strstr (concurrent, "\"predicted\" : 4"));
  g_assert_nonnull (strstr (concurrent, "\"after\" : 4"));

  generated_clear (&generated);
}

/* A stage whose did-migrate deletes an object makes fewer objects than
 * its mapping predicts: the migration fails and the store is untouched. */
static void
test_count_mismatch (void)
{
  Generated generated = { 0 };
  g_autoptr(GodwitMigration) migration = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *expected = NULL;

  write_items (&generated);
  before = godwit_test_snapshot_directory (generated.store.dir);
  migration = new_generated_migration (&generated, ITEM_PLAN ("\"DELETE FROM ZITEM WHERE Z_PK = 1\""));

  for (guint dry_run = 0; dry_run < 2; dry_run++)
    {
      g_assert_false (godwit_migration_run (migration, NULL, dry_run, NULL, &error));
      g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_CORRUPT_STORE);
      expected = g_strdup_printf ("%s: step 1 (“Shop” → “Shop 2”): verification failed: "
                                  "Item: 4 objects expected, 3 found", generated.store.path);
      g_assert_cmpstr (error->message, ==, expected);
      g_clear_pointer (&expected, g_free);
      g_clear_error (&error);
      g_assert_null (godwit_migration_get_backup (migration));
      assert_count (first_report (migration), "Item", "Item", 5, 4, 3);

      after = godwit_test_snapshot_directory (generated.store.dir);
      g_assert_cmpstr (after, ==, before);
      g_clear_pointer (&after, g_free);
    }

  generated_clear (&generated);
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
  g_test_add_func ("/migration/report/wibosco-dry-run", test_wibosco_dry_run_reports);
  g_test_add_func ("/migration/report/dropped-data", test_dropped_data);
  g_test_add_func ("/migration/report/missing-values", test_missing_values);
  g_test_add_func ("/migration/report/new-uniqueness-constraint", test_new_uniqueness_constraint);
  g_test_add_func ("/migration/report/plan-stage", test_plan_stage);
  g_test_add_func ("/migration/report/count-mismatch", test_count_mismatch);
  g_test_add_func ("/migration/report/plan-stage-concurrent-counts", test_plan_stage_concurrent_counts);

  return g_test_run ();
}
