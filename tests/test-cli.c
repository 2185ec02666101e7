/* test-cli.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "godwit-model-bundle.h"
#include "godwit-test-store.h"
#include "godwit-test-utils.h"

/* ---- running the CLI ----------------------------------------------------- */

static int
run_argv (GPtrArray  *args,
          char      **out,
          char      **err)
{
  g_ptr_array_add (args, NULL);

  return godwit_test_run ((const char * const *) args->pdata, out, err);
}

/* @err is read here, after @status is computed by a godwit_test_run_cli() argument. */
static void
assert_exit_2_naming (int          status,
                      char * const *err_out,
                      const char  *name)
{
  const char *err = *err_out;

  g_assert_cmpint (status, ==, 2);
  g_assert_true (g_str_has_prefix (err, "godwit-cli: "));
  g_assert_nonnull (strstr (err, name));
  /* One line, not a crash report. */
  g_assert_true (g_str_has_suffix (err, "\n"));
  g_assert_true (strchr (err, '\n') == err + strlen (err) - 1);
}

/* ---- the shared fixtures ------------------------------------------------ */

typedef struct
{
  const char *store;
  const char *bundle;
  const char *version;   /* the bundle version it matches */
} SharedStore;

static const SharedStore shared_stores[] = {
  { "wibosco-revised/stores/CoreDataMigration_Example_1.sqlite",
    "wibosco-revised/CoreDataMigration_Example.xcdatamodeld", "CoreDataMigration_Example" },
  { "wibosco-revised/stores/CoreDataMigration_Example_2.sqlite",
    "wibosco-revised/CoreDataMigration_Example.xcdatamodeld", "CoreDataMigration_Example 2" },
  { "wibosco-revised/stores/CoreDataMigration_Example_3.sqlite",
    "wibosco-revised/CoreDataMigration_Example.xcdatamodeld", "CoreDataMigration_Example 3" },
  { "bergier/stores/Example_v1.0.0.sqlite", "bergier/Model.xcdatamodeld", "v1.0.0" },
  { "bergier/stores/Example_v1.1.0.sqlite", "bergier/Model.xcdatamodeld", "v1.1.0" },
  { "bergier/stores/Example_v1.1.2.sqlite", "bergier/Model.xcdatamodeld", "v1.1.2" },
  { "bergier/stores/Example_v1.2.0.sqlite", "bergier/Model.xcdatamodeld", "v1.2.0" },
  { "bergier/stores/Example_v2.0.0.sqlite", "bergier/Model.xcdatamodeld", "v2.0.0" },
  { "apple-devices/NoteStore.sqlite", NULL, NULL },
  { "apple-devices/RMAdminStore-Local.sqlite", NULL, NULL },
  { "apple-devices/kik.sqlite", NULL, NULL },
};

/* ---- --version, --help, usage ------------------------------------------ */

static void
test_usage (void)
{
  const char *commands[] = { "model", "inspect", "dump", "history" };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (godwit_test_run_cli (&out, &err, "--version", NULL), ==, 0);
  g_assert_cmpstr (out, ==, "godwit-cli " PACKAGE_VERSION "\n");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (godwit_test_run_cli (&out, &err, "--help", NULL), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_assert_nonnull (strstr (out, commands[i]));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* No command: the help, on stderr, and a usage error. */
  {
    g_autoptr(GPtrArray) args = g_ptr_array_new ();

    g_ptr_array_add (args, (gpointer) godwit_test_cli_path ());
    g_assert_cmpint (run_argv (args, &out, &err), ==, 2);
  }
  g_assert_nonnull (strstr (err, "inspect"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autofree char *help = godwit_test_cli_help (commands[i]);
      /* No argument at all. */
      g_autofree char *usage = godwit_test_cli_usage_error (commands[i], NULL);

      g_assert_nonnull (strstr (help, commands[i]));
    }

  g_assert_cmpint (godwit_test_run_cli (&out, &err, "frobnicate", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "frobnicate"));
}

/* ---- model --------------------------------------------------------------- */

static void
check_model_against_oracle (const char         *relative_path,
                            const char * const *expected_order)
{
  g_autofree char *bundle = godwit_test_fixture_path (relative_path);
  g_autoptr(JsonNode) expected = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  JsonObject *oracle_versions;
  JsonArray *versions;
  guint n_versions = g_strv_length ((char **) expected_order);

  if (bundle == NULL)
    return;
  expected = godwit_test_oracle ("hashes", bundle);
  if (expected == NULL)
    return;
  oracle_versions = json_node_get_object (expected);

  g_assert_cmpint (godwit_test_run_cli (&out, &err, "model", bundle, "--json", NULL), ==, 0);
  root = godwit_test_parse_json (out);
  versions = godwit_test_array_member (json_node_get_object (root), "versions");

  g_assert_cmpuint (json_array_get_length (versions), ==, n_versions);
  g_assert_cmpuint (json_object_get_size (oracle_versions), ==, n_versions);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (root), "current_version"), ==,
                   expected_order[n_versions - 1]);

  for (guint i = 0; i < n_versions; i++)
    {
      JsonObject *version = json_array_get_object_element (versions, i);
      const char *name = json_object_get_string_member (version, "name");
      JsonObject *oracle_version = godwit_test_object_member (oracle_versions, name);
      JsonObject *oracle_entities = godwit_test_object_member (oracle_version, "entities");
      JsonArray *entities = godwit_test_array_member (version, "entities");

      /* In order, current last. */
      g_assert_cmpstr (name, ==, expected_order[i]);
      g_assert_cmpint (json_object_get_boolean_member (version, "current"), ==, i + 1 == n_versions);
      g_assert_cmpstr (json_object_get_string_member (version, "version_hashes_digest"), ==,
                       json_object_get_string_member (oracle_version, "digest"));
      g_assert_cmpstr (json_object_get_string_member (version, "version_checksum"), ==,
                       json_object_get_string_member (oracle_version, "checksum"));

      g_assert_cmpuint (json_array_get_length (entities), ==, json_object_get_size (oracle_entities));
      for (guint j = 0; j < json_array_get_length (entities); j++)
        {
          JsonObject *entity = json_array_get_object_element (entities, j);
          const char *entity_name = json_object_get_string_member (entity, "name");

          g_assert_true (json_object_has_member (oracle_entities, entity_name));
          g_assert_cmpstr (json_object_get_string_member (entity, "version_hash"), ==,
                           json_object_get_string_member (oracle_entities, entity_name));
        }
    }

  /* The text output names every version and every hash too. */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (godwit_test_run_cli (&out, &err, "model", bundle, NULL), ==, 0);
  for (guint i = 0; i < n_versions; i++)
    {
      JsonObject *version = json_array_get_object_element (versions, i);
      JsonArray *entities = godwit_test_array_member (version, "entities");

      g_assert_nonnull (strstr (out, expected_order[i]));
      for (guint j = 0; j < json_array_get_length (entities); j++)
        g_assert_nonnull (strstr (out, json_object_get_string_member (json_array_get_object_element (entities, j),
                                                                      "version_hash")));
    }
}

static void
test_model_wibosco (void)
{
  const char *order[] = {
    "CoreDataMigration_Example", "CoreDataMigration_Example 2",
    "CoreDataMigration_Example 3", "CoreDataMigration_Example 4", NULL,
  };

  check_model_against_oracle ("wibosco-revised/CoreDataMigration_Example.xcdatamodeld", order);
}

static void
test_model_bergier (void)
{
  const char *order[] = { "v1.0.0", "v1.1.0", "v1.1.2", "v1.2.0", "v2.0.0", NULL };
  const char *single[] = { "v1.1.2", NULL };

  check_model_against_oracle ("bergier/Model.xcdatamodeld", order);
  check_model_against_oracle ("bergier/Model.xcdatamodeld/v1.1.2.xcdatamodel", single);
}

/* ---- inspect ------------------------------------------------------------- */

static JsonNode *
inspect_json (const char *store,
              const char *bundle,
              int         expected_status)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;

  if (bundle != NULL)
    status = godwit_test_run_cli (&out, &err, "inspect", store, "--model", bundle, "--json", NULL);
  else
    status = godwit_test_run_cli (&out, &err, "inspect", store, "--json", NULL);

  if (status != expected_status)
    g_test_message ("inspect %s: %s", store, err);
  g_assert_cmpint (status, ==, expected_status);

  return godwit_test_parse_json (out);
}

static void
test_inspect_shared (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (shared_stores); i++)
    {
      g_autofree char *store = godwit_test_fixture_path (shared_stores[i].store);
      g_autofree char *bundle = NULL;
      g_autoptr(JsonNode) meta = NULL;
      g_autoptr(JsonNode) root = NULL;
      JsonObject *facts, *expected, *model, *history;
      JsonArray *entities;
      gint64 total_objects = 0;

      if (store == NULL)
        return;
      if (shared_stores[i].bundle != NULL)
        {
          bundle = godwit_test_fixture_path (shared_stores[i].bundle);
          if (bundle == NULL)
            return;
        }
      meta = godwit_test_oracle ("meta", store);
      if (meta == NULL)
        return;
      expected = json_node_get_object (meta);

      root = inspect_json (store, bundle, 0);
      facts = json_node_get_object (root);

      g_assert_cmpstr (json_object_get_string_member (facts, "path"), ==, store);
      g_assert_cmpstr (json_object_get_string_member (facts, "uuid"), ==,
                       json_object_get_string_member (expected, "uuid"));
      g_assert_cmpint (json_object_get_int_member (facts, "framework_version"), ==,
                       json_object_get_int_member (godwit_test_object_member (expected, "metadata"),
                                                   "NSPersistenceFrameworkVersion"));
      g_assert_false (json_object_get_boolean_member (facts, "metadata_is_null"));
      g_assert_false (json_object_get_boolean_member (facts, "mismatch"));
      /* Every metadata key, known or not. */
      g_assert_cmpuint (json_object_get_size (godwit_test_object_member (facts, "metadata")), ==,
                        json_object_get_size (godwit_test_object_member (expected, "metadata")));
      g_assert_nonnull (json_object_get_string_member (facts, "journal_mode"));

      model = godwit_test_object_member (facts, "model");
      if (bundle != NULL)
        {
          JsonObject *match = godwit_test_object_member (facts, "bundle_match");
          JsonArray *matching = godwit_test_array_member (match, "matching_versions");

          g_assert_cmpstr (json_object_get_string_member (model, "source"), ==, "bundle");
          g_assert_cmpstr (json_object_get_string_member (model, "version"), ==, shared_stores[i].version);
          g_assert_cmpstr (json_object_get_string_member (match, "matched_version"), ==, shared_stores[i].version);
          g_assert_cmpuint (json_array_get_length (matching), ==, 1);
        }
      else
        g_assert_true (json_object_get_null_member (facts, "bundle_match"));

      if (json_object_get_boolean_member (expected, "model_cache"))
        {
          JsonObject *cache = godwit_test_object_member (facts, "model_cache");

          g_assert_true (json_object_get_boolean_member (cache, "present"));
          g_assert_true (json_object_get_boolean_member (cache, "matches_metadata"));
          if (bundle == NULL)
            g_assert_cmpstr (json_object_get_string_member (model, "source"), ==, "store-cache");
        }
      else
        {
          JsonObject *cache = godwit_test_object_member (facts, "model_cache");

          g_assert_false (json_object_get_boolean_member (cache, "present"));
          g_assert_cmpstr (json_object_get_string_member (model, "source"), ==, "none");
        }

      entities = godwit_test_array_member (facts, "entities");
      g_assert_cmpuint (json_array_get_length (entities), >, 0);
      for (guint j = 0; j < json_array_get_length (entities); j++)
        {
          JsonObject *entity = json_array_get_object_element (entities, j);
          const char *hash = json_object_get_string_member (entity, "store_version_hash");

          g_assert_cmpint (json_object_get_int_member (entity, "entity_number"), >, 0);
          if (!json_object_get_null_member (entity, "objects"))
            {
              g_assert_cmpint (json_object_get_int_member (entity, "objects_including_subentities"), >=,
                               json_object_get_int_member (entity, "objects"));
              total_objects += json_object_get_int_member (entity, "objects");
            }
          /* With a model, the model's hash is the store's. */
          if (!json_object_get_null_member (entity, "version_hash"))
            g_assert_cmpstr (json_object_get_string_member (entity, "version_hash"), ==, hash);
        }
      g_assert_cmpint (total_objects, >, 0);

      history = godwit_test_object_member (facts, "history");
      if (g_str_has_suffix (store, "NoteStore.sqlite"))
        {
          g_assert_true (json_object_get_boolean_member (history, "present"));
          g_assert_cmpint (json_object_get_int_member (history, "transactions"), >, 0);
        }
      if (!json_object_get_boolean_member (history, "present"))
        g_assert_cmpint (json_object_get_int_member (history, "transactions"), ==, 0);
    }
}

static void
test_inspect_schema_only (void)
{
  g_autofree char *store = godwit_test_fixture_path ("apple-devices/kik.sqlite");
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  JsonObject *facts;
  JsonArray *entities;

  if (store == NULL)
    return;

  root = inspect_json (store, NULL, 0);
  facts = json_node_get_object (root);
  g_assert_cmpstr (json_object_get_string_member (godwit_test_object_member (facts, "model"),
                                                  "source"), ==, "none");
  g_assert_true (json_object_get_null_member (godwit_test_object_member (facts, "model_cache"),
                                              "matches_metadata"));
  entities = godwit_test_array_member (json_node_get_object (root), "entities");
  for (guint i = 0; i < json_array_get_length (entities); i++)
    g_assert_true (json_object_get_null_member (json_array_get_object_element (entities, i), "version_hash"));

  /* Said plainly in text. */
  g_assert_cmpint (godwit_test_run_cli (&out, &err, "inspect", store, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "schema-only"));
  g_assert_nonnull (strstr (out, "Z_ENT"));
}

static void
test_inspect_wrong_bundle (void)
{
  g_autofree char *store = godwit_test_fixture_path ("wibosco-revised/stores/CoreDataMigration_Example_3.sqlite");
  g_autofree char *bundle = godwit_test_fixture_path ("bergier/Model.xcdatamodeld");
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  JsonObject *facts;
  JsonObject *match;
  JsonArray *matching;
  JsonArray *differences;
  const char *nearest;
  guint n_different = 0;

  if (store == NULL || bundle == NULL)
    return;

  root = inspect_json (store, bundle, 1);
  facts = json_node_get_object (root);
  g_assert_true (json_object_get_boolean_member (facts, "mismatch"));
  match = godwit_test_object_member (facts, "bundle_match");
  g_assert_true (json_object_get_null_member (match, "matched_version"));
  matching = godwit_test_array_member (match, "matching_versions");
  g_assert_cmpuint (json_array_get_length (matching), ==, 0);
  nearest = json_object_get_string_member (match, "nearest_version");
  g_assert_nonnull (nearest);
  g_assert_true (g_str_has_prefix (nearest, "v"));

  /* The store's own cached model is what the objects are read with. */
  g_assert_cmpstr (json_object_get_string_member (godwit_test_object_member (facts, "model"),
                                                  "source"), ==, "store-cache");

  differences = godwit_test_array_member (match, "differences");
  for (guint i = 0; i < json_array_get_length (differences); i++)
    {
      JsonObject *difference = json_array_get_object_element (differences, i);
      const char *state = json_object_get_string_member (difference, "state");

      if (g_strcmp0 (state, "equal") != 0)
        {
          JsonArray *details = godwit_test_array_member (difference, "details");

          n_different++;
          g_assert_cmpuint (json_array_get_length (details), >, 0);
        }
    }
  g_assert_cmpuint (n_different, >, 0);

  /* Text: the nearest version, entity by entity. */
  g_assert_cmpint (godwit_test_run_cli (&out, &err, "inspect", store, "--model", bundle, NULL), ==, 1);
  g_assert_nonnull (strstr (out, nearest));
  g_assert_nonnull (strstr (out, "Post"));
  g_assert_nonnull (strstr (out, "only-in-store"));
}

/* ---- changing copies of stores with SQLite ------------------------------ */

/* A copy of a fixture store in @dir, or NULL after marking the test
 * skipped. */
static char *
copy_fixture (const char *relative_path,
              const char *dir)
{
  g_autofree char *source = godwit_test_fixture_path (relative_path);
  g_autofree char *base = NULL;
  char *destination;

  if (source == NULL)
    return NULL;

  base = g_path_get_basename (source);
  destination = g_build_filename (dir, base, NULL);
  godwit_test_copy_store (source, destination);

  return destination;
}

/* A store whose Z_MODELCACHE is another version's: the cached model's
 * hashes differ from the metadata, which is a mismatch. */
static void
test_inspect_cache_mismatch (void)
{
  g_autofree char *dir = godwit_test_make_tmpdir ();
  g_autofree char *donor = copy_fixture ("wibosco-revised/stores/CoreDataMigration_Example_3.sqlite", dir);
  g_autofree char *store = copy_fixture ("wibosco-revised/stores/CoreDataMigration_Example_1.sqlite", dir);
  g_autoptr(GBytes) cache = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  JsonObject *facts;
  JsonObject *model_cache;
  sqlite3 *db;

  if (donor == NULL || store == NULL)
    {
      godwit_test_rmdir (dir);
      return;
    }

  db = godwit_test_open_read_only (donor, FALSE);
  cache = godwit_test_query_blob (db, "SELECT Z_CONTENT FROM Z_MODELCACHE");
  sqlite3_close (db);
  g_assert_nonnull (cache);
  godwit_test_execute_sql (store, "UPDATE Z_MODELCACHE SET Z_CONTENT = ?1", cache);

  root = inspect_json (store, NULL, 1);
  facts = json_node_get_object (root);
  g_assert_true (json_object_get_boolean_member (facts, "mismatch"));
  model_cache = godwit_test_object_member (facts, "model_cache");
  g_assert_false (json_object_get_boolean_member (model_cache, "matches_metadata"));
  g_assert_cmpuint (json_array_get_length (godwit_test_array_member (model_cache, "differences")),
                    >, 0);

  g_assert_cmpint (godwit_test_run_cli (&out, &err, "inspect", store, NULL), ==, 1);
  g_assert_nonnull (strstr (out, "Section"));

  godwit_test_rmdir (dir);
}

/* ---- a generated store ---------------------------------------------------- */

/* Inheritance (Editor is an Author), to-one, to-many, many-to-many, and
 * every attribute type whose display is decoded. */
static const char library_contents[] =
  "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
  "<model type=\"com.apple.IDECoreDataModeler.DataModel\" documentVersion=\"1.0\" "
  "minimumToolsVersion=\"Automatic\" sourceLanguage=\"Swift\" userDefinedModelVersionIdentifier=\"\">\n"
  "  <entity name=\"Author\" representedClassName=\"Author\" syncable=\"YES\">\n"
  "    <attribute name=\"active\" optional=\"YES\" attributeType=\"Boolean\" usesScalarValueType=\"YES\"/>\n"
  "    <attribute name=\"born\" optional=\"YES\" attributeType=\"Date\" usesScalarValueType=\"NO\"/>\n"
  "    <attribute name=\"identifier\" optional=\"YES\" attributeType=\"UUID\" usesScalarValueType=\"NO\"/>\n"
  "    <attribute name=\"name\" optional=\"YES\" attributeType=\"String\"/>\n"
  "    <attribute name=\"photo\" optional=\"YES\" attributeType=\"Binary\"/>\n"
  "    <attribute name=\"rank\" optional=\"YES\" attributeType=\"Integer 64\" usesScalarValueType=\"YES\"/>\n"
  "    <relationship name=\"books\" optional=\"YES\" toMany=\"YES\" deletionRule=\"Nullify\" "
  "destinationEntity=\"Book\" inverseName=\"author\" inverseEntity=\"Book\"/>\n"
  "  </entity>\n"
  "  <entity name=\"Book\" representedClassName=\"Book\" syncable=\"YES\">\n"
  "    <attribute name=\"price\" optional=\"YES\" attributeType=\"Double\" usesScalarValueType=\"YES\"/>\n"
  "    <attribute name=\"title\" optional=\"YES\" attributeType=\"String\"/>\n"
  "    <relationship name=\"author\" optional=\"YES\" maxCount=\"1\" deletionRule=\"Nullify\" "
  "destinationEntity=\"Author\" inverseName=\"books\" inverseEntity=\"Author\"/>\n"
  "    <relationship name=\"tags\" optional=\"YES\" toMany=\"YES\" deletionRule=\"Nullify\" "
  "destinationEntity=\"Tag\" inverseName=\"books\" inverseEntity=\"Tag\"/>\n"
  "  </entity>\n"
  "  <entity name=\"Editor\" representedClassName=\"Editor\" parentEntity=\"Author\" syncable=\"YES\">\n"
  "    <attribute name=\"level\" optional=\"YES\" attributeType=\"Integer 32\" usesScalarValueType=\"YES\"/>\n"
  "  </entity>\n"
  "  <entity name=\"Tag\" representedClassName=\"Tag\" syncable=\"YES\">\n"
  "    <attribute name=\"label\" optional=\"YES\" attributeType=\"String\"/>\n"
  "    <relationship name=\"books\" optional=\"YES\" toMany=\"YES\" deletionRule=\"Nullify\" "
  "destinationEntity=\"Book\" inverseName=\"tags\" inverseEntity=\"Book\"/>\n"
  "  </entity>\n"
  "</model>\n";

/* More than two pages of tags. */
#define N_TAGS 2500

static const guint8 uuid_bytes[16] = {
  0xc8, 0xad, 0x66, 0x1e, 0x8b, 0x9c, 0x4a, 0x11, 0x90, 0x00, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc,
};

typedef struct
{
  GodwitTestStore  store;       /* Library.sqlite */
  char            *bundle;      /* Library.xcdatamodel, beside the store */
  gint64           ann, ben, eve;
  gint64           dune, emma, ulysses;
  gint64           tags[N_TAGS];
} Library;

static void
library_write (Library  *library,
               gboolean  keep_wal)
{
  g_autoptr(GodwitModelBundle) bundle = NULL;
  g_autoptr(GodwitStoreWriter) writer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  const guint8 photo[40] = { 0x89, 'P', 'N', 'G' };

  godwit_test_store_init (&library->store, "Library.sqlite");
  library->bundle = g_build_filename (library->store.dir, "Library.xcdatamodel", NULL);
  contents = g_build_filename (library->bundle, "contents", NULL);
  g_assert_cmpint (g_mkdir (library->bundle, 0755), ==, 0);
  godwit_test_write_file (contents, library_contents, -1);

  /* The store is written with the very model the CLI reads back. */
  bundle = godwit_model_bundle_new_for_path (library->bundle, &error);
  g_assert_no_error (error);
  writer = godwit_test_store_begin (&library->store,
                                    godwit_model_bundle_get_current_version (bundle), keep_wal);

  library->ann = godwit_test_insert (writer, "Author",
                                     "name", g_variant_new_string ("Ann Ørsted"),
                                     /* 2000-01-01T00:00:00Z: 2000 is a leap year */
                                     "born", g_variant_new_double (-31622400.0),
                                     "identifier", godwit_test_bytes_value (uuid_bytes, 16),
                                     "active", g_variant_new_boolean (TRUE),
                                     "photo", godwit_test_bytes_value (photo, sizeof photo),
                                     "rank", g_variant_new_int64 (7),
                                     NULL);
  library->ben = godwit_test_insert (writer, "Author", "name", g_variant_new_string ("Ben"),
                                     "active", g_variant_new_boolean (FALSE), NULL);
  library->eve = godwit_test_insert (writer, "Editor", "name", g_variant_new_string ("Eve"),
                                     /* 2001-01-01T00:00:00Z */
                                     "born", g_variant_new_double (0.0),
                                     "level", g_variant_new_int64 (3), NULL);
  library->dune = godwit_test_insert (writer, "Book", "title", g_variant_new_string ("Dune"),
                                      "price", g_variant_new_double (9.5), NULL);
  library->emma = godwit_test_insert (writer, "Book", "title", g_variant_new_string ("Emma"),
                                      /* No double is 12.1: its nearest one prints
                                       * as 12.099999999999999 with %.17g. */
                                      "price", g_variant_new_double (12.1), NULL);
  library->ulysses = godwit_test_insert (writer, "Book", "title", g_variant_new_string ("Ulysses"),
                                         "price", NULL, NULL);
  for (guint i = 0; i < N_TAGS; i++)
    {
      g_autofree char *label = g_strdup_printf ("tag %u", i);

      library->tags[i] = godwit_test_insert (writer, "Tag",
                                             "label", g_variant_new_string (label), NULL);
    }

  godwit_test_relate (writer, "Book", library->dune, "author", "Author", library->ann);
  godwit_test_relate (writer, "Book", library->emma, "author", "Editor", library->eve);
  godwit_test_relate (writer, "Book", library->dune, "tags", "Tag", library->tags[0]);
  godwit_test_relate (writer, "Book", library->dune, "tags", "Tag", library->tags[1]);
  godwit_test_relate (writer, "Book", library->emma, "tags", "Tag", library->tags[1]);

  godwit_test_writer_commit (writer);
}

static void
library_clear (Library *library)
{
  godwit_test_store_clear (&library->store);
  g_free (library->bundle);
}

static JsonObject *
find_line (GPtrArray  *lines,
           const char *uri)
{
  for (guint i = 0; i < lines->len; i++)
    {
      JsonObject *line = g_ptr_array_index (lines, i);

      if (g_strcmp0 (json_object_get_string_member (line, "uri"), uri) == 0)
        return line;
    }

  g_error ("no object %s in the dump", uri);
}

/* A to-many relationship's URIs, in any order (it is not ordered). */
static void
assert_uri_set (JsonObject *line,
                const char *relationship,
                ...)
{
  JsonObject *relationships = godwit_test_object_member (line, "relationships");
  JsonArray *array = godwit_test_array_member (relationships, relationship);
  guint n = 0;
  va_list ap;

  va_start (ap, relationship);
  for (const char *uri = va_arg (ap, const char *); uri != NULL; uri = va_arg (ap, const char *))
    {
      gboolean found = FALSE;

      for (guint i = 0; i < json_array_get_length (array); i++)
        found |= g_strcmp0 (json_array_get_string_element (array, i), uri) == 0;
      g_assert_true (found);
      n++;
    }
  va_end (ap);

  g_assert_cmpuint (json_array_get_length (array), ==, n);
}

static GPtrArray *
dump_lines (const char *first,
            ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;
  va_list ap;

  g_ptr_array_add (args, (gpointer) godwit_test_cli_path ());
  g_ptr_array_add (args, (gpointer) "dump");
  va_start (ap, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, (gpointer) "--json");

  status = run_argv (args, &out, &err);
  if (status != 0)
    g_test_message ("dump: %s", err);
  g_assert_cmpint (status, ==, 0);

  return godwit_test_parse_json_lines (out);
}

static void
test_dump_generated (void)
{
  Library library = { 0 };
  g_autoptr(GPtrArray) lines = NULL;
  g_autoptr(GPtrArray) authors = NULL;
  g_autofree char *ann = NULL, *ben = NULL, *eve = NULL;
  g_autofree char *dune = NULL, *emma = NULL, *ulysses = NULL;
  g_autofree char *tag0 = NULL, *tag1 = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  JsonObject *line, *attributes, *relationships, *photo;
  const char *previous_entity = "";

  library_write (&library, FALSE);
  ann = godwit_test_store_dup_uri (&library.store, "Author", library.ann);
  ben = godwit_test_store_dup_uri (&library.store, "Author", library.ben);
  eve = godwit_test_store_dup_uri (&library.store, "Editor", library.eve);
  dune = godwit_test_store_dup_uri (&library.store, "Book", library.dune);
  emma = godwit_test_store_dup_uri (&library.store, "Book", library.emma);
  ulysses = godwit_test_store_dup_uri (&library.store, "Book", library.ulysses);
  tag0 = godwit_test_store_dup_uri (&library.store, "Tag", library.tags[0]);
  tag1 = godwit_test_store_dup_uri (&library.store, "Tag", library.tags[1]);

  lines = dump_lines (library.store.path, "--model", library.bundle, NULL);
  g_assert_cmpuint (lines->len, ==, 3 + 3 + N_TAGS);

  /* Entities in name order, each object once, under its own entity. */
  for (guint i = 0; i < lines->len; i++)
    {
      const char *entity = json_object_get_string_member (g_ptr_array_index (lines, i), "entity");

      g_assert_cmpint (strcmp (previous_entity, entity), <=, 0);
      previous_entity = entity;
    }

  line = find_line (lines, ann);
  g_assert_cmpstr (json_object_get_string_member (line, "entity"), ==, "Author");
  g_assert_cmpint (json_object_get_int_member (line, "pk"), ==, library.ann);
  attributes = godwit_test_object_member (line, "attributes");
  g_assert_cmpstr (json_object_get_string_member (attributes, "name"), ==, "Ann Ørsted");
  g_assert_cmpstr (json_object_get_string_member (attributes, "born"), ==, "2000-01-01T00:00:00Z");
  g_assert_cmpstr (json_object_get_string_member (attributes, "identifier"), ==,
                   "C8AD661E-8B9C-4A11-9000-123456789ABC");
  g_assert_true (json_object_get_boolean_member (attributes, "active"));
  g_assert_cmpint (json_object_get_int_member (attributes, "rank"), ==, 7);
  photo = godwit_test_object_member (attributes, "photo");
  g_assert_cmpint (json_object_get_int_member (photo, "size"), ==, 40);
  g_assert_true (g_str_has_prefix (json_object_get_string_member (photo, "preview"), "89504e47"));
  assert_uri_set (line, "books", dune, NULL);

  line = find_line (lines, ben);
  attributes = godwit_test_object_member (line, "attributes");
  g_assert_false (json_object_get_boolean_member (attributes, "active"));
  g_assert_true (json_object_get_null_member (attributes, "born"));
  g_assert_true (json_object_get_null_member (attributes, "photo"));
  assert_uri_set (line, "books", NULL);

  line = find_line (lines, eve);
  g_assert_cmpstr (json_object_get_string_member (line, "entity"), ==, "Editor");
  attributes = godwit_test_object_member (line, "attributes");
  g_assert_cmpstr (json_object_get_string_member (attributes, "born"), ==, "2001-01-01T00:00:00Z");
  g_assert_cmpint (json_object_get_int_member (attributes, "level"), ==, 3);
  assert_uri_set (line, "books", emma, NULL);

  line = find_line (lines, dune);
  attributes = godwit_test_object_member (line, "attributes");
  relationships = godwit_test_object_member (line, "relationships");
  g_assert_cmpstr (json_object_get_string_member (attributes, "title"), ==, "Dune");
  g_assert_cmpfloat (json_object_get_double_member (attributes, "price"), ==, 9.5);
  g_assert_cmpstr (json_object_get_string_member (relationships, "author"), ==, ann);
  assert_uri_set (line, "tags", tag0, tag1, NULL);

  /* A to-one into the hierarchy names the concrete entity. */
  line = find_line (lines, emma);
  attributes = godwit_test_object_member (line, "attributes");
  relationships = godwit_test_object_member (line, "relationships");
  g_assert_cmpfloat (json_object_get_double_member (attributes, "price"), ==, 12.1);
  g_assert_cmpstr (json_object_get_string_member (relationships, "author"), ==, eve);
  assert_uri_set (line, "tags", tag1, NULL);

  line = find_line (lines, ulysses);
  attributes = godwit_test_object_member (line, "attributes");
  relationships = godwit_test_object_member (line, "relationships");
  g_assert_true (json_object_get_null_member (attributes, "price"));
  g_assert_true (json_object_get_null_member (relationships, "author"));
  assert_uri_set (line, "tags", NULL);

  line = find_line (lines, tag1);
  attributes = godwit_test_object_member (line, "attributes");
  g_assert_cmpstr (json_object_get_string_member (attributes, "label"), ==, "tag 1");
  assert_uri_set (line, "books", dune, emma, NULL);

  /* An entity with its sub-entities, as a fetch request returns them. */
  authors = dump_lines (library.store.path, "Author", "--model", library.bundle, NULL);
  g_assert_cmpuint (authors->len, ==, 3);
  find_line (authors, eve);

  /* Text for people: every object by its URI. */
  g_assert_cmpint (godwit_test_run_cli (&out, &err, "dump", library.store.path, "Book",
                                        "--model", library.bundle, NULL), ==, 0);
  g_assert_nonnull (strstr (out, dune));
  g_assert_nonnull (strstr (out, "Ulysses"));
  /* A double in the fewest digits that read back as it, in text and in
   * JSON alike. */
  g_assert_nonnull (strstr (out, " 12.1\n"));
  g_assert_nonnull (strstr (out, " 9.5\n"));
  g_assert_null (strstr (out, "12.09"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (godwit_test_run_cli (&out, &err, "dump", library.store.path, "Book",
                                        "--model", library.bundle, "--json", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "\"price\":12.1"));
  g_assert_null (strstr (out, "12.09"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Without a model (the writer caches none): the schema-only view. */
  {
    g_autoptr(GPtrArray) raw = dump_lines (library.store.path, "Tag", NULL);

    g_assert_cmpuint (raw->len, ==, N_TAGS);
  }

  /* The store is inspected as matching its bundle. */
  {
    g_autoptr(JsonNode) root = inspect_json (library.store.path, library.bundle, 0);

    JsonObject *match = godwit_test_object_member (json_node_get_object (root), "bundle_match");

    g_assert_cmpstr (json_object_get_string_member (match, "matched_version"), ==, "Library");
  }

  library_clear (&library);
}

static void
test_dump_paging (void)
{
  Library library = { 0 };
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(GPtrArray) limited = NULL;
  g_autoptr(GPtrArray) rest = NULL;
  g_autofree char *after = NULL;

  library_write (&library, FALSE);

  /* Across the CLI's own page boundaries. */
  after = g_strdup_printf ("%" G_GINT64_FORMAT, library.tags[699]);
  page = dump_lines (library.store.path, "Tag", "--model", library.bundle, "--after", after,
                     "--limit", "1500", NULL);
  g_assert_cmpuint (page->len, ==, 1500);
  for (guint i = 0; i < page->len; i++)
    g_assert_cmpint (json_object_get_int_member (g_ptr_array_index (page, i), "pk"), ==, library.tags[700 + i]);

  /* --after past the last: the rest. */
  g_free (after);
  after = g_strdup_printf ("%" G_GINT64_FORMAT, library.tags[N_TAGS - 3]);
  rest = dump_lines (library.store.path, "Tag", "--model", library.bundle, "--after", after, NULL);
  g_assert_cmpuint (rest->len, ==, 2);

  /* Without ENTITY, --limit is per entity. */
  limited = dump_lines (library.store.path, "--model", library.bundle, "--limit", "2", NULL);
  g_assert_cmpuint (limited->len, ==, 2 + 2 + 1 + 2);

  library_clear (&library);
}

/* ---- history -------------------------------------------------------------- */

static void
test_history (void)
{
  g_autofree char *store = godwit_test_fixture_path ("apple-devices/NoteStore.sqlite");
  g_autoptr(GPtrArray) transactions = NULL;
  g_autoptr(GPtrArray) first = NULL;
  g_autoptr(GPtrArray) next = NULL;
  g_autoptr(JsonNode) inspected = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *after = NULL;
  JsonObject *history;
  guint n_changes = 0;
  gint64 previous_pk = 0;

  if (store == NULL)
    return;

  g_assert_cmpint (godwit_test_run_cli (&out, &err, "history", store, "--json", NULL), ==, 0);
  transactions = godwit_test_parse_json_lines (out);
  g_assert_cmpuint (transactions->len, >, 0);

  inspected = inspect_json (store, NULL, 0);
  history = godwit_test_object_member (json_node_get_object (inspected), "history");
  g_assert_cmpint (json_object_get_int_member (history, "transactions"), ==, transactions->len);

  for (guint i = 0; i < transactions->len; i++)
    {
      JsonObject *transaction = g_ptr_array_index (transactions, i);
      JsonArray *changes = godwit_test_array_member (transaction, "changes");
      const char *timestamp = json_object_get_string_member (transaction, "timestamp");

      g_assert_cmpint (json_object_get_int_member (transaction, "pk"), >, previous_pk);
      previous_pk = json_object_get_int_member (transaction, "pk");
      g_assert_true (g_regex_match_simple ("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}",
                                           timestamp, 0, 0));
      g_assert_true (json_object_has_member (transaction, "author"));
      g_assert_true (json_object_has_member (transaction, "context_name"));
      g_assert_true (json_object_has_member (transaction, "bundle_id"));
      g_assert_true (json_object_has_member (transaction, "process_id"));

      for (guint j = 0; j < json_array_get_length (changes); j++)
        {
          JsonObject *change = json_array_get_object_element (changes, j);
          const char *type = json_object_get_string_member (change, "type");

          g_assert_true (g_strcmp0 (type, "insert") == 0 || g_strcmp0 (type, "update") == 0 ||
                         g_strcmp0 (type, "delete") == 0);
          if (!json_object_get_null_member (change, "entity"))
            g_assert_true (g_str_has_prefix (json_object_get_string_member (change, "uri"), "x-coredata://"));
          g_assert_true (json_object_has_member (change, "changed_columns"));
          n_changes++;
        }
    }
  g_assert_cmpuint (n_changes, >, 0);

  /* Paging. */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (godwit_test_run_cli (&out, &err, "history", store, "--json", "--limit", "3", NULL), ==, 0);
  first = godwit_test_parse_json_lines (out);
  g_assert_cmpuint (first->len, ==, MIN (3, transactions->len));

  after = g_strdup_printf ("%" G_GINT64_FORMAT,
                           json_object_get_int_member (g_ptr_array_index (first, first->len - 1), "pk"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (godwit_test_run_cli (&out, &err, "history", store, "--json", "--after", after, NULL), ==, 0);
  next = godwit_test_parse_json_lines (out);
  g_assert_cmpuint (first->len + next->len, ==, transactions->len);

  /* Text. */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (godwit_test_run_cli (&out, &err, "history", store, "--limit", "2", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "x-coredata://"));
}

/* ---- reading leaves everything untouched -------------------------------- */

static void
run_every_reader (const char *store,
                  const char *bundle)
{
  const char *commands[][5] = {
    { "inspect", store, "--json", NULL },
    { "inspect", store, NULL },
    { "dump", store, "--json", NULL },
    { "dump", store, NULL },
    { "history", store, "--json", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autoptr(GPtrArray) args = g_ptr_array_new ();
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      int status;

      g_ptr_array_add (args, (gpointer) godwit_test_cli_path ());
      for (guint j = 0; commands[i][j] != NULL; j++)
        g_ptr_array_add (args, (gpointer) commands[i][j]);
      if (bundle != NULL && g_strcmp0 (commands[i][0], "history") != 0)
        {
          g_ptr_array_add (args, (gpointer) "--model");
          g_ptr_array_add (args, (gpointer) bundle);
        }

      status = run_argv (args, &out, &err);
      if (status != 0)
        g_test_message ("%s %s: %s", commands[i][0], store, err);
      g_assert_cmpint (status, ==, 0);
    }
}

static void
test_read_only (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (shared_stores); i++)
    {
      g_autofree char *dir = godwit_test_make_tmpdir ();
      g_autofree char *store = copy_fixture (shared_stores[i].store, dir);
      g_autofree char *before = NULL;
      g_autofree char *after = NULL;

      if (store == NULL)
        {
          godwit_test_rmdir (dir);
          return;
        }

      before = godwit_test_snapshot_directory (dir);
      run_every_reader (store, NULL);
      after = godwit_test_snapshot_directory (dir);
      g_assert_cmpstr (before, ==, after);

      godwit_test_rmdir (dir);
    }
}

/* Un-checkpointed WAL content is read, and the -wal and -shm stay as
 * they were. */
static void
test_read_only_wal (void)
{
  Library library = { 0 };
  g_autofree char *wal = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *main_only_dir = NULL;
  g_autofree char *main_only = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  GStatBuf st;
  int status;

  library_write (&library, TRUE);
  wal = g_strconcat (library.store.path, "-wal", NULL);
  g_assert_cmpint (g_stat (wal, &st), ==, 0);
  g_assert_cmpint (st.st_size, >, 0);

  before = godwit_test_snapshot_directory (library.store.dir);
  lines = dump_lines (library.store.path, "Book", "--model", library.bundle, NULL);
  g_assert_cmpuint (lines->len, ==, 3);
  run_every_reader (library.store.path, library.bundle);
  after = godwit_test_snapshot_directory (library.store.dir);
  g_assert_cmpstr (before, ==, after);

  /* The objects are in the WAL only: the main file alone lacks them. */
  main_only_dir = godwit_test_make_tmpdir ();
  main_only = g_build_filename (main_only_dir, "Library.sqlite", NULL);
  godwit_test_copy_file (library.store.path, main_only);
  status = godwit_test_run_cli (&out, &err, "dump", main_only, "Book", "--model", library.bundle, "--json", NULL);
  if (status == 0)
    {
      g_autoptr(GPtrArray) main_lines = godwit_test_parse_json_lines (out);

      g_assert_cmpuint (main_lines->len, <, 3);
    }
  else
    g_assert_cmpint (status, ==, 2);

  godwit_test_rmdir (main_only_dir);
  library_clear (&library);
}

/* ---- bad input -------------------------------------------------------------- */

static void
test_bad_input (void)
{
  g_autofree char *dir = godwit_test_make_tmpdir ();
  g_autofree char *missing = g_build_filename (dir, "missing.sqlite", NULL);
  g_autofree char *text_file = g_build_filename (dir, "notes.txt", NULL);
  g_autofree char *store = copy_fixture ("wibosco-revised/stores/CoreDataMigration_Example_2.sqlite", dir);
  g_autofree char *not_sqlite = godwit_test_fixture_path ("not-coredata/859631-store.db");
  g_autofree char *firefox = godwit_test_fixture_path ("not-coredata/firefox-places.sqlite");
  g_autofree char *truncated = g_build_filename (dir, "truncated.sqlite", NULL);
  const char *bad_options[][4] = {
    { "--limit", "abc" },
    { "--limit", "0" },
    { "--limit", "-3" },
    { "--after", "-1" },
    { "--after", "1x" },
    { "--bogus", NULL },
  };

  if (store == NULL || not_sqlite == NULL || firefox == NULL)
    {
      godwit_test_rmdir (dir);
      return;
    }

  godwit_test_write_file (text_file, "not a model\n", -1);

  {
    const char *paths[] = { missing, dir, not_sqlite, firefox };

    for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
      {
        const char *commands[] = { "inspect", "dump", "history" };

        for (guint j = 0; j < G_N_ELEMENTS (commands); j++)
          {
            g_autofree char *out = NULL;
            g_autofree char *err = NULL;
            int status = godwit_test_run_cli (&out, &err, commands[j], paths[i], NULL);

            assert_exit_2_naming (status, &err, paths[i]);
          }
      }
  }

  /* A bundle that is a plain file, and a missing one. */
  {
    const char *bundles[] = { text_file, missing };

    for (guint i = 0; i < G_N_ELEMENTS (bundles); i++)
      {
        g_autofree char *out = NULL;
        g_autofree char *err = NULL;
        g_autofree char *out2 = NULL;
        g_autofree char *err2 = NULL;

        assert_exit_2_naming (godwit_test_run_cli (&out, &err, "model", bundles[i], NULL), &err, bundles[i]);
        assert_exit_2_naming (godwit_test_run_cli (&out2, &err2, "inspect", store, "--model", bundles[i], NULL),
                              &err2, bundles[i]);
      }
  }

  /* The first half of a real store. */
  godwit_test_copy_first_half (store, truncated);
  {
    const char *commands[] = { "inspect", "dump" };

    for (guint j = 0; j < G_N_ELEMENTS (commands); j++)
      {
        g_autofree char *out = NULL;
        g_autofree char *err = NULL;

        assert_exit_2_naming (godwit_test_run_cli (&out, &err, commands[j], truncated, NULL), &err, truncated);
      }
  }

  /* An entity the store does not have. */
  {
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    assert_exit_2_naming (godwit_test_run_cli (&out, &err, "dump", store, "Nonesuch", NULL), &err, "Nonesuch");
    g_assert_nonnull (strstr (err, store));
  }

  /* A bundle that does not describe the store cannot read its objects. */
  {
    g_autofree char *bergier = godwit_test_fixture_path ("bergier/Model.xcdatamodeld");
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    if (bergier != NULL)
      assert_exit_2_naming (godwit_test_run_cli (&out, &err, "dump", store, "--model", bergier, NULL), &err, store);
  }

  for (guint i = 0; i < G_N_ELEMENTS (bad_options); i++)
    {
      const char *commands[] = { "dump", "history" };

      for (guint j = 0; j < G_N_ELEMENTS (commands); j++)
        {
          g_autofree char *out = NULL;
          g_autofree char *err = NULL;
          int status = godwit_test_run_cli (&out, &err, commands[j], store, bad_options[i][0],
                                            bad_options[i][1], NULL);

          assert_exit_2_naming (status, &err, bad_options[i][0]);
        }
    }

  /* Too many arguments. */
  {
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    g_assert_cmpint (godwit_test_run_cli (&out, &err, "inspect", store, store, NULL), ==, 2);
  }

  godwit_test_rmdir (dir);
}

static void
test_bad_metadata (void)
{
  g_autofree char *dir = godwit_test_make_tmpdir ();
  g_autofree char *store = copy_fixture ("wibosco-revised/stores/CoreDataMigration_Example_1.sqlite", dir);
  g_autofree char *garbage_store = g_build_filename (dir, "garbage.sqlite", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GBytes) garbage = g_bytes_new_static ("bplist00 this is no plist", 25);
  g_autoptr(JsonNode) root = NULL;
  JsonObject *facts;

  if (store == NULL)
    {
      godwit_test_rmdir (dir);
      return;
    }

  godwit_test_copy_file (store, garbage_store);
  godwit_test_execute_sql (garbage_store, "UPDATE Z_METADATA SET Z_PLIST = ?1", garbage);
  assert_exit_2_naming (godwit_test_run_cli (&out, &err, "inspect", garbage_store, NULL), &err, garbage_store);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* NULL is not damage: the metadata is empty. */
  godwit_test_execute_sql (store, "UPDATE Z_METADATA SET Z_PLIST = NULL", NULL);
  root = inspect_json (store, NULL, 0);
  facts = json_node_get_object (root);
  g_assert_true (json_object_get_boolean_member (facts, "metadata_is_null"));
  g_assert_cmpuint (json_object_get_size (godwit_test_object_member (facts, "metadata")), ==, 0);
  g_assert_true (json_object_get_null_member (facts, "framework_version"));
  g_assert_false (json_object_get_boolean_member (facts, "mismatch"));

  g_assert_cmpint (godwit_test_run_cli (&out, &err, "inspect", store, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "empty"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (godwit_test_run_cli (&out, &err, "dump", store, "--json", NULL), ==, 0);

  godwit_test_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cli/usage", test_usage);
  g_test_add_func ("/cli/model/wibosco", test_model_wibosco);
  g_test_add_func ("/cli/model/bergier", test_model_bergier);
  g_test_add_func ("/cli/inspect/shared", test_inspect_shared);
  g_test_add_func ("/cli/inspect/schema-only", test_inspect_schema_only);
  g_test_add_func ("/cli/inspect/wrong-bundle", test_inspect_wrong_bundle);
  g_test_add_func ("/cli/inspect/cache-mismatch", test_inspect_cache_mismatch);
  g_test_add_func ("/cli/dump/generated", test_dump_generated);
  g_test_add_func ("/cli/dump/paging", test_dump_paging);
  g_test_add_func ("/cli/history", test_history);
  g_test_add_func ("/cli/read-only/shared", test_read_only);
  g_test_add_func ("/cli/read-only/wal", test_read_only_wal);
  g_test_add_func ("/cli/bad-input", test_bad_input);
  g_test_add_func ("/cli/bad-input/metadata", test_bad_metadata);

  return g_test_run ();
}
