/* test-cli-migrate.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "godwit-model-bundle.h"
#include "godwit-test-model.h"
#include "godwit-test-store.h"
#include "godwit-test-utils.h"

#define WIBOSCO_BUNDLE "wibosco-revised/CoreDataMigration_Example.xcdatamodeld"
#define WIBOSCO_STORE  "wibosco-revised/stores/CoreDataMigration_Example_1.sqlite"
#define WIBOSCO_MAPPING "wibosco-revised/Migration2to3ModelMapping.xcmappingmodel"
#define BERGIER_BUNDLE "bergier/Model.xcdatamodeld"
#define BERGIER_STORE  "bergier/stores/Example_v1.0.0.sqlite"

/* Kills of the bergier migration, spread over its whole run. */
#define N_KILLS 40

typedef struct
{
  char *dir;
  char *store;
  char *bundle;
  char *plan;
  char *original_sum;
} Fixture;

/* A copy of a real store in a fresh folder; FALSE (skipped) without the
 * shared fixtures. */
static gboolean
fixture_init (Fixture    *fixture,
              const char *store_fixture,
              const char *bundle_fixture)
{
  g_autofree char *store = godwit_test_fixture_path (store_fixture);
  g_autofree char *bundle = godwit_test_fixture_path (bundle_fixture);

  if (store == NULL || bundle == NULL)
    return FALSE;

  fixture->dir = godwit_test_make_tmpdir ();
  fixture->store = g_build_filename (fixture->dir, "Store.sqlite", NULL);
  fixture->bundle = g_steal_pointer (&bundle);
  fixture->plan = g_test_build_filename (G_TEST_DIST, "plans", "wibosco.godwit-plan.json", NULL);
  godwit_test_copy_store (store, fixture->store);
  fixture->original_sum = godwit_test_file_checksum (fixture->store);

  return TRUE;
}

static void
fixture_clear (Fixture *fixture)
{
  godwit_test_rmdir (fixture->dir);
  g_clear_pointer (&fixture->dir, g_free);
  g_clear_pointer (&fixture->store, g_free);
  g_clear_pointer (&fixture->bundle, g_free);
  g_clear_pointer (&fixture->plan, g_free);
  g_clear_pointer (&fixture->original_sum, g_free);
}

/* The bundle version `inspect --model` says the store matches. */
static char *
dup_matched_version (Fixture *fixture)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *match;

  g_assert_cmpint (godwit_test_run_cli (&out, &err, "inspect", fixture->store, "--model", fixture->bundle, "--json",
                                        NULL), ==, 0);
  root = godwit_test_parse_json (out);
  match = godwit_test_object_member (json_node_get_object (root), "bundle_match");

  return g_strdup (json_object_get_string_member (match, "matched_version"));
}

static void
assert_step (JsonArray  *steps,
             guint       index,
             const char *from,
             const char *to,
             const char *kind)
{
  JsonObject *step = json_array_get_object_element (steps, index);

  g_assert_cmpstr (json_object_get_string_member (step, "from"), ==, from);
  g_assert_cmpstr (json_object_get_string_member (step, "to"), ==, to);
  g_assert_cmpstr (json_object_get_string_member (step, "kind"), ==, kind);
}

static void
test_usage (void)
{
  const char *commands[] = { "plan", "migrate", "rollback", "backups" };

  /* Both assert what they run. */
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_free (godwit_test_cli_help (commands[i]));
      g_free (godwit_test_cli_usage_error (commands[i], NULL));
    }
}

/* wibosco store 1 through the plan: 3 steps, the middle one the plan's. */
static void
test_plan (void)
{
  Fixture fixture = { 0 };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;
  JsonArray *steps;
  JsonArray *changes;

  if (!fixture_init (&fixture, WIBOSCO_STORE, WIBOSCO_BUNDLE))
    return;

  g_assert_cmpint (godwit_test_run_cli (&out, &err, "plan", fixture.store, "--model", fixture.bundle, "--plan",
                                        fixture.plan, "--json", NULL), ==, 0);
  root = godwit_test_parse_json (out);
  object = json_node_get_object (root);
  g_assert_cmpstr (json_object_get_string_member (object, "source_version"), ==, "CoreDataMigration_Example");
  g_assert_cmpstr (json_object_get_string_member (object, "target_version"), ==, "CoreDataMigration_Example 4");
  g_assert_true (json_object_get_boolean_member (object, "can_run"));
  g_assert_false (json_object_get_boolean_member (object, "up_to_date"));
  steps = godwit_test_array_member (object, "steps");
  g_assert_cmpuint (json_array_get_length (steps), ==, 3);
  assert_step (steps, 0, "CoreDataMigration_Example", "CoreDataMigration_Example 2", "inferred");
  assert_step (steps, 1, "CoreDataMigration_Example 2", "CoreDataMigration_Example 3", "migration-plan");
  assert_step (steps, 2, "CoreDataMigration_Example 3", "CoreDataMigration_Example 4", "inferred");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (steps, 1), "stage"), ==,
                   "stages[1]");

  /* The first step renames Post.color, in words. */
  changes = godwit_test_array_member (json_array_get_object_element (steps, 0), "changes");
  g_assert_cmpuint (json_array_get_length (changes), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (changes, 0), "entity"), ==,
                   "Post");
  g_assert_nonnull (strstr (out, "Post.color is renamed to hexColor"));

  /* The first step's data is counted on the store; later steps' only by
   * a dry run. */
  {
    JsonObject *first = json_array_get_object_element (steps, 0);
    JsonObject *count = json_array_get_object_element (godwit_test_array_member (first, "counts"), 0);

    g_assert_cmpint (json_object_get_int_member (first, "step"), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (count, "source_entity"), ==, "Post");
    g_assert_cmpint (json_object_get_int_member (count, "before"), ==, 10);
    g_assert_cmpint (json_object_get_int_member (count, "predicted"), ==, 10);
    g_assert_true (json_object_get_null_member (count, "after"));
    g_assert_cmpuint (json_array_get_length (godwit_test_array_member (first, "impacts")), ==, 0);
    g_assert_true (json_object_get_null_member (json_array_get_object_element (steps, 1), "impacts"));
  }
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* The text says the same. */
  g_assert_cmpint (godwit_test_run_cli (&out, &err, "plan", fixture.store, "--model", fixture.bundle, "--plan",
                                        fixture.plan, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Step 2 of 3"));
  g_assert_nonnull (strstr (out, "(migration-plan)"));

  fixture_clear (&fixture);
}

/* Without the plan, the Xcode mapping model covers step 2, and its policy
 * class cannot run here. */
static void
test_plan_mapping_model (void)
{
  Fixture fixture = { 0 };
  g_autofree char *mapping = godwit_test_fixture_path (WIBOSCO_MAPPING);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonArray *steps;
  JsonArray *blockers;

  if (mapping == NULL || !fixture_init (&fixture, WIBOSCO_STORE, WIBOSCO_BUNDLE))
    return;

  g_assert_cmpint (godwit_test_run_cli (&out, &err, "plan", fixture.store, "--model", fixture.bundle, "--mapping",
                                        mapping, NULL), ==, 1);
  g_assert_nonnull (strstr (out, "Post2ToPost3MigrationPolicy"));
  g_assert_nonnull (strstr (out, "(mapping-model)"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (godwit_test_run_cli (&out, &err, "plan", fixture.store, "--model", fixture.bundle, "--mapping",
                                        mapping, "--json", NULL), ==, 1);
  root = godwit_test_parse_json (out);
  g_assert_false (json_object_get_boolean_member (json_node_get_object (root), "can_run"));
  steps = godwit_test_array_member (json_node_get_object (root), "steps");
  assert_step (steps, 1, "CoreDataMigration_Example 2", "CoreDataMigration_Example 3", "mapping-model");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (steps, 1), "mapping_model"), ==,
                   mapping);
  blockers = godwit_test_array_member (json_array_get_object_element (steps, 1), "blockers");
  g_assert_cmpuint (json_array_get_length (blockers), >=, 1);
  g_assert_nonnull (strstr (json_array_get_string_element (blockers, 0), "Post2ToPost3MigrationPolicy"));
  g_assert_cmpuint (json_array_get_length (godwit_test_array_member (json_array_get_object_element (steps, 0),
                                                                     "blockers")), ==, 0);

  fixture_clear (&fixture);
}

/* A dry run, the migration, its backup and the rollback, in order. */
static void
test_migrate_and_rollback (void)
{
  Fixture fixture = { 0 };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *listing = NULL;
  g_autofree char *version = NULL;
  g_autofree char *sum = NULL;
  g_autofree char *backup_path = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *backup;
  JsonArray *backups;

  if (!fixture_init (&fixture, WIBOSCO_STORE, WIBOSCO_BUNDLE))
    return;

  listing = godwit_test_snapshot_directory (fixture.dir);
  {
    g_autofree char *after = NULL;

    g_assert_cmpint (godwit_test_run_cli (&out, &err, "migrate", fixture.store, "--model", fixture.bundle, "--plan",
                                          fixture.plan, "--dry-run", NULL), ==, 0);
    g_assert_nonnull (strstr (out, "integrity check: ok"));
    g_assert_nonnull (strstr (err, "step 2 of 3: migrate PostToSection 10/10"));
    after = godwit_test_snapshot_directory (fixture.dir);
    g_assert_cmpstr (after, ==, listing);
  }
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (godwit_test_run_cli (&out, &err, "migrate", fixture.store, "--model", fixture.bundle, "--plan",
                                        fixture.plan, "--json", NULL), ==, 0);
  root = godwit_test_parse_json (out);
  g_assert_cmpuint (json_array_get_length (godwit_test_array_member (json_node_get_object (root),
                                                                     "verification")), ==, 4);
  backup = godwit_test_object_member (json_node_get_object (root), "backup");
  backup_path = g_strdup (json_object_get_string_member (backup, "path"));
  g_assert_true (g_file_test (backup_path, G_FILE_TEST_IS_DIR));
  g_clear_pointer (&root, json_node_unref);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  version = dup_matched_version (&fixture);
  g_assert_cmpstr (version, ==, "CoreDataMigration_Example 4");

  g_assert_cmpint (godwit_test_run_cli (&out, &err, "backups", fixture.store, "--json", NULL), ==, 0);
  root = godwit_test_parse_json (out);
  backups = godwit_test_array_member (json_node_get_object (root), "backups");
  g_assert_cmpuint (json_array_get_length (backups), ==, 1);
  backup = json_array_get_object_element (backups, 0);
  g_assert_cmpstr (json_object_get_string_member (backup, "path"), ==, backup_path);
  g_assert_nonnull (strstr (json_object_get_string_member (backup, "description"), "CoreDataMigration_Example 4"));
  g_assert_cmpint (json_object_get_int_member (backup, "size"), >, 0);
  {
    g_autoptr(GDateTime) created = g_date_time_new_from_iso8601 (json_object_get_string_member (backup, "created"),
                                                                 NULL);

    g_assert_nonnull (created);
  }
  g_clear_pointer (&root, json_node_unref);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (godwit_test_run_cli (&out, &err, "rollback", fixture.store, NULL), ==, 0);
  g_assert_nonnull (strstr (out, backup_path));
  sum = godwit_test_file_checksum (fixture.store);
  g_assert_cmpstr (sum, ==, fixture.original_sum);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* The rollback kept the migrated store; pruning to one leaves that. */
  g_assert_cmpint (godwit_test_run_cli (&out, &err, "backups", fixture.store, "--prune", "1", "--json", NULL), ==, 0);
  root = godwit_test_parse_json (out);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (root), "pruned"), ==, 1);
  backups = godwit_test_array_member (json_node_get_object (root), "backups");
  g_assert_cmpuint (json_array_get_length (backups), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (backups, 0), "path"), !=,
                   backup_path);
  g_assert_false (g_file_test (backup_path, G_FILE_TEST_EXISTS));

  fixture_clear (&fixture);
}

/* A stage of the dry run's JSON, with its count of @destination. */
static JsonObject *
find_stage_count (JsonObject *stage,
                  const char *destination)
{
  JsonArray *counts = godwit_test_array_member (stage, "counts");

  for (guint i = 0; i < json_array_get_length (counts); i++)
    {
      JsonObject *count = json_array_get_object_element (counts, i);

      if (g_strcmp0 (json_object_get_string_member (count, "destination_entity"), destination) == 0)
        return count;
    }

  g_assert_not_reached ();
}

/* migrate --dry-run reports each stage: counts, data impact, SQL and
 * sample objects, in JSON and in text. */
static void
test_dry_run_report (void)
{
  Fixture fixture = { 0 };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *sum = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;
  JsonArray *stages;
  JsonObject *stage;
  JsonObject *count;
  JsonObject *impact;
  JsonArray *samples;

  if (!fixture_init (&fixture, WIBOSCO_STORE, WIBOSCO_BUNDLE))
    return;

  g_assert_cmpint (godwit_test_run_cli (&out, &err, "migrate", fixture.store, "--model", fixture.bundle, "--plan",
                                        fixture.plan, "--dry-run", "--json", NULL), ==, 0);
  sum = godwit_test_file_checksum (fixture.store);
  g_assert_cmpstr (sum, ==, fixture.original_sum);

  root = godwit_test_parse_json (out);
  object = json_node_get_object (root);
  g_assert_true (json_object_get_boolean_member (object, "dry_run"));
  g_assert_true (json_object_get_null_member (object, "backup"));
  stages = godwit_test_array_member (object, "stages");
  g_assert_cmpuint (json_array_get_length (stages), ==, 3);

  stage = json_array_get_object_element (stages, 1);
  g_assert_cmpint (json_object_get_int_member (stage, "step"), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (stage, "kind"), ==, "migration-plan");
  g_assert_cmpstr (json_object_get_string_member (stage, "stage"), ==, "stages[1]");
  g_assert_true (json_object_get_boolean_member (stage, "ran"));
  g_assert_cmpuint (json_array_get_length (godwit_test_array_member (stage, "changes")), ==, 2);

  count = find_stage_count (stage, "Section");
  g_assert_true (json_object_get_null_member (count, "source_entity"));
  g_assert_cmpint (json_object_get_int_member (count, "before"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (count, "predicted"), ==, 10);
  g_assert_cmpint (json_object_get_int_member (count, "after"), ==, 10);
  count = find_stage_count (stage, "Post");
  g_assert_cmpint (json_object_get_int_member (count, "before"), ==, 10);
  g_assert_cmpint (json_object_get_int_member (count, "after"), ==, 10);

  g_assert_cmpuint (json_array_get_length (godwit_test_array_member (stage, "impacts")), ==, 1);
  impact = json_array_get_object_element (godwit_test_array_member (stage, "impacts"), 0);
  g_assert_cmpstr (json_object_get_string_member (impact, "kind"), ==, "values-dropped");
  g_assert_cmpstr (json_object_get_string_member (impact, "entity"), ==, "Post");
  g_assert_cmpstr (json_object_get_string_member (impact, "property"), ==, "content");
  g_assert_cmpint (json_object_get_int_member (impact, "count"), ==, 10);
  g_assert_false (json_object_get_boolean_member (impact, "loses_data"));
  g_assert_false (json_object_get_boolean_member (impact, "blocks"));

  g_assert_true (g_str_has_prefix (json_array_get_string_element (godwit_test_array_member (stage, "sql"), 0),
                                   "CREATE TEMP VIEW"));

  samples = godwit_test_array_member (stage, "samples");
  g_assert_cmpuint (json_array_get_length (samples), ==, 2);
  {
    JsonObject *section_samples = json_array_get_object_element (samples, 1);
    JsonObject *section = json_array_get_object_element (godwit_test_array_member (section_samples, "after"), 0);

    g_assert_cmpstr (json_object_get_string_member (section_samples, "destination_entity"), ==, "Section");
    g_assert_cmpuint (json_array_get_length (godwit_test_array_member (section_samples, "before")), ==, 0);
    g_assert_cmpstr (json_object_get_string_member (section, "entity"), ==, "Section");
    g_assert_cmpint (json_object_get_int_member (section, "pk"), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (godwit_test_object_member (section, "attributes"), "title"),
                     ==, "Post...");
  }
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (godwit_test_run_cli (&out, &err, "migrate", fixture.store, "--model", fixture.bundle, "--plan",
                                        fixture.plan, "--dry-run", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Step 2 of 3"));
  g_assert_nonnull (strstr (out, "    Section (added)       0         10     10\n"));
  g_assert_nonnull (strstr (out, "    Post.content is removed: 10 stored values are read by entity mapping "
                                 "PostToSection first\n"));
  g_assert_nonnull (strstr (out, "  SQL (26 statements)\n"));
  g_assert_nonnull (strstr (out, "  Section objects after\n    p1: body="));
  g_assert_nonnull (strstr (out, "object counts: in each of 3 steps every entity has the objects its mapping "
                                 "predicts (5 counts)"));

  fixture_clear (&fixture);
}

#define POST_ENTITY(attributes) \
  "<entity name=\"Post\" representedClassName=\"Post\" syncable=\"YES\">" attributes "</entity>\n"

/* A version in which Post.title becomes non-optional without a default
 * value, and a store of the first with two posts without a title. */
static void
write_title_store (const char  *dir,
                   char       **bundle_path,
                   char       **store_path)
{
  g_autoptr(GodwitModelBundle) bundle = NULL;
  g_autoptr(GodwitStoreWriter) writer = NULL;

  *bundle_path = g_build_filename (dir, "Blog.xcdatamodeld", NULL);
  *store_path = g_build_filename (dir, "Blog.sqlite", NULL);
  bundle = godwit_test_write_bundle (*bundle_path,
                                     "Blog", POST_ENTITY ("<attribute name=\"title\" optional=\"YES\" "
                                                          "attributeType=\"String\"/>"),
                                     "Blog 2", POST_ENTITY ("<attribute name=\"title\" attributeType=\"String\"/>"),
                                     NULL);
  writer = godwit_test_writer_new (godwit_model_bundle_find_version (bundle, "Blog"), *store_path);
  godwit_test_writer_begin (writer);
  godwit_test_insert (writer, "Post", "title", g_variant_new_string ("Hello"), NULL);
  godwit_test_insert (writer, "Post", "title", NULL, NULL);
  godwit_test_insert (writer, "Post", "title", NULL, NULL);
  godwit_test_writer_commit (writer);
}

/* plan counts the first step's data: the objects without a value a
 * non-optional attribute needs make it not migratable, by number. */
static void
test_plan_counts (void)
{
  g_autofree char *dir = godwit_test_make_tmpdir ();
  g_autofree char *bundle = NULL;
  g_autofree char *store = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *step;
  JsonObject *impact;

  write_title_store (dir, &bundle, &store);
  before = godwit_test_snapshot_directory (dir);

  g_assert_cmpint (godwit_test_run_cli (&out, &err, "plan", store, "--model", bundle, NULL), ==, 1);
  g_assert_nonnull (strstr (out, "Step 1 of 1: “Blog” → “Blog 2” (not-migratable)\n"));
  g_assert_nonnull (strstr (out, "  cannot run: Post.title becomes non-optional without a default value: "
                                 "2 objects have no title\n"));
  g_assert_nonnull (strstr (out, "    ENTITY  BEFORE  PREDICTED  AFTER\n"
                                 "    Post         3          –      –\n"));
  g_assert_nonnull (strstr (out, "    [blocks the step] Post.title becomes non-optional without a default value: "
                                 "2 objects have no title\n"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (godwit_test_run_cli (&out, &err, "plan", store, "--model", bundle, "--json", NULL), ==, 1);
  root = godwit_test_parse_json (out);
  g_assert_false (json_object_get_boolean_member (json_node_get_object (root), "can_run"));
  step = json_array_get_object_element (godwit_test_array_member (json_node_get_object (root), "steps"), 0);
  g_assert_cmpstr (json_object_get_string_member (step, "kind"), ==, "not-migratable");
  g_assert_true (json_object_get_null_member (step, "sql"));
  impact = json_array_get_object_element (godwit_test_array_member (step, "impacts"), 0);
  g_assert_cmpstr (json_object_get_string_member (impact, "kind"), ==, "null-violation");
  g_assert_cmpint (json_object_get_int_member (impact, "count"), ==, 2);
  g_assert_true (json_object_get_boolean_member (impact, "blocks"));
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (godwit_test_array_member (step, "counts"), 0),
                                               "before"), ==, 3);

  /* Planning only read the store. */
  after = godwit_test_snapshot_directory (dir);
  g_assert_cmpstr (after, ==, before);

  godwit_test_rmdir (dir);
}

/* @usage (taken), the message of a usage error, names @name. */
static void
assert_naming (char       *usage,
               const char *name)
{
  g_assert_nonnull (strstr (usage, name));
  g_free (usage);
}

static void
test_bad_input (void)
{
  Fixture fixture = { 0 };
  g_autofree char *missing = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *sum = NULL;
  g_autofree char *after = NULL;

  if (!fixture_init (&fixture, WIBOSCO_STORE, WIBOSCO_BUNDLE))
    return;

  missing = g_build_filename (fixture.dir, "Missing.sqlite", NULL);

  assert_naming (godwit_test_cli_usage_error ("plan", missing, "--model", fixture.bundle, NULL), missing);
  assert_naming (godwit_test_cli_usage_error ("migrate", missing, "--model", fixture.bundle, NULL), missing);
  assert_naming (godwit_test_cli_usage_error ("migrate", fixture.store, "--model", fixture.bundle,
                                              "--to", "Nonesuch", NULL),
                 "Nonesuch");
  assert_naming (godwit_test_cli_usage_error ("plan", fixture.store, NULL), "--model");
  assert_naming (godwit_test_cli_usage_error ("rollback", fixture.store, NULL), "no backup");
  assert_naming (godwit_test_cli_usage_error ("backups", fixture.store, "--prune", "-1", NULL), "--prune");

  /* Store 1 up to version 2, then back to 1: only forward. */
  g_assert_cmpint (godwit_test_run_cli (&out, &err, "migrate", fixture.store, "--model", fixture.bundle,
                                        "--plan", fixture.plan, "--to", "CoreDataMigration_Example 2", NULL), ==, 0);
  sum = godwit_test_file_checksum (fixture.store);
  assert_naming (godwit_test_cli_usage_error ("migrate", fixture.store, "--model", fixture.bundle,
                                              "--plan", fixture.plan, "--to", "CoreDataMigration_Example", NULL),
                 fixture.store);
  after = godwit_test_file_checksum (fixture.store);
  g_assert_cmpstr (after, ==, sum);

  fixture_clear (&fixture);
}

/* Starts `godwit-cli migrate` on @fixture's store, its output thrown away. */
static GPid
spawn_migrate (Fixture *fixture)
{
  const char *argv[] = { godwit_test_cli_path (), "migrate", fixture->store, "--model", fixture->bundle, NULL };
  g_autoptr(GError) error = NULL;
  GPid pid = 0;

  g_spawn_async (NULL, (char **) argv, NULL,
                 G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                 NULL, NULL, &pid, &error);
  g_assert_no_error (error);

  return pid;
}

static void
migrate_and_wait (Fixture *fixture)
{
  int status = 0;
  GPid pid = spawn_migrate (fixture);

  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
}

/* Whatever instant migrate dies at, the store opens as v1.0.0 (the
 * original bytes) or as v2.0.0, and the next migrate finishes the job. */
static void
test_kill (void)
{
  g_autofree char *store = godwit_test_fixture_path (BERGIER_STORE);
  gint64 started;
  gint64 duration;

  if (store == NULL)
    return;

  /* How long a whole run takes here (sanitizers slow it down): the
   * shortest of a few, the first being slowed by cold caches. */
  duration = G_MAXINT64;
  for (guint i = 0; i < 3; i++)
    {
      Fixture fixture = { 0 };
      g_autofree char *version = NULL;

      if (!fixture_init (&fixture, BERGIER_STORE, BERGIER_BUNDLE))
        return;
      started = g_get_monotonic_time ();
      migrate_and_wait (&fixture);
      duration = MIN (duration, g_get_monotonic_time () - started);
      version = dup_matched_version (&fixture);
      g_assert_cmpstr (version, ==, "v2.0.0");
      fixture_clear (&fixture);
    }

  /* A little past the end too, so that the last kills find it done. */
  for (guint i = 0; i <= N_KILLS; i++)
    {
      Fixture fixture = { 0 };
      g_autofree char *version = NULL;
      gint64 delay = duration * i * 5 / (N_KILLS * 4);
      int status = 0;
      GPid pid;

      g_assert_true (fixture_init (&fixture, BERGIER_STORE, BERGIER_BUNDLE));

      pid = spawn_migrate (&fixture);
      g_usleep ((gulong) delay);
      kill (pid, SIGKILL);
      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      version = dup_matched_version (&fixture);
      g_test_message ("after %" G_GINT64_FORMAT " of %" G_GINT64_FORMAT " us (%s): %s", delay, duration,
                      WIFSIGNALED (status) ? "killed" : "had finished", version);
      if (g_strcmp0 (version, "v1.0.0") == 0)
        {
          g_autofree char *sum = godwit_test_file_checksum (fixture.store);

          g_assert_cmpstr (sum, ==, fixture.original_sum);
        }
      else
        g_assert_cmpstr (version, ==, "v2.0.0");
      g_clear_pointer (&version, g_free);

      migrate_and_wait (&fixture);
      version = dup_matched_version (&fixture);
      g_assert_cmpstr (version, ==, "v2.0.0");

      fixture_clear (&fixture);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cli-migrate/usage", test_usage);
  g_test_add_func ("/cli-migrate/plan", test_plan);
  g_test_add_func ("/cli-migrate/plan/mapping-model", test_plan_mapping_model);
  g_test_add_func ("/cli-migrate/plan/counts", test_plan_counts);
  g_test_add_func ("/cli-migrate/migrate-and-rollback", test_migrate_and_rollback);
  g_test_add_func ("/cli-migrate/dry-run-report", test_dry_run_report);
  g_test_add_func ("/cli-migrate/bad-input", test_bad_input);
  g_test_add_func ("/cli-migrate/kill", test_kill);

  return g_test_run ();
}
