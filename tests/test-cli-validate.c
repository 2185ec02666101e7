/* test-cli-validate.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "godwit-test-model.h"
#include "godwit-test-store.h"
#include "godwit-test-utils.h"

#define WIBOSCO_STORES "wibosco-revised/stores"

/* The Garden stores below, migrated to “Garden 3” by tests/plans: the
 * plan drops blank notes and makes the others a journal of notes. */
#define GARDEN_EXPECTATIONS \
  "{\n" \
  "  \"godwit-expectations\": 1,\n" \
  "  \"target-version\": \"Garden 3\",\n" \
  "  \"fixtures\": {\n" \
  "    \"*\": {\n" \
  "      \"counts\": { \"Bed\": 1, \"Gardener\": 2, \"Plant\": 3, \"Tree\": 1, \"Note\": 2 },\n" \
  "      \"objects\": [\n" \
  "        { \"entity\": \"Plant\", \"where\": { \"commonName\": \"Tomato\" },\n" \
  "          \"values\": { \"planted\": \"2001-01-01T00:01:40Z\" },\n" \
  "          \"relationships\": {\n" \
  "            \"bed\": { \"name\": \"South\" },\n" \
  "            \"gardeners\": [ { \"name\": \"Bob\" }, { \"name\": \"Ann\" } ],\n" \
  "            \"journal\": [ { \"text\": \"water daily\", \"written\": \"2001-01-01T00:01:40Z\" } ] } },\n" \
  "        { \"entity\": \"Plant\", \"where\": { \"commonName\": \"Basil\" },\n" \
  "          \"relationships\": { \"journal\": 0, \"gardeners\": 0, \"bed\": { \"sunny\": true } } },\n" \
  "        { \"entity\": \"Note\", \"where\": { \"text\": \"old tree\" },\n" \
  "          \"relationships\": { \"plant\": { \"commonName\": \"Oak\", \"height\": 12.5 } } },\n" \
  "        { \"entity\": \"Gardener\", \"where\": { \"name\": \"Bob\" }, \"relationships\": { \"plants\": 2 } }\n" \
  "      ]\n" \
  "    },\n" \
  "    \"garden-1.sqlite\": {\n" \
  "      \"objects\": [ { \"entity\": \"Tree\", \"pk\": 3, \"values\": { \"commonName\": \"Oak\", \"height\": 12.5 } } ]\n" \
  "    }\n" \
  "  }\n" \
  "}\n"

/* Two of them wrong for garden-2.sqlite only. */
#define GARDEN_WRONG_EXPECTATIONS \
  "{\n" \
  "  \"godwit-expectations\": 1,\n" \
  "  \"fixtures\": {\n" \
  "    \"*\": { \"counts\": { \"Note\": 2 } },\n" \
  "    \"garden-2.sqlite\": {\n" \
  "      \"counts\": { \"Note\": 3 },\n" \
  "      \"objects\": [\n" \
  "        { \"entity\": \"Plant\", \"where\": { \"commonName\": \"Tomato\" },\n" \
  "          \"relationships\": { \"bed\": { \"name\": \"North <&> \\\"wall\\\"\" } } }\n" \
  "      ]\n" \
  "    }\n" \
  "  }\n" \
  "}\n"

typedef struct
{
  char              *dir;       /* the fixtures */
  char              *outputs;   /* what the command reads and writes besides them */
  char              *tmp;       /* in @outputs: TMPDIR of the command, empty after each run */
  char              *bundle;
  char              *plan;
  char              *expect;
  char              *junit;
  char              *garden_1;  /* at “Garden”, its last transaction still in the -wal */
  char              *garden_2;  /* at “Garden 2” */
  char              *snapshot;  /* of @dir, before any run */
} Fixture;

/* A garden written at @version. */
static void
write_garden_store (GodwitModelBundle *bundle,
                    const char        *path,
                    const char        *version,
                    gboolean           keep_wal)
{
  g_autoptr(GodwitStoreWriter) writer = NULL;

  writer = godwit_test_writer_new (godwit_test_find_version (bundle, version), path);
  godwit_store_writer_set_keep_wal (writer, keep_wal);
  godwit_test_writer_begin (writer);
  godwit_test_write_garden (writer, version, FALSE);
  godwit_test_writer_commit (writer);
}

static void
fixture_init (Fixture *fixture)
{
  g_autoptr(GodwitModelBundle) bundle = godwit_test_load_garden ();
  g_autofree char *wal = NULL;

  fixture->dir = godwit_test_make_tmpdir ();
  fixture->outputs = godwit_test_make_tmpdir ();
  fixture->bundle = g_test_build_filename (G_TEST_DIST, "..", "data", "demo", "Garden.xcdatamodeld", NULL);
  fixture->plan = g_test_build_filename (G_TEST_DIST, "plans", "garden.godwit-plan.json", NULL);
  fixture->garden_1 = g_build_filename (fixture->dir, "garden-1.sqlite", NULL);
  fixture->garden_2 = g_build_filename (fixture->dir, "garden-2.sqlite", NULL);

  write_garden_store (bundle, fixture->garden_1, "Garden", TRUE);
  write_garden_store (bundle, fixture->garden_2, "Garden 2", FALSE);
  wal = g_strconcat (fixture->garden_1, "-wal", NULL);
  g_assert_true (g_file_test (wal, G_FILE_TEST_IS_REGULAR));

  fixture->snapshot = godwit_test_snapshot_directory (fixture->dir);

  /* What the command writes goes elsewhere, so that the fixtures' folder
   * can be compared. */
  fixture->expect = g_build_filename (fixture->outputs, "expect.json", NULL);
  fixture->junit = g_build_filename (fixture->outputs, "junit.xml", NULL);
  fixture->tmp = g_build_filename (fixture->outputs, "tmp", NULL);
  g_assert_cmpint (g_mkdir (fixture->tmp, 0700), ==, 0);
  g_setenv ("TMPDIR", fixture->tmp, TRUE);
}

/* The fixtures byte for byte as they were, -wal included, and nothing
 * left in the command's temporary folder. */
static void
assert_untouched (Fixture *fixture)
{
  g_autofree char *snapshot = godwit_test_snapshot_directory (fixture->dir);
  g_autofree char *leftovers = godwit_test_list_directory (fixture->tmp);

  g_assert_cmpstr (snapshot, ==, fixture->snapshot);
  g_assert_cmpstr (leftovers, ==, "");
}

static void
fixture_clear (Fixture *fixture)
{
  g_unsetenv ("TMPDIR");
  godwit_test_rmdir (fixture->dir);
  godwit_test_rmdir (fixture->outputs);
  g_clear_pointer (&fixture->dir, g_free);
  g_clear_pointer (&fixture->outputs, g_free);
  g_clear_pointer (&fixture->tmp, g_free);
  g_clear_pointer (&fixture->bundle, g_free);
  g_clear_pointer (&fixture->plan, g_free);
  g_clear_pointer (&fixture->expect, g_free);
  g_clear_pointer (&fixture->junit, g_free);
  g_clear_pointer (&fixture->garden_1, g_free);
  g_clear_pointer (&fixture->garden_2, g_free);
  g_clear_pointer (&fixture->snapshot, g_free);
}

/* ---- JUnit ------------------------------------------------------------- */

typedef struct
{
  GHashTable *suites;       /* testsuites' attributes */
  GPtrArray  *testcases;    /* (element-type GHashTable) each one's attributes */
  GPtrArray  *outcomes;     /* per testcase: "pass", "failure" or "error" */
  GPtrArray  *messages;     /* per testcase: the failure's or error's message, or NULL */
  GPtrArray  *texts;        /* per testcase: the failure's or error's text, or NULL */
  gboolean    in_outcome;
} JUnit;

static GHashTable *
collect_attributes (const char **names,
                    const char **values)
{
  GHashTable *attributes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint i = 0; names[i] != NULL; i++)
    g_hash_table_insert (attributes, g_strdup (names[i]), g_strdup (values[i]));

  return attributes;
}

static void
on_start_element (GMarkupParseContext  *context,
                  const char           *element,
                  const char          **names,
                  const char          **values,
                  gpointer              user_data,
                  GError              **error)
{
  JUnit *junit = user_data;

  if (g_str_equal (element, "testsuites"))
    {
      junit->suites = collect_attributes (names, values);
    }
  else if (g_str_equal (element, "testcase"))
    {
      g_ptr_array_add (junit->testcases, collect_attributes (names, values));
      g_ptr_array_add (junit->outcomes, g_strdup ("pass"));
      g_ptr_array_add (junit->messages, NULL);
      g_ptr_array_add (junit->texts, NULL);
    }
  else if (g_str_equal (element, "failure") || g_str_equal (element, "error"))
    {
      g_autoptr(GHashTable) attributes = collect_attributes (names, values);
      guint last = junit->testcases->len - 1;

      g_assert_cmpuint (junit->testcases->len, >, 0);
      g_free (junit->outcomes->pdata[last]);
      junit->outcomes->pdata[last] = g_strdup (element);
      junit->messages->pdata[last] = g_strdup (g_hash_table_lookup (attributes, "message"));
      junit->texts->pdata[last] = g_strdup ("");
      junit->in_outcome = TRUE;
    }
}

static void
on_end_element (GMarkupParseContext  *context,
                const char           *element,
                gpointer              user_data,
                GError              **error)
{
  JUnit *junit = user_data;

  if (g_str_equal (element, "failure") || g_str_equal (element, "error"))
    junit->in_outcome = FALSE;
}

static void
on_text (GMarkupParseContext  *context,
         const char           *text,
         gsize                 length,
         gpointer              user_data,
         GError              **error)
{
  JUnit *junit = user_data;
  guint last = junit->testcases->len - 1;
  char *joined;

  if (!junit->in_outcome)
    return;

  joined = g_strdup_printf ("%s%.*s", (char *) junit->texts->pdata[last], (int) length, text);
  g_free (junit->texts->pdata[last]);
  junit->texts->pdata[last] = joined;
}

static void
junit_clear (JUnit *junit)
{
  g_clear_pointer (&junit->suites, g_hash_table_unref);
  g_clear_pointer (&junit->testcases, g_ptr_array_unref);
  g_clear_pointer (&junit->outcomes, g_ptr_array_unref);
  g_clear_pointer (&junit->messages, g_ptr_array_unref);
  g_clear_pointer (&junit->texts, g_ptr_array_unref);
}

/* Parses the JUnit file with GMarkup, which refuses XML that is not well
 * formed. */
static void
junit_load (JUnit      *junit,
            const char *path)
{
  static const GMarkupParser parser = { on_start_element, on_end_element, on_text, NULL, NULL };
  g_autoptr(GMarkupParseContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (contents, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));

  junit->testcases = g_ptr_array_new_with_free_func ((GDestroyNotify) g_hash_table_unref);
  junit->outcomes = g_ptr_array_new_with_free_func (g_free);
  junit->messages = g_ptr_array_new_with_free_func (g_free);
  junit->texts = g_ptr_array_new_with_free_func (g_free);

  context = g_markup_parse_context_new (&parser, G_MARKUP_DEFAULT_FLAGS, junit, NULL);
  g_assert_true (g_markup_parse_context_parse (context, contents, length, &error) &&
                 g_markup_parse_context_end_parse (context, &error));
  g_assert_no_error (error);
  g_assert_nonnull (junit->suites);
}

static const char *
junit_testcase (JUnit      *junit,
                guint       index,
                const char *attribute)
{
  return g_hash_table_lookup (g_ptr_array_index (junit->testcases, index), attribute);
}

/* ---- runs -------------------------------------------------------------- */

/* validate with the Garden bundle and plan; @target (nullable) is --to. */
static int
run_validate (Fixture    *fixture,
              const char *expectations,
              const char *target,
              gboolean    json,
              const char *fixture_a,
              const char *fixture_b,
              char      **out,
              char      **err)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();

  g_ptr_array_add (argv, (gpointer) godwit_test_cli_path ());
  g_ptr_array_add (argv, "validate");
  g_ptr_array_add (argv, "--model");
  g_ptr_array_add (argv, fixture->bundle);
  g_ptr_array_add (argv, "--plan");
  g_ptr_array_add (argv, fixture->plan);
  g_ptr_array_add (argv, "--junit");
  g_ptr_array_add (argv, fixture->junit);
  if (expectations != NULL)
    {
      godwit_test_write_file (fixture->expect, expectations, -1);
      g_ptr_array_add (argv, "--expect");
      g_ptr_array_add (argv, fixture->expect);
    }
  if (target != NULL)
    {
      g_ptr_array_add (argv, "--to");
      g_ptr_array_add (argv, (gpointer) target);
    }
  if (json)
    g_ptr_array_add (argv, "--json");
  g_ptr_array_add (argv, (gpointer) fixture_a);
  if (fixture_b != NULL)
    g_ptr_array_add (argv, (gpointer) fixture_b);
  g_ptr_array_add (argv, NULL);

  return godwit_test_run ((const char * const *) argv->pdata, out, err);
}

static JsonObject *
fixture_result (JsonObject *root,
                guint       index)
{
  return json_array_get_object_element (godwit_test_array_member (root, "fixtures"), index);
}

static gboolean
array_contains (JsonArray  *array,
                const char *text)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    if (g_strcmp0 (json_array_get_string_element (array, i), text) == 0)
      return TRUE;

  return FALSE;
}

static void
test_usage (void)
{
  g_autofree char *help = godwit_test_cli_help ("validate");
  g_autofree char *usage = godwit_test_cli_usage_error ("validate", "--model", "Garden.xcdatamodeld", NULL);

  g_assert_nonnull (strstr (help, "--expect"));
  g_assert_nonnull (strstr (help, "--junit"));
  g_assert_nonnull (strstr (usage, "FIXTURE"));
}

/* Both garden stores reach “Garden 3” and meet every expectation: the
 * text, the JSON and the JUnit say so. */
static void
test_garden_pass (void)
{
  Fixture fixture = { 0 };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;
  JsonObject *result;
  JUnit junit = { 0 };

  fixture_init (&fixture);

  g_assert_cmpint (run_validate (&fixture, GARDEN_EXPECTATIONS, NULL, FALSE, fixture.garden_1, fixture.garden_2,
                                 &out, &err), ==, 0);
  g_assert_cmpstr (err, ==, "");
  g_assert_nonnull (strstr (out, "PASS"));
  g_assert_null (strstr (out, "FAIL"));
  g_assert_nonnull (strstr (out, "“Garden” → “Garden 3”, 2 steps"));
  g_assert_nonnull (strstr (out, "“Garden 2” → “Garden 3”, 1 step"));
  g_assert_nonnull (strstr (out, "2 fixtures: 2 passed, 0 failed, 0 could not be migrated"));
  assert_untouched (&fixture);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_validate (&fixture, GARDEN_EXPECTATIONS, NULL, TRUE, fixture.garden_1, fixture.garden_2,
                                 &out, &err), ==, 0);
  root = godwit_test_parse_json (out);
  object = json_node_get_object (root);
  g_assert_cmpstr (json_object_get_string_member (object, "bundle"), ==, fixture.bundle);
  g_assert_cmpstr (json_object_get_string_member (object, "expectations"), ==, fixture.expect);
  g_assert_cmpstr (json_object_get_string_member (object, "target_version"), ==, "Garden 3");
  g_assert_cmpint (json_object_get_int_member (object, "passed"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (object, "failed"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (object, "errors"), ==, 0);
  result = fixture_result (object, 0);
  g_assert_cmpstr (json_object_get_string_member (result, "fixture"), ==, fixture.garden_1);
  g_assert_cmpstr (json_object_get_string_member (result, "result"), ==, "pass");
  g_assert_cmpstr (json_object_get_string_member (result, "source_version"), ==, "Garden");
  g_assert_cmpstr (json_object_get_string_member (result, "target_version"), ==, "Garden 3");
  g_assert_cmpint (json_object_get_int_member (result, "steps"), ==, 2);
  g_assert_false (json_object_get_boolean_member (result, "up_to_date"));
  g_assert_true (array_contains (godwit_test_array_member (result, "verification"), "integrity check: ok"));
  g_assert_cmpuint (json_array_get_length (godwit_test_array_member (result, "failures")), ==, 0);
  g_assert_true (json_object_get_null_member (result, "error"));
  g_assert_cmpint (json_object_get_int_member (result, "milliseconds"), >=, 0);
  result = fixture_result (object, 1);
  g_assert_cmpstr (json_object_get_string_member (result, "source_version"), ==, "Garden 2");
  g_assert_cmpint (json_object_get_int_member (result, "steps"), ==, 1);
  assert_untouched (&fixture);

  junit_load (&junit, fixture.junit);
  g_assert_cmpstr (g_hash_table_lookup (junit.suites, "name"), ==, "godwit-validate");
  g_assert_cmpstr (g_hash_table_lookup (junit.suites, "tests"), ==, "2");
  g_assert_cmpstr (g_hash_table_lookup (junit.suites, "failures"), ==, "0");
  g_assert_cmpstr (g_hash_table_lookup (junit.suites, "errors"), ==, "0");
  g_assert_cmpuint (junit.testcases->len, ==, 2);
  for (guint i = 0; i < junit.testcases->len; i++)
    {
      g_assert_cmpstr (junit_testcase (&junit, i, "classname"), ==, "Garden");
      g_assert_cmpstr (g_ptr_array_index (junit.outcomes, i), ==, "pass");
      g_assert_nonnull (junit_testcase (&junit, i, "time"));
    }
  g_assert_cmpstr (junit_testcase (&junit, 0, "name"), ==, fixture.garden_1);
  g_assert_cmpstr (junit_testcase (&junit, 1, "name"), ==, fixture.garden_2);
  junit_clear (&junit);

  fixture_clear (&fixture);
}

/* A wrong count and a wrong related value, for one of the two stores:
 * every failure in the text, the JSON and the JUnit. */
static void
test_garden_mismatch (void)
{
  Fixture fixture = { 0 };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *count_failure = NULL;
  g_autofree char *bed_failure = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *result;
  JsonArray *failures;
  JUnit junit = { 0 };

  fixture_init (&fixture);
  count_failure = g_strdup_printf ("%s: 2 Note objects, expected 3", fixture.garden_2);
  bed_failure = g_strdup_printf ("%s: Plant where commonName = “Tomato”: bed.name is “South”, "
                                 "expected “North <&> \"wall\"”", fixture.garden_2);

  g_assert_cmpint (run_validate (&fixture, GARDEN_WRONG_EXPECTATIONS, NULL, FALSE, fixture.garden_1, fixture.garden_2,
                                 &out, &err), ==, 1);
  g_assert_nonnull (strstr (out, "PASS"));
  g_assert_nonnull (strstr (out, "FAIL"));
  {
    g_autofree char *indented_count = g_strdup_printf ("\n  %s\n", count_failure);
    g_autofree char *indented_bed = g_strdup_printf ("\n  %s\n", bed_failure);

    g_assert_nonnull (strstr (out, indented_count));
    g_assert_nonnull (strstr (out, indented_bed));
  }
  g_assert_nonnull (strstr (out, "2 fixtures: 1 passed, 1 failed, 0 could not be migrated"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_validate (&fixture, GARDEN_WRONG_EXPECTATIONS, NULL, TRUE, fixture.garden_1, fixture.garden_2,
                                 &out, &err), ==, 1);
  root = godwit_test_parse_json (out);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (root), "passed"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (root), "failed"), ==, 1);
  result = fixture_result (json_node_get_object (root), 0);
  g_assert_cmpstr (json_object_get_string_member (result, "result"), ==, "pass");
  result = fixture_result (json_node_get_object (root), 1);
  g_assert_cmpstr (json_object_get_string_member (result, "result"), ==, "fail");
  failures = godwit_test_array_member (result, "failures");
  g_assert_cmpuint (json_array_get_length (failures), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (failures, 0), ==, count_failure);
  g_assert_cmpstr (json_array_get_string_element (failures, 1), ==, bed_failure);
  g_assert_true (json_object_get_null_member (result, "error"));

  junit_load (&junit, fixture.junit);
  g_assert_cmpstr (g_hash_table_lookup (junit.suites, "tests"), ==, "2");
  g_assert_cmpstr (g_hash_table_lookup (junit.suites, "failures"), ==, "1");
  g_assert_cmpstr (g_hash_table_lookup (junit.suites, "errors"), ==, "0");
  g_assert_cmpstr (g_ptr_array_index (junit.outcomes, 0), ==, "pass");
  g_assert_cmpstr (g_ptr_array_index (junit.outcomes, 1), ==, "failure");
  g_assert_cmpstr (g_ptr_array_index (junit.messages, 1), ==, count_failure);
  {
    g_autofree char *text = g_strdup_printf ("%s\n%s", count_failure, bed_failure);

    g_assert_cmpstr (g_ptr_array_index (junit.texts, 1), ==, text);
  }
  junit_clear (&junit);

  assert_untouched (&fixture);
  fixture_clear (&fixture);
}

/* A file that is not a store cannot be migrated: an error for it, and the
 * store after it is still validated. */
static void
test_not_a_store (void)
{
  Fixture fixture = { 0 };
  g_autofree char *bogus = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *result;
  JUnit junit = { 0 };

  fixture_init (&fixture);
  bogus = g_build_filename (fixture.dir, "notes.sqlite", NULL);
  godwit_test_write_file (bogus, "not a database, only a note\n", -1);
  g_free (fixture.snapshot);
  fixture.snapshot = godwit_test_snapshot_directory (fixture.dir);

  g_assert_cmpint (run_validate (&fixture, NULL, NULL, FALSE, bogus, fixture.garden_1, &out, &err), ==, 1);
  {
    g_autofree char *error_line = g_strdup_printf ("ERROR  %s  ", bogus);
    g_autofree char *pass_line = g_strdup_printf ("PASS   %s  ", fixture.garden_1);
    g_autofree char *message = g_strdup_printf ("\n  %s: ", bogus);

    g_assert_nonnull (strstr (out, error_line));
    g_assert_nonnull (strstr (out, pass_line));
    g_assert_nonnull (strstr (out, message));
  }
  g_assert_nonnull (strstr (out, "2 fixtures: 1 passed, 0 failed, 1 could not be migrated"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_validate (&fixture, NULL, NULL, TRUE, bogus, fixture.garden_1, &out, &err), ==, 1);
  root = godwit_test_parse_json (out);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (root), "errors"), ==, 1);
  result = fixture_result (json_node_get_object (root), 0);
  g_assert_cmpstr (json_object_get_string_member (result, "result"), ==, "error");
  g_assert_true (g_str_has_prefix (json_object_get_string_member (result, "error"), bogus));
  g_assert_true (json_object_get_null_member (result, "source_version"));
  result = fixture_result (json_node_get_object (root), 1);
  g_assert_cmpstr (json_object_get_string_member (result, "result"), ==, "pass");

  junit_load (&junit, fixture.junit);
  g_assert_cmpstr (g_hash_table_lookup (junit.suites, "errors"), ==, "1");
  g_assert_cmpstr (g_hash_table_lookup (junit.suites, "failures"), ==, "0");
  g_assert_cmpstr (g_ptr_array_index (junit.outcomes, 0), ==, "error");
  g_assert_true (g_str_has_prefix (g_ptr_array_index (junit.messages, 0), bogus));
  g_assert_cmpstr (g_ptr_array_index (junit.outcomes, 1), ==, "pass");
  junit_clear (&junit);

  assert_untouched (&fixture);
  fixture_clear (&fixture);
}

/* Points the plants of @store, one of the fixtures, at a bed that does
 * not exist, and snapshots the fixtures again. Returns the failure
 * validate reports for it. */
static char *
write_dangling_beds (Fixture    *fixture,
                     const char *store)
{
  godwit_test_execute_sql (store, "UPDATE ZPLANT SET ZBED = 99 WHERE ZBED IS NOT NULL", NULL);
  g_free (fixture->snapshot);
  fixture->snapshot = godwit_test_snapshot_directory (fixture->dir);

  return g_strdup_printf ("%s: verification failed: 2 Plant objects point with Plant.bed at objects that do "
                          "not exist", store);
}

/* A bed that does not exist: the migrated copy fails the library's
 * verification, a finding (failure), not an error. */
static void
test_verification_failure (void)
{
  Fixture fixture = { 0 };
  g_autofree char *failure = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *result;
  JsonArray *failures;

  fixture_init (&fixture);
  failure = write_dangling_beds (&fixture, fixture.garden_1);

  /* The lightweight step keeps the column as it is; the plan's custom
   * step to “Garden 3” would drop the dangling keys. */
  g_assert_cmpint (run_validate (&fixture, NULL, "Garden 2", TRUE, fixture.garden_1, NULL, &out, &err), ==, 1);
  root = godwit_test_parse_json (out);
  result = fixture_result (json_node_get_object (root), 0);
  g_assert_cmpstr (json_object_get_string_member (result, "result"), ==, "fail");
  failures = godwit_test_array_member (result, "failures");
  g_assert_cmpuint (json_array_get_length (failures), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (failures, 0), ==, failure);
  /* Named after the fixture, not the temporary copy. */
  g_assert_null (strstr (out, fixture.tmp));

  assert_untouched (&fixture);
  fixture_clear (&fixture);
}

/* A fixture already at the target is not migrated, but its copy is
 * verified as a migrated one is: one with a dangling to-one foreign key
 * fails. */
static void
test_up_to_date (void)
{
  Fixture fixture = { 0 };
  g_autofree char *dangling = NULL;
  g_autofree char *failure = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *result;
  JsonArray *verification;
  JsonArray *failures;

  fixture_init (&fixture);
  dangling = g_build_filename (fixture.dir, "garden-2-dangling.sqlite", NULL);
  godwit_test_copy_store (fixture.garden_2, dangling);
  failure = write_dangling_beds (&fixture, dangling);

  g_assert_cmpint (run_validate (&fixture, NULL, "Garden 2", FALSE, fixture.garden_2, dangling, &out, &err), ==, 1);
  {
    g_autofree char *pass_line = g_strdup_printf ("PASS   %s  already at “Garden 2”, ", fixture.garden_2);
    g_autofree char *fail_line = g_strdup_printf ("FAIL   %s  already at “Garden 2”, ", dangling);
    g_autofree char *indented = g_strdup_printf ("\n  %s\n", failure);

    g_assert_nonnull (strstr (out, pass_line));
    g_assert_nonnull (strstr (out, fail_line));
    g_assert_nonnull (strstr (out, indented));
  }
  g_assert_nonnull (strstr (out, "2 fixtures: 1 passed, 1 failed, 0 could not be migrated"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_validate (&fixture, NULL, "Garden 2", TRUE, fixture.garden_2, dangling, &out, &err), ==, 1);
  root = godwit_test_parse_json (out);

  result = fixture_result (json_node_get_object (root), 0);
  g_assert_cmpstr (json_object_get_string_member (result, "result"), ==, "pass");
  g_assert_true (json_object_get_boolean_member (result, "up_to_date"));
  g_assert_cmpint (json_object_get_int_member (result, "steps"), ==, 0);
  verification = godwit_test_array_member (result, "verification");
  g_assert_cmpuint (json_array_get_length (verification), ==, 3);
  g_assert_cmpstr (json_array_get_string_element (verification, 0), ==, "integrity check: ok");
  g_assert_cmpstr (json_array_get_string_element (verification, 1), ==,
                   "relationships: 2 foreign keys and join tables checked, every one resolves");
  g_assert_cmpstr (json_array_get_string_element (verification, 2), ==,
                   "metadata: every entity's version hash matches “Garden 2”");

  result = fixture_result (json_node_get_object (root), 1);
  g_assert_cmpstr (json_object_get_string_member (result, "result"), ==, "fail");
  g_assert_true (json_object_get_boolean_member (result, "up_to_date"));
  failures = godwit_test_array_member (result, "failures");
  g_assert_cmpuint (json_array_get_length (failures), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (failures, 0), ==, failure);
  g_assert_true (json_object_get_null_member (result, "error"));
  /* Named after the fixture, not the temporary copy. */
  g_assert_null (strstr (out, fixture.tmp));

  assert_untouched (&fixture);
  fixture_clear (&fixture);
}

static void
assert_bad_expectations (Fixture    *fixture,
                         const char *expectations,
                         const char *message)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *expected = NULL;

  g_assert_cmpint (run_validate (fixture, expectations, NULL, FALSE, fixture->garden_1, NULL, &out, &err), ==, 2);
  expected = g_strdup_printf ("godwit-cli: %s: %s\n", fixture->expect, message);
  g_assert_cmpstr (err, ==, expected);
  g_assert_cmpstr (out, ==, "");
  g_assert_false (g_file_test (fixture->junit, G_FILE_TEST_EXISTS));
}

/* A bad expectations file is bad usage (status 2), named down to the key,
 * before any fixture is copied. */
static void
test_bad_expectations (void)
{
  static const struct {
    const char *json;
    const char *message;
  } cases[] = {
    { "{\"godwit-expectations\": 1, \"fixtures\": {\"garden-1.sqlite\": {\"objects\": "
      "[{\"entity\": \"Plant\", \"pk\": 1, \"values\": []}]}}}",
      "fixtures[\"garden-1.sqlite\"].objects[0].values: not an object" },
    { "{\"fixtures\": {}}",
      "godwit-expectations: missing: give the format version, 1" },
    { "{\"godwit-expectations\": 2}",
      "godwit-expectations: format 2 is not known: this Godwit reads format 1" },
    { "{\"godwit-expectations\": 1, \"fixtures\": {\"garden-9.sqlite\": {}}}",
      "fixtures[\"garden-9.sqlite\"]: no FIXTURE given has this file name" },
    { "{\"godwit-expectations\": 1, \"fixtures\": {\"*\": {\"count\": {}}}}",
      "fixtures[\"*\"].count: unknown key (a fixture entry has the keys “counts” and “objects”)" },
    { "{\"godwit-expectations\": 1, \"fixtures\": {\"*\": {\"counts\": {\"Weed\": 1}}}}",
      "fixtures[\"*\"].counts.Weed: version “Garden 3” has no entity “Weed”" },
    { "{\"godwit-expectations\": 1, \"fixtures\": {\"*\": {\"counts\": {\"Bed\": -1}}}}",
      "fixtures[\"*\"].counts.Bed: not a whole number of at least 0" },
    { "{\"godwit-expectations\": 1, \"fixtures\": {\"*\": {\"objects\": [{\"entity\": \"Plant\", "
      "\"where\": {\"name\": \"Basil\"}}]}}}",
      "fixtures[\"*\"].objects[0].where.name: Plant has no stored attribute “name” in version “Garden 3”" },
    { "{\"godwit-expectations\": 1, \"fixtures\": {\"*\": {\"objects\": [{\"entity\": \"Plant\"}]}}}",
      "fixtures[\"*\"].objects[0]: neither “pk” nor “where”: give one of them" },
    { "{\"godwit-expectations\": 1, \"fixtures\": {\"*\": {\"objects\": [{\"entity\": \"Plant\", \"pk\": 1, "
      "\"relationships\": {\"journal\": {}}}]}}}",
      "fixtures[\"*\"].objects[0].relationships.journal: not a whole number or an array: journal is a "
      "to-many relationship" },
    { "{\"godwit-expectations\": 1, \"fixtures\": {\"*\": {\"counts\": {\"Bed\": 1, \"Bed\": 2}}}}",
      "fixtures[\"*\"].counts.Bed: given twice in one object" },
    { "{\"godwit-expectations\": 1, \"target-version\": \"Garden 9\"}",
      NULL },
    { "{\"godwit-expectations\": 1, \"fixtures\": {\"*\": {\"objects\": [{\"entity\": \"Plant\", \"pk\": 1, "
      "\"values\": {\"commonName\": \"Fern\", \"commonName\": \"Basil\"}}]}}}",
      "fixtures[\"*\"].objects[0].values.commonName: given twice in one object" },
    { "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
      "line 1: arrays and objects are nested more than 32 deep" },
    { "{\"godwit-expectations\": 1}\n// Garden", "not JSON: line 2: text after the end of the top-level value" },
    { "{\"godwit-expectations\": 1, /* Garden */ \"fixtures\": {}}",
      "not JSON: line 1: unexpected “/” (JSON has neither single-quoted strings nor comments)" },
    { "", "empty: an expectations file is a JSON object" },
    { "[{\"godwit-expectations\": 1}]", "an expectations file is a JSON object, not an array" },
  };
  Fixture fixture = { 0 };

  fixture_init (&fixture);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *message = NULL;

      if (cases[i].message == NULL)
        message = g_strdup_printf ("target-version: %s has no version named “Garden 9”", fixture.bundle);

      assert_bad_expectations (&fixture, cases[i].json, cases[i].message != NULL ? cases[i].message : message);
    }

  assert_untouched (&fixture);
  fixture_clear (&fixture);
}

/* The real wibosco chain: stores at versions 1, 2 and 3 reach 4 through
 * the plan, each one's values kept. */
#define WIBOSCO_EXPECTATIONS \
  "{\n" \
  "  \"godwit-expectations\": 1,\n" \
  "  \"target-version\": \"CoreDataMigration_Example 4\",\n" \
  "  \"fixtures\": {\n" \
  "    \"*\": { \"counts\": { \"Post\": 10, \"Section\": 10 } },\n" \
  "    \"CoreDataMigration_Example_1.sqlite\": {\n" \
  "      \"objects\": [\n" \
  "        { \"entity\": \"Post\", \"where\": { \"hexColor\": \"01A5BC\" },\n" \
  "          \"values\": { \"date\": \"2019-01-14T15:28:04.545Z\", \"softDeleted\": false },\n" \
  "          \"relationships\": { \"sections\": [ { \"title\": \"Post...\", \"index\": 0 } ] } },\n" \
  "        { \"entity\": \"Section\", \"pk\": 2,\n" \
  "          \"values\": { \"title\": \"Now ...\" },\n" \
  "          \"relationships\": { \"post\": { \"hexColor\": \"C526D5\" } } }\n" \
  "      ]\n" \
  "    },\n" \
  "    \"CoreDataMigration_Example_3.sqlite\": { \"counts\": { \"Post\": %d, \"Section\": 14 } }\n" \
  "  }\n" \
  "}\n"

static void
test_wibosco (void)
{
  g_autofree char *stores = godwit_test_fixture_path (WIBOSCO_STORES);
  g_autofree char *bundle = godwit_test_fixture_path (GODWIT_TEST_WIBOSCO_BUNDLE);
  g_autofree char *plan = g_test_build_filename (G_TEST_DIST, "plans", "wibosco.godwit-plan.json", NULL);
  g_autofree char *outputs = NULL;
  g_autofree char *tmp = NULL;
  g_autofree char *expect = NULL;
  g_autofree char *junit_path = NULL;
  g_autofree char *before = NULL;
  g_autofree char *store_1 = NULL;
  g_autofree char *store_2 = NULL;
  g_autofree char *store_3 = NULL;

  if (stores == NULL || bundle == NULL)
    return;

  outputs = godwit_test_make_tmpdir ();
  tmp = g_build_filename (outputs, "tmp", NULL);
  g_assert_cmpint (g_mkdir (tmp, 0700), ==, 0);
  g_setenv ("TMPDIR", tmp, TRUE);
  expect = g_build_filename (outputs, "expect.json", NULL);
  junit_path = g_build_filename (outputs, "junit.xml", NULL);
  store_1 = g_build_filename (stores, "CoreDataMigration_Example_1.sqlite", NULL);
  store_2 = g_build_filename (stores, "CoreDataMigration_Example_2.sqlite", NULL);
  store_3 = g_build_filename (stores, "CoreDataMigration_Example_3.sqlite", NULL);
  before = godwit_test_snapshot_directory (stores);

  /* Store 3 has 12 posts: right, then wrong. */
  for (int posts = 12; posts <= 13; posts++)
    {
      const char *argv[] = { godwit_test_cli_path (), "validate", "--model", bundle, "--plan", plan,
                             "--expect", expect, "--junit", junit_path, store_1, store_2, store_3, NULL };
      g_autofree char *expectations = g_strdup_printf (WIBOSCO_EXPECTATIONS, posts);
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      g_autofree char *after = NULL;
      g_autofree char *leftovers = NULL;
      JUnit junit = { 0 };

      godwit_test_write_file (expect, expectations, -1);
      g_assert_cmpint (godwit_test_run (argv, &out, &err), ==, posts == 12 ? 0 : 1);
      g_assert_nonnull (strstr (out, "“CoreDataMigration_Example” → “CoreDataMigration_Example 4”, 3 steps"));

      junit_load (&junit, junit_path);
      g_assert_cmpuint (junit.testcases->len, ==, 3);
      g_assert_cmpstr (junit_testcase (&junit, 0, "classname"), ==, "CoreDataMigration_Example");
      g_assert_cmpstr (g_ptr_array_index (junit.outcomes, 0), ==, "pass");
      g_assert_cmpstr (g_ptr_array_index (junit.outcomes, 1), ==, "pass");
      if (posts == 12)
        {
          g_assert_nonnull (strstr (out, "3 fixtures: 3 passed"));
          g_assert_cmpstr (g_ptr_array_index (junit.outcomes, 2), ==, "pass");
          g_assert_cmpstr (g_hash_table_lookup (junit.suites, "failures"), ==, "0");
        }
      else
        {
          g_autofree char *failure = g_strdup_printf ("%s: 12 Post objects, expected 13", store_3);

          g_assert_nonnull (strstr (out, failure));
          g_assert_cmpstr (g_ptr_array_index (junit.outcomes, 2), ==, "failure");
          g_assert_cmpstr (g_ptr_array_index (junit.messages, 2), ==, failure);
          g_assert_cmpstr (g_hash_table_lookup (junit.suites, "failures"), ==, "1");
        }
      junit_clear (&junit);

      after = godwit_test_snapshot_directory (stores);
      g_assert_cmpstr (after, ==, before);
      leftovers = godwit_test_list_directory (tmp);
      g_assert_cmpstr (leftovers, ==, "");
    }

  g_unsetenv ("TMPDIR");
  godwit_test_rmdir (outputs);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cli-validate/usage", test_usage);
  g_test_add_func ("/cli-validate/garden/pass", test_garden_pass);
  g_test_add_func ("/cli-validate/garden/mismatch", test_garden_mismatch);
  g_test_add_func ("/cli-validate/not-a-store", test_not_a_store);
  g_test_add_func ("/cli-validate/verification-failure", test_verification_failure);
  g_test_add_func ("/cli-validate/up-to-date", test_up_to_date);
  g_test_add_func ("/cli-validate/bad-expectations", test_bad_expectations);
  g_test_add_func ("/cli-validate/wibosco", test_wibosco);

  return g_test_run ();
}
