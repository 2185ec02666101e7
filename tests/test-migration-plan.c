/* test-migration-plan.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "godwit-error.h"
#include "godwit-migration-plan.h"
#include "godwit-model-bundle.h"
#include "godwit-store-layout.h"
#include "godwit-test-model.h"
#include "godwit-test-utils.h"

#define WIBOSCO_BUNDLE "wibosco-revised/CoreDataMigration_Example.xcdatamodeld"
#define WIBOSCO_1 "CoreDataMigration_Example"
#define WIBOSCO_2 "CoreDataMigration_Example 2"
#define WIBOSCO_3 "CoreDataMigration_Example 3"
#define WIBOSCO_4 "CoreDataMigration_Example 4"

/* What an error case's message starts with, after "plan.json: ". */
typedef struct
{
  const char  *json;
  GodwitError  code;
  const char  *message;
} ErrorCase;

static char *
plan_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "plans", name, NULL);
}

static GodwitMigrationPlan *
load_plan (const char *name)
{
  g_autofree char *path = plan_path (name);
  GodwitMigrationPlan *plan = godwit_test_load_plan (name);

  g_assert_cmpstr (godwit_migration_plan_get_path (plan), ==, path);

  return plan;
}

static void
assert_strv (const char * const *actual,
             const char * const *expected)
{
  g_assert_nonnull (actual);
  g_assert_cmpuint (g_strv_length ((char **) actual), ==, g_strv_length ((char **) expected));
  for (guint i = 0; expected[i] != NULL; i++)
    g_assert_cmpstr (actual[i], ==, expected[i]);
}

static void
assert_value (GPtrArray  *values,
              guint       index,
              const char *attribute,
              const char *expression)
{
  const GodwitPlanValue *value;

  g_assert_cmpuint (index, <, values->len);
  value = g_ptr_array_index (values, index);
  g_assert_cmpstr (value->attribute, ==, attribute);
  g_assert_cmpstr (value->expression, ==, expression);
}

static void
assert_link (GPtrArray  *links,
             guint       index,
             const char *relationship,
             const char *mapping,
             const char *source_key)
{
  const GodwitPlanLink *link;

  g_assert_cmpuint (index, <, links->len);
  link = g_ptr_array_index (links, index);
  g_assert_cmpstr (link->relationship, ==, relationship);
  g_assert_cmpstr (link->mapping, ==, mapping);
  g_assert_cmpstr (link->source_key, ==, source_key);
}

static const GodwitMigrationStage *
get_stage (GodwitMigrationPlan      *plan,
           guint                     index,
           GodwitMigrationStageKind  kind,
           const char               *json_path)
{
  GPtrArray *stages = godwit_migration_plan_get_stages (plan);
  const GodwitMigrationStage *stage;

  g_assert_cmpuint (index, <, stages->len);
  stage = g_ptr_array_index (stages, index);
  g_assert_cmpint (stage->kind, ==, kind);
  g_assert_cmpstr (stage->json_path, ==, json_path);

  return stage;
}

static const GodwitPlanEntityMapping *
get_mapping (const GodwitMigrationStage *stage,
             guint                       index,
             const char                 *name,
             const char                 *source,
             const char                 *destination,
             const char                 *filter)
{
  const GodwitPlanEntityMapping *mapping;
  g_autofree char *json_path = NULL;

  g_assert_cmpuint (index, <, stage->entity_mappings->len);
  mapping = g_ptr_array_index (stage->entity_mappings, index);
  json_path = g_strdup_printf ("%s.entity-mappings[%u]", stage->json_path, index);
  g_assert_cmpstr (mapping->name, ==, name);
  g_assert_cmpstr (mapping->source, ==, source);
  g_assert_cmpstr (mapping->destination, ==, destination);
  g_assert_cmpstr (mapping->filter, ==, filter);
  g_assert_cmpstr (mapping->json_path, ==, json_path);

  return mapping;
}

/* Each statement prepares against the schema Core Data gives @model: the
 * worked examples' SQL names real tables and columns. */
static void
assert_statements_prepare (GodwitModel        *model,
                           const char * const *statements)
{
  g_autoptr(GodwitStoreLayout) layout = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) schema = NULL;
  sqlite3 *db = NULL;

  layout = godwit_store_layout_new (model, FALSE, &error);
  g_assert_no_error (error);
  schema = godwit_store_layout_dup_schema_sql (layout);

  g_assert_cmpint (sqlite3_open (":memory:", &db), ==, SQLITE_OK);
  for (guint i = 0; schema[i] != NULL; i++)
    g_assert_cmpint (sqlite3_exec (db, schema[i], NULL, NULL, NULL), ==, SQLITE_OK);

  for (guint i = 0; statements[i] != NULL; i++)
    {
      sqlite3_stmt *statement = NULL;

      if (sqlite3_prepare_v2 (db, statements[i], -1, &statement, NULL) != SQLITE_OK)
        g_error ("“%s” does not prepare: %s", statements[i], sqlite3_errmsg (db));
      sqlite3_finalize (statement);
    }

  sqlite3_close (db);
}

static void
assert_error_starts (const GError *error,
                     GodwitError   code,
                     const char   *origin,
                     const char   *message)
{
  g_autofree char *expected = g_strdup_printf ("%s: %s", origin, message);

  g_assert_error (error, GODWIT_ERROR, code);
  if (!g_str_has_prefix (error->message, expected))
    g_error ("“%s” does not start with “%s”", error->message, expected);
}

static void
test_wibosco (void)
{
  static const char * const order[] = { WIBOSCO_1, WIBOSCO_2, WIBOSCO_3, WIBOSCO_4, NULL };
  static const char * const first[] = { WIBOSCO_1, WIBOSCO_2, NULL };
  static const char * const custom[] = { WIBOSCO_2, WIBOSCO_3, NULL };
  static const char * const last[] = { WIBOSCO_3, WIBOSCO_4, NULL };
  static const char * const none[] = { NULL };
  g_autoptr(GodwitMigrationPlan) plan = load_plan ("wibosco.godwit-plan.json");
  g_autoptr(GodwitModelBundle) bundle = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *bundle_path = NULL;
  const GodwitMigrationStage *stage;
  const GodwitPlanEntityMapping *mapping;

  assert_strv (godwit_migration_plan_get_order (plan), order);
  g_assert_cmpuint (godwit_migration_plan_get_stages (plan)->len, ==, 3);

  stage = get_stage (plan, 0, GODWIT_MIGRATION_STAGE_LIGHTWEIGHT, "stages[0]");
  assert_strv ((const char * const *) stage->versions, first);
  assert_strv ((const char * const *) stage->will_migrate, none);
  assert_strv ((const char * const *) stage->did_migrate, none);
  g_assert_cmpuint (stage->entity_mappings->len, ==, 0);
  g_assert_true (godwit_migration_plan_find_stage (plan, WIBOSCO_1, WIBOSCO_2) == stage);

  stage = get_stage (plan, 1, GODWIT_MIGRATION_STAGE_CUSTOM, "stages[1]");
  assert_strv ((const char * const *) stage->versions, custom);
  assert_strv ((const char * const *) stage->will_migrate, none);
  assert_strv ((const char * const *) stage->did_migrate, none);
  g_assert_cmpuint (stage->entity_mappings->len, ==, 1);
  g_assert_true (godwit_migration_plan_find_stage (plan, WIBOSCO_2, WIBOSCO_3) == stage);

  mapping = get_mapping (stage, 0, "PostToSection", "Post", "Section", NULL);
  g_assert_cmpuint (mapping->attributes->len, ==, 3);
  assert_value (mapping->attributes, 0, "title", "substr(content, 1, 4) || '...'");
  assert_value (mapping->attributes, 1, "body", "content");
  assert_value (mapping->attributes, 2, "index", "0");
  g_assert_cmpuint (mapping->relationships->len, ==, 1);
  assert_link (mapping->relationships, 0, "post", "PostToPost", "Z_PK");

  stage = get_stage (plan, 2, GODWIT_MIGRATION_STAGE_LIGHTWEIGHT, "stages[2]");
  assert_strv ((const char * const *) stage->versions, last);
  g_assert_true (godwit_migration_plan_find_stage (plan, WIBOSCO_3, WIBOSCO_4) == stage);

  /* Only adjacent steps, forward. */
  g_assert_null (godwit_migration_plan_find_stage (plan, WIBOSCO_1, WIBOSCO_3));
  g_assert_null (godwit_migration_plan_find_stage (plan, WIBOSCO_2, WIBOSCO_1));
  g_assert_null (godwit_migration_plan_find_stage (plan, WIBOSCO_2, "CoreDataMigration_Example 5"));

  bundle_path = godwit_test_fixture_path (WIBOSCO_BUNDLE);
  if (bundle_path == NULL)
    return;

  bundle = godwit_model_bundle_new_for_path (bundle_path, &error);
  g_assert_no_error (error);
  g_assert_true (godwit_migration_plan_validate (plan, bundle, &error));
  g_assert_no_error (error);
  /* Validating leaves the bundle alone; the order it checked applies. */
  g_assert_true (godwit_model_bundle_set_version_order (bundle, godwit_migration_plan_get_order (plan),
                                                        &error));
  g_assert_no_error (error);
}

static void
test_garden (void)
{
  static const char * const order[] = { "Garden", "Garden 2", "Garden 3", NULL };
  static const char * const first[] = { "Garden", "Garden 2", NULL };
  static const char * const custom[] = { "Garden 2", "Garden 3", NULL };
  static const char * const will_migrate[] = {
    "UPDATE ZPLANT SET ZNOTES = NULL WHERE trim(ZNOTES) = ''", NULL
  };
  static const char * const none[] = { NULL };
  static const char * const sources[] = { "Plant", "Tree" };
  static const char * const names[] = { "PlantToNote", "TreeToNote" };
  static const char * const copies[] = { "PlantToPlant", "TreeToTree" };
  g_autoptr(GodwitMigrationPlan) plan = load_plan ("garden.godwit-plan.json");
  g_autoptr(GodwitModelBundle) bundle = godwit_test_load_garden ();
  g_autoptr(GError) error = NULL;
  const GodwitMigrationStage *stage;

  assert_strv (godwit_migration_plan_get_order (plan), order);
  g_assert_cmpuint (godwit_migration_plan_get_stages (plan)->len, ==, 2);

  stage = get_stage (plan, 0, GODWIT_MIGRATION_STAGE_LIGHTWEIGHT, "stages[0]");
  assert_strv ((const char * const *) stage->versions, first);
  g_assert_cmpuint (stage->entity_mappings->len, ==, 0);

  stage = get_stage (plan, 1, GODWIT_MIGRATION_STAGE_CUSTOM, "stages[1]");
  assert_strv ((const char * const *) stage->versions, custom);
  assert_strv ((const char * const *) stage->will_migrate, will_migrate);
  assert_strv ((const char * const *) stage->did_migrate, none);
  g_assert_cmpuint (stage->entity_mappings->len, ==, 2);
  g_assert_true (godwit_migration_plan_find_stage (plan, "Garden 2", "Garden 3") == stage);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      const GodwitPlanEntityMapping *mapping =
        get_mapping (stage, i, names[i], sources[i], "Note", "notes IS NOT NULL");

      g_assert_cmpuint (mapping->attributes->len, ==, 2);
      assert_value (mapping->attributes, 0, "text", "trim(notes)");
      assert_value (mapping->attributes, 1, "written", "planted");
      g_assert_cmpuint (mapping->relationships->len, ==, 1);
      assert_link (mapping->relationships, 0, "plant", copies[i], "Z_PK");
    }

  g_assert_true (godwit_migration_plan_validate (plan, bundle, &error));
  g_assert_no_error (error);
  assert_statements_prepare (godwit_model_bundle_find_version (bundle, "Garden 2"), will_migrate);
}

/* No order and no stages: the bundle's order, every step lightweight. */
static void
test_minimal (void)
{
  static const char json[] = "{ \"godwit-migration-plan\": 1 }";
  g_autoptr(GodwitMigrationPlan) plan = NULL;
  g_autoptr(GodwitModelBundle) bundle = godwit_test_load_garden ();
  g_autoptr(GError) error = NULL;

  plan = godwit_migration_plan_new_for_data (json, strlen (json), NULL, &error);
  g_assert_no_error (error);
  g_assert_null (godwit_migration_plan_get_path (plan));
  g_assert_null (godwit_migration_plan_get_order (plan));
  g_assert_cmpuint (godwit_migration_plan_get_stages (plan)->len, ==, 0);
  g_assert_null (godwit_migration_plan_find_stage (plan, "Garden", "Garden 2"));
  g_assert_true (godwit_migration_plan_validate (plan, bundle, &error));
  g_assert_no_error (error);
}

/* Plans that are fine in less common ways. */
static void
test_valid_variants (void)
{
  static const char * const stages[] = {
    /* Stages may share a version; a gap between them is lightweight. */
    "{\"kind\": \"lightweight\", \"versions\": [\"Garden\", \"Garden 2\"]},"
    "{\"kind\": \"custom\", \"from\": \"Garden 2\", \"to\": \"Garden 3\"}",
    /* One lightweight stage through every version. */
    "{\"kind\": \"lightweight\", \"versions\": [\"Garden\", \"Garden 2\", \"Garden 3\"]}",
    /* A to-one relationship reads as its destination's Z_PK; quoted
     * names, functions and trailing comments are SQL as usual; an explicit
     * mapping that copies Plant, with nothing given, can be linked to. */
    "{\"kind\": \"custom\", \"from\": \"Garden 2\", \"to\": \"Garden 3\", "
    " \"did-migrate\": [\"DELETE FROM ZNOTE WHERE ZTEXT = ''\"], "
    " \"entity-mappings\": ["
    "  {\"name\": \"PlantToPlant\", \"source\": \"Plant\", \"destination\": \"Plant\"},"
    "  {\"name\": \"Jotting\", \"source\": \"Plant\", \"destination\": \"Note\","
    "   \"filter\": \"bed IS NOT NULL AND \\\"notes\\\" <> ''\","
    "   \"attributes\": {\"text\": \"coalesce(species, commonName) || ' ' || Z_PK -- why not\"},"
    "   \"relationships\": {\"plant\": {\"mapping\": \"PlantToPlant\", \"source\": \"Z_PK\"}}},"
    "  {\"name\": \"TreeNote\", \"source\": \"Tree\", \"destination\": \"Note\","
    "   \"attributes\": {\"text\": \"printf('%.1f m', height)\"},"
    "   \"relationships\": {\"plant\": {\"mapping\": \"TreeToTree\", \"source\": \"Z_PK\"}}}"
    " ]}",
  };
  g_autoptr(GodwitModelBundle) bundle = godwit_test_load_garden ();

  for (guint i = 0; i < G_N_ELEMENTS (stages); i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"godwit-migration-plan\": 1, \"stages\": [%s]}",
                                               stages[i]);
      g_autoptr(GodwitMigrationPlan) plan = NULL;
      g_autoptr(GError) error = NULL;

      plan = godwit_migration_plan_new_for_data (json, strlen (json), "plan.json", &error);
      g_assert_no_error (error);
      if (!godwit_migration_plan_validate (plan, bundle, &error))
        g_error ("variant %u: %s", i, error->message);
    }
}

#define PLAN(rest) "{\"godwit-migration-plan\": 1" rest "}"
#define CUSTOM(rest) \
  PLAN (", \"stages\": [{\"kind\": \"custom\", \"from\": \"Garden 2\", \"to\": \"Garden 3\"" rest "}]")
#define MAPPING(rest) \
  CUSTOM (", \"entity-mappings\": [{\"name\": \"PlantToNote\", \"source\": \"Plant\", " \
          "\"destination\": \"Note\"" rest "}]")
#define LINK(mapping, source) \
  MAPPING (", \"relationships\": {\"plant\": {\"mapping\": \"" mapping "\", \"source\": \"" source "\"}}")

static const ErrorCase read_errors[] = {
  { "{\"godwit-migration-plan\": 1,", GODWIT_ERROR_INVALID_MODEL, "not JSON: " },
  { "{\"godwit-migration-plan\": 1", GODWIT_ERROR_INVALID_MODEL, "not JSON: " },
  { "{'godwit-migration-plan': 1}", GODWIT_ERROR_INVALID_MODEL,
    "not JSON: line 1: unexpected “'” (JSON has neither single-quoted strings nor comments)" },
  { "/* plan */ {\"godwit-migration-plan\": 1}", GODWIT_ERROR_INVALID_MODEL,
    "not JSON: line 1: unexpected “/”" },
  { "{\"godwit-migration-plan\": 1}\n[]", GODWIT_ERROR_INVALID_MODEL,
    "not JSON: line 2: text after the end of the top-level value" },
  { "{\"godwit-migration-plan\": 1}}", GODWIT_ERROR_INVALID_MODEL,
    "not JSON: line 1: text after the end" },
  { "]", GODWIT_ERROR_INVALID_MODEL, "not JSON: line 1: “]” closes nothing" },
  { "{\"godwit-migration-plan\": 1, \"x\": \"\xff\"}", GODWIT_ERROR_INVALID_MODEL,
    "not JSON: not UTF-8 text" },
  { "", GODWIT_ERROR_INVALID_MODEL, "empty: a migration plan is a JSON object" },
  { " \n ", GODWIT_ERROR_INVALID_MODEL, "empty: a migration plan is a JSON object" },
  { "[1]", GODWIT_ERROR_INVALID_MODEL, "a migration plan is a JSON object, not an array" },
  { "\"plan\"", GODWIT_ERROR_INVALID_MODEL, "a migration plan is a JSON object, not a string" },
  { "{}", GODWIT_ERROR_INVALID_MODEL,
    "godwit-migration-plan: missing: a migration plan starts with \"godwit-migration-plan\": 1" },
  { "{\"godwit-migration-plan\": 2}", GODWIT_ERROR_INVALID_MODEL,
    "godwit-migration-plan: format version 2 is not one this Godwit reads (it reads 1)" },
  { "{\"godwit-migration-plan\": \"1\"}", GODWIT_ERROR_INVALID_MODEL,
    "godwit-migration-plan: must be the format version, a whole number, not a string" },
  { "{\"godwit-migration-plan\": 1.0}", GODWIT_ERROR_INVALID_MODEL,
    "godwit-migration-plan: must be the format version, a whole number, not a number" },
  { PLAN (", \"stage\": []"), GODWIT_ERROR_INVALID_MODEL,
    "stage: unknown key (a migration plan has the keys “godwit-migration-plan”, “order” and "
    "“stages”)" },
  { "{\"godwit-migration-plan\": 1, \"godwit-migration-plan\": 1}", GODWIT_ERROR_INVALID_MODEL,
    "godwit-migration-plan: given twice in one object" },
  /* json-glib drops the first "stages", holding the object at fault. */
  { PLAN (", \"stages\": [{\"x\": 1, \"x\": 2}], \"stages\": []"), GODWIT_ERROR_INVALID_MODEL,
    "the key “x” is given twice in one object" },
  { PLAN (", \"order\": \"Garden\""), GODWIT_ERROR_INVALID_MODEL,
    "order: must be an array of strings, not a string" },
  { PLAN (", \"order\": []"), GODWIT_ERROR_INVALID_MODEL, "order: names no version" },
  { PLAN (", \"order\": [\"Garden\", 2]"), GODWIT_ERROR_INVALID_MODEL,
    "order[1]: must be a string, not a number" },
  { PLAN (", \"order\": [\"Garden\", \"\"]"), GODWIT_ERROR_INVALID_MODEL,
    "order[1]: must not be empty" },
  { PLAN (", \"order\": [\"Garden\", \"Garden 2\", \"Garden\"]"), GODWIT_ERROR_INVALID_MODEL,
    "order[2]: “Garden” is named twice (also order[0])" },
  { PLAN (", \"order\": [\"Garden\\u0000 2\"]"), GODWIT_ERROR_INVALID_MODEL,
    "line 1: a string holds \\u0000 (a NUL character)" },
  { PLAN (", \"stages\": {}"), GODWIT_ERROR_INVALID_MODEL,
    "stages: must be an array of stages, not an object" },
  { PLAN (", \"stages\": [3]"), GODWIT_ERROR_INVALID_MODEL,
    "stages[0]: must be an object, not a number" },
  { PLAN (", \"stages\": [{\"versions\": [\"Garden\", \"Garden 2\"]}]"), GODWIT_ERROR_INVALID_MODEL,
    "stages[0].kind: missing" },
  { PLAN (", \"stages\": [{\"kind\": \"inferred\"}]"), GODWIT_ERROR_INVALID_MODEL,
    "stages[0].kind: unknown kind “inferred” (a stage is “lightweight” or “custom”)" },
  { PLAN (", \"stages\": [{\"kind\": \"lightweight\", \"versions\": [\"Garden\"]}]"),
    GODWIT_ERROR_INVALID_MODEL, "stages[0].versions: a lightweight stage names at least two versions" },
  { PLAN (", \"stages\": [{\"kind\": \"lightweight\"}]"),
    GODWIT_ERROR_INVALID_MODEL, "stages[0].versions: a lightweight stage names at least two versions" },
  { PLAN (", \"stages\": [{\"kind\": \"lightweight\", \"versions\": [\"Garden\", \"Garden 2\", "
          "\"Garden\"]}]"),
    GODWIT_ERROR_INVALID_MODEL, "stages[0].versions[2]: “Garden” is named twice (also versions[0])" },
  { PLAN (", \"stages\": [{\"kind\": \"lightweight\", \"from\": \"Garden\", \"to\": \"Garden 2\"}]"),
    GODWIT_ERROR_INVALID_MODEL,
    "stages[0].from: unknown key (a lightweight stage has the keys “kind” and “versions”)" },
  { PLAN (", \"stages\": [{\"kind\": \"custom\", \"from\": \"Garden 2\"}]"), GODWIT_ERROR_INVALID_MODEL,
    "stages[0].to: missing" },
  { PLAN (", \"stages\": [{\"kind\": \"custom\", \"from\": \"Garden 2\", \"to\": \"Garden 2\"}]"),
    GODWIT_ERROR_INVALID_MODEL, "stages[0].to: “Garden 2” is also the version the stage migrates from" },
  { CUSTOM (", \"versions\": [\"Garden 2\", \"Garden 3\"]"), GODWIT_ERROR_INVALID_MODEL,
    "stages[0].versions: unknown key (a custom stage has the keys “kind”, “from”, “to”, "
    "“will-migrate”, “did-migrate” and “entity-mappings”)" },
  { CUSTOM (", \"entity-mapings\": []"), GODWIT_ERROR_INVALID_MODEL,
    "stages[0].entity-mapings: unknown key (a custom stage has the keys" },
  /* A key that is not a plain name is quoted, so that the path reads as one. */
  { CUSTOM (", \"entity mappings\": []"), GODWIT_ERROR_INVALID_MODEL,
    "stages[0][\"entity mappings\"]: unknown key (a custom stage has the keys" },
  { CUSTOM (", \"will-migrate\": \"DELETE FROM ZPLANT\""), GODWIT_ERROR_INVALID_MODEL,
    "stages[0].will-migrate: must be an array of strings, not a string" },
  { CUSTOM (", \"did-migrate\": [\"\"]"), GODWIT_ERROR_INVALID_MODEL,
    "stages[0].did-migrate[0]: must not be empty" },
  { CUSTOM (", \"entity-mappings\": {}"), GODWIT_ERROR_INVALID_MODEL,
    "stages[0].entity-mappings: must be an array of entity mappings, not an object" },
  { CUSTOM (", \"entity-mappings\": [null]"), GODWIT_ERROR_INVALID_MODEL,
    "stages[0].entity-mappings[0]: must be an object, not null" },
  { CUSTOM (", \"entity-mappings\": [{\"source\": \"Plant\", \"destination\": \"Note\"}]"),
    GODWIT_ERROR_INVALID_MODEL, "stages[0].entity-mappings[0].name: missing" },
  { CUSTOM (", \"entity-mappings\": [{\"name\": \"\", \"source\": \"Plant\", "
            "\"destination\": \"Note\"}]"),
    GODWIT_ERROR_INVALID_MODEL, "stages[0].entity-mappings[0].name: must not be empty" },
  { MAPPING (", \"attribute\": {}"), GODWIT_ERROR_INVALID_MODEL,
    "stages[0].entity-mappings[0].attribute: unknown key (an entity mapping has the keys “name”, "
    "“source”, “destination”, “filter”, “attributes” and “relationships”)" },
  { MAPPING (", \"destination\": \"Plant\""), GODWIT_ERROR_INVALID_MODEL,
    "stages[0].entity-mappings[0].destination: given twice in one object" },
  { CUSTOM (", \"entity-mappings\": ["
            "{\"name\": \"Jotting\", \"source\": \"Plant\", \"destination\": \"Note\"},"
            "{\"name\": \"Jotting\", \"source\": \"Tree\", \"destination\": \"Note\"}]"),
    GODWIT_ERROR_INVALID_MODEL,
    "stages[0].entity-mappings[1].name: “Jotting” also names stages[0].entity-mappings[0]" },
  { MAPPING (", \"attributes\": [\"notes\"]"), GODWIT_ERROR_INVALID_MODEL,
    "stages[0].entity-mappings[0].attributes: must be an object, not an array" },
  { MAPPING (", \"attributes\": {\"text\": 3}"), GODWIT_ERROR_INVALID_MODEL,
    "stages[0].entity-mappings[0].attributes.text: must be a string, not a number" },
  { MAPPING (", \"attributes\": {\"text\": \" \\n \"}"), GODWIT_ERROR_INVALID_MODEL,
    "stages[0].entity-mappings[0].attributes.text: the SQL expression is empty" },
  { MAPPING (", \"attributes\": {\"text\": \"notes; DROP TABLE ZPLANT\"}"), GODWIT_ERROR_INVALID_MODEL,
    "stages[0].entity-mappings[0].attributes.text: the SQL expression holds “;”: give one "
    "expression, not statements" },
  { MAPPING (", \"attributes\": {\"text\": \"notes\", \"text\": \"species\"}"), GODWIT_ERROR_INVALID_MODEL,
    "stages[0].entity-mappings[0].attributes.text: given twice in one object" },
  { MAPPING (", \"filter\": \"1;\""), GODWIT_ERROR_INVALID_MODEL,
    "stages[0].entity-mappings[0].filter: the SQL expression holds “;”" },
  { MAPPING (", \"filter\": true"), GODWIT_ERROR_INVALID_MODEL,
    "stages[0].entity-mappings[0].filter: must be a string, not true or false" },
  { MAPPING (", \"relationships\": {\"plant\": \"PlantToPlant\"}"), GODWIT_ERROR_INVALID_MODEL,
    "stages[0].entity-mappings[0].relationships.plant: must be an object, not a string" },
  { MAPPING (", \"relationships\": {\"plant\": {\"mapping\": \"PlantToPlant\"}}"),
    GODWIT_ERROR_INVALID_MODEL, "stages[0].entity-mappings[0].relationships.plant.source: missing" },
  { MAPPING (", \"relationships\": {\"plant\": {\"mapping\": \"PlantToPlant\", \"sources\": \"Z_PK\"}}"),
    GODWIT_ERROR_INVALID_MODEL,
    "stages[0].entity-mappings[0].relationships.plant.sources: unknown key (a relationship's link "
    "has the keys “mapping” and “source”)" },
  { LINK ("PlantToPlant", ""), GODWIT_ERROR_INVALID_MODEL,
    "stages[0].entity-mappings[0].relationships.plant.source: must not be empty" },
  { LINK ("PlantToPlant", "Z_PK;"), GODWIT_ERROR_INVALID_MODEL,
    "stages[0].entity-mappings[0].relationships.plant.source: the SQL expression holds “;”" },
};

static void
test_read_errors (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (read_errors); i++)
    {
      g_autoptr(GodwitMigrationPlan) plan = NULL;
      g_autoptr(GError) error = NULL;

      plan = godwit_migration_plan_new_for_data (read_errors[i].json, strlen (read_errors[i].json),
                                                 "plan.json", &error);
      g_assert_null (plan);
      assert_error_starts (error, read_errors[i].code, "plan.json", read_errors[i].message);
    }
}

static const ErrorCase validate_errors[] = {
  { PLAN (", \"order\": [\"Garden\", \"Garden 2\", \"Garden 4\"]"), GODWIT_ERROR_UNKNOWN_VERSION,
    "order[2]: “Garden 4” is not a version of " },
  { PLAN (", \"order\": [\"Garden\", \"Garden 2\"]"), GODWIT_ERROR_INVALID_MODEL,
    "order: leaves out version “Garden 3” of " },
  { PLAN (", \"stages\": [{\"kind\": \"lightweight\", \"versions\": [\"Garden\", \"Garden 9\"]}]"),
    GODWIT_ERROR_UNKNOWN_VERSION, "stages[0].versions[1]: “Garden 9” is not a version of " },
  { PLAN (", \"stages\": [{\"kind\": \"custom\", \"from\": \"Garden 0\", \"to\": \"Garden\"}]"),
    GODWIT_ERROR_UNKNOWN_VERSION, "stages[0].from: “Garden 0” is not a version of " },
  { PLAN (", \"stages\": [{\"kind\": \"lightweight\", \"versions\": [\"Garden\", \"Garden 3\"]}]"),
    GODWIT_ERROR_INVALID_MODEL,
    "stages[0].versions[1]: “Garden 3” does not follow “Garden” in the version order (“Garden 2” "
    "does): a stage names each version it passes through" },
  { PLAN (", \"stages\": [{\"kind\": \"lightweight\", \"versions\": [\"Garden 2\", \"Garden\"]}]"),
    GODWIT_ERROR_INVALID_MODEL,
    "stages[0].versions[1]: “Garden” comes before “Garden 2” in the version order: stages migrate "
    "forward" },
  /* The order decides what follows what. */
  { PLAN (", \"order\": [\"Garden 2\", \"Garden\", \"Garden 3\"], "
          "\"stages\": [{\"kind\": \"lightweight\", \"versions\": [\"Garden\", \"Garden 2\"]}]"),
    GODWIT_ERROR_INVALID_MODEL, "stages[0].versions[1]: “Garden 2” comes before “Garden”" },
  { PLAN (", \"stages\": [{\"kind\": \"custom\", \"from\": \"Garden\", \"to\": \"Garden 3\"}]"),
    GODWIT_ERROR_INVALID_MODEL,
    "stages[0].to: a custom stage migrates one step, from a version to the next, but “Garden 3” is "
    "2 steps after “Garden” (“Garden 2” comes between)" },
  { PLAN (", \"stages\": [{\"kind\": \"lightweight\", \"versions\": [\"Garden\", \"Garden 2\", "
          "\"Garden 3\"]}, {\"kind\": \"custom\", \"from\": \"Garden 2\", \"to\": \"Garden 3\"}]"),
    GODWIT_ERROR_INVALID_MODEL,
    "stages[1]: the step from “Garden 2” to “Garden 3” is in stages[0] too: stages may share a "
    "version but not a step" },
  { PLAN (", \"stages\": [{\"kind\": \"lightweight\", \"versions\": [\"Garden\", \"Garden 2\"]}, "
          "{\"kind\": \"lightweight\", \"versions\": [\"Garden\", \"Garden 2\"]}]"),
    GODWIT_ERROR_INVALID_MODEL, "stages[1]: the step from “Garden” to “Garden 2” is in stages[0] too" },
  { CUSTOM (", \"entity-mappings\": [{\"name\": \"PlantToNote\", \"source\": \"Note\", "
            "\"destination\": \"Note\"}]"),
    GODWIT_ERROR_UNKNOWN_ENTITY,
    "stages[0].entity-mappings[0].source: version “Garden 2” has no entity “Note”" },
  { CUSTOM (", \"entity-mappings\": [{\"name\": \"PlantToNote\", \"source\": \"Plant\", "
            "\"destination\": \"Notes\"}]"),
    GODWIT_ERROR_UNKNOWN_ENTITY,
    "stages[0].entity-mappings[0].destination: version “Garden 3” has no entity “Notes”" },
  { MAPPING (", \"attributes\": {\"txt\": \"notes\"}"), GODWIT_ERROR_INVALID_MODEL,
    "stages[0].entity-mappings[0].attributes.txt: entity Note has no attribute “txt”" },
  { MAPPING (", \"attributes\": {\"plant\": \"Z_PK\"}"), GODWIT_ERROR_INVALID_MODEL,
    "stages[0].entity-mappings[0].attributes.plant: “plant” is a relationship of Note: give it "
    "under “relationships”" },
  { MAPPING (", \"attributes\": {\"text\": \"note\"}"), GODWIT_ERROR_INVALID_MODEL,
    "stages[0].entity-mappings[0].attributes.text: not an SQL expression over a Plant object: "
    "no such column: note" },
  /* A mapping's source objects are of that entity exactly: no Tree height. */
  { MAPPING (", \"attributes\": {\"text\": \"height\"}"), GODWIT_ERROR_INVALID_MODEL,
    "stages[0].entity-mappings[0].attributes.text: not an SQL expression over a Plant object: "
    "no such column: height" },
  /* To-many relationships are not columns of the source object. */
  { MAPPING (", \"attributes\": {\"text\": \"gardeners\"}"), GODWIT_ERROR_INVALID_MODEL,
    "stages[0].entity-mappings[0].attributes.text: not an SQL expression over a Plant object: "
    "no such column: gardeners" },
  { MAPPING (", \"attributes\": {\"text\": \"notes +\"}"), GODWIT_ERROR_INVALID_MODEL,
    "stages[0].entity-mappings[0].attributes.text: not an SQL expression over a Plant object: " },
  { MAPPING (", \"attributes\": {\"text\": \"notes, species\"}"), GODWIT_ERROR_INVALID_MODEL,
    "stages[0].entity-mappings[0].attributes.text: not an SQL expression over a Plant object: " },
  { MAPPING (", \"attributes\": {\"text\": \"coalesce(notes, (SELECT 'none'))\"}"),
    GODWIT_ERROR_INVALID_MODEL,
    "stages[0].entity-mappings[0].attributes.text: not an SQL expression over a Plant object: it "
    "holds a subquery, but an expression sees only the source object" },
  /* Breaking out of the parentheses the expression is put in. */
  { MAPPING (", \"attributes\": {\"text\": \"1) UNION SELECT (2\"}"),
    GODWIT_ERROR_INVALID_MODEL,
    "stages[0].entity-mappings[0].attributes.text: not an SQL expression over a Plant object: it "
    "holds a subquery" },
  { MAPPING (", \"attributes\": {\"text\": \"(SELECT group_concat(name) FROM sqlite_master)\"}"),
    GODWIT_ERROR_INVALID_MODEL,
    "stages[0].entity-mappings[0].attributes.text: not an SQL expression over a Plant object: it "
    "reads the table “sqlite_master”, but an expression sees only the source object" },
  { MAPPING (", \"filter\": \"nots IS NOT NULL\""), GODWIT_ERROR_INVALID_MODEL,
    "stages[0].entity-mappings[0].filter: not an SQL expression over a Plant object: no such "
    "column: nots" },
  { MAPPING (", \"relationships\": {\"plnt\": {\"mapping\": \"PlantToPlant\", \"source\": \"Z_PK\"}}"),
    GODWIT_ERROR_INVALID_MODEL,
    "stages[0].entity-mappings[0].relationships.plnt: entity Note has no relationship “plnt”" },
  { MAPPING (", \"relationships\": {\"text\": {\"mapping\": \"PlantToPlant\", \"source\": \"Z_PK\"}}"),
    GODWIT_ERROR_INVALID_MODEL,
    "stages[0].entity-mappings[0].relationships.text: “text” is an attribute of Note, not a "
    "relationship" },
  { CUSTOM (", \"entity-mappings\": [{\"name\": \"Replant\", \"source\": \"Plant\", "
            "\"destination\": \"Plant\", \"relationships\": {\"journal\": "
            "{\"mapping\": \"Replant\", \"source\": \"Z_PK\"}}}]"),
    GODWIT_ERROR_INVALID_MODEL,
    "stages[0].entity-mappings[0].relationships.journal: “journal” of Plant is a to-many "
    "relationship: an entity mapping links to-one relationships, so link its inverse instead" },
  { LINK ("PlantToPlnt", "Z_PK"), GODWIT_ERROR_INVALID_MODEL,
    "stages[0].entity-mappings[0].relationships.plant.mapping: this stage has no entity mapping "
    "“PlantToPlnt” (it has “PlantToNote”, “BedToBed”, “GardenerToGardener”, “PlantToPlant” and "
    "“TreeToTree”)" },
  { LINK ("BedToBed", "bed"), GODWIT_ERROR_INVALID_MODEL,
    "stages[0].entity-mappings[0].relationships.plant.mapping: “BedToBed” makes Bed objects, but "
    "“plant” of Note links to Plant objects" },
  { LINK ("PlantToPlant", "Z_PK + gardeners"), GODWIT_ERROR_INVALID_MODEL,
    "stages[0].entity-mappings[0].relationships.plant.source: not an SQL expression over a Plant "
    "object: no such column: gardeners" },
  { CUSTOM (", \"entity-mappings\": [{\"name\": \"BedToBed\", \"source\": \"Plant\", "
            "\"destination\": \"Note\"}]"),
    GODWIT_ERROR_INVALID_MODEL,
    "stages[0].entity-mappings[0].name: “BedToBed” is also the name of the implicit entity mapping "
    "that copies Bed objects (no entity mapping has Bed as its destination): choose another name" },
};

static void
test_validate_errors (void)
{
  g_autoptr(GodwitModelBundle) bundle = godwit_test_load_garden ();

  for (guint i = 0; i < G_N_ELEMENTS (validate_errors); i++)
    {
      g_autoptr(GodwitMigrationPlan) plan = NULL;
      g_autoptr(GError) error = NULL;

      plan = godwit_migration_plan_new_for_data (validate_errors[i].json,
                                                 strlen (validate_errors[i].json),
                                                 "plan.json", &error);
      if (plan == NULL)
        g_error ("case %u does not read: %s", i, error->message);
      g_assert_false (godwit_migration_plan_validate (plan, bundle, &error));
      assert_error_starts (error, validate_errors[i].code, "plan.json", validate_errors[i].message);
    }
}

/* Without an origin, messages start with "migration plan". */
static void
test_no_origin (void)
{
  static const char json[] = PLAN (", \"order\": [\"Garden\"]");
  g_autoptr(GodwitMigrationPlan) plan = NULL;
  g_autoptr(GodwitModelBundle) bundle = godwit_test_load_garden ();
  g_autoptr(GError) error = NULL;

  plan = godwit_migration_plan_new_for_data (json, strlen (json), NULL, &error);
  g_assert_no_error (error);
  g_assert_false (godwit_migration_plan_validate (plan, bundle, &error));
  assert_error_starts (error, GODWIT_ERROR_INVALID_MODEL, "migration plan",
                       "order: leaves out version “Garden 2”");
}

static char *
nest (guint depth)
{
  GString *json = g_string_new ("{\"godwit-migration-plan\": 1, \"stages\": ");

  /* The plan object itself is the first level. */
  for (guint i = 1; i < depth; i++)
    g_string_append_c (json, '[');
  for (guint i = 1; i < depth; i++)
    g_string_append_c (json, ']');
  g_string_append_c (json, '}');

  return g_string_free (json, FALSE);
}

static void
test_deep_nesting (void)
{
  guint depths[] = { GODWIT_MIGRATION_PLAN_MAX_DEPTH + 1, 100000 };
  g_autofree char *deepest = nest (GODWIT_MIGRATION_PLAN_MAX_DEPTH);
  g_autoptr(GodwitMigrationPlan) plan = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (depths); i++)
    {
      g_autofree char *json = nest (depths[i]);
      g_autoptr(GError) depth_error = NULL;

      plan = godwit_migration_plan_new_for_data (json, strlen (json), "plan.json", &depth_error);
      g_assert_null (plan);
      assert_error_starts (depth_error, GODWIT_ERROR_LIMIT_EXCEEDED, "plan.json",
                           "line 1: arrays and objects are nested more than 32 deep");
    }

  /* At the limit, json-glib reads it and the plan is judged as usual. */
  plan = godwit_migration_plan_new_for_data (deepest, strlen (deepest), "plan.json", &error);
  g_assert_null (plan);
  assert_error_starts (error, GODWIT_ERROR_INVALID_MODEL, "plan.json",
                       "stages[0]: must be an object, not an array");
}

/* Deep nesting inside an expression is SQLite's to refuse, cleanly. */
static void
test_deep_expression (void)
{
  g_autoptr(GodwitModelBundle) bundle = godwit_test_load_garden ();
  g_autoptr(GodwitMigrationPlan) plan = NULL;
  g_autoptr(GString) expression = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;

  for (guint i = 0; i < 100000; i++)
    g_string_append_c (expression, '(');
  g_string_append (expression, "notes");
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (expression, ')');
  json = g_strdup_printf (MAPPING (", \"attributes\": {\"text\": \"%s\"}"), expression->str);

  plan = godwit_migration_plan_new_for_data (json, strlen (json), "plan.json", &error);
  g_assert_no_error (error);
  g_assert_false (godwit_migration_plan_validate (plan, bundle, &error));
  assert_error_starts (error, GODWIT_ERROR_INVALID_MODEL, "plan.json",
                       "stages[0].entity-mappings[0].attributes.text: not an SQL expression over "
                       "a Plant object: ");
}

static void
test_files (void)
{
  g_autofree char *tmpdir = godwit_test_make_tmpdir ();
  g_autofree char *missing = g_build_filename (tmpdir, "missing.godwit-plan.json", NULL);
  g_autofree char *large = g_build_filename (tmpdir, "large.godwit-plan.json", NULL);
  g_autoptr(GodwitMigrationPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  int fd;

  plan = godwit_migration_plan_new_for_path (missing, &error);
  g_assert_null (plan);
  assert_error_starts (error, GODWIT_ERROR_IO, missing, "No such file or directory");
  g_clear_error (&error);

  plan = godwit_migration_plan_new_for_path (tmpdir, &error);
  g_assert_null (plan);
  assert_error_starts (error, GODWIT_ERROR_WRONG_FILE_TYPE, tmpdir,
                       "is a folder, not a migration plan file");
  g_clear_error (&error);

  /* Sparse: refused by its size before anything is read. */
  fd = g_open (large, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, GODWIT_MIGRATION_PLAN_MAX_SIZE + 1), ==, 0);
  g_assert_true (g_close (fd, NULL));
  plan = godwit_migration_plan_new_for_path (large, &error);
  g_assert_null (plan);
  assert_error_starts (error, GODWIT_ERROR_LIMIT_EXCEEDED, large, "larger than 16 MiB");
  g_clear_error (&error);

  godwit_test_rmdir (tmpdir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/migration-plan/wibosco", test_wibosco);
  g_test_add_func ("/migration-plan/garden", test_garden);
  g_test_add_func ("/migration-plan/minimal", test_minimal);
  g_test_add_func ("/migration-plan/valid-variants", test_valid_variants);
  g_test_add_func ("/migration-plan/read-errors", test_read_errors);
  g_test_add_func ("/migration-plan/validate-errors", test_validate_errors);
  g_test_add_func ("/migration-plan/no-origin", test_no_origin);
  g_test_add_func ("/migration-plan/deep-nesting", test_deep_nesting);
  g_test_add_func ("/migration-plan/deep-expression", test_deep_expression);
  g_test_add_func ("/migration-plan/files", test_files);

  return g_test_run ();
}
