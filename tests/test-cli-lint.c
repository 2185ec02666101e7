/* test-cli-lint.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The sync-compatibility findings in `godwit-cli plan` and `godwit-cli
 * migrate --dry-run`, text and JSON: the demo garden's two steps, each
 * breaking sync, and a generated bundle whose steps are compatible, then
 * only warned about.
 */

#include "config.h"

#include <string.h>

#include "godwit-model-bundle.h"
#include "godwit-test-model.h"
#include "godwit-test-store.h"
#include "godwit-test-utils.h"

#define RENAMED_MESSAGE \
  "“Plant.name” is renamed to “commonName”: documents carry it under the new key, so the “name” " \
  "values older peers send are dropped on pull, and older peers find no “name” in the documents " \
  "this store sends"
#define REMOVED_MESSAGE \
  "Older peers still send “Plant.notes”; after this step the store has no such attribute, so " \
  "their values are dropped on pull"
#define OPTIONAL_MESSAGE \
  "“Post.title” becomes optional: this store may send it without a value (null), which older " \
  "peers, for whom it is non-optional, refuse"

typedef struct
{
  char *dir;
  char *store;
  char *bundle;
  char *plan;     /* (nullable) */
} Fixture;

/* A garden written at “Garden”, the demo bundle and the garden plan. */
static void
garden_init (Fixture *fixture)
{
  g_autoptr(GodwitModelBundle) bundle = godwit_test_load_garden ();
  g_autoptr(GodwitStoreWriter) writer = NULL;

  fixture->dir = godwit_test_make_tmpdir ();
  fixture->store = g_build_filename (fixture->dir, "Garden.sqlite", NULL);
  fixture->bundle = g_test_build_filename (G_TEST_DIST, "..", "data", "demo", "Garden.xcdatamodeld", NULL);
  fixture->plan = g_test_build_filename (G_TEST_DIST, "plans", "garden.godwit-plan.json", NULL);
  writer = godwit_test_writer_new (godwit_model_bundle_find_version (bundle, "Garden"), fixture->store);
  godwit_test_writer_begin (writer);
  godwit_test_write_garden (writer, "Garden", FALSE);
  godwit_test_writer_commit (writer);
}

#define POST_ENTITY(attributes) \
  "<entity name=\"Post\" representedClassName=\"Post\" syncable=\"YES\">" attributes "</entity>\n"
#define TITLE "<attribute name=\"title\" attributeType=\"String\"/>"
#define SUMMARY "<attribute name=\"summary\" optional=\"YES\" attributeType=\"String\"/>"

/* Blog → Blog 2 adds an optional attribute (compatible); in Blog 3 the
 * title becomes optional (a warning). A store of Blog with one post. */
static void
blog_init (Fixture *fixture)
{
  g_autoptr(GodwitModelBundle) bundle = NULL;
  g_autoptr(GodwitStoreWriter) writer = NULL;

  fixture->dir = godwit_test_make_tmpdir ();
  fixture->store = g_build_filename (fixture->dir, "Blog.sqlite", NULL);
  fixture->bundle = g_build_filename (fixture->dir, "Blog.xcdatamodeld", NULL);
  bundle = godwit_test_write_bundle (fixture->bundle,
                                     "Blog", POST_ENTITY (TITLE),
                                     "Blog 2", POST_ENTITY (TITLE SUMMARY),
                                     "Blog 3", POST_ENTITY ("<attribute name=\"title\" optional=\"YES\" "
                                                            "attributeType=\"String\"/>" SUMMARY),
                                     NULL);
  writer = godwit_test_writer_new (godwit_model_bundle_find_version (bundle, "Blog"), fixture->store);
  godwit_test_writer_begin (writer);
  godwit_test_insert (writer, "Post", "title", g_variant_new_string ("Hello"), NULL);
  godwit_test_writer_commit (writer);
}

static void
fixture_clear (Fixture *fixture)
{
  godwit_test_rmdir (fixture->dir);
  g_clear_pointer (&fixture->dir, g_free);
  g_clear_pointer (&fixture->store, g_free);
  g_clear_pointer (&fixture->bundle, g_free);
  g_clear_pointer (&fixture->plan, g_free);
}

/* The step's `sync` is one finding, as given; `breaks_sync` follows it. */
static void
assert_step_finding (JsonObject *step,
                     const char *severity,
                     const char *rule,
                     const char *entity,
                     const char *property,
                     const char *message)
{
  JsonArray *sync = godwit_test_array_member (step, "sync");
  JsonObject *finding;

  g_assert_cmpuint (json_array_get_length (sync), ==, 1);
  finding = json_array_get_object_element (sync, 0);
  g_assert_cmpuint (json_object_get_size (finding), ==, 5);
  g_assert_cmpstr (json_object_get_string_member (finding, "severity"), ==, severity);
  g_assert_cmpstr (json_object_get_string_member (finding, "rule"), ==, rule);
  g_assert_cmpstr (json_object_get_string_member (finding, "entity"), ==, entity);
  g_assert_cmpstr (json_object_get_string_member (finding, "property"), ==, property);
  g_assert_cmpstr (json_object_get_string_member (finding, "message"), ==, message);
  g_assert_true (json_object_get_boolean_member (step, "breaks_sync") == (strcmp (severity, "breaks-sync") == 0));
}

static void
assert_step_compatible (JsonObject *step)
{
  g_assert_cmpuint (json_array_get_length (godwit_test_array_member (step, "sync")), ==, 0);
  g_assert_false (json_object_get_boolean_member (step, "breaks_sync"));
}

/* plan: each garden step breaks sync, in the summary and under the step;
 * the store is only read. */
static void
test_plan_garden (void)
{
  Fixture fixture = { 0 };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;
  JsonArray *steps;

  garden_init (&fixture);
  before = godwit_test_snapshot_directory (fixture.dir);

  g_assert_cmpint (godwit_test_run_cli (&out, &err, "plan", fixture.store, "--model", fixture.bundle, "--plan",
                                        fixture.plan, "--json", NULL), ==, 0);
  root = godwit_test_parse_json (out);
  object = json_node_get_object (root);
  g_assert_true (json_object_get_boolean_member (object, "can_run"));
  g_assert_true (json_object_get_boolean_member (object, "breaks_sync"));
  steps = godwit_test_array_member (object, "steps");
  g_assert_cmpuint (json_array_get_length (steps), ==, 2);
  assert_step_finding (json_array_get_object_element (steps, 0), "breaks-sync", "property-renamed", "Plant", "name",
                       RENAMED_MESSAGE);
  assert_step_finding (json_array_get_object_element (steps, 1), "breaks-sync", "property-removed", "Plant", "notes",
                       REMOVED_MESSAGE);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (godwit_test_run_cli (&out, &err, "plan", fixture.store, "--model", fixture.bundle, "--plan",
                                        fixture.plan, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "\nSync     2 findings break sync with older peers\n"));
  g_assert_nonnull (strstr (out, "    Tree.species is added (optional String attribute)\n"
                                 "  Sync compatibility\n"
                                 "    [breaks sync] " RENAMED_MESSAGE "\n"
                                 "  Objects\n"));
  g_assert_nonnull (strstr (out, "  Sync compatibility\n"
                                 "    [breaks sync] " REMOVED_MESSAGE "\n"));

  after = godwit_test_snapshot_directory (fixture.dir);
  g_assert_cmpstr (after, ==, before);
  fixture_clear (&fixture);
}

/* migrate --dry-run: the same findings in its stages. */
static void
test_dry_run_garden (void)
{
  Fixture fixture = { 0 };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;
  JsonArray *stages;

  garden_init (&fixture);

  g_assert_cmpint (godwit_test_run_cli (&out, &err, "migrate", fixture.store, "--model", fixture.bundle, "--plan",
                                        fixture.plan, "--dry-run", "--json", NULL), ==, 0);
  root = godwit_test_parse_json (out);
  object = json_node_get_object (root);
  g_assert_true (json_object_get_boolean_member (object, "dry_run"));
  g_assert_true (json_object_get_boolean_member (object, "breaks_sync"));
  stages = godwit_test_array_member (object, "stages");
  g_assert_cmpuint (json_array_get_length (stages), ==, 2);
  assert_step_finding (json_array_get_object_element (stages, 0), "breaks-sync", "property-renamed", "Plant",
                       "name", RENAMED_MESSAGE);
  assert_step_finding (json_array_get_object_element (stages, 1), "breaks-sync", "property-removed", "Plant",
                       "notes", REMOVED_MESSAGE);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (godwit_test_run_cli (&out, &err, "migrate", fixture.store, "--model", fixture.bundle, "--plan",
                                        fixture.plan, "--dry-run", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "\nSync    2 findings break sync with older peers\n"));
  g_assert_nonnull (strstr (out, "  Sync compatibility\n"
                                 "    [breaks sync] " RENAMED_MESSAGE "\n"));
  g_assert_nonnull (strstr (out, "  Sync compatibility\n"
                                 "    [breaks sync] " REMOVED_MESSAGE "\n"));

  fixture_clear (&fixture);
}

/* A compatible step, then one with a warning only: sync is not broken. */
static void
test_plan_compatible (void)
{
  Fixture fixture = { 0 };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;
  JsonArray *steps;

  blog_init (&fixture);

  g_assert_cmpint (godwit_test_run_cli (&out, &err, "plan", fixture.store, "--model", fixture.bundle, "--json",
                                        NULL), ==, 0);
  root = godwit_test_parse_json (out);
  object = json_node_get_object (root);
  g_assert_false (json_object_get_boolean_member (object, "breaks_sync"));
  steps = godwit_test_array_member (object, "steps");
  g_assert_cmpuint (json_array_get_length (steps), ==, 2);
  assert_step_compatible (json_array_get_object_element (steps, 0));
  assert_step_finding (json_array_get_object_element (steps, 1), "warning", "becomes-optional", "Post", "title",
                       OPTIONAL_MESSAGE);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (godwit_test_run_cli (&out, &err, "plan", fixture.store, "--model", fixture.bundle, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "\nSync     1 warning\n"));
  g_assert_nonnull (strstr (out, "    Post.summary is added (optional String attribute)\n"
                                 "  Sync compatibility: older peers notice no change\n"));
  g_assert_nonnull (strstr (out, "  Sync compatibility\n"
                                 "    [warning] " OPTIONAL_MESSAGE "\n"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Up to the compatible step only. */
  g_assert_cmpint (godwit_test_run_cli (&out, &err, "plan", fixture.store, "--model", fixture.bundle, "--to",
                                        "Blog 2", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "\nSync     compatible: older peers notice no change\n"));

  fixture_clear (&fixture);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cli-lint/plan-garden", test_plan_garden);
  g_test_add_func ("/cli-lint/dry-run-garden", test_dry_run_garden);
  g_test_add_func ("/cli-lint/plan-compatible", test_plan_compatible);

  return g_test_run ();
}
